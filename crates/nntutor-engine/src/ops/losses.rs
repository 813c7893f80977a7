//! The lecture's losses over labels, as the lecture writes them: the
//! multiclass SVM (hinge) loss of each column,
//! `L_i = Σ_{j≠y_i} max(0, s_j − s_{y_i} + Δ)`, and the cross-entropy of a
//! label, `L_i = −log p_{y_i}`. Each reads element by element as on the
//! slides (`max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1)`), with no label
//! mask or one-hot in sight, and passes no gradient to the labels.

use super::classes::label_cell;
use super::{Cost, Def, Family, Op, column_cells};
use crate::explain::{At, Piece, Prec, Written, call, sum_of, t};
use crate::numerics::labels;
use crate::tensor::{Tensor, shape_str};

/// Each column's label, checked against the scores (a class index per
/// column, below the number of rows).
fn column_labels(op: Op, x: &[&Tensor]) -> Result<Vec<usize>, String> {
    labels(x[1], x[0].ncols(), x[0].nrows(), op.symbol(), "columns")
}

/// The margin Δ: a single number.
fn margin(x: &Tensor) -> Result<f64, String> {
    if x.len() == 1 {
        Ok(x[0])
    } else {
        Err(format!(
            "`hinge` takes the margin Δ as a single number, not a {} value",
            shape_str(x.shape())
        ))
    }
}

/// `s_j − s_y + Δ` for class `i` of column `j`.
fn margin_of(x: &[&Tensor], y: usize, i: usize, j: usize) -> f64 {
    x[0][(i, j)] - x[0][(y, j)] + x[2][0]
}

fn hinge_forward(op: Op, x: &[&Tensor]) -> Result<Tensor, String> {
    let y = column_labels(op, x)?;
    margin(x[2])?;
    Ok(Tensor::from_fn(1, y.len(), |_, j| {
        (0..x[0].nrows())
            .filter(|&i| i != y[j])
            .map(|i| margin_of(x, y[j], i, j).max(0.0))
            .fold(0.0, |sum, m| sum + m)
    }))
}

/// Each wrong class whose margin is violated (> 0) pulls its score up by
/// the upstream gradient and the correct score down by as much; a margin of
/// exactly 0 passes nothing, as `max(0, 0)` does. Δ gets the count of
/// violations; the labels get nothing.
fn hinge_backward(
    _: Op,
    x: &[&Tensor],
    _: &Tensor,
    g: &Tensor,
    need: &[bool],
) -> Vec<Option<Tensor>> {
    let mut ds = Tensor::zeros(x[0].nrows(), x[0].ncols());
    let mut delta = 0.0;
    for j in 0..x[0].ncols() {
        let y = x[1][j] as usize;
        for i in (0..x[0].nrows()).filter(|&i| i != y) {
            if margin_of(x, y, i, j) > 0.0 {
                ds[(i, j)] += g[j];
                ds[(y, j)] -= g[j];
                delta += g[j];
            }
        }
    }
    let wanted = |k: usize| need.get(k).copied().unwrap_or(true);
    vec![
        wanted(0).then_some(ds),
        None,
        wanted(2).then(|| Tensor::from_element(1, 1, delta)),
    ]
}

/// `max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1)`: one term per wrong
/// class, the correct class left out as the lecture's Σ_{j≠y} does; as the
/// whole line, followed by the terms' values, `= 2.9 + 0`, as the lecture
/// adds them up.
fn hinge_explained(_: Op, at: &At) -> Option<Written> {
    let y = at.value(1)[at.j] as usize;
    let correct = (y, at.j);
    let wrong: Vec<usize> = (0..at.value(0).nrows()).filter(|&i| i != y).collect();
    let terms = wrong
        .iter()
        .map(|&i| {
            let inside = Written::text(
                Prec::Sum,
                vec![
                    at.sub(0, (i, at.j), false).at_least(Prec::Sum),
                    t(" - "),
                    at.sub(0, correct, false).after_sign(Prec::Product),
                    t(" + "),
                    at.sub(2, (0, 0), false).after_sign(Prec::Product),
                ],
            );
            let zero = Written::text(Prec::Atom, vec![t("0")]);
            call("max", vec![zero, inside])
        })
        .collect();
    let written = sum_of(terms, Prec::Atom);
    if !at.at_root() || wrong.len() < 2 {
        return Some(written);
    }
    // Each value its own group: `2.9 + 0`, as the lecture writes it.
    let values = wrong
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let m = at.value(0)[(i, at.j)] - at.value(0)[correct] + at.value(2)[0];
            Written::number(usize::MAX - 3 - k, m.max(0.0))
        })
        .collect();
    let mut pieces = written.pieces;
    pieces.push(Piece::Text(" = ".into()));
    pieces.extend(sum_of(values, Prec::Atom).pieces);
    Some(Written::text(Prec::Sum, vec![pieces]))
}

/// `hinge(S, y, Δ)`: each column's multiclass SVM loss.
pub const HINGE: Def = Def {
    in_place: None,
    calls: &["hinge"],
    symbol: "hinge",
    mark: "Σ max",
    arity: 3,
    family: Family::Reduction,
    differentiable: true,
    forward: hinge_forward,
    backward: hinge_backward,
    explain: hinge_explained,
    operands: |_, x, _, j| {
        vec![
            column_cells(x[0], j),
            vec![label_cell(x[1], j)],
            vec![(0, 0)],
        ]
    },
    cost: Cost::Read(3.0),
};

/// `crossentropy(P, y)`: `−log p_y` of each column, the cross-entropy of
/// the probabilities against the one-hot label.
pub const CROSSENTROPY: Def = Def {
    in_place: None,
    calls: &["crossentropy"],
    symbol: "crossentropy",
    mark: "-log p_y",
    arity: 2,
    family: Family::Structure,
    differentiable: true,
    forward: |op, x| {
        let y = column_labels(op, x)?;
        Ok(Tensor::from_fn(1, y.len(), |_, j| {
            -libm::log(x[0][(y[j], j)])
        }))
    },
    // d(−log p)/dp = −1/p, at the label's probability only; computed as
    // (−g)·(1/p), the bits of `-log(pick(P, y))` taken apart.
    backward: |_, x, _, g, _| {
        let mut d = Tensor::zeros(x[0].nrows(), x[0].ncols());
        for j in 0..x[0].ncols() {
            let y = x[1][j] as usize;
            d[(y, j)] = -g[j] * (1.0 / x[0][(y, j)]);
        }
        vec![Some(d), None]
    },
    explain: |_, at| {
        let y = at.value(1)[at.j] as usize;
        let log = call("log", vec![at.through(0, (y, at.j))]);
        Some(Written::text(Prec::Product, vec![t("-"), log.pieces]))
    },
    operands: |_, x, _, j| {
        let y = x[1].get(label_cell(x[1], j)).copied().unwrap_or(-1.0);
        let picked = if y >= 0.0 && (y as usize) < x[0].nrows() {
            vec![(y as usize, j)]
        } else {
            Vec::new()
        };
        vec![picked, vec![label_cell(x[1], j)]]
    },
    cost: Cost::Written(7.0),
};

#[cfg(test)]
mod tests {
    use super::*;

    /// The lecture's cat/car/frog scores (columns: cat, car, frog images).
    fn scores() -> Tensor {
        Tensor::from_row_slice(3, 3, &[3.2, 1.3, 2.2, 5.1, 4.9, 2.5, -1.7, 2.0, -3.1])
    }

    #[test]
    fn the_lecture_s_svm_losses() {
        let y = Tensor::from_row_slice(1, 3, &[0.0, 1.0, 2.0]);
        let delta = Tensor::from_element(1, 1, 1.0);
        let l = Op::Hinge.forward(&[&scores(), &y, &delta]).unwrap();
        // 2.9 + 0; 0 + 0; 6.3 + 6.6 (lecture 004, L_1, L_2, L_3).
        let expected = [2.9, 0.0, 12.9];
        for (j, e) in expected.iter().enumerate() {
            assert!((l[j] - e).abs() < 1e-12, "{j}: {}", l[j]);
        }
    }

    #[test]
    fn the_margin_must_be_one_number() {
        let y = Tensor::from_row_slice(1, 3, &[0.0, 1.0, 2.0]);
        let two = Tensor::from_row_slice(1, 2, &[1.0, 1.0]);
        let err = Op::Hinge.forward(&[&scores(), &y, &two]).unwrap_err();
        assert!(err.contains("single number"), "{err}");
    }

    #[test]
    fn cross_entropy_of_the_label() {
        let p = Tensor::from_row_slice(2, 1, &[0.13, 0.87]);
        let y = Tensor::from_element(1, 1, 0.0);
        let l = Op::CrossEntropy.forward(&[&p, &y]).unwrap();
        // −ln 0.13 = 2.0402 (the softmax lecture's cat, natural log).
        assert!((l[0] - 2.040_220_9).abs() < 1e-6, "{}", l[0]);
    }
}
