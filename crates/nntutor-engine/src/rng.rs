//! A seeded generator that gives the same numbers on every machine: xoshiro256**
//! seeded through SplitMix64, with normals from Box–Muller on `libm`.

pub struct Rng {
    s: [u64; 4],
    spare_normal: Option<f64>,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng {
            s: [next(), next(), next(), next()],
            spare_normal: None,
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1), with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Standard normal.
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        // 1 - u is in (0, 1], so the logarithm is finite.
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        // Square roots are correctly rounded everywhere (IEEE 754), so the
        // processor's instruction gives libm's bits; `sincos` shares one
        // argument reduction between the two, with `sin`'s and `cos`'s bits.
        let r = (-2.0 * libm::log(u1)).sqrt();
        let theta = 2.0 * std::f64::consts::PI * u2;
        let (sin, cos) = libm::sincos(theta);
        self.spare_normal = Some(r * sin);
        r * cos
    }

    /// Uniform integer in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        // Multiply-shift: deterministic and unbiased enough for minibatches.
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers() {
        let a: Vec<f64> = {
            let mut r = Rng::new(7);
            (0..5).map(|_| r.normal()).collect()
        };
        let b: Vec<f64> = {
            let mut r = Rng::new(7);
            (0..5).map(|_| r.normal()).collect()
        };
        assert_eq!(a, b);
        let c: Vec<f64> = {
            let mut r = Rng::new(8);
            (0..5).map(|_| r.normal()).collect()
        };
        assert_ne!(a, c);
    }

    #[test]
    fn splitmix_reference_value() {
        // SplitMix64 from seed 0 starts with 0xE220A8397B1DCDAF (the published
        // reference output), so the state is seeded as specified.
        let r = Rng::new(0);
        assert_eq!(r.s[0], 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn sincos_and_the_hardware_square_root_give_libms_bits() {
        let mut r = Rng::new(3);
        for _ in 0..200_000 {
            let x = 2.0 * std::f64::consts::PI * r.uniform();
            let (s, c) = libm::sincos(x);
            assert_eq!(s.to_bits(), libm::sin(x).to_bits(), "{x}");
            assert_eq!(c.to_bits(), libm::cos(x).to_bits(), "{x}");
            let y = -2.0 * libm::log(1.0 - r.uniform());
            assert_eq!(y.sqrt().to_bits(), libm::sqrt(y).to_bits(), "{y}");
        }
    }

    #[test]
    fn normals_have_unit_variance() {
        let mut r = Rng::new(1);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| r.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.01, "{var}");
    }
}
