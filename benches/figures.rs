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
//! - the classroom: 300 followers on loopback, how soon a step change
//!   reaches them, and the lecturer's frame with and without them
//!
//! `FIGURES=numpy|live|digits|spiral|spiral-lesson|products|tutor|classroom`
//! runs one group;
//! `RUNS=N` makes the digits and spiral-lesson groups skip numpy (digits
//! then trains N times), for a profiler.

#[path = "figures/classroom.rs"]
mod classroom;
#[path = "figures/numpy.rs"]
mod numpy;
#[path = "../tests/common/pty.rs"]
mod pty;

use numpy::{against_numpy, digits_against_numpy, spiral_net};

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
        Ok("tutor") => {
            tutor_figures();
            return;
        }
        Ok("classroom") => {
            classroom::classroom_figures();
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
    classroom::classroom_figures();
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
    let run_alone = || {
        let live = Live::new(None, false);
        rerun(&lesson, &timeline, k, &live, &Cancel::default()).expect("runs");
        span(&live.state())
    };
    let area = Rect::new(0, 0, 160, 48);
    let mut buf = Buffer::empty(area);
    let mut frame_times = Vec::new();
    let mut run_drawn = |frame_times: &mut Vec<Duration>| -> (f64, usize) {
        let mut app = app_for(lesson.clone(), timeline.clone(), Settings::default());
        if let Some(open) = app.open.as_mut() {
            open.step = k;
        }
        let mut view = LiveView::new(k, 15000);
        view.speed = SPEEDS.len() - 1;
        app.live = Some(view);
        let mut run = None;
        let mut frames = 0;
        loop {
            let frame = Instant::now();
            sync(&mut app, &mut run);
            view::render(&app, area, &mut buf);
            frame_times.push(frame.elapsed());
            frames += 1;
            if let Some(l) = app.live.as_ref().filter(|l| l.state.finished) {
                return (span(&l.state), frames);
            }
            let next = frame + Duration::from_micros(33_333);
            std::thread::sleep(next.saturating_duration_since(Instant::now()));
        }
    };
    // Alone and drawn in turn, the best of five each: on a shared machine
    // a run's time moves by tens of percent with what else runs.
    let (mut alone, mut best) = (f64::INFINITY, (f64::INFINITY, 0));
    for _ in 0..5 {
        alone = alone.min(run_alone());
        let drawn = run_drawn(&mut frame_times);
        if drawn.0 < best.0 {
            best = drawn;
        }
    }
    let (watched, frames) = best;
    println!(
        "live training, spiral-mlp trained 15,000 iterations at full speed: alone {alone:.3} s; while drawn at 30 frames a second {watched:.3} s ({:+.1}%, target under +5%), median frame {:.2} ms (sync + regions + draw, 160×48)",
        (watched / alone - 1.0) * 100.0,
        median(frame_times).as_secs_f64() * 1e3
    );
    println!(
        "  frames drawn during the fastest drawn run: {frames} in {watched:.2} s, {:.1} a second (target 30 or more)",
        frames as f64 / watched
    );
}

fn tutor_figures() {
    let bin = env!("CARGO_BIN_EXE_nntutor");
    let state = pty::state_dir("bench");
    let state = state.to_str().expect("utf-8 temp dir");
    let mut rss = Vec::new();
    let mut firsts = Vec::new();
    // softmax computes little; spiral-mlp trains two networks (5,000
    // iterations) and digits a softmax regression on 1,000 images: they
    // open before their trainings finish.
    for id in ["softmax", "spiral-mlp", "digits"] {
        let mut times = Vec::new();
        for _ in 0..20 {
            let start = Instant::now();
            let t = pty::Pty::spawn(
                bin,
                &["lesson", id, "--step", "1"],
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
            times.push(start.elapsed());
            if id == "softmax"
                && let Some(kb) = t.rss_kb()
            {
                rss.push(kb);
            }
        }
        firsts.push((id, median(times)));
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
    let echo = median(baseline).as_secs_f64() * 1e3;
    for (id, first) in firsts {
        println!(
            "nntutor lesson {id} --step 1: first complete frame in a pty: median {:.2} ms over 20 runs (spawn included; /bin/echo in the same pty: {echo:.2} ms)",
            first.as_secs_f64() * 1e3,
        );
    }
    rss.sort();
    if let Some(kb) = rss.get(rss.len() / 2) {
        println!(
            "  resident memory after the first frame: median {:.1} MB",
            *kb as f64 / 1024.0
        );
    }

    // Every position of every step of every built-in lesson: on a large
    // screen, and on a projector's 100×30, where steps are squeezed to fit
    // (a layout tried at up to five squeezes, and at a walk's last position).
    for (w, h, present) in [(250, 70, false), (100, 30, false), (100, 30, true)] {
        let mode = if present { " --present" } else { "" };
        let area = Rect::new(0, 0, w, h);
        let (ms, at) = heaviest_frame(area, present, true);
        println!("drawing at {w}×{h}{mode}: heaviest frame {ms:.3} ms ({at})");
        let (ms, at) = heaviest_frame(area, present, false);
        println!("  the same, laid out afresh (a step's first frame): {ms:.3} ms ({at})");
    }
}

/// The slowest median frame over every position of every built-in lesson:
/// redrawn (`cached`: the step's body copied from the tutor's cache) or
/// laid out afresh each time.
fn heaviest_frame(area: Rect, present: bool, cached: bool) -> (f64, String) {
    let mut buf = Buffer::empty(area);
    let mut heaviest = (Duration::ZERO, String::new());
    let catalog = Catalog::default();
    let (headers, _) = catalog.headers();
    for h in headers {
        let loaded = load(h.source);
        let (Some(lesson), Some(timeline)) = (loaded.lesson, loaded.timeline) else {
            continue;
        };
        let settings = Settings {
            present,
            ..Settings::default()
        };
        let mut app = app_for(lesson, timeline, settings);
        loop {
            let times: Vec<Duration> = (0..30)
                .map(|_| {
                    if !cached {
                        app.frames.clear();
                    }
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
    (heaviest.0.as_secs_f64() * 1e3, heaviest.1)
}
