//! Answers from filled inspection sheets: cell parsing, row validation, merging across workbooks,
//! conflicts, and verdicts. Pure: cells in, answers and problems out.

pub mod order;
pub mod tables;

use crate::domain::cell::Cell;
use crate::domain::indicators::{verdict, Answer, Catalog, Kind, Verdict};
use std::collections::BTreeMap;

/// Why an answer cell could not be read; shown to the inspector after the cell's name.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CellError {
    /// Text that is no yes/no.
    #[error("\"{0}\" 不是 是/否(可填 是/否、Y/N、1/0、√/×、TRUE/FALSE)")]
    NotYesNoText(String),
    /// A value of another kind (a date, a number other than 1/0) where yes/no is expected.
    #[error("\"{0}\" 不是 是/否")]
    NotYesNo(String),
    /// TRUE/FALSE where a count is expected.
    #[error("应为 0 到上限之间的整数")]
    CountIsBool,
    /// Text or a value that is no number where a count is expected.
    #[error("\"{text}\" 不是整数(应为 0 到 {max})")]
    NotCount {
        /// The cell as written.
        text: String,
        /// The indicator's maximum.
        max: u32,
    },
    /// A number that is not a whole number in 0..=max.
    #[error("{value} 超出范围(应为 0 到 {max} 的整数)")]
    CountOutOfRange {
        /// The number as shown.
        value: String,
        /// The indicator's maximum.
        max: u32,
    },
    /// An Excel day number outside Excel's calendar.
    #[error("{0} 不是有效日期")]
    BadSerial(f64),
    /// Text that is no date.
    #[error("\"{0}\" 不是日期(单元格中只能填日期,例如 2020-03-25)")]
    NotDateText(String),
    /// A value of another kind where a date is expected.
    #[error("\"{0}\" 不是日期")]
    NotDate(String),
    /// A date outside the years a campaign can mean.
    #[error("{0} 不是合理的检查日期")]
    ImplausibleDate(chrono::NaiveDate),
}

/// Parse a yes/no cell: 是/否, Y/N, 1/0, √/×, TRUE/FALSE (and 有/无). `Ok(None)` when blank.
pub fn parse_yes_no(v: &Cell) -> Result<Option<u32>, CellError> {
    match v {
        Cell::Empty => Ok(None),
        Cell::Bool(b) => Ok(Some(u32::from(*b))),
        Cell::Int(1) => Ok(Some(1)),
        Cell::Int(0) => Ok(Some(0)),
        Cell::Float(f) if *f == 1.0 => Ok(Some(1)),
        Cell::Float(f) if *f == 0.0 => Ok(Some(0)),
        Cell::Text(s) => {
            let k = crate::domain::text::match_key(s);
            match k.as_str() {
                "" => Ok(None),
                "是" | "y" | "yes" | "1" | "√" | "✓" | "✔" | "true" | "有" | "t" => {
                    Ok(Some(1))
                }
                "否" | "n" | "no" | "0" | "×" | "✗" | "✘" | "x" | "false" | "无" | "f" => {
                    Ok(Some(0))
                }
                _ => Err(CellError::NotYesNoText(s.clone())),
            }
        }
        other => Err(CellError::NotYesNo(other.text())),
    }
}

/// Parse a whole-number count in 0..=max. `Ok(None)` when blank.
pub fn parse_count(v: &Cell, max: u32) -> Result<Option<u32>, CellError> {
    let n: f64 = match v {
        Cell::Empty => return Ok(None),
        Cell::Int(i) => *i as f64,
        Cell::Float(f) => *f,
        Cell::Bool(_) => return Err(CellError::CountIsBool),
        Cell::Text(s) => {
            let t = crate::domain::text::clean(&crate::domain::text::fold_width(s));
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<f64>().map_err(|_| CellError::NotCount {
                text: s.clone(),
                max,
            })?
        }
        other => {
            return Err(CellError::NotCount {
                text: other.text(),
                max,
            })
        }
    };
    if n.fract() != 0.0 || n < 0.0 || n > max as f64 {
        return Err(CellError::CountOutOfRange {
            value: crate::domain::cell::float_text(n),
            max,
        });
    }
    Ok(Some(n as u32))
}

/// Parse a date cell (a date, an Excel serial, or text such as 2020-03-25, 2020/3/25, 2020年3月25日).
pub fn parse_date(v: &Cell) -> Result<Option<chrono::NaiveDate>, CellError> {
    use crate::domain::dates;
    let from_serial = |f: f64| dates::excel_serial_date(f).ok_or(CellError::BadSerial(f));
    let d = match v {
        Cell::Empty => return Ok(None),
        Cell::DateTime { serial, .. } => from_serial(*serial)?,
        Cell::Float(f) if dates::PLAUSIBLE_SERIALS.contains(f) => from_serial(*f)?,
        Cell::Int(i) if dates::PLAUSIBLE_SERIALS.contains(&(*i as f64)) => from_serial(*i as f64)?,
        Cell::Text(s) => {
            let t = crate::domain::text::clean(&crate::domain::text::fold_width(s));
            if t.is_empty() {
                return Ok(None);
            }
            dates::parse_date_text(&t).ok_or_else(|| CellError::NotDateText(s.clone()))?
        }
        other => return Err(CellError::NotDate(other.text())),
    };
    if !dates::is_plausible(d) {
        return Err(CellError::ImplausibleDate(d));
    }
    Ok(Some(d))
}

/// The inspection dates a campaign accepts: not before its quarter began (when the period is
/// known), and not in the future.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateRange {
    /// The first date accepted.
    pub earliest: chrono::NaiveDate,
    /// The last date accepted (today, when collecting).
    pub latest: chrono::NaiveDate,
}

impl DateRange {
    /// From the campaign's period ("2020Q1" → from 2020-01-01) up to `today`.
    pub fn for_period(period: Option<&str>, today: chrono::NaiveDate) -> DateRange {
        let start = period
            .and_then(crate::domain::dates::quarter_bounds)
            .map(|(first, _)| first);
        DateRange {
            earliest: start
                .or(chrono::NaiveDate::from_ymd_opt(2000, 1, 1))
                .unwrap_or_default(),
            latest: today,
        }
    }
}

/// One account's answer as read from one workbook row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowAnswer {
    /// The signed id of the workbook it came from: the workbook's identity.
    pub workbook: String,
    /// The inspector the workbook was made for.
    pub inspector: String,
    /// The file name it came back under (for people; not an identity).
    pub source: String,
    /// SHA-256 of that returned file: the version.
    pub source_sha256: String,
    /// The sample the workbook was made from; answers of an earlier sample are set aside.
    pub sample_sha256: String,
    /// Row in the workbook.
    pub row: u32,
    /// The account.
    pub id: String,
    /// One value per indicator, in catalog order.
    pub values: Vec<u32>,
    /// 问题描述.
    pub description: String,
    /// 检查人 as filled.
    pub checker: String,
    /// 检查日期, YYYY-MM-DD.
    pub date: String,
    /// The answers that were pre-filled from monitoring data, and whether each was kept.
    pub prefill: Vec<crate::domain::monitor::PrefillCheck>,
}

impl RowAnswer {
    /// "workbook:version", what a resolution is made against.
    pub fn version_key(&self) -> String {
        format!("{}:{}", self.workbook, self.source_sha256)
    }
}

/// A problem in a returned workbook, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file, as given.
    pub source: String,
    /// The spreadsheet row, when the problem is in one.
    pub row: Option<u32>,
    /// The account, when known.
    pub id: Option<String>,
    /// The column header, when the problem is in one cell.
    pub column: Option<String>,
    /// What is wrong, for the user.
    pub message: String,
}

impl Problem {
    /// A problem with a whole file.
    pub fn whole(file: &std::path::Path, message: String) -> Problem {
        Problem {
            source: file.display().to_string(),
            row: None,
            id: None,
            column: None,
            message,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(r) = self.row {
            write!(f, " 第 {r} 行")?;
        }
        if let Some(id) = &self.id {
            write!(f, " 账号 {id}")?;
        }
        if let Some(c) = &self.column {
            write!(f, " [{c}]")?;
        }
        // A reader's error often names the file already: say it once.
        let prefix = format!("{}: ", self.source);
        let message = self.message.strip_prefix(&prefix).unwrap_or(&self.message);
        write!(f, ": {message}")
    }
}

/// The typed cells of one data row, by role.
pub struct RowCells<'a> {
    /// The spreadsheet row.
    pub row: u32,
    /// The account id in it.
    pub id: String,
    /// One cell per indicator, in catalog order.
    pub indicators: Vec<&'a Cell>,
    /// 问题描述.
    pub description: &'a Cell,
    /// 检查人.
    pub checker: &'a Cell,
    /// 检查日期.
    pub date: &'a Cell,
}

/// A checked row as filled in: what [`read_row`] accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedRow {
    /// One value per indicator.
    pub values: Vec<u32>,
    /// 问题描述.
    pub description: String,
    /// 检查人.
    pub checker: String,
    /// 检查日期, YYYY-MM-DD.
    pub date: String,
}

/// Validate one row. Returns `Ok(None)` for a row not yet checked (all blank).
pub fn read_row(
    cat: &Catalog,
    source: &str,
    cells: &RowCells<'_>,
    dates: &DateRange,
) -> Result<Option<CheckedRow>, Vec<Problem>> {
    let mut problems = Vec::new();
    let problem = |col: &str, msg: String| row_problem(source, cells, Some(col), msg);
    let values = indicator_values(cat, source, cells, &mut problems);
    let text = |d: &Cell| crate::domain::text::clean(&d.text());
    let description = text(cells.description);
    let checker = text(cells.checker);
    let date = checked_date(source, cells, dates, &mut problems);
    let filled = values.iter().filter(|v| v.is_some()).count();
    if filled == 0 && problems.is_empty() {
        if description.is_empty() && date.is_none() {
            return Ok(None);
        }
        return Err(vec![row_problem(
            source,
            cells,
            None,
            "只填写了问题描述或检查日期,指标未填写(半填行)".into(),
        )]);
    }
    if filled < values.len() {
        let missing: Vec<String> = cat
            .indicators
            .iter()
            .zip(&values)
            .filter(|(_, v)| v.is_none())
            .map(|(i, _)| i.code.clone())
            .collect();
        let msg = format!("半填行: 指标 {} 未填写", missing.join("、"));
        problems.push(row_problem(source, cells, None, msg));
    }
    let values: Vec<u32> = values.into_iter().map(|v| v.unwrap_or(0)).collect();
    let has_problem = values.iter().any(|v| *v > 0);
    if has_problem && description.is_empty() && problems.is_empty() {
        problems.push(problem(
            "问题描述",
            "标记了问题但未填写问题描述(证据)".into(),
        ));
    }
    if date.is_none() && problems.is_empty() {
        problems.push(problem("检查日期", "已填写指标但缺少检查日期".into()));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Some(CheckedRow {
        values,
        description,
        checker,
        date: date.unwrap_or_default(),
    }))
}

/// A problem with this row, in `column` when it concerns one cell.
fn row_problem(
    source: &str,
    cells: &RowCells<'_>,
    column: Option<&str>,
    message: String,
) -> Problem {
    Problem {
        source: source.to_string(),
        row: Some(cells.row),
        id: Some(cells.id.clone()),
        column: column.map(str::to_string),
        message,
    }
}

/// Each indicator cell's value (none when blank); an invalid cell is reported and counts as 0
/// so the row's other checks still run.
fn indicator_values(
    cat: &Catalog,
    source: &str,
    cells: &RowCells<'_>,
    problems: &mut Vec<Problem>,
) -> Vec<Option<u32>> {
    let mut values: Vec<Option<u32>> = Vec::new();
    for (ind, v) in cat.indicators.iter().zip(&cells.indicators) {
        let parsed = match ind.kind {
            Kind::Veto => parse_yes_no(v),
            Kind::Deduct => parse_count(v, ind.max.unwrap_or(0)),
        };
        match parsed {
            Ok(x) => values.push(x),
            Err(e) => {
                let col = format!("{} {}", ind.code, ind.name);
                problems.push(row_problem(source, cells, Some(&col), e.to_string()));
                values.push(Some(0));
            }
        }
    }
    values
}

/// 检查日期 as YYYY-MM-DD, none when blank; a date that is invalid or outside the campaign's
/// range is reported and stands as an empty (but present) date.
fn checked_date(
    source: &str,
    cells: &RowCells<'_>,
    dates: &DateRange,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    match parse_date(cells.date) {
        Ok(Some(d)) if d < dates.earliest || d > dates.latest => {
            let msg = format!(
                "检查日期 {d} 不在 {} 至 {} 之间",
                dates.earliest, dates.latest
            );
            problems.push(row_problem(source, cells, Some("检查日期"), msg));
            Some(String::new())
        }
        Ok(d) => d.map(|d| d.format("%Y-%m-%d").to_string()),
        Err(e) => {
            problems.push(row_problem(source, cells, Some("检查日期"), e.to_string()));
            Some(String::new())
        }
    }
}

/// The merged outcome for one sampled account.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountResult {
    /// The answer that counts.
    pub answer: RowAnswer,
    /// Its verdict.
    pub verdict: Verdict,
}

/// Two or more workbooks disagree on an account.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    /// The account.
    pub id: String,
    /// Every answer for it.
    pub answers: Vec<RowAnswer>,
}

/// A conflict resolved with `--prefer`: for this account, this workbook's answer wins, as long
/// as the answers in play are exactly the versions it was decided on.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Resolution {
    /// The account.
    pub id: String,
    /// The preferred workbook id.
    pub workbook: String,
    /// The sorted "workbook:version" keys of every answer when it was decided.
    pub versions: Vec<String>,
}

/// Everything the answers say, for the current sample.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Merged {
    /// One result per checked account.
    pub results: BTreeMap<String, AccountResult>,
    /// Accounts whose answers disagree and are not resolved.
    pub conflicts: Vec<Conflict>,
    /// Answer rows of an earlier sample's workbooks: kept, not counted.
    pub set_aside: usize,
}

/// The sorted version keys of a set of answers.
pub fn versions_of<'a>(answers: impl Iterator<Item = &'a RowAnswer>) -> Vec<String> {
    let mut v: Vec<String> = answers.map(RowAnswer::version_key).collect();
    v.sort();
    v
}

/// Merge answers of the current sample (`sample_sha256`) from every workbook: one result per
/// account; a conflict where two workbooks disagree on any indicator, unless a resolution was
/// made against exactly the versions now in play (a newer disagreeing version reopens it).
pub fn merge(
    cat: &Catalog,
    answers: &[RowAnswer],
    resolved: &[Resolution],
    sample_sha256: &str,
) -> Merged {
    let mut by_id: BTreeMap<&str, Vec<&RowAnswer>> = BTreeMap::new();
    let mut set_aside = 0;
    for a in answers {
        if a.sample_sha256 == sample_sha256 {
            by_id.entry(a.id.as_str()).or_default().push(a);
        } else {
            set_aside += 1;
        }
    }
    let mut merged = Merged {
        set_aside,
        ..Merged::default()
    };
    for (id, list) in by_id {
        let first = list[0];
        let chosen = if list.iter().all(|a| a.values == first.values) {
            Some(first)
        } else {
            let now = versions_of(list.iter().copied());
            resolved
                .iter()
                .find(|r| r.id == id && r.versions == now)
                .and_then(|r| list.iter().find(|a| a.workbook == r.workbook).copied())
        };
        match chosen {
            Some(a) => {
                let verdict = verdict(
                    cat,
                    &Answer {
                        values: a.values.clone(),
                    },
                );
                merged.results.insert(
                    id.to_string(),
                    AccountResult {
                        answer: a.clone(),
                        verdict,
                    },
                );
            }
            None => merged.conflicts.push(Conflict {
                id: id.to_string(),
                answers: list.into_iter().cloned().collect(),
            }),
        }
    }
    merged
}

/// When the 检查人 cell names someone other than the inspector the workbook was signed for (a
/// colleague filled in another's workbook, or a copy was replayed under another name): the
/// note answers.csv and collect show; `None` when it names the inspector or is blank.
pub fn checker_note(a: &RowAnswer) -> Option<String> {
    let key = crate::domain::text::match_key;
    (!a.checker.is_empty() && key(&a.checker) != key(&a.inspector)).then(|| {
        format!(
            "检查人填写为 {},与检查表的检查人 {} 不符",
            a.checker, a.inspector
        )
    })
}

/// One account whose taken answer a collect changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The account.
    pub id: String,
    /// The verdict before (合格/不合格).
    pub before: &'static str,
    /// The verdict now.
    pub after: &'static str,
    /// The indicators whose value changed, "V1 否→是".
    pub values: Vec<String>,
    /// The file the new answer came from, and the inspector who signed it.
    pub source: String,
    /// The inspector the new answer's workbook was made for.
    pub inspector: String,
    /// The inspector the earlier answer's workbook was made for.
    pub earlier_inspector: String,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "账号 {}: {} → {}", self.id, self.before, self.after)?;
        if !self.values.is_empty() {
            write!(f, "({})", self.values.join(","))?;
        }
        write!(f, ",来自 {}(检查人 {}", self.source, self.inspector)?;
        if self.inspector != self.earlier_inspector {
            write!(f, ";原答案来自检查人 {}", self.earlier_inspector)?;
        }
        write!(f, ")")
    }
}

/// Accounts whose verdict changed between two merges (before and after a collect), with the
/// indicators that changed: a corrected or replayed copy never rewrites a verdict silently.
pub fn changes(cat: &Catalog, before: &Merged, after: &Merged) -> Vec<Change> {
    let mut out = Vec::new();
    for (id, old) in &before.results {
        let Some(new) = after.results.get(id) else {
            continue;
        };
        if old.verdict.qualified == new.verdict.qualified {
            continue;
        }
        let values = cat
            .indicators
            .iter()
            .zip(old.answer.values.iter().zip(&new.answer.values))
            .filter(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| {
                format!(
                    "{} {}→{}",
                    i.code,
                    value_label(i.kind, *a),
                    value_label(i.kind, *b)
                )
            })
            .collect();
        out.push(Change {
            id: id.clone(),
            before: old.verdict.label(),
            after: new.verdict.label(),
            values,
            source: new.answer.source.clone(),
            inspector: new.answer.inspector.clone(),
            earlier_inspector: old.answer.inspector.clone(),
        });
    }
    out
}

/// The value as the sheet shows it: 是/否 for veto items, the count for deductions.
pub fn value_label(kind: Kind, v: u32) -> String {
    match kind {
        Kind::Veto => if v > 0 { "是" } else { "否" }.to_string(),
        Kind::Deduct => v.to_string(),
    }
}

/// Every indicator's value as the sheet shows it, in catalog order.
pub fn value_labels(cat: &Catalog, values: &[u32]) -> Vec<String> {
    cat.indicators
        .iter()
        .zip(values)
        .map(|(i, v)| value_label(i.kind, *v))
        .collect()
}

/// Parse a stored value back (answers.csv / results.csv).
pub fn value_from_label(kind: Kind, s: &str) -> Option<u32> {
    match kind {
        Kind::Veto => match s {
            "是" => Some(1),
            "否" => Some(0),
            _ => None,
        },
        Kind::Deduct => s.parse().ok(),
    }
}

/// A pre-filled answer (used by `audit demo` to simulate inspectors).
#[derive(Clone, Debug)]
pub struct Fill {
    /// One value per indicator.
    pub values: Vec<u32>,
    /// 问题描述.
    pub description: String,
    /// 检查人.
    pub checker: String,
    /// 检查日期.
    pub date: chrono::NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_no_spellings() {
        for s in ["是", "Y", "yes", "1", "√", "TRUE", " 是 "] {
            assert_eq!(parse_yes_no(&Cell::Text(s.into())), Ok(Some(1)), "{s}");
        }
        for s in ["否", "N", "0", "×", "false"] {
            assert_eq!(parse_yes_no(&Cell::Text(s.into())), Ok(Some(0)), "{s}");
        }
        assert_eq!(parse_yes_no(&Cell::Bool(true)), Ok(Some(1)));
        assert_eq!(parse_yes_no(&Cell::Float(0.0)), Ok(Some(0)));
        assert_eq!(parse_yes_no(&Cell::Empty), Ok(None));
        assert!(parse_yes_no(&Cell::Text("也许".into())).is_err());
    }

    #[test]
    fn counts_and_dates() {
        assert_eq!(parse_count(&Cell::Float(2.0), 4), Ok(Some(2)));
        assert_eq!(parse_count(&Cell::Text("３".into()), 4), Ok(Some(3)));
        assert!(parse_count(&Cell::Float(2.5), 4).is_err());
        assert!(parse_count(&Cell::Int(5), 4)
            .unwrap_err()
            .to_string()
            .contains("超出范围"));
        let d = chrono::NaiveDate::from_ymd_opt(2020, 3, 25).unwrap();
        assert_eq!(parse_date(&Cell::Text("2020年3月25日".into())), Ok(Some(d)));
        assert_eq!(parse_date(&Cell::Text("2020/3/25".into())), Ok(Some(d)));
        assert_eq!(parse_date(&Cell::Float(43915.0)), Ok(Some(d)));
        assert!(parse_date(&Cell::Text("上周".into())).is_err());
        // Only a date (and a time) may stand in the cell (issue #9, case 11).
        assert!(parse_date(&Cell::Text("2020-03-20 垃圾".into())).is_err());
        assert_eq!(
            parse_date(&Cell::Text("2020-03-25 10:30".into())),
            Ok(Some(d))
        );
        let q = DateRange::for_period(Some("2020Q2"), d);
        assert_eq!(
            q.earliest,
            chrono::NaiveDate::from_ymd_opt(2020, 4, 1).unwrap()
        );
        // Huge serials in a date cell are an error on that cell, not a crash (issue #9, case 1).
        for f in [1e12, -1e12, 1e308, f64::NAN] {
            let d = Cell::DateTime {
                serial: f,
                with_time: true,
            };
            assert!(parse_date(&d).is_err(), "{f}");
        }
        assert_eq!(crate::domain::dates::excel_serial_date(1e12), None);
    }
}
