//! The graph arena: expressions become nodes in insertion order, each holding
//! its forward value, so reverse-mode differentiation is a backward loop and
//! the interface can draw every node with its value and gradient.

use std::collections::HashMap;
use std::sync::Arc;

mod backprop;
mod cost;
mod fused;
mod gradient;
mod memo;
mod node;
mod plan;
mod spare;
pub use gradient::loss_with_gradients;
pub use memo::{GradientMemo, MemoEntries};
pub use node::Node;

use super::budget::{Budget, NODE_WORK, op_cost, product_cost};
use super::error::{EngineError, ErrorKind};
use super::expr::{BinOp, Expr, ExprKind, IndexArg, Span};
use super::kernels::{Columns, Selection};
use super::ops::{self, Op};
use super::tensor::{Shape, Tensor, is_scalar, scalar, shape_str};

/// How deep formulas may refer to formulas that refer to formulas.
pub const MAX_NESTING: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub usize);

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A named value taken as it is (a given, or a derived value that was not
    /// expanded into its formula).
    Input(String),
    Constant,
    Op(Op),
    /// The result of `grad(L, W)` or `numgrad(L, W, h)`: a constant here.
    Gradient {
        of: String,
        wrt: String,
        how: Derivative,
    },
}

/// How a gradient is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derivative {
    /// `grad(L, W)`: by the chain rule.
    Analytic,
    /// `numgrad(L, W, h)`: by centered differences, (L(W + h) - L(W - h)) / 2h
    /// per element, whose error shrinks with h².
    Centered,
    /// `numgrad_forward(L, W, h)`: by one-sided differences,
    /// (L(W + h) - L(W)) / h, the lecture's first formula, whose error
    /// shrinks only with h.
    Forward,
}

impl Derivative {
    /// The call that asks for it, by name.
    pub fn of_call(name: &str) -> Option<Derivative> {
        match name {
            "grad" => Some(Derivative::Analytic),
            "numgrad" => Some(Derivative::Centered),
            "numgrad_forward" => Some(Derivative::Forward),
            _ => None,
        }
    }

    /// The name formulas call it by.
    pub fn call(self) -> &'static str {
        match self {
            Derivative::Analytic => "grad",
            Derivative::Centered => "numgrad",
            Derivative::Forward => "numgrad_forward",
        }
    }

    pub fn is_numeric(self) -> bool {
        self != Derivative::Analytic
    }
}

/// What a name stands for: a current value, a formula, or both.
#[derive(Clone, Copy)]
pub struct Binding<'a> {
    pub value: Option<&'a Tensor>,
    pub formula: Option<&'a Expr>,
    /// The same value, shared, when the scope holds it that way: the graph
    /// then keeps a reference instead of a copy.
    pub shared: Option<&'a Arc<Tensor>>,
    /// Instead of a value: some columns of another (a minibatch's samples),
    /// which products read in place and anything else copies out once.
    pub selection: Option<&'a Selection>,
}

/// Where the graph builder looks names up; the lesson implements it.
pub trait Scope {
    fn binding(&self, name: &str) -> Option<Binding<'_>>;
    /// Gradients already computed for the current values, shared by the
    /// `grad` calls of one training iteration (`None`: compute each anew).
    fn gradient_memo(&self) -> Option<&GradientMemo> {
        None
    }

    /// What evaluating may cost (`None`: no limit).
    fn budget(&self) -> Option<&Budget> {
        None
    }
}

/// The simplest scope: names bound to values, no formulas.
#[derive(Debug, Clone, Default)]
pub struct Values(pub HashMap<String, Tensor>);

impl Values {
    pub fn of(pairs: &[(&str, Tensor)]) -> Values {
        Values(
            pairs
                .iter()
                .map(|(n, t)| (n.to_string(), t.clone()))
                .collect(),
        )
    }
}

impl Scope for Values {
    fn binding(&self, name: &str) -> Option<Binding<'_>> {
        self.0.get(name).map(|v| Binding {
            shared: None,
            value: Some(v),
            formula: None,
            selection: None,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    /// Named nodes (inputs and derived-value roots) by name.
    pub named: HashMap<String, NodeId>,
}

impl Graph {
    /// Builds the graph of `expr` and computes every node's value.
    ///
    /// With `expand`, names that have a formula are built from it, down to the
    /// givens, so that the result can be differentiated with respect to any of
    /// them; without, a derived name is taken at its current value.
    pub fn build(
        expr: &Expr,
        scope: &dyn Scope,
        expand: bool,
    ) -> Result<(Graph, NodeId), EngineError> {
        let mut b = Builder {
            scope,
            expand,
            graph: Graph::default(),
            formula: None,
            visiting: Vec::new(),
            depth: 0,
            bytes: 0,
        };
        let root = b.expr(expr)?;
        Ok((b.graph, root))
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0]
    }

    pub fn value(&self, id: NodeId) -> &Tensor {
        self.nodes[id.0].value()
    }

    /// A node's value, taken out of the graph: without a copy when nothing
    /// else shares it (an update's result).
    pub fn into_value(mut self, id: NodeId) -> Tensor {
        let node = self.nodes.swap_remove(id.0);
        drop(self);
        let value = node.shared_value().clone();
        drop(node);
        Arc::try_unwrap(value).unwrap_or_else(|shared| (*shared).clone())
    }

    /// `A @ B` where `B` is a selection of columns not yet copied out: the
    /// product, forward and backward, reads them in place.
    fn selected_product(&self, op: Op, inputs: &[NodeId]) -> Option<(&Tensor, Columns<'_>)> {
        match inputs {
            &[a, b] => selected_product(op, &[&self.nodes[a.0], &self.nodes[b.0]]),
            _ => None,
        }
    }

    /// The node that holds `name`, if the graph reads or computes it.
    pub fn find(&self, name: &str) -> Option<NodeId> {
        self.named.get(name).copied()
    }
}

/// `A @ B` where `B` is a selection of columns not yet copied out: the
/// product, forward and backward, reads them in place.
fn selected_product<'n>(op: Op, inputs: &[&'n Node]) -> Option<(&'n Tensor, Columns<'n>)> {
    match (op, inputs) {
        (Op::MatMul, &[a, b]) => Some((a.value(), Columns::picked(b.selection()?))),
        _ => None,
    }
}

struct Builder<'s> {
    scope: &'s dyn Scope,
    expand: bool,
    graph: Graph,
    formula: Option<String>,
    visiting: Vec<String>,
    depth: usize,
    /// Bytes of the values this graph computed (not those it shares).
    bytes: u64,
}

impl Builder<'_> {
    fn push(&mut self, kind: NodeKind, inputs: Vec<NodeId>, value: Tensor, span: Span) -> NodeId {
        self.push_shared(kind, inputs, Arc::new(value), span)
    }

    fn push_shared(
        &mut self,
        kind: NodeKind,
        inputs: Vec<NodeId>,
        value: Arc<Tensor>,
        span: Span,
    ) -> NodeId {
        let id = NodeId(self.graph.nodes.len());
        let node = Node::new(kind, inputs, value, span, self.formula.clone());
        self.graph.nodes.push(node);
        id
    }

    fn err(&self, message: impl Into<String>, span: Span) -> EngineError {
        self.fail(ErrorKind::Invalid(message.into()), span)
    }

    fn fail(&self, kind: ErrorKind, span: Span) -> EngineError {
        let e = EngineError::of(kind, span);
        match &self.formula {
            Some(f) => e.in_formula(f),
            None => e,
        }
    }

    fn op(&mut self, op: Op, inputs: Vec<NodeId>, span: Span) -> Result<NodeId, EngineError> {
        let shapes: Vec<Shape> = inputs
            .iter()
            .map(|&i| self.graph.nodes[i.0].shape())
            .collect();
        // A product is the one operation whose work is not bounded by the
        // size of its result: it is paid for before it runs.
        if let (Op::MatMul, &[a, b]) = (op, shapes.as_slice())
            && a.1 == b.0
        {
            self.spend(product_cost(a, b), &span)?;
        }
        let value = match self.graph.selected_product(op, &inputs) {
            // A minibatch's columns multiplied where they lie.
            Some((a, columns)) => ops::matmul_checked(a, columns),
            None => {
                let nodes = &self.graph.nodes;
                let values: Vec<&Tensor> = inputs.iter().map(|&i| nodes[i.0].value()).collect();
                op.forward(&values)
            }
        }
        .map_err(|m| self.err(m, span.clone()))?;
        self.spend(op_cost(op, &shapes, value.shape()), &span)?;
        self.grow(value.len(), &span)?;
        Ok(self.push(NodeKind::Op(op), inputs, value, span))
    }

    fn expr(&mut self, e: &Expr) -> Result<NodeId, EngineError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.err(
                format!("formulas are nested more than {MAX_NESTING} levels deep"),
                e.span.clone(),
            ));
        }
        let r = self.expr_inner(e);
        self.depth -= 1;
        r
    }

    fn expr_inner(&mut self, e: &Expr) -> Result<NodeId, EngineError> {
        let span = e.span.clone();
        match &e.kind {
            ExprKind::Number(v) => {
                self.spend(NODE_WORK, &span)?;
                self.grow(1, &span)?;
                Ok(self.push(NodeKind::Constant, vec![], scalar(*v), span))
            }
            ExprKind::Name(name) => {
                self.spend(NODE_WORK, &span)?;
                self.grow(0, &span)?;
                self.name(name, span)
            }
            ExprKind::Neg(a) => {
                let a = self.expr(a)?;
                self.op(Op::Neg, vec![a], span)
            }
            ExprKind::Transpose(a) => {
                let a = self.expr(a)?;
                self.op(Op::Transpose, vec![a], span)
            }
            ExprKind::Binary(op, a, b) => {
                let (a, b) = (self.expr(a)?, self.expr(b)?);
                let op = match op {
                    BinOp::Add => Op::Add,
                    BinOp::Sub => Op::Sub,
                    BinOp::Mul => Op::Mul,
                    BinOp::Div => Op::Div,
                    BinOp::Pow => Op::Pow,
                    BinOp::MatMul => Op::MatMul,
                    BinOp::Gt => Op::Gt,
                    BinOp::Lt => Op::Lt,
                };
                self.op(op, vec![a, b], span)
            }
            ExprKind::Call {
                func,
                func_span,
                args,
            } => self.call(func, func_span.clone(), args, span),
            ExprKind::Index { target, indices } => {
                let t = self.expr(target)?;
                let shape = self.graph.nodes[t.0].shape();
                let mut at = Vec::new();
                for ix in indices {
                    at.push(match ix {
                        IndexArg::All => None,
                        IndexArg::At(ie) => Some(self.index_value(ie)?),
                    });
                }
                let (row, col) = match at.as_slice() {
                    [r, c] => (*r, *c),
                    // A single index picks from a vector along its length.
                    [k] if shape.1 == 1 => (*k, Some(0)),
                    [k] if shape.0 == 1 => (Some(0), *k),
                    [_] => {
                        return Err(self.err(
                            format!("one index into a {} matrix; write `A[i, j]`, `A[i, :]` or `A[:, j]`", shape_str(shape)),
                            span,
                        ));
                    }
                    _ => return Err(self.err("an index needs one or two positions", span)),
                };
                self.op(Op::Index { row, col }, vec![t], span)
            }
        }
    }

    /// An index must be a whole number known when the formula is built.
    fn index_value(&mut self, e: &Expr) -> Result<usize, EngineError> {
        let id = self.expr(e)?;
        let v = self.graph.nodes[id.0].value();
        if !is_scalar(v) {
            return Err(self.err(
                format!(
                    "an index must be a single number, not a {} value",
                    shape_str(v.shape())
                ),
                e.span.clone(),
            ));
        }
        let x = v[0];
        if x.fract() != 0.0 || x < 0.0 || x > u32::MAX as f64 {
            return Err(self.err(
                format!("an index must be a whole number from 0 up, not {x}"),
                e.span.clone(),
            ));
        }
        Ok(x as usize)
    }

    fn name(&mut self, name: &str, span: Span) -> Result<NodeId, EngineError> {
        if let Some(&id) = self.graph.named.get(name) {
            return Ok(id);
        }
        let Some(binding) = self.scope.binding(name) else {
            return Err(self.fail(ErrorKind::UnknownName(name.to_string()), span));
        };
        let shared = binding.shared.cloned();
        let id = match (self.expand, binding.formula, binding.value) {
            (true, Some(formula), _) => {
                if self.visiting.iter().any(|v| v == name) {
                    return Err(self.err(format!("`{name}` is defined in terms of itself"), span));
                }
                self.visiting.push(name.to_string());
                let outer = self.formula.replace(name.to_string());
                let built = self.expr(formula);
                self.formula = outer;
                self.visiting.pop();
                let mut root = built?;
                let root_node = &self.graph.nodes[root.0];
                if root_node.name.is_some() || matches!(root_node.kind, NodeKind::Input(_)) {
                    root = self.op(Op::Identity, vec![root], span)?;
                }
                self.graph.nodes[root.0].name = Some(name.to_string());
                root
            }
            (_, _, None) if let Some(selection) = binding.selection => {
                let node = Node::selected(name, selection.clone(), span, self.formula.clone());
                let id = NodeId(self.graph.nodes.len());
                self.graph.nodes.push(node);
                id
            }
            (_, _, Some(value)) => {
                let value = shared.unwrap_or_else(|| Arc::new(value.clone()));
                let id = self.push_shared(NodeKind::Input(name.to_string()), vec![], value, span);
                self.graph.nodes[id.0].name = Some(name.to_string());
                id
            }
            (false, Some(_), None) | (_, None, None) => {
                return Err(self.err(format!("`{name}` has no value yet"), span));
            }
        };
        self.graph.named.insert(name.to_string(), id);
        Ok(id)
    }

    fn call(
        &mut self,
        func: &str,
        func_span: Span,
        args: &[Expr],
        span: Span,
    ) -> Result<NodeId, EngineError> {
        if let Some(how) = Derivative::of_call(func) {
            return self.gradient(how, args, span);
        }
        let Some((op, arity)) = ops::function(func) else {
            return Err(self.fail(ErrorKind::UnknownFunction(func.to_string()), func_span));
        };
        if args.len() != arity {
            return Err(self.err(
                format!(
                    "`{func}` takes {arity} argument{}, not {}",
                    if arity == 1 { "" } else { "s" },
                    args.len()
                ),
                span,
            ));
        }
        let inputs = args
            .iter()
            .map(|a| self.expr(a))
            .collect::<Result<Vec<_>, _>>()?;
        self.op(op, inputs, span)
    }
}
