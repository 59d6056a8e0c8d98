//! The figures provincial notices print beside the pass rates (issue #20, item 9): the check
//! rate (检查率 = accounts checked ÷ accounts in operation), the rate of each part of the design
//! (accounts taken in full, re-checks, the random sample), the rates by owner kind (政府/部门),
//! and which prefectures (a city's districts, a county's towns: the groups below the scope)
//! reached 100%. Each is a typed table for the writers and a sentence for the draft.

use super::figures::{owner_rows, CampaignData, Tally, RATE_HEADERS};
use super::table::{Cell, Table};
use crate::domain::registry::{Account, Field, GroupColumn};
use crate::domain::sampling::{Reason, TakeAll};
use crate::domain::vocab::OwnerKind;

/// Prefectures at 100% are named in the draft when there are at most this many; more are
/// counted ("18个市(州)合格率为100%").
pub const NAME_AT_MOST: usize = 5;

/// 检查率: per owner group (the scope's own departments, each group below it, those together —
/// see [`owner_rows`]) and for the whole scope, the accounts in operation (状态正常) in the registry, those sampled,
/// those checked, and checked ÷ in operation.
pub fn check_rate(c: &CampaignData) -> Table {
    let mut t = Table::new(
        "检查率",
        "检查率:已检查账号占台账中状态正常账号的比例",
        &["开设主体", "状态正常账号", "样本", "已检查", "检查率"],
    );
    let rows = owner_rows(c);
    // One pass over each list: every account placed once, added to each row taking its group.
    let mut counts = vec![[0u64; 3]; rows.len()];
    let mut add = |a: &Account, k: usize| {
        let g = c.groups.of(a);
        for (row, n) in rows.iter().zip(counts.iter_mut()) {
            n[k] += u64::from((row.which)(g));
        }
    };
    c.registry.active().for_each(|a| add(a, 0));
    c.sample.iter().for_each(|a| add(a, 1));
    c.checked().for_each(|(a, _)| add(a, 2));
    for (row, [active, sampled, checked]) in rows.into_iter().zip(counts) {
        t.rows.push(vec![
            Cell::Text(row.label),
            Cell::Int(active as i64),
            Cell::Int(sampled as i64),
            Cell::Int(checked as i64),
            rate_or_dash(checked, active),
        ]);
    }
    t.notes.push(
        "检查率 = 已检查账号数 ÷ 台账中状态正常的账号数(停更、关停、注销的账号不在抽样框内)。"
            .into(),
    );
    t
}

fn rate_or_dash(num: u64, den: u64) -> Cell {
    if den == 0 {
        Cell::text("—")
    } else {
        Cell::Rate { num, den }
    }
}

/// The draft's check-rate sentence: "共检查政务新媒体219个,检查率为3.6%(全省状态正常的政务新媒体
/// 6030个)。"; none before anything was checked, nor for a census (全覆盖检查 says it all).
pub fn check_rate_sentence(c: &CampaignData) -> Option<String> {
    if c.is_census() {
        return None;
    }
    let checked = c.tally(|_| true).checked;
    let active = c.registry.active().count() as u64;
    (checked > 0 && active > 0).then(|| {
        format!(
            "共检查政务新媒体{checked}个,检查率为{}({}状态正常的政务新媒体{active}个)。",
            c.profile.rates.percent(checked, active),
            c.words().whole
        )
    })
}

/// One part of the sample design: the accounts a `--take-all` rule took in full, the re-checks
/// (回头看), or the random sample.
pub struct Part {
    /// How the table names it: "全覆盖(主体类别=政府)", "回头看", "随机抽查".
    pub label: String,
    /// How the draft names its accounts: "代表主体为政府的政务新媒体".
    pub words: String,
    /// Accounts of the frame this part draws from (all of them for a take-all rule).
    pub frame: u64,
    /// Sampled accounts in the part.
    pub sampled: u64,
    /// Checked and qualified among them.
    pub tally: Tally,
    /// Taken in full (a take-all rule), not sampled.
    pub in_full: bool,
}

/// A sampled account with the reason it was taken.
type Marked<'a> = (&'a Account, Reason);

/// The parts of the campaign's design, in the order a notice names them: each take-all rule
/// (an account two rules take is in both), the re-checks that no rule took, the random sample.
/// Parts with no sampled account are left out.
pub fn design_parts(c: &CampaignData) -> Vec<Part> {
    let marked: Vec<Marked<'_>> = c
        .sample
        .iter()
        .zip(&c.marks)
        .map(|(a, m)| (a, m.reason))
        .collect();
    let mut parts = Vec::new();
    for rule in c
        .design
        .take_all
        .iter()
        .filter_map(|t| TakeAll::parse(t, &c.registry).ok())
    {
        let taken = |a: &Account, r: Reason| {
            matches!(r, Reason::TakeAll | Reason::TakeAllAndRecheck) && rule.matches(&c.registry, a)
        };
        let mut p = count_part(c, &marked, &taken);
        p.label = format!("全覆盖({})", rule_label(c, &rule));
        p.words = rule_words(c, &rule);
        p.frame = c.frame_count(|a| rule.matches(&c.registry, a));
        p.in_full = true;
        parts.push(p);
    }
    // After a part taken in full, the other parts are "其他" accounts.
    let other = if parts.iter().any(|p| p.sampled > 0) {
        "其他"
    } else {
        ""
    };
    let mut rechecks = count_part(c, &marked, &|_, r| r == Reason::Recheck);
    rechecks.label = "回头看".into();
    rechecks.words = format!("上期不合格的{other}政务新媒体");
    rechecks.frame = rechecks.sampled;
    parts.push(rechecks);
    let mut random = count_part(c, &marked, &|_, r| r == Reason::Random);
    // In a census the "random" part is every other account, taken whole.
    random.in_full = c.is_census();
    random.label = if random.in_full {
        "全覆盖检查"
    } else {
        "随机抽查"
    }
    .into();
    random.words = format!("{other}政务新媒体");
    random.frame = c.design.frame_size.saturating_sub(c.design.certainty);
    parts.push(random);
    parts.retain(|p| p.sampled > 0);
    parts
}

/// The sampled and checked counts of the accounts `member` (by account and reason) takes; the
/// caller names the part.
fn count_part(
    c: &CampaignData,
    marked: &[Marked<'_>],
    member: &dyn Fn(&Account, Reason) -> bool,
) -> Part {
    let mut tally = Tally::default();
    let mut sampled = 0;
    for (a, _) in marked.iter().filter(|(a, r)| member(a, *r)) {
        sampled += 1;
        if let Some(o) = c.outcomes.get(&a.id) {
            tally.checked += 1;
            tally.qualified += u64::from(o.verdict.qualified);
        }
    }
    Part {
        label: String::new(),
        words: String::new(),
        frame: 0,
        sampled,
        tally,
        in_full: false,
    }
}

/// A take-all rule as the table shows it: "主体类别=政府", "层级≠县级".
fn rule_label(c: &CampaignData, rule: &TakeAll) -> String {
    format!(
        "{}{}{}",
        c.registry.column_label(&rule.column),
        if rule.negate { "≠" } else { "=" },
        rule.values.join("或")
    )
}

/// A take-all rule's accounts as a notice names them: 主体类别=政府 is "代表主体为政府的政务新媒体",
/// 层级=省级|市级 "省级、市级政务新媒体", 类型=微信 "微信政务新媒体", anything else
/// "{列}为“{值}”的政务新媒体".
fn rule_words(c: &CampaignData, rule: &TakeAll) -> String {
    let values = rule.values.join("、");
    match (&rule.column, rule.negate) {
        (GroupColumn::Field(Field::OwnerKind), false) if rule.values == ["政府"] => {
            "代表主体为政府的政务新媒体".into()
        }
        (GroupColumn::Field(Field::Level | Field::Type), false) => format!("{values}政务新媒体"),
        (column, negate) => format!(
            "{}{}\"{}\"的政务新媒体",
            c.registry.column_label(column),
            if negate { "不为" } else { "为" },
            rule.values.join("\"或\"")
        ),
    }
}

/// 合格率_检查方式: each part of the design with its frame, sample, checked, qualified and rate.
pub fn parts_table(c: &CampaignData, parts: &[Part]) -> Table {
    let mut headers = vec!["检查方式", "抽样框账号", "样本"];
    headers.extend(RATE_HEADERS);
    let mut t = Table::new(
        "合格率_检查方式",
        "合格率:按检查方式(全覆盖、回头看、随机抽查)",
        &headers,
    );
    for p in parts {
        let mut r = vec![
            Cell::text(p.label.clone()),
            Cell::Int(p.frame as i64),
            Cell::Int(p.sampled as i64),
        ];
        r.extend(p.tally.cells());
        t.rows.push(r);
    }
    let mut all = vec![
        Cell::text(c.words().whole),
        Cell::Int(c.design.frame_size as i64),
        Cell::Int(c.sample.len() as i64),
    ];
    all.extend(c.tally(|_| true).cells());
    t.rows.push(all);
    t.notes.push("全覆盖:按 --take-all 条件全部检查;回头看:上期不合格、本期再次检查的账号;随机抽查:其余账号中分层随机抽取。一个账号同时符合两个全覆盖条件时在两行都计入。".into());
    t
}

/// The draft's sentence on the parts of the design, when the sample has more than one:
/// "从检查方式看,全覆盖检查了代表主体为政府的政务新媒体97个,合格率为95.9%;回头看上期不合格的政务新媒体
/// 12个,合格率为58.3%;抽查其他政务新媒体110个,合格率为90%。"
pub fn parts_sentence(c: &CampaignData, parts: &[Part]) -> Option<String> {
    let checked: Vec<&Part> = parts.iter().filter(|p| p.tally.checked > 0).collect();
    if checked.len() < 2 {
        return None;
    }
    let items: Vec<String> = checked
        .iter()
        .map(|p| {
            let verb = if p.in_full {
                "全覆盖检查了"
            } else if p.label == "回头看" {
                "回头看"
            } else {
                "抽查"
            };
            format!(
                "{verb}{}{}个,合格率为{}",
                p.words,
                p.tally.checked,
                c.pct(p.tally.qualified, p.tally.checked)
            )
        })
        .collect();
    Some(format!("从检查方式看,{}。", items.join(";")))
}

/// 合格率_主体类别: pass rate by owner kind (政府, 部门, 其他单位) and for the whole scope.
pub fn pass_by_owner_kind(c: &CampaignData) -> Table {
    let mut t = Table::new(
        "合格率_主体类别",
        "合格率:按主体类别(代表政府的账号、部门账号、其他单位账号)",
        &["主体类别"],
    );
    t.headers.extend(RATE_HEADERS.iter().map(|h| h.to_string()));
    for k in OwnerKind::ALL {
        let mut r = vec![Cell::text(k.label())];
        r.extend(c.tally(|a| a.owner_kind == k).cells());
        t.rows.push(r);
    }
    let mut r = vec![Cell::text(c.words().whole)];
    r.extend(c.tally(|_| true).cells());
    t.rows.push(r);
    t
}

/// The draft's sentence on owner kinds, when more than one kind was checked: "从主体类别看,代表
/// 主体为政府的政务新媒体合格率95.9%,部门政务新媒体合格率88.2%。"
pub fn owner_kind_sentence(c: &CampaignData) -> Option<String> {
    let items: Vec<String> = OwnerKind::ALL
        .into_iter()
        .filter_map(|k| {
            let t = c.tally(|a| a.owner_kind == k);
            let words = match k {
                OwnerKind::Government => "代表主体为政府的政务新媒体",
                OwnerKind::Department => "部门政务新媒体",
                OwnerKind::Other => "其他单位政务新媒体",
            };
            (t.checked > 0).then(|| format!("{words}合格率{}", c.pct(t.qualified, t.checked)))
        })
        .collect();
    (items.len() > 1).then(|| format!("从主体类别看,{}。", items.join(",")))
}

/// The groups below the scope by their result — a province's prefectures, a city's districts and
/// zones, a county's towns —: those at 100% and those with no account checked, in report order,
/// by the names the annex uses (南京市, 凉山彝族自治州, 江阴市, 经开区).
pub struct PrefectureResults {
    /// Every checked account qualified.
    pub full: Vec<String>,
    /// Of `full`, those resting on fewer accounts than the profile's mark.
    pub full_small: Vec<String>,
    /// Accounts in the frame, none checked.
    pub unchecked: Vec<String>,
    /// No account in the frame at all (a partial registry, or every account excluded): not
    /// "not checked", since there was nothing to check.
    pub unregistered: Vec<String>,
    /// Groups below the scope.
    pub total: usize,
}

/// Which groups below the scope reached 100% and which were not checked at all.
pub fn prefecture_results(c: &CampaignData) -> PrefectureResults {
    let mut r = PrefectureResults {
        full: Vec::new(),
        full_small: Vec::new(),
        unchecked: Vec::new(),
        unregistered: Vec::new(),
        total: 0,
    };
    let tallies = c.below_tallies();
    // The frame is counted only when a group had nothing checked.
    let frames = tallies
        .iter()
        .any(|t| t.checked == 0)
        .then(|| c.below_frames());
    for ((i, g), t) in c.groups.below().iter().enumerate().zip(tallies) {
        r.total += 1;
        let name = g.name.clone();
        if t.checked == 0 {
            if frames.as_ref().map_or(0, |f| f[i]) == 0 {
                r.unregistered.push(name);
            } else {
                r.unchecked.push(name);
            }
        } else if t.qualified == t.checked {
            if c.profile.rates.is_small(t.checked) {
                r.full_small.push(name.clone());
            }
            r.full.push(name);
        }
    }
    r
}

/// The draft's sentence on prefectures: "18个市(州)合格率为100%", naming them when few
/// ("南京市、无锡市2个设区市合格率为100%"), those resting on few accounts, and those not checked.
/// None where the draft names every group's rate (a city's districts at 100% are named there,
/// together, by `draft`).
pub fn prefecture_sentence(c: &CampaignData) -> Option<String> {
    let words = c.words();
    if words.name_each_group {
        return None;
    }
    let r = prefecture_results(c);
    let label = words.divisions;
    let hundred = c.profile.rates.percent(1, 1);
    let mut s = String::new();
    if !r.full.is_empty() {
        let names = if r.full.len() <= NAME_AT_MOST {
            r.full.join("、")
        } else {
            String::new()
        };
        s.push_str(&format!(
            "{names}{}个{label}合格率为{hundred}",
            r.full.len()
        ));
        if !r.full_small.is_empty() {
            s.push_str(&format!(
                "(其中{}检查数不足{}个)",
                r.full_small.join("、"),
                c.profile.rates.mark_below
            ));
        }
        s.push('。');
    }
    if !r.unchecked.is_empty() {
        s.push_str(&format!("{}本次没有账号被检查。", r.unchecked.join("、")));
    }
    if !r.unregistered.is_empty() {
        s.push_str(&format!(
            "{}台账中没有纳入检查范围的账号。",
            r.unregistered.join("、")
        ));
    }
    (!s.is_empty()).then_some(s)
}

/// The owner-group table's note on prefectures at 100% and those not checked.
pub fn prefecture_note(c: &CampaignData) -> Option<String> {
    let r = prefecture_results(c);
    let label = c.words().divisions;
    let mut parts = Vec::new();
    if !r.full.is_empty() {
        parts.push(format!(
            "合格率为{}的{}: {} 个({})",
            c.profile.rates.percent(1, 1),
            label,
            r.full.len(),
            r.full.join("、")
        ));
    }
    if !r.unchecked.is_empty() {
        parts.push(format!(
            "没有账号被检查的{}: {}(可用 audit sample --min-per-region 保证每个{}都有样本)",
            label,
            r.unchecked.join("、"),
            label
        ));
    }
    if !r.unregistered.is_empty() {
        parts.push(format!(
            "台账中没有纳入检查范围账号的{}: {}",
            label,
            r.unregistered.join("、")
        ));
    }
    (!parts.is_empty()).then(|| parts.join(";"))
}
