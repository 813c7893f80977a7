//! `search = { trials, param, loss, seed }`: random search, drawing a
//! `random` given anew each trial and keeping the best; checked at load,
//! evaluated, and shown as a run.

use super::prelude::*;

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

/// Reads and checks a step's `search`.
pub(crate) fn build(b: &mut Builder, sr: &SearchSpec, label: &str) -> Option<Action> {
    if sr.trials.v < 1 || sr.trials.v > 1_000_000 {
        b.err(
            format!("{label}: `trials` must be from 1 to 1000000"),
            sr.trials.span.clone(),
        );
        return None;
    }
    Some(Action::Search(Search {
        trials: sr.trials.v as usize,
        param: (sr.param.v.clone(), sr.param.span.clone()),
        loss: (sr.loss.v.clone(), sr.loss.span.clone()),
        seed: sr.seed as u64,
    }))
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

    pub(crate) fn search(&mut self, step: &Step, s: &Search) -> (Detail, Vec<String>) {
        let (param, pspan) = &s.param;
        let Some(random) = self
            .lesson
            .givens
            .iter()
            .find(|g| &g.name == param)
            .and_then(|g| g.random)
        else {
            self.error(format!("{}: `search` draws `{param}` anew each trial, so it must be a given with `random = ...`", step.label()), pspan.clone());
            return (Detail::None, Vec::new());
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
                    return (Detail::None, Vec::new());
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
                return (Detail::None, Vec::new());
            }
            let candidate = crate::lesson::build::draw(&random, seeds.next_u64());
            let Some(l) = self.trial_loss(step, s, &expr, &candidate) else {
                return (Detail::None, Vec::new());
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
            return (Detail::None, Vec::new());
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
        (Detail::Search(state), changed)
    }
}
