//! The report's tables, computed from plain values (no I/O).

use super::table::{Cell, Table};
use crate::domain::groups::{GroupOf, ReportingGroups};
use crate::domain::indicators::{Catalog, Kind, Verdict};
use crate::domain::profile::{Profile, ScopeWords};
use crate::domain::registry::{Account, Level, Registry};
use crate::domain::sampling::{Design, Reason, SampleMark};
use crate::domain::stats::{estimate, Estimate, IntervalMethod, Obs, StratumFrame, Uncovered};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// The notice prints types in this order.
pub const TYPE_ORDER: [&str; 4] = ["微博", "微信", "移动客户端", "其他"];

/// One checked account.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckResult {
    /// The inspector's answers: one value per indicator, in catalog order.
    pub values: Vec<u32>,
    /// The verdict under the campaign's catalog.
    pub verdict: Verdict,
    /// Answers pre-filled from monitoring data, and whether the inspector kept them.
    pub prefill: Vec<crate::domain::monitor::PrefillCheck>,
}

/// Everything the report needs from one campaign.
#[derive(Clone, Debug)]
pub struct CampaignData {
    /// The campaign's name (its folder's).
    pub name: String,
    /// The quarter, "2020Q1", when known.
    pub period: Option<String>,
    /// The campaign's registry, every status.
    pub registry: Registry,
    /// Sampled accounts, in sample order.
    pub sample: Vec<Account>,
    /// Stratum and selection reason of each sampled account, in sample order.
    pub marks: Vec<SampleMark>,
    /// Accounts the design excluded from the frame.
    pub excluded: HashSet<String>,
    /// The campaign's province profile: its scope, its groups' order and labels.
    pub profile: Profile,
    /// The groups the report is written by (see [`ReportingGroups::new`]).
    pub groups: ReportingGroups,
    /// The recorded sample design.
    pub design: Design,
    /// The indicator catalog the answers were given under.
    pub catalog: Catalog,
    /// Outcomes of the checked accounts by 账号ID; sampled accounts not yet checked are absent.
    pub outcomes: HashMap<String, CheckResult>,
    /// Set by `audit demo`: the answers are simulated, and every output says so.
    pub simulated: bool,
    /// Rows of the registry export that are not in `registry`, and why.
    pub not_counted: crate::domain::registry::NotCounted,
}

/// Counts for a group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Accounts checked.
    pub checked: u64,
    /// Of them, qualified (合格).
    pub qualified: u64,
}

impl Tally {
    /// Checked accounts not qualified.
    pub fn unqualified(&self) -> u64 {
        self.checked - self.qualified
    }

    /// Pass rate qualified / checked; None when nothing was checked.
    pub fn rate(&self) -> Option<f64> {
        (self.checked > 0).then(|| self.qualified as f64 / self.checked as f64)
    }

    /// The 检查数, 合格, 不合格, 合格率 cells under `RATE_HEADERS` (合格率 "—" when nothing was checked).
    pub fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Int(self.checked as i64),
            Cell::Int(self.qualified as i64),
            Cell::Int(self.unqualified() as i64),
            rate_cell(*self),
        ]
    }
}

/// Headers of the four tally columns every pass-rate table has.
pub const RATE_HEADERS: [&str; 4] = ["检查数", "合格", "不合格", "合格率"];

impl CampaignData {
    /// Checked sampled accounts with their outcomes, in sample order.
    pub fn checked(&self) -> impl Iterator<Item = (&Account, &CheckResult)> {
        self.sample
            .iter()
            .filter_map(|a| self.outcomes.get(&a.id).map(|o| (a, o)))
    }

    /// Checked and qualified counts among the checked accounts for which `pred` holds.
    pub fn tally<F: Fn(&Account) -> bool>(&self, pred: F) -> Tally {
        let mut t = Tally::default();
        for (a, o) in self.checked() {
            if pred(a) {
                t.checked += 1;
                t.qualified += u64::from(o.verdict.qualified);
            }
        }
        t
    }

    /// As `tally`, leaving out the accounts taken as 回头看 (re-checks).
    pub fn tally_without_rechecks<F: Fn(&Account) -> bool>(&self, pred: F) -> Tally {
        let mut t = Tally::default();
        for (a, m) in self.sample.iter().zip(&self.marks) {
            if let (Some(o), false) = (self.outcomes.get(&a.id), m.reason.is_recheck()) {
                if pred(a) {
                    t.checked += 1;
                    t.qualified += u64::from(o.verdict.qualified);
                }
            }
        }
        t
    }

    /// [`CampaignData::tally`] and [`CampaignData::tally_without_rechecks`] of each of
    /// `members`, from one pass over the sample (each account's outcome looked up once, not
    /// once per group and table).
    pub fn tallies(&self, members: &[&dyn Fn(&Account) -> bool]) -> Vec<(Tally, Tally)> {
        let mut out = vec![(Tally::default(), Tally::default()); members.len()];
        for (i, a) in self.sample.iter().enumerate() {
            let Some(o) = self.outcomes.get(&a.id) else {
                continue;
            };
            let qualified = u64::from(o.verdict.qualified);
            // As `tally_without_rechecks` pairs the sample with its marks.
            let first_time = self.marks.get(i).is_some_and(|m| !m.reason.is_recheck());
            for ((all, without), member) in out.iter_mut().zip(members) {
                if member(a) {
                    all.checked += 1;
                    all.qualified += qualified;
                    if first_time {
                        without.checked += 1;
                        without.qualified += qualified;
                    }
                }
            }
        }
        out
    }

    /// The tally of each group below the scope (by [`ReportingGroups::below`]'s index), each
    /// checked account placed once.
    pub fn below_tallies(&self) -> Vec<Tally> {
        let mut out = vec![Tally::default(); self.groups.below().len()];
        for (a, o) in self.checked() {
            if let GroupOf::Below(i) = self.groups.of(a) {
                out[i].checked += 1;
                out[i].qualified += u64::from(o.verdict.qualified);
            }
        }
        out
    }

    /// The frame accounts of each group below the scope, each account placed once.
    pub fn below_frames(&self) -> Vec<u64> {
        let mut out = vec![0; self.groups.below().len()];
        for a in self.frame() {
            if let GroupOf::Below(i) = self.groups.of(a) {
                out[i] += 1;
            }
        }
        out
    }

    /// Checked accounts that were taken as 回头看.
    pub fn rechecks_checked(&self) -> u64 {
        self.sample
            .iter()
            .zip(&self.marks)
            .filter(|(a, m)| m.reason.is_recheck() && self.outcomes.contains_key(&a.id))
            .count() as u64
    }

    /// Frame accounts (active, not excluded) for which `pred` holds.
    pub fn frame_count<F: Fn(&Account) -> bool>(&self, pred: F) -> u64 {
        self.frame().filter(|a| pred(a)).count() as u64
    }

    /// Frame accounts for which each of `preds` holds, in one pass over the registry (each
    /// account's exclusion looked up once, not once per group).
    pub fn frame_counts(&self, preds: &[&dyn Fn(&Account) -> bool]) -> Vec<u64> {
        let mut counts = vec![0; preds.len()];
        for a in self.frame() {
            for (n, pred) in counts.iter_mut().zip(preds) {
                *n += u64::from(pred(a));
            }
        }
        counts
    }

    /// The frame: the registry's active accounts the design did not exclude.
    fn frame(&self) -> impl Iterator<Item = &Account> {
        let any_excluded = !self.excluded.is_empty();
        self.registry
            .active()
            .filter(move |a| !(any_excluded && self.excluded.contains(&a.id)))
    }

    /// Sampled accounts not (yet) checked.
    pub fn unchecked(&self) -> Vec<&Account> {
        self.sample
            .iter()
            .filter(|a| !self.outcomes.contains_key(&a.id))
            .collect()
    }

    /// How texts name the campaign: its quarter in words ("2020年第一季度"), else its name.
    pub fn display_name(&self) -> String {
        match &self.period {
            Some(p) => crate::domain::text::period_words(p),
            None => self.name.clone(),
        }
    }

    /// A rate or share as the profile prints it ("85.5%", "90.87%", "98.9%" …), marked when it
    /// rests on fewer accounts than the profile's `rate_mark_below` ("50%＊"); "—" for nothing.
    pub fn pct(&self, num: u64, den: u64) -> String {
        self.profile.rates.rate(num, den)
    }

    /// Reported types in the order the pass-rate tables and the draft list them: the notice's
    /// 微博/微信/移动客户端/其他 under the default scheme, the profile's order otherwise.
    pub fn rate_types(&self) -> Vec<String> {
        if self.profile.types == crate::domain::profile::TypeScheme::jiangsu_2020() {
            TYPE_ORDER.iter().map(|t| t.to_string()).collect()
        } else {
            self.profile.types.order().to_vec()
        }
    }

    /// The words of the campaign's scope: 全省/全市, 省级部门单位/市级部门单位, 设区市/市(县)区.
    pub fn words(&self) -> ScopeWords {
        self.profile.words()
    }

    /// Whether every account in operation was checked (a census, 全覆盖检查): the sample is the
    /// whole frame and nothing was excluded from it.
    pub fn is_census(&self) -> bool {
        self.design.is_census()
    }

    /// Sort key of an account's place: the scope's own departments, then the groups below in
    /// order (see [`ReportingGroups::rank`]).
    pub fn place_rank(&self, a: &Account) -> (usize, String) {
        self.groups.rank(a)
    }

    /// An account's 地区/部门 for the annex: the owner for the scope's own departments, else its
    /// group's official name (南京市, 黔东南苗族侗族自治州, 江阴市, 经开区).
    pub fn place_name(&self, a: &Account) -> String {
        self.groups.unit_name(a)
    }

    /// The levels the tables list: the scope's own and those below it (a city has no 省级).
    pub fn levels(&self) -> Vec<Level> {
        let own = self.profile.scope.own_level();
        Level::ALL.into_iter().filter(|l| *l >= own).collect()
    }

    /// Whether an account is one of the scope's own departments (省级部门单位 for a province).
    pub fn is_top(&self, a: &Account) -> bool {
        self.groups.of(a) == GroupOf::Top
    }
}

/// The heading of the rate without re-checks, shown wherever the campaign has re-checked
/// accounts: re-checks fail far more often, so the notice's rate (qualified / checked) mixes two
/// populations.
pub const RATE_WITHOUT_RECHECKS: &str = "合格率(不含回头看)";

fn rate_table(
    c: &CampaignData,
    name: &str,
    title: &str,
    keys: &[&str],
    groups: Vec<Group>,
) -> Table {
    let rechecks = c.rechecks_checked() > 0;
    let mut headers = keys.to_vec();
    headers.extend(RATE_HEADERS);
    if rechecks {
        headers.push(RATE_WITHOUT_RECHECKS);
    }
    let mut t = Table::new(name, title, &headers);
    let members: Vec<&dyn Fn(&Account) -> bool> = groups.iter().map(|g| &*g.member).collect();
    for (g, (all, without)) in groups.iter().zip(c.tallies(&members)) {
        let mut r: Vec<Cell> = g.keys.iter().map(Cell::text).collect();
        r.extend(all.cells());
        if rechecks {
            r.push(rate_cell(without));
        }
        t.rows.push(r);
    }
    if rechecks {
        t.notes.push(format!(
            "本期已检查账号中有 {} 个为回头看(上期不合格)账号;{RATE_WITHOUT_RECHECKS} 只计其余账号,便于与没有回头看的季度比较。",
            c.rechecks_checked()
        ));
    }
    t
}

/// 合格率_总体: the pass rate of the whole scope (全省, 全市).
pub fn pass_overall(c: &CampaignData) -> Table {
    let groups = vec![Group::new(c.words().whole, |_| true)];
    rate_table(c, "合格率_总体", "总体合格率", &["范围"], groups)
}

/// 合格率_开设主体: pass rate of the scope's own departments (省级部门单位), each group below it
/// (prefectures; a city's districts and zones), those groups together and the whole scope.
pub fn pass_by_owner_group(c: &CampaignData) -> Table {
    let w = c.words();
    let groups = owner_groups(c);
    let title = match &w.group_note {
        Some(note) => format!("合格率:按开设主体({note})"),
        None => "合格率:按开设主体".to_string(),
    };
    let mut t = rate_table(c, "合格率_开设主体", &title, &["开设主体"], groups);
    t.notes.push("\"—\" 表示该组没有被检查的账号。".into());
    t
}

/// The owner groups of the campaign: its own departments, each group below it in order, those
/// together and the whole scope (省级部门单位, 南京 … 宿迁, 设区市合计, 全省; 市级部门单位, 锡山区 …
/// 经开区, 各市(县)区合计, 全市).
pub fn owner_groups(c: &CampaignData) -> Vec<Group> {
    let g = Rc::new(c.groups.clone());
    owner_rows(c)
        .into_iter()
        .map(|r| member(r.label, &g, r.which))
        .collect()
}

/// One row of [`owner_groups`]: its label and which reporting groups it takes.
pub struct OwnerRow {
    /// 省级部门单位, 南京 … 宿迁, 设区市合计, 全省.
    pub label: String,
    /// Whether an account in this reporting group counts in the row.
    pub which: Box<dyn Fn(GroupOf) -> bool>,
}

/// The rows of [`owner_groups`] by reporting group, so that a table counting a whole registry
/// places each account once and adds it to every row that takes its group.
pub fn owner_rows(c: &CampaignData) -> Vec<OwnerRow> {
    let w = c.words();
    let row = |label: &str, which: Box<dyn Fn(GroupOf) -> bool>| OwnerRow {
        label: label.to_string(),
        which,
    };
    let mut rows = vec![row(&w.top_group, Box::new(|x| x == GroupOf::Top))];
    for (i, b) in c.groups.below().iter().enumerate() {
        rows.push(row(&b.label, Box::new(move |x| x == GroupOf::Below(i))));
    }
    rows.push(row(&w.divisions_total, Box::new(|x| x != GroupOf::Top)));
    rows.push(row(&w.whole, Box::new(|_| true)));
    rows
}

/// A group of the accounts whose reporting group satisfies `which`.
fn member(
    label: String,
    groups: &Rc<ReportingGroups>,
    which: impl Fn(GroupOf) -> bool + 'static,
) -> Group {
    let groups = Rc::clone(groups);
    Group::new(label, move |a| which(groups.of(a)))
}

/// 合格率_层级: pass rate by 省级/市级/县级.
pub fn pass_by_level(c: &CampaignData) -> Table {
    let groups = c
        .levels()
        .into_iter()
        .map(|l| Group::new(l.label(), move |a| a.level == l))
        .collect();
    rate_table(c, "合格率_层级", "合格率:按层级", &["层级"], groups)
}

/// 合格率_类型: pass rate by account type, in the notice's type order.
pub fn pass_by_type(c: &CampaignData) -> Table {
    let groups = c
        .rate_types()
        .into_iter()
        .map(|t| Group::new(t.clone(), move |a| a.account_type == t))
        .collect();
    rate_table(
        c,
        "合格率_类型",
        "合格率:按政务新媒体类型",
        &["类型"],
        groups,
    )
}

/// 合格率_层级类型: pass rate by level × type.
pub fn pass_by_level_type(c: &CampaignData) -> Table {
    let mut groups: Vec<Group> = Vec::new();
    for l in c.levels() {
        for ty in c.rate_types() {
            groups.push(Group {
                keys: vec![l.label().to_string(), ty.clone()],
                member: Box::new(move |a: &Account| a.level == l && a.account_type == ty),
            });
        }
    }
    rate_table(
        c,
        "合格率_层级类型",
        "合格率:层级 × 类型",
        &["层级", "类型"],
        groups,
    )
}

/// Accounts with problem `j` (veto hit, or a deduction count above 0) among those checked.
pub fn problem_count<F: Fn(&Account) -> bool>(c: &CampaignData, j: usize, pred: F) -> (u64, u64) {
    let mut hit = 0;
    let mut n = 0;
    for (a, o) in c.checked() {
        if pred(a) {
            n += 1;
            hit += u64::from(o.values.get(j).copied().unwrap_or(0) > 0);
        }
    }
    (hit, n)
}

/// 问题统计: accounts hit by each indicator, among the scope's own departments, the groups
/// below it and the whole scope, with their shares of the accounts checked.
pub fn problems(c: &CampaignData) -> Table {
    let w = c.words();
    let (top_share, city_share, whole_share) = (
        format!("占{}检查数", w.level),
        format!("占{}检查数", w.divisions),
        format!("占{}检查数", w.whole),
    );
    let mut t = Table::new(
        "问题统计",
        "问题统计:各指标存在问题的账号数及占检查数的比例",
        &[
            "代码",
            "指标",
            "类别",
            "类型",
            &w.top_group,
            &top_share,
            &w.divisions,
            &city_share,
            &w.whole,
            &whole_share,
        ],
    );
    // One pass over the results: each account placed once, its answers added to its side.
    let n = c.catalog.indicators.len();
    let (mut hits, mut checked) = ([vec![0u64; n], vec![0u64; n]], [0u64; 2]);
    for (a, o) in c.checked() {
        let side = usize::from(!c.is_top(a));
        checked[side] += 1;
        for (j, h) in hits[side].iter_mut().enumerate() {
            *h += u64::from(o.values.get(j).copied().unwrap_or(0) > 0);
        }
    }
    for (j, ind) in c.catalog.indicators.iter().enumerate() {
        let p = (hits[0][j], checked[0]);
        let s = (hits[1][j], checked[1]);
        let all = (p.0 + s.0, p.1 + s.1);
        let share = |(h, n): (u64, u64)| {
            if n == 0 {
                Cell::text("—")
            } else {
                Cell::Rate { num: h, den: n }
            }
        };
        t.rows.push(vec![
            Cell::text(ind.code.clone()),
            Cell::text(ind.name.clone()),
            Cell::text(ind.head.clone()),
            Cell::text(if ind.kind == Kind::Veto {
                "单项否决"
            } else {
                "扣分"
            }),
            Cell::Int(p.0 as i64),
            share(p),
            Cell::Int(s.0 as i64),
            share(s),
            Cell::Int(all.0 as i64),
            share(all),
        ]);
    }
    t
}

/// 监测预填核对: per pre-filled item, how many answers the monitoring data pre-filled and how
/// many inspectors kept or changed; none when nothing was pre-filled.
pub fn prefill_check(c: &CampaignData) -> Option<Table> {
    let tally =
        crate::domain::monitor::tally(&c.catalog, c.checked().map(|(_, o)| o.prefill.as_slice()));
    if tally.is_empty() {
        return None;
    }
    let mut t = Table::new(
        "监测预填",
        "监测预填核对:根据监测数据预填的答案及检查人核实结果(已检查账号)",
        &[
            "代码",
            "指标",
            "预填数",
            "预填为\"是\"",
            "保留",
            "是→否",
            "否→是",
            "保留比例",
        ],
    );
    let total = crate::domain::monitor::PrefillTally::total(
        c.checked().flat_map(|(_, o)| o.prefill.iter()),
    );
    let row = |code: String, name: String, x: &crate::domain::monitor::PrefillTally| {
        vec![
            Cell::text(code),
            Cell::text(name),
            Cell::Int(x.prefilled as i64),
            Cell::Int(x.prefilled_yes as i64),
            Cell::Int(x.kept as i64),
            Cell::Int(x.yes_to_no as i64),
            Cell::Int(x.no_to_yes as i64),
            Cell::Rate {
                num: x.kept as u64,
                den: x.prefilled as u64,
            },
        ]
    };
    for (ind, x) in &tally {
        t.rows.push(row(ind.code.clone(), ind.name.clone(), x));
    }
    t.rows.push(row("合计".into(), String::new(), &total));
    t.notes
        .push("预填依据见项目目录的 monitor_prefill.csv;改动的答案以检查人核实的结果为准。".into());
    Some(t)
}

/// A group of accounts a table reports on: its key cells (one per key column) and who is in it.
pub struct Group {
    /// The row's key cells, e.g. ["县级", "微信"].
    pub keys: Vec<String>,
    /// Membership.
    pub member: Box<dyn Fn(&Account) -> bool>,
}

impl Group {
    /// A group with one key cell.
    pub fn new(label: impl Into<String>, member: impl Fn(&Account) -> bool + 'static) -> Group {
        Group {
            keys: vec![label.into()],
            member: Box::new(member),
        }
    }

    /// The group's label: its key cells joined.
    pub fn label(&self) -> String {
        self.keys.join("/")
    }
}

/// Groups compared quarter on quarter: the whole scope, its own departments, the groups below
/// it together, and each type. Each campaign places its accounts by its own groups.
pub fn qoq_groups(c: &CampaignData) -> Vec<Group> {
    let w = c.words();
    let groups = Rc::new(c.groups.clone());
    let mut g = vec![
        Group::new(w.whole, |_| true),
        member(w.top_group, &groups, |x| x == GroupOf::Top),
        member(w.divisions, &groups, |x| x != GroupOf::Top),
    ];
    for t in c.rate_types() {
        g.push(Group::new(t.clone(), move |a| a.account_type == t));
    }
    g
}

/// Pass rates now and in each earlier campaign, with the change in points. Where any of them
/// re-checked last quarter's failures, the rates without re-checks follow, compared like with
/// like.
pub fn quarter_on_quarter(c: &CampaignData, previous: &[CampaignData]) -> Table {
    let like = c.rechecks_checked() > 0 || previous.iter().any(|p| p.rechecks_checked() > 0);
    let mut headers: Vec<String> = vec!["范围".into(), format!("本期({})", c.name)];
    for p in previous {
        headers.push(p.name.clone());
        headers.push(format!("比{}变化(百分点)", p.name));
    }
    if like {
        headers.push(format!("本期{RATE_WITHOUT_RECHECKS}"));
        for p in previous {
            headers.push(format!("{}{RATE_WITHOUT_RECHECKS}", p.name));
            headers.push(format!("比{}变化(不含回头看,百分点)", p.name));
        }
    }
    let mut t = Table {
        name: "环比".into(),
        title: "合格率环比(本期与各期比较)".into(),
        headers,
        rows: Vec::new(),
        notes: vec![
            "--previous 按时间由近到远给出,第一个为上季度。变化 = 本期合格率 − 该期合格率,按两期的合格数和检查数精确计算后按同一规则舍入,可能与两个已舍入的合格率之差相差一个末位。".into(),
        ],
        style: c.profile.rates,
    };
    if like {
        t.notes.push(format!(
            "回头看账号是上期不合格的账号,合格率明显偏低;{RATE_WITHOUT_RECHECKS} 各期都只计回头看以外的账号,变化按同口径计算。"
        ));
    }
    for g in qoq_groups(c) {
        let mut r = vec![Cell::Text(g.label())];
        r.extend(change_cells(c, previous, |x| x.tally(&g.member)));
        if like {
            r.extend(change_cells(c, previous, |x| {
                x.tally_without_rechecks(&g.member)
            }));
        }
        t.rows.push(r);
    }
    t
}

/// The rate now, then for each earlier campaign its rate and the change in points.
fn change_cells(
    c: &CampaignData,
    previous: &[CampaignData],
    tally: impl Fn(&CampaignData) -> Tally,
) -> Vec<Cell> {
    let now = tally(c);
    let mut r = vec![rate_cell(now)];
    for p in previous {
        let then = tally(p);
        r.push(rate_cell(then));
        r.push(if now.checked > 0 && then.checked > 0 {
            Cell::Points {
                now: (now.qualified, now.checked),
                before: (then.qualified, then.checked),
            }
        } else {
            Cell::text("—")
        });
    }
    r
}

fn rate_cell(t: Tally) -> Cell {
    if t.checked == 0 {
        Cell::text("—")
    } else {
        Cell::Rate {
            num: t.qualified,
            den: t.checked,
        }
    }
}

/// The annex's 存在问题: the veto items hit, by name ("内容不更新;互动回应差"), or the score
/// when it alone failed the account.
pub fn veto_names(cat: &Catalog, v: &Verdict) -> String {
    let names: Vec<String> = v
        .veto_hits
        .iter()
        .filter_map(|c| cat.get(c))
        .map(|i| i.name.clone())
        .collect();
    if names.is_empty() && !v.qualified {
        format!("得分{}分,低于合格线", v.score)
    } else {
        names.join(";")
    }
}

/// Accounts unqualified now and in the k−1 campaigns right before (k ≥ 2).
/// An account unqualified now and in the campaigns right before.
#[derive(Clone, Debug, PartialEq)]
pub struct RepeatOffender {
    /// The account as sampled now.
    pub account: Account,
    /// Consecutive unqualified campaigns, this one included (≥ 2).
    pub streak: usize,
    /// What was found now, then in each earlier campaign (合格 / 未抽查 where it was not).
    pub history: Vec<String>,
}

/// Accounts unqualified now and in the k−1 campaigns right before (k ≥ 2), longest streak first.
pub fn repeat_offender_list(c: &CampaignData, previous: &[CampaignData]) -> Vec<RepeatOffender> {
    let mut found = Vec::new();
    for (a, o) in c.checked().filter(|(_, o)| !o.verdict.qualified) {
        let mut streak = 1;
        let mut history = vec![veto_names(&c.catalog, &o.verdict)];
        let mut broken = false;
        for p in previous {
            let then = p.outcomes.get(&a.id);
            match then {
                Some(po) if !broken && !po.verdict.qualified => streak += 1,
                _ => broken = true,
            }
            history.push(match then {
                Some(po) if po.verdict.qualified => "合格".to_string(),
                Some(po) => veto_names(&p.catalog, &po.verdict),
                None => "未抽查".to_string(),
            });
        }
        if streak >= 2 {
            found.push(RepeatOffender {
                account: a.clone(),
                streak,
                history,
            });
        }
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.streak));
    found
}

/// The repeat offenders as the report's table.
pub fn repeat_offenders(
    c: &CampaignData,
    previous: &[CampaignData],
    list: &[RepeatOffender],
) -> Table {
    let mut headers = vec!["账号ID", "名称", "开设主体", "类型", "连续不合格次数"];
    let problems: Vec<String> = std::iter::once(c)
        .chain(previous)
        .map(|x| format!("{} 问题", x.name))
        .collect();
    headers.extend(problems.iter().map(String::as_str));
    let mut t = Table::new("连续不合格", "连续多次检查不合格的政务新媒体", &headers);
    for f in list {
        let a = &f.account;
        let mut r = vec![
            Cell::text(a.id.clone()),
            Cell::text(a.name.clone()),
            Cell::text(a.owner.clone()),
            Cell::text(a.account_type.clone()),
            Cell::Int(f.streak as i64),
        ];
        r.extend(f.history.iter().map(Cell::text));
        t.rows.push(r);
    }
    if previous.is_empty() {
        t.notes
            .push("未提供 --previous,无法判断连续不合格。".into());
    }
    t
}

/// The stratum frames and observations for the weighted estimator.
fn design_frames(c: &CampaignData) -> (Vec<StratumFrame>, HashMap<Vec<String>, usize>) {
    let frames = c
        .design
        .strata
        .iter()
        .map(|s| StratumFrame {
            random_population: s.population.saturating_sub(s.certainty),
        })
        .collect();
    let index = c
        .design
        .strata
        .iter()
        .enumerate()
        .map(|(i, s)| (s.key.clone(), i))
        .collect();
    (frames, index)
}

/// The checked sample as the estimator sees it, with `pred` marking the domain.
fn observations<F: Fn(&Account) -> bool>(
    c: &CampaignData,
    index: &HashMap<Vec<String>, usize>,
    pred: F,
) -> Vec<Obs> {
    observed(c, index)
        .into_iter()
        .map(|(a, o)| Obs {
            in_domain: pred(a),
            ..o
        })
        .collect()
}

/// The checked sample as the estimator sees it, each unit with its account (every unit in the
/// domain), so that groups can mark their domains without looking the results up again.
fn observed<'a>(
    c: &'a CampaignData,
    index: &HashMap<Vec<String>, usize>,
) -> Vec<(&'a Account, Obs)> {
    c.sample
        .iter()
        .zip(&c.marks)
        .filter_map(|(a, m)| {
            let o = c.outcomes.get(&a.id)?;
            let unit = Obs {
                stratum: *index.get(&m.key)?,
                certainty: m.reason != Reason::Random,
                in_domain: true,
                qualified: o.verdict.qualified,
            };
            Some((a, unit))
        })
        .collect()
}

/// One group's weighted estimate beside its raw counts.
#[derive(Clone, Debug)]
pub struct EstimateRow {
    /// The group, as the report names it (全省, 设区市, 微博, 县级 …).
    pub label: String,
    /// Raw counts of the checked accounts of the group.
    pub raw: Tally,
    /// The group's accounts in the frame (the registry's active accounts less exclusions).
    pub frame: u64,
    /// The weighted estimate; None when no account of the group was checked.
    pub estimate: Option<Estimate>,
}

/// The design-weighted estimates of a campaign, as data for the tables and the draft.
#[derive(Clone, Debug)]
pub struct Estimates {
    /// 全省 first, then owner groups, types and levels.
    pub rows: Vec<EstimateRow>,
    /// The part of the frame the checked sample does not cover.
    pub uncovered: Uncovered,
    /// Frame size (active, not excluded accounts).
    pub frame: u64,
    /// Checked accounts whose stratum the recorded design does not have: left out of every
    /// estimate, and said so (a sample or design changed after the draw).
    pub unplaced: usize,
}

impl Estimates {
    /// The whole frame's estimate (全省).
    pub fn overall(&self) -> Option<&Estimate> {
        self.rows.first().and_then(|r| r.estimate.as_ref())
    }
}

/// Weighted estimates for the report's groups.
pub fn estimate_groups(c: &CampaignData) -> Estimates {
    let (frames, index) = design_frames(c);
    let mut groups = qoq_groups(c);
    for l in c.levels() {
        groups.push(Group::new(l.label(), move |a| a.level == l));
    }
    let preds: Vec<&dyn Fn(&Account) -> bool> = groups.iter().map(|g| &*g.member).collect();
    let frames_of = c.frame_counts(&preds);
    let raw = c.tallies(&preds);
    // The checked sample looked up once; each group marks its domain on a copy.
    let observed = observed(c, &index);
    let rows = groups
        .iter()
        .zip(frames_of.into_iter().zip(raw))
        .map(|(g, (frame, (raw, _)))| {
            let obs: Vec<Obs> = observed
                .iter()
                .map(|(a, o)| Obs {
                    in_domain: (g.member)(a),
                    ..*o
                })
                .collect();
            EstimateRow {
                raw,
                frame,
                estimate: estimate(&frames, &obs, frame),
                label: g.label(),
            }
        })
        .collect();
    let certainty: Vec<u64> = c.design.strata.iter().map(|s| s.certainty).collect();
    Estimates {
        rows,
        uncovered: crate::domain::stats::uncovered(
            &frames,
            &certainty,
            &observations(c, &index, |_| true),
        ),
        frame: c.frame().count() as u64,
        unplaced: c
            .sample
            .iter()
            .zip(&c.marks)
            .filter(|(a, m)| c.outcomes.contains_key(&a.id) && !index.contains_key(&m.key))
            .count(),
    }
}

/// "未覆盖 K 层、N 个账号" when part of the frame has no checked sample.
pub fn uncovered_phrase(u: &Uncovered) -> Option<String> {
    (u.accounts > 0).then(|| format!("未覆盖 {} 层、{} 个账号", u.strata, u.accounts))
}

/// What the 区间方法 column says: exactly what was computed.
fn method_label(e: &Estimate) -> &'static str {
    match e.method {
        IntervalMethod::Census => "全部检查",
        IntervalMethod::KornGraubard if e.capped => "Korn–Graubard(有效样本量取随机样本数)",
        IntervalMethod::KornGraubard => "Korn–Graubard",
        IntervalMethod::ClopperPearson => "Clopper–Pearson(按随机样本数)",
        IntervalMethod::NoRandomSample => "无随机样本，不作推算",
    }
}

/// The text a group with no checked random unit shows in place of an estimate.
pub const NO_RANDOM_SAMPLE: &str = "无随机样本，不作推算";

fn estimate_cells(row: &EstimateRow) -> Vec<Cell> {
    let raw = if row.raw.checked == 0 {
        Cell::text("—")
    } else {
        Cell::Rate {
            num: row.raw.qualified,
            den: row.raw.checked,
        }
    };
    let dash = || Cell::text("—");
    let Some(e) = &row.estimate else {
        let mut r = vec![
            Cell::Text(row.label.clone()),
            Cell::Int(0),
            Cell::Int(0),
            raw,
        ];
        r.extend((0..6).map(|_| dash()));
        r.push(Cell::Int(row.frame as i64));
        r.push(dash());
        return r;
    };
    let estimated = e.method != IntervalMethod::NoRandomSample;
    let pct = |p: f64| if estimated { Cell::Pct(p) } else { dash() };
    // A standard error is shown where the design variance carried the interval (0 for a
    // census); where every random unit passed (or failed) it is 0 and says nothing.
    let se = match e.method {
        IntervalMethod::KornGraubard => Cell::Num(e.std_err * 100.0, 1),
        IntervalMethod::Census => Cell::Num(0.0, 1),
        _ => dash(),
    };
    vec![
        Cell::Text(row.label.clone()),
        Cell::Int(e.n as i64),
        Cell::Int(e.random_n as i64),
        raw,
        pct(e.rate),
        pct(e.lower),
        pct(e.upper),
        se,
        e.df.map_or_else(dash, |d| Cell::Int(d.round() as i64)),
        if estimated {
            Cell::Int(e.population.round() as i64)
        } else {
            dash()
        },
        Cell::Int(row.frame as i64),
        Cell::text(method_label(e)),
    ]
}

/// The estimates as the report's table.
pub fn estimates(est: &Estimates) -> Table {
    let scope = match uncovered_phrase(&est.uncovered) {
        None => "抽样框(全部状态正常的账号)".to_string(),
        Some(p) => format!("抽样框中有样本覆盖的部分({p})"),
    };
    let mut t = Table::new(
        "加权估计",
        &format!("{scope}合格率的设计加权估计(分层抽样,有限总体校正,95%置信区间)"),
        &[
            "范围",
            "检查数",
            "其中随机样本",
            "样本合格率(未加权)",
            "加权估计合格率",
            "95%置信区间下限",
            "95%置信区间上限",
            "标准误(百分点)",
            "自由度",
            "推算账号数",
            "台账账号数",
            "区间方法",
        ],
    );
    t.rows = est.rows.iter().map(estimate_cells).collect();
    if est.unplaced > 0 {
        t.notes.push(format!(
            "注意: {} 个已检查账号的分层在记录的抽样设计中找不到,未计入估计;样本或设计在抽样后可能被改动,请运行 audit verify 核验。",
            est.unplaced
        ));
    }
    if let Some(p) = uncovered_phrase(&est.uncovered) {
        t.notes.push(format!(
            "覆盖范围: 抽样框 {} 个账号中{p}(这些层没有已检查的随机样本,或必查账号未检查),估计只代表其余 {} 个账号。",
            est.frame,
            est.frame - est.uncovered.accounts.min(est.frame)
        ));
    }
    for r in &est.rows {
        if let Some(e) = r
            .estimate
            .as_ref()
            .filter(|e| e.method == IntervalMethod::NoRandomSample)
        {
            t.notes.push(format!(
                "{}: {NO_RANDOM_SAMPLE}。该组已检查的 {} 个账号都是必查(含回头看)账号,不是该组的随机样本;该组台账 {} 个账号中其余 {} 个没有任何估计覆盖。",
                r.label,
                e.n,
                r.frame,
                r.frame.saturating_sub(e.n)
            ));
        }
    }
    t.notes.push("加权估计: 每个随机入样账号的权重为 (N_h − 必查数)/该层已检查的随机样本数,必查(含回头看)账号权重为 1;方差按分层无放回抽样线性化并作有限总体校正;只有 1 个已检查随机样本的层按 R survey 包 lonely.psu = \"adjust\" 的规则计入方差。推算账号数是该组权重之和,台账账号数是该组在抽样框中的实际账号数,两者之差来自抽样误差和未覆盖的层。".into());
    t.notes.push("置信区间: Korn–Graubard 法,即 R 的 svyciprop(method = \"beta\") 在子总体上的算法:有效样本量 n* = R̂(1−R̂)/V̂ × (t_{n−1}/t_自由度)²,再取 n*·R̂ 个合格、n* 个账号的 Clopper–Pearson 区间;自由度 = 该组已检查的随机样本数 − 它们所在的层数(必查账号各算一层,即 R 的 degf())。与 R 的一处不同: n* 不超过该组已检查的随机样本数(必查和回头看账号是确知的,不是抽样所得),受此上限约束的行标为\"有效样本量取随机样本数\",区间比 R 的宽。随机样本全部合格(或全部不合格)、或自由度不足 1 时没有可用的设计方差,区间按该组随机样本数取 Clopper–Pearson,标准误显示为\"—\";该组没有已检查的随机样本时不作推算;只有该组抽样框内全部账号都已检查时区间才是该值本身。".into());
    t
}

/// 样本设计 and 样本分层: the recorded design, and per stratum N_h, certainty units, n_h, the
/// random weight and the accounts checked.
pub fn sample_design(c: &CampaignData, verify_status: &str) -> Vec<Table> {
    let mut s = Table::new("样本设计", "抽样设计", &["项目", "内容"]);
    let d = &c.design;
    let rows = [
        ("抽样框(状态正常的账号)", d.frame_size.to_string()),
        (
            "样本量",
            d.strata.iter().map(|s| s.total).sum::<u64>().to_string(),
        ),
        ("必查(含回头看)", d.certainty.to_string()),
        ("分层变量", d.strata_columns.join("、")),
        ("分配方法", d.allocation.clone()),
        ("每层最少", d.min_per_stratum.to_string()),
        (
            "每个地区最少(含必查)",
            d.min_per_region
                .map(|m| format!("{m}(各层再按地区细分)"))
                .unwrap_or_default(),
        ),
        ("必查条件", d.take_all.join(";")),
        ("回头看来源", d.recheck_source.clone().unwrap_or_default()),
        ("随机种子", d.seed.to_string()),
        ("抽样算法", d.algorithm.clone()),
        ("台账 SHA-256", d.registry_sha256.clone()),
        ("audit verify 核验", verify_status.to_string()),
    ];
    for (k, v) in rows {
        s.rows.push(vec![Cell::text(k), Cell::text(v)]);
    }
    let mut t = Table::new(
        "样本分层",
        "样本:各层账号数与样本量",
        &[
            "分层",
            "层内账号数N_h",
            "必查",
            "随机抽取n_h",
            "样本合计",
            "随机样本权重",
            "已检查",
        ],
    );
    for st in &d.strata {
        let key = st.key.join("/");
        let checked = c
            .sample
            .iter()
            .zip(&c.marks)
            .filter(|(a, m)| m.key == st.key && c.outcomes.contains_key(&a.id))
            .count();
        t.rows.push(vec![
            Cell::Text(key),
            Cell::Int(st.population as i64),
            Cell::Int(st.certainty as i64),
            Cell::Int(st.random as i64),
            Cell::Int(st.total as i64),
            if st.random > 0 {
                Cell::Num(st.random_weight(), 2)
            } else {
                Cell::text("—")
            },
            Cell::Int(checked as i64),
        ]);
    }
    vec![s, t]
}

/// The accounts the annex lists: checked accounts with a single-veto problem, the scope's own
/// departments first (provincial ones for a province, a city's for a city), grouped by department
/// (in the profile's `[issuer] departments` order, then the others as they first appear), then
/// the groups below the scope in order; the sample's order within each. `rectify sheets` takes its
/// list from here too, so the units report on exactly the annex.
pub fn annex_accounts(c: &CampaignData) -> Vec<(&Account, &CheckResult)> {
    let mut list: Vec<(&Account, &CheckResult)> = c
        .checked()
        .filter(|(_, o)| !o.verdict.veto_hits.is_empty())
        .collect();
    let listed = &c.profile.issuer.departments;
    let mut seen: Vec<String> = Vec::new();
    for (a, _) in &list {
        let dept = c.place_name(a);
        if c.place_rank(a).0 == 0 && !seen.contains(&dept) {
            seen.push(dept);
        }
    }
    let dept_rank = |a: &Account| -> usize {
        if c.place_rank(a).0 != 0 {
            return 0;
        }
        let dept = c.place_name(a);
        match listed.iter().position(|d| *d == dept) {
            Some(i) => i,
            None => listed.len() + seen.iter().position(|d| *d == dept).unwrap_or(0),
        }
    };
    list.sort_by_key(|(a, _)| (c.place_rank(a), dept_rank(a)));
    list
}

/// The annex: accounts with single-veto problems. The scope's own departments first, then its
/// groups in order; within each, the sample's order (stratum, then id). Names as the profile's
/// `annex_name` asks ("无锡刑警(微信)").
pub fn annex(c: &CampaignData) -> Table {
    let mut t = Table::new(
        "附件_单项否决名单",
        "存在\"单项否决\"问题政务新媒体名单",
        &["序号", "地区/部门", "名称", "类型", "开设主体", "存在问题"],
    );
    for (i, (a, o)) in annex_accounts(c).iter().enumerate() {
        t.rows.push(vec![
            Cell::Int(i as i64 + 1),
            Cell::text(c.place_name(a)),
            Cell::text(c.profile.annex_name.cell(&a.name, platform(a))),
            Cell::text(annex_type(a)),
            Cell::text(a.owner.clone()),
            Cell::text(veto_names(&c.catalog, &o.verdict)),
        ]);
    }
    t
}

/// The 类型 the annex prints, and the rectification record after it: the type, but for one
/// reported as 其他 the platform it is on (抖音, 今日头条), so that a reader can find the account.
pub fn annex_type(a: &Account) -> String {
    if a.account_type != crate::domain::profile::OTHER {
        return a.account_type.to_string();
    }
    crate::domain::profile::platform(platform(a))
        .map(str::to_string)
        .unwrap_or_else(|| a.account_type.to_string())
}

/// The platform an account is on, as the annex names it: the registry's 平台, else its type.
fn platform(a: &Account) -> &str {
    if a.platform.is_empty() {
        &a.account_type
    } else {
        &a.platform
    }
}

#[cfg(test)]
#[path = "figures_tests.rs"]
mod tests;
