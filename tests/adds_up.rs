//! What is printed adds up: every line of arithmetic in every built-in
//! lesson's exports, redone from the numbers it prints, gives its printed
//! result to within half a unit of its last digit. The calculator here is
//! the engine's own formula parser on the printed text (`×` read as `*`),
//! not the code that chose the digits.

#![allow(clippy::unwrap_used)]

mod common;

use common::nntutor;
use nntutor::cli::export::{Format, write};
use nntutor::engine::Graph;
use nntutor::engine::graph::{Binding, Scope};
use nntutor::engine::parse::parse_expr;
use nntutor::lesson::builtin::BUILTIN;
use nntutor::lesson::document::Audience;
use nntutor::lesson::{SourceFile, load};
use proptest::prelude::*;

struct Nothing;

impl Scope for Nothing {
    fn binding(&self, _: &str) -> Option<Binding<'_>> {
        None
    }
}

/// The value of printed arithmetic, if it is arithmetic (no names, no `…`).
fn calculate(text: &str) -> Option<f64> {
    if text.contains('…') {
        return None;
    }
    // The lecture's indicator 1[a > b] is the parser's (a > b).
    let text = text.replace("1[", "(").replace(']', ")");
    let expr = parse_expr(&text.replace('×', "*").replace('−', "-")).ok()?;
    let (g, root) = Graph::build(&expr, &Nothing, false).ok()?;
    let v = g.value(root);
    (v.len() == 1).then(|| v[0])
}

/// The unit of the last written digit: `1.25` → 0.01, `1.2e-44` → 1e-45.
fn unit(text: &str) -> f64 {
    let (m, e) = text.split_once('e').unwrap_or((text, "0"));
    let decimals = m.find('.').map_or(0, |p| m.len() - p - 1) as i32;
    10f64.powi(e.parse::<i32>().unwrap() - decimals)
}

/// `(line, computed)` for each line whose arithmetic does not add up; the
/// number of lines checked.
fn faults(text: &str) -> (Vec<(String, f64)>, usize) {
    let mut bad = Vec::new();
    let mut checked = 0;
    for line in text.lines() {
        let mut sides = line.trim().trim_start_matches("- ").rsplit(" = ");
        let (Some(result), Some(lhs)) = (sides.next(), sides.next()) else {
            continue;
        };
        let result = result.trim_end_matches('`').trim();
        let lhs = lhs.trim_start_matches('`');
        // Only arithmetic: an operator or a call, not a value echoed.
        if !lhs.contains(['+', '×', '/', '^', '(']) && !lhs.trim_start_matches('-').contains('-') {
            continue;
        }
        let (Ok(printed), Some(computed)) = (result.parse::<f64>(), calculate(lhs)) else {
            continue;
        };
        checked += 1;
        let half = 0.5 * unit(result);
        if (computed - printed).abs() > half * (1.0 + 1e-9) + 1e-12 * printed.abs() {
            bad.push((line.to_string(), computed));
        }
    }
    (bad, checked)
}

#[test]
fn every_printed_calculation_of_every_lesson_adds_up() {
    let mut all_bad = Vec::new();
    let mut total = 0;
    for b in BUILTIN {
        let id = b.file.trim_end_matches(".toml");
        for format in ["text", "markdown"] {
            let (code, out, err) = nntutor(&["export", "--format", format, id]);
            assert_eq!(code, 0, "{id}: {err}");
            let (bad, checked) = faults(&out);
            total += checked;
            all_bad.extend(
                bad.into_iter()
                    .map(|(l, c)| format!("{id} ({format}): {l}  [by hand: {c}]")),
            );
        }
    }
    assert!(
        all_bad.is_empty(),
        "{} lines do not add up:\n{}",
        all_bad.len(),
        all_bad.join("\n")
    );
    // The check is not vacuous: hundreds of lines are redone.
    assert!(total > 300, "only {total} lines checked");
}

#[test]
fn the_calculator_reads_printed_arithmetic() {
    assert_eq!(calculate("2 × 3 + 1"), Some(7.0));
    assert_eq!(calculate("a + 1"), None);
    let (bad, checked) =
        faults("  z = 24.53 + 164.02 + 0.18 = 188.74\n  y = 1 + 2 = 3\n  x = 4.9 = 4.9\n");
    assert_eq!(checked, 2);
    assert_eq!(bad.len(), 1);
}

/// A number as a lesson writes it: four significant digits at a magnitude
/// from 1e-8 to 1e8, some of them tiny or huge enough for scientific
/// notation.
fn number() -> impl Strategy<Value = f64> {
    (-99_999i64..=99_999, -8i32..=8).prop_map(|(m, e)| m as f64 / 1e4 * 10f64.powi(e))
}

/// A score for softmax: -5 to 5. (Wider apart, a probability is 1 within
/// a double's precision, and a calculator's `-log(p)` is all rounding:
/// the check would judge the double, not the printed digits.)
fn score() -> impl Strategy<Value = f64> {
    (-5_000i64..=5_000).prop_map(|m| m as f64 / 1e3)
}

/// An exponent for exp: -20 to 20.
fn exponent() -> impl Strategy<Value = f64> {
    (-20_000i64..=20_000).prop_map(|m| m as f64 / 1e3)
}

/// The formulas a generated lesson walks through, element by element.
const FORMULAS: &[&str] = &[
    "a + b",
    "a - b",
    "a * b",
    "a / b",
    "a * b + c",
    "(a - b) / c",
    "a ^ 2",
    "max(0, a - b + 1)",
    "sum(v)",
    "mean(v)",
    "W @ v",
    "W @ v + u",
    "exp(s)",
    "softmax(m)",
    "-log(softmax(m))",
    "sigmoid(m)",
    "sqrt(abs(a))",
    "log(abs(b))",
];

fn lesson_text(n: &[f64], m: &[f64], s: f64, digits: usize) -> String {
    let f = |x: f64| format!("{x:?}");
    let mut text = format!(
        "id = \"gen\"\ntitle = \"Generated\"\ndigits = {digits}\n[given]\na = {}\nb = {}\nc = {}\nv = [{}, {}, {}]\nu = [{}, {}]\nW = [[{}, {}, {}], [{}, {}, {}]]\ns = {}\nm = [{}, {}, {}]\n",
        f(n[0]),
        f(n[1]),
        f(n[2]),
        f(n[3]),
        f(n[4]),
        f(n[5]),
        f(n[6]),
        f(n[7]),
        f(n[8]),
        f(n[9]),
        f(n[10]),
        f(n[11]),
        f(n[12]),
        f(n[13]),
        f(s),
        f(m[0]),
        f(m[1]),
        f(m[2])
    );
    for (k, formula) in FORMULAS.iter().enumerate() {
        text.push_str(&format!(
            "[[steps]]\ntitle = \"{k}\"\nlet = \"y{k} = {formula}\"\nexpand = true\n"
        ));
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Lessons of numbers from tiny to huge: every calculation their text
    /// export prints adds up.
    #[test]
    fn generated_lessons_add_up(
        n in proptest::collection::vec(number(), 14),
        m in proptest::collection::vec(score(), 3),
        s in exponent(),
        digits in 0usize..=6,
    ) {
        let text = lesson_text(&n, &m, s, digits);
        let loaded = load(SourceFile::new("gen.toml", text.clone()));
        let (Some(lesson), Some(timeline)) = (&loaded.lesson, &loaded.timeline) else {
            panic!("the generated lesson does not load: {:?}\n{text}", loaded.diagnostics);
        };
        let mut out = Vec::new();
        write(lesson, timeline, Format::Text, Audience::Learner, &mut out).unwrap();
        let export = String::from_utf8(out).unwrap();
        let (bad, checked) = faults(&export);
        prop_assert!(bad.is_empty(), "{bad:?}\n{text}");
        prop_assert!(checked >= FORMULAS.len(), "only {checked} lines checked");
    }
}
