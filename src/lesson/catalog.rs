//! Finding lessons: the built-in ones, lesson folders (`--lessons`,
//! `NNTUTOR_LESSONS`) and paths given on the command line.

use std::path::{Path, PathBuf};

use super::builtin::BUILTIN;
use super::files::{inside, read_regular};
use super::format::sanitize;
use super::source::SourceFile;
use super::{Loaded, MAX_FILE_BYTES, load};

/// Where lessons come from, in order of precedence for `ID` look-ups.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub dirs: Vec<PathBuf>,
}

/// Paths and ids come from the command line and from file names: printed
/// sanitized, since a file name may hold escape sequences.
#[derive(Debug, thiserror::Error)]
pub enum FindError {
    #[error("no lesson `{}`; `nntutor list` shows the lessons there are", sanitize(.0))]
    NotFound(String),
    #[error("cannot read {}: {}", sanitize(.path), sanitize(.message))]
    Read { path: String, message: String },
}

impl Catalog {
    /// Every lesson source: built-in first, then `*.toml` files of the folders.
    pub fn sources(&self) -> (Vec<SourceFile>, Vec<FindError>) {
        let mut out: Vec<SourceFile> = BUILTIN
            .iter()
            .map(|b| SourceFile::new(format!("builtin:lessons/{}", b.file), b.text))
            .collect();
        let mut errors = Vec::new();
        for dir in &self.dirs {
            let entries = match std::fs::read_dir(dir) {
                Ok(e) => e,
                Err(e) => {
                    errors.push(FindError::Read {
                        path: dir.display().to_string(),
                        message: e.to_string(),
                    });
                    continue;
                }
            };
            let mut paths: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            paths.sort();
            for p in paths {
                // A link in the folder is followed only within it, as a
                // lesson's data files are: a link to /etc/shadow must not
                // be read and quoted in an error.
                let read = inside(dir, &p)
                    .map_err(|message| FindError::Read {
                        path: p.display().to_string(),
                        message,
                    })
                    .and_then(|_| read_source(&p));
                match read {
                    Ok(s) => out.push(s),
                    Err(e) => errors.push(e),
                }
            }
        }
        (out, errors)
    }

    /// An id of a known lesson, or a path to a file (which need not be
    /// UTF-8: a file name is whatever the file system holds).
    pub fn find_os(&self, id_or_path: &std::ffi::OsStr) -> Result<SourceFile, FindError> {
        match id_or_path.to_str() {
            Some(text) => self.find(text),
            None => read_source(Path::new(id_or_path)),
        }
    }

    /// An id of a known lesson, or a path to a file.
    pub fn find(&self, id_or_path: &str) -> Result<SourceFile, FindError> {
        let path = Path::new(id_or_path);
        if path.is_dir() {
            return Err(FindError::Read {
                path: id_or_path.to_string(),
                message: format!(
                    "it is a folder, not a lesson; `nntutor check --lessons {id_or_path}` checks the lessons in it"
                ),
            });
        }
        let looks_like_path = id_or_path.ends_with(".toml")
            || id_or_path.contains('/')
            || id_or_path.contains(std::path::MAIN_SEPARATOR);
        if looks_like_path
            || (path.is_file()
                && !BUILTIN
                    .iter()
                    .any(|b| b.file.trim_end_matches(".toml") == id_or_path))
        {
            return read_source(path);
        }
        let (sources, _) = self.sources();
        sources
            .into_iter()
            .find(|s| lesson_id(&s.text).as_deref() == Some(id_or_path))
            .ok_or_else(|| FindError::NotFound(id_or_path.to_string()))
    }

    /// Every lesson, loaded and evaluated, sorted by `order` then id.
    pub fn load_all(&self) -> (Vec<Loaded>, Vec<FindError>) {
        let (sources, errors) = self.sources();
        let mut all: Vec<Loaded> = sources.into_iter().map(load).collect();
        all.sort_by(|a, b| {
            let key = |l: &Loaded| l.lesson.as_ref().map(|x| (x.order, x.id.clone()));
            key(a).cmp(&key(b))
        });
        (all, errors)
    }
}

pub fn read_source(path: &Path) -> Result<SourceFile, FindError> {
    let err = |message: String| FindError::Read {
        path: path.display().to_string(),
        message,
    };
    let bytes = read_regular(path, MAX_FILE_BYTES as u64, "lesson files").map_err(err)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        err(format!(
            "it is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(SourceFile::new(path.display().to_string(), text))
}

/// What the lesson menu shows, read without evaluating the lesson.
#[derive(Debug, Clone)]
pub struct Header {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub order: i64,
    pub steps: usize,
    pub source: SourceFile,
}

impl Catalog {
    /// Every lesson's header, in course order, and the files that have none.
    pub fn headers(&self) -> (Vec<Header>, Vec<String>) {
        let (sources, errors) = self.sources();
        let mut problems: Vec<String> = errors.iter().map(ToString::to_string).collect();
        let mut headers = Vec::new();
        for source in sources {
            match header(source) {
                // Built-in lessons come first: a folder lesson with the id
                // of one would be listed twice and share its progress.
                Ok(h) => match headers.iter().find(|o: &&Header| o.id == h.id) {
                    Some(first) => problems.push(format!(
                        "{}: its id `{}` is taken by {}; give it another id",
                        h.source.name, h.id, first.source.name
                    )),
                    None => headers.push(h),
                },
                Err(name) => problems.push(format!(
                    "{name} has no lesson id; `nntutor check {name}` says what is wrong"
                )),
            }
        }
        headers.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
        (headers, problems)
    }
}

/// The menu's view of one lesson file; `Err(file name)` without an id.
pub fn header(source: SourceFile) -> Result<Header, String> {
    let (doc, _) = toml::de::DeTable::parse_recoverable(&source.text);
    let table = doc.get_ref();
    let text = |key: &str| match table.get(key).map(|v| v.get_ref()) {
        Some(toml::de::DeValue::String(s)) => Some(s.to_string()),
        _ => None,
    };
    let Some(id) = text("id") else {
        return Err(source.name);
    };
    let order = match table.get("order").map(|v| v.get_ref()) {
        Some(toml::de::DeValue::Integer(i)) => i.as_str().parse().unwrap_or(i64::MAX),
        _ => i64::MAX,
    };
    let steps = match table.get("steps").map(|v| v.get_ref()) {
        Some(toml::de::DeValue::Array(a)) => a.len(),
        _ => 0,
    };
    Ok(Header {
        title: text("title").unwrap_or_else(|| id.clone()),
        summary: text("summary").unwrap_or_default(),
        id,
        order,
        steps,
        source,
    })
}

/// The `id` of a lesson text, read cheaply without evaluating it.
pub fn lesson_id(text: &str) -> Option<String> {
    let (doc, _) = toml::de::DeTable::parse_recoverable(text);
    match doc.get_ref().get("id").map(|v| v.get_ref()) {
        Some(toml::de::DeValue::String(s)) => Some(s.to_string()),
        _ => None,
    }
}
