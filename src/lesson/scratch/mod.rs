//! A scratch: formulas and values typed on the command line (`nntutor try
//! "f = (x + y) * z" x=-2 y=5 z=-4`) or in the tutor (`:`), made into a
//! one-off lesson: the givens shown, each formula walked element by
//! element, the last one differentiated back to every given. The lesson is
//! ordinary lesson text, loaded with every check and budget of a file, so a
//! scratch can be saved as a starting point; its diagnostics are pointed
//! back at what was typed.

mod args;
mod at_step;
mod text;

use std::ops::Range;

pub use args::{parse, parse_formulas};
pub use at_step::at_step;
pub use text::lesson_text;

use super::diagnostic::Diagnostic;
use super::source::SourceFile;

/// One argument as typed, for messages: `formula` or `value 2`.
#[derive(Debug, Clone, PartialEq)]
pub struct Typed {
    pub label: String,
    pub text: String,
}

/// What was typed, understood: formulas and givens, each knowing where in
/// the typed arguments it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Scratch {
    /// The typed arguments: the formulas first, then each value.
    pub typed: Vec<Typed>,
    pub formulas: Vec<Formula>,
    pub givens: Vec<Given>,
    /// The decimals numbers are shown with (the lesson's default unless set).
    pub digits: Option<usize>,
}

/// `name = expression`, as typed (`f` is supplied when only an
/// expression was typed).
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    pub name: String,
    /// The whole statement, as it goes into the lesson.
    pub statement: String,
    /// Where the statement's text starts in the formula argument (`None`:
    /// the name was supplied, and the expression starts at `expr_at`).
    pub at: Option<usize>,
    /// Where the expression starts in the formula argument.
    pub expr_at: usize,
    /// Where its name is in the formula argument (the expression, when
    /// the name was supplied).
    pub name_span: Range<usize>,
}

/// A given: its name and its value as lesson text.
#[derive(Debug, Clone, PartialEq)]
pub struct Given {
    pub name: String,
    /// The name's place in its argument.
    pub name_span: Range<usize>,
    /// A TOML value: `-2`, `[[1, 2], [3, 4]]`, `{ random = "normal", ... }`.
    pub toml: String,
    /// Which typed argument it came from.
    pub arg: usize,
    /// Where the value starts in that argument, when `toml` is a verbatim
    /// copy of it (a random value is rewritten: `None`).
    pub verbatim_at: Option<usize>,
    /// The value's place in its argument.
    pub value_span: Range<usize>,
}

/// A problem with what was typed, at a place in one argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub arg: usize,
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl Fault {
    pub(crate) fn new(arg: usize, span: Range<usize>, message: impl Into<String>) -> Fault {
        Fault {
            arg,
            span,
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Fault {
        self.help = Some(help.into());
        self
    }
}

/// The lesson text of a scratch, with where each piece of it came from.
#[derive(Debug, Clone)]
pub struct Generated {
    pub text: String,
    pieces: Vec<Piece>,
}

/// A stretch of the lesson text copied from (or standing for) a typed
/// argument.
#[derive(Debug, Clone)]
struct Piece {
    toml: Range<usize>,
    arg: usize,
    at: usize,
    /// Byte for byte (a column inside maps to the same column typed);
    /// otherwise the whole of `len` bytes at `at` is meant.
    verbatim: bool,
    len: usize,
    /// What to add to any problem found here.
    help: Option<&'static str>,
}

impl Generated {
    /// A diagnostic of the lesson pointed back at what was typed: the
    /// argument it concerns, as a source file, and the diagnostic with its
    /// place in that argument. `None`: it is about the generated text as a
    /// whole (reported against it).
    pub fn locate(&self, d: &Diagnostic, scratch: &Scratch) -> Option<(SourceFile, Diagnostic)> {
        let span = d.span.as_ref()?;
        let piece = self
            .pieces
            .iter()
            .find(|p| p.toml.start <= span.start && span.start <= p.toml.end)?;
        let typed = scratch.typed.get(piece.arg)?;
        let inside = if piece.verbatim {
            let start = piece.at + (span.start - piece.toml.start);
            let end = piece.at + (span.end.min(piece.toml.end) - piece.toml.start);
            start..end.max(start)
        } else {
            piece.at..piece.at + piece.len
        };
        let file = SourceFile::new(typed.label.clone(), typed.text.clone());
        Some((
            file,
            Diagnostic {
                span: Some(inside),
                help: piece.help.map(String::from).or_else(|| d.help.clone()),
                ..d.clone()
            },
        ))
    }
}

/// A fault in what was typed, as a diagnostic over the argument it is in.
pub fn fault_diagnostic(typed: &[Typed], fault: &Fault) -> (SourceFile, Diagnostic) {
    let (label, text) = typed
        .get(fault.arg)
        .map_or(("formula", ""), |t| (t.label.as_str(), t.text.as_str()));
    let mut d = Diagnostic::error(fault.message.clone(), fault.span.clone());
    if let Some(h) = &fault.help {
        d = d.with_help(h.clone());
    }
    (SourceFile::new(label, text), d)
}

/// The arguments as typed, labelled for messages.
pub fn typed(formulas: &str, values: &[String]) -> Vec<Typed> {
    let mut typed = vec![Typed {
        label: "formula".into(),
        text: formulas.to_string(),
    }];
    for (k, v) in values.iter().enumerate() {
        typed.push(Typed {
            label: format!("value {}", k + 1),
            text: v.clone(),
        });
    }
    typed
}
