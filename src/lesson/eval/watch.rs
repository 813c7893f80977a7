//! A training or search run again for someone to watch: the evaluation
//! reports what it does to a [`Watch`] and asks it, before each iteration,
//! whether to go on, so that the watcher sets the pace (pausing, single
//! steps, a speed) and the lesson layer knows nothing of it. The numbers
//! are those of the evaluation at load: the same formulas, seeds and order
//! of operations.

use std::sync::Arc;

use super::Cancel;
use crate::lesson::timeline::Values;

pub trait Watch: Send + Sync {
    /// A run of `total` iterations (or search trials) starts, tracking the
    /// named values.
    fn begin(&self, total: usize, tracked: &[String]);
    /// Tracked value `curve` was `value` at `iteration`.
    fn point(&self, curve: usize, iteration: usize, value: f64);
    /// A search trial's loss.
    fn loss(&self, value: f64);
    /// Blocks until the next iteration may run (the watcher's pace), or
    /// until `cancel` is raised.
    fn wait_turn(&self, cancel: &Cancel);
    /// `done` iterations are complete; `values` gives every value now, for
    /// the watcher to take when it wants a picture.
    fn advance(&self, done: usize, values: &dyn Fn() -> Arc<Values>);
    /// The run ended (finished, or stopped).
    fn finish(&self);
    /// Whether the watcher is going one iteration at a time (paused): then
    /// the tracked values are wanted at every iteration, not only every
    /// `every`, so that the numbers shown are those of the counter.
    fn stepping(&self) -> bool {
        false
    }
}
