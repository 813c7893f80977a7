//! `update = ["W = W - lr * dL_dW", …]`: givens changed by formulas (every
//! right-hand side first, then the assignments; or with `in_order`, one
//! after another, the gradients those of the step's start), and everything
//! derived from them recomputed; shown as the arithmetic per element,
//! before and after.

use super::prelude::*;
use crate::lesson::eval::cost::Distinct;

/// The keys of an `update` step, as written.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateKeys {
    /// Formulas that change givens: `W = W - lr * dL_dW`.
    pub update: Option<Formulas>,
}

/// Givens changed by formulas.
#[derive(Debug, Clone)]
pub struct Update {
    pub formulas: Vec<Formula>,
    /// Whether each formula sees the ones before it (`in_order`).
    pub in_order: bool,
}

impl Kind for Update {
    type Keys = UpdateKeys;
    type Done = Vec<Computation>;
    const NAME: &'static str = "update";
    const KEYS: &'static [&'static str] = &["update"];
    const ORDERED: bool = true;

    fn build(b: &mut Builder, keys: &UpdateKeys, s: &RawStep, label: &str) -> Option<Option<Update>> {
        let u = keys.update.as_ref()?;
        if u.is_empty() {
            b.err(format!("{label}: `update` is empty"), u.span.clone());
            return Some(None);
        }
        let fs: Vec<Formula> = u.iter().filter_map(|f| b.formula(f, label)).collect();
        if fs.len() != u.len() || !b.distinct_targets(label, "update", &fs) {
            return Some(None);
        }
        Some(Some(Update {
            formulas: fs,
            in_order: super::in_order(s),
        }))
    }

    fn evaluate(
        &self,
        ev: &mut Evaluator<'_>,
        step: &Step,
        _: &mut Vec<String>,
    ) -> (Option<Vec<Computation>>, Vec<String>) {
        ev.update(step, &self.formulas, self.in_order)
    }

    fn block<'a>(&'a self, comps: &'a Vec<Computation>, _: At<'a>) -> Block<'a> {
        Block::Updated(comps)
    }

    fn reads(cs: &Vec<Computation>) -> Vec<String> {
        cs.iter().flat_map(|c| c.input_names()).collect()
    }

    fn retained(cs: &Vec<Computation>, d: &mut Distinct) -> u64 {
        for c in cs {
            d.graph(&c.graph);
        }
        0
    }
}

impl Evaluator<'_> {
    /// Evaluates every right-hand side first, then assigns (`in_order`:
    /// each in turn, its gradients those of the start), then recomputes
    /// everything derived.
    fn update(
        &mut self,
        step: &Step,
        formulas: &[Formula],
        in_order: bool,
    ) -> (Option<Vec<Computation>>, Vec<String>) {
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
    ) -> (Option<Vec<Computation>>, Vec<String>) {
        let mut computed = Vec::new();
        let mut comps = Vec::new();
        let mut changed = Vec::new();
        for (k, f) in formulas.iter().enumerate() {
            if !self.assignable(step, f) || self.uses_poisoned(&f.statement.expr) {
                return (None, Vec::new());
            }
            match Graph::build(&f.statement.expr, &self.env, false) {
                Ok((graph, root)) => computed.push((f, graph, root)),
                Err(e) => {
                    self.engine_error(step, f, e);
                    return (None, Vec::new());
                }
            }
            // In order, each is assigned before the next is computed.
            if in_order || k + 1 == formulas.len() {
                for (f, graph, root) in computed.drain(..) {
                    if !self.assign(step, (f, graph, root), &mut comps, &mut changed) {
                        return (None, Vec::new());
                    }
                }
            }
        }
        changed.extend(self.recompute(step));
        (Some(comps), changed)
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
