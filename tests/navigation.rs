//! Keys and navigation as pure functions: key events become actions, and
//! actions move through a lesson's steps and the walks inside them.
//!
//! The backprop lesson's shape, counted by hand from lessons/backprop.toml:
//! steps 2, 3, 6, 8 and 10 have one position each (scalar results); step 4
//! walks f's graph: x, y, q, z, f are 5 nodes, so 6 positions (forward pass,
//! then one per node); step 5 is a number quiz whose answer is 3 × 0.1.

#![allow(clippy::unwrap_used)]

mod common;

use nntutor::lesson::catalog::Catalog;
use nntutor::lesson::document::Walk;
use nntutor::lesson::load;
use nntutor::tui::app::{App, Screen, Settings, Typing};
use nntutor::tui::app_for;
use nntutor::tui::keys::{Action, keymap};
use nntutor::tui::theme::ThemeName;
use nntutor::tui::update::update;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

fn app(id: &str) -> App {
    let loaded = load(Catalog::default().find(id).unwrap());
    app_for(
        loaded.lesson.unwrap(),
        loaded.timeline.unwrap(),
        Settings::default(),
    )
}

/// Keys written compactly: `>` next, `<` back, `]`/`[`, `g`/`G`, digits,
/// `\n` Enter, `!` Escape, `B` Backspace, `P`/`U` PageDown/PageUp.
fn press(app: &mut App, keys: &str) {
    for c in keys.chars() {
        let code = match c {
            '>' => KeyCode::Right,
            '<' => KeyCode::Left,
            '\n' => KeyCode::Enter,
            '!' => KeyCode::Esc,
            'B' => KeyCode::Backspace,
            'P' => KeyCode::PageDown,
            'U' => KeyCode::PageUp,
            c => KeyCode::Char(c),
        };
        if let Some(action) = keymap(KeyEvent::new(code, KeyModifiers::NONE)) {
            update(app, action);
        }
    }
}

/// (step as shown, 1-based; position inside the step)
fn at(app: &App) -> (usize, usize) {
    let open = app.open.as_ref().unwrap();
    (open.step + 1, open.sub)
}

#[test]
fn keys_map_to_actions() {
    let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
    let cases = [
        (key(KeyCode::Right), Some(Action::Next)),
        (key(KeyCode::Char(' ')), Some(Action::Space)),
        (key(KeyCode::Char('s')), Some(Action::SingleStep)),
        (key(KeyCode::Char('+')), Some(Action::Faster)),
        (key(KeyCode::Char('r')), Some(Action::Restart)),
        (key(KeyCode::Char('l')), Some(Action::Next)),
        (key(KeyCode::PageDown), Some(Action::Next)),
        (key(KeyCode::Left), Some(Action::Prev)),
        (key(KeyCode::Char('h')), Some(Action::Prev)),
        (key(KeyCode::PageUp), Some(Action::Prev)),
        (key(KeyCode::Backspace), Some(Action::Backspace)),
        (key(KeyCode::Char(']')), Some(Action::NextStep)),
        (key(KeyCode::Char('[')), Some(Action::PrevStep)),
        (key(KeyCode::Char('g')), Some(Action::First)),
        (key(KeyCode::Char('G')), Some(Action::Last)),
        (key(KeyCode::Char('7')), Some(Action::Type('7'))),
        (key(KeyCode::Char('b')), Some(Action::Choose(1))),
        (key(KeyCode::Char('?')), Some(Action::Help)),
        (key(KeyCode::Char('t')), Some(Action::CycleTheme)),
        (key(KeyCode::Char('p')), Some(Action::TogglePresent)),
        (key(KeyCode::Char('q')), Some(Action::Leave)),
        (key(KeyCode::Esc), Some(Action::Escape)),
        (
            KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Action::Quit),
        ),
        (
            KeyEvent::new_with_kind(KeyCode::Right, KeyModifiers::NONE, KeyEventKind::Release),
            None,
        ),
        (key(KeyCode::Char('z')), None),
    ];
    for (event, expected) in cases {
        assert_eq!(keymap(event), expected, "{event:?}");
    }
}

#[test]
fn stepping_forward_and_back_through_steps_and_walks() {
    let cases: &[(&str, (usize, usize))] = &[
        ("", (1, 0)),
        (">", (2, 0)),
        (">>>", (4, 0)),
        (">>>>", (4, 1)),
        ("4\n", (4, 0)),
        ("4\n>>>>>", (4, 5)),
        ("4\n>>>>>>", (5, 0)),
        // Back from the next step lands on the walk's last position.
        ("6\n<<", (4, 5)),
        ("4\n>>]", (5, 0)),
        ("4\n>>[", (3, 0)),
        ("4\n>><<<", (3, 0)),
        ("G", (12, 0)),
        ("Gg", (1, 0)),
        ("PP", (3, 0)),
        ("PPU", (2, 0)),
        (">B", (1, 0)),
        ("99\n", (1, 0)),
        ("4!", (1, 0)),
        ("12B\n", (1, 0)),
        ("G]]", (12, 0)),
        ("<<<", (1, 0)),
    ];
    for (keys, expected) in cases {
        let mut a = app("backprop");
        press(&mut a, keys);
        assert_eq!(at(&a), *expected, "keys {keys:?}");
        assert_eq!(a.typing, Typing::None, "keys {keys:?}");
    }
}

#[test]
fn the_backward_walk_visits_every_node_from_the_loss_back() {
    let a = app("backprop");
    let open = a.open.as_ref().unwrap();
    let Walk::Backward { order } = &open.walks[3] else {
        panic!("step 4 is a backward step");
    };
    let names: Vec<String> = match &open.timeline.steps[3].detail {
        nntutor::lesson::Detail::Backward(b) => order
            .iter()
            .map(|stop| nntutor::lesson::format::node_label(&b.graph, stop.node, 0))
            .collect(),
        _ => unreachable!(),
    };
    assert_eq!(names, ["f", "z", "q", "y", "x"]);
}

#[test]
fn the_backward_walk_stops_at_each_element_of_a_small_vector() {
    // bird-car-step: L (a number), then s = W x element by element (bird,
    // car), then the inputs x and W whole.
    let a = app("bird-car-step");
    let open = a.open.as_ref().unwrap();
    let Walk::Backward { order } = &open.walks[4] else {
        panic!("step 5 is a backward step");
    };
    let stops: Vec<Option<(usize, usize)>> = order.iter().map(|s| s.element).collect();
    assert_eq!(stops, [None, Some((0, 0)), Some((1, 0)), None, None]);
}

#[test]
fn notices_tell_what_happened() {
    let mut a = app("backprop");
    press(&mut a, "99\n");
    assert!(
        a.notice
            .as_ref()
            .unwrap()
            .text
            .contains("no step 99; this lesson has steps 1 to 12")
    );
    press(&mut a, ">");
    assert_eq!(a.notice, None);
    press(&mut a, "G]");
    assert!(a.notice.as_ref().unwrap().text.contains("last step"));
}

#[test]
fn number_quiz_takes_digits_and_records_the_answer() {
    let mut a = app("backprop");
    press(&mut a, "5\n0.");
    assert_eq!(a.typing, Typing::Answer("0.".into()));
    assert_eq!(at(&a), (5, 0));
    press(&mut a, "5B3\n");
    let record = &a.progress.lessons["backprop"].quizzes[&5];
    // ∂f/∂z = q = 3, times 0.1.
    assert_eq!((record.answer.as_str(), record.correct), ("0.3", true));
    assert!(a.progress_dirty);
    // A second answer, after the reveal, does not replace the first.
    press(&mut a, "0.5\n");
    let record = &a.progress.lessons["backprop"].quizzes[&5];
    assert_eq!((record.answer.as_str(), record.correct), ("0.3", true));
    let notice = &a.notice.as_ref().unwrap().text;
    assert!(notice.contains("first answer counts"), "{notice}");
    // Navigation still works after answering.
    press(&mut a, ">");
    assert_eq!(at(&a), (6, 0));
}

#[test]
fn choice_quiz_by_letter_or_arrows() {
    let mut a = app("bird-car-step");
    press(&mut a, "3\nb");
    let r = &a.progress.lessons["bird-car-step"].quizzes[&3];
    assert_eq!((r.answer.as_str(), r.correct), ("b) bird", false));
    // The right answer, chosen after the reveal showed it, does not count.
    press(&mut a, "kkk\n");
    let r = &a.progress.lessons["bird-car-step"].quizzes[&3];
    assert_eq!((r.answer.as_str(), r.correct), ("b) bird", false));
    // In a fresh run, a right first answer is kept.
    let mut b = app("bird-car-step");
    press(&mut b, "3\na");
    press(&mut b, "b");
    let r = &b.progress.lessons["bird-car-step"].quizzes[&3];
    assert_eq!((r.answer.as_str(), r.correct), ("a) car", true));
}

#[test]
fn help_theme_presentation_menu_and_quit() {
    let mut a = app("backprop");
    press(&mut a, "?");
    assert!(a.help);
    press(&mut a, ">");
    assert!(!a.help);
    assert_eq!(at(&a), (1, 0), "the key that closes help does nothing else");
    let themes: Vec<ThemeName> = (0..3)
        .map(|_| {
            press(&mut a, "t");
            a.settings.theme
        })
        .collect();
    assert_eq!(
        themes,
        [ThemeName::Light, ThemeName::Projector, ThemeName::Dark]
    );
    press(&mut a, "p");
    assert!(a.settings.present);
    press(&mut a, "q");
    assert_eq!(a.screen, Screen::Menu);
    assert!(!a.quit);
    press(&mut a, "q");
    assert!(a.quit);
    let mut b = app("backprop");
    update(&mut b, Action::Quit);
    assert!(b.quit);
}

#[test]
fn positions_are_recorded_for_the_next_visit() {
    let mut a = app("backprop");
    press(&mut a, "7\n");
    let p = &a.progress.lessons["backprop"];
    assert_eq!((p.step, p.furthest), (7, 7));
    press(&mut a, "2\n");
    let p = &a.progress.lessons["backprop"];
    assert_eq!((p.step, p.furthest), (2, 7));
}

#[test]
fn escape_stops_a_lesson_that_is_still_opening() {
    let mut a = app("backprop");
    press(&mut a, "q");
    a.loading = Some("optimization".into());
    press(&mut a, "!");
    assert!(a.cancel_loading);
    assert!(!a.quit, "Esc stops the loading, it does not leave");
    assert!(
        a.notice
            .as_ref()
            .unwrap()
            .text
            .contains("Stopped opening optimization")
    );
}

#[test]
fn training_keys_control_a_live_run_and_space_moves_on_once_it_is_done() {
    use nntutor::tui::app::SPEEDS;
    let mut a = app("optimization");
    // Step 12 is gradient descent (100 iterations). Without a run, Space is next.
    press(&mut a, "12\n");
    assert_eq!(at(&a), (12, 0));
    press(&mut a, " ");
    assert_eq!(at(&a), (13, 0));
    press(&mut a, "<");
    // r asks the runtime for a run of this step, at the pace that shows
    // 100 iterations in at most 8 seconds: 30 a second (10 would take 10 s).
    press(&mut a, "r");
    let live = a.live.clone().unwrap();
    assert_eq!((live.step, live.restart, live.paused), (11, true, false));
    assert_eq!(SPEEDS[live.speed], Some(30.0));
    // While it runs: Space pauses and resumes, s steps, + and - set the pace.
    press(&mut a, " ");
    assert!(a.live.as_ref().unwrap().paused);
    assert_eq!(at(&a), (12, 0));
    press(&mut a, " ");
    assert!(!a.live.as_ref().unwrap().paused);
    press(&mut a, "ss");
    let live = a.live.as_ref().unwrap();
    assert_eq!((live.paused, live.single_steps), (true, 2));
    press(&mut a, "++-");
    assert_eq!(SPEEDS[a.live.as_ref().unwrap().speed], Some(100.0));
    // Once done, Space moves on like a clicker's next.
    a.live.as_mut().unwrap().state.finished = true;
    press(&mut a, " ");
    assert_eq!(at(&a), (13, 0));
}

#[test]
fn predict_then_reveal_hides_the_answer_until_a_number_is_typed() {
    use nntutor::tui::view;
    let screen = |a: &App| {
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
        t.draw(|f| view::draw(f, a)).unwrap();
        let b = t.backend().buffer().clone();
        b.content.iter().map(|c| c.symbol()).collect::<String>()
    };
    let mut a = app("cross-entropy");
    // Step 8 asks for gap = H(P, Q) - H(P), which is the KL divergence of
    // step 4: 0.0853 (the expect there, from the lecture).
    press(&mut a, "8\n");
    assert!(screen(&a).contains("Predict gap:"));
    assert!(!screen(&a).contains("= 0.0853"));
    press(&mut a, "0.2\n");
    let s = screen(&a);
    // The lesson prints four decimals.
    assert!(s.contains("You predicted gap = 0.2; it is 0.0853."), "{s}");
    let record = &a.progress.lessons["cross-entropy"].predictions[&8];
    assert!(!record.correct);
    // Predictions are not quiz answers: the menu's score leaves them out.
    assert!(a.progress.lessons["cross-entropy"].quizzes.is_empty());
    assert_eq!(record.answer, "gap ≈ 0.2");
    // Predict mode asks every single-number result; backprop's f = q z is
    // (1 + 2) · -4 = -12, answered right to the precision shown.
    let mut b = app("backprop");
    press(&mut b, "3\n");
    update(&mut b, Action::TogglePredict);
    assert!(screen(&b).contains("Predict f:"));
    press(&mut b, "-12\n");
    assert!(screen(&b).contains("You predicted f = -12: right"));
    assert!(b.progress.lessons["backprop"].predictions[&3].correct);
    // → shows an answer without a prediction, and records nothing. (A
    // step number is typed out of predict mode: in it, digits are answers.)
    update(&mut b, Action::TogglePredict);
    press(&mut b, "6\n");
    update(&mut b, Action::TogglePredict);
    assert!(screen(&b).contains("Predict g:"));
    press(&mut b, ">");
    assert!(!screen(&b).contains("Predict g:"));
    assert!(!b.progress.lessons["backprop"].predictions.contains_key(&6));
}

#[test]
fn a_number_with_a_point_is_not_a_step_and_predict_mode_digits_never_jump() {
    // softmax step 1 (s = S[:, 0]) is a vector it does not walk: predict
    // mode asks nothing there.
    let mut a = app("softmax");
    press(&mut a, "0.13\n");
    assert_eq!(at(&a).0, 1, "0.13 is not step 13");
    let notice = &a.notice.as_ref().unwrap().text;
    assert!(notice.contains("`0.13` is not a step number"), "{notice}");
    update(&mut a, Action::TogglePredict);
    press(&mut a, "13\n");
    assert_eq!(at(&a).0, 1, "digits in predict mode are not a jump");
    let notice = &a.notice.as_ref().unwrap().text;
    assert!(notice.contains("No prediction is asked here"), "{notice}");
    // Out of predict mode a whole number still jumps.
    update(&mut a, Action::TogglePredict);
    press(&mut a, "13\n");
    assert_eq!(at(&a).0, 13);
}

#[test]
fn predict_mode_asks_for_each_element_as_the_walk_reaches_it() {
    let screen = |a: &App| common::tutor::rows(a, 100, 40).join("\n");
    // softmax step 4, p = e / z: the cat score's share is
    // e^3.2 / (e^3.2 + e^5.1 + e^-1.7) = 24.53 / 188.74 = 0.13.
    let mut a = app("softmax");
    press(&mut a, "4\n");
    update(&mut a, Action::TogglePredict);
    let s = screen(&a);
    assert!(s.contains("Predict p[cat]:"), "{s}");
    assert!(s.contains("= ?"), "the arithmetic without its answer: {s}");
    assert!(!s.contains("= 0.13"), "{s}");
    press(&mut a, "0.13\n");
    let s = screen(&a);
    assert!(s.contains("You predicted p[cat] = 0.13: right"), "{s}");
    // → to the car element: asked again; → without a number shows it.
    press(&mut a, ">");
    assert_eq!(at(&a), (4, 1));
    assert!(screen(&a).contains("Predict p[car]:"));
    press(&mut a, ">");
    assert_eq!(at(&a), (4, 1));
    assert!(!screen(&a).contains("Predict p[car]:"));
    press(&mut a, ">");
    assert_eq!(at(&a), (4, 2));
    assert!(screen(&a).contains("Predict p[frog]:"));
    let record = &a.progress.lessons["softmax"].predictions[&4];
    assert_eq!(record.answer, "p[cat] ≈ 0.13");
}
