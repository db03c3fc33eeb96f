//! Rounding for outputs (scoring.md §7): half away from zero on the exact
//! value of the computed `f64`, and `-0.00` written as `0.00`.
//!
//! This is where numbers become text, so it is also where NaN and infinity
//! are stopped: a value that is not finite is written as no value (empty,
//! as an unassessed score), never as a number. A validated model cannot
//! produce one (model::load: weights and scales are bounded); NaN used to
//! come out as `0.00`.

/// From 2⁵³ on, every `f64` is a whole number.
pub const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

/// `x` rounded to `decimals` places, as an integer count of `10^-decimals`.
///
/// Works on the exact decimal expansion of the `f64` (Rust prints it
/// exactly), so 3.625 — exactly representable — rounds up to 3.63, while
/// 1.005 — stored as 1.00499999999999989… — rounds down, as its true value
/// says. Thirty guard digits are far more than any `f64` of ksa's magnitude
/// can bring to a false tie.
pub fn round_key(x: f64, decimals: usize) -> i128 {
    // Fast path: away from a tie, the product's tiny relative error (about
    // 1e-16) cannot change the rounded result, so `round` is exact. Only
    // values within 1e-6 of a tie take the exact decimal path below.
    let y = x * 10f64.powi(decimals as i32);
    if y.abs() < 1e9 {
        let frac = (y - y.trunc()).abs();
        if (frac - 0.5).abs() > 1e-6 {
            let r = y.round();
            return if r == 0.0 { 0 } else { r as i128 };
        }
    }
    exact_round_key(x, decimals)
}

fn exact_round_key(x: f64, decimals: usize) -> i128 {
    let s = format!("{:.*}", decimals + 30, x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    // Beyond i128 (about 1.7e38 counts) the key saturates, so it still
    // orders; such values are written by `write_rounded` directly.
    let Ok(mut digits) = int.parse::<i128>() else {
        return if x < 0.0 { i128::MIN } else { i128::MAX };
    };
    for d in frac.bytes().take(decimals) {
        digits = digits * 10 + (d - b'0') as i128;
    }
    if frac.as_bytes().get(decimals).is_some_and(|&d| d >= b'5') {
        digits += 1;
    }
    if x < 0.0 {
        -digits
    } else {
        digits
    }
}

/// `x` rounded and written with exactly `decimals` places.
pub fn format_rounded(x: f64, decimals: usize) -> String {
    let mut s = String::new();
    write_rounded(&mut s, x, decimals);
    s
}

/// Appends `x` rounded to `decimals` places to `out`, allocation-free;
/// nothing when `x` is NaN or infinite.
pub fn write_rounded(out: &mut String, x: f64, decimals: usize) {
    use std::fmt::Write;
    if !x.is_finite() {
        return;
    }
    if x.abs() >= EXACT_INTEGERS {
        // Every such f64 is a whole number: no rounding to do, and its
        // digits can exceed the i128 of `round_key`.
        let _ = write!(out, "{x:.decimals$}");
        return;
    }
    let k = round_key(x, decimals);
    let neg = k < 0;
    let a = k.unsigned_abs();
    let p = 10u128.pow(decimals as u32);
    if neg {
        out.push('-');
    }
    let _ = if decimals == 0 {
        write!(out, "{a}")
    } else {
        write!(out, "{}.{:0width$}", a / p, a % p, width = decimals)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_away_from_zero_on_the_exact_value() {
        assert_eq!(format_rounded(3.625, 2), "3.63");
        assert_eq!(format_rounded(-3.625, 2), "-3.63");
        assert_eq!(format_rounded(0.125, 2), "0.13");
        assert_eq!(format_rounded(1.005, 2), "1.00"); // stored below the tie
        assert_eq!(format_rounded(2.5, 0), "3");
        assert_eq!(format_rounded(0.66665, 4), "0.6666"); // 0.66664999…
        assert_eq!(format_rounded(0.00005, 4), "0.0001"); // 5.00000000000000023…e-5
    }

    #[test]
    fn fast_path_agrees_with_the_exact_path() {
        // Deterministic pseudo-random values around typical scores and gaps.
        let mut v: u64 = 12345;
        for _ in 0..200_000 {
            v = v
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let x = ((v >> 11) as f64 / (1u64 << 53) as f64) * 10.0 - 5.0;
            for d in [2, 4] {
                assert_eq!(round_key(x, d), exact_round_key(x, d), "{x} at {d}");
            }
        }
        for x in [
            3.625,
            -3.625,
            0.125,
            2.5,
            1.005,
            0.00005,
            4.0 / 3.0,
            1.0 / 7.0,
        ] {
            for d in [0, 2, 4] {
                assert_eq!(round_key(x, d), exact_round_key(x, d), "{x} at {d}");
            }
        }
    }

    proptest::proptest! {
        /// Any f64 at all, of any bit pattern: a finite one is written as
        /// a number with exactly `decimals` places within half a unit of the
        /// last place of it; NaN and the infinities as no value, never as
        /// `0.00`, `NaN` or `inf`.
        #[test]
        fn every_f64_is_a_number_within_rounding_or_no_value(
            bits in proptest::num::u64::ANY,
            decimals in 0usize..=4,
        ) {
            let x = f64::from_bits(bits);
            let s = format_rounded(x, decimals);
            if !x.is_finite() {
                proptest::prop_assert_eq!(s, "");
            } else {
                let shape = s.strip_prefix('-').unwrap_or(&s);
                let (int, frac) = shape.split_once('.').unwrap_or((shape, ""));
                proptest::prop_assert!(!int.is_empty() && int.bytes().all(|b| b.is_ascii_digit()), "{}", s);
                proptest::prop_assert_eq!(frac.len(), decimals, "{}", &s);
                proptest::prop_assert!(frac.bytes().all(|b| b.is_ascii_digit()), "{}", s);
                let back: f64 = s.parse().unwrap();
                proptest::prop_assert!(back.is_finite());
                let half_unit = 0.5 * 10f64.powi(-(decimals as i32));
                let slack = x.abs() * 1e-15 + 1e-300;
                proptest::prop_assert!((back - x).abs() <= half_unit + slack, "{} -> {}", x, s);
            }
        }
    }

    #[test]
    fn not_finite_is_no_value_and_huge_is_exact() {
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -f64::NAN] {
            assert_eq!(format_rounded(x, 2), "", "{x}");
        }
        assert_eq!(format_rounded(1e20, 2), "100000000000000000000.00");
        assert_eq!(format_rounded(-1e20, 0), "-100000000000000000000");
        assert_eq!(format_rounded(f64::MAX, 1).len(), 309 + 2);
        assert_eq!(round_key(1e300, 2), i128::MAX);
        assert_eq!(round_key(-1e300, 2), i128::MIN);
    }

    #[test]
    fn negative_zero_is_written_without_sign() {
        assert_eq!(format_rounded(-0.0, 2), "0.00");
        assert_eq!(format_rounded(-0.004, 2), "0.00");
        assert_eq!(format_rounded(-0.005, 2), "-0.01"); // -0.005000000000000000104…
    }
}
