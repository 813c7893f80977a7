//! Numbers as written, made a literal: rectangular, never empty, each
//! number with the tolerance its written precision implies.

use super::values::{Cell, Numbers, Sp};
use crate::lesson::diagnostic::Diagnostic;
use crate::lesson::source::SourceFile;

/// A numeric literal: rows of numbers, each with the tolerance its written
/// precision implies (5.27 → 0.005) and its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    pub rows: Vec<Vec<Sp<f64>>>,
    pub tolerances: Vec<Vec<f64>>,
    /// Written as a flat list (a column vector) or a single number.
    pub flat: bool,
    pub scalar: bool,
}

impl Sp<Numbers> {
    /// The literal these numbers write, or why they write none; `what`
    /// names them in the message (`` `W` ``).
    pub fn literal(&self, what: &str, file: &SourceFile) -> Result<Sp<Literal>, Diagnostic> {
        let (rows, flat, scalar) = match &self.v {
            Numbers::Scalar(n) => (vec![vec![self.number(*n)]], true, true),
            Numbers::List(cells) if cells.is_empty() => {
                return Err(Diagnostic::error(
                    format!("{what} is empty"),
                    self.span.clone(),
                ));
            }
            Numbers::List(cells) => match rows_of(cells, what)? {
                Some(rows) => (rows, false, false),
                None => (column_of(cells, what)?, true, false),
            },
        };
        let tolerances = rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|n| written_tolerance(file.slice(&n.span)))
                    .collect()
            })
            .collect();
        Ok(Sp {
            v: Literal {
                rows,
                tolerances,
                flat,
                scalar,
            },
            span: self.span.clone(),
        })
    }

    fn number(&self, n: f64) -> Sp<f64> {
        Sp {
            v: n,
            span: self.span.clone(),
        }
    }
}

/// The rows of a matrix, when every cell is a row: all of one length.
fn rows_of(cells: &[Sp<Cell>], what: &str) -> Result<Option<Vec<Vec<Sp<f64>>>>, Diagnostic> {
    let mut rows = Vec::new();
    for cell in cells {
        let Cell::Row(row) = &cell.v else {
            return Ok(None);
        };
        rows.push((row, cell.span.clone()));
    }
    let width = rows[0].0.len();
    if width == 0 {
        return Err(Diagnostic::error(
            format!("{what} has an empty row"),
            rows[0].1.clone(),
        ));
    }
    for (k, (r, span)) in rows.iter().enumerate() {
        if r.len() != width {
            return Err(Diagnostic::error(
                format!(
                    "row {k} of {what} has {} numbers, but row 0 has {width}; every row needs the same length",
                    r.len()
                ),
                span.clone(),
            ));
        }
    }
    Ok(Some(
        rows.into_iter()
            .map(|(r, _)| {
                r.iter()
                    .map(|n| Sp {
                        v: n.v.0,
                        span: n.span.clone(),
                    })
                    .collect()
            })
            .collect(),
    ))
}

/// A column: every cell a number.
fn column_of(cells: &[Sp<Cell>], what: &str) -> Result<Vec<Vec<Sp<f64>>>, Diagnostic> {
    cells
        .iter()
        .map(|cell| match cell.v {
            Cell::Num(n) => Ok(vec![Sp {
                v: n,
                span: cell.span.clone(),
            }]),
            Cell::Row(_) => Err(Diagnostic::error(
                format!(
                    "{what} mixes numbers and rows: write a list of numbers (a column) or a list of rows (a matrix)"
                ),
                cell.span.clone(),
            )),
        })
        .collect()
}

/// Half a unit in the last written digit: `5.27` → 0.005, `0` → 0.5,
/// `1.5e-3` → 0.00005.
pub fn written_tolerance(text: &str) -> f64 {
    let t = text.trim().trim_start_matches(['+', '-']);
    if t.contains("inf") || t.contains("nan") {
        return 0.0;
    }
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(p) => (&t[..p], t[p + 1..].parse::<i32>().unwrap_or(0)),
        None => (t, 0),
    };
    let decimals = mantissa.find('.').map_or(0, |p| mantissa.len() - p - 1) as i32;
    0.5 * 10f64.powi(exponent - decimals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance_from_the_written_precision() {
        assert_eq!(written_tolerance("5.27"), 0.005);
        assert_eq!(written_tolerance("0"), 0.5);
        assert_eq!(written_tolerance("-12.9"), 0.05);
        assert!((written_tolerance("1.5e-3") - 0.00005).abs() < 1e-18);
        assert_eq!(written_tolerance("164.0"), 0.05);
    }

    fn literal(text: &str) -> Result<Sp<Literal>, Diagnostic> {
        let file = SourceFile::new("t.toml", format!("x = {text}"));
        let (doc, errors) = toml::de::DeTable::parse_recoverable(&file.text);
        assert!(errors.is_empty());
        let v = doc.get_ref()["x"].clone();
        let numbers: Sp<Numbers> =
            serde::Deserialize::deserialize(toml::de::ValueDeserializer::from(v)).unwrap();
        numbers.literal("`x`", &file)
    }

    #[test]
    fn numbers_make_a_scalar_a_column_or_rows() {
        let s = literal("2.5").unwrap().v;
        assert!(s.scalar && s.flat);
        assert_eq!(s.tolerances, vec![vec![0.05]]);
        let c = literal("[1, 2.25]").unwrap().v;
        assert!(c.flat && !c.scalar);
        assert_eq!(c.rows.len(), 2);
        assert_eq!(c.tolerances[1][0], 0.005);
        let m = literal("[[1, 2], [3, 4]]").unwrap().v;
        assert!(!m.flat);
        assert_eq!(m.rows[1][0].v, 3.0);
        // The span of `3` in "x = [[1, 2], [3, 4]]".
        assert_eq!(m.rows[1][0].span, 14..15);
    }

    #[test]
    fn ragged_empty_and_mixed_numbers_are_refused_where_they_are() {
        let e = literal("[[1, 2], [3]]").unwrap_err();
        assert!(
            e.message.contains("row 1 of `x` has 1 numbers"),
            "{}",
            e.message
        );
        assert_eq!(e.span, Some(13..16));
        assert!(literal("[]").unwrap_err().message.contains("is empty"));
        assert!(literal("[[]]").unwrap_err().message.contains("empty row"));
        let e = literal("[1, [2]]").unwrap_err();
        assert!(e.message.contains("mixes numbers and rows"));
        assert_eq!(e.span, Some(8..11));
    }
}
