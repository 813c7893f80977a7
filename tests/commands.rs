//! The command line keeps its contract: listing, exports, exit codes,
//! `new`, `check --fit`, the schema, completions and the man page.

#![allow(clippy::unwrap_used)]

mod common;

use common::nntutor;

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
            "linear-geometry",
            "svm",
            "regularization",
            "hard-cases",
            "softmax",
            "softmax-vs-svm",
            "cross-entropy",
            "logistic-regression",
            "linear-models",
            "tea-temperature",
            "optimization",
            "backprop",
            "bird-car-step",
            "mlp",
            "activations",
            "spiral-mlp",
            "optimizers",
            "deep-networks",
            "digits"
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
    assert!(md.contains("## Step 4 of 11: Add the bias"), "{md}");
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

#[test]
fn new_writes_a_starter_that_checks_clean() {
    let dir = std::env::temp_dir().join(format!("nntutor-new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("gradient-intro.toml");
    let path = file.to_str().unwrap();
    let (code, out, _) = nntutor(&["new", path]);
    assert_eq!(code, 0);
    assert!(out.contains("nntutor lesson"), "{out}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("id = \"gradient-intro\""));
    assert!(text.contains("title = \"Gradient intro\""));
    // Its expects were worked by hand: s = (0.2·2 - 0.5·1, 1.5·2 + 1.3·1) =
    // (-0.1, 4.3); L = -ln(e^-0.1 / (e^-0.1 + e^4.3)) = ln(1 + e^4.4) = 4.41.
    let (code, out, err) = nntutor(&["check", path]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("2/2 expects"), "{out}");
    // It never overwrites, and refuses ids that are not kebab-case.
    let (code, _, err) = nntutor(&["new", path]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    let (code, _, err) = nntutor(&["new", dir.join("Bad_Name.toml").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("not a lesson id"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_fit_names_the_steps_that_do_not_fit() {
    let tall = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fit/tall.toml");
    // 80×24 leaves 19 body rows; 18 sentences of words wrap to about 26
    // lines of 76 columns. The ten numbers could be sampled; words cannot.
    let (code, out, _) = nntutor(&["check", "--fit", "80x24", tall]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("does not fit 80×24: step 1 \"Ten numbers, and many words\": needs"),
        "{out}"
    );
    // 100×40: 35 body rows, 96 columns: about 21 lines of words and the
    // ten numbers fit.
    let (code, out, _) = nntutor(&["check", "--fit", "100x40", tall]);
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = nntutor(&["check", "--fit", "100", tall]);
    assert_eq!(code, 2);
    assert!(err.contains("write columns x rows"), "{err}");
}

#[test]
fn check_fit_gives_every_reason_of_every_step() {
    let fixture = |name: &str| format!("{}/tests/fixtures/fit/{name}", env!("CARGO_MANIFEST_DIR"));
    // Sixteen gates in a row: even without borders, boxes of 5 to 9
    // columns and gaps of 3 pass the 76 columns of an 80-column body; and
    // a 24-row screen has no room for ten sentences below the graph.
    let (code, out, _) = nntutor(&["check", "--fit", "80x24", &fixture("wide.toml")]);
    assert_eq!(code, 1, "{out}");
    let line = out.lines().find(|l| l.contains("step 2")).unwrap();
    assert!(line.contains("more rows; the graph is"), "{line}");
    assert!(line.contains("columns wide, the screen has 76"), "{line}");
    // A word longer than a line is cut at the edge, and said so.
    let (code, out, _) = nntutor(&["check", "--fit", "80x24", &fixture("cut.toml")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("a line is cut at the right edge"), "{out}");
    assert!(
        out.contains("the screen has 76: \"https://example.org"),
        "{out}"
    );
    // At 200×60 both fit.
    for name in ["wide.toml", "cut.toml"] {
        let (code, out, _) = nntutor(&["check", "--fit", "200x60", &fixture(name)]);
        assert_eq!(code, 0, "{name}: {out}");
    }
}

#[test]
fn schema_completions_and_man_page() {
    let (code, out, _) = nntutor(&["schema"]);
    assert_eq!(code, 0);
    let schema: serde_json::Value = serde_json::from_str(&out).unwrap();
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let sorted = |list: &[&str]| {
        let mut k: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        k.sort();
        k
    };
    // The format's keys, as docs/lesson-format.md documents them.
    let top = [
        "id", "title", "summary", "order", "digits", "given", "steps",
    ];
    let step = [
        "title", "text", "show", "let", "expand", "backward", "walk", "update", "train", "search",
        "quiz", "expect", "slide", "note", "reads", "plot", "regions", "predict", "images", "bars",
        "curves", "in_order", "notes",
    ];
    assert_eq!(keys(&schema["properties"]), sorted(&top));
    assert_eq!(
        keys(&schema["definitions"]["step"]["properties"]),
        sorted(&step)
    );
    // The committed schema (for editors) is the one the reader's types give.
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/lesson.schema.json"
    ))
    .unwrap();
    assert!(
        out == committed,
        "docs/lesson.schema.json differs from `nntutor schema`: run `cargo run -- schema > docs/lesson.schema.json`"
    );
    let (code, out, _) = nntutor(&["completions", "bash"]);
    assert_eq!(code, 0);
    for sub in ["lesson", "check", "export", "new", "schema"] {
        assert!(out.contains(sub), "completions lack {sub}");
    }
    let (code, out, _) = nntutor(&["man"]);
    assert_eq!(code, 0);
    assert!(out.contains(".TH nntutor 1"), "{out}");
}
