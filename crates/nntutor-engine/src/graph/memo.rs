//! The `grad` results of one training iteration, shared by its update
//! formulas, and each loss's compiled plan, kept across iterations.

use super::plan::Plan;
use super::*;

/// The `grad(L, W)` results of one set of values. `wanted` lists, per loss,
/// every W some formula will ask for, so that the first request computes
/// them all in one backward pass.
#[derive(Debug, Default)]
pub struct GradientMemo {
    pub wanted: HashMap<String, Vec<String>>,
    pub cache: std::sync::Mutex<MemoEntries>,
    /// Each loss's graph compiled by the first iteration, rerun by the
    /// others (`None`: it cannot be, and is rebuilt each time).
    plans: std::sync::Mutex<HashMap<String, Option<Plan>>>,
    /// The update formulas' plans, by the caller's number for each.
    formulas: std::sync::Mutex<Formulas>,
}

/// The update formulas' plans, and how many times one was built instead.
#[derive(Debug, Default)]
struct Formulas {
    plans: HashMap<usize, Option<Plan>>,
    builds: usize,
}

/// What one forward and backward pass of a loss left behind.
#[derive(Debug, Default)]
pub struct MemoEntries {
    /// `(loss, parameter)` → the gradient.
    pub gradients: HashMap<(String, String), Arc<Tensor>>,
    /// Each loss's value, from the same forward pass.
    pub losses: HashMap<String, Arc<Tensor>>,
}

impl GradientMemo {
    /// A memo for the gradients `wanted` asks for, per loss.
    pub fn new(wanted: HashMap<String, Vec<String>>) -> GradientMemo {
        GradientMemo {
            wanted,
            ..GradientMemo::default()
        }
    }

    pub(super) fn entries(&self) -> std::sync::MutexGuard<'_, MemoEntries> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forgets every value: the values (or the minibatch) changed. The
    /// compiled plans stay: they read the new values when they run.
    pub fn clear(&self) {
        let mut e = self.entries();
        e.gradients.clear();
        e.losses.clear();
    }

    pub(super) fn plans(&self) -> std::sync::MutexGuard<'_, HashMap<String, Option<Plan>>> {
        self.plans.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps the plan of `loss`'s graph, once.
    pub(super) fn compile(
        &self,
        loss: &str,
        graph: &Graph,
        root: NodeId,
        wrts: &[(String, NodeId)],
    ) {
        let mut plans = self.plans();
        if !plans.contains_key(loss) {
            plans.insert(loss.to_string(), Plan::compile(graph, root, wrts));
        }
    }

    /// d`loss`/d`wrt` by `loss`'s compiled plan, which computes (and
    /// keeps) every gradient of the loss and, with `value`, its value in
    /// one run. `None`: there is no plan, it does not give that gradient,
    /// or it no longer fits the scope's values.
    pub(super) fn planned(
        &self,
        loss: &str,
        wrt: &str,
        scope: &dyn Scope,
        value: bool,
    ) -> Option<Arc<Tensor>> {
        let plans = self.plans();
        let plan = plans.get(loss)?.as_ref()?;
        if !plan.differentiates(wrt) {
            return None;
        }
        let run = plan.run(scope, value)?;
        drop(plans);
        let mut entries = self.entries();
        let mut wanted = None;
        for (name, g) in run.gradients {
            let g = Arc::new(g);
            if name == wrt {
                wanted = Some(g.clone());
            }
            entries.gradients.insert((loss.to_string(), name), g);
        }
        if let Some(value) = run.loss {
            entries.losses.insert(loss.to_string(), value);
        }
        wanted
    }

    /// The value of a training's update formula `expr` (the caller's
    /// number `key` for it), as `Graph::build(expr, scope, true)` gives
    /// it. The first call builds the graph and compiles it; later ones
    /// rerun the plan, its `grad` calls reading this memo. Where the plan
    /// no longer fits, the graph is built, and says why if it fails.
    pub fn evaluate(
        &self,
        key: usize,
        expr: &Expr,
        scope: &dyn Scope,
    ) -> Result<Tensor, EngineError> {
        let planned = {
            let formulas = self.formulas();
            formulas
                .plans
                .get(&key)
                .and_then(Option::as_ref)
                .and_then(|plan| plan.run(scope, true))
                .and_then(|run| run.loss)
        };
        if let Some(value) = planned {
            return Ok(Arc::try_unwrap(value).unwrap_or_else(|shared| (*shared).clone()));
        }
        self.formulas().builds += 1;
        let (graph, root) = Graph::build(expr, scope, true)?;
        let mut formulas = self.formulas();
        formulas
            .plans
            .entry(key)
            .or_insert_with(|| Plan::compile_formula(&graph, root));
        drop(formulas);
        Ok(graph.into_value(root))
    }

    fn formulas(&self) -> std::sync::MutexGuard<'_, Formulas> {
        self.formulas.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many times [`evaluate`](GradientMemo::evaluate) built a graph.
    #[cfg(test)]
    pub(super) fn formula_builds(&self) -> usize {
        self.formulas().builds
    }
}

impl Clone for GradientMemo {
    /// The copy starts empty: cached gradients belong to the values of the
    /// evaluation that computed them.
    fn clone(&self) -> Self {
        GradientMemo {
            wanted: self.wanted.clone(),
            cache: Default::default(),
            plans: Default::default(),
            formulas: Default::default(),
        }
    }
}
