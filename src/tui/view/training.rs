//! Training and search steps: the formulas, the curves as they grow, the
//! controls of a live run, and the decision regions of the current network.
//! While a run is live everything comes from its last copied state; after
//! it, from the timeline (the same numbers).

use ratatui::text::{Line, Span};

use super::doc::{ChartSpec, Piece, height};
use super::step::{Ctx, chart_height, palette};
use crate::lesson::document::tracked_name;
use crate::lesson::eval::regions::Plane;
use crate::lesson::eval::zero_lines::decimals;
use crate::lesson::number;
use crate::lesson::timeline::{SearchState, TrainState};
use crate::tui::app::{LiveView, SPEEDS};
use crate::tui::widgets::plane::GLYPHS;
use crate::tui::widgets::text::{sanitize, width, wrap_line};
use crate::tui::widgets::zero_lines::letter;

/// A chart's height; beside decision regions, half the body, since the
/// regions are the point of the step and want to be large. Either shrinks,
/// down to [`MIN_GRAPH`] rows, to what the body has left below the `above`
/// pieces, so that a live run fits a projector's 100×30 without scrolling.
fn graph_height(ctx: &Ctx, above: &[Piece]) -> u16 {
    let wanted = if ctx.open.lesson.steps[ctx.open.step].regions.is_some() {
        (ctx.squeeze.matrix_rows.clamp(10, 40) as u16).min(ctx.squeeze.chart_rows.max(MIN_GRAPH))
    } else {
        chart_height(ctx)
    };
    // One blank row follows, and the lines' equations.
    let room = ctx
        .body_rows
        .saturating_sub(height(above) + 1 + legend_rows(ctx));
    wanted.min(room.max(MIN_GRAPH))
}

/// The smallest chart or regions worth drawing.
const MIN_GRAPH: u16 = 8;

fn live<'a>(ctx: &Ctx<'a>) -> Option<&'a LiveView> {
    ctx.app.live.as_ref().filter(|l| l.step == ctx.open.step)
}

/// `running · 300 per second`, and the keys that apply.
fn status(ctx: &Ctx, live: Option<&LiveView>, total: usize, unit: &str) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let pace = |l: &LiveView| match SPEEDS[l.speed] {
        Some(s) => format!("{} per second", number::trimmed(s, 0)),
        None => "full speed".to_string(),
    };
    let (state, keys) = match live {
        Some(l) if l.running() && l.paused && l.state.done == 0 => (
            format!("ready: {total} {unit}s"),
            "Space or Enter start · s one at a time · → next step",
        ),
        Some(l) if l.running() && l.paused => (
            format!("paused at {unit} {} of {total}", l.state.done),
            "Space or Enter resume · s one more · r start again",
        ),
        Some(l) if l.running() => (
            format!("{unit} {} of {total} · {}", l.state.done, pace(l)),
            "Space pause · s one at a time · + - pace · r start again",
        ),
        Some(_) => (
            format!("{total} {unit}s, done"),
            "r runs it again, number for number",
        ),
        None => (format!("{total} {unit}s"), "r runs it again to watch"),
    };
    let mut line = vec![Span::styled(state, theme.formula)];
    if !ctx.present() {
        line.push(Span::styled(format!("   {keys}"), theme.dim));
    }
    vec![Line::from(line)]
}

/// A line of update formulas (already sanitized), kept as spaced when it
/// fits, wrapped when a single formula is wider than the screen.
fn formula_line(ctx: &Ctx, line: String) -> Vec<Line<'static>> {
    if width(&line) <= ctx.width {
        vec![Line::styled(line, ctx.theme.formula)]
    } else {
        ctx.para(&line, ctx.theme.formula, 0)
    }
}

pub fn train_pieces<'a>(
    ctx: &Ctx<'a>,
    updates: &[&str],
    batch: Option<usize>,
    t: &'a TrainState,
    pieces: &mut Vec<Piece<'a>>,
) {
    let theme = ctx.theme;
    let mut lines: Vec<Line<'static>> = Vec::new();
    {
        // As many update formulas to a line as fit: a network's four take
        // two lines, not four, and leave the regions room on a projector.
        let mut line = String::new();
        for u in updates {
            let u = sanitize(u);
            if !line.is_empty() && width(&line) + 4 + width(&u) > ctx.width {
                lines.extend(formula_line(ctx, std::mem::take(&mut line)));
            }
            if !line.is_empty() {
                line.push_str("    ");
            }
            line.push_str(&u);
        }
        if !line.is_empty() {
            lines.extend(formula_line(ctx, line));
        }
        if let Some(size) = batch {
            lines.push(Line::styled(
                format!("minibatches of {size} columns"),
                theme.dim,
            ));
        }
    }
    let live = live(ctx);
    lines.extend(status(ctx, live, t.iterations, "iteration"));
    let curves = match live {
        Some(l) => &l.state.curves,
        None => &t.curves,
    };
    let mut series = Vec::new();
    for (k, (name, curve)) in curves.iter().enumerate() {
        let points = curve.iter().map(|&(i, v)| (i as f64, v)).collect();
        let name = tracked_name(name, t.batch_of(k, batch));
        series.push((sanitize(&name), points, palette(theme, k)));
        let (Some(first), Some(last)) = (curve.first(), curve.last()) else {
            continue;
        };
        let line = Line::from(vec![
            Span::styled(format!("{}: ", sanitize(&name)), theme.heading),
            Span::styled(
                format!(
                    "{} at iteration {} → {} at iteration {}",
                    number::fixed(first.1, ctx.digits() + 2),
                    first.0,
                    number::fixed(last.1, ctx.digits() + 2),
                    last.0
                ),
                theme.base,
            ),
        ]);
        lines.extend(wrap_line(line, ctx.width, 2));
    }
    lines.push(Line::raw(""));
    pieces.push(Piece::Lines(lines));
    // The x axis spans the whole run from the start, so that the curve
    // visibly grows towards its end.
    let chart = (!series.is_empty()).then(|| {
        Piece::Chart(ChartSpec {
            series,
            x_label: "iteration".into(),
            height: graph_height(ctx, pieces),
            ascii: ctx.ascii(),
            x_to: Some(t.iterations as f64),
            // A loss and an accuracy each on an axis of their own.
            own_axes: true,
        })
    });
    push_with_plane(ctx, live, chart, pieces);
}

/// The chart, beside the decision regions when the step draws them.
fn push_with_plane<'a>(
    ctx: &Ctx<'a>,
    live: Option<&'a LiveView>,
    chart: Option<Piece<'a>>,
    pieces: &mut Vec<Piece<'a>>,
) {
    let plane = plane_piece(ctx, live, pieces);
    let legend = plane.as_ref().and_then(|p| legend(ctx, p));
    match (plane, chart) {
        (Some(p), Some(c)) if ctx.width >= 60 => pieces.push(Piece::Beside(vec![p, c])),
        (p, c) => pieces.extend(p.into_iter().chain(c)),
    }
    pieces.extend(legend);
    pieces.push(Piece::Lines(vec![Line::raw("")]));
}

/// The step's decision regions: live ones while a run goes, else the
/// regions after the step. A region that cannot be drawn says why.
fn plane_piece<'a>(
    ctx: &Ctx<'a>,
    live: Option<&'a LiveView>,
    pieces: &mut Vec<Piece<'a>>,
) -> Option<Piece<'a>> {
    ctx.open.lesson.steps[ctx.open.step].regions.as_ref()?;
    let plane: Option<Result<&'a Plane, &'a str>> = match live {
        Some(l) => l
            .plane
            .as_ref()
            .map(|p| p.as_deref().map_err(String::as_str)),
        None => ctx.open.timeline.steps[ctx.open.step]
            .plane
            .as_deref()
            .map(Ok),
    };
    match plane {
        Some(Ok(plane)) => Some(Piece::Plane {
            plane,
            height: graph_height(ctx, pieces),
            ascii: ctx.ascii(),
        }),
        Some(Err(why)) => {
            pieces.push(Piece::Lines(ctx.para(
                &format!("The regions cannot be drawn: {why}"),
                ctx.theme.bad,
                0,
            )));
            None
        }
        None => None,
    }
}

pub fn search_pieces<'a>(ctx: &Ctx<'a>, s: &'a SearchState, pieces: &mut Vec<Piece<'a>>) {
    let theme = ctx.theme;
    let live = live(ctx);
    let mut lines = vec![Line::styled(
        format!("{} random draws of {}", s.trials, sanitize(&s.param)),
        theme.formula,
    )];
    lines.extend(status(ctx, live, s.trials, "trial"));
    let losses: &[f64] = match live {
        Some(l) => &l.state.losses,
        None => &s.losses,
    };
    // Each trial's loss, and the best found so far.
    let trials: Vec<(f64, f64)> = losses
        .iter()
        .enumerate()
        .map(|(k, &l)| (k as f64 + 1.0, l))
        .collect();
    let best: Vec<(f64, f64)> = trials
        .iter()
        .scan(f64::INFINITY, |b, &(k, l)| {
            *b = b.min(l);
            Some((k, *b))
        })
        .collect();
    if let Some(&(k, b)) = best.last() {
        let at = trials
            .iter()
            .position(|p| p.1 == b)
            .map_or(k, |i| i as f64 + 1.0);
        lines.push(Line::styled(
            format!(
                "best {} = {} at trial {}",
                sanitize(&s.loss),
                number::fixed(b, ctx.digits() + 2),
                at
            ),
            theme.base,
        ));
    }
    lines.push(Line::raw(""));
    pieces.push(Piece::Lines(lines));
    let chart = Piece::Chart(ChartSpec {
        series: vec![
            (
                format!("{} per trial", sanitize(&s.loss)),
                trials,
                theme.dim,
            ),
            ("best so far".into(), best, theme.forward),
        ],
        x_label: "trial".into(),
        height: graph_height(ctx, pieces),
        ascii: ctx.ascii(),
        x_to: Some(s.trials as f64),
        // A trial's loss and the best so far share their scale.
        own_axes: false,
    });
    push_with_plane(ctx, live, Some(chart), pieces);
}

/// Regions of a step that neither trains nor searches.
pub fn still_plane<'a>(ctx: &Ctx<'a>, pieces: &mut Vec<Piece<'a>>) {
    if let Some(mut p) = plane_piece(ctx, None, pieces) {
        // When the picture is the step (a data set shown, nothing computed
        // or listed after it), it grows to the room left below the text:
        // a projector's 100×30 shows the spirals 44 columns wide.
        let step = &ctx.open.lesson.steps[ctx.open.step];
        let alone = matches!(step.action, crate::lesson::Action::Show) && step.show.is_empty();
        if let Piece::Plane { height, .. } = &mut p
            && alone
        {
            let room = ctx
                .body_rows
                .saturating_sub(super::doc::height(pieces) + 1 + legend_rows(ctx));
            *height = (*height).max(room.min(MAX_STILL_PLANE));
        }
        let legend = legend(ctx, &p);
        pieces.push(p);
        pieces.extend(legend);
        pieces.push(Piece::Lines(vec![Line::raw("")]));
    }
}

/// Under a plane with `lines`, each class's line as an equation, marked as
/// the plane marks the class: `● cat: 2.0 x₁ − 1.0 x₂ + 0.5 = 0`.
fn legend<'a>(ctx: &Ctx<'a>, plane: &Piece<'a>) -> Option<Piece<'a>> {
    let Piece::Plane { plane, ascii, .. } = plane else {
        return None;
    };
    if plane.lines.is_empty() {
        return None;
    }
    let colours = ctx.theme.classes.filter(|_| !ascii);
    let decimals = decimals(&plane.lines, ctx.digits());
    let lines = plane.lines.iter().enumerate().map(|(k, line)| {
        let (mark, style) = match colours {
            Some(c) => (
                GLYPHS[k % GLYPHS.len()],
                ctx.theme.base.fg(c[k % c.len()].1),
            ),
            None => (letter(k), ctx.theme.heading),
        };
        let name = line.name.as_deref().map_or(format!("class {k}"), sanitize);
        Line::from(vec![
            Span::styled(format!("{mark} "), style),
            Span::styled(
                format!("{name}: {}", line.equation(decimals)),
                ctx.theme.base,
            ),
        ])
    });
    Some(Piece::Lines(lines.collect()))
}

/// The rows [`legend`] will take under the step's plane.
fn legend_rows(ctx: &Ctx) -> u16 {
    let step = &ctx.open.lesson.steps[ctx.open.step];
    let Some((w, _)) = step.regions.as_ref().and_then(|r| r.lines.as_ref()) else {
        return 0;
    };
    let values = &ctx.open.timeline.steps[ctx.open.step].values;
    values.get(w).map_or(0, |v| v.data.nrows() as u16)
}

/// The tallest a still picture of the plane grows (rows).
const MAX_STILL_PLANE: u16 = 40;

/// Pictures are shrunk at most this many times (28 pixels to 7).
const MAX_SHRINK: usize = 4;

/// The step's `images`: the first columns of a value as pictures, shrunk
/// by half when fewer than five fit across.
pub fn images_piece<'a>(ctx: &Ctx<'a>, pieces: &mut Vec<Piece<'a>>) {
    use crate::tui::widgets::images::ImagesView;
    let Some(images) = &ctx.open.lesson.steps[ctx.open.step].images else {
        return;
    };
    let open: &'a crate::tui::app::OpenLesson = ctx.open;
    let Some(value) = open.timeline.steps[open.step].values.get(&images.value.0) else {
        return;
    };
    let data = &value.data;
    let width = images.width.0.max(1);
    if data.nrows() % width != 0 || data.ncols() == 0 {
        return;
    }
    let count = images
        .count
        .as_ref()
        .map_or(data.ncols(), |c| c.0)
        .min(data.ncols());
    let captions = (0..count)
        .map(|k| match &value.cols {
            Some(names) => sanitize(&names[k]),
            None => format!("{}[:, {k}]", sanitize(&images.value.0)),
        })
        .collect();
    let mut view = ImagesView {
        data,
        width,
        count,
        captions,
        shrink: 1,
        colour: ctx.theme.classes.is_some() && !ctx.ascii(),
    };
    if view.per_row(ctx.width) < count.min(5) {
        view.shrink = 2;
    }
    // Smaller still where the pictures would not fit below the text (a
    // projector's 100×30 shows ten digits at a third of their size).
    let room = ctx.body_rows.saturating_sub(height(pieces) + 2) as usize;
    while view.height(ctx.width) > room && view.shrink < MAX_SHRINK {
        view.shrink += 1;
    }
    let height = view.height(ctx.width).min(u16::MAX as usize) as u16;
    pieces.push(Piece::Lines(vec![Line::styled(
        format!(
            "{}: {count} column{} as {width}-pixel-wide pictures",
            sanitize(&images.value.0),
            if count == 1 { "" } else { "s" }
        ),
        ctx.theme.heading,
    )]));
    pieces.push(Piece::Images(view, height));
    pieces.push(Piece::Lines(vec![Line::raw("")]));
}
