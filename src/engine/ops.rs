//! Every operation with its forward computation and, beside it, its local
//! derivative (the backward rule: upstream gradient in, input gradients out).

use super::MAX_ELEMENTS;
use super::kernels::{broadcast_shape, matmul, matmul_tr, reduce_to, tr_matmul, zip_broadcast};
use super::tensor::{Shape, Tensor, scalar, shape_str};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Max,
    Min,
    Eq,
    LeakyRelu,
    Elu,
    Neg,
    Exp,
    Ln,
    Log10,
    Log2,
    Sqrt,
    Abs,
    Relu,
    Sigmoid,
    Tanh,
    MatMul,
    Transpose,
    Sum,
    Mean,
    ColSum,
    ColMean,
    ColMax,
    RowSum,
    RowMean,
    RowMax,
    Softmax,
    RowSoftmax,
    Pick,
    RowPick,
    Onehot,
    RowOnehot,
    ColArgmax,
    RowArgmax,
    /// `A[i, j]`, `A[i, :]`, `A[:, j]`; `None` is a whole axis.
    Index {
        row: Option<usize>,
        col: Option<usize>,
    },
    /// Gives a name to a value inside a graph (a derived value's root).
    Identity,
    /// `[A B]`: columns side by side (the bias trick's `[W b]`).
    HCat,
    /// `[A; B]`: rows stacked (the bias trick's `[x; 1]`).
    VCat,
}

/// How an operation is written and how many arguments it takes.
pub fn function(name: &str) -> Option<(Op, usize)> {
    use Op::*;
    Some(match name {
        "exp" => (Exp, 1),
        "log" | "ln" => (Ln, 1),
        "log10" => (Log10, 1),
        "log2" => (Log2, 1),
        "sqrt" => (Sqrt, 1),
        "abs" => (Abs, 1),
        "relu" => (Relu, 1),
        "sigmoid" => (Sigmoid, 1),
        "tanh" => (Tanh, 1),
        "leaky_relu" => (LeakyRelu, 2),
        "elu" => (Elu, 2),
        "max" => (Max, 2),
        "min" => (Min, 2),
        "eq" => (Eq, 2),
        "sum" => (Sum, 1),
        "mean" => (Mean, 1),
        "colsum" => (ColSum, 1),
        "colmean" => (ColMean, 1),
        "colmax" => (ColMax, 1),
        "rowsum" => (RowSum, 1),
        "rowmean" => (RowMean, 1),
        "rowmax" => (RowMax, 1),
        "softmax" => (Softmax, 1),
        "rowsoftmax" => (RowSoftmax, 1),
        "pick" => (Pick, 2),
        "rowpick" => (RowPick, 2),
        "onehot" => (Onehot, 2),
        "rowonehot" => (RowOnehot, 2),
        "colargmax" => (ColArgmax, 1),
        "rowargmax" => (RowArgmax, 1),
        "hcat" => (HCat, 2),
        "vcat" => (VCat, 2),
        _ => return None,
    })
}

/// Every function name, for "did you mean" hints and the docs.
pub const FUNCTION_NAMES: &[&str] = &[
    "exp",
    "log",
    "ln",
    "log10",
    "log2",
    "sqrt",
    "abs",
    "relu",
    "sigmoid",
    "tanh",
    "leaky_relu",
    "elu",
    "max",
    "min",
    "eq",
    "sum",
    "mean",
    "colsum",
    "colmean",
    "colmax",
    "rowsum",
    "rowmean",
    "rowmax",
    "softmax",
    "rowsoftmax",
    "pick",
    "rowpick",
    "onehot",
    "rowonehot",
    "colargmax",
    "rowargmax",
    "hcat",
    "vcat",
    "grad",
    "numgrad",
];

impl Op {
    /// How the operation is written, for graph nodes and messages.
    pub fn symbol(self) -> &'static str {
        use Op::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Pow => "^",
            Max => "max",
            Min => "min",
            Eq => "eq",
            LeakyRelu => "leaky_relu",
            Elu => "elu",
            Neg => "neg",
            Exp => "exp",
            Ln => "log",
            Log10 => "log10",
            Log2 => "log2",
            Sqrt => "sqrt",
            Abs => "abs",
            Relu => "relu",
            Sigmoid => "sigmoid",
            Tanh => "tanh",
            MatMul => "@",
            Transpose => "'",
            Sum => "sum",
            Mean => "mean",
            ColSum => "colsum",
            ColMean => "colmean",
            ColMax => "colmax",
            RowSum => "rowsum",
            RowMean => "rowmean",
            RowMax => "rowmax",
            Softmax => "softmax",
            RowSoftmax => "rowsoftmax",
            Pick => "pick",
            RowPick => "rowpick",
            Onehot => "onehot",
            RowOnehot => "rowonehot",
            ColArgmax => "colargmax",
            RowArgmax => "rowargmax",
            Index { .. } => "index",
            Identity => "=",
            HCat => "hcat",
            VCat => "vcat",
        }
    }

    /// Element-wise operations keep a one-to-one link between result and
    /// operand elements; `explain` writes them out inline.
    pub fn is_elementwise(self) -> bool {
        use Op::*;
        matches!(
            self,
            Add | Sub
                | Mul
                | Div
                | Pow
                | Max
                | Min
                | Eq
                | LeakyRelu
                | Elu
                | Neg
                | Exp
                | Ln
                | Log10
                | Log2
                | Sqrt
                | Abs
                | Relu
                | Sigmoid
                | Tanh
                | Identity
        )
    }

    /// Operations whose result does not change smoothly with their inputs.
    pub fn is_differentiable(self) -> bool {
        !matches!(
            self,
            Op::Eq | Op::ColArgmax | Op::RowArgmax | Op::Onehot | Op::RowOnehot
        )
    }

    pub fn forward(self, x: &[&Tensor]) -> Result<Tensor, String> {
        use Op::*;
        let unary = |f: fn(f64) -> f64| x[0].map(f);
        Ok(match self {
            Add | Sub | Mul | Div | Pow | Max | Min | Eq | LeakyRelu | Elu => {
                let out = self.broadcast(x[0].shape(), x[1].shape())?;
                let f: fn(f64, f64) -> f64 = match self {
                    Add => |a, b| a + b,
                    Sub => |a, b| a - b,
                    Mul => |a, b| a * b,
                    Div => |a, b| a / b,
                    Pow => libm::pow,
                    Max => |a, b| if b > a { b } else { a },
                    Min => |a, b| if b < a { b } else { a },
                    Eq => |a, b| if a == b { 1.0 } else { 0.0 },
                    LeakyRelu => |v, a| if v > 0.0 { v } else { a * v },
                    Elu => |v, a| if v > 0.0 { v } else { a * libm::expm1(v) },
                    _ => unreachable!("binary operation"),
                };
                zip_broadcast(x[0], x[1], out, f)
            }
            Neg => unary(|v| -v),
            Exp => unary(libm::exp),
            Ln => unary(libm::log),
            Log10 => unary(libm::log10),
            Log2 => unary(libm::log2),
            Sqrt => unary(libm::sqrt),
            Abs => unary(f64::abs),
            Relu => unary(|v| if v > 0.0 { v } else { 0.0 }),
            Sigmoid => unary(sigmoid),
            Tanh => unary(libm::tanh),
            Identity => x[0].clone(),
            MatMul => {
                let (a, b) = (x[0], x[1]);
                if a.ncols() != b.nrows() {
                    return Err(format!(
                        "`@` needs the columns of the left operand to match the rows of the right: {} @ {}",
                        shape_str(a.shape()),
                        shape_str(b.shape())
                    ));
                }
                check_size(a.nrows(), b.ncols())?;
                matmul(a, b)
            }
            Transpose => x[0].transpose(),
            HCat => {
                let (a, b) = (x[0], x[1]);
                if a.nrows() != b.nrows() {
                    return Err(format!(
                        "`hcat` puts columns side by side, so both need the same number of rows: {} and {}",
                        shape_str(a.shape()),
                        shape_str(b.shape())
                    ));
                }
                check_size(a.nrows(), a.ncols() + b.ncols())?;
                Tensor::from_fn(a.nrows(), a.ncols() + b.ncols(), |i, j| {
                    if j < a.ncols() {
                        a[(i, j)]
                    } else {
                        b[(i, j - a.ncols())]
                    }
                })
            }
            VCat => {
                let (a, b) = (x[0], x[1]);
                if a.ncols() != b.ncols() {
                    return Err(format!(
                        "`vcat` stacks rows, so both need the same number of columns: {} and {}",
                        shape_str(a.shape()),
                        shape_str(b.shape())
                    ));
                }
                check_size(a.nrows() + b.nrows(), a.ncols())?;
                Tensor::from_fn(a.nrows() + b.nrows(), a.ncols(), |i, j| {
                    if i < a.nrows() {
                        a[(i, j)]
                    } else {
                        b[(i - a.nrows(), j)]
                    }
                })
            }
            Sum => scalar(x[0].iter().sum()),
            Mean => scalar(x[0].iter().sum::<f64>() / x[0].len() as f64),
            ColSum => Tensor::from_fn(1, x[0].ncols(), |_, j| x[0].column(j).iter().sum()),
            ColMean => {
                let n = x[0].nrows() as f64;
                Tensor::from_fn(1, x[0].ncols(), |_, j| {
                    x[0].column(j).iter().sum::<f64>() / n
                })
            }
            ColMax => Tensor::from_fn(1, x[0].ncols(), |_, j| x[0][(col_argmax(x[0], j), j)]),
            RowSum => Tensor::from_fn(x[0].nrows(), 1, |i, _| x[0].row(i).iter().sum()),
            RowMean => {
                let n = x[0].ncols() as f64;
                Tensor::from_fn(x[0].nrows(), 1, |i, _| x[0].row(i).iter().sum::<f64>() / n)
            }
            RowMax => Tensor::from_fn(x[0].nrows(), 1, |i, _| x[0][(i, row_argmax(x[0], i))]),
            Softmax => softmax_columns(x[0]),
            RowSoftmax => softmax_columns(&x[0].transpose()).transpose(),
            Pick => {
                let y = labels(x[1], x[0].ncols(), x[0].nrows(), "pick", "columns")?;
                Tensor::from_fn(1, y.len(), |_, j| x[0][(y[j], j)])
            }
            RowPick => {
                let y = labels(x[1], x[0].nrows(), x[0].ncols(), "rowpick", "rows")?;
                Tensor::from_fn(y.len(), 1, |i, _| x[0][(i, y[i])])
            }
            Onehot | RowOnehot => {
                let k = class_count(x[1])?;
                let y = labels(x[0], label_len(x[0]), k, self.symbol(), "labels")?;
                check_size(k, y.len())?;
                let hot = Tensor::from_fn(k, y.len(), |i, j| if y[j] == i { 1.0 } else { 0.0 });
                if self == Onehot { hot } else { hot.transpose() }
            }
            ColArgmax => Tensor::from_fn(1, x[0].ncols(), |_, j| col_argmax(x[0], j) as f64),
            RowArgmax => Tensor::from_fn(x[0].nrows(), 1, |i, _| row_argmax(x[0], i) as f64),
            Index { row, col } => {
                let a = x[0];
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
                let rows: Vec<usize> = row.map_or_else(|| (0..a.nrows()).collect(), |i| vec![i]);
                let cols: Vec<usize> = col.map_or_else(|| (0..a.ncols()).collect(), |j| vec![j]);
                Tensor::from_fn(rows.len(), cols.len(), |i, j| a[(rows[i], cols[j])])
            }
        })
    }

    fn broadcast(self, a: Shape, b: Shape) -> Result<Shape, String> {
        let out = broadcast_shape(a, b).ok_or_else(|| {
            let how = match self {
                Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Pow => format!("`{}`", self.symbol()),
                _ => format!("`{}(…)`", self.symbol()),
            };
            format!(
                "{how} needs operands of the same shape (or a scalar, a 1×n row or an n×1 column to repeat): {} and {}",
                shape_str(a),
                shape_str(b)
            )
        })?;
        check_size(out.0, out.1)?;
        Ok(out)
    }

    /// The gradient with respect to each input, given the gradient `g` of the
    /// result (same shape as `out`). `None` where the input is not
    /// differentiable (labels, class counts, comparisons).
    /// `backward`, skipping the costly gradients nobody needs (`need[k]`
    /// false): a matrix product's gradient for its data operand.
    pub fn backward_needed(
        self,
        x: &[&Tensor],
        out: &Tensor,
        g: &Tensor,
        need: &[bool],
    ) -> Vec<Option<Tensor>> {
        match self {
            Op::MatMul => vec![
                need[0].then(|| matmul_tr(g, x[1])),
                need[1].then(|| tr_matmul(x[0], g)),
            ],
            _ => self.backward(x, out, g),
        }
    }

    pub fn backward(self, x: &[&Tensor], out: &Tensor, g: &Tensor) -> Vec<Option<Tensor>> {
        use Op::*;
        let elementwise = |d: &dyn Fn(f64, f64) -> f64| -> Tensor {
            Tensor::from_fn(g.nrows(), g.ncols(), |i, j| {
                g[(i, j)] * d(x[0][(i, j)], out[(i, j)])
            })
        };
        // d(result)/d(a), d(result)/d(b) at broadcast positions, reduced back.
        let binary = |da: &dyn Fn(f64, f64) -> f64, db: &dyn Fn(f64, f64) -> f64| {
            let (sa, sb) = (x[0].shape(), x[1].shape());
            let ga = Tensor::from_fn(g.nrows(), g.ncols(), |i, j| {
                let (a, b) = pair(x, i, j);
                g[(i, j)] * da(a, b)
            });
            let gb = Tensor::from_fn(g.nrows(), g.ncols(), |i, j| {
                let (a, b) = pair(x, i, j);
                g[(i, j)] * db(a, b)
            });
            vec![Some(reduce_to(ga, sa)), Some(reduce_to(gb, sb))]
        };
        match self {
            // d(a+b) = 1, 1
            Add => binary(&|_, _| 1.0, &|_, _| 1.0),
            // d(a-b) = 1, -1
            Sub => binary(&|_, _| 1.0, &|_, _| -1.0),
            // d(ab) = b, a: multiplication swaps its inputs
            Mul => binary(&|_, b| b, &|a, _| a),
            // d(a/b) = 1/b, -a/b²
            Div => binary(&|_, b| 1.0 / b, &|a, b| -a / (b * b)),
            // d(a^b) = b·a^(b-1), a^b·ln a (only defined for a > 0)
            Pow => binary(
                &|a, b| {
                    if b == 0.0 {
                        0.0
                    } else {
                        b * libm::pow(a, b - 1.0)
                    }
                },
                &|a, b| {
                    if a > 0.0 {
                        libm::pow(a, b) * libm::log(a)
                    } else {
                        0.0
                    }
                },
            ),
            // max routes the gradient to the larger input; a tie goes to the
            // first, so max(0, s) passes nothing back at s = 0.
            Max => binary(&|a, b| if b > a { 0.0 } else { 1.0 }, &|a, b| {
                if b > a { 1.0 } else { 0.0 }
            }),
            Min => binary(&|a, b| if b < a { 0.0 } else { 1.0 }, &|a, b| {
                if b < a { 1.0 } else { 0.0 }
            }),
            // leaky_relu(v, a) = v or a·v
            LeakyRelu => binary(&|v, a| if v > 0.0 { 1.0 } else { a }, &|v, _| {
                if v > 0.0 { 0.0 } else { v }
            }),
            // elu(v, a) = v or a(eᵛ - 1)
            Elu => binary(
                &|v, a| if v > 0.0 { 1.0 } else { a * libm::exp(v) },
                &|v, _| if v > 0.0 { 0.0 } else { libm::expm1(v) },
            ),
            Eq => vec![None, None],
            Neg => vec![Some(-g)],
            // d eˣ = eˣ
            Exp => vec![Some(elementwise(&|_, y| y))],
            // d ln x = 1/x
            Ln => vec![Some(elementwise(&|v, _| 1.0 / v))],
            Log10 => vec![Some(elementwise(&|v, _| {
                1.0 / (v * std::f64::consts::LN_10)
            }))],
            Log2 => vec![Some(elementwise(&|v, _| {
                1.0 / (v * std::f64::consts::LN_2)
            }))],
            // d √x = 1/(2√x)
            Sqrt => vec![Some(elementwise(&|_, y| 0.5 / y))],
            Abs => vec![Some(elementwise(&|v, _| {
                if v > 0.0 {
                    1.0
                } else if v < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            }))],
            Relu => vec![Some(elementwise(&|v, _| if v > 0.0 { 1.0 } else { 0.0 }))],
            // d σ = σ(1 - σ)
            Sigmoid => vec![Some(elementwise(&|_, y| y * (1.0 - y)))],
            // d tanh = 1 - tanh²
            Tanh => vec![Some(elementwise(&|_, y| 1.0 - y * y))],
            Identity => vec![Some(g.clone())],
            // d(AB): dA = G Bᵀ, dB = Aᵀ G
            MatMul => vec![Some(matmul_tr(g, x[1])), Some(tr_matmul(x[0], g))],
            Transpose => vec![Some(g.transpose())],
            // Concatenation hands each part its own slice of the gradient.
            HCat => {
                let k = x[0].ncols();
                vec![
                    Some(g.columns(0, k).into_owned()),
                    Some(g.columns(k, x[1].ncols()).into_owned()),
                ]
            }
            VCat => {
                let k = x[0].nrows();
                vec![
                    Some(g.rows(0, k).into_owned()),
                    Some(g.rows(k, x[1].nrows()).into_owned()),
                ]
            }
            Sum => vec![Some(Tensor::from_element(
                x[0].nrows(),
                x[0].ncols(),
                g[(0, 0)],
            ))],
            Mean => {
                let n = x[0].len() as f64;
                vec![Some(Tensor::from_element(
                    x[0].nrows(),
                    x[0].ncols(),
                    g[(0, 0)] / n,
                ))]
            }
            ColSum => vec![Some(Tensor::from_fn(x[0].nrows(), x[0].ncols(), |_, j| {
                g[(0, j)]
            }))],
            ColMean => {
                let n = x[0].nrows() as f64;
                vec![Some(Tensor::from_fn(x[0].nrows(), x[0].ncols(), |_, j| {
                    g[(0, j)] / n
                }))]
            }
            RowSum => vec![Some(Tensor::from_fn(x[0].nrows(), x[0].ncols(), |i, _| {
                g[(i, 0)]
            }))],
            RowMean => {
                let n = x[0].ncols() as f64;
                vec![Some(Tensor::from_fn(x[0].nrows(), x[0].ncols(), |i, _| {
                    g[(i, 0)] / n
                }))]
            }
            // The max passes its gradient to the (first) largest element only.
            ColMax => {
                let mut d = Tensor::zeros(x[0].nrows(), x[0].ncols());
                for j in 0..x[0].ncols() {
                    d[(col_argmax(x[0], j), j)] = g[(0, j)];
                }
                vec![Some(d)]
            }
            RowMax => {
                let mut d = Tensor::zeros(x[0].nrows(), x[0].ncols());
                for i in 0..x[0].nrows() {
                    d[(i, row_argmax(x[0], i))] = g[(i, 0)];
                }
                vec![Some(d)]
            }
            // d softmax: p ⊙ (g - Σ p g) per column
            Softmax => vec![Some(softmax_backward(out, g))],
            RowSoftmax => vec![Some(
                softmax_backward(&out.transpose(), &g.transpose()).transpose(),
            )],
            Pick => {
                let mut d = Tensor::zeros(x[0].nrows(), x[0].ncols());
                for j in 0..x[0].ncols() {
                    d[(x[1][j] as usize, j)] = g[j];
                }
                vec![Some(d), None]
            }
            RowPick => {
                let mut d = Tensor::zeros(x[0].nrows(), x[0].ncols());
                for i in 0..x[0].nrows() {
                    d[(i, x[1][i] as usize)] = g[i];
                }
                vec![Some(d), None]
            }
            Onehot | RowOnehot | ColArgmax | RowArgmax => vec![None; x.len()],
            Index { row, col } => {
                let mut d = Tensor::zeros(x[0].nrows(), x[0].ncols());
                let rows: Vec<usize> = row.map_or_else(|| (0..x[0].nrows()).collect(), |i| vec![i]);
                let cols: Vec<usize> = col.map_or_else(|| (0..x[0].ncols()).collect(), |j| vec![j]);
                for (a, &i) in rows.iter().enumerate() {
                    for (b, &j) in cols.iter().enumerate() {
                        d[(i, j)] += g[(a, b)];
                    }
                }
                vec![Some(d)]
            }
        }
    }
}

fn pair(x: &[&Tensor], i: usize, j: usize) -> (f64, f64) {
    use super::kernels::source_index;
    (
        x[0][source_index(x[0].shape(), i, j)],
        x[1][source_index(x[1].shape(), i, j)],
    )
}

fn check_size(rows: usize, cols: usize) -> Result<(), String> {
    match rows.checked_mul(cols) {
        Some(n) if n <= MAX_ELEMENTS => Ok(()),
        _ => Err(format!(
            "the result would be {rows}×{cols}, more than the limit of {MAX_ELEMENTS} elements"
        )),
    }
}

/// Numerically stable: `1/(1+e⁻ˣ)` for x ≥ 0, `eˣ/(1+eˣ)` below, so neither
/// branch overflows.
pub fn sigmoid(v: f64) -> f64 {
    if v >= 0.0 {
        1.0 / (1.0 + libm::exp(-v))
    } else {
        let e = libm::exp(v);
        e / (1.0 + e)
    }
}

/// Softmax of each column, shifted by the column's maximum first: the result
/// is the same, and `exp` never overflows (scores of 1000 give 1 and 0, not NaN).
pub fn softmax_columns(s: &Tensor) -> Tensor {
    let mut p = s.clone();
    for mut col in p.column_iter_mut() {
        let m = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let shift = if m.is_finite() { m } else { 0.0 };
        let mut total = 0.0;
        for v in col.iter_mut() {
            *v = libm::exp(*v - shift);
            total += *v;
        }
        for v in col.iter_mut() {
            *v /= total;
        }
    }
    p
}

fn softmax_backward(p: &Tensor, g: &Tensor) -> Tensor {
    let mut d = Tensor::zeros(p.nrows(), p.ncols());
    for j in 0..p.ncols() {
        let dot: f64 = (0..p.nrows()).map(|i| p[(i, j)] * g[(i, j)]).sum();
        for i in 0..p.nrows() {
            d[(i, j)] = p[(i, j)] * (g[(i, j)] - dot);
        }
    }
    d
}

/// Index of the first largest element of column j (NaN never wins).
pub fn col_argmax(a: &Tensor, j: usize) -> usize {
    let mut best = 0;
    for i in 1..a.nrows() {
        if a[(i, j)] > a[(best, j)] || a[(best, j)].is_nan() {
            best = i;
        }
    }
    best
}

pub fn row_argmax(a: &Tensor, i: usize) -> usize {
    let mut best = 0;
    for j in 1..a.ncols() {
        if a[(i, j)] > a[(i, best)] || a[(i, best)].is_nan() {
            best = j;
        }
    }
    best
}

fn label_len(y: &Tensor) -> usize {
    y.len()
}

fn class_count(k: &Tensor) -> Result<usize, String> {
    if k.len() != 1 {
        return Err(format!(
            "the number of classes must be a single number, not a {} value",
            shape_str(k.shape())
        ));
    }
    let v = k[0];
    if v.fract() != 0.0 || v < 1.0 || v > MAX_ELEMENTS as f64 {
        return Err(format!(
            "the number of classes must be a positive whole number, not {v}"
        ));
    }
    Ok(v as usize)
}

/// Checks that `y` is a vector of `n` class indices below `classes`.
fn labels(
    y: &Tensor,
    n: usize,
    classes: usize,
    func: &str,
    what: &str,
) -> Result<Vec<usize>, String> {
    if y.nrows() != 1 && y.ncols() != 1 {
        return Err(format!(
            "`{func}` needs the labels as a vector, not a {} matrix",
            shape_str(y.shape())
        ));
    }
    if y.len() != n {
        return Err(format!(
            "`{func}` needs one label per {}: {} labels for {n} {what}",
            what.trim_end_matches('s'),
            y.len()
        ));
    }
    y.iter()
        .enumerate()
        .map(|(k, &v)| {
            if v.fract() != 0.0 || v < 0.0 {
                Err(format!(
                    "label {k} is {v}; labels are class indices 0, 1, 2, …"
                ))
            } else if v >= classes as f64 {
                Err(format!(
                    "label {k} is {v}, out of range for {classes} classes (0 to {})",
                    classes - 1
                ))
            } else {
                Ok(v as usize)
            }
        })
        .collect()
}
