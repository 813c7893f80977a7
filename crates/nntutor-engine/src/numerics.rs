//! The numerical pieces the operations are built from: the gradient loops
//! of element-wise operations, numerically stable sigmoid and softmax,
//! argmax, and the checks on labels and sizes.

use super::MAX_ELEMENTS;
use super::kernels::{exp_in_place, reduce_to, wide, zip3_broadcast};
use super::tensor::{Tensor, shape_str};

/// `g · d(x, y)` for an element-wise operation `y = f(x)`, written over `g`
/// (whole arrays, or the same few columns of each).
#[inline]
pub(super) fn unary_grad(x: &[f64], out: &[f64], g: &mut [f64], d: impl Fn(f64, f64) -> f64) {
    wide(|| {
        for (gi, (&v, &y)) in g.iter_mut().zip(x.iter().zip(out)) {
            *gi *= d(v, y);
        }
    })
}

/// `f(x)` written over each `x`. (Not compiled for AVX2: there, a select
/// such as `if x > 0 { x } else { 0 }` becomes a masked store, which AMD
/// processors run several times slower than the whole loop; relu has its
/// own loop, [`relu_in_place`].)
#[inline]
pub(super) fn each(x: &mut [f64], f: impl Fn(f64) -> f64) {
    x.iter_mut().for_each(|v| *v = f(*v))
}

/// `g · ∂f/∂a` and `g · ∂f/∂b` at the broadcast positions, each summed back
/// to its operand's shape; only the ones `need` asks for.
#[inline]
pub(super) fn binary_grads(
    x: &[&Tensor],
    g: &Tensor,
    need: &[bool],
    da: impl Fn(f64, f64) -> f64,
    db: impl Fn(f64, f64) -> f64,
) -> Vec<Option<Tensor>> {
    let wanted = |k: usize| need.get(k).copied().unwrap_or(true);
    let a = wanted(0).then(|| {
        let full = zip3_broadcast(x[0], x[1], Some(g), g.shape(), |a, b, gi| gi * da(a, b));
        reduce_to(full, x[0].shape())
    });
    let b = wanted(1).then(|| {
        let full = zip3_broadcast(x[0], x[1], Some(g), g.shape(), |a, b, gi| gi * db(a, b));
        reduce_to(full, x[1].shape())
    });
    vec![a, b]
}

pub(super) fn check_size(rows: usize, cols: usize) -> Result<(), String> {
    match rows.checked_mul(cols) {
        Some(n) if n <= MAX_ELEMENTS => Ok(()),
        _ => Err(format!(
            "the result would be {rows}×{cols}, more than the limit of {MAX_ELEMENTS} elements"
        )),
    }
}

/// Numerically stable: `1/(1+e⁻ˣ)` for x ≥ 0, `eˣ/(1+eˣ)` below, so neither
/// branch overflows.
pub fn sigmoid(v: f64) -> f64 {
    if v >= 0.0 {
        1.0 / (1.0 + libm::exp(-v))
    } else {
        let e = libm::exp(v);
        e / (1.0 + e)
    }
}

/// relu written over each number: `x` where `x > 0`, else `+0` (NaN
/// and `-0` included), which is exactly the processor's `max(x, 0)`
/// (it answers its second operand for NaN and for equal zeros).
pub(super) fn relu_in_place(xs: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: the CPU has AVX, checked just above.
            unsafe { relu_avx(xs) };
            return;
        }
    }
    each(xs, relu);
}

fn relu(v: f64) -> f64 {
    if v > 0.0 { v } else { 0.0 }
}

/// Four numbers at a time by the instruction itself. Written as `if` (or
/// as a mask of bits, which the compiler sees through) the AVX2 build
/// becomes a masked store of the zeros, which AMD processors run several
/// times slower than a plain loop.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn relu_avx(xs: &mut [f64]) {
    use std::arch::x86_64::{_mm256_loadu_pd, _mm256_max_pd, _mm256_setzero_pd, _mm256_storeu_pd};
    let zero = _mm256_setzero_pd();
    let (fours, rest) = xs.as_chunks_mut::<4>();
    for four in fours {
        // SAFETY: four numbers, read and written in place.
        unsafe {
            let x = _mm256_loadu_pd(four.as_ptr());
            _mm256_storeu_pd(four.as_mut_ptr(), _mm256_max_pd(x, zero));
        }
    }
    each(rest, relu);
}

/// [`sigmoid`] written over each number, the exponentials taken all at
/// once ([`exp_in_place`]): the same operations, the same bits.
pub(super) fn sigmoid_in_place(xs: &mut [f64]) {
    let mut e: Vec<f64> = xs.iter().map(|&v| if v >= 0.0 { -v } else { v }).collect();
    exp_in_place(&mut e);
    for (v, &e) in xs.iter_mut().zip(&e) {
        *v = if *v >= 0.0 {
            1.0 / (1.0 + e)
        } else {
            e / (1.0 + e)
        };
    }
}

/// Softmax of each column, shifted by the column's maximum first: the result
/// is the same, and `exp` never overflows (scores of 1000 give 1 and 0, not NaN).
pub fn softmax_columns(s: &Tensor) -> Tensor {
    let mut p = s.clone();
    let rows = p.nrows();
    each_column(p.as_mut_slice(), rows, |col| {
        let m = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let shift = if m.is_finite() { m } else { 0.0 };
        col.iter_mut().for_each(|v| *v -= shift);
    });
    // The whole array at once: a few classes make short columns.
    exp_in_place(p.as_mut_slice());
    each_column(p.as_mut_slice(), rows, |col| {
        let total = col.iter().fold(0.0, |total, &v| total + v);
        col.iter_mut().for_each(|v| *v /= total);
    });
    p
}

/// `f` on each column of a `rows`-row array. For the class counts of the
/// lessons the compiler knows the length, so the short loops inside `f`
/// unroll (the same operations in the same order).
fn each_column(data: &mut [f64], rows: usize, f: impl Fn(&mut [f64])) {
    each_column_with(data, &[], rows, |col, _| f(col));
}

/// [`each_column`] with the same column of `other` (of the same shape, or
/// empty) beside.
fn each_column_with(data: &mut [f64], other: &[f64], rows: usize, f: impl Fn(&mut [f64], &[f64])) {
    fn fixed<const R: usize>(data: &mut [f64], other: &[f64], f: impl Fn(&mut [f64], &[f64])) {
        let columns = data.as_chunks_mut::<R>().0.iter_mut();
        if other.is_empty() {
            columns.for_each(|c| f(c, &[]));
        } else {
            columns
                .zip(other.as_chunks::<R>().0)
                .for_each(|(c, o)| f(c, o));
        }
    }
    match rows {
        0 => {}
        2 => fixed::<2>(data, other, f),
        3 => fixed::<3>(data, other, f),
        4 => fixed::<4>(data, other, f),
        10 => fixed::<10>(data, other, f),
        _ if other.is_empty() => data.chunks_exact_mut(rows).for_each(|c| f(c, &[])),
        _ => data
            .chunks_exact_mut(rows)
            .zip(other.chunks_exact(rows))
            .for_each(|(c, o)| f(c, o)),
    }
}

pub(super) fn softmax_backward(p: &Tensor, g: &Tensor) -> Tensor {
    assert_eq!(p.shape(), g.shape(), "softmax gradient of another shape");
    let mut d = g.clone();
    each_column_with(d.as_mut_slice(), p.as_slice(), p.nrows(), |d, p| {
        let dot: f64 = p.iter().zip(&*d).map(|(p, g)| p * g).sum();
        d.iter_mut().zip(p).for_each(|(g, p)| *g = p * (*g - dot));
    });
    d
}

/// Index of the first largest element of column j (NaN never wins).
pub fn col_argmax(a: &Tensor, j: usize) -> usize {
    let mut best = 0;
    for i in 1..a.nrows() {
        if a[(i, j)] > a[(best, j)] || a[(best, j)].is_nan() {
            best = i;
        }
    }
    best
}

pub fn row_argmax(a: &Tensor, i: usize) -> usize {
    let mut best = 0;
    for j in 1..a.ncols() {
        if a[(i, j)] > a[(i, best)] || a[(i, best)].is_nan() {
            best = j;
        }
    }
    best
}

pub(super) fn label_len(y: &Tensor) -> usize {
    y.len()
}

pub(super) fn class_count(k: &Tensor) -> Result<usize, String> {
    if k.len() != 1 {
        return Err(format!(
            "the number of classes must be a single number, not a {} value",
            shape_str(k.shape())
        ));
    }
    let v = k[0];
    if v.fract() != 0.0 || v < 1.0 || v > MAX_ELEMENTS as f64 {
        return Err(format!(
            "the number of classes must be a positive whole number, not {v}"
        ));
    }
    Ok(v as usize)
}

/// Checks that `y` is a vector of `n` class indices below `classes`.
pub(super) fn labels(
    y: &Tensor,
    n: usize,
    classes: usize,
    func: &str,
    what: &str,
) -> Result<Vec<usize>, String> {
    if y.nrows() != 1 && y.ncols() != 1 {
        return Err(format!(
            "`{func}` needs the labels as a vector, not a {} matrix",
            shape_str(y.shape())
        ));
    }
    if y.len() != n {
        return Err(format!(
            "`{func}` needs one label per {}: {} labels for {n} {what}",
            what.trim_end_matches('s'),
            y.len()
        ));
    }
    y.iter()
        .enumerate()
        .map(|(k, &v)| {
            if v.fract() != 0.0 || v < 0.0 {
                Err(format!(
                    "label {k} is {v}; labels are class indices 0, 1, 2, …"
                ))
            } else if v >= classes as f64 {
                Err(format!(
                    "label {k} is {v}, out of range for {classes} classes (0 to {})",
                    classes - 1
                ))
            } else {
                Ok(v as usize)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relu_over_an_array_is_x_above_zero_and_plus_zero_elsewhere() {
        let specials = [
            0.0,
            -0.0,
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE / 4.0,
            -f64::MIN_POSITIVE / 4.0,
            f64::MAX,
            -f64::MAX,
            1.5,
            -2.5,
        ];
        // Every special at each of the four places of a vector, and in
        // the tail of fewer than four.
        let mut xs: Vec<f64> = Vec::new();
        for (k, &x) in specials.iter().enumerate() {
            xs.extend(std::iter::repeat_n(7.0, k % 4));
            xs.push(x);
        }
        xs.extend([-0.0, f64::NAN, 3.0]);
        let mut over = xs.clone();
        relu_in_place(&mut over);
        for (&x, y) in xs.iter().zip(&over) {
            let want = if x > 0.0 { x } else { 0.0 };
            assert_eq!(y.to_bits(), want.to_bits(), "relu({x:e})");
        }
    }

    #[test]
    fn sigmoid_over_an_array_gives_the_bits_of_sigmoid() {
        let mut xs: Vec<f64> = (-200_000..=200_000).map(|k| k as f64 * 4e-4).collect();
        xs.extend([0.0, -0.0, 1e-300, -1e-300, 720.0, -720.0, 1e300, -1e300]);
        xs.extend([f64::INFINITY, f64::NEG_INFINITY, f64::NAN]);
        let mut over = xs.clone();
        sigmoid_in_place(&mut over);
        for (&x, y) in xs.iter().zip(&over) {
            assert_eq!(y.to_bits(), sigmoid(x).to_bits(), "sigmoid({x:e})");
        }
    }

    #[test]
    fn labels_are_whole_numbers_below_the_class_count() {
        let y = Tensor::from_row_slice(1, 4, &[2.0, 0.0, -0.0, 1.0]);
        assert_eq!(labels(&y, 4, 3, "pick", "columns"), Ok(vec![2, 0, 0, 1]));
        let fault = |v: f64| {
            let y = Tensor::from_row_slice(1, 2, &[0.0, v]);
            labels(&y, 2, 3, "pick", "columns").unwrap_err()
        };
        for v in [1.5, -1.0, f64::NAN, f64::INFINITY, -0.25] {
            let e = fault(v);
            assert!(e.contains("labels are class indices"), "{v}: {e}");
        }
        for v in [3.0, 7.0, 1e300] {
            let e = fault(v);
            assert!(
                e.contains("out of range for 3 classes (0 to 2)"),
                "{v}: {e}"
            );
        }
    }
}
