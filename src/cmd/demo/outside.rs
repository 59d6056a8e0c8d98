//! The demo's outside world: the monitoring platform's export, and the workbooks the simulated
//! inspectors send back.

use super::round::Round;
use crate::domain::answers::Fill;
use crate::domain::indicators::Catalog;
use crate::formats::workbook::{build, SheetSpec};
use crate::ops::issue::Issued;
use crate::store::Campaign;
use anyhow::Result;
use std::collections::HashMap;
use std::path::Path;

/// The monitoring platform's export for the sampled accounts (plus a few accounts outside the
/// sample, as a real export has), two days before the check.
pub fn write_monitoring(
    out: &Path,
    round: &Round<'_>,
    cat: &Catalog,
    sample: &[crate::domain::registry::Account],
    fills: &HashMap<String, Fill>,
) -> Result<std::path::PathBuf> {
    let at = round.date - chrono::Duration::days(2);
    let with_truth: Vec<(&crate::domain::registry::Account, &[u32])> = sample
        .iter()
        .filter_map(|a| Some((a, fills.get(&a.id)?.values.as_slice())))
        .collect();
    let mut rows = crate::domain::demo_data::monitor::rows(cat, &with_truth, at, round.seed);
    rows.push(vec![
        "JS9999999".into(),
        "已注销的示例账号".into(),
        "微信".into(),
        "2019-06-30 10:00".into(),
        String::new(),
        String::new(),
        "异常".into(),
        format!("{at} 09:00"),
    ]);
    let header: Vec<String> = crate::domain::demo_data::monitor::HEADER
        .map(String::from)
        .to_vec();
    let title = format!("政务新媒体监测数据导出(演示数据,监测时间 {at})");
    let bytes = crate::formats::write::table_xlsx(
        &title,
        "监测数据",
        &header,
        &rows,
        "2020-01-01T00:00:00+00:00",
    )?;
    let path = out.join(format!("{}_监测数据.xlsx", round.name));
    crate::store::output::write_atomic(&path, &bytes)?;
    println!("  监测数据(模拟): {}", path.display());
    Ok(path)
}

/// The workbooks as the simulated inspectors return them: every row filled, pre-fills kept
/// where the inspector agrees and changed where the monitoring data was wrong.
pub fn write_returned(
    out: &Path,
    round: &Round<'_>,
    camp: &Campaign,
    issued: &[Issued],
    fills: &HashMap<String, Fill>,
) -> Result<Vec<std::path::PathBuf>> {
    let (sample, _) = camp.sample()?;
    let cat = camp.catalog()?;
    let by_id = sample.by_id();
    let returned = out.join(format!("{}_模拟交回", round.name));
    let mut files = Vec::new();
    for wb in issued {
        let bytes = build(&SheetSpec {
            meta: &wb.meta,
            deadline: Some(round.deadline),
            catalog: &cat,
            accounts: wb
                .meta
                .ids
                .iter()
                .filter_map(|id| by_id.get(id.as_str()).copied())
                .collect(),
            fills: Some(fills),
            simulated: true,
            created: &camp.manifest.created,
            finding: crate::formats::workbook::default_finding_columns(&sample.extra_headers),
        })?;
        let file = wb.entry.file.rsplit('/').next().unwrap_or(&wb.entry.file);
        let path = returned.join(file);
        crate::store::output::write_atomic(&path, &bytes)?;
        files.push(path);
    }
    println!("  模拟交回 {} 份: {}", files.len(), returned.display());
    Ok(files)
}
