//! Tensors are nalgebra matrices of `f64`: a scalar is 1×1, a vector a column.

use nalgebra::DMatrix;

pub type Tensor = DMatrix<f64>;

/// (rows, columns)
pub type Shape = (usize, usize);

pub fn shape(t: &Tensor) -> Shape {
    (t.nrows(), t.ncols())
}

pub fn scalar(value: f64) -> Tensor {
    Tensor::from_element(1, 1, value)
}

pub fn is_scalar(t: &Tensor) -> bool {
    t.nrows() == 1 && t.ncols() == 1
}

/// `3×4`, the way shapes are written in messages.
pub fn shape_str(s: Shape) -> String {
    format!("{}×{}", s.0, s.1)
}

/// Builds a tensor from rows (each inner vector one row).
pub fn from_rows(rows: &[Vec<f64>]) -> Tensor {
    let nrows = rows.len();
    let ncols = rows.first().map_or(0, Vec::len);
    Tensor::from_fn(nrows, ncols, |i, j| rows[i][j])
}

/// The rows of a tensor, for export and display.
pub fn to_rows(t: &Tensor) -> Vec<Vec<f64>> {
    (0..t.nrows())
        .map(|i| (0..t.ncols()).map(|j| t[(i, j)]).collect())
        .collect()
}
