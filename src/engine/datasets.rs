//! Generated data sets, the same on every machine for the same seed.

use super::rng::Rng;
use super::tensor::Tensor;

/// The spiral data set of the CS231n notes: `classes` arms of `points` points,
/// radius growing from 0 to 1 while the angle sweeps 4 radians plus noise
/// (standard deviation 0.2). Samples are columns: returns the 2×(points·classes)
/// coordinates and the 1×(points·classes) class labels.
pub fn spiral(points: usize, classes: usize, seed: u64) -> (Tensor, Tensor) {
    let mut rng = Rng::new(seed);
    let n = points * classes;
    let mut x = Tensor::zeros(2, n);
    let mut y = Tensor::zeros(1, n);
    let step = if points > 1 {
        1.0 / (points - 1) as f64
    } else {
        0.0
    };
    for class in 0..classes {
        for i in 0..points {
            let col = class * points + i;
            let r = i as f64 * step;
            let t = 4.0 * class as f64 + 4.0 * i as f64 * step + rng.normal() * 0.2;
            x[(0, col)] = r * libm::sin(t);
            x[(1, col)] = r * libm::cos(t);
            y[(0, col)] = class as f64;
        }
    }
    (x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spiral_shape_labels_and_radius() {
        let (x, y) = spiral(100, 3, 0);
        assert_eq!(x.shape(), (2, 300));
        assert_eq!(y.shape(), (1, 300));
        assert_eq!(y[(0, 0)], 0.0);
        assert_eq!(y[(0, 299)], 2.0);
        // The radius runs from 0 to 1 along each arm, whatever the noise.
        for class in 0..3 {
            let first = class * 100;
            let last = first + 99;
            assert!((x[(0, first)].hypot(x[(1, first)])).abs() < 1e-12);
            assert!((x[(0, last)].hypot(x[(1, last)]) - 1.0).abs() < 1e-12);
        }
        assert_eq!(spiral(100, 3, 0).0, x);
    }
}
