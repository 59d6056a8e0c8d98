//! Issue #21: a campaign scoped to one city (无锡) or one county (宜兴市) reports by its own
//! groups and speaks as the city. The registries in fixtures/scope/ are exported as a city's
//! filing system exports them (a title row, the platform's headers; see
//! examples/scope_fixtures.rs).

mod common;
use common::Workdir;

/// Copy fixtures/scope/NAME into the work folder (as NAME) and return its name.
fn fixture(w: &Workdir, name: &str) -> String {
    let from = common::fixture(&format!("scope/{name}"));
    std::fs::copy(from, w.path(name)).expect("copy fixture");
    name.to_string()
}

/// Draw every account in operation (a census) or `sample` (the extra sample arguments), issue
/// one workbook, fill it with `fails` (id, veto item) and everything else passing, collect it.
fn check(w: &Workdir, campaign: &str, sample: &[&str], fails: &[(&str, &str)]) {
    let mut args = vec!["sample", "--campaign", campaign, "--seed", "7"];
    if sample.is_empty() {
        args.extend(["--rate", "1"]);
    }
    args.extend_from_slice(sample);
    w.run(&args).ok();
    w.run(&["verify", "--campaign", campaign]).ok();
    w.run(&["sheet", "--campaign", campaign, "--inspectors", "1"])
        .ok();
    let src = format!("{campaign}/sheets/{campaign}_检查员01.xlsx");
    let dst = format!("{campaign}_交回.xlsx");
    let mut fill = w.fill(&src, &dst).all_pass("2021-10-12");
    for (id, item) in fails {
        fill = fill.set(id, item, "是").set(id, "问题描述", "两周未更新");
    }
    fill.save();
    w.run(&["collect", "--campaign", campaign, &dst]).ok();
}

fn first_column(t: &[Vec<String>]) -> Vec<String> {
    t.iter().skip(1).map(|r| r[0].clone()).collect()
}

fn row<'a>(t: &'a [Vec<String>], first: &str) -> &'a [String] {
    t.iter()
        .find(|r| r[0] == first)
        .unwrap_or_else(|| panic!("no row {first}: {t:?}"))
}

/// The text of the .docx's body (document.xml with its tags removed).
fn docx_text(w: &Workdir, path: &str) -> String {
    let bytes = w.bytes(path);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

const WUXI_GROUPS: [&str; 11] = [
    "市级部门和单位",
    "锡山区",
    "惠山区",
    "滨湖区",
    "梁溪区",
    "新吴区",
    "江阴市",
    "宜兴市",
    "经开区",
    "各市(县)区合计",
    "全市",
];

/// A city's registry through two quarters: its own departments, every district and
/// county-level city in code order, its zone, and the rows of another city refused; a census
/// worded 全覆盖检查, compared with the previous quarter; then a sample of the same quarter.
#[test]
fn a_city_reports_by_its_own_districts_through_two_quarters() {
    let w = Workdir::new();
    let profile = fixture(&w, "wuxi.toml");
    let q2 = fixture(&w, "wuxi_2021q2.xlsx");
    w.run(&["import", &q2, "--campaign", "2021Q2", "--profile", &profile])
        .ok()
        .stdout_has("检查范围: 无锡市")
        .stderr_has("4 行被拒收");
    let rejects = w.csv("2021Q2/rejects.csv");
    let reasons: Vec<&str> = rejects[1..].iter().map(|r| r[4].as_str()).collect();
    assert_eq!(
        reasons,
        [
            "所属地区“苏州市吴中区”不属于无锡市(在苏州市)",
            "所属地区“吴中区”不属于无锡市(在苏州市)",
            "所属地区“常州市”不属于无锡市(在常州市)",
            "省级账号不属于无锡市(为省级部门单位)",
        ]
    );
    // Each account's group, from its region, its owner or the zone's names.
    let reg = w.csv("2021Q2/registry.csv");
    let group_col = reg[0]
        .iter()
        .position(|h| h == "通报分组")
        .expect("通报分组");
    let group = |id: &str| reg.iter().find(|r| r[0] == id).unwrap()[group_col].clone();
    for (id, g) in [
        ("WX0006", "市级部门和单位"),
        ("WX0203", "惠山区"),
        ("WX0304", "滨湖区"),
        ("WX0605", "江阴市"),
        ("WX0607", "江阴市"),
        ("WX0803", "经开区"),
        ("WX0805", "经开区"),
    ] {
        assert_eq!(group(id), g, "{id}");
    }

    let q2_fails = [
        ("WX0004", "V6"),
        ("WX0203", "V8"),
        ("WX0603", "V6"),
        ("WX0704", "V6"),
        ("WX0705", "V6"),
    ];
    check(&w, "2021Q2", &[], &q2_fails);
    w.run(&[
        "report",
        "--campaign",
        "2021Q2",
        "--rectify-by",
        "2021-07-20",
    ])
    .ok();
    let t = w.csv("2021Q2/report/csv/合格率_开设主体.csv");
    assert_eq!(first_column(&t), WUXI_GROUPS);
    assert_eq!(row(&t, "宜兴市")[1..5], ["6", "4", "2", "66.7%"]);
    assert_eq!(row(&t, "经开区")[1..5], ["5", "5", "0", "100%"]);
    assert_eq!(row(&t, "全市")[1..5], ["76", "71", "5", "93.4%"]);
    let md = w.read("2021Q2/report/通报草稿.md");
    for sentence in [
        "# 关于2021年第二季度政务新媒体全覆盖检查情况的通报",
        "截至2021年6月30日，全市政府系统共开设政务新媒体76个",
        "按开设主体分，市级部门和单位开设政务新媒体31个，各市（县）区政府及其部门、所属乡镇（街道）开设政务新媒体45个。",
        "本次对全市正常运行的76个政务新媒体开展了全覆盖检查。",
        "此次全覆盖检查中，全市政务新媒体总体合格率为93.4%。",
        "从开设主体看，锡山区、滨湖区、梁溪区、新吴区、经开区合格率为100%，江阴市合格率为85.7%，惠山区合格率为83.3%，宜兴市合格率为66.7%，市级部门和单位合格率为96.8%。",
        "在本次全覆盖检查中，发现我市政务新媒体存在以下突出问题：",
        "占市级检查总数",
        "市（县）区中，",
        "各市（县）区、市各有关部门请将政务新媒体全覆盖检查情况",
        "附件：2021年第二季度全覆盖检查存在“单项否决”问题政务新媒体名单",
    ] {
        assert!(md.contains(sentence), "draft lacks {sentence:?}:\n{md}");
    }
    let draft = md.split("## 附表").next().unwrap();
    for word in ["设区市", "全省", "省级", "抽查"] {
        assert!(
            !draft.contains(word),
            "the city's draft says {word}:\n{draft}"
        );
    }
    assert!(
        !w.exists("2021Q2/report/csv/加权估计.csv"),
        "a census has no estimate"
    );
    // The annex: the city's own departments first (by owner), then its districts in code
    // order, names with their platform as the profile asks.
    let annex = w.csv("2021Q2/report/csv/附件_单项否决名单.csv");
    let listed: Vec<(&str, &str)> = annex[1..]
        .iter()
        .map(|r| (r[1].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            ("无锡市公安局", "无锡公安(微信)"),
            ("惠山区", "惠山教育(微信)"),
            ("江阴市", "江阴公安(微信)"),
            ("宜兴市", "宜兴教育(微信)"),
            ("宜兴市", "宜城街道(微信)"),
        ]
    );
    // 主送 and 署名 are the city's.
    let docx = docx_text(&w, "2021Q2/report/通报草稿.docx");
    assert!(
        docx.contains("各市（县）区人民政府，市各委办局："),
        "{docx}"
    );
    assert!(docx.contains("无锡市人民政府办公室"), "{docx}");
    // The responsible units of the rectification round are the annex's.
    w.run(&[
        "rectify",
        "sheets",
        "--campaign",
        "2021Q2",
        "--deadline",
        "2021-07-20",
    ])
    .ok();
    for unit in ["无锡市公安局", "惠山区", "江阴市", "宜兴市"] {
        let f = format!("2021Q2/rectify/sheets/2021Q2_整改_{unit}.xlsx");
        assert!(w.exists(&f), "{f}");
    }

    // The next quarter keeps the city's profile from the previous campaign.
    let q3 = fixture(&w, "wuxi_2021q3.xlsx");
    w.run(&[
        "import",
        &q3,
        "--campaign",
        "2021Q3",
        "--previous",
        "2021Q2",
    ])
    .ok()
    .stdout_has("检查范围: 无锡市");
    check(&w, "2021Q3", &[], &[("WX0704", "V6")]);
    w.run(&["report", "--campaign", "2021Q3", "--previous", "2021Q2"])
        .ok();
    let t = w.csv("2021Q3/report/csv/合格率_开设主体.csv");
    assert_eq!(first_column(&t), WUXI_GROUPS);
    let md = w.read("2021Q3/report/通报草稿.md");
    for sentence in [
        "本季度，全市政务新媒体数量增加1个，占全市政务新媒体总量的1.3%。",
        "本季度全市政务新媒体总体合格率为98.7%，比上季度提升5.3个百分点（上季度为93.4%）。",
        // 新吴区 closed one of its five accounts: four left, marked as resting on few.
        "锡山区、惠山区、滨湖区、梁溪区、新吴区、江阴市、经开区合格率为100%（其中新吴区检查数不足5个），宜兴市合格率为83.3%，市级部门和单位合格率为100%。",
    ] {
        assert!(md.contains(sentence), "draft lacks {sentence:?}:\n{md}");
    }
    let qoq = w.csv("2021Q3/report/csv/环比.csv");
    assert_eq!(
        first_column(&qoq)[..3],
        ["全市", "市级部门和单位", "市(县)区"]
    );

    // The same quarter sampled by group and type: worded 抽查, estimated by the city's groups.
    w.run(&[
        "import",
        &q3,
        "--campaign",
        "2021Q3s",
        "--previous",
        "2021Q2",
    ])
    .ok();
    let sample = [
        "--size",
        "40",
        "--min-per-stratum",
        "1",
        "--strata",
        "group,type",
        "--take-all",
        "owner_kind=政府",
    ];
    check(&w, "2021Q3s", &sample, &[("WX0701", "V6")]);
    let strata = w.csv("2021Q3s/sample.csv");
    let stratum = strata[0].iter().position(|h| h == "分层").unwrap();
    assert!(
        strata[1][stratum].starts_with("市级部门和单位/"),
        "strata over the city's groups, its own departments first: {:?}",
        strata[1]
    );
    w.run(&["report", "--campaign", "2021Q3s", "--previous", "2021Q2"])
        .ok();
    let md = w.read("2021Q3s/report/通报草稿.md");
    assert!(
        md.contains("本次共选取40个政务新媒体进行检查抽查，包括代表主体为市、市（县）区政府的政务新媒体和市级部门和单位开设的政务新媒体"),
        "{md}"
    );
    // Sampled districts rest on few accounts each: said once, not district by district.
    assert!(md.contains("合格率为100%（检查数均不足5个）"), "{md}");
    let est = w.csv("2021Q3s/report/csv/加权估计.csv");
    assert_eq!(
        first_column(&est)[..3],
        ["全市", "市级部门和单位", "市(县)区"]
    );
}

/// A county's registry groups by the 乡镇/街道 its owners (or a 所属镇街 column) name, then its
/// zone; the county's departments are the top group; another county's row is refused.
#[test]
fn a_county_reports_by_town() {
    let w = Workdir::new();
    let profile = fixture(&w, "yixing.toml");
    let file = fixture(&w, "yixing_2021q3.xlsx");
    w.run(&[
        "import",
        &file,
        "--campaign",
        "2021Q3",
        "--profile",
        &profile,
    ])
    .ok()
    .stderr_has("不属于宜兴市(在江阴市)");
    check(&w, "2021Q3", &[], &[("YX0103", "V6")]);
    w.run(&["report", "--campaign", "2021Q3"]).ok();
    let towns = [
        "市级部门单位",
        "宜城街道",
        "新庄街道",
        "丁蜀镇",
        "张渚镇",
        "和桥镇",
        "周铁镇",
        "环科园",
        "各镇(街道)合计",
        "全市",
    ];
    let t = w.csv("2021Q3/report/csv/合格率_开设主体.csv");
    assert_eq!(first_column(&t), towns);
    assert_eq!(row(&t, "丁蜀镇")[1..5], ["2", "1", "1", "50%＊"]);
    assert_eq!(row(&t, "市级部门单位")[1..5], ["7", "7", "0", "100%"]);
    let md = w.read("2021Q3/report/通报草稿.md");
    assert!(
        md.contains("市级部门单位开设政务新媒体7个，各镇（街道）开设政务新媒体8个"),
        "{md}"
    );

    // The same registry grouped by its 所属镇街 column gives the same groups.
    let with_column =
        std::fs::read_to_string(w.path(&profile)).unwrap() + "town_column = \"所属镇街\"\n";
    // town_column is a top-level key: it must come before the [zones] table.
    let (head, zones) = with_column.split_once("[zones]").unwrap();
    let (zones, column) = zones.split_once("town_column").unwrap();
    std::fs::write(
        w.path("yixing_column.toml"),
        format!("{head}town_column{column}[zones]{zones}"),
    )
    .unwrap();
    w.run(&[
        "import",
        &file,
        "--campaign",
        "by_column",
        "--profile",
        "yixing_column.toml",
    ])
    .ok();
    let by_name = w.csv("2021Q3/registry.csv");
    let by_column = w.csv("by_column/registry.csv");
    let groups = |reg: &[Vec<String>]| {
        let g = reg[0].iter().position(|h| h == "通报分组").unwrap();
        reg.iter().map(|r| r[g].clone()).collect::<Vec<_>>()
    };
    assert_eq!(groups(&by_name), groups(&by_column));
}

/// `import --scope` alone scopes a campaign with the scope's default words; a name that is no
/// unit, or that several units share, is refused with what to write instead.
#[test]
fn import_scope_on_the_command_line() {
    let w = Workdir::new();
    let q2 = fixture(&w, "wuxi_2021q2.xlsx");
    // Without the profile's zone, the 经开区 rows name no place the data knows: 5 of the 78 rows
    // of 无锡 (6.4%) are not understood, so the import is refused (#20) naming them, unless
    // --max-rejects allows that many; the 4 rows of other cities count neither way.
    w.run(&["import", &q2, "--campaign", "c", "--scope", "无锡"])
        .fails()
        .stderr_has("数据行 78 行(不含空行、合计行、不属于检查范围的 4 行)中 5 行被拒收")
        .stderr_has("[zones] \"经开区\" = [\"经开区\"](作为单列的功能区)")
        .stderr_has("最接近的是:锡山区、惠山区、滨湖区");
    assert!(!w.exists("c"));
    w.run(&[
        "import",
        &q2,
        "--campaign",
        "c",
        "--scope",
        "无锡",
        "--max-rejects",
        "10",
    ])
    .ok()
    .stdout_has("检查范围: 无锡市(只导入其所属账号,按市级部门单位、各市(县)区分组)")
    .stderr_has("经开区");
    w.run(&["import", &q2, "--campaign", "d", "--scope", "无希"])
        .fails()
        .stderr_has("不是任何省份的市或县(市、区)");
    w.run(&[
        "import",
        &q2,
        "--campaign",
        "d",
        "--province",
        "江苏",
        "--scope",
        "无希",
    ])
    .fails()
    .stderr_has("最接近的是:无锡市");
    w.run(&[
        "import",
        &q2,
        "--campaign",
        "e",
        "--province",
        "江苏",
        "--scope",
        "鼓楼区",
    ])
    .fails()
    .stderr_has("南京市鼓楼区、徐州市鼓楼区");
    // Most rows outside the scope: the scope is wrong, not the rows; nothing is written.
    w.run(&[
        "import",
        &q2,
        "--campaign",
        "g",
        "--province",
        "江苏",
        "--scope",
        "常州",
    ])
    .fails()
    .stderr_has("不属于常州市")
    .stderr_has("检查范围可能不对");
    assert!(!w.exists("g"));
    // A previous quarter of another scope is not this one's.
    w.run(&[
        "import",
        &q2,
        "--campaign",
        "f",
        "--scope",
        "宜兴",
        "--previous",
        "c",
    ])
    .fails()
    .stderr_has("检查范围");
}
