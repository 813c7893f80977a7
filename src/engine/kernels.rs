//! Matrix products and broadcasting written as plain loops with a fixed
//! summation order. nalgebra's own product hands large matrices to a SIMD
//! kernel chosen at run time (FMA on some processors, not on others), which
//! would let a projected lecture and a student's laptop disagree in the last
//! digits; these loops give the same bits everywhere and let the compiler
//! vectorize the inner, contiguous loop.

use super::tensor::{Shape, Tensor};

/// `A @ B`, column-major: each column of the result is a sum of scaled
/// columns of `A`, accumulated in order of `p`.
pub fn matmul(a: &Tensor, b: &Tensor) -> Tensor {
    let (m, k) = (a.nrows(), a.ncols());
    let n = b.ncols();
    let mut c = Tensor::zeros(m, n);
    matmul_into(a, b, &mut c, k);
    c
}

fn matmul_into(a: &Tensor, b: &Tensor, c: &mut Tensor, k: usize) {
    let m = a.nrows();
    let a_data = a.as_slice();
    let b_data = b.as_slice();
    let c_data = c.as_mut_slice();
    for (j, c_col) in c_data.chunks_exact_mut(m.max(1)).enumerate() {
        for p in 0..k {
            let scale = b_data[p + j * k];
            if scale == 0.0 {
                continue;
            }
            let a_col = &a_data[p * m..(p + 1) * m];
            for (ci, ai) in c_col.iter_mut().zip(a_col) {
                *ci += ai * scale;
            }
        }
    }
}

/// `Aᵀ @ B` without copying the transpose: dot products of columns.
pub fn tr_matmul(a: &Tensor, b: &Tensor) -> Tensor {
    let (m, k) = (a.nrows(), a.ncols());
    let n = b.ncols();
    let a_data = a.as_slice();
    let b_data = b.as_slice();
    Tensor::from_fn(k, n, |p, j| {
        let a_col = &a_data[p * m..(p + 1) * m];
        let b_col = &b_data[j * m..(j + 1) * m];
        a_col.iter().zip(b_col).fold(0.0, |acc, (x, y)| acc + x * y)
    })
}

/// `A @ Bᵀ` without copying the transpose.
pub fn matmul_tr(a: &Tensor, b: &Tensor) -> Tensor {
    let (m, n) = (a.nrows(), a.ncols());
    let k = b.nrows();
    let mut c = Tensor::zeros(m, k);
    let a_data = a.as_slice();
    let b_data = b.as_slice();
    let c_data = c.as_mut_slice();
    for j in 0..n {
        let a_col = &a_data[j * m..(j + 1) * m];
        for p in 0..k {
            let scale = b_data[p + j * k];
            if scale == 0.0 {
                continue;
            }
            let c_col = &mut c_data[p * m..(p + 1) * m];
            for (ci, ai) in c_col.iter_mut().zip(a_col) {
                *ci += ai * scale;
            }
        }
    }
    c
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
    let (sa, sb) = (a.shape(), b.shape());
    if sa == out && sb == out {
        let data: Vec<f64> = a.iter().zip(b.iter()).map(|(&x, &y)| f(x, y)).collect();
        return Tensor::from_vec(out.0, out.1, data);
    }
    Tensor::from_fn(out.0, out.1, |i, j| {
        f(a[source_index(sa, i, j)], b[source_index(sb, i, j)])
    })
}

/// Sums a gradient of the broadcast shape back down to an operand's shape.
pub fn reduce_to(grad: Tensor, s: Shape) -> Tensor {
    if grad.shape() == s {
        return grad;
    }
    let mut out = Tensor::zeros(s.0, s.1);
    for j in 0..grad.ncols() {
        for i in 0..grad.nrows() {
            out[source_index(s, i, j)] += grad[(i, j)];
        }
    }
    out
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

    #[test]
    fn broadcasting_rules() {
        assert_eq!(broadcast_shape((3, 1), (1, 4)), Some((3, 4)));
        assert_eq!(broadcast_shape((3, 4), (1, 1)), Some((3, 4)));
        assert_eq!(broadcast_shape((3, 4), (4, 1)), None);
        let g = Tensor::from_element(3, 4, 1.0);
        assert_eq!(reduce_to(g, (1, 4)), Tensor::from_element(1, 4, 3.0));
    }
}
