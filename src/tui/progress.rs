//! The learner's progress: the last step and the quiz answers of every
//! lesson, kept in the XDG state directory as JSON.
//!
//! Nothing is lost: a save takes a lock, reads the file again and changes
//! only the lessons this tutor touched (two tutors sharing a state folder
//! keep each other's places), then writes a temporary file, syncs it to the
//! disk and renames it over the old one, so a crash or a signal never
//! leaves half a file. A file that cannot be read is never written over; a
//! file that reads as garbage is set aside, not trusted.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::lesson::files::read_regular;

/// A progress file larger than this is not progress.
const MAX_BYTES: u64 = 16_000_000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub lessons: BTreeMap<String, LessonProgress>,
    /// The lesson opened last: the menu opens on it.
    pub last: Option<String>,
    /// The lessons changed in this run: what a save writes.
    touched: BTreeSet<String>,
    /// Whether this run opened a lesson (and so sets `last`).
    opened: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LessonProgress {
    /// The step the learner was on (1-based).
    pub step: usize,
    /// The furthest step reached.
    #[serde(default)]
    pub furthest: usize,
    /// Quiz answers by step number (1-based): the first answer, which the
    /// score counts.
    #[serde(default)]
    pub quizzes: BTreeMap<usize, QuizRecord>,
    /// Predict mode's guesses by step number: apart from the quizzes, so
    /// that the menu's quiz score counts only quizzes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub predictions: BTreeMap<usize, QuizRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizRecord {
    pub answer: String,
    pub correct: bool,
}

/// The file as written.
#[derive(Serialize, Deserialize)]
struct ProgressFile {
    version: u32,
    lessons: BTreeMap<String, LessonProgress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last: Option<String>,
}

impl Progress {
    /// A lesson's record, to change: the next save writes it.
    pub fn lesson_mut(&mut self, id: &str) -> &mut LessonProgress {
        self.touched.insert(id.to_string());
        self.lessons.entry(id.to_string()).or_default()
    }

    /// `id` was opened: the next menu opens on it.
    pub fn opened(&mut self, id: &str) {
        self.last = Some(id.to_string());
        self.opened = true;
    }

    pub fn to_json(&self) -> String {
        let file = ProgressFile {
            version: 1,
            lessons: self.lessons.clone(),
            last: self.last.clone(),
        };
        let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn from_json(text: &str) -> Result<Progress, String> {
        let file: ProgressFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut lessons = file.lessons;
        for p in lessons.values_mut() {
            p.furthest = p.furthest.max(p.step);
        }
        Ok(Progress {
            lessons,
            last: file.last,
            touched: BTreeSet::new(),
            opened: false,
        })
    }

    /// `disk` with this run's lessons written over it.
    fn merged_into(&self, mut disk: Progress) -> Progress {
        for id in &self.touched {
            if let Some(p) = self.lessons.get(id) {
                disk.lessons.insert(id.clone(), p.clone());
            }
        }
        if self.opened {
            disk.last = self.last.clone();
        }
        disk
    }
}

/// Where progress lives; `None` keeps it in memory only.
#[derive(Debug, Clone)]
pub struct Store {
    pub path: Option<PathBuf>,
    /// Cleared when the file could not be read: it is then never written
    /// over (it holds the other lessons' places).
    writable: bool,
}

/// What reading the file found.
enum Read {
    Missing,
    Found(Progress),
    /// Not progress (set aside, with why and where).
    Garbage(String),
    Unreadable(String),
}

impl Store {
    pub fn at(path: Option<PathBuf>) -> Store {
        Store {
            path,
            writable: true,
        }
    }

    /// `$XDG_STATE_HOME/nntutor/progress.json`, else
    /// `~/.local/state/nntutor/progress.json` (etcetera's XDG rules).
    pub fn default_location() -> Store {
        use etcetera::BaseStrategy;
        let base = etcetera::choose_base_strategy()
            .ok()
            .and_then(|s| s.state_dir());
        Store::at(base.map(|b| b.join("nntutor").join("progress.json")))
    }

    /// The saved progress, and a warning for the learner if the file was
    /// there but unusable.
    pub fn load(&mut self) -> (Progress, Option<String>) {
        let Some(path) = self.path.clone() else {
            return (Progress::default(), None);
        };
        match read(&path) {
            Read::Missing => (Progress::default(), None),
            Read::Found(p) => (p, None),
            Read::Garbage(warning) => (Progress::default(), Some(warning)),
            Read::Unreadable(why) => {
                self.writable = false;
                let warning = format!(
                    "could not read your progress ({}: {why}); it is left as it is, and this session's progress will not be saved",
                    path.display()
                );
                (Progress::default(), Some(warning))
            }
        }
    }

    /// Writes this run's lessons into the file, keeping every other lesson
    /// as the file has it now.
    pub fn save(&self, progress: &Progress) -> Result<(), String> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if !self.writable {
            return Err(format!(
                "your progress is not saved: {} could not be read",
                path.display()
            ));
        }
        let fail = |e: String| format!("could not save your progress to {}: {e}", path.display());
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
        let _lock = Lock::take(&path.with_extension("json.lock")).map_err(fail)?;
        let disk = match read(path) {
            Read::Missing | Read::Garbage(_) => Progress::default(),
            Read::Found(p) => p,
            Read::Unreadable(why) => return Err(fail(format!("it cannot be read again: {why}"))),
        };
        let text = progress.merged_into(disk).to_json();
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(e.to_string()))?;
        tmp.write_all(text.as_bytes())
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| fail(e.to_string()))?;
        tmp.persist(path).map_err(|e| fail(e.error.to_string()))?;
        // The rename itself reaches the disk with the folder.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// Reads the progress file; garbage is renamed aside.
fn read(path: &Path) -> Read {
    let bytes = match read_regular(path, MAX_BYTES, "progress files") {
        Ok(b) => b,
        Err(_) if !path.exists() && path.symlink_metadata().is_err() => return Read::Missing,
        Err(why) => return Read::Unreadable(why),
    };
    let parsed = String::from_utf8(bytes)
        .map_err(|_| "it is not UTF-8 text".to_string())
        .and_then(|t| Progress::from_json(&t));
    match parsed {
        Ok(p) => Read::Found(p),
        Err(why) => {
            let aside = path.with_extension(format!("json.corrupt-{}", unix_seconds()));
            if std::fs::rename(path, &aside).is_ok() {
                Read::Garbage(format!(
                    "your progress file was unreadable ({why}); it was set aside as {} and a new one started",
                    aside.display()
                ))
            } else {
                Read::Unreadable(format!(
                    "it is not progress ({why}) and cannot be set aside"
                ))
            }
        }
    }
}

/// An exclusive lock on a file beside the progress, held while saving.
struct Lock(std::fs::File);

impl Lock {
    /// Waits up to two seconds for another tutor's save to finish.
    fn take(path: &Path) -> Result<Lock, String> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|e| e.to_string())?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Lock(file)),
                Err(std::fs::TryLockError::WouldBlock)
                    if start.elapsed() < Duration::from_secs(2) =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return Err(format!("another nntutor is saving ({e})")),
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

fn unix_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Progress {
        let mut p = Progress::default();
        let svm = p.lesson_mut("svm");
        svm.step = 7;
        svm.furthest = 9;
        svm.quizzes.insert(
            11,
            QuizRecord {
                answer: "2".into(),
                correct: true,
            },
        );
        p
    }

    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("nntutor-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn round_trips_through_json() {
        let p = sample();
        let back = Progress::from_json(&p.to_json()).unwrap();
        assert_eq!(back.lessons, p.lessons);
        // The format as written by earlier versions reads the same.
        let old = r#"{"version": 1, "lessons": {"svm": {"step": 7, "furthest": 9,
            "quizzes": {"11": {"answer": "2", "correct": true}}}}}"#;
        assert_eq!(Progress::from_json(old).unwrap().lessons, p.lessons);
    }

    #[test]
    fn corrupt_file_is_set_aside_and_a_save_replaces_it() {
        let dir = folder("progress");
        let path = dir.join("progress.json");
        std::fs::write(&path, "{\"lessons\": {\"svm\": {\"step\": \"seven\"}}}").unwrap();
        let mut store = Store::at(Some(path.clone()));
        let (p, warning) = store.load();
        assert_eq!(p, Progress::default());
        assert!(warning.unwrap().contains("set aside"));
        assert!(!path.exists());
        let aside = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(aside, 1);
        store.save(&sample()).unwrap();
        assert_eq!(store.load().0.lessons, sample().lessons);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn two_tutors_sharing_a_folder_keep_each_others_places() {
        let dir = folder("shared");
        let path = dir.join("progress.json");
        let (mut a, mut b) = (Store::at(Some(path.clone())), Store::at(Some(path.clone())));
        let (mut pa, _) = a.load();
        let (mut pb, _) = b.load();
        pa.lesson_mut("svm").step = 4;
        pb.lesson_mut("softmax").step = 6;
        a.save(&pa).unwrap();
        b.save(&pb).unwrap();
        // B's save re-read the file under the lock: A's place is still there.
        let (both, _) = Store::at(Some(path.clone())).load();
        assert_eq!(both.lessons["svm"].step, 4);
        assert_eq!(both.lessons["softmax"].step, 6);
        // A moves on: only svm is rewritten, softmax stays B's.
        pa.lesson_mut("svm").step = 5;
        a.save(&pa).unwrap();
        let (both, _) = Store::at(Some(path)).load();
        assert_eq!(
            (both.lessons["svm"].step, both.lessons["softmax"].step),
            (5, 6)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_that_cannot_be_read_is_never_written_over() {
        let dir = folder("unreadable");
        let path = dir.join("progress.json");
        // A folder where the file should be: it cannot be read (as a file
        // without permission cannot, which root, running tests, can read).
        std::fs::create_dir(&path).unwrap();
        let mut store = Store::at(Some(path.clone()));
        let (_, warning) = store.load();
        assert!(warning.unwrap().contains("will not be saved"));
        assert!(store.save(&sample()).is_err());
        assert!(path.is_dir());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = folder("fifo");
        let path = dir.join("progress.json");
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: a valid, NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let mut store = Store::at(Some(path.clone()));
        let (p, warning) = store.load();
        assert_eq!(p, Progress::default());
        assert!(warning.unwrap().contains("not a regular file"));
        assert!(store.save(&sample()).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
