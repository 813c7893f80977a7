//! For the lecturer: the step counter in present mode, the overview of a
//! lesson's steps (`o`), the next lesson offered after the last step, and
//! the menu opening on the lesson used last.

#![allow(clippy::unwrap_used)]

mod common;

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
    // softmax has 17 steps; the bottom row is the progress bar.
    assert!(screen[29].contains(" 4/17 "), "{}", screen[29]);
}

#[test]
fn the_overview_lists_the_steps_and_jumps() {
    let mut app = opened("softmax", 4);
    update(&mut app, Action::Overview);
    let screen = rows(&app, 100, 30).join("\n");
    assert!(screen.contains("17 steps"), "{screen}");
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
    // linear-scores (9 steps) comes before svm in course order.
    let mut app = with_menu("linear-scores", 9);
    update(&mut app, Action::NextStep);
    let notice = &app.notice.as_ref().unwrap().text;
    assert!(
        notice.contains("→ opens the next lesson, Multiclass SVM loss"),
        "{notice}"
    );
    assert_eq!(app.pending_open, None);
    update(&mut app, Action::NextStep);
    let svm = app.menu.entries.iter().position(|e| e.id == "svm").unwrap();
    assert_eq!(app.pending_open, Some(svm));
    // The last lesson of the course has no next one.
    let mut app = with_menu("digits", 8);
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
