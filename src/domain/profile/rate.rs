//! Rates, shares and changes in percentage points as a notice prints them: the one definition
//! every table, the draft, report.xlsx, the annex and the console use.
//!
//! A profile chooses the decimals, the rounding (四舍五入 or 截断) and whether trailing zeros
//! stay (95.0%). Whatever it chooses, a printed rate is never rounder than the truth: it is 100%
//! only when every counted account is in it and 0% only when none is. A value that rounding
//! would print as 0 or 100 without being exactly that prints as the nearest value at the
//! precision instead: 2,943 of 2,944 is 99.9% (not 100%), 1 of 2,944 is 0.1% (not 0%).
//!
//! All arithmetic is on exact integers (a rate is its numerator and denominator; a float, such
//! as a weighted estimate, is taken at its shortest decimal digits), so no binary drift moves a
//! digit.
//!
//! ```
//! use audit::domain::profile::{RateStyle, Rounding};
//!
//! let notice = RateStyle::default(); // one decimal, 四舍五入, trailing zeros dropped
//! assert_eq!(notice.percent(197, 219), "90%");
//! assert_eq!(notice.percent(65, 76), "85.5%");
//! assert_eq!(notice.percent(2943, 2944), "99.9%"); // 99.966…%, never 100%
//! assert_eq!(notice.percent(1, 2944), "0.1%"); // 0.034%, never 0%
//! assert_eq!(notice.percent(0, 0), "—");
//! let two = RateStyle { decimals: 2, ..RateStyle::default() };
//! assert_eq!(two.percent(2943, 2944), "99.97%");
//! let cut = RateStyle { rounding: Rounding::Truncate, ..RateStyle::default() };
//! assert_eq!(cut.percent(291, 294), "98.9%");
//! let zeros = RateStyle { keep_zeros: true, ..RateStyle::default() };
//! assert_eq!(zeros.percent(19, 20), "95.0%");
//! ```

/// How the last printed digit of a rate is chosen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Rounding {
    /// 四舍五入: half away from zero (65/76 = 85.526…% → 85.5%, 1/16 = 6.25% → 6.3%).
    #[default]
    HalfUp,
    /// 截断: the digits beyond the precision are dropped (291/294 = 98.979…% → 98.9%).
    Truncate,
}

impl Rounding {
    /// Both rules, for messages.
    pub const ALL: [Rounding; 2] = [Rounding::HalfUp, Rounding::Truncate];

    /// The word a profile writes (`rate_rounding = "截断"`).
    pub fn label(self) -> &'static str {
        match self {
            Rounding::HalfUp => "四舍五入",
            Rounding::Truncate => "截断",
        }
    }

    /// The rule a profile's word names.
    pub fn parse(word: &str) -> Option<Rounding> {
        Rounding::ALL.into_iter().find(|r| r.label() == word.trim())
    }
}

/// The mark after a rate resting on fewer accounts than the profile's `rate_mark_below`.
pub const SMALL_BASE_MARK: &str = "＊";

/// How a profile prints rates: decimals, rounding, trailing zeros, and below how many counted
/// accounts a rate is marked as resting on few.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateStyle {
    /// Decimals of rates, shares and points (0..=4): 1 prints 85.5%.
    pub decimals: u8,
    /// 四舍五入 or 截断.
    pub rounding: Rounding,
    /// Keep trailing zeros: 95.0% and 100.0% instead of 95% and 100%.
    pub keep_zeros: bool,
    /// A rate whose denominator is above 0 and below this is marked [`SMALL_BASE_MARK`]
    /// ("50%＊" from 1 of 2 accounts); 0 marks nothing.
    pub mark_below: u64,
}

impl Default for RateStyle {
    /// The notices' usual style: one decimal, 四舍五入, trailing zeros dropped, and rates from
    /// fewer than 5 accounts marked.
    fn default() -> RateStyle {
        RateStyle {
            decimals: 1,
            rounding: Rounding::HalfUp,
            keep_zeros: false,
            mark_below: 5,
        }
    }
}

/// A rate as printed: a signed whole number of steps of 10^-decimals percent (or percentage
/// points), with the style's trailing-zero rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown {
    negative: bool,
    steps: u128,
    decimals: u8,
    keep_zeros: bool,
}

impl Shown {
    /// The number without a sign for positives or the % sign: "99.9", "-14.3", "100", "95.0".
    pub fn number(&self) -> String {
        let d = usize::from(self.decimals);
        let digits = format!("{:0>width$}", self.steps, width = d + 1);
        let (int, frac) = digits.split_at(digits.len() - d);
        let frac = if self.keep_zeros {
            frac
        } else {
            frac.trim_end_matches('0')
        };
        let sign = if self.negative { "-" } else { "" };
        if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        }
    }

    /// The rate with its % sign: "99.9%".
    pub fn percent(&self) -> String {
        format!("{}%", self.number())
    }

    /// A change in points with its sign: "+8.2", "-5", "0".
    pub fn signed(&self) -> String {
        if self.negative || self.steps == 0 {
            self.number()
        } else {
            format!("+{}", self.number())
        }
    }

    /// The printed number as a fraction (99.9% → 0.999; 8.2 points → 0.082): what a
    /// spreadsheet cell stores so that it shows exactly the printed text.
    pub fn fraction(&self) -> f64 {
        let v = self.steps as f64 / 10f64.powi(i32::from(self.decimals) + 2);
        if self.negative {
            -v
        } else {
            v
        }
    }

    /// The printed number itself (99.9% → 99.9; 8.2 points → 8.2), divided once so that it is
    /// the double nearest the printed decimal (100 × [`Shown::fraction`] can be off in the last
    /// bit: -18.099999999999998 for -18.1).
    pub fn value(&self) -> f64 {
        let v = self.steps as f64 / 10f64.powi(i32::from(self.decimals));
        if self.negative {
            -v
        } else {
            v
        }
    }

    /// Decimals the printed number shows (fewer than the style's when zeros are dropped).
    pub fn places(&self) -> u8 {
        let n = self.number();
        n.split_once('.').map_or(0, |(_, f)| f.len() as u8)
    }

    /// Exactly zero.
    pub fn is_zero(&self) -> bool {
        self.steps == 0
    }

    /// Below zero.
    pub fn is_negative(&self) -> bool {
        self.negative
    }
}

impl RateStyle {
    /// `num / den` as printed; none when nothing was counted (`den` = 0).
    pub fn fraction(&self, num: u64, den: u64) -> Option<Shown> {
        (den > 0).then(|| self.exact(false, u128::from(num), u128::from(den)))
    }

    /// A signed share `num / den` (a net change over last quarter's count); none when `den` = 0.
    pub fn signed_fraction(&self, num: i64, den: u64) -> Option<Shown> {
        (den > 0).then(|| self.exact(num < 0, u128::from(num.unsigned_abs()), u128::from(den)))
    }

    /// A proportion given as a float (a weighted estimate, an interval bound), taken at its
    /// shortest decimal digits; none when it is not finite.
    pub fn float(&self, x: f64) -> Option<Shown> {
        let (num, den) = decimal_ratio(x)?;
        Some(self.exact(x < 0.0 && num > 0, num, den))
    }

    /// The change in percentage points from `before` to `now`, each (num, den), computed from
    /// the counts (now − before exactly, then rounded once by the style's rule); none when
    /// either has nothing counted. It is 0 only when the two rates are exactly equal.
    pub fn change(&self, now: (u64, u64), before: (u64, u64)) -> Option<Shown> {
        if now.1 == 0 || before.1 == 0 {
            return None;
        }
        let a = u128::from(now.0) * u128::from(before.1);
        let b = u128::from(before.0) * u128::from(now.1);
        let den = u128::from(now.1) * u128::from(before.1);
        Some(self.exact(a < b, a.abs_diff(b), den))
    }

    /// `num / den` with its % sign ("99.9%"), or "—" when nothing was counted.
    pub fn percent(&self, num: u64, den: u64) -> String {
        self.fraction(num, den)
            .map_or_else(|| "—".to_string(), |s| s.percent())
    }

    /// Whether a rate of `den` counted accounts rests on too few to compare (0 never does: it
    /// prints "—").
    pub fn is_small(&self, den: u64) -> bool {
        den > 0 && den < self.mark_below
    }

    /// `num / den` as tables and the draft print a rate: [`RateStyle::percent`], marked
    /// [`SMALL_BASE_MARK`] when it rests on too few accounts.
    pub fn rate(&self, num: u64, den: u64) -> String {
        let s = self.percent(num, den);
        if self.is_small(den) {
            format!("{s}{SMALL_BASE_MARK}")
        } else {
            s
        }
    }

    /// The note that explains the mark.
    pub fn mark_note(&self) -> String {
        format!(
            "带{SMALL_BASE_MARK}的比率所依据的账号不足{}个,仅供参考,不宜据此比较或排名。",
            self.mark_below
        )
    }

    /// `num / den` (a non-negative ratio) in steps of the precision, by the style's rounding,
    /// never landing on 0 or 100% unless exactly there.
    fn exact(&self, negative: bool, num: u128, den: u128) -> Shown {
        let zero = num == 0;
        let whole = num == den;
        let above = num > den;
        let scale = 100 * 10u128.pow(u32::from(self.decimals));
        let (mut n, mut d) = (num, den);
        // Only counts beyond any real registry overflow; halving both keeps the ratio to far
        // more digits than are printed, and the exact cases were noted above.
        while n.checked_mul(scale).is_none() {
            n >>= 1;
            d = (d >> 1).max(1);
        }
        let scaled = n * scale;
        let mut steps = scaled / d;
        let rest = scaled % d;
        if self.rounding == Rounding::HalfUp && rest >= d - rest {
            steps += 1;
        }
        if steps == 0 && !zero {
            steps = 1;
        } else if steps == scale && !whole {
            steps = if above { scale + 1 } else { scale - 1 };
        }
        Shown {
            negative: negative && !zero,
            steps,
            decimals: self.decimals,
            keep_zeros: self.keep_zeros,
        }
    }
}

/// A finite float's magnitude as an exact ratio of its shortest decimal digits (0.90865 →
/// 90865/100000). Digits past the 24th after the point are folded into one non-zero digit, which
/// keeps the value strictly between its neighbours at any precision a rate is printed with.
fn decimal_ratio(x: f64) -> Option<(u128, u128)> {
    if !x.is_finite() {
        return None;
    }
    const KEEP: usize = 24;
    let text = x.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let (kept, sticky) = if frac.len() > KEEP {
        let sticky = frac[KEEP..].bytes().any(|b| b != b'0');
        (&frac[..KEEP], sticky)
    } else {
        (frac, false)
    };
    let mut digits = format!("{int}{kept}");
    let mut places = kept.len();
    if sticky {
        digits.push('1');
        places += 1;
    }
    // A magnitude too large for u128 is not a rate; print it as the largest one can be.
    let num: u128 = digits.parse().unwrap_or(u128::MAX / 1_000_000);
    Some((num, 10u128.pow(places as u32)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(decimals: u8, rounding: Rounding, keep_zeros: bool) -> RateStyle {
        RateStyle {
            decimals,
            rounding,
            keep_zeros,
            mark_below: 5,
        }
    }

    #[test]
    fn notices_round_half_up_on_exact_counts() {
        let s = RateStyle::default();
        assert_eq!(s.percent(197, 219), "90%"); // 89.95…
        assert_eq!(s.percent(65, 76), "85.5%");
        assert_eq!(s.percent(351, 6381), "5.5%");
        assert_eq!(s.percent(1, 8), "12.5%");
        assert_eq!(s.percent(1, 16), "6.3%"); // 6.25 rounds up
        assert_eq!(s.percent(10, 76), "13.2%");
        assert_eq!(s.percent(0, 5), "0%");
        assert_eq!(s.percent(5, 5), "100%");
        assert_eq!(s.percent(3, 2), "150%");
        let two = style(2, Rounding::HalfUp, false);
        assert_eq!(two.percent(90865, 100000), "90.87%");
        assert_eq!(two.percent(90864, 100000), "90.86%");
        assert_eq!(two.percent(1, 16), "6.25%");
        assert_eq!(style(4, Rounding::HalfUp, false).percent(1, 3), "33.3333%");
        assert_eq!(style(0, Rounding::HalfUp, false).percent(2, 3), "67%");
        assert_eq!(style(0, Rounding::HalfUp, false).percent(1, 200), "1%");
    }

    /// A change in points is stored as the double nearest its printed decimal, not 100 × the
    /// fraction (-18.099999999999998 in report.xlsx for a printed -18.1).
    #[test]
    fn points_are_stored_as_printed() {
        let s = RateStyle::default();
        // 61.3% now against 79.4% before: -18.1 points.
        let d = s.change((613, 1000), (794, 1000)).unwrap();
        assert_eq!(d.signed(), "-18.1");
        assert_eq!(d.value(), -18.1);
        assert_eq!(d.value().to_string(), "-18.1");
    }

    /// Issue #20, case 7: a census of 2,944 with one failure is not 100%, and one problem in
    /// 2,944 is not 0%, whatever the style.
    #[test]
    fn never_rounder_than_the_truth() {
        for decimals in 0..=4 {
            for rounding in Rounding::ALL {
                for keep in [false, true] {
                    let s = style(decimals, rounding, keep);
                    let near_all = s.fraction(2943, 2944).unwrap();
                    assert!(near_all.fraction() < 1.0, "{s:?}: {}", near_all.percent());
                    let near_none = s.fraction(1, 2944).unwrap();
                    assert!(near_none.fraction() > 0.0, "{s:?}: {}", near_none.percent());
                    let just_over = s.fraction(2945, 2944).unwrap();
                    assert!(just_over.fraction() > 1.0, "{s:?}: {}", just_over.percent());
                    assert_eq!(s.fraction(7, 7).unwrap().fraction(), 1.0);
                    assert_eq!(s.fraction(0, 7).unwrap().fraction(), 0.0);
                }
            }
        }
        let s = RateStyle::default();
        assert_eq!(s.percent(2943, 2944), "99.9%");
        assert_eq!(s.percent(1, 2944), "0.1%");
        assert_eq!(s.percent(2945, 2944), "100.1%");
        assert_eq!(
            style(2, Rounding::HalfUp, false).percent(2943, 2944),
            "99.97%"
        );
        assert_eq!(style(2, Rounding::HalfUp, false).percent(1, 2944), "0.03%");
        assert_eq!(style(0, Rounding::HalfUp, false).percent(199, 200), "99%");
        assert_eq!(style(0, Rounding::HalfUp, false).percent(1, 201), "1%");
        assert_eq!(
            style(2, Rounding::HalfUp, false).percent(999_999, 1_000_000),
            "99.99%"
        );
        assert_eq!(s.percent(u64::MAX, u64::MAX), "100%");
        assert_eq!(s.percent(u64::MAX - 1, u64::MAX), "99.9%");
    }

    #[test]
    fn truncation_and_trailing_zeros() {
        let cut = style(1, Rounding::Truncate, false);
        assert_eq!(cut.percent(291, 294), "98.9%");
        assert_eq!(RateStyle::default().percent(291, 294), "99%");
        assert_eq!(cut.percent(65, 76), "85.5%");
        assert_eq!(cut.percent(2943, 2944), "99.9%");
        assert_eq!(cut.percent(1, 2944), "0.1%");
        assert_eq!(
            style(2, Rounding::Truncate, false).percent(2943, 2944),
            "99.96%"
        );
        let zeros = style(1, Rounding::HalfUp, true);
        assert_eq!(zeros.percent(19, 20), "95.0%");
        assert_eq!(zeros.percent(1, 1), "100.0%");
        assert_eq!(zeros.percent(0, 3), "0.0%");
        assert_eq!(zeros.percent(291, 294), "99.0%");
        let two = style(2, Rounding::HalfUp, true);
        assert_eq!(two.percent(499, 500), "99.80%");
        assert_eq!(two.fraction(499, 500).unwrap().places(), 2);
        assert_eq!(RateStyle::default().fraction(9, 10).unwrap().places(), 0);
    }

    #[test]
    fn changes_come_from_the_counts() {
        let s = RateStyle::default();
        // 21/28 − 25/28 = −14.2857… points.
        assert_eq!(s.change((21, 28), (25, 28)).unwrap().signed(), "-14.3");
        assert_eq!(s.change((90, 100), (818, 1000)).unwrap().signed(), "+8.2");
        assert_eq!(s.change((197, 219), (181, 220)).unwrap().signed(), "+7.7"); // 7.68…
        assert_eq!(s.change((4, 5), (17, 20)).unwrap().signed(), "-5");
        assert_eq!(s.change((1, 2), (2, 4)).unwrap().signed(), "0");
        assert!(s.change((1, 2), (2, 4)).unwrap().is_zero());
        // Unequal rates never print as unchanged.
        assert_eq!(
            s.change((2943, 2944), (2944, 2944)).unwrap().signed(),
            "-0.1"
        );
        assert_eq!(s.change((1, 1), (0, 1)).unwrap().signed(), "+100");
        assert_eq!(s.change((1, 1), (0, 0)), None);
        let cut = style(1, Rounding::Truncate, false);
        assert_eq!(cut.change((197, 219), (181, 220)).unwrap().signed(), "+7.6");
        assert!((s.change((21, 28), (25, 28)).unwrap().fraction() + 0.143).abs() < 1e-12);
        assert_eq!(s.signed_fraction(-351, 6381).unwrap().percent(), "-5.5%");
        assert_eq!(s.signed_fraction(-1, 6381).unwrap().percent(), "-0.1%");
        assert_eq!(s.signed_fraction(0, 6381).unwrap().percent(), "0%");
        assert_eq!(s.signed_fraction(1, 0), None);
    }

    #[test]
    fn floats_round_on_their_decimal_digits() {
        let s = RateStyle::default();
        let two = style(2, Rounding::HalfUp, false);
        let f = |st: RateStyle, x: f64| st.float(x).unwrap().percent();
        // 0.90865 × 100 is 90.86499… in binary; its digits say 90.865.
        assert_eq!(f(two, 0.90865), "90.87%");
        assert_eq!(f(two, 0.913), "91.3%");
        assert_eq!(f(s, 1.0), "100%");
        assert_eq!(f(s, 0.0), "0%");
        assert_eq!(f(s, -0.0), "0%");
        assert_eq!(f(two, 0.99996), "99.99%"); // not 100%
        assert_eq!(f(s, 1e-7), "0.1%"); // not 0%
        assert_eq!(f(s, 1e-300), "0.1%");
        assert_eq!(f(s, -0.0125), "-1.3%");
        assert_eq!(f(s, 197.0 / 219.0), "90%");
        assert_eq!(f(s, 65.0 / 76.0), "85.5%");
        assert_eq!(s.float(f64::NAN), None);
        assert_eq!(s.float(f64::INFINITY), None);
        // Exact counts and their float agree wherever the float is not within a hair of a tie.
        for den in 1..=120u64 {
            for num in 0..=den {
                for decimals in 0..=2 {
                    let st = style(decimals, Rounding::HalfUp, false);
                    let exact = st.percent(num, den);
                    let float = f(st, num as f64 / den as f64);
                    assert_eq!(exact, float, "{num}/{den} at {decimals}");
                }
            }
        }
    }

    #[test]
    fn the_printed_value_is_what_a_cell_stores() {
        let s = RateStyle::default();
        assert_eq!(s.fraction(2943, 2944).unwrap().fraction(), 0.999);
        assert_eq!(s.fraction(65, 76).unwrap().fraction(), 0.855);
        assert_eq!(s.fraction(197, 219).unwrap().fraction(), 0.9);
        assert_eq!(s.fraction(1, 2944).unwrap().fraction(), 0.001);
    }

    #[test]
    fn small_bases_are_marked() {
        let s = RateStyle::default();
        assert_eq!(s.rate(1, 2), "50%＊");
        assert_eq!(s.rate(0, 1), "0%＊");
        assert_eq!(s.rate(4, 5), "80%");
        assert_eq!(s.rate(0, 0), "—");
        let off = RateStyle { mark_below: 0, ..s };
        assert_eq!(off.rate(1, 2), "50%");
        assert!(s.mark_note().contains("不足5个"));
    }

    #[test]
    fn rounding_words() {
        assert_eq!(Rounding::parse("截断"), Some(Rounding::Truncate));
        assert_eq!(Rounding::parse(" 四舍五入 "), Some(Rounding::HalfUp));
        assert_eq!(Rounding::parse("round"), None);
    }
}
