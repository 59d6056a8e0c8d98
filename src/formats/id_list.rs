//! Reading a list of account ids (`sample --exclude FILE`, `--recheck FILE`): a CSV or workbook
//! with an id column (账号ID / 编号 / id …) among its first rows.

use super::read::{for_each_row, ReadError};
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

/// Ids not in the registry kept (as the list gives them, to be named); past that they are only
/// counted, so a list of ten million ids costs no more than the registry.
pub const MAX_UNKNOWN_IDS: usize = 1_000;

/// An id list as read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IdList {
    /// The ids, cleaned, blanks skipped: every one `known` accepts, and the first
    /// [`MAX_UNKNOWN_IDS`] of the others.
    pub ids: Vec<String>,
    /// Ids `known` refused that were only counted.
    pub unknown_omitted: usize,
}

/// The ids under the first header that names an id column (by the profile's `[columns]` or the
/// built-in headers), streamed: the ids `known` accepts (the registry's) are kept, of the
/// others the first [`MAX_UNKNOWN_IDS`].
pub fn read(
    path: &Path,
    columns: &ColumnAliases,
    known: &dyn Fn(&str) -> bool,
) -> Result<IdList, IdListError> {
    let mut col: Option<usize> = None;
    let mut scanned = 0;
    let mut out = IdList::default();
    let mut unknown = 0;
    for_each_row(path, None, None, |r| {
        let Some(c) = col else {
            scanned += 1;
            col = r
                .cells
                .iter()
                .position(|c| columns.resolve(c) == Some(Field::Id));
            return Ok(col.is_some() || scanned < HEADER_SCAN_ROWS);
        };
        let id = crate::domain::text::clean_id(r.cells.get(c).map_or("", String::as_str));
        if id.is_empty() {
            return Ok(true);
        }
        if known(&id) {
            out.ids.push(id);
        } else if unknown < MAX_UNKNOWN_IDS {
            unknown += 1;
            out.ids.push(id);
        } else {
            out.unknown_omitted += 1;
        }
        Ok(true)
    })?;
    if col.is_none() {
        return Err(IdListError::NoIdColumn(path.display().to_string()));
    }
    Ok(out)
}
