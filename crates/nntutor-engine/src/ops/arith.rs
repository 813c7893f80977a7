//! Arithmetic element by element, with broadcasting: `+ - * / ^`,
//! negation, and the two-argument functions max, min, eq, leaky_relu and
//! elu.

use super::{Backward, Cost, Def, Family, Forward, Op, broadcast_cells, wanted};
use crate::explain::{At, Prec, Written, call, paren, t};
use crate::kernels::{broadcast_shape, reduce_ref, reduce_to, zip_broadcast};
use crate::numerics::{binary_grads, check_size};
use crate::tensor::{Shape, Tensor, shape_str};

/// The shape two operands broadcast to, or why they do not.
fn shape(op: Op, a: Shape, b: Shape) -> Result<Shape, String> {
    let def = op.def();
    let out = broadcast_shape(a, b).ok_or_else(|| {
        let how = if def.calls.is_empty() {
            format!("`{}`", def.symbol)
        } else {
            format!("`{}(…)`", def.symbol)
        };
        format!(
            "{how} needs operands of the same shape (or a scalar, a 1×n row or an n×1 column to repeat): {} and {}",
            shape_str(a),
            shape_str(b)
        )
    })?;
    check_size(out.0, out.1)?;
    Ok(out)
}

/// A binary element-wise operation's result: `f` over the broadcast shape.
/// One loop per operation (each definition passes its own `f`), so that
/// each is compiled and vectorized with its arithmetic inline.
fn zip(op: Op, x: &[&Tensor], f: impl Fn(f64, f64) -> f64) -> Result<Tensor, String> {
    let out = shape(op, x[0].shape(), x[1].shape())?;
    Ok(zip_broadcast(x[0], x[1], out, f))
}

/// `a` of `a ^ 2` (an L2 term's `W ^ 2`), whose power and gradient are
/// then one loop each that the compiler vectorizes: `a · a` and
/// `g · (2 · a)`, the numbers the general rules give for an exponent of 2
/// (which test for it element by element).
fn squared<'a>(x: &[&'a Tensor]) -> Option<&'a Tensor> {
    (x[1].shape() == (1, 1) && x[1][0] == 2.0).then_some(x[0])
}

/// A function of two arguments, written as a call: `max(0, 2.1)`.
fn called(op: Op, at: &At) -> Option<Written> {
    Some(call(op.symbol(), vec![at.operand(0), at.operand(1)]))
}

/// A binary element-wise definition; the rest are the same for all.
const fn binary(
    calls: &'static [&'static str],
    symbol: &'static str,
    mark: &'static str,
    forward: Forward,
    backward: Backward,
    explain: fn(Op, &At) -> Option<Written>,
    cost: Cost,
) -> Def {
    Def {
        in_place: None,
        calls,
        symbol,
        mark,
        arity: 2,
        family: Family::Elementwise,
        differentiable: true,
        forward,
        backward,
        explain,
        operands: broadcast_cells,
        cost,
    }
}

pub const ADD: Def = binary(
    &[],
    "+",
    "+",
    |op, x| zip(op, x, |a, b| a + b),
    // d(a+b) = 1, 1: the gradient itself (g·1 is g, bit for bit), summed
    // over any broadcast axis.
    |_, x, _, g, need| {
        vec![
            wanted(need, 0).then(|| reduce_ref(g, x[0].shape())),
            wanted(need, 1).then(|| reduce_ref(g, x[1].shape())),
        ]
    },
    |_, at| {
        Some(Written::text(
            Prec::Sum,
            vec![
                at.operand(0).in_sum(),
                t(" + "),
                at.operand(1).after_sign(Prec::Power),
            ],
        ))
    },
    Cost::Simple,
);

pub const SUB: Def = binary(
    &[],
    "-",
    "-",
    |op, x| zip(op, x, |a, b| a - b),
    // d(a-b) = 1, -1
    |_, x, _, g, need| {
        vec![
            wanted(need, 0).then(|| reduce_ref(g, x[0].shape())),
            wanted(need, 1).then(|| reduce_to(-g, x[1].shape())),
        ]
    },
    |_, at| {
        Some(Written::text(
            Prec::Sum,
            vec![
                at.operand(0).in_sum(),
                t(" - "),
                at.operand(1).after_sign(Prec::Power),
            ],
        ))
    },
    Cost::Simple,
);

pub const MUL: Def = binary(
    &[],
    "*",
    "×",
    |op, x| zip(op, x, |a, b| a * b),
    // d(ab) = b, a: multiplication swaps its inputs
    |_, x, _, g, need| binary_grads(x, g, need, |_, b| b, |a, _| a),
    |_, at| {
        Some(Written::text(
            Prec::Product,
            vec![
                at.operand(0).at_least(Prec::Product),
                t(" × "),
                at.operand(1).at_least(Prec::Product),
            ],
        ))
    },
    Cost::Simple,
);

pub const DIV: Def = binary(
    &[],
    "/",
    "/",
    |op, x| zip(op, x, |a, b| a / b),
    // d(a/b) = 1/b, -a/b²
    |_, x, _, g, need| binary_grads(x, g, need, |_, b| 1.0 / b, |a, b| -a / (b * b)),
    |_, at| {
        Some(Written::text(
            Prec::Product,
            vec![
                at.operand(0).at_least(Prec::Product),
                t(" / "),
                at.operand(1).at_least(Prec::Power),
            ],
        ))
    },
    Cost::Simple,
);

pub const POW: Def = binary(
    &[],
    "^",
    "^",
    |op, x| match squared(x) {
        Some(a) => Ok(a.map(|v| v * v)),
        None => zip(op, x, |a, b| if b == 2.0 { a * a } else { libm::pow(a, b) }),
    },
    // d(a^b) = b·a^(b-1), a^b·ln a (only defined for a > 0)
    |_, x, _, g, need| {
        if let Some(a) = squared(x)
            && a.shape() == g.shape()
            && !wanted(need, 1)
        {
            let d = a.as_slice().iter().zip(g.as_slice());
            let d = || d.map(|(&a, &gi)| gi * (2.0 * a)).collect();
            let da = wanted(need, 0).then(|| Tensor::from_vec(a.nrows(), a.ncols(), d()));
            return vec![da, None];
        }
        binary_grads(
            x,
            g,
            need,
            |a, b| {
                if b == 0.0 {
                    0.0
                } else if b == 2.0 {
                    // pow(a, 1) is a exactly: the same bits, without the call.
                    2.0 * a
                } else {
                    b * libm::pow(a, b - 1.0)
                }
            },
            |a, b| {
                if a > 0.0 {
                    libm::pow(a, b) * libm::log(a)
                } else {
                    0.0
                }
            },
        )
    },
    |_, at| {
        let base = at.operand(0);
        let base = if base.negative_number {
            paren(base.pieces)
        } else {
            base.at_least(Prec::Atom)
        };
        Some(Written::text(
            Prec::Power,
            vec![base, t("^"), at.operand(1).at_least(Prec::Atom)],
        ))
    },
    Cost::Written(38.0),
);

pub const NEG: Def = Def {
    in_place: None,
    calls: &[],
    symbol: "neg",
    mark: "× -1",
    arity: 1,
    family: Family::Elementwise,
    differentiable: true,
    forward: |_, x| Ok(x[0].map(|v| -v)),
    backward: |_, _, _, g, _| vec![Some(-g)],
    explain: |_, at| {
        Some(Written::text(
            Prec::Product,
            // -(-8.28), not --8.28.
            vec![t("-"), at.operand(0).after_sign(Prec::Atom)],
        ))
    },
    operands: broadcast_cells,
    cost: Cost::Simple,
};

pub const MAX: Def = binary(
    &["max"],
    "max",
    "max",
    |op, x| zip(op, x, |a, b| if b > a { b } else { a }),
    // max routes the gradient to the larger input; a tie goes to the
    // first, so max(0, s) passes nothing back at s = 0.
    |_, x, _, g, need| {
        binary_grads(
            x,
            g,
            need,
            |a, b| if b > a { 0.0 } else { 1.0 },
            |a, b| {
                if b > a { 1.0 } else { 0.0 }
            },
        )
    },
    called,
    Cost::Simple,
);

pub const MIN: Def = binary(
    &["min"],
    "min",
    "min",
    |op, x| zip(op, x, |a, b| if b < a { b } else { a }),
    |_, x, _, g, need| {
        binary_grads(
            x,
            g,
            need,
            |a, b| if b < a { 0.0 } else { 1.0 },
            |a, b| {
                if b < a { 1.0 } else { 0.0 }
            },
        )
    },
    called,
    Cost::Simple,
);

/// 1 where the operands are equal: a comparison, with no gradient.
pub const EQ: Def = Def {
    differentiable: false,
    ..binary(
        &["eq"],
        "eq",
        "eq",
        |op, x| zip(op, x, |a, b| if a == b { 1.0 } else { 0.0 }),
        |_, _, _, _, _| vec![None, None],
        called,
        Cost::Simple,
    )
};

/// `1[a > b]`: the indicator the lecture writes for ReLU's derivative.
fn indicator(op: Op, at: &At) -> Option<Written> {
    Some(Written::text(
        Prec::Atom,
        vec![
            t("1["),
            at.operand(0).at_least(Prec::Sum),
            t(&format!(" {} ", op.symbol())),
            at.operand(1).at_least(Prec::Sum),
            t("]"),
        ],
    ))
}

/// `a > b`: 1 where it holds, else 0; no gradient (a step, not a slope).
pub const GT: Def = Def {
    differentiable: false,
    ..binary(
        &[],
        ">",
        ">",
        |op, x| zip(op, x, |a, b| if a > b { 1.0 } else { 0.0 }),
        |_, _, _, _, _| vec![None, None],
        indicator,
        Cost::Simple,
    )
};

/// `a < b`: 1 where it holds, else 0.
pub const LT: Def = Def {
    differentiable: false,
    ..binary(
        &[],
        "<",
        "<",
        |op, x| zip(op, x, |a, b| if a < b { 1.0 } else { 0.0 }),
        |_, _, _, _, _| vec![None, None],
        indicator,
        Cost::Simple,
    )
};

pub const LEAKY_RELU: Def = binary(
    &["leaky_relu"],
    "leaky_relu",
    "leaky_relu",
    |op, x| zip(op, x, |v, a| if v > 0.0 { v } else { a * v }),
    // leaky_relu(v, a) = v or a·v
    |_, x, _, g, need| {
        binary_grads(
            x,
            g,
            need,
            |v, a| if v > 0.0 { 1.0 } else { a },
            |v, _| {
                if v > 0.0 { 0.0 } else { v }
            },
        )
    },
    called,
    Cost::Simple,
);

pub const ELU: Def = binary(
    &["elu"],
    "elu",
    "elu",
    |op, x| zip(op, x, |v, a| if v > 0.0 { v } else { a * libm::expm1(v) }),
    // elu(v, a) = v or a(eᵛ - 1)
    |_, x, _, g, need| {
        binary_grads(
            x,
            g,
            need,
            |v, a| if v > 0.0 { 1.0 } else { a * libm::exp(v) },
            |v, _| if v > 0.0 { 0.0 } else { libm::expm1(v) },
        )
    },
    called,
    Cost::Written(7.0),
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_gives_the_numbers_of_the_general_power() {
        // A scalar exponent of 2 takes the squaring loops; the same 2
        // repeated along a row takes the general rule (`pow`'s own test
        // for 2 included): the same bits, and by hand 3² = 9 with gradient
        // 1.5 · 2 · 3 = 9.
        let a = Tensor::from_row_slice(2, 3, &[3.0, -0.1, 1e-160, -7.5e3, 0.0, -0.0]);
        let g = Tensor::from_row_slice(2, 3, &[1.5, 2.0, -3.0, 1e-3, 4.0, 1.0]);
        let scalar = Tensor::from_element(1, 1, 2.0);
        let row = Tensor::from_element(1, 3, 2.0);
        let bits = |t: &Tensor| t.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        let (fast, general) = (
            Op::Pow.forward(&[&a, &scalar]),
            Op::Pow.forward(&[&a, &row]),
        );
        let (fast, general) = (fast.unwrap(), general.unwrap());
        assert_eq!(bits(&fast), bits(&general));
        assert_eq!(fast[(0, 0)], 9.0);
        let need = [true, false];
        let fast = Op::Pow.backward_needed(&[&a, &scalar], &fast, &g, &need);
        let general = Op::Pow.backward_needed(&[&a, &row], &general, &g, &need);
        let (fast, general) = (fast[0].as_ref().unwrap(), general[0].as_ref().unwrap());
        assert_eq!(bits(fast), bits(general));
        assert_eq!(fast[(0, 0)], 9.0);
    }
}
