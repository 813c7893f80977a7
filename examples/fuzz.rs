//! A mutation fuzzer for the lesson loader, for runs longer than the test
//! suite's property tests: `cargo run --release --example fuzz -- SECONDS`.
//!
//! It starts from every lesson and fixture in the repository, mutates them
//! (bytes, TOML and formula tokens, splices of two files), loads each case
//! and reports panics and slow cases (saved under target/fuzz-findings/ to
//! become fixture tests). `cargo fuzz` needs a nightly toolchain, which this
//! project does not assume; this runs on stable.

use std::path::Path;
use std::time::{Duration, Instant};

use nntutor::engine::rng::Rng;
use nntutor::lesson::{SourceFile, load};

const TOKENS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "=",
    ",",
    "\n",
    "[[steps]]\n",
    "[given]\n",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "0",
    "-0.0",
    "999999999999",
    "@",
    "^",
    "'",
    "grad(L, W)",
    "numgrad(L, W, 1e-9)",
    "softmax(",
    "pick(",
    "onehot(",
    "[:, 0]",
    "[0, 0]",
    "expand = true\n",
    "backward = \"L\"\n",
    "let = \"L = sum(x)\"\n",
    "kind = \"labels\"",
    "rows = [\"a\"]",
    "\\u001b",
    "tol = 0",
    "train = { steps = 3, update = [\"W = W\"] }\n",
    "plot = { x = \"x\", y = [\"x\"] }\n",
];

fn corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "lessons",
        "tests/fixtures/errors",
        "tests/fixtures/hostile",
        "tests/fixtures/fit",
    ] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            for e in entries.flatten() {
                if let Ok(bytes) = std::fs::read(e.path()) {
                    files.push(bytes);
                }
            }
        }
    }
    files.push(include_str!("../src/cli/starter.toml").as_bytes().to_vec());
    files
}

fn mutate(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = corpus[rng.below(corpus.len())].clone();
    for _ in 0..1 + rng.below(8) {
        if bytes.is_empty() {
            bytes.push(b'x');
        }
        let at = rng.below(bytes.len());
        match rng.below(6) {
            0 => bytes[at] = rng.below(256) as u8,
            1 => {
                bytes.remove(at);
            }
            2 | 3 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                bytes.splice(at..at, t.iter().copied());
            }
            4 => {
                // Splice the tail of another file.
                let other = &corpus[rng.below(corpus.len())];
                let from = rng.below(other.len().max(1));
                bytes.truncate(at);
                bytes.extend_from_slice(&other[from.min(other.len())..]);
            }
            _ => {
                // Repeat a slice: deep nesting, long lines.
                let end = (at + 1 + rng.below(16)).min(bytes.len());
                let piece = bytes[at..end].to_vec();
                for _ in 0..rng.below(64) {
                    bytes.splice(at..at, piece.iter().copied());
                }
            }
        }
    }
    bytes
}

fn main() {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seed: u64 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let findings = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-findings");
    let corpus = corpus();
    let mut rng = Rng::new(seed);
    // Panics are findings, not noise on the terminal.
    std::panic::set_hook(Box::new(|_| {}));
    let (start, budget) = (Instant::now(), Duration::from_secs(seconds));
    let (mut runs, mut panics, mut slow, mut valid) = (0u64, 0u64, 0u64, 0u64);
    let mut slowest = Duration::ZERO;
    while start.elapsed() < budget {
        let bytes = mutate(&mut rng, &corpus);
        runs += 1;
        let Ok(text) = String::from_utf8(bytes.clone()) else {
            continue;
        };
        let t = Instant::now();
        let outcome = std::panic::catch_unwind(|| load(SourceFile::new("fuzz.toml", text)));
        let took = t.elapsed();
        slowest = slowest.max(took);
        let keep = match &outcome {
            Err(_) => {
                panics += 1;
                Some("panic")
            }
            Ok(_) if took > Duration::from_secs(2) => {
                slow += 1;
                Some("slow")
            }
            Ok(l) => {
                valid += u64::from(l.timeline.is_some());
                None
            }
        };
        if let Some(kind) = keep {
            let _ = std::fs::create_dir_all(&findings);
            let _ = std::fs::write(findings.join(format!("{kind}-{runs}.toml")), &bytes);
        }
    }
    println!(
        "{runs} cases in {:.0} s ({valid} loaded whole): {panics} panics, {slow} over 2 s; slowest {:.1} ms; seed {seed}",
        start.elapsed().as_secs_f64(),
        slowest.as_secs_f64() * 1e3
    );
    if panics + slow > 0 {
        println!("findings in {}", findings.display());
        std::process::exit(1);
    }
}
