//! The large arrays one run of a compiled plan is done with, kept for the
//! next run to write into: a training reruns the same steps on the same
//! shapes, so from its second iteration on each layer's result and each
//! upstream gradient between layers find storage of their size here
//! instead of being allocated and freed again.

use std::sync::Mutex;

use crate::tensor::Tensor;

/// Arrays kept between runs: at most `most`, what one run takes (a fused
/// step's result, and the upstream gradient the step above computes for
/// it), so a plan keeps no more than one run holds at once.
#[derive(Debug)]
pub(super) struct Spare {
    kept: Mutex<Kept>,
    most: usize,
}

#[derive(Debug, Default)]
struct Kept {
    arrays: Vec<Vec<f64>>,
    /// How many arrays `take` allocated, and `give` let go for lack of
    /// room: in a training's steady state, neither grows.
    fresh: usize,
    dropped: usize,
}

impl Spare {
    /// Room for `most` arrays.
    pub fn new(most: usize) -> Spare {
        Spare {
            kept: Mutex::default(),
            most,
        }
    }

    /// Storage for `len` numbers: the smallest kept array large enough
    /// (so a small request does not take a layer's), or a new one.
    pub fn take(&self, len: usize) -> Vec<f64> {
        let mut kept = self.lock();
        let fits = kept
            .arrays
            .iter()
            .enumerate()
            .filter(|(_, v)| v.capacity() >= len)
            .min_by_key(|(_, v)| v.capacity())
            .map(|(k, _)| k);
        match fits {
            Some(k) => kept.arrays.swap_remove(k),
            None => {
                kept.fresh += 1;
                Vec::with_capacity(len)
            }
        }
    }

    /// Keeps `t`'s storage for a later [`take`](Spare::take).
    pub fn give(&self, t: Tensor) {
        let mut kept = self.lock();
        if kept.arrays.len() < self.most {
            kept.arrays.push(t.data.into());
        } else {
            kept.dropped += 1;
        }
    }

    /// How many arrays it has allocated, and let go.
    #[cfg(test)]
    pub fn counts(&self) -> (usize, usize) {
        let kept = self.lock();
        (kept.fresh, kept.dropped)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_gets_the_smallest_array_that_holds_it() {
        let spare = Spare::new(2);
        assert_eq!(spare.take(10).capacity(), 10, "nothing kept: a new one");
        spare.give(Tensor::zeros(100, 300));
        spare.give(Tensor::zeros(3, 300));
        spare.give(Tensor::zeros(5, 5));
        let small = spare.take(900);
        assert_eq!(small.capacity(), 900);
        let large = spare.take(30_000);
        assert_eq!(large.capacity(), 30_000);
        assert!(
            spare.take(1).capacity() < 900,
            "both taken, the third not kept"
        );
        assert_eq!(spare.counts(), (2, 1));
    }
}
