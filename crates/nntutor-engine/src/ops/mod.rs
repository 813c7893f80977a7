//! Every operation, defined once: how formulas call it, its arity, its
//! forward computation and beside it its local derivative (the backward
//! rule: upstream gradient in, input gradients out), how one element of its
//! result reads when written out in numbers, which elements of its operands
//! that element reads, and what it costs. Each family of operations has a
//! file; the registry below is the one list of them all, and the name
//! tables are derived from it.
//!
//! A new operation is a [`Def`] in a family's file and one line here.

mod arith;
mod classes;
mod linalg;
mod losses;
mod reduce;
mod unary;

use super::explain::{At, Written};
pub use super::matmul::{matmul_checked, matmul_grads_columns};
pub use super::numerics::{col_argmax, row_argmax, sigmoid, softmax_columns};
use super::tensor::Tensor;

/// A forward computation: the result from the operands, or why not.
pub type Forward = fn(Op, &[&Tensor]) -> Result<Tensor, String>;
/// A backward rule: each operand's gradient from the operands, the result
/// and its upstream gradient, for the operands wanted.
pub type Backward = fn(Op, &[&Tensor], &Tensor, &Tensor, &[bool]) -> Vec<Option<Tensor>>;
/// A function of one operand, element by element, over slices (a whole
/// array or one column of it): training's backward pass owns the upstream
/// and need not allocate another array of its size, and a compiled plan
/// applies both to a product's columns as they are written.
#[derive(Clone, Copy)]
pub struct InPlace {
    /// The result written over the operand.
    pub forward: fn(&mut [f64]),
    /// The gradient written over the upstream (operand, result, upstream).
    pub gradient: fn(&[f64], &[f64], &mut [f64]),
    /// What the gradient reads besides the upstream.
    pub reads: Reads,
}

/// Whether a one-operand gradient needs the operand or only the result: a
/// fused pass that keeps only the result can give the second kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    Operand,
    Result,
}
/// The elements of each operand that one result element reads.
pub type Operands = fn(Op, &[&Tensor], usize, usize) -> Vec<Vec<(usize, usize)>>;

/// An operation's definition.
pub struct Def {
    /// The names formulas call it by (`log` and `ln`); none for operators
    /// written between their operands.
    pub calls: &'static [&'static str],
    /// How graph nodes and messages name it (`+`, `exp`).
    pub symbol: &'static str,
    /// How a graph's box marks it (`×` for `*`).
    pub mark: &'static str,
    pub arity: usize,
    pub family: Family,
    /// Whether its result changes smoothly with its inputs (argmax and
    /// comparisons do not, and pass no gradient).
    pub differentiable: bool,
    pub forward: Forward,
    /// The gradient of each input given the result's (`out`) upstream
    /// gradient `g`, for the inputs `need` asks for (`None` for the others
    /// and for inputs that are not differentiable: labels, class counts).
    pub backward: Backward,
    /// For a function of one operand, element by element: the forward
    /// computation and `backward` written over their inputs (the same
    /// arithmetic, the same bits).
    pub in_place: Option<InPlace>,
    /// Element (i, j) written out (`None`: shown as its value).
    pub(crate) explain: fn(Op, &At) -> Option<Written>,
    /// For each operand, the elements that result element (i, j) reads.
    pub operands: Operands,
    pub cost: Cost,
}

/// How an operation's result relates to its operands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Element by element (with broadcasting): written out inline.
    Elementwise,
    /// Many operand elements to one (products, sums, softmax): written out
    /// term by term at the first level only.
    Reduction,
    /// Elements moved or picked (transpose, index, concatenation, labels).
    Structure,
}

/// What an operation costs, in nanoseconds an element (see the engine's
/// budget for the measurements).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cost {
    /// Simple arithmetic, by the element written.
    Simple,
    /// A transcendental function or more, by the element written.
    Written(f64),
    /// By the element read.
    Read(f64),
    /// Moving elements to other places, by the element written.
    Transpose,
    /// Picking a few elements.
    Index,
    /// A product: its multiply-adds are paid for before it runs.
    Product,
}

/// Declares every operation: the enum, its definitions, and the list of
/// those that formulas call by name.
macro_rules! registry {
    ($($op:ident => $def:path,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub enum Op {
            $($op,)*
            /// `A[i, j]`, `A[i, :]`, `A[:, j]`; `None` is a whole axis.
            Index {
                row: Option<usize>,
                col: Option<usize>,
            },
        }

        impl Op {
            /// The operation's definition.
            pub fn def(self) -> &'static Def {
                match self {
                    $(Op::$op => &$def,)*
                    Op::Index { .. } => &linalg::INDEX,
                }
            }
        }

        /// Every operation but indexing, which has syntax of its own.
        pub const ALL: &[Op] = &[$(Op::$op,)*];
    };
}

registry! {
    Add => arith::ADD,
    Sub => arith::SUB,
    Mul => arith::MUL,
    Div => arith::DIV,
    Pow => arith::POW,
    Neg => arith::NEG,
    Max => arith::MAX,
    Min => arith::MIN,
    Eq => arith::EQ,
    Gt => arith::GT,
    Lt => arith::LT,
    LeakyRelu => arith::LEAKY_RELU,
    Elu => arith::ELU,
    Exp => unary::EXP,
    Ln => unary::LN,
    Log10 => unary::LOG10,
    Log2 => unary::LOG2,
    Sqrt => unary::SQRT,
    Abs => unary::ABS,
    Relu => unary::RELU,
    Sigmoid => unary::SIGMOID,
    Tanh => unary::TANH,
    MatMul => linalg::MATMUL,
    Transpose => linalg::TRANSPOSE,
    Identity => linalg::IDENTITY,
    HCat => linalg::HCAT,
    VCat => linalg::VCAT,
    Sum => reduce::SUM,
    Mean => reduce::MEAN,
    ColSum => reduce::COLSUM,
    ColMean => reduce::COLMEAN,
    ColMax => reduce::COLMAX,
    RowSum => reduce::ROWSUM,
    RowMean => reduce::ROWMEAN,
    RowMax => reduce::ROWMAX,
    Softmax => classes::SOFTMAX,
    RowSoftmax => classes::ROWSOFTMAX,
    Pick => classes::PICK,
    RowPick => classes::ROWPICK,
    Onehot => classes::ONEHOT,
    RowOnehot => classes::ROWONEHOT,
    ColArgmax => classes::COLARGMAX,
    RowArgmax => classes::ROWARGMAX,
    Hinge => losses::HINGE,
    CrossEntropy => losses::CROSSENTROPY,
}

/// Calls that are not operations: a gradient is a constant of the graph.
const GRADIENT_CALLS: &[&str] = &["grad", "numgrad", "numgrad_forward"];

/// The operation a formula calls by `name`, and its arity.
pub fn function(name: &str) -> Option<(Op, usize)> {
    ALL.iter()
        .find(|op| op.def().calls.contains(&name))
        .map(|&op| (op, op.def().arity))
}

/// Every function name formulas may call, for "did you mean" hints and the
/// docs.
pub fn function_names() -> impl Iterator<Item = &'static str> {
    ALL.iter()
        .flat_map(|op| op.def().calls.iter().copied())
        .chain(GRADIENT_CALLS.iter().copied())
}

impl Op {
    /// How the operation is written, for graph nodes and messages.
    pub fn symbol(self) -> &'static str {
        self.def().symbol
    }

    /// Element-wise operations keep a one-to-one link between result and
    /// operand elements; `explain` writes them out inline.
    pub fn is_elementwise(self) -> bool {
        self.def().family == Family::Elementwise
    }

    /// Operations whose result does not change smoothly with their inputs.
    pub fn is_differentiable(self) -> bool {
        self.def().differentiable
    }

    pub fn forward(self, x: &[&Tensor]) -> Result<Tensor, String> {
        (self.def().forward)(self, x)
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
        (self.def().backward)(self, x, out, g, need)
    }

    /// For each operand, the elements that result element (i, j) reads.
    pub fn operand_cells(self, x: &[&Tensor], i: usize, j: usize) -> Vec<Vec<(usize, usize)>> {
        (self.def().operands)(self, x, i, j)
    }
}

/// Whether input `k` of a backward rule is wanted.
fn wanted(need: &[bool], k: usize) -> bool {
    need.get(k).copied().unwrap_or(true)
}

/// The cells an element-wise result element reads: the same element of
/// each operand, or its repeated row or column.
fn broadcast_cells(_: Op, x: &[&Tensor], i: usize, j: usize) -> Vec<Vec<(usize, usize)>> {
    x.iter()
        .map(|t| vec![(i.min(t.nrows() - 1), j.min(t.ncols() - 1))])
        .collect()
}

/// Every cell of a tensor.
fn all_cells(t: &Tensor) -> Vec<(usize, usize)> {
    (0..t.nrows())
        .flat_map(|r| (0..t.ncols()).map(move |c| (r, c)))
        .collect()
}

/// Column `c` of a tensor, as cells.
fn column_cells(t: &Tensor, c: usize) -> Vec<(usize, usize)> {
    if c < t.ncols() {
        (0..t.nrows()).map(|r| (r, c)).collect()
    } else {
        Vec::new()
    }
}

/// Row `r` of a tensor, as cells.
fn row_cells(t: &Tensor, r: usize) -> Vec<(usize, usize)> {
    if r < t.nrows() {
        (0..t.ncols()).map(|c| (r, c)).collect()
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_found_by_each_of_its_names() {
        for &op in ALL {
            let def = op.def();
            for &name in def.calls {
                assert_eq!(function(name), Some((op, def.arity)), "{name}");
            }
            // Operators are written between operands, not called.
            assert!(!def.calls.is_empty() || def.arity <= 2, "{op:?}");
        }
        assert_eq!(function("ln"), Some((Op::Ln, 1)));
        assert_eq!(function("log"), Some((Op::Ln, 1)));
        assert_eq!(function("grad"), None);
        assert!(function_names().any(|n| n == "numgrad"));
        // No name calls two operations.
        let names: Vec<&str> = function_names().collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(names.len(), unique.len());
    }
}
