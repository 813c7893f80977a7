//! A labelled matrix as styled lines: row and column names, one number of
//! decimals for the whole matrix, the explained element and the cells it
//! reads highlighted, changed cells marked, and an ellipsis (never a wrapped
//! number) when the matrix is larger than the space it gets.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::text::{fit, sanitize, width};
use crate::engine::Tensor;
use crate::engine::sources::Cells;
use crate::lesson::Value;
use crate::lesson::number;
use crate::tui::theme::Theme;

pub struct MatrixView<'a> {
    pub name: &'a str,
    pub value: &'a Value,
    pub digits: usize,
    /// The element being explained.
    pub focus: Option<(usize, usize)>,
    /// The cells it is computed from.
    pub sources: Option<&'a Cells>,
    /// The value before this step, to mark the cells that changed; `Some`
    /// with a different shape (or `new`) marks the whole value.
    pub before: Option<&'a Tensor>,
    pub new: bool,
    pub ascii: bool,
    /// Extra spaces between columns (presentation mode).
    pub gap: usize,
}

impl MatrixView<'_> {
    /// At most `max_width` columns and `max_rows` lines (title included).
    pub fn lines(&self, theme: &Theme, max_width: usize, max_rows: usize) -> Vec<Line<'static>> {
        let v = self.value;
        let (r, c) = v.shape();
        let mut out = vec![self.title(theme, max_width)];
        if r == 0 || c == 0 {
            out.push(Line::styled("(empty)", theme.dim));
            return out;
        }
        let decimals = self.decimals();
        // A tiny non-zero value keeps two significant digits instead of reading 0.
        let cell = |i: usize, j: usize| v.cell((i, j), decimals);
        let col_names: Option<Vec<String>> = v
            .cols
            .as_ref()
            .map(|n| n.iter().map(|s| sanitize(s)).collect());
        let row_names: Option<Vec<String>> = v
            .rows
            .as_ref()
            .map(|n| n.iter().map(|s| sanitize(s)).collect());
        let row_w = row_names
            .as_ref()
            .map_or(0, |n| n.iter().map(|s| width(s)).max().unwrap_or(0).min(16));
        let gap = 2 + self.gap;
        // Each column measured once, however often the layout asks (only
        // the few that fit the screen are).
        let measured = std::cell::RefCell::new(std::collections::HashMap::new());
        let col_w = |j: usize| -> usize {
            if let Some(&w) = measured.borrow().get(&j) {
                return w;
            }
            let head = col_names.as_ref().map_or(0, |n| width(&n[j]).min(14));
            // Width of the widest cell, sampled for tall matrices.
            let step = (r / 32).max(1);
            let w = (0..r)
                .step_by(step)
                .map(|i| cell(i, j).len())
                .max()
                .unwrap_or(1)
                .max(head);
            measured.borrow_mut().insert(j, w);
            w
        };
        // Lines for the header, brackets and an ellipsis row take room too.
        let head_rows = 1 + usize::from(col_names.is_some());
        let room_rows = max_rows.saturating_sub(head_rows).max(1);
        let rows = window(r, self.focus.map_or(0, |f| f.0), room_rows);
        let fixed_w = row_w + usize::from(row_w > 0) * 2 + 4;
        // Left-out columns are marked `…`, in ASCII `...`.
        let dots = if self.ascii { 3 } else { 1 };
        let cols = columns_window(
            c,
            self.focus.map_or(0, |f| f.1),
            max_width.saturating_sub(fixed_w),
            &col_w,
            (gap, dots),
        );
        let widths: Vec<usize> = cols.shown.iter().map(|&j| col_w(j)).collect();
        let grid = Grid {
            row_w,
            gap,
            cols: &cols,
            widths: &widths,
        };
        if let Some(names) = &col_names {
            out.push(grid.header(theme, names));
        }
        for (k, &i) in rows.shown.iter().enumerate() {
            if k == rows.split_at && rows.skipped > 0 {
                let ellipsis = if self.ascii { ":" } else { "⋮" };
                out.push(Line::styled(
                    format!(
                        "{}{ellipsis} {} more rows",
                        " ".repeat(row_w + usize::from(row_w > 0) * 2 + 2),
                        rows.skipped
                    ),
                    theme.dim,
                ));
            }
            let name = row_names.as_ref().map(|n| n[i].as_str());
            let cells = |j: usize| (cell(i, j), self.style(theme, i, j));
            out.push(grid.row(theme, self.ascii, name, cells));
        }
        out
    }

    /// Decimals from every element of a small matrix; from an evenly
    /// spread sample of a large one (a hidden layer of 30,000 values would
    /// otherwise cost milliseconds a frame).
    fn decimals(&self) -> usize {
        let v = self.value;
        if v.labels {
            return 0;
        }
        let step = (v.data.len() / 1024).max(1);
        number::shared_decimals(
            v.data.iter().step_by(step).copied(),
            v.decimals(self.digits),
        )
    }

    fn title(&self, theme: &Theme, max_width: usize) -> Line<'static> {
        let (r, c) = self.value.shape();
        let mut spans = vec![Span::styled(
            fit(&sanitize(self.name), max_width),
            theme.heading,
        )];
        if r * c > 1 {
            let kind = if self.value.labels { " labels" } else { "" };
            spans.push(Span::styled(format!(" {r}×{c}{kind}"), theme.dim));
        }
        let whole_change = self.new
            || self
                .before
                .is_some_and(|b| b.shape() != self.value.data.shape());
        let some_change = self
            .before
            .is_some_and(|b| b.shape() == self.value.data.shape() && b != &*self.value.data);
        if whole_change {
            spans.push(Span::styled(
                if self.ascii { "  * new" } else { "  ● new" },
                theme.changed,
            ));
        } else if some_change {
            spans.push(Span::styled(
                if self.ascii {
                    "  * changed"
                } else {
                    "  ● changed"
                },
                theme.changed,
            ));
        }
        Line::from(spans)
    }

    fn style(&self, theme: &Theme, i: usize, j: usize) -> Style {
        if self.focus == Some((i, j)) {
            return theme.focus;
        }
        if self.sources.is_some_and(|s| s.contains(&(i, j))) {
            return theme.source;
        }
        let changed = self.new
            || self.before.is_some_and(|b| {
                b.shape() != self.value.data.shape()
                    || b[(i, j)].to_bits() != self.value.data[(i, j)].to_bits()
            });
        if changed { theme.changed } else { theme.base }
    }
}

/// Which of `n` rows to show in `room` lines, keeping `focus` visible.
/// Where a matrix's columns go: the row names' width, the gap between
/// columns, the columns shown and their widths.
struct Grid<'g> {
    row_w: usize,
    gap: usize,
    cols: &'g ColWindow,
    widths: &'g [usize],
}

impl Grid<'_> {
    /// The column names, right-aligned over their columns.
    fn header(&self, theme: &Theme, names: &[String]) -> Line<'static> {
        let gap = self.gap;
        let mut spans = vec![Span::styled(
            " ".repeat(self.row_w + usize::from(self.row_w > 0) * 2 + 2),
            theme.dim,
        )];
        if self.cols.skipped_left > 0 {
            spans.push(Span::styled(format!("{:>w$}", "", w = 1 + gap), theme.dim));
        }
        for (k, &j) in self.cols.shown.iter().enumerate() {
            let sep = if k == 0 { 0 } else { gap };
            spans.push(Span::styled(
                format!(
                    "{}{:>w$}",
                    " ".repeat(sep),
                    fit(&names[j], self.widths[k]),
                    w = self.widths[k]
                ),
                theme.dim,
            ));
        }
        Line::from(spans)
    }

    /// One row: its name, the shown cells (text and style from `cell`),
    /// and marks where columns are left out.
    fn row(
        &self,
        theme: &Theme,
        ascii: bool,
        name: Option<&str>,
        cell: impl Fn(usize) -> (String, Style),
    ) -> Line<'static> {
        let (gap, row_w) = (self.gap, self.row_w);
        let dots = if ascii { "..." } else { "…" };
        let mut spans = Vec::new();
        if let Some(name) = name {
            spans.push(Span::styled(
                format!("{:<row_w$}  ", fit(name, row_w)),
                theme.dim,
            ));
        }
        spans.push(Span::styled("[ ", theme.dim));
        if self.cols.skipped_left > 0 {
            spans.push(Span::styled(
                format!("{dots}{}", " ".repeat(gap)),
                theme.dim,
            ));
        }
        for (k, &j) in self.cols.shown.iter().enumerate() {
            if k > 0 {
                spans.push(Span::styled(" ".repeat(gap), theme.base));
            }
            let (text, style) = cell(j);
            spans.push(Span::styled(
                format!("{text:>w$}", w = self.widths[k]),
                style,
            ));
        }
        if self.cols.skipped_right > 0 {
            spans.push(Span::styled(
                format!("{}{dots}", " ".repeat(gap)),
                theme.dim,
            ));
        }
        spans.push(Span::styled(" ]", theme.dim));
        Line::from(spans)
    }
}

struct RowWindow {
    shown: Vec<usize>,
    /// Where the ellipsis line goes (index into `shown`).
    split_at: usize,
    skipped: usize,
}

fn window(n: usize, focus: usize, room: usize) -> RowWindow {
    if n <= room {
        return RowWindow {
            shown: (0..n).collect(),
            split_at: n,
            skipped: 0,
        };
    }
    // The first rows, an ellipsis line, then rows around the focus (or the
    // last rows): `room - 1` rows in all.
    let keep = room.saturating_sub(1).max(1);
    let head = keep / 2;
    let tail = keep - head;
    let tail_start = if focus >= head {
        focus.saturating_sub(tail / 2).max(head).min(n - tail)
    } else {
        n - tail
    };
    let mut shown: Vec<usize> = (0..head).collect();
    shown.extend(tail_start..tail_start + tail);
    RowWindow {
        skipped: n - shown.len(),
        shown,
        split_at: head,
    }
}

struct ColWindow {
    shown: Vec<usize>,
    skipped_left: usize,
    skipped_right: usize,
}

/// A run of columns around `focus` that fits in `room` columns, with `gap`
/// columns between them and a marker `dots` wide for each side left out.
fn columns_window(
    n: usize,
    focus: usize,
    room: usize,
    col_w: &dyn Fn(usize) -> usize,
    (gap, dots): (usize, usize),
) -> ColWindow {
    // Summed only until it no longer fits: a 300-column hidden layer
    // measures a handful of columns, not all of them.
    let mut total = 0usize;
    let mut fits = true;
    for j in 0..n {
        total += col_w(j) + if j > 0 { gap } else { 0 };
        if total > room {
            fits = false;
            break;
        }
    }
    if fits {
        return ColWindow {
            shown: (0..n).collect(),
            skipped_left: 0,
            skipped_right: 0,
        };
    }
    let marker = dots + gap;
    let focus = focus.min(n - 1);
    let (mut lo, mut hi) = (focus, focus + 1);
    let mut used = col_w(focus);
    loop {
        let budget = room.saturating_sub(marker * (usize::from(lo > 0) + usize::from(hi < n)));
        let grow_right = hi < n && used + gap + col_w(hi) <= budget;
        if grow_right {
            used += gap + col_w(hi);
            hi += 1;
            continue;
        }
        if lo > 0 && used + gap + col_w(lo - 1) <= budget {
            lo -= 1;
            used += gap + col_w(lo);
            continue;
        }
        break;
    }
    ColWindow {
        shown: (lo..hi).collect(),
        skipped_left: lo,
        skipped_right: n - hi,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::ThemeName;

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn labelled_matrix_with_shared_decimals() {
        let v = Value {
            data: Tensor::from_row_slice(2, 2, &[0.2, -0.5, 1.5, 1.3]).into(),
            rows: Some(vec!["cat".into(), "dog".into()]),
            cols: Some(vec!["a".into(), "b".into()]),
            labels: false,
            classes: None,
            written: 0,
        };
        let m = MatrixView {
            name: "W",
            value: &v,
            digits: 2,
            focus: None,
            sources: None,
            before: None,
            new: false,
            ascii: false,
            gap: 0,
        };
        let lines = text(&m.lines(&ThemeName::Mono.theme(), 80, 10));
        assert_eq!(
            lines,
            [
                "W 2×2",
                "         a     b",
                "cat  [ 0.2  -0.5 ]",
                "dog  [ 1.5   1.3 ]"
            ]
        );
    }

    #[test]
    fn a_long_vector_is_elided_around_the_focus() {
        let v = Value::plain(Tensor::from_fn(100, 1, |i, _| i as f64));
        let m = MatrixView {
            name: "x",
            value: &v,
            digits: 2,
            focus: Some((60, 0)),
            sources: None,
            before: None,
            new: false,
            ascii: true,
            gap: 0,
        };
        let lines = text(&m.lines(&ThemeName::Mono.theme(), 80, 8));
        assert_eq!(lines.len(), 8);
        assert!(lines.iter().any(|l| l.contains("[ 60 ]")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("more rows")), "{lines:?}");
        assert_eq!(lines[1], "[  0 ]");
    }

    #[test]
    fn a_wide_row_keeps_the_focus_column() {
        let v = Value::plain(Tensor::from_fn(1, 50, |_, j| j as f64 * 1000.0));
        let m = MatrixView {
            name: "w",
            value: &v,
            digits: 2,
            focus: Some((0, 40)),
            sources: None,
            before: None,
            new: false,
            ascii: true,
            gap: 0,
        };
        let lines = text(&m.lines(&ThemeName::Mono.theme(), 40, 8));
        assert!(lines[1].contains("40000"), "{lines:?}");
        assert!(lines[1].chars().count() <= 40, "{lines:?}");
        assert!(lines[1].contains("..."), "{lines:?}");
    }

    #[test]
    fn a_cut_row_never_passes_its_width_in_either_alphabet() {
        // Both sides cut: `… 18000 19000 …`, and in ASCII `...`, three
        // columns to each marker's one.
        let v = Value::plain(Tensor::from_fn(1, 50, |_, j| j as f64 * 1000.0));
        for ascii in [false, true] {
            for width in 20..80 {
                let m = MatrixView {
                    name: "w",
                    value: &v,
                    digits: 2,
                    focus: Some((0, 18)),
                    sources: None,
                    before: None,
                    new: false,
                    ascii,
                    gap: 0,
                };
                let lines = text(&m.lines(&ThemeName::Mono.theme(), width, 8));
                let wide = lines[1].chars().count();
                assert!(wide <= width, "{ascii} {width}: {wide} {lines:?}");
            }
        }
    }
}
