//! The classroom on loopback: a lecturer and followers in one process,
//! hostile connections beside them.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use nntutor::classroom::follower::{Following, connect};
use nntutor::classroom::lecture::{Answer, Lecture};
use nntutor::classroom::protocol::FromLecturer;

fn lecture(code: &str) -> Lecture {
    let l = Lecture::start("127.0.0.1:0", code).unwrap();
    l.show_lesson("builtin:softmax", "id = \"softmax\"\n", Vec::new());
    l.at(1, 0, "Scores", None, Some("Exponentiate"));
    l
}

/// The next message within a second.
fn next(f: &Following) -> FromLecturer {
    f.rx.recv_timeout(Duration::from_secs(5)).unwrap().unwrap()
}

fn step_of(m: &FromLecturer) -> usize {
    match m {
        FromLecturer::At { step, .. } => *step,
        other => panic!("{other:?}"),
    }
}

/// Waits up to 5 s for `done`; `what` is said if it never comes.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(5), "never: {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn wait_followers(l: &Lecture, n: usize) {
    wait_until(&format!("{n} followers"), || l.followers() == n);
}

#[test]
fn two_followers_get_the_lesson_and_every_move() {
    let l = lecture("K7QF");
    let addr = l.addr().to_string();
    let (lesson, a) = connect(&addr, "K7QF").unwrap();
    let (_, b) = connect(&addr, "K7QF").unwrap();
    assert_eq!(lesson.name, "builtin:softmax");
    assert_eq!(lesson.text, "id = \"softmax\"\n");
    assert_eq!(lesson.number, 1);
    // Where the lecturer is, as soon as they join.
    assert_eq!(step_of(&next(&a)), 1);
    assert_eq!(step_of(&next(&b)), 1);
    wait_followers(&l, 2);
    l.at(
        6,
        2,
        "Cross-entropy of the car image",
        Some("Ask first"),
        None,
    );
    for f in [&a, &b] {
        match next(f) {
            FromLecturer::At {
                step,
                sub,
                title,
                notes,
                ..
            } => {
                assert_eq!((step, sub), (6, 2));
                assert_eq!(title, "Cross-entropy of the car image");
                assert_eq!(notes.as_deref(), Some("Ask first"));
            }
            other => panic!("{other:?}"),
        }
    }
    // Another lesson: the lesson first, then where.
    l.show_lesson("builtin:svm", "id = \"svm\"\n", Vec::new());
    l.at(3, 0, "Hinge", None, None);
    for f in [&a, &b] {
        assert!(matches!(next(f), FromLecturer::Lesson { number: 2, .. }));
        assert_eq!(step_of(&next(f)), 3);
    }
    // The lecture ends: the followers hear so.
    drop(l);
    let end = a.rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(end.unwrap_err(), "the lecture has ended");
}

#[test]
fn a_wrong_code_is_refused_with_a_message() {
    let l = lecture("K7QF");
    let Err(why) = connect(&l.addr().to_string(), "K7QX").map_err(|e| e.to_string()) else {
        panic!("a wrong code was let in");
    };
    assert!(why.contains("wrong code"), "{why}");
    assert_eq!(l.followers(), 0);
}

#[test]
fn answers_are_tallied_one_per_follower_for_the_quiz_asked() {
    let l = lecture("Q");
    let addr = l.addr().to_string();
    let (_, a) = connect(&addr, "Q").unwrap();
    let (_, b) = connect(&addr, "Q").unwrap();
    wait_followers(&l, 2);
    l.at(13, 0, "Q1", None, None);
    a.answer(13, Some(0), None);
    b.answer(13, Some(2), None);
    // A change replaces the first answer; another step's answer is not
    // the hall's question.
    a.answer(13, Some(2), None);
    b.answer(7, Some(1), None);
    wait_until("both answers c) to step 13", || {
        l.tally(13).choices(3) == [0, 0, 2]
    });
    assert!(l.tally(7).answers.is_empty());
    l.at(14, 0, "Q2", None, None);
    a.answer(14, None, Some(1.0986));
    b.answer(14, None, Some(2.0));
    wait_until("two answers to step 14", || l.tally(14).answers.len() == 2);
    // log 3 = 1.0986…, right at the lesson's two decimals.
    assert_eq!(l.tally(14).right_numbers(3f64.ln(), 0.005), 1);
    assert!(l.tally(14).answers.contains(&Answer::Number(2.0)));
}

/// The lecturer closed the connection (an end or a reset), rather than
/// keeping it open past the read timeout.
fn assert_closed(s: &mut TcpStream) {
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut rest = Vec::new();
    match s.read_to_end(&mut rest) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("still open: {e}"),
    }
}

#[test]
fn garbage_and_silence_are_dropped_and_the_lecture_goes_on() {
    let l = lecture("K");
    let addr = l.addr();
    // Bytes that are no message, a line far too long, and a follower's
    // attempt to steer: each connection is closed.
    for junk in [
        &b"\xff\xfe\x00garbage\n"[..],
        &vec![b'x'; 100_000][..],
        b"{\"type\":\"at\",\"v\":1,\"lesson\":1,\"step\":9,\"sub\":0,\"title\":\"x\"}\n",
    ] {
        let mut s = TcpStream::connect(addr).unwrap();
        let _ = s.write_all(junk);
        assert_closed(&mut s);
    }
    // A follower that steers after its hello is dropped too: it has the
    // lesson and where the lecturer is, says "at", and is gone.
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(b"{\"type\":\"hello\",\"v\":1,\"code\":\"K\"}\n")
        .unwrap();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(s.try_clone().unwrap()));
    assert!(
        lines
            .next()
            .unwrap()
            .unwrap()
            .contains("\"type\":\"lesson\"")
    );
    assert!(lines.next().unwrap().unwrap().contains("\"type\":\"at\""));
    s.write_all(b"{\"type\":\"at\",\"v\":1,\"lesson\":1,\"step\":9,\"sub\":0,\"title\":\"x\"}\n")
        .unwrap();
    assert_closed(&mut s);
    // Many that never say anything hold a connection each, no more.
    let silent: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    let start = Instant::now();
    let (_, f) = connect(&addr.to_string(), "K").unwrap();
    assert_eq!(step_of(&next(&f)), 1);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    drop(silent);
}

#[test]
fn a_follower_that_stops_reading_never_holds_up_the_lecturer() {
    let l = lecture("K");
    let addr = l.addr();
    // Says hello, then reads nothing.
    let mut stalled = TcpStream::connect(addr).unwrap();
    stalled
        .write_all(b"{\"type\":\"hello\",\"v\":1,\"code\":\"K\"}\n")
        .unwrap();
    let (_, f) = connect(&addr.to_string(), "K").unwrap();
    assert_eq!(step_of(&next(&f)), 1);
    // Lessons of a megabyte each fill the stalled socket's buffers.
    let text = "#".repeat(1 << 20);
    let start = Instant::now();
    for k in 0..20 {
        l.show_lesson("big.toml", &text, Vec::new());
        l.at(k + 1, 0, "big", None, None);
    }
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    // The reading follower keeps up; the last move arrives.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut last = 0;
    while last != 20 {
        assert!(Instant::now() < deadline, "stuck at {last}");
        if let Ok(Ok(FromLecturer::At { step, .. })) = f.rx.recv_timeout(Duration::from_secs(5)) {
            last = step;
        }
    }
    drop(stalled);
}

#[test]
fn a_new_lesson_waits_while_the_follower_explores_and_opens_on_f() {
    use nntutor::lesson::catalog::Catalog;
    use nntutor::tui::classroom::{Classroom, Job, follow_again};
    let catalog = Catalog::default();
    let softmax = catalog.find("softmax").unwrap();
    let l = Lecture::start("127.0.0.1:0", "W").unwrap();
    l.show_lesson(&softmax.name, &softmax.text, Vec::new());
    l.at(1, 0, "Scores", None, None);
    let addr = l.addr().to_string();
    let (shared, following) = connect(&addr, "W").unwrap();
    let source = shared.source(&addr).unwrap();
    let loaded = nntutor::lesson::load(source.clone());
    let mut app = nntutor::tui::app_for(
        loaded.lesson.unwrap(),
        loaded.timeline.unwrap(),
        Default::default(),
    );
    // Exploring at step 3.
    app.open.as_mut().unwrap().step = 2;
    app.classroom = Some(Classroom::Follower {
        host: addr.clone(),
        following: false,
        lecturer: None,
        lesson: source.name.clone(),
        ended: None,
    });
    let mut job = Job::Follower {
        following,
        addr: addr.clone(),
        waiting: None,
    };
    let svm = catalog.find("svm").unwrap();
    l.show_lesson(&svm.name, &svm.text, Vec::new());
    l.at(4, 0, "Hinge", None, None);
    // The lecturer moved on to another lesson: the explorer stays put.
    let start = Instant::now();
    while !matches!(
        &app.classroom,
        Some(Classroom::Follower {
            lecturer: Some((4, 0)),
            ..
        })
    ) {
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(job.sync(&mut app).1.is_none(), "opened under the explorer");
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(app.open.as_ref().unwrap().step, 2);
    // f: the new lesson opens, named after the lecture.
    follow_again(&mut app);
    let opened = job.sync(&mut app).1.unwrap();
    assert_eq!(opened.name, format!("{addr}/{}", svm.name));
    assert_eq!(opened.text, svm.text);
}
