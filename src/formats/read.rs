//! Reading tables from .xlsx/.xlsm/.xlsb/.xls/.ods (calamine) and .csv (UTF-8 or GBK/GB18030).
//!
//! Rows are handed to a callback one at a time, so a million-row registry is never held twice.
//! For .xlsx/.xlsm the cells are streamed (`worksheet_cells_reader`), so a stray cell far away
//! (say at XFD1048576) cannot make us allocate rows×columns: rows are kept sparse and cells
//! beyond column [`MAX_COLUMNS`] are dropped and counted.

use crate::domain::cell::{excel_date_text, float_text, Cell};
use calamine::{open_workbook_auto, Data, DataRef, Reader, Sheets};
use std::fmt;
use std::path::Path;

/// Cells beyond this column (1-based) are ignored and counted; no registry is that wide.
pub const MAX_COLUMNS: usize = 512;

/// The largest CSV read (a million-account registry is about 150 MB).
pub const MAX_CSV_BYTES: u64 = 1 << 30;

/// Why a table could not be read; every message names the file and says what to do, in Chinese.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened (missing, unreadable, locked).
    #[error("{file}: 无法打开: {detail}")]
    Open {
        /// The file, as displayed.
        file: String,
        /// The underlying error.
        detail: String,
    },
    /// The file opened but is no workbook the reader understands, or is damaged.
    #[error("{file}: 不是可读取的电子表格,或文件已损坏 ({detail})")]
    Corrupt {
        /// The file, as displayed.
        file: String,
        /// The reader's error.
        detail: String,
    },
    /// The extension is none the readers handle (.xlsx .xlsm .xlsb .xls .ods .csv).
    #[error("{file}: 不支持的文件类型 \"{ext}\" (支持 .xlsx .xlsm .xlsb .xls .ods .csv)")]
    UnsupportedType {
        /// The file, as displayed.
        file: String,
        /// Its extension, lower-cased.
        ext: String,
    },
    /// The sheet asked for (--sheet) is not in the workbook.
    #[error("{file}: 没有名为 \"{sheet}\" 的工作表;现有工作表: {available}")]
    MissingSheet {
        /// The file, as displayed.
        file: String,
        /// The sheet name asked for.
        sheet: String,
        /// The workbook's sheet names, listed for the user.
        available: String,
    },
    /// A CSV that does not decode in the encoding used (detected or given by --encoding).
    #[error("{file}: CSV 不是 {encoding} 编码,第 {line} 行附近无法解码;可用 --encoding 指定 utf-8 / gbk / gb18030")]
    Encoding {
        /// The file, as displayed.
        file: String,
        /// The encoding tried, e.g. UTF-8.
        encoding: String,
        /// 1-based line near the first undecodable bytes.
        line: usize,
    },
    /// A CSV the parser rejects (unbalanced quotes and the like) or with binary content.
    #[error("{file}: CSV 格式错误: {detail}")]
    Csv {
        /// The file, as displayed.
        file: String,
        /// The parser's error.
        detail: String,
    },
    /// Any other failure (e.g. a CSV above [`MAX_CSV_BYTES`]), already worded for the user.
    #[error("{0}")]
    Other(String),
}

/// The text encoding of a CSV file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvEncoding {
    /// UTF-8, with or without a BOM.
    Utf8,
    /// GB18030, a superset of GBK and GB2312: what Excel on Chinese Windows saves CSV in.
    Gb18030,
}

impl CsvEncoding {
    /// Parse an `--encoding` value (utf-8, gbk, gb18030 and their spellings).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "utf8" | "utf8bom" => Some(Self::Utf8),
            "gbk" | "gb2312" | "gb18030" | "cp936" => Some(Self::Gb18030),
            _ => None,
        }
    }
}

impl fmt::Display for CsvEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Utf8 => write!(f, "UTF-8"),
            Self::Gb18030 => write!(f, "GBK/GB18030"),
        }
    }
}

/// What a read saw besides its rows.
#[derive(Debug, Default, Clone)]
pub struct ReadInfo {
    /// The sheet that was read (None for CSV).
    pub sheet: Option<String>,
    /// The CSV encoding that was used (None for spreadsheets).
    pub encoding: Option<CsvEncoding>,
    /// Cells dropped because they lay beyond [`MAX_COLUMNS`].
    pub cells_beyond_limit: u64,
    /// The sheet's declared size in rows, when known (for progress).
    pub declared_rows: Option<u64>,
}

fn file_label(path: &Path) -> String {
    path.display().to_string()
}

/// The file extension, lower-cased ("" when none): what decides the reader.
pub fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn is_csv(path: &Path) -> bool {
    matches!(extension(path).as_str(), "csv" | "txt")
}

fn open_book(path: &Path) -> Result<Sheets<std::io::BufReader<std::fs::File>>, ReadError> {
    let file = file_label(path);
    let ext = extension(path);
    if !matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods") {
        return Err(ReadError::UnsupportedType { file, ext });
    }
    if let Err(e) = std::fs::metadata(path) {
        return Err(ReadError::Open {
            file,
            detail: e.to_string(),
        });
    }
    super::guard::check_workbook(path, &ext)?;
    open_workbook_auto(path).map_err(|e| ReadError::Corrupt {
        file,
        detail: e.to_string(),
    })
}

/// Expand `*` and `?` in the file name of each path, as a Unix shell would: cmd.exe and
/// PowerShell hand `D:\交回\*.xlsx` to the program as it is. A pattern matching nothing is
/// kept, so the caller reports it as a missing file; matches come in name order. Excel's
/// `~$name.xlsx` owner files are left out unless the pattern itself starts with `~$`.
pub fn expand_wildcards(paths: &[std::path::PathBuf]) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if p.exists() || !name.contains(['*', '?']) {
            out.push(p.clone());
            continue;
        }
        let dir = p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut found: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
            .filter(|e| wildcard_match(&name, &e.file_name().to_string_lossy()))
            // Excel's owner file (`~$检查表.xlsx`, while the workbook is open) is no workbook.
            .filter(|e| {
                name.starts_with("~$") || !e.file_name().to_string_lossy().starts_with("~$")
            })
            .map(|e| crate::domain::shell::native(&dir.join(e.file_name())))
            .filter(|f| f.is_file())
            .collect();
        found.sort();
        if found.is_empty() {
            out.push(p.clone());
        }
        out.extend(found);
    }
    out
}

/// `*` matches any run of characters, `?` one character (case-insensitive, as on Windows).
fn wildcard_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let n: Vec<char> = name.to_lowercase().chars().collect();
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// Whether a numeric cell lost digits: Excel keeps 15 significant digits, so an integer of 16 or
/// more (an 18-digit code typed into a number cell) is no longer what was typed.
pub fn is_lossy_number(f: f64) -> bool {
    f.is_finite() && f.abs() >= 1e15
}

/// One row as read: its 1-based number, its cells as text, and the columns whose cell was a
/// number too long to be exact ([`is_lossy_number`]).
pub struct RowRead<'a> {
    /// 1-based spreadsheet row (CSV: record number).
    pub number: u32,
    /// Cell texts; trailing empty cells are not included.
    pub cells: &'a [String],
    /// Columns (0-based) whose number lost digits.
    pub lossy: &'a [usize],
}

/// The sheet to read: the one named, or the first visible one (a hidden sheet is often a stale
/// copy; it is read only when named).
fn sheet_to_read(
    wb: &Sheets<std::io::BufReader<std::fs::File>>,
    sheet: Option<&str>,
    file: &str,
) -> Result<String, ReadError> {
    let names = wb.sheet_names();
    if let Some(s) = sheet {
        return names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| ReadError::MissingSheet {
                file: file.to_string(),
                sheet: s.to_string(),
                available: names.join(", "),
            });
    }
    wb.sheets_metadata()
        .iter()
        .find(|m| m.visible == calamine::SheetVisible::Visible)
        .map(|m| m.name.clone())
        .ok_or_else(|| ReadError::Corrupt {
            file: file.to_string(),
            detail: "工作簿中没有可见的工作表".into(),
        })
}

/// Run a read that goes through calamine, turning a panic inside it into an error on the file.
/// calamine trusts some indices in the file (a shared-string number beyond the table panics in
/// 0.31, found by `examples/fuzz_readers`); a hostile file must give an error, never a crash.
fn contained<T>(path: &Path, read: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    std::panic::set_hook(quiet);
    result.unwrap_or_else(|_| {
        Err(ReadError::Corrupt {
            file: file_label(path),
            detail: "文件内部结构异常(引用了不存在的内容)".into(),
        })
    })
}

/// Read every row of `path` (the named sheet, or the first visible one), calling `on_row` with
/// 1-based spreadsheet row numbers (CSV: record numbers, the first record is 1). Rows with no
/// cells at all are not reported. Returning `Ok(false)` from `on_row` stops early.
pub fn for_each_row<F>(
    path: &Path,
    sheet: Option<&str>,
    encoding: Option<CsvEncoding>,
    on_row: F,
) -> Result<ReadInfo, ReadError>
where
    F: FnMut(&RowRead<'_>) -> Result<bool, ReadError>,
{
    if is_csv(path) {
        return read_csv(path, encoding, on_row);
    }
    contained(path, || read_book_rows(path, sheet, on_row))
}

/// Read a workbook's rows (see [`for_each_row`]): an .xlsx cell by cell, any other workbook
/// through calamine's whole-sheet range.
fn read_book_rows<F>(path: &Path, sheet: Option<&str>, on_row: F) -> Result<ReadInfo, ReadError>
where
    F: FnMut(&RowRead<'_>) -> Result<bool, ReadError>,
{
    let file = file_label(path);
    let mut wb = open_book(path)?;
    let name = sheet_to_read(&wb, sheet, &file)?;
    let mut info = ReadInfo {
        sheet: Some(name.clone()),
        ..Default::default()
    };
    if let Sheets::Xlsx(ref mut xlsx) = wb {
        read_xlsx_cells(xlsx, &name, &file, &mut info, on_row)?;
        return Ok(info);
    }
    let range = wb.worksheet_range(&name).map_err(|e| corrupt(&file, e))?;
    read_range_rows(&range, &mut info, on_row)?;
    Ok(info)
}

/// A reader's error on a damaged workbook, with the file.
fn corrupt(file: &str, e: impl fmt::Display) -> ReadError {
    ReadError::Corrupt {
        file: file.to_string(),
        detail: e.to_string(),
    }
}

/// A typed read's error on a damaged .xlsx, worded as calamine's own error ("Xlsx error: …")
/// like the whole-sheet read's.
fn xlsx_corrupt(file: &str, e: calamine::XlsxError) -> ReadError {
    corrupt(file, calamine::Error::from(e))
}

/// One row's cells as the streaming .xlsx reader gathers them. One reusable buffer per column:
/// a million rows cost no per-cell allocation here.
#[derive(Default)]
struct RowBuffer {
    /// Cell texts by column; only the first `used` are this row's.
    cells: Vec<String>,
    /// Columns whose number lost digits.
    lossy: Vec<usize>,
    /// One past the last non-empty column of this row.
    used: usize,
}

impl RowBuffer {
    /// The row as handed to the caller.
    fn row(&self, number: u32) -> RowRead<'_> {
        RowRead {
            number,
            cells: &self.cells[..self.used],
            lossy: &self.lossy,
        }
    }

    /// Start the next row, keeping the buffers' capacity.
    fn clear(&mut self) {
        for s in &mut self.cells[..self.used] {
            s.clear();
        }
        self.lossy.clear();
        self.used = 0;
    }

    /// Take a cell's value (an empty cell changes nothing).
    fn set(&mut self, c: usize, value: &DataRef<'_>) {
        if matches!(value, DataRef::Empty) {
            return;
        }
        if self.cells.len() <= c {
            self.cells.resize(c + 1, String::new());
        }
        if let DataRef::Float(f) = value {
            if is_lossy_number(*f) {
                self.lossy.push(c);
            }
        }
        // The same cell written twice (a hostile file did it 1.5M times) replaces, never
        // accumulates.
        self.cells[c].clear();
        append_data_ref(&mut self.cells[c], value);
        if !self.cells[c].is_empty() {
            self.used = self.used.max(c + 1);
        }
    }
}

/// Stream an .xlsx sheet's cells into rows, so that a stray far cell (say at XFD1048576) never
/// makes us allocate rows × columns. Rows with no cells are not reported.
fn read_xlsx_cells<F>(
    xlsx: &mut calamine::Xlsx<std::io::BufReader<std::fs::File>>,
    name: &str,
    file: &str,
    info: &mut ReadInfo,
    mut on_row: F,
) -> Result<(), ReadError>
where
    F: FnMut(&RowRead<'_>) -> Result<bool, ReadError>,
{
    let mut reader = xlsx
        .worksheet_cells_reader(name)
        .map_err(|e| corrupt(file, e))?;
    info.declared_rows = Some(reader.dimensions().end.0 as u64 + 1);
    let mut current: Option<u32> = None;
    let mut buffer = RowBuffer::default();
    while let Some(cell) = reader.next_cell().map_err(|e| corrupt(file, e))? {
        let (r, c) = cell.get_position();
        if current != Some(r) {
            if let Some(prev) = current {
                if buffer.used > 0 && !on_row(&buffer.row(prev + 1))? {
                    return Ok(());
                }
            }
            buffer.clear();
            current = Some(r);
        }
        let c = c as usize;
        if c >= MAX_COLUMNS {
            if !matches!(cell.get_value(), DataRef::Empty) {
                info.cells_beyond_limit += 1;
            }
            continue;
        }
        buffer.set(c, cell.get_value());
    }
    if let Some(prev) = current {
        if buffer.used > 0 {
            on_row(&buffer.row(prev + 1))?;
        }
    }
    Ok(())
}

/// Hand a whole-sheet range (.xls, .xlsb, .ods) to `on_row` row by row, skipping empty rows.
fn read_range_rows<F>(
    range: &calamine::Range<Data>,
    info: &mut ReadInfo,
    mut on_row: F,
) -> Result<(), ReadError>
where
    F: FnMut(&RowRead<'_>) -> Result<bool, ReadError>,
{
    let (r0, c0) = range.start().unwrap_or((0, 0));
    info.declared_rows = Some(range.height() as u64);
    for (i, row) in range.rows().enumerate() {
        let (cells, lossy) = range_row_cells(row, c0 as usize, info);
        if cells.is_empty() {
            continue;
        }
        let row = RowRead {
            number: r0 + i as u32 + 1,
            cells: &cells,
            lossy: &lossy,
        };
        if !on_row(&row)? {
            break;
        }
    }
    Ok(())
}

/// One range row's cell texts by column (from column `c0`) and its lossy numbers; cells beyond
/// [`MAX_COLUMNS`] are counted in `info` and dropped.
fn range_row_cells(row: &[Data], c0: usize, info: &mut ReadInfo) -> (Vec<String>, Vec<usize>) {
    let mut cells: Vec<String> = Vec::new();
    let mut lossy: Vec<usize> = Vec::new();
    for (j, v) in row.iter().enumerate() {
        let c = c0 + j;
        if c >= MAX_COLUMNS {
            if !matches!(v, Data::Empty) {
                info.cells_beyond_limit += 1;
            }
            continue;
        }
        if matches!(v, Data::Float(f) if is_lossy_number(*f)) {
            lossy.push(c);
        }
        let text = cell_of(v).text();
        if text.is_empty() {
            continue;
        }
        if cells.len() <= c {
            cells.resize(c + 1, String::new());
        }
        cells[c] = text;
    }
    (cells, lossy)
}

fn append_data_ref(buf: &mut String, v: &DataRef<'_>) {
    match v {
        DataRef::SharedString(s) => buf.push_str(s),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => buf.push_str(s),
        other => buf.push_str(&data_ref_text(other)),
    }
}

fn data_ref_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => float_text(*f),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) => excel_date_text(d.as_f64(), d.is_datetime()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

/// A calamine cell as the domain's [`Cell`]: the one place the library's cell type is read.
pub fn cell_of(v: &Data) -> Cell {
    match v {
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Float(*f),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) => Cell::DateTime {
            serial: d.as_f64(),
            with_time: d.is_datetime(),
        },
        Data::Error(_) => Cell::Error,
        Data::Empty => Cell::Empty,
    }
}

/// Decode CSV bytes: a UTF-8 BOM or valid UTF-8 means UTF-8, otherwise GB18030 (a superset of GBK).
pub fn decode_csv(
    path: &Path,
    bytes: &[u8],
    forced: Option<CsvEncoding>,
) -> Result<(String, CsvEncoding), ReadError> {
    let file = file_label(path);
    let has_bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // UTF-8 when it all decodes, or when a BOM or Chinese text that decodes as UTF-8 comes
    // before the first bad byte: then that line is the fault, not the file's encoding. GBK text
    // can begin with bytes that are valid UTF-8 too ("某" is C4 B3, a Latin letter in UTF-8), so
    // only CJK characters in that prefix count as Chinese.
    let utf8 = match std::str::from_utf8(body) {
        Ok(_) => true,
        Err(e) => {
            has_bom
                || std::str::from_utf8(&body[..e.valid_up_to()])
                    .is_ok_and(|s| s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)))
        }
    };
    let enc = forced.unwrap_or(if utf8 {
        CsvEncoding::Utf8
    } else {
        CsvEncoding::Gb18030
    });
    let bad_line =
        |valid_up_to: usize| body[..valid_up_to].iter().filter(|b| **b == b'\n').count() + 1;
    match enc {
        CsvEncoding::Utf8 => match std::str::from_utf8(body) {
            Ok(s) => Ok((s.to_string(), enc)),
            Err(e) => Err(ReadError::Encoding {
                file,
                encoding: enc.to_string(),
                line: bad_line(e.valid_up_to()),
            }),
        },
        CsvEncoding::Gb18030 => {
            let (text, had_errors) = encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(body)
                .map(|t| (t, false))
                .unwrap_or_else(|| {
                    (
                        encoding_rs::GB18030.decode_without_bom_handling(body).0,
                        true,
                    )
                });
            if had_errors {
                let line = text
                    .split('\n')
                    .position(|l| l.contains('\u{FFFD}'))
                    .map(|p| p + 1)
                    .unwrap_or(1);
                return Err(ReadError::Encoding {
                    file,
                    encoding: enc.to_string(),
                    line,
                });
            }
            Ok((text.into_owned(), enc))
        }
    }
}

fn read_csv<F>(
    path: &Path,
    encoding: Option<CsvEncoding>,
    mut on_row: F,
) -> Result<ReadInfo, ReadError>
where
    F: FnMut(&RowRead<'_>) -> Result<bool, ReadError>,
{
    let file = file_label(path);
    let bytes = read_csv_bytes(path, &file)?;
    let (text, enc) = decode_csv(path, &bytes, encoding)?;
    let mut info = ReadInfo {
        encoding: Some(enc),
        ..Default::default()
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut n: u32 = 0;
    let mut cells: Vec<String> = Vec::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(ReadError::Csv {
                    file,
                    detail: e.to_string(),
                })
            }
        }
        n += 1;
        record_cells(&record, &mut cells, &mut info);
        if cells.is_empty() {
            continue;
        }
        let row = RowRead {
            number: n,
            cells: &cells,
            lossy: &[],
        };
        if !on_row(&row)? {
            break;
        }
    }
    Ok(info)
}

/// A CSV file's bytes, refused when too large to decode in memory or when it is binary.
fn read_csv_bytes(path: &Path, file: &str) -> Result<Vec<u8>, ReadError> {
    // The whole file is decoded in memory (about twice its size): bound it.
    if std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_CSV_BYTES) {
        return Err(ReadError::Other(format!(
            "{file}: CSV 文件超过 {} MB,不像一份台账;如确是,请分成几份或另存为 .xlsx 后导入",
            MAX_CSV_BYTES >> 20
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| ReadError::Open {
        file: file.to_string(),
        detail: e.to_string(),
    })?;
    if bytes.contains(&0) {
        return Err(ReadError::Csv {
            file: file.to_string(),
            detail: "文件含有二进制内容,不是文本 CSV".into(),
        });
    }
    Ok(bytes)
}

/// A CSV record's cells into `cells` (reused across records), trailing empty cells dropped;
/// cells beyond [`MAX_COLUMNS`] are counted in `info` and dropped.
fn record_cells(record: &csv::StringRecord, cells: &mut Vec<String>, info: &mut ReadInfo) {
    cells.clear();
    for (i, f) in record.iter().enumerate() {
        if i >= MAX_COLUMNS {
            if !f.is_empty() {
                info.cells_beyond_limit += 1;
            }
            continue;
        }
        cells.push(f.to_string());
    }
    while cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
}

/// A row's 1-based number and its cells.
pub type NumberedRow = (u32, Vec<String>);

/// Read a whole sheet into memory (for small files such as filled sheets and id lists).
pub fn read_all(
    path: &Path,
    sheet: Option<&str>,
) -> Result<(Vec<NumberedRow>, ReadInfo), ReadError> {
    let mut rows = Vec::new();
    let info = for_each_row(path, sheet, None, |row| {
        rows.push((row.number, row.cells.to_vec()));
        Ok(true)
    })?;
    Ok((rows, info))
}

/// Read a whole sheet of a workbook as typed cells (for filled inspector workbooks, where a
/// number, a date or a boolean must be told apart from text). Rows are 1-based; empty rows are
/// left out. A `.xlsx` is streamed and kept sparse, so a stray cell far away costs nothing; more
/// than `max_rows` non-empty rows is refused rather than read into memory.
pub fn read_typed(path: &Path, sheet: &str, max_rows: usize) -> Result<TypedSheet, ReadError> {
    contained(path, || read_typed_sheet(path, sheet, max_rows))
}

fn read_typed_sheet(path: &Path, sheet: &str, max_rows: usize) -> Result<TypedSheet, ReadError> {
    let file = file_label(path);
    let mut wb = open_book(path)?;
    let names = wb.sheet_names();
    if !names.iter().any(|n| n == sheet) {
        return Err(ReadError::MissingSheet {
            file,
            sheet: sheet.to_string(),
            available: names.join(", "),
        });
    }
    let mut rows = TypedRows {
        rows: Vec::new(),
        max_rows,
        file: &file,
        sheet,
    };
    if let Sheets::Xlsx(ref mut xlsx) = wb {
        let valued = read_xlsx_typed(xlsx, sheet, &mut rows)?;
        let uncached = uncached_formulas(xlsx, sheet, &file, &valued, max_rows)?;
        return Ok(TypedSheet {
            rows: rows.rows,
            uncached,
        });
    }
    let range = wb.worksheet_range(sheet).map_err(|e| corrupt(&file, e))?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (i, row) in range.rows().enumerate() {
        for (j, v) in row.iter().enumerate() {
            rows.put(r0 + i as u32, c0 as usize + j, v.clone())?;
        }
    }
    Ok(TypedSheet {
        rows: rows.rows,
        uncached: std::collections::HashSet::new(),
    })
}

/// The typed rows of a sheet as they are gathered, bounded in number.
struct TypedRows<'a> {
    /// Non-empty rows, 1-based, with their cells.
    rows: Vec<(u32, Vec<Cell>)>,
    /// More rows than this and the sheet is refused.
    max_rows: usize,
    /// The file, for the refusal.
    file: &'a str,
    /// The sheet, for the refusal.
    sheet: &'a str,
}

impl TypedRows<'_> {
    /// Take a cell (0-based row `r`, column `c`); empty cells and those beyond [`MAX_COLUMNS`]
    /// are dropped. Cells arrive row by row.
    fn put(&mut self, r: u32, c: usize, v: Data) -> Result<(), ReadError> {
        if c >= MAX_COLUMNS || matches!(v, Data::Empty) {
            return Ok(());
        }
        if self.rows.last().map(|(n, _)| *n) != Some(r + 1) {
            if self.rows.len() >= self.max_rows {
                return Err(ReadError::Other(format!(
                    "{}: 工作表 \"{}\" 的行数超过 {} 行,不像 audit 生成的检查表",
                    self.file, self.sheet, self.max_rows
                )));
            }
            self.rows.push((r + 1, Vec::new()));
        }
        if let Some((_, row)) = self.rows.last_mut() {
            if row.len() <= c {
                row.resize(c + 1, Cell::Empty);
            }
            row[c] = cell_of(&v);
        }
        Ok(())
    }
}

/// Stream an .xlsx sheet's cell values into `rows`; returns the (1-based row, column) of every
/// cell that has a value, for [`uncached_formulas`].
fn read_xlsx_typed(
    xlsx: &mut calamine::Xlsx<std::io::BufReader<std::fs::File>>,
    sheet: &str,
    rows: &mut TypedRows<'_>,
) -> Result<std::collections::HashSet<(u32, usize)>, ReadError> {
    let file = rows.file;
    let mut reader = xlsx
        .worksheet_cells_reader(sheet)
        .map_err(|e| xlsx_corrupt(file, e))?;
    let mut valued = std::collections::HashSet::new();
    while let Some(cell) = reader.next_cell().map_err(|e| xlsx_corrupt(file, e))? {
        let (r, c) = cell.get_position();
        let v: Data = cell.get_value().clone().into();
        if !cell_of(&v).text().is_empty() {
            valued.insert((r + 1, c as usize));
        }
        rows.put(r, c as usize, v)?;
    }
    Ok(valued)
}

/// Formula cells with no value: a formula saved by a program that does not compute (openpyxl,
/// some exports) has none, and is reported rather than read as blank. At most `max_rows`.
fn uncached_formulas(
    xlsx: &mut calamine::Xlsx<std::io::BufReader<std::fs::File>>,
    sheet: &str,
    file: &str,
    valued: &std::collections::HashSet<(u32, usize)>,
    max_rows: usize,
) -> Result<std::collections::HashSet<(u32, usize)>, ReadError> {
    let mut reader = xlsx
        .worksheet_cells_reader(sheet)
        .map_err(|e| xlsx_corrupt(file, e))?;
    let mut uncached = std::collections::HashSet::new();
    while let Some(cell) = reader.next_formula().map_err(|e| xlsx_corrupt(file, e))? {
        let (r, c) = cell.get_position();
        let at = (r + 1, c as usize);
        if !cell.get_value().is_empty() && !valued.contains(&at) && uncached.len() < max_rows {
            uncached.insert(at);
        }
    }
    Ok(uncached)
}

/// A sheet read as typed cells.
pub struct TypedSheet {
    /// Non-empty rows, 1-based, with their cells.
    pub rows: Vec<(u32, Vec<Cell>)>,
    /// (row, column) of formula cells saved without a computed value (.xlsx).
    pub uncached: std::collections::HashSet<(u32, usize)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_as_a_shell_would_expand_them() {
        assert!(wildcard_match("*.xlsx", "检查员01.XLSX"));
        assert!(wildcard_match("检查员0?.xlsx", "检查员01.xlsx"));
        assert!(!wildcard_match("*.xlsx", "a.xls"));
        assert!(wildcard_match("a*b*c", "axxbyyc"));
        let d = tempfile::tempdir().unwrap();
        for f in ["b.xlsx", "a.xlsx", "c.csv"] {
            std::fs::write(d.path().join(f), "x").unwrap();
        }
        let got = expand_wildcards(&[d.path().join("*.xlsx"), d.path().join("none*.xlsx")]);
        let names: Vec<String> = got
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
            .collect();
        assert_eq!(names, ["a.xlsx", "b.xlsx", "none*.xlsx"]);
    }

    #[test]
    fn gbk_that_begins_like_utf8_is_still_gbk() {
        let p = Path::new("m.csv");
        // "某" is C4 B3 in GBK: valid UTF-8 for "ĳ", then the next character is not.
        let (gbk, _, _) = encoding_rs::GBK.encode("某监测平台,账号ID\r\n");
        let (text, enc) = decode_csv(p, &gbk, None).unwrap();
        assert_eq!(
            (text.as_str(), enc),
            ("某监测平台,账号ID\r\n", CsvEncoding::Gb18030)
        );
        // UTF-8 Chinese with one broken line is still reported as UTF-8 with that line.
        let mut bad = "名称,类型\n江苏发布,微博\n".as_bytes().to_vec();
        bad.extend_from_slice(&[0xC4, 0x0A]);
        match decode_csv(p, &bad, None) {
            Err(ReadError::Encoding { line, .. }) => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
    }
}
