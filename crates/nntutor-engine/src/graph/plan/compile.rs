//! Compiling a loss's graph into a plan: its steps, the chains fused
//! into one step each, and which steps lie on a path to the loss.

use super::*;
use crate::graph::fused::{Sketch, chain_from};

impl Plan {
    /// The plan of `graph`'s node `root` and the gradients of `wrts`, or
    /// `None` where a rerun could differ from a rebuild: an index read
    /// from the values, a gradient inside the loss.
    pub fn compile(graph: &Graph, root: NodeId, wrts: &[(String, NodeId)]) -> Option<Plan> {
        let work = graph.forward_cost().saturating_mul(3);
        Plan::compile_steps(graph, root, wrts, work, false)
    }

    /// The plan of a formula that is only evaluated (a training's update,
    /// `W - lr * grad(L, W)`): its `grad` calls read the training's memo
    /// when it runs. Charged a forward pass.
    pub fn compile_formula(graph: &Graph, root: NodeId) -> Option<Plan> {
        Plan::compile_steps(graph, root, &[], graph.forward_cost(), true)
    }

    fn compile_steps(
        graph: &Graph,
        root: NodeId,
        wrts: &[(String, NodeId)],
        work: u64,
        gradients: bool,
    ) -> Option<Plan> {
        let nodes = graph.nodes.get(..=root.0)?;
        let mut steps = Vec::with_capacity(nodes.len());
        for node in nodes {
            let what = match &node.kind {
                NodeKind::Input(name) => What::Input(name.clone()),
                NodeKind::Constant => What::Constant(node.shared_value().clone()),
                // A loss's plan runs under the memo's lock, which a
                // gradient's run takes: only a formula's may hold one.
                NodeKind::Gradient {
                    of,
                    wrt,
                    how: Derivative::Analytic,
                } if gradients => What::Gradient {
                    of: of.clone(),
                    wrt: wrt.clone(),
                },
                NodeKind::Op(Op::Index { .. }) | NodeKind::Gradient { .. } => return None,
                NodeKind::Op(op) => What::Op(*op),
            };
            let inputs = node.inputs.iter().map(|i| i.0).collect();
            let shape = node.shape();
            steps.push(Step {
                what,
                inputs,
                shape,
            });
        }
        let wrts: Vec<(String, usize)> = wrts.iter().map(|(n, id)| (n.clone(), id.0)).collect();
        fuse(&mut steps, &wrts);
        let needed = needed(&steps, &wrts);
        let loss_only = loss_only(&steps, &needed);
        let below = below(&steps);
        let fused = steps.iter().filter(|s| matches!(s.what, What::Fused(_)));
        let spare = Spare::new(2 * fused.count());
        Some(Plan {
            steps,
            wrts,
            needed,
            loss_only,
            below,
            work,
            spare,
        })
    }
}

/// For each fused step, the fused step that is its product's right
/// operand and is read by nothing else: its gradient is then complete as
/// the reader's product writes it, column by column.
fn below(steps: &[Step]) -> Vec<Option<usize>> {
    let mut readers = vec![0usize; steps.len()];
    for step in steps {
        for &i in &step.inputs {
            readers[i] += 1;
        }
    }
    let fused = |k: usize| matches!(steps[k].what, What::Fused(_));
    steps
        .iter()
        .enumerate()
        .map(|(id, step)| match step.inputs.get(1) {
            Some(&b) if fused(id) && fused(b) && readers[b] == 1 => Some(b),
            _ => None,
        })
        .collect()
}

/// Replaces each chain a product starts (see [`chain_from`]) by one fused
/// step where its last operation was, the others absorbed. The parameters
/// and the loss stay their own steps.
fn fuse(steps: &mut [Step], wrts: &[(String, usize)]) {
    let root = steps.len() - 1;
    let mut readers: Vec<Vec<usize>> = vec![Vec::new(); steps.len()];
    for (id, step) in steps.iter().enumerate() {
        for &i in &step.inputs {
            readers[i].push(id);
        }
    }
    let open = |k: usize| k != root && !wrts.iter().any(|w| w.1 == k);
    let chains: Vec<_> = {
        let sketch: Vec<Sketch> = steps
            .iter()
            .map(|s| match s.what {
                What::Op(op) => (Some(op), s.inputs.as_slice(), s.shape),
                _ => (None, s.inputs.as_slice(), s.shape),
            })
            .collect();
        (0..steps.len())
            .filter_map(|k| chain_from(&sketch, &readers, k, open))
            .filter(|c| c.nodes.iter().all(|&k| open(k)))
            .collect()
    };
    // Two products added together (`W @ x + V @ h`) both reach the sum:
    // the first chain takes it, the second product stays a plain one.
    let mut claimed = vec![false; steps.len()];
    for chain in chains {
        if chain.nodes.iter().any(|&k| claimed[k]) {
            continue;
        }
        chain.nodes.iter().for_each(|&k| claimed[k] = true);
        let Some((&last, absorbed)) = chain.nodes.split_last() else {
            continue;
        };
        for &k in absorbed {
            steps[k].what = What::Absorbed;
            steps[k].inputs.clear();
        }
        steps[last].what = What::Fused(chain.fusion);
        steps[last].inputs = chain.inputs;
    }
}

/// Whether each step lies on a path from a parameter to the loss.
fn needed(steps: &[Step], wrts: &[(String, usize)]) -> Vec<bool> {
    let mut needed = vec![false; steps.len()];
    for w in wrts {
        if let Some(n) = needed.get_mut(w.1) {
            *n = true;
        }
    }
    for k in 0..steps.len() {
        needed[k] = needed[k] || steps[k].inputs.iter().any(|&i| needed[i]);
    }
    needed
}

/// The steps a run that does not want the loss's value skips: numbers
/// (1 × 1) that lead only to it, whose value no backward rule that runs
/// reads: the L2 term's `sum(W ^ 2)` and `0.5 * reg * …`, a `mean` of
/// the losses, the loss itself. (The sum alone is 5% of the digits
/// training: 7,840 additions in a row, each waiting for the one before.)
/// A skipped step's value stands in as a NaN of its shape, which these
/// rules read for its shape only.
fn loss_only(steps: &[Step], needed: &[bool]) -> Vec<bool> {
    let mut readers: Vec<Vec<usize>> = vec![Vec::new(); steps.len()];
    for (id, step) in steps.iter().enumerate() {
        for &i in &step.inputs {
            readers[i].push(id);
        }
    }
    let mut skip = vec![false; steps.len()];
    for k in (0..steps.len()).rev() {
        let What::Op(op) = steps[k].what else {
            continue;
        };
        skip[k] = steps[k].shape == (1, 1)
            && !reads_its_result(op)
            && readers[k]
                .iter()
                .all(|&r| skip[r] && !(needed[r] && reads_operand(&steps[r], k, needed)));
    }
    skip
}

/// Whether an operation's backward rule reads its own result. Only the
/// rules known not to are listed: anything else is taken to read it.
fn reads_its_result(op: Op) -> bool {
    !matches!(
        op,
        Op::Add | Op::Sub | Op::Mul | Op::Neg | Op::Sum | Op::Mean | Op::Identity
    )
}

/// Whether step `reader`'s backward rule reads the value of its operand
/// `k` (not only its shape): a product's rule reads each operand for the
/// other's gradient, if that is wanted; sums, differences, negation and
/// reductions read none. Anything else is taken to read every operand.
fn reads_operand(reader: &Step, k: usize, needed: &[bool]) -> bool {
    let What::Op(op) = reader.what else {
        return true;
    };
    let at = reader.inputs.iter().enumerate().filter(|&(_, &i)| i == k);
    at.map(|(position, _)| position).any(|position| match op {
        Op::Add | Op::Sub | Op::Neg | Op::Sum | Op::Mean | Op::Identity => false,
        Op::Mul => reader
            .inputs
            .get(1 - position)
            .is_none_or(|&other| needed[other]),
        _ => true,
    })
}
