//! `explain`: one element of a result written out with the numbers
//! substituted into its formula, e.g. for `W @ x + b` at row 0:
//! `(0.2 × 56) + (-0.5 × 231) + (0.1 × 24) + (2.0 × 2) + 1.1 = -96.8`.
//!
//! Named values appear as numbers; element-wise operations are written
//! inline; one level of reduction (a matrix product, a sum, a softmax) is
//! written out term by term, deeper ones appear as their values.

use super::graph::{Graph, NodeId, NodeKind};
use super::kernels::source_index;
use super::ops::Op;

/// Reductions longer than this show their first terms and a count.
const MAX_TERMS: usize = 8;
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
enum Prec {
    Sum,
    Product,
    Power,
    Atom,
}

struct Written {
    pieces: Vec<Piece>,
    prec: Prec,
    negative_number: bool,
}

impl Written {
    fn number(group: usize, value: f64) -> Written {
        Written {
            pieces: vec![Piece::Num { group, value }],
            prec: Prec::Atom,
            negative_number: value < 0.0 || value == f64::NEG_INFINITY,
        }
    }

    fn text(prec: Prec, parts: Vec<Vec<Piece>>) -> Written {
        Written {
            pieces: parts.into_iter().flatten().collect(),
            prec,
            negative_number: false,
        }
    }

    /// The pieces, in parentheses if they bind looser than `need`.
    fn at_least(self, need: Prec) -> Vec<Piece> {
        if self.prec < need {
            paren(self.pieces)
        } else {
            self.pieces
        }
    }

    /// As an operand of `+` or `-`, where a product reads better in
    /// parentheses: `-2 + (-1 × -3)`, as the slides write an update.
    fn in_sum(self) -> Vec<Piece> {
        if self.prec == Prec::Product {
            paren(self.pieces)
        } else {
            self.at_least(Prec::Sum)
        }
    }

    /// As the right operand of `+` or `-`: `2.2 - (-3.1)`.
    fn after_sign(self, need: Prec) -> Vec<Piece> {
        if self.negative_number {
            paren(self.pieces)
        } else {
            self.at_least(need)
        }
    }
}

fn paren(mut p: Vec<Piece>) -> Vec<Piece> {
    p.insert(0, Piece::Text("(".into()));
    p.push(Piece::Text(")".into()));
    p
}

fn t(s: &str) -> Vec<Piece> {
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

fn write(
    g: &Graph,
    id: NodeId,
    i: usize,
    j: usize,
    expand_reductions: bool,
    depth: usize,
    root: bool,
) -> Written {
    let node = g.node(id);
    let leaf = Written::number(id.0, node.value()[(i, j)]);
    let op = match node.kind {
        NodeKind::Op(op) if depth < MAX_DEPTH && (root || node.name.is_none()) => op,
        _ => return leaf,
    };
    let arg = |k: usize| node.inputs[k];
    let at = |k: usize| {
        let s = g.value(arg(k)).shape();
        source_index(s, i, j)
    };
    let sub = |k: usize, (a, b): (usize, usize), expand: bool| {
        write(g, arg(k), a, b, expand, depth + 1, false)
    };
    let func = |name: &str, args: Vec<Written>| {
        let mut parts = vec![t(name), t("(")];
        for (n, a) in args.into_iter().enumerate() {
            if n > 0 {
                parts.push(t(", "));
            }
            parts.push(a.pieces);
        }
        parts.push(t(")"));
        Written::text(Prec::Atom, parts)
    };
    let binary = |k: usize| sub(k, at(k), expand_reductions);
    match op {
        Op::Identity => sub(0, (i, j), expand_reductions),
        Op::Add => Written::text(
            Prec::Sum,
            vec![
                binary(0).in_sum(),
                t(" + "),
                binary(1).after_sign(Prec::Power),
            ],
        ),
        Op::Sub => Written::text(
            Prec::Sum,
            vec![
                binary(0).in_sum(),
                t(" - "),
                binary(1).after_sign(Prec::Power),
            ],
        ),
        Op::Mul => Written::text(
            Prec::Product,
            vec![
                binary(0).at_least(Prec::Product),
                t(" × "),
                binary(1).at_least(Prec::Product),
            ],
        ),
        Op::Div => Written::text(
            Prec::Product,
            vec![
                binary(0).at_least(Prec::Product),
                t(" / "),
                binary(1).at_least(Prec::Power),
            ],
        ),
        Op::Pow => {
            let base = binary(0);
            let base = if base.negative_number {
                paren(base.pieces)
            } else {
                base.at_least(Prec::Atom)
            };
            Written::text(
                Prec::Power,
                vec![base, t("^"), binary(1).at_least(Prec::Atom)],
            )
        }
        Op::Neg => Written::text(Prec::Product, vec![t("-"), binary(0).at_least(Prec::Atom)]),
        Op::Max | Op::Min | Op::Eq | Op::LeakyRelu | Op::Elu => {
            func(op.symbol(), vec![binary(0), binary(1)])
        }
        Op::Exp | Op::Ln | Op::Log10 | Op::Log2 | Op::Sqrt | Op::Abs | Op::Sigmoid | Op::Tanh => {
            func(op.symbol(), vec![binary(0)])
        }
        Op::Relu => func("max", vec![Written::number(usize::MAX - 1, 0.0), binary(0)]),
        Op::Transpose => sub(0, (j, i), expand_reductions),
        Op::Index { row, col } => sub(0, (row.unwrap_or(i), col.unwrap_or(j)), expand_reductions),
        Op::HCat => {
            let k = g.value(arg(0)).ncols();
            if j < k {
                sub(0, (i, j), expand_reductions)
            } else {
                sub(1, (i, j - k), expand_reductions)
            }
        }
        Op::VCat => {
            let k = g.value(arg(0)).nrows();
            if i < k {
                sub(0, (i, j), expand_reductions)
            } else {
                sub(1, (i - k, j), expand_reductions)
            }
        }
        Op::Pick => {
            let y = g.value(arg(1))[j] as usize;
            sub(0, (y, j), expand_reductions)
        }
        Op::RowPick => {
            let y = g.value(arg(1))[i] as usize;
            sub(0, (i, y), expand_reductions)
        }
        _ if !expand_reductions => leaf,
        Op::MatMul => {
            let k = g.value(arg(0)).ncols();
            let terms: Vec<Written> = (0..k)
                .map(|p| {
                    let (a, b) = (sub(0, (i, p), false), sub(1, (p, j), false));
                    Written::text(
                        Prec::Product,
                        vec![
                            a.at_least(Prec::Product),
                            t(" × "),
                            b.at_least(Prec::Product),
                        ],
                    )
                })
                .collect();
            sum_of(terms, if k == 1 { Prec::Product } else { Prec::Atom })
        }
        Op::Sum
        | Op::Mean
        | Op::ColSum
        | Op::ColMean
        | Op::RowSum
        | Op::RowMean
        | Op::ColMax
        | Op::RowMax => {
            let (r, c) = g.value(arg(0)).shape();
            let cells: Vec<(usize, usize)> = match op {
                Op::Sum | Op::Mean => (0..c).flat_map(|b| (0..r).map(move |a| (a, b))).collect(),
                Op::ColSum | Op::ColMean | Op::ColMax => (0..r).map(|a| (a, j)).collect(),
                _ => (0..c).map(|b| (i, b)).collect(),
            };
            let n = cells.len();
            let terms: Vec<Written> = cells.into_iter().map(|cell| sub(0, cell, false)).collect();
            match op {
                Op::ColMax | Op::RowMax => func("max", truncate(terms)),
                Op::Mean | Op::ColMean | Op::RowMean => {
                    let total = sum_of(terms, Prec::Atom);
                    Written::text(
                        Prec::Product,
                        vec![
                            paren(total.pieces),
                            t(" / "),
                            vec![Piece::Num {
                                group: usize::MAX - 2,
                                value: n as f64,
                            }],
                        ],
                    )
                }
                _ => sum_of(terms, Prec::Atom),
            }
        }
        Op::Softmax | Op::RowSoftmax => {
            let (r, c) = g.value(arg(0)).shape();
            let cells: Vec<(usize, usize)> = if op == Op::Softmax {
                (0..r).map(|a| (a, j)).collect()
            } else {
                (0..c).map(|b| (i, b)).collect()
            };
            let exp = |cell| func("exp", vec![sub(0, cell, false)]);
            let denominator = sum_of(cells.into_iter().map(exp).collect(), Prec::Atom);
            Written::text(
                Prec::Product,
                vec![
                    exp((i, j)).pieces,
                    t(" / "),
                    denominator.at_least(Prec::Atom),
                ],
            )
        }
        _ => leaf,
    }
}

/// `a + b + c`; long sums keep their first terms: `a + b + … (784 terms)`.
fn sum_of(terms: Vec<Written>, term_prec: Prec) -> Written {
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

fn truncate(terms: Vec<Written>) -> Vec<Written> {
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
