//! Reading a list of account ids (`sample --exclude FILE`, `--recheck FILE`): a CSV or workbook
//! with an id column (账号ID / 编号 / id …) among its first rows.

use super::read::{read_all, ReadError};
use crate::domain::registry::Field;
use crate::domain::vocab::ColumnAliases;
use std::path::Path;

/// Rows scanned for the id column's header.
const HEADER_SCAN_ROWS: usize = 20;

/// Why an id list could not be read.
#[derive(Debug, thiserror::Error)]
pub enum IdListError {
    /// The spreadsheet or CSV reader refused the file.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// No id column among the first rows.
    #[error("{0}: 找不到账号ID列(表头应为 账号ID、编号、备案编号 或 id)")]
    NoIdColumn(String),
}

/// The ids under the first header that names an id column (by the profile's `[columns]` or the
/// built-in headers), cleaned, blanks skipped.
pub fn read(path: &Path, columns: &ColumnAliases) -> Result<Vec<String>, IdListError> {
    let (rows, _) = read_all(path, None)?;
    for (n, cells) in rows.iter().take(HEADER_SCAN_ROWS) {
        let Some(col) = cells
            .iter()
            .position(|c| columns.resolve(c) == Some(Field::Id))
        else {
            continue;
        };
        return Ok(rows
            .iter()
            .filter(|(m, _)| m > n)
            .filter_map(|(_, r)| r.get(col))
            .map(|s| crate::domain::text::clean_id(s))
            .filter(|s| !s.is_empty())
            .collect());
    }
    Err(IdListError::NoIdColumn(path.display().to_string()))
}
