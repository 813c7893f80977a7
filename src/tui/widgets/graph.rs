//! The computational graph of a backward step, drawn as boxes and arrows:
//! inputs on the left, the loss on the right, each box holding its forward
//! value (green) and, once the walk has reached it, its gradient (red).

use std::collections::BTreeMap;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::text::{fit, width};
use crate::engine::Tensor;
use crate::engine::graph::{Graph, NodeId, NodeKind};
use crate::engine::ops::Op;
use crate::lesson::document::walk::shown;
use crate::lesson::format::inline;
use crate::lesson::number;
use crate::tui::theme::Theme;

/// Box height: border, value, gradient, border.
const BOX_H: u16 = 4;
/// Columns between layers, for the arrows.
const GAP: u16 = 5;
const MAX_LABEL: usize = 22;

pub struct GraphView<'a> {
    pub graph: &'a Graph,
    pub root: NodeId,
    pub grads: &'a [Option<Tensor>],
    /// Nodes whose gradient is shown, in the order the walk reached them.
    pub revealed: Vec<NodeId>,
    pub digits: usize,
    pub ascii: bool,
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
            (NodeKind::Gradient { of, wrt, .. }, _) => format!("grad({of}, {wrt})"),
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
        if t.len() == 1 {
            return number::at_least_visible(t[0], self.digits);
        }
        if t.len() <= 4 {
            fit(&inline(t, self.digits), MAX_LABEL)
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
            x = x.saturating_add(w).saturating_add(GAP);
        }
        place_rows(&preds, &layer, layers, &col_x, &mut boxes);
        let edges: Vec<(usize, usize)> = preds
            .iter()
            .enumerate()
            .flat_map(|(to, ps)| ps.iter().map(move |&from| (from, to)))
            .collect();
        let width = boxes.iter().map(|b| b.x + b.w).max().unwrap_or(0);
        let height = boxes.iter().map(|b| b.y + BOX_H).max().unwrap_or(0);
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
        let gradient = self
            .grads
            .get(id.0)
            .and_then(Option::as_ref)
            .map(|t| format!("∂ {}", self.value_text(t)));
        // The box is as wide as its gradient will be, before the walk
        // reaches it too: boxes keep their width, and the graph its place.
        let w = [
            width(&title) + 2,
            width(&value),
            gradient.as_ref().map_or(4, |s| width(s)),
        ]
        .into_iter()
        .max()
        .unwrap_or(4) as u16
            + 4;
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
            let slot = inputs.iter().position(|&f| f == from).unwrap_or(0) % 2;
            let (sx, sy) = ((a.x + a.w) as usize, (a.y + 1) as usize);
            let (tx, ty) = (b.x as usize, (b.y + 1) as usize + slot);
            let mx = tx.saturating_sub(3).max(sx);
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
            let is_current = current == Some(b.id);
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
            if x + (b.w as usize) <= offset_x as usize {
                continue;
            }
            put(buf, x, y, &top, border);
            let value = format!(" {:<w$}", b.value, w = inner.saturating_sub(1));
            put(buf, x, y + 1, v, border);
            put(buf, x + 1, y + 1, &value, theme.forward);
            put(buf, x + 1 + inner, y + 1, v, border);
            let grad = b.grad.clone().unwrap_or_default();
            let grad = format!(" {:<w$}", grad, w = inner.saturating_sub(1));
            put(buf, x, y + 2, v, border);
            put(buf, x + 1, y + 2, &grad, theme.gradient);
            put(buf, x + 1 + inner, y + 2, v, border);
            put(
                buf,
                x,
                y + 3,
                &format!("{bl}{}{br}", h.repeat(inner)),
                border,
            );
        }
    }
}

/// Line segments as direction bits per cell, so that crossings and joins
/// become the right box-drawing characters.
struct LineGrid {
    w: usize,
    cells: Vec<u8>,
}

const N: u8 = 1;
const S: u8 = 2;
const E: u8 = 4;
const W: u8 = 8;
const ARROW: u8 = 16;

impl LineGrid {
    fn new(w: usize, h: usize) -> LineGrid {
        LineGrid {
            w,
            cells: vec![0; w * h],
        }
    }

    fn add(&mut self, x: usize, y: usize, bits: u8) {
        if x < self.w
            && let Some(c) = self.cells.get_mut(y * self.w + x)
        {
            *c |= bits;
        }
    }

    fn horizontal(&mut self, y: usize, x0: usize, x1: usize) {
        let (a, b) = (x0.min(x1), x0.max(x1));
        for x in a..=b {
            let mut bits = 0;
            if x > a {
                bits |= W;
            }
            if x < b {
                bits |= E;
            }
            self.add(x, y, bits);
        }
    }

    fn vertical(&mut self, x: usize, y0: usize, y1: usize) {
        let (a, b) = (y0.min(y1), y0.max(y1));
        for y in a..=b {
            let mut bits = 0;
            if y > a {
                bits |= N;
            }
            if y < b {
                bits |= S;
            }
            self.add(x, y, bits);
        }
    }

    fn arrow(&mut self, x: usize, y: usize) {
        self.add(x, y, ARROW);
    }

    fn char_at(&self, x: usize, y: usize, ascii: bool) -> Option<&'static str> {
        let bits = *self.cells.get(y * self.w + x)?;
        if bits & ARROW != 0 {
            return Some(if ascii { ">" } else { "▶" });
        }
        let c = match (bits & (N | S | E | W), ascii) {
            (0, _) => return None,
            (b, true) if b == E | W || b == E || b == W => "-",
            (b, true) if b == N | S || b == N || b == S => "|",
            (_, true) => "+",
            (b, _) if b == E | W || b == E || b == W => "─",
            (b, _) if b == N | S || b == N || b == S => "│",
            (b, _) if b == E | S => "╭",
            (b, _) if b == W | S => "╮",
            (b, _) if b == E | N => "╰",
            (b, _) if b == W | N => "╯",
            (b, _) if b == E | W | S => "┬",
            (b, _) if b == E | W | N => "┴",
            (b, _) if b == N | S | E => "├",
            (b, _) if b == N | S | W => "┤",
            _ => "┼",
        };
        Some(c)
    }
}

/// A binary gate with one constant operand `c`, the other its input `x`:
/// `+ 1` and `× -1` (the lecture's gates), `1/x`, `1 - x`, `x²`,
/// `max(0, x)`.
fn with_constant(op: Op, sym: &str, c: &str, on_left: bool) -> String {
    match (op, on_left) {
        (Op::Add | Op::Mul, _) => format!("{sym} {c}"),
        (Op::Sub, false) => format!("- {c}"),
        (Op::Div, false) => format!("/ {c}"),
        (Op::Div, true) => format!("{c}/x"),
        (Op::Pow, false) => match c {
            "2" => "x²".into(),
            "3" => "x³".into(),
            _ => format!("x^{c}"),
        },
        (Op::Pow, true) => format!("{c}^x"),
        (Op::Max | Op::Min, true) => format!("{sym}({c}, x)"),
        (Op::Max | Op::Min, false) => format!("{sym}(x, {c})"),
        (_, true) => format!("{c} {sym} x"),
        (_, false) => format!("x {sym} {c}"),
    }
}

/// Rows: a box sits level with the middle of its inputs, pushed down
/// where it would overlap the box above; each in its layer's column.
fn place_rows(
    preds: &[Vec<usize>],
    layer: &[usize],
    layers: usize,
    col_x: &[u16],
    boxes: &mut [Placed],
) {
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
                    .map_or(k as f64 * 0.01, |m| m + (BOX_H + 1) as f64)
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
            let top = (w - (BOX_H as f64 - 1.0) / 2.0).max(next_free).max(0.0);
            center[k] = top + (BOX_H as f64 - 1.0) / 2.0;
            next_free = top + BOX_H as f64 + 1.0;
            boxes[k].x = col_x[layer[k]];
            boxes[k].y = top.round() as u16;
        }
    }
}
