//! The parts of an .xlsx found as calamine finds them, so that the guard checks (and takes the
//! merged ranges of) exactly the parts calamine will read: a part is looked up with its name
//! compared ignoring ASCII case and `\` read as `/` (calamine's `path_to_zip_path`), and a
//! sheet's part is its relationship's Target under `xl/` unless it already begins with `xl/` or
//! `/xl/`. A sheet whose entry is named `Sheet1.XML`, or has no extension at all, is still a
//! sheet calamine reads; a part no relationship names (customXml, docProps) is never read.

use quick_xml::events::Event;
use std::io::{Read, Seek};
use zip::ZipArchive;

/// The workbook part and its relationships: where the sheets are listed.
pub const WORKBOOK: &str = "xl/workbook.xml";
/// The workbook's relationships: each sheet's part.
pub const WORKBOOK_RELS: &str = "xl/_rels/workbook.xml.rels";

/// A sheet of an .xlsx: its name, whether it is visible, and its part's path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetPart {
    /// The sheet's name, as calamine lists it.
    pub name: String,
    /// No `state`, or `state="visible"`.
    pub visible: bool,
    /// The part's path as calamine resolves the relationship's Target.
    pub part: String,
}

/// A part path as compared: `\` read as `/`, ASCII lower-cased.
pub fn key(path: &str) -> String {
    path.replace('\\', "/").to_ascii_lowercase()
}

/// The name of the zip entry calamine opens for `path`, if there is one.
pub fn entry_name<R: Read + Seek>(zip: &ZipArchive<R>, path: &str) -> Option<String> {
    let wanted = key(path);
    zip.file_names()
        .find(|n| key(n) == wanted)
        .map(str::to_string)
}

/// The workbook's sheets in order, each with its part; None when the workbook or its
/// relationships cannot be read here (then calamine cannot find the sheets either, or the caller
/// must not rely on this list).
pub fn sheets<R: Read + Seek>(zip: &mut ZipArchive<R>) -> Option<Vec<SheetPart>> {
    let workbook = small_part(zip, WORKBOOK)?;
    let rels = small_part(zip, WORKBOOK_RELS)?;
    let targets = elements(&rels, b"Relationship", &["Id", "Target"])?;
    let listed = elements(
        &workbook,
        b"sheet",
        &["name", "state", "r:id", "relationships:id"],
    )?;
    let mut out = Vec::with_capacity(listed.len());
    for a in listed {
        let id = if a[2].is_empty() { &a[3] } else { &a[2] };
        let target = &targets.iter().find(|t| &t[0] == id)?[1];
        out.push(SheetPart {
            visible: a[1].is_empty() || a[1] == "visible",
            name: a[0].clone(),
            part: resolve(target),
        });
    }
    Some(out)
}

/// The sheet named `sheet`, or the first visible one, as the reader chooses it.
pub fn chosen<'a>(sheets: &'a [SheetPart], sheet: Option<&str>) -> Option<&'a SheetPart> {
    sheets.iter().find(|s| match sheet {
        Some(name) => s.name == name,
        None => s.visible,
    })
}

/// A relationship's Target as calamine makes it a path.
fn resolve(target: &str) -> String {
    if let Some(rest) = target.strip_prefix("/xl/") {
        format!("xl/{rest}")
    } else if target.starts_with("xl/") {
        target.to_string()
    } else {
        format!("xl/{target}")
    }
}

/// A small part's text (the workbook and its relationships), found as calamine finds it; None
/// past 16 MB (the guard has checked it holds no giant token).
pub(super) fn small_part<R: Read + Seek>(zip: &mut ZipArchive<R>, path: &str) -> Option<String> {
    let name = entry_name(zip, path)?;
    let entry = zip.by_name(&name).ok()?;
    let mut bytes = Vec::new();
    entry.take(16 << 20).read_to_end(&mut bytes).ok()?;
    // A part declaring another encoding (GBK) is decoded, as calamine's quick-xml decodes it.
    let (encoding, bom) = super::xml_scan::part_encoding(&bytes);
    let (text, malformed) = encoding.decode_without_bom_handling(&bytes[bom..]);
    (!malformed).then(|| text.into_owned())
}

/// The attributes `names` (by qualified name) of every element `tag` (by local name), in order;
/// an attribute absent is empty. None when the XML is malformed: a partial list would hide a
/// sheet from the guard.
fn elements(xml: &str, tag: &[u8], names: &[&str]) -> Option<Vec<Vec<String>>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == tag => {
                let mut values = vec![String::new(); names.len()];
                for a in e.attributes().flatten() {
                    let key = String::from_utf8_lossy(a.key.as_ref()).to_string();
                    if let Some(i) = names.iter().position(|n| *n == key) {
                        values[i] = a
                            .decode_and_unescape_value(reader.decoder())
                            .map(|v| v.to_string())
                            .unwrap_or_default();
                    }
                }
                out.push(values);
            }
            Event::Eof => return Some(out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_as_calamine_resolves_them() {
        assert_eq!(resolve("worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(resolve("/xl/worksheets/s.xml"), "xl/worksheets/s.xml");
        assert_eq!(resolve("xl/worksheets/s.xml"), "xl/worksheets/s.xml");
        assert_eq!(resolve("/other/s.xml"), "xl//other/s.xml");
        assert_eq!(
            key("xl\\Worksheets\\Sheet1.XML"),
            "xl/worksheets/sheet1.xml"
        );
    }

    #[test]
    fn sheets_come_with_their_parts_and_visibility() {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let o = zip::write::SimpleFileOptions::default();
            w.start_file("XL/Workbook.xml", o).unwrap();
            std::io::Write::write_all(
                &mut w,
                br#"<workbook><sheets><sheet name="Notes" state="hidden" r:id="rId2"/><sheet name="A&amp;B" r:id="rId1"/></sheets></workbook>"#,
            )
            .unwrap();
            w.start_file("xl\\_rels\\workbook.xml.rels", o).unwrap();
            std::io::Write::write_all(
                &mut w,
                br#"<Relationships><Relationship Id="rId1" Target="worksheets/Sheet1.XML"/><Relationship Id="rId2" Target="/xl/worksheets/notes"/></Relationships>"#,
            )
            .unwrap();
            w.finish().unwrap();
        }
        let mut zip = ZipArchive::new(std::io::Cursor::new(buf.into_inner())).unwrap();
        let sheets = sheets(&mut zip).unwrap();
        assert_eq!(sheets.len(), 2);
        assert_eq!(sheets[0].part, "xl/worksheets/notes");
        assert!(!sheets[0].visible);
        let first = chosen(&sheets, None).unwrap();
        assert_eq!(
            (first.name.as_str(), first.part.as_str()),
            ("A&B", "xl/worksheets/Sheet1.XML")
        );
        assert_eq!(chosen(&sheets, Some("Notes")).unwrap().name, "Notes");
        assert!(chosen(&sheets, Some("Other")).is_none());
    }
}
