//! The checked lesson: everything the file says, validated, with expressions
//! parsed and spans kept for later messages.

use std::ops::Range;

use super::source::SourceFile;
use super::value::Value;
use crate::engine::{Statement, Tensor};

pub use super::kinds::quiz::QuizKind;
pub use super::kinds::train::Batch;
pub use super::kinds::{Action, Quiz, Search, Train};

pub type Span = Range<usize>;

#[derive(Debug, Clone)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub order: i64,
    pub digits: usize,
    pub givens: Vec<Given>,
    pub steps: Vec<Step>,
    pub source: SourceFile,
    /// Givens whose definition was refused: later uses are not reported again.
    pub broken_givens: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Given {
    pub name: String,
    pub span: Span,
    /// Empty for a given made later (`later`): see [`Given::value`].
    pub value: Value,
    /// For `search`: how to draw the value anew.
    pub random: Option<RandomSpec>,
    /// A generated data set made when the lesson is evaluated rather than
    /// when it is checked, so that the tutor draws the lesson's first frame
    /// meanwhile (1,500 digit images take tens of milliseconds).
    pub later: Option<Later>,
}

/// A given made when the lesson is evaluated: the images of a generated
/// digits data set, or their labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Later {
    pub count: usize,
    pub seed: u64,
    pub labels: bool,
}

impl Later {
    /// The rows and columns it will have.
    pub fn shape(&self) -> (usize, usize) {
        if self.labels {
            (1, self.count)
        } else {
            (crate::engine::datasets::DIGIT_SIDE.pow(2), self.count)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RandomSpec {
    pub normal: bool,
    pub rows: usize,
    pub cols: usize,
    pub scale: f64,
    pub seed: u64,
}

/// An expression as written in the file, parsed, with where its text starts
/// in the file (when it can be mapped column for column).
#[derive(Debug, Clone)]
pub struct Formula {
    pub text: String,
    pub statement: Statement,
    /// The TOML string's span.
    pub span: Span,
    /// File offset of the expression's first character, if mappable.
    pub base: Option<usize>,
}

impl Formula {
    /// The file span of a span inside the formula's text.
    pub fn file_span(&self, inner: &Span) -> Span {
        match self.base {
            Some(b) => b + inner.start..b + inner.end.max(inner.start),
            None => self.span.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Check {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub expected: Tensor,
    pub tolerance: Tensor,
    /// Element spans, row-major like `expected`'s rows.
    pub element_spans: Vec<Vec<Span>>,
    pub vector: bool,
}

#[derive(Debug, Clone)]
pub struct Step {
    /// 1-based, as learners count.
    pub index: usize,
    pub title: String,
    pub text: String,
    pub show: Vec<(String, Span)>,
    pub action: Action,
    pub expect: Vec<Check>,
    pub slide: Vec<Check>,
    pub note: Option<String>,
    /// Speaker notes, for the lecturer's notes terminal only.
    pub notes: Option<String>,
    /// The formula in the lecture's notation, for learners.
    pub reads: Option<String>,
    /// Curves to draw: vectors against a vector (`plot = { x, y }`).
    pub plot: Option<Plot>,
    /// Decision regions to draw (`regions = { scores, x, labels }`).
    pub regions: Option<Regions>,
    /// Single numbers the learner predicts before they are shown.
    pub predict: Vec<(String, Span)>,
    /// Columns of a value drawn as pictures.
    pub images: Option<Images>,
    /// Tracked values of earlier trainings, their curves drawn together.
    pub curves: Vec<(String, Span)>,
    /// Vectors drawn as bars, one per element (`bars = ["s", "p"]`).
    pub bars: Vec<(String, Span)>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Plot {
    pub x: (String, Span),
    pub y: Vec<(String, Span)>,
}

/// The plane of `x`'s two rows, each point coloured by the row of `scores`
/// (recomputed there) that is largest; `labels` colours the data points.
#[derive(Debug, Clone)]
pub struct Regions {
    /// `None`: the points alone (a scatter), no regions.
    pub scores: Option<(String, Span)>,
    pub x: (String, Span),
    pub labels: Option<(String, Span)>,
    /// W of a linear classifier: each row's line, where that class's score
    /// is zero, drawn over the regions.
    pub lines: Option<(String, Span)>,
    /// b beside `lines`.
    pub bias: Option<(String, Span)>,
}

/// The first `count` columns of `value`, each drawn as a picture `width`
/// pixels wide (a 784-row column with width 28 is a 28×28 image).
#[derive(Debug, Clone)]
pub struct Images {
    pub value: (String, Span),
    pub width: (usize, Span),
    pub count: Option<(usize, Span)>,
}

impl Step {
    /// `step 4 "Normalize"`, the way messages name a step.
    pub fn label(&self) -> String {
        format!("step {} \"{}\"", self.index, self.title)
    }
}
