//! A named tensor as the lesson shows it: numbers plus row and column names.

use crate::engine::Tensor;

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub data: std::sync::Arc<Tensor>,
    pub rows: Option<Vec<String>>,
    pub cols: Option<Vec<String>>,
    /// Class indices (`kind = "labels"`), shown as integers.
    pub labels: bool,
    /// The decimals it is shown with at least: those its lesson file wrote
    /// (a given shows 1.25347, not 1.2535), or those that tell a changed
    /// value from its old one; 0 for a computed value.
    pub written: usize,
}

impl Value {
    pub fn plain(data: Tensor) -> Value {
        Value {
            data: data.into(),
            rows: None,
            cols: None,
            labels: false,
            written: 0,
        }
    }

    /// The decimals to show it with, at the lesson's precision `digits`:
    /// at least as many as its file wrote.
    pub fn decimals(&self, digits: usize) -> usize {
        digits.max(self.written)
    }

    pub fn shape(&self) -> (usize, usize) {
        self.data.shape()
    }
}
