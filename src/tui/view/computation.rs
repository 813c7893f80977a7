//! A `let` step's formula with its operands, the element being walked
//! through written out in numbers, and its result; an `update` step's
//! arithmetic per weight, before and after.

use ratatui::text::{Line, Span};

use super::doc::Piece;
use super::layout::{big_lines, in_two_columns, side_by_side};
use super::step::Ctx;
use crate::engine::sources::element_sources;
use crate::lesson::document::Walk;
use crate::lesson::format::element_name;
use crate::lesson::timeline::Computation;
use crate::tui::widgets::text::{sanitize, wrap_line};

pub(super) fn let_lines<'a>(
    ctx: &Ctx<'a>,
    c: &'a Computation,
    reads: Option<&str>,
    lines: &mut Vec<Line<'static>>,
    pieces: &mut Vec<Piece<'a>>,
    shown: &mut Vec<String>,
) {
    let theme = ctx.theme;
    let open = ctx.open;
    lines.extend(ctx.formula(&c.formula, reads));
    lines.push(Line::raw(""));
    let focus = open.walk().element(open.sub);
    // The element's arithmetic comes first: it is what the learner is
    // looking at; the matrices below show where its numbers come from.
    if let (Some((i, j)), Walk::Elements { rows, cols }) = (focus, open.walk()) {
        let value = ctx.values().get(&c.name).map(|v| v.as_ref());
        let element = element_name(&c.name, value, (*rows, *cols), i, j);
        let arithmetic = c.explain(i, j, ctx.digits());
        if open.walk().positions() > 1 {
            let position = format!("element {} of {}", open.sub + 1, open.walk().positions());
            lines.push(Line::styled(position, theme.dim));
        }
        let text = sanitize(&format!("{element} = {arithmetic}"));
        lines.extend(ctx.para(&text, theme.heading, 0));
        if ctx.present() && ctx.squeeze.big_result {
            let result = arithmetic.rsplit(" = ").next().unwrap_or_default();
            let short = sanitize(&format!("{element} = {result}"));
            if let Some(big) = big_lines(&short, ctx.width).filter(|b| b.len() == 1) {
                lines.push(Line::raw(""));
                pieces.push(Piece::Lines(std::mem::take(lines)));
                pieces.push(Piece::Big(big, theme.changed));
            }
        }
        lines.push(Line::raw(""));
    }
    let sources = focus
        .map(|(i, j)| element_sources(&c.graph, c.root, i, j))
        .unwrap_or_default();
    let mut blocks = Vec::new();
    for name in c.input_names() {
        if name == c.name {
            continue;
        }
        // A big operand nobody walks through (a data set, a weight matrix
        // of a real network) is named with its shape, not printed.
        let big = ctx
            .values()
            .get(&name)
            .filter(|v| v.data.len() > ctx.squeeze.operand_limit);
        if let (Some(v), None) = (big, focus) {
            let (r, k) = v.shape();
            blocks.push(vec![
                Line::from(vec![
                    Span::styled(sanitize(&name), ctx.theme.heading),
                    Span::styled(format!(" {r}×{k}"), ctx.theme.dim),
                ]),
                Line::styled(
                    format!("{} {}", r * k, if v.labels { "labels" } else { "numbers" }),
                    ctx.theme.dim,
                ),
            ]);
            shown.push(name);
            continue;
        }
        if let Some(m) = ctx.matrix(&name, None, sources.get(&name)) {
            blocks.push(m);
            shown.push(name);
        }
    }
    if let Some(m) = ctx.matrix(&c.name, focus, None) {
        blocks.push(m);
        shown.push(c.name.clone());
    }
    lines.extend(side_by_side(
        blocks,
        ctx.width,
        if ctx.present() { 6 } else { 4 },
    ));
    lines.push(Line::raw(""));
}

pub(super) fn update_lines(
    ctx: &Ctx,
    comps: &[Computation],
    lines: &mut Vec<Line<'static>>,
    shown: &mut Vec<String>,
) {
    let theme = ctx.theme;
    for c in comps {
        lines.extend(ctx.para(&c.formula, theme.formula, 0));
    }
    lines.push(Line::raw(""));
    let mut blocks = Vec::new();
    let mut arithmetic: Vec<Vec<Line<'static>>> = Vec::new();
    for c in comps {
        let mut own = Vec::new();
        let value = ctx.values().get(&c.name).map(|v| v.as_ref());
        let (rows, cols) = c.result().shape();
        // "… and 1 more" would take the line the element needs.
        let most = match ctx.squeeze.update_lines {
            m if rows * cols == m + 1 => m + 1,
            m => m,
        };
        let mut count = 0;
        for i in 0..rows {
            for j in 0..cols {
                if count == most {
                    continue;
                }
                count += 1;
                let element = element_name(&c.name, value, (rows, cols), i, j);
                let line = Line::from(vec![
                    Span::styled(format!("{} = ", sanitize(&element)), theme.heading),
                    Span::styled(sanitize(&c.explain(i, j, ctx.digits())), theme.base),
                ]);
                own.extend(wrap_line(line, ctx.width, 4));
            }
        }
        if rows * cols > most {
            own.push(Line::styled(
                format!("… and {} more elements", rows * cols - most),
                theme.dim,
            ));
        }
        arithmetic.push(own);
        if let (Some(before), Some(v)) = (&c.before, value) {
            let (old, new) = crate::lesson::format::before_after(before, v, ctx.digits());
            if ctx.squeeze.before_matrices {
                blocks.push(ctx.matrix_of(&format!("{} before", c.name), &old, None));
            }
            blocks.push(ctx.matrix_of(&format!("{} after", c.name), &new, Some(&old)));
            shown.push(c.name.clone());
        }
    }
    // Squeezed: a weight's arithmetic beside the next one's, or one
    // weight's in two columns.
    match (ctx.squeeze.two_columns, arithmetic.len()) {
        (true, 1) => lines.extend(in_two_columns(arithmetic.concat(), ctx.width, 4)),
        (true, _) => lines.extend(side_by_side(arithmetic, ctx.width, 4)),
        (false, _) => lines.extend(arithmetic.concat()),
    }
    lines.push(Line::raw(""));
    lines.extend(side_by_side(blocks, ctx.width, 4));
    recomputed_lines(ctx, lines, shown);
}

/// What the new values changed: what the step checks or asks to show is
/// drawn again in full; the rest is listed by name, so that an update of a
/// network fits the screen.
fn recomputed_lines(ctx: &Ctx, lines: &mut Vec<Line<'static>>, shown: &mut Vec<String>) {
    let theme = ctx.theme;
    let state = &ctx.open.timeline.steps[ctx.open.step];
    let step = &ctx.open.lesson.steps[ctx.open.step];
    let featured = |n: &String| {
        step.show.iter().any(|(s, _)| s == n)
            || step.expect.iter().chain(&step.slide).any(|c| &c.name == n)
    };
    let others: Vec<&String> = state
        .changed
        .iter()
        .filter(|n| !shown.contains(n))
        .collect();
    let recomputed: Vec<Vec<Line<'static>>> = others
        .iter()
        .filter(|n| featured(n))
        .filter_map(|n| ctx.matrix(n, None, None))
        .collect();
    if !recomputed.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("recomputed with the new values:", theme.dim));
        lines.extend(side_by_side(recomputed, ctx.width, 4));
    }
    let listed: Vec<String> = others
        .iter()
        .filter(|n| !featured(n))
        .map(|n| sanitize(n))
        .collect();
    if !listed.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(ctx.para(
            &format!("also recomputed: {}", listed.join(", ")),
            theme.dim,
            0,
        ));
    }
    shown.extend(state.changed.iter().cloned());
    lines.push(Line::raw(""));
}
