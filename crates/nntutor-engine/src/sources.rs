//! Which elements of the named inputs one result element is computed from:
//! the row of `W` and the column of `x` behind `s[i]`, so that the interface
//! can highlight them while the learner walks through a result.
//!
//! This follows the structure of each operation, not its derivative: a pixel
//! that happens to be 0 still takes part in `W @ x`.

use std::collections::{BTreeMap, BTreeSet};

use super::graph::{Graph, NodeId, NodeKind};
use super::tensor::Tensor;

/// Element positions `(row, column)` of one tensor.
pub type Cells = BTreeSet<(usize, usize)>;

/// Tracing stops adding cells past this many per node: a 784-pixel image
/// row is highlighted whole, a 100 000-element reduction is not tracked.
const MAX_CELLS: usize = 4096;

/// For element (i, j) of `root`: the cells of every named value it reads,
/// by name (inputs, and derived values the graph computes on the way).
pub fn element_sources(graph: &Graph, root: NodeId, i: usize, j: usize) -> BTreeMap<String, Cells> {
    let mut wanted: Vec<Cells> = vec![Cells::new(); graph.nodes.len()];
    let root_value = graph.value(root);
    if i >= root_value.nrows() || j >= root_value.ncols() {
        return BTreeMap::new();
    }
    wanted[root.0].insert((i, j));
    let mut out: BTreeMap<String, Cells> = BTreeMap::new();
    for k in (0..=root.0).rev() {
        if wanted[k].is_empty() {
            continue;
        }
        let cells = std::mem::take(&mut wanted[k]);
        let node = &graph.nodes[k];
        if let Some(name) = node_name(graph, NodeId(k))
            && k != root.0
        {
            out.entry(name).or_default().extend(cells.iter().copied());
        }
        let NodeKind::Op(op) = node.kind else {
            wanted[k] = cells;
            continue;
        };
        let inputs: Vec<&Tensor> = node.inputs.iter().map(|&n| graph.value(n)).collect();
        for &(r, c) in &cells {
            for (slot, found) in op.operand_cells(&inputs, r, c).into_iter().enumerate() {
                let target = &mut wanted[node.inputs[slot].0];
                for cell in found {
                    if target.len() >= MAX_CELLS {
                        break;
                    }
                    target.insert(cell);
                }
            }
        }
        wanted[k] = cells;
    }
    out
}

fn node_name(graph: &Graph, id: NodeId) -> Option<String> {
    let node = graph.node(id);
    match &node.kind {
        NodeKind::Input(name) => Some(name.clone()),
        _ => node.name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Values;
    use crate::parse::parse_expr;

    fn sources(expr: &str, vars: &[(&str, Tensor)], i: usize, j: usize) -> BTreeMap<String, Cells> {
        let scope = Values::of(vars);
        let e = parse_expr(expr).unwrap();
        let (g, root) = Graph::build(&e, &scope, false).unwrap();
        element_sources(&g, root, i, j)
    }

    #[test]
    fn matmul_plus_bias_reads_a_row_a_column_and_one_bias() {
        let w = Tensor::from_row_slice(3, 4, &[0.0; 12]);
        let x = Tensor::from_row_slice(4, 1, &[56.0, 0.0, 24.0, 2.0]);
        let b = Tensor::from_row_slice(3, 1, &[0.0; 3]);
        let s = sources("W @ x + b", &[("W", w), ("x", x), ("b", b)], 1, 0);
        let row1: Cells = (0..4).map(|c| (1, c)).collect();
        let col: Cells = (0..4).map(|r| (r, 0)).collect();
        assert_eq!(s["W"], row1);
        // The zero pixel x[1] still takes part.
        assert_eq!(s["x"], col);
        assert_eq!(s["b"], Cells::from([(1, 0)]));
    }

    #[test]
    fn pick_reads_the_labelled_row_and_scalars_broadcast() {
        let s_mat = Tensor::from_row_slice(3, 3, &[0.0; 9]);
        let y = Tensor::from_row_slice(1, 3, &[0.0, 1.0, 2.0]);
        let out = sources(
            "max(0, S - pick(S, y) + d)",
            &[
                ("S", s_mat),
                ("y", y),
                ("d", Tensor::from_element(1, 1, 1.0)),
            ],
            0,
            2,
        );
        // Element (0, 2) reads S[0, 2] itself and the correct-class score S[2, 2].
        assert_eq!(out["S"], Cells::from([(0, 2), (2, 2)]));
        assert_eq!(out["y"], Cells::from([(0, 2)]));
        assert_eq!(out["d"], Cells::from([(0, 0)]));
    }

    #[test]
    fn column_reductions_and_transposes() {
        let a = Tensor::from_row_slice(2, 3, &[1.0; 6]);
        let out = sources("colsum(A')", &[("A", a)], 0, 1);
        assert_eq!(out["A"], Cells::from([(1, 0), (1, 1), (1, 2)]));
    }
}
