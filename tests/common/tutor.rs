//! The tutor opened on a built-in lesson, as a learner opens it, and its
//! screen drawn into ratatui's `TestBackend`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use nntutor::lesson::catalog::Catalog;
use nntutor::lesson::load;
use nntutor::lesson::model::Lesson;
use nntutor::lesson::timeline::Timeline;
use nntutor::tui::app::Menu;
use nntutor::tui::app::{App, Settings};
use nntutor::tui::keys::Action;
use nntutor::tui::update::update;
use nntutor::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// A lesson and its timeline, shared.
pub type Evaluated = (Arc<Lesson>, Arc<Timeline>);

/// Built-in lesson `id` checked and evaluated, once per test binary: a
/// lesson that trains costs its training once, not once per test.
pub fn evaluated(id: &str) -> Evaluated {
    static CACHE: OnceLock<Mutex<HashMap<String, Evaluated>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().unwrap().get(id) {
        return hit.clone();
    }
    let loaded = load(Catalog::default().find(id).unwrap());
    let pair = (
        Arc::new(loaded.lesson.unwrap()),
        Arc::new(loaded.timeline.unwrap()),
    );
    cache.lock().unwrap().insert(id.to_string(), pair.clone());
    pair
}

/// The tutor at `step` (1-based) of built-in lesson `id`.
pub fn opened(id: &str, step: usize) -> App {
    let (lesson, timeline) = evaluated(id);
    let mut app = App::new(Menu::default(), Settings::default(), Default::default());
    app.open_lesson(lesson, timeline, Some(1));
    app.progress_dirty = false;
    for c in step.to_string().chars() {
        update(&mut app, Action::Type(c));
    }
    update(&mut app, Action::Enter);
    app
}

/// The screen's rows at `w`×`h`.
pub fn rows(app: &App, w: u16, h: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| view::draw(f, app)).unwrap();
    let buf = terminal.backend().buffer();
    buf.content
        .chunks(w as usize)
        .map(|r| r.iter().map(|c| c.symbol()).collect())
        .collect()
}
