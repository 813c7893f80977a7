//! Predict, then reveal: a step asks for its numbers before showing them
//! (the lesson's `predict = [...]`, or every single-number result while the
//! learner's predict mode is on). The learner types a number per value; it
//! counts at the precision the lesson prints; then the worked answer shows.
//! Results go into the progress record like quiz answers.

use super::app::{App, MAX_TYPED, OpenLesson, Typing};
use super::keys::Action;
use super::progress::QuizRecord;
use super::update::close_enough;
use crate::lesson::document::Walk;
use crate::lesson::document::walk::MAX_WALK;
use crate::lesson::format::element_name;
use crate::lesson::number;
use crate::lesson::timeline::Detail;

#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    pub name: String,
    pub typed: String,
    pub answer: f64,
    pub right: bool,
}

/// One number the learner is asked for: a value, or one element of a
/// result the walk has reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// How the prompt names it: `L`, `P[car, car image]`.
    pub label: String,
    /// The value it is part of, and the element.
    pub value: String,
    pub cell: (usize, usize),
}

impl Target {
    fn whole(name: &str) -> Target {
        Target {
            label: name.to_string(),
            value: name.to_string(),
            cell: (0, 0),
        }
    }
}

/// The values the learner is asked for on step `k`: the lesson's
/// `predict`, or in predict mode a single-number result, or each element
/// of an expanded result, one per position of its walk.
pub fn targets(app: &App, open: &OpenLesson, k: usize) -> Vec<Target> {
    // Nothing is asked of a step still being evaluated.
    if k >= open.timeline.steps.len() {
        return Vec::new();
    }
    let step = &open.lesson.steps[k];
    if !step.predict.is_empty() {
        return step.predict.iter().map(|(n, _)| Target::whole(n)).collect();
    }
    let Detail::Let(c) = &open.timeline.steps[k].detail else {
        return Vec::new();
    };
    if !app.settings.predict {
        return Vec::new();
    }
    let t = c.result();
    if t.len() == 1 {
        return vec![Target::whole(&c.name)];
    }
    let &Walk::Elements { rows, cols } = open.walk_of(k) else {
        return Vec::new();
    };
    let value = open.timeline.steps[k]
        .values
        .get(&c.name)
        .map(|v| v.as_ref());
    (0..rows * cols)
        .take(MAX_WALK)
        .map(|sub| {
            let cell = (sub / cols, sub % cols);
            Target {
                label: element_name(&c.name, value, (rows, cols), cell.0, cell.1),
                value: c.name.clone(),
                cell,
            }
        })
        .collect()
}

/// Where on step `k` a target is revealed: its element's position in the
/// walk, or the whole step.
fn place(open: &OpenLesson, k: usize, target: &Target) -> (usize, usize) {
    match open.walk_of(k) {
        Walk::Elements { cols, .. } if target.value != target.label => {
            (k, target.cell.0 * cols + target.cell.1)
        }
        _ => (k, usize::MAX),
    }
}

/// The element an element walk's prediction is about at the current
/// position (whether or not it has been predicted yet).
pub fn current_element(app: &App, open: &OpenLesson) -> Option<Target> {
    let target = targets(app, open, open.step).into_iter().nth(open.sub)?;
    (target.label != target.value).then_some(target)
}

/// The value still to be predicted at the current position, if any: the
/// next of the step's values, or the element the walk is on.
pub fn pending(app: &App, open: &OpenLesson) -> Option<Target> {
    let k = open.step;
    let done = open.guesses.get(&k).map_or(&[][..], Vec::as_slice);
    let recorded = app
        .progress
        .lessons
        .get(&open.lesson.id)
        .is_some_and(|p| p.predictions.contains_key(&(k + 1)));
    if recorded && done.is_empty() && !app.settings.predict {
        return None;
    }
    let all = targets(app, open, k);
    let next = match open.walk_of(k) {
        Walk::Elements { .. } if all.len() > 1 && all[0].label != all[0].value => {
            all.into_iter().nth(open.sub)?
        }
        _ => all.into_iter().nth(done.len())?,
    };
    let guessed = done.iter().any(|g| g.name == next.label);
    (!guessed && !open.revealed.contains(&place(open, k, &next))).then_some(next)
}

/// The predict keys; returns whether the action was used.
pub fn keys(app: &mut App, action: Action) -> bool {
    let Some(open) = &app.open else { return false };
    let Some(target) = pending(app, open) else {
        return false;
    };
    let k = open.step;
    let at = place(open, k, &target);
    let typed = match &mut app.typing {
        Typing::Predict(s) => Some(s),
        _ => None,
    };
    match (action, typed) {
        (Action::Type(c), Some(s)) => {
            if s.len() < MAX_TYPED {
                s.push(c);
            }
        }
        (Action::Type(c), None) => app.typing = Typing::Predict(c.to_string()),
        (Action::Backspace, Some(s)) => {
            s.pop();
        }
        (Action::Escape, Some(_)) => app.typing = Typing::None,
        (Action::Enter, Some(s)) if !s.trim().is_empty() => {
            let text = s.trim().to_string();
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => {
                    app.typing = Typing::None;
                    guessed(app, k, target, text, v);
                }
                _ => app.warn(format!(
                    "`{text}` is not a number; type digits, `.` and `-`, then Enter."
                )),
            }
        }
        // Enter with nothing typed, Space or → : show the answer unguessed.
        (Action::Enter | Action::Next | Action::Space, _) => {
            app.typing = Typing::None;
            if let Some(open) = app.open.as_mut() {
                open.revealed.insert(at);
            }
            app.notice = None;
        }
        _ => return false,
    }
    true
}

fn guessed(app: &mut App, k: usize, target: Target, typed: String, v: f64) {
    let Some(open) = &app.open else { return };
    let all = targets(app, open, k).len();
    let answer = open.timeline.steps[k]
        .values
        .get(&target.value)
        .and_then(|x| x.data.get(target.cell).copied());
    let Some(answer) = answer else {
        return;
    };
    let right = close_enough(v, &typed, answer, open.lesson.digits);
    let id = open.lesson.id.clone();
    // An element walk records as it goes; a step's values once all are in.
    let whole = target.label == target.value;
    let Some(open) = app.open.as_mut() else {
        return;
    };
    let guesses = open.guesses.entry(k).or_default();
    guesses.push(Guess {
        name: target.label,
        typed,
        answer,
        right,
    });
    let record = QuizRecord {
        answer: guesses
            .iter()
            .map(|g| format!("{} ≈ {}", g.name, g.typed))
            .collect::<Vec<_>>()
            .join(", "),
        correct: guesses.iter().all(|g| g.right),
    };
    let right = guesses.iter().filter(|g| g.right).count();
    let total = guesses.len();
    // An element walk records as it goes; a step's values once all are in.
    if whole && total < all {
        return;
    }
    app.progress
        .lesson_mut(&id)
        .predictions
        .insert(k + 1, record);
    app.progress_dirty = true;
    app.info(if right == total {
        "Predicted right, to the precision shown.".to_string()
    } else {
        format!("{right} of {total} predicted to the precision shown; the worked answer is below.")
    });
}

/// `0.25` as the lesson prints numbers.
pub fn shown(v: f64, digits: usize) -> String {
    number::trimmed(v, number::decimals_needed(v, digits))
}
