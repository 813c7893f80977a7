//! The lesson loader's mutation fuzzer: the corpus (every lesson and
//! fixture in the repository), the mutations (bytes, TOML and formula
//! tokens, splices of two files, repeats) and the verdict on each case.
//! `examples/fuzz.rs` runs it for minutes; `tests/never_panics.rs` proves
//! that it sees a panic.

use std::path::Path;
use std::time::{Duration, Instant};

use nntutor::engine::rng::Rng;
use nntutor::lesson::{Loaded, Options, SourceFile, load_with};

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
    "regions = { scores = \"S\", x = \"X\" }\n",
    "batch = { size = 5, data = [\"X\"] }\n",
    "quiz = { question = \"?\", answer = \"0/0\" }\n",
    "\r",
    "images = { value = \"X\", width = 28 }\n",
];

/// Every lesson and fixture of the repository, and the starter lesson.
pub fn corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "lessons",
        "tests/fixtures/errors",
        "tests/fixtures/hostile",
        "tests/fixtures/fit",
        "tests/fixtures/budgets",
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        // The same seed mutates the same files on every machine.
        paths.sort();
        for path in paths {
            if let Ok(bytes) = std::fs::read(path) {
                files.push(bytes);
            }
        }
    }
    files.push(
        include_str!("../../src/cli/starter.toml")
            .as_bytes()
            .to_vec(),
    );
    files
}

/// One to eight mutations of a corpus file.
pub fn mutate(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
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

/// What went wrong with one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The loader panicked (reported as an internal error, or unwound).
    Panic,
    /// It took longer than the run's threshold.
    Slow,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: Kind,
    /// The case's number in the run.
    pub case: u64,
    pub bytes: Vec<u8>,
    /// The panic's message, or how long the case took.
    pub detail: String,
}

#[derive(Debug, Default)]
pub struct Report {
    /// Cases generated (including those that are not UTF-8, which the
    /// file reader refuses before the loader sees them).
    pub cases: u64,
    /// Cases the loader ran.
    pub loaded: u64,
    /// Cases that loaded whole (a timeline, no error).
    pub valid: u64,
    pub slowest: Duration,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn count(&self, kind: Kind) -> usize {
        self.findings.iter().filter(|f| f.kind == kind).count()
    }
}

/// How a run goes.
pub struct Run<'a> {
    pub corpus: &'a [Vec<u8>],
    pub seed: u64,
    pub options: Options,
    /// A case slower than this is a finding.
    pub slow: Duration,
}

impl Run<'_> {
    /// Runs cases while `more(cases so far)` says so.
    pub fn go(&self, mut more: impl FnMut(u64) -> bool) -> Report {
        let mut rng = Rng::new(self.seed);
        let mut report = Report::default();
        while more(report.cases) {
            let bytes = mutate(&mut rng, self.corpus);
            report.cases += 1;
            let Ok(text) = String::from_utf8(bytes.clone()) else {
                continue;
            };
            report.loaded += 1;
            let start = Instant::now();
            let outcome = std::panic::catch_unwind(|| {
                load_with(
                    SourceFile::new("fuzz.toml", text),
                    &self.options,
                    &Default::default(),
                )
            });
            let took = start.elapsed();
            report.slowest = report.slowest.max(took);
            let finding = match verdict(&outcome) {
                Some(message) => Some((Kind::Panic, message)),
                None if took > self.slow => Some((Kind::Slow, format!("{took:.2?}"))),
                None => {
                    let whole = outcome.as_ref().is_ok_and(|l| l.timeline.is_some());
                    report.valid += u64::from(whole);
                    None
                }
            };
            if let Some((kind, detail)) = finding {
                report.findings.push(Finding {
                    kind,
                    case: report.cases,
                    bytes,
                    detail,
                });
            }
        }
        report
    }
}

/// The panic's message, if the load panicked in any way.
pub fn verdict(outcome: &std::thread::Result<Loaded>) -> Option<String> {
    match outcome {
        Err(payload) => Some(nntutor::lesson::panic_message(&**payload)),
        Ok(loaded) => loaded.internal.clone(),
    }
}
