//! The lesson file as written: the TOML tree walked into plain structs, every
//! field with its span. Unknown keys and wrong types are collected as
//! diagnostics (all of them, not just the first) rather than stopping.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

mod given;
mod steps;
mod values;

use super::diagnostic::Diagnostic;
use super::source::SourceFile;

pub type Span = Range<usize>;

/// A value with the span of its text in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    pub v: T,
    pub span: Span,
}

/// A numeric literal: rows of numbers, each with the tolerance its written
/// precision implies (5.27 → 0.005) and its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    pub rows: Vec<Vec<Sp<f64>>>,
    pub tolerances: Vec<Vec<f64>>,
    /// Written as a flat list (a column vector) or a single number.
    pub flat: bool,
    pub scalar: bool,
}

#[derive(Debug, Clone)]
pub enum RawGivenSpec {
    Literal {
        value: Sp<Literal>,
        rows: Option<Sp<Vec<String>>>,
        cols: Option<Sp<Vec<String>>>,
        labels: bool,
    },
    Random {
        dist: Sp<String>,
        shape: Sp<Vec<i64>>,
        scale: f64,
        seed: i64,
    },
    Dataset {
        name: Sp<String>,
        points: Option<Sp<i64>>,
        classes: Option<Sp<i64>>,
        count: Option<Sp<i64>>,
        seed: i64,
    },
    File {
        path: Sp<String>,
        format: Option<Sp<String>>,
    },
}

#[derive(Debug, Clone)]
pub struct RawGiven {
    pub name: Sp<String>,
    pub spec: RawGivenSpec,
}

#[derive(Debug, Clone)]
pub struct RawCheck {
    pub name: Sp<String>,
    pub value: Sp<Literal>,
}

#[derive(Debug, Clone)]
pub struct RawQuiz {
    pub question: Sp<String>,
    pub answer: Option<Sp<String>>,
    pub choices: Option<Sp<Vec<String>>>,
    pub correct: Option<Sp<i64>>,
    pub explain: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RawBatch {
    pub size: Sp<i64>,
    pub data: Sp<Vec<Sp<String>>>,
    pub seed: i64,
}

#[derive(Debug, Clone)]
pub struct RawTrain {
    pub span: Span,
    pub steps: Sp<i64>,
    pub update: Vec<Sp<String>>,
    pub track: Vec<Sp<String>>,
    pub every: Option<Sp<i64>>,
    pub batch: Option<RawBatch>,
}

#[derive(Debug, Clone)]
pub struct RawSearch {
    pub span: Span,
    pub trials: Sp<i64>,
    pub param: Sp<String>,
    pub loss: Sp<String>,
    pub seed: i64,
}

#[derive(Debug, Clone, Default)]
pub struct RawStep {
    pub span: Span,
    pub title: Option<Sp<String>>,
    pub text: Option<String>,
    pub show: Vec<Sp<String>>,
    pub let_: Option<Sp<String>>,
    pub expand: bool,
    pub backward: Option<Sp<String>>,
    pub update: Option<Sp<Vec<Sp<String>>>>,
    pub train: Option<RawTrain>,
    pub search: Option<RawSearch>,
    pub quiz: Option<RawQuiz>,
    pub expect: Vec<RawCheck>,
    pub expect_tol: Option<f64>,
    pub slide: Vec<RawCheck>,
    pub slide_tol: Option<f64>,
    pub note: Option<String>,
    pub plot: Option<RawPlot>,
    pub regions: Option<RawRegions>,
    /// Values the learner is asked to predict before they are shown.
    pub predict: Vec<Sp<String>>,
    pub images: Option<RawImages>,
    /// Vectors to draw as bars.
    pub bars: Vec<Sp<String>>,
    /// The action keys present, to refuse more than one.
    pub actions: Vec<Sp<&'static str>>,
}

/// `plot = { x = "z", y = ["sig", "dsig"] }`: curves of vectors against a
/// vector of the same length.
#[derive(Debug, Clone)]
pub struct RawPlot {
    pub x: Sp<String>,
    pub y: Vec<Sp<String>>,
    pub span: Span,
}

/// `regions = { scores = "S", x = "X", labels = "y" }`: the plane of the
/// two rows of `x`, coloured by the class `scores` gives each point.
#[derive(Debug, Clone)]
pub struct RawRegions {
    pub scores: Sp<String>,
    pub x: Sp<String>,
    pub labels: Option<Sp<String>>,
}

/// `images = { value = "W", width = 28, count = 10 }`: the columns of a
/// value drawn as pictures `width` pixels wide.
#[derive(Debug, Clone)]
pub struct RawImages {
    pub value: Sp<String>,
    pub width: Option<Sp<i64>>,
    pub count: Option<Sp<i64>>,
}

#[derive(Debug, Clone, Default)]
pub struct RawLesson {
    pub id: Option<Sp<String>>,
    pub title: Option<Sp<String>>,
    pub summary: Option<String>,
    pub order: Option<Sp<i64>>,
    pub digits: Option<Sp<i64>>,
    pub given: Vec<RawGiven>,
    pub steps: Vec<RawStep>,
    pub steps_span: Option<Span>,
}

/// Reads the TOML text into a raw lesson, collecting every problem found.
pub fn read(file: &SourceFile) -> (RawLesson, Vec<Diagnostic>) {
    let (doc, toml_errors) = DeTable::parse_recoverable(&file.text);
    // After the first syntax error the parser's guesses cascade; the first
    // one is the one to fix.
    if let Some(first) = toml_errors.first() {
        let span = first
            .span()
            .unwrap_or_else(|| unplaced_error_line(&file.text, first.message()));
        let message = match first.message().trim() {
            "recursion limit" => {
                "keys, tables or arrays are nested too deeply here (the reader's recursion limit)"
            }
            m => m,
        };
        let mut d = Diagnostic::error(format!("TOML syntax: {message}"), span);
        if toml_errors.len() > 1 {
            d = d.with_help(format!(
                "{} more syntax errors follow from this one; fix it and check again",
                toml_errors.len() - 1
            ));
        }
        return (RawLesson::default(), vec![d]);
    }
    let mut w = Walker {
        file,
        diags: Vec::new(),
    };
    let lesson = w.lesson(doc.get_ref(), doc.span());
    (lesson, w.diags)
}

/// Where an error the parser gives no place for (its recursion limit, hit
/// by a key of hundreds of dotted parts) first appears: the shortest run of
/// whole lines that already gives it, found by halving. The start of that
/// last line.
fn unplaced_error_line(text: &str, message: &str) -> Span {
    let ends: Vec<usize> = text
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .chain(std::iter::once(text.len()))
        .collect();
    let fails = |k: usize| {
        let (_, errors) = DeTable::parse_recoverable(&text[..ends[k]]);
        errors
            .iter()
            .any(|e| e.span().is_none() && e.message() == message)
    };
    let (mut lo, mut hi) = (0, ends.len() - 1);
    if !fails(hi) {
        return 0..0;
    }
    while lo < hi {
        let mid = (lo + hi) / 2;
        if fails(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let start = if lo == 0 { 0 } else { ends[lo - 1] };
    start..start
}

struct Walker<'f> {
    file: &'f SourceFile,
    diags: Vec<Diagnostic>,
}

type Table<'i> = DeTable<'i>;
type Val<'i> = Spanned<DeValue<'i>>;

pub const TOP_KEYS: &[&str] = &[
    "id", "title", "summary", "order", "digits", "given", "steps",
];
pub const STEP_KEYS: &[&str] = &[
    "title", "text", "show", "let", "expand", "backward", "update", "train", "search", "quiz",
    "expect", "slide", "note", "plot", "regions", "predict", "images", "bars",
];

impl Walker<'_> {
    fn lesson(&mut self, doc: &Table<'_>, span: Span) -> RawLesson {
        self.known_keys(doc, TOP_KEYS, "the lesson");
        let mut lesson = RawLesson::default();
        for (key, v) in doc {
            match key.get_ref().as_ref() {
                "id" => lesson.id = self.string(v, "`id`"),
                "title" => lesson.title = self.string_of(v, "`title`", values::MAX_NAME),
                "summary" => {
                    lesson.summary = self
                        .string_of(v, "`summary`", values::MAX_PARAGRAPH)
                        .map(|s| s.v)
                }
                "order" => lesson.order = self.int(v, "`order`"),
                "digits" => lesson.digits = self.int(v, "`digits`"),
                "given" => {
                    if let Some(t) = self.table(v, "`given`") {
                        lesson.given = t.iter().filter_map(|(k, v)| self.given(k, v)).collect();
                    }
                }
                "steps" => {
                    lesson.steps_span = Some(key.span());
                    match v.get_ref() {
                        DeValue::Array(items) => {
                            lesson.steps =
                                items.iter().filter_map(|item| self.step(item)).collect();
                        }
                        other => self.err(
                            format!(
                                "`steps` must be a list of tables (`[[steps]]`), not {}",
                                other.type_str()
                            ),
                            v.span(),
                        ),
                    }
                }
                _ => {}
            }
        }
        for (name, field) in [
            ("id", lesson.id.is_none()),
            ("title", lesson.title.is_none()),
        ] {
            if field
                && !self
                    .diags
                    .iter()
                    .any(|d| d.message.contains(&format!("`{name}`")))
            {
                self.err(
                    format!("the lesson has no `{name}`"),
                    span.start..span.start,
                );
            }
        }
        lesson
    }
}

/// Half a unit in the last written digit: `5.27` → 0.005, `0` → 0.5,
/// `1.5e-3` → 0.00005.
pub fn written_tolerance(text: &str) -> f64 {
    let t = text.trim().trim_start_matches(['+', '-']);
    if t.contains("inf") || t.contains("nan") {
        return 0.0;
    }
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(p) => (&t[..p], t[p + 1..].parse::<i32>().unwrap_or(0)),
        None => (t, 0),
    };
    let decimals = mantissa.find('.').map_or(0, |p| mantissa.len() - p - 1) as i32;
    0.5 * 10f64.powi(exponent - decimals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance_from_the_written_precision() {
        assert_eq!(written_tolerance("5.27"), 0.005);
        assert_eq!(written_tolerance("0"), 0.5);
        assert_eq!(written_tolerance("-12.9"), 0.05);
        assert!((written_tolerance("1.5e-3") - 0.00005).abs() < 1e-18);
        assert_eq!(written_tolerance("164.0"), 0.05);
    }
}
