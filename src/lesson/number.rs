//! Writing numbers for people: fixed decimals, trimmed, non-finite spelled
//! out, and scientific notation for magnitudes a row of zeros or hundreds
//! of digits would hide (`1.2e-44`, `1e308`).

/// Below this magnitude (and above zero) a number is written `1.2e-44`.
const SMALL: f64 = 1e-4;
/// From this magnitude up a number is written `1e308`.
const LARGE: f64 = 1e6;

/// Whether `v` is written in scientific notation.
pub fn is_scientific(v: f64) -> bool {
    v.is_finite() && v != 0.0 && (v.abs() < SMALL || v.abs() >= LARGE)
}

/// The most decimals a mantissa shows (three significant digits), beyond
/// which a reader sees noise; arithmetic may add guard digits.
pub const MANTISSA: usize = 2;

/// `v` in scientific notation with `decimals` decimals in its mantissa,
/// trailing zeros trimmed if `trim`: `1.20e-44` or `1.2e-44`, `1e308`.
fn scientific(v: f64, decimals: usize, trim: bool) -> String {
    let s = format!("{:.*e}", decimals.min(16), v);
    match s.split_once('e') {
        Some((m, e)) if trim && m.contains('.') => {
            format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.'))
        }
        _ => s,
    }
}

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

/// `v` with exactly `decimals` decimals; `-0.00` becomes `0.00`. Tiny and
/// huge magnitudes are written in scientific notation with a mantissa of
/// two decimals, whatever `decimals` (`1.20e-44`, `6.14e-6`), so that a
/// column of them lines up.
pub fn fixed(v: f64, decimals: usize) -> String {
    if let Some(s) = non_finite(v) {
        return s.to_string();
    }
    if is_scientific(v) {
        return scientific(v, MANTISSA, false);
    }
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// `v` as an operand of arithmetic with `guard` more digits than usual:
/// `decimals` decimals, or in scientific notation the mantissa's two and
/// the guard's.
pub fn guarded(v: f64, decimals: usize, guard: usize) -> String {
    if is_scientific(v) {
        return scientific(v, MANTISSA + guard, true);
    }
    at_least_visible(v, decimals)
}

/// The decimals a group of numbers shares (a matrix, one operand of
/// arithmetic): the most any of them needs, up to `cap`. Numbers in
/// scientific notation count their mantissa apart, so 1e-9 beside 56 does
/// not make it 56.00.
pub fn shared_decimals(values: impl IntoIterator<Item = f64>, cap: usize) -> usize {
    let mut most = 0;
    for v in values.into_iter().filter(|v| !is_scientific(*v)) {
        most = most.max(decimals_needed(v, cap));
        // None needs more than `cap`: the rest need not be written out
        // (a matrix of random weights stops at its first element).
        if most >= cap {
            break;
        }
    }
    most
}

/// How many decimals (at most `cap`) `v` needs to show everything it has at
/// `cap` decimals: 2.50 needs 1, 3 needs 0 (none for a number in
/// scientific notation, whose mantissa is its own).
pub fn decimals_needed(v: f64, cap: usize) -> usize {
    if !v.is_finite() || is_scientific(v) {
        return 0;
    }
    let s = fixed(v, cap);
    match s.find('.') {
        None => 0,
        Some(dot) => s[dot + 1..].trim_end_matches('0').len(),
    }
}

/// At most `cap` decimals, trailing zeros removed: 2.50 → `2.5`, 3.0 → `3`,
/// 1.00e308 → `1e308`.
pub fn trimmed(v: f64, cap: usize) -> String {
    if is_scientific(v) {
        return scientific(v, MANTISSA, true);
    }
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
    let d = shared_decimals(values.iter().copied(), cap);
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

    #[test]
    fn tiny_and_huge_numbers_in_scientific_notation() {
        assert_eq!(fixed(1.234e-44, 2), "1.23e-44");
        assert_eq!(fixed(-1.2e-44, 0), "-1.20e-44");
        assert_eq!(fixed(7.0475e-6, 4), "7.05e-6");
        assert_eq!(trimmed(1e308, 2), "1e308");
        assert_eq!(trimmed(1e300, 0), "1e300");
        assert_eq!(fixed(3_250_000.0, 4), "3.25e6");
        assert_eq!(trimmed(0.00005, 4), "5e-5");
        assert_eq!(decimals_needed(1.5e-9, 6), 0);
        assert_eq!(trimmed(2.536039e-5, 6), "2.54e-5");
        assert_eq!(group(&[56.0, 1e-9], 2), ["56", "1.00e-9"]);
        assert_eq!(guarded(2.536039e-5, 2, 2), "2.536e-5");
        // The boundaries: 0.0001 and 999999 are still plain.
        assert_eq!(trimmed(0.0001, 4), "0.0001");
        assert_eq!(trimmed(999_999.0, 2), "999999");
        assert_eq!(trimmed(1_000_000.0, 2), "1e6");
        assert_eq!(fixed(0.0, 2), "0.00");
    }
}
