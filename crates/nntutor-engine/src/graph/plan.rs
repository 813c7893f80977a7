//! A training's loss compiled once. The graph its first iteration built
//! is kept as a list of steps and rerun on every later iteration with the
//! parameters' new values: no formula walked, no name looked up but the
//! inputs', nothing counted node by node; and each product with the
//! additions and activation after it runs as one pass over its columns
//! ([`fused`](super::fused)). The same operations in the same order as
//! the graph's: the same bits.

use super::backprop::{accumulate, chain_rule};
use super::fused::{Fusion, Pass, Sketch, chain_from};
use super::*;

/// The compiled loss: its steps in the graph's order, up to the loss.
#[derive(Debug)]
pub struct Plan {
    steps: Vec<Step>,
    /// The parameters by name, with their steps.
    wrts: Vec<(String, usize)>,
    /// Whether a step lies on a path from a parameter to the loss.
    needed: Vec<bool>,
    /// See [`below`].
    below: Vec<Option<usize>>,
    /// What a run costs against the budget: a forward pass and a backward
    /// pass (about two), as rebuilding the graph is charged.
    work: u64,
}

#[derive(Debug)]
struct Step {
    what: What,
    inputs: Vec<usize>,
    shape: Shape,
}

#[derive(Debug)]
enum What {
    /// A name, read from the scope on every run.
    Input(String),
    Constant(Arc<Tensor>),
    Op(Op),
    Fused(Fusion),
    /// An operation a fused step computes on the way (no value kept).
    Absorbed,
}

/// What a run computes: the loss, and each parameter's gradient.
#[derive(Debug)]
pub struct Run {
    pub loss: Arc<Tensor>,
    pub gradients: Vec<(String, Tensor)>,
}

impl Plan {
    /// The plan of `graph`'s node `root` and the gradients of `wrts`, or
    /// `None` where a rerun could differ from a rebuild: an index read
    /// from the values, a gradient inside the loss.
    pub fn compile(graph: &Graph, root: NodeId, wrts: &[(String, NodeId)]) -> Option<Plan> {
        let nodes = graph.nodes.get(..=root.0)?;
        let mut steps = Vec::with_capacity(nodes.len());
        for node in nodes {
            let what = match &node.kind {
                NodeKind::Input(name) => What::Input(name.clone()),
                NodeKind::Constant => What::Constant(node.shared_value().clone()),
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
        let below = below(&steps);
        let work = graph.forward_cost().saturating_mul(3);
        Some(Plan {
            steps,
            wrts,
            needed,
            below,
            work,
        })
    }

    /// Whether a run gives the gradient of `wrt`.
    pub fn differentiates(&self, wrt: &str) -> bool {
        self.wrts.iter().any(|(name, _)| name == wrt)
    }

    /// How many fused steps the plan runs.
    #[cfg(test)]
    pub fn fused(&self) -> usize {
        let fused = |s: &&Step| matches!(s.what, What::Fused(_));
        self.steps.iter().filter(fused).count()
    }

    /// The loss and its gradients at the scope's current values, or `None`
    /// when this plan no longer fits them (an input's shape changed, a
    /// name became a formula, the budget ran out, an operation failed):
    /// the caller then builds the graph, which says why.
    pub fn run(&self, scope: &dyn Scope) -> Option<Run> {
        if let Some(budget) = scope.budget() {
            budget.spend(self.work).ok()?;
        }
        let values = self.forward(scope)?;
        let mut grads = self.backward(&values);
        let root = self.steps.len() - 1;
        let loss = values[root].as_ref()?.shared_value().clone();
        let gradients = self
            .wrts
            .iter()
            .map(|(name, id)| {
                let g = grads.get_mut(*id).and_then(Option::take);
                let (rows, cols) = self.steps[*id].shape;
                // No path from it to the loss: a gradient of zeros.
                (name.clone(), g.unwrap_or_else(|| Tensor::zeros(rows, cols)))
            })
            .collect();
        Some(Run { loss, gradients })
    }

    fn forward(&self, scope: &dyn Scope) -> Option<Vec<Option<Node>>> {
        let mut values: Vec<Option<Node>> = Vec::with_capacity(self.steps.len());
        for step in &self.steps {
            let value = match &step.what {
                What::Input(name) => Some(input(scope, name, step.shape)?),
                What::Constant(v) => Some(ready(v.clone())),
                What::Absorbed => None,
                What::Op(op) => {
                    let inputs = operands(&values, &step.inputs)?;
                    let value = match selected_product(*op, &inputs) {
                        Some((a, columns)) => ops::matmul_checked(a, columns),
                        None => {
                            let inputs: Vec<&Tensor> = inputs.iter().map(|n| n.value()).collect();
                            op.forward(&inputs)
                        }
                    };
                    Some(ready(Arc::new(value.ok()?)))
                }
                What::Fused(f) => {
                    let inputs = operands(&values, &step.inputs)?;
                    Some(ready(Arc::new(f.forward(&inputs))))
                }
            };
            values.push(value);
        }
        Some(values)
    }

    /// Reverse mode as [`Graph::gradients_of`] runs it, along the steps
    /// that lie on a path from a parameter to the loss.
    fn backward(&self, values: &[Option<Node>]) -> Vec<Option<Tensor>> {
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
                    let (c, taken) = f.backward(&inputs, value.value(), g, &need, below);
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

/// A computed value, held as the graph holds one.
fn ready(value: Arc<Tensor>) -> Node {
    Node::new(NodeKind::Constant, Vec::new(), value, 0..0, None)
}

/// Input `name` at its current value, if it still has the shape and the
/// kind (a value, not a formula) it had when the plan was compiled.
fn input(scope: &dyn Scope, name: &str, shape: Shape) -> Option<Node> {
    let binding = scope.binding(name)?;
    if binding.formula.is_some() {
        return None;
    }
    let node = match (binding.value, binding.selection) {
        (Some(value), _) => ready(
            binding
                .shared
                .cloned()
                .unwrap_or_else(|| Arc::new(value.clone())),
        ),
        (None, Some(selection)) => Node::selected(name, selection.clone(), 0..0, None),
        (None, None) => return None,
    };
    (node.shape() == shape).then_some(node)
}

/// The values of a step's operands.
fn operands<'v>(values: &'v [Option<Node>], inputs: &[usize]) -> Option<Vec<&'v Node>> {
    inputs.iter().map(|&i| values[i].as_ref()).collect()
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
