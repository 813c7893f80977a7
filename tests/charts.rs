//! Charts keep their key off the curves and their axes honest: the key on
//! a row of its own, no axis below 0 for values that never are, and a
//! minibatch training's curve named for what it measures.

#![allow(clippy::unwrap_used)]

mod common;

use common::{nntutor, tutor};
use nntutor::tui::keys::Action;
use nntutor::tui::update::update;

/// The rows of a built-in lesson's step (1-based) at `w`×`h`.
fn rows(id: &str, step: usize, w: u16, h: u16) -> Vec<String> {
    tutor::rows(&tutor::opened(id, step), w, h)
}

/// The rows from the chart's key down to its x axis.
fn chart(rows: &[String]) -> &[String] {
    let key = rows.iter().position(|r| r.contains("against")).unwrap();
    let axis = key + rows[key..].iter().position(|r| r.contains('└')).unwrap();
    &rows[key..=axis]
}

#[test]
fn the_key_sits_above_the_curves_not_over_them() {
    for (id, step) in [("activations", 9), ("activations", 11), ("spiral-mlp", 6)] {
        let rows = rows(id, step, 100, 30);
        let chart = chart(&rows);
        // No legend box inside the plot, and the x axis named in the key.
        assert!(
            chart[1..].iter().all(|r| !r.contains('┌')),
            "{id} {step}:\n{}",
            rows.join("\n")
        );
        assert!(chart[0].contains("━━"), "{}", chart[0]);
    }
    let rows = rows("activations", 9, 100, 30);
    assert!(
        chart(&rows)[0].contains("━━ r   ▀▄ dr   against z"),
        "{}",
        rows.join("\n")
    );
}

#[test]
fn a_loss_axis_does_not_go_below_zero() {
    // digits step 5: the minibatch loss falls from ln 10 = 2.30 towards 0.07.
    let rows = rows("digits", 5, 100, 30);
    let labels: Vec<f64> = chart(&rows)[1..]
        .iter()
        .filter_map(|r| r.split('│').next()?.trim().parse().ok())
        .collect();
    assert!(labels.len() >= 2, "{}", rows.join("\n"));
    assert!(labels.iter().all(|&v| v >= 0.0), "{labels:?}");
    assert!(labels.contains(&0.0), "{labels:?}");
}

#[test]
fn a_minibatch_curve_says_it_is_the_minibatch_s() {
    let (_, text, _) = nntutor(&["export", "digits", "--format", "text"]);
    // Small random weights: every class about equally likely, ln 10 = 2.30.
    assert!(
        text.contains("L (on each minibatch of 100): 2.30"),
        "{text}"
    );
    let rows = rows("digits", 5, 100, 30);
    assert!(
        rows.iter()
            .any(|r| r.contains("L (on each minibatch of 100):"))
    );
}

/// The row where `needle` is on screen.
fn row_of(rows: &[String], needle: &str) -> Option<usize> {
    rows.iter().position(|r| r.contains(needle))
}

#[test]
fn a_walk_on_a_small_screen_keeps_its_place() {
    // Walks whose words and numbers do not fit 80×24 together: the numbers
    // stay on the same rows from the first element to the last, and the
    // words stay on screen (after them) instead of vanishing at element 2.
    for (id, step) in [("linear-scores", 3), ("softmax", 6), ("svm", 3)] {
        let mut app = tutor::opened(id, step);
        let first = tutor::rows(&app, 80, 24);
        let at = row_of(&first, "element 1 of").unwrap();
        for k in 2..=3 {
            update(&mut app, Action::Next);
            let rows = tutor::rows(&app, 80, 24);
            let here = row_of(&rows, &format!("element {k} of"));
            assert_eq!(
                here,
                Some(at),
                "{id} step {step}, element {k}:\n{}",
                rows.join("\n")
            );
        }
    }
}

#[test]
fn a_loss_and_an_accuracy_each_get_their_own_axis() {
    // spiral-mlp step 6 tracks L (from ln 3 = 1.10 down) and acc (0 to 1).
    let spiral = rows("spiral-mlp", 6, 120, 40);
    let key = |name: &str| {
        spiral
            .iter()
            .position(|r| r.contains(&format!("━━ {name}   against")))
    };
    let (l, acc) = (key("L"), key("acc"));
    assert!(l.is_some() && acc.is_some(), "{}", spiral.join("\n"));
    assert!(acc > l, "the accuracy's chart is below the loss's");
    // The search's trials and their best share one axis (one key row).
    let search = rows("optimization", 6, 120, 40);
    let key = search.iter().find(|r| r.contains("against trial")).unwrap();
    assert!(
        key.contains("per trial") && key.contains("best so far"),
        "{key}"
    );
}

#[test]
fn a_step_that_compares_two_trainings_draws_both_curves() {
    // spiral-mlp step 12 compares the softmax and the hinge networks.
    let rows = rows("spiral-mlp", 12, 120, 40);
    assert!(
        rows.iter()
            .any(|r| r.contains("━━ acc   ▀▄ acch   against iteration")),
        "{}",
        rows.join("\n")
    );
    // Told apart without colour: the first curve in braille dots, the
    // second in half blocks, as their key marks say.
    let plot = chart(&rows);
    let has = |f: fn(char) -> bool| plot[1..].iter().any(|r| r.chars().any(f));
    assert!(
        has(|c| ('\u{2801}'..='\u{28ff}').contains(&c)),
        "no braille"
    );
    assert!(has(|c| matches!(c, '▀' | '▄' | '█')), "no half blocks");
    // A name no earlier training tracks is refused where it is written.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    let text = "id = \"c\"\ntitle = \"C\"\n\n[given]\nw = 1\n\n[[steps]]\ntitle = \"T\"\ncurves = [\"loss\"]\n";
    std::fs::write(&path, text).unwrap();
    let (code, _, err) = nntutor(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("c.toml:9:11"), "{err}");
    assert!(
        err.contains("`loss` is not tracked before this step"),
        "{err}"
    );
}
