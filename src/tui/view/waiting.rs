//! A step whose numbers are not computed yet: the lesson opened before its
//! trainings finished, and this step comes after one. Its title and words
//! are shown (a lecturer can begin), with how far the evaluation is.

use ratatui::text::{Line, Span};

use super::doc::Piece;
use crate::tui::app::{App, OpenLesson};
use crate::tui::theme::Theme;
use crate::tui::widgets::text::{sanitize, wrap};

/// Columns of the progress bar.
const BAR: usize = 40;

pub fn pieces(app: &App, open: &OpenLesson, width: usize, theme: &Theme) -> Vec<Piece<'static>> {
    let step = &open.lesson.steps[open.step];
    let mut lines = vec![
        Line::styled(sanitize(&step.title), theme.title),
        Line::raw(""),
    ];
    if !step.text.trim().is_empty() {
        let text = wrap(&sanitize(&step.text), width);
        lines.extend(text.into_iter().map(|l| Line::styled(l, theme.base)));
        lines.push(Line::raw(""));
    }
    let at = open.evaluating.unwrap_or_default();
    let busy = open.lesson.steps.get(at.step);
    // Digits generated as the lesson is evaluated, before any step.
    let generating: usize = open
        .lesson
        .givens
        .iter()
        .filter(|g| open.timeline.initial.get(&g.name).is_none())
        .filter_map(|g| g.later.filter(|l| !l.labels))
        .map(|l| l.count)
        .sum();
    let what = match busy {
        _ if generating > 0 => format!("Generating its data: {generating} digit images"),
        Some(_) if at.step == open.step => "This step is being computed".to_string(),
        Some(s) => format!(
            "Its numbers come after step {} ({}), still being computed",
            at.step + 1,
            sanitize(&s.title)
        ),
        None => "Its numbers are being computed".to_string(),
    };
    lines.push(Line::styled(what, theme.heading));
    if let Some(filled) = (at.done.min(at.total) * BAR).checked_div(at.total) {
        let (full, empty) = if app.settings.ascii {
            ("#", "-")
        } else {
            ("━", "─")
        };
        lines.push(Line::from(vec![
            Span::styled(full.repeat(filled), theme.forward),
            Span::styled(empty.repeat(BAR - filled), theme.dim),
            Span::styled(
                format!("  {} of {} iterations", at.done, at.total),
                theme.base,
            ),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "It shows as soon as they are ready; the keys work meanwhile.",
        theme.dim,
    ));
    vec![Piece::Lines(lines)]
}
