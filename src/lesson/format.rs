//! Values written for people: aligned matrices with their row and column
//! names, element names such as `E[cat, car image]`.

use crate::engine::Tensor;
use crate::engine::explain::Piece;
use crate::engine::graph::{Graph, NodeId, NodeKind};
use crate::engine::ops::Op;
use crate::lesson::Value;
use crate::lesson::number;
use crate::lesson::timeline::CheckOutcome;

/// Written-out arithmetic from the engine: each operand's numbers with the
/// decimals the most precise of them needs (at most `cap`), the result at
/// the lesson's precision. Where the printed operands would not give the
/// printed result, the operands get guard digits, one more at a time, until
/// a learner redoing the line by hand gets its result.
pub fn arithmetic(pieces: &[Piece], cap: usize) -> String {
    arithmetic_pieces(pieces, cap).concat()
}

/// [`arithmetic`], each piece's text apart (to style operands apart).
pub fn arithmetic_pieces(pieces: &[Piece], cap: usize) -> Vec<String> {
    let adds_up = |texts: &[String]| crate::lesson::hand::adds_up(&texts.concat());
    let first = written(pieces, cap, 0);
    let texts = if adds_up(&first) != Some(false) {
        first
    } else {
        (1..=MAX_GUARD)
            .map(|guard| written(pieces, cap, guard))
            .find(|texts| adds_up(texts) != Some(false))
            .unwrap_or(first)
    };
    said_once(texts)
}

/// `4.9 = 4.9` says nothing: a value passed through (a picked score, an
/// element of a named value) reads as itself, once.
fn said_once(mut texts: Vec<String>) -> Vec<String> {
    if let [value, equals, result] = texts.as_slice()
        && equals == " = "
        && value == result
    {
        texts.truncate(1);
    }
    texts
}

/// Guard digits an operand may get beyond the lesson's precision.
const MAX_GUARD: usize = 8;

/// The pieces written, operands at up to `cap + guard` decimals, the
/// result (group `usize::MAX`) at up to `cap`.
fn written(pieces: &[Piece], cap: usize, guard: usize) -> Vec<String> {
    let guard_of = |group: usize| if group == usize::MAX { 0 } else { guard };
    let mut decimals: std::collections::HashMap<usize, usize> = Default::default();
    for p in pieces {
        if let Piece::Num { group, value } = p {
            let d = decimals.entry(*group).or_insert(0);
            *d = (*d).max(number::shared_decimals([*value], cap + guard_of(*group)));
        }
    }
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(s) => s.clone(),
            Piece::Num { group, value } => {
                number::guarded(*value, decimals[group], guard_of(*group))
            }
        })
        .collect()
}

/// A lesson file is data: its control characters (ESC, BEL, backspace,
/// bidirectional overrides, …) become visible placeholders, never terminal
/// commands; tabs become spaces, newlines stay.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' => ' ',
            '\n' => '\n',
            c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('�'),
            '\u{7f}' => '␡',
            c if c.is_control() || is_bidi(c) => '�',
            c => c,
        })
        .collect()
}

/// The same characters masked with `?`, byte for byte, so that offsets into
/// the text (diagnostic spans) still point at the same places. A carriage
/// return ending a line (`\r\n`) stays; a lone one, which would send the
/// cursor back to overwrite the line, is masked.
pub fn mask_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let line_end = c == '\r' && chars.peek() == Some(&'\n');
        if is_unsafe(c) && !line_end {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_unsafe(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t')) || is_bidi(c)
}

/// The marks, embeddings, overrides and isolates that change the order in
/// which a terminal shows text (the Arabic letter mark among them).
pub fn is_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// The matrix as aligned text lines, numbers with `digits` decimals (labels
/// as integers), row names on the left and column names on top.
pub fn matrix_lines(v: &Value, digits: usize) -> Vec<String> {
    let digits = v.decimals(digits);
    let (r, c) = v.shape();
    // One number of decimals for the whole matrix: what its values need, up
    // to the lesson's precision (56 stays 56; 0.25 and 0.2 both get two).
    let decimals = if v.labels {
        0
    } else {
        number::shared_decimals(v.data.iter().copied(), digits)
    };
    // A tiny non-zero value keeps two significant digits instead of reading 0.
    let cell = |i: usize, j: usize| v.cell((i, j), decimals);
    let mut widths: Vec<usize> = (0..c)
        .map(|j| {
            let head = v.cols.as_ref().map_or(0, |n| n[j].chars().count());
            (0..r)
                .map(|i| cell(i, j).chars().count())
                .max()
                .unwrap_or(0)
                .max(head)
        })
        .collect();
    widths.iter_mut().for_each(|w| *w = (*w).max(1));
    let row_w = v.rows.as_ref().map_or(0, |n| {
        n.iter().map(|s| s.chars().count()).max().unwrap_or(0)
    });
    let mut lines = Vec::new();
    let pad_left =
        |s: &str, w: usize| format!("{}{s}", " ".repeat(w.saturating_sub(s.chars().count())));
    let pad_right =
        |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
    if let Some(cols) = &v.cols {
        let mut line = " ".repeat(row_w + usize::from(row_w > 0) * 2);
        let heads: Vec<String> = cols
            .iter()
            .zip(&widths)
            .map(|(h, &w)| pad_left(h, w))
            .collect();
        line.push_str(&heads.join("  "));
        lines.push(line.trim_end().to_string());
    }
    for i in 0..r {
        let mut line = String::new();
        if let Some(rows) = &v.rows {
            line.push_str(&pad_right(&rows[i], row_w));
            line.push_str("  ");
        }
        let cells: Vec<String> = (0..c).map(|j| pad_left(&cell(i, j), widths[j])).collect();
        line.push_str(&cells.join("  "));
        lines.push(line);
    }
    lines
}

/// The decimals, from `digits` up, at which each element that changed
/// (of the first 10,000) reads differently before and after: `b` from -5 to
/// -4.9997 is not shown as -5 and -5. At most 12.
pub fn telling_apart(before: &Tensor, after: &Tensor, digits: usize) -> usize {
    let mut alike: Vec<(f64, f64)> = before
        .iter()
        .zip(after.iter())
        .take(10_000)
        .filter(|(a, b)| a != b)
        .map(|(&a, &b)| (a, b))
        .collect();
    let mut d = digits;
    while d < 12 {
        alike.retain(|&(a, b)| number::fixed(a, d) == number::fixed(b, d));
        if alike.is_empty() {
            break;
        }
        d += 1;
    }
    d
}

/// A value before and after a change, shown with the decimals that tell
/// them apart.
pub fn before_after(before: &Tensor, after: &Value, digits: usize) -> (Value, Value) {
    let d = telling_apart(before, &after.data, after.decimals(digits));
    let old = Value {
        data: before.clone().into(),
        written: d,
        ..after.clone()
    };
    let new = Value {
        written: d,
        ..after.clone()
    };
    (old, new)
}

/// `E[cat, car image]`, `s[dog]`, `L` or `W[0, 2]`.
pub fn element_name(
    name: &str,
    v: Option<&Value>,
    shape: (usize, usize),
    i: usize,
    j: usize,
) -> String {
    let row = |i: usize| {
        v.and_then(|v| v.rows.as_ref())
            .map_or(i.to_string(), |n| n[i].clone())
    };
    let col = |j: usize| {
        v.and_then(|v| v.cols.as_ref())
            .map_or(j.to_string(), |n| n[j].clone())
    };
    match shape {
        (1, 1) => name.to_string(),
        (_, 1) => format!("{name}[{}]", row(i)),
        (1, _) => format!("{name}[{}]", col(j)),
        _ => format!("{name}[{}, {}]", row(i), col(j)),
    }
}

/// A short inline form for small values, `3×3` for large ones.
pub fn inline(t: &Tensor, digits: usize) -> String {
    if t.len() == 1 {
        return number::at_least_visible(t[0], digits);
    }
    if t.len() > 12 {
        return format!("({}×{})", t.nrows(), t.ncols());
    }
    let rows: Vec<String> = (0..t.nrows())
        .map(|i| {
            (0..t.ncols())
                .map(|j| number::at_least_visible(t[(i, j)], digits))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    if t.ncols() == 1 {
        format!("[{}]ᵀ", rows.join(", "))
    } else {
        format!("[{}]", rows.join("; "))
    }
}

/// A readable name for a graph node: its name, its number, or its operation
/// (`(x + y)`, `relu(W @ x)`: an operation between operands is bracketed,
/// except where a call's own brackets hold it).
pub fn node_label(g: &Graph, id: NodeId, depth: usize) -> String {
    label(g, id, depth, true)
}

fn label(g: &Graph, id: NodeId, depth: usize, bracket: bool) -> String {
    let node = g.node(id);
    if let Some(name) = &node.name {
        return name.clone();
    }
    match &node.kind {
        NodeKind::Input(name) => name.clone(),
        NodeKind::Constant => number::short(node.value()[0]),
        NodeKind::Gradient { of, wrt, how } => format!("{}({of}, {wrt})", how.call()),
        NodeKind::Op(op) => {
            if depth > 2 {
                return "…".into();
            }
            let sym = op.symbol();
            let operator = node.inputs.len() == 2 && sym.len() == 1;
            // A call's arguments sit in its own brackets.
            let inner = operator || sym == "'" || sym == "neg";
            let args: Vec<String> = node
                .inputs
                .iter()
                .map(|&i| label(g, i, depth + 1, inner))
                .collect();
            match (args.as_slice(), operator) {
                // The lecture writes the picked score as s_y: `s[y]`.
                ([a, b], _) if matches!(op, Op::Pick | Op::RowPick) => format!("{a}[{b}]"),
                ([a, b], true) if bracket => format!("({a} {sym} {b})"),
                ([a, b], true) => format!("{a} {sym} {b}"),
                ([a], _) if sym == "'" => format!("{a}'"),
                ([a], _) if sym == "neg" => format!("-{a}"),
                _ => format!("{sym}({})", args.join(", ")),
            }
        }
    }
}

/// `✓ p = [0.13, 0.87, 0.00]`, or what the slides print and why it differs.
pub fn check_line(c: &CheckOutcome, d: usize) -> String {
    // A vector written as a flat list is shown the way the value lies (a
    // row stays a row), so the two read alike.
    let (r, cols) = c.computed.shape();
    let expected = if c.expected.shape() != (r, cols) && c.expected.len() == r * cols {
        Tensor::from_iterator(r, cols, c.expected.transpose().iter().copied())
    } else {
        c.expected.clone()
    };
    let expected = inline(&expected, d.max(decimals_of(&c.tolerance)));
    let computed = inline(&c.computed, d.max(decimals_of(&c.tolerance)) + 1);
    match (c.slide, c.passed) {
        (false, true) => format!("✓ {} = {expected} (computed {computed})", c.name),
        (false, false) => format!("✗ {} should be {expected}, computed {computed}", c.name),
        (true, true) => format!(
            "✓ the slides print {} = {expected} (computed {computed})",
            c.name
        ),
        (true, false) => format!(
            "⚠ the slides print {} = {expected}, but the formula gives {computed}",
            c.name
        ),
    }
}

/// How many decimals the tightest tolerance implies (0.005 → 2).
fn decimals_of(tol: &Tensor) -> usize {
    let t = tol
        .iter()
        .copied()
        .filter(|t| *t > 0.0)
        .fold(f64::INFINITY, f64::min);
    if !t.is_finite() {
        0
    } else {
        (-(2.0 * t).log10()).round().max(0.0) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_value_reads_changed() {
        // b from -5 to -4.9997: at two decimals both read -5.00.
        let before = Tensor::from_element(1, 1, -5.0);
        let after = Tensor::from_element(1, 1, -4.9997);
        assert_eq!(telling_apart(&before, &after, 2), 4);
        let v = Value::plain(after);
        let (old, new) = before_after(&before, &v, 2);
        assert_eq!(matrix_lines(&old, 2), ["-5"]);
        assert_eq!(matrix_lines(&new, 2), ["-4.9997"]);
        // Unchanged values keep the lesson's precision.
        assert_eq!(telling_apart(&before, &before, 2), 2);
    }

    #[test]
    fn a_given_shows_the_digits_its_file_wrote() {
        let mut v = Value::plain(Tensor::from_element(1, 1, 1.25347));
        assert_eq!(matrix_lines(&v, 4), ["1.2535"]);
        v.written = 5;
        assert_eq!(matrix_lines(&v, 4), ["1.25347"]);
    }

    #[test]
    fn arithmetic_gets_guard_digits_only_where_it_needs_them() {
        let num = |group, value| Piece::Num { group, value };
        let text = |s: &str| Piece::Text(s.into());
        // 24.533 + 164.022 + 0.183 = 188.738: at two decimals the operands
        // add to 188.73, not 188.74.
        let pieces = [
            num(0, 24.5331),
            text(" + "),
            num(1, 164.0219),
            text(" + "),
            num(2, 0.1831),
            text(" = "),
            num(usize::MAX, 188.7381),
        ];
        assert_eq!(arithmetic(&pieces, 2), "24.533 + 164.022 + 0.183 = 188.74");
        // 0.2 × 56 + 1.1 = 12.3 needs none.
        let pieces = [
            num(0, 0.2),
            text(" × "),
            num(1, 56.0),
            text(" + "),
            num(2, 1.1),
            text(" = "),
            num(usize::MAX, 12.3),
        ];
        assert_eq!(arithmetic(&pieces, 2), "0.2 × 56 + 1.1 = 12.3");
    }
}
