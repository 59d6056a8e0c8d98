mod common;
use common::Workdir;

#[test]
fn title_rows_type_variants_full_width_duplicates_and_footer() {
    let w = Workdir::new();
    w.copy_fixture("title_rows.xlsx");
    // 4 of 17 account rows are refused on purpose: above the 5% that refuses a whole file.
    let r = w.run(&[
        "import",
        "title_rows.xlsx",
        "--campaign",
        "c",
        "--max-rejects",
        "30",
    ]);
    r.ok()
        .stdout_has("读取 19 行(表头在第 3 行),导入 13 个账号,拒收 5 行,跳过空行 1 行")
        .stderr_has(
            "警告: 5 行被拒收(合计/总计行 1 行,类型无法识别 1 行,缺少必填值 1 行,账号ID重复 2 行)",
        );
    let reg = w.csv("c/registry.csv");
    let get = |id: &str| {
        reg.iter()
            .find(|r| r[0] == id)
            .unwrap_or_else(|| panic!("{id} missing"))
            .clone()
    };
    // Type variants.
    for (id, t) in [
        ("JS001", "微信"),
        ("JS002", "微信"),
        ("JS003", "微信"),
        ("JS004", "微信"),
        ("JS005", "微博"),
        ("JS006", "微博"),
        ("JS007", "移动客户端"),
        ("JS008", "移动客户端"),
        ("JS009", "移动客户端"),
        ("JS010", "其他"),
        ("JS011", "其他"),
    ] {
        assert_eq!(get(id)[2], t, "{id}");
    }
    // Originals kept; 其他 keeps its platform.
    assert_eq!(get("JS001")[9], "微信公众号");
    assert_eq!(get("JS010")[8], "抖音");
    // Levels and regions.
    assert_eq!(get("JS001")[4], "省级");
    assert_eq!(get("JS001")[5], "省本级");
    assert_eq!(get("JS006")[4], "县级");
    assert_eq!(get("JS003")[5], "南京");
    // Full-width spaces trimmed, full-width id folded; numeric id without ".0".
    let fw = get("JS012");
    assert_eq!(
        (fw[1].as_str(), fw[3].as_str()),
        ("泰州发布", "泰州市人民政府")
    );
    assert_eq!(get("320100")[1], "数字编号账号");
    // The county column, then extra columns kept verbatim, in order.
    assert_eq!(
        reg[0][14..],
        [
            "县(市、区)".to_string(),
            "序号".to_string(),
            "备注".to_string()
        ]
    );
    assert_eq!(get("JS001")[16], "政府门户");
    // Rejects name the file, sheet, row and reason; both duplicate copies are rejected.
    let rej = w.csv("c/rejects.csv");
    let rows: Vec<(String, String, String)> = rej[1..]
        .iter()
        .map(|r| (r[2].clone(), r[3].clone(), r[1].clone()))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("17".into(), "账号ID重复".into(), "台账".into()),
            ("18".into(), "账号ID重复".into(), "台账".into()),
            ("20".into(), "类型无法识别".into(), "台账".into()),
            ("21".into(), "缺少必填值".into(), "台账".into()),
            ("22".into(), "合计/总计行".into(), "台账".into()),
        ]
    );
    assert!(rej[1][0].ends_with("title_rows.xlsx"));
    // Manifest.
    let m = w.read("c/campaign.toml");
    assert!(
        m.contains("imported = 13") && m.contains("rejected = 5") && m.contains("header_row = 3"),
        "{m}"
    );
    assert!(m.contains("source_sha256 = \""));
}

#[test]
#[ignore = "needs LibreOffice (soffice); CI runs it with --include-ignored"]
fn ods_and_xls_as_an_office_suite_saves_them() {
    let w = Workdir::new();
    w.copy_fixture("title_rows.xlsx");
    // Its rejected rows are on purpose (see the test above): past the 5% default.
    w.run(&[
        "import",
        "title_rows.xlsx",
        "--campaign",
        "x",
        "--max-rejects",
        "30",
    ])
    .ok();
    let want = w.read("x/registry.csv");
    for fmt in ["ods", "xls"] {
        w.soffice("title_rows.xlsx", fmt, "lo");
        let file = format!("lo/title_rows.{fmt}");
        w.run(&["import", &file, "--campaign", fmt, "--max-rejects", "30"])
            .ok()
            .stdout_has("导入 13 个账号,拒收 5 行");
        assert_eq!(w.read(&format!("{fmt}/registry.csv")), want, "{fmt}");
    }
}

#[test]
fn strict_mode_fails_and_writes_nothing() {
    let w = Workdir::new();
    w.copy_fixture("title_rows.xlsx");
    w.run(&["import", "title_rows.xlsx", "--campaign", "c", "--strict"])
        .fails()
        .stderr_has("5 行被拒收,--strict 模式下不导入任何内容");
    assert!(!w.exists("c/registry.csv"));
    assert!(!w.exists("c/campaign.toml"));
}

#[test]
fn english_headers_csv_with_bom() {
    let w = Workdir::new();
    w.copy_fixture("english_headers.csv");
    w.run(&["import", "english_headers.csv", "--campaign", "c"])
        .ok()
        .stdout_has("导入 3 个账号")
        .stdout_has("CSV 编码: UTF-8");
    let reg = w.csv("c/registry.csv");
    assert_eq!(
        reg[1][..8],
        [
            "E1",
            "Nanjing Release",
            "微信",
            "Nanjing Government",
            "市级",
            "南京",
            "政府",
            "正常"
        ]
        .map(String::from)
    );
    assert_eq!(reg[2][4..6], ["省级", "省本级"].map(String::from));
    assert_eq!(
        reg[3][2..8],
        [
            "移动客户端",
            "Jiangyin Government",
            "县级",
            "无锡",
            "其他单位",
            "停更"
        ]
        .map(String::from)
    );
}

#[test]
fn gbk_csv_is_detected_and_overridable() {
    let w = Workdir::new();
    w.copy_fixture("gbk.csv");
    w.run(&["import", "gbk.csv", "--campaign", "c"])
        .ok()
        .stdout_has("CSV 编码: GBK/GB18030");
    let reg = w.csv("c/registry.csv");
    assert_eq!(reg[1][1], "扬州发布");
    assert_eq!(reg[3][2], "其他");
    assert_eq!(reg[3][7], "注销");
    w.run(&[
        "import",
        "gbk.csv",
        "--campaign",
        "d",
        "--encoding",
        "utf-8",
    ])
    .fails()
    .stderr_has("gbk.csv: CSV 不是 UTF-8 编码,第 1 行附近无法解码");
    w.run(&["import", "gbk.csv", "--campaign", "e", "--encoding", "big5"])
        .fails()
        .stderr_has("--encoding \"big5\" 无法识别");
}

#[test]
fn missing_header_lists_what_was_found() {
    let w = Workdir::new();
    w.copy_fixture("missing_header.xlsx");
    w.run(&["import", "missing_header.xlsx", "--campaign", "c"])
        .fails()
        .stderr_has("missing_header.xlsx 工作表 \"Sheet\": 前 2 行中找不到表头,缺少必需的列: 类型(type);最接近表头的第 1 行为: 账号ID, 名称, 开设主体, 层级, 地区");
    assert!(!w.exists("c"));
}

#[test]
fn corrupt_and_non_spreadsheet_files() {
    let w = Workdir::new();
    w.copy_fixture("corrupt.xlsx");
    w.copy_fixture("not_a_spreadsheet.xlsx");
    w.run(&["import", "corrupt.xlsx", "--campaign", "c"])
        .fails()
        .stderr_has("corrupt.xlsx: 不是可读取的电子表格,或文件已损坏");
    w.run(&["import", "not_a_spreadsheet.xlsx", "--campaign", "c"])
        .fails()
        .stderr_has("not_a_spreadsheet.xlsx: 不是可读取的电子表格,或文件已损坏");
    std::fs::write(w.path("registry.pdf"), b"%PDF").unwrap();
    w.run(&["import", "registry.pdf", "--campaign", "c"])
        .fails()
        .stderr_has("不支持的文件类型 \"pdf\"");
    w.run(&["import", "nowhere.xlsx", "--campaign", "c"])
        .fails()
        .stderr_has("nowhere.xlsx: 无法打开");
    assert!(!w.exists("c"));
}

#[test]
fn empty_sheet_and_missing_sheet() {
    let w = Workdir::new();
    w.copy_fixture("empty.xlsx");
    w.copy_fixture("title_rows.xlsx");
    w.run(&["import", "empty.xlsx", "--campaign", "c"])
        .fails()
        .stderr_has("empty.xlsx 工作表 \"Sheet1\": 工作表为空");
    w.run(&[
        "import",
        "title_rows.xlsx",
        "--campaign",
        "c",
        "--sheet",
        "Sheet9",
    ])
    .fails()
    .stderr_has("title_rows.xlsx: 没有名为 \"Sheet9\" 的工作表;现有工作表: 台账");
}

#[test]
fn a_file_whose_every_row_is_rejected_writes_nothing() {
    let w = Workdir::new();
    std::fs::write(
        w.path("bad.csv"),
        "账号ID,名称,类型,开设主体,层级,地区\nA1,,微信,o,市级,南京\n",
    )
    .unwrap();
    w.run(&["import", "bad.csv", "--campaign", "c"])
        .fails()
        .stderr_has("bad.csv 第 2 行: 缺少 名称")
        .stderr_has("bad.csv: 没有可导入的账号,全部 1 行都被拒收;未写入任何内容");
    assert!(!w.exists("c"));
    std::fs::write(w.path("empty.csv"), "").unwrap();
    w.run(&["import", "empty.csv", "--campaign", "c"])
        .fails()
        .stderr_has("empty.csv: 文件为空");
    std::fs::write(
        w.path("header.csv"),
        "账号ID,名称,类型,开设主体,层级,地区\n",
    )
    .unwrap();
    w.run(&["import", "header.csv", "--campaign", "c"])
        .fails()
        .stderr_has("header.csv: 第 1 行表头下没有账号数据");
}

#[test]
fn stray_far_away_cell_is_dropped_not_allocated() {
    let w = Workdir::new();
    w.copy_fixture("stray_cell.xlsx");
    w.run(&["import", "stray_cell.xlsx", "--campaign", "c"])
        .ok()
        .stdout_has("导入 2 个账号")
        .stderr_has("忽略了 1 个位于第 512 列之后的单元格");
}

#[test]
fn reimport_needs_force() {
    let w = Workdir::new();
    w.copy_fixture("gbk.csv");
    w.run(&["import", "gbk.csv", "--campaign", "c"]).ok();
    let before = w.bytes("c/registry.csv");
    w.copy_fixture("english_headers.csv");
    w.run(&["import", "english_headers.csv", "--campaign", "c"])
        .fails()
        .stderr_has("已导入台账;如需重新导入请加 --force");
    assert_eq!(w.bytes("c/registry.csv"), before);
    w.run(&[
        "import",
        "english_headers.csv",
        "--campaign",
        "c",
        "--force",
    ])
    .ok();
    assert_ne!(w.bytes("c/registry.csv"), before);
}

#[test]
fn previous_diff_has_exact_counts() {
    let w = Workdir::new();
    w.copy_fixture("previous.csv");
    w.copy_fixture("current.csv");
    w.run(&["import", "previous.csv", "--campaign", "q4"]).ok();
    let r = w.run(&[
        "import",
        "current.csv",
        "--campaign",
        "q1",
        "--previous",
        "q4",
    ]);
    r.ok().stdout_has("政务新媒体数量减少1个,占上期总量的12.5%");
    // By level: 省级 1→1; 市级 3→3 (N1 added, P8 gone); 县级 4→3 (N2 added; P6, P7 gone).
    let lines: Vec<&str> = r.stdout.lines().collect();
    let row = |label: &str, after: &str| {
        let start = lines
            .iter()
            .position(|l| l.starts_with(after))
            .expect("table");
        lines[start..]
            .iter()
            .find(|l| l.starts_with(label))
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .expect("row")
    };
    assert_eq!(
        row("市级", "台账变化:按层级"),
        // A change over a base of fewer than 5 accounts carries the small-base mark.
        ["市级", "3", "1", "1", "3", "0", "0%＊"]
    );
    assert_eq!(
        row("县级", "台账变化:按层级"),
        ["县级", "4", "1", "2", "3", "-1", "-25%＊"]
    );
    assert_eq!(
        row("合计", "台账变化:按层级"),
        ["合计", "8", "2", "3", "7", "-1", "-12.5%"]
    );
    assert_eq!(
        row("其他", "台账变化:按类型"),
        ["其他", "1", "1", "1", "1", "0", "0%＊"]
    );
    let changes = w.csv("q1/registry_changes.csv");
    let kinds: Vec<(String, String)> = changes[1..]
        .iter()
        .map(|r| (r[0].clone(), r[2].clone()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("N1".into(), "新增".into()),
            ("N2".into(), "新增".into()),
            ("P6".into(), "减少".into()),
            ("P7".into(), "减少".into()),
            ("P8".into(), "减少".into()),
            ("P3".into(), "类型变更".into()),
            ("P4".into(), "开设主体变更".into()),
        ]
    );
    assert_eq!(changes[3][4], "关停");
    assert_eq!(changes[5][4], "已移出台账");
}
