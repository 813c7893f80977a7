//! A scratch written as a lesson file: the givens, a step that shows
//! them, a `let` with `expand` for each formula, and a `backward` step for
//! the last. Where a piece of text was typed, the generated file holds it
//! byte for byte, so that a diagnostic's column maps back to what was typed.

use std::fmt::Write;

use super::{Generated, Piece, Scratch};

/// The head of a saved scratch: what it is and where to go from it.
const HEADER: &str = "\
# A scratch from `nntutor try`, now a lesson of your own: edit it freely.
#   nntutor check FILE            validates it
#   nntutor lesson FILE --watch   steps through it, reloading when you save
# Explain a step with `text = \"...\"`, pin a number with `expect = { f = -12 }`,
# add steps (`quiz`, `update`, `train`): see docs/lesson-format.md, or
# `nntutor schema` for your editor.
";

/// The lesson text of `scratch`, with the id `id`.
pub fn lesson_text(scratch: &Scratch, id: &str) -> Generated {
    let mut g = Writer::default();
    g.raw(HEADER);
    let statements: Vec<&str> = scratch
        .formulas
        .iter()
        .map(|f| f.statement.as_str())
        .collect();
    g.raw(&format!("id = {}\n", quoted(id).0));
    g.raw(&format!("title = {}\n", quoted(&statements.join("; ")).0));
    if let Some(d) = scratch.digits {
        g.raw(&format!("digits = {d}\n"));
    }
    if !scratch.givens.is_empty() {
        g.raw("\n[given]\n");
        for given in &scratch.givens {
            let name_at = given.name_span.start;
            g.piece(&given.name, given.arg, name_at, true, given.name.len());
            g.raw(" = ");
            let (at, verbatim) = match given.verbatim_at {
                Some(at) => (at, true),
                None => (given.value_span.start, false),
            };
            g.piece(&given.toml, given.arg, at, verbatim, given.value_span.len());
            g.raw("\n");
        }
        let names: Vec<String> = scratch.givens.iter().map(|v| quoted(&v.name).0).collect();
        g.raw("\n[[steps]]\ntitle = \"The values\"\n");
        g.raw(&format!("show = [{}]\n", names.join(", ")));
    }
    for f in &scratch.formulas {
        g.raw(&format!(
            "\n[[steps]]\ntitle = {}\n",
            quoted(&f.statement).0
        ));
        g.raw("let = ");
        g.formula(f);
        g.raw("\nexpand = true\n");
    }
    if let Some(last) = scratch.formulas.last() {
        let title = format!("Backward: from {} to every given", last.name);
        g.raw(&format!("\n[[steps]]\ntitle = {}\n", quoted(&title).0));
        g.raw(&format!(
            "text = \"Gradients flow from {} back to every given, one node at a time: at each node, its local gradient times the gradient arriving from above it (the upstream gradient).\"\n",
            last.name
        ));
        g.raw("backward = ");
        let (at, len) = (last.name_span.start, last.name_span.len());
        g.differentiated(&last.name, at, len);
        g.raw("\n");
    }
    Generated {
        text: g.text,
        pieces: g.pieces,
    }
}

#[derive(Default)]
struct Writer {
    text: String,
    pieces: Vec<Piece>,
}

impl Writer {
    fn raw(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// `s`, which stands for `len` bytes at `at` of argument `arg`.
    fn piece(&mut self, s: &str, arg: usize, at: usize, verbatim: bool, len: usize) {
        let start = self.text.len();
        self.text.push_str(s);
        self.pieces.push(Piece {
            toml: start..self.text.len(),
            arg,
            at,
            verbatim,
            len,
            help: None,
        });
    }

    /// The name `backward` differentiates, as a TOML string standing for
    /// the `len` bytes typed at `at`.
    fn differentiated(&mut self, s: &str, at: usize, len: usize) {
        let start = self.text.len();
        self.text.push_str(&quoted(s).0);
        self.pieces.push(Piece {
            toml: start..self.text.len(),
            arg: 0,
            at,
            verbatim: false,
            len,
            help: Some(
                "the last formula is the one differentiated: make it a single number (a loss), with sum(…) or mean(…)",
            ),
        });
    }

    /// A formula's statement as a TOML string. A name supplied for a bare
    /// expression (`f = `) stands for the whole expression; the expression
    /// itself maps byte for byte.
    fn formula(&mut self, f: &super::Formula) {
        let (q, exact) = quoted(&f.statement);
        let contents = self.text.len() + 1;
        self.text.push_str(&q);
        let end = self.text.len() - 1;
        let whole = |toml, at, verbatim, len| Piece {
            toml,
            arg: 0,
            at,
            verbatim,
            len,
            help: None,
        };
        match f.at {
            Some(at) => {
                let piece = whole(contents..end, at, exact, f.statement.len());
                self.pieces.push(piece);
            }
            None => {
                // For a bare expression, `name_span` is the expression.
                let typed = f.name_span.len();
                let prefix = if exact { end - contents - typed } else { 0 };
                let expr = whole(contents + prefix..end, f.expr_at, exact, typed);
                let name = whole(contents..contents + prefix, f.expr_at, false, typed);
                self.pieces.extend([expr, name]);
            }
        }
    }
}

/// `s` as a TOML basic string, and whether its contents are `s` byte for
/// byte (nothing needed escaping).
fn quoted(s: &str) -> (String, bool) {
    let mut out = String::with_capacity(s.len() + 2);
    let mut exact = true;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => {
                out.push(c);
                continue;
            }
        }
        exact = false;
    }
    out.push('"');
    (out, exact)
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn typed_text_is_kept_byte_for_byte() {
        let s = parse("q = x + y; (q) * z", &["x=-2".into(), "z=[1, 2]".into()]).expect("parses");
        let g = lesson_text(&s, "scratch");
        assert!(g.text.contains("x = -2\nz = [1, 2]\n"), "{}", g.text);
        assert!(g.text.contains("let = \"q = x + y\"\n"));
        assert!(g.text.contains("let = \"f = (q) * z\"\n"));
        assert!(g.text.contains("backward = \"f\"\n"));
        let d = |at: usize, len: usize| crate::lesson::Diagnostic::error("x", at..at + len);
        // The `z` of `(q) * z` in the file is the `z` typed at 17.
        let z = g.text.rfind("(q) * z").expect("there") + 6;
        let (file, moved) = g.locate(&d(z, 1), &s).expect("maps");
        assert_eq!((file.name.as_str(), moved.span), ("formula", Some(17..18)));
        // The supplied `f` stands for the whole expression.
        let f = g.text.find("let = \"f = (q)").expect("there") + 7;
        let (_, moved) = g.locate(&d(f, 1), &s).expect("maps");
        assert_eq!(moved.span, Some(11..18));
        // The value `[1, 2]` of the second value argument.
        let v = g.text.find("[1, 2]").expect("there") + 4;
        let (file, moved) = g.locate(&d(v, 1), &s).expect("maps");
        assert_eq!((file.name.as_str(), moved.span), ("value 2", Some(6..7)));
    }

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(quoted("a\"b\\"), ("\"a\\\"b\\\\\"".to_string(), false));
        assert_eq!(quoted("W' @ x"), ("\"W' @ x\"".to_string(), true));
    }
}
