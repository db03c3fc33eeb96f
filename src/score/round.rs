//! Rounding for outputs (scoring.md §7): half away from zero on the exact
//! value of the computed `f64`, and `-0.00` written as `0.00`.

/// `x` rounded to `decimals` places, as an integer count of `10^-decimals`.
///
/// Works on the exact decimal expansion of the `f64` (Rust prints it
/// exactly), so 3.625 — exactly representable — rounds up to 3.63, while
/// 1.005 — stored as 1.00499999999999989… — rounds down, as its true value
/// says. Thirty guard digits are far more than any `f64` of ksa's magnitude
/// can bring to a false tie.
pub fn round_key(x: f64, decimals: usize) -> i128 {
    let s = format!("{:.*}", decimals + 30, x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut digits: i128 = int.parse().unwrap_or(0);
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
    let k = round_key(x, decimals);
    let neg = k < 0;
    let a = k.unsigned_abs();
    let p = 10u128.pow(decimals as u32);
    let body = if decimals == 0 {
        format!("{a}")
    } else {
        format!("{}.{:0width$}", a / p, a % p, width = decimals)
    };
    if neg {
        format!("-{body}")
    } else {
        body
    }
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
    fn negative_zero_is_written_without_sign() {
        assert_eq!(format_rounded(-0.0, 2), "0.00");
        assert_eq!(format_rounded(-0.004, 2), "0.00");
        assert_eq!(format_rounded(-0.005, 2), "-0.01"); // -0.005000000000000000104…
    }
}
