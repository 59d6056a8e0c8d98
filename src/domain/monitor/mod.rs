//! Monitoring exports (监测数据): per-account evidence from the filing and monitoring platforms
//! (last post, messages left unanswered, whether interaction works), matched to the sample and
//! turned into pre-filled veto answers by the catalog's rules ([`MonitorRule`]). Pure: the file
//! is read in `io::monitor_file`, the workbook shows the result.

pub mod cells;
pub mod headers;
pub mod window;

use crate::domain::indicators::{Catalog, MonitorRule};
use crate::domain::profile::{Profile, Region};
use crate::domain::registry::normalize::PROVINCE_REGION;
use crate::domain::registry::{Account, SharedText};
use crate::domain::text::match_key;
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// The state of an account's interaction function (互动功能) in an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interaction {
    /// 正常: messages and comments can be left.
    Normal,
    /// 异常: closed, missing or not working.
    Broken,
}

impl Interaction {
    /// The label the evidence shows.
    pub fn label(self) -> &'static str {
        match self {
            Interaction::Normal => "正常",
            Interaction::Broken => "异常",
        }
    }
}

/// One row of a monitoring export: who it is about and what was observed. Every observation is
/// optional; a rule whose evidence is missing pre-fills nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Observation {
    /// The row in the export, for messages.
    pub row: u32,
    /// 账号ID, when the export has one.
    pub id: String,
    /// 名称, for matching by name and type when there is no id.
    pub name: String,
    /// 类型 as written in the export.
    pub account_type: String,
    /// 开设主体, when the export has it: narrows a match by name.
    pub owner: String,
    /// 所属地区 as written, when the export has it: narrows a match by name.
    pub region: String,
    /// 最近更新时间 (the date is what counts).
    pub last_post: Option<NaiveDate>,
    /// 留言数.
    pub messages: Option<u32>,
    /// 超期未回复数.
    pub unanswered: Option<u32>,
    /// 互动功能.
    pub interaction: Option<Interaction>,
    /// 监测时间, when the row gives it.
    pub monitored_at: Option<NaiveDate>,
}

/// The columns a match by name compared, for the reasons: 名称、类型 and, where the export has
/// them, 开设主体 and 所属地区.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameKeys {
    /// 开设主体 was compared.
    pub owner: bool,
    /// 所属地区 was compared.
    pub region: bool,
}

impl NameKeys {
    fn label(self) -> String {
        let mut keys = vec!["名称", "类型"];
        if self.owner {
            keys.push("开设主体");
        }
        if self.region {
            keys.push("所属地区");
        }
        keys.join("、")
    }
}

/// Why a row of the export pre-fills nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnmatchedReason {
    /// The id is an account of the registry outside the sample.
    NotSampled,
    /// The id is no account of the registry.
    NotInRegistry,
    /// No id; the name (with type, owner, region) is one account of the registry, outside the
    /// sample.
    OtherAccount {
        /// That account.
        id: String,
        /// The columns compared.
        keys: NameKeys,
    },
    /// No id, and no account of the registry has this name and type (and owner, region).
    NoSuchName {
        /// The columns compared.
        keys: NameKeys,
    },
    /// No id, and several accounts of the registry share this name and type (and owner,
    /// region): the evidence belongs to one of them, and which one is not known.
    AmbiguousName {
        /// How many.
        count: usize,
        /// The columns compared.
        keys: NameKeys,
    },
    /// No id, and the row's 所属地区 names no place of the province.
    BadRegion {
        /// Why, as region resolution says.
        detail: String,
    },
    /// The row names neither an id nor a name.
    NoKey,
    /// An earlier row was about the same account; the first one is used.
    Duplicate {
        /// That earlier row.
        first_row: u32,
    },
}

impl UnmatchedReason {
    /// The reason as monitor_unmatched.csv states it.
    pub fn label(&self) -> String {
        match self {
            UnmatchedReason::NotSampled => "账号ID不在本期样本中".into(),
            UnmatchedReason::NotInRegistry => "账号ID不在台账中".into(),
            UnmatchedReason::OtherAccount { id, keys } => {
                format!("{}对应台账中的账号 {id},它不在本期样本中", keys.label())
            }
            UnmatchedReason::NoSuchName { keys } => {
                format!("台账中没有{}都相同的账号", keys.label())
            }
            UnmatchedReason::AmbiguousName { count, keys } => {
                // Only the keys this row lacks: its cell may be empty in a column the export
                // has, so the hint asks for the value, not for a column.
                let missing: Vec<&str> = [(keys.owner, "开设主体"), (keys.region, "所属地区")]
                    .into_iter()
                    .filter(|(given, _)| !given)
                    .map(|(_, name)| name)
                    .collect();
                let more = if missing.is_empty() {
                    String::new()
                } else {
                    format!("(或在该行填上 {})", missing.join("、"))
                };
                format!(
                    "同名账号 {count} 个({}都相同),无法确定是哪一个;请在监测数据中给出账号ID{more}",
                    keys.label()
                )
            }
            UnmatchedReason::BadRegion { detail } => format!("无法按所属地区区分: {detail}"),
            UnmatchedReason::NoKey => "没有账号ID,也没有名称".into(),
            UnmatchedReason::Duplicate { first_row } => {
                format!("与第 {first_row} 行是同一个账号,已用第 {first_row} 行")
            }
        }
    }

    /// A short heading for counting reasons on the console.
    pub fn kind(&self) -> &'static str {
        match self {
            UnmatchedReason::NotSampled | UnmatchedReason::OtherAccount { .. } => "不在本期样本中",
            UnmatchedReason::NotInRegistry => "账号ID不在台账中",
            UnmatchedReason::NoSuchName { .. } => "台账中没有这个账号",
            UnmatchedReason::AmbiguousName { .. } => "同名账号无法区分",
            UnmatchedReason::BadRegion { .. } => "所属地区无法识别",
            UnmatchedReason::NoKey => "没有账号ID和名称",
            UnmatchedReason::Duplicate { .. } => "同一账号的重复行",
        }
    }
}

/// A row that matched no sampled account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmatched {
    /// The row as read.
    pub observation: Observation,
    /// Why.
    pub reason: UnmatchedReason,
}

/// The export matched to the sample: each sampled account's observation, and the rest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matching {
    /// Observation by sampled account id.
    pub matched: HashMap<String, Observation>,
    /// Rows that match no sampled account, in file order: the first [`MAX_KEPT_UNMATCHED`].
    pub unmatched: Vec<Unmatched>,
    /// Every unmatched row, by kind of reason ([`UnmatchedReason::kind`]), in the order each
    /// kind first occurs.
    pub unmatched_kinds: Vec<(&'static str, usize)>,
}

/// The most unmatched rows kept (in memory and in monitor_unmatched.csv); every one past that
/// is counted by kind and the total stated: an export of the whole country against a sample
/// of 200 leaves millions unmatched.
pub const MAX_KEPT_UNMATCHED: usize = 10_000;

impl Matching {
    /// Every unmatched row, kept or not.
    pub fn unmatched_total(&self) -> usize {
        self.unmatched_kinds.iter().map(|(_, n)| n).sum()
    }

    fn push_unmatched(&mut self, u: Unmatched) {
        let kind = u.reason.kind();
        match self.unmatched_kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => self.unmatched_kinds.push((kind, 1)),
        }
        if self.unmatched.len() < MAX_KEPT_UNMATCHED {
            self.unmatched.push(u);
        }
    }
}

/// The registry's accounts by name and type (classified as import does), to find the one
/// account a row without an id is about.
struct ByName<'a> {
    accounts: HashMap<(String, SharedText), Vec<&'a Account>>,
}

impl<'a> ByName<'a> {
    fn new(registry: &'a [Account]) -> ByName<'a> {
        let mut accounts: HashMap<(String, SharedText), Vec<&Account>> = HashMap::new();
        for a in registry {
            let key = (match_key(&a.name), a.account_type.clone());
            accounts.entry(key).or_default().push(a);
        }
        ByName { accounts }
    }

    /// The one account of the registry with the row's name and type, narrowed by the row's
    /// 开设主体 and 所属地区 where it gives them; none, or several, is a reason.
    fn find(&self, obs: &Observation, profile: &Profile) -> Result<&'a Account, UnmatchedReason> {
        let key = (
            match_key(&obs.name),
            crate::domain::registry::classify_type(&profile.types, &obs.account_type),
        );
        let mut found: Vec<&Account> = self.accounts.get(&key).cloned().unwrap_or_default();
        // One type may cover several platforms (抖音 and 今日头条 are both 其他): where the row
        // and an account each name a platform, they must name the same one.
        if let Some(p) = crate::domain::profile::platform(&obs.account_type) {
            found.retain(|a| account_platform(a).is_none_or(|q| q == p));
        }
        let keys = NameKeys {
            owner: !obs.owner.is_empty(),
            region: !obs.region.is_empty(),
        };
        if keys.owner {
            let owner = match_key(&obs.owner);
            found.retain(|a| match_key(&a.owner) == owner);
        }
        if keys.region {
            let place = profile.resolve(&obs.region, &obs.owner).map_err(|e| {
                UnmatchedReason::BadRegion {
                    detail: e.to_string(),
                }
            })?;
            found.retain(|a| in_place(a, &place));
        }
        match found.as_slice() {
            [one] => Ok(one),
            [] => Err(UnmatchedReason::NoSuchName { keys }),
            many => Err(UnmatchedReason::AmbiguousName {
                count: many.len(),
                keys,
            }),
        }
    }
}

/// The platform an account's own type text names (its 平台 column first), if any.
fn account_platform(a: &Account) -> Option<&'static str> {
    crate::domain::profile::platform(&a.platform)
        .or_else(|| crate::domain::profile::platform(&a.raw.account_type))
}

/// Whether an account lies in a place: the same prefecture (or both provincial), and the same
/// county where both name one.
fn in_place(a: &Account, place: &Region) -> bool {
    let prefecture = place.prefecture.as_deref().unwrap_or(PROVINCE_REGION);
    let county = match (place.county.as_deref(), a.county.as_str()) {
        (Some(c), mine) if !mine.is_empty() => c == mine,
        _ => true,
    };
    a.region == prefecture && county
}

/// Match rows to sampled accounts. Evidence belongs to one account or to none: a row with an
/// id is about that account; a row without one is about the account of the whole registry
/// (not just the sample) with its name and type, narrowed by 开设主体 and 所属地区 where the
/// export gives them, when there is exactly one such account. Types are classified by the
/// campaign's profile, as import does. A second row for an account is unmatched.
pub fn match_rows(
    registry: &[Account],
    sample: &HashSet<&str>,
    rows: Vec<Observation>,
    profile: &Profile,
) -> Matching {
    let ids: HashSet<&str> = registry.iter().map(|a| a.id.as_str()).collect();
    let by_name = ByName::new(registry);
    let mut out = Matching::default();
    let mut first_row: HashMap<String, u32> = HashMap::new();
    for obs in rows {
        let found = if !obs.id.is_empty() {
            match (
                sample.contains(obs.id.as_str()),
                ids.contains(obs.id.as_str()),
            ) {
                (true, _) => Ok(obs.id.clone()),
                (false, true) => Err(UnmatchedReason::NotSampled),
                (false, false) => Err(UnmatchedReason::NotInRegistry),
            }
        } else if obs.name.is_empty() {
            Err(UnmatchedReason::NoKey)
        } else {
            by_name.find(&obs, profile).and_then(|a| {
                if sample.contains(a.id.as_str()) {
                    Ok(a.id.clone())
                } else {
                    Err(UnmatchedReason::OtherAccount {
                        id: a.id.clone(),
                        keys: NameKeys {
                            owner: !obs.owner.is_empty(),
                            region: !obs.region.is_empty(),
                        },
                    })
                }
            })
        };
        let found = found.and_then(|id| match first_row.get(&id) {
            Some(r) => Err(UnmatchedReason::Duplicate { first_row: *r }),
            None => Ok(id),
        });
        match found {
            Ok(id) => {
                first_row.insert(id.clone(), obs.row);
                out.matched.insert(id, obs);
            }
            Err(reason) => out.push_unmatched(Unmatched {
                observation: obs,
                reason,
            }),
        }
    }
    out
}

/// One pre-filled answer: what the monitoring data says about one veto item of one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prefill {
    /// The account.
    pub id: String,
    /// The indicator's code.
    pub code: String,
    /// 1 (是, the problem is there) or 0 (否).
    pub value: u32,
    /// The evidence, for the 预填依据 column: "最后更新 2020-02-28,距监测时间 23 天".
    pub evidence: String,
}

/// A pre-fill rule that needs a monitoring time the row does not give.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("监测数据第 {row} 行没有监测时间(监测时间 列为空或没有这一列);请用 --monitor-at YYYY-MM-DD 给出监测时间")]
pub struct MissingTime {
    /// The export's row.
    pub row: u32,
}

/// The pre-fills one observation gives under the catalog's rules, in catalog order. The
/// monitoring time is the row's own, else `default_at` (`--monitor-at`).
pub fn prefills(
    cat: &Catalog,
    id: &str,
    obs: &Observation,
    default_at: Option<NaiveDate>,
) -> Result<Vec<Prefill>, MissingTime> {
    let mut out = Vec::new();
    for ind in &cat.indicators {
        let Some(rule) = ind.monitor else { continue };
        let at = obs.monitored_at.or(default_at);
        if let Some((value, evidence)) = apply(rule, obs, at, obs.row)? {
            out.push(Prefill {
                id: id.to_string(),
                code: ind.code.clone(),
                value,
                evidence,
            });
        }
    }
    Ok(out)
}

/// One rule on one observation: the answer and its evidence, or nothing without evidence.
fn apply(
    rule: MonitorRule,
    obs: &Observation,
    at: Option<NaiveDate>,
    row: u32,
) -> Result<Option<(u32, String)>, MissingTime> {
    Ok(match rule {
        MonitorRule::NoUpdate { days } => match obs.last_post {
            None => None,
            Some(last) => {
                let at = at.ok_or(MissingTime { row })?;
                let gap = (at - last).num_days();
                let evidence = if gap < 0 {
                    format!("最后更新 {last},晚于监测时间 {at}")
                } else {
                    format!("最后更新 {last},距监测时间 {at} {gap} 天")
                };
                Some((u32::from(gap >= i64::from(days)), evidence))
            }
        },
        MonitorRule::Unanswered { above } => match (obs.unanswered, obs.messages) {
            (Some(n), messages) => {
                let of = messages
                    .map(|m| format!("(收到留言 {m} 条)"))
                    .unwrap_or_default();
                Some((u32::from(n > above), format!("超期未回复留言 {n} 条{of}")))
            }
            (None, Some(0)) => Some((0, "监测期内没有收到留言".to_string())),
            (None, _) => None,
        },
        MonitorRule::Interaction => obs.interaction.map(|i| {
            (
                u32::from(i == Interaction::Broken),
                format!("互动功能{}", i.label()),
            )
        }),
    })
}

/// What became of one pre-filled answer: kept, or changed by the inspector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrefillCheck {
    /// The indicator's code.
    pub code: String,
    /// The pre-filled value (1 是, 0 否).
    pub prefilled: u32,
    /// The value returned.
    pub answered: u32,
}

impl PrefillCheck {
    /// Whether the inspector kept the pre-filled answer.
    pub fn kept(&self) -> bool {
        self.prefilled == self.answered
    }
}

fn yes_no(v: u32) -> &'static str {
    if v > 0 {
        "是"
    } else {
        "否"
    }
}

/// The checks of one answer as answers.csv stores them: "V6:是→是;V8:否→是".
pub fn checks_text(checks: &[PrefillCheck]) -> String {
    checks
        .iter()
        .map(|c| format!("{}:{}→{}", c.code, yes_no(c.prefilled), yes_no(c.answered)))
        .collect::<Vec<_>>()
        .join(";")
}

/// Parse [`checks_text`] back; `None` if it is not in that form.
pub fn parse_checks(text: &str) -> Option<Vec<PrefillCheck>> {
    let value = |s: &str| match s {
        "是" => Some(1),
        "否" => Some(0),
        _ => None,
    };
    text.split(';')
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (code, change) = item.rsplit_once(':')?;
            let (from, to) = change.split_once('→')?;
            Some(PrefillCheck {
                code: code.to_string(),
                prefilled: value(from)?,
                answered: value(to)?,
            })
        })
        .collect()
}

/// The pre-fill of a whole sample from one export.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Every pre-filled answer, in sample order, then catalog order.
    pub prefills: Vec<Prefill>,
    /// Sampled accounts the export had a row for.
    pub matched: usize,
    /// Rows that matched no sampled account (the first [`MAX_KEPT_UNMATCHED`]).
    pub unmatched: Vec<Unmatched>,
    /// Every unmatched row, by kind of reason, in the order each kind first occurs.
    pub unmatched_kinds: Vec<(&'static str, usize)>,
}

impl Plan {
    /// Every unmatched row, kept or not.
    pub fn unmatched_total(&self) -> usize {
        self.unmatched_kinds.iter().map(|(_, n)| n).sum()
    }
}

/// Match the export to the sample (see [`match_rows`]) and apply the catalog's rules to every
/// matched row.
pub fn plan(
    cat: &Catalog,
    registry: &[Account],
    sample: &[Account],
    rows: Vec<Observation>,
    default_at: Option<NaiveDate>,
    profile: &Profile,
) -> Result<Plan, MissingTime> {
    let sampled: HashSet<&str> = sample.iter().map(|a| a.id.as_str()).collect();
    let matching = match_rows(registry, &sampled, rows, profile);
    let mut prefills_all = Vec::new();
    for a in sample {
        if let Some(obs) = matching.matched.get(&a.id) {
            prefills_all.extend(prefills(cat, &a.id, obs, default_at)?);
        }
    }
    Ok(Plan {
        prefills: prefills_all,
        matched: matching.matched.len(),
        unmatched: matching.unmatched,
        unmatched_kinds: matching.unmatched_kinds,
    })
}

/// monitor_unmatched.csv: each row of the export that pre-filled nothing, and why; past
/// [`MAX_KEPT_UNMATCHED`], a last row states how many more there were.
pub fn unmatched_table(plan: &Plan) -> (Vec<String>, Vec<Vec<String>>) {
    let header = ["行号", "账号ID", "名称", "类型", "原因"]
        .map(String::from)
        .to_vec();
    let total = plan.unmatched_total();
    let omitted = total.saturating_sub(plan.unmatched.len());
    let more = (omitted > 0).then(|| {
        let mut r = vec![String::new(); 4];
        r.push(format!(
            "共 {total} 行未匹配,以上只列出前 {} 行,其余 {omitted} 行只计数",
            plan.unmatched.len()
        ));
        r
    });
    let rows = plan
        .unmatched
        .iter()
        .map(|u| {
            let o = &u.observation;
            vec![
                o.row.to_string(),
                o.id.clone(),
                o.name.clone(),
                o.account_type.clone(),
                u.reason.label(),
            ]
        })
        .chain(more)
        .collect();
    (header, rows)
}

/// monitor_prefill.csv: every pre-filled answer with its evidence (the hidden sheets of the
/// workbooks carry the same, signed).
pub fn prefill_table(cat: &Catalog, prefills: &[Prefill]) -> (Vec<String>, Vec<Vec<String>>) {
    let header = ["账号ID", "指标", "预填值", "依据"]
        .map(String::from)
        .to_vec();
    let rows = prefills
        .iter()
        .map(|p| {
            let name = cat.get(&p.code).map(|i| i.name.as_str()).unwrap_or("");
            vec![
                p.id.clone(),
                crate::domain::indicators::indicator_header(&p.code, name),
                yes_no(p.value).to_string(),
                p.evidence.clone(),
            ]
        })
        .collect();
    (header, rows)
}

/// Per indicator: how the pre-filled answers fared once inspectors returned their workbooks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrefillTally {
    /// Answers pre-filled.
    pub prefilled: usize,
    /// Of these, pre-filled 是.
    pub prefilled_yes: usize,
    /// Kept as pre-filled.
    pub kept: usize,
    /// Changed from 是 to 否.
    pub yes_to_no: usize,
    /// Changed from 否 to 是.
    pub no_to_yes: usize,
}

impl PrefillTally {
    /// Count one returned pre-fill.
    pub fn add(&mut self, c: &PrefillCheck) {
        self.prefilled += 1;
        self.prefilled_yes += usize::from(c.prefilled > 0);
        match (c.prefilled > 0, c.answered > 0) {
            (true, false) => self.yes_to_no += 1,
            (false, true) => self.no_to_yes += 1,
            _ => self.kept += 1,
        }
    }

    /// The tally over every indicator.
    pub fn total<'a>(checks: impl Iterator<Item = &'a PrefillCheck>) -> PrefillTally {
        let mut t = PrefillTally::default();
        checks.for_each(|c| t.add(c));
        t
    }

    /// Answers changed either way.
    pub fn changed(&self) -> usize {
        self.yes_to_no + self.no_to_yes
    }
}

/// The tally of every indicator that had a pre-fill, in catalog order, over the answers that
/// count (one per checked account).
pub fn tally<'a>(
    cat: &'a Catalog,
    checks: impl Iterator<Item = &'a [PrefillCheck]>,
) -> Vec<(&'a crate::domain::indicators::Indicator, PrefillTally)> {
    let mut by_code: HashMap<&str, PrefillTally> = HashMap::new();
    for c in checks.flatten() {
        by_code.entry(c.code.as_str()).or_default().add(c);
    }
    cat.indicators
        .iter()
        .filter_map(|i| Some((i, by_code.remove(i.code.as_str())?)))
        .collect()
}

#[cfg(test)]
mod tests;
