//! Hostile and odd registry files (issue #9): each is generated here, a few KB, and must give a
//! clear result or a clear error, never a panic and never a silent misreading.

mod common;
use common::Workdir;
use rust_xlsxwriter::{Format, Workbook};

const HEADER: [&str; 6] = ["账号ID", "名称", "类型", "开设主体", "层级", "地区"];

fn write_rows(ws: &mut rust_xlsxwriter::Worksheet, header: &[&str], rows: &[[&str; 6]]) {
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
}

#[test]
fn a_hidden_stale_sheet_is_skipped() {
    let w = Workdir::new();
    let mut wb = Workbook::new();
    let stale = wb.add_worksheet().set_name("旧台账").unwrap();
    write_rows(
        stale,
        &HEADER,
        &[["OLD1", "旧账号", "微信", "某局", "市级", "南京"]],
    );
    stale.set_hidden(true);
    let cur = wb.add_worksheet().set_name("台账").unwrap();
    write_rows(
        cur,
        &HEADER,
        &[["NEW1", "新账号", "微信", "某局", "市级", "南京"]],
    );
    cur.set_active(true);
    wb.save(w.path("hidden.xlsx")).unwrap();
    w.run(&["import", "hidden.xlsx", "--campaign", "c"])
        .ok()
        .stdout_has("工作表 \"台账\"");
    assert!(w.read("c/registry.csv").contains("NEW1"));
    assert!(!w.read("c/registry.csv").contains("OLD1"));
    // Named, a hidden sheet is read.
    w.run(&[
        "import",
        "hidden.xlsx",
        "--campaign",
        "d",
        "--sheet",
        "旧台账",
    ])
    .ok();
    assert!(w.read("d/registry.csv").contains("OLD1"));
}

#[test]
fn account_id_wins_over_a_serial_number_column() {
    let w = Workdir::new();
    std::fs::write(
        w.path("r.csv"),
        "编号,名称,类型,开设主体,层级,地区,账号ID\n1,甲,微信,某局,市级,南京,JS-A\n2,乙,微博,某局,市级,南京,JS-B\n",
    )
    .unwrap();
    w.run(&["import", "r.csv", "--campaign", "c"])
        .ok()
        .stdout_has("账号ID 取自列 \"账号ID\"");
    let reg = w.csv("c/registry.csv");
    assert_eq!(reg[1][0], "JS-A");
    // The serial column is kept, as an extra column.
    assert!(reg[0].contains(&"编号".to_string()));
}

#[test]
fn ids_excel_has_already_rounded_are_rejected() {
    let w = Workdir::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    write_rows(
        ws,
        &HEADER,
        &[["JS1", "甲", "微信", "某局", "市级", "南京"]],
    );
    // An 18-digit code typed into a number cell: Excel keeps 15 digits.
    ws.write_number(2, 0, 110101199003077777.0).unwrap();
    for (c, v) in ["乙", "微信", "某局", "市级", "南京"].iter().enumerate() {
        ws.write_string(2, c as u16 + 1, *v).unwrap();
    }
    wb.save(w.path("ids.xlsx")).unwrap();
    w.run(&["import", "ids.xlsx", "--campaign", "c"])
        .ok()
        .stderr_has("第 3 行: 编号超过15位数字,Excel 已丢失精度,请把该列设为文本后重新导出");
    assert_eq!(w.csv("c/registry.csv").len(), 2);
    // The same in a CSV Excel saved: scientific notation.
    std::fs::write(
        w.path("sci.csv"),
        "账号ID,名称,类型,开设主体,层级,地区\n1.10101E+17,甲,微信,某局,市级,南京\nJS2,乙,微信,某局,市级,南京\n",
    )
    .unwrap();
    w.run(&["import", "sci.csv", "--campaign", "d"])
        .ok()
        .stderr_has("第 2 行: 编号超过15位数字");
}

#[test]
fn an_over_long_cell_is_a_rejected_row() {
    let w = Workdir::new();
    let long = "长".repeat(32_768);
    std::fs::write(
        w.path("long.csv"),
        format!("账号ID,名称,类型,开设主体,层级,地区\nA1,{long},微信,某局,市级,南京\nA2,乙,微信,某局,市级,南京\n"),
    )
    .unwrap();
    w.run(&["import", "long.csv", "--campaign", "c"])
        .ok()
        .stderr_has("第 2 行: 第 2 列超过 Excel 单元格上限 32767 个字符,无法写入检查表");
    // What was imported can be written into workbooks.
    w.run(&["sample", "--campaign", "c", "--rate", "1", "--seed", "1"])
        .ok();
    w.run(&["sheet", "--campaign", "c"]).ok();
}

#[test]
fn a_huge_number_in_a_date_cell_is_text_not_a_crash() {
    let w = Workdir::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let mut header = HEADER.to_vec();
    header.push("备案日期");
    write_rows(ws, &header, &[["A1", "甲", "微信", "某局", "市级", "南京"]]);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    ws.write_number_with_format(1, 6, 1.0e12, &date).unwrap();
    wb.save(w.path("date.xlsx")).unwrap();
    w.run(&["import", "date.xlsx", "--campaign", "c"]).ok();
    let reg = w.csv("c/registry.csv");
    assert!(reg[1].contains(&"1000000000000".to_string()), "{reg:?}");
}

#[test]
fn a_csv_with_one_gbk_line_is_blamed_on_that_line() {
    let w = Workdir::new();
    let mut bytes = "账号ID,名称,类型,开设主体,层级,地区\nA1,甲,微信,某局,市级,南京\nA2,乙,微信,某局,市级,南京\n"
        .as_bytes()
        .to_vec();
    let (gbk, _, _) = encoding_rs::GBK.encode("A3,丙,微信,某局,市级,南京\n");
    bytes.extend_from_slice(&gbk);
    std::fs::write(w.path("mixed.csv"), bytes).unwrap();
    w.run(&["import", "mixed.csv", "--campaign", "c"])
        .fails()
        .stderr_has("mixed.csv: CSV 不是 UTF-8 编码,第 4 行附近无法解码");
    assert!(!w.exists("c"));
}

#[cfg(unix)]
#[test]
fn a_report_folder_that_is_a_link_loop_is_named() {
    let w = Workdir::new();
    std::fs::write(
        w.path("reg.csv"),
        "账号ID,名称,类型,开设主体,层级,地区\nA1,甲,微信,某局,市级,南京\n",
    )
    .unwrap();
    w.run(&["import", "reg.csv", "--campaign", "c"]).ok();
    w.run(&["sample", "--campaign", "c", "--rate", "1", "--seed", "1"])
        .ok();
    w.run(&["sheet", "--campaign", "c"]).ok();
    std::os::unix::fs::symlink(w.path("loop"), w.path("loop")).unwrap();
    w.run(&[
        "report",
        "--campaign",
        "c",
        "--out",
        "loop",
        "--allow-incomplete",
        "--force",
    ])
    .fails()
    .stderr_has("loop 是一个无法解析的链接(指向不存在的位置,或循环指向自身)");
}
