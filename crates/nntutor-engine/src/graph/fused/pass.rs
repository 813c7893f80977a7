//! A fused step's backward pass, a few columns of its upstream gradient
//! at a time: the closing function's gradient and the biases' sums, on
//! columns while they are in the cache (those of the upstream the pass
//! walks, or those the reader's product has just written). The product's
//! own gradients follow, by the products' kernels. (Summing
//! `G Bᵀ` column by column here too was measured: slower than the blocked
//! kernel, which adds four columns a pass.)

use super::*;
use crate::kernels::{
    BLOCK, matmul, matmul_cols_then, matmul_tr_cols, matmul_tr_cols_transposed, reduce_columns,
    tr_matmul, tr_matmul_then,
};

/// What the pass accumulates, and the operands it reads.
pub(in crate::graph) struct Pass<'a> {
    unary: Option<InPlace>,
    /// `a` is `W` of a product `Wᵀ @ B`.
    transposed: bool,
    /// The step's result (the closing function's gradient reads it).
    y: &'a Tensor,
    a: &'a Tensor,
    b: Columns<'a>,
    need: Vec<bool>,
    /// Each bias's gradient, if wanted.
    sums: Vec<Option<Tensor>>,
    /// The pass of the fused step whose result is the right operand `B`
    /// (read by nothing else), fed `Aᵀ G` as the product writes it; with
    /// that step's place in the plan.
    below: Option<(usize, Box<Pass<'a>>)>,
}

/// The operands' gradients a pass computed for a fused step below the
/// one that ran it, by the step's place in the plan.
pub(in crate::graph) type Below = Vec<(usize, Vec<Option<Tensor>>)>;

impl<'a> Pass<'a> {
    pub(in crate::graph) fn new(
        fusion: &Fusion,
        inputs: &[&'a Node],
        y: &'a Tensor,
        need: &[bool],
        below: Option<(usize, Pass<'a>)>,
    ) -> Pass<'a> {
        let (a, b) = product_operands(inputs);
        let zeros = |(rows, cols): Shape| Tensor::zeros(rows, cols);
        let sums = inputs[2..]
            .iter()
            .zip(&need[2..])
            .map(|(n, &wanted)| wanted.then(|| zeros(n.shape())))
            .collect();
        Pass {
            unary: fusion.unary(),
            transposed: fusion.transposed,
            y,
            a,
            b,
            need: need.to_vec(),
            sums,
            below: below.map(|(id, pass)| (id, Box::new(pass))),
        }
    }

    /// Columns of the upstream from `j` on: the function's gradient
    /// written over them, then each column added to the sums, in order of
    /// `j` as the whole-array operations add them (the same bits).
    pub(in crate::graph) fn columns(&mut self, j: usize, block: &mut [f64]) {
        let rows = self.y.nrows();
        if let Some(f) = self.unary {
            // The gradient reads only the result, which stands for the
            // operand here.
            let y = &self.y.as_slice()[j * rows..j * rows + block.len()];
            (f.gradient)(y, y, block);
        }
        if rows == 0 {
            return;
        }
        let full = self.y.shape();
        for sum in self.sums.iter_mut().flatten() {
            if sum.shape() == full {
                sum.as_mut_slice()[j * rows..j * rows + block.len()].copy_from_slice(block);
                continue;
            }
            reduce_columns(sum, j, block, rows);
        }
    }

    /// The whole upstream, a block of columns at a time as a product
    /// hands them on (nothing to do for a product alone).
    pub(in crate::graph) fn over(&mut self, g: &mut Tensor) {
        let busy = self.unary.is_some() || self.sums.iter().any(Option::is_some);
        let rows = g.nrows();
        if !busy || rows == 0 {
            return;
        }
        let per = (BLOCK / rows).max(1);
        for (k, block) in g.as_mut_slice().chunks_mut(per * rows).enumerate() {
            self.columns(k * per, block);
        }
    }

    /// The operands' gradients from the upstream the pass went over: the
    /// product's two, then the biases'. With a pass below, the right
    /// operand's gradient `Aᵀ G` feeds its columns to it instead, and the
    /// gradients it (and any below it) computed come back beside. The
    /// upstream of the pass below is taken from `spare` and given back
    /// when that pass is done with it.
    pub(in crate::graph) fn finish(
        self,
        g: &Tensor,
        spare: &Spare,
    ) -> (Vec<Option<Tensor>>, Below) {
        // With `Wᵀ @ B`: dW = (G Bᵀ)ᵀ, dB = W G.
        let t = self.transposed;
        let left = self.need[0].then(|| match t {
            false => matmul_tr_cols(g, self.b),
            true => matmul_tr_cols_transposed(g, self.b),
        });
        let mut taken = Vec::new();
        let right = match (self.need[1], self.below) {
            (true, Some((id, mut below))) => {
                let out = spare.take(self.b.nrows() * g.ncols());
                let then = &mut |j, block: &mut [f64]| below.columns(j, block);
                let upstream = match t {
                    false => tr_matmul_then(self.a, g, out, then),
                    true => matmul_cols_then(self.a, Columns::of(g), out, then),
                };
                let (gradients, further) = below.finish(&upstream, spare);
                spare.give(upstream);
                taken.push((id, gradients));
                taken.extend(further);
                None
            }
            (true, None) => Some(match t {
                false => tr_matmul(self.a, g),
                true => matmul(self.a, g),
            }),
            (false, _) => None,
        };
        let mut out = vec![left, right];
        out.extend(self.sums);
        (out, taken)
    }
}
