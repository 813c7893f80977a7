//! The syntax tree of the expression language, every node with its span.

use std::fmt;
use std::ops::Range;

/// Byte offsets into the expression text.
pub type Span = Range<usize>;

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    MatMul,
    /// `a > b` and `a < b`: 1 where true, else 0 (the lecture's 1[x > 0]).
    Gt,
    Lt,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Pow => "^",
            BinOp::MatMul => "@",
            BinOp::Gt => ">",
            BinOp::Lt => "<",
        }
    }
}

/// One index position of `A[i, j]`: a whole axis (`:`) or one expression.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexArg {
    All,
    At(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Number(f64),
    Name(String),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Transpose(Box<Expr>),
    Call {
        func: String,
        func_span: Span,
        args: Vec<Expr>,
    },
    Index {
        target: Box<Expr>,
        indices: Vec<IndexArg>,
    },
}

/// `NAME = EXPR`, as in `let` and `update`.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub name: String,
    pub name_span: Span,
    pub expr: Expr,
}

impl Expr {
    /// Every name the expression reads, in order of appearance (with repeats).
    pub fn names(&self) -> Vec<(&str, Span)> {
        let mut out = Vec::new();
        self.collect_names(&mut out);
        out
    }

    fn collect_names<'a>(&'a self, out: &mut Vec<(&'a str, Span)>) {
        match &self.kind {
            ExprKind::Number(_) => {}
            ExprKind::Name(n) => out.push((n, self.span.clone())),
            ExprKind::Neg(e) | ExprKind::Transpose(e) => e.collect_names(out),
            ExprKind::Binary(_, a, b) => {
                a.collect_names(out);
                b.collect_names(out);
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|a| a.collect_names(out)),
            ExprKind::Index { target, indices } => {
                target.collect_names(out);
                for ix in indices {
                    if let IndexArg::At(e) = ix {
                        e.collect_names(out);
                    }
                }
            }
        }
    }
}

/// A number as it would be written in a formula: whole numbers without a
/// point, others in their shortest form that reads back the same (with an
/// exponent when very large or small).
fn literal(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:?}")
    }
}

impl fmt::Display for Expr {
    /// Fully parenthesized where precedence needs it; used in graph labels.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Number(v) => write!(f, "{}", literal(*v)),
            ExprKind::Name(n) => write!(f, "{n}"),
            ExprKind::Neg(e) => write!(f, "-{}", Paren(e)),
            ExprKind::Binary(op, a, b) => write!(f, "{} {} {}", Paren(a), op.symbol(), Paren(b)),
            ExprKind::Transpose(e) => write!(f, "{}'", Paren(e)),
            ExprKind::Call { func, args, .. } => {
                write!(f, "{func}(")?;
                for (k, a) in args.iter().enumerate() {
                    if k > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{a}")?;
                }
                write!(f, ")")
            }
            ExprKind::Index { target, indices } => {
                write!(f, "{}[", Paren(target))?;
                for (k, ix) in indices.iter().enumerate() {
                    if k > 0 {
                        write!(f, ", ")?;
                    }
                    match ix {
                        IndexArg::All => write!(f, ":")?,
                        IndexArg::At(e) => write!(f, "{e}")?,
                    }
                }
                write!(f, "]")
            }
        }
    }
}

struct Paren<'a>(&'a Expr);

impl fmt::Display for Paren<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.kind {
            ExprKind::Binary(..) | ExprKind::Neg(_) => write!(f, "({})", self.0),
            _ => write!(f, "{}", self.0),
        }
    }
}
