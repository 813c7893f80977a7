//! A recursive-descent parser for the expression language, keeping spans so
//! that every error can point at its column.

use super::error::EngineError;
use super::expr::{BinOp, Expr, ExprKind, IndexArg, Span, Statement};

/// Deeper nesting than this is refused rather than risking the stack.
pub const MAX_DEPTH: usize = 64;
/// Longer expressions than this are refused (a formula, not a data file).
pub const MAX_LEN: usize = 100_000;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    Sym(char),
    End,
}

struct Lexer {
    toks: Vec<(Tok, Span)>,
}

fn lex(src: &str) -> Result<Lexer, EngineError> {
    if src.len() > MAX_LEN {
        return Err(EngineError::new(
            format!(
                "expression is {} bytes long; the limit is {MAX_LEN}",
                src.len()
            ),
            0..0,
        ));
    }
    let bytes = src.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_digit() || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
                let mut j = i + 1;
                if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
                    j += 1;
                }
                if j < bytes.len() && bytes[j].is_ascii_digit() {
                    while j < bytes.len() && bytes[j].is_ascii_digit() {
                        j += 1;
                    }
                    i = j;
                }
            }
            let text = &src[start..i];
            let value: f64 = text
                .parse()
                .map_err(|_| EngineError::new(format!("`{text}` is not a number"), start..i))?;
            toks.push((Tok::Num(value), start..i));
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            toks.push((Tok::Ident(src[start..i].to_string()), start..i));
        } else if b"+-*/^@'()[],:=<>".contains(&c) {
            i += 1;
            toks.push((Tok::Sym(c as char), start..i));
        } else {
            let ch = src[start..].chars().next().unwrap_or('?');
            let end = start + ch.len_utf8();
            let hint = match ch {
                '×' | '·' | '⋅' => "; multiply with `*`, or use `@` for a matrix product",
                '−' => "; subtract with the ASCII `-`",
                _ => "",
            };
            return Err(EngineError::new(
                format!("unexpected character `{}`{hint}", ch.escape_debug()),
                start..end,
            ));
        }
    }
    toks.push((Tok::End, src.len()..src.len()));
    Ok(Lexer { toks })
}

struct Parser {
    toks: Vec<(Tok, Span)>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }

    fn span(&self) -> Span {
        self.toks[self.pos].1.clone()
    }

    fn bump(&mut self) -> (Tok, Span) {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn eat(&mut self, c: char) -> bool {
        if *self.peek() == Tok::Sym(c) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char, what: &str) -> Result<Span, EngineError> {
        if *self.peek() == Tok::Sym(c) {
            Ok(self.bump().1)
        } else {
            Err(self.unexpected(what))
        }
    }

    fn unexpected(&self, wanted: &str) -> EngineError {
        let found = match self.peek() {
            Tok::Num(_) => "a number".to_string(),
            Tok::Ident(n) => format!("`{n}`"),
            Tok::Sym(c) => format!("`{c}`"),
            Tok::End => "the end of the expression".to_string(),
        };
        EngineError::new(format!("expected {wanted}, found {found}"), self.span())
    }

    fn enter(&mut self) -> Result<(), EngineError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(EngineError::new(
                format!("expression is nested more than {MAX_DEPTH} levels deep"),
                self.span(),
            ));
        }
        Ok(())
    }

    /// A comparison binds loosest and does not chain: `a + b > c`.
    fn expr(&mut self) -> Result<Expr, EngineError> {
        let lhs = self.sum()?;
        let op = match self.peek() {
            Tok::Sym('>') => BinOp::Gt,
            Tok::Sym('<') => BinOp::Lt,
            _ => return Ok(lhs),
        };
        self.bump();
        let rhs = self.sum()?;
        if matches!(self.peek(), Tok::Sym('>') | Tok::Sym('<')) {
            return Err(EngineError::new(
                "comparisons do not chain; write `(a < b) * (b < c)`".to_string(),
                self.span(),
            ));
        }
        Ok(binary(op, lhs, rhs))
    }

    fn sum(&mut self) -> Result<Expr, EngineError> {
        self.enter()?;
        let mut lhs = self.term()?;
        loop {
            let op = match self.peek() {
                Tok::Sym('+') => BinOp::Add,
                Tok::Sym('-') => BinOp::Sub,
                _ => break,
            };
            self.bump();
            let rhs = self.term()?;
            lhs = binary(op, lhs, rhs);
        }
        self.depth -= 1;
        Ok(lhs)
    }

    fn term(&mut self) -> Result<Expr, EngineError> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Sym('*') => BinOp::Mul,
                Tok::Sym('/') => BinOp::Div,
                Tok::Sym('@') => BinOp::MatMul,
                _ => break,
            };
            self.bump();
            let rhs = self.unary()?;
            lhs = binary(op, lhs, rhs);
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Expr, EngineError> {
        // Only prefix signs nest here; plain operands add no depth.
        let signed = matches!(self.peek(), Tok::Sym('-') | Tok::Sym('+'));
        if signed {
            self.enter()?;
        }
        let result = if *self.peek() == Tok::Sym('-') {
            let (_, s) = self.bump();
            let inner = self.unary()?;
            let span = s.start..inner.span.end;
            // A literal negative number stays a number, so `-1` displays as such.
            match inner.kind {
                ExprKind::Number(v) => Expr {
                    kind: ExprKind::Number(-v),
                    span,
                },
                _ => Expr {
                    kind: ExprKind::Neg(Box::new(inner)),
                    span,
                },
            }
        } else if *self.peek() == Tok::Sym('+') {
            self.bump();
            self.unary()?
        } else {
            self.power()?
        };
        if signed {
            self.depth -= 1;
        }
        Ok(result)
    }

    fn power(&mut self) -> Result<Expr, EngineError> {
        let base = self.postfix()?;
        if self.eat('^') {
            let exponent = self.unary()?;
            return Ok(binary(BinOp::Pow, base, exponent));
        }
        Ok(base)
    }

    fn postfix(&mut self) -> Result<Expr, EngineError> {
        let mut e = self.primary()?;
        loop {
            if *self.peek() == Tok::Sym('\'') {
                let (_, s) = self.bump();
                let span = e.span.start..s.end;
                e = Expr {
                    kind: ExprKind::Transpose(Box::new(e)),
                    span,
                };
            } else if self.eat('[') {
                let mut indices = Vec::new();
                loop {
                    if self.eat(':') {
                        indices.push(IndexArg::All);
                    } else {
                        indices.push(IndexArg::At(self.expr()?));
                    }
                    if !self.eat(',') {
                        break;
                    }
                }
                let close = self.expect(']', "`,` or `]` to close the index")?;
                if indices.len() > 2 {
                    return Err(EngineError::new(
                        format!(
                            "{} indices given; a matrix takes at most 2 (`A[i, j]`)",
                            indices.len()
                        ),
                        e.span.start..close.end,
                    ));
                }
                let span = e.span.start..close.end;
                e = Expr {
                    kind: ExprKind::Index {
                        target: Box::new(e),
                        indices,
                    },
                    span,
                };
            } else {
                return Ok(e);
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, EngineError> {
        let span = self.span();
        match self.peek().clone() {
            Tok::Num(v) => {
                self.bump();
                Ok(Expr {
                    kind: ExprKind::Number(v),
                    span,
                })
            }
            Tok::Ident(name) => {
                self.bump();
                if self.eat('(') {
                    let mut args = Vec::new();
                    if !self.eat(')') {
                        loop {
                            args.push(self.expr()?);
                            if self.eat(')') {
                                break;
                            }
                            self.expect(',', "`,` or `)` in the argument list")?;
                        }
                    }
                    let end = self.toks[self.pos.saturating_sub(1)].1.end;
                    Ok(Expr {
                        kind: ExprKind::Call {
                            func: name,
                            func_span: span.clone(),
                            args,
                        },
                        span: span.start..end,
                    })
                } else {
                    Ok(Expr {
                        kind: ExprKind::Name(name),
                        span,
                    })
                }
            }
            Tok::Sym('(') => {
                self.bump();
                let inner = self.expr()?;
                let close = self.expect(')', "`)`")?;
                Ok(Expr {
                    kind: inner.kind,
                    span: span.start..close.end,
                })
            }
            _ => Err(self.unexpected("a number, a name or `(`")),
        }
    }
}

fn binary(op: BinOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.start..rhs.span.end;
    Expr {
        kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
        span,
    }
}

fn parser(src: &str) -> Result<Parser, EngineError> {
    Ok(Parser {
        toks: lex(src)?.toks,
        pos: 0,
        depth: 0,
    })
}

/// Parses a whole expression such as `W @ x + b`.
pub fn parse_expr(src: &str) -> Result<Expr, EngineError> {
    let mut p = parser(src)?;
    if *p.peek() == Tok::End {
        return Err(EngineError::new("the expression is empty", 0..src.len()));
    }
    let e = p.expr()?;
    if *p.peek() != Tok::End {
        return Err(p.unexpected("an operator or the end of the expression"));
    }
    Ok(e)
}

/// Parses `NAME = EXPR`.
pub fn parse_statement(src: &str) -> Result<Statement, EngineError> {
    let mut p = parser(src)?;
    let (name, name_span) = match p.bump() {
        (Tok::Ident(n), s) => (n, s),
        (_, s) => {
            return Err(EngineError::new(
                "expected `NAME = EXPRESSION`, starting with a name",
                s,
            ));
        }
    };
    if !p.eat('=') {
        return Err(p.unexpected("`=` after the name"));
    }
    if *p.peek() == Tok::End {
        return Err(EngineError::new(
            "nothing after `=`; write the formula there",
            p.span(),
        ));
    }
    let expr = p.expr()?;
    if *p.peek() != Tok::End {
        return Err(p.unexpected("an operator or the end of the expression"));
    }
    Ok(Statement {
        name,
        name_span,
        expr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(src: &str) -> String {
        parse_expr(src)
            .map(|e| e.to_string())
            .unwrap_or_else(|e| format!("error {:?}: {}", e.span, e.message()))
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(show("W @ x + b"), "(W @ x) + b");
        assert_eq!(show("a - b - c"), "(a - b) - c");
        assert_eq!(show("-a ^ 2"), "-(a ^ 2)");
        assert_eq!(show("2 ^ 3 ^ 2"), "2 ^ (3 ^ 2)");
        assert_eq!(show("x' @ y"), "x' @ y");
        assert_eq!(
            show("max(0, S - pick(S, y) + 1)"),
            "max(0, (S - pick(S, y)) + 1)"
        );
        assert_eq!(show("A[0, :]"), "A[0, :]");
        assert_eq!(show("1e-3 * .5"), "0.001 * 0.5");
        // A comparison binds loosest: the lecture's 1[x > 0] times a gradient.
        assert_eq!(show("g * (x + 1 > 0)"), "g * ((x + 1) > 0)");
        assert_eq!(show("a - 1 < b * 2"), "(a - 1) < (b * 2)");
        let e = parse_expr("a < b < c").unwrap_err();
        assert_eq!(e.span, 6..7);
        assert!(e.message().contains("do not chain"), "{}", e.message());
    }

    #[test]
    fn errors_point_at_the_column() {
        let e = parse_expr("W @ x +").unwrap_err();
        assert_eq!(e.span, 7..7);
        assert!(
            e.message().contains("end of the expression"),
            "{}",
            e.message()
        );
        let e = parse_expr("W × x").unwrap_err();
        assert_eq!(e.span, 2..4);
        assert!(e.message().contains("multiply with `*`"));
        let e = parse_expr("(a + b").unwrap_err();
        assert_eq!(e.span, 6..6);
        let e = parse_statement("= x").unwrap_err();
        assert_eq!(e.span, 0..1);
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let src = format!("{}x{}", "(".repeat(5000), ")".repeat(5000));
        let e = parse_expr(&src).unwrap_err();
        assert!(e.message().contains("nested more than"), "{}", e.message());
        let src = format!("{}x", "-".repeat(5000));
        assert!(parse_expr(&src).is_err());
    }
}
