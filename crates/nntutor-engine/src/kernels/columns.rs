//! The right operand of a product, read where it lies: a matrix's own
//! columns, or a selection of another matrix's columns (a minibatch of
//! samples), so that choosing samples copies nothing.

use std::sync::Arc;

use crate::tensor::Tensor;

/// Columns `pick[0], pick[1], …` of a matrix, or all of them in order.
#[derive(Clone, Copy)]
pub struct Columns<'a> {
    data: &'a [f64],
    rows: usize,
    cols: usize,
    pick: Option<&'a [usize]>,
}

impl<'a> Columns<'a> {
    /// Every column of `t`, in order.
    pub fn of(t: &'a Tensor) -> Self {
        Columns {
            data: t.as_slice(),
            rows: t.nrows(),
            cols: t.ncols(),
            pick: None,
        }
    }

    /// The columns of a [`Selection`].
    pub fn picked(s: &'a Selection) -> Self {
        Columns {
            data: s.source.as_slice(),
            rows: s.source.nrows(),
            cols: s.columns.len(),
            pick: Some(&s.columns),
        }
    }

    pub fn nrows(&self) -> usize {
        self.rows
    }

    pub fn ncols(&self) -> usize {
        self.cols
    }

    /// The whole matrix, column-major, when every column is read in
    /// order (not a selection).
    pub fn dense(&self) -> Option<&'a [f64]> {
        self.pick.is_none().then_some(self.data)
    }

    /// Column `j` of the operand.
    #[inline]
    pub fn col(&self, j: usize) -> &'a [f64] {
        let source = self.pick.map_or(j, |p| p[j]);
        &self.data[source * self.rows..(source + 1) * self.rows]
    }
}

/// Some columns of a matrix, in a chosen order (repeats allowed): a
/// minibatch's samples, shared with the data set rather than copied.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    source: Arc<Tensor>,
    columns: Arc<[usize]>,
}

impl Selection {
    /// `None` if a column is out of range.
    pub fn new(source: Arc<Tensor>, columns: Arc<[usize]>) -> Option<Selection> {
        columns
            .iter()
            .all(|&j| j < source.ncols())
            .then_some(Selection { source, columns })
    }

    pub fn shape(&self) -> (usize, usize) {
        (self.source.nrows(), self.columns.len())
    }

    /// The selected columns as a matrix of their own.
    pub fn gather(&self) -> Tensor {
        let rows = self.source.nrows();
        let view = Columns::picked(self);
        let mut data = Vec::with_capacity(rows * self.columns.len());
        for j in 0..self.columns.len() {
            data.extend_from_slice(view.col(j));
        }
        Tensor::from_vec(rows, self.columns.len(), data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selection_reads_the_chosen_columns_in_its_order() {
        // [1 2 3; 4 5 6], columns 2, 0, 2
        let t = Arc::new(Tensor::from_row_slice(
            2,
            3,
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        ));
        let s = Selection::new(t.clone(), Arc::from(vec![2, 0, 2])).expect("in range");
        assert_eq!(s.shape(), (2, 3));
        assert_eq!(
            s.gather(),
            Tensor::from_row_slice(2, 3, &[3.0, 1.0, 3.0, 6.0, 4.0, 6.0])
        );
        assert_eq!(Columns::picked(&s).col(1), &[1.0, 4.0]);
        assert!(Selection::new(t, Arc::from(vec![3])).is_none());
    }
}
