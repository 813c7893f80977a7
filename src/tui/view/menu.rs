//! The lesson menu: every lesson with its title, summary and the learner's
//! progress.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::tui::app::{App, MenuEntry, NoticeKind};
use crate::tui::theme::Theme;
use crate::tui::widgets::text::{fit, sanitize, width, wrap};

pub fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let bar = Rect::new(area.x, area.y, area.width, 1);
    buf.set_style(bar, theme.bar);
    buf.set_string(
        area.x,
        area.y,
        " nntutor · see the arithmetic of neural networks",
        theme.bar,
    );
    let w = area.width.saturating_sub(4) as usize;
    let mut lines: Vec<Line> = Vec::new();
    // Where each entry starts, to keep the selected one on screen.
    let mut starts = Vec::new();
    if app.menu.entries.is_empty() {
        lines.push(Line::styled("No lessons found.", theme.warn));
    }
    for (k, entry) in app.menu.entries.iter().enumerate() {
        starts.push(lines.len());
        lines.extend(entry_lines(app, k, entry, w, theme));
        lines.push(Line::raw(""));
    }
    for p in &app.menu.problems {
        lines.push(Line::styled(fit(&sanitize(p), w), theme.warn));
    }
    let body = Rect::new(
        area.x + 2,
        area.y + 2,
        area.width.saturating_sub(4),
        area.height.saturating_sub(4),
    );
    let selected_start = starts.get(app.menu.selected).copied().unwrap_or(0);
    let selected_end = starts
        .get(app.menu.selected + 1)
        .copied()
        .unwrap_or(lines.len());
    let height = body.height as usize;
    // Scroll by whole entries: the first one from which the selected entry
    // still fits.
    let scroll = starts
        .iter()
        .copied()
        .find(|&s| selected_end.saturating_sub(s) <= height)
        .unwrap_or(selected_start)
        .min(selected_start);
    for (k, line) in lines.iter().skip(scroll).take(height).enumerate() {
        buf.set_line(body.x, body.y + k as u16, line, body.width);
    }
    let footer = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    buf.set_style(footer, theme.bar);
    let mut spans = Vec::new();
    match &app.notice {
        Some(n) => {
            let style = if n.kind == NoticeKind::Warning {
                theme.key
            } else {
                theme.bar
            };
            spans.push(Span::styled(format!(" {} ", sanitize(&n.text)), style));
        }
        None => {
            let (up, down) = if app.settings.ascii {
                ("up", "down")
            } else {
                ("↑", "↓")
            };
            for (key, what) in [
                (format!("{up}{down}"), "choose"),
                ("Enter".into(), "open"),
                ("?".into(), "help"),
                ("t".into(), "theme"),
                ("q".into(), "quit"),
            ] {
                spans.push(Span::styled(format!(" {key} "), theme.key));
                spans.push(Span::styled(format!("{what} "), theme.bar));
            }
        }
    }
    buf.set_line(footer.x, footer.y, &Line::from(spans), footer.width);
}

fn entry_lines(
    app: &App,
    k: usize,
    entry: &MenuEntry,
    w: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let selected = k == app.menu.selected;
    let marker = match (selected, app.settings.ascii) {
        (true, true) => "> ",
        (true, false) => "▶ ",
        _ => "  ",
    };
    let status = match app.progress.lessons.get(&entry.id) {
        None => "not started".to_string(),
        Some(p) => {
            let quizzes = p.quizzes.len();
            let right = p.quizzes.values().filter(|q| q.correct).count();
            let mut s = if entry.steps > 0 && p.furthest >= entry.steps {
                format!("finished · at step {} of {}", p.step, entry.steps)
            } else {
                format!("at step {} of {}", p.step, entry.steps)
            };
            if quizzes > 0 {
                s.push_str(&format!(" · {right}/{quizzes} quiz answers right"));
            }
            s
        }
    };
    let title_style = if selected { theme.focus } else { theme.title };
    let title = format!("{}. {}", k + 1, sanitize(&entry.title));
    let room = w.saturating_sub(width(marker) + width(&status) + 3);
    let mut out = vec![Line::from(vec![
        Span::styled(marker.to_string(), theme.title),
        Span::styled(fit(&title, room), title_style),
        Span::styled(format!("   {status}"), theme.dim),
    ])];
    let summary = if entry.summary.is_empty() {
        String::new()
    } else {
        sanitize(&entry.summary)
    };
    for line in wrap(
        &format!("{} · {summary}", sanitize(&entry.id)),
        w.saturating_sub(5),
    ) {
        out.push(Line::styled(format!("     {line}"), theme.dim));
    }
    out
}
