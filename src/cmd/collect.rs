//! `audit collect --campaign DIR FILE...`: read filled workbooks into answers and results.

use crate::answers::{self, merge, Problem, RowAnswer, RowCells};
use crate::campaign::{self, write_atomic, Campaign, ReceivedEntry};
use crate::cli::CollectArgs;
use crate::indicators::Catalog;
use crate::io::read::{data_text, read_all, read_typed};
use crate::io::sheet::{self, identity_cells};
use crate::io::write::{csv_bytes, read_plain_csv};
use crate::registry::{Account, Registry};
use anyhow::{anyhow, bail, Result};
use calamine::Data;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

fn answers_header(cat: &Catalog) -> Vec<String> {
    let mut h: Vec<String> = ["来源文件", "文件SHA256", "检查表", "行号", "账号ID"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    h.extend(
        cat.indicators
            .iter()
            .map(|i| sheet::indicator_header(&i.code, &i.name)),
    );
    h.extend(
        ["问题描述", "检查人", "检查日期"]
            .iter()
            .map(|s| s.to_string()),
    );
    h
}

/// Load every answer collected so far.
pub fn load_answers(camp: &Campaign, cat: &Catalog) -> Result<Vec<RowAnswer>> {
    let path = camp.path(campaign::ANSWERS);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let (header, rows) = read_plain_csv(&path)?;
    if header != answers_header(cat) {
        bail!("{}: 表头与本项目的指标目录不一致", path.display());
    }
    let k = cat.indicators.len();
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if r.len() != header.len() {
            bail!("{}: 第 {} 行列数不对", path.display(), i + 2);
        }
        let mut values = Vec::with_capacity(k);
        for (j, ind) in cat.indicators.iter().enumerate() {
            values.push(
                answers::value_from_label(ind.kind, &r[5 + j]).ok_or_else(|| {
                    anyhow!(
                        "{}: 第 {} 行的值 \"{}\" 无法识别",
                        path.display(),
                        i + 2,
                        r[5 + j]
                    )
                })?,
            );
        }
        out.push(RowAnswer {
            source: r[0].clone(),
            source_sha256: r[1].clone(),
            workbook_inspector: r[2].clone(),
            row: r[3].parse().unwrap_or(0),
            id: r[4].clone(),
            values,
            description: r[5 + k].clone(),
            checker: r[6 + k].clone(),
            date: r[7 + k].clone(),
        });
    }
    Ok(out)
}

struct Workbook {
    inspector: String,
    sha256: String,
    answers: Vec<RowAnswer>,
}

/// Read one returned workbook. Workbook-level faults are `Err`; row faults go to `problems`.
fn read_workbook(
    path: &Path,
    camp: &Campaign,
    cat: &Catalog,
    sample: &HashMap<&str, &Account>,
    problems: &mut Vec<Problem>,
) -> Result<Workbook, Problem> {
    let source = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let whole = |message: String| Problem {
        source: path.display().to_string(),
        row: None,
        id: None,
        column: None,
        message,
    };
    if matches!(crate::io::read::extension(path).as_str(), "csv" | "txt") {
        return Err(whole(
            "不是 audit 生成的检查表(应为 .xlsx、.ods 或 .xls 工作簿)".into(),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| whole(format!("无法读取: {e}")))?;
    let sha256 = campaign::sha256_hex(&bytes);
    let (meta_rows, _) = read_all(path, Some(sheet::SHEET_META)).map_err(|e| match e {
        crate::io::read::ReadError::MissingSheet { .. } => whole(format!(
            "不是 audit 生成的检查表(缺少隐藏工作表 {})",
            sheet::SHEET_META
        )),
        other => whole(other.to_string()),
    })?;
    let mut meta: HashMap<String, String> = HashMap::new();
    let mut ids: Vec<String> = Vec::new();
    let mut in_ids = false;
    for (_, cells) in &meta_rows {
        let k = cells.first().cloned().unwrap_or_default();
        if in_ids {
            if !k.is_empty() {
                ids.push(k);
            }
        } else if k == sheet::META_IDS {
            in_ids = true;
        } else {
            meta.insert(k, cells.get(1).cloned().unwrap_or_default());
        }
    }
    if !meta.contains_key(sheet::META_CAMPAIGN) {
        return Err(whole(format!(
            "不是 audit 生成的检查表(隐藏工作表 {} 内容不完整)",
            sheet::SHEET_META
        )));
    }
    let get = |k: &str| meta.get(k).cloned().unwrap_or_default();
    let sheets = camp.manifest.sheets.as_ref().expect("checked by caller");
    if get(sheet::META_CAMPAIGN) != camp.manifest.name {
        return Err(whole(format!(
            "这份检查表属于项目 \"{}\",不是本项目 \"{}\"",
            get(sheet::META_CAMPAIGN),
            camp.manifest.name
        )));
    }
    if get(sheet::META_SAMPLE) != sheets.sample_sha256 {
        return Err(whole(
            "这份检查表是按旧样本生成的(样本指纹不一致),已过期;请使用重新生成的检查表".into(),
        ));
    }
    if get(sheet::META_CATALOG) != sheets.catalog_sha256 {
        return Err(whole(
            "这份检查表使用的指标目录与本项目不同(指标目录指纹不一致)".into(),
        ));
    }
    let inspector = get(sheet::META_INSPECTOR);
    let rows = read_typed(path, sheet::SHEET_MAIN).map_err(|e| whole(e.to_string()))?;
    let Some((_, header)) = rows.first() else {
        return Err(whole(format!("工作表 {} 为空", sheet::SHEET_MAIN)));
    };
    let header: Vec<String> = header
        .iter()
        .map(|d| crate::text::clean(&data_text(d)))
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let mut id_cols = Vec::new();
    for name in sheet::ID_COLUMNS {
        id_cols.push(
            col(name)
                .ok_or_else(|| whole(format!("工作表 {} 缺少列 \"{name}\"", sheet::SHEET_MAIN)))?,
        );
    }
    let mut ind_cols = Vec::new();
    for ind in &cat.indicators {
        let prefix = format!("{} ", ind.code);
        ind_cols.push(
            header
                .iter()
                .position(|h| h.starts_with(&prefix) || *h == ind.code)
                .ok_or_else(|| {
                    whole(format!(
                        "工作表 {} 缺少指标列 \"{} {}\"",
                        sheet::SHEET_MAIN,
                        ind.code,
                        ind.name
                    ))
                })?,
        );
    }
    let mut named = Vec::new();
    for name in [sheet::COL_DESCRIPTION, sheet::COL_CHECKER, sheet::COL_DATE] {
        named.push(
            col(name)
                .ok_or_else(|| whole(format!("工作表 {} 缺少列 \"{name}\"", sheet::SHEET_MAIN)))?,
        );
    }
    let mine: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let cell =
        |cells: &'_ [Data], c: usize| -> Data { cells.get(c).cloned().unwrap_or(Data::Empty) };
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut answers = Vec::new();
    let display = path.display().to_string();
    for (row, cells) in rows.iter().skip(1) {
        let text = |c: usize| crate::text::clean(&data_text(&cell(cells, c)));
        let id = crate::text::clean_id(&text(id_cols[0]));
        if id.is_empty() {
            if cells
                .iter()
                .all(|c| matches!(c, Data::Empty) || data_text(c).trim().is_empty())
            {
                continue;
            }
            problems.push(Problem {
                source: display.clone(),
                row: Some(*row),
                id: None,
                column: Some("账号ID".into()),
                message: "账号ID为空".into(),
            });
            continue;
        }
        let p = |column: Option<String>, message: String| Problem {
            source: display.clone(),
            row: Some(*row),
            id: Some(id.clone()),
            column,
            message,
        };
        if let Some(prev) = seen.insert(id.clone(), *row) {
            problems.push(p(None, format!("与第 {prev} 行重复")));
            continue;
        }
        let Some(account) = sample.get(id.as_str()) else {
            problems.push(p(
                Some("账号ID".into()),
                "未知账号ID:不在本项目的样本中".into(),
            ));
            continue;
        };
        if !mine.contains(id.as_str()) {
            problems.push(p(
                Some("账号ID".into()),
                format!("该账号不属于这份检查表(检查人 {inspector})"),
            ));
            continue;
        }
        let expected = identity_cells(account);
        let altered: Vec<String> = sheet::ID_COLUMNS
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(j, _)| text(id_cols[*j]) != crate::text::clean(&expected[*j]))
            .map(|(j, name)| {
                format!(
                    "{name}(应为 \"{}\",现为 \"{}\")",
                    expected[j],
                    text(id_cols[j])
                )
            })
            .collect();
        if !altered.is_empty() {
            problems.push(p(None, format!("账号信息被改动: {}", altered.join(";"))));
            continue;
        }
        let ind_vals: Vec<Data> = ind_cols.iter().map(|c| cell(cells, *c)).collect();
        let (d, ch, dt) = (
            cell(cells, named[0]),
            cell(cells, named[1]),
            cell(cells, named[2]),
        );
        let rc = RowCells {
            row: *row,
            id: id.clone(),
            indicators: ind_vals.iter().collect(),
            description: &d,
            checker: &ch,
            date: &dt,
        };
        match answers::read_row(cat, &display, &rc) {
            Ok(None) => {}
            Ok(Some((values, description, checker, date))) => answers.push(RowAnswer {
                source: source.clone(),
                source_sha256: sha256.clone(),
                workbook_inspector: inspector.clone(),
                row: *row,
                id,
                values,
                description,
                checker,
                date,
            }),
            Err(ps) => problems.extend(ps),
        }
    }
    for id in &ids {
        if !seen.contains_key(id) {
            problems.push(Problem {
                source: display.clone(),
                row: None,
                id: Some(id.clone()),
                column: None,
                message: "该账号的行被删除了".into(),
            });
        }
    }
    Ok(Workbook {
        inspector,
        sha256,
        answers,
    })
}

/// Results as table rows (results.csv).
pub fn results_table(
    cat: &Catalog,
    sample: &Registry,
    info: &[campaign::SampleInfo],
    results: &BTreeMap<String, answers::Result_>,
) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header: Vec<String> = [
        "账号ID",
        "名称",
        "类型",
        "开设主体",
        "层级",
        "地区",
        "主体类别",
        "开设主体分组",
        "分层",
        "入样方式",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(
        cat.indicators
            .iter()
            .map(|i| sheet::indicator_header(&i.code, &i.name)),
    );
    header.extend(
        [
            "扣分",
            "得分",
            "单项否决问题",
            "结论",
            "检查人",
            "检查日期",
            "问题描述",
            "来源文件",
            "行号",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let mut rows = Vec::new();
    for (a, inf) in sample.accounts.iter().zip(info) {
        let Some(r) = results.get(&a.id) else {
            continue;
        };
        let mut row = vec![
            a.id.clone(),
            a.name.clone(),
            a.account_type.clone(),
            a.owner.clone(),
            a.level.clone(),
            a.region.clone(),
            a.owner_kind.clone(),
            a.owner_group().to_string(),
            inf.stratum.clone(),
            inf.reason.clone(),
        ];
        row.extend(
            cat.indicators
                .iter()
                .zip(&r.answer.values)
                .map(|(i, v)| answers::value_label(i.kind, *v)),
        );
        let vetoes: Vec<String> = r
            .verdict
            .veto_hits
            .iter()
            .filter_map(|c| cat.get(c))
            .map(|i| i.name.clone())
            .collect();
        row.extend([
            r.verdict.deduction.to_string(),
            r.verdict.score.to_string(),
            vetoes.join(";"),
            r.verdict.label().to_string(),
            r.answer.checker.clone(),
            r.answer.date.clone(),
            r.answer.description.clone(),
            r.answer.source.clone(),
            r.answer.row.to_string(),
        ]);
        rows.push(row);
    }
    (header, rows)
}

/// Ingest `files`; returns the problems found (already printed by the caller).
pub fn collect(
    camp: &mut Campaign,
    files: &[std::path::PathBuf],
    prefer: &[String],
) -> Result<Vec<Problem>> {
    let (sample, info) = camp.sample()?;
    let cat = camp.catalog()?;
    if camp.manifest.sheets.is_none() {
        bail!(
            "{}: 尚未生成检查表;请先运行 audit sheet",
            camp.dir.display()
        );
    }
    let mut answers_all = load_answers(camp, &cat)?;
    let by_id = sample.by_id();
    let mut problems = Vec::new();
    let mut entry = camp.manifest.collect.clone().unwrap_or_default();
    for f in files {
        if !f.exists() {
            problems.push(Problem {
                source: f.display().to_string(),
                row: None,
                id: None,
                column: None,
                message: "文件不存在".into(),
            });
            continue;
        }
        let before = problems.len();
        match read_workbook(f, camp, &cat, &by_id, &mut problems) {
            Err(p) => problems.push(p),
            Ok(wb) => {
                let source = f
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let inbox_name = format!("{}/{}-{}", campaign::INBOX_DIR, &wb.sha256[..12], source);
                let bytes = std::fs::read(f)?;
                write_atomic(&camp.path(&inbox_name), &bytes)?;
                // A workbook is its file name and the inspector it was made for: a corrected
                // copy replaces only its own answers, and two inspectors' files that happen to
                // share a name do not replace each other.
                answers_all
                    .retain(|a| !(a.source == source && a.workbook_inspector == wb.inspector));
                let accepted = wb.answers.len() as u64;
                answers_all.extend(wb.answers);
                entry
                    .received
                    .retain(|r| !(r.source == source && r.inspector == wb.inspector));
                entry.received.push(ReceivedEntry {
                    source,
                    inspector: wb.inspector,
                    sha256: wb.sha256,
                    inbox_file: inbox_name,
                    collected_at: campaign::now(),
                    rows_accepted: accepted,
                    problems: (problems.len() - before) as u64,
                });
            }
        }
    }
    answers_all.sort_by(|a, b| a.source.cmp(&b.source).then(a.row.cmp(&b.row)));
    if !prefer.is_empty() {
        let known: HashSet<&str> = answers_all.iter().map(|a| a.source.as_str()).collect();
        let (_, open) = merge(&cat, &answers_all, &entry.preferences());
        for p in prefer {
            if !known.contains(p.as_str()) {
                let mut k: Vec<&str> = known.iter().copied().collect();
                k.sort();
                bail!(
                    "--prefer \"{p}\": 没有收到过这个文件;已收到: {}",
                    k.join(", ")
                );
            }
            let mut n = 0;
            for c in open
                .iter()
                .filter(|c| c.answers.iter().any(|a| &a.source == p))
            {
                entry.resolved.retain(|r| r.id != c.id);
                entry.resolved.push(campaign::Resolution {
                    id: c.id.clone(),
                    source: p.clone(),
                });
                n += 1;
            }
            println!("--prefer {p}: 解决了 {n} 个冲突");
        }
    }
    let (results, conflicts) = merge(&cat, &answers_all, &entry.preferences());

    let header = answers_header(&cat);
    let rows: Vec<Vec<String>> = answers_all
        .iter()
        .map(|a| {
            let mut r = vec![
                a.source.clone(),
                a.source_sha256.clone(),
                a.workbook_inspector.clone(),
                a.row.to_string(),
                a.id.clone(),
            ];
            r.extend(
                cat.indicators
                    .iter()
                    .zip(&a.values)
                    .map(|(i, v)| answers::value_label(i.kind, *v)),
            );
            r.extend([a.description.clone(), a.checker.clone(), a.date.clone()]);
            r
        })
        .collect();
    let (rh, rr) = results_table(&cat, &sample, &info, &results);
    let mut ch: Vec<String> = ["账号ID", "名称", "来源文件", "行号"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    ch.extend(
        cat.indicators
            .iter()
            .map(|i| sheet::indicator_header(&i.code, &i.name)),
    );
    ch.push("问题描述".into());
    let mut cr = Vec::new();
    for c in &conflicts {
        for a in &c.answers {
            let mut r = vec![
                c.id.clone(),
                by_id
                    .get(c.id.as_str())
                    .map(|x| x.name.clone())
                    .unwrap_or_default(),
                a.source.clone(),
                a.row.to_string(),
            ];
            r.extend(
                cat.indicators
                    .iter()
                    .zip(&a.values)
                    .map(|(i, v)| answers::value_label(i.kind, *v)),
            );
            r.push(a.description.clone());
            cr.push(r);
        }
    }
    write_atomic(&camp.path(campaign::ANSWERS), &csv_bytes(&header, &rows)?)?;
    write_atomic(&camp.path(campaign::RESULTS), &csv_bytes(&rh, &rr)?)?;
    write_atomic(&camp.path(campaign::CONFLICTS), &csv_bytes(&ch, &cr)?)?;
    camp.manifest.collect = Some(entry);
    camp.save()?;

    // Progress.
    println!(
        "已检查 {} / {} 个样本账号;冲突 {} 个",
        results.len(),
        sample.accounts.len(),
        conflicts.len()
    );
    let mut per: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for a in &answers_all {
        let e = per.entry(a.workbook_inspector.clone()).or_default();
        e.0 += 1;
    }
    if let Some(s) = &camp.manifest.sheets {
        for w in &s.workbooks {
            let got = per.get(&w.inspector).map(|x| x.0).unwrap_or(0);
            println!("  {}: {} / {}", w.inspector, got, w.accounts);
        }
    }
    for c in &conflicts {
        let srcs: Vec<String> = c
            .answers
            .iter()
            .map(|a| format!("{} 第 {} 行", a.source, a.row))
            .collect();
        println!(
            "  冲突: 账号 {} 在 {} 中的答案不同;用 --prefer 文件名 指定以哪份为准",
            c.id,
            srcs.join(" 与 ")
        );
    }
    let missing: Vec<&str> = sample
        .accounts
        .iter()
        .map(|a| a.id.as_str())
        .filter(|id| !results.contains_key(*id) && !conflicts.iter().any(|c| c.id == *id))
        .collect();
    if !missing.is_empty() {
        println!(
            "尚未检查 {} 个: {}{}",
            missing.len(),
            missing
                .iter()
                .take(15)
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
            if missing.len() > 15 { ", ……" } else { "" }
        );
    }
    println!("结果: {}", camp.path(campaign::RESULTS).display());
    Ok(problems)
}

pub fn run(args: &CollectArgs) -> Result<i32> {
    if args.files.is_empty() && args.prefer.is_empty() {
        bail!("请给出要收回的检查表文件,例如 audit collect --campaign DIR 返回/*.xlsx");
    }
    let mut camp = Campaign::open(&args.campaign)?;
    let problems = collect(&mut camp, &args.files, &args.prefer)?;
    if problems.is_empty() {
        return Ok(0);
    }
    eprintln!(
        "发现 {} 个问题(有问题的行未收录,请更正后重新收回该文件):",
        problems.len()
    );
    for p in &problems {
        eprintln!("  {p}");
    }
    Ok(1)
}
