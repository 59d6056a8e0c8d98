//! An .xlsx sheet's rows, read by us with quick-xml: the rules are calamine 0.31's (the same
//! tokenizer and settings, the same reading of every cell type, of rich and phonetic text, of
//! `_x000D_` escapes and of date formats), the cost is not. Issue #25 measured calamine's cell
//! reader at 57% of a million-row import: three attribute scans a cell, two 1 KB buffers and a
//! `String` for every text cell, a shared-strings and styles read before any sheet. Here a cell's
//! attributes are read once, its text goes into buffers reused for the whole sheet, and only the
//! parts the chosen sheet needs are opened (the guard has listed the sheets already).
//!
//! Other formats, and the typed reads of our returned workbooks' hidden sheets, stay on calamine;
//! `tests/xlsx_rows.rs` holds this reader to calamine's values on workbooks of every shape.

use super::guard::{Checked, MAX_SHARED_STRINGS, MAX_TOKEN};
use super::parts::{self, SheetPart};
use super::read::{Book, ReadError, ReadInfo, RowBuffer, RowRead, MAX_COLUMNS};
use super::xml_scan::{
    attributes, check_references, is, local, push_text, same, shown, utf8_part, Scan, Tok,
};
use quick_xml::events::Event;
use std::io::{BufRead, BufReader, Cursor, Read};
use zip::ZipArchive;

/// Excel's last row (1-based): a cell beyond it is damage, and row numbers stay in `u32`.
const MAX_ROW: u32 = 1_048_576;

/// What a cell holds, as a row takes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Value<'a> {
    /// No value (no `<v>`/`<is>`, a formula without a cached value, an error value).
    Empty,
    /// Text: a shared or inline string, a `t="str"` formula result, a `t="d"` ISO date.
    Text(&'a str),
    /// A number without a date format.
    Number(f64),
    /// A number with a date or time format: its serial, and whether it is a date-time rather
    /// than a duration (`[h]:mm`).
    Date {
        /// Excel's serial day number.
        serial: f64,
        /// A date or date-time format (not an elapsed-time one).
        with_time: bool,
    },
    /// A boolean.
    Bool(bool),
    /// An error value (`#N/A`, `#DIV/0!` …): no value, read as empty text.
    Error,
}

impl Value<'_> {
    /// A formula cell (`formula`) with no saved result: no value, or an empty text (openpyxl
    /// writes `<v></v>`). An error value is a result.
    pub(super) fn uncomputed(&self, formula: bool) -> bool {
        formula && matches!(self, Value::Empty | Value::Text(""))
    }
}

/// How a cell format shows a number (calamine's `CellFormat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NumberShape {
    Plain,
    DateTime,
    Duration,
}

/// The workbook-wide tables a sheet's cells refer to.
#[derive(Default)]
struct Tables {
    /// The shared strings, in order (an `<si>` without text is skipped, as calamine skips it).
    strings: SharedStrings,
    /// Each cell format (`cellXfs`) by index: how it shows a number.
    shapes: Vec<NumberShape>,
    /// The workbook counts days from 1904 (Excel for Mac's old default): its date serials are
    /// 1,462 days short of the 1900 system's (calamine leaves them so; we read the date the
    /// file shows).
    date1904: bool,
}

/// The shared strings in one buffer: a table of millions of short strings costs its text and
/// four bytes a string, not a `String` each (a 650 KB file of tiny strings took 867 MB).
#[derive(Default)]
struct SharedStrings {
    text: String,
    /// Where each string ends in `text`.
    ends: Vec<u32>,
}

impl SharedStrings {
    fn push(&mut self, s: &str) -> Res<()> {
        // Decoded from another encoding, the text may outgrow the part the guard measured.
        if self.text.len() + s.len() > MAX_SHARED_STRINGS as usize {
            return Err(format!("解码后超过 {} MB", MAX_SHARED_STRINGS >> 20));
        }
        self.text.push_str(s);
        let end = u32::try_from(self.text.len()).map_err(|_| "共享字符串表超过 4 GB")?;
        self.ends.push(end);
        Ok(())
    }

    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] as usize,
        };
        Some(&self.text[start..end])
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

/// The value of the `t` attribute of a cell.
#[derive(Clone, Debug, PartialEq)]
enum CellType {
    Absent,
    Shared,
    Bool,
    Error,
    IsoDate,
    Str,
    Number,
    Inline,
    Other(String),
}

/// What a cell's children left: the last child decides, as in calamine.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Held {
    Empty,
    Error,
    /// The `<v>` text, kept in the reader's value buffer.
    VText,
    /// The `<is>` text, kept in the reader's inline buffer.
    Inline,
    Shared(usize),
    /// A number and the cell's style (`s`), which decides whether it is a date.
    Number(f64, Option<usize>),
    Bool(bool),
}

/// One cell's place and what it holds.
struct CellRead {
    row: u32,
    col: u32,
    held: Held,
    /// The cell has a formula (`<f>`).
    formula: bool,
}

/// A cell's attributes, read in one pass.
struct CellAttrs {
    /// Row and, when the reference has one, column (one without is damage).
    pos: Option<(u32, Option<u32>)>,
    style: Option<usize>,
    kind: CellType,
}

/// Errors inside the reader, worded for the user; the caller adds the file and sheet.
type Res<T> = Result<T, String>;

fn xml_error(e: impl std::fmt::Display) -> String {
    format!("XML 有误: {e}")
}

/// One cell as the readers take it: 0-based row and column, its value, and whether it has a
/// formula (one with no value was saved by a program that does not compute).
pub(super) struct CellOut<'a> {
    /// 0-based row.
    pub row: u32,
    /// 0-based column.
    pub col: u32,
    /// What it holds.
    pub value: Value<'a>,
    /// It has a formula (`<f>`).
    pub formula: bool,
}

/// The sheet a cell read went through.
pub(super) struct SheetRead {
    /// Its name.
    pub name: String,
    /// The rows its `<dimension>` declares (1 without one).
    pub declared_rows: u64,
}

/// Hand every cell of the sheet named `sheet` (or the first visible one) of an .xlsx the guard
/// has checked to `on_cell`, in the file's order, until it returns false.
pub(super) fn for_each_cell<F>(
    book: &Book,
    checked: &Checked,
    sheet: Option<&str>,
    mut on_cell: F,
) -> Result<SheetRead, ReadError>
where
    F: FnMut(CellOut<'_>) -> Result<bool, ReadError>,
{
    let file = &book.label;
    let bad = |detail: String| ReadError::Corrupt {
        file: file.clone(),
        detail,
    };
    let mut zip = open_zip(book)?;
    let sheets = checked
        .sheets()
        .ok_or_else(|| bad("找不到工作表清单(xl/workbook.xml 或其关系文件缺失或损坏)".into()))?;
    let part = choose(sheets, sheet, file)?;
    let tables = Tables::read(&mut zip).map_err(&bad)?;
    let entry_name = parts::entry_name(&zip, &part.part)
        .ok_or_else(|| bad(format!("找不到工作表「{}」的内容 {}", part.name, part.part)))?;
    let entry = zip.by_name(&entry_name).map_err(|e| bad(e.to_string()))?;
    let mut cells = SheetCells::new(utf8_part(entry).map_err(&bad)?);
    let near = |row: u32, e: String| {
        bad(format!(
            "工作表「{}」第 {} 行附近: {e}",
            part.name,
            row as u64 + 1
        ))
    };
    let declared = cells
        .preamble()
        .map_err(|e| bad(format!("工作表「{}」{e}", part.name)))?;
    let done = SheetRead {
        name: part.name.clone(),
        declared_rows: declared as u64 + 1,
    };
    loop {
        let read = cells.next_cell().map_err(|e| near(cells.row, e))?;
        let Some(cell) = read else { return Ok(done) };
        let value = cells
            .value(cell.held, &tables)
            .map_err(|e| near(cell.row, e))?;
        let out = CellOut {
            row: cell.row,
            col: cell.col,
            value,
            formula: cell.formula,
        };
        if !on_cell(out)? {
            return Ok(done);
        }
    }
}

/// Read the rows of the sheet named `sheet` (or the first visible one) of an .xlsx the guard has
/// checked, handing each row with a cell to `on_row` (see [`super::read::for_each_row`]). Rows
/// are kept sparse: cells beyond [`MAX_COLUMNS`] are dropped and counted.
pub(super) fn read_rows<F>(
    book: &Book,
    checked: &Checked,
    sheet: Option<&str>,
    mut on_row: F,
) -> Result<ReadInfo, ReadError>
where
    F: FnMut(&RowRead<'_>) -> Result<bool, ReadError>,
{
    let mut info = ReadInfo::default();
    let mut buffer = RowBuffer::default();
    let mut current: Option<u32> = None;
    // A row is handed on when the next one starts, and the last at the end (unless stopped).
    let mut flush = |buffer: &mut RowBuffer, row: u32| {
        buffer.trim();
        let go_on = buffer.used() == 0 || on_row(&buffer.row(row + 1))?;
        buffer.clear();
        Ok::<bool, ReadError>(go_on)
    };
    let mut stopped = false;
    let sheet = for_each_cell(book, checked, sheet, |cell| {
        if current != Some(cell.row) {
            if let Some(prev) = current {
                stopped = !flush(&mut buffer, prev)?;
                if stopped {
                    return Ok(false);
                }
            }
            current = Some(cell.row);
        }
        match cell.col as usize {
            c if c < MAX_COLUMNS => {
                if cell.value.uncomputed(cell.formula) {
                    buffer.mark_uncached(c);
                }
                buffer.put(cell.row + 1, c, cell.value, &mut info)
            }
            _ if cell.value != Value::Empty => info.cells_beyond_limit += 1,
            _ => {}
        }
        Ok(true)
    })?;
    if let (Some(last), false) = (current, stopped) {
        flush(&mut buffer, last)?;
    }
    info.sheet = Some(sheet.name);
    info.declared_rows = Some(sheet.declared_rows);
    Ok(info)
}

/// The book's zip (an encrypted file or an .xls named .xlsx never gets here: see `Book::read`).
fn open_zip(book: &Book) -> Result<ZipArchive<Cursor<&[u8]>>, ReadError> {
    ZipArchive::new(Cursor::new(book.bytes.as_slice())).map_err(|e| ReadError::Corrupt {
        file: book.label.clone(),
        detail: format!("不是有效的 .xlsx(无法作为 zip 打开: {e})"),
    })
}

/// The sheet named, or the first visible one (a hidden sheet is often a stale copy; it is read
/// only when named).
fn choose<'s>(
    sheets: &'s [SheetPart],
    sheet: Option<&str>,
    file: &str,
) -> Result<&'s SheetPart, ReadError> {
    if let Some(found) = parts::chosen(sheets, sheet) {
        return Ok(found);
    }
    Err(match sheet {
        Some(s) => ReadError::MissingSheet {
            file: file.to_string(),
            sheet: s.to_string(),
            available: sheets
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        },
        None => ReadError::Corrupt {
            file: file.to_string(),
            detail: "工作簿中没有可见的工作表".into(),
        },
    })
}

/// quick-xml set as calamine sets it, for the styles part: the same events for the same bytes.
fn xml_reader<R: BufRead>(source: R) -> quick_xml::Reader<R> {
    let mut xml = quick_xml::Reader::from_reader(source);
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    xml
}

/// A sheet part read cell by cell, with the buffers every cell reuses.
struct SheetCells<R> {
    scan: Scan<R>,
    /// The row and column a cell without a reference takes (calamine's counters).
    row: u32,
    col: u32,
    /// The qualified name of the cell child being read (`v`, `is`, `f`).
    child: Vec<u8>,
    /// The qualified name of a `<t>` being read.
    t_name: Vec<u8>,
    /// The last `<v>` text.
    value: String,
    /// The last `<is>` text.
    inline: String,
    /// `</sheetData>` (or `<sheetData/>`) has been read.
    done: bool,
}

impl<R: Read> SheetCells<R> {
    fn new(source: R) -> Self {
        SheetCells {
            scan: Scan::new(source, MAX_TOKEN as usize),
            row: 0,
            col: 0,
            child: Vec::new(),
            t_name: Vec::new(),
            value: String::new(),
            inline: String::new(),
            done: false,
        }
    }

    /// Read up to `<sheetData>`; the last row (0-based) the `<dimension>` declares (0 without
    /// one). A part that is no worksheet (a chart sheet) is refused by the name of its root.
    fn preamble(&mut self) -> Res<u32> {
        let mut last_row = 0;
        let mut root: Option<String> = None;
        loop {
            match self.scan.next()? {
                Tok::Start { name, attrs } => match local(name) {
                    b"dimension" => {
                        let r = attribute(attrs, b"ref")?.ok_or("的 <dimension> 没有 ref")?;
                        last_row = dimension_last_row(r)?;
                    }
                    b"sheetData" => return Ok(last_row),
                    other => {
                        root.get_or_insert_with(|| shown(other));
                    }
                },
                Tok::Eof => {
                    return Err(match root {
                        Some(r) => format!("不是工作表(根元素 <{r}>)"),
                        None => "没有 <sheetData>:内容不完整".into(),
                    })
                }
                Tok::Text(t) => check_references(t)?,
                _ => {}
            }
        }
    }

    /// The next cell, or None at `</sheetData>`.
    fn next_cell(&mut self) -> Res<Option<CellRead>> {
        while !self.done {
            let attrs = match self.scan.next()? {
                Tok::Start { name, attrs } if is(name, b"row") => {
                    if let Some(r) = attribute(attrs, b"r")? {
                        self.row = reference(r)?.0;
                    }
                    continue;
                }
                Tok::End(name) if is(name, b"row") => {
                    self.end_row();
                    continue;
                }
                Tok::Start { name, attrs } if is(name, b"c") => cell_attrs(attrs)?,
                Tok::End(name) if is(name, b"sheetData") => break,
                Tok::Eof => return Err("在 </sheetData> 之前结束:内容不完整".into()),
                Tok::Text(t) => {
                    check_references(t)?;
                    continue;
                }
                _ => continue,
            };
            let (row, col) = match attrs.pos {
                Some((row, Some(col))) => (row, col),
                Some((_, None)) => return Err("单元格引用缺少列字母".into()),
                None => (self.row, self.col),
            };
            if row >= MAX_ROW {
                return Err(format!(
                    "单元格在第 {} 行,超出 Excel 的行数",
                    row as u64 + 1
                ));
            }
            self.col = col.saturating_add(1);
            let (held, formula) = self.cell_children(&attrs)?;
            return Ok(Some(CellRead {
                row,
                col,
                held,
                formula,
            }));
        }
        self.done = true;
        Ok(None)
    }

    /// After a row: a cell without a reference goes to the next row's first column.
    fn end_row(&mut self) {
        self.row = self.row.saturating_add(1);
        self.col = 0;
    }

    /// Read a cell's children up to `</c>`; the last child decides its value. Also whether it
    /// has a formula.
    fn cell_children(&mut self, attrs: &CellAttrs) -> Res<(Held, bool)> {
        let (mut held, mut formula) = (Held::Empty, false);
        loop {
            match self.scan.next()? {
                Tok::Start { name, .. } => {
                    self.child.clear();
                    self.child.extend_from_slice(name);
                }
                Tok::End(name) if is(name, b"c") => return Ok((held, formula)),
                Tok::Eof => return Err("单元格在 </c> 之前结束:内容不完整".into()),
                Tok::Text(t) => {
                    check_references(t)?;
                    continue;
                }
                _ => continue,
            }
            let child = std::mem::take(&mut self.child);
            formula |= local(&child) == b"f";
            let read = self.cell_child(&child, attrs);
            self.child = child;
            held = read?;
        }
    }

    /// One child of a cell, by its qualified name.
    fn cell_child(&mut self, child: &[u8], attrs: &CellAttrs) -> Res<Held> {
        match local(child) {
            b"is" => {
                let found = read_string(&mut self.scan, child, &mut self.inline, &mut self.t_name)?;
                Ok(if found { Held::Inline } else { Held::Empty })
            }
            b"v" => {
                self.value.clear();
                read_text(&mut self.scan, child, &mut self.value, false)?;
                self.v_value(attrs)
            }
            b"f" => {
                self.scan.skip_to_end(child)?;
                Ok(Held::Empty)
            }
            other => Err(format!(
                "单元格中有意外的元素 <{}>(应为 v、f 或 is)",
                shown(other)
            )),
        }
    }

    /// What a `<v>` text means under the cell's type and format (calamine's `read_v`).
    fn v_value(&self, attrs: &CellAttrs) -> Res<Held> {
        let v = self.value.as_str();
        let number = |n: f64| Held::Number(n, attrs.style);
        Ok(match &attrs.kind {
            CellType::Shared => Held::Shared(digits(v.as_bytes()).unwrap_or(0)),
            CellType::Bool => Held::Bool(v != "0"),
            CellType::Error if v.starts_with('#') => Held::Error,
            CellType::Error => return Err(format!("错误值单元格中是 {}", shown(v.as_bytes()))),
            CellType::IsoDate | CellType::Str => Held::VText,
            CellType::Number if v.is_empty() => Held::Empty,
            CellType::Number => number(
                v.parse()
                    .map_err(|_| format!("数值 \"{}\" 无法读取", shown(v.as_bytes())))?,
            ),
            CellType::Absent => v.parse().map_or(Held::VText, number),
            CellType::Inline => return Err("inlineStr 单元格中是 <v> 而不是 <is>".into()),
            CellType::Other(t) => {
                return Err(format!("未知的单元格类型 t=\"{}\"", shown(t.as_bytes())))
            }
        })
    }

    /// A cell's value as the row takes it; a shared string beyond the table is damage.
    fn value<'a>(&'a self, held: Held, tables: &'a Tables) -> Res<Value<'a>> {
        Ok(match held {
            Held::Empty => Value::Empty,
            Held::Error => Value::Error,
            Held::VText => Value::Text(&self.value),
            Held::Inline => Value::Text(&self.inline),
            Held::Shared(i) => Value::Text(tables.strings.get(i).ok_or_else(|| {
                format!(
                    "共享字符串编号 {i} 超出共享字符串表(共 {} 条)",
                    tables.strings.len()
                )
            })?),
            Held::Number(n, style) => {
                let serial = if tables.date1904 { n + 1462.0 } else { n };
                match style.and_then(|s| tables.shapes.get(s)) {
                    Some(NumberShape::DateTime) => Value::Date {
                        serial,
                        with_time: true,
                    },
                    Some(NumberShape::Duration) => Value::Date {
                        serial: n,
                        with_time: false,
                    },
                    _ => Value::Number(n),
                }
            }
            Held::Bool(b) => Value::Bool(b),
        })
    }
}

/// Read a string (`<si>` or `<is>`, whose qualified name is `closing`) into `out` as calamine
/// does: a plain string is its first `<t>`; a rich one (with `<r>` runs) is every `<t>` outside
/// phonetic runs (`<rPh>`, the furigana Excel keeps beside Japanese text) joined. False when
/// there is no text at all.
fn read_string<R: Read>(
    scan: &mut Scan<R>,
    closing: &[u8],
    out: &mut String,
    t_name: &mut Vec<u8>,
) -> Res<bool> {
    out.clear();
    let (mut rich, mut phonetic) = (false, false);
    loop {
        match scan.next()? {
            Tok::Start { name, .. } => match local(name) {
                b"r" => {
                    rich = true;
                    continue;
                }
                b"rPh" => {
                    phonetic = true;
                    continue;
                }
                b"t" if !phonetic => {
                    t_name.clear();
                    t_name.extend_from_slice(name);
                }
                _ => continue,
            },
            Tok::End(name) if same(name, closing) => return Ok(rich),
            Tok::End(name) if is(name, b"rPh") => {
                phonetic = false;
                continue;
            }
            Tok::Eof => return Err("文字在结束标记之前中断:内容不完整".into()),
            Tok::Text(t) => {
                check_references(t)?;
                continue;
            }
            _ => continue,
        }
        read_text(scan, t_name, out, true)?;
        if !rich {
            scan.skip_to_end(closing)?;
            return Ok(true);
        }
    }
}

/// Append an element's text up to its end tag `closing` (a qualified name) to `out`, decoded by
/// [`push_text`]; in string text (`excel_escapes`) Excel's `_x00HH_` escapes too.
fn read_text<R: Read>(
    scan: &mut Scan<R>,
    closing: &[u8],
    out: &mut String,
    excel_escapes: bool,
) -> Res<()> {
    loop {
        match scan.next()? {
            Tok::Text(raw) => push_text(raw, out, excel_escapes)?,
            Tok::End(name) if same(name, closing) => return Ok(()),
            Tok::Eof => return Err("文字在结束标记之前中断:内容不完整".into()),
            _ => {}
        }
    }
}

/// The value of the attribute whose qualified name is `name`, raw.
fn attribute<'a>(attrs: &'a [u8], name: &[u8]) -> Res<Option<&'a [u8]>> {
    for a in attributes(attrs) {
        let (key, value) = a?;
        if key == name {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

/// A cell's `r`, `s` and `t`, read in one pass over its attributes; one given twice is
/// malformed XML, refused as quick-xml refuses it.
fn cell_attrs(raw: &[u8]) -> Res<CellAttrs> {
    let mut attrs = CellAttrs {
        pos: None,
        style: None,
        kind: CellType::Absent,
    };
    // A cell has a handful of attributes: a list on the stack finds a repeated one cheaply (ten
    // million cells, no allocation); past eight, a vector.
    let (mut first, mut count, mut more) = ([&b""[..]; 8], 0, Vec::new());
    for a in attributes(raw) {
        let (key, value) = a?;
        if first[..count].iter().chain(&more).any(|k| same(k, key)) {
            return Err(format!("单元格的属性 {} 重复", shown(key)));
        }
        match count {
            8 => more.push(key),
            _ => {
                first[count] = key;
                count += 1;
            }
        }
        match key {
            b"r" => attrs.pos = Some(reference(value)?),
            b"s" => attrs.style = Some(digits(value).unwrap_or(0)),
            b"t" => attrs.kind = cell_type(value),
            _ => {}
        }
    }
    Ok(attrs)
}

/// A cell's `t` attribute.
fn cell_type(t: &[u8]) -> CellType {
    match t {
        b"s" => CellType::Shared,
        b"b" => CellType::Bool,
        b"e" => CellType::Error,
        b"d" => CellType::IsoDate,
        b"str" => CellType::Str,
        b"n" => CellType::Number,
        b"inlineStr" => CellType::Inline,
        other => CellType::Other(String::from_utf8_lossy(other).into_owned()),
    }
}

/// A non-negative integer written in ASCII digits only (what calamine's index parser takes).
fn digits(s: &[u8]) -> Option<usize> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0usize, |n, d| {
        n.checked_mul(10)?.checked_add(usize::from(d - b'0'))
    })
}

/// A reference such as `B7` (or a bare row `7`) as 0-based row and column.
fn reference(r: &[u8]) -> Res<(u32, Option<u32>)> {
    let bad = || format!("单元格引用 \"{}\" 无法读取", shown(r));
    let split = r.iter().position(u8::is_ascii_digit).unwrap_or(r.len());
    let (letters, number) = r.split_at(split);
    let row = digits(number)
        .filter(|&n| n >= 1 && n <= u32::MAX as usize)
        .ok_or_else(bad)?;
    let mut col: Option<u32> = None;
    for &c in letters {
        if !c.is_ascii_alphabetic() {
            return Err(bad());
        }
        let v = u32::from(c.to_ascii_uppercase() - b'A') + 1;
        let next = col
            .unwrap_or(0)
            .checked_mul(26)
            .and_then(|n| n.checked_add(v));
        col = Some(next.ok_or_else(bad)?);
    }
    Ok((row as u32 - 1, col.map(|c| c - 1)))
}

/// The last row (0-based) of a `<dimension ref="A1:K1000">`.
fn dimension_last_row(r: &[u8]) -> Res<u32> {
    let mut last = 0;
    let parts: Vec<&[u8]> = r.split(|&b| b == b':').collect();
    if parts.len() > 2 {
        return Err(format!("的 <dimension> \"{}\" 无法读取", shown(r)));
    }
    for p in parts {
        let (row, col) = reference(p)?;
        col.ok_or("的 <dimension> 缺少列字母")?;
        last = row;
    }
    Ok(last)
}

type BookZip<'b> = ZipArchive<Cursor<&'b [u8]>>;

impl Tables {
    /// The shared strings and cell formats, read as calamine reads them; a part that is not
    /// there is an empty table.
    fn read(zip: &mut BookZip<'_>) -> Res<Tables> {
        let mut tables = Tables::default();
        if let Some(name) = parts::entry_name(zip, "xl/sharedStrings.xml") {
            let entry = zip.by_name(&name).map_err(|e| e.to_string())?;
            tables.strings = shared_strings(Scan::new(utf8_part(entry)?, MAX_TOKEN as usize))
                .map_err(|e| format!("共享字符串表 {name} {e}"))?;
        }
        if let Some(name) = parts::entry_name(zip, "xl/styles.xml") {
            let entry = zip.by_name(&name).map_err(|e| e.to_string())?;
            tables.shapes = cell_shapes(xml_reader(BufReader::new(entry)))
                .map_err(|e| format!("样式表 {name} {e}"))?;
        }
        // Decoded as the sheet list was (a UTF-16 or GBK workbook.xml too).
        if let Some(text) = parts::small_part(zip, parts::WORKBOOK) {
            tables.date1904 = date1904(&text).map_err(|e| format!("{} {e}", parts::WORKBOOK))?;
        }
        Ok(tables)
    }
}

/// Whether the workbook's `<workbookPr date1904>` is set (`1` or `true`), whatever its prefix.
fn date1904(text: &str) -> Res<bool> {
    let mut xml = quick_xml::Reader::from_str(text);
    loop {
        match xml.read_event().map_err(xml_error)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"workbookPr" => {
                let set = e.try_get_attribute("date1904").map_err(xml_error)?;
                return Ok(set.is_some_and(|a| matches!(&*a.value, b"1" | b"true")));
            }
            Event::Eof => return Ok(false),
            _ => {}
        }
    }
}

/// Every `<si>` with text, in order, up to `</sst>`.
fn shared_strings<R: Read>(mut scan: Scan<R>) -> Res<SharedStrings> {
    let mut strings = SharedStrings::default();
    let (mut name, mut t_name) = (Vec::new(), Vec::new());
    let mut text = String::new();
    loop {
        match scan.next()? {
            Tok::Start { name: n, .. } if is(n, b"si") => {
                name.clear();
                name.extend_from_slice(n);
            }
            Tok::End(n) if is(n, b"sst") => return Ok(strings),
            Tok::Eof => return Err("在 </sst> 之前结束:内容不完整".into()),
            Tok::Text(t) => {
                check_references(t)?;
                continue;
            }
            _ => continue,
        }
        // An <si> without text (<si/>, or only a phonetic run) is skipped, as calamine skips it
        // (the later indices shift: no program we know writes one).
        if read_string(&mut scan, &name, &mut text, &mut t_name)? {
            strings.push(&text)?;
        }
    }
}

/// How each cell format (`cellXfs`, by index) shows a number: by its custom `numFmt` code
/// when it has one, else by Excel's built-in format number.
fn cell_shapes<R: BufRead>(mut xml: quick_xml::Reader<R>) -> Res<Vec<NumberShape>> {
    let mut codes: Vec<(Vec<u8>, String)> = Vec::new();
    let mut shapes = Vec::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(xml_error)? {
            // A second block adds to the first, as calamine reads it.
            Event::Start(e) if e.local_name().as_ref() == b"numFmts" => {
                number_formats(&mut xml, &mut codes)?;
            }
            Event::Start(e) if e.local_name().as_ref() == b"cellXfs" => {
                shapes.extend(format_shapes(&mut xml, &codes)?);
            }
            Event::End(e) if e.local_name().as_ref() == b"styleSheet" => return Ok(shapes),
            Event::Eof => return Err("在 </styleSheet> 之前结束:内容不完整".into()),
            _ => {}
        }
    }
}

/// The custom number formats: id (raw) and format code, up to `</numFmts>`. A later
/// definition of an id replaces an earlier one.
fn number_formats<R: BufRead>(
    xml: &mut quick_xml::Reader<R>,
    codes: &mut Vec<(Vec<u8>, String)>,
) -> Res<()> {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(e) if e.local_name().as_ref() == b"numFmt" => {
                let (mut id, mut code) = (Vec::new(), String::new());
                for a in e.attributes() {
                    let a = a.map_err(xml_error)?;
                    match a.key.as_ref() {
                        b"numFmtId" => id.extend_from_slice(&a.value),
                        b"formatCode" => {
                            code = xml.decoder().decode(&a.value).map_err(xml_error)?.into()
                        }
                        _ => {}
                    }
                }
                if !code.is_empty() {
                    codes.retain(|(i, _)| *i != id);
                    codes.push((id, code));
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"numFmts" => return Ok(()),
            Event::Eof => return Err("在 </numFmts> 之前结束:内容不完整".into()),
            _ => {}
        }
    }
}

/// Each `<xf>` of `cellXfs`, in order, as the shape of its number format.
fn format_shapes<R: BufRead>(
    xml: &mut quick_xml::Reader<R>,
    codes: &[(Vec<u8>, String)],
) -> Res<Vec<NumberShape>> {
    let mut shapes = Vec::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(e) if e.local_name().as_ref() == b"xf" => {
                let id = e
                    .attributes()
                    .filter_map(Result::ok)
                    .find(|a| a.key.as_ref() == b"numFmtId");
                shapes.push(id.map_or(NumberShape::Plain, |a| {
                    match codes.iter().find(|(i, _)| **i == *a.value) {
                        Some((_, code)) => custom_format_shape(code),
                        None => builtin_format_shape(&a.value),
                    }
                }));
            }
            Event::End(e) if e.local_name().as_ref() == b"cellXfs" => return Ok(shapes),
            Event::Eof => return Err("在 </cellXfs> 之前结束:内容不完整".into()),
            _ => {}
        }
    }
}

/// Excel's built-in number formats that show dates and times (14–22, 45, 47), elapsed time
/// (46, `[h]:mm:ss`), and the East Asian built-ins Chinese Excel and WPS write for their
/// 年月日 and 时分 formats (27–36, 50–58: 31 is `yyyy"年"m"月"d"日"`), which calamine reads as
/// plain numbers (a 开设时间 came out as 43466).
fn builtin_format_shape(id: &[u8]) -> NumberShape {
    // The id as written (calamine compares the text: "014" is no built-in).
    match digits(id).filter(|_| !id.starts_with(b"0")) {
        Some(14..=22 | 27..=36 | 45 | 47 | 50..=58) => NumberShape::DateTime,
        Some(46) => NumberShape::Duration,
        _ => NumberShape::Plain,
    }
}

/// Whether a custom format code shows a date: its first section has a date or time letter
/// outside quotes, escapes and brackets (`[h]` alone makes it elapsed time). Ported from
/// calamine's `detect_custom_number_format` (MIT, itself from openpyxl), so a number reads
/// the same as before this reader.
fn custom_format_shape(format: &str) -> NumberShape {
    let (mut escaped, mut is_quote, mut ap, mut hms) = (false, false, false, false);
    let mut brackets = 0u8;
    let mut prev = ' ';
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return NumberShape::Plain,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return NumberShape::Duration,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return NumberShape::DateTime,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return NumberShape::DateTime
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    NumberShape::Plain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_read_as_calamine_reads_them() {
        assert_eq!(reference(b"A1"), Ok((0, Some(0))));
        assert_eq!(reference(b"xfd1048576"), Ok((1_048_575, Some(16_383))));
        assert_eq!(reference(b"7"), Ok((6, None)));
        for bad in ["A0", "1A", "A$1", "", "A"] {
            assert!(reference(bad.as_bytes()).is_err(), "{bad}");
        }
        assert_eq!(dimension_last_row(b"A1:K1000"), Ok(999));
        assert_eq!(dimension_last_row(b"B2"), Ok(1));
        assert!(dimension_last_row(b"A1:B2:C3").is_err());
    }

    #[test]
    fn date_formats_are_told_from_number_formats() {
        let table = [
            ("yyyy-mm-dd", NumberShape::DateTime),
            ("DD/MM/YY", NumberShape::DateTime),
            ("H:MM:SS;@", NumberShape::DateTime),
            ("[h]:mm:ss", NumberShape::Duration),
            ("0.00", NumberShape::Plain),
            ("#,##0;[Red]-#,##0", NumberShape::Plain),
            ("0.0_m", NumberShape::Plain),
            ("\"y\"0", NumberShape::Plain),
            ("[$-804]yyyy\"年\"m\"月\"d\"日\"", NumberShape::DateTime),
        ];
        for (code, shape) in table {
            assert_eq!(custom_format_shape(code), shape, "{code}");
        }
        assert_eq!(builtin_format_shape(b"14"), NumberShape::DateTime);
        assert_eq!(builtin_format_shape(b"46"), NumberShape::Duration);
        assert_eq!(builtin_format_shape(b"49"), NumberShape::Plain);
        assert_eq!(builtin_format_shape(b"31"), NumberShape::DateTime);
        assert_eq!(builtin_format_shape(b"58"), NumberShape::DateTime);
        assert_eq!(builtin_format_shape(b"37"), NumberShape::Plain);
    }

    #[test]
    fn indices_are_plain_digits() {
        assert_eq!(digits(b"0012"), Some(12));
        assert_eq!(digits(b"+1"), None);
        assert_eq!(digits(b""), None);
        assert_eq!(digits(b"99999999999999999999999"), None);
    }
}
