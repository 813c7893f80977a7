//! `quiz = { question, answer }` or `{ question, choices, correct }`: a
//! number to type (the engine's answer to a formula) or a choice; checked
//! at load, the number evaluated, shown as a question.

use super::prelude::*;

/// Reads and checks a step's `quiz`.
pub(crate) fn build(b: &mut Builder, q: &RawQuiz, label: &str) -> Option<Action> {
    let kind = if let Some(a) = &q.answer {
        let text = Sp {
            v: format!("answer = {}", a.v),
            span: a.span.clone(),
        };
        let mut f = b.formula(&text, label)?;
        // Columns are counted within the answer text, not "answer = ".
        f.base = b
            .source
            .string_contents_start(&a.span, &a.v)
            .map(|b| b.saturating_sub(9))
            .or_else(|| (b.source.slice(&a.span) == a.v).then(|| a.span.start.saturating_sub(9)));
        QuizKind::Number { answer: f }
    } else {
        let choices = q.choices.clone()?;
        let correct = q.correct.clone()?;
        if choices.v.len() < 2 {
            b.err(
                format!(
                    "{label}: a choice quiz needs at least two `choices`, but it has {}",
                    choices.v.len()
                ),
                choices.span.clone(),
            );
            return None;
        }
        if correct.v < 0 || correct.v as usize >= choices.v.len() {
            b.err(
                format!(
                    "{label}: `correct` is {}, but there are {} choices (0 to {})",
                    correct.v,
                    choices.v.len(),
                    choices.v.len().saturating_sub(1)
                ),
                correct.span.clone(),
            );
            return None;
        }
        QuizKind::Choice {
            choices: choices.v,
            correct: correct.v as usize,
        }
    };
    Some(Action::Quiz(Quiz {
        question: q.question.v.clone(),
        kind,
        explain: q.explain.clone(),
    }))
}

impl Evaluator<'_> {
    pub(crate) fn quiz(&mut self, step: &Step, quiz: &Quiz) -> Detail {
        let QuizKind::Number { answer } = &quiz.kind else {
            return Detail::Quiz(QuizState { answer: None });
        };
        if self.uses_poisoned(&answer.statement.expr) {
            return Detail::Quiz(QuizState { answer: None });
        }
        match Graph::build(&answer.statement.expr, &self.env, false) {
            Ok((g, r)) if is_scalar(g.value(r)) && !g.value(r)[0].is_finite() => {
                self.error(
                    format!(
                        "{}: the quiz answer is {}, which no learner can type; the answer must be a finite number",
                        step.label(),
                        number::short(g.value(r)[0])
                    ),
                    answer.file_span(&answer.statement.expr.span),
                );
                Detail::Quiz(QuizState { answer: None })
            }
            Ok((g, r)) if is_scalar(g.value(r)) => Detail::Quiz(QuizState {
                answer: Some(g.value(r)[0]),
            }),
            Ok((g, r)) => {
                let shape = shape_str(g.value(r).shape());
                self.error(
                    format!(
                        "{}: the quiz answer must be a single number, but it is {shape}",
                        step.label()
                    ),
                    answer.file_span(&answer.statement.expr.span),
                );
                Detail::Quiz(QuizState { answer: None })
            }
            Err(e) => {
                self.engine_error(step, answer, e);
                Detail::Quiz(QuizState { answer: None })
            }
        }
    }
}
