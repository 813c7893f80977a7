//! `nntutor follow HOST:PORT --code CODE`: on a terminal the tutor on the
//! lecturer's lesson, moving with them; with `--notes` the speaker notes
//! of the lecturer's step and the next step's title; not on a terminal,
//! one line per step, for screen readers and scripts.

use std::io::{IsTerminal, Write};

use super::{INVALID, OK};
use crate::classroom::follower::{Following, JoinError, connect};
use crate::classroom::protocol::FromLecturer;
use crate::lesson::catalog::Catalog;
use crate::lesson::format::sanitize;
use crate::tui::Start;

/// How the lecture is followed.
pub(super) struct How {
    pub options: crate::tui::Options,
    /// On a terminal, not for notes: the tutor.
    pub interactive: bool,
    pub notes: bool,
}

/// `--share ADDR [--code CODE]` checked: the address and the code (a
/// random one if none is given), or why not.
pub(super) fn sharing(
    share: Option<String>,
    code: Option<String>,
    interactive: bool,
) -> Result<Option<(String, String)>, String> {
    let Some(addr) = share else {
        return Ok(None);
    };
    let code = code.unwrap_or_else(crate::classroom::random_code);
    if !crate::classroom::valid_code(&code) {
        return Err(format!(
            "`{}` is not a code: 1 to 32 letters, digits or dashes",
            sanitize(&code)
        ));
    }
    if !interactive {
        return Err("--share shows the lecture in the tutor: run it on a terminal".into());
    }
    Ok(Some((addr, code)))
}

pub(super) fn command(
    catalog: &Catalog,
    how: How,
    addr: &str,
    code: &str,
    mut err: std::io::StderrLock,
) -> i32 {
    let (lesson, following) = match connect(addr, code) {
        Ok(joined) => joined,
        Err(why) => {
            let _ = writeln!(err, "error: {}", sanitize(&why.to_string()));
            return if matches!(why, JoinError::Refused(_)) {
                INVALID
            } else {
                1
            };
        }
    };
    let source = match lesson.source(addr) {
        Ok(source) => source,
        Err(why) => {
            let _ = writeln!(err, "error: {}", sanitize(&why));
            return 1;
        }
    };
    drop(err);
    if how.interactive {
        let start = Start::Follow(following, addr.to_string(), source);
        return crate::tui::run(catalog, &how.options, Some(start));
    }
    let screen = how.notes && std::io::stdout().is_terminal();
    lines(&following, how.notes, screen, &mut std::io::stdout().lock())
}

/// One line per step change (and per lesson shown), or with `notes` the
/// notes of each step; on a terminal (`screen`) each step's notes replace
/// the last ones. Ends with the lecture.
fn lines(following: &Following, notes: bool, screen: bool, out: &mut impl Write) -> i32 {
    let mut last = None;
    for message in following.rx.iter() {
        let written = match message {
            Ok(FromLecturer::Lesson { name, .. }) => {
                last = None;
                writeln!(out, "lesson: {}", sanitize(&name))
            }
            Ok(FromLecturer::At {
                step,
                title,
                notes: said,
                next,
                ..
            }) if last != Some(step) => {
                last = Some(step);
                if notes {
                    notes_of(out, step, &title, said.as_deref(), next.as_deref(), screen)
                } else {
                    writeln!(out, "step {step}: {}", sanitize(&title))
                }
            }
            Ok(_) => Ok(()),
            Err(why) => {
                let _ = writeln!(out, "{}", sanitize(&why));
                return OK;
            }
        };
        // The reader went away (`| head`): so do we.
        if written.and_then(|()| out.flush()).is_err() {
            return OK;
        }
    }
    OK
}

/// A step's speaker notes and what comes next.
fn notes_of(
    out: &mut impl Write,
    step: usize,
    title: &str,
    notes: Option<&str>,
    next: Option<&str>,
    screen: bool,
) -> std::io::Result<()> {
    if screen {
        // Clear the screen and go home: the notes of one step at a time.
        write!(out, "\x1b[2J\x1b[H")?;
    }
    writeln!(out, "step {step}: {}", sanitize(title))?;
    match notes {
        Some(n) => writeln!(out, "\n{}\n", sanitize(n))?,
        None => writeln!(out, "\n(no notes for this step)\n")?,
    }
    match next {
        Some(n) => writeln!(out, "next: {}", sanitize(n)),
        None => writeln!(out, "next: (the last step)"),
    }
}
