//! Issue #20, the registry side: an office's own export, as its platform writes it, imports
//! without hand-editing; what is not understood is named with the profile line that maps it; a
//! misread file is refused whole; an account exported twice is one account; every file the user
//! gives follows the campaign's profile; `audit profile init` drafts the profile.

mod common;
use common::sichuan::{self, Export};
use common::Workdir;

/// The registry.csv rows (header first) of a campaign.
fn registry(w: &Workdir, campaign: &str) -> Vec<Vec<String>> {
    w.csv(&format!("{campaign}/registry.csv"))
}

/// How many data rows of `rows` have `value` in column `col`.
fn count(rows: &[Vec<String>], col: usize, value: &str) -> usize {
    rows[1..].iter().filter(|r| r[col] == value).count()
}

/// The Sichuan platform's export — 行政级别, 所属市(州), 主体性质, 运行状态; 市(州)级,
/// 县(市、区)级, 区县级, 乡镇(街道)级; 21 市(州) with their 自治州 — imports through the
/// built-in lists alone, as .xlsx with a title row and as a GBK CSV, with no row rejected.
#[test]
fn a_sichuan_export_imports_through_the_builtin_spellings() {
    let w = Workdir::new();
    let e = sichuan::export(1464, 1);
    sichuan::write_xlsx(&e, &w.path("四川台账.xlsx"));
    sichuan::write_gbk_csv(&e, &w.path("四川台账.csv"));
    for (file, campaign) in [("四川台账.xlsx", "x"), ("四川台账.csv", "c")] {
        w.run(&["import", file, "--campaign", campaign])
            .ok()
            .stdout_has("导入 1464 个账号,拒收 0 行")
            .stdout_has("省份: 四川省(依据: 台账标题行)")
            .stdout_has("层级 ← \"行政级别\"")
            .stdout_has("地区 ← \"所属市(州)\"");
        let reg = registry(&w, campaign);
        assert_eq!(reg.len(), 1465);
        let spelled = |col: usize, values: &[&str]| {
            e.rows
                .iter()
                .filter(|r| values.contains(&r[col].as_str()))
                .count()
        };
        // Levels: 县(市、区)级, 区县级 and 乡镇(街道)级 are all 县级.
        assert_eq!(count(&reg, 4, "省级"), spelled(sichuan::LEVEL, &["省级"]));
        assert_eq!(
            count(&reg, 4, "市级"),
            spelled(sichuan::LEVEL, &["市(州)级"])
        );
        assert_eq!(
            count(&reg, 4, "县级"),
            spelled(sichuan::LEVEL, &["县(市、区)级", "区县级", "乡镇(街道)级"])
        );
        assert_eq!(
            count(&reg, 7, "停更"),
            spelled(sichuan::STATUS, &["已停更"])
        );
        assert_eq!(
            count(&reg, 6, "政府"),
            spelled(sichuan::KIND, &["代表政府"])
        );
        assert_eq!(
            count(&reg, 6, "其他单位"),
            spelled(sichuan::KIND, &["事业单位"])
        );
        // Every 市(州), the 自治州 by the short name notices use.
        let mut regions: Vec<&str> = reg[1..].iter().map(|r| r[5].as_str()).collect();
        regions.sort_unstable();
        regions.dedup();
        assert_eq!(regions.len(), 22, "21 市(州) and 省本级: {regions:?}");
        for r in ["凉山州", "甘孜州", "阿坝州", "成都", "省本级"] {
            assert!(regions.contains(&r), "{r}: {regions:?}");
        }
        let m = w.read(&format!("{campaign}/campaign.toml"));
        assert!(m.contains("province = \"四川省\""), "{m}");
    }
}

/// The Sichuan export with one header and one level spelling no list knows.
fn with_own_spellings(e: &Export) -> Export {
    let mut e = e.clone();
    e.header[sichuan::LEVEL] = "账号归属层次".into();
    for r in e
        .rows
        .iter_mut()
        .filter(|r| r[sichuan::LEVEL] == "市(州)级")
    {
        r[sichuan::LEVEL] = "市州直属".into();
    }
    e
}

/// A header and a level spelling of the office's own are refused without a profile (naming the
/// header it may be and the profile line), and import through `[columns]` and
/// `[levels.aliases]` with nothing rejected.
#[test]
fn a_made_up_header_and_level_import_through_a_profile() {
    let w = Workdir::new();
    let e = with_own_spellings(&sichuan::export(300, 2));
    sichuan::write_xlsx(&e, &w.path("台账.xlsx"));
    w.run(&["import", "台账.xlsx", "--campaign", "a"])
        .fails()
        .stderr_has("缺少必需的列: 层级(level)")
        .stderr_has("表头“账号归属层次”可能就是,如是请在画像文件(--profile)中写 [columns] \"账号归属层次\" = \"层级\"");
    assert!(!w.exists("a"));
    w.write(
        "四川.toml",
        "province = \"四川\"\n[columns]\n\"账号归属层次\" = \"层级\"\n[levels.aliases]\n\"市州直属\" = \"市级\"\n",
    );
    w.run(&[
        "import",
        "台账.xlsx",
        "--campaign",
        "b",
        "--profile",
        "四川.toml",
    ])
    .ok()
    .stdout_has("导入 300 个账号,拒收 0 行")
    .stdout_has("层级 ← \"账号归属层次\"");
    let reg = registry(&w, "b");
    let city = e
        .rows
        .iter()
        .filter(|r| r[sichuan::LEVEL] == "市州直属")
        .count();
    assert!(city >= 21);
    assert_eq!(count(&reg, 4, "市级"), city);
    // The original spelling is kept beside the canonical value.
    assert_eq!(count(&reg, 10, "市州直属"), city);
    // With the header mapped but not the spelling, the spelling is named with its count, the
    // closest known spellings and the line that would map it.
    w.write(
        "只有列.toml",
        "province = \"四川\"\n[columns]\n\"账号归属层次\" = \"层级\"\n",
    );
    w.run(&[
        "import",
        "台账.xlsx",
        "--campaign",
        "c",
        "--profile",
        "只有列.toml",
    ])
    .fails()
    .stderr_has(&format!("层级 \"市州直属\" {city} 行;最接近: 市州(市级)"))
    .stderr_has("[levels.aliases] \"市州直属\" = \"市级\"");
}

/// An import that rejects a fifth of its rows writes nothing — no campaign folder, and an
/// existing campaign is left as it was — and exits non-zero with the reasons by count and
/// examples; `--max-rejects` lets it through when the rows are meant to be refused.
#[test]
fn an_import_rejecting_a_fifth_of_its_rows_is_refused_and_leaves_nothing() {
    let w = Workdir::new();
    // The README's headers and levels: only the spellings injected below are not understood.
    let mut e = sichuan::with_readme_spellings(&sichuan::export(500, 3));
    for r in e.rows.iter_mut().skip(21).step_by(4).take(100) {
        r[sichuan::LEVEL] = "其它层级".into();
    }
    sichuan::write_xlsx(&e, &w.path("台账.xlsx"));
    w.run(&["import", "台账.xlsx", "--campaign", "new"])
        .fails()
        .stderr_has(
            "数据行 500 行(不含空行、合计行)中 100 行被拒收(占 20%),超过上限 5%(--max-rejects)",
        )
        .stderr_has("层级无法识别 100 行:")
        .stderr_has("层级 \"其它层级\" 100 行")
        .stderr_has("例: 台账.xlsx 第 24 行: 层级 \"其它层级\" 无法识别")
        .stderr_has("未写入任何内容");
    assert!(!w.exists("new"), "a refused import leaves no folder");
    // An existing campaign keeps its registry.
    sichuan::write_xlsx(&sichuan::export(100, 4), &w.path("good.xlsx"));
    w.run(&["import", "good.xlsx", "--campaign", "old"]).ok();
    let before = w.bytes("old/registry.csv");
    let manifest = w.bytes("old/campaign.toml");
    w.run(&["import", "台账.xlsx", "--campaign", "old", "--force"])
        .fails()
        .stderr_has("超过上限 5%");
    assert_eq!(w.bytes("old/registry.csv"), before);
    assert_eq!(w.bytes("old/campaign.toml"), manifest);
    w.run(&[
        "import",
        "台账.xlsx",
        "--campaign",
        "kept",
        "--max-rejects",
        "20",
    ])
    .ok()
    .stdout_has("导入 400 个账号,拒收 100 行");
}

/// An account exported twice (identical rows) is imported once and listed as merged; rows of
/// one id that differ are still rejected; the change table does not count the account as gone;
/// the report's make-up and the draft say how many rows were not counted and why.
#[test]
fn an_account_exported_twice_is_imported_once() {
    let w = Workdir::new();
    let e = sichuan::with_readme_spellings(&sichuan::export(200, 5));
    sichuan::write_xlsx(&e, &w.path("q2.xlsx"));
    w.run(&["import", "q2.xlsx", "--campaign", "2023Q2"]).ok();
    let mut e3 = e.clone();
    // Exported again further down: the same account, the platform's serial number (序号) aside.
    let mut twice = e3.rows[40].clone();
    twice[0] = "201".into();
    let mut differs = e3.rows[60].clone();
    differs[0] = "202".into();
    differs[sichuan::NAME] = format!("{}(新)", differs[sichuan::NAME]);
    e3.rows.push(twice.clone());
    e3.rows.push(differs);
    sichuan::write_xlsx(&e3, &w.path("q3.xlsx"));
    w.run(&["import", "q3.xlsx", "--campaign", "2023Q3", "--previous", "2023Q2"])
        .ok()
        .stdout_has("导入 199 个账号,拒收 2 行")
        .stderr_has("提示: 1 个账号在台账中重复出现、各行内容完全相同(如第 203 行: 与第 43 行完全相同(序号除外)")
        .stderr_has("账号ID重复 2 行");
    let reg = registry(&w, "2023Q3");
    let id = &twice[sichuan::ID];
    assert_eq!(reg.iter().filter(|r| &r[0] == id).count(), 1);
    let rej = w.csv("2023Q3/rejects.csv");
    let reasons: Vec<(&str, &str)> = rej[1..]
        .iter()
        .map(|r| (r[2].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("63", "账号ID重复"),
            ("203", "重复行(已合并)"),
            ("204", "账号ID重复")
        ]
    );
    // Not 减少: the account exported twice is still there.
    let changes = w.csv("2023Q3/registry_changes.csv");
    assert!(!changes.iter().any(|r| &r[0] == id), "{changes:?}");
    let m = w.read("2023Q3/campaign.toml");
    assert!(m.contains("duplicates_merged = 1"), "{m}");
    common::sample_all_one_sheet(&w, "2023Q3", &["--min-per-stratum", "1", "--seed", "1"]);
    w.run(&["report", "--campaign", "2023Q3", "--allow-incomplete"])
        .ok();
    let t = w.csv("2023Q3/report/csv/台账_未计入.csv");
    assert!(
        t.iter().any(|r| r[0] == "账号ID重复" && r[1] == "2"),
        "{t:?}"
    );
    assert!(
        t.iter().any(|r| r[0].starts_with("重复行") && r[1] == "1"),
        "{t:?}"
    );
    assert!(t.iter().any(|r| r[0] == "合计" && r[1] == "3"), "{t:?}");
    let md = w.read("2023Q3/report/通报草稿.md");
    // The draft prints full-width punctuation.
    assert!(
        md.contains("【台账】备案台账导出文件中有2行被拒收、未计入上述总数（账号ID重复2行）"),
        "{md}"
    );
    assert!(
        md.contains("另有1行与同一账号的另一行完全相同，已按一个账号计"),
        "{md}"
    );
}

/// A profile listing 抖音 and 今日头条: a quota file by type is read through it (头条号 is
/// 今日头条), `--take-all` values too (省直部门 is 省级), and the allocation table lists the
/// types in the profile's order.
#[test]
fn a_quota_by_type_follows_a_platform_profile() {
    let w = Workdir::new();
    let e = sichuan::with_readme_spellings(&sichuan::export(1464, 6));
    sichuan::write_gbk_csv(&e, &w.path("台账.csv"));
    w.write(
        "四川.toml",
        "province = \"四川\"\n[types]\norder = [\"微信\", \"微博\", \"抖音\", \"今日头条\", \"其他\"]\n",
    );
    w.run(&[
        "import",
        "台账.csv",
        "--campaign",
        "c",
        "--profile",
        "四川.toml",
    ])
    .ok();
    std::fs::write(
        w.path("q.csv"),
        "类型,n\n微信公众号,300\n新浪微博,150\n抖音,80\n头条号,60\n其他,80\n",
    )
    .unwrap();
    let out = w.run(&[
        "sample",
        "--campaign",
        "c",
        "--strata",
        "type",
        "--quota",
        "q.csv",
        "--take-all",
        "level=省直部门",
        "--seed",
        "9",
        "--dry-run",
    ]);
    out.ok();
    let order: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| {
            let first = l.split_whitespace().next()?;
            ["微信", "微博", "抖音", "今日头条", "其他"]
                .contains(&first)
                .then_some(first)
        })
        .collect();
    assert_eq!(
        order,
        ["微信", "微博", "抖音", "今日头条", "其他"],
        "{}",
        out.stdout
    );
    w.run(&[
        "sample",
        "--campaign",
        "c",
        "--strata",
        "type",
        "--quota",
        "q.csv",
        "--take-all",
        "level=省直部门",
        "--seed",
        "9",
    ])
    .ok();
    let m = w.read("c/campaign.toml");
    assert!(m.contains("take_all = [\"level=省级\"]"), "{m}");
    w.run(&["verify", "--campaign", "c"]).ok();
}

/// `audit profile init` on the Sichuan-style export (with an unknown header, an unknown level
/// spelling and a region the divisions lack) writes a commented draft; with its `?` lines
/// filled, the export imports with no row rejected.
#[test]
fn profile_init_drafts_a_profile_that_imports_with_no_rejects() {
    let w = Workdir::new();
    let mut e = with_own_spellings(&sichuan::export(1464, 7));
    let mut new_area = 0;
    for r in e
        .rows
        .iter_mut()
        .skip(21)
        .filter(|r| r[sichuan::REGION] == "成都市")
        .take(30)
    {
        r[sichuan::REGION] = "天府新区".into();
        new_area += 1;
    }
    assert!(new_area > 0);
    sichuan::write_xlsx(&e, &w.path("四川台账.xlsx"));
    let out = w.run(&["profile", "init", "四川台账.xlsx", "--out", "四川.toml"]);
    out.ok().stdout_has("省份: 四川省(依据: 台账标题行)");
    let draft = w.read("四川.toml");
    for line in [
        "province = \"四川\"",
        "\"所属市(州)\" = \"地区\"",
        "\"主体性质\" = \"主体类别\"",
        "\"账号归属层次\" = \"?\"  # ? 可能是 层级(level)",
        "\"区县级\" = \"县级\"",
        "\"市州直属\" = \"?\"",
        "\"已停更\" = \"停更\"",
        "\"代表政府\" = \"政府\"",
        "\"天府新区\" = \"?\"",
        "\"序号\" 不是标准字段,按原样保留",
    ] {
        assert!(draft.contains(line), "{line}:\n{draft}");
    }
    // Unfilled, the draft is refused by line.
    w.run(&[
        "import",
        "四川台账.xlsx",
        "--campaign",
        "a",
        "--profile",
        "四川.toml",
    ])
    .fails()
    .stderr_has("还没有填写(仍是 \"?\")");
    // Fill the ? lines as a user would.
    let filled: String = draft
        .lines()
        .map(|l| {
            let answer = if l.starts_with("\"账号归属层次\"") {
                "层级"
            } else if l.starts_with("\"市州直属\"") {
                "市级"
            } else if l.starts_with("\"天府新区\"") {
                "成都"
            } else {
                return format!("{l}\n");
            };
            format!("{}\n", l.replacen("\"?\"", &format!("\"{answer}\""), 1))
        })
        .collect();
    assert!(!filled.contains("= \"?\""), "{filled}");
    w.write("四川.toml", &filled);
    w.run(&[
        "import",
        "四川台账.xlsx",
        "--campaign",
        "b",
        "--profile",
        "四川.toml",
    ])
    .ok()
    .stdout_has("导入 1464 个账号,拒收 0 行");
    let reg = registry(&w, "b");
    assert!(reg[1..]
        .iter()
        .filter(|r| r[11] == "天府新区")
        .all(|r| r[5] == "成都"));
    // The draft is not written over without --force.
    w.run(&["profile", "init", "四川台账.xlsx", "--out", "四川.toml"])
        .fails()
        .stderr_has("文件已存在");
}

/// A platform export naming its type column 平台名称 (微信公众号, 新浪微博, 抖音号) is read as
/// the type without a profile: `profile init` no longer leaves it as "?" (new-user finding).
#[test]
fn a_platform_name_column_is_the_type() {
    let w = Workdir::new();
    w.write(
        "台账.csv",
        "账号ID,媒体名称,平台名称,主办单位,行政级别,所属市(州),主体性质\n\
         A1,成都发布,微信公众号,成都市人民政府,市(州)级,成都市,政府\n\
         A2,成都发布,新浪微博,成都市人民政府,市(州)级,成都市,政府\n\
         A3,四川水利,抖音号,四川省水利厅,省级,省本级,部门\n",
    );
    w.run(&["profile", "init", "台账.csv", "--out", "p.toml"])
        .ok();
    let draft = w.read("p.toml");
    assert!(!draft.contains("\"平台名称\" = \"?\""), "{draft}");
    w.run(&[
        "import",
        "台账.csv",
        "--campaign",
        "c",
        "--province",
        "四川",
    ])
    .ok();
    let reg = registry(&w, "c");
    let t = reg[0].iter().position(|h| h == "类型").unwrap();
    let types: Vec<&str> = reg[1..].iter().map(|r| r[t].as_str()).collect();
    assert_eq!(types, ["微信", "微博", "其他"]);
}

/// A cell with line breaks cannot write live TOML into the draft through a comment (attack
/// finding: a 类型 cell "抖音\n[types.aliases]\n\"新浪微博\" = \"其他\" #" mapped every 微博 to 其他).
#[test]
fn a_cell_cannot_write_the_profile_draft() {
    let w = Workdir::new();
    let evil = "\"抖音\n[types.aliases]\n\"\"新浪微博\"\" = \"\"其他\"\" #\"";
    let mut csv = String::from("账号ID,名称,类型,开设主体,层级,地区\n");
    for i in 0..30 {
        let t = if i % 3 == 0 { evil } else { "新浪微博" };
        csv.push_str(&format!("A{i},号{i},{t},南京市人民政府,市级,南京\n"));
    }
    w.write("台账.csv", &csv);
    w.run(&["profile", "init", "台账.csv", "--out", "p.toml"])
        .ok();
    let draft = w.read("p.toml");
    for line in draft.lines() {
        let live = line.trim_start();
        assert!(
            live.starts_with('#') || !live.contains("新浪微博\" = \"其他"),
            "a live line from a cell: {line}\n{draft}"
        );
        assert!(!live.starts_with("[types.aliases]"), "{draft}");
    }
    assert!(draft.contains('⏎'), "{draft}");
}

/// `profile init --sheet` reads one sheet of a workbook of several: the import it prints names
/// the same sheet (a new user ran it as printed and imported the first sheet instead).
#[test]
fn profile_init_prints_the_import_of_the_sheet_it_read() {
    let w = Workdir::new();
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, owner) in [("三季度", "南京市公安局"), ("四 季度", "南京市教育局")]
    {
        let ws = book.add_worksheet();
        ws.set_name(name).unwrap();
        let rows = [
            [
                "账号ID",
                "名称",
                "类型",
                "开设主体",
                "层级",
                "地区",
                "账号状态",
            ],
            ["A1", "甲", "微信", owner, "市级", "南京", "正常"],
            ["A2", "乙", "微博", owner, "市级", "南京", ""],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    book.save(w.path("两季.xlsx")).unwrap();
    w.run(&[
        "profile",
        "init",
        "两季.xlsx",
        "--sheet",
        "四 季度",
        "--out",
        "p.toml",
    ])
    .ok()
    .stdout_has("import 两季.xlsx --sheet \"四 季度\" --campaign 项目目录 --profile p.toml");
    // An empty 账号状态 reads as 正常: said, as it puts the account in the sampling frame.
    w.run(&[
        "import",
        "两季.xlsx",
        "--sheet",
        "四 季度",
        "--campaign",
        "c",
        "--province",
        "江苏",
    ])
    .ok()
    .stderr_has("提示: 1 个账号的状态为空,按 正常 计入")
    .stderr_has("提示: 台账没有主体类别列,2 个账号都按 部门 计入");
    assert!(w.read("c/registry.csv").contains("南京市教育局"));
}

/// An export whose 开设主体 was merged over each unit's rows, saved as CSV (Excel keeps the value
/// in the first row only): the refusal names the likely cause and warns against raising
/// `--max-rejects`, which would drop those accounts (a new user was told to add
/// `--max-rejects 45`).
#[test]
fn a_merged_column_saved_as_csv_is_explained() {
    let w = Workdir::new();
    let mut csv = String::from("账号ID,名称,类型,开设主体,层级,地区\n");
    for unit in 0..4 {
        for i in 0..3 {
            let owner = if i == 0 {
                format!("南京市第{unit}局")
            } else {
                String::new()
            };
            csv.push_str(&format!("A{unit}{i},号{unit}{i},微信,{owner},市级,南京\n"));
        }
    }
    w.write("另存.csv", &csv);
    w.run(&[
        "import",
        "另存.csv",
        "--campaign",
        "c",
        "--province",
        "江苏",
    ])
    .fails()
    .stderr_has("数据行 12 行(不含空行、合计行)中 8 行被拒收")
    .stderr_has("提示: 8 行缺少必填值(如 开设主体)。如果原表中这一列是合并单元格")
    .stderr_has("不要为此提高 --max-rejects");
    assert!(!w.exists("c"));
}
