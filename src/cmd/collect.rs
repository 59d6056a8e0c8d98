//! `audit collect --campaign DIR FILE...`: read filled workbooks into answers and results.

use crate::answers::{self, tables, Merged, Problem, Resolution, RowAnswer};
use crate::campaign::{self, records, Access, Campaign, ReceivedEntry, StoreError, Txn};
use crate::cli::CollectArgs;
use crate::io::write::csv_bytes;
use crate::workbook::read::{read_returned, Expected, Returned};
use anyhow::{anyhow, bail, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

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
}

/// Ingest `files` and apply `prefer`, committing answers, results, conflicts, the inbox copies
/// and the manifest together.
pub fn collect(camp: &mut Campaign, files: &[PathBuf], prefer: &[String]) -> Result<Collected> {
    let (sample, info) = camp.sample()?;
    let cat = camp.catalog()?;
    let secret = camp.secret()?.ok_or_else(|| {
        anyhow!(
            "{}: 缺少项目密钥 secret.key,无法核验检查表;请重新运行 audit sheet --force",
            camp.dir.display()
        )
    })?;
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
    };
    let mut txn = camp.begin()?;
    let mut problems = Vec::new();
    let mut kept_earlier = 0;
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
        match read_returned(f, &exp) {
            Err(p) => problems.push(p),
            Ok(wb) => {
                let received = keep(&mut txn, f, &wb)?;
                kept_earlier += replace_answers(&mut answers_all, wb.answers, &wb.meta.workbook_id);
                problems.extend(wb.problems);
                entry.received.retain(|r| r.workbook != received.workbook);
                entry.received.push(received);
            }
        }
    }
    answers_all.sort_by(|a, b| a.source.cmp(&b.source).then(a.row.cmp(&b.row)));
    let mut preferred = Vec::new();
    for p in prefer {
        let before = answers::merge(&cat, &answers_all, &entry.resolved, &sample_sha);
        let workbook = preferred_workbook(p, &entry.received)?;
        let mut n = 0;
        for c in before
            .conflicts
            .iter()
            .filter(|c| c.answers.iter().any(|a| a.workbook == workbook))
        {
            entry.resolved.retain(|r| r.id != c.id);
            entry.resolved.push(Resolution {
                id: c.id.clone(),
                workbook: workbook.clone(),
                versions: answers::versions_of(c.answers.iter()),
            });
            n += 1;
        }
        preferred.push(format!("--prefer {p}: 解决了 {n} 个冲突"));
    }
    let merged = answers::merge(&cat, &answers_all, &entry.resolved, &sample_sha);
    let rows: Vec<Vec<String>> = answers_all
        .iter()
        .map(|a| records::answer_row(&cat, a))
        .collect();
    txn.put(
        campaign::ANSWERS,
        &csv_bytes(&records::answers_header(&cat), &rows)?,
    )?;
    let (rh, rr) = tables::results_table(&cat, &sample, &info, &merged.results);
    txn.put(campaign::RESULTS, &csv_bytes(&rh, &rr)?)?;
    let (ch, cr) = tables::conflicts_table(&cat, &sample, &merged.conflicts);
    txn.put(campaign::CONFLICTS, &csv_bytes(&ch, &cr)?)?;
    camp.manifest.collect = Some(entry);
    camp.commit(txn)?;
    Ok(Collected {
        problems,
        merged,
        preferred,
        kept_earlier,
    })
}

/// Put a workbook version's answers in place of that workbook's earlier ones. A workbook is its
/// signed id, so a copy re-sent under any name replaces it, account by account: a row left
/// blank or refused in the new copy never erases an answer already taken. Returns how many
/// earlier answers were kept that way.
fn replace_answers(all: &mut Vec<RowAnswer>, new: Vec<RowAnswer>, workbook: &str) -> usize {
    let answered: HashSet<String> = new.iter().map(|a| a.id.clone()).collect();
    all.retain(|a| a.workbook != workbook || !answered.contains(&a.id));
    let kept = all.iter().filter(|a| a.workbook == workbook).count();
    all.extend(new);
    kept
}

/// Stage the inbox copy of an accepted workbook and describe it for the manifest.
fn keep(txn: &mut Txn, f: &Path, wb: &Returned) -> Result<ReceivedEntry> {
    let source = f
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let inbox_file = format!("{}/{}-{}", campaign::INBOX_DIR, &wb.sha256[..12], source);
    txn.put(&inbox_file, &wb.bytes)?;
    Ok(ReceivedEntry {
        workbook: wb.meta.workbook_id.clone(),
        source,
        inspector: wb.meta.inspector.clone(),
        sha256: wb.sha256.clone(),
        inbox_file,
        collected_at: campaign::now(),
        rows_accepted: wb.answers.len() as u64,
        problems: wb.problems.len() as u64,
    })
}

/// The workbook id a `--prefer` names: a path to a received file (matched by content) or the
/// name a received file came under.
fn preferred_workbook(p: &str, received: &[ReceivedEntry]) -> Result<String> {
    let path = Path::new(p);
    if path.is_file() {
        let sha = campaign::sha256_file(path)?;
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
            bail!(
                "--prefer \"{p}\": 没有收到过这个文件;已收到: {}",
                k.join(", ")
            )
        }
        _ => bail!("--prefer \"{p}\": 有多份检查表以此文件名交回,请给出文件路径"),
    }
}

fn print_progress(camp: &Campaign, c: &Collected, sample_size: usize) {
    for line in &c.preferred {
        println!("{line}");
    }
    let m = &c.merged;
    println!(
        "已检查 {} / {sample_size} 个样本账号;冲突 {} 个",
        m.results.len(),
        m.conflicts.len()
    );
    if c.kept_earlier > 0 {
        println!(
            "保留了 {} 个账号在较早交回版本中的答案(新交回的文件中这些行为空或有问题)",
            c.kept_earlier
        );
    }
    if m.set_aside > 0 {
        println!(
            "另有 {} 条按旧样本收回的答案未计入(样本已重新抽取)",
            m.set_aside
        );
    }
    for (w, got) in super::status::per_workbook(camp, m) {
        println!("  {}: {got} / {}", w.inspector, w.accounts);
    }
    for conflict in &m.conflicts {
        let srcs: Vec<String> = conflict
            .answers
            .iter()
            .map(|a| format!("{} 第 {} 行", a.source, a.row))
            .collect();
        println!(
            "  冲突: 账号 {} 在 {} 中的答案不同;用 --prefer 文件名 指定以哪份为准",
            conflict.id,
            srcs.join(" 与 ")
        );
    }
    println!("结果: {}", camp.path(campaign::RESULTS).display());
}

/// Run `audit collect`.
pub fn run(args: &CollectArgs) -> Result<i32> {
    if args.files.is_empty() && args.prefer.is_empty() {
        bail!("请给出要收回的检查表文件,例如 audit collect --campaign DIR 返回/*.xlsx");
    }
    let mut camp = Campaign::open(&args.campaign, Access::Write)?;
    let collected = collect(&mut camp, &args.files, &args.prefer)?;
    let sample_size = camp
        .manifest
        .sample
        .as_ref()
        .map(|d| d.strata.iter().map(|s| s.total).sum::<u64>())
        .unwrap_or(0) as usize;
    print_progress(&camp, &collected, sample_size);
    let sample = camp.sample()?.0;
    let m = &collected.merged;
    let missing: Vec<&str> = sample
        .accounts
        .iter()
        .map(|a| a.id.as_str())
        .filter(|id| !m.results.contains_key(*id) && !m.conflicts.iter().any(|c| c.id == *id))
        .collect();
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(15).copied().collect();
        let more = if missing.len() > 15 { ", ……" } else { "" };
        println!("尚未检查 {} 个: {}{more}", missing.len(), shown.join(", "));
    }
    if collected.problems.is_empty() {
        return Ok(0);
    }
    eprintln!(
        "发现 {} 个问题(有问题的行未收录,请更正后重新收回该文件):",
        collected.problems.len()
    );
    for p in &collected.problems {
        eprintln!("  {p}");
    }
    Ok(1)
}
