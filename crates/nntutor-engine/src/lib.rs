//! The pure mathematics of nntutor: tensors, the expression language, a graph
//! arena with forward values, reverse-mode differentiation, finite differences
//! and `explain` (the numbers substituted into one element's formula).
//!
//! Nothing here does I/O or knows about lessons, TOML or terminals, so the
//! engine could be published as its own crate. Transcendental functions come
//! from `libm` and matrix products from our own fixed-order loops, so that the
//! same inputs give bit-identical numbers on every machine and build.

pub mod budget;
pub mod datasets;
pub mod error;
pub mod explain;
pub mod expr;
pub mod graph;
pub mod kernels;
pub mod matmul;
pub mod numerics;
pub mod ops;
pub mod parse;
pub mod rng;
pub mod sources;
pub mod tensor;

pub use budget::Budget;
pub use error::{EngineError, ErrorKind};
pub use expr::{Expr, ExprKind, Span, Statement};
pub use graph::{Binding, Derivative, Graph, NodeId, NodeKind, Scope};
pub use tensor::{Shape, Tensor};

/// The largest tensor any operation may create (ten million elements, 80 MB).
pub const MAX_ELEMENTS: usize = 10_000_000;
