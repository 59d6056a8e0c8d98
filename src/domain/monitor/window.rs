//! Whether a monitoring export is this quarter's: its evidence speaks only for the days it
//! covers, so an export taken long before (or after) the campaign's quarter would pre-fill every
//! account from another time. The window is the quarter widened by [`MARGIN_DAYS`] on each side:
//! an export taken in the last weeks of the previous quarter, or a check finished early in the
//! next, still counts.

use super::Observation;
use chrono::NaiveDate;

/// Days before the quarter's first day and after its last day that a 监测时间 may lie.
pub const MARGIN_DAYS: i64 = 31;

/// The dates a campaign's monitoring evidence may be from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    /// The campaign's quarter, "2020Q1".
    pub period: String,
    /// The first day accepted.
    pub from: NaiveDate,
    /// The last day accepted.
    pub to: NaiveDate,
}

impl Window {
    /// The window of a quarter; `None` for a campaign whose quarter is not known.
    pub fn for_period(period: &str) -> Option<Window> {
        let (first, last) = crate::domain::dates::quarter_bounds(period)?;
        let margin = chrono::Duration::days(MARGIN_DAYS);
        Some(Window {
            period: period.to_string(),
            from: first.checked_sub_signed(margin)?,
            to: last.checked_add_signed(margin)?,
        })
    }

    /// Whether a date lies in the window.
    pub fn contains(&self, d: NaiveDate) -> bool {
        (self.from..=self.to).contains(&d)
    }

    /// "本期 2020Q1 的监测时段 2019-12-01 至 2020-05-01(季度前后各 31 天)".
    pub fn describe(&self) -> String {
        format!(
            "本期 {} 的监测时段 {} 至 {}(季度前后各 {MARGIN_DAYS} 天)",
            self.period, self.from, self.to
        )
    }
}

/// What dates an export outside the window: its monitoring times, or, when it has none, its
/// latest post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stale {
    /// Rows whose monitoring time (their own, or `--monitor-at`) lies outside.
    Times {
        /// How many rows.
        outside: usize,
        /// Of how many rows with a time.
        dated: usize,
        /// The first such row.
        first_row: u32,
        /// Its monitoring time.
        first_at: NaiveDate,
        /// The earliest and latest monitoring time outside the window.
        range: (NaiveDate, NaiveDate),
    },
    /// No row posted anything on or after the window's first day: the export was taken before
    /// the quarter, whatever monitoring time it is given.
    NothingRecent {
        /// The latest 最近更新时间 in the export.
        latest_post: NaiveDate,
    },
}

impl Stale {
    /// The finding in words, the window included.
    pub fn describe(&self, window: &Window) -> String {
        match self {
            Stale::Times {
                outside,
                dated,
                first_row,
                first_at,
                range: (earliest, latest),
            } => {
                let span = if earliest == latest {
                    earliest.to_string()
                } else {
                    format!("{earliest} 至 {latest}")
                };
                format!(
                    "{dated} 行中 {outside} 行的监测时间({span},第一处: 第 {first_row} 行 {first_at})不在{}内",
                    window.describe()
                )
            }
            Stale::NothingRecent { latest_post } => format!(
                "所有账号的最近更新时间都早于 {}(最晚的是 {latest_post}),导出时间早于{}",
                window.from,
                window.describe()
            ),
        }
    }
}

/// Check an export's dates against the window: each row's monitoring time (its own, else
/// `default_at`), and that at least one row posted within the window.
pub fn check(
    window: &Window,
    rows: &[Observation],
    default_at: Option<NaiveDate>,
) -> Result<(), Stale> {
    let mut dated = 0;
    let mut outside: Vec<(u32, NaiveDate)> = Vec::new();
    for o in rows {
        if let Some(at) = o.monitored_at.or(default_at) {
            dated += 1;
            if !window.contains(at) {
                outside.push((o.row, at));
            }
        }
    }
    if let Some(&(first_row, first_at)) = outside.first() {
        let dates = outside.iter().map(|(_, d)| *d);
        return Err(Stale::Times {
            outside: outside.len(),
            dated,
            first_row,
            first_at,
            range: (
                dates.clone().min().unwrap_or(first_at),
                dates.max().unwrap_or(first_at),
            ),
        });
    }
    match rows.iter().filter_map(|o| o.last_post).max() {
        Some(latest_post) if latest_post < window.from => Err(Stale::NothingRecent { latest_post }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn obs(row: u32, at: Option<&str>, last: Option<&str>) -> Observation {
        Observation {
            row,
            monitored_at: at.map(d),
            last_post: last.map(d),
            ..Observation::default()
        }
    }

    #[test]
    fn the_window_is_the_quarter_and_a_month_each_side() {
        let w = Window::for_period("2020Q1").unwrap();
        assert_eq!((w.from, w.to), (d("2019-12-01"), d("2020-05-01")));
        assert!(w.contains(d("2019-12-01")) && !w.contains(d("2019-11-30")));
        assert!(w.contains(d("2020-05-01")) && !w.contains(d("2020-05-02")));
        assert_eq!(Window::for_period("c"), None);
    }

    #[test]
    fn a_stale_export_is_found_by_its_times_or_its_posts() {
        let w = Window::for_period("2020Q1").unwrap();
        let ok = [obs(2, Some("2020-03-22"), Some("2020-03-20"))];
        assert_eq!(check(&w, &ok, None), Ok(()));
        let old = [
            obs(2, Some("2020-03-22"), Some("2020-03-20")),
            obs(3, Some("2017-03-22"), Some("2017-03-20")),
            obs(4, Some("2017-03-01"), None),
        ];
        let e = check(&w, &old, None).unwrap_err();
        assert_eq!(
            e,
            Stale::Times {
                outside: 2,
                dated: 3,
                first_row: 3,
                first_at: d("2017-03-22"),
                range: (d("2017-03-01"), d("2017-03-22")),
            }
        );
        assert_eq!(
            e.describe(&w),
            "3 行中 2 行的监测时间(2017-03-01 至 2017-03-22,第一处: 第 3 行 2017-03-22)不在本期 2020Q1 的监测时段 2019-12-01 至 2020-05-01(季度前后各 31 天)内"
        );
        // --monitor-at stands for rows without a time of their own.
        let untimed = [obs(2, None, Some("2020-03-20"))];
        assert!(check(&w, &untimed, Some(d("2021-03-22"))).is_err());
        assert_eq!(check(&w, &untimed, Some(d("2020-03-22"))), Ok(()));
        // A time in the window does not make a three-year-old export this quarter's.
        let posts = [obs(2, None, Some("2017-03-20")), obs(3, None, None)];
        assert_eq!(
            check(&w, &posts, Some(d("2020-03-22"))),
            Err(Stale::NothingRecent {
                latest_post: d("2017-03-20")
            })
        );
    }
}
