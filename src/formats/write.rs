//! Writing CSV (UTF-8 with BOM, for Excel) and xlsx helpers shared by the writers.

use rust_xlsxwriter::XlsxError;

/// Building a workbook fails only inside the xlsx writer.
type Result<T, E = XlsxError> = std::result::Result<T, E>;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet};

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
    wb.save_to_buffer()
}
