//! A backward step: the graph with the gradients revealed so far, and the
//! chain rule at the current node.

use ratatui::text::{Line, Span};

use super::doc::Piece;
use super::layout::side_by_side;
use super::step::Ctx;
use crate::engine::Tensor;
use crate::engine::graph::{NodeId, NodeKind};
use crate::lesson::document::Walk;
use crate::lesson::document::chain::{self, Role};
use crate::lesson::document::walk::{MAX_ELEMENT_STOPS, Stop, reached};
use crate::lesson::format::{element_name, inline};
use crate::lesson::timeline::BackwardState;
use crate::tui::widgets::graph::{GraphView, Layout};
use crate::tui::widgets::text::{sanitize, wrap_line};

pub fn backward<'a>(
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
    let current = open.sub.checked_sub(1).and_then(|k| order.get(k)).copied();
    let (view, layout) = graph_view(ctx, b, reached(order, open.sub));
    let target = sanitize(&b.target);
    // What is differentiated, and where the walk is, on one line.
    lines.push(Line::from(vec![
        Span::styled(format!("backward: {target}"), theme.formula),
        Span::styled(
            format!("    stop {} of {}", open.sub, order.len()),
            theme.dim,
        ),
    ]));
    // The panel above the graph is as tall at every stop as at its
    // tallest, so that the graph stays where it is as the walk goes on.
    let panel = |at: Option<Stop>| {
        let mut panel = Vec::new();
        match at {
            None => panel.extend(ctx.para(
                &format!(
                    "Forward pass: every node holds its value. Next sends the gradient back from {target}, one node at a time."
                ),
                theme.dim,
                0,
            )),
            Some(stop) => chain_rule(ctx, &view, b, stop, &target, &mut panel),
        }
        panel
    };
    let tallest = order
        .iter()
        .map(|&stop| panel(Some(stop)).len())
        .chain([panel(None).len()])
        .max()
        .unwrap_or(0);
    let mut here = panel(current);
    here.resize(tallest.max(here.len()), Line::raw(""));
    lines.extend(here);
    lines.push(Line::raw(""));
    pieces.push(Piece::Lines(std::mem::take(lines)));
    let current = current.map(|stop| stop.node);
    pieces.push(Piece::Graph {
        view,
        layout,
        current,
    });
    lines.push(Line::raw(""));
    let done = open.sub + 1 == open.walk().positions();
    if done && !ctx.squeeze.grad_matrices {
        // The graph's boxes hold the numbers; say where they are kept.
        let names: Vec<String> = b.defined.iter().map(|(n, _)| sanitize(n)).collect();
        shown.extend(b.defined.iter().map(|(n, _)| n.clone()));
        if !names.is_empty() {
            lines.extend(ctx.para(
                &format!("The gradients are kept as {}.", names.join(", ")),
                theme.dim,
                0,
            ));
        }
    } else if done {
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

/// The graph in the first of the squeeze's styles that is as wide as the
/// screen (the last one if none is), and its layout.
fn graph_view<'a>(
    ctx: &Ctx,
    b: &'a BackwardState,
    revealed: Vec<NodeId>,
) -> (GraphView<'a>, Layout) {
    let styles = ctx.squeeze.graph;
    let mut view = GraphView {
        graph: &b.graph,
        root: b.root,
        grads: &b.grads,
        revealed,
        digits: ctx.digits(),
        ascii: ctx.ascii(),
        style: styles[0],
    };
    for &style in styles {
        view.style = style;
        let layout = view.layout();
        if layout.width as usize <= ctx.width || Some(&style) == styles.last() {
            return (view, layout);
        }
    }
    let layout = view.layout();
    (view, layout)
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

/// A node's element as the panel names it: `s[bird]`, `W[car, pixel 2]`
/// (row and column names where the value has them), `[+][1]`.
fn element_label(ctx: &Ctx, view: &GraphView, id: NodeId, (r, c): (usize, usize)) -> String {
    let base = panel_label(view, id);
    let t = view.graph.value(id);
    let named = ctx
        .values()
        .get(&base)
        .map(|v| v.as_ref())
        .filter(|v| v.data.shape() == t.shape());
    element_name(&base, named, t.shape(), r, c)
}

/// Styles a chain-rule sentence's parts.
fn styled(ctx: &Ctx, parts: Vec<(String, Role)>) -> Vec<Span<'static>> {
    let theme = ctx.theme;
    parts
        .into_iter()
        .map(|(text, role)| {
            let style = match role {
                Role::Words => theme.dim,
                Role::Local => theme.base,
                Role::Upstream | Role::Product => theme.gradient,
            };
            Span::styled(text, style)
        })
        .collect()
}

fn chain_rule(
    ctx: &Ctx,
    view: &GraphView,
    b: &BackwardState,
    stop: Stop,
    target: &str,
    lines: &mut Vec<Line<'static>>,
) {
    let theme = ctx.theme;
    let d = ctx.digits();
    let g = &b.graph;
    let id = stop.node;
    let Some(upstream) = b.grads.get(id.0).cloned().flatten() else {
        return;
    };
    let (label, value, gradient) = match stop.element {
        Some(cell) => (
            element_label(ctx, view, id, cell),
            inline(&Tensor::from_element(1, 1, g.value(id)[cell]), d),
            inline(&Tensor::from_element(1, 1, upstream[cell]), d),
        ),
        None => (
            panel_label(view, id),
            inline(g.value(id), d),
            inline(&upstream, d),
        ),
    };
    let mut head = vec![
        Span::styled(format!("{label} = "), theme.heading),
        Span::styled(value, theme.forward),
        Span::styled(format!("    ∂{target}/∂{label} = "), theme.heading),
        Span::styled(gradient, theme.gradient),
    ];
    if id == b.root {
        head.push(Span::styled(
            "   (the gradient of the loss with respect to itself)",
            theme.dim,
        ));
    }
    lines.extend(wrap_line(Line::from(head), ctx.width, 4));
    if stop.element.is_none() {
        let name_of = |cell: (usize, usize)| element_label(ctx, view, id, cell);
        for sum in chain::gathered(g, &b.grads, id, target, &name_of, d) {
            lines.push(Line::styled(format!("  {sum}"), theme.gradient));
        }
    }
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
    // An element, or a single number fed by vectors (a sum, a loss): what
    // it sends to each input element, one product at a time.
    let vector_inputs = contributions.iter().any(|(_, t)| t.len() > 1)
        && contributions
            .iter()
            .all(|(_, t)| t.len() <= MAX_ELEMENT_STOPS);
    match stop.element {
        Some(cell) => {
            return element_rule(ctx, view, b, (id, cell), (&label, target), &upstream, lines);
        }
        None if upstream.len() == 1 && vector_inputs => {
            return element_rule(
                ctx,
                view,
                b,
                (id, (0, 0)),
                (&label, target),
                &upstream,
                lines,
            );
        }
        None => {}
    }
    for link in chain::links(g, id, &upstream, d) {
        let in_label = panel_label(view, link.input);
        let mut spans = vec![Span::styled(format!("  to {in_label}:  "), theme.base)];
        match &link.numbers {
            Some(n) => spans.extend(styled(
                ctx,
                chain::link_sentence(target, &label, &in_label, n, link.share()),
            )),
            None => spans.push(Span::styled(inline(&link.contribution, d), theme.gradient)),
        }
        lines.extend(wrap_line(Line::from(spans), ctx.width, 6));
    }
}

/// The chain rule at one element: what it sends to each input element.
fn element_rule(
    ctx: &Ctx,
    view: &GraphView,
    b: &BackwardState,
    (id, cell): (NodeId, (usize, usize)),
    (label, target): (&str, &str),
    upstream: &Tensor,
    lines: &mut Vec<Line<'static>>,
) {
    let links = chain::element_links(&b.graph, id, cell, upstream, ctx.digits());
    let most = ctx.squeeze.element_links;
    for link in links.iter().take(most) {
        let in_label = element_label(ctx, view, link.input, link.element);
        let mut spans = vec![Span::styled(format!("  to {in_label}:  "), ctx.theme.base)];
        spans.extend(styled(
            ctx,
            chain::element_sentence(target, label, &in_label, link),
        ));
        lines.extend(wrap_line(Line::from(spans), ctx.width, 6));
    }
    if links.len() > most {
        lines.push(Line::styled(
            format!("  … and {} more", links.len() - most),
            ctx.theme.dim,
        ));
    }
}
