//! A lesson opened before it is evaluated. The evaluation runs beside the
//! tutor and reports as it goes: the checked lesson first (a few
//! milliseconds: the tutor opens it then), then each step's state as soon
//! as it is ready, and the iterations of a training under way. A step that
//! waits for a training says so with its progress; keys stay live; leaving
//! the lesson stops the evaluation.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use super::app::{App, Evaluating, Screen};
use crate::lesson::eval::{Cancel, Kept, Stages};
use crate::lesson::timeline::{StepState, Values};
use crate::lesson::{Lesson, Loaded, Severity, SourceFile, Timeline, load_staged};

/// The longest the first frame waits for steps that take no time.
const SETTLE: Duration = Duration::from_millis(500);

/// What the evaluation sends, in this order.
pub enum Arrival {
    /// The lesson is checked; no step is evaluated yet.
    Checked(Box<Lesson>, Arc<Values>),
    /// Every given is made (after givens made later: generated digits).
    Givens(Arc<Values>),
    /// The next step is evaluated.
    Step(Box<StepState>, Kept),
    /// The evaluation is over: the whole lesson, or why it does not open.
    Done(Box<Loaded>),
}

/// The evaluation's side: arrivals on a channel, iterations in counters
/// (a training's thousands of iterations are read, not queued).
struct Reporter {
    tx: Sender<Arrival>,
    counters: Arc<Counters>,
}

#[derive(Default)]
struct Counters {
    step: AtomicUsize,
    done: AtomicUsize,
    total: AtomicUsize,
}

impl Reporter {
    fn send(&self, arrival: Arrival) {
        // The tutor may have gone; then nobody waits for it.
        let _ = self.tx.send(arrival);
    }
}

impl Stages for Reporter {
    fn checked(&self, lesson: &Lesson, initial: &Arc<Values>) {
        self.send(Arrival::Checked(Box::new(lesson.clone()), initial.clone()));
    }

    fn givens(&self, initial: &Arc<Values>) {
        self.send(Arrival::Givens(initial.clone()));
    }

    fn step(&self, k: usize, state: &StepState, kept: Kept) {
        let c = &self.counters;
        c.step.store(k + 1, Ordering::Relaxed);
        c.done.store(0, Ordering::Relaxed);
        c.total.store(0, Ordering::Relaxed);
        self.send(Arrival::Step(Box::new(state.clone()), kept));
    }

    fn iterations(&self, k: usize, done: usize, total: usize) {
        let c = &self.counters;
        c.step.store(k, Ordering::Relaxed);
        c.total.store(total, Ordering::Relaxed);
        c.done.store(done, Ordering::Relaxed);
    }
}

/// The tutor's side of a lesson being evaluated.
pub struct Opening {
    rx: Receiver<Arrival>,
    pub cancel: Cancel,
    counters: Arc<Counters>,
    /// The lesson as opened, once checked.
    lesson: Option<Arc<Lesson>>,
}

impl Opening {
    /// Starts evaluating `source` on a thread of its own.
    pub fn start(source: SourceFile) -> Option<Opening> {
        let (tx, rx) = channel();
        let cancel = Cancel::default();
        let counters = Arc::new(Counters::default());
        let reporter = Reporter {
            tx,
            counters: counters.clone(),
        };
        let stop = cancel.clone();
        std::thread::Builder::new()
            .name("nntutor-open".into())
            .spawn(move || {
                let loaded = load_staged(source, &stop, &reporter);
                reporter.send(Arrival::Done(Box::new(loaded)));
            })
            .ok()?;
        Some(Opening {
            rx,
            cancel,
            counters,
            lesson: None,
        })
    }

    /// Waits until the lesson is checked (then the tutor can open it), or
    /// until the evaluation is over (a lesson with errors, which the
    /// caller reports as before).
    /// `None`: the evaluation ended without a word (it cannot: the loader
    /// turns a panic into a `Done` with the bug's message).
    pub fn wait_checked(&mut self) -> Result<(Lesson, Arc<Values>), Option<Box<Loaded>>> {
        match self.rx.recv() {
            Ok(Arrival::Checked(lesson, initial)) => Ok((*lesson, initial)),
            Ok(Arrival::Done(loaded)) => Err(Some(loaded)),
            Ok(Arrival::Step(..) | Arrival::Givens(_)) | Err(_) => Err(None),
        }
    }

    /// Opens the checked lesson at `start` (1-based; `None`: where the
    /// learner left it), with no step evaluated yet.
    pub fn open(
        &mut self,
        app: &mut App,
        lesson: Lesson,
        initial: Arc<Values>,
        start: Option<usize>,
    ) {
        let lesson = Arc::new(lesson);
        let timeline = Timeline {
            initial,
            ..Timeline::default()
        };
        app.open_lesson(lesson.clone(), Arc::new(timeline), start);
        if let Some(open) = app.open.as_mut() {
            open.evaluating = Some(Evaluating::default());
        }
        self.lesson = Some(lesson);
        self.settle(app);
    }

    /// Waits for the step shown, unless a training or search (or a data
    /// set to generate) comes before it: a step that computes little is
    /// drawn with its numbers, not as waiting for a few milliseconds; one
    /// after a training is drawn at once.
    fn settle(&mut self, app: &mut App) {
        let Some(open) = self.ours(app) else { return };
        let runs = |s: &crate::lesson::Step| s.action.runs();
        let steps = &open.lesson.steps;
        // Givens made as the lesson is evaluated (generated digits) come
        // before every step, like a training.
        let later = open.lesson.givens.iter().any(|g| g.later.is_some());
        let first_run = match later {
            true => 0,
            false => steps.iter().position(runs).unwrap_or(steps.len()),
        };
        let want = first_run.min(open.step + 1);
        // A bound for a machine under load: the frame is not held longer.
        let deadline = Instant::now() + SETTLE;
        while self
            .ours(app)
            .is_some_and(|o| o.timeline.steps.len() < want)
        {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(Arrival::Step(state, kept)) => {
                    if let Some(open) = self.ours(app) {
                        open.push_step(*state, kept);
                    }
                }
                Ok(Arrival::Givens(initial)) => {
                    if let Some(open) = self.ours(app) {
                        open.set_initial(initial);
                    }
                }
                Ok(Arrival::Done(loaded)) => {
                    self.finish(app, *loaded);
                    return;
                }
                Ok(Arrival::Checked(..)) | Err(_) => return,
            }
        }
    }

    /// Takes in what arrived: whether to redraw, and whether the
    /// evaluation is over (the opening can be dropped).
    pub fn sync(&mut self, app: &mut App) -> (bool, bool) {
        let mut redraw = false;
        loop {
            match self.rx.try_recv() {
                Ok(Arrival::Checked(lesson, initial)) => {
                    app.notice = None;
                    app.loading = None;
                    self.open(app, *lesson, initial, None);
                    redraw = true;
                }
                Ok(Arrival::Step(state, kept)) => {
                    if let Some(open) = self.ours(app) {
                        open.push_step(*state, kept);
                        redraw = true;
                    }
                }
                Ok(Arrival::Givens(initial)) => {
                    if let Some(open) = self.ours(app) {
                        open.set_initial(initial);
                        redraw = true;
                    }
                }
                Ok(Arrival::Done(loaded)) => {
                    self.finish(app, *loaded);
                    return (true, true);
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => return (true, true),
            }
        }
        // The learner left the lesson: nobody waits for the rest, and the
        // half-evaluated lesson goes (the menu opens a lesson anew).
        let left = app.screen == Screen::Menu || self.ours(app).is_none();
        if let Some(lesson) = self.lesson.as_ref().filter(|_| left) {
            self.cancel.cancel();
            app.info(format!(
                "Stopped evaluating {}; it starts again when opened.",
                lesson.id
            ));
            if self.ours(app).is_some() {
                app.open = None;
                app.live = None;
            }
            return (true, true);
        }
        let now = self.progress();
        if let Some(open) = self.ours(app)
            && open.evaluating != Some(now)
        {
            open.evaluating = Some(now);
            redraw = true;
        }
        (redraw, false)
    }

    /// How far the evaluation is.
    fn progress(&self) -> Evaluating {
        let c = &self.counters;
        Evaluating {
            step: c.step.load(Ordering::Relaxed),
            done: c.done.load(Ordering::Relaxed),
            total: c.total.load(Ordering::Relaxed),
        }
    }

    /// The open lesson, if it is the one this opening evaluates (shown,
    /// or under a scratch the learner opened over it).
    fn ours<'a>(&self, app: &'a mut App) -> Option<&'a mut super::app::OpenLesson> {
        let lesson = self.lesson.as_ref()?;
        let mine = |o: &super::app::OpenLesson| Arc::ptr_eq(&o.lesson, lesson);
        if app.open.as_ref().is_some_and(mine) {
            return app.open.as_mut();
        }
        app.under_scratch.as_deref_mut().filter(|o| mine(o))
    }

    /// The evaluation is over: the lesson is complete, or it does not open
    /// (an error found while evaluating), and the learner is told why.
    fn finish(&mut self, app: &mut App, loaded: Loaded) {
        app.loading = None;
        let failed = loaded.timeline.is_none() || loaded.lesson.is_none();
        let id = loaded
            .lesson
            .as_ref()
            .map_or_else(|| loaded.source.name.clone(), |l| l.id.clone());
        let ours = self.ours(app).is_some();
        if !failed {
            if let Some(open) = self.ours(app) {
                open.evaluating = None;
            }
            return;
        }
        if ours || self.lesson.is_none() {
            let first = loaded
                .diagnostics
                .iter()
                .find(|d| d.severity == Severity::Error)
                .map(|d| d.headline(&loaded.source))
                .unwrap_or_else(|| "it does not evaluate".into());
            if ours {
                app.open = None;
                app.under_scratch = None;
                app.live = None;
                app.screen = Screen::Menu;
            }
            app.warn(format!("Cannot open {id}: {first}"));
        }
    }
}
