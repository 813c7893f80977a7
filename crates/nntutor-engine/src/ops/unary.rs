//! Functions of one argument, element by element, each with its
//! derivative `d(x, y)` at input x and result y: the gradient is g · d,
//! written over the upstream gradient g where the caller owns it.

use super::{Cost, Def, Family, Forward, InPlace, Op, broadcast_cells};
use crate::explain::{At, Written, call};
use crate::numerics::{sigmoid, unary_grad};
use crate::tensor::Tensor;

/// The gradient where the upstream is shared: written over a copy of it.
fn over_a_copy(op: Op, x: &[&Tensor], out: &Tensor, g: &Tensor, _: &[bool]) -> Vec<Option<Tensor>> {
    let mut g = g.clone();
    if let Some(gradient) = op.def().in_place {
        gradient(x[0], out, &mut g);
    }
    vec![Some(g)]
}

/// `name(x)`.
fn called(op: Op, at: &At) -> Option<Written> {
    Some(call(op.symbol(), vec![at.operand(0)]))
}

/// A function of one argument, written as a call; forward and gradient
/// are each definition's own (so each loop is compiled with its
/// arithmetic inline).
const fn unary(
    calls: &'static [&'static str],
    forward: Forward,
    gradient: InPlace,
    cost: Cost,
) -> Def {
    Def {
        backward: over_a_copy,
        in_place: Some(gradient),
        calls,
        symbol: calls[0],
        mark: calls[0],
        arity: 1,
        family: Family::Elementwise,
        differentiable: true,
        forward,
        explain: called,
        operands: broadcast_cells,
        cost,
    }
}

pub const EXP: Def = unary(
    &["exp"],
    |_, x| Ok(x[0].map(libm::exp)),
    // d eˣ = eˣ
    |x, out, g| unary_grad(x, out, g, |_, y| y),
    Cost::Written(7.0),
);

pub const LN: Def = unary(
    &["log", "ln"],
    |_, x| Ok(x[0].map(libm::log)),
    // d ln x = 1/x
    |x, out, g| unary_grad(x, out, g, |v, _| 1.0 / v),
    Cost::Written(7.0),
);

pub const LOG10: Def = unary(
    &["log10"],
    |_, x| Ok(x[0].map(libm::log10)),
    // d log₁₀ x = 1/(x ln 10)
    |x, out, g| unary_grad(x, out, g, |v, _| 1.0 / (v * std::f64::consts::LN_10)),
    Cost::Written(7.0),
);

pub const LOG2: Def = unary(
    &["log2"],
    |_, x| Ok(x[0].map(libm::log2)),
    // d log₂ x = 1/(x ln 2)
    |x, out, g| unary_grad(x, out, g, |v, _| 1.0 / (v * std::f64::consts::LN_2)),
    Cost::Written(7.0),
);

pub const SQRT: Def = unary(
    &["sqrt"],
    |_, x| Ok(x[0].map(libm::sqrt)),
    // d √x = 1/(2√x)
    |x, out, g| unary_grad(x, out, g, |_, y| 0.5 / y),
    Cost::Simple,
);

pub const ABS: Def = unary(
    &["abs"],
    |_, x| Ok(x[0].map(f64::abs)),
    // d |x| = sign(x), 0 at 0
    |x, out, g| {
        unary_grad(x, out, g, |v, _| {
            if v > 0.0 {
                1.0
            } else if v < 0.0 {
                -1.0
            } else {
                0.0
            }
        })
    },
    Cost::Simple,
);

/// relu(x) = max(0, x), and written so.
pub const RELU: Def = Def {
    explain: |_, at| {
        Some(call(
            "max",
            vec![Written::number(usize::MAX - 1, 0.0), at.operand(0)],
        ))
    },
    ..unary(
        &["relu"],
        |_, x| Ok(x[0].map(|v| if v > 0.0 { v } else { 0.0 })),
        // d relu = 1 above 0, 0 from 0 down
        |x, out, g| unary_grad(x, out, g, |v, _| if v > 0.0 { 1.0 } else { 0.0 }),
        Cost::Simple,
    )
};

pub const SIGMOID: Def = Def {
    // The lecture's gate: σ.
    mark: "σ",
    ..unary(
        &["sigmoid"],
        |_, x| Ok(x[0].map(sigmoid)),
        // d σ = σ(1 - σ)
        |x, out, g| unary_grad(x, out, g, |_, y| y * (1.0 - y)),
        Cost::Written(7.0),
    )
};

pub const TANH: Def = unary(
    &["tanh"],
    |_, x| Ok(x[0].map(libm::tanh)),
    // d tanh = 1 - tanh²
    |x, out, g| unary_grad(x, out, g, |_, y| 1.0 - y * y),
    Cost::Written(7.0),
);
