//! What the headers of a monitoring export mean: the account's key columns (账号ID, 名称, 类型,
//! 开设主体, 所属地区) and the evidence columns ([`Column`]), by the built-in aliases or by the
//! campaign profile's `[monitor.columns]` section (the export's header -> the README's name):
//!
//! ```toml
//! [monitor.columns]
//! "推送末次时刻" = "最近发布时间"
//! ```
//!
//! A header that means nothing here is named with the closest known names and the profile line
//! that would map it ([`Unused`]); a rule of the catalog whose evidence column is absent is
//! named too ([`missing_evidence`]).

use super::cells::Column;
use crate::domain::indicators::{Catalog, MonitorRule};
use crate::domain::profile::{edit_distance, shared_chars, AliasTable};
use crate::domain::registry::Field;
use crate::domain::text::match_key;
use crate::domain::text::toml_string;
use std::collections::BTreeMap;

/// The registry fields a monitoring export may carry to say which account a row is about.
pub const KEY_FIELDS: [Field; 6] = [
    Field::Id,
    Field::Name,
    Field::Type,
    Field::Platform,
    Field::Owner,
    Field::Region,
];

/// What one header of a monitoring export means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Meaning {
    /// A key field: which account the row is about.
    Key(Field),
    /// Evidence a pre-fill rule reads.
    Evidence(Column),
}

impl Meaning {
    /// Every meaning, key fields first.
    pub fn all() -> impl Iterator<Item = Meaning> {
        KEY_FIELDS
            .into_iter()
            .map(Meaning::Key)
            .chain(Column::ALL.into_iter().map(Meaning::Evidence))
    }

    /// The name the README gives it (账号ID, 最近更新时间 …).
    pub fn label(self) -> &'static str {
        match self {
            Meaning::Key(f) => f.label(),
            Meaning::Evidence(c) => c.label(),
        }
    }

    /// The headers accepted for it without a profile.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Meaning::Key(f) => f.aliases(),
            Meaning::Evidence(c) => c.aliases(),
        }
    }

    /// The meaning of a header by the built-in aliases alone.
    pub fn builtin(header: &str) -> Option<Meaning> {
        match Field::from_header(header) {
            Some(f) if KEY_FIELDS.contains(&f) => Some(Meaning::Key(f)),
            // A registry header of another field (层级, 状态) is not the export's business.
            Some(_) => None,
            None => Column::from_header(header).map(Meaning::Evidence),
        }
    }
}

/// Why a `[monitor.columns]` line was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ColumnAliasError {
    /// The target names nothing the pre-fill reads.
    #[error(
        "[monitor.columns] “{header}”指向“{target}”,但“{target}”不是监测数据的列;可用: {known}"
    )]
    UnknownTarget {
        /// The export's header.
        header: String,
        /// What it was mapped to.
        target: String,
        /// The names that can be targets.
        known: String,
    },
    /// The header already has another built-in meaning: the profile may name what the built-in
    /// list lacks, never turn one known column into another.
    #[error("[monitor.columns] “{header}”已是监测数据的“{builtin}”列,不能再指向“{target}”")]
    Shadows {
        /// The export's header.
        header: String,
        /// Its built-in meaning.
        builtin: &'static str,
        /// What the profile maps it to.
        target: String,
    },
}

/// The profile's `[monitor.columns]`: headers of an office's monitoring export mapped to the
/// README's names, tried before the built-in aliases.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnAliases {
    /// Folded header → (header as written, meaning).
    map: BTreeMap<String, (String, Meaning)>,
}

impl ColumnAliases {
    /// The profile's `[monitor.columns]` checked: each target must be a name the README gives
    /// (or one of its built-in spellings), and a header must not already mean something else.
    pub fn new(table: &AliasTable) -> Result<ColumnAliases, ColumnAliasError> {
        let mut map = BTreeMap::new();
        for (header, target) in table.iter() {
            let Some(meaning) = Meaning::builtin(target) else {
                return Err(ColumnAliasError::UnknownTarget {
                    header: header.to_string(),
                    target: target.to_string(),
                    known: Meaning::all()
                        .map(Meaning::label)
                        .collect::<Vec<_>>()
                        .join("、"),
                });
            };
            if let Some(builtin) = Meaning::builtin(header).filter(|m| *m != meaning) {
                return Err(ColumnAliasError::Shadows {
                    header: header.to_string(),
                    builtin: builtin.label(),
                    target: target.to_string(),
                });
            }
            map.insert(match_key(header), (header.to_string(), meaning));
        }
        Ok(ColumnAliases { map })
    }

    /// The meaning of a header: the profile's mapping, else the built-in aliases.
    pub fn meaning(&self, header: &str) -> Option<Meaning> {
        match self.map.get(&match_key(header)) {
            Some((_, m)) => Some(*m),
            None => Meaning::builtin(header),
        }
    }

    /// Whether the profile maps nothing.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The mappings as written: (header, README name).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &'static str)> {
        self.map.values().map(|(h, m)| (h.as_str(), m.label()))
    }
}

/// A header of the export that the pre-fill does not read, with what it might be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unused {
    /// The header as written.
    pub header: String,
    /// The closest known names whose meaning the export lacks, closest first (at most three).
    pub closest: Vec<(&'static str, Meaning)>,
}

impl Unused {
    /// "“最后发文日”(最接近: 最后发布时间、最后发文时间;若是,在画像中加 [monitor.columns]
    /// "最后发文日" = "最近更新时间")", or just the header when nothing is close.
    pub fn describe(&self) -> String {
        let Some((_, first)) = self.closest.first() else {
            return format!("“{}”", self.header);
        };
        let names: Vec<&str> = self.closest.iter().map(|(n, _)| *n).collect();
        format!(
            "“{}”(最接近: {};若是{},在画像中加 [monitor.columns] \"{}\" = \"{}\")",
            self.header,
            names.join("、"),
            first.label(),
            self.header,
            first.label()
        )
    }
}

/// The headers of a header row that mean nothing here, each with the closest known names among
/// the meanings the row lacks (a column already present needs no second candidate).
pub fn unused(headers: &[String], aliases: &ColumnAliases) -> Vec<Unused> {
    let present: Vec<Meaning> = headers.iter().filter_map(|h| aliases.meaning(h)).collect();
    headers
        .iter()
        .filter(|h| !match_key(h).is_empty() && aliases.meaning(h).is_none())
        .map(|h| Unused {
            header: h.clone(),
            closest: closest(h, &present),
        })
        .collect()
}

/// Up to three known names close to `header` (sharing at least two characters, and at least
/// half of the shorter name), fewest edits first, for meanings not in `present`.
fn closest(header: &str, present: &[Meaning]) -> Vec<(&'static str, Meaning)> {
    let h = match_key(header);
    let len = h.chars().count();
    let mut scored: Vec<(usize, usize, usize, &'static str, Meaning)> = Vec::new();
    for (order, m) in Meaning::all().enumerate() {
        if present.contains(&m) {
            continue;
        }
        for name in m.aliases() {
            let n = match_key(name);
            let shared = shared_chars(&h, &n);
            if shared >= 2 && shared * 2 >= len.min(n.chars().count()) {
                scored.push((edit_distance(&h, &n), usize::MAX - shared, order, name, m));
            }
        }
    }
    scored.sort_by_key(|(edits, shared, order, name, _)| (*edits, *shared, *order, *name));
    let mut out: Vec<(&'static str, Meaning)> = Vec::new();
    for (_, _, _, name, m) in scored {
        if out.len() < 3 && !out.iter().any(|(n, _)| *n == name) {
            out.push((name, m));
        }
    }
    out
}

/// A commented `[monitor.columns]` section for a profile draft (`audit profile init --monitor`):
/// every header of the export with what it maps to, and for each one not understood a line to
/// fill in, `# ?` with the closest names. Headers understood need no line; they are listed as
/// comments so the user sees the whole export.
pub fn draft_section(headers: &[String], aliases: &ColumnAliases) -> String {
    let mut out =
        String::from("[monitor.columns]               # 监测数据的列名 -> README 中的列名\n");
    let unused = unused(headers, aliases);
    for h in headers.iter().filter(|h| !match_key(h).is_empty()) {
        if let Some(m) = aliases.meaning(h) {
            // The header as a TOML string: quotes and line breaks in it stay inside the line.
            out.push_str(&format!("# {}: {}\n", toml_string(h), m.label()));
            continue;
        }
        let Some(u) = unused.iter().find(|u| &u.header == h) else {
            continue;
        };
        let hint: Vec<String> = u
            .closest
            .iter()
            .map(|(n, m)| format!("{n}({})", m.label()))
            .collect();
        let hint = if hint.is_empty() {
            "未识别;若是监测数据,填 README 中的列名,否则删去此行".to_string()
        } else {
            format!("未识别;最接近: {}", hint.join("、"))
        };
        out.push_str(&format!("# {} = \"\"   # ? {hint}\n", toml_string(h)));
    }
    out
}

/// A rule of the catalog that gets no evidence from an export: the export lacks its column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingEvidence {
    /// The indicator's code (V6).
    pub code: String,
    /// Its name.
    pub name: String,
    /// The column it needs.
    pub column: Column,
    /// 留言数 is there: the rule still answers 否 for an account with no messages at all.
    pub messages_only: bool,
}

impl MissingEvidence {
    /// "V6(监测时间点前2周内无更新)不会预填: 监测数据没有“最近更新时间”列(也接受 最后更新时间、
    /// … 等 21 种写法;…)", naming a few of the accepted headers.
    pub fn describe(&self) -> String {
        let what = if self.messages_only {
            "只在留言数为 0 时预填"
        } else {
            "不会预填"
        };
        let others = &self.column.aliases()[1..];
        let shown = others[..others.len().min(3)].join("、");
        let more = if others.len() > 3 {
            format!(" 等 {} 种写法", others.len())
        } else {
            String::new()
        };
        format!(
            "{}({}){what}: 监测数据没有“{}”列(也接受 {shown}{more};其他写法可在画像 [monitor.columns] 中映射)",
            self.code,
            self.name,
            self.column.label(),
        )
    }
}

/// The column a rule reads its evidence from.
pub fn evidence_column(rule: MonitorRule) -> Column {
    match rule {
        MonitorRule::NoUpdate { .. } => Column::LastPost,
        MonitorRule::Unanswered { .. } => Column::Unanswered,
        MonitorRule::Interaction => Column::Interaction,
    }
}

/// The catalog's rules whose evidence column the export lacks, in catalog order. A rule for
/// unanswered messages with only 留言数 present still pre-fills 否 where no message came in, but
/// is named: most rows get nothing from it.
pub fn missing_evidence(cat: &Catalog, present: &[Column]) -> Vec<MissingEvidence> {
    cat.indicators
        .iter()
        .filter_map(|i| {
            let column = evidence_column(i.monitor?);
            (!present.contains(&column)).then(|| MissingEvidence {
                code: i.code.clone(),
                name: i.name.clone(),
                column,
                messages_only: column == Column::Unanswered && present.contains(&Column::Messages),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(pairs: &[(&str, &str)]) -> AliasTable {
        let raw = pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        AliasTable::new("[monitor.columns]", raw).unwrap()
    }

    #[test]
    fn vendor_spellings_are_built_in() {
        let none = ColumnAliases::default();
        for (header, column) in [
            ("最后发文时间", Column::LastPost),
            ("最近1次更新时间", Column::LastPost),
            ("最近一次更新时间", Column::LastPost),
            ("最后更新时间", Column::LastPost),
            ("超期未回复", Column::Unanswered),
            ("逾期未回复", Column::Unanswered),
            ("监测日期", Column::MonitoredAt),
        ] {
            assert_eq!(
                none.meaning(header),
                Some(Meaning::Evidence(column)),
                "{header}"
            );
        }
        assert_eq!(none.meaning("开设主体"), Some(Meaning::Key(Field::Owner)));
        assert_eq!(none.meaning("所属地区"), Some(Meaning::Key(Field::Region)));
        assert_eq!(none.meaning("层级"), None, "not a monitoring column");
    }

    #[test]
    fn the_profile_maps_what_the_built_ins_lack() {
        let a = ColumnAliases::new(&table(&[("推送末次时刻", "最近发布时间")])).unwrap();
        assert_eq!(
            a.meaning("推送末次时刻"),
            Some(Meaning::Evidence(Column::LastPost))
        );
        assert_eq!(
            a.meaning("留言数"),
            Some(Meaning::Evidence(Column::Messages))
        );
        let e = ColumnAliases::new(&table(&[("推送末次时刻", "推送时间")])).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("[monitor.columns] “推送末次时刻”指向“推送时间”,但“推送时间”不是监测数据的列;可用: 账号ID、名称、类型"),
            "{e}"
        );
        let e = ColumnAliases::new(&table(&[("留言数", "未回复数")])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "[monitor.columns] “留言数”已是监测数据的“留言数”列,不能再指向“未回复数”"
        );
        // Restating a built-in name is harmless.
        ColumnAliases::new(&table(&[("最后更新时间", "最近更新时间")])).unwrap();
    }

    #[test]
    fn unknown_headers_are_named_with_the_closest_names_and_the_line() {
        let headers: Vec<String> = ["账号ID", "最后发文日", "超时未复数", "粉丝数", "序号"]
            .map(String::from)
            .to_vec();
        let u = unused(&headers, &ColumnAliases::default());
        let names: Vec<&str> = u.iter().map(|u| u.header.as_str()).collect();
        assert_eq!(names, ["最后发文日", "超时未复数", "粉丝数", "序号"]);
        assert_eq!(u[0].closest[0].1, Meaning::Evidence(Column::LastPost));
        assert!(
            u[0].describe()
                .contains("在画像中加 [monitor.columns] \"最后发文日\" = \"最近更新时间\""),
            "{}",
            u[0].describe()
        );
        assert_eq!(u[1].closest[0].1, Meaning::Evidence(Column::Unanswered));
        assert!(u[2].closest.is_empty(), "{:?}", u[2]);
        assert_eq!(u[3].describe(), "“序号”");
        // 账号ID is present: an unknown 账号编码 is not offered as a second id column.
        let headers: Vec<String> = ["账号ID", "账号编码"].map(String::from).to_vec();
        let u = unused(&headers, &ColumnAliases::default());
        assert!(u[0]
            .closest
            .iter()
            .all(|(_, m)| *m != Meaning::Key(Field::Id)));
    }

    #[test]
    fn a_draft_section_lists_every_header() {
        let headers: Vec<String> = ["账号ID", "超期未回复", "最后发文日", "序号"]
            .map(String::from)
            .to_vec();
        let text = draft_section(&headers, &ColumnAliases::default());
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("[monitor.columns]"));
        assert_eq!(lines[1], "# \"账号ID\": 账号ID");
        assert_eq!(lines[2], "# \"超期未回复\": 未回复数");
        assert!(
            lines[3].starts_with(
                "# \"最后发文日\" = \"\"   # ? 未识别;最接近: 最后发文日期(最近更新时间)"
            ),
            "{}",
            lines[3]
        );
        assert!(lines[4].contains("\"序号\"") && lines[4].contains("否则删去此行"));
        assert_eq!(lines.len(), 5);
        // As drafted, every line is a comment: the section parses and maps nothing yet.
        let profile = format!("province = \"四川\"\n{text}");
        let p = crate::domain::profile::Profile::parse(&profile).unwrap();
        assert!(p.monitor_columns.is_empty());
    }

    #[test]
    fn rules_without_their_column_are_named() {
        let cat = Catalog::builtin();
        let missing = missing_evidence(&cat, &[Column::LastPost, Column::MonitoredAt]);
        let codes: Vec<&str> = missing.iter().map(|m| m.code.as_str()).collect();
        assert_eq!(codes, ["V7", "V8"]);
        assert!(
            missing[1].describe().starts_with("V8("),
            "{}",
            missing[1].describe()
        );
        assert!(missing[1].describe().contains("没有“未回复数”列"));
        assert!(missing_evidence(&cat, &Column::ALL).is_empty());
    }

    /// A header with a line break or quotes stays inside its commented line: the draft gets no
    /// live TOML from an export's header (attack finding, through the registry's comments).
    #[test]
    fn a_header_cannot_write_the_draft() {
        let headers = vec!["超时\n[types.aliases]\n\"微博\" = \"其他\"".to_string()];
        let text = draft_section(&headers, &ColumnAliases::default());
        for line in text.lines().skip(1) {
            assert!(line.starts_with('#'), "{line}\n{text}");
        }
    }
}
