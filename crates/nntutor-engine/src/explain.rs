//! `explain`: one element of a result written out with the numbers
//! substituted into its formula, e.g. for `W @ x + b` at row 0:
//! `(0.2 × 56) + (-0.5 × 231) + (0.1 × 24) + (2.0 × 2) + 1.1 = -96.8`.
//!
//! Named values appear as numbers; element-wise operations are written
//! inline; one level of reduction (a matrix product, a sum, a softmax) is
//! written out term by term, deeper ones appear as their values.

use super::graph::{Graph, NodeId, NodeKind};
use super::kernels::source_index;
use super::ops::Family;
use super::tensor::Tensor;

/// Reductions longer than this show their first terms and a count.
pub(crate) const MAX_TERMS: usize = 8;
const MAX_DEPTH: usize = 12;

/// One piece of written-out arithmetic. Numbers are left to the caller to
/// write, so that how many digits they show is a matter of presentation.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    /// A number, to be written with as many decimals as the other numbers
    /// of its group (the same operand) need.
    Num {
        group: usize,
        value: f64,
    },
}

#[derive(Clone, Copy, PartialEq, PartialOrd)]
pub(crate) enum Prec {
    Sum,
    Product,
    Power,
    Atom,
}

pub(crate) struct Written {
    pub pieces: Vec<Piece>,
    pub prec: Prec,
    pub negative_number: bool,
}

impl Written {
    pub fn number(group: usize, value: f64) -> Written {
        Written {
            pieces: vec![Piece::Num { group, value }],
            prec: Prec::Atom,
            negative_number: value < 0.0 || value == f64::NEG_INFINITY,
        }
    }

    pub fn text(prec: Prec, parts: Vec<Vec<Piece>>) -> Written {
        Written {
            pieces: parts.into_iter().flatten().collect(),
            prec,
            negative_number: false,
        }
    }

    /// The pieces, in parentheses if they bind looser than `need`.
    pub fn at_least(self, need: Prec) -> Vec<Piece> {
        if self.prec < need {
            paren(self.pieces)
        } else {
            self.pieces
        }
    }

    /// As an operand of `+` or `-`, where a product reads better in
    /// parentheses: `-2 + (-1 × -3)`, as the slides write an update.
    pub fn in_sum(self) -> Vec<Piece> {
        if self.prec == Prec::Product {
            paren(self.pieces)
        } else {
            self.at_least(Prec::Sum)
        }
    }

    /// As the right operand of `+` or `-`: `2.2 - (-3.1)`.
    pub fn after_sign(self, need: Prec) -> Vec<Piece> {
        if self.negative_number {
            paren(self.pieces)
        } else {
            self.at_least(need)
        }
    }
}

pub(crate) fn paren(mut p: Vec<Piece>) -> Vec<Piece> {
    p.insert(0, Piece::Text("(".into()));
    p.push(Piece::Text(")".into()));
    p
}

pub(crate) fn t(s: &str) -> Vec<Piece> {
    vec![Piece::Text(s.to_string())]
}

/// The arithmetic of element (i, j) of `node`, ending in `= value` (the
/// result's own group is `usize::MAX`).
pub fn explain(graph: &Graph, node: NodeId, i: usize, j: usize) -> Vec<Piece> {
    let w = write(graph, node, i, j, true, 0, true);
    let mut pieces = w.pieces;
    pieces.push(Piece::Text(" = ".into()));
    pieces.push(Piece::Num {
        group: usize::MAX,
        value: graph.value(node)[(i, j)],
    });
    pieces
}

/// Where an operation's explanation is being written: element (i, j) of
/// a node, whether reductions are written out term by term here, and how
/// deep the writing is.
pub(crate) struct At<'a> {
    pub g: &'a Graph,
    pub id: NodeId,
    pub i: usize,
    pub j: usize,
    pub expand: bool,
    depth: usize,
}

impl At<'_> {
    /// Whether this is the element being explained itself, not an operand
    /// inside it (its line may then show a step before the result).
    pub fn at_root(&self) -> bool {
        self.depth == 0
    }

    /// Operand `k`'s node.
    pub fn arg(&self, k: usize) -> NodeId {
        self.g.node(self.id).inputs[k]
    }

    /// Operand `k`'s value.
    pub fn value(&self, k: usize) -> &Tensor {
        self.g.value(self.arg(k))
    }

    /// Element `cell` of operand `k`, written (reductions in it expanded
    /// if `expand`).
    pub fn sub(&self, k: usize, (a, b): (usize, usize), expand: bool) -> Written {
        write(self.g, self.arg(k), a, b, expand, self.depth + 1, false)
    }

    /// Operand `k` at this element, broadcast where it repeats.
    pub fn operand(&self, k: usize) -> Written {
        let cell = source_index(self.value(k).shape(), self.i, self.j);
        self.sub(k, cell, self.expand)
    }

    /// The same element of operand `k` (a value passed through).
    pub fn through(&self, k: usize, cell: (usize, usize)) -> Written {
        self.sub(k, cell, self.expand)
    }
}

/// `name(a, b)`.
pub(crate) fn call(name: &str, args: Vec<Written>) -> Written {
    let mut parts = vec![t(name), t("(")];
    for (n, a) in args.into_iter().enumerate() {
        if n > 0 {
            parts.push(t(", "));
        }
        parts.push(a.pieces);
    }
    parts.push(t(")"));
    Written::text(Prec::Atom, parts)
}

fn write(
    g: &Graph,
    id: NodeId,
    i: usize,
    j: usize,
    expand: bool,
    depth: usize,
    root: bool,
) -> Written {
    let node = g.node(id);
    let leaf = Written::number(id.0, node.value()[(i, j)]);
    let op = match node.kind {
        NodeKind::Op(op) if depth < MAX_DEPTH && (root || node.name.is_none()) => op,
        _ => return leaf,
    };
    let def = op.def();
    // One level of reduction is written out; deeper ones are values.
    if def.family == Family::Reduction && !expand {
        return leaf;
    }
    let at = At {
        g,
        id,
        i,
        j,
        expand,
        depth,
    };
    (def.explain)(op, &at).unwrap_or(leaf)
}

/// `a + b + c`; long sums keep their first terms: `a + b + … (784 terms)`.
pub(crate) fn sum_of(terms: Vec<Written>, term_prec: Prec) -> Written {
    let n = terms.len();
    if n == 1 {
        return terms
            .into_iter()
            .next()
            .unwrap_or_else(|| Written::text(Prec::Atom, vec![]));
    }
    let mut parts = Vec::new();
    for (k, w) in terms.into_iter().take(MAX_TERMS).enumerate() {
        if k > 0 {
            parts.push(t(" + "));
            parts.push(w.after_sign(term_prec));
        } else {
            parts.push(w.at_least(term_prec));
        }
    }
    if n > MAX_TERMS {
        parts.push(t(&format!(" + … ({n} terms)")));
    }
    Written::text(Prec::Sum, parts)
}

pub(crate) fn truncate(terms: Vec<Written>) -> Vec<Written> {
    let n = terms.len();
    let mut kept: Vec<Written> = terms.into_iter().take(MAX_TERMS).collect();
    if n > MAX_TERMS {
        kept.push(Written::text(
            Prec::Atom,
            vec![t(&format!("… ({n} values)"))],
        ));
    }
    kept
}
