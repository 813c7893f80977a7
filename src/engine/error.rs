use super::expr::Span;

/// An error in an expression: what went wrong and where in the text.
///
/// `span` indexes the text of the formula named by `formula`; `None` means the
/// expression that was being evaluated, so a caller can point into its source.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct EngineError {
    pub message: String,
    pub span: Span,
    pub formula: Option<String>,
}

impl EngineError {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        EngineError {
            message: message.into(),
            span,
            formula: None,
        }
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
