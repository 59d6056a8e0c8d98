//! Reading an assignment file (`sheet --assign`): which inspector (检查人) checks which account,
//! by 账号ID or by 地区.

use super::read::{read_all, ReadError};
use crate::domain::profile::Profile;
use crate::domain::registry::{canonical_value, Field, GroupColumn};
use std::collections::HashMap;
use std::path::Path;

/// Inspectors by account id and by region (as the registry stores regions under the profile).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssignMap {
    /// 账号ID → 检查人.
    pub by_id: HashMap<String, String>,
    /// 地区 → 检查人, for accounts not listed by id.
    pub by_region: HashMap<String, String>,
}

/// Why an assignment file could not be used; each message names the file and row.
#[derive(Debug, thiserror::Error)]
pub enum AssignFileError {
    /// The spreadsheet or CSV reader refused the file.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// No rows.
    #[error("{file}: 分配文件为空")]
    Empty {
        /// The file.
        file: String,
    },
    /// The header lacks a column.
    #[error("{file}: 第 {row} 行表头缺少 {missing} 列;找到: {found}")]
    Header {
        /// The file.
        file: String,
        /// The header's row.
        row: u32,
        /// What is missing.
        missing: &'static str,
        /// The header's cells.
        found: String,
    },
    /// A row without an inspector, or without an id and a region.
    #[error("{file}: 第 {row} 行{what}")]
    Row {
        /// The file.
        file: String,
        /// The row.
        row: u32,
        /// What it lacks.
        what: &'static str,
    },
}

/// Read an assignment file: a header with 检查人 and 账号ID or 地区 (by the profile's `[columns]`
/// or the built-in headers), then one row per account or region, each region read through the
/// campaign's province ("凉山彝族自治州" is 凉山州).
pub fn read(path: &Path, profile: &Profile) -> Result<AssignMap, AssignFileError> {
    let file = path.display().to_string();
    let (rows, _) = read_all(path, None)?;
    let Some((hrow, header)) = rows.first() else {
        return Err(AssignFileError::Empty { file });
    };
    let find = |f: Field| {
        header
            .iter()
            .position(|h| profile.spellings.field(h) == Some(f))
    };
    let is_inspector = |h: &String| {
        matches!(
            crate::domain::text::match_key(h).as_str(),
            "检查人" | "检查员" | "inspector"
        )
    };
    let header_error = |missing| AssignFileError::Header {
        file: file.clone(),
        row: *hrow,
        missing,
        found: header.join(", "),
    };
    let who = header
        .iter()
        .position(is_inspector)
        .ok_or_else(|| header_error("检查人"))?;
    let (id_col, region_col) = (find(Field::Id), find(Field::Region));
    if id_col.is_none() && region_col.is_none() {
        return Err(header_error("账号ID 或 地区"));
    }
    let mut map = AssignMap::default();
    for (row, cells) in rows.iter().skip(1) {
        let get = |c: Option<usize>| {
            c.and_then(|c| cells.get(c))
                .map(|s| crate::domain::text::clean(s))
                .unwrap_or_default()
        };
        let row_error = |what| AssignFileError::Row {
            file: file.clone(),
            row: *row,
            what,
        };
        let name = get(Some(who));
        if name.is_empty() {
            return Err(row_error("缺少检查人"));
        }
        let id = crate::domain::text::clean_id(&get(id_col));
        let region = get(region_col);
        if !id.is_empty() {
            map.by_id.insert(id, name);
        } else if !region.is_empty() {
            let key = canonical_value(profile, &GroupColumn::Field(Field::Region), &region);
            map.by_region.insert(key, name);
        } else {
            return Err(row_error("既没有账号ID也没有地区"));
        }
    }
    Ok(map)
}
