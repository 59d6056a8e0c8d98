//! Reading a returned inspector workbook: the signed hidden sheet first, then every row.
//! Workbook-level faults refuse the whole file; row faults are listed and the good rows kept.

use super::meta::{prefills_from_rows, Meta, MetaError};
use crate::domain::monitor::{Prefill, PrefillCheck};

/// The refusal of a workbook whose hidden sheet does not match its signature.
/// Why a returned 检查表 is refused as a whole.
#[derive(Debug, thiserror::Error)]
pub enum SheetRefusal {
    /// It is a rectification workbook.
    #[error("这是整改反馈表(责任单位 {0}),不是检查表;请用 audit rectify collect 收回")]
    Rectification(String),
    /// Another campaign's workbook, or its hidden sheet was edited.
    #[error("这份检查表不是本项目 \"{ours}\" 生成的(隐藏信息中的项目为 \"{theirs}\",项目ID 不符),或其隐藏校验信息被改动,不能收回")]
    OtherCampaign {
        /// This campaign's name.
        ours: String,
        /// The name in the workbook.
        theirs: String,
    },
    /// The signature does not match.
    #[error("检查表的隐藏校验信息被改动,不能收回")]
    Tampered,
    /// Made from an earlier sample.
    #[error("这份检查表是按旧样本生成的(样本指纹不一致),已过期;请使用重新生成的检查表")]
    OldSample,
    /// Made with another catalog.
    #[error("这份检查表使用的指标目录与本项目不同(指标目录指纹不一致)")]
    OtherCatalog,
    /// A column is missing from 检查表.
    #[error("工作表 {SHEET_MAIN} 缺少列 \"{0}\"")]
    MissingColumn(String),
    /// An indicator's column is missing.
    #[error("工作表 {SHEET_MAIN} 缺少指标列 \"{0}\"")]
    MissingIndicator(String),
    /// An indicator has two columns (a copied column would leave one answer unread).
    #[error("工作表 {SHEET_MAIN} 中指标 {code} 有两列: 第 {} 列 \"{}\" 与第 {} 列 \"{}\";请删去多余的一列", first.0 + 1, first.1, second.0 + 1, second.1)]
    TwoColumns {
        /// The indicator's code.
        code: String,
        /// The first column (0-based) and its header.
        first: (usize, String),
        /// The second.
        second: (usize, String),
    },
}
use super::{identity_cells, ID_COLUMNS, SHEET_MAIN, SHEET_META, SHEET_PREFILL};
use crate::domain::answers::{self, Problem, RowAnswer, RowCells};
use crate::domain::cell::Cell;
use crate::domain::indicators::Catalog;
use crate::domain::registry::Account;
use crate::domain::signature::Secret;
use crate::formats::read::{read_rows_bounded, read_typed, Book, Caps, ReadError};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What a returned workbook must match.
pub struct Expected<'a> {
    /// The campaign's name.
    pub campaign: &'a str,
    /// The campaign's id.
    pub campaign_id: &'a str,
    /// The campaign's signing key.
    pub secret: &'a Secret,
    /// The current sample's fingerprint.
    pub sample_sha256: &'a str,
    /// The catalog's fingerprint.
    pub catalog_sha256: &'a str,
    /// The catalog.
    pub catalog: &'a Catalog,
    /// The sampled accounts by id.
    pub sample: &'a HashMap<&'a str, &'a Account>,
    /// The inspection dates accepted.
    pub dates: answers::DateRange,
}

/// A returned workbook that passed the workbook-level checks.
pub struct Returned {
    /// Its verified hidden sheet.
    pub meta: Meta,
    /// SHA-256 of the file: the version.
    pub sha256: String,
    /// The file's bytes, to keep in the inbox.
    pub bytes: Vec<u8>,
    /// Rows taken.
    pub answers: Vec<RowAnswer>,
    /// Rows refused, with the reason.
    pub problems: Vec<Problem>,
}

/// The columns of 检查表 by role.
struct Layout {
    identity: Vec<usize>,
    indicators: Vec<usize>,
    description: usize,
    checker: usize,
    date: usize,
}

/// Read one returned workbook. `Err` refuses the whole file with one problem.
pub fn read_returned(path: &Path, exp: &Expected<'_>) -> Result<Returned, Problem> {
    let whole = |message: String| Problem::whole(path, message);
    let bounds = Bounds {
        ids: exp.sample.len(),
        prefills: exp
            .sample
            .len()
            .saturating_mul(exp.catalog.indicators.len()),
    };
    let SignedFile { book, sha256, meta } = signed_file(path, "检查表", &bounds)?;
    check_meta(&meta, exp).map_err(|e| whole(e.to_string()))?;
    // Our rows, a header, and room for rows an inspector added by mistake (reported).
    let max_rows = meta.ids.len() + 1001;
    let sheet = read_typed(&book, SHEET_MAIN, &bounds.caps(), max_rows)
        .map_err(|e| whole(e.to_string()))?;
    let rows = sheet.rows;
    let Some((_, header)) = rows.first() else {
        return Err(whole(format!("工作表 {SHEET_MAIN} 为空")));
    };
    let layout = locate(header, exp.catalog).map_err(|e| whole(e.to_string()))?;
    let headers: Vec<String> = header
        .iter()
        .map(|c| crate::domain::text::clean(&c.text()))
        .collect();
    let source = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let ids = meta.ids.clone();
    let meta_prefills = meta.prefills.clone();
    let mut reader = RowReader {
        display: path.display().to_string(),
        version: RowAnswer {
            workbook: meta.workbook_id.clone(),
            inspector: meta.inspector.clone(),
            source,
            source_sha256: sha256.clone(),
            sample_sha256: meta.sample_sha256.clone(),
            row: 0,
            id: String::new(),
            values: Vec::new(),
            description: String::new(),
            checker: String::new(),
            date: String::new(),
            prefill: Vec::new(),
        },
        mine: ids.iter().map(String::as_str).collect(),
        prefills: by_account(&meta_prefills),
        uncached: sheet.uncached,
        headers,
        seen: HashMap::new(),
        answers: Vec::new(),
        problems: Vec::new(),
    };
    for (row, cells) in rows.iter().skip(1) {
        reader.row(*row, cells, &layout, exp);
    }
    reader.deleted_rows(&ids);
    let (answers, problems) = (reader.answers, reader.problems);
    Ok(Returned {
        meta,
        sha256,
        bytes: book.bytes,
        answers,
        problems,
    })
}

/// A returned workbook's bytes, their SHA-256 (the version) and its hidden sheet, not yet
/// checked against the campaign.
pub struct SignedFile {
    /// The file, read once: every sheet is parsed from these bytes, and they are what the
    /// inbox keeps.
    pub book: Book,
    /// Their SHA-256.
    pub sha256: String,
    /// The hidden sheet as read (its signature is checked by the caller).
    pub meta: Meta,
}

/// How large the hidden sheets of a campaign's workbooks can be: a workbook lists at most the
/// campaign's accounts, and pre-fills at most one per account and indicator.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    /// The most account ids a workbook can list.
    pub ids: usize,
    /// The most pre-filled answers it can carry.
    pub prefills: usize,
}

impl Bounds {
    /// Rows of the hidden _audit sheet: its keys (at most 9), the list header and the ids.
    fn meta_rows(&self) -> usize {
        self.ids.saturating_add(10)
    }

    /// What a returned workbook may cost before it is parsed.
    pub fn caps(&self) -> Caps {
        let rows = self.meta_rows().max(self.prefills) as u64;
        Caps::returned(rows.saturating_add(1001))
    }
}

/// Open a returned workbook (`what`: 检查表 or 整改反馈表): a CSV is refused, the file read once
/// (at most [`crate::formats::read::MAX_RETURNED_BYTES`]) and hashed, its hidden sheet read from
/// those bytes within `bounds`.
pub fn signed_file(path: &Path, what: &str, bounds: &Bounds) -> Result<SignedFile, Problem> {
    let whole = |message: String| Problem::whole(path, message);
    if matches!(
        crate::formats::read::extension(path).as_str(),
        "csv" | "txt"
    ) {
        return Err(whole(format!(
            "不是 audit 生成的{what}(应为 .xlsx、.ods 或 .xls 工作簿)"
        )));
    }
    let book = Book::read(path, bounds.caps().bytes).map_err(|e| whole(e.to_string()))?;
    let sha256 = crate::domain::digest::sha256_hex(&book.bytes);
    let meta = read_meta(&book, what, bounds).map_err(|e| whole(e.to_string()))?;
    Ok(SignedFile { book, sha256, meta })
}

/// Why a returned file's hidden sheet cannot be used; `what` names the kind of workbook
/// expected (检查表, 整改反馈表).
#[derive(Debug, thiserror::Error)]
pub enum MetaReadError {
    /// No hidden sheet: not a workbook of ours.
    #[error("不是 audit 生成的{what}(缺少隐藏工作表 {SHEET_META})")]
    NoSheet {
        /// The kind expected.
        what: String,
    },
    /// A hidden sheet without a signature: not ours, or from an old version.
    #[error("不是 audit 生成的{what}(隐藏工作表 {SHEET_META} 没有签名,或由旧版本生成)")]
    Unsigned {
        /// The kind expected.
        what: String,
    },
    /// Ours, but something in the hidden sheets was added, removed or changed.
    #[error("{what}的隐藏校验信息被改动,不能收回")]
    Tampered {
        /// The kind expected.
        what: String,
    },
    /// A hidden sheet longer than any workbook of this campaign can have: rows were added.
    #[error("{what}的隐藏工作表 {sheet} 超过 {max} 行(本项目的{what}不会这么大),隐藏校验信息被改动,不能收回")]
    Oversized {
        /// The kind expected.
        what: String,
        /// The hidden sheet.
        sheet: String,
        /// The most rows it can have.
        max: usize,
    },
    /// The file could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
}

/// The hidden sheet (and the pre-fill sheet, when there is one), or why the file is not one of
/// ours; `what` names the kind of workbook expected (检查表, 整改反馈表) in the messages. Each
/// hidden sheet is read only up to the rows it can hold (`bounds`); a longer one is refused
/// before the rest is kept.
pub fn read_meta(book: &Book, what: &str, bounds: &Bounds) -> Result<Meta, MetaReadError> {
    let what = what.to_string();
    let tampered = || MetaReadError::Tampered { what: what.clone() };
    let caps = bounds.caps();
    let read = |sheet: &str, max: usize| match read_rows_bounded(book, sheet, &caps, max) {
        Err(ReadError::TooManyRows { max, .. }) => Err(MetaReadError::Oversized {
            what: what.clone(),
            sheet: sheet.to_string(),
            max,
        }),
        other => other.map_err(MetaReadError::from),
    };
    let rows = read(SHEET_META, bounds.meta_rows()).map_err(|e| match e {
        MetaReadError::Read(ReadError::MissingSheet { .. }) => {
            MetaReadError::NoSheet { what: what.clone() }
        }
        other => other,
    })?;
    let mut meta = Meta::from_rows(&rows).map_err(|e| match e {
        MetaError::NotOurs => MetaReadError::Unsigned { what: what.clone() },
        MetaError::Tampered => tampered(),
    })?;
    // A workbook without pre-fills has no such sheet; one whose sheet was removed no longer
    // matches its signature, which covers the pre-fills.
    meta.prefills = match read(SHEET_PREFILL, bounds.prefills.saturating_add(1)) {
        Ok(rows) => prefills_from_rows(&rows).map_err(|_| tampered())?,
        Err(MetaReadError::Read(ReadError::MissingSheet { .. })) => Vec::new(),
        Err(other) => return Err(other),
    };
    Ok(meta)
}

/// Pre-fills by account.
fn by_account(prefills: &[Prefill]) -> HashMap<String, Vec<Prefill>> {
    let mut by: HashMap<String, Vec<Prefill>> = HashMap::new();
    for p in prefills {
        by.entry(p.id.clone()).or_default().push(p.clone());
    }
    by
}

fn check_meta(meta: &Meta, exp: &Expected<'_>) -> Result<(), SheetRefusal> {
    if meta.kind != super::meta::MetaKind::Inspection {
        return Err(SheetRefusal::Rectification(meta.inspector.clone()));
    }
    if meta.campaign_id != exp.campaign_id {
        // Either another campaign's workbook or an edited one: its signature cannot tell which.
        return Err(SheetRefusal::OtherCampaign {
            ours: exp.campaign.to_string(),
            theirs: meta.campaign.clone(),
        });
    }
    if !meta.verify(exp.secret) {
        return Err(SheetRefusal::Tampered);
    }
    if meta.sample_sha256 != exp.sample_sha256 {
        return Err(SheetRefusal::OldSample);
    }
    if meta.catalog_sha256 != exp.catalog_sha256 {
        return Err(SheetRefusal::OtherCatalog);
    }
    Ok(())
}

fn locate(header: &[Cell], cat: &Catalog) -> Result<Layout, SheetRefusal> {
    let header: Vec<String> = header
        .iter()
        .map(|d| crate::domain::text::clean(&d.text()))
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| SheetRefusal::MissingColumn(name.to_string()))
    };
    let identity = ID_COLUMNS
        .iter()
        .map(|n| col(n))
        .collect::<Result<_, _>>()?;
    let mut indicators = Vec::new();
    for ind in &cat.indicators {
        let prefix = format!("{} ", ind.code);
        let found: Vec<usize> = (0..header.len())
            .filter(|&c| header[c].starts_with(&prefix) || header[c] == ind.code)
            .collect();
        match found.as_slice() {
            [] => {
                return Err(SheetRefusal::MissingIndicator(format!(
                    "{} {}",
                    ind.code, ind.name
                )))
            }
            [c] => indicators.push(*c),
            [a, b, ..] => {
                // A copied column would leave one of the two answers unread.
                return Err(SheetRefusal::TwoColumns {
                    code: ind.code.clone(),
                    first: (*a, header[*a].clone()),
                    second: (*b, header[*b].clone()),
                });
            }
        }
    }
    Ok(Layout {
        identity,
        indicators,
        description: col(super::COL_DESCRIPTION)?,
        checker: col(super::COL_CHECKER)?,
        date: col(super::COL_DATE)?,
    })
}

/// Row-by-row state of one workbook.
struct RowReader<'a> {
    display: String,
    /// The fields every answer of this workbook version shares.
    version: RowAnswer,
    mine: HashSet<&'a str>,
    /// What the monitoring data pre-filled, by account.
    prefills: HashMap<String, Vec<Prefill>>,
    /// Formula cells without a computed value.
    uncached: HashSet<(u32, usize)>,
    /// The header row, cleaned, to name a cell.
    headers: Vec<String>,
    seen: HashMap<String, u32>,
    answers: Vec<RowAnswer>,
    problems: Vec<Problem>,
}

impl RowReader<'_> {
    fn problem(&mut self, row: Option<u32>, id: Option<&str>, column: Option<&str>, msg: String) {
        self.problems.push(Problem {
            source: self.display.clone(),
            row,
            id: id.map(str::to_string),
            column: column.map(str::to_string),
            message: msg,
        });
    }

    /// One row of 检查表: its account checked against the workbook, then its answers read.
    fn row(&mut self, row: u32, cells: &[Cell], layout: &Layout, exp: &Expected<'_>) {
        let cell = |c: usize| cells.get(c).cloned().unwrap_or(Cell::Empty);
        let Some(id) = self.account_of(row, cells, layout, exp) else {
            return;
        };
        if let Some((c, n)) = super::over_long_cell(cells) {
            let at = super::cell_place(SHEET_MAIN, row, c, &self.headers);
            self.problem(Some(row), Some(&id), Some(&at), super::over_long_message(n));
            return;
        }
        let ind: Vec<Cell> = layout.indicators.iter().map(|c| cell(*c)).collect();
        let (mut d, ch, dt) = (
            cell(layout.description),
            cell(layout.checker),
            cell(layout.date),
        );
        let pre = self.prefills.get(&id).cloned().unwrap_or_default();
        if !pre.is_empty() {
            let pre = Prefilled {
                cat: exp.catalog,
                prefills: &pre,
                indicators: &ind,
            };
            if pre.untouched(&d, &dt) {
                return;
            }
            if let Some(evidence) = pre.kept_evidence().filter(|_| is_blank(&d)) {
                d = Cell::Text(evidence);
            }
        }
        let rc = RowCells {
            row,
            id: id.clone(),
            indicators: ind.iter().collect(),
            description: &d,
            checker: &ch,
            date: &dt,
        };
        match answers::read_row(exp.catalog, &self.display, &rc, &exp.dates) {
            Ok(None) => {}
            Ok(Some(c)) => self.answers.push(RowAnswer {
                prefill: checks(exp.catalog, &pre, &c.values),
                row,
                id,
                values: c.values,
                description: c.description,
                checker: c.checker,
                date: c.date,
                ..self.version.clone()
            }),
            Err(ps) => self.problems.extend(ps),
        }
    }

    /// The row's account id when the row may be read: a known account of this workbook, its
    /// identity cells as written, no uncomputed formula among its answers. Otherwise the
    /// problem is recorded (a blank row is none) and `None` returned.
    fn account_of(
        &mut self,
        row: u32,
        cells: &[Cell],
        layout: &Layout,
        exp: &Expected<'_>,
    ) -> Option<String> {
        let text = |c: usize| {
            crate::domain::text::clean(&cells.get(c).map(Cell::text).unwrap_or_default())
        };
        let id = crate::domain::text::clean_id(&text(layout.identity[0]));
        let refuse = |this: &mut Self, column: Option<&str>, msg: String| {
            this.problem(Some(row), Some(&id), column, msg);
            None
        };
        if id.is_empty() {
            let blank = cells.iter().all(|c| c.text().trim().is_empty());
            if !blank {
                self.problem(Some(row), None, Some("账号ID"), "账号ID为空".into());
            }
            return None;
        }
        if let Some(prev) = self.seen.insert(id.clone(), row) {
            return refuse(self, None, format!("与第 {prev} 行重复"));
        }
        let Some(account) = exp.sample.get(id.as_str()) else {
            return refuse(self, Some("账号ID"), "未知账号ID:不在本项目的样本中".into());
        };
        if !self.mine.contains(id.as_str()) {
            let msg = format!("该账号不属于这份检查表(检查人 {})", self.version.inspector);
            return refuse(self, Some("账号ID"), msg);
        }
        let expected = identity_cells(account);
        let altered: Vec<String> = ID_COLUMNS
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(j, _)| text(layout.identity[*j]) != crate::domain::text::clean(&expected[*j]))
            .map(|(j, name)| {
                let got = text(layout.identity[j]);
                format!("{name}(应为 \"{}\",现为 \"{got}\")", expected[j])
            })
            .collect();
        if !altered.is_empty() {
            return refuse(self, None, format!("账号信息被改动: {}", altered.join(";")));
        }
        let mut answer_cols = layout.indicators.iter().chain([&layout.date]);
        if let Some(c) = answer_cols.find(|c| self.uncached.contains(&(row, **c))) {
            let msg = format!(
                "第 {} 列是公式,但没有计算结果;公式未计算,请在 Excel 中打开并保存后再交回",
                c + 1
            );
            return refuse(self, None, msg);
        }
        Some(id)
    }

    fn deleted_rows(&mut self, ids: &[String]) {
        for id in ids {
            if !self.seen.contains_key(id) {
                self.problem(None, Some(id), None, "该账号的行被删除了".into());
            }
        }
    }
}

fn is_blank(d: &Cell) -> bool {
    crate::domain::text::clean(&d.text()).is_empty()
}

/// One row's pre-filled answers beside what the row now holds.
struct Prefilled<'a> {
    cat: &'a Catalog,
    prefills: &'a [Prefill],
    indicators: &'a [Cell],
}

impl Prefilled<'_> {
    /// The value now in the pre-filled item's cell (`None` when blank or unreadable).
    fn current(&self, p: &Prefill) -> Option<u32> {
        let j = self.cat.indicators.iter().position(|i| i.code == p.code)?;
        answers::parse_yes_no(self.indicators.get(j)?)
            .ok()
            .flatten()
    }

    /// Nothing but the pre-fill is in the row: the inspector has not checked it yet.
    fn untouched(&self, description: &Cell, date: &Cell) -> bool {
        let prefilled = |code: &str| self.prefills.iter().any(|p| p.code == code);
        let others_blank = self
            .cat
            .indicators
            .iter()
            .zip(self.indicators)
            .all(|(i, v)| prefilled(&i.code) || is_blank(v));
        others_blank
            && is_blank(description)
            && is_blank(date)
            && self
                .prefills
                .iter()
                .all(|p| matches!(self.current(p), Some(v) if v == p.value))
    }

    /// Whether the inspector marked a problem of their own: a veto item or a deduction that is
    /// not a pre-filled 是 kept as it was (an unreadable cell counts, read_row reports it).
    fn own_problem(&self) -> bool {
        self.cat
            .indicators
            .iter()
            .zip(self.indicators)
            .any(|(ind, cell)| {
                let value = match ind.kind {
                    crate::domain::indicators::Kind::Veto => answers::parse_yes_no(cell),
                    crate::domain::indicators::Kind::Deduct => {
                        answers::parse_count(cell, ind.max.unwrap_or(0))
                    }
                };
                let kept_yes = self
                    .prefills
                    .iter()
                    .any(|p| p.code == ind.code && p.value > 0 && self.current(p) == Some(1));
                match value {
                    Ok(Some(v)) => v > 0 && !kept_yes,
                    Ok(None) => false,
                    Err(_) => true,
                }
            })
    }

    /// The evidence of the pre-filled 是 answers the inspector kept: it stands as the problem
    /// description when the inspector wrote none and marked no problem of their own (a problem
    /// the monitoring data did not give needs the inspector's evidence).
    fn kept_evidence(&self) -> Option<String> {
        if self.own_problem() {
            return None;
        }
        let kept: Vec<String> = self
            .prefills
            .iter()
            .filter(|p| p.value > 0 && self.current(p) == Some(p.value))
            .map(|p| format!("{}:{}", p.code, p.evidence))
            .collect();
        (!kept.is_empty()).then(|| format!("监测数据预填 {}", kept.join(";")))
    }
}

/// What became of each pre-filled answer in the accepted row.
fn checks(cat: &Catalog, prefills: &[Prefill], values: &[u32]) -> Vec<PrefillCheck> {
    prefills
        .iter()
        .filter_map(|p| {
            let j = cat.indicators.iter().position(|i| i.code == p.code)?;
            Some(PrefillCheck {
                code: p.code.clone(),
                prefilled: p.value,
                answered: *values.get(j)?,
            })
        })
        .collect()
}
