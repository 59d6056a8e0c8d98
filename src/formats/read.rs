//! Reading tables from .xlsx/.xlsm (our own reader), .xlsb/.xls/.ods (calamine) and .csv (UTF-8 or
//! GBK/GB18030).
//!
//! Rows are handed to a callback one at a time, so a million-row registry is never held twice.
//! For .xlsx/.xlsm the cells are streamed by our own reader ([`super::xlsx_rows`]), so a stray
//! cell far away (say at XFD1048576) cannot make us allocate rows×columns: rows are kept sparse
//! and cells beyond column [`MAX_COLUMNS`] are dropped and counted.

use super::guard::Checked;
use super::xlsx_rows::Value;
use crate::domain::cell::{excel_date_text, float_text, Cell};
use calamine::{Data, Reader, Sheets};
use std::fmt;
use std::io::{Cursor, Read, Seek};
use std::path::Path;

/// Cells beyond this column (1-based) are ignored and counted; no registry is that wide.
pub const MAX_COLUMNS: usize = 512;

/// The largest CSV read (a million-account registry is about 150 MB). A CSV is streamed, so
/// this bounds the registry it can make, not the memory of reading it.
pub const MAX_CSV_BYTES: u64 = 1 << 30;

/// The largest workbook read (a million-account registry .xlsx is about 70 MB). A workbook is
/// read into memory once and parsed from those bytes.
pub const MAX_BOOK_BYTES: u64 = 1 << 30;

/// The largest returned workbook (inspector or rectification) read: a filled workbook of 1,000
/// accounts is well under 1 MB.
pub const MAX_RETURNED_BYTES: u64 = 64 << 20;

/// What a workbook may cost before it is parsed: its size, the cells a dense sheet may span and
/// the text an .ods may expand to (see [`super::guard`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caps {
    /// The most bytes the file may have.
    pub bytes: u64,
    /// The most cells (rows × columns) an .xls/.ods sheet may span.
    pub dense_cells: u64,
    /// The most text an .ods may expand to.
    pub ods_text: u64,
}

impl Caps {
    /// A registry or any other table from outside: up to a million accounts.
    pub const TABLE: Caps = Caps {
        bytes: MAX_BOOK_BYTES,
        dense_cells: super::guard::MAX_DENSE_CELLS,
        ods_text: super::guard::MAX_ODS_BYTES,
    };

    /// A returned workbook of ours whose sheets hold at most `rows` rows: a returned copy is
    /// small, and a sheet far larger than the one we wrote is refused before it is parsed.
    pub fn returned(rows: u64) -> Caps {
        Caps {
            bytes: MAX_RETURNED_BYTES,
            dense_cells: rows.saturating_mul(RETURNED_COLUMNS).max(1 << 16),
            ods_text: 64 << 20,
        }
    }
}

/// The widest sheet a returned workbook of ours has (identity, indicators, answers, finding
/// columns), with room to spare.
const RETURNED_COLUMNS: u64 = 128;

/// A workbook file's bytes, read once: every sheet of it is parsed from these bytes, and what
/// is hashed and kept is exactly what was parsed (a file saved again while it is read cannot
/// give one version's answers under another's checksum).
pub struct Book {
    /// The file, as displayed.
    pub label: String,
    /// Its extension, lower-cased: what decides the reader.
    pub ext: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// The guard's verdict on these bytes under the caps it was made with: a returned workbook
    /// is read sheet by sheet (answers, signature, pre-fills), and checked once.
    checked: std::cell::OnceCell<(Caps, Checked)>,
}

impl Book {
    /// Read `path` once, refusing a file over `max_bytes` (checked on what is read, not on
    /// what the file system says, so a file growing meanwhile is still bounded).
    pub fn read(path: &Path, max_bytes: u64) -> Result<Book, ReadError> {
        let label = file_label(path);
        let open = |e: std::io::Error| ReadError::Open {
            file: label.clone(),
            detail: e.to_string(),
        };
        let f = std::fs::File::open(path).map_err(open)?;
        // Room for the size the file system gives (at most the cap): read_to_end would otherwise
        // double its way up, to 128 MB for a 68 MB registry, held while the sheet is parsed.
        let hint = f.metadata().map_or(0, |m| m.len()).min(max_bytes) as usize;
        let mut bytes = Vec::with_capacity(hint.saturating_add(1));
        f.take(max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(open)?;
        if bytes.len() as u64 > max_bytes {
            return Err(ReadError::TooLarge {
                file: label,
                limit_mb: max_bytes >> 20,
            });
        }
        if is_encrypted(&bytes) {
            return Err(ReadError::Encrypted { file: label });
        }
        Ok(Book {
            label,
            ext: sniffed_extension(&extension(path), &bytes),
            bytes,
            checked: std::cell::OnceCell::new(),
        })
    }
}

/// The OLE container signature: an .xls, or an encrypted .xlsx.
const OLE_SIGNATURE: [u8; 4] = [0xD0, 0xCF, 0x11, 0xE0];

/// An encrypted Office file: an OLE container whose directory has an `EncryptedPackage` stream.
/// A directory entry is 128 bytes on a 128-byte boundary: the name in UTF-16 padded to 64 bytes,
/// then its length in bytes with the terminator (34): the same words in a cell's text are not one.
fn is_encrypted(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&OLE_SIGNATURE) {
        return false;
    }
    let mut entry = [0u8; 66];
    for (i, b) in "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .enumerate()
    {
        entry[i] = b;
    }
    entry[64] = 34;
    bytes.chunks_exact(128).any(|e| e.starts_with(&entry))
}

/// The format the bytes are, where the extension says otherwise: an old .xls saved or renamed as
/// .xlsx (some systems' exports) is read as the .xls it is, and an .xlsx named .xls as an .xlsx.
fn sniffed_extension(ext: &str, bytes: &[u8]) -> String {
    match ext {
        "xlsx" | "xlsm" | "ods" if bytes.starts_with(&OLE_SIGNATURE) => "xls".into(),
        "xlsx" | "xlsm" | "xls" if is_ods(bytes) => "ods".into(),
        "xls" if bytes.starts_with(b"PK\x03\x04") => "xlsx".into(),
        _ => ext.to_string(),
    }
}

/// An OpenDocument spreadsheet: a zip whose first entry is `mimetype`, stored, saying so.
fn is_ods(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        && bytes.get(30..38) == Some(b"mimetype")
        && bytes.get(38..84) == Some(b"application/vnd.oasis.opendocument.spreadsheet")
}

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
    /// A workbook with an opening password: its content is encrypted, nothing can be read.
    #[error("{file}: 文件设有打开密码(已加密),无法读取。请在 Excel 或 WPS 中打开它,取消密码(Excel: 文件 → 信息 → 保护工作簿 → 用密码进行加密,清空密码)后保存,再交给 audit")]
    Encrypted {
        /// The file, as displayed.
        file: String,
    },
    /// A file larger than any of its kind can be.
    #[error("{file}: 文件超过 {limit_mb} MB,不像 audit 能读取的文件")]
    TooLarge {
        /// The file, as displayed.
        file: String,
        /// The limit, in MB.
        limit_mb: u64,
    },
    /// A sheet with more rows than it can hold (a hidden sheet of ours has a known size).
    #[error("{file}: 工作表 \"{sheet}\" 的行数超过 {max} 行")]
    TooManyRows {
        /// The file, as displayed.
        file: String,
        /// The sheet.
        sheet: String,
        /// The most rows it may have.
        max: usize,
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
    /// Cells that held invisible format characters (bidi controls, zero-width characters),
    /// removed as the cell was read (see [`crate::domain::text::tidy_outside`]).
    pub format_cells: u64,
    /// The first of them: 1-based row, 0-based column and the first character removed.
    pub first_format: Option<(u32, usize, char)>,
}

impl ReadInfo {
    /// Clean a cell's text as it comes in (format characters out, NFC), noting where any went.
    fn tidy(&mut self, row: u32, col: usize, text: &mut String) {
        if let Some(c) = crate::domain::text::tidy_outside(text) {
            self.format_cells += 1;
            self.first_format.get_or_insert((row, col, c));
        }
    }
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

/// The bytes a calamine reader parses: the book's, borrowed.
type BookReader<'a> = Cursor<&'a [u8]>;

/// Open a book for calamine; `_checked` is the proof that the checks of [`super::guard`] ran.
fn open_book<'a>(book: &'a Book, _checked: &Checked) -> Result<Sheets<BookReader<'a>>, ReadError> {
    let file = book.label.clone();
    if !matches!(book.ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods") {
        return Err(ReadError::UnsupportedType {
            file,
            ext: book.ext.clone(),
        });
    }
    let data = Cursor::new(book.bytes.as_slice());
    let opened = match book.ext.as_str() {
        "xls" => calamine::open_workbook_from_rs(data)
            .map(Sheets::Xls)
            .map_err(calamine::Error::Xls),
        "xlsb" => calamine::open_workbook_from_rs(data)
            .map(Sheets::Xlsb)
            .map_err(calamine::Error::Xlsb),
        "ods" => calamine::open_workbook_from_rs(data)
            .map(Sheets::Ods)
            .map_err(calamine::Error::Ods),
        _ => calamine::open_workbook_from_rs(data)
            .map(Sheets::Xlsx)
            .map_err(calamine::Error::Xlsx),
    };
    opened.map_err(|e| match e {
        calamine::Error::Xls(calamine::XlsError::Password)
        | calamine::Error::Xlsx(calamine::XlsxError::Password)
        | calamine::Error::Xlsb(calamine::XlsbError::Password) => ReadError::Encrypted { file },
        e => corrupt(&file, e),
    })
}

/// The files a user named for collecting: each given path as it is, a folder as the
/// spreadsheets in it, and `*` / `?` in a file name expanded as a Unix shell would (cmd.exe and
/// PowerShell hand `D:\交回\*.xlsx` to the program as it is). A pattern matching nothing is kept,
/// so the caller reports it as a missing file; matches come in name order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NamedFiles {
    /// The files to read, in the order given (a folder's and a pattern's in name order).
    pub files: Vec<std::path::PathBuf>,
    /// Excel's owner files (`~$检查表.xlsx`, written while the workbook is open): never a
    /// workbook, so they are left out, and named so the user sees why.
    pub owner_files: Vec<std::path::PathBuf>,
}

/// Whether a file name is one of Excel's or WPS's owner/lock files (`~$name.xlsx`).
pub fn is_owner_file(name: &str) -> bool {
    name.starts_with("~$")
}

/// Expand the paths a user gave to `collect` or `rectify collect` (see [`NamedFiles`]).
pub fn expand_named_files(paths: &[std::path::PathBuf]) -> NamedFiles {
    let mut out = NamedFiles::default();
    for p in paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if p.is_dir() {
            let found = matching_files(p, |n| {
                matches!(
                    extension(Path::new(n)).as_str(),
                    "xlsx" | "xlsm" | "xls" | "ods"
                )
            });
            sort_owner_files(found, &mut out);
        } else if p.exists() || !name.contains(['*', '?']) {
            sort_owner_files(vec![p.clone()], &mut out);
        } else {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let found = matching_files(dir, |n| wildcard_match(&name, n));
            if found.is_empty() {
                out.files.push(p.clone());
            }
            sort_owner_files(found, &mut out);
        }
    }
    out
}

/// The files directly in `dir` whose names pass `keep`, in name order.
fn matching_files(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<std::path::PathBuf> {
    let mut found: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| keep(&e.file_name().to_string_lossy()))
        .map(|e| crate::domain::shell::native(&dir.join(e.file_name())))
        .filter(|f| f.is_file())
        .collect();
    found.sort();
    found
}

/// Put owner files apart, the rest into the files to read.
fn sort_owner_files(found: Vec<std::path::PathBuf>, out: &mut NamedFiles) {
    for f in found {
        let owner = f
            .file_name()
            .is_some_and(|n| is_owner_file(&n.to_string_lossy()));
        if owner {
            out.owner_files.push(f);
        } else {
            out.files.push(f);
        }
    }
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
    /// Columns (0-based) whose cell is a formula saved without its result (an .xlsx written by a
    /// program that does not compute, such as openpyxl): read as empty, and said so.
    pub uncached: &'a [usize],
}

/// The sheet to read: the one named, or the first visible one (a hidden sheet is often a stale
/// copy; it is read only when named).
fn sheet_to_read<RS: Read + Seek>(
    wb: &Sheets<RS>,
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

thread_local! {
    /// Set while our own code runs inside [`contained`] (a row callback): a panic there is a bug
    /// of ours, to be shown as one, not blamed on the file.
    static IN_OUR_CODE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run our own code (a row callback) inside a [`contained`] read: a panic in it is not the
/// file's fault, so it is printed and carried on as the panic it is.
fn ours<T>(f: impl FnOnce() -> T) -> T {
    let before = IN_OUR_CODE.with(|c| c.replace(true));
    let out = f();
    IN_OUR_CODE.with(|c| c.set(before));
    out
}

/// Run a read that goes through calamine, turning a panic inside calamine into an error on the
/// file. calamine trusts some indices in the file (a shared-string number beyond the table
/// panics in 0.31, found by `examples/fuzz_readers`); a hostile file must give an error, never a
/// crash. A panic in our own row handling ([`ours`]) is a bug of ours: it is printed and
/// resumed, never reported as a damaged file.
fn contained<T>(file: &str, read: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    install_quiet_hook();
    QUIET.with(|q| q.set(q.get() + 1));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    QUIET.with(|q| q.set(q.get() - 1));
    match result {
        Ok(r) => r,
        Err(payload) if IN_OUR_CODE.with(|c| c.replace(false)) => {
            std::panic::resume_unwind(payload)
        }
        Err(_) => Err(ReadError::Corrupt {
            file: file.to_string(),
            detail: "文件内部结构异常(引用了不存在的内容)".into(),
        }),
    }
}

thread_local! {
    /// How many [`contained`] reads this thread is inside: calamine's panics are not printed.
    static QUIET: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Once per process: a panic hook that stays silent for a panic inside calamine during a
/// [`contained`] read (it becomes an error on the file) and shows every other panic as before.
fn install_quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = QUIET.with(|q| q.get() > 0) && !IN_OUR_CODE.with(|c| c.get());
            if !in_calamine {
                previous(info);
            }
        }));
    });
}

/// Read every row of `path` (the named sheet, or the first visible one), calling `on_row` with
/// 1-based spreadsheet row numbers (CSV: record numbers, the first record is 1). Rows with no
/// cells at all are not reported. Returning `Ok(false)` from `on_row` stops early. A CSV is
/// streamed; a workbook is read once into memory (at most [`MAX_BOOK_BYTES`]) and parsed from
/// those bytes.
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
    let ext = extension(path);
    if !matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods") {
        return Err(ReadError::UnsupportedType {
            file: file_label(path),
            ext,
        });
    }
    let book = Book::read(path, Caps::TABLE.bytes)?;
    for_each_book_row(&book, sheet, &Caps::TABLE, on_row)
}

/// [`for_each_row`] on a workbook already read.
pub fn for_each_book_row<F>(
    book: &Book,
    sheet: Option<&str>,
    caps: &Caps,
    on_row: F,
) -> Result<ReadInfo, ReadError>
where
    F: FnMut(&RowRead<'_>) -> Result<bool, ReadError>,
{
    let checked = check_book(book, caps)?;
    for_each_checked_row(book, &checked, sheet, on_row)
}

/// [`for_each_book_row`] on a workbook the guard has checked already (whose pass over the
/// sheets found their merged ranges too).
pub fn for_each_checked_row<F>(
    book: &Book,
    checked: &Checked,
    sheet: Option<&str>,
    mut on_row: F,
) -> Result<ReadInfo, ReadError>
where
    F: FnMut(&RowRead<'_>) -> Result<bool, ReadError>,
{
    // Our own .xlsx reader runs bare: a panic in it is a bug of ours, to be seen as one (the
    // fuzzer counts it), never blamed on the file.
    if matches!(book.ext.as_str(), "xlsx" | "xlsm") {
        return read_book_rows(book, checked, sheet, on_row);
    }
    let guarded = |r: &RowRead<'_>| ours(|| on_row(r));
    contained(&book.label, || {
        read_book_rows(book, checked, sheet, guarded)
    })
}

/// The guard's checks of a book of a supported type (another type is refused by the reader),
/// made once per book and caps.
pub(super) fn check_book<'b>(
    book: &'b Book,
    caps: &Caps,
) -> Result<std::borrow::Cow<'b, Checked>, ReadError> {
    if let Some((c, checked)) = book.checked.get() {
        if c == caps {
            return Ok(std::borrow::Cow::Borrowed(checked));
        }
    }
    let fresh = contained(&book.label, || super::guard::check_workbook(book, caps))?;
    if book.checked.get().is_some() {
        return Ok(std::borrow::Cow::Owned(fresh));
    }
    Ok(std::borrow::Cow::Borrowed(
        &book.checked.get_or_init(|| (*caps, fresh)).1,
    ))
}

/// Read a workbook's rows (see [`for_each_row`]): an .xlsx cell by cell by our own reader
/// ([`super::xlsx_rows`]), any other workbook through calamine's whole-sheet range.
fn read_book_rows<F>(
    book: &Book,
    checked: &Checked,
    sheet: Option<&str>,
    on_row: F,
) -> Result<ReadInfo, ReadError>
where
    F: FnMut(&RowRead<'_>) -> Result<bool, ReadError>,
{
    let file = &book.label;
    if matches!(book.ext.as_str(), "xlsx" | "xlsm") {
        return super::xlsx_rows::read_rows(book, checked, sheet, on_row);
    }
    let mut wb = open_book(book, checked)?;
    let name = sheet_to_read(&wb, sheet, file)?;
    let mut info = ReadInfo {
        sheet: Some(name.clone()),
        ..Default::default()
    };
    let range = wb.worksheet_range(&name).map_err(|e| corrupt(file, e))?;
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

/// One row's cells as the streaming .xlsx reader gathers them. One reusable buffer per column:
/// a million rows cost no per-cell allocation here.
#[derive(Default)]
pub(super) struct RowBuffer {
    /// Cell texts by column; only the first `used` are this row's.
    cells: Vec<String>,
    /// Columns whose number lost digits.
    lossy: Vec<usize>,
    /// Columns whose formula has no saved result.
    uncached: Vec<usize>,
    /// One past the last non-empty column of this row.
    used: usize,
}

impl RowBuffer {
    /// The row as handed to the caller.
    pub(super) fn row(&self, number: u32) -> RowRead<'_> {
        RowRead {
            number,
            cells: &self.cells[..self.used],
            lossy: &self.lossy,
            uncached: &self.uncached,
        }
    }

    /// One past the last non-empty column: 0 for a row with no text.
    pub(super) fn used(&self) -> usize {
        self.used
    }

    /// A cell left empty at the row's end no longer counts.
    pub(super) fn trim(&mut self) {
        while self.used > 0 && self.cells[self.used - 1].is_empty() {
            self.used -= 1;
        }
    }

    /// Start the next row, keeping the buffers' capacity.
    pub(super) fn clear(&mut self) {
        for s in &mut self.cells[..self.used] {
            s.clear();
        }
        self.lossy.clear();
        self.uncached.clear();
        self.used = 0;
    }

    /// Note a formula cell saved without its result.
    pub(super) fn mark_uncached(&mut self, c: usize) {
        self.uncached.push(c);
    }

    /// Take the value of the cell of 1-based row `row`, column `c` (an empty cell changes
    /// nothing), its text cleaned as it comes in (see [`ReadInfo::tidy`]) and then kept to one
    /// character past Excel's limit ([`cut`]): cut after cleaning, so that a cell still too long
    /// is refused, never taken shortened.
    pub(super) fn put(&mut self, row: u32, c: usize, value: Value<'_>, info: &mut ReadInfo) {
        if value == Value::Empty {
            return;
        }
        if self.cells.len() <= c {
            self.cells.resize(c + 1, String::new());
        }
        // The same cell written twice (a hostile file did it 1.5M times) replaces, never
        // accumulates.
        let cell = &mut self.cells[c];
        cell.clear();
        match value {
            Value::Empty | Value::Error => {}
            Value::Text(s) => cell.push_str(s),
            Value::Number(f) => {
                if is_lossy_number(f) {
                    self.lossy.push(c);
                }
                cell.push_str(&float_text(f));
            }
            Value::Date { serial, with_time } => cell.push_str(&excel_date_text(serial, with_time)),
            Value::Bool(b) => cell.push_str(if b { "TRUE" } else { "FALSE" }),
        }
        info.tidy(row, c, &mut self.cells[c]);
        cut(&mut self.cells[c]);
        if !self.cells[c].is_empty() {
            self.used = self.used.max(c + 1);
        }
    }
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
        let number = r0 + i as u32 + 1;
        let (mut cells, lossy) = range_row_cells(row, c0 as usize, info);
        for (c, s) in cells.iter_mut().enumerate() {
            info.tidy(number, c, s);
        }
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        if cells.is_empty() {
            continue;
        }
        let row = RowRead {
            number,
            cells: &cells,
            lossy: &lossy,
            uncached: &[],
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

/// How much of a CSV is looked at to tell its encoding.
const SNIFF_BYTES: usize = 1 << 20;

/// The encoding of a CSV from its first bytes (`complete` when they are the whole file): a
/// UTF-8 BOM or valid UTF-8 means UTF-8, otherwise GB18030 (a superset of GBK).
pub fn sniff_encoding(prefix: &[u8], complete: bool) -> CsvEncoding {
    let has_bom = prefix.starts_with(b"\xEF\xBB\xBF");
    let body = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    // UTF-8 when it all decodes, or when a BOM or Chinese text that decodes as UTF-8 comes
    // before the first bad byte: then that line is the fault, not the file's encoding. GBK text
    // can begin with bytes that are valid UTF-8 too ("某" is C4 B3, a Latin letter in UTF-8), so
    // only CJK characters in that prefix count as Chinese. A character cut at the end of the
    // prefix is no fault.
    let utf8 = match std::str::from_utf8(body) {
        Ok(_) => true,
        Err(e) if e.error_len().is_none() && !complete => true,
        Err(e) => {
            has_bom
                || std::str::from_utf8(&body[..e.valid_up_to()])
                    .is_ok_and(|s| s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)))
        }
    };
    if utf8 {
        CsvEncoding::Utf8
    } else {
        CsvEncoding::Gb18030
    }
}

/// A decoding fault at a line, carried through the CSV parser as an I/O error.
#[derive(Debug)]
struct BadLine(usize);

impl fmt::Display for BadLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.0)
    }
}

impl std::error::Error for BadLine {}

/// Bytes in another encoding (GB18030 for a GBK CSV, what an XML part declares) in, UTF-8 out,
/// a buffer at a time: nothing is decoded whole.
pub(super) struct DecodingReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    raw: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// The decoder was given the end of the input and emptied: it may not be called again.
    finished: bool,
    /// Newlines handed out so far, for the line of a fault.
    lines: usize,
}

impl<R: Read> DecodingReader<R> {
    /// Decode `inner` from `encoding` (its BOM, if any, already past).
    pub(super) fn new(inner: R, encoding: &'static encoding_rs::Encoding) -> Self {
        DecodingReader {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            raw: vec![0; 1 << 16],
            start: 0,
            end: 0,
            eof: false,
            finished: false,
            lines: 0,
        }
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.finished {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = self.inner.read(&mut self.raw)?;
                self.eof = self.end == 0;
            }
            if out.len() < 4 {
                return Err(std::io::Error::other("buffer too small"));
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.raw[self.start..self.end],
                out,
                self.eof,
            );
            self.start += read;
            self.finished = self.eof && result == encoding_rs::DecoderResult::InputEmpty;
            self.lines += memchr::memchr_iter(b'\n', &out[..written]).count();
            if let encoding_rs::DecoderResult::Malformed(..) = result {
                let line = self.lines + 1;
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    BadLine(line),
                ));
            }
            if written > 0 || self.finished {
                return Ok(written);
            }
        }
    }
}

/// Stream a CSV's records to `on_row`, in its encoding (given, or told from its first MB).
fn read_csv<F>(
    path: &Path,
    encoding: Option<CsvEncoding>,
    mut on_row: F,
) -> Result<ReadInfo, ReadError>
where
    F: FnMut(&RowRead<'_>) -> Result<bool, ReadError>,
{
    let file = file_label(path);
    let open = |e: std::io::Error| ReadError::Open {
        file: file.clone(),
        detail: e.to_string(),
    };
    if std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_CSV_BYTES) {
        return Err(ReadError::Other(format!(
            "{file}: CSV 文件超过 {} MB,不像一份台账;如确是,请分成几份或另存为 .xlsx 后导入",
            MAX_CSV_BYTES >> 20
        )));
    }
    let mut f =
        std::io::BufReader::with_capacity(SNIFF_BYTES, std::fs::File::open(path).map_err(open)?);
    let prefix = std::io::BufRead::fill_buf(&mut f).map_err(open)?;
    let complete = prefix.len() < SNIFF_BYTES;
    let enc = encoding.unwrap_or_else(|| sniff_encoding(prefix, complete));
    if prefix.starts_with(b"\xEF\xBB\xBF") {
        std::io::BufRead::consume(&mut f, 3);
    }
    let source: Box<dyn Read> = match enc {
        CsvEncoding::Utf8 => Box::new(f.take(MAX_CSV_BYTES)),
        CsvEncoding::Gb18030 => Box::new(DecodingReader::new(
            f.take(MAX_CSV_BYTES),
            encoding_rs::GB18030,
        )),
    };
    let mut info = ReadInfo {
        encoding: Some(enc),
        ..Default::default()
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(source);
    let mut record = csv::ByteRecord::new();
    let mut n: u32 = 0;
    let mut cells: Vec<String> = Vec::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(&file, enc, e)),
        }
        n = n.saturating_add(1);
        record_cells(&record, n, &mut cells, &mut info).map_err(|fault| match fault {
            CellFault::Binary => ReadError::Csv {
                file: file.clone(),
                detail: "文件含有二进制内容,不是文本 CSV".into(),
            },
            CellFault::Utf8 => ReadError::Encoding {
                file: file.clone(),
                encoding: enc.to_string(),
                line: record.position().map_or(1, |p| p.line() as usize),
            },
        })?;
        if cells.is_empty() {
            continue;
        }
        let row = RowRead {
            number: n,
            cells: &cells,
            lossy: &[],
            uncached: &[],
        };
        if !on_row(&row)? {
            break;
        }
    }
    Ok(info)
}

/// The CSV parser's error as ours: a decoding fault names its line.
fn csv_error(file: &str, enc: CsvEncoding, e: csv::Error) -> ReadError {
    if let csv::ErrorKind::Io(io) = e.kind() {
        if let Some(BadLine(line)) = io.get_ref().and_then(|x| x.downcast_ref::<BadLine>()) {
            return ReadError::Encoding {
                file: file.to_string(),
                encoding: enc.to_string(),
                line: *line,
            };
        }
    }
    ReadError::Csv {
        file: file.to_string(),
        detail: e.to_string(),
    }
}

/// Why a CSV record's cells cannot be text.
enum CellFault {
    /// A NUL byte: a binary file, not a CSV.
    Binary,
    /// Bytes that are not UTF-8.
    Utf8,
}

/// A CSV record's cells into `cells` (reused across records), trailing empty cells dropped;
/// cells beyond [`MAX_COLUMNS`] are counted in `info` and dropped.
fn record_cells(
    record: &csv::ByteRecord,
    row: u32,
    cells: &mut Vec<String>,
    info: &mut ReadInfo,
) -> Result<(), CellFault> {
    cells.clear();
    for (i, f) in record.iter().enumerate() {
        if f.contains(&0) {
            return Err(CellFault::Binary);
        }
        if i >= MAX_COLUMNS {
            if !f.is_empty() {
                info.cells_beyond_limit += 1;
            }
            continue;
        }
        let mut text = std::str::from_utf8(f)
            .map_err(|_| CellFault::Utf8)?
            .to_string();
        info.tidy(row, i, &mut text);
        cells.push(text);
    }
    while cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
    Ok(())
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

/// The rows of a sheet of `book` whose size is known in advance (a hidden sheet of ours):
/// more than `max_rows` non-empty rows is refused ([`ReadError::TooManyRows`]) as soon as the
/// next one is seen, before anything more is kept.
pub fn read_rows_bounded(
    book: &Book,
    sheet: &str,
    caps: &Caps,
    max_rows: usize,
) -> Result<Vec<NumberedRow>, ReadError> {
    let mut rows = Vec::new();
    for_each_book_row(book, Some(sheet), caps, |row| {
        if rows.len() >= max_rows {
            return Err(ReadError::TooManyRows {
                file: book.label.clone(),
                sheet: sheet.to_string(),
                max: max_rows,
            });
        }
        rows.push((row.number, row.cells.to_vec()));
        Ok(true)
    })?;
    Ok(rows)
}

/// Read a whole sheet of a workbook as typed cells (for filled inspector workbooks, where a
/// number, a date or a boolean must be told apart from text). Rows are 1-based; empty rows are
/// left out. A `.xlsx` is streamed and kept sparse, so a stray cell far away costs nothing; more
/// than `max_rows` non-empty rows is refused rather than read into memory.
pub fn read_typed(
    book: &Book,
    sheet: &str,
    caps: &Caps,
    max_rows: usize,
) -> Result<TypedSheet, ReadError> {
    if matches!(book.ext.as_str(), "xlsx" | "xlsm") {
        return read_typed_xlsx(book, sheet, caps, max_rows);
    }
    contained(&book.label, || {
        read_typed_sheet(book, sheet, caps, max_rows)
    })
}

/// [`read_typed`] of an .xlsx, by our own reader in one pass: the values, and the formula
/// cells saved without one.
fn read_typed_xlsx(
    book: &Book,
    sheet: &str,
    caps: &Caps,
    max_rows: usize,
) -> Result<TypedSheet, ReadError> {
    let checked = check_book(book, caps)?;
    let mut rows = TypedRows {
        rows: Vec::new(),
        max_rows,
        file: &book.label,
        sheet,
    };
    let mut uncached = std::collections::HashSet::new();
    super::xlsx_rows::for_each_cell(book, &checked, Some(sheet), |cell| {
        let c = cell.col as usize;
        if cell.value.uncomputed(cell.formula) && uncached.len() < max_rows {
            uncached.insert((cell.row + 1, c));
        }
        rows.put(cell.row, c, typed(cell.value))?;
        Ok(true)
    })?;
    Ok(TypedSheet {
        rows: rows.rows,
        uncached,
    })
}

/// A cell our .xlsx reader gave, as the domain's [`Cell`].
fn typed(value: Value<'_>) -> Cell {
    match value {
        Value::Empty => Cell::Empty,
        Value::Text(s) => Cell::Text(s.to_string()),
        Value::Number(f) => Cell::Float(f),
        Value::Date { serial, with_time } => Cell::DateTime { serial, with_time },
        Value::Bool(b) => Cell::Bool(b),
        Value::Error => Cell::Error,
    }
}

/// A cell's (cleaned) text cut after one character more than Excel's limit
/// ([`crate::domain::registry::MAX_CELL_CHARS`]): still too long to be taken, but a row of 512
/// cells of 4 MB each (a hostile file) no longer holds 2 GB.
fn cut(s: &mut String) {
    let keep = crate::domain::registry::MAX_CELL_CHARS + 1;
    if s.len() <= keep {
        return;
    }
    if let Some((i, _)) = s.char_indices().nth(keep) {
        s.truncate(i);
    }
}

fn read_typed_sheet(
    book: &Book,
    sheet: &str,
    caps: &Caps,
    max_rows: usize,
) -> Result<TypedSheet, ReadError> {
    let file = book.label.clone();
    let checked = check_book(book, caps)?;
    let mut wb = open_book(book, &checked)?;
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
    let range = wb.worksheet_range(sheet).map_err(|e| corrupt(&file, e))?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (i, row) in range.rows().enumerate() {
        for (j, v) in row.iter().enumerate() {
            rows.put(r0 + i as u32, c0 as usize + j, cell_of(v))?;
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
    fn put(&mut self, r: u32, c: usize, mut v: Cell) -> Result<(), ReadError> {
        if c >= MAX_COLUMNS || v == Cell::Empty {
            return Ok(());
        }
        // Text from outside as the tool keeps it (format characters out, NFC), then cut.
        if let Cell::Text(s) = &mut v {
            crate::domain::text::tidy_outside(s);
            cut(s);
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
            row[c] = v;
        }
        Ok(())
    }
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
        let got = expand_named_files(&[d.path().join("*.xlsx"), d.path().join("none*.xlsx")]).files;
        let names: Vec<String> = got
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
            .collect();
        assert_eq!(names, ["a.xlsx", "b.xlsx", "none*.xlsx"]);
    }

    /// Stream a CSV file through the reader and collect its rows.
    fn csv_rows(bytes: &[u8]) -> Result<(Vec<Vec<String>>, Option<CsvEncoding>), ReadError> {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("m.csv");
        std::fs::write(&p, bytes).unwrap();
        let mut rows = Vec::new();
        let info = for_each_row(&p, None, None, |r| {
            rows.push(r.cells.to_vec());
            Ok(true)
        })?;
        Ok((rows, info.encoding))
    }

    #[test]
    fn gbk_that_begins_like_utf8_is_still_gbk() {
        // "某" is C4 B3 in GBK: valid UTF-8 for "ĳ", then the next character is not.
        let (gbk, _, _) = encoding_rs::GBK.encode("某监测平台,账号ID\r\n");
        assert_eq!(sniff_encoding(&gbk, true), CsvEncoding::Gb18030);
        let (rows, enc) = csv_rows(&gbk).unwrap();
        assert_eq!(rows, vec![vec!["某监测平台".to_string(), "账号ID".into()]]);
        assert_eq!(enc, Some(CsvEncoding::Gb18030));
        // UTF-8 Chinese with one broken line is still reported as UTF-8 with that line.
        let mut bad = "名称,类型\n江苏发布,微博\n".as_bytes().to_vec();
        bad.extend_from_slice(&[0xC4, 0x0A]);
        match csv_rows(&bad) {
            Err(ReadError::Encoding { line, .. }) => assert_eq!(line, 3),
            other => panic!("{:?}", other.map(|_| ())),
        }
        // A bad GBK byte deep in a streamed file names its line.
        let mut long = Vec::new();
        for i in 0..50_000 {
            long.extend_from_slice(&encoding_rs::GBK.encode(&format!("甲{i},乙\n")).0);
        }
        long.extend_from_slice(&[0x81, 0x20, b'\n']);
        match csv_rows(&long) {
            Err(ReadError::Encoding { line, .. }) => assert_eq!(line, 50_001),
            other => panic!("{:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn a_panic_in_our_row_handling_is_a_panic_not_a_corrupt_file() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet().write_string(0, 0, "x").unwrap();
        let book = Book {
            label: "t.xlsx".into(),
            ext: "xlsx".into(),
            bytes: wb.save_to_buffer().unwrap(),
            checked: std::cell::OnceCell::new(),
        };
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            for_each_book_row(&book, None, &Caps::TABLE, |_| panic!("planted bug"))
        }));
        assert!(
            caught.is_err(),
            "our bug must not become an error on the file"
        );
        // And a later read of the same file is fine.
        assert!(for_each_book_row(&book, None, &Caps::TABLE, |_| Ok(true)).is_ok());
    }
}
