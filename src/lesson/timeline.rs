//! The evaluated lesson: the state after every step, which the interface and
//! the exports only read.

use std::sync::Arc;

use super::env::Env;
use super::eval::regions::Plane;
use super::value::Value;
use crate::engine::{Graph, NodeId, Tensor, explain::explain};

pub use super::kinds::Detail;
pub use super::kinds::quiz::QuizState;
pub use super::kinds::search::SearchState;
pub use super::kinds::train::TrainState;

/// Every value visible at a point of the lesson, by name. A persistent
/// map: a step's snapshot shares every value and every branch it did not
/// change with the snapshot before it, so that keeping a snapshot per step
/// costs a few tree nodes a step rather than a copy of every name (20,000
/// steps of one `let` each kept 18 GB as copies).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values(rpds::RedBlackTreeMapSync<String, Arc<Value>>);

impl Values {
    pub fn new() -> Values {
        Values::default()
    }

    pub fn get(&self, name: &str) -> Option<&Arc<Value>> {
        self.0.get(name)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    pub fn insert(&mut self, name: String, value: Arc<Value>) {
        self.0.insert_mut(name, value);
    }

    /// The names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.keys()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Arc<Value>)> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.size()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::ops::Index<&str> for Values {
    type Output = Arc<Value>;

    /// The value of a name known to be there (a panic otherwise, as for a
    /// map): for names the evaluation checked.
    fn index(&self, name: &str) -> &Arc<Value> {
        &self.0[name]
    }
}

impl std::ops::Index<&String> for Values {
    type Output = Arc<Value>;

    fn index(&self, name: &String) -> &Arc<Value> {
        &self.0[name.as_str()]
    }
}

#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// The givens before the first step.
    pub initial: Arc<Values>,
    /// One state per step, in order (`steps[0]` is step 1).
    pub steps: Vec<StepState>,
    /// For steps that can be run again (training, search): the lesson's
    /// values and formulas just before them.
    pub resume: Vec<Option<Arc<Env>>>,
    /// For steps that draw regions: the formulas (and values) after them.
    pub formulas: Vec<Option<Arc<Env>>>,
}

#[derive(Debug, Clone)]
pub struct StepState {
    /// All values after this step.
    pub values: Arc<Values>,
    /// Names this step defined or changed, in order.
    pub changed: Vec<String>,
    pub detail: Detail,
    pub checks: Vec<CheckOutcome>,
    /// Things the learner or author should know (e.g. a budget was reached).
    pub notices: Vec<String>,
    /// The decision regions after this step, for a step that draws them.
    pub plane: Option<Arc<Plane>>,
}

/// One formula evaluated: its graph (every intermediate value) and root.
#[derive(Debug, Clone)]
pub struct Computation {
    pub name: String,
    /// The formula as written, `s = W @ x + b`.
    pub formula: String,
    pub graph: Arc<Graph>,
    pub root: NodeId,
    /// For updates: the value before the step (shared with the states
    /// before it).
    pub before: Option<Arc<Tensor>>,
}

impl Computation {
    pub fn result(&self) -> &Tensor {
        self.graph.value(self.root)
    }

    /// The names the formula reads, in order of first appearance.
    pub fn input_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for n in &self.graph.nodes {
            if let crate::engine::NodeKind::Input(name) = &n.kind
                && !names.contains(name)
            {
                names.push(name.clone());
            }
        }
        names
    }

    /// The arithmetic of element (i, j), numbers substituted.
    pub fn explain(&self, i: usize, j: usize, decimals: usize) -> String {
        super::format::arithmetic(&explain(&self.graph, self.root, i, j), decimals)
    }
}

#[derive(Debug, Clone)]
pub struct BackwardState {
    pub target: String,
    pub graph: Arc<Graph>,
    pub root: NodeId,
    /// d(target)/d(node) for every node of `graph` (`None`: no path).
    pub grads: Vec<Option<Tensor>>,
    /// The gradient values the step defined: (`dL_dW`, `W`).
    pub defined: Vec<(String, String)>,
    /// Elements the step's `walk` chose to stop at (in large values).
    pub chosen: Vec<(NodeId, (usize, usize))>,
}

#[derive(Debug, Clone)]
pub struct CheckOutcome {
    /// `slide` (what the slides print) rather than `expect`.
    pub slide: bool,
    pub name: String,
    pub expected: Tensor,
    pub tolerance: Tensor,
    pub computed: Tensor,
    pub passed: bool,
}
