//! A backward step: the graph with the gradients revealed so far, and the
//! chain rule at the current node.

use ratatui::text::{Line, Span};

use super::doc::Piece;
use super::layout::side_by_side;
use super::step::Ctx;
use crate::engine::graph::{NodeId, NodeKind};
use crate::lesson::document::Walk;
use crate::lesson::document::chain::{self, Role};
use crate::lesson::format::inline;
use crate::lesson::timeline::BackwardState;
use crate::tui::widgets::graph::GraphView;
use crate::tui::widgets::text::sanitize;

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
    let revealed = &order[..open.sub.min(order.len())];
    let current = revealed.last().copied();
    let view = GraphView {
        graph: &b.graph,
        root: b.root,
        grads: &b.grads,
        revealed,
        digits: ctx.digits(),
        ascii: ctx.ascii(),
    };
    let target = sanitize(&b.target);
    lines.push(Line::styled(
        format!("node {} of {}", open.sub, order.len()),
        theme.dim,
    ));
    // The panel above the graph is as tall at every node as at its tallest,
    // so that the graph stays where it is as the walk goes on.
    let panel = |at: Option<NodeId>| {
        let mut panel = Vec::new();
        match at {
            None => panel.extend(ctx.para(
                &format!(
                    "Forward pass: every node holds its value. Next sends the gradient back from {target}, one node at a time."
                ),
                theme.dim,
                0,
            )),
            Some(id) => chain_rule(ctx, &view, b, id, &target, &mut panel),
        }
        panel
    };
    let tallest = order
        .iter()
        .map(|&id| panel(Some(id)).len())
        .chain([panel(None).len()])
        .max()
        .unwrap_or(0);
    let mut here = panel(current);
    here.resize(tallest.max(here.len()), Line::raw(""));
    lines.extend(here);
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
    for link in chain::links(g, id, &upstream, d) {
        let in_label = panel_label(view, link.input);
        let mut spans = vec![Span::styled(format!("  to {in_label}:  "), theme.base)];
        match &link.numbers {
            Some(n) => spans.extend(
                chain::sentence(target, &label, &in_label, n)
                    .into_iter()
                    .map(|(text, role)| {
                        let style = match role {
                            Role::Words => theme.dim,
                            Role::Local => theme.base,
                            Role::Upstream | Role::Product => theme.gradient,
                        };
                        Span::styled(text, style)
                    }),
            ),
            None => spans.push(Span::styled(inline(&link.contribution, d), theme.gradient)),
        }
        lines.push(Line::from(spans));
    }
}
