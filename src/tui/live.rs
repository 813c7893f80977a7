//! The runtime side of live training: starts the run of the step the
//! learner is on, passes on what the keys asked for (pause, one step,
//! speed, restart), and copies back what the run has done. The run lives on
//! a thread of its own; the interface never waits for it.

use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::app::{App, LiveView, SPEEDS, Screen};
use crate::lesson::eval::regions::classify_grid;
use crate::lesson::eval::{Cancel, Live, rerun};

/// Decision regions are recomputed at most this often while training runs.
const PLANE_EVERY: Duration = Duration::from_millis(33);

/// A training or search running for the learner to watch.
pub struct LiveRun {
    step: usize,
    live: Live,
    cancel: Cancel,
    handle: Option<JoinHandle<()>>,
    seen: u64,
    /// What was last passed on, to pass on only changes.
    paused: bool,
    speed: usize,
    plane_time: Option<Instant>,
}

impl LiveRun {
    fn stop(mut self) {
        self.cancel.cancel();
        self.live.wake();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for LiveRun {
    fn drop(&mut self) {
        // Never leave a run computing for a view that is gone.
        self.cancel.cancel();
        self.live.wake();
    }
}

/// Brings the run in line with the app: returns whether to redraw.
pub fn sync(app: &mut App, run: &mut Option<LiveRun>) -> bool {
    let here = match (&app.screen, &app.open) {
        (Screen::Lesson, Some(open)) => open.live_step(),
        _ => None,
    };
    let mut redraw = false;
    // Leaving the step ends its run; its view goes too.
    if app.live.as_ref().is_some_and(|l| Some(l.step) != here) {
        app.live = None;
        redraw = true;
    }
    if run.as_ref().is_some_and(|r| Some(r.step) != here)
        && let Some(r) = run.take()
    {
        r.stop();
    }
    let Some(k) = here else { return redraw };
    // Arriving at a step not yet watched starts it.
    if app.live.is_none()
        && let Some(open) = &app.open
        && !open.watched.contains(&k)
    {
        app.live = Some(LiveView::new(k, open.run_length(k)));
    }
    let Some(view) = app.live.as_mut() else {
        return redraw;
    };
    if view.restart {
        view.restart = false;
        if let Some(r) = run.take() {
            r.stop();
        }
        view.state = Default::default();
        view.plane = None;
        view.plane_at = None;
        if let Some(open) = &app.open {
            *run = start(open, k, view);
        }
        redraw = true;
    }
    let Some(r) = run.as_mut() else {
        return redraw;
    };
    if view.paused != r.paused {
        r.live.set_paused(view.paused);
        r.paused = view.paused;
    }
    if view.speed != r.speed {
        r.live.set_speed(SPEEDS[view.speed]);
        r.speed = view.speed;
    }
    for _ in 0..std::mem::take(&mut view.single_steps) {
        r.live.single_step();
    }
    let version = r.live.version();
    if version != r.seen {
        r.seen = version;
        view.state = r.live.state();
        view.paused = view.state.paused;
        r.paused = view.paused;
        redraw = true;
    }
    let finished = view.state.finished;
    // The regions follow the parameters, a few dozen times a second.
    if let (Some(open), Some(values)) = (&app.open, &view.state.values)
        && let Some(regions) = &open.lesson.steps[k].regions
        && view.plane_at != Some(view.state.values_at)
        && (finished || r.plane_time.is_none_or(|t| t.elapsed() >= PLANE_EVERY))
        && let Some(Some(env)) = open.timeline.formulas.get(k)
    {
        view.plane = Some(classify_grid(env, values, regions).map(std::sync::Arc::new));
        view.plane_at = Some(view.state.values_at);
        r.plane_time = Some(Instant::now());
        redraw = true;
    }
    if finished && view.plane_at.is_none_or(|at| at == view.state.values_at) {
        if let Some(open) = app.open.as_mut() {
            open.watched.insert(k);
        }
        if let Some(r) = run.take() {
            r.stop();
        }
    }
    redraw
}

fn start(open: &super::app::OpenLesson, k: usize, view: &LiveView) -> Option<LiveRun> {
    let live = Live::new(SPEEDS[view.speed], view.paused);
    let cancel = Cancel::default();
    let (lesson, timeline) = (open.lesson.clone(), open.timeline.clone());
    let (worker, stop) = (live.clone(), cancel.clone());
    let handle = std::thread::Builder::new()
        .name("nntutor-live".into())
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            // The run's own result is the timeline's (same formulas, same
            // seed); the view follows it through `live`.
            let _ = rerun(&lesson, &timeline, k, &worker, &stop);
        })
        .ok()?;
    Some(LiveRun {
        step: k,
        live,
        cancel,
        handle: Some(handle),
        seen: 0,
        paused: view.paused,
        speed: view.speed,
        plane_time: None,
    })
}
