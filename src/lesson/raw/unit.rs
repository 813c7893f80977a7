//! One unit of a lesson file (the lesson's own keys, a given, a step)
//! deserialized with serde: every faulty key reported where it lies, with
//! the key's name, in words an author reads.

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::Span;
use super::lint::{contains, path_at};
use crate::lesson::diagnostic::Diagnostic;

/// A table deserialized as `T`. Serde stops at the first error; the key
/// holding it is reported, set aside, and the rest read again, so that
/// every faulty key is reported (the unit is then `None`). A key found
/// missing once another is set aside follows from that one: not reported.
pub fn table<T: DeserializeOwned>(
    mut table: DeTable<'_>,
    span: &Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    let mut failed = false;
    loop {
        let unit = Spanned::new(span.clone(), DeValue::Table(table.clone()));
        let e = match T::deserialize(ValueDeserializer::from(unit)) {
            Ok(v) => return (!failed).then_some(v),
            Err(e) => e,
        };
        let at = e.span().unwrap_or_else(|| span.clone());
        let key = table
            .iter()
            .find(|(_, v)| contains(&v.span(), &at))
            .map(|(k, _)| k.clone());
        match key {
            Some(k) => {
                let message = match path_at(&table, &at) {
                    Some(path) => format!("`{path}`: {}", plain(e.message())),
                    None => plain(e.message()),
                };
                diags.push(Diagnostic::error(message, at));
                table.remove(&k);
                failed = true;
            }
            None if !failed => {
                diags.push(Diagnostic::error(plain(e.message()), at));
                return None;
            }
            None => return None,
        }
    }
}

/// A value that is not a table (a given written as bare numbers), named.
pub fn value<T: DeserializeOwned>(
    v: Spanned<DeValue<'_>>,
    name: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    let span = v.span();
    T::deserialize(ValueDeserializer::from(v))
        .map_err(|e| {
            let message = format!("`{name}`: {}", plain(e.message()));
            diags.push(Diagnostic::error(message, e.span().unwrap_or(span)));
        })
        .ok()
}

/// Serde's words for Rust types made the format's.
fn plain(message: &str) -> String {
    [
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list"),
        ("expected a boolean", "expected true or false"),
        ("invalid type: sequence", "invalid type: list"),
        ("invalid type: map", "invalid type: table"),
        ("invalid type: floating point", "invalid type: number"),
    ]
    .iter()
    .fold(message.to_string(), |m, (from, to)| m.replace(from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_types_read_as_the_format() {
        assert_eq!(
            plain("invalid type: floating point `2.5`, expected i64"),
            "invalid type: number `2.5`, expected a whole number"
        );
        assert_eq!(
            plain("invalid type: map, expected a sequence"),
            "invalid type: table, expected a list"
        );
    }
}
