//! Checks made before a spreadsheet is handed to calamine, so that a small hostile file cannot
//! make it allocate without bound: a shared-strings table that inflates to gigabytes (calamine
//! holds it whole), or an .ods whose used range, by a stray far cell or a repeated value, spans
//! millions of cells (calamine builds a dense range for .ods).
//!
//! `.xlsx` sheets themselves are streamed by our readers, so their size costs time, not memory.
//! `.xls` is not checked here yet (its used range is read by calamine from the BIFF records).

use super::read::ReadError;
use quick_xml::events::{BytesStart, Event};
use std::io::Read;
use std::path::Path;

/// The most a shared-strings part may inflate to. A million-row registry saved by Excel has
/// well under 150 MB; calamine keeps every string, so the cap bounds its memory.
pub const MAX_SHARED_STRINGS: u64 = 256 << 20;
/// The most cells an .ods sheet may span (rows × columns of its used range): calamine builds
/// the whole range, about 32 bytes a cell.
pub const MAX_DENSE_CELLS: u64 = 8_000_000;
/// No part of a workbook may claim to inflate to more than this.
pub const MAX_PART: u64 = 4 << 30;

/// Refuse a zip-based workbook (xlsx, xlsm, xlsb, ods) that would inflate beyond the caps.
pub fn check_workbook(path: &Path, ext: &str) -> Result<(), ReadError> {
    if !matches!(ext, "xlsx" | "xlsm" | "xlsb" | "ods") {
        return Ok(());
    }
    let file = path.display().to_string();
    let corrupt = |detail: String| ReadError::Corrupt {
        file: file.clone(),
        detail,
    };
    let f = std::fs::File::open(path).map_err(|e| ReadError::Open {
        file: file.clone(),
        detail: e.to_string(),
    })?;
    // Not a zip: calamine says so in its own words.
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(f)) else {
        return Ok(());
    };
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| corrupt(e.to_string()))?;
        if entry.size() > MAX_PART {
            return Err(too_big(&file, entry.name(), entry.size()));
        }
    }
    for name in ["xl/sharedStrings.xml", "xl/sharedStrings.bin"] {
        if let Ok(entry) = zip.by_name(name) {
            let n =
                inflated_size(entry, MAX_SHARED_STRINGS + 1).map_err(|e| corrupt(e.to_string()))?;
            if n > MAX_SHARED_STRINGS {
                return Err(too_big(&file, name, n));
            }
        }
    }
    if ext == "ods" {
        if let Ok(entry) = zip.by_name("content.xml") {
            let reader = std::io::BufReader::new(entry);
            if let Some((table, rows, cols)) = largest_ods_table(reader).map_err(corrupt)? {
                if rows.saturating_mul(cols) > MAX_DENSE_CELLS {
                    return Err(ReadError::Other(format!(
                        "{file}: 工作表 \"{table}\" 的使用范围达 {rows} 行 × {cols} 列(可能有远处的零散单元格或整行整列的重复值),读取会占用过多内存;请删去多余的单元格,或另存为 .xlsx 后再导入"
                    )));
                }
            }
        }
    }
    Ok(())
}

fn too_big(file: &str, part: &str, bytes: u64) -> ReadError {
    ReadError::Other(format!(
        "{file}: 文件中的 {part} 解压后达 {} MB 以上,可能是损坏或恶意构造的文件;如确为真实台账,请另存为 CSV 后导入",
        bytes >> 20
    ))
}

/// Bytes a zip entry inflates to, counted up to `limit` (the data is read, never kept).
fn inflated_size<R: Read>(entry: R, limit: u64) -> std::io::Result<u64> {
    std::io::copy(&mut entry.take(limit), &mut std::io::sink())
}

/// The used range of each table in an .ods content.xml, streamed: (table name, rows, columns)
/// of the largest. A cell counts when it holds a value or text; repeats count in full, as
/// calamine expands them.
fn largest_ods_table<R: std::io::BufRead>(src: R) -> Result<Option<(String, u64, u64)>, String> {
    let mut xml = quick_xml::Reader::from_reader(src);
    let mut buf = Vec::new();
    let mut best: Option<(String, u64, u64)> = None;
    let mut t = OdsTable::default();
    loop {
        let ev = xml.read_event_into(&mut buf).map_err(|e| e.to_string())?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                match e.local_name().as_ref() {
                    b"table" => t = OdsTable::named(attr(e, b"table:name")),
                    b"table-row" => {
                        t.row_repeat = repeat(e, b"table:number-rows-repeated");
                        t.col = 0;
                        t.row_used = false;
                        if empty {
                            t.end_row();
                        }
                    }
                    b"table-cell" | b"covered-table-cell" => {
                        let n = repeat(e, b"table:number-columns-repeated");
                        // A value, or content (text) inside: calamine will make a cell of it.
                        if e.try_get_attribute(b"office:value-type")
                            .ok()
                            .flatten()
                            .is_some()
                            || !empty
                        {
                            t.max_col = t.max_col.max(t.col.saturating_add(n));
                            t.row_used = true;
                        }
                        t.col = t.col.saturating_add(n);
                    }
                    _ => {}
                }
            }
            Event::End(ref e) => match e.local_name().as_ref() {
                b"table-row" => t.end_row(),
                b"table" => {
                    let size = (t.name.clone(), t.max_row, t.max_col);
                    if best
                        .as_ref()
                        .is_none_or(|b| b.1.saturating_mul(b.2) < size.1.saturating_mul(size.2))
                    {
                        best = Some(size);
                    }
                }
                _ => {}
            },
            Event::Eof => return Ok(best),
            _ => {}
        }
        buf.clear();
    }
}

/// Running state of one table while scanning.
#[derive(Default)]
struct OdsTable {
    name: String,
    /// Rows seen so far (repeats included).
    row: u64,
    row_repeat: u64,
    row_used: bool,
    col: u64,
    max_row: u64,
    max_col: u64,
}

impl OdsTable {
    fn named(name: String) -> OdsTable {
        OdsTable {
            name,
            ..OdsTable::default()
        }
    }

    fn end_row(&mut self) {
        self.row = self.row.saturating_add(self.row_repeat);
        if self.row_used {
            self.max_row = self.row;
        }
        self.row_used = false;
    }
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> String {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| String::from_utf8_lossy(&a.value).to_string())
        .unwrap_or_default()
}

fn repeat(e: &BytesStart<'_>, name: &[u8]) -> u64 {
    attr(e, name).parse::<u64>().unwrap_or(1).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(xml: &str) -> Option<(String, u64, u64)> {
        largest_ods_table(std::io::BufReader::new(xml.as_bytes())).unwrap()
    }

    #[test]
    fn ods_extent_counts_repeats_and_ignores_trailing_blanks() {
        let normal = r#"<office:body><table:table table:name="台账"><table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1020"/></table:table-row><table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table></office:body>"#;
        assert_eq!(scan(normal), Some(("台账".into(), 1, 1)));
        // One value at the last row and column, after a million empty rows.
        let stray = r#"<table:table table:name="S"><table:table-row table:number-rows-repeated="1048575"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table>"#;
        assert_eq!(scan(stray), Some(("S".into(), 1_048_576, 16_384)));
        // A value repeated over whole rows and columns.
        let repeated = r#"<table:table table:name="R"><table:table-row table:number-rows-repeated="100000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="1000"/></table:table-row></table:table>"#;
        assert_eq!(scan(repeated), Some(("R".into(), 100_000, 1000)));
    }
}
