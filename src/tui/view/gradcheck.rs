//! The gradient check: the analytic and the numerical gradient side by
//! side, and their relative difference element by element.

use ratatui::text::Line;

use super::layout::side_by_side;
use super::step::Ctx;
use crate::lesson::Value;
use crate::lesson::gradcheck::{GradCheck, verdict};
use crate::lesson::number;
use crate::tui::widgets::text::sanitize;

pub fn lines(ctx: &Ctx, check: &GradCheck, lines: &mut Vec<Line<'static>>) {
    let theme = ctx.theme;
    let values = ctx.values();
    let (Some(a), Some(n)) = (values.get(&check.analytic), values.get(&check.numeric)) else {
        return;
    };
    lines.extend(ctx.para(
        &format!(
            "Gradient check: grad({l}, {p}) against {call}({l}, {p}), element by element: |{a} - {n}| / (|{a}| + |{n}|)",
            call = check.how.call(),
            l = check.loss,
            p = check.param,
            a = check.analytic,
            n = check.numeric
        ),
        theme.heading,
        0,
    ));
    let like = values.get(&check.param);
    let relative = Value {
        data: check.relative.clone().into(),
        rows: like.and_then(|v| v.rows.clone()),
        cols: like.and_then(|v| v.cols.clone()),
        labels: false,
        classes: None,
        written: 0,
    };
    let blocks = vec![
        ctx.matrix_of(
            &format!("{} (analytic)", sanitize(&check.analytic)),
            a,
            None,
        ),
        ctx.matrix_of(
            &format!("{} (numerical)", sanitize(&check.numeric)),
            n,
            None,
        ),
        ctx.matrix_of("relative error", &relative, None),
    ];
    lines.extend(side_by_side(blocks, ctx.width, 4));
    let (fine, why) = verdict(check.worst);
    let style = if fine { theme.ok } else { theme.warn };
    let verdict = format!(
        "Largest relative error {}: {why}.",
        number::short(check.worst)
    );
    lines.extend(ctx.para(&verdict, style, 0));
    lines.push(Line::raw(""));
}
