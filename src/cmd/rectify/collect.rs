//! `audit rectify collect --campaign DIR FILE...`: take the units' replies into the record.

use crate::answers::order::partition;
use crate::answers::{DateRange, Problem};
use crate::campaign::rectify::{self as store, RectifyEntry, RectifyReceived};
use crate::campaign::{self, Access, Campaign, Txn};
use crate::cli::RectifyCollectArgs;
use crate::rectify::RectifyRow;
use crate::workbook::rectify::{read_returned, RectifyExpected, RectifyReturned};
use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::PathBuf;

/// A returned workbook that passed its checks and was not collected before.
struct Fresh {
    /// Nanoseconds since 1970 (0 when the file system does not say).
    modified: i64,
    file: PathBuf,
    workbook: RectifyReturned,
}

/// Read every file; copies already taken are listed in `already`, refusals in `problems`.
/// New copies come back oldest saved first, so the one saved last wins.
fn read_files(
    files: &[PathBuf],
    exp: &RectifyExpected<'_>,
    seen: &[String],
    already: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) -> Vec<Fresh> {
    let mut fresh = Vec::new();
    for f in files {
        if !f.is_file() {
            problems.push(Problem {
                source: f.display().to_string(),
                row: None,
                id: None,
                column: None,
                message: "文件不存在".into(),
            });
            continue;
        }
        match read_returned(f, exp) {
            Err(p) => problems.push(p),
            Ok(wb) if seen.contains(&wb.sha256) => already.push(f.display().to_string()),
            Ok(workbook) => {
                let modified = std::fs::metadata(f)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos() as i64);
                fresh.push(Fresh {
                    modified,
                    file: f.clone(),
                    workbook,
                });
            }
        }
    }
    fresh.sort_by_key(|f| f.modified); // the one saved last is applied last, and wins
    fresh
}

/// The local date a copy was saved, from its modification time (none when unknown).
fn saved_on(modified: i64) -> Option<NaiveDate> {
    let t = chrono::DateTime::from_timestamp_nanos(modified).with_timezone(&chrono::Local);
    (modified > 0).then(|| t.date_naive())
}

/// Keep the copies that can be ordered (see [`crate::answers::order`]): the others are
/// reported and not taken.
fn in_order(
    fresh: Vec<Fresh>,
    received: &[RectifyReceived],
    problems: &mut Vec<Problem>,
) -> Vec<Fresh> {
    let (kept, skipped) = partition(
        fresh,
        |f| (f.workbook.meta.workbook_id.clone(), f.modified),
        |w| {
            let r = received.iter().find(|r| r.workbook == w)?;
            Some((r.modified?, r.source.clone()))
        },
    );
    for (f, skip) in skipped {
        problems.push(Problem::whole(&f.file, skip.message("整改反馈表", "报送")));
    }
    kept
}

/// Apply each copy's replies to the record (a row left blank keeps an earlier reply), keep the
/// copy in the inbox, and note it in the manifest entry; one line per copy for the user.
fn take(
    txn: &mut Txn,
    fresh: Vec<Fresh>,
    rows: &mut [RectifyRow],
    entry: &mut RectifyEntry,
    problems: &mut Vec<Problem>,
) -> Result<Vec<(String, Option<NaiveDate>)>> {
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
        let at = campaign::now();
        for (id, reply) in &wb.replies {
            if let Some(&i) = index.get(id) {
                rows[i].apply(reply, &source, &wb.sha256, &at);
            }
        }
        let inbox_file = format!("{}/{}-{source}", store::RECTIFY_INBOX_DIR, &wb.sha256[..12]);
        txn.put_copy(&inbox_file, &wb.bytes)?;
        lines.push((
            format!(
                "采用 {}(责任单位 {}):报送 {} 个账号",
                f.file.display(),
                wb.meta.inspector,
                wb.replies.len()
            ),
            saved_on(f.modified),
        ));
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

/// Run `audit rectify collect`.
pub fn run(args: &RectifyCollectArgs) -> Result<i32> {
    if args.files.is_empty() {
        bail!("请给出要收回的整改反馈表文件,例如 audit rectify collect --campaign DIR 整改反馈/*.xlsx");
    }
    let mut camp = Campaign::open(&args.campaign, Access::Write)?;
    let mut entry = camp.rectify_entry()?.clone();
    let mut rows = camp.rectify_rows()?;
    let secret = camp.secret()?.ok_or_else(|| {
        anyhow!(
            "{}: 缺少项目密钥 secret.key,无法核验整改反馈表",
            camp.dir.display()
        )
    })?;
    let today = chrono::Local::now().date_naive();
    let files = crate::io::read::expand_wildcards(&args.files);
    let (mut already, mut problems) = (Vec::new(), Vec::new());
    let fresh = {
        let record: HashMap<&str, &RectifyRow> = rows.iter().map(|r| (r.id.as_str(), r)).collect();
        let exp = RectifyExpected {
            campaign: &camp.manifest.name,
            campaign_id: &camp.manifest.id,
            secret: &secret,
            sample_sha256: &entry.sample_sha256,
            record: &record,
            dates: DateRange::for_period(camp.manifest.period.as_deref(), today),
        };
        let fresh = read_files(&files, &exp, &entry.seen, &mut already, &mut problems);
        in_order(fresh, &entry.received, &mut problems)
    };
    let mut txn = camp.begin()?;
    let taken = take(&mut txn, fresh, &mut rows, &mut entry, &mut problems)?;
    store::stage_record(&mut txn, &rows)?;
    camp.manifest.rectify = Some(entry);
    camp.commit(txn)?;
    let deadline = super::parse_day(
        "campaign.toml 中的 deadline",
        &camp.rectify_entry()?.deadline,
    )?;
    for (line, saved) in &taken {
        // Late by when the unit saved its reply, not by when the office collects it.
        match saved.filter(|d| *d > deadline) {
            Some(d) => println!("{line}(保存于 {d},晚于报送截止日期 {deadline},为逾期报送)"),
            None => println!("{line}"),
        }
    }
    if !already.is_empty() {
        println!(
            "已收回过、未改动的文件 {} 份,跳过: {}",
            already.len(),
            already.join(", ")
        );
    }
    let reported = rows.iter().filter(|r| r.outcome.is_some()).count();
    println!("已报送 {reported} / {} 个应整改账号", rows.len());
    println!("整改记录: {}", camp.path(store::RECTIFY_RECORD).display());
    if problems.is_empty() {
        return Ok(0);
    }
    eprintln!(
        "发现 {} 个问题(有问题的行未收录,请更正后重新报送该文件):",
        problems.len()
    );
    for p in &problems {
        eprintln!("  {p}");
    }
    Ok(1)
}
