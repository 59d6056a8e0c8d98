//! Dates: the one parser of a date written as text or as an Excel day number, and the one
//! Chinese date formatter. Every reader (inspector workbooks, rectification replies,
//! monitoring exports, the CLI) goes through these, so they cannot drift apart.

use chrono::{Datelike, NaiveDate, NaiveTime};

/// The date of an Excel serial day number; `None` outside Excel's own range (1900-01-01 to
/// 9999-12-31), so a huge number in a date-formatted cell is an error, never a crash.
pub fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(0.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(chrono::Duration::try_days(serial.floor() as i64)?)
}

/// Serial day numbers read as dates when a date is expected (1954-10-03 to 2119-01-08): a small
/// number in a date cell is a typo, not a day in 1900.
pub const PLAUSIBLE_SERIALS: std::ops::Range<f64> = 20000.0..80000.0;

/// A date written as text, optionally with a time of day (which is dropped): 2020-03-20,
/// 2020/3/20 10:30, 2020年3月20日, 2020.3.20, 2020-03-20T10:30:00, 2020-03-25 10:30:00.5.
/// The text must already be cleaned (see `text::clean` and `text::fold_width`).
/// `None` when it is no such date.
pub fn parse_date_text(t: &str) -> Option<NaiveDate> {
    let (day, time) = t.split_once(['T', ' ']).unwrap_or((t, ""));
    let time = time.trim();
    let time_ok = time.is_empty()
        || ["%H:%M:%S", "%H:%M", "%H:%M:%S%.f"]
            .iter()
            .any(|f| NaiveTime::parse_from_str(time, f).is_ok());
    if !time_ok {
        return None;
    }
    let norm = day
        .replace(['年', '月', '/', '.'], "-")
        .trim_end_matches('日')
        .to_string();
    NaiveDate::parse_from_str(&norm, "%Y-%m-%d").ok()
}

/// A date as the command line and the manifest write it, YYYY-MM-DD (surrounding blanks
/// ignored); the one parser of both, so a manifest written from a flag always reads back.
pub fn parse_iso_day(t: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(t.trim(), ISO_DAY).ok()
}

/// The format of [`parse_iso_day`], for writing a date the same way.
pub const ISO_DAY: &str = "%Y-%m-%d";

/// Whether a date is one a campaign can mean (years 2000 to 2100): anything else is a typo.
pub fn is_plausible(d: NaiveDate) -> bool {
    (2000..=2100).contains(&d.year())
}

/// The first and last day of a campaign's quarter ("2020Q1" → 2020-01-01, 2020-03-31); `None`
/// for a text that is no quarter.
pub fn quarter_bounds(period: &str) -> Option<(NaiveDate, NaiveDate)> {
    let year: i32 = period.get(..4)?.parse().ok()?;
    if !matches!(period.get(4..5)?, "Q" | "q") || period.len() != 6 {
        return None;
    }
    let quarter: u32 = period
        .get(5..6)?
        .parse()
        .ok()
        .filter(|q| (1..=4).contains(q))?;
    let first = NaiveDate::from_ymd_opt(year, 3 * quarter - 2, 1)?;
    let next = if quarter == 4 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, 3 * quarter + 1, 1)?
    };
    Some((first, next.pred_opt()?))
}

/// A date as the notice writes it: 2020年3月20日.
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A date as the notice writes it without the year: 4月10日.
pub fn chinese_month_day(d: NaiveDate) -> String {
    format!("{}月{}日", d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            quarter_bounds("2020Q1"),
            Some((d("2020-01-01"), d("2020-03-31")))
        );
        assert_eq!(
            quarter_bounds("2019q4"),
            Some((d("2019-10-01"), d("2019-12-31")))
        );
        assert_eq!(quarter_bounds("2020Q5"), None);
        assert_eq!(quarter_bounds("2020Q12"), None);
        assert_eq!(quarter_bounds("c"), None);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_written_form() {
        for t in [
            "2020-03-25",
            "2020/3/25",
            "2020年3月25日",
            "2020.3.25",
            "2020-03-25T10:30:00",
            "2020-03-25 10:30",
            "2020-03-25 10:30:00.5",
        ] {
            assert_eq!(parse_date_text(t), Some(d(2020, 3, 25)), "{t}");
        }
        for t in ["2020-13-01", "下周", "2020-03-25 中午", ""] {
            assert_eq!(parse_date_text(t), None, "{t}");
        }
    }

    #[test]
    fn serials_and_words() {
        assert_eq!(excel_serial_date(43915.0), Some(d(2020, 3, 25)));
        assert_eq!(excel_serial_date(1e12), None);
        assert_eq!(excel_serial_date(f64::NAN), None);
        assert_eq!(chinese_date(d(2020, 3, 5)), "2020年3月5日");
        assert_eq!(chinese_month_day(d(2020, 4, 10)), "4月10日");
        assert_eq!(parse_iso_day(" 2020-4-10 "), Some(d(2020, 4, 10)));
        assert_eq!(parse_iso_day("2020/04/10"), None);
        assert!(is_plausible(d(2020, 1, 1)) && !is_plausible(d(1999, 12, 31)));
    }
}
