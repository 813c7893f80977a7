//! `draw(frame, &app)`: reads the state, never changes it.

pub mod backward;
pub mod bars;
pub mod cache;
pub mod computation;
pub mod doc;
pub mod gradcheck;
pub mod layout;
pub mod menu;
pub mod overview;
pub mod predict;
pub mod quiz;
pub mod scratchpad;
pub mod squeeze;
pub mod step;
pub mod training;
pub mod waiting;
pub mod whatif;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::app::{App, NoticeKind, OpenLesson, Screen, Typing};
use super::keys::HELP;
use super::theme::Theme;
use super::widgets::text::{fit, sanitize, width, wrap};
use crate::lesson::number;
use squeeze::Squeeze;

/// Below this the screen says how large it must be.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    render(app, area, frame.buffer_mut());
}

/// Everything drawn into a buffer: the same code draws the terminal and the
/// snapshots and benchmarks.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = app.settings.theme.theme();
    buf.set_style(area, theme.base);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(area, buf, &theme);
        return;
    }
    match (app.screen, &app.open) {
        (Screen::Lesson, Some(open)) => lesson(app, open, area, buf, &theme),
        _ => menu::render(app, area, buf, &theme),
    }
    if let (Some(row), Some(open), Screen::Lesson) = (app.overview, &app.open, app.screen) {
        overview::render(open, row, area, buf, &theme);
    }
    if app.help {
        help(app, area, buf, &theme);
    }
    if app.settings.ascii {
        asciify(area, buf);
    }
}

/// `--ascii`: every drawing symbol replaced by a plain ASCII one, in one
/// place, so no widget can forget to.
fn asciify(area: Rect, buf: &mut Buffer) {
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let Some(cell) = buf.cell_mut((x, y)) else {
                continue;
            };
            let plain = match cell.symbol() {
                "─" | "━" | "═" => "-",
                "│" | "┃" | "║" => "|",
                "╭" | "╮" | "╰" | "╯" | "┌" | "┐" | "└" | "┘" | "┏" | "┓" | "┗" | "┛" | "├"
                | "┤" | "┬" | "┴" | "┼" => "+",
                "▶" | "→" => ">",
                "◀" | "←" => "<",
                "↑" | "▲" => "^",
                "↓" | "▼" => "v",
                "●" => "*",
                "✓" => "+",
                "✗" => "x",
                "⚠" => "!",
                "⋮" => ":",
                "…" | "·" => ".",
                "▏" => "_",
                "∂" => "d",
                "×" => "x",
                "ᵀ" => "'",
                s if s.chars().all(|c| ('\u{2580}'..='\u{259f}').contains(&c)) => "#",
                _ => continue,
            };
            cell.set_symbol(plain);
        }
    }
}

fn too_small(area: Rect, buf: &mut Buffer, theme: &Theme) {
    let text = format!(
        "nntutor needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT}; this one is {}×{}. Enlarge the window or make the font smaller; q quits.",
        area.width, area.height
    );
    for (k, line) in wrap(&text, area.width as usize)
        .iter()
        .take(area.height as usize)
        .enumerate()
    {
        buf.set_stringn(
            area.x,
            area.y + k as u16,
            line,
            area.width as usize,
            theme.base,
        );
    }
}

/// Where a lesson step's body goes: below the header (none in presentation
/// mode), above the footer.
fn body_area(app: &App, area: Rect) -> Rect {
    let top = if app.settings.present { 1 } else { 3 };
    Rect::new(
        area.x + 2,
        area.y + top,
        area.width.saturating_sub(4),
        area.height.saturating_sub(top + 2),
    )
}

/// The body's pieces for `body_area`, at the loosest squeeze that fits.
fn lesson_body<'a>(
    app: &'a App,
    open: &'a OpenLesson,
    body_area: Rect,
    theme: &'a Theme,
) -> Vec<doc::Piece<'a>> {
    if !open.ready() {
        return waiting::pieces(app, open, body_area.width as usize, theme);
    }
    let levels = Squeeze::levels(body_area.height);
    let mut ctx = step::Ctx {
        app,
        open,
        theme,
        width: body_area.width as usize,
        squeeze: levels[0],
        body_rows: body_area.height,
        text_after: false,
    };
    for squeeze in levels {
        ctx.squeeze = squeeze;
        let mut pieces = step::body(&ctx);
        if !overflows(&ctx, &pieces) {
            // Pictures take the rows left over. (Not in a walk: its
            // positions differ in height, and nothing may jump.)
            if open.walk().positions() <= 1 {
                let spare = body_area.height.saturating_sub(doc::height(&pieces));
                doc::grow(&mut pieces, spare, body_area.width);
            }
            return pieces;
        }
    }
    // Too much even at the tightest: a walk shows its numbers first, at
    // every position alike (decided at the walk's last, fullest position),
    // so that nothing jumps as the learner steps through; its words scroll.
    ctx.text_after = open.walk().positions() > 1;
    step::body(&ctx)
}

/// Whether the step's body is taller or wider than the screen, here or at
/// the last position of its walk (a backward walk grows as it goes; an
/// element walk keeps its height): one squeeze serves the whole walk.
fn overflows(ctx: &step::Ctx, here: &[doc::Piece]) -> bool {
    let too_big = |pieces: &[doc::Piece]| {
        doc::height(pieces) > ctx.body_rows
            || pieces.iter().any(|p| {
                matches!(p, doc::Piece::Graph { layout, .. } if layout.width as usize > ctx.width)
            })
    };
    let open = ctx.open;
    let last = open.walk().positions().saturating_sub(1);
    if too_big(here) {
        return true;
    }
    if open.sub == last {
        return false;
    }
    let end = OpenLesson {
        sub: last,
        ..open.clone()
    };
    too_big(&step::body(&step::Ctx { open: &end, ..*ctx }))
}

/// Why the current position of the open lesson does not fit on a screen of
/// `area` (for `nntutor check --fit`): rows to scroll, a graph wider than
/// the screen, a line cut at its edge. Empty: it fits. (A big matrix sampled
/// around its highlighted element, with its shape shown, fits: that is how
/// a small screen shows it.)
pub fn misfit(app: &App, area: Rect) -> Vec<String> {
    let Some(open) = app.open.as_ref() else {
        return Vec::new();
    };
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return vec![format!(
            "the screen is below the minimum {MIN_WIDTH}×{MIN_HEIGHT}"
        )];
    }
    let theme = app.settings.theme.theme();
    let body = body_area(app, area);
    let pieces = lesson_body(app, open, body, &theme);
    let mut why = Vec::new();
    let total = doc::height(&pieces);
    if total > body.height {
        why.push(format!("needs {} more rows", total - body.height));
    }
    for p in &pieces {
        match p {
            doc::Piece::Graph { layout, .. } if layout.width > body.width => why.push(format!(
                "the graph is {} columns wide, the screen has {}",
                layout.width, body.width
            )),
            doc::Piece::Lines(lines) => why.extend(cut_lines(lines, body.width)),
            _ => {}
        }
    }
    why
}

/// Lines wider than the body: cut at its right edge when drawn.
fn cut_lines(lines: &[ratatui::text::Line], room: u16) -> Option<String> {
    let wide = lines.iter().find(|l| l.width() > room as usize)?;
    let text: String = wide.spans.iter().map(|s| s.content.as_ref()).collect();
    let start: String = text.trim().chars().take(24).collect();
    Some(format!(
        "a line is cut at the right edge ({} columns, the screen has {room}: \"{start}…\")",
        wide.width()
    ))
}

fn lesson(app: &App, open: &OpenLesson, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let present = app.settings.present;
    let n = open.step_count();
    if !present {
        header(app, open, area, buf, theme);
    }
    let footer_y = area.bottom() - 1;
    let body_area = body_area(app, area);
    let total = cache::body(app, open, body_area, buf, |buf| {
        let pieces = lesson_body(app, open, body_area, theme);
        let total = doc::height(&pieces);
        let scroll = open.scroll.min(total.saturating_sub(body_area.height));
        doc::render(&pieces, body_area, buf, theme, scroll);
        total
    });
    let max_scroll = total.saturating_sub(body_area.height);
    let scroll = open.scroll.min(max_scroll);
    if scroll < max_scroll {
        let more = if app.settings.ascii {
            "v more"
        } else {
            "▼ more"
        };
        let x = area.right().saturating_sub(width(more) as u16 + 1);
        buf.set_string(x, footer_y.saturating_sub(1), more, theme.dim);
    }
    if present {
        progress_line(
            open,
            Rect::new(area.x, footer_y, area.width, 1),
            buf,
            theme,
            app.settings.ascii,
        );
        // Where the lecture is, for the lecturer and the back row: `4/17`.
        let counter = format!(" {}/{} ", open.step + 1, n);
        let x = area.right().saturating_sub(width(&counter) as u16 + 1);
        buf.set_string(x, footer_y, counter, theme.dim);
        // The top row: a notice, else the lecture's join command (the
        // hall reads it off the projected screen) or the follower's state.
        let top = match (&app.notice, &app.classroom) {
            (Some(notice), _) if notice.kind == NoticeKind::Warning => {
                Some((notice.text.clone(), theme.warn))
            }
            (Some(notice), _) => Some((notice.text.clone(), theme.dim)),
            (None, Some(c)) => Some((crate::tui::classroom::status(c), theme.heading)),
            (None, None) => None,
        };
        if let Some((text, style)) = top {
            let text = sanitize(text.trim());
            buf.set_stringn(
                area.x + 2,
                area.y,
                fit(&text, area.width as usize - 4),
                area.width as usize - 4,
                style,
            );
        }
        scratchpad::formula_line(app, Rect::new(area.x, footer_y, area.width, 1), buf, theme);
        return;
    }
    let row = Rect::new(area.x, footer_y, area.width, 1);
    footer(app, open, n, row, buf, theme);
    scratchpad::formula_line(app, row, buf, theme);
}

fn header(app: &App, open: &OpenLesson, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let n = open.step_count();
    let mode = if app.settings.author {
        "author · "
    } else {
        ""
    };
    let right = format!(" {mode}step {} of {n} ", open.step + 1);
    let w = area.width as usize;
    let title = fit(
        &format!(" nntutor · {}", sanitize(&open.lesson.title)),
        w.saturating_sub(width(&right) + 1),
    );
    let bar = Rect::new(area.x, area.y, area.width, 1);
    buf.set_style(bar, theme.bar);
    buf.set_string(area.x, area.y, &title, theme.bar);
    buf.set_string(
        area.right() - width(&right) as u16,
        area.y,
        &right,
        theme.key,
    );
    progress_line(
        open,
        Rect::new(area.x, area.y + 1, area.width, 1),
        buf,
        theme,
        false,
    );
}

/// The lesson's progress as a thin bar: done in the accent colour.
fn progress_line(open: &OpenLesson, area: Rect, buf: &mut Buffer, theme: &Theme, ascii: bool) {
    let n = open.step_count().max(1);
    let walk = open.walk().positions().max(1) as f64;
    let fraction = (open.step as f64 + (open.sub as f64 + 1.0) / walk) / n as f64;
    let done = ((area.width as f64) * fraction).round() as u16;
    let (full, empty) = if ascii { ("=", "-") } else { ("━", "─") };
    for x in 0..area.width {
        let (s, style) = if x < done {
            (full, theme.progress_done)
        } else {
            (empty, theme.progress_todo)
        };
        buf.set_string(area.x + x, area.y, s, style);
    }
}

fn footer(app: &App, open: &OpenLesson, n: usize, area: Rect, buf: &mut Buffer, theme: &Theme) {
    buf.set_style(area, theme.bar);
    let w = area.width as usize;
    let mut spans: Vec<Span> = Vec::new();
    match &app.typing {
        Typing::Edit(draft) => {
            let now = draft.target(open).map_or(String::new(), |t| {
                number::trimmed(t.3, open.lesson.digits + 2)
            });
            spans.push(Span::styled(
                format!(
                    " what if {} (now {now}) = {}▏ ",
                    sanitize(&draft.label(open)),
                    draft.text
                ),
                theme.key,
            ));
            spans.push(Span::styled(" ↑↓ given  ←→ element  Enter  Esc", theme.bar));
        }
        Typing::Jump(digits) => {
            spans.push(Span::styled(format!(" go to step: {digits}▏ "), theme.key));
            spans.push(Span::styled(
                format!(" of 1 to {n} · Enter go · Esc cancel"),
                theme.bar,
            ));
        }
        _ => {
            if let Some(notice) = &app.notice {
                let style = if notice.kind == NoticeKind::Warning {
                    theme.key
                } else {
                    theme.bar
                };
                // A long message (an author's error) gets the lines above
                // the footer, wrapped, rather than being cut off.
                let text = sanitize(&notice.text);
                let lines = wrap(&text, w.saturating_sub(2));
                let extra = lines.len().saturating_sub(1).min(4);
                for (k, line) in lines.iter().take(extra + 1).enumerate() {
                    let y = area.y - extra as u16 + k as u16;
                    let row = Rect::new(area.x, y, area.width, 1);
                    buf.set_style(row, style);
                    buf.set_stringn(area.x + 1, y, line, w.saturating_sub(2), style);
                }
                return;
            } else {
                let walk = if open.walk().positions() > 1 {
                    " ] skip "
                } else {
                    ""
                };
                let (next, back) = if app.settings.ascii {
                    ("->", "<-")
                } else {
                    ("→", "←")
                };
                if let Some(c) = &app.classroom {
                    let status = crate::tui::classroom::status(c);
                    spans.push(Span::styled(sanitize(&status), theme.key));
                }
                for (key, what) in [
                    (next, "next"),
                    (back, "back"),
                    ("g/G", "first/last"),
                    ("?", "help"),
                    ("t", "theme"),
                    ("p", "present"),
                    ("q", "menu"),
                ] {
                    spans.push(Span::styled(format!(" {key} "), theme.key));
                    spans.push(Span::styled(format!("{what} "), theme.bar));
                }
                if !walk.is_empty() {
                    spans.push(Span::styled(walk, theme.bar));
                }
            }
        }
    }
    let line = Line::from(spans);
    buf.set_line(area.x, area.y, &line, w as u16);
}

fn help(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let key_w = HELP.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let text_w = HELP.iter().map(|(_, t)| width(t)).max().unwrap_or(0);
    let w = ((key_w + text_w + 8) as u16).min(area.width.saturating_sub(2));
    let h = ((HELP.len() + 4) as u16).min(area.height.saturating_sub(2));
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    Clear.render(rect, buf);
    let (next, back) = if app.settings.ascii {
        ("->", "<-")
    } else {
        ("→", "←")
    };
    let mut lines: Vec<Line> = HELP
        .iter()
        .map(|(k, t)| {
            let k = k.replace('→', next).replace('←', back);
            Line::from(vec![
                Span::styled(format!("{k:<key_w$}  "), theme.title),
                Span::styled(*t, theme.base),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled("any key closes this help", theme.dim));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(if app.settings.ascii {
            ratatui::widgets::BorderType::Plain
        } else {
            ratatui::widgets::BorderType::Rounded
        })
        .title(" keys ")
        .padding(ratatui::widgets::Padding::horizontal(1))
        .style(theme.base)
        .border_style(theme.title);
    let block = if app.settings.ascii {
        block.border_set(ratatui::symbols::border::Set {
            top_left: "+",
            top_right: "+",
            bottom_left: "+",
            bottom_right: "+",
            vertical_left: "|",
            vertical_right: "|",
            horizontal_top: "-",
            horizontal_bottom: "-",
        })
    } else {
        block
    };
    Paragraph::new(lines).block(block).render(rect, buf);
}
