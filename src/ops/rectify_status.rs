//! The rectification status on a day (`audit rectify status`): per unit, what was to be
//! rectified and what was reported by then, written as rectify/整改情况.xlsx and .csv with a
//! drafted paragraph, both committed with the rectification record.

use crate::domain::rectify::status::{as_of_view, detail_table, past_deadline};
use crate::domain::rectify::{draft_paragraph, status_table, unit_status};
use crate::domain::report::table::Table;
use crate::formats::report_files::ReportFileError;
use crate::store::rectify_record::{self as record, OutputFile};
use crate::store::{Campaign, StoreError, Txn};
use chrono::NaiveDate;
use std::path::PathBuf;

/// Why no status was written.
#[derive(Debug, thiserror::Error)]
pub enum RectifyStatusError {
    /// The campaign could not be read or committed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The workbook or CSV could not be built.
    #[error(transparent)]
    Build(#[from] ReportFileError),
    /// A status for a day that has not come.
    #[error("--as-of {as_of} 晚于今天({today}),整改情况只能统计到今天")]
    Future {
        /// The day asked for.
        as_of: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
}

/// The status as written, for the command to print.
#[derive(Debug)]
pub struct StatusMade {
    /// The day counted to.
    pub as_of: NaiveDate,
    /// The reporting deadline.
    pub deadline: NaiveDate,
    /// `as_of` is after the deadline.
    pub past_deadline: bool,
    /// Per unit.
    pub table: Table,
    /// The drafted paragraph.
    pub paragraph: String,
    /// Banners every output carries (simulated data).
    pub banners: Vec<String>,
    /// Warnings: a stale record, replies stamped after today.
    pub warnings: Vec<String>,
    /// Replies saved after `as_of`, not counted.
    pub later: usize,
    /// Where the workbook was written.
    pub xlsx: PathBuf,
}

/// Count the record as it stood on `as_of` (today when not given) and commit the status files.
pub fn status(
    camp: &mut Campaign,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<StatusMade, RectifyStatusError> {
    let as_of = as_of.unwrap_or(today);
    if as_of > today {
        return Err(RectifyStatusError::Future { as_of, today });
    }
    let mut entry = camp.rectify_entry()?.clone();
    let deadline = entry.deadline;
    let record = camp.rectify_rows()?;
    let mut warnings: Vec<String> = crate::ops::rectify_issue::stale_record(camp, &record)?
        .into_iter()
        .collect();
    let view = as_of_view(record, as_of, today);
    warnings.extend(view.ahead);
    let statuses = unit_status(&view.rows, deadline, as_of);
    let table = status_table(&statuses);
    let paragraph = draft_paragraph(&statuses, deadline, as_of);
    let banners: Vec<String> = if camp.manifest.simulated {
        vec!["【演示:模拟数据】检查结果为模拟数据,不是真实检查结论。".into()]
    } else {
        Vec::new()
    };
    let xlsx = crate::formats::report_files::rectify_status_xlsx(
        &paragraph,
        &table,
        &detail_table(&view.rows, deadline, as_of),
        &banners,
        &camp.manifest.created,
    )?;
    let csv = crate::formats::report_files::csv(&table)?;
    let mut txn = camp.begin()?;
    let mut outputs = std::mem::take(&mut entry.outputs);
    stage_output(
        camp,
        &mut txn,
        &mut outputs,
        record::RECTIFY_STATUS_XLSX,
        &xlsx,
    )?;
    stage_output(
        camp,
        &mut txn,
        &mut outputs,
        record::RECTIFY_STATUS_CSV,
        &csv,
    )?;
    entry.outputs = outputs;
    camp.manifest.rectify = Some(entry);
    camp.commit(txn)?;
    Ok(StatusMade {
        as_of,
        deadline,
        past_deadline: past_deadline(deadline, as_of),
        table,
        paragraph,
        banners,
        warnings,
        later: view.later,
        xlsx: camp.path(record::RECTIFY_STATUS_XLSX),
    })
}

/// Stage an output, refusing to replace a file there that the tool did not write as it is.
fn stage_output(
    camp: &Campaign,
    txn: &mut Txn,
    outputs: &mut Vec<OutputFile>,
    file: &str,
    bytes: &[u8],
) -> Result<(), StoreError> {
    let known = outputs
        .iter()
        .find(|o| o.file == file)
        .map(|o| o.sha256.clone());
    camp.check_own(file, known.as_deref())?;
    txn.put(file, bytes)?;
    outputs.retain(|o| o.file != file);
    outputs.push(OutputFile {
        file: file.to_string(),
        sha256: crate::domain::digest::sha256_hex(bytes),
    });
    Ok(())
}
