//! Collecting the units' rectification replies into the record: each file read and verified
//! ([`crate::formats::workbook::rectify::read_returned`]), copies ordered by when they were saved (as in
//! [`crate::ops::collect`]), replies applied account by account, the record, inbox copies and the
//! manifest committed together.

use crate::domain::answers::{DateRange, Problem};
use crate::domain::rectify::RectifyRow;
use crate::formats::workbook::copies::{in_order, read_copies, NewCopy};
use crate::formats::workbook::rectify::{read_returned, RectifyExpected, RectifyReturned};
use crate::store::rectify_record::{self as record, RectifyEntry, RectifyReceived};
use crate::store::{self, Campaign, StoreError, Txn};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::PathBuf;

/// Why the replies were not taken.
#[derive(Debug, thiserror::Error)]
pub enum RectifyCollectError {
    /// The campaign could not be read or committed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The campaign has no key to verify the workbooks with.
    #[error("{}: 缺少项目密钥 secret.key,无法核验整改反馈表", .0.display())]
    NoSecret(PathBuf),
}

type Result<T, E = RectifyCollectError> = std::result::Result<T, E>;

/// A copy taken: the line for the user, the day it was saved and the day it was collected.
pub struct TakenCopy {
    /// "采用 FILE(责任单位 U):报送 N 个账号".
    pub line: String,
    /// The local date it was saved, when known.
    pub saved: Option<NaiveDate>,
    /// The local date it was collected (today).
    pub collected: NaiveDate,
}

/// What one `rectify collect` run did.
pub struct RepliesCollected {
    /// The copies taken, in the order applied.
    pub taken: Vec<TakenCopy>,
    /// Files that are a copy taken before (skipped).
    pub already: Vec<String>,
    /// Problems in the files (their good rows were taken).
    pub problems: Vec<Problem>,
    /// The record now.
    pub rows: Vec<RectifyRow>,
}

/// Read `files`, take what can be taken and commit the record.
pub fn collect_replies(
    camp: &mut Campaign,
    files: &[PathBuf],
    prefer: &[String],
) -> Result<RepliesCollected> {
    let now = crate::formats::workbook::copies::now_nanos();
    let mut entry = camp.rectify_entry()?.clone();
    let mut rows = camp.rectify_rows()?;
    let secret = camp
        .secret()?
        .ok_or_else(|| RectifyCollectError::NoSecret(camp.dir.clone()))?;
    let today = chrono::Local::now().date_naive();
    let (fresh, already, mut problems) = {
        let record: HashMap<&str, &RectifyRow> = rows.iter().map(|r| (r.id.as_str(), r)).collect();
        let exp = RectifyExpected {
            campaign: &camp.manifest.name,
            campaign_id: &camp.manifest.id,
            secret: &secret,
            sample_sha256: &entry.sample_sha256,
            record: &record,
            dates: DateRange::for_period(camp.manifest.period.as_deref(), today),
            max_ids: camp
                .manifest
                .sample
                .as_ref()
                .map_or(0, |d| d.frame_size as usize),
        };
        let named = |f: &std::path::Path| crate::ops::collect::is_named(f, prefer);
        let read = read_copies(
            files,
            &entry.seen,
            |f| read_returned(f, &exp),
            |w| &w.sha256,
            &named,
        );
        let mut problems = read.problems;
        let fresh = in_order(
            read.fresh,
            |w| &w.meta.workbook_id,
            |w| {
                let r = entry.received.iter().find(|r| r.workbook == w)?;
                Some((r.modified?, r.source.clone()))
            },
            ("整改反馈表", "报送", now),
            &mut problems,
        );
        (fresh, read.already, problems)
    };
    let deadline = entry.deadline;
    let mut txn = camp.begin()?;
    let taken = take(
        &mut txn,
        fresh,
        &mut rows,
        &mut entry,
        &mut problems,
        deadline,
    )?;
    entry.record_sha256 = Some(record::stage_record(&mut txn, &rows)?);
    camp.manifest.rectify = Some(entry);
    camp.commit(txn)?;
    Ok(RepliesCollected {
        taken,
        already,
        problems,
        rows,
    })
}

/// The local date a copy was saved, from its modification time (none when unknown).
fn saved_on(modified: i64) -> Option<NaiveDate> {
    let t = chrono::DateTime::from_timestamp_nanos(modified).with_timezone(&chrono::Local);
    (modified > 0 && modified < i64::MAX).then(|| t.date_naive())
}

/// Apply each copy's replies to the record (a row left blank keeps an earlier reply), keep the
/// copy in the inbox, and note it in the manifest entry; one line per copy for the user.
fn take(
    txn: &mut Txn,
    fresh: Vec<NewCopy<RectifyReturned>>,
    rows: &mut [RectifyRow],
    entry: &mut RectifyEntry,
    problems: &mut Vec<Problem>,
    deadline: NaiveDate,
) -> Result<Vec<TakenCopy>> {
    let index: HashMap<String, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    let mut lines = Vec::new();
    for f in fresh {
        let wb = f.workbook;
        let source = f
            .file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let at = store::now();
        let saved = saved_on(f.modified);
        let collected = chrono::Local::now().date_naive();
        // 逾期报送 is kept with the reply, judged by the day the copy was saved, unless that day
        // cannot be believed (unknown, or after it was collected): then by the collection day.
        let counts_from = saved.filter(|d| *d <= collected).unwrap_or(collected);
        for (id, reply) in &wb.replies {
            if let Some(&i) = index.get(id) {
                rows[i].apply(reply, &source, &wb.sha256, &at);
                rows[i].mark_saved(counts_from, deadline);
            }
        }
        let inbox_file = store::inbox_name(record::RECTIFY_INBOX_DIR, &wb.sha256, &source);
        txn.put_copy(&inbox_file, &wb.bytes)?;
        lines.push(TakenCopy {
            line: format!(
                "采用 {}(责任单位 {}):报送 {} 个账号",
                f.file.display(),
                wb.meta.inspector,
                wb.replies.len()
            ),
            saved,
            collected,
        });
        entry.seen.push(wb.sha256.clone());
        entry.received.retain(|r| r.workbook != wb.meta.workbook_id);
        entry.received.push(RectifyReceived {
            workbook: wb.meta.workbook_id.clone(),
            unit: wb.meta.inspector.clone(),
            source,
            sha256: wb.sha256.clone(),
            inbox_file,
            collected_at: at,
            replies: wb.replies.len() as u64,
            problems: wb.problems.len() as u64,
            modified: Some(f.modified),
        });
        problems.extend(wb.problems);
    }
    Ok(lines)
}
