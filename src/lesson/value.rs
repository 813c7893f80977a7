//! A named tensor as the lesson shows it: numbers plus row and column names.

use crate::engine::Tensor;

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub data: std::sync::Arc<Tensor>,
    pub rows: Option<Vec<String>>,
    pub cols: Option<Vec<String>>,
    /// Class indices (`kind = "labels"`), shown as integers.
    pub labels: bool,
    /// The names of the classes its elements index (an argmax over named
    /// rows): `1` reads `1 (dog)`.
    pub classes: Option<Vec<String>>,
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
            classes: None,
            written: 0,
        }
    }

    /// Element (i, j) as shown with `decimals`: a class index with its
    /// class's name, `1 (dog)`.
    pub fn cell(&self, (i, j): (usize, usize), decimals: usize) -> String {
        let x = self.data[(i, j)];
        let text = crate::lesson::number::at_least_visible(x, decimals);
        let name = self
            .classes
            .as_ref()
            .filter(|_| x >= 0.0 && x.fract() == 0.0)
            .and_then(|names| names.get(x as usize));
        match name {
            Some(name) => format!("{text} ({name})"),
            None => text,
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
