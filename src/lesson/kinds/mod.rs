//! The step kinds, each in a file of its own: how its part of a step is
//! read and checked, how it is evaluated, and the block it puts in the
//! step's document. This file is their registry: a new kind is a file and
//! one line in each of the three dispatches below.

mod backward;
mod let_;
mod quiz;
mod search;
mod train;
mod update;

pub use quiz::QuizSpec;
pub use search::SearchSpec;
pub use train::{BatchSpec, TrainSpec};

use super::build::Builder;
use super::document::Block;
use super::eval::Evaluator;
use super::gradcheck::at as gradient_check;
use super::model::{Action, Lesson, Step};
use super::raw::RawStep;
use super::timeline::{Detail, Timeline};

/// What each kind's file needs.
mod prelude {
    pub(crate) use crate::engine::expr::{Expr, ExprKind};
    pub(crate) use crate::engine::rng::Rng;
    pub(crate) use crate::engine::tensor::{is_scalar, shape_str};
    pub(crate) use crate::engine::{Graph, NodeId, Tensor};
    pub(crate) use crate::lesson::build::{Builder, is_name};
    pub(crate) use crate::lesson::diagnostic::{Diagnostic, Severity};
    pub(crate) use crate::lesson::env::Derived;
    pub(crate) use crate::lesson::eval::{Evaluator, named_value};
    pub(crate) use crate::lesson::model::*;
    pub(crate) use crate::lesson::number;
    pub(crate) use crate::lesson::raw::{Answer, Formulas, Names, Paragraphs, Sp};
    pub(crate) use crate::lesson::timeline::*;
    pub(crate) use crate::lesson::value::Value;
    pub(crate) use schemars::JsonSchema;
    pub(crate) use serde::Deserialize;
    pub(crate) use std::sync::Arc;
}

/// `in_order = true`, which goes with `update` and `train`.
fn in_order(s: &RawStep) -> bool {
    s.in_order.as_ref().is_some_and(|o| o.v)
}

/// The kind of a step, from the one action key it has (a step without one
/// shows values and text).
pub(crate) fn build(b: &mut Builder, s: &RawStep, label: &str) -> Option<Action> {
    if let Some(o) = s
        .in_order
        .as_ref()
        .filter(|_| s.update.is_none() && s.train.is_none())
    {
        b.err(
            format!("{label}: `in_order` goes with `update` or `train`: it orders their formulas"),
            o.span.clone(),
        );
        return None;
    }
    if let Some(l) = &s.let_ {
        let_::build(b, l, s.expand, label)
    } else if let Some(target) = &s.backward {
        backward::build(b, target, &s.walk, label)
    } else if let Some(u) = &s.update {
        update::build(b, u, in_order(s), label)
    } else if let Some(t) = &s.train {
        train::build(b, t, in_order(s), label)
    } else if let Some(sr) = &s.search {
        search::build(b, sr, label)
    } else if let Some(q) = &s.quiz {
        quiz::build(b, q, label)
    } else {
        Some(Action::Show)
    }
}

impl Evaluator<'_> {
    /// Evaluates a step's kind: what it shows and the names it defined or
    /// changed.
    pub(crate) fn act(&mut self, step: &Step, notices: &mut Vec<String>) -> (Detail, Vec<String>) {
        match &step.action {
            Action::Show => (Detail::None, Vec::new()),
            Action::Let { formula, .. } => self.let_(step, formula),
            Action::Backward { target, span, walk } => self.backward(step, target, span, walk),
            Action::Update(formulas, in_order) => self.update(step, formulas, *in_order),
            Action::Train(train) => self.train(step, train, notices),
            Action::Search(search) => self.search(step, search),
            Action::Quiz(quiz) => (self.quiz(step, quiz), Vec::new()),
        }
    }
}

/// The block a step's kind puts in its document.
pub(crate) fn block<'a>(lesson: &'a Lesson, timeline: &'a Timeline, k: usize) -> Option<Block<'a>> {
    let step = &lesson.steps[k];
    let state = &timeline.steps[k];
    Some(match (&step.action, &state.detail) {
        (Action::Let { expand, .. }, Detail::Let(c)) => Block::Computed {
            c,
            reads: step.reads.as_deref(),
            expand: *expand,
            check: gradient_check(lesson, timeline, k),
        },
        (_, Detail::Backward(b)) => Block::Backward(b),
        (_, Detail::Update(comps)) => Block::Updated(comps),
        (Action::Train(train), Detail::Train(run)) => Block::Trained {
            updates: train.updates.iter().map(|u| u.text.as_str()).collect(),
            batch: train.batch.as_ref().map(|b| b.size),
            run,
        },
        (_, Detail::Search(s)) => Block::Searched(s),
        (Action::Quiz(quiz), Detail::Quiz(q)) => Block::Asked {
            quiz,
            reads: step.reads.as_deref(),
            answer: q.answer,
        },
        _ => return None,
    })
}

/// What a training or search set: shown after it runs. (What it tracked
/// is not: its first and last values are on the run's own lines.)
pub(crate) fn run_names(step: &Step) -> Vec<&str> {
    match &step.action {
        Action::Train(train) => train
            .updates
            .iter()
            .map(|f| f.statement.name.as_str())
            .collect(),
        Action::Search(s) => vec![s.param.0.as_str()],
        _ => Vec::new(),
    }
}
