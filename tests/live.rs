//! Live training: a run watched in the tutor gives the timeline's numbers
//! bit for bit, again on restart; the spiral network's loss matches a
//! reference computation written out here loop by loop; and it learns.

#![allow(clippy::unwrap_used)]

use nntutor::lesson::eval::{Cancel, rerun};
use nntutor::lesson::timeline::Detail;
use nntutor::lesson::{Lesson, Timeline};
use nntutor::tui::pace::Live;

mod common;

use common::builtin::lesson;

fn step_of(lesson: &Lesson, kind: &str) -> Vec<usize> {
    lesson
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.action.kind() == kind)
        .map(|(k, _)| k)
        .collect()
}

/// Runs step `k` again live, at full speed, and checks it against the
/// timeline: every value, every curve point, bit for bit.
fn rerun_matches(lesson: &Lesson, timeline: &Timeline, k: usize) {
    let live = Live::new(None, false);
    let state = rerun(lesson, timeline, k, &live, &Cancel::default()).unwrap();
    let want = &timeline.steps[k];
    assert_eq!(state.values.len(), want.values.len());
    for (name, v) in want.values.iter() {
        let got = &state.values[name].data;
        let same = got.shape() == v.data.shape()
            && got
                .iter()
                .zip(v.data.iter())
                .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(same, "step {}: `{name}` differs", k + 1);
    }
    let seen = live.state();
    assert!(seen.finished);
    match &want.detail {
        Detail::Train(t) => {
            assert_eq!(seen.done, t.iterations);
            assert_eq!(seen.curves.len(), t.curves.len());
            for ((n1, c1), (n2, c2)) in seen.curves.iter().zip(&t.curves) {
                assert_eq!(n1, n2);
                let bits = |c: &[(usize, f64)]| -> Vec<(usize, u64)> {
                    c.iter().map(|&(i, v)| (i, v.to_bits())).collect()
                };
                assert_eq!(bits(c1), bits(c2), "curve {n1}");
            }
        }
        Detail::Search(s) => {
            let bits = |c: &[f64]| -> Vec<u64> { c.iter().map(|v| v.to_bits()).collect() };
            assert_eq!(bits(&seen.losses), bits(&s.losses));
        }
        other => panic!("step {} is {other:?}", k + 1),
    }
}

#[test]
fn runs_watched_live_give_the_timelines_numbers_and_again_on_restart() {
    let (lesson, timeline) = lesson("optimization");
    let steps: Vec<usize> = step_of(&lesson, "train")
        .into_iter()
        .chain(step_of(&lesson, "search"))
        .collect();
    // Random search, gradient descent and two minibatch runs.
    assert!(steps.len() >= 3, "{steps:?}");
    for &k in &steps {
        rerun_matches(&lesson, &timeline, k);
        rerun_matches(&lesson, &timeline, k);
    }
    let (lesson, timeline) = lesson_spiral();
    let k = step_of(&lesson, "train")[0];
    rerun_matches(&lesson, &timeline, k);
    // Updates in order (momentum, Adam) run live as they were evaluated.
    let (optimizers, timeline) = common::builtin::lesson("optimizers");
    for k in step_of(&optimizers, "train") {
        rerun_matches(&optimizers, &timeline, k);
    }
}

fn lesson_spiral() -> (Lesson, Timeline) {
    lesson("spiral-mlp")
}

#[test]
fn a_stopped_run_stops_and_reports_nothing() {
    let (lesson, timeline) = lesson_spiral();
    let k = step_of(&lesson, "train")[0];
    let live = Live::new(None, true);
    let cancel = Cancel::default();
    cancel.cancel();
    assert!(rerun(&lesson, &timeline, k, &live, &cancel).is_none());
    // Not a step that runs.
    assert!(rerun(&lesson, &timeline, 0, &live, &Cancel::default()).is_none());
}

type Matrix = Vec<Vec<f64>>;

fn matrix(t: &Timeline, name: &str) -> Matrix {
    let d = &t.initial[name].data;
    (0..d.nrows())
        .map(|i| (0..d.ncols()).map(|j| d[(i, j)]).collect())
        .collect()
}

/// The spiral network trained by hand, the way the course's notebook does
/// it: forward, softmax, the analytic gradients written out, full-batch
/// steps of size 1, regularization 0.001. Returns the loss at each `every`.
fn reference_losses(t: &Timeline, iterations: usize, every: usize) -> Vec<(usize, f64)> {
    let x = matrix(t, "X");
    let y: Vec<usize> = matrix(t, "X_labels")
        .concat()
        .iter()
        .map(|&v| v as usize)
        .collect();
    let (mut w1, mut b1) = (matrix(t, "W1"), matrix(t, "b1"));
    let (mut w2, mut b2) = (matrix(t, "W2"), matrix(t, "b2"));
    let (n, hidden, classes) = (x[0].len(), w1.len(), w2.len());
    let (lr, reg) = (1.0, 0.001);
    let mut out = Vec::new();
    for it in 0..=iterations {
        let mut h = vec![vec![0.0; n]; hidden];
        for (j, hj) in h.iter_mut().enumerate() {
            for (i, v) in hj.iter_mut().enumerate() {
                let z = w1[j][0] * x[0][i] + w1[j][1] * x[1][i] + b1[j][0];
                *v = z.max(0.0);
            }
        }
        let mut p = vec![vec![0.0; n]; classes];
        let mut data_loss = 0.0;
        for i in 0..n {
            let s: Vec<f64> = (0..classes)
                .map(|c| (0..hidden).map(|j| w2[c][j] * h[j][i]).sum::<f64>() + b2[c][0])
                .collect();
            let top = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let e: Vec<f64> = s.iter().map(|v| (v - top).exp()).collect();
            let total: f64 = e.iter().sum();
            for c in 0..classes {
                p[c][i] = e[c] / total;
            }
            data_loss -= p[y[i]][i].ln();
        }
        let squares = |m: &Matrix| m.iter().flatten().map(|v| v * v).sum::<f64>();
        let loss = data_loss / n as f64 + 0.5 * reg * (squares(&w1) + squares(&w2));
        if it % every == 0 || it == iterations {
            out.push((it, loss));
        }
        if it == iterations {
            break;
        }
        // d loss / d scores = (p - onehot(y)) / n.
        for i in 0..n {
            p[y[i]][i] -= 1.0;
            for row in p.iter_mut() {
                row[i] /= n as f64;
            }
        }
        let mut dh = vec![vec![0.0; n]; hidden];
        for j in 0..hidden {
            for i in 0..n {
                if h[j][i] > 0.0 {
                    dh[j][i] = (0..classes).map(|c| w2[c][j] * p[c][i]).sum();
                }
            }
        }
        for c in 0..classes {
            for j in 0..hidden {
                let g: f64 = (0..n).map(|i| p[c][i] * h[j][i]).sum::<f64>() + reg * w2[c][j];
                w2[c][j] -= lr * g;
            }
            b2[c][0] -= lr * p[c].iter().sum::<f64>();
        }
        for j in 0..hidden {
            for k in 0..2 {
                let g: f64 = (0..n).map(|i| dh[j][i] * x[k][i]).sum::<f64>() + reg * w1[j][k];
                w1[j][k] -= lr * g;
            }
            b1[j][0] -= lr * dh[j].iter().sum::<f64>();
        }
    }
    out
}

#[test]
fn the_spiral_networks_loss_at_fixed_iterations_matches_a_reference_computation() {
    let (lesson, timeline) = lesson_spiral();
    let k = step_of(&lesson, "train")[0];
    let Detail::Train(t) = &timeline.steps[k].detail else {
        panic!("not a training step")
    };
    let (name, curve) = &t.curves[0];
    assert_eq!(name, "L");
    // The first 200 iterations, every 20, by the loops above.
    let want = reference_losses(&timeline, 200, 20);
    assert_eq!(want.len(), 11);
    // An untrained network over 3 classes: ln 3.
    assert!((want[0].1 - 3f64.ln()).abs() < 1e-3, "{}", want[0].1);
    for (w, g) in want.iter().zip(curve) {
        assert_eq!(w.0, g.0);
        assert!(
            (w.1 - g.1).abs() <= 1e-9 * w.1.abs(),
            "iteration {}: reference {} lesson {}",
            w.0,
            w.1,
            g.1
        );
    }
}

#[test]
fn the_spiral_network_learns_the_training_set() {
    let (lesson, timeline) = lesson_spiral();
    let last = timeline.steps.last().unwrap();
    let acc = last.values["acc"].data[0];
    assert!(acc >= 0.95, "training accuracy {acc}");
    // Accuracy counted independently from the final scores.
    let s = &last.values["S"].data;
    let y = &last.values["X_labels"].data;
    let right = (0..s.ncols())
        .filter(|&i| {
            let best = (0..s.nrows())
                .max_by(|&a, &b| s[(a, i)].total_cmp(&s[(b, i)]))
                .unwrap();
            best as f64 == y[i]
        })
        .count();
    assert_eq!(right as f64 / s.ncols() as f64, acc);
    // The same network with the hinge loss learns them too.
    let acch = last.values["acch"].data[0];
    assert!(acch >= 0.95, "hinge training accuracy {acch}");
    assert_eq!(lesson.steps.len(), 12);
}

#[test]
fn digits_softmax_regression_beats_85_percent_on_held_out_digits() {
    let (lesson, timeline) = lesson("digits");
    let last = timeline.steps.last().unwrap();
    let test_acc = last.values["test_acc"].data[0];
    assert!(test_acc >= 0.85, "held-out accuracy {test_acc}");
    // Counted again by hand from W, b and the 500 held-out images: the
    // class with the largest w_kᵀ t + b_k.
    let (w, b) = (&last.values["W"].data, &last.values["b"].data);
    let (t, y) = (&last.values["T"].data, &last.values["T_labels"].data);
    assert_eq!((w.shape(), t.shape()), ((784, 10), (784, 500)));
    let right = (0..500)
        .filter(|&n| {
            let score = |k: usize| (0..784).map(|p| w[(p, k)] * t[(p, n)]).sum::<f64>() + b[k];
            let best = (0..10)
                .max_by(|&a, &c| score(a).total_cmp(&score(c)))
                .unwrap();
            best as f64 == y[n]
        })
        .count();
    assert!((right as f64 / 500.0 - test_acc).abs() < 1e-12);
    // Before training every class is equally likely: ln 10.
    let k = lesson
        .steps
        .iter()
        .position(|s| s.title.contains("loss before"))
        .unwrap();
    let l0 = timeline.steps[k].values["L"].data[0];
    assert!((l0 - 10f64.ln()).abs() < 2e-3, "{l0}");
}

#[test]
fn single_steps_while_paused_track_the_values_of_the_counter() {
    // `s` seven times from a paused start: the counter says 7, and the loss
    // shown is the loss at iteration 7 (the lesson tracks every 20), equal
    // to the reference loop's.
    let (lesson, timeline) = lesson_spiral();
    let k = step_of(&lesson, "train")[0];
    let live = Live::new(None, true);
    for _ in 0..7 {
        live.single_step();
    }
    let cancel = Cancel::default();
    let (worker, stop) = (live.clone(), cancel.clone());
    let run = std::thread::spawn(move || rerun(&lesson, &timeline, k, &worker, &stop));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let at_seven = |s: &nntutor::tui::pace::LiveState| {
        s.done == 7 && s.curves[0].1.last().is_some_and(|p| p.0 == 7)
    };
    while !at_seven(&live.state()) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let state = live.state();
    cancel.cancel();
    live.wake();
    let _ = run.join();
    let (_, timeline) = lesson_spiral();
    let want = reference_losses(&timeline, 7, 1);
    let curve = &state.curves[0].1;
    let iterations: Vec<usize> = curve.iter().map(|p| p.0).collect();
    assert_eq!(iterations, (0..=7).collect::<Vec<_>>());
    for (w, g) in want.iter().zip(curve) {
        assert!((w.1 - g.1).abs() <= 1e-9 * w.1.abs(), "{w:?} vs {g:?}");
    }
}
