//! A run's backward pass: reverse mode along the steps on a path from a
//! parameter to the loss, each fused step's pass taking the gradients of
//! the layer below as its product writes them.

use super::forward::operands;
use super::*;
use crate::graph::backprop::{accumulate, chain_rule};
use crate::graph::fused::Pass;

impl Plan {
    /// Reverse mode as [`Graph::gradients_of`] runs it, along the steps
    /// that lie on a path from a parameter to the loss.
    pub(super) fn backward(&self, values: &[Option<Node>]) -> Vec<Option<Tensor>> {
        let root = self.steps.len() - 1;
        let mut grads: Vec<Option<Tensor>> = vec![None; root + 1];
        let Some(first) = self.wrts.iter().map(|w| w.1).min() else {
            return grads;
        };
        if !self.needed[root] {
            return grads;
        }
        grads[root] = Some(scalar(1.0));
        // The operands' gradients of fused steps whose reader's product
        // computed them as it wrote their upstream.
        let mut early: Vec<Option<Vec<Option<Tensor>>>> = vec![None; root + 1];
        for id in (first + 1..=root).rev() {
            let step = &self.steps[id];
            let need: Vec<bool> = step.inputs.iter().map(|&i| self.needed[i]).collect();
            if let Some(contributions) = early[id].take() {
                accumulate(
                    &mut grads,
                    step.inputs.iter().copied(),
                    contributions,
                    &need,
                );
                continue;
            }
            let (What::Op(_) | What::Fused(_)) = step.what else {
                continue;
            };
            let (Some(g), Some(value), Some(inputs)) = (
                grads[id].take(),
                &values[id],
                operands(values, &step.inputs),
            ) else {
                continue;
            };
            let keep = self.wrts.iter().any(|w| w.1 == id);
            let (contributions, g) = match &step.what {
                What::Fused(f) => {
                    let below = self.below[id].and_then(|b| self.pass(b, values));
                    let (c, taken) =
                        f.backward(&inputs, value.value(), g, &need, below, &self.spare);
                    for (b, gradients) in taken {
                        early[b] = Some(gradients);
                    }
                    (c, None)
                }
                What::Op(op) => chain_rule(*op, &inputs, value.value(), g, &need, keep),
                _ => continue,
            };
            accumulate(
                &mut grads,
                step.inputs.iter().copied(),
                contributions,
                &need,
            );
            if keep {
                grads[id] = g;
            }
        }
        grads
    }

    /// The backward pass of fused step `id`, to run inside its reader's,
    /// with the passes of those below it.
    fn pass<'v>(&self, id: usize, values: &'v [Option<Node>]) -> Option<(usize, Pass<'v>)> {
        let step = &self.steps[id];
        let What::Fused(f) = &step.what else {
            return None;
        };
        let inputs = operands(values, &step.inputs)?;
        let need: Vec<bool> = step.inputs.iter().map(|&i| self.needed[i]).collect();
        let below = self.below[id].and_then(|b| self.pass(b, values));
        let y = values[id].as_ref()?.value();
        Some((id, Pass::new(f, &inputs, y, &need, below)))
    }
}
