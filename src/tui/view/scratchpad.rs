//! The scratchpad's formula line (`:`), drawn over the footer in both
//! modes, with the reason a formula was refused and a caret under its
//! fault on the row above.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::super::app::{App, Typing};
use super::super::theme::Theme;
use super::super::widgets::text::{fit, sanitize, width};

/// Draws the line on `row` if a formula is being typed.
pub fn formula_line(app: &App, row: Rect, buf: &mut Buffer, theme: &Theme) {
    let Typing::Formula(draft) = &app.typing else {
        return;
    };
    let w = row.width as usize;
    buf.set_string(row.x, row.y, " ".repeat(w), theme.bar);
    let prompt = " : ";
    let hint = if app.settings.ascii {
        "  Enter  Esc  up/down earlier"
    } else {
        "  Enter  Esc  ↑↓ earlier"
    };
    let room = w.saturating_sub(width(prompt) + width(hint) + 1).max(8);
    // The text scrolls so that the cursor stays in view.
    let chars: Vec<char> = sanitize(&draft.text).chars().collect();
    let first = draft.cursor.saturating_sub(room.saturating_sub(1));
    let shown: String = chars.iter().skip(first).take(room).collect();
    buf.set_string(row.x, row.y, prompt, theme.key);
    let x = row.x + width(prompt) as u16;
    buf.set_stringn(x, row.y, &shown, room, theme.key);
    let cursor_x = x + (draft.cursor - first).min(room) as u16;
    if cursor_x < row.right() {
        let cell = &mut buf[(cursor_x, row.y)];
        cell.set_style(theme.bar.add_modifier(ratatui::style::Modifier::REVERSED));
    }
    let hint_x = x + room as u16 + 1;
    if hint_x < row.right() {
        buf.set_stringn(
            hint_x,
            row.y,
            hint,
            row.right().saturating_sub(hint_x) as usize,
            theme.bar,
        );
    }
    let Some((why, at)) = &draft.error else {
        return;
    };
    if row.y == 0 {
        return;
    }
    let above = Rect::new(row.x, row.y - 1, row.width, 1);
    buf.set_string(above.x, above.y, " ".repeat(w), theme.bar);
    let mut message = String::new();
    match at.filter(|&a| a >= first && a - first < room) {
        Some(a) => {
            let caret = if app.settings.ascii { "^ " } else { "▲ " };
            message.push_str(&" ".repeat(width(prompt) + a - first));
            message.push_str(caret);
        }
        None => message.push(' '),
    }
    message.push_str(&sanitize(why));
    buf.set_string(above.x, above.y, fit(&message, w), theme.warn);
}
