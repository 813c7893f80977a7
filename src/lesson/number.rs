//! Writing numbers for people: fixed decimals, trimmed, non-finite spelled out.

/// Non-finite values are spelled the way the export format spells them.
fn non_finite(v: f64) -> Option<&'static str> {
    if v.is_nan() {
        Some("NaN")
    } else if v == f64::INFINITY {
        Some("inf")
    } else if v == f64::NEG_INFINITY {
        Some("-inf")
    } else {
        None
    }
}

/// `v` with exactly `decimals` decimals; `-0.00` becomes `0.00`.
pub fn fixed(v: f64, decimals: usize) -> String {
    if let Some(s) = non_finite(v) {
        return s.to_string();
    }
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// How many decimals (at most `cap`) `v` needs to show everything it has at
/// `cap` decimals: 2.50 needs 1, 3 needs 0.
pub fn decimals_needed(v: f64, cap: usize) -> usize {
    if !v.is_finite() {
        return 0;
    }
    let s = fixed(v, cap);
    match s.find('.') {
        None => 0,
        Some(dot) => s[dot + 1..].trim_end_matches('0').len(),
    }
}

/// At most `cap` decimals, trailing zeros removed: 2.50 → `2.5`, 3.0 → `3`.
pub fn trimmed(v: f64, cap: usize) -> String {
    fixed(v, decimals_needed(v, cap))
}

/// `fixed`, except that a non-zero number that would round to zero gets two
/// significant digits: -log(0.0021), not -log(0).
pub fn at_least_visible(v: f64, decimals: usize) -> String {
    let s = fixed(v, decimals);
    if v != 0.0
        && v.is_finite()
        && s.trim_start_matches('-')
            .chars()
            .all(|c| c == '0' || c == '.')
    {
        let d = (-libm::log10(v.abs())).ceil() as usize + 1;
        return fixed(v, d.min(17));
    }
    s
}

/// A compact form for labels: up to 6 decimals, trimmed.
pub fn short(v: f64) -> String {
    trimmed(v, 6)
}

/// A group of numbers written with one shared number of decimals (the most any
/// of them needs, up to `cap`), as in a matrix row: 0.2, -0.5, 2.0.
pub fn group(values: &[f64], cap: usize) -> Vec<String> {
    let d = values
        .iter()
        .map(|&v| decimals_needed(v, cap))
        .max()
        .unwrap_or(0);
    values.iter().map(|&v| fixed(v, d)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(fixed(-96.8, 2), "-96.80");
        assert_eq!(trimmed(-96.80000000000001, 2), "-96.8");
        assert_eq!(trimmed(3.0, 2), "3");
        assert_eq!(fixed(-0.0001, 2), "0.00");
        assert_eq!(
            group(&[0.2, -0.5, 0.1, 2.0], 2),
            ["0.2", "-0.5", "0.1", "2.0"]
        );
        assert_eq!(group(&[56.0, 231.0], 2), ["56", "231"]);
        assert_eq!(trimmed(f64::NEG_INFINITY, 2), "-inf");
        assert_eq!(trimmed(f64::NAN, 2), "NaN");
        assert_eq!(at_least_visible(0.0021197, 2), "0.0021");
        assert_eq!(at_least_visible(0.5, 2), "0.50");
    }
}
