//! Stratified sampling: allocation (pure arithmetic), certainty units, the seeded draw, and the
//! recorded design. No I/O.
//!
//! The draw is our own and pinned by golden tests: for each stratum a ChaCha20 generator is
//! keyed by SHA-256 of ("audit-sample-v1", seed, stratum key); the stratum's non-certainty units
//! are sorted by id and a partial Fisher–Yates shuffle picks n_h of them, with bounded integers
//! drawn by rejection (no modulo bias). Nothing here depends on `rand`'s versioned algorithms.

pub mod allocate;

use crate::domain::profile::TypeScheme;
use crate::domain::registry::normalize::{region_rank_in, LEVELS};
use crate::domain::registry::{Account, GroupColumn, Registry};
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Where a sampled account sits in the design: the sample file's last columns, read back.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleMark {
    /// Stratum key, its values joined with "/", as sample.csv shows it (for people only: two
    /// strata can join to the same text).
    pub stratum: String,
    /// The stratum key itself: the account's value in each strata column, in order. What
    /// strata are matched by.
    pub key: Vec<String>,
    /// Why the account is in the sample (random, take-all, re-check).
    pub reason: Reason,
}

/// Why a sample cannot be drawn; each message is a sentence for the user naming the option.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SampleError {
    /// A `--take-all` rule is not `列=值`.
    #[error("--take-all \"{0}\" 格式错误:应为 列=值,例如 owner_kind=政府 或 level=省级|市级")]
    TakeAllFormat(String),
    /// A `--take-all` rule names a column the registry lacks.
    #[error("--take-all \"{text}\": 台账中没有列 \"{column}\"")]
    TakeAllColumn {
        /// The rule.
        text: String,
        /// The column it names.
        column: String,
    },
    /// A `--take-all` rule has no value.
    #[error("--take-all \"{0}\": 缺少值")]
    TakeAllNoValue(String),
    /// Neyman allocation found no checked random unit last quarter.
    #[error("上期没有已检查的随机样本账号,无法计算 Neyman 分配")]
    NoRandomHistory,
    /// `--strata` is empty.
    #[error("--strata 不能为空")]
    NoStrata,
    /// A stratification column the registry lacks.
    #[error("分层列 \"{name}\" 不在台账中;可用的列: {known}")]
    UnknownStratumColumn {
        /// The column asked for.
        name: String,
        /// The columns there are.
        known: String,
    },
    /// No active, non-excluded account.
    #[error("抽样框为空:台账中没有状态为正常且未被排除的账号")]
    EmptyFrame,
    /// A quota names a stratum the frame lacks.
    #[error("配额中的分层 \"{0}\" 在抽样框中不存在")]
    QuotaUnknownStratum(String),
    /// `--min-per-region` with a quota file, whose sizes are fixed per stratum.
    #[error("--min-per-region 不能与配额(--quota)同时使用:配额已给定每层的样本数")]
    MinPerRegionWithQuota,
    /// A quota asks for more than the stratum holds.
    #[error("配额中分层 \"{key}\" 的 n={n} 超过该层账号数 {total}")]
    QuotaOverStratum {
        /// The stratum.
        key: String,
        /// The quota.
        n: u64,
        /// Its units.
        total: u64,
    },
    /// A quota is below the stratum's certainty units.
    #[error("配额中分层 \"{key}\" 的 n={n} 小于该层必查账号数 {certainty}")]
    QuotaBelowCertainty {
        /// The stratum.
        key: String,
        /// The quota.
        n: u64,
        /// Its certainty units.
        certainty: u64,
    },
    /// `--size` disagrees with the quotas' total.
    #[error("--size {size} 与配额合计 {total} 不一致")]
    SizeQuotaMismatch {
        /// --size.
        size: u64,
        /// The quotas' total.
        total: u64,
    },
    /// `--rate` outside (0, 1].
    #[error("--rate {0} 应在 0 到 1 之间(不含 0)")]
    RateOutOfRange(f64),
    /// Neither `--size` nor `--rate`.
    #[error("请用 --size N 或 --rate R 给出样本量")]
    NoSize,
    /// A sample of 0.
    #[error("样本量应大于 0")]
    ZeroSize,
    /// More than the frame holds.
    #[error("样本量 {size} 大于抽样框 {frame} 个账号")]
    SizeExceedsFrame {
        /// The sample size.
        size: u64,
        /// The frame.
        frame: u64,
    },
    /// Fewer than the certainty units.
    #[error("样本量 {size} 小于必查账号数 {certainty}(--take-all / --recheck);请增大 --size")]
    SizeBelowCertainty {
        /// The sample size.
        size: u64,
        /// The certainty units.
        certainty: u64,
    },
    /// The random part cannot be allocated.
    #[error(transparent)]
    Allocation(#[from] allocate::AllocationError),
}

/// Bump when the draw or the sample file's bytes change on purpose. v2: exact optimal allocation
/// (Wright) for proportional and Neyman, and sample.csv's design columns 抽样框层大小/层样本量/必查数.
pub const ALGORITHM: &str = "audit-chacha20-fisher-yates-v2";

/// The recorded sample design, kept in the campaign manifest: enough to redraw the sample and
/// verify it byte for byte (`audit verify`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Design {
    /// The draw algorithm's version (`ALGORITHM` when the sample was drawn).
    pub algorithm: String,
    /// Seed of the stratum generators; with the registry and this design it reproduces the sample.
    pub seed: u64,
    /// "given" or "os"
    pub seed_source: String,
    /// Stratification columns as given to --strata (keys or headers); with `min_per_region`
    /// the draw crosses them with the region (see [`effective_strata`]).
    pub strata_columns: Vec<String>,
    /// Allocation method: proportional, equal, neyman or quota.
    pub allocation: String,
    /// Total sample size n, certainty units included.
    pub requested_size: u64,
    /// Minimum random draws per stratum (--min-per-stratum).
    pub min_per_stratum: u64,
    /// Minimum sampled accounts per region, certainty units included (--min-per-region); the
    /// strata are then crossed with the region. Absent from designs drawn without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_per_region: Option<u64>,
    /// --take-all rules as written, e.g. owner_kind=政府.
    pub take_all: Vec<String>,
    /// The --recheck source (回头看: a previous campaign or an id list), if any.
    pub recheck_source: Option<String>,
    /// Campaign-relative file with the 回头看 ids actually used, if any.
    pub recheck_ids_file: Option<String>,
    /// The --exclude file given, if any.
    pub exclude_source: Option<String>,
    /// Campaign-relative file with the excluded ids actually used, if any.
    pub exclude_ids_file: Option<String>,
    /// Campaign-relative copy of the --quota file, if quota allocation was used.
    pub quota_file: Option<String>,
    /// The --previous campaign whose fail rates fed Neyman allocation, if any.
    pub previous: Option<String>,
    /// SHA-256 of the registry the sample was drawn from, so a changed registry is noticed.
    pub registry_sha256: String,
    /// Campaign-relative name of the sample file (sample.csv).
    pub sample_file: String,
    /// SHA-256 of the sample file's bytes as written.
    pub sample_sha256: String,
    /// Frame size N: active accounts not excluded.
    pub frame_size: u64,
    /// Active accounts removed from the frame by the exclusion list.
    pub excluded: u64,
    /// Certainty units (必查 and 回头看) in the sample.
    pub certainty: u64,
    /// When the sample was drawn (RFC 3339).
    pub drawn_at: String,
    /// Per-stratum design, in stratum order.
    pub strata: Vec<StratumDesign>,
    /// The type order strata were sorted by (the profile's); empty in designs drawn before it
    /// was recorded, which sorted by the built-in 微信/微博/移动客户端/其他.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub type_order: Vec<String>,
}

impl Design {
    /// Whether the sample is every account in operation (a census, 全覆盖检查): nothing was
    /// excluded from the frame and every frame unit was taken.
    pub fn is_census(&self) -> bool {
        let taken: u64 = self.strata.iter().map(|s| s.total).sum();
        self.frame_size > 0 && self.excluded == 0 && taken == self.frame_size
    }
}

/// One stratum's part of the design: its size, certainty units and draw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct StratumDesign {
    /// The stratum's values, one per stratification column, e.g. ["县级", "微信"].
    pub key: Vec<String>,
    /// N_h: frame units in the stratum.
    pub population: u64,
    /// Certainty units in the stratum.
    pub certainty: u64,
    /// Random draw size from the N_h − certainty other units.
    pub random: u64,
    /// Stratum sample size: certainty plus random units.
    pub total: u64,
    /// Every non-certainty unit was taken.
    pub taken_whole: bool,
    /// Neyman only: the fail rate used (after the floor).
    pub fail_rate: Option<f64>,
}

impl StratumDesign {
    /// N_h − c_h: the stratum's units the random draw was made from.
    pub fn random_frame(&self) -> u64 {
        self.population.saturating_sub(self.certainty)
    }

    /// Design weight of a randomly drawn unit: (N_h − c_h) / n_h.
    pub fn random_weight(&self) -> f64 {
        if self.random == 0 {
            0.0
        } else {
            self.population.saturating_sub(self.certainty) as f64 / self.random as f64
        }
    }
}

/// `COLUMN=VALUE[|VALUE…]` or `COLUMN!=VALUE[|VALUE…]`.
#[derive(Clone, Debug, PartialEq)]
pub struct TakeAll {
    /// The rule as the user wrote it, for messages and the design record.
    pub text: String,
    /// The registry column the rule tests.
    pub column: GroupColumn,
    /// Accepted values, cleaned and width-folded; any one matches.
    pub values: Vec<String>,
    /// A `!=` rule: matches accounts whose value is none of `values`.
    pub negate: bool,
}

impl TakeAll {
    /// Parse a `--take-all` rule against the registry's columns; errors are sentences for the user.
    pub fn parse(text: &str, reg: &Registry) -> Result<TakeAll, SampleError> {
        let (col, vals, negate) = if let Some((c, v)) = text.split_once("!=") {
            (c, v, true)
        } else if let Some((c, v)) = text.split_once('=') {
            (c, v, false)
        } else {
            return Err(SampleError::TakeAllFormat(text.to_string()));
        };
        let col = col.trim();
        let column = reg.column(col).ok_or_else(|| SampleError::TakeAllColumn {
            text: text.to_string(),
            column: col.to_string(),
        })?;
        let values: Vec<String> = vals
            .split('|')
            .map(|v| crate::domain::text::clean(&crate::domain::text::fold_width(v)))
            .filter(|v| !v.is_empty())
            .collect();
        if values.is_empty() {
            return Err(SampleError::TakeAllNoValue(text.to_string()));
        }
        Ok(TakeAll {
            text: text.to_string(),
            column,
            values,
            negate,
        })
    }

    /// The rule with its values as the registry stores them (`canon` reads a value of a column
    /// through the campaign's profile: `level=市(州)级` → `level=市级`); a malformed rule is
    /// returned as it is, for [`draw`] to name.
    pub fn canonical(
        text: &str,
        reg: &Registry,
        canon: &dyn Fn(&GroupColumn, &str) -> String,
    ) -> String {
        let Ok(rule) = TakeAll::parse(text, reg) else {
            return text.to_string();
        };
        let (col, _) = text
            .split_once(if rule.negate { "!=" } else { "=" })
            .unwrap_or((text, ""));
        let values: Vec<String> = rule.values.iter().map(|v| canon(&rule.column, v)).collect();
        let op = if rule.negate { "!=" } else { "=" };
        format!("{}{op}{}", col.trim(), values.join("|"))
    }

    /// Whether the rule takes this account with certainty (必查).
    pub fn matches(&self, reg: &Registry, a: &Account) -> bool {
        let v = crate::domain::text::fold_width(reg.value(a, &self.column));
        self.values.contains(&v) != self.negate
    }
}

/// How the random part of the sample is spread over the strata (--allocation).
#[derive(Clone, Debug, PartialEq)]
pub enum AllocationSpec {
    /// n_h proportional to the stratum's non-certainty units.
    Proportional,
    /// The same n_h in every stratum, as far as its units allow.
    Equal,
    /// Fail rate per stratum key (missing strata use `overall`).
    Neyman {
        /// Previous fail rate per stratum key, among random units only.
        fail_rates: HashMap<Vec<String>, f64>,
        /// Overall previous fail rate, for strata without one of their own.
        overall: f64,
    },
    /// Total sample per stratum key (certainty units included).
    Quota(BTreeMap<Vec<String>, u64>),
}

impl AllocationSpec {
    /// The method's name, as --allocation spells it and the design records it.
    pub fn name(&self) -> &'static str {
        match self {
            AllocationSpec::Proportional => "proportional",
            AllocationSpec::Equal => "equal",
            AllocationSpec::Neyman { .. } => "neyman",
            AllocationSpec::Quota(_) => "quota",
        }
    }
}

/// One checked account of an earlier campaign, for re-checks and Neyman allocation.
#[derive(Clone, Debug, PartialEq)]
pub struct PreviousResult {
    /// The account id.
    pub id: String,
    /// Its verdict.
    pub qualified: bool,
    /// It was drawn at random (not taken with certainty), so it stands for its stratum.
    pub random: bool,
}

/// Neyman allocation from an earlier quarter's verdicts: the fail rate of each stratum (and
/// overall) among its **random** units only. Take-all and re-check units were chosen for what
/// they are (re-checks fail far more often), so they do not stand for their stratum.
pub fn neyman_from(
    reg: &Registry,
    strata: &[String],
    results: &[PreviousResult],
) -> Result<AllocationSpec, SampleError> {
    let cols: Vec<GroupColumn> = strata
        .iter()
        .map(|s| {
            reg.column(s)
                .ok_or_else(|| SampleError::UnknownStratumColumn {
                    name: s.clone(),
                    known: reg.canonical_header().join(", "),
                })
        })
        .collect::<Result<_, _>>()?;
    let by_id = reg.by_id();
    let mut per: HashMap<Vec<String>, (u64, u64)> = HashMap::new();
    let (mut fails, mut checked) = (0u64, 0u64);
    for r in results.iter().filter(|r| r.random) {
        checked += 1;
        fails += u64::from(!r.qualified);
        if let Some(a) = by_id.get(r.id.as_str()) {
            let key: Vec<String> = cols.iter().map(|c| reg.value(a, c).to_string()).collect();
            let e = per.entry(key).or_default();
            e.0 += u64::from(!r.qualified);
            e.1 += 1;
        }
    }
    if checked == 0 {
        return Err(SampleError::NoRandomHistory);
    }
    Ok(AllocationSpec::Neyman {
        fail_rates: per
            .into_iter()
            .map(|(k, (f, n))| (k, f as f64 / n as f64))
            .collect(),
        overall: fails as f64 / checked as f64,
    })
}

/// Floor and ceiling for Neyman fail rates, so 0% and 100% strata are still sampled.
pub const NEYMAN_FLOOR: f64 = 0.05;

/// What the draw is asked for: strata, allocation, size and the certainty and exclusion lists.
#[derive(Clone, Debug)]
pub struct Spec {
    /// Stratification columns (keys or headers), e.g. level, type.
    pub strata: Vec<String>,
    /// How the random draws are allocated.
    pub allocation: AllocationSpec,
    /// Total n (certainty included); None with quota allocation.
    pub size: Option<u64>,
    /// Sampling rate 0 < R ≤ 1 when no size is given: n = ⌈R × frame⌉.
    pub rate: Option<f64>,
    /// Minimum random draws per stratum when its units allow (2 keeps its variance estimable).
    /// With `min_per_region`, the minimum of each stratum of `strata` before region was added.
    pub min_per_stratum: u64,
    /// Every region (省本级 and each prefecture) gets at least this many sampled accounts, its
    /// certainty units counted, as far as its accounts allow: the strata are crossed with the
    /// region (see [`effective_strata`]) and the minimums become the allocation's lower bounds.
    pub min_per_region: Option<u64>,
    /// --take-all rules, unparsed.
    pub take_all: Vec<String>,
    /// 账号IDs to re-check (回头看), taken with certainty when in the frame.
    pub recheck: Vec<String>,
    /// 账号IDs removed from the frame before the draw.
    pub exclude: Vec<String>,
    /// Seed of the stratum generators.
    pub seed: u64,
    /// The province's prefectures (short names) in official code order: region strata sort so.
    /// Empty means Jiangsu's order.
    pub region_order: Vec<String>,
    /// The reported types in the profile's order: type strata sort so (and the allocation
    /// table lists them so). Empty means the built-in 微信/微博/移动客户端/其他.
    pub type_order: Vec<String>,
    /// A city's or county's reporting groups in report order (`ReportingGroups::key_order`):
    /// `group` strata sort so.
    pub group_order: Vec<String>,
}

/// Why a unit is in the sample (sample.csv's 入样方式).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// 随机: drawn at random within its stratum.
    Random,
    /// 必查: matched a --take-all rule.
    TakeAll,
    /// 回头看: failed in an earlier campaign and is re-checked.
    Recheck,
    /// Both 必查 and 回头看.
    TakeAllAndRecheck,
}

impl Reason {
    /// Every reason, for parsing a label back.
    pub const ALL: [Reason; 4] = [
        Reason::Random,
        Reason::TakeAll,
        Reason::Recheck,
        Reason::TakeAllAndRecheck,
    ];

    /// The reason a label in sample.csv's 入样方式 column names.
    pub fn from_label(label: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.label() == label)
    }

    /// Taken because it failed last time (回头看), alone or with a take-all rule.
    pub fn is_recheck(self) -> bool {
        matches!(self, Reason::Recheck | Reason::TakeAllAndRecheck)
    }

    /// The label sample.csv and the workbooks show.
    pub fn label(self) -> &'static str {
        match self {
            Reason::Random => "随机",
            Reason::TakeAll => "必查",
            Reason::Recheck => "回头看",
            Reason::TakeAllAndRecheck => "必查、回头看",
        }
    }
}

/// One sampled account.
#[derive(Clone, Debug)]
pub struct Unit {
    /// Index into `Registry::accounts`.
    pub account: usize,
    /// Index into `Drawn::strata`.
    pub stratum: usize,
    /// Why the account was selected.
    pub reason: Reason,
    /// Inclusion probability: 1 for certainty units, n_h / (N_h − c_h) for random ones.
    pub probability: f64,
    /// Design weight: 1 for certainty units, (N_h − c_h) / n_h for random ones.
    pub weight: f64,
}

/// The outcome of a draw: the per-stratum design, the units, and what the user should be told.
#[derive(Clone, Debug)]
pub struct Drawn {
    /// Per-stratum design, in stratum order.
    pub strata: Vec<StratumDesign>,
    /// The sample, by stratum then 账号ID.
    pub units: Vec<Unit>,
    /// Frame size N: active accounts not excluded.
    pub frame_size: u64,
    /// Active accounts removed from the frame by the exclusion list.
    pub excluded_found: u64,
    /// Excluded ids not in the registry at all (likely typos or stale lists).
    pub excluded_unknown: Vec<String>,
    /// 回头看 ids not in this frame (closed, excluded or gone), hence not taken.
    pub recheck_outside_frame: Vec<String>,
    /// Certainty units (必查 and 回头看) in the sample.
    pub certainty: u64,
    /// Total sample size n, certainty units included.
    pub size: u64,
}

/// Where a stratum value sorts: levels in the notice's order, types in the profile's, regions
/// in the province's, a city's or county's groups in report order, anything else by name.
fn rank_value(
    col: &str,
    v: &str,
    (region_order, type_order, group_order): Orders<'_>,
) -> (usize, String) {
    let ranked = |i: Option<usize>| i.map(|i| (i, String::new())).unwrap_or((99, v.into()));
    match col {
        "level" => ranked(LEVELS.iter().position(|x| *x == v)),
        "type" if type_order.is_empty() => ranked(
            TypeScheme::jiangsu_2020()
                .order()
                .iter()
                .position(|x| x == v),
        ),
        "type" => ranked(type_order.iter().position(|x| x == v)),
        "region" => region_rank_in(region_order, v),
        "group" => group_order
            .iter()
            .position(|g| g == v)
            .map(|i| (i, String::new()))
            .unwrap_or((usize::MAX, v.to_string())),
        _ => (0, v.to_string()),
    }
}

/// The orders strata sort by: (regions, types, groups), as in [`Spec`].
type Orders<'a> = (&'a [String], &'a [String], &'a [String]);

fn column_key(c: &GroupColumn) -> &'static str {
    match c {
        GroupColumn::Field(f) => f.key(),
        GroupColumn::Extra(_) => "",
        GroupColumn::Group => "group",
    }
}

/// Selections that select nothing, which would otherwise pass silently: a `--take-all` rule no
/// frame account matches (listing the values the column has), an exclusion or re-check list none
/// of whose ids is in the frame, and strata a quota leaves out. Plain sentences for the user.
pub fn empty_selections(reg: &Registry, spec: &Spec) -> Vec<String> {
    let mut problems = Vec::new();
    let exclude: HashSet<&str> = spec.exclude.iter().map(String::as_str).collect();
    let frame: Vec<&Account> = reg
        .accounts
        .iter()
        .filter(|a| a.is_active() && !exclude.contains(a.id.as_str()))
        .collect();
    problems.extend(
        spec.take_all
            .iter()
            .filter_map(|text| take_all_unmatched(reg, &frame, text)),
    );
    let ids: HashSet<&str> = reg.accounts.iter().map(|a| a.id.as_str()).collect();
    if !spec.exclude.is_empty() && !spec.exclude.iter().any(|id| ids.contains(id.as_str())) {
        problems.push(format!(
            "排除名单中的 {} 个账号ID都不在台账中",
            spec.exclude.len()
        ));
    }
    let frame_ids: HashSet<&str> = frame.iter().map(|a| a.id.as_str()).collect();
    if !spec.recheck.is_empty()
        && !spec
            .recheck
            .iter()
            .any(|id| frame_ids.contains(id.as_str()))
    {
        problems.push(format!(
            "回头看名单中的 {} 个账号都不在本期抽样框中",
            spec.recheck.len()
        ));
    }
    if let AllocationSpec::Quota(q) = &spec.allocation {
        problems.extend(quota_missing(reg, spec, &frame, q));
    }
    problems
}

/// The sentence for a --take-all rule no frame account matches, listing (up to 20 of) the
/// values its column has; none when the rule matches or is malformed (draw() reports that).
fn take_all_unmatched(reg: &Registry, frame: &[&Account], text: &str) -> Option<String> {
    let rule = TakeAll::parse(text, reg).ok()?;
    if frame.iter().any(|a| rule.matches(reg, a)) {
        return None;
    }
    let mut found: Vec<&str> = frame.iter().map(|a| reg.value(a, &rule.column)).collect();
    found.sort();
    found.dedup();
    let shown: Vec<&str> = found.iter().take(20).copied().collect();
    let mut msg = format!(
        "--take-all \"{text}\" 在抽样框中没有匹配的账号;该列现有的值: {}",
        shown.join("、")
    );
    if rule.column == GroupColumn::Field(crate::domain::registry::Field::OwnerKind)
        && reg.accounts.iter().all(|a| a.raw.owner_kind.is_empty())
    {
        msg.push_str("(台账没有 主体类别 列,全部按 部门 处理)");
    }
    Some(msg)
}

/// The sentence naming the frame's strata a quota file gives no size for, if any.
fn quota_missing(
    reg: &Registry,
    spec: &Spec,
    frame: &[&Account],
    q: &BTreeMap<Vec<String>, u64>,
) -> Option<String> {
    let columns: Vec<GroupColumn> = spec.strata.iter().filter_map(|s| reg.column(s)).collect();
    let mut missing: Vec<String> = frame
        .iter()
        .map(|a| {
            columns
                .iter()
                .map(|c| reg.value(a, c).to_string())
                .collect::<Vec<_>>()
        })
        .filter(|k| !q.contains_key(k))
        .map(|k| k.join("/"))
        .collect();
    missing.sort();
    missing.dedup();
    if missing.is_empty() {
        return None;
    }
    Some(format!(
        "配额文件没有给出这些分层的样本数: {}",
        missing.join("、")
    ))
}

/// Draw the sample. Errors are plain sentences for the user.
pub fn draw(reg: &Registry, spec: &Spec) -> Result<Drawn, SampleError> {
    let columns = strata_columns(reg, spec)?;
    let take_all: Vec<TakeAll> = spec
        .take_all
        .iter()
        .map(|t| TakeAll::parse(t, reg))
        .collect::<Result<_, _>>()?;
    let recheck: HashSet<&str> = spec.recheck.iter().map(String::as_str).collect();
    let Frame {
        frame,
        excluded_found,
    } = frame(reg, &spec.exclude);
    // The id sets are built only for a list to check against them (each is 200,000 hashes
    // at national scale).
    let excluded_unknown = not_in(&spec.exclude, || {
        reg.accounts.iter().map(|a| a.id.as_str()).collect()
    });
    if frame.is_empty() {
        return Err(SampleError::EmptyFrame);
    }
    let recheck_outside_frame = not_in(&spec.recheck, || {
        frame.iter().map(|i| reg.accounts[*i].id.as_str()).collect()
    });

    // An empty type order is the built-in scheme's (designs drawn before it was recorded).
    let builtin_types;
    let type_order = if spec.type_order.is_empty() {
        builtin_types = TypeScheme::jiangsu_2020().order().to_vec();
        &builtin_types
    } else {
        &spec.type_order
    };
    let strata = stratify(
        reg,
        &columns,
        &frame,
        (&take_all, &recheck),
        (&spec.region_order, type_order, &spec.group_order),
    );
    let certainty: u64 = strata.iter().map(|s| s.certain.len() as u64).sum();
    let frame_size = frame.len() as u64;
    let regions = region_layout(reg, spec, &columns, &strata);
    let Allocation {
        random,
        size,
        fail_rates,
    } = allocation(spec, &strata, frame_size, certainty, regions.as_ref())?;
    let (designs, mut units) = draw_strata(spec.seed, &strata, &random, &fail_rates);
    units.sort_by(|a, b| {
        a.stratum
            .cmp(&b.stratum)
            .then_with(|| reg.accounts[a.account].id.cmp(&reg.accounts[b.account].id))
    });
    Ok(Drawn {
        strata: designs,
        units,
        frame_size,
        excluded_found,
        excluded_unknown,
        recheck_outside_frame,
        certainty,
        size,
    })
}

/// The ids of `list` that the ids `known` makes lack, in list order (`known` is made only for a
/// list that is not empty).
fn not_in<'a>(list: &[String], known: impl FnOnce() -> HashSet<&'a str>) -> Vec<String> {
    if list.is_empty() {
        return Vec::new();
    }
    let known = known();
    list.iter()
        .filter(|id| !known.contains(id.as_str()))
        .cloned()
        .collect()
}

/// The stratification columns a draw uses: `--strata`, with `region` added last when
/// `--min-per-region` is given and no column of `--strata` is the region already. The design
/// records `--strata` and the minimum, so a redraw (`audit verify`) crosses the same strata.
pub fn effective_strata(reg: &Registry, spec: &Spec) -> Vec<String> {
    crossed_strata(reg, &spec.strata, spec.min_per_region)
}

/// `strata` crossed with the region when `min_per_region` is given (see [`effective_strata`]):
/// for a recorded design, whose `strata_columns` are `--strata` as given, the columns its
/// strata keys were made from.
pub fn crossed_strata(
    reg: &Registry,
    strata: &[String],
    min_per_region: Option<u64>,
) -> Vec<String> {
    let mut strata = strata.to_vec();
    let (region, name) = region_column(reg);
    if min_per_region.is_some()
        && !strata
            .iter()
            .any(|s| reg.column(s).as_ref() == Some(&region))
    {
        strata.push(name.into());
    }
    strata
}

/// The column `--min-per-region` makes a minimum for: the region (省本级 or a prefecture) in a
/// province's registry, the reporting group (a district, a town, a zone) in a city's or county's.
fn region_column(reg: &Registry) -> (GroupColumn, &'static str) {
    if reg.has_groups() {
        (GroupColumn::Group, "group")
    } else {
        (
            GroupColumn::Field(crate::domain::registry::Field::Region),
            "region",
        )
    }
}

/// The registry columns named by --strata (and region, see [`effective_strata`]); an unknown
/// name lists the columns there are.
fn strata_columns(reg: &Registry, spec: &Spec) -> Result<Vec<GroupColumn>, SampleError> {
    if spec.strata.is_empty() {
        return Err(SampleError::NoStrata);
    }
    effective_strata(reg, spec)
        .iter()
        .map(|s| {
            reg.column(s).ok_or_else(|| {
                let mut known: Vec<String> = crate::domain::registry::Field::ALL
                    .iter()
                    .map(|f| f.key().to_string())
                    .collect();
                known.extend(reg.extra_headers.iter().cloned());
                SampleError::UnknownStratumColumn {
                    name: s.clone(),
                    known: known.join(", "),
                }
            })
        })
        .collect()
}

/// The sampling frame and how many accounts the exclusion list took out of it.
struct Frame {
    /// Indexes into the registry's accounts: the active ones not excluded, in registry order.
    frame: Vec<usize>,
    /// Active accounts left out because the exclusion list names them.
    excluded_found: u64,
}

/// Frame: active accounts not excluded.
fn frame(reg: &Registry, exclude: &[String]) -> Frame {
    let exclude: HashSet<&str> = exclude.iter().map(String::as_str).collect();
    let mut frame: Vec<usize> = Vec::new();
    let mut excluded_found = 0u64;
    for (i, a) in reg.accounts.iter().enumerate() {
        if !a.is_active() {
            continue;
        }
        if exclude.contains(a.id.as_str()) {
            excluded_found += 1;
            continue;
        }
        frame.push(i);
    }
    Frame {
        frame,
        excluded_found,
    }
}

/// A stratum of the frame: its key, the units the random draw is made from (sorted by id), and
/// the certainty units with their reason.
struct BuiltStratum {
    key: Vec<String>,
    rest: Vec<usize>,
    certain: Vec<(usize, Reason)>,
}

/// The frame's strata, in a stable order (levels and types in the notice's order, regions in
/// the province's), each split into random and certainty units.
fn stratify(
    reg: &Registry,
    columns: &[GroupColumn],
    frame: &[usize],
    (take_all, recheck): (&[TakeAll], &HashSet<&str>),
    orders: Orders<'_>,
) -> Vec<BuiltStratum> {
    let col_names: Vec<&str> = columns.iter().map(|c| column_key(c)).collect();
    type Ranked = BTreeMap<Vec<(usize, String)>, (Vec<String>, Vec<usize>)>;
    let mut by_key: Ranked = BTreeMap::new();
    for &i in frame {
        let a = &reg.accounts[i];
        let key: Vec<String> = columns
            .iter()
            .map(|c| reg.value(a, c).to_string())
            .collect();
        let rank: Vec<(usize, String)> = key
            .iter()
            .zip(&col_names)
            .map(|(v, c)| {
                let (r, s) = rank_value(c, v, orders);
                (r, if s.is_empty() { v.clone() } else { s })
            })
            .collect();
        by_key
            .entry(rank)
            .or_insert_with(|| (key, Vec::new()))
            .1
            .push(i);
    }
    let mut strata: Vec<BuiltStratum> = Vec::new();
    for (_, (key, mut members)) in by_key {
        members.sort_by(|a, b| reg.accounts[*a].id.cmp(&reg.accounts[*b].id));
        let mut rest = Vec::new();
        let mut certain = Vec::new();
        for i in members {
            let a = &reg.accounts[i];
            let t = take_all.iter().any(|t| t.matches(reg, a));
            let r = recheck.contains(a.id.as_str());
            match (t, r) {
                (true, true) => certain.push((i, Reason::TakeAllAndRecheck)),
                (true, false) => certain.push((i, Reason::TakeAll)),
                (false, true) => certain.push((i, Reason::Recheck)),
                (false, false) => rest.push(i),
            }
        }
        strata.push(BuiltStratum { key, rest, certain });
    }
    strata
}

/// What the allocation decided: the random draws per stratum and the total sample size.
struct Allocation {
    /// Per stratum, how many units the random draw takes (certainty units not counted).
    random: Vec<u64>,
    /// The whole sample: the random draws plus every certainty unit.
    size: u64,
    /// Per stratum, the fail rate Neyman allocation used (none for other methods).
    fail_rates: Vec<Option<f64>>,
}

/// Under `--min-per-region`: the region (numbered in stratum order) of each stratum, and the
/// group of strata each belongs to for `--min-per-stratum` (the stratum of `--strata` it was cut
/// from when region was added, else itself).
struct RegionLayout {
    region: Vec<usize>,
    group: Vec<usize>,
    min_region: u64,
}

fn region_layout(
    reg: &Registry,
    spec: &Spec,
    columns: &[GroupColumn],
    strata: &[BuiltStratum],
) -> Option<RegionLayout> {
    let min_region = spec.min_per_region?;
    let (region_col, _) = region_column(reg);
    let at = columns.iter().position(|c| *c == region_col)?;
    let added = effective_strata(reg, spec).len() > spec.strata.len();
    let number = |keys: Vec<Vec<String>>| -> Vec<usize> {
        let mut seen: Vec<Vec<String>> = Vec::new();
        keys.into_iter()
            .map(|k| match seen.iter().position(|s| *s == k) {
                Some(i) => i,
                None => {
                    seen.push(k);
                    seen.len() - 1
                }
            })
            .collect()
    };
    let region = number(strata.iter().map(|s| vec![s.key[at].clone()]).collect());
    let group = number(
        strata
            .iter()
            .map(|s| {
                let mut k = s.key.clone();
                if added {
                    k.remove(at);
                }
                k
            })
            .collect(),
    );
    Some(RegionLayout {
        region,
        group,
        min_region,
    })
}

/// The random draws per stratum, the total sample size and (Neyman) the fail rate used.
fn allocation(
    spec: &Spec,
    strata: &[BuiltStratum],
    frame_size: u64,
    certainty: u64,
    regions: Option<&RegionLayout>,
) -> Result<Allocation, SampleError> {
    if let AllocationSpec::Quota(q) = &spec.allocation {
        if spec.min_per_region.is_some() {
            return Err(SampleError::MinPerRegionWithQuota);
        }
        return quota_allocation(q, spec.size, strata, certainty);
    }
    let size = sample_size(spec, frame_size, certainty)?;
    let available: Vec<u64> = strata.iter().map(|s| s.rest.len() as u64).collect();
    let Weights { weights, rates } = weights(&spec.allocation, strata, &available);
    let n = size - certainty;
    let random = match regions {
        None => match spec.allocation {
            AllocationSpec::Equal => {
                allocate::largest_remainder(&available, &weights, n, spec.min_per_stratum)
            }
            _ => allocate::exact_optimal(&available, &weights, n, spec.min_per_stratum),
        }?,
        Some(layout) => {
            let certain: Vec<u64> = strata.iter().map(|s| s.certain.len() as u64).collect();
            let lower = allocate::region_bounds(
                &available,
                &weights,
                &certain,
                (&layout.region, layout.min_region),
                (&layout.group, spec.min_per_stratum),
            );
            let lower = allocate::checked_region_bounds(&available, n, layout.min_region, lower)?;
            match spec.allocation {
                AllocationSpec::Equal => {
                    allocate::largest_remainder_from(&available, &weights, n, &lower)
                }
                _ => allocate::exact_optimal_from(&available, &weights, n, lower),
            }
        }
    };
    Ok(Allocation {
        random,
        size,
        fail_rates: rates,
    })
}

/// A quota file's allocation: each stratum's quota less its certainty units, checked against
/// the stratum and (when given) the requested sample size.
fn quota_allocation(
    q: &BTreeMap<Vec<String>, u64>,
    requested: Option<u64>,
    strata: &[BuiltStratum],
    certainty: u64,
) -> Result<Allocation, SampleError> {
    for k in q.keys() {
        if !strata.iter().any(|s| &s.key == k) {
            return Err(SampleError::QuotaUnknownStratum(k.join("/")));
        }
    }
    let mut random = Vec::new();
    for BuiltStratum { key, rest, certain } in strata {
        let n = q.get(key).copied().unwrap_or(0);
        let c = certain.len() as u64;
        let total = rest.len() as u64 + c;
        if n > total {
            return Err(SampleError::QuotaOverStratum {
                key: key.join("/"),
                n,
                total,
            });
        }
        if n < c {
            return Err(SampleError::QuotaBelowCertainty {
                key: key.join("/"),
                n,
                certainty: c,
            });
        }
        random.push(n - c);
    }
    let size: u64 = random.iter().sum::<u64>() + certainty;
    if let Some(s) = requested {
        if s != size {
            return Err(SampleError::SizeQuotaMismatch {
                size: s,
                total: size,
            });
        }
    }
    Ok(Allocation {
        random,
        size,
        fail_rates: vec![None; strata.len()],
    })
}

/// The sample size from --size or --rate, checked against the frame and the certainty units.
fn sample_size(spec: &Spec, frame_size: u64, certainty: u64) -> Result<u64, SampleError> {
    let size = match (spec.size, spec.rate) {
        (Some(n), _) => n,
        (None, Some(r)) => {
            if !(r > 0.0 && r <= 1.0) {
                return Err(SampleError::RateOutOfRange(r));
            }
            ((r * frame_size as f64) - 1e-9).ceil().max(1.0) as u64
        }
        (None, None) => return Err(SampleError::NoSize),
    };
    if size == 0 {
        return Err(SampleError::ZeroSize);
    }
    if size > frame_size {
        return Err(SampleError::SizeExceedsFrame {
            size,
            frame: frame_size,
        });
    }
    if size < certainty {
        return Err(SampleError::SizeBelowCertainty { size, certainty });
    }
    Ok(size)
}

/// The per-stratum weights an allocation method shares the random draws by.
struct Weights {
    /// Per stratum, its weight.
    weights: Vec<f64>,
    /// Per stratum, the fail rate behind a Neyman weight (none for other methods).
    rates: Vec<Option<f64>>,
}

/// The weights of a proportional, equal or Neyman allocation (a quota file has none).
fn weights(alloc: &AllocationSpec, strata: &[BuiltStratum], available: &[u64]) -> Weights {
    let (weights, rates) = match alloc {
        AllocationSpec::Proportional => (
            available.iter().map(|m| *m as f64).collect(),
            vec![None; strata.len()],
        ),
        AllocationSpec::Equal => (vec![1.0; strata.len()], vec![None; strata.len()]),
        AllocationSpec::Neyman {
            fail_rates,
            overall,
        } => {
            let mut w = Vec::new();
            let mut r = Vec::new();
            for (s, m) in strata.iter().zip(available) {
                let p = fail_rates
                    .get(&s.key)
                    .copied()
                    .unwrap_or(*overall)
                    .clamp(NEYMAN_FLOOR, 1.0 - NEYMAN_FLOOR);
                w.push(*m as f64 * (p * (1.0 - p)).sqrt());
                r.push(Some(p));
            }
            (w, r)
        }
        AllocationSpec::Quota(_) => unreachable!("quota files are allocated by quota_allocation"),
    };
    Weights { weights, rates }
}

/// The draw: every certainty unit, and n_h random units per stratum by the seeded shuffle.
fn draw_strata(
    seed: u64,
    strata: &[BuiltStratum],
    random: &[u64],
    fail_rates: &[Option<f64>],
) -> (Vec<StratumDesign>, Vec<Unit>) {
    let mut units = Vec::new();
    let mut designs = Vec::new();
    for (h, (BuiltStratum { key, rest, certain }, n)) in strata.iter().zip(random).enumerate() {
        let population = (rest.len() + certain.len()) as u64;
        let d = StratumDesign {
            key: key.clone(),
            population,
            certainty: certain.len() as u64,
            random: *n,
            total: certain.len() as u64 + n,
            taken_whole: *n == rest.len() as u64 && *n > 0,
            fail_rate: fail_rates[h],
        };
        for (i, reason) in certain {
            units.push(Unit {
                account: *i,
                stratum: h,
                reason: *reason,
                probability: 1.0,
                weight: 1.0,
            });
        }
        let picked = draw_positions(seed, key, rest.len(), *n as usize);
        let p = if rest.is_empty() {
            0.0
        } else {
            *n as f64 / rest.len() as f64
        };
        for j in picked {
            units.push(Unit {
                account: rest[j],
                stratum: h,
                reason: Reason::Random,
                probability: p,
                weight: d.random_weight(),
            });
        }
        designs.push(d);
    }
    (designs, units)
}

impl Drawn {
    /// Strata with units to draw from but no random draw: no estimate can speak for them.
    pub fn unsampled_strata(&self) -> Vec<&StratumDesign> {
        self.strata
            .iter()
            .filter(|s| s.random_frame() > 0 && s.random == 0)
            .collect()
    }
}

/// A ChaCha20 generator keyed by the seed and the stratum key (domain "audit-sample-v1").
pub fn stratum_rng(seed: u64, key: &[String]) -> ChaCha20Rng {
    crate::domain::rng::keyed(b"audit-sample-v1\0", seed, key)
}

pub use crate::domain::rng::below;

/// Choose `n` of `m` positions: partial Fisher–Yates on a ChaCha20 stream. Returned in draw order.
pub fn draw_positions(seed: u64, key: &[String], m: usize, n: usize) -> Vec<usize> {
    let n = n.min(m);
    if n == 0 {
        return Vec::new();
    }
    if n == m {
        return (0..m).collect();
    }
    let mut rng = stratum_rng(seed, key);
    // Sparse Fisher–Yates: only displaced positions are stored, so a 1,000,000-unit stratum
    // costs O(n), not O(m).
    let mut swapped: HashMap<usize, usize> = HashMap::with_capacity(n * 2);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let j = i + below(&mut rng, (m - i) as u64) as usize;
        let vj = *swapped.get(&j).unwrap_or(&j);
        let vi = *swapped.get(&i).unwrap_or(&i);
        swapped.insert(j, vi);
        out.push(vj);
    }
    out
}

impl Drawn {
    /// The allocation as a plain-text table for the terminal, sampling fractions printed by
    /// `style` (the profile's).
    pub fn allocation_table(&self, style: &crate::domain::profile::RateStyle) -> String {
        let d = self;
        let header: Vec<String> = [
            "分层",
            "N_h",
            "必查",
            "随机n_h",
            "合计",
            "抽样比",
            "整层抽取",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut rows: Vec<Vec<String>> = d
            .strata
            .iter()
            .map(|s| {
                vec![
                    s.key.join("/"),
                    s.population.to_string(),
                    s.certainty.to_string(),
                    s.random.to_string(),
                    s.total.to_string(),
                    style.percent(s.total, s.population),
                    if s.taken_whole || s.total == s.population {
                        "是".into()
                    } else {
                        String::new()
                    },
                ]
            })
            .collect();
        let c: u64 = d.strata.iter().map(|s| s.certainty).sum();
        let r: u64 = d.strata.iter().map(|s| s.random).sum();
        rows.push(vec![
            "合计".into(),
            d.frame_size.to_string(),
            c.to_string(),
            r.to_string(),
            (c + r).to_string(),
            style.percent(c + r, d.frame_size),
            String::new(),
        ]);
        crate::domain::text::render_table(&header, &rows)
    }
}

/// The sample file: registry columns plus the design columns, one row per sampled account.
pub fn sample_table(reg: &Registry, drawn: &Drawn) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = reg.canonical_header();
    header.extend(SAMPLE_COLUMNS.iter().map(|s| s.to_string()));
    let groups = reg.has_groups();
    let rows = drawn
        .units
        .iter()
        .map(|u| {
            let a = &reg.accounts[u.account];
            let s = &drawn.strata[u.stratum];
            let mut r = Registry::canonical_row(a, groups);
            r.push(s.key.join("/"));
            r.push(s.population.saturating_sub(s.certainty).to_string());
            r.push(s.random.to_string());
            r.push(s.certainty.to_string());
            r.push(format!("{:.6}", u.probability));
            r.push(format!("{:.6}", u.weight));
            r.push(u.reason.label().to_string());
            r
        })
        .collect();
    (header, rows)
}

/// The design columns sample.csv carries after the registry's: the stratum, its random frame
/// (N_h − c_h, certainty units excluded), its random draws n_h and its certainty units c_h, so
/// that n_h / (N_h − c_h) is the 入样概率 printed beside a random unit.
pub const SAMPLE_COLUMNS: [&str; 7] = [
    "分层",
    "抽样框层大小",
    "层样本量",
    "必查数",
    "入样概率",
    "设计权重",
    "入样方式",
];

/// The design columns of samples drawn by `audit-chacha20-fisher-yates-v1`, still read back
/// (an earlier quarter given as --previous or --recheck).
pub const SAMPLE_COLUMNS_V1: [&str; 6] = [
    "分层",
    "层内账号数N_h",
    "层内样本数n_h",
    "入样概率",
    "设计权重",
    "入样方式",
];

/// How many trailing design columns a sample file's header has, if it is one of ours.
pub fn design_columns(header: &[String]) -> Option<usize> {
    let ends_with = |cols: &[&str]| {
        header.len() >= cols.len()
            && header[header.len() - cols.len()..]
                .iter()
                .zip(cols)
                .all(|(h, c)| h == c)
    };
    if ends_with(&SAMPLE_COLUMNS) {
        Some(SAMPLE_COLUMNS.len())
    } else if ends_with(&SAMPLE_COLUMNS_V1) {
        Some(SAMPLE_COLUMNS_V1.len())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_is_a_subset_without_repeats() {
        let key = vec!["省级".to_string()];
        let p = draw_positions(7, &key, 100, 30);
        assert_eq!(p.len(), 30);
        let set: HashSet<_> = p.iter().collect();
        assert_eq!(set.len(), 30);
        assert!(p.iter().all(|i| *i < 100));
        assert_ne!(draw_positions(8, &key, 100, 30), p);
        assert_eq!(draw_positions(7, &key, 100, 30), p);
    }

    /// Golden values: these exact picks are the contract of ALGORITHM. Change them only
    /// together with a new algorithm version.
    #[test]
    fn golden_pick() {
        let key = vec!["县级".to_string(), "微信".to_string()];
        assert_eq!(draw_positions(20200320, &key, 50, 5), GOLDEN_PICK.to_vec());
        let mut rng = stratum_rng(1, &[]);
        assert_eq!(below(&mut rng, 1_000_000), GOLDEN_BELOW);
    }
    const GOLDEN_PICK: [usize; 5] = [34, 14, 2, 5, 42];
    const GOLDEN_BELOW: u64 = 876603;

    #[test]
    fn inclusion_frequencies_match_probabilities() {
        // Over 4,000 fixed seeds each of 20 units is picked with probability 5/20 = 0.25.
        // The standard deviation of a frequency is sqrt(.25*.75/4000) ≈ 0.0068; 0.04 is ~6 sd,
        // and the seeds are fixed, so this cannot flake.
        let key = vec!["x".to_string()];
        let mut counts = [0u32; 20];
        for seed in 0..4000u64 {
            for i in draw_positions(seed, &key, 20, 5) {
                counts[i] += 1;
            }
        }
        for c in counts {
            let f = c as f64 / 4000.0;
            assert!((f - 0.25).abs() < 0.04, "{f}");
        }
    }

    /// Issue #10, case 5: 县级/微信 failed 11 of 96 checked accounts, but only 1 of its 27
    /// random units; Neyman must use 1/27.
    #[test]
    fn neyman_rates_come_from_random_units_only() {
        let mut reg = Registry::default();
        let mut results = Vec::new();
        for i in 0..96 {
            reg.accounts.push(Account {
                id: format!("A{i:03}"),
                level: crate::domain::vocab::Level::County,
                account_type: "微信".into(),
                status: crate::domain::vocab::Status::Active,
                ..Account::default()
            });
            // 27 random units, one failed; 69 certainty units, ten failed.
            let random = i < 27;
            let qualified = if random { i != 0 } else { i >= 37 };
            results.push(PreviousResult {
                id: format!("A{i:03}"),
                qualified,
                random,
            });
        }
        let strata = vec!["level".to_string(), "type".to_string()];
        let AllocationSpec::Neyman {
            fail_rates,
            overall,
        } = neyman_from(&reg, &strata, &results).unwrap()
        else {
            panic!("not neyman")
        };
        let key = vec!["县级".to_string(), "微信".to_string()];
        assert!((fail_rates[&key] - 1.0 / 27.0).abs() < 1e-12);
        assert!((overall - 1.0 / 27.0).abs() < 1e-12);
        for r in &mut results {
            r.random = false;
        }
        assert!(neyman_from(&reg, &strata, &results).is_err());
    }
}
