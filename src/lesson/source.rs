//! A lesson file's text and name, and byte offsets turned into line:column.

use std::ops::Range;

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// How the file is named in messages: a path, or `builtin:ID`.
    pub name: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor(offset);
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |p| p + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    /// The nearest char boundary at or before `offset`, within the text.
    pub fn floor(&self, offset: usize) -> usize {
        let mut o = offset.min(self.text.len());
        while !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    pub fn slice(&self, span: &Range<usize>) -> &str {
        let (a, b) = (self.floor(span.start), self.floor(span.end));
        &self.text[a..b.max(a)]
    }

    /// Where the contents of the TOML string literal at `span` start, if its
    /// text appears in the file as it is (no escapes), so that a column inside
    /// an expression maps to a column in the file.
    pub fn string_contents_start(&self, span: &Range<usize>, contents: &str) -> Option<usize> {
        let raw = self.slice(span);
        let quote = ["\"\"\"", "'''", "\"", "'"]
            .into_iter()
            .find(|q| raw.starts_with(q))?;
        let mut start = span.start + quote.len();
        // A newline right after an opening triple quote is not part of the string.
        if quote.len() == 3 {
            let rest = &self.text[start..];
            if rest.starts_with("\r\n") {
                start += 2;
            } else if rest.starts_with('\n') {
                start += 1;
            }
        }
        let end = start.checked_add(contents.len())?;
        (self.text.get(start..end) == Some(contents)).then_some(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let f = SourceFile::new("x", "a = 1\nlet = \"W @ x\"\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(6), (2, 1));
        assert_eq!(f.line_col(12), (2, 7));
        assert_eq!(f.string_contents_start(&(12..19), "W @ x"), Some(13));
        assert_eq!(f.string_contents_start(&(12..19), "W@x"), None);
    }
}
