//! The tutor keeps the step bodies it drew (`view::cache`): a frame drawn
//! from that cache must be the frame drawn afresh. Random keys through
//! lessons of every step kind, on three screen sizes; after each, the
//! tutor's frame (its cache warm from everything before) against the frame
//! of a copy of the tutor (a copy starts with no cache).

#![allow(clippy::unwrap_used)]

mod common;

use common::tutor::opened;
use nntutor::engine::rng::Rng;
use nntutor::tui::app::App;
use nntutor::tui::keys::Action;
use nntutor::tui::update::update;
use nntutor::tui::view;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// Keys a learner presses while reading; not those that need the runtime
/// beside the tutor (a live run, the scratchpad, leaving the lesson).
const KEYS: &[Action] = &[
    Action::Next,
    Action::Next,
    Action::Next,
    Action::Prev,
    Action::Prev,
    Action::NextStep,
    Action::PrevStep,
    Action::First,
    Action::Last,
    Action::Type('1'),
    Action::Type('2'),
    Action::Type('.'),
    Action::Backspace,
    Action::Enter,
    Action::Choose(0),
    Action::Choose(1),
    Action::Up,
    Action::Down,
    Action::ScrollDown,
    Action::ScrollUp,
    Action::Help,
    Action::CycleTheme,
    Action::TogglePresent,
    Action::TogglePredict,
    Action::ToggleAuthor,
    Action::Edit,
    Action::Undo,
    Action::Reset,
    Action::Overview,
    Action::Escape,
];

const SIZES: &[(u16, u16)] = &[(100, 30), (250, 70), (80, 24)];

fn frame(app: &App, area: Rect) -> Buffer {
    let mut buf = Buffer::empty(area);
    view::render(app, area, &mut buf);
    buf
}

/// The first cell where two frames differ, as a row of each.
fn first_difference(a: &Buffer, b: &Buffer) -> Option<String> {
    let w = a.area.width as usize;
    let k = a.content.iter().zip(&b.content).position(|(x, y)| x != y)?;
    let row = |buf: &Buffer| -> String {
        let y = k / w;
        buf.content[y * w..(y + 1) * w]
            .iter()
            .map(|c| c.symbol())
            .collect()
    };
    Some(format!(
        "row {}, column {}:\n  cached: {}\n  afresh: {}",
        k / w,
        k % w,
        row(a),
        row(b)
    ))
}

fn random_keys(id: &str, seed: u64, presses: usize) {
    let mut app = opened(id, 1);
    let mut rng = Rng::new(seed);
    let mut size = SIZES[0];
    let mut log = Vec::new();
    for press in 0..presses {
        let pick = rng.next_u64() as usize;
        if pick.is_multiple_of(11) {
            size = SIZES[(pick / 11) % SIZES.len()];
            log.push(format!("resize {size:?}"));
        } else {
            let key = KEYS[pick % KEYS.len()];
            log.push(format!("{key:?}"));
            update(&mut app, key);
        }
        if app.open.is_none() || app.quit {
            app = opened(id, 1);
            log.push("reopened".into());
        }
        let area = Rect::new(0, 0, size.0, size.1);
        // Twice: the second is surely from the cache.
        for _ in 0..2 {
            let cached = frame(&app, area);
            let afresh = frame(&app.clone(), area);
            if let Some(diff) = first_difference(&cached, &afresh) {
                let tail = log[log.len().saturating_sub(12)..].join(", ");
                panic!("{id}, press {press} (… {tail}): {diff}");
            }
        }
    }
}

#[test]
fn cached_frames_are_the_frames_drawn_afresh_let_and_quiz() {
    random_keys("softmax", 1, 300);
    random_keys("cross-entropy", 2, 200);
}

#[test]
fn cached_frames_are_the_frames_drawn_afresh_backward_and_update() {
    random_keys("backprop", 3, 250);
    random_keys("optimization", 4, 250);
}

#[test]
fn cached_frames_are_the_frames_drawn_afresh_training_and_regions() {
    random_keys("linear-geometry", 5, 200);
    random_keys("mlp", 6, 200);
}

/// A frame drawn twice in a row is drawn from the cache: the cache is
/// used at all, and a change of step is not served from it.
#[test]
fn a_step_is_drawn_once_then_copied() {
    let mut app = opened("backprop", 3);
    let area = Rect::new(0, 0, 100, 30);
    let first = frame(&app, area);
    assert_eq!(frame(&app, area), first);
    assert_eq!(app.frames.len(), 1);
    update(&mut app, Action::NextStep);
    let next = frame(&app, area);
    assert_ne!(next, first, "the next step is drawn, not the cached one");
    assert_eq!(app.frames.len(), 2);
    update(&mut app, Action::PrevStep);
    assert_eq!(frame(&app, area), first);
    assert_eq!(app.frames.len(), 2);
}

/// Each thing a body shows beside the lesson's numbers, changed by the
/// keys that change it, with the body before it in the cache.
fn scenario(id: &str, step: usize, keys: &[Action]) {
    let mut app = opened(id, step);
    let area = Rect::new(0, 0, 100, 30);
    for (k, key) in keys.iter().enumerate() {
        frame(&app, area);
        update(&mut app, *key);
        let (cached, afresh) = (frame(&app, area), frame(&app.clone(), area));
        if let Some(diff) = first_difference(&cached, &afresh) {
            panic!("{id} step {step}, after key {k} ({key:?}): {diff}");
        }
    }
}

#[test]
fn answers_guesses_and_edits_are_drawn_afresh() {
    // A number quiz answered by typing (the record is what changes).
    let typed = [
        Action::Type('1'),
        Action::Type('.'),
        Action::Type('1'),
        Action::Enter,
    ];
    scenario("softmax", 12, &typed);
    // A choice quiz.
    scenario("softmax", 11, &[Action::Choose(1), Action::Choose(0)]);
    // Predict mode: a guess typed for a single number.
    let mut guess = vec![Action::TogglePredict];
    guess.extend(typed);
    scenario("backprop", 2, &guess);
    // What if: a given changed, then undone.
    let edit = [Action::Edit, Action::Type('2'), Action::Enter, Action::Undo];
    scenario("linear-scores", 2, &edit);
}
