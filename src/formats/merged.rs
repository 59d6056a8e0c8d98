//! Merged cells of an office's export. A platform export merges 开设主体 (or 所属地区, 层级 …)
//! down over the rows of one unit, and a two-row header merges 账号状态 or 备案编号 down over
//! both header rows. A spreadsheet keeps a merged range's value in its top-left cell only, so a
//! reader sees the other rows empty; but the value belongs to every cell of the range. This
//! module finds a sheet's merged ranges (.xlsx: the `<mergeCell>` list of the sheet's part;
//! .xls: calamine's MERGEDCELLS records) and fills the value down as rows stream past.
//!
//! Only ranges spanning more than one row are filled: a range within one row is a title, a
//! group header over several columns or a note, never a value that belongs to each cell.
//! .ods and .xlsb merges are not read (calamine offers none): such files read as before.

use super::guard::Checked;
use super::read::{
    check_book, extension, for_each_checked_row, for_each_row, Book, Caps, CsvEncoding,
};
use super::read::{ReadError, ReadInfo, RowRead, MAX_COLUMNS};
use std::io::Cursor;
use std::path::Path;

/// The most merged ranges one sheet may declare: a range costs a few bytes here, and a real
/// export merges at most a fraction of its rows.
pub const MAX_RANGES: usize = 2_000_000;

/// One merged range: rows are 1-based like [`RowRead::number`], columns 0-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The range's first row (its value is in this row).
    pub first_row: u32,
    /// The range's first column (its value is in this column).
    pub first_col: usize,
    /// The range's last row.
    pub last_row: u32,
    /// The range's last column.
    pub last_col: usize,
}

impl Span {
    /// A range of an A1 reference ("E201:E202"); None for one cell or a reference that is none.
    pub fn parse(reference: &str) -> Option<Span> {
        let (a, b) = reference.split_once(':')?;
        let (r0, c0) = cell_ref(a)?;
        let (r1, c1) = cell_ref(b)?;
        let (r0, r1, c0, c1) = (r0.min(r1), r0.max(r1), c0.min(c1), c0.max(c1));
        (r0 != r1 || c0 != c1).then_some(Span {
            first_row: r0,
            first_col: c0,
            last_row: r1,
            last_col: c1,
        })
    }

    /// Whether the range spans more than one row (the ones filled).
    fn is_vertical(&self) -> bool {
        self.last_row > self.first_row
    }
}

/// An A1 cell reference as (1-based row, 0-based column).
fn cell_ref(s: &str) -> Option<(u32, usize)> {
    let s = s.trim().trim_start_matches('$');
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    let letters = letters.trim_end_matches('$');
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    let col = letters.bytes().fold(0usize, |n, b| {
        n * 26 + (b.to_ascii_uppercase() - b'A' + 1) as usize
    });
    let row: u32 = digits.parse().ok()?;
    (row >= 1).then_some((row, col - 1))
}

/// The merged ranges a sheet's rows were filled from, and those filled inside the data.
#[derive(Clone, Debug, Default)]
pub struct Filled {
    /// Every range spanning more than one row whose value was copied into a cell below it, in
    /// sheet order.
    pub spans: Vec<Span>,
}

impl Filled {
    /// The ranges that begin below row `header_row` (inside the data).
    pub fn below(&self, header_row: u32) -> usize {
        self.spans
            .iter()
            .filter(|s| s.first_row > header_row)
            .count()
    }
}

/// Copies a merged range's value into every cell of it as rows pass. Rows come in order; the
/// ranges are sorted by first row, so each row looks at a few active ranges only.
struct Filler {
    /// The sheet's vertical ranges, by first row.
    spans: Vec<Span>,
    /// The next range not yet begun.
    next: usize,
    /// Ranges begun whose rows are still to come, with the value of their top-left cell.
    active: Vec<(Span, String)>,
    /// The filled copy of a row.
    buffer: Vec<String>,
    /// What was filled.
    filled: Filled,
    /// The ranges in `filled`, to look one up at once (a sheet may declare two million).
    seen: std::collections::HashSet<Span>,
    /// Columns the active ranges cover together: ranges of one row do not overlap in a real
    /// file, so more than the sheet's columns is a damaged (or hostile) merge list.
    active_width: usize,
    /// The file, for messages.
    file: String,
}

impl Filler {
    fn new(mut spans: Vec<Span>, file: &str) -> Filler {
        spans.retain(Span::is_vertical);
        spans.sort_unstable();
        // The same range declared again is the same range.
        spans.dedup();
        Filler {
            spans,
            next: 0,
            active: Vec::new(),
            buffer: Vec::new(),
            filled: Filled::default(),
            seen: std::collections::HashSet::new(),
            active_width: 0,
            file: file.to_string(),
        }
    }

    /// Width of a range in the columns read.
    fn width(s: &Span) -> usize {
        s.last_col.min(MAX_COLUMNS - 1).saturating_sub(s.first_col) + 1
    }

    /// Hand `row` to `on_row`, its cells filled from the ranges covering it.
    fn pass<F>(&mut self, row: &RowRead<'_>, on_row: &mut F) -> Result<bool, ReadError>
    where
        F: FnMut(&RowRead<'_>) -> Result<bool, ReadError>,
    {
        let n = row.number;
        let mut ended = 0;
        self.active.retain(|(s, _)| {
            let keep = s.last_row >= n;
            if !keep {
                ended += Filler::width(s);
            }
            keep
        });
        self.active_width -= ended;
        while self.next < self.spans.len() && self.spans[self.next].first_row <= n {
            let s = self.spans[self.next];
            self.next += 1;
            // A range whose top row had no cell at all holds no value.
            let value = row.cells.get(s.first_col).filter(|_| s.first_row == n);
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                self.active_width += Filler::width(&s);
                if self.active_width > MAX_COLUMNS {
                    return Err(ReadError::Corrupt {
                        file: self.file.clone(),
                        detail: format!(
                            "第 {n} 行起合并单元格区域互相重叠(共覆盖超过 {MAX_COLUMNS} 列),不是正常的表格"
                        ),
                    });
                }
                self.active.push((s, v.clone()));
            }
        }
        if self.active.is_empty() {
            return on_row(row);
        }
        self.buffer.clear();
        self.buffer.extend(row.cells.iter().cloned());
        for (s, v) in &self.active {
            let mut any = false;
            for c in s.first_col..=s.last_col.min(MAX_COLUMNS - 1) {
                if self.buffer.len() <= c {
                    self.buffer.resize(c + 1, String::new());
                }
                if self.buffer[c].is_empty() {
                    self.buffer[c] = v.clone();
                    any = true;
                }
            }
            if any && self.seen.insert(*s) {
                self.filled.spans.push(*s);
            }
        }
        on_row(&RowRead {
            number: n,
            cells: &self.buffer,
            lossy: row.lossy,
            uncached: row.uncached,
        })
    }
}

/// [`for_each_row`] with every merged range spanning several rows filled into each of its
/// cells (see the module doc): what the registry import and `profile init` read.
pub fn for_each_row_filled<F>(
    path: &Path,
    sheet: Option<&str>,
    encoding: Option<CsvEncoding>,
    mut on_row: F,
) -> Result<(ReadInfo, Filled), ReadError>
where
    F: FnMut(&RowRead<'_>) -> Result<bool, ReadError>,
{
    let ext = extension(path);
    if !matches!(ext.as_str(), "xlsx" | "xlsm" | "xls") {
        return Ok((
            for_each_row(path, sheet, encoding, on_row)?,
            Filled::default(),
        ));
    }
    let book = Book::read(path, Caps::TABLE.bytes)?;
    let checked = check_book(&book, &Caps::TABLE)?;
    let spans = match ext.as_str() {
        "xls" => xls_spans(&book, sheet)?,
        _ => xlsx_spans(&book, &checked, sheet)?,
    };
    let mut filler = Filler::new(spans, &book.label);
    let info = for_each_checked_row(&book, &checked, sheet, |r| filler.pass(r, &mut on_row))?;
    Ok((info, filler.filled))
}

/// An .xls sheet's merged ranges, from calamine (which parses the whole workbook anyway; the
/// caller has run the guard's checks, as for the read itself).
fn xls_spans(book: &Book, sheet: Option<&str>) -> Result<Vec<Span>, ReadError> {
    use calamine::Reader;
    let opened: Result<calamine::Xls<_>, _> =
        calamine::open_workbook_from_rs(Cursor::new(book.bytes.as_slice()));
    // A file calamine cannot open is reported by the read itself, in its words.
    let Ok(xls) = opened else {
        return Ok(Vec::new());
    };
    let name = match sheet {
        Some(s) => s.to_string(),
        None => match xls
            .sheets_metadata()
            .iter()
            .find(|m| m.visible == calamine::SheetVisible::Visible)
        {
            Some(m) => m.name.clone(),
            None => return Ok(Vec::new()),
        },
    };
    let dims = xls.worksheet_merge_cells(&name).unwrap_or_default();
    Ok(dims
        .iter()
        .filter(|d| d.end.0 > d.start.0)
        .map(|d| Span {
            first_row: d.start.0 + 1,
            first_col: d.start.1 as usize,
            last_row: d.end.0 + 1,
            last_col: d.end.1 as usize,
        })
        .collect())
}

/// An .xlsx sheet's merged ranges, as the guard's pass found them in the part calamine reads.
fn xlsx_spans(book: &Book, checked: &Checked, sheet: Option<&str>) -> Result<Vec<Span>, ReadError> {
    match checked.sheet_merges(sheet) {
        Ok(spans) => Ok(spans.to_vec()),
        Err(max) => Err(ReadError::Other(format!(
            "{}: 工作簿声明了超过 {max} 个合并单元格区域,可能是损坏或恶意构造的文件",
            book.label
        ))),
    }
}

/// Finds every `<mergeCell ref="…">` of a worksheet part in its inflated bytes, fed chunk by
/// chunk (by the guard's one pass over the part): a byte search, keeping a chunk's tail so a tag
/// split between chunks is still found. Stops collecting past its limit.
pub(super) struct MergeFinder {
    finder: memchr::memmem::Finder<'static>,
    /// What is left of the chunks fed so far that may begin a tag.
    buf: Vec<u8>,
    spans: Vec<Span>,
    /// The most ranges kept; one more found marks the part as declaring too many.
    limit: usize,
}

impl MergeFinder {
    /// A finder keeping at most `limit` ranges.
    pub(super) fn new(limit: usize) -> MergeFinder {
        MergeFinder {
            finder: memchr::memmem::Finder::new(b"mergeCell "),
            buf: Vec::new(),
            spans: Vec::new(),
            limit,
        }
    }

    /// Take the next chunk of the part.
    pub(super) fn feed(&mut self, chunk: &[u8]) {
        if self.spans.len() > self.limit {
            return;
        }
        self.buf.extend_from_slice(chunk);
        let buf = &self.buf;
        let mut consumed = 0;
        while let Some(at) = self.finder.find(&buf[consumed..]) {
            let start = consumed + at;
            let Some(end) = memchr::memchr(b'>', &buf[start..]) else {
                break;
            };
            // A tag's name follows '<' (or a namespace prefix); text naming it is no tag.
            let tag = start > 0 && matches!(buf[start - 1], b'<' | b':');
            if let Some(s) = ref_attr(&buf[start..start + end])
                .filter(|_| tag)
                .and_then(|r| Span::parse(&r))
            {
                self.spans.push(s);
                if self.spans.len() > self.limit {
                    return;
                }
            }
            consumed = start + end + 1;
        }
        // Keep what may begin a tag cut by the chunk's end: from the last unconsumed '<'.
        let keep_from = memchr::memrchr(b'<', &buf[consumed..])
            .map(|i| consumed + i)
            .unwrap_or(buf.len());
        let keep_from = keep_from.max(buf.len().saturating_sub(4096));
        self.buf.drain(..keep_from.max(consumed));
    }

    /// The ranges found, and whether there were more than the limit (then only the limit's
    /// worth are returned).
    pub(super) fn finish(mut self) -> (Vec<Span>, bool) {
        let over = self.spans.len() > self.limit;
        self.spans.truncate(self.limit);
        (self.spans, over)
    }
}

/// The `ref` attribute of a `mergeCell` tag's bytes.
fn ref_attr(tag: &[u8]) -> Option<String> {
    let at = memchr::memmem::find(tag, b"ref=")?;
    let rest = &tag[at + 4..];
    let quote = *rest.first()?;
    let rest = &rest[1..];
    let end = memchr::memchr(quote, rest)?;
    Some(String::from_utf8_lossy(&rest[..end]).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn references_parse_to_ranges() {
        let s = Span::parse("E201:E202").unwrap();
        assert_eq!(
            (s.first_row, s.first_col, s.last_row, s.last_col),
            (201, 4, 202, 4)
        );
        let s = Span::parse("$AA3:$AB4").unwrap();
        assert_eq!((s.first_col, s.last_col), (26, 27));
        assert!(Span::parse("A1").is_none());
        assert!(Span::parse("A1:A1").is_none());
        assert!(Span::parse("1:2").is_none());
    }

    #[test]
    fn merge_tags_are_found_across_chunk_ends() {
        let mut xml = String::from("<worksheet><sheetData>");
        xml.push_str(&"<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>".repeat(4000));
        xml.push_str("</sheetData><mergeCells count=\"2\"><mergeCell ref=\"A1:L1\"/>");
        xml.push_str("<mergeCell ref=\"E5:E7\"/></mergeCells></worksheet>");
        for cut in [1usize, 7, 100] {
            // A reader handing out `cut` bytes at a time.
            struct Slow<'a>(&'a [u8], usize);
            impl std::io::Read for Slow<'_> {
                fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                    let n = self.1.min(out.len()).min(self.0.len());
                    out[..n].copy_from_slice(&self.0[..n]);
                    self.0 = &self.0[n..];
                    Ok(n)
                }
            }
            let mut src = Slow(xml.as_bytes(), cut);
            let mut finder = MergeFinder::new(MAX_RANGES);
            let mut chunk = [0u8; 64];
            loop {
                let n = std::io::Read::read(&mut src, &mut chunk).unwrap();
                if n == 0 {
                    break;
                }
                finder.feed(&chunk[..n]);
            }
            let (spans, over) = finder.finish();
            assert!(!over);
            assert_eq!(spans.len(), 2, "cut {cut}");
            assert_eq!(spans[1], Span::parse("E5:E7").unwrap());
        }
    }

    /// A hostile merge list costs bounded work: a range declared a million times is one range,
    /// and ranges overlapping past the sheet's columns are refused as damage, not looped over.
    #[test]
    fn repeated_and_overlapping_ranges_are_bounded() {
        let one = Span::parse("B2:B4294967295").unwrap();
        let mut f = Filler::new(vec![one; 1_000_000], "t.xlsx");
        assert_eq!(f.spans.len(), 1);
        let cells = strings(&["1", "单位"]);
        let r = RowRead {
            number: 2,
            cells: &cells,
            lossy: &[],
            uncached: &[],
        };
        f.pass(&r, &mut |_: &RowRead<'_>| Ok(true)).unwrap();
        assert_eq!(f.active.len(), 1);
        // Overlapping ranges, each starting at row 2 in column B: their widths add up past the
        // sheet's columns, which no real file does.
        let overlapping: Vec<Span> = (2..(MAX_COLUMNS as u32 + 5))
            .map(|last| Span {
                first_row: 2,
                first_col: 1,
                last_row: last,
                last_col: 1,
            })
            .collect();
        let mut f = Filler::new(overlapping, "t.xlsx");
        let e = f
            .pass(&r, &mut |_: &RowRead<'_>| Ok(true))
            .unwrap_err()
            .to_string();
        assert!(e.contains("合并单元格区域互相重叠"), "{e}");
    }

    #[test]
    fn a_vertical_range_fills_its_rows_and_a_title_does_not() {
        let spans = ["A1:C1", "B3:B4", "C3:C5"]
            .iter()
            .filter_map(|r| Span::parse(r))
            .collect();
        let mut f = Filler::new(spans, "t.xlsx");
        let rows = [
            (1, strings(&["标题"])),
            (3, strings(&["1", "单位甲", "x"])),
            (4, strings(&["2"])),
            (5, strings(&["3", "单位乙"])),
        ];
        let mut seen: Vec<Vec<String>> = Vec::new();
        for (n, cells) in &rows {
            let r = RowRead {
                number: *n,
                cells,
                lossy: &[],
                uncached: &[],
            };
            f.pass(&r, &mut |r: &RowRead<'_>| {
                seen.push(r.cells.to_vec());
                Ok(true)
            })
            .unwrap();
        }
        assert_eq!(seen[0], strings(&["标题"]));
        assert_eq!(seen[2], strings(&["2", "单位甲", "x"]));
        assert_eq!(seen[3], strings(&["3", "单位乙", "x"]));
        assert_eq!(f.filled.spans.len(), 2);
        assert_eq!(f.filled.below(3), 0);
        assert_eq!(f.filled.below(2), 2);
    }
}
