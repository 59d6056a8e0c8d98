//! Editing an existing .xlsx the way another program would (a person filling a returned
//! workbook, or forging one), with no Python: the zip is opened, the sheet found by its name
//! through `xl/workbook.xml` and its relationships, cells are set or cleared in the sheet's XML,
//! and the zip is written back. Every part not edited keeps its bytes.
//!
//! What is written is what an office program writes: text into the shared strings table (or
//! inline, when the workbook has none or [`Workbook::inline_strings`] asks for it), numbers and
//! booleans as values, a date as its Excel serial number in a cell whose style shows a date (the
//! cell's own style when it is a date format already, else a copy of it with one), a formula
//! with no computed value (as a program that does not calculate saves it). Styles, validations,
//! protection and the other sheets are left as they were; the dimension and the edited rows'
//! spans follow the cells.
//!
//! [`Fill`] is the layer the tests use: the operations of the old openpyxl helpers
//! (`--all-pass`, `--fill-blank`, `--set ID HEADER VALUE`, `--delete`, `--add-row`, `--cell`,
//! `--meta`, `--sheet-cell`, and the rectification `--all`), with the same semantics.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::Reader;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// A value to put in a cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// No value (the cell keeps its style).
    Empty,
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// TRUE or FALSE.
    Bool(bool),
    /// A date: its serial number, shown with a date format.
    Date(chrono::NaiveDate),
    /// A formula (without the `=`), saved without a computed value.
    Formula(String),
}

/// `""` is no value (as openpyxl and Excel save an empty string); anything else is text.
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        if s.is_empty() {
            Value::Empty
        } else {
            Value::Text(s.to_string())
        }
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::from(s.as_str())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::from(s.as_str())
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Value {
        Value::Number(n.into())
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(n as f64)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Value {
        Value::Number(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<chrono::NaiveDate> for Value {
    fn from(d: chrono::NaiveDate) -> Value {
        Value::Date(d)
    }
}

/// A date cell for `YYYY-MM-DD`.
pub fn date(ymd: &str) -> Value {
    Value::Date(parse_date(ymd))
}

/// A formula cell (`=` and all, as typed), with no computed value.
pub fn formula(typed: &str) -> Value {
    Value::Formula(typed.strip_prefix('=').unwrap_or(typed).to_string())
}

fn parse_date(ymd: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(ymd, "%Y-%m-%d")
        .unwrap_or_else(|e| panic!("{ymd:?} is not YYYY-MM-DD: {e}"))
}

/// Excel's serial number of a date (1900 date system).
fn serial(d: chrono::NaiveDate) -> i64 {
    (d - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days()
}

/// The file's next save time: now, and always later than the previous save by this process, so
/// that copies saved one after another are ordered by their modification times however coarse
/// the clock.
fn next_save_time() -> SystemTime {
    static LAST: Mutex<Option<SystemTime>> = Mutex::new(None);
    let mut last = LAST.lock().unwrap();
    let now = SystemTime::now();
    let t = match *last {
        Some(l) if l + Duration::from_millis(1) > now => l + Duration::from_millis(1),
        _ => now,
    };
    *last = Some(t);
    t
}

/// Set a file's modification time.
pub fn set_saved_at(path: &Path, t: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(t))
        .unwrap_or_else(|e| panic!("set the time of {}: {e}", path.display()));
}

/// A file's modification time.
pub fn saved_at(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("the time of {}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// The workbook.

/// An .xlsx opened for editing.
pub struct Workbook {
    /// The zip entries in their order: name and bytes (edited parts are replaced at save).
    parts: Vec<(String, Vec<u8>)>,
    /// Sheet name → worksheet part.
    sheets: Vec<(String, String)>,
    /// Worksheets parsed so far (the edited ones), by part.
    loaded: HashMap<String, Sheet>,
    /// The shared strings part, with the strings added.
    sst: Option<(String, SharedStrings)>,
    /// The styles part, with the date styles added.
    styles: Option<(String, Styles)>,
    /// Write text inline even though the workbook has a shared strings table.
    inline: bool,
}

impl Workbook {
    /// Open `path`.
    pub fn open(path: &Path) -> Workbook {
        let file =
            std::fs::File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
        let mut zip = zip::ZipArchive::new(file)
            .unwrap_or_else(|e| panic!("{} is not a zip: {e}", path.display()));
        let mut parts = Vec::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            parts.push((f.name().to_string(), bytes));
        }
        let mut wb = Workbook {
            parts,
            sheets: Vec::new(),
            loaded: HashMap::new(),
            sst: None,
            styles: None,
            inline: false,
        };
        let book = wb
            .relationships("")
            .into_iter()
            .find(|r| r.kind.ends_with("/officeDocument"))
            .expect("_rels/.rels names no workbook part")
            .target;
        let book_xml = wb.text(&book);
        let rels: HashMap<String, Rel> = wb
            .relationships(&book)
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        for e in elements(&book_xml, b"sheet") {
            let name = attr(&e, b"name").expect("a sheet without a name");
            let id = e
                .attributes()
                .map(|a| a.unwrap())
                .find(|a| a.key.local_name().as_ref() == b"id" && a.key.prefix().is_some())
                .map(|a| unescape_attr(&a.value))
                .expect("a sheet without r:id");
            wb.sheets.push((name, rels[&id].target.clone()));
        }
        let find = |kind: &str| {
            rels.values()
                .find(|r| r.kind.ends_with(kind))
                .map(|r| r.target.clone())
        };
        if let Some(p) = find("/sharedStrings") {
            let sst = SharedStrings::parse(wb.text(&p));
            wb.sst = Some((p, sst));
        }
        if let Some(p) = find("/styles") {
            let styles = Styles::parse(wb.text(&p));
            wb.styles = Some((p, styles));
        }
        wb
    }

    /// Write new text inline (`t="inlineStr"`) rather than into the shared strings table.
    pub fn inline_strings(&mut self) {
        self.inline = true;
    }

    /// The names of the sheets, in order.
    pub fn sheet_names(&self) -> Vec<String> {
        self.sheets.iter().map(|(n, _)| n.clone()).collect()
    }

    fn part(&self, name: &str) -> Option<&[u8]> {
        self.parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
    }

    fn text(&self, name: &str) -> String {
        let bytes = self
            .part(name)
            .unwrap_or_else(|| panic!("the workbook has no part {name}"));
        String::from_utf8(bytes.to_vec()).unwrap_or_else(|_| panic!("{name} is not UTF-8"))
    }

    /// The relationships of `part` ("" for the package), with targets resolved to part names.
    fn relationships(&self, part: &str) -> Vec<Rel> {
        let (dir, file) = match part.rfind('/') {
            Some(i) => (&part[..i + 1], &part[i + 1..]),
            None => ("", part),
        };
        let rels_name = format!("{dir}_rels/{file}.rels");
        let Some(bytes) = self.part(&rels_name) else {
            return Vec::new();
        };
        let xml = String::from_utf8(bytes.to_vec()).unwrap();
        elements(&xml, b"Relationship")
            .into_iter()
            .filter(|e| attr(e, b"TargetMode").as_deref() != Some("External"))
            .map(|e| Rel {
                id: attr(&e, b"Id").unwrap_or_default(),
                kind: attr(&e, b"Type").unwrap_or_default(),
                target: resolve(dir, &attr(&e, b"Target").unwrap_or_default()),
            })
            .collect()
    }

    fn sheet_part(&self, sheet: &str) -> String {
        self.sheets
            .iter()
            .find(|(n, _)| n == sheet)
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| panic!("no sheet {sheet:?} (sheets: {:?})", self.sheet_names()))
    }

    /// Parse a sheet (once); returns its part.
    fn load(&mut self, sheet: &str) -> String {
        let part = self.sheet_part(sheet);
        if !self.loaded.contains_key(&part) {
            let parsed = Sheet::parse(&self.text(&part));
            self.loaded.insert(part.clone(), parsed);
        }
        part
    }

    fn sheet(&mut self, sheet: &str) -> &mut Sheet {
        let part = self.load(sheet);
        self.loaded.get_mut(&part).unwrap()
    }

    fn strings(&self) -> Option<&[String]> {
        self.sst.as_ref().map(|(_, s)| s.items.as_slice())
    }

    /// The value of a cell as text, `None` when it has none (numbers as written in the file,
    /// booleans as TRUE/FALSE, a formula as `=` and its text).
    pub fn get(&mut self, sheet: &str, row: u32, col: u32) -> Option<String> {
        let part = self.load(sheet);
        self.loaded[&part].cell(row, col)?.text(self.strings())
    }

    /// The last row holding a cell (with a value or only a style), as openpyxl counts `max_row`.
    pub fn max_row(&mut self, sheet: &str) -> u32 {
        self.sheet(sheet)
            .rows
            .iter()
            .rev()
            .find(|r| !r.cells.is_empty())
            .map_or(0, |r| r.num)
    }

    /// The cells of a row that hold a value, as (1-based column, text).
    pub fn row_texts(&mut self, sheet: &str, row: u32) -> Vec<(u32, String)> {
        let part = self.load(sheet);
        self.loaded[&part]
            .rows
            .iter()
            .find(|r| r.num == row)
            .map(|r| {
                r.cells
                    .iter()
                    .filter_map(|c| c.text(self.strings()).map(|t| (c.col, t)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Set a cell (1-based row and column), creating it when needed; its style is kept.
    pub fn set(&mut self, sheet: &str, row: u32, col: u32, value: Value) {
        assert!(
            (1..=1_048_576).contains(&row) && (1..=16_384).contains(&col),
            "cell ({row}, {col}) is outside a worksheet"
        );
        let was_shared = self
            .sheet(sheet)
            .cell(row, col)
            .is_some_and(|c| c.attr("t") == Some("s"));
        let style: u32 = self
            .sheet(sheet)
            .cell(row, col)
            .and_then(|c| c.attr("s"))
            .map_or(0, |s| s.parse().unwrap());
        let mut t: Option<&str> = None;
        let mut s = None;
        let inner = match &value {
            Value::Empty => String::new(),
            Value::Text(text) => match (&mut self.sst, self.inline) {
                (Some((_, sst)), false) => {
                    t = Some("s");
                    format!("<v>{}</v>", sst.intern(text))
                }
                _ => {
                    t = Some("inlineStr");
                    format!("<is>{}</is>", t_element(text))
                }
            },
            Value::Number(n) => {
                assert!(n.is_finite(), "{n} is not a number Excel can hold");
                format!("<v>{n}</v>")
            }
            Value::Bool(b) => {
                t = Some("b");
                format!("<v>{}</v>", u8::from(*b))
            }
            Value::Date(d) => {
                let (_, styles) = self
                    .styles
                    .as_mut()
                    .expect("a date needs the workbook's styles part");
                s = Some(styles.date_style(style));
                format!("<v>{}</v>", serial(*d))
            }
            Value::Formula(f) => format!("<f>{}</f>", quick_xml::escape::partial_escape(f)),
        };
        if let Some((_, sst)) = &mut self.sst {
            sst.count_delta += i64::from(t == Some("s")) - i64::from(was_shared);
        }
        let cell = self.sheet(sheet).cell_mut(row, col);
        // The value's own attributes go; the style (and anything else) stays.
        cell.attrs
            .retain(|(k, _)| !matches!(k.as_str(), "t" | "cm" | "vm"));
        if let Some(t) = t {
            cell.attrs.push(("t".into(), t.into()));
        }
        if let Some(s) = s {
            cell.attrs.retain(|(k, _)| k != "s");
            cell.attrs.insert(0, ("s".into(), s.to_string()));
        }
        cell.inner = inner;
        self.sheet(sheet).prune(row, col);
    }

    /// Delete a row and move the rows below it up one (as openpyxl's `delete_rows`: merged
    /// cells, validations and names are not adjusted).
    pub fn delete_row(&mut self, sheet: &str, row: u32) {
        let shared = self
            .sheet(sheet)
            .rows
            .iter()
            .filter(|r| r.num == row)
            .flat_map(|r| &r.cells)
            .filter(|c| c.attr("t") == Some("s"))
            .count() as i64;
        if let Some((_, sst)) = &mut self.sst {
            sst.count_delta -= shared;
        }
        let s = self.sheet(sheet);
        s.rows.retain(|r| r.num != row);
        for r in s.rows.iter_mut().filter(|r| r.num > row) {
            r.num -= 1;
        }
    }

    /// Write the workbook to `path`.
    pub fn save(&self, path: &Path) {
        let mut edited: HashMap<&str, Vec<u8>> = HashMap::new();
        for (part, sheet) in &self.loaded {
            edited.insert(part, sheet.to_xml().into_bytes());
        }
        if let Some((part, sst)) = &self.sst {
            if let Some(xml) = sst.to_xml() {
                edited.insert(part, xml.into_bytes());
            }
        }
        if let Some((part, styles)) = &self.styles {
            if let Some(xml) = styles.to_xml() {
                edited.insert(part, xml.into_bytes());
            }
        }
        let file = std::fs::File::create(path)
            .unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
        let mut zip = zip::ZipWriter::new(file);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in &self.parts {
            zip.start_file(name.as_str(), opts).unwrap();
            let bytes = edited.get(name.as_str()).unwrap_or(bytes);
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }
}

/// A relationship: id, type and target part.
struct Rel {
    id: String,
    kind: String,
    target: String,
}

/// The part a relationship target names, from the folder of the part it belongs to.
fn resolve(dir: &str, target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("{dir}{target}"),
    };
    let mut out: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

/// Every element named `name` (start or empty tag), owned.
fn elements(xml: &str, name: &[u8]) -> Vec<BytesStart<'static>> {
    let mut r = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == name => {
                out.push(e.into_owned())
            }
            Event::Eof => return out,
            _ => {}
        }
    }
}

/// An attribute's unescaped value.
fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.try_get_attribute(name)
        .unwrap()
        .map(|a| unescape_attr(&a.value))
}

fn unescape_attr(raw: &[u8]) -> String {
    let raw = std::str::from_utf8(raw).expect("UTF-8");
    quick_xml::escape::unescape(raw).unwrap().to_string()
}

/// An element's attributes as written (values still escaped).
fn raw_attrs(e: &BytesStart<'_>) -> Vec<(String, String)> {
    e.attributes()
        .map(|a| {
            let a = a.unwrap();
            (
                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                String::from_utf8(a.value.to_vec()).unwrap(),
            )
        })
        .collect()
}

fn write_attrs(out: &mut String, attrs: &[(String, String)]) {
    for (k, v) in attrs {
        out.push_str(&format!(" {k}=\"{v}\""));
    }
}

/// A `<t>` element for `text`, keeping leading and trailing spaces.
fn t_element(text: &str) -> String {
    let esc = quick_xml::escape::partial_escape(text);
    if text.trim() != text {
        format!("<t xml:space=\"preserve\">{esc}</t>")
    } else {
        format!("<t>{esc}</t>")
    }
}

/// The concatenated text of every `tag` element in `xml`, outside `skip` elements; `None` when
/// there is no `tag` element.
fn text_of(xml: &str, tag: &[u8], skip: &[u8]) -> Option<String> {
    let mut r = Reader::from_str(xml);
    let mut out: Option<String> = None;
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) if e.local_name().as_ref() == skip => {
                r.read_to_end(e.name()).unwrap();
            }
            Event::Start(e) if e.local_name().as_ref() == tag => {
                let span = r.read_to_end(e.name()).unwrap();
                let raw = &xml[span.start as usize..span.end as usize];
                let text = quick_xml::escape::unescape(raw).unwrap();
                out.get_or_insert_with(String::new).push_str(&text);
            }
            Event::Empty(e) if e.local_name().as_ref() == tag => {
                out.get_or_insert_with(String::new);
            }
            Event::Eof => return out,
            _ => {}
        }
    }
}

/// "A" → 1, "AB" → 28.
fn column_number(letters: &str) -> u32 {
    letters.bytes().fold(0, |n, b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1)
    })
}

/// 1 → "A", 28 → "AB".
pub fn column_letters(mut col: u32) -> String {
    let mut out = Vec::new();
    while col > 0 {
        let rem = (col - 1) % 26;
        out.push(b'A' + rem as u8);
        col = (col - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

/// "AB12" → (12, 28).
fn parse_ref(r: &str) -> (u32, u32) {
    let split = r.find(|c: char| c.is_ascii_digit()).unwrap_or(r.len());
    let (letters, digits) = r.split_at(split);
    (
        digits
            .parse()
            .unwrap_or_else(|_| panic!("bad cell ref {r}")),
        column_number(letters),
    )
}

// ---------------------------------------------------------------------------------------------
// A worksheet.

/// A worksheet part: its rows parsed, everything around `<sheetData>` kept as text.
struct Sheet {
    /// Everything before `<sheetData>`.
    head: String,
    /// The `<sheetData>` start tag.
    open: String,
    /// The rows, by number.
    rows: Vec<Row>,
    /// `</sheetData>` and everything after it.
    tail: String,
}

struct Row {
    num: u32,
    /// Attributes as written, but `r`.
    attrs: Vec<(String, String)>,
    /// The cells, by column.
    cells: Vec<Cell>,
    /// Cells were added or removed: its `spans` is recomputed.
    touched: bool,
}

struct Cell {
    col: u32,
    /// Attributes as written, but `r`.
    attrs: Vec<(String, String)>,
    /// The XML inside `<c>`.
    inner: String,
}

impl Cell {
    fn attr(&self, k: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self, sst: Option<&[String]>) -> Option<String> {
        if let Some(f) = text_of(&self.inner, b"f", b"") {
            return Some(format!("={f}"));
        }
        match self.attr("t") {
            Some("inlineStr") => text_of(&self.inner, b"t", b"rPh"),
            Some("s") => {
                let i: usize = text_of(&self.inner, b"v", b"")?.trim().parse().unwrap();
                Some(sst.expect("a shared string without a table")[i].clone())
            }
            Some("b") => text_of(&self.inner, b"v", b"")
                .map(|v| if v.trim() == "1" { "TRUE" } else { "FALSE" }.to_string()),
            _ => text_of(&self.inner, b"v", b"").filter(|v| !v.is_empty()),
        }
    }
}

impl Sheet {
    fn parse(xml: &str) -> Sheet {
        let mut r = Reader::from_str(xml);
        loop {
            let before = r.buffer_position() as usize;
            match r.read_event().unwrap() {
                Event::Start(e) if e.name().as_ref() == b"sheetData" => {
                    let after = r.buffer_position() as usize;
                    let (rows, end) = Sheet::parse_rows(xml, &mut r);
                    return Sheet {
                        head: xml[..before].to_string(),
                        open: xml[before..after].to_string(),
                        rows,
                        tail: xml[end..].to_string(),
                    };
                }
                Event::Empty(e) if e.name().as_ref() == b"sheetData" => {
                    let after = r.buffer_position() as usize;
                    return Sheet {
                        head: xml[..before].to_string(),
                        open: "<sheetData>".into(),
                        rows: Vec::new(),
                        tail: format!("</sheetData>{}", &xml[after..]),
                    };
                }
                Event::Eof => panic!("a worksheet without <sheetData>"),
                _ => {}
            }
        }
    }

    /// The rows up to `</sheetData>`, and where that end tag starts.
    fn parse_rows(xml: &str, r: &mut Reader<&[u8]>) -> (Vec<Row>, usize) {
        let mut rows: Vec<Row> = Vec::new();
        let mut row: Option<Row> = None;
        loop {
            let before = r.buffer_position() as usize;
            let ev = r.read_event().unwrap();
            match ev {
                Event::Start(ref e) | Event::Empty(ref e) if e.name().as_ref() == b"row" => {
                    let num = attr(e, b"r").map_or_else(
                        || rows.last().map_or(1, |r| r.num + 1),
                        |n| n.parse().unwrap(),
                    );
                    let mut attrs = raw_attrs(e);
                    attrs.retain(|(k, _)| k != "r");
                    let new = Row {
                        num,
                        attrs,
                        cells: Vec::new(),
                        touched: false,
                    };
                    if matches!(ev, Event::Empty(_)) {
                        rows.push(new);
                    } else {
                        row = Some(new);
                    }
                }
                Event::End(ref e) if e.name().as_ref() == b"row" => {
                    rows.push(row.take().expect("</row> without <row>"));
                }
                Event::Start(ref e) | Event::Empty(ref e) if e.name().as_ref() == b"c" => {
                    let cur = row.as_mut().expect("<c> outside <row>");
                    let col = attr(e, b"r").map_or_else(
                        || cur.cells.last().map_or(1, |c| c.col + 1),
                        |x| parse_ref(&x).1,
                    );
                    let mut attrs = raw_attrs(e);
                    attrs.retain(|(k, _)| k != "r");
                    let inner = if matches!(ev, Event::Start(_)) {
                        let span = r.read_to_end(QName(b"c")).unwrap();
                        xml[span.start as usize..span.end as usize].to_string()
                    } else {
                        String::new()
                    };
                    cur.cells.push(Cell { col, attrs, inner });
                }
                Event::End(ref e) if e.name().as_ref() == b"sheetData" => {
                    return (rows, before);
                }
                Event::Text(ref t) if t.iter().all(u8::is_ascii_whitespace) => {}
                other => panic!("unexpected {other:?} in <sheetData>"),
            }
        }
    }

    fn cell(&self, row: u32, col: u32) -> Option<&Cell> {
        self.rows
            .iter()
            .find(|r| r.num == row)?
            .cells
            .iter()
            .find(|c| c.col == col)
    }

    fn cell_mut(&mut self, row: u32, col: u32) -> &mut Cell {
        let ri = match self.rows.binary_search_by_key(&row, |r| r.num) {
            Ok(i) => i,
            Err(i) => {
                self.rows.insert(
                    i,
                    Row {
                        num: row,
                        attrs: Vec::new(),
                        cells: Vec::new(),
                        touched: true,
                    },
                );
                i
            }
        };
        let r = &mut self.rows[ri];
        let ci = match r.cells.binary_search_by_key(&col, |c| c.col) {
            Ok(i) => i,
            Err(i) => {
                r.touched = true;
                r.cells.insert(
                    i,
                    Cell {
                        col,
                        attrs: Vec::new(),
                        inner: String::new(),
                    },
                );
                i
            }
        };
        &mut r.cells[ci]
    }

    /// Drop a cell left with neither value nor style (as office programs save), and its row
    /// when that was all it had and the row carries nothing else.
    fn prune(&mut self, row: u32, col: u32) {
        let Some(ri) = self.rows.iter().position(|r| r.num == row) else {
            return;
        };
        let r = &mut self.rows[ri];
        let before = r.cells.len();
        r.cells
            .retain(|c| c.col != col || !c.inner.is_empty() || !c.attrs.is_empty());
        if r.cells.len() != before {
            r.touched = true;
        }
        if r.cells.is_empty() && r.attrs.iter().all(|(k, _)| k == "spans") {
            self.rows.remove(ri);
        }
    }

    fn to_xml(&self) -> String {
        let mut cells = self
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().map(|c| (r.num, c.col)));
        let dimension = match cells.next() {
            None => "A1".to_string(),
            Some(first) => {
                let (mut r0, mut c0, mut r1, mut c1) = (first.0, first.1, first.0, first.1);
                for (r, c) in cells {
                    (r0, c0, r1, c1) = (r0.min(r), c0.min(c), r1.max(r), c1.max(c));
                }
                let (a, b) = (
                    format!("{}{r0}", column_letters(c0)),
                    format!("{}{r1}", column_letters(c1)),
                );
                if a == b {
                    a
                } else {
                    format!("{a}:{b}")
                }
            }
        };
        let mut out = String::with_capacity(self.head.len() + self.tail.len() + 4096);
        match self.head.find("<dimension ") {
            Some(at) => {
                let end = at + self.head[at..].find("/>").expect("<dimension> not empty") + 2;
                out.push_str(&self.head[..at]);
                out.push_str(&format!("<dimension ref=\"{dimension}\"/>"));
                out.push_str(&self.head[end..]);
            }
            None => out.push_str(&self.head),
        }
        out.push_str(&self.open);
        for r in &self.rows {
            out.push_str(&format!("<row r=\"{}\"", r.num));
            if r.touched {
                let attrs: Vec<(String, String)> = r
                    .attrs
                    .iter()
                    .filter(|(k, _)| k != "spans")
                    .cloned()
                    .collect();
                if let (Some(first), Some(last)) = (r.cells.first(), r.cells.last()) {
                    out.push_str(&format!(" spans=\"{}:{}\"", first.col, last.col));
                }
                write_attrs(&mut out, &attrs);
            } else {
                write_attrs(&mut out, &r.attrs);
            }
            if r.cells.is_empty() {
                out.push_str("/>");
                continue;
            }
            out.push('>');
            for c in &r.cells {
                out.push_str(&format!("<c r=\"{}{}\"", column_letters(c.col), r.num));
                write_attrs(&mut out, &c.attrs);
                if c.inner.is_empty() {
                    out.push_str("/>");
                } else {
                    out.push('>');
                    out.push_str(&c.inner);
                    out.push_str("</c>");
                }
            }
            out.push_str("</row>");
        }
        out.push_str(&self.tail);
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Shared strings and styles.

/// The shared strings table: its text as read, the strings it holds, the strings added.
struct SharedStrings {
    xml: String,
    items: Vec<String>,
    /// Index of each plain string, for reuse.
    index: HashMap<String, usize>,
    added: Vec<String>,
    /// Change in the number of cells referring to the table.
    count_delta: i64,
}

impl SharedStrings {
    fn parse(xml: String) -> SharedStrings {
        let mut r = Reader::from_str(&xml);
        let mut items = Vec::new();
        loop {
            match r.read_event().unwrap() {
                Event::Start(e) if e.name().as_ref() == b"si" => {
                    let span = r.read_to_end(e.name()).unwrap();
                    let inner = &xml[span.start as usize..span.end as usize];
                    items.push(text_of(inner, b"t", b"rPh").unwrap_or_default());
                }
                Event::Empty(e) if e.name().as_ref() == b"si" => items.push(String::new()),
                Event::Eof => break,
                _ => {}
            }
        }
        let mut index = HashMap::new();
        for (i, s) in items.iter().enumerate() {
            index.entry(s.clone()).or_insert(i);
        }
        SharedStrings {
            xml,
            items,
            index,
            added: Vec::new(),
            count_delta: 0,
        }
    }

    /// The index of `text`, added to the table when it is not there.
    fn intern(&mut self, text: &str) -> usize {
        if let Some(&i) = self.index.get(text) {
            return i;
        }
        let i = self.items.len();
        self.items.push(text.to_string());
        self.added.push(text.to_string());
        self.index.insert(text.to_string(), i);
        i
    }

    /// The part's new text, `None` when unchanged.
    fn to_xml(&self) -> Option<String> {
        if self.added.is_empty() && self.count_delta == 0 {
            return None;
        }
        let mut r = Reader::from_str(&self.xml);
        loop {
            let before = r.buffer_position() as usize;
            let ev = r.read_event().unwrap();
            match ev {
                Event::Start(ref e) | Event::Empty(ref e) if e.name().as_ref() == b"sst" => {
                    let after = r.buffer_position() as usize;
                    let mut attrs = raw_attrs(e);
                    for (k, v) in attrs.iter_mut() {
                        if k == "count" {
                            *v = (v.parse::<i64>().unwrap() + self.count_delta).to_string();
                        } else if k == "uniqueCount" {
                            *v = self.items.len().to_string();
                        }
                    }
                    let mut out = self.xml[..before].to_string();
                    out.push_str("<sst");
                    write_attrs(&mut out, &attrs);
                    out.push('>');
                    let rest = if matches!(ev, Event::Empty(_)) {
                        String::from("</sst>")
                    } else {
                        self.xml[after..].to_string()
                    };
                    let close = rest.rfind("</sst>").expect("no </sst>");
                    out.push_str(&rest[..close]);
                    for s in &self.added {
                        out.push_str(&format!("<si>{}</si>", t_element(s)));
                    }
                    out.push_str(&rest[close..]);
                    return Some(out);
                }
                Event::Eof => panic!("no <sst> in the shared strings part"),
                _ => {}
            }
        }
    }
}

/// The styles part: the cell formats (`cellXfs`) parsed, the rest kept as text.
struct Styles {
    /// Everything before `<cellXfs`.
    head: String,
    /// `cellXfs` attributes but `count`.
    attrs: Vec<(String, String)>,
    /// Each `<xf>` as written.
    xfs: Vec<String>,
    /// `</cellXfs>` and everything after it.
    tail: String,
    /// Custom number formats: id → format code.
    num_fmts: HashMap<u32, String>,
    /// The number of `xfs` read from the file.
    read: usize,
    /// Style → the date style made from it.
    dated: HashMap<u32, u32>,
}

impl Styles {
    fn parse(xml: String) -> Styles {
        let num_fmts = elements(&xml, b"numFmt")
            .iter()
            .filter_map(|e| Some((attr(e, b"numFmtId")?.parse().ok()?, attr(e, b"formatCode")?)))
            .collect();
        let mut r = Reader::from_str(&xml);
        loop {
            let before = r.buffer_position() as usize;
            match r.read_event().unwrap() {
                Event::Start(e) if e.name().as_ref() == b"cellXfs" => {
                    let mut attrs = raw_attrs(&e);
                    attrs.retain(|(k, _)| k != "count");
                    let mut xfs = Vec::new();
                    loop {
                        let at = r.buffer_position() as usize;
                        match r.read_event().unwrap() {
                            Event::Empty(x) if x.name().as_ref() == b"xf" => {
                                xfs.push(xml[at..r.buffer_position() as usize].to_string());
                            }
                            Event::Start(x) if x.name().as_ref() == b"xf" => {
                                r.read_to_end(x.name()).unwrap();
                                xfs.push(xml[at..r.buffer_position() as usize].to_string());
                            }
                            Event::End(x) if x.name().as_ref() == b"cellXfs" => {
                                let read = xfs.len();
                                return Styles {
                                    head: xml[..before].to_string(),
                                    attrs,
                                    xfs,
                                    tail: xml[at..].to_string(),
                                    num_fmts,
                                    read,
                                    dated: HashMap::new(),
                                };
                            }
                            Event::Text(_) => {}
                            other => panic!("unexpected {other:?} in <cellXfs>"),
                        }
                    }
                }
                Event::Eof => panic!("styles without <cellXfs>"),
                _ => {}
            }
        }
    }

    /// Whether number format `id` shows a date.
    fn is_date_format(&self, id: u32) -> bool {
        match id {
            14..=22 | 27..=36 | 45..=47 | 50..=58 => true,
            _ => self.num_fmts.get(&id).is_some_and(|code| {
                // Outside quoted text, escapes and [colour]/[locale] sections.
                let (mut quoted, mut bracket, mut escaped) = (false, false, false);
                let mut date = false;
                for ch in code.chars() {
                    match ch {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => quoted = !quoted,
                        '[' if !quoted => bracket = true,
                        ']' if !quoted => bracket = false,
                        'y' | 'Y' | 'd' | 'D' if !quoted && !bracket => date = true,
                        _ => {}
                    }
                }
                date
            }),
        }
    }

    /// A style showing a date that is otherwise `style`: itself when it shows a date already,
    /// else a copy with the built-in date format (14).
    fn date_style(&mut self, style: u32) -> u32 {
        let xf = self
            .xfs
            .get(style as usize)
            .unwrap_or_else(|| panic!("no cell style {style}"))
            .clone();
        let mut r = Reader::from_str(&xf);
        let (start, empty) = match r.read_event().unwrap() {
            Event::Empty(e) => (e.into_owned(), true),
            Event::Start(e) => (e.into_owned(), false),
            other => panic!("unexpected {other:?} for a cell style"),
        };
        let num_fmt: u32 = attr(&start, b"numFmtId").map_or(0, |n| n.parse().unwrap());
        if self.is_date_format(num_fmt) {
            return style;
        }
        if let Some(&s) = self.dated.get(&style) {
            return s;
        }
        let mut attrs = raw_attrs(&start);
        attrs.retain(|(k, _)| k != "numFmtId" && k != "applyNumberFormat");
        attrs.insert(0, ("numFmtId".into(), "14".into()));
        attrs.push(("applyNumberFormat".into(), "1".into()));
        let mut new = String::from("<xf");
        write_attrs(&mut new, &attrs);
        new.push_str(if empty { "/>" } else { ">" });
        new.push_str(&xf[r.buffer_position() as usize..]);
        self.xfs.push(new);
        let s = (self.xfs.len() - 1) as u32;
        self.dated.insert(style, s);
        s
    }

    fn to_xml(&self) -> Option<String> {
        if self.xfs.len() == self.read {
            return None;
        }
        let mut out = self.head.clone();
        out.push_str(&format!("<cellXfs count=\"{}\"", self.xfs.len()));
        write_attrs(&mut out, &self.attrs);
        out.push('>');
        for xf in &self.xfs {
            out.push_str(xf);
        }
        out.push_str(&self.tail);
        Some(out)
    }
}

// ---------------------------------------------------------------------------------------------
// Filling a returned workbook, as a person would.

/// A copy of an inspector workbook (sheet 检查表) or a rectification workbook (整改反馈表)
/// being filled in; nothing is written until [`Fill::save`].
#[must_use = "nothing is written until .save()"]
pub struct Fill {
    wb: Workbook,
    /// The sheet filled in.
    sheet: String,
    /// A header is found by its code prefix too (`V8` for "V8 未在规定时限内…").
    by_code: bool,
    dst: PathBuf,
}

impl Fill {
    /// Fill a copy of the inspector workbook `src` (检查表), to be saved as `dst`.
    pub fn inspector(src: &Path, dst: &Path) -> Fill {
        Fill {
            wb: Workbook::open(src),
            sheet: "检查表".into(),
            by_code: true,
            dst: dst.to_path_buf(),
        }
    }

    /// Fill a copy of the rectification workbook `src` (整改反馈表), to be saved as `dst`.
    pub fn rectify(src: &Path, dst: &Path) -> Fill {
        Fill {
            wb: Workbook::open(src),
            sheet: "整改反馈表".into(),
            by_code: false,
            dst: dst.to_path_buf(),
        }
    }

    /// The workbook, for edits the operations below do not cover.
    pub fn workbook(&mut self) -> &mut Workbook {
        &mut self.wb
    }

    /// Text goes inline into the cells (as some programs write it), not the shared strings.
    pub fn inline_strings(mut self) -> Self {
        self.wb.inline_strings();
        self
    }

    /// The column (1-based) whose header is `h`, or (for an inspector workbook) starts with the
    /// code `h` and a space.
    fn col(&mut self, h: &str) -> u32 {
        let by_code = self.by_code;
        self.wb
            .row_texts(&self.sheet, 1)
            .into_iter()
            .find(|(_, x)| x == h || (by_code && x.split(' ').next() == Some(h)))
            .map(|(c, _)| c)
            .unwrap_or_else(|| panic!("{}: no column {h}", self.sheet))
    }

    /// The row of account `id` (ids are in column A).
    fn row_of(&mut self, id: &str) -> u32 {
        let max = self.wb.max_row(&self.sheet);
        (2..=max)
            .find(|&r| self.wb.get(&self.sheet, r, 1).as_deref() == Some(id))
            .unwrap_or_else(|| panic!("{}: no row {id}", self.sheet))
    }

    /// The rows holding an account (column A not blank).
    fn account_rows(&mut self) -> Vec<u32> {
        let max = self.wb.max_row(&self.sheet);
        (2..=max)
            .filter(|&r| self.wb.get(&self.sheet, r, 1).is_some())
            .collect()
    }

    /// The indicator columns (headers V1…, D1…), with the answer that passes: 否, 0.
    fn indicators(&mut self) -> Vec<(u32, Value)> {
        self.wb
            .row_texts(&self.sheet, 1)
            .into_iter()
            .filter_map(|(c, h)| {
                let mut ch = h.chars();
                let pass = match (ch.next(), ch.next()) {
                    (Some('V'), Some(d)) if d.is_ascii_digit() => Value::from("否"),
                    (Some('D'), Some(d)) if d.is_ascii_digit() => Value::from(0),
                    _ => return None,
                };
                Some((c, pass))
            })
            .collect()
    }

    fn answer_all(mut self, date: &str, only_blank: bool) -> Self {
        let d = parse_date(date);
        let indicators = self.indicators();
        let date_col = self.col("检查日期");
        for r in self.account_rows() {
            for (c, pass) in &indicators {
                if !only_blank || self.wb.get(&self.sheet, r, *c).is_none() {
                    self.wb.set(&self.sheet, r, *c, pass.clone());
                }
            }
            self.wb.set(&self.sheet, r, date_col, Value::Date(d));
        }
        self
    }

    /// Every account checked on `date` (YYYY-MM-DD) and passing: every indicator 否 or 0.
    pub fn all_pass(self, date: &str) -> Self {
        self.answer_all(date, false)
    }

    /// Like [`Fill::all_pass`], but only the blank indicator cells are answered (pre-filled
    /// answers are kept).
    pub fn fill_blank(self, date: &str) -> Self {
        self.answer_all(date, true)
    }

    /// Every account of a rectification workbook answered: 整改措施 "已按要求整改", 整改结果
    /// `outcome`, 完成日期 `done` (a [`date`] or text).
    pub fn all(mut self, outcome: &str, done: impl Into<Value>) -> Self {
        let done = done.into();
        let cols = [
            (self.col("整改措施"), Value::from("已按要求整改")),
            (self.col("整改结果"), Value::from(outcome)),
            (self.col("完成日期"), done),
        ];
        for r in self.account_rows() {
            for (c, v) in &cols {
                self.wb.set(&self.sheet, r, *c, v.clone());
            }
        }
        self
    }

    /// The cell of account `id` under `header`.
    pub fn set(mut self, id: &str, header: &str, value: impl Into<Value>) -> Self {
        let (r, c) = (self.row_of(id), self.col(header));
        self.wb.set(&self.sheet, r, c, value.into());
        self
    }

    /// Delete the row of account `id` (the rows below move up).
    pub fn delete(mut self, id: &str) -> Self {
        let r = self.row_of(id);
        self.wb.delete_row(&self.sheet, r);
        self
    }

    /// A cell by its 1-based row and column.
    pub fn cell(mut self, row: u32, col: u32, value: impl Into<Value>) -> Self {
        self.wb.set(&self.sheet, row, col, value.into());
        self
    }

    /// A new row below the last one, with only `id` in column A.
    pub fn add_row(mut self, id: &str) -> Self {
        let r = self.wb.max_row(&self.sheet) + 1;
        self.wb.set(&self.sheet, r, 1, id.into());
        self
    }

    /// A forgery: the value of `key` in the hidden `_audit` sheet replaced by `value`.
    pub fn meta(mut self, key: &str, value: &str) -> Self {
        let max = self.wb.max_row("_audit");
        let rows: Vec<u32> = (1..=max)
            .filter(|&r| self.wb.get("_audit", r, 1).as_deref() == Some(key))
            .collect();
        assert!(!rows.is_empty(), "_audit has no key {key}");
        for r in rows {
            self.wb.set("_audit", r, 2, value.into());
        }
        self
    }

    /// A cell of any sheet (hidden ones too), by its 1-based row and column.
    pub fn sheet_cell(mut self, sheet: &str, row: u32, col: u32, value: impl Into<Value>) -> Self {
        self.wb.set(sheet, row, col, value.into());
        self
    }

    /// Write the copy, saved now: later than any copy saved before by this test process.
    pub fn save(self) {
        self.save_at(next_save_time());
    }

    /// Write the copy, with `t` as the time it was saved (its modification time).
    pub fn save_at(self, t: SystemTime) {
        self.wb.save(&self.dst);
        set_saved_at(&self.dst, t);
    }
}
