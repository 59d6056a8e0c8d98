//! The demo's output folder: which files in it the demo wrote (registries, monitoring exports,
//! returned workbooks; campaigns are judged by their manifest), recorded in the folder's marker,
//! and cleared with `--force` only when they are unchanged.

use crate::store::{Access, Campaign};
use anyhow::{bail, Result};
use std::path::Path;

/// Whether a file under the demo folder is one the demo writes (a registry or a returned
/// workbook); campaigns are judged by their manifest instead.
fn is_demo_file(rel: &str, quarters: &[&str]) -> bool {
    quarters.iter().any(|q| {
        rel == format!("台账_{q}.xlsx")
            || rel == format!("{q}_监测数据.xlsx")
            || rel.starts_with(&format!("{q}_模拟交回/"))
    })
}

/// Record the demo's own files in the folder's marker.
pub fn seal(out: &Path, quarters: &[&str]) -> Result<()> {
    let files: Vec<String> = crate::store::output::files_under(out)?
        .into_iter()
        .filter(|f| is_demo_file(f, quarters))
        .collect();
    crate::store::output::seal_files(out, &files)
}

/// With `--force`, clear the demo's earlier outputs: a campaign only when its manifest says it
/// is simulated, a file only when the marker lists it unchanged; anything else is refused, by
/// name, and nothing is deleted.
pub fn clear(out: &Path, quarters: &[&str], force: bool) -> Result<()> {
    let campaigns: Vec<std::path::PathBuf> = quarters.iter().map(|q| out.join(q)).collect();
    for c in campaigns.iter().filter(|c| c.exists()) {
        let simulated = Campaign::open(c, Access::Read).map(|camp| camp.manifest.simulated);
        if !matches!(simulated, Ok(true)) {
            bail!("{} 不是 audit demo 生成的演示项目(清单未标明模拟数据),不会覆盖或删除;请用 --out 指定其他目录", c.display());
        }
    }
    let files: Vec<String> = if out.is_dir() {
        crate::store::output::files_under(out)?
            .into_iter()
            .filter(|f| is_demo_file(f, quarters))
            .collect()
    } else {
        Vec::new()
    };
    if files.is_empty() && !campaigns.iter().any(|c| c.exists()) {
        return Ok(());
    }
    if !force {
        bail!(
            "{} 中已有演示项目;加 --force 重新生成,或用 --out 指定其他目录",
            out.display()
        );
    }
    let foreign = crate::store::output::foreign_files(out)?;
    if let Some(f) = files.iter().find(|f| foreign.contains(f)) {
        bail!(
            "{} 不是 audit demo 写的、或写出后被改动过,不会删除;请用 --out 指定其他目录",
            out.join(f).display()
        );
    }
    for c in campaigns.iter().filter(|c| c.exists()) {
        std::fs::remove_dir_all(c).map_err(|e| anyhow::anyhow!("无法删除 {}: {e}", c.display()))?;
    }
    for f in &files {
        let p = out.join(f);
        std::fs::remove_file(&p).map_err(|e| anyhow::anyhow!("无法删除 {}: {e}", p.display()))?;
        if let Some(parent) = p.parent().filter(|d| *d != out) {
            let _ = std::fs::remove_dir(parent); // only when empty
        }
    }
    Ok(())
}
