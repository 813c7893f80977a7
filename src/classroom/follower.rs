//! The follower's side: connect with the code, take the lesson and the
//! lecturer's moves as they come (on a thread of its own, into a
//! channel), and send quiz answers. What arrives is untrusted: the lesson
//! is loaded as any file found online, with every check and budget.

use std::io::BufReader;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use super::data::{SharedFile, lecture_folder, write_shared};
use super::protocol::{self, FromFollower, FromLecturer, MAX_LECTURER_LINE, VERSION};
use crate::lesson::SourceFile;

/// How long connecting, and the lecturer's first answer, may take.
pub const CONNECT_WAIT: Duration = Duration::from_secs(5);

/// A lecture followed.
pub struct Following {
    /// The lecturer's messages after the first lesson, and why the
    /// connection ended (`Err`).
    pub rx: Receiver<Result<FromLecturer, String>>,
    /// Answers, to a thread that writes them: a lecture slow to take them
    /// never holds up the learner's keys.
    answers: Sender<FromFollower>,
    stream: TcpStream,
}

/// The first lesson: its number, file name and text.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedLesson {
    pub number: u64,
    pub name: String,
    pub text: String,
    pub files: Vec<SharedFile>,
}

impl SharedLesson {
    /// The lesson to load, from the lecture at `addr`: without data files
    /// a file on no disk (named after the lecture), with them the lesson
    /// and its files written into a folder of the state folder.
    pub fn source(&self, addr: &str) -> Result<SourceFile, String> {
        if self.files.is_empty() {
            return Ok(SourceFile::new(format!("{addr}/{}", self.name), &self.text));
        }
        let port = addr
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        let folder = lecture_folder(port, self.number)
            .ok_or("no state folder to keep the lecture's data files in (HOME is not set)")?;
        write_shared(&folder, &self.text, &self.files)
    }
}

/// Why a lecture could not be followed.
#[derive(Debug, Clone, PartialEq)]
pub enum JoinError {
    /// The lecturer refused: a wrong code, another version.
    Refused(String),
    /// No lecture there, or the connection failed.
    Failed(String),
}

impl std::fmt::Display for JoinError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JoinError::Refused(why) | JoinError::Failed(why) => write!(f, "{why}"),
        }
    }
}

/// Connects to the lecture at `addr` with `code`: the lesson it shows,
/// and the lecture to follow. The error says why, for the follower.
pub fn connect(addr: &str, code: &str) -> Result<(SharedLesson, Following), JoinError> {
    let (lesson, stream, reader) = join(addr, code)?;
    let io = |e: std::io::Error| JoinError::Failed(format!("{addr}: {e}"));
    // From now on the lecturer may be quiet for a whole lecture.
    stream.set_read_timeout(None).map_err(io)?;
    let rx = listen(reader).map_err(io)?;
    let answers = answer_writer(stream.try_clone().map_err(io)?).map_err(io)?;
    Ok((
        lesson,
        Following {
            rx,
            answers,
            stream,
        },
    ))
}

/// Writes each answer given, until the follower is dropped or the lecture
/// stops taking them.
fn answer_writer(mut out: TcpStream) -> std::io::Result<Sender<FromFollower>> {
    let (tx, rx) = channel::<FromFollower>();
    std::thread::Builder::new()
        .name("nntutor-answer".into())
        .spawn(move || {
            for message in rx {
                if protocol::send(&mut out, &message).is_err() {
                    return;
                }
            }
        })?;
    Ok(tx)
}

/// Connects, says hello with the code, and takes the first lesson.
fn join(
    addr: &str,
    code: &str,
) -> Result<(SharedLesson, TcpStream, BufReader<TcpStream>), JoinError> {
    let failed = JoinError::Failed;
    let targets: Vec<_> = addr
        .to_socket_addrs()
        .map_err(|e| {
            failed(format!(
                "`{addr}` is not an address to connect to ({e}); write HOST:PORT"
            ))
        })?
        .collect();
    let mut last = format!("`{addr}` names no address");
    let stream = targets
        .iter()
        .find_map(|t| match TcpStream::connect_timeout(t, CONNECT_WAIT) {
            Ok(s) => Some(s),
            Err(e) => {
                last = format!("cannot connect to {addr}: {e}");
                None
            }
        })
        .ok_or_else(|| failed(last.clone()))?;
    let io = |e: std::io::Error| failed(format!("{addr}: {e}"));
    stream.set_nodelay(true).map_err(io)?;
    stream.set_read_timeout(Some(CONNECT_WAIT)).map_err(io)?;
    stream.set_write_timeout(Some(CONNECT_WAIT)).map_err(io)?;
    let hello = FromFollower::Hello {
        v: VERSION,
        code: code.to_string(),
    };
    protocol::send(&mut &stream, &hello).map_err(io)?;
    let mut reader = BufReader::new(stream.try_clone().map_err(io)?);
    let first = protocol::receive::<FromLecturer>(&mut reader, MAX_LECTURER_LINE)
        .map_err(|e| failed(format!("{addr} did not let us follow: {e}")))?;
    match first {
        FromLecturer::Lesson {
            v: VERSION,
            number,
            name,
            text,
            files,
        } => {
            let lesson = SharedLesson {
                number,
                name,
                text,
                files,
            };
            Ok((lesson, stream, reader))
        }
        FromLecturer::Refused { reason, .. } => {
            Err(JoinError::Refused(format!("{addr} refused: {reason}")))
        }
        other => Err(failed(format!("{addr} began with {other:?}, not a lesson"))),
    }
}

/// The lecturer's messages as they come, on a thread of their own; the
/// last says why the lecture ended.
fn listen(
    mut reader: BufReader<TcpStream>,
) -> std::io::Result<Receiver<Result<FromLecturer, String>>> {
    let (tx, rx) = channel();
    std::thread::Builder::new()
        .name("nntutor-follow".into())
        .spawn(move || {
            loop {
                let message = protocol::receive::<FromLecturer>(&mut reader, MAX_LECTURER_LINE);
                let end = message.is_err();
                let sent = tx.send(message.map_err(|e| match e {
                    protocol::ReadError::Closed => "the lecture has ended".to_string(),
                    e => format!("the lecture's connection failed: {e}"),
                }));
                if end || sent.is_err() {
                    return;
                }
            }
        })?;
    Ok(rx)
}

impl Following {
    /// Sends an answer to the quiz of `step` (1-based). A lecture that is
    /// gone is said by the channel, not here.
    pub fn answer(&self, step: usize, choice: Option<usize>, number: Option<f64>) {
        let message = FromFollower::Answer {
            v: VERSION,
            step,
            choice,
            number,
        };
        // A writer that is gone means a lecture that is gone: the channel
        // of the lecturer's messages says so.
        let _ = self.answers.send(message);
    }
}

impl Drop for Following {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}
