//! A step's body as a column of pieces (lines of text, a graph, big text),
//! drawn with a vertical scroll offset so that long steps stay readable.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;
use tui_big_text::{BigText, PixelSize};

use crate::engine::NodeId;
use crate::lesson::eval::regions::Plane;
use crate::tui::theme::Theme;
use crate::tui::widgets::graph::{GraphView, Layout};
use crate::tui::widgets::images::ImagesView;
use crate::tui::widgets::text::width;

pub enum Piece<'a> {
    Lines(Vec<Line<'static>>),
    Graph {
        view: GraphView<'a>,
        layout: Layout,
        current: Option<NodeId>,
    },
    /// Large pixel text (presentation mode), one entry per line.
    Big(Vec<String>, Style),
    /// Curves: a chart with labelled axes.
    Chart(ChartSpec),
    /// Decision regions with the data points, `height` rows tall.
    Plane {
        plane: &'a Plane,
        height: u16,
        ascii: bool,
    },
    /// Pieces side by side, sharing the width.
    Beside(Vec<Piece<'a>>),
    /// Columns of a value as pictures, `height` rows in all.
    Images(ImagesView<'a>, u16),
}

/// One named curve: its (x, y) points and its colour.
pub type Series = (String, Vec<(f64, f64)>, Style);

/// Named curves of (x, y) points, drawn with braille dots.
pub struct ChartSpec {
    pub series: Vec<Series>,
    pub x_label: String,
    pub height: u16,
    pub ascii: bool,
    /// Where the x axis ends at least (a run's last iteration).
    pub x_to: Option<f64>,
    /// Each series on an axis of its own, stacked (a loss and an accuracy
    /// do not share a scale); else all on one (functions of one input).
    pub own_axes: bool,
}

/// Rows a big-text line takes at quadrant size (8 pixels, 2 per row).
pub const BIG_ROWS: u16 = 4;
/// Columns per character at quadrant size.
pub const BIG_COLS: usize = 4;

impl Piece<'_> {
    pub fn height(&self) -> u16 {
        match self {
            Piece::Lines(lines) => lines.len().min(u16::MAX as usize) as u16,
            Piece::Graph { layout, .. } => layout.height,
            Piece::Big(lines, _) => BIG_ROWS.saturating_mul(lines.len() as u16),
            Piece::Chart(spec) => spec.height,
            Piece::Plane { height, .. } => *height,
            Piece::Beside(pieces) => pieces.iter().map(Piece::height).max().unwrap_or(0),
            Piece::Images(_, height) => *height,
        }
    }

    /// The width a piece wants, if it has one of its own.
    fn natural_width(&self) -> Option<u16> {
        match self {
            // Square pixels: one per column, two per row.
            Piece::Plane { height, .. } => Some(height.saturating_mul(2)),
            _ => None,
        }
    }

    fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        match self {
            Piece::Lines(lines) => {
                for (k, line) in lines.iter().enumerate().take(area.height as usize) {
                    buf.set_line(area.x, area.y + k as u16, line, area.width);
                }
            }
            Piece::Graph {
                view,
                layout,
                current,
            } => {
                // Keep the current node in view when the graph is wider than the screen.
                let offset = current
                    .and_then(|c| layout.boxes.iter().find(|b| b.id == c))
                    .map_or(0, |b| {
                        let right = b.x + b.w;
                        right.saturating_sub(area.width.saturating_sub(2))
                    })
                    .min(layout.width.saturating_sub(area.width));
                view.render(layout, area, buf, theme, *current, offset);
            }
            Piece::Chart(spec) => render_chart(spec, area, buf, theme),
            Piece::Images(view, _) => view.render(area, buf, theme),
            Piece::Plane { plane, ascii, .. } => {
                // Square pixels: two per row, one per column.
                let width = area.width.min(area.height.saturating_mul(2));
                let rect = Rect { width, ..area };
                crate::tui::widgets::plane::render(plane, rect, buf, theme, *ascii)
            }
            Piece::Beside(pieces) => {
                // Pieces with a natural width take it; the rest share what is left.
                let gap = 2u16;
                let n = pieces.len().max(1) as u16;
                let mut free = area.width.saturating_sub(gap * (n - 1));
                let fixed: Vec<Option<u16>> = pieces.iter().map(Piece::natural_width).collect();
                for w in fixed.iter().flatten() {
                    free = free.saturating_sub(*w);
                }
                let flexible = fixed.iter().filter(|w| w.is_none()).count().max(1) as u16;
                let mut x = area.x;
                for (piece, w) in pieces.iter().zip(&fixed) {
                    let w = w
                        .unwrap_or(free / flexible)
                        .min(area.right().saturating_sub(x));
                    let h = piece.height().min(area.height);
                    piece.render(Rect::new(x, area.y, w, h), buf, theme);
                    x = x.saturating_add(w + gap);
                }
            }
            Piece::Big(lines, style) => {
                let widget = BigText::builder()
                    .lines(
                        lines
                            .iter()
                            .map(|l| Line::from(l.clone()))
                            .collect::<Vec<_>>(),
                    )
                    .style(*style)
                    .pixel_size(PixelSize::Quadrant)
                    .build();
                widget.render(area, buf);
            }
        }
    }
}

/// How the `k`th of `n` curves of a chart is drawn: two curves on one
/// axis (two trainings compared, a trial and the best so far) tell apart
/// without colour, fine dots and half blocks, as the key shows; more keep
/// fine dots, which coarser marks would bury.
fn marker(k: usize, n: usize, ascii: bool) -> ratatui::symbols::Marker {
    use ratatui::symbols::Marker;
    match (k, n, ascii) {
        (_, _, true) => Marker::Dot,
        (1, 2, _) => Marker::HalfBlock,
        _ => Marker::Braille,
    }
}

/// A curve's mark in the chart's key, as `marker` draws it.
fn key_mark(k: usize, n: usize, ascii: bool) -> &'static str {
    match (k, n, ascii) {
        (_, _, true) => "--",
        (1, 2, _) => "▀▄",
        _ => "━━",
    }
}

/// The chart's key, on a row of its own above the plot so that no curve
/// runs under it: each series' name in its colour, and what the x axis is.
fn render_key(spec: &ChartSpec, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let mut spans = Vec::new();
    for (k, (name, _, style)) in spec.series.iter().enumerate() {
        let mark = key_mark(k, spec.series.len(), spec.ascii);
        spans.push(ratatui::text::Span::styled(format!("{mark} "), *style));
        spans.push(ratatui::text::Span::styled(
            format!("{name}   "),
            theme.base,
        ));
    }
    spans.push(ratatui::text::Span::styled(
        format!("against {}", spec.x_label),
        theme.dim,
    ));
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

fn render_chart(spec: &ChartSpec, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let n = spec.series.len() as u16;
    // Stacked, each series with its own key and y axis, while each keeps
    // room for a readable curve.
    if spec.own_axes && n > 1 && area.height / n >= 6 {
        let each = area.height / n;
        for (k, series) in spec.series.iter().enumerate() {
            let one = ChartSpec {
                series: vec![series.clone()],
                x_label: spec.x_label.clone(),
                own_axes: false,
                ..*spec
            };
            let y = area.y + k as u16 * each;
            let height = if k as u16 + 1 == n {
                area.bottom() - y
            } else {
                each
            };
            render_chart(&one, Rect { y, height, ..area }, buf, theme);
        }
        return;
    }
    one_chart(spec, area, buf, theme);
}

fn one_chart(spec: &ChartSpec, area: Rect, buf: &mut Buffer, theme: &Theme) {
    use ratatui::widgets::{Axis, Chart, Dataset, GraphType};
    let finite = |v: f64| v.is_finite();
    let points = spec.series.iter().flat_map(|(_, p, _)| p.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for &(x, y) in points {
        if finite(x) && finite(y) {
            (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
        }
    }
    if !(x0.is_finite() && y0.is_finite()) {
        buf.set_string(area.x, area.y, "(nothing finite to plot)", theme.dim);
        return;
    }
    let area = if area.height > 3 {
        render_key(spec, area, buf, theme);
        Rect {
            y: area.y + 1,
            height: area.height - 1,
            ..area
        }
    } else {
        area
    };
    if let Some(to) = spec.x_to.filter(|t| t.is_finite()) {
        x1 = x1.max(to);
    }
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    // A little room above and below, so curves do not run along the frame;
    // none below 0 for values that are never negative (a loss, an
    // accuracy): an axis down to -0.04 would say otherwise.
    let pad = ((y1 - y0) * 0.05).max(1e-9);
    let (y0, y1) = (
        if y0 >= 0.0 {
            (y0 - pad).max(0.0)
        } else {
            y0 - pad
        },
        y1 + pad,
    );
    let label = |v: f64| crate::lesson::number::trimmed(v, 3);
    // Two braille dots a cell across: more points than that draw the same.
    let thinned: Vec<Vec<(f64, f64)>> = spec
        .series
        .iter()
        .map(|(_, points, _)| thin(points, 2 * area.width as usize))
        .collect();
    let datasets: Vec<Dataset> = spec
        .series
        .iter()
        .zip(&thinned)
        .enumerate()
        .map(|(k, ((name, _, style), points))| {
            Dataset::default()
                .name(name.clone())
                .marker(marker(k, spec.series.len(), spec.ascii))
                .graph_type(GraphType::Line)
                .style(*style)
                .data(points)
        })
        .collect();
    let axis = |lo: f64, hi: f64| {
        Axis::default().style(theme.dim).bounds([lo, hi]).labels([
            label(lo),
            label((lo + hi) / 2.0),
            label(hi),
        ])
    };
    // The key is drawn above (render_key): the chart keeps no legend box
    // and no axis title to draw its curves over.
    Chart::new(datasets)
        .style(theme.base)
        .legend_position(None)
        .x_axis(axis(x0, x1))
        .y_axis(axis(y0, y1))
        .render(area, buf);
}

/// At most about `2 × buckets` points of a curve, its shape kept: each
/// bucket of consecutive points keeps its lowest and its highest, in order.
pub fn thin(points: &[(f64, f64)], buckets: usize) -> Vec<(f64, f64)> {
    let buckets = buckets.max(1);
    if points.len() <= 2 * buckets {
        return points.to_vec();
    }
    let size = points.len().div_ceil(buckets);
    let mut out = Vec::with_capacity(2 * buckets + 1);
    for chunk in points.chunks(size) {
        let (mut lo, mut hi) = (0, 0);
        for (k, p) in chunk.iter().enumerate() {
            if p.1 < chunk[lo].1 {
                lo = k;
            }
            if p.1 > chunk[hi].1 {
                hi = k;
            }
        }
        out.push(chunk[lo.min(hi)]);
        if lo != hi {
            out.push(chunk[lo.max(hi)]);
        }
    }
    out
}

/// Whether `text` can be drawn as big pixel text in `cols` columns: the
/// 8×8 font covers ASCII only.
pub fn fits_big(text: &str, cols: usize) -> bool {
    text.chars().all(|c| c.is_ascii_graphic() || c == ' ') && width(text) * BIG_COLS <= cols
}

/// Total height of the pieces.
/// The tallest a picture grows into spare rows: regions, a chart.
const MAX_GROWN_PLANE: u16 = 40;
const MAX_GROWN_CHART: u16 = 24;

/// Gives `spare` rows to the first picture that can use them (decision
/// regions, a chart, or both side by side), so that a step's pictures take
/// the room its numbers left, within reason. Regions stay square and leave
/// half of `width` to what is beside them.
pub fn grow(pieces: &mut [Piece], spare: u16, width: u16) {
    fn grow_one(piece: &mut Piece, spare: u16, width: u16) -> bool {
        match piece {
            Piece::Plane { height, .. } => {
                let most = (width / 2).min(MAX_GROWN_PLANE);
                *height = (*height + spare).min(most).max(*height);
                true
            }
            Piece::Chart(spec) => {
                spec.height = (spec.height + spare).min(MAX_GROWN_CHART).max(spec.height);
                true
            }
            Piece::Beside(parts) => {
                let mut grew = false;
                for p in parts.iter_mut() {
                    grew |= grow_one(p, spare, width / 2);
                }
                grew
            }
            _ => false,
        }
    }
    for piece in pieces {
        if grow_one(piece, spare, width) {
            return;
        }
    }
}

pub fn height(pieces: &[Piece]) -> u16 {
    pieces
        .iter()
        .fold(0u16, |h, p| h.saturating_add(p.height()))
}

/// Draws the pieces into `area`, skipping the first `scroll` rows.
pub fn render(pieces: &[Piece], area: Rect, buf: &mut Buffer, theme: &Theme, scroll: u16) {
    let mut y: i64 = -(scroll as i64);
    for piece in pieces {
        let h = piece.height();
        let top = y;
        y += h as i64;
        if y <= 0 {
            continue;
        }
        if top >= area.height as i64 {
            break;
        }
        if top >= 0 {
            // Fully or partly visible from its first row: draw in place.
            let visible = (area.height as i64 - top).min(h as i64) as u16;
            let rect = Rect::new(area.x, area.y + top as u16, area.width, visible);
            if h <= visible {
                piece.render(Rect { height: h, ..rect }, buf, theme);
                continue;
            }
            blit(piece, rect, 0, buf, theme);
        } else {
            // Scrolled partly off the top: draw off-screen, copy the rest.
            let skip = (-top) as u16;
            let visible = (h - skip).min(area.height);
            blit(
                piece,
                Rect::new(area.x, area.y, area.width, visible),
                skip,
                buf,
                theme,
            );
        }
    }
}

/// Renders `piece` whole into a scratch buffer and copies rows
/// `skip..skip + dest.height` to `dest`.
fn blit(piece: &Piece, dest: Rect, skip: u16, buf: &mut Buffer, theme: &Theme) {
    let full = Rect::new(0, 0, dest.width, piece.height());
    let mut scratch = Buffer::empty(full);
    scratch.set_style(full, theme.base);
    piece.render(full, &mut scratch, theme);
    for row in 0..dest.height {
        for col in 0..dest.width {
            if let (Some(src), Some(dst)) = (
                scratch.cell((col, row + skip)),
                buf.cell_mut((dest.x + col, dest.y + row)),
            ) {
                *dst = src.clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::thin;

    #[test]
    fn a_long_curve_keeps_its_extremes_in_order() {
        // 0, 1, 0, 1, … with a spike of 9 at 501 and a dip of -5 at 777.
        let mut points: Vec<(f64, f64)> = (0..1000).map(|i| (i as f64, (i % 2) as f64)).collect();
        points[501].1 = 9.0;
        points[777].1 = -5.0;
        let few = thin(&points, 10);
        assert!(few.len() <= 20, "{}", few.len());
        assert!(few.contains(&(501.0, 9.0)) && few.contains(&(777.0, -5.0)));
        assert!(few.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(thin(&points[..15], 10), points[..15].to_vec());
    }
}
