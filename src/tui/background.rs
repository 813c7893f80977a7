//! What runs beside the event loop, so that keys never wait: a lesson
//! being loaded to open, the current step's training run live, the lesson
//! evaluated again with what-if edits, a watched file's reloads, saving
//! progress.

use std::sync::Arc;
use std::time::Duration;

use super::app::App;
use super::opening::Opening;
use super::progress::Store;
use super::{live, terminal, watch};
use crate::lesson::Timeline;

/// What runs beside the event loop: keys never wait on it.
#[derive(Default)]
pub(super) struct Background<'w> {
    /// A lesson being evaluated: before it opens, and after, until its
    /// last step is ready.
    opening: Option<Opening>,
    /// The current step's training, running for the learner to watch.
    live_run: Option<live::LiveRun>,
    /// The lesson evaluated again with the learner's what-if edits.
    recompute: Option<Recompute>,
    /// The lesson file watched for saves (`--watch`).
    watcher: Option<&'w mut watch::Watcher>,
    /// A failed save is said once; the lesson goes on without saving.
    save_failed: bool,
    /// The lecture shared or followed.
    classroom: Option<super::classroom::Job>,
}

impl<'w> Background<'w> {
    /// Nothing running yet but `opening` (a lesson opened before it is
    /// evaluated); saves to `watcher`'s file are followed.
    pub(super) fn new(
        watcher: Option<&'w mut watch::Watcher>,
        opening: Option<Opening>,
        classroom: Option<super::classroom::Job>,
    ) -> Self {
        Background {
            watcher,
            opening,
            classroom,
            ..Background::default()
        }
    }

    /// The live run and the what-if evaluation brought in line with the
    /// app, and worker panics shown: whether to redraw.
    pub(super) fn sync_runs(&mut self, app: &mut App, bugs: &mut Vec<String>) -> bool {
        let mut redraw = live::sync(app, &mut self.live_run);
        redraw |= sync_recompute(app, &mut self.recompute);
        for bug in terminal::take_worker_panics() {
            app.warn(format!(
                "Internal error (a bug in nntutor; please report it): {bug}"
            ));
            bugs.push(bug);
            redraw = true;
        }
        redraw
    }

    /// Loading a lesson (started, cancelled, finished), a watched file's
    /// reload, and saving progress: whether to redraw, and whether a
    /// lesson was just opened (to draw it before anything else).
    pub(super) fn sync_jobs(&mut self, app: &mut App, store: &Store) -> (bool, bool) {
        let mut redraw = false;
        if let Some(k) = app.pending_open.take() {
            // A lesson still being evaluated gives way to the one picked.
            if let Some(o) = self.opening.take() {
                o.cancel.cancel();
            }
            self.opening = start_opening(app, k);
            redraw = true;
        }
        if app.cancel_loading {
            if let Some(o) = self.opening.take() {
                o.cancel.cancel();
            }
            app.cancel_loading = false;
            app.loading = None;
            redraw = true;
        }
        if let Some(o) = self.opening.as_mut() {
            let had = app.open.is_some();
            let (changed, over) = o.sync(app);
            redraw |= changed;
            if over {
                self.opening = None;
            }
            // Just opened: draw it before anything else.
            if !had && app.open.is_some() {
                return (true, true);
            }
        }
        if let Some(job) = self.classroom.as_mut() {
            let (changed, shown) = job.sync(app);
            redraw |= changed;
            // The lecturer showed another lesson: it opens in its place.
            if let Some(source) = shown {
                if let Some(o) = self.opening.take() {
                    o.cancel.cancel();
                }
                self.opening = Opening::start(source);
            }
        }
        if let Some(reload) = self.watcher.as_mut().and_then(|w| w.poll()) {
            apply_reload(app, reload);
            redraw = true;
        }
        if app.progress_dirty {
            match store.save(&app.progress) {
                Ok(()) => app.progress_dirty = false,
                Err(e) if !self.save_failed => {
                    self.save_failed = true;
                    app.progress_dirty = false;
                    app.warn(e);
                    redraw = true;
                }
                Err(_) => app.progress_dirty = false,
            }
        }
        (redraw, false)
    }

    /// How long to wait for a key: briefly while work runs beside.
    pub(super) fn wait(&self) -> Duration {
        Duration::from_millis(if self.opening.is_some() || self.recompute.is_some() {
            5
        } else if self.live_run.is_some() || self.classroom.is_some() {
            // About 60 frames a second while a training runs; a lecture's
            // moves are passed on as promptly.
            16
        } else {
            100
        })
    }
}

fn apply_reload(app: &mut App, reload: watch::Reload) {
    match reload {
        watch::Reload::Loaded(loaded) => match (loaded.lesson, loaded.timeline) {
            (Some(lesson), Some(timeline)) => {
                // A scratch over the old version gives way to the new one.
                super::scratchpad::close(app);
                app.reload_lesson(Arc::new(lesson), Arc::new(timeline))
            }
            _ => app.warn(format!(
                "Not reloaded, showing the last version that loaded: {}",
                watch::first_error(&loaded.source, &loaded.diagnostics)
            )),
        },
        watch::Reload::Unreadable(why) => app.warn(format!(
            "Not reloaded, showing the last version that loaded: {why}"
        )),
    }
}

/// What-if edits being evaluated beside the event loop.
pub(super) struct Recompute {
    pub(super) edits: Vec<crate::lesson::edit::Edit>,
    pub(super) rx: std::sync::mpsc::Receiver<Result<Arc<Timeline>, String>>,
    pub(super) cancel: crate::lesson::eval::Cancel,
}

/// Starts evaluating new edits (stopping an evaluation of older ones) and
/// takes in a finished one: returns whether to redraw.
pub(super) fn sync_recompute(app: &mut App, recompute: &mut Option<Recompute>) -> bool {
    let Some(open) = app.open.as_mut() else {
        return false;
    };
    let stale = recompute.as_ref().is_some_and(|r| r.edits != open.edits);
    if (stale || open.edits.is_empty())
        && let Some(r) = recompute.take()
    {
        r.cancel.cancel();
    }
    if open.reevaluate {
        open.reevaluate = false;
        if !open.edits.is_empty() {
            let (tx, rx) = std::sync::mpsc::channel();
            let cancel = crate::lesson::eval::Cancel::default();
            let (lesson, edits, stop) = (open.lesson.clone(), open.edits.clone(), cancel.clone());
            let spawned = std::thread::Builder::new()
                .name("nntutor-whatif".into())
                .stack_size(64 * 1024 * 1024)
                .spawn(move || {
                    let _ = tx.send(crate::lesson::edit::evaluate_edited(&lesson, &edits, &stop));
                });
            if spawned.is_ok() {
                *recompute = Some(Recompute {
                    edits: open.edits.clone(),
                    rx,
                    cancel,
                });
            }
        }
    }
    let Some(r) = recompute else { return false };
    let result = match r.rx.try_recv() {
        Ok(result) => result,
        Err(std::sync::mpsc::TryRecvError::Empty) => return false,
        // The evaluation panicked: the panic hook has its message.
        Err(std::sync::mpsc::TryRecvError::Disconnected) => {
            Err("the evaluation stopped with an internal error".to_string())
        }
    };
    *recompute = None;
    match result {
        Ok(timeline) => {
            open.set_timeline(timeline);
            let n = open.edits.len();
            app.live = None;
            app.info(format!(
                "{n} what-if edit{} in force: values that differ from the lesson's own are marked. u undo · R reset",
                if n == 1 { "" } else { "s" }
            ));
        }
        Err(why) => {
            // The edit is taken back: the screen keeps the numbers it had.
            open.edits.pop();
            if open.edits.is_empty() {
                open.restore_original();
            }
            app.warn(format!(
                "That edit is refused: {why}. The numbers stay as they were."
            ));
        }
    }
    true
}

/// Starts evaluating menu entry `k`; it opens as soon as it is checked.
fn start_opening(app: &mut App, k: usize) -> Option<Opening> {
    let entry = app.menu.entries.get(k)?;
    let id = entry.id.clone();
    let opening = Opening::start(entry.source.clone())?;
    app.info(format!("Opening {id}… (Esc stops)"));
    app.loading = Some(id);
    Some(opening)
}
