//! Collecting returned inspector workbooks into a campaign: each file read and verified
//! ([`crate::formats::workbook::read`]), copies ordered by when they were saved, answers replaced workbook by
//! workbook, `--prefer` decisions recorded, and answers, results, conflicts, inbox copies and the
//! manifest committed together. `audit collect` and the demo both call [`collect`].

use crate::domain::answers::{self, tables, Merged, Problem, Resolution, RowAnswer};
use crate::domain::csv_text::csv_bytes;
use crate::formats::workbook::copies::{in_order, read_copies, CopiesRead, NewCopy};
use crate::formats::workbook::read::{read_returned, Expected, Returned};
use crate::store::{self, records, Campaign, ReceivedEntry, StoreError, Txn};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Why a collect run could not be committed (problems in single files are not errors: they
/// are reported in [`Collected::problems`] and the good rows are kept).
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The store refused or a file of the campaign could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The campaign has no signing key to verify workbooks with.
    #[error("{0}: 缺少项目密钥 secret.key,无法核验检查表;请从备份中恢复 secret.key")]
    NoSecret(String),
    /// `--prefer` names no received file.
    #[error("--prefer \"{given}\": 没有收到过这个文件;已收到: {received}")]
    PreferUnknown {
        /// As given.
        given: String,
        /// The names files were received under.
        received: String,
    },
    /// `--prefer` names a file name several workbooks came back under.
    #[error("--prefer \"{0}\": 有多份检查表以此文件名交回,请给出文件路径")]
    PreferAmbiguous(String),
    /// A workbook could not be built.
    #[error(transparent)]
    Build(#[from] rust_xlsxwriter::XlsxError),
    /// A CSV could not be built.
    #[error("无法生成 CSV: {0}")]
    Csv(#[from] csv::Error),
}

type Result<T> = std::result::Result<T, CollectError>;

/// What one collect run did.
pub struct Collected {
    /// Problems found in the files (their good rows were taken).
    pub problems: Vec<Problem>,
    /// The results now.
    pub merged: Merged,
    /// One line per `--prefer`.
    pub preferred: Vec<String>,
    /// Earlier answers kept because the new copy left their rows blank or had them refused.
    pub kept_earlier: usize,
    /// Sampled accounts with no answer yet (conflicts not included), in sample order.
    pub unchecked: Vec<String>,
    /// The sample size.
    pub sample_size: usize,
    /// Files skipped because that very copy was collected before.
    pub already: Vec<String>,
    /// The copies taken in this run, "file(检查人 X)", in the order applied.
    pub taken: Vec<String>,
    /// Accounts whose verdict this run changed, old → new.
    pub changes: Vec<answers::Change>,
    /// Answers taken in this run whose 检查人 cell names someone other than the workbook's
    /// inspector: "file 第 N 行 账号 X: 检查人填写为 …".
    pub checker_flags: Vec<String>,
}

/// Ingest `files` and apply `prefer`, committing answers, results, conflicts, the inbox copies
/// and the manifest together.
pub fn collect(camp: &mut Campaign, files: &[PathBuf], prefer: &[String]) -> Result<Collected> {
    let (sample, info) = camp.sample()?;
    let cat = camp.catalog()?;
    let secret = camp
        .secret()?
        .ok_or_else(|| CollectError::NoSecret(camp.dir.display().to_string()))?;
    let sheets = camp.manifest.sheets.clone().ok_or_else(|| {
        StoreError::Missing(format!(
            "{}: 尚未生成检查表;请先运行 audit sheet",
            camp.dir.display()
        ))
    })?;
    let sample_sha = camp.manifest.sample_sha256().to_string();
    let mut answers_all = camp.answers(&cat)?;
    let mut entry = camp.manifest.collect.clone().unwrap_or_default();
    let by_id = sample.by_id();
    let exp = Expected {
        campaign: &camp.manifest.name,
        campaign_id: &camp.manifest.id,
        secret: &secret,
        sample_sha256: &sample_sha,
        catalog_sha256: &sheets.catalog_sha256,
        catalog: &cat,
        sample: &by_id,
        dates: answers::DateRange::for_period(
            camp.manifest.period.as_deref(),
            chrono::Local::now().date_naive(),
        ),
    };
    let blanks: HashSet<&str> = sheets.workbooks.iter().map(|w| w.sha256.as_str()).collect();
    let mut read = read_new_copies(files, &exp, &entry, &blanks, prefer);
    let before = answers::merge(&cat, &answers_all, &entry.resolved, &sample_sha);
    let checker_flags = checker_flags(&read.fresh);
    let mut txn = camp.begin()?;
    let (kept_earlier, taken) = take(
        &mut txn,
        std::mem::take(&mut read.fresh),
        &mut entry,
        &mut answers_all,
        &mut read.problems,
    )?;
    let preferred = apply_prefer(prefer, &cat, &answers_all, &mut entry, &sample_sha)?;
    let merged = answers::merge(&cat, &answers_all, &entry.resolved, &sample_sha);
    let changes = answers::changes(&cat, &before, &merged);
    let answers_bytes = stage_tables(&mut txn, &cat, &answers_all, (&sample, &info), &merged)?;
    entry.answers_sha256 = Some(crate::domain::digest::sha256_hex(&answers_bytes));
    camp.manifest.collect = Some(entry);
    camp.commit(txn)?;
    let unchecked = unchecked(&sample.accounts, &merged);
    Ok(Collected {
        problems: read.problems,
        merged,
        preferred,
        kept_earlier,
        unchecked,
        sample_size: sample.accounts.len(),
        already: read.already,
        taken,
        changes,
        checker_flags,
    })
}

/// The inspectors' own 存疑 notes in the new copies, one line each naming file, row and account.
fn checker_flags(fresh: &[NewCopy<Returned>]) -> Vec<String> {
    fresh
        .iter()
        .flat_map(|f| f.workbook.answers.iter().map(move |a| (f, a)))
        .filter_map(|(f, a)| {
            let note = answers::checker_note(a)?;
            Some(format!(
                "{} 第 {} 行 账号 {}: {note}",
                f.file.display(),
                a.row,
                a.id
            ))
        })
        .collect()
}

/// Sampled accounts with neither a result nor a conflict.
fn unchecked(sample: &[crate::domain::registry::Account], merged: &Merged) -> Vec<String> {
    let in_conflict: HashSet<&str> = merged.conflicts.iter().map(|c| c.id.as_str()).collect();
    sample
        .iter()
        .filter(|a| !merged.results.contains_key(&a.id) && !in_conflict.contains(a.id.as_str()))
        .map(|a| a.id.clone())
        .collect()
}

/// The given files read, new copies in the order they were saved (see [`crate::formats::workbook::copies`]).
/// A copy byte for byte as `audit sheet` wrote it (SHA-256 in `blanks`) is the blank original
/// from sheets/, never a return: it is named as such and not taken.
fn read_new_copies(
    files: &[PathBuf],
    exp: &Expected<'_>,
    entry: &crate::store::CollectEntry,
    blanks: &HashSet<&str>,
    prefer: &[String],
) -> CopiesRead<Returned> {
    let named = |f: &Path| is_named(f, prefer);
    let mut read = read_copies(
        files,
        &entry.seen,
        |f| read_returned(f, exp),
        |w| &w.sha256,
        &named,
    );
    let (blank, fresh): (Vec<_>, Vec<_>) = std::mem::take(&mut read.fresh)
        .into_iter()
        .partition(|c| blanks.contains(c.workbook.sha256.as_str()));
    read.fresh = fresh;
    for c in blank {
        read.problems.push(Problem::whole(
            &c.file,
            "是 audit sheet 生成的空白检查表(与生成时完全相同,未填写任何内容),不是检查人交回的文件;请收回检查人填好交回的文件(sheets/ 中的是发出时的原件)".into(),
        ));
    }
    read.fresh = in_order(
        std::mem::take(&mut read.fresh),
        |w| &w.meta.workbook_id,
        |w| {
            let r = entry.received.iter().find(|r| r.workbook == w)?;
            Some((r.modified?, r.source.clone()))
        },
        (
            "检查表",
            "交回",
            crate::formats::workbook::copies::now_nanos(),
        ),
        &mut read.problems,
    );
    read
}

/// Whether `--prefer` names this file (by the path given, or the same file): that copy is taken
/// whatever its save time.
pub fn is_named(f: &Path, prefer: &[String]) -> bool {
    let same = |p: &Path| match (p.canonicalize(), f.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => p == f,
    };
    prefer.iter().any(|p| same(Path::new(p)))
}

/// Stage answers.csv, results.csv and conflicts.csv; returns answers.csv's bytes, whose
/// SHA-256 the manifest records.
fn stage_tables(
    txn: &mut Txn,
    cat: &crate::domain::indicators::Catalog,
    answers_all: &[RowAnswer],
    (sample, info): (&crate::domain::registry::Registry, &[records::SampleMark]),
    merged: &Merged,
) -> Result<Vec<u8>> {
    let rows: Vec<Vec<String>> = answers_all
        .iter()
        .map(|a| records::answer_row(cat, a))
        .collect();
    let answers_bytes = csv_bytes(&records::answers_header(cat), &rows)?;
    txn.put(store::ANSWERS, &answers_bytes)?;
    let (rh, rr) = tables::results_table(cat, sample, info, &merged.results);
    txn.put(store::RESULTS, &csv_bytes(&rh, &rr)?)?;
    let (ch, cr) = tables::conflicts_table(cat, sample, &merged.conflicts);
    txn.put(store::CONFLICTS, &csv_bytes(&ch, &cr)?)?;
    Ok(answers_bytes)
}

/// Stage the new copies in the inbox and put their answers in place; returns how many earlier
/// answers of those workbooks were kept (their rows blank or refused in the new copy), and the
/// copies taken, for the user.
fn take(
    txn: &mut Txn,
    fresh: Vec<NewCopy<Returned>>,
    entry: &mut crate::store::CollectEntry,
    answers_all: &mut Vec<RowAnswer>,
    problems: &mut Vec<Problem>,
) -> Result<(usize, Vec<String>)> {
    let mut incoming: HashMap<(String, String), RowAnswer> = HashMap::new();
    let mut touched = HashSet::new();
    let mut taken = Vec::new();
    for f in fresh {
        let wb = f.workbook;
        touched.insert(wb.meta.workbook_id.clone());
        let mut received = keep(txn, &f.file, &wb)?;
        received.modified = Some(f.modified);
        taken.push(format!(
            "{}(检查人 {})",
            f.file.display(),
            received.inspector
        ));
        for a in wb.answers {
            incoming.insert((a.workbook.clone(), a.id.clone()), a);
        }
        problems.extend(wb.problems);
        entry.seen.push(received.sha256.clone());
        entry.received.retain(|r| r.workbook != received.workbook);
        entry.received.push(received);
    }
    let kept = replace_answers(answers_all, incoming, &touched);
    answers_all.sort_by(|a, b| a.source.cmp(&b.source).then(a.row.cmp(&b.row)));
    Ok((kept, taken))
}

/// Record each `--prefer` against the conflicts it settles; one line per option for the user.
fn apply_prefer(
    prefer: &[String],
    cat: &crate::domain::indicators::Catalog,
    answers_all: &[RowAnswer],
    entry: &mut crate::store::CollectEntry,
    sample_sha: &str,
) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    for p in prefer {
        let before = answers::merge(cat, answers_all, &entry.resolved, sample_sha);
        let workbook = preferred_workbook(p, &entry.received)?;
        let settled: Vec<_> = before
            .conflicts
            .iter()
            .filter(|c| c.answers.iter().any(|a| a.workbook == workbook))
            .collect();
        for c in &settled {
            entry.resolved.retain(|r| r.id != c.id);
            entry.resolved.push(Resolution {
                id: c.id.clone(),
                workbook: workbook.clone(),
                versions: answers::versions_of(c.answers.iter()),
            });
        }
        lines.push(format!("--prefer {p}: 解决了 {} 个冲突", settled.len()));
    }
    Ok(lines)
}

/// Put the answers just received in place of the same workbooks' earlier ones. A workbook is
/// its signed id, so a copy re-sent under any name replaces it, account by account: a row left
/// blank or refused in the new copy never erases an answer already taken. Returns how many
/// earlier answers of the `touched` workbooks (those received now) were kept that way. One pass,
/// whatever the number of files.
fn replace_answers(
    all: &mut Vec<RowAnswer>,
    incoming: HashMap<(String, String), RowAnswer>,
    touched: &HashSet<String>,
) -> usize {
    let mut by_workbook: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (w, id) in incoming.keys() {
        by_workbook.entry(w).or_default().insert(id);
    }
    let mut kept = 0;
    all.retain(|a| {
        let replaced = by_workbook
            .get(a.workbook.as_str())
            .is_some_and(|ids| ids.contains(a.id.as_str()));
        kept += usize::from(!replaced && touched.contains(&a.workbook));
        !replaced
    });
    drop(by_workbook);
    all.extend(incoming.into_values());
    kept
}

/// Stage the inbox copy of an accepted workbook and describe it for the manifest.
fn keep(txn: &mut Txn, f: &Path, wb: &Returned) -> Result<ReceivedEntry> {
    let source = f
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let inbox_file = store::inbox_name(store::INBOX_DIR, &wb.sha256, &source);
    txn.put_copy(&inbox_file, &wb.bytes)?;
    Ok(ReceivedEntry {
        workbook: wb.meta.workbook_id.clone(),
        source,
        inspector: wb.meta.inspector.clone(),
        sha256: wb.sha256.clone(),
        inbox_file,
        collected_at: store::now(),
        rows_accepted: wb.answers.len() as u64,
        problems: wb.problems.len() as u64,
        modified: None,
    })
}

/// The workbook id a `--prefer` names: a path to a received file (matched by content) or the
/// name a received file came under.
fn preferred_workbook(p: &str, received: &[ReceivedEntry]) -> Result<String> {
    let path = Path::new(p);
    if path.is_file() {
        let sha = store::sha256_file(path)?;
        if let Some(r) = received.iter().find(|r| r.sha256 == sha) {
            return Ok(r.workbook.clone());
        }
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let matches: Vec<&ReceivedEntry> = received.iter().filter(|r| r.source == name).collect();
    match matches.as_slice() {
        [one] => Ok(one.workbook.clone()),
        [] => {
            let mut k: Vec<&str> = received.iter().map(|r| r.source.as_str()).collect();
            k.sort();
            Err(CollectError::PreferUnknown {
                given: p.to_string(),
                received: k.join(", "),
            })
        }
        _ => Err(CollectError::PreferAmbiguous(p.to_string())),
    }
}
