//! The overview of a lesson's steps (`o`): a box over the lesson listing
//! every step by number and title, the current one marked, the chosen one
//! highlighted, scrolled to keep it in view.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Padding, Paragraph, Widget};

use crate::tui::app::OpenLesson;
use crate::tui::theme::Theme;
use crate::tui::widgets::text::{fit, sanitize};

pub fn render(open: &OpenLesson, row: usize, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let n = open.step_count();
    let w = area.width.saturating_sub(8).min(90);
    let h = ((n + 4) as u16).min(area.height.saturating_sub(2));
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    Clear.render(rect, buf);
    let shown = h.saturating_sub(4) as usize;
    // Keep the chosen row in view, centred where it can be.
    let first = row.saturating_sub(shown / 2).min(n.saturating_sub(shown));
    let number_w = n.to_string().len();
    let text_w = (w as usize).saturating_sub(number_w + 8);
    let mut lines: Vec<Line> = open
        .lesson
        .steps
        .iter()
        .enumerate()
        .skip(first)
        .take(shown)
        .map(|(k, step)| {
            let here = if k == open.step { "▶" } else { " " };
            let style = if k == row { theme.focus } else { theme.base };
            Line::from(vec![
                Span::styled(format!("{here} {:>number_w$}  ", k + 1), theme.dim),
                Span::styled(fit(&sanitize(&step.title), text_w), style),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "↑ ↓ choose · Enter go · any other key closes",
        theme.dim,
    ));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .title(format!(
            " {} · {n} steps ",
            fit(&sanitize(&open.lesson.title), 40)
        ))
        .padding(Padding::horizontal(1))
        .style(theme.base)
        .border_style(theme.title);
    Paragraph::new(lines).block(block).render(rect, buf);
}
