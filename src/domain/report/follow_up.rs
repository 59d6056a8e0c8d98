//! The previous quarter's rectification round (整改跟踪) as this quarter's notice reports it:
//! accounts reported 已关停/已注销 that are still running, and units that reported late or not
//! at all. Computed by [`crate::domain::rectify::status::follow_up`] from the previous campaign's
//! rectification record and this quarter's registry, with the rule `sample --recheck` uses.

use super::table::{Cell, Table};

/// What the notice says about last quarter's rectification round.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FollowUp {
    /// The previous quarter in words, "2019年第四季度".
    pub quarter: String,
    /// Accounts that were to be rectified.
    pub listed: u64,
    /// Accounts reported on.
    pub reported: u64,
    /// Accounts reported 已关停/已注销 that are still active (正常) in this quarter's registry:
    /// (responsible unit, account name).
    pub closed_but_active: Vec<(String, String)>,
    /// Units that reported after the deadline (逾期报送), with how many accounts.
    pub late_units: Vec<(String, u64)>,
    /// Units that never reported on some accounts (未报送), with how many.
    pub unreported_units: Vec<(String, u64)>,
}

impl FollowUp {
    /// Whether there is anything for the notice to say.
    pub fn has_findings(&self) -> bool {
        !(self.closed_but_active.is_empty()
            && self.late_units.is_empty()
            && self.unreported_units.is_empty())
    }

    /// 上期整改: one row per finding (accounts, units), beside the draft's paragraph.
    pub fn table(&self) -> Table {
        let mut t = Table::new(
            "上期整改",
            &format!("{}通报问题整改落实情况", self.quarter),
            &["项目", "账号数", "涉及单位"],
        );
        let units = |list: &[(String, u64)]| {
            list.iter()
                .map(|(u, n)| format!("{u}({n}个)"))
                .collect::<Vec<_>>()
                .join("、")
        };
        let sum = |list: &[(String, u64)]| list.iter().map(|(_, n)| *n).sum::<u64>();
        let mut cba: Vec<&str> = self
            .closed_but_active
            .iter()
            .map(|(u, _)| u.as_str())
            .collect();
        cba.dedup();
        let rows: [(&str, u64, String); 5] = [
            ("应整改", self.listed, String::new()),
            ("已报送整改情况", self.reported, String::new()),
            (
                "其中逾期报送",
                sum(&self.late_units),
                units(&self.late_units),
            ),
            (
                "未报送整改情况",
                sum(&self.unreported_units),
                units(&self.unreported_units),
            ),
            (
                "报已关停、注销但仍在运行",
                self.closed_but_active.len() as u64,
                cba.join("、"),
            ),
        ];
        for (item, n, who) in rows {
            t.rows
                .push(vec![Cell::text(item), Cell::Int(n as i64), Cell::text(who)]);
        }
        t.notes.push("报已关停、注销但仍在运行:整改结果报为已关停或已注销,本季度备案台账中仍为正常状态;逾期报送按整改反馈表的保存日期判断。".into());
        t
    }
}
