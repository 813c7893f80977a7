//! How tightly a step is laid out. A step is drawn at the loosest squeeze
//! that fits the screen: on a projector's 100×30 big matrices show fewer
//! sampled rows, large operands are named with their shape, charts get
//! shorter and graphs compact, so that a step's result is on screen without
//! scrolling. The same step on a large terminal keeps every row it had.

use crate::tui::widgets::graph::GraphStyle;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Squeeze {
    /// Rows a single matrix may take, its title included.
    pub matrix_rows: usize,
    /// An operand with more elements, not being walked through, is named
    /// with its shape rather than printed.
    pub operand_limit: usize,
    /// The graph's styles, in order of preference: the first as wide as
    /// the screen or narrower is drawn.
    pub graph: &'static [GraphStyle],
    /// Below a finished backward walk, the gradients as matrices (else
    /// their names: the graph's boxes hold their numbers).
    pub grad_matrices: bool,
    /// Lines of chain-rule links shown for one element.
    pub element_links: usize,
    /// Elements whose update arithmetic is written out, per weight.
    pub update_lines: usize,
    /// Update arithmetic, and a step's bars, in two columns where they fit.
    pub two_columns: bool,
    /// An update shows each weight before it as well as after (else after,
    /// its changed cells marked: the arithmetic above has the old values).
    pub before_matrices: bool,
    /// After a run, the small parameters it changed are printed (else
    /// only what the step asks to show: the curves and regions are the run).
    pub run_values: bool,
    /// Presentation mode's title in big text (else in capitals).
    pub big_title: bool,
    /// Presentation mode's walked element's result in big text.
    pub big_result: bool,
    /// The tallest a chart or a picture may be.
    pub chart_rows: u16,
}

/// Operands above this many elements are named, not printed, at any size.
pub const MAX_SHOWN_OPERAND: usize = 400;

/// A small screen's graphs: compact boxes, or no boxes where those are too
/// wide.
const SMALL: &[GraphStyle] = &[GraphStyle::Compact, GraphStyle::Bare];

impl Squeeze {
    /// The squeezes to try for a body of `rows` rows, loosest first: each
    /// gives up a little more than the one before.
    pub fn levels(rows: u16) -> [Squeeze; 5] {
        let rows = rows as usize;
        let loose = Squeeze {
            matrix_rows: (rows / 2).max(6),
            operand_limit: MAX_SHOWN_OPERAND,
            graph: &[GraphStyle::Boxed, GraphStyle::Compact, GraphStyle::Bare],
            grad_matrices: true,
            element_links: 6,
            update_lines: 8,
            two_columns: false,
            before_matrices: true,
            run_values: true,
            big_title: true,
            big_result: true,
            chart_rows: u16::MAX,
        };
        // Fewer rows of each matrix, compact graphs, text in columns; what
        // a run's curves and regions show is not printed again.
        let shorter = Squeeze {
            matrix_rows: (rows / 3).max(6),
            run_values: false,
            graph: SMALL,
            element_links: 4,
            update_lines: 6,
            two_columns: true,
            chart_rows: 12,
            ..loose
        };
        // Matrices a few rows tall; presentation titles in capitals.
        let few_rows = Squeeze {
            matrix_rows: 6,
            big_title: false,
            chart_rows: 10,
            ..shorter
        };
        // Big operands named by shape, gradients by name.
        let named = Squeeze {
            operand_limit: 64,
            grad_matrices: false,
            element_links: 3,
            update_lines: 4,
            ..few_rows
        };
        let tightest = Squeeze {
            matrix_rows: 5,
            operand_limit: 24,
            element_links: 2,
            update_lines: 3,
            before_matrices: false,
            big_result: false,
            chart_rows: 8,
            ..named
        };
        [loose, shorter, few_rows, named, tightest]
    }
}
