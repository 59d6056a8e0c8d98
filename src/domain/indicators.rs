//! The indicator catalog (data, not code), the built-in default, and the verdict rule.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// How an indicator counts against an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// 单项否决: yes/no; any hit makes the account unqualified.
    Veto,
    /// 扣分: a count of occurrences × points, up to `max` occurrences.
    Deduct,
}

/// One check indicator: an `[[indicator]]` entry of the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Short unique code, e.g. V1; names the indicator in workbooks and answers.
    pub code: String,
    /// The indicator's name, as inspectors and the notice see it.
    pub name: String,
    /// The notice's problem heading it is reported under, e.g. 安全、泄密事故等严重问题.
    pub head: String,
    /// A longer explanation for inspectors; optional.
    #[serde(default)]
    pub description: String,
    /// veto (单项否决) or deduct (扣分).
    pub kind: Kind,
    /// Deduct only: points per occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<u32>,
    /// Deduct only: the largest count an inspector may enter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    /// Veto only: the rule that pre-fills this item from a monitoring export
    /// (`audit sheet --monitor`); none means inspectors answer it unaided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitor: Option<MonitorRule>,
}

/// How a monitoring export answers a veto item: `monitor = { rule = "no_update", days = 14 }`.
/// Rules are data in the catalog so a province can change the threshold without a new build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum MonitorRule {
    /// 是 when the last post is `days` or more days before the monitoring time
    /// (监测时间点前2周内无更新: 14).
    NoUpdate {
        /// The window in days.
        days: u32,
    },
    /// 是 when the messages left unanswered past the time limit exceed `above`
    /// (未在规定时限内对留言做出有效回复: 0).
    Unanswered {
        /// The largest count that still passes.
        above: u32,
    },
    /// 是 when the export says the interaction function is 异常 (未提供有效互动功能).
    Interaction,
}

/// The indicator catalog: a TOML file, the built-in default unless --catalog is given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// The catalog's title.
    pub name: String,
    /// Unqualified when 100 − deductions falls below this.
    #[serde(default = "default_pass_mark")]
    pub pass_mark: u32,
    /// The indicators, in order; answers hold one value per indicator in this order.
    #[serde(rename = "indicator")]
    pub indicators: Vec<Indicator>,
}

fn default_pass_mark() -> u32 {
    60
}

/// The built-in catalog's TOML: the 国办秘函〔2019〕19号 vetoes plus example deductions.
pub const DEFAULT_CATALOG: &str = include_str!("../default_catalog.toml");

impl Catalog {
    /// The built-in catalog, parsed.
    pub fn builtin() -> Catalog {
        Catalog::parse(DEFAULT_CATALOG, "内置指标目录").expect("the built-in catalog is valid")
    }

    /// Parse and check a catalog; errors name the file, the line and the field.
    pub fn parse(text: &str, file: &str) -> Result<Catalog, CatalogError> {
        let cat: Catalog = toml::from_str(text).map_err(|e| syntax_error(text, file, &e))?;
        if cat.indicators.is_empty() {
            return Err(CatalogError::NoIndicators { file: file.into() });
        }
        if cat.pass_mark > 100 {
            return Err(CatalogError::PassMark {
                file: file.into(),
                pass_mark: cat.pass_mark,
            });
        }
        let mut seen = HashSet::new();
        for i in &cat.indicators {
            let at = CatalogLocation {
                file: file.into(),
                line: line_of(text, &i.code, 0),
            };
            if i.code.trim().is_empty() || i.code.chars().any(|c| c.is_whitespace()) {
                let code = i.code.clone();
                return Err(CatalogError::BadCode { at, code });
            }
            if !seen.insert(i.code.clone()) {
                let at = CatalogLocation {
                    file: file.into(),
                    line: line_of(text, &i.code, 1),
                };
                let code = i.code.clone();
                return Err(CatalogError::DuplicateCode { at, code });
            }
            check_indicator(i, at)?;
        }
        Ok(cat)
    }

    /// The catalog serialised back to TOML (it parses back to the same catalog).
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// The 单项否决 indicators, in catalog order.
    pub fn vetoes(&self) -> impl Iterator<Item = &Indicator> {
        self.indicators.iter().filter(|i| i.kind == Kind::Veto)
    }

    /// The indicator with this code.
    pub fn get(&self, code: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.code == code)
    }
}

/// Where in a catalog file a problem is: the file and, when it could be found, the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogLocation {
    /// The catalog file (or 内置指标目录).
    pub file: String,
    /// The 1-based line of the indicator's `code = "…"`, when found.
    pub line: Option<usize>,
}

impl std::fmt::Display for CatalogLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(n) = self.line {
            write!(f, " 第 {n} 行")?;
        }
        Ok(())
    }
}

/// The line a TOML error points at: its number and its (trimmed) text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceLine {
    /// 1-based.
    pub number: usize,
    /// The line's text, trimmed.
    pub content: String,
}

/// Why a catalog is not valid. Each message names the file and, where it can, the line and
/// the field, in the words inspectors' coordinators read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// Not TOML, or not a catalog's shape (an unknown field, a wrong value): toml's message.
    #[error("{file}{}: 指标目录格式错误: {message}", syntax_at(.line))]
    Syntax {
        /// The catalog file.
        file: String,
        /// The line the error points at, when toml gives a place.
        line: Option<SourceLine>,
        /// toml's message.
        message: String,
    },
    /// No `[[indicator]]` at all.
    #[error("{file}: 指标目录中没有任何 [[indicator]]")]
    NoIndicators {
        /// The catalog file.
        file: String,
    },
    /// `pass_mark` above 100.
    #[error("{file}: pass_mark = {pass_mark} 应在 0..100 之间")]
    PassMark {
        /// The catalog file.
        file: String,
        /// The value given.
        pass_mark: u32,
    },
    /// A `code` empty or containing white space.
    #[error("{at}: 字段 code \"{code}\" 不能为空或含空格")]
    BadCode {
        /// Where.
        at: CatalogLocation,
        /// The code as given.
        code: String,
    },
    /// A `code` used twice (the place is the second use).
    #[error("{at}: 字段 code \"{code}\" 重复")]
    DuplicateCode {
        /// Where.
        at: CatalogLocation,
        /// The code.
        code: String,
    },
    /// An empty `name`.
    #[error("{at}: 指标 {code} 的字段 name 为空")]
    EmptyName {
        /// Where.
        at: CatalogLocation,
        /// The indicator's code.
        code: String,
    },
    /// A `monitor` rule on a deduct indicator.
    #[error("{at}: 指标 {code} 是扣分指标,监测预填规则 monitor 只能用于 veto(单项否决)指标")]
    MonitorOnDeduct {
        /// Where.
        at: CatalogLocation,
        /// The indicator's code.
        code: String,
    },
    /// `monitor = { rule = "no_update", days = 0 }`.
    #[error("{at}: 指标 {code} 的 monitor 规则 no_update 的 days 必须为正整数")]
    NoUpdateDays {
        /// Where.
        at: CatalogLocation,
        /// The indicator's code.
        code: String,
    },
    /// `points` or `max` on a veto indicator.
    #[error("{at}: 指标 {code} 是 veto(单项否决),不应有字段 points 或 max")]
    VetoWithPoints {
        /// Where.
        at: CatalogLocation,
        /// The indicator's code.
        code: String,
    },
    /// A deduct indicator's `points` or `max` beyond what a score out of 100 can use.
    #[error("{at}: 指标 {code} 的字段 {field} = {value} 过大(应不超过 {limit}):得分满分 100,扣分项每次扣分不超过 100,次数不超过 {MAX_OCCURRENCES}")]
    DeductTooLarge {
        /// Where.
        at: CatalogLocation,
        /// The indicator's code.
        code: String,
        /// `points` or `max`.
        field: &'static str,
        /// As given.
        value: u32,
        /// The most allowed.
        limit: u32,
    },
    /// A deduct indicator's `points` or `max` missing or 0.
    #[error("{at}: 指标 {code} 是 deduct(扣分),字段 {field} 必须为正整数")]
    DeductField {
        /// Where.
        at: CatalogLocation,
        /// The indicator's code.
        code: String,
        /// `points` or `max`.
        field: &'static str,
    },
}

/// " 第 N 行 (text)" for a syntax error with a place, else nothing.
fn syntax_at(line: &Option<SourceLine>) -> String {
    line.as_ref()
        .map(|l| format!(" 第 {} 行 ({})", l.number, l.content))
        .unwrap_or_default()
}

/// A TOML error as a [`CatalogError::Syntax`], with the line its span starts on.
fn syntax_error(text: &str, file: &str, e: &toml::de::Error) -> CatalogError {
    let line = e.span().map(|sp| {
        let number = text[..sp.start.min(text.len())].matches('\n').count() + 1;
        let content = text
            .lines()
            .nth(number - 1)
            .unwrap_or("")
            .trim()
            .to_string();
        SourceLine { number, content }
    });
    CatalogError::Syntax {
        file: file.into(),
        line,
        message: e.message().to_string(),
    }
}

/// The line of the n-th (0-based) `code = "X"` entry: serde does not keep spans for the
/// checks made after parsing, so the text is searched.
fn line_of(text: &str, code: &str, nth: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("code") && l.contains(&format!("\"{code}\"")))
        .nth(nth)
        .map(|(p, _)| p + 1)
}

/// The checks on one indicator's own fields (its code already checked).
fn check_indicator(i: &Indicator, at: CatalogLocation) -> Result<(), CatalogError> {
    let code = i.code.clone();
    if i.name.trim().is_empty() {
        return Err(CatalogError::EmptyName { at, code });
    }
    if i.monitor.is_some() && i.kind != Kind::Veto {
        return Err(CatalogError::MonitorOnDeduct { at, code });
    }
    if matches!(i.monitor, Some(MonitorRule::NoUpdate { days: 0 })) {
        return Err(CatalogError::NoUpdateDays { at, code });
    }
    match i.kind {
        Kind::Veto if i.points.is_some() || i.max.is_some() => {
            Err(CatalogError::VetoWithPoints { at, code })
        }
        Kind::Veto => Ok(()),
        Kind::Deduct => {
            let field = if i.points.is_none_or(|p| p == 0) {
                "points"
            } else if i.max.is_none_or(|m| m == 0) {
                "max"
            } else {
                return deduct_caps(i, at);
            };
            Err(CatalogError::DeductField { at, code, field })
        }
    }
}

/// The most occurrences a deduction item may count (`max`): far beyond any real count, small
/// enough that every sum of deductions is exact.
pub const MAX_OCCURRENCES: u32 = 10_000;
/// The most points one occurrence may deduct: the whole score.
pub const MAX_POINTS: u32 = 100;

/// A deduction item's `points` and `max` within [`MAX_POINTS`] and [`MAX_OCCURRENCES`].
fn deduct_caps(i: &Indicator, at: CatalogLocation) -> Result<(), CatalogError> {
    let code = i.code.clone();
    for (field, value, limit) in [
        ("points", i.points.unwrap_or(0), MAX_POINTS),
        ("max", i.max.unwrap_or(0), MAX_OCCURRENCES),
    ] {
        if value > limit {
            return Err(CatalogError::DeductTooLarge {
                at,
                code,
                field,
                value,
                limit,
            });
        }
    }
    Ok(())
}

/// One account's answers: per indicator (in catalog order) 0/1 for veto, a count for deduct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// 0/1 per veto, an occurrence count per deduct, in catalog order.
    pub values: Vec<u32>,
}

/// The pass rule's outcome for one account.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// Points deducted: occurrences × points, summed over the deduct indicators (in u64, never
    /// wrapping).
    pub deduction: u64,
    /// 100 − deduction; can fall below 0.
    pub score: i64,
    /// Codes of the veto items hit.
    pub veto_hits: Vec<String>,
    /// 合格: no veto hit and the score at or above the pass mark.
    pub qualified: bool,
}

impl Verdict {
    /// 合格 or 不合格, as the tables and workbooks print it.
    pub fn label(&self) -> &'static str {
        if self.qualified {
            "合格"
        } else {
            "不合格"
        }
    }
}

/// The pass rule: unqualified if any veto is hit, or if 100 − deductions < pass mark.
pub fn verdict(cat: &Catalog, a: &Answer) -> Verdict {
    let mut deduction = 0u64;
    let mut veto_hits = Vec::new();
    for (ind, v) in cat.indicators.iter().zip(&a.values) {
        match ind.kind {
            Kind::Veto if *v > 0 => veto_hits.push(ind.code.clone()),
            Kind::Deduct => {
                let points = u64::from(ind.points.unwrap_or(0));
                deduction = deduction.saturating_add(points.saturating_mul(u64::from(*v)));
            }
            _ => {}
        }
    }
    let score = 100i64.saturating_sub(i64::try_from(deduction).unwrap_or(i64::MAX));
    Verdict {
        deduction,
        score,
        qualified: veto_hits.is_empty() && score >= cat.pass_mark as i64,
        veto_hits,
    }
}

/// The header of an indicator's column: "V1 名称".
pub fn indicator_header(code: &str, name: &str) -> String {
    format!("{code} {name}")
}

/// Every indicator's column header, in catalog order.
pub fn indicator_headers(cat: &Catalog) -> impl Iterator<Item = String> + '_ {
    cat.indicators
        .iter()
        .map(|i| indicator_header(&i.code, &i.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_eight_vetoes() {
        let c = Catalog::builtin();
        assert_eq!(c.vetoes().count(), 8);
        assert_eq!(c.pass_mark, 60);
        let again = Catalog::parse(&c.to_toml(), "x").unwrap();
        assert_eq!(again, c);
        let rules: Vec<(&str, MonitorRule)> = c
            .indicators
            .iter()
            .filter_map(|i| Some((i.code.as_str(), i.monitor?)))
            .collect();
        assert_eq!(
            rules,
            vec![
                ("V6", MonitorRule::NoUpdate { days: 14 }),
                ("V7", MonitorRule::Interaction),
                ("V8", MonitorRule::Unanswered { above: 0 }),
            ]
        );
    }

    #[test]
    fn monitor_rule_only_on_vetoes() {
        let base = "name = \"x\"\n[[indicator]]\ncode = \"D\"\nname = \"n\"\nhead = \"h\"\n";
        let e = Catalog::parse(
            &format!("{base}kind = \"deduct\"\npoints = 5\nmax = 2\nmonitor = {{ rule = \"interaction\" }}\n"),
            "c.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("只能用于 veto"), "{e}");
        let e = Catalog::parse(
            &format!("{base}kind = \"veto\"\nmonitor = {{ rule = \"sometimes\" }}\n"),
            "c.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("c.toml 第 7 行"), "{e}");
    }

    #[test]
    fn deductions_never_wrap_and_catalog_caps_hold() {
        // Issue #22, case 13: points 5 × 858,993,460 wrapped to 4 in u32 (得分 96, 合格).
        let base = "name = \"x\"\n[[indicator]]\ncode = \"D1\"\nname = \"n\"\nhead = \"h\"\nkind = \"deduct\"\n";
        let e = Catalog::parse(&format!("{base}points = 5\nmax = 1000000000\n"), "c.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("c.toml 第 3 行") && e.contains("max = 1000000000 过大"),
            "{e}"
        );
        let e = Catalog::parse(&format!("{base}points = 101\nmax = 2\n"), "c.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("points = 101 过大"), "{e}");
        // Even past the caps (a catalog read by an older version), the sum is exact.
        let mut c = Catalog::parse(&format!("{base}points = 5\nmax = 2\n"), "c.toml").unwrap();
        c.indicators[0].points = Some(u32::MAX);
        let v = verdict(
            &c,
            &Answer {
                values: vec![858_993_460],
            },
        );
        assert_eq!(v.deduction, u64::from(u32::MAX) * 858_993_460);
        assert!(v.score < 0 && !v.qualified);
    }

    #[test]
    fn verdict_rule() {
        let c = Catalog::builtin();
        let n = c.indicators.len();
        let mut a = Answer { values: vec![0; n] };
        assert!(verdict(&c, &a).qualified);
        a.values[7] = 1;
        let v = verdict(&c, &a);
        assert!(!v.qualified);
        assert_eq!(v.veto_hits, vec![c.indicators[7].code.clone()]);
        let mut a = Answer { values: vec![0; n] };
        // Deductions: 开设不规范 10 points × 4 = 40 → score 60, passes; one more point fails.
        let d = c
            .indicators
            .iter()
            .position(|i| i.kind == Kind::Deduct)
            .unwrap();
        a.values[d] = 4;
        let v = verdict(&c, &a);
        assert_eq!(v.score, 60);
        assert!(v.qualified);
        a.values[d + 1] = 1;
        assert!(!verdict(&c, &a).qualified);
    }

    #[test]
    fn malformed_catalog_names_line_and_field() {
        let e = Catalog::parse("name = \"x\"\n[[indicator]]\ncode = \"A\"\nname = \"n\"\nhead = \"h\"\nkind = \"sometimes\"\n", "c.toml").unwrap_err().to_string();
        assert!(e.contains("c.toml 第 6 行"), "{e}");
        assert!(e.contains("sometimes"), "{e}");
        let e = Catalog::parse("name = \"x\"\n[[indicator]]\ncode = \"A\"\nname = \"n\"\nhead = \"h\"\nkind = \"deduct\"\n", "c.toml").unwrap_err().to_string();
        assert!(e.contains("第 3 行") && e.contains("points"), "{e}");
    }

    #[test]
    fn catalog_errors_print_exactly_as_before_the_error_enum() {
        let base = "name = \"x\"\n[[indicator]]\ncode = \"A\"\nname = \"n\"\nhead = \"h\"\n";
        let e = |extra: &str| {
            Catalog::parse(&format!("{base}{extra}"), "c.toml")
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            e("kind = \"deduct\"\npoints = 5\n"),
            "c.toml 第 3 行: 指标 A 是 deduct(扣分),字段 max 必须为正整数"
        );
        assert_eq!(
            e("kind = \"veto\"\nmax = 2\n"),
            "c.toml 第 3 行: 指标 A 是 veto(单项否决),不应有字段 points 或 max"
        );
        assert!(e("kind = \"sometimes\"\n")
            .starts_with("c.toml 第 6 行 (kind = \"sometimes\"): 指标目录格式错误: "));
        assert_eq!(
            e("kind = \"veto\"\n[[indicator]]\ncode = \"A\"\nname = \"m\"\nhead = \"h\"\nkind = \"veto\"\n"),
            "c.toml 第 8 行: 字段 code \"A\" 重复"
        );
        let none = Catalog::parse("name = \"x\"\nindicator = []\n", "c.toml").unwrap_err();
        assert_eq!(none.to_string(), "c.toml: 指标目录中没有任何 [[indicator]]");
    }
}
