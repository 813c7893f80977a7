//! A shared lesson's data files. The lecturer sends the files its givens
//! read (`{ file = "data/x.idx" }`), read with the same rules as loading
//! (only regular files inside the lesson's folder); a follower writes
//! them, with the lesson, into a folder of its own state folder and loads
//! the lesson from there: the same checks, and nothing written anywhere
//! else (every path is checked to be plain names going down).

use std::path::{Component, Path, PathBuf};

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::lesson::SourceFile;
use crate::lesson::files::{data_file, read_regular};
use crate::lesson::raw::GivenSpec;

/// The most a lecture's data files may hold together.
pub const MAX_SHARED_DATA: u64 = 32 * 1024 * 1024;

/// One data file as sent: its path in the lesson's folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedFile {
    pub path: String,
    pub base64: String,
}

/// The data files `source`'s givens read, to send with it; none for a
/// built-in lesson. An error says which file could not be read.
pub fn files_of(source: &SourceFile) -> Result<Vec<SharedFile>, String> {
    let (raw, _) = crate::lesson::raw::read(source);
    let mut files = Vec::new();
    let mut total = 0u64;
    for given in &raw.given {
        let Some(GivenSpec::File(f)) = &given.spec else {
            continue;
        };
        let relative = &f.file.v;
        let path = data_file(&source.name, relative)?;
        let bytes = read_regular(&path, MAX_SHARED_DATA, "shared data files")
            .map_err(|e| format!("`{relative}`: {e}"))?;
        total += bytes.len() as u64;
        if total > MAX_SHARED_DATA {
            return Err(format!(
                "the lesson's data files hold more than {} together; a shared lesson's are limited to that",
                crate::engine::budget::bytes(MAX_SHARED_DATA)
            ));
        }
        files.push(SharedFile {
            path: relative.clone(),
            base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
        });
    }
    Ok(files)
}

/// Writes the lesson `text` (as `lesson.toml`) and its `files` into
/// `folder` (emptied first): the source to load, named by its path there.
pub fn write_shared(folder: &Path, text: &str, files: &[SharedFile]) -> Result<SourceFile, String> {
    let fail = |what: &str, e: std::io::Error| format!("cannot write the lecture's {what}: {e}");
    let _ = std::fs::remove_dir_all(folder);
    std::fs::create_dir_all(folder).map_err(|e| fail("folder", e))?;
    let mut total = 0u64;
    for f in files {
        let relative = plain(&f.path)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&f.base64)
            .map_err(|e| format!("the lecture sent `{}` garbled: {e}", f.path))?;
        total += bytes.len() as u64;
        if total > MAX_SHARED_DATA {
            return Err("the lecture sent more data than a shared lesson may hold".into());
        }
        let path = folder.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| fail("data folder", e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| fail("data file", e))?;
    }
    let lesson = folder.join("lesson.toml");
    std::fs::write(&lesson, text).map_err(|e| fail("lesson", e))?;
    Ok(SourceFile::new(lesson.to_string_lossy(), text))
}

/// `path` if it is only plain names going down (no root, no `..`, no
/// `.`), at most 8 deep: what a follower may write under its folder.
fn plain(path: &str) -> Result<PathBuf, String> {
    let p = Path::new(path);
    let ok = !path.is_empty()
        && p.components().count() <= 8
        && p.components().all(|c| matches!(c, Component::Normal(_)))
        && p.file_name() != Some("lesson.toml".as_ref());
    if ok {
        Ok(p.to_path_buf())
    } else {
        Err(format!(
            "the lecture sent a data file `{}` that is not a plain path inside the lesson's folder: refused",
            crate::lesson::format::sanitize(path)
        ))
    }
}

/// The folder a follower keeps a shared lesson's files in: inside the
/// state folder, by the lecture's port and the lesson's number.
pub fn lecture_folder(port: u16, number: u64) -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy().ok()?.state_dir()?;
    Some(
        base.join("nntutor")
            .join("lectures")
            .join(format!("{port}-{number}")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_going_down_are_written() {
        for bad in ["../x", "/etc/passwd", "a/../../x", "./x", "", "lesson.toml"] {
            assert!(plain(bad).is_err(), "{bad}");
        }
        assert_eq!(plain("data/x.idx").unwrap(), PathBuf::from("data/x.idx"));
    }

    #[test]
    fn files_round_trip_through_a_folder_of_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("lecture");
        let files = [SharedFile {
            path: "data/x.bin".into(),
            base64: base64::engine::general_purpose::STANDARD.encode([0u8, 1, 255]),
        }];
        let source = write_shared(&folder, "id = \"x\"\n", &files).unwrap();
        assert_eq!(
            std::fs::read(folder.join("data/x.bin")).unwrap(),
            [0, 1, 255]
        );
        assert_eq!(source.text, "id = \"x\"\n");
        assert!(source.name.ends_with("lesson.toml"));
        let evil = [SharedFile {
            path: "../escaped".into(),
            base64: String::new(),
        }];
        assert!(write_shared(&folder, "", &evil).is_err());
        assert!(!dir.path().join("escaped").exists());
    }
}
