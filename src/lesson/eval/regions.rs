//! Decision regions: a step's `scores` formula evaluated over a grid of the
//! plane instead of the data, each grid point taking the class whose score
//! is largest. The same formula, through the same engine, as the lesson.

use super::zero_lines::{ZeroLine, zero_lines};
use super::*;
use crate::engine::{Binding, Budget, Scope};
use crate::lesson::model::Regions;

/// Grid points evaluated at once.
const CHUNK: usize = 1024;

/// Grid points across and down for decision regions: a canvas is at most
/// 80 cells wide and 40 rows (80 half-block pixels) tall, so each pixel has
/// its own grid point or more.
pub const GRID: (usize, usize) = (96, 96);

/// The most one picture of the regions may cost (about 50 ms): while a
/// training runs they are drawn again a few dozen times a second.
pub const REGIONS_WORK: u64 = 50_000_000;

/// A grid over the plane, classified.
#[derive(Debug, Clone, PartialEq)]
pub struct Plane {
    /// x from `x0` (left) to `x1`, y from `y0` (bottom) to `y1`.
    pub bounds: [f64; 4],
    pub nx: usize,
    pub ny: usize,
    /// Row-major from the top row: the winning class of each grid point.
    pub classes: Vec<u8>,
    /// The data points: (x, y, label).
    pub points: Vec<(f64, f64, Option<u8>)>,
    pub class_count: usize,
    /// Where each class's score is zero (`lines`), class by class.
    pub lines: Vec<ZeroLine>,
}

/// The lesson's values, with the data replaced by the grid.
struct OnGrid<'a> {
    env: &'a Env,
    values: &'a Values,
    x: &'a str,
    grid: &'a Tensor,
    budget: &'a Budget,
}

impl Scope for OnGrid<'_> {
    fn budget(&self) -> Option<&Budget> {
        Some(self.budget)
    }

    fn binding(&self, name: &str) -> Option<Binding<'_>> {
        if name == self.x {
            return Some(Binding {
                shared: None,
                value: Some(self.grid),
                formula: None,
                selection: None,
            });
        }
        let value = self.values.get(name).map(|v| &v.data);
        let formula = self.env.derived(name).map(|d| &d.expr);
        (value.is_some() || formula.is_some()).then_some(Binding {
            value: value.map(|v| &**v),
            formula,
            // Graphs share the values rather than copy them.
            shared: value,
            selection: None,
        })
    }
}

/// The data's extent, a tenth wider on each side: x from, x to, y from,
/// y to.
fn bounds(data: &Tensor) -> [f64; 4] {
    let mut bounds = [0.0; 4];
    for (r, (lo, hi)) in [(0, (0, 1)), (1, (2, 3))] {
        let row = data.row(r);
        let (min, max) = (row.min(), row.max());
        let pad = ((max - min) * 0.1).max(1e-6);
        bounds[lo] = min - pad;
        bounds[hi] = max + pad;
    }
    bounds
}

/// The centres of an `nx` × `ny` grid over `bounds`, as columns, row by
/// row from the top.
fn grid(bounds: [f64; 4], nx: usize, ny: usize) -> Tensor {
    let at = |k: usize, n: usize, lo: f64, hi: f64| lo + (hi - lo) * (k as f64 + 0.5) / n as f64;
    Tensor::from_fn(2, nx * ny, |r, c| {
        let (gx, gy) = (c % nx, c / nx);
        match r {
            0 => at(gx, nx, bounds[0], bounds[1]),
            _ => at(ny - 1 - gy, ny, bounds[2], bounds[3]),
        }
    })
}

/// The data points with their labels (a class below 256, if any).
fn points(data: &Tensor, regions: &Regions, values: &Values) -> Vec<(f64, f64, Option<u8>)> {
    let labels = regions
        .labels
        .as_ref()
        .and_then(|(l, _)| values.get(l))
        .map(|v| &v.data);
    // Labels are a row or a column: element c either way (`as_slice`, not
    // an iterator's nth, which made this quadratic in the points).
    let labels = labels.map(|l| l.as_slice());
    (0..data.ncols())
        .map(|c| {
            let label = labels
                .and_then(|l| l.get(c).copied())
                .filter(|v| *v >= 0.0 && *v < 256.0)
                .map(|v| v as u8);
            (data[(0, c)], data[(1, c)], label)
        })
        .collect()
}

/// Classifies the [`GRID`] over the data's extent, with `values` for the
/// givens and `env`'s formulas: what the tutor draws.
pub fn classify_grid(env: &Env, values: &Values, regions: &Regions) -> Result<Plane, String> {
    let (nx, ny) = GRID;
    classify(env, values, regions, nx, ny, &Budget::unlimited())
}

/// Classifies an `nx` × `ny` grid over the data's extent (a tenth wider on
/// each side), with `values` for the givens and `env`'s formulas, within
/// `budget`.
pub fn classify(
    env: &Env,
    values: &Values,
    regions: &Regions,
    nx: usize,
    ny: usize,
    budget: &Budget,
) -> Result<Plane, String> {
    let x_name = &regions.x.0;
    let data = &values
        .get(x_name)
        .ok_or_else(|| format!("`{x_name}` is not defined"))?
        .data;
    if data.nrows() != 2 || data.ncols() == 0 {
        return Err(format!(
            "`regions` draws the plane of two rows, but `{x_name}` is {}",
            shape_str(data.shape())
        ));
    }
    let bounds = bounds(data);
    let (nx, ny) = (nx.max(1), ny.max(1));
    // No scores: the data points alone, a scatter of the data set.
    let Some((scores_name, _)) = &regions.scores else {
        return Ok(Plane {
            bounds,
            nx,
            ny,
            classes: Vec::new(),
            points: points(data, regions, values),
            class_count: 0,
            lines: zero_lines(regions, values)?,
        });
    };
    let grid = grid(bounds, nx, ny);
    let expr = Expr {
        kind: ExprKind::Name(scores_name.clone()),
        span: 0..0,
    };
    // A thousand points at a time: the hidden layer of a network over the
    // whole grid would be megabytes, pushing a training that runs beside
    // it out of the processor's cache.
    let total = nx * ny;
    let mut classes = Vec::with_capacity(total);
    let mut class_count = 0;
    let mut start = 0;
    while start < total {
        let end = (start + CHUNK).min(total);
        let part = grid.columns(start, end - start).into_owned();
        let scope = OnGrid {
            env,
            values,
            x: x_name,
            grid: &part,
            budget,
        };
        let (g, r) = Graph::build(&expr, &scope, true).map_err(|e| e.message())?;
        let scores = g.value(r);
        if scores.ncols() != end - start || scores.nrows() < 2 {
            return Err(format!(
                "`{scores_name}` must give one row per class and one column per point of `{x_name}`; on the plane it is {}",
                shape_str(scores.shape())
            ));
        }
        class_count = scores.nrows();
        for c in 0..scores.ncols() {
            let col = scores.column(c);
            let mut best = 0;
            for k in 1..col.len() {
                if col[k] > col[best] {
                    best = k;
                }
            }
            classes.push(best.min(u8::MAX as usize) as u8);
        }
        start = end;
    }
    let points = points(data, regions, values);
    let lines = zero_lines(regions, values)?;
    if !lines.is_empty() && lines.len() != class_count {
        return Err(format!(
            "`lines` draws a line per class, but `{}` has {} rows and `{scores_name}` {class_count} classes",
            regions.lines.as_ref().map_or("", |l| l.0.as_str()),
            lines.len(),
        ));
    }
    Ok(Plane {
        bounds,
        nx,
        ny,
        classes,
        points,
        class_count,
        lines,
    })
}

impl Evaluator<'_> {
    /// The regions of a step must draw at load, on a small grid, or the
    /// author hears why here rather than the learner in the tutor; one
    /// picture must cost little enough to be drawn again live. Then they
    /// are classified on the whole grid (beside the tutor, not in it).
    pub(super) fn regions(&mut self, step: &Step, regions: &Regions) -> Option<Arc<Plane>> {
        self.check_regions(step, regions)?;
        let (nx, ny) = GRID;
        match classify(
            &self.env,
            &self.env.values,
            regions,
            nx,
            ny,
            &self.env.budget,
        ) {
            Ok(plane) => Some(Arc::new(plane)),
            Err(why) => {
                self.error(
                    format!("{}: cannot draw `regions`: {why}", step.label()),
                    place(regions),
                );
                None
            }
        }
    }

    fn check_regions(&mut self, step: &Step, regions: &Regions) -> Option<()> {
        self.regions_defined(step, regions)?;
        if !self.env.givens.contains(&regions.x.0) {
            self.error(
                format!(
                    "{}: `regions.x` must be a given (the data points), but `{}` is a formula",
                    step.label(),
                    regions.x.0
                ),
                regions.x.1.clone(),
            );
            return None;
        }
        if let Some((scores, span)) = &regions.scores
            && self.env.derived(scores).is_none()
        {
            self.error(
                format!(
                    "{}: `regions.scores` must be a formula of `{}`, but `{scores}` is a given",
                    step.label(),
                    regions.x.0,
                ),
                span.clone(),
            );
            return None;
        }
        let n = self.env.values[&regions.x.0].data.ncols();
        if let Some((l, span)) = &regions.labels {
            let shape = self.env.values[l].data.shape();
            if shape != (1, n) && shape != (n, 1) {
                self.error(
                    format!(
                        "{}: `regions.labels` needs one class per point of `{}` ({n}), but `{l}` is {}",
                        step.label(),
                        regions.x.0,
                        shape_str(shape)
                    ),
                    span.clone(),
                );
                return None;
            }
        }
        self.lines_fit(step, regions)?;
        let Some((scores, span)) = &regions.scores else {
            return Some(());
        };
        let sample = Budget::unlimited();
        if let Err(why) = classify(&self.env, &self.env.values, regions, 3, 2, &sample) {
            self.error(
                format!("{}: cannot draw `regions`: {why}", step.label()),
                span.clone(),
            );
            return None;
        }
        // Six points measured; the grid has thousands.
        let (nx, ny) = GRID;
        let whole = sample.spent() / 6 * (nx * ny) as u64;
        if whole > REGIONS_WORK {
            self.error(
                format!(
                    "{}: drawing `regions` evaluates `{}` at {} points of the plane, about {} operations a picture; the limit is {} (a picture is drawn again as a training runs): make the network smaller",
                    step.label(),
                    scores,
                    nx * ny,
                    crate::engine::budget::count(whole),
                    crate::engine::budget::count(REGIONS_WORK)
                ),
                span.clone(),
            );
            return None;
        }
        Some(())
    }
    /// Every name `regions` gives is defined by this step or before.
    fn regions_defined(&mut self, step: &Step, regions: &Regions) -> Option<()> {
        for (name, span) in [
            Some(&regions.x),
            regions.scores.as_ref(),
            regions.labels.as_ref(),
            regions.lines.as_ref(),
            regions.bias.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            if !self.env.values.contains_key(name) {
                if !self.poisoned.contains(name) {
                    self.error(
                        format!(
                            "{}: `regions` names `{name}`, which is not defined by this step or before",
                            step.label()
                        ),
                        span.clone(),
                    );
                }
                return None;
            }
        }
        Some(())
    }

    /// `lines` and `bias` have the shapes of a linear classifier's W and b.
    fn lines_fit(&mut self, step: &Step, regions: &Regions) -> Option<()> {
        if let (None, Some((_, span))) = (&regions.lines, &regions.bias) {
            self.error(
                format!(
                    "{}: `regions.bias` is the b beside `lines`, but there is no `lines`",
                    step.label()
                ),
                span.clone(),
            );
            return None;
        }
        if let Err(why) = zero_lines(regions, &self.env.values) {
            let span = regions.lines.as_ref().map_or(&regions.x.1, |l| &l.1);
            self.error(
                format!("{}: cannot draw `regions`: {why}", step.label()),
                span.clone(),
            );
            return None;
        }
        Some(())
    }
}

/// Where a `regions` error points: its `scores`, or its `x`.
fn place(regions: &Regions) -> Span {
    regions
        .scores
        .as_ref()
        .map_or(&regions.x.1, |s| &s.1)
        .clone()
}

#[cfg(test)]
mod tests {
    use crate::lesson::SourceFile;

    fn lesson(regions: &str) -> crate::lesson::Loaded {
        let text = format!(
            r#"
id = "r"
title = "r"
[given]
X = [[-1, 1, 0], [0, 0, 2]]
y = [0, 1, 2]
W = [[-1, 0], [1, 0], [0, 1]]
[[steps]]
title = "scores"
let = "S = W @ X"
regions = {regions}
"#
        );
        crate::lesson::load(SourceFile::new("r.toml", text))
    }

    #[test]
    fn each_grid_point_takes_the_class_with_the_largest_score() {
        let loaded = lesson(r#"{ scores = "S", x = "X", labels = "y" }"#);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let timeline = loaded.timeline.unwrap();
        let env = timeline.formulas[0].clone().unwrap();
        let step = &loaded.lesson.as_ref().unwrap().steps[0];
        let plane = super::classify(
            &env,
            &timeline.steps[0].values,
            step.regions.as_ref().unwrap(),
            4,
            4,
            &super::Budget::unlimited(),
        )
        .unwrap();
        // x spans [-1, 1] and y [0, 2], padded by 0.2 on each side: the
        // grid's x centres are -1.2 + 2.4 (k + 0.5) / 4 = -0.9, -0.3, 0.3, 0.9
        // and its y centres from the top 1.9, 1.3, 0.7, 0.1.
        // Scores: -x, x, y. Top-left (-0.9, 1.9): y wins (2); bottom-left
        // (-0.9, 0.1): -x wins (0); bottom-right (0.9, 0.1): x wins (1).
        assert_eq!(plane.classes[0], 2);
        assert_eq!(plane.classes[12], 0);
        assert_eq!(plane.classes[15], 1);
        // (0.3, 0.7): y = 0.7 beats x = 0.3 and -x.
        assert_eq!(plane.classes[2 * 4 + 2], 2);
        assert_eq!(plane.points[1], (1.0, 0.0, Some(1)));
        assert_eq!(plane.class_count, 3);
    }

    #[test]
    fn regions_of_a_given_or_of_three_rows_are_refused_with_the_place() {
        let loaded = lesson(r#"{ scores = "W", x = "X" }"#);
        let msg = &loaded.diagnostics[0].message;
        assert!(msg.contains("must be a formula of `X`"), "{msg}");
        let loaded = lesson(r#"{ scores = "S", x = "X", labels = "W" }"#);
        let msg = &loaded.diagnostics[0].message;
        assert!(msg.contains("one class per point of `X` (3)"), "{msg}");
        let loaded = lesson(r#"{ scores = "S" }"#);
        let d = &loaded.diagnostics[0];
        assert!(d.message.contains("`regions` has no `x`"), "{}", d.message);
        let help = d.help.as_deref().unwrap_or_default();
        assert!(help.contains("the points (two rows"), "{help}");
    }
}
