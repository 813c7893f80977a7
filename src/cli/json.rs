//! `nntutor export --format json`: the timeline at full precision, as
//! serde-derived types written while they are serialized, one step at a
//! time and one number at a time, so that a lesson of large values exports
//! in the memory it already has (no tree of JSON values is built). Fields
//! are declared in alphabetical order: the order the format has always had.
//!
//! Strings are escaped beyond JSON's own rules: C1 controls (U+0080 to
//! U+009F, which some terminals obey) and bidirectional marks and overrides
//! come out as `\uXXXX`, so that piping the export to a terminal is safe.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};
use serde_json::ser::PrettyFormatter;

use super::safe_json::Safe;

use super::walkthrough::{MAX_EXPANDED, backward_lines};
use crate::engine::{NodeId, Tensor};
use crate::lesson::document::{Audience, Block, Document};
use crate::lesson::format::node_label;
use crate::lesson::model::QuizKind;
use crate::lesson::number;
use crate::lesson::timeline::Values;
use crate::lesson::{Lesson, Timeline};

/// Writes the lesson's timeline as JSON, then a newline.
pub fn write(
    lesson: &Lesson,
    timeline: &Timeline,
    audience: Audience,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, Safe(PrettyFormatter::new()));
    LessonDoc::of(lesson, timeline, audience).serialize(&mut ser)?;
    out.write_all(b"\n")
}

/// A number: finite numbers as they are, others as the strings `"NaN"`,
/// `"inf"`, `"-inf"`.
struct Num(f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            s.serialize_f64(self.0)
        } else {
            s.serialize_str(&number::fixed(self.0, 0))
        }
    }
}

/// A tensor's rows, read straight from it.
struct Rows<'a>(&'a Tensor);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        let mut rows = s.serialize_seq(Some(t.nrows()))?;
        for i in 0..t.nrows() {
            let row: Vec<Num> = (0..t.ncols()).map(|j| Num(t[(i, j)])).collect();
            rows.serialize_element(&row)?;
        }
        rows.end()
    }
}

#[derive(Serialize)]
struct TensorDoc<'a> {
    data: Rows<'a>,
    shape: [usize; 2],
}

impl<'a> TensorDoc<'a> {
    fn of(t: &'a Tensor) -> Self {
        TensorDoc {
            data: Rows(t),
            shape: [t.nrows(), t.ncols()],
        }
    }
}

#[derive(Serialize)]
struct GivenDoc<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    cols: Option<&'a [String]>,
    data: Rows<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rows: Option<&'a [String]>,
    shape: [usize; 2],
}

#[derive(Serialize)]
struct LessonDoc<'a> {
    digits: usize,
    given: BTreeMap<&'a str, GivenDoc<'a>>,
    id: &'a str,
    steps: Steps<'a>,
    summary: &'a str,
    title: &'a str,
}

impl<'a> LessonDoc<'a> {
    fn of(lesson: &'a Lesson, timeline: &'a Timeline, audience: Audience) -> Self {
        let given = lesson
            .givens
            .iter()
            .filter_map(|g| {
                let v = timeline.initial.get(&g.name)?;
                let doc = GivenDoc {
                    cols: v.cols.as_deref(),
                    data: Rows(&v.data),
                    kind: v.labels.then_some("labels"),
                    rows: v.rows.as_deref(),
                    shape: [v.data.nrows(), v.data.ncols()],
                };
                Some((g.name.as_str(), doc))
            })
            .collect();
        LessonDoc {
            digits: lesson.digits,
            given,
            id: &lesson.id,
            steps: Steps {
                lesson,
                timeline,
                audience,
            },
            summary: &lesson.summary,
            title: &lesson.title,
        }
    }
}

/// The steps, each made into its document only while it is written.
struct Steps<'a> {
    lesson: &'a Lesson,
    timeline: &'a Timeline,
    audience: Audience,
}

impl Serialize for Steps<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.lesson.steps.len()))?;
        for k in 0..self.lesson.steps.len() {
            let document = Document::of(self.lesson, self.timeline, k, self.audience);
            seq.serialize_element(&StepDoc::of(&document))?;
        }
        seq.end()
    }
}

#[derive(Serialize, Default)]
struct StepDoc<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    arithmetic: Option<Vec<Vec<String>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    before: Option<BTreeMap<&'a str, TensorDoc<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    chain_rule: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checks: Vec<CheckDoc<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    curves: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    formula: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    formulas: Option<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    graph: Option<GraphDoc<'a>>,
    index: usize,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notices: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plot: Option<PlotDoc<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    predict: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    quiz: Option<QuizDoc<'a>>,
    /// The formula in the lecture's notation, where the lesson gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    reads: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    regions: Option<RegionsDoc<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    search: Option<SearchDoc<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    show: Vec<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    text: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    train: Option<TrainDoc<'a>>,
    values: BTreeMap<&'a str, TensorDoc<'a>>,
}

#[derive(Serialize)]
struct CheckDoc<'a> {
    expected: TensorDoc<'a>,
    kind: &'static str,
    name: &'a str,
    passed: bool,
}

#[derive(Serialize)]
struct PlotDoc<'a> {
    x: &'a str,
    y: Vec<&'a str>,
}

#[derive(Serialize)]
struct RegionsDoc<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    bias: Option<&'a str>,
    labels: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lines: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scores: Option<&'a str>,
    x: &'a str,
}

#[derive(Serialize)]
struct GraphDoc<'a> {
    nodes: Vec<NodeDoc<'a>>,
    root: usize,
    target: &'a str,
}

#[derive(Serialize)]
struct NodeDoc<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    grad: Option<TensorDoc<'a>>,
    id: usize,
    inputs: Vec<usize>,
    label: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    local: Vec<LocalDoc>,
    value: TensorDoc<'a>,
}

/// A local gradient is computed for the export, so it is owned.
#[derive(Serialize)]
struct LocalDoc {
    input: usize,
    local: OwnedTensor,
}

struct OwnedTensor(Tensor);

impl Serialize for OwnedTensor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        TensorDoc::of(&self.0).serialize(s)
    }
}

#[derive(Serialize)]
struct TrainDoc<'a> {
    curves: BTreeMap<&'a str, Vec<(usize, Num)>>,
    iterations: usize,
}

#[derive(Serialize)]
struct SearchDoc<'a> {
    best_loss: Num,
    best_trial: usize,
    loss: &'a str,
    losses: Vec<Num>,
    param: &'a str,
    trials: usize,
}

#[derive(Serialize)]
struct QuizDoc<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<Option<Num>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    choices: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    correct: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explain: Option<&'a str>,
    question: &'a str,
}

impl<'a> StepDoc<'a> {
    fn of(document: &Document<'a>) -> Self {
        let (step, state) = (document.step, document.state);
        let values = state
            .changed
            .iter()
            .filter_map(|n| Some((n.as_str(), TensorDoc::of(&state.values.get(n)?.data))))
            .collect();
        let mut doc = StepDoc {
            index: step.index,
            kind: step.action.kind(),
            title: &step.title,
            text: &step.text,
            values,
            show: step.show.iter().map(|(n, _)| n.as_str()).collect(),
            note: step.note.as_deref(),
            plot: step.plot.as_ref().map(|p| PlotDoc {
                x: &p.x.0,
                y: p.y.iter().map(|(n, _)| n.as_str()).collect(),
            }),
            predict: step.predict.iter().map(|(n, _)| n.as_str()).collect(),
            regions: step.regions.as_ref().map(|r| RegionsDoc {
                bias: r.bias.as_ref().map(|b| b.0.as_str()),
                labels: r.labels.as_ref().map(|l| l.0.as_str()),
                lines: r.lines.as_ref().map(|l| l.0.as_str()),
                scores: r.scores.as_ref().map(|s| s.0.as_str()),
                x: &r.x.0,
            }),
            notices: state.notices.iter().map(String::as_str).collect(),
            ..StepDoc::default()
        };
        for block in &document.blocks {
            doc.block(document.lesson.digits, &document.state.values, block);
        }
        doc
    }

    /// What the step's kind adds: its formula and arithmetic, its graph,
    /// its curves, its quiz.
    fn block(&mut self, d: usize, values: &Values, block: &Block<'a>) {
        match block {
            Block::Computed {
                c, expand, reads, ..
            } => {
                self.formula = Some(&c.formula);
                self.reads = *reads;
                // As in the text export: a large result's arithmetic is
                // left out rather than written a million times.
                let t = c.result();
                if *expand && t.len() <= MAX_EXPANDED {
                    let rows = (0..t.nrows())
                        .map(|i| (0..t.ncols()).map(|j| c.explain(i, j, d)).collect())
                        .collect();
                    self.arithmetic = Some(rows);
                }
            }
            Block::Curves(curves) => self.curves = curves.iter().map(|(n, _)| *n).collect(),
            // Only the checks this reader sees (a learner: the slides'
            // numbers that differ, not the author's passing `expect`s).
            Block::Checks(checks) => {
                self.checks = checks
                    .iter()
                    .map(|c| CheckDoc {
                        expected: TensorDoc::of(&c.expected),
                        kind: if c.slide { "slide" } else { "expect" },
                        name: &c.name,
                        passed: c.passed,
                    })
                    .collect();
            }
            Block::Updated(comps) => {
                self.formulas = Some(comps.iter().map(|c| c.formula.as_str()).collect());
                let before = comps
                    .iter()
                    .filter_map(|c| Some((c.name.as_str(), TensorDoc::of(c.before.as_ref()?))))
                    .collect();
                self.before = Some(before);
            }
            Block::Backward(b) => {
                self.graph = Some(graph_doc(b));
                self.chain_rule = Some(backward_lines(b, values, d));
            }
            Block::Trained { run: t, .. } => {
                let curves = t
                    .curves
                    .iter()
                    .map(|(n, c)| (n.as_str(), c.iter().map(|&(i, v)| (i, Num(v))).collect()))
                    .collect();
                self.train = Some(TrainDoc {
                    curves,
                    iterations: t.iterations,
                });
            }
            Block::Searched(r) => {
                self.search = Some(SearchDoc {
                    best_loss: Num(r.best_loss),
                    best_trial: r.best_trial,
                    loss: &r.loss,
                    losses: r.losses.iter().map(|&v| Num(v)).collect(),
                    param: &r.param,
                    trials: r.trials,
                });
            }
            Block::Asked {
                quiz: q,
                answer,
                reads,
            } => {
                self.reads = *reads;
                let (answer, choices, correct) = match &q.kind {
                    QuizKind::Number { .. } => (Some(answer.map(Num)), None, None),
                    QuizKind::Choice { choices, correct } => {
                        (None, Some(choices.as_slice()), Some(*correct))
                    }
                };
                self.quiz = Some(QuizDoc {
                    answer,
                    choices,
                    correct,
                    explain: q.explain.as_deref(),
                    question: &q.question,
                });
            }
            _ => {}
        }
    }
}

/// A backward pass's graph: each node's value, gradient and local
/// gradients towards its inputs.
fn graph_doc(b: &crate::lesson::timeline::BackwardState) -> GraphDoc<'_> {
    let nodes = b
        .graph
        .nodes
        .iter()
        .enumerate()
        .map(|(k, n)| {
            let id = NodeId(k);
            let grad = b.grads[k].as_ref();
            let local = match grad {
                Some(_) => b.graph.local_gradients(id),
                None => Vec::new(),
            };
            NodeDoc {
                grad: grad.map(TensorDoc::of),
                id: k,
                inputs: n.inputs.iter().map(|i| i.0).collect(),
                label: node_label(&b.graph, id, 0),
                local: local
                    .into_iter()
                    .map(|(i, l)| LocalDoc {
                        input: i.0,
                        local: OwnedTensor(l),
                    })
                    .collect(),
                value: TensorDoc::of(n.value()),
            }
        })
        .collect();
    GraphDoc {
        nodes,
        root: b.root.0,
        target: &b.target,
    }
}
