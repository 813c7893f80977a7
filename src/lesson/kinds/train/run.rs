//! A training's iterations: each a minibatch, the tracked values when
//! due, and the updates, their `grad` calls sharing one backward pass per
//! loss.

use std::collections::HashMap;

use super::super::prelude::*;
use super::{Batch, Train, TrainState};
use crate::engine::graph::{GradientMemo, loss_with_gradients};
use crate::engine::kernels::Selection;
use crate::lesson::eval::checks::MAX_PLOT_POINTS;

impl Evaluator<'_> {
    /// Training, with the `grad` calls of each iteration sharing one
    /// backward pass per loss (`W1 = W1 - lr * grad(L, W1)` and
    /// `W2 = W2 - lr * grad(L, W2)` cost one forward and one backward).
    pub(super) fn train(
        &mut self,
        step: &Step,
        spec: &Train,
        notices: &mut Vec<String>,
    ) -> (Option<TrainState>, Vec<String>) {
        self.env.memo = Some(memo_for(&spec.updates));
        let result = self.train_iterations(step, spec, notices);
        self.env.memo = None;
        result
    }

    fn train_iterations(
        &mut self,
        step: &Step,
        spec: &Train,
        notices: &mut Vec<String>,
    ) -> (Option<TrainState>, Vec<String>) {
        let Some(batch) = self.check_run(step, spec) else {
            return (None, Vec::new());
        };
        let before: Vec<String> = self.env.values.keys().cloned().collect();
        let run = self.iterate(step, spec, batch);
        // Whatever happened, the lesson's own values are back in force.
        self.env.clear_overrides();
        let Some(curves) = run else {
            return (None, Vec::new());
        };
        if let Some(last) = curves.first().and_then(|c| c.1.last())
            && !last.1.is_finite()
        {
            notices.push(format!(
                "`{}` became {} during training: the step size may be too large",
                curves[0].0,
                number::short(last.1)
            ));
        }
        let mut changed: Vec<String> = spec
            .updates
            .iter()
            .map(|f| f.statement.name.clone())
            .collect();
        changed.extend(self.recompute(step));
        changed.retain(|n| before.contains(n));
        let on_minibatch = spec.track.iter().map(|(name, _)| {
            let batch = spec.batch.as_ref();
            batch.is_some_and(|b| self.env.reads_any(name, &b.data))
        });
        let state = TrainState {
            iterations: spec.iterations,
            curves,
            on_minibatch: on_minibatch.collect(),
        };
        (Some(state), changed)
    }

    /// Whether the run can start: what it updates and tracks is there, its
    /// minibatches' data agree (the count of samples), and its curves fit.
    /// `Some(None)`: full batches.
    fn check_run<'s>(
        &mut self,
        step: &Step,
        spec: &'s Train,
    ) -> Option<Option<(&'s Batch, usize)>> {
        for f in &spec.updates {
            if !self.assignable(step, f) || self.uses_poisoned(&f.statement.expr) {
                return None;
            }
        }
        for (t, span) in &spec.track {
            if !self.env.values.contains_key(t) {
                let label = step.label();
                self.error(
                    format!("{label}: `track` names `{t}`, which is not defined"),
                    span.clone(),
                );
                return None;
            }
        }
        let batch = match &spec.batch {
            None => None,
            Some(b) => Some((b, self.samples(step, b)?)),
        };
        self.curves_fit(step, spec).then_some(batch)
    }

    /// The samples (columns) a minibatch is drawn from: every data value
    /// must be a given with as many.
    fn samples(&mut self, step: &Step, b: &Batch) -> Option<usize> {
        let mut columns = None;
        for (d, span) in &b.data {
            if !self.env.givens.contains(d) {
                let label = step.label();
                self.error(
                    format!("{label}: batch data `{d}` must be a given"),
                    span.clone(),
                );
                return None;
            }
            let n = self.env.values[d].data.ncols();
            if *columns.get_or_insert(n) != n {
                self.error(format!("{}: batch data must have the same number of columns (samples); `{d}` has {n}", step.label()), span.clone());
                return None;
            }
        }
        let n = columns.unwrap_or(0);
        if b.size > n {
            let d = Diagnostic::error(
                format!(
                    "{}: the batch `size` is {}, but the data has {n} samples: every iteration uses all of them (full-batch gradient descent)",
                    step.label(),
                    b.size
                ),
                b.size_span.clone(),
            );
            self.diags.push(d.with_severity(Severity::Warning));
        }
        Some(n)
    }

    /// The curves are kept, (iteration, value) every `every` iterations:
    /// at most so many points, in the memory left.
    fn curves_fit(&mut self, step: &Step, spec: &Train) -> bool {
        let (iterations, every) = (spec.iterations, spec.every);
        let per_curve = iterations / every + 1;
        if !spec.track.is_empty() && per_curve > MAX_PLOT_POINTS {
            let least = iterations.div_ceil(MAX_PLOT_POINTS);
            let span = spec.every_span.as_ref().unwrap_or(&spec.steps_span);
            self.error(
                format!(
                    "{}: tracking every {every} of {iterations} iterations keeps {per_curve} points a curve; the limit is {MAX_PLOT_POINTS} (set `every` to {least} or more)",
                    step.label(),
                ),
                span.clone(),
            );
            return false;
        }
        let points = (per_curve + 1) * spec.track.len();
        if let Err(e) = self.env.budget.room(16 * points as u64) {
            let what = format!("the {points} points of the tracked curves: {e}");
            self.error(format!("{}: {what}", step.label()), spec.steps_span.clone());
            return false;
        }
        true
    }

    /// The iterations: a minibatch, the tracked values when due, the
    /// updates. The curves, or `None` when the run failed or was stopped
    /// (the error says which).
    fn iterate(
        &mut self,
        step: &Step,
        spec: &Train,
        batch: Option<(&Batch, usize)>,
    ) -> Option<Vec<Curve>> {
        let iterations = spec.iterations;
        let mut rng = batch.as_ref().map(|(b, _)| Rng::new(b.seed));
        let mut curves: Vec<Curve> = spec
            .track
            .iter()
            .map(|(t, _)| (t.clone(), Vec::new()))
            .collect();
        if let Some(live) = &self.live {
            let tracked: Vec<String> = spec.track.iter().map(|(t, _)| t.clone()).collect();
            live.begin(iterations, &tracked);
        }
        let start = self.env.budget.spent();
        for it in 0..=iterations {
            // The first iteration measured what each costs.
            if it == 1 {
                let what = format!("{iterations} iterations of this training");
                if !self.afford_rounds(step, &what, start, iterations - 1, &spec.steps_span) {
                    return None;
                }
            }
            if self.cancel.is_cancelled() {
                let label = step.label();
                self.error(
                    format!("{label}: interrupted at iteration {it} of {iterations}"),
                    spec.steps_span.clone(),
                );
                return None;
            }
            if let (Some((b, n)), Some(rng)) = (&batch, rng.as_mut()) {
                self.select_minibatch(b, *n, rng);
            }
            // New values (or a new minibatch): earlier gradients are stale.
            if let Some(memo) = &self.env.memo {
                memo.clear();
            }
            let stepping = self.live.as_ref().is_some_and(|l| l.stepping());
            if it % spec.every == 0 || it == iterations || stepping {
                self.track(step, spec, it, &mut curves)?;
            }
            if it == iterations {
                break;
            }
            if let Some(live) = &self.live {
                live.wait_turn(&self.cancel);
                if self.cancel.is_cancelled() {
                    continue;
                }
            }
            self.apply_updates(step, &spec.updates, spec.in_order)?;
            if let Some(live) = &self.live {
                live.advance(it + 1, &|| self.env.snapshot());
            }
            if let Some(stages) = self.stages {
                stages.iterations(step.index - 1, it + 1, iterations);
            }
        }
        Some(curves)
    }

    /// This iteration's minibatch: `size` samples, read where they lie in
    /// the data (shared, not copied). Every data value has `n` columns
    /// (checked before the run), so every pick is in range.
    fn select_minibatch(&mut self, b: &Batch, n: usize, rng: &mut Rng) {
        let picks: Arc<[usize]> = Arc::from(sample_columns(rng, n, b.size.min(n)));
        for (d, _) in &b.data {
            let full = self.env.values[d].data.clone();
            if let Some(s) = Selection::new(full, picks.clone()) {
                self.env.selections.insert(d.clone(), s);
            }
        }
    }

    /// Each tracked value at iteration `it`, added to its curve.
    fn track(&mut self, step: &Step, spec: &Train, it: usize, curves: &mut [Curve]) -> Option<()> {
        for (k, (name, span)) in spec.track.iter().enumerate() {
            // A loss the updates differentiate: its value comes with
            // their gradients, from one forward pass.
            let with_gradients = (it < spec.iterations)
                .then(|| loss_with_gradients(&self.env, name))
                .flatten()
                .filter(|v| is_scalar(v));
            let value = match with_gradients {
                Some(v) => v[0],
                None => self.tracked_value(step, name, span)?,
            };
            curves[k].1.push((it, value));
            if let Some(live) = &self.live {
                live.point(k, it, value);
            }
        }
        Some(())
    }

    /// A tracked value computed on its own; it must be a single number.
    fn tracked_value(&mut self, step: &Step, name: &str, span: &Span) -> Option<f64> {
        let expr = Expr {
            kind: ExprKind::Name(name.to_string()),
            span: 0..0,
        };
        let label = step.label();
        match Graph::build(&expr, &self.env, true) {
            Ok((g, r)) if is_scalar(g.value(r)) => Some(g.value(r)[0]),
            Ok((g, r)) => {
                let shape = shape_str(g.value(r).shape());
                self.error(
                    format!("{label}: `track` values must be single numbers; `{name}` is {shape}"),
                    span.clone(),
                );
                None
            }
            Err(e) => {
                let why = e.message();
                self.error(format!("{label}: tracking `{name}`: {why}"), span.clone());
                None
            }
        }
    }

    /// One iteration's updates: every right-hand side first, then the
    /// assignments (`in_order`: each assigned before the next is computed;
    /// the memo keeps the gradients of the iteration's start).
    fn apply_updates(&mut self, step: &Step, updates: &[Formula], in_order: bool) -> Option<()> {
        let mut new_values = Vec::new();
        for (k, f) in updates.iter().enumerate() {
            // The training's memo reruns each update's compiled graph.
            let value = match &self.env.memo {
                Some(memo) => memo.evaluate(k, &f.statement.expr, &self.env),
                None => Graph::build(&f.statement.expr, &self.env, true).map(|(g, r)| g.into_value(r)),
            };
            match value {
                Ok(value) => {
                    let old = &self.env.values[&f.statement.name].data;
                    if value.shape() != old.shape() {
                        self.error(
                            format!(
                                "{}: `{}` would change shape from {} to {}",
                                step.label(),
                                f.statement.name,
                                shape_str(old.shape()),
                                shape_str(value.shape())
                            ),
                            f.span.clone(),
                        );
                        return None;
                    }
                    if in_order {
                        self.env.set_value(&f.statement.name, value);
                    } else {
                        new_values.push((f.statement.name.clone(), value));
                    }
                }
                Err(e) => {
                    self.engine_error(step, f, e);
                    return None;
                }
            }
        }
        for (name, v) in new_values {
            self.env.set_value(&name, v);
        }
        Some(())
    }
}

/// A tracked value's curve: its name and (iteration, value) points.
type Curve = (String, Vec<(usize, f64)>);

/// `size` distinct columns out of `n`, by a partial Fisher–Yates shuffle.
fn sample_columns(rng: &mut Rng, n: usize, size: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    for k in 0..size {
        let j = k + rng.below(n - k);
        idx.swap(k, j);
    }
    idx.truncate(size);
    idx
}

/// A memo for the `grad` calls of `formulas`: each loss's gradients
/// computed once, for all the parameters they ask about.
pub(crate) fn memo_for(formulas: &[Formula]) -> GradientMemo {
    let mut wanted: HashMap<String, Vec<String>> = HashMap::new();
    for f in formulas {
        gradient_calls(&f.statement.expr, &mut wanted);
    }
    GradientMemo::new(wanted)
}

/// Every `grad(L, W)` in a formula, collected as loss → parameters.
fn gradient_calls(e: &Expr, out: &mut HashMap<String, Vec<String>>) {
    match &e.kind {
        ExprKind::Call { func, args, .. } => {
            if let (true, [l, w]) = (func == "grad", args.as_slice())
                && let (ExprKind::Name(l), ExprKind::Name(w)) = (&l.kind, &w.kind)
            {
                let list = out.entry(l.clone()).or_default();
                if !list.contains(w) {
                    list.push(w.clone());
                }
            }
            args.iter().for_each(|a| gradient_calls(a, out));
        }
        ExprKind::Neg(a) | ExprKind::Transpose(a) => gradient_calls(a, out),
        ExprKind::Binary(_, a, b) => {
            gradient_calls(a, out);
            gradient_calls(b, out);
        }
        ExprKind::Index { target, .. } => gradient_calls(target, out),
        ExprKind::Number(_) | ExprKind::Name(_) => {}
    }
}
