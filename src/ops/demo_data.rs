//! Writing a generated registry export (`audit demo-data`, the demo, the benchmarks): the
//! export's bytes from `formats::demo_registry`, written atomically so a killed run never leaves
//! half a file under the final name.

use crate::domain::demo_data::DemoAccount;
use crate::formats::demo_registry::{csv_export, save_xlsx_export, DemoExportError, ExportKind};
use crate::store::output::{write_atomic, write_atomic_file, OutputError};
use std::path::{Path, PathBuf};

/// Why the demo registry was not written.
#[derive(Debug, thiserror::Error)]
pub enum DemoDataError {
    /// The file could not be written in place.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The CSV could not be built.
    #[error(transparent)]
    Csv(#[from] csv::Error),
    /// The workbook could not be built or saved.
    #[error(transparent)]
    Xlsx(#[from] DemoExportError),
    /// The file is neither .xlsx nor .csv.
    #[error("{}: 输出文件应为 .xlsx 或 .csv", .0.display())]
    Kind(PathBuf),
}

/// Write accounts as a registry export: a merged title row, then the header, then the rows
/// (.xlsx), or the header and the rows (.csv). Any other extension is refused.
pub fn write_registry(
    path: &Path,
    title: &str,
    accounts: &[DemoAccount],
) -> Result<(), DemoDataError> {
    match ExportKind::of(path) {
        Some(ExportKind::Csv) => Ok(write_atomic(path, &csv_export(accounts)?)?),
        Some(ExportKind::Xlsx) => write_atomic_file(path, |tmp| {
            save_xlsx_export(tmp, title, accounts).map_err(DemoDataError::from)
        }),
        None => Err(DemoDataError::Kind(path.to_path_buf())),
    }
}
