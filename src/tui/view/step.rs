//! What one step shows, as pieces: its text, then by kind the formula with
//! operands and result, the graph and chain rule, the update arithmetic, the
//! quiz, and the checks and slide notes. Everything shown is read from the
//! timeline; nothing is computed here but layout.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::doc::{Piece, fits_big};
use crate::engine::graph::{NodeId, NodeKind};
use crate::engine::number;
use crate::engine::sources::{Cells, element_sources};
use crate::lesson::format::{check_line, element_name, inline};
use crate::lesson::model::QuizKind;
use crate::lesson::timeline::{BackwardState, Computation, Detail, Values};
use crate::lesson::{Action, Value};
use crate::tui::app::{App, OpenLesson, Typing};
use crate::tui::theme::Theme;
use crate::tui::update::letter;
use crate::tui::walk::Walk;
use crate::tui::widgets::graph::GraphView;
use crate::tui::widgets::matrix::MatrixView;
use crate::tui::widgets::text::{fit, sanitize, wrap};

/// Update arithmetic is written out for at most this many elements.
const MAX_UPDATE_LINES: usize = 8;

pub struct Ctx<'a> {
    pub app: &'a App,
    pub open: &'a OpenLesson,
    pub theme: &'a Theme,
    pub width: usize,
    /// Rows a single matrix may take.
    pub matrix_rows: usize,
    /// The step's text; left out inside a walk when the screen is full.
    pub with_text: bool,
}

impl Ctx<'_> {
    fn present(&self) -> bool {
        self.app.settings.present
    }

    fn ascii(&self) -> bool {
        self.app.settings.ascii
    }

    fn values(&self) -> &Values {
        &self.open.timeline.steps[self.open.step].values
    }

    fn before(&self) -> &Values {
        match self.open.step {
            0 => &self.open.timeline.initial,
            k => &self.open.timeline.steps[k - 1].values,
        }
    }

    fn digits(&self) -> usize {
        self.open.lesson.digits
    }

    fn matrix(
        &self,
        name: &str,
        focus: Option<(usize, usize)>,
        sources: Option<&Cells>,
    ) -> Option<Vec<Line<'static>>> {
        let value = self.values().get(name)?;
        let before = self.before().get(name);
        let view = MatrixView {
            name,
            value,
            digits: self.digits(),
            focus,
            sources,
            before: before.map(|b| &b.data),
            new: before.is_none(),
            ascii: self.ascii(),
            gap: usize::from(self.present()),
        };
        Some(view.lines(self.theme, self.width, self.matrix_rows))
    }

    fn matrix_of(&self, label: &str, value: &Value, before: Option<&Value>) -> Vec<Line<'static>> {
        MatrixView {
            name: label,
            value,
            digits: self.digits(),
            focus: None,
            sources: None,
            before: before.map(|b| &b.data),
            new: false,
            ascii: self.ascii(),
            gap: usize::from(self.present()),
        }
        .lines(self.theme, self.width, self.matrix_rows)
    }

    fn para(&self, text: &str, style: Style, indent: usize) -> Vec<Line<'static>> {
        wrap(&sanitize(text), self.width.saturating_sub(indent))
            .into_iter()
            .map(|l| Line::styled(format!("{}{l}", " ".repeat(indent)), style))
            .collect()
    }
}

pub fn body<'a>(ctx: &Ctx<'a>) -> Vec<Piece<'a>> {
    let open = ctx.open;
    let step = &open.lesson.steps[open.step];
    let state = &open.timeline.steps[open.step];
    let theme = ctx.theme;
    let mut pieces: Vec<Piece<'a>> = Vec::new();
    let mut lines: Vec<Line<'static>> = Vec::new();

    let title = sanitize(&step.title);
    if ctx.present() {
        if let Some(big) = big_lines(&title, ctx.width) {
            pieces.push(Piece::Big(big, theme.title));
            lines.push(Line::raw(""));
        } else {
            lines.extend(ctx.para(&title.to_uppercase(), theme.title, 0));
            lines.push(Line::raw(""));
        }
    } else {
        lines.push(Line::styled(fit(&title, ctx.width), theme.title));
        lines.push(Line::raw(""));
    }
    let computes = !matches!(step.action, Action::Show | Action::Quiz(_));
    if ctx.with_text && !step.text.trim().is_empty() && !(ctx.present() && computes) {
        lines.extend(ctx.para(&step.text, theme.base, 0));
        lines.push(Line::raw(""));
    }
    let mut shown: Vec<String> = Vec::new();
    match (&step.action, &state.detail) {
        (Action::Let { .. }, Detail::Let(c)) => {
            let_lines(ctx, c, &mut lines, &mut pieces, &mut shown);
        }
        (_, Detail::Backward(b)) => {
            lines.push(Line::styled(
                format!("backward: {}", sanitize(&b.target)),
                theme.formula,
            ));
            lines.push(Line::raw(""));
            pieces.push(Piece::Lines(std::mem::take(&mut lines)));
            backward(ctx, b, &mut lines, &mut pieces, &mut shown);
        }
        (_, Detail::Update(comps)) => update_lines(ctx, comps, &mut lines, &mut shown),
        (_, Detail::Train(t)) => {
            lines.push(Line::styled(
                format!("{} iterations", t.iterations),
                theme.formula,
            ));
            for (name, curve) in &t.curves {
                let values: Vec<f64> = curve.iter().map(|(_, v)| *v).collect();
                let (Some(first), Some(last)) = (curve.first(), curve.last()) else {
                    continue;
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("{name}: "), theme.heading),
                    Span::styled(
                        format!(
                            "{} at iteration {} → {} at iteration {}",
                            number::fixed(first.1, ctx.digits() + 2),
                            first.0,
                            number::fixed(last.1, ctx.digits() + 2),
                            last.0
                        ),
                        theme.base,
                    ),
                ]));
                lines.push(Line::styled(
                    sparkline(&values, ctx.width.min(100), ctx.ascii()),
                    theme.forward,
                ));
            }
            lines.push(Line::raw(""));
        }
        (_, Detail::Search(s)) => {
            lines.push(Line::styled(
                format!("{} random draws of {}", s.trials, s.param),
                theme.formula,
            ));
            lines.push(Line::styled(
                format!(
                    "best {} = {} at trial {}",
                    s.loss,
                    number::fixed(s.best_loss, ctx.digits() + 2),
                    s.best_trial + 1
                ),
                theme.base,
            ));
            lines.push(Line::styled(
                sparkline(&s.losses, ctx.width.min(100), ctx.ascii()),
                theme.forward,
            ));
            lines.push(Line::raw(""));
        }
        (Action::Quiz(q), Detail::Quiz(qs)) => quiz_lines(ctx, q, qs.answer, &mut lines),
        _ => {}
    }
    // What the step asks to show, and what training or a search changed.
    let mut names: Vec<&String> = step.show.iter().map(|(name, _)| name).collect();
    if matches!(state.detail, Detail::Train(_) | Detail::Search(_)) {
        names.extend(state.changed.iter());
    }
    let mut blocks: Vec<Vec<Line<'static>>> = Vec::new();
    for name in names {
        if !shown.contains(name) {
            shown.push(name.clone());
            blocks.extend(ctx.matrix(name, None, None));
        }
    }
    if !blocks.is_empty() {
        lines.extend(side_by_side(blocks, ctx.width, 4));
        lines.push(Line::raw(""));
    }
    // Gradients are checked once the walk has revealed them; presentation
    // mode keeps to the one idea on screen.
    let walk_done = (open.sub + 1 >= open.walk().positions()
        || !matches!(open.walk(), Walk::Backward { .. }))
        && !ctx.present();
    for c in state.checks.iter().filter(|_| walk_done) {
        let text = check_line(c, ctx.digits());
        let style = match (c.slide, c.passed) {
            (_, true) => theme.ok,
            (false, false) => theme.bad,
            (true, false) => theme.warn,
        };
        lines.extend(ctx.para(&text, style, 0));
    }
    if let Some(note) = &step.note {
        lines.push(Line::raw(""));
        let label = if ctx.ascii() {
            "Slides: "
        } else {
            "⚠ Slides: "
        };
        let mut para = ctx.para(&format!("{label}{note}"), theme.note, 0);
        if let Some(first) = para.first_mut() {
            first.spans[0].style = theme.warn;
        }
        lines.extend(para);
    }
    for notice in &state.notices {
        lines.extend(ctx.para(notice, theme.dim, 0));
    }
    pieces.push(Piece::Lines(lines));
    pieces
}

fn let_lines<'a>(
    ctx: &Ctx<'a>,
    c: &'a Computation,
    lines: &mut Vec<Line<'static>>,
    pieces: &mut Vec<Piece<'a>>,
    shown: &mut Vec<String>,
) {
    let theme = ctx.theme;
    let open = ctx.open;
    lines.push(Line::styled(sanitize(&c.formula), theme.formula));
    lines.push(Line::raw(""));
    let focus = open.walk().element(open.sub);
    // The element's arithmetic comes first: it is what the learner is
    // looking at; the matrices below show where its numbers come from.
    if let (Some((i, j)), Walk::Elements { rows, cols }) = (focus, open.walk()) {
        let value = ctx.values().get(&c.name).map(|v| v.as_ref());
        let element = element_name(&c.name, value, (*rows, *cols), i, j);
        let arithmetic = c.explain(i, j, ctx.digits());
        if open.walk().positions() > 1 {
            let position = format!("element {} of {}", open.sub + 1, open.walk().positions());
            lines.push(Line::styled(position, theme.dim));
        }
        let text = sanitize(&format!("{element} = {arithmetic}"));
        lines.extend(ctx.para(&text, theme.heading, 0));
        if ctx.present() {
            let result = arithmetic.rsplit(" = ").next().unwrap_or_default();
            let short = sanitize(&format!("{element} = {result}"));
            if let Some(big) = big_lines(&short, ctx.width).filter(|b| b.len() == 1) {
                lines.push(Line::raw(""));
                pieces.push(Piece::Lines(std::mem::take(lines)));
                pieces.push(Piece::Big(big, theme.changed));
            }
        }
        lines.push(Line::raw(""));
    }
    let sources = focus
        .map(|(i, j)| element_sources(&c.graph, c.root, i, j))
        .unwrap_or_default();
    let mut blocks = Vec::new();
    for name in input_names(c) {
        if name == c.name {
            continue;
        }
        if let Some(m) = ctx.matrix(&name, None, sources.get(&name)) {
            blocks.push(m);
            shown.push(name);
        }
    }
    if let Some(m) = ctx.matrix(&c.name, focus, None) {
        blocks.push(m);
        shown.push(c.name.clone());
    }
    lines.extend(side_by_side(
        blocks,
        ctx.width,
        if ctx.present() { 6 } else { 4 },
    ));
    lines.push(Line::raw(""));
}

/// The names a formula reads, in order of first appearance.
fn input_names(c: &Computation) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for n in &c.graph.nodes {
        if let NodeKind::Input(name) = &n.kind
            && !names.contains(name)
        {
            names.push(name.clone());
        }
    }
    names
}

fn backward<'a>(
    ctx: &Ctx<'a>,
    b: &'a BackwardState,
    lines: &mut Vec<Line<'static>>,
    pieces: &mut Vec<Piece<'a>>,
    shown: &mut Vec<String>,
) {
    let theme = ctx.theme;
    let open = ctx.open;
    let Walk::Backward { order } = open.walk() else {
        return;
    };
    let revealed = &order[..open.sub.min(order.len())];
    let current = revealed.last().copied();
    let view = GraphView {
        graph: &b.graph,
        root: b.root,
        grads: &b.grads,
        revealed,
        digits: ctx.digits(),
        target: &b.target,
        ascii: ctx.ascii(),
    };
    let target = sanitize(&b.target);
    lines.push(Line::styled(
        format!("node {} of {}", open.sub, order.len()),
        theme.dim,
    ));
    match current {
        None => {
            lines.extend(ctx.para(
                &format!(
                    "Forward pass: every node holds its value. Next sends the gradient back from {target}, one node at a time."
                ),
                theme.dim,
                0,
            ));
        }
        Some(id) => chain_rule(ctx, &view, b, id, &target, lines),
    }
    lines.push(Line::raw(""));
    pieces.push(Piece::Lines(std::mem::take(lines)));
    let layout = view.layout();
    pieces.push(Piece::Graph {
        view,
        layout,
        current,
    });
    lines.push(Line::raw(""));
    if open.sub + 1 == open.walk().positions() {
        lines.push(Line::raw(""));
        let blocks: Vec<Vec<Line<'static>>> = b
            .defined
            .iter()
            .filter_map(|(grad_name, _)| {
                shown.push(grad_name.clone());
                ctx.matrix(grad_name, None, None)
            })
            .collect();
        lines.extend(side_by_side(blocks, ctx.width, 4));
    }
}

/// How the chain-rule panel names a node: its name, or its box's title in
/// brackets (`[× -1]`), so the text points at the drawing.
fn panel_label(view: &GraphView, id: NodeId) -> String {
    let node = view.graph.node(id);
    match (&node.kind, &node.name) {
        (NodeKind::Input(name), _) | (_, Some(name)) => sanitize(name),
        _ => format!("[{}]", sanitize(&view.title(id))),
    }
}

fn chain_rule(
    ctx: &Ctx,
    view: &GraphView,
    b: &BackwardState,
    id: NodeId,
    target: &str,
    lines: &mut Vec<Line<'static>>,
) {
    let theme = ctx.theme;
    let d = ctx.digits();
    let g = &b.graph;
    let label = panel_label(view, id);
    let Some(upstream) = b.grads.get(id.0).cloned().flatten() else {
        return;
    };
    let mut head = vec![
        Span::styled(format!("{label} = "), theme.heading),
        Span::styled(inline(g.value(id), d), theme.forward),
        Span::styled(format!("    ∂{target}/∂{label} = "), theme.heading),
        Span::styled(inline(&upstream, d), theme.gradient),
    ];
    if id == b.root {
        head.push(Span::styled(
            "   (the gradient of the loss with respect to itself)",
            theme.dim,
        ));
    }
    lines.push(Line::from(head));
    let contributions = g.contributions(id, &upstream);
    if contributions.is_empty() {
        let what = if matches!(g.node(id).kind, NodeKind::Input(_)) {
            "an input: its gradient is everything that flowed back to it, summed"
        } else {
            "nothing to pass further back"
        };
        lines.push(Line::styled(format!("  {label} is {what}."), theme.dim));
        return;
    }
    lines.push(Line::styled(
        "  chain rule: local gradient × upstream gradient",
        theme.dim,
    ));
    let locals = g.local_gradients(id);
    for ((input, contribution), (_, local)) in contributions.into_iter().zip(locals) {
        if matches!(g.node(input).kind, NodeKind::Constant) {
            continue;
        }
        let in_label = panel_label(view, input);
        let mut spans = vec![Span::styled(format!("  to {in_label}:  "), theme.base)];
        if upstream.len() == 1 && local.len() == 1 {
            spans.extend([
                Span::styled(format!("∂{label}/∂{in_label} = "), theme.dim),
                Span::styled(number::fixed(local[0], d), theme.base),
                Span::styled("  ×  ", theme.dim),
                Span::styled(number::fixed(upstream[0], d), theme.gradient),
                Span::styled("  =  ", theme.dim),
                Span::styled(number::fixed(contribution[0], d), theme.gradient),
            ]);
        } else {
            spans.push(Span::styled(inline(&contribution, d), theme.gradient));
        }
        lines.push(Line::from(spans));
    }
}

fn update_lines(
    ctx: &Ctx,
    comps: &[Computation],
    lines: &mut Vec<Line<'static>>,
    shown: &mut Vec<String>,
) {
    let theme = ctx.theme;
    for c in comps {
        lines.push(Line::styled(sanitize(&c.formula), theme.formula));
    }
    lines.push(Line::raw(""));
    let mut blocks = Vec::new();
    for c in comps {
        let value = ctx.values().get(&c.name).map(|v| v.as_ref());
        let (rows, cols) = c.result().shape();
        let mut count = 0;
        for i in 0..rows {
            for j in 0..cols {
                if count == MAX_UPDATE_LINES {
                    continue;
                }
                count += 1;
                let element = element_name(&c.name, value, (rows, cols), i, j);
                lines.push(Line::from(vec![
                    Span::styled(format!("{} = ", sanitize(&element)), theme.heading),
                    Span::styled(sanitize(&c.explain(i, j, ctx.digits())), theme.base),
                ]));
            }
        }
        if rows * cols > MAX_UPDATE_LINES {
            lines.push(Line::styled(
                format!("… and {} more elements", rows * cols - MAX_UPDATE_LINES),
                theme.dim,
            ));
        }
        if let (Some(before), Some(v)) = (&c.before, value) {
            let old = Value {
                data: before.clone(),
                ..v.clone()
            };
            blocks.push(ctx.matrix_of(&format!("{} before", c.name), &old, None));
            blocks.push(ctx.matrix_of(&format!("{} after", c.name), v, Some(&old)));
            shown.push(c.name.clone());
        }
    }
    lines.push(Line::raw(""));
    lines.extend(side_by_side(blocks, ctx.width, 4));
    let state = &ctx.open.timeline.steps[ctx.open.step];
    let recomputed: Vec<Vec<Line<'static>>> = state
        .changed
        .iter()
        .filter(|n| !shown.contains(n))
        .filter_map(|n| ctx.matrix(n, None, None))
        .collect();
    if !recomputed.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("recomputed with the new values:", theme.dim));
        lines.extend(side_by_side(recomputed, ctx.width, 4));
        shown.extend(state.changed.iter().cloned());
    }
    lines.push(Line::raw(""));
}

fn quiz_lines(
    ctx: &Ctx,
    q: &crate::lesson::model::Quiz,
    answer: Option<f64>,
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
                lines.push(Line::from(vec![
                    Span::styled(
                        format!(" {mark} "),
                        if k == *correct { theme.ok } else { theme.bad },
                    ),
                    Span::styled(format!("{}) {}", letter(k), sanitize(choice)), style),
                ]));
            }
            if record.is_none() {
                lines.push(Line::raw(""));
                lines.push(Line::styled("Press a letter, or ↑ ↓ and Enter.", theme.dim));
            }
        }
        QuizKind::Number { answer: formula } => {
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
                let value =
                    answer.map_or("?".to_string(), |a| number::trimmed(a, ctx.digits().max(2)));
                let expr = formula.text.trim_start_matches("answer = ").trim();
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
    }
    if record.is_some()
        && let Some(e) = &q.explain
    {
        lines.push(Line::raw(""));
        lines.extend(ctx.para(e, theme.base, 0));
    }
    lines.push(Line::raw(""));
}

/// Blocks of lines placed left to right with `gap` columns between them,
/// starting a new row of blocks where the next would not fit.
pub fn side_by_side(
    blocks: Vec<Vec<Line<'static>>>,
    max_width: usize,
    gap: usize,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut row: Vec<(usize, Vec<Line<'static>>)> = Vec::new();
    let mut used = 0;
    let flush = |row: &mut Vec<(usize, Vec<Line<'static>>)>, out: &mut Vec<Line<'static>>| {
        if row.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        let height = row.iter().map(|(_, b)| b.len()).max().unwrap_or(0);
        for k in 0..height {
            let mut spans: Vec<Span<'static>> = Vec::new();
            for (n, (w, block)) in row.iter().enumerate() {
                let line = block.get(k);
                let lw = line.map_or(0, Line::width);
                if let Some(line) = line {
                    spans.extend(line.spans.iter().cloned());
                }
                if n + 1 < row.len() {
                    spans.push(Span::raw(" ".repeat(w.saturating_sub(lw) + gap)));
                }
            }
            out.push(Line::from(spans));
        }
        row.clear();
    };
    for block in blocks {
        let w = block.iter().map(Line::width).max().unwrap_or(0);
        if !row.is_empty() && used + gap + w > max_width {
            flush(&mut row, &mut out);
            used = 0;
        }
        used += if row.is_empty() { w } else { gap + w };
        row.push((w, block));
    }
    flush(&mut row, &mut out);
    out
}

/// The title (or a short result) as big-text lines if it fits in at most
/// two of them.
fn big_lines(text: &str, cols: usize) -> Option<Vec<String>> {
    let per_line = cols / super::doc::BIG_COLS;
    if per_line < 6 || !fits_big(text, usize::MAX) {
        return None;
    }
    let lines = wrap(text, per_line);
    (lines.len() <= 2 && lines.iter().all(|l| fits_big(l, cols))).then_some(lines)
}

/// Values as a row of block characters from low to high.
fn sparkline(values: &[f64], cols: usize, ascii: bool) -> String {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() || cols == 0 {
        return String::new();
    }
    let (lo, hi) = finite
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let marks: &[char] = if ascii {
        &['_', '.', '-', '~', '=', '#']
    } else {
        &['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█']
    };
    let n = values.len().min(cols);
    (0..n)
        .map(|k| {
            let v = values[k * values.len() / n];
            if !v.is_finite() || hi <= lo {
                return marks[0];
            }
            let t = (v - lo) / (hi - lo);
            marks[((t * (marks.len() - 1) as f64).round() as usize).min(marks.len() - 1)]
        })
        .collect()
}
