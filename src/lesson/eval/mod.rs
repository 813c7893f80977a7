//! Evaluates a checked lesson step by step into a [`Timeline`], reporting
//! every problem (unknown names, shapes, failed expects) with its place.

use std::collections::HashSet;
use std::sync::Arc;

use super::diagnostic::{Diagnostic, Severity};
use super::env::Env;
use super::model::*;
use super::timeline::*;
use super::value::Value;
use crate::engine::expr::{Expr, ExprKind};
use crate::engine::tensor::shape_str;
use crate::engine::{Budget, EngineError, ErrorKind, Graph, NodeId, NodeKind, Tensor};
use crate::lesson::number;

pub(crate) mod checks;
pub mod cost;
pub mod regions;
pub mod stages;
pub mod watch;
pub mod zero_lines;

pub use stages::{Kept, Stages};
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
    evaluate_staged(lesson, cancel, budget, None)
}

/// `evaluate_with`, telling `stages` (if any) of each step as it is done.
pub fn evaluate_staged(
    lesson: &Lesson,
    cancel: &Cancel,
    budget: Arc<Budget>,
    stages: Option<&dyn Stages>,
) -> (Timeline, Vec<Diagnostic>) {
    let poisoned = lesson.broken_givens.iter().cloned().collect();
    let mut ev = Evaluator {
        lesson,
        env: Env::within(budget),
        diags: Vec::new(),
        poisoned,
        cancel: cancel.clone(),
        live: None,
        stages,
    };
    // The givens made later are made after the tutor has the lesson.
    for g in lesson.givens.iter().filter(|g| g.later.is_none()) {
        ev.env.add_given(&g.name, g.value.clone());
    }
    let mut initial = ev.env.snapshot();
    if let Some(s) = stages {
        s.checked(lesson, &initial);
    }
    if lesson.givens.iter().any(|g| g.later.is_some()) {
        let values = crate::lesson::build::given_values(&lesson.givens);
        for (g, v) in lesson.givens.iter().zip(values) {
            if g.later.is_some() {
                ev.env.add_given(&g.name, v);
            }
        }
        initial = ev.env.snapshot();
        if let Some(s) = stages {
            s.givens(&initial);
        }
    }
    let mut resume = Vec::with_capacity(lesson.steps.len());
    let mut formulas = Vec::with_capacity(lesson.steps.len());
    let mut steps = Vec::with_capacity(lesson.steps.len());
    for (k, s) in lesson.steps.iter().enumerate() {
        let rerunnable = s.action.runs();
        resume.push(rerunnable.then(|| Arc::new(ev.env.clone())));
        steps.push(ev.step(s));
        formulas.push(s.regions.is_some().then(|| Arc::new(ev.env.clone())));
        if let Some(stages) = stages {
            let kept = Kept {
                resume: resume[k].clone(),
                formulas: formulas[k].clone(),
            };
            stages.step(k, &steps[k], kept);
        }
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
    if !step.action.runs() {
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
        stages: None,
    };
    let state = ev.step(step);
    live.finish();
    // Warnings were given at load; only a failure means no result.
    let failed = ev.diags.iter().any(|d| d.severity >= Severity::Failed);
    (!failed).then_some(state)
}

pub struct Evaluator<'a> {
    pub(crate) lesson: &'a Lesson,
    pub(crate) env: Env,
    pub(crate) diags: Vec<Diagnostic>,
    /// Names whose definition failed: later uses are not reported again.
    pub(crate) poisoned: HashSet<String>,
    pub(crate) cancel: Cancel,
    /// Set when the interface watches this evaluation run.
    pub(crate) live: Option<&'a dyn Watch>,
    /// Set when the interface opens the lesson before it is evaluated.
    pub(crate) stages: Option<&'a dyn Stages>,
}

impl Evaluator<'_> {
    pub(crate) fn error(&mut self, message: String, span: Span) {
        self.diags.push(Diagnostic::error(message, span));
    }

    /// An engine error placed in the file: inside the formula that caused it.
    pub(crate) fn engine_error(&mut self, step: &Step, current: &Formula, e: EngineError) {
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
        let later = self
            .lesson
            .steps
            .iter()
            .find(|s| matches!(&s.action, Action::Let(l) if l.formula.statement.name == name));
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

    pub(crate) fn uses_poisoned(&self, expr: &Expr) -> bool {
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
        let (detail, mut changed) = self.act(step, &mut notices);
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

    pub(crate) fn assignable(&mut self, step: &Step, f: &Formula) -> bool {
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
    pub(crate) fn recompute(&mut self, step: &Step) -> Vec<String> {
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
}

/// Row and column names carried over from an operand of the same extent.
pub(crate) fn named_value(graph: &Graph, root: NodeId, env: &Env) -> Value {
    // The graph's result itself, shared rather than copied.
    let mut value = Value {
        data: graph.node(root).shared_value().clone(),
        rows: None,
        cols: None,
        labels: false,
        classes: None,
        written: 0,
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
    value.classes = classes_of(graph, root, env);
    value
}

/// The class names an argmax picks among: the row names (`colargmax`) or
/// column names (`rowargmax`) of a value the size of its operand.
fn classes_of(graph: &Graph, root: NodeId, env: &Env) -> Option<Vec<String>> {
    let node = graph.node(root);
    let by_rows = match node.kind {
        NodeKind::Op(crate::engine::ops::Op::ColArgmax) => true,
        NodeKind::Op(crate::engine::ops::Op::RowArgmax) => false,
        _ => return None,
    };
    let operand = graph.value(*node.inputs.first()?);
    graph.nodes.iter().find_map(|n| {
        let NodeKind::Input(name) = &n.kind else {
            return None;
        };
        let source = env.values.get(name)?;
        if by_rows {
            (source.data.nrows() == operand.nrows()).then(|| source.rows.clone())?
        } else {
            (source.data.ncols() == operand.ncols()).then(|| source.cols.clone())?
        }
    })
}

/// Long formulas are cut in messages; the snippet shows the place anyway.
pub fn clip(text: &str) -> String {
    if text.chars().count() <= 60 {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(57).collect::<String>())
    }
}
