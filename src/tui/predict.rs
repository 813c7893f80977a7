//! Predict, then reveal: a step asks for its numbers before showing them
//! (the lesson's `predict = [...]`, or every single-number result while the
//! learner's predict mode is on). The learner types a number per value; it
//! counts at the precision the lesson prints; then the worked answer shows.
//! Results go into the progress record like quiz answers.

use super::app::{App, MAX_TYPED, OpenLesson, Typing};
use super::keys::Action;
use super::progress::QuizRecord;
use super::update::close_enough;
use crate::lesson::number;
use crate::lesson::timeline::Detail;

#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    pub name: String,
    pub typed: String,
    pub answer: f64,
    pub right: bool,
}

/// The values the learner is asked for on step `k`.
pub fn targets(app: &App, open: &OpenLesson, k: usize) -> Vec<String> {
    let step = &open.lesson.steps[k];
    if !step.predict.is_empty() {
        return step.predict.iter().map(|(n, _)| n.clone()).collect();
    }
    match &open.timeline.steps[k].detail {
        Detail::Let(c) if app.settings.predict && c.result().len() == 1 => vec![c.name.clone()],
        _ => Vec::new(),
    }
}

/// The value still to be predicted on the current step, if any.
pub fn pending(app: &App, open: &OpenLesson) -> Option<String> {
    let k = open.step;
    if open.revealed.contains(&k) {
        return None;
    }
    let done = open.guesses.get(&k).map_or(0, Vec::len);
    let recorded = app
        .progress
        .lessons
        .get(&open.lesson.id)
        .is_some_and(|p| p.predictions.contains_key(&(k + 1)));
    if recorded && done == 0 && !app.settings.predict {
        return None;
    }
    targets(app, open, k).into_iter().nth(done)
}

/// The predict keys; returns whether the action was used.
pub fn keys(app: &mut App, action: Action) -> bool {
    let Some(open) = &app.open else { return false };
    let Some(name) = pending(app, open) else {
        return false;
    };
    let k = open.step;
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
                    guessed(app, k, name, text, v);
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
                open.revealed.insert(k);
            }
            app.notice = None;
        }
        _ => return false,
    }
    true
}

fn guessed(app: &mut App, k: usize, name: String, typed: String, v: f64) {
    let Some(open) = &app.open else { return };
    let all = targets(app, open, k).len();
    let Some(answer) = open.timeline.steps[k].values.get(&name).map(|x| x.data[0]) else {
        return;
    };
    let right = close_enough(v, &typed, answer, open.lesson.digits);
    let id = open.lesson.id.clone();
    let Some(open) = app.open.as_mut() else {
        return;
    };
    let guesses = open.guesses.entry(k).or_default();
    guesses.push(Guess {
        name,
        typed,
        answer,
        right,
    });
    if guesses.len() < all {
        return;
    }
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
