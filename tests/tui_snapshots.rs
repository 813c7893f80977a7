//! Screens of every step kind, drawn into ratatui's `TestBackend` and kept as
//! insta snapshots (reviewed by eye when accepted). Colours are checked
//! separately, cell by cell, since snapshots hold only the text.

#![allow(clippy::unwrap_used)]

use nntutor::lesson::catalog::Catalog;
use nntutor::lesson::load;
use nntutor::tui::app::{App, Settings};
use nntutor::tui::keys::Action;
use nntutor::tui::theme::ThemeName;
use nntutor::tui::update::update;
use nntutor::tui::{app_for, menu, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;

fn app_with(id: &str, settings: Settings) -> App {
    let loaded = load(Catalog::default().find(id).unwrap());
    let mut app = app_for(loaded.lesson.unwrap(), loaded.timeline.unwrap(), settings);
    app.menu = menu(&Catalog::default(), None);
    app
}

fn app(id: &str) -> App {
    app_with(id, Settings::default())
}

/// Jumps to `step` (1-based), then takes `next` steps forward.
fn go(app: &mut App, step: usize, next: usize) {
    for c in step.to_string().chars() {
        update(app, Action::Type(c));
    }
    update(app, Action::Enter);
    for _ in 0..next {
        update(app, Action::Next);
    }
}

fn draw(app: &App, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| view::draw(f, app)).unwrap();
    terminal.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    let w = buf.area.width as usize;
    buf.content
        .chunks(w)
        .map(|row| {
            let line: String = row.iter().map(|c| c.symbol()).collect();
            line.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where `needle` starts on screen: (column, row).
fn find(buf: &Buffer, needle: &str) -> (u16, u16) {
    let w = buf.area.width as usize;
    for (y, row) in buf.content.chunks(w).enumerate() {
        let line: Vec<&str> = row.iter().map(|c| c.symbol()).collect();
        let joined: String = line.concat();
        if let Some(byte) = joined.find(needle) {
            let col = joined[..byte].chars().count();
            return (col as u16, y as u16);
        }
    }
    panic!("{needle:?} not on screen:\n{}", text(buf));
}

#[test]
fn show_step() {
    let a = app("linear-scores");
    insta::assert_snapshot!("show_80x24", text(&draw(&a, 80, 24)));
}

#[test]
fn expand_walk_highlights_the_element_and_its_sources() {
    let mut a = app("linear-scores");
    go(&mut a, 3, 1);
    let buf = draw(&a, 80, 24);
    // The dog score, worked by hand: 1.5×56 + 1.3×231 + 2.1×24 + 0×2 = 434.7.
    let screen = text(&buf);
    assert!(
        screen.contains("Wx[dog] = (1.5 × 56) + (1.3 × 231) + (2.1 × 24) + (0.0 × 2) = 434.7"),
        "{screen}"
    );
    insta::assert_snapshot!("expand_80x24", screen);
    insta::assert_snapshot!("expand_160x48", text(&draw(&a, 160, 48)));
    // The result cell is the focus; the dog row of W is highlighted as a source.
    let theme = ThemeName::Dark.theme();
    let (x, y) = find(&buf, "434.70");
    assert_eq!(buf[(x, y)].bg, theme.focus.bg.unwrap());
    let (x, y) = find(&buf, "dog   [");
    let (wx, _) = find(&buf, "1.30");
    assert_eq!(buf[(wx, y)].bg, theme.source.bg.unwrap());
    assert_ne!(buf[(x, y)].bg, theme.source.bg.unwrap());
}

#[test]
fn backward_walk_draws_the_graph_and_the_chain_rule() {
    let mut a = app("backprop");
    go(&mut a, 4, 3);
    let buf = draw(&a, 80, 24);
    let screen = text(&buf);
    // At q = x + y: ∂f/∂x is the local gradient 1 times the upstream
    // ∂f/∂q = z = -4, in the lecture's words.
    assert!(
        screen.contains("to x:  ∂f/∂x = ∂q/∂x · ∂f/∂q = 1 × -4 = -4"),
        "{screen}"
    );
    assert!(screen.contains("q = x + y"), "{screen}");
    insta::assert_snapshot!("backward_80x24", screen);
    insta::assert_snapshot!("backward_160x48", text(&draw(&a, 160, 48)));
    // 80×24 draws the graph compact: numbers without trailing zeros, the
    // gradient in the bottom border.
    let theme = ThemeName::Dark.theme();
    let (x, y) = find(&buf, "∂ -4 ");
    assert_eq!(buf[(x, y)].fg, theme.gradient.fg.unwrap());
    let (x, y) = find(&buf, "-12 ");
    assert_eq!(buf[(x, y)].fg, theme.forward.fg.unwrap());
}

#[test]
fn update_step_shows_before_gradient_and_after() {
    let mut a = app("bird-car-step");
    go(&mut a, 6, 0);
    let screen = text(&draw(&a, 100, 30));
    assert!(
        screen.contains("W[bird, pixel 1] = -2 + (-1 × -3) = 1"),
        "{screen}"
    );
    insta::assert_snapshot!("update_100x30", screen);
}

#[test]
fn quizzes_before_and_after_answering() {
    let mut a = app("bird-car-step");
    go(&mut a, 3, 0);
    insta::assert_snapshot!("choice_quiz_80x24", text(&draw(&a, 80, 24)));
    update(&mut a, Action::Choose(1));
    let screen = text(&draw(&a, 80, 24));
    assert!(screen.contains("-7 is higher than -8"), "{screen}");
    insta::assert_snapshot!("choice_quiz_answered_80x24", screen);
    let mut b = app("backprop");
    go(&mut b, 5, 0);
    for c in "0.3".chars() {
        update(&mut b, Action::Type(c));
    }
    insta::assert_snapshot!("number_quiz_typing_80x24", text(&draw(&b, 80, 24)));
    update(&mut b, Action::Enter);
    let screen = text(&draw(&b, 80, 24));
    assert!(screen.contains("Right: 0.3"), "{screen}");
}

#[test]
fn slide_notes_are_visible() {
    let mut a = app("softmax");
    go(&mut a, 5, 0);
    let screen = text(&draw(&a, 80, 24));
    assert!(screen.contains("Slides:"), "{screen}");
    assert!(screen.contains("base-10"), "{screen}");
    insta::assert_snapshot!("slide_note_80x24", screen);
}

#[test]
fn menu_help_and_too_small() {
    let mut a = app("softmax");
    update(&mut a, Action::Leave);
    insta::assert_snapshot!("menu_80x24", text(&draw(&a, 80, 24)));
    update(&mut a, Action::Help);
    insta::assert_snapshot!("help_80x24", text(&draw(&a, 80, 24)));
    let tiny = text(&draw(&a, 40, 8));
    assert!(
        tiny.contains("at least") && tiny.contains("60×16"),
        "{tiny}"
    );
    assert!(tiny.contains("40×8"), "{tiny}");
    // Nothing panics at any size, down to a single cell.
    for (w, h) in [(1, 1), (2, 30), (300, 2), (60, 16), (500, 200)] {
        draw(&a, w, h);
    }
}

#[test]
fn presentation_mode_has_big_titles_and_no_chrome() {
    let mut a = app("linear-scores");
    update(&mut a, Action::TogglePresent);
    go(&mut a, 3, 0);
    let screen = text(&draw(&a, 100, 30));
    assert!(!screen.contains("? help"), "no footer keys:\n{screen}");
    assert!(!screen.contains("nntutor ·"), "no header:\n{screen}");
    insta::assert_snapshot!("present_100x30", screen);
}

#[test]
fn ascii_and_monochrome() {
    let settings = Settings {
        theme: ThemeName::Mono,
        present: false,
        ascii: true,
        predict: false,
        author: false,
    };
    let mut a = app_with("backprop", settings);
    go(&mut a, 4, 3);
    let buf = draw(&a, 80, 24);
    let screen = text(&buf);
    assert!(
        screen.is_ascii() || !screen.chars().any(|c| "─│╭╮╰╯▶→←━".contains(c)),
        "{screen}"
    );
    insta::assert_snapshot!("backward_ascii_mono_80x24", screen);
    // Monochrome still marks the current node and the explained element.
    let mut b = app_with(
        "linear-scores",
        Settings {
            ascii: false,
            ..a.settings.clone()
        },
    );
    go(&mut b, 3, 0);
    let buf = draw(&b, 80, 24);
    let (x, y) = find(&buf, "-97.90");
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));
    assert_eq!(buf[(x, y)].fg, ratatui::style::Color::Reset);
}

#[test]
fn themes_differ_in_colour_not_in_text() {
    let mut screens = Vec::new();
    let mut backgrounds = Vec::new();
    for theme in [ThemeName::Dark, ThemeName::Light, ThemeName::Projector] {
        let mut a = app_with(
            "linear-scores",
            Settings {
                theme,
                ..Settings::default()
            },
        );
        go(&mut a, 3, 0);
        let buf = draw(&a, 80, 24);
        screens.push(text(&buf));
        // A blank cell at the body's right edge: the background alone.
        backgrounds.push(buf[(77, 12)].bg);
    }
    assert_eq!(screens[0], screens[1]);
    assert_eq!(screens[1], screens[2]);
    assert_ne!(backgrounds[0], backgrounds[1]);
    assert_eq!(backgrounds[2], ratatui::style::Color::Black);
}

#[test]
fn every_step_kind_at_both_sizes() {
    let kinds: &[(&str, &str, usize, usize)] = &[
        ("kind_show", "linear-scores", 1, 0),
        ("kind_expand", "softmax", 6, 4),
        ("kind_backward_neuron", "backprop", 9, 4),
        ("kind_update", "bird-car-step", 6, 0),
        ("kind_number_quiz", "svm", 12, 0),
        ("kind_slide_note", "softmax", 7, 0),
        ("kind_plot", "activations", 16, 0),
        ("kind_train", "optimization", 12, 0),
        ("kind_search", "optimization", 6, 0),
    ];
    for &(name, id, step, next) in kinds {
        let mut a = app(id);
        go(&mut a, step, next);
        for (w, h) in [(80, 24), (160, 48)] {
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), text(&draw(&a, w, h)));
        }
    }
}

/// The spiral network's training, paused live after exactly `iterations`
/// single steps, with its regions: what the runtime would have copied.
fn paused_spiral(iterations: usize) -> App {
    use nntutor::lesson::eval::regions::classify_grid;
    use nntutor::lesson::eval::{Cancel, rerun};
    use nntutor::tui::app::LiveView;
    use nntutor::tui::pace::Live;
    let mut a = app("spiral-mlp");
    go(&mut a, 6, 0);
    let open = a.open.clone().unwrap();
    let live = Live::new(None, true);
    for _ in 0..iterations {
        live.single_step();
    }
    let cancel = Cancel::default();
    let (worker, stop) = (live.clone(), cancel.clone());
    let (lesson, timeline) = (open.lesson.clone(), open.timeline.clone());
    let run = std::thread::spawn(move || rerun(&lesson, &timeline, 5, &worker, &stop));
    // Done, and the values at that iteration tracked (the loop tracks
    // before it waits for the next step).
    let settled = |s: &nntutor::tui::pace::LiveState| {
        s.done == iterations
            && s.curves
                .iter()
                .all(|c| c.1.last().is_some_and(|p| p.0 == iterations))
    };
    while !settled(&live.state()) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let state = live.state();
    cancel.cancel();
    live.wake();
    assert!(run.join().unwrap().is_none());
    let mut view = LiveView::new(5, 3000);
    view.restart = false;
    view.paused = true;
    let values = state.values.clone().unwrap();
    let env = open.timeline.formulas[5].clone().unwrap();
    let regions = open.lesson.steps[5].regions.as_ref().unwrap();
    view.plane = Some(classify_grid(&env, &values, regions).map(std::sync::Arc::new));
    view.plane_at = Some(state.values_at);
    view.state = state;
    a.live = Some(view);
    a
}

#[test]
fn live_training_and_decision_regions() {
    let a = paused_spiral(200);
    let live = a.live.as_ref().unwrap();
    assert_eq!((live.state.done, live.state.values_at), (200, 200));
    let screen = text(&draw(&a, 120, 40));
    assert!(
        screen.contains("paused at iteration 200 of 3000"),
        "{screen}"
    );
    // The loss at 0 is ln 3 (tiny weights); tracked at every single step.
    assert!(screen.contains("L: 1.09876 at iteration 0 →"), "{screen}");
    assert!(screen.contains("at iteration 200"), "{screen}");
    insta::assert_snapshot!("live_paused_120x40", screen);
    // At a projector's 100×30 the regions and the curves shrink to the room
    // left under the text: the chart's x axis (its 0 … 3000 labels) is on
    // screen and nothing is pushed below it.
    let small = text(&draw(&a, 100, 30));
    assert!(small.contains("paused at iteration 200 of 3000"), "{small}");
    assert!(
        small
            .lines()
            .any(|l| l.contains(" 0 ") && l.trim_end().ends_with("3000")),
        "{small}"
    );
    assert!(!small.contains("▼ more"), "{small}");
    // After training, the regions of the trained network, monochrome: the
    // classes as marks, the points as digits.
    let mut b = app_with(
        "spiral-mlp",
        Settings {
            theme: ThemeName::Mono,
            ..Settings::default()
        },
    );
    go(&mut b, 7, 0);
    insta::assert_snapshot!("regions_trained_mono_100x40", text(&draw(&b, 100, 40)));
}

#[test]
fn what_if_an_edited_score_recomputes_the_loss_and_undo_restores_it() {
    use nntutor::tui::evaluate_edits_now;
    let mut a = app("svm");
    // Step 6: L = mean(Li) = (2.9 + 0 + 12.9) / 3 = 5.27.
    go(&mut a, 6, 0);
    let own = a.open.as_ref().unwrap().timeline.clone();
    let l = |a: &App| a.open.as_ref().unwrap().timeline.steps[5].values["L"].data[0];
    assert!((l(&a) - 15.8 / 3.0).abs() < 1e-12);
    // e, then → three times: S's elements row by row, the fourth is the
    // car score of the cat image (5.1). Make it 2.
    update(&mut a, Action::Edit);
    for _ in 0..3 {
        update(&mut a, Action::Next);
    }
    insta::assert_snapshot!("what_if_typing_80x24", {
        update(&mut a, Action::Type('2'));
        text(&draw(&a, 80, 24))
    });
    update(&mut a, Action::Enter);
    evaluate_edits_now(&mut a);
    // The cat image's margins: car 2 - 3.2 + 1 = -0.2, frog -1.7 - 3.2 + 1
    // = -3.9, both met: its loss is 0, and L = (0 + 0 + 12.9) / 3 = 4.3.
    assert!((l(&a) - 4.3).abs() < 1e-12, "{}", l(&a));
    let screen = text(&draw(&a, 80, 24));
    assert!(
        screen.contains("What if S[car, cat image] = 2 (was 5.1)?"),
        "{screen}"
    );
    insta::assert_snapshot!("what_if_edited_80x24", screen);
    // On step 1 the edited score is marked in the colour of changed
    // values; its neighbour, unchanged, is not.
    go(&mut a, 1, 0);
    let buf = draw(&a, 80, 24);
    let (x, y) = find(&buf, "2.0");
    let theme = ThemeName::Dark.theme();
    assert_eq!(buf[(x, y)].fg, theme.changed.fg.unwrap());
    let (x, y) = find(&buf, "4.9");
    assert_ne!(buf[(x, y)].fg, theme.changed.fg.unwrap());
    go(&mut a, 6, 0);
    // u: back to the lesson's own timeline, bit for bit.
    update(&mut a, Action::Undo);
    evaluate_edits_now(&mut a);
    let back = a.open.as_ref().unwrap().timeline.clone();
    assert!(std::sync::Arc::ptr_eq(&own, &back));
    assert_eq!(
        l(&a).to_bits(),
        (own.steps[5].values["L"].data[0]).to_bits()
    );
    // Two edits, then R: the same.
    update(&mut a, Action::Edit);
    update(&mut a, Action::Type('9'));
    update(&mut a, Action::Enter);
    update(&mut a, Action::Edit);
    update(&mut a, Action::Down);
    update(&mut a, Action::Type('1'));
    update(&mut a, Action::Enter);
    evaluate_edits_now(&mut a);
    assert_eq!(a.open.as_ref().unwrap().edits.len(), 2);
    update(&mut a, Action::Reset);
    assert!(std::sync::Arc::ptr_eq(
        &own,
        &a.open.as_ref().unwrap().timeline
    ));
}

#[test]
fn digits_and_the_templates_a_linear_classifier_learns() {
    let mono = Settings {
        theme: ThemeName::Mono,
        ..Settings::default()
    };
    let mut a = app_with("digits", mono);
    go(&mut a, 1, 0);
    insta::assert_snapshot!("digits_samples_mono_160x48", text(&draw(&a, 160, 48)));
    go(&mut a, 8, 0);
    insta::assert_snapshot!("digits_templates_mono_160x48", text(&draw(&a, 160, 48)));
    // In colour, the narrow screen halves the pictures; every pixel drawn
    // is a half block.
    let mut c = app("digits");
    go(&mut c, 8, 0);
    let buf = draw(&c, 80, 40);
    let blocks = buf
        .content
        .iter()
        .filter(|cell| cell.symbol() == "▀")
        .count();
    assert!(blocks >= 4 * 14 * 7, "{blocks} half blocks");
}

#[test]
fn gradient_check_shows_both_gradients_and_their_relative_error() {
    let mut a = app("optimization");
    // Step 8 defines ga = grad(L, W) after step 7's gn = numgrad(L, W).
    go(&mut a, 8, 0);
    let screen = text(&draw(&a, 120, 48));
    assert!(
        screen.contains("Gradient check: grad(L, W) against numgrad(L, W)"),
        "{screen}"
    );
    assert!(screen.contains("ga (analytic)") && screen.contains("relative error"));
    // The largest |ga - gn| / (|ga| + |gn|), worked out here from the two
    // gradients: centered differences agree to about nine digits.
    let values = &a.open.as_ref().unwrap().timeline.steps[7].values;
    let (ga, gn) = (&values["ga"].data, &values["gn"].data);
    let worst = ga
        .iter()
        .zip(gn.iter())
        .map(|(x, y)| (x - y).abs() / (x.abs() + y.abs()))
        .fold(0.0, f64::max);
    assert!(worst < 1e-8 && worst > 1e-10, "{worst}");
    let shown = nntutor::lesson::number::short(worst);
    assert!(
        screen.contains(&format!("Largest relative error {shown}: they agree")),
        "{screen}"
    );
    insta::assert_snapshot!("gradient_check_120x48", screen);
}

#[test]
fn softmax_bars_beside_the_scores() {
    let mut a = app("softmax");
    // Step 4: p = e / z, drawn as bars with the scores s.
    go(&mut a, 4, 0);
    let screen = text(&draw(&a, 100, 40));
    // Car's probability 0.87 is the longest bar (the full 60 cells at 100
    // columns); cat's 0.13 is 0.13 / 0.87 of it, 9 cells. The scores are
    // signed (frog -1.7), so they get a zero axis. Frog's 0.00097 reads as
    // in the matrix beside it, not as 0.00.
    assert!(
        screen.contains(&format!("car {}    0.87", "█".repeat(60))),
        "{screen}"
    );
    assert!(screen.contains("frog ▏"), "{screen}");
    assert!(screen.contains(" 0.00097\n"), "{screen}");
    assert!(
        screen.contains(&format!("cat {} ", "█".repeat(9))),
        "{screen}"
    );
    assert!(screen.contains("██████████│"), "{screen}");
    insta::assert_snapshot!("softmax_bars_100x40", screen);
}

#[test]
fn the_rows_of_w_as_lines_in_monochrome() {
    // Each line in its class's number, its arrow towards higher scores, and
    // the equations under the picture.
    let mut a = app_with(
        "linear-geometry",
        Settings {
            theme: ThemeName::Mono,
            ..Settings::default()
        },
    );
    go(&mut a, 9, 0);
    insta::assert_snapshot!("lines_of_the_edges_mono_100x30", text(&draw(&a, 100, 30)));
}
