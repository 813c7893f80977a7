//! Functions of one argument, element by element, each with its
//! derivative `d(x, y)` at input x and result y: the gradient is g · d,
//! written over the upstream gradient g where the caller owns it.

use super::{Cost, Def, Family, Forward, InPlace, Op, Reads, broadcast_cells};
use crate::explain::{At, Written, call};
use crate::kernels::exp_in_place;
use crate::numerics::{each, relu_in_place, sigmoid_in_place, unary_grad};
use crate::tensor::Tensor;

/// The gradient where the upstream is shared: written over a copy of it.
fn over_a_copy(op: Op, x: &[&Tensor], out: &Tensor, g: &Tensor, _: &[bool]) -> Vec<Option<Tensor>> {
    let mut g = g.clone();
    if let Some(f) = op.def().in_place {
        (f.gradient)(x[0].as_slice(), out.as_slice(), g.as_mut_slice());
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
    in_place: InPlace,
    cost: Cost,
) -> Def {
    Def {
        backward: over_a_copy,
        in_place: Some(in_place),
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

/// A function of one argument from its scalar form `f(x)` and derivative
/// `d(x, y)`: the forward pass into a new array and over its operand, and
/// the gradient over the upstream, all three from the one expression of
/// each (so they cannot disagree). Or, instead of `f(x)`, `over`: `f`
/// written over a whole array (exp and sigmoid, which take their
/// exponentials several at a time; their tests compare it with the
/// scalar function, bit for bit).
macro_rules! unary {
    ($calls:expr, over = $over:expr, $d:expr, $reads:expr, $cost:expr) => {
        unary(
            $calls,
            |_, x| {
                let mut y = x[0].clone();
                $over(y.as_mut_slice());
                Ok(y)
            },
            InPlace {
                forward: $over,
                gradient: |x, y, g| unary_grad(x, y, g, $d),
                reads: $reads,
            },
            $cost,
        )
    };
    ($calls:expr, $f:expr, $d:expr, $reads:expr, $cost:expr) => {
        unary(
            $calls,
            |_, x| Ok(x[0].map($f)),
            InPlace {
                forward: |s| each(s, $f),
                gradient: |x, y, g| unary_grad(x, y, g, $d),
                reads: $reads,
            },
            $cost,
        )
    };
}

pub const EXP: Def = unary!(
    &["exp"],
    over = exp_in_place,
    // d eˣ = eˣ
    |_, y| y,
    Reads::Result,
    Cost::Written(7.0)
);

pub const LN: Def = unary!(
    &["log", "ln"],
    libm::log,
    // d ln x = 1/x
    |v, _| 1.0 / v,
    Reads::Operand,
    Cost::Written(7.0)
);

pub const LOG10: Def = unary!(
    &["log10"],
    libm::log10,
    // d log₁₀ x = 1/(x ln 10)
    |v, _| 1.0 / (v * std::f64::consts::LN_10),
    Reads::Operand,
    Cost::Written(7.0)
);

pub const LOG2: Def = unary!(
    &["log2"],
    libm::log2,
    // d log₂ x = 1/(x ln 2)
    |v, _| 1.0 / (v * std::f64::consts::LN_2),
    Reads::Operand,
    Cost::Written(7.0)
);

pub const SQRT: Def = unary!(
    &["sqrt"],
    libm::sqrt,
    // d √x = 1/(2√x)
    |_, y| 0.5 / y,
    Reads::Result,
    Cost::Simple
);

pub const ABS: Def = unary!(
    &["abs"],
    f64::abs,
    // d |x| = sign(x), 0 at 0
    |v: f64, _| if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        0.0
    },
    Reads::Operand,
    Cost::Simple
);

/// relu(x) = max(0, x), and written so.
pub const RELU: Def = Def {
    explain: |_, at| {
        Some(call(
            "max",
            vec![Written::number(usize::MAX - 1, 0.0), at.operand(0)],
        ))
    },
    ..unary!(
        &["relu"],
        over = relu_in_place,
        // d relu = 1 above 0, 0 from 0 down; read from the result, which
        // is above 0 exactly where the operand is (NaN gives 0 both ways)
        |_, y: f64| if y > 0.0 { 1.0 } else { 0.0 },
        Reads::Result,
        Cost::Simple
    )
};

pub const SIGMOID: Def = Def {
    // The lecture's gate: σ.
    mark: "σ",
    ..unary!(
        &["sigmoid"],
        over = sigmoid_in_place,
        // d σ = σ(1 - σ)
        |_, y| y * (1.0 - y),
        Reads::Result,
        Cost::Written(7.0)
    )
};

pub const TANH: Def = unary!(
    &["tanh"],
    libm::tanh,
    // d tanh = 1 - tanh²
    |_, y| 1.0 - y * y,
    Reads::Result,
    Cost::Written(7.0)
);
