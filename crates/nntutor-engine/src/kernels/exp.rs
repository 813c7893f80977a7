//! `libm::exp` over a whole array, several numbers at a time: the same
//! algorithm (musl's, from FreeBSD: reduce by k·ln 2, a rational
//! approximation, scale by 2^k), the same operations in the same order,
//! written without branches so that the loop vectorizes. Every result has
//! libm's bits; numbers near over- or underflow (|x| ≥ 708.39…),
//! infinities and NaN take libm's own function.

use super::wide;

// musl's constants, by their bits (as its source gives them beside the
// decimals).
const LN2HI: f64 = f64::from_bits(0x3fe62e42_fee00000);
const LN2LO: f64 = f64::from_bits(0x3dea39ef_35793c76);
const INVLN2: f64 = f64::from_bits(0x3ff71547_652b82fe);
const P1: f64 = f64::from_bits(0x3fc55555_5555553e);
const P2: f64 = f64::from_bits(0xbf66c16c_16bebd93);
const P3: f64 = f64::from_bits(0x3f11566a_af25de2c);
const P4: f64 = f64::from_bits(0xbebbbd41_c5d26bf1);
const P5: f64 = f64::from_bits(0x3e663769_72bea4d0);

/// The high word of |x| from which libm takes its special cases.
const LARGE: u32 = 0x4086232b;

/// eˣ written over each x, with `libm::exp`'s bits.
pub fn exp_in_place(xs: &mut [f64]) {
    let large = |x: f64| ((x.to_bits() >> 32) as u32 & 0x7fffffff) >= LARGE;
    let special: Vec<(usize, f64)> = (xs.iter().copied().enumerate())
        .filter(|&(_, x)| large(x))
        .collect();
    wide(|| xs.iter_mut().for_each(|x| *x = exp_moderate(*x)));
    // What the loop wrote for these is meaningless: libm's own, once more.
    for (i, x) in special {
        xs[i] = libm::exp(x);
    }
}

/// libm's exp for |x| < 708.39…, its three ranges chosen by selects.
#[inline(always)]
fn exp_moderate(x: f64) -> f64 {
    let high = (x.to_bits() >> 32) as u32;
    let sign = (high >> 31) as i32;
    let hx = high & 0x7fffffff;
    let half = if sign == 1 { -0.5 } else { 0.5 };
    // |x| > ln2 / 2: reduced by k·ln 2 (k = ±1 up to 1.5 ln 2).
    let reduced = hx > 0x3fd62e42;
    let k = if !reduced {
        0
    } else if hx >= 0x3ff0a2b2 {
        (INVLN2 * x + half) as i32
    } else {
        1 - sign - sign
    };
    let (hi, lo) = if reduced {
        (x - k as f64 * LN2HI, k as f64 * LN2LO)
    } else {
        (x, 0.0)
    };
    let r = if reduced { hi - lo } else { x };
    let xx = r * r;
    let c = r - xx * (P1 + xx * (P2 + xx * (P3 + xx * (P4 + xx * P5))));
    let y = 1.0 + (r * c / (2.0 - c) - lo + hi);
    // scalbn(y, k): k is within ±1022 here, where it is one product.
    // (Wrapping: for the large numbers the caller redoes, k is anything.)
    let scaled = y * f64::from_bits((k.wrapping_add(0x3ff) as u64) << 52);
    // |x| ≤ 2⁻²⁸: libm returns 1 + x.
    if hx > 0x3e300000 { scaled } else { 1.0 + x }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(xs: &[f64]) {
        let mut ours = xs.to_vec();
        exp_in_place(&mut ours);
        for (&x, y) in xs.iter().zip(&ours) {
            let want = libm::exp(x);
            assert_eq!(
                y.to_bits(),
                want.to_bits(),
                "exp({x:e}) = {want:e}, not {y:e}"
            );
        }
    }

    #[test]
    fn every_result_has_libms_bits() {
        // A dense sweep of the range softmax and sigmoid meet.
        let sweep: Vec<f64> = (-400_000..=400_000).map(|k| k as f64 * 1e-4).collect();
        check(&sweep);
        // Every range and the edges between them, both signs, and the
        // largest moderate numbers (k = ±1022).
        let mut edges = vec![0.0, -0.0, 1e-300, -1e-300, 5e-324, 708.39, -708.39];
        for high in [0x3e300000u64, 0x3fd62e42, 0x3ff0a2b2, 0x4086232a] {
            for low in [0u64, 1, 0xffff_ffff] {
                let x = f64::from_bits(high << 32 | low);
                edges.extend([x, -x, f64::from_bits(x.to_bits() + (1 << 32))]);
            }
        }
        check(&edges);
        // Numbers of every size, from a fixed pseudo-random walk.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let wild: Vec<f64> = (0..200_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
                (unit - 0.5) * 1400.0 * unit.powi(3)
            })
            .collect();
        check(&wild);
    }

    #[test]
    fn overflow_underflow_and_nan_take_libms_own() {
        let special = [710.0, -746.0, -720.0, 708.5, 1e300, f64::INFINITY, f64::NAN];
        check(&[special.as_slice(), &[1.0, -3.5, 0.0], &special].concat());
    }
}
