//! Printed arithmetic redone as a learner with a calculator would: from
//! the printed numbers only. `(0.2 × 56) + (-0.5 × 231) = -104.3` adds up
//! when the left side, computed from what is printed, rounds to the right.
//! Functions are the engine's own (the printed names are its names).

use crate::engine::Tensor;
use crate::engine::ops;

/// The value of printed arithmetic (`×` or `*`, `/`, `+`, `-`, `^`,
/// parentheses, calls such as `exp(2.5)` or `max(0, 1, 2)`), or `None` if
/// it is not arithmetic a calculator can redo (an elided `…`, a name).
pub fn value(text: &str) -> Option<f64> {
    let tokens = tokens(text)?;
    let mut p = Parser { tokens, at: 0 };
    let v = p.sum()?;
    (p.at == p.tokens.len()).then_some(v)
}

/// Whether `lhs = rhs`, as printed, adds up: the left side, computed from
/// its printed numbers, is within half a unit of the right side's last
/// printed digit (a last digit of a float's error aside). `None` when the
/// left side cannot be redone by hand.
pub fn adds_up(line: &str) -> Option<bool> {
    // `name = arithmetic = result`: the last two sides.
    let mut sides = line.rsplit(" = ");
    let (rhs, lhs) = (sides.next()?, sides.next()?);
    let printed: f64 = rhs.trim().parse().ok()?;
    let computed = value(lhs)?;
    if !printed.is_finite() || !computed.is_finite() {
        return Some(printed.to_bits() == computed.to_bits() || printed == computed);
    }
    let half_unit = 0.5 * last_digit_unit(rhs.trim());
    Some((computed - printed).abs() <= half_unit * (1.0 + 1e-9) + 1e-12 * printed.abs())
}

/// The value of one unit in the last written digit: `1.25` → 0.01,
/// `3` → 1, `1.2e-44` → 1e-45.
pub fn last_digit_unit(text: &str) -> f64 {
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let decimals = mantissa.find('.').map_or(0, |p| mantissa.len() - p - 1) as i32;
    10f64.powi(exponent - decimals)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Num(f64),
    Name(String),
    Sym(char),
}

fn tokens(text: &str) -> Option<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        if c.is_whitespace() {
            k += 1;
        } else if c.is_ascii_digit() || c == '.' {
            let start = k;
            while k < chars.len() && (chars[k].is_ascii_digit() || chars[k] == '.') {
                k += 1;
            }
            // An exponent: `e-44`, `e308`.
            if k < chars.len() && chars[k] == 'e' {
                let mut e = k + 1;
                if e < chars.len() && matches!(chars[e], '-' | '+') {
                    e += 1;
                }
                if e < chars.len() && chars[e].is_ascii_digit() {
                    k = e;
                    while k < chars.len() && chars[k].is_ascii_digit() {
                        k += 1;
                    }
                }
            }
            let s: String = chars[start..k].iter().collect();
            out.push(Token::Num(s.parse().ok()?));
        } else if c.is_alphabetic() || c == '_' {
            let start = k;
            while k < chars.len() && (chars[k].is_alphanumeric() || chars[k] == '_') {
                k += 1;
            }
            let s: String = chars[start..k].iter().collect();
            out.push(match s.as_str() {
                "inf" => Token::Num(f64::INFINITY),
                "NaN" => Token::Num(f64::NAN),
                _ => Token::Name(s),
            });
        } else if "+-×*/^(),−[]<>".contains(c) {
            out.push(Token::Sym(match c {
                '×' => '*',
                '−' => '-',
                c => c,
            }));
            k += 1;
        } else {
            return None;
        }
    }
    Some(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Token::Sym(c)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn sum(&mut self) -> Option<f64> {
        let mut v = self.product()?;
        loop {
            if self.eat('+') {
                v += self.product()?;
            } else if self.eat('-') {
                v -= self.product()?;
            } else {
                return Some(v);
            }
        }
    }

    fn product(&mut self) -> Option<f64> {
        let mut v = self.unary()?;
        loop {
            if self.eat('*') {
                v *= self.unary()?;
            } else if self.eat('/') {
                v /= self.unary()?;
            } else {
                return Some(v);
            }
        }
    }

    /// `-x^2` is -(x²), as written in maths (the engine prints a negative
    /// base in parentheses).
    fn unary(&mut self) -> Option<f64> {
        if self.eat('-') {
            return Some(-self.unary()?);
        }
        let base = self.atom()?;
        self.power(base)
    }

    fn power(&mut self, base: f64) -> Option<f64> {
        if self.eat('^') {
            let e = self.unary()?;
            return Some(libm::pow(base, e));
        }
        Some(base)
    }

    fn atom(&mut self) -> Option<f64> {
        match self.peek()?.clone() {
            Token::Num(n) => {
                self.at += 1;
                if n == 1.0 && self.eat('[') {
                    return self.indicator();
                }
                Some(n)
            }
            Token::Sym('(') => {
                self.at += 1;
                let v = self.sum()?;
                self.eat(')').then_some(v)
            }
            Token::Name(name) => {
                self.at += 1;
                if !self.eat('(') {
                    return None;
                }
                let mut args = vec![self.sum()?];
                while self.eat(',') {
                    args.push(self.sum()?);
                }
                if !self.eat(')') {
                    return None;
                }
                call(&name, &args)
            }
            Token::Sym(_) => None,
        }
    }
}

impl Parser {
    /// The rest of `1[a > b]` (or `<`): 1 where it holds, else 0.
    fn indicator(&mut self) -> Option<f64> {
        let a = self.sum()?;
        let greater = if self.eat('>') {
            true
        } else if self.eat('<') {
            false
        } else {
            return None;
        };
        let b = self.sum()?;
        let holds = if greater { a > b } else { a < b };
        self.eat(']').then_some(if holds { 1.0 } else { 0.0 })
    }
}

/// A printed call: `max` and `min` of any number of values (a row's
/// largest), else the engine's function of that name on single numbers.
fn call(name: &str, args: &[f64]) -> Option<f64> {
    match name {
        "max" if args.len() > 2 => return args.iter().copied().reduce(f64::max),
        "min" if args.len() > 2 => return args.iter().copied().reduce(f64::min),
        _ => {}
    }
    let (op, arity) = ops::function(name)?;
    if arity != args.len() {
        return None;
    }
    let operands: Vec<Tensor> = args
        .iter()
        .map(|&a| Tensor::from_element(1, 1, a))
        .collect();
    let refs: Vec<&Tensor> = operands.iter().collect();
    let out = (op.def().forward)(op, &refs).ok()?;
    (out.len() == 1).then(|| out[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_calculator_s_arithmetic() {
        let v = value("(0.2 × 56) + (-0.5 × 231) + (0.1 × 24) + (2.0 × 2) + 1.1");
        assert!((v.unwrap_or(0.0) - -96.8).abs() < 1e-12, "{v:?}");
        assert_eq!(value("2 - -3"), Some(5.0));
        assert_eq!(value("-2^2"), Some(-4.0));
        assert_eq!(value("(-2)^2"), Some(4.0));
        assert_eq!(value("2 × 3^2"), Some(18.0));
        assert_eq!(value("max(0, 5.1 - 3.2 + 1)"), Some(2.8999999999999995));
        assert_eq!(value("max(1, 7, 3)"), Some(7.0));
        assert_eq!(
            value("(1.25322 - 1.25347) / 0.0001").map(|v| (v * 1e6).round() / 1e6),
            Some(-2.5)
        );
        assert!((value("exp(1)").unwrap_or(0.0) - std::f64::consts::E).abs() < 1e-15);
        assert_eq!(value("1.2e-3 × 1e3"), Some(1.2));
        assert_eq!(value("a + 1"), None);
        assert_eq!(value("1 + 2 + … (784 terms)"), None);
        assert_eq!(value("(1 + 2"), None);
        // The lecture's indicator, as ReLU's derivative is printed.
        assert_eq!(value("2 × 1[0.5 > 0]"), Some(2.0));
        assert_eq!(value("2 × 1[-0.5 > 0]"), Some(0.0));
        assert_eq!(value("1[1 - 3 < 0]"), Some(1.0));
        assert_eq!(value("1[0.5]"), None);
    }

    #[test]
    fn a_line_adds_up_within_half_its_last_digit() {
        // The slides' softmax sum: 24.53 + 164.02 + 0.18 is 188.73.
        assert_eq!(adds_up("z = 24.53 + 164.02 + 0.18 = 188.74"), Some(false));
        assert_eq!(adds_up("z = 24.533 + 164.021 + 0.184 = 188.74"), Some(true));
        // -ln 0.35 = 1.0498.
        assert_eq!(adds_up("Ld = -log(0.35) = 1.04"), Some(false));
        assert_eq!(adds_up("Ld = -log(0.353) = 1.04"), Some(true));
        assert_eq!(
            adds_up("g1 = (1.2532 - 1.2535) / 0.0001 = -2.5"),
            Some(false)
        );
        assert_eq!(
            adds_up("g1 = (1.25322 - 1.25347) / 0.0001 = -2.5"),
            Some(true)
        );
        assert_eq!(adds_up("-2.00 × 0.20 = -0.39"), Some(false));
        assert_eq!(adds_up("-2.00 × 0.197 = -0.39"), Some(true));
        assert_eq!(adds_up("p = 1.2e-44 × 2 = 2.4e-44"), Some(true));
        assert_eq!(adds_up("no arithmetic here"), None);
    }

    #[test]
    fn the_unit_of_the_last_digit() {
        assert_eq!(last_digit_unit("1.25"), 0.01);
        assert_eq!(last_digit_unit("3"), 1.0);
        assert!((last_digit_unit("1.2e-44") - 1e-45).abs() < 1e-59);
    }
}
