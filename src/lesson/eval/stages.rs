//! An evaluation reporting as it goes, so that the tutor can open a lesson
//! before its trainings finish: the checked lesson first, then each step's
//! state as soon as it is evaluated, and the iterations of the step under
//! way. The numbers are the evaluation's own; only their arrival is early.

use std::sync::Arc;

use crate::lesson::Lesson;
use crate::lesson::env::Env;
use crate::lesson::timeline::{StepState, Values};

pub trait Stages: Sync {
    /// The lesson is checked and its givens are set (`initial`), but for
    /// those made as it is evaluated (generated digits); no step is
    /// evaluated yet.
    fn checked(&self, lesson: &Lesson, initial: &Arc<Values>);
    /// Every given is made: all of them (after `checked`, before the
    /// first step; only for a lesson with givens made later).
    fn givens(&self, initial: &Arc<Values>);
    /// Step `k` (0-based) is evaluated: its state, and the values kept to
    /// run it again (`resume`) or to draw its regions (`formulas`).
    fn step(&self, k: usize, state: &StepState, kept: Kept);
    /// `done` of `total` iterations (or search trials) of step `k` are
    /// complete.
    fn iterations(&self, k: usize, done: usize, total: usize);
}

/// What a timeline keeps beside a step's state.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    pub resume: Option<Arc<Env>>,
    pub formulas: Option<Arc<Env>>,
}
