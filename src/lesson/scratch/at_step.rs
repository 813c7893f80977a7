//! The tutor's `:`: a formula over a lesson's values as they are at one of
//! its steps, made into a scratch lesson whose givens are those values,
//! exactly (their numbers, row and column names, labels, and the decimals
//! they are shown with).

use super::{Fault, Given, Scratch, parse_formulas};
use crate::lesson::diagnostic::{Diagnostic, Severity};
use crate::lesson::source::SourceFile;
use crate::lesson::timeline::Values;
use crate::lesson::value::Value;
use crate::lesson::{Lesson, Timeline, eval, load};

/// The most numbers a scratch may take from the lesson: each goes into
/// the scratch lesson's text.
pub const MAX_TAKEN: usize = 50_000;

/// A scratch opened at a step: the lesson to show, or what is wrong with
/// the formula (its message, and where in the formula, in characters).
pub fn at_step(
    text: &str,
    values: &Values,
    digits: usize,
) -> Result<(Lesson, Timeline), (String, Option<usize>)> {
    let mut scratch = scratch_over(text, values).map_err(|f| fault(text, &f))?;
    scratch.digits = Some(digits);
    let generated = super::lesson_text(&scratch, "scratch");
    let loaded = load(SourceFile::new("scratch", generated.text.clone()));
    if let Some(bad) = loaded
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
    {
        return Err(place(&generated, &scratch, bad, text));
    }
    let Some(mut lesson) = loaded.lesson else {
        return Err(("the formula could not be evaluated".into(), None));
    };
    // The values themselves, not their text: the decimals the lesson shows
    // them with, their row and column names.
    for g in &mut lesson.givens {
        if let Some(v) = values.get(&g.name) {
            g.value = Value::clone(v);
            g.later = None;
        }
    }
    let (timeline, diagnostics) = eval::evaluate_until(&lesson, &eval::Cancel::default());
    match diagnostics.iter().find(|d| d.severity == Severity::Error) {
        Some(bad) => Err(place(&generated, &scratch, bad, text)),
        None => Ok((lesson, timeline)),
    }
}

/// The scratch: the formulas, and as givens the lesson's values they use
/// (and do not define themselves).
fn scratch_over(text: &str, values: &Values) -> Result<Scratch, Fault> {
    let used: Vec<(String, usize)> = identifiers(text)
        .into_iter()
        .filter(|(n, _)| values.contains_key(n))
        .collect();
    let taken: Vec<&str> = used.iter().map(|(n, _)| n.as_str()).collect();
    let formulas = parse_formulas(text, &taken)?;
    let mut givens: Vec<Given> = Vec::new();
    let mut numbers = 0;
    for (name, at) in &used {
        if formulas.iter().any(|f| &f.name == name) || givens.iter().any(|g| &g.name == name) {
            continue;
        }
        let Some(value) = values.get(name) else {
            continue;
        };
        numbers += value.data.len();
        if numbers > MAX_TAKEN {
            let (r, c) = value.shape();
            return Err(Fault::new(
                0,
                *at..at + name.len(),
                format!(
                    "`{name}` ({r}×{c}) is more than the scratchpad takes from a lesson ({MAX_TAKEN} numbers in all)"
                ),
            ));
        }
        givens.push(Given {
            name: name.clone(),
            name_span: *at..at + name.len(),
            toml: toml_of(value),
            arg: 0,
            verbatim_at: None,
            value_span: *at..at + name.len(),
        });
    }
    Ok(Scratch {
        typed: super::typed(text, &[]),
        formulas,
        givens,
        digits: None,
    })
}

/// Each name-like word of `text` and where it first stands.
fn identifiers(text: &str) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    let bytes = text.as_bytes();
    let mut k = 0;
    while k < bytes.len() {
        let c = bytes[k];
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = k;
            while k < bytes.len() && (bytes[k].is_ascii_alphanumeric() || bytes[k] == b'_') {
                k += 1;
            }
            let word = &text[start..k];
            if !out.iter().any(|(w, _)| w == word) {
                out.push((word.to_string(), start));
            }
        } else if c.is_ascii_digit() || c == b'.' {
            // A number's exponent (`1e5`) is not a name.
            while k < bytes.len() && (bytes[k].is_ascii_alphanumeric() || bytes[k] == b'.') {
                k += 1;
            }
        } else {
            k += 1;
        }
    }
    out
}

/// A value as lesson text, every number exactly (the shortest text that
/// reads back as the same bits).
fn toml_of(v: &Value) -> String {
    let number = |x: f64| {
        if x.is_nan() {
            "nan".to_string()
        } else if x.is_infinite() {
            if x > 0.0 { "inf" } else { "-inf" }.to_string()
        } else {
            format!("{x:?}")
        }
    };
    let t = &v.data;
    let (rows, cols) = t.shape();
    let row = |i: usize| {
        let cells: Vec<String> = (0..cols).map(|j| number(t[(i, j)])).collect();
        format!("[{}]", cells.join(", "))
    };
    if v.labels {
        let cells: Vec<String> = t.iter().map(|&x| number(x)).collect();
        return format!("{{ value = [{}], kind = \"labels\" }}", cells.join(", "));
    }
    match (rows, cols) {
        (1, 1) => number(t[(0, 0)]),
        (_, 1) => {
            let cells: Vec<String> = (0..rows).map(|i| number(t[(i, 0)])).collect();
            format!("[{}]", cells.join(", "))
        }
        _ => {
            let all: Vec<String> = (0..rows).map(row).collect();
            format!("[{}]", all.join(", "))
        }
    }
}

/// A fault's message and its place in the formula, in characters.
fn fault(text: &str, f: &Fault) -> (String, Option<usize>) {
    let at = text.get(..f.span.start).map(|s| s.chars().count());
    (f.message.clone(), at)
}

/// A lesson diagnostic pointed back into the typed formula.
fn place(
    generated: &super::Generated,
    scratch: &Scratch,
    d: &Diagnostic,
    text: &str,
) -> (String, Option<usize>) {
    // The message names the scratch lesson's step; the learner typed one line.
    let message = d
        .message
        .split_once("\": ")
        .filter(|(head, _)| head.starts_with("step "))
        .map_or(d.message.as_str(), |(_, rest)| rest);
    let message = message
        .split_once("`: ")
        .filter(|(head, _)| head.starts_with("in `"))
        .map_or(message, |(_, rest)| rest)
        .to_string();
    match generated.locate(d, scratch) {
        Some((_, moved)) => {
            let start = moved.span.map_or(0, |s| s.start);
            let at = text.get(..start).map(|s| s.chars().count());
            let help = moved.help.map(|h| format!(" ({h})")).unwrap_or_default();
            (format!("{message}{help}"), at)
        }
        None => (message, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_but_not_exponents() {
        let found: Vec<String> = identifiers("-log(p[0]) + 1e5 * W_2")
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(found, ["log", "p", "W_2"]);
    }

    #[test]
    fn values_read_back_as_the_same_bits() {
        let v = Value::plain(crate::engine::Tensor::from_row_slice(
            2,
            2,
            &[0.1, -1e-300, 1.0 / 3.0, 7.0],
        ));
        assert_eq!(toml_of(&v), "[[0.1, -1e-300], [0.3333333333333333, 7.0]]");
        let back: f64 = "0.3333333333333333".parse().expect("a number");
        assert_eq!(back.to_bits(), (1.0f64 / 3.0).to_bits());
    }

    fn values(pairs: &[(&str, Value)]) -> Values {
        let mut v = Values::new();
        for (n, x) in pairs {
            v.insert(n.to_string(), std::sync::Arc::new(x.clone()));
        }
        v
    }

    #[test]
    fn a_formula_over_the_values_keeps_their_names_and_decimals() {
        let mut p = Value::plain(crate::engine::Tensor::from_column_slice(
            3,
            1,
            &[0.13, 0.87, 0.0009],
        ));
        p.rows = Some(vec!["cat".into(), "car".into(), "frog".into()]);
        p.written = 4;
        let (lesson, timeline) =
            at_step("-log(p[0])", &values(&[("p", p.clone())]), 2).expect("opens");
        let last = timeline.steps.last().expect("steps");
        let f = last.values.get("f").expect("f");
        assert_eq!(f.data[(0, 0)], -(0.13f64.ln()));
        let given = last.values.get("p").expect("p");
        assert_eq!(given.rows, p.rows);
        assert_eq!(given.written, 4);
        assert_eq!(lesson.digits, 2);
        // Backward from f reaches p: ∂f/∂p[0] = -1/0.13.
        assert_eq!(
            last.values.get("df_dp").expect("grad").data[(0, 0)],
            -1.0 / 0.13
        );
    }

    #[test]
    fn faults_are_placed_in_the_typed_formula() {
        let x = Value::plain(crate::engine::Tensor::from_element(300, 200, 1.0));
        let big = values(&[
            ("X", x),
            ("y", Value::plain(crate::engine::Tensor::zeros(1, 1))),
        ]);
        let (why, at) = at_step("y + sum(X)", &big, 2).expect_err("too big");
        assert!(why.contains("60000") || why.contains("300×200"), "{why}");
        assert_eq!(at, Some(8));
        let (why, at) = at_step("y * q", &big, 2).expect_err("unknown");
        assert!(why.contains("unknown name `q`"), "{why}");
        assert_eq!(at, Some(4));
    }
}
