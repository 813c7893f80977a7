//! Products whose result has fewer than sixteen rows (`A @ B` of 13–15
//! rows; `A @ Bᵀ`, a layer's weight gradient, of any): columns that short
//! do not vectorize, so eight result columns are computed side by side
//! instead. Each element is still
//! the sum over the inner index from 0, in order: the same bits as any
//! other shape.

use super::columns::Columns;
use super::zeros_in;
use crate::tensor::Tensor;

/// Results with fewer rows than this are computed here.
pub(super) const SHORT: usize = 16;
/// Result columns computed side by side.
const LANES: usize = 8;

/// `A @ B` for an `A` of fewer than [`SHORT`] rows, from a packed copy of
/// eight columns of `B` at a time (`pack[p·LANES + jj] = B[p, j0 + jj]`).
pub(super) fn short_matmul(a: &Tensor, b: Columns, out: Vec<f64>) -> Tensor {
    let (m, k) = (a.nrows(), a.ncols());
    let n = b.ncols();
    let mut c = zeros_in(out, m, n);
    let mut pack = vec![0.0; k * LANES];
    for j0 in (0..n).step_by(LANES) {
        let w = (n - j0).min(LANES);
        if w == LANES {
            // Eight columns read side by side, each packed row written whole.
            let cols: [&[f64]; LANES] = std::array::from_fn(|jj| b.col(j0 + jj));
            for (p, dst) in pack.chunks_exact_mut(LANES).enumerate() {
                for (d, col) in dst.iter_mut().zip(&cols) {
                    *d = col[p];
                }
            }
        } else {
            pack.iter_mut().for_each(|v| *v = 0.0);
            for jj in 0..w {
                for (dst, &v) in pack.chunks_exact_mut(LANES).zip(b.col(j0 + jj)) {
                    dst[jj] = v;
                }
            }
        }
        let at = Place {
            j0,
            w,
            row_step: 1,
            col_step: m,
        };
        row_blocks(a.as_slice(), m, &pack, c.as_mut_slice(), at);
    }
    c
}

/// `A @ Bᵀ` for an `A` of fewer than [`SHORT`] rows: element (i, p) is
/// `Σ_j A[i, j] · B[p, j]`. With `transposed`, the result is written as
/// `(A @ Bᵀ)ᵀ` (`k × m`, the gradient of a `W` whose transpose was the
/// product's left operand), the same sums in other places. Eight rows of
/// `B` at a time are packed from each of its columns (`pack[j·LANES + pp]
/// = B[p0 + pp, j]`), so `B` may be a minibatch's selection of a data
/// set's columns. (Reading them in place instead, or packing 64 rows per
/// pass, was slower with AVX2; with AVX-512, see `short_wide`.)
pub(super) fn short_matmul_tr(a: &Tensor, b: Columns, transposed: bool) -> Tensor {
    let m = a.nrows();
    let (k, n) = (b.nrows(), b.ncols());
    let cols: Vec<&[f64]> = (0..n).map(|j| b.col(j)).collect();
    let (mut c, row_step, col_step) = match transposed {
        false => (Tensor::zeros(m, k), 1, m),
        true => (Tensor::zeros(k, m), k, 1),
    };
    let mut pack = vec![0.0; n * LANES];
    for p0 in (0..k).step_by(LANES) {
        let w = (k - p0).min(LANES);
        if w < LANES {
            pack.iter_mut().for_each(|v| *v = 0.0);
        }
        for (dst, col) in pack.chunks_exact_mut(LANES).zip(&cols) {
            let src = &col[p0..p0 + w];
            // A fixed-size copy (two vector moves) when the block is whole.
            match (
                <&mut [f64; LANES]>::try_from(&mut *dst),
                <&[f64; LANES]>::try_from(src),
            ) {
                (Ok(d), Ok(s)) => *d = *s,
                _ => dst[..w].copy_from_slice(src),
            }
        }
        let at = Place {
            j0: p0,
            w,
            row_step,
            col_step,
        };
        row_blocks(a.as_slice(), m, &pack, c.as_mut_slice(), at);
    }
    c
}

/// Columns `j0..j0 + w` of an `m`-row result `Σ_p A[:, p] · pack[p]`,
/// `pack` holding eight values per step p. Rows go in blocks of up to
/// five, as even as possible (10 rows: 5 + 5): 5 × 8 accumulators nearly
/// fill the registers, and more of them hide the adder's latency; the
/// packed values serve every block.
fn row_blocks(a: &[f64], m: usize, pack: &[f64], out: &mut [f64], place: Place) {
    let blocks = m.div_ceil(5);
    let mut r0 = 0;
    for b in 0..blocks {
        let size = m / blocks + usize::from(b < m % blocks);
        let at = Rows { m, r0, place };
        match size {
            1 => short_block::<1>(a, pack, out, at),
            2 => short_block::<2>(a, pack, out, at),
            3 => short_block::<3>(a, pack, out, at),
            4 => short_block::<4>(a, pack, out, at),
            _ => short_block::<5>(a, pack, out, at),
        }
        r0 += size;
    }
}

/// Where a block sits: rows `r0..` of an `m`-row result, in the columns
/// of `place`.
#[derive(Clone, Copy)]
struct Rows {
    m: usize,
    r0: usize,
    place: Place,
}

/// Columns `j0..j0 + w` of the result, and where element (i, j) is
/// stored: `i · row_step + j · col_step` (`1, m` column-major; `k, 1`
/// for the transpose of an `m × k` result).
#[derive(Clone, Copy)]
struct Place {
    j0: usize,
    w: usize,
    row_step: usize,
    col_step: usize,
}

/// Rows `r0..r0 + M` of the block: `Σ_p A[i, p] · pack[p][jj]` in order
/// of p, the accumulators held in registers (`M` is known when compiling,
/// so they are).
fn short_block<const M: usize>(a: &[f64], pack: &[f64], out: &mut [f64], at: Rows) {
    let mut acc = [[0.0; LANES]; M];
    accumulate(&mut acc, a, at.m, at.r0, pack);
    let p = at.place;
    for (i, row) in acc.iter().enumerate() {
        for (jj, &v) in row[..p.w].iter().enumerate() {
            out[(at.r0 + i) * p.row_step + (p.j0 + jj) * p.col_step] = v;
        }
    }
}

fn accumulate<const M: usize>(
    acc: &mut [[f64; LANES]; M],
    a: &[f64],
    m: usize,
    r0: usize,
    pack: &[f64],
) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            unsafe { accumulate_avx2(acc, a, m, r0, pack) };
            return;
        }
    }
    accumulate_portable(acc, a, m, r0, pack);
}

/// The same loop built for AVX2: more elements side by side, the same
/// multiplications and additions (no fused multiply-add), so the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn accumulate_avx2<const M: usize>(
    acc: &mut [[f64; LANES]; M],
    a: &[f64],
    m: usize,
    r0: usize,
    pack: &[f64],
) {
    accumulate_portable(acc, a, m, r0, pack);
}

/// `acc[i][jj] += Σ_p A[r0 + i, p] · pack[p·LANES + jj]`; A is
/// column-major with `m` rows. The packed steps and A's columns must
/// match one for one, and the block must lie inside A: anything else is a
/// bug upstream, and a panic rather than a silently wrong sum.
#[inline(always)]
fn accumulate_portable<const M: usize>(
    acc: &mut [[f64; LANES]; M],
    a: &[f64],
    m: usize,
    r0: usize,
    pack: &[f64],
) {
    let (steps, rest) = pack.as_chunks::<LANES>();
    assert!(
        rest.is_empty() && m > 0 && a.len() == steps.len() * m && r0 + M <= m,
        "short product: {} packed values for {} of A (m = {m}, rows {r0}..{})",
        pack.len(),
        a.len(),
        r0 + M
    );
    let mut sums = *acc;
    for (b, column) in steps.iter().zip(a.chunks_exact(m)) {
        let ap = &column[r0..r0 + M];
        for i in 0..M {
            let s = ap[i];
            for jj in 0..LANES {
                sums[i][jj] += s * b[jj];
            }
        }
    }
    *acc = sums;
}
