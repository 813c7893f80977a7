//! The lecture's notation, not the engine's: no mask, one-hot, `eq` or
//! `pick` in what a learner reads of the built-in lessons; the SVM loss
//! written out as the lecture writes it; labels receive no gradient; a
//! formula's `reads` shown to learners, and both to authors.

#![allow(clippy::unwrap_used)]

mod common;

use common::nntutor;
use nntutor::lesson::builtin::BUILTIN;

fn text(args: &[&str]) -> String {
    let (code, out, err) = nntutor(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

#[test]
fn no_built_in_lesson_shows_the_engine_s_masks_to_a_learner() {
    for b in BUILTIN {
        let id = b.file.trim_end_matches(".toml");
        let out = text(&["export", id, "--format", "text"]);
        for engine in [
            "onehot(",
            "eq(",
            "pick(",
            "hinge(",
            "crossentropy(",
            "colargmax(",
        ] {
            let lines: Vec<&str> = out.lines().filter(|l| l.contains(engine)).collect();
            assert!(lines.is_empty(), "{id} shows `{engine}`: {lines:#?}");
        }
    }
}

#[test]
fn the_svm_loss_reads_as_the_lecture_writes_it() {
    let out = text(&["export", "svm", "--format", "text"]);
    // Lecture 004: L_1 = max(0, 5.1 − 3.2 + 1) + max(0, −1.7 − 3.2 + 1) = 2.9,
    // L_3 = 6.3 + 6.6 = 12.9 (the slide's "2.2 + 3.1 − 1" is a slip of sign:
    // 2.2 − (−3.1) + 1 = 6.3).
    for line in [
        "L_i = Σ_{j≠y_i} max(0, s_j - s_yi + Δ)",
        "Li[cat image] = max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9 + 0 = 2.9",
        "Li[car image] = max(0, 1.3 - 4.9 + 1) + max(0, 2.0 - 4.9 + 1) = 0 + 0 = 0",
        "Li[frog image] = max(0, 2.2 - (-3.1) + 1) + max(0, 2.5 - (-3.1) + 1) = 6.3 + 6.6 = 12.9",
    ] {
        assert!(out.contains(line), "missing {line}\n{out}");
    }
    // A picked score reads as itself, not `4.9 = 4.9`.
    assert!(out.contains("sy[car image] = 4.9\n"), "{out}");
    assert!(!out.contains("= 4.9 = 4.9"), "{out}");
}

#[test]
fn relu_s_derivative_is_the_indicator() {
    let out = text(&["export", "activations", "--format", "text"]);
    // z = [-3, -1, 0, 1, 3]: 1[z > 0] is 0 up to z = 0, then 1.
    assert!(out.contains("ReLU'(z) = 1[z > 0]"), "{out}");
    assert!(out.contains("dr[z = 0] = 1[0 > 0] = 0"), "{out}");
    assert!(out.contains("dr[z = 1] = 1[1 > 0] = 1"), "{out}");
}

#[test]
fn labels_receive_no_gradient_and_the_walk_has_no_mask() {
    let out = text(&["export", "bird-car-step", "--format", "text"]);
    let step5 = out
        .split("Step 5 of 7")
        .nth(1)
        .unwrap()
        .split("Step 6 of 7")
        .next()
        .unwrap();
    assert!(!step5.contains("dL_dy"), "{step5}");
    assert!(!step5.contains("onehot"), "{step5}");
    // The car's hinge is active: ∂L/∂s = (-1, 1); through s = W x the rows
    // get -x and +x (x = (3, 2)).
    assert!(step5.contains("∂L/∂s = [-1.00, 1.00]ᵀ"), "{step5}");
    assert!(
        step5.contains("∂L/∂W = [-3.00, -2.00; 3.00, 2.00]"),
        "{step5}"
    );
}

#[test]
fn authors_see_the_formula_behind_the_reading() {
    let learner = text(&["export", "softmax", "--format", "text"]);
    assert!(learner.contains("    L_i = -log p_yi\n"), "{learner}");
    assert!(!learner.contains("computed as"), "{learner}");
    let author = text(&["--author", "export", "softmax", "--format", "text"]);
    assert!(
        author.contains("computed as Li = crossentropy(P, y)"),
        "{author}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&text(&["export", "softmax", "--format", "json"])).unwrap();
    let step = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["reads"] == "L_i = -log p_yi")
        .unwrap();
    assert_eq!(step["formula"], "Li = crossentropy(P, y)");
}

#[test]
fn reads_needs_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.toml");
    std::fs::write(
        &path,
        "id = \"r\"\ntitle = \"R\"\n\n[given]\nx = 1\n\n[[steps]]\ntitle = \"A\"\nshow = [\"x\"]\nreads = \"x\"\n",
    )
    .unwrap();
    let (code, _, err) = nntutor(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("r.toml:10:9"), "{err}");
    assert!(err.contains("`reads` says how a formula reads"), "{err}");
}

#[test]
fn graph_boxes_are_the_lecture_s_gates() {
    // The lecture's sigmoid neuron: gates ×, +, ×-1, exp, +1, 1/x.
    let app = common::tutor::opened("backprop", 9);
    let screen = common::tutor::rows(&app, 160, 48).join("\n");
    for gate in [" × ─", " + ─", " × -1 ", " exp ", " + 1 ", " n = 1/x "] {
        assert!(screen.contains(gate), "no {gate}:\n{screen}");
    }
    let graph = screen.split("stop 0 of").nth(1).unwrap();
    assert!(!graph.contains('·'), "{screen}");
    // g = 2 · (a b + max(c, d)): the constant 2 written in, no placeholder.
    let app = common::tutor::opened("backprop", 7);
    let screen = common::tutor::rows(&app, 160, 48).join("\n");
    assert!(screen.contains(" g = × 2 "), "{screen}");
    assert!(!screen.contains("2.00 ×"), "{screen}");
}

#[test]
fn graph_boxes_keep_their_width_through_the_walk() {
    use nntutor::tui::keys::Action;
    use nntutor::tui::update::update;
    let mut app = common::tutor::opened("backprop", 9);
    // Where each box's label sits (the active box has a heavier border).
    let top = |app: &nntutor::tui::app::App| {
        let rows = common::tutor::rows(app, 160, 48);
        let (y, row) = rows
            .iter()
            .enumerate()
            .find(|(_, r)| r.contains(" exp "))
            .unwrap();
        let at = |label: &str| row.find(label).unwrap();
        (y, at(" × -1 "), at(" exp "), at(" + 1 "), at(" n = 1/x "))
    };
    let first = top(&app);
    for _ in 0..6 {
        update(&mut app, Action::Next);
        assert_eq!(top(&app), first);
    }
}

#[test]
fn the_backward_walk_goes_element_by_element_with_local_times_upstream() {
    use nntutor::tui::keys::Action;
    use nntutor::tui::update::update;
    // s = W x with x = (3, 2); the car's hinge is active, so ∂L/∂s = (-1, 1).
    // At s[bird]: W's bird row gets its pixel times -1; x[pixel 1] gets
    // W[bird, pixel 1] · -1 = (-2)(-1) = 2, one of its two terms.
    let by_hand = [
        "∂L/∂W[bird, pixel 1] = ∂s[bird]/∂W[bird, pixel 1] · ∂L/∂s[bird] = 3 × -1 = -3",
        "∂L/∂W[bird, pixel 2] = ∂s[bird]/∂W[bird, pixel 2] · ∂L/∂s[bird] = 2 × -1 = -2",
        "∂s[bird]/∂x[pixel 1] · ∂L/∂s[bird] = -2 × -1 = 2, 1 of 2 terms of ∂L/∂x[pixel 1]",
    ];
    let out = text(&["export", "bird-car-step", "--format", "text"]);
    for line in by_hand {
        assert!(out.contains(line), "missing {line}\n{out}");
    }
    // The tutor: stop 1 is L, stop 2 is s[bird].
    let mut app = common::tutor::opened("bird-car-step", 5);
    update(&mut app, Action::Next);
    update(&mut app, Action::Next);
    let screen = common::tutor::rows(&app, 160, 48).join("\n");
    assert!(screen.contains("stop 2 of 5"), "{screen}");
    for line in by_hand {
        assert!(screen.contains(line), "missing {line}\n{screen}");
    }
}

#[test]
fn a_class_index_reads_with_its_class() {
    // W x + b scores cat -96.8, dog 437.9, ship 60.75: the guess is class 1,
    // which the lesson's rows call dog.
    let out = text(&["export", "linear-scores", "--format", "text"]);
    assert!(out.contains("  guess = 1 (dog)\n"), "{out}");
    let app = common::tutor::opened("linear-scores", 5);
    let screen = common::tutor::rows(&app, 100, 30).join("\n");
    assert!(screen.contains("1 (dog)"), "{screen}");
}

/// A lesson file in a temporary folder: (its folder, its path).
fn lesson_file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.toml");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap().to_string();
    (dir, path)
}

const THIRTEEN: &str = r#"id = "w"
title = "W"

[given]
x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]

[[steps]]
title = "Double"
let = "y = 2 * x"

[[steps]]
title = "Sum"
let = "L = sum(y)"

[[steps]]
title = "Back"
backward = "L"
"#;

#[test]
fn a_step_chooses_which_elements_of_a_large_vector_to_walk() {
    // y = 2x has 13 elements: too many to walk them all; `walk` picks y[3].
    // ∂L/∂x[3] = ∂y[3]/∂x[3] · ∂L/∂y[3] = 2 × 1 = 2.
    let (_dir, path) = lesson_file(&format!("{THIRTEEN}walk = [\"y[3]\"]\n"));
    let out = text(&["export", &path, "--format", "text"]);
    assert!(out.contains("  y[3] = 8.00: ∂L/∂y[3] = 1.00"), "{out}");
    // The sum over 13 elements sends its gradient whole, in one line.
    assert!(!out.contains("to y[0]"), "{out}");
    assert!(
        out.contains("to x[3]: ∂L/∂x[3] = ∂y[3]/∂x[3] · ∂L/∂y[3] = 2 × 1 = 2"),
        "{out}"
    );
    assert!(!out.contains("y[4] ="), "only the chosen element: {out}");
    let (_dir, plain) = lesson_file(THIRTEEN);
    let out = text(&["export", &plain, "--format", "text"]);
    assert!(
        !out.contains("y[3] ="),
        "13 elements are walked whole: {out}"
    );
}

#[test]
fn a_walk_that_names_no_element_is_an_error_at_its_place() {
    let cases = [
        (
            "walk = [\"z[1]\"]\n",
            "not a value the gradient flows through",
            "18:9",
        ),
        ("walk = [\"y[20]\"]\n", "outside its shape 13×1", "18:9"),
        ("walk = [\"y(3)\"]\n", "NAME[i] or NAME[i, j]", "18:9"),
    ];
    for (line, message, place) in cases {
        let (_dir, path) = lesson_file(&format!("{THIRTEEN}{line}"));
        let (code, _, err) = nntutor(&["check", &path]);
        assert_eq!(code, 2, "{line}: {err}");
        assert!(err.contains(message), "{line}: {err}");
        assert!(err.contains(&format!("w.toml:{place}")), "{line}: {err}");
    }
    let no_backward = THIRTEEN.replace("backward = \"L\"", "show = [\"L\"]");
    let (_dir, path) = lesson_file(&format!("{no_backward}walk = [\"y[3]\"]\n"));
    let (code, _, err) = nntutor(&["check", &path]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the step has no `backward`"), "{err}");
}

#[test]
fn an_input_used_twice_gets_terms_not_a_whole_gradient() {
    // f = x·x at x = 3: each factor sends 3 × 1 = 3; ∂f/∂x = 2x = 6 is
    // their sum, so neither line may claim to be ∂f/∂x.
    let (_dir, path) = lesson_file(
        "id = \"sq\"\ntitle = \"Sq\"\n\n[given]\nx = 3\n\n[[steps]]\ntitle = \"Square\"\nlet = \"f = x * x\"\n\n[[steps]]\ntitle = \"Back\"\nbackward = \"f\"\n",
    );
    let out = text(&["export", &path, "--format", "text"]);
    let term = "to x: ∂f/∂x · ∂f/∂f = 3 × 1 = 3, a term of ∂f/∂x";
    assert_eq!(out.matches(term).count(), 2, "{out}");
    assert!(out.contains("x = 3.00: ∂f/∂x = 6.00"), "{out}");
    assert!(!out.contains("to x: ∂f/∂x = "), "{out}");
}
