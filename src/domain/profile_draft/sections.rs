//! The registry export's sections of a profile draft: the province, `[columns]`, the level,
//! status and owner-kind aliases, `[types]`, and `[regions.aliases]`.

use super::{field_name, ExportScan, Line, Section, ValueCounts};
use crate::domain::profile::{
    default_prefecture_label, infer_province, platform, Profile, Province, RegionError, TypeScheme,
    OTHER,
};
use crate::domain::registry::{closest_headers, closest_terms, closest_values, HeaderMap};
use crate::domain::vocab::{Aliases, ColumnAliases, Field, Level, OwnerKind, Status, Term};

/// A column's values must be at least this share recognised as a field's to suggest the field.
const GUESS_SHARE: f64 = 0.6;

/// What the draft found, for the command's summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftFacts {
    /// The province found, e.g. "四川省"; None when the draft asks for it.
    pub province: Option<String>,
    /// Where it came from: 台账标题行 or 所属地区推断.
    pub province_from: &'static str,
    /// Each header with the field it maps to (None: kept as it is, or asked).
    pub columns: Vec<(String, Option<Field>)>,
    /// Required fields no header names or may name.
    pub missing: Vec<Field>,
}

/// What each column holds: the fields named by header, and those guessed for the others.
struct Columns {
    /// Per header position: the field its header names.
    named: Vec<Option<Field>>,
    /// Per header position: a field its header does not name, guessed by name or values, with
    /// the reason shown to the user.
    guessed: Vec<Option<(Field, String)>>,
}

impl Columns {
    /// The column holding a field, named or guessed.
    fn of(&self, f: Field) -> Option<usize> {
        self.named.iter().position(|g| *g == Some(f)).or_else(|| {
            self.guessed
                .iter()
                .position(|g| g.as_ref().is_some_and(|(h, _)| *h == f))
        })
    }
}

/// The sections of a profile draft for a registry export (`source` names it in the comments),
/// and what was found.
pub fn registry_sections(scan: &ExportScan, source: &str) -> (Vec<Section>, DraftFacts) {
    let mut cols = named_columns(scan);
    let found = crate::domain::registry::title::title_facts(&scan.title_rows);
    let mut province = found.province.map(|p| (p, "台账标题行"));
    guess_by_values(scan, &mut cols, province.map(|(p, _)| p));
    if province.is_none() {
        province = infer(scan, &cols).map(|p| (p, "所属地区推断"));
    }
    let profile = province.map(|(p, _)| Profile::builtin(p));
    let mut sections = vec![top(scan, source, province)];
    sections.push(columns_section(scan, &cols));
    let vocab = |f: Field| cols.of(f).map(|i| &scan.columns[i]);
    sections.push(terms_section::<Level>(vocab(Field::Level)));
    sections.push(terms_section::<Status>(vocab(Field::Status)));
    sections.push(terms_section::<OwnerKind>(vocab(Field::OwnerKind)));
    sections.extend(types_sections(vocab(Field::Type)));
    sections.push(regions_section(vocab(Field::Region), profile.as_ref()));
    let facts = DraftFacts {
        province: province.map(|(p, _)| p.name.clone()),
        province_from: province.map(|(_, f)| f).unwrap_or(""),
        columns: scan
            .headers
            .iter()
            .zip(&cols.named)
            .filter(|(h, _)| !h.is_empty())
            .map(|(h, f)| (h.clone(), *f))
            .collect(),
        missing: Field::ALL
            .into_iter()
            .filter(|f| f.required() && cols.of(*f).is_none())
            .collect(),
    };
    (sections, facts)
}

/// The fields the headers name by the built-in list, and for a required field no header
/// names, the header that most resembles one.
fn named_columns(scan: &ExportScan) -> Columns {
    let header = HeaderMap::read(scan.header_row, &scan.headers, &ColumnAliases::default());
    let mut named = vec![None; scan.headers.len()];
    for (f, i) in &header.fields {
        named[*i] = Some(*f);
    }
    let mut guessed: Vec<Option<(Field, String)>> = vec![None; scan.headers.len()];
    let lacking: Vec<Field> = header
        .lacking()
        .into_iter()
        .filter(|f| f.required())
        .collect();
    for f in lacking {
        let at = header
            .extras
            .iter()
            .find(|(h, i)| guessed[*i].is_none() && closest_headers(h, &[f]).contains(&f));
        if let Some((h, i)) = at {
            guessed[*i] = Some((f, format!("表头“{h}”像 {}", f.label())));
        }
    }
    Columns { named, guessed }
}

/// For each field no column holds yet, the unnamed column whose values are mostly that field's
/// (levels, statuses, owner kinds, platforms, regions of the province when it is known).
fn guess_by_values(scan: &ExportScan, cols: &mut Columns, province: Option<&'static Province>) {
    let profile = province.map(Profile::builtin);
    for f in [
        Field::Level,
        Field::Status,
        Field::OwnerKind,
        Field::Type,
        Field::Region,
    ] {
        if cols.of(f).is_some() {
            continue;
        }
        let recognised = |v: &str| match f {
            Field::Level => Level::spelled(v).is_some(),
            Field::Status => Status::spelled(v).is_some(),
            Field::OwnerKind => OwnerKind::spelled(v).is_some(),
            Field::Type => platform(v).is_some(),
            _ => profile.as_ref().is_some_and(|p| p.resolve(v, "").is_ok()),
        };
        let best = (0..scan.headers.len())
            .filter(|i| cols.named[*i].is_none() && cols.guessed[*i].is_none())
            .filter(|i| !scan.headers[*i].is_empty() && !scan.columns[*i].overflow)
            .map(|i| (share(&scan.columns[i], &recognised), i))
            .filter(|(s, _)| *s >= GUESS_SHARE)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        if let Some((_, i)) = best {
            let why = format!("值像 {}: {}", f.label(), top_values(&scan.columns[i], 3));
            cols.guessed[i] = Some((f, why));
        }
    }
}

/// The share of a column's filled cells whose value `recognised` accepts.
fn share(col: &ValueCounts, recognised: &dyn Fn(&str) -> bool) -> f64 {
    if col.filled == 0 {
        return 0.0;
    }
    let hit: u64 = col
        .counts
        .iter()
        .filter(|(v, _)| recognised(v))
        .map(|(_, n)| n)
        .sum();
    hit as f64 / col.filled as f64
}

/// The most frequent values of a column, "市级 12、县级 30".
fn top_values(col: &ValueCounts, k: usize) -> String {
    by_rows(col)
        .iter()
        .take(k)
        .map(|(v, n)| format!("{v} {n}"))
        .collect::<Vec<_>>()
        .join("、")
}

/// A column's values, most rows first, then by value.
fn by_rows(col: &ValueCounts) -> Vec<(&str, u64)> {
    let mut v: Vec<(&str, u64)> = col.counts.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v
}

/// The province the region column's values point at, when the title rows name none.
fn infer(scan: &ExportScan, cols: &Columns) -> Option<&'static Province> {
    let regions =
        |i: usize| -> Vec<&str> { scan.columns[i].counts.keys().map(String::as_str).collect() };
    if let Some(i) = cols.of(Field::Region) {
        return infer_province(&regions(i)).ok();
    }
    // No region column yet: the first unnamed column whose values point at one province.
    (0..scan.headers.len())
        .filter(|i| cols.named[*i].is_none() && !scan.columns[*i].overflow)
        .find_map(|i| infer_province(&regions(i)).ok())
}

/// The top-level keys: the province (or a question), its usual label, and how to use the draft.
fn top(scan: &ExportScan, source: &str, province: Option<(&'static Province, &str)>) -> Section {
    let mut lines = Vec::new();
    match province {
        Some((p, from)) => {
            lines.push(Line::Set {
                key: "province".into(),
                bare: true,
                value: p.short.clone(),
                note: format!("{}(依据: {from})", p.name),
            });
            lines.push(Line::Set {
                key: "prefecture_label".into(),
                bare: true,
                value: default_prefecture_label(p).into(),
                note: "通报中地级单位的称谓".into(),
            });
        }
        None => lines.push(Line::Ask {
            key: "province".into(),
            bare: true,
            note: "标题行和所属地区都看不出省份,请填省份名(如 四川)".into(),
        }),
    }
    lines.push(Line::Comment(
        "rate_decimals = 1  # 合格率小数位(0–4),默认 1".into(),
    ));
    Section {
        table: None,
        about: vec![
            format!(
                "audit 画像草稿:由 audit profile init 读 {source} 写出(表头在第 {} 行,数据 {} 行)",
                scan.header_row, scan.rows
            ),
            "值为 \"?\" 的行须填写(或删去)后才能使用;其余各行是按内置写法识别的结果,可以改。"
                .into(),
            format!(
                "填好后导入: {} import {source} --campaign 项目目录 --profile 本文件",
                crate::domain::shell::program()
            ),
        ],
        lines,
        commented: false,
    }
}

/// `[columns]`: every header with the field it maps to, a question for a header that may be a
/// missing field, and a comment for those kept as they are.
fn columns_section(scan: &ExportScan, cols: &Columns) -> Section {
    let mut lines = Vec::new();
    for (i, h) in scan.headers.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        let line = match (&cols.named[i], &cols.guessed[i]) {
            (Some(f), _) if h == f.label() => Line::Comment(format!("\"{h}\" → {}", f.label())),
            (Some(f), _) => Line::Set {
                key: h.clone(),
                bare: false,
                value: f.label().into(),
                note: "内置写法".into(),
            },
            (None, Some((f, why))) => Line::Ask {
                key: h.clone(),
                bare: false,
                note: format!(
                    "可能是 {}({why});是则填 \"{}\",不是则删去此行",
                    field_name(*f),
                    f.label()
                ),
            },
            (None, None) => Line::Comment(format!("\"{h}\" 不是标准字段,按原样保留")),
        };
        lines.push(line);
    }
    for f in Field::ALL {
        if f.required() && cols.of(f).is_none() {
            lines.push(Line::Comment(format!(
                "? 没有找到 {} 列:请在上面把对应的表头写成 \"表头\" = \"{}\"",
                field_name(f),
                f.label()
            )));
        }
    }
    Section {
        table: Some("columns".into()),
        about: vec!["台账的表头 → README 中的标准列名".into()],
        lines,
        commented: false,
    }
}

/// `[levels.aliases]` (or statuses, owner kinds): every spelling of the column with its rows —
/// the standard ones as comments, the built-in ones mapped, the unknown ones asked.
fn terms_section<T: Term>(col: Option<&ValueCounts>) -> Section {
    let table = format!("{}.aliases", T::TABLE);
    let mut lines = Vec::new();
    let about = vec![format!("{} 的写法 → {}", T::WHAT, T::labels())];
    let Some(col) = col else {
        lines.push(Line::Comment(format!(
            "台账没有 {} 列{}",
            T::WHAT,
            match T::TABLE {
                "statuses" => ":全部按 正常 处理",
                "owner_kinds" => ":全部按 部门 处理(--take-all owner_kind=政府 将找不到账号)",
                _ => "",
            }
        )));
        return Section {
            table: Some(table),
            about,
            lines,
            commented: false,
        };
    };
    for (v, n) in by_rows(col) {
        lines.push(match (T::parse_label(v), T::spelled(v)) {
            (Some(_), _) => Line::Comment(format!("\"{v}\" {n} 行(标准写法)")),
            (None, Some(t)) => Line::Set {
                key: v.into(),
                bare: false,
                value: t.label().into(),
                note: format!("{n} 行"),
            },
            (None, None) => {
                let (near, _) = closest_terms(v, &Aliases::<T>::default());
                Line::Ask {
                    key: v.into(),
                    bare: false,
                    note: format!("{n} 行;应为 {} 之一{}", T::labels(), nearest(&near)),
                }
            }
        });
    }
    if col.overflow {
        lines.push(Line::Comment("写法超过 2000 种,未逐一列出".into()));
    }
    Section {
        table: Some(table),
        about,
        lines,
        commented: false,
    }
}

/// ";最接近: a、b" or nothing.
fn nearest(near: &[String]) -> String {
    if near.is_empty() {
        String::new()
    } else {
        format!(";最接近: {}", near.join("、"))
    }
}

/// `[types]` and `[types.aliases]`: under the built-in scheme the block is written commented
/// out (switching it on changes how tables list types), unless a spelling no list knows needs
/// a type, when it is written active with that question.
fn types_sections(col: Option<&ValueCounts>) -> Vec<Section> {
    let scheme = TypeScheme::jiangsu_2020();
    let mut lines = Vec::new();
    let mut others: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    for (v, n) in col.map(by_rows).unwrap_or_default() {
        let p = platform(v);
        lines.push(match scheme.lookup(v) {
            _ if scheme.order().iter().any(|t| t == v) => {
                Line::Comment(format!("\"{v}\" {n} 行(标准写法)"))
            }
            Some(OTHER) if p != Some(OTHER) => {
                let p = p.unwrap_or(OTHER);
                *others.entry(p).or_default() += n;
                Line::Comment(format!(
                    "\"{v}\" {n} 行 → 其他(平台 {p};通报单列时把 \"{p}\" 加入 order 即可)"
                ))
            }
            Some(t) => Line::Set {
                key: v.into(),
                bare: false,
                value: t.into(),
                note: format!("{n} 行"),
            },
            None => Line::Ask {
                key: v.into(),
                bare: false,
                note: format!("{n} 行;内置写法中没有,应为 order 中的一个类型(通常填 \"其他\")"),
            },
        });
    }
    let asks = lines.iter().any(|l| matches!(l, Line::Ask { .. }));
    let mut about = vec![format!(
        "类型:内置方案为 {}{}",
        scheme.order().join("/"),
        if asks {
            ";有内置写法不认识的类型,所以启用了本节"
        } else {
            ";以下两节注释掉时用内置方案;删去其中每行开头的一个 \"# \" 即启用自己的方案"
        }
    )];
    if !others.is_empty() {
        let mut by_rows: Vec<(&str, u64)> = others.into_iter().collect();
        by_rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let shown: Vec<String> = by_rows.iter().map(|(p, n)| format!("{p} {n} 行")).collect();
        about.push(format!("台账中归入 其他 的平台: {}", shown.join("、")));
    }
    let order = scheme
        .order()
        .iter()
        .map(|t| crate::domain::text::toml_string(t))
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        Section {
            table: Some("types".into()),
            about,
            lines: vec![Line::Raw {
                toml: format!("order = [{order}]"),
                note: "通报中类型的顺序,须含 \"其他\"".into(),
            }],
            commented: !asks,
        },
        Section {
            table: Some("types.aliases".into()),
            about: Vec::new(),
            lines,
            commented: !asks,
        },
    ]
}

/// `[regions.aliases]`: the region spellings the province's divisions do not know, asked with
/// the closest names; those of another province or shared by two prefectures as comments.
fn regions_section(col: Option<&ValueCounts>, profile: Option<&Profile>) -> Section {
    let mut lines = Vec::new();
    let mut about = vec!["所属地区中行政区划数据没有的名称 → 所属的地级单位".into()];
    match (col, profile) {
        (None, _) => about.push("台账没有所属地区列".into()),
        (Some(_), None) => about.push("省份未定,地区未核对;填好 province 后可重新运行".into()),
        (Some(col), Some(p)) => {
            let mut known = (0u64, 0u64);
            for (v, n) in by_rows(col) {
                match p.resolve(v, "") {
                    Ok(_) => known = (known.0 + 1, known.1 + n),
                    Err(e) => lines.push(region_line(v, n, &e, p)),
                }
            }
            about.push(format!(
                "{} 种写法({} 行)已能识别为{}的地区",
                known.0, known.1, p.province.name
            ));
        }
    }
    Section {
        table: Some("regions.aliases".into()),
        about,
        lines,
        commented: false,
    }
}

/// The line for a region that does not resolve.
fn region_line(v: &str, n: u64, e: &RegionError, p: &Profile) -> Line {
    match e {
        RegionError::Unknown { .. } => {
            let (near, target) = closest_values(Field::Region, v, p);
            let example = target.map(|t| format!(",如 \"{t}\"")).unwrap_or_default();
            Line::Ask {
                key: v.into(),
                bare: false,
                note: format!(
                    "{n} 行;不是{}的地区名{};请填它所属的{}{example}",
                    p.province.name,
                    nearest(&near),
                    p.prefecture_label
                ),
            }
        }
        RegionError::Foreign { .. } => Line::Comment(format!("\"{v}\" {n} 行: {e};导入时拒收")),
        RegionError::Ambiguous { .. } => Line::Comment(format!(
            "\"{v}\" {n} 行: {e};导入时按开设主体区分,分不清的行拒收"
        )),
        // Only under a profile scoped to a city or county: such rows are refused on import.
        RegionError::OutsideScope { .. } | RegionError::Unplaced { .. } => {
            Line::Comment(format!("\"{v}\" {n} 行: {e};导入时拒收"))
        }
    }
}
