//! Reading single TOML values with their spans: strings, numbers, lists,
//! tables, each wrong type reported where it is.

use super::*;
use crate::lesson::suggest::similar;

/// The longest string of a lesson (a formula's limit too).
pub const MAX_STRING: usize = 100_000;
/// The longest paragraph: a step's text, a note, a quiz's question.
pub const MAX_PARAGRAPH: usize = 20_000;
/// The longest title or name.
pub const MAX_NAME: usize = 200;

impl Walker<'_> {
    pub(super) fn err(&mut self, message: impl Into<String>, span: Span) {
        self.diags.push(Diagnostic::error(message, span));
    }

    /// Reports keys outside `allowed`, with a suggestion when one is close.
    pub(super) fn known_keys(&mut self, table: &Table<'_>, allowed: &[&str], what: &str) {
        for key in table.keys() {
            let k = key.get_ref().as_ref();
            if !allowed.contains(&k) {
                let mut d = Diagnostic::error(format!("unknown key `{k}` in {what}"), key.span());
                d = match allowed.iter().find(|a| similar(a, k)) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!("known keys: {}", allowed.join(", "))),
                };
                self.diags.push(d);
            }
        }
    }

    pub(super) fn string(&mut self, v: &Val<'_>, what: &str) -> Option<Sp<String>> {
        self.string_of(v, what, MAX_STRING)
    }

    /// A string of at most `max` characters: a lesson's words are read on
    /// a screen (and wrapped on every frame), so a title, a paragraph or a
    /// name of megabytes is refused here rather than drawn.
    pub(super) fn string_of(&mut self, v: &Val<'_>, what: &str, max: usize) -> Option<Sp<String>> {
        match v.get_ref() {
            DeValue::String(s) if s.chars().count() > max => {
                self.err(
                    format!(
                        "{what} is {} characters long; the limit is {max}",
                        s.chars().count()
                    ),
                    v.span(),
                );
                None
            }
            DeValue::String(s) => Some(Sp {
                v: s.to_string(),
                span: v.span(),
            }),
            other => {
                self.err(
                    format!("{what} must be a string, not {}", other.type_str()),
                    v.span(),
                );
                None
            }
        }
    }

    pub(super) fn int(&mut self, v: &Val<'_>, what: &str) -> Option<Sp<i64>> {
        match v.get_ref() {
            DeValue::Integer(i) => {
                match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                    Ok(n) => Some(Sp {
                        v: n,
                        span: v.span(),
                    }),
                    Err(_) => {
                        self.err(format!("{what} is too large"), v.span());
                        None
                    }
                }
            }
            other => {
                self.err(
                    format!("{what} must be a whole number, not {}", other.type_str()),
                    v.span(),
                );
                None
            }
        }
    }

    pub(super) fn number(&mut self, v: &Val<'_>, what: &str) -> Option<Sp<f64>> {
        let text = self.file.slice(&v.span()).replace('_', "");
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f
                .as_str()
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .or_else(|| text.parse().ok()),
            other => {
                self.err(
                    format!("{what} must be a number, not {}", other.type_str()),
                    v.span(),
                );
                return None;
            }
        };
        match parsed {
            Some(n) => Some(Sp {
                v: n,
                span: v.span(),
            }),
            None => {
                self.err(format!("{what}: `{text}` is not a number"), v.span());
                None
            }
        }
    }

    pub(super) fn bool(&mut self, v: &Val<'_>, what: &str) -> Option<bool> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.err(
                    format!("{what} must be true or false, not {}", other.type_str()),
                    v.span(),
                );
                None
            }
        }
    }

    /// A list of strings of at most `max` characters each.
    pub(super) fn strings_of(
        &mut self,
        v: &Val<'_>,
        what: &str,
        max: usize,
    ) -> Option<Sp<Vec<Sp<String>>>> {
        let list = self.strings(v, what)?;
        for s in &list.v {
            let n = s.v.chars().count();
            if n > max {
                self.err(
                    format!("each entry of {what} is at most {max} characters; this one is {n}"),
                    s.span.clone(),
                );
                return None;
            }
        }
        Some(list)
    }

    pub(super) fn strings(&mut self, v: &Val<'_>, what: &str) -> Option<Sp<Vec<Sp<String>>>> {
        match v.get_ref() {
            DeValue::Array(items) => {
                let list = items
                    .iter()
                    .filter_map(|item| self.string(item, &format!("each entry of {what}")))
                    .collect();
                Some(Sp {
                    v: list,
                    span: v.span(),
                })
            }
            // A single name where a list is expected is taken as a list of one.
            DeValue::String(_) => self.string(v, what).map(|s| Sp {
                span: s.span.clone(),
                v: vec![s],
            }),
            other => {
                self.err(
                    format!("{what} must be a list of strings, not {}", other.type_str()),
                    v.span(),
                );
                None
            }
        }
    }

    pub(super) fn table<'a, 'i>(&mut self, v: &'a Val<'i>, what: &str) -> Option<&'a Table<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.err(
                    format!("{what} must be a table, not {}", other.type_str()),
                    v.span(),
                );
                None
            }
        }
    }
}
