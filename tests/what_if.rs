//! What-if edits that a later step cannot take are refused with its reason,
//! and the keys the footer names are the keys that work.

#![allow(clippy::unwrap_used)]

mod common;

use common::tutor::{self, opened};
use nntutor::tui::app::{App, NoticeKind, Typing};
use nntutor::tui::evaluate_edits_now;
use nntutor::tui::keys::Action;
use nntutor::tui::update::update;

fn screen(app: &App) -> String {
    tutor::rows(app, 100, 30).concat()
}

/// Opens the what-if line and chooses the given `name` with ↓.
fn edit_given(app: &mut App, name: &str) {
    update(app, Action::Edit);
    for _ in 0..20 {
        let Typing::Edit(draft) = &app.typing else {
            panic!("no what-if line")
        };
        if app.open.as_ref().unwrap().lesson.givens[draft.given].name == name {
            return;
        }
        update(app, Action::Down);
    }
    panic!("no given {name}");
}

/// softmax step 16: Ld = −log p[yd], with yd = 2 of 3 classes.
fn loss(app: &App) -> Option<f64> {
    let open = app.open.as_ref().unwrap();
    open.timeline.steps[15].values.get("Ld").map(|v| v.data[0])
}

#[test]
fn a_label_past_the_classes_is_refused_and_the_steps_keep_their_numbers() {
    for typed in ["5", "1.5"] {
        let mut app = opened("softmax", 16);
        let before = loss(&app).unwrap();
        edit_given(&mut app, "yd");
        for c in typed.chars() {
            update(&mut app, Action::Type(c));
        }
        update(&mut app, Action::Enter);
        evaluate_edits_now(&mut app);
        let open = app.open.as_ref().unwrap();
        assert!(open.edits.is_empty(), "{typed}: the edit stays in force");
        let notice = app.notice.as_ref().unwrap();
        assert_eq!(notice.kind, NoticeKind::Warning, "{typed}");
        assert!(notice.text.contains("refused"), "{}", notice.text);
        assert!(notice.text.contains("label"), "{}", notice.text);
        assert_eq!(loss(&app).map(f64::to_bits), Some(before.to_bits()));
        assert!(
            screen(&app).contains("1.04"),
            "{typed}: the loss still shows"
        );
    }
}

#[test]
fn a_label_within_the_classes_recomputes() {
    let mut app = opened("softmax", 16);
    edit_given(&mut app, "yd");
    update(&mut app, Action::Type('1'));
    update(&mut app, Action::Enter);
    evaluate_edits_now(&mut app);
    // The slide's pd = (0.016, 0.631, 0.353) (engine 0.0154, 0.6312,
    // 0.3534): with label 1, −ln 0.6312 = 0.46.
    let l = loss(&app).unwrap();
    assert!((l - 0.46).abs() < 0.005, "{l}");
}

#[test]
fn the_what_if_footer_names_the_keys_that_work() {
    let mut app = opened("softmax", 16);
    update(&mut app, Action::Edit);
    let footer = screen(&app);
    assert!(footer.contains("↑↓ given"), "{footer}");
    assert!(footer.contains("←→ element"), "{footer}");
    // ↓ moves to the next given, as the footer says.
    let given = |a: &App| match &a.typing {
        Typing::Edit(d) => d.given,
        _ => usize::MAX,
    };
    let first = given(&app);
    update(&mut app, Action::Down);
    assert_ne!(given(&app), first);
}
