//! Checks made before a spreadsheet is handed to calamine, so that a small hostile file cannot
//! make it allocate without bound: a shared-strings table that inflates to gigabytes (calamine
//! holds it whole), or an .ods whose used range, by a stray far cell or a repeated value, spans
//! millions of cells (calamine builds a dense range for .ods).
//!
//! `.xlsx` sheets themselves are streamed by our readers, so their size costs time, not memory.
//! For `.xls`, the BIFF records are scanned: calamine reserves room for the range a DIMENSIONS
//! record claims and then builds the range its cells span.

use super::merged::{MergeFinder, Span, MAX_RANGES};
use super::parts;
use super::read::{Book, Caps, ReadError};
use quick_xml::events::{BytesStart, Event};
use std::io::{Cursor, Read};

/// The most a shared-strings part may inflate to. A million-row registry saved by Excel has
/// well under 150 MB; calamine keeps every string, so the cap bounds its memory.
pub const MAX_SHARED_STRINGS: u64 = 256 << 20;
/// The most cells an .ods sheet may span (rows × columns of its used range): calamine builds
/// the whole range, about 32 bytes a cell.
pub const MAX_DENSE_CELLS: u64 = 8_000_000;
/// No part of a workbook may claim to inflate to more than this.
pub const MAX_PART: u64 = 4 << 30;
/// The longest text node or tag a worksheet may hold. Excel's longest cell (32,767 characters)
/// is about 100 KB of XML; calamine holds a whole text node in memory before we see it.
pub const MAX_TOKEN: u64 = 4 << 20;

/// A workbook that passed [`check_workbook`], with what the check's pass over its parts found
/// on the way: the merged ranges each sheet's part declares (an .xlsx sheet's `<mergeCell>`
/// list follows its cells, so finding it costs a pass over the whole part; the guard's pass is
/// that pass). Only the guard makes one, so a reader holding it knows the checks ran.
#[derive(Clone, Debug, Default)]
pub struct Checked {
    /// Each sheet part's merged ranges, by its path as [`super::parts::key`] compares it.
    merges: Vec<(String, Vec<Span>)>,
    /// The sheets together declare more than [`MAX_RANGES`] merged ranges (the rest were not
    /// kept): damage or an attack, refused when merges are asked for.
    merges_over: bool,
    /// An .xlsx's sheets with their parts, as the guard found them (None for another format, or
    /// when the workbook's list cannot be read).
    sheets: Option<Vec<parts::SheetPart>>,
}

impl Checked {
    /// The merged ranges of the sheet named `sheet`, or of the first visible one (found as
    /// calamine finds it); none when the sheets could not be listed; Err when the workbook
    /// declares more than [`MAX_RANGES`] in all.
    pub fn sheet_merges(&self, sheet: Option<&str>) -> Result<&[Span], usize> {
        let chosen = self
            .sheets
            .as_deref()
            .and_then(|sheets| parts::chosen(sheets, sheet));
        match chosen {
            Some(s) => self.merges(&s.part),
            None => Ok(&[]),
        }
    }

    /// The merged ranges declared in the sheet part `part` (found as calamine finds it); Err
    /// when the workbook declares more than [`MAX_RANGES`] in all.
    pub fn merges(&self, part: &str) -> Result<&[Span], usize> {
        if self.merges_over {
            return Err(MAX_RANGES);
        }
        let k = super::parts::key(part);
        Ok(self
            .merges
            .iter()
            .find(|(p, _)| *p == k)
            .map_or(&[][..], |(_, s)| s.as_slice()))
    }

    /// An .xlsx's sheets in the workbook's order, with their parts; None for another format or
    /// when the workbook's list could not be read.
    pub fn sheets(&self) -> Option<&[parts::SheetPart]> {
        self.sheets.as_deref()
    }

    /// Keep a part's ranges, within the workbook's budget.
    fn keep(&mut self, part: String, spans: Vec<Span>, over: bool) {
        self.merges_over |= over;
        if !spans.is_empty() && !self.merges_over {
            self.merges.push((part, spans));
        }
    }

    /// Ranges still allowed before the workbook's total passes [`MAX_RANGES`].
    fn budget(&self) -> usize {
        let kept: usize = self.merges.iter().map(|(_, s)| s.len()).sum();
        MAX_RANGES.saturating_sub(kept)
    }
}

/// Refuse a workbook that would make calamine allocate beyond the caps.
pub fn check_workbook(book: &Book, caps: &Caps) -> Result<Checked, ReadError> {
    let mut checked = Checked::default();
    let ext = book.ext.as_str();
    if ext == "xls" {
        return check_xls(book, caps).map(|()| checked);
    }
    if !matches!(ext, "xlsx" | "xlsm" | "xlsb" | "ods") {
        return Ok(checked);
    }
    let file = book.label.clone();
    let corrupt = |detail: String| ReadError::Corrupt {
        file: file.clone(),
        detail,
    };
    // Not a zip: calamine says so in its own words.
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(book.bytes.as_slice())) else {
        return Ok(checked);
    };
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| corrupt(e.to_string()))?;
        if entry.size() > MAX_PART {
            return Err(too_big(&file, entry.name(), entry.size()));
        }
    }
    if matches!(ext, "xlsx" | "xlsm") {
        checked.sheets = parts::sheets(&mut zip);
    }
    for (name, sheet) in parts_read(&mut zip, ext, checked.sheets.as_deref()) {
        let Ok(entry) = zip.by_name(&name) else {
            continue;
        };
        let budget = sheet.as_ref().map(|_| checked.budget());
        let scan = scan_part(entry, MAX_TOKEN, budget).map_err(|e| corrupt(e.to_string()))?;
        if scan.token_over.is_some() {
            return Err(ReadError::Other(format!(
                "{file}: {name} 中有一段超过 {} MB 的单元格内容或标记(Excel 单元格最多 32767 个字符),可能是损坏或恶意构造的文件",
                MAX_TOKEN >> 20
            )));
        }
        if let Some(part) = sheet {
            checked.keep(part, scan.merges, scan.merges_over);
        }
    }
    check_shared_strings(&mut zip, &file)?;
    if ext == "ods" {
        check_ods_extent(&mut zip, &file, caps)?;
    }
    Ok(checked)
}

/// Refuse a shared-strings table (found as calamine finds it) that inflates past the cap:
/// calamine holds it whole.
fn check_shared_strings<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    file: &str,
) -> Result<(), ReadError> {
    for wanted in ["xl/sharedStrings.xml", "xl/sharedStrings.bin"] {
        let Some(name) = parts::entry_name(zip, wanted) else {
            continue;
        };
        if let Ok(entry) = zip.by_name(&name) {
            let n =
                inflated_size(entry, MAX_SHARED_STRINGS + 1).map_err(|e| ReadError::Corrupt {
                    file: file.to_string(),
                    detail: e.to_string(),
                })?;
            if n > MAX_SHARED_STRINGS {
                return Err(too_big(file, &name, n));
            }
        }
    }
    Ok(())
}

/// Refuse an .ods whose costliest table would make calamine's dense range too large.
fn check_ods_extent<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    file: &str,
    caps: &Caps,
) -> Result<(), ReadError> {
    let Ok(entry) = zip.by_name("content.xml") else {
        return Ok(());
    };
    let found =
        largest_ods_table(std::io::BufReader::new(entry)).map_err(|detail| ReadError::Corrupt {
            file: file.to_string(),
            detail,
        })?;
    match found {
        Some(t) if t.rows.saturating_mul(t.cols) > caps.dense_cells || t.bytes > caps.ods_text => {
            Err(ReadError::Other(format!(
                "{file}: 工作表 \"{}\" 的使用范围达 {} 行 × {} 列、展开后约 {} MB 文字(可能有远处的零散单元格或整行整列的重复值),读取会占用过多内存;请删去多余的单元格,或另存为 .xlsx 后再导入",
                t.name, t.rows, t.cols, t.bytes >> 20
            )))
        }
        _ => Ok(()),
    }
}

/// The most of an .xls Workbook stream read for the scan (a real one is a few tens of MB).
const MAX_XLS_STREAM: u64 = 512 << 20;

fn check_xls(book: &Book, caps: &Caps) -> Result<(), ReadError> {
    let file = book.label.clone();
    // Not a compound file: calamine says so in its own words.
    let Ok(mut cf) = cfb::CompoundFile::open(Cursor::new(book.bytes.as_slice())) else {
        return Ok(());
    };
    let name = ["/Workbook", "/Book"].into_iter().find(|n| cf.exists(n));
    let Some(mut stream) = name.and_then(|n| cf.open_stream(n).ok()) else {
        return Ok(());
    };
    let mut data = Vec::new();
    (&mut stream)
        .take(MAX_XLS_STREAM)
        .read_to_end(&mut data)
        .map_err(|e| ReadError::Corrupt {
            file: file.clone(),
            detail: e.to_string(),
        })?;
    match largest_xls_sheet(&data) {
        Some((rows, cols)) if rows.saturating_mul(cols) > caps.dense_cells => Err(ReadError::Other(format!(
            "{file}: 工作表的使用范围达 {rows} 行 × {cols} 列(可能有远处的零散单元格,或尺寸记录异常),读取会占用过多内存;请删去多余的单元格,或另存为 .xlsx 后再导入"
        ))),
        _ => Ok(()),
    }
}

fn u16_at(d: &[u8], i: usize) -> Option<i64> {
    d.get(i..i + 2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]) as i64)
}

fn u32_at(d: &[u8], i: usize) -> Option<i64> {
    d.get(i..i + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64)
}

/// Keep the larger of two (rows, columns) extents. A non-positive span wraps in calamine's u32
/// arithmetic: it counts as the whole range.
fn widen(largest: &mut Option<(u64, u64)>, rows: i64, cols: i64) {
    let rows = if rows <= 0 {
        u32::MAX as u64
    } else {
        rows as u64
    };
    let cols = if cols <= 0 {
        u32::MAX as u64
    } else {
        cols as u64
    };
    if largest.is_none_or(|(r, c)| r.saturating_mul(c) < rows.saturating_mul(cols)) {
        *largest = Some((rows, cols));
    }
}

/// The extent a DIMENSIONS record makes calamine reserve, with its arithmetic.
fn declared_extent(data: &[u8]) -> Option<(i64, i64)> {
    let (rf, rl, cf, cl) = match data.len() {
        10 => (
            u16_at(data, 0)?,
            u16_at(data, 2)?,
            u16_at(data, 4)?,
            u16_at(data, 6)?,
        ),
        14 => (
            u32_at(data, 0)?,
            u32_at(data, 4)?,
            u16_at(data, 8)?,
            u16_at(data, 10)?,
        ),
        _ => return None,
    };
    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
    (rl >= 1 && cl >= 1).then(|| (rl - 1 - rf + 1, cl - 1 - cf + 1))
}

/// (row, first column, last column) of a cell record calamine turns into cells.
fn cell_position(typ: u16, data: &[u8]) -> Option<(i64, i64, i64)> {
    match typ {
        0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
            Some((u16_at(data, 0)?, u16_at(data, 2)?, u16_at(data, 2)?))
        }
        0x00BD if data.len() >= 6 => Some((
            u16_at(data, 0)?,
            u16_at(data, 2)?,
            u16_at(data, data.len() - 2)?,
        )),
        _ => None,
    }
}

/// The largest (rows, columns) an .xls sheet asks for: the range its DIMENSIONS record
/// declares (calamine reserves it) and the range its cell records span. `None` for a stream
/// with no sheet.
fn largest_xls_sheet(stream: &[u8]) -> Option<(u64, u64)> {
    let mut largest: Option<(u64, u64)> = None;
    let mut span: Option<(i64, i64, i64, i64)> = None; // rows min..max, columns min..max
    let mut at = 0;
    while let (Some(typ), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
        let end = (at + 4 + len as usize).min(stream.len());
        let data = &stream[(at + 4).min(end)..end];
        at += 4 + len as usize;
        match typ as u16 {
            // calamine reads a sheet from its start to its EOF record, whatever stands between
            // (a BOF inside a sheet does not end it), so only EOF ends a span.
            0x000A => span = None,
            0x0200 => {
                if let Some((rows, cols)) = declared_extent(data) {
                    widen(&mut largest, rows, cols);
                }
            }
            t => {
                if let Some((row, c0, c1)) = cell_position(t, data) {
                    let (r0, r1, a, b) = span.unwrap_or((row, row, c0, c1));
                    let s = (r0.min(row), r1.max(row), a.min(c0), b.max(c1));
                    span = Some(s);
                    widen(&mut largest, s.1 - s.0 + 1, s.3 - s.2 + 1);
                }
            }
        }
    }
    largest
}

fn too_big(file: &str, part: &str, bytes: u64) -> ReadError {
    ReadError::Other(format!(
        "{file}: 文件中的 {part} 解压后达 {} MB 以上,可能是损坏或恶意构造的文件;如确为真实台账,请另存为 CSV 后导入",
        bytes >> 20
    ))
}

/// What one pass over an XML part found: the longest run past the limit, if any, and the
/// merged ranges it declares (within the budget given; `merges_over` when it declares more).
struct PartScan {
    token_over: Option<u64>,
    merges: Vec<Span>,
    merges_over: bool,
}

/// One pass over an XML part: the token check of [`TokenRun`] and the merged ranges of
/// [`MergeFinder`], from the same inflated chunks (each extra pass over a million-row sheet
/// costs its inflate again, about 5% of an import).
fn scan_part<R: Read>(mut src: R, limit: u64, budget: Option<usize>) -> std::io::Result<PartScan> {
    let chunk = limit.clamp(1, 1 << 18) as usize;
    let mut buf = vec![0u8; chunk];
    let mut run = TokenRun::default();
    let mut merges = budget.map(MergeFinder::new);
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            let (merges, merges_over) = merges.map_or((Vec::new(), false), MergeFinder::finish);
            return Ok(PartScan {
                token_over: (run.0 > limit).then_some(run.0),
                merges,
                merges_over,
            });
        }
        if let Some(over) = run.feed(&buf[..n], limit) {
            return Ok(PartScan {
                token_over: Some(over),
                merges: Vec::new(),
                merges_over: false,
            });
        }
        if let Some(m) = &mut merges {
            m.feed(&buf[..n]);
        }
    }
}

/// The zip entries calamine reads as XML, each with its sheet's part path (as
/// [`parts::key`] compares it) when it is a sheet: for an .xlsx the workbook, its
/// relationships, the styles and every sheet the relationships name (found as calamine finds
/// them, whatever the entry's name); when the sheets cannot be listed here, every entry but the
/// shared strings (capped apart). Parts calamine never reads (customXml, docProps) are not
/// checked: refusing them would protect nothing.
fn parts_read<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    ext: &str,
    sheets: Option<&[parts::SheetPart]>,
) -> Vec<(String, Option<String>)> {
    let fixed: &[&str] = match ext {
        "ods" => &["content.xml", "META-INF/manifest.xml"],
        "xlsb" => &["xl/_rels/workbook.bin.rels"],
        _ => &[parts::WORKBOOK, parts::WORKBOOK_RELS, "xl/styles.xml"],
    };
    let mut out: Vec<(String, Option<String>)> = fixed
        .iter()
        .filter_map(|p| parts::entry_name(zip, p))
        .map(|n| (n, None))
        .collect();
    if !matches!(ext, "xlsx" | "xlsm") {
        return out;
    }
    match sheets {
        Some(sheets) => {
            for s in sheets {
                if let Some(n) = parts::entry_name(zip, &s.part) {
                    if !out.iter().any(|(m, _)| *m == n) {
                        out.push((n, Some(parts::key(&s.part))));
                    }
                }
            }
        }
        None => {
            let all: Vec<String> = zip
                .file_names()
                .filter(|n| !parts::key(n).starts_with("xl/sharedstrings"))
                .filter(|n| !out.iter().any(|(m, _)| m == n))
                .map(str::to_string)
                .collect();
            out.extend(all.into_iter().map(|n| {
                let k = parts::key(&n);
                (n, Some(k))
            }));
        }
    }
    out
}

/// The run of bytes since the last markup character (`<`, `>`) of the chunks fed so far. A
/// longer run than the limit is a text node or tag quick-xml would hold whole. Chunks are at
/// most `limit` bytes, so a run inside one chunk is shorter than the limit: only runs that cross
/// chunk boundaries are measured, by each chunk's first and last markup character, not every one
/// (a million-row sheet has a hundred million, and finding them all cost 6% of an import).
#[derive(Default)]
struct TokenRun(u64);

impl TokenRun {
    /// Take the next chunk; the run's length when it passed `limit`.
    fn feed(&mut self, data: &[u8], limit: u64) -> Option<u64> {
        match memchr::memchr2(b'<', b'>', data) {
            None => self.0 += data.len() as u64,
            Some(first) => {
                if self.0 + first as u64 > limit {
                    return Some(self.0 + first as u64);
                }
                let last = memchr::memrchr2(b'<', b'>', data).unwrap_or(first);
                self.0 = (data.len() - last - 1) as u64;
            }
        }
        (self.0 > limit).then_some(self.0)
    }
}

/// A run of bytes between markup characters longer than `limit`, or None (see [`TokenRun`]).
#[cfg(test)]
fn token_over<R: Read>(src: R, limit: u64) -> std::io::Result<Option<u64>> {
    scan_part(src, limit, None).map(|s| s.token_over)
}

/// Bytes a zip entry inflates to, counted up to `limit` (the data is read, never kept).
fn inflated_size<R: Read>(entry: R, limit: u64) -> std::io::Result<u64> {
    std::io::copy(&mut entry.take(limit), &mut std::io::sink())
}

/// What an .ods table will cost calamine: the rows and columns of its used range, and the bytes
/// of its cell text once repeats are expanded (a 4 KB string repeated over 7M cells is 28 GB).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OdsExtent {
    /// The table's name.
    pub name: String,
    /// Rows of the used range.
    pub rows: u64,
    /// Columns of the used range.
    pub cols: u64,
    /// Cell text bytes after expansion, plus a per-cell overhead.
    pub bytes: u64,
}

/// Bytes calamine spends on a cell besides its text.
const CELL_OVERHEAD: u64 = 32;
/// The most text an .ods may expand to.
pub const MAX_ODS_BYTES: u64 = 512 << 20;

/// The costliest table of an .ods content.xml, streamed. Names are matched as calamine matches
/// them (qualified: `table:table-row`, `text:s`); a cell counts when it holds a value or text;
/// repeats count in full, as calamine expands them.
fn largest_ods_table<R: std::io::BufRead>(src: R) -> Result<Option<OdsExtent>, String> {
    let mut xml = quick_xml::Reader::from_reader(src);
    let mut buf = Vec::new();
    let mut best: Option<OdsExtent> = None;
    let mut t = OdsTable::default();
    // Elements open: a content.xml that ends inside one is cut off, and calamine's ODS reader
    // loops for ever on such a file (the fuzz run found one), so it is refused here.
    let mut depth: u64 = 0;
    loop {
        let ev = xml.read_event_into(&mut buf).map_err(|e| e.to_string())?;
        match &ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof if depth > 0 => {
                return Err(format!(
                    "content.xml 在 {depth} 层元素尚未结束时就结束了(文件被截断或损坏)"
                ))
            }
            _ => {}
        }
        match ev {
            Event::Start(ref e) if e.name().as_ref() == b"table:table" => {
                t = OdsTable::named(attr(e, b"table:name"));
            }
            Event::Start(ref e) => t.start(e, false),
            Event::Empty(ref e) => t.start(e, true),
            Event::Text(ref text) => {
                if let Some(c) = t.cell.as_mut() {
                    c.text = c.text.saturating_add(text.len() as u64);
                }
            }
            Event::End(ref e) => match e.name().as_ref() {
                b"table:table-cell" | b"table:covered-table-cell" => t.end_cell(),
                b"table:table-row" => t.end_row(),
                b"table:table" => {
                    let ext = t.extent();
                    if best.as_ref().is_none_or(|b| costlier(&ext, b)) {
                        best = Some(ext);
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

fn costlier(a: &OdsExtent, b: &OdsExtent) -> bool {
    (a.rows.saturating_mul(a.cols), a.bytes) > (b.rows.saturating_mul(b.cols), b.bytes)
}

/// The cell being read.
struct OdsCell {
    repeat: u64,
    text: u64,
    used: bool,
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
    bytes: u64,
    cell: Option<OdsCell>,
}

impl OdsTable {
    fn named(name: String) -> OdsTable {
        OdsTable {
            name,
            ..OdsTable::default()
        }
    }

    /// An element opens (`empty`: and closes at once): a row, a cell, or a run of spaces.
    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        match e.name().as_ref() {
            b"table:table-row" => {
                self.row_repeat = repeat(e, b"table:number-rows-repeated");
                self.col = 0;
                self.row_used = false;
                if empty {
                    self.end_row();
                }
            }
            b"table:table-cell" | b"table:covered-table-cell" => {
                let n = repeat(e, b"table:number-columns-repeated");
                let valued = e
                    .try_get_attribute(b"office:value-type")
                    .ok()
                    .flatten()
                    .is_some();
                self.cell = Some(OdsCell {
                    repeat: n,
                    text: attr(e, b"office:string-value").len() as u64,
                    used: valued || !empty,
                });
                self.col = self.col.saturating_add(n);
                if empty {
                    self.end_cell();
                }
            }
            b"text:s" => {
                if let Some(c) = self.cell.as_mut() {
                    c.text = c.text.saturating_add(repeat(e, b"text:c"));
                }
            }
            _ => {}
        }
    }

    fn end_cell(&mut self) {
        let Some(c) = self.cell.take() else {
            return;
        };
        if c.used || c.text > 0 {
            self.max_col = self.max_col.max(self.col);
            self.row_used = true;
            let cells = self.row_repeat.max(1).saturating_mul(c.repeat);
            self.bytes = self
                .bytes
                .saturating_add(cells.saturating_mul(c.text.saturating_add(CELL_OVERHEAD)));
        }
    }

    fn end_row(&mut self) {
        self.row = self.row.saturating_add(self.row_repeat);
        if self.row_used {
            self.max_row = self.row;
        }
        self.row_used = false;
    }

    fn extent(&self) -> OdsExtent {
        OdsExtent {
            name: self.name.clone(),
            rows: self.max_row,
            cols: self.max_col,
            bytes: self.bytes,
        }
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
        largest_ods_table(std::io::BufReader::new(xml.as_bytes()))
            .unwrap()
            .map(|t| (t.name, t.rows, t.cols))
    }

    fn bytes(xml: &str) -> u64 {
        largest_ods_table(std::io::BufReader::new(xml.as_bytes()))
            .unwrap()
            .map_or(0, |t| t.bytes)
    }

    #[test]
    fn token_over_finds_a_giant_text_node() {
        let xml = format!("<c><is><t>{}</t></is></c>", "x".repeat(100));
        assert_eq!(token_over(xml.as_bytes(), 1000).unwrap(), None);
        assert_eq!(token_over(xml.as_bytes(), 99).unwrap(), Some(100));
        let big = format!("<t>{}", "x".repeat(200_000));
        assert!(token_over(big.as_bytes(), 1000).unwrap().unwrap() > 1000);
        // A run that crosses chunk boundaries, in a tag or a text node, and one just at the limit.
        let tag = format!("<c r=\"{}\"/>", "1".repeat(5000));
        assert_eq!(
            token_over(tag.as_bytes(), 1000).unwrap().map(|n| n > 1000),
            Some(true)
        );
        let at = format!("<t>{}</t><t>{}</t>", "x".repeat(1000), "y".repeat(999));
        assert_eq!(token_over(at.as_bytes(), 1000).unwrap(), None);
        assert_eq!(
            token_over(at.as_bytes(), 999).unwrap().map(|n| n > 999),
            Some(true)
        );
        // Read a few bytes at a time, as an inflating reader may hand them over.
        let slow = std::io::BufReader::with_capacity(7, tag.as_bytes());
        assert!(token_over(slow, 1000).unwrap().is_some());
    }

    /// The merged ranges kept are bounded for the whole workbook, not per part: thirty parts of
    /// two million ranges each cost 1.4 GB before (found by the attack on #25).
    #[test]
    fn merged_ranges_are_kept_within_one_budget_for_the_workbook() {
        let xml = r#"<mergeCell ref="A1:A2"/>"#.repeat(5);
        let scan = scan_part(xml.as_bytes(), MAX_TOKEN, Some(3)).unwrap();
        assert_eq!((scan.merges.len(), scan.merges_over), (3, true));
        let scan = scan_part(xml.as_bytes(), MAX_TOKEN, Some(0)).unwrap();
        assert_eq!((scan.merges.len(), scan.merges_over), (0, true));
        let scan = scan_part(xml.as_bytes(), MAX_TOKEN, None).unwrap();
        assert_eq!((scan.merges.len(), scan.merges_over), (0, false));
        let mut checked = Checked::default();
        let span = Span::parse("A1:A2").unwrap();
        checked.keep("xl/worksheets/a.xml".into(), vec![span; 2], false);
        assert_eq!(checked.budget(), MAX_RANGES - 2);
        assert_eq!(checked.merges("XL\\Worksheets\\A.XML").unwrap().len(), 2);
        checked.keep("xl/worksheets/b.xml".into(), vec![span], true);
        assert_eq!(checked.merges("xl/worksheets/a.xml"), Err(MAX_RANGES));
    }

    #[test]
    fn ods_text_is_counted_as_calamine_expands_it() {
        // A 4 KB string repeated over 7M cells (an attack run took 23 GB).
        let big = "Z".repeat(4096);
        let repeated = format!(
            r#"<table:table table:name="R"><table:table-row table:number-rows-repeated="7000"><table:table-cell office:value-type="string" office:string-value="{big}" table:number-columns-repeated="1000"/></table:table-row></table:table>"#
        );
        assert!(bytes(&repeated) > 28_000_000_000);
        // Runs of spaces written as text:s.
        let spaces = r#"<table:table table:name="S"><table:table-row><table:table-cell><text:p>甲<text:s text:c="65535"></text:s><text:s text:c="65535"></text:s></text:p></table:table-cell></table:table-row></table:table>"#;
        assert!(bytes(spaces) > 131_000);
        // Another namespace's "table" element does not reset the count.
        let reset = r#"<table:table table:name="T"><table:table-row table:number-rows-repeated="100000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="1000"/></table:table-row><table:table-row><table:table-cell><text:p>a<foo:table/></text:p></table:table-cell></table:table-row></table:table>"#;
        assert_eq!(scan(reset), Some(("T".into(), 100_001, 1000)));
    }

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    #[test]
    fn xls_extent_from_cells_and_from_a_lying_dimensions_record() {
        let mut number = vec![0u8; 14];
        number[..2].copy_from_slice(&9u16.to_le_bytes()); // row 9
        number[2..4].copy_from_slice(&3u16.to_le_bytes()); // col 3
        let mut far = number.clone();
        far[..2].copy_from_slice(&65535u16.to_le_bytes());
        far[2..4].copy_from_slice(&255u16.to_le_bytes());
        let bof = record(0x0809, &[0; 16]);
        let sheet = [bof.clone(), record(0x0203, &number), record(0x000A, &[])].concat();
        assert_eq!(largest_xls_sheet(&sheet), Some((1, 1)));
        let stray = [bof.clone(), record(0x0203, &number), record(0x0203, &far)].concat();
        assert_eq!(largest_xls_sheet(&stray), Some((65527, 253)));
        // DIMENSIONS claiming 4 billion rows (BIFF8 rows are u32).
        let mut dims = vec![0u8; 14];
        dims[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        dims[10..12].copy_from_slice(&10u16.to_le_bytes());
        let lying = [bof, record(0x0200, &dims)].concat();
        assert_eq!(largest_xls_sheet(&lying), Some((u32::MAX as u64, 10)));
        // A BOF inside a sheet does not end it for calamine, nor for the scan (an attack run
        // used one to hide a far cell: 137 GB requested).
        let hidden = [
            record(0x0809, &[0; 16]),
            record(0x0203, &number),
            record(0x0809, &[0; 16]),
            record(0x0203, &far),
        ]
        .concat();
        assert_eq!(largest_xls_sheet(&hidden), Some((65527, 253)));
        // A truncated stream ends the scan quietly.
        assert_eq!(largest_xls_sheet(&stray[..stray.len() - 16]), Some((1, 1)));
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
