//! `nntutor lesson FILE --watch`: the file is checked a few times a second;
//! when it changes it is read and evaluated beside the event loop, and the
//! tutor shows the new version at the same step, or the error until it is
//! fixed. A save made while an older one is still evaluating cancels it:
//! the newest save is the one shown.
//!
//! Polling rather than `notify`: a stat a few times a second costs nothing,
//! works the same on every file system (network mounts, editors that
//! replace the file rather than write it), and keeps the tests free of
//! timing on file-system events.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::SystemTime;

use crate::lesson::catalog::read_source;
use crate::lesson::eval::Cancel;
use crate::lesson::{Diagnostic, Loaded, Severity, SourceFile, load_until};

/// What a change of the file led to.
pub enum Reload {
    Loaded(Box<Loaded>),
    /// The file could not be read (deleted, unreadable, not UTF-8).
    Unreadable(String),
}

pub struct Watcher {
    path: PathBuf,
    seen: Option<(SystemTime, u64)>,
    /// The reload under way, and how to stop it.
    pending: Option<(Receiver<Reload>, Cancel)>,
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

    /// A finished reload, if any; starts one when the file has changed
    /// (cancelling one of an older save).
    pub fn poll(&mut self) -> Option<Reload> {
        let now = stamp(&self.path);
        if now != self.seen {
            self.seen = now;
            if let Some((_, cancel)) = self.pending.take() {
                cancel.cancel();
            }
            self.pending = self.start();
        }
        let (rx, _) = self.pending.as_ref()?;
        let done = match rx.try_recv() {
            Ok(done) => done,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => {
                Reload::Unreadable("the reload stopped with an internal error".into())
            }
        };
        self.pending = None;
        Some(done)
    }

    fn start(&self) -> Option<(Receiver<Reload>, Cancel)> {
        let path = self.path.clone();
        let cancel = Cancel::default();
        let stop = cancel.clone();
        let (tx, rx) = channel();
        std::thread::Builder::new()
            .name("nntutor-watch".into())
            .spawn(move || {
                let result = match read_source(&path) {
                    Ok(source) => Reload::Loaded(Box::new(load_until(source, &stop))),
                    Err(e) => Reload::Unreadable(e.to_string()),
                };
                let _ = tx.send(result);
            })
            .ok()?;
        Some((rx, cancel))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn wait(w: &mut Watcher) -> Reload {
        let start = Instant::now();
        loop {
            if let Some(r) = w.poll() {
                return r;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "no reload");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    const LESSON: &str = "id = \"w\"\ntitle = \"w\"\n[given]\nx = 1\n[[steps]]\ntitle = \"s\"\nlet = \"y = 2 * x\"\n";

    #[cfg(unix)]
    #[test]
    fn a_save_replaced_by_a_fifo_is_unreadable_not_a_hang() {
        let dir = std::env::temp_dir().join(format!("nntutor-watch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("w.toml");
        std::fs::write(&path, LESSON).unwrap();
        let mut w = Watcher::new(path.clone());
        std::fs::remove_file(&path).unwrap();
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: a valid, NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        match wait(&mut w) {
            Reload::Unreadable(why) => assert!(why.contains("not a regular file"), "{why}"),
            Reload::Loaded(_) => panic!("a FIFO loaded"),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_newer_save_cancels_a_heavy_one() {
        let dir = std::env::temp_dir().join(format!("nntutor-watch2-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("w.toml");
        std::fs::write(&path, LESSON).unwrap();
        let mut w = Watcher::new(path.clone());
        // A save that trains for a long time (a million scalar iterations),
        // then the fix, saved while it runs.
        let heavy = LESSON.replace(
            "let = \"y = 2 * x\"",
            "let = \"L = x * x\"\n[[steps]]\ntitle = \"t\"\ntrain = { steps = 1000000, update = [\"x = x - 0.0001 * grad(L, x)\"], every = 100 }",
        );
        std::fs::write(&path, &heavy).unwrap();
        assert!(w.poll().is_none());
        std::thread::sleep(Duration::from_millis(50));
        let fixed = LESSON.replace("2 * x", "3 * x + 0");
        std::fs::write(&path, fixed).unwrap();
        let start = Instant::now();
        match wait(&mut w) {
            Reload::Loaded(l) => {
                let t = l.timeline.expect("the fix loads");
                assert_eq!(t.steps[0].values["y"].data[0], 3.0);
            }
            Reload::Unreadable(why) => panic!("{why}"),
        }
        // Far sooner than the heavy save would have taken.
        assert!(start.elapsed() < Duration::from_secs(5));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
