//! What a lesson's evaluation keeps and what its loops will cost, against
//! the load's [`Budget`](crate::engine::Budget): every step's results and
//! intermediate values stay in memory for the tutor to show, and a loop
//! (training, search) is refused before it starts when its first round,
//! times the rounds asked for, would pass the work left.

use super::*;
use crate::engine::budget::Exceeded;

/// Bytes of `n` numbers.
fn numbers(n: usize) -> u64 {
    8 * n as u64
}

/// The bytes a graph computed (values it reads from the lesson are shared,
/// not copied).
fn graph_bytes(g: &Graph) -> u64 {
    g.nodes
        .iter()
        .filter(|n| !matches!(n.kind, NodeKind::Input(_)))
        .map(|n| {
            let (r, c) = n.shape();
            numbers(r * c)
        })
        .sum()
}

/// The memory a step's state holds that no earlier state shares: the
/// values it defined or changed, its graphs, and its curves.
pub(super) fn retained(state: &StepState) -> u64 {
    let values: u64 = state
        .changed
        .iter()
        .filter_map(|n| state.values.get(n))
        .map(|v| numbers(v.data.len()))
        .sum();
    let detail = match &state.detail {
        Detail::None | Detail::Quiz(_) => 0,
        Detail::Let(c) => graph_bytes(&c.graph),
        Detail::Update(cs) => cs
            .iter()
            .map(|c| graph_bytes(&c.graph) + c.before.as_ref().map_or(0, |b| numbers(b.len())))
            .sum(),
        Detail::Backward(b) => {
            graph_bytes(&b.graph)
                + b.grads
                    .iter()
                    .flatten()
                    .map(|g| numbers(g.len()))
                    .sum::<u64>()
        }
        Detail::Train(t) => t.curves.iter().map(|(_, c)| 16 * c.len() as u64).sum(),
        Detail::Search(s) => numbers(s.losses.len()),
    };
    values + detail
}

impl Evaluator<'_> {
    /// Counts what a step keeps; past the limit, the step is refused.
    pub(super) fn keep(&mut self, step: &Step, state: &StepState) {
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
    pub(super) fn afford_rounds(
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
    pub(super) fn spend(&mut self, step: &Step, work: u64, span: &Span) -> bool {
        match self.env.budget.spend(work) {
            Ok(()) => true,
            Err(e) => {
                self.over(step, e, span);
                false
            }
        }
    }

    pub(super) fn over(&mut self, step: &Step, e: Exceeded, span: &Span) {
        self.error(format!("{}: {e}", step.label()), span.clone());
    }
}
