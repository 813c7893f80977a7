//! Gradient checks: wherever a lesson has both `numgrad(L, W)` and
//! `grad(L, W)` of the same loss and parameter, the two side by side and
//! their relative difference element by element, |a - n| / (|a| + |n|)
//! (0 where both are 0), the measure the lectures use.

use super::model::{Action, Lesson};
use super::timeline::Timeline;
use crate::engine::Tensor;
use crate::engine::expr::ExprKind;

#[derive(Debug, Clone, PartialEq)]
pub struct GradCheck {
    /// The value holding `grad(L, W)`, and the one holding `numgrad(L, W)`.
    pub analytic: String,
    pub numeric: String,
    /// The loss and parameter both differentiate.
    pub loss: String,
    pub param: String,
    pub relative: Tensor,
    pub worst: f64,
}

/// How far apart the two gradients are, by the usual rule of thumb (as in
/// the CS231n notes): whether the learner can trust the analytic one.
pub fn verdict(worst: f64) -> (bool, &'static str) {
    if worst <= 1e-7 {
        (true, "they agree to about seven digits")
    } else if worst <= 1e-4 {
        (
            true,
            "they agree: what differs is the numerical gradient's own error (a forward difference with a small h)",
        )
    } else if worst <= 1e-2 {
        (
            false,
            "uncertain: acceptable near kinks (ReLU, max, abs), suspicious anywhere else",
        )
    } else {
        (
            false,
            "they disagree: the analytic gradient is probably wrong",
        )
    }
}

/// (kind, loss, parameter) of a `let` defining `grad(...)`/`numgrad(...)`.
fn gradient_let(lesson: &Lesson, k: usize) -> Option<(bool, String, String, String)> {
    let Action::Let { formula, .. } = &lesson.steps.get(k)?.action else {
        return None;
    };
    let ExprKind::Call { func, args, .. } = &formula.statement.expr.kind else {
        return None;
    };
    let name = |i: usize| match args.get(i).map(|a| &a.kind) {
        Some(ExprKind::Name(n)) => Some(n.clone()),
        _ => None,
    };
    let numeric = match func.as_str() {
        "grad" => false,
        "numgrad" => true,
        _ => return None,
    };
    Some((numeric, formula.statement.name.clone(), name(0)?, name(1)?))
}

/// The gradient check at step `k` (0-based): where the second of a
/// matching pair is defined, and at any later step whose formula reads both.
pub fn at(lesson: &Lesson, timeline: &Timeline, k: usize) -> Option<GradCheck> {
    let lets: Vec<(usize, (bool, String, String, String))> = (0..=k)
        .filter_map(|i| gradient_let(lesson, i).map(|g| (i, g)))
        .collect();
    let reads: Vec<String> = match &lesson.steps.get(k)?.action {
        Action::Let { formula, .. } => formula
            .statement
            .expr
            .names()
            .iter()
            .map(|(n, _)| n.to_string())
            .collect(),
        _ => Vec::new(),
    };
    for (i, (numeric, name, loss, param)) in &lets {
        if *numeric {
            continue;
        }
        let Some((j, (_, other, _, _))) = lets
            .iter()
            .find(|(_, (n, _, l, p))| *n && l == loss && p == param)
        else {
            continue;
        };
        let here = *i.max(j) == k || (reads.contains(name) && reads.contains(other));
        if !here {
            continue;
        }
        let values = &timeline.steps.get(k)?.values;
        let (a, n) = (&values.get(name)?.data, &values.get(other)?.data);
        if a.shape() != n.shape() {
            continue;
        }
        let relative = a.zip_map(n, |x, y| {
            let scale = x.abs() + y.abs();
            if scale == 0.0 {
                0.0
            } else {
                (x - y).abs() / scale
            }
        });
        let worst = relative.iter().fold(0.0f64, |m, v| m.max(*v));
        return Some(GradCheck {
            analytic: name.clone(),
            numeric: other.clone(),
            loss: loss.clone(),
            param: param.clone(),
            relative,
            worst,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::lesson::{SourceFile, load};

    #[test]
    fn the_pair_is_found_and_compared_element_by_element() {
        let text = r#"
id = "g"
title = "g"
[given]
w = [1.0, -2.0]
[[steps]]
title = "loss"
let = "L = sum(w ^ 3)"
[[steps]]
title = "numerical"
let = "gn = numgrad(L, w, 0.001)"
[[steps]]
title = "analytic"
let = "ga = grad(L, w)"
[[steps]]
title = "both"
let = "d = sum(abs(ga - gn))"
"#;
        let loaded = load(SourceFile::new("g.toml", text));
        let (lesson, t) = (loaded.lesson.unwrap(), loaded.timeline.unwrap());
        assert!(super::at(&lesson, &t, 0).is_none());
        assert!(super::at(&lesson, &t, 1).is_none());
        let check = super::at(&lesson, &t, 2).unwrap();
        assert_eq!(
            (check.analytic.as_str(), check.numeric.as_str()),
            ("ga", "gn")
        );
        // d(w³)/dw = 3w² = 3 and 12. numgrad's forward difference
        // ((w+h)³ - w³) / h = 3w² + 3wh + h² is off by 0.003001 at w = 1
        // (and -0.005999 at w = -2): relative errors 0.003001 / 6.003001
        // and 0.005999 / 23.994001; the worst is the first.
        let a = &t.steps[2].values["ga"].data;
        let n = &t.steps[2].values["gn"].data;
        for i in 0..2 {
            let want = (a[i] - n[i]).abs() / (a[i].abs() + n[i].abs());
            assert_eq!(check.relative[i], want);
        }
        let worst = 0.003001 / 6.003001;
        assert!((check.worst - worst).abs() < 1e-9, "{}", check.worst);
        assert!(super::at(&lesson, &t, 3).is_some());
    }
}
