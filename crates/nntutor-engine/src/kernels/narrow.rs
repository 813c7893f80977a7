//! Products whose left operand has a few rows (ten classes' weights, Wᵀ of
//! 10 × 784) and whose right operand is read column by column where it
//! lies: the sum for each result column runs down one column of `B`, so a
//! minibatch's samples, scattered over a data set larger than the cache,
//! are read from start to end (which the processor fetches ahead) and
//! never copied. `A`'s rows are padded to a multiple of four and computed
//! side by side (one or two rows past one are paired instead:
//! [`paired`](super::paired)). Each element is still the sum over the
//! inner index from 0, in order: the same bits as any other shape.

use super::columns::Columns;
use super::paired::paired;
use super::zeros_in;
use crate::tensor::Tensor;

/// Results with more rows than this take other paths.
pub(super) const NARROW: usize = 12;

/// `A @ B` for an `A` of at most [`NARROW`] rows, in `out`'s storage.
/// With `transposed`, `a` holds `Aᵀ` (a layer's `W` in `Wᵀ @ X`): it is
/// read in place as it is packed, never copied whole.
pub(super) fn narrow_matmul(a: &Tensor, transposed: bool, b: Columns, out: Vec<f64>) -> Tensor {
    let (m, k) = match transposed {
        false => (a.nrows(), a.ncols()),
        true => (a.ncols(), a.nrows()),
    };
    assert_eq!(
        k,
        b.nrows(),
        "narrow product of {m}×{k} and {}×…",
        b.nrows()
    );
    let mut c = zeros_in(out, m, b.ncols());
    let a = Packing {
        a,
        m,
        k,
        transposed,
    };
    match m {
        0 => {}
        1..=4 => narrow::<4, 8>(a, b, &mut c),
        // One or two rows past a multiple of four: paired (ten classes).
        5 | 6 => paired::<1, 8>(a, b, &mut c),
        7 | 8 => narrow::<8, 5>(a, b, &mut c),
        9 | 10 => paired::<2, 12>(a, b, &mut c),
        _ => narrow::<12, 3>(a, b, &mut c),
    }
    c
}

/// The left operand `A` (`m × k`) as its storage holds it.
#[derive(Clone, Copy)]
pub(super) struct Packing<'a> {
    pub(super) a: &'a Tensor,
    pub(super) m: usize,
    pub(super) k: usize,
    /// The storage is `Aᵀ`'s.
    pub(super) transposed: bool,
}

impl Packing<'_> {
    /// `A`'s column p, padded with zeros to R: `pack[p·R + i] = A[i, p]`.
    fn pack<const R: usize>(&self) -> Vec<f64> {
        self.pack_rows::<R>(|i| i)
    }

    /// `pack[p·R + slot] = A[row(slot), p]`, or 0 where `row(slot)` is
    /// not a row of A.
    pub(super) fn pack_rows<const R: usize>(&self, row: impl Fn(usize) -> usize) -> Vec<f64> {
        let (m, k) = (self.m, self.k);
        // Each slot's row; past A's rows (m), a zero.
        let at: [usize; R] = std::array::from_fn(|slot| row(slot).min(m));
        let data = self.a.as_slice();
        let mut pack = vec![0.0; k * R];
        let (steps, _) = pack.as_chunks_mut::<R>();
        if !self.transposed {
            for (dst, col) in steps.iter_mut().zip(data.chunks_exact(m.max(1))) {
                *dst = at.map(|i| col.get(i).copied().unwrap_or(0.0));
            }
            return pack;
        }
        // Row i of A is column i of the storage: each slot is read along
        // its row, a stretch of steps at a time that stays in the L1 cache
        // while every slot writes its place in it.
        const STRETCH: usize = 64;
        let storage: Vec<&[f64]> = data.chunks_exact(k.max(1)).collect();
        for (p0, dst) in (0..k).step_by(STRETCH).zip(steps.chunks_mut(STRETCH)) {
            for (slot, &i) in at.iter().enumerate() {
                let Some(row) = storage.get(i) else {
                    continue;
                };
                let len = dst.len();
                for (d, &v) in dst.iter_mut().zip(&row[p0..p0 + len]) {
                    d[slot] = v;
                }
            }
        }
        pack
    }
}

/// `R` padded rows, `C` result columns at a time: `R/4 · C` accumulators
/// and `R/4` rows of `A` fill most of the sixteen vector registers.
fn narrow<const R: usize, const C: usize>(a: Packing, b: Columns, c: &mut Tensor) {
    let (m, n) = (a.m, b.ncols());
    let pack = a.pack::<R>();
    let out = c.as_mut_slice();
    for j0 in (0..n).step_by(C) {
        let w = (n - j0).min(C);
        // A short last group repeats its first column; the repeats are
        // computed and dropped.
        let cols: [&[f64]; C] = std::array::from_fn(|jj| b.col(j0 + if jj < w { jj } else { 0 }));
        let mut acc = [[0.0; R]; C];
        accumulate(&mut acc, &pack, cols);
        for (jj, sums) in acc.iter().enumerate().take(w) {
            out[(j0 + jj) * m..(j0 + jj + 1) * m].copy_from_slice(&sums[..m]);
        }
    }
}

fn accumulate<const R: usize, const C: usize>(
    acc: &mut [[f64; R]; C],
    pack: &[f64],
    cols: [&[f64]; C],
) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            unsafe { accumulate_avx2(acc, pack, cols) };
            return;
        }
    }
    accumulate_portable(acc, pack, cols);
}

/// The same loop built for AVX2: more elements side by side, the same
/// multiplications and additions (no fused multiply-add), so the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn accumulate_avx2<const R: usize, const C: usize>(
    acc: &mut [[f64; R]; C],
    pack: &[f64],
    cols: [&[f64]; C],
) {
    accumulate_portable(acc, pack, cols);
}

/// `acc[jj][i] += Σ_p pack[p·R + i] · cols[jj][p]`, in order of p. Every
/// column is as long as the sum: a shorter or longer one is a bug upstream,
/// and a panic rather than a silently wrong (or zero) result.
#[inline(always)]
fn accumulate_portable<const R: usize, const C: usize>(
    acc: &mut [[f64; R]; C],
    pack: &[f64],
    cols: [&[f64]; C],
) {
    let (steps, rest) = pack.as_chunks::<R>();
    let k = steps.len();
    assert!(
        rest.is_empty() && cols.iter().all(|c| c.len() == k),
        "narrow product: columns of {:?} numbers for a sum over {k}",
        cols.map(<[f64]>::len)
    );
    // Sliced to the sum's length, so the loop below indexes without checks.
    let cols = cols.map(|c| &c[..k]);
    let mut sums = *acc;
    for (p, a) in steps.iter().enumerate() {
        for jj in 0..C {
            let x = cols[jj][p];
            for i in 0..R {
                sums[jj][i] += a[i] * x;
            }
        }
    }
    *acc = sums;
}
