//! Matrix products with a fixed summation order: every element of a result
//! is the sum over the inner index from 0, in order, whatever the shape or
//! the processor, so a projected lecture and a student's laptop agree to the
//! last bit. The layouts differ by shape (long columns, or a few long rows
//! computed eight columns at a time); the sums do not.

use super::columns::Columns;
use super::narrow::{NARROW, narrow_matmul};
use super::short::{SHORT, short_matmul, short_matmul_tr};
use super::short_wide::short_wide_tr;
use super::skinny::{SKINNY, skinny_matmul_tr};
use crate::tensor::Tensor;

/// `A @ B`, column-major: each column of the result is a sum of scaled
/// columns of `A`, accumulated in order of `p`.
pub fn matmul(a: &Tensor, b: &Tensor) -> Tensor {
    matmul_cols(a, Columns::of(b))
}

/// `A @ B` with `B`'s columns read where they lie (a minibatch's samples
/// straight from the data set). `A`'s columns must match `B`'s rows.
pub fn matmul_cols(a: &Tensor, b: Columns) -> Tensor {
    matmul_cols_then(a, b, Vec::new(), &mut |_, _| {})
}

/// `A @ B`, then `then(j, columns)` over the result a few whole columns
/// at a time (those from column `j` on, about [`BLOCK`] numbers), in
/// order: while they are still in the cache, where the product writes
/// its columns one by one. A compiled training plan adds a bias and
/// applies an activation there, or its gradient, instead of reading the
/// whole result again for each. The result is written into `out`'s
/// storage (an array the plan's previous run is done with, so a training
/// does not allocate its layers anew at every iteration; its contents do
/// not matter).
pub fn matmul_cols_then(
    a: &Tensor,
    b: Columns,
    out: Vec<f64>,
    then: &mut dyn FnMut(usize, &mut [f64]),
) -> Tensor {
    let (m, n) = (a.nrows(), b.ncols());
    if m <= NARROW && n >= SHORT {
        // A few long rows out (a network's scores, 3 × 300; ten classes'
        // scores for a minibatch, read from the data set in place).
        return after(narrow_matmul(a, false, b, out), then);
    }
    if m < SHORT && n >= SHORT {
        return after(short_matmul(a, b, out), then);
    }
    let mut c = out;
    c.clear();
    c.reserve(m * n);
    long_columns(a, b, &mut c, then);
    Tensor::from_vec(m, n, c)
}

/// `Aᵀ @ B` as [`matmul_cols_then`] computes `A @ B`: the same sums. The
/// narrow kernel (ten classes' `Wᵀ @ X`) reads `A` in place as it packs
/// it; the other shapes take a copy of the transpose.
pub fn tr_matmul_cols_then(
    a: &Tensor,
    b: Columns,
    out: Vec<f64>,
    then: &mut dyn FnMut(usize, &mut [f64]),
) -> Tensor {
    if a.ncols() <= NARROW && b.ncols() >= SHORT {
        return after(narrow_matmul(a, true, b, out), then);
    }
    matmul_cols_then(&a.transpose(), b, out, then)
}

/// `then` over a finished result a block of whole columns at a time, as
/// [`long_columns`] hands them on while it writes them.
fn after(mut t: Tensor, then: &mut dyn FnMut(usize, &mut [f64])) -> Tensor {
    let m = t.nrows();
    if let Some(per) = BLOCK.checked_div(m) {
        let per = per.max(1);
        for (k, block) in t.as_mut_slice().chunks_mut(per * m).enumerate() {
            then(k * per, block);
        }
    }
    t
}

avx2_or_portable! {
    /// The columns of `A @ B` appended to `c` one by one, handed to `then` a
    /// block at a time. The AVX2 build is chosen once for the whole product.
    fn long_columns(
        a: &Tensor,
        b: Columns,
        c: &mut Vec<f64>,
        then: &mut dyn FnMut(usize, &mut [f64]),
    ) => long_columns_portable
}

#[inline(always)]
fn long_columns_portable(
    a: &Tensor,
    b: Columns,
    c: &mut Vec<f64>,
    then: &mut dyn FnMut(usize, &mut [f64]),
) {
    let (m, k, n) = (a.nrows(), a.ncols(), b.ncols());
    let per = (BLOCK / m.max(1)).max(1);
    let a_data = a.as_slice();
    let mut done = 0;
    for j in 0..n {
        // Column j of B: the scales of A's columns. The first four are
        // summed from zero as the column is written (no zeroed buffer to
        // fill and read back), the rest added in place.
        let scales = b.col(j);
        let first = k.min(4);
        let start = c.len();
        push_scaled_columns_portable(c, &a_data[..first * m], &scales[..first], m);
        add_scaled_columns_portable(&mut c[start..], &a_data[first * m..], &scales[first..]);
        if j + 1 - done == per || j + 1 == n {
            then(done, &mut c[done * m..]);
            done = j + 1;
        }
    }
}

/// How many numbers [`matmul_cols_then`] hands on at a time: ten columns
/// of a hundred-unit layer, 8 KB, well inside the L1 cache with what the
/// pass reads beside. (256 numbers cost 1–3% more in calls on the
/// spiral; 2048 were no better than 1024.)
pub const BLOCK: usize = 1024;

/// Appends `Σ_p a[:, p] · scales[p]` (`m` values, at most four columns),
/// each summed from zero in order of p: `((0 + a0·s0) + a1·s1) + …`, the
/// additions [`add_scaled_columns`] makes on a zeroed column.
#[inline(always)]
fn push_scaled_columns_portable(out: &mut Vec<f64>, a: &[f64], scales: &[f64], m: usize) {
    let col = |p: usize| &a[p * m..(p + 1) * m];
    match *scales {
        [] => out.extend(std::iter::repeat_n(0.0, m)),
        [s0] => out.extend(col(0).iter().map(|&x| 0.0 + x * s0)),
        [s0, s1] => out.extend(
            col(0)
                .iter()
                .zip(col(1))
                .map(|(&x0, &x1)| (0.0 + x0 * s0) + x1 * s1),
        ),
        [s0, s1, s2] => out.extend(
            col(0)
                .iter()
                .zip(col(1))
                .zip(col(2))
                .map(|((&x0, &x1), &x2)| ((0.0 + x0 * s0) + x1 * s1) + x2 * s2),
        ),
        [s0, s1, s2, s3, ..] => {
            out.extend(
                col(0).iter().zip(col(1)).zip(col(2)).zip(col(3)).map(
                    |(((&x0, &x1), &x2), &x3)| (((0.0 + x0 * s0) + x1 * s1) + x2 * s2) + x3 * s3,
                ),
            )
        }
    }
}

avx2_or_portable! {
    /// `c += Σ_p a[:, p] · scales[p]`, adding in order of `p` for every
    /// element.
    ///
    /// Four columns are added per pass over `c` (`((c + a0·s0) + a1·s1) +
    /// …`): the same additions in the same order as one column at a time,
    /// so the bits are the same, with a quarter of the loads and stores of
    /// `c`.
    fn add_scaled_columns(c: &mut [f64], a: &[f64], scales: &[f64]) => add_scaled_columns_portable
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
/// network's backward pass) so the products run down contiguous columns,
/// or read in place by the narrow kernel.
pub fn tr_matmul(a: &Tensor, b: &Tensor) -> Tensor {
    tr_matmul_cols_then(a, Columns::of(b), Vec::new(), &mut |_, _| {})
}

/// [`tr_matmul`] into `out`'s storage, then `then` over the columns of
/// the result as [`matmul_cols_then`] does.
pub fn tr_matmul_then(
    a: &Tensor,
    b: &Tensor,
    out: Vec<f64>,
    then: &mut dyn FnMut(usize, &mut [f64]),
) -> Tensor {
    tr_matmul_cols_then(a, Columns::of(b), out, then)
}

/// `A @ Bᵀ` without copying the transpose: column `p` of the result is
/// `Σ_j A[:, j] · B[p, j]`, added in order of `j`.
pub fn matmul_tr(a: &Tensor, b: &Tensor) -> Tensor {
    matmul_tr_cols(a, Columns::of(b))
}

/// `A @ Bᵀ` with `B`'s columns read where they lie. `A` and `B` must have
/// as many columns.
pub fn matmul_tr_cols(a: &Tensor, b: Columns) -> Tensor {
    matmul_tr_placed(a, b, false)
}

/// `(A @ Bᵀ)ᵀ`, the same sums as [`matmul_tr_cols`] written transposed:
/// the gradient of a `W` whose transpose was a product's left operand
/// (`Wᵀ @ X`), without a copy of the transpose.
pub fn matmul_tr_cols_transposed(a: &Tensor, b: Columns) -> Tensor {
    matmul_tr_placed(a, b, true)
}

fn matmul_tr_placed(a: &Tensor, b: Columns, transposed: bool) -> Tensor {
    let (m, n) = (a.nrows(), a.ncols());
    let k = b.nrows();
    let flip = |t: Tensor, flipped: bool| if flipped { t.transpose() } else { t };
    if k <= SKINNY {
        return flip(skinny_matmul_tr(a.as_slice(), m, b), transposed);
    }
    if m < SHORT && k >= SHORT {
        // A few rows out (a layer's three classes): the same sums as
        // `(B @ Aᵀ)ᵀ`, whose few columns the skinny kernel computes,
        // where `B` lies whole.
        return match b.dense() {
            Some(b_data) if m <= SKINNY => {
                flip(skinny_matmul_tr(b_data, k, Columns::of(a)), !transposed)
            }
            _ => {
                short_wide_tr(a, b, transposed).unwrap_or_else(|| short_matmul_tr(a, b, transposed))
            }
        };
    }
    flip(blocked_tr(a.as_slice(), m, n, b), transposed)
}

fn blocked_tr(a_data: &[f64], m: usize, n: usize, b: Columns) -> Tensor {
    let k = b.nrows();
    let mut c = Tensor::zeros(m, k);
    let cols: Vec<&[f64]> = (0..n).map(|j| b.col(j)).collect();
    // A block of A's columns that stays in the L1 cache while every result
    // column takes its share of it, so A is read from memory once, not once
    // per result column. Each element is still summed in order of j: the
    // blocks follow one another.
    let block = (L1_BYTES / 8 / m.max(1)).max(4) / 4 * 4;
    let mut scales = vec![0.0; block];
    for j0 in (0..n).step_by(block) {
        let j1 = (j0 + block).min(n);
        let a_block = &a_data[j0 * m..j1 * m];
        for (p, c_col) in c.as_mut_slice().chunks_exact_mut(m.max(1)).enumerate() {
            for (s, col) in scales.iter_mut().zip(&cols[j0..j1]) {
                *s = col[p];
            }
            add_scaled_columns(c_col, a_block, &scales[..j1 - j0]);
        }
    }
    c
}

/// The data cache the blocks of [`matmul_tr_cols`] are sized for (half of
/// a common 32 KB L1, leaving room for the result columns).
const L1_BYTES: usize = 16 * 1024;

#[cfg(test)]
mod tests {
    use super::super::testing::{bits, sequential, wild};
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

    #[test]
    fn short_and_long_results_give_the_bits_of_the_sequential_sum() {
        // `wild` numbers expose any change of order in the last bits; the
        // 3-row shapes take the transposed path.
        for (m, k, n) in [
            (3, 100, 300),
            // Empty matrices: an empty sum is 0.
            (3, 0, 20),
            (0, 5, 20),
            (20, 0, 3),
            // Tall results of `A @ Bᵀ` go through A in blocks of columns.
            (40, 150, 3),
            (100, 300, 50),
            (10, 37, 21),
            // One or two rows past a multiple of four: the last rows of
            // two columns paired in one vector (and a short last group).
            (9, 20, 17),
            (5, 33, 18),
            (6, 8, 23),
            (7, 13, 19),
            (14, 9, 17),
            (2, 9, 40),
            // `A @ Bᵀ` of one to four columns, or rows (taken transposed):
            // the skinny kernel, its blocks of rows and their remainders.
            (100, 300, 2),
            (13, 50, 4),
            (17, 31, 1),
            (4, 33, 17),
            (1, 40, 16),
            (100, 2, 300),
            (8, 8, 8),
            (1, 5, 1),
        ] {
            let (a, b) = (wild(m, k, 1), wild(k, n, 2));
            let want = sequential(&a, &b);
            assert_eq!(bits(&matmul(&a, &b)), bits(&want), "{m}×{k} @ {k}×{n}");
            assert_eq!(bits(&matmul_tr(&a, &b.transpose())), bits(&want));
            // `Aᵀ` read in place by the narrow kernel (up to 12 rows out).
            assert_eq!(bits(&tr_matmul(&a.transpose(), &b)), bits(&want));
            // Written transposed: every path of `A @ Bᵀ`, the same sums.
            let bt = b.transpose();
            assert_eq!(
                bits(&matmul_tr_cols_transposed(&a, Columns::of(&bt))),
                bits(&want.transpose()),
                "({m}×{k} @ {k}×{n})ᵀ"
            );
        }
    }

    #[test]
    fn selected_columns_give_the_bits_of_their_copy() {
        use super::super::columns::Selection;
        use std::sync::Arc;
        let data = Arc::new(Tensor::from_fn(37, 30, |i, j| {
            ((i * 131 + j * 71) % 97) as f64 * 0.37 - 11.0
        }));
        // A minibatch of 21 samples, one of them twice.
        let pick: Vec<usize> = (0..21).map(|j| (j * 7 + 3) % 30).chain([4]).collect();
        let pick: Arc<[usize]> = Arc::from(pick);
        let batch = Selection::new(data, pick.clone()).expect("in range");
        let copy = batch.gather();
        let bits = |t: &Tensor| t.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        // Samples of three features: a weight gradient of three columns.
        let few = Arc::new(Tensor::from_fn(3, 30, |i, j| {
            (i * 7 + j) as f64 / 9.0 - 1.0
        }));
        let few = Selection::new(few, pick).expect("in range");
        let few_copy = few.gather();
        for m in [3, 10, 40] {
            let w = Tensor::from_fn(m, 37, |i, p| 1.0 / (i as f64 + p as f64 + 0.7));
            let g = Tensor::from_fn(m, 22, |i, j| (i as f64 - j as f64) * 0.13);
            assert_eq!(
                bits(&matmul_cols(&w, Columns::picked(&batch))),
                bits(&sequential(&w, &copy))
            );
            assert_eq!(
                bits(&matmul_tr_cols(&g, Columns::picked(&batch))),
                bits(&sequential(&g, &copy.transpose()))
            );
            assert_eq!(
                bits(&matmul_tr_cols(&g, Columns::picked(&few))),
                bits(&sequential(&g, &few_copy.transpose()))
            );
            // `Wᵀ @ X` and the gradient of `W`, written transposed.
            let wt = w.transpose();
            let then = &mut |_, _: &mut [f64]| {};
            assert_eq!(
                bits(&tr_matmul_cols_then(
                    &wt,
                    Columns::picked(&batch),
                    Vec::new(),
                    then
                )),
                bits(&sequential(&w, &copy))
            );
            assert_eq!(
                bits(&matmul_tr_cols_transposed(&g, Columns::picked(&batch))),
                bits(&sequential(&g, &copy.transpose()).transpose())
            );
        }
    }

    #[test]
    fn both_builds_of_the_short_transposed_product_give_the_sequential_bits() {
        // The AVX-512 kernel where the processor has it, the AVX2 (or
        // portable) one everywhere: each called directly, so that both are
        // tested on any machine that has the first. Whole blocks of sixteen
        // rows of B, remainders, and rows of A split in two blocks (14, 15).
        use super::super::short::short_matmul_tr;
        use super::super::short_wide::short_wide_tr;
        let bits = |t: &Tensor| t.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for (m, k, n) in [
            (10, 784, 22),
            (1, 16, 3),
            (3, 21, 40),
            (14, 37, 9),
            (15, 48, 1),
        ] {
            let a = Tensor::from_fn(m, n, |i, j| ((i * 7 + j * 3) % 11) as f64 * 1e5 - 0.37);
            let b = Tensor::from_fn(k, n, |p, j| ((p * 5 + j) % 13) as f64 * 1e-3 - 0.051);
            let want = sequential(&a, &b.transpose());
            for transposed in [false, true] {
                let want = if transposed {
                    want.transpose()
                } else {
                    want.clone()
                };
                let short = short_matmul_tr(&a, Columns::of(&b), transposed);
                assert_eq!(bits(&short), bits(&want), "{m}×{n} @ ({k}×{n})ᵀ");
                if let Some(wide) = short_wide_tr(&a, Columns::of(&b), transposed) {
                    assert_eq!(bits(&wide), bits(&want), "{m}×{n} @ ({k}×{n})ᵀ, AVX-512");
                }
            }
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
