//! What evaluating may cost. A lesson shared as a file is a program run by
//! a stranger: a 15 KB file can ask for a 3000×3000 product in a loop. So
//! the work is counted as it is done, in units of about a nanosecond of
//! this kind of machine's arithmetic (a product as m·k·n multiply-adds, a
//! transcendental function as ten), and the memory a caller keeps is
//! counted beside what a graph is building. A product is charged before it
//! runs; anything else, whose size is bounded by [`MAX_ELEMENTS`], after.
//!
//! [`MAX_ELEMENTS`]: super::MAX_ELEMENTS

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::ops::{Cost, Op};
use super::tensor::Shape;

/// Work and memory limits, shared by everything one evaluation does.
#[derive(Debug)]
pub struct Budget {
    work_limit: u64,
    memory_limit: u64,
    spent: AtomicU64,
    kept: AtomicU64,
    exceeded: AtomicBool,
}

/// Which limit a piece of work would pass, and by how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    /// `needed` units of work, with `left` of `limit` remaining.
    Work { needed: u64, left: u64, limit: u64 },
    /// `needed` bytes on top of the `kept` ones, over `limit`.
    Memory { needed: u64, kept: u64, limit: u64 },
}

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Exceeded::Work {
                needed,
                left,
                limit,
            } => write!(
                f,
                "this needs about {} operations, but a lesson may do {} in all ({} are left); make the values smaller or the loop shorter",
                count(needed),
                count(limit),
                count(left)
            ),
            Exceeded::Memory {
                needed,
                kept,
                limit,
            } => write!(
                f,
                "this needs {} more memory on top of the {} the lesson keeps, over the limit of {}; make the values smaller or use fewer steps",
                bytes(needed),
                bytes(kept),
                bytes(limit)
            ),
        }
    }
}

/// `1.35e10`, `8e9`: a count of operations, for messages.
pub fn count(n: u64) -> String {
    if n < 100_000 {
        return n.to_string();
    }
    let s = format!("{:.2e}", n as f64);
    match s.split_once('e') {
        Some((m, e)) => format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.')),
        None => s,
    }
}

/// `512 MB`, `1.5 GB`, `800 bytes`.
pub fn bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e9 {
        format!("{:.1} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.0} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.0} KB", n / 1e3)
    } else {
        format!("{n} bytes")
    }
}

impl Default for Budget {
    fn default() -> Self {
        Budget::unlimited()
    }
}

impl Budget {
    pub fn new(work_limit: u64, memory_limit: u64) -> Budget {
        Budget {
            work_limit,
            memory_limit,
            spent: AtomicU64::new(0),
            kept: AtomicU64::new(0),
            exceeded: AtomicBool::new(false),
        }
    }

    /// No limits: a run that was already accepted within them (the same
    /// training again, live).
    pub fn unlimited() -> Budget {
        Budget::new(u64::MAX, u64::MAX)
    }

    pub fn spent(&self) -> u64 {
        self.spent.load(Ordering::Relaxed)
    }

    pub fn left(&self) -> u64 {
        self.work_limit.saturating_sub(self.spent())
    }

    pub fn kept(&self) -> u64 {
        self.kept.load(Ordering::Relaxed)
    }

    /// Whether some piece of work was refused: what comes after it is not
    /// worth starting.
    pub fn is_exceeded(&self) -> bool {
        self.exceeded.load(Ordering::Relaxed)
    }

    /// Whether `work` more units fit, without spending them.
    pub fn afford(&self, work: u64) -> Result<(), Exceeded> {
        let left = self.left();
        if work > left {
            self.exceeded.store(true, Ordering::Relaxed);
            return Err(Exceeded::Work {
                needed: work,
                left,
                limit: self.work_limit,
            });
        }
        Ok(())
    }

    /// Spends `work` units, if they fit.
    pub fn spend(&self, work: u64) -> Result<(), Exceeded> {
        self.afford(work)?;
        self.spent.fetch_add(work, Ordering::Relaxed);
        Ok(())
    }

    /// Whether `bytes` more fit beside those kept, without keeping them.
    pub fn room(&self, bytes: u64) -> Result<(), Exceeded> {
        let kept = self.kept();
        if kept.saturating_add(bytes) > self.memory_limit {
            self.exceeded.store(true, Ordering::Relaxed);
            return Err(Exceeded::Memory {
                needed: bytes,
                kept,
                limit: self.memory_limit,
            });
        }
        Ok(())
    }

    /// Counts `bytes` as kept for good (a step's results), if they fit.
    pub fn keep(&self, bytes: u64) -> Result<(), Exceeded> {
        self.room(bytes)?;
        self.kept.fetch_add(bytes, Ordering::Relaxed);
        Ok(())
    }
}

/// Elements of a shape.
fn size(s: Shape) -> u64 {
    (s.0 as u64).saturating_mul(s.1 as u64)
}

/// What building any node costs before its arithmetic (allocating the
/// node, its value and its inputs' list): 100 to 200 ns, measured.
pub const NODE_WORK: u64 = 150;

/// The memory of a graph node apart from its value's numbers: the node,
/// its inputs' list, its value's header and allocation, its names (about a
/// kilobyte, measured: 655,000 nodes of scalars held 658 MB).
pub const NODE_BYTES: u64 = 1024;

/// Up to this many elements (1 MB) a result stays in the caches and costs
/// a third of one that does not.
const CACHED: u64 = 131_072;

/// Above this many elements (16 MB) a result is written to fresh pages
/// from the system, which costs about four nanoseconds an element more
/// than reusing memory the process has (measured on 3000×3000 values).
const FRESH: u64 = 2_000_000;

/// The work of a product `A @ B`, known before it runs: m·k·n
/// multiply-adds, at about 0.16 ns each while `A` stays in the caches and
/// 0.5 ns once it is streamed from memory for every column (measured:
/// 0.10–0.16 up to 1000×1000, 0.49 at 3000×3000).
pub fn product_cost(a: Shape, b: Shape) -> u64 {
    let madds = size(a).saturating_mul(b.1 as u64) as f64;
    let per = if size(a) > 4_000_000 { 0.5 } else { 0.16 };
    (madds * per).ceil() as u64
}

/// The work of one operation that produced `out` from `inputs`, apart
/// from a product's multiply-adds ([`product_cost`]), in nanoseconds per
/// element as measured on a release build (the upper ends, from 100×300 to
/// 3000×3000): transcendental functions by the element they compute,
/// reductions by the element they read, the rest by the element written.
pub fn op_cost(op: Op, inputs: &[Shape], out: Shape) -> u64 {
    let read = inputs.iter().map(|&s| size(s)).sum::<u64>() as f64;
    let written = size(out) as f64;
    let big = size(out) > FRESH;
    let arithmetic = match op.def().cost {
        Cost::Written(per) => per * written,
        Cost::Read(per) => per * read,
        Cost::Transpose if big => 3.7 * written,
        Cost::Transpose => 1.5 * written,
        // Only the picked elements are read.
        Cost::Index => written + inputs.first().map_or(0.0, |s| (s.0 + s.1) as f64),
        Cost::Simple | Cost::Product if size(out) <= CACHED => 0.35 * written,
        Cost::Simple | Cost::Product => 0.8 * written,
    };
    let pages = if big { 4.0 * written } else { 0.0 };
    NODE_WORK + (arithmetic + pages).ceil() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_is_refused_once_it_would_pass_the_limit() {
        let b = Budget::new(100, 1000);
        assert_eq!(b.spend(60), Ok(()));
        assert_eq!(
            b.spend(50),
            Err(Exceeded::Work {
                needed: 50,
                left: 40,
                limit: 100
            })
        );
        assert!(b.is_exceeded());
        assert_eq!(b.spent(), 60);
        assert_eq!(b.keep(900), Ok(()));
        assert!(b.room(101).is_err());
        assert_eq!(b.room(100), Ok(()));
        assert_eq!(count(13_500_000_000), "1.35e10");
        assert_eq!(count(8_000_000_000), "8e9");
        assert_eq!(count(99_999), "99999");
    }

    #[test]
    fn a_product_costs_m_k_n() {
        // 3000×3000 @ 3000×3000: 2.7e10 multiply-adds streamed at 0.5 ns
        // (13.2 s measured); 100×100 @ 100×300: 3e6 at 0.16.
        assert_eq!(product_cost((3000, 3000), (3000, 3000)), 13_500_000_000);
        assert_eq!(product_cost((100, 100), (100, 300)), 480_000);
        // exp of 4 elements: seven for each, and the node.
        assert_eq!(op_cost(Op::Exp, &[(2, 2)], (2, 2)), NODE_WORK + 28);
        // A 1×1 pick out of a 1000×1000: not a million.
        let pick = Op::Index {
            row: Some(0),
            col: Some(0),
        };
        assert_eq!(op_cost(pick, &[(1000, 1000)], (1, 1)), NODE_WORK + 2001);
        // 3000×3000 + 3000×3000 to fresh pages: 38 ms measured.
        let add = op_cost(Op::Add, &[(3000, 3000); 2], (3000, 3000));
        assert_eq!(add, NODE_WORK + 43_200_000);
    }
}
