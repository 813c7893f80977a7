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
