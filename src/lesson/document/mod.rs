//! What a step shows, as one document that every output renders: the
//! tutor's screen, the text and markdown walk-throughs and the JSON export.
//! A document is the step's title and text, then blocks in reading order:
//! what the step's kind computed (its formulas, arithmetic, graph, run or
//! quiz), the pictures it asks for, the values it shows, and what it
//! checks. The walk inside a step (the elements of a result, the nodes of a
//! backward pass) is part of it.
//!
//! The step kinds are matched here, once; the outputs match on blocks.

pub mod chain;
pub mod walk;

pub use walk::Walk;

use super::eval::regions::Plane;
use super::gradcheck::GradCheck;
use super::model::{Images, Lesson, Plot, Quiz, Regions, Span, Step};
use super::timeline::{
    BackwardState, CheckOutcome, Computation, Detail, SearchState, StepState, Timeline, TrainState,
};

/// Who a document is for. A learner sees the lecture: a slide's number
/// that differs from the engine's, with why, but not the author's checks
/// (`✓ e = … (computed …)`) that the lesson's numbers are what it promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Audience {
    #[default]
    Learner,
    Author,
}

impl Audience {
    /// A number quiz's answer formula as this reader sees it.
    pub fn answer<'a>(self, formula: &'a str, reads: Option<&'a str>) -> &'a str {
        match (reads, self) {
            (Some(r), Audience::Learner) => r,
            _ => formula,
        }
    }

    /// The lines that show a formula: a learner reads it in the lecture's
    /// notation where the lesson gives one; an author sees that and what
    /// the engine computes.
    pub fn formula(self, formula: &str, reads: Option<&str>) -> Vec<String> {
        match (reads, self) {
            (None, _) => vec![formula.to_string()],
            (Some(r), Audience::Learner) => vec![r.to_string()],
            (Some(r), Audience::Author) => vec![r.to_string(), format!("computed as {formula}")],
        }
    }

    /// Whether this reader sees a check: an author every one, a learner
    /// only the slides' numbers that the formula does not give.
    pub fn sees(self, check: &CheckOutcome) -> bool {
        self == Audience::Author || (check.slide && !check.passed)
    }
}

/// How a tracked value is named beside its curve. In a minibatch training
/// it is the value on each iteration's minibatch, not on all the data,
/// which the step shows after the run: saying so keeps the two apart.
pub fn tracked_name(name: &str, batch: Option<usize>) -> String {
    match batch {
        Some(size) => format!("{name} (on each minibatch of {size})"),
        None => name.to_string(),
    }
}

/// Each named curve as the latest training before step `k` tracked it.
fn earlier_curves<'a>(
    timeline: &'a Timeline,
    k: usize,
    names: &'a [(String, Span)],
) -> Vec<(&'a str, &'a [(usize, f64)])> {
    names
        .iter()
        .filter_map(|(name, _)| {
            timeline.steps[..k]
                .iter()
                .rev()
                .find_map(|s| match &s.detail {
                    Detail::Train(t) => t
                        .curves
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, c)| (name.as_str(), c.as_slice())),
                    _ => None,
                })
        })
        .collect()
}

/// One step, ready to be shown.
pub struct Document<'a> {
    pub lesson: &'a Lesson,
    pub step: &'a Step,
    pub state: &'a StepState,
    pub blocks: Vec<Block<'a>>,
    /// Who it is for (what a formula shows, which checks).
    pub audience: Audience,
}

/// A part of a step's document.
pub enum Block<'a> {
    /// A result computed by a formula: its operands, the arithmetic of
    /// each element (walked through one by one when `expand`), and the
    /// result; with a gradient check when the step's value is one side of
    /// one.
    Computed {
        c: &'a Computation,
        /// The formula in the lecture's notation (`reads`), if the lesson
        /// gives one.
        reads: Option<&'a str>,
        expand: bool,
        check: Option<GradCheck>,
    },
    /// A backward pass: the graph, and the chain rule node by node from
    /// the loss back to the inputs.
    Backward(&'a BackwardState),
    /// Givens changed by formulas: the arithmetic per element, before and
    /// after, and what was recomputed with the new values.
    Updated(&'a [Computation]),
    /// A training: its update formulas, its minibatches, its curves.
    Trained {
        updates: Vec<&'a str>,
        batch: Option<usize>,
        run: &'a TrainState,
    },
    /// A random search: the losses of its trials, the best one.
    Searched(&'a SearchState),
    /// A question, with the engine's answer for a number.
    Asked {
        quiz: &'a Quiz,
        reads: Option<&'a str>,
        answer: Option<f64>,
    },
    /// Vectors drawn as curves against a vector.
    Plot(&'a Plot),
    /// The decision regions after the step (those of a training or a
    /// search are part of its run).
    Regions {
        regions: &'a Regions,
        plane: Option<&'a Plane>,
    },
    /// Vectors drawn as bars.
    Bars(&'a [(String, Span)]),
    /// Curves of earlier trainings, drawn together: (name, points).
    Curves(Vec<(&'a str, &'a [(usize, f64)])>),
    /// Columns of a value drawn as pictures.
    Images(&'a Images),
    /// Values shown by name: those the step asks for and, after a run, what
    /// it set and tracked.
    Shown {
        asked: Vec<&'a str>,
        run: Vec<&'a str>,
    },
    /// What the step promises about its numbers, and what the slides
    /// print: those its reader sees.
    Checks(Vec<&'a CheckOutcome>),
    /// Where the slides print other numbers than the engine computes.
    SlideNote(&'a str),
    /// Things the learner should know (a training diverged).
    Notices(&'a [String]),
}

impl Block<'_> {
    /// Whether the block is a computation's (a step that computes shows
    /// its numbers before its words in presentation mode).
    pub fn computes(&self) -> bool {
        matches!(
            self,
            Block::Computed { .. }
                | Block::Backward(_)
                | Block::Updated(_)
                | Block::Trained { .. }
                | Block::Searched(_)
        )
    }
}

impl<'a> Document<'a> {
    /// The document of step `k` (0-based) for `audience`.
    pub fn of(
        lesson: &'a Lesson,
        timeline: &'a Timeline,
        k: usize,
        audience: Audience,
    ) -> Document<'a> {
        let step = &lesson.steps[k];
        let state = &timeline.steps[k];
        let mut blocks = Vec::new();
        blocks.extend(super::kinds::block(super::kinds::At {
            lesson,
            timeline,
            k,
        }));
        if let Some(plot) = &step.plot {
            blocks.push(Block::Plot(plot));
        }
        // A run's regions are part of its run.
        let runs = step.action.runs() && !matches!(state.detail, Detail::None);
        if let Some(regions) = step.regions.as_ref().filter(|_| !runs) {
            let plane = state.plane.as_deref();
            blocks.push(Block::Regions { regions, plane });
        }
        if !step.bars.is_empty() {
            blocks.push(Block::Bars(&step.bars));
        }
        let curves = earlier_curves(timeline, k, &step.curves);
        if !curves.is_empty() {
            blocks.push(Block::Curves(curves));
        }
        if let Some(images) = &step.images {
            blocks.push(Block::Images(images));
        }
        blocks.push(Block::Shown {
            asked: step.show.iter().map(|(n, _)| n.as_str()).collect(),
            run: step.action.sets(),
        });
        let checks: Vec<&CheckOutcome> = state.checks.iter().filter(|c| audience.sees(c)).collect();
        if !checks.is_empty() {
            blocks.push(Block::Checks(checks));
        }
        if let Some(note) = &step.note {
            blocks.push(Block::SlideNote(note));
        }
        if !state.notices.is_empty() {
            blocks.push(Block::Notices(&state.notices));
        }
        Document {
            lesson,
            step,
            state,
            blocks,
            audience,
        }
    }

    /// The positions inside the step.
    pub fn walk(&self) -> Walk {
        Walk::of(&self.blocks)
    }
}
