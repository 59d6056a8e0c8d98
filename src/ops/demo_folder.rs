//! The demo's output folder: which files in it the demo wrote (registries, monitoring exports,
//! returned workbooks; campaigns are judged by their manifest), recorded in the folder's marker,
//! and cleared with `--force` only when they are unchanged.

use crate::store::output::OutputError;
use crate::store::{Access, Campaign};
use std::path::{Path, PathBuf};

/// Why the demo folder was not sealed or cleared.
#[derive(Debug, thiserror::Error)]
pub enum DemoFolderError {
    /// Listing or sealing the folder failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A quarter's folder is a campaign not made by the demo.
    #[error("{} 不是 audit demo 生成的演示项目(清单未标明模拟数据),不会覆盖或删除;请用 --out 指定其他目录", .0.display())]
    NotDemo(PathBuf),
    /// The demo is there and `--force` was not given.
    #[error("{} 中已有演示项目;加 --force 重新生成,或用 --out 指定其他目录", .0.display())]
    Exists(PathBuf),
    /// A demo file was changed or not written by the demo.
    #[error("{} 不是 audit demo 写的、或写出后被改动过,不会删除;请用 --out 指定其他目录", .0.display())]
    Foreign(PathBuf),
    /// A demo file or folder could not be removed.
    #[error("无法删除 {}: {reason}", path.display())]
    Remove {
        /// The file or folder.
        path: PathBuf,
        /// The OS error (in the message itself, as before).
        reason: std::io::Error,
    },
}

type Result<T, E = DemoFolderError> = std::result::Result<T, E>;

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
    Ok(crate::store::output::seal_files(out, &files)?)
}

/// With `--force`, clear the demo's earlier outputs: a campaign only when its manifest says it
/// is simulated, a file only when the marker lists it unchanged; anything else is refused, by
/// name, and nothing is deleted.
pub fn clear(out: &Path, quarters: &[&str], force: bool) -> Result<()> {
    let campaigns: Vec<std::path::PathBuf> = quarters.iter().map(|q| out.join(q)).collect();
    for c in campaigns.iter().filter(|c| c.exists()) {
        let simulated = Campaign::open(c, Access::Read).map(|camp| camp.manifest.simulated);
        if !matches!(simulated, Ok(true)) {
            return Err(DemoFolderError::NotDemo(c.clone()));
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
        return Err(DemoFolderError::Exists(out.to_path_buf()));
    }
    let foreign = crate::store::output::foreign_files(out)?;
    if let Some(f) = files.iter().find(|f| foreign.contains(f)) {
        return Err(DemoFolderError::Foreign(out.join(f)));
    }
    for c in campaigns.iter().filter(|c| c.exists()) {
        std::fs::remove_dir_all(c).map_err(|reason| DemoFolderError::Remove {
            path: c.clone(),
            reason,
        })?;
    }
    for f in &files {
        let p = out.join(f);
        std::fs::remove_file(&p).map_err(|reason| DemoFolderError::Remove {
            path: p.clone(),
            reason,
        })?;
        if let Some(parent) = p.parent().filter(|d| *d != out) {
            let _ = std::fs::remove_dir(parent); // only when empty
        }
    }
    Ok(())
}
