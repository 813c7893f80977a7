//! What the schema says that serde alone would not report as an author
//! needs it: every unknown key (serde stops at the first) with "did you
//! mean", every missing key with what it is for, and strings too long to
//! show. The schema is generated from the very types serde fills, so the
//! two cannot disagree.

use serde_json::Value as Json;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Span;
use super::values::MAX_STRING;
use crate::lesson::diagnostic::Diagnostic;
use crate::lesson::suggest::similar;

/// Where a table is, for messages: `in` names it among unknown keys ("a
/// step"), `owner` as the one lacking a key ("step 3").
pub struct Place<'a> {
    pub within: &'a str,
    pub owner: &'a str,
}

pub struct Lint<'s> {
    /// The root schema, whose `$defs` the references name.
    pub root: &'s Json,
    pub diags: Vec<Diagnostic>,
}

impl<'s> Lint<'s> {
    /// Follows a `$ref` to its definition.
    fn resolve(&self, s: &'s Json) -> &'s Json {
        match s.get("$ref").and_then(Json::as_str) {
            Some(r) => r
                .strip_prefix("#/definitions/")
                .and_then(|name| self.root[super::DEFS].get(name))
                .unwrap_or(s),
            None => s,
        }
    }

    /// The schema of a table with named keys, if `s` describes one (through
    /// references and `anyOf`, as an optional field's schema is).
    fn object(&self, s: &'s Json) -> Option<&'s Json> {
        let s = self.resolve(s);
        if s.get("properties").is_some() {
            return Some(s);
        }
        s.get("anyOf")?
            .as_array()?
            .iter()
            .find_map(|alt| self.object(alt))
    }

    /// The longest string `s` allows (itself, or one of its alternatives).
    fn max_length(&self, s: &'s Json, items: bool) -> usize {
        let s = self.resolve(s);
        let own = if items { s.get("items") } else { Some(s) };
        own.and_then(|o| o.get("maxLength"))
            .and_then(Json::as_u64)
            .map(|n| n as usize)
            .or_else(|| {
                s.get("anyOf")?
                    .as_array()?
                    .iter()
                    .map(|alt| self.max_length(alt, items))
                    .min()
            })
            .unwrap_or(MAX_STRING)
    }

    /// Checks `table` against the object schema `schema`: reports unknown
    /// keys and drops them, so the rest can still be read; reports missing
    /// keys and strings too long. The table to deserialize, or `None` if
    /// it cannot be. Keys in `skip` are units read on their own: known,
    /// but left out.
    pub fn table<'i>(
        &mut self,
        schema: &'s Json,
        table: &DeTable<'i>,
        span: &Span,
        place: Place<'_>,
        skip: &[&str],
    ) -> Option<DeTable<'i>> {
        let Some(s) = self.object(schema) else {
            return Some(table.clone());
        };
        let props = s["properties"].as_object()?;
        let closed = s.get("additionalProperties") == Some(&Json::Bool(false));
        let mut ok = true;
        let mut out = DeTable::new();
        for (key, v) in table {
            let k: &str = key.get_ref();
            match props.get(k) {
                Some(_) if skip.contains(&k) => {}
                Some(p) => match self.value(p, v, k) {
                    Some(v) => {
                        out.insert(key.clone(), v);
                    }
                    None => ok = false,
                },
                None if closed => self.unknown(k, key.span(), props.keys(), place.within),
                None => {
                    out.insert(key.clone(), v.clone());
                }
            }
        }
        for r in s["required"].as_array().into_iter().flatten() {
            let Some(r) = r.as_str().filter(|r| !table.contains_key(*r)) else {
                continue;
            };
            let mut d = Diagnostic::error(
                format!("{} has no `{r}`", place.owner),
                span.start..span.start,
            );
            if let Some(what) = props
                .get(r)
                .and_then(|p| p.get("description"))
                .and_then(Json::as_str)
            {
                d = d.with_help(format!("`{r}`: {}", what.replace('\n', " ")));
            }
            self.diags.push(d);
            ok = false;
        }
        ok.then_some(out)
    }

    fn unknown<'k>(
        &mut self,
        k: &str,
        span: Span,
        known: impl Iterator<Item = &'k String> + Clone,
        within: &str,
    ) {
        let d = Diagnostic::error(format!("unknown key `{k}` in {within}"), span);
        let d = match known.clone().find(|a| similar(a, k)) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => {
                let all: Vec<&str> = known.map(String::as_str).collect();
                d.with_help(format!("known keys: {}", all.join(", ")))
            }
        };
        self.diags.push(d);
    }

    /// A value of the schema `p`: its strings within their length, its
    /// tables checked in turn.
    fn value<'i>(
        &mut self,
        p: &'s Json,
        v: &Spanned<DeValue<'i>>,
        key: &str,
    ) -> Option<Spanned<DeValue<'i>>> {
        match v.get_ref() {
            DeValue::String(s) => {
                let (n, max) = (s.chars().count(), self.max_length(p, false));
                if n > max {
                    self.diags.push(Diagnostic::error(
                        format!("`{key}` is {n} characters long; the limit is {max}"),
                        v.span(),
                    ));
                    return None;
                }
            }
            DeValue::Array(items) => {
                let max = self.max_length(p, true);
                for item in items.iter() {
                    let n = item.get_ref().as_str().map_or(0, |s| s.chars().count());
                    if n > max {
                        self.diags.push(Diagnostic::error(
                            format!(
                                "each entry of `{key}` is at most {max} characters; this one is {n}"
                            ),
                            item.span(),
                        ));
                        return None;
                    }
                }
            }
            DeValue::Table(t) if self.object(p).is_some() => {
                let what = format!("`{key}`");
                let place = Place {
                    within: &what,
                    owner: &what,
                };
                let t = self.table(p, t, &v.span(), place, &[])?;
                return Some(Spanned::new(v.span(), DeValue::Table(t)));
            }
            _ => {}
        }
        Some(v.clone())
    }
}

/// The keys leading to the innermost value at `span` within a unit's
/// table, as `train.batch.size`: where a type error serde reports lies.
pub fn path_at(t: &DeTable<'_>, span: &Span) -> Option<String> {
    let mut path: Vec<String> = Vec::new();
    let mut table = t;
    'down: loop {
        for (k, inner) in table {
            if !contains(&inner.span(), span) {
                continue;
            }
            path.push(k.get_ref().to_string());
            // Into a table, or a table in a list (`[[…]]`).
            let next = match inner.get_ref() {
                DeValue::Table(t) => Some(t),
                DeValue::Array(items) => items
                    .iter()
                    .find(|i| contains(&i.span(), span))
                    .and_then(|i| i.get_ref().as_table()),
                _ => None,
            };
            if let Some(t) = next {
                table = t;
                continue 'down;
            }
            break 'down;
        }
        break;
    }
    (!path.is_empty()).then(|| path.join("."))
}

pub fn contains(outer: &Span, inner: &Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end && outer != &(0..0)
}
