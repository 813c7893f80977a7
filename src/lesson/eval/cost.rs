//! What a lesson's evaluation keeps and what its loops will cost, against
//! the load's [`Budget`](crate::engine::Budget): every step's results and
//! intermediate values stay in memory for the tutor to show, and a loop
//! (training, search) is refused before it starts when its first round,
//! times the rounds asked for, would pass the work left.

use std::collections::HashSet;

use super::*;
use crate::engine::budget::{Exceeded, NODE_BYTES};

/// Bytes of `n` numbers.
pub(crate) fn numbers(n: usize) -> u64 {
    8 * n as u64
}

/// Tensors counted once each, however many values and graphs share them.
#[derive(Default)]
pub struct Distinct {
    seen: HashSet<*const Tensor>,
    bytes: u64,
}

impl Distinct {
    fn add(&mut self, t: &Arc<Tensor>) {
        if self.seen.insert(Arc::as_ptr(t)) {
            self.bytes += numbers(t.len());
        }
    }

    /// The values a graph computed (those it reads from the lesson are
    /// the lesson's, counted where they were made), and its nodes.
    pub(crate) fn graph(&mut self, g: &Graph) {
        self.bytes += NODE_BYTES * g.nodes.len() as u64;
        for n in &g.nodes {
            if !matches!(n.kind, NodeKind::Input(_)) && n.selection().is_none() {
                self.add(n.shared_value());
            }
        }
    }
}

/// The memory a step's state holds that no earlier state shares: the
/// values it defined or changed, its graphs, and its curves.
pub(super) fn retained(state: &StepState) -> u64 {
    let mut d = Distinct::default();
    for v in state.changed.iter().filter_map(|n| state.values.get(n)) {
        d.add(&v.data);
    }
    let extra = state.detail.retained(&mut d);
    // The snapshot of every value: a new path through the persistent map
    // for each name changed (about 100 bytes a level).
    let path = 100 * (u64::from(state.values.len().max(1).ilog2()) + 1);
    d.bytes + extra + path * state.changed.len() as u64
}

impl Evaluator<'_> {
    /// Counts what a step keeps; past the limit, the step is refused.
    pub(crate) fn keep(&mut self, step: &Step, state: &StepState) {
        if let Err(e) = self.env.budget.keep(retained(state)) {
            self.error(
                format!(
                    "{}: the values this step keeps for the tutor to show: {e}",
                    step.label()
                ),
                step.span.start..step.span.start,
            );
        }
    }

    /// The work since `start`, taken as one round of a loop that has
    /// `rounds_left` more to go: an error (at `span`) if they would pass
    /// the budget.
    pub(crate) fn afford_rounds(
        &mut self,
        step: &Step,
        what: &str,
        start: u64,
        rounds_left: usize,
        span: &Span,
    ) -> bool {
        let round = self.env.budget.spent().saturating_sub(start);
        match self
            .env
            .budget
            .afford(round.saturating_mul(rounds_left as u64))
        {
            Ok(()) => true,
            Err(e) => {
                self.error(format!("{}: {what}: {e}", step.label()), span.clone());
                false
            }
        }
    }

    /// Charges `work` for the step, or says why it cannot be done.
    pub(crate) fn spend(&mut self, step: &Step, work: u64, span: &Span) -> bool {
        match self.env.budget.spend(work) {
            Ok(()) => true,
            Err(e) => {
                self.over(step, e, span);
                false
            }
        }
    }

    pub(crate) fn over(&mut self, step: &Step, e: Exceeded, span: &Span) {
        self.error(format!("{}: {e}", step.label()), span.clone());
    }
}
