//! `nntutor check --fit 100x30`: every position of every step drawn at that
//! size, reporting the steps that would scroll, cut a matrix short or push
//! a graph off the side (a projector shows what fits, nothing more).

use std::sync::Arc;

use ratatui::layout::Rect;

use crate::lesson::{Lesson, Timeline};
use crate::tui::app::{App, Menu, Settings};
use crate::tui::keys::Action;
use crate::tui::update::update;
use crate::tui::view::misfit;

/// One line per step that does not fit: `step 4 "title": needs 3 more rows`.
pub fn misfits(
    lesson: &Lesson,
    timeline: &Timeline,
    size: (u16, u16),
    settings: Settings,
) -> Vec<String> {
    let mut app = App::new(Menu::default(), settings, Default::default());
    app.open_lesson(
        Arc::new(lesson.clone()),
        Arc::new(timeline.clone()),
        Some(1),
    );
    let area = Rect::new(0, 0, size.0, size.1);
    let mut found: Vec<(usize, String)> = Vec::new();
    while let Some(open) = app.open.as_ref() {
        let (step, sub) = (open.step, open.sub);
        if let Some(why) = misfit(&app, area)
            && found.last().is_none_or(|(s, _)| *s != step)
        {
            let at = if sub > 0 {
                format!(" (at position {})", sub + 1)
            } else {
                String::new()
            };
            found.push((step, format!("{}{at}: {why}", lesson.steps[step].label())));
        }
        update(&mut app, Action::Next);
        let now = app.open.as_ref().map(|o| (o.step, o.sub));
        if now == Some((step, sub)) {
            break;
        }
    }
    found.into_iter().map(|(_, m)| m).collect()
}
