//! The runtime side of live training: starts the run of the step the
//! learner is on, passes on what the keys asked for (pause, one step,
//! speed, restart), and copies back what the run has done. The run lives on
//! a thread of its own; the interface never waits for it.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::app::{App, LiveView, SPEEDS, Screen};
use super::pace::Live;
use crate::lesson::eval::regions::{Plane, classify_grid};
use crate::lesson::eval::{Cancel, rerun};

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
    /// Regions being classified beside the event loop (never in it: a
    /// picture may take tens of milliseconds), for the values of an
    /// iteration.
    plane_job: Option<(usize, Receiver<Result<Plane, String>>)>,
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
    // Arriving at a step not yet watched readies its run, paused at
    // iteration 0: the lecturer explains first, then starts it (Space or
    // Enter).
    if app.live.is_none()
        && let Some(open) = &app.open
        && !open.watched.contains(&k)
    {
        let mut view = LiveView::new(k, open.run_length(k));
        view.paused = true;
        app.live = Some(view);
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
    redraw |= follow_plane(app, k, r);
    let Some(view) = app.live.as_mut() else {
        return redraw;
    };
    // A run is over when its last picture of the regions (if it draws
    // them) is in.
    let draws_regions = app
        .open
        .as_ref()
        .is_some_and(|o| o.lesson.steps[k].regions.is_some());
    if finished && (!draws_regions || view.plane_at == Some(view.state.values_at)) {
        if let Some(open) = app.open.as_mut() {
            open.watched.insert(k);
        }
        if let Some(r) = run.take() {
            r.stop();
        }
    }
    redraw
}

/// Takes in a finished picture of the regions and starts the next one
/// when the parameters have moved on: returns whether to redraw.
fn follow_plane(app: &mut App, k: usize, r: &mut LiveRun) -> bool {
    let (Some(open), Some(view)) = (&app.open, app.live.as_mut()) else {
        return false;
    };
    let mut redraw = false;
    if let Some((at, rx)) = &r.plane_job {
        let done = match rx.try_recv() {
            Ok(plane) => Some(plane.map(Arc::new)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                Some(Err("the regions could not be computed".into()))
            }
        };
        if let Some(plane) = done {
            view.plane = Some(plane);
            view.plane_at = Some(*at);
            r.plane_job = None;
            redraw = true;
        }
    }
    let due = r.plane_time.is_none_or(|t| t.elapsed() >= PLANE_EVERY) || view.state.finished;
    if r.plane_job.is_none()
        && due
        && view.plane_at != Some(view.state.values_at)
        && let (Some(values), Some(regions), Some(Some(env))) = (
            view.state.values.clone(),
            open.lesson.steps[k].regions.clone(),
            open.timeline.formulas.get(k).cloned(),
        )
    {
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("nntutor-regions".into())
            .spawn(move || {
                let _ = tx.send(classify_grid(&env, &values, &regions));
            });
        if spawned.is_ok() {
            r.plane_job = Some((view.state.values_at, rx));
            r.plane_time = Some(Instant::now());
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
        plane_job: None,
    })
}
