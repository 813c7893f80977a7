//! The computational graph of a backward step, drawn as boxes and arrows:
//! inputs on the left, the loss on the right, each box holding its forward
//! value (green) and, once the walk has reached it, its gradient (red).

use std::collections::BTreeMap;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::gates::{short_inline, short_number, with_constant};
use super::lines::LineGrid;
use super::text::{fit, width};
use crate::engine::Tensor;
use crate::engine::graph::{Graph, NodeId, NodeKind};
use crate::engine::ops::Op;
use crate::lesson::document::walk::shown;
use crate::lesson::format::inline;
use crate::lesson::number;
use crate::tui::theme::Theme;

const MAX_LABEL: usize = 22;

/// How roomy the boxes are. A screen too small for the boxed graph gets a
/// compact one, never a panned one: the lecture's picture stays whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GraphStyle {
    /// Border, value, gradient, border; arrows five columns long.
    #[default]
    Boxed,
    /// The gradient written into the bottom border, boxes stacked without
    /// a gap, numbers without trailing zeros, shorter arrows.
    Compact,
    /// No borders: the title (bold, the current node's reversed), the
    /// value and the gradient as three lines of text, stacked without a gap.
    Bare,
}

impl GraphStyle {
    /// Rows a box takes.
    fn box_h(self) -> u16 {
        match self {
            GraphStyle::Boxed => 4,
            GraphStyle::Compact | GraphStyle::Bare => 3,
        }
    }

    /// Rows between boxes stacked in a column.
    fn row_gap(self) -> u16 {
        match self {
            GraphStyle::Boxed => 1,
            GraphStyle::Compact | GraphStyle::Bare => 0,
        }
    }

    /// Columns between layers, for the arrows.
    fn gap(self) -> u16 {
        match self {
            GraphStyle::Boxed => 5,
            GraphStyle::Compact | GraphStyle::Bare => 3,
        }
    }
}

pub struct GraphView<'a> {
    pub graph: &'a Graph,
    pub root: NodeId,
    pub grads: &'a [Option<Tensor>],
    /// Nodes whose gradient is shown, in the order the walk reached them.
    pub revealed: Vec<NodeId>,
    pub digits: usize,
    pub ascii: bool,
    pub style: GraphStyle,
}

/// A node's box: where it is and what it says.
#[derive(Debug, Clone)]
pub struct Placed {
    pub id: NodeId,
    pub x: u16,
    pub y: u16,
    pub w: u16,
    pub title: String,
    pub value: String,
    pub grad: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub boxes: Vec<Placed>,
    /// (from, to) box indices.
    pub edges: Vec<(usize, usize)>,
    pub width: u16,
    pub height: u16,
}

impl GraphView<'_> {
    /// What a box is titled: its operation as the lecture labels a gate
    /// (`+`, `×`, `exp`, `σ`, with a constant operand written in: `+ 1`,
    /// `× -1`, `1/x`, `x²`), after the value's name if it has one
    /// (`n = 1/x`, `q = x + y` when both operands are named).
    pub fn title(&self, id: NodeId) -> String {
        let g = self.graph;
        let node = g.node(id);
        let title = match (&node.kind, &node.name) {
            (NodeKind::Input(name), _) => name.clone(),
            (NodeKind::Op(Op::Identity), Some(name)) => {
                let from = node
                    .inputs
                    .first()
                    .map(|&i| g.node(i).name.clone().unwrap_or_default());
                format!("{name} = {}", from.unwrap_or_default())
            }
            (NodeKind::Op(op), Some(name)) => format!("{name} = {}", self.gate(id, *op)),
            (NodeKind::Op(op), None) => self.gate(id, *op),
            (NodeKind::Gradient { of, wrt, how }, _) => format!("{}({of}, {wrt})", how.call()),
            (NodeKind::Constant, _) => number::short(node.value()[0]),
        };
        fit(&title, MAX_LABEL)
    }

    /// A gate's label. Operands that are named read by name (`x + y`); a
    /// constant is written in, the other operand being the gate's input `x`.
    fn gate(&self, id: NodeId, op: Op) -> String {
        let g = self.graph;
        let node = g.node(id);
        let sym = op.def().mark;
        let operand = |i: NodeId| match &g.node(i).kind {
            NodeKind::Input(name) => Some(name.clone()),
            NodeKind::Constant => Some(number::short(g.value(i)[0])),
            _ => g.node(i).name.clone(),
        };
        let constant = |i: NodeId| matches!(g.node(i).kind, NodeKind::Constant);
        match (op, node.inputs.as_slice()) {
            (Op::Neg, _) => "× -1".into(),
            (Op::Transpose, [a]) => format!("{}ᵀ", operand(*a).unwrap_or_else(|| "x".into())),
            (Op::Index { .. }, _) => "index".into(),
            // The lecture's s_y: the score of the labelled class.
            (Op::Pick | Op::RowPick, &[a, b]) => format!(
                "{}[{}]",
                operand(a).unwrap_or_else(|| "x".into()),
                operand(b).unwrap_or_else(|| "y".into())
            ),
            (_, &[a, b]) if constant(a) != constant(b) => {
                let (c, on_left) = if constant(a) { (a, true) } else { (b, false) };
                with_constant(op, sym, &number::short(g.value(c)[0]), on_left)
            }
            (_, &[a, b]) if node.name.is_some() && sym.chars().count() == 1 => {
                match (operand(a), operand(b)) {
                    (Some(a), Some(b)) => format!("{a} {sym} {b}"),
                    _ => sym.into(),
                }
            }
            _ => sym.into(),
        }
    }

    fn value_text(&self, t: &Tensor) -> String {
        // A tiny gradient shows its size (0.00049), not 0.000.
        let roomy = self.style == GraphStyle::Boxed;
        if t.len() == 1 && roomy {
            return number::at_least_visible(t[0], self.digits);
        }
        if t.len() == 1 {
            return short_number(t[0], self.digits);
        }
        if t.len() <= 4 && roomy {
            fit(&inline(t, self.digits), MAX_LABEL)
        } else if t.len() <= 4 {
            fit(&short_inline(t, self.digits), MAX_LABEL)
        } else {
            format!("{}×{}", t.nrows(), t.ncols())
        }
    }

    pub fn layout(&self) -> Layout {
        let g = self.graph;
        let ids: Vec<NodeId> = (0..=self.root.0)
            .map(NodeId)
            .filter(|&id| shown(g, id))
            .collect();
        let index: BTreeMap<NodeId, usize> =
            ids.iter().enumerate().map(|(k, &id)| (id, k)).collect();
        let preds: Vec<Vec<usize>> = ids
            .iter()
            .map(|&id| {
                let mut p: Vec<usize> = g
                    .node(id)
                    .inputs
                    .iter()
                    .filter_map(|i| index.get(i).copied())
                    .collect();
                p.dedup();
                p
            })
            .collect();
        // Longest path from the leaves, then leaves moved right next to
        // their first consumer so arrows stay short.
        let mut layer = vec![0usize; ids.len()];
        for k in 0..ids.len() {
            layer[k] = preds[k].iter().map(|&p| layer[p] + 1).max().unwrap_or(0);
        }
        for k in 0..ids.len() {
            if preds[k].is_empty() {
                let consumers = (0..ids.len()).filter(|&c| preds[c].contains(&k));
                if let Some(min) = consumers.map(|c| layer[c]).min() {
                    layer[k] = min.saturating_sub(1);
                }
            }
        }
        let layers = layer.iter().max().map_or(0, |m| m + 1);
        let mut boxes: Vec<Placed> = ids.iter().map(|&id| self.placed(id)).collect();
        // Columns: each layer as wide as its widest box.
        let mut x = 0u16;
        let mut col_x = Vec::new();
        for l in 0..layers {
            col_x.push(x);
            let w = (0..ids.len())
                .filter(|&k| layer[k] == l)
                .map(|k| boxes[k].w)
                .max()
                .unwrap_or(0);
            x = x.saturating_add(w).saturating_add(self.style.gap());
        }
        place_rows(&preds, &layer, layers, &col_x, self.style, &mut boxes);
        let edges: Vec<(usize, usize)> = preds
            .iter()
            .enumerate()
            .flat_map(|(to, ps)| ps.iter().map(move |&from| (from, to)))
            .collect();
        let width = boxes.iter().map(|b| b.x + b.w).max().unwrap_or(0);
        let height = boxes
            .iter()
            .map(|b| b.y + self.style.box_h())
            .max()
            .unwrap_or(0);
        Layout {
            boxes,
            edges,
            width,
            height,
        }
    }

    /// A node's box, sized for its title, value and (once revealed)
    /// gradient, not yet placed.
    fn placed(&self, id: NodeId) -> Placed {
        let title = self.title(id);
        let value = self.value_text(self.graph.value(id));
        let gradient = self.grads.get(id.0).and_then(Option::as_ref).map(|t| {
            // A small graph writes a vector's gradient `∂[1.5, 0]ᵀ`: a
            // column saved in each layer of vectors.
            let text = self.value_text(t);
            match self.style {
                GraphStyle::Compact | GraphStyle::Bare if text.starts_with('[') => {
                    format!("∂{text}")
                }
                _ => format!("∂ {text}"),
            }
        });
        // The box is as wide as its gradient will be, before the walk
        // reaches it too: boxes keep their width, and the graph its place.
        let (t, v, g) = (
            width(&title),
            width(&value),
            gradient.as_ref().map_or(4, |s| width(s)),
        );
        let w = match self.style {
            // `╭─ title ─╮`, `│ value  │`, `│ ∂ grad │`.
            GraphStyle::Boxed => (t + 2).max(v).max(g) + 4,
            // `╭─ title ─╮`, `│ value │`, `╰ ∂ grad ╯`.
            GraphStyle::Compact => (t + 5).max(v + 3).max(g + 4),
            GraphStyle::Bare => t.max(v).max(g),
        } as u16;
        Placed {
            id,
            x: 0,
            y: 0,
            w,
            title,
            value,
            grad: gradient.filter(|_| self.revealed.contains(&id)),
        }
    }

    /// Draws the layout into `area`, shifted left by `offset_x` columns.
    pub fn render(
        &self,
        layout: &Layout,
        area: Rect,
        buf: &mut Buffer,
        theme: &Theme,
        current: Option<NodeId>,
        offset_x: u16,
    ) {
        let mut lines = LineGrid::new(layout.width as usize, layout.height as usize);
        for &(from, to) in &layout.edges {
            let (a, b) = (&layout.boxes[from], &layout.boxes[to]);
            let inputs: Vec<usize> = layout
                .edges
                .iter()
                .filter(|e| e.1 == to)
                .map(|e| e.0)
                .collect();
            // Boxed gates take two inputs on two rows; smaller boxes have
            // one row for arrows to arrive at, where they join.
            let slot = match self.style {
                GraphStyle::Boxed => inputs.iter().position(|&f| f == from).unwrap_or(0) % 2,
                GraphStyle::Compact | GraphStyle::Bare => 0,
            };
            let (sx, sy) = ((a.x + a.w) as usize, (a.y + 1) as usize);
            let (tx, ty) = (b.x as usize, (b.y + 1) as usize + slot);
            let turn = match self.style {
                GraphStyle::Boxed => 3,
                GraphStyle::Compact | GraphStyle::Bare => 2,
            };
            let mx = tx.saturating_sub(turn).max(sx);
            lines.horizontal(sy, sx, mx);
            lines.vertical(mx, sy, ty);
            lines.horizontal(ty, mx, tx.saturating_sub(1));
            lines.arrow(tx.saturating_sub(1), ty);
        }
        let put = |buf: &mut Buffer, x: usize, y: usize, s: &str, style: Style| {
            let (Some(x), Some(y)) = (
                (x as u16).checked_sub(offset_x).filter(|&x| x < area.width),
                Some(y as u16).filter(|&y| y < area.height),
            ) else {
                return;
            };
            let max = (area.width - x) as usize;
            buf.set_stringn(area.x + x, area.y + y, s, max, style);
        };
        for y in 0..layout.height as usize {
            for x in 0..layout.width as usize {
                if let Some(c) = lines.char_at(x, y, self.ascii)
                    && x as u16 >= offset_x
                {
                    put(buf, x, y, c, theme.graph_line);
                }
            }
        }
        for b in &layout.boxes {
            if (b.x + b.w) <= offset_x {
                continue;
            }
            let is_current = current == Some(b.id);
            match self.style {
                GraphStyle::Bare => self.bare(b, is_current, theme, &mut |x, y, s, st| {
                    put(buf, x, y, s, st)
                }),
                _ => self.framed(b, is_current, theme, &mut |x, y, s, st| {
                    put(buf, x, y, s, st)
                }),
            }
        }
    }

    /// A box with a border; a compact one has its gradient in the bottom
    /// border.
    fn framed(&self, b: &Placed, is_current: bool, theme: &Theme, put: &mut Put) {
        let border = if is_current {
            theme.box_current
        } else {
            theme.box_border
        };
        let (tl, tr, bl, br, h, v) = if self.ascii {
            ("+", "+", "+", "+", "-", "|")
        } else if is_current {
            ("┏", "┓", "┗", "┛", "━", "┃")
        } else {
            ("╭", "╮", "╰", "╯", "─", "│")
        };
        let inner = b.w.saturating_sub(2) as usize;
        let title = format!(" {} ", b.title);
        let top = format!(
            "{tl}{h}{title}{}{tr}",
            h.repeat(inner.saturating_sub(width(&title) + 1))
        );
        let (x, y) = (b.x as usize, b.y as usize);
        put(x, y, &top, border);
        let row = |put: &mut Put, y: usize, text: &str, style: Style| {
            put(x, y, v, border);
            put(
                x + 1,
                y,
                &format!(" {:<w$}", text, w = inner.saturating_sub(1)),
                style,
            );
            put(x + 1 + inner, y, v, border);
        };
        row(put, y + 1, &b.value, theme.forward);
        let grad = b.grad.clone().unwrap_or_default();
        if self.style == GraphStyle::Compact {
            let bottom = if grad.is_empty() {
                format!("{bl}{}{br}", h.repeat(inner))
            } else {
                let text = format!(" {grad} ");
                format!(
                    "{bl}{text}{}{br}",
                    h.repeat(inner.saturating_sub(width(&text)))
                )
            };
            put(x, y + 2, &bottom, border);
            if !grad.is_empty() {
                put(x + 2, y + 2, &grad, theme.gradient);
            }
            return;
        }
        row(put, y + 2, &grad, theme.gradient);
        put(x, y + 3, &format!("{bl}{}{br}", h.repeat(inner)), border);
    }

    /// A box without a border: title, value, gradient.
    fn bare(&self, b: &Placed, is_current: bool, theme: &Theme, put: &mut Put) {
        let (x, y) = (b.x as usize, b.y as usize);
        let title = if is_current {
            theme
                .box_current
                .add_modifier(ratatui::style::Modifier::REVERSED)
        } else {
            theme
                .box_border
                .add_modifier(ratatui::style::Modifier::BOLD)
        };
        put(x, y, &format!("{:<w$}", b.title, w = b.w as usize), title);
        put(x, y + 1, &b.value, theme.forward);
        if let Some(grad) = &b.grad {
            put(x, y + 2, grad, theme.gradient);
        }
    }
}

/// Writes a string at a column and row of the layout, in a style.
type Put<'p> = dyn FnMut(usize, usize, &str, Style) + 'p;

/// Rows: a box sits level with the middle of its inputs, pushed down
/// where it would overlap the box above; each in its layer's column.
fn place_rows(
    preds: &[Vec<usize>],
    layer: &[usize],
    layers: usize,
    col_x: &[u16],
    style: GraphStyle,
    boxes: &mut [Placed],
) {
    let (box_h, row_gap) = (style.box_h() as f64, style.row_gap() as f64);
    let n = preds.len();
    let mut center = vec![0f64; n];
    for l in 0..layers {
        let mut members: Vec<usize> = (0..n).filter(|&k| layer[k] == l).collect();
        let want = |k: usize, center: &[f64]| -> f64 {
            if preds[k].is_empty() {
                // A leaf: near its first consumer's other inputs.
                let consumer = (0..n).find(|&c| preds[c].contains(&k));
                consumer
                    .and_then(|c| {
                        preds[c]
                            .iter()
                            .filter(|&&p| p != k && layer[p] < l)
                            .map(|&p| center[p])
                            .reduce(f64::max)
                    })
                    .map_or(k as f64 * 0.01, |m| m + box_h + row_gap)
            } else {
                preds[k].iter().map(|&p| center[p]).sum::<f64>() / preds[k].len() as f64
            }
        };
        let wanted: Vec<(usize, f64)> = members.iter().map(|&k| (k, want(k, &center))).collect();
        members.sort_by(|a, b| {
            let wa = wanted.iter().find(|w| w.0 == *a).map_or(0.0, |w| w.1);
            let wb = wanted.iter().find(|w| w.0 == *b).map_or(0.0, |w| w.1);
            wa.total_cmp(&wb).then(a.cmp(b))
        });
        let mut next_free = 0f64;
        for k in members {
            let w = wanted.iter().find(|w| w.0 == k).map_or(0.0, |w| w.1);
            let top = (w - (box_h - 1.0) / 2.0).max(next_free).max(0.0);
            center[k] = top + (box_h - 1.0) / 2.0;
            next_free = top + box_h + row_gap;
            boxes[k].x = col_x[layer[k]];
            boxes[k].y = top.round() as u16;
        }
    }
}
