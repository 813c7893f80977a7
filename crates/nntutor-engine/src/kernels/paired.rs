//! The narrow product for `A` of one or two rows past a multiple of four
//! (ten classes: 8 + 2; or 4 + 2): padded to the next multiple of four, a
//! sixth of the ten classes' multiplications would be of zeros. Here the
//! last rows of two result columns share one vector instead:
//! `[s8, s9 of column j; s8, s9 of column j+1] += [a8, a9, a8, a9] ·
//! [x_j, x_j, x_j+1, x_j+1]`. Four columns take ten vector products per
//! step, not twelve: the digits' scores (10 × 784 by a minibatch of 100)
//! in 40 µs, not 47; the digits training 0.038 → 0.036 s. Each element
//! is still the sum over the inner index from 0, in order: the same bits
//! as any other shape.

use super::columns::Columns;
use super::narrow::Packing;
use crate::tensor::Tensor;

/// `A @ B` for an `A` of `4·V + 1` or `4·V + 2` rows; `STEP = 4·V + 4`
/// packed numbers per step: the body rows, then the last two twice.
pub(super) fn paired<const V: usize, const STEP: usize>(a: Packing, b: Columns, c: &mut Tensor) {
    paired_by::<V, STEP>(a, b, c, Build::best());
}

/// The builds of the loop, the fastest the processor has chosen at run time.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Build {
    /// Four columns at a time: their sums, the operands and the
    /// broadcasts need the 32 vector registers AVX-512 brings.
    Wide,
    Avx2,
    Portable,
}

impl Build {
    fn best() -> Build {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512vl") {
                return Build::Wide;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                return Build::Avx2;
            }
        }
        Build::Portable
    }
}

/// [`paired`] by a given build, which the processor must have.
fn paired_by<const V: usize, const STEP: usize>(a: Packing, b: Columns, c: &mut Tensor, by: Build) {
    let body = 4 * V;
    let pack = a.pack_rows::<STEP>(|slot| match slot.checked_sub(body) {
        None => slot,
        Some(t) => body + t % 2,
    });
    match by {
        #[cfg(target_arch = "x86_64")]
        Build::Wide => groups::<V, 4>(b, c, |sums: &mut Sums<V, 4>, cols: [&[f64]; 4]| {
            // SAFETY: the caller checked that the CPU has AVX-512VL (and so
            // AVX-512F and AVX2).
            unsafe { wide::accumulate::<V, STEP>(sums, &pack, cols) }
        }),
        #[cfg(target_arch = "x86_64")]
        Build::Avx2 => groups::<V, 2>(b, c, |sums: &mut Sums<V, 2>, cols: [&[f64]; 2]| {
            // SAFETY: the caller checked that the CPU has AVX2.
            unsafe { accumulate_avx2::<V, STEP, 2>(sums, &pack, cols) }
        }),
        _ => groups::<V, 2>(b, c, |sums: &mut Sums<V, 2>, cols: [&[f64]; 2]| {
            accumulate_portable::<V, STEP, 2>(sums, &pack, cols)
        }),
    }
}

/// A group of `C` columns' sums: each column's body rows (`V` vectors of
/// four), and each pair's last rows (the first `C / 2` of `tail`).
struct Sums<const V: usize, const C: usize> {
    body: [[[f64; 4]; V]; C],
    tail: [[f64; 4]; C],
}

/// The result `C` columns at a time, each group's sums from `sum`.
fn groups<const V: usize, const C: usize>(
    b: Columns,
    c: &mut Tensor,
    mut sum: impl FnMut(&mut Sums<V, C>, [&[f64]; C]),
) {
    let (m, n, body) = (c.nrows(), b.ncols(), 4 * V);
    let out = c.as_mut_slice();
    for j0 in (0..n).step_by(C) {
        let w = (n - j0).min(C);
        // A short last group repeats its first column; the repeats are
        // computed and dropped.
        let cols: [&[f64]; C] = std::array::from_fn(|jj| b.col(j0 + if jj < w { jj } else { 0 }));
        let mut sums = Sums {
            body: [[[0.0; 4]; V]; C],
            tail: [[0.0; 4]; C],
        };
        sum(&mut sums, cols);
        for jj in 0..w {
            let col = &mut out[(j0 + jj) * m..(j0 + jj + 1) * m];
            col[..body].copy_from_slice(sums.body[jj].as_flattened());
            let tail = &sums.tail[jj / 2][2 * (jj % 2)..];
            col[body..].copy_from_slice(&tail[..m - body]);
        }
    }
}

/// The loop below built for AVX2: more elements side by side, the same
/// multiplications and additions (no fused multiply-add), so the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn accumulate_avx2<const V: usize, const STEP: usize, const C: usize>(
    sums: &mut Sums<V, C>,
    pack: &[f64],
    cols: [&[f64]; C],
) {
    accumulate_portable::<V, STEP, C>(sums, pack, cols);
}

/// For each step p in order: each column's body sums `+= A[i, p] · x`,
/// each pair's last rows `+= [a, a', a, a'] · [x_j, x_j, x_k, x_k]`.
#[inline(always)]
fn accumulate_portable<const V: usize, const STEP: usize, const C: usize>(
    sums: &mut Sums<V, C>,
    pack: &[f64],
    cols: [&[f64]; C],
) {
    let (steps, cols) = checked::<V, STEP, C>(pack, cols);
    let (mut body, mut tail) = (sums.body, sums.tail);
    for (p, a) in steps.iter().enumerate() {
        for q in 0..C / 2 {
            let (xj, xk) = (cols[2 * q][p], cols[2 * q + 1][p]);
            for (h, x) in [xj, xk].into_iter().enumerate() {
                for v in 0..V {
                    for l in 0..4 {
                        body[2 * q + h][v][l] += a[4 * v + l] * x;
                    }
                }
            }
            let x = [xj, xj, xk, xk];
            for l in 0..4 {
                tail[q][l] += a[4 * V + l] * x[l];
            }
        }
    }
    (sums.body, sums.tail) = (body, tail);
}

/// The packed steps, and the columns sliced to their number. Every column
/// is as long as the sum: anything else is a bug upstream, and a panic
/// rather than a silently wrong sum.
fn checked<'a, const V: usize, const STEP: usize, const C: usize>(
    pack: &'a [f64],
    cols: [&'a [f64]; C],
) -> (&'a [[f64; STEP]], [&'a [f64]; C]) {
    let (steps, rest) = pack.as_chunks::<STEP>();
    let k = steps.len();
    assert!(
        STEP == 4 * V + 4
            && C.is_multiple_of(2)
            && rest.is_empty()
            && cols.iter().all(|c| c.len() == k),
        "paired narrow product: columns of {:?} numbers for a sum over {k}",
        cols.map(<[f64]>::len)
    );
    (steps, cols.map(|c| &c[..k]))
}

/// The loop written with AVX vectors of four, so that the compiler keeps
/// to them (given AVX-512, it would otherwise widen the body's eight rows
/// into one vector and shuffle the rest).
#[cfg(target_arch = "x86_64")]
mod wide {
    use super::{Sums, checked};
    use std::arch::x86_64::*;

    #[target_feature(enable = "avx2,avx512f,avx512vl")]
    pub(super) unsafe fn accumulate<const V: usize, const STEP: usize>(
        sums: &mut Sums<V, 4>,
        pack: &[f64],
        cols: [&[f64]; 4],
    ) {
        let (steps, cols) = checked::<V, STEP, 4>(pack, cols);
        // SAFETY (every load and store below): each reads or writes four
        // numbers of an array of four, or of a packed step of 4·V + 4 at
        // an offset of at most 4·V.
        let load = |x: &[f64; 4]| unsafe { _mm256_loadu_pd(x.as_ptr()) };
        let mut body = sums.body.map(|col| col.map(|v| load(&v)));
        let mut tail = [load(&sums.tail[0]), load(&sums.tail[1])];
        for (p, a) in steps.iter().enumerate() {
            let av: [__m256d; V] =
                std::array::from_fn(|v| unsafe { _mm256_loadu_pd(a.as_ptr().add(4 * v)) });
            let at = unsafe { _mm256_loadu_pd(a.as_ptr().add(4 * V)) };
            for q in 0..2 {
                let xj = _mm256_set1_pd(cols[2 * q][p]);
                let xk = _mm256_set1_pd(cols[2 * q + 1][p]);
                for v in 0..V {
                    body[2 * q][v] = _mm256_add_pd(body[2 * q][v], _mm256_mul_pd(av[v], xj));
                    body[2 * q + 1][v] =
                        _mm256_add_pd(body[2 * q + 1][v], _mm256_mul_pd(av[v], xk));
                }
                // [x_j, x_j, x_k, x_k]
                let x = _mm256_blend_pd::<0b1100>(xj, xk);
                tail[q] = _mm256_add_pd(tail[q], _mm256_mul_pd(at, x));
            }
        }
        let store = |x: &mut [f64; 4], v: __m256d| unsafe { _mm256_storeu_pd(x.as_mut_ptr(), v) };
        for (dst, src) in sums.body.iter_mut().zip(&body) {
            for (d, &s) in dst.iter_mut().zip(src) {
                store(d, s);
            }
        }
        store(&mut sums.tail[0], tail[0]);
        store(&mut sums.tail[1], tail[1]);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::testing::{bits, sequential, wild};
    use super::*;

    #[test]
    fn every_build_gives_the_bits_of_the_sequential_sum() {
        // `wild` numbers show any change of order in the last bits; 9, 10,
        // 5 and 6 rows; whole and short last groups.
        let mut builds = vec![Build::Portable];
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                builds.push(Build::Avx2);
            }
            if std::arch::is_x86_feature_detected!("avx512vl") {
                builds.push(Build::Wide);
            }
        }
        for (m, k, n) in [
            (10, 37, 21),
            (9, 20, 17),
            (10, 5, 16),
            (5, 33, 18),
            (6, 8, 23),
        ] {
            let (a, b) = (wild(m, k, 1), wild(k, n, 2));
            let want = sequential(&a, &b);
            for &by in &builds {
                for transposed in [false, true] {
                    let stored = if transposed { a.transpose() } else { a.clone() };
                    let packing = Packing {
                        a: &stored,
                        m,
                        k,
                        transposed,
                    };
                    let mut c = Tensor::zeros(m, n);
                    match m {
                        5 | 6 => paired_by::<1, 8>(packing, Columns::of(&b), &mut c, by),
                        _ => paired_by::<2, 12>(packing, Columns::of(&b), &mut c, by),
                    }
                    assert_eq!(
                        bits(&c),
                        bits(&want),
                        "{m}×{k} @ {k}×{n}, {by:?}, transposed {transposed}"
                    );
                }
            }
        }
    }
}
