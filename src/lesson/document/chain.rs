//! The chain rule at one node of a backward pass, in the lecture's words:
//! for each input x of a node q on the way back from the loss L,
//! `∂L/∂x = ∂q/∂x · ∂L/∂q = 1 × -4 = -4`, the local gradient times the
//! upstream one, its numbers written so that the product adds up. Every
//! output writes it from here.

use crate::engine::Tensor;
use crate::engine::explain::Piece;
use crate::engine::graph::{Graph, NodeId, NodeKind};
use crate::lesson::format::arithmetic_pieces;

/// One input's share of a node's gradient.
pub struct Link {
    pub input: NodeId,
    /// ∂L/∂x through this node: local × upstream.
    pub contribution: Tensor,
    /// For single numbers: the local gradient, the upstream gradient and
    /// their product, written to add up.
    pub numbers: Option<[String; 3]>,
    /// Whether the input feeds other operands too (`x * x`, or a value used
    /// twice): this product is then one term of its gradient.
    pub shared: bool,
}

impl Link {
    /// How much of the input's gradient this link's product is.
    pub fn share(&self) -> Share {
        Share {
            terms: 1,
            shared: self.shared,
        }
    }
}

/// The links from `id` (whose gradient is `upstream`) back to its inputs;
/// constants receive nothing and are left out.
pub fn links(g: &Graph, id: NodeId, upstream: &Tensor, digits: usize) -> Vec<Link> {
    let locals = g.local_gradients(id);
    g.contributions(id, upstream)
        .into_iter()
        .zip(locals)
        .filter(|((input, _), _)| !matches!(g.node(*input).kind, NodeKind::Constant))
        .map(|((input, contribution), (_, local))| {
            let numbers = (upstream.len() == 1 && local.len() == 1)
                .then(|| product(local[0], upstream[0], contribution[0], digits));
            Link {
                input,
                contribution,
                numbers,
                shared: consumers(g, input) > 1,
            }
        })
        .collect()
}

/// What one element of a node sends back to one element of an input.
pub struct ElementLink {
    pub input: NodeId,
    /// The input's element (row, column).
    pub element: (usize, usize),
    /// ∂n[i]/∂x[j], ∂L/∂n[i] and their product, written to add up.
    pub numbers: [String; 3],
    /// How many elements of the node send to this input element: its
    /// gradient is the sum of that many such products.
    pub terms: usize,
    /// Whether the input also feeds other nodes: its gradient has terms
    /// from them too.
    pub shared: bool,
}

/// The links from element `at` of node `id` (its gradient `upstream`) to
/// every input element it reaches: the local gradient is that element's
/// row of the node's Jacobian (the backward rule applied to a one-hot
/// upstream), times the element's upstream gradient.
pub fn element_links(
    g: &Graph,
    id: NodeId,
    at: (usize, usize),
    upstream: &Tensor,
    digits: usize,
) -> Vec<ElementLink> {
    let (rows, cols) = g.value(id).shape();
    let mut one = Tensor::zeros(rows, cols);
    one[at] = 1.0;
    let up = upstream[at];
    let mut links = Vec::new();
    for (k, (input, local)) in g.contributions(id, &one).iter().enumerate() {
        if matches!(g.node(*input).kind, NodeKind::Constant) {
            continue;
        }
        for c in 0..local.ncols() {
            for r in 0..local.nrows() {
                let l = local[(r, c)];
                if l != 0.0 {
                    links.push(ElementLink {
                        input: *input,
                        element: (r, c),
                        numbers: product(l, up, l * up, digits),
                        terms: readers(g, id, k, (r, c)),
                        shared: consumers(g, *input) > 1,
                    });
                }
            }
        }
    }
    links.sort_by_key(|l| (l.input.0, l.element.0, l.element.1));
    links
}

/// The gradient of a value that several operands use, as the sum of what
/// each use sent back, written to add up: `∂k/∂a = 1 + -4 = -3, a term from
/// each of its 2 uses`. For a vector or matrix of up to `MAX_ELEMENT_STOPS`
/// elements, one line per element that received two terms or more (named
/// by `name_of`). Nothing for a value used once. The terms are in the order
/// the backward pass added them.
pub fn gathered(
    g: &Graph,
    grads: &[Option<Tensor>],
    id: NodeId,
    target: &str,
    name_of: &dyn Fn((usize, usize)) -> String,
    digits: usize,
) -> Vec<String> {
    let Some(total) = grads.get(id.0).and_then(Option::as_ref) else {
        return Vec::new();
    };
    if total.len() > super::walk::MAX_ELEMENT_STOPS {
        return Vec::new();
    }
    let mut uses: Vec<Tensor> = Vec::new();
    for c in (id.0 + 1..grads.len()).rev() {
        let Some(upstream) = &grads[c] else { continue };
        for (input, contribution) in g.contributions(NodeId(c), upstream) {
            if input == id && contribution.shape() == total.shape() {
                uses.push(contribution);
            }
        }
    }
    if uses.len() < 2 {
        return Vec::new();
    }
    let (rows, cols) = total.shape();
    let mut lines = Vec::new();
    for j in 0..cols {
        for i in 0..rows {
            let terms: Vec<f64> = uses.iter().map(|u| u[(i, j)]).collect();
            let scalar = total.len() == 1;
            if !scalar && terms.iter().filter(|t| **t != 0.0).count() < 2 {
                continue;
            }
            let sum = written_sum(&terms, total[(i, j)], digits);
            let name = name_of((i, j));
            let tail = if scalar {
                format!(", a term from each of its {} uses", uses.len())
            } else {
                String::new()
            };
            lines.push(format!("∂{target}/∂{name} = {sum}{tail}"));
        }
    }
    lines
}

/// `1 + -4 = -3`, its numbers written so that the sum adds up.
fn written_sum(terms: &[f64], total: f64, digits: usize) -> String {
    let mut pieces = Vec::new();
    for (k, &t) in terms.iter().enumerate() {
        if k > 0 {
            pieces.push(Piece::Text(" + ".into()));
        }
        pieces.push(Piece::Num { group: k, value: t });
    }
    pieces.push(Piece::Text(" = ".into()));
    pieces.push(Piece::Num {
        group: usize::MAX,
        value: total,
    });
    arithmetic_pieces(&pieces, digits).concat()
}

/// How many times nodes of the graph use `input` as an operand.
fn consumers(g: &Graph, input: NodeId) -> usize {
    g.nodes
        .iter()
        .map(|n| n.inputs.iter().filter(|&&i| i == input).count())
        .sum()
}

/// How many elements of node `id` read element `cell` of its operand `k`:
/// the terms of that operand element's gradient through this node.
fn readers(g: &Graph, id: NodeId, k: usize, cell: (usize, usize)) -> usize {
    let node = g.node(id);
    let NodeKind::Op(op) = node.kind else {
        return 1;
    };
    let operands: Vec<&Tensor> = node.inputs.iter().map(|&i| g.value(i)).collect();
    let (rows, cols) = g.value(id).shape();
    (0..rows)
        .flat_map(|r| (0..cols).map(move |c| (r, c)))
        .filter(|&(r, c)| {
            op.operand_cells(&operands, r, c)
                .get(k)
                .is_some_and(|cells| cells.contains(&cell))
        })
        .count()
        .max(1)
}

/// One element's link in the lecture's words: `∂L/∂W[0, 1] = ∂s[0]/∂W[0, 1]
/// · ∂L/∂s[0] = 3 × -1 = -3`, or, for an input element that gets several
/// such terms, `∂s[0]/∂x[1] · ∂L/∂s[0] = -2 × -1 = 2, 1 of 2 terms of
/// ∂L/∂x[1]`.
pub fn element_sentence(
    target: &str,
    node: &str,
    input: &str,
    link: &ElementLink,
) -> Vec<(String, Role)> {
    let share = Share {
        terms: link.terms,
        shared: link.shared,
    };
    link_sentence(target, node, input, &link.numbers, share)
}

/// How much of an input's gradient one product is: all of it, one of
/// `terms` products through this node, or (the input feeding other nodes
/// too) one term among others.
#[derive(Debug, Clone, Copy)]
pub struct Share {
    pub terms: usize,
    pub shared: bool,
}

/// `local × upstream = product`, the factors with the digits the product
/// needs to add up.
fn product(local: f64, upstream: f64, product: f64, digits: usize) -> [String; 3] {
    let pieces = [
        Piece::Num {
            group: 0,
            value: local,
        },
        Piece::Text(" × ".into()),
        Piece::Num {
            group: 1,
            value: upstream,
        },
        Piece::Text(" = ".into()),
        Piece::Num {
            group: usize::MAX,
            value: product,
        },
    ];
    let t = arithmetic_pieces(&pieces, digits);
    [t[0].clone(), t[2].clone(), t[4].clone()]
}

/// What a part of the sentence is, for an output that styles them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Role {
    Words,
    Local,
    Upstream,
    Product,
}

/// `∂L/∂x = ∂q/∂x · ∂L/∂q = 1 × -4 = -4` for the loss `target`, the node
/// `node` and its input `input`, as parts.
pub fn sentence(
    target: &str,
    node: &str,
    input: &str,
    [local, upstream, product]: &[String; 3],
) -> Vec<(String, Role)> {
    vec![
        (
            format!("∂{target}/∂{input} = ∂{node}/∂{input} · ∂{target}/∂{node} = "),
            Role::Words,
        ),
        (local.clone(), Role::Local),
        (" × ".into(), Role::Words),
        (upstream.clone(), Role::Upstream),
        (" = ".into(), Role::Words),
        (product.clone(), Role::Product),
    ]
}

/// A link's sentence: the chain rule when the product is the input's
/// whole gradient, else the term it adds: `∂q/∂x · ∂f/∂q = 3 × 1 = 3, a
/// term of ∂f/∂x`.
pub fn link_sentence(
    target: &str,
    node: &str,
    input: &str,
    numbers: &[String; 3],
    share: Share,
) -> Vec<(String, Role)> {
    let mut parts = sentence(target, node, input, numbers);
    let tail = match (share.terms, share.shared) {
        (1, false) => return parts,
        (n, false) => format!(", 1 of {n} terms of ∂{target}/∂{input}"),
        (_, true) => format!(", a term of ∂{target}/∂{input}"),
    };
    parts[0].0 = format!("∂{node}/∂{input} · ∂{target}/∂{node} = ");
    parts.push((tail, Role::Words));
    parts
}

/// Parts as plain text.
pub fn text(parts: Vec<(String, Role)>) -> String {
    parts.into_iter().map(|(s, _)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_rule_reads_as_the_lecture_writes_it() {
        let n = ["1".to_string(), "-4".to_string(), "-4".to_string()];
        assert_eq!(
            text(sentence("f", "q", "x", &n)),
            "∂f/∂x = ∂q/∂x · ∂f/∂q = 1 × -4 = -4"
        );
    }

    #[test]
    fn the_factors_get_the_digits_the_product_needs() {
        // -2 × 0.197 = -0.394: at two decimals, -2.00 × 0.20 would read -0.40.
        let [a, b, c] = product(-2.0, 0.197, -0.394, 2);
        assert_eq!(c, "-0.39");
        let by_hand: f64 = a.parse::<f64>().unwrap_or(0.0) * b.parse::<f64>().unwrap_or(0.0);
        assert!((by_hand - -0.39).abs() <= 0.005, "{a} × {b} = {c}");
    }
}
