//! The what-if banner: which givens the learner changed, and how to undo.

use ratatui::text::Line;

use super::step::Ctx;
use crate::lesson::format::element_name;
use crate::lesson::number;
use crate::tui::widgets::text::sanitize;

pub fn banner(ctx: &Ctx, lines: &mut Vec<Line<'static>>) {
    let open = ctx.open;
    let theme = ctx.theme;
    if open.edits.is_empty() {
        return;
    }
    {
        let edits: Vec<String> = open
            .edits
            .iter()
            .map(|e| {
                let value = ctx.open.timeline.initial.get(&e.name);
                let shape = value.map_or((1, 1), |v| v.data.shape());
                let label = element_name(&e.name, value.map(|v| &**v), shape, e.row, e.col);
                format!(
                    "{} = {} (was {})",
                    sanitize(&label),
                    number::trimmed(e.value, ctx.digits() + 2),
                    number::trimmed(e.was, ctx.digits() + 2)
                )
            })
            .collect();
        lines.extend(ctx.para(
            &format!("What if {}? · u undo · R reset", edits.join(", ")),
            theme.changed,
            0,
        ));
        lines.push(Line::raw(""));
    }
}
