//! `[[steps]]` as written: the one action a step takes (its kind's spec
//! lives with the kind, in `lesson::kinds`), its checks, and what it draws.

use schemars::JsonSchema;
use serde::Deserialize;

use super::Span;
use super::values::{Checks, Names, Sp};
pub use crate::lesson::kinds::ACTIONS;
use crate::lesson::kinds::RawKinds;

// The step's schema: the keys every step may have, and those of every
// kind, which are read on their own.
/// One step of the lesson: text, at most one action, checks, pictures.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "step")]
pub struct StepSchema {
    #[serde(flatten)]
    pub common: RawStep,
    #[serde(flatten)]
    pub kinds: RawKinds,
}

/// The keys every step may have, whatever its kind.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "a table: a step")]
pub struct RawStep {
    /// Where the step is in the file.
    #[serde(skip)]
    pub span: Span,
    /// The action keys present (`let`, `train`, …) where they are written,
    /// to refuse more than one.
    #[serde(skip)]
    pub actions: Vec<Sp<&'static str>>,
    /// The keys of the step's kind, read on their own.
    #[serde(skip)]
    pub kinds: RawKinds,
    /// The step's heading.
    #[schemars(length(max = 200))]
    pub title: Sp<String>,
    /// What the learner reads first.
    #[schemars(length(max = 20000))]
    pub text: Option<Sp<String>>,
    /// Values to show as they stand.
    #[serde(default)]
    pub show: Names,
    /// How the step's formula (its `let`, or a number quiz's answer) reads
    /// in the lecture's notation, shown to learners in its place:
    /// `L_i = Σ_{j≠y_i} max(0, s_j − s_{y_i} + Δ)`.
    #[schemars(length(max = 200))]
    pub reads: Option<Sp<String>>,
    /// With `update` or `train`: the formulas run one after another, each
    /// seeing the givens the ones before it assigned (gradients stay those
    /// of the values the step, or the iteration, started from), as Adam is
    /// written: m, then s, then W from them. Without it, every right-hand
    /// side is computed before any is assigned.
    #[serde(default)]
    pub in_order: Option<Sp<bool>>,
    /// What the engine must compute, at the precision written.
    pub expect: Option<Checks>,
    /// What the slides print; a difference is a note for the learner.
    pub slide: Option<Checks>,
    /// Why the slides print another number.
    #[schemars(length(max = 20000))]
    pub note: Option<Sp<String>>,
    /// Speaker notes: never drawn on the tutor's screen; shown by `nntutor
    /// follow ... --notes`, the lecturer's own second terminal.
    #[schemars(length(max = 20000))]
    pub notes: Option<Sp<String>>,
    pub plot: Option<PlotSpec>,
    pub regions: Option<RegionsSpec>,
    /// Single numbers the learner types a prediction of before the step
    /// shows them.
    #[serde(default)]
    pub predict: Names,
    pub images: Option<ImagesSpec>,
    /// Values tracked by earlier trainings, their curves drawn together
    /// (`curves = ["acc", "acch"]` compares two runs).
    #[serde(default)]
    pub curves: Names,
    /// Vectors drawn as horizontal bars, one per element (softmax
    /// probabilities beside their scores).
    #[serde(default)]
    pub bars: Names,
}

/// Curves of vectors drawn against a vector of the same length.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { x = \"z\", y = [\"sig\"] }"
)]
pub struct PlotSpec {
    /// The name of a vector: the horizontal axis.
    #[schemars(length(max = 200))]
    pub x: Sp<String>,
    /// A list of vectors to draw against it.
    pub y: Names,
}

/// Decision regions: the plane of x's two rows, coloured by the largest
/// row of the formula `scores` recomputed there.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { scores = \"S\", x = \"X\" }"
)]
pub struct RegionsSpec {
    /// A formula's name giving one row per class; left out, the data
    /// points alone are drawn (a scatter of the data set).
    #[schemars(length(max = 200))]
    pub scores: Option<Sp<String>>,
    /// The given with the points (two rows: the plane).
    #[schemars(length(max = 200))]
    pub x: Sp<String>,
    /// The points' class labels, to colour them.
    #[schemars(length(max = 200))]
    pub labels: Option<Sp<String>>,
    /// A matrix with one row of two weights per class (W of a linear
    /// classifier): each row's line w · x + b = 0, where the class's score
    /// is zero, is drawn with an arrow towards higher scores.
    #[schemars(length(max = 200))]
    pub lines: Option<Sp<String>>,
    /// One number per row of `lines` (the biases b); left out, zero.
    #[schemars(length(max = 200))]
    pub bias: Option<Sp<String>>,
}

/// The first `count` columns of a value drawn as pictures `width` pixels
/// wide.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { value = \"W\", width = 28 }"
)]
pub struct ImagesSpec {
    /// The name of a matrix whose columns are images.
    #[schemars(length(max = 200))]
    pub value: Sp<String>,
    /// Pixels per row (28 if left out).
    #[schemars(range(min = 1))]
    pub width: Option<Sp<i64>>,
    /// How many columns to draw.
    #[schemars(range(min = 1))]
    pub count: Option<Sp<i64>>,
}
