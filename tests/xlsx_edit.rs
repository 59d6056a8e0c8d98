//! The test helper that edits workbooks (tests/common/xlsx_edit.rs): what it writes is a
//! workbook calamine reads back with the values and types set, and nothing else changes.

mod common;
use calamine::{open_workbook_auto, Data, Reader};
use common::xlsx_edit::Workbook;
use common::xlsx_edit::{date, formula, Value};
use common::Workdir;
use std::io::Read;

/// A small workbook as our tool writes them: a header, two accounts with a styled input area,
/// a hidden key/value sheet, shared strings.
fn book(w: &Workdir) -> std::path::PathBuf {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let input = Format::new().set_unlocked();
    let day = Format::new().set_num_format("yyyy-mm-dd").set_unlocked();
    let s = wb.add_worksheet().set_name("检查表").unwrap();
    for (c, h) in [
        "账号ID",
        "名称",
        "V1 严重表述错误",
        "D1 开设不规范",
        "检查日期",
    ]
    .iter()
    .enumerate()
    {
        s.write_string(0, c as u16, *h).unwrap();
    }
    for (r, id) in ["A1", "A2"].iter().enumerate() {
        let r = r as u32 + 1;
        s.write_string(r, 0, *id).unwrap();
        s.write_string(r, 1, "江苏发布").unwrap();
        s.write_blank(r, 2, &input).unwrap();
        s.write_blank(r, 3, &input).unwrap();
        s.write_blank(r, 4, &day).unwrap();
    }
    s.protect();
    let m = wb.add_worksheet().set_name("_audit").unwrap();
    m.write_string(0, 0, "项目").unwrap();
    m.write_string(0, 1, "c").unwrap();
    m.write_string(1, 0, "检查人").unwrap();
    m.write_string(1, 1, "检查员01").unwrap();
    m.set_hidden(true);
    let path = w.path("book.xlsx");
    wb.save(&path).unwrap();
    path
}

fn range(w: &Workdir, file: &str, sheet: &str) -> calamine::Range<Data> {
    let mut wb = open_workbook_auto(w.path(file)).unwrap();
    wb.worksheet_range(sheet).unwrap()
}

fn parts(w: &Workdir, file: &str) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(w.path(file)).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().to_string(), b)
        })
        .collect()
}

#[test]
fn values_of_every_kind_read_back_with_their_types() {
    let w = Workdir::new();
    book(&w);
    w.fill("book.xlsx", "out.xlsx")
        .set("A1", "V1", "是")
        .set("A1", "D1", 3)
        .set("A1", "检查日期", date("2020-03-25"))
        .set("A2", "V1", true)
        .set("A2", "D1", 2.5)
        .set("A2", "检查日期", "2020年3月26日")
        .cell(1, 8, " 前后有空格 ")
        .save();
    let r = range(&w, "out.xlsx", "检查表");
    assert_eq!(r.get((1, 2)), Some(&Data::String("是".into())));
    assert_eq!(r.get((1, 3)), Some(&Data::Float(3.0)));
    match r.get((1, 4)) {
        Some(Data::DateTime(d)) => assert_eq!(
            d.as_datetime().unwrap().date(),
            chrono::NaiveDate::from_ymd_opt(2020, 3, 25).unwrap()
        ),
        other => panic!("a date cell, not {other:?}"),
    }
    assert_eq!(r.get((2, 2)), Some(&Data::Bool(true)));
    assert_eq!(r.get((2, 3)), Some(&Data::Float(2.5)));
    assert_eq!(r.get((2, 4)), Some(&Data::String("2020年3月26日".into())));
    assert_eq!(r.get((0, 7)), Some(&Data::String(" 前后有空格 ".into())));
    // The identity cells and the other sheet are as they were.
    assert_eq!(r.get((1, 1)), Some(&Data::String("江苏发布".into())));
    let m = range(&w, "out.xlsx", "_audit");
    assert_eq!(m.get((1, 1)), Some(&Data::String("检查员01".into())));
    // The parts not edited keep their bytes; the styles gained no date style (the cell had one).
    let (before, after) = (parts(&w, "book.xlsx"), parts(&w, "out.xlsx"));
    assert_eq!(
        before.iter().map(|p| &p.0).collect::<Vec<_>>(),
        after.iter().map(|p| &p.0).collect::<Vec<_>>()
    );
    for ((name, a), (_, b)) in before.iter().zip(&after) {
        let edited = name.contains("sheet1.xml") || name.contains("sharedStrings");
        assert_eq!(a == b, !edited, "{name}");
    }
}

#[test]
fn a_date_in_a_cell_without_a_date_style_gets_one() {
    let w = Workdir::new();
    book(&w);
    w.fill("book.xlsx", "out.xlsx")
        .set("A1", "名称", date("2021-01-02"))
        .cell(5, 1, date("2021-01-03"))
        .save();
    let r = range(&w, "out.xlsx", "检查表");
    for at in [(1, 1), (4, 0)] {
        assert!(
            matches!(r.get(at), Some(Data::DateTime(_))),
            "{at:?}: {:?}",
            r.get(at)
        );
    }
}

#[test]
fn cleared_deleted_added_and_formula_cells() {
    let w = Workdir::new();
    book(&w);
    w.fill("book.xlsx", "a.xlsx").all_pass("2020-03-25").save();
    w.fill("a.xlsx", "out.xlsx")
        .set("A1", "V1", "")
        .set("A2", "D1", formula("=1+1"))
        .delete("A1")
        .add_row("NEW")
        .save();
    let r = range(&w, "out.xlsx", "检查表");
    let ids: Vec<String> = r.rows().skip(1).map(|x| x[0].to_string()).collect();
    assert_eq!(ids, ["A2", "NEW"]);
    assert_eq!(r.get((1, 2)), Some(&Data::String("否".into())));
    assert_eq!(r.get((1, 3)), Some(&Data::Empty), "a formula with no value");
    let mut wb = open_workbook_auto(w.path("out.xlsx")).unwrap();
    let f = wb.worksheet_formula("检查表").unwrap();
    assert_eq!(f.get_value((1, 3)).map(String::as_str), Some("1+1"));
    // A cleared cell has no value; the filled ones keep theirs.
    let a = range(&w, "a.xlsx", "检查表");
    assert_eq!(a.get((1, 3)), Some(&Data::Float(0.0)));
    w.fill("a.xlsx", "cleared.xlsx")
        .set("A1", "V1", "")
        .set("A1", "检查日期", Value::Empty)
        .save();
    let c = range(&w, "cleared.xlsx", "检查表");
    assert_eq!(c.get((1, 2)), Some(&Data::Empty));
    assert_eq!(c.get((1, 4)), Some(&Data::Empty));
    assert_eq!(c.get((1, 3)), Some(&Data::Float(0.0)));
}

#[test]
fn fill_blank_keeps_answers_and_meta_edits_the_hidden_sheet() {
    let w = Workdir::new();
    book(&w);
    w.fill("book.xlsx", "a.xlsx").set("A1", "V1", "是").save();
    w.fill("a.xlsx", "b.xlsx")
        .fill_blank("2020-03-25")
        .meta("检查人", "检查员02")
        .sheet_cell("_audit", 3, 1, "新键")
        .save();
    let r = range(&w, "b.xlsx", "检查表");
    assert_eq!(r.get((1, 2)), Some(&Data::String("是".into())));
    assert_eq!(r.get((2, 2)), Some(&Data::String("否".into())));
    let m = range(&w, "b.xlsx", "_audit");
    assert_eq!(m.get((1, 1)), Some(&Data::String("检查员02".into())));
    assert_eq!(m.get((2, 0)), Some(&Data::String("新键".into())));
    assert_eq!(
        Workbook::open(&w.path("b.xlsx")).sheet_names(),
        ["检查表", "_audit"]
    );
}

#[test]
fn inline_strings_and_a_far_cell() {
    let w = Workdir::new();
    book(&w);
    w.fill("book.xlsx", "out.xlsx")
        .inline_strings()
        .set("A2", "V1", "否 & <是>")
        .cell(1_048_576, 16_384, "x")
        .save();
    let mut wb = Workbook::open(&w.path("out.xlsx"));
    assert_eq!(wb.get("检查表", 3, 3).as_deref(), Some("否 & <是>"));
    assert_eq!(wb.max_row("检查表"), 1_048_576);
    // Streamed (a range would be dense): the far cell is there, the others read back.
    let mut cal: calamine::Xlsx<_> = calamine::open_workbook(w.path("out.xlsx")).unwrap();
    let mut cells = cal.worksheet_cells_reader("检查表").unwrap();
    let mut seen = Vec::new();
    while let Some(c) = cells.next_cell().unwrap() {
        seen.push((
            c.get_position(),
            Data::from(c.get_value().clone()).to_string(),
        ));
    }
    assert!(seen.contains(&((1_048_575, 16_383), "x".to_string())));
    assert!(seen.contains(&((2, 2), "否 & <是>".to_string())));
}

#[test]
fn each_save_is_later_than_the_one_before() {
    let w = Workdir::new();
    book(&w);
    let mut last = None;
    for i in 0..5 {
        let name = format!("s{i}.xlsx");
        w.fill("book.xlsx", &name).save();
        let t = common::xlsx_edit::saved_at(&w.path(&name));
        assert!(last.is_none_or(|l| t > l), "save {i}");
        last = Some(t);
    }
}
