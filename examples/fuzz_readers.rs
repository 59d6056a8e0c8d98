//! A deterministic mutation fuzzer for the two readers that take files from outside: the
//! registry reader (`import`) and the returned-workbook reader (`collect`'s hidden sheet and
//! 检查表). cargo-fuzz needs a nightly toolchain, which this project's machines do not have, so
//! this is a plain program: seeded ChaCha mutations of the fixtures and of a generated
//! workbook — byte flips, inserts, deletes, truncations, and edits of the XML inside the zip
//! (re-zipped, so they get past the CRC) — each read in-process. It counts panics and records
//! the peak heap (a counting allocator), and fails if either limit is broken.
//!
//! Each .xlsx input is also read by calamine's own cell reader (the oracle our .xlsx reader,
//! `formats::xlsx_rows`, was written to match): when both read it, their rows must be equal.
//!
//! ```sh
//! cargo run --release --example fuzz_readers -- 1000000 7     # executions, seed
//! ```
//! `tests/fuzz.rs` runs a few thousand of the same in `cargo test`. A panicking input is kept
//! (its path is printed); `cargo run --example fuzz_readers -- FILE` replays it.
#![allow(dead_code)]

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts live heap bytes and their peak.
pub struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The most heap any input may take.
pub const HEAP_LIMIT: usize = 1 << 30;

/// What a run saw.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Inputs read.
    pub executions: u64,
    /// Inputs a reader accepted (the rest were clear errors).
    pub accepted: u64,
    /// Inputs that panicked, with the panic message of the first few.
    pub panics: Vec<String>,
    /// Peak heap over the run, in bytes.
    pub peak_heap: usize,
    /// .xlsx inputs both our reader and calamine's read.
    pub both_read: u64,
    /// .xlsx inputs only calamine read (ours, or the guard before it, refused them).
    pub only_calamine: u64,
    /// .xlsx inputs only ours read (calamine failed or panicked on them).
    pub only_ours: u64,
    /// .xlsx inputs both read with different rows: the first few, kept for a look.
    pub differences: Vec<String>,
}

/// One row as a reader gives it: its 1-based number and cell texts.
pub type Rows = Vec<(u32, Vec<String>)>;

/// The rows of an .xlsx's first visible sheet as calamine's cell reader gives them, made text
/// by the rules `formats::read` used before it had a reader of its own (numbers by `float_text`,
/// dates by `excel_date_text`, an error value empty), each cell tidied as ours are.
pub fn calamine_rows(bytes: &[u8]) -> Result<Rows, String> {
    use calamine::{DataRef, Reader};
    let (bytes, date1904) = as_we_read_it(bytes);
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| e.to_string())?;
    let name = wb
        .sheets_metadata()
        .iter()
        .find(|m| m.visible == calamine::SheetVisible::Visible)
        .map(|m| m.name.clone())
        .ok_or("no visible sheet")?;
    let mut reader = wb
        .worksheet_cells_reader(&name)
        .map_err(|e| e.to_string())?;
    let (mut rows, mut current): (Rows, Option<(u32, Vec<String>)>) = (Vec::new(), None);
    while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
        let (r, c) = cell.get_position();
        let mut text = match cell.get_value() {
            // An empty cell changes nothing; an error value clears the cell.
            DataRef::Empty => continue,
            DataRef::SharedString(s) => s.to_string(),
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Float(f) => audit::domain::cell::float_text(*f),
            DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            DataRef::DateTime(d) => {
                let shift = if date1904 && d.is_datetime() {
                    1462.0
                } else {
                    0.0
                };
                audit::domain::cell::excel_date_text(d.as_f64() + shift, d.is_datetime())
            }
            DataRef::Error(_) => String::new(),
        };
        audit::domain::text::tidy_outside(&mut text);
        if current.as_ref().map(|(n, _)| *n) != Some(r + 1) {
            rows.extend(current.take().filter(|(_, cells)| !cells.is_empty()));
            current = Some((r + 1, Vec::new()));
        }
        let cells = &mut current.as_mut().expect("row").1;
        let c = c as usize;
        if c >= audit::formats::read::MAX_COLUMNS {
            continue;
        }
        if cells.len() <= c {
            cells.resize(c + 1, String::new());
        }
        cells[c] = text;
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
    }
    rows.extend(current.filter(|(_, cells)| !cells.is_empty()));
    Ok(rows)
}

/// Our reader's documented departures from calamine, applied to the file calamine reads: the
/// East Asian built-in date formats (27–36, 50–58) are dates (calamine's 14 stands in for them),
/// and a 1904-system workbook's dates are shifted to the date shown (returned as a flag).
fn as_we_read_it(bytes: &[u8]) -> (Vec<u8>, bool) {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return (bytes.to_vec(), false);
    };
    let part = |zip: &mut zip::ZipArchive<_>, name: &str| {
        let mut text = String::new();
        zip.by_name(name).ok()?.read_to_string(&mut text).ok()?;
        Some(text)
    };
    let date1904 = part(&mut zip, "xl/workbook.xml")
        .is_some_and(|w| w.contains("date1904=\"1\"") || w.contains("date1904=\"true\""));
    let mut changed: Vec<(&str, String)> = Vec::new();
    if let Some(styles) = part(&mut zip, "xl/styles.xml") {
        let mut new = styles.clone();
        for id in (27..=36).chain(50..=58) {
            if !new.contains(&format!("<numFmt numFmtId=\"{id}\"")) {
                new = new.replace(&format!("<xf numFmtId=\"{id}\""), "<xf numFmtId=\"14\"");
            }
        }
        if new != styles {
            changed.push(("xl/styles.xml", new));
        }
    }
    if changed.is_empty() {
        return (bytes.to_vec(), date1904);
    }
    let mut book = bytes.to_vec();
    for (name, text) in changed {
        book = with_part(&book, name, &text);
    }
    (book, date1904)
}

/// The rows our reader gives the same file (its first visible sheet).
pub fn our_rows(path: &Path) -> Result<Rows, String> {
    let mut rows = Rows::new();
    audit::formats::read::for_each_row(path, None, None, |r| {
        rows.push((r.number, r.cells.to_vec()));
        Ok(true)
    })
    .map_err(|e| e.to_string())?;
    Ok(rows)
}

/// Read an .xlsx input with both readers and note how they compare.
fn compare_with_calamine(path: &Path, bytes: &[u8], out: &mut Outcome) {
    let theirs = std::panic::catch_unwind(|| calamine_rows(bytes)).unwrap_or(Err("panic".into()));
    let ours = our_rows(path);
    match (ours, theirs) {
        (Ok(a), Ok(b)) if a == b => out.both_read += 1,
        (Ok(a), Ok(b)) => {
            out.both_read += 1;
            if out.differences.len() < 5 {
                let keep = path.with_file_name(format!("diff-{}.xlsx", out.differences.len()));
                let _ = std::fs::write(&keep, bytes);
                let first = a.iter().zip(&b).find(|(x, y)| x != y);
                out.differences.push(format!(
                    "{} {first:?} ({} vs {} rows)",
                    keep.display(),
                    a.len(),
                    b.len()
                ));
            }
        }
        (Ok(_), Err(_)) => out.only_ours += 1,
        (Err(_), Ok(_)) => out.only_calamine += 1,
        (Err(_), Err(_)) => {}
    }
}

/// A seed input: its bytes, the extension it is read as, and which reader takes it.
struct Seed {
    bytes: Vec<u8>,
    ext: &'static str,
    returned_workbook: bool,
}

fn seeds(dir: &Path) -> Vec<Seed> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for (name, ext) in [
        ("title_rows.xlsx", "xlsx"),
        ("stray_cell.xlsx", "xlsx"),
        ("english_headers.csv", "csv"),
        ("gbk.csv", "csv"),
        ("current.csv", "csv"),
    ] {
        if let Ok(bytes) = std::fs::read(fixtures.join(name)) {
            out.push(Seed {
                bytes,
                ext,
                returned_workbook: false,
            });
        }
    }
    out.push(Seed {
        bytes: variety_xlsx(),
        ext: "xlsx",
        returned_workbook: false,
    });
    let returned = returned_workbook(dir);
    // Issue #22: the hidden sheet with rows appended past what it can hold (a row bomb's
    // shape), and a registry whose rows repeat (an .ods number-rows-repeated bomb's shape).
    out.push(Seed {
        bytes: with_rows_appended(&returned, "xl/worksheets/sheet3.xml", 1_100),
        ext: "xlsx",
        returned_workbook: true,
    });
    out.push(Seed {
        bytes: repeated_rows_ods(),
        ext: "ods",
        returned_workbook: false,
    });
    out.push(Seed {
        bytes: returned,
        ext: "xlsx",
        returned_workbook: true,
    });
    out
}

/// An .xlsx of one sheet `Sheet1` whose worksheet part is `sheet`, with a shared-strings part
/// and a styles part when given: a workbook shaped by hand, as other programs write them.
pub fn xlsx_with(sheet: &str, shared: Option<&str>, styles: Option<&str>) -> Vec<u8> {
    let mut parts = vec![
        (
            "xl/workbook.xml",
            r#"<workbook xmlns:r="r"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    parts.extend(shared.map(|x| ("xl/sharedStrings.xml", x)));
    parts.extend(styles.map(|x| ("xl/styles.xml", x)));
    let mut out = std::io::Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        w.start_file(name, opts).expect("zip");
        w.write_all(data.as_bytes()).expect("zip");
    }
    w.finish().expect("zip");
    out.into_inner()
}

/// `book` with the part `name` replaced by `text`.
pub fn with_part(book: &[u8], name: &str, text: &str) -> Vec<u8> {
    with_part_bytes(book, name, text.as_bytes())
}

/// `book` with the part `name` replaced by `data`.
pub fn with_part_bytes(book: &[u8], name: &str, data: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).expect("zip");
    let mut out = std::io::Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut out);
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("part");
        let mut old = Vec::new();
        f.read_to_end(&mut old).expect("part");
        let part = f.name().to_string();
        drop(f);
        w.start_file(part.as_str(), zip::write::SimpleFileOptions::default())
            .expect("zip");
        w.write_all(if part == name { data } else { &old })
            .expect("zip");
    }
    w.finish().expect("zip");
    out.into_inner()
}

/// Shared strings of every shape: plain, rich runs, a phonetic run, Excel's `_x000D_`
/// escape, entities, an `<si>` with no text (skipped, so later indices shift), a namespace
/// prefix.
pub const VARIETY_SHARED: &str = r#"<sst xmlns="x"><si><t>开设主体</t></si><si><r><rPr><b/></rPr><t>江苏</t></r><r><t xml:space="preserve">省 政务</t></r><rPh sb="0" eb="1"><t>コウ</t></rPh></si><si><t>a_x000D_b&amp;c&#x4E2D;</t></si><si/><si><x:t xmlns:x="x">前缀</x:t></si><si><t>A
B</t></si></sst>"#;

/// Number formats: built-in date (14), custom date, custom elapsed time, custom plain.
pub const VARIETY_STYLES: &str = r#"<styleSheet><numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="165" formatCode="[h]:mm"/><numFmt numFmtId="166" formatCode="0.00_);[Red](0.00)"/></numFmts><cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"><alignment/></xf><xf numFmtId="165"/><xf numFmtId="166"/></cellXfs></styleSheet>"#;

/// A sheet of every cell shape the reader meets: shared and inline strings (plain and rich),
/// numbers (lossy ones too), dates by format, booleans, error values, formulas with and without
/// cached values, ISO dates, cells and rows without references, lower-case references, a
/// comment and CDATA inside a value, an empty cell, CRLF in text.
pub const VARIETY_SHEET: &str = "<worksheet><dimension ref=\"A1:F9\"/><sheetData>\
<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c><c r=\"E1\" t=\"s\"><v>4</v></c></row>\
<row r=\"2\"><c r=\"A2\"><v>42</v></c><c r=\"B2\"><v>3.14159</v></c><c r=\"C2\"><v>1234567890123456789</v></c><c r=\"D2\" s=\"1\"><v>45292</v></c><c r=\"E2\" s=\"2\"><v>45292.5</v></c><c r=\"F2\" s=\"3\"><v>1.25</v></c></row>\
<row r=\"3\"><c r=\"A3\" s=\"4\"><v>-0.5</v></c><c r=\"B3\" t=\"b\"><v>1</v></c><c r=\"C3\" t=\"b\"><v>0</v></c><c r=\"D3\" t=\"e\"><v>#N/A</v></c><c r=\"E3\" t=\"str\"><f>A1&amp;B1</f><v>合计</v></c><c r=\"F3\"><f>SUM(A2:B2)</f></c></row>\
<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>内联</t></is></c><c r=\"B4\" t=\"inlineStr\"><is><r><t>富</t></r><r><t>文本</t></r></is></c><c r=\"C4\" t=\"d\"><v>2024-01-02T00:00:00</v></c><c r=\"D4\" s=\"1\"/><c r=\"E4\"><v>1<!-- note -->2<![CDATA[9]]></v></c><c r=\"F4\"><v>x</v><f>1</f></c></row>\
<row><c><v>7</v></c><c><v>8</v></c></row><row r=\"7\"><c r=\"b7\" t=\"inlineStr\"><is><t>line1\r\nline2</t></is></c></row>\
<row r=\"8\"><c r=\"A8\" t=\"s\"><v>4</v></c><c r=\"C8\" t=\"n\"><v></v></c><c r=\"D8\" t=\"s\"><v/></c><c r=\"E8\"><v>abc</v></c></row>\
</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:B1\"/></mergeCells></worksheet>";

/// The workbook of [`VARIETY_SHEET`], [`VARIETY_SHARED`] and [`VARIETY_STYLES`].
pub fn variety_xlsx() -> Vec<u8> {
    xlsx_with(VARIETY_SHEET, Some(VARIETY_SHARED), Some(VARIETY_STYLES))
}

/// A workbook with `n` one-cell rows appended to one worksheet part.
fn with_rows_appended(bytes: &[u8], part: &str, n: usize) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("seed zip");
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).expect("part");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("part");
            if f.name() == part {
                let xml = String::from_utf8(data).expect("xml");
                let row = r#"<row><c t="inlineStr"><is><t>x</t></is></c></row>"#.repeat(n);
                data = xml
                    .replacen("</sheetData>", &format!("{row}</sheetData>"), 1)
                    .into_bytes();
            }
            w.start_file(f.name(), opts).expect("part");
            w.write_all(&data).expect("part");
        }
        w.finish().expect("zip");
    }
    out.into_inner()
}

/// A small .ods registry: a header, one account, and a junk row repeated 1,000 times.
fn repeated_rows_ods() -> Vec<u8> {
    let cell = |t: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#
        )
    };
    let row = |cells: &[&str]| {
        let cells: String = cells.iter().map(|c| cell(c)).collect();
        format!("<table:table-row>{cells}</table:table-row>")
    };
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="台账">{}{}<table:table-row table:number-rows-repeated="1000">{}</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#,
        row(&["账号ID", "名称", "类型", "开设主体", "层级", "地区"]),
        row(&["A1", "甲", "微信", "某局", "市级", "南京"]),
        cell("x"),
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, data) in [
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", content.as_str()),
            ("META-INF/manifest.xml", manifest),
        ] {
            w.start_file(name, opts).expect("part");
            w.write_all(data.as_bytes()).expect("part");
        }
        w.finish().expect("zip");
    }
    out.into_inner()
}

/// A filled inspector workbook, made by the library as `sheet` makes it.
fn returned_workbook(dir: &Path) -> Vec<u8> {
    let reg = dir.join("seed.csv");
    std::fs::write(
        &reg,
        "账号ID,名称,类型,开设主体,层级,地区\nA1,甲,微信,某局,市级,南京\nA2,乙,微博,某局,县级,苏州\n",
    )
    .expect("seed registry");
    let imported = audit::formats::registry_file::read(&reg, None, None, None, &|_| {})
        .expect("seed registry");
    let cat = audit::domain::indicators::Catalog::builtin();
    let accounts: Vec<&audit::domain::registry::Account> =
        imported.registry.accounts.iter().collect();
    let meta = audit::formats::workbook::Meta {
        kind: audit::formats::workbook::meta::MetaKind::Inspection,
        campaign: "fuzz".into(),
        campaign_id: "0".into(),
        sample_sha256: "s".into(),
        catalog_sha256: "c".into(),
        workbook_id: "w".into(),
        inspector: "检查员".into(),
        ids: accounts.iter().map(|a| a.id.clone()).collect(),
        prefills: Vec::new(),
        signature: String::new(),
    }
    .signed(&audit::store::Secret::generate());
    let fills: std::collections::HashMap<String, audit::domain::answers::Fill> = accounts
        .iter()
        .map(|a| {
            let fill = audit::domain::answers::Fill {
                values: vec![0; cat.indicators.len()],
                description: String::new(),
                checker: "检查员".into(),
                date: chrono::NaiveDate::from_ymd_opt(2020, 3, 25).expect("date"),
            };
            (a.id.clone(), fill)
        })
        .collect();
    audit::formats::workbook::build(&audit::formats::workbook::SheetSpec {
        meta: &meta,
        deadline: None,
        catalog: &cat,
        accounts,
        fills: Some(&fills),
        simulated: false,
        created: "2020-03-20T00:00:00+08:00",
        finding: Vec::new(),
    })
    .expect("seed workbook")
}

fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    (rng.next_u64() % n.max(1) as u64) as usize
}

/// One mutation of raw bytes.
fn mutate_bytes(rng: &mut ChaCha8Rng, b: &mut Vec<u8>) {
    const INTERESTING: [&[u8]; 8] = [
        b"9999999999999999999",
        b"1e308",
        b"-1",
        b"\x00",
        b"\xff\xfe",
        b"=1+1",
        b"1048576",
        b"XFD1048576",
    ];
    match below(rng, 6) {
        0 if !b.is_empty() => {
            let i = below(rng, b.len());
            b[i] ^= 1 << below(rng, 8);
        }
        1 => {
            let i = below(rng, b.len() + 1);
            b.insert(i, rng.next_u32() as u8);
        }
        2 if !b.is_empty() => {
            let i = below(rng, b.len());
            let n = below(rng, 16).min(b.len() - i);
            b.drain(i..i + n);
        }
        3 => {
            let n = below(rng, b.len() + 1);
            b.truncate(n);
        }
        4 if !b.is_empty() => {
            let i = below(rng, b.len());
            let n = below(rng, 64).min(b.len() - i);
            let chunk = b[i..i + n].to_vec();
            let at = below(rng, b.len() + 1);
            b.splice(at..at, chunk);
        }
        _ => {
            let word = INTERESTING[below(rng, INTERESTING.len())];
            let at = below(rng, b.len() + 1);
            b.splice(at..at, word.iter().copied());
        }
    }
}

/// Mutate one XML part of a zip and zip it again, so the edit reaches the XML parsers.
fn mutate_inside_zip(rng: &mut ChaCha8Rng, bytes: &[u8]) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).ok()?;
        let mut data = Vec::new();
        f.read_to_end(&mut data).ok()?;
        parts.push((f.name().to_string(), data));
    }
    let k = below(rng, parts.len());
    for _ in 0..1 + below(rng, 4) {
        mutate_bytes(rng, &mut parts[k].1);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, data) in &parts {
            w.start_file(name.as_str(), opts).ok()?;
            w.write_all(data).ok()?;
        }
        w.finish().ok()?;
    }
    Some(out.into_inner())
}

/// Read one input with the reader its seed belongs to; `Ok(true)` when accepted.
fn read(path: &Path, returned_workbook: bool) -> bool {
    if returned_workbook {
        use audit::formats::read::{read_typed, Book};
        let bounds = audit::formats::workbook::read::Bounds {
            ids: 1000,
            prefills: 14_000,
        };
        let Ok(book) = Book::read(path, bounds.caps().bytes) else {
            return false;
        };
        let meta = audit::formats::workbook::read::read_meta(&book, "检查表", &bounds).is_ok();
        let sheet = read_typed(
            &book,
            audit::formats::workbook::SHEET_MAIN,
            &bounds.caps(),
            10_000,
        )
        .is_ok();
        meta && sheet
    } else {
        audit::formats::registry_file::read(path, None, None, None, &|_| {}).is_ok()
    }
}

/// Run `n` mutated inputs from `seed`, in `dir`.
pub fn run(n: u64, seed: u64, dir: &Path) -> Outcome {
    let seeds = seeds(dir);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Outcome::default();
    std::panic::set_hook(Box::new(|_| {}));
    for i in 0..n {
        let s = &seeds[below(&mut rng, seeds.len())];
        let bytes = if s.ext != "csv" && below(&mut rng, 2) == 0 {
            mutate_inside_zip(&mut rng, &s.bytes).unwrap_or_else(|| s.bytes.clone())
        } else {
            let mut b = s.bytes.clone();
            for _ in 0..1 + below(&mut rng, 8) {
                mutate_bytes(&mut rng, &mut b);
            }
            b
        };
        let path: PathBuf = dir.join(format!("input.{}", s.ext));
        std::fs::write(&path, &bytes).expect("write input");
        let rw = s.returned_workbook;
        if s.ext == "xlsx" {
            compare_with_calamine(&path, &bytes, &mut out);
        }
        match std::panic::catch_unwind(|| read(&path, rw)) {
            Ok(true) => out.accepted += 1,
            Ok(false) => {}
            Err(e) => {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                if out.panics.len() < 5 {
                    let keep = dir.join(format!("panic-{i}.{}", s.ext));
                    let _ = std::fs::write(&keep, &bytes);
                    out.panics.push(format!("{msg} ({})", keep.display()));
                } else {
                    out.panics.push(msg);
                }
            }
        }
        out.executions += 1;
    }
    let _ = std::panic::take_hook();
    out.peak_heap = PEAK.load(Ordering::Relaxed);
    out
}

fn main() {
    // Replay one saved input, panics and all: `fuzz_readers FILE`.
    if let Some(file) = std::env::args().nth(1).filter(|a| Path::new(a).is_file()) {
        let path = Path::new(&file);
        println!("registry reader: {}", read(path, false));
        println!("returned-workbook reader: {}", read(path, true));
        return;
    }
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(7);
    // Kept after the run, so that a panicking input can be looked at.
    let dir = std::env::temp_dir().join("audit-fuzz");
    std::fs::create_dir_all(&dir).expect("fuzz folder");
    let t = std::time::Instant::now();
    let out = run(n, seed, &dir);
    println!(
        "{} executions (seed {seed}) in {:.0} s: {} accepted, {} panics, peak heap {} KB",
        out.executions,
        t.elapsed().as_secs_f64(),
        out.accepted,
        out.panics.len(),
        out.peak_heap >> 10
    );
    println!(
        ".xlsx against calamine: {} read by both, {} differ; {} only by calamine, {} only by ours",
        out.both_read,
        out.differences.len(),
        out.only_calamine,
        out.only_ours
    );
    for p in out.panics.iter().take(5) {
        println!("  panic: {p}");
    }
    for d in &out.differences {
        println!("  differs: {d}");
    }
    if !out.panics.is_empty() || !out.differences.is_empty() || out.peak_heap > HEAP_LIMIT {
        std::process::exit(1);
    }
}
