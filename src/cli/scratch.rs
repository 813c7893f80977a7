//! `nntutor try "f = (x + y) * z" x=-2 y=5 z=-4`: a one-off lesson from
//! formulas and values typed on the command line, stepped in the tutor
//! (the text walk-through when not on a terminal), or saved as a lesson
//! file with `--save`.

use std::io::Write;
use std::path::Path;

use super::new::write_new;
use super::{INVALID, OK, color, export, not_loaded};
use crate::lesson::catalog::Catalog;
use crate::lesson::document::Audience;
use crate::lesson::format::sanitize;
use crate::lesson::scratch::{self, Generated, Scratch};
use crate::lesson::{Loaded, Severity, SourceFile};
use crate::tui::Start;

/// What `try` was asked.
pub(super) struct Try<'a> {
    pub formulas: &'a str,
    pub values: &'a [String],
    pub save: Option<&'a Path>,
    pub options: crate::tui::Options,
    pub audience: Audience,
    pub interactive: bool,
}

/// The id of a scratch that is not saved under a name of its own.
const ID: &str = "scratch";

pub(super) fn command(
    catalog: &Catalog,
    t: Try,
    mut out: std::io::StdoutLock,
    mut err: std::io::StderrLock,
) -> i32 {
    let colored = color(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let scratch = match scratch::parse(t.formulas, t.values) {
        Ok(s) => s,
        Err(fault) => {
            let typed = scratch::typed(t.formulas, t.values);
            let (file, d) = scratch::fault_diagnostic(&typed, &fault);
            let _ = write!(err, "{}", d.render(&file, colored));
            return INVALID;
        }
    };
    let id = t.save.and_then(saved_id).unwrap_or_else(|| ID.to_string());
    let generated = scratch::lesson_text(&scratch, &id);
    let source = SourceFile::new("the scratch lesson", generated.text.clone());
    let loaded = crate::lesson::load(source);
    let worst = report(&loaded, &generated, &scratch, &mut err, colored);
    if worst == Some(Severity::Error) || loaded.timeline.is_none() {
        return not_loaded(&loaded).max(INVALID);
    }
    if let Some(path) = t.save {
        return write_new(path, &generated.text, &mut out, &mut err);
    }
    match (&loaded.lesson, &loaded.timeline) {
        (Some(_), Some(_)) if t.interactive => {
            drop((out, err));
            crate::tui::run(catalog, &t.options, Some(Start::Loaded(loaded, Some(1))))
        }
        (Some(lesson), Some(timeline)) => {
            let format = export::Format::Text;
            let _ = export::write(lesson, timeline, format, t.audience, &mut out);
            OK
        }
        _ => not_loaded(&loaded),
    }
}

/// The lesson's diagnostics, each pointed at what was typed where it
/// concerns it; the worst severity.
fn report(
    loaded: &Loaded,
    generated: &Generated,
    scratch: &Scratch,
    err: &mut dyn Write,
    colored: bool,
) -> Option<Severity> {
    for d in loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
    {
        let text = match generated.locate(d, scratch) {
            Some((file, moved)) => moved.render(&file, colored),
            None => d.render(&loaded.source, colored),
        };
        let _ = write!(err, "{text}");
    }
    if let Some(bug) = &loaded.internal {
        let _ = writeln!(
            err,
            "error: internal error (a bug in nntutor; please report it): {}",
            sanitize(bug)
        );
    }
    loaded.worst()
}

/// The id a saved scratch takes: its file's name, when that is an id.
fn saved_id(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_string_lossy().into_owned();
    crate::lesson::build::is_kebab(&stem).then_some(stem)
}
