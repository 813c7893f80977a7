//! `nntutor export`: the walk-through as JSON (the timeline, full precision),
//! plain text or markdown.

use serde_json::{Map, Value as Json, json};

use super::walkthrough::{Block, backward_lines, blocks};
use crate::engine::{Tensor, number};
use crate::lesson::format::{node_label, sanitize};
use crate::lesson::model::QuizKind;
use crate::lesson::timeline::Detail;
use crate::lesson::{Action, Lesson, Timeline};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Text,
    Markdown,
}

pub fn render(lesson: &Lesson, timeline: &Timeline, format: Format) -> String {
    match format {
        Format::Json => {
            let s =
                serde_json::to_string_pretty(&json_timeline(lesson, timeline)).unwrap_or_default();
            // serde_json escapes control characters but not bidirectional
            // overrides, which can make a terminal show text out of order.
            let mut s: String = s
                .chars()
                .map(|c| match c {
                    '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                        format!("\\u{:04x}", c as u32)
                    }
                    c => c.to_string(),
                })
                .collect();
            s.push('\n');
            s
        }
        // Lesson text may hold control characters; none reaches the reader's
        // terminal (JSON escapes them by itself).
        Format::Text => sanitize(&text(&blocks(lesson, timeline))),
        Format::Markdown => sanitize(&markdown(&blocks(lesson, timeline))),
    }
}

fn text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Title(t) => {
                out.push_str(&format!("{t}\n{}\n\n", "=".repeat(t.chars().count())));
            }
            Block::Heading(h) => {
                out.push_str(&format!("\n{h}\n{}\n\n", "-".repeat(h.chars().count())))
            }
            Block::Para(p) => out.push_str(&format!("{}\n\n", wrap(p, 78))),
            Block::Code(lines) => lines
                .iter()
                .for_each(|l| out.push_str(&format!("    {l}\n"))),
            Block::Matrix { label, lines } => {
                if lines.len() == 1 && !label.contains('(') {
                    out.push_str(&format!("\n  {label} = {}\n\n", lines[0].trim()));
                } else {
                    out.push_str(&format!("\n  {label}\n"));
                    lines
                        .iter()
                        .for_each(|l| out.push_str(&format!("    {l}\n")));
                    out.push('\n');
                }
            }
            Block::List(items) => {
                items.iter().for_each(|i| out.push_str(&format!("  {i}\n")));
                out.push('\n');
            }
        }
    }
    collapse_blank_lines(&out)
}

fn markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Title(t) => out.push_str(&format!("# {}\n\n", escape_md(t))),
            Block::Heading(h) => out.push_str(&format!("## {}\n\n", escape_md(h))),
            Block::Para(p) => out.push_str(&format!("{}\n\n", escape_md(p))),
            Block::Code(lines) => out.push_str(&format!("```\n{}\n```\n\n", lines.join("\n"))),
            Block::Matrix { label, lines } => {
                out.push_str(&format!(
                    "**{}**\n\n```\n{}\n```\n\n",
                    escape_md(label),
                    lines.join("\n")
                ));
            }
            Block::List(items) => {
                for i in items {
                    // Arithmetic stays literal: `*` and `_` would turn into emphasis.
                    let item = if i.starts_with(['✓', '✗', '⚠']) {
                        escape_md(i)
                    } else {
                        format!("`{}`", i.replace('`', "'"))
                    };
                    out.push_str(&format!("- {item}\n"));
                }
                out.push('\n');
            }
        }
    }
    collapse_blank_lines(&out)
}

fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '*' | '_' | '`' | '#' | '<' | '>' | '[' | ']' | '|' | '\\'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn collapse_blank_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.trim_start_matches('\n').trim_end().to_string() + "\n"
}

fn wrap(p: &str, width: usize) -> String {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in p.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
}

/// A number as JSON: finite numbers as they are, others as strings.
fn num(v: f64) -> Json {
    if v.is_finite() {
        json!(v)
    } else {
        json!(number::fixed(v, 0))
    }
}

fn tensor_json(t: &Tensor) -> Json {
    let data: Vec<Json> = (0..t.nrows())
        .map(|i| Json::Array((0..t.ncols()).map(|j| num(t[(i, j)])).collect()))
        .collect();
    json!({ "shape": [t.nrows(), t.ncols()], "data": data })
}

fn json_timeline(lesson: &Lesson, timeline: &Timeline) -> Json {
    let mut given = Map::new();
    for g in &lesson.givens {
        if let Some(v) = timeline.initial.get(&g.name) {
            let mut entry = tensor_json(&v.data);
            if let Some(rows) = &v.rows {
                entry["rows"] = json!(rows);
            }
            if let Some(cols) = &v.cols {
                entry["cols"] = json!(cols);
            }
            if v.labels {
                entry["kind"] = json!("labels");
            }
            given.insert(g.name.clone(), entry);
        }
    }
    let steps: Vec<Json> = lesson
        .steps
        .iter()
        .zip(&timeline.steps)
        .map(|(step, state)| {
            let mut values = Map::new();
            for name in &state.changed {
                if let Some(v) = state.values.get(name) {
                    values.insert(name.clone(), tensor_json(&v.data));
                }
            }
            let mut s = json!({
                "index": step.index,
                "title": step.title,
                "kind": step.action.kind(),
                "values": values,
            });
            if !step.text.is_empty() {
                s["text"] = json!(step.text);
            }
            if !step.show.is_empty() {
                s["show"] = json!(step.show.iter().map(|(n, _)| n).collect::<Vec<_>>());
            }
            match (&step.action, &state.detail) {
                (Action::Let { expand, .. }, Detail::Let(c)) => {
                    s["formula"] = json!(c.formula);
                    if *expand {
                        let t = c.result();
                        let rows: Vec<Json> = (0..t.nrows()).map(|i| Json::Array((0..t.ncols()).map(|j| json!(c.explain(i, j, lesson.digits))).collect())).collect();
                        s["arithmetic"] = Json::Array(rows);
                    }
                }
                (_, Detail::Update(comps)) => {
                    s["formulas"] = json!(comps.iter().map(|c| &c.formula).collect::<Vec<_>>());
                    let mut before = Map::new();
                    for c in comps {
                        if let Some(b) = &c.before {
                            before.insert(c.name.clone(), tensor_json(b));
                        }
                    }
                    s["before"] = Json::Object(before);
                }
                (_, Detail::Backward(b)) => {
                    let nodes: Vec<Json> = b
                        .graph
                        .nodes
                        .iter()
                        .enumerate()
                        .map(|(k, n)| {
                            let id = crate::engine::NodeId(k);
                            let mut node = json!({
                                "id": k,
                                "label": node_label(&b.graph, id, 0),
                                "inputs": n.inputs.iter().map(|i| i.0).collect::<Vec<_>>(),
                                "value": tensor_json(n.value()),
                            });
                            if let Some(g) = &b.grads[k] {
                                node["grad"] = tensor_json(g);
                                let locals: Vec<Json> = b.graph.local_gradients(id).into_iter().map(|(i, l)| json!({ "input": i.0, "local": tensor_json(&l) })).collect();
                                if !locals.is_empty() {
                                    node["local"] = Json::Array(locals);
                                }
                            }
                            node
                        })
                        .collect();
                    s["graph"] = json!({ "target": b.target, "root": b.root.0, "nodes": nodes });
                    s["chain_rule"] = json!(backward_lines(&b.graph, b.root, &b.grads, &b.target, lesson.digits));
                }
                (_, Detail::Train(t)) => {
                    let curves: Map<String, Json> = t.curves.iter().map(|(n, c)| (n.clone(), Json::Array(c.iter().map(|(i, v)| json!([i, num(*v)])).collect()))).collect();
                    s["train"] = json!({ "iterations": t.iterations, "curves": curves });
                }
                (_, Detail::Search(r)) => {
                    s["search"] = json!({ "trials": r.trials, "param": r.param, "loss": r.loss, "best_trial": r.best_trial, "best_loss": num(r.best_loss), "losses": r.losses.iter().map(|v| num(*v)).collect::<Vec<_>>() });
                }
                (Action::Quiz(q), Detail::Quiz(state)) => {
                    let mut quiz = json!({ "question": q.question });
                    match &q.kind {
                        QuizKind::Number { .. } => quiz["answer"] = state.answer.map_or(Json::Null, num),
                        QuizKind::Choice { choices, correct } => {
                            quiz["choices"] = json!(choices);
                            quiz["correct"] = json!(correct);
                        }
                    }
                    if let Some(e) = &q.explain {
                        quiz["explain"] = json!(e);
                    }
                    s["quiz"] = quiz;
                }
                _ => {}
            }
            let checks: Vec<Json> = state
                .checks
                .iter()
                .map(|c| json!({ "kind": if c.slide { "slide" } else { "expect" }, "name": c.name, "expected": tensor_json(&c.expected), "passed": c.passed }))
                .collect();
            if !checks.is_empty() {
                s["checks"] = Json::Array(checks);
            }
            if let Some(note) = &step.note {
                s["note"] = json!(note);
            }
            if let Some(plot) = &step.plot {
                let ys: Vec<&String> = plot.y.iter().map(|(n, _)| n).collect();
                s["plot"] = json!({ "x": plot.x.0, "y": ys });
            }
            if !step.predict.is_empty() {
                let names: Vec<&String> = step.predict.iter().map(|(n, _)| n).collect();
                s["predict"] = json!(names);
            }
            if let Some(r) = &step.regions {
                s["regions"] = json!({ "scores": r.scores.0, "x": r.x.0, "labels": r.labels.as_ref().map(|l| &l.0) });
            }
            if !state.notices.is_empty() {
                s["notices"] = json!(state.notices);
            }
            s
        })
        .collect();
    json!({
        "id": lesson.id,
        "title": lesson.title,
        "summary": lesson.summary,
        "digits": lesson.digits,
        "given": given,
        "steps": steps,
    })
}
