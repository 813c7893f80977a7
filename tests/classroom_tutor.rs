//! The classroom through the real binary: the lecturer's tutor shares,
//! followers' tutors (in pseudo-terminals) and `follow` in a pipe follow,
//! explore, follow again, and answer a quiz the lecturer's screen tallies.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::pty::Pty;
use nntutor::classroom::follower::connect;
use nntutor::classroom::lecture::Lecture;

const WAIT: Duration = Duration::from_secs(20);

fn spawn(args: &[&str], name: &str) -> Pty {
    common::pty::nntutor_in(args, name)
}

/// A `follow` in a pipe that stops talking would hang its test: it is
/// killed after a minute, and the test fails on its closed output.
fn watchdog(child: &std::process::Child) {
    let pid = child.id() as i32;
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(60));
        // SAFETY: kill(2) with a pid and a signal; no memory is involved.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    });
}

/// The port the lecturer's screen tells students to follow.
fn port_on(screen: &str) -> String {
    let at = screen.find("nntutor follow ").unwrap() + "nntutor follow ".len();
    let addr: String = screen[at..].chars().take_while(|c| *c != ' ').collect();
    addr.rsplit(':').next().unwrap().to_string()
}

#[test]
fn followers_move_with_the_lecturer_explore_and_follow_again() {
    let mut lecturer = spawn(
        &[
            "lesson",
            "softmax",
            "--share",
            "127.0.0.1:0",
            "--code",
            "K7QF",
        ],
        "class-lecturer",
    );
    lecturer.wait_for("--code K7QF", WAIT);
    let port = port_on(&lecturer.screen());
    let addr = format!("127.0.0.1:{port}");
    let mut student = spawn(&["follow", &addr, "--code", "K7QF"], "class-student");
    student.wait_for("following 127.0.0.1", WAIT);
    student.wait_for("step 1 of", WAIT);
    // A second follower, a program of its own speaking the protocol.
    let (_, other) = connect(&addr, "K7QF").unwrap();
    lecturer.wait_for("2 follow", WAIT);
    // The lecturer moves two steps: the student's screen follows.
    lecturer.send(b"]]");
    lecturer.wait_for("step 3 of", WAIT);
    student.wait_for("step 3 of", WAIT);
    // The student steps back on their own: exploring, and the lecturer's
    // next move leaves them where they are.
    student.send(b"[");
    student.wait_for("step 2 of", WAIT);
    student.wait_for("exploring", WAIT);
    lecturer.send(b"]");
    lecturer.wait_for("step 4 of", WAIT);
    student.wait_for("(at step 4)", WAIT);
    assert!(
        student.screen().contains("step 2 of"),
        "{}",
        student.screen()
    );
    // f: following again, at the lecturer's step.
    student.send(b"f");
    student.wait_for("step 4 of", WAIT);
    // The other follower saw every move: steps 1, 3 and 4.
    let mut steps = Vec::new();
    while let Ok(Ok(m)) = other.rx.recv_timeout(Duration::from_secs(2)) {
        if let nntutor::classroom::protocol::FromLecturer::At { step, .. } = m {
            steps.push(step);
        }
    }
    assert_eq!(steps.first(), Some(&1));
    assert_eq!(steps.last(), Some(&4));
    // The quiz at step 11: both answer, the lecturer's screen tallies.
    lecturer.send(b"11\r");
    student.wait_for("Q1: the smallest", WAIT);
    student.send(b"a");
    other.answer(11, Some(1), None);
    lecturer.wait_for("The hall: 2 answered   a) 1   b) 1   c) 0   d) 0", WAIT);
    // The lecture ends: the student is told and stays.
    lecturer.send(b"\x03");
    assert!(lecturer.wait_exit(WAIT).success());
    student.wait_for("the lecture has ended", WAIT);
    student.send(b"\x03");
    assert!(student.wait_exit(WAIT).success());
}

#[test]
fn the_lecturer_sees_the_hall_answer_a_quiz() {
    // Softmax step 11 is a choice quiz (its smallest and largest loss).
    // Projected (`--present`, no footer), the join command is on the top
    // row for the hall to read.
    let mut lecturer = spawn(
        &[
            "lesson",
            "softmax",
            "--step",
            "11",
            "--present",
            "--share",
            "127.0.0.1:0",
            "--code",
            "Q",
        ],
        "class-quiz",
    );
    lecturer.wait_for("--code Q", WAIT);
    let addr = format!("127.0.0.1:{}", port_on(&lecturer.screen()));
    let (_, a) = connect(&addr, "Q").unwrap();
    let (_, b) = connect(&addr, "Q").unwrap();
    lecturer.wait_for("2 follow", WAIT);
    lecturer.wait_for("The hall: 0 answered", WAIT);
    a.answer(11, Some(0), None);
    b.answer(11, Some(1), None);
    lecturer.wait_for("The hall: 2 answered   a) 1   b) 1   c) 0   d) 0", WAIT);
    // b changes its mind: one answer each still.
    b.answer(11, Some(0), None);
    lecturer.wait_for("The hall: 2 answered   a) 2   b) 0", WAIT);
    lecturer.send(b"\x03");
    assert!(lecturer.wait_exit(WAIT).success());
}

#[test]
fn follow_in_a_pipe_prints_a_line_per_step_until_the_lecture_ends() {
    let lecture = Lecture::start("127.0.0.1:0", "P").unwrap();
    lecture.show_lesson("builtin:softmax", "id = \"softmax\"\n", Vec::new());
    lecture.at(1, 0, "Scores", None, None);
    let mut child = Command::new(env!("CARGO_BIN_EXE_nntutor"))
        .args(["follow", &lecture.addr().to_string(), "--code", "P"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    watchdog(&child);
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(out.next().unwrap().unwrap(), "step 1: Scores");
    // A move inside the step is no new line; the next step is.
    lecture.at(1, 2, "Scores", None, None);
    lecture.at(6, 0, "Cross-entropy of the car image", None, None);
    assert_eq!(
        out.next().unwrap().unwrap(),
        "step 6: Cross-entropy of the car image"
    );
    // A lesson's text is data: its escape sequences are shown, not obeyed.
    lecture.at(7, 0, "Evil \x1b[2J title", None, None);
    assert_eq!(out.next().unwrap().unwrap(), "step 7: Evil ␛[2J title");
    drop(lecture);
    assert_eq!(out.next().unwrap().unwrap(), "the lecture has ended");
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_wrong_code_or_no_lecture_is_a_clear_error() {
    let lecture = Lecture::start("127.0.0.1:0", "RIGHT").unwrap();
    lecture.show_lesson("builtin:softmax", "id = \"softmax\"\n", Vec::new());
    let addr = lecture.addr().to_string();
    let (code, _, err) = common::nntutor(&["follow", &addr, "--code", "WRONG"]);
    assert_eq!(code, 2);
    assert!(err.contains("wrong code"), "{err}");
    drop(lecture);
    // Nobody listens there now.
    let (code, _, err) = common::nntutor(&["follow", &addr, "--code", "RIGHT"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot connect"), "{err}");
}

#[test]
fn notes_show_each_steps_speaker_notes_and_the_next_title() {
    let lecture = Lecture::start("127.0.0.1:0", "N").unwrap();
    lecture.show_lesson("builtin:softmax", "id = \"softmax\"\n", Vec::new());
    lecture.at(
        6,
        0,
        "Per-image cross-entropy loss",
        Some("Ask the hall first."),
        Some("The loss over the data set"),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_nntutor"))
        .args([
            "follow",
            &lecture.addr().to_string(),
            "--code",
            "N",
            "--notes",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    watchdog(&child);
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = || out.next().unwrap().unwrap();
    assert_eq!(next(), "step 6: Per-image cross-entropy loss");
    assert_eq!(next(), "");
    assert_eq!(next(), "Ask the hall first.");
    assert_eq!(next(), "");
    assert_eq!(next(), "next: The loss over the data set");
    lecture.at(7, 0, "The loss over the data set", None, None);
    assert_eq!(next(), "step 7: The loss over the data set");
    assert_eq!(next(), "");
    assert_eq!(next(), "(no notes for this step)");
    assert_eq!(next(), "");
    assert_eq!(next(), "next: (the last step)");
    drop(lecture);
    assert_eq!(next(), "the lecture has ended");
    assert!(child.wait().unwrap().success());
}

#[test]
fn speaker_notes_are_never_on_the_learners_screen() {
    let dir = std::env::temp_dir().join(format!("nntutor-notes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("noted.toml");
    std::fs::write(
        &file,
        "id = \"noted\"\ntitle = \"Noted\"\n[given]\nx = 2\n[[steps]]\ntitle = \"Double\"\nlet = \"y = 2 * x\"\nexpand = true\nnotes = \"SPEAKER ONLY\"\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let mut t = spawn(&["lesson", path], "class-notes");
    t.wait_for("y = 2 × 2 = 4", WAIT);
    assert!(!t.screen().contains("SPEAKER"), "{}", t.screen());
    t.send(b"\x03");
    assert!(t.wait_exit(WAIT).success());
    for format in ["text", "markdown", "json"] {
        let (code, out, _) = common::nntutor(&["export", path, "--format", format]);
        assert_eq!(code, 0);
        assert!(!out.contains("SPEAKER"), "{format}: {out}");
    }
}

#[test]
fn a_lesson_with_data_files_is_followed_with_its_data() {
    use nntutor::lesson::idx::write_u8;
    let dir = std::env::temp_dir().join(format!("nntutor-class-data-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    // Three 2×2 images: 0..4, 10..14, 250..254; their pixel sums by hand
    // are 6, 46 and 1006.
    let pixels: Vec<u8> = (0..4).chain(10..14).chain(250..254).collect();
    std::fs::write(dir.join("data/images.idx"), write_u8(&[3, 2, 2], &pixels)).unwrap();
    let lesson = "id = \"idx\"\ntitle = \"Reading IDX\"\n[given]\nX = { file = \"data/images.idx\", format = \"idx\" }\n[[steps]]\ntitle = \"Pixel sums\"\nlet = \"s = colsum(X)\"\n";
    std::fs::write(dir.join("l.toml"), lesson).unwrap();
    let path = dir.join("l.toml");
    let mut lecturer = spawn(
        &[
            "lesson",
            path.to_str().unwrap(),
            "--share",
            "127.0.0.1:0",
            "--code",
            "D",
        ],
        "class-data-lecturer",
    );
    lecturer.wait_for("--code D", WAIT);
    let addr = format!("127.0.0.1:{}", port_on(&lecturer.screen()));
    let mut student = spawn(&["follow", &addr, "--code", "D"], "class-data-student");
    student.wait_for("Pixel sums", WAIT);
    student.wait_for("1006", WAIT);
    // Written in the student's own state folder, nowhere else.
    let state =
        std::env::temp_dir().join(format!("nntutor-class-data-student-{}", std::process::id()));
    let kept = std::fs::read_dir(state.join("nntutor/lectures"))
        .unwrap()
        .count();
    assert_eq!(kept, 1);
    for t in [&mut student, &mut lecturer] {
        t.send(b"\x03");
        assert!(t.wait_exit(WAIT).success());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
