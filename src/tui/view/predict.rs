//! Predict, then reveal: before the answer, the formula and what it reads,
//! and the number being typed; after it, how the prediction did.

use ratatui::text::{Line, Span};

use super::layout::side_by_side;
use super::step::Ctx;
use crate::lesson::timeline::Detail;
use crate::tui::app::Typing;
use crate::tui::predict::{current_element, pending, shown};
use crate::tui::widgets::text::sanitize;

/// Writes the question, and returns true, while the step's answer is
/// hidden; else writes how the predictions did (if any) and returns false.
pub fn hidden(ctx: &Ctx, lines: &mut Vec<Line<'static>>) -> bool {
    let open = ctx.open;
    let theme = ctx.theme;
    let Some(target) = pending(ctx.app, open) else {
        verdicts(ctx, lines);
        return false;
    };
    if let Detail::Let(c) = &open.timeline.steps[open.step].detail {
        let reads = open.lesson.steps[open.step].reads.as_deref();
        lines.extend(ctx.formula(&c.formula, reads));
        lines.push(Line::raw(""));
        // An element of the result: its arithmetic, all but the answer.
        if target.label != target.value {
            let (i, j) = target.cell;
            let arithmetic = c.explain(i, j, ctx.digits());
            let question = match arithmetic.rsplit_once(" = ") {
                Some((lhs, _)) => format!("{} = {lhs} = ?", target.label),
                None => format!("{} = ?", target.label),
            };
            lines.extend(ctx.para(&question, theme.heading, 0));
            lines.push(Line::raw(""));
        }
        let blocks: Vec<Vec<Line<'static>>> = c
            .input_names()
            .iter()
            .filter(|n| **n != target.value)
            .filter_map(|n| ctx.matrix(n, None, None))
            .collect();
        if !blocks.is_empty() {
            lines.extend(side_by_side(blocks, ctx.width, 4));
            lines.push(Line::raw(""));
        }
    }
    verdicts(ctx, lines);
    let typed = match &ctx.app.typing {
        Typing::Predict(s) => s.as_str(),
        _ => "",
    };
    let cursor = if ctx.ascii() { "_" } else { "▏" };
    lines.push(Line::from(vec![
        Span::styled(
            format!("Predict {}: ", sanitize(&target.label)),
            theme.heading,
        ),
        Span::styled(format!("{typed}{cursor}"), theme.focus),
    ]));
    lines.extend(ctx.para(
        "Type a number and Enter, to the precision the lesson prints; → shows the answer without one.",
        theme.dim,
        0,
    ));
    true
}

fn verdicts(ctx: &Ctx, lines: &mut Vec<Line<'static>>) {
    let theme = ctx.theme;
    let Some(guesses) = ctx.open.guesses.get(&ctx.open.step) else {
        return;
    };
    // In an element walk, the verdict on the element at hand only.
    let here = current_element(ctx.app, ctx.open);
    let guesses = guesses
        .iter()
        .filter(|g| here.as_ref().is_none_or(|t| t.label == g.name));
    let mut any = false;
    for g in guesses {
        any = true;
        let answer = shown(g.answer, ctx.digits());
        let (style, text) = if g.right {
            (
                theme.ok,
                format!(
                    "{} You predicted {} = {}: right ({answer}).",
                    if ctx.ascii() { "ok" } else { "✓" },
                    sanitize(&g.name),
                    sanitize(&g.typed)
                ),
            )
        } else {
            (
                theme.bad,
                format!(
                    "{} You predicted {} = {}; it is {answer}.",
                    if ctx.ascii() { "x" } else { "✗" },
                    sanitize(&g.name),
                    sanitize(&g.typed)
                ),
            )
        };
        lines.extend(ctx.para(&text, style, 0));
    }
    if any {
        lines.push(Line::raw(""));
    }
}
