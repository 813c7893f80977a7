//! The lecturer's side: a listener that serves the lesson shown and where
//! the lecturer is in it to every follower with the code, and gathers
//! their quiz answers. Nothing a follower sends can move the lecturer's
//! screen: the only message taken from a follower is an answer.
//!
//! One thread accepts; each follower has a thread that writes (it sleeps
//! until the lecturer moves) and one that reads its answers. The
//! lecturer's side only swaps the message to send and wakes them, so a
//! slow, stalled or hostile follower never holds up the lecturer's frame:
//! a follower that does not take a message within [`WRITE_WAIT`] is
//! dropped, one that says nothing useful within [`HELLO_WAIT`] too, and
//! at most [`MAX_CONNECTIONS`] are held at once.

use std::collections::HashMap;
use std::io::BufReader;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use super::data::SharedFile;
use super::protocol::{self, FromFollower, FromLecturer, MAX_FOLLOWER_LINE, VERSION};

/// Connections held at once (followers and those still saying hello);
/// more are closed as they arrive.
pub const MAX_CONNECTIONS: usize = 1024;

/// How long a new connection has to say hello with the code.
pub const HELLO_WAIT: Duration = Duration::from_secs(5);

/// How long a follower may take to accept one message.
pub const WRITE_WAIT: Duration = Duration::from_secs(3);

/// Each follower's threads need little stack.
const STACK: usize = 128 * 1024;

/// A lecture being shared. Dropping it closes every connection.
pub struct Lecture {
    shared: Arc<Shared>,
    addr: SocketAddr,
    code: String,
    /// The accepting thread: joined on drop, so that the address is free
    /// (and refuses connections) once the lecture is gone.
    accepting: Option<std::thread::JoinHandle<()>>,
}

/// Where the lecturer is, and the followers' answers.
struct Shared {
    now: Mutex<Now>,
    /// The followers' writers wait on it.
    moved: Condvar,
    /// The relay waits on it: the lecturer wakes one thread, which wakes
    /// the hundreds of writers off the lecturer's thread.
    relay: Condvar,
    /// Connections held (followers and hellos).
    held: AtomicUsize,
    /// Followers past their hello.
    following: AtomicUsize,
    answers: Mutex<HashMap<usize, HashMap<u64, Answer>>>,
    closing: AtomicBool,
}

/// The lines to send, ready to write (made once, for every follower).
#[derive(Default)]
struct Now {
    /// Counts changes: a follower writes when it has not sent this one.
    generation: u64,
    lesson: Option<(u64, Arc<str>)>,
    at: Option<Arc<str>>,
    /// The lecturer's step (1-based): the only quiz answers are taken for.
    step: usize,
}

/// One follower's answer to one quiz.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Answer {
    Choice(usize),
    Number(f64),
}

/// The answers to one quiz: how many, and each one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub answers: Vec<Answer>,
}

impl Tally {
    /// How many chose each of `n` choices.
    pub fn choices(&self, n: usize) -> Vec<usize> {
        let mut counts = vec![0; n];
        for a in &self.answers {
            if let Answer::Choice(k) = a
                && *k < n
            {
                counts[*k] += 1;
            }
        }
        counts
    }

    /// How many numbers are within `tolerance` of `right`.
    pub fn right_numbers(&self, right: f64, tolerance: f64) -> usize {
        let near = |v: &f64| (v - right).abs() <= tolerance;
        self.answers
            .iter()
            .filter(|a| matches!(a, Answer::Number(v) if near(v)))
            .count()
    }
}

impl Lecture {
    /// Listens on `addr` (`0.0.0.0:7878`; port 0 picks one) for followers
    /// with `code`.
    pub fn start(addr: &str, code: &str) -> std::io::Result<Lecture> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            now: Mutex::new(Now::default()),
            moved: Condvar::new(),
            relay: Condvar::new(),
            held: AtomicUsize::new(0),
            following: AtomicUsize::new(0),
            answers: Mutex::new(HashMap::new()),
            closing: AtomicBool::new(false),
        });
        let for_accept = shared.clone();
        let code_for_accept = code.to_string();
        let for_relay = shared.clone();
        std::thread::Builder::new()
            .name("nntutor-relay".into())
            .stack_size(STACK)
            .spawn(move || relay(&for_relay))?;
        let accepting = std::thread::Builder::new()
            .name("nntutor-share".into())
            .stack_size(STACK)
            .spawn(move || accept(listener, for_accept, code_for_accept))?;
        Ok(Lecture {
            shared,
            addr,
            code: code.to_string(),
            accepting: Some(accepting),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    /// Followers connected with the code.
    pub fn followers(&self) -> usize {
        self.shared.following.load(Ordering::Relaxed)
    }

    /// A new lesson is shown (its file's name and text, and the data files
    /// it reads); its number.
    pub fn show_lesson(&self, name: &str, text: &str, files: Vec<SharedFile>) -> u64 {
        let mut now = self.shared.lock_now();
        let number = now.lesson.as_ref().map_or(1, |(n, _)| n + 1);
        let message = FromLecturer::Lesson {
            v: VERSION,
            number,
            name: name.to_string(),
            text: text.to_string(),
            files,
        };
        now.lesson = Some((number, protocol::line(&message).into()));
        now.at = None;
        now.generation += 1;
        self.shared.answers_lock().clear();
        drop(now);
        self.shared.relay.notify_one();
        number
    }

    /// The lecturer is at `step` (1-based), position `sub`, of the lesson
    /// shown last.
    pub fn at(
        &self,
        step: usize,
        sub: usize,
        title: &str,
        notes: Option<&str>,
        next: Option<&str>,
    ) {
        let mut now = self.shared.lock_now();
        let Some((lesson, _)) = now.lesson else {
            return;
        };
        let message = FromLecturer::At {
            v: VERSION,
            lesson,
            step,
            sub,
            title: title.to_string(),
            notes: notes.map(str::to_string),
            next: next.map(str::to_string),
        };
        now.at = Some(protocol::line(&message).into());
        now.step = step;
        now.generation += 1;
        drop(now);
        self.shared.relay.notify_one();
    }

    /// The answers to the quiz of `step` (1-based) so far.
    pub fn tally(&self, step: usize) -> Tally {
        let answers = self.shared.answers_lock();
        Tally {
            answers: answers
                .get(&step)
                .map(|by| by.values().copied().collect())
                .unwrap_or_default(),
        }
    }
}

impl Drop for Lecture {
    fn drop(&mut self) {
        self.shared.closing.store(true, Ordering::Relaxed);
        drop(self.shared.lock_now());
        self.shared.moved.notify_all();
        self.shared.relay.notify_one();
        // The accepting thread waits in `accept`: a connection of our own
        // wakes it to see the lecture is over.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        let woken = TcpStream::connect_timeout(&wake, Duration::from_secs(1)).is_ok();
        if let Some(accepting) = self.accepting.take().filter(|_| woken) {
            let _ = accepting.join();
        }
    }
}

impl Shared {
    /// A poisoned lock (a follower's thread panicked) still holds good data.
    fn lock_now(&self) -> MutexGuard<'_, Now> {
        self.now.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn answers_lock(&self) -> MutexGuard<'_, HashMap<usize, HashMap<u64, Answer>>> {
        self.answers.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn closing(&self) -> bool {
        self.closing.load(Ordering::Relaxed)
    }

    /// Sleeps on `woken_by` until the lecture has changed since `seen`:
    /// the lecture as it is then, or `None` once it is over.
    fn next_change(&self, woken_by: &Condvar, seen: u64) -> Option<MutexGuard<'_, Now>> {
        let mut now = self.lock_now();
        while now.generation == seen && !self.closing() {
            now = woken_by.wait(now).unwrap_or_else(|p| p.into_inner());
        }
        (!self.closing()).then_some(now)
    }
}

/// Wakes every follower's writer after each change of the lecture.
fn relay(shared: &Shared) {
    let mut seen = 0;
    while let Some(now) = shared.next_change(&shared.relay, seen) {
        seen = now.generation;
        drop(now);
        shared.moved.notify_all();
    }
}

/// Counts a held connection for as long as it lives.
struct Held(Arc<Shared>);

impl Drop for Held {
    fn drop(&mut self) {
        self.0.held.fetch_sub(1, Ordering::Relaxed);
    }
}

fn accept(listener: TcpListener, shared: Arc<Shared>, code: String) {
    let ids = AtomicU64::new(0);
    loop {
        let accepted = listener.accept();
        if shared.closing() {
            return;
        }
        let stream = match accepted {
            Ok((stream, _)) => stream,
            // A connection reset before it was accepted, or out of files
            // for a moment: the next one may do.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            }
        };
        if shared.held.load(Ordering::Relaxed) >= MAX_CONNECTIONS {
            continue;
        }
        shared.held.fetch_add(1, Ordering::Relaxed);
        let held = Held(shared.clone());
        let id = ids.fetch_add(1, Ordering::Relaxed);
        let code = code.clone();
        let spawned = std::thread::Builder::new()
            .name("nntutor-follower".into())
            .stack_size(STACK)
            .spawn(move || serve(stream, held, id, &code));
        // Out of threads: the connection closes (dropped with the closure).
        drop(spawned);
    }
}

/// One follower: its hello checked, then the lecture written as it moves
/// while its answers are read beside.
fn serve(stream: TcpStream, held: Held, id: u64, code: &str) {
    let shared = held.0.clone();
    if stream.set_nonblocking(false).is_err()
        || stream.set_read_timeout(Some(HELLO_WAIT)).is_err()
        || stream.set_write_timeout(Some(WRITE_WAIT)).is_err()
    {
        return;
    }
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::with_capacity(MAX_FOLLOWER_LINE, read_half);
    let mut out = &stream;
    match protocol::receive::<FromFollower>(&mut reader, MAX_FOLLOWER_LINE) {
        Ok(FromFollower::Hello { v, code: given }) if v == VERSION && given == code => {}
        Ok(FromFollower::Hello { v, .. }) => {
            let reason = if v != VERSION {
                format!(
                    "this lecture speaks version {VERSION} of the classroom protocol, not {v}: update nntutor"
                )
            } else {
                "wrong code: check the code on the lecturer's screen".to_string()
            };
            let _ = protocol::send(&mut out, &FromLecturer::Refused { v: VERSION, reason });
            return;
        }
        // Not a follower: closed without a word.
        _ => return,
    }
    let _ = stream.set_read_timeout(None);
    shared.following.fetch_add(1, Ordering::Relaxed);
    let answers = shared.clone();
    let reading = std::thread::Builder::new()
        .name("nntutor-answers".into())
        .stack_size(STACK)
        .spawn(move || read_answers(reader, &answers, id));
    if reading.is_ok() {
        write_lecture(&stream, &shared);
    }
    shared.following.fetch_sub(1, Ordering::Relaxed);
    // Wakes the reader, which ends too.
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// Writes each change of the lecture until the lecture ends or the
/// follower stops taking them.
fn write_lecture(mut stream: &TcpStream, shared: &Shared) {
    let (mut sent, mut lesson_sent) = (0, 0);
    loop {
        let (lesson, at) = {
            let Some(now) = shared.next_change(&shared.moved, sent) else {
                return;
            };
            sent = now.generation;
            let lesson = now.lesson.clone().filter(|(n, _)| *n != lesson_sent);
            (lesson, now.at.clone())
        };
        if let Some((number, line)) = lesson {
            if write(&mut stream, &line).is_err() {
                return;
            }
            lesson_sent = number;
        }
        if let Some(line) = at
            && write(&mut stream, &line).is_err()
        {
            return;
        }
    }
}

fn write(stream: &mut &TcpStream, line: &str) -> std::io::Result<()> {
    use std::io::Write;
    stream.write_all(line.as_bytes())
}

/// Records the follower's answers until it closes or says anything else.
fn read_answers(mut reader: BufReader<TcpStream>, shared: &Shared, id: u64) {
    loop {
        match protocol::receive::<FromFollower>(&mut reader, MAX_FOLLOWER_LINE) {
            Ok(FromFollower::Answer {
                v: VERSION,
                step,
                choice,
                number,
            }) => {
                let answer = match (choice, number) {
                    (Some(k), None) => Answer::Choice(k),
                    (None, Some(x)) if x.is_finite() => Answer::Number(x),
                    _ => continue,
                };
                // Only for the quiz asked in the hall: one answer per
                // follower per step the lecturer has been at.
                if shared.lock_now().step == step {
                    let mut answers = shared.answers_lock();
                    answers.entry(step).or_default().insert(id, answer);
                }
            }
            _ => {
                let _ = reader.get_ref().shutdown(std::net::Shutdown::Both);
                return;
            }
        }
    }
}
