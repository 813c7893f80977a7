//! `search = { trials, param, loss, seed }`: random search, drawing a
//! `random` given anew each trial and keeping the best; checked at load,
//! evaluated, and shown as a run.

use super::prelude::*;
use crate::lesson::eval::cost::{Distinct, numbers};

/// `search = { … }` as written.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { trials = 100, param = \"W\", loss = \"L\" }"
)]
pub struct SearchSpec {
    /// How many times to draw `param` anew.
    #[schemars(range(min = 1, max = 1000000))]
    pub trials: Sp<i64>,
    /// A given with `random = …`, drawn anew each trial.
    #[schemars(length(max = 200))]
    pub param: Sp<String>,
    /// The single number to make smallest.
    #[schemars(length(max = 200))]
    pub loss: Sp<String>,
    #[serde(default)]
    pub seed: i64,
}

/// The keys of a `search` step, as written.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchKeys {
    pub search: Option<SearchSpec>,
}

/// Random search, checked.
#[derive(Debug, Clone)]
pub struct Search {
    pub trials: usize,
    pub param: (String, Span),
    pub loss: (String, Span),
    pub seed: u64,
}

/// A search's run.
#[derive(Debug, Clone)]
pub struct SearchState {
    pub trials: usize,
    pub param: String,
    pub loss: String,
    /// The loss of each trial, and the best so far.
    pub losses: Vec<f64>,
    pub best_trial: usize,
    pub best_loss: f64,
}

impl Kind for Search {
    type Keys = SearchKeys;
    type Done = SearchState;
    const NAME: &'static str = "search";
    const KEYS: &'static [&'static str] = &["search"];
    const RUNS: bool = true;

    fn build(b: &mut Builder, keys: &SearchKeys, _: &RawStep, label: &str) -> Option<Option<Search>> {
        Some(build(b, keys.search.as_ref()?, label))
    }

    fn evaluate(
        &self,
        ev: &mut Evaluator<'_>,
        step: &Step,
        _: &mut Vec<String>,
    ) -> (Option<SearchState>, Vec<String>) {
        ev.search(step, self)
    }

    fn block<'a>(&'a self, done: &'a SearchState, _: At<'a>) -> Block<'a> {
        Block::Searched(done)
    }

    fn sets(&self) -> Vec<&str> {
        vec![self.param.0.as_str()]
    }

    fn rounds(s: &SearchState) -> usize {
        s.trials
    }

    fn retained(s: &SearchState, _: &mut Distinct) -> u64 {
        numbers(s.losses.len())
    }
}

/// Checks a step's `search`.
fn build(b: &mut Builder, sr: &SearchSpec, label: &str) -> Option<Search> {
    if sr.trials.v < 1 || sr.trials.v > 1_000_000 {
        b.err(
            format!("{label}: `trials` must be from 1 to 1000000"),
            sr.trials.span.clone(),
        );
        return None;
    }
    Some(Search {
        trials: sr.trials.v as usize,
        param: (sr.param.v.clone(), sr.param.span.clone()),
        loss: (sr.loss.v.clone(), sr.loss.span.clone()),
        seed: sr.seed as u64,
    })
}

impl Evaluator<'_> {
    /// The search's loss with `candidate` for its parameter, or an error
    /// at the loss's place (not a single number, or not evaluated).
    fn trial_loss(
        &mut self,
        step: &Step,
        s: &Search,
        expr: &Expr,
        candidate: &Tensor,
    ) -> Option<f64> {
        let ((param, _), (loss, lspan)) = (&s.param, &s.loss);
        self.env
            .overrides
            .insert(param.clone(), std::sync::Arc::new(candidate.clone()));
        let result = Graph::build(expr, &self.env, true);
        self.env.clear_overrides();
        let why = match result {
            Ok((g, r)) if is_scalar(g.value(r)) => return Some(g.value(r)[0]),
            Ok((g, r)) => format!(
                "the search loss must be a single number; `{loss}` is {}",
                shape_str(g.value(r).shape())
            ),
            Err(e) => format!("evaluating `{loss}`: {}", e.message()),
        };
        self.error(format!("{}: {why}", step.label()), lspan.clone());
        None
    }

    fn search(&mut self, step: &Step, s: &Search) -> (Option<SearchState>, Vec<String>) {
        let (param, pspan) = &s.param;
        let Some(random) = self
            .lesson
            .givens
            .iter()
            .find(|g| &g.name == param)
            .and_then(|g| g.random)
        else {
            self.error(format!("{}: `search` draws `{param}` anew each trial, so it must be a given with `random = ...`", step.label()), pspan.clone());
            return (None, Vec::new());
        };
        let (loss, lspan) = &s.loss;
        let expr = Expr {
            kind: ExprKind::Name(loss.clone()),
            span: 0..0,
        };
        let mut seeds = Rng::new(s.seed);
        let mut losses = Vec::with_capacity(s.trials);
        let mut best: Option<(usize, f64, Tensor)> = None;
        if let Some(live) = &self.live {
            live.begin(s.trials, &[]);
        }
        let start = self.env.budget.spent();
        for trial in 0..s.trials {
            // The first trial measured what each costs.
            if trial == 1 {
                let what = format!("{} trials of this search", s.trials);
                if !self.afford_rounds(step, &what, start, s.trials - 1, lspan) {
                    return (None, Vec::new());
                }
            }
            if let Some(live) = &self.live {
                live.wait_turn(&self.cancel);
            }
            if self.cancel.is_cancelled() {
                self.error(
                    format!(
                        "{}: interrupted at trial {trial} of {}",
                        step.label(),
                        s.trials
                    ),
                    s.param.1.clone(),
                );
                return (None, Vec::new());
            }
            let candidate = crate::lesson::build::draw(&random, seeds.next_u64());
            let Some(l) = self.trial_loss(step, s, &expr, &candidate) else {
                return (None, Vec::new());
            };
            losses.push(l);
            if best.as_ref().is_none_or(|b| l < b.1) {
                best = Some((trial, l, candidate));
            }
            if let Some(live) = &self.live {
                live.loss(l);
                live.advance(trial + 1, &|| self.env.snapshot());
            }
            if let Some(stages) = self.stages {
                stages.iterations(step.index - 1, trial + 1, s.trials);
            }
        }
        let Some((best_trial, best_loss, best_value)) = best else {
            return (None, Vec::new());
        };
        self.env.set_value(param, best_value);
        let mut changed = vec![param.clone()];
        changed.extend(self.recompute(step));
        let state = SearchState {
            trials: s.trials,
            param: param.clone(),
            loss: loss.clone(),
            losses,
            best_trial,
            best_loss,
        };
        (Some(state), changed)
    }
}
