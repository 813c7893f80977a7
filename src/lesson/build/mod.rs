//! Raw lesson → checked lesson: required fields, one action per step, names
//! that are names, expressions that parse, givens materialized. Every problem
//! is collected; evaluation (shapes, unknown names, expects) comes after.

use std::collections::HashMap;

use super::diagnostic::Diagnostic;
use super::model::*;
use super::raw::{Checks, Literal, Numbers, PlotSpec, RawGiven, RawLesson, RawStep, Sp};
use super::source::SourceFile;

mod givens;

use super::value::Value;
use crate::engine::{self, Budget, MAX_ELEMENTS, Tensor, datasets, ops, rng::Rng};
use givens::literal_tensor;
pub use givens::{draw, given_values};

pub fn build(
    raw: RawLesson,
    source: &SourceFile,
    budget: &Budget,
) -> (Option<Lesson>, Vec<Diagnostic>) {
    let mut b = Builder {
        source,
        diags: Vec::new(),
        budget,
    };
    let id = raw.id.as_ref().map(|id| {
        if !is_kebab(&id.v) {
            b.err(format!("id `{}` must be kebab-case (lowercase letters, digits and single dashes), e.g. \"my-lesson\"", id.v), id.span.clone());
        }
        id.v.clone()
    });
    let digits = match &raw.digits {
        Some(d) if !(0..=12).contains(&d.v) => {
            b.err(
                format!(
                    "`digits` is {}; display precision must be 0 to 12 decimals",
                    d.v
                ),
                d.span.clone(),
            );
            2
        }
        Some(d) => d.v as usize,
        None => 2,
    };
    let mut givens = Vec::new();
    let mut broken_givens = Vec::new();
    let mut seen: HashMap<String, Span> = HashMap::new();
    for g in &raw.given {
        let made = b.given(g);
        let made = b.keep(made, &g.name.span);
        if made.is_empty() {
            broken_givens.push(g.name.v.clone());
        }
        for given in made {
            if let Some(first) = seen.get(&given.name) {
                let (line, _) = source.line_col(first.start);
                b.err(
                    format!("`{}` is defined twice (first on line {line})", given.name),
                    given.span.clone(),
                );
                continue;
            }
            seen.insert(given.name.clone(), given.span.clone());
            givens.push(given);
        }
    }
    if raw.steps.is_empty() && raw.id.is_some() {
        let span = raw.steps_span.clone().unwrap_or(0..0);
        b.err(
            "the lesson has no steps; add at least one `[[steps]]` table",
            span,
        );
    }
    let steps: Vec<Step> = raw
        .steps
        .iter()
        .enumerate()
        .filter_map(|(k, s)| b.step(k + 1, s.as_ref()?))
        .collect();
    check_curves(&mut b, &steps);
    let ok = raw.id.is_some() && raw.title.is_some() && steps.len() == raw.steps.len();
    let lesson = ok.then(|| Lesson {
        id: id.unwrap_or_default(),
        title: raw.title.map(|t| t.v).unwrap_or_default(),
        summary: raw.summary.unwrap_or_default(),
        order: raw.order.map_or(1000, |o| o.v),
        digits,
        givens,
        steps,
        source: source.clone(),
        broken_givens,
    });
    (lesson, b.diags)
}

/// A step's `curves` must each be tracked by an earlier training.
fn check_curves(b: &mut Builder, steps: &[Step]) {
    let mut tracked: Vec<&str> = Vec::new();
    for step in steps {
        for (name, span) in &step.curves {
            if !tracked.contains(&name.as_str()) {
                b.err(
                    format!(
                        "{}: `curves` draws values that an earlier `train` tracks; `{name}` is not tracked before this step",
                        step.label()
                    ),
                    span.clone(),
                );
            }
        }
        if let Action::Train(t) = &step.action {
            tracked.extend(t.track.iter().map(|(n, _)| n.as_str()));
        }
    }
}

pub fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s.len() <= 64
}

pub struct Builder<'a> {
    pub(crate) source: &'a SourceFile,
    pub(crate) diags: Vec<Diagnostic>,
    /// Generating data sets is work, and every given is kept.
    pub(crate) budget: &'a Budget,
}

impl Builder<'_> {
    pub(crate) fn err(&mut self, message: impl Into<String>, span: Span) {
        self.diags.push(Diagnostic::error(message, span));
    }

    fn check_name(&mut self, name: &str, span: &Span) -> bool {
        if !is_name(name) {
            self.err(format!("`{name}` is not a valid name: use letters, digits and `_`, starting with a letter"), span.clone());
            return false;
        }
        if ops::function(name).is_some() || crate::engine::Derivative::of_call(name).is_some() {
            self.err(
                format!("`{name}` is the name of a function; choose another name"),
                span.clone(),
            );
            return false;
        }
        true
    }

    pub(crate) fn formula(&mut self, text: &Sp<String>, step: &str) -> Option<Formula> {
        let base = self.source.string_contents_start(&text.span, &text.v);
        let place = |inner: &Span| match base {
            Some(b) => b + inner.start..b + inner.end,
            None => text.span.clone(),
        };
        match engine::parse::parse_statement(&text.v) {
            Ok(statement) => {
                if !self.check_name(&statement.name, &place(&statement.name_span)) {
                    return None;
                }
                Some(Formula {
                    text: text.v.clone(),
                    statement,
                    span: text.span.clone(),
                    base,
                })
            }
            Err(e) => {
                self.err(
                    format!(
                        "{step}: in `{}`: {}",
                        super::eval::clip(&text.v),
                        e.message()
                    ),
                    place(&e.span),
                );
                None
            }
        }
    }

    /// An update computes every right-hand side before it assigns any, so
    /// a name assigned twice would lose its first value.
    pub(crate) fn distinct_targets(&mut self, label: &str, what: &str, fs: &[Formula]) -> bool {
        for (k, f) in fs.iter().enumerate() {
            let name = &f.statement.name;
            if fs[..k].iter().any(|g| &g.statement.name == name) {
                self.err(
                    format!("{label}: `{name}` is assigned twice in this {what}; the second would overwrite the first"),
                    f.file_span(&f.statement.name_span),
                );
                return false;
            }
        }
        true
    }

    /// `expect` or `slide`: each value made a literal, at its written
    /// precision or within `tol`.
    fn checks(&mut self, raw: Option<&Checks>, what: &str) -> Vec<Check> {
        let Some(raw) = raw else {
            return Vec::new();
        };
        let tol = raw.tol.as_ref().and_then(|t| {
            if t.v.is_finite() && t.v >= 0.0 {
                return Some(t.v);
            }
            self.err(
                format!("`tol` is {}; a tolerance is a number 0 or more", t.v),
                t.span.clone(),
            );
            None
        });
        raw.checks
            .iter()
            .filter_map(|(name, value)| {
                let lit = self.numbers(value, &format!("`{}` in `{what}`", name.v))?;
                Some(self.check(name, lit, tol))
            })
            .collect()
    }

    /// Numbers as written made a literal, or why they are none reported.
    pub(crate) fn numbers(&mut self, value: &Sp<Numbers>, what: &str) -> Option<Sp<Literal>> {
        match value.literal(what, self.source) {
            Ok(lit) => Some(lit),
            Err(d) => {
                self.diags.push(d);
                None
            }
        }
    }

    fn check(&mut self, name: &Sp<String>, value: Sp<Literal>, tol: Option<f64>) -> Check {
        let lit = &value.v;
        let expected = literal_tensor(lit);
        let tolerance = Tensor::from_fn(expected.nrows(), expected.ncols(), |i, j| {
            tol.unwrap_or(lit.tolerances[i][j])
        });
        Check {
            name: name.v.clone(),
            name_span: name.span.clone(),
            span: value.span.clone(),
            expected,
            tolerance,
            element_spans: lit
                .rows
                .iter()
                .map(|r| r.iter().map(|n| n.span.clone()).collect())
                .collect(),
            vector: lit.flat,
        }
    }

    fn step(&mut self, index: usize, s: &RawStep) -> Option<Step> {
        let title = s.title.v.clone();
        let label = format!("step {index} \"{title}\"");
        if s.actions.len() > 1 {
            let names: Vec<&str> = s.actions.iter().map(|a| a.v).collect();
            self.err(
                format!(
                    "{label} has {} actions ({}); a step does one thing, so split it",
                    names.len(),
                    names.join(", ")
                ),
                s.actions[1].span.clone(),
            );
            return None;
        }
        let action = crate::lesson::kinds::build(self, s, &label)?;
        let reads = self.reads(s, &action, &label);
        Some(Step {
            index,
            title,
            text: s.text.as_ref().map(|t| t.v.clone()).unwrap_or_default(),
            show: pairs(&s.show),
            action,
            expect: self.checks(s.expect.as_ref(), "expect"),
            slide: self.checks(s.slide.as_ref(), "slide"),
            note: s.note.as_ref().map(|n| n.v.clone()),
            notes: s.notes.as_ref().map(|n| n.v.clone()),
            reads,
            plot: s.plot.as_ref().and_then(|p| self.plot(p, &label)),
            regions: s.regions.as_ref().map(|r| Regions {
                scores: r.scores.as_ref().map(pair),
                x: pair(&r.x),
                labels: r.labels.as_ref().map(pair),
                lines: r.lines.as_ref().map(pair),
                bias: r.bias.as_ref().map(pair),
            }),
            images: s.images.as_ref().map(|i| Images {
                value: pair(&i.value),
                width: i.width.as_ref().map_or((28, i.value.span.clone()), |w| {
                    (w.v.clamp(0, 1 << 20) as usize, w.span.clone())
                }),
                count: i
                    .count
                    .as_ref()
                    .map(|c| (c.v.clamp(0, 1 << 20) as usize, c.span.clone())),
            }),
            bars: pairs(&s.bars),
            curves: pairs(&s.curves),
            predict: pairs(&s.predict),
            span: s.span.clone(),
        })
    }

    /// `reads`: only where there is a formula to read (a `let`, or a
    /// number quiz's answer).
    fn reads(&mut self, s: &RawStep, action: &Action, label: &str) -> Option<String> {
        let reads = s.reads.as_ref()?;
        if !action.has_formula() {
            self.err(
                format!(
                    "{label}: `reads` says how a formula reads, but the step has no `let` or number quiz"
                ),
                reads.span.clone(),
            );
            return None;
        }
        Some(reads.v.clone())
    }

    fn plot(&mut self, p: &PlotSpec, label: &str) -> Option<Plot> {
        if p.y.is_empty() {
            self.err(
                format!("{label}: `plot.y` is empty; name the vectors to draw against `x`"),
                p.y.span.clone(),
            );
            return None;
        }
        Some(Plot {
            x: pair(&p.x),
            y: pairs(&p.y),
        })
    }
}

/// A name and its span, as the checked lesson holds them.
fn pair(s: &Sp<String>) -> (String, Span) {
    (s.v.clone(), s.span.clone())
}

fn pairs(list: &[Sp<String>]) -> Vec<(String, Span)> {
    list.iter().map(pair).collect()
}
