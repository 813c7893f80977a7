//! Gradient checks: wherever a lesson has both `numgrad(L, W)` (or
//! `numgrad_forward`) and `grad(L, W)` of the same loss and parameter, the two side by side and
//! their relative difference element by element, |a - n| / (|a| + |n|)
//! (0 where both are 0), the measure the lectures use.

use super::kinds::Let;
use super::model::{Action, Lesson};
use super::timeline::Timeline;
use crate::engine::expr::ExprKind;
use crate::engine::{Derivative, Tensor};

#[derive(Debug, Clone, PartialEq)]
pub struct GradCheck {
    /// The value holding `grad(L, W)`, and the one holding `numgrad(L, W)`.
    pub analytic: String,
    pub numeric: String,
    /// How the numerical one was computed (centered or one-sided).
    pub how: Derivative,
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
        (true, "they agree to seven digits or more")
    } else if worst <= 1e-4 {
        (
            true,
            "they agree: what differs is the numerical gradient's own error (of order h one-sided, h² centered)",
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

/// A `let` defining `grad(...)`, `numgrad(...)` or `numgrad_forward(...)`.
struct GradientLet {
    step: usize,
    how: Derivative,
    name: String,
    loss: String,
    param: String,
}

fn gradient_let(lesson: &Lesson, k: usize) -> Option<GradientLet> {
    let Action::Let(Let { formula, .. }) = &lesson.steps.get(k)?.action else {
        return None;
    };
    let ExprKind::Call { func, args, .. } = &formula.statement.expr.kind else {
        return None;
    };
    let name = |i: usize| match args.get(i).map(|a| &a.kind) {
        Some(ExprKind::Name(n)) => Some(n.clone()),
        _ => None,
    };
    Some(GradientLet {
        step: k,
        how: Derivative::of_call(func)?,
        name: formula.statement.name.clone(),
        loss: name(0)?,
        param: name(1)?,
    })
}

/// The gradient check at step `k` (0-based): where the second of a
/// matching pair is defined (the pair completed here first), and at any
/// later step whose formula reads both.
pub fn at(lesson: &Lesson, timeline: &Timeline, k: usize) -> Option<GradCheck> {
    let lets: Vec<GradientLet> = (0..=k).filter_map(|i| gradient_let(lesson, i)).collect();
    let reads: Vec<String> = match &lesson.steps.get(k)?.action {
        Action::Let(Let { formula, .. }) => formula
            .statement
            .expr
            .names()
            .iter()
            .map(|(n, _)| n.to_string())
            .collect(),
        _ => Vec::new(),
    };
    let pairs = lets.iter().filter(|a| !a.how.is_numeric()).flat_map(|a| {
        lets.iter()
            .filter(move |n| n.how.is_numeric() && n.loss == a.loss && n.param == a.param)
            .map(move |n| (a, n))
    });
    let completed_here = |(a, n): &(&GradientLet, &GradientLet)| a.step.max(n.step) == k;
    let read_here =
        |(a, n): &(&GradientLet, &GradientLet)| reads.contains(&a.name) && reads.contains(&n.name);
    let pairs: Vec<(&GradientLet, &GradientLet)> = pairs.collect();
    let (a, n) = pairs
        .iter()
        .find(|p| completed_here(p))
        .or_else(|| pairs.iter().find(|p| read_here(p)))?;
    let values = &timeline.steps.get(k)?.values;
    let (av, nv) = (&values.get(&a.name)?.data, &values.get(&n.name)?.data);
    if av.shape() != nv.shape() {
        return None;
    }
    let relative = av.zip_map(nv, |x, y| {
        let scale = x.abs() + y.abs();
        if scale == 0.0 {
            0.0
        } else {
            (x - y).abs() / scale
        }
    });
    let worst = relative.iter().fold(0.0f64, |m, v| m.max(*v));
    Some(GradCheck {
        analytic: a.name.clone(),
        numeric: n.name.clone(),
        how: n.how,
        loss: a.loss.clone(),
        param: a.param.clone(),
        relative,
        worst,
    })
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
[[steps]]
title = "one-sided"
let = "gf = numgrad_forward(L, w, 0.001)"
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
        // d(w³)/dw = 3w² = 3 and 12. numgrad's centered difference
        // ((w+h)³ - (w-h)³) / 2h = 3w² + h² is off by 10⁻⁶ at both:
        // relative errors 10⁻⁶ / 6.000001 and 10⁻⁶ / 24.000001.
        let a = &t.steps[2].values["ga"].data;
        let n = &t.steps[2].values["gn"].data;
        for i in 0..2 {
            let want = (a[i] - n[i]).abs() / (a[i].abs() + n[i].abs());
            assert_eq!(check.relative[i], want);
        }
        let worst = 1e-6 / 6.000001;
        assert!((check.worst - worst).abs() < 1e-12, "{}", check.worst);
        assert!(super::at(&lesson, &t, 3).is_some());
        // The one-sided difference ((w+h)³ - w³) / h = 3w² + 3wh + h² is
        // off by 0.003001 at w = 1 and -0.005999 at w = -2: the worst
        // relative error 0.003001 / 6.003001. Where it is defined, the
        // check is against it.
        let check = super::at(&lesson, &t, 4).unwrap();
        assert_eq!(check.numeric, "gf");
        assert_eq!(check.how.call(), "numgrad_forward");
        let worst = 0.003001 / 6.003001;
        assert!((check.worst - worst).abs() < 1e-9, "{}", check.worst);
    }
}
