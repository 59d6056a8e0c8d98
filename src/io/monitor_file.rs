//! Reading a monitoring export (监测数据) for `audit sheet --monitor`: the header found among
//! title rows by alias, each row turned into an [`Observation`]. Any format and encoding the
//! registry reader takes; rows are streamed and only what the pre-fill needs is kept.

use super::read::{for_each_row, ReadError, RowRead};
use crate::monitor::cells::{self, Column};
use crate::monitor::Observation;
use crate::registry::Field;
use std::collections::HashMap;
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
    /// No header row among the first rows.
    #[error("{file}: 前 {HEADER_SCAN_ROWS} 行中找不到监测数据的表头:需要 账号ID 或 名称 列,以及至少一列监测数据({columns})")]
    NoHeader {
        /// The file.
        file: String,
        /// The monitoring columns accepted.
        columns: String,
    },
    /// A cell holds none of the values its column accepts.
    #[error("{file} 第 {row} 行 [{column}]: \"{value}\" 无法识别,应为{expected}")]
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
    monitoring: Vec<(Column, usize)>,
    headers: Vec<String>,
}

impl Layout {
    /// The layout a row describes, when it is a header: a key column and a monitoring column.
    fn from_row(cells: &[String]) -> Option<Layout> {
        let find = |f: Field| cells.iter().position(|h| Field::from_header(h) == Some(f));
        let mut monitoring: Vec<(Column, usize)> = Vec::new();
        for (i, h) in cells.iter().enumerate() {
            match Column::from_header(h) {
                Some(c) if !monitoring.iter().any(|(k, _)| *k == c) => monitoring.push((c, i)),
                _ => {}
            }
        }
        let (id, name) = (find(Field::Id), find(Field::Name));
        if (id.is_none() && name.is_none()) || monitoring.is_empty() {
            return None;
        }
        Some(Layout {
            id,
            name,
            account_type: find(Field::Type),
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
    ) -> Result<Observation, MonitorFileError> {
        let text = |c: Option<usize>| {
            c.and_then(|c| cells.get(c))
                .map(|s| crate::text::clean(s))
                .unwrap_or_default()
        };
        let mut obs = Observation {
            row,
            id: crate::text::clean_id(&text(self.id)),
            name: text(self.name),
            account_type: text(self.account_type),
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
            match column {
                Column::LastPost => obs.last_post = cells::date(&value).map_err(|_| bad())?,
                Column::MonitoredAt => obs.monitored_at = cells::date(&value).map_err(|_| bad())?,
                Column::Messages => obs.messages = cells::count(&value).map_err(|_| bad())?,
                Column::Unanswered => obs.unanswered = cells::count(&value).map_err(|_| bad())?,
                Column::Interaction => {
                    obs.interaction = cells::interaction(&value).map_err(|_| bad())?
                }
            }
        }
        Ok(obs)
    }
}

/// A monitoring export as read: its rows, and which monitoring columns it has.
pub struct MonitorFile {
    /// One observation per data row, in file order.
    pub rows: Vec<Observation>,
    /// The monitoring columns found.
    pub columns: Vec<Column>,
    /// The header's row.
    pub header_row: u32,
}

/// Read a monitoring export: the first sheet of a workbook, or a CSV in any supported encoding.
pub fn read(path: &Path) -> Result<MonitorFile, MonitorFileError> {
    let file = path.display().to_string();
    let mut layout: Option<(u32, Layout)> = None;
    let mut rows = Vec::new();
    let mut failed: Option<MonitorFileError> = None;
    for_each_row(path, None, None, |r: &RowRead<'_>| {
        match &layout {
            None if r.number > HEADER_SCAN_ROWS => return Ok(false),
            None => layout = Layout::from_row(r.cells).map(|l| (r.number, l)),
            Some((_, l)) => match l.observation(r.number, r.cells, &file) {
                Ok(o) => rows.push(o),
                Err(e) => {
                    failed = Some(e);
                    return Ok(false);
                }
            },
        }
        Ok(true)
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    let Some((header_row, layout)) = layout else {
        let columns: Vec<&str> = Column::ALL.iter().map(|c| c.label()).collect();
        return Err(MonitorFileError::NoHeader {
            file,
            columns: columns.join("、"),
        });
    };
    let columns = layout.monitoring.iter().map(|(c, _)| *c).collect();
    // Blank key rows (a totals line, a note under the table) are not observations.
    rows.retain(|o: &Observation| !(o.id.is_empty() && o.name.is_empty() && is_empty(o)));
    Ok(MonitorFile {
        rows,
        columns,
        header_row,
    })
}

fn is_empty(o: &Observation) -> bool {
    o.last_post.is_none()
        && o.messages.is_none()
        && o.unanswered.is_none()
        && o.interaction.is_none()
        && o.monitored_at.is_none()
}

/// The monitoring columns found, in the README's order, for the summary line.
pub fn column_labels(columns: &[Column]) -> String {
    let labels: HashMap<Column, &str> = columns.iter().map(|c| (*c, c.label())).collect();
    Column::ALL
        .iter()
        .filter_map(|c| labels.get(c).copied())
        .collect::<Vec<_>>()
        .join("、")
}
