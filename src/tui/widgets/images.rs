//! Columns of a matrix drawn as small pictures: two pixel rows per terminal
//! row with half blocks, side by side with a caption under each. Values of
//! one sign are grey levels (black to white); signed values (learned
//! weights) are blue below zero and red above, brighter with magnitude.
//! Without colour, a ramp of characters by magnitude (`. + #` above zero,
//! `, - =` below).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

use crate::engine::Tensor;
use crate::tui::theme::Theme;
use crate::tui::widgets::text::fit;

/// Characters from faint to strong, for terminals without colour.
const RAMP: [char; 10] = [' ', '.', ':', '-', '=', '+', '*', '#', '%', '@'];
/// Signed values without colour: above zero, and below.
const ABOVE: [char; 4] = [' ', '.', '+', '#'];
const BELOW: [char; 4] = [' ', ',', '-', '='];

/// Columns between pictures.
const GAP: usize = 2;

pub struct ImagesView<'a> {
    pub data: &'a Tensor,
    /// Pixels per image row.
    pub width: usize,
    pub count: usize,
    pub captions: Vec<String>,
    /// 1: a pixel per column; n: n by n pixels averaged (small screens).
    pub shrink: usize,
    pub colour: bool,
}

impl ImagesView<'_> {
    fn pixels_tall(&self) -> usize {
        self.data.nrows() / self.width.max(1)
    }

    /// Cells one picture takes: (columns, rows without the caption).
    pub fn cell_size(&self) -> (usize, usize) {
        let w = self.width.div_ceil(self.shrink);
        let h = self.pixels_tall().div_ceil(self.shrink);
        (w, h.div_ceil(2))
    }

    /// Pictures per row of the drawing in `cols` columns.
    pub fn per_row(&self, cols: usize) -> usize {
        let (w, _) = self.cell_size();
        ((cols + GAP) / (w + GAP)).max(1)
    }

    pub fn height(&self, cols: usize) -> usize {
        let (_, h) = self.cell_size();
        let rows = self.count.div_ceil(self.per_row(cols));
        rows * (h + 2)
    }

    /// Pixel (x, y) of picture `k`, averaged over the shrink block.
    fn pixel(&self, k: usize, x: usize, y: usize) -> f64 {
        let (w, h) = (self.width, self.pixels_tall());
        let s = self.shrink;
        let (mut sum, mut n) = (0.0, 0);
        for dy in 0..s {
            for dx in 0..s {
                let (px, py) = (x * s + dx, y * s + dy);
                if px < w && py < h {
                    sum += self.data[(py * w + px, k)];
                    n += 1;
                }
            }
        }
        if n == 0 { 0.0 } else { sum / n as f64 }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let (cw, ch) = self.cell_size();
        let per_row = self.per_row(area.width as usize);
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for k in 0..self.count.min(self.data.ncols()) {
            for v in self.data.column(k).iter().filter(|v| v.is_finite()) {
                lo = lo.min(*v);
                hi = hi.max(*v);
            }
        }
        let signed = lo < 0.0;
        let top = hi.max(-lo).max(1e-12);
        let tone = |v: f64| -> Color {
            if !v.is_finite() {
                return Color::Rgb(255, 0, 255);
            }
            let t = (v.abs() / top).clamp(0.0, 1.0);
            let level = (t * 255.0).round() as u8;
            match (signed, v < 0.0) {
                (false, _) => Color::Rgb(level, level, level),
                (true, true) => Color::Rgb(level / 5, level / 2, level),
                (true, false) => Color::Rgb(level, level / 3, level / 5),
            }
        };
        let mark = |v: f64| -> char {
            if signed {
                let t = (v.abs() / top).clamp(0.0, 1.0);
                let k = ((t * 3.0).round() as usize).min(3);
                if v < 0.0 { BELOW[k] } else { ABOVE[k] }
            } else {
                let t = ((v - lo) / (hi - lo).max(1e-12)).clamp(0.0, 1.0);
                RAMP[((t * 9.0).round() as usize).min(9)]
            }
        };
        let tall = self.pixels_tall().div_ceil(self.shrink);
        for k in 0..self.count.min(self.data.ncols()) {
            let (gx, gy) = (k % per_row, k / per_row);
            let x0 = area.x as usize + gx * (cw + GAP);
            let y0 = area.y as usize + gy * (ch + 2);
            for row in 0..ch {
                for col in 0..cw {
                    let (x, y) = (x0 + col, y0 + row);
                    if x >= area.right() as usize || y >= area.bottom() as usize {
                        continue;
                    }
                    let Some(cell) = buf.cell_mut((x as u16, y as u16)) else {
                        continue;
                    };
                    let upper = self.pixel(k, col, 2 * row);
                    let lower = (2 * row + 1 < tall).then(|| self.pixel(k, col, 2 * row + 1));
                    if self.colour {
                        let bg = lower.map_or(theme.base.bg.unwrap_or(Color::Reset), tone);
                        cell.set_char('▀')
                            .set_style(Style::new().fg(tone(upper)).bg(bg));
                    } else {
                        let v =
                            lower.map_or(upper, |l| if l.abs() > upper.abs() { l } else { upper });
                        cell.set_char(mark(v)).set_style(theme.base);
                    }
                }
            }
            let caption_y = y0 + ch;
            if caption_y < area.bottom() as usize && x0 < area.right() as usize {
                let room = cw.min(area.right() as usize - x0);
                let text = fit(self.captions.get(k).map_or("", String::as_str), room);
                buf.set_string(x0 as u16, caption_y as u16, text, theme.dim);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::ThemeName;

    #[test]
    fn pictures_in_characters_by_magnitude_with_captions() {
        // Two 2×2 pictures: a diagonal, and its opposite; values 0 or 1.
        let data = Tensor::from_column_slice(4, 2, &[1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0]);
        let view = ImagesView {
            data: &data,
            width: 2,
            count: 2,
            captions: vec!["a".into(), "b".into()],
            shrink: 1,
            colour: false,
        };
        assert_eq!(view.cell_size(), (2, 1));
        assert_eq!(view.per_row(6), 2);
        let area = Rect::new(0, 0, 6, 3);
        let mut buf = Buffer::empty(area);
        view.render(area, &mut buf, &ThemeName::Mono.theme());
        let row = |y: u16| -> String { (0..6).map(|x| buf[(x, y)].symbol()).collect() };
        // Each cell shows the stronger of its two pixels: both columns of
        // each picture have a 1 in one of the two rows.
        assert_eq!(row(0), "@@  @@");
        assert_eq!(row(1), "a   b ");
    }

    #[test]
    fn signed_values_are_blue_below_zero_and_red_above() {
        let data = Tensor::from_column_slice(2, 1, &[-2.0, 2.0]);
        let view = ImagesView {
            data: &data,
            width: 1,
            count: 1,
            captions: vec![],
            shrink: 1,
            colour: true,
        };
        let area = Rect::new(0, 0, 1, 1);
        let mut buf = Buffer::empty(area);
        view.render(area, &mut buf, &ThemeName::Dark.theme());
        // Upper pixel -2 (full blue), lower +2 (full red).
        assert_eq!(buf[(0, 0)].fg, Color::Rgb(51, 127, 255));
        assert_eq!(buf[(0, 0)].bg, Color::Rgb(255, 85, 51));
    }
}
