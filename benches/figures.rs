//! Figures, not pass/fail: `cargo bench` prints them.
//!
//! - `nntutor check` of every built-in lesson, whole process (target < 20 ms)
//! - a 2-layer network's forward and `grad` over a 100×300 batch (target < 0.3 ms)

use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

use nntutor::engine::parse::parse_expr;
use nntutor::engine::rng::Rng;
use nntutor::engine::{Binding, Expr, Graph, Scope, Tensor};

struct Net {
    values: HashMap<String, Tensor>,
    loss: Expr,
}

impl Scope for Net {
    fn binding(&self, name: &str) -> Option<Binding<'_>> {
        if name == "L" {
            return Some(Binding {
                value: None,
                formula: Some(&self.loss),
            });
        }
        self.values.get(name).map(|v| Binding {
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
}
