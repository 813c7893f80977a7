//! The interface's state: plain data that `update` changes and `draw` reads.

use std::sync::Arc;

use super::pace::LiveState;
use super::progress::Progress;
use super::theme::ThemeName;
use crate::lesson::document::{Audience, Document, Walk};
use crate::lesson::edit::Edit;
use crate::lesson::eval::Kept;
use crate::lesson::eval::regions::Plane;
use crate::lesson::timeline::StepState;
use crate::lesson::{Lesson, SourceFile, Timeline};

/// Iterations (or trials) per second the learner can choose with `+`/`-`;
/// `None` is as fast as the machine goes.
pub const SPEEDS: &[Option<f64>] = &[
    Some(1.0),
    Some(3.0),
    Some(10.0),
    Some(30.0),
    Some(100.0),
    Some(300.0),
    Some(1000.0),
    Some(3000.0),
    None,
];

/// A training or search step running again for the learner to watch.
#[derive(Debug, Clone)]
pub struct LiveView {
    /// The step (0-based) it runs.
    pub step: usize,
    /// What the run has done, as last copied from it.
    pub state: LiveState,
    pub paused: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Single iterations asked for and not yet passed to the run.
    pub single_steps: usize,
    /// Start again from the values before the step (`r`).
    pub restart: bool,
    /// The decision regions at the parameters of `plane_at`.
    pub plane: Option<Result<Arc<Plane>, String>>,
    pub plane_at: Option<usize>,
}

impl LiveView {
    /// A run at the speed that shows `total` iterations in a few seconds.
    pub fn new(step: usize, total: usize) -> LiveView {
        let speed = SPEEDS
            .iter()
            .position(|s| s.is_some_and(|s| total as f64 / s <= 8.0))
            .unwrap_or(SPEEDS.len() - 1);
        LiveView {
            step,
            state: LiveState::default(),
            paused: false,
            speed,
            single_steps: 0,
            restart: true,
            plane: None,
            plane_at: None,
        }
    }

    pub fn running(&self) -> bool {
        !self.state.finished
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Menu,
    Lesson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Warning,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub theme: ThemeName,
    pub present: bool,
    pub ascii: bool,
    /// Predict mode: every single-number result is asked for first.
    pub predict: bool,
    /// Author mode: the lesson's checks and notes for its author (`A`).
    pub author: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: ThemeName::Dark,
            present: false,
            ascii: false,
            predict: false,
            author: false,
        }
    }
}

impl Settings {
    /// Who the screen is for.
    pub fn audience(&self) -> Audience {
        if self.author {
            Audience::Author
        } else {
            Audience::Learner
        }
    }
}

/// One line of the lesson menu.
#[derive(Debug, Clone)]
pub struct MenuEntry {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub steps: usize,
    /// Where to load it from.
    pub source: SourceFile,
}

#[derive(Debug, Clone, Default)]
pub struct Menu {
    pub entries: Vec<MenuEntry>,
    pub selected: usize,
    /// Lesson files that could not be listed, with why.
    pub problems: Vec<String>,
}

/// The longest number the learner may type as a quiz answer, a prediction
/// or a what-if value.
pub const MAX_TYPED: usize = 24;

/// Text the learner is typing, and what it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typing {
    None,
    /// A step number to jump to.
    Jump(String),
    /// A number quiz's answer.
    Answer(String),
    /// A what-if edit: which element of which given, and the new number.
    Edit(super::whatif::EditDraft),
    /// A prediction of the step's value.
    Predict(String),
    /// The scratchpad's formula (`:`).
    Formula(super::scratchpad::Draft),
}

impl Typing {
    /// Whether every character typed is text (not a key's command).
    pub fn takes_text(&self) -> bool {
        matches!(self, Typing::Formula(_))
    }
}

/// A lesson being stepped through.
#[derive(Debug, Clone)]
pub struct OpenLesson {
    pub lesson: Arc<Lesson>,
    pub timeline: Arc<Timeline>,
    /// One walk per step: the positions inside it.
    pub walks: Vec<Walk>,
    /// The current step (0-based; the screen says `step+1`).
    pub step: usize,
    /// The position inside the step's walk.
    pub sub: usize,
    /// Lines of the body scrolled away.
    pub scroll: u16,
    /// The highlighted choice of a choice quiz.
    pub choice: usize,
    /// Steps whose live run the learner has watched to the end: coming
    /// back shows the result (`r` runs it again).
    pub watched: std::collections::HashSet<usize>,
    /// What-if edits in force, in the order made.
    pub edits: Vec<Edit>,
    /// The lesson's own timeline while edits are in force (values are
    /// marked where they differ from it).
    pub original: Option<Arc<Timeline>>,
    /// The edits changed: the runtime evaluates the lesson again.
    pub reevaluate: bool,
    /// Predictions typed, per step.
    pub guesses: std::collections::HashMap<usize, Vec<super::predict::Guess>>,
    /// → at the last step offered the next lesson; → again opens it.
    pub offered_next: bool,
    /// Answers shown without a prediction: (step, position in its walk),
    /// the position `usize::MAX` for a step's values as a whole.
    pub revealed: std::collections::HashSet<(usize, usize)>,
    /// While the lesson is still being evaluated beside the tutor: how far.
    pub evaluating: Option<Evaluating>,
}

/// How far the evaluation of a lesson opened early has gone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Evaluating {
    /// The step under way (0-based).
    pub step: usize,
    /// Its iterations (or trials) done, of `total` (0 for a step that
    /// does not iterate).
    pub done: usize,
    pub total: usize,
}

impl OpenLesson {
    pub fn new(lesson: Arc<Lesson>, timeline: Arc<Timeline>) -> OpenLesson {
        // A lesson still being evaluated has walks for its steps so far.
        let walks = (0..timeline.steps.len())
            // The walk is the same whoever reads.
            .map(|k| Document::of(&lesson, &timeline, k, Audience::Learner).walk())
            .collect();
        OpenLesson {
            lesson,
            timeline,
            walks,
            step: 0,
            sub: 0,
            scroll: 0,
            choice: 0,
            watched: Default::default(),
            edits: Vec::new(),
            original: None,
            reevaluate: false,
            guesses: Default::default(),
            revealed: Default::default(),
            offered_next: false,
            evaluating: None,
        }
    }

    /// Whether the current step is evaluated (a lesson opens before its
    /// trainings finish; a step after one waits for it).
    pub fn ready(&self) -> bool {
        self.step < self.timeline.steps.len()
    }

    /// The next step's state, as the evaluation beside the tutor delivers
    /// it, with what the timeline keeps beside it.
    /// With what-if edits in force it goes to the lesson's own numbers,
    /// kept aside, not to the edited ones.
    /// Every given, once those made as the lesson is evaluated are made.
    pub fn set_initial(&mut self, initial: Arc<crate::lesson::timeline::Values>) {
        let own = self.original.as_mut().unwrap_or(&mut self.timeline);
        Arc::make_mut(own).initial = initial;
    }

    pub fn push_step(&mut self, state: StepState, kept: Kept) {
        let own = self.original.as_mut().unwrap_or(&mut self.timeline);
        let timeline = Arc::make_mut(own);
        timeline.steps.push(state);
        timeline.resume.push(kept.resume);
        timeline.formulas.push(kept.formulas);
        let own = self
            .original
            .clone()
            .unwrap_or_else(|| self.timeline.clone());
        self.extend_walks(&own);
    }

    /// Walks for the steps `timeline` has that the walks do not yet cover.
    fn extend_walks(&mut self, timeline: &Timeline) {
        for k in self.walks.len()..timeline.steps.len() {
            let walk = Document::of(&self.lesson, timeline, k, Audience::Learner).walk();
            self.walks.push(walk);
        }
    }

    /// Records a what-if edit; the runtime evaluates the lesson again.
    pub fn apply(&mut self, edit: Edit) {
        if self.original.is_none() {
            self.original = Some(self.timeline.clone());
        }
        self.edits.push(edit);
        self.reevaluate = true;
    }

    /// The lesson evaluated with the edits: shapes are unchanged, so the
    /// walks and the place in them stay.
    pub fn set_timeline(&mut self, timeline: Arc<Timeline>) {
        // An edited lesson may be evaluated before its own numbers are.
        self.extend_walks(&timeline);
        self.timeline = timeline;
        self.watched.clear();
    }

    /// Back to the lesson's own numbers, exactly as first evaluated.
    pub fn restore_original(&mut self) {
        if let Some(original) = self.original.take() {
            self.set_timeline(original);
        }
        self.reevaluate = false;
    }

    /// Whether the current step can run live: training or search (the
    /// timeline keeps the values before those, to run them again).
    pub fn live_step(&self) -> Option<usize> {
        let k = self.step;
        self.timeline
            .resume
            .get(k)
            .is_some_and(Option::is_some)
            .then_some(k)
    }

    /// Iterations or trials of step `k`.
    pub fn run_length(&self, k: usize) -> usize {
        self.timeline.steps[k].detail.rounds()
    }

    pub fn step_count(&self) -> usize {
        self.lesson.steps.len()
    }

    /// The current step's walk (none while it waits to be evaluated).
    pub fn walk(&self) -> &Walk {
        self.walk_of(self.step)
    }

    /// Step `k`'s walk (none while it waits to be evaluated).
    pub fn walk_of(&self, k: usize) -> &Walk {
        static WAITING: Walk = Walk::Single;
        self.walks.get(k).unwrap_or(&WAITING)
    }
}

#[derive(Debug, Clone)]
pub struct App {
    pub screen: Screen,
    pub menu: Menu,
    pub open: Option<OpenLesson>,
    pub settings: Settings,
    pub help: bool,
    /// The steps' overview (`o`) is open, on this row.
    pub overview: Option<usize>,
    pub typing: Typing,
    pub notice: Option<Notice>,
    pub progress: Progress,
    /// Progress changed since it was last saved.
    pub progress_dirty: bool,
    /// The menu entry the runtime should load and open.
    pub pending_open: Option<usize>,
    /// The lesson being evaluated to open (its id), while it runs.
    pub loading: Option<String>,
    /// The learner gave up waiting: the runtime stops the evaluation.
    pub cancel_loading: bool,
    /// The training or search of the current step, running live.
    pub live: Option<LiveView>,
    /// While a scratch (`:`) is shown in its place: the lesson, as it was.
    pub under_scratch: Option<Box<OpenLesson>>,
    /// The scratchpad's formulas, oldest first (↑ brings them back).
    pub formulas: Vec<String>,
    /// The lecture shared or followed, as the screen shows it.
    pub classroom: Option<super::classroom::Classroom>,
    /// Quiz answers a follower gave, for the runtime to send.
    pub answers_out: Vec<super::classroom::Given>,
    pub quit: bool,
    /// The step bodies drawn last (see `view::cache`).
    pub frames: super::view::cache::FrameCache,
}

impl App {
    pub fn new(menu: Menu, settings: Settings, progress: Progress) -> App {
        App {
            screen: Screen::Menu,
            menu,
            open: None,
            settings,
            help: false,
            overview: None,
            typing: Typing::None,
            notice: None,
            progress,
            progress_dirty: false,
            pending_open: None,
            loading: None,
            cancel_loading: false,
            live: None,
            under_scratch: None,
            formulas: Vec::new(),
            classroom: None,
            answers_out: Vec::new(),
            quit: false,
            frames: Default::default(),
        }
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            kind: NoticeKind::Info,
            text: text.into(),
        });
    }

    pub fn warn(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            kind: NoticeKind::Warning,
            text: text.into(),
        });
    }

    /// Shows a lesson at `start` (1-based), or where the learner left it.
    pub fn open_lesson(
        &mut self,
        lesson: Arc<Lesson>,
        timeline: Arc<Timeline>,
        start: Option<usize>,
    ) {
        let mut open = OpenLesson::new(lesson, timeline);
        self.progress.opened(&open.lesson.id);
        self.progress_dirty = true;
        let n = open.step_count();
        let saved = self.progress.lessons.get(&open.lesson.id).map(|p| p.step);
        let step = match (start, saved) {
            (Some(s), _) => s,
            (None, Some(s)) if s > 1 && s <= n => {
                self.info(format!(
                    "Welcome back: resumed at step {s}, where you left off. Press g to start from step 1."
                ));
                s
            }
            _ => 1,
        };
        if let Some(s) = start.filter(|&s| s == 0 || s > n) {
            self.warn(format!(
                "There is no step {s}; this lesson has steps 1 to {n}. Showing step {}.",
                s.clamp(1, n.max(1))
            ));
        }
        open.step = step.clamp(1, n.max(1)) - 1;
        if let Some(i) = self
            .menu
            .entries
            .iter()
            .position(|e| e.id == open.lesson.id)
        {
            self.menu.selected = i;
        }
        self.open = Some(open);
        self.live = None;
        self.screen = Screen::Lesson;
        self.typing = Typing::None;
        self.record_position();
    }

    /// A new version of the open lesson (`--watch`): the same step and
    /// position where they still exist.
    pub fn reload_lesson(&mut self, lesson: Arc<Lesson>, timeline: Arc<Timeline>) {
        let (step, sub) = self.open.as_ref().map_or((0, 0), |o| (o.step, o.sub));
        let mut open = OpenLesson::new(lesson, timeline);
        open.step = step.min(open.step_count().saturating_sub(1));
        open.sub = sub.min(open.walk().positions().saturating_sub(1));
        self.info(format!("Reloaded {}", open.lesson.source.name));
        self.open = Some(open);
        self.live = None;
        self.screen = Screen::Lesson;
        self.record_position();
    }

    /// Notes the current step in the progress record.
    /// The menu on the lesson used last (if it is still in the menu).
    pub fn select_last_used(&mut self) {
        let last = self.progress.last.as_ref();
        if let Some(k) = last.and_then(|l| self.menu.entries.iter().position(|e| &e.id == l)) {
            self.menu.selected = k;
        }
    }

    pub fn record_position(&mut self) {
        // A scratch is nobody's progress.
        if self.under_scratch.is_some() {
            return;
        }
        let Some(open) = &self.open else { return };
        let step = open.step + 1;
        let unchanged = self
            .progress
            .lessons
            .get(&open.lesson.id)
            .is_some_and(|p| p.step == step && p.furthest >= step);
        if !unchanged {
            let entry = self.progress.lesson_mut(&open.lesson.id);
            entry.step = step;
            entry.furthest = entry.furthest.max(step);
            self.progress_dirty = true;
        }
    }
}
