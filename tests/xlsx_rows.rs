//! Our .xlsx reader (`formats::xlsx_rows`) against calamine's cell reader, the rules it was
//! written to keep: the same rows from a workbook of every cell shape, and a refusal wherever
//! calamine fails. `tests/fuzz.rs` compares the two on thousands of mutated workbooks too.

#[path = "../examples/fuzz_readers.rs"]
#[allow(unused)]
mod fuzz_readers;

use fuzz_readers::{calamine_rows, our_rows, variety_xlsx, xlsx_with, Rows};

/// Write `bytes` as an .xlsx and read it with both readers.
fn both(bytes: &[u8]) -> (Result<Rows, String>, Result<Rows, String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let theirs = std::panic::catch_unwind(|| calamine_rows(bytes))
        .unwrap_or(Err("calamine panicked".into()));
    (our_rows(&path), theirs)
}

/// The text of the cell at 1-based `row`, 0-based `col`.
fn cell(rows: &Rows, row: u32, col: usize) -> &str {
    rows.iter()
        .find(|(n, _)| *n == row)
        .and_then(|(_, cells)| cells.get(col))
        .map_or("", String::as_str)
}

#[test]
fn every_cell_shape_reads_as_calamine_reads_it() {
    let (ours, theirs) = both(&variety_xlsx());
    let ours = ours.unwrap();
    assert_eq!(ours, theirs.unwrap());
    let expected = [
        (1, 0, "开设主体"),
        (1, 1, "江苏省 政务"),
        (1, 3, "前缀"),
        (1, 4, "A\nB"),
        (2, 0, "42"),
        (2, 3, "2024-01-01"),
        (3, 0, "-0.5"),
        (3, 1, "TRUE"),
        (3, 2, "FALSE"),
        (3, 3, ""),
        (3, 4, "合计"),
        (3, 5, ""),
        (4, 0, "内联"),
        (4, 1, "富文本"),
        (4, 2, "2024-01-02T00:00:00"),
        (4, 4, "12"),
        (4, 5, ""),
        (5, 1, "8"),
        (7, 1, "line1\nline2"),
        (8, 0, "A\nB"),
        (8, 3, "开设主体"),
        (8, 4, "abc"),
    ];
    for (row, col, text) in expected {
        assert_eq!(cell(&ours, row, col), text, "row {row} column {col}");
    }
}

/// A sheet part of the given rows.
fn sheet(rows: &str) -> String {
    format!("<worksheet><sheetData>{rows}</sheetData></worksheet>")
}

#[test]
fn what_calamine_refuses_is_refused_and_named() {
    let shared = Some("<sst><si><t>a</t></si></sst>");
    let cases = [
        (
            sheet(r#"<row r="1"><c r="A1" t="x"><v>1</v></c></row>"#),
            "t=\"x\"",
        ),
        (
            sheet(r#"<row r="1"><c r="A1" t="n"><v>1,5</v></c></row>"#),
            "1,5",
        ),
        (
            sheet(r#"<row r="1"><c r="A1" t="e"><v>OOPS</v></c></row>"#),
            "OOPS",
        ),
        (
            sheet(r#"<row r="1"><c r="A1" t="s"><v>9</v></c></row>"#),
            "共享字符串编号 9",
        ),
        (sheet(r#"<row r="1"><c r="A1"><x/></c></row>"#), "<x>"),
        (sheet(r#"<row r="1"><c r="1"><v>1</v></c></row>"#), "列字母"),
        (
            "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v>".into(),
            "第 1 行",
        ),
    ];
    for (xml, named) in cases {
        let (ours, theirs) = both(&xlsx_with(&xml, shared, None));
        assert!(theirs.is_err(), "calamine read {xml}");
        let err = ours.expect_err(&xml);
        assert!(err.contains(named), "{err} (expected it to name {named})");
        assert!(err.contains("book.xlsx") && err.contains("Sheet1"), "{err}");
    }
}

#[test]
fn a_chart_sheet_or_an_encrypted_file_is_named_for_what_it_is() {
    let (ours, theirs) = both(&xlsx_with(
        "<chartsheet><drawing/></chartsheet>",
        None,
        None,
    ));
    assert!(theirs.is_err());
    assert!(ours.unwrap_err().contains("根元素 <chartsheet>"));
    // An encrypted workbook is an OLE container whose directory has an EncryptedPackage
    // stream: a 128-byte entry, the name in UTF-16 padded to 64 bytes, then its length (34).
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(1024, 0);
    ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    ole.resize(1024 + 64, 0);
    ole.extend([34, 0]);
    ole.resize(4096, 0);
    let (ours, _) = both(&ole);
    let err = ours.unwrap_err();
    assert!(
        err.contains("文件设有打开密码") && err.contains("取消密码"),
        "{err}"
    );
    assert!(!err.contains("损坏"), "{err}");
    // The same words in a cell's text (not a directory entry) are no encryption.
    let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    xls.resize(1030, 0);
    xls.extend(
        "EncryptedPackage 入口"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    xls.resize(4096, 0);
    let (ours, _) = both(&xls);
    assert!(!ours.unwrap_err().contains("打开密码"));
}

/// The text of `sheet`'s cell A1 as our reader gives it, with the styles and workbook given.
fn a1(cell: &str, styles: Option<&str>) -> Result<String, String> {
    let xml = sheet(&format!(r#"<row r="1">{cell}</row>"#));
    let (ours, _) = both(&xlsx_with(&xml, None, styles));
    Ok(cell_text(&ours?))
}

fn cell_text(rows: &Rows) -> String {
    cell(rows, 1, 0).to_string()
}

#[test]
fn where_we_read_better_than_calamine() {
    // Excel 365's newer error values are values, not damage.
    for e in ["#SPILL!", "#CALC!", "#DATA!"] {
        let got = a1(&format!(r#"<c r="A1" t="e"><v>{e}</v></c>"#), None);
        assert_eq!(got, Ok(String::new()), "{e}");
    }
    // The built-in 年月日 format Chinese Excel writes (31) is a date.
    let styles =
        r#"<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="31"/></cellXfs></styleSheet>"#;
    assert_eq!(
        a1(r#"<c r="A1" s="1"><v>43466</v></c>"#, Some(styles)),
        Ok("2019-01-01".into())
    );
}

#[test]
fn a_1904_workbook_reads_the_dates_it_shows() {
    let xml =
        sheet(r#"<row r="1"><c r="A1" s="1"><v>41639</v></c><c r="B1"><v>41639</v></c></row>"#);
    let styles =
        r#"<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>"#;
    let book = xlsx_with(&xml, None, Some(styles));
    let book = fuzz_readers::with_part(
        &book,
        "xl/workbook.xml",
        r#"<workbook xmlns:r="r"><workbookPr date1904="1"/><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    );
    let (ours, theirs) = both(&book);
    let ours = ours.unwrap();
    assert_eq!(ours, theirs.unwrap());
    // 41639 days after 1904-01-01 is 2018-01-01 (it would be 2013-12-31 counted from 1900);
    // a plain number stays the number.
    assert_eq!(ours[0].1, ["2018-01-01", "41639"]);
}

#[test]
fn a_part_declared_gbk_and_an_xlsx_named_xls_are_read() {
    let text = sheet(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>江苏发布</t></is></c></row>"#);
    let decl = format!("<?xml version=\"1.0\" encoding=\"GBK\"?>{text}");
    let (gbk, _, _) = encoding_rs::GBK.encode(&decl);
    let book = xlsx_with("", None, None);
    let book = fuzz_readers::with_part_bytes(&book, "xl/worksheets/sheet1.xml", &gbk);
    let (ours, theirs) = both(&book);
    assert_eq!(ours.clone().unwrap(), theirs.unwrap());
    assert_eq!(cell_text(&ours.unwrap()), "江苏发布");
    // Saved with the wrong extension, it is read as what its bytes are.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xls");
    std::fs::write(&path, &book).unwrap();
    assert_eq!(cell_text(&our_rows(&path).unwrap()), "江苏发布");
}

#[test]
fn rows_without_cells_and_an_empty_sheet() {
    let xml = sheet(r#"<row r="2"/><row r="3"><c r="C3"><v>5</v></c></row><row r="4"></row>"#);
    let (ours, theirs) = both(&xlsx_with(&xml, None, None));
    assert_eq!(ours.clone().unwrap(), theirs.unwrap());
    assert_eq!(
        ours.unwrap(),
        vec![(3, vec![String::new(), String::new(), "5".into()])]
    );
    let (ours, theirs) = both(&xlsx_with(
        "<worksheet><sheetData/></worksheet>",
        None,
        None,
    ));
    assert_eq!(ours.unwrap(), theirs.unwrap());
}
