//! The rows of W as lines (the lecture's geometric view of a linear
//! classifier): class k's score w_k · x + b_k is zero along a line of the
//! plane, grows on the side w_k points to, and falls on the other. The
//! regions are cut where two classes' scores tie, (w_k − w_j) · x +
//! (b_k − b_j) = 0: lines again, which is why a linear classifier's
//! regions are bounded by straight edges.

use crate::engine::tensor::shape_str;
use crate::lesson::model::Regions;
use crate::lesson::number;
use crate::lesson::value::Value;

use crate::lesson::timeline::Values;

/// Where one class's score is zero.
#[derive(Debug, Clone, PartialEq)]
pub struct ZeroLine {
    /// The class's name (the row's name in W or b), if it has one.
    pub name: Option<String>,
    /// The class's row of W: the arrow across the line, towards higher
    /// scores.
    pub w: [f64; 2],
    pub b: f64,
}

impl ZeroLine {
    /// `2.0 x₁ - 1.0 x₂ + 0.5 = 0`, with `decimals` decimals (see
    /// [`decimals`]).
    pub fn equation(&self, decimals: usize) -> String {
        let n = |v: f64| number::fixed(v, decimals);
        let signed = |v: f64| {
            let s = n(v);
            match s.strip_prefix('-') {
                Some(abs) => format!(" - {abs}"),
                None => format!(" + {s}"),
            }
        };
        let [w1, w2] = self.w;
        format!("{} x₁{} x₂{} = 0", n(w1), signed(w2), signed(self.b))
    }
}

/// The decimals all of `lines`' equations share, as a matrix's elements
/// do: the most any number needs, up to `digits`.
pub fn decimals(lines: &[ZeroLine], digits: usize) -> usize {
    let all = lines.iter().flat_map(|l| [l.w[0], l.w[1], l.b]);
    number::shared_decimals(all, digits)
}

/// The lines of `regions.lines` (one row of two weights per class) and
/// `regions.bias` (one number per class; none is zero), as `values` hold
/// them.
pub fn zero_lines(regions: &Regions, values: &Values) -> Result<Vec<ZeroLine>, String> {
    let Some((w_name, _)) = &regions.lines else {
        return Ok(Vec::new());
    };
    let get = |name: &str| {
        values
            .get(name)
            .ok_or_else(|| format!("`{name}` is not defined"))
    };
    let w = get(w_name)?;
    let (k, cols) = w.data.shape();
    if cols != 2 || k == 0 {
        return Err(format!(
            "`lines` needs one row of two weights per class (a line of the plane each), but `{w_name}` is {}",
            shape_str(w.data.shape())
        ));
    }
    let bias = match &regions.bias {
        Some((b_name, _)) => Some((b_name, get(b_name)?)),
        None => None,
    };
    if let Some((b_name, b)) = bias {
        let (r, c) = b.data.shape();
        if b.data.len() != k || (r != 1 && c != 1) {
            return Err(format!(
                "`bias` needs one number per row of `{w_name}` ({k}), but `{b_name}` is {}",
                shape_str(b.data.shape())
            ));
        }
    }
    let names = |v: &Value| v.rows.clone().filter(|r| r.len() == k);
    let names = names(w).or_else(|| bias.and_then(|(_, b)| names(b)));
    Ok((0..k)
        .map(|r| ZeroLine {
            name: names.as_ref().map(|n| n[r].clone()),
            w: [w.data[(r, 0)], w.data[(r, 1)]],
            b: bias.map_or(0.0, |(_, b)| b.data.as_slice()[r]),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_equation_writes_its_signs_as_the_lecture_does() {
        let line = ZeroLine {
            name: None,
            w: [2.0, -1.0],
            b: 0.5,
        };
        assert_eq!(line.equation(1), "2.0 x₁ - 1.0 x₂ + 0.5 = 0");
        let line = ZeroLine {
            name: None,
            w: [-0.25, 3.0],
            b: -1.0,
        };
        assert_eq!(line.equation(2), "-0.25 x₁ + 3.00 x₂ - 1.00 = 0");
        let lines = [line.clone(), ZeroLine { b: 0.5, ..line }];
        assert_eq!(decimals(&lines, 4), 2);
        assert_eq!(decimals(&lines[1..], 1), 1);
    }
}
