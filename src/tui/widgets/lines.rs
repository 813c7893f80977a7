//! The graph's arrows: line segments drawn into a grid of cells, each cell
//! remembering its directions, so that joins and crossings become the right
//! box-drawing characters.

/// Line segments as direction bits per cell, so that crossings and joins
/// become the right box-drawing characters.
pub struct LineGrid {
    w: usize,
    cells: Vec<u8>,
}

const N: u8 = 1;
const S: u8 = 2;
const E: u8 = 4;
const W: u8 = 8;
const ARROW: u8 = 16;

impl LineGrid {
    pub fn new(w: usize, h: usize) -> LineGrid {
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

    pub fn horizontal(&mut self, y: usize, x0: usize, x1: usize) {
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

    pub fn vertical(&mut self, x: usize, y0: usize, y1: usize) {
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

    pub fn arrow(&mut self, x: usize, y: usize) {
        self.add(x, y, ARROW);
    }

    pub fn char_at(&self, x: usize, y: usize, ascii: bool) -> Option<&'static str> {
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
