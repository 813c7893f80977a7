//! A named tensor as the lesson shows it: numbers plus row and column names.

use crate::engine::Tensor;

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub data: std::sync::Arc<Tensor>,
    pub rows: Option<Vec<String>>,
    pub cols: Option<Vec<String>>,
    /// Class indices (`kind = "labels"`), shown as integers.
    pub labels: bool,
}

impl Value {
    pub fn plain(data: Tensor) -> Value {
        Value {
            data: data.into(),
            rows: None,
            cols: None,
            labels: false,
        }
    }

    pub fn shape(&self) -> (usize, usize) {
        self.data.shape()
    }
}
