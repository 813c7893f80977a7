//! Arranging lines: blocks side by side, big-text titles, sparklines.

use ratatui::text::{Line, Span};

use super::doc::fits_big;
use crate::tui::widgets::text::wrap;

/// Blocks of lines placed left to right with `gap` columns between them,
/// starting a new row of blocks where the next would not fit.
pub fn side_by_side(
    blocks: Vec<Vec<Line<'static>>>,
    max_width: usize,
    gap: usize,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut row: Vec<(usize, Vec<Line<'static>>)> = Vec::new();
    let mut used = 0;
    let flush = |row: &mut Vec<(usize, Vec<Line<'static>>)>, out: &mut Vec<Line<'static>>| {
        if row.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        let height = row.iter().map(|(_, b)| b.len()).max().unwrap_or(0);
        for k in 0..height {
            let mut spans: Vec<Span<'static>> = Vec::new();
            for (n, (w, block)) in row.iter().enumerate() {
                let line = block.get(k);
                let lw = line.map_or(0, Line::width);
                if let Some(line) = line {
                    spans.extend(line.spans.iter().cloned());
                }
                if n + 1 < row.len() {
                    spans.push(Span::raw(" ".repeat(w.saturating_sub(lw) + gap)));
                }
            }
            out.push(Line::from(spans));
        }
        row.clear();
    };
    for block in blocks {
        let w = block.iter().map(Line::width).max().unwrap_or(0);
        if !row.is_empty() && used + gap + w > max_width {
            flush(&mut row, &mut out);
            used = 0;
        }
        used += if row.is_empty() { w } else { gap + w };
        row.push((w, block));
    }
    flush(&mut row, &mut out);
    out
}

/// Lines in two columns, top to bottom then left to right, where both
/// columns fit in `max_width`; else as they are.
pub fn in_two_columns(
    lines: Vec<Line<'static>>,
    max_width: usize,
    gap: usize,
) -> Vec<Line<'static>> {
    let w = lines.iter().map(Line::width).max().unwrap_or(0);
    if lines.len() < 4 || 2 * w + gap > max_width {
        return lines;
    }
    let mut left = lines;
    let right = left.split_off(left.len().div_ceil(2));
    side_by_side(vec![left, right], max_width, gap)
}

/// The title (or a short result) as big-text lines if it fits in at most
/// two of them.
pub fn big_lines(text: &str, cols: usize) -> Option<Vec<String>> {
    let per_line = cols / super::doc::BIG_COLS;
    if per_line < 6 || !fits_big(text, usize::MAX) {
        return None;
    }
    let lines = wrap(text, per_line);
    (lines.len() <= 2 && lines.iter().all(|l| fits_big(l, cols))).then_some(lines)
}
