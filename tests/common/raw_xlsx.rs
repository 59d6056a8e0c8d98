//! Filling and editing the workbooks `audit` writes, in Rust (no Python): the parts of the zip
//! are read, one worksheet's XML is edited as text and the zip is written again. Enough for the
//! layouts rust_xlsxwriter writes: every input cell exists (blank cells carry their format).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;

/// A value written into a cell.
#[derive(Clone, Debug)]
pub enum Val {
    /// Text, as an inline string.
    Text(String),
    /// A number (a count, or a date serial).
    Num(f64),
}

/// A workbook's zip parts, in order.
pub struct Parts(pub Vec<(String, Vec<u8>)>);

impl Parts {
    pub fn read(path: &Path) -> Parts {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut parts = Vec::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            parts.push((f.name().to_string(), data));
        }
        Parts(parts)
    }

    pub fn write(&self, path: &Path) {
        let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        for (name, data) in &self.0 {
            z.start_file(name.as_str(), opts).unwrap();
            z.write_all(data).unwrap();
        }
        z.finish().unwrap();
    }

    fn text(&self, name: &str) -> String {
        let (_, d) = self.0.iter().find(|(n, _)| n == name).expect(name);
        String::from_utf8(d.clone()).unwrap()
    }

    /// The part name of the worksheet called `sheet` ("xl/worksheets/sheet2.xml").
    pub fn sheet_part(&self, sheet: &str) -> String {
        let wb = self.text("xl/workbook.xml");
        let at = wb
            .find(&format!("<sheet name=\"{sheet}\""))
            .unwrap_or_else(|| panic!("no sheet {sheet}"));
        let rid = attr(&wb[at..], "r:id");
        let rels = self.text("xl/_rels/workbook.xml.rels");
        let at = rels.find(&format!("Id=\"{rid}\"")).unwrap();
        let start = rels[..at].rfind("<Relationship").unwrap();
        format!("xl/{}", attr(&rels[start..], "Target"))
    }

    pub fn sheet_xml(&self, sheet: &str) -> String {
        self.text(&self.sheet_part(sheet))
    }

    pub fn set_sheet_xml(&mut self, sheet: &str, xml: String) {
        let part = self.sheet_part(sheet);
        let slot = self.0.iter_mut().find(|(n, _)| *n == part).unwrap();
        slot.1 = xml.into_bytes();
    }
}

fn attr(tag: &str, name: &str) -> String {
    let key = format!(" {name}=\"");
    let at = tag.find(&key).unwrap() + key.len();
    tag[at..at + tag[at..].find('"').unwrap()].to_string()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// "A", "B" … "AA" for a 0-based column.
pub fn column(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

/// The cell element for `value` at `r`, keeping the style attribute `style` (e.g. ` s="7"`).
fn cell_xml(r: &str, style: &str, value: &Val) -> String {
    match value {
        Val::Text(t) => format!(
            "<c r=\"{r}\"{style} t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
            escape(t)
        ),
        Val::Num(n) => format!("<c r=\"{r}\"{style}><v>{n}</v></c>"),
    }
}

/// Set cell `r` (e.g. "H2") in a worksheet's XML. The cell must exist (rust_xlsxwriter writes
/// every input cell, blank or not).
pub fn set_cell(xml: &str, r: &str, value: &Val) -> String {
    let open = format!("<c r=\"{r}\"");
    let at = xml.find(&open).unwrap_or_else(|| panic!("no cell {r}"));
    let tag_end = at + xml[at..].find('>').unwrap();
    let self_closing = xml.as_bytes()[tag_end - 1] == b'/';
    let end = if self_closing {
        tag_end + 1
    } else {
        at + xml[at..].find("</c>").unwrap() + 4
    };
    let tag = &xml[at..tag_end];
    let style = tag
        .find(" s=\"")
        .map(|_| format!(" s=\"{}\"", attr(tag, "s")))
        .unwrap_or_default();
    format!(
        "{}{}{}",
        &xml[..at],
        cell_xml(r, &style, value),
        &xml[end..]
    )
}

/// `n` rows appended to a worksheet's XML after its last row, each holding `text` in its first
/// cell, without row or cell references (readers number them in order), so the part is one
/// repeated run that compresses to almost nothing: the shape of a row bomb.
pub fn append_rows_to_part(parts: &Parts, sheet: &str, out: &Path, n: u64, text: &str) {
    let part = parts.sheet_part(sheet);
    let mut z = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    for (name, data) in &parts.0 {
        z.start_file(name.as_str(), opts).unwrap();
        if *name != part {
            z.write_all(data).unwrap();
            continue;
        }
        let xml = String::from_utf8(data.clone()).unwrap();
        let cut = xml.find("</sheetData>").unwrap();
        z.write_all(&xml.as_bytes()[..cut]).unwrap();
        let row = format!("<row><c t=\"inlineStr\"><is><t>{text}</t></is></c></row>");
        let chunk = row.repeat(16_384);
        for _ in 0..n / 16_384 {
            z.write_all(chunk.as_bytes()).unwrap();
        }
        z.write_all(row.repeat((n % 16_384) as usize).as_bytes())
            .unwrap();
        z.write_all(&xml.as_bytes()[cut..]).unwrap();
    }
    z.finish().unwrap();
}

/// How a row of 检查表 is filled.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// Every indicator 否 / 0.
    Pass,
    /// The first veto indicator 是, with a description.
    FailFirstVeto,
    /// Every deduction indicator at `n`, vetoes 否, with a description.
    Deduct(f64),
}

/// The header row of a sheet (calamine), to find columns by name.
pub fn headers(path: &Path, sheet: &str) -> Vec<String> {
    use calamine::{open_workbook_auto, Reader};
    let mut wb = open_workbook_auto(path).unwrap();
    let r = wb.worksheet_range(sheet).unwrap();
    r.rows()
        .next()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .unwrap_or_default()
}

/// Every row of a sheet as text (calamine), the header first.
pub fn rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    use calamine::{open_workbook_auto, Reader};
    let mut wb = open_workbook_auto(path).unwrap();
    let r = wb.worksheet_range(sheet).unwrap();
    r.rows()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// Excel's serial for a date.
pub fn serial(y: i32, m: u32, d: u32) -> f64 {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    (chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap() - base).num_days() as f64
}

/// Fill an inspector workbook `src` into `dst`: each data row (0-based data index, its account
/// id) gets `verdict(index, id)`, the checker `checker` and the date 2020-03-25; `None` leaves
/// the row blank.
pub fn fill(
    src: &Path,
    dst: &Path,
    checker: &str,
    verdict: impl Fn(usize, &str) -> Option<Verdict>,
) {
    let head = headers(src, "检查表");
    let all = rows(src, "检查表");
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let indicators: Vec<(usize, bool)> = head
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            let code = h.split(' ').next().unwrap_or("");
            code.len() >= 2
                && (code.starts_with('V') || code.starts_with('D'))
                && code[1..].bytes().all(|b| b.is_ascii_digit())
        })
        .map(|(c, h)| (c, h.starts_with('V')))
        .collect();
    let mut parts = Parts::read(src);
    let mut xml = parts.sheet_xml("检查表");
    for (i, row) in all.iter().skip(1).enumerate() {
        let Some(v) = verdict(i, &row[0]) else {
            continue;
        };
        let r = i + 2;
        let mut first_veto = true;
        for (c, veto) in &indicators {
            let value = match (&v, veto) {
                (Verdict::FailFirstVeto, true) if first_veto => Val::Text("是".into()),
                (_, true) => Val::Text("否".into()),
                (Verdict::Deduct(n), false) => Val::Num(*n),
                (_, false) => Val::Num(0.0),
            };
            if *veto {
                first_veto = false;
            }
            xml = set_cell(&xml, &format!("{}{r}", column(*c)), &value);
        }
        if !matches!(v, Verdict::Pass) {
            let d = Val::Text("截图1".into());
            xml = set_cell(&xml, &format!("{}{r}", column(col("问题描述"))), &d);
        }
        let who = Val::Text(checker.into());
        xml = set_cell(&xml, &format!("{}{r}", column(col("检查人"))), &who);
        let date = Val::Num(serial(2020, 3, 25));
        xml = set_cell(&xml, &format!("{}{r}", column(col("检查日期"))), &date);
    }
    parts.set_sheet_xml("检查表", xml);
    parts.write(dst);
}
