//! Where a lesson may read data from: files inside its own folder, and
//! nothing else. A lesson found online must not be able to read
//! `~/.ssh/id_rsa` by naming it, or `../../etc/passwd`, or a symlink that
//! points out of the folder.

use std::path::{Component, Path, PathBuf};

/// The file `relative` names, if it stays inside the folder of the lesson
/// file `lesson_path`; otherwise why not.
pub fn data_file(lesson_path: &str, relative: &str) -> Result<PathBuf, String> {
    let rel = Path::new(relative);
    if rel.is_absolute() || rel.has_root() {
        return Err(format!(
            "`{relative}` is an absolute path; a lesson reads only files in its own folder (write the path relative to the lesson)"
        ));
    }
    if rel.components().any(|c| matches!(c, Component::ParentDir)) {
        return Err(format!(
            "`{relative}` leaves the lesson's folder (`..`); a lesson reads only files in its own folder"
        ));
    }
    let lesson = Path::new(lesson_path);
    if lesson_path.starts_with("builtin:") || !lesson.is_file() {
        return Err(format!(
            "`{relative}`: only a lesson file on disk can read data files next to it"
        ));
    }
    let folder = lesson
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let wanted = folder.join(rel);
    // Symlinks are followed before comparing, so none can lead outside.
    let folder = folder
        .canonicalize()
        .map_err(|e| format!("cannot resolve the lesson's folder: {e}"))?;
    let real = wanted
        .canonicalize()
        .map_err(|e| format!("cannot open `{relative}`: {e}"))?;
    if !real.starts_with(&folder) {
        return Err(format!(
            "`{relative}` leads outside the lesson's folder (to {}); a lesson reads only files in its own folder",
            real.display()
        ));
    }
    Ok(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_inside_the_lesson_folder() {
        let dir = std::env::temp_dir().join(format!("nntutor-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("lesson/data")).unwrap();
        let lesson = dir.join("lesson/l.toml");
        std::fs::write(&lesson, "id = \"l\"").unwrap();
        std::fs::write(dir.join("lesson/data/d.idx"), [0u8; 4]).unwrap();
        std::fs::write(dir.join("secret"), "key").unwrap();
        let l = lesson.to_str().unwrap();
        assert!(data_file(l, "data/d.idx").is_ok());
        assert!(data_file(l, "../secret").unwrap_err().contains("`..`"));
        assert!(
            data_file(l, "/etc/passwd")
                .unwrap_err()
                .contains("absolute")
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("secret"), dir.join("lesson/data/link")).unwrap();
            let err = data_file(l, "data/link").unwrap_err();
            assert!(err.contains("leads outside"), "{err}");
        }
        assert!(data_file("builtin:lessons/x.toml", "d.idx").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
