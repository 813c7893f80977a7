//! The operation `A @ B`: its shape check, forward product and backward
//! rule, with `B` given as columns so that a minibatch's samples are read
//! where they lie in the data set.

use super::kernels::{Columns, matmul_cols, matmul_tr_cols, tr_matmul};
use super::numerics::check_size;
use super::tensor::{Tensor, shape_str};

/// `A @ B`, or why the shapes do not fit.
pub fn matmul_checked(a: &Tensor, b: Columns) -> Result<Tensor, String> {
    if a.ncols() != b.nrows() {
        return Err(format!(
            "`@` needs the columns of the left operand to match the rows of the right: {} @ {}",
            shape_str(a.shape()),
            shape_str((b.nrows(), b.ncols()))
        ));
    }
    check_size(a.nrows(), b.ncols())?;
    Ok(matmul_cols(a, b))
}

/// d(AB) for the inputs `need` asks for: dA = G Bᵀ, dB = Aᵀ G.
pub fn matmul_grads_columns(
    a: &Tensor,
    b: Columns,
    g: &Tensor,
    need: &[bool],
) -> Vec<Option<Tensor>> {
    let wanted = |k: usize| need.get(k).copied().unwrap_or(true);
    vec![
        wanted(0).then(|| matmul_tr_cols(g, b)),
        wanted(1).then(|| tr_matmul(a, g)),
    ]
}
