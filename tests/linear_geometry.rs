//! The geometric view of a linear classifier (lecture 001): the
//! linear-geometry lesson's numbers by hand, the lines its regions draw,
//! and the `lines` key's errors.

#![allow(clippy::unwrap_used)]

mod common;

use nntutor::lesson::eval::regions::classify;
use nntutor::lesson::{SourceFile, load};

/// The lesson's twelve two-pixel images, labels, W and b, as written in
/// its file.
const X: [[f64; 2]; 12] = [
    [-0.5, 1.5],
    [0.5, 2.0],
    [0.0, 1.0],
    [1.0, 1.5],
    [1.5, -0.5],
    [2.0, -1.5],
    [1.0, -1.0],
    [2.5, 0.0],
    [-1.5, -1.0],
    [-2.0, 0.0],
    [-1.0, -1.5],
    [-2.5, -0.5],
];
const W: [[f64; 2]; 3] = [[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]];
const B: [f64; 3] = [-1.0, 0.0, 0.5];

fn scores(x: [f64; 2], b: [f64; 3]) -> [f64; 3] {
    std::array::from_fn(|k| W[k][0] * x[0] + W[k][1] * x[1] + b[k])
}

fn argmax(s: [f64; 3]) -> usize {
    (0..3).fold(0, |best, k| if s[k] > s[best] { k } else { best })
}

#[test]
fn the_scores_the_edges_and_the_lowered_bias_by_hand() {
    let (lesson, t) = common::builtin::lesson("linear-geometry");
    let last = &t.steps.last().unwrap().values;
    let at = |name: &str, i: usize, j: usize| last[name].data[(i, j)];
    // The first image's scores: 0·(-0.5) + 2·1.5 - 1 = 2, 2·(-0.5) - 1.5 = -2.5,
    // -2·(-0.5) - 1.5 + 0.5 = 0.
    assert_eq!(scores(X[0], B), [2.0, -2.5, 0.0]);
    for k in 0..3 {
        assert_eq!(at("s", k, 0), scores(X[0], B)[k]);
    }
    // Every image lies in its own class's region: 4 of each, in order.
    for (i, x) in X.iter().enumerate() {
        let s = scores(*x, B);
        assert_eq!(argmax(s), i / 4, "image {i}");
        for (k, s) in s.iter().enumerate() {
            assert_eq!(at("S", k, i), *s);
        }
    }
    // The edges: row k minus row k + 1, wrapping round.
    for k in 0..3 {
        let next = (k + 1) % 3;
        for (j, (w, w_next)) in W[k].iter().zip(W[next]).enumerate() {
            assert_eq!(at("D", k, j), w - w_next);
        }
        assert_eq!(at("c", k, 0), B[k] - B[next]);
    }
    // The airplane's bias lowered by 1: the image at (0, 1) scores 2 - 2 = 0,
    // still above car's -1 and deer's -0.5.
    let lowered = [-2.0, 0.0, 0.5];
    assert_eq!(scores(X[2], lowered), [0.0, -1.0, -0.5]);
    assert_eq!(at("S2", 0, 2), 0.0);
    assert_eq!(argmax(scores(X[2], lowered)), 0);
    // The lines drawn at "Each row of W is a line" are W's rows and b.
    let k = lesson
        .steps
        .iter()
        .position(|s| s.title == "Each row of W is a line")
        .unwrap();
    let plane = t.steps[k].plane.as_ref().unwrap();
    let names: Vec<_> = plane
        .lines
        .iter()
        .map(|l| l.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["airplane", "car", "deer"]);
    for (line, (w, b)) in plane.lines.iter().zip(W.iter().zip(B)) {
        assert_eq!((line.w, line.b), (*w, b));
    }
    // The regions at grid points the test classifies itself.
    let regions = lesson.steps[k].regions.as_ref().unwrap();
    let env = t.formulas[k].clone().unwrap();
    let grid = classify(
        &env,
        &t.steps[k].values,
        regions,
        6,
        6,
        &nntutor::engine::Budget::unlimited(),
    )
    .unwrap();
    // x from -2.5 to 2.5 and y from -1.5 to 2.0, a tenth wider each side.
    let [x0, x1, y0, y1] = grid.bounds;
    assert!((x0 + 3.0).abs() < 1e-12 && (x1 - 3.0).abs() < 1e-12);
    assert!((y0 + 1.85).abs() < 1e-12 && (y1 - 2.35).abs() < 1e-12);
    for gy in 0..6 {
        for gx in 0..6 {
            let x = x0 + (x1 - x0) * (gx as f64 + 0.5) / 6.0;
            let y = y1 - (y1 - y0) * (gy as f64 + 0.5) / 6.0;
            let want = argmax(scores([x, y], B));
            assert_eq!(grid.classes[gy * 6 + gx] as usize, want, "({x}, {y})");
        }
    }
}

#[test]
fn the_tutor_draws_each_line_with_its_equation_and_arrow() {
    let mut app = common::tutor::opened("linear-geometry", 6);
    app.settings.present = false;
    let screen = common::tutor::rows(&app, 100, 30).join("\n");
    // The equations from W's rows and b, with the decimals they share
    // (0.5 needs one).
    for line in [
        "● airplane: 0.0 x₁ + 2.0 x₂ - 1.0 = 0",
        "▲ car: 2.0 x₁ - 1.0 x₂ + 0.0 = 0",
        "■ deer: -2.0 x₁ - 1.0 x₂ + 0.5 = 0",
    ] {
        assert!(screen.contains(line), "{line}\n{screen}");
    }
    // The airplane's line x₂ = 0.5 is level, its score growing upwards.
    assert!(screen.contains("─────"), "{screen}");
    assert!(screen.contains('↑'), "{screen}");
    assert!(!screen.contains("▼ more"), "{screen}");
}

#[test]
fn the_walk_through_lists_the_lines_as_equations() {
    let (code, out, _) = common::nntutor(&["lesson", "linear-geometry"]);
    assert_eq!(code, 0);
    let edges = out.split("The edges drawn").nth(1).unwrap();
    // D's rows and c: airplane − car is (0 - 2, 2 + 1) and -1 - 0.
    assert!(
        edges.contains("airplane − car: -2.0 x₁ + 3.0 x₂ - 1.0 = 0"),
        "{edges}"
    );
    assert!(
        edges.contains("deer − airplane: -2.0 x₁ - 3.0 x₂ + 1.5 = 0"),
        "{edges}"
    );
}

fn diagnostics(regions: &str) -> Vec<(String, usize, usize)> {
    let text = format!(
        r#"id = "g"
title = "g"
[given]
X = [[-1, 1, 0], [0, 0, 2]]
y = {{ value = [0, 1, 2], kind = "labels" }}
W = [[-1, 0], [1, 0], [0, 1]]
b = [0, 0, 1]
V = [[1, 0, 0], [0, 1, 0]]
c = [1, 2]
W2 = [[1, 0], [0, 1]]
[[steps]]
title = "scores"
let = "S = W @ X"
regions = {regions}
"#
    );
    let loaded = load(SourceFile::new("g.toml", text.clone()));
    loaded
        .diagnostics
        .iter()
        .map(|d| {
            let at = d.span.as_ref().map_or(0, |s| s.start);
            let line = text[..at].lines().count();
            let col = at - text[..at].rfind('\n').map_or(0, |n| n + 1) + 1;
            (d.message.clone(), line, col)
        })
        .collect()
}

#[test]
fn lines_of_the_wrong_shape_are_refused_at_their_place() {
    let base = r#"scores = "S", x = "X", labels = "y""#;
    assert!(diagnostics(&format!(r#"{{ {base}, lines = "W", bias = "b" }}"#)).is_empty());
    // Three columns: not a line of the plane.
    let d = diagnostics(&format!(r#"{{ {base}, lines = "V" }}"#));
    assert!(d[0].0.contains("one row of two weights per class"), "{d:?}");
    assert!(d[0].0.contains("`V` is 2×3"), "{d:?}");
    assert_eq!((d[0].1, d[0].2), (14, 58));
    // Two biases for three rows.
    let d = diagnostics(&format!(r#"{{ {base}, lines = "W", bias = "c" }}"#));
    assert!(
        d[0].0
            .contains("one number per row of `W` (3), but `c` is 2×1"),
        "{d:?}"
    );
    // A bias without lines.
    let d = diagnostics(&format!(r#"{{ {base}, bias = "b" }}"#));
    assert!(d[0].0.contains("there is no `lines`"), "{d:?}");
    assert_eq!((d[0].1, d[0].2), (14, 57));
    // Lines for two classes over regions of three.
    let d = diagnostics(&format!(r#"{{ {base}, lines = "W2" }}"#));
    assert!(
        d[0].0.contains("`W2` has 2 rows and `S` 3 classes"),
        "{d:?}"
    );
}
