//! The built-in lessons: they check clean, and their numbers are the
//! lecture's (written here from the slides and hand computation, not from
//! the program).

#![allow(clippy::unwrap_used)]

mod common;

use nntutor::lesson::builtin::BUILTIN;
use nntutor::lesson::{SourceFile, Timeline};

use common::nntutor;

fn timeline(id: &str) -> Timeline {
    common::builtin::lesson(id).1
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
        "mlp",
        "activations",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with("ok") && l.contains(id)),
            "{out}"
        );
    }
}

#[test]
fn backprop_matches_the_lecture() {
    let t = timeline("backprop");
    // f = (x + y)·z at x = -2, y = 5, z = -4: q = 3, f = -12; ∂f/∂z = q = 3,
    // ∂f/∂q = z = -4 = ∂f/∂x = ∂f/∂y.
    close(&value(&t, "f"), &[-12.0], 1e-12);
    close(&value(&t, "df_dz"), &[3.0], 1e-12);
    close(&value(&t, "df_dx"), &[-4.0], 1e-12);
    close(&value(&t, "df_dy"), &[-4.0], 1e-12);
    // The sigmoid neuron: σ(2·-1 + -3·-2 - 3) = σ(1) = 0.7311, local
    // gradient σ(1)(1 - σ(1)) = 0.1966; weights get x·0.1966, inputs w·0.1966.
    let s1 = 1.0 / (1.0 + (-1.0f64).exp());
    let d = s1 * (1.0 - s1);
    close(&value(&t, "n"), &[s1], 1e-12);
    close(&value(&t, "dn_dw0"), &[-d], 1e-12);
    close(&value(&t, "dn_dw1"), &[-2.0 * d], 1e-12);
    close(&value(&t, "dn_dw2"), &[d], 1e-12);
    close(&value(&t, "dn_dx0"), &[2.0 * d], 1e-12);
    close(&value(&t, "dn_dx1"), &[-3.0 * d], 1e-12);
    close(&value(&t, "dn_dx0"), &[0.39], 0.005);
    close(&value(&t, "dn_dx1"), &[-0.59], 0.005);
}

#[test]
fn bird_car_step_matches_the_lecture() {
    let t = timeline("bird-car-step");
    // After one step W + (-1 × gradient): bird (1, 1), car (-2, -7);
    // scores 1·3 + 1·2 = 5 and -2·3 - 7·2 = -20; loss max(0, -20 - 5 + 1) = 0.
    close(&value(&t, "W"), &[1.0, 1.0, -2.0, -7.0], 1e-12);
    close(&value(&t, "s"), &[5.0, -20.0], 1e-12);
    close(&value(&t, "L"), &[0.0], 1e-12);
    // Before the step (step 5): scores -8, -7, loss 2, gradients ∓x.
    let before = &t.steps[4].values;
    let get = |n: &str| before[n].data.iter().copied().collect::<Vec<f64>>();
    assert_eq!(get("s"), [-8.0, -7.0]);
    assert_eq!(get("L"), [2.0]);
    // Column-major: bird/car for pixel 1, then pixel 2.
    assert_eq!(get("dL_dW"), [-3.0, 3.0, -2.0, 2.0]);
}

#[test]
fn cross_entropy_matches_the_lecture() {
    let t = timeline("cross-entropy");
    // D_KL(P ‖ uniform) for P = (0.36, 0.48, 0.16): the lecture's 0.0852996.
    close(&value(&t, "KL"), &[0.0852996], 5e-8);
    close(&value(&t, "gap"), &[0.0852996], 5e-8);
    // H(P, uniform over 3) = ln 3.
    close(&value(&t, "HPQ"), &[3f64.ln()], 1e-12);
    // One-hot cross-entropy: -ln 0.48.
    close(&value(&t, "CE"), &[-(0.48f64.ln())], 1e-12);
    // P is Binomial(2, 0.4): C(2, x) 0.4^x 0.6^(2 - x) for x = 0, 1, 2.
    let binomial: Vec<f64> = [(1.0, 0), (2.0, 1), (1.0, 2)]
        .iter()
        .map(|&(ways, k)| ways * 0.4f64.powi(k) * 0.6f64.powi(2 - k))
        .collect();
    close(&value(&t, "B"), &binomial, 1e-15);
    close(&binomial, &[0.36, 0.48, 0.16], 1e-15);
    // The slide's Q = 0.333: -H(P) - ln 0.333, not the 0.0852996 of 1/3.
    let h: f64 = -binomial.iter().map(|p| p * p.ln()).sum::<f64>();
    let slide = -h - 0.333f64.ln();
    close(&value(&t, "KLslide"), &[slide], 1e-12);
    close(&[slide], &[0.0863001], 5e-8);
    // The lecture's one-hot 6: -ln 0.8 = 0.223.
    close(&value(&t, "CE6"), &[-(0.8f64.ln())], 1e-15);
    close(&value(&t, "CE6"), &[0.223], 5e-4);
    // Softmax gradient p - y on the cat image: p(cat) = e^3.2 / Σ = 0.1300.
    let z = 3.2f64.exp() + 5.1f64.exp() + (-1.7f64).exp();
    let p = [3.2f64.exp() / z, 5.1f64.exp() / z, (-1.7f64).exp() / z];
    close(&value(&t, "dL_ds"), &[p[0] - 1.0, p[1], p[2]], 1e-12);
    // The log-sum-exp form: ln(e^3.2 + e^5.1 + e^-1.7) - 3.2 = -ln p(cat),
    // and its gradient the same p - y.
    close(&value(&t, "l"), &[z.ln() - 3.2], 1e-12);
    close(&value(&t, "l"), &[-(p[0].ln())], 1e-12);
    close(&value(&t, "dl_ds"), &[p[0] - 1.0, p[1], p[2]], 1e-12);
    let (code, out, _) = common::nntutor(&["export", "cross-entropy"]);
    assert_eq!(code, 0);
    // The cat's score collects both parts, written to add up.
    assert!(out.contains("∂l/∂s[cat] = -1 + 0.13 = -0.87"), "{out}");
    // Two classes: softmax(2, 0.5)[0] = σ(1.5) = 0.8176.
    close(&value(&t, "sg"), &[1.0 / (1.0 + (-1.5f64).exp())], 1e-12);
}

#[test]
fn softmax_is_a_soft_max() {
    let t = timeline("softmax");
    let s = [3.2f64, 5.1, -1.7];
    let softmax = |scale: f64| -> Vec<f64> {
        let e: Vec<f64> = s.iter().map(|v| (scale * v).exp()).collect();
        let z: f64 = e.iter().sum();
        e.iter().map(|v| v / z).collect()
    };
    close(&value(&t, "Phalf"), &softmax(0.5), 1e-12);
    close(&value(&t, "P5"), &softmax(5.0), 1e-12);
    // Halved: less sure of car than at scale 1; times 5: car above 0.9999.
    assert!(softmax(0.5)[1] < softmax(1.0)[1]);
    assert!(value(&t, "P5")[1] > 0.9999);
    // p_car over the scales: 1/3 at 0, then rising all the way.
    let pcar = value(&t, "pcar");
    close(&pcar[..1], &[1.0 / 3.0], 1e-15);
    assert!(pcar.windows(2).all(|w| w[1] > w[0]), "{pcar:?}");
    close(&pcar[4..5], &softmax(1.0)[1..2], 1e-12);
}

#[test]
fn softmax_vs_svm_matches_the_lecture() {
    let t = timeline("softmax-vs-svm");
    close(&value(&t, "Lsvm"), &[0.0, 0.0, 0.0], 0.0);
    // ln(1 + e^-12 + e^-7), ln(1 + 2/e), and 0 for case 3 in doubles.
    let case1 = (1.0 + (-12f64).exp() + (-7f64).exp()).ln();
    let case2 = (1.0 + 2.0 * (-1f64).exp()).ln();
    close(&value(&t, "Lsm"), &[case1, case2, 0.0], 1e-12);
}

#[test]
fn the_second_example_of_the_lectures() {
    // W x + b with W = [[0.01, -0.05, 0.1, 0.05], [0.7, 0.2, 0.05, 0.16],
    // [0, -0.45, -0.2, 0.03]], x = (-15, 22, -44, 56), b = (0, 0.2, -0.3):
    // -0.15 - 1.1 - 4.4 + 2.8 = -2.85; -10.5 + 4.4 - 2.2 + 8.96 + 0.2 = 0.86;
    // -9.9 + 8.8 + 1.68 - 0.3 = 0.28. True class 2.
    let svm = timeline("svm");
    close(&value(&svm, "sd"), &[-2.85, 0.86, 0.28], 1e-12);
    close(&value(&svm, "Ld"), &[1.58], 1e-12);
    let sm = timeline("softmax");
    let e = [(-2.85f64).exp(), 0.86f64.exp(), 0.28f64.exp()];
    let z: f64 = e.iter().sum();
    close(&value(&sm, "pd"), &[e[0] / z, e[1] / z, e[2] / z], 1e-12);
    close(&value(&sm, "pd"), &[0.015, 0.631, 0.353], 0.0005);
    close(&value(&sm, "Ld"), &[1.04], 0.005);
    close(&value(&sm, "Ld10"), &[0.452], 0.0005);
}

#[test]
fn regularization_by_hand() {
    let t = timeline("regularization");
    // W of the linear classifier lesson: squares 0.04 + 0.25 + 0.01 + 4
    // + 2.25 + 1.69 + 4.41 + 0 + 0 + 0.0625 + 0.04 + 0.09 = 12.8425;
    // absolute values 2.8 + 4.9 + 0.75 = 8.45.
    close(&value(&t, "R2"), &[12.8425], 1e-12);
    close(&value(&t, "R1"), &[8.45], 1e-12);
    close(&value(&t, "Ren"), &[0.5 * 12.8425 + 8.45], 1e-12);
    // Data loss (2.9 + 0 + 12.9) / 3, plus 0.1 × 12.8425.
    close(&value(&t, "total"), &[15.8 / 3.0 + 1.28425], 1e-12);
    close(&value(&t, "R2double"), &[4.0 * 12.8425], 1e-12);
}

#[test]
fn activations_by_hand() {
    let t = timeline("activations");
    let sigmoid = |v: f64| 1.0 / (1.0 + (-v).exp());
    let z = [-3.0, -1.0, 0.0, 1.0, 3.0];
    let dsig: Vec<f64> = z.iter().map(|&v| sigmoid(v) * (1.0 - sigmoid(v))).collect();
    close(&value(&t, "dsig"), &dsig, 1e-12);
    // Backpropagation gives the same derivatives.
    close(&value(&t, "dLsig_dz"), &dsig, 1e-12);
    let dth: Vec<f64> = z.iter().map(|&v: &f64| 1.0 - v.tanh().powi(2)).collect();
    close(&value(&t, "dth"), &dth, 1e-12);
    close(&value(&t, "dr"), &[0.0, 0.0, 0.0, 1.0, 1.0], 0.0);
    close(&value(&t, "dmo"), &[-0.5, -0.5, 1.0, 1.0, 1.0], 0.0);
    // The lecture's leaky ReLU, max(0.1 z, z).
    close(&value(&t, "lr"), &[-0.3, -0.1, 0.0, 1.0, 3.0], 1e-12);
    // Five sigmoids from a = 1: the product of the five local derivatives.
    let mut h = 1.0;
    let mut grad = 1.0;
    for _ in 0..5 {
        grad *= sigmoid(h) * (1.0 - sigmoid(h));
        h = sigmoid(h);
    }
    close(&value(&t, "h5"), &[h], 1e-12);
    close(&value(&t, "dh5_da"), &[grad], 1e-12);
    assert!(grad < 0.0005 && grad > 0.00048, "{grad}");
    // What the text says of it: the first and last local derivatives
    // (0.197, 0.225), 0.2⁵ = 0.00032, and the last layer's gradient
    // against the first's, about 460 times.
    let (first, last) = (sigmoid(1.0) * (1.0 - sigmoid(1.0)), {
        let h4 = (0..4).fold(1.0, |h, _| sigmoid(h));
        sigmoid(h4) * (1.0 - sigmoid(h4))
    });
    let text = step_text("activations", "The gradient shrinks at every layer");
    assert!(
        text.contains(&format!("{first:.3} at the first")),
        "{first}"
    );
    assert!(text.contains(&format!("{last:.3} at the last")), "{last}");
    assert!(text.contains(&format!("0.2⁵ = {:.5}", 0.2f64.powi(5))));
    let ratio = last / grad;
    assert!((ratio - 460.0).abs() < 5.0, "{ratio}");
    assert!(text.contains("about 460 times smaller"));
}

/// The text of the step titled `title` of a built-in lesson.
fn step_text(id: &str, title: &str) -> String {
    let (lesson, _) = common::builtin::lesson(id);
    let step = lesson.steps.iter().find(|s| s.title == title).unwrap();
    step.text.clone()
}

/// The optimization lesson's gradient checks against an independent
/// softmax loss written here: its centered and one-sided differences, and
/// what the text says of them.
fn gradient_checks(t: &Timeline) {
    let at = |k: usize, name: &str| -> Vec<f64> {
        let d = &t.steps[k].values[name].data;
        (0..d.nrows())
            .flat_map(|i| (0..d.ncols()).map(move |j| d[(i, j)]))
            .collect()
    };
    // Steps 8 to 11: gn, ga, relerr, gf, relerr_f (0-based 6..=10).
    let (x, labels, b) = (
        &t.steps[6].values["X"].data,
        &t.steps[6].values["X_labels"].data,
        at(6, "b"),
    );
    let reg = t.steps[6].values["reg"].data[0];
    let loss = |w: &[f64]| -> f64 {
        let n = x.ncols();
        let mut total = 0.0;
        for s in 0..n {
            let scores: Vec<f64> = (0..3)
                .map(|c| w[2 * c] * x[(0, s)] + w[2 * c + 1] * x[(1, s)] + b[c])
                .collect();
            let sum: f64 = scores.iter().map(|v| v.exp()).sum();
            total -= (scores[labels[(0, s)] as usize].exp() / sum).ln();
        }
        total / n as f64 + 0.5 * reg * w.iter().map(|v| v * v).sum::<f64>()
    };
    let w = at(6, "W");
    let h = 1e-5;
    let nudged = |k: usize, by: f64| {
        let mut m = w.clone();
        m[k] += by;
        loss(&m)
    };
    let centered: Vec<f64> = (0..6)
        .map(|k| (nudged(k, h) - nudged(k, -h)) / (2.0 * h))
        .collect();
    let forward: Vec<f64> = (0..6).map(|k| (nudged(k, h) - loss(&w)) / h).collect();
    close(&at(7, "gn"), &centered, 1e-8);
    close(&at(9, "gf"), &forward, 1e-8);
    let ga = at(8, "ga");
    let rel = |g: &[f64]| {
        let num: f64 = ga.iter().zip(g).map(|(a, n)| (a - n).abs()).sum();
        let den: f64 = ga.iter().zip(g).map(|(a, n)| a.abs() + n.abs()).sum();
        num / den
    };
    // Centered, what is left is rounding: here or in the engine, below 10⁻⁹.
    assert!(rel(&centered) < 1e-9, "{}", rel(&centered));
    let (rc, rf) = (rel(&at(7, "gn")), rel(&at(9, "gf")));
    close(&at(9, "relerr"), &[rc], 1e-20);
    close(&at(10, "relerr_f"), &[rf], 1e-20);
    close(&[rf], &[rel(&forward)], 1e-8);
    // The text: 1.5·10⁻¹⁰ and 2.4·10⁻⁶, about 15,500 times apart, and the
    // worst element one-sided 2.5·10⁻⁵, at the smallest gradient 0.0027.
    assert!((rc - 1.5e-10).abs() < 0.05e-10, "{rc}");
    assert!((rf - 2.4e-6).abs() < 0.05e-6, "{rf}");
    assert_eq!((rf / rc / 500.0).round() * 500.0, 15500.0, "{}", rf / rc);
    let worst = ga
        .iter()
        .zip(&forward)
        .map(|(a, n)| (a - n).abs() / (a.abs() + n.abs()))
        .enumerate()
        .fold((0, 0.0f64), |m, (k, r)| if r > m.1 { (k, r) } else { m });
    assert!((worst.1 - 2.5e-5).abs() < 0.05e-5, "{worst:?}");
    let smallest = ga.iter().map(|g| g.abs()).fold(f64::INFINITY, f64::min);
    assert_eq!(ga[worst.0].abs(), smallest);
    assert_eq!(format!("{smallest:.4}"), "0.0027");
    let text = step_text("optimization", "The one-sided check");
    assert!(text.contains("2.4·10⁻⁶, about 15,500 times") && text.contains("2.5·10⁻⁵"));
}

#[test]
fn optimization_numbers_and_curves() {
    let t = timeline("optimization");
    // The slides: (1.25322 - 1.25347) / 0.0001 = -2.5, (1.25353 - 1.25347) / 0.0001 = 0.6.
    close(&value(&t, "g1"), &[-2.5], 1e-9);
    close(&value(&t, "g2"), &[0.6], 1e-9);
    gradient_checks(&t);
    let curve = |step: usize| match &t.steps[step].detail {
        nntutor::lesson::Detail::Train(tr) => {
            tr.curves[0].1.iter().map(|p| p.1).collect::<Vec<f64>>()
        }
        other => panic!("step {} is not training: {other:?}", step + 1),
    };
    // Full-batch descent with a small enough step never goes uphill...
    let full = curve(11);
    assert!(full.windows(2).all(|w| w[1] <= w[0] + 1e-12), "{full:?}");
    assert!(full.last().unwrap() < full.first().unwrap());
    // ...while minibatches of 16 make the loss wiggle.
    let sgd = curve(19);
    assert!(sgd.windows(2).any(|w| w[1] > w[0]), "{sgd:?}");
    // The smaller the minibatch, the more the tracked loss jumps around.
    let wiggle = |c: &[f64]| c.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>();
    let (eight, many) = (curve(21), curve(23));
    assert!(
        wiggle(&eight) > wiggle(&many),
        "{} vs {}",
        wiggle(&eight),
        wiggle(&many)
    );
    // Each SGD run starts again from the same W and b: the loss on all the
    // data at its iteration 0 is the same each time. The minibatch's own
    // loss is labelled as such; the loss on all the data is not.
    let all = |step: usize| match &t.steps[step].detail {
        nntutor::lesson::Detail::Train(tr) => {
            assert_eq!(tr.curves[1].0, "Lall");
            assert_eq!(tr.on_minibatch, [true, false]);
            tr.curves[1].1.iter().map(|p| p.1).collect::<Vec<f64>>()
        }
        other => panic!("step {} is not training: {other:?}", step + 1),
    };
    // The step-size runs start from the lesson's starting W too (the same
    // seed, b = 0), on the same data.
    let (lesson, _) = common::builtin::lesson("optimization");
    let sizes = lesson
        .steps
        .iter()
        .position(|s| s.title == "Three step sizes, trained")
        .unwrap();
    let start = curve(sizes)[0];
    for step in [19, 21, 23] {
        assert_eq!(all(step)[0], start, "step {}", step + 1);
    }
    // On all the data the curve is steadier than on minibatches of 8.
    assert!(wiggle(&all(21)) < wiggle(&eight));
    // Random search keeps its best: no trial beats the recorded best.
    match &t.steps[5].detail {
        nntutor::lesson::Detail::Search(s) => {
            assert!(s.losses.iter().all(|&l| l >= s.best_loss));
            assert_eq!(s.losses[s.best_trial], s.best_loss);
        }
        other => panic!("step 6 is not a search: {other:?}"),
    }
}

#[test]
fn logistic_regression_by_hand() {
    let t = timeline("logistic-regression");
    let sigmoid = |v: f64| 1.0 / (1.0 + (-v).exp());
    let test = [8.0, 7.0, 3.0, 5.0, 2.0, 9.0];
    let grades = [9.0, 6.0, 4.0, 5.0, 3.0, 7.0];
    let y = [1.0, 1.0, 0.0, 0.0, 0.0, 1.0];
    let p: Vec<f64> = (0..6)
        .map(|k| sigmoid(0.5 * test[k] + 0.5 * grades[k] - 5.0))
        .collect();
    let log_lik: f64 = (0..6)
        .map(|k| y[k] * p[k].ln() + (1.0 - y[k]) * (1.0 - p[k]).ln())
        .sum();
    let step = 5; // after "The log-loss"
    let at = |name: &str| {
        t.steps[step].values[name]
            .data
            .iter()
            .copied()
            .collect::<Vec<f64>>()
    };
    close(&at("p"), &p, 1e-12);
    close(&at("J"), &[-log_lik / 6.0], 1e-12);
    // Σ (y - h) x_j, and the cost's gradient -(1/m) of it.
    let ascent = [
        (0..6).map(|k| (y[k] - p[k]) * test[k]).sum::<f64>(),
        (0..6).map(|k| (y[k] - p[k]) * grades[k]).sum::<f64>(),
    ];
    close(
        &t.steps[5].values["ascent"]
            .data
            .iter()
            .copied()
            .collect::<Vec<f64>>(),
        &ascent,
        1e-12,
    );
    close(
        &t.steps[6].values["dJ"]
            .data
            .iter()
            .copied()
            .collect::<Vec<f64>>(),
        &[-ascent[0] / 6.0, -ascent[1] / 6.0],
        1e-12,
    );
    // The step on D: w + 0.01·(0 - 0.5)·(5, 5), b - 0.005; D's new chance σ(-0.255).
    close(&value(&t, "w"), &[0.475, 0.475], 1e-12);
    close(&value(&t, "b"), &[-5.005], 1e-12);
    close(&[value(&t, "p")[3]], &[sigmoid(-0.255)], 1e-12);
}

#[test]
fn mlp_by_hand() {
    let t = timeline("mlp");
    // x = (2, 1): net1 = (2 - 1, 1 + 2, -2 + 1) = (1, 3, -1), ReLU (1, 3, 0),
    // o = 1 + 1.5 = 2.5, E = ½ 1.5² = 1.125. δ_out = 1.5; ∂E/∂W2 = (1.5, 4.5, 0);
    // hidden deltas (1·1.5, 0.5·1.5, 0) = (1.5, 0.75, 0); ∂E/∂W1 = δ xᵀ.
    let before = &t.steps[9].values;
    let get = |n: &str| {
        before[n]
            .data
            .transpose()
            .iter()
            .copied()
            .collect::<Vec<f64>>()
    };
    assert_eq!(get("o"), [2.5]);
    assert_eq!(get("E"), [1.125]);
    assert_eq!(get("dE_dW2"), [1.5, 4.5, 0.0]);
    assert_eq!(get("dE_dW1"), [3.0, 1.5, 1.5, 0.75, 0.0, 0.0]);
    // After W -= 0.1 ∂E/∂W: net1 = (1.4 - 1.15, 0.7 + 1.925, -1), o = 0.85·0.25 + 0.05·2.625.
    let o = 0.85 * 0.25 + 0.05 * 2.625;
    close(&value(&t, "o"), &[o], 1e-12);
    close(&value(&t, "E"), &[0.5 * (o - 1.0) * (o - 1.0)], 1e-12);
    // The minibatch has the MNIST slide's shapes.
    assert_eq!(t.steps.last().unwrap().values["Sb"].data.shape(), (100, 10));
}

#[test]
fn linear_models_by_hand() {
    let t = timeline("linear-models");
    // s = (3.5, 1.5, -1.5, 0, -2.5, 3) against y = (1, 1, 0, 0, 0, 1):
    // squared errors 6.25 + 0.25 + 2.25 + 0 + 6.25 + 4 = 19, over 6.
    close(&value(&t, "Lsq"), &[19.0 / 6.0], 1e-12);
    close(&value(&t, "step"), &[1.0, 1.0, 0.0, 1.0, 0.0, 1.0], 0.0);
    // t·s = (3.5, 1.5, 1.5, 0, 2.5, 3): none below 0, so the perceptron
    // criterion max(0, -t·s) is 0 everywhere, D included.
    close(&value(&t, "Lperc"), &[0.0], 0.0);
    // Only D (t = -1, s = 0) has a hinge: 1, over 6.
    close(&value(&t, "Lhinge"), &[1.0 / 6.0], 1e-12);
    let llog = value(&t, "Llog")[0];
    close(&value(&t, "Lce"), &[llog], 1e-12);
    // Log-loss of σ(s) against y, term by term.
    let s = [3.5f64, 1.5, -1.5, 0.0, -2.5, 3.0];
    let y = [1.0, 1.0, 0.0, 0.0, 0.0, 1.0];
    let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
    let want = -(0..6)
        .map(|k| y[k] * sig(s[k]).ln() + (1.0 - y[k]) * (1.0 - sig(s[k])).ln())
        .sum::<f64>()
        / 6.0;
    close(&[llog], &[want], 1e-12);
}

#[test]
fn an_evaluation_can_be_stopped() {
    let b = BUILTIN
        .iter()
        .find(|b| b.file == "optimization.toml")
        .unwrap();
    let cancel = nntutor::lesson::eval::Cancel::default();
    cancel.cancel();
    let loaded = nntutor::lesson::load_until(SourceFile::new(b.file, b.text), &cancel);
    assert!(loaded.timeline.is_none());
    let messages: Vec<&str> = loaded
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    // Step 6 is the first that repeats: the search stops before its first trial.
    assert!(
        messages
            .iter()
            .any(|m| m.contains("step 6") && m.contains("interrupted at trial 0 of 50")),
        "{messages:?}"
    );
}

#[test]
fn three_step_sizes_creep_descend_and_bounce() {
    use nntutor::lesson::timeline::Detail;
    let t = timeline("optimization");
    let curves = t
        .steps
        .iter()
        .find_map(|s| match &s.detail {
            Detail::Train(run) if run.curves.iter().any(|(n, _)| n == "Lsmall") => {
                Some(&run.curves)
            }
            _ => None,
        })
        .expect("the step-size training");
    let curve = |name: &str| -> Vec<f64> {
        let (_, c) = curves.iter().find(|(n, _)| n == name).unwrap();
        c.iter().map(|&(_, v)| v).collect()
    };
    let (small, right, large) = (curve("Lsmall"), curve("Lright"), curve("Llarge"));
    // One seed, one starting W: one starting loss, bit for bit.
    assert_eq!(small[0].to_bits(), right[0].to_bits());
    assert_eq!(small[0].to_bits(), large[0].to_bits());
    // Step size 0.05 on a convex loss: every step goes down, a little.
    assert!(small.windows(2).all(|w| w[1] < w[0]), "{small:?}");
    // Step size 1 ends far below it.
    let end = |c: &[f64]| *c.last().unwrap();
    assert!(end(&right) < end(&small) - 0.2, "{right:?} {small:?}");
    // Step size 25 overshoots: it goes up at times, over its second half
    // it sits above where it started, and it never gets near the bottom.
    assert!(large.windows(2).any(|w| w[1] > w[0]), "{large:?}");
    let tail = &large[large.len() / 2..];
    let mean = tail.iter().sum::<f64>() / tail.len() as f64;
    assert!(mean > large[0], "{mean} {large:?}");
    assert!(tail.iter().all(|&v| v > end(&right)), "{large:?}");
}

#[test]
fn a_value_feeding_two_nodes_gathers_both_gradients() {
    let t = timeline("backprop");
    // k = a·b + a at a = 3, b = -4: by hand k = -9, ∂k/∂a = b + 1 = -3
    // (b × 1 through the multiply, 1 × 1 through the add), ∂k/∂b = a = 3.
    let (a, b) = (3.0, -4.0);
    close(&value(&t, "k"), &[a * b + a], 0.0);
    close(&value(&t, "dk_da"), &[b * 1.0 + 1.0], 0.0);
    close(&value(&t, "dk_db"), &[a], 0.0);
    // The walk-through writes the sum, and it adds up.
    let (code, out, _) = common::nntutor(&["export", "backprop"]);
    assert_eq!(code, 0);
    let line = out
        .lines()
        .find(|l| l.contains("a term from each of its 2 uses"))
        .unwrap();
    assert_eq!(
        line.trim(),
        "∂k/∂a = 1 + -4 = -3, a term from each of its 2 uses"
    );
}

#[test]
fn the_ten_class_table_under_both_losses() {
    let t = timeline("softmax-vs-svm");
    // Lecture 001's table, column by column (cat, car, frog image), and the
    // correct classes cat (3), automobile (1), frog (6).
    let s = [
        [
            -3.45, -8.87, 0.09, 2.9, 4.48, 8.02, 3.78, 1.06, -0.36, -0.72,
        ],
        [
            -0.51, 6.04, 5.31, -4.22, -4.19, 3.58, 4.49, -4.37, -2.09, -2.93,
        ],
        [3.42, 4.64, 2.65, 5.1, 2.64, 5.55, -4.34, -1.5, -4.79, 6.14],
    ];
    let y = [3, 1, 6];
    let svm: Vec<f64> = (0..3)
        .map(|i| {
            (0..10)
                .filter(|&j| j != y[i])
                .map(|j| (s[i][j] - s[i][y[i]] + 1.0f64).max(0.0))
                .sum()
        })
        .collect();
    let softmax: Vec<f64> = (0..3)
        .map(|i| {
            let z: f64 = s[i].iter().map(|v: &f64| v.exp()).sum();
            -(s[i][y[i]].exp() / z).ln()
        })
        .collect();
    close(&value(&t, "Lsvm10"), &svm, 1e-12);
    close(&value(&t, "Lsm10"), &softmax, 1e-12);
    close(
        &value(&t, "Lsvm10m"),
        &[svm.iter().sum::<f64>() / 3.0],
        1e-12,
    );
    close(
        &value(&t, "Lsm10m"),
        &[softmax.iter().sum::<f64>() / 3.0],
        1e-12,
    );
    // What the text says: the cat image pays for deer, dog and frog only;
    // the frog image for all nine, ship's 0.55 included; each softmax loss
    // against its gap to the best score (5.12, 10.48).
    let shortfall = |i: usize, j: usize| (s[i][j] - s[i][y[i]] + 1.0f64).max(0.0);
    let paid: Vec<usize> = (0..10)
        .filter(|&j| j != y[0] && shortfall(0, j) > 0.0)
        .collect();
    assert_eq!(paid, [4, 5, 6]);
    assert!((0..10).filter(|&j| j != 6).all(|j| shortfall(2, j) > 0.0));
    assert!((shortfall(2, 8) - 0.55).abs() < 1e-12);
    let gap = |i: usize| s[i].iter().cloned().fold(f64::MIN, f64::max) - s[i][y[i]];
    assert!((gap(0) - 5.12).abs() < 1e-9 && (gap(2) - 10.48).abs() < 1e-9);
    let mut frog = s[2];
    frog.sort_by(f64::total_cmp);
    assert_eq!(frog[1], -4.34, "second lowest");
}

#[test]
fn the_tea_temperature_by_hand() {
    let t = timeline("tea-temperature");
    // The lesson's own bowl: bad(T) = (T - 62)² / 50.
    let bad = |x: f64| (x - 62.0).powi(2) / 50.0;
    let grid: Vec<f64> = (0..17).map(|k| 20.0 + 5.0 * k as f64).collect();
    let at = |k: usize, name: &str| -> Vec<f64> {
        t.steps[k].values[name].data.iter().copied().collect()
    };
    close(
        &at(1, "bad"),
        &grid.iter().map(|&x| bad(x)).collect::<Vec<_>>(),
        1e-12,
    );
    // The best cup tasted: 60 °C, 0.08.
    close(&at(2, "best"), &[bad(60.0)], 1e-12);
    close(&[bad(60.0)], &[0.08], 1e-12);
    // The lecture's slope, (f(45) - f(40)) / 5, and smaller steps heading
    // for the derivative 2 (40 - 62) / 50 = -0.88.
    close(&at(3, "slope"), &[(bad(45.0) - bad(40.0)) / 5.0], 1e-12);
    let hs = [5.0, 1.0, 0.1, 0.01, 0.001];
    let slopes: Vec<f64> = hs.iter().map(|h| (bad(40.0 + h) - bad(40.0)) / h).collect();
    close(&at(4, "slopes"), &slopes, 1e-9);
    close(&at(5, "dbad"), &[-0.88], 1e-12);
    close(&at(7, "dtea_dt"), &[-0.88], 1e-12);
    // Descent: t ← t - 20 · 2 (t - 62) / 50, from 40: 57.6, 61.12, ...
    let tracked = match &t.steps[8].detail {
        nntutor::lesson::Detail::Train(tr) => tr.curves[1].1.clone(),
        other => panic!("step 9 is not training: {other:?}"),
    };
    let mut x = 40.0;
    for (k, &(it, v)) in tracked.iter().enumerate() {
        assert_eq!(it, k);
        assert!((v - x).abs() < 1e-9, "iteration {k}: {v} against {x}");
        x -= 20.0 * 2.0 * (x - 62.0) / 50.0;
    }
    assert!((tracked[1].1 - 57.6).abs() < 1e-12);
    assert!((value(&t, "t")[0] - 62.0).abs() < 1e-6);
}

#[test]
fn in_order_updates_see_the_ones_before_them() {
    // Momentum on L = w², by hand: ∂L/∂w = 2w.
    let text = r#"
id = "io"
title = "io"
[given]
w = 2.0
m = 0.0
lr = 0.1
[[steps]]
title = "L"
let = "L = w ^ 2"
[[steps]]
title = "in order"
update = ["m = 0.5 * m + grad(L, w)", "w = w - lr * m"]
in_order = true
[[steps]]
title = "together"
update = ["m = 0.5 * m + grad(L, w)", "w = w - lr * m"]
[[steps]]
title = "trained in order"
train = { steps = 2, update = ["m = 0.5 * m + grad(L, w)", "w = w - lr * m"] }
in_order = true
"#;
    let loaded = nntutor::lesson::load(SourceFile::new("io.toml", text));
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let t = loaded.timeline.unwrap();
    let at = |k: usize, n: &str| t.steps[k].values[n].data[0];
    // In order: m = 0.5·0 + 2·2 = 4, then w = 2 - 0.1·4 = 1.6 (the new m).
    assert_eq!((at(1, "m"), at(1, "w")), (4.0, 2.0 - 0.1 * 4.0));
    // Together: m = 0.5·4 + 2·1.6 = 5.2, w = 1.6 - 0.1·4 (the old m).
    let (m, w) = (0.5 * 4.0 + 2.0 * 1.6, 1.6 - 0.1 * 4.0);
    assert_eq!((at(2, "m"), at(2, "w")), (m, w));
    // Two iterations in order, each gradient at the iteration's start.
    let (mut m, mut w) = (m, w);
    for _ in 0..2 {
        m = 0.5 * m + 2.0 * w;
        w -= 0.1 * m;
    }
    assert_eq!((at(3, "m"), at(3, "w")), (m, w));
}

#[test]
fn optimizers_by_hand() {
    let t = timeline("optimizers");
    let at =
        |k: usize, n: &str| -> Vec<f64> { t.steps[k].values[n].data.iter().copied().collect() };
    // The bowl L = 10 w₁² + 0.1 w₂² at w = (1, 1): gradients (20, 0.2).
    close(&at(0, "Lts"), &[10.1], 1e-12);
    // SGD with η = 0.04: (1 - 0.8, 1 - 0.008); momentum's first step from
    // v = 0 is the same.
    close(&at(1, "ws"), &[0.2, 0.992], 1e-12);
    close(&at(3, "wm"), &[0.2, 0.992], 1e-12);
    // Adam: m = 0.1 g, s = 0.001 g², and m / (1 - 0.9) over √(s / (1 - 0.999))
    // is g / |g| = 1 for both: each weight moves by η, to 0.96 (short of
    // it by η·ε/√ŝ, 2e-9 at most, for the ε = 1e-8 in the denominator).
    close(&at(5, "mt"), &[2.0, 0.02], 1e-12);
    close(&at(5, "st"), &[0.4, 0.00004], 1e-15);
    close(&at(6, "wa"), &[0.96, 0.96], 2.1e-9);
    // The network's untrained loss, computed here from its weights:
    // (1/N) Σ -log softmax(W2 relu(W1 x + b1))_y.
    let v = &t.steps[8].values;
    let (x, y) = (&v["X"].data, &v["X_labels"].data);
    let (w1, b1, w2) = (&v["W1s"].data, &v["b1s"].data, &v["W2s"].data);
    let n = x.ncols();
    let mut total = 0.0;
    for s in 0..n {
        let h: Vec<f64> = (0..64)
            .map(|i| (w1[(i, 0)] * x[(0, s)] + w1[(i, 1)] * x[(1, s)] + b1[(i, 0)]).max(0.0))
            .collect();
        let scores: Vec<f64> = (0..3)
            .map(|c| (0..64).map(|i| w2[(c, i)] * h[i]).sum())
            .collect();
        let z: f64 = scores.iter().map(|v| v.exp()).sum();
        total -= (scores[y[(0, s)] as usize].exp() / z).ln();
    }
    close(&at(8, "Ls"), &[total / n as f64], 1e-12);
    // What the last step says: where each run ends, and when each first
    // goes below 0.2.
    let curve = |k: usize| match &t.steps[k].detail {
        nntutor::lesson::Detail::Train(tr) => tr.curves[0].1.clone(),
        other => panic!("step {} is not training: {other:?}", k + 1),
    };
    let below = |c: &[(usize, f64)]| c.iter().find(|p| p.1 < 0.2).map(|p| p.0);
    let (sgd, momentum, adam) = (curve(9), curve(11), curve(13));
    assert_eq!(
        (below(&sgd), below(&momentum), below(&adam)),
        (Some(255), Some(40), Some(50))
    );
    let last = |c: &[(usize, f64)]| format!("{:.3}", c.last().unwrap().1);
    assert_eq!(
        (last(&sgd), last(&momentum), last(&adam)),
        ("0.123".into(), "0.030".into(), "0.021".into())
    );
}

/// (1/N) Σ -log softmax(W5 a(W4 a(W3 a(W2 a(W1 x + b1)))))_y for one of
/// the deep-networks lesson's two networks, written out here.
fn deep_loss(v: &nntutor::lesson::timeline::Values, suffix: &str, act: fn(f64) -> f64) -> f64 {
    let w = |l: usize| v[format!("W{l}{suffix}").as_str()].data.clone();
    let b1 = v[format!("b1{suffix}").as_str()].data.clone();
    let (x, y) = (&v["X"].data, &v["X_labels"].data);
    let mut total = 0.0;
    for s in 0..x.ncols() {
        let mut h: Vec<f64> = vec![x[(0, s)], x[(1, s)]];
        for l in 1..=5 {
            let m = w(l);
            let mut out: Vec<f64> = (0..m.nrows())
                .map(|i| (0..m.ncols()).map(|j| m[(i, j)] * h[j]).sum::<f64>())
                .collect();
            if l == 1 {
                out.iter_mut()
                    .enumerate()
                    .for_each(|(i, o)| *o += b1[(i, 0)]);
            }
            h = if l < 5 {
                out.into_iter().map(act).collect()
            } else {
                out
            };
        }
        let z: f64 = h.iter().map(|v| v.exp()).sum();
        total -= (h[y[(0, s)] as usize].exp() / z).ln();
    }
    total / x.ncols() as f64
}

#[test]
fn deep_networks_by_hand() {
    let t = timeline("deep-networks");
    let sigmoid = |v: f64| 1.0 / (1.0 + (-v).exp());
    let v = &t.steps[1].values;
    close(
        &v["Ls"].data.iter().copied().collect::<Vec<_>>(),
        &[deep_loss(v, "s", sigmoid)],
        1e-12,
    );
    let v = &t.steps[3].values;
    close(
        &v["Lr"].data.iter().copied().collect::<Vec<_>>(),
        &[deep_loss(v, "r", |x: f64| x.max(0.0))],
        1e-12,
    );
    // The gradients layer by layer: the sigmoid network's first is about a
    // hundredth of its last; the ReLU network's first more than a quarter
    // of every other.
    let ns: Vec<f64> = t.steps[2].values["ns"].data.iter().copied().collect();
    let nr: Vec<f64> = t.steps[4].values["nr"].data.iter().copied().collect();
    assert!(ns.windows(2).all(|w| w[0] < w[1]), "{ns:?}");
    assert!(
        (95.0..110.0).contains(&(ns[4] / ns[0])),
        "{}",
        ns[4] / ns[0]
    );
    assert!(nr.iter().all(|&n| nr[0] > n / 4.0), "{nr:?}");
    assert_eq!(format!("{:.2}", nr[0]), "0.26");
    assert_eq!(
        format!("{:.2}", nr.iter().cloned().fold(0.0, f64::max)),
        "0.94"
    );
    let curve = |k: usize, i: usize| match &t.steps[k].detail {
        nntutor::lesson::Detail::Train(tr) => tr.curves[i].1.clone(),
        other => panic!("step {} is not training: {other:?}", k + 1),
    };
    let (ls, g1s, lr) = (curve(9, 0), curve(9, 1), curve(10, 0));
    let at = |c: &[(usize, f64)], it: usize| c.iter().find(|p| p.0 == it).unwrap().1;
    // What the last step says.
    assert_eq!(format!("{:.2}", at(&lr, 20)), "0.53");
    assert_eq!(format!("{:.3}", at(&lr, 500)), "0.048");
    assert_eq!(format!("{:.3}", at(&ls, 500)), "0.795");
    assert!(
        ls.iter()
            .filter(|p| p.0 >= 20 && p.0 <= 100)
            .all(|p| (p.1 - 1.08).abs() < 0.015),
        "{ls:?}"
    );
    // "Between 0.004 and 0.021", to three decimals.
    assert!(
        g1s.iter().all(|p| (0.0035..0.0215).contains(&p.1)),
        "{g1s:?}"
    );
}

#[test]
fn two_linear_layers_are_one() {
    let t = timeline("mlp");
    // After the update: W1 = [[0.7, -1.15], [0.35, 1.925], [-1, 1]],
    // W2 = [0.85, 0.05, -1], x = [2, 1], worked by hand.
    let w1 = [[0.7, -1.15], [0.35, 1.925], [-1.0, 1.0]];
    let w2 = [0.85, 0.05, -1.0];
    let x = [2.0, 1.0];
    let h: Vec<f64> = w1.iter().map(|r| r[0] * x[0] + r[1] * x[1]).collect();
    let lin: f64 = (0..3).map(|i| w2[i] * h[i]).sum();
    let wc: Vec<f64> = (0..2)
        .map(|j| (0..3).map(|i| w2[i] * w1[i][j]).sum())
        .collect();
    close(&value(&t, "lin"), &[lin], 1e-12);
    close(&value(&t, "Wc"), &wc, 1e-12);
    close(&value(&t, "lin1"), &[wc[0] * x[0] + wc[1] * x[1]], 1e-12);
    // With the ReLU the third unit's -1 is cut: 1.34375 becomes 0.34375.
    let relu: f64 = (0..3).map(|i| w2[i] * h[i].max(0.0)).sum();
    assert!((h[2] + 1.0).abs() < 1e-12 && (lin - relu - 1.0).abs() < 1e-12);
    close(&value(&t, "o"), &[relu], 1e-12);
}

#[test]
fn the_log_loss_cases_and_its_gradient_by_hand() {
    let t = timeline("logistic-regression");
    // After the stochastic step: w = (0.475, 0.475), b = -5.005.
    let sigmoid = |v: f64| 1.0 / (1.0 + (-v).exp());
    let h = |test: f64, grades: f64| sigmoid(0.475 * test + 0.475 * grades - 5.005);
    let (a, e, d) = (h(8.0, 9.0), h(2.0, 3.0), h(5.0, 5.0));
    close(&value(&t, "lA"), &[-a.ln()], 1e-12);
    close(&value(&t, "lE"), &[-(1.0 - e).ln()], 1e-12);
    // D, not admitted (y = 0), test score 5: ∂ℓ/∂g = -1/(1 - g),
    // ∂g/∂w = g(1 - g)·5, their product (0 - g)·5.
    close(&value(&t, "dl_dg"), &[-1.0 / (1.0 - d)], 1e-12);
    close(&value(&t, "dg_dw"), &[d * (1.0 - d) * 5.0], 1e-12);
    close(&value(&t, "chain"), &[-d * 5.0], 1e-12);
    close(&value(&t, "direct"), &[-d * 5.0], 1e-12);
    assert_eq!(format!("{a:.2} {e:.2}"), "0.96 0.07");
}

#[test]
fn the_softmax_loss_is_the_mean_negative_log_likelihood() {
    let t = timeline("softmax");
    // The three images' correct-class probabilities, from the table.
    let s = [[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]];
    let p = |img: usize, k: usize| {
        let z: f64 = s[img].iter().map(|v: &f64| v.exp()).sum();
        s[img][k].exp() / z
    };
    let lik = p(0, 0) * p(1, 1) * p(2, 2);
    close(&value(&t, "lik"), &[lik], 1e-15);
    close(&value(&t, "loglik"), &[lik.ln()], 1e-12);
    close(&value(&t, "nll"), &[-lik.ln() / 3.0], 1e-12);
    close(&value(&t, "nll"), &value(&t, "L"), 1e-12);
    assert_eq!(
        format!("{:.3} {:.3} {:.5}", p(0, 0), p(1, 1), p(2, 2)),
        "0.130 0.924 0.00212"
    );
    // A negated negative number is bracketed: -(-8.28), never --8.28.
    let (_, out, _) = common::nntutor(&["export", "softmax"]);
    assert!(out.contains("nll = -(-8.28) / 3 = 2.76"), "{out}");
}

#[test]
fn tensor_shapes_flattened() {
    let t = timeline("digits");
    // [28, 28, 1] and [128, 28, 28, 3], as numbers in a row.
    close(&value(&t, "gray"), &[(28 * 28) as f64], 0.0);
    close(&value(&t, "batch"), &[(128 * 28 * 28 * 3) as f64], 0.0);
    // One image is one column of X: 784 rows.
    assert_eq!(t.steps[0].values["X"].data.nrows(), 784);
}

#[test]
fn hard_cases_by_hand() {
    let t = timeline("hard-cases");
    let last = t.steps.last().unwrap();
    let data = |s: &str| {
        let v = &last.values;
        let (x, y) = (
            &v[format!("X{s}").as_str()].data,
            &v[format!("X{s}_labels").as_str()].data,
        );
        (0..x.ncols())
            .map(|j| (x[(0, j)], x[(1, j)], y[(0, j)] as usize))
            .collect::<Vec<_>>()
    };
    // Quadrants: class 0 where the two coordinates have the same sign
    // (an even number positive), class 1 where they differ.
    let q = data("q");
    assert_eq!(q.len(), 200);
    assert!(q.iter().all(|&(a, b, c)| (a * b > 0.0) == (c == 0)));
    // Rings: class 0 within 0.45 of the centre, class 1 between 0.7 and 1.
    for (a, b, c) in data("r") {
        let r = (a * a + b * b).sqrt();
        assert!(
            if c == 0 {
                r <= 0.45
            } else {
                (0.7..=1.0).contains(&r)
            },
            "{r} {c}"
        );
    }
    // Modes: class 1 around three centres, class 0 around the middle.
    let centres = [(-0.65, 0.55), (0.65, 0.55), (0.0, -0.7)];
    for (a, b, c) in data("m") {
        let near = |(x, y): (f64, f64)| ((a - x).powi(2) + (b - y).powi(2)).sqrt() < 0.6;
        assert!(if c == 0 {
            near((0.0, 0.05))
        } else {
            centres.iter().any(|&m| near(m))
        });
    }
    // The linear classifiers' accuracy, from their trained V and c.
    for (s, want) in [("q", 0.53), ("r", 0.585), ("m", 0.66)] {
        let (v, c) = (
            &last.values[format!("V{s}").as_str()].data,
            &last.values[format!("c{s}").as_str()].data,
        );
        let right = data(s)
            .iter()
            .filter(|&&(a, b, y)| {
                let score = |k: usize| v[(k, 0)] * a + v[(k, 1)] * b + c[(k, 0)];
                usize::from(score(1) > score(0)) == y
            })
            .count();
        assert_eq!(right as f64 / 200.0, want, "{s}");
        close(&value(&t, &format!("acc{s}")), &[want], 1e-12);
        close(&value(&t, &format!("nacc{s}")), &[1.0], 0.0);
    }
}

/// The network's parameters, row-major: W1 (64×2), b1 (64), W2 (3×64).
type Params = [Vec<f64>; 3];

/// The optimizers lesson's network (2 → 64 ReLU → 3, softmax loss over the
/// data), trained here in plain loops by `rule`, from its starting weights:
/// the loss after `steps` full-batch steps.
fn train_network(
    v: &nntutor::lesson::timeline::Values,
    suffix: &str,
    steps: usize,
    rule: &mut dyn FnMut(usize, &mut Params, &Params),
) -> f64 {
    let (x, y) = (&v["X"].data, &v["X_labels"].data);
    let flat = |n: &str| -> Vec<f64> {
        let d = &v[format!("{n}{suffix}").as_str()].data;
        (0..d.nrows())
            .flat_map(|i| (0..d.ncols()).map(move |j| d[(i, j)]))
            .collect()
    };
    let mut p: Params = [flat("W1"), flat("b1"), flat("W2")];
    let n = x.ncols();
    let loss_and_grads = |p: &Params| {
        let mut g: Params = [vec![0.0; 128], vec![0.0; 64], vec![0.0; 192]];
        let mut loss = 0.0;
        for s in 0..n {
            let xs = [x[(0, s)], x[(1, s)]];
            let h: Vec<f64> = (0..64)
                .map(|i| (p[0][2 * i] * xs[0] + p[0][2 * i + 1] * xs[1] + p[1][i]).max(0.0))
                .collect();
            let sc: Vec<f64> = (0..3)
                .map(|k| (0..64).map(|i| p[2][64 * k + i] * h[i]).sum())
                .collect();
            let m = sc.iter().cloned().fold(f64::MIN, f64::max);
            let z: f64 = sc.iter().map(|v| (v - m).exp()).sum();
            let label = y[(0, s)] as usize;
            loss -= (sc[label] - m) - z.ln();
            for k in 0..3 {
                let ds = ((sc[k] - m).exp() / z - f64::from(k == label)) / n as f64;
                for i in 0..64 {
                    g[2][64 * k + i] += ds * h[i];
                    if h[i] > 0.0 {
                        let dh = ds * p[2][64 * k + i];
                        g[0][2 * i] += dh * xs[0];
                        g[0][2 * i + 1] += dh * xs[1];
                        g[1][i] += dh;
                    }
                }
            }
        }
        (loss / n as f64, g)
    };
    for step in 0..steps {
        let (_, g) = loss_and_grads(&p);
        rule(step, &mut p, &g);
    }
    loss_and_grads(&p).0
}

#[test]
fn optimizers_trained_independently() {
    let t = timeline("optimizers");
    let v = &t.steps[8].values;
    let sgd = train_network(v, "s", 500, &mut |_, p, g| {
        for (w, d) in p.iter_mut().zip(g) {
            w.iter_mut().zip(d).for_each(|(w, d)| *w -= 0.5 * d);
        }
    });
    let mut vel: Params = [vec![0.0; 128], vec![0.0; 64], vec![0.0; 192]];
    let momentum = train_network(v, "m", 500, &mut |_, p, g| {
        for ((w, d), u) in p.iter_mut().zip(g).zip(vel.iter_mut()) {
            for ((w, d), u) in w.iter_mut().zip(d).zip(u.iter_mut()) {
                *u = 0.9 * *u - 0.5 * d;
                *w += *u;
            }
        }
    });
    let (mut m, mut s): (Params, Params) = (
        [vec![0.0; 128], vec![0.0; 64], vec![0.0; 192]],
        [vec![0.0; 128], vec![0.0; 64], vec![0.0; 192]],
    );
    let adam = train_network(v, "a", 500, &mut |step, p, g| {
        let k = (step + 1) as i32;
        for l in 0..3 {
            for i in 0..p[l].len() {
                m[l][i] = 0.9 * m[l][i] + 0.1 * g[l][i];
                s[l][i] = 0.999 * s[l][i] + 0.001 * g[l][i] * g[l][i];
                let mhat = m[l][i] / (1.0 - 0.9f64.powi(k));
                let shat = s[l][i] / (1.0 - 0.999f64.powi(k));
                p[l][i] -= 0.02 * mhat / (shat.sqrt() + 1e-8);
            }
        }
    });
    let engine = |k: usize, n: &str| t.steps[k].values[n].data[0];
    for (mine, theirs) in [
        (sgd, engine(9, "Ls")),
        (momentum, engine(11, "Lm")),
        (adam, engine(13, "La")),
    ] {
        assert!(
            (mine - theirs).abs() < 1e-6,
            "{mine} against the lesson's {theirs}"
        );
    }
    assert_eq!(
        format!("{sgd:.3} {momentum:.3} {adam:.3}"),
        "0.123 0.030 0.021"
    );
}
