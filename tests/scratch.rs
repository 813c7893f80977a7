//! `nntutor try`: formulas typed on the command line, stepped forward and
//! backward; saved as a lesson; and typing mistakes shown where they were
//! typed.

#![allow(clippy::unwrap_used)]

mod common;

use common::nntutor;

/// `name = value` lines of a text walk-through, as numbers.
fn value_line(out: &str, name: &str) -> f64 {
    let prefix = format!("  {name} = ");
    let line = out
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no `{name}` in\n{out}"));
    line[prefix.len()..].trim().parse().unwrap()
}

#[test]
fn the_lecture_graph_gives_its_gradients() {
    // f = (x + y)·z at x = -2, y = 5, z = -4: q = 3, f = -12; by hand,
    // ∂f/∂z = q = 3 and ∂f/∂x = ∂f/∂y = z = -4.
    let (code, out, err) = nntutor(&["try", "f = (x + y) * z", "x=-2", "y=5", "z=-4"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("f = (-2 + 5) × -4 = -12"), "{out}");
    assert_eq!(value_line(&out, "df_dx"), -4.0);
    assert_eq!(value_line(&out, "df_dy"), -4.0);
    assert_eq!(value_line(&out, "df_dz"), 3.0);
    // Node by node, local × upstream.
    assert!(
        out.contains("to z: ∂f/∂z = ∂f/∂z · ∂f/∂f = 3 × 1 = 3"),
        "{out}"
    );
}

#[test]
fn intermediate_formulas_are_stepped_and_kept() {
    let (code, out, err) = nntutor(&["try", "q = x + y; f = q * z", "x=-2", "y=5", "z=-4"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Step 2 of 4: q = x + y"), "{out}");
    assert_eq!(value_line(&out, "df_dq"), -4.0);
    assert_eq!(value_line(&out, "df_dx"), -4.0);
}

/// L(W, x) = Σ relu(W x), written out independently of the engine.
fn loss(w: &[[f64; 3]; 2], x: &[f64; 3]) -> f64 {
    w.iter()
        .map(|row| row.iter().zip(x).map(|(a, b)| a * b).sum::<f64>().max(0.0))
        .sum()
}

#[test]
fn a_matrix_scratch_saved_checks_and_its_gradients_match_finite_differences() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("relu-layer.toml");
    let path = file.to_str().unwrap();
    let (w, x) = ([[1.0, -2.0, 0.5], [-1.0, 0.3, 2.0]], [0.7, -1.1, 1.4]);
    let (code, out, err) = nntutor(&[
        "try",
        "L = sum(relu(W @ x))",
        "W=[[1, -2, 0.5], [-1, 0.3, 2]]",
        "x=[0.7, -1.1, 1.4]",
        "--save",
        path,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("wrote"), "{out}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("id = \"relu-layer\""), "{text}");
    assert!(text.contains(&format!("nntutor check {path}")), "{text}");
    let (code, out, err) = nntutor(&["check", path]);
    assert_eq!(code, 0, "{out}{err}");
    // Saving again does not overwrite the file.
    let (code, _, err) = nntutor(&["try", "L = 1", "--save", path]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");

    let (code, json, err) = nntutor(&["export", path, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let values = &doc["steps"].as_array().unwrap().last().unwrap()["values"];
    let grad = |name: &str| -> Vec<f64> {
        values[name]["data"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|row| row.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()))
            .collect()
    };
    let h = 1e-6;
    let mut numeric_w = Vec::new();
    for i in 0..2 {
        for j in 0..3 {
            let (mut up, mut down) = (w, w);
            up[i][j] += h;
            down[i][j] -= h;
            numeric_w.push((loss(&up, &x) - loss(&down, &x)) / (2.0 * h));
        }
    }
    let numeric_x: Vec<f64> = (0..3)
        .map(|k| {
            let (mut up, mut down) = (x, x);
            up[k] += h;
            down[k] -= h;
            (loss(&w, &up) - loss(&w, &down)) / (2.0 * h)
        })
        .collect();
    for (a, n) in grad("dL_dW").iter().zip(&numeric_w) {
        assert!((a - n).abs() < 1e-6, "dL/dW {a} against {n}");
    }
    for (a, n) in grad("dL_dx").iter().zip(&numeric_x) {
        assert!((a - n).abs() < 1e-6, "dL/dx {a} against {n}");
    }
    // Both rows are active here (W x = [3.5, 1.77]), so no gradient is 0.
    assert!(grad("dL_dW").iter().all(|g| *g != 0.0));
}

#[test]
fn a_random_value_has_its_shape_and_seed() {
    let args = ["try", "s = sum(W)", "W=normal(3, 4, seed=5, scale=0.1)"];
    let (code, out, err) = nntutor(&args);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("W (3×4)"), "{out}");
    // The same seed, the same numbers.
    assert_eq!(nntutor(&args).1, out);
    // ∂(Σ W)/∂W is 1 everywhere.
    let grads = out.split("ds_dW (3×4)").nth(1).unwrap();
    let ones: Vec<&str> = grads.split_whitespace().take(12).collect();
    assert_eq!(ones, ["1"; 12]);
}

#[test]
fn a_broken_formula_is_shown_with_a_caret_where_it_was_typed() {
    let (code, out, err) = nntutor(&["try", "f = (x + y) * w", "x=1", "y=2", "z=3"]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("formula:1:15: error:"), "{err}");
    assert!(err.contains("unknown name `w`"), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    let quoted = lines
        .iter()
        .position(|l| l.ends_with("f = (x + y) * w"))
        .unwrap();
    let column = |line: &str, c: char| line.chars().position(|x| x == c).unwrap();
    // The caret stands under the `w`, 14 characters after the `f`.
    assert_eq!(
        column(lines[quoted + 1], '┬'),
        column(lines[quoted], 'f') + 14,
        "{err}"
    );

    let (code, _, err) = nntutor(&["try", "f = (x + y) *", "x=1", "y=2"]);
    assert_eq!(code, 2);
    assert!(err.contains("formula:1:14: error:"), "{err}");
}

#[test]
fn faults_in_values_and_in_the_last_formula_point_at_what_was_typed() {
    let (code, _, err) = nntutor(&["try", "f = x", "x=[1, 2"]);
    assert_eq!(code, 2);
    assert!(err.contains("value 1:1:7: error: not a value"), "{err}");
    let (code, _, err) = nntutor(&["try", "f = W", "W=normal(3, 0)"]);
    assert_eq!(code, 2);
    assert!(err.contains("value 1:1:13: error: the shape"), "{err}");
    let (code, _, err) = nntutor(&["try", "f = 2 * v", "v=[1, 2]"]);
    assert_eq!(code, 2);
    assert!(err.contains("formula:1:1: error:"), "{err}");
    assert!(err.contains("is 2×1"), "{err}");
    assert!(err.contains("make it a single number"), "{err}");
    let (code, _, err) = nntutor(&["try", "x + y; f = 2", "x=1", "y=1"]);
    assert_eq!(code, 2);
    assert!(err.contains("this formula needs a name"), "{err}");
}

mod in_the_tutor {
    use std::time::Duration;

    use super::common::pty::Pty;

    const WAIT: Duration = Duration::from_secs(20);
    const UP: &[u8] = b"\x1b[A";
    const ESC: &[u8] = b"\x1b";

    fn spawn(args: &[&str], name: &str) -> Pty {
        super::common::pty::nntutor_in(args, name)
    }

    fn quit(t: &mut Pty) {
        t.send(b"q");
        t.wait_for("Enter open", WAIT);
        t.send(b"q");
        let status = t.wait_exit(WAIT);
        assert!(status.success(), "{status:?}");
    }

    #[test]
    fn try_opens_the_tutor_on_the_scratch() {
        let mut t = spawn(
            &["try", "f = (x + y) * z", "x=-2", "y=5", "z=-4"],
            "pty-try",
        );
        t.wait_for("step 1 of 3", WAIT);
        t.send(b"]");
        t.wait_for("(-2 + 5) × -4 = -12", WAIT);
        quit(&mut t);
    }

    #[test]
    fn colon_steps_a_formula_over_the_step_values_and_esc_comes_back() {
        let mut t = spawn(&["lesson", "softmax", "--step", "4"], "pty-colon");
        t.wait_for("step 4 of", WAIT);
        let lesson_screen = t.screen();
        // At step 4 the cat image's probabilities p are known: the cat's is
        // e^3.2 / (e^3.2 + e^5.1 + e^-1.7), and -ln of it is 2.04 (the
        // lecture's L_cat).
        let p_cat = 3.2f64.exp() / (3.2f64.exp() + 5.1f64.exp() + (-1.7f64).exp());
        assert_eq!(format!("{:.2}", -p_cat.ln()), "2.04");
        t.send(b":");
        t.wait_for("Enter  Esc", WAIT);
        t.send(b"-log(q[0])\r");
        // A mistake is shown on the line, with the line kept to fix it.
        t.wait_for("unknown name `q`", WAIT);
        for _ in 0.."[0])".len() {
            t.send(b"\x1b[D");
        }
        t.send(b"\x7fp\r");
        t.wait_for("scratchpad: f = -log(p[0])", WAIT);
        t.wait_for("2.04", WAIT);
        // Esc: back to the lesson, at the same step.
        t.send(ESC);
        t.wait_for("Back to the lesson", WAIT);
        t.wait_for("step 4 of", WAIT);
        let title = lesson_screen
            .lines()
            .find(|l| l.contains("step 4 of"))
            .unwrap();
        assert!(t.screen().contains(title.trim()), "{}", t.screen());
        // ↑ brings the formula back.
        t.send(b":");
        t.wait_for("Enter  Esc", WAIT);
        t.send(UP);
        t.wait_for(": -log(p[0])", WAIT);
        t.send(ESC);
        t.wait_until("the line stays open", WAIT, |t| {
            !t.screen().contains("Enter  Esc")
        });
        quit(&mut t);
    }

    #[test]
    fn colon_works_while_the_lesson_trains_beside_it() {
        let mut t = spawn(&["lesson", "spiral-mlp", "--step", "2"], "pty-colon-train");
        t.wait_for("step 2 of", WAIT);
        t.send(b":");
        t.wait_for("Enter  Esc", WAIT);
        // 100 points of each of the classes 0, 1 and 2: their mean is 1.
        t.send(b"mean(X_labels)\r");
        t.wait_for("scratchpad: f = mean(X_labels)", WAIT);
        t.wait_for("= 1", WAIT);
        t.send(ESC);
        t.wait_for("Back to the lesson", WAIT);
        // The training went on under the scratch: step 8, after it, shows
        // its numbers: the hinge loss of near-zero scores, 2 (each of the
        // two wrong classes adds max(0, 0 - 0 + 1)).
        t.send(b"8\r");
        t.wait_for("step 8 of", WAIT);
        t.wait_for("The same network, the SVM loss", WAIT);
        t.wait_for("[ 2 ]", Duration::from_secs(60));
        quit(&mut t);
    }
}
