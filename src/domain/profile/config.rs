//! A province profile: the settings that differ between provinces, read from a small TOML file
//! or built in.
//!
//! ```toml
//! province = "贵州"
//! prefecture_label = "市(州)"     # the owner-group label for prefecture-level units
//! rate_decimals = 2               # pass rates and shares: 90.87%
//! rate_rounding = "四舍五入"       # or "截断": 291/294 → 98.9%
//! rate_trailing_zeros = false     # true prints 95.0%, 99.80%
//! rate_mark_below = 5             # rates from fewer accounts are marked ＊ (0: never)
//! [types]
//! order = ["微信", "微博", "抖音", "今日头条", "其他"]
//! [types.aliases]                 # spelling in the registry -> reported type
//! "微信公众号" = "微信"
//! [regions.aliases]               # local names the division data lacks -> prefecture
//! "经开区" = "贵阳"
//! [columns]                       # the export's header -> the header the README documents
//! "行政归属" = "层级"
//! [levels.aliases]                # the export's spellings -> 省级/市级/县级
//! "地市本级" = "市级"
//! [statuses.aliases]              # -> 正常/停更/关停/注销
//! "已停更" = "停更"
//! [owner_kinds.aliases]           # -> 政府/部门/其他单位
//! "代表政府" = "政府"
//! [issuer]                        # the notice's 主送, 署名, 版头 and 版记 (all optional)
//! name = "贵州省人民政府办公厅"     # 发文机关署名
//! to = "各市(州)人民政府,省政府各部门"
//! mark = "贵州省人民政府办公厅文件" # 发文机关标志 (版头)
//! cc = "省委办公厅,省人大常委会办公厅"
//! printed_by = "贵州省人民政府办公厅"
//! final = true                    # `report` writes the final notice unless --draft
//! departments = ["省委网信办", "省教育厅"] # order of provincial departments in the annex
//! [monitor.columns]               # the monitoring export's header -> the README's name
//! "推送末次时刻" = "最近发布时间"
//! ```
//!
//! A city's or a county's office scopes its campaign to its own unit:
//!
//! ```toml
//! province = "江苏"
//! scope = "无锡"                       # a prefecture- or county-level unit of the province
//! top_group_label = "市级部门和单位"     # the scope's own departments (default 市级部门单位)
//! division_label = "市(县)区"          # the groups below it (default from its divisions)
//! town_column = "所属乡镇"             # a county scope: the registry column naming each 乡镇/街道
//! annex_name = "名称(平台)"            # the annex writes 无锡刑警(微信)
//! [zones]                             # functional zones reporting as a group of their own
//! "经开区" = ["无锡经济开发区", "经开区"]
//! ```
//!
//! Only `province` is required; a missing key takes the value of [`Profile::builtin`]. A
//! `[types]` table replaces the built-in scheme whole (its `order` is then required and must
//! contain "其他"). The alias tables add to the built-in spellings. A value still "?" (as
//! `audit profile init` leaves what it could not tell) is refused with its line.

use std::collections::BTreeMap;

use serde::Deserialize;
use thiserror::Error;

use super::aliases::AliasTable;
use super::divisions::{province, Province};
use super::rate::{RateStyle, Rounding};
use super::resolve::{Region, RegionAliases, RegionError};
use super::scope::{Scope, ScopeError};
use super::spellings::ExportSpellings;
use super::types::TypeScheme;
use super::words::AnnexName;
use super::zones::Zone;
use crate::domain::vocab::{AliasError, Aliases, ColumnAliases, Field, Term};

/// Why a profile was refused; each message names the key to fix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProfileError {
    /// Not valid TOML, an unknown or missing key, or a value of the wrong type.
    #[error("画像配置{}: {detail}", line.map(|l| format!("第 {l} 行")).unwrap_or_default())]
    Syntax {
        /// 1-based line of the problem, when known.
        line: Option<usize>,
        /// What is wrong.
        detail: String,
    },
    /// `province` names no province.
    #[error("province: “{name}”不是已知的省份(可写“贵州”或“贵州省”)")]
    UnknownProvince {
        /// The value given.
        name: String,
    },
    /// `prefecture_label` is blank.
    #[error("prefecture_label 不能为空")]
    EmptyLabel,
    /// `rate_decimals` is outside 0..=4.
    #[error("rate_decimals 须在 0 到 4 之间,现为 {value}")]
    RateDecimals {
        /// The value given.
        value: i64,
    },
    /// `rate_rounding` names no rounding rule.
    #[error("rate_rounding 应为“四舍五入”或“截断”,现为“{value}”")]
    RateRounding {
        /// The value given.
        value: String,
    },
    /// `rate_mark_below` is negative.
    #[error("rate_mark_below 应为 0 或正整数,现为 {value}")]
    RateMarkBelow {
        /// The value given.
        value: i64,
    },
    /// `[types] order` is empty.
    #[error("[types] order 不能为空")]
    EmptyOrder,
    /// A type name or alias spelling is blank.
    #[error("[types] 中有空的类型名或别名")]
    EmptyType,
    /// A type appears twice in `[types] order`.
    #[error("[types] order 中“{name}”重复")]
    DuplicateType {
        /// The repeated type.
        name: String,
    },
    /// `[types] order` lacks "其他", which unlisted platforms are reported under.
    #[error("[types] order 须包含“其他”:未列出的平台都归入此类")]
    MissingOther,
    /// A `[types.aliases]` entry points at a type not in the order.
    #[error("[types.aliases] “{alias}”指向“{target}”,但“{target}”不在 [types] order 中")]
    TypeAliasTarget {
        /// The registry spelling.
        alias: String,
        /// The type it points at.
        target: String,
    },
    /// One spelling maps to two types (also when an alias spells a type of the order).
    #[error("[types.aliases] “{alias}”既指向“{first}”又指向“{second}”")]
    TypeAliasConflict {
        /// The registry spelling.
        alias: String,
        /// The type it already maps to.
        first: String,
        /// The other type.
        second: String,
    },
    /// A `[regions.aliases]` entry points at something that is not a prefecture of the province.
    #[error("[regions.aliases] “{alias}”指向“{target}”,但它不是{province}的{label}")]
    RegionAliasTarget {
        /// The local name.
        alias: String,
        /// The prefecture it points at.
        target: String,
        /// The profile's province, e.g. "贵州省".
        province: String,
        /// The profile's prefecture label, e.g. "市(州)".
        label: String,
    },
    /// A `[regions.aliases]` key is blank.
    #[error("[regions.aliases] 中有空的地区名")]
    EmptyRegionAlias,
    /// A `[columns]` entry names no field.
    #[error("[columns] “{header}”指向“{target}”,但它不是已知的列;可写: {allowed}")]
    ColumnTarget {
        /// The export's header.
        header: String,
        /// What it points at.
        target: String,
        /// The fields' labels, joined.
        allowed: String,
    },
    /// A `[levels.aliases]`, `[statuses.aliases]` or `[owner_kinds.aliases]` entry points at no
    /// canonical value.
    #[error("[{table}.aliases] “{alias}”指向“{target}”,应为 {allowed} 之一")]
    AliasTarget {
        /// The table: levels, statuses or owner_kinds.
        table: &'static str,
        /// The export's spelling.
        alias: String,
        /// What it points at.
        target: String,
        /// The canonical labels, joined with "/".
        allowed: String,
    },
    /// A value still "?": a line `audit profile init` left for the user to fill.
    #[error("画像配置第 {line} 行: {} “{key}”还没有填写(仍是 \"?\"):请改为 {allowed},或删去这一行", table.as_deref().map(|t| format!("[{t}]")).unwrap_or_default())]
    Unfilled {
        /// 1-based line.
        line: usize,
        /// The table the line is in (None at the top level).
        table: Option<String>,
        /// The key.
        key: String,
        /// What may be written there.
        allowed: String,
    },
    /// A `[regions.aliases]` key is already a division of the province: an alias may name what
    /// the data lacks, never move a real place to another prefecture.
    #[error("[regions.aliases] “{alias}”已是{province}的地区(属于{actual}),不能再指向其他地区")]
    AliasShadows {
        /// The local name.
        alias: String,
        /// The profile's province.
        province: String,
        /// The prefecture the name already resolves to.
        actual: String,
    },
    /// `scope` names no prefecture- or county-level unit of the province.
    #[error("scope: {province}没有名为“{name}”的市或县(市、区),最接近的是:{}", closest.join("、"))]
    UnknownScope {
        /// The value given.
        name: String,
        /// The profile's province.
        province: String,
        /// Up to three official names that look most alike.
        closest: Vec<String>,
    },
    /// `scope` names a county-level unit several prefectures have.
    #[error("scope: “{name}”有{}个,请写明是哪一个:{}", candidates.len(), candidates.join("、"))]
    AmbiguousScope {
        /// The value given.
        name: String,
        /// Each candidate with its prefecture ("南京市鼓楼区").
        candidates: Vec<String>,
    },
    /// A label (`top_group_label`, `division_label`, a zone's name) is blank.
    #[error("{key} 不能为空")]
    EmptyValue {
        /// The key.
        key: &'static str,
    },
    /// A key that only means something below the province is given for the whole province.
    #[error("{key} 只用于市或县的检查(请先写 scope);全省检查{hint}")]
    NeedsScope {
        /// The key.
        key: &'static str,
        /// What to use instead for a province.
        hint: &'static str,
    },
    /// A zone name or alias is a division of the province: a zone may name what the data lacks,
    /// never take a real district out of its group.
    #[error("[zones] “{zone}”的名称“{alias}”已是{province}的地区,不能作为功能区")]
    ZoneShadows {
        /// The zone.
        zone: String,
        /// The name that is a division.
        alias: String,
        /// The profile's province.
        province: String,
    },
    /// Two zones share a name.
    #[error("[zones] 名称“{alias}”出现在多个功能区中")]
    DuplicateZone {
        /// The shared name.
        alias: String,
    },
    /// `annex_name` is neither 名称 nor 名称(平台).
    #[error("annex_name 应为 \"名称\" 或 \"名称(平台)\",现为 \"{value}\"")]
    AnnexName {
        /// The value given.
        value: String,
    },
    /// An alias section has a blank spelling or target.
    #[error("{section} 中有空的写法或目标名")]
    EmptyAlias {
        /// The section, e.g. "[monitor.columns]".
        section: &'static str,
    },
    /// Two spellings of an alias section fold alike but map to different names.
    #[error("{section} “{first}”与“{second}”是同一写法,却分别指向{targets}")]
    AliasConflict {
        /// The section.
        section: &'static str,
        /// One spelling.
        first: String,
        /// The other.
        second: String,
        /// The two targets, quoted.
        targets: String,
    },
}

/// The settings of one province: which divisions its registry rows resolve against, how its
/// tables label and order groups and types, and how its rates print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The province (from the vendored division data; `province` in the TOML).
    pub province: &'static Province,
    /// The owner-group label for prefecture-level units, e.g. "设区市", "市(州)".
    pub prefecture_label: String,
    /// How rates, shares and points print: decimals, rounding, trailing zeros, the small-base
    /// mark (`rate_decimals`, `rate_rounding`, `rate_trailing_zeros`, `rate_mark_below`).
    pub rates: RateStyle,
    /// Reported account types and the registry spellings of each.
    pub types: TypeScheme,
    /// Local names the division data lacks, mapped to prefectures of `province`.
    pub region_aliases: RegionAliases,
    /// The export's own headers, levels, statuses and owner kinds (on top of the built-in
    /// spellings).
    pub spellings: ExportSpellings,
    /// The part of the province the campaign covers (`scope`; the whole province by default).
    pub scope: Scope,
    /// The label of the scope's own departments' group, when the profile sets one (see
    /// [`Profile::top_label`]).
    pub top_group_label: Option<String>,
    /// The label of the groups below a city or county scope, when the profile sets one (see
    /// [`Profile::division_label`]).
    pub division_label: Option<String>,
    /// Functional zones reporting as groups of their own, in the profile's order.
    pub zones: Vec<Zone>,
    /// For a county scope: the registry column naming each account's 乡镇/街道.
    pub town_column: Option<String>,
    /// How the annex writes account names.
    pub annex_name: AnnexName,
    /// `[monitor.columns]`: an office's monitoring-export headers the built-in aliases lack,
    /// mapped to the README's names (checked by `monitor::headers::ColumnAliases`).
    pub monitor_columns: AliasTable,
    /// Who issues the notice (`[issuer]`): its 主送, 署名, 版头 and 版记 defaults.
    pub issuer: Issuer,
}

/// The issuing office's settings for the notice (`[issuer]` in the profile); every field is
/// optional and `report`'s options override them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    /// 发文机关署名, e.g. "江苏省人民政府办公厅".
    pub name: Option<String>,
    /// 主送机关.
    pub to: Option<String>,
    /// 发文机关标志 for the 版头, e.g. "江苏省人民政府办公厅文件".
    pub mark: Option<String>,
    /// 发文字号 (usually given per notice with `report --doc-number`).
    pub doc_number: Option<String>,
    /// 抄送机关 for the 版记.
    pub cc: Option<String>,
    /// 印发机关 for the 版记.
    pub printed_by: Option<String>,
    /// `report` writes the final notice (no 草稿 mark) unless `--draft` is given.
    #[serde(default, rename = "final")]
    pub final_notice: bool,
    /// Provincial departments in the order the annex groups them; departments not listed
    /// follow in the order they first appear.
    #[serde(default)]
    pub departments: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    province: String,
    prefecture_label: Option<String>,
    rate_decimals: Option<i64>,
    rate_rounding: Option<String>,
    rate_trailing_zeros: Option<bool>,
    rate_mark_below: Option<i64>,
    types: Option<RawTypes>,
    regions: Option<RawAliasTable>,
    columns: Option<BTreeMap<String, String>>,
    levels: Option<RawAliasTable>,
    statuses: Option<RawAliasTable>,
    owner_kinds: Option<RawAliasTable>,
    scope: Option<String>,
    top_group_label: Option<String>,
    division_label: Option<String>,
    zones: Option<toml::Table>,
    town_column: Option<String>,
    annex_name: Option<String>,
    issuer: Option<Issuer>,
    monitor: Option<RawMonitor>,
}

/// The keys of a profile that set its scope and its groups' names.
struct RawScope {
    scope: Option<String>,
    top_group_label: Option<String>,
    division_label: Option<String>,
    zones: Option<toml::Table>,
    town_column: Option<String>,
    annex_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMonitor {
    #[serde(default)]
    columns: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTypes {
    order: Vec<String>,
    #[serde(default)]
    aliases: BTreeMap<String, String>,
}

/// A table whose only key is `aliases` (`[regions.aliases]`, `[levels.aliases]` …).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAliasTable {
    #[serde(default)]
    aliases: BTreeMap<String, String>,
}

impl Profile {
    /// Read a profile from TOML text (see the module docs for the keys). Unknown keys are
    /// refused, so a misspelt key is never silently ignored.
    pub fn parse(text: &str) -> Result<Profile, ProfileError> {
        refuse_unfilled(text)?;
        let raw: RawProfile = toml::from_str(text).map_err(|e| syntax_error(&e, text))?;
        let province = province(&raw.province).ok_or_else(|| ProfileError::UnknownProvince {
            name: raw.province.clone(),
        })?;
        let mut profile = Profile::builtin(province);
        profile.rates = rate_style(&raw, profile.rates)?;
        if let Some(label) = raw.prefecture_label {
            let label = label.trim();
            if label.is_empty() {
                return Err(ProfileError::EmptyLabel);
            }
            profile.prefecture_label = label.to_string();
        }
        if let Some(types) = raw.types {
            profile.types = TypeScheme::new(types.order, types.aliases)?;
        }
        if let Some(regions) = raw.regions {
            profile.region_aliases = profile.region_aliases_from(regions.aliases)?;
        }
        profile.spellings = spellings(raw.columns, raw.levels, raw.statuses, raw.owner_kinds)?;
        profile.apply_scope(RawScope {
            scope: raw.scope,
            top_group_label: raw.top_group_label,
            division_label: raw.division_label,
            zones: raw.zones,
            town_column: raw.town_column,
            annex_name: raw.annex_name,
        })?;
        if let Some(issuer) = raw.issuer {
            profile.issuer = issuer;
        }
        if let Some(monitor) = raw.monitor {
            profile.monitor_columns = AliasTable::new("[monitor.columns]", monitor.columns)?;
        }
        Ok(profile)
    }

    /// Take the scope keys: the scope first, then what depends on it.
    fn apply_scope(&mut self, raw: RawScope) -> Result<(), ProfileError> {
        if let Some(name) = raw.scope {
            self.set_scope(&name)?;
        }
        let label = |key: &'static str, v: Option<String>| -> Result<_, ProfileError> {
            match v.map(|l| l.trim().to_string()) {
                Some(l) if l.is_empty() => Err(ProfileError::EmptyValue { key }),
                other => Ok(other),
            }
        };
        self.top_group_label = label("top_group_label", raw.top_group_label)?;
        self.division_label = label("division_label", raw.division_label)?;
        self.town_column = label("town_column", raw.town_column)?;
        let unit = self.scope.unit().is_some();
        if self.division_label.is_some() && !unit {
            return Err(ProfileError::NeedsScope {
                key: "division_label",
                hint: "请用 prefecture_label",
            });
        }
        if self.town_column.is_some() && !unit {
            return Err(ProfileError::NeedsScope {
                key: "town_column",
                hint: "按设区市分组,不需要乡镇列",
            });
        }
        if let Some(v) = raw.annex_name {
            self.annex_name = AnnexName::parse(&v).ok_or(ProfileError::AnnexName { value: v })?;
        }
        if let Some(zones) = raw.zones {
            if !unit {
                return Err(ProfileError::NeedsScope {
                    key: "[zones]",
                    hint: "请用 [regions.aliases] 把功能区归入所在的设区市",
                });
            }
            self.zones = self.zones_from(zones)?;
        }
        Ok(())
    }

    /// Scope the profile to the unit `name` names (`scope`, or `import --scope`).
    pub fn set_scope(&mut self, name: &str) -> Result<(), ProfileError> {
        self.scope = Scope::parse(self.province, name).map_err(|e| match e {
            ScopeError::Unknown { closest } => ProfileError::UnknownScope {
                name: name.to_string(),
                province: self.province.name.clone(),
                closest,
            },
            ScopeError::Ambiguous { candidates } => ProfileError::AmbiguousScope {
                name: name.to_string(),
                candidates,
            },
        })?;
        Ok(())
    }

    /// `[zones]`: each zone's name and aliases, in the profile's order; refused when a name is
    /// blank, is a division of the province, or names two zones.
    fn zones_from(&self, table: toml::Table) -> Result<Vec<Zone>, ProfileError> {
        let mut zones: Vec<Zone> = Vec::new();
        for (name, value) in table {
            let aliases: Vec<String> = match value {
                toml::Value::Array(items) => items
                    .into_iter()
                    .map(|v| match v {
                        toml::Value::String(s) => Ok(s),
                        other => Err(zone_type_error(&name, other.type_str())),
                    })
                    .collect::<Result<_, _>>()?,
                toml::Value::String(s) => vec![s],
                other => return Err(zone_type_error(&name, other.type_str())),
            };
            if name.trim().is_empty() || aliases.iter().any(|a| a.trim().is_empty()) {
                return Err(ProfileError::EmptyValue { key: "[zones]" });
            }
            let zone = Zone::new(&name, &aliases);
            for alias in zone.names() {
                if !self.province.lookup(alias).is_empty() {
                    return Err(ProfileError::ZoneShadows {
                        zone: zone.name.clone(),
                        alias: alias.clone(),
                        province: self.province.name.clone(),
                    });
                }
                if zones.iter().any(|z| z.names().contains(alias)) {
                    return Err(ProfileError::DuplicateZone {
                        alias: alias.clone(),
                    });
                }
            }
            zones.push(zone);
        }
        Ok(zones)
    }

    /// Check `[regions.aliases]` targets against the province and store them by short name.
    fn region_aliases_from(
        &self,
        raw: BTreeMap<String, String>,
    ) -> Result<RegionAliases, ProfileError> {
        let mut aliases = RegionAliases::new();
        for (local, target) in raw {
            if local.trim().is_empty() {
                return Err(ProfileError::EmptyRegionAlias);
            }
            if let Ok(r) = self.province.resolve(&local, "", &RegionAliases::new()) {
                if let Some(actual) = r.prefecture.filter(|p| {
                    self.province
                        .prefecture(&target)
                        .is_none_or(|t| &t.short != p)
                }) {
                    return Err(ProfileError::AliasShadows {
                        alias: local,
                        province: self.province.name.clone(),
                        actual,
                    });
                }
            }
            let Some(prefecture) = self.province.prefecture(&target) else {
                return Err(ProfileError::RegionAliasTarget {
                    alias: local,
                    target,
                    province: self.province.name.clone(),
                    label: self.prefecture_label.clone(),
                });
            };
            aliases.insert(&local, &prefecture.short);
        }
        Ok(aliases)
    }

    /// The profile used when none is given: the province's usual label for its
    /// prefecture-level units (see [`default_prefecture_label`]), one decimal as in the
    /// notices, the Jiangsu 2020 type scheme ([`TypeScheme::jiangsu_2020`]), no region aliases
    /// and no monitoring-export headers beyond the built-in ones.
    pub fn builtin(province: &'static Province) -> Profile {
        Profile {
            province,
            prefecture_label: default_prefecture_label(province).to_string(),
            rates: RateStyle::default(),
            types: TypeScheme::jiangsu_2020(),
            region_aliases: RegionAliases::new(),
            spellings: ExportSpellings::default(),
            scope: Scope::Province,
            top_group_label: None,
            division_label: None,
            zones: Vec::new(),
            town_column: None,
            annex_name: AnnexName::Name,
            issuer: Issuer::default(),
            monitor_columns: AliasTable::default(),
        }
    }

    /// The province's prefecture-level units (short names) in official code order: the order of
    /// every city table and of region strata.
    pub fn prefecture_order(&self) -> Vec<String> {
        self.province
            .prefectures
            .iter()
            .map(|d| d.short.clone())
            .collect()
    }

    /// Resolve a registry row's 所属地区 against the profile's province and region aliases (see
    /// [`Province::resolve`]); in a city or county scope a name its prefecture shares with
    /// another is its own ([`Province::resolve_within`]).
    pub fn resolve(&self, region: &str, owner: &str) -> Result<Region, RegionError> {
        self.province.resolve_within(
            region,
            owner,
            &self.region_aliases,
            self.scope.prefecture_index(),
        )
    }

    /// `num / den` as the profile prints a share, with its % sign ("90%", "90.87%"; "—" when
    /// nothing was counted): see [`RateStyle::percent`].
    pub fn share(&self, num: u64, den: u64) -> String {
        self.rates.percent(num, den)
    }
}

/// The export spellings of a profile's `[columns]` and alias tables. Each table is first an
/// [`AliasTable`] (blank and conflicting spellings refused as in every alias section), then its
/// targets are checked against the fields or values they must name.
fn spellings(
    columns: Option<BTreeMap<String, String>>,
    levels: Option<RawAliasTable>,
    statuses: Option<RawAliasTable>,
    owner_kinds: Option<RawAliasTable>,
) -> Result<ExportSpellings, ProfileError> {
    let table = AliasTable::new("[columns]", columns.unwrap_or_default())?;
    let columns = ColumnAliases::new(table.iter()).map_err(|e| match e {
        AliasError::Target { alias, target } => ProfileError::ColumnTarget {
            header: alias,
            target,
            allowed: Field::READ.map(|f| f.label()).join("、"),
        },
        e => alias_error("[columns]", e),
    })?;
    Ok(ExportSpellings {
        columns,
        levels: aliases(levels)?,
        statuses: aliases(statuses)?,
        owner_kinds: aliases(owner_kinds)?,
    })
}

/// One `[TABLE.aliases]` of a closed vocabulary, its targets checked.
fn aliases<T: Term>(table: Option<RawAliasTable>) -> Result<Aliases<T>, ProfileError> {
    let table = AliasTable::new(T::SECTION, table.map(|t| t.aliases).unwrap_or_default())?;
    Aliases::new(table.iter()).map_err(|e| match e {
        AliasError::Target { alias, target } => ProfileError::AliasTarget {
            table: T::TABLE,
            alias,
            target,
            allowed: T::labels(),
        },
        e => alias_error(T::SECTION, e),
    })
}

/// A blank or conflicting spelling the vocabulary's own folding finds (it also ignores
/// punctuation: "县(市)" and "县市" are one spelling).
fn alias_error(section: &'static str, e: AliasError) -> ProfileError {
    match e {
        AliasError::Conflict {
            first,
            second,
            targets,
        } => ProfileError::AliasConflict {
            section,
            first,
            second,
            targets,
        },
        _ => ProfileError::EmptyAlias { section },
    }
}

/// Refuse a value left as "?" (what `audit profile init` writes where it could not tell),
/// naming its line and what may be written there.
fn refuse_unfilled(text: &str) -> Result<(), ProfileError> {
    let mut table: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            table = Some(name.trim().to_string());
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if line.starts_with('#') || !value.trim_start().starts_with("\"?\"") {
            continue;
        }
        return Err(ProfileError::Unfilled {
            line: i + 1,
            key: key.trim().trim_matches('"').to_string(),
            allowed: unfilled_choices(table.as_deref()),
            table,
        });
    }
    Ok(())
}

/// What may replace a "?" in a table, for the message.
fn unfilled_choices(table: Option<&str>) -> String {
    match table {
        None => "省份名(如 四川)".into(),
        Some("columns") => format!("所对应的列({})", Field::READ.map(|f| f.label()).join("、")),
        Some("levels.aliases") => format!("{} 之一", crate::domain::vocab::Level::labels()),
        Some("statuses.aliases") => format!("{} 之一", crate::domain::vocab::Status::labels()),
        Some("owner_kinds.aliases") => {
            format!("{} 之一", crate::domain::vocab::OwnerKind::labels())
        }
        Some("types.aliases") => "[types] order 中的一个类型".into(),
        Some("regions.aliases") => "本省的一个地级单位(如 成都)".into(),
        Some(_) => "应有的值".into(),
    }
}

/// A `[zones]` value that is not a list of names.
fn zone_type_error(zone: &str, found: &str) -> ProfileError {
    ProfileError::Syntax {
        line: None,
        detail: format!(
            "[zones] “{zone}”的值应为名称的数组,如 [\"无锡经济开发区\", \"经开区\"],实际为{}",
            kind(found)
        ),
    }
}

/// The rate keys of a profile over `style` (the built-in one): each checked.
fn rate_style(raw: &RawProfile, mut style: RateStyle) -> Result<RateStyle, ProfileError> {
    if let Some(value) = raw.rate_decimals {
        style.decimals = u8::try_from(value)
            .ok()
            .filter(|d| *d <= 4)
            .ok_or(ProfileError::RateDecimals { value })?;
    }
    if let Some(word) = &raw.rate_rounding {
        style.rounding = Rounding::parse(word).ok_or_else(|| ProfileError::RateRounding {
            value: word.clone(),
        })?;
    }
    if let Some(keep) = raw.rate_trailing_zeros {
        style.keep_zeros = keep;
    }
    if let Some(value) = raw.rate_mark_below {
        style.mark_below =
            u64::try_from(value).map_err(|_| ProfileError::RateMarkBelow { value })?;
    }
    Ok(style)
}

/// The usual label for a province's prefecture-level units, as its notices group owners:
/// "区" for 北京, 天津 and 上海 (their districts) and "区县" for 重庆; "盟市" for 内蒙古;
/// "市县" for 海南 (whose 市县 the province administers directly); otherwise "设区市" when every
/// unit is a city, else the city label with the other kinds present: "市(州)" with autonomous
/// prefectures, "市(地)" with 地区, "市(地、州)" with both. A profile can set its own.
pub fn default_prefecture_label(province: &Province) -> &'static str {
    match province.short.as_str() {
        "北京" | "天津" | "上海" => return "区",
        "重庆" => return "区县",
        "内蒙古" => return "盟市",
        "海南" => return "市县",
        _ => {}
    }
    let has = |suffix: &str| {
        province
            .prefectures
            .iter()
            .any(|d| d.name.ends_with(suffix))
    };
    match (has("地区"), has("自治州")) {
        (false, false) => "设区市",
        (false, true) => "市(州)",
        (true, false) => "市(地)",
        (true, true) => "市(地、州)",
    }
}

/// A TOML or serde error in Chinese where the message is one we know (unknown or missing key, a
/// value of the wrong type), with its line.
fn syntax_error(error: &toml::de::Error, text: &str) -> ProfileError {
    let message = error.message().trim();
    let span = error.span().map(|s| s.start.min(text.len()));
    let line = span.map(|start| text[..start].matches('\n').count() + 1);
    let detail = if let Some(rest) = message.strip_prefix("unknown field ") {
        let (key, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
        let allowed = quoted(expected).join("、");
        format!("未知的键{}(可用的键: {allowed})", quoted(key).join(""))
    } else if let Some(rest) = message.strip_prefix("missing field ") {
        format!("缺少键{}", quoted(rest).join(""))
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let key = line
            .and_then(|l| text.lines().nth(l - 1))
            .and_then(|l| l.split_once('='))
            .map(|(key, _)| format!("键“{}”的", key.trim().trim_matches('"')))
            .unwrap_or_default();
        format!(
            "{key}值类型不对: 应为{},实际为{}",
            kind(expected),
            kind(found)
        )
    } else {
        message.to_string()
    };
    ProfileError::Syntax { line, detail }
}

/// The `backticked` words of a serde message, in Chinese quotes.
fn quoted(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(|k| format!("“{k}”"))
        .collect()
}

/// A serde type description ("i64", "a string", "string \"2\"") with its type word in Chinese.
fn kind(s: &str) -> String {
    let s = s.trim_start_matches("a ").trim_start_matches("an ");
    let (word, value) = s.split_once(' ').unwrap_or((s, ""));
    let word = match word {
        "i64" | "u8" | "integer" => "整数",
        "string" | "str" => "字符串",
        "sequence" | "array" => "数组",
        "map" | "table" | "struct" => "表",
        "boolean" | "bool" => "布尔值",
        "float" | "f64" => "小数",
        other => other,
    };
    if value.is_empty() {
        word.to_string()
    } else {
        format!("{word} {value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUIZHOU: &str = r#"
province = "贵州"
prefecture_label = "市(州)"     # the owner-group label for prefecture-level units
rate_decimals = 2               # pass rates and shares: 90.87%; trailing zeros dropped
rate_rounding = "截断"
rate_trailing_zeros = true
rate_mark_below = 3
[types]
order = ["微信", "微博", "抖音", "今日头条", "其他"]
[types.aliases]                 # spelling in the registry -> reported type
"微信公众号" = "微信"
"新浪微博" = "微博"
"抖音短视频" = "抖音"
"头条号" = "今日头条"
[regions.aliases]               # local names the division data lacks -> prefecture
"经开区" = "贵阳"
[monitor.columns]               # the monitoring export's header -> the README's name
"推送末次时刻" = "最近发布时间"
"#;

    /// An alias may name what the division data lacks, never move a real place.
    #[test]
    fn an_alias_cannot_move_a_real_place() {
        let e = Profile::parse("province = \"江苏\"\n[regions.aliases]\n\"南京\" = \"无锡\"\n")
            .unwrap_err();
        assert!(matches!(e, ProfileError::AliasShadows { .. }), "{e}");
        assert!(e.to_string().contains("已是江苏省的地区"), "{e}");
        // Pointing a real name at its own prefecture is harmless.
        Profile::parse("province = \"江苏\"\n[regions.aliases]\n\"昆山\" = \"苏州\"\n").unwrap();
    }

    #[test]
    fn parses_the_example() {
        let p = Profile::parse(GUIZHOU).unwrap();
        assert_eq!(p.province.name, "贵州省");
        assert_eq!(p.prefecture_label, "市(州)");
        assert_eq!(
            p.rates,
            RateStyle {
                decimals: 2,
                rounding: Rounding::Truncate,
                keep_zeros: true,
                mark_below: 3
            }
        );
        assert_eq!(
            p.types.order(),
            ["微信", "微博", "抖音", "今日头条", "其他"]
        );
        assert_eq!(p.types.classify("头条号"), "今日头条");
        assert_eq!(p.types.classify("快手"), "其他");
        assert_eq!(p.types.rank("抖音"), 2);
        assert_eq!(p.region_aliases.get("经开区"), Some("贵阳"));
        let region = p.resolve("经开区", "").unwrap();
        assert_eq!(region.prefecture.as_deref(), Some("贵阳"));
        assert_eq!(p.share(9087, 10000), "90.87%");
        assert_eq!(p.share(291, 294), "98.97%");
        assert_eq!(p.share(9, 10), "90.00%");
        assert_eq!(
            p.monitor_columns.iter().collect::<Vec<_>>(),
            [("推送末次时刻", "最近发布时间")]
        );
    }

    #[test]
    fn the_issuer_section_sets_the_notice_parties() {
        let p = Profile::parse(
            "province = \"江苏\"\n[issuer]\nname = \"江苏省人民政府办公厅\"\ncc = \"省委办公厅\"\nfinal = true\ndepartments = [\"省教育厅\", \"省水利厅\"]\n",
        )
        .unwrap();
        assert_eq!(p.issuer.name.as_deref(), Some("江苏省人民政府办公厅"));
        assert_eq!(p.issuer.cc.as_deref(), Some("省委办公厅"));
        assert!(p.issuer.final_notice);
        assert_eq!(p.issuer.departments, ["省教育厅", "省水利厅"]);
        assert_eq!(p.issuer.mark, None);
        let err = Profile::parse("province = \"江苏\"\n[issuer]\nprinted = \"x\"\n").unwrap_err();
        assert!(err.to_string().contains("“printed_by”"), "{err}");
    }

    #[test]
    fn missing_keys_take_the_builtin_values() {
        let p = Profile::parse("province = \"江苏省\"").unwrap();
        assert_eq!(p, Profile::builtin(province("江苏").unwrap()));
        assert_eq!(p.prefecture_label, "设区市");
        assert_eq!(p.rates, RateStyle::default());
        assert_eq!(p.types, TypeScheme::jiangsu_2020());
    }

    #[test]
    fn unknown_keys_are_refused_by_name() {
        let err = Profile::parse("province = \"贵州\"\nrate_decimal = 2\n").unwrap_err();
        let ProfileError::Syntax { line, detail } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(*line, Some(2));
        assert!(detail.contains("未知的键“rate_decimal”"), "{detail}");
        assert!(detail.contains("“rate_decimals”"), "{detail}");
        assert!(err.to_string().starts_with("画像配置第 2 行: "), "{err}");
        let err = Profile::parse("province = \"贵州\"\n[types]\norders = [\"其他\"]\n");
        assert!(err.unwrap_err().to_string().contains("“orders”"));
        let err = Profile::parse("rate_decimals = 1\n").unwrap_err();
        assert!(err.to_string().contains("缺少键“province”"), "{err}");
        let err = Profile::parse("province = \"贵州\"\nrate_decimals = \"2\"\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "画像配置第 2 行: 键“rate_decimals”的值类型不对: 应为整数,实际为字符串 \"2\""
        );
    }

    #[test]
    fn bad_values_are_refused() {
        let with = |extra: &str| Profile::parse(&format!("province = \"贵州\"\n{extra}\n"));
        assert_eq!(
            with("rate_decimals = 5"),
            Err(ProfileError::RateDecimals { value: 5 })
        );
        assert_eq!(
            with("rate_decimals = -1"),
            Err(ProfileError::RateDecimals { value: -1 })
        );
        assert!(with("rate_decimals = 4").is_ok());
        assert_eq!(
            with("rate_rounding = \"round\""),
            Err(ProfileError::RateRounding {
                value: "round".into()
            })
        );
        assert_eq!(
            with("rate_mark_below = -1"),
            Err(ProfileError::RateMarkBelow { value: -1 })
        );
        assert_eq!(with("rate_mark_below = 0").unwrap().rates.mark_below, 0);
        assert_eq!(
            with("prefecture_label = \" \""),
            Err(ProfileError::EmptyLabel)
        );
        assert_eq!(
            Profile::parse("province = \"火星\""),
            Err(ProfileError::UnknownProvince {
                name: "火星".into()
            })
        );
        let err =
            with("[types]\norder = [\"微信\", \"其他\"]\n[types.aliases]\n\"抖音\" = \"短视频\"");
        assert_eq!(
            err,
            Err(ProfileError::TypeAliasTarget {
                alias: "抖音".into(),
                target: "短视频".into()
            })
        );
        assert_eq!(with("[types]\norder = []"), Err(ProfileError::EmptyOrder));
        assert_eq!(
            with("[types]\norder = [\"微信\"]"),
            Err(ProfileError::MissingOther)
        );
        let err = with("[monitor.columns]\n\"推送末次时刻\" = \"\"").unwrap_err();
        assert!(matches!(err, ProfileError::EmptyAlias { .. }), "{err}");
        let err = with("[monitor]\ncolumn = {}").unwrap_err();
        assert!(err.to_string().contains("未知的键“column”"), "{err}");
        let err = with("[regions.aliases]\n\"经开区\" = \"南京\"").unwrap_err();
        assert_eq!(
            err.to_string(),
            "[regions.aliases] “经开区”指向“南京”,但它不是贵州省的市(州)"
        );
    }

    /// An office's own headers and spellings, as data; a target that is no field or value and
    /// a value left as "?" are refused by name and line.
    #[test]
    fn export_spellings_are_data() {
        use crate::domain::vocab::{Field, Level, OwnerKind, Status};
        let p = Profile::parse(
            "province = \"四川\"\n[columns]\n\"行政归属\" = \"层级\"\n\"网站编号\" = \"id\"\n\
             [levels.aliases]\n\"地市本级\" = \"市级\"\n[statuses.aliases]\n\"已停运\" = \"关停\"\n\
             [owner_kinds.aliases]\n\"本级政府\" = \"政府\"\n",
        )
        .unwrap();
        let sp = &p.spellings;
        assert_eq!(sp.field("行政归属"), Some(Field::Level));
        assert_eq!(sp.field("网站编号"), Some(Field::Id));
        assert_eq!(sp.field("行政级别"), Some(Field::Level));
        assert_eq!(sp.level("地市本级"), Some(Level::City));
        assert_eq!(sp.level("区县级"), Some(Level::County));
        assert_eq!(sp.status("已停运"), Some(Status::Closed));
        assert_eq!(sp.owner_kind("本级政府"), Some(OwnerKind::Government));
        let with = |extra: &str| Profile::parse(&format!("province = \"四川\"\n{extra}\n"));
        let err = with("[levels.aliases]\n\"地市本级\" = \"市\"").unwrap_err();
        assert_eq!(
            err.to_string(),
            "[levels.aliases] “地市本级”指向“市”,应为 省级/市级/县级 之一"
        );
        let err = with("[columns]\n\"行政归属\" = \"级别名\"").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("[columns] “行政归属”指向“级别名”,但它不是已知的列"),
            "{err}"
        );
        let err = with("[statuses.aliases]\n\"\" = \"正常\"").unwrap_err();
        assert_eq!(err.to_string(), "[statuses.aliases] 中有空的写法或目标名");
        let err = with("[levels]\naliases = { \"x\" = \"市级\" }\n[owner_kinds.aliases]\n\"代表\" = \"?\"  # ? 12 行")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "画像配置第 5 行: [owner_kinds.aliases] “代表”还没有填写(仍是 \"?\"):请改为 政府/部门/其他单位 之一,或删去这一行"
        );
        let err = Profile::parse("province = \"?\"\n").unwrap_err();
        assert!(err.to_string().contains("“province”还没有填写"), "{err}");
    }

    const WUXI: &str = r#"
province = "江苏"
scope = "无锡"
top_group_label = "市级部门和单位"
annex_name = "名称（平台）"
[zones]
"经开区" = ["无锡经济开发区", "经开区"]
"#;

    #[test]
    fn a_city_scope_with_its_zone() {
        let p = Profile::parse(WUXI).unwrap();
        let u = p.scope.unit().unwrap();
        assert_eq!(u.division.name, "无锡市");
        assert_eq!(p.top_label(), "市级部门和单位");
        assert_eq!(p.division_label(), "市(县)区");
        assert_eq!(p.zones.len(), 1);
        assert_eq!(p.zones[0].name, "经开区");
        assert_eq!(p.zones[0].names(), ["经开区", "无锡经济开发区"]);
        assert_eq!(p.annex_name, AnnexName::NameWithPlatform);
        // Zones keep the profile's order.
        let p = Profile::parse("province = \"江苏\"\nscope = \"无锡\"\n[zones]\n\"经开区\" = []\n\"太湖新城\" = []\n\"A区\" = []\n").unwrap();
        let names: Vec<&str> = p.zones.iter().map(|z| z.name.as_str()).collect();
        assert_eq!(names, ["经开区", "太湖新城", "A区"]);
    }

    #[test]
    fn scope_keys_are_checked() {
        let with = |extra: &str| Profile::parse(&format!("province = \"江苏\"\n{extra}\n"));
        let e = with("scope = \"无希\"").unwrap_err();
        assert!(e.to_string().contains("最接近的是:无锡市"), "{e}");
        let e = with("scope = \"鼓楼区\"").unwrap_err();
        assert!(e.to_string().contains("南京市鼓楼区、徐州市鼓楼区"), "{e}");
        let e = with("[zones]\n\"经开区\" = []").unwrap_err();
        assert!(matches!(e, ProfileError::NeedsScope { .. }), "{e}");
        let e = with("division_label = \"区\"").unwrap_err();
        assert!(e.to_string().contains("prefecture_label"), "{e}");
        let e = with("scope = \"无锡\"\n[zones]\n\"高新区\" = [\"新吴区\"]").unwrap_err();
        assert!(matches!(e, ProfileError::ZoneShadows { .. }), "{e}");
        let e = with("scope = \"无锡\"\n[zones]\n\"甲\" = [\"园区\"]\n\"乙\" = [\"园区\"]")
            .unwrap_err();
        assert!(matches!(e, ProfileError::DuplicateZone { .. }), "{e}");
        let e = with("scope = \"无锡\"\n[zones]\n\"甲\" = 3").unwrap_err();
        assert!(e.to_string().contains("名称的数组"), "{e}");
        let e = with("annex_name = \"名称+平台\"").unwrap_err();
        assert!(matches!(e, ProfileError::AnnexName { .. }), "{e}");
        let e = with("scope = \"无锡\"\ntop_group_label = \" \"").unwrap_err();
        assert_eq!(
            e,
            ProfileError::EmptyValue {
                key: "top_group_label"
            }
        );
        // A whole-province profile may name the province as its scope.
        assert_eq!(with("scope = \"江苏省\"").unwrap().scope, Scope::Province);
    }

    #[test]
    fn builtin_labels() {
        let label = |name: &str| default_prefecture_label(province(name).unwrap());
        assert_eq!(label("江苏"), "设区市");
        assert_eq!(label("浙江"), "设区市");
        assert_eq!(label("贵州"), "市(州)");
        assert_eq!(label("黑龙江"), "市(地)");
        assert_eq!(label("新疆"), "市(地、州)");
        assert_eq!(label("内蒙古"), "盟市");
        assert_eq!(label("上海"), "区");
        assert_eq!(label("重庆"), "区县");
        assert_eq!(label("海南"), "市县");
    }
}
