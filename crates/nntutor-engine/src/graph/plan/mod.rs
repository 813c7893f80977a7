//! A training's loss compiled once. The graph its first iteration built
//! is kept as a list of steps and rerun on every later iteration with the
//! parameters' new values: no formula walked, no name looked up but the
//! inputs', nothing counted node by node; and each product with the
//! additions and activation after it runs as one pass over its columns
//! ([`fused`](super::fused)). The same operations in the same order as
//! the graph's: the same bits.

mod backward;
mod compile;
mod forward;

use super::fused::Fusion;
use super::spare::Spare;
use super::*;

/// The compiled loss: its steps in the graph's order, up to the loss.
#[derive(Debug)]
pub struct Plan {
    steps: Vec<Step>,
    /// The parameters by name, with their steps.
    wrts: Vec<(String, usize)>,
    /// Whether a step lies on a path from a parameter to the loss.
    needed: Vec<bool>,
    /// The steps only the loss's value needs (see [`compile::loss_only`]),
    /// skipped by a run for the gradients alone.
    loss_only: Vec<bool>,
    /// See [`below`].
    below: Vec<Option<usize>>,
    /// What a run costs against the budget: a forward pass and a backward
    /// pass (about two), as rebuilding the graph is charged.
    work: u64,
    /// The fused steps' results and the upstream gradients between them,
    /// from the last run, for the next to write into.
    spare: Spare,
}

#[derive(Debug)]
struct Step {
    what: What,
    inputs: Vec<usize>,
    shape: Shape,
}

#[derive(Debug)]
enum What {
    /// A name, read from the scope on every run.
    Input(String),
    Constant(Arc<Tensor>),
    Op(Op),
    Fused(Fusion),
    /// `grad(of, wrt)` in a formula's plan: the training's memo's value,
    /// computed by the loss's own plan.
    Gradient {
        of: String,
        wrt: String,
    },
    /// An operation a fused step computes on the way (no value kept).
    Absorbed,
}

/// What a run computes: the loss (unless it was not wanted), and each
/// parameter's gradient.
#[derive(Debug)]
pub struct Run {
    pub loss: Option<Arc<Tensor>>,
    pub gradients: Vec<(String, Tensor)>,
}

impl Plan {
    /// Whether a run gives the gradient of `wrt`.
    pub fn differentiates(&self, wrt: &str) -> bool {
        self.wrts.iter().any(|(name, _)| name == wrt)
    }

    /// How many fused steps the plan runs.
    #[cfg(test)]
    pub fn fused(&self) -> usize {
        let fused = |s: &&Step| matches!(s.what, What::Fused(_));
        self.steps.iter().filter(fused).count()
    }

    /// How many fused steps read their product's left operand transposed.
    #[cfg(test)]
    pub fn transposed(&self) -> usize {
        let transposed = |s: &&Step| matches!(&s.what, What::Fused(f) if f.transposed());
        self.steps.iter().filter(transposed).count()
    }

    /// The loss and its gradients at the scope's current values, or `None`
    /// when this plan no longer fits them (an input's shape changed, a
    /// name became a formula, the budget ran out, an operation failed):
    /// the caller then builds the graph, which says why. Without `loss`,
    /// the steps only the loss's value needs are skipped (an iteration
    /// whose loss is not tracked), and the run gives no loss.
    pub fn run(&self, scope: &dyn Scope, loss: bool) -> Option<Run> {
        if let Some(budget) = scope.budget() {
            budget.spend(self.work).ok()?;
        }
        let skip = (!loss).then_some(self.loss_only.as_slice());
        let values = self.forward(scope, skip)?;
        let mut grads = self.backward(&values);
        let root = self.steps.len() - 1;
        let value = values[root].as_ref()?.shared_value().clone();
        let loss = (loss || !self.loss_only[root]).then_some(value);
        self.keep(values);
        let gradients = self
            .wrts
            .iter()
            .map(|(name, id)| {
                let g = grads.get_mut(*id).and_then(Option::take);
                let (rows, cols) = self.steps[*id].shape;
                // No path from it to the loss: a gradient of zeros.
                (name.clone(), g.unwrap_or_else(|| Tensor::zeros(rows, cols)))
            })
            .collect();
        Some(Run { loss, gradients })
    }

    /// Gives the fused steps' results to the next run: nothing else holds
    /// them once the run is over (neither a parameter nor the loss is
    /// fused).
    fn keep(&self, values: Vec<Option<Node>>) {
        for (step, value) in self.steps.iter().zip(values) {
            if let (What::Fused(_), Some(node)) = (&step.what, value) {
                let shared = node.shared_value().clone();
                drop(node);
                if let Ok(t) = Arc::try_unwrap(shared) {
                    self.spare.give(t);
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    // A compiled plan against the graph it was compiled from: the same bits
    // for the loss and every gradient, iteration after iteration, and
    // gradients that agree with finite differences of the loss.

    use super::*;
    use crate::kernels::Selection;
    use crate::parse::parse_expr;

    /// A lesson in miniature: givens (or a minibatch of one), formulas and a
    /// training's memo.
    struct Lesson {
        values: HashMap<String, Tensor>,
        formulas: HashMap<String, Expr>,
        batch: Option<(String, Selection)>,
        memo: Option<GradientMemo>,
        parameters: Vec<&'static str>,
    }

    impl Scope for Lesson {
        fn binding(&self, name: &str) -> Option<Binding<'_>> {
            if let Some((n, selection)) = &self.batch
                && n == name
            {
                return Some(Binding {
                    value: None,
                    formula: None,
                    shared: None,
                    selection: Some(selection),
                });
            }
            let (value, formula) = (self.values.get(name), self.formulas.get(name));
            (value.is_some() || formula.is_some()).then_some(Binding {
                value,
                formula,
                shared: None,
                selection: None,
            })
        }

        fn gradient_memo(&self) -> Option<&GradientMemo> {
            self.memo.as_ref()
        }
    }

    /// Numbers of mixed signs and sizes, different for each seed.
    fn filled(rows: usize, cols: usize, seed: usize) -> Tensor {
        Tensor::from_fn(rows, cols, |i, j| {
            let k = (i * 37 + j * 101 + seed * 13) % 97;
            (k as f64 - 48.0) / 61.0
        })
    }

    /// Samples: enough columns for the products to hand on several blocks.
    const SAMPLES: usize = 90;

    /// A two-layer network whose loss has every kind of link a fusion takes
    /// (a column bias on either side, a row bias, a scalar, relu, sigmoid),
    /// a layer whose gradient the layer above computes (H, read by S alone)
    /// and a product read twice, which is fused with nothing.
    fn network(batch: bool) -> Lesson {
        let mut values = HashMap::new();
        for (name, (rows, cols), seed) in [
            ("W1", (20, 4), 1),
            ("b1", (20, 1), 2),
            ("W2", (3, 20), 3),
            ("b2", (3, 1), 4),
            ("c", (1, 1), 5),
            ("r", (1, SAMPLES), 6),
            ("X", (4, SAMPLES), 7),
        ] {
            values.insert(name.to_string(), filled(rows, cols, seed));
        }
        let formula = |name: &str, src: &str| (name.to_string(), parse_expr(src).unwrap());
        let formulas = HashMap::from([
            formula("H", "relu(b1 + W1 @ X)"),
            formula("S", "sigmoid(W2 @ H + b2 + c + r)"),
            formula("Z", "W1 @ X"),
            formula("L", "sum(S * S) + mean(Z + r) + sum(Z) + 0.5 * sum(W1 ^ 2)"),
        ]);
        let batch = batch.then(|| {
            let data = Arc::new(filled(4, 120, 8));
            // Some samples twice, as a minibatch may draw them.
            let pick: Vec<usize> = (0..SAMPLES).map(|j| (j * 7 + 3) % 120 / 2).collect();
            let pick: Arc<[usize]> = Arc::from(pick);
            ("X".to_string(), Selection::new(data, pick).unwrap())
        });
        Lesson {
            values,
            formulas,
            batch,
            memo: None,
            parameters: vec!["W1", "b1", "W2", "b2", "c", "r"],
        }
    }

    /// The bench's spiral network: softmax, the labels' probabilities and L2
    /// around the two fused layers.
    fn spiral_like() -> Lesson {
        let mut lesson = network(false);
        let labels = Tensor::from_fn(1, SAMPLES, |_, j| (j % 3) as f64);
        lesson.values.insert("X_labels".into(), labels);
        lesson.values.insert("X".into(), filled(2, SAMPLES, 7));
        lesson.values.insert("W1".into(), filled(20, 2, 1));
        lesson
            .values
            .insert("reg".into(), Tensor::from_element(1, 1, 1e-3));
        let l = "mean(-log(pick(softmax(W2 @ relu(W1 @ X + b1) + b2), X_labels))) + 0.5 * reg * (sum(W1 ^ 2) + sum(W2 ^ 2))";
        lesson.formulas = HashMap::from([("L".to_string(), parse_expr(l).unwrap())]);
        lesson.parameters = vec!["W1", "b1", "W2", "b2"];
        lesson
    }

    /// The digits lesson's regression: `Wᵀ @ X` of ten classes on a
    /// minibatch, whose transpose the fused step reads in place.
    fn digits_like() -> Lesson {
        let mut lesson = spiral_like();
        let data = Arc::new(filled(24, 120, 8));
        let pick: Arc<[usize]> = (0..SAMPLES).map(|j| (j * 13 + 5) % 120).collect();
        lesson.batch = Some(("X".into(), Selection::new(data, pick).unwrap()));
        let labels = Tensor::from_fn(1, SAMPLES, |_, j| (j % 10) as f64);
        lesson.values.insert("X_labels".into(), labels);
        lesson.values.insert("W".into(), filled(24, 10, 1));
        lesson.values.insert("b".into(), filled(10, 1, 2));
        let l = "mean(-log(pick(softmax(W' @ X + b), X_labels))) + 0.5 * reg * sum(W ^ 2)";
        lesson.formulas = HashMap::from([("L".to_string(), parse_expr(l).unwrap())]);
        lesson.parameters = vec!["W", "b"];
        lesson
    }

    /// The spiral network written with transposed weights: a hidden layer
    /// of 20 rows (the transpose copied for the product) below a 3-row one
    /// (read in place), whose backward product computes the layer below's
    /// gradient.
    fn transposed_layers() -> Lesson {
        let mut lesson = spiral_like();
        lesson.values.insert("W1".into(), filled(2, 20, 1));
        lesson.values.insert("W2".into(), filled(20, 3, 3));
        let l = "mean(-log(pick(softmax(W2' @ relu(W1' @ X + b1) + b2), X_labels))) + 0.5 * reg * (sum(W1 ^ 2) + sum(W2 ^ 2))";
        lesson.formulas = HashMap::from([("L".to_string(), parse_expr(l).unwrap())]);
        lesson
    }

    /// Three layers, each one's result read only by the next one's product:
    /// the top layer's backward product computes the gradients of both below.
    fn deeper() -> Lesson {
        let mut lesson = network(false);
        for (name, (rows, cols), seed) in [("W3", (2, 3), 9), ("b3", (2, 1), 10)] {
            lesson
                .values
                .insert(name.to_string(), filled(rows, cols, seed));
        }
        let formula = |src: &str| parse_expr(src).unwrap();
        lesson.formulas.remove("Z");
        lesson
            .formulas
            .insert("S".into(), formula("tanh(W2 @ H + b2)"));
        lesson.formulas.insert("T".into(), formula("W3 @ S + b3"));
        lesson.formulas.insert("L".into(), formula("sum(T * T)"));
        lesson.parameters = vec!["W1", "b1", "W2", "b2", "W3", "b3"];
        lesson
    }

    fn bits(t: &Tensor) -> Vec<u64> {
        t.iter().map(|x| x.to_bits()).collect()
    }

    /// The loss and every parameter's gradient by a graph built afresh.
    fn rebuilt(lesson: &Lesson) -> (Tensor, Vec<Tensor>) {
        let (graph, root) = Graph::build(&parse_expr("L").unwrap(), lesson, true).unwrap();
        let parameters = &lesson.parameters;
        let ids: Vec<NodeId> = parameters.iter().map(|p| graph.find(p).unwrap()).collect();
        let grads = graph.gradients_of(root, &ids);
        let grads = grads.into_iter().map(Option::unwrap).collect();
        (graph.value(root).clone(), grads)
    }

    /// The loss and every gradient as a training iteration gets them: the
    /// first `grad` call (of the first parameter) computes them all (by
    /// the graph the first time, by its plan after), the memo keeps them.
    fn trained(lesson: &Lesson) -> (Tensor, Vec<Tensor>) {
        let memo = lesson.memo.as_ref().unwrap();
        memo.clear();
        let p = lesson.parameters[0];
        let call = parse_expr(&format!("grad(L, {p})")).unwrap();
        let (g, r) = Graph::build(&call, lesson, false).unwrap();
        let entries = memo.entries();
        let first = g.value(r).clone();
        assert_eq!(bits(&first), bits(&entries.gradients[&key(p)]));
        let parameters = lesson.parameters.iter();
        let grads = parameters.map(|p| (*entries.gradients[&key(p)]).clone());
        (entries.losses["L"].as_ref().clone(), grads.collect())
    }

    fn key(p: &str) -> (String, String) {
        ("L".to_string(), p.to_string())
    }

    fn with_memo(mut lesson: Lesson) -> Lesson {
        let wanted = lesson.parameters.iter().map(|p| p.to_string()).collect();
        lesson.memo = Some(GradientMemo::new(HashMap::from([(
            "L".to_string(),
            wanted,
        )])));
        lesson
    }

    /// Trains `lesson` a few iterations, each checked against the graph
    /// built afresh; how many fused steps its plan runs. The first
    /// iteration builds the graph, the second runs the plan, which
    /// allocates its arrays; the later runs write into the same.
    fn same_bits_as_rebuilt(mut lesson: Lesson) -> (usize, usize) {
        let counts = |lesson: &Lesson| {
            let plans = lesson.memo.as_ref().unwrap().plans();
            plans["L"].as_ref().unwrap().spare.counts()
        };
        let mut allocated = 0;
        for iteration in 0..4 {
            if iteration == 2 {
                allocated = counts(&lesson).0;
                assert!(allocated > 0);
            }
            let (loss, grads) = trained(&lesson);
            let (want_loss, want) = rebuilt(&lesson);
            assert_eq!(bits(&loss), bits(&want_loss), "iteration {iteration}");
            let parameters = lesson.parameters.clone();
            for ((p, g), w) in parameters.iter().zip(&grads).zip(&want) {
                assert_eq!(bits(g), bits(w), "d L/d {p}, iteration {iteration}");
            }
            // A small step of gradient descent (the sigmoids stay off their
            // flat ends): new values for the next run.
            for (p, g) in parameters.iter().zip(&grads) {
                let v = lesson.values.get_mut(*p).unwrap();
                *v -= g * 1e-3;
            }
        }
        let memo = lesson.memo.take().unwrap();
        let plans = memo.plans();
        let plan = plans["L"].as_ref().unwrap();
        // The iterations above ran it: it fits the values.
        assert!(plan.run(&lesson, true).is_some());
        // Every array the later runs took was one an earlier gave back,
        // and every one given back was kept.
        assert_eq!(plan.spare.counts(), (allocated, 0));
        (plan.fused(), plan.transposed())
    }

    #[test]
    fn reruns_give_the_bits_of_the_graph_iteration_after_iteration() {
        for batch in [false, true] {
            // Both layers, with what follows their products; `Z` alone.
            assert_eq!(same_bits_as_rebuilt(with_memo(network(batch))), (3, 0));
        }
        assert_eq!(same_bits_as_rebuilt(with_memo(deeper())), (3, 0));
        assert_eq!(same_bits_as_rebuilt(with_memo(spiral_like())), (2, 0));
        // Transposes read only by a product are absorbed into its step.
        assert_eq!(same_bits_as_rebuilt(with_memo(digits_like())), (1, 1));
        assert_eq!(same_bits_as_rebuilt(with_memo(transposed_layers())), (2, 2));
        // Two products into one sum: the first takes the sum and what
        // follows, the second stays a plain product.
        let mut two = network(false);
        two.values.insert("V".into(), filled(20, 4, 11));
        let h = parse_expr("relu(b1 + W1 @ X + V @ X)").unwrap();
        two.formulas.insert("H".into(), h);
        two.parameters.push("V");
        assert_eq!(same_bits_as_rebuilt(with_memo(two)), (3, 0));
    }

    /// A run without the loss's value against one with it: the same
    /// gradients, bit for bit (a skipped value read by a rule would turn
    /// them to NaN); how many steps it skipped.
    fn skipped_without_the_loss(lesson: Lesson) -> usize {
        let lesson = with_memo(lesson);
        trained(&lesson);
        let memo = lesson.memo.as_ref().unwrap();
        let plans = memo.plans();
        let plan = plans["L"].as_ref().unwrap();
        let full = plan.run(&lesson, true).unwrap();
        let fast = plan.run(&lesson, false).unwrap();
        let skipped = plan.loss_only.iter().filter(|&&s| s).count();
        assert!(full.loss.is_some());
        assert_eq!(fast.loss.is_none(), skipped > 0);
        for ((p, g), (_, h)) in full.gradients.iter().zip(&fast.gradients) {
            assert_eq!(bits(g), bits(h), "d L/d {p}");
        }
        skipped
    }

    #[test]
    fn a_run_for_the_gradients_alone_skips_what_only_the_loss_needs() {
        // `mean(…) + (0.5 * reg) * (sum(W1 ^ 2) + sum(W2 ^ 2))`: the loss,
        // the mean, the outer product, the sum of sums and both sums: 6.
        // Not `0.5 * reg`, which the product's rule reads for the other
        // operand's gradient, nor the squares (arrays).
        assert_eq!(skipped_without_the_loss(spiral_like()), 6);
        // One sum of squares: the loss, the mean, the product, the sum.
        assert_eq!(skipped_without_the_loss(digits_like()), 4);
        assert_eq!(skipped_without_the_loss(transposed_layers()), 6);
        // `((sum(S * S) + mean(Z + r)) + sum(Z)) + 0.5 * sum(W1 ^ 2)`:
        // three additions, three sums, a mean and the product by a
        // constant (whose own gradient nobody wants): 8.
        assert_eq!(skipped_without_the_loss(network(true)), 8);
        // `sum(T * T)`: the sum alone; `T * T` is an array.
        assert_eq!(skipped_without_the_loss(deeper()), 1);
        // exp's rule reads its result, and its operand's value: of
        // `exp(0.01 * sum(W1 ^ 2)) + mean(…)`, only the loss and the mean.
        let mut exp = spiral_like();
        let l = "exp(0.01 * sum(W1 ^ 2)) + mean(-log(pick(softmax(W2 @ relu(W1 @ X + b1) + b2), X_labels)))";
        exp.formulas = HashMap::from([("L".to_string(), parse_expr(l).unwrap())]);
        assert_eq!(skipped_without_the_loss(exp), 2);
    }

    #[test]
    fn the_planned_gradients_agree_with_finite_differences() {
        let lesson = with_memo(network(true));
        trained(&lesson);
        let (_, grads) = trained(&lesson);
        assert!(lesson.memo.as_ref().unwrap().plans()["L"].is_some());
        let loss_at = |lesson: &Lesson| rebuilt(lesson).0[0];
        let h = 1e-6;
        for (p, g) in lesson.parameters.iter().zip(&grads) {
            for k in 0..g.len() {
                let mut moved = network(true);
                moved.values.get_mut(*p).unwrap()[k] += h;
                let plus = loss_at(&moved);
                moved.values.get_mut(*p).unwrap()[k] -= 2.0 * h;
                let minus = loss_at(&moved);
                let numeric = (plus - minus) / (2.0 * h);
                let error = (g[k] - numeric).abs() / g[k].abs().max(numeric.abs()).max(1.0);
                assert!(error < 1e-6, "d L/d {p}[{k}]: {} against {numeric}", g[k]);
            }
        }
    }

    #[test]
    fn a_plan_is_not_run_on_values_of_another_shape() {
        let mut lesson = with_memo(network(false));
        trained(&lesson);
        let memo = lesson.memo.take().unwrap();
        let plans = memo.plans();
        let plan = plans["L"].as_ref().unwrap();
        assert!(plan.run(&lesson, true).is_some());
        lesson.values.insert("X".into(), filled(4, SAMPLES + 1, 7));
        lesson.values.insert("r".into(), filled(1, SAMPLES + 1, 6));
        assert!(plan.run(&lesson, true).is_none());
        drop(plans);
        lesson.memo = Some(memo);
        // The iteration then builds the graph, which computes the new shapes.
        let (loss, _) = trained(&lesson);
        assert_eq!(bits(&loss), bits(&rebuilt(&lesson).0));
    }

    #[test]
    fn an_update_formula_reruns_with_the_bits_of_w_minus_lr_times_the_gradient() {
        let mut lesson = with_memo(spiral_like());
        let lr = 0.5;
        lesson.values.insert("lr".into(), scalar(lr));
        let params = lesson.parameters.clone();
        let update = |p: &str| parse_expr(&format!("{p} - lr * grad(L, {p})")).unwrap();
        for iteration in 0..4 {
            lesson.memo.as_ref().unwrap().clear();
            // The gradients of a graph built afresh, without the memo.
            let (_, want) = rebuilt(&lesson);
            let memo = lesson.memo.as_ref().unwrap();
            let new: Vec<Tensor> = (params.iter().enumerate())
                .map(|(k, p)| memo.evaluate(k, &update(p), &lesson).unwrap())
                .collect();
            for ((p, v), g) in params.iter().zip(&new).zip(&want) {
                let by_hand = &lesson.values[*p] - g * lr;
                assert_eq!(bits(v), bits(&by_hand), "{p}, iteration {iteration}");
            }
            // The first iteration built each update's graph; the others
            // ran its plan.
            assert_eq!(memo.formula_builds(), params.len());
            for (p, v) in params.iter().zip(new) {
                lesson.values.insert(p.to_string(), v);
            }
        }
        // Another shape: the plan does not fit, the graph is built.
        lesson.values.insert("W1".into(), filled(20, 3, 1));
        let memo = lesson.memo.as_ref().unwrap();
        memo.clear();
        let error = memo.evaluate(0, &update("W1"), &lesson).unwrap_err();
        assert!(error.message().contains("20×3"), "{}", error.message());
        assert_eq!(memo.formula_builds(), params.len() + 1);
    }

    #[test]
    fn an_index_read_from_the_values_is_not_compiled() {
        let mut lesson = with_memo(network(false));
        let index = parse_expr("sum(S * S) + W1[0, 1]").unwrap();
        lesson.formulas.insert("L".into(), index);
        trained(&lesson);
        assert!(lesson.memo.as_ref().unwrap().plans()["L"].is_none());
    }
}
