//! A built-in lesson loaded and evaluated, failing the test with its
//! diagnostics if anything worse than a note was found. Once per test
//! binary: a lesson that trains costs its training once, not once per test.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use nntutor::lesson::builtin::BUILTIN;
use nntutor::lesson::{Lesson, Severity, SourceFile, Timeline, load};

pub fn lesson(id: &str) -> (Lesson, Timeline) {
    static LOADED: OnceLock<Mutex<HashMap<String, (Lesson, Timeline)>>> = OnceLock::new();
    let loaded = LOADED.get_or_init(Default::default);
    if let Some(hit) = loaded.lock().unwrap().get(id) {
        return hit.clone();
    }
    let pair = load_builtin(id);
    loaded.lock().unwrap().insert(id.to_string(), pair.clone());
    pair
}

fn load_builtin(id: &str) -> (Lesson, Timeline) {
    let b = BUILTIN
        .iter()
        .find(|b| b.file == format!("{id}.toml"))
        .unwrap_or_else(|| panic!("no built-in lesson `{id}`"));
    let loaded = load(SourceFile::new(b.file, b.text));
    assert!(
        loaded.worst().is_none_or(|s| s <= Severity::Note),
        "{id}: {:#?}",
        loaded.diagnostics
    );
    match (loaded.lesson, loaded.timeline) {
        (Some(l), Some(t)) => (l, t),
        _ => panic!("{id} does not evaluate"),
    }
}
