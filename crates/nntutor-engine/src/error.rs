use super::budget::Exceeded;
use super::expr::Span;

/// An error in an expression: what went wrong and where in the text.
///
/// `span` indexes the text of the formula named by `formula`; `None` means the
/// expression that was being evaluated, so a caller can point into its source.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{kind}")]
pub struct EngineError {
    pub kind: ErrorKind,
    pub span: Span,
    pub formula: Option<String>,
}

/// What went wrong, for callers to match on (a suggestion for a misspelt
/// name, say, is theirs to make: the engine knows no edit distances).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    #[error("unknown name `{0}`")]
    UnknownName(String),
    #[error("unknown function `{0}`")]
    UnknownFunction(String),
    /// The work or memory the evaluation may still use would be passed.
    #[error("{0}")]
    OverBudget(Exceeded),
    /// Anything else (shapes that do not fit, a bad index, …), said in words.
    #[error("{0}")]
    Invalid(String),
}

impl EngineError {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        EngineError::of(ErrorKind::Invalid(message.into()), span)
    }

    pub fn of(kind: ErrorKind, span: Span) -> Self {
        EngineError {
            kind,
            span,
            formula: None,
        }
    }

    /// What went wrong, in words.
    pub fn message(&self) -> String {
        self.kind.to_string()
    }

    /// Records that the span belongs to the formula of `name`, unless an inner
    /// formula already claimed it.
    pub fn in_formula(mut self, name: &str) -> Self {
        if self.formula.is_none() {
            self.formula = Some(name.to_string());
        }
        self
    }
}
