//! Percentages as a notice prints them: a fixed number of decimals, trailing zeros dropped.

/// Format a rate between 0 and 1 as a percentage number (without the % sign) with at most
/// `decimals` decimals, rounded half away from zero, trailing zeros and a trailing point dropped:
/// a notice prints 90% and 85.5%, never 90.0%.
///
/// The rounding works on the rate's shortest decimal representation (the digits `{}` prints), not
/// on the binary value, so 0.90865 gives 90.87 although 0.90865 × 100 is 90.86499… in binary.
/// Prefer [`format_share`] when the numerator and denominator are known. A value that is not
/// finite prints as Rust prints it ("NaN", "inf").
///
/// ```
/// use audit::domain::profile::format_rate;
/// assert_eq!(format_rate(0.90865, 2), "90.87");
/// assert_eq!(format_rate(0.913, 2), "91.3");
/// assert_eq!(format_rate(1.0, 1), "100");
/// assert_eq!(format_rate(0.0, 1), "0");
/// assert_eq!(format_rate(0.99996, 2), "100");
/// assert_eq!(format_rate(-0.0125, 1), "-1.3");
/// ```
pub fn format_rate(rate: f64, decimals: u8) -> String {
    if !rate.is_finite() {
        return rate.to_string();
    }
    let text = rate.abs().to_string();
    let (int_part, frac_part) = text.split_once('.').unwrap_or((&text, ""));
    // Shift the point two places right: digits of rate × 100, with `frac` after the point.
    let mut digits: Vec<u8> = int_part.bytes().map(|b| b - b'0').collect();
    let frac: Vec<u8> = frac_part.bytes().map(|b| b - b'0').collect();
    let (moved, rest) = frac.split_at(frac.len().min(2));
    digits.extend_from_slice(moved);
    digits.extend(std::iter::repeat_n(0, 2 - moved.len()));
    let keep = usize::from(decimals);
    digits.extend((0..keep).map(|i| rest.get(i).copied().unwrap_or(0)));
    let round_up = rest.get(keep).is_some_and(|&d| d >= 5);
    let scaled = round_decimal(digits, round_up);
    let negative = rate < 0.0 && scaled.iter().any(|&d| d != 0);
    let body = place_point(&scaled, keep);
    if negative {
        format!("-{body}")
    } else {
        body
    }
}

/// Add one in the last place when `round_up`, carrying through the digits.
fn round_decimal(mut digits: Vec<u8>, round_up: bool) -> Vec<u8> {
    if round_up {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, 1);
                break;
            }
            i -= 1;
            if digits[i] == 9 {
                digits[i] = 0;
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    digits
}

/// Write digits with `decimals` of them after the point, without leading zeros in the integer
/// part and without trailing zeros (or point) in the fraction.
fn place_point(digits: &[u8], decimals: usize) -> String {
    let split = digits.len() - decimals;
    let int: String = digits[..split]
        .iter()
        .map(|d| char::from(b'0' + d))
        .collect();
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac: String = digits[split..]
        .iter()
        .map(|d| char::from(b'0' + d))
        .collect();
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

/// Format the share `num / den` as a percentage number (without the % sign) with at most
/// `decimals` decimals, rounded half away from zero in exact integer arithmetic, trailing zeros
/// and a trailing point dropped. A share of nothing (`den` = 0) prints "-": a group with no
/// accounts checked has no rate, and 0% would say something false.
///
/// ```
/// use audit::domain::profile::format_share;
/// assert_eq!(format_share(197, 219, 1), "90");   // 89.95…
/// assert_eq!(format_share(65, 76, 1), "85.5");   // 85.526…
/// assert_eq!(format_share(1, 8, 1), "12.5");
/// assert_eq!(format_share(1, 16, 2), "6.25");
/// assert_eq!(format_share(1, 16, 1), "6.3");     // 6.25 rounds up
/// assert_eq!(format_share(10, 76, 1), "13.2");
/// assert_eq!(format_share(0, 5, 2), "0");
/// assert_eq!(format_share(5, 5, 2), "100");
/// assert_eq!(format_share(0, 0, 1), "-");
/// ```
pub fn format_share(num: u64, den: u64, decimals: u8) -> String {
    if den == 0 {
        return "-".to_string();
    }
    let scale = 10u128.pow(u32::from(decimals));
    let scaled = u128::from(num) * 100 * scale;
    let den = u128::from(den);
    let mut quotient = scaled / den;
    if (scaled % den) * 2 >= den {
        quotient += 1;
    }
    let digits: Vec<u8> = format!("{quotient:0>width$}", width = usize::from(decimals) + 1)
        .bytes()
        .map(|b| b - b'0')
        .collect();
    place_point(&digits, usize::from(decimals))
}

/// The change between two shares in percentage points, `now_num/now_den − before_num/before_den`,
/// computed on the exact counts and rounded once, half away from zero, to `decimals` decimals
/// (trailing zeros dropped), signed: "+0.3", "-5", "0". Rounding the difference of two already
/// rounded rates, or of two floats, can land on the other side of a half point: 143/200 = 71.5%
/// and 171/240 = 71.25% differ by exactly 0.25 points, which rounds to +0.3, while the float
/// difference (0.0024999…) gives +0.2. Either share of nothing gives "-".
///
/// ```
/// use audit::domain::profile::format_change;
/// assert_eq!(format_change((143, 200), (171, 240), 1), "+0.3");
/// assert_eq!(format_change((171, 240), (143, 200), 1), "-0.3");
/// assert_eq!(format_change((1, 2), (1, 2), 1), "0");
/// assert_eq!(format_change((197, 219), (1, 0), 1), "-");
/// ```
pub fn format_change(now: (u64, u64), before: (u64, u64), decimals: u8) -> String {
    let Some((negative, digits)) = change_digits(now, before, decimals) else {
        return "-".to_string();
    };
    let body = place_point(&digits, usize::from(decimals));
    if body == "0" {
        body
    } else if negative {
        format!("-{body}")
    } else {
        format!("+{body}")
    }
}

/// The change's sign and its absolute value's digits scaled by 10^decimals, rounded half away
/// from zero on exact integers; None when a denominator is 0.
fn change_digits(now: (u64, u64), before: (u64, u64), decimals: u8) -> Option<(bool, Vec<u8>)> {
    let ((a, b), (c, d)) = (now, before);
    if b == 0 || d == 0 {
        return None;
    }
    // 100·(a/b − c/d) = 100·(a·d − c·b) / (b·d); counts are far below 2^40, so i128 holds it.
    let cross = i128::from(a) * i128::from(d) - i128::from(c) * i128::from(b);
    let scale = 100 * 10i128.pow(u32::from(decimals));
    let (num, den) = (
        (cross * scale).unsigned_abs(),
        i128::from(b) * i128::from(d),
    );
    let den = den.unsigned_abs();
    let mut q = num / den;
    if (num % den) * 2 >= den {
        q += 1;
    }
    let digits = format!("{q:0>width$}", width = usize::from(decimals) + 1)
        .bytes()
        .map(|x| x - b'0')
        .collect();
    Some((cross < 0, digits))
}

/// The exact change in points as a number (for spreadsheets): 100·(a/b − c/d); None when a
/// denominator is 0.
pub fn change_points(now: (u64, u64), before: (u64, u64)) -> Option<f64> {
    let ((a, b), (c, d)) = (now, before);
    if b == 0 || d == 0 {
        return None;
    }
    let cross = i128::from(a) * i128::from(d) - i128::from(c) * i128::from(b);
    Some(100.0 * cross as f64 / (i128::from(b) * i128::from(d)) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_on_the_decimal_digits() {
        assert_eq!(format_rate(0.9087, 2), "90.87");
        assert_eq!(format_rate(0.90865, 2), "90.87");
        assert_eq!(format_rate(0.90864, 2), "90.86");
        assert_eq!(format_rate(0.855, 0), "86");
        assert_eq!(format_rate(0.8549, 0), "85");
        assert_eq!(format_rate(0.005, 0), "1");
        assert_eq!(format_rate(0.00004, 4), "0.004");
        assert_eq!(format_rate(0.1, 4), "10");
        assert_eq!(format_rate(0.07, 1), "7");
        assert_eq!(format_rate(1.0, 0), "100");
        assert_eq!(format_rate(0.0, 4), "0");
        assert_eq!(format_rate(-0.0, 1), "0");
        assert_eq!(format_rate(-0.00001, 1), "0");
        assert_eq!(format_rate(1e-7, 4), "0");
        assert_eq!(format_rate(12.5, 1), "1250");
        assert_eq!(format_rate(f64::NAN, 1), "NaN");
        assert_eq!(format_rate(197.0 / 219.0, 1), "90");
        assert_eq!(format_rate(65.0 / 76.0, 1), "85.5");
    }

    #[test]
    fn shares_round_exactly() {
        assert_eq!(format_share(90865, 100000, 2), "90.87");
        assert_eq!(format_share(90864, 100000, 2), "90.86");
        assert_eq!(format_share(1, 3, 4), "33.3333");
        assert_eq!(format_share(2, 3, 0), "67");
        assert_eq!(format_share(1, 200, 0), "1");
        assert_eq!(format_share(1, 201, 0), "0");
        assert_eq!(format_share(999_999, 1_000_000, 3), "100");
        assert_eq!(format_share(u64::MAX, u64::MAX, 4), "100");
        assert_eq!(format_share(3, 2, 1), "150");
    }

    #[test]
    fn changes_round_once_on_exact_counts() {
        assert_eq!(format_change((143, 200), (171, 240), 1), "+0.3");
        // The float difference lands below the half point.
        let (a, b) = (
            std::hint::black_box(143.0_f64),
            std::hint::black_box(171.0_f64),
        );
        assert!(a / 200.0 - b / 240.0 < 0.0025);
        assert_eq!(format_change((90, 100), (82, 100), 1), "+8");
        assert_eq!(format_change((1, 3), (0, 1), 2), "+33.33");
        assert_eq!(format_change((0, 1), (1, 3), 0), "-33");
        assert_eq!(format_change((1, 400), (0, 1), 1), "+0.3");
        assert_eq!(format_change((0, 1), (1, 400), 1), "-0.3");
        assert_eq!(format_change((1, 2001), (0, 1), 1), "0");
        assert_eq!(format_change((5, 5), (0, 0), 1), "-");
        assert!((change_points((143, 200), (171, 240)).unwrap() - 0.25).abs() < 1e-12);
    }

    #[test]
    fn shares_and_rates_agree() {
        for den in 1..=120u64 {
            for num in 0..=den {
                for decimals in 0..=2 {
                    let rate = num as f64 / den as f64;
                    let exact = format_share(num, den, decimals);
                    let float = format_rate(rate, decimals);
                    // Rounding the shortest digits of num/den agrees with the exact result: a
                    // ratio with a small denominator is either an exact tie, whose digits print
                    // exactly, or far from one.
                    assert_eq!(exact, float, "{num}/{den} at {decimals}");
                }
            }
        }
    }
}
