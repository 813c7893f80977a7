//! What a step promises about its values (`expect` and `slide` checks), and
//! that what it asks to draw or ask for (`plot`, `bars`, `images`,
//! `predict`) names values that exist and fit.

use super::*;

/// Bars are one line per number: more would not be read.
pub const MAX_BARS: usize = 40;

/// A plot's vectors, and a training's curves, keep at most this many
/// points: a screen is a few hundred columns wide, and every frame (and
/// the JSON export) goes through them all.
pub const MAX_PLOT_POINTS: usize = 100_000;

impl Evaluator<'_> {
    /// Bars are drawn for vectors short enough to read.
    pub(super) fn check_bars(&mut self, step: &Step) {
        for (name, span) in &step.bars {
            let Some((r, c)) = self.env.values.get(name).map(|v| v.shape()) else {
                if !self.poisoned.contains(name) {
                    self.error(
                        format!(
                            "{}: `bars` names `{name}`, which is not defined by this step or before",
                            step.label()
                        ),
                        span.clone(),
                    );
                }
                continue;
            };
            if (r != 1 && c != 1) || r * c > MAX_BARS {
                self.error(
                    format!(
                        "{}: `bars` draws vectors of up to {MAX_BARS} numbers, but `{name}` is {}",
                        step.label(),
                        crate::engine::tensor::shape_str((r, c))
                    ),
                    span.clone(),
                );
            }
        }
    }

    /// Images must divide into rows of `width` pixels.
    pub(super) fn check_images(&mut self, step: &Step) {
        let Some(images) = &step.images else { return };
        let (name, span) = &images.value;
        let Some(v) = self.env.values.get(name).map(|v| v.shape()) else {
            if !self.poisoned.contains(name) {
                self.error(
                    format!(
                        "{}: `images` names `{name}`, which is not defined by this step or before",
                        step.label()
                    ),
                    span.clone(),
                );
            }
            return;
        };
        let (width, wspan) = &images.width;
        if *width == 0 || v.0 % width != 0 {
            self.error(
                format!(
                    "{}: `images` draws each column of `{name}` as rows of {width} pixels, but its columns have {} numbers, not a multiple of {width}",
                    step.label(),
                    v.0
                ),
                wspan.clone(),
            );
        }
        if let Some((count, cspan)) = &images.count
            && (*count == 0 || *count > v.1)
        {
            self.error(
                format!(
                    "{}: `images.count` must be from 1 to {} (the columns of `{name}`), not {count}",
                    step.label(),
                    v.1
                ),
                cspan.clone(),
            );
        }
    }

    /// What a learner predicts must be there, and one number to type.
    pub(super) fn check_predict(&mut self, step: &Step) {
        for (name, span) in &step.predict {
            match self.env.values.get(name).map(|v| v.shape()) {
                None if self.poisoned.contains(name) => {}
                None => self.error(
                    format!(
                        "{}: `predict` names `{name}`, which is not defined by this step or before",
                        step.label()
                    ),
                    span.clone(),
                ),
                Some((1, 1)) => {}
                Some(shape) => self.error(
                    format!(
                        "{}: `predict` asks for single numbers, but `{name}` is {}; predict one element (define it with `let`, e.g. `{name}0 = {name}[0]`)",
                        step.label(),
                        crate::engine::tensor::shape_str(shape)
                    ),
                    span.clone(),
                ),
            }
        }
    }

    /// A plot draws vectors against a vector: every name must be defined by
    /// this step and hold as many numbers as `x`.
    pub(super) fn check_plot(&mut self, step: &Step, plot: &Plot) {
        let len = |v: &Value| {
            let (r, c) = v.shape();
            (r == 1 || c == 1).then_some(r * c)
        };
        let names = std::iter::once(&plot.x).chain(&plot.y);
        let mut x_len = None;
        for (k, (name, span)) in names.enumerate() {
            let Some(v) = self.env.values.get(name).cloned() else {
                if !self.poisoned.contains(name) {
                    self.error(
                        format!("{}: `plot` names `{name}`, which is not defined by this step or before", step.label()),
                        span.clone(),
                    );
                }
                continue;
            };
            match (len(&v), k, x_len) {
                (None, _, _) => self.error(
                    format!(
                        "{}: `plot` draws vectors, but `{name}` is {}",
                        step.label(),
                        crate::engine::tensor::shape_str(v.shape())
                    ),
                    span.clone(),
                ),
                (Some(n), _, _) if n > MAX_PLOT_POINTS => self.error(
                    format!(
                        "{}: `plot` draws up to {MAX_PLOT_POINTS} points, but `{name}` has {n}",
                        step.label()
                    ),
                    span.clone(),
                ),
                (Some(n), 0, _) => x_len = Some(n),
                (Some(n), _, Some(x)) if n != x => self.error(
                    format!(
                        "{}: `plot` draws `{name}` ({n} values) against `{}` ({x} values); they need the same length",
                        step.label(),
                        plot.x.0
                    ),
                    span.clone(),
                ),
                _ => {}
            }
        }
    }

    pub(super) fn check(&mut self, step: &Step, c: &Check, slide: bool) -> Option<CheckOutcome> {
        let kind = if slide { "slide" } else { "expect" };
        let Some(value) = self.env.values.get(&c.name) else {
            if !self.poisoned.contains(&c.name) {
                let hint = self
                    .env
                    .suggest(&c.name)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                self.error(format!("{}: `{kind}` names `{}`, which is not defined by this step or before{hint}", step.label(), c.name), c.name_span.clone());
            }
            return None;
        };
        let computed = &value.data;
        let is_vector = |t: &Tensor| t.nrows() == 1 || t.ncols() == 1;
        let comparable = computed.shape() == c.expected.shape()
            || (c.vector && is_vector(computed) && computed.len() == c.expected.len());
        if !comparable {
            self.error(
                format!(
                    "{}: `{kind}` gives {} numbers for `{}`, which is {}",
                    step.label(),
                    shape_str(c.expected.shape()),
                    c.name,
                    shape_str(computed.shape())
                ),
                c.span.clone(),
            );
            return None;
        }
        let first_failure = first_failure(c, computed);
        let passed = first_failure.is_none();
        let outcome = CheckOutcome {
            slide,
            name: c.name.clone(),
            expected: c.expected.clone(),
            tolerance: c.tolerance.clone(),
            computed: (**computed).clone(),
            passed,
        };
        if let Some(f) = first_failure {
            self.report_failure(step, c, slide, computed.shape(), f);
        }
        Some(outcome)
    }
}

/// Where a check first fails: the expected element (ei, ej), the computed
/// one (ci, cj), expected and computed values and the tolerance.
type Failure = (usize, usize, usize, usize, f64, f64, f64);

/// The first element, in reading order, where the computed value is not
/// within the tolerance of the expected one. A written list is compared
/// with a 1×n row in reading order too.
fn first_failure(c: &Check, computed: &Tensor) -> Option<Failure> {
    let same = computed.shape() == c.expected.shape();
    let expected_rows = c.expected.nrows();
    for k in 0..c.expected.len() {
        let (ei, ej) = if same {
            (k / c.expected.ncols(), k % c.expected.ncols())
        } else {
            (k % expected_rows, k / expected_rows)
        };
        let (ci, cj) = if same {
            (ei, ej)
        } else if computed.nrows() == 1 {
            (0, k)
        } else {
            (k, 0)
        };
        let (e, v, tol) = (
            c.expected[(ei, ej)],
            computed[(ci, cj)],
            c.tolerance[(ei, ej)],
        );
        let ok = if e.is_nan() {
            v.is_nan()
        } else if e.is_infinite() {
            v == e
        } else {
            (v - e).abs() <= tol * (1.0 + 1e-9) + 1e-12
        };
        if !ok {
            return Some((ei, ej, ci, cj, e, v, tol));
        }
    }
    None
}

impl Evaluator<'_> {
    /// A failed `expect` (the lesson's numbers are wrong), or a note that
    /// the slides print another number (`slide`), at the element written.
    fn report_failure(
        &mut self,
        step: &Step,
        c: &Check,
        slide: bool,
        shape: (usize, usize),
        (ei, ej, ci, cj, e, v, tol): Failure,
    ) {
        let element = match shape {
            (1, 1) => c.name.clone(),
            (_, 1) => format!("{}[{ci}]", c.name),
            (1, _) => format!("{}[{cj}]", c.name),
            _ => format!("{}[{ci}, {cj}]", c.name),
        };
        let span = c
            .element_spans
            .get(ei)
            .and_then(|r| r.get(ej))
            .cloned()
            .unwrap_or(c.span.clone());
        let shown_e = number::short(e);
        let shown_v = number::trimmed(v, 6);
        let d = if slide {
            Diagnostic::error(format!("{}: the slides print {element} = {shown_e}; the engine computes {shown_v} (see the step's note)", step.label()), span)
                .with_severity(Severity::Note)
        } else {
            Diagnostic::error(
                format!(
                    "{}: {element} is {shown_v}, expected {shown_e} ± {}",
                    step.label(),
                    number::short(tol)
                ),
                span,
            )
            .with_severity(Severity::Failed)
            .with_label(format!("computed {shown_v}"))
        };
        self.diags.push(d);
    }
}
