//! A product and the element-wise operations after it in one pass: a
//! layer's `W @ x + b` and its activation (`relu`, `sigmoid`, `tanh`,
//! `exp`), which a compiled plan computes on a few columns of the product
//! at a time as they are written, instead of reading and writing the
//! whole result once for each operation. Backward, the activation's
//! gradient and the biases' sums are likewise one pass over the upstream
//! gradient (`pass`). A transpose read only by the product (`Wᵀ @ X`) is
//! absorbed too: the kernels read `W` in place, forward and backward.
//! Each element gets the same operations in the same order as node by
//! node: the same bits.

mod pass;

pub(super) use pass::{Below, Pass};

use super::spare::Spare;
use super::*;
use crate::kernels::{add_columns, matmul_cols_then, tr_matmul_cols_then};
use crate::ops::{InPlace, Reads};

/// `A @ B`, then additions of operands broadcast to its shape (or of its
/// shape; the step's operands after the product's), then at most one
/// function of one operand whose gradient reads only its result (the only
/// value the pass keeps).
#[derive(Debug, Clone)]
pub(super) struct Fusion {
    /// The closing function's own operation.
    unary: Option<Op>,
    /// The step's first operand is `W` of a product `Wᵀ @ B`.
    transposed: bool,
}

/// The nodes a fusion replaces, from the product to the last.
pub(super) struct Chain {
    pub fusion: Fusion,
    /// The product and every operation after it, in order.
    pub nodes: Vec<usize>,
    /// The fused step's operands: the product's two, then each addition's
    /// other operand.
    pub inputs: Vec<usize>,
}

/// What fusing needs to know of a node: its operation (if it is one),
/// its operands and its shape.
pub(super) type Sketch<'a> = (Option<Op>, &'a [usize], Shape);

/// The chain that starts at product `start`: each link is the only reader
/// of the one before and keeps its shape, and none but the last is wanted
/// by anyone (`open(k)`: node k may be passed through, not kept). A
/// transpose that only the product reads comes first.
pub(super) fn chain_from(
    nodes: &[Sketch],
    readers: &[Vec<usize>],
    start: usize,
    open: impl Fn(usize) -> bool,
) -> Option<Chain> {
    let (Some(Op::MatMul), product, shape) = nodes[start] else {
        return None;
    };
    let mut chain = Chain {
        fusion: Fusion {
            unary: None,
            transposed: false,
        },
        nodes: vec![start],
        inputs: product.to_vec(),
    };
    if let (&[left, _], (Some(Op::Transpose), &[w], _)) = (product, nodes[product[0]])
        && readers[left].as_slice() == [start]
        && open(left)
    {
        chain.fusion.transposed = true;
        chain.nodes.insert(0, left);
        chain.inputs[0] = w;
    }
    let mut at = start;
    while let (true, &[next]) = (open(at), readers[at].as_slice()) {
        let (op, inputs, out) = nodes[next];
        if out != shape {
            break;
        }
        match (op, inputs) {
            (Some(Op::Add), &[a, b]) if a != b => {
                chain.inputs.push(if a == at { b } else { a });
            }
            (Some(op), &[_]) if closes(op) => chain.fusion.unary = Some(op),
            _ => break,
        }
        chain.nodes.push(next);
        at = next;
        if chain.fusion.unary.is_some() {
            break;
        }
    }
    // A product alone is a fused step too: its backward pass can then
    // take the gradient of the layer below as it writes it.
    Some(chain)
}

/// A function of one operand that can close a fusion: element by element,
/// with a gradient that reads only the result.
fn closes(op: Op) -> bool {
    op.def().in_place.is_some_and(|f| f.reads == Reads::Result)
}

impl Fusion {
    /// Whether the step reads its product's left operand transposed.
    #[cfg(test)]
    pub(super) fn transposed(&self) -> bool {
        self.transposed
    }

    fn unary(&self) -> Option<InPlace> {
        self.unary.and_then(|op| op.def().in_place)
    }

    /// The fused result from the step's operands (`inputs` as
    /// [`Chain::inputs`] orders them), written into `out`'s storage.
    pub(super) fn forward(&self, inputs: &[&Node], out: Vec<f64>) -> Tensor {
        let (a, columns) = product_operands(inputs);
        let others: Vec<&Tensor> = inputs[2..].iter().map(|n| n.value()).collect();
        let unary = self.unary();
        let rows = match self.transposed {
            false => a.nrows(),
            true => a.ncols(),
        }
        .max(1);
        let then = &mut |j, block: &mut [f64]| {
            add_columns(block, rows, j, &others);
            if let Some(f) = unary {
                (f.forward)(block);
            }
        };
        match self.transposed {
            false => matmul_cols_then(a, columns, out, then),
            true => tr_matmul_cols_then(a, columns, out, then),
        }
    }

    /// Each operand's gradient, for those `need` asks for, from the
    /// result `y` and its upstream `g`, which this pass owns. With
    /// `below`, the pass of the fused step whose result is this product's
    /// right operand (and read by nothing else), which takes its gradient
    /// a few columns at a time as the product writes it: the gradients of
    /// its operands (and of any below it) come back beside. The passes
    /// below take their upstream arrays from `spare`.
    pub(super) fn backward<'a>(
        &self,
        inputs: &[&'a Node],
        y: &'a Tensor,
        mut g: Tensor,
        need: &[bool],
        below: Option<(usize, Pass<'a>)>,
        spare: &Spare,
    ) -> (Vec<Option<Tensor>>, Below) {
        let mut pass = Pass::new(self, inputs, y, need, below);
        pass.over(&mut g);
        pass.finish(&g, spare)
    }
}

/// The product's left operand and its right operand's columns (a
/// minibatch's, where they lie).
fn product_operands<'n>(inputs: &[&'n Node]) -> (&'n Tensor, Columns<'n>) {
    let columns = match inputs[1].selection() {
        Some(selection) => Columns::picked(selection),
        None => Columns::of(inputs[1].value()),
    };
    (inputs[0].value(), columns)
}
