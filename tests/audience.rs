//! Learners and authors apart: the author's checks (`✓ e = … (computed …)`)
//! and notes show with `--author`, in `check`, and in the tutor's author mode
//! (`A`), never on a learner's screen or in a default export. A slide's
//! number that the formula does not give, and the note on why, stay: they
//! are the lecture's.

#![allow(clippy::unwrap_used)]

mod common;

use common::nntutor;
use common::tutor::{self, opened};
use nntutor::tui::app::App;
use nntutor::tui::keys::Action;
use nntutor::tui::update::update;

/// The softmax lesson's cat loss: −ln(0.13) = 2.04 on the slide's own
/// probability (the slides print −log10(0.13) = 0.89).
const AUTHOR_CHECK: &str = "✓ Lcat = 2.04 (computed 2.040)";
const SLIDE_DIFFERS: &str = "⚠ the slides print Lcat = 0.89";

#[test]
fn a_default_export_has_no_author_checks() {
    for format in ["text", "markdown"] {
        let (code, out, _) = nntutor(&["export", "softmax", "--format", format]);
        assert_eq!(code, 0);
        assert!(!out.contains("✓"), "{format}: {out}");
        assert!(!out.contains("(computed"), "{format}: {out}");
        assert!(out.contains(SLIDE_DIFFERS), "{format}: {out}");
        assert!(
            out.contains("natural log"),
            "{format}: the slide note stays"
        );
    }
}

#[test]
fn an_author_export_has_every_check() {
    for format in ["text", "markdown"] {
        let (code, out, _) = nntutor(&["--author", "export", "softmax", "--format", format]);
        assert_eq!(code, 0);
        assert!(out.contains(AUTHOR_CHECK), "{format}: {out}");
        assert!(out.contains(SLIDE_DIFFERS), "{format}: {out}");
        // 18 expects, as `check` counts them, each a ✓ line.
        assert_eq!(out.matches("✓").count(), 18, "{format}: {out}");
    }
    let (_, summary, _) = nntutor(&["check", "softmax"]);
    assert!(summary.contains("18/18 expects"), "{summary}");
}

#[test]
fn the_json_export_lists_the_checks_its_reader_sees() {
    let kinds = |args: &[&str]| -> Vec<(String, bool)> {
        let (code, out, _) = nntutor(args);
        assert_eq!(code, 0);
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        doc["steps"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["checks"].as_array().cloned().unwrap_or_default())
            .map(|c| {
                let kind = c["kind"].as_str().unwrap().to_string();
                (kind, c["passed"].as_bool().unwrap())
            })
            .collect()
    };
    let learner = kinds(&["export", "softmax", "--format", "json"]);
    // The five slide notes of `check softmax`, and nothing else.
    assert_eq!(learner.len(), 5, "{learner:?}");
    assert!(learner.iter().all(|(k, passed)| k == "slide" && !passed));
    let author = kinds(&["--author", "export", "softmax", "--format", "json"]);
    let expects = author.iter().filter(|(k, _)| k == "expect").count();
    assert_eq!(expects, 18, "{author:?}");
}

#[test]
fn the_run_note_is_for_authors() {
    // Digits step 5 trains W (784×10) and b; W is too large to list.
    let note = "Changed by the run: W 784×10";
    let mut app = opened("digits", 5);
    assert!(!screen(&app).contains("Changed by the run"));
    update(&mut app, Action::ToggleAuthor);
    let author = screen(&app);
    assert!(author.contains(note), "{author}");
}

fn screen(app: &App) -> String {
    tutor::rows(app, 100, 40).concat()
}

#[test]
fn the_tutor_shows_checks_in_author_mode_only() {
    let mut app = opened("softmax", 5);
    let learner = screen(&app);
    assert!(learner.contains("Lcat"), "{learner}");
    assert!(!learner.contains("(computed"), "{learner}");
    update(&mut app, Action::ToggleAuthor);
    let author = screen(&app);
    assert!(author.contains(AUTHOR_CHECK), "{author}");
    assert!(author.contains("author"), "the header says so: {author}");
    update(&mut app, Action::ToggleAuthor);
    assert!(!screen(&app).contains("(computed"));
}

#[test]
fn a_long_formula_wraps_instead_of_being_cut() {
    // spiral-mlp step 8's hinge loss is over 100 characters; an author sees
    // it whole at 100 columns, wrapped at a space.
    let mut app = opened("spiral-mlp", 8);
    update(&mut app, Action::ToggleAuthor);
    let rows = tutor::rows(&app, 100, 30);
    let joined = rows.iter().map(|r| r.trim()).collect::<Vec<_>>().join(" ");
    let formula = "computed as Lh = mean(hinge(V2 @ relu(V1 @ X + c1) + c2, X_labels, 1)) + 0.5 * reg * (sum(V1 ^ 2) + sum(V2 ^ 2))";
    assert!(formula.len() > 100);
    assert!(joined.contains(formula), "{}", rows.join("\n"));
}
