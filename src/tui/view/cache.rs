//! The last step bodies drawn, kept as cells: laying out a step (its
//! matrices formatted, its squeeze chosen among five) costs milliseconds,
//! and a frame whose body has not changed (a redraw, a notice, the help
//! overlay, a resize back) copies the cells instead.
//!
//! A body is a function of the state its key holds; everything else in the
//! `App` it does not read. `tests/frame_cache.rs` drives random keys through
//! every lesson and checks each cached frame against one drawn afresh.

use std::cell::RefCell;
use std::sync::Arc;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::lesson::Lesson;
use crate::lesson::edit::Edit;
use crate::lesson::timeline::Timeline;
use crate::tui::app::{App, Evaluating, OpenLesson, Settings, Typing};
use crate::tui::predict::Guess;
use crate::tui::progress::QuizRecord;

/// Bodies kept: the step shown, and a few it was moved from.
const KEPT: usize = 4;

/// What a step's body is drawn from.
#[derive(Debug, Clone)]
struct Key {
    /// Held, so that the pointers compared cannot be reused.
    lesson: Arc<Lesson>,
    timeline: Arc<Timeline>,
    original: Option<Arc<Timeline>>,
    step: usize,
    sub: usize,
    scroll: u16,
    choice: usize,
    area: Rect,
    theme: crate::tui::theme::ThemeName,
    present: bool,
    ascii: bool,
    predict: bool,
    author: bool,
    typing: Typing,
    edits: Vec<Edit>,
    guesses: Option<Vec<Guess>>,
    revealed: Vec<usize>,
    watched: bool,
    evaluating: Option<Evaluating>,
    offered_next: bool,
    /// The step's quiz answer on record.
    quiz: Option<QuizRecord>,
}

impl PartialEq for Key {
    fn eq(&self, o: &Key) -> bool {
        let same_original = match (&self.original, &o.original) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        Arc::ptr_eq(&self.lesson, &o.lesson)
            && Arc::ptr_eq(&self.timeline, &o.timeline)
            && same_original
            && (self.step, self.sub, self.scroll, self.choice)
                == (o.step, o.sub, o.scroll, o.choice)
            && self.area == o.area
            && (
                self.theme,
                self.present,
                self.ascii,
                self.predict,
                self.author,
            ) == (o.theme, o.present, o.ascii, o.predict, o.author)
            && self.typing == o.typing
            && self.edits == o.edits
            && self.guesses == o.guesses
            && self.revealed == o.revealed
            && (self.watched, self.evaluating, self.offered_next)
                == (o.watched, o.evaluating, o.offered_next)
            && self.quiz == o.quiz
    }
}

/// A body drawn: its cells and its full height (for the scroll marker).
#[derive(Debug, Clone)]
struct Drawn {
    key: Key,
    cells: Buffer,
    height: u16,
}

/// The bodies drawn last, newest first. Drawing only reads the `App`:
/// this is the one thing it writes, behind a `RefCell`.
#[derive(Default)]
pub struct FrameCache(RefCell<Vec<Drawn>>);

impl Clone for FrameCache {
    /// A copy of the app draws afresh.
    fn clone(&self) -> FrameCache {
        FrameCache::default()
    }
}

impl std::fmt::Debug for FrameCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FrameCache({} bodies)", self.len())
    }
}

impl FrameCache {
    /// Forgets every body (the tests compare against a fresh drawing).
    pub fn clear(&self) {
        self.0.borrow_mut().clear();
    }

    /// How many bodies are kept.
    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The key of the body about to be drawn, or `None` when it must be drawn
/// afresh: a training running live, a lecture (its tally and follower
/// count change beside the keys), a step still being evaluated.
fn key(app: &App, open: &OpenLesson, area: Rect) -> Option<Key> {
    if app.live.is_some() || app.classroom.is_some() || !open.ready() {
        return None;
    }
    let Settings {
        theme,
        present,
        ascii,
        predict,
        author,
    } = app.settings.clone();
    let step = open.step;
    let mut revealed: Vec<usize> = open
        .revealed
        .iter()
        .filter(|(s, _)| *s == step)
        .map(|(_, p)| *p)
        .collect();
    revealed.sort_unstable();
    Some(Key {
        lesson: open.lesson.clone(),
        timeline: open.timeline.clone(),
        original: open.original.clone(),
        step,
        sub: open.sub,
        scroll: open.scroll,
        choice: open.choice,
        area,
        theme,
        present,
        ascii,
        predict,
        author,
        typing: app.typing.clone(),
        edits: open.edits.clone(),
        guesses: open.guesses.get(&step).cloned(),
        revealed,
        watched: open.watched.contains(&step),
        evaluating: open.evaluating,
        offered_next: open.offered_next,
        quiz: app
            .progress
            .lessons
            .get(&open.lesson.id)
            .and_then(|p| p.quizzes.get(&open.lesson.steps[step].index))
            .cloned(),
    })
}

/// Draws the body into `buf` at `area`: from the cache when this very body
/// was drawn before, else with `draw` (which returns its full height),
/// keeping the result. Its full height.
pub fn body(
    app: &App,
    open: &OpenLesson,
    area: Rect,
    buf: &mut Buffer,
    draw: impl FnOnce(&mut Buffer) -> u16,
) -> u16 {
    let Some(key) = key(app, open, area) else {
        return draw(buf);
    };
    let mut kept = app.frames.0.borrow_mut();
    if let Some(k) = kept.iter().position(|d| d.key == key) {
        let drawn = kept.remove(k);
        copy(&drawn.cells, buf, area);
        let height = drawn.height;
        kept.insert(0, drawn);
        return height;
    }
    let height = draw(buf);
    // Bodies of another timeline (another lesson, or the numbers before a
    // what-if edit) are not shown again soon: their values go with them.
    kept.retain(|d| Arc::ptr_eq(&d.key.timeline, &key.timeline));
    let mut cells = Buffer::empty(area);
    copy(buf, &mut cells, area);
    kept.insert(0, Drawn { key, cells, height });
    kept.truncate(KEPT);
    height
}

/// The cells of `area` from one buffer to another.
fn copy(from: &Buffer, to: &mut Buffer, area: Rect) {
    let area = area.intersection(from.area).intersection(to.area);
    for y in area.top()..area.bottom() {
        let (a, b) = (from.index_of(area.x, y), to.index_of(area.x, y));
        let w = area.width as usize;
        to.content[b..b + w].clone_from_slice(&from.content[a..a + w]);
    }
}
