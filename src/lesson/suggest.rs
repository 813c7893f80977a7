//! "Did you mean": a known name close to a misspelt one.

/// Whether `a` and `b` are one edit apart (a letter added, dropped,
/// changed, or two swapped: `expnad`), or the same letters in another case
/// (`Softmax` for `softmax`); names of one letter are too short to guess
/// from.
pub fn similar(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
        || (a.chars().count() >= 2 && b.chars().count() >= 2 && strsim::osa_distance(a, b) <= 1)
}

/// The first of `known` close to `name`.
pub fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known.into_iter().find(|k| similar(k, name))
}

/// `; did you mean `x`?`, or nothing.
pub fn hint<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    closest(name, known)
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_or_another_case() {
        assert!(similar("softmax", "sofmax"));
        assert!(similar("Softmax", "softmax"));
        assert!(similar("expand", "expnad"));
        assert!(!similar("expand", "epxnad"));
        assert!(similar("relu", "relus"));
        assert!(!similar("relu", "exp"));
        assert!(!similar("x", "y"));
        assert_eq!(closest("sigmod", ["exp", "sigmoid"]), Some("sigmoid"));
        assert_eq!(hint("tahn", ["tanh"]), "; did you mean `tanh`?");
        assert_eq!(hint("hnat", ["tanh"]), "");
        assert_eq!(hint("tnh", ["tanh"]), "; did you mean `tanh`?");
    }
}
