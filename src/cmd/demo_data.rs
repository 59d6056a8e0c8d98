//! `audit demo-data --accounts N --seed S --out FILE.xlsx|.csv`

use crate::cli::DemoDataArgs;
use crate::demo_data::{generate, DemoAccount, HEADER};
use crate::io::output::{guard_overwrite, write_atomic};
use anyhow::{bail, Context, Result};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};
use std::path::Path;

/// Write accounts as a registry export: a merged title row, then the header, then the rows.
pub fn write_registry(path: &Path, title: &str, accounts: &[DemoAccount]) -> Result<()> {
    let ext = crate::io::read::extension(path);
    match ext.as_str() {
        "csv" => {
            let header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
            let rows: Vec<Vec<String>> = accounts
                .iter()
                .enumerate()
                .map(|(i, a)| a.row(i as u64 + 1))
                .collect();
            write_atomic(path, &crate::io::write::csv_bytes(&header, &rows)?)
        }
        "xlsx" => {
            let mut wb = Workbook::new();
            crate::io::write::stamp(&mut wb, title, "2020-01-01T00:00:00+00:00")?;
            let ws = wb.add_worksheet_with_constant_memory();
            ws.set_name("备案台账")?;
            let title_fmt = Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center);
            ws.merge_range(0, 0, 0, HEADER.len() as u16 - 1, title, &title_fmt)?;
            let hf = crate::io::write::header_format();
            for (c, h) in HEADER.iter().enumerate() {
                ws.write_string_with_format(1, c as u16, *h, &hf)?;
            }
            let widths = [
                6.0, 12.0, 26.0, 12.0, 34.0, 12.0, 10.0, 10.0, 8.0, 12.0, 10.0,
            ];
            for (c, w) in widths.iter().enumerate() {
                ws.set_column_width(c as u16, *w)?;
            }
            for (i, a) in accounts.iter().enumerate() {
                let r = i as u32 + 2;
                ws.write_number(r, 0, (i + 1) as f64)?;
                for (c, v) in a.row(i as u64 + 1).iter().enumerate().skip(1) {
                    if c == 10 {
                        ws.write_number(r, c as u16, a.followers as f64)?;
                    } else {
                        ws.write_string(r, c as u16, v)?;
                    }
                }
            }
            crate::io::output::write_atomic_file(path, |tmp| {
                wb.save(tmp)
                    .with_context(|| format!("无法写入 {}", tmp.display()))
            })
        }
        _ => bail!("{}: 输出文件应为 .xlsx 或 .csv", path.display()),
    }
}

/// Run `audit demo-data`.
pub fn run(args: &DemoDataArgs) -> Result<i32> {
    guard_overwrite(&args.out, args.force, "输出文件")?;
    if args.accounts == 0 {
        bail!("--accounts 应大于 0");
    }
    let accounts = generate(args.accounts, args.seed);
    write_registry(&args.out, "江苏省政务新媒体备案台账(演示数据)", &accounts)?;
    println!(
        "已生成 {} 个演示账号(种子 {}): {}",
        args.accounts,
        args.seed,
        args.out.display()
    );
    Ok(0)
}
