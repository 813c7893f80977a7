//! `nntutor lesson`: on a terminal the tutor, which opens the lesson as
//! soon as it is checked while its trainings go on beside it; with
//! `--watch` the tutor on the file as loaded (a broken file opens too);
//! not on a terminal, the text walk-through.

use std::ffi::OsStr;
use std::io::Write;
use std::path::PathBuf;

use super::{INTERNAL, INVALID, OK, export, not_loaded, report_from};
use crate::lesson::catalog::Catalog;
use crate::lesson::document::Audience;
use crate::lesson::format::sanitize;
use crate::lesson::{Loaded, Severity, SourceFile};
use crate::tui::Start;
use crate::tui::opening::Opening;

/// How the lesson is to be shown.
pub(super) struct How {
    pub options: crate::tui::Options,
    pub audience: Audience,
    /// On a terminal (else the text).
    pub interactive: bool,
    pub watch: bool,
}

pub(super) fn command(
    catalog: &Catalog,
    how: How,
    id_or_path: &OsStr,
    step: Option<usize>,
    out: std::io::StdoutLock,
    mut err: std::io::StderrLock,
) -> i32 {
    let source = match catalog.find_os(id_or_path) {
        Ok(source) => source,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return INVALID;
        }
    };
    if how.interactive && !how.watch {
        return open_early(catalog, how, (source, step), out, err);
    }
    let loaded = crate::lesson::load(source);
    let file = PathBuf::from(&loaded.source.name);
    if how.watch && !file.is_file() {
        let _ = writeln!(
            err,
            "error: --watch needs a lesson file; `{}` is built in (copy it, or use `nntutor new`)",
            sanitize(&id_or_path.to_string_lossy())
        );
        return INVALID;
    }
    // Watching a file is writing it: the author's checks show.
    let options = crate::tui::Options {
        author: how.options.author || how.watch,
        watch: how.watch.then_some(file),
        ..how.options
    };
    let tutor = how.interactive.then_some((catalog, &options, step));
    drop(err);
    lesson(loaded, tutor, how.audience, out)
}

/// The tutor opens the lesson once it is checked; its trainings go on
/// beside it. A lesson with errors is reported as before.
fn open_early(
    catalog: &Catalog,
    how: How,
    (source, step): (SourceFile, Option<usize>),
    out: std::io::StdoutLock,
    mut err: std::io::StderrLock,
) -> i32 {
    let Some(mut opening) = Opening::start(source) else {
        let _ = writeln!(err, "error: cannot start a thread to evaluate the lesson");
        return INTERNAL;
    };
    match opening.wait_checked() {
        Ok((lesson, initial)) => {
            drop((out, err));
            let start = Start::Opening(opening, lesson, initial, step);
            crate::tui::run(catalog, &how.options, Some(start))
        }
        Err(Some(loaded)) => {
            drop(err);
            let tutor = Some((catalog, &how.options, step));
            lesson(*loaded, tutor, how.audience, out)
        }
        Err(None) => {
            let _ = writeln!(
                err,
                "error: the evaluation stopped without a result (a bug in nntutor; please report it)"
            );
            INTERNAL
        }
    }
}

/// `nntutor lesson`: the tutor on a terminal (`tutor`), else the text.
fn lesson(
    loaded: Loaded,
    tutor: Option<(&Catalog, &crate::tui::Options, Option<usize>)>,
    audience: Audience,
    mut out: std::io::StdoutLock,
) -> i32 {
    // The tutor shows notes and failed checks on their steps; only a
    // lesson that cannot open is reported here.
    let watching = tutor.is_some_and(|(_, options, _)| options.watch.is_some());
    if (loaded.timeline.is_none() || tutor.is_none()) && !watching {
        report_from(&loaded, &mut std::io::stderr().lock(), Severity::Warning);
    }
    match (tutor, &loaded.lesson, &loaded.timeline) {
        // Watching, a broken file opens too: the error shows until it is fixed.
        (Some((catalog, options, step)), Some(_), Some(_)) => {
            drop(out);
            crate::tui::run(catalog, options, Some(Start::Loaded(loaded, step)))
        }
        (Some((catalog, options, step)), _, _) if watching => {
            drop(out);
            crate::tui::run(catalog, options, Some(Start::Loaded(loaded, step)))
        }
        (_, Some(lesson), Some(timeline)) => {
            let _ = export::write(lesson, timeline, export::Format::Text, audience, &mut out);
            OK
        }
        _ => not_loaded(&loaded),
    }
}
