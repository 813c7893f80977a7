//! What a graph's boxes say: a gate with a constant operand as the lecture
//! labels it (`+ 1`, `× -1`, `1/x`, `x²`), and numbers written short for
//! small screens.

use crate::engine::Tensor;
use crate::engine::ops::Op;
use crate::lesson::number;

/// A number without trailing zeros (2.50 → `2.5`), a tiny one still with
/// two significant digits (0.00049, not 0).
pub(super) fn short_number(v: f64, digits: usize) -> String {
    let s = number::at_least_visible(v, digits);
    if s.contains('.') && !s.contains('e') {
        let t = s.trim_end_matches('0').trim_end_matches('.');
        if t == "-0" { "0".into() } else { t.to_string() }
    } else {
        s
    }
}

/// A small tensor in one line, each number without trailing zeros:
/// `[1, 3, -1]ᵀ`, `[0.5, 2; -1, 1]`.
pub(super) fn short_inline(t: &Tensor, digits: usize) -> String {
    let row = |i: usize| {
        (0..t.ncols())
            .map(|j| short_number(t[(i, j)], digits))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows: Vec<String> = (0..t.nrows()).map(row).collect();
    if t.ncols() == 1 {
        format!("[{}]ᵀ", rows.join(", "))
    } else {
        format!("[{}]", rows.join("; "))
    }
}

/// A binary gate with one constant operand `c`, the other its input `x`:
/// `+ 1` and `× -1` (the lecture's gates), `1/x`, `1 - x`, `x²`,
/// `max(0, x)`.
pub(super) fn with_constant(op: Op, sym: &str, c: &str, on_left: bool) -> String {
    match (op, on_left) {
        (Op::Add | Op::Mul, _) => format!("{sym} {c}"),
        (Op::Sub, false) => format!("- {c}"),
        (Op::Div, false) => format!("/ {c}"),
        (Op::Div, true) => format!("{c}/x"),
        (Op::Pow, false) => match c {
            "2" => "x²".into(),
            "3" => "x³".into(),
            _ => format!("x^{c}"),
        },
        (Op::Pow, true) => format!("{c}^x"),
        (Op::Max | Op::Min, true) => format!("{sym}({c}, x)"),
        (Op::Max | Op::Min, false) => format!("{sym}(x, {c})"),
        (_, true) => format!("{c} {sym} x"),
        (_, false) => format!("x {sym} {c}"),
    }
}
