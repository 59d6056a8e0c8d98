//! `audit sheet --campaign DIR [--inspectors N | --assign FILE] [--deadline DATE] [--catalog FILE]`

use crate::answers::assign::{self, Item};
use crate::campaign::{self, Access, Campaign, SheetsEntry, WorkbookEntry};
use crate::cli::SheetArgs;
use crate::io::read::read_all;
use crate::registry::{Field, Registry};
use crate::workbook::{build, Fill, Meta, SheetSpec};
use anyhow::{anyhow, bail, Result};
use std::collections::HashMap;
use std::path::Path;

/// The registry columns `--show` names (each must exist), or the default ones.
fn finding_columns(sample: &Registry, show: Option<&[String]>) -> Result<Vec<(String, usize)>> {
    let Some(names) = show else {
        return Ok(crate::workbook::default_finding_columns(
            &sample.extra_headers,
        ));
    };
    let mut names: Vec<String> = names
        .iter()
        .map(|n| crate::text::clean(n))
        .filter(|n| !n.is_empty())
        .collect();
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(crate::text::match_key(n)));
    if let Some(n) = names.iter().find(|n| Field::from_header(n).is_some()) {
        bail!("--show \"{n}\" 已是检查表的账号信息列,无需再显示");
    }
    names
        .into_iter()
        .map(|n| {
            match sample
                .extra_headers
                .iter()
                .position(|h| crate::text::match_key(h) == crate::text::match_key(&n))
            {
                Some(i) => Ok((sample.extra_headers[i].clone(), i)),
                None => bail!(
                    "--show \"{n}\" 不是台账中的列;可显示的列: {}",
                    if sample.extra_headers.is_empty() {
                        "(台账没有其他列)".to_string()
                    } else {
                        sample.extra_headers.join("、")
                    }
                ),
            }
        })
        .collect()
}

/// Parse a CSV/xlsx mapping id or region (地区) to an inspector name (检查人).
fn read_assign(path: &Path) -> Result<(HashMap<String, String>, HashMap<String, String>)> {
    let file = path.display().to_string();
    let (rows, _) = read_all(path, None).map_err(|e| anyhow!(e))?;
    let Some((hrow, header)) = rows.first() else {
        bail!("{file}: 分配文件为空");
    };
    let find = |f: Field| header.iter().position(|h| Field::from_header(h) == Some(f));
    let who = header
        .iter()
        .position(|h| {
            matches!(
                crate::text::match_key(h).as_str(),
                "检查人" | "检查员" | "inspector"
            )
        })
        .ok_or_else(|| {
            anyhow!(
                "{file}: 第 {hrow} 行表头缺少 检查人 列;找到: {}",
                header.join(", ")
            )
        })?;
    let id_col = find(Field::Id);
    let region_col = find(Field::Region);
    if id_col.is_none() && region_col.is_none() {
        bail!(
            "{file}: 第 {hrow} 行表头需要 账号ID 或 地区 列;找到: {}",
            header.join(", ")
        );
    }
    let (mut by_id, mut by_region) = (HashMap::new(), HashMap::new());
    for (row, cells) in rows.iter().skip(1) {
        let get = |c: Option<usize>| {
            c.and_then(|c| cells.get(c))
                .map(|s| crate::text::clean(s))
                .unwrap_or_default()
        };
        let name = get(Some(who));
        if name.is_empty() {
            bail!("{file}: 第 {row} 行缺少检查人");
        }
        let id = crate::text::clean_id(&get(id_col));
        let region = get(region_col);
        if !id.is_empty() {
            by_id.insert(id, name);
        } else if !region.is_empty() {
            by_region.insert(crate::registry::normalize::region(&region, ""), name);
        } else {
            bail!("{file}: 第 {row} 行既没有账号ID也没有地区");
        }
    }
    Ok((by_id, by_region))
}

/// A file name for each inspector's workbook: characters Windows forbids become "_", and names
/// that would still collide (also ignoring case, as Windows does) get a numbered suffix.
pub fn workbook_names(campaign: &str, inspectors: &[&str]) -> Vec<String> {
    let mut used = std::collections::HashSet::new();
    inspectors
        .iter()
        .map(|inspector| {
            let safe: String = format!("{campaign}_{inspector}")
                .chars()
                .map(|c| {
                    if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
                        || c.is_control()
                    {
                        '_'
                    } else {
                        c
                    }
                })
                .collect();
            let mut name = format!("{safe}.xlsx");
            let mut k = 2;
            while !used.insert(name.to_lowercase()) {
                name = format!("{safe}_{k}.xlsx");
                k += 1;
            }
            name
        })
        .collect()
}

/// A workbook's id: keyed by the campaign's secret over everything that makes it this
/// workbook, its account list included, so a re-assigned workbook is a different workbook.
fn workbook_id(
    secret: &crate::campaign::Secret,
    campaign_id: &str,
    sample_sha: &str,
    catalog_sha: &str,
    inspector: &str,
    ids: &[String],
) -> String {
    let text = format!(
        "workbook-id\n{campaign_id}\n{sample_sha}\n{catalog_sha}\n{inspector}\n{}",
        ids.join("\n")
    );
    secret.sign(text.as_bytes())[..16].to_string()
}

/// A workbook made by [`write_sheets`]: its manifest entry and its signed hidden sheet.
pub struct Issued {
    /// The manifest entry.
    pub entry: WorkbookEntry,
    /// The signed hidden sheet.
    pub meta: Meta,
}

/// Group the sample's accounts by inspector, from `--assign` or `--inspectors`.
fn assignment(
    sample: &crate::registry::Registry,
    args: &SheetArgs,
    region_order: &[String],
) -> Result<Vec<(String, Vec<String>)>> {
    let items: Vec<Item> = sample
        .accounts
        .iter()
        .map(|a| Item {
            id: &a.id,
            region: &a.region,
        })
        .collect();
    match (&args.assign, args.inspectors) {
        (Some(p), _) => {
            let (by_id, by_region) = read_assign(p)?;
            assign::by_mapping(&items, &by_id, &by_region).map_err(|missing| {
                anyhow!(
                    "{}: {} 个样本账号没有分配检查人: {}",
                    p.display(),
                    missing.len(),
                    missing
                        .iter()
                        .take(10)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        }
        (None, n) => {
            let n = n.unwrap_or(1);
            if n == 0 || n > items.len().max(1) {
                bail!("--inspectors {n} 应在 1 到样本量 {} 之间", items.len());
            }
            Ok(assign::balanced(&items, n, region_order))
        }
    }
}

/// Refuse to regenerate over a workbook that is not exactly as the tool wrote it (an inspector
/// may have filled it in place), and list the old ones to remove.
fn old_workbooks(camp: &Campaign, keep: &[WorkbookEntry]) -> Result<Vec<String>> {
    let mut remove = Vec::new();
    let old = camp.manifest.sheets.iter().flat_map(|s| s.workbooks.iter());
    for w in old {
        let path = camp.path(&w.file);
        if !path.exists() {
            continue;
        }
        if w.sha256.is_empty() || campaign::sha256_file(&path)? != w.sha256 {
            bail!(
                "{} 在生成后被改动过(可能已在其中填写),为免丢失不会覆盖或删除;请先把它移出 {} 目录(填好的检查表用 audit collect 收回)",
                path.display(),
                campaign::SHEETS_DIR
            );
        }
        if !keep.iter().any(|e| e.file == w.file) {
            remove.push(w.file.clone());
        }
    }
    for e in keep {
        let path = camp.path(&e.file);
        let ours = camp
            .manifest
            .sheets
            .iter()
            .flat_map(|s| s.workbooks.iter())
            .any(|w| w.file == e.file);
        if path.exists() && !ours {
            bail!(
                "{} 不是 audit 生成的检查表,不会覆盖;请先把它移走",
                path.display()
            );
        }
    }
    Ok(remove)
}

/// Write the workbooks. `fills` pre-fills answers (used by `audit demo` to simulate inspectors).
pub fn write_sheets(
    camp: &mut Campaign,
    args: &SheetArgs,
    fills: Option<&HashMap<String, Fill>>,
) -> Result<Vec<Issued>> {
    let (sample, _) = camp.sample()?;
    let (catalog, catalog_text) = super::indicators::load(args.catalog.as_deref())?;
    let catalog_sha = campaign::sha256_hex(catalog_text.as_bytes());
    let sample_sha = camp.manifest.sample_sha256().to_string();
    if let Some(old) = &camp.manifest.sheets {
        if !args.force {
            bail!(
                "{} 已生成检查表({} 份);如确需重新生成请加 --force(样本和指标目录不变时,已发出的检查表交回后仍会收录)",
                camp.dir.display(),
                old.workbooks.len()
            );
        }
        let received = camp
            .manifest
            .collect
            .as_ref()
            .is_some_and(|c| !c.received.is_empty());
        if received && old.catalog_sha256 != catalog_sha {
            bail!("本项目已收回检查结果,不能再更换指标目录");
        }
    }
    if let Some(d) = &args.deadline {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| anyhow!("--deadline \"{d}\" 不是 YYYY-MM-DD 格式的日期"))?;
    }
    let groups = assignment(&sample, args, &camp.profile()?.prefecture_order())?;
    let finding = finding_columns(&sample, args.show.as_deref())?;
    let mut txn = camp.begin()?;
    let secret = camp.secret_or_create(&mut txn)?;
    let by_id = sample.by_id();
    let inspectors: Vec<&str> = groups.iter().map(|(i, _)| i.as_str()).collect();
    let names = workbook_names(&camp.manifest.name, &inspectors);
    let mut issued = Vec::new();
    let mut outputs = Vec::new();
    for ((inspector, ids), name) in groups.iter().zip(&names) {
        let workbook_id = workbook_id(
            &secret,
            &camp.manifest.id,
            &sample_sha,
            &catalog_sha,
            inspector,
            ids,
        );
        let meta = Meta {
            kind: crate::workbook::meta::MetaKind::Inspection,
            campaign: camp.manifest.name.clone(),
            campaign_id: camp.manifest.id.clone(),
            sample_sha256: sample_sha.clone(),
            catalog_sha256: catalog_sha.clone(),
            workbook_id,
            inspector: inspector.clone(),
            ids: ids.clone(),
            signature: String::new(),
        }
        .signed(&secret);
        let bytes = build(&SheetSpec {
            meta: &meta,
            deadline: args.deadline.as_deref(),
            catalog: &catalog,
            accounts: ids
                .iter()
                .filter_map(|id| by_id.get(id.as_str()).copied())
                .collect(),
            fills,
            simulated: camp.manifest.simulated,
            created: &camp.manifest.created,
            finding: finding.clone(),
        })?;
        let entry = WorkbookEntry {
            id: meta.workbook_id.clone(),
            inspector: inspector.clone(),
            file: format!("{}/{name}", campaign::SHEETS_DIR),
            accounts: ids.len() as u64,
            sha256: campaign::sha256_hex(&bytes),
        };
        outputs.push((entry.file.clone(), bytes));
        issued.push(Issued { entry, meta });
    }
    let entries: Vec<WorkbookEntry> = issued.iter().map(|i| i.entry.clone()).collect();
    for old in old_workbooks(camp, &entries)? {
        txn.remove(&old);
    }
    for (file, bytes) in &outputs {
        txn.put_copy(file, bytes)?;
    }
    txn.put(campaign::CATALOG, catalog_text.as_bytes())?;
    camp.manifest.sheets = Some(SheetsEntry {
        created: campaign::now(),
        deadline: args.deadline.clone(),
        catalog_file: campaign::CATALOG.into(),
        catalog_sha256: catalog_sha,
        sample_sha256: sample_sha,
        workbooks: entries,
    });
    camp.commit(txn)?;
    Ok(issued)
}

/// Run `audit sheet`.
pub fn run(args: &SheetArgs) -> Result<i32> {
    let mut camp = Campaign::open(&args.campaign, Access::Write)?;
    let issued = write_sheets(&mut camp, args, None)?;
    println!("已生成 {} 份检查表:", issued.len());
    for e in issued.iter().map(|i| &i.entry) {
        println!(
            "  {}  {} 个账号  {}",
            e.inspector,
            e.accounts,
            camp.path(&e.file).display()
        );
    }
    println!(
        "指标目录已固定在 {}(本项目之后不能再悄悄更换)",
        camp.path(campaign::CATALOG).display()
    );
    Ok(0)
}
