//! Writing CSV (UTF-8 with BOM, for Excel) and xlsx helpers shared by the writers.

use anyhow::{Context, Result};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet, XlsxError};
use std::path::Path;

/// Whether a cell would be read as a formula by Excel or LibreOffice when the CSV is opened
/// (OWASP's rule: it begins with = + - @, a tab or a carriage return), or is one of our own
/// guarded cells (a `'` before such a start), which must be guarded again to round-trip.
/// A plain number ("-3.2") is never a formula and is left alone.
fn needs_guard(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => {
            // A number, or a percentage ("-5.3%"), is data Excel reads as such, never a formula.
            let number = s.strip_suffix('%').unwrap_or(s);
            !number.parse::<f64>().is_ok_and(f64::is_finite)
        }
        Some(b'\'') => needs_guard(&s[1..]),
        _ => false,
    }
}

/// A cell as written to a CSV: a leading `'` keeps a formula-like text as text.
///
/// ```
/// use audit::formats::write::{guard_cell, unguard_cell};
/// assert_eq!(guard_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
/// assert_eq!(guard_cell("-3.2"), "-3.2");
/// assert_eq!(guard_cell("-5.3%"), "-5.3%");
/// assert_eq!(guard_cell("-5%%"), "'-5%%");
/// assert_eq!(unguard_cell(guard_cell("'=1").into_owned()), "'=1");
/// ```
pub fn guard_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if needs_guard(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Undo [`guard_cell`] exactly, for the CSV files the tool reads back.
pub fn unguard_cell(s: String) -> String {
    if s.starts_with('\'') && needs_guard(&s[1..]) {
        s[1..].to_string()
    } else {
        s
    }
}

/// Write one record, every cell guarded; no allocation for the ordinary cell.
fn write_guarded<'a, W: std::io::Write>(
    w: &mut csv::Writer<W>,
    cells: impl Iterator<Item = &'a str>,
) -> csv::Result<()> {
    for c in cells {
        w.write_field(guard_cell(c).as_bytes())?;
    }
    w.write_record(None::<&[u8]>)
}

/// CSV bytes, UTF-8 with BOM so that Excel on a Chinese Windows opens it correctly, CRLF line
/// ends, and every formula-like cell guarded ([`guard_cell`]).
pub fn csv_bytes(header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        write_guarded(&mut w, header.iter().map(String::as_str))?;
        for r in rows {
            write_guarded(&mut w, r.iter().map(String::as_str))?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// Write the canonical registry as CSV (UTF-8 with BOM), streamed from the accounts.
pub fn write_registry_csv(
    out: &mut dyn std::io::Write,
    reg: &crate::domain::registry::Registry,
) -> Result<()> {
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    write_guarded(&mut w, reg.canonical_header().iter().map(String::as_str))?;
    for a in &reg.accounts {
        write_guarded(
            &mut w,
            crate::domain::registry::Registry::canonical_fields(a),
        )?;
    }
    w.flush()?;
    Ok(())
}

/// The canonical registry as CSV bytes.
pub fn registry_csv_bytes(reg: &crate::domain::registry::Registry) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_registry_csv(&mut out, reg)?;
    Ok(out)
}

/// Read a CSV this tool wrote (UTF-8, optional BOM): header and rows, guards undone.
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
        .map(|s| unguard_cell(s.to_string()))
        .collect();
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.with_context(|| format!("{}: 第 {} 行格式错误", path.display(), i + 2))?;
        rows.push(rec.iter().map(|s| unguard_cell(s.to_string())).collect());
    }
    Ok((header, rows))
}

/// The header cell format shared by every table the tool writes.
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
        let widths = std::iter::once(crate::domain::text::display_width(h)).chain(
            rows.iter().take(2000).map(|r| {
                r.get(c)
                    .map(|s| crate::domain::text::display_width(s))
                    .unwrap_or(0)
            }),
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

/// A one-sheet workbook: a title row, a header and rows of text (written as strings, never as
/// formulas), columns fitted to their content.
pub fn table_xlsx(
    title: &str,
    sheet: &str,
    header: &[String],
    rows: &[Vec<String>],
    created: &str,
) -> Result<Vec<u8>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    stamp(&mut wb, title, created)?;
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    ws.write_string_with_format(0, 0, title, &Format::new().set_bold().set_font_size(14))?;
    let hf = header_format();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, h, &hf)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 2, c as u16, v)?;
        }
    }
    autofit(ws, header, rows)?;
    Ok(wb.save_to_buffer()?)
}
