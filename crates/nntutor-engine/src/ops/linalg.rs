//! The matrix product, and the operations that move elements without
//! computing: transpose, concatenation, indexing, and the identity that
//! names a derived value inside a graph.

use super::{Cost, Def, Family, Op, broadcast_cells, column_cells, row_cells};
use crate::explain::{Prec, Written, sum_of, t};
use crate::kernels::Columns;
use crate::matmul::{matmul_checked, matmul_grads_columns};
use crate::numerics::check_size;
use crate::tensor::{Tensor, shape_str};

pub const MATMUL: Def = Def {
    in_place: None,
    calls: &[],
    symbol: "@",
    mark: "@",
    arity: 2,
    family: Family::Reduction,
    differentiable: true,
    forward: |_, x| matmul_checked(x[0], Columns::of(x[1])),
    // d(AB): dA = G Bᵀ, dB = Aᵀ G
    backward: |_, x, _, g, need| matmul_grads_columns(x[0], Columns::of(x[1]), g, need),
    // Row i of A times column j of B, term by term.
    explain: |_, at| {
        let k = at.value(0).ncols();
        let terms: Vec<Written> = (0..k)
            .map(|p| {
                let (a, b) = (at.sub(0, (at.i, p), false), at.sub(1, (p, at.j), false));
                Written::text(
                    Prec::Product,
                    vec![
                        a.at_least(Prec::Product),
                        t(" × "),
                        b.at_least(Prec::Product),
                    ],
                )
            })
            .collect();
        Some(sum_of(
            terms,
            if k == 1 { Prec::Product } else { Prec::Atom },
        ))
    },
    operands: |_, x, i, j| vec![row_cells(x[0], i), column_cells(x[1], j)],
    cost: Cost::Product,
};

pub const TRANSPOSE: Def = Def {
    in_place: None,
    calls: &[],
    symbol: "'",
    mark: "ᵀ",
    arity: 1,
    family: Family::Structure,
    differentiable: true,
    forward: |_, x| Ok(x[0].transpose()),
    backward: |_, _, _, g, _| vec![Some(g.transpose())],
    explain: |_, at| Some(at.through(0, (at.j, at.i))),
    operands: |_, _, i, j| vec![vec![(j, i)]],
    cost: Cost::Transpose,
};

/// Gives a name to a value inside a graph (a derived value's root).
pub const IDENTITY: Def = Def {
    in_place: None,
    calls: &[],
    symbol: "=",
    mark: "=",
    arity: 1,
    family: Family::Elementwise,
    differentiable: true,
    forward: |_, x| Ok(x[0].clone()),
    backward: |_, _, _, g, _| vec![Some(g.clone())],
    explain: |_, at| Some(at.through(0, (at.i, at.j))),
    operands: broadcast_cells,
    cost: Cost::Simple,
};

/// `[A B]`: columns side by side (the bias trick's `[W b]`).
pub const HCAT: Def = Def {
    in_place: None,
    calls: &["hcat"],
    symbol: "hcat",
    mark: "hcat",
    arity: 2,
    family: Family::Structure,
    differentiable: true,
    forward: |_, x| {
        let (a, b) = (x[0], x[1]);
        if a.nrows() != b.nrows() {
            return Err(format!(
                "`hcat` puts columns side by side, so both need the same number of rows: {} and {}",
                shape_str(a.shape()),
                shape_str(b.shape())
            ));
        }
        check_size(a.nrows(), a.ncols() + b.ncols())?;
        Ok(Tensor::from_fn(a.nrows(), a.ncols() + b.ncols(), |i, j| {
            if j < a.ncols() {
                a[(i, j)]
            } else {
                b[(i, j - a.ncols())]
            }
        }))
    },
    // Concatenation hands each part its own slice of the gradient.
    backward: |_, x, _, g, _| {
        let k = x[0].ncols();
        vec![
            Some(g.columns(0, k).into_owned()),
            Some(g.columns(k, x[1].ncols()).into_owned()),
        ]
    },
    explain: |_, at| {
        let k = at.value(0).ncols();
        Some(if at.j < k {
            at.through(0, (at.i, at.j))
        } else {
            at.through(1, (at.i, at.j - k))
        })
    },
    operands: |_, x, i, j| {
        let left = x[0].ncols();
        if j < left {
            vec![vec![(i, j)], Vec::new()]
        } else {
            vec![Vec::new(), vec![(i, j - left)]]
        }
    },
    cost: Cost::Simple,
};

/// `[A; B]`: rows stacked (the bias trick's `[x; 1]`).
pub const VCAT: Def = Def {
    in_place: None,
    calls: &["vcat"],
    symbol: "vcat",
    mark: "vcat",
    arity: 2,
    family: Family::Structure,
    differentiable: true,
    forward: |_, x| {
        let (a, b) = (x[0], x[1]);
        if a.ncols() != b.ncols() {
            return Err(format!(
                "`vcat` stacks rows, so both need the same number of columns: {} and {}",
                shape_str(a.shape()),
                shape_str(b.shape())
            ));
        }
        check_size(a.nrows() + b.nrows(), a.ncols())?;
        Ok(Tensor::from_fn(a.nrows() + b.nrows(), a.ncols(), |i, j| {
            if i < a.nrows() {
                a[(i, j)]
            } else {
                b[(i - a.nrows(), j)]
            }
        }))
    },
    backward: |_, x, _, g, _| {
        let k = x[0].nrows();
        vec![
            Some(g.rows(0, k).into_owned()),
            Some(g.rows(k, x[1].nrows()).into_owned()),
        ]
    },
    explain: |_, at| {
        let k = at.value(0).nrows();
        Some(if at.i < k {
            at.through(0, (at.i, at.j))
        } else {
            at.through(1, (at.i - k, at.j))
        })
    },
    operands: |_, x, i, j| {
        let top = x[0].nrows();
        if i < top {
            vec![vec![(i, j)], Vec::new()]
        } else {
            vec![Vec::new(), vec![(i - top, j)]]
        }
    },
    cost: Cost::Simple,
};

/// The rows and columns an index picks: one, or a whole axis.
fn picked(op: Op, a: &Tensor) -> (Vec<usize>, Vec<usize>) {
    let Op::Index { row, col } = op else {
        return (Vec::new(), Vec::new());
    };
    let rows = row.map_or_else(|| (0..a.nrows()).collect(), |i| vec![i]);
    let cols = col.map_or_else(|| (0..a.ncols()).collect(), |j| vec![j]);
    (rows, cols)
}

/// `A[i, j]`, `A[i, :]`, `A[:, j]`.
pub const INDEX: Def = Def {
    in_place: None,
    calls: &[],
    symbol: "index",
    mark: "index",
    arity: 1,
    family: Family::Structure,
    differentiable: true,
    forward: |op, x| {
        let a = x[0];
        if let Op::Index { row, col } = op {
            if let Some(i) = row.filter(|&i| i >= a.nrows()) {
                return Err(format!(
                    "row index {i} is out of range for a {} value (rows 0 to {})",
                    shape_str(a.shape()),
                    a.nrows() - 1
                ));
            }
            if let Some(j) = col.filter(|&j| j >= a.ncols()) {
                return Err(format!(
                    "column index {j} is out of range for a {} value (columns 0 to {})",
                    shape_str(a.shape()),
                    a.ncols() - 1
                ));
            }
        }
        let (rows, cols) = picked(op, a);
        Ok(Tensor::from_fn(rows.len(), cols.len(), |i, j| {
            a[(rows[i], cols[j])]
        }))
    },
    // Each picked element's gradient goes back to where it was picked.
    backward: |op, x, _, g, _| {
        let mut d = Tensor::zeros(x[0].nrows(), x[0].ncols());
        let (rows, cols) = picked(op, x[0]);
        for (a, &i) in rows.iter().enumerate() {
            for (b, &j) in cols.iter().enumerate() {
                d[(i, j)] += g[(a, b)];
            }
        }
        vec![Some(d)]
    },
    explain: |op, at| match op {
        Op::Index { row, col } => Some(at.through(0, (row.unwrap_or(at.i), col.unwrap_or(at.j)))),
        _ => None,
    },
    operands: |op, _, i, j| match op {
        Op::Index { row, col } => vec![vec![(row.unwrap_or(i), col.unwrap_or(j))]],
        _ => vec![Vec::new()],
    },
    cost: Cost::Index,
};
