//! The tutor opened on a built-in lesson, as a learner opens it, and its
//! screen drawn into ratatui's `TestBackend`.

use nntutor::lesson::catalog::Catalog;
use nntutor::lesson::load;
use nntutor::tui::app::{App, Settings};
use nntutor::tui::keys::Action;
use nntutor::tui::update::update;
use nntutor::tui::{app_for, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The tutor at `step` (1-based) of built-in lesson `id`.
pub fn opened(id: &str, step: usize) -> App {
    let loaded = load(Catalog::default().find(id).unwrap());
    let mut app = app_for(
        loaded.lesson.unwrap(),
        loaded.timeline.unwrap(),
        Settings::default(),
    );
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
