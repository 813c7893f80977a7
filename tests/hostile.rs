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
