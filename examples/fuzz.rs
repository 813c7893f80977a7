//! A mutation fuzzer for the lesson loader, for runs longer than the test
//! suite's property tests: `cargo run --release --example fuzz -- SECONDS
//! [SEED]`.
//!
//! It starts from every lesson and fixture in the repository, mutates them
//! (bytes, TOML and formula tokens, splices of two files), loads each case
//! with the fuzzing budgets (`Limits::fuzzing`, small, so that a case costs
//! microseconds rather than the seconds a real lesson may take) and reports
//! panics (internal errors included) and slow cases, saved under
//! target/fuzz-findings/ to become fixture tests. `cargo fuzz` needs a
//! nightly toolchain, which this project does not assume; this runs on
//! stable. `FUZZ_INJECT_PANIC=1` makes every load panic, to see that the
//! fuzzer reports it.

#[path = "../tests/common/fuzzing.rs"]
mod fuzzing;

use std::path::Path;
use std::time::{Duration, Instant};

use fuzzing::{Kind, Run};
use nntutor::lesson::{Limits, Options};

fn main() {
    let arg = |k: usize| std::env::args().nth(k).and_then(|s| s.parse::<u64>().ok());
    let seconds = arg(1).unwrap_or(60);
    let seed = arg(2).unwrap_or(1);
    let findings = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-findings");
    let corpus = fuzzing::corpus();
    // Panics are findings, not noise on the terminal.
    std::panic::set_hook(Box::new(|_| {}));
    let run = Run {
        corpus: &corpus,
        seed,
        options: Options {
            limits: Limits::fuzzing(),
            inject_panic: std::env::var_os("FUZZ_INJECT_PANIC").is_some(),
        },
        slow: Duration::from_millis(500),
    };
    let (start, budget) = (Instant::now(), Duration::from_secs(seconds));
    // The clock is read every 64 cases: cheap, and never 64 slow cases late.
    let report = run.go(|n| n % 64 != 0 || start.elapsed() < budget);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} cases in {secs:.0} s ({:.0} a second; {} loaded, {} whole): {} panics, {} over {:?}; slowest {:.1} ms; seed {seed}",
        report.cases,
        report.cases as f64 / secs,
        report.loaded,
        report.valid,
        report.count(Kind::Panic),
        report.count(Kind::Slow),
        run.slow,
        report.slowest.as_secs_f64() * 1e3
    );
    if report.findings.is_empty() {
        return;
    }
    let _ = std::fs::create_dir_all(&findings);
    for f in &report.findings {
        let kind = match f.kind {
            Kind::Panic => "panic",
            Kind::Slow => "slow",
        };
        let _ = std::fs::write(
            findings.join(format!("{kind}-{seed}-{}.toml", f.case)),
            &f.bytes,
        );
        println!("{kind} at case {}: {}", f.case, f.detail);
    }
    println!("findings in {}", findings.display());
    std::process::exit(1);
}
