//! What-if edits, as state changes: `e` picks an element of a given (↑↓ the
//! given, ←→ the element) and takes a number; Enter records the edit and
//! asks the runtime to evaluate the lesson again; `u` undoes the last edit,
//! `R` goes back to the lesson's own numbers. Nothing here evaluates.

use super::app::{App, MAX_TYPED, OpenLesson, Typing};
use super::keys::Action;
use crate::lesson::edit::Edit;
use crate::lesson::format::element_name;
use crate::lesson::number;

/// An edit being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditDraft {
    /// Index into the lesson's givens.
    pub given: usize,
    /// Row-major element index.
    pub element: usize,
    pub text: String,
}

impl EditDraft {
    /// (name, row, column, current value) of the element being edited.
    pub fn target(&self, open: &OpenLesson) -> Option<(String, usize, usize, f64)> {
        let given = open.lesson.givens.get(self.given)?;
        let value = open.timeline.initial.get(&given.name)?;
        let cols = value.data.ncols().max(1);
        let (row, col) = (self.element / cols, self.element % cols);
        let v = *value.data.get((row, col))?;
        Some((given.name.clone(), row, col, v))
    }

    /// `s[cat]`, as the lesson names the element.
    pub fn label(&self, open: &OpenLesson) -> String {
        let Some((name, row, col, _)) = self.target(open) else {
            return String::new();
        };
        let value = open.timeline.initial.get(&name);
        let shape = value.map_or((1, 1), |v| v.data.shape());
        element_name(&name, value.map(|v| &**v), shape, row, col)
    }
}

/// The given to offer first: one the current step reads, else the first.
fn first_given(open: &OpenLesson) -> usize {
    let state = &open.timeline.steps[open.step];
    let reads = state.detail.reads();
    open.lesson
        .givens
        .iter()
        .position(|g| reads.contains(&g.name))
        .unwrap_or(0)
}

/// The what-if keys; returns whether the action was used.
pub fn keys(app: &mut App, action: Action) -> bool {
    if let Typing::Edit(_) = app.typing {
        return drafting(app, action);
    }
    let Some(open) = app.open.as_mut() else {
        return false;
    };
    match action {
        Action::Edit if open.lesson.givens.is_empty() => {
            app.info("This lesson has no given values to change.");
        }
        Action::Edit => {
            let given = first_given(open);
            app.typing = Typing::Edit(EditDraft {
                given,
                element: 0,
                text: String::new(),
            });
            app.notice = None;
        }
        Action::Undo => match open.edits.pop() {
            None => app.info("No what-if edits to undo."),
            Some(e) => {
                if open.edits.is_empty() {
                    open.restore_original();
                } else {
                    open.reevaluate = true;
                }
                let text = format!(
                    "Undone: {} is {} again.",
                    e.name,
                    number::trimmed(e.was, open.lesson.digits + 2)
                );
                app.info(text);
            }
        },
        Action::Reset => {
            if open.edits.is_empty() {
                app.info("These are the lesson's own numbers already.");
            } else {
                open.edits.clear();
                open.restore_original();
                app.info("Back to the lesson's own numbers.");
            }
        }
        _ => return false,
    }
    true
}

fn drafting(app: &mut App, action: Action) -> bool {
    let (Typing::Edit(draft), Some(open)) = (&mut app.typing, app.open.as_mut()) else {
        return false;
    };
    let count = open.lesson.givens.len().max(1);
    let elements = open
        .lesson
        .givens
        .get(draft.given)
        .and_then(|g| open.timeline.initial.get(&g.name))
        .map_or(1, |v| v.data.len().max(1));
    match action {
        Action::Up | Action::ScrollUp => {
            draft.given = (draft.given + count - 1) % count;
            draft.element = 0;
        }
        Action::Down | Action::ScrollDown => {
            draft.given = (draft.given + 1) % count;
            draft.element = 0;
        }
        Action::Prev => draft.element = (draft.element + elements - 1) % elements,
        Action::Next => draft.element = (draft.element + 1) % elements,
        Action::Type(c) if draft.text.len() < MAX_TYPED => draft.text.push(c),
        // `e` for an exponent, once there are digits: 1e-3.
        Action::Edit if !draft.text.is_empty() && draft.text.len() < MAX_TYPED => {
            draft.text.push('e')
        }
        Action::Backspace => {
            draft.text.pop();
        }
        Action::Enter => {
            let draft = draft.clone();
            let Some((name, row, col, was)) = draft.target(open) else {
                app.typing = Typing::None;
                return true;
            };
            match draft.text.trim().parse::<f64>() {
                Ok(value) if value.is_finite() => {
                    let label = draft.label(open);
                    open.apply(Edit {
                        name,
                        row,
                        col,
                        was,
                        value,
                    });
                    app.typing = Typing::None;
                    app.info(format!(
                        "What if {label} = {}? Recomputing every value that depends on it… (u undo · R reset)",
                        number::trimmed(value, 6)
                    ));
                }
                _ => app.warn(format!(
                    "`{}` is not a number; type one like 2.5 or -0.1",
                    draft.text
                )),
            }
        }
        Action::Escape | Action::Leave => app.typing = Typing::None,
        // Other keys are ignored while an edit is typed, so a stray one
        // cannot lose it.
        _ => {}
    }
    true
}
