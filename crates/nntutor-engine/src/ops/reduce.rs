//! Reductions: many elements to one, over everything, a column or a row.
//! Written out term by term (`a + b + … (784 terms)`), and a mean as the
//! sum over the count.

use super::{Backward, Cost, Def, Family, Forward, Op, all_cells, column_cells, row_cells};
use crate::explain::{At, Piece, Prec, Written, call, paren, sum_of, t, truncate};
use crate::numerics::{col_argmax, row_argmax};
use crate::tensor::{Tensor, scalar};

/// Which elements of the operand result element (i, j) reduces.
#[derive(Clone, Copy, PartialEq)]
enum Over {
    All,
    Column,
    Row,
}

fn over(op: Op) -> Over {
    match op {
        Op::Sum | Op::Mean => Over::All,
        Op::ColSum | Op::ColMean | Op::ColMax => Over::Column,
        _ => Over::Row,
    }
}

/// The cells reduced into element (i, j), in reading order.
fn cells(op: Op, (r, c): (usize, usize), i: usize, j: usize) -> Vec<(usize, usize)> {
    match over(op) {
        Over::All => (0..c).flat_map(|b| (0..r).map(move |a| (a, b))).collect(),
        Over::Column => (0..r).map(|a| (a, j)).collect(),
        Over::Row => (0..c).map(|b| (i, b)).collect(),
    }
}

fn operands(op: Op, x: &[&Tensor], i: usize, j: usize) -> Vec<Vec<(usize, usize)>> {
    vec![match over(op) {
        Over::All => all_cells(x[0]),
        Over::Column => column_cells(x[0], j),
        Over::Row => row_cells(x[0], i),
    }]
}

/// The reduced terms: a sum, a mean (the sum over the count) or a max.
fn explain(op: Op, at: &At) -> Option<Written> {
    let cells = cells(op, at.value(0).shape(), at.i, at.j);
    let n = cells.len();
    let terms: Vec<Written> = cells
        .into_iter()
        .map(|cell| at.sub(0, cell, false))
        .collect();
    Some(match op {
        Op::ColMax | Op::RowMax => call("max", truncate(terms)),
        Op::Mean | Op::ColMean | Op::RowMean => {
            let total = sum_of(terms, Prec::Atom);
            Written::text(
                Prec::Product,
                vec![
                    paren(total.pieces),
                    t(" / "),
                    vec![Piece::Num {
                        group: usize::MAX - 2,
                        value: n as f64,
                    }],
                ],
            )
        }
        _ => sum_of(terms, Prec::Atom),
    })
}

const fn reduction(
    calls: &'static [&'static str],
    forward: Forward,
    backward: Backward,
    cost: Cost,
) -> Def {
    Def {
        in_place: None,
        calls,
        symbol: calls[0],
        mark: calls[0],
        arity: 1,
        family: Family::Reduction,
        differentiable: true,
        forward,
        backward,
        explain,
        operands,
        cost,
    }
}

pub const SUM: Def = reduction(
    &["sum"],
    |_, x| Ok(scalar(x[0].iter().sum())),
    // d Σx = 1 for every element
    |_, x, _, g, _| {
        vec![Some(Tensor::from_element(
            x[0].nrows(),
            x[0].ncols(),
            g[(0, 0)],
        ))]
    },
    Cost::Read(1.1),
);

pub const MEAN: Def = reduction(
    &["mean"],
    |_, x| Ok(scalar(x[0].iter().sum::<f64>() / x[0].len() as f64)),
    // d mean = 1/n for every element
    |_, x, _, g, _| {
        let n = x[0].len() as f64;
        vec![Some(Tensor::from_element(
            x[0].nrows(),
            x[0].ncols(),
            g[(0, 0)] / n,
        ))]
    },
    Cost::Read(1.1),
);

pub const COLSUM: Def = reduction(
    &["colsum"],
    |_, x| {
        Ok(Tensor::from_fn(1, x[0].ncols(), |_, j| {
            x[0].column(j).iter().sum()
        }))
    },
    |_, x, _, g, _| {
        vec![Some(Tensor::from_fn(x[0].nrows(), x[0].ncols(), |_, j| {
            g[(0, j)]
        }))]
    },
    Cost::Read(1.1),
);

pub const COLMEAN: Def = reduction(
    &["colmean"],
    |_, x| {
        let n = x[0].nrows() as f64;
        Ok(Tensor::from_fn(1, x[0].ncols(), |_, j| {
            x[0].column(j).iter().sum::<f64>() / n
        }))
    },
    |_, x, _, g, _| {
        let n = x[0].nrows() as f64;
        vec![Some(Tensor::from_fn(x[0].nrows(), x[0].ncols(), |_, j| {
            g[(0, j)] / n
        }))]
    },
    Cost::Read(1.1),
);

pub const COLMAX: Def = reduction(
    &["colmax"],
    |_, x| {
        Ok(Tensor::from_fn(1, x[0].ncols(), |_, j| {
            x[0][(col_argmax(x[0], j), j)]
        }))
    },
    // The max passes its gradient to the (first) largest element only.
    |_, x, _, g, _| {
        let mut d = Tensor::zeros(x[0].nrows(), x[0].ncols());
        for j in 0..x[0].ncols() {
            d[(col_argmax(x[0], j), j)] = g[(0, j)];
        }
        vec![Some(d)]
    },
    Cost::Read(3.6),
);

pub const ROWSUM: Def = reduction(
    &["rowsum"],
    |_, x| {
        Ok(Tensor::from_fn(x[0].nrows(), 1, |i, _| {
            x[0].row(i).iter().sum()
        }))
    },
    |_, x, _, g, _| {
        vec![Some(Tensor::from_fn(x[0].nrows(), x[0].ncols(), |i, _| {
            g[(i, 0)]
        }))]
    },
    Cost::Read(1.1),
);

pub const ROWMEAN: Def = reduction(
    &["rowmean"],
    |_, x| {
        let n = x[0].ncols() as f64;
        Ok(Tensor::from_fn(x[0].nrows(), 1, |i, _| {
            x[0].row(i).iter().sum::<f64>() / n
        }))
    },
    |_, x, _, g, _| {
        let n = x[0].ncols() as f64;
        vec![Some(Tensor::from_fn(x[0].nrows(), x[0].ncols(), |i, _| {
            g[(i, 0)] / n
        }))]
    },
    Cost::Read(1.1),
);

pub const ROWMAX: Def = reduction(
    &["rowmax"],
    |_, x| {
        Ok(Tensor::from_fn(x[0].nrows(), 1, |i, _| {
            x[0][(i, row_argmax(x[0], i))]
        }))
    },
    |_, x, _, g, _| {
        let mut d = Tensor::zeros(x[0].nrows(), x[0].ncols());
        for i in 0..x[0].nrows() {
            d[(i, row_argmax(x[0], i))] = g[(i, 0)];
        }
        vec![Some(d)]
    },
    Cost::Read(3.0),
);
