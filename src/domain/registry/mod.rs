//! The account registry (备案台账): header matching, normalisation, validation, make-up and diff.
//! Pure: rows come in as text, accounts and rejects go out.

mod builder;
mod header;
pub mod normalize;
pub mod place;
mod rejects;
pub mod shape;
mod shared;
pub mod title;

pub use builder::{Finished, RegistryBuilder};
pub use header::{closest_headers, HeaderMap};
pub use rejects::{
    closest_terms, closest_values, group_rejects, RejectGroup, Rejects, UnknownValue,
    MAX_COUNTED_VALUES, MAX_KEPT_REJECTS,
};
pub use shared::{Interner, SharedText};

use crate::domain::text::{clean, match_key};
pub use crate::domain::vocab::{Field, Level, OwnerGroup, OwnerKind, Status};
use std::collections::{BTreeMap, HashMap};

/// What the filer wrote for the fields the tool normalises: kept for re-classifying types under
/// another scheme, for placing regions, for rejects and in registry.csv (the 原文 columns).
/// Shared texts: a registry repeats a few spellings of each a million times.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RawTexts {
    /// 类型原文, e.g. 微信公众号.
    pub account_type: SharedText,
    /// 层级原文, e.g. 设区市.
    pub level: SharedText,
    /// 地区原文, e.g. 南京市玄武区.
    pub region: SharedText,
    /// 主体类别原文.
    pub owner_kind: SharedText,
    /// 状态原文.
    pub status: SharedText,
}

impl RawTexts {
    /// The texts in the order of the canonical CSV's 原文 columns ([`RAW_LABELS`]).
    pub fn in_order(&self) -> [&str; 5] {
        [
            &self.account_type,
            &self.level,
            &self.region,
            &self.owner_kind,
            &self.status,
        ]
    }
}

/// One registered account.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Account {
    /// 账号ID, cleaned (trimmed, full-width characters folded); unique after import.
    pub id: String,
    /// 名称 as registered.
    pub name: String,
    /// 微信 / 微博 / 移动客户端 / 其他
    pub account_type: SharedText,
    /// 开设主体: the unit that opened and runs the account.
    pub owner: SharedText,
    /// 省级 / 市级 / 县级
    pub level: Level,
    /// 省本级 or a city name without 市
    pub region: SharedText,
    /// 政府 / 部门 / 其他单位
    pub owner_kind: OwnerKind,
    /// 正常 / 停更 / 关停 / 注销
    pub status: Status,
    /// 平台: the original type text when the type is 其他 or a profile scheme classified it, else as given.
    pub platform: SharedText,
    /// Original texts of the normalised fields, as the filer wrote them.
    pub raw: RawTexts,
    /// The county-level division (县(市、区)) the region names, e.g. "昆山市"; empty when the
    /// registry gives only the city, or for provincial accounts.
    pub county: SharedText,
    /// In a campaign scoped to a city or a county: the group the notice reports the account
    /// under (the scope's own departments, a county-level unit, a 乡镇/街道 or a zone); empty in
    /// a province-wide campaign, whose groups follow level and 地区.
    pub group: SharedText,
    /// Every other column, verbatim, in the order of `Registry::extra_headers`.
    pub extra: Vec<String>,
}

impl Account {
    /// In operation (正常): only these accounts form the sampling frame.
    pub fn is_active(&self) -> bool {
        self.status == Status::Active
    }

    /// 省级部门单位 or the prefecture group (a city's own and its counties' accounts).
    pub fn owner_group(&self) -> OwnerGroup {
        OwnerGroup::of(self.level)
    }

    /// The canonical text of a field (the vocabulary label for level, owner kind and status).
    pub fn get(&self, f: Field) -> &str {
        match f {
            Field::Id => &self.id,
            Field::Name => &self.name,
            Field::Type => &self.account_type,
            Field::Owner => &self.owner,
            Field::Level => self.level.label(),
            Field::Region => &self.region,
            Field::OwnerKind => self.owner_kind.label(),
            Field::Status => self.status.label(),
            Field::Platform => &self.platform,
            Field::County => &self.county,
        }
    }
}

/// The label of the provincial owner group in every table and the draft.
pub const OWNER_GROUP_PROVINCE: &str = "省级部门单位";

/// A column of the registry by which accounts can be grouped: a canonical field or an extra one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupColumn {
    /// One of the canonical fields.
    Field(Field),
    /// An extra column, by its index in `Registry::extra_headers`.
    Extra(usize),
    /// The group the notice reports the account under (通报分组), in a city or county campaign.
    Group,
}

/// Names of the [`GroupColumn::Group`] column on the command line (`--strata group,type`).
const GROUP_NAMES: [&str; 3] = ["group", "分组", GROUP_LABEL];

/// An imported registry (备案台账): every account, whatever its status, and the headers of the
/// columns kept verbatim.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registry {
    /// Headers of the non-canonical columns in their original order; `Account::extra` follows it.
    pub extra_headers: Vec<String>,
    /// Every imported account, active or not, in registry row order.
    pub accounts: Vec<Account>,
}

/// Header of the county column of the canonical CSV, after the raw labels. Registries imported
/// before it existed lack it and are still read.
pub const COUNTY_LABEL: &str = "县(市、区)";

/// Header of the reporting-group column of the canonical CSV, after the county column; written
/// only for a city or county campaign (see [`Account::group`]).
pub const GROUP_LABEL: &str = "通报分组";

/// Raw header labels of the canonical CSV, after the extras are appended.
pub const RAW_LABELS: [&str; 5] = [
    "类型原文",
    "层级原文",
    "地区原文",
    "主体类别原文",
    "状态原文",
];

/// Why registry.csv (or the registry columns of sample.csv) cannot be read back: the file is
/// not what the tool wrote. Each message names the line; the store adds the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    /// The header does not begin with the canonical columns.
    #[error("表头不是 audit 的标准台账格式(应以 {expected} 开头)")]
    Header {
        /// The columns it should begin with, comma-separated.
        expected: String,
    },
    /// A line with another number of cells than the header.
    #[error("第 {line} 行有 {cells} 列,表头有 {header} 列")]
    Width {
        /// The line in the file (the header is line 1).
        line: usize,
        /// Its cells.
        cells: usize,
        /// The header's cells.
        header: usize,
    },
    /// A level, owner kind or status that is none of the canonical labels.
    #[error("第 {line} 行{what} \"{value}\" 无法识别")]
    Value {
        /// The line in the file (the header is line 1).
        line: usize,
        /// 层级, 主体类别 or 状态.
        what: &'static str,
        /// The text found.
        value: String,
    },
}

impl Registry {
    /// Resolve a column name (English key, Chinese header or an extra column's header).
    pub fn column(&self, name: &str) -> Option<GroupColumn> {
        if let Some(f) = Field::from_header(name) {
            return Some(GroupColumn::Field(f));
        }
        let k = match_key(name);
        if GROUP_NAMES.iter().any(|g| match_key(g) == k) && self.has_groups() {
            return Some(GroupColumn::Group);
        }
        self.extra_headers
            .iter()
            .position(|h| match_key(h) == k)
            .map(GroupColumn::Extra)
    }

    /// An account's text in a column, canonical or extra (empty when the extra cell is missing).
    pub fn value<'a>(&self, a: &'a Account, c: &GroupColumn) -> &'a str {
        match c {
            GroupColumn::Field(f) => a.get(*f),
            GroupColumn::Extra(i) => a.extra.get(*i).map(String::as_str).unwrap_or(""),
            GroupColumn::Group => &a.group,
        }
    }

    /// The header a column is shown under: a field's Chinese label or the extra column's own header.
    pub fn column_label(&self, c: &GroupColumn) -> String {
        match c {
            GroupColumn::Field(f) => f.label().to_string(),
            GroupColumn::Extra(i) => self.extra_headers.get(*i).cloned().unwrap_or_default(),
            GroupColumn::Group => GROUP_LABEL.to_string(),
        }
    }

    /// Whether the accounts carry reporting groups (a city or county campaign): the canonical
    /// CSV then has the 通报分组 column.
    pub fn has_groups(&self) -> bool {
        self.accounts.iter().any(|a| !a.group.is_empty())
    }

    /// Header of the canonical CSV.
    pub fn canonical_header(&self) -> Vec<String> {
        let mut h: Vec<String> = Field::ALL.iter().map(|f| f.label().to_string()).collect();
        h.extend(RAW_LABELS.iter().map(|s| s.to_string()));
        h.push(COUNTY_LABEL.to_string());
        if self.has_groups() {
            h.push(GROUP_LABEL.to_string());
        }
        h.extend(self.extra_headers.iter().cloned());
        h
    }

    /// The canonical row's cells, borrowed (for writing a million rows without copying them);
    /// `groups` as [`Registry::has_groups`] says, once for the whole registry.
    pub fn canonical_fields(a: &Account, groups: bool) -> impl Iterator<Item = &str> {
        Field::ALL
            .iter()
            .map(move |f| a.get(*f))
            .chain(a.raw.in_order())
            .chain(std::iter::once(a.county.as_str()))
            .chain(groups.then_some(a.group.as_str()))
            .chain(a.extra.iter().map(String::as_str))
    }

    /// The canonical CSV row of an account, owned (`canonical_fields` borrows instead).
    pub fn canonical_row(a: &Account, groups: bool) -> Vec<String> {
        Registry::canonical_fields(a, groups)
            .map(str::to_string)
            .collect()
    }

    /// Rebuild from the canonical CSV rows (header first). The rows are consumed one at a
    /// time, so a million-row registry is never held twice. Errors name the row; the store adds
    /// the file.
    pub fn from_canonical(
        header: &[String],
        rows: impl IntoIterator<Item = Vec<String>>,
    ) -> Result<Registry, CanonicalError> {
        let mut reader = CanonicalReader::new(header)?;
        let rows = rows.into_iter();
        reader.accounts.reserve(rows.size_hint().0);
        for (i, r) in rows.enumerate() {
            let cells: Vec<&str> = r.iter().map(String::as_str).collect();
            reader.push(i + 2, &cells)?;
        }
        Ok(reader.finish())
    }
    /// Re-read every account's type from its original text under another type scheme, so that
    /// a quarter imported under one scheme compares with one under another (类型原文 is kept).
    pub fn reclassify_types(&mut self, scheme: &crate::domain::profile::TypeScheme) {
        // One shared text per spelling, not one per account.
        let mut seen: HashMap<SharedText, SharedText> = HashMap::new();
        for a in &mut self.accounts {
            a.account_type = seen
                .entry(a.raw.account_type.clone())
                .or_insert_with_key(|raw| classify_type(scheme, raw))
                .clone();
        }
    }

    /// Accounts by 账号ID, for matching sample, answers and earlier campaigns.
    pub fn by_id(&self) -> HashMap<&str, &Account> {
        self.accounts.iter().map(|a| (a.id.as_str(), a)).collect()
    }

    /// Accounts in operation (正常): the sampling frame before exclusions.
    pub fn active(&self) -> impl Iterator<Item = &Account> {
        self.accounts.iter().filter(|a| a.is_active())
    }
}

/// A value of a registry column as a person typed it in a file or option (a quota file's
/// stratum, an assignment file's 地区, a `--take-all` value), as the registry stores it under
/// the campaign's profile: a level, status or owner kind by its spellings ("市(州)级" → 市级), a
/// type by the profile's scheme ("头条号" → 今日头条), a region by the province's divisions
/// ("凉山彝族自治州" → 凉山州). A value nothing recognises is kept (cleaned), so it can be named.
pub fn canonical_value(
    profile: &crate::domain::profile::Profile,
    col: &GroupColumn,
    v: &str,
) -> String {
    let v = clean(&crate::domain::text::fold_width(v));
    let sp = &profile.spellings;
    let known = match col {
        GroupColumn::Field(Field::Level) => sp.level(&v).map(|l| l.label().to_string()),
        GroupColumn::Field(Field::Type) => profile.types.lookup(&v).map(str::to_string),
        GroupColumn::Field(Field::Status) => sp.status(&v).map(|s| s.label().to_string()),
        GroupColumn::Field(Field::OwnerKind) => sp.owner_kind(&v).map(|k| k.label().to_string()),
        GroupColumn::Field(Field::Region) if !v.is_empty() => Some(match profile.resolve(&v, "") {
            Ok(r) => r
                .prefecture
                .unwrap_or_else(|| normalize::PROVINCE_REGION.to_string()),
            Err(_) => normalize::region(&v, ""),
        }),
        _ => None,
    };
    known.unwrap_or(v)
}

/// Reads the canonical registry.csv a row at a time, each row borrowed from the CSV reader's
/// buffer: an account costs its id, name and extra columns, its other texts are shared through
/// an [`Interner`] (they repeat down the registry), and no row is held as cells.
pub struct CanonicalReader {
    /// Where the county, group and extra columns are.
    county: Option<usize>,
    group: Option<usize>,
    extras_from: usize,
    width: usize,
    extra_headers: Vec<String>,
    interner: Interner,
    /// The accounts read so far.
    pub accounts: Vec<Account>,
}

impl CanonicalReader {
    /// A reader for rows under `header`, refused unless it begins with the canonical columns.
    pub fn new(header: &[String]) -> Result<CanonicalReader, CanonicalError> {
        let fixed = Field::ALL.len() + RAW_LABELS.len();
        let expected: Vec<&str> = Field::ALL
            .iter()
            .map(|f| f.label())
            .chain(RAW_LABELS.iter().copied())
            .collect();
        if header.len() < fixed
            || header[..fixed]
                .iter()
                .map(String::as_str)
                .ne(expected.iter().copied())
        {
            return Err(CanonicalError::Header {
                expected: expected.join(","),
            });
        }
        let has_county = header.get(fixed).is_some_and(|h| h == COUNTY_LABEL);
        let has_group = has_county && header.get(fixed + 1).is_some_and(|h| h == GROUP_LABEL);
        let extras_from = fixed + usize::from(has_county) + usize::from(has_group);
        Ok(CanonicalReader {
            county: has_county.then_some(fixed),
            group: has_group.then_some(fixed + 1),
            extras_from,
            width: header.len(),
            extra_headers: header[extras_from..].to_vec(),
            interner: Interner::default(),
            accounts: Vec::new(),
        })
    }

    /// Read one row (`line` is its line in the file, for the error).
    pub fn push(&mut self, line: usize, r: &[&str]) -> Result<(), CanonicalError> {
        let a = self.account(line, r)?;
        self.accounts.push(a);
        Ok(())
    }

    /// The accounts read, as a registry.
    pub fn finish(self) -> Registry {
        Registry {
            extra_headers: self.extra_headers,
            accounts: self.accounts,
        }
    }

    /// The accounts read since the last call (a part of the registry), the reader kept.
    pub fn take_part(&mut self) -> Vec<Account> {
        std::mem::take(&mut self.accounts)
    }

    /// `accounts` (a part taken) as a registry with this reader's extra columns.
    pub fn part(&self, accounts: Vec<Account>) -> Registry {
        Registry {
            extra_headers: self.extra_headers.clone(),
            accounts,
        }
    }

    /// One account from its canonical CSV row.
    fn account(&mut self, line: usize, r: &[&str]) -> Result<Account, CanonicalError> {
        if r.len() != self.width {
            return Err(CanonicalError::Width {
                line,
                cells: r.len(),
                header: self.width,
            });
        }
        let bad = |what: &'static str, v: &str| CanonicalError::Value {
            line,
            what,
            value: v.to_string(),
        };
        let level = Level::parse(r[4]).ok_or_else(|| bad("层级", r[4]))?;
        let owner_kind = OwnerKind::parse(r[6]).ok_or_else(|| bad("主体类别", r[6]))?;
        let status = Status::parse(r[7]).ok_or_else(|| bad("状态", r[7]))?;
        let interner = &mut self.interner;
        let mut shared =
            |k: Option<usize>| k.map_or_else(SharedText::default, |k| interner.get(r[k]));
        Ok(Account {
            id: r[0].to_string(),
            name: r[1].to_string(),
            account_type: shared(Some(2)),
            owner: shared(Some(3)),
            level,
            region: shared(Some(5)),
            owner_kind,
            status,
            platform: shared(Some(8)),
            raw: RawTexts {
                account_type: shared(Some(9)),
                level: shared(Some(10)),
                region: shared(Some(11)),
                owner_kind: shared(Some(12)),
                status: shared(Some(13)),
            },
            county: shared(self.county),
            group: shared(self.group),
            extra: r[self.extras_from..]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        })
    }
}

/// The reported type of a registry spelling under a scheme (其他 when no list knows it).
pub fn classify_type(scheme: &crate::domain::profile::TypeScheme, raw: &str) -> SharedText {
    SharedText::from(scheme.classify(raw))
}

/// Why a row was not imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RejectReason {
    /// A required value (账号ID, 名称, 类型, 开设主体, 层级; 地区 below 省级) is empty.
    MissingValue,
    /// 类型 is no known spelling of the built-in types.
    UnknownType,
    /// 层级 is no known spelling of 省级/市级/县级.
    UnknownLevel,
    /// 状态 is no known spelling of 正常/停更/关停/注销.
    UnknownStatus,
    /// 主体类别 is no known spelling of 政府/部门/其他单位.
    UnknownOwnerKind,
    /// The 账号ID occurs on more than one row; every copy is rejected.
    DuplicateId,
    /// A 合计/总计/小计 row, not an account.
    TotalRow,
    /// An id stored as a number with more than 15 digits (Excel dropped the rest).
    LossyId,
    /// A cell longer than Excel's 32,767-character limit.
    CellTooLong,
    /// 所属地区 belongs to another province.
    ForeignRegion,
    /// 所属地区 is a name two prefectures share and the owner does not settle it.
    AmbiguousRegion,
    /// 所属地区 is no division of any province.
    UnknownRegion,
    /// A row identical to an earlier one with the same 账号ID (an account exported twice): the
    /// account is imported once and this copy is listed, not counted as rejected.
    DuplicateRow,
    /// The account lies outside the campaign's city or county (another city, or a level above).
    OutsideScope,
    /// 所属地区 and 开设主体 do not say which of the scope's groups the account belongs to.
    UnplacedInScope,
}

impl RejectReason {
    /// The reason in Chinese, as the rejects list and the import summary show it.
    pub fn label(self) -> &'static str {
        match self {
            RejectReason::MissingValue => "缺少必填值",
            RejectReason::UnknownType => "类型无法识别",
            RejectReason::UnknownLevel => "层级无法识别",
            RejectReason::UnknownStatus => "状态无法识别",
            RejectReason::UnknownOwnerKind => "主体类别无法识别",
            RejectReason::DuplicateId => "账号ID重复",
            RejectReason::TotalRow => "合计/总计行",
            RejectReason::LossyId => "编号精度丢失",
            RejectReason::CellTooLong => "单元格过长",
            RejectReason::ForeignRegion => "不属于本省",
            RejectReason::AmbiguousRegion => "地区有歧义",
            RejectReason::UnknownRegion => "地区无法识别",
            RejectReason::DuplicateRow => "重复行(已合并)",
            RejectReason::OutsideScope => "不属于本次检查范围",
            RejectReason::UnplacedInScope => "未写明所属地区",
        }
    }

    /// Whether the row counts as rejected: an identical copy of an imported row does not (its
    /// account is imported).
    pub fn is_rejection(self) -> bool {
        self != RejectReason::DuplicateRow
    }

    /// The field whose value no list knows, for the reasons that are about one spelling
    /// (类型, 层级, 状态, 主体类别, 所属地区 unknown).
    pub fn unknown_field(self) -> Option<Field> {
        match self {
            RejectReason::UnknownType => Some(Field::Type),
            RejectReason::UnknownLevel => Some(Field::Level),
            RejectReason::UnknownStatus => Some(Field::Status),
            RejectReason::UnknownOwnerKind => Some(Field::OwnerKind),
            RejectReason::UnknownRegion => Some(Field::Region),
            _ => None,
        }
    }
}

/// A registry row that was not imported, kept so the office can correct its registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reject {
    /// 1-based spreadsheet row number.
    pub row: u32,
    /// Why the row was rejected.
    pub reason: RejectReason,
    /// A plain Chinese explanation for the user, naming the offending value.
    pub detail: String,
    /// The offending value as written (the spelling, region or id), empty when the reason
    /// names none; rejects are grouped by it.
    pub value: String,
    /// The row's cells as read (canonical fields only, for duplicate ids).
    pub cells: Vec<String>,
}

/// Excel's limit on the characters in one cell: a longer cell cannot be written back into the
/// inspectors' workbooks.
pub const MAX_CELL_CHARS: usize = 32_767;

/// An id Excel wrote in scientific notation ("1.10101E+17", "1.10101e17", "1E5"): its digits
/// are gone. Checked on the id as it will be stored (trimmed, full-width folded).
fn is_scientific(id: &str) -> bool {
    let Some((mantissa, exponent)) = id.split_once(['e', 'E']) else {
        return false;
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction) && digits(exponent)
}

/// The rows of the registry export that are not in the registry, as the import recorded
/// them: the report's make-up and the draft say how many and why, so a total never silently
/// leaves rows out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NotCounted {
    /// Rows rejected, by reason label (most first), as rejects.csv lists them.
    pub rejected: Vec<(String, u64)>,
    /// Identical copies of imported rows (an account exported twice), each account counted once.
    pub merged: u64,
}

impl NotCounted {
    /// The record of an import: rows rejected by reason (a total without a breakdown, from a
    /// campaign imported before reasons were recorded, is one line pointing at rejects.csv) and
    /// the copies merged.
    pub fn new(by_reason: &BTreeMap<String, u64>, rejected: u64, merged: u64) -> NotCounted {
        let mut rows: Vec<(String, u64)> = by_reason
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| (k.clone(), *n))
            .collect();
        let listed: u64 = rows.iter().map(|(_, n)| n).sum();
        if listed < rejected {
            rows.push(("其他原因(见 rejects.csv)".into(), rejected - listed));
        }
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        NotCounted {
            rejected: rows,
            merged,
        }
    }

    /// Rows rejected in all.
    pub fn rejected_rows(&self) -> u64 {
        self.rejected.iter().map(|(_, n)| n).sum()
    }

    /// Whether every row of the export is in the registry.
    pub fn is_empty(&self) -> bool {
        self.rejected.is_empty() && self.merged == 0
    }
}

/// How the registry changed against a previous one.
#[derive(Clone, Debug, Default)]
pub struct RegistryDiff {
    /// Active (正常) accounts in the previous registry.
    pub previous_active: u64,
    /// Active (正常) accounts in this registry.
    pub current_active: u64,
    /// Active now, absent or not active before.
    pub added: Vec<String>,
    /// Active before, absent or not active now.
    pub gone: Vec<String>,
    /// (id, old type, new type)
    pub type_changed: Vec<(String, String, String)>,
    /// (id, old owner, new owner)
    pub owner_changed: Vec<(String, String, String)>,
}

impl RegistryDiff {
    /// Net change in active accounts, current minus previous (negative when the registry shrank).
    pub fn net(&self) -> i64 {
        self.current_active as i64 - self.previous_active as i64
    }
}

/// Compare two quarters' registries by 账号ID: active accounts added and gone, types and owners
/// changed (for the registry make-up's 环比 tables and the draft).
pub fn diff(previous: &Registry, current: &Registry) -> RegistryDiff {
    let prev = previous.by_id();
    let cur = current.by_id();
    let mut d = RegistryDiff {
        previous_active: previous.active().count() as u64,
        current_active: current.active().count() as u64,
        ..Default::default()
    };
    for a in &current.accounts {
        let before = prev.get(a.id.as_str());
        if a.is_active() && !before.is_some_and(|b| b.is_active()) {
            d.added.push(a.id.clone());
        }
        if let Some(b) = before {
            if b.account_type != a.account_type {
                d.type_changed.push((
                    a.id.clone(),
                    b.account_type.to_string(),
                    a.account_type.to_string(),
                ));
            }
            if b.owner != a.owner {
                d.owner_changed
                    .push((a.id.clone(), b.owner.to_string(), a.owner.to_string()));
            }
        }
    }
    for b in &previous.accounts {
        if b.is_active() && !cur.get(b.id.as_str()).is_some_and(|a| a.is_active()) {
            d.gone.push(b.id.clone());
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::clean_id;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn scientific_ids() {
        for id in ["1.10101E+17", "1.10101e17", "1E5", "1.10101E-3"] {
            assert!(is_scientific(id), "{id}");
        }
        assert!(is_scientific(&clean_id(" １．１E＋１７ ")));
        for id in ["JS001", "E5", "1.5", "320100", "3E-区"] {
            assert!(!is_scientific(id), "{id}");
        }
    }

    #[test]
    fn header_detection_and_rejects() {
        let none = crate::domain::vocab::ColumnAliases::default();
        assert!(HeaderMap::detect(1, &s(&["2020年第一季度政务新媒体备案台账"]), &none).is_err());
        let header: Vec<&str> = "编号,账号名称,平台类型,主办单位,行政层级,所属地区,备注"
            .split(',')
            .collect();
        let h = HeaderMap::detect(2, &s(&header), &none).unwrap();
        let mut b = RegistryBuilder::new(h);
        // Rows as comma-separated cells: row 7 a 合计 row, row 8 blank.
        let rows = [
            (3, "１２,江苏发布,微信公众号,省政府办公厅,省级,,x"),
            (4, "13,南京发布,新浪微博,南京市政府,设区市,南京市,"),
            (5, "13,南京发布2,APP,南京市政府,设区市,南京市,"),
            (6, "14,x,传真,y,县级,南京,"),
            (7, "合计,,,,,,"),
            (8, ",,"),
        ];
        for (row, cells) in rows {
            let cells: Vec<&str> = cells.split(',').collect();
            b.push(row, &s(&cells), &[]);
        }
        assert_eq!(b.blank_rows, 1);
        let jiangsu = crate::domain::profile::province("江苏").unwrap();
        let Finished {
            registry: reg,
            rejects,
            merged,
        } = b.finish(&crate::domain::profile::Profile::builtin(jiangsu));
        assert!(merged.is_empty());
        assert_eq!(reg.accounts.len(), 1);
        assert_eq!(reg.accounts[0].id, "12");
        assert_eq!(reg.accounts[0].region, "省本级");
        assert_eq!(reg.extra_headers, vec!["备注"]);
        let reasons: Vec<_> = rejects.iter().map(|r| (r.row, r.reason)).collect();
        assert_eq!(
            reasons,
            vec![
                (4, RejectReason::DuplicateId),
                (5, RejectReason::DuplicateId),
                (6, RejectReason::UnknownType),
                (7, RejectReason::TotalRow)
            ]
        );
    }
}
