//! Text for the screen: word wrapping by display width (and `sanitize`,
//! shared with the exports, so that a lesson's control characters never
//! reach the terminal as commands).

use ratatui::text::{Line, Span};
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

/// A styled line wrapped at spaces to `max` columns, its continuation
/// lines indented by `indent`: each word keeps its span's style. A word
/// wider than a line runs over (the caller's lines are sentences, not
/// data).
pub fn wrap_line(line: Line<'static>, max: usize, indent: usize) -> Vec<Line<'static>> {
    if line.width() <= max {
        return vec![line];
    }
    let mut out = Vec::new();
    let mut current: Vec<Span<'static>> = Vec::new();
    let (mut used, mut start) = (0, 0);
    for span in line.spans {
        for word in span.content.split_inclusive(' ') {
            let fits = used + width(word.trim_end()) <= max;
            if !fits && used > start {
                out.push(trimmed(std::mem::take(&mut current)));
                current.push(Span::raw(" ".repeat(indent)));
                (used, start) = (indent, indent);
            }
            current.push(Span::styled(word.to_string(), span.style));
            used += width(word);
        }
    }
    out.push(trimmed(current));
    out
}

/// The spans as a line without the space a wrap left at its end.
fn trimmed(mut spans: Vec<Span<'static>>) -> Line<'static> {
    if let Some(last) = spans.last_mut() {
        last.content = last.content.trim_end().to_string().into();
    }
    Line::from(spans)
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
    fn a_styled_line_wraps_at_spaces_keeping_its_styles() {
        use ratatui::style::Style;
        let bold = Style::new().bold();
        let line = Line::from(vec![
            Span::raw("to x: "),
            Span::styled("one two three", bold),
        ]);
        let lines = wrap_line(line, 12, 2);
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(text, ["to x: one", "  two three"]);
        assert_eq!(lines[1].spans[1].style, bold);
        let short = Line::from("fits");
        assert_eq!(wrap_line(short.clone(), 12, 2), vec![short]);
    }

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
