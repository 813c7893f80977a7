//! The whole lesson as a sequence of blocks (headings, paragraphs, matrices,
//! worked arithmetic), rendered by the text and markdown exports alike.

use crate::engine::Tensor;
use crate::engine::graph::{NodeId, NodeKind};
use crate::lesson::document::walk::{MAX_ELEMENT_STOPS, node_stops};
use crate::lesson::document::{Audience, Block as Doc, Document, chain, tracked_name};
use crate::lesson::eval::regions::Plane;
use crate::lesson::eval::zero_lines;
use crate::lesson::format::{self, check_line, element_name, inline, matrix_lines, node_label};
use crate::lesson::model::Regions;
use crate::lesson::model::{Quiz, QuizKind};
use crate::lesson::number;
use crate::lesson::timeline::{BackwardState, Computation, TrainState, Values};
use crate::lesson::{Lesson, Timeline, Value};

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

pub fn blocks(lesson: &Lesson, timeline: &Timeline, audience: Audience) -> Vec<Block> {
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
    for k in 0..n {
        let doc = Document::of(lesson, timeline, k, audience);
        let step = doc.step;
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
        let mut page = Page {
            doc: &doc,
            d,
            shown: Vec::new(),
            out: &mut out,
        };
        for block in &doc.blocks {
            page.block(block);
        }
    }
    out
}

/// One step's document written out as text blocks.
struct Page<'a, 'o> {
    doc: &'a Document<'a>,
    d: usize,
    /// Values already printed.
    shown: Vec<String>,
    out: &'o mut Vec<Block>,
}

impl<'a> Page<'a, '_> {
    fn value(&self, name: &str) -> Option<&'a Value> {
        self.doc.state.values.get(name).map(|v| v.as_ref())
    }

    /// Prints a value once, under `label`.
    fn matrix(&mut self, name: &str, label: &str) {
        if let Some(v) = self.value(name) {
            self.out.push(matrix(label, v, self.d));
            self.shown.push(name.to_string());
        }
    }

    fn block(&mut self, block: &Doc<'a>) {
        let d = self.d;
        match block {
            Doc::Computed {
                c, expand, reads, ..
            } => {
                let formula = self.doc.audience.formula(&c.formula, *reads);
                self.out.push(Block::Code(formula));
                for name in c.input_names() {
                    self.matrix(&name, &name);
                }
                if *expand {
                    let lines = expansion(c, self.value(&c.name), d);
                    self.out.push(Block::List(lines));
                }
                self.matrix(&c.name, &c.name);
                self.shown.push(c.name.clone());
            }
            Doc::Backward(b) => {
                self.out
                    .push(Block::Code(vec![format!("backward: {}", b.target)]));
                let lines = backward_lines(b, &self.doc.state.values, d);
                self.out.push(Block::List(lines));
                for (grad_name, _) in &b.defined {
                    self.matrix(grad_name, grad_name);
                }
            }
            Doc::Updated(comps) => self.updated(comps),
            Doc::Trained {
                updates,
                run,
                batch,
            } => self.trained(updates, *batch, run),
            Doc::Searched(s) => {
                self.out.push(Block::List(vec![
                    format!("{} random draws of {}", s.trials, s.param),
                    format!(
                        "best {} = {} at trial {}",
                        s.loss,
                        number::fixed(s.best_loss, d + 2),
                        s.best_trial + 1
                    ),
                ]));
            }
            Doc::Asked {
                quiz,
                answer,
                reads,
            } => self.asked(quiz, *answer, *reads),
            Doc::Plot(plot) => {
                let ys: Vec<&str> = plot.y.iter().map(|(n, _)| n.as_str()).collect();
                self.out.push(Block::Para(format!(
                    "Plot (in the tutor): {} against {}.",
                    ys.join(", "),
                    plot.x.0
                )));
            }
            // Pictures are the tutor's; the lines they draw are equations.
            Doc::Regions {
                regions,
                plane: Some(plane),
            } if !plane.lines.is_empty() => self.zero_lines(regions, plane),
            Doc::Regions { .. } | Doc::Bars(_) | Doc::Images(_) => {}
            Doc::Curves(curves) => {
                let names: Vec<&str> = curves.iter().map(|(n, _)| *n).collect();
                let mut lines = vec![format!(
                    "Curves (in the tutor): {} against iteration",
                    names.join(", ")
                )];
                lines.extend(curves.iter().filter_map(|(name, c)| from_to(name, c, d)));
                self.out.push(Block::List(lines));
            }
            Doc::Shown { asked, .. } => {
                for name in asked {
                    if !self.shown.iter().any(|s| s == name) {
                        self.matrix(name, name);
                    }
                }
                let state = self.doc.state;
                for name in state.changed.iter().filter(|c| !self.shown.contains(c)) {
                    if let Some(v) = self.value(name) {
                        self.out.push(matrix(&format!("{name} (recomputed)"), v, d));
                    }
                }
            }
            Doc::Checks(checks) => {
                let lines = checks.iter().map(|c| check_line(c, d)).collect();
                self.out.push(Block::List(lines));
            }
            Doc::SlideNote(note) => self.out.push(Block::Para(format!("Note: {note}"))),
            Doc::Notices(notices) => {
                for n in *notices {
                    self.out.push(Block::Para(format!("Notice: {n}")));
                }
            }
        }
    }

    fn updated(&mut self, comps: &[Computation]) {
        self.out.push(Block::Code(
            comps.iter().map(|c| c.formula.clone()).collect(),
        ));
        for c in comps {
            let lines = expansion(c, self.value(&c.name), self.d);
            self.out.push(Block::List(lines));
            if let (Some(before), Some(v)) = (&c.before, self.value(&c.name)) {
                let (old, new) = format::before_after(before, v, self.d);
                self.out
                    .push(matrix(&format!("{} before", c.name), &old, self.d));
                self.out
                    .push(matrix(&format!("{} after", c.name), &new, self.d));
                self.shown.push(c.name.clone());
            }
        }
    }

    /// The lines a plane draws (`lines`), as equations.
    fn zero_lines(&mut self, regions: &Regions, plane: &Plane) {
        let d = self.d;
        let w = regions.lines.as_ref().map_or("", |l| l.0.as_str());
        let mut lines = vec![format!(
            "The lines drawn, where a row w of {w} gives w · x + b = 0 (w points to where it grows):"
        )];
        let decimals = zero_lines::decimals(&plane.lines, d);
        lines.extend(plane.lines.iter().enumerate().map(|(k, line)| {
            let name = line.name.clone().unwrap_or_else(|| format!("class {k}"));
            format!("{name}: {}", line.equation(decimals))
        }));
        self.out.push(Block::List(lines));
    }

    fn trained(&mut self, updates: &[&str], batch: Option<usize>, t: &TrainState) {
        let d = self.d;
        self.out
            .push(Block::Code(updates.iter().map(|u| u.to_string()).collect()));
        let mut lines = vec![format!("{} iterations", t.iterations)];
        for (k, (name, curve)) in t.curves.iter().enumerate() {
            let name = tracked_name(name, t.batch_of(k, batch));
            let Some(line) = from_to(&name, curve, d) else {
                continue;
            };
            lines.push(line);
            let stride = (curve.len() / 10).max(1);
            let samples: Vec<String> = curve
                .iter()
                .step_by(stride)
                .map(|(i, v)| format!("{i}: {}", number::fixed(*v, d + 2)))
                .collect();
            lines.push(format!("{name} along the way: {}", samples.join(", ")));
        }
        self.out.push(Block::List(lines));
    }

    fn asked(&mut self, q: &Quiz, answer: Option<f64>, reads: Option<&str>) {
        self.out
            .push(Block::Para(format!("Question: {}", q.question)));
        match &q.kind {
            QuizKind::Choice { choices, correct } => {
                self.out.push(Block::List(
                    choices
                        .iter()
                        .enumerate()
                        .map(|(k, c)| format!("{}) {c}", (b'a' + k as u8) as char))
                        .collect(),
                ));
                self.out.push(Block::Para(format!(
                    "Answer: {}) {}",
                    (b'a' + *correct as u8) as char,
                    choices[*correct]
                )));
            }
            QuizKind::Number { answer: formula } => {
                let text = formula.text.trim_start_matches("answer = ");
                let expr = self.doc.audience.answer(text, reads);
                let value = answer.map_or("?".to_string(), |a| number::trimmed(a, self.d.max(2)));
                if expr.trim() == value {
                    self.out.push(Block::Para(format!("Answer: {value}")));
                } else {
                    self.out
                        .push(Block::Para(format!("Answer: {expr} = {value}")));
                }
            }
        }
        if let Some(e) = &q.explain {
            self.out.push(Block::Para(e.clone()));
        }
    }
}

/// `L: 2.30 at iteration 0 → 0.09 at iteration 300`.
fn from_to(name: &str, curve: &[(usize, f64)], d: usize) -> Option<String> {
    let (first, last) = (curve.first()?, curve.last()?);
    Some(format!(
        "{name}: {} at iteration {} → {} at iteration {}",
        number::fixed(first.1, d + 2),
        first.0,
        number::fixed(last.1, d + 2),
        last.0
    ))
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
/// input the chain rule (`document::chain`); an operation's small vector or
/// matrix also element by element, as the tutor walks it.
pub fn backward_lines(b: &BackwardState, values: &Values, d: usize) -> Vec<String> {
    let (g, target) = (&*b.graph, b.target.as_str());
    let mut lines = Vec::new();
    for k in (0..=b.root.0).rev() {
        let id = NodeId(k);
        let node = g.node(id);
        if matches!(node.kind, NodeKind::Constant) {
            continue;
        }
        let Some(upstream) = &b.grads[k] else {
            continue;
        };
        let label = node_label(g, id, 0);
        lines.push(format!(
            "{label} = {}: ∂{target}/∂{label} = {}",
            inline(node.value(), d),
            inline(upstream, d)
        ));
        let value = values.get(&label).map(|v| &**v);
        let shape = node.value().shape();
        let name_of = |(i, j): (usize, usize)| element_name(&label, value, shape, i, j);
        for sum in chain::gathered(g, &b.grads, id, target, &name_of, d) {
            lines.push(format!("  {sum}"));
        }
        let links = chain::links(g, id, upstream, d);
        // (Only small ones: a loss over a data set stays one line.)
        let vector_inputs = links.iter().any(|l| l.contribution.len() > 1)
            && links
                .iter()
                .all(|l| l.contribution.len() <= MAX_ELEMENT_STOPS);
        // A single number fed by vectors (a sum, a loss) sends one product
        // to each input element; so does each element of a small result.
        if upstream.len() == 1 && vector_inputs {
            let sent = element_lines(b, values, (id, &[(0, 0)]), upstream, d);
            lines.extend(sent.into_iter().skip(1).map(|l| l[2..].to_string()));
            continue;
        }
        for link in links {
            let in_label = node_label(g, link.input, 0);
            let rule = match &link.numbers {
                Some(n) => chain::text(chain::link_sentence(
                    target,
                    &label,
                    &in_label,
                    n,
                    link.share(),
                )),
                None => inline(&link.contribution, d),
            };
            lines.push(format!("  to {in_label}: {rule}"));
        }
        let cells = walked_cells(b, id);
        lines.extend(element_lines(b, values, (id, &cells), upstream, d));
    }
    lines
}

/// The chain rule of each element of node `id`: what it sends back to
/// each input element, local × upstream.
/// The elements of node `id` the walk stops at (as the tutor walks it).
fn walked_cells(b: &BackwardState, id: NodeId) -> Vec<(usize, usize)> {
    node_stops(b, id).iter().filter_map(|s| s.element).collect()
}

fn element_lines(
    b: &BackwardState,
    values: &Values,
    (id, cells): (NodeId, &[(usize, usize)]),
    upstream: &Tensor,
    d: usize,
) -> Vec<String> {
    let g = &*b.graph;
    let name = |n: NodeId, (r, c): (usize, usize)| {
        let base = node_label(g, n, 0);
        let t = g.value(n);
        let v = values
            .get(&base)
            .map(|v| v.as_ref())
            .filter(|v| v.data.shape() == t.shape());
        element_name(&base, v, t.shape(), r, c)
    };
    let mut lines = Vec::new();
    for &cell in cells {
        let label = name(id, cell);
        lines.push(format!(
            "  {label} = {}: ∂{}/∂{label} = {}",
            number::at_least_visible(g.value(id)[cell], d),
            b.target,
            number::at_least_visible(upstream[cell], d)
        ));
        for link in chain::element_links(g, id, cell, upstream, d) {
            let in_label = name(link.input, link.element);
            let text = chain::text(chain::element_sentence(&b.target, &label, &in_label, &link));
            lines.push(format!("    to {in_label}: {text}"));
        }
    }
    lines
}
