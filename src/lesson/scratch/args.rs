//! Reading what was typed: `q = x + y; f = q * z`, and values `x=-2`,
//! `v=[1, 2]`, `W=[[1, 2], [3, 4]]`, `W=normal(3, 4, seed=1)`.

use std::ops::Range;

use super::{Fault, Formula, Given, Scratch, typed};
use crate::lesson::build::is_name;

/// The formulas and values of `nntutor try`.
pub fn parse(formulas: &str, values: &[String]) -> Result<Scratch, Fault> {
    let mut givens: Vec<Given> = Vec::new();
    for (k, v) in values.iter().enumerate() {
        let given = value(k + 1, v)?;
        if givens.iter().any(|g| g.name == given.name) {
            let name = given.name.clone();
            let at = v.find(&name).unwrap_or(0);
            return Err(Fault::new(
                k + 1,
                at..at + name.len(),
                format!("`{name}` is given twice"),
            ));
        }
        givens.push(given);
    }
    let taken: Vec<&str> = givens.iter().map(|g| g.name.as_str()).collect();
    let formulas_parsed = parse_formulas(formulas, &taken)?;
    Ok(Scratch {
        typed: typed(formulas, values),
        formulas: formulas_parsed,
        givens,
        digits: None,
    })
}

/// `q = x + y; f = q * z`: statements separated by `;`. The last may be
/// an expression alone; it is then called `f` (or the first of `f2`, `f3`,
/// … that `taken` and the other formulas leave free).
pub fn parse_formulas(text: &str, taken: &[&str]) -> Result<Vec<Formula>, Fault> {
    let pieces = pieces(text);
    if pieces.is_empty() {
        return Err(Fault::new(0, 0..text.len(), "no formula").help(
            "type one or more, separated by `;`: `nntutor try \"f = (x + y) * z\" x=-2 y=5 z=-4`",
        ));
    }
    let mut out: Vec<Formula> = Vec::new();
    let last = pieces.len() - 1;
    for (k, span) in pieces.into_iter().enumerate() {
        let piece = &text[span.clone()];
        let formula = match piece.find('=') {
            Some(eq) => named(text, span.clone(), eq)?,
            None if k == last => {
                let names: Vec<&str> = out.iter().map(|f| f.name.as_str()).collect();
                let name = free_name(taken, &names);
                Formula {
                    statement: format!("{name} = {piece}"),
                    name,
                    at: None,
                    expr_at: span.start,
                    name_span: span.clone(),
                }
            }
            None => {
                return Err(Fault::new(0, span, "this formula needs a name")
                    .help("every formula but the last defines a value: `q = x + y; f = q * z`"));
            }
        };
        if out.iter().any(|f| f.name == formula.name) {
            return Err(Fault::new(
                0,
                formula.name_span.clone(),
                format!("`{}` is defined twice", formula.name),
            ));
        }
        out.push(formula);
    }
    Ok(out)
}

/// The non-blank statements between `;`, trimmed, as places in `text`.
fn pieces(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for part in text.split(';') {
        let lead = part.len() - part.trim_start().len();
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            out.push(start + lead..start + lead + trimmed.len());
        }
        start += part.len() + 1;
    }
    out
}

/// `name = expression` at `span` in `text`, its `=` at `eq` within it.
fn named(text: &str, span: Range<usize>, eq: usize) -> Result<Formula, Fault> {
    let start = span.start;
    let piece = &text[span];
    let lhs = &piece[..eq];
    let name = lhs.trim();
    let name_at = start + (lhs.len() - lhs.trim_start().len());
    let name_span = name_at..name_at + name.len();
    if !is_name(name) {
        let span = if name.is_empty() {
            start..start + eq + 1
        } else {
            name_span
        };
        return Err(
            Fault::new(0, span, "a formula defines a name: `name = expression`").help(
                "a name is letters, digits and `_`, starting with a letter: `f = (x + y) * z`",
            ),
        );
    }
    let rhs = &piece[eq + 1..];
    let expr_at = start + eq + 1 + (rhs.len() - rhs.trim_start().len());
    if rhs.trim().is_empty() {
        return Err(Fault::new(
            0,
            start + eq..start + eq + 1,
            format!("`{name} =` needs an expression after it"),
        ));
    }
    Ok(Formula {
        name: name.to_string(),
        statement: piece.to_string(),
        at: Some(start),
        expr_at,
        name_span,
    })
}

/// `f`, or the first of `f2`, `f3`, … not in use.
fn free_name(taken: &[&str], defined: &[&str]) -> String {
    let used = |n: &str| taken.contains(&n) || defined.contains(&n);
    if !used("f") {
        return "f".into();
    }
    (2..)
        .map(|k| format!("f{k}"))
        .find(|n| !used(n))
        .unwrap_or_default()
}

/// `name=value`, argument `arg`.
fn value(arg: usize, text: &str) -> Result<Given, Fault> {
    let usage = "a value is `name=value`: `x=-2`, `v=[1, 2]`, `W=[[1, 2], [3, 4]]` or `W=normal(3, 4, seed=1)`";
    let Some(eq) = text.find('=') else {
        return Err(Fault::new(arg, 0..text.len(), "this value has no name").help(usage));
    };
    let name = text[..eq].trim();
    let name_at = text[..eq].len() - text[..eq].trim_start().len();
    if !is_name(name) {
        let span = if name.is_empty() {
            eq..eq + 1
        } else {
            name_at..name_at + name.len()
        };
        return Err(Fault::new(arg, span, "not a name").help(usage));
    }
    let rest = &text[eq + 1..];
    let trimmed = rest.trim();
    let at = eq + 1 + (rest.len() - rest.trim_start().len());
    let value_span = at..at + trimmed.len();
    if trimmed.is_empty() {
        return Err(Fault::new(arg, eq..eq + 1, format!("`{name}=` needs a value")).help(usage));
    }
    if let Some(bad) = trimmed.find(['\n', '\r']) {
        return Err(Fault::new(
            arg,
            at + bad..at + bad + 1,
            "a value is written on one line",
        ));
    }
    let (toml, verbatim_at) = match random(arg, trimmed, at)? {
        Some(table) => (table, None),
        None => {
            toml_value(arg, trimmed, at)?;
            (trimmed.to_string(), Some(at))
        }
    };
    Ok(Given {
        name: name.to_string(),
        name_span: name_at..name_at + name.len(),
        toml,
        arg,
        verbatim_at,
        value_span,
    })
}

/// A value must read as one TOML value (a number, an array, an inline
/// table) before it goes into the lesson, so that a fault in it is shown
/// where it was typed, not as a fault in the lines after it.
fn toml_value(arg: usize, text: &str, at: usize) -> Result<(), Fault> {
    const LEAD: &str = "v = ";
    let Err(e) = toml::from_str::<toml::Table>(&format!("{LEAD}{text}\n")) else {
        return Ok(());
    };
    let within = |o: usize| o.saturating_sub(LEAD.len()).min(text.len());
    let span = e
        .span()
        .map_or(0..text.len(), |s| within(s.start)..within(s.end));
    let span = if span.is_empty() {
        span.start.saturating_sub(1)..span.start.max(1).min(text.len())
    } else {
        span
    };
    let message = if text.starts_with(|c: char| c.is_alphabetic()) {
        format!("`{text}` is not a number, a vector or a matrix")
    } else {
        let why = e.message().lines().next().unwrap_or("").trim();
        format!("not a value: {why}")
    };
    Err(Fault::new(arg, at + span.start..at + span.end, message)
        .help("a number `-2`, a vector `[1, 2]`, a matrix `[[1, 2], [3, 4]]`, or `normal(3, 4, seed=1)`"))
}

/// `normal(3, 4, seed=1, scale=0.1)` or `uniform(…)`, as the lesson's
/// `{ random = …, shape = […], … }`; `None` for any other value.
fn random(arg: usize, text: &str, at: usize) -> Result<Option<String>, Fault> {
    let Some((kind, inner)) = ["normal", "uniform"].iter().find_map(|k| {
        text.strip_prefix(k)
            .and_then(|r| r.trim_start().strip_prefix('('))
            .map(|r| (*k, r))
    }) else {
        return Ok(None);
    };
    let usage = format!(
        "`{kind}(rows, cols)`, with `seed=N` (0 unless set) and `scale=S` (1 unless set): `W={kind}(3, 4, seed=1)`"
    );
    let open = text.len() - inner.len();
    let Some(inner) = inner.strip_suffix(')') else {
        return Err(Fault::new(arg, at..at + text.len(), "`(` is not closed").help(usage));
    };
    let mut shape: Vec<u64> = Vec::new();
    let (mut seed, mut scale) = (0u64, None::<f64>);
    let mut start = at + open;
    for part in inner.split(',') {
        let span = start + (part.len() - part.trim_start().len())..start + part.trim_end().len();
        start += part.len() + 1;
        let part = part.trim();
        let bad = |what: &str| Fault::new(arg, span.clone(), what.to_string()).help(usage.clone());
        match part.split_once('=') {
            Some((key, v)) if key.trim() == "seed" => {
                seed = v
                    .trim()
                    .parse()
                    .map_err(|_| bad("a seed is a whole number from 0 up"))?;
            }
            Some((key, v)) if key.trim() == "scale" => {
                let s: f64 = v.trim().parse().map_err(|_| bad("a scale is a number"))?;
                if !s.is_finite() {
                    return Err(bad("a scale is a finite number"));
                }
                scale = Some(s);
            }
            Some(_) => return Err(bad("only `seed=` and `scale=` may be set here")),
            None => match part.parse::<u64>() {
                Ok(n) if n >= 1 && shape.len() < 2 && scale.is_none() => shape.push(n),
                _ => return Err(bad("the shape is one or two whole numbers from 1 up")),
            },
        }
    }
    if shape.is_empty() {
        return Err(Fault::new(arg, at..at + text.len(), "no shape").help(usage));
    }
    let (rows, cols) = (shape[0], shape.get(1).copied().unwrap_or(1));
    let scale = scale
        .map(|s| format!(", scale = {s:?}"))
        .unwrap_or_default();
    Ok(Some(format!(
        "{{ random = \"{kind}\", shape = [{rows}, {cols}]{scale}, seed = {seed} }}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn formulas_and_values_with_their_places() {
        let s = parse(
            " q = x + y ;f=q * z",
            &values(&["x=-2", "W = normal(3, 4, seed=7)"]),
        )
        .expect("parses");
        assert_eq!(s.formulas[0].statement, "q = x + y");
        assert_eq!(s.formulas[0].name_span, 1..2);
        assert_eq!(s.formulas[1].statement, "f=q * z");
        assert_eq!(s.formulas[1].expr_at, 14);
        assert_eq!(s.givens[0].toml, "-2");
        assert_eq!(s.givens[0].verbatim_at, Some(2));
        assert_eq!(
            s.givens[1].toml,
            "{ random = \"normal\", shape = [3, 4], seed = 7 }"
        );
    }

    #[test]
    fn a_bare_last_expression_is_named_f_unless_taken() {
        let f = parse_formulas("(x + y) * z", &[]).expect("parses");
        assert_eq!(f[0].statement, "f = (x + y) * z");
        let f = parse_formulas("g = 2 * x; g + 1", &["f"]).expect("parses");
        assert_eq!(f[1].name, "f2");
    }

    #[test]
    fn faults_point_at_what_was_typed() {
        let e = parse_formulas("x + y; f = 2", &[]).expect_err("unnamed");
        assert_eq!(e.span, 0..5);
        let e = parse_formulas("2x = y", &[]).expect_err("bad name");
        assert_eq!(e.span, 0..2);
        let e = parse("f = x", &values(&["x=normal(3, 0)"])).expect_err("shape");
        assert_eq!((e.arg, e.span), (1, 12..13));
        let e = parse("f = x", &values(&["x"])).expect_err("no name");
        assert_eq!(e.arg, 1);
        let e = parse("f = x", &values(&["x=1", "x=2"])).expect_err("twice");
        assert_eq!(e.message, "`x` is given twice");
        assert!(parse(";  ;", &[]).is_err());
    }
}
