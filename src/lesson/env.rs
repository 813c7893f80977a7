//! The lesson's spreadsheet while it is evaluated: current values, the
//! formulas of derived values, and where each name was defined.

use crate::engine::graph::GradientMemo;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::model::Formula;
use super::timeline::Values;
use super::value::Value;
use crate::engine::kernels::Selection;
use crate::engine::{Binding, Budget, Expr, Scope, Tensor};

#[derive(Debug, Clone)]
pub struct Derived {
    pub name: String,
    pub expr: Expr,
    /// The formula as written, for messages (`None` for gradients that a
    /// `backward` step defined).
    pub formula: Option<Formula>,
}

#[derive(Debug, Clone, Default)]
pub struct Env {
    pub values: Values,
    pub derived: Vec<Derived>,
    derived_index: HashMap<String, usize>,
    pub givens: HashSet<String>,
    /// Step index (0 = given) where each name was defined.
    pub defined_at: HashMap<String, usize>,
    /// Values taking the place of others while a search trial is evaluated.
    pub overrides: BTreeMap<String, Arc<Tensor>>,
    /// A minibatch: the samples (columns) of the data that an iteration
    /// reads, in place of the whole data.
    pub selections: BTreeMap<String, Selection>,
    /// Gradients shared by the update formulas of one training iteration.
    pub memo: Option<GradientMemo>,
    /// What the evaluation may still cost.
    pub budget: Arc<Budget>,
}

impl Env {
    /// An empty spreadsheet whose evaluation may cost what `budget` allows.
    pub fn within(budget: Arc<Budget>) -> Env {
        Env {
            budget,
            ..Env::default()
        }
    }

    /// The same values and formulas, evaluated within another budget.
    pub fn rebudgeted(mut self, budget: Arc<Budget>) -> Env {
        self.budget = budget;
        self
    }

    pub fn add_given(&mut self, name: &str, value: Value) {
        self.givens.insert(name.to_string());
        self.defined_at.insert(name.to_string(), 0);
        self.values.insert(name.to_string(), Arc::new(value));
    }

    /// Defines (or, for gradients, redefines) a derived value.
    pub fn set_derived(&mut self, d: Derived, value: Value, step: usize) {
        let name = d.name.clone();
        match self.derived_index.get(&name) {
            Some(&k) => self.derived[k] = d,
            None => {
                self.derived_index.insert(name.clone(), self.derived.len());
                self.derived.push(d);
            }
        }
        self.defined_at.entry(name.clone()).or_insert(step);
        self.values.insert(name, Arc::new(value));
    }

    /// Whether `name` reads any of `data`, itself or through the formulas
    /// it is made of: a tracked loss of the minibatch, or of all the data.
    pub fn reads_any(&self, name: &str, data: &[(String, crate::lesson::model::Span)]) -> bool {
        let mut seen = std::collections::HashSet::new();
        let mut todo = vec![name.to_string()];
        while let Some(n) = todo.pop() {
            if data.iter().any(|(d, _)| *d == n) {
                return true;
            }
            if let Some(d) = self.derived(&n) {
                for (read, _) in d.expr.names() {
                    if seen.insert(read.to_string()) {
                        todo.push(read.to_string());
                    }
                }
            }
        }
        false
    }

    pub fn derived(&self, name: &str) -> Option<&Derived> {
        self.derived_index.get(name).map(|&k| &self.derived[k])
    }

    pub fn set_value(&mut self, name: &str, data: Tensor) {
        self.set_shared(name, Arc::new(data));
    }

    pub fn set_shared(&mut self, name: &str, data: Arc<Tensor>) {
        if let Some(v) = self.values.get(name) {
            let value = Value {
                data,
                ..(**v).clone()
            };
            self.values.insert(name.to_string(), Arc::new(value));
        }
    }

    /// Back to the lesson's own values after a training or search.
    pub fn clear_overrides(&mut self) {
        self.overrides.clear();
        self.selections.clear();
    }

    /// A defined name close to `name`, for "did you mean".
    pub fn suggest(&self, name: &str) -> Option<String> {
        crate::lesson::suggest::closest(name, self.values.keys().map(String::as_str))
            .map(str::to_string)
    }

    pub fn snapshot(&self) -> Arc<Values> {
        Arc::new(self.values.clone())
    }
}

impl Scope for Env {
    fn binding(&self, name: &str) -> Option<Binding<'_>> {
        if let Some(s) = self.selections.get(name) {
            return Some(Binding {
                shared: None,
                value: None,
                formula: None,
                selection: Some(s),
            });
        }
        if let Some(v) = self.overrides.get(name) {
            return Some(Binding {
                shared: Some(v),
                value: Some(v),
                formula: None,
                selection: None,
            });
        }
        let value = self.values.get(name).map(|v| &v.data);
        let formula = self.derived(name).map(|d| &d.expr);
        (value.is_some() || formula.is_some()).then_some(Binding {
            value: value.map(|v| &**v),
            formula,
            // Graphs share the values rather than copy them.
            shared: value,
            selection: None,
        })
    }

    fn gradient_memo(&self) -> Option<&GradientMemo> {
        self.memo.as_ref()
    }

    fn budget(&self) -> Option<&Budget> {
        Some(&self.budget)
    }
}
