//! `train = { steps, update, track, every, batch }`: gradient descent,
//! with optional minibatches, its updates sharing one backward pass per
//! loss each iteration; checked at load, evaluated, and shown as a run.

mod run;

use super::prelude::*;
use crate::lesson::eval::cost::Distinct;
pub(crate) use run::memo_for;

/// `train = { … }` as written.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { steps = 100, update = [\"W = W - lr * grad(L, W)\"] }"
)]
pub struct TrainSpec {
    /// The number of iterations.
    #[schemars(range(min = 1, max = 10000000))]
    pub steps: Sp<i64>,
    /// Formulas applied each iteration, e.g. "W = W - lr * grad(L, W)".
    pub update: Formulas,
    /// Values recorded as the training runs, drawn as curves.
    #[serde(default)]
    pub track: Names,
    /// Record every so many iterations (1 if left out).
    #[schemars(range(min = 1))]
    pub every: Option<Sp<i64>>,
    pub batch: Option<BatchSpec>,
}

/// Minibatches: `size` columns of `data` drawn each iteration.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { size = 32, data = [\"X\", \"y\"] }"
)]
pub struct BatchSpec {
    /// Columns per minibatch.
    #[schemars(range(min = 1))]
    pub size: Sp<i64>,
    /// The givens whose columns are sampled (the same columns of each).
    pub data: Names,
    #[serde(default)]
    pub seed: i64,
}

/// The keys of a `train` step, as written.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainKeys {
    pub train: Option<TrainSpec>,
}

/// `train = { steps, update, track, every, batch }`, checked.
#[derive(Debug, Clone)]
pub struct Train {
    pub iterations: usize,
    /// Where `steps` is written (errors about the run's length point there).
    pub steps_span: Span,
    pub updates: Vec<Formula>,
    /// Each update sees the givens the ones before it assigned.
    pub in_order: bool,
    /// Tracked values, every `every` iterations (`every_span`: where it
    /// is written, if it is).
    pub track: Vec<(String, Span)>,
    pub every: usize,
    pub every_span: Option<Span>,
    pub batch: Option<Batch>,
}

/// Minibatches: `size` columns of each of `data`, drawn from `seed`.
#[derive(Debug, Clone)]
pub struct Batch {
    pub size: usize,
    pub size_span: Span,
    pub data: Vec<(String, Span)>,
    pub seed: u64,
}

/// A training's run.
#[derive(Debug, Clone)]
pub struct TrainState {
    pub iterations: usize,
    /// Each tracked value: (iteration, value) every `every` iterations.
    pub curves: Vec<(String, Vec<(usize, f64)>)>,
    /// Whether each tracked value is computed on the minibatch (a loss of
    /// the batch data) rather than on all the data.
    pub on_minibatch: Vec<bool>,
}

impl TrainState {
    /// The minibatch size to name beside tracked value `k`: `batch` when
    /// that value reads the minibatch (or is not known not to).
    pub fn batch_of(&self, k: usize, batch: Option<usize>) -> Option<usize> {
        batch.filter(|_| self.on_minibatch.get(k).copied().unwrap_or(true))
    }
}

impl Kind for Train {
    type Keys = TrainKeys;
    type Done = TrainState;
    const NAME: &'static str = "train";
    const KEYS: &'static [&'static str] = &["train"];
    const RUNS: bool = true;
    const ORDERED: bool = true;

    fn build(b: &mut Builder, keys: &TrainKeys, s: &RawStep, label: &str) -> Option<Option<Train>> {
        Some(build(b, keys.train.as_ref()?, super::in_order(s), label))
    }

    fn evaluate(
        &self,
        ev: &mut Evaluator<'_>,
        step: &Step,
        notices: &mut Vec<String>,
    ) -> (Option<TrainState>, Vec<String>) {
        ev.train(step, self, notices)
    }

    fn block<'a>(&'a self, run: &'a TrainState, _: At<'a>) -> Block<'a> {
        Block::Trained {
            updates: self.updates.iter().map(|u| u.text.as_str()).collect(),
            batch: self.batch.as_ref().map(|b| b.size),
            run,
        }
    }

    fn sets(&self) -> Vec<&str> {
        self.updates
            .iter()
            .map(|f| f.statement.name.as_str())
            .collect()
    }

    fn rounds(t: &TrainState) -> usize {
        t.iterations
    }

    fn retained(t: &TrainState, _: &mut Distinct) -> u64 {
        t.curves.iter().map(|(_, c)| 16 * c.len() as u64).sum()
    }
}

/// Checks a step's `train`.
fn build(b: &mut Builder, t: &TrainSpec, in_order: bool, label: &str) -> Option<Train> {
    if t.update.is_empty() {
        b.err(
            format!("{label}: `train` needs `update`, e.g. update = [\"W = W - lr * grad(L, W)\"]"),
            t.update.span.clone(),
        );
        return None;
    }
    let updates: Vec<Formula> = t
        .update
        .iter()
        .filter_map(|f| b.formula(f, label))
        .collect();
    if updates.len() != t.update.len() || !b.distinct_targets(label, "training's update", &updates)
    {
        return None;
    }
    if t.steps.v < 1 || t.steps.v > 10_000_000 {
        b.err(
            format!(
                "{label}: `steps` must be from 1 to 10000000, not {}",
                t.steps.v
            ),
            t.steps.span.clone(),
        );
        return None;
    }
    if let Some(e) = t.every.as_ref().filter(|e| e.v < 1) {
        b.err(
            format!("{label}: `every` must be at least 1"),
            e.span.clone(),
        );
        return None;
    }
    if let Some(e) = t.every.as_ref().filter(|e| e.v > t.steps.v) {
        let d = Diagnostic::error(
            format!(
                "{label}: `every` is {}, but the training runs {} iterations: the curves will have only their first and last points",
                e.v, t.steps.v
            ),
            e.span.clone(),
        );
        b.diags.push(d.with_severity(Severity::Warning));
    }
    if let Some(batch) = t.batch.as_ref().filter(|batch| batch.size.v < 1) {
        b.err(
            format!("{label}: the batch `size` must be at least 1"),
            batch.size.span.clone(),
        );
        return None;
    }
    Some(Train {
        iterations: t.steps.v as usize,
        steps_span: t.steps.span.clone(),
        updates,
        in_order,
        track: t
            .track
            .iter()
            .map(|n| (n.v.clone(), n.span.clone()))
            .collect(),
        every: t.every.as_ref().map_or(1, |e| e.v.max(1) as usize),
        every_span: t.every.as_ref().map(|e| e.span.clone()),
        batch: t.batch.as_ref().map(|batch| Batch {
            size: batch.size.v.max(1) as usize,
            size_span: batch.size.span.clone(),
            data: batch
                .data
                .iter()
                .map(|n| (n.v.clone(), n.span.clone()))
                .collect(),
            seed: batch.seed as u64,
        }),
    })
}

