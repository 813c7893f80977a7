//! `let = "y = formula"`, with `expand = true` to walk through the result
//! element by element: checked at load, evaluated into a graph of every
//! intermediate value, shown as operands, arithmetic and result.

use super::prelude::*;
use crate::lesson::eval::cost::Distinct;
use crate::lesson::gradcheck::at as gradient_check;

/// The keys of a `let` step, as written.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LetKeys {
    /// One formula: `NAME = EXPR`.
    #[serde(rename = "let")]
    #[schemars(length(max = 100000))]
    pub let_: Option<Sp<String>>,
    /// Walk through the result of `let` element by element.
    #[serde(default)]
    pub expand: bool,
}

/// A formula defining a new value.
#[derive(Debug, Clone)]
pub struct Let {
    pub formula: Formula,
    /// Walk through the result element by element.
    pub expand: bool,
}

impl Kind for Let {
    type Keys = LetKeys;
    type Done = Computation;
    const NAME: &'static str = "let";
    const KEYS: &'static [&'static str] = &["let", "expand"];

    fn build(b: &mut Builder, keys: &LetKeys, s: &RawStep, label: &str) -> Option<Option<Let>> {
        let Some(l) = &keys.let_ else {
            if keys.expand {
                b.err(
                    format!(
                        "{label}: `expand` walks through a `let` result, but the step has no `let`"
                    ),
                    s.span.start..s.span.start,
                );
            }
            return None;
        };
        Some(b.formula(l, label).map(|formula| Let {
            formula,
            expand: keys.expand,
        }))
    }

    fn evaluate(
        &self,
        ev: &mut Evaluator<'_>,
        step: &Step,
        _: &mut Vec<String>,
    ) -> (Option<Computation>, Vec<String>) {
        ev.let_(step, &self.formula)
    }

    fn block<'a>(&'a self, c: &'a Computation, at: At<'a>) -> Block<'a> {
        Block::Computed {
            c,
            reads: at.step().reads.as_deref(),
            expand: self.expand,
            check: gradient_check(at.lesson, at.timeline, at.k),
        }
    }

    fn has_formula(&self) -> bool {
        true
    }

    fn reads(c: &Computation) -> Vec<String> {
        c.input_names()
    }

    fn retained(c: &Computation, d: &mut Distinct) -> u64 {
        d.graph(&c.graph);
        0
    }
}

impl Evaluator<'_> {
    fn let_(&mut self, step: &Step, formula: &Formula) -> (Option<Computation>, Vec<String>) {
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
            return (None, Vec::new());
        }
        if self.uses_poisoned(&formula.statement.expr) {
            self.poisoned.insert(name);
            return (None, Vec::new());
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
                (Some(c), vec![name])
            }
            Err(e) => {
                self.engine_error(step, formula, e);
                self.poisoned.insert(name);
                (None, Vec::new())
            }
        }
    }
}
