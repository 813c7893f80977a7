//! What building a graph costs, against the scope's [`Budget`]: work as it
//! is done, memory as nodes are added, and the cost of a whole forward pass
//! (the measure of a backward pass and of `numgrad`'s repetitions).

use super::*;
use crate::budget::{Exceeded, NODE_BYTES};

impl Graph {
    /// The work of computing every node again (the measure of one more
    /// forward pass, and of a backward pass, which costs about two).
    pub fn forward_cost(&self) -> u64 {
        self.nodes
            .iter()
            .map(|n| match &n.kind {
                NodeKind::Op(op) => {
                    let shapes: Vec<Shape> =
                        n.inputs.iter().map(|&i| self.nodes[i.0].shape()).collect();
                    let product = match (op, shapes.as_slice()) {
                        (Op::MatMul, &[a, b]) => product_cost(a, b),
                        _ => 0,
                    };
                    product.saturating_add(op_cost(*op, &shapes, n.shape()))
                }
                _ => 0,
            })
            .fold(0u64, u64::saturating_add)
    }
}

impl Builder<'_> {
    /// Charges `work` to the scope's budget, if it has one.
    pub(super) fn spend(&self, work: u64, span: &Span) -> Result<(), EngineError> {
        match self.scope.budget() {
            Some(b) => b.spend(work).map_err(|e| self.over(e, span)),
            None => Ok(()),
        }
    }

    pub(super) fn over(&self, e: Exceeded, span: &Span) -> EngineError {
        self.fail(ErrorKind::OverBudget(e), span.clone())
    }

    /// Counts a node of `elements` more computed by this graph against the
    /// memory left beside what the scope's owner keeps.
    pub(super) fn grow(&mut self, elements: usize, span: &Span) -> Result<(), EngineError> {
        self.bytes = self.bytes.saturating_add(NODE_BYTES + 8 * elements as u64);
        match self.scope.budget() {
            Some(b) => b.room(self.bytes).map_err(|e| self.over(e, span)),
            None => Ok(()),
        }
    }
}
