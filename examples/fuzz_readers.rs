//! A deterministic mutation fuzzer for the two readers that take files from outside: the
//! registry reader (`import`) and the returned-workbook reader (`collect`'s hidden sheet and
//! 检查表). cargo-fuzz needs a nightly toolchain, which this project's machines do not have, so
//! this is a plain program: seeded ChaCha mutations of the fixtures and of a generated
//! workbook — byte flips, inserts, deletes, truncations, and edits of the XML inside the zip
//! (re-zipped, so they get past the CRC) — each read in-process. It counts panics and records
//! the peak heap (a counting allocator), and fails if either limit is broken.
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
    for p in out.panics.iter().take(5) {
        println!("  panic: {p}");
    }
    if !out.panics.is_empty() || out.peak_heap > HEAP_LIMIT {
        std::process::exit(1);
    }
}
