//! The rectification files of a campaign (整改跟踪): the units' workbooks, the copies that came
//! back, the record (one [`RectifyRow`] per annex account) and the status outputs. File names
//! are defined here once; the record is read and written only through these functions.

use super::{Campaign, StoreError, Txn};
use crate::domain::rectify::RectifyRow;
use serde::{Deserialize, Serialize};

/// The folder of everything about rectification.
pub const RECTIFY_DIR: &str = "rectify";
/// The units' workbooks, as generated (blank).
pub const RECTIFY_SHEETS_DIR: &str = "rectify/sheets";
/// Every accepted returned rectification workbook, by checksum.
pub const RECTIFY_INBOX_DIR: &str = "rectify/inbox";
/// The record: one row per annex account, with the unit's reply once collected.
pub const RECTIFY_RECORD: &str = "rectify/整改记录.csv";
/// The per-unit status workbook written by `rectify status`.
pub const RECTIFY_STATUS_XLSX: &str = "rectify/整改情况.xlsx";
/// The per-unit status table as CSV.
pub const RECTIFY_STATUS_CSV: &str = "rectify/整改情况.csv";

/// The rectification round, in the manifest.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RectifyEntry {
    /// When the workbooks were made.
    pub created: String,
    /// The date by which units report (YYYY-MM-DD in the manifest).
    #[serde(with = "super::day")]
    pub deadline: chrono::NaiveDate,
    /// The sample the annex was taken from.
    pub sample_sha256: String,
    /// The record file.
    pub record_file: String,
    /// One entry per unit's workbook.
    pub workbooks: Vec<RectifyWorkbook>,
    /// The latest copy taken of each workbook.
    #[serde(default)]
    pub received: Vec<RectifyReceived>,
    /// SHA-256 of every copy ever taken: the same copy sent again is skipped.
    #[serde(default)]
    pub seen: Vec<String>,
    /// The status outputs last written, with their SHA-256: only these are ever replaced.
    #[serde(default)]
    pub outputs: Vec<OutputFile>,
    /// SHA-256 of the record as the tool last wrote it: a record edited since is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_sha256: Option<String>,
}

/// One unit's workbook.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RectifyWorkbook {
    /// The signed workbook id.
    pub id: String,
    /// The responsible unit.
    pub unit: String,
    /// Its file in the campaign.
    pub file: String,
    /// Accounts in it.
    pub accounts: u64,
    /// SHA-256 of the bytes written: a workbook that differs (filled in place) is not replaced.
    pub sha256: String,
}

/// The latest copy taken of one unit's workbook.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RectifyReceived {
    /// The workbook id.
    pub workbook: String,
    /// The responsible unit.
    pub unit: String,
    /// The file name it came back under.
    pub source: String,
    /// SHA-256 of the returned file.
    pub sha256: String,
    /// Where its copy is kept.
    pub inbox_file: String,
    /// When.
    pub collected_at: String,
    /// Replies taken from it.
    pub replies: u64,
    /// Problems found in it.
    pub problems: u64,
    /// When the copy was saved (nanoseconds since 1970): a copy saved no later is not applied
    /// over it. Absent in records from before this was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<i64>,
}

/// A file the tool wrote, with its SHA-256.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputFile {
    /// The file, relative to the campaign.
    pub file: String,
    /// SHA-256 of the bytes written.
    pub sha256: String,
}

/// The record's CSV bytes (UTF-8 with BOM, formula-like cells guarded), header from the
/// record type's field names.
pub fn record_bytes(rows: &[RectifyRow]) -> Result<Vec<u8>, StoreError> {
    let internal = |e: &dyn std::fmt::Display| StoreError::Internal(e.to_string());
    let mut w = csv::WriterBuilder::new()
        .has_headers(true)
        .from_writer(Vec::new());
    // The header comes from serialising a record: an empty list serialises a blank one,
    // which is not kept.
    let blank = [RectifyRow::default()];
    let serialised = if rows.is_empty() { &blank[..] } else { rows };
    for r in serialised {
        w.serialize(r).map_err(|e| internal(&e))?;
    }
    let plain = w.into_inner().map_err(|e| internal(&e))?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(plain.as_slice());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| internal(&e))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut table = Vec::with_capacity(rows.len());
    for rec in rdr.records().take(rows.len()) {
        table.push(
            rec.map_err(|e| internal(&e))?
                .iter()
                .map(str::to_string)
                .collect(),
        );
    }
    crate::domain::csv_text::csv_bytes(&header, &table).map_err(|e| internal(&e))
}

impl Campaign {
    /// The rectification round, or an error telling the user to start one.
    pub fn rectify_entry(&self) -> Result<&RectifyEntry, StoreError> {
        self.manifest.rectify.as_ref().ok_or_else(|| {
            StoreError::Missing(format!(
                "{}: 尚未生成整改反馈表;请先运行 {} rectify sheets --campaign {} --deadline YYYY-MM-DD",
                self.dir.display(),
                crate::domain::shell::program(),
                crate::domain::shell::arg(&self.dir)
            ))
        })
    }

    /// The rectification record, read by its named headers.
    pub fn rectify_rows(&self) -> Result<Vec<RectifyRow>, StoreError> {
        let entry = self.rectify_entry()?;
        let path = self.path(&entry.record_file);
        let writer = "audit rectify sheets / rectify collect";
        super::records::check_unchanged(&path, entry.record_sha256.as_ref(), writer)?;
        let (header, rows) = super::records::read_csv(&path)?;
        let header = csv::StringRecord::from(header);
        rows.into_iter()
            .enumerate()
            .map(|(i, r)| {
                csv::StringRecord::from(r)
                    .deserialize(Some(&header))
                    .map_err(|e| StoreError::Corrupt {
                        path: path.clone(),
                        detail: format!("第 {} 行: {e}", i + 2),
                    })
            })
            .collect()
    }

    /// The rectification record of this campaign when it has one (for `sample --recheck`).
    pub fn rectify_rows_if_any(&self) -> Result<Option<Vec<RectifyRow>>, StoreError> {
        match self.manifest.rectify {
            None => Ok(None),
            Some(_) => self.rectify_rows().map(Some),
        }
    }
}

/// Stage the record.
pub fn stage_record(txn: &mut Txn, rows: &[RectifyRow]) -> Result<String, StoreError> {
    let bytes = record_bytes(rows)?;
    txn.put(RECTIFY_RECORD, &bytes)?;
    Ok(crate::domain::digest::sha256_hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rectify::{Outcome, Reply};

    #[test]
    fn the_record_round_trips_with_chinese_headers_and_guarded_cells() {
        let mut row = RectifyRow {
            unit: "南京市".into(),
            id: "A1".into(),
            name: "=1+1".into(),
            ..RectifyRow::default()
        };
        row.apply(
            &Reply {
                measures: "已恢复更新,每周发布".into(),
                outcome: Outcome::Closed,
                completed: "2020-04-08".into(),
                evidence: "@截图".into(),
            },
            "f.xlsx",
            "abc",
            "2020-04-09T10:00:00+08:00",
        );
        let rows = vec![row, RectifyRow::default()];
        let bytes = record_bytes(&rows).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with(
            "\u{feff}责任单位,账号ID,名称,类型,开设主体,存在问题,整改措施,整改结果,完成日期,佐证材料,"
        ));
        assert!(text.contains("'=1+1") && text.contains("'@截图") && text.contains("已关停"));
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("r.csv");
        std::fs::write(&p, &bytes).unwrap();
        let (h, r) = super::super::records::read_csv(&p).unwrap();
        let h = csv::StringRecord::from(h);
        let back: Vec<RectifyRow> = r
            .into_iter()
            .map(|x| csv::StringRecord::from(x).deserialize(Some(&h)).unwrap())
            .collect();
        assert_eq!(back, rows);
        let empty = String::from_utf8(record_bytes(&[]).unwrap()).unwrap();
        assert_eq!(empty.lines().count(), 1, "{empty}");
    }
}
