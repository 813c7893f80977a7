//! One node of the graph: what it computes, from which inputs, and its
//! value.

use std::sync::{Arc, OnceLock};

use super::{NodeId, NodeKind};
use crate::expr::Span;
use crate::kernels::Selection;
use crate::tensor::{Shape, Tensor};

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: NodeKind,
    pub inputs: Vec<NodeId>,
    /// Where the node's expression is, in the text of `formula`.
    pub span: Span,
    /// The derived value whose formula the span indexes; `None`: the
    /// expression the graph was built from.
    pub formula: Option<String>,
    /// The derived value this node computes, if it is one's root.
    pub name: Option<String>,
    value: Stored,
}

/// A node's value: computed when the node is built (shared with the scope
/// for inputs it holds shared), or a selection of columns that products
/// read in place and anything else has copied out, once, when it asks.
#[derive(Debug, Clone)]
enum Stored {
    Ready(Arc<Tensor>),
    Selected {
        selection: Selection,
        copy: OnceLock<Arc<Tensor>>,
    },
}

impl Node {
    pub(super) fn new(
        kind: NodeKind,
        inputs: Vec<NodeId>,
        value: Arc<Tensor>,
        span: Span,
        formula: Option<String>,
    ) -> Node {
        Node {
            kind,
            inputs,
            span,
            formula,
            name: None,
            value: Stored::Ready(value),
        }
    }

    /// An input holding some columns of another value (a minibatch).
    pub(super) fn selected(
        name: &str,
        selection: Selection,
        span: Span,
        formula: Option<String>,
    ) -> Node {
        Node {
            kind: NodeKind::Input(name.to_string()),
            inputs: Vec::new(),
            span,
            formula,
            name: Some(name.to_string()),
            value: Stored::Selected {
                selection,
                copy: OnceLock::new(),
            },
        }
    }

    pub fn value(&self) -> &Tensor {
        self.shared_value()
    }

    /// The value, to share with another graph or a cache.
    pub fn shared_value(&self) -> &Arc<Tensor> {
        match &self.value {
            Stored::Ready(value) => value,
            Stored::Selected { selection, copy } => {
                copy.get_or_init(|| Arc::new(selection.gather()))
            }
        }
    }

    /// The columns this input selects, while no reader has needed them
    /// copied out: products read them in place.
    pub fn selection(&self) -> Option<&Selection> {
        match &self.value {
            Stored::Selected { selection, copy } if copy.get().is_none() => Some(selection),
            _ => None,
        }
    }

    /// The value's shape, without copying out a selection.
    pub fn shape(&self) -> Shape {
        match &self.value {
            Stored::Ready(value) => value.shape(),
            Stored::Selected { selection, .. } => selection.shape(),
        }
    }
}
