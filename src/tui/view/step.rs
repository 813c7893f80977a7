//! What one step shows, as pieces: its text, then by kind the formula with
//! operands and result, the graph and chain rule, the update arithmetic, the
//! quiz, and the checks and slide notes. Everything shown is read from the
//! timeline; nothing is computed here but layout.

use ratatui::style::Style;
use ratatui::text::Line;

use super::backward::backward;
use super::computation::{let_lines, update_lines};
use super::doc::{ChartSpec, Piece};
use super::layout::{big_lines, side_by_side};
use super::quiz::quiz_lines;
use super::training::{images_piece, search_pieces, still_plane, train_pieces};
use crate::engine::sources::Cells;
use crate::lesson::Value;
use crate::lesson::document::Walk;
use crate::lesson::document::{Block, Document};
use crate::lesson::format::check_line;
use crate::lesson::timeline::{CheckOutcome, Values};
use crate::tui::app::{App, OpenLesson};
use crate::tui::theme::Theme;
use crate::tui::widgets::matrix::MatrixView;
use crate::tui::widgets::text::{fit, sanitize, wrap};

/// A training's parameters are printed after it up to this many elements.
const MAX_LISTED_PARAMETER: usize = 32;

pub struct Ctx<'a> {
    pub app: &'a App,
    pub open: &'a OpenLesson,
    pub theme: &'a Theme,
    pub width: usize,
    /// How tightly the step is laid out to fit the screen.
    pub squeeze: super::squeeze::Squeeze,
    /// Rows of the whole body.
    pub body_rows: u16,
    /// The step's text after its numbers rather than before: a walk on a
    /// screen too small for both keeps its numbers in one place, and the
    /// words below them, at every position of the walk.
    pub text_after: bool,
}

impl Ctx<'_> {
    pub fn present(&self) -> bool {
        self.app.settings.present
    }

    pub fn ascii(&self) -> bool {
        self.app.settings.ascii
    }

    pub fn values(&self) -> &Values {
        &self.open.timeline.steps[self.open.step].values
    }

    pub fn before(&self) -> &Values {
        match self.open.step {
            0 => &self.open.timeline.initial,
            k => &self.open.timeline.steps[k - 1].values,
        }
    }

    pub fn digits(&self) -> usize {
        self.open.lesson.digits
    }

    pub fn matrix(
        &self,
        name: &str,
        focus: Option<(usize, usize)>,
        sources: Option<&Cells>,
    ) -> Option<Vec<Line<'static>>> {
        let value = self.values().get(name)?;
        // Under what-if edits, "changed" means changed by the edits.
        let (before, new) = match &self.open.original {
            Some(original) => (original.steps[self.open.step].values.get(name), false),
            None => {
                let before = self.before().get(name);
                (before, before.is_none())
            }
        };
        let view = MatrixView {
            name,
            value,
            digits: self.digits(),
            focus,
            sources,
            before: before.map(|b| &*b.data),
            new,
            ascii: self.ascii(),
            gap: usize::from(self.present()),
        };
        Some(view.lines(self.theme, self.width, self.squeeze.matrix_rows))
    }

    pub fn matrix_of(
        &self,
        label: &str,
        value: &Value,
        before: Option<&Value>,
    ) -> Vec<Line<'static>> {
        MatrixView {
            name: label,
            value,
            digits: self.digits(),
            focus: None,
            sources: None,
            before: before.map(|b| &*b.data),
            new: false,
            ascii: self.ascii(),
            gap: usize::from(self.present()),
        }
        .lines(self.theme, self.width, self.squeeze.matrix_rows)
    }

    /// A formula as this reader sees it (the lecture's reading for a
    /// learner, and for an author the engine's formula under it), wrapped
    /// at the screen's edge rather than cut.
    pub fn formula(&self, formula: &str, reads: Option<&str>) -> Vec<Line<'static>> {
        let theme = self.theme;
        let shown = self.app.settings.audience().formula(formula, reads);
        shown
            .iter()
            .enumerate()
            .flat_map(|(k, f)| {
                let style = if k == 0 { theme.formula } else { theme.dim };
                self.para(f, style, 0)
            })
            .collect()
    }

    pub fn para(&self, text: &str, style: Style, indent: usize) -> Vec<Line<'static>> {
        wrap(&sanitize(text), self.width.saturating_sub(indent))
            .into_iter()
            .map(|l| Line::styled(format!("{}{l}", " ".repeat(indent)), style))
            .collect()
    }
}

pub fn body<'a>(ctx: &Ctx<'a>) -> Vec<Piece<'a>> {
    let open = ctx.open;
    let step = &open.lesson.steps[open.step];
    let theme = ctx.theme;
    let mut pieces: Vec<Piece<'a>> = Vec::new();
    let mut lines: Vec<Line<'static>> = Vec::new();

    let title = sanitize(&step.title);
    if ctx.present() {
        // One line of big text at most: two would take a third of a
        // projector's screen.
        let big = big_lines(&title, ctx.width).filter(|b| b.len() == 1 && ctx.squeeze.big_title);
        if let Some(big) = big {
            pieces.push(Piece::Big(big, theme.title));
            lines.push(Line::raw(""));
        } else {
            lines.extend(ctx.para(&title.to_uppercase(), theme.title, 0));
            lines.push(Line::raw(""));
        }
    } else {
        lines.push(Line::styled(fit(&title, ctx.width), theme.title));
        lines.push(Line::raw(""));
    }
    super::whatif::banner(ctx, &mut lines);
    let doc = Document::of(
        &open.lesson,
        &open.timeline,
        open.step,
        ctx.app.settings.audience(),
    );
    let computes = doc.blocks.iter().any(Block::computes);
    // Presentation mode keeps a computing step to its numbers.
    let quiet = ctx.present() && computes;
    let text = !step.text.trim().is_empty() && !quiet;
    if text && !ctx.text_after {
        lines.extend(ctx.para(&step.text, theme.base, 0));
        lines.push(Line::raw(""));
    }
    if super::predict::hidden(ctx, &mut lines) {
        pieces.push(Piece::Lines(lines));
        return pieces;
    }
    let mut page = Page {
        ctx,
        lines,
        pieces,
        shown: Vec::new(),
    };
    for block in &doc.blocks {
        page.block(block);
    }
    if text && ctx.text_after {
        page.lines.extend(ctx.para(&step.text, theme.base, 0));
    }
    let (lines, mut pieces) = (page.lines, page.pieces);
    pieces.push(Piece::Lines(lines));
    pieces
}

/// Colours for curves, in order.
pub(super) fn palette(theme: &Theme, k: usize) -> Style {
    [
        theme.forward,
        theme.gradient,
        theme.title,
        theme.changed,
        theme.ok,
        theme.note,
    ][k % 6]
}

/// A third of the body, within reason: a chart should leave room for the
/// text and numbers around it.
pub(super) fn chart_height(ctx: &Ctx) -> u16 {
    (((ctx.squeeze.matrix_rows * 2) / 3).clamp(6, 16) as u16).min(ctx.squeeze.chart_rows)
}

/// Earlier trainings' curves together, on one axis: the same quantity
/// from two runs.
fn curves_spec(ctx: &Ctx, curves: &[(&str, &[(usize, f64)])]) -> ChartSpec {
    let series = curves
        .iter()
        .enumerate()
        .map(|(k, (name, c))| {
            let points = c.iter().map(|&(i, v)| (i as f64, v)).collect();
            (sanitize(name), points, palette(ctx.theme, k))
        })
        .collect();
    ChartSpec {
        series,
        x_label: "iteration".into(),
        height: chart_height(ctx),
        ascii: ctx.ascii(),
        x_to: None,
        own_axes: false,
    }
}

/// The step's `plot`: each `y` vector against `x`, point by point.
fn plot_spec(ctx: &Ctx, plot: &crate::lesson::model::Plot) -> Option<ChartSpec> {
    let values = ctx.values();
    let xs: Vec<f64> = values.get(&plot.x.0)?.data.iter().copied().collect();
    let series = plot
        .y
        .iter()
        .enumerate()
        .filter_map(|(k, (name, _))| {
            let ys = &values.get(name)?.data;
            (ys.len() == xs.len()).then(|| {
                let points = xs.iter().copied().zip(ys.iter().copied()).collect();
                (sanitize(name), points, palette(ctx.theme, k))
            })
        })
        .collect();
    Some(ChartSpec {
        series,
        x_label: sanitize(&plot.x.0),
        height: chart_height(ctx),
        ascii: ctx.ascii(),
        x_to: None,
        own_axes: false,
    })
}

/// A step's document laid out for the screen: lines of text gathered until
/// a piece that is not text (a graph, a chart) needs its own place.
struct Page<'c, 'a> {
    ctx: &'c Ctx<'a>,
    lines: Vec<Line<'static>>,
    pieces: Vec<Piece<'a>>,
    /// Values already drawn.
    shown: Vec<String>,
}

impl<'a> Page<'_, 'a> {
    /// The lines so far, as a piece, before one that is not text.
    fn flush(&mut self) {
        self.pieces
            .push(Piece::Lines(std::mem::take(&mut self.lines)));
    }

    fn block(&mut self, block: &Block<'a>) {
        let ctx = self.ctx;
        let theme = ctx.theme;
        match block {
            Block::Computed {
                c, check, reads, ..
            } => {
                let_lines(
                    ctx,
                    c,
                    *reads,
                    &mut self.lines,
                    &mut self.pieces,
                    &mut self.shown,
                );
                if let Some(check) = check {
                    super::gradcheck::lines(ctx, check, &mut self.lines);
                }
            }
            Block::Backward(b) => {
                self.flush();
                backward(ctx, b, &mut self.lines, &mut self.pieces, &mut self.shown);
            }
            Block::Updated(comps) => update_lines(ctx, comps, &mut self.lines, &mut self.shown),
            Block::Trained {
                updates,
                batch,
                run,
            } => {
                self.flush();
                train_pieces(ctx, updates, *batch, run, &mut self.pieces);
            }
            Block::Searched(s) => {
                self.flush();
                search_pieces(ctx, s, &mut self.pieces);
            }
            Block::Asked {
                quiz,
                answer,
                reads,
            } => quiz_lines(ctx, quiz, *answer, *reads, &mut self.lines),
            Block::Plot(plot) => {
                if let Some(spec) = plot_spec(ctx, plot) {
                    self.flush();
                    self.pieces.push(Piece::Chart(spec));
                    self.lines.push(Line::raw(""));
                }
            }
            Block::Regions { .. } => {
                self.flush();
                still_plane(ctx, &mut self.pieces);
            }
            Block::Bars(_) => super::bars::lines(ctx, &mut self.lines),
            Block::Curves(curves) => {
                self.flush();
                self.pieces.push(Piece::Chart(curves_spec(ctx, curves)));
                self.lines.push(Line::raw(""));
            }
            Block::Images(_) => {
                self.flush();
                images_piece(ctx, &mut self.pieces);
            }
            Block::Shown { asked, run } => self.shown_values(asked, run),
            Block::Checks(checks) => self.checks(checks),
            Block::SlideNote(note) => {
                self.lines.push(Line::raw(""));
                let label = if ctx.ascii() {
                    "Slides: "
                } else {
                    "⚠ Slides: "
                };
                let mut para = ctx.para(&format!("{label}{note}"), theme.note, 0);
                if let Some(first) = para.first_mut() {
                    first.spans[0].style = theme.warn;
                }
                self.lines.extend(para);
            }
            Block::Notices(notices) => {
                for notice in *notices {
                    self.lines.extend(ctx.para(notice, theme.dim, 0));
                }
            }
        }
    }

    /// What the step asks to show, and what a finished run set and
    /// tracked; parameters too large to read at a glance are named.
    fn shown_values(&mut self, asked: &[&str], run: &[&str]) {
        let ctx = self.ctx;
        let open = ctx.open;
        let state = &open.timeline.steps[open.step];
        let mut names: Vec<&str> = asked.to_vec();
        // A run still going shows its own numbers, not the ones it will reach.
        let running = ctx
            .app
            .live
            .as_ref()
            .is_some_and(|l| l.step == open.step && l.running());
        // A search's result is the parameter it found; a training's, its
        // curves and regions, and its parameters when there is room.
        let search = matches!(
            ctx.open.lesson.steps[open.step].action,
            crate::lesson::Action::Search(_)
        );
        let listed = ctx.squeeze.run_values || search;
        if !run.is_empty() && !running {
            let mut large = Vec::new();
            for n in state.changed.iter().filter(|n| run.contains(&n.as_str())) {
                match ctx.values().get(n) {
                    Some(v) if v.data.len() > MAX_LISTED_PARAMETER => large.push(format!(
                        "{} {}",
                        sanitize(n),
                        crate::engine::tensor::shape_str(v.data.shape())
                    )),
                    _ if listed => names.push(n),
                    _ => {}
                }
            }
            // A note for the lesson's author, not its learner.
            if !large.is_empty() && ctx.app.settings.author {
                self.lines.extend(ctx.para(
                    &format!(
                        "Changed by the run: {} (add them to `show` to print them).",
                        large.join(", ")
                    ),
                    ctx.theme.dim,
                    0,
                ));
                self.lines.push(Line::raw(""));
            }
        }
        let mut blocks: Vec<Vec<Line<'static>>> = Vec::new();
        for name in names {
            if !self.shown.iter().any(|s| s == name) {
                self.shown.push(name.to_string());
                blocks.extend(ctx.matrix(name, None, None));
            }
        }
        if !blocks.is_empty() {
            self.lines.extend(side_by_side(blocks, ctx.width, 4));
            self.lines.push(Line::raw(""));
        }
    }

    /// Checks are shown once the walk has revealed the numbers they check;
    /// presentation mode keeps to the one idea on screen.
    fn checks(&mut self, checks: &[&CheckOutcome]) {
        let ctx = self.ctx;
        let open = ctx.open;
        let theme = ctx.theme;
        let walk_done = (open.sub + 1 >= open.walk().positions()
            || !matches!(open.walk(), Walk::Backward { .. }))
            && !ctx.present();
        if !open.edits.is_empty() {
            self.lines.extend(ctx.para(
                "The lesson's checks are for its own numbers; R goes back to them.",
                theme.dim,
                0,
            ));
            return;
        }
        for c in checks.iter().filter(|_| walk_done) {
            let text = check_line(c, ctx.digits());
            let style = match (c.slide, c.passed) {
                (_, true) => theme.ok,
                (false, false) => theme.bad,
                (true, false) => theme.warn,
            };
            self.lines.extend(ctx.para(&text, style, 0));
        }
    }
}
