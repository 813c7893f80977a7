//! A run's forward pass: each step's value from the scope's current
//! values (its inputs, the memo's gradients) or from the steps before it.

use super::*;

impl Plan {
    /// Every step's value (`None` for the operations a fused step computes
    /// on the way), or `None` when the plan no longer fits the values.
    /// The steps `skip` marks get a NaN of their shape instead.
    pub(super) fn forward(
        &self,
        scope: &dyn Scope,
        skip: Option<&[bool]>,
    ) -> Option<Vec<Option<Node>>> {
        let mut values: Vec<Option<Node>> = Vec::with_capacity(self.steps.len());
        for (k, step) in self.steps.iter().enumerate() {
            if skip.is_some_and(|s| s[k]) {
                let (rows, cols) = step.shape;
                values.push(Some(ready(Arc::new(Tensor::from_element(
                    rows,
                    cols,
                    f64::NAN,
                )))));
                continue;
            }
            let value = match &step.what {
                What::Input(name) => Some(input(scope, name, step.shape)?),
                What::Constant(v) => Some(ready(v.clone())),
                What::Absorbed => None,
                What::Op(op) => {
                    let inputs = operands(&values, &step.inputs)?;
                    let value = match selected_product(*op, &inputs) {
                        Some((a, columns)) => ops::matmul_checked(a, columns),
                        None => {
                            let inputs: Vec<&Tensor> = inputs.iter().map(|n| n.value()).collect();
                            op.forward(&inputs)
                        }
                    };
                    Some(ready(Arc::new(value.ok()?)))
                }
                What::Fused(f) => {
                    let inputs = operands(&values, &step.inputs)?;
                    let out = self.spare.take(step.shape.0 * step.shape.1);
                    Some(ready(Arc::new(f.forward(&inputs, out))))
                }
                What::Gradient { of, wrt } => {
                    let value = gradient(scope, of, wrt)?;
                    (value.shape() == step.shape).then(|| ready(value))
                }
            };
            values.push(value);
        }
        Some(values)
    }
}

/// A computed value, held as the graph holds one.
fn ready(value: Arc<Tensor>) -> Node {
    Node::new(NodeKind::Constant, Vec::new(), value, 0..0, None)
}

/// Input `name` at its current value, if it still has the shape and the
/// kind (a value, not a formula) it had when the plan was compiled.
fn input(scope: &dyn Scope, name: &str, shape: Shape) -> Option<Node> {
    let binding = scope.binding(name)?;
    if binding.formula.is_some() {
        return None;
    }
    let node = match (binding.value, binding.selection) {
        (Some(value), _) => ready(
            binding
                .shared
                .cloned()
                .unwrap_or_else(|| Arc::new(value.clone())),
        ),
        (None, Some(selection)) => Node::selected(name, selection.clone(), 0..0, None),
        (None, None) => return None,
    };
    (node.shape() == shape).then_some(node)
}

/// `grad(of, wrt)` as the graph's builder finds it: computed already in
/// this iteration (the memo keeps it), or by the loss's plan. `None`: the
/// loss has no plan that fits, and building the formula says why.
fn gradient(scope: &dyn Scope, of: &str, wrt: &str) -> Option<Arc<Tensor>> {
    let memo = scope.gradient_memo()?;
    let key = (of.to_string(), wrt.to_string());
    if let Some(value) = memo.entries().gradients.get(&key) {
        return Some(value.clone());
    }
    memo.planned(of, wrt, scope, false)
}

/// The values of a step's operands.
pub(super) fn operands<'v>(values: &'v [Option<Node>], inputs: &[usize]) -> Option<Vec<&'v Node>> {
    inputs.iter().map(|&i| values[i].as_ref()).collect()
}
