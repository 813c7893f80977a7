//! Decision regions: the plane in half-block cells (two grid rows per
//! terminal row), each coloured by the class the network gives it, with the
//! data points on top in their own class's brighter colour and glyph
//! (● ▲ ■ …). Without colour (monochrome or `--ascii`), classes are
//! characters: regions as faint marks, points as the class number.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::lesson::eval::regions::Plane;
use crate::tui::theme::Theme;

/// Region marks for class 0, 1, … without colour.
const MARKS: [char; 6] = [' ', '.', ':', '-', '+', '~'];

/// Point glyphs for class 0, 1, …: the classes differ in shape as well as
/// colour, for colour-blind viewers and washed-out projectors.
pub const GLYPHS: [char; 6] = ['●', '▲', '■', '◆', '★', '✚'];

pub fn render(plane: &Plane, area: Rect, buf: &mut Buffer, theme: &Theme, ascii: bool) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let (w, h) = (area.width as usize, area.height as usize);
    // The grid cell under the centre of pixel (px, py) of a w × 2h picture.
    let class_at = |px: usize, py: usize, rows: usize| {
        let pick = |p: usize, of: usize, n: usize| {
            ((((p as f64 + 0.5) / of as f64) * n as f64) as usize).min(n - 1)
        };
        let (gx, gy) = (pick(px, w, plane.nx), pick(py, rows, plane.ny));
        plane.classes.get(gy * plane.nx + gx).copied().unwrap_or(0) as usize
    };
    let colours = theme.classes.filter(|_| !ascii);
    // Without classes (a scatter of the data set) the points stand alone.
    let regions = if plane.classes.is_empty() { 0 } else { h };
    for row in 0..regions {
        for col in 0..w {
            let Some(cell) = buf.cell_mut((area.x + col as u16, area.y + row as u16)) else {
                continue;
            };
            match colours {
                Some(c) => {
                    let top = class_at(col, 2 * row, 2 * h) % c.len();
                    let bottom = class_at(col, 2 * row + 1, 2 * h) % c.len();
                    cell.set_char('▀')
                        .set_style(Style::new().fg(c[top].0).bg(c[bottom].0));
                }
                None => {
                    let k = class_at(col, row, h);
                    cell.set_char(MARKS[k % MARKS.len()]).set_style(theme.dim);
                }
            }
        }
    }
    super::zero_lines::render(plane, area, buf, theme, ascii);
    let [x0, x1, y0, y1] = plane.bounds;
    for &(x, y, label) in &plane.points {
        let fx = (x - x0) / (x1 - x0);
        let fy = (y1 - y) / (y1 - y0);
        if !(0.0..1.0).contains(&fx) || !(0.0..1.0).contains(&fy) {
            continue;
        }
        let (col, row) = ((fx * w as f64) as u16, (fy * h as f64) as u16);
        let Some(cell) = buf.cell_mut((area.x + col, area.y + row)) else {
            continue;
        };
        match (colours, label) {
            (Some(c), Some(k)) => {
                let bg = cell.bg;
                cell.set_char(GLYPHS[k as usize % GLYPHS.len()])
                    .set_style(Style::new().fg(c[k as usize % c.len()].1).bg(bg));
            }
            (_, Some(k)) => {
                let digit = char::from_digit(k as u32 % 10, 10).unwrap_or('?');
                cell.set_char(digit).set_style(theme.heading);
            }
            (_, None) => {
                cell.set_char('o').set_style(theme.heading);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::ThemeName;

    fn plane() -> Plane {
        // Left half class 0, right half class 1; one point of each class.
        Plane {
            bounds: [0.0, 4.0, 0.0, 2.0],
            nx: 4,
            ny: 2,
            classes: vec![0, 0, 1, 1, 0, 0, 1, 1],
            points: vec![(0.5, 1.5, Some(0)), (3.5, 0.5, Some(1))],
            class_count: 2,
            lines: Vec::new(),
        }
    }

    #[test]
    fn monochrome_draws_regions_as_marks_and_points_as_class_numbers() {
        let area = Rect::new(0, 0, 8, 2);
        let mut buf = Buffer::empty(area);
        render(&plane(), area, &mut buf, &ThemeName::Mono.theme(), false);
        let row = |y: u16| -> String { (0..8).map(|x| buf[(x, y)].symbol()).collect() };
        // Point (0.5, 1.5): x at 1/8 of the width (column 1), y in the top half.
        assert_eq!(row(0), " 0  ....");
        // Point (3.5, 0.5): column 7, bottom row.
        assert_eq!(row(1), "    ...1");
    }

    #[test]
    fn each_class_has_its_own_glyph_in_colour() {
        let area = Rect::new(0, 0, 8, 2);
        let mut buf = Buffer::empty(area);
        render(
            &plane(),
            area,
            &mut buf,
            &ThemeName::Projector.theme(),
            false,
        );
        assert_eq!(buf[(1, 0)].symbol(), "●");
        assert_eq!(buf[(7, 1)].symbol(), "▲");
    }

    #[test]
    fn colour_draws_two_grid_rows_per_cell_in_the_class_tints() {
        let area = Rect::new(0, 0, 4, 1);
        let mut buf = Buffer::empty(area);
        let theme = ThemeName::Dark.theme();
        let plane = Plane {
            points: vec![],
            ..plane()
        };
        render(&plane, area, &mut buf, &theme, false);
        let c = theme.classes.unwrap();
        assert_eq!(buf[(0, 0)].symbol(), "▀");
        assert_eq!(buf[(0, 0)].fg, c[0].0);
        assert_eq!(buf[(3, 0)].bg, c[1].0);
    }
}
