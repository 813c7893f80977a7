//! Reverse mode: the gradient of a scalar root with respect to every node
//! (what a `backward` step draws), or only along the paths to the wanted
//! parameters (what training needs), and the chain rule at one node.

use super::*;

impl Graph {
    /// d(root)/d(node) for every node, by one backward pass in reverse
    /// insertion order. `root` must be a scalar. `None`: no path to the root.
    pub fn backward(&self, root: NodeId) -> Vec<Option<Tensor>> {
        let mut grads: Vec<Option<Tensor>> = vec![None; self.nodes.len()];
        grads[root.0] = Some(scalar(1.0));
        for id in (0..=root.0).rev() {
            let Some(g) = grads[id].take() else { continue };
            for (input, contribution) in self.contributions(NodeId(id), &g) {
                match &mut grads[input.0] {
                    Some(acc) => *acc += &contribution,
                    slot @ None => *slot = Some(contribution),
                }
            }
            grads[id] = Some(g);
        }
        grads
    }

    /// d(root)/d(`wrt`) alone: gradients flow only into nodes that lie on a
    /// path from `wrt` to the root, so a network's `grad(L, W1)` never
    /// computes the (large, unused) gradient of its input data.
    pub fn gradient_of(&self, root: NodeId, wrt: NodeId) -> Option<Tensor> {
        self.gradients_of(root, &[wrt]).pop().flatten()
    }

    /// d(root)/d(w) for each w of `wrts`, in one backward pass that visits
    /// only the nodes on a path from one of them to the root (one pass for
    /// all the parameters of a training step).
    pub fn gradients_of(&self, root: NodeId, wrts: &[NodeId]) -> Vec<Option<Tensor>> {
        let Some(first) = wrts.iter().map(|w| w.0).min() else {
            return Vec::new();
        };
        let mut needed = vec![false; root.0 + 1];
        for w in wrts.iter().filter(|w| w.0 <= root.0) {
            needed[w.0] = true;
        }
        for k in first + 1..=root.0 {
            needed[k] = needed[k] || self.nodes[k].inputs.iter().any(|i| needed[i.0]);
        }
        if !needed[root.0] {
            return vec![None; wrts.len()];
        }
        let mut grads: Vec<Option<Tensor>> = vec![None; root.0 + 1];
        grads[root.0] = Some(scalar(1.0));
        for id in (first + 1..=root.0).rev() {
            let node = &self.nodes[id];
            let NodeKind::Op(op) = node.kind else {
                continue;
            };
            let Some(g) = grads[id].take() else { continue };
            let need: Vec<bool> = node.inputs.iter().map(|i| needed[i.0]).collect();
            let keep = wrts.iter().any(|w| w.0 == id);
            let inputs: Vec<&Node> = node.inputs.iter().map(|&i| &self.nodes[i.0]).collect();
            let (contributions, g) = chain_rule(op, &inputs, node.value(), g, &need, keep);
            let slots = node.inputs.iter().map(|i| i.0);
            accumulate(&mut grads, slots, contributions, &need);
            // A wanted node that is itself an operation keeps its gradient.
            if keep {
                grads[id] = g;
            }
        }
        wrts.iter()
            .map(|w| grads.get(w.0).cloned().flatten())
            .collect()
    }

    /// The chain rule at one node: for each input, local gradient × upstream.
    pub fn contributions(&self, id: NodeId, upstream: &Tensor) -> Vec<(NodeId, Tensor)> {
        let node = &self.nodes[id.0];
        let NodeKind::Op(op) = node.kind else {
            return Vec::new();
        };
        let inputs: Vec<&Tensor> = node
            .inputs
            .iter()
            .map(|&i| self.nodes[i.0].value())
            .collect();
        op.backward(&inputs, node.value(), upstream)
            .into_iter()
            .zip(&node.inputs)
            .filter_map(|(g, &input)| g.map(|g| (input, g)))
            .collect()
    }

    /// The local gradient of a node with respect to each input: its backward
    /// rule applied to an upstream of ones (exactly ∂out/∂in for scalars).
    pub fn local_gradients(&self, id: NodeId) -> Vec<(NodeId, Tensor)> {
        let v = self.nodes[id.0].value();
        self.contributions(id, &Tensor::from_element(v.nrows(), v.ncols(), 1.0))
    }
}

/// The chain rule at one node of a backward pass that owns the upstream
/// `g`: each input's contribution (for those `need` asks for), and `g`
/// back unless it was spent (written over, or handed on as `a + b`'s
/// gradient). With `keep`, it is never spent.
pub(super) fn chain_rule(
    op: Op,
    inputs: &[&Node],
    value: &Tensor,
    g: Tensor,
    need: &[bool],
    keep: bool,
) -> (Vec<Option<Tensor>>, Option<Tensor>) {
    if let Some((a, columns)) = selected_product(op, inputs) {
        // A minibatch's columns, read where they lie.
        let c = ops::matmul_grads_columns(a, columns, &g, need);
        return (c, Some(g));
    }
    let values: Vec<&Tensor> = inputs.iter().map(|n| n.value()).collect();
    let in_place = op.def().in_place.filter(|_| !keep && need[0]);
    if matches!(op, Op::Add) && !keep {
        (pass_through(&values, g, need), None)
    } else if let Some(f) = in_place {
        // The upstream is this node's alone: its gradient is written
        // over it.
        let mut g = g;
        (f.gradient)(values[0].as_slice(), value.as_slice(), g.as_mut_slice());
        (vec![Some(g)], None)
    } else {
        (op.backward_needed(&values, value, &g, need), Some(g))
    }
}

/// Adds each wanted contribution to the gradient of its input (`slots`,
/// the inputs' places in `grads`).
pub(super) fn accumulate(
    grads: &mut [Option<Tensor>],
    slots: impl Iterator<Item = usize>,
    contributions: Vec<Option<Tensor>>,
    need: &[bool],
) {
    for ((slot, contribution), &wanted) in slots.zip(contributions).zip(need) {
        let (Some(contribution), true) = (contribution, wanted) else {
            continue;
        };
        match &mut grads[slot] {
            Some(acc) => *acc += &contribution,
            empty @ None => *empty = Some(contribution),
        }
    }
}

/// The gradients of `a + b`: the upstream itself for each (g·1 is g, bit
/// for bit), summed over broadcast axes; the one operand of the full shape
/// takes it without a copy.
fn pass_through(inputs: &[&Tensor], g: Tensor, need: &[bool]) -> Vec<Option<Tensor>> {
    let mut out: Vec<Option<Tensor>> = vec![None; inputs.len()];
    let mut full = None;
    for (slot, x) in inputs.iter().enumerate() {
        if !need.get(slot).copied().unwrap_or(true) {
            continue;
        }
        if x.shape() == g.shape() && full.is_none() {
            full = Some(slot);
        } else {
            out[slot] = Some(crate::kernels::reduce_ref(&g, x.shape()));
        }
    }
    if let Some(slot) = full {
        out[slot] = Some(g);
    }
    out
}
