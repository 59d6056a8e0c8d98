//! Writing a generated registry export (`audit demo-data`, the demo, the benchmarks): the
//! export's bytes from `formats::demo_registry`, written atomically so a killed run never leaves
//! half a file under the final name.

use crate::domain::demo_data::DemoAccount;
use crate::formats::demo_registry::{csv_export, save_xlsx_export, ExportKind};
use crate::store::output::{write_atomic, write_atomic_file};
use anyhow::{bail, Result};
use std::path::Path;

/// Write accounts as a registry export: a merged title row, then the header, then the rows
/// (.xlsx), or the header and the rows (.csv). Any other extension is refused.
pub fn write_registry(path: &Path, title: &str, accounts: &[DemoAccount]) -> Result<()> {
    match ExportKind::of(path) {
        Some(ExportKind::Csv) => write_atomic(path, &csv_export(accounts)?),
        Some(ExportKind::Xlsx) => {
            write_atomic_file(path, |tmp| save_xlsx_export(tmp, title, accounts))
        }
        None => bail!("{}: 输出文件应为 .xlsx 或 .csv", path.display()),
    }
}
