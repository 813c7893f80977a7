//! Loading never panics, whatever the input: random expressions built from
//! the grammar, random lessons assembled from valid and invalid pieces, and
//! byte-level mutations of real lessons. Every case must come back as a
//! lesson or as diagnostics. The loader turns its own panics into an
//! "internal error" for the learner; here that is a failure, and the tests
//! at the end prove that both the property and the fuzzer see one.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::fuzzing::{self, Kind, Run};
use nntutor::lesson::builtin::BUILTIN;
use nntutor::lesson::{Limits, Options, SourceFile, load, load_with};
use proptest::prelude::*;

/// Loads `text`; a panic anywhere in reading, checking or evaluating fails.
fn loads_cleanly(text: &str) {
    loads_cleanly_with(text, &Options::default());
}

fn loads_cleanly_with(text: &str, options: &Options) {
    let source = SourceFile::new("case.toml", text);
    let result = std::panic::catch_unwind(|| load_with(source, options, &Default::default()));
    if let Some(message) = fuzzing::verdict(&result) {
        panic!("panicked ({message}) on:\n{text}");
    }
    let loaded = result.unwrap();
    // Either a timeline or at least one error explaining why not.
    assert!(
        loaded.timeline.is_some()
            || loaded
                .diagnostics
                .iter()
                .any(|d| d.severity == nntutor::lesson::Severity::Error),
        "no timeline and no error for:\n{text}"
    );
}

fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("x".to_string()),
        Just("W".to_string()),
        Just("y".to_string()),
        Just("nothing".to_string()),
        (-1000.0f64..1000.0).prop_map(|v| format!("{v}")),
        Just("0".to_string()),
        Just("1e308".to_string()),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        let ops = ["+", "-", "*", "/", "^", "@"];
        let funcs = [
            "exp", "log", "sqrt", "relu", "sigmoid", "tanh", "sum", "mean", "softmax", "colsum",
            "rowmax", "abs", "log10",
        ];
        let binary_funcs = ["max", "min", "pick", "onehot", "hcat", "vcat", "leaky_relu"];
        prop_oneof![
            (inner.clone(), 0..ops.len(), inner.clone())
                .prop_map(move |(a, k, b)| format!("({a} {} {b})", ops[k])),
            (0..funcs.len(), inner.clone()).prop_map(move |(k, a)| format!("{}({a})", funcs[k])),
            (0..binary_funcs.len(), inner.clone(), inner.clone())
                .prop_map(move |(k, a, b)| format!("{}({a}, {b})", binary_funcs[k])),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("{a}'")),
            (inner.clone(), 0usize..4).prop_map(|(a, i)| format!("{a}[{i}]")),
            (inner.clone(), 0usize..3).prop_map(|(a, i)| format!("{a}[:, {i}]")),
            inner.prop_map(|a| format!("grad(L, {})", if a.len() % 2 == 0 { "W" } else { "x" })),
        ]
    })
}

const GIVEN: &str = r#"
[given]
x = { value = [1, -2, 3], rows = ["a", "b", "c"] }
W = { value = [[0.5, -1, 2], [1, 0, -0.5]] }
y = { value = [1], kind = "labels" }
"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// `nntutor try`: whatever is typed, a scratch lesson or a fault, and
    /// every diagnostic of the lesson points into what was typed or into
    /// the lesson, never out of range.
    #[test]
    fn scratches_never_panic(
        e in expr(),
        bare in any::<bool>(),
        noise in "[ -~]{0,12}",
        value in prop_oneof![
            Just("[[1, 2], [3, 4]]".to_string()),
            Just("normal(2, 2, seed=3)".to_string()),
            Just("[1, 2".to_string()),
            "[ -~]{0,10}",
        ],
    ) {
        use nntutor::lesson::scratch;
        let formula = if bare { format!("{e}{noise}") } else { format!("q = {e}; L = sum(q){noise}") };
        let values = vec![format!("x={value}"), "W=[[0.5, -1], [2, 0]]".to_string(), "y=[0, 1]".to_string()];
        let result = std::panic::catch_unwind(|| {
            let Ok(s) = scratch::parse(&formula, &values) else { return };
            let generated = scratch::lesson_text(&s, "scratch");
            let loaded = load(SourceFile::new("scratch", generated.text.clone()));
            for d in &loaded.diagnostics {
                if let Some((file, moved)) = generated.locate(d, &s) {
                    let span = moved.span.clone().unwrap();
                    assert!(span.start <= span.end && span.end <= file.text.len(), "{span:?} in {:?}", file.text);
                    let _ = moved.render(&file, false);
                }
            }
            assert!(loaded.internal.is_none(), "{:?}", loaded.internal);
        });
        prop_assert!(result.is_ok(), "panicked on {formula:?} {values:?}");
    }

    #[test]
    fn random_formulas_never_panic(e in expr(), f in expr(), expand in any::<bool>()) {
        let text = format!(
            "id = \"fuzz\"\ntitle = \"f\"\n{GIVEN}\n[[steps]]\ntitle = \"L\"\nlet = \"L = sum({e})\"\n\
             [[steps]]\ntitle = \"a\"\nlet = \"a = {f}\"\nexpand = {expand}\n\
             [[steps]]\ntitle = \"b\"\nbackward = \"L\"\n"
        );
        loads_cleanly(&text);
    }

    #[test]
    fn random_lesson_shapes_never_panic(
        pieces in proptest::collection::vec(0usize..14, 0..8),
        n in -3i64..5,
    ) {
        let parts = [
            "[[steps]]\ntitle = \"s\"\nlet = \"z = x * 2\"\n".to_string(),
            "[[steps]]\ntitle = \"t\"\nbackward = \"z\"\n".to_string(),
            format!("[[steps]]\ntitle = \"u\"\nupdate = [\"x = x - {n} * x\"]\n"),
            format!("[[steps]]\ntitle = \"q\"\nquiz = {{ question = \"?\", choices = [\"a\"], correct = {n} }}\n"),
            "[[steps]]\ntitle = \"e\"\nlet = \"e = sum(W @ x)\"\nexpect = { e = [1, 2] }\n".to_string(),
            format!("[[steps]]\ntitle = \"r\"\ntrain = {{ steps = {n}, update = [\"W = W - 0.1 * grad(e, W)\"], track = [\"e\"] }}\n"),
            "[[steps]]\ntitle = \"p\"\nplot = { x = \"x\", y = [\"z\", \"W\"] }\n".to_string(),
            "[given]\nx = 1\n".to_string(),
            "steps = 3\n".to_string(),
            "[[steps]]\n".to_string(),
            "[[steps]]\ntitle = \"s\"\nsearch = { trials = 3, param = \"W\", loss = \"e\" }\n".to_string(),
            format!("digits = {n}\n"),
            "[[steps]]\ntitle = \"x\"\nshow = [\"x\", \"missing\"]\nslide = { x = 1 }\n".to_string(),
            "[[steps]]\ntitle = \"bad\"\nlet = \"a = (\"\n".to_string(),
        ];
        let mut text = format!("id = \"shapes\"\ntitle = \"s\"\n{GIVEN}");
        for k in pieces {
            text.push_str(&parts[k]);
        }
        loads_cleanly(&text);
    }

    #[test]
    fn mutated_lessons_never_panic(
        which in 0usize..BUILTIN.len(),
        edits in proptest::collection::vec((any::<u16>(), any::<u8>(), 0u8..3), 1..12),
    ) {
        let mut bytes = BUILTIN[which].text.as_bytes().to_vec();
        for (at, byte, kind) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = at as usize % bytes.len();
            match kind {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                _ => bytes.insert(i, byte),
            }
        }
        // Invalid UTF-8 is refused before loading (by the file reader).
        if let Ok(text) = String::from_utf8(bytes) {
            loads_cleanly(&text);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any lesson, any position, any screen from 1×1 to 500×200, any look:
    /// drawing never panics.
    #[test]
    fn drawing_never_panics(
        which in 0usize..BUILTIN.len(),
        forward in 0usize..60,
        w in 1u16..500,
        h in 1u16..200,
        present in any::<bool>(),
        ascii in any::<bool>(),
        help in any::<bool>(),
    ) {
        use nntutor::tui::app::Settings;
        use nntutor::tui::keys::Action;
        use nntutor::tui::theme::ThemeName;
        use nntutor::tui::{app_for, update::update, view};
        let b = &BUILTIN[which];
        let loaded = load(SourceFile::new(b.file, b.text));
        let settings = Settings { theme: ThemeName::Dark, present, ascii, predict: present, author: ascii };
        let mut app = app_for(loaded.lesson.unwrap(), loaded.timeline.unwrap(), settings);
        for _ in 0..forward {
            update(&mut app, Action::Next);
        }
        app.help = help;
        let area = ratatui::layout::Rect::new(0, 0, w, h);
        let mut buf = ratatui::buffer::Buffer::empty(area);
        view::render(&app, area, &mut buf);
    }
}

/// The safety net has no hole: a panic inside the loader (injected here,
/// as a bug would cause one) fails the property and is counted by the
/// fuzzer, though the loader still answers with an error for the learner.
#[test]
fn a_panic_in_the_loader_is_seen() {
    let inject = Options {
        inject_panic: true,
        ..Options::default()
    };
    let text = BUILTIN[0].text;
    let loaded = load_with(
        SourceFile::new("case.toml", text),
        &inject,
        &Default::default(),
    );
    let message = loaded.internal.as_deref().unwrap();
    assert!(message.contains("injected"), "{message}");
    let error = &loaded.diagnostics[0].message;
    assert!(error.contains("please report"), "{error}");
    // The property fails on it.
    let property = std::panic::catch_unwind(|| loads_cleanly_with(text, &inject));
    assert!(property.is_err(), "the property did not see the panic");
    loads_cleanly(text);
    // The fuzzer counts it, once per case it loaded.
    let corpus = fuzzing::corpus();
    let run = Run {
        corpus: &corpus,
        seed: 7,
        options: Options {
            limits: Limits::fuzzing(),
            inject_panic: true,
        },
        slow: Duration::from_secs(60),
    };
    let report = run.go(|n| n < 40);
    assert!(report.loaded > 0);
    assert_eq!(report.count(Kind::Panic) as u64, report.loaded);
    // Without the injection the same cases are clean.
    let clean = Run {
        options: Options {
            limits: Limits::fuzzing(),
            inject_panic: false,
        },
        ..run
    };
    let report = clean.go(|n| n < 40);
    assert_eq!(report.count(Kind::Panic), 0, "{:?}", report.findings);
}
