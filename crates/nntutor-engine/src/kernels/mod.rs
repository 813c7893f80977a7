//! The engine's loops, written by hand rather than taken from nalgebra:
//! nalgebra's product hands large matrices to a SIMD kernel chosen at run
//! time (FMA on some processors, not on others), which would let a
//! projected lecture and a student's laptop disagree in the last digits.
//! Here: element-wise work with broadcasting, gradients summed back to an
//! operand's shape, and (in `products`) the matrix products, each element
//! summed in a fixed order.

/// `$vis fn $name(args)`: `$portable(args)`, built a second time for
/// AVX2 and that build chosen at run time where the processor has it.
/// The same additions and multiplications in the same order (no fused
/// multiply-add), so the same bits on every machine. `$portable` should
/// be `#[inline(always)]`, so that the AVX2 build holds the whole loop.
macro_rules! avx2_or_portable {
    (
        $(#[$doc:meta])*
        $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) => $portable:ident
    ) => {
        $(#[$doc])*
        $vis fn $name($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                unsafe fn avx2($($arg: $ty),*) {
                    $portable($($arg),*)
                }
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: the CPU has AVX2, checked just above.
                    unsafe { avx2($($arg),*) };
                    return;
                }
            }
            $portable($($arg),*)
        }
    };
}

mod columns;
mod exp;
mod narrow;
mod paired;
mod products;
mod short;
mod short_wide;
mod skinny;

pub use columns::{Columns, Selection};
pub use exp::exp_in_place;
pub use products::{
    BLOCK, matmul, matmul_cols, matmul_cols_then, matmul_tr, matmul_tr_cols,
    matmul_tr_cols_transposed, tr_matmul, tr_matmul_cols_then, tr_matmul_then,
};

use super::tensor::{Shape, Tensor};

/// A `rows × cols` array of zeros in `storage`'s memory (whatever it
/// held), allocating only if it is too small.
fn zeros_in(mut storage: Vec<f64>, rows: usize, cols: usize) -> Tensor {
    storage.clear();
    storage.resize(rows * cols, 0.0);
    Tensor::from_vec(rows, cols, storage)
}

/// Runs `f` compiled for AVX2 where the processor has it: the loops
/// inside then process four numbers at once instead of two. The same
/// additions and multiplications in the same order (no fused
/// multiply-add, which Rust never makes on its own), so the same bits on
/// every machine; only faster on most. Only where the compiler inlines
/// `f` (a short loop): a larger closure is compiled on its own, without
/// AVX2, and its loops are better written with `avx2_or_portable!`.
#[inline(always)]
pub fn wide<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { wide_avx2(f) };
        }
    }
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn wide_avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// The shape two operands broadcast to, or `None` if they do not: each axis
/// must agree or be 1 in one of them (scalars, 1×n rows and n×1 columns).
pub fn broadcast_shape(a: Shape, b: Shape) -> Option<Shape> {
    fn axis(x: usize, y: usize) -> Option<usize> {
        if x == y {
            Some(x)
        } else if x == 1 {
            Some(y)
        } else if y == 1 {
            Some(x)
        } else {
            None
        }
    }
    Some((axis(a.0, b.0)?, axis(a.1, b.1)?))
}

/// Where element (i, j) of a broadcast result reads from an operand of shape `s`.
#[inline]
pub fn source_index(s: Shape, i: usize, j: usize) -> (usize, usize) {
    (if s.0 == 1 { 0 } else { i }, if s.1 == 1 { 0 } else { j })
}

/// Element-wise `f(a, b)` over the broadcast shape `out`.
pub fn zip_broadcast(a: &Tensor, b: &Tensor, out: Shape, f: impl Fn(f64, f64) -> f64) -> Tensor {
    zip3_broadcast(a, b, None, out, |x, y, _| f(x, y))
}

/// Element-wise `f(a, b, g)` over the shape `out`, where `a` and `b` may
/// be broadcast and `g` (if given) has the shape `out`: the walk of a
/// binary operation's backward rule. Broadcast axes get a stride of 0, so
/// the loop is the same for every shape.
pub fn zip3_broadcast(
    a: &Tensor,
    b: &Tensor,
    g: Option<&Tensor>,
    out: Shape,
    f: impl Fn(f64, f64, f64) -> f64,
) -> Tensor {
    let (rows, cols) = out;
    let (sa, sb) = (a.shape(), b.shape());
    let (ad, bd) = (a.as_slice(), b.as_slice());
    let gd = g.map(|g| g.as_slice());
    let mut data = Vec::with_capacity(rows * cols);
    if sa == out && sb == out {
        match gd {
            Some(gd) => data.extend(ad.iter().zip(bd).zip(gd).map(|((&x, &y), &z)| f(x, y, z))),
            None => data.extend(ad.iter().zip(bd).map(|(&x, &y)| f(x, y, 0.0))),
        }
        return Tensor::from_vec(rows, cols, data);
    }
    // Column-major offsets: element (i, j) of an operand is at
    // i·row_step + j·col_step, with 0 along an axis it repeats. Column by
    // column, each operand is then either a contiguous column or one
    // repeated number, which keeps the inner loop simple (and vectorized).
    let steps = |s: Shape| (usize::from(s.0 != 1), if s.1 == 1 { 0 } else { s.0 });
    let ((ar, ac), (br, bc)) = (steps(sa), steps(sb));
    for j in 0..cols {
        let gcol = gd.map(|gd| &gd[j * rows..(j + 1) * rows]);
        match (
            column(ad, ar, ac, j, rows),
            column(bd, br, bc, j, rows),
            gcol,
        ) {
            (Ok(x), Ok(y), Some(z)) => {
                data.extend(x.iter().zip(y).zip(z).map(|((&x, &y), &z)| f(x, y, z)))
            }
            (Ok(x), Ok(y), None) => data.extend(x.iter().zip(y).map(|(&x, &y)| f(x, y, 0.0))),
            (Ok(x), Err(y), Some(z)) => data.extend(x.iter().zip(z).map(|(&x, &z)| f(x, y, z))),
            (Ok(x), Err(y), None) => data.extend(x.iter().map(|&x| f(x, y, 0.0))),
            (Err(x), Ok(y), Some(z)) => data.extend(y.iter().zip(z).map(|(&y, &z)| f(x, y, z))),
            (Err(x), Ok(y), None) => data.extend(y.iter().map(|&y| f(x, y, 0.0))),
            (Err(x), Err(y), Some(z)) => data.extend(z.iter().map(|&z| f(x, y, z))),
            (Err(x), Err(y), None) => data.extend((0..rows).map(|_| f(x, y, 0.0))),
        }
    }
    Tensor::from_vec(rows, cols, data)
}

/// Column `j` of a broadcast operand: its contiguous elements, or the one
/// number it repeats down the column.
fn column(
    d: &[f64],
    row_step: usize,
    col_step: usize,
    j: usize,
    rows: usize,
) -> Result<&[f64], f64> {
    if row_step == 1 {
        Ok(&d[j * col_step..j * col_step + rows])
    } else {
        Err(d[j * col_step])
    }
}

/// Sums a gradient of the broadcast shape back down to an operand's shape.
pub fn reduce_to(grad: Tensor, s: Shape) -> Tensor {
    if grad.shape() == s {
        return grad;
    }
    reduce_ref(&grad, s)
}

/// `reduce_to` of a gradient that stays where it is (copied only if it
/// has the operand's shape already).
pub fn reduce_ref(grad: &Tensor, s: Shape) -> Tensor {
    if grad.shape() == s {
        return grad.clone();
    }
    let mut out = Tensor::zeros(s.0, s.1);
    reduce_columns(&mut out, 0, grad.as_slice(), grad.nrows());
    out
}

avx2_or_portable! {
    /// Each operand of `others` added to the whole columns of `block` (the
    /// first being column `j` of a sum), broadcast to their shape: a column
    /// or a row bias, a scalar, or an array of the sum's shape. (`x + other`
    /// is the same number as `other + x`: IEEE addition commutes.) The AVX2
    /// build is chosen once for the block: a call per column cost more than
    /// its additions.
    pub fn add_columns(
        block: &mut [f64],
        rows: usize,
        j: usize,
        others: &[&Tensor],
    ) => add_columns_portable
}

#[inline(always)]
fn add_columns_portable(block: &mut [f64], rows: usize, j: usize, others: &[&Tensor]) {
    for (k, col) in block.chunks_exact_mut(rows.max(1)).enumerate() {
        for other in others {
            let (r, c) = other.shape();
            let c = if c == 1 { 0 } else { j + k };
            let o = other.as_slice();
            if r == 1 {
                let v = o[c];
                col.iter_mut().for_each(|x| *x += v);
            } else {
                let o = &o[c * r..(c + 1) * r];
                col.iter_mut().zip(o).for_each(|(x, &v)| *x += v);
            }
        }
    }
}

avx2_or_portable! {
    /// The whole columns of `block` (the first being column `j` of a
    /// gradient) added to `out`, the sums of an operand that was broadcast
    /// along a row, a column or both: [`reduce_ref`] a few columns at a time
    /// (called for j = 0, 1, … in order, on sums that start at zero, it
    /// gives its bits), the AVX2 build chosen once for the block.
    pub fn reduce_columns(
        out: &mut Tensor,
        j: usize,
        block: &[f64],
        rows: usize,
    ) => reduce_columns_portable
}

#[inline(always)]
fn reduce_columns_portable(out: &mut Tensor, j: usize, block: &[f64], rows: usize) {
    if rows == 0 {
        return;
    }
    let s = out.shape();
    for (k, col) in block.chunks_exact(rows).enumerate() {
        let target = if s.1 == 1 { 0 } else { j + k };
        if s.0 == 1 {
            // Summed in row order, as element by element.
            out[(0, target)] = col.iter().fold(out[(0, target)], |acc, &v| acc + v);
        } else {
            let dst = &mut out.as_mut_slice()[target * s.0..(target + 1) * s.0];
            dst.iter_mut().zip(col).for_each(|(d, &v)| *d += v);
        }
    }
}

/// What the products' tests share: operands whose magnitudes (1e-3 to
/// 1e8) show any change of summation order in the last bits, the
/// sequential sum every product promises, and a tensor's bits.
#[cfg(test)]
pub(super) mod testing {
    use super::Tensor;

    pub fn wild(rows: usize, cols: usize, seed: usize) -> Tensor {
        Tensor::from_fn(rows, cols, |i, j| {
            let k = i * 31 + j * 17 + seed;
            ((k * 7919) % 1000) as f64 * 1e-3 - 0.5 + (k % 5) as f64 * 1e8
        })
    }

    /// Element (i, j) summed one p at a time from 0, the order every
    /// product promises whatever its shape.
    pub fn sequential(a: &Tensor, b: &Tensor) -> Tensor {
        Tensor::from_fn(a.nrows(), b.ncols(), |i, j| {
            let mut c = 0.0;
            for p in 0..a.ncols() {
                c += a[(i, p)] * b[(p, j)];
            }
            c
        })
    }

    pub fn bits(t: &Tensor) -> Vec<u64> {
        t.iter().map(|x| x.to_bits()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_compiled_wide_give_the_bits_of_plain_ones() {
        // Numbers of very different sizes, and arithmetic whose order
        // (or a fused multiply-add) would show in the last bits.
        let x: Vec<f64> = (0..1001)
            .map(|k| ((k * 7919) % 1000) as f64 * 1e-3 - 0.5 + (k % 7) as f64 * 1e5)
            .collect();
        let f = |v: f64| 1.0 / (v * std::f64::consts::LN_10) + v * v * 3.1 - libm::exp(v * 1e-6);
        let plain: Vec<u64> = x.iter().map(|&v| f(v).to_bits()).collect();
        let mut wide_x = x.clone();
        wide(|| wide_x.iter_mut().for_each(|v| *v = f(*v)));
        let wide_bits: Vec<u64> = wide_x.iter().map(|v| v.to_bits()).collect();
        assert_eq!(plain, wide_bits);
    }

    #[test]
    fn broadcasting_rules() {
        assert_eq!(broadcast_shape((3, 1), (1, 4)), Some((3, 4)));
        assert_eq!(broadcast_shape((3, 4), (1, 1)), Some((3, 4)));
        assert_eq!(broadcast_shape((3, 4), (4, 1)), None);
        let g = Tensor::from_element(3, 4, 1.0);
        assert_eq!(reduce_to(g, (1, 4)), Tensor::from_element(1, 4, 3.0));
    }
}
