//! What an author is told: the message, the place (file, line, column, with
//! the line shown and the fault underlined) and, for steps, which step.

use std::fmt;
use std::ops::Range;

use super::format::{mask_controls, sanitize};
use super::source::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// A slide prints another number than the engine computes (not a failure).
    Note,
    /// Something works but is not what it seems (e.g. a step not run yet).
    Warning,
    /// An `expect` failed: the lesson is valid, a number is wrong (exit 1).
    Failed,
    /// The lesson is invalid (exit 2).
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub span: Option<Range<usize>>,
    /// A short word under the underline.
    pub label: Option<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>, span: Range<usize>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span: Some(span),
            label: None,
            help: None,
        }
    }

    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// `path:line:col`, or just the path when there is no place.
    pub fn location(&self, file: &SourceFile) -> String {
        match &self.span {
            Some(s) => {
                let (l, c) = file.line_col(s.start);
                format!("{}:{l}:{c}", file.name)
            }
            None => file.name.clone(),
        }
    }

    /// The (line, column) of the fault, for tests and tools.
    pub fn line_col(&self, file: &SourceFile) -> Option<(usize, usize)> {
        self.span.as_ref().map(|s| file.line_col(s.start))
    }

    /// One line: `path:line:col: error: message`.
    pub fn headline(&self, file: &SourceFile) -> String {
        let what = match self.severity {
            Severity::Error => "error",
            Severity::Failed => "expect failed",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        sanitize(&format!(
            "{}: {what}: {}",
            self.location(file),
            self.message
        ))
    }

    /// The headline, then the offending line with the fault underlined
    /// (notes stay one line).
    pub fn render(&self, file: &SourceFile, color: bool) -> String {
        let mut out = self.headline(file);
        out.push('\n');
        if self.severity == Severity::Note {
            return out;
        }
        // The snippet quotes the file: control characters in it are masked
        // (byte for byte, so the underline stays in place), and only the
        // lines around the fault are quoted, each cut to a readable width.
        let masked = SourceFile::new(sanitize(&file.name), mask_controls(&file.text));
        let window = self.span.as_ref().map(|span| Window::around(&masked, span));
        let safe_diag = Diagnostic {
            message: sanitize(&self.message),
            label: self.label.as_deref().map(sanitize),
            help: self.help.as_deref().map(sanitize),
            span: window.as_ref().map(|w| w.span.clone()),
            ..self.clone()
        };
        let report = Report {
            diag: &safe_diag,
            window: window.as_ref(),
        };
        let handler = if color {
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode())
        } else {
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        };
        let mut snippet = String::new();
        if handler
            .with_context_lines(1)
            .render_report(&mut snippet, &report)
            .is_ok()
        {
            out.push_str(&snippet);
        }
        out
    }
}

/// Quoted lines longer than this (in characters) are cut around the fault.
const MAX_QUOTED: usize = 100;
/// Lines quoted before and after the fault's.
const CONTEXT: usize = 1;

/// The lines around a fault, each at most [`MAX_QUOTED`] characters, as
/// the text miette quotes; the fault's place is kept in file terms.
struct Window {
    file: SourceFile,
    /// The fault within `file`'s text.
    span: Range<usize>,
    /// 0-based line and column of the fault in the whole file.
    line: usize,
    column: usize,
    /// 0-based line of the window's first line in the whole file.
    first_line: usize,
}

impl Window {
    fn around(whole: &SourceFile, span: &Range<usize>) -> Window {
        let (line, col) = whole.line_col(span.start);
        let (line, column) = (line - 1, col - 1);
        let first_line = line.saturating_sub(CONTEXT);
        let lines: Vec<&str> = whole
            .text
            .split('\n')
            .skip(first_line)
            .take(line - first_line + 1 + CONTEXT)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        let fault_chars = whole.slice(span).chars().take_while(|&c| c != '\n').count();
        let mut text = String::new();
        let mut at = 0..0;
        for (k, l) in lines.iter().enumerate() {
            if k > 0 {
                text.push('\n');
            }
            let chars = l.chars().count();
            // The fault's line shows the fault, a third of the way in.
            let from = if first_line + k == line && chars > MAX_QUOTED {
                column
                    .saturating_sub(MAX_QUOTED / 3)
                    .min(chars - MAX_QUOTED)
            } else {
                0
            };
            if from > 0 {
                text.push('…');
            }
            let start = text.len();
            text.extend(l.chars().skip(from).take(MAX_QUOTED));
            if first_line + k == line {
                let before: usize = l
                    .chars()
                    .skip(from)
                    .take(column - from)
                    .map(char::len_utf8)
                    .sum();
                let len: usize = l
                    .chars()
                    .skip(column)
                    .take(fault_chars.min((from + MAX_QUOTED).saturating_sub(column)))
                    .map(char::len_utf8)
                    .sum();
                at = start + before..start + before + len;
            }
            if chars > from + MAX_QUOTED {
                text.push('…');
            }
        }
        Window {
            file: SourceFile::new(whole.name.clone(), text),
            span: at,
            line,
            column,
            first_line,
        }
    }
}

struct Report<'a> {
    diag: &'a Diagnostic,
    window: Option<&'a Window>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.diag.message)
    }
}

impl fmt::Display for Report<'_> {
    /// The headline already says it; the snippet only shows the place.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.window {
            Some(w) => write!(f, "{}:{}:{}", w.file.name, w.line + 1, w.column + 1),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error | Severity::Failed => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.window.map(|_| self as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let w = self.window?;
        let start = w.file.floor(w.span.start);
        let len = w.file.floor(w.span.end).saturating_sub(start);
        let label = miette::LabeledSpan::new(
            Some(self.diag.label.clone().unwrap_or_else(|| "here".into())),
            start,
            len,
        );
        Some(Box::new(std::iter::once(label)))
    }
}

impl miette::SourceCode for Report<'_> {
    fn read_span<'b>(
        &'b self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'b> + 'b>, miette::MietteError> {
        let w = self.window.ok_or(miette::MietteError::OutOfBounds)?;
        let inner = w
            .file
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        // Lines and columns are the whole file's, not the window's.
        let column = if span.offset() == w.span.start {
            w.column
        } else {
            inner.column()
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            w.file.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + w.first_line,
            column,
            inner.line_count(),
        )))
    }
}
