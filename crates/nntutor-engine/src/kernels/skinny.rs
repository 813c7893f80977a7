//! `A @ Bᵀ` for a `B` of at most four rows: a layer's weight gradient when
//! its input has a few features (the spiral's two coordinates), or, taken
//! transposed, when the layer has a few outputs (three classes' scores).
//! The result is a few long columns. A block of its rows is computed for
//! every column at once, the sums held in registers while the block runs
//! along `A`'s columns, so each number of `A` is read once and multiplied
//! by each of `B`'s few values there. Each element is still the sum over
//! the inner index from 0, in order: the same bits as any other shape.

use super::columns::Columns;
use crate::tensor::Tensor;

/// `B`'s most rows for this kernel.
pub(super) const SKINNY: usize = 4;

/// Columns of `A` per pass over the rows: a few kilobytes of a
/// hundred-row `A`, so that the cache lines two blocks of rows share are
/// still in the L1 cache when the second block reads them.
const CHUNK: usize = 16;

/// `A @ Bᵀ` where `A` is `m` rows (column-major, `a`) and `B` has at most
/// [`SKINNY`] rows and as many columns as `A`.
pub(super) fn skinny_matmul_tr(a: &[f64], m: usize, b: Columns) -> Tensor {
    let (k, n) = (b.nrows(), b.ncols());
    assert!(
        k <= SKINNY && a.len() == m * n,
        "skinny product: {} numbers for {m} rows and {n} columns, B of {k} rows",
        a.len()
    );
    let mut c = Tensor::zeros(m, k);
    let out = c.as_mut_slice();
    match k {
        0 => {}
        1 => rows::<1, 16>(a, m, b, out),
        2 => rows::<2, 16>(a, m, b, out),
        3 => rows::<3, 12>(a, m, b, out),
        _ => rows::<4, 8>(a, m, b, out),
    }
    c
}

/// Every block of rows, `R` at a time (then four, then one), over `A`'s
/// columns a chunk at a time. Between chunks the sums wait in `out`,
/// which changes no bit.
fn rows<const K: usize, const R: usize>(a: &[f64], m: usize, b: Columns, out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            unsafe { rows_avx2::<K, R>(a, m, b, out) };
            return;
        }
    }
    rows_portable::<K, R>(a, m, b, out);
}

/// The same loops built for AVX2: more elements side by side, the same
/// multiplications and additions (no fused multiply-add), so the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn rows_avx2<const K: usize, const R: usize>(
    a: &[f64],
    m: usize,
    b: Columns,
    out: &mut [f64],
) {
    rows_portable::<K, R>(a, m, b, out);
}

#[inline(always)]
fn rows_portable<const K: usize, const R: usize>(a: &[f64], m: usize, b: Columns, out: &mut [f64]) {
    let n = b.ncols();
    for j0 in (0..n).step_by(CHUNK) {
        let js = j0..(j0 + CHUNK).min(n);
        let mut i0 = 0;
        while i0 + R <= m {
            block::<K, R>(a, m, b, out, (i0, js.clone()));
            i0 += R;
        }
        while i0 + 4 <= m {
            block::<K, 4>(a, m, b, out, (i0, js.clone()));
            i0 += 4;
        }
        while i0 < m {
            block::<K, 1>(a, m, b, out, (i0, js.clone()));
            i0 += 1;
        }
    }
}

/// Rows `i0..i0 + R` of the result, columns `js` of `A` added to them.
type At = (usize, std::ops::Range<usize>);

#[inline(always)]
fn block<const K: usize, const R: usize>(a: &[f64], m: usize, b: Columns, out: &mut [f64], at: At) {
    let i0 = at.0;
    let mut acc = [[0.0; R]; K];
    for (p, sums) in acc.iter_mut().enumerate() {
        sums.copy_from_slice(&out[p * m + i0..p * m + i0 + R]);
    }
    accumulate(&mut acc, a, m, b, at);
    for (p, sums) in acc.iter().enumerate() {
        out[p * m + i0..p * m + i0 + R].copy_from_slice(sums);
    }
}

/// `acc[p][i] += A[i0 + i, j] · B[p, j]` for each j of the range, in
/// order. A row or column outside `A` or `B` is a bug upstream, and a
/// panic rather than a wrong sum.
#[inline(always)]
fn accumulate<const K: usize, const R: usize>(
    acc: &mut [[f64; R]; K],
    a: &[f64],
    m: usize,
    b: Columns,
    (i0, js): At,
) {
    let mut sums = *acc;
    for j in js {
        // Sliced to R and K numbers, so the loops below index without
        // checks and unroll.
        let column = &a[j * m + i0..j * m + i0 + R];
        let x = &b.col(j)[..K];
        for p in 0..K {
            let s = x[p];
            for i in 0..R {
                sums[p][i] += column[i] * s;
            }
        }
    }
    *acc = sums;
}
