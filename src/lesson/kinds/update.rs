//! `update = ["W = W - lr * dL_dW", …]`: givens changed by formulas (every
//! right-hand side first, then the assignments), and everything derived
//! from them recomputed; shown as the arithmetic per element, before and
//! after.

use super::prelude::*;

/// Reads and checks a step's `update`.
pub(crate) fn build(b: &mut Builder, u: &Formulas, label: &str) -> Option<Action> {
    if u.is_empty() {
        b.err(format!("{label}: `update` is empty"), u.span.clone());
        return None;
    }
    let fs: Vec<Formula> = u.iter().filter_map(|f| b.formula(f, label)).collect();
    if fs.len() != u.len() || !b.distinct_targets(label, "update", &fs) {
        return None;
    }
    Some(Action::Update(fs))
}

impl Evaluator<'_> {
    /// Evaluates every right-hand side first, then assigns, then recomputes
    /// everything derived.
    pub(crate) fn update(&mut self, step: &Step, formulas: &[Formula]) -> (Detail, Vec<String>) {
        let mut computed = Vec::new();
        for f in formulas {
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
        }
        let mut comps = Vec::new();
        let mut changed = Vec::new();
        for (f, graph, root) in computed {
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
                return (Detail::None, Vec::new());
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
        }
        changed.extend(self.recompute(step));
        (Detail::Update(comps), changed)
    }
}
