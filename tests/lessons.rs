//! The built-in lessons: they check clean, their numbers are the lecture's
//! (written here from the slides and hand computation, not from the program),
//! and the command line keeps its contract.

#![allow(clippy::unwrap_used)]

use std::process::Command;

use nntutor::lesson::builtin::BUILTIN;
use nntutor::lesson::{Severity, SourceFile, Timeline, load};

fn nntutor(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_nntutor"))
        .args(args)
        .env_remove("NNTUTOR_LESSONS")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn timeline(id: &str) -> Timeline {
    let b = BUILTIN
        .iter()
        .find(|b| b.file == format!("{id}.toml"))
        .unwrap();
    let loaded = load(SourceFile::new(b.file, b.text));
    assert!(
        loaded.worst().is_none_or(|s| s <= Severity::Note),
        "{id}: {:#?}",
        loaded.diagnostics
    );
    loaded.timeline.unwrap()
}

/// The value of `name` after the last step, in reading order.
fn value(t: &Timeline, name: &str) -> Vec<f64> {
    let v = &t.steps.last().unwrap().values[name];
    let d = &v.data;
    (0..d.nrows())
        .flat_map(|i| (0..d.ncols()).map(move |j| d[(i, j)]))
        .collect()
}

fn close(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= tol, "{got:?} vs {want:?}");
    }
}

#[test]
fn linear_scores_match_the_slides() {
    let t = timeline("linear-scores");
    // Slide: cat score (56·0.2) + (231·-0.5) + (24·0.1) + (2·2.0) = -97.9; dog 434.7.
    close(&value(&t, "Wx"), &[-97.9, 434.7, 61.95], 1e-9);
    // With the bias: -97.9 + 1.1, 434.7 + 3.2, 61.95 - 1.2.
    close(&value(&t, "s"), &[-96.8, 437.9, 60.75], 1e-9);
    close(&value(&t, "s1"), &[-96.8, 437.9, 60.75], 1e-9);
    close(&value(&t, "guess"), &[1.0], 0.0);
}

#[test]
fn svm_losses_match_the_slides() {
    let t = timeline("svm");
    close(&value(&t, "Li"), &[2.9, 0.0, 12.9], 1e-9);
    // (2.9 + 0 + 12.9) / 3 = 5.2666…
    close(&value(&t, "L"), &[15.8 / 3.0], 1e-9);
    // 2W: car image still 0; cat 10.2 - 6.4 + 1; frog (4.4 + 6.2 + 1) + (5.0 + 6.2 + 1).
    close(&value(&t, "Li2"), &[4.8, 0.0, 23.8], 1e-9);
}

#[test]
fn svm_quiz_answers_are_computed() {
    let t = timeline("svm");
    let answers: Vec<f64> = t
        .steps
        .iter()
        .filter_map(|s| match &s.detail {
            nntutor::lesson::Detail::Quiz(q) => q.answer,
            _ => None,
        })
        .collect();
    // Q3: classes - 1 = 2; Q4: 5.2667 + 1; Q5: 5.2667 / 2; Q6: (2.9² + 6.3² + 6.6²) / 3.
    close(
        &answers,
        &[
            2.0,
            15.8 / 3.0 + 1.0,
            15.8 / 6.0,
            (2.9f64.powi(2) + 6.3f64.powi(2) + 6.6f64.powi(2)) / 3.0,
        ],
        1e-9,
    );
}

#[test]
fn softmax_matches_the_slides_with_the_natural_log() {
    let t = timeline("softmax");
    // Slides: exp → 24.5, 164.0, 0.18; normalize → 0.13, 0.87, 0.00.
    close(&value(&t, "e"), &[24.5, 164.0, 0.18], 0.05);
    close(&value(&t, "p"), &[0.13, 0.87, 0.00], 0.005);
    // The slides' 0.89, 0.034, 2.67 are log10 of the correct-class probabilities.
    close(&value(&t, "Li10"), &[0.89, 0.034, 2.67], 0.005);
    // ln = log10 · ln 10.
    let ln10 = std::f64::consts::LN_10;
    let li = value(&t, "Li");
    close(&li, &[0.886 * ln10, 0.0344 * ln10, 2.674 * ln10], 0.01);
    // At initialization: log K = ln 3.
    let q2 = t.steps.iter().rev().find_map(|s| match &s.detail {
        nntutor::lesson::Detail::Quiz(q) => q.answer,
        _ => None,
    });
    close(&[q2.unwrap()], &[3f64.ln()], 1e-12);
}

#[test]
fn check_all_builtin_lessons_passes() {
    let (code, out, err) = nntutor(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
    for id in [
        "linear-scores",
        "svm",
        "softmax",
        "backprop",
        "bird-car-step",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with("ok") && l.contains(id)),
            "{out}"
        );
    }
}

#[test]
fn list_shows_the_lessons_in_course_order() {
    let (code, out, _) = nntutor(&["list"]);
    assert_eq!(code, 0);
    let ids: Vec<&str> = out
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "linear-scores",
            "svm",
            "softmax",
            "backprop",
            "bird-car-step"
        ]
    );
    assert!(out.contains("Softmax classifier and cross-entropy loss"));
}

#[test]
fn exports_are_deterministic_and_complete() {
    for format in ["json", "text", "markdown"] {
        let (c1, a, _) = nntutor(&["export", "softmax", "--format", format]);
        let (c2, b, _) = nntutor(&["export", "softmax", "--format", format]);
        assert_eq!((c1, c2), (0, 0));
        assert_eq!(a, b, "{format} export differs between runs");
    }
    let (_, text, _) = nntutor(&["export", "linear-scores", "--format", "text"]);
    assert!(
        text.contains("s[cat] = (0.2 × 56) + (-0.5 × 231) + (0.1 × 24) + (2.0 × 2) + 1.1 = -96.8"),
        "{text}"
    );
    let (_, md, _) = nntutor(&["export", "linear-scores", "--format", "markdown"]);
    assert!(md.starts_with("# A linear classifier"), "{md}");
    assert!(md.contains("## Step 4 of 9: Add the bias"), "{md}");
}

#[test]
fn json_export_follows_the_spec() {
    let (code, out, _) = nntutor(&["export", "svm", "--format", "json"]);
    assert_eq!(code, 0);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["id"], "svm");
    let step = j["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["values"].get("L").is_some())
        .unwrap();
    assert_eq!(step["kind"], "let");
    assert_eq!(step["values"]["L"]["shape"], serde_json::json!([1, 1]));
    let l = step["values"]["L"]["data"][0][0].as_f64().unwrap();
    assert!((l - 15.8 / 3.0).abs() < 1e-12);
}

#[test]
fn an_expect_that_fails_exits_1_and_names_both_values() {
    let dir = std::env::temp_dir().join(format!("nntutor-expect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wrong.toml");
    std::fs::write(&path, "id = \"wrong\"\ntitle = \"Wrong\"\n[given]\nx = 2\n[[steps]]\ntitle = \"square\"\nlet = \"y = x ^ 2\"\nexpect = { y = 5.0 }\n").unwrap();
    let (code, out, err) = nntutor(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains(":8:16: expect failed: step 1 \"square\": y is 4, expected 5 ± 0.05"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unknown_lesson_is_a_clear_error() {
    let (code, _, err) = nntutor(&["export", "no-such-lesson"]);
    assert_eq!(code, 2);
    assert!(err.contains("no lesson `no-such-lesson`"), "{err}");
}
