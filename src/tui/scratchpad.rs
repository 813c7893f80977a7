//! The scratchpad in the tutor: `:` opens a formula line at any step; Enter
//! evaluates the formula over the lesson's values as they are at that step
//! and shows it as a lesson of its own (forward element by element, then
//! backward); Esc comes back to the lesson where it was.

use std::sync::Arc;

use super::app::{App, OpenLesson, Screen, Typing};
use super::keys::Action;
use crate::lesson::scratch;

/// The longest formula the line takes.
pub const MAX_FORMULA: usize = 200;
/// How many formulas ↑ brings back.
const HISTORY: usize = 50;

/// The formula being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub text: String,
    /// The cursor, in characters.
    pub cursor: usize,
    /// Which earlier formula ↑ ↓ show (`None`: the one being typed).
    pub recalled: Option<usize>,
    /// What was typed before ↑ was first pressed.
    pub typed: String,
    /// Why Enter did not open it, and where in it (in characters).
    pub error: Option<(String, Option<usize>)>,
}

/// The scratchpad's keys; returns whether the action was used.
pub fn keys(app: &mut App, action: Action) -> bool {
    if let Typing::Formula(_) = app.typing {
        edit(app, action);
        return true;
    }
    match action {
        Action::Formula => begin(app),
        Action::Leave | Action::Escape if app.under_scratch.is_some() => close(app),
        _ => return false,
    }
    true
}

/// `:`: the formula line, if this step's values are there to use.
fn begin(app: &mut App) {
    let Some(open) = &app.open else { return };
    if !open.ready() {
        app.info("The scratchpad opens once this step's numbers are computed.");
        return;
    }
    app.typing = Typing::Formula(Draft::default());
}

fn edit(app: &mut App, action: Action) {
    let Typing::Formula(draft) = &mut app.typing else {
        return;
    };
    let len = draft.text.chars().count();
    match action {
        Action::Text(c) if !c.is_control() && len < MAX_FORMULA => {
            let at = byte_at(&draft.text, draft.cursor);
            draft.text.insert(at, c);
            draft.cursor += 1;
            draft.error = None;
        }
        Action::Backspace if draft.cursor > 0 => {
            draft.cursor -= 1;
            let at = byte_at(&draft.text, draft.cursor);
            draft.text.remove(at);
            draft.error = None;
        }
        Action::Backspace => app.typing = Typing::None,
        Action::Prev => draft.cursor = draft.cursor.saturating_sub(1),
        Action::Next => draft.cursor = (draft.cursor + 1).min(len),
        Action::First => draft.cursor = 0,
        Action::Last => draft.cursor = len,
        Action::Up => recall(draft, &app.formulas, true),
        Action::Down => recall(draft, &app.formulas, false),
        Action::Escape => app.typing = Typing::None,
        Action::Enter => enter(app),
        _ => {}
    }
}

/// ↑ (`older`) and ↓ through the formulas typed before.
fn recall(draft: &mut Draft, history: &[String], older: bool) {
    let n = history.len();
    let next = match (draft.recalled, older) {
        (None, true) if n > 0 => Some(n - 1),
        (Some(k), true) => Some(k.saturating_sub(1)),
        (Some(k), false) if k + 1 < n => Some(k + 1),
        (Some(_), false) => None,
        (None, _) => return,
    };
    if draft.recalled.is_none() {
        draft.typed = draft.text.clone();
    }
    draft.recalled = next;
    draft.text = next.map_or_else(|| draft.typed.clone(), |k| history[k].clone());
    draft.cursor = draft.text.chars().count();
    draft.error = None;
}

/// Enter: the formula evaluated at this step and shown, or why not.
fn enter(app: &mut App) {
    let (Typing::Formula(draft), Some(open)) = (&mut app.typing, &app.open) else {
        return;
    };
    let text = draft.text.trim().to_string();
    if text.is_empty() {
        app.typing = Typing::None;
        return;
    }
    let values = open.timeline.steps[open.step].values.clone();
    match scratch::at_step(&text, &values, open.lesson.digits) {
        Err(why) => draft.error = Some(why),
        Ok((lesson, timeline)) => {
            remember(&mut app.formulas, &text);
            app.typing = Typing::None;
            show(app, lesson, timeline);
        }
    }
}

fn remember(history: &mut Vec<String>, text: &str) {
    history.retain(|h| h != text);
    history.push(text.to_string());
    if history.len() > HISTORY {
        history.remove(0);
    }
}

/// The scratch in the lesson's place, at its formula; the lesson kept to
/// come back to.
fn show(app: &mut App, mut lesson: crate::lesson::Lesson, timeline: crate::lesson::Timeline) {
    lesson.title = format!("scratchpad: {}", lesson.title);
    let mut scratch = OpenLesson::new(Arc::new(lesson), Arc::new(timeline));
    // Past the step that shows the values it took, to the first formula.
    scratch.step = usize::from(!scratch.lesson.givens.is_empty());
    let Some(lesson) = app.open.take() else {
        return;
    };
    let under = app.under_scratch.as_deref().unwrap_or(&lesson);
    let name = format!("{} step {}", under.lesson.title, under.step + 1);
    // A second scratch replaces the first; the lesson stays underneath.
    if app.under_scratch.is_none() {
        app.under_scratch = Some(Box::new(lesson));
    }
    app.open = Some(scratch);
    app.live = None;
    app.screen = Screen::Lesson;
    app.info(format!(
        "Scratchpad: → steps through it, : another formula, Esc back to {name}."
    ));
}

/// Back to the lesson as it was left.
pub fn close(app: &mut App) {
    let Some(mut lesson) = app.under_scratch.take() else {
        return;
    };
    // What-if edits being evaluated when the scratch opened: again.
    if !lesson.edits.is_empty() {
        lesson.reevaluate = true;
    }
    app.open = Some(*lesson);
    app.live = None;
    app.typing = Typing::None;
    app.screen = Screen::Lesson;
    app.info("Back to the lesson.");
}

/// The byte offset of character `k`.
fn byte_at(s: &str, k: usize) -> usize {
    s.char_indices().nth(k).map_or(s.len(), |(b, _)| b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(app: &mut App, text: &str) {
        for c in text.chars() {
            keys(app, Action::Text(c));
        }
    }

    fn draft(app: &App) -> &Draft {
        match &app.typing {
            Typing::Formula(d) => d,
            other => panic!("not typing a formula: {other:?}"),
        }
    }

    #[test]
    fn the_line_edits_and_recalls() {
        let mut app = App::new(Default::default(), Default::default(), Default::default());
        app.typing = Typing::Formula(Draft::default());
        app.formulas = vec!["a + b".into(), "2 * c".into()];
        typed(&mut app, "x+y");
        keys(&mut app, Action::Prev);
        keys(&mut app, Action::Backspace);
        typed(&mut app, " + ");
        assert_eq!(draft(&app).text, "x + y");
        keys(&mut app, Action::Up);
        assert_eq!(draft(&app).text, "2 * c");
        keys(&mut app, Action::Up);
        keys(&mut app, Action::Up);
        assert_eq!(draft(&app).text, "a + b");
        keys(&mut app, Action::Down);
        keys(&mut app, Action::Down);
        assert_eq!(draft(&app).text, "x + y");
        keys(&mut app, Action::Escape);
        assert_eq!(app.typing, Typing::None);
    }
}
