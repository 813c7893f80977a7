//! `update(app, action)`: every change the keys make, as a pure function of
//! the state. Loading a lesson is left to the runtime (`pending_open`), so
//! that nothing here waits on a file or an evaluation.

use super::app::{App, LiveView, MAX_TYPED, SPEEDS, Screen, Typing};
use super::keys::Action;
use super::progress::QuizRecord;
use crate::lesson::Action as StepAction;
use crate::lesson::model::QuizKind;
use crate::lesson::number;
use crate::lesson::timeline::Detail;

/// Applies one action; returns whether the screen needs drawing again.
pub fn update(app: &mut App, action: Action) -> bool {
    if action == Action::Follow && !app.typing.takes_text() {
        return super::classroom::follow_again(app);
    }
    let before = super::classroom::position(app);
    let redraw = update_here(app, action);
    super::classroom::after_key(app, before);
    redraw
}

fn update_here(app: &mut App, action: Action) -> bool {
    if action == Action::Quit {
        app.quit = true;
        return true;
    }
    if app.help {
        // Any key closes the help; the one that opened it does nothing more.
        app.help = false;
        return true;
    }
    if super::overview::keys(app, action) {
        return true;
    }
    match action {
        Action::Help => {
            app.help = true;
            return true;
        }
        Action::CycleTheme => {
            let next = app.settings.theme.next();
            if next == app.settings.theme {
                app.info("NO_COLOR is set, so colours stay off.");
            } else {
                app.settings.theme = next;
                app.info(format!("Theme: {}", next.label()));
            }
            return true;
        }
        Action::TogglePresent => {
            app.settings.present = !app.settings.present;
            return true;
        }
        Action::ToggleAuthor => {
            let on = toggle(&mut app.settings.author);
            app.info(if on {
                "Author mode: the lesson's checks and notes for its author show. A hides them."
            } else {
                "Author mode off: the screen is the learner's."
            });
            return true;
        }
        Action::TogglePredict => {
            let on = toggle(&mut app.settings.predict);
            app.info(if on {
                "Predict mode: each single-number result asks for your prediction first. P turns it off."
            } else {
                "Predict mode off."
            });
            return true;
        }
        _ => {}
    }
    match app.screen {
        Screen::Menu => menu(
            app,
            if action == Action::Space {
                Action::Next
            } else {
                action
            },
        ),
        Screen::Lesson => lesson(app, action),
    }
    true
}

/// The keys of a training or search running live; returns whether the
/// action was used. Space pauses only while something runs: a clicker's
/// Space still moves on once the training is done.
fn live(app: &mut App, action: Action) -> bool {
    if app.typing != Typing::None {
        return false;
    }
    let Some(open) = &app.open else { return false };
    let Some(k) = open.live_step() else {
        return false;
    };
    let total = open.run_length(k);
    let view = app.live.as_mut().filter(|l| l.step == k);
    match (action, view) {
        // Space or Enter starts a readied run, and pauses or resumes it.
        (Action::Space | Action::Enter, Some(l)) if l.running() => {
            l.paused = !l.paused;
        }
        (Action::SingleStep, Some(l)) if l.running() => {
            l.paused = true;
            l.single_steps += 1;
        }
        (Action::SingleStep, _) => {
            let mut l = LiveView::new(k, total);
            l.paused = true;
            l.single_steps = 1;
            app.live = Some(l);
        }
        (Action::Faster, Some(l)) => l.speed = (l.speed + 1).min(SPEEDS.len() - 1),
        (Action::Type('-') | Action::Slower, Some(l)) => l.speed = l.speed.saturating_sub(1),
        (Action::Restart, Some(l)) => {
            l.restart = true;
            l.paused = false;
        }
        (Action::Restart, None) => app.live = Some(LiveView::new(k, total)),
        (Action::Faster | Action::Slower | Action::Type('-'), None) => {
            app.info("Press r to run this step again and watch it; + and - then set the pace.")
        }
        _ => return false,
    }
    true
}

fn menu(app: &mut App, action: Action) {
    // A lesson still evaluating can be abandoned; nothing else waits on it.
    if let Some(id) = &app.loading
        && matches!(action, Action::Escape | Action::Leave)
    {
        let text = format!("Stopped opening {id}.");
        app.cancel_loading = true;
        app.info(text);
        return;
    }
    let n = app.menu.entries.len();
    let sel = &mut app.menu.selected;
    match action {
        Action::Up | Action::Prev | Action::ScrollUp => *sel = sel.saturating_sub(1),
        Action::Down | Action::ScrollDown => *sel = (*sel + 1).min(n.saturating_sub(1)),
        Action::First => *sel = 0,
        Action::Last => *sel = n.saturating_sub(1),
        Action::Enter | Action::Next if n > 0 => app.pending_open = Some(*sel),
        Action::Leave | Action::Escape => app.quit = true,
        _ => {}
    }
}

fn lesson(app: &mut App, action: Action) {
    if super::scratchpad::keys(app, action)
        || super::whatif::keys(app, action)
        || super::predict::keys(app, action)
        || typing(app, action)
        || quiz(app, action)
        || live(app, action)
    {
        return;
    }
    // In predict mode digits are answers: with no prompt open they go
    // nowhere, rather than to a step whose number they happen to spell.
    if matches!(action, Action::Type(c) if c.is_ascii_digit()) && app.settings.predict {
        app.info("No prediction is asked here: → shows the next result (P leaves predict mode; ] [ g G move).");
        return;
    }
    let action = if action == Action::Space {
        Action::Next
    } else {
        action
    };
    let Some(open) = app.open.as_mut() else {
        app.screen = Screen::Menu;
        return;
    };
    let n = open.step_count();
    let before = (open.step, open.sub);
    match action {
        Action::Next => {
            if open.sub + 1 < open.walk().positions() {
                open.sub += 1;
            } else if open.step + 1 < n {
                open.step += 1;
                open.sub = 0;
            }
        }
        Action::Prev | Action::Backspace => {
            if open.sub > 0 {
                open.sub -= 1;
            } else if open.step > 0 {
                open.step -= 1;
                open.sub = open.walk().positions() - 1;
            }
        }
        Action::NextStep => {
            if open.step + 1 < n {
                open.step += 1;
            }
            open.sub = 0;
        }
        Action::PrevStep => {
            open.step = open.step.saturating_sub(1);
            open.sub = 0;
        }
        Action::First => (open.step, open.sub) = (0, 0),
        Action::Last => (open.step, open.sub) = (n.saturating_sub(1), 0),
        Action::Up | Action::ScrollUp => open.scroll = open.scroll.saturating_sub(1),
        Action::Down | Action::ScrollDown => open.scroll = open.scroll.saturating_add(1),
        Action::Type(c) if c.is_ascii_digit() => app.typing = Typing::Jump(c.to_string()),
        Action::Leave | Action::Escape => {
            app.screen = Screen::Menu;
            app.notice = None;
            return;
        }
        _ => {}
    }
    let after = (open.step, open.sub);
    if after != before {
        open.scroll = 0;
        open.choice = 0;
        open.offered_next = false;
        app.notice = None;
        app.record_position();
    } else if matches!(action, Action::Next | Action::NextStep) && open.step + 1 == n {
        at_the_end(app);
    }
}

/// → past the last step offers the next lesson in course order; → again
/// opens it.
fn at_the_end(app: &mut App) {
    let Some(open) = app.open.as_mut() else {
        return;
    };
    let entries = &app.menu.entries;
    let next = entries
        .iter()
        .position(|e| e.id == open.lesson.id)
        .map(|k| k + 1)
        .filter(|&k| k < entries.len());
    match next {
        Some(k) if open.offered_next => {
            open.offered_next = false;
            app.menu.selected = k;
            app.pending_open = Some(k);
        }
        Some(k) => {
            open.offered_next = true;
            let title = &entries[k].title;
            app.info(format!(
                "That was the last step. → opens the next lesson, {title}; q goes to the menu."
            ));
        }
        None => app.info("That was the last step of the last lesson. q: back to the lesson menu."),
    }
}

/// A step number being typed; returns whether the action was used.
fn typing(app: &mut App, action: Action) -> bool {
    let Typing::Jump(buf) = &mut app.typing else {
        return false;
    };
    match action {
        // A point or a sign makes it a number, not a step: it is kept, so
        // that Enter refuses `0.13` instead of jumping to step 13.
        Action::Type(c) if c.is_ascii_digit() || c == '.' || c == '-' => {
            if buf.len() < 12 {
                buf.push(c);
            }
        }
        Action::Backspace => {
            buf.pop();
            if buf.is_empty() {
                app.typing = Typing::None;
            }
        }
        Action::Enter => {
            let typed = buf.clone();
            app.typing = Typing::None;
            let Ok(wanted) = typed.parse::<usize>() else {
                app.warn(format!(
                    "`{typed}` is not a step number; type a whole number like 4, then Enter."
                ));
                return true;
            };
            let Some(open) = app.open.as_mut() else {
                return true;
            };
            let n = open.step_count();
            if (1..=n).contains(&wanted) {
                open.step = wanted - 1;
                open.sub = 0;
                open.scroll = 0;
                app.notice = None;
                app.record_position();
            } else {
                app.warn(format!(
                    "There is no step {wanted}; this lesson has steps 1 to {n}."
                ));
            }
        }
        Action::Escape => app.typing = Typing::None,
        _ => {
            // Anything else abandons the number and acts as usual.
            app.typing = Typing::None;
            return false;
        }
    }
    true
}

/// Answering the current step's quiz; returns whether the action was used.
fn quiz(app: &mut App, action: Action) -> bool {
    // A quiz waiting for its step's numbers cannot be answered yet.
    let Some(open) = app.open.as_mut().filter(|o| o.ready()) else {
        return false;
    };
    let step = &open.lesson.steps[open.step];
    let StepAction::Quiz(q) = &step.action else {
        return false;
    };
    let step_no = step.index;
    match &q.kind {
        QuizKind::Choice { choices, correct } => {
            let pick = match action {
                Action::Choose(k) if k < choices.len() => k,
                Action::Up => {
                    open.choice = open.choice.saturating_sub(1);
                    return true;
                }
                Action::Down => {
                    open.choice = (open.choice + 1).min(choices.len().saturating_sub(1));
                    return true;
                }
                Action::Enter => open.choice,
                _ => return false,
            };
            open.choice = pick;
            let record = QuizRecord {
                answer: format!("{}) {}", letter(pick), choices[pick]),
                correct: pick == *correct,
            };
            super::classroom::give(app, step_no, Some(pick), None);
            record_quiz(app, step_no, record);
            true
        }
        QuizKind::Number { .. } => {
            let answer = match &open.timeline.steps[open.step].detail {
                Detail::Quiz(s) => s.answer,
                _ => None,
            };
            let digits = open.lesson.digits;
            let field = match &mut app.typing {
                Typing::Answer(s) => Some(s),
                _ => None,
            };
            match (action, field) {
                (Action::Type(c), Some(s)) => {
                    if s.len() < MAX_TYPED {
                        s.push(c);
                    }
                }
                (Action::Type(c), None) => app.typing = Typing::Answer(c.to_string()),
                (Action::Backspace, Some(s)) => {
                    s.pop();
                    if s.is_empty() {
                        app.typing = Typing::None;
                    }
                }
                (Action::Escape, Some(_)) => app.typing = Typing::None,
                (Action::Enter, Some(s)) => {
                    let typed = s.trim().to_string();
                    app.typing = Typing::None;
                    match (typed.parse::<f64>(), answer) {
                        (Ok(v), Some(a)) if v.is_finite() => {
                            super::classroom::give(app, step_no, None, Some(v));
                            let record = QuizRecord {
                                correct: close_enough(v, &typed, a, digits),
                                answer: typed,
                            };
                            record_quiz(app, step_no, record);
                        }
                        (Ok(_) | Err(_), _) => {
                            app.warn(format!(
                                "`{typed}` is not a number; type digits, `.` and `-`, then Enter."
                            ));
                        }
                    }
                }
                _ => return false,
            }
            true
        }
    }
}

/// Keeps a quiz's answer. The first answer is the one that counts: once
/// it is in, the right answer is on screen, so a later one is not taken
/// (neither a right answer copied from the reveal, nor a wrong retry over a
/// right first answer).
fn record_quiz(app: &mut App, step_no: usize, record: QuizRecord) {
    let Some(open) = &app.open else { return };
    let id = open.lesson.id.clone();
    let first = app
        .progress
        .lessons
        .get(&id)
        .and_then(|p| p.quizzes.get(&step_no))
        .cloned();
    if let Some(first) = first {
        let verdict = if first.correct { "right" } else { "not right" };
        app.info(format!(
            "You answered {} ({verdict}); your first answer counts, and the answer is shown.",
            first.answer
        ));
        return;
    }
    app.progress.lesson_mut(&id).quizzes.insert(step_no, record);
    app.progress_dirty = true;
    app.notice = None;
}

pub fn letter(k: usize) -> char {
    (b'a' + (k.min(25)) as u8) as char
}

/// Right when it matches the answer as the lesson prints it: to the lesson's
/// precision (2.63 for 2.6333…), or to more decimals if the learner typed them.
pub fn close_enough(typed: f64, text: &str, answer: f64, digits: usize) -> bool {
    let shown = number::decimals_needed(answer, digits);
    let typed_decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
    let tolerance = 0.5 * 10f64.powi(-(shown.max(typed_decimals.min(12)) as i32));
    (typed - answer).abs() <= tolerance * (1.0 + 1e-9)
}

/// Flips a setting; whether it is now on.
fn toggle(setting: &mut bool) -> bool {
    *setting = !*setting;
    *setting
}

#[cfg(test)]
mod tests {
    use super::close_enough;

    #[test]
    fn quiz_answers_count_at_the_printed_precision() {
        // 7.9 / 3 = 2.6333…, printed 2.63 at two decimals.
        let a = 7.9 / 3.0;
        assert!(close_enough(2.63, "2.63", a, 2));
        assert!(close_enough(2.6333, "2.6333", a, 2));
        assert!(!close_enough(2.6, "2.6", a, 2));
        assert!(!close_enough(2.64, "2.64", a, 2));
        assert!(close_enough(2.0, "2", 2.0, 2));
        assert!(!close_enough(3.0, "3", 2.0, 2));
    }
}
