//! The learner's pace for a training or search run again live: the run
//! (on a thread of its own) reports to a [`Live`], which keeps what it has
//! done for the interface to copy and draw, and holds it at each iteration
//! while the learner has paused it or asked for a slower pace. The lesson
//! layer only reports and asks ([`Watch`]); the pace is the tutor's.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::lesson::eval::{Cancel, Watch};
use crate::lesson::timeline::Values;

/// Parameters are handed to the interface at most this often.
const PUBLISH_EVERY: Duration = Duration::from_millis(30);

/// What a live run has done so far; the interface copies it to draw.
#[derive(Debug, Clone, Default)]
pub struct LiveState {
    /// Iterations (or search trials) completed.
    pub done: usize,
    pub total: usize,
    /// Each tracked value: (iteration, value), as in the timeline.
    pub curves: Vec<(String, Vec<(usize, f64)>)>,
    /// A search's loss per trial.
    pub losses: Vec<f64>,
    /// All values as of iteration `values_at` (givens current, the rest as
    /// before the step).
    pub values: Option<Arc<Values>>,
    pub values_at: usize,
    pub paused: bool,
    /// Iterations to run while paused (`s`).
    pub single_steps: usize,
    /// Iterations per second; `None`: as fast as the machine goes.
    pub speed: Option<f64>,
    pub finished: bool,
    /// Raised by every change, so that a reader knows when to redraw.
    pub version: u64,
    /// When the run began and ended (for the benchmark's figures).
    pub began: Option<Instant>,
    pub ended: Option<Instant>,
    clock: Option<(Instant, usize)>,
    published: Option<Instant>,
}

/// The shared handle: the running loop and the interface each hold one.
#[derive(Debug, Clone, Default)]
pub struct Live(Arc<(Mutex<LiveState>, Condvar)>);

impl Live {
    pub fn new(speed: Option<f64>, paused: bool) -> Live {
        let live = Live::default();
        {
            let mut s = live.lock();
            s.speed = speed;
            s.paused = paused;
        }
        live
    }

    fn lock(&self) -> MutexGuard<'_, LiveState> {
        // A poisoned lock only means a reader panicked mid-copy; the data
        // is still whole.
        self.0.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A copy of the state, for drawing.
    pub fn state(&self) -> LiveState {
        self.lock().clone()
    }

    pub fn version(&self) -> u64 {
        self.lock().version
    }

    fn changed(&self, mut s: MutexGuard<'_, LiveState>) {
        s.version += 1;
        drop(s);
        self.0.1.notify_all();
    }

    pub fn set_paused(&self, paused: bool) {
        let mut s = self.lock();
        s.paused = paused;
        s.clock = None;
        self.changed(s);
    }

    /// Runs one more iteration, pausing first if running.
    pub fn single_step(&self) {
        let mut s = self.lock();
        s.paused = true;
        s.single_steps += 1;
        self.changed(s);
    }

    pub fn set_speed(&self, speed: Option<f64>) {
        let mut s = self.lock();
        s.speed = speed;
        s.clock = None;
        self.changed(s);
    }

    /// Wakes a waiting loop so that it notices a cancelled flag.
    pub fn wake(&self) {
        self.0.1.notify_all();
    }

    fn wait<'a>(
        &self,
        s: MutexGuard<'a, LiveState>,
        timeout: Duration,
    ) -> MutexGuard<'a, LiveState> {
        match self.0.1.wait_timeout(s, timeout) {
            Ok((s, _)) => s,
            Err(e) => e.into_inner().0,
        }
    }
}

impl Watch for Live {
    fn begin(&self, total: usize, tracked: &[String]) {
        let mut s = self.lock();
        s.total = total;
        s.done = 0;
        s.curves = tracked.iter().map(|t| (t.clone(), Vec::new())).collect();
        s.losses.clear();
        s.finished = false;
        s.began = Some(Instant::now());
        s.ended = None;
        self.changed(s);
    }

    fn point(&self, curve: usize, iteration: usize, value: f64) {
        let mut s = self.lock();
        if let Some(c) = s.curves.get_mut(curve) {
            c.1.push((iteration, value));
        }
        self.changed(s);
    }

    fn loss(&self, value: f64) {
        let mut s = self.lock();
        s.losses.push(value);
        self.changed(s);
    }

    /// Waits until the next iteration may run: not paused (or a single step
    /// was asked for), and not ahead of the chosen pace.
    fn wait_turn(&self, cancel: &Cancel) {
        let mut s = self.lock();
        loop {
            if cancel.is_cancelled() {
                return;
            }
            if s.paused {
                if s.single_steps > 0 {
                    s.single_steps -= 1;
                    return;
                }
                s = self.wait(s, Duration::from_millis(50));
                continue;
            }
            let Some(speed) = s.speed.filter(|v| *v > 0.0) else {
                return;
            };
            let now = Instant::now();
            let done = s.done;
            let (start, from) = *s.clock.get_or_insert((now, done));
            let due = start + Duration::from_secs_f64((done - from) as f64 / speed);
            if now >= due {
                return;
            }
            s = self.wait(s, (due - now).min(Duration::from_millis(50)));
        }
    }

    /// One more iteration is done; `values` is asked for when the
    /// interface is due a new picture of the parameters.
    fn advance(&self, done: usize, values: &dyn Fn() -> Arc<Values>) {
        let mut s = self.lock();
        s.done = done;
        let due = s
            .published
            .is_none_or(|t| t.elapsed() >= PUBLISH_EVERY || s.paused || s.speed.is_some());
        if due || done == s.total {
            s.values = Some(values());
            s.values_at = done;
            s.published = Some(Instant::now());
        }
        self.changed(s);
    }

    fn stepping(&self) -> bool {
        self.lock().paused
    }

    fn finish(&self) {
        let mut s = self.lock();
        s.finished = true;
        s.ended = Some(Instant::now());
        self.changed(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paused_loop_runs_exactly_the_single_steps_asked_for() {
        let live = Live::new(None, true);
        let worker = live.clone();
        let cancel = Cancel::default();
        let stop = cancel.clone();
        let handle = std::thread::spawn(move || {
            worker.begin(10, &[]);
            for it in 0..10 {
                worker.wait_turn(&stop);
                if stop.is_cancelled() {
                    return it;
                }
                worker.advance(it + 1, &|| Arc::new(Values::new()));
            }
            10
        });
        live.single_step();
        live.single_step();
        // Two iterations run, then the loop waits.
        let deadline = Instant::now() + Duration::from_secs(5);
        while live.state().done < 2 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(live.state().done, 2);
        cancel.cancel();
        live.wake();
        assert_eq!(handle.join().unwrap(), 2);
    }

    #[test]
    fn a_paced_loop_keeps_to_its_speed() {
        // 200 iterations per second: 20 iterations take about 0.1 s.
        let live = Live::new(Some(200.0), false);
        let cancel = Cancel::default();
        live.begin(20, &[]);
        let start = Instant::now();
        for it in 0..20 {
            live.wait_turn(&cancel);
            live.advance(it + 1, &|| Arc::new(Values::new()));
        }
        let took = start.elapsed().as_secs_f64();
        assert!((0.08..1.0).contains(&took), "took {took} s");
    }
}
