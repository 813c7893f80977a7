//! Where a lesson may read data from: files inside its own folder, and
//! nothing else. A lesson found online must not be able to read
//! `~/.ssh/id_rsa` by naming it, or `../../etc/passwd`, or a symlink that
//! points out of the folder. And how any file is read: only regular files
//! (a FIFO would block forever, `/dev/zero` never ends), and only up to a
//! size known before reading.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Opens `path` for reading if it is a regular file, without blocking on a
/// FIFO: the file is opened non-blocking and then checked through its own
/// handle, so that it cannot be swapped for something else in between.
pub fn open_regular(path: &Path) -> Result<(std::fs::File, u64), String> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if meta.is_dir() {
        return Err("it is a folder, not a file".into());
    }
    if !meta.is_file() {
        return Err(
            "it is not a regular file (a pipe, a device or a socket); only files are read".into(),
        );
    }
    Ok((file, meta.len()))
}

/// The whole of a regular file of at most `limit` bytes.
pub fn read_regular(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>, String> {
    let (file, len) = open_regular(path)?;
    if len > limit {
        return Err(format!(
            "the file is {len} bytes; {what} are limited to {}",
            crate::engine::budget::bytes(limit)
        ));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // A file that grows while it is read stops at the limit all the same.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "the file grew past {limit} bytes while it was read"
        ));
    }
    Ok(bytes)
}

/// Whether `path` (followed through any links) lies inside `folder`.
pub fn inside(folder: &Path, path: &Path) -> Result<PathBuf, String> {
    let folder = folder
        .canonicalize()
        .map_err(|e| format!("cannot resolve the folder: {e}"))?;
    let real = path.canonicalize().map_err(|e| e.to_string())?;
    if real.starts_with(&folder) {
        Ok(real)
    } else {
        Err(format!(
            "it leads outside its folder (to {})",
            real.display()
        ))
    }
}

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
    // `lesson.toml` named bare has the empty path as its parent.
    let folder = lesson
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
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
