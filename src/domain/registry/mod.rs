//! The account registry (备案台账): header matching, normalisation, validation, make-up and diff.
//! Pure: rows come in as text, accounts and rejects go out.

pub mod normalize;
pub mod place;
pub mod title;

use crate::domain::text::{clean, clean_id, match_key};
pub use crate::domain::vocab::{Level, OwnerGroup, OwnerKind, Status};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A canonical field of the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// 账号ID: the registry's identifier of the account, unique after import.
    Id,
    /// 名称: the account's name on its platform.
    Name,
    /// 类型: the platform type, normalised to 微信/微博/移动客户端/其他 (or the profile's scheme).
    Type,
    /// 开设主体: the unit that opened and runs the account.
    Owner,
    /// 层级: 省级/市级/县级.
    Level,
    /// 地区: 省本级 or the prefecture-level city the account belongs to.
    Region,
    /// 主体类别: 政府/部门/其他单位; optional, a missing column means 部门.
    OwnerKind,
    /// 状态: 正常/停更/关停/注销; optional, a missing column means 正常.
    Status,
    /// 平台: the concrete platform when the type alone does not name it (e.g. 抖音 under 其他).
    Platform,
}

impl Field {
    /// Every field, in the column order of the canonical CSV.
    pub const ALL: [Field; 9] = [
        Field::Id,
        Field::Name,
        Field::Type,
        Field::Owner,
        Field::Level,
        Field::Region,
        Field::OwnerKind,
        Field::Status,
        Field::Platform,
    ];

    /// The English key used on the command line (`--strata level,type`, `--take-all owner_kind=政府`).
    pub fn key(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::Type => "type",
            Field::Owner => "owner",
            Field::Level => "level",
            Field::Region => "region",
            Field::OwnerKind => "owner_kind",
            Field::Status => "status",
            Field::Platform => "platform",
        }
    }

    /// The Chinese header we write.
    pub fn label(self) -> &'static str {
        match self {
            Field::Id => "账号ID",
            Field::Name => "名称",
            Field::Type => "类型",
            Field::Owner => "开设主体",
            Field::Level => "层级",
            Field::Region => "地区",
            Field::OwnerKind => "主体类别",
            Field::Status => "状态",
            Field::Platform => "平台",
        }
    }

    /// The headers accepted for the field (compared by `text::match_key`), its label first.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Id => &["账号ID", "备案编号", "编号", "账号编号", "id"],
            Field::Name => &["名称", "账号名称", "政务新媒体名称", "name"],
            Field::Type => &["类型", "平台类型", "账号类型", "type"],
            Field::Owner => &["开设主体", "主办单位", "owner"],
            Field::Level => &["层级", "行政层级", "level"],
            Field::Region => &["地区", "所属地区", "设区市", "region"],
            Field::OwnerKind => &["主体类别", "owner_kind", "ownerkind"],
            Field::Status => &["状态", "运行状态", "status"],
            Field::Platform => &["平台", "platform"],
        }
    }

    /// Whether an import header must name this field; 主体类别, 状态 and 平台 may be absent.
    pub fn required(self) -> bool {
        matches!(
            self,
            Field::Id | Field::Name | Field::Type | Field::Owner | Field::Level | Field::Region
        )
    }

    /// Which field a header names, if any.
    pub fn from_header(h: &str) -> Option<Field> {
        let k = match_key(h);
        if k.is_empty() {
            return None;
        }
        Field::ALL
            .into_iter()
            .find(|f| f.aliases().iter().any(|a| match_key(a) == k))
    }
}

/// What the filer wrote for the fields the tool normalises: kept for re-classifying types under
/// another scheme, for placing regions, for rejects and in registry.csv (the 原文 columns).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RawTexts {
    /// 类型原文, e.g. 微信公众号.
    pub account_type: String,
    /// 层级原文, e.g. 设区市.
    pub level: String,
    /// 地区原文, e.g. 南京市玄武区.
    pub region: String,
    /// 主体类别原文.
    pub owner_kind: String,
    /// 状态原文.
    pub status: String,
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
    pub account_type: String,
    /// 开设主体: the unit that opened and runs the account.
    pub owner: String,
    /// 省级 / 市级 / 县级
    pub level: Level,
    /// 省本级 or a city name without 市
    pub region: String,
    /// 政府 / 部门 / 其他单位
    pub owner_kind: OwnerKind,
    /// 正常 / 停更 / 关停 / 注销
    pub status: Status,
    /// 平台: the original type text when the type is 其他 or a profile scheme classified it, else as given.
    pub platform: String,
    /// Original texts of the normalised fields, as the filer wrote them.
    pub raw: RawTexts,
    /// The county-level division (县(市、区)) the region names, e.g. "昆山市"; empty when the
    /// registry gives only the city, or for provincial accounts.
    pub county: String,
    /// In a campaign scoped to a city or a county: the group the notice reports the account
    /// under (the scope's own departments, a county-level unit, a 乡镇/街道 or a zone); empty in
    /// a province-wide campaign, whose groups follow level and 地区.
    pub group: String,
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

    /// Rebuild from the canonical CSV rows (header first). The rows are consumed: each cell's
    /// text moves into its account, so a million-row registry is never held twice. Errors name
    /// the row; the store adds the file.
    pub fn from_canonical(
        header: &[String],
        rows: impl IntoIterator<Item = Vec<String>>,
    ) -> Result<Registry, CanonicalError> {
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
        let extra_headers = header[extras_from..].to_vec();
        let rows = rows.into_iter();
        let mut accounts = Vec::with_capacity(rows.size_hint().0);
        for (i, r) in rows.enumerate() {
            if r.len() != header.len() {
                return Err(CanonicalError::Width {
                    line: i + 2,
                    cells: r.len(),
                    header: header.len(),
                });
            }
            accounts.push(canonical_account(
                r,
                i + 2,
                (has_county, has_group),
                extras_from,
            )?);
        }
        Ok(Registry {
            extra_headers,
            accounts,
        })
    }

    /// Re-read every account's type from its original text under another type scheme, so that
    /// a quarter imported under one scheme compares with one under another (类型原文 is kept).
    pub fn reclassify_types(&mut self, scheme: &crate::domain::profile::TypeScheme) {
        for a in &mut self.accounts {
            a.account_type = classify_type(scheme, &a.raw.account_type);
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

/// One account from its canonical CSV row (its width already checked), the cells moved, not
/// copied. `line` is the row's line in the file, for the error.
fn canonical_account(
    mut r: Vec<String>,
    line: usize,
    (has_county, has_group): (bool, bool),
    extras_from: usize,
) -> Result<Account, CanonicalError> {
    let fixed = Field::ALL.len() + RAW_LABELS.len();
    let bad = |what: &'static str, v: &str| CanonicalError::Value {
        line,
        what,
        value: v.to_string(),
    };
    let level = Level::parse(&r[4]).ok_or_else(|| bad("层级", &r[4]))?;
    let owner_kind = OwnerKind::parse(&r[6]).ok_or_else(|| bad("主体类别", &r[6]))?;
    let status = Status::parse(&r[7]).ok_or_else(|| bad("状态", &r[7]))?;
    let extra = r.split_off(extras_from);
    let mut g = |k: usize| std::mem::take(&mut r[k]);
    Ok(Account {
        id: g(0),
        name: g(1),
        account_type: g(2),
        owner: g(3),
        level,
        region: g(5),
        owner_kind,
        status,
        platform: g(8),
        raw: RawTexts {
            account_type: g(9),
            level: g(10),
            region: g(11),
            owner_kind: g(12),
            status: g(13),
        },
        county: if has_county { g(fixed) } else { String::new() },
        group: if has_group {
            g(fixed + 1)
        } else {
            String::new()
        },
        extra,
    })
}

/// The reported type of a registry spelling: the built-in tables under the default scheme
/// (其他 when they do not know it), the profile's own scheme otherwise.
pub fn classify_type(scheme: &crate::domain::profile::TypeScheme, raw: &str) -> String {
    if *scheme == crate::domain::profile::TypeScheme::jiangsu_2020() {
        normalize::account_type(raw)
            .unwrap_or(crate::domain::profile::OTHER)
            .to_string()
    } else {
        scheme.classify(raw).to_string()
    }
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
            RejectReason::OutsideScope => "不属于本次检查范围",
            RejectReason::UnplacedInScope => "未写明所属地区",
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
    /// The row's cells as read (canonical fields only, for duplicate ids).
    pub cells: Vec<String>,
}

/// The most rejected rows kept with their cells (in memory and in rejects.csv); every one past
/// that is still counted, by reason, and the total is stated. A hostile registry of ten million
/// junk rows costs a counter, not ten million rows.
pub const MAX_KEPT_REJECTS: usize = 10_000;

/// Rejected rows: all counted, by reason; the first [`MAX_KEPT_REJECTS`] kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rejects {
    /// The rows kept, by row once finished.
    kept: Vec<Reject>,
    /// Every rejected row, by reason.
    by_reason: BTreeMap<RejectReason, usize>,
}

impl Rejects {
    /// Count a reject; keep it while fewer than [`MAX_KEPT_REJECTS`] are kept.
    pub fn push(&mut self, r: Reject) {
        *self.by_reason.entry(r.reason).or_default() += 1;
        if self.kept.len() < MAX_KEPT_REJECTS {
            self.kept.push(r);
        }
    }

    /// Every rejected row, kept or not.
    pub fn len(&self) -> usize {
        self.by_reason.values().sum()
    }

    /// No row was rejected.
    pub fn is_empty(&self) -> bool {
        self.by_reason.is_empty()
    }

    /// The kept rows.
    pub fn iter(&self) -> std::slice::Iter<'_, Reject> {
        self.kept.iter()
    }

    /// Rejected rows not kept (counted only).
    pub fn omitted(&self) -> usize {
        self.len() - self.kept.len()
    }

    /// How many rows each reason rejected (all of them, kept or not).
    pub fn by_reason(&self) -> &BTreeMap<RejectReason, usize> {
        &self.by_reason
    }

    /// Rejected rows of one reason (all of them).
    pub fn count(&self, reason: RejectReason) -> usize {
        self.by_reason.get(&reason).copied().unwrap_or(0)
    }

    fn sort(&mut self) {
        self.kept.sort_by_key(|r| r.row);
    }
}

impl<'a> IntoIterator for &'a Rejects {
    type Item = &'a Reject;
    type IntoIter = std::slice::Iter<'a, Reject>;
    fn into_iter(self) -> Self::IntoIter {
        self.kept.iter()
    }
}

/// Where the header was found and what each column means.
#[derive(Clone, Debug)]
pub struct HeaderMap {
    /// 1-based row the header was found on (title rows above it are skipped).
    pub row: u32,
    /// Canonical fields and the 0-based column each was found in.
    pub fields: Vec<(Field, usize)>,
    /// Other non-empty headers and their columns, kept as extra columns, in column order.
    pub extras: Vec<(String, usize)>,
    /// Every cell of the header row, cleaned.
    pub headers: Vec<String>,
}

impl HeaderMap {
    /// The column a field was found in.
    pub fn column(&self, f: Field) -> Option<usize> {
        self.fields.iter().find(|(g, _)| *g == f).map(|(_, i)| *i)
    }

    /// Try a row as the header: it must name every required field.
    pub fn detect(row: u32, cells: &[String]) -> Result<HeaderMap, Vec<Field>> {
        let mut fields: Vec<(Field, usize)> = Vec::new();
        let mut extras = Vec::new();
        for (i, c) in cells.iter().enumerate() {
            let h = clean(c);
            if h.is_empty() {
                continue;
            }
            let taken = |f: Field| fields.iter().position(|(g, _)| *g == f);
            match Field::from_header(&h) {
                Some(f) => match taken(f) {
                    None => fields.push((f, i)),
                    // 账号ID beats a bare 编号 (often a serial 1, 2, 3…) wherever they stand.
                    Some(k) if f == Field::Id && id_rank(&h) < id_rank(&cells[fields[k].1]) => {
                        let (_, old) = fields[k];
                        extras.push((clean(&cells[old]), old));
                        fields[k] = (f, i);
                    }
                    Some(_) => extras.push((h, i)),
                },
                None => extras.push((h, i)),
            }
        }
        extras.sort_by_key(|(_, i)| *i);
        let missing: Vec<Field> = Field::ALL
            .into_iter()
            .filter(|f| f.required() && !fields.iter().any(|(g, _)| g == f))
            .collect();
        if missing.is_empty() {
            Ok(HeaderMap {
                row,
                fields,
                extras,
                headers: cells.iter().map(|c| clean(c)).collect(),
            })
        } else {
            Err(missing)
        }
    }
}

/// How strongly a header names the account id: lower wins. A bare 编号 is often a row serial.
fn id_rank(header: &str) -> usize {
    let k = match_key(header);
    ["账号id", "备案编号", "账号编号", "id", "编号"]
        .iter()
        .position(|a| match_key(a) == k)
        .unwrap_or(usize::MAX)
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

/// Memo of raw spelling → canonical value, per vocabulary: exports repeat a handful of spellings
/// a million times.
#[derive(Default)]
struct Cache {
    maps: [HashMap<String, Option<&'static str>>; 4],
    regions: HashMap<String, String>,
}

impl Cache {
    /// A non-empty region (its normalisation does not depend on the level then).
    fn region(&mut self, raw: &str) -> String {
        if let Some(v) = self.regions.get(raw) {
            return v.clone();
        }
        let v = normalize::region(raw, "");
        if self.regions.len() < 10_000 {
            self.regions.insert(raw.to_string(), v.clone());
        }
        v
    }

    fn get(
        &mut self,
        which: usize,
        raw: &str,
        f: fn(&str) -> Option<&'static str>,
    ) -> Option<&'static str> {
        if let Some(v) = self.maps[which].get(raw) {
            return *v;
        }
        let v = f(raw);
        if self.maps[which].len() < 10_000 {
            self.maps[which].insert(raw.to_string(), v);
        }
        v
    }
}

/// A row refused: why, and a sentence for the user naming the value.
type RowResult<T> = Result<T, (RejectReason, String)>;

/// A row's canonical fields as written, cleaned but not yet normalised.
struct RawRow {
    id: String,
    name: String,
    type_raw: String,
    owner: String,
    level_raw: String,
    region_raw: String,
    kind_raw: String,
    status_raw: String,
    platform: String,
}

/// Builds a registry from data rows, collecting rejects. Feed rows in order, then `finish` with
/// the province's profile: regions are placed as part of finishing, so no registry can come out
/// with its regions unresolved (in the wrong prefecture).
pub struct RegistryBuilder {
    header: HeaderMap,
    cache: Cache,
    accounts: Vec<(u32, Account)>,
    rejects: Rejects,
    /// Data rows pushed so far, blank ones included.
    pub rows_read: u64,
    /// Rows skipped because every cell was blank.
    pub blank_rows: u64,
    types: Option<crate::domain::profile::TypeScheme>,
    /// The level of the campaign's own departments: rows at it may leave 所属地区 empty.
    own_level: Level,
}

fn is_total_row(cells: &[String]) -> bool {
    cells.iter().take(6).filter(|c| c.contains('计')).any(|c| {
        let k = match_key(c);
        matches!(k.as_str(), "合计" | "总计" | "小计" | "合计:" | "总计:")
            || k.starts_with("合计:")
            || k.starts_with("总计:")
            || k.starts_with("合计(")
            || k.starts_with("总计(")
    })
}

impl RegistryBuilder {
    /// A builder reading rows under `header`, with the built-in type tables.
    pub fn new(header: HeaderMap) -> Self {
        RegistryBuilder {
            header,
            cache: Cache::default(),
            accounts: Vec::new(),
            rejects: Rejects::default(),
            rows_read: 0,
            blank_rows: 0,
            types: None,
            own_level: Level::Province,
        }
    }

    /// For a city or county campaign: rows at the scope's own level (市级 for a city) may leave
    /// 所属地区 empty, as 省级 rows may in a province's registry.
    pub fn with_own_level(mut self, level: Level) -> Self {
        self.own_level = level;
        self
    }

    /// Classify account types by a profile's own scheme (微信/微博/抖音/今日头条/其他 …)
    /// instead of the built-in 微信/微博/移动客户端/其他 tables: every spelling maps to a
    /// reported type (else 其他) and the original is kept as the platform.
    pub fn with_types(mut self, scheme: crate::domain::profile::TypeScheme) -> Self {
        self.types = Some(scheme);
        self
    }

    /// The header map the rows are read by.
    pub fn header(&self) -> &HeaderMap {
        &self.header
    }

    /// Add one data row (1-based spreadsheet row number); `lossy` lists the columns whose cell
    /// was a number with more than 15 digits.
    pub fn push(&mut self, row: u32, cells: &[String], lossy: &[usize]) {
        self.rows_read += 1;
        if cells.iter().all(|c| {
            c.trim_matches(crate::domain::text::is_blank_char)
                .is_empty()
        }) {
            self.blank_rows += 1;
            return;
        }
        match self.screen(cells, lossy).and_then(|()| self.account(cells)) {
            Ok(a) => self.accounts.push((row, a)),
            Err((reason, detail)) => self.rejects.push(Reject {
                row,
                reason,
                detail,
                cells: cells.to_vec(),
            }),
        }
    }

    /// Rows that are no account or cannot be kept as they are: a 合计 row, a cell over Excel's
    /// limit, an id Excel has already damaged.
    fn screen(&self, cells: &[String], lossy: &[usize]) -> Result<(), (RejectReason, String)> {
        if is_total_row(cells) {
            return Err((RejectReason::TotalRow, "合计/总计行不是账号".into()));
        }
        if let Some(c) = cells
            .iter()
            .position(|c| c.chars().count() > MAX_CELL_CHARS)
        {
            let detail = format!(
                "第 {} 列超过 Excel 单元格上限 {MAX_CELL_CHARS} 个字符,无法写入检查表",
                c + 1
            );
            return Err((RejectReason::CellTooLong, detail));
        }
        let id_col = self.header.column(Field::Id);
        if id_col.is_some_and(|c| lossy.contains(&c))
            || id_col
                .and_then(|c| cells.get(c))
                .is_some_and(|v| is_scientific(&clean_id(v)))
        {
            let detail = "编号超过15位数字,Excel 已丢失精度,请把该列设为文本后重新导出".into();
            return Err((RejectReason::LossyId, detail));
        }
        Ok(())
    }

    /// One account from a row's cells (normalised, the originals kept), or why not. The checks
    /// run in the order the user is told about them: missing values, type, level, status, kind.
    fn account(&mut self, cells: &[String]) -> RowResult<Account> {
        let raw = self.raw_row(cells);
        let level = self.level_if_complete(&raw)?;
        let account_type = self.account_type(&raw.type_raw)?;
        let Some(level) = level else {
            return Err((RejectReason::UnknownLevel, format!("层级 \"{}\" 无法识别(应为 省级/市级/县级 或 设区市、县(市、区)、乡镇(街道) 等)", raw.level_raw)));
        };
        let status = self.status(&raw.status_raw)?;
        let owner_kind = self.owner_kind(&raw.kind_raw)?;
        let RawRow {
            id,
            name,
            type_raw,
            owner,
            level_raw,
            region_raw,
            kind_raw,
            status_raw,
            mut platform,
        } = raw;
        // An unlisted type (其他) or a profile's own scheme keeps the spelling as the platform.
        if platform.is_empty() && (account_type == "其他" || self.types.is_some()) {
            platform = type_raw.clone();
        }
        let region = if region_raw.is_empty() {
            normalize::region(&region_raw, level)
        } else {
            self.cache.region(&region_raw)
        };
        let extra = self
            .header
            .extras
            .iter()
            .map(|(_, i)| cells.get(*i).cloned().unwrap_or_default())
            .collect();
        Ok(Account {
            id,
            name,
            account_type,
            owner,
            level: Level::parse(level).unwrap_or_default(),
            region,
            owner_kind: OwnerKind::parse(owner_kind).unwrap_or_default(),
            status: Status::parse(status).unwrap_or_default(),
            platform,
            raw: RawTexts {
                account_type: type_raw,
                level: level_raw,
                region: region_raw,
                owner_kind: kind_raw,
                status: status_raw,
            },
            county: String::new(),
            group: String::new(),
            extra,
        })
    }

    /// A row's canonical fields, cleaned but not yet normalised. A non-ASCII id also has its
    /// full-width digits and letters folded ([`clean_id`]); an ASCII one needs no more.
    fn raw_row(&self, cells: &[String]) -> RawRow {
        let get = |f: Field| -> String {
            self.header
                .fields
                .iter()
                .find(|(g, _)| *g == f)
                .and_then(|(_, i)| cells.get(*i))
                .map(|s| clean(s))
                .unwrap_or_default()
        };
        let id = get(Field::Id);
        RawRow {
            id: if id.is_ascii() { id } else { clean_id(&id) },
            name: get(Field::Name),
            type_raw: get(Field::Type),
            owner: get(Field::Owner),
            level_raw: get(Field::Level),
            region_raw: get(Field::Region),
            kind_raw: get(Field::OwnerKind),
            status_raw: get(Field::Status),
            platform: get(Field::Platform),
        }
    }

    /// The normalised level (None when not recognised), once every required value is there; a
    /// region is required below the campaign's own level (省级 for a province).
    fn level_if_complete(&mut self, raw: &RawRow) -> RowResult<Option<&'static str>> {
        let mut missing = Vec::new();
        for (f, v) in [
            (Field::Id, &raw.id),
            (Field::Name, &raw.name),
            (Field::Type, &raw.type_raw),
            (Field::Owner, &raw.owner),
            (Field::Level, &raw.level_raw),
        ] {
            if v.is_empty() {
                missing.push(f.label());
            }
        }
        let level = self.cache.get(0, &raw.level_raw, normalize::level);
        let below_own = level
            .and_then(Level::parse)
            .is_some_and(|l| l > self.own_level);
        if raw.region_raw.is_empty() && below_own {
            missing.push(Field::Region.label());
        }
        if !missing.is_empty() {
            return Err((
                RejectReason::MissingValue,
                format!("缺少 {}", missing.join("、")),
            ));
        }
        Ok(level)
    }

    /// The reported type: by the profile's own scheme (never refused, else 其他), or by the
    /// built-in tables, which refuse a spelling they do not know.
    fn account_type(&mut self, type_raw: &str) -> RowResult<String> {
        if let Some(scheme) = &self.types {
            return Ok(scheme.classify(type_raw).to_string());
        }
        match self.cache.get(1, type_raw, normalize::account_type) {
            Some(t) => Ok(t.to_string()),
            None => Err((
                RejectReason::UnknownType,
                format!(
                    "类型 \"{type_raw}\" 无法识别(应为 微信/微博/移动客户端/其他 或其常见写法)"
                ),
            )),
        }
    }

    /// The status; an empty cell means 正常 (exports leave it blank for active accounts).
    fn status(&mut self, status_raw: &str) -> RowResult<&'static str> {
        if status_raw.is_empty() {
            return Ok("正常");
        }
        self.cache
            .get(2, status_raw, normalize::status)
            .ok_or_else(|| {
                (
                    RejectReason::UnknownStatus,
                    format!("状态 \"{status_raw}\" 无法识别(应为 正常/停更/关停/注销)"),
                )
            })
    }

    /// The owner kind; an empty cell means 部门, by far the most common.
    fn owner_kind(&mut self, kind_raw: &str) -> RowResult<&'static str> {
        if kind_raw.is_empty() {
            return Ok("部门");
        }
        self.cache
            .get(3, kind_raw, normalize::owner_kind)
            .ok_or_else(|| {
                (
                    RejectReason::UnknownOwnerKind,
                    format!("主体类别 \"{kind_raw}\" 无法识别(应为 政府/部门/其他单位)"),
                )
            })
    }

    /// The index among the extra columns (an account's `extra`) of the column headed `name`,
    /// matched as headers are.
    pub fn extra_column(&self, name: &str) -> Option<usize> {
        let k = match_key(name);
        self.header
            .extras
            .iter()
            .position(|(h, _)| match_key(h) == k)
    }

    /// The distinct 所属地区 texts of non-provincial accounts, for guessing the province.
    pub fn raw_regions(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .accounts
            .iter()
            .filter(|(_, a)| a.level != Level::Province)
            .map(|(_, a)| a.raw.region.as_str())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Resolve every account's region through the province profile; rows whose region does not
    /// resolve become rejects.
    fn place(&mut self, profile: &crate::domain::profile::Profile) {
        // In place: a second vector of a million accounts would double the import's peak.
        let mut cache = place::RegionCache::default();
        let mut refused = Vec::new();
        let town = profile
            .town_column
            .as_deref()
            .and_then(|c| self.extra_column(c));
        for (i, (row, a)) in self.accounts.iter_mut().enumerate() {
            if let Err(e) = place::place(a, profile, &mut cache, town) {
                self.rejects.push(place::reject(*row, a, &e));
                refused.push(i);
            }
        }
        if !refused.is_empty() {
            let mut i = 0;
            self.accounts.retain(|_| {
                let keep = refused.binary_search(&i).is_err();
                i += 1;
                keep
            });
        }
    }

    /// Place every account's region through `profile` (see `place`), reject every copy of a
    /// duplicated id, and return the registry and the rejects by row.
    pub fn finish(mut self, profile: &crate::domain::profile::Profile) -> (Registry, Rejects) {
        self.place(profile);
        let mut counts: HashMap<&str, u32> = HashMap::with_capacity(self.accounts.len());
        for (_, a) in &self.accounts {
            *counts.entry(a.id.as_str()).or_default() += 1;
        }
        let dup: HashSet<String> = counts
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(k, _)| k.to_string())
            .collect();
        let mut rejects = self.rejects;
        let extra_headers = self.header.extras.iter().map(|(h, _)| h.clone()).collect();
        if dup.is_empty() {
            // The common case: no copy of a million accounts.
            let accounts = self.accounts.into_iter().map(|(_, a)| a).collect();
            rejects.sort();
            return (
                Registry {
                    extra_headers,
                    accounts,
                },
                rejects,
            );
        }
        let mut dup_rows: HashMap<String, Vec<u32>> = HashMap::new();
        for (row, a) in &self.accounts {
            if dup.contains(&a.id) {
                dup_rows.entry(a.id.clone()).or_default().push(*row);
            }
        }
        let mut accounts = Vec::with_capacity(self.accounts.len());
        for (row, a) in self.accounts {
            if dup.contains(&a.id) {
                let rows = &dup_rows[&a.id];
                let mut cells = Registry::canonical_row(&a, false);
                cells.truncate(Field::ALL.len());
                rejects.push(Reject {
                    row,
                    reason: RejectReason::DuplicateId,
                    detail: format!(
                        "账号ID \"{}\" 出现 {} 次(第 {} 行{})",
                        a.id,
                        rows.len(),
                        rows.iter()
                            .take(10)
                            .map(|r| r.to_string())
                            .collect::<Vec<_>>()
                            .join("、"),
                        if rows.len() > 10 { " 等" } else { "" }
                    ),
                    cells,
                });
            } else {
                accounts.push(a);
            }
        }
        rejects.sort();
        (
            Registry {
                extra_headers,
                accounts,
            },
            rejects,
        )
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
                d.type_changed
                    .push((a.id.clone(), b.account_type.clone(), a.account_type.clone()));
            }
            if b.owner != a.owner {
                d.owner_changed
                    .push((a.id.clone(), b.owner.clone(), a.owner.clone()));
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
        assert!(HeaderMap::detect(1, &s(&["2020年第一季度政务新媒体备案台账"])).is_err());
        let h = HeaderMap::detect(
            2,
            &s(&[
                "编号",
                "账号名称",
                "平台类型",
                "主办单位",
                "行政层级",
                "所属地区",
                "备注",
            ]),
        )
        .unwrap();
        let mut b = RegistryBuilder::new(h);
        b.push(
            3,
            &s(&[
                "１２",
                "江苏发布",
                "微信公众号",
                "省政府办公厅",
                "省级",
                "",
                "x",
            ]),
            &[],
        );
        b.push(
            4,
            &s(&[
                "13",
                "南京发布",
                "新浪微博",
                "南京市政府",
                "设区市",
                "南京市",
                "",
            ]),
            &[],
        );
        b.push(
            5,
            &s(&[
                "13",
                "南京发布2",
                "APP",
                "南京市政府",
                "设区市",
                "南京市",
                "",
            ]),
            &[],
        );
        b.push(6, &s(&["14", "x", "传真", "y", "县级", "南京", ""]), &[]);
        b.push(7, &s(&["合计", "", "", "", "", "", ""]), &[]);
        b.push(8, &s(&["", "", ""]), &[]);
        assert_eq!(b.blank_rows, 1);
        let jiangsu = crate::domain::profile::province("江苏").unwrap();
        let (reg, rejects) = b.finish(&crate::domain::profile::Profile::builtin(jiangsu));
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
