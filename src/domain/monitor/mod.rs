//! Monitoring exports (监测数据): per-account evidence from the filing and monitoring platforms
//! (last post, messages left unanswered, whether interaction works), matched to the sample and
//! turned into pre-filled veto answers by the catalog's rules ([`MonitorRule`]). Pure: the file
//! is read in `io::monitor_file`, the workbook shows the result.

pub mod cells;

use crate::domain::indicators::{Catalog, MonitorRule};
use crate::domain::registry::Account;
use chrono::NaiveDate;
use std::collections::HashMap;

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

/// Why a row of the export pre-fills nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnmatchedReason {
    /// The id is not a sampled account.
    NotSampled,
    /// No id, and no sampled account has this name and type.
    NoSuchName,
    /// No id, and several sampled accounts have this name and type.
    AmbiguousName {
        /// How many.
        count: usize,
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
            UnmatchedReason::NoSuchName => "样本中没有同名同类型的账号".into(),
            UnmatchedReason::AmbiguousName { count } => {
                format!(
                    "样本中有 {count} 个同名同类型账号,无法确定是哪一个(请在监测数据中提供账号ID)"
                )
            }
            UnmatchedReason::NoKey => "没有账号ID,也没有名称".into(),
            UnmatchedReason::Duplicate { first_row } => {
                format!("与第 {first_row} 行是同一个账号,已用第 {first_row} 行")
            }
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

/// The most unmatched rows kept (in memory and in monitor_unmatched.csv); every one past that
/// is counted and the total stated: an export of the whole province against a sample of 200
/// leaves millions unmatched.
pub const MAX_KEPT_UNMATCHED: usize = 10_000;

/// The export matched to the sample: each sampled account's observation, and the rest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matching {
    /// Observation by sampled account id.
    pub matched: HashMap<String, Observation>,
    /// Rows that match no sampled account, in file order (the first [`MAX_KEPT_UNMATCHED`]).
    pub unmatched: Vec<Unmatched>,
    /// Every row that matched no sampled account, kept or not.
    pub unmatched_total: usize,
    /// Rows of the export (blank key rows not included).
    pub rows: usize,
}

/// Matches rows to sampled accounts as they are read, so an export is never held whole: by id
/// when the row has one, else by name and type (the type classified by `classify`, as import
/// does). A second row for an account is unmatched.
pub struct Matcher<'a, F> {
    ids: std::collections::HashSet<&'a str>,
    by_name: HashMap<(String, String), Vec<&'a str>>,
    first_row: HashMap<String, u32>,
    classify: F,
    out: Matching,
}

impl<'a, F: Fn(&str) -> String> Matcher<'a, F> {
    /// A matcher for `sample`.
    pub fn new(sample: &'a [Account], classify: F) -> Self {
        let mut by_name: HashMap<(String, String), Vec<&str>> = HashMap::new();
        for a in sample {
            let key = (
                crate::domain::text::match_key(&a.name),
                a.account_type.clone(),
            );
            by_name.entry(key).or_default().push(&a.id);
        }
        Matcher {
            ids: sample.iter().map(|a| a.id.as_str()).collect(),
            by_name,
            first_row: HashMap::new(),
            classify,
            out: Matching::default(),
        }
    }

    /// The sampled account a row is about, or why none.
    fn account_of(&self, obs: &Observation) -> Result<String, UnmatchedReason> {
        let found = if !obs.id.is_empty() {
            if self.ids.contains(obs.id.as_str()) {
                Ok(obs.id.clone())
            } else {
                Err(UnmatchedReason::NotSampled)
            }
        } else if obs.name.is_empty() {
            Err(UnmatchedReason::NoKey)
        } else {
            let key = (
                crate::domain::text::match_key(&obs.name),
                (self.classify)(&obs.account_type),
            );
            match self.by_name.get(&key).map(Vec::as_slice) {
                Some([one]) => Ok(one.to_string()),
                Some(many) if many.len() > 1 => {
                    Err(UnmatchedReason::AmbiguousName { count: many.len() })
                }
                _ => Err(UnmatchedReason::NoSuchName),
            }
        };
        found.and_then(|id| match self.first_row.get(&id) {
            Some(r) => Err(UnmatchedReason::Duplicate { first_row: *r }),
            None => Ok(id),
        })
    }

    /// Take one row.
    pub fn push(&mut self, obs: Observation) {
        self.out.rows += 1;
        match self.account_of(&obs) {
            Ok(id) => {
                self.first_row.insert(id.clone(), obs.row);
                self.out.matched.insert(id, obs);
            }
            Err(reason) => {
                self.out.unmatched_total += 1;
                if self.out.unmatched.len() < MAX_KEPT_UNMATCHED {
                    self.out.unmatched.push(Unmatched {
                        observation: obs,
                        reason,
                    });
                }
            }
        }
    }

    /// What the rows matched.
    pub fn finish(self) -> Matching {
        self.out
    }
}

/// Match rows to sampled accounts (see [`Matcher`]).
pub fn match_sample(
    sample: &[Account],
    rows: Vec<Observation>,
    classify: impl Fn(&str) -> String,
) -> Matching {
    let mut m = Matcher::new(sample, classify);
    for obs in rows {
        m.push(obs);
    }
    m.finish()
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
    /// Every row that matched no sampled account.
    pub unmatched_total: usize,
    /// Rows of the export.
    pub rows: usize,
}

/// Apply the catalog's rules to every row the export matched to the sample.
pub fn plan(
    cat: &Catalog,
    sample: &[Account],
    matching: Matching,
    default_at: Option<NaiveDate>,
) -> Result<Plan, MissingTime> {
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
        unmatched_total: matching.unmatched_total,
        rows: matching.rows,
    })
}

/// monitor_unmatched.csv: each row of the export that pre-filled nothing, and why; past
/// [`MAX_KEPT_UNMATCHED`], a last row states how many more there were.
pub fn unmatched_table(plan: &Plan) -> (Vec<String>, Vec<Vec<String>>) {
    let header = ["行号", "账号ID", "名称", "类型", "原因"]
        .map(String::from)
        .to_vec();
    let omitted = plan.unmatched_total - plan.unmatched.len();
    let more = (omitted > 0).then(|| {
        vec![
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            format!(
                "共 {} 行未匹配,以上只列出前 {} 行,其余 {omitted} 行只计数",
                plan.unmatched_total,
                plan.unmatched.len()
            ),
        ]
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
