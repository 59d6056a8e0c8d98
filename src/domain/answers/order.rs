//! Which returned copies of a workbook to take, by when they were saved: of several new copies
//! of one workbook the one saved last wins; a copy saved no later than the copy already taken is
//! not applied over it; copies of one workbook saved at the same moment cannot be ordered, so
//! none of them is taken. A save time in the future (beyond [`FUTURE_TOLERANCE_NS`]) is not
//! believed: that copy is set aside, and an earlier copy's future time orders nothing. A copy
//! the user names (`--prefer`) is taken whatever its time. Used for inspector and
//! rectification workbooks alike.

use std::collections::HashMap;

/// How far in the future a save time may be and still be believed (clocks of two office PCs
/// differ by minutes, not days).
pub const FUTURE_TOLERANCE_NS: i64 = 10 * 60 * 1_000_000_000;

/// A new copy: the workbook it is a copy of, and when it was saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SavedCopy<'a> {
    /// The workbook's signed id.
    pub workbook: &'a str,
    /// Nanoseconds since 1970 (0 when the file system does not say; `i64::MAX` past 2262).
    pub modified: i64,
    /// The user named this copy (`--prefer`): it is taken whatever its time.
    pub forced: bool,
}

/// Why a copy is not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    /// Another new copy of the same workbook was saved at the same moment.
    Tied,
    /// The copy already taken (under this file name) was saved at the same time or later.
    Older {
        /// The file name the taken copy came under.
        taken: String,
    },
    /// Its save time is in the future: set aside until the user names it.
    Future {
        /// The save time, as a local time for the user.
        saved: String,
    },
    /// The user named another copy of the same workbook.
    NotPreferred,
}

/// For each copy, `None` to take it or why not. `earlier(workbook)` gives the save time and file
/// name of the copy of that workbook taken before, when its time is known; `now` is the time of
/// this run, in nanoseconds since 1970.
pub fn order(
    copies: &[SavedCopy<'_>],
    earlier: impl Fn(&str) -> Option<(i64, String)>,
    now: i64,
) -> Vec<Option<Skip>> {
    let future = |t: i64| t > now.saturating_add(FUTURE_TOLERANCE_NS);
    let mut times: HashMap<&str, Vec<i64>> = HashMap::new();
    let mut forced: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for c in copies {
        if c.forced {
            forced.insert(c.workbook);
        } else if !future(c.modified) {
            times.entry(c.workbook).or_default().push(c.modified);
        }
    }
    let tied = |w: &str| {
        times.get(w).is_some_and(|t| {
            let mut t = t.clone();
            t.sort_unstable();
            t.windows(2).any(|p| p[0] == p[1])
        })
    };
    copies
        .iter()
        .map(|c| {
            if c.forced {
                return None;
            }
            if forced.contains(c.workbook) {
                return Some(Skip::NotPreferred);
            }
            if future(c.modified) {
                return Some(Skip::Future {
                    saved: local_time(c.modified),
                });
            }
            if tied(c.workbook) {
                return Some(Skip::Tied);
            }
            match earlier(c.workbook) {
                // An earlier copy's time in the future orders nothing: it was never believable.
                Some((m, taken)) if c.modified <= m && !future(m) => Some(Skip::Older { taken }),
                _ => None,
            }
        })
        .collect()
}

/// A time in nanoseconds since 1970 as the user's local time ("2031-01-01 08:00").
pub fn local_time(nanos: i64) -> String {
    if nanos == i64::MAX {
        return "2262 年以后".into();
    }
    chrono::DateTime::from_timestamp_nanos(nanos)
        .with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

impl Skip {
    /// The message for the user: `what` names the workbook (检查表, 整改反馈表), `send` the act
    /// of sending it back (交回, 报送).
    pub fn message(&self, what: &str, send: &str) -> String {
        match self {
            Skip::Tied => format!(
                "同一{what}有几份副本的保存时间相同,无法判断哪份较新,均未采用;请只{send}最新的一份"
            ),
            Skip::Older { taken } => format!(
                "比已收回的同一{what} {taken} 保存得更早,未采用;如确要以这份为准,请用 --prefer 指定这个文件"
            ),
            Skip::Future { saved } => format!(
                "文件的保存时间 {saved} 在将来(文件时间被改动,或保存它的电脑时钟不准),不能据此判断先后,未采用;如确要以这份为准,请用 --prefer 指定这个文件"
            ),
            Skip::NotPreferred => format!("已用 --prefer 指定了同一{what}的另一份,这份未采用"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_saved_wins_ties_and_older_copies_are_skipped() {
        let c = |workbook, modified| SavedCopy {
            workbook,
            modified,
            forced: false,
        };
        let copies = [c("a", 5), c("b", 7), c("b", 7), c("c", 3), c("d", 9)];
        let earlier = |w: &str| match w {
            "c" => Some((4, "c_v2.xlsx".to_string())),
            "d" => Some((8, "d_v1.xlsx".to_string())),
            _ => None,
        };
        assert_eq!(
            order(&copies, earlier, 100),
            vec![
                None,
                Some(Skip::Tied),
                Some(Skip::Tied),
                Some(Skip::Older {
                    taken: "c_v2.xlsx".into()
                }),
                None,
            ]
        );
    }

    #[test]
    fn a_future_time_orders_nothing_and_a_named_copy_always_wins() {
        let now = 1_600_000_000_000_000_000;
        let hour = 3_600_000_000_000;
        let c = |workbook, modified, forced| SavedCopy {
            workbook,
            modified,
            forced,
        };
        // A copy touched to 2031 is set aside; one after 2262 (i64::MAX) too.
        let got = order(
            &[c("a", now + 100 * hour, false), c("b", i64::MAX, false)],
            |_| None,
            now,
        );
        assert!(matches!(got[0], Some(Skip::Future { .. })));
        assert!(matches!(got[1], Some(Skip::Future { .. })));
        // A few minutes ahead (another PC's clock) is believed.
        assert_eq!(
            order(&[c("a", now + hour / 60, false)], |_| None, now),
            [None]
        );
        // An earlier copy taken with a future time does not block a genuine correction.
        let earlier = |_: &str| Some((now + 100 * hour, "2031.xlsx".to_string()));
        assert_eq!(order(&[c("a", now - hour, false)], earlier, now), [None]);
        // A named copy is taken even if older, and the other new copies of it are not.
        let earlier = |_: &str| Some((now, "v2.xlsx".to_string()));
        assert_eq!(
            order(
                &[c("a", now - hour, true), c("a", now - 2, false)],
                earlier,
                now
            ),
            [None, Some(Skip::NotPreferred)]
        );
    }
}
