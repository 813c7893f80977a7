//! A quiz step: the question, the choices or the answer field, and once
//! answered, whether it was right and the explanation.

use ratatui::text::{Line, Span};

use super::step::Ctx;
use crate::lesson::model::{Quiz, QuizKind};
use crate::lesson::number;
use crate::tui::app::Typing;
use crate::tui::classroom::Classroom;
use crate::tui::progress::QuizRecord;
use crate::tui::update::letter;
use crate::tui::widgets::text::{sanitize, wrap_line};

pub fn quiz_lines(
    ctx: &Ctx,
    q: &Quiz,
    answer: Option<f64>,
    reads: Option<&str>,
    lines: &mut Vec<Line<'static>>,
) {
    let theme = ctx.theme;
    let open = ctx.open;
    let step_no = open.lesson.steps[open.step].index;
    let record = ctx
        .app
        .progress
        .lessons
        .get(&open.lesson.id)
        .and_then(|p| p.quizzes.get(&step_no));
    lines.extend(ctx.para(&q.question, theme.heading, 0));
    lines.push(Line::raw(""));
    match &q.kind {
        QuizKind::Choice { choices, correct } => {
            for (k, choice) in choices.iter().enumerate() {
                let chosen =
                    record.is_some_and(|r| r.answer.starts_with(&format!("{}) ", letter(k))));
                let mark = match (record.is_some(), k == *correct, chosen) {
                    (true, true, _) => {
                        if ctx.ascii() {
                            "ok"
                        } else {
                            "✓"
                        }
                    }
                    (true, false, true) => {
                        if ctx.ascii() {
                            "x "
                        } else {
                            "✗"
                        }
                    }
                    _ => " ",
                };
                let style = if k == open.choice && record.is_none() {
                    theme.focus
                } else if record.is_some() && k == *correct {
                    theme.ok
                } else {
                    theme.base
                };
                let line = Line::from(vec![
                    Span::styled(
                        format!(" {mark} "),
                        if k == *correct { theme.ok } else { theme.bad },
                    ),
                    Span::styled(format!("{}) {}", letter(k), sanitize(choice)), style),
                ]);
                lines.extend(wrap_line(line, ctx.width, 6));
            }
            if record.is_none() {
                lines.push(Line::raw(""));
                lines.push(Line::styled("Press a letter, or ↑ ↓ and Enter.", theme.dim));
            }
        }
        QuizKind::Number { answer: formula } => {
            let text = ctx.app.settings.audience().answer(&formula.text, reads);
            number_answer(ctx, text, answer, record, lines)
        }
    }
    hall(ctx, q, answer, lines);
    if record.is_some()
        && let Some(e) = &q.explain
    {
        lines.push(Line::raw(""));
        lines.extend(ctx.para(e, theme.base, 0));
    }
    lines.push(Line::raw(""));
}

/// The lecturer's screen: the hall's answers as they come in (the answer
/// itself shows when the lecturer answers).
fn hall(ctx: &Ctx, q: &Quiz, answer: Option<f64>, lines: &mut Vec<Line<'static>>) {
    let Some(Classroom::Lecturer {
        tally: Some(tally), ..
    }) = &ctx.app.classroom
    else {
        return;
    };
    let n = tally.answers.len();
    let mut spans = vec![Span::styled(
        format!("The hall: {n} answered"),
        ctx.theme.heading,
    )];
    match &q.kind {
        QuizKind::Choice { choices, .. } => {
            for (k, count) in tally.choices(choices.len()).iter().enumerate() {
                spans.push(Span::styled(
                    format!("   {}) {count}", letter(k)),
                    ctx.theme.base,
                ));
            }
        }
        QuizKind::Number { .. } => {
            // Right at the precision the lesson prints its numbers.
            let half = 0.5 * 10f64.powi(-(ctx.digits() as i32));
            if let Some(a) = answer {
                let right = tally.right_numbers(a, half);
                spans.push(Span::styled(format!(" · {right} right"), ctx.theme.base));
            }
        }
    }
    lines.push(Line::raw(""));
    lines.extend(wrap_line(Line::from(spans), ctx.width, 2));
}

/// A number quiz: the field being typed, or the learner's answer against
/// the engine's (`text`: the answer's formula as written).
fn number_answer(
    ctx: &Ctx,
    text: &str,
    answer: Option<f64>,
    record: Option<&QuizRecord>,
    lines: &mut Vec<Line<'static>>,
) {
    let theme = ctx.theme;
    let typed = match &ctx.app.typing {
        Typing::Answer(s) => Some(s.as_str()),
        _ => None,
    };
    let cursor = if ctx.ascii() { "_" } else { "▏" };
    match (typed, record) {
        (Some(s), _) => lines.push(Line::from(vec![
            Span::styled("Your answer: ", theme.heading),
            Span::styled(format!("{s}{cursor}"), theme.focus),
            Span::styled("   Enter to check", theme.dim),
        ])),
        (None, None) => lines.push(Line::from(vec![
            Span::styled("Your answer: ", theme.heading),
            Span::styled(cursor.to_string(), theme.focus),
            Span::styled("   type a number, then Enter", theme.dim),
        ])),
        (None, Some(_)) => {}
    }
    if let (Some(r), None) = (record, typed) {
        let value = answer.map_or("?".to_string(), |a| number::trimmed(a, ctx.digits().max(2)));
        let expr = text.trim_start_matches("answer = ").trim();
        let how = if expr == value {
            value.clone()
        } else {
            format!("{} = {value}", sanitize(expr))
        };
        let (style, text) = if r.correct {
            (
                theme.ok,
                format!(
                    "{} Right: {}. The answer is {how}.",
                    if ctx.ascii() { "ok" } else { "✓" },
                    sanitize(&r.answer)
                ),
            )
        } else {
            (
                theme.bad,
                format!(
                    "{} You said {}; the answer is {how}.",
                    if ctx.ascii() { "x" } else { "✗" },
                    sanitize(&r.answer)
                ),
            )
        };
        lines.extend(ctx.para(&text, style, 0));
        lines.push(Line::styled("Type another number to try again.", theme.dim));
    }
}
