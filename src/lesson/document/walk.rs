//! The positions inside a step: the elements of an expanded result, or the
//! nodes of a backward pass one at a time. The same keys that move between
//! steps walk through these first.

use super::Block;
use crate::engine::graph::{Graph, NodeId, NodeKind};
use crate::lesson::timeline::BackwardState;

/// Walking stops offering single elements past this many (`]` skips ahead).
pub const MAX_WALK: usize = 1000;

/// A backward walk stops at each element of an operation's result up to
/// this many elements; a larger one is one stop, its gradient whole.
pub const MAX_ELEMENT_STOPS: usize = 12;

/// A stop of a backward walk: a node, or one element of it (row, column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    pub node: NodeId,
    pub element: Option<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Walk {
    /// Nothing to walk through.
    Single,
    /// The elements of an expanded result, row by row.
    Elements { rows: usize, cols: usize },
    /// Position 0 shows the forward pass; position k the k-th stop of
    /// `order`, from the loss back to the inputs: a node, or for a small
    /// vector or matrix each element of it in turn.
    Backward { order: Vec<Stop> },
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

/// Shown nodes with a gradient, from the loss back: an operation's small
/// vector or matrix element by element (row by row), anything else whole.
fn backward_order(b: &BackwardState) -> Vec<Stop> {
    let g = &b.graph;
    let mut stops = Vec::new();
    let nodes = (0..=b.root.0)
        .rev()
        .map(NodeId)
        .filter(|&id| shown(g, id) && b.grads.get(id.0).is_some_and(Option::is_some))
        .filter(|&id| !matches!(g.node(id).kind, NodeKind::Gradient { .. }));
    for node in nodes {
        stops.extend(node_stops(b, node));
    }
    stops
}

/// The stops at one node: the elements the step's `walk` chose, or each
/// element of an operation's small vector or matrix (row by row), or the
/// node whole.
pub fn node_stops(b: &BackwardState, node: NodeId) -> Vec<Stop> {
    let g = &b.graph;
    let at = |cell| Stop {
        node,
        element: Some(cell),
    };
    let chosen: Vec<Stop> = b
        .chosen
        .iter()
        .filter(|(id, _)| *id == node)
        .map(|&(_, cell)| at(cell))
        .collect();
    let (rows, cols) = g.value(node).shape();
    let operation = matches!(g.node(node).kind, NodeKind::Op(_));
    if !chosen.is_empty() {
        chosen
    } else if operation && (2..=MAX_ELEMENT_STOPS).contains(&(rows * cols)) {
        (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .map(at)
            .collect()
    } else {
        vec![Stop {
            node,
            element: None,
        }]
    }
}

/// The nodes whose gradient the first `n` stops have reached, in order.
pub fn reached(order: &[Stop], n: usize) -> Vec<NodeId> {
    let mut nodes: Vec<NodeId> = Vec::new();
    for stop in &order[..n.min(order.len())] {
        if nodes.last() != Some(&stop.node) {
            nodes.push(stop.node);
        }
    }
    nodes
}
