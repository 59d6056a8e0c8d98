//! Reading a monitoring export (监测数据) for `audit sheet --monitor`: the header found among
//! title rows by alias, each row turned into an [`Observation`]. Any format and encoding the
//! registry reader takes; rows are streamed and only what the pre-fill needs is kept.

use super::read::{for_each_row, ReadError, RowRead};
use crate::domain::monitor::cells::{self, Column};
use crate::domain::monitor::headers::{self, ColumnAliases, Meaning, Unused};
use crate::domain::monitor::Observation;
use crate::domain::registry::Field;
use std::path::Path;

/// Rows scanned for the header before giving up.
const HEADER_SCAN_ROWS: u32 = 30;

/// Why a monitoring export could not be read; each message names the file, and the row and
/// column where one cell is at fault.
#[derive(Debug, thiserror::Error)]
pub enum MonitorFileError {
    /// The spreadsheet or CSV reader refused the file.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// More rows than any export of a province's (or the country's) accounts has: the rows are
    /// held while they are matched, so the export is refused rather than read on.
    #[error("{file}: 监测数据超过 {MAX_MONITOR_ROWS} 行,远多于全国的政务新媒体账号数,不像一份监测导出;请只导出本省(或本期样本)的账号")]
    TooManyRows {
        /// The file.
        file: String,
    },
    /// No header row among the first rows.
    #[error("{file}: 前 {HEADER_SCAN_ROWS} 行中找不到监测数据的表头:需要 账号ID 列(或 名称 与 类型 两列),以及至少一列监测数据({columns}){near}")]
    NoHeader {
        /// The file.
        file: String,
        /// The monitoring columns accepted.
        columns: String,
        /// The row most like a header and its columns not understood, when there is one.
        near: String,
    },
    /// Two columns of the header mean the same thing: which one holds the data is a guess.
    #[error("{file} 第 {row} 行表头: 第 {first} 列 \"{first_header}\" 与第 {second} 列 \"{second_header}\" 都是{meaning},无法确定用哪一列;请删去多余的一列")]
    DuplicateColumn {
        /// The file.
        file: String,
        /// The header's row.
        row: u32,
        /// The first column (1-based).
        first: usize,
        /// Its header.
        first_header: String,
        /// The second column (1-based).
        second: usize,
        /// Its header.
        second_header: String,
        /// What both mean.
        meaning: String,
    },
    /// A date after today: a monitoring time or a last post cannot lie in the future.
    #[error("{file} 第 {row} 行 [{column}]: {date} 晚于今天({today}),监测数据不会有将来的日期")]
    Future {
        /// The file.
        file: String,
        /// The row.
        row: u32,
        /// The column's header as written.
        column: String,
        /// The date.
        date: chrono::NaiveDate,
        /// Today.
        today: chrono::NaiveDate,
    },
    /// More messages unanswered than received: the columns are mixed up.
    #[error(
        "{file} 第 {row} 行: 超期未回复数 {unanswered} 大于留言数 {messages},两列可能对调或错位"
    )]
    MoreUnansweredThanMessages {
        /// The file.
        file: String,
        /// The row.
        row: u32,
        /// 超期未回复数.
        unanswered: u32,
        /// 留言数.
        messages: u32,
    },
    /// Rows with a cell at fault, every one of the export's counted and the first ones named,
    /// so that one correction of the export fixes them all.
    #[error("{file}: {count} 行监测数据有误,未预填任何内容;请更正导出文件后重新运行:\n  {}{}", shown.join("\n  "), if *count > shown.len() { format!("\n  ……(其余 {} 行从略)", count - shown.len()) } else { String::new() })]
    BadRows {
        /// The file.
        file: String,
        /// Rows at fault.
        count: usize,
        /// The first of them, each as its row error says it.
        shown: Vec<String>,
    },
    /// A cell holds none of the values its column accepts.
    #[error("{file} 第 {row} 行 [{column}]: \"{value}\" 无法识别,应为 {expected}")]
    BadCell {
        /// The file.
        file: String,
        /// The row.
        row: u32,
        /// The column's header as written.
        column: String,
        /// The cell.
        value: String,
        /// What the column takes.
        expected: &'static str,
    },
}

/// The columns of the export by role.
struct Layout {
    id: Option<usize>,
    name: Option<usize>,
    account_type: Option<usize>,
    owner: Option<usize>,
    region: Option<usize>,
    monitoring: Vec<(Column, usize)>,
    headers: Vec<String>,
}

/// A row's cells read as headers: each recognised column with its meaning, in column order.
/// Two columns meaning the same thing are an error: the reader would have to guess which one
/// holds the data.
fn meanings(
    row: u32,
    cells: &[String],
    file: &str,
    aliases: &ColumnAliases,
) -> Result<Vec<(Meaning, usize)>, MonitorFileError> {
    let mut seen: Vec<(Meaning, usize)> = Vec::new();
    for (i, h) in cells.iter().enumerate() {
        let Some(m) = aliases.meaning(h) else {
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == m) {
            return Err(MonitorFileError::DuplicateColumn {
                file: file.to_string(),
                row,
                first: first + 1,
                first_header: cells[*first].clone(),
                second: i + 1,
                second_header: h.clone(),
                meaning: m.label().to_string(),
            });
        }
        seen.push((m, i));
    }
    Ok(seen)
}

impl Layout {
    /// The layout a row describes, when it is a header: an id (or a name and a type) and a
    /// monitoring column.
    fn from_row(seen: &[(Meaning, usize)], cells: &[String]) -> Option<Layout> {
        let find = |f: Field| {
            seen.iter()
                .find(|(m, _)| *m == Meaning::Key(f))
                .map(|(_, i)| *i)
        };
        let monitoring: Vec<(Column, usize)> = seen
            .iter()
            .filter_map(|(m, i)| match m {
                Meaning::Evidence(c) => Some((*c, *i)),
                Meaning::Key(_) => None,
            })
            .collect();
        let (id, name) = (find(Field::Id), find(Field::Name));
        let account_type = find(Field::Type).or(find(Field::Platform));
        if !names_account(seen) || monitoring.is_empty() {
            return None;
        }
        Some(Layout {
            id,
            name,
            account_type,
            owner: find(Field::Owner),
            region: find(Field::Region),
            monitoring,
            headers: cells.to_vec(),
        })
    }

    /// One data row as an observation, or the first cell that cannot be read.
    fn observation(
        &self,
        row: u32,
        cells: &[String],
        file: &str,
        today: chrono::NaiveDate,
    ) -> Result<Observation, MonitorFileError> {
        let text = |c: Option<usize>| {
            c.and_then(|c| cells.get(c))
                .map(|s| crate::domain::text::clean(s))
                .unwrap_or_default()
        };
        let mut obs = Observation {
            row,
            id: crate::domain::text::clean_id(&text(self.id)),
            name: text(self.name),
            account_type: text(self.account_type),
            owner: text(self.owner),
            region: text(self.region),
            ..Observation::default()
        };
        for &(column, c) in &self.monitoring {
            let value = text(Some(c));
            let bad = || MonitorFileError::BadCell {
                file: file.to_string(),
                row,
                column: self.headers[c].clone(),
                value: value.clone(),
                expected: column.expected(),
            };
            let date = || -> Result<Option<chrono::NaiveDate>, MonitorFileError> {
                match cells::date(&value).map_err(|_| bad())? {
                    Some(d) if d > today => Err(MonitorFileError::Future {
                        file: file.to_string(),
                        row,
                        column: self.headers[c].clone(),
                        date: d,
                        today,
                    }),
                    d => Ok(d),
                }
            };
            match column {
                Column::LastPost => obs.last_post = date()?,
                Column::MonitoredAt => obs.monitored_at = date()?,
                Column::Messages => obs.messages = cells::count(&value).map_err(|_| bad())?,
                Column::Unanswered => obs.unanswered = cells::count(&value).map_err(|_| bad())?,
                Column::Interaction => {
                    obs.interaction = cells::interaction(&value).map_err(|_| bad())?
                }
            }
        }
        if let (Some(unanswered), Some(messages)) = (obs.unanswered, obs.messages) {
            if unanswered > messages {
                return Err(MonitorFileError::MoreUnansweredThanMessages {
                    file: file.to_string(),
                    row,
                    unanswered,
                    messages,
                });
            }
        }
        Ok(obs)
    }
}

/// Whether a row's recognised columns say which account a row is about: an id, or a name and
/// a type (matching by name needs the type too: many accounts share a name across platforms).
fn names_account(seen: &[(Meaning, usize)]) -> bool {
    let has = |f: Field| seen.iter().any(|(m, _)| *m == Meaning::Key(f));
    has(Field::Id) || (has(Field::Name) && (has(Field::Type) || has(Field::Platform)))
}

/// A monitoring export as read: its rows, and which monitoring columns it has.
pub struct MonitorFile {
    /// One observation per data row, in file order.
    pub rows: Vec<Observation>,
    /// The monitoring columns found, as the file heads them.
    pub columns: Vec<String>,
    /// The evidence those columns hold, in the same order.
    pub evidence: Vec<Column>,
    /// The header's columns the pre-fill does not read, with the closest known names.
    pub unused: Vec<Unused>,
    /// The header's row.
    pub header_row: u32,
}

/// The header row, or the row most like one (for the error when there is none).
#[derive(Default)]
struct HeaderSearch {
    found: Option<(u32, Layout)>,
    /// (recognised columns, row, its cells) of the best row that is no header.
    near: Option<(usize, u32, Vec<String>)>,
}

impl HeaderSearch {
    /// Look at one of the first rows.
    fn look(
        &mut self,
        row: u32,
        cells: &[String],
        file: &str,
        aliases: &ColumnAliases,
    ) -> Result<(), MonitorFileError> {
        let seen = meanings(row, cells, file, aliases)?;
        match Layout::from_row(&seen, cells) {
            Some(l) => self.found = Some((row, l)),
            None if seen.len() > self.near.as_ref().map_or(0, |(n, _, _)| *n) => {
                self.near = Some((seen.len(), row, cells.to_vec()));
            }
            None => {}
        }
        Ok(())
    }

    /// The error when no row was a header: what the most header-like row lacks.
    fn no_header(self, file: String, aliases: &ColumnAliases) -> MonitorFileError {
        let columns: Vec<&str> = Column::ALL.iter().map(|c| c.label()).collect();
        let near = match self.near {
            Some((_, row, cells)) => {
                let unused: Vec<String> = headers::unused(&cells, aliases)
                    .iter()
                    .map(Unused::describe)
                    .collect();
                format!("。第 {row} 行像是表头,未识别的列: {}", unused.join("、"))
            }
            None => String::new(),
        };
        MonitorFileError::NoHeader {
            file,
            columns: columns.join("、"),
            near,
        }
    }
}

/// The rows of an export with a cell at fault: all counted, the first [`BadRows::SHOWN`] kept.
#[derive(Default)]
struct BadRows {
    count: usize,
    shown: Vec<String>,
}

impl BadRows {
    const SHOWN: usize = 20;

    fn add(&mut self, e: MonitorFileError) {
        self.count += 1;
        if self.shown.len() < Self::SHOWN {
            self.shown.push(e.to_string());
        }
    }

    /// One error for the file naming its rows at fault, if any.
    fn refusal(self, file: &str) -> Option<MonitorFileError> {
        match self.count {
            0 => None,
            _ => Some(MonitorFileError::BadRows {
                file: file.to_string(),
                count: self.count,
                shown: self.shown,
            }),
        }
    }
}

/// Read a monitoring export: the first sheet of a workbook, or a CSV in any supported encoding.
/// The most data rows a monitoring export may have (about 200 bytes each are held while they
/// are matched to the sample): the country has a few hundred thousand accounts.
pub const MAX_MONITOR_ROWS: usize = 1_000_000;

/// Headers mean what the built-in aliases and the campaign profile's `[monitor.columns]`
/// (`aliases`) say. Dates after `today` are refused.
pub fn read(
    path: &Path,
    today: chrono::NaiveDate,
    aliases: &ColumnAliases,
) -> Result<MonitorFile, MonitorFileError> {
    let file = path.display().to_string();
    let mut search = HeaderSearch::default();
    let mut rows = Vec::new();
    let mut failed: Option<MonitorFileError> = None;
    let mut bad_rows = BadRows::default();
    for_each_row(path, None, None, |r: &RowRead<'_>| {
        let step = match &search.found {
            None if r.number > HEADER_SCAN_ROWS => return Ok(false),
            None => search.look(r.number, r.cells, &file, aliases),
            Some(_) if rows.len() >= MAX_MONITOR_ROWS => {
                Err(MonitorFileError::TooManyRows { file: file.clone() })
            }
            // A row at fault is counted and the reading goes on, so every such row is named.
            Some((_, l)) => match l.observation(r.number, r.cells, &file, today) {
                Ok(o) => {
                    rows.push(o);
                    Ok(())
                }
                Err(e) => {
                    bad_rows.add(e);
                    Ok(())
                }
            },
        };
        if let Err(e) = step {
            failed = Some(e);
            return Ok(false);
        }
        Ok(true)
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    if let Some(e) = bad_rows.refusal(&file) {
        return Err(e);
    }
    let Some((header_row, layout)) = search.found.take() else {
        return Err(search.no_header(file, aliases));
    };
    let columns = layout
        .monitoring
        .iter()
        .map(|(_, i)| layout.headers[*i].clone())
        .collect();
    // Blank key rows (a totals line, a note under the table) are not observations.
    rows.retain(|o: &Observation| !(o.id.is_empty() && o.name.is_empty() && is_empty(o)));
    Ok(MonitorFile {
        rows,
        columns,
        evidence: layout.monitoring.iter().map(|(c, _)| *c).collect(),
        unused: headers::unused(&layout.headers, aliases),
        header_row,
    })
}

/// The header of a monitoring export, for a profile draft (`audit profile init --monitor`):
/// the row [`read`] would take (one naming the account and an evidence column), else — an
/// export whose evidence columns have headers no list knows, which is what the draft is for —
/// the first row naming the account (an id, or a name and a type). Only the first rows are
/// read. Returns the row and its cells.
pub fn header(
    path: &Path,
    aliases: &ColumnAliases,
) -> Result<(u32, Vec<String>), MonitorFileError> {
    let file = path.display().to_string();
    let mut search = HeaderSearch::default();
    let mut keyed: Option<(u32, Vec<String>)> = None;
    let mut failed: Option<MonitorFileError> = None;
    for_each_row(path, None, None, |r: &RowRead<'_>| {
        if r.number > HEADER_SCAN_ROWS {
            return Ok(false);
        }
        let seen = match meanings(r.number, r.cells, &file, aliases) {
            Ok(seen) => seen,
            Err(e) => {
                failed = Some(e);
                return Ok(false);
            }
        };
        if keyed.is_none() && names_account(&seen) {
            keyed = Some((r.number, r.cells.to_vec()));
        }
        if let Err(e) = search.look(r.number, r.cells, &file, aliases) {
            failed = Some(e);
            return Ok(false);
        }
        Ok(search.found.is_none())
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    match (search.found.take(), keyed) {
        (Some((row, layout)), _) => Ok((row, layout.headers)),
        (None, Some(found)) => Ok(found),
        (None, None) => Err(search.no_header(file, aliases)),
    }
}

fn is_empty(o: &Observation) -> bool {
    o.last_post.is_none()
        && o.messages.is_none()
        && o.unanswered.is_none()
        && o.interaction.is_none()
        && o.monitored_at.is_none()
}
