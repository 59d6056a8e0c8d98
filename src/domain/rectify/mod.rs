//! Rectification tracking (整改跟踪), pure: after the notice, every unit named in the annex
//! reports how it rectified each listed account by a deadline; this module groups the annex
//! into responsible units, validates a unit's replies, counts them per unit, drafts the
//! follow-up paragraph, and decides why each previously unqualified account is re-checked
//! (回头看) next quarter. No I/O: the campaign store reads and writes the record
//! ([`RectifyRow`]), `workbook::rectify` the units' workbooks.

pub mod status;

pub use status::{draft_paragraph, status_table, unit_status, UnitStatus};

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// 整改结果: what a unit reports for one account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Outcome {
    /// 已整改: the problems are fixed; the account keeps running.
    #[serde(rename = "已整改")]
    Rectified,
    /// 已关停: the account was shut.
    #[serde(rename = "已关停")]
    Closed,
    /// 已注销: the account was deregistered.
    #[serde(rename = "已注销")]
    Deregistered,
    /// 整改中: work is still going on.
    #[serde(rename = "整改中")]
    InProgress,
}

impl Outcome {
    /// Every outcome, in the order the dropdown lists them.
    pub const ALL: [Outcome; 4] = [
        Outcome::Rectified,
        Outcome::Closed,
        Outcome::Deregistered,
        Outcome::InProgress,
    ];

    /// The label the workbook, the record and the tables use.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Rectified => "已整改",
            Outcome::Closed => "已关停",
            Outcome::Deregistered => "已注销",
            Outcome::InProgress => "整改中",
        }
    }

    /// The outcome a cell names: a label, spaces and full-width forms allowed.
    pub fn parse(text: &str) -> Option<Outcome> {
        let k = crate::domain::text::match_key(text);
        Outcome::ALL
            .into_iter()
            .find(|o| crate::domain::text::match_key(o.label()) == k)
    }

    /// Shut or deregistered: the account should be gone from the next registry.
    pub fn is_gone(self) -> bool {
        matches!(self, Outcome::Closed | Outcome::Deregistered)
    }

    /// Finished (anything but 整改中): a completion date is required.
    pub fn is_done(self) -> bool {
        self != Outcome::InProgress
    }

    /// The labels joined for messages: "已整改、已关停、已注销、整改中".
    pub fn labels() -> String {
        Outcome::ALL.map(Outcome::label).join("、")
    }
}

/// One row of the rectification record (`rectify/整改记录.csv`): an annex account, its
/// responsible unit and problems, and the unit's reply once collected (empty before).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RectifyRow {
    /// The responsible unit: the owner of a provincial account, else the prefecture
    /// ("南京市"), which reports for its own and its counties' accounts.
    #[serde(rename = "责任单位")]
    pub unit: String,
    /// 账号ID.
    #[serde(rename = "账号ID")]
    pub id: String,
    /// 名称.
    #[serde(rename = "名称")]
    pub name: String,
    /// 类型.
    #[serde(rename = "类型")]
    pub account_type: String,
    /// 开设主体.
    #[serde(rename = "开设主体")]
    pub owner: String,
    /// The annex's 存在问题 (the veto items hit).
    #[serde(rename = "存在问题")]
    pub problems: String,
    /// 整改措施 as reported.
    #[serde(rename = "整改措施")]
    pub measures: String,
    /// 整改结果; none until the unit reported on the account.
    #[serde(rename = "整改结果")]
    pub outcome: Option<Outcome>,
    /// 完成日期 (YYYY-MM-DD), or the planned date for 整改中; may be empty.
    #[serde(rename = "完成日期")]
    pub completed: String,
    /// 佐证材料 as reported (links, file names).
    #[serde(rename = "佐证材料")]
    pub evidence: String,
    /// The file name the reply came back under.
    #[serde(rename = "报送文件")]
    pub source: String,
    /// SHA-256 of that file: the version the reply was taken from.
    #[serde(rename = "文件SHA256")]
    pub source_sha256: String,
    /// When the reply was collected (RFC 3339).
    #[serde(rename = "收回时间")]
    pub collected_at: String,
    /// The day the returned copy was saved (YYYY-MM-DD), when known: a reply counts as reported,
    /// and as late, by this day, not by the day the office collected it. Empty in records made
    /// before it was kept (then the collection day stands in).
    #[serde(rename = "保存日期", default)]
    pub saved_on: String,
    /// 逾期报送: the copy was saved after the reporting deadline.
    #[serde(rename = "逾期报送", default, with = "yes_blank")]
    pub late: bool,
}

/// A flag written "是" or left blank, as the office reads a record.
mod yes_blank {
    use serde::{Deserialize, Deserializer, Serializer};

    /// true as "是", false as blank.
    pub fn serialize<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if *v { "是" } else { "" })
    }

    /// "是" as true, blank as false; anything else is refused.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        let text = String::deserialize(d)?;
        match text.trim() {
            "是" => Ok(true),
            "" | "否" => Ok(false),
            other => Err(serde::de::Error::custom(format!(
                "逾期报送应为“是”或空,不是“{other}”"
            ))),
        }
    }
}

/// What a unit reported for one account, as read from its workbook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// 整改措施.
    pub measures: String,
    /// 整改结果.
    pub outcome: Outcome,
    /// 完成日期, YYYY-MM-DD, or empty.
    pub completed: String,
    /// 佐证材料.
    pub evidence: String,
}

impl RectifyRow {
    /// Put a reply in place of whatever was reported before.
    pub fn apply(&mut self, reply: &Reply, source: &str, sha256: &str, at: &str) {
        self.measures = reply.measures.clone();
        self.outcome = Some(reply.outcome);
        self.completed = reply.completed.clone();
        self.evidence = reply.evidence.clone();
        self.source = source.to_string();
        self.source_sha256 = sha256.to_string();
        self.collected_at = at.to_string();
        self.saved_on.clear();
        self.late = false;
    }

    /// Record the day the copy was saved and whether that was after `deadline` (the deadline
    /// day itself is in time).
    pub fn mark_saved(&mut self, saved_on: chrono::NaiveDate, deadline: chrono::NaiveDate) {
        self.saved_on = saved_on.format(crate::domain::dates::ISO_DAY).to_string();
        self.late = status::past_deadline(deadline, saved_on);
    }

    /// The day the reply counts from: the day its copy was saved, else (older records) the day
    /// it was collected.
    pub fn reported_on(&self) -> Option<chrono::NaiveDate> {
        crate::domain::dates::parse_iso_day(&self.saved_on).or_else(|| {
            chrono::DateTime::parse_from_rfc3339(&self.collected_at)
                .ok()
                .map(|t| t.date_naive())
        })
    }
}

/// An annex account as the store and the report see it, before grouping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// The responsible unit's name.
    pub unit: String,
    /// Sort key of the unit: provincial departments first (0), then prefectures in the
    /// province's order.
    pub rank: usize,
    /// 账号ID.
    pub id: String,
    /// 名称.
    pub name: String,
    /// 类型.
    pub account_type: String,
    /// 开设主体.
    pub owner: String,
    /// 存在问题.
    pub problems: String,
}

/// The record's rows, grouped by responsible unit: provincial departments first (in the order
/// they first appear in the annex), then prefectures in the province's order; accounts keep
/// the annex's order within their unit.
pub fn group_by_unit(listed: &[Listed]) -> Vec<RectifyRow> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, l) in listed.iter().enumerate() {
        first.entry(l.unit.as_str()).or_insert(i);
    }
    let mut order: Vec<usize> = (0..listed.len()).collect();
    order.sort_by_key(|&i| (listed[i].rank, first[listed[i].unit.as_str()], i));
    order
        .into_iter()
        .map(|i| {
            let l = &listed[i];
            RectifyRow {
                unit: l.unit.clone(),
                id: l.id.clone(),
                name: l.name.clone(),
                account_type: l.account_type.clone(),
                owner: l.owner.clone(),
                problems: l.problems.clone(),
                ..RectifyRow::default()
            }
        })
        .collect()
}

/// The annex, as accounts with their responsible unit: a provincial account's owner, else
/// its prefecture (which reports for its own and its counties' accounts).
pub fn annex_listed(c: &crate::domain::report::figures::CampaignData) -> Vec<Listed> {
    crate::domain::report::figures::annex_accounts(c)
        .into_iter()
        .map(|(a, o)| Listed {
            unit: c.place_name(a),
            rank: c.place_rank(a).0,
            id: a.id.clone(),
            name: a.name.clone(),
            account_type: crate::domain::report::figures::annex_type(a),
            owner: a.owner.to_string(),
            problems: crate::domain::report::figures::veto_names(&c.catalog, &o.verdict),
        })
        .collect()
}

/// Replies already collected stay with their accounts when the workbooks are regenerated.
pub fn carry_replies(rows: &mut [RectifyRow], old: &[RectifyRow]) {
    for r in rows.iter_mut() {
        if let Some(o) = old.iter().find(|o| o.id == r.id && o.outcome.is_some()) {
            let unit = std::mem::take(&mut r.unit);
            *r = RectifyRow { unit, ..o.clone() };
        }
    }
}

/// The units of a record in record order, each with its rows.
pub fn units(rows: &[RectifyRow]) -> Vec<(&str, Vec<&RectifyRow>)> {
    let mut out: Vec<(&str, Vec<&RectifyRow>)> = Vec::new();
    for r in rows {
        match out.iter_mut().find(|(u, _)| *u == r.unit) {
            Some((_, list)) => list.push(r),
            None => out.push((&r.unit, vec![r])),
        }
    }
    out
}

/// Why a previously unqualified account is re-checked (回头看), from the rectification record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecheckReason {
    /// 已报整改: the unit reported it rectified; the re-check confirms it.
    ReportedRectified,
    /// 报已关停但仍在运行: reported shut or deregistered, yet active in the new registry.
    ClosedButActive,
    /// 整改中: the unit reported work still going on.
    InProgress,
    /// 未报送整改情况: listed for rectification, but the unit never reported on it.
    NotReported,
    /// 未列入整改名单: unqualified without a single-veto item (below the pass mark), so not in
    /// the annex the units reported on.
    NotListed,
}

impl RecheckReason {
    /// Every reason, for parsing a label back.
    pub const ALL: [RecheckReason; 5] = [
        RecheckReason::ReportedRectified,
        RecheckReason::ClosedButActive,
        RecheckReason::InProgress,
        RecheckReason::NotReported,
        RecheckReason::NotListed,
    ];

    /// The label the design's re-check list and the terminal show.
    pub fn label(self) -> &'static str {
        match self {
            RecheckReason::ReportedRectified => "已报整改",
            RecheckReason::ClosedButActive => "报已关停但仍在运行",
            RecheckReason::InProgress => "整改中",
            RecheckReason::NotReported => "未报送整改情况",
            RecheckReason::NotListed => "未列入整改名单",
        }
    }

    /// The reason a label names.
    pub fn from_label(label: &str) -> Option<RecheckReason> {
        RecheckReason::ALL.into_iter().find(|r| r.label() == label)
    }
}

/// The re-check list an earlier campaign's rectification record gives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecheckPlan {
    /// Accounts to re-check, in the order of the unqualified list, each with its reason.
    pub rechecks: Vec<(String, RecheckReason)>,
    /// Accounts reported shut or deregistered that are no longer active in the new registry:
    /// confirmed, not re-checked.
    pub confirmed_gone: Vec<String>,
}

/// Decide, for each of the earlier campaign's unqualified accounts, whether and why it is
/// re-checked: reported 已关停/已注销 and no longer active → confirmed, dropped; still active →
/// re-checked and flagged; 已整改, 整改中 and unreported ones → re-checked with that reason.
pub fn recheck_plan(
    unqualified: &[String],
    record: &[RectifyRow],
    active: &dyn Fn(&str) -> bool,
) -> RecheckPlan {
    let by_id: HashMap<&str, &RectifyRow> = record.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut plan = RecheckPlan::default();
    let mut seen = HashSet::new();
    for id in unqualified {
        if !seen.insert(id.as_str()) {
            continue;
        }
        let reason = match by_id.get(id.as_str()).map(|r| r.outcome) {
            None => RecheckReason::NotListed,
            Some(None) => RecheckReason::NotReported,
            Some(Some(Outcome::Rectified)) => RecheckReason::ReportedRectified,
            Some(Some(Outcome::InProgress)) => RecheckReason::InProgress,
            Some(Some(_gone)) if active(id) => RecheckReason::ClosedButActive,
            Some(Some(_gone)) => {
                plan.confirmed_gone.push(id.clone());
                continue;
            }
        };
        plan.rechecks.push((id.clone(), reason));
    }
    plan
}

/// The re-check list's rows with their reason (回头看原因), for design/recheck_ids.csv.
pub fn reason_rows(plan: &RecheckPlan) -> Vec<Vec<String>> {
    plan.rechecks
        .iter()
        .map(|(id, r)| vec![id.clone(), r.label().to_string()])
        .collect()
}

impl RecheckPlan {
    /// What the plan decided, for the user: counts by reason, the accounts reported shut but
    /// still running (named: they go into the next notice), and those confirmed gone.
    pub fn summary(&self, reg: &crate::domain::registry::Registry) -> Vec<String> {
        let counts: Vec<String> = RecheckReason::ALL
            .iter()
            .map(|r| (r, self.rechecks.iter().filter(|(_, x)| x == r).count()))
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| format!("{} {n} 个", r.label()))
            .collect();
        let counts = if counts.is_empty() {
            "无".to_string()
        } else {
            counts.join(",")
        };
        let mut lines = vec![format!(
            "回头看(按上期整改记录): {} 个 — {counts}",
            self.rechecks.len()
        )];
        let by_id = reg.by_id();
        let closed = RecheckReason::ClosedButActive;
        for (id, _) in self.rechecks.iter().filter(|(_, r)| *r == closed) {
            let name = by_id.get(id.as_str()).map_or("", |a| a.name.as_str());
            lines.push(format!(
                "  {}: {id} {name} 在本期台账中仍为正常状态",
                closed.label()
            ));
        }
        if !self.confirmed_gone.is_empty() {
            lines.push(format!(
                "报已关停/注销、本期台账中确已不在运行的 {} 个账号不再回头看",
                self.confirmed_gone.len()
            ));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(unit: &str, rank: usize, id: &str) -> Listed {
        Listed {
            unit: unit.into(),
            rank,
            id: id.into(),
            name: format!("账号{id}"),
            account_type: "微信".into(),
            owner: unit.into(),
            problems: "内容不更新".into(),
        }
    }

    #[test]
    fn outcomes_parse_from_their_labels_only() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.label()), Some(o));
        }
        assert_eq!(Outcome::parse(" 已关停 "), Some(Outcome::Closed));
        assert_eq!(Outcome::parse("已完成"), None);
        assert_eq!(Outcome::parse(""), None);
        assert!(Outcome::Closed.is_gone() && Outcome::Deregistered.is_gone());
        assert!(!Outcome::InProgress.is_done() && Outcome::Rectified.is_done());
    }

    #[test]
    fn units_put_provincial_departments_first_then_cities_in_order() {
        let rows = group_by_unit(&[
            listed("苏州市", 5, "S1"),
            listed("省教育厅", 0, "P1"),
            listed("南京市", 1, "N1"),
            listed("省公安厅", 0, "P2"),
            listed("苏州市", 5, "S2"),
            listed("省教育厅", 0, "P3"),
        ]);
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["P1", "P3", "P2", "N1", "S1", "S2"]);
        let u: Vec<(&str, usize)> = units(&rows).iter().map(|(u, l)| (*u, l.len())).collect();
        assert_eq!(
            u,
            [
                ("省教育厅", 2),
                ("省公安厅", 1),
                ("南京市", 1),
                ("苏州市", 2)
            ]
        );
    }

    #[test]
    fn recheck_reasons_follow_the_record() {
        let mut record = group_by_unit(&[
            listed("南京市", 1, "A"),
            listed("南京市", 1, "B"),
            listed("南京市", 1, "C"),
            listed("南京市", 1, "D"),
            listed("南京市", 1, "E"),
        ]);
        let reply = |o| Reply {
            measures: "已处理".into(),
            outcome: o,
            completed: "2020-04-08".into(),
            evidence: String::new(),
        };
        record[0].apply(&reply(Outcome::Rectified), "f.xlsx", "s", "t");
        record[1].apply(&reply(Outcome::Closed), "f.xlsx", "s", "t");
        record[2].apply(&reply(Outcome::Deregistered), "f.xlsx", "s", "t");
        record[3].apply(&reply(Outcome::InProgress), "f.xlsx", "s", "t");
        let unqualified: Vec<String> = ["A", "B", "C", "D", "E", "F", "A"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let active = |id: &str| id != "C";
        let plan = recheck_plan(&unqualified, &record, &active);
        use RecheckReason::*;
        let got: Vec<(&str, RecheckReason)> = plan
            .rechecks
            .iter()
            .map(|(i, r)| (i.as_str(), *r))
            .collect();
        assert_eq!(
            got,
            [
                ("A", ReportedRectified),
                ("B", ClosedButActive),
                ("D", InProgress),
                ("E", NotReported),
                ("F", NotListed),
            ]
        );
        assert_eq!(plan.confirmed_gone, ["C"]);
        for r in RecheckReason::ALL {
            assert_eq!(RecheckReason::from_label(r.label()), Some(r));
        }
    }
}
