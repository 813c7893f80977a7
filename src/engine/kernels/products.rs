//! Matrix products with a fixed summation order: every element of a result
//! is the sum over the inner index from 0, in order, whatever the shape or
//! the processor, so a projected lecture and a student's laptop agree to the
//! last bit. The layouts differ by shape (long columns, or a few long rows
//! computed eight columns at a time); the sums do not.

use crate::engine::tensor::Tensor;

/// `A @ B`, column-major: each column of the result is a sum of scaled
/// columns of `A`, accumulated in order of `p`.
pub fn matmul(a: &Tensor, b: &Tensor) -> Tensor {
    let (m, k) = (a.nrows(), a.ncols());
    let n = b.ncols();
    if m < SHORT && n >= SHORT {
        // A few long rows out (a network's scores, 3 × 300).
        let b_data = b.as_slice();
        return short_rows(a, n, |pack, j0, w| {
            if w == LANES {
                // Eight columns read side by side, each packed row written
                // whole.
                let cols: [&[f64]; LANES] =
                    std::array::from_fn(|jj| &b_data[(j0 + jj) * k..(j0 + jj + 1) * k]);
                for (p, dst) in pack.chunks_exact_mut(LANES).enumerate() {
                    for (d, col) in dst.iter_mut().zip(&cols) {
                        *d = col[p];
                    }
                }
                return;
            }
            for jj in 0..w {
                let col = &b_data[(j0 + jj) * k..(j0 + jj + 1) * k];
                for (p, &v) in col.iter().enumerate() {
                    pack[p * LANES + jj] = v;
                }
            }
        });
    }
    let mut c = Tensor::zeros(m, n);
    let a_data = a.as_slice();
    let b_data = b.as_slice();
    for (j, c_col) in c.as_mut_slice().chunks_exact_mut(m.max(1)).enumerate() {
        // Column j of B, contiguous: the scales of A's columns.
        add_scaled_columns(c_col, a_data, &b_data[j * k..(j + 1) * k]);
    }
    c
}

/// Results with fewer rows than this are computed by [`short_rows`].
const SHORT: usize = 16;
/// Result columns computed side by side in [`short_rows`].
const LANES: usize = 8;

/// `A @ B` for an `A` of fewer than [`SHORT`] rows: columns of 3 elements
/// do not vectorize, so eight columns of the result are computed side by
/// side instead, from a packed copy of eight columns of `B` (`fill` writes
/// `B[p, j0 + jj]` to `pack[p·LANES + jj]` for `jj < w`). Each element is
/// still the sum over p from 0, in order of p: the same bits as any other
/// shape.
fn short_rows(a: &Tensor, n: usize, fill: impl Fn(&mut [f64], usize, usize)) -> Tensor {
    let (m, k) = (a.nrows(), a.ncols());
    let mut c = Tensor::zeros(m, n);
    let mut pack = vec![0.0; k * LANES];
    let a_data = a.as_slice();
    let mut j0 = 0;
    while j0 < n {
        let w = (n - j0).min(LANES);
        if w < LANES {
            pack.iter_mut().for_each(|v| *v = 0.0);
        }
        fill(&mut pack, j0, w);
        let out = c.as_mut_slice();
        // Rows in blocks of up to five, as even as possible (10 rows: 5 + 5):
        // 5 × 8 accumulators nearly fill the registers, and more of them
        // hide the adder's latency; the packed columns serve every block.
        let blocks = m.div_ceil(5);
        let mut r0 = 0;
        for b in 0..blocks {
            let size = m / blocks + usize::from(b < m % blocks);
            let rows = Rows { m, r0, j0, w };
            match size {
                1 => short_block::<1>(a_data, &pack, out, rows),
                2 => short_block::<2>(a_data, &pack, out, rows),
                3 => short_block::<3>(a_data, &pack, out, rows),
                4 => short_block::<4>(a_data, &pack, out, rows),
                _ => short_block::<5>(a_data, &pack, out, rows),
            }
            r0 += size;
        }
        j0 += w;
    }
    c
}

/// Where a block of [`short_rows`] sits: rows `r0..` of an `m`-row
/// result, columns `j0..j0 + w`.
#[derive(Clone, Copy)]
struct Rows {
    m: usize,
    r0: usize,
    j0: usize,
    w: usize,
}

/// Rows `r0..r0 + M`, columns `j0..j0 + w` of the result:
/// `Σ_p A[i, p] · pack[p][jj]` in order of p, the accumulators held in
/// registers (`M` is known when compiling, so they are).
fn short_block<const M: usize>(a: &[f64], pack: &[f64], out: &mut [f64], at: Rows) {
    let mut acc = [[0.0; LANES]; M];
    accumulate_short(&mut acc, a, at.m, at.r0, pack);
    for (i, row) in acc.iter().enumerate() {
        for (jj, &v) in row[..at.w].iter().enumerate() {
            out[at.r0 + i + (at.j0 + jj) * at.m] = v;
        }
    }
}

fn accumulate_short<const M: usize>(
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
            unsafe { accumulate_short_avx2(acc, a, m, r0, pack) };
            return;
        }
    }
    accumulate_short_portable(acc, a, m, r0, pack);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn accumulate_short_avx2<const M: usize>(
    acc: &mut [[f64; LANES]; M],
    a: &[f64],
    m: usize,
    r0: usize,
    pack: &[f64],
) {
    accumulate_short_portable(acc, a, m, r0, pack);
}

/// `acc[i][jj] += Σ_p A[r0 + i, p] · pack[p][jj]`; A is column-major with
/// `m` rows.
#[inline(always)]
fn accumulate_short_portable<const M: usize>(
    acc: &mut [[f64; LANES]; M],
    a: &[f64],
    m: usize,
    r0: usize,
    pack: &[f64],
) {
    let mut sums = *acc;
    for (b, column) in pack.chunks_exact(LANES).zip(a.chunks_exact(m)) {
        let b: &[f64; LANES] = b.try_into().unwrap_or(&[0.0; LANES]);
        let ap: &[f64; M] = column
            .get(r0..r0 + M)
            .and_then(|x| x.try_into().ok())
            .unwrap_or(&[0.0; M]);
        for i in 0..M {
            let s = ap[i];
            for jj in 0..LANES {
                sums[i][jj] += s * b[jj];
            }
        }
    }
    *acc = sums;
}

/// `c += Σ_p a[:, p] · scales[p]`, adding in order of `p` for every element.
///
/// Four columns are added per pass over `c` (`((c + a0·s0) + a1·s1) + …`):
/// the same additions in the same order as one column at a time, so the
/// bits are the same, with a quarter of the loads and stores of `c`. The
/// AVX2 build of the same loop is chosen at run time; it only processes
/// more elements side by side (no fused multiply-add), so every machine
/// gets the same numbers.
fn add_scaled_columns(c: &mut [f64], a: &[f64], scales: &[f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            unsafe { add_scaled_columns_avx2(c, a, scales) };
            return;
        }
    }
    add_scaled_columns_portable(c, a, scales);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_scaled_columns_avx2(c: &mut [f64], a: &[f64], scales: &[f64]) {
    add_scaled_columns_portable(c, a, scales);
}

#[inline(always)]
fn add_scaled_columns_portable(c: &mut [f64], a: &[f64], scales: &[f64]) {
    let m = c.len();
    let mut p = 0;
    while p + 4 <= scales.len() {
        let (s0, s1, s2, s3) = (scales[p], scales[p + 1], scales[p + 2], scales[p + 3]);
        let a0 = &a[p * m..(p + 1) * m];
        let a1 = &a[(p + 1) * m..(p + 2) * m];
        let a2 = &a[(p + 2) * m..(p + 3) * m];
        let a3 = &a[(p + 3) * m..(p + 4) * m];
        for i in 0..m {
            c[i] = (((c[i] + a0[i] * s0) + a1[i] * s1) + a2[i] * s2) + a3[i] * s3;
        }
        p += 4;
    }
    // The last one to three columns, also in one pass (a network's 2-D
    // input and 3 classes leave exactly these).
    match scales.len() - p {
        3 => {
            let (s0, s1, s2) = (scales[p], scales[p + 1], scales[p + 2]);
            let a0 = &a[p * m..(p + 1) * m];
            let a1 = &a[(p + 1) * m..(p + 2) * m];
            let a2 = &a[(p + 2) * m..(p + 3) * m];
            for i in 0..m {
                c[i] = ((c[i] + a0[i] * s0) + a1[i] * s1) + a2[i] * s2;
            }
        }
        2 => {
            let (s0, s1) = (scales[p], scales[p + 1]);
            let a0 = &a[p * m..(p + 1) * m];
            let a1 = &a[(p + 1) * m..(p + 2) * m];
            for i in 0..m {
                c[i] = (c[i] + a0[i] * s0) + a1[i] * s1;
            }
        }
        1 => {
            let s = scales[p];
            let ap = &a[p * m..(p + 1) * m];
            for i in 0..m {
                c[i] += ap[i] * s;
            }
        }
        _ => {}
    }
}

/// `Aᵀ @ B`: element (p, j) is `Σ_i A[i, p] · B[i, j]`, added in order of
/// `i`. `A` is transposed once (it is the small weight matrix in a
/// network's backward pass) so the products run down contiguous columns.
pub fn tr_matmul(a: &Tensor, b: &Tensor) -> Tensor {
    matmul(&a.transpose(), b)
}

/// `A @ Bᵀ` without copying the transpose: column `p` of the result is
/// `Σ_j A[:, j] · B[p, j]`, added in order of `j`.
pub fn matmul_tr(a: &Tensor, b: &Tensor) -> Tensor {
    let (m, n) = (a.nrows(), a.ncols());
    let k = b.nrows();
    if m < SHORT && k >= SHORT {
        // Column p of Bᵀ is row p of B.
        let b_data = b.as_slice();
        return short_rows(a, k, |pack, p0, w| {
            for (j, dst) in pack.chunks_exact_mut(LANES).enumerate().take(n) {
                let src = &b_data[p0 + j * k..p0 + j * k + w];
                // A fixed-size copy (two vector moves) when the block is whole.
                match (
                    <&mut [f64; LANES]>::try_from(dst),
                    <&[f64; LANES]>::try_from(src),
                ) {
                    (Ok(d), Ok(s)) => *d = *s,
                    (Ok(d), Err(_)) => d[..w].copy_from_slice(src),
                    (Err(_), _) => {}
                }
            }
        });
    }
    let mut c = Tensor::zeros(m, k);
    let a_data = a.as_slice();
    let b_data = b.as_slice();
    let mut scales = vec![0.0; n];
    for (p, c_col) in c.as_mut_slice().chunks_exact_mut(m.max(1)).enumerate() {
        for (j, s) in scales.iter_mut().enumerate() {
            *s = b_data[p + j * k];
        }
        add_scaled_columns(c_col, a_data, &scales);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_agree_with_hand_computation() {
        let a = Tensor::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let b = Tensor::from_row_slice(3, 2, &[7.0, 8.0, 9.0, 10.0, 11.0, 12.0]);
        // [1 2 3; 4 5 6] @ [7 8; 9 10; 11 12] = [58 64; 139 154]
        assert_eq!(
            matmul(&a, &b),
            Tensor::from_row_slice(2, 2, &[58.0, 64.0, 139.0, 154.0])
        );
        assert_eq!(tr_matmul(&a.transpose(), &b), matmul(&a, &b));
        assert_eq!(matmul_tr(&a, &b.transpose()), matmul(&a, &b));
    }

    /// Element (i, j) summed one p at a time from 0, the order every
    /// product promises whatever its shape.
    fn sequential(a: &Tensor, b: &Tensor) -> Tensor {
        Tensor::from_fn(a.nrows(), b.ncols(), |i, j| {
            let mut c = 0.0;
            for p in 0..a.ncols() {
                c += a[(i, p)] * b[(p, j)];
            }
            c
        })
    }

    #[test]
    fn short_and_long_results_give_the_bits_of_the_sequential_sum() {
        // Magnitudes from 1e-3 to 1e8 expose any change of order in the
        // last bits; the 3-row shapes take the transposed path.
        let wild = |r: usize, c: usize, seed: usize| {
            Tensor::from_fn(r, c, |i, j| {
                let k = i * 31 + j * 17 + seed;
                ((k * 7919) % 1000) as f64 * 1e-3 - 0.5 + (k % 5) as f64 * 1e8
            })
        };
        let bits = |t: &Tensor| t.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for (m, k, n) in [
            (3, 100, 300),
            (2, 9, 40),
            (100, 2, 300),
            (8, 8, 8),
            (1, 5, 1),
        ] {
            let (a, b) = (wild(m, k, 1), wild(k, n, 2));
            let want = sequential(&a, &b);
            assert_eq!(bits(&matmul(&a, &b)), bits(&want), "{m}×{k} @ {k}×{n}");
            assert_eq!(bits(&matmul_tr(&a, &b.transpose())), bits(&want));
            assert_eq!(bits(&tr_matmul(&a.transpose(), &b)), bits(&want));
        }
    }

    #[test]
    fn every_build_of_the_column_kernel_gives_the_same_bits() {
        // Numbers of very different sizes make any change of summation
        // order (or a fused multiply-add) visible in the last bits.
        let m = 37;
        let a: Vec<f64> = (0..m * 11)
            .map(|k| ((k * 7919) % 1000) as f64 * 1e-3 - 0.5 + (k % 3) as f64 * 1e8)
            .collect();
        for count in [11, 10, 9, 8, 3, 2, 1] {
            same_bits_for(m, &a, count);
        }
    }

    fn same_bits_for(m: usize, a: &[f64], count: usize) {
        let scales: Vec<f64> = (0..count).map(|p| 1.0 / (p as f64 + 0.3)).collect();
        let mut sequential = vec![0.0; m];
        for (p, &s) in scales.iter().enumerate() {
            for i in 0..m {
                sequential[i] += a[p * m + i] * s;
            }
        }
        let mut portable = vec![0.0; m];
        add_scaled_columns_portable(&mut portable, a, &scales);
        let mut chosen = vec![0.0; m];
        add_scaled_columns(&mut chosen, a, &scales);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&portable), bits(&sequential));
        assert_eq!(bits(&chosen), bits(&sequential));
    }
}
