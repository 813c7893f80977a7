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

/// The lecture's hard cases for a linear classifier, two classes each,
/// `points` points per class in [-1, 1]², samples as columns (with their
/// labels, as `spiral`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HardCase {
    /// Class 0 in the first and third quadrants, class 1 in the second and
    /// fourth: no line separates them (XOR).
    Quadrants,
    /// Class 0 a disc of radius 0.45 at the centre, class 1 a ring from
    /// 0.7 to 1 around it.
    Rings,
    /// Class 1 in three separate clusters (modes), class 0 one cluster in
    /// the middle of them.
    Modes,
}

impl HardCase {
    pub fn of(name: &str) -> Option<HardCase> {
        match name {
            "quadrants" => Some(HardCase::Quadrants),
            "rings" => Some(HardCase::Rings),
            "modes" => Some(HardCase::Modes),
            _ => None,
        }
    }
}

/// One of the hard cases: 2×(2·points) coordinates and their labels.
pub fn hard_case(case: HardCase, points: usize, seed: u64) -> (Tensor, Tensor) {
    let mut rng = Rng::new(seed);
    let n = 2 * points;
    let mut x = Tensor::zeros(2, n);
    let mut y = Tensor::zeros(1, n);
    for class in 0..2 {
        for i in 0..points {
            let col = class * points + i;
            let (a, b) = match case {
                HardCase::Quadrants => quadrant_point(&mut rng, class, i),
                HardCase::Rings => ring_point(&mut rng, class),
                HardCase::Modes => mode_point(&mut rng, class, i),
            };
            x[(0, col)] = a;
            x[(1, col)] = b;
            y[(0, col)] = class as f64;
        }
    }
    (x, y)
}

/// A point in one of the class's two quadrants (alternating), kept a
/// little away from the axes so that the classes do not touch.
fn quadrant_point(rng: &mut Rng, class: usize, i: usize) -> (f64, f64) {
    let mag = |rng: &mut Rng| 0.1 + 0.9 * rng.uniform();
    let (a, b) = (mag(rng), mag(rng));
    match (class, i % 2) {
        (0, 0) => (a, b),
        (0, _) => (-a, -b),
        (_, 0) => (-a, b),
        _ => (a, -b),
    }
}

fn ring_point(rng: &mut Rng, class: usize) -> (f64, f64) {
    let t = 2.0 * std::f64::consts::PI * rng.uniform();
    let r = if class == 0 {
        0.45 * libm::sqrt(rng.uniform())
    } else {
        0.7 + 0.3 * rng.uniform()
    };
    (r * libm::cos(t), r * libm::sin(t))
}

/// Class 1's three modes around class 0's single cluster.
fn mode_point(rng: &mut Rng, class: usize, i: usize) -> (f64, f64) {
    const MODES: [(f64, f64); 3] = [(-0.65, 0.55), (0.65, 0.55), (0.0, -0.7)];
    let (cx, cy) = if class == 0 {
        (0.0, 0.05)
    } else {
        MODES[i % 3]
    };
    (cx + 0.13 * rng.normal(), cy + 0.13 * rng.normal())
}

/// Side of a generated digit image, as in MNIST.
pub const DIGIT_SIDE: usize = 28;

/// A point of a stroke, in the unit square (y down).
type Pt = (f64, f64);

/// Points along a quadratic Bézier curve from `a` to `c` pulled towards `b`.
fn curve(a: Pt, b: Pt, c: Pt) -> Vec<Pt> {
    (0..=8)
        .map(|k| {
            let t = k as f64 / 8.0;
            let u = 1.0 - t;
            (
                u * u * a.0 + 2.0 * u * t * b.0 + t * t * c.0,
                u * u * a.1 + 2.0 * u * t * b.1 + t * t * c.1,
            )
        })
        .collect()
}

/// An ellipse (or an arc of one) around `c`, from angle `t0` to `t1`
/// (radians, 0 = right, clockwise on screen since y points down).
fn ellipse(c: Pt, rx: f64, ry: f64, t0: f64, t1: f64) -> Vec<Pt> {
    (0..=16)
        .map(|k| {
            let t = t0 + (t1 - t0) * k as f64 / 16.0;
            (c.0 + rx * libm::cos(t), c.1 + ry * libm::sin(t))
        })
        .collect()
}

/// The pen strokes of each digit: polylines in the unit square.
fn strokes(digit: usize) -> Vec<Vec<Pt>> {
    use std::f64::consts::PI;
    match digit {
        0 => vec![ellipse((0.5, 0.5), 0.3, 0.44, 0.0, 2.0 * PI)],
        1 => vec![vec![(0.32, 0.22), (0.52, 0.05), (0.52, 0.95)]],
        2 => {
            let mut top = curve((0.2, 0.3), (0.45, -0.1), (0.78, 0.28));
            top.extend(curve((0.78, 0.28), (0.7, 0.55), (0.18, 0.95)));
            top.push((0.85, 0.95));
            vec![top]
        }
        3 => {
            let mut s = curve((0.2, 0.12), (0.85, -0.05), (0.72, 0.3));
            s.extend(curve((0.72, 0.3), (0.62, 0.47), (0.42, 0.48)));
            s.extend(curve((0.42, 0.48), (0.95, 0.6), (0.72, 0.85)));
            s.extend(curve((0.72, 0.85), (0.5, 1.0), (0.18, 0.88)));
            vec![s]
        }
        4 => vec![vec![(0.62, 0.95), (0.62, 0.05), (0.15, 0.66), (0.85, 0.66)]],
        5 => {
            let mut s = vec![(0.8, 0.06), (0.28, 0.06), (0.24, 0.45)];
            s.extend(curve((0.24, 0.45), (0.95, 0.3), (0.72, 0.8)));
            s.extend(curve((0.72, 0.8), (0.5, 1.0), (0.18, 0.88)));
            vec![s]
        }
        6 => {
            let mut s = curve((0.72, 0.06), (0.25, 0.2), (0.26, 0.68));
            s.extend(ellipse((0.5, 0.7), 0.24, 0.24, PI, 3.0 * PI));
            vec![s]
        }
        7 => vec![vec![(0.15, 0.06), (0.85, 0.06), (0.4, 0.95)]],
        8 => vec![
            ellipse((0.5, 0.27), 0.2, 0.21, 0.0, 2.0 * PI),
            ellipse((0.5, 0.72), 0.25, 0.23, 0.0, 2.0 * PI),
        ],
        _ => {
            let mut s = ellipse((0.48, 0.3), 0.23, 0.23, 0.0, 2.0 * PI);
            s.push((0.71, 0.3));
            s.push((0.62, 0.95));
            vec![s]
        }
    }
}

/// Distance from `p` to the segment `a`–`b`.
fn to_segment(p: Pt, a: Pt, b: Pt) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (x, y) = (a.0 + t * dx - p.0, a.1 + t * dy - p.1);
    (x * x + y * y).sqrt()
}

/// Lowers each pixel's distance in `nearest` to that of segment `a`–`b`,
/// for the pixels whose centre lies in the segment's box grown by `reach`.
fn nearest_within(nearest: &mut [f64], (a, b): (Pt, Pt), reach: f64) {
    let side = DIGIT_SIDE;
    let (x0, x1) = (a.0.min(b.0) - reach, a.0.max(b.0) + reach);
    let (y0, y1) = (a.1.min(b.1) - reach, a.1.max(b.1) + reach);
    // Pixel centres c + 0.5 inside [lo, hi].
    let first = |lo: f64| (lo - 0.5).ceil().max(0.0) as usize;
    let last = |hi: f64| ((hi - 0.5).floor() + 1.0).clamp(0.0, side as f64) as usize;
    for row in first(y0)..last(y1) {
        for col in first(x0)..last(x1) {
            let p = (col as f64 + 0.5, row as f64 + 0.5);
            let k = row * side + col;
            nearest[k] = nearest[k].min(to_segment(p, a, b));
        }
    }
}

/// Generated handwritten-looking digits, the same for the same seed on
/// every machine: each digit's pen strokes, moved by a random shift (up to
/// 2.5 pixels), scale (0.85–1.1), slant and rotation, each point jittered,
/// drawn with a random pen width (1.3–2.8 pixels) and soft edges into a
/// 20×20 box centred in 28×28 (as MNIST is), plus a little noise. Samples
/// are columns: 784×count pixels in [0, 1] (row by row), and the 1×count
/// labels 0, 1, …, 9, 0, 1, … in order.
pub fn digits(count: usize, seed: u64) -> (Tensor, Tensor) {
    let side = DIGIT_SIDE;
    let mut rng = Rng::new(seed);
    let mut x = Tensor::zeros(side * side, count);
    let mut y = Tensor::zeros(1, count);
    for n in 0..count {
        let digit = n % 10;
        y[(0, n)] = digit as f64;
        let scale = 20.0 * (0.85 + 0.25 * rng.uniform());
        let (shift_x, shift_y) = (
            2.5 * (2.0 * rng.uniform() - 1.0),
            2.5 * (2.0 * rng.uniform() - 1.0),
        );
        let slant = 0.25 * (2.0 * rng.uniform() - 1.0);
        let angle = 0.15 * (2.0 * rng.uniform() - 1.0);
        let (sin, cos) = (libm::sin(angle), libm::cos(angle));
        let pen = 1.3 + 1.5 * rng.uniform();
        let centre = side as f64 / 2.0;
        let lines: Vec<Vec<Pt>> = strokes(digit)
            .into_iter()
            .map(|stroke| {
                stroke
                    .into_iter()
                    .map(|(u, v)| {
                        let (u, v) = (u - 0.5 + 0.02 * rng.normal(), v - 0.5 + 0.02 * rng.normal());
                        let u = u - slant * v;
                        let (u, v) = (cos * u - sin * v, sin * u + cos * v);
                        (centre + shift_x + scale * u, centre + shift_y + scale * v)
                    })
                    .collect()
            })
            .collect();
        // Each pixel's distance to the nearest segment, measured only for
        // the pixels within the pen's reach of a segment's box: farther
        // ones get no ink from it (their ink is 0 either way), and a
        // minimum does not depend on its order, so the pixels are those of
        // measuring every segment from every pixel, bit for bit.
        let reach = pen / 2.0 + 0.5;
        let mut nearest = [f64::INFINITY; DIGIT_SIDE * DIGIT_SIDE];
        for line in &lines {
            for w in line.windows(2) {
                nearest_within(&mut nearest, (w[0], w[1]), reach);
            }
        }
        for row in 0..side {
            for col in 0..side {
                let d = nearest[row * side + col];
                let ink = (reach - d).clamp(0.0, 1.0);
                let noisy = ink + 0.04 * rng.normal();
                x[(row * side + col, n)] = noisy.clamp(0.0, 1.0);
            }
        }
    }
    (x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_seeded_in_range_and_in_label_order() {
        let (x, y) = digits(20, 4);
        assert_eq!(x.shape(), (784, 20));
        assert_eq!(y.shape(), (1, 20));
        assert_eq!((y[(0, 3)], y[(0, 13)], y[(0, 19)]), (3.0, 3.0, 9.0));
        assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
        assert_eq!(digits(20, 4).0, x);
        assert_ne!(digits(20, 5).0, x);
        // Ink where a pen went, and a blank frame: the border rows are
        // outside the 20×20 box even shifted (28 - 20) / 2 - 2.5 > 1 pixel,
        // so they hold only noise.
        for n in 0..20 {
            let ink: f64 = (0..784).map(|k| x[(k, n)]).sum();
            assert!(ink > 40.0, "image {n} is nearly blank: {ink}");
            let top: f64 = (0..28).map(|c| x[(c, n)]).sum();
            assert!(top < 3.0, "image {n} has ink on its top row: {top}");
        }
        // A 1 is narrower than a 0: less ink.
        let ink = |n: usize| (0..784).map(|k| x[(k, n)]).sum::<f64>();
        assert!(ink(1) < ink(0));
    }

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

    #[test]
    fn a_segment_reaches_every_pixel_it_could_ink() {
        // Measured from every pixel, a segment is nearer than its reach
        // exactly where `nearest_within` measured it, with the same value.
        let mut rng = Rng::new(9);
        for _ in 0..200 {
            let mut pt = || (28.0 * rng.uniform(), 28.0 * rng.uniform());
            let (a, b) = (pt(), pt());
            let reach = 1.15 + 1.5 * rng.uniform();
            let mut nearest = [f64::INFINITY; DIGIT_SIDE * DIGIT_SIDE];
            nearest_within(&mut nearest, (a, b), reach);
            for (k, near) in nearest.iter().enumerate() {
                let p = ((k % DIGIT_SIDE) as f64 + 0.5, (k / DIGIT_SIDE) as f64 + 0.5);
                let d = to_segment(p, a, b);
                if d < reach {
                    assert_eq!(near.to_bits(), d.to_bits(), "{a:?} {b:?} pixel {k}");
                } else {
                    assert!(*near >= reach, "{a:?} {b:?} pixel {k}");
                }
            }
        }
    }
}
