//! Writing CSV (UTF-8 with BOM, for Excel) and xlsx helpers shared by the writers.

use anyhow::{Context, Result};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet, XlsxError};
use std::path::Path;

/// CSV bytes, UTF-8 with BOM so that Excel on a Chinese Windows opens it correctly.
pub fn csv_bytes(header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(header)?;
        for r in rows {
            w.write_record(r)?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// Write the canonical registry as CSV (UTF-8 with BOM), streamed from the accounts.
pub fn write_registry_csv(
    out: &mut dyn std::io::Write,
    reg: &crate::registry::Registry,
) -> Result<()> {
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(reg.canonical_header())?;
    for a in &reg.accounts {
        w.write_record(crate::registry::Registry::canonical_fields(a))?;
    }
    w.flush()?;
    Ok(())
}

/// The canonical registry as CSV bytes.
pub fn registry_csv_bytes(reg: &crate::registry::Registry) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_registry_csv(&mut out, reg)?;
    Ok(out)
}

/// Read a CSV this tool wrote (UTF-8, optional BOM): header and rows.
pub fn read_plain_csv(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let bytes = std::fs::read(path).with_context(|| format!("无法读取 {}", path.display()))?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(body);
    let header: Vec<String> = rdr
        .headers()
        .with_context(|| format!("{}: 无法读取表头", path.display()))?
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.with_context(|| format!("{}: 第 {} 行格式错误", path.display(), i + 2))?;
        rows.push(rec.iter().map(|s| s.to_string()).collect());
    }
    Ok((header, rows))
}

pub fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(0xDDEBF7)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
}

/// Column width (Excel character units) that fits CJK text: CJK characters count double.
pub fn fit_width(values: impl Iterator<Item = usize>) -> f64 {
    let w = values.max().unwrap_or(6).clamp(6, 60);
    w as f64 + 2.0
}

/// Set the widths of columns from their header and cell texts.
pub fn autofit(
    ws: &mut Worksheet,
    header: &[String],
    rows: &[Vec<String>],
) -> Result<(), XlsxError> {
    for (c, h) in header.iter().enumerate() {
        let widths = std::iter::once(crate::text::display_width(h)).chain(
            rows.iter()
                .take(2000)
                .map(|r| r.get(c).map(|s| crate::text::display_width(s)).unwrap_or(0)),
        );
        ws.set_column_width(c as u16, fit_width(widths))?;
    }
    Ok(())
}

/// Give a workbook fixed document properties (title, and the campaign's creation time instead of
/// "now"), so the same campaign and inputs always give the same bytes.
pub fn stamp(wb: &mut rust_xlsxwriter::Workbook, title: &str, created: &str) -> Result<()> {
    let t = chrono::DateTime::parse_from_rfc3339(created)
        .map(|d| d.naive_utc())
        .unwrap_or_default();
    use chrono::{Datelike, Timelike};
    let when = rust_xlsxwriter::ExcelDateTime::from_ymd(
        t.year().clamp(1900, 9999) as u16,
        t.month() as u8,
        t.day() as u8,
    )?
    .and_hms(t.hour() as u16, t.minute() as u8, t.second() as f64)?;
    let props = rust_xlsxwriter::DocProperties::new()
        .set_title(title)
        .set_author("audit")
        .set_creation_datetime(&when);
    wb.set_properties(&props);
    Ok(())
}
