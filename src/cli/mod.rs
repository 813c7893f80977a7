//! The command line: the tutor (`nntutor`, `nntutor lesson`), `list`,
//! `check` and `export`.

pub mod export;
pub mod fit;
mod follow;
pub mod json;
mod lesson;
mod new;
mod safe_json;
mod scratch;
pub mod walkthrough;

use std::ffi::{OsStr, OsString};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::lesson::catalog::Catalog;
use crate::lesson::document::Audience;
use crate::lesson::format::sanitize;
use crate::lesson::{Loaded, Severity, load};
use crate::tui::theme::ThemeName;

#[derive(Debug, Parser)]
#[command(
    name = "nntutor",
    version,
    about = "See the arithmetic of neural networks, one step at a time",
    after_help = "In the tutor: → next, ← back, `:` the scratchpad (a formula over the values at this step), `?` every key."
)]
pub struct Cli {
    /// Extra folders of lesson files (also NNTUTOR_LESSONS, separated by `:`).
    #[arg(long = "lessons", value_name = "DIR", global = true)]
    pub lessons: Vec<PathBuf>,
    /// Colours (projector: high contrast); `NO_COLOR` turns colours off
    /// unless a theme is named.
    #[arg(long, value_name = "NAME", global = true, value_enum)]
    pub theme: Option<ThemeName>,
    /// Presentation mode: big text, no chrome (also `p` in the tutor).
    #[arg(long, global = true)]
    pub present: bool,
    /// Plain ASCII: no box-drawing characters or Unicode arrows.
    #[arg(long, global = true)]
    pub ascii: bool,
    /// Author mode: also the lesson's checks (`expect`, slides that agree)
    /// and notes for its author (also `A` in the tutor; on with `--watch`).
    #[arg(long, global = true)]
    pub author: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Step through a lesson (a built-in id or a path to a .toml file).
    Lesson {
        id_or_path: OsString,
        /// Start at this step (1 = first).
        #[arg(long, value_name = "N")]
        step: Option<usize>,
        /// Reload the lesson file whenever it changes (for authors).
        #[arg(long)]
        watch: bool,
        /// Share the lecture on this address (`0.0.0.0:7878`): students
        /// follow it with the command the screen shows.
        #[arg(long, value_name = "ADDR")]
        share: Option<String>,
        /// The code students type to follow (a random one if not given).
        #[arg(long, value_name = "CODE", requires = "share")]
        code: Option<String>,
    },
    /// Follow a lecture shared with `nntutor lesson ... --share`: the
    /// lecturer's lesson at the lecturer's step, moving with it (f follows
    /// again after exploring). Not on a terminal, one line per step.
    Follow {
        /// The lecturer's HOST:PORT, as their screen shows it.
        addr: String,
        /// The code on the lecturer's screen.
        #[arg(long, value_name = "CODE")]
        code: String,
        /// Speaker notes: the current step's notes and the next step's
        /// title (the lecturer's own second terminal).
        #[arg(long)]
        notes: bool,
    },
    /// Step through formulas of your own: the forward pass element by
    /// element, then the backward pass to every value.
    ///
    /// `nntutor try "f = (x + y) * z" x=-2 y=5 z=-4`. Formulas are
    /// separated by `;` (`q = x + y; f = q * z`); the last is differentiated
    /// with respect to every value. Values: numbers, vectors `v=[1, 2]`,
    /// matrices `W=[[1, 2], [3, 4]]`, or random ones `W=normal(3, 4, seed=1)`
    /// (also `uniform`, and `scale=0.1`). Exit status: 0, or 2 when what was
    /// typed is invalid.
    Try {
        /// `name = expression`, several separated by `;` (or the last as an
        /// expression alone: `f` it is called).
        #[arg(allow_hyphen_values = true)]
        formulas: String,
        /// `name=value`, one per given.
        values: Vec<String>,
        /// Write the scratch as a lesson file (which `check` passes) instead
        /// of showing it.
        #[arg(long, value_name = "FILE.toml")]
        save: Option<PathBuf>,
    },
    /// List the lessons: id and title, in course order.
    List,
    /// Validate and evaluate lessons (all when none are named).
    ///
    /// Exit status: 0 all good, 1 an `expect` failed, 2 a lesson is invalid.
    Check {
        id_or_path: Vec<OsString>,
        /// Also check that every step fits a terminal of this size (e.g.
        /// 100x30, a projector) without scrolling, as tightly as the tutor lays it out.
        #[arg(long, value_name = "COLSxROWS", value_parser = parse_size)]
        fit: Option<(u16, u16)>,
    },
    /// Write a commented starter lesson that passes `check`.
    New {
        /// The lesson's id (kebab-case), or a path ending in `.toml`.
        name: String,
    },
    /// Print the JSON Schema of lesson files (for editors: taplo, Even
    /// Better TOML).
    Schema,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// Print a lesson's whole walk-through.
    Export {
        id_or_path: OsString,
        #[arg(long, value_enum, default_value = "text")]
        format: export::Format,
    },
}

fn parse_size(text: &str) -> Result<(u16, u16), String> {
    let (w, h) = text
        .split_once(['x', '×'])
        .ok_or_else(|| format!("`{text}` is not a size; write columns x rows, like 100x30"))?;
    let num = |s: &str| {
        s.trim()
            .parse::<u16>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("`{s}` in `{text}` is not a size in cells"))
    };
    Ok((num(w)?, num(h)?))
}

/// Exit codes of the contract.
pub const OK: i32 = 0;
pub const EXPECT_FAILED: i32 = 1;
pub const INVALID: i32 = 2;
/// nntutor itself failed (a bug, reported as such): sysexits' EX_SOFTWARE.
pub const INTERNAL: i32 = 70;

/// The exit code for a lesson that did not load, by why.
fn not_loaded(loaded: &Loaded) -> i32 {
    if loaded.internal.is_some() {
        INTERNAL
    } else {
        INVALID
    }
}

pub fn catalog(cli: &Cli) -> Catalog {
    let mut dirs = cli.lessons.clone();
    if let Ok(env) = std::env::var("NNTUTOR_LESSONS") {
        dirs.extend(std::env::split_paths(&env).filter(|p| !p.as_os_str().is_empty()));
    }
    Catalog { dirs }
}

fn color(stream_is_tty: bool) -> bool {
    stream_is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Prints a lesson's diagnostics to stderr; returns the worst severity.
fn report(loaded: &Loaded, err: &mut dyn Write) -> Option<Severity> {
    report_from(loaded, err, Severity::Note)
}

/// Prints the diagnostics of at least `min` severity.
fn report_from(loaded: &Loaded, err: &mut dyn Write, min: Severity) -> Option<Severity> {
    let colored = color(std::io::stderr().is_terminal());
    for d in loaded.diagnostics.iter().filter(|d| d.severity >= min) {
        let _ = writeln!(err, "{}", d.render(&loaded.source, colored));
    }
    loaded.worst()
}

/// The tutor's options from the command line.
fn options(cli: &Cli) -> crate::tui::Options {
    crate::tui::Options {
        theme: cli.theme,
        present: cli.present,
        ascii: cli.ascii,
        author: cli.author,
        watch: None,
        share: None,
    }
}

pub fn run(cli: Cli) -> i32 {
    let catalog = catalog(&cli);
    let options = options(&cli);
    let audience = if cli.author {
        Audience::Author
    } else {
        Audience::Learner
    };
    // A dumb terminal (an editor's shell, a serial console) cannot show
    // the full-screen tutor: it gets the text, as a pipe does.
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal() && !dumb;
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    match cli.command {
        None if interactive => {
            drop((out, err));
            crate::tui::run(&catalog, &options, None)
        }
        None => welcome(&catalog, &mut out, &mut err),
        Some(Command::List) => list(&catalog, &mut out, &mut err),
        Some(Command::Follow { addr, code, notes }) => {
            let how = follow::How {
                options,
                interactive: interactive && !notes,
                notes,
            };
            drop(out);
            follow::command(&catalog, how, &addr, &code, err)
        }
        Some(Command::Try {
            formulas,
            values,
            save,
        }) => {
            let t = scratch::Try {
                formulas: &formulas,
                values: &values,
                save: save.as_deref(),
                options,
                audience,
                interactive,
            };
            scratch::command(&catalog, t, out, err)
        }
        Some(Command::New { name }) => new::new_lesson(&name, &mut out, &mut err),
        Some(Command::Schema) => {
            let _ = writeln!(out, "{}", crate::lesson::raw::schema_text());
            OK
        }
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "nntutor", &mut out);
            OK
        }
        Some(Command::Man) => man(&mut out, &mut err),
        Some(Command::Check { id_or_path, fit }) => check(
            &catalog,
            &id_or_path,
            fit.map(|f| (f, &options)),
            &mut out,
            &mut err,
        ),
        Some(Command::Export { id_or_path, format }) => {
            export(&catalog, &id_or_path, format, audience, &mut out, &mut err)
        }
        Some(Command::Lesson {
            id_or_path,
            step,
            watch,
            share,
            code,
        }) => {
            let share = match follow::sharing(share, code, interactive) {
                Ok(share) => share,
                Err(why) => {
                    let _ = writeln!(err, "error: {why}");
                    return INVALID;
                }
            };
            let options = crate::tui::Options { share, ..options };
            let how = lesson::How {
                options,
                audience,
                interactive,
                watch,
            };
            lesson::command(&catalog, how, &id_or_path, step, out, err)
        }
    }
}

/// `nntutor` not on a terminal: what it is, and the lessons.
fn welcome(catalog: &Catalog, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let _ = writeln!(
        out,
        "nntutor: step through the arithmetic of neural networks.\n"
    );
    let code = list(catalog, out, err);
    let _ = writeln!(
        out,
        "\nOpen one with `nntutor lesson ID`, or read it whole with `nntutor export ID`."
    );
    code
}

/// `nntutor man`: the man page.
fn man(out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    use clap::CommandFactory;
    match clap_mangen::Man::new(Cli::command()).render(out) {
        Ok(()) => OK,
        // `nntutor man | head` is fine.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => OK,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            1
        }
    }
}

/// `nntutor export`: the walk-through in a format, on stdout.
fn export(
    catalog: &Catalog,
    id_or_path: &OsStr,
    format: export::Format,
    audience: Audience,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let Some(loaded) = open(catalog, id_or_path, err) else {
        return INVALID;
    };
    // Slide notes are part of the export itself.
    report_from(&loaded, err, Severity::Warning);
    match (&loaded.lesson, &loaded.timeline) {
        (Some(lesson), Some(timeline)) => {
            // A closed pipe (`| head`) is not an error of the lesson.
            let _ = export::write(lesson, timeline, format, audience, out);
            OK
        }
        _ => not_loaded(&loaded),
    }
}

fn open(catalog: &Catalog, id_or_path: &OsStr, err: &mut dyn Write) -> Option<Loaded> {
    match catalog.find_os(id_or_path) {
        Ok(source) => Some(load(source)),
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            None
        }
    }
}

/// The lessons' ids and titles, read without evaluating them (`check`
/// evaluates; a list should be instant whatever the lessons compute).
fn list(catalog: &Catalog, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let (headers, problems) = catalog.headers();
    for p in &problems {
        let _ = writeln!(err, "warning: {}", sanitize(p));
    }
    let width = headers.iter().map(|h| h.id.len()).max().unwrap_or(0);
    for h in &headers {
        let line = format!("{:width$}  {}", h.id, h.title);
        let _ = writeln!(out, "{}", sanitize(&line));
    }
    OK
}

fn check(
    catalog: &Catalog,
    names: &[OsString],
    fit: Option<((u16, u16), &crate::tui::Options)>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let mut loaded = Vec::new();
    let mut code = OK;
    if names.is_empty() {
        let (all, errors) = catalog.load_all();
        for e in &errors {
            let _ = writeln!(err, "error: {e}");
            code = INVALID;
        }
        loaded = all;
    } else {
        for name in names {
            match open(catalog, name, err) {
                Some(l) => loaded.push(l),
                None => code = INVALID,
            }
        }
    }
    let mut ids: Vec<(String, String)> = Vec::new();
    for l in &loaded {
        let worst = report(l, err);
        let mut status = match worst {
            _ if l.internal.is_some() => INTERNAL,
            Some(Severity::Error) => INVALID,
            Some(Severity::Failed) => EXPECT_FAILED,
            _ => OK,
        };
        if let Some(lesson) = &l.lesson {
            if let Some((_, first)) = ids.iter().find(|(id, _)| *id == lesson.id) {
                let line = format!(
                    "{}: error: duplicate lesson id `{}` (also in {first})",
                    l.source.name, lesson.id
                );
                let _ = writeln!(err, "{}", sanitize(&line));
                status = INVALID;
            }
            ids.push((lesson.id.clone(), l.source.name.clone()));
        }
        let misfits = match (fit, &l.lesson, &l.timeline) {
            (Some((size, options)), Some(lesson), Some(timeline)) => {
                fit::misfits(lesson, timeline, size, options.settings())
            }
            _ => Vec::new(),
        };
        if !misfits.is_empty() {
            status = status.max(EXPECT_FAILED);
        }
        code = code.max(status);
        let summary = summary_line(l, status);
        let _ = writeln!(out, "{}", sanitize(&summary));
        if let Some(((w, h), _)) = fit {
            for m in &misfits {
                let _ = writeln!(out, "        does not fit {w}×{h}: {}", sanitize(m));
            }
        }
    }
    code
}

fn summary_line(l: &Loaded, status: i32) -> String {
    let name = l
        .lesson
        .as_ref()
        .map_or(l.source.name.clone(), |x| x.id.clone());
    let word = match status {
        OK => "ok",
        EXPECT_FAILED => "FAILED",
        INTERNAL => "BUG",
        _ => "INVALID",
    };
    let mut parts = Vec::new();
    if let (Some(lesson), Some(t)) = (&l.lesson, &l.timeline) {
        let checks: usize = t
            .steps
            .iter()
            .map(|s| s.checks.iter().filter(|c| !c.slide).count())
            .sum();
        let passed: usize = t
            .steps
            .iter()
            .map(|s| s.checks.iter().filter(|c| !c.slide && c.passed).count())
            .sum();
        parts.push(format!("{} steps", lesson.steps.len()));
        parts.push(format!("{passed}/{checks} expects"));
        let notes = l.count(Severity::Note);
        if notes > 0 {
            parts.push(format!(
                "{notes} slide note{}",
                if notes == 1 { "" } else { "s" }
            ));
        }
    }
    let errors = l.count(Severity::Error);
    if errors > 0 {
        parts.push(format!(
            "{errors} error{}",
            if errors == 1 { "" } else { "s" }
        ));
    }
    format!("{word:7} {name} ({})", parts.join(", "))
}
