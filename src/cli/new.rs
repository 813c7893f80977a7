//! `nntutor new`: a commented starter lesson, and the writing of any new
//! lesson file (a saved scratch too), never over an existing one.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{INVALID, OK};
use crate::lesson::format::sanitize;

/// The starter lesson `nntutor new` writes; every number in it is checked.
const STARTER: &str = include_str!("starter.toml");

pub(super) fn new_lesson(name: &str, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let path = if name.ends_with(".toml") {
        PathBuf::from(name)
    } else {
        PathBuf::from(format!("{name}.toml"))
    };
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !crate::lesson::build::is_kebab(&id) {
        let _ = writeln!(
            err,
            "error: `{}` is not a lesson id: use lowercase letters, digits and dashes (like `my-lesson`)",
            sanitize(&id)
        );
        return INVALID;
    }
    let title = {
        let words = id.replace('-', " ");
        let mut chars = words.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
            .unwrap_or_default()
    };
    let text = STARTER
        .replace("id = \"ID\"", &format!("id = \"{id}\""))
        .replace("title = \"TITLE\"", &format!("title = \"{title}\""));
    write_new(&path, &text, out, err)
}

/// Writes a new lesson file, never over an existing one, and says how to
/// go on with it.
pub(super) fn write_new(path: &Path, text: &str, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let shown = sanitize(&path.display().to_string());
    // A header's commands name the file itself.
    let text = text.replace(" FILE", &format!(" {shown}"));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    match written {
        Ok(()) => {
            let _ = writeln!(
                out,
                "wrote {shown}\n  nntutor check {shown}           validate it\n  nntutor lesson {shown} --watch  step through it; it reloads when you save"
            );
            OK
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let _ = writeln!(err, "error: {shown} already exists; pick another name");
            INVALID
        }
        Err(e) => {
            let _ = writeln!(err, "error: cannot write {shown}: {e}");
            INVALID
        }
    }
}
