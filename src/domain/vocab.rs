//! The closed vocabularies of a registry, as types: its canonical fields, administrative level,
//! operating status and owner kind, each with its Chinese label, the notice's order and the one
//! list of the spellings registry exports use for it. A profile adds its own spellings on top
//! ([`Aliases`]); account types are data (the profile's type scheme), not an enum, because
//! provinces report different platforms.

use crate::domain::text::match_key;
use std::collections::BTreeMap;

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
    /// 县(市、区): the county-level unit, when an export gives it in its own column beside
    /// 所属市(州); read with 地区, kept as `Account::county`. Not a column of the canonical CSV
    /// (its county column comes after the raw labels), hence not in [`Field::ALL`].
    County,
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

    /// Every field a registry export's header may name: [`Field::ALL`] and the county column.
    pub const READ: [Field; 10] = [
        Field::Id,
        Field::Name,
        Field::Type,
        Field::Owner,
        Field::Level,
        Field::Region,
        Field::OwnerKind,
        Field::Status,
        Field::Platform,
        Field::County,
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
            Field::County => "county",
        }
    }

    /// The Chinese header we write (and the README documents).
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
            Field::County => "县(市、区)",
        }
    }

    /// The headers registry exports use for the field (the label and key among them): the one
    /// list import, id lists, assignment files and monitoring exports all match against.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Id => &[
                "账号ID",
                "备案编号",
                "编号",
                "账号编号",
                "id",
                "备案号",
                "备案ID",
                "账号标识",
                "账号备案编号",
            ],
            Field::Name => &[
                "名称",
                "账号名称",
                "政务新媒体名称",
                "新媒体名称",
                "媒体名称",
                "账号昵称",
                "name",
            ],
            Field::Type => &[
                "类型",
                "平台类型",
                "账号类型",
                "媒体类型",
                "新媒体类型",
                "政务新媒体类型",
                "所属平台",
                "平台名称",
                "账号平台",
                "发布平台",
                "媒体平台",
                "type",
            ],
            Field::Owner => &[
                "开设主体",
                "主办单位",
                "开办主体",
                "开设单位",
                "运营主体",
                "运营单位",
                "主体名称",
                "账号主体",
                "owner",
            ],
            Field::Level => &[
                "层级",
                "行政层级",
                "行政级别",
                "级别",
                "主体层级",
                "账号层级",
                "所属层级",
                "主体级别",
                "level",
            ],
            Field::Region => &[
                "地区",
                "所属地区",
                "设区市",
                "所属市(州)",
                "市(州)",
                "所属市州",
                "市州",
                "所属地市",
                "地市",
                "所属设区市",
                "所属市",
                "所属区域",
                "行政区划",
                "所属行政区划",
                "所属盟市",
                "盟市",
                "所属市(地、州)",
                "region",
            ],
            Field::OwnerKind => &[
                "主体类别",
                "主体类型",
                "主体性质",
                "开设主体类别",
                "开设主体类型",
                "是否代表政府",
                "owner_kind",
                "ownerkind",
            ],
            Field::Status => &["状态", "运行状态", "账号状态", "运营状态", "status"],
            Field::Platform => &["平台", "platform"],
            Field::County => &[
                "县(市、区)",
                "所属县(市、区)",
                "县(市、区、旗)",
                "所属县(市、区、旗)",
                "县(市、区、特区)",
                "区县",
                "所属区县",
                "县区",
                "所属县区",
                "县(区)",
                "所属县(区)",
                "县(市)",
                "所属县(市)",
                "县市区",
                "所属县市区",
                "县级行政区",
                "所属县",
                "county",
            ],
        }
    }

    /// Whether an import header must name this field; 主体类别, 状态 and 平台 may be absent.
    pub fn required(self) -> bool {
        matches!(
            self,
            Field::Id | Field::Name | Field::Type | Field::Owner | Field::Level | Field::Region
        )
    }

    /// Which field a header names by the built-in list, if any (compared by [`header_key`]).
    pub fn from_header(h: &str) -> Option<Field> {
        let k = header_key(h);
        if k.is_empty() {
            return None;
        }
        Field::READ
            .into_iter()
            .find(|f| f.aliases().iter().any(|a| header_key(a) == k))
    }

    /// The field a README label, key or built-in header names (`"层级"`, `"level"`,
    /// `"行政层级"`): the target side of a profile's `[columns]`.
    pub fn named(name: &str) -> Option<Field> {
        Field::from_header(name)
    }
}

/// The key headers are compared by: case, blanks, width and punctuation ("所属市（州）" ==
/// "所属市州") do not count.
pub fn header_key(s: &str) -> String {
    strip_punct(&match_key(s))
}

/// The key value spellings are compared by: like [`header_key`], so "县（市、区）", "县(市,区)"
/// and "县市区" are one spelling.
pub fn term_key(s: &str) -> String {
    strip_punct(&match_key(s))
}

fn strip_punct(k: &str) -> String {
    k.chars()
        .filter(|c| !"()[]【】、,;/\\·._-—〔〕<>《》\"'“”‘’".contains(*c))
        .collect()
}

/// A closed vocabulary registries spell many ways: its values, labels, and the one built-in list
/// of their spellings. A profile's `[TABLE.aliases]` adds spellings ([`Aliases`]).
pub trait Term: Copy + Eq + std::fmt::Debug + 'static {
    /// What the value is called in messages, e.g. 层级.
    const WHAT: &'static str;
    /// The profile table its aliases go in: `levels` → `[levels.aliases]`.
    const TABLE: &'static str;
    /// That alias section as messages name it: `[levels.aliases]`.
    const SECTION: &'static str;
    /// Every value, in the notice's order.
    fn all() -> &'static [Self];
    /// The canonical label.
    fn label(self) -> &'static str;
    /// The built-in spellings of each value (the label among them).
    fn spellings() -> &'static [(Self, &'static [&'static str])];

    /// The value a spelling names by the built-in list, compared by [`term_key`]; a trailing
    /// 级 or 本级 is tried without ("市(州)级" → 市(州) → 市级, "区县级" → 区县 → 县级).
    fn spelled(raw: &str) -> Option<Self> {
        let k = term_key(raw);
        if k.is_empty() {
            return None;
        }
        let find = |k: &str| {
            Self::spellings()
                .iter()
                .find(|(_, list)| list.iter().any(|s| term_key(s) == k))
                .map(|(v, _)| *v)
        };
        find(&k)
            .or_else(|| k.strip_suffix("本级").and_then(find))
            .or_else(|| k.strip_suffix('级').and_then(find))
    }

    /// The value a canonical label names exactly.
    fn parse_label(label: &str) -> Option<Self> {
        Self::all().iter().copied().find(|v| v.label() == label)
    }

    /// The labels joined with "/", for messages: 省级/市级/县级.
    fn labels() -> String {
        Self::all()
            .iter()
            .map(|v| v.label())
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// Administrative level of the account's owner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// 省级: provincial departments and the provincial government.
    Province,
    /// 市级: prefecture-level cities and their departments.
    City,
    /// 县级: counties, districts, townships.
    #[default]
    County,
}

impl Level {
    /// Every level, in the notice's order.
    pub const ALL: [Level; 3] = [Level::Province, Level::City, Level::County];

    /// The label the registry and the report use.
    pub const fn label(self) -> &'static str {
        match self {
            Level::Province => "省级",
            Level::City => "市级",
            Level::County => "县级",
        }
    }

    /// The level a label names (exactly, as written by `label`).
    pub fn parse(label: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.label() == label)
    }
}

impl Term for Level {
    const WHAT: &'static str = "层级";
    const TABLE: &'static str = "levels";
    const SECTION: &'static str = "[levels.aliases]";
    fn all() -> &'static [Self] {
        &Level::ALL
    }
    fn label(self) -> &'static str {
        Level::label(self)
    }
    fn spellings() -> &'static [(Self, &'static [&'static str])] {
        &[
            (
                Level::Province,
                &[
                    "省级",
                    "省",
                    "省直",
                    "省本级",
                    "省级部门",
                    "省直部门",
                    "省直单位",
                    "省级单位",
                    "省级部门单位",
                    "provincial",
                    "province",
                ],
            ),
            (
                Level::City,
                &[
                    "市级",
                    "市",
                    "设区市",
                    "地级市",
                    "市本级",
                    "设区市级",
                    "地市",
                    "市(州)",
                    "市州",
                    "州",
                    "市(地)",
                    "市(地、州)",
                    "地区",
                    "盟",
                    "盟市",
                    "市(盟)",
                    "市直",
                    "市直部门",
                    "市级部门",
                    "city",
                    "municipal",
                    "prefecture",
                ],
            ),
            (
                Level::County,
                &[
                    "县级",
                    "县",
                    "区",
                    "县级市",
                    "县(市、区)",
                    "县市区",
                    "县(区)",
                    "县区",
                    "区县",
                    "县(市)",
                    "县(市、区、旗)",
                    "旗",
                    "旗县",
                    "县直",
                    "县直部门",
                    "县级部门",
                    "乡镇",
                    "街道",
                    "乡镇(街道)",
                    "街道(乡镇)",
                    "乡(镇)",
                    "镇(街道)",
                    "乡",
                    "镇",
                    "苏木",
                    "county",
                    "township",
                    "district",
                ],
            ),
        ]
    }
}

/// Operating status of an account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// 正常: in operation; only these accounts form the sampling frame.
    #[default]
    Active,
    /// 停更: no longer updated.
    Stopped,
    /// 关停: shut down.
    Closed,
    /// 注销: deregistered.
    Deregistered,
}

impl Status {
    /// Every status, in the notice's order.
    pub const ALL: [Status; 4] = [
        Status::Active,
        Status::Stopped,
        Status::Closed,
        Status::Deregistered,
    ];

    /// The label the registry and the report use.
    pub const fn label(self) -> &'static str {
        match self {
            Status::Active => "正常",
            Status::Stopped => "停更",
            Status::Closed => "关停",
            Status::Deregistered => "注销",
        }
    }

    /// The status a label names.
    pub fn parse(label: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.label() == label)
    }
}

impl Term for Status {
    const WHAT: &'static str = "状态";
    const TABLE: &'static str = "statuses";
    const SECTION: &'static str = "[statuses.aliases]";
    fn all() -> &'static [Self] {
        &Status::ALL
    }
    fn label(self) -> &'static str {
        Status::label(self)
    }
    fn spellings() -> &'static [(Self, &'static [&'static str])] {
        &[
            (
                Status::Active,
                &[
                    "正常",
                    "运行",
                    "运行中",
                    "正常运行",
                    "正常运营",
                    "运营中",
                    "正常更新",
                    "在用",
                    "在运营",
                    "开通",
                    "已开通",
                    "启用",
                    "已启用",
                    "active",
                    "normal",
                ],
            ),
            (
                Status::Stopped,
                &[
                    "停更",
                    "停止更新",
                    "暂停更新",
                    "已停更",
                    "停更中",
                    "已暂停更新",
                    "不再更新",
                    "stopped",
                ],
            ),
            (
                Status::Closed,
                &[
                    "关停",
                    "已关停",
                    "关闭",
                    "已关闭",
                    "停用",
                    "已停用",
                    "下线",
                    "已下线",
                    "closed",
                ],
            ),
            (
                Status::Deregistered,
                &[
                    "注销",
                    "已注销",
                    "撤销",
                    "已撤销",
                    "deregistered",
                    "cancelled",
                ],
            ),
        ]
    }
}

/// Who the account speaks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OwnerKind {
    /// 政府: the account represents a government itself (take-all in the reference design).
    Government,
    /// 部门: a department (the default when a registry has no such column).
    #[default]
    Department,
    /// 其他单位: another unit (public institutions …).
    Other,
}

impl OwnerKind {
    /// Every owner kind, in the notice's order.
    pub const ALL: [OwnerKind; 3] = [
        OwnerKind::Government,
        OwnerKind::Department,
        OwnerKind::Other,
    ];

    /// The label the registry and the report use.
    pub const fn label(self) -> &'static str {
        match self {
            OwnerKind::Government => "政府",
            OwnerKind::Department => "部门",
            OwnerKind::Other => "其他单位",
        }
    }

    /// The owner kind a label names.
    pub fn parse(label: &str) -> Option<OwnerKind> {
        OwnerKind::ALL.into_iter().find(|k| k.label() == label)
    }
}

impl Term for OwnerKind {
    const WHAT: &'static str = "主体类别";
    const TABLE: &'static str = "owner_kinds";
    const SECTION: &'static str = "[owner_kinds.aliases]";
    fn all() -> &'static [Self] {
        &OwnerKind::ALL
    }
    fn label(self) -> &'static str {
        OwnerKind::label(self)
    }
    fn spellings() -> &'static [(Self, &'static [&'static str])] {
        // 是/否 are the values of a 是否代表政府 column.
        &[
            (
                OwnerKind::Government,
                &[
                    "政府",
                    "人民政府",
                    "代表政府",
                    "代表主体为政府",
                    "政府门户",
                    "政府账号",
                    "政府主账号",
                    "地方政府",
                    "是",
                    "government",
                ],
            ),
            (
                OwnerKind::Department,
                &[
                    "部门",
                    "政府部门",
                    "部门单位",
                    "部门账号",
                    "职能部门",
                    "政府组成部门",
                    "否",
                    "department",
                ],
            ),
            (
                OwnerKind::Other,
                &[
                    "其他单位",
                    "其他",
                    "其它",
                    "事业单位",
                    "其他单位(事业单位)",
                    "群团组织",
                    "other",
                    "unit",
                ],
            ),
        ]
    }
}

/// The notice's two owner groups: provincial departments, and prefectures with everything below
/// them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OwnerGroup {
    /// 省级部门单位.
    Provincial,
    /// 设区市 (or the profile's label: 市(州) …), a city counting its counties.
    Prefecture,
}

impl OwnerGroup {
    /// The label where no province profile is at hand (campaign files): 省级部门单位 / 设区市.
    pub fn default_label(self) -> &'static str {
        match self {
            OwnerGroup::Provincial => "省级部门单位",
            OwnerGroup::Prefecture => "设区市",
        }
    }

    /// The group of a level.
    pub fn of(level: Level) -> OwnerGroup {
        match level {
            Level::Province => OwnerGroup::Provincial,
            Level::City | Level::County => OwnerGroup::Prefecture,
        }
    }
}

/// A profile's own spellings of one vocabulary (`[levels.aliases]` …), on top of the built-in
/// list: a spelling an office's export uses → the canonical value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Aliases<T> {
    /// [`term_key`] of the spelling → (the spelling as written, the value).
    map: BTreeMap<String, (String, T)>,
}

impl<T> Default for Aliases<T> {
    fn default() -> Self {
        Aliases {
            map: BTreeMap::new(),
        }
    }
}

/// Why a profile's alias table was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AliasError {
    /// A blank spelling.
    Empty,
    /// A target that is no canonical label.
    Target {
        /// The spelling.
        alias: String,
        /// What it points at.
        target: String,
    },
    /// Two spellings that compare alike map to different values.
    Conflict {
        /// One spelling.
        first: String,
        /// The other.
        second: String,
        /// The two targets, quoted.
        targets: String,
    },
}

/// An alias table from (spelling, target) pairs: each spelling under its `key`, each target
/// read by `parse`; a blank spelling, an unknown target and two spellings that compare alike
/// with different targets are refused (the one rule for every alias section).
fn alias_map<V, I, S>(
    pairs: I,
    key: impl Fn(&str) -> String,
    parse: impl Fn(&str) -> Option<V>,
    label: impl Fn(V) -> String,
) -> Result<BTreeMap<String, (String, V)>, AliasError>
where
    V: PartialEq + Copy,
    I: IntoIterator<Item = (S, S)>,
    S: AsRef<str>,
{
    let mut map = BTreeMap::new();
    for (alias, target) in pairs {
        let (alias, target) = (alias.as_ref().trim(), target.as_ref().trim());
        let k = key(alias);
        if k.is_empty() {
            return Err(AliasError::Empty);
        }
        let value = parse(target).ok_or_else(|| AliasError::Target {
            alias: alias.to_string(),
            target: target.to_string(),
        })?;
        insert_alias(&mut map, k, (alias, value, target), &label)?;
    }
    Ok(map)
}

/// Insert `key` → (`spelling`, `value`), refusing a key already mapped to another value.
fn insert_alias<V: PartialEq + Copy>(
    map: &mut BTreeMap<String, (String, V)>,
    key: String,
    (spelling, value, target): (&str, V, &str),
    label: impl Fn(V) -> String,
) -> Result<(), AliasError> {
    if let Some((first, other)) = map.get(&key).filter(|(_, v)| *v != value) {
        return Err(AliasError::Conflict {
            first: first.clone(),
            second: spelling.to_string(),
            targets: format!("“{}”和“{target}”", label(*other)),
        });
    }
    map.insert(key, (spelling.to_string(), value));
    Ok(())
}

impl<T: Term> Aliases<T> {
    /// The table from (spelling, canonical label) pairs; a target must be a label of `T`.
    pub fn new<I, S>(pairs: I) -> Result<Aliases<T>, AliasError>
    where
        I: IntoIterator<Item = (S, S)>,
        S: AsRef<str>,
    {
        let map = alias_map(pairs, term_key, T::parse_label, |v: T| {
            v.label().to_string()
        })?;
        Ok(Aliases { map })
    }

    /// The value of a spelling: the profile's alias, else the built-in list.
    pub fn resolve(&self, raw: &str) -> Option<T> {
        let k = term_key(raw);
        match self.map.get(&k) {
            Some((_, v)) => Some(*v),
            None => T::spelled(raw),
        }
    }

    /// Whether the profile lists this spelling itself.
    pub fn lists(&self, raw: &str) -> bool {
        self.map.contains_key(&term_key(raw))
    }

    /// Every spelling known for the vocabulary, as (spelling, value): the profile's, then the
    /// built-in ones; for the closest-name hints.
    pub fn known(&self) -> Vec<(&str, T)> {
        let mut out: Vec<(&str, T)> = self.map.values().map(|(s, v)| (s.as_str(), *v)).collect();
        for (v, list) in T::spellings() {
            out.extend(list.iter().map(|s| (*s, *v)));
        }
        out
    }

    /// Whether no alias is given.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// A profile's `[columns]`: the headers an office's export uses → the fields they hold, on top
/// of the built-in header list ([`Field::aliases`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnAliases {
    /// [`header_key`] of the export's header → (the header as written, the field).
    map: BTreeMap<String, (String, Field)>,
}

impl ColumnAliases {
    /// The table from (export header, field) pairs; the field may be named by its README label,
    /// key or any built-in header ("层级", "level", "行政层级").
    pub fn new<I, S>(pairs: I) -> Result<ColumnAliases, AliasError>
    where
        I: IntoIterator<Item = (S, S)>,
        S: AsRef<str>,
    {
        let map = alias_map(pairs, header_key, Field::named, |f: Field| {
            f.label().to_string()
        })?;
        Ok(ColumnAliases { map })
    }

    /// The field the profile maps this header to, if it lists it.
    pub fn listed(&self, header: &str) -> Option<Field> {
        self.map.get(&header_key(header)).map(|(_, f)| *f)
    }

    /// The field a header names: the profile's mapping, else the built-in list.
    pub fn resolve(&self, header: &str) -> Option<Field> {
        self.listed(header).or_else(|| Field::from_header(header))
    }

    /// Whether no header is mapped.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for l in Level::ALL {
            assert_eq!(Level::parse(l.label()), Some(l));
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.label()), Some(s));
        }
        for k in OwnerKind::ALL {
            assert_eq!(OwnerKind::parse(k.label()), Some(k));
        }
        assert_eq!(Level::parse("省"), None);
        assert_eq!(OwnerGroup::of(Level::County), OwnerGroup::Prefecture);
    }

    /// The spellings real exports use (Sichuan's platform among them) need no profile.
    #[test]
    fn real_spellings_are_built_in() {
        for (raw, level) in [
            ("设区市", Level::City),
            ("市(州)级", Level::City),
            ("市（州）级", Level::City),
            ("地市级", Level::City),
            ("市本级", Level::City),
            ("县(市、区)级", Level::County),
            ("县（市，区）", Level::County),
            ("区县级", Level::County),
            ("乡镇(街道)级", Level::County),
            ("乡镇（街道）", Level::County),
            ("省直部门", Level::Province),
            (" 省级 ", Level::Province),
        ] {
            assert_eq!(Level::spelled(raw), Some(level), "{raw}");
        }
        assert_eq!(Level::spelled("市州直属"), None);
        assert_eq!(Level::spelled(""), None);
        assert_eq!(Status::spelled("已停更"), Some(Status::Stopped));
        assert_eq!(Status::spelled("正常运行"), Some(Status::Active));
        assert_eq!(OwnerKind::spelled("代表政府"), Some(OwnerKind::Government));
        assert_eq!(OwnerKind::spelled("是"), Some(OwnerKind::Government));
        for f in Field::READ {
            assert_eq!(Field::from_header(f.label()), Some(f));
            assert_eq!(Field::from_header(f.key()), Some(f));
        }
        assert_eq!(Field::from_header("行政级别"), Some(Field::Level));
        assert_eq!(Field::from_header("所属市（州）"), Some(Field::Region));
        assert_eq!(Field::from_header(" 账号 ID "), Some(Field::Id));
        assert_eq!(Field::from_header("序号"), None);
    }

    #[test]
    fn a_profile_adds_spellings_and_refuses_bad_targets() {
        let a: Aliases<Level> = Aliases::new([("地市本级", "市级"), ("市州直属", "市级")]).unwrap();
        assert_eq!(a.resolve("市州直属"), Some(Level::City));
        assert_eq!(a.resolve("县级"), Some(Level::County));
        assert!(a.lists("地市本级") && !a.lists("县级"));
        assert_eq!(
            Aliases::<Level>::new([("x", "市")]),
            Err(AliasError::Target {
                alias: "x".into(),
                target: "市".into()
            })
        );
        assert_eq!(
            Aliases::<Status>::new([(" ", "正常")]),
            Err(AliasError::Empty)
        );
        assert_eq!(Level::labels(), "省级/市级/县级");
    }
}
