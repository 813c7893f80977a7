//! `backward = "L"`: the graph of a loss with every node's gradient, and
//! `dL_dNAME` defined for every named value in it that receives a gradient (as `grad(L, NAME)`
//! formulas, so that updates recompute them).

use super::prelude::*;
use crate::lesson::eval::cost::{Distinct, numbers};

/// The keys of a `backward` step, as written.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackwardKeys {
    /// A scalar to backpropagate; defines d<L>_d<NAME>.
    #[schemars(length(max = 100000))]
    pub backward: Option<Sp<String>>,
    /// For `backward`: the elements of a large vector or matrix to walk
    /// one at a time, `NAME[i]` or `NAME[i, j]` (0-based); small results
    /// are walked element by element anyway.
    #[serde(default)]
    pub walk: Names,
}

/// Backpropagation from a loss.
#[derive(Debug, Clone)]
pub struct Backward {
    pub target: String,
    pub span: Span,
    /// Elements chosen to walk: a value's name, its element, where written.
    pub walk: Vec<(String, (usize, usize), Span)>,
}

impl Kind for Backward {
    type Keys = BackwardKeys;
    type Done = BackwardState;
    const NAME: &'static str = "backward";
    const KEYS: &'static [&'static str] = &["backward", "walk"];

    fn build(
        b: &mut Builder,
        keys: &BackwardKeys,
        _: &RawStep,
        label: &str,
    ) -> Option<Option<Backward>> {
        let Some(target) = &keys.backward else {
            if let Some(first) = keys.walk.first() {
                b.err(
                    format!("{label}: `walk` chooses elements of a `backward` walk, but the step has no `backward`"),
                    first.span.clone(),
                );
            }
            return None;
        };
        Some(build(b, target, &keys.walk, label))
    }

    fn evaluate(
        &self,
        ev: &mut Evaluator<'_>,
        step: &Step,
        _: &mut Vec<String>,
    ) -> (Option<BackwardState>, Vec<String>) {
        ev.backward(step, &self.target, &self.span, &self.walk)
    }

    fn block<'a>(&'a self, done: &'a BackwardState, _: At<'a>) -> Block<'a> {
        Block::Backward(done)
    }

    fn retained(b: &BackwardState, d: &mut Distinct) -> u64 {
        d.graph(&b.graph);
        b.grads.iter().flatten().map(|g| numbers(g.len())).sum()
    }
}

/// Checks a step's `backward` and its `walk`.
fn build(b: &mut Builder, target: &Sp<String>, walk: &Names, label: &str) -> Option<Backward> {
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
    let mut chosen = Vec::new();
    for w in walk.iter() {
        match element_ref(&w.v) {
            Some((name, at)) => chosen.push((name, at, w.span.clone())),
            None => b.err(
                format!(
                    "{label}: `walk` names elements as NAME[i] or NAME[i, j] (0-based), not `{}`",
                    w.v
                ),
                w.span.clone(),
            ),
        }
    }
    Some(Backward {
        target: target.v.clone(),
        span: target.span.clone(),
        walk: chosen,
    })
}

/// `h[3]` → ("h", (3, usize::MAX)): one index, its axis found at
/// evaluation; `W[0, 1]` → ("W", (0, 1)).
fn element_ref(text: &str) -> Option<(String, (usize, usize))> {
    let (name, rest) = text.trim().split_once('[')?;
    let inside = rest.strip_suffix(']')?;
    let name = name.trim();
    if !is_name(name) {
        return None;
    }
    let mut ix = inside.split(',').map(|p| p.trim().parse::<usize>());
    let at = match (ix.next()?, ix.next(), ix.next()) {
        (Ok(i), None, None) => (i, usize::MAX),
        (Ok(i), Some(Ok(j)), None) => (i, j),
        _ => return None,
    };
    Some((name.to_string(), at))
}

impl Evaluator<'_> {
    fn backward(
        &mut self,
        step: &Step,
        target: &str,
        span: &Span,
        walk: &[(String, (usize, usize), Span)],
    ) -> (Option<BackwardState>, Vec<String>) {
        if self.poisoned.contains(target) {
            return (None, Vec::new());
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
                return (None, Vec::new());
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
            return (None, Vec::new());
        }
        // The backward pass costs about two forward passes.
        if !self.spend(step, graph.forward_cost().saturating_mul(2), span) {
            return (None, Vec::new());
        }
        let grads = graph.backward(root);
        let chosen = self.chosen_elements(step, &graph, &grads, walk);
        let defined = self.define_gradients(step, target, span, &graph, root, &grads);
        let changed = defined.iter().map(|(g, _)| g.clone()).collect();
        (
            Some(BackwardState {
                target: target.to_string(),
                graph: Arc::new(graph),
                root,
                grads,
                defined,
                chosen,
            }),
            changed,
        )
    }
}

impl Evaluator<'_> {
    /// The `walk` elements found in the graph: each must name a value of
    /// it that receives a gradient, and an element inside its shape.
    fn chosen_elements(
        &mut self,
        step: &Step,
        graph: &Graph,
        grads: &[Option<Tensor>],
        walk: &[(String, (usize, usize), Span)],
    ) -> Vec<(NodeId, (usize, usize))> {
        let mut chosen = Vec::new();
        for (name, (i, j), span) in walk {
            let label = step.label();
            let Some(id) = graph.find(name).filter(|id| grads[id.0].is_some()) else {
                self.error(
                    format!("{label}: `walk` names `{name}`, which is not a value the gradient flows through here"),
                    span.clone(),
                );
                continue;
            };
            let (rows, cols) = graph.value(id).shape();
            // One index walks a vector along its length.
            let cell = match (*j, rows, cols) {
                (usize::MAX, 1, _) => (0, *i),
                (usize::MAX, _, 1) => (*i, 0),
                (usize::MAX, _, _) => (rows, cols),
                _ => (*i, *j),
            };
            if cell.0 >= rows || cell.1 >= cols {
                self.error(
                    format!(
                        "{label}: `walk` asks for an element of `{name}` outside its shape {}",
                        shape_str((rows, cols))
                    ),
                    span.clone(),
                );
                continue;
            }
            chosen.push((id, cell));
        }
        chosen
    }

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
