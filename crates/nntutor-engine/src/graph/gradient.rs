//! `grad(L, W)`, `numgrad(L, W, h)` and `numgrad_forward(L, W, h)` inside
//! an expression: each builds the loss's own graph, differentiates it (by
//! the chain rule, or by re-evaluating the loss with W nudged one element
//! at a time, both ways or one) and enters the result as a constant node.

use super::*;

/// The value of `loss`, computed in the same forward pass as every gradient
/// the memo's formulas want of it, which the memo keeps for them: a
/// training step that tracks its loss then costs one forward pass, not two.
/// `None` when the scope has no memo, no formula wants a gradient of
/// `loss`, or it cannot be built this way (the caller's own evaluation
/// reports why).
pub fn loss_with_gradients(scope: &dyn Scope, loss: &str) -> Option<Arc<Tensor>> {
    let memo = scope.gradient_memo()?;
    if let Some(v) = memo.entries().losses.get(loss) {
        return Some(v.clone());
    }
    let wrt = memo.wanted.get(loss)?.first()?;
    let name = |n: &str| Expr {
        kind: ExprKind::Name(n.to_string()),
        span: 0..0,
    };
    let call = Expr {
        kind: ExprKind::Call {
            func: "grad".to_string(),
            func_span: 0..0,
            args: vec![name(loss), name(wrt)],
        },
        span: 0..0,
    };
    Graph::build(&call, scope, false).ok()?;
    memo.entries().losses.get(loss).cloned()
}

impl Builder<'_> {
    /// `grad(L, W)` and `numgrad(L, W, h)`: evaluated here, kept as a constant.
    pub(super) fn gradient(
        &mut self,
        how: Derivative,
        args: &[Expr],
        span: Span,
    ) -> Result<NodeId, EngineError> {
        let numeric = how.is_numeric();
        let usage = match how {
            Derivative::Analytic => "`grad(L, W)`",
            Derivative::Centered => "`numgrad(L, W, h)`",
            Derivative::Forward => "`numgrad_forward(L, W, h)`",
        };
        let (loss, wrt) = self.gradient_names(usage, numeric, args, &span)?;
        // Within one training iteration the first `grad` of a loss computed
        // the others too.
        if !numeric
            && let Some(value) = self.scope.gradient_memo().and_then(|m| {
                m.entries()
                    .gradients
                    .get(&(loss.clone(), wrt.clone()))
                    .cloned()
            })
        {
            return Ok(self.gradient_node(loss, wrt, how, value, span));
        }
        // Later iterations rerun the graph the first one compiled.
        if !numeric
            && let Some(value) = self
                .scope
                .gradient_memo()
                .and_then(|m| m.planned(&loss, &wrt, self.scope, true))
        {
            return Ok(self.gradient_node(loss, wrt, how, value, span));
        }
        let h = match args.get(2) {
            None => 1e-5,
            Some(e) => self.step_size(e)?,
        };
        let at = |e: &Expr, err: EngineError| EngineError {
            span: e.span.clone(),
            formula: self.formula.clone(),
            ..err
        };
        let loss_expr = Expr {
            kind: ExprKind::Name(loss.clone()),
            span: args[0].span.clone(),
        };
        let (graph, root) =
            Graph::build(&loss_expr, self.scope, true).map_err(|e| self.relocate(e, &args[0]))?;
        if !is_scalar(graph.value(root)) {
            return Err(self.err(
                format!(
                    "`{loss}` is a {} value; {usage} differentiates a single number (a loss)",
                    shape_str(graph.value(root).shape())
                ),
                args[0].span.clone(),
            ));
        }
        let wrt_value = match graph.find(&wrt) {
            Some(id) => graph.nodes[id.0].shared_value().clone(),
            None => {
                let wrt_expr = Expr {
                    kind: ExprKind::Name(wrt.clone()),
                    span: args[1].span.clone(),
                };
                let (g, r) =
                    Graph::build(&wrt_expr, self.scope, false).map_err(|e| at(&args[1], e))?;
                g.nodes[r.0].shared_value().clone()
            }
        };
        let value = if numeric {
            let nudge = Nudge {
                h,
                base: graph.value(root)[0],
                centered: how == Derivative::Centered,
            };
            Arc::new(self.numeric_gradient(
                &loss_expr,
                &wrt,
                (*wrt_value).clone(),
                nudge,
                graph.forward_cost(),
                &span,
            )?)
        } else {
            // The backward pass costs about two forward passes.
            self.spend(graph.forward_cost().saturating_mul(2), &span)?;
            let shape = wrt_value.shape();
            self.analytic_gradient(&graph, root, &loss, &wrt, shape)
        };
        Ok(self.gradient_node(loss, wrt, how, value, span))
    }

    /// The loss and the value a gradient call names (names, not
    /// expressions), after checking how many arguments it has.
    fn gradient_names(
        &self,
        usage: &str,
        numeric: bool,
        args: &[Expr],
        span: &Span,
    ) -> Result<(String, String), EngineError> {
        let arity_ok = if numeric {
            (2..=3).contains(&args.len())
        } else {
            args.len() == 2
        };
        if !arity_ok {
            return Err(self.err(
                format!("{usage} takes the loss and the value to differentiate by"),
                span.clone(),
            ));
        }
        let name_of = |e: &Expr| match &e.kind {
            ExprKind::Name(n) => Ok(n.clone()),
            _ => Err(self.err(
                format!("{usage} needs names here, not an expression"),
                e.span.clone(),
            )),
        };
        Ok((name_of(&args[0])?, name_of(&args[1])?))
    }

    /// `numgrad`'s step h: a positive number.
    fn step_size(&mut self, e: &Expr) -> Result<f64, EngineError> {
        let id = self.expr(e)?;
        let v = self.graph.nodes[id.0].value();
        if !is_scalar(v) || v[0].is_nan() || v[0] <= 0.0 || !v[0].is_finite() {
            return Err(self.err("the step h must be a positive number", e.span.clone()));
        }
        Ok(v[0])
    }

    /// d`loss`/d`wrt` by reverse mode through the loss's own graph. With
    /// a memo (a training iteration), every parameter some formula will
    /// ask about is differentiated in the same pass, and kept for them with
    /// the loss's value.
    fn analytic_gradient(
        &self,
        graph: &Graph,
        root: NodeId,
        loss: &str,
        wrt: &str,
        (rows, cols): (usize, usize),
    ) -> Arc<Tensor> {
        let zeros = || Arc::new(Tensor::zeros(rows, cols));
        match (graph.find(wrt), self.scope.gradient_memo()) {
            (Some(id), Some(memo)) => {
                let mut names: Vec<String> = memo.wanted.get(loss).cloned().unwrap_or_default();
                if !names.iter().any(|n| n == wrt) {
                    names.push(wrt.to_string());
                }
                let ids: Vec<(String, NodeId)> = names
                    .into_iter()
                    .filter_map(|n| graph.find(&n).map(|id| (n, id)))
                    .collect();
                let all: Vec<NodeId> = ids.iter().map(|(_, id)| *id).collect();
                memo.compile(loss, graph, root, &ids);
                let mut cache = memo.entries();
                for ((name, _), g) in ids.iter().zip(graph.gradients_of(root, &all)) {
                    if let Some(g) = g {
                        cache
                            .gradients
                            .insert((loss.to_string(), name.clone()), Arc::new(g));
                    }
                }
                cache
                    .losses
                    .insert(loss.to_string(), graph.nodes[root.0].shared_value().clone());
                debug_assert!(all.contains(&id));
                cache
                    .gradients
                    .get(&(loss.to_string(), wrt.to_string()))
                    .cloned()
                    .unwrap_or_else(zeros)
            }
            (Some(id), None) => graph
                .gradient_of(root, id)
                .map(Arc::new)
                .unwrap_or_else(zeros),
            // L does not depend on W at all.
            (None, _) => zeros(),
        }
    }

    /// The result of `grad`/`numgrad`, a constant node of the graph.
    fn gradient_node(
        &mut self,
        of: String,
        wrt: String,
        how: Derivative,
        value: Arc<Tensor>,
        span: Span,
    ) -> NodeId {
        self.push_shared(NodeKind::Gradient { of, wrt, how }, vec![], value, span)
    }

    /// Errors inside a nested build point at the argument that caused them.
    pub(super) fn relocate(&self, e: EngineError, arg: &Expr) -> EngineError {
        if e.formula.is_some() {
            e
        } else {
            EngineError {
                span: arg.span.clone(),
                formula: self.formula.clone(),
                ..e
            }
        }
    }

    pub(super) fn numeric_gradient(
        &self,
        loss: &Expr,
        wrt: &str,
        w: Tensor,
        nudge: Nudge,
        loss_cost: u64,
        span: &Span,
    ) -> Result<Tensor, EngineError> {
        // The loss is evaluated again once per element of W (twice,
        // centered): refused before the first, not after minutes.
        let per_element = if nudge.centered { 2 } else { 1 };
        if let Some(budget) = self.scope.budget() {
            let evaluations = (w.len() as u64).saturating_mul(per_element);
            budget
                .afford(loss_cost.saturating_mul(evaluations))
                .map_err(|e| {
                    let why = format!(
                        "numgrad evaluates `{}` again {} for each of the {} elements of `{wrt}`: {e}",
                        expr_name(loss),
                        if nudge.centered { "twice" } else { "once" },
                        w.len()
                    );
                    self.err(why, span.clone())
                })?;
        }
        let loss_at = |k: usize, step: f64| -> Result<f64, EngineError> {
            let mut moved = w.clone();
            moved[k] += step;
            let scope = Override {
                inner: self.scope,
                name: wrt,
                value: &moved,
            };
            let (g, r) = Graph::build(loss, &scope, true)?;
            Ok(g.value(r)[0])
        };
        let h = nudge.h;
        let mut out = Tensor::zeros(w.nrows(), w.ncols());
        for k in 0..w.len() {
            out[k] = if nudge.centered {
                (loss_at(k, h)? - loss_at(k, -h)?) / (2.0 * h)
            } else {
                (loss_at(k, h)? - nudge.base) / h
            };
        }
        Ok(out)
    }
}

/// A finite difference: the step, the loss where W is, and whether to
/// step both ways.
#[derive(Clone, Copy)]
pub(super) struct Nudge {
    h: f64,
    base: f64,
    centered: bool,
}

/// A scope in which one name holds a given value, for finite differences.
struct Override<'a> {
    inner: &'a dyn Scope,
    name: &'a str,
    value: &'a Tensor,
}

/// The name a loss expression stands for, for messages.
fn expr_name(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => n.clone(),
        _ => "the loss".into(),
    }
}

impl Scope for Override<'_> {
    fn budget(&self) -> Option<&Budget> {
        self.inner.budget()
    }

    fn binding(&self, name: &str) -> Option<Binding<'_>> {
        if name == self.name {
            Some(Binding {
                shared: None,
                value: Some(self.value),
                formula: None,
                selection: None,
            })
        } else {
            self.inner.binding(name)
        }
    }
}
