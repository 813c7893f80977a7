//! Vectors as horizontal bars, one line per element: a softmax's
//! probabilities are easier to compare as lengths than as digits. Values
//! of both signs get a zero axis with negative bars to its left.

use ratatui::text::{Line, Span};

use super::layout::side_by_side;
use super::step::Ctx;
use crate::lesson::number;
use crate::tui::widgets::text::{fit, sanitize, width};

/// Eighths of a cell, for bars that end between cells.
const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/// A bar `len` cells long (fractional), in blocks or in `#`.
fn bar(len: f64, ascii: bool) -> String {
    let eighths = (len.max(0.0) * 8.0).round() as usize;
    if ascii {
        return "#".repeat(eighths.div_ceil(8));
    }
    format!("{}{}", "█".repeat(eighths / 8), EIGHTHS[eighths % 8])
}

/// The step's bars, one block per vector; squeezed, side by side.
pub fn lines(ctx: &Ctx, out: &mut Vec<Line<'static>>) {
    let step = &ctx.open.lesson.steps[ctx.open.step];
    let beside = ctx.squeeze.two_columns && step.bars.len() > 1;
    let room = if beside {
        ctx.width.saturating_sub(GAP) / 2
    } else {
        ctx.width
    };
    let blocks: Vec<Vec<Line<'static>>> = step
        .bars
        .iter()
        .filter_map(|(name, _)| block(ctx, name, room))
        .collect();
    if beside {
        out.extend(side_by_side(blocks, ctx.width, GAP));
        out.push(Line::raw(""));
    } else {
        for b in blocks {
            out.extend(b);
            out.push(Line::raw(""));
        }
    }
}

/// Columns between bar blocks side by side.
const GAP: usize = 4;

/// One vector's bars in `cols` columns: its name, then a line per element.
fn block(ctx: &Ctx, name: &str, cols: usize) -> Option<Vec<Line<'static>>> {
    let theme = ctx.theme;
    let mut out = Vec::new();
    {
        let value = ctx.values().get(name)?;
        let data: Vec<f64> = value.data.iter().copied().collect();
        let names = value.rows.as_ref().or(value.cols.as_ref());
        let labels: Vec<String> = (0..data.len())
            .map(|k| names.map_or(k.to_string(), |n| sanitize(&n[k])))
            .collect();
        let label_w = labels.iter().map(|l| width(l)).max().unwrap_or(1).min(16);
        let texts: Vec<String> = data
            .iter()
            .map(|v| number::at_least_visible(*v, ctx.digits()))
            .collect();
        let text_w = texts.iter().map(|t| width(t)).max().unwrap_or(1);
        let room = cols.saturating_sub(label_w + text_w + 6).clamp(4, 60);
        let finite = data.iter().filter(|v| v.is_finite());
        let top = finite
            .clone()
            .fold(0.0f64, |m, v| m.max(v.abs()))
            .max(1e-300);
        let negative = finite.clone().any(|v| *v < 0.0);
        let (left, right) = if negative {
            (room / 2, room - room / 2)
        } else {
            (0, room)
        };
        out.push(Line::styled(sanitize(name), theme.heading));
        for ((v, label), text) in data.iter().zip(&labels).zip(&texts) {
            let mut spans = vec![Span::styled(
                format!("  {:>label_w$} ", fit(label, label_w)),
                theme.dim,
            )];
            let len = if v.is_finite() { v.abs() / top } else { 0.0 };
            if negative {
                let l = if *v < 0.0 {
                    bar(len * left as f64, ctx.ascii())
                } else {
                    String::new()
                };
                spans.push(Span::styled(format!("{:>left$}", l), theme.gradient));
                spans.push(Span::styled(if ctx.ascii() { "|" } else { "│" }, theme.dim));
            }
            let r = if *v >= 0.0 {
                bar(len * right as f64, ctx.ascii())
            } else {
                String::new()
            };
            spans.push(Span::styled(format!("{r:<right$}"), theme.forward));
            spans.push(Span::styled(format!(" {text:>text_w$}"), theme.base));
            out.push(Line::from(spans));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_end_in_eighths_of_a_cell() {
        assert_eq!(bar(2.5, false), "██▌");
        assert_eq!(bar(0.0, false), "");
        assert_eq!(bar(2.5, true), "###");
        assert_eq!(bar(1.0 / 8.0, false), "▏");
    }
}
