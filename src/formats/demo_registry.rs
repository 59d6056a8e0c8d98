//! Writing generated demo accounts ([`crate::domain::demo_data`]) as a registry export, the way the
//! filing platform exports one: an .xlsx with a merged title row above the header, or a CSV.
//! It lives in `io` because it writes a file; the generator itself stays pure. `audit demo-data`,
//! the demo and the benchmarks all write their registries with it.

use crate::domain::demo_data::{DemoAccount, HEADER};
use crate::store::output::write_atomic;
use anyhow::{bail, Context, Result};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet};
use std::path::Path;

/// Write accounts as a registry export: a merged title row, then the header, then the rows
/// (.xlsx), or the header and the rows (.csv). Any other extension is refused.
pub fn write_registry(path: &Path, title: &str, accounts: &[DemoAccount]) -> Result<()> {
    let ext = crate::formats::read::extension(path);
    match ext.as_str() {
        "csv" => {
            let header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
            let rows: Vec<Vec<String>> = accounts
                .iter()
                .enumerate()
                .map(|(i, a)| a.row(i as u64 + 1))
                .collect();
            write_atomic(path, &crate::formats::write::csv_bytes(&header, &rows)?)
        }
        "xlsx" => write_xlsx(path, title, accounts),
        _ => bail!("{}: 输出文件应为 .xlsx 或 .csv", path.display()),
    }
}

/// The .xlsx export: one sheet 备案台账, streamed in constant memory (a benchmark writes a
/// million rows).
fn write_xlsx(path: &Path, title: &str, accounts: &[DemoAccount]) -> Result<()> {
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
    crate::store::output::write_atomic_file(path, |tmp| {
        wb.save(tmp)
            .with_context(|| format!("无法写入 {}", tmp.display()))
    })
}

/// Row 1: the title merged across the columns; row 2: the header; and the column widths.
fn write_title_and_header(ws: &mut Worksheet, title: &str) -> Result<()> {
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
