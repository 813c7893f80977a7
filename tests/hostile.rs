//! Lesson files are data: whatever control characters they hold (ESC and
//! CSI/OSC sequences, BEL, backspace, bidirectional overrides) never reach
//! the terminal raw, in the exports, in error messages or on the screen.

#![allow(clippy::unwrap_used)]

use std::process::Command;

use nntutor::lesson::catalog::read_source;
use nntutor::lesson::load;
use nntutor::tui::app::Settings;
use nntutor::tui::keys::Action;
use nntutor::tui::update::update;
use nntutor::tui::{app_for, view};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/hostile");

fn run(args: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let out = Command::new(env!("CARGO_BIN_EXE_nntutor"))
        .args(args)
        .output()
        .unwrap();
    (out.stdout, out.stderr)
}

/// No byte that a terminal would act on, other than newline.
fn assert_inert(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    assert!(bad.is_empty(), "{what} lets {bad:?} through:\n{text}");
}

#[test]
fn exports_and_messages_show_placeholders() {
    let escapes = format!("{DIR}/escapes.toml");
    for format in ["text", "markdown"] {
        let (out, err) = run(&["export", &escapes, "--format", format]);
        assert_inert(&out, format);
        assert_inert(&err, "export's stderr");
        let text = String::from_utf8(out).unwrap();
        // Markdown escapes the brackets as well.
        let title = text.lines().next().unwrap().replace('\\', "");
        assert!(title.contains("Evil ␛]0;pwned␇ title ␛[2J"), "{text}");
    }
    // JSON escapes control characters itself.
    let (out, _) = run(&["export", &escapes, "--format", "json"]);
    assert_inert(&out, "json");
    assert!(String::from_utf8(out).unwrap().contains("\\u001b]0;pwned"));
    // The failed expect's message names the step, whose title has ESC.
    let (out, err) = run(&["check", &escapes]);
    assert_inert(&out, "check");
    assert_inert(&err, "check's messages");
    assert!(
        String::from_utf8(err)
            .unwrap()
            .contains("step 1 \"step ␛[H\"")
    );
    // Raw bytes in the file: the snippet quoting the line masks them and
    // still underlines the right column (3:18, counted by hand).
    let (out, err) = run(&["check", &format!("{DIR}/raw-bytes.toml")]);
    assert_inert(&out, "check");
    assert_inert(&err, "check's snippet");
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("raw-bytes.toml:3:18: error"), "{err}");
    assert!(
        err.contains("# a comment with ?]52;c;ZXZpbA==? clipboard"),
        "{err}"
    );
}

#[test]
fn the_tutor_draws_placeholders() {
    let loaded = load(read_source(std::path::Path::new(&format!("{DIR}/escapes.toml"))).unwrap());
    let mut app = app_for(
        loaded.lesson.unwrap(),
        loaded.timeline.unwrap(),
        Settings::default(),
    );
    let area = Rect::new(0, 0, 100, 30);
    for _ in 0..3 {
        let mut buf = Buffer::empty(area);
        view::render(&app, area, &mut buf);
        let screen: String = buf.content.iter().map(|c| c.symbol()).collect();
        assert_inert(screen.as_bytes(), "the screen");
        update(&mut app, Action::Next);
    }
    update(&mut app, Action::Leave);
    let mut buf = Buffer::empty(area);
    view::render(&app, area, &mut buf);
    let screen: String = buf.content.iter().map(|c| c.symbol()).collect();
    assert_inert(screen.as_bytes(), "the menu");
}

/// A lesson file whose very name holds escape sequences (an OSC title, a
/// screen clear, a C1 CSI, a bidi override): every place that prints the
/// name prints it as placeholders, the snippet's header included.
#[cfg(unix)]
#[test]
fn escape_sequences_in_file_names_stay_inert() {
    let dir = std::env::temp_dir().join(format!("nntutor-names-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let name = "bad\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m\u{202e}.toml";
    let path = dir.join(name);
    std::fs::write(
        &path,
        "id = \"n\"\ntitle = \"n\"\n[[steps]]\ntitle = \"s\"\nlet = \"y = nope\"\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    for args in [
        vec!["check", p],
        vec!["export", p],
        vec!["lesson", p],
        vec!["list", "--lessons", dir.to_str().unwrap()],
    ] {
        let (out, err) = run(&args);
        assert_inert(&out, "stdout");
        assert_inert(&err, "stderr");
    }
    let (_, err) = run(&["check", p]);
    let err = String::from_utf8(err).unwrap();
    // The header of the framed snippet names the file with placeholders.
    assert!(err.contains("[") && err.contains("␛]0;owned␇␛[2J"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// JSON escapes only U+0000–U+001F itself; C1 controls (U+0080–U+009F, a
/// CSI for some terminals) and the Arabic letter mark must not go out raw
/// either, in any format.
#[test]
fn c1_controls_and_the_arabic_letter_mark_are_escaped_everywhere() {
    let file = format!("{DIR}/c1-bidi.toml");
    let (out, _) = run(&["export", &file, "--format", "json"]);
    assert_inert(&out, "json");
    let json = String::from_utf8(out).unwrap();
    assert!(
        json.contains("C1 \\u009b31m and \\u0085 next line, ALM \\u061c here"),
        "{json}"
    );
    for format in ["text", "markdown"] {
        let (out, err) = run(&["export", &file, "--format", format]);
        assert_inert(&out, format);
        assert_inert(&err, "stderr");
    }
    let (out, err) = run(&["check", &file]);
    assert_inert(&out, "check");
    assert_inert(&err, "check's messages");
}

/// A carriage return alone in a line moved the cursor back, so that what
/// followed it overwrote the quoted line; and the snippet's header counted
/// it as a line break (4:1 where the error said 3:24).
#[test]
fn a_lone_carriage_return_is_masked_and_counted_as_the_error_counts() {
    let (_, err) = run(&["check", &format!("{DIR}/carriage-return.toml")]);
    assert_inert(&err, "the snippet");
    let err = String::from_utf8(err).unwrap();
    // Line 7, column 19: the CR after `let = "y = 2 * x"` (18 characters).
    assert!(err.contains("carriage-return.toml:7:19: error"), "{err}");
    assert!(
        err.contains("[") && err.contains("carriage-return.toml:7:19]"),
        "{err}"
    );
    assert!(err.contains("let = \"y = 2 * x\"?# OVERWRITE"), "{err}");
}

/// A fault on a line of a megabyte: the snippet quotes a window of it
/// around the fault (the whole line was echoed, 2 MB of stderr, and past
/// column 65,535 the snippet renderer panicked).
#[test]
fn a_fault_on_a_huge_line_is_quoted_in_a_window() {
    let dir = std::env::temp_dir().join(format!("nntutor-long-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("long.toml");
    let padding = "x".repeat(1_000_000);
    let text = format!("id = \"l\"\ntitle = \"{padding}\" oops\n");
    std::fs::write(&path, &text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nntutor"))
        .args(["check", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.len() < 4_000, "{} bytes of stderr", err.len());
    // `title = ` is 8 characters, the quoted string 1,000,002 (columns 9
    // to 1,000,010), a space: the stray `oops` starts at column 1,000,012.
    assert!(
        err.contains("long.toml:2:1000012"),
        "{}",
        &err[..err.len().min(600)]
    );
    assert!(err.contains("…xxxx"), "{}", &err[..err.len().min(600)]);
    let _ = std::fs::remove_dir_all(&dir);
}
