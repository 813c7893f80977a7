//! Evaluates a checked lesson step by step into a [`Timeline`], reporting
//! every problem (unknown names, shapes, failed expects) with its place.

use std::collections::HashSet;
use std::sync::Arc;

use super::diagnostic::{Diagnostic, Severity};
use super::env::{Derived, Env};
use super::model::*;
use super::timeline::*;
use super::value::Value;
use crate::engine::expr::{Expr, ExprKind};
use crate::engine::rng::Rng;
use crate::engine::tensor::{is_scalar, shape_str};
use crate::engine::{Budget, EngineError, ErrorKind, Graph, NodeId, NodeKind, Tensor};
use crate::lesson::number;

mod backward;
mod checks;
mod cost;
mod optimize;
pub mod regions;
pub mod watch;

pub use watch::Watch;

pub fn evaluate(lesson: &Lesson) -> (Timeline, Vec<Diagnostic>) {
    evaluate_until(lesson, &Cancel::default())
}

/// A flag another thread may raise to stop an evaluation: training and
/// search check it every iteration and stop with an error saying so.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<std::sync::atomic::AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// `evaluate`, stopping early (with an error) once `cancel` is raised.
pub fn evaluate_until(lesson: &Lesson, cancel: &Cancel) -> (Timeline, Vec<Diagnostic>) {
    let budget = Arc::new(super::Limits::default().budget());
    evaluate_with(lesson, cancel, budget)
}

/// `evaluate_until` within `budget`: a step that would pass it is refused
/// with an error at its place, and the steps after it are not evaluated.
pub fn evaluate_with(
    lesson: &Lesson,
    cancel: &Cancel,
    budget: Arc<Budget>,
) -> (Timeline, Vec<Diagnostic>) {
    let poisoned = lesson.broken_givens.iter().cloned().collect();
    let mut ev = Evaluator {
        lesson,
        env: Env::within(budget),
        diags: Vec::new(),
        poisoned,
        cancel: cancel.clone(),
        live: None,
    };
    for g in &lesson.givens {
        ev.env.add_given(&g.name, g.value.clone());
    }
    let initial = ev.env.snapshot();
    let mut resume = Vec::with_capacity(lesson.steps.len());
    let mut formulas = Vec::with_capacity(lesson.steps.len());
    let mut steps = Vec::with_capacity(lesson.steps.len());
    for s in &lesson.steps {
        let rerunnable = matches!(s.action, Action::Train(_) | Action::Search(_));
        resume.push(rerunnable.then(|| Arc::new(ev.env.clone())));
        steps.push(ev.step(s));
        formulas.push(s.regions.is_some().then(|| Arc::new(ev.env.clone())));
    }
    (
        Timeline {
            initial,
            steps,
            resume,
            formulas,
        },
        ev.diags,
    )
}

/// Runs a `train` or `search` step again from the values before it,
/// reporting to `live` as it goes: the same numbers as the timeline's.
/// `None` if the step cannot be run again (not such a step, or stopped).
pub fn rerun(
    lesson: &Lesson,
    timeline: &Timeline,
    index: usize,
    live: &dyn Watch,
    cancel: &Cancel,
) -> Option<StepState> {
    let step = lesson.steps.get(index)?;
    if !matches!(step.action, Action::Train(_) | Action::Search(_)) {
        return None;
    }
    let env = timeline.resume.get(index)?.as_ref()?;
    let mut ev = Evaluator {
        lesson,
        // The run was accepted within the limits at load.
        env: (**env).clone().rebudgeted(Arc::new(Budget::unlimited())),
        diags: Vec::new(),
        poisoned: HashSet::new(),
        cancel: cancel.clone(),
        live: Some(live),
    };
    let state = ev.step(step);
    live.finish();
    // Warnings were given at load; only a failure means no result.
    let failed = ev.diags.iter().any(|d| d.severity >= Severity::Failed);
    (!failed).then_some(state)
}

struct Evaluator<'a> {
    lesson: &'a Lesson,
    env: Env,
    diags: Vec<Diagnostic>,
    /// Names whose definition failed: later uses are not reported again.
    poisoned: HashSet<String>,
    cancel: Cancel,
    /// Set when the interface watches this evaluation run.
    live: Option<&'a dyn Watch>,
}

impl Evaluator<'_> {
    fn error(&mut self, message: String, span: Span) {
        self.diags.push(Diagnostic::error(message, span));
    }

    /// An engine error placed in the file: inside the formula that caused it.
    fn engine_error(&mut self, step: &Step, current: &Formula, e: EngineError) {
        let (formula, span) = match e
            .formula
            .as_deref()
            .and_then(|n| self.env.derived(n))
            .and_then(|d| d.formula.clone())
        {
            Some(f) => {
                let span = f.file_span(&e.span);
                (f, span)
            }
            None => (current.clone(), current.file_span(&e.span)),
        };
        let message = match &e.kind {
            ErrorKind::UnknownName(name) => self.unknown_name(step, name),
            ErrorKind::UnknownFunction(name) => format!(
                "{}{}",
                e.kind,
                crate::lesson::suggest::hint(name, crate::engine::ops::function_names())
            ),
            _ => e.message(),
        };
        self.error(
            format!(
                "{}: in `{}`: {}",
                step.label(),
                clip(&formula.text),
                message
            ),
            span,
        );
    }

    /// Why a name is unknown: defined by a later step, or misspelt.
    fn unknown_name(&self, step: &Step, name: &str) -> String {
        let later = self.lesson.steps.iter().find(
            |s| matches!(&s.action, Action::Let { formula, .. } if formula.statement.name == name),
        );
        match later.filter(|l| l.index > step.index) {
            Some(later) => format!(
                "`{name}` is not defined yet: {} defines it, after this step",
                later.label()
            ),
            None => {
                let hint = self
                    .env
                    .suggest(name)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                format!("unknown name `{name}`{hint}")
            }
        }
    }

    fn uses_poisoned(&self, expr: &Expr) -> bool {
        expr.names().iter().any(|(n, _)| self.poisoned.contains(*n))
    }

    fn step(&mut self, step: &Step) -> StepState {
        let before = self.env.snapshot();
        // Past the budget, nothing more is worth starting; the error that
        // passed it says where.
        if self.env.budget.is_exceeded() {
            return StepState {
                values: before,
                changed: Vec::new(),
                detail: Detail::None,
                checks: Vec::new(),
                notices: Vec::new(),
                plane: None,
            };
        }
        let mut notices = Vec::new();
        let (detail, mut changed) = match &step.action {
            Action::Show => (Detail::None, Vec::new()),
            Action::Let { formula, .. } => self.let_(step, formula),
            Action::Backward { target, span } => self.backward(step, target, span),
            Action::Update(formulas) => self.update(step, formulas),
            Action::Train(train) => self.train(step, train, &mut notices),
            Action::Search(search) => self.search(step, search),
            Action::Quiz(quiz) => (self.quiz(step, quiz), Vec::new()),
        };
        for (name, span) in &step.show {
            if !self.env.values.contains_key(name) && !self.poisoned.contains(name) {
                let hint = self
                    .env
                    .suggest(name)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                self.error(format!("{}: `show` names `{name}`, which is not defined by this step or before{hint}", step.label()), span.clone());
            }
        }
        if let Some(plot) = &step.plot {
            self.check_plot(step, plot);
        }
        self.check_predict(step);
        self.check_images(step);
        self.check_bars(step);
        let plane = match &step.regions {
            Some(regions) if self.live.is_none() => self.regions(step, regions),
            _ => None,
        };
        let mut checks = Vec::new();
        for (list, slide) in [(&step.expect, false), (&step.slide, true)] {
            for c in list {
                if let Some(outcome) = self.check(step, c, slide) {
                    checks.push(outcome);
                }
            }
        }
        changed.dedup();
        // A changed value that is numerically identical is not reported.
        changed.retain(|n| match (before.get(n), self.env.values.get(n)) {
            (Some(a), Some(b)) => a.data != b.data,
            _ => true,
        });
        let state = StepState {
            values: self.env.snapshot(),
            changed,
            detail,
            checks,
            notices,
            plane,
        };
        self.keep(step, &state);
        state
    }

    fn let_(&mut self, step: &Step, formula: &Formula) -> (Detail, Vec<String>) {
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

    /// Evaluates every right-hand side first, then assigns, then recomputes
    /// everything derived.
    fn update(&mut self, step: &Step, formulas: &[Formula]) -> (Detail, Vec<String>) {
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

    fn assignable(&mut self, step: &Step, f: &Formula) -> bool {
        let name = &f.statement.name;
        let span = f.file_span(&f.statement.name_span);
        if self.env.givens.contains(name) {
            return true;
        }
        let why = if self.env.values.contains_key(name) {
            "is derived from a formula"
        } else {
            "is not defined"
        };
        self.error(
            format!(
                "{}: `{name}` {why}; only givens can be updated",
                step.label()
            ),
            span,
        );
        false
    }

    /// Recomputes every derived value in definition order; returns those that changed.
    fn recompute(&mut self, step: &Step) -> Vec<String> {
        let mut changed = Vec::new();
        for k in 0..self.env.derived.len() {
            let d = self.env.derived[k].clone();
            if self.poisoned.contains(&d.name) {
                continue;
            }
            // Gradients are recomputed from the loss's formula; the rest from their own.
            let expand = d.formula.is_none();
            match Graph::build(&d.expr, &self.env, expand) {
                Ok((graph, root)) => {
                    let new = graph.value(root).clone();
                    if self.env.values.get(&d.name).is_none_or(|v| *v.data != new) {
                        self.env.set_value(&d.name, new);
                        changed.push(d.name.clone());
                    }
                }
                Err(e) => {
                    match &d.formula {
                        Some(f) => self.engine_error(step, f, e),
                        None => self.error(
                            format!(
                                "{}: recomputing `{}`: {}",
                                step.label(),
                                d.name,
                                e.message()
                            ),
                            step.span.clone(),
                        ),
                    }
                    self.poisoned.insert(d.name.clone());
                }
            }
        }
        changed
    }

    fn quiz(&mut self, step: &Step, quiz: &Quiz) -> Detail {
        let QuizKind::Number { answer } = &quiz.kind else {
            return Detail::Quiz(QuizState { answer: None });
        };
        if self.uses_poisoned(&answer.statement.expr) {
            return Detail::Quiz(QuizState { answer: None });
        }
        match Graph::build(&answer.statement.expr, &self.env, false) {
            Ok((g, r)) if is_scalar(g.value(r)) && !g.value(r)[0].is_finite() => {
                self.error(
                    format!(
                        "{}: the quiz answer is {}, which no learner can type; the answer must be a finite number",
                        step.label(),
                        number::short(g.value(r)[0])
                    ),
                    answer.file_span(&answer.statement.expr.span),
                );
                Detail::Quiz(QuizState { answer: None })
            }
            Ok((g, r)) if is_scalar(g.value(r)) => Detail::Quiz(QuizState {
                answer: Some(g.value(r)[0]),
            }),
            Ok((g, r)) => {
                let shape = shape_str(g.value(r).shape());
                self.error(
                    format!(
                        "{}: the quiz answer must be a single number, but it is {shape}",
                        step.label()
                    ),
                    answer.file_span(&answer.statement.expr.span),
                );
                Detail::Quiz(QuizState { answer: None })
            }
            Err(e) => {
                self.engine_error(step, answer, e);
                Detail::Quiz(QuizState { answer: None })
            }
        }
    }
}

/// Row and column names carried over from an operand of the same extent.
fn named_value(graph: &Graph, root: NodeId, env: &Env) -> Value {
    // The graph's result itself, shared rather than copied.
    let mut value = Value {
        data: graph.node(root).shared_value().clone(),
        rows: None,
        cols: None,
        labels: false,
    };
    for node in &graph.nodes {
        let NodeKind::Input(name) = &node.kind else {
            continue;
        };
        let Some(source) = env.values.get(name) else {
            continue;
        };
        if value.rows.is_none()
            && value.data.nrows() > 1
            && source.data.nrows() == value.data.nrows()
        {
            value.rows = source.rows.clone();
        }
        if value.cols.is_none()
            && value.data.ncols() > 1
            && source.data.ncols() == value.data.ncols()
        {
            value.cols = source.cols.clone();
        }
    }
    value
}

/// Long formulas are cut in messages; the snippet shows the place anyway.
pub fn clip(text: &str) -> String {
    if text.chars().count() <= 60 {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(57).collect::<String>())
    }
}
