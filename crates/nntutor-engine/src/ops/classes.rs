//! Scores to classes: softmax over a column (or a row), picking each
//! sample's score for its label, labels as one-hot columns, and the class
//! with the largest score.

use super::{Cost, Def, Family, Op, column_cells, row_cells};
use crate::explain::{At, Prec, Written, call, sum_of, t};
use crate::numerics::{
    check_size, class_count, col_argmax, label_len, labels, row_argmax, softmax_backward,
    softmax_columns,
};
use crate::tensor::Tensor;

/// `exp(s_i) / (exp(s_0) + exp(s_1) + …)` over the column (or row).
fn softmax_explained(op: Op, at: &At) -> Option<Written> {
    let (r, c) = at.value(0).shape();
    let cells: Vec<(usize, usize)> = if op == Op::Softmax {
        (0..r).map(|a| (a, at.j)).collect()
    } else {
        (0..c).map(|b| (at.i, b)).collect()
    };
    let exp = |cell| call("exp", vec![at.sub(0, cell, false)]);
    let denominator = sum_of(cells.into_iter().map(exp).collect(), Prec::Atom);
    Some(Written::text(
        Prec::Product,
        vec![
            exp((at.i, at.j)).pieces,
            t(" / "),
            denominator.at_least(Prec::Atom),
        ],
    ))
}

pub const SOFTMAX: Def = Def {
    in_place: None,
    calls: &["softmax"],
    symbol: "softmax",
    mark: "softmax",
    arity: 1,
    family: Family::Reduction,
    differentiable: true,
    forward: |_, x| Ok(softmax_columns(x[0])),
    // d softmax: p ⊙ (g - Σ p g) per column
    backward: |_, _, out, g, _| vec![Some(softmax_backward(out, g))],
    explain: softmax_explained,
    operands: |_, x, _, j| vec![column_cells(x[0], j)],
    cost: Cost::Written(11.0),
};

pub const ROWSOFTMAX: Def = Def {
    calls: &["rowsoftmax"],
    symbol: "rowsoftmax",
    mark: "rowsoftmax",
    forward: |_, x| Ok(softmax_columns(&x[0].transpose()).transpose()),
    backward: |_, _, out, g, _| {
        vec![Some(
            softmax_backward(&out.transpose(), &g.transpose()).transpose(),
        )]
    },
    operands: |_, x, i, _| vec![row_cells(x[0], i)],
    cost: Cost::Written(33.0),
    ..SOFTMAX
};

/// Label `k` of a label vector (a row or a column), if it is a class index.
fn label_at(t: &Tensor, k: usize) -> Option<usize> {
    let v = if t.nrows() == 1 {
        t.get((0, k))
    } else {
        t.get((k, 0))
    };
    v.filter(|v| v.is_finite() && **v >= 0.0)
        .map(|v| *v as usize)
}

/// Where label `k` lies in a label vector.
pub(super) fn label_cell(t: &Tensor, k: usize) -> (usize, usize) {
    if t.nrows() == 1 { (0, k) } else { (k, 0) }
}

/// `pick(S, y)`: each column's score for its label (the correct class).
pub const PICK: Def = Def {
    in_place: None,
    calls: &["pick"],
    symbol: "pick",
    mark: "pick",
    arity: 2,
    family: Family::Structure,
    differentiable: true,
    forward: |_, x| {
        let y = labels(x[1], x[0].ncols(), x[0].nrows(), "pick", "columns")?;
        Ok(Tensor::from_fn(1, y.len(), |_, j| x[0][(y[j], j)]))
    },
    // The gradient goes back to the picked score; labels have none.
    backward: |_, x, _, g, _| {
        let mut d = Tensor::zeros(x[0].nrows(), x[0].ncols());
        for j in 0..x[0].ncols() {
            d[(x[1][j] as usize, j)] = g[j];
        }
        vec![Some(d), None]
    },
    explain: |_, at| {
        let y = at.value(1)[at.j] as usize;
        Some(at.through(0, (y, at.j)))
    },
    operands: |_, x, _, j| {
        let picked = label_at(x[1], j).map(|y| vec![(y, j)]).unwrap_or_default();
        vec![picked, vec![label_cell(x[1], j)]]
    },
    cost: Cost::Simple,
};

/// `rowpick(S, y)`: each row's score for its label.
pub const ROWPICK: Def = Def {
    calls: &["rowpick"],
    symbol: "rowpick",
    mark: "rowpick",
    forward: |_, x| {
        let y = labels(x[1], x[0].nrows(), x[0].ncols(), "rowpick", "rows")?;
        Ok(Tensor::from_fn(y.len(), 1, |i, _| x[0][(i, y[i])]))
    },
    backward: |_, x, _, g, _| {
        let mut d = Tensor::zeros(x[0].nrows(), x[0].ncols());
        for i in 0..x[0].nrows() {
            d[(i, x[1][i] as usize)] = g[i];
        }
        vec![Some(d), None]
    },
    explain: |_, at| {
        let y = at.value(1)[at.i] as usize;
        Some(at.through(0, (at.i, y)))
    },
    operands: |_, x, i, _| {
        let picked = label_at(x[1], i).map(|y| vec![(i, y)]).unwrap_or_default();
        vec![picked, vec![label_cell(x[1], i)]]
    },
    ..PICK
};

/// Labels as one-hot columns (`onehot`) or rows (`rowonehot`), with the
/// class count as the second argument.
fn onehot(op: Op, x: &[&Tensor]) -> Result<Tensor, String> {
    let k = class_count(x[1])?;
    let y = labels(x[0], label_len(x[0]), k, op.symbol(), "labels")?;
    check_size(k, y.len())?;
    let hot = Tensor::from_fn(k, y.len(), |i, j| if y[j] == i { 1.0 } else { 0.0 });
    Ok(if op == Op::Onehot {
        hot
    } else {
        hot.transpose()
    })
}

/// No gradient: labels, class counts and argmax do not change smoothly.
fn none(_: Op, x: &[&Tensor], _: &Tensor, _: &Tensor, _: &[bool]) -> Vec<Option<Tensor>> {
    vec![None; x.len()]
}

pub const ONEHOT: Def = Def {
    in_place: None,
    calls: &["onehot"],
    symbol: "onehot",
    mark: "onehot",
    arity: 2,
    family: Family::Structure,
    differentiable: false,
    forward: onehot,
    backward: none,
    explain: |_, _| None,
    operands: |_, x, _, j| vec![vec![label_cell(x[0], j)], vec![(0, 0)]],
    cost: Cost::Simple,
};

pub const ROWONEHOT: Def = Def {
    calls: &["rowonehot"],
    symbol: "rowonehot",
    mark: "rowonehot",
    operands: |_, x, i, _| vec![vec![label_cell(x[0], i)], vec![(0, 0)]],
    ..ONEHOT
};

pub const COLARGMAX: Def = Def {
    in_place: None,
    calls: &["colargmax"],
    symbol: "colargmax",
    mark: "colargmax",
    arity: 1,
    family: Family::Structure,
    differentiable: false,
    forward: |_, x| {
        Ok(Tensor::from_fn(1, x[0].ncols(), |_, j| {
            col_argmax(x[0], j) as f64
        }))
    },
    backward: none,
    explain: |_, _| None,
    operands: |_, x, _, j| vec![column_cells(x[0], j)],
    cost: Cost::Read(3.6),
};

pub const ROWARGMAX: Def = Def {
    calls: &["rowargmax"],
    symbol: "rowargmax",
    mark: "rowargmax",
    forward: |_, x| {
        Ok(Tensor::from_fn(x[0].nrows(), 1, |i, _| {
            row_argmax(x[0], i) as f64
        }))
    },
    operands: |_, x, i, _| vec![row_cells(x[0], i)],
    cost: Cost::Read(3.0),
    ..COLARGMAX
};
