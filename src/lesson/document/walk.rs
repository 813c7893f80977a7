//! The positions inside a step: the elements of an expanded result, or the
//! nodes of a backward pass one at a time. The same keys that move between
//! steps walk through these first.

use super::Block;
use crate::engine::graph::{Graph, NodeId, NodeKind};
use crate::lesson::timeline::BackwardState;

/// Walking stops offering single elements past this many (`]` skips ahead).
pub const MAX_WALK: usize = 1000;

#[derive(Debug, Clone, PartialEq)]
pub enum Walk {
    /// Nothing to walk through.
    Single,
    /// The elements of an expanded result, row by row.
    Elements { rows: usize, cols: usize },
    /// Position 0 shows the forward pass; position k the gradient of the
    /// k-th node of `order`, from the loss back to the inputs.
    Backward { order: Vec<NodeId> },
}

impl Walk {
    /// The walk of a step's blocks: through the elements of a result it
    /// expands, or the nodes of its backward pass.
    pub fn of(blocks: &[Block]) -> Walk {
        for block in blocks {
            match block {
                Block::Computed {
                    c, expand: true, ..
                } => {
                    let (rows, cols) = c.result().shape();
                    return if rows * cols > 0 {
                        Walk::Elements { rows, cols }
                    } else {
                        Walk::Single
                    };
                }
                Block::Backward(b) => {
                    return Walk::Backward {
                        order: backward_order(b),
                    };
                }
                _ => {}
            }
        }
        Walk::Single
    }

    /// How many positions the step has.
    pub fn positions(&self) -> usize {
        match self {
            Walk::Single => 1,
            Walk::Elements { rows, cols } => (rows * cols).clamp(1, MAX_WALK),
            Walk::Backward { order } => order.len() + 1,
        }
    }

    /// The element at position `sub` of an element walk.
    pub fn element(&self, sub: usize) -> Option<(usize, usize)> {
        match self {
            Walk::Elements { cols, .. } if *cols > 0 => Some((sub / cols, sub % cols)),
            _ => None,
        }
    }
}

/// The nodes a drawing shows: every value and operation. Constants are
/// written into the operation that uses them (`× -1`, `+ 1`) instead.
pub fn shown(graph: &Graph, id: NodeId) -> bool {
    !matches!(graph.node(id).kind, NodeKind::Constant)
}

/// Shown nodes with a gradient, from the loss back.
fn backward_order(b: &BackwardState) -> Vec<NodeId> {
    (0..=b.root.0)
        .rev()
        .map(NodeId)
        .filter(|&id| shown(&b.graph, id) && b.grads.get(id.0).is_some_and(Option::is_some))
        .filter(|&id| !matches!(b.graph.node(id).kind, NodeKind::Gradient { .. }))
        .collect()
}
