//! Issue #20, an export's shape as offices' systems write it: cells merged down over the rows of
//! one unit, a header over two rows, the county in a column of its own, notes and blank rows
//! around the table. Each file is written the way Excel or a platform writes it.

mod common;
use common::sichuan::{self, Export, HEADER, TITLE};
use common::Workdir;
use rust_xlsxwriter::{Format, Workbook, Worksheet};

/// Column positions in the platform's header ([`HEADER`]).
const OWNER: usize = 3;
const REGION: usize = sichuan::REGION;
const COUNTY: usize = 6;

/// registry.csv's columns: 开设主体, 地区, 状态, and the county column (the last).
const REG_OWNER: usize = 3;
const REG_REGION: usize = 5;
const REG_STATUS: usize = 7;

fn registry(w: &Workdir, campaign: &str) -> Vec<Vec<String>> {
    w.csv(&format!("{campaign}/registry.csv"))
}

/// The column of registry.csv headed `name`.
fn column(reg: &[Vec<String>], name: &str) -> usize {
    reg[0]
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}') == name)
        .unwrap_or_else(|| panic!("no column {name}: {:?}", reg[0]))
}

/// The registry.csv row of account `id`.
fn row<'a>(reg: &'a [Vec<String>], id: &str) -> &'a Vec<String> {
    reg.iter()
        .find(|r| r[0].trim_start_matches('\u{feff}') == id)
        .unwrap_or_else(|| panic!("no account {id}"))
}

/// Write data rows from sheet row `first` (0-based), skipping the cells of `covered` (row,
/// column): cells a merged range covers, which Excel leaves empty.
fn write_rows(ws: &mut Worksheet, first: u32, rows: &[Vec<String>], covered: &[(u32, u16)]) {
    for (r, cells) in rows.iter().enumerate() {
        let at = first + r as u32;
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() && !covered.contains(&(at, c as u16)) {
                ws.write_string(at, c as u16, v).unwrap();
            }
        }
    }
}

/// The export with 开设主体 and 所属市(州) merged down over three rows of one unit, eight times:
/// the workbook path and the rows each merged range covers (0-based sheet rows).
fn merged_export(w: &Workdir, e: &mut Export) -> Vec<(u32, u32)> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("备案台账").unwrap();
    let blank = Format::new();
    ws.merge_range(0, 0, 0, HEADER.len() as u16 - 1, TITLE, &blank)
        .unwrap();
    for (c, h) in e.header.iter().enumerate() {
        ws.write_string(1, c as u16, h).unwrap();
    }
    let mut ranges = Vec::new();
    let mut covered = Vec::new();
    for g in 0..8 {
        // Three accounts of one 县级 unit, as the platform lists them together.
        let base = 30 + 10 * g;
        let unit = e.rows[base].clone();
        for k in 1..3 {
            let r = &mut e.rows[base + k];
            r[OWNER] = unit[OWNER].clone();
            r[4] = unit[4].clone();
            r[REGION] = unit[REGION].clone();
            r[COUNTY] = unit[COUNTY].clone();
        }
        let (top, bottom) = (base as u32 + 2, base as u32 + 4);
        for col in [OWNER, REGION] {
            ws.merge_range(top, col as u16, bottom, col as u16, &unit[col], &blank)
                .unwrap();
            covered.extend([
                (top, col as u16),
                (top + 1, col as u16),
                (bottom, col as u16),
            ]);
        }
        ranges.push((top, bottom));
    }
    write_rows(ws, 2, &e.rows, &covered);
    wb.save(w.path("合并单元格.xlsx")).unwrap();
    ranges
}

/// 开设主体 and 所属市(州) merged down over the rows of one unit belong to every one of them:
/// all accounts import, with the owner and region of the range, and the summary says how many
/// ranges were filled. Before, the covered rows were refused "缺少 开设主体" (and the import,
/// over 5% refused, was refused whole).
#[test]
fn cells_merged_down_over_one_units_rows_belong_to_each_row() {
    let w = Workdir::new();
    let mut e = sichuan::export(120, 5);
    for r in 21..e.rows.len() {
        // 县级 units, so that 所属市(州) is required on every merged row.
        if e.rows[r][4] == "省级" || e.rows[r][4] == "市(州)级" {
            e.rows[r][4] = "县(市、区)级".into();
            if e.rows[r][COUNTY].is_empty() {
                e.rows[r][COUNTY] = e.rows[0][COUNTY].clone();
            }
            if e.rows[r][REGION].is_empty() || e.rows[r][REGION] == "省本级" {
                e.rows[r][REGION] = e.rows[0][REGION].clone();
            }
        }
    }
    let ranges = merged_export(&w, &mut e);
    w.run(&["import", "合并单元格.xlsx", "--campaign", "m"])
        .ok()
        .stdout_has("导入 120 个账号,拒收 0 行")
        .stdout_has("合并单元格: 数据区内 16 个纵向合并区域的值已填入区域内的每一行");
    let reg = registry(&w, "m");
    assert_eq!(reg.len(), 121);
    for (top, bottom) in ranges {
        let ids: Vec<String> = (top..=bottom)
            .map(|r| e.rows[r as usize - 2][sichuan::ID].clone())
            .collect();
        let owners: Vec<&str> = ids
            .iter()
            .map(|id| row(&reg, id)[REG_OWNER].as_str())
            .collect();
        assert!(!owners[0].is_empty());
        assert!(owners.iter().all(|o| *o == owners[0]), "{owners:?}");
        let regions: Vec<&str> = ids
            .iter()
            .map(|id| row(&reg, id)[REG_REGION].as_str())
            .collect();
        assert!(regions.iter().all(|o| *o == regions[0]), "{regions:?}");
    }
}

/// The upper header row of a two-row header, as the platform writes it: group headers merged
/// across their columns, and the columns with no sub-header merged down over both rows.
const UPPER: [&str; 12] = [
    "序号",
    "账号信息",
    "",
    "开设主体信息",
    "",
    "所属地区",
    "",
    "主体性质",
    "运行状态",
    "备案编号",
    "账号地址",
    "备案时间",
];

/// The lower header row: the sub-headers; empty under the columns merged down.
const LOWER: [&str; 12] = [
    "",
    "账号名称",
    "账号类型",
    "开设主体",
    "行政级别",
    "市(州)",
    "县(市、区)",
    "",
    "",
    "",
    "",
    "",
];

/// The export with a two-row header, as .xlsx with merged cells.
fn two_row_xlsx(e: &Export, path: &std::path::Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("备案台账").unwrap();
    let f = Format::new();
    ws.merge_range(0, 0, 0, 11, TITLE, &f).unwrap();
    for (c, h) in UPPER.iter().enumerate() {
        if LOWER[c].is_empty() {
            ws.merge_range(1, c as u16, 2, c as u16, h, &f).unwrap();
        }
    }
    for (first, last, h) in [
        (1u16, 2u16, "账号信息"),
        (3, 4, "开设主体信息"),
        (5, 6, "所属地区"),
    ] {
        ws.merge_range(1, first, 1, last, h, &f).unwrap();
    }
    for (c, h) in LOWER.iter().enumerate() {
        if !h.is_empty() {
            ws.write_string(2, c as u16, *h).unwrap();
        }
    }
    write_rows(ws, 3, &e.rows, &[]);
    wb.save(path).unwrap();
}

/// The export with a two-row header, as a CSV (UTF-8): the upper row's cells as written, the
/// lower row's empty under the columns named only above.
fn two_row_csv(e: &Export, path: &std::path::Path) {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    w.write_record([TITLE]).unwrap();
    w.write_record(UPPER).unwrap();
    w.write_record(LOWER).unwrap();
    for r in &e.rows {
        w.write_record(r).unwrap();
    }
    std::fs::write(path, w.into_inner().unwrap()).unwrap();
}

/// A header over two rows — group headers above (账号信息, 所属地区), sub-headers below, and
/// 运行状态/备案编号 merged down over both — is read as one header: the columns named only in
/// the upper row keep their names, so 已停更/已注销 accounts keep their status. Before, the
/// header row lost them. `profile init` reads the same header.
#[test]
fn a_two_row_header_keeps_the_columns_merged_over_both_rows() {
    let w = Workdir::new();
    let e = sichuan::export(300, 9);
    two_row_xlsx(&e, &w.path("两行表头.xlsx"));
    two_row_csv(&e, &w.path("两行表头.csv"));
    let stopped = e
        .rows
        .iter()
        .filter(|r| r[sichuan::STATUS] == "已停更")
        .count();
    let closed = e
        .rows
        .iter()
        .filter(|r| r[sichuan::STATUS] == "已注销")
        .count();
    assert!(stopped > 0 && closed > 0);
    for (file, campaign) in [("两行表头.xlsx", "x"), ("两行表头.csv", "c")] {
        w.run(&["import", file, "--campaign", campaign])
            .ok()
            .stdout_has("导入 300 个账号,拒收 0 行")
            .stdout_has("两行表头: 第 3 行中为空的表头取自上一行")
            .stdout_has("第 9 列 \"运行状态\"")
            .stdout_has("状态 ← \"运行状态\"");
        let reg = registry(&w, campaign);
        let n = |s: &str| reg[1..].iter().filter(|r| r[REG_STATUS] == s).count();
        assert_eq!((n("停更"), n("注销")), (stopped, closed), "{file}");
        assert_eq!(row(&reg, &e.rows[0][sichuan::ID])[1], e.rows[0][1]);
    }
    let draft = "画像.toml";
    w.run(&["profile", "init", "两行表头.xlsx", "--out", draft])
        .ok()
        .stdout_has("表头在第 3 行")
        .stdout_has("状态 ← \"运行状态\"");
    let text = w.read(draft);
    assert!(text.contains("\"运行状态\" = \"状态\""), "{text}");
    assert!(text.contains("\"备案编号\" = \"账号ID\""), "{text}");
}

/// A CSV with the county in a column of its own.
const COUNTY_CSV: &str = "\
账号ID,账号名称,类型,开设主体,层级,所属市(州),所属县(市、区)
p1,郫县发布,微信,郫县人民政府,县级,成都市,郫县
p2,城关镇发布,微信,城关镇人民政府,县级,凉山州,会理县
p3,城关镇发布,微信,城关镇人民政府,县级,绵阳市,三台县
p4,高新区发布,微信,成都高新区管委会,县级,成都市,高新区
p5,成都发布,微信,成都市人民政府,市级,成都市,
p6,四川发布,微信,四川省人民政府办公厅,省级,,
p7,郫都发布,微博,郫都区人民政府,县级,,郫县
";

/// 所属市(州) and 所属县(市、区) in two columns are read together: 成都 + 郫县 is 成都's 郫县 (now
/// 郫都区); two 城关镇 accounts in two counties are told apart by their county; a county the
/// data does not know (高新区) leaves the 市(州) to decide and is kept as written; a row with
/// only the county is placed by it. A profile maps an export's own county header. Before, the
/// county column was an unknown extra column and `[columns] "…" = "县(市、区)"` was refused.
#[test]
fn a_county_column_is_read_with_the_prefecture() {
    let w = Workdir::new();
    w.write("县列.csv", COUNTY_CSV);
    w.write(
        "县列2.csv",
        &COUNTY_CSV.replacen("所属县(市、区)", "区县名称", 1),
    );
    w.write(
        "画像.toml",
        "province = \"四川\"\n\n[columns]\n\"区县名称\" = \"县(市、区)\"\n",
    );
    let runs = [
        ("县列.csv", "a", vec!["--province", "四川"]),
        ("县列2.csv", "b", vec!["--profile", "画像.toml"]),
    ];
    for (file, campaign, extra) in runs {
        let mut args = vec!["import", file, "--campaign", campaign];
        args.extend(extra);
        w.run(&args)
            .ok()
            .stdout_has("导入 7 个账号,拒收 0 行")
            .stdout_has("县(市、区) ← \"");
        let reg = registry(&w, campaign);
        let county = column(&reg, "县(市、区)");
        let placed = |id: &str| {
            let r = row(&reg, id);
            (r[REG_REGION].clone(), r[county].clone())
        };
        assert_eq!(placed("p1"), ("成都".into(), "郫县（今郫都区）".into()));
        assert_eq!(placed("p7"), ("成都".into(), "郫县（今郫都区）".into()));
        let (r2, c2) = placed("p2");
        let (r3, c3) = placed("p3");
        assert_eq!((r2.as_str(), r3.as_str()), ("凉山州", "绵阳"));
        assert!(c2.starts_with("会理"), "{c2}");
        assert_eq!(c3, "三台县");
        assert_eq!(placed("p4"), ("成都".into(), "高新区".into()));
        assert_eq!(placed("p5"), ("成都".into(), String::new()));
        assert_eq!(placed("p6"), ("省本级".into(), String::new()));
    }
}

/// Rows around the table as an office's file has them: rows with no cell at all between the
/// accounts and before the 合计 row, and notes under the table (填报说明 merged across the
/// width, 制表人). The blank rows are counted; the notes are skipped and named, not refused;
/// only the 合计 row is listed. Before, the notes were refused "缺少必填值" and the blank rows
/// reported as "跳过空行 0 行".
#[test]
fn notes_under_the_table_are_skipped_and_blank_rows_counted() {
    let w = Workdir::new();
    let e = sichuan::export(60, 11);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("备案台账").unwrap();
    let f = Format::new();
    ws.merge_range(0, 0, 0, 11, TITLE, &f).unwrap();
    for (c, h) in e.header.iter().enumerate() {
        ws.write_string(1, c as u16, h).unwrap();
    }
    // Accounts from row 3, with no row at all at sheet rows 23 and 44.
    write_rows(ws, 2, &e.rows[..20], &[]);
    write_rows(ws, 23, &e.rows[20..40], &[]);
    write_rows(ws, 44, &e.rows[40..], &[]);
    // Row 65 left out too, then 合计 and the notes.
    ws.write_string(65, 0, "合计").unwrap();
    ws.write_string(65, 1, "60个").unwrap();
    let note = "填报说明：1.运行状态分正常运行、已停更、已关停、已注销；2.备案编号由平台生成。";
    ws.merge_range(66, 0, 66, 11, note, &f).unwrap();
    ws.write_string(67, 0, "制表人：张三      审核人：李四")
        .unwrap();
    wb.save(w.path("表尾.xlsx")).unwrap();
    w.run(&["import", "表尾.xlsx", "--campaign", "t"])
        .ok()
        // The rows read add up: 60 + 1 + 3 + 2 (a new user found one row unaccounted for).
        .stdout_has(
            "读取 66 行(表头在第 2 行),导入 60 个账号,拒收 1 行,跳过空行 3 行,表格下方说明 2 行",
        )
        .stdout_has("跳过表格下方的说明行 2 行(不是账号,不计入拒收): 第 67 行 \"填报说明")
        .stdout_has("第 68 行 \"制表人");
    w.run(&["status", "--campaign", "t"])
        .ok()
        .stdout_has("拒收 1 行");
    let rejects = w.read("t/rejects.csv");
    assert!(!rejects.contains("填报说明"), "{rejects}");
    assert!(rejects.contains("合计"), "{rejects}");
}

/// Township accounts of one name and type in two counties: the inspector's workbook says which
/// county each one is in, beside the note that the name repeats.
#[test]
fn same_name_accounts_in_an_inspectors_workbook_name_their_county() {
    let w = Workdir::new();
    w.write("县列.csv", COUNTY_CSV);
    w.run(&[
        "import",
        "县列.csv",
        "--campaign",
        "2021Q1",
        "--province",
        "四川",
    ])
    .ok();
    common::sample_all_one_sheet(&w, "2021Q1", &[]);
    let book = std::fs::read_dir(w.path("2021Q1/sheets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .find(|n| n.ends_with(".xlsx"))
        .expect("a workbook");
    let rows = common::sheet_rows(&w, &format!("2021Q1/sheets/{book}"));
    let notes: Vec<String> = rows
        .iter()
        .filter(|r| r[0] == "p2" || r[0] == "p3")
        .map(|r| {
            r.iter()
                .find(|c| c.contains("同名同类型"))
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(notes.len(), 2, "{rows:?}");
    assert!(
        notes.iter().any(|n| n.contains("本账号属 凉山州 会理")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("本账号属 绵阳 三台县")),
        "{notes:?}"
    );
}
