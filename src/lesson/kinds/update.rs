//! `update = ["W = W - lr * dL_dW", …]`: givens changed by formulas (every
//! right-hand side first, then the assignments; or with `in_order`, one
//! after another, the gradients those of the step's start), and everything
//! derived from them recomputed; shown as the arithmetic per element,
//! before and after.

use super::prelude::*;

/// Reads and checks a step's `update`.
pub(crate) fn build(b: &mut Builder, u: &Formulas, in_order: bool, label: &str) -> Option<Action> {
    if u.is_empty() {
        b.err(format!("{label}: `update` is empty"), u.span.clone());
        return None;
    }
    let fs: Vec<Formula> = u.iter().filter_map(|f| b.formula(f, label)).collect();
    if fs.len() != u.len() || !b.distinct_targets(label, "update", &fs) {
        return None;
    }
    Some(Action::Update(fs, in_order))
}

impl Evaluator<'_> {
    /// Evaluates every right-hand side first, then assigns (`in_order`:
    /// each in turn, its gradients those of the start), then recomputes
    /// everything derived.
    pub(crate) fn update(
        &mut self,
        step: &Step,
        formulas: &[Formula],
        in_order: bool,
    ) -> (Detail, Vec<String>) {
        if in_order {
            self.env.memo = Some(super::train::memo_for(formulas));
        }
        let result = self.update_with(step, formulas, in_order);
        self.env.memo = None;
        result
    }

    fn update_with(
        &mut self,
        step: &Step,
        formulas: &[Formula],
        in_order: bool,
    ) -> (Detail, Vec<String>) {
        let mut computed = Vec::new();
        let mut comps = Vec::new();
        let mut changed = Vec::new();
        for (k, f) in formulas.iter().enumerate() {
            if !self.assignable(step, f) || self.uses_poisoned(&f.statement.expr) {
                return (Detail::None, Vec::new());
            }
            match Graph::build(&f.statement.expr, &self.env, false) {
                Ok((graph, root)) => computed.push((f, graph, root)),
                Err(e) => {
                    self.engine_error(step, f, e);
                    return (Detail::None, Vec::new());
                }
            }
            // In order, each is assigned before the next is computed.
            if in_order || k + 1 == formulas.len() {
                for (f, graph, root) in computed.drain(..) {
                    if !self.assign(step, (f, graph, root), &mut comps, &mut changed) {
                        return (Detail::None, Vec::new());
                    }
                }
            }
        }
        changed.extend(self.recompute(step));
        (Detail::Update(comps), changed)
    }

    /// One formula's result assigned, and kept to show; false (with the
    /// error) when it would change the given's shape.
    fn assign(
        &mut self,
        step: &Step,
        (f, graph, root): (&Formula, Graph, NodeId),
        comps: &mut Vec<Computation>,
        changed: &mut Vec<String>,
    ) -> bool {
        let name = &f.statement.name;
        let before = self.env.values[name].data.clone();
        let after = graph.node(root).shared_value().clone();
        if after.shape() != before.shape() {
            self.error(
                format!(
                    "{}: `{}` would change shape from {} to {}; an update keeps the shape",
                    step.label(),
                    name,
                    shape_str(before.shape()),
                    shape_str(after.shape())
                ),
                f.span.clone(),
            );
            return false;
        }
        self.env.set_shared(name, after);
        changed.push(name.clone());
        comps.push(Computation {
            name: name.clone(),
            formula: f.text.clone(),
            graph: Arc::new(graph),
            root,
            before: Some(before),
        });
        true
    }
}
