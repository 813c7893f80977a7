//! `backward = "L"`: the graph of a loss with every node's gradient, and
//! `dL_dNAME` defined for every named value in it that receives a gradient (as `grad(L, NAME)`
//! formulas, so that updates recompute them).

use super::prelude::*;

/// Reads and checks a step's `backward`.
pub(crate) fn build(b: &mut Builder, target: &Sp<String>, label: &str) -> Option<Action> {
    if !is_name(&target.v) {
        b.err(
            format!(
                "{label}: `backward` takes the name of a scalar value (a loss), not `{}`",
                target.v
            ),
            target.span.clone(),
        );
        return None;
    }
    Some(Action::Backward {
        target: target.v.clone(),
        span: target.span.clone(),
    })
}

impl Evaluator<'_> {
    pub(crate) fn backward(
        &mut self,
        step: &Step,
        target: &str,
        span: &Span,
    ) -> (Detail, Vec<String>) {
        if self.poisoned.contains(target) {
            return (Detail::None, Vec::new());
        }
        let expr = Expr {
            kind: ExprKind::Name(target.to_string()),
            span: 0..target.len(),
        };
        let (graph, root) = match Graph::build(&expr, &self.env, true) {
            Ok(g) => g,
            Err(e) => {
                let pseudo = Formula {
                    text: target.to_string(),
                    statement: dummy_statement(target),
                    span: span.clone(),
                    base: None,
                };
                self.engine_error(step, &pseudo, e);
                return (Detail::None, Vec::new());
            }
        };
        let value = graph.value(root);
        if !is_scalar(value) {
            self.error(
                format!(
                    "{}: `backward` needs a single number (a loss), but `{target}` is {}",
                    step.label(),
                    shape_str(value.shape())
                ),
                span.clone(),
            );
            return (Detail::None, Vec::new());
        }
        // The backward pass costs about two forward passes.
        if !self.spend(step, graph.forward_cost().saturating_mul(2), span) {
            return (Detail::None, Vec::new());
        }
        let grads = graph.backward(root);
        let defined = self.define_gradients(step, target, span, &graph, root, &grads);
        let changed = defined.iter().map(|(g, _)| g.clone()).collect();
        (
            Detail::Backward(BackwardState {
                target: target.to_string(),
                graph: Arc::new(graph),
                root,
                grads,
                defined,
            }),
            changed,
        )
    }
}

impl Evaluator<'_> {
    /// `dL_dNAME` for every named value of L's graph, as `grad(L, NAME)`
    /// formulas (so that updates recompute them): the names defined, with
    /// the value each is the gradient of.
    fn define_gradients(
        &mut self,
        step: &Step,
        target: &str,
        span: &Span,
        graph: &Graph,
        root: NodeId,
        grads: &[Option<Tensor>],
    ) -> Vec<(String, String)> {
        let mut defined = Vec::new();
        let mut names: Vec<(NodeId, String)> = graph
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(k, n)| n.name.clone().map(|name| (NodeId(k), name)))
            .filter(|(id, name)| *id != root && name != target)
            // Labels and values reached only through a comparison or an
            // argmax receive no gradient: no `dL_dy = 0` for a label (a
            // lesson that wants one asks with `grad(L, y)`).
            .filter(|(id, _)| grads[id.0].is_some())
            .collect();
        names.sort();
        for (id, name) in names {
            let grad_name = format!("d{target}_d{name}");
            if self.env.givens.contains(&grad_name)
                || self
                    .env
                    .derived(&grad_name)
                    .is_some_and(|d| d.formula.is_some())
            {
                self.error(
                    format!(
                        "{}: `backward` defines `{grad_name}`, but that name is already taken",
                        step.label()
                    ),
                    span.clone(),
                );
                continue;
            }
            let Some(g) = grads[id.0].clone() else {
                continue;
            };
            // Named like the value it is the gradient of.
            let mut value = Value::plain(g);
            if let Some(like) = self.env.values.get(&name) {
                value.rows = like.rows.clone();
                value.cols = like.cols.clone();
            }
            let call = gradient_expr(target, &name);
            self.env.set_derived(
                Derived {
                    name: grad_name.clone(),
                    expr: call,
                    formula: None,
                },
                value,
                step.index,
            );
            defined.push((grad_name, name));
        }
        defined
    }
}

fn gradient_expr(target: &str, wrt: &str) -> Expr {
    let name = |n: &str| Expr {
        kind: ExprKind::Name(n.to_string()),
        span: 0..0,
    };
    Expr {
        kind: ExprKind::Call {
            func: "grad".into(),
            func_span: 0..0,
            args: vec![name(target), name(wrt)],
        },
        span: 0..0,
    }
}

fn dummy_statement(target: &str) -> crate::engine::Statement {
    crate::engine::Statement {
        name: target.to_string(),
        name_span: 0..0,
        expr: Expr {
            kind: ExprKind::Name(target.to_string()),
            span: 0..target.len(),
        },
    }
}
