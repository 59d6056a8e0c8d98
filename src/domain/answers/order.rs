//! Which returned copies of a workbook to take, by when they were saved: of several new copies
//! of one workbook the one saved last wins; a copy saved no later than the copy already taken is
//! not applied over it; copies of one workbook saved at the same moment cannot be ordered, so
//! none of them is taken. Used for inspector and rectification workbooks alike.

use std::collections::HashMap;

/// A new copy: the workbook it is a copy of, and when it was saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SavedCopy<'a> {
    /// The workbook's signed id.
    pub workbook: &'a str,
    /// Nanoseconds since 1970 (0 when the file system does not say).
    pub modified: i64,
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
}

/// For each copy, `None` to take it or why not. `earlier(workbook)` gives the save time and file
/// name of the copy of that workbook taken before, when its time is known.
pub fn order(
    copies: &[SavedCopy<'_>],
    earlier: impl Fn(&str) -> Option<(i64, String)>,
) -> Vec<Option<Skip>> {
    let mut times: HashMap<&str, Vec<i64>> = HashMap::new();
    for c in copies {
        times.entry(c.workbook).or_default().push(c.modified);
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
            if tied(c.workbook) {
                return Some(Skip::Tied);
            }
            match earlier(c.workbook) {
                Some((m, taken)) if c.modified <= m => Some(Skip::Older { taken }),
                _ => None,
            }
        })
        .collect()
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
                "比已收回的同一{what} {taken} 保存得更早,未采用;如确要以这份为准,请重新保存后{send}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_saved_wins_ties_and_older_copies_are_skipped() {
        let c = |workbook, modified| SavedCopy { workbook, modified };
        let copies = [c("a", 5), c("b", 7), c("b", 7), c("c", 3), c("d", 9)];
        let earlier = |w: &str| match w {
            "c" => Some((4, "c_v2.xlsx".to_string())),
            "d" => Some((8, "d_v1.xlsx".to_string())),
            _ => None,
        };
        assert_eq!(
            order(&copies, earlier),
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
}
