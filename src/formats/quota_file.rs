//! Reading a quota file (`sample --quota FILE`): the strata columns and `n`, one row per
//! stratum, headers and values read through the campaign's profile as import reads them.

use super::read::{read_all, ReadError};
use crate::domain::profile::Profile;
use crate::domain::registry::{canonical_value, GroupColumn, Registry};
use std::collections::BTreeMap;
use std::path::Path;

/// Why a quota file could not be used; each message names the file and row.
#[derive(Debug, thiserror::Error)]
pub enum QuotaFileError {
    /// The spreadsheet or CSV reader refused the file.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// No rows.
    #[error("{0}: 配额文件为空")]
    Empty(String),
    /// A stratum column the registry lacks.
    #[error("分层列 \"{0}\" 不在台账中")]
    UnknownStratum(String),
    /// The header lacks a column.
    #[error("{file}: 第 {row} 行表头缺少{missing};找到: {found}")]
    Header {
        /// The file.
        file: String,
        /// The header's row.
        row: u32,
        /// What is missing.
        missing: String,
        /// The header's cells.
        found: String,
    },
    /// `n` is not a count.
    #[error("{file}: 第 {row} 行 n 列的值 \"{value}\" 不是非负整数")]
    BadCount {
        /// The file.
        file: String,
        /// The row.
        row: u32,
        /// The cell.
        value: String,
    },
    /// A stratum given twice.
    #[error("{file}: 第 {row} 行分层 \"{stratum}\" 重复")]
    Duplicate {
        /// The file.
        file: String,
        /// The row.
        row: u32,
        /// The stratum.
        stratum: String,
    },
}

/// Read a quota file for the strata columns `strata` of `reg`: sample size by stratum key, each
/// value as the registry stores it under `profile` ("头条号" → 今日头条 under a scheme listing it).
pub fn read(
    path: &Path,
    reg: &Registry,
    strata: &[String],
    profile: &Profile,
) -> Result<BTreeMap<Vec<String>, u64>, QuotaFileError> {
    let file = path.display().to_string();
    let (rows, _) = read_all(path, None)?;
    let Some((hrow, header)) = rows.first() else {
        return Err(QuotaFileError::Empty(file));
    };
    let header_error = |missing: String| QuotaFileError::Header {
        file: file.clone(),
        row: *hrow,
        missing,
        found: header.join(", "),
    };
    let mut cols: Vec<(GroupColumn, usize)> = Vec::new();
    for s in strata {
        let col = reg
            .column(s)
            .ok_or_else(|| QuotaFileError::UnknownStratum(s.clone()))?;
        let label = reg.column_label(&col);
        let pos = header.iter().position(|h| {
            let mapped = profile.spellings.columns.listed(h).map(GroupColumn::Field);
            mapped.or_else(|| reg.column(h)).as_ref() == Some(&col)
                || crate::domain::text::match_key(h) == crate::domain::text::match_key(&label)
        });
        cols.push((
            col,
            pos.ok_or_else(|| header_error(format!("分层列 \"{s}\"")))?,
        ));
    }
    let is_n = |h: &String| {
        let k = crate::domain::text::match_key(h);
        matches!(k.as_str(), "n" | "样本数" | "样本量" | "配额")
    };
    let ncol = header
        .iter()
        .position(is_n)
        .ok_or_else(|| header_error(" n 列(样本数)".into()))?;
    let mut out = BTreeMap::new();
    for (row, cells) in rows.iter().skip(1) {
        let cell = |i: usize| cells.get(i).map(String::as_str).unwrap_or("");
        let key: Vec<String> = cols
            .iter()
            .map(|(c, i)| canonical_value(profile, c, cell(*i)))
            .collect();
        let raw = crate::domain::text::clean(cell(ncol));
        let n: u64 = raw.parse().map_err(|_| QuotaFileError::BadCount {
            file: file.clone(),
            row: *row,
            value: raw.clone(),
        })?;
        if out.insert(key.clone(), n).is_some() {
            return Err(QuotaFileError::Duplicate {
                file: file.clone(),
                row: *row,
                stratum: key.join("/"),
            });
        }
    }
    Ok(out)
}
