//! `A @ Bᵀ` for an `A` of fewer than sixteen rows (ten classes' upstream
//! gradient) and a `B` of long columns (a minibatch's images), on
//! processors with AVX-512: its registers hold the sums of up to ten rows
//! of `A` by eight rows of `B`, so `B`'s columns are read where they lie,
//! with no packed copy (which cost a third of the AVX2 kernel in
//! [`short`](super::short)). Each value of `A` is used by one
//! multiplication, which then reads it broadcast from memory itself
//! (`{1to8}`): a broadcast of its own would take a slot of the
//! floating-point pipes. Sixteen rows of `B` a block, each broadcast
//! serving two products, measured 10% slower on the digits' training.
//! Each element is still the sum over the inner index from 0, in order,
//! by separate multiplications and additions: the same bits as any other
//! shape or processor.

use super::columns::Columns;
use crate::tensor::Tensor;

/// Rows of `B` (elements of a column) per block: one 8-wide vector.
const ROWS: usize = 8;
/// Rows of `A` per block: ten sums (ten classes in one pass over `B`'s
/// columns) leave most of the 32 registers free; up to fifteen rows fit,
/// but split 8 + 7 they reuse the blocks measured here.
const MOST: usize = 10;

/// `A @ Bᵀ`, or its transpose with `transposed` (the gradient of `W` in
/// `Wᵀ @ X`), or `None` where the processor has no AVX-512.
pub(super) fn short_wide_tr(a: &Tensor, b: Columns, transposed: bool) -> Option<Tensor> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        let (m, k) = (a.nrows(), b.nrows());
        let cols: Vec<&[f64]> = (0..b.ncols()).map(|j| b.col(j)).collect();
        // Element (i, p) at i · row_step + p · col_step, as in `short`.
        let (mut c, row_step, col_step) = match transposed {
            false => (Tensor::zeros(m, k), 1, m),
            true => (Tensor::zeros(k, m), k, 1),
        };
        let place = Place {
            m,
            k,
            row_step,
            col_step,
        };
        // SAFETY: the processor has AVX-512F, checked just above.
        unsafe { blocks(a.as_slice(), &cols, c.as_mut_slice(), place) };
        return Some(c);
    }
    let _ = (a, b, transposed);
    None
}

/// The `m × k` result of `A @ Bᵀ`, and where its elements are stored
/// (`1, m` column-major; `k, 1` for its transpose).
#[derive(Clone, Copy)]
struct Place {
    m: usize,
    k: usize,
    row_step: usize,
    col_step: usize,
}

impl Place {
    /// Where element (i, p) of `A @ Bᵀ` is stored.
    fn at(&self, i: usize, p: usize) -> usize {
        i * self.row_step + p * self.col_step
    }
}

/// Every block of eight rows of `B` by up to ten rows of `A` (rows split
/// as evenly as possible: 15 = 8 + 7), then the last rows of `B` that make
/// no whole block, summed one by one in the same order.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn blocks(a: &[f64], cols: &[&[f64]], out: &mut [f64], place: Place) {
    let (m, k) = (place.m, place.k);
    assert!(
        a.len() == m * cols.len() && cols.iter().all(|c| c.len() == k),
        "wide short product: {} numbers of A for {m} rows, B's columns of {k}",
        a.len()
    );
    let whole = k / ROWS * ROWS;
    let parts = m.div_ceil(MOST);
    for p0 in (0..whole).step_by(ROWS) {
        let mut r0 = 0;
        for part in 0..parts {
            let size = m / parts + usize::from(part < m % parts);
            let at = Block { r0, p0 };
            // SAFETY: AVX-512F is enabled for this function.
            unsafe {
                match size {
                    1 => block::<1>(a, cols, out, place, at),
                    2 => block::<2>(a, cols, out, place, at),
                    3 => block::<3>(a, cols, out, place, at),
                    4 => block::<4>(a, cols, out, place, at),
                    5 => block::<5>(a, cols, out, place, at),
                    6 => block::<6>(a, cols, out, place, at),
                    7 => block::<7>(a, cols, out, place, at),
                    8 => block::<8>(a, cols, out, place, at),
                    9 => block::<9>(a, cols, out, place, at),
                    _ => block::<10>(a, cols, out, place, at),
                }
            }
            r0 += size;
        }
    }
    for p in whole..k {
        for i in 0..m {
            let mut sum = 0.0;
            for (j, col) in cols.iter().enumerate() {
                sum += a[i + j * m] * col[p];
            }
            out[place.at(i, p)] = sum;
        }
    }
}

/// Where a block starts: row `r0` of `A`, row `p0` of `B`.
#[derive(Clone, Copy)]
struct Block {
    r0: usize,
    p0: usize,
}

/// Rows `r0..r0 + M` of `A` by rows `p0..p0 + 8` of `B`: for each
/// column j in order, `sums[i] += A[r0 + i, j] · B[p0.., j]`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn block<const M: usize>(
    a: &[f64],
    cols: &[&[f64]],
    out: &mut [f64],
    place: Place,
    at: Block,
) {
    use std::arch::x86_64::*;
    let m = place.m;
    let zero = _mm512_setzero_pd();
    let mut sums = [zero; M];
    for (j, col) in cols.iter().enumerate() {
        let x = &col[at.p0..at.p0 + ROWS];
        let s = &a[at.r0 + j * m..at.r0 + j * m + M];
        // SAFETY: `x` holds eight numbers, read as one vector.
        let x = unsafe { _mm512_loadu_pd(x.as_ptr()) };
        for (sum, &si) in sums.iter_mut().zip(s) {
            *sum = _mm512_add_pd(*sum, _mm512_mul_pd(_mm512_set1_pd(si), x));
        }
    }
    for (i, sum) in sums.iter().enumerate() {
        let mut row = [0.0; ROWS];
        // SAFETY: `row` holds eight numbers, written as one vector.
        unsafe { _mm512_storeu_pd(row.as_mut_ptr(), *sum) };
        for (pp, &v) in row.iter().enumerate() {
            out[place.at(at.r0 + i, at.p0 + pp)] = v;
        }
    }
}
