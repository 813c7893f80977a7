//! The learner's progress: the last step and the quiz answers of every
//! lesson, kept in the XDG state directory as JSON. Writes go to a temporary
//! file that is then renamed over the old one, so a crash or a signal never
//! leaves half a file; a file that cannot be read is set aside, not trusted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value as Json, json};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub lessons: BTreeMap<String, LessonProgress>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LessonProgress {
    /// The step the learner was on (1-based).
    pub step: usize,
    /// The furthest step reached.
    pub furthest: usize,
    /// Quiz answers by step number (1-based).
    pub quizzes: BTreeMap<usize, QuizRecord>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuizRecord {
    pub answer: String,
    pub correct: bool,
}

impl Progress {
    pub fn to_json(&self) -> String {
        let mut lessons = Map::new();
        for (id, p) in &self.lessons {
            let quizzes: Map<String, Json> = p
                .quizzes
                .iter()
                .map(|(step, q)| {
                    (
                        step.to_string(),
                        json!({ "answer": q.answer, "correct": q.correct }),
                    )
                })
                .collect();
            lessons.insert(
                id.clone(),
                json!({ "step": p.step, "furthest": p.furthest, "quizzes": quizzes }),
            );
        }
        let doc = json!({ "version": 1, "lessons": lessons });
        let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn from_json(text: &str) -> Result<Progress, String> {
        let doc: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let lessons = doc
            .get("lessons")
            .and_then(Json::as_object)
            .ok_or("no \"lessons\" object")?;
        let mut progress = Progress::default();
        for (id, entry) in lessons {
            let count = |key: &str| {
                entry
                    .get(key)
                    .and_then(Json::as_u64)
                    .map(|n| n as usize)
                    .ok_or(format!("lesson \"{id}\": \"{key}\" is not a step number"))
            };
            let step = count("step")?;
            let furthest = count("furthest").unwrap_or(step);
            let mut quizzes = BTreeMap::new();
            if let Some(qs) = entry.get("quizzes").and_then(Json::as_object) {
                for (k, q) in qs {
                    let (Ok(n), Some(answer), Some(correct)) = (
                        k.parse::<usize>(),
                        q.get("answer").and_then(Json::as_str),
                        q.get("correct").and_then(Json::as_bool),
                    ) else {
                        return Err(format!("lesson \"{id}\": quiz record \"{k}\" is malformed"));
                    };
                    quizzes.insert(
                        n,
                        QuizRecord {
                            answer: answer.to_string(),
                            correct,
                        },
                    );
                }
            }
            progress.lessons.insert(
                id.clone(),
                LessonProgress {
                    step,
                    furthest,
                    quizzes,
                },
            );
        }
        Ok(progress)
    }
}

/// Where progress lives; `None` keeps it in memory only.
#[derive(Debug, Clone)]
pub struct Store {
    pub path: Option<PathBuf>,
}

impl Store {
    /// `$XDG_STATE_HOME/nntutor/progress.json`, else
    /// `~/.local/state/nntutor/progress.json`.
    pub fn default_location() -> Store {
        let non_empty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        let base = non_empty("XDG_STATE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| non_empty("HOME").map(|h| Path::new(&h).join(".local/state")));
        Store {
            path: base.map(|b| b.join("nntutor").join("progress.json")),
        }
    }

    /// The saved progress, and a warning for the learner if the file was
    /// there but unusable (it is renamed aside, and a fresh record starts).
    pub fn load(&self) -> (Progress, Option<String>) {
        let Some(path) = &self.path else {
            return (Progress::default(), None);
        };
        let text = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (Progress::default(), None);
            }
            Err(e) => {
                return (
                    Progress::default(),
                    Some(format!(
                        "could not read your progress ({}: {e}); it will not be saved this time",
                        path.display()
                    )),
                );
            }
        };
        let parsed = String::from_utf8(text)
            .map_err(|_| "it is not UTF-8 text".to_string())
            .and_then(|t| Progress::from_json(&t));
        match parsed {
            Ok(p) => (p, None),
            Err(why) => {
                let aside = path.with_extension(format!("json.corrupt-{}", unix_seconds()));
                let moved = std::fs::rename(path, &aside).is_ok();
                let warning = if moved {
                    format!(
                        "your progress file was unreadable ({why}); it was set aside as {} and a new one started",
                        aside.display()
                    )
                } else {
                    format!(
                        "your progress file {} is unreadable ({why})",
                        path.display()
                    )
                };
                (Progress::default(), Some(warning))
            }
        }
    }

    /// Writes atomically: a temporary file beside the real one, then a rename.
    pub fn save(&self, progress: &Progress) -> Result<(), String> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let fail =
            |e: std::io::Error| format!("could not save your progress to {}: {e}", path.display());
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let tmp = path.with_extension(format!("json.tmp-{}", std::process::id()));
        std::fs::write(&tmp, progress.to_json()).map_err(fail)?;
        std::fs::rename(&tmp, path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            fail(e)
        })
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
        let mut svm = LessonProgress {
            step: 7,
            furthest: 9,
            ..Default::default()
        };
        svm.quizzes.insert(
            11,
            QuizRecord {
                answer: "2".into(),
                correct: true,
            },
        );
        p.lessons.insert("svm".into(), svm);
        p
    }

    #[test]
    fn round_trips_through_json() {
        let p = sample();
        assert_eq!(Progress::from_json(&p.to_json()).unwrap(), p);
    }

    #[test]
    fn corrupt_file_is_set_aside_and_a_save_replaces_it() {
        let dir = std::env::temp_dir().join(format!("nntutor-progress-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("progress.json");
        std::fs::write(&path, "{\"lessons\": {\"svm\": {\"step\": \"seven\"}}}").unwrap();
        let store = Store {
            path: Some(path.clone()),
        };
        let (p, warning) = store.load();
        assert_eq!(p, Progress::default());
        assert!(warning.unwrap().contains("set aside"));
        assert!(!path.exists());
        let aside = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(aside, 1);
        store.save(&sample()).unwrap();
        assert_eq!(store.load(), (sample(), None));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
