//! Text for the screen: word wrapping by display width (and `sanitize`,
//! shared with the exports, so that a lesson's control characters never
//! reach the terminal as commands).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub use crate::lesson::format::sanitize;

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Greedy word wrap to `max` columns (textwrap's first fit, by display
/// width); paragraphs (blank lines) are kept, single newlines inside a
/// paragraph are spaces. A word that does not fit what is left of a line
/// starts the next; one longer than a line is cut at the edge.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let options = textwrap::Options::new(max.max(1))
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit)
        // Words are what spaces separate: no breaks after `/` or inside
        // `my-lesson`.
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(true);
    let mut out = Vec::new();
    for (k, para) in text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        if k > 0 {
            out.push(String::new());
        }
        let words = para.split_whitespace().collect::<Vec<_>>().join(" ");
        out.extend(
            textwrap::wrap(&words, &options)
                .into_iter()
                .map(|l| l.into_owned()),
        );
    }
    out
}

/// Cuts `s` after at most `cols` columns.
pub fn split_at_width(s: &str, cols: usize) -> (String, String) {
    let mut w = 0;
    for (i, c) in s.char_indices() {
        let cw = c.width().unwrap_or(0);
        if w + cw > cols {
            return (s[..i].to_string(), s[i..].to_string());
        }
        w += cw;
    }
    (s.to_string(), String::new())
}

/// `s` cut to `cols` columns with an ellipsis if it was longer.
pub fn fit(s: &str, cols: usize) -> String {
    if width(s) <= cols {
        return s.to_string();
    }
    if cols == 0 {
        return String::new();
    }
    let (head, _) = split_at_width(s, cols - 1);
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words_and_keeps_paragraphs() {
        let lines = wrap("one two three\nfour\n\nfive", 9);
        assert_eq!(lines, ["one two", "three", "four", "", "five"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        // A word too long for what is left of a line starts a new one.
        assert_eq!(wrap("ab cdefghij", 4), ["ab", "cdef", "ghij"]);
        // Wide characters are not split across the edge.
        assert_eq!(wrap("猫猫猫", 5), ["猫猫", "猫"]);
    }

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(sanitize("a\u{1b}[2Jb\u{7}"), "a␛[2Jb␇");
        assert_eq!(sanitize("x\u{202e}y"), "x�y");
        assert_eq!(fit("abcdef", 4), "abc…");
    }
}
