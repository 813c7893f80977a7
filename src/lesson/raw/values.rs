//! The value types a lesson file is written in, each deserialized with its
//! span: a spanned value, a name or a list of names, numbers (a number, a
//! column or rows), a quiz answer, a table of checks.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::Span;

/// The longest string of a lesson (a formula's limit too).
pub const MAX_STRING: usize = 100_000;
/// The longest paragraph: a step's text, a note, a quiz's question.
pub const MAX_PARAGRAPH: usize = 20_000;
/// The longest title or name.
pub const MAX_NAME: usize = 200;

/// A value with the span of its text in the file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sp<T> {
    pub v: T,
    pub span: Span,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = toml::Spanned::<T>::deserialize(d)?;
        Ok(Sp {
            span: s.span(),
            v: s.into_inner(),
        })
    }
}

/// A span is no part of the format: the schema is the value's.
impl<T: JsonSchema> JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// A list of strings, where a single string is a list of one
/// (`show = "W"`); each string, and the whole, with its span. `MAX` is the
/// longest string, which the schema states and the reader enforces.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct List<const MAX: usize> {
    pub items: Vec<Sp<String>>,
    pub span: Span,
}

/// Names of values: `show`, `bars`, `track`, …
pub type Names = List<MAX_NAME>;
/// Formulas: `update`.
pub type Formulas = List<MAX_STRING>;
/// Sentences: a quiz's `choices`.
pub type Paragraphs = List<MAX_PARAGRAPH>;

impl<const MAX: usize> Deref for List<MAX> {
    type Target = [Sp<String>];
    fn deref(&self) -> &[Sp<String>] {
        &self.items
    }
}

enum OneOrMany {
    One(String),
    Many(Vec<Sp<String>>),
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(s.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(OneOrMany::Many(items))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de, const MAX: usize> Deserialize<'de> for List<MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Sp { v, span } = Sp::<OneOrMany>::deserialize(d)?;
        let items = match v {
            OneOrMany::One(s) => vec![Sp {
                v: s,
                span: span.clone(),
            }],
            OneOrMany::Many(items) => items,
        };
        Ok(List { items, span })
    }
}

impl<const MAX: usize> JsonSchema for List<MAX> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        format!("List{MAX}").into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                { "type": "string", "maxLength": MAX },
                { "type": "array", "items": { "type": "string", "maxLength": MAX } }
            ]
        })
    }
}

/// Numbers as written: a number, a list (a column) or a list of rows. Each
/// with its span, so that its written precision and place are known.
#[derive(Debug, Clone, PartialEq)]
pub enum Numbers {
    Scalar(f64),
    List(Vec<Sp<Cell>>),
}

/// An element of a list of numbers: a number, or a row of a matrix.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Num(f64),
    Row(Vec<Sp<Num>>),
}

/// A number inside a row: a matrix is nested no deeper.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64);

/// A visitor of numbers that hands anything else to `list`.
macro_rules! number_visits {
    ($out:expr) => {
        fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Self::Value, E> {
            Ok($out(n as f64))
        }
        fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Self::Value, E> {
            Ok($out(n as f64))
        }
        fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Self::Value, E> {
            Ok($out(n))
        }
    };
}

fn elements<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(mut seq: A) -> Result<Vec<T>, A::Error> {
    let mut out = Vec::new();
    while let Some(x) = seq.next_element()? {
        out.push(x);
    }
    Ok(out)
}

impl<'de> Deserialize<'de> for Numbers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Numbers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, a list of numbers or a list of rows of numbers")
            }
            number_visits!(Numbers::Scalar);
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Numbers, A::Error> {
                elements(seq).map(Numbers::List)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Cell;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a row of numbers")
            }
            number_visits!(Cell::Num);
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Cell, A::Error> {
                elements(seq).map(Cell::Row)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number (a matrix is a list of rows of numbers, nested no deeper)")
            }
            number_visits!(Num);
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Numbers {
    fn schema_name() -> Cow<'static, str> {
        "value".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A number, a list of numbers (a column) or a list of rows (a matrix).",
            "anyOf": [
                { "type": "number" },
                { "type": "array", "items": { "type": "number" }, "minItems": 1 },
                {
                    "type": "array", "minItems": 1,
                    "items": { "type": "array", "items": { "type": "number" }, "minItems": 1 }
                }
            ]
        })
    }
}

/// A quiz's numeric answer: a number as written, or a formula.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Its text is the file's (`1_000` and `2.50` as written).
    Number,
    Formula(String),
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Answer;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a formula (a string)")
            }
            number_visits!(|_| Answer::Number);
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Answer, E> {
                Ok(Answer::Formula(s.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Answer {
    fn schema_name() -> Cow<'static, str> {
        "answer".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The number to type, or a formula the engine computes it from.",
            "anyOf": [ { "type": "number" }, { "type": "string", "maxLength": MAX_STRING } ]
        })
    }
}

/// `expect = { y = [1, 2], tol = 0.01 }`: values by name, and one
/// tolerance for all of them (else each number's written precision).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Checks {
    pub checks: Vec<(Sp<String>, Sp<Numbers>)>,
    pub tol: Option<Sp<f64>>,
}

impl<'de> Deserialize<'de> for Checks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Checks;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of values by name")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checks, A::Error> {
                let mut out = Checks::default();
                while let Some(key) = map.next_key::<Sp<String>>()? {
                    if key.v == "tol" {
                        out.tol = Some(map.next_value()?);
                    } else {
                        out.checks.push((key, map.next_value()?));
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

impl JsonSchema for Checks {
    fn schema_name() -> Cow<'static, str> {
        "checks".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let value = generator.subschema_for::<Numbers>();
        json_schema!({
            "type": "object",
            "description": "Values by name, each at the precision written; `tol`, if given, for all of them.",
            "properties": { "tol": { "type": "number", "minimum": 0 } },
            "additionalProperties": value
        })
    }
}
