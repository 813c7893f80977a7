//! One node of the graph: what it computes, from which inputs, and its
//! value.

use std::sync::{Arc, OnceLock};

use super::{NodeId, NodeKind};
use crate::engine::expr::Span;
use crate::engine::kernels::Selection;
use crate::engine::tensor::{Shape, Tensor};

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
    /// Shared with the scope for inputs it holds shared (a minibatch is not
    /// copied into every graph that reads it). Set when the node is built,
    /// except for a selection's, which is copied out the first time it is
    /// asked for.
    value: OnceLock<Arc<Tensor>>,
    selection: Option<Selection>,
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
            value: OnceLock::from(value),
            selection: None,
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
            value: OnceLock::new(),
            selection: Some(selection),
        }
    }

    pub fn value(&self) -> &Tensor {
        self.shared_value()
    }

    /// The value, to share with another graph or a cache.
    pub fn shared_value(&self) -> &Arc<Tensor> {
        self.value.get_or_init(|| {
            Arc::new(
                self.selection
                    .as_ref()
                    .map_or_else(|| Tensor::zeros(0, 0), Selection::gather),
            )
        })
    }

    /// The columns this input selects, while no reader has needed them
    /// copied out: products read them in place.
    pub fn selection(&self) -> Option<&Selection> {
        match self.value.get() {
            Some(_) => None,
            None => self.selection.as_ref(),
        }
    }

    pub fn shape(&self) -> Shape {
        match self.selection() {
            Some(s) => s.shape(),
            None => self.value().shape(),
        }
    }
}
