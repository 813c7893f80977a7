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
            }
        })
        .collect()
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

/// The sentence as plain text.
pub fn sentence_text(target: &str, node: &str, input: &str, numbers: &[String; 3]) -> String {
    sentence(target, node, input, numbers)
        .into_iter()
        .map(|(s, _)| s)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_rule_reads_as_the_lecture_writes_it() {
        let n = ["1".to_string(), "-4".to_string(), "-4".to_string()];
        assert_eq!(
            sentence_text("f", "q", "x", &n),
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
