//! `[given]`: literals with names and labels, random values and generated
//! data sets, each drawn the same way on every machine.

use std::sync::Arc;

use super::*;
use crate::lesson::raw::{GivenSpec, Names};

/// The work of generating one digit image (pen strokes drawn pixel by
/// pixel), one spiral point and one random number, in the engine's units
/// (about a nanosecond each; measured on a release build).
const DIGIT_WORK: u64 = 60_000;
const POINT_WORK: u64 = 100;
const DRAW_WORK: u64 = 20;

/// The values of `givens`, those made later made now: each data set once,
/// however many givens (images, labels) come from it.
pub fn given_values(givens: &[Given]) -> Vec<Value> {
    // Each data set drawn: (count, seed) → (images, labels).
    type Drawn = ((usize, u64), (Arc<Tensor>, Arc<Tensor>));
    let mut made: Vec<Drawn> = Vec::new();
    givens
        .iter()
        .map(|g| {
            let Some(l) = g.later else {
                return g.value.clone();
            };
            let key = (l.count, l.seed);
            let (x, y) = match made.iter().find(|(k, _)| *k == key) {
                Some((_, pair)) => pair.clone(),
                None => {
                    let (x, y) = datasets::digits(l.count, l.seed);
                    let pair = (Arc::new(x), Arc::new(y));
                    made.push((key, pair.clone()));
                    pair
                }
            };
            if l.labels {
                Value {
                    data: y,
                    rows: None,
                    cols: None,
                    labels: true,
                    classes: None,
                    written: 0,
                }
            } else {
                Value {
                    data: x,
                    ..Value::plain(Tensor::zeros(0, 0))
                }
            }
        })
        .collect()
}

/// What a given's specification made: its value, how to draw it anew (a
/// random one), and the labels of a data set.
struct Made {
    value: Value,
    random: Option<RandomSpec>,
    labels: Option<Tensor>,
    /// Digits to generate when the lesson is evaluated: (count, seed).
    later: Option<(usize, u64)>,
}

impl Made {
    fn value(value: Value) -> Made {
        Made {
            value,
            random: None,
            labels: None,
            later: None,
        }
    }
}

impl Builder<'_> {
    /// Charges the work of making a given, or says why it cannot be made.
    fn afford(&mut self, work: u64, span: &Span) -> bool {
        match self.budget.spend(work) {
            Ok(()) => true,
            Err(e) => {
                self.err(format!("generating this: {e}"), span.clone());
                false
            }
        }
    }

    /// Counts the givens made as kept for the whole lesson.
    pub(super) fn keep(&mut self, made: Vec<Given>, span: &Span) -> Vec<Given> {
        let numbers = |g: &Given| match g.later {
            Some(l) => l.shape().0 * l.shape().1,
            None => g.value.data.len(),
        };
        let bytes: u64 = made.iter().map(|g| 8 * numbers(g) as u64).sum();
        match self.budget.keep(bytes) {
            Ok(()) => made,
            Err(e) => {
                self.err(format!("keeping this given: {e}"), span.clone());
                Vec::new()
            }
        }
    }

    pub(super) fn given(&mut self, g: &RawGiven) -> Vec<Given> {
        let name = &g.name;
        if !self.check_name(&name.v, &name.span) {
            return Vec::new();
        }
        let Some(spec) = &g.spec else {
            return Vec::new();
        };
        let made = match spec {
            GivenSpec::Bare(value) => self.literal(&name.v, value, None, None, None),
            GivenSpec::Literal(l) => self.literal(
                &name.v,
                &l.value,
                l.rows.as_ref(),
                l.cols.as_ref(),
                l.kind.as_ref(),
            ),
            GivenSpec::Random(r) => self.random(&r.random, &r.shape, r.scale, r.seed),
            GivenSpec::Dataset(d) => {
                self.dataset(&d.dataset, &d.points, &d.classes, &d.count, d.seed)
            }
            GivenSpec::File(f) => self.file(&f.file, &f.format),
        };
        let Some(made) = made else {
            return Vec::new();
        };
        if let Some((count, seed)) = made.later {
            let later = |labels| Given {
                name: if labels {
                    format!("{}_labels", name.v)
                } else {
                    name.v.clone()
                },
                span: name.span.clone(),
                value: Value::plain(Tensor::zeros(0, 0)),
                random: None,
                later: Some(Later {
                    count,
                    seed,
                    labels,
                }),
            };
            return vec![later(false), later(true)];
        }
        let mut out = vec![Given {
            name: name.v.clone(),
            span: name.span.clone(),
            value: made.value,
            random: made.random,
            later: None,
        }];
        out.extend(made.labels.map(|y| labels_given(name, y)));
        out
    }

    /// `[[1, 2], [3, 4]]`, with row and column names, or class labels.
    fn literal(
        &mut self,
        name: &str,
        numbers: &Sp<Numbers>,
        rows: Option<&Names>,
        cols: Option<&Names>,
        kind: Option<&Sp<String>>,
    ) -> Option<Made> {
        let value = self.numbers(numbers, &format!("`{name}`"))?;
        let labels = match kind {
            None => false,
            Some(k) if k.v == "labels" => true,
            Some(k) => {
                self.err(
                    format!("unknown kind `{}`; the only kind is \"labels\"", k.v),
                    k.span.clone(),
                );
                false
            }
        };
        let mut data = literal_tensor(&value.v);
        if labels {
            self.check_labels(name, &value)?;
            // Labels are held as a 1×n row, one per sample (column).
            data = data.transpose();
        }
        for (names, len, what) in [
            (rows, data.nrows(), "rows"),
            (cols, data.ncols(), "columns"),
        ] {
            if let Some(n) = names
                && n.len() != len
            {
                self.err(
                    format!(
                        "{} names given for the {len} {what} of `{name}` ({}×{})",
                        n.len(),
                        data.nrows(),
                        data.ncols()
                    ),
                    n.span.clone(),
                );
            }
        }
        let strings = |n: &Names| n.iter().map(|s| s.v.clone()).collect();
        Some(Made::value(Value {
            data: data.into(),
            rows: rows.map(strings),
            cols: cols.map(strings),
            labels,
            classes: None,
            written: written_decimals(&value.v),
        }))
    }

    /// Labels are a flat list of class indices.
    fn check_labels(&mut self, name: &str, value: &Sp<Literal>) -> Option<()> {
        if !(value.v.flat || value.v.scalar) {
            self.err(
                format!("labels `{name}` must be a flat list of class indices"),
                value.span.clone(),
            );
            return None;
        }
        for n in value.v.rows.iter().flatten() {
            // No value has more rows than this, so no class index beyond
            // it can pick anything.
            if !(0.0..MAX_ELEMENTS as f64).contains(&n.v) || n.v.fract() != 0.0 {
                self.err(
                    format!(
                        "a label must be a class index 0, 1, 2, … below {MAX_ELEMENTS}, not {}",
                        self.source.slice(&n.span)
                    ),
                    n.span.clone(),
                );
                return None;
            }
        }
        Some(())
    }

    /// `{ random = "normal", shape, scale, seed }`: drawn the same way on
    /// every machine (and anew each trial of a search).
    fn random(
        &mut self,
        dist: &Sp<String>,
        shape: &Sp<Vec<i64>>,
        scale: f64,
        seed: i64,
    ) -> Option<Made> {
        let normal = match dist.v.as_str() {
            "normal" => true,
            "uniform" => false,
            other => {
                self.err(
                    format!("unknown distribution `{other}`; use \"normal\" or \"uniform\""),
                    dist.span.clone(),
                );
                return None;
            }
        };
        let (rows, cols) = self.shape(&shape.v, &shape.span)?;
        let spec = RandomSpec {
            normal,
            rows,
            cols,
            scale,
            seed: seed as u64,
        };
        if !self.afford(DRAW_WORK * (rows * cols) as u64, &shape.span) {
            return None;
        }
        Some(Made {
            random: Some(spec),
            ..Made::value(Value::plain(draw(&spec, spec.seed)))
        })
    }

    /// `{ dataset = "spiral" | "digits" | "quadrants" | "rings" | "modes", … }`:
    /// the points (or images) and
    /// their labels, `NAME_labels`.
    fn dataset(
        &mut self,
        ds: &Sp<String>,
        points: &Option<Sp<i64>>,
        classes: &Option<Sp<i64>>,
        count: &Option<Sp<i64>>,
        seed: i64,
    ) -> Option<Made> {
        let (x, y) = match ds.v.as_str() {
            "spiral" => {
                let p = self.positive(points, "points", 100, &ds.span);
                let c = self.positive(classes, "classes", 3, &ds.span);
                let (p, c) = (p?, c?);
                if p.saturating_mul(c).saturating_mul(2) > MAX_ELEMENTS {
                    self.err(format!("a spiral of {p}×{c} points is larger than the limit of {MAX_ELEMENTS} numbers"), ds.span.clone());
                    return None;
                }
                if !self.afford(POINT_WORK * (p * c) as u64, &ds.span) {
                    return None;
                }
                datasets::spiral(p, c, seed as u64)
            }
            "digits" => {
                let n = self.positive(count, "count", 1000, &ds.span)?;
                let span = count.as_ref().map_or(ds.span.clone(), |c| c.span.clone());
                if n > MAX_DIGITS {
                    self.err(format!("`count` of generated digits is limited to {MAX_DIGITS} ({MAX_ELEMENTS} numbers of 784 pixels each), not {n}"), span);
                    return None;
                }
                if !self.afford(DIGIT_WORK * n as u64, &span) {
                    return None;
                }
                // Drawn when the lesson is evaluated, after the tutor's
                // first frame.
                return Some(Made {
                    later: Some((n, seed as u64)),
                    ..Made::value(Value::plain(Tensor::zeros(0, 0)))
                });
            }
            other if let Some(case) = datasets::HardCase::of(other) => {
                let p = self.positive(points, "points", 100, &ds.span)?;
                if let Some(c) = classes {
                    self.err(
                        format!("the `{other}` data set has 2 classes; leave out `classes`"),
                        c.span.clone(),
                    );
                    return None;
                }
                if p.saturating_mul(4) > MAX_ELEMENTS {
                    self.err(
                        format!(
                            "{p} points a class is larger than the limit of {MAX_ELEMENTS} numbers"
                        ),
                        ds.span.clone(),
                    );
                    return None;
                }
                if !self.afford(POINT_WORK * (2 * p) as u64, &ds.span) {
                    return None;
                }
                datasets::hard_case(case, p, seed as u64)
            }
            other => {
                self.err(
                    format!("unknown dataset `{other}`; available: \"spiral\", \"digits\", \"quadrants\", \"rings\", \"modes\""),
                    ds.span.clone(),
                );
                return None;
            }
        };
        Some(Made {
            labels: Some(y),
            ..Made::value(Value::plain(x))
        })
    }

    /// `{ file = "data/x.idx", format = "idx" }`, from the lesson's folder.
    fn file(&mut self, path: &Sp<String>, format: &Option<Sp<String>>) -> Option<Made> {
        if let Some(f) = format.as_ref().filter(|f| f.v != "idx") {
            self.err(
                format!(
                    "unknown file format `{}`; available: \"idx\" (MNIST's)",
                    f.v
                ),
                f.span.clone(),
            );
            return None;
        }
        // Where a file may come from is checked before it is read.
        let read = crate::lesson::files::data_file(&self.source.name, &path.v)
            .and_then(|p| crate::lesson::idx::read(&p).map_err(|e| format!("`{}`: {e}", path.v)));
        match read {
            Ok(idx) => Some(Made::value(Value {
                data: idx.data.into(),
                rows: None,
                cols: None,
                labels: idx.labels,
                classes: None,
                written: 0,
            })),
            Err(message) => {
                self.err(message, path.span.clone());
                None
            }
        }
    }

    pub(super) fn positive(
        &mut self,
        v: &Option<Sp<i64>>,
        what: &str,
        default: usize,
        span: &Span,
    ) -> Option<usize> {
        match v {
            None => Some(default),
            Some(n) if n.v >= 1 && n.v as u64 <= MAX_ELEMENTS as u64 => Some(n.v as usize),
            Some(n) => {
                let _ = span;
                self.err(
                    format!("`{what}` must be from 1 to {MAX_ELEMENTS}, not {}", n.v),
                    n.span.clone(),
                );
                None
            }
        }
    }

    pub(super) fn shape(&mut self, dims: &[i64], span: &Span) -> Option<(usize, usize)> {
        let (r, c) = match dims {
            [n] => (*n, 1),
            [r, c] => (*r, *c),
            _ => {
                self.err("`shape` must be [rows, columns] or [length]", span.clone());
                return None;
            }
        };
        if r < 1 || c < 1 {
            self.err(
                format!("`shape` must be positive, not [{r}, {c}]"),
                span.clone(),
            );
            return None;
        }
        match (r as u64).checked_mul(c as u64) {
            Some(n) if n <= MAX_ELEMENTS as u64 => Some((r as usize, c as usize)),
            _ => {
                self.err(
                    format!("a {r}×{c} matrix is larger than the limit of {MAX_ELEMENTS} elements"),
                    span.clone(),
                );
                None
            }
        }
    }
}

/// The most decimals the file wrote for a literal's numbers (`1.25347`: 5),
/// from the tolerance its writing implies; at most 12.
fn written_decimals(lit: &Literal) -> usize {
    lit.tolerances
        .iter()
        .flatten()
        .filter(|t| **t > 0.0)
        .map(|t| (-(2.0 * t).log10()).round().clamp(0.0, 12.0) as usize)
        .max()
        .unwrap_or(0)
}

pub(super) fn literal_tensor(lit: &Literal) -> Tensor {
    let rows: Vec<Vec<f64>> = lit
        .rows
        .iter()
        .map(|r| r.iter().map(|n| n.v).collect())
        .collect();
    engine::tensor::from_rows(&rows)
}

/// Draws a random given: the same seed gives the same numbers everywhere.
pub fn draw(spec: &RandomSpec, seed: u64) -> Tensor {
    let mut rng = Rng::new(seed);
    // Filled row by row, so a matrix reads in the order it was drawn.
    let mut t = Tensor::zeros(spec.rows, spec.cols);
    for i in 0..spec.rows {
        for j in 0..spec.cols {
            t[(i, j)] = if spec.normal {
                rng.normal() * spec.scale
            } else {
                (2.0 * rng.uniform() - 1.0) * spec.scale
            };
        }
    }
    t
}

/// As many generated digits as fit the largest value: 784 pixels each.
pub const MAX_DIGITS: usize = MAX_ELEMENTS / (datasets::DIGIT_SIDE * datasets::DIGIT_SIDE);

/// `X_labels` for a data set `X`.
fn labels_given(name: &Sp<String>, y: Tensor) -> Given {
    Given {
        name: format!("{}_labels", name.v),
        span: name.span.clone(),
        value: Value {
            data: y.into(),
            rows: None,
            cols: None,
            labels: true,
            classes: None,
            written: 0,
        },
        random: None,
        later: None,
    }
}
