//! The lesson file as written: the TOML tree walked into plain structs, every
//! field with its span. Unknown keys and wrong types are collected as
//! diagnostics (all of them, not just the first) rather than stopping.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::Diagnostic;
use super::source::SourceFile;
use crate::engine::graph::similar;

pub type Span = Range<usize>;

/// A value with the span of its text in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    pub v: T,
    pub span: Span,
}

/// A numeric literal: rows of numbers, each with the tolerance its written
/// precision implies (5.27 → 0.005) and its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    pub rows: Vec<Vec<Sp<f64>>>,
    pub tolerances: Vec<Vec<f64>>,
    /// Written as a flat list (a column vector) or a single number.
    pub flat: bool,
    pub scalar: bool,
}

#[derive(Debug, Clone)]
pub enum RawGivenSpec {
    Literal {
        value: Sp<Literal>,
        rows: Option<Sp<Vec<String>>>,
        cols: Option<Sp<Vec<String>>>,
        labels: bool,
    },
    Random {
        dist: Sp<String>,
        shape: Sp<Vec<i64>>,
        scale: f64,
        seed: i64,
    },
    Dataset {
        name: Sp<String>,
        points: Option<Sp<i64>>,
        classes: Option<Sp<i64>>,
        count: Option<Sp<i64>>,
        seed: i64,
    },
    File {
        path: Sp<String>,
    },
}

#[derive(Debug, Clone)]
pub struct RawGiven {
    pub name: Sp<String>,
    pub spec: RawGivenSpec,
}

#[derive(Debug, Clone)]
pub struct RawCheck {
    pub name: Sp<String>,
    pub value: Sp<Literal>,
}

#[derive(Debug, Clone)]
pub struct RawQuiz {
    pub question: Sp<String>,
    pub answer: Option<Sp<String>>,
    pub choices: Option<Sp<Vec<String>>>,
    pub correct: Option<Sp<i64>>,
    pub explain: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RawBatch {
    pub size: Sp<i64>,
    pub data: Sp<Vec<Sp<String>>>,
    pub seed: i64,
}

#[derive(Debug, Clone)]
pub struct RawTrain {
    pub span: Span,
    pub steps: Sp<i64>,
    pub update: Vec<Sp<String>>,
    pub track: Vec<Sp<String>>,
    pub every: Option<Sp<i64>>,
    pub batch: Option<RawBatch>,
}

#[derive(Debug, Clone)]
pub struct RawSearch {
    pub span: Span,
    pub trials: Sp<i64>,
    pub param: Sp<String>,
    pub loss: Sp<String>,
    pub seed: i64,
}

#[derive(Debug, Clone, Default)]
pub struct RawStep {
    pub span: Span,
    pub title: Option<Sp<String>>,
    pub text: Option<String>,
    pub show: Vec<Sp<String>>,
    pub let_: Option<Sp<String>>,
    pub expand: bool,
    pub backward: Option<Sp<String>>,
    pub update: Option<Sp<Vec<Sp<String>>>>,
    pub train: Option<RawTrain>,
    pub search: Option<RawSearch>,
    pub quiz: Option<RawQuiz>,
    pub expect: Vec<RawCheck>,
    pub expect_tol: Option<f64>,
    pub slide: Vec<RawCheck>,
    pub slide_tol: Option<f64>,
    pub note: Option<String>,
    /// The action keys present, to refuse more than one.
    pub actions: Vec<Sp<&'static str>>,
}

#[derive(Debug, Clone, Default)]
pub struct RawLesson {
    pub id: Option<Sp<String>>,
    pub title: Option<Sp<String>>,
    pub summary: Option<String>,
    pub order: Option<Sp<i64>>,
    pub digits: Option<Sp<i64>>,
    pub given: Vec<RawGiven>,
    pub steps: Vec<RawStep>,
    pub steps_span: Option<Span>,
}

/// Reads the TOML text into a raw lesson, collecting every problem found.
pub fn read(file: &SourceFile) -> (RawLesson, Vec<Diagnostic>) {
    let (doc, toml_errors) = DeTable::parse_recoverable(&file.text);
    // After the first syntax error the parser's guesses cascade; the first
    // one is the one to fix.
    if let Some(first) = toml_errors.first() {
        let span = first.span().unwrap_or(0..0);
        let mut d = Diagnostic::error(format!("TOML syntax: {}", first.message().trim()), span);
        if toml_errors.len() > 1 {
            d = d.with_help(format!(
                "{} more syntax errors follow from this one; fix it and check again",
                toml_errors.len() - 1
            ));
        }
        return (RawLesson::default(), vec![d]);
    }
    let mut w = Walker {
        file,
        diags: Vec::new(),
    };
    let lesson = w.lesson(doc.get_ref(), doc.span());
    (lesson, w.diags)
}

struct Walker<'f> {
    file: &'f SourceFile,
    diags: Vec<Diagnostic>,
}

type Table<'i> = DeTable<'i>;
type Val<'i> = Spanned<DeValue<'i>>;

const TOP_KEYS: &[&str] = &[
    "id", "title", "summary", "order", "digits", "given", "steps",
];
const STEP_KEYS: &[&str] = &[
    "title", "text", "show", "let", "expand", "backward", "update", "train", "search", "quiz",
    "expect", "slide", "note",
];

impl Walker<'_> {
    fn err(&mut self, message: impl Into<String>, span: Span) {
        self.diags.push(Diagnostic::error(message, span));
    }

    /// Reports keys outside `allowed`, with a suggestion when one is close.
    fn known_keys(&mut self, table: &Table<'_>, allowed: &[&str], what: &str) {
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

    fn string(&mut self, v: &Val<'_>, what: &str) -> Option<Sp<String>> {
        match v.get_ref() {
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

    fn int(&mut self, v: &Val<'_>, what: &str) -> Option<Sp<i64>> {
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

    fn number(&mut self, v: &Val<'_>, what: &str) -> Option<Sp<f64>> {
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

    fn bool(&mut self, v: &Val<'_>, what: &str) -> Option<bool> {
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

    fn strings(&mut self, v: &Val<'_>, what: &str) -> Option<Sp<Vec<Sp<String>>>> {
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

    fn table<'a, 'i>(&mut self, v: &'a Val<'i>, what: &str) -> Option<&'a Table<'i>> {
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

    fn lesson(&mut self, doc: &Table<'_>, span: Span) -> RawLesson {
        self.known_keys(doc, TOP_KEYS, "the lesson");
        let mut lesson = RawLesson::default();
        for (key, v) in doc {
            match key.get_ref().as_ref() {
                "id" => lesson.id = self.string(v, "`id`"),
                "title" => lesson.title = self.string(v, "`title`"),
                "summary" => lesson.summary = self.string(v, "`summary`").map(|s| s.v),
                "order" => lesson.order = self.int(v, "`order`"),
                "digits" => lesson.digits = self.int(v, "`digits`"),
                "given" => {
                    if let Some(t) = self.table(v, "`given`") {
                        lesson.given = t.iter().filter_map(|(k, v)| self.given(k, v)).collect();
                    }
                }
                "steps" => {
                    lesson.steps_span = Some(key.span());
                    match v.get_ref() {
                        DeValue::Array(items) => {
                            lesson.steps =
                                items.iter().filter_map(|item| self.step(item)).collect();
                        }
                        other => self.err(
                            format!(
                                "`steps` must be a list of tables (`[[steps]]`), not {}",
                                other.type_str()
                            ),
                            v.span(),
                        ),
                    }
                }
                _ => {}
            }
        }
        for (name, field) in [
            ("id", lesson.id.is_none()),
            ("title", lesson.title.is_none()),
        ] {
            if field
                && !self
                    .diags
                    .iter()
                    .any(|d| d.message.contains(&format!("`{name}`")))
            {
                self.err(
                    format!("the lesson has no `{name}`"),
                    span.start..span.start,
                );
            }
        }
        lesson
    }

    fn given(&mut self, key: &Spanned<std::borrow::Cow<'_, str>>, v: &Val<'_>) -> Option<RawGiven> {
        let name = Sp {
            v: key.get_ref().to_string(),
            span: key.span(),
        };
        let spec = match v.get_ref() {
            DeValue::Table(t) => self.given_table(t, v.span(), &name.v)?,
            _ => RawGivenSpec::Literal {
                value: self.literal(v, &format!("`{}`", name.v))?,
                rows: None,
                cols: None,
                labels: false,
            },
        };
        Some(RawGiven { name, spec })
    }

    fn given_table(&mut self, t: &Table<'_>, span: Span, name: &str) -> Option<RawGivenSpec> {
        let what = format!("given `{name}`");
        let get = |k: &str| t.get(k);
        if let Some(v) = get("value") {
            self.known_keys(t, &["value", "rows", "cols", "kind"], &what);
            let labels = match get("kind") {
                None => false,
                Some(k) => match self.string(k, "`kind`") {
                    Some(s) if s.v == "labels" => true,
                    Some(s) => {
                        self.err(
                            format!("unknown kind `{}`; the only kind is \"labels\"", s.v),
                            s.span,
                        );
                        false
                    }
                    None => false,
                },
            };
            let names = |w: &mut Self, k: &str| {
                get(k)
                    .and_then(|v| w.strings(v, &format!("`{k}`")))
                    .map(|s| Sp {
                        v: s.v.into_iter().map(|x| x.v).collect(),
                        span: s.span,
                    })
            };
            let rows = names(self, "rows");
            let cols = names(self, "cols");
            return Some(RawGivenSpec::Literal {
                value: self.literal(v, &format!("`{name}`"))?,
                rows,
                cols,
                labels,
            });
        }
        if let Some(v) = get("random") {
            self.known_keys(t, &["random", "shape", "scale", "seed"], &what);
            let dist = self.string(v, "`random`")?;
            let shape = match get("shape") {
                Some(s) => match s.get_ref() {
                    DeValue::Array(items) => {
                        let dims: Vec<i64> = items
                            .iter()
                            .filter_map(|d| self.int(d, "each dimension of `shape`").map(|x| x.v))
                            .collect();
                        Sp {
                            v: dims,
                            span: s.span(),
                        }
                    }
                    _ => {
                        self.err("`shape` must be a list such as [3, 4]", s.span());
                        return None;
                    }
                },
                None => {
                    self.err(
                        format!("{what} needs a `shape`, such as shape = [3, 4]"),
                        span,
                    );
                    return None;
                }
            };
            let scale = match get("scale") {
                Some(s) => self.number(s, "`scale`")?.v,
                None => 1.0,
            };
            let seed = match get("seed") {
                Some(s) => self.int(s, "`seed`")?.v,
                None => 0,
            };
            return Some(RawGivenSpec::Random {
                dist,
                shape,
                scale,
                seed,
            });
        }
        if let Some(v) = get("dataset") {
            self.known_keys(t, &["dataset", "points", "classes", "count", "seed"], &what);
            let name = self.string(v, "`dataset`")?;
            let opt = |w: &mut Self, k: &str| get(k).and_then(|v| w.int(v, &format!("`{k}`")));
            let (points, classes, count) = (
                opt(self, "points"),
                opt(self, "classes"),
                opt(self, "count"),
            );
            let seed = opt(self, "seed").map_or(0, |s| s.v);
            return Some(RawGivenSpec::Dataset {
                name,
                points,
                classes,
                count,
                seed,
            });
        }
        if let Some(v) = get("file") {
            self.known_keys(t, &["file", "format"], &what);
            return Some(RawGivenSpec::File {
                path: self.string(v, "`file`")?,
            });
        }
        self.err(
            format!("{what} needs one of `value`, `random`, `dataset` or `file`"),
            span,
        );
        None
    }

    /// A number, a flat list (a column) or a list of rows.
    fn literal(&mut self, v: &Val<'_>, what: &str) -> Option<Sp<Literal>> {
        let (rows, flat, scalar) = match v.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) => {
                (vec![vec![self.number(v, what)?]], true, true)
            }
            DeValue::Array(items) if items.is_empty() => {
                self.err(format!("{what} is empty"), v.span());
                return None;
            }
            DeValue::Array(items)
                if items
                    .iter()
                    .all(|i| matches!(i.get_ref(), DeValue::Array(_))) =>
            {
                let mut rows = Vec::new();
                for row in items.iter() {
                    let DeValue::Array(cells) = row.get_ref() else {
                        continue;
                    };
                    if cells
                        .iter()
                        .any(|c| matches!(c.get_ref(), DeValue::Array(_)))
                    {
                        self.err(
                            format!(
                                "{what} is nested too deeply: a matrix is a list of rows of numbers"
                            ),
                            row.span(),
                        );
                        return None;
                    }
                    let nums: Vec<Sp<f64>> = cells
                        .iter()
                        .filter_map(|c| self.number(c, &format!("each element of {what}")))
                        .collect();
                    if nums.len() != cells.len() {
                        return None;
                    }
                    rows.push((nums, row.span()));
                }
                let width = rows[0].0.len();
                if width == 0 {
                    self.err(format!("{what} has an empty row"), rows[0].1.clone());
                    return None;
                }
                for (k, (r, span)) in rows.iter().enumerate() {
                    if r.len() != width {
                        self.err(
                            format!("row {k} of {what} has {} numbers, but row 0 has {width}; every row needs the same length", r.len()),
                            span.clone(),
                        );
                        return None;
                    }
                }
                (rows.into_iter().map(|(r, _)| r).collect(), false, false)
            }
            DeValue::Array(items) => {
                let nums: Vec<Sp<f64>> = items
                    .iter()
                    .filter_map(|c| self.number(c, &format!("each element of {what}")))
                    .collect();
                if nums.len() != items.len() {
                    return None;
                }
                (nums.into_iter().map(|n| vec![n]).collect(), true, false)
            }
            other => {
                self.err(
                    format!(
                        "{what} must be a number or a list of numbers, not {}",
                        other.type_str()
                    ),
                    v.span(),
                );
                return None;
            }
        };
        let tolerances = rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|n| written_tolerance(self.file.slice(&n.span)))
                    .collect()
            })
            .collect();
        Some(Sp {
            v: Literal {
                rows,
                tolerances,
                flat,
                scalar,
            },
            span: v.span(),
        })
    }

    fn checks(&mut self, v: &Val<'_>, what: &str) -> (Vec<RawCheck>, Option<f64>) {
        let Some(t) = self.table(v, what) else {
            return (Vec::new(), None);
        };
        let mut checks = Vec::new();
        let mut tol = None;
        for (k, v) in t {
            if k.get_ref() == "tol" {
                tol = self.number(v, "`tol`").map(|n| n.v);
                continue;
            }
            let name = Sp {
                v: k.get_ref().to_string(),
                span: k.span(),
            };
            if let Some(value) = self.literal(v, &format!("`{}` in {what}", name.v)) {
                checks.push(RawCheck { name, value });
            }
        }
        (checks, tol)
    }

    fn step(&mut self, item: &Val<'_>) -> Option<RawStep> {
        let t = self.table(item, "each step")?;
        self.known_keys(t, STEP_KEYS, "a step");
        let mut s = RawStep {
            span: item.span(),
            ..RawStep::default()
        };
        for (key, v) in t {
            let k = key.get_ref().as_ref();
            let action = |name: &'static str, s: &mut RawStep| {
                s.actions.push(Sp {
                    v: name,
                    span: key.span(),
                })
            };
            match k {
                "title" => s.title = self.string(v, "`title`"),
                "text" => s.text = self.string(v, "`text`").map(|x| x.v),
                "note" => s.note = self.string(v, "`note`").map(|x| x.v),
                "show" => s.show = self.strings(v, "`show`").map(|x| x.v).unwrap_or_default(),
                "let" => {
                    action("let", &mut s);
                    s.let_ = self.string(v, "`let`");
                }
                "expand" => s.expand = self.bool(v, "`expand`").unwrap_or(false),
                "backward" => {
                    action("backward", &mut s);
                    s.backward = self.string(v, "`backward`");
                }
                "update" => {
                    action("update", &mut s);
                    s.update = self.strings(v, "`update`");
                }
                "train" => {
                    action("train", &mut s);
                    s.train = self.train(v);
                }
                "search" => {
                    action("search", &mut s);
                    s.search = self.search(v);
                }
                "quiz" => {
                    action("quiz", &mut s);
                    s.quiz = self.quiz(v);
                }
                "expect" => (s.expect, s.expect_tol) = self.checks(v, "`expect`"),
                "slide" => (s.slide, s.slide_tol) = self.checks(v, "`slide`"),
                _ => {}
            }
        }
        Some(s)
    }

    fn train(&mut self, v: &Val<'_>) -> Option<RawTrain> {
        let t = self.table(v, "`train`")?;
        self.known_keys(
            t,
            &["steps", "update", "track", "every", "batch"],
            "`train`",
        );
        let steps = match t.get("steps") {
            Some(x) => self.int(x, "`steps`")?,
            None => {
                self.err("`train` needs `steps`, the number of iterations", v.span());
                return None;
            }
        };
        let update = t
            .get("update")
            .and_then(|x| self.strings(x, "`update`"))
            .map(|x| x.v)
            .unwrap_or_default();
        if update.is_empty() {
            self.err(
                "`train` needs `update`, e.g. update = [\"W = W - lr * grad(L, W)\"]",
                v.span(),
            );
        }
        let track = t
            .get("track")
            .and_then(|x| self.strings(x, "`track`"))
            .map(|x| x.v)
            .unwrap_or_default();
        let every = t.get("every").and_then(|x| self.int(x, "`every`"));
        let batch = match t.get("batch") {
            None => None,
            Some(b) => {
                let bt = self.table(b, "`batch`")?;
                self.known_keys(bt, &["size", "data", "seed"], "`batch`");
                let size = bt.get("size").and_then(|x| self.int(x, "`size`"));
                let data = bt.get("data").and_then(|x| self.strings(x, "`data`"));
                let seed = bt
                    .get("seed")
                    .and_then(|x| self.int(x, "`seed`"))
                    .map_or(0, |s| s.v);
                match (size, data) {
                    (Some(size), Some(data)) => Some(RawBatch { size, data, seed }),
                    _ => {
                        self.err(
                            "`batch` needs `size` and `data` (the names whose columns are sampled)",
                            b.span(),
                        );
                        return None;
                    }
                }
            }
        };
        Some(RawTrain {
            span: v.span(),
            steps,
            update,
            track,
            every,
            batch,
        })
    }

    fn search(&mut self, v: &Val<'_>) -> Option<RawSearch> {
        let t = self.table(v, "`search`")?;
        self.known_keys(t, &["trials", "param", "loss", "seed"], "`search`");
        let need = |w: &mut Self, k: &str| {
            if t.get(k).is_none() {
                w.err(format!("`search` needs `{k}`"), v.span());
            }
            t.get(k)
        };
        let trials = need(self, "trials").and_then(|x| self.int(x, "`trials`"));
        let param = need(self, "param").and_then(|x| self.string(x, "`param`"));
        let loss = need(self, "loss").and_then(|x| self.string(x, "`loss`"));
        let seed = t
            .get("seed")
            .and_then(|x| self.int(x, "`seed`"))
            .map_or(0, |s| s.v);
        Some(RawSearch {
            span: v.span(),
            trials: trials?,
            param: param?,
            loss: loss?,
            seed,
        })
    }

    fn quiz(&mut self, v: &Val<'_>) -> Option<RawQuiz> {
        let t = self.table(v, "`quiz`")?;
        self.known_keys(
            t,
            &["question", "answer", "choices", "correct", "explain"],
            "`quiz`",
        );
        let question = match t.get("question") {
            Some(q) => self.string(q, "`question`")?,
            None => {
                self.err("`quiz` needs a `question`", v.span());
                return None;
            }
        };
        // A numeric answer may be written as a number or as an expression.
        let answer = t.get("answer").and_then(|a| match a.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) => Some(Sp {
                v: self.file.slice(&a.span()).replace('_', ""),
                span: a.span(),
            }),
            _ => self.string(a, "`answer`"),
        });
        let choices = t
            .get("choices")
            .and_then(|c| self.strings(c, "`choices`"))
            .map(|c| Sp {
                v: c.v.into_iter().map(|x| x.v).collect(),
                span: c.span,
            });
        let correct = t.get("correct").and_then(|c| self.int(c, "`correct`"));
        let explain = t
            .get("explain")
            .and_then(|e| self.string(e, "`explain`"))
            .map(|e| e.v);
        match (&answer, &choices) {
            (None, None) => self.err(
                "`quiz` needs an `answer` (a number or an expression) or `choices` with `correct`",
                v.span(),
            ),
            (Some(a), Some(_)) => self.err(
                "`quiz` has both `answer` and `choices`; keep one",
                a.span.clone(),
            ),
            (None, Some(c)) if correct.is_none() => self.err(
                "`choices` need `correct`, the index of the right choice (0 = first)",
                c.span.clone(),
            ),
            _ => {}
        }
        Some(RawQuiz {
            question,
            answer,
            choices,
            correct,
            explain,
        })
    }
}

/// Half a unit in the last written digit: `5.27` → 0.005, `0` → 0.5,
/// `1.5e-3` → 0.00005.
pub fn written_tolerance(text: &str) -> f64 {
    let t = text.trim().trim_start_matches(['+', '-']);
    if t.contains("inf") || t.contains("nan") {
        return 0.0;
    }
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(p) => (&t[..p], t[p + 1..].parse::<i32>().unwrap_or(0)),
        None => (t, 0),
    };
    let decimals = mantissa.find('.').map_or(0, |p| mantissa.len() - p - 1) as i32;
    0.5 * 10f64.powi(exponent - decimals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance_from_the_written_precision() {
        assert_eq!(written_tolerance("5.27"), 0.005);
        assert_eq!(written_tolerance("0"), 0.5);
        assert_eq!(written_tolerance("-12.9"), 0.05);
        assert!((written_tolerance("1.5e-3") - 0.00005).abs() < 1e-18);
        assert_eq!(written_tolerance("164.0"), 0.05);
    }
}
