//! The lesson file as written, read with serde into plain types, every
//! value with its span. Each unit (the lesson's own keys, each given, each
//! step) is read on its own, so every faulty unit gets its own error while
//! the others are still read; the JSON Schema is generated from the same
//! types (`nntutor schema`).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

mod given;
mod lint;
mod literal;
mod step;
mod syntax;
mod tidy;
mod unit;
mod values;

pub use given::*;
pub use literal::{Literal, written_tolerance};
pub use step::*;
pub use values::*;

use super::diagnostic::Diagnostic;
use super::source::SourceFile;
use crate::lesson::kinds::{KIND_KEYS, RawKinds};
use lint::{Lint, Place};
pub(crate) use unit::table as unit_table;

pub type Span = Range<usize>;

/// Where the schema keeps its definitions (draft 7).
const DEFS: &str = "definitions";

/// The lesson's own keys.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// kebab-case, unique: `nntutor lesson ID`.
    #[schemars(required, regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub id: Option<Sp<String>>,
    /// The lesson's name in the menu and above every step.
    #[schemars(required, extend("maxLength" = 200))]
    pub title: Option<Sp<String>>,
    /// One sentence for the lesson menu.
    #[schemars(length(max = 20000))]
    pub summary: Option<Sp<String>>,
    /// Position in the lesson menu (ascending).
    pub order: Option<Sp<i64>>,
    /// Decimals shown (default 2).
    #[schemars(range(min = 0, max = 12))]
    pub digits: Option<Sp<i64>>,
}

/// A whole lesson file: its schema's root (each unit is read on its own).
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "nntutor lesson",
    description = "A lesson file for nntutor (TOML). The engine computes every number; see docs/lesson-format.md."
)]
pub struct LessonFile {
    #[serde(flatten)]
    pub header: Header,
    /// Named inputs.
    #[serde(default)]
    pub given: BTreeMap<String, GivenSpec>,
    /// What the learner steps through, in order.
    #[schemars(length(min = 1))]
    pub steps: Vec<StepSchema>,
}

/// The lesson as read: every unit that could be read, and `None` where a
/// step could not (so that steps keep their numbers).
#[derive(Debug, Clone, Default)]
pub struct RawLesson {
    pub id: Option<Sp<String>>,
    pub title: Option<Sp<String>>,
    pub summary: Option<String>,
    pub order: Option<Sp<i64>>,
    pub digits: Option<Sp<i64>>,
    pub given: Vec<RawGiven>,
    pub steps: Vec<Option<RawStep>>,
    pub steps_span: Option<Span>,
}

/// The lesson format's JSON Schema, generated from the types above.
pub fn schema() -> &'static serde_json::Value {
    static SCHEMA: OnceLock<serde_json::Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        // Draft 7: the one editors' TOML tools (taplo) read best.
        let generator = schemars::generate::SchemaSettings::draft07()
            .for_deserialize()
            .into_generator();
        let mut schema = generator.into_root_schema_for::<LessonFile>().to_value();
        tidy::tidy(&mut schema);
        schema
    })
}

/// The schema as `nntutor schema` prints it and docs/lesson.schema.json
/// holds it (for editors).
pub fn schema_text() -> String {
    serde_json::to_string_pretty(schema()).unwrap_or_default()
}

/// Reads the TOML text into a raw lesson, collecting every problem found.
pub fn read(file: &SourceFile) -> (RawLesson, Vec<Diagnostic>) {
    let (doc, toml_errors) = DeTable::parse_recoverable(&file.text);
    if let Some(d) = syntax::first_error(&file.text, &toml_errors) {
        return (RawLesson::default(), vec![d]);
    }
    let mut r = Reader {
        lint: Lint {
            root: schema(),
            diags: Vec::new(),
        },
    };
    let top = doc.get_ref();
    let mut lesson = RawLesson::default();
    if let Some(header) = r.header(top, &doc.span()) {
        lesson.id = header.id;
        lesson.title = header.title;
        lesson.summary = header.summary.map(|s| s.v);
        lesson.order = header.order;
        lesson.digits = header.digits;
    }
    if let Some(given) = top.get("given") {
        lesson.given = r.givens(given);
    }
    if let Some((key, steps)) = top.get_key_value("steps") {
        lesson.steps_span = Some(key.span());
        lesson.steps = r.steps(steps);
    }
    (lesson, r.lint.diags)
}

struct Reader {
    lint: Lint<'static>,
}

impl Reader {
    /// The lesson's own keys; `given` and `steps` are units of their own.
    fn header(&mut self, top: &DeTable<'_>, span: &Span) -> Option<Header> {
        let place = Place {
            within: "the lesson",
            owner: "the lesson",
        };
        let table = self
            .lint
            .table(self.lint.root, top, span, place, &["given", "steps"])?;
        unit::table(table, &(span.start..span.start), &mut self.lint.diags)
    }

    fn givens(&mut self, given: &Spanned<DeValue<'_>>) -> Vec<RawGiven> {
        let Some(t) = given.get_ref().as_table() else {
            self.not_a_table("`given`", given);
            return Vec::new();
        };
        t.iter()
            .map(|(k, v)| RawGiven {
                name: Sp {
                    v: k.get_ref().to_string(),
                    span: k.span(),
                },
                spec: self.given(k.get_ref(), v),
            })
            .collect()
    }

    fn given(&mut self, name: &str, v: &Spanned<DeValue<'_>>) -> Option<GivenSpec> {
        let Some(t) = v.get_ref().as_table() else {
            return unit::value(v.clone(), name, &mut self.lint.diags).map(GivenSpec::Bare);
        };
        let what = format!("given `{name}`");
        let Some(kind) = GivenKind::of(t.keys().map(|k| k.get_ref().as_ref())) else {
            self.lint.diags.push(Diagnostic::error(
                format!("{what} needs one of `value`, `random`, `dataset` or `file`"),
                v.span(),
            ));
            return None;
        };
        let schema = &self.lint.root[DEFS][kind.schema_name()];
        let place = Place {
            within: &what,
            owner: &what,
        };
        let table = self.lint.table(schema, t, &v.span(), place, &[])?;
        let d = &mut self.lint.diags;
        match kind {
            GivenKind::Literal => unit::table(table, &v.span(), d).map(GivenSpec::Literal),
            GivenKind::Random => unit::table(table, &v.span(), d).map(GivenSpec::Random),
            GivenKind::Dataset => unit::table(table, &v.span(), d).map(GivenSpec::Dataset),
            GivenKind::File => unit::table(table, &v.span(), d).map(GivenSpec::File),
        }
    }

    fn steps(&mut self, steps: &Spanned<DeValue<'_>>) -> Vec<Option<RawStep>> {
        let Some(items) = steps.get_ref().as_array() else {
            self.lint.diags.push(Diagnostic::error(
                format!(
                    "`steps` must be a list of tables (`[[steps]]`), not {}",
                    steps.get_ref().type_str()
                ),
                steps.span(),
            ));
            return Vec::new();
        };
        let schema = &self.lint.root[DEFS]["step"];
        let mut out = Vec::new();
        for (k, item) in items.iter().enumerate() {
            let Some(t) = item.get_ref().as_table() else {
                self.not_a_table("each step", item);
                out.push(None);
                continue;
            };
            let owner = format!("step {}", k + 1);
            let place = Place {
                within: "a step",
                owner: &owner,
            };
            let step = self
                .lint
                .table(schema, t, &item.span(), place, &[])
                .and_then(|table| self.step(table, &item.span()))
                .map(|mut s| {
                    s.span = item.span();
                    s.actions = actions(t);
                    s
                });
            out.push(step);
        }
        out
    }

    /// A step's keys: its kind's read on their own (`RawKinds`), the
    /// rest as the keys of every step.
    fn step(&mut self, mut table: DeTable<'_>, span: &Span) -> Option<RawStep> {
        let kinds: Vec<DeTable<'_>> = KIND_KEYS
            .iter()
            .map(|keys| {
                let mut own = DeTable::new();
                for key in *keys {
                    if let Some((k, v)) = table.remove_entry(*key) {
                        own.insert(k, v);
                    }
                }
                own
            })
            .collect();
        let mut d = Vec::new();
        let common = unit::table::<RawStep>(table, span, &mut d);
        let kinds = RawKinds::read(kinds, span, &mut d);
        // In the file's order, as one table's keys would be.
        d.sort_by_key(|d| d.span.as_ref().map(|s| s.start));
        self.lint.diags.append(&mut d);
        let mut step = common?;
        step.kinds = kinds?;
        Some(step)
    }

    fn not_a_table(&mut self, what: &str, v: &Spanned<DeValue<'_>>) {
        self.lint.diags.push(Diagnostic::error(
            format!("{what} must be a table, not {}", v.get_ref().type_str()),
            v.span(),
        ));
    }
}

/// The action keys a step has, where they are written.
fn actions(t: &DeTable<'_>) -> Vec<Sp<&'static str>> {
    t.keys()
        .filter_map(|k| {
            let name = ACTIONS.iter().find(|a| **a == k.get_ref().as_ref())?;
            Some(Sp {
                v: *name,
                span: k.span(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
