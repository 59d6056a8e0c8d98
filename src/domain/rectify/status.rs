//! Counting the replies per responsible unit, the tables of 整改情况.xlsx, and the drafted
//! paragraph for the follow-up notice.

use super::{units, Outcome, RectifyRow};
use crate::domain::dates::{chinese_date, chinese_month_day};
use crate::domain::report::table::{Cell, Table};
use chrono::{Datelike, NaiveDate};

/// One responsible unit's replies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitStatus {
    /// The unit.
    pub unit: String,
    /// Accounts it must rectify (应整改).
    pub listed: u64,
    /// Accounts it reported on (已报送).
    pub reported: u64,
    /// Reported 已整改.
    pub rectified: u64,
    /// Reported 已关停 or 已注销.
    pub gone: u64,
    /// Reported 整改中.
    pub in_progress: u64,
    /// Of the reported, saved after the deadline (逾期报送).
    pub late: u64,
    /// Accounts not reported on (未报送).
    pub unreported: u64,
    /// Of those, overdue (逾期未报): the unreported ones once the deadline has passed.
    pub overdue: u64,
}

impl UnitStatus {
    fn add(&mut self, o: &UnitStatus) {
        self.listed += o.listed;
        self.reported += o.reported;
        self.rectified += o.rectified;
        self.gone += o.gone;
        self.in_progress += o.in_progress;
        self.late += o.late;
        self.unreported += o.unreported;
        self.overdue += o.overdue;
    }
}

/// The rectification record as it stood on a day (see [`as_of_view`]).
#[derive(Clone, Debug, Default)]
pub struct AsOfView {
    /// Every row; replies saved after the day are blanked (not yet reported).
    pub rows: Vec<RectifyRow>,
    /// Replies stamped after today, counted as reported, one line each naming the account.
    pub ahead: Vec<String>,
    /// How many replies were saved after the day and so are not counted.
    pub later: usize,
}

/// The record as it stood on `as_of`: a reply saved after that day counts as not yet reported,
/// so a status for an earlier date does not count replies that came later. The same day (the
/// save day, see [`RectifyRow::reported_on`]) decides whether a reply was late. A reply whose
/// day is after `today` was collected on a computer whose clock ran ahead: it cannot have come
/// later than now, so it counts as reported, and its account is returned to be named.
pub fn as_of_view(mut rows: Vec<RectifyRow>, as_of: NaiveDate, today: NaiveDate) -> AsOfView {
    let mut ahead = Vec::new();
    let mut later = 0;
    for r in &mut rows {
        match r.reported_on() {
            Some(d) if d > today => ahead.push(format!(
                "账号 {} 的整改情况报送日期 {d} 晚于今天(收回时电脑时钟可能不准),按已报送计",
                r.id
            )),
            Some(d) if d > as_of => {
                r.outcome = None;
                r.late = false;
                later += 1;
            }
            _ => {}
        }
    }
    AsOfView { rows, ahead, later }
}

/// How a reply's lateness was judged: by when the unit saved it, or — when that time is
/// unknown or cannot be believed (after it was collected) — by when it was collected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lateness {
    /// Saved and collected by the deadline.
    OnTime,
    /// Saved after the deadline.
    LateBySave(NaiveDate),
    /// Save time unknown or not believable; collected after the deadline.
    LateByCollection(NaiveDate),
    /// Saved by the deadline but collected after it: on time by the save time, which a file's
    /// time can be set to, so it is said.
    SavedInTimeCollectedLate {
        /// The save day.
        saved: NaiveDate,
        /// The collection day.
        collected: NaiveDate,
    },
    /// Save time unknown or not believable; collected by the deadline.
    OnTimeByCollection,
}

/// Judge a reply's lateness from its save day (when known) and its collection day.
pub fn lateness(saved: Option<NaiveDate>, collected: NaiveDate, deadline: NaiveDate) -> Lateness {
    match saved.filter(|s| *s <= collected) {
        Some(s) if s > deadline => Lateness::LateBySave(s),
        Some(s) if collected > deadline => Lateness::SavedInTimeCollectedLate {
            saved: s,
            collected,
        },
        Some(_) => Lateness::OnTime,
        None if collected > deadline => Lateness::LateByCollection(collected),
        None => Lateness::OnTimeByCollection,
    }
}

impl Lateness {
    /// The note after a taken copy's line ("" when on time by its save time).
    pub fn note(&self, deadline: NaiveDate) -> String {
        match self {
            Lateness::OnTime => String::new(),
            Lateness::LateBySave(d) => {
                format!("(保存于 {d},晚于报送截止日期 {deadline},为逾期报送;按文件保存时间判断)")
            }
            Lateness::LateByCollection(d) => format!(
                "(收回于 {d},晚于报送截止日期 {deadline},为逾期报送;文件保存时间未知或晚于收回时间、不可信,按收回时间判断)"
            ),
            Lateness::SavedInTimeCollectedLate { saved, collected } => format!(
                "(保存于 {saved},在报送截止日期 {deadline} 前;收回于 {collected},晚于截止日期。按文件保存时间判断为按时报送;文件时间可被改动,如有疑问请核对来件时间)"
            ),
            Lateness::OnTimeByCollection => {
                "(文件保存时间未知或不可信,按收回时间判断为按时报送)".to_string()
            }
        }
    }
}

/// Whether `as_of` is after the deadline (the deadline day itself is still in time).
pub fn past_deadline(deadline: NaiveDate, as_of: NaiveDate) -> bool {
    as_of > deadline
}

/// Per unit, in record order: what it must rectify and what it reported by `as_of`.
pub fn unit_status(rows: &[RectifyRow], deadline: NaiveDate, as_of: NaiveDate) -> Vec<UnitStatus> {
    let late = past_deadline(deadline, as_of);
    units(rows)
        .into_iter()
        .map(|(unit, list)| {
            let mut s = UnitStatus {
                unit: unit.to_string(),
                listed: list.len() as u64,
                ..UnitStatus::default()
            };
            for r in list {
                match r.outcome {
                    None => s.unreported += 1,
                    Some(o) => {
                        s.reported += 1;
                        s.late += u64::from(r.late);
                        match o {
                            Outcome::Rectified => s.rectified += 1,
                            Outcome::Closed | Outcome::Deregistered => s.gone += 1,
                            Outcome::InProgress => s.in_progress += 1,
                        }
                    }
                }
            }
            if late {
                s.overdue = s.unreported;
            }
            s
        })
        .collect()
}

/// The sum over every unit.
pub fn total(statuses: &[UnitStatus]) -> UnitStatus {
    let mut t = UnitStatus {
        unit: "合计".into(),
        ..UnitStatus::default()
    };
    for s in statuses {
        t.add(s);
    }
    t
}

/// The per-unit table (整改情况), with a 合计 row.
pub fn status_table(statuses: &[UnitStatus]) -> Table {
    let mut t = Table::new(
        "整改情况",
        "各责任单位整改情况",
        &[
            "序号",
            "责任单位",
            "应整改",
            "已报送",
            "其中逾期报送",
            "已整改",
            "已关停/注销",
            "整改中",
            "未报送",
            "逾期未报",
        ],
    );
    let int = |n: u64| Cell::Int(n as i64);
    let row = |seq: Cell, s: &UnitStatus| {
        vec![
            seq,
            Cell::text(s.unit.clone()),
            int(s.listed),
            int(s.reported),
            int(s.late),
            int(s.rectified),
            int(s.gone),
            int(s.in_progress),
            int(s.unreported),
            int(s.overdue),
        ]
    };
    for (i, s) in statuses.iter().enumerate() {
        t.rows.push(row(Cell::Int(i as i64 + 1), s));
    }
    t.rows.push(row(Cell::Empty, &total(statuses)));
    t
}

/// Whether a row was reported (and whether late), and if not whether it is overdue: 已报送 /
/// 逾期报送 / 未报送 / 逾期未报.
pub fn reply_state(r: &RectifyRow, late: bool) -> &'static str {
    match (r.outcome.is_some(), late) {
        (true, _) if r.late => "逾期报送",
        (true, _) => "已报送",
        (false, false) => "未报送",
        (false, true) => "逾期未报",
    }
}

/// The per-account table (整改明细), in record order.
pub fn detail_table(rows: &[RectifyRow], deadline: NaiveDate, as_of: NaiveDate) -> Table {
    let mut t = Table::new(
        "整改明细",
        "整改明细",
        &[
            "序号",
            "责任单位",
            "账号ID",
            "名称",
            "类型",
            "开设主体",
            "存在问题",
            "报送情况",
            "整改结果",
            "整改措施",
            "完成日期",
            "佐证材料",
            "保存日期",
        ],
    );
    let late = past_deadline(deadline, as_of);
    for (i, r) in rows.iter().enumerate() {
        t.rows.push(vec![
            Cell::Int(i as i64 + 1),
            Cell::text(r.unit.clone()),
            Cell::text(r.id.clone()),
            Cell::text(r.name.clone()),
            Cell::text(r.account_type.clone()),
            Cell::text(r.owner.clone()),
            Cell::text(r.problems.clone()),
            Cell::text(reply_state(r, late)),
            Cell::text(r.outcome.map(Outcome::label).unwrap_or("")),
            Cell::text(r.measures.clone()),
            Cell::text(r.completed.clone()),
            Cell::text(r.evidence.clone()),
            Cell::text(r.saved_on.clone()),
        ]);
    }
    t
}

/// Last quarter's round as this quarter's notice reports it: `rows` the previous campaign's
/// record, `statuses` its per-unit counts, `active` whether an account still runs in this
/// quarter's registry (reported 已关停/已注销 but active: the rule `sample --recheck` flags).
pub fn follow_up(
    quarter: String,
    rows: &[RectifyRow],
    statuses: &[UnitStatus],
    active: &dyn Fn(&str) -> bool,
) -> crate::domain::report::follow_up::FollowUp {
    let closed_but_active = rows
        .iter()
        .filter(|r| r.outcome.is_some_and(|o| o.is_gone()) && active(&r.id))
        .map(|r| (r.unit.clone(), r.name.clone()))
        .collect();
    let pick = |f: fn(&UnitStatus) -> u64| {
        statuses
            .iter()
            .filter(|u| f(u) > 0)
            .map(|u| (u.unit.clone(), f(u)))
            .collect::<Vec<_>>()
    };
    crate::domain::report::follow_up::FollowUp {
        quarter,
        listed: statuses.iter().map(|u| u.listed).sum(),
        reported: statuses.iter().map(|u| u.reported).sum(),
        closed_but_active,
        late_units: pick(|u| u.late),
        unreported_units: pick(|u| u.unreported),
    }
}

/// "4月10日" when in the year of `as_of`, else with the year.
fn short_date(d: NaiveDate, as_of: NaiveDate) -> String {
    if d.year() == as_of.year() {
        chinese_month_day(d)
    } else {
        chinese_date(d)
    }
}

/// The paragraph for the follow-up notice, in the notice's full-width punctuation: "截至…，
/// 应整改政务新媒体N个，已报送M个……逾期未报送整改情况的单位：……".
pub fn draft_paragraph(statuses: &[UnitStatus], deadline: NaiveDate, as_of: NaiveDate) -> String {
    let t = total(statuses);
    let mut s = format!(
        "截至{}，{}个责任单位应整改政务新媒体{}个，已报送整改情况{}个",
        chinese_date(as_of),
        statuses.len(),
        t.listed,
        t.reported
    );
    if t.reported > 0 {
        s.push_str(&format!(
            "（已整改{}个，已关停或注销{}个，整改中{}个）",
            t.rectified, t.gone, t.in_progress
        ));
    }
    s.push_str(&format!("，未报送{}个。", t.unreported));
    let missing: Vec<&UnitStatus> = statuses.iter().filter(|u| u.unreported > 0).collect();
    let names = |list: &[&UnitStatus]| {
        list.iter()
            .map(|u| format!("{}（{}个）", u.unit, u.unreported))
            .collect::<Vec<_>>()
            .join("、")
    };
    let late: Vec<String> = statuses
        .iter()
        .filter(|u| u.late > 0)
        .map(|u| format!("{}（{}个）", u.unit, u.late))
        .collect();
    if !late.is_empty() {
        s.push_str(&format!("逾期报送整改情况的单位：{}。", late.join("、")));
    }
    if missing.is_empty() {
        s.push_str("各责任单位均已报送整改情况。");
    } else if past_deadline(deadline, as_of) {
        s.push_str(&format!(
            "逾期未报送整改情况的单位：{}，请于【 月 日】前补报。",
            names(&missing)
        ));
    } else {
        s.push_str(&format!(
            "报送截止日期为{}，尚未报送的单位：{}。",
            short_date(deadline, as_of),
            names(&missing)
        ));
    }
    if t.in_progress > 0 || t.gone > 0 {
        s.push_str(
            "下季度检查抽查将对整改中的账号回头看，并核实报已关停、注销的账号是否确已停止运行。",
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::{group_by_unit, Listed, Reply};
    use super::*;

    #[test]
    fn a_reply_saved_after_the_as_of_day_is_not_yet_reported_and_lateness_uses_the_same_day() {
        let deadline = NaiveDate::from_ymd_opt(2020, 4, 10).unwrap();
        let mut rows = vec![RectifyRow::default(), RectifyRow::default()];
        for (r, saved) in rows.iter_mut().zip([9, 11]) {
            r.outcome = Some(super::super::Outcome::Rectified);
            // Both collected on the 20th; what counts is the day each was saved.
            r.collected_at = "2020-04-20T10:00:00+08:00".into();
            r.mark_saved(NaiveDate::from_ymd_opt(2020, 4, saved).unwrap(), deadline);
        }
        assert!(!rows[0].late && rows[1].late);
        let today = NaiveDate::from_ymd_opt(2020, 4, 30).unwrap();
        let on = |day| {
            as_of_view(
                rows.clone(),
                NaiveDate::from_ymd_opt(2020, 4, day).unwrap(),
                today,
            )
            .rows
        };
        let seen = |v: Vec<RectifyRow>| v.iter().map(|r| r.outcome.is_some()).collect::<Vec<_>>();
        assert_eq!(seen(on(10)), [true, false]);
        assert_eq!(seen(on(11)), [true, true]);
        let s = unit_status(
            &on(12),
            deadline,
            NaiveDate::from_ymd_opt(2020, 4, 12).unwrap(),
        );
        assert_eq!((s[0].reported, s[0].late, s[0].overdue), (2, 1, 0));
        let s = unit_status(
            &on(10),
            deadline,
            NaiveDate::from_ymd_opt(2020, 4, 10).unwrap(),
        );
        assert_eq!((s[0].reported, s[0].late), (1, 0));
        assert_eq!(reply_state(&on(12)[1], true), "逾期报送");
    }

    #[test]
    fn a_reply_collected_after_the_as_of_day_is_not_yet_reported() {
        let row = |at: &str| RectifyRow {
            id: at.into(),
            outcome: Some(super::super::Outcome::Rectified),
            collected_at: at.into(),
            ..RectifyRow::default()
        };
        let rows = vec![
            row("2020-04-08T10:00:00+08:00"),
            row("2020-04-12T09:00:00+08:00"),
        ];
        let day = NaiveDate::from_ymd_opt(2020, 4, 10).unwrap();
        let today = NaiveDate::from_ymd_opt(2020, 4, 20).unwrap();
        let view = as_of_view(rows.clone(), day, today);
        let seen: Vec<bool> = view.rows.iter().map(|r| r.outcome.is_some()).collect();
        assert_eq!(seen, vec![true, false]);
        assert!(view.ahead.is_empty());
        assert_eq!(view.later, 1);
        // Issue #22, case 6: collected with a clock running ahead (stamped after today): it
        // came no later than now, so it counts as reported, and is named.
        let view = as_of_view(rows, day, day);
        let seen: Vec<bool> = view.rows.iter().map(|r| r.outcome.is_some()).collect();
        assert_eq!(seen, vec![true, true]);
        assert_eq!(view.later, 0);
        let ahead = view.ahead;
        assert_eq!(ahead.len(), 1);
        assert!(ahead[0].contains("晚于今天(收回时电脑时钟可能不准),按已报送计"));
    }

    #[test]
    fn lateness_says_which_time_decided() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let deadline = d("2020-04-10");
        assert_eq!(
            lateness(Some(d("2020-04-12")), d("2020-04-13"), deadline),
            Lateness::LateBySave(d("2020-04-12"))
        );
        // A save time touched back, collected late: on time by the save time, and said.
        let late = lateness(Some(d("2020-04-01")), d("2020-04-20"), deadline);
        assert!(late
            .note(deadline)
            .contains("收回于 2020-04-20,晚于截止日期"));
        // A save time after collection cannot be: the collection time decides.
        assert_eq!(
            lateness(Some(d("2030-01-01")), d("2020-04-20"), deadline),
            Lateness::LateByCollection(d("2020-04-20"))
        );
        assert_eq!(
            lateness(None, d("2020-04-09"), deadline),
            Lateness::OnTimeByCollection
        );
        assert_eq!(
            lateness(Some(d("2020-04-09")), d("2020-04-09"), deadline),
            Lateness::OnTime
        );
    }

    fn record() -> Vec<RectifyRow> {
        let l = |unit: &str, rank, id: &str| Listed {
            unit: unit.into(),
            rank,
            id: id.into(),
            name: id.into(),
            account_type: "微信".into(),
            owner: unit.into(),
            problems: "内容不更新".into(),
        };
        let mut rows = group_by_unit(&[
            l("省教育厅", 0, "P1"),
            l("南京市", 1, "N1"),
            l("南京市", 1, "N2"),
            l("苏州市", 5, "S1"),
        ]);
        let reply = |o| Reply {
            measures: "已恢复更新".into(),
            outcome: o,
            completed: "2020-04-08".into(),
            evidence: String::new(),
        };
        rows[0].apply(&reply(Outcome::Rectified), "a.xlsx", "s", "t");
        rows[1].apply(&reply(Outcome::Closed), "b.xlsx", "s", "t");
        rows[2].apply(&reply(Outcome::InProgress), "b.xlsx", "s", "t");
        rows
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn counts_per_unit_and_overdue_only_after_the_deadline() {
        let rows = record();
        let before = unit_status(&rows, d("2020-04-10"), d("2020-04-10"));
        assert_eq!(before.len(), 3);
        assert_eq!(
            (before[1].listed, before[1].reported, before[1].gone),
            (2, 2, 1)
        );
        assert_eq!((before[2].unreported, before[2].overdue), (1, 0));
        let after = unit_status(&rows, d("2020-04-10"), d("2020-04-11"));
        assert_eq!(after[2].overdue, 1);
        let t = status_table(&after);
        assert_eq!(t.rows.len(), 4);
        assert_eq!(t.rows[3][1], Cell::text("合计"));
        assert_eq!(t.rows[3][2], Cell::Int(4));
        assert_eq!(t.rows[3][9], Cell::Int(1));
        let detail = detail_table(&rows, d("2020-04-10"), d("2020-04-11"));
        assert_eq!(detail.rows[3][7], Cell::text("逾期未报"));
    }

    #[test]
    fn the_paragraph_names_the_late_units() {
        let rows = record();
        let late = unit_status(&rows, d("2020-04-10"), d("2020-04-12"));
        let p = draft_paragraph(&late, d("2020-04-10"), d("2020-04-12"));
        assert!(p.starts_with("截至2020年4月12日，3个责任单位应整改政务新媒体4个，已报送整改情况3个（已整改1个，已关停或注销1个，整改中1个），未报送1个。"), "{p}");
        assert!(p.contains("逾期未报送整改情况的单位：苏州市（1个）"), "{p}");
        let early = unit_status(&rows, d("2020-04-10"), d("2020-04-01"));
        let p = draft_paragraph(&early, d("2020-04-10"), d("2020-04-01"));
        assert!(
            p.contains("报送截止日期为4月10日，尚未报送的单位：苏州市（1个）。"),
            "{p}"
        );
        assert!(!p.contains('!') && !p.contains(','), "full-width only: {p}");
    }
}
