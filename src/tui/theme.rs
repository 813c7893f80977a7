//! Colour themes. Every meaning (a forward value, a gradient, a change, the
//! element being explained) has one style, so that the monochrome theme can
//! carry the same meanings with bold, underline and reverse video alone.

use ratatui::style::{Color, Modifier, Style};

/// The colour themes, as `--theme` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeName {
    /// Light text on a dark background (the default).
    Dark,
    /// Dark text on a light background.
    Light,
    /// High contrast, legible from the back of a hall.
    #[value(alias = "high-contrast")]
    Projector,
    /// No colours, attributes only (`NO_COLOR`'s).
    #[value(alias = "none")]
    Mono,
}

impl ThemeName {
    pub const ALL: [ThemeName; 3] = [ThemeName::Dark, ThemeName::Light, ThemeName::Projector];

    pub fn label(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::Projector => "projector",
            ThemeName::Mono => "mono",
        }
    }

    /// The next theme for `t`; monochrome stays monochrome.
    pub fn next(self) -> ThemeName {
        match self {
            ThemeName::Dark => ThemeName::Light,
            ThemeName::Light => ThemeName::Projector,
            ThemeName::Projector => ThemeName::Dark,
            ThemeName::Mono => ThemeName::Mono,
        }
    }

    pub fn theme(self) -> Theme {
        match self {
            ThemeName::Dark => Theme::dark(),
            ThemeName::Light => Theme::light(),
            ThemeName::Projector => Theme::projector(),
            ThemeName::Mono => Theme::mono(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// Plain text on the background.
    pub base: Style,
    pub dim: Style,
    pub title: Style,
    pub heading: Style,
    pub formula: Style,
    /// Header and footer bars.
    pub bar: Style,
    pub key: Style,
    pub progress_done: Style,
    pub progress_todo: Style,
    /// Forward values (green in the classic backprop drawings).
    pub forward: Style,
    /// Gradients (red in the classic drawings).
    pub gradient: Style,
    /// Values that changed since the previous step.
    pub changed: Style,
    /// The element being explained.
    pub focus: Style,
    /// The operand cells it reads.
    pub source: Style,
    pub ok: Style,
    pub warn: Style,
    pub bad: Style,
    pub note: Style,
    pub graph_line: Style,
    pub box_border: Style,
    pub box_current: Style,
    /// Per class: the colour of its region and of its data points; `None`
    /// (monochrome) draws classes as characters instead.
    pub classes: Option<[(Color, Color); 6]>,
}

/// Deep tints for regions, bright points on them: the dark theme.
const CLASSES_ON_DARK: [(Color, Color); 6] = [
    (Color::Rgb(24, 48, 96), Color::Rgb(110, 170, 255)),
    (Color::Rgb(96, 36, 30), Color::Rgb(255, 130, 110)),
    (Color::Rgb(30, 80, 40), Color::Rgb(120, 230, 130)),
    (Color::Rgb(90, 80, 20), Color::Rgb(250, 220, 90)),
    (Color::Rgb(70, 30, 90), Color::Rgb(220, 140, 255)),
    (Color::Rgb(20, 80, 84), Color::Rgb(110, 230, 230)),
];

/// Pastel regions, deep points: the light and projector themes.
const CLASSES_ON_LIGHT: [(Color, Color); 6] = [
    (Color::Rgb(205, 220, 250), Color::Rgb(20, 60, 170)),
    (Color::Rgb(250, 210, 200), Color::Rgb(170, 30, 20)),
    (Color::Rgb(205, 240, 205), Color::Rgb(20, 120, 30)),
    (Color::Rgb(250, 240, 190), Color::Rgb(140, 110, 0)),
    (Color::Rgb(235, 210, 250), Color::Rgb(120, 30, 160)),
    (Color::Rgb(200, 240, 240), Color::Rgb(0, 110, 120)),
];

impl Theme {
    fn dark() -> Theme {
        let bg = Color::Indexed(235);
        let fg = Color::Indexed(252);
        let base = Style::new().fg(fg).bg(bg);
        Theme {
            base,
            dim: base.fg(Color::Indexed(245)),
            title: base.fg(Color::Indexed(117)).add_modifier(Modifier::BOLD),
            heading: base.fg(Color::Indexed(230)).add_modifier(Modifier::BOLD),
            formula: base.fg(Color::Indexed(222)).add_modifier(Modifier::BOLD),
            bar: Style::new().fg(Color::Indexed(254)).bg(Color::Indexed(238)),
            key: Style::new()
                .fg(Color::Indexed(117))
                .bg(Color::Indexed(238))
                .add_modifier(Modifier::BOLD),
            progress_done: base.fg(Color::Indexed(117)),
            progress_todo: base.fg(Color::Indexed(239)),
            forward: base.fg(Color::Indexed(114)),
            gradient: base.fg(Color::Indexed(210)),
            changed: base.fg(Color::Indexed(221)).add_modifier(Modifier::BOLD),
            focus: Style::new()
                .fg(Color::Indexed(16))
                .bg(Color::Indexed(221))
                .add_modifier(Modifier::BOLD),
            source: Style::new().fg(Color::Indexed(230)).bg(Color::Indexed(24)),
            ok: base.fg(Color::Indexed(114)),
            warn: base.fg(Color::Indexed(221)),
            bad: base.fg(Color::Indexed(203)).add_modifier(Modifier::BOLD),
            note: base.fg(Color::Indexed(223)),
            graph_line: base.fg(Color::Indexed(244)),
            box_border: base.fg(Color::Indexed(244)),
            box_current: base.fg(Color::Indexed(221)).add_modifier(Modifier::BOLD),
            classes: Some(CLASSES_ON_DARK),
        }
    }

    fn light() -> Theme {
        let bg = Color::Indexed(255);
        let fg = Color::Indexed(235);
        let base = Style::new().fg(fg).bg(bg);
        Theme {
            base,
            dim: base.fg(Color::Indexed(243)),
            title: base.fg(Color::Indexed(25)).add_modifier(Modifier::BOLD),
            heading: base.fg(Color::Indexed(17)).add_modifier(Modifier::BOLD),
            formula: base.fg(Color::Indexed(94)).add_modifier(Modifier::BOLD),
            bar: Style::new().fg(Color::Indexed(235)).bg(Color::Indexed(252)),
            key: Style::new()
                .fg(Color::Indexed(25))
                .bg(Color::Indexed(252))
                .add_modifier(Modifier::BOLD),
            progress_done: base.fg(Color::Indexed(25)),
            progress_todo: base.fg(Color::Indexed(250)),
            forward: base.fg(Color::Indexed(28)),
            gradient: base.fg(Color::Indexed(160)),
            changed: base.fg(Color::Indexed(130)).add_modifier(Modifier::BOLD),
            focus: Style::new()
                .fg(Color::Indexed(16))
                .bg(Color::Indexed(220))
                .add_modifier(Modifier::BOLD),
            source: Style::new().fg(Color::Indexed(16)).bg(Color::Indexed(153)),
            ok: base.fg(Color::Indexed(28)),
            warn: base.fg(Color::Indexed(130)),
            bad: base.fg(Color::Indexed(160)).add_modifier(Modifier::BOLD),
            note: base.fg(Color::Indexed(94)),
            graph_line: base.fg(Color::Indexed(245)),
            box_border: base.fg(Color::Indexed(245)),
            box_current: base.fg(Color::Indexed(130)).add_modifier(Modifier::BOLD),
            classes: Some(CLASSES_ON_LIGHT),
        }
    }

    /// Pure black and the brightest colours, everything a little bolder:
    /// projectors wash out dim greys and thin strokes.
    fn projector() -> Theme {
        let bold = Modifier::BOLD;
        let base = Style::new().fg(Color::White).bg(Color::Black);
        Theme {
            base,
            dim: base.fg(Color::Gray),
            title: base.fg(Color::LightCyan).add_modifier(bold),
            heading: base.fg(Color::White).add_modifier(bold),
            formula: base.fg(Color::LightYellow).add_modifier(bold),
            bar: Style::new().fg(Color::Black).bg(Color::White),
            key: Style::new()
                .fg(Color::Black)
                .bg(Color::White)
                .add_modifier(bold),
            progress_done: base.fg(Color::LightCyan),
            progress_todo: base.fg(Color::DarkGray),
            forward: base.fg(Color::LightGreen).add_modifier(bold),
            gradient: base.fg(Color::LightRed).add_modifier(bold),
            changed: base.fg(Color::LightYellow).add_modifier(bold),
            focus: Style::new()
                .fg(Color::Black)
                .bg(Color::LightYellow)
                .add_modifier(bold),
            source: Style::new()
                .fg(Color::Black)
                .bg(Color::LightCyan)
                .add_modifier(bold),
            ok: base.fg(Color::LightGreen).add_modifier(bold),
            warn: base.fg(Color::LightYellow).add_modifier(bold),
            bad: base.fg(Color::LightRed).add_modifier(bold),
            note: base.fg(Color::LightYellow),
            graph_line: base.fg(Color::White),
            box_border: base.fg(Color::White),
            box_current: base.fg(Color::LightYellow).add_modifier(bold),
            // Light fills with dark glyphs: what survives a washed-out
            // projector.
            classes: Some(CLASSES_ON_LIGHT),
        }
    }

    fn mono() -> Theme {
        let base = Style::new();
        let bold = base.add_modifier(Modifier::BOLD);
        Theme {
            base,
            dim: base.add_modifier(Modifier::DIM),
            title: bold,
            heading: bold,
            formula: bold,
            bar: base.add_modifier(Modifier::REVERSED),
            key: base.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            progress_done: bold,
            progress_todo: base.add_modifier(Modifier::DIM),
            forward: base,
            gradient: base.add_modifier(Modifier::ITALIC),
            changed: base.add_modifier(Modifier::UNDERLINED),
            focus: base.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            source: base.add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
            ok: base,
            warn: bold,
            bad: bold,
            note: base,
            graph_line: base,
            box_border: base,
            box_current: bold,
            classes: None,
        }
    }
}
