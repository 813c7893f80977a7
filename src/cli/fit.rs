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
    // Per step: every reason it does not fit, at the first position each
    // shows up.
    let mut found: Vec<(usize, Vec<String>)> = Vec::new();
    while let Some(open) = app.open.as_ref() {
        let (step, sub) = (open.step, open.sub);
        let reasons = misfit(&app, area);
        if !reasons.is_empty() && found.last().is_none_or(|(s, _)| *s != step) {
            found.push((step, Vec::new()));
        }
        if let Some((_, known)) = found.last_mut().filter(|(s, _)| *s == step) {
            let at = if sub > 0 {
                format!(" (at position {})", sub + 1)
            } else {
                String::new()
            };
            for why in reasons {
                let kind = reason_kind(&why);
                if !known.iter().any(|k| reason_kind(k) == kind) {
                    known.push(format!("{why}{at}"));
                }
            }
        }
        update(&mut app, Action::Next);
        let now = app.open.as_ref().map(|o| (o.step, o.sub));
        if now == Some((step, sub)) {
            break;
        }
    }
    found
        .into_iter()
        .map(|(step, why)| format!("{}: {}", lesson.steps[step].label(), why.join("; ")))
        .collect()
}

/// What kind of reason a message gives (its words before the numbers), so
/// that a step reports each kind once.
fn reason_kind(why: &str) -> &str {
    why.split(|c: char| c.is_ascii_digit())
        .next()
        .unwrap_or(why)
}
