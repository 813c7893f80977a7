//! `let = "y = formula"`, with `expand = true` to walk through the result
//! element by element: checked at load, evaluated into a graph of every
//! intermediate value, shown as operands, arithmetic and result.

use super::prelude::*;

/// Reads and checks a step's `let`.
pub(crate) fn build(b: &mut Builder, l: &Sp<String>, expand: bool, label: &str) -> Option<Action> {
    Some(Action::Let {
        formula: b.formula(l, label)?,
        expand,
    })
}

impl Evaluator<'_> {
    pub(crate) fn let_(&mut self, step: &Step, formula: &Formula) -> (Detail, Vec<String>) {
        let name = formula.statement.name.clone();
        if let Some(&at) = self.env.defined_at.get(&name) {
            let place = if at == 0 {
                "as a given".to_string()
            } else {
                format!("in step {at}")
            };
            let span = formula.file_span(&formula.statement.name_span);
            self.error(
                format!(
                    "{}: `{name}` is already defined {place}; choose a new name",
                    step.label()
                ),
                span,
            );
            return (Detail::None, Vec::new());
        }
        if self.uses_poisoned(&formula.statement.expr) {
            self.poisoned.insert(name);
            return (Detail::None, Vec::new());
        }
        match Graph::build(&formula.statement.expr, &self.env, false) {
            Ok((graph, root)) => {
                let value = named_value(&graph, root, &self.env);
                let derived = Derived {
                    name: name.clone(),
                    expr: formula.statement.expr.clone(),
                    formula: Some(formula.clone()),
                };
                self.env.set_derived(derived, value, step.index);
                let c = Computation {
                    name: name.clone(),
                    formula: formula.text.clone(),
                    graph: Arc::new(graph),
                    root,
                    before: None,
                };
                (Detail::Let(c), vec![name])
            }
            Err(e) => {
                self.engine_error(step, formula, e);
                self.poisoned.insert(name);
                (Detail::None, Vec::new())
            }
        }
    }
}
