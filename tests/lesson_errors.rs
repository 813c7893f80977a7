//! Every broken lesson in tests/fixtures/errors names its expected faults in
//! `# expect: LINE:COL message` header lines (positions counted by hand from
//! the file). The library must report exactly those places, and the real
//! binary must exit with 2 (1 for a failed expect), never panic.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use nntutor::lesson::{SourceFile, load};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/errors");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn expectations(text: &str) -> Vec<(usize, usize, String)> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(|rest| {
            let (place, message) = rest.split_once(' ').unwrap();
            let (line, col) = place.split_once(':').unwrap();
            (
                line.parse().unwrap(),
                col.parse().unwrap(),
                message.to_string(),
            )
        })
        .collect()
}

#[test]
fn each_fixture_reports_its_faults_at_the_right_place() {
    let files = fixtures();
    assert!(files.len() >= 15, "fixtures missing: {}", files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let expected = expectations(&text);
        assert!(
            !expected.is_empty(),
            "{} has no # expect line",
            path.display()
        );
        let loaded = load(SourceFile::new(path.display().to_string(), text));
        let found: Vec<(usize, usize, String)> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity >= nntutor::lesson::Severity::Failed)
            .map(|d| {
                let (l, c) = d.line_col(&loaded.source).unwrap_or((0, 0));
                (l, c, d.message.clone())
            })
            .collect();
        assert_eq!(
            found.len(),
            expected.len(),
            "{}: found {found:#?}",
            path.display()
        );
        for ((l, c, m), (el, ec, em)) in found.iter().zip(&expected) {
            assert_eq!((l, c), (el, ec), "{}: `{m}`", path.display());
            assert!(
                m.contains(em.as_str()),
                "{}: message `{m}` lacks `{em}`",
                path.display()
            );
        }
    }
}

#[test]
fn the_binary_never_panics_and_exits_with_the_contract_codes() {
    for path in fixtures() {
        let out = Command::new(env!("CARGO_BIN_EXE_nntutor"))
            .arg("check")
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let want = if path.ends_with("expect_fails.toml") {
            1
        } else {
            2
        };
        assert_eq!(
            out.status.code(),
            Some(want),
            "{}: {stderr}",
            path.display()
        );
        assert!(!stderr.contains("panicked"), "{}: {stderr}", path.display());
        // The place is named as path:line:col, and the offending line is shown.
        let (line, col, _) = expectations(&std::fs::read_to_string(&path).unwrap())[0].clone();
        assert!(
            stderr.contains(&format!("{}:{line}:{col}", path.display())),
            "{}: {stderr}",
            path.display()
        );
    }
}

#[test]
fn a_file_beyond_the_size_limit_is_refused_before_parsing() {
    let text = format!(
        "id = \"big\"\ntitle = \"Big\"\n# {}\n",
        "x".repeat(5 * 1024 * 1024)
    );
    let loaded = load(SourceFile::new("big.toml", text));
    assert_eq!(loaded.diagnostics.len(), 1);
    assert!(
        loaded.diagnostics[0].message.contains("limited to 4 MiB"),
        "{}",
        loaded.diagnostics[0].message
    );
}

#[test]
fn duplicate_lesson_ids_across_files_are_an_error() {
    let dir = std::env::temp_dir().join(format!("nntutor-dup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let lesson = "id = \"svm\"\ntitle = \"Another svm\"\n[[steps]]\ntitle = \"one\"\n";
    std::fs::write(dir.join("mine.toml"), lesson).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nntutor"))
        .args(["check", "--lessons"])
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("duplicate lesson id `svm`"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Legal but surely a mistake: said as a warning at the place, and the
/// lesson still loads.
#[test]
fn legal_mistakes_are_warned_about_at_their_place() {
    let text = r#"id = "warn"
title = "Warnings"
[given]
X = [[1, 2, 3], [4, 5, 6]]
w = [[0.5, 0.5]]
[[steps]]
title = "L"
let = "L = sum(w @ X)"
[[steps]]
title = "train"
train = { steps = 10, update = ["w = w - 0.01 * grad(L, w)"], every = 50, batch = { size = 8, data = ["X"] } }
"#;
    let loaded = load(SourceFile::new("warn.toml", text));
    assert!(loaded.timeline.is_some(), "{:#?}", loaded.diagnostics);
    let warnings: Vec<(usize, usize, &str)> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == nntutor::lesson::Severity::Warning)
        .map(|d| {
            let (l, c) = d.line_col(&loaded.source).unwrap();
            (l, c, d.message.as_str())
        })
        .collect();
    // Line 11: the 50 of `every = 50` is its 71st character, the 8 of
    // `size = 8` its 92nd.
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert_eq!((warnings[0].0, warnings[0].1), (11, 71));
    assert!(
        warnings[0]
            .2
            .contains("`every` is 50, but the training runs 10 iterations")
    );
    assert_eq!((warnings[1].0, warnings[1].1), (11, 92));
    assert!(
        warnings[1]
            .2
            .contains("the batch `size` is 8, but the data has 3 samples")
    );
}
