//! Drawing pieces: matrices, the computational graph, text helpers.

pub mod gates;
pub mod graph;
pub mod images;
pub mod lines;
pub mod matrix;
pub mod plane;
pub mod text;
pub mod zero_lines;
