//! Writing generated demo accounts ([`crate::domain::demo_data`]) as a registry export, the way the
//! filing platform exports one: an .xlsx with a merged title row above the header, or a CSV.
//! The generator itself stays pure; `ops::demo_data::write_registry` writes the file atomically
//! for `audit demo-data`, the demo and the benchmarks.

use crate::domain::demo_data::{DemoAccount, HEADER};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};
use std::path::{Path, PathBuf};

/// Why the demo registry workbook was not written.
#[derive(Debug, thiserror::Error)]
pub enum DemoExportError {
    /// The xlsx writer failed while building it.
    #[error(transparent)]
    Build(#[from] XlsxError),
    /// It could not be saved.
    #[error("无法写入 {}", path.display())]
    Save {
        /// The file.
        path: PathBuf,
        /// The writer's error.
        #[source]
        source: XlsxError,
    },
}

/// The kind of registry export a file name asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// An .xlsx with a merged title row above the header.
    Xlsx,
    /// A CSV with the header and the rows.
    Csv,
}

impl ExportKind {
    /// The kind for a file name by its extension; `None` for anything but .xlsx and .csv.
    pub fn of(path: &Path) -> Option<ExportKind> {
        match crate::formats::read::extension(path).as_str() {
            "csv" => Some(ExportKind::Csv),
            "xlsx" => Some(ExportKind::Xlsx),
            _ => None,
        }
    }
}

/// The accounts as a CSV export (UTF-8 with BOM): the header, then one row per account.
pub fn csv_export(accounts: &[DemoAccount]) -> csv::Result<Vec<u8>> {
    let header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
    let rows: Vec<Vec<String>> = accounts
        .iter()
        .enumerate()
        .map(|(i, a)| a.row(i as u64 + 1))
        .collect();
    crate::domain::csv_text::csv_bytes(&header, &rows)
}

/// Save the accounts as an .xlsx export at `path` (the caller makes it atomic): one sheet
/// 备案台账, streamed in constant memory (a benchmark writes a million rows).
pub fn save_xlsx_export(
    path: &Path,
    title: &str,
    accounts: &[DemoAccount],
) -> Result<(), DemoExportError> {
    let mut wb = Workbook::new();
    crate::formats::write::stamp(&mut wb, title, "2020-01-01T00:00:00+00:00")?;
    let ws = wb.add_worksheet_with_constant_memory();
    ws.set_name("备案台账")?;
    write_title_and_header(ws, title)?;
    for (i, a) in accounts.iter().enumerate() {
        let r = i as u32 + 2;
        ws.write_number(r, 0, (i + 1) as f64)?;
        for (c, v) in a.row(i as u64 + 1).iter().enumerate().skip(1) {
            // 粉丝数 is a number in the platform's export, as it is here.
            if c == 10 {
                ws.write_number(r, c as u16, a.followers as f64)?;
            } else {
                ws.write_string(r, c as u16, v)?;
            }
        }
    }
    wb.save(path).map_err(|source| DemoExportError::Save {
        path: path.to_path_buf(),
        source,
    })
}

/// Row 1: the title merged across the columns; row 2: the header; and the column widths.
fn write_title_and_header(ws: &mut Worksheet, title: &str) -> Result<(), XlsxError> {
    let title_fmt = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    ws.merge_range(0, 0, 0, HEADER.len() as u16 - 1, title, &title_fmt)?;
    let hf = crate::formats::write::header_format();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *h, &hf)?;
    }
    let widths = [
        6.0, 12.0, 26.0, 12.0, 34.0, 12.0, 10.0, 10.0, 8.0, 12.0, 10.0,
    ];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    Ok(())
}
