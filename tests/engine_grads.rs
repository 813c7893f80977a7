//! Reverse-mode gradients of every differentiable operation against central
//! finite differences on random inputs, and numerically stable softmax/log.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use nntutor::engine::parse::parse_expr;
use nntutor::engine::{Binding, Graph, Scope, Tensor};
use proptest::prelude::*;

use nntutor::engine::graph::Values as Vars;

fn eval(src: &str, vars: &Vars) -> Tensor {
    let e = parse_expr(src).unwrap();
    let (g, r) = Graph::build(&e, vars, true).unwrap();
    g.value(r).clone()
}

/// Reverse-mode gradient of `src` (a scalar) with respect to `wrt`.
fn reverse(src: &str, vars: &Vars, wrt: &str) -> Tensor {
    let e = parse_expr(src).unwrap();
    let (g, r) = Graph::build(&e, vars, true).unwrap();
    let id = g
        .find(wrt)
        .unwrap_or_else(|| panic!("{src}: no node {wrt}"));
    g.backward(r)[id.0]
        .clone()
        .unwrap_or_else(|| Tensor::zeros(g.value(id).nrows(), g.value(id).ncols()))
}

/// Central differences, (f(w + h) - f(w - h)) / 2h per element.
fn central(src: &str, vars: &Vars, wrt: &str) -> Tensor {
    let h = 1e-6;
    let w = vars.0[wrt].clone();
    let mut out = Tensor::zeros(w.nrows(), w.ncols());
    for k in 0..w.len() {
        let mut moved = HashMap::clone(&vars.0);
        let mut plus = w.clone();
        plus[k] += h;
        moved.insert(wrt.to_string(), plus);
        let fp = eval(src, &Vars(moved.clone()))[0];
        let mut minus = w.clone();
        minus[k] -= h;
        moved.insert(wrt.to_string(), minus);
        let fm = eval(src, &Vars(moved))[0];
        out[k] = (fp - fm) / (2.0 * h);
    }
    out
}

fn assert_close(src: &str, vars: &Vars, wrt: &str) {
    let a = reverse(src, vars, wrt);
    let n = central(src, vars, wrt);
    for k in 0..a.len() {
        let rel = (a[k] - n[k]).abs() / (a[k].abs().max(n[k].abs()).max(1.0));
        assert!(
            rel < 1e-6,
            "{src}, d/d{wrt}[{k}]: reverse {} vs finite differences {} (relative error {rel:e})",
            a[k],
            n[k]
        );
    }
}

/// A matrix whose entries stay at least 0.05 away from zero, so that kinks
/// (relu, abs, max) are not straddled by the finite difference.
fn matrix(rows: usize, cols: usize, lo: f64, hi: f64) -> impl Strategy<Value = Tensor> {
    prop::collection::vec((lo..hi, any::<bool>()), rows * cols).prop_map(move |v| {
        Tensor::from_iterator(
            rows,
            cols,
            v.into_iter()
                .map(|(x, neg): (f64, bool)| if neg && lo >= 0.0 { -x } else { x }),
        )
    })
}

fn vars(pairs: &[(&str, &Tensor)]) -> Vars {
    Vars(
        pairs
            .iter()
            .map(|(n, t)| (n.to_string(), (*t).clone()))
            .collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn elementwise_operations(a in matrix(3, 2, 0.05, 2.0), b in matrix(3, 2, 0.05, 2.0), r in matrix(3, 2, 0.05, 1.0)) {
        let pos = a.map(f64::abs);
        let v = vars(&[("A", &a), ("B", &b), ("R", &r), ("P", &pos)]);
        for src in [
            "sum((A + B) * R)", "sum((A - B) * R)", "sum(A * B * R)", "sum(A / (P + 1) * R)",
            "sum(-A * R)", "sum(exp(A) * R)", "sum(abs(A) * R)", "sum(relu(A) * R)", "sum(sigmoid(A) * R)", "sum(tanh(A) * R)",
            "sum(leaky_relu(A, 0.1) * R)", "sum(elu(A, 1.5) * R)", "sum(1.3 ^ A * R)", "sum(A ^ 2 * R)",
            "sum(max(A, 0) * R)", "sum(min(A, 0) * R)", "mean(A * R)",
        ] {
            assert_close(src, &v, "A");
        }
        // Operations defined for positive inputs only.
        for src in ["sum(log(P) * R)", "sum(log10(P) * R)", "sum(log2(P) * R)", "sum(sqrt(P) * R)", "sum(P ^ 1.7 * R)", "sum(A / (P + 1) * R)"] {
            assert_close(src, &v, "P");
        }
        assert_close("sum((A + B) * R)", &v, "B");
        assert_close("sum(max(A, B + 0.5 * R) * R)", &v, "B");
        assert_close("sum(P ^ B * R)", &v, "B");
    }

    #[test]
    fn reductions_products_and_indexing(w in matrix(3, 4, -2.0, 2.0), x in matrix(4, 2, -2.0, 2.0), r in matrix(3, 2, -1.0, 1.0), b in matrix(3, 1, -1.0, 1.0)) {
        let v = vars(&[("W", &w), ("X", &x), ("R", &r), ("b", &b)]);
        for src in [
            "sum((W @ X + b) * R)", "sum(colsum(W @ X) * R[0, :])", "sum(colmean(W @ X) * R[1, :])",
            "sum(rowsum(W) * b)", "sum(rowmean(W) * b)", "sum(colmax(W @ X) * R[2, :])", "sum(rowmax(W) * b)",
            "sum(softmax(W @ X) * R)", "sum(rowsoftmax(W) * W)", "sum(W' @ b)", "W[1, 2] * W[0, 0]",
            "sum(W[:, 1] * b)", "sum(hcat(W, b) @ vcat(X, R[0, :]) * R)",
        ] {
            assert_close(src, &v, "W");
        }
        assert_close("sum((W @ X + b) * R)", &v, "X");
        assert_close("sum((W @ X + b) * R)", &v, "b");
    }

    #[test]
    fn losses_over_labels(s in matrix(3, 4, -3.0, 3.0)) {
        let y = Tensor::from_row_slice(1, 4, &[0.0, 2.0, 1.0, 2.0]);
        let v = vars(&[("S", &s), ("y", &y)]);
        assert_close("mean(-log(pick(softmax(S), y)))", &v, "S");
        assert_close("mean(colsum(max(0, S - pick(S, y) + 1) * (1 - onehot(y, 3))) + 0.0)", &v, "S");
        // The lecture's compounds give the same gradients as the masks
        // they replace, and match finite differences.
        assert_close("mean(hinge(S, y, 1))", &v, "S");
        assert_close("sum(hinge(S, y, 0.5) * y)", &v, "S");
        assert_close("mean(crossentropy(softmax(S), y))", &v, "S");
        let masked = reverse("mean(colsum(max(0, S - pick(S, y) + 1) * (1 - onehot(y, 3))))", &v, "S");
        let hinged = reverse("mean(hinge(S, y, 1))", &v, "S");
        for k in 0..masked.len() {
            prop_assert!((hinged[k] - masked[k]).abs() < 1e-12, "{k}: {} vs {}", hinged[k], masked[k]);
        }
        let picked = eval("-log(pick(softmax(S), y))", &v);
        let xent = eval("crossentropy(softmax(S), y)", &v);
        prop_assert_eq!(picked, xent);
        let st = s.transpose();
        let v = vars(&[("S", &st), ("y", &y)]);
        assert_close("mean(-log(rowpick(rowsoftmax(S), y)))", &v, "S");
    }
}

#[test]
fn softmax_is_stable_for_huge_scores() {
    let s = Tensor::from_row_slice(3, 1, &[1000.0, -1000.0, 999.0]);
    let v = vars(&[("s", &s)]);
    let p = eval("softmax(s)", &v);
    // e^0 / (e^0 + e^-2000 + e^-1) and e^-1 / (…), computed by hand.
    let e1 = (-1.0f64).exp();
    assert!((p[0] - 1.0 / (1.0 + e1)).abs() < 1e-15);
    assert_eq!(p[1], 0.0);
    assert!((p[2] - e1 / (1.0 + e1)).abs() < 1e-15);
    let all_low = eval("softmax(s - 3000)", &v);
    assert!(all_low.iter().all(|x| x.is_finite()));
    assert_eq!(eval("log(0)", &v)[0], f64::NEG_INFINITY);
    assert_eq!(eval("sigmoid(-1000)", &v)[0], 0.0);
    assert_eq!(eval("sigmoid(1000)", &v)[0], 1.0);
}

#[test]
fn explain_writes_the_slide_arithmetic() {
    let w = Tensor::from_row_slice(
        3,
        4,
        &[
            0.2, -0.5, 0.1, 2.0, 1.5, 1.3, 2.1, 0.0, 0.0, 0.25, 0.2, -0.3,
        ],
    );
    let x = Tensor::from_column_slice(4, 1, &[56.0, 231.0, 24.0, 2.0]);
    let b = Tensor::from_column_slice(3, 1, &[1.1, 3.2, -1.2]);
    let v = vars(&[("W", &w), ("x", &x), ("b", &b)]);
    let (g, r) = Graph::build(&parse_expr("W @ x + b").unwrap(), &v, false).unwrap();
    // The string of the issue and the lecture slide.
    assert_eq!(
        nntutor::lesson::format::arithmetic(&nntutor::engine::explain::explain(&g, r, 0, 0), 2),
        "(0.2 × 56) + (-0.5 × 231) + (0.1 × 24) + (2.0 × 2) + 1.1 = -96.8"
    );
    let s = Tensor::from_column_slice(3, 1, &[2.2, 2.5, -3.1]);
    let v = vars(&[("s", &s)]);
    let (g, r) = Graph::build(&parse_expr("max(0, s - s[2] + 1)").unwrap(), &v, false).unwrap();
    // The slide: max(0, 2.2 - (-3.1) + 1) = 6.3
    assert_eq!(
        nntutor::lesson::format::arithmetic(&nntutor::engine::explain::explain(&g, r, 0, 0), 2),
        "max(0, 2.2 - (-3.1) + 1) = 6.3"
    );
    // Lecture 004's L_1 and L_3, the correct class left out (Σ_{j≠y_i}).
    let s = Tensor::from_row_slice(3, 3, &[3.2, 1.3, 2.2, 5.1, 4.9, 2.5, -1.7, 2.0, -3.1]);
    let y = Tensor::from_row_slice(1, 3, &[0.0, 1.0, 2.0]);
    let v = vars(&[("S", &s), ("y", &y)]);
    let (g, r) = Graph::build(&parse_expr("hinge(S, y, 1)").unwrap(), &v, false).unwrap();
    let line =
        |j| nntutor::lesson::format::arithmetic(&nntutor::engine::explain::explain(&g, r, 0, j), 1);
    assert_eq!(
        line(0),
        "max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9 + 0 = 2.9"
    );
    assert_eq!(
        line(2),
        "max(0, 2.2 - (-3.1) + 1) + max(0, 2.5 - (-3.1) + 1) = 6.3 + 6.6 = 12.9"
    );
    // ReLU's derivative as the lecture writes it.
    let x = Tensor::from_row_slice(1, 2, &[0.5, -2.0]);
    let v = vars(&[("x", &x)]);
    let (g, r) = Graph::build(&parse_expr("x > 0").unwrap(), &v, false).unwrap();
    let line =
        |j| nntutor::lesson::format::arithmetic(&nntutor::engine::explain::explain(&g, r, 0, j), 0);
    assert_eq!(line(0), "1[0.50 > 0] = 1");
    assert_eq!(line(1), "1[-2 > 0] = 0");
}

#[test]
fn numgrad_matches_the_slide_definition() {
    // (L(W + h) - L(W)) / h for L = sum(W²) at W = 3 with h = 0.0001: (9.00060001 - 9) / 0.0001 = 6.0001.
    let w = Tensor::from_element(1, 1, 3.0);
    let mut env = HashMap::new();
    env.insert("W".to_string(), w);
    struct WithLoss(HashMap<String, Tensor>, nntutor::engine::Expr);
    impl Scope for WithLoss {
        fn binding(&self, name: &str) -> Option<Binding<'_>> {
            if name == "L" {
                return Some(Binding {
                    value: None,
                    formula: Some(&self.1),
                    shared: None,
                    selection: None,
                });
            }
            self.0.get(name).map(|v| Binding {
                value: Some(v),
                formula: None,
                shared: None,
                selection: None,
            })
        }
    }
    let scope = WithLoss(env, parse_expr("sum(W ^ 2)").unwrap());
    // The slide's one-sided difference: ((3 + h)² - 3²) / h = 6 + h.
    let (g, r) = Graph::build(
        &parse_expr("numgrad_forward(L, W, 0.0001)").unwrap(),
        &scope,
        false,
    )
    .unwrap();
    assert!((g.value(r)[0] - 6.0001).abs() < 1e-6, "{}", g.value(r)[0]);
    // Centered, ((3 + h)² - (3 - h)²) / 2h = 6 exactly, but for rounding.
    let (g, r) =
        Graph::build(&parse_expr("numgrad(L, W, 0.0001)").unwrap(), &scope, false).unwrap();
    assert!((g.value(r)[0] - 6.0).abs() < 1e-9, "{}", g.value(r)[0]);
    let (g, r) = Graph::build(&parse_expr("grad(L, W)").unwrap(), &scope, false).unwrap();
    assert_eq!(g.value(r)[0], 6.0);
}

/// A minibatch given as a selection of a data set's columns: products read
/// it in place, any other operation copies it out, and values and
/// gradients are those of the same columns given as a matrix, bit for bit.
#[test]
fn a_selected_minibatch_gives_the_bits_of_its_copy() {
    use nntutor::engine::kernels::Selection;
    use std::sync::Arc;
    struct Batch {
        w: Tensor,
        x: Selection,
    }
    impl Scope for Batch {
        fn binding(&self, name: &str) -> Option<Binding<'_>> {
            match name {
                "W" => Some(Binding {
                    value: Some(&self.w),
                    formula: None,
                    shared: None,
                    selection: None,
                }),
                "X" => Some(Binding {
                    value: None,
                    formula: None,
                    shared: None,
                    selection: Some(&self.x),
                }),
                _ => None,
            }
        }
    }
    let data = Arc::new(Tensor::from_fn(6, 40, |i, j| {
        ((i * 7 + j * 13) % 17) as f64 * 0.25 - 2.0
    }));
    // 20 samples, some twice, in a scrambled order.
    let pick: Vec<usize> = (0..20).map(|j| (j * 11 + 5) % 40 % 23).collect();
    let x = Selection::new(data, Arc::from(pick.clone())).unwrap();
    let copy = x.gather();
    // The copy holds exactly the picked columns.
    for (j, &p) in pick.iter().enumerate() {
        assert_eq!(copy[(3, j)], ((3 * 7 + p * 13) % 17) as f64 * 0.25 - 2.0);
    }
    // Away from relu's kink: no score is exactly 0.
    let w = Tensor::from_fn(3, 6, |i, p| {
        ((i * 5 + p * 3) % 7) as f64 * 0.13 - 0.37 + 0.011 * i as f64
    });
    let batch = Batch { w: w.clone(), x };
    let plain = vars(&[("W", &w), ("X", &copy)]);
    let bits = |t: &Tensor| t.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    for src in [
        "sum(softmax(W @ X))",
        "mean(relu(W @ X)) + 0.5 * sum(X ^ 2)",
        "sum((W @ X) * (W @ X))",
    ] {
        let e = parse_expr(src).unwrap();
        let (g1, r1) = Graph::build(&e, &batch, true).unwrap();
        let (g2, r2) = Graph::build(&e, &plain, true).unwrap();
        assert_eq!(bits(g1.value(r1)), bits(g2.value(r2)), "{src}");
        let w1 = g1.find("W").unwrap();
        let w2 = g2.find("W").unwrap();
        let d1 = g1.gradient_of(r1, w1).unwrap();
        let d2 = g2.gradient_of(r2, w2).unwrap();
        assert_eq!(bits(&d1), bits(&d2), "d/dW {src}");
        // And both agree with finite differences.
        assert_eq!(bits(&d2), bits(&reverse(src, &plain, "W")));
        let fd = central(src, &plain, "W");
        for (a, n) in d1.iter().zip(fd.iter()) {
            assert!((a - n).abs() <= 1e-6 * (1.0 + n.abs()), "{src}: {a} vs {n}");
        }
    }
}
