//! The spiral network and the digits regression, trained by the engine and
//! by numpy on the same data and starting weights.

use super::*;

/// The digits lesson's training: the lesson engine (the lesson loaded with
/// 300 iterations, less the same lesson with 1, so that generating the
/// images is not counted) against benches/digits_numpy.py on the same
/// images and starting weights.
pub fn digits_against_numpy() {
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
    // More runs for a profiler: `FIGURES=digits RUNS=100`; `ALL=1` prints
    // every run's time (this machine's neighbours move single runs by 50%).
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
        .inspect(|t| {
            if std::env::var("ALL").is_ok() {
                eprintln!("run {t:.4}")
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
            // One thread, as the engine has.
            .envs(ONE_THREAD)
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
            "  numpy, the same computation, best of 7: {secs:.4} s ({text}); nntutor is {:.2}× numpy's speed (aim 1.5×)",
            secs / ours
        ),
        _ => println!("  numpy: not available (pip install numpy) — no ratio"),
    }
}

/// numpy's BLAS held to one thread, as the engine runs one.
const ONE_THREAD: [(&str, &str); 3] = [
    ("OPENBLAS_NUM_THREADS", "1"),
    ("OMP_NUM_THREADS", "1"),
    ("MKL_NUM_THREADS", "1"),
];

/// The spiral network trained for 10,000 iterations by the lesson engine
/// (benches/spiral-mlp.toml) and by numpy (benches/spiral_numpy.py).
pub fn against_numpy() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let text =
        std::fs::read_to_string(format!("{dir}/benches/spiral-mlp.toml")).expect("bench lesson");
    let ours_once = || {
        let t = Instant::now();
        let source = nntutor::lesson::SourceFile::new("spiral-mlp.toml", text.clone());
        let loaded = nntutor::lesson::load(source);
        (t.elapsed().as_secs_f64(), loaded)
    };
    let numpy_once = || {
        let out = Command::new("python3")
            // One thread, as the engine has.
            .envs(ONE_THREAD)
            .arg(format!("{dir}/benches/spiral_numpy.py"))
            .arg("10000")
            .output()
            .ok()
            .filter(|out| out.status.success())?;
        let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let secs: f64 = text.split_whitespace().next()?.parse().ok()?;
        Some((secs, text))
    };
    // Profiling the engine alone: one run, no numpy.
    let profiling = std::env::var("RUNS").is_ok();
    // Each side three times, in turn, the best of each: on a shared
    // machine either side's time moves by tens of percent.
    let (mut ours, mut loaded) = ours_once();
    let mut numpy: Option<(f64, String)> = None;
    for round in 0..if profiling { 0 } else { 3 } {
        if round > 0 {
            let (t, l) = ours_once();
            if t < ours {
                (ours, loaded) = (t, l);
            }
        }
        if let Some(n) = numpy_once()
            && numpy.as_ref().is_none_or(|best| n.0 < best.0)
        {
            numpy = Some(n);
        }
    }
    let timeline = loaded.timeline.expect("the bench lesson evaluates");
    let last = timeline.steps.last().expect("steps");
    let acc = last.values["acc"].data[0];
    let loss = last.values["L"].data[0];
    let runs = if profiling { "one run" } else { "best of 3" };
    println!(
        "spiral network, 10,000 full-batch iterations (lesson engine, whole lesson, {runs}): {ours:.2} s, loss {loss:.4}, accuracy {acc:.3}"
    );
    if profiling {
        return;
    }
    match numpy {
        Some((secs, text)) => println!(
            "  numpy, the same computation, best of 3: {secs:.2} s ({text}); nntutor is {:.2}× numpy's speed (aim 5×)",
            secs / ours
        ),
        None => println!("  numpy: not available (pip install numpy) — no ratio"),
    }
}

/// The spiral network of the lessons: 300 points in 2-D, 100 ReLU units,
/// 3 classes (a 100×300 hidden batch); forward and the gradient of every
/// parameter.
pub fn spiral_net() {
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
