//! Every operation with its forward computation and, beside it, its local
//! derivative (the backward rule: upstream gradient in, input gradients out).

use super::kernels::{Columns, broadcast_shape, reduce_ref, reduce_to, zip_broadcast};
pub use super::matmul::{matmul_checked, matmul_grads_columns};
pub use super::names::{FUNCTION_NAMES, function};
use super::numerics::*;
pub use super::numerics::{col_argmax, row_argmax, sigmoid, softmax_columns};
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

impl Op {
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
                // One loop per operation, so that each is compiled (and
                // vectorized) with its own arithmetic inline.
                let (a, b) = (x[0], x[1]);
                match self {
                    Add => zip_broadcast(a, b, out, |a, b| a + b),
                    Sub => zip_broadcast(a, b, out, |a, b| a - b),
                    Mul => zip_broadcast(a, b, out, |a, b| a * b),
                    Div => zip_broadcast(a, b, out, |a, b| a / b),
                    Pow => zip_broadcast(
                        a,
                        b,
                        out,
                        |a, b| if b == 2.0 { a * a } else { libm::pow(a, b) },
                    ),
                    Max => zip_broadcast(a, b, out, |a, b| if b > a { b } else { a }),
                    Min => zip_broadcast(a, b, out, |a, b| if b < a { b } else { a }),
                    Eq => zip_broadcast(a, b, out, |a, b| if a == b { 1.0 } else { 0.0 }),
                    LeakyRelu => zip_broadcast(a, b, out, |v, a| if v > 0.0 { v } else { a * v }),
                    _ => zip_broadcast(
                        a,
                        b,
                        out,
                        |v, a| {
                            if v > 0.0 { v } else { a * libm::expm1(v) }
                        },
                    ),
                }
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
            MatMul => matmul_checked(x[0], Columns::of(x[1]))?,
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
    pub fn backward(self, x: &[&Tensor], out: &Tensor, g: &Tensor) -> Vec<Option<Tensor>> {
        self.backward_needed(x, out, g, &[true; 2])
    }

    /// `backward`, skipping the gradients nobody needs (`need[k]` false):
    /// `grad(L, W1)` has no use for the gradient of the data or of `b1`.
    /// Skipped gradients come back as `None`.
    pub fn backward_needed(
        self,
        x: &[&Tensor],
        out: &Tensor,
        g: &Tensor,
        need: &[bool],
    ) -> Vec<Option<Tensor>> {
        use Op::*;
        let wanted = |k: usize| need.get(k).copied().unwrap_or(true);
        match self {
            // d(a+b) = 1, 1: the gradient itself (g·1 is g, bit for bit),
            // summed over any broadcast axis.
            Add => vec![
                wanted(0).then(|| reduce_ref(g, x[0].shape())),
                wanted(1).then(|| reduce_ref(g, x[1].shape())),
            ],
            // d(a-b) = 1, -1
            Sub => vec![
                wanted(0).then(|| reduce_ref(g, x[0].shape())),
                wanted(1).then(|| reduce_to(-g, x[1].shape())),
            ],
            // d(ab) = b, a: multiplication swaps its inputs
            Mul => binary_grads(x, g, need, |_, b| b, |a, _| a),
            // d(a/b) = 1/b, -a/b²
            Div => binary_grads(x, g, need, |_, b| 1.0 / b, |a, b| -a / (b * b)),
            // d(a^b) = b·a^(b-1), a^b·ln a (only defined for a > 0)
            Pow => binary_grads(
                x,
                g,
                need,
                |a, b| {
                    if b == 0.0 {
                        0.0
                    } else if b == 2.0 {
                        // pow(a, 1) is a exactly: the same bits, without the call.
                        2.0 * a
                    } else {
                        b * libm::pow(a, b - 1.0)
                    }
                },
                |a, b| {
                    if a > 0.0 {
                        libm::pow(a, b) * libm::log(a)
                    } else {
                        0.0
                    }
                },
            ),
            // max routes the gradient to the larger input; a tie goes to the
            // first, so max(0, s) passes nothing back at s = 0.
            Max => binary_grads(
                x,
                g,
                need,
                |a, b| if b > a { 0.0 } else { 1.0 },
                |a, b| {
                    if b > a { 1.0 } else { 0.0 }
                },
            ),
            Min => binary_grads(
                x,
                g,
                need,
                |a, b| if b < a { 0.0 } else { 1.0 },
                |a, b| {
                    if b < a { 1.0 } else { 0.0 }
                },
            ),
            // leaky_relu(v, a) = v or a·v
            LeakyRelu => binary_grads(
                x,
                g,
                need,
                |v, a| if v > 0.0 { 1.0 } else { a },
                |v, _| {
                    if v > 0.0 { 0.0 } else { v }
                },
            ),
            // elu(v, a) = v or a(eᵛ - 1)
            Elu => binary_grads(
                x,
                g,
                need,
                |v, a| if v > 0.0 { 1.0 } else { a * libm::exp(v) },
                |v, _| if v > 0.0 { 0.0 } else { libm::expm1(v) },
            ),
            Eq => vec![None, None],
            Neg => vec![Some(-g)],
            // d eˣ = eˣ
            Exp => vec![Some(unary_grad(x[0], out, g, |_, y| y))],
            // d ln x = 1/x
            Ln => vec![Some(unary_grad(x[0], out, g, |v, _| 1.0 / v))],
            Log10 => vec![Some(unary_grad(x[0], out, g, |v, _| {
                1.0 / (v * std::f64::consts::LN_10)
            }))],
            Log2 => vec![Some(unary_grad(x[0], out, g, |v, _| {
                1.0 / (v * std::f64::consts::LN_2)
            }))],
            // d √x = 1/(2√x)
            Sqrt => vec![Some(unary_grad(x[0], out, g, |_, y| 0.5 / y))],
            Abs => vec![Some(unary_grad(x[0], out, g, |v, _| {
                if v > 0.0 {
                    1.0
                } else if v < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            }))],
            Relu => vec![Some(unary_grad(x[0], out, g, |v, _| {
                if v > 0.0 { 1.0 } else { 0.0 }
            }))],
            // d σ = σ(1 - σ)
            Sigmoid => vec![Some(unary_grad(x[0], out, g, |_, y| y * (1.0 - y)))],
            // d tanh = 1 - tanh²
            Tanh => vec![Some(unary_grad(x[0], out, g, |_, y| 1.0 - y * y))],
            Identity => vec![Some(g.clone())],
            // d(AB): dA = G Bᵀ, dB = Aᵀ G
            MatMul => matmul_grads_columns(x[0], Columns::of(x[1]), g, need),
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
