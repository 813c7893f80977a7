//! The rows of W as lines over the decision regions: each class's line
//! where its score is zero, in the class's colour, with an arrow on the
//! side where its score grows (the direction of its row of W, as the
//! screen's stretched axes turn it). Without colour, the line carries a
//! letter (the points carry class numbers), which its equation repeats.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

use crate::lesson::eval::regions::Plane;
use crate::lesson::eval::zero_lines::ZeroLine;
use crate::tui::theme::Theme;

/// A terminal cell is about twice as tall as it is wide: slopes and arrows
/// are judged in that picture, not in cells.
const CELL_ASPECT: f64 = 2.0;

/// A line's score over the cells of `area`: s(c, r) = a c + b r + c0 at the
/// centre of column c and row r.
struct OnCells {
    a: f64,
    b: f64,
    c0: f64,
}

impl OnCells {
    fn new(line: &ZeroLine, plane: &Plane, w: usize, h: usize) -> OnCells {
        let [x0, x1, y0, y1] = plane.bounds;
        let (ax, ay) = ((x1 - x0) / w as f64, (y1 - y0) / h as f64);
        let [w1, w2] = line.w;
        OnCells {
            a: w1 * ax,
            b: -w2 * ay,
            c0: w1 * (x0 + 0.5 * ax) + w2 * (y1 - 0.5 * ay) + line.b,
        }
    }

    /// The cells the line crosses, in order along it.
    fn cells(&self, w: usize, h: usize) -> Vec<(usize, usize)> {
        let OnCells { a, b, c0 } = *self;
        let on = |k: usize, across: f64, along: f64, n: usize| {
            let v = -(across * k as f64 + c0) / along;
            let v = v.round();
            (v >= 0.0 && v < n as f64).then_some(v as usize)
        };
        if a.abs() >= b.abs() {
            // Steep on the cells: one cell a row.
            (0..h)
                .filter_map(|r| on(r, b, a, w).map(|c| (c, r)))
                .collect()
        } else {
            (0..w)
                .filter_map(|c| on(c, a, b, h).map(|r| (c, r)))
                .collect()
        }
    }

    /// The line's glyph, by its slope as seen: ─ │ ╱ ╲.
    fn glyph(&self, ascii: bool) -> char {
        // Along the line: (b, -a) in cells, (b, -a × aspect) as seen
        // (right, down).
        let (dx, dy) = (self.b, -self.a * CELL_ASPECT);
        let steep = dy.abs() / dx.abs().max(f64::MIN_POSITIVE);
        let glyphs = if ascii {
            ['-', '|', '/', '\\']
        } else {
            ['─', '│', '╱', '╲']
        };
        if steep < 0.4 {
            glyphs[0]
        } else if steep > 4.0 {
            glyphs[1]
        } else if (dx > 0.0) != (dy > 0.0) {
            glyphs[2]
        } else {
            glyphs[3]
        }
    }

    /// The arrow towards higher scores, and the cell step it points to.
    fn arrow(&self, ascii: bool) -> (char, (isize, isize)) {
        // The score's slope as seen: per column, and per column's width
        // downwards.
        let (gx, gy) = (self.a, self.b / CELL_ASPECT);
        let octant = (libm::atan2(gy, gx) / std::f64::consts::FRAC_PI_4).round() as i64;
        let arrows = [
            ('→', '>', (1, 0)),
            ('↘', 'v', (1, 1)),
            ('↓', 'v', (0, 1)),
            ('↙', 'v', (-1, 1)),
            ('←', '<', (-1, 0)),
            ('↖', '^', (-1, -1)),
            ('↑', '^', (0, -1)),
            ('↗', '^', (1, -1)),
        ];
        let (fancy, plain, step) = arrows[octant.rem_euclid(8) as usize];
        (if ascii { plain } else { fancy }, step)
    }
}

/// Without colour, line k is told by a letter (a, b, c, …): the points
/// already use the class numbers.
pub fn letter(k: usize) -> char {
    (b'a' + (k % 26) as u8) as char
}

/// Draws each of `plane`'s lines over what `area` already holds, keeping
/// each cell's background (its region's tint).
pub fn render(plane: &Plane, area: Rect, buf: &mut Buffer, theme: &Theme, ascii: bool) {
    let (w, h) = (area.width as usize, area.height as usize);
    if w == 0 || h == 0 {
        return;
    }
    let colours = theme.classes.filter(|_| !ascii);
    let taken = point_cells(plane, w, h);
    for (k, line) in plane.lines.iter().enumerate() {
        if line.w == [0.0, 0.0] || !line.w.iter().chain([&line.b]).all(|v| v.is_finite()) {
            continue;
        }
        let on = OnCells::new(line, plane, w, h);
        let cells = on.cells(w, h);
        let fg: Option<Color> = colours.map(|c| c[k % c.len()].1);
        let mut put = |(c, r): (usize, usize), ch: char| {
            if let Some(cell) = buf.cell_mut((area.x + c as u16, area.y + r as u16)) {
                let style = match fg {
                    Some(fg) => Style::new().fg(fg).bg(cell.bg),
                    None => theme.heading,
                };
                cell.set_char(ch).set_style(style);
            }
        };
        let glyph = on.glyph(ascii);
        for &cell in &cells {
            put(cell, glyph);
        }
        // Lines often cross near the middle of the picture: each marks its
        // own stretch (a quarter, a half, three quarters of the way along),
        // at the nearest cell where no data point will hide the mark.
        let (arrow, (dc, dr)) = on.arrow(ascii);
        let aim = cells.len() * (k + 1) / (plane.lines.len() + 1);
        let arrow_at = |(c, r): (usize, usize)| (c as isize + dc, r as isize + dr);
        let free = |(c, r): (usize, usize)| {
            let (ac, ar) = arrow_at((c, r));
            !taken.contains(&(c as isize, r as isize)) && !taken.contains(&(ac, ar))
        };
        let mut by_distance: Vec<(usize, (usize, usize))> =
            cells.iter().copied().enumerate().collect();
        by_distance.sort_by_key(|(i, _)| i.abs_diff(aim));
        let Some((mc, mr)) = by_distance
            .iter()
            .map(|&(_, cell)| cell)
            .find(|&cell| free(cell))
            .or(cells.get(aim).copied())
        else {
            continue;
        };
        if fg.is_none() {
            put((mc, mr), letter(k));
        }
        let (ac, ar) = arrow_at((mc, mr));
        if (0..w as isize).contains(&ac) && (0..h as isize).contains(&ar) {
            put((ac as usize, ar as usize), arrow);
        }
    }
}

/// The cells the data points will be drawn in (as the plane draws them).
fn point_cells(plane: &Plane, w: usize, h: usize) -> std::collections::HashSet<(isize, isize)> {
    let [x0, x1, y0, y1] = plane.bounds;
    plane
        .points
        .iter()
        .map(|&(x, y, _)| {
            let fx = (x - x0) / (x1 - x0);
            let fy = (y1 - y) / (y1 - y0);
            ((fx * w as f64) as isize, (fy * h as f64) as isize)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::ThemeName;

    /// The plane x in [0, 8], y in [0, 4] on 8 × 4 cells: one unit a cell.
    fn plane(lines: Vec<ZeroLine>) -> Plane {
        Plane {
            bounds: [0.0, 8.0, 0.0, 4.0],
            nx: 8,
            ny: 4,
            classes: vec![0; 32],
            points: vec![],
            class_count: lines.len(),
            lines,
        }
    }

    fn drawn(lines: Vec<ZeroLine>, ascii: bool) -> Vec<String> {
        let area = Rect::new(0, 0, 8, 4);
        let mut buf = Buffer::empty(area);
        let theme = ThemeName::Mono.theme();
        render(&plane(lines), area, &mut buf, &theme, ascii);
        (0..4)
            .map(|y| (0..8).map(|x| buf[(x, y)].symbol()).collect())
            .collect()
    }

    #[test]
    fn a_vertical_line_with_its_arrow_towards_higher_scores() {
        // Score x − 4.5: zero on the column whose centre is x = 4.5
        // (column 4), growing to the right.
        let line = ZeroLine {
            name: None,
            w: [1.0, 0.0],
            b: -4.5,
        };
        let rows = drawn(vec![line], false);
        assert_eq!(rows[0], "    │   ");
        // Half-way along (row 2) the line carries its letter; the arrow
        // is beside it, on the right.
        assert_eq!(rows[2], "    a→  ");
        assert_eq!(rows[3], "    │   ");
    }

    #[test]
    fn a_horizontal_line_points_up_when_its_score_grows_upwards() {
        // Score y − 2.5: zero at y = 2.5, the centre of row 1 (rows from
        // the top: 3.5, 2.5, 1.5, 0.5); higher above.
        let line = ZeroLine {
            name: None,
            w: [0.0, 2.0],
            b: -5.0,
        };
        let rows = drawn(vec![line], true);
        assert_eq!(rows[1], "----a---");
        assert_eq!(rows[0], "    ^   ");
    }

    #[test]
    fn a_diagonal_leans_the_way_it_runs() {
        // Score y − x/2 − 0.25 through the cell centres (0.5, 0.5),
        // (2.5, 1.5), …: as seen, with cells twice as tall as wide, it
        // rises at 45 degrees.
        let line = ZeroLine {
            name: None,
            w: [-0.5, 1.0],
            b: 0.0,
        };
        let rows = drawn(vec![line], false);
        assert!(rows[3].starts_with('╱'), "{rows:?}");
        assert!(rows.iter().all(|r| !r.contains('─')), "{rows:?}");
    }
}
