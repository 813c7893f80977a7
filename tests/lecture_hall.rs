//! For the lecturer: the step counter in present mode, the overview of a
//! lesson's steps (`o`), the next lesson offered after the last step, and
//! the menu opening on the lesson used last.

#![allow(clippy::unwrap_used)]

mod common;

use common::nntutor;
use common::tutor::{opened, rows};
use nntutor::lesson::catalog::Catalog;
use nntutor::tui::app::App;
use nntutor::tui::keys::Action;
use nntutor::tui::menu;
use nntutor::tui::progress::Progress;
use nntutor::tui::update::update;

fn with_menu(id: &str, step: usize) -> App {
    let mut app = opened(id, step);
    app.menu = menu(&Catalog::default(), None);
    app
}

#[test]
fn present_mode_counts_the_steps() {
    let mut app = opened("softmax", 4);
    update(&mut app, Action::TogglePresent);
    let screen = rows(&app, 100, 30);
    // softmax has 23 steps; the bottom row is the progress bar.
    assert!(screen[29].contains(" 4/23 "), "{}", screen[29]);
}

#[test]
fn the_overview_lists_the_steps_and_jumps() {
    let mut app = opened("softmax", 4);
    update(&mut app, Action::Overview);
    let screen = rows(&app, 100, 30).join("\n");
    assert!(screen.contains("23 steps"), "{screen}");
    assert!(
        screen.contains("▶  4  Normalize: probabilities"),
        "{screen}"
    );
    assert!(
        screen.contains("   5  The loss: minus the log-probability"),
        "{screen}"
    );
    update(&mut app, Action::Down);
    update(&mut app, Action::Enter);
    assert_eq!(app.open.as_ref().unwrap().step, 4, "step 5 (0-based 4)");
    assert!(app.overview.is_none());
}

#[test]
fn after_the_last_step_the_next_lesson_is_offered_then_opened() {
    // linear-scores (11 steps) comes before linear-geometry in course order.
    let mut app = with_menu("linear-scores", 11);
    update(&mut app, Action::NextStep);
    let notice = &app.notice.as_ref().unwrap().text;
    assert!(
        notice.contains(
            "→ opens the next lesson, Interpreting a linear classifier: the rows of W as lines"
        ),
        "{notice}"
    );
    assert_eq!(app.pending_open, None);
    update(&mut app, Action::NextStep);
    let next = app
        .menu
        .entries
        .iter()
        .position(|e| e.id == "linear-geometry");
    assert_eq!(app.pending_open, next);
    // The last lesson of the course has no next one.
    let mut app = with_menu("digits", 10);
    update(&mut app, Action::NextStep);
    let notice = &app.notice.as_ref().unwrap().text;
    assert!(notice.contains("last step of the last lesson"), "{notice}");
}

#[test]
fn the_menu_opens_on_the_lesson_used_last() {
    let app = opened("backprop", 1);
    // Opening a lesson makes it the last used, and the file keeps it.
    let saved = app.progress.to_json();
    let progress = Progress::from_json(&saved).unwrap();
    assert_eq!(progress.last.as_deref(), Some("backprop"));
    let mut fresh = App::new(
        menu(&Catalog::default(), None),
        Default::default(),
        progress,
    );
    fresh.select_last_used();
    let k = fresh.menu.selected;
    assert_eq!(fresh.menu.entries[k].id, "backprop");
}

#[test]
fn the_spiral_data_set_is_drawn_as_points_with_a_glyph_per_class() {
    // 300 points, 100 per class (● ▲ ■), before any network is trained.
    let app = opened("spiral-mlp", 1);
    let screen = rows(&app, 100, 30).join("\n");
    for glyph in ['●', '▲', '■'] {
        assert!(
            screen.matches(glyph).count() >= 20,
            "few {glyph}:\n{screen}"
        );
    }
    assert!(!screen.contains("X_labels (1×300"), "{screen}");
}

#[test]
fn every_built_in_lesson_fits_a_projector_in_both_modes() {
    // ASCII too: its `...` takes three columns where `…` takes one.
    for mode in [
        &[][..],
        &["--present"],
        &["--ascii"],
        &["--ascii", "--present"],
    ] {
        let mut args = vec!["check", "--fit", "100x30"];
        args.extend(mode);
        let (code, out, _) = nntutor(&args);
        assert_eq!(code, 0, "{mode:?}:\n{out}");
        assert!(!out.contains("does not fit"), "{out}");
    }
}

/// The tutor at `step`, `sub` positions into its walk (`usize::MAX`: its
/// last), in presentation mode or not.
fn at(id: &str, step: usize, sub: usize, present: bool) -> App {
    let mut app = opened(id, step);
    app.settings.present = present;
    let positions = app.open.as_ref().unwrap().walk().positions();
    for _ in 0..sub.min(positions - 1) {
        update(&mut app, Action::Next);
    }
    app
}

/// The screen at 100×30, after checking that nothing is left below it.
fn projected(app: &App, w: u16, h: u16) -> String {
    let screen = rows(app, w, h).join("\n");
    assert!(!screen.contains("▼ more"), "it scrolls:\n{screen}");
    screen
}

const MODES: [(bool, &str); 2] = [(false, "normal"), (true, "present")];

/// In both modes: lesson `id` at `step` and `sub` on a `w`×`h` screen fits
/// without scrolling, passes `check`, and matches snapshot `hall_NAME_MODE`.
fn in_both_modes(
    name: &str,
    (id, step, sub): (&str, usize, usize),
    (w, h): (u16, u16),
    check: impl Fn(&str),
) {
    for (present, mode) in MODES {
        let screen = projected(&at(id, step, sub, present), w, h);
        check(&screen);
        insta::assert_snapshot!(format!("hall_{name}_{mode}"), screen);
    }
}

#[test]
fn the_spiral_loss_before_training_is_on_screen() {
    in_both_modes("spiral_loss", ("spiral-mlp", 4, 0), (100, 30), |screen| {
        // Tiny weights: every class ⅓, the loss ln 3 = 1.0986 (plus an L2
        // term of about 1e-4), printed to three decimals.
        assert!(screen.contains("[ 1.099 ]"), "{screen}");
        // The 100×2 weights are named with their shape, not 15 sampled rows.
        assert!(screen.contains("W1 100×2"), "{screen}");
    });
}

#[test]
fn the_spiral_training_shows_regions_and_both_curves() {
    in_both_modes(
        "spiral_training",
        ("spiral-mlp", 6, 0),
        (100, 30),
        |screen| {
            for glyph in ['●', '▲', '■'] {
                assert!(screen.contains(glyph), "no {glyph}:\n{screen}");
            }
            // Loss and accuracy, each on its own axis.
            assert!(screen.contains("━━ L   against iteration"), "{screen}");
            assert!(screen.contains("━━ acc   against iteration"), "{screen}");
        },
    );
}

#[test]
fn the_digits_scores_and_their_training_are_on_screen() {
    in_both_modes("digits_scores", ("digits", 2, 0), (100, 30), |screen| {
        // W is 784×10 and X 784×1000: named by shape; S sampled with its shape.
        assert!(screen.contains("W 784×10"), "{screen}");
        assert!(screen.contains("S 10×1000"), "{screen}");
    });
    in_both_modes("digits_training", ("digits", 5, 0), (100, 30), |screen| {
        // Ten classes, untrained: the first minibatch's loss is about ln 10.
        let first: f64 = screen
            .lines()
            .find_map(|l| l.split("100): ").nth(1)?.split(" at iteration 0").next())
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no first loss:\n{screen}"));
        assert!((first - 10f64.ln()).abs() < 0.01, "{first}");
    });
}

#[test]
fn the_mlp_graph_fits_whole_with_its_gradients() {
    in_both_modes("mlp_graph", ("mlp", 10, usize::MAX), (100, 30), |screen| {
        // By hand: o1 = relu([1, 3, -1]) = [1, 3, 0], o = W2 o1 = 1 + 1.5 = 2.5,
        // ∂E/∂o = o - t = 1.5, so ∂E/∂W2 = 1.5 · o1ᵀ = [1.5, 4.5, 0].
        assert!(screen.contains("[1, 3, 0]ᵀ"), "{screen}");
        assert!(screen.contains("∂[1.5, 4.5, 0]"), "{screen}");
        // Every node, the last included: nothing panned away.
        assert!(screen.contains("E = × 0.5"), "{screen}");
    });
}

#[test]
fn the_neuron_graph_fits_and_stays_in_place_through_its_walk() {
    for (present, mode) in MODES {
        let app = at("backprop", 9, 0, present);
        let positions = app.open.as_ref().unwrap().walk().positions();
        let place = |sub: usize| {
            let screen = rows(&at("backprop", 9, sub, present), 100, 30);
            // The graph's top row: the titles of w0 and w2 (the chain-rule
            // panel names one node at a time).
            let is_box = |r: &String| r.contains("w0 ") && r.contains("w2 ");
            let row = screen.iter().position(is_box).unwrap();
            let col = screen[row].find("w0").unwrap();
            (row, col)
        };
        let first = place(0);
        for sub in 1..positions {
            assert_eq!(place(sub), first, "{mode}: the graph moved at stop {sub}");
        }
    }
    in_both_modes(
        "neuron_graph",
        ("backprop", 9, usize::MAX),
        (100, 30),
        |screen| {
            // The lecture's gradients: w0 -0.2, x0 0.39, w1 -0.39, x1 -0.59, w2 0.2.
            for g in ["∂ -0.2", "∂ 0.39", "∂ -0.39", "∂ -0.59", "∂ 0.2"] {
                assert!(screen.contains(g), "no {g}:\n{screen}");
            }
        },
    );
}

#[test]
fn softmax_probabilities_fit_80x24_with_every_bar() {
    in_both_modes(
        "softmax_bars_80x24",
        ("softmax", 4, 0),
        (80, 24),
        |screen| {
            // p = e^s / Σ e^s for s = (3.2, 5.1, -1.7).
            let e: Vec<f64> = [3.2f64, 5.1, -1.7].iter().map(|s| s.exp()).collect();
            let z: f64 = e.iter().sum();
            for (class, p) in ["cat", "car", "frog"].iter().zip(&e) {
                let p = p / z;
                let shown = if p < 0.01 {
                    format!("{p:.5}")
                } else {
                    format!("{p:.2}")
                };
                // The bar's line: the class, then (beside the scores' bars
                // when squeezed) its probability at the end.
                let bar = screen.lines().find(|l| {
                    l.contains(&format!("{class} ")) && l.trim_end().ends_with(&format!(" {shown}"))
                });
                assert!(bar.is_some(), "no bar for {class} {shown}:\n{screen}");
            }
        },
    );
}

#[test]
fn a_step_waiting_for_a_training_says_how_far_it_is() {
    use nntutor::lesson::Timeline;
    use nntutor::tui::app::Evaluating;
    use std::sync::Arc;
    // spiral-mlp opened at step 8 with its first five steps evaluated and
    // step 6's training at iteration 1200 of 3000, as the tutor shows it
    // while the evaluation runs beside it.
    let (lesson, full) = common::tutor::evaluated("spiral-mlp");
    let mut app = opened("spiral-mlp", 8);
    let open = app.open.as_mut().unwrap();
    let partial = Timeline {
        initial: full.initial.clone(),
        ..Timeline::default()
    };
    *open = nntutor::tui::app::OpenLesson::new(lesson, Arc::new(partial));
    for k in 0..5 {
        let kept = nntutor::lesson::eval::Kept {
            resume: full.resume[k].clone(),
            formulas: full.formulas[k].clone(),
        };
        open.push_step(full.steps[k].clone(), kept);
    }
    open.step = 7;
    open.evaluating = Some(Evaluating {
        step: 5,
        done: 1200,
        total: 3000,
    });
    let screen = rows(&app, 100, 30).join("\n");
    assert!(
        screen.contains("Its numbers come after step 6 (Training, live)"),
        "{screen}"
    );
    // 1200 / 3000 of a 40-column bar: 16 columns done.
    let bar = format!(
        "{}{}  1200 of 3000 iterations",
        "━".repeat(16),
        "─".repeat(24)
    );
    assert!(screen.contains(&bar), "{screen}");
    // Its words are there to begin with; its numbers are not.
    assert!(
        screen.contains("The same network, the SVM loss"),
        "{screen}"
    );
    assert!(!screen.contains("Lh"), "{screen}");
    // Keys move on and back meanwhile; a step already evaluated shows.
    update(&mut app, Action::PrevStep);
    update(&mut app, Action::PrevStep);
    update(&mut app, Action::PrevStep);
    let screen = rows(&app, 100, 30).join("\n");
    assert!(screen.contains("step 5 of 12"), "{screen}");
    assert!(!screen.contains("still being computed"), "{screen}");
}
