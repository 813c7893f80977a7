//! A file that is not TOML: its first syntax error, placed.

use toml::de::DeTable;

use super::Span;
use crate::lesson::diagnostic::Diagnostic;

/// The first syntax error, if any: after it the parser's guesses cascade,
/// so it is the one to fix.
pub fn first_error(text: &str, errors: &[toml::de::Error]) -> Option<Diagnostic> {
    let first = errors.first()?;
    let span = first
        .span()
        .unwrap_or_else(|| unplaced_error_line(text, first.message()));
    let message = match first.message().trim() {
        "recursion limit" => {
            "keys, tables or arrays are nested too deeply here (the reader's recursion limit)"
        }
        m => m,
    };
    let mut d = Diagnostic::error(format!("TOML syntax: {message}"), span);
    if errors.len() > 1 {
        d = d.with_help(format!(
            "{} more syntax errors follow from this one; fix it and check again",
            errors.len() - 1
        ));
    }
    Some(d)
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
