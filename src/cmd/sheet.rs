//! `audit sheet --campaign DIR [--inspectors N | --assign FILE] [--deadline DATE] [--catalog FILE]`

use crate::answers::assign::{self, Item};
use crate::campaign::{self, write_atomic, Campaign, SheetsEntry, WorkbookEntry};
use crate::cli::SheetArgs;
use crate::io::read::read_all;
use crate::io::sheet::{build, Fill, SheetSpec};
use crate::registry::Field;
use anyhow::{anyhow, bail, Result};
use std::collections::HashMap;
use std::path::Path;

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

pub fn workbook_name(campaign: &str, inspector: &str) -> String {
    let safe: String = format!("{campaign}_{inspector}")
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!("{safe}.xlsx")
}

/// Write the workbooks. `fills` pre-fills answers (used by `audit demo` to simulate inspectors).
pub fn write_sheets(
    camp: &mut Campaign,
    args: &SheetArgs,
    fills: Option<&HashMap<String, Fill>>,
) -> Result<Vec<WorkbookEntry>> {
    let (sample, _) = camp.sample()?;
    let (catalog, catalog_text) = super::indicators::load(args.catalog.as_deref())?;
    let catalog_sha = campaign::sha256_hex(catalog_text.as_bytes());
    let sample_sha = camp
        .manifest
        .sample
        .as_ref()
        .map(|d| d.sample_sha256.clone())
        .unwrap_or_default();
    if let Some(old) = &camp.manifest.sheets {
        if !args.force {
            bail!(
                "{} 已生成检查表({} 份);重新生成会使已发出的检查表作废,如确需重新生成请加 --force",
                camp.dir.display(),
                old.workbooks.len()
            );
        }
        if camp
            .manifest
            .collect
            .as_ref()
            .is_some_and(|c| !c.received.is_empty())
            && old.catalog_sha256 != catalog_sha
        {
            bail!("本项目已收回检查结果,不能再更换指标目录");
        }
    }
    if let Some(d) = &args.deadline {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| anyhow!("--deadline \"{d}\" 不是 YYYY-MM-DD 格式的日期"))?;
    }
    let items: Vec<Item> = sample
        .accounts
        .iter()
        .map(|a| Item {
            id: &a.id,
            region: &a.region,
        })
        .collect();
    let groups = match (&args.assign, args.inspectors) {
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
            })?
        }
        (None, n) => {
            let n = n.unwrap_or(1);
            if n == 0 || n > items.len().max(1) {
                bail!("--inspectors {n} 应在 1 到样本量 {} 之间", items.len());
            }
            assign::balanced(&items, n)
        }
    };
    let by_id = sample.by_id();
    let dir = camp.path(campaign::SHEETS_DIR);
    let mut entries = Vec::new();
    let mut outputs = Vec::new();
    for (inspector, ids) in &groups {
        let accounts = ids
            .iter()
            .filter_map(|id| by_id.get(id.as_str()).copied())
            .collect();
        let bytes = build(&SheetSpec {
            campaign: &camp.manifest.name,
            inspector,
            deadline: args.deadline.as_deref(),
            catalog: &catalog,
            sample_sha256: &sample_sha,
            catalog_sha256: &catalog_sha,
            accounts,
            fills,
            simulated: camp.manifest.simulated,
            created: &camp.manifest.created,
        })?;
        let name = workbook_name(&camp.manifest.name, inspector);
        outputs.push((dir.join(&name), bytes));
        entries.push(WorkbookEntry {
            inspector: inspector.clone(),
            file: format!("{}/{name}", campaign::SHEETS_DIR),
            accounts: ids.len() as u64,
        });
    }
    // Everything is built before anything is written; old workbooks no longer listed go away.
    if let Some(old) = &camp.manifest.sheets {
        for w in &old.workbooks {
            if !entries.iter().any(|e| e.file == w.file) {
                let _ = std::fs::remove_file(camp.path(&w.file));
            }
        }
    }
    for (path, bytes) in &outputs {
        write_atomic(path, bytes)?;
    }
    write_atomic(&camp.path(campaign::CATALOG), catalog_text.as_bytes())?;
    camp.manifest.sheets = Some(SheetsEntry {
        created: campaign::now(),
        deadline: args.deadline.clone(),
        catalog_file: campaign::CATALOG.into(),
        catalog_sha256: catalog_sha,
        sample_sha256: sample_sha,
        workbooks: entries.clone(),
    });
    camp.save()?;
    Ok(entries)
}

pub fn run(args: &SheetArgs) -> Result<i32> {
    let mut camp = Campaign::open(&args.campaign)?;
    let entries = write_sheets(&mut camp, args, None)?;
    println!("已生成 {} 份检查表:", entries.len());
    for e in &entries {
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
