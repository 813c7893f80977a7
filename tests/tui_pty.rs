//! The real binary in a pseudo-terminal: keys in, screen out (parsed by a
//! terminal emulator), and the terminal left as it was found on every exit.

#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;
use std::time::Duration;

use common::pty::{Pty, state_dir};

const BIN: &str = env!("CARGO_BIN_EXE_nntutor");
const WAIT: Duration = Duration::from_secs(20);
const RIGHT: &[u8] = b"\x1b[C";
const LEFT: &[u8] = b"\x1b[D";

fn spawn(args: &[&str], state: &std::path::Path, cols: u16, rows: u16) -> Pty {
    Pty::spawn(
        BIN,
        args,
        cols,
        rows,
        &[
            ("XDG_STATE_HOME", state.to_str().unwrap()),
            ("NO_COLOR", ""),
        ],
    )
}

fn assert_restored(t: &Pty) {
    // What the program wrote before it stopped may still be on its way
    // through the pseudo-terminal to the test's reader thread (a busy
    // machine delays it): wait a little for it, then check.
    let restored = |t: &Pty| {
        let parser = t.parser.lock().unwrap();
        let screen = parser.screen();
        !screen.alternate_screen()
            && !screen.hide_cursor()
            && screen.mouse_protocol_mode() == vt100::MouseProtocolMode::None
    };
    let start = std::time::Instant::now();
    while !restored(t) && start.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let parser = t.parser.lock().unwrap();
    let screen = parser.screen();
    assert!(!screen.alternate_screen(), "still on the alternate screen");
    assert!(!screen.hide_cursor(), "the cursor is still hidden");
    assert_eq!(
        screen.mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "mouse capture left on"
    );
    drop(parser);
    assert!(t.cooked(), "the terminal is still in raw mode");
}

/// q to the menu, q out: a clean exit, the terminal as it was found.
fn leave_through_the_menu(t: &mut Pty) {
    t.send(b"q");
    t.wait_for("Enter open", WAIT);
    t.send(b"q");
    let status = t.wait_exit(WAIT);
    assert!(status.success(), "{status:?}");
    assert_restored(t);
}

#[test]
fn step_forward_and_back_then_quit_cleanly() {
    let state = state_dir("pty-walk");
    let mut t = spawn(&["lesson", "linear-scores"], &state, 100, 30);
    t.wait_for("step 1 of 11", WAIT);
    assert!(t.parser.lock().unwrap().screen().alternate_screen());
    // Step 3 walks W x element by element; the numbers are worked by hand:
    // cat 0.2·56 - 0.5·231 + 0.1·24 + 2·2 = -97.9, dog 84 + 300.3 + 50.4 = 434.7.
    t.send(RIGHT);
    t.send(RIGHT);
    t.wait_for(
        "Wx[cat] = (0.2 × 56) + (-0.5 × 231) + (0.1 × 24) + (2.0 × 2) = -97.9",
        WAIT,
    );
    t.send(RIGHT);
    t.wait_for(
        "Wx[dog] = (1.5 × 56) + (1.3 × 231) + (2.1 × 24) + (0.0 × 2) = 434.7",
        WAIT,
    );
    t.send(LEFT);
    t.wait_for("Wx[cat] = (0.2 × 56)", WAIT);
    t.send(LEFT);
    t.wait_for("step 2 of 11", WAIT);
    // A step number and Enter jump.
    t.send(b"4\r");
    t.wait_for("step 4 of 11", WAIT);
    leave_through_the_menu(&mut t);
    let progress = std::fs::read_to_string(state.join("nntutor/progress.json")).unwrap();
    assert!(progress.contains("\"linear-scores\""), "{progress}");
    assert!(progress.contains("\"step\": 4"), "{progress}");
}

#[test]
fn the_next_visit_resumes_where_the_learner_left() {
    let state = state_dir("pty-resume");
    std::fs::create_dir_all(state.join("nntutor")).unwrap();
    std::fs::write(
        state.join("nntutor/progress.json"),
        r#"{"version": 1, "lessons": {"svm": {"step": 5, "furthest": 6, "quizzes": {}}}}"#,
    )
    .unwrap();
    let mut t = spawn(&["lesson", "svm"], &state, 100, 30);
    t.wait_for("resumed at step 5", WAIT);
    t.wait_for("step 5 of", WAIT);
    t.send(b"g");
    t.wait_for("step 1 of", WAIT);
    t.send(b"\x03");
    assert!(t.wait_exit(WAIT).success());
    assert_restored(&t);
}

#[test]
fn a_corrupt_progress_file_is_set_aside() {
    let state = state_dir("pty-corrupt");
    std::fs::create_dir_all(state.join("nntutor")).unwrap();
    std::fs::write(state.join("nntutor/progress.json"), "{not json").unwrap();
    let mut t = spawn(&["lesson", "softmax"], &state, 100, 30);
    t.wait_for("set aside", WAIT);
    t.wait_for("step 1 of 23", WAIT);
    t.send(RIGHT);
    t.wait_for("step 2 of 23", WAIT);
    t.send(b"\x03");
    assert!(t.wait_exit(WAIT).success());
    let names: Vec<String> = std::fs::read_dir(state.join("nntutor"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("progress.json.corrupt-")),
        "{names:?}"
    );
    let fresh = std::fs::read_to_string(state.join("nntutor/progress.json")).unwrap();
    assert!(fresh.contains("\"softmax\""), "{fresh}");
}

#[test]
fn signals_restore_the_terminal() {
    for (sig, code) in [(libc::SIGTERM, 143), (libc::SIGHUP, 129)] {
        let state = state_dir(&format!("pty-signal-{sig}"));
        let mut t = spawn(&["lesson", "backprop", "--step", "4"], &state, 100, 30);
        t.wait_for("step 4 of 12", WAIT);
        t.send(RIGHT);
        t.wait_for("stop 1 of 5", WAIT);
        t.signal(sig);
        let status = t.wait_exit(WAIT);
        assert_eq!(status.code(), Some(code), "signal {sig}");
        assert_restored(&t);
        // Progress was saved before leaving.
        let progress = std::fs::read_to_string(state.join("nntutor/progress.json")).unwrap();
        assert!(progress.contains("\"backprop\""), "{progress}");
    }
}

#[test]
fn a_small_terminal_says_how_large_it_must_be_and_recovers() {
    let state = state_dir("pty-small");
    let mut t = spawn(&["lesson", "softmax"], &state, 40, 10);
    t.wait_for("at least", WAIT);
    t.resize(100, 30);
    t.wait_for("step 1 of 23", WAIT);
    // A storm of resizes, then keys still work.
    for k in 0..20u16 {
        t.resize(30 + k * 7, 5 + k * 2);
    }
    t.resize(90, 28);
    t.send(RIGHT);
    t.wait_for("step 2 of 23", WAIT);
    t.send(b"\x03");
    assert!(t.wait_exit(WAIT).success());
    assert_restored(&t);
}

#[test]
fn a_broken_lesson_is_reported_on_the_normal_screen() {
    let state = state_dir("pty-broken");
    let file = state.join("broken.toml");
    std::fs::write(
        &file,
        "id = \"broken\"\ntitle = \"B\"\n[[steps]]\ntitle = \"s\"\nlet = \"s = W @ \"\n",
    )
    .unwrap();
    let mut t = spawn(&["lesson", file.to_str().unwrap()], &state, 100, 30);
    let status = t.wait_exit(WAIT);
    assert_eq!(status.code(), Some(2));
    let screen = t.screen();
    assert!(screen.contains("error"), "{screen}");
    assert!(screen.contains("broken.toml:5:"), "{screen}");
    assert_restored(&t);
}

#[test]
fn the_menu_opens_a_lesson() {
    let state = state_dir("pty-menu");
    let mut t = spawn(&[], &state, 100, 30);
    t.wait_for("Enter open", WAIT);
    t.send(b"j");
    t.send(b"\r");
    t.wait_for("Multiclass SVM", WAIT);
    t.wait_for("step 1 of", WAIT);
    t.send(b"q");
    t.wait_for("Enter open", WAIT);
    t.send(b"\x1b");
    // Esc is also the start of escape sequences: give it time to stand alone.
    assert!(t.wait_exit(WAIT).success());
    assert_restored(&t);
}

#[test]
#[cfg(debug_assertions)]
fn a_panic_restores_the_terminal_then_prints_the_message() {
    let state = state_dir("pty-panic");
    let mut t = Pty::spawn(
        BIN,
        &["lesson", "softmax"],
        100,
        30,
        &[
            ("XDG_STATE_HOME", state.to_str().unwrap()),
            ("NNTUTOR_PANIC_ON_KEY", "x"),
        ],
    );
    t.wait_for("step 1 of 23", WAIT);
    t.send(b"x");
    let status = t.wait_exit(WAIT);
    assert_eq!(status.code(), Some(101));
    assert_restored(&t);
    let screen = t.screen();
    assert!(screen.contains("deliberate panic"), "{screen}");
}

#[test]
fn watch_reloads_the_file_and_shows_errors_until_fixed() {
    let state = state_dir("pty-watch");
    let file = state.join("my-lesson.toml");
    let new = Command::new(BIN)
        .args(["new", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(new.status.success(), "{new:?}");
    let original = std::fs::read_to_string(&file).unwrap();
    let mut t = spawn(
        &["lesson", file.to_str().unwrap(), "--watch", "--step", "2"],
        &state,
        100,
        30,
    );
    // The starter's scores: 0.2·2 - 0.5·1 = -0.1 for cat.
    t.wait_for("s[cat] = (0.2 × 2) + (-0.5 × 1) = -0.1", WAIT);
    // The author changes a weight: 0.3·2 - 0.5·1 = 0.1.
    std::fs::write(&file, original.replace("[[0.2, -0.5]", "[[0.3, -0.5]")).unwrap();
    t.wait_for("s[cat] = (0.3 × 2) + (-0.5 × 1) = 0.1", WAIT);
    t.wait_for("Reloaded", WAIT);
    assert!(t.screen().contains("step 2 of 6"));
    // A broken save: the error is shown, the last good version stays.
    std::fs::write(
        &file,
        original.replace("let = \"s = W @ x\"", "let = \"s = W @ \""),
    )
    .unwrap();
    t.wait_for("Not reloaded, showing the last version that loaded", WAIT);
    t.wait_for("my-lesson.toml:26:16: error", WAIT);
    assert!(t.screen().contains("s[cat] = (0.3 × 2)"));
    // Fixed again.
    std::fs::write(&file, &original).unwrap();
    t.wait_for("s[cat] = (0.2 × 2) + (-0.5 × 1) = -0.1", WAIT);
    t.send(b"\x03");
    assert!(t.wait_exit(WAIT).success());
    assert_restored(&t);
}

#[test]
fn a_long_evaluation_can_be_stopped_and_signals_still_work() {
    // The benchmark's spiral network trains for 10,000 iterations: seconds
    // of work, long enough to stop it and to signal in the middle of it.
    let benches = concat!(env!("CARGO_MANIFEST_DIR"), "/benches");
    let state = state_dir("pty-stop");
    let mut t = spawn(&["--lessons", benches], &state, 100, 30);
    t.wait_for("Enter open", WAIT);
    // It opens at once, its training going on beside: step 3 waits for it.
    t.send(b"G\r");
    t.wait_for("step 1 of 3", WAIT);
    t.send(b"3\r");
    t.wait_for("still being computed", WAIT);
    t.wait_for("iterations", WAIT);
    // Leaving stops the evaluation, and says so.
    t.send(b"\x1b");
    t.wait_for("Stopped evaluating spiral-mlp-bench", WAIT);
    // The menu answers at once, and opening again can be interrupted by a
    // signal mid-evaluation: the terminal is still restored.
    t.send(b"\r");
    t.wait_for("step 3 of 3", WAIT);
    t.signal(libc::SIGTERM);
    let status = t.wait_exit(WAIT);
    assert_eq!(status.code(), Some(143));
    assert_restored(&t);
}

/// The screen's "iteration N of 3000" count, if shown.
fn iteration(t: &Pty) -> Option<usize> {
    let screen = t.screen();
    let at = screen.find(" of 3000")?;
    let before = &screen[..at];
    let digits: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

#[test]
fn training_runs_live_pauses_steps_one_iteration_and_starts_again() {
    let state = state_dir("pty-live");
    let mut t = spawn(&["lesson", "spiral-mlp", "--step", "6"], &state, 120, 40);
    t.wait_for("step 6 of 12", WAIT);
    // It waits at iteration 0 for the lecturer; Enter starts it counting.
    t.wait_for("ready: 3000 iterations", WAIT);
    t.wait_for("Space or Enter start", WAIT);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        t.screen().contains("ready: 3000 iterations"),
        "it started on its own"
    );
    t.send(b"\r");
    t.wait_for("per second", WAIT);
    std::thread::sleep(Duration::from_millis(300));
    t.send(b" ");
    t.wait_for("paused at iteration", WAIT);
    // The iteration under way when Space arrived finishes; then nothing runs.
    std::thread::sleep(Duration::from_millis(200));
    let paused = iteration(&t).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(iteration(&t), Some(paused), "it ran on while paused");
    t.send(b"s");
    t.wait_for(&format!("paused at iteration {} of 3000", paused + 1), WAIT);
    t.send(b"s");
    t.wait_for(&format!("paused at iteration {} of 3000", paused + 2), WAIT);
    // Full speed, then it finishes: the same final loss as the timeline
    // (`nntutor check` evaluates the same lesson; see tests/live.rs).
    for _ in 0..10 {
        t.send(b"+");
    }
    t.send(b" ");
    t.wait_for("3000 iterations, done", Duration::from_secs(60));
    // r starts it again from iteration 0, at the pace last chosen.
    t.send(b"r");
    t.wait_for("full speed", WAIT);
    assert!(iteration(&t).unwrap() < 3000);
    leave_through_the_menu(&mut t);
}

#[test]
fn a_what_if_edit_is_evaluated_beside_the_keys_and_undone() {
    let state = state_dir("pty-whatif");
    let mut t = spawn(&["lesson", "svm", "--step", "6"], &state, 100, 30);
    t.wait_for("step 6 of", WAIT);
    t.wait_for("L = (2.9 + 0.0 + 12.9) / 3 = 5.27", WAIT);
    // e, then → three times: S[car, cat image] (5.1); type 2, Enter.
    t.send(b"e");
    t.wait_for("what if S[cat, cat image] (now 3.2)", WAIT);
    for _ in 0..3 {
        t.send(RIGHT);
    }
    t.wait_for("what if S[car, cat image] (now 5.1)", WAIT);
    t.send(b"2\r");
    // The cat image's margins are met (2 - 3.2 + 1 < 0, -1.7 - 3.2 + 1 < 0):
    // its loss is 0 and L = 12.9 / 3 = 4.3.
    t.wait_for("What if S[car, cat image] = 2 (was 5.1)?", WAIT);
    t.wait_for("L = (0.0 + 0.0 + 12.9) / 3 = 4.3", WAIT);
    t.send(b"u");
    t.wait_for("L = (2.9 + 0.0 + 12.9) / 3 = 5.27", WAIT);
    leave_through_the_menu(&mut t);
}

/// Whether the child is stopped (state `T` in /proc).
fn stopped(t: &Pty) -> bool {
    std::fs::read_to_string(format!("/proc/{}/stat", t.child.id()))
        .ok()
        .and_then(|s| {
            s.rsplit(')')
                .next()
                .map(|r| r.trim_start().starts_with('T'))
        })
        .unwrap_or(false)
}

/// Ctrl-Z (a key in raw mode) and SIGTSTP (from `kill`) give the shell its
/// terminal back before the process stops; `fg` (SIGCONT) takes it again
/// and draws the step anew, in raw mode, so keys work as before.
#[test]
fn suspending_hands_the_terminal_back_and_resuming_takes_it_again() {
    for how in ["ctrl-z", "sigtstp"] {
        let state = state_dir(&format!("pty-suspend-{how}"));
        let mut t = spawn(&["lesson", "backprop", "--step", "4"], &state, 100, 30);
        t.wait_for("step 4 of 12", WAIT);
        match how {
            "ctrl-z" => t.send(b"\x1a"),
            _ => t.signal(libc::SIGTSTP),
        }
        t.wait_until("the process did not stop", WAIT, stopped);
        assert_restored(&t);
        // What the shell prints meanwhile; the tutor must draw over it.
        t.parser
            .lock()
            .unwrap()
            .process(b"\x1b[2J\x1b[Hshell prompt$ fg");
        t.signal(libc::SIGCONT);
        t.wait_until("the screen was not taken back", WAIT, |t| {
            let p = t.parser.lock().unwrap();
            p.screen().alternate_screen() && p.screen().contents().contains("step 4 of 12")
        });
        assert!(!t.cooked(), "resumed in cooked mode");
        t.send(RIGHT);
        t.wait_for("stop 1 of 5", WAIT);
        leave_through_the_menu(&mut t);
    }
}

/// A `kill -STOP` gives no warning: on SIGCONT the tutor takes the screen
/// back and draws it whole.
#[test]
fn a_stop_without_warning_is_redrawn_on_continue() {
    let state = state_dir("pty-sigstop");
    let mut t = spawn(&["lesson", "backprop", "--step", "4"], &state, 100, 30);
    t.wait_for("step 4 of 12", WAIT);
    t.signal(libc::SIGSTOP);
    t.wait_until("the process did not stop", WAIT, stopped);
    t.parser
        .lock()
        .unwrap()
        .process(b"\x1b[2J\x1b[Hsomething else drew here");
    t.signal(libc::SIGCONT);
    t.wait_for("step 4 of 12", WAIT);
    assert!(!t.screen().contains("something else"), "{}", t.screen());
    leave_through_the_menu(&mut t);
}

/// TERM=dumb cannot show the full-screen tutor: the text walk-through.
#[test]
fn a_dumb_terminal_gets_the_text() {
    let state = state_dir("pty-dumb");
    let mut t = Pty::spawn(
        BIN,
        &["lesson", "softmax"],
        100,
        30,
        &[
            ("XDG_STATE_HOME", state.to_str().unwrap()),
            ("TERM", "dumb"),
        ],
    );
    let status = t.wait_exit(WAIT);
    assert!(status.success(), "{status:?}");
    let p = t.parser.lock().unwrap();
    assert!(!p.screen().alternate_screen());
    drop(p);
    // The walk-through's last lines are on the screen: the last step's
    // mean negative log-likelihood.
    assert!(t.screen().contains("nll = 2.76"), "{}", t.screen());
}

#[test]
fn a_lesson_that_trains_opens_before_its_training_is_done() {
    let state = state_dir("pty-opens-at-once");
    // Step 8 comes after step 6's 3000 iterations of training, which take
    // far longer than checking the lesson and drawing a frame.
    let mut t = spawn(&["lesson", "spiral-mlp", "--step", "8"], &state, 100, 30);
    // (A frame arrives in pieces: wait for its body, not its header.)
    t.wait_for("still being computed", WAIT);
    let screen = t.screen();
    assert!(
        screen.contains("step 8 of 12") && screen.contains("Its numbers come after step"),
        "{screen}"
    );
    // Keys work meanwhile: back to step 7, which waits too, and on again.
    t.send(LEFT);
    t.wait_for("step 7 of 12", WAIT);
    t.send(RIGHT);
    t.wait_for("step 8 of 12", WAIT);
    // Then the step's own numbers arrive, without a key: the hinge loss of
    // tiny weights, 2 (two wrong classes, each max(0, 0 - 0 + 1) = 1).
    t.wait_for("[ 2 ]", WAIT);
    assert!(!t.screen().contains("still being computed"));
    leave_through_the_menu(&mut t);
}

#[test]
fn quitting_while_a_lesson_is_evaluated_is_at_once() {
    let state = state_dir("pty-quit-early");
    let mut t = spawn(&["lesson", "spiral-mlp", "--step", "12"], &state, 100, 30);
    t.wait_for("step 12 of 12", WAIT);
    let asked = std::time::Instant::now();
    t.send(b"q");
    t.wait_for("Enter open", WAIT);
    t.send(b"q");
    let status = t.wait_exit(WAIT);
    assert!(status.success(), "{status:?}");
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "{:?}",
        asked.elapsed()
    );
    assert_restored(&t);
}
