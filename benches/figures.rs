//! Figures, not pass/fail: `cargo bench` prints them.
//!
//! - `nntutor check` of every built-in lesson, whole process (target < 20 ms)
//! - a 2-layer network's forward and `grad` over a 100×300 batch (target < 0.3 ms)
//! - the tutor: `nntutor lesson softmax` to its first complete frame in a
//!   pseudo-terminal (target < 15 ms), resident memory then (target < 15 MB),
//!   and drawing the heaviest step at 250×70 (target < 1 ms per frame)
//! - the spiral network and the digits regression against numpy, the live
//!   view's frame rate and cost, and the digits lesson's two products
//!
//! `FIGURES=numpy|live|digits|spiral|spiral-lesson|products` runs one group;
//! `RUNS=N` makes the digits and spiral-lesson groups skip numpy (digits
//! then trains N times), for a profiler.

#[path = "../tests/common/pty.rs"]
mod pty;

use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

use nntutor::engine::parse::parse_expr;
use nntutor::engine::rng::Rng;
use nntutor::engine::{Binding, Expr, Graph, Scope, Tensor};
use nntutor::lesson::catalog::Catalog;
use nntutor::lesson::load;
use nntutor::tui::app::Settings;
use nntutor::tui::keys::Action;
use nntutor::tui::update::update;
use nntutor::tui::{app_for, view};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

struct Net {
    values: HashMap<String, Tensor>,
    loss: Expr,
}

impl Scope for Net {
    fn binding(&self, name: &str) -> Option<Binding<'_>> {
        if name == "L" {
            return Some(Binding {
                shared: None,
                selection: None,
                value: None,
                formula: Some(&self.loss),
            });
        }
        self.values.get(name).map(|v| Binding {
            shared: None,
            selection: None,
            value: Some(v),
            formula: None,
        })
    }
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() {
    // As the binary does at start.
    nntutor::tune_allocator();
    // `FIGURES=spiral cargo bench` runs one group (for profiling).
    match std::env::var("FIGURES").as_deref() {
        Ok("spiral") => {
            spiral_net();
            return;
        }
        Ok("spiral-lesson") => {
            against_numpy();
            return;
        }
        Ok("numpy") => {
            against_numpy();
            digits_against_numpy();
            return;
        }
        Ok("live") => {
            live_figures();
            return;
        }
        Ok("products") => {
            products();
            return;
        }
        Ok("digits") => {
            digits_against_numpy();
            return;
        }
        _ => {}
    }
    tutor_figures();
    let bin = env!("CARGO_MANIFEST_DIR").to_string() + "/target/release/nntutor";
    if std::path::Path::new(&bin).exists() {
        let runs: Vec<Duration> = (0..30)
            .map(|_| {
                let t = Instant::now();
                let out = Command::new(&bin)
                    .arg("check")
                    .output()
                    .expect("run nntutor");
                assert!(out.status.success());
                t.elapsed()
            })
            .collect();
        println!(
            "nntutor check (all built-in lessons, whole process): median {:.2} ms over 30 runs",
            median(runs).as_secs_f64() * 1e3
        );
    } else {
        println!("nntutor check: build the release binary first (cargo build --release)");
    }

    let mut rng = Rng::new(1);
    let mut randn = |r: usize, c: usize, s: f64| Tensor::from_fn(r, c, |_, _| rng.normal() * s);
    let mut values = HashMap::new();
    values.insert("X".to_string(), randn(100, 300, 1.0));
    values.insert("W1".to_string(), randn(50, 100, 0.1));
    values.insert("W2".to_string(), randn(3, 50, 0.1));
    values.insert(
        "y".to_string(),
        Tensor::from_fn(1, 300, |_, j| (j % 3) as f64),
    );
    let net = Net {
        values,
        loss: parse_expr("mean(-log(pick(softmax(W2 @ relu(W1 @ X)), y)))").expect("parse"),
    };
    let both = parse_expr("grad(L, W1)").expect("parse");
    let iterations = 2000;
    let mut times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let t = Instant::now();
        let (g, r) = Graph::build(&both, &net, false).expect("build");
        std::hint::black_box(g.value(r));
        times.push(t.elapsed());
    }
    println!(
        "2-layer net (W1 50×100, W2 3×50, X 100×300): forward + grad(L, W1): median {:.3} ms over {iterations} runs",
        median(times).as_secs_f64() * 1e3
    );
    spiral_net();
    against_numpy();
    digits_against_numpy();
    live_figures();
}

/// The digits lesson's training: the lesson engine (the lesson loaded with
/// 300 iterations, less the same lesson with 1, so that generating the
/// images is not counted) against benches/digits_numpy.py on the same
/// images and starting weights.
fn digits_against_numpy() {
    use nntutor::lesson::eval::{Cancel, rerun};
    use nntutor::tui::pace::Live;
    let text = nntutor::lesson::builtin::BUILTIN
        .iter()
        .find(|b| b.file == "digits.toml")
        .expect("the digits lesson")
        .text;
    let loaded = load(nntutor::lesson::SourceFile::new("digits.toml", text));
    let (lesson, timeline) = (
        loaded.lesson.expect("lesson"),
        loaded.timeline.expect("evaluates"),
    );
    let k = lesson
        .steps
        .iter()
        .position(|s| s.action.kind() == "train")
        .expect("a train step");
    // The training step alone, run again as the tutor runs it, timed from
    // inside the run: the best of seven.
    // More runs for a profiler: `FIGURES=digits RUNS=100`.
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    let ours = (0..runs)
        .map(|_| {
            let live = Live::new(None, false);
            rerun(&lesson, &timeline, k, &live, &Cancel::default()).expect("runs");
            let s = live.state();
            match (s.began, s.ended) {
                (Some(a), Some(b)) => (b - a).as_secs_f64(),
                _ => f64::NAN,
            }
        })
        .fold(f64::INFINITY, f64::min);
    let last = timeline.steps.last().expect("steps");
    println!(
        "digits softmax regression, 300 minibatches of 100 (lesson engine, the training step, best of 7): {ours:.4} s, held-out accuracy {:.3}",
        last.values["test_acc"].data[0]
    );
    if std::env::var("RUNS").is_ok() {
        // Profiling the engine alone.
        return;
    }
    let dir = std::env::temp_dir().join(format!("nntutor-digits-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (name, file) in [
        ("X", "X"),
        ("X_labels", "y"),
        ("T", "T"),
        ("T_labels", "t"),
        ("W", "W"),
    ] {
        let bytes: Vec<u8> = timeline.initial[name]
            .data
            .as_slice()
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        std::fs::write(dir.join(format!("{file}.f64")), bytes).expect("write");
    }
    let dir_s = env!("CARGO_MANIFEST_DIR");
    // numpy's best of seven too (its script times only its loop).
    let mut best: Option<(f64, String)> = None;
    for _ in 0..7 {
        let Ok(out) = Command::new("python3")
            .arg(format!("{dir_s}/benches/digits_numpy.py"))
            .arg(&dir)
            .output()
        else {
            break;
        };
        if !out.status.success() {
            break;
        }
        let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let secs: f64 = text
            .split_whitespace()
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or(f64::NAN);
        if best.as_ref().is_none_or(|b| secs < b.0) {
            best = Some((secs, text));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    match best {
        Some((secs, text)) => println!(
            "  numpy, the same computation, best of 7: {secs:.4} s ({text}); nntutor is {:.2}× numpy's speed (target: no slower, 1×)",
            secs / ours
        ),
        _ => println!("  numpy: not available (pip install numpy) — no ratio"),
    }
}

/// The digits lesson's two products alone, best of 200 each: the scores
/// `W' @ X` and the weights' gradient `dS @ Xᵀ`, on a copied minibatch and
/// on one read in place from the data set.
fn products() {
    use nntutor::engine::kernels::{
        Columns, Selection, matmul, matmul_cols, matmul_tr, matmul_tr_cols,
    };
    use std::sync::Arc;
    let mut rng = Rng::new(7);
    let data = Arc::new(Tensor::from_fn(784, 1000, |_, _| rng.uniform()));
    let pick: Vec<usize> = (0..100).map(|j| (j * 379) % 1000).collect();
    let batch = Selection::new(data, Arc::from(pick)).expect("in range");
    let copy = batch.gather();
    let wt = Tensor::from_fn(10, 784, |_, _| rng.normal() * 0.01);
    let ds = Tensor::from_fn(10, 100, |_, _| rng.normal() * 0.01);
    let best = |f: &dyn Fn() -> Tensor| {
        (0..200)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed().as_secs_f64() * 1e6
            })
            .fold(f64::INFINITY, f64::min)
    };
    println!(
        "W' @ X (10×784 @ 784×100): {:.1} µs copied, {:.1} µs in place; dS @ Xᵀ (10×100 @ 100×784): {:.1} µs copied, {:.1} µs in place; gathering the minibatch: {:.1} µs",
        best(&|| matmul(&wt, &copy)),
        best(&|| matmul_cols(&wt, Columns::picked(&batch))),
        best(&|| matmul_tr(&ds, &copy)),
        best(&|| matmul_tr_cols(&ds, Columns::picked(&batch))),
        best(&|| batch.gather()),
    );
}

/// The spiral network trained live while the tutor draws it: the training
/// alone, then with the runtime's own sync (copying the state, computing
/// the decision regions) and a full frame drawn 30 times a second.
fn live_figures() {
    use nntutor::lesson::eval::{Cancel, rerun};
    use nntutor::tui::app::{LiveView, SPEEDS};
    use nntutor::tui::live::sync;
    use nntutor::tui::pace::Live;
    // The lesson's network, trained five times longer so that the run is
    // long enough to time against 30 frames a second.
    let text = nntutor::lesson::builtin::BUILTIN
        .iter()
        .find(|b| b.file == "spiral-mlp.toml")
        .expect("spiral-mlp")
        .text
        .replace("steps = 3000,", "steps = 15000,");
    let loaded = load(nntutor::lesson::SourceFile::new("spiral-mlp.toml", text));
    let (lesson, timeline) = (
        loaded.lesson.expect("lesson"),
        loaded.timeline.expect("timeline"),
    );
    let k = lesson
        .steps
        .iter()
        .position(|s| s.action.kind() == "train")
        .expect("a train step");
    let span = |s: &nntutor::tui::pace::LiveState| match (s.began, s.ended) {
        (Some(a), Some(b)) => (b - a).as_secs_f64(),
        _ => f64::NAN,
    };
    let alone: Vec<f64> = (0..3)
        .map(|_| {
            let live = Live::new(None, false);
            rerun(&lesson, &timeline, k, &live, &Cancel::default()).expect("runs");
            span(&live.state())
        })
        .collect();
    let alone = alone.iter().cloned().fold(f64::INFINITY, f64::min);
    let area = Rect::new(0, 0, 160, 48);
    let mut buf = Buffer::empty(area);
    let mut watched = Vec::new();
    let mut frames = 0usize;
    let mut frame_times = Vec::new();
    for _ in 0..3 {
        let mut app = app_for(lesson.clone(), timeline.clone(), Settings::default());
        if let Some(open) = app.open.as_mut() {
            open.step = k;
        }
        let mut view = LiveView::new(k, 15000);
        view.speed = SPEEDS.len() - 1;
        app.live = Some(view);
        let mut run = None;
        frames = 0;
        loop {
            let frame = Instant::now();
            sync(&mut app, &mut run);
            view::render(&app, area, &mut buf);
            frame_times.push(frame.elapsed());
            frames += 1;
            if let Some(l) = app.live.as_ref().filter(|l| l.state.finished) {
                watched.push(span(&l.state));
                break;
            }
            let next = frame + Duration::from_micros(33_333);
            std::thread::sleep(next.saturating_duration_since(Instant::now()));
        }
    }
    let watched = watched.iter().cloned().fold(f64::INFINITY, f64::min);
    println!(
        "live training, spiral-mlp trained 15,000 iterations at full speed: alone {alone:.3} s; while drawn at 30 frames a second {watched:.3} s ({:+.1}%, target under +5%), median frame {:.2} ms (sync + regions + draw, 160×48)",
        (watched / alone - 1.0) * 100.0,
        median(frame_times).as_secs_f64() * 1e3
    );
    println!(
        "  frames drawn during the last run: {frames} in {watched:.2} s, {:.1} a second (target 30 or more)",
        frames as f64 / watched
    );
}

/// The spiral network trained for 10,000 iterations by the lesson engine
/// (benches/spiral-mlp.toml) and by numpy (benches/spiral_numpy.py).
fn against_numpy() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let text =
        std::fs::read_to_string(format!("{dir}/benches/spiral-mlp.toml")).expect("bench lesson");
    let t = Instant::now();
    let loaded = nntutor::lesson::load(nntutor::lesson::SourceFile::new("spiral-mlp.toml", text));
    let ours = t.elapsed().as_secs_f64();
    let timeline = loaded.timeline.expect("the bench lesson evaluates");
    let last = timeline.steps.last().expect("steps");
    let acc = last.values["acc"].data[0];
    let loss = last.values["L"].data[0];
    println!(
        "spiral network, 10,000 full-batch iterations (lesson engine, whole lesson): {ours:.2} s, loss {loss:.4}, accuracy {acc:.3}"
    );
    if std::env::var("RUNS").is_ok() {
        // Profiling the engine alone.
        return;
    }
    let numpy = Command::new("python3")
        .arg(format!("{dir}/benches/spiral_numpy.py"))
        .arg("10000")
        .output();
    match numpy {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let secs: f64 = text
                .split_whitespace()
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or(f64::NAN);
            println!(
                "  numpy, the same computation: {secs:.2} s ({text}); nntutor is {:.2}× numpy's speed (target 3×)",
                secs / ours,
                text = text.trim()
            );
        }
        _ => println!("  numpy: not available (pip install numpy) — no ratio"),
    }
}

/// The spiral network of the lessons: 300 points in 2-D, 100 ReLU units,
/// 3 classes (a 100×300 hidden batch); forward and the gradient of every
/// parameter.
fn spiral_net() {
    let mut rng = Rng::new(2);
    let mut randn = |r: usize, c: usize, s: f64| Tensor::from_fn(r, c, |_, _| rng.normal() * s);
    let mut values = HashMap::new();
    values.insert("X".to_string(), randn(2, 300, 1.0));
    values.insert("W1".to_string(), randn(100, 2, 0.01));
    values.insert("b1".to_string(), Tensor::zeros(100, 1));
    values.insert("W2".to_string(), randn(3, 100, 0.01));
    values.insert("b2".to_string(), Tensor::zeros(3, 1));
    values.insert(
        "y".to_string(),
        Tensor::from_fn(1, 300, |_, j| (j / 100) as f64),
    );
    let net = Net {
        values,
        loss: parse_expr(
            "mean(-log(pick(softmax(W2 @ relu(W1 @ X + b1) + b2), y))) + 0.0005 * (sum(W1 ^ 2) + sum(W2 ^ 2))",
        )
        .expect("parse"),
    };
    for (label, src) in [
        ("grad(L, W1)", "grad(L, W1)"),
        (
            "all four parameter gradients",
            "sum(grad(L, W1)) + sum(grad(L, b1)) + sum(grad(L, W2)) + sum(grad(L, b2))",
        ),
    ] {
        let expr = parse_expr(src).expect("parse");
        let times: Vec<Duration> = (0..2000)
            .map(|_| {
                let t = Instant::now();
                let (g, r) = Graph::build(&expr, &net, false).expect("build");
                std::hint::black_box(g.value(r));
                t.elapsed()
            })
            .collect();
        println!(
            "spiral net (X 2×300, 100 ReLU, 3 classes, L2): forward + {label}: median {:.3} ms over 2000 runs",
            median(times).as_secs_f64() * 1e3
        );
    }
}

fn tutor_figures() {
    let bin = env!("CARGO_BIN_EXE_nntutor");
    let state = pty::state_dir("bench");
    let state = state.to_str().expect("utf-8 temp dir");
    let mut firsts = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        let t = pty::Pty::spawn(
            bin,
            &["lesson", "softmax"],
            100,
            30,
            &[("XDG_STATE_HOME", state)],
        );

        // The footer is the last row drawn: its keys mean the frame is complete.
        while !t.screen().contains("q menu") {
            assert!(start.elapsed() < Duration::from_secs(10), "no frame");
            // Sleep, not spin: a busy harness would steal the core the
            // program starts on.
            std::thread::sleep(Duration::from_micros(100));
        }
        firsts.push(start.elapsed());

        if let Some(kb) = t.rss_kb() {
            rss.push(kb);
        }
    }
    // The harness's own cost: starting a program in a pseudo-terminal and
    // seeing its first line.
    let baseline: Vec<Duration> = (0..20)
        .map(|_| {
            let start = Instant::now();
            let t = pty::Pty::spawn("/bin/echo", &["q menu"], 100, 30, &[]);
            while !t.screen().contains("q menu") {
                assert!(start.elapsed() < Duration::from_secs(10), "no echo");
                std::thread::sleep(Duration::from_micros(100));
            }
            start.elapsed()
        })
        .collect();
    println!(
        "nntutor lesson softmax: first complete frame in a pty: median {:.2} ms over 20 runs (spawn included; /bin/echo in the same pty: {:.2} ms)",
        median(firsts).as_secs_f64() * 1e3,
        median(baseline).as_secs_f64() * 1e3
    );
    rss.sort();
    if let Some(kb) = rss.get(rss.len() / 2) {
        println!(
            "  resident memory after the first frame: median {:.1} MB",
            *kb as f64 / 1024.0
        );
    }

    // Every position of every step of every built-in lesson, drawn at 250×70.
    let area = Rect::new(0, 0, 250, 70);
    let mut buf = Buffer::empty(area);
    let mut heaviest = (Duration::ZERO, String::new());
    let catalog = Catalog::default();
    let (headers, _) = catalog.headers();
    for h in headers {
        let loaded = load(h.source);
        let (Some(lesson), Some(timeline)) = (loaded.lesson, loaded.timeline) else {
            continue;
        };
        let mut app = app_for(lesson, timeline, Settings::default());
        loop {
            let times: Vec<Duration> = (0..30)
                .map(|_| {
                    let t = Instant::now();
                    view::render(&app, area, &mut buf);
                    t.elapsed()
                })
                .collect();
            let m = median(times);
            let open = app.open.as_ref().expect("open");
            if m > heaviest.0 {
                heaviest = (
                    m,
                    format!("{} step {} position {}", h.id, open.step + 1, open.sub),
                );
            }
            let before = (open.step, open.sub);
            update(&mut app, Action::Next);
            let open = app.open.as_ref().expect("open");
            if (open.step, open.sub) == before {
                break;
            }
        }
    }
    println!(
        "drawing at 250×70: heaviest frame {:.3} ms ({})",
        heaviest.0.as_secs_f64() * 1e3,
        heaviest.1
    );
}
