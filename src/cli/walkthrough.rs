//! The whole lesson as a sequence of blocks (headings, paragraphs, matrices,
//! worked arithmetic), rendered by the text and markdown exports alike.

use crate::engine::Tensor;
use crate::engine::graph::{Graph, NodeId, NodeKind};
use crate::lesson::format::{check_line, element_name, inline, matrix_lines, node_label};
use crate::lesson::model::QuizKind;
use crate::lesson::number;
use crate::lesson::timeline::{Computation, Detail};
use crate::lesson::{Action, Lesson, Timeline, Value};

/// Per-element arithmetic is written out for at most this many elements.
pub const MAX_EXPANDED: usize = 400;

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Title(String),
    Heading(String),
    Para(String),
    /// A formula or other literal text.
    Code(Vec<String>),
    /// A labelled matrix.
    Matrix {
        label: String,
        lines: Vec<String>,
    },
    List(Vec<String>),
}

pub fn blocks(lesson: &Lesson, timeline: &Timeline) -> Vec<Block> {
    let d = lesson.digits;
    let mut out = vec![Block::Title(lesson.title.clone())];
    if !lesson.summary.is_empty() {
        out.push(Block::Para(lesson.summary.clone()));
    }
    if !lesson.givens.is_empty() {
        out.push(Block::Heading("Given".into()));
        for g in &lesson.givens {
            if let Some(v) = timeline.initial.get(&g.name) {
                out.push(matrix(&g.name, v, d));
            }
        }
    }
    let n = lesson.steps.len();
    for (step, state) in lesson.steps.iter().zip(&timeline.steps) {
        out.push(Block::Heading(format!(
            "Step {} of {n}: {}",
            step.index, step.title
        )));
        for para in step
            .text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            out.push(Block::Para(
                para.split_whitespace().collect::<Vec<_>>().join(" "),
            ));
        }
        let mut shown: Vec<String> = Vec::new();
        let value = |name: &str| state.values.get(name).map(|v| v.as_ref());
        match (&step.action, &state.detail) {
            (Action::Let { expand, .. }, Detail::Let(c)) => {
                out.push(Block::Code(vec![c.formula.clone()]));
                for name in c.input_names() {
                    if let Some(v) = value(&name) {
                        out.push(matrix(&name, v, d));
                        shown.push(name);
                    }
                }
                if *expand {
                    out.push(Block::List(expansion(c, value(&c.name), d)));
                }
                if let Some(v) = value(&c.name) {
                    out.push(matrix(&c.name, v, d));
                }
                shown.push(c.name.clone());
            }
            (_, Detail::Backward(b)) => {
                out.push(Block::Code(vec![format!("backward: {}", b.target)]));
                out.push(Block::List(backward_lines(
                    &b.graph, b.root, &b.grads, &b.target, d,
                )));
                for (grad_name, _) in &b.defined {
                    if let Some(v) = value(grad_name) {
                        out.push(matrix(grad_name, v, d));
                        shown.push(grad_name.clone());
                    }
                }
            }
            (_, Detail::Update(comps)) => {
                out.push(Block::Code(
                    comps.iter().map(|c| c.formula.clone()).collect(),
                ));
                for c in comps {
                    out.push(Block::List(expansion(c, value(&c.name), d)));
                    if let (Some(before), Some(v)) = (&c.before, value(&c.name)) {
                        let old = Value {
                            data: before.clone(),
                            ..v.clone()
                        };
                        out.push(matrix(&format!("{} before", c.name), &old, d));
                        out.push(matrix(&format!("{} after", c.name), v, d));
                        shown.push(c.name.clone());
                    }
                }
            }
            (Action::Train { spec, .. }, Detail::Train(t)) => {
                out.push(Block::Code(
                    spec.update.iter().map(|u| u.v.clone()).collect(),
                ));
                let mut lines = vec![format!("{} iterations", t.iterations)];
                for (name, curve) in &t.curves {
                    let (Some(first), Some(last)) = (curve.first(), curve.last()) else {
                        continue;
                    };
                    lines.push(format!(
                        "{name}: {} at iteration {} → {} at iteration {}",
                        number::fixed(first.1, d + 2),
                        first.0,
                        number::fixed(last.1, d + 2),
                        last.0
                    ));
                    let stride = (curve.len() / 10).max(1);
                    let samples: Vec<String> = curve
                        .iter()
                        .step_by(stride)
                        .map(|(i, v)| format!("{i}: {}", number::fixed(*v, d + 2)))
                        .collect();
                    lines.push(format!("{name} along the way: {}", samples.join(", ")));
                }
                out.push(Block::List(lines));
            }
            (_, Detail::Search(s)) => {
                out.push(Block::List(vec![
                    format!("{} random draws of {}", s.trials, s.param),
                    format!(
                        "best {} = {} at trial {}",
                        s.loss,
                        number::fixed(s.best_loss, d + 2),
                        s.best_trial + 1
                    ),
                ]));
            }
            (Action::Quiz(q), Detail::Quiz(state)) => {
                out.push(Block::Para(format!("Question: {}", q.question)));
                match &q.kind {
                    QuizKind::Choice { choices, correct } => {
                        out.push(Block::List(
                            choices
                                .iter()
                                .enumerate()
                                .map(|(k, c)| format!("{}) {c}", (b'a' + k as u8) as char))
                                .collect(),
                        ));
                        out.push(Block::Para(format!(
                            "Answer: {}) {}",
                            (b'a' + *correct as u8) as char,
                            choices[*correct]
                        )));
                    }
                    QuizKind::Number { answer } => {
                        let expr = answer.text.trim_start_matches("answer = ");
                        let value = state
                            .answer
                            .map_or("?".to_string(), |a| number::trimmed(a, d.max(2)));
                        if expr.trim() == value {
                            out.push(Block::Para(format!("Answer: {value}")));
                        } else {
                            out.push(Block::Para(format!("Answer: {expr} = {value}")));
                        }
                    }
                }
                if let Some(e) = &q.explain {
                    out.push(Block::Para(e.clone()));
                }
            }
            _ => {}
        }
        for (name, _) in &step.show {
            if !shown.contains(name)
                && let Some(v) = value(name)
            {
                out.push(matrix(name, v, d));
                shown.push(name.clone());
            }
        }
        let others: Vec<&String> = state
            .changed
            .iter()
            .filter(|c| !shown.contains(c))
            .collect();
        for name in others {
            if let Some(v) = value(name) {
                out.push(matrix(&format!("{name} (recomputed)"), v, d));
            }
        }
        let checks: Vec<String> = state.checks.iter().map(|c| check_line(c, d)).collect();
        if !checks.is_empty() {
            out.push(Block::List(checks));
        }
        if let Some(plot) = &step.plot {
            let ys: Vec<&str> = plot.y.iter().map(|(n, _)| n.as_str()).collect();
            out.push(Block::Para(format!(
                "Plot (in the tutor): {} against {}.",
                ys.join(", "),
                plot.x.0
            )));
        }
        if let Some(note) = &step.note {
            out.push(Block::Para(format!("Note: {note}")));
        }
        for n in &state.notices {
            out.push(Block::Para(format!("Notice: {n}")));
        }
    }
    out
}

fn matrix(name: &str, v: &Value, digits: usize) -> Block {
    let (r, c) = v.shape();
    let kind = if v.labels { ", labels" } else { "" };
    let label = if r * c == 1 {
        name.to_string()
    } else {
        format!("{name} ({r}×{c}{kind})")
    };
    if v.data.len() > 2000 {
        return Block::Para(format!("{label}: too large to print here"));
    }
    Block::Matrix {
        label,
        lines: matrix_lines(v, digits),
    }
}

fn expansion(c: &Computation, v: Option<&Value>, digits: usize) -> Vec<String> {
    let t = c.result();
    let (r, cols) = t.shape();
    let mut lines = Vec::new();
    for i in 0..r {
        for j in 0..cols {
            if lines.len() == MAX_EXPANDED {
                lines.push(format!("… {} more elements", r * cols - MAX_EXPANDED));
                return lines;
            }
            lines.push(format!(
                "{} = {}",
                element_name(&c.name, v, (r, cols), i, j),
                c.explain(i, j, digits)
            ));
        }
    }
    lines
}

/// Each node from the loss backwards: its value, its gradient, and for each
/// input the chain rule (local gradient × upstream = contribution).
pub fn backward_lines(
    g: &Graph,
    root: NodeId,
    grads: &[Option<Tensor>],
    target: &str,
    d: usize,
) -> Vec<String> {
    let mut lines = Vec::new();
    for k in (0..=root.0).rev() {
        let id = NodeId(k);
        let node = g.node(id);
        if matches!(node.kind, NodeKind::Constant) {
            continue;
        }
        let Some(upstream) = &grads[k] else { continue };
        let label = node_label(g, id, 0);
        lines.push(format!(
            "{label} = {}: d{target}/d{label} = {}",
            inline(node.value(), d),
            inline(upstream, d)
        ));
        let locals = g.local_gradients(id);
        for ((input, contribution), (_, local)) in
            g.contributions(id, upstream).into_iter().zip(locals)
        {
            if matches!(g.node(input).kind, NodeKind::Constant) {
                continue;
            }
            let in_label = node_label(g, input, 0);
            if upstream.len() == 1 && local.len() == 1 {
                lines.push(format!(
                    "  to {in_label}: local d{label}/d{in_label} = {} × upstream {} = {}",
                    number::fixed(local[0], d),
                    number::fixed(upstream[0], d),
                    number::fixed(contribution[0], d)
                ));
            } else {
                lines.push(format!("  to {in_label}: {}", inline(&contribution, d)));
            }
        }
    }
    lines
}
