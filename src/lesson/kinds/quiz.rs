//! `quiz = { question, answer }` or `{ question, choices, correct }`: a
//! number to type (the engine's answer to a formula) or a choice; checked
//! at load, the number evaluated, shown as a question.

use super::prelude::*;

/// `quiz = { … }` as written.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { question = \"…\", answer = \"…\" }"
)]
pub struct QuizSpec {
    #[schemars(length(max = 20000))]
    pub question: Sp<String>,
    /// The number to type, or a formula the engine computes it from.
    pub answer: Option<Sp<Answer>>,
    /// The choices of a choice quiz (at least two).
    #[schemars(length(min = 2))]
    pub choices: Option<Paragraphs>,
    /// The index of the right choice (0 = first).
    #[schemars(range(min = 0))]
    pub correct: Option<Sp<i64>>,
    /// Shown once the learner has answered.
    #[schemars(length(max = 20000))]
    pub explain: Option<Sp<String>>,
}

/// The keys of a `quiz` step, as written.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuizKeys {
    pub quiz: Option<QuizSpec>,
}

/// A question, checked.
#[derive(Debug, Clone)]
pub struct Quiz {
    pub question: String,
    pub kind: QuizKind,
    pub explain: Option<String>,
}

#[derive(Debug, Clone)]
pub enum QuizKind {
    Number { answer: Formula },
    Choice { choices: Vec<String>, correct: usize },
}

/// A quiz evaluated.
#[derive(Debug, Clone)]
pub struct QuizState {
    /// For number quizzes, the engine's answer.
    pub answer: Option<f64>,
}

impl Kind for Quiz {
    type Keys = QuizKeys;
    type Done = QuizState;
    const NAME: &'static str = "quiz";
    const KEYS: &'static [&'static str] = &["quiz"];

    fn build(b: &mut Builder, keys: &QuizKeys, _: &RawStep, label: &str) -> Option<Option<Quiz>> {
        Some(build(b, keys.quiz.as_ref()?, label))
    }

    fn evaluate(
        &self,
        ev: &mut Evaluator<'_>,
        step: &Step,
        _: &mut Vec<String>,
    ) -> (Option<QuizState>, Vec<String>) {
        (Some(ev.quiz(step, self)), Vec::new())
    }

    fn block<'a>(&'a self, done: &'a QuizState, at: At<'a>) -> Block<'a> {
        Block::Asked {
            quiz: self,
            reads: at.step().reads.as_deref(),
            answer: done.answer,
        }
    }

    fn has_formula(&self) -> bool {
        matches!(self.kind, QuizKind::Number { .. })
    }
}

/// Checks a step's `quiz`.
fn build(b: &mut Builder, q: &QuizSpec, label: &str) -> Option<Quiz> {
    let kind = match (&q.answer, &q.choices) {
        (Some(a), None) => number(b, a, label)?,
        (None, Some(choices)) => choice(b, choices, q.correct.as_ref(), label)?,
        (None, None) => {
            b.err(
                format!("{label}: `quiz` needs an `answer` (a number or an expression) or `choices` with `correct`"),
                q.question.span.clone(),
            );
            return None;
        }
        (Some(a), Some(_)) => {
            b.err(
                format!("{label}: `quiz` has both `answer` and `choices`; keep one"),
                a.span.clone(),
            );
            return None;
        }
    };
    Some(Quiz {
        question: q.question.v.clone(),
        kind,
        explain: q.explain.as_ref().map(|e| e.v.clone()),
    })
}

/// `answer = 2.5` or `answer = "L"`: a formula whose columns count within
/// the answer's text.
fn number(b: &mut Builder, a: &Sp<Answer>, label: &str) -> Option<QuizKind> {
    let written = match &a.v {
        Answer::Number => b.source.slice(&a.span).replace('_', ""),
        Answer::Formula(f) => f.clone(),
    };
    let text = Sp {
        v: format!("answer = {written}"),
        span: a.span.clone(),
    };
    let mut f = b.formula(&text, label)?;
    f.base = b
        .source
        .string_contents_start(&a.span, &written)
        .map(|b| b.saturating_sub(9))
        .or_else(|| (b.source.slice(&a.span) == written).then(|| a.span.start.saturating_sub(9)));
    Some(QuizKind::Number { answer: f })
}

/// `choices = […]` with `correct`, the index of the right one.
fn choice(
    b: &mut Builder,
    choices: &Paragraphs,
    correct: Option<&Sp<i64>>,
    label: &str,
) -> Option<QuizKind> {
    let Some(correct) = correct else {
        b.err(
            format!("{label}: `choices` need `correct`, the index of the right choice (0 = first)"),
            choices.span.clone(),
        );
        return None;
    };
    let n = choices.len();
    if n < 2 {
        b.err(
            format!("{label}: a choice quiz needs at least two `choices`, but it has {n}"),
            choices.span.clone(),
        );
        return None;
    }
    if correct.v < 0 || correct.v as usize >= n {
        b.err(
            format!(
                "{label}: `correct` is {}, but there are {n} choices (0 to {})",
                correct.v,
                n - 1
            ),
            correct.span.clone(),
        );
        return None;
    }
    Some(QuizKind::Choice {
        choices: choices.iter().map(|c| c.v.clone()).collect(),
        correct: correct.v as usize,
    })
}

impl Evaluator<'_> {
    fn quiz(&mut self, step: &Step, quiz: &Quiz) -> QuizState {
        let QuizKind::Number { answer } = &quiz.kind else {
            return QuizState { answer: None };
        };
        if self.uses_poisoned(&answer.statement.expr) {
            return QuizState { answer: None };
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
                QuizState { answer: None }
            }
            Ok((g, r)) if is_scalar(g.value(r)) => QuizState {
                answer: Some(g.value(r)[0]),
            },
            Ok((g, r)) => {
                let shape = shape_str(g.value(r).shape());
                self.error(
                    format!(
                        "{}: the quiz answer must be a single number, but it is {shape}",
                        step.label()
                    ),
                    answer.file_span(&answer.statement.expr.span),
                );
                QuizState { answer: None }
            }
            Err(e) => {
                self.engine_error(step, answer, e);
                QuizState { answer: None }
            }
        }
    }
}
