//! `nntutor lesson FILE --watch`: the file is checked a few times a second;
//! when it changes it is read and evaluated beside the event loop, and the
//! tutor shows the new version at the same step, or the error until it is
//! fixed.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::time::SystemTime;

use crate::lesson::catalog::read_source;
use crate::lesson::{Diagnostic, Loaded, Severity, SourceFile, load};

/// What a change of the file led to.
pub enum Reload {
    Loaded(Box<Loaded>),
    /// The file could not be read (deleted, unreadable, not UTF-8).
    Unreadable(String),
}

pub struct Watcher {
    path: PathBuf,
    seen: Option<(SystemTime, u64)>,
    pending: Option<Receiver<Reload>>,
}

impl Watcher {
    pub fn new(path: PathBuf) -> Watcher {
        let seen = stamp(&path);
        Watcher {
            path,
            seen,
            pending: None,
        }
    }

    /// A finished reload, if any; starts one when the file has changed.
    pub fn poll(&mut self) -> Option<Reload> {
        if let Some(rx) = &self.pending {
            let done = rx.try_recv().ok()?;
            self.pending = None;
            return Some(done);
        }
        let now = stamp(&self.path);
        if now == self.seen {
            return None;
        }
        self.seen = now;
        let path = self.path.clone();
        let (tx, rx) = channel();
        std::thread::Builder::new()
            .name("nntutor-watch".into())
            .spawn(move || {
                let result = match read_source(&path) {
                    Ok(source) => Reload::Loaded(Box::new(load(source))),
                    Err(e) => Reload::Unreadable(e.to_string()),
                };
                let _ = tx.send(result);
            })
            .ok()?;
        self.pending = Some(rx);
        None
    }
}

/// When the file was last written, and its length (a save within the
/// same second still changes one of them, almost always).
fn stamp(path: &PathBuf) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// The first error of a lesson that did not load, as one line.
pub fn first_error(source: &SourceFile, diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
        .map(|d| d.headline(source))
        .unwrap_or_else(|| format!("{} does not evaluate", source.name))
}
