//! A step's body as a column of pieces (lines of text, a graph, big text),
//! drawn with a vertical scroll offset so that long steps stay readable.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;
use tui_big_text::{BigText, PixelSize};

use crate::engine::NodeId;
use crate::tui::theme::Theme;
use crate::tui::widgets::graph::{GraphView, Layout};
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

/// Whether `text` can be drawn as big pixel text in `cols` columns: the
/// 8×8 font covers ASCII only.
pub fn fits_big(text: &str, cols: usize) -> bool {
    text.chars().all(|c| c.is_ascii_graphic() || c == ' ') && width(text) * BIG_COLS <= cols
}

/// Total height of the pieces.
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
