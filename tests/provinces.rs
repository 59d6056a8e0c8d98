//! Registries of real provinces (issue #14): regions resolved through the province's divisions,
//! the city table in the province's own order, a profile's type scheme, label and decimals.

mod common;
use common::{sample_all_one_sheet, sheet_rows, Workdir};

fn first_column(rows: &[Vec<String>]) -> Vec<String> {
    rows[1..].iter().map(|r| r[0].clone()).collect()
}

const JIANGSU: &str = "\
江苏省政务新媒体备案台账(截至2020年3月20日)
账号ID,名称,类型,开设主体,层级,所属地区,主体类别,状态
JS01,江苏发布,微信,江苏省人民政府办公厅,省级,,政府,正常
JS02,昆山发布,微信,昆山市人民政府,县级,昆山市,政府,正常
JS03,江阴发布,微博,江阴市人民政府,县级,江阴,政府,正常
JS04,玄武发布,微信,南京市玄武区人民政府,县级,南京市玄武区,政府,正常
JS05,园区发布,微信,苏州工业园区管理委员会,县级,苏州工业园区,部门,正常
JS06,鼓楼发布,微信,徐州市鼓楼区人民政府,县级,鼓楼区,政府,正常
JS07,鼓楼某局,微信,某某局,县级,鼓楼区,部门,正常
JS08,上海发布,微信,上海市人民政府,市级,上海市,政府,正常
JS09,南京发布,微博,南京市人民政府,市级,南京市,政府,正常
JS10,海门发布,微信,海门市人民政府,县级,海门市,政府,正常
";

/// Issue #14, cases 1–3: counties, "XX市XX区", a functional zone, a renamed county, a district
/// two cities share (settled by the owner, or refused), another province's city; the province
/// and the 截至 date come from the title row; the city table lists Jiangsu's 13 cities in order.
#[test]
fn jiangsu_regions_resolve_and_the_city_table_is_the_provinces() {
    let w = Workdir::new();
    w.write("js.csv", JIANGSU);
    // 2 of 10 rows refused on purpose (a shared name, another province's city).
    w.run(&[
        "import",
        "js.csv",
        "--campaign",
        "2020Q1",
        "--max-rejects",
        "20",
    ])
    .ok()
    .stdout_has("省份: 江苏省(依据: 台账标题行)")
    .stdout_has("统计截止: 2020-03-20(依据: 台账标题行)");
    let m = w.read("2020Q1/campaign.toml");
    assert!(m.contains("province = \"江苏省\""), "{m}");
    let rej = w.csv("2020Q1/rejects.csv");
    let reasons: Vec<String> = rej[1..].iter().map(|r| r[3].clone()).collect();
    assert_eq!(reasons, ["地区有歧义", "不属于本省"], "{rej:?}");
    assert!(rej[1].iter().any(|c| c.contains("南京、徐州")), "{rej:?}");
    assert!(rej[2].iter().any(|c| c.contains("不属于江苏省")), "{rej:?}");
    let reg = w.csv("2020Q1/registry.csv");
    let place = |id: &str| {
        let r = reg.iter().find(|r| r[0] == id).unwrap();
        (r[5].clone(), r[14].clone())
    };
    assert_eq!(place("JS01"), ("省本级".into(), "".into()));
    assert_eq!(place("JS02"), ("苏州".into(), "昆山市".into()));
    assert_eq!(place("JS03"), ("无锡".into(), "江阴市".into()));
    assert_eq!(place("JS04"), ("南京".into(), "玄武区".into()));
    assert_eq!(place("JS05").0, "苏州");
    assert_eq!(place("JS06"), ("徐州".into(), "鼓楼区".into()));
    assert_eq!(place("JS09"), ("南京".into(), "".into()));
    assert_eq!(place("JS10").0, "南通");

    sample_all_one_sheet(&w, "2020Q1", &["--min-per-stratum", "1", "--seed", "1"]);
    w.run(&["report", "--campaign", "2020Q1", "--allow-incomplete"])
        .ok();
    let t = w.csv("2020Q1/report/csv/合格率_开设主体.csv");
    let mut expected = vec!["省级部门单位".to_string()];
    expected.extend(common::JIANGSU_CITIES.iter().map(|c| c.to_string()));
    expected.extend(["设区市合计".to_string(), "全省".to_string()]);
    assert_eq!(first_column(&t), expected);
    // Every account in operation was drawn (--rate 1): a census, worded 全覆盖检查 (#21), with
    // nothing to estimate.
    let md = w.read("2020Q1/report/通报草稿.md");
    assert!(
        md.contains("关于2020年第一季度政务新媒体全覆盖检查情况的通报"),
        "{md}"
    );
    assert!(md.contains("截至2020年3月20日"), "{md}");
    assert!(md.contains("附件：2020年第一季度全覆盖检查存在“单项否决”问题政务新媒体名单"));
    let draft = md.split("## 附表").next().unwrap();
    assert!(!draft.contains("抽查"), "{draft}");
    assert!(
        !md.contains("加权推算"),
        "the estimate is not part of the notice"
    );
    let note = w.read("2020Q1/report/抽样说明.md");
    assert!(note.contains("不需要也不作加权推算"), "{note}");
    assert!(!note.contains("设计加权估计"), "{note}");
}

const GUIZHOU_PROFILE: &str = r#"
province = "贵州"
prefecture_label = "市(州)"
rate_decimals = 2
[types]
order = ["微信", "微博", "抖音", "今日头条", "其他"]
[types.aliases]
"微信公众号" = "微信"
"新浪微博" = "微博"
"抖音短视频" = "抖音"
"头条号" = "今日头条"
[regions.aliases]
"经开区" = "贵阳"
"#;

const GUIZHOU: &str = "\
账号ID,名称,类型,开设主体,层级,所属地区,主体类别,状态
GZ01,贵州发布,微信公众号,贵州省人民政府办公厅,省级,,政府,正常
GZ02,贵州微博,新浪微博,贵州省人民政府办公厅,省级,,政府,正常
GZ03,贵州抖音,抖音短视频,贵州省人民政府办公厅,省级,,政府,正常
GZ04,贵阳发布,微信公众号,贵阳市人民政府,市级,贵阳市,政府,正常
GZ05,南明发布,抖音短视频,南明区人民政府,县级,南明区,政府,正常
GZ06,遵义头条,头条号,遵义市人民政府,市级,遵义市,政府,正常
GZ07,凯里发布,微信公众号,凯里市人民政府,县级,凯里市,政府,正常
GZ08,经开发布,快手,贵阳经济技术开发区管委会,县级,经开区,部门,正常
GZ09,杭州发布,微信公众号,杭州市人民政府,市级,杭州市,政府,正常
";

/// Import the Guizhou registry into `gz` with its profile (plus `extra` arguments).
fn import_guizhou(w: &Workdir, extra: &[&str]) -> common::Run {
    w.write("gz.toml", GUIZHOU_PROFILE);
    w.write("gz.csv", GUIZHOU);
    let mut args = vec![
        "import",
        "gz.csv",
        "--campaign",
        "gz",
        "--profile",
        "gz.toml",
        // 1 of 9 rows (杭州, another province's) refused on purpose.
        "--max-rejects",
        "12",
    ];
    args.extend_from_slice(extra);
    w.run(&args)
}

/// Issue #14, case 8: a province with autonomous prefectures, its own type scheme (by
/// platform), the label 市(州) and two-decimal rates, by configuration alone.
#[test]
fn a_profile_sets_types_label_and_order() {
    let w = Workdir::new();
    import_guizhou(&w, &[])
        .ok()
        .stdout_has("省份: 贵州省(依据: --profile)")
        .stderr_has("已归入 其他: 快手 1 个");
    assert!(w.exists("gz/profile.toml"));
    let rej = w.csv("gz/rejects.csv");
    assert_eq!(rej.len(), 2, "{rej:?}");
    assert!(rej[1].iter().any(|c| c.contains("不属于贵州省")), "{rej:?}");
    let reg = w.csv("gz/registry.csv");
    let row = |id: &str| reg.iter().find(|r| r[0] == id).unwrap().clone();
    assert_eq!(
        (row("GZ03")[2].as_str(), row("GZ03")[8].as_str()),
        ("抖音", "抖音短视频")
    );
    assert_eq!(row("GZ06")[2], "今日头条");
    assert_eq!(
        (row("GZ08")[2].as_str(), row("GZ08")[5].as_str()),
        ("其他", "贵阳")
    );
    assert_eq!(row("GZ07")[5], "黔东南州");
    // A profile edited after import is refused, not silently used.
    let kept = w.read("gz/profile.toml");
    w.write(
        "gz/profile.toml",
        &kept.replace("rate_decimals = 2", "rate_decimals = 1"),
    );
    w.run(&[
        "import",
        "gz.csv",
        "--campaign",
        "gz2",
        "--previous",
        "gz",
        "--max-rejects",
        "12",
    ])
    .fails()
    .stderr_has("profile.toml");
    w.write("gz/profile.toml", &kept);
}

/// The profile's scheme, label and decimals reach every table and the draft.
#[test]
fn a_profile_campaign_reports_by_its_scheme_with_two_decimals() {
    let w = Workdir::new();
    import_guizhou(&w, &[]).ok();
    sample_all_one_sheet(&w, "gz", &["--seed", "1"]);
    // Two of the three provincial accounts pass: 66.67%.
    w.fill("gz/sheets/gz_检查员01.xlsx", "filled.xlsx")
        .all_pass("2020-03-25")
        .set("GZ02", "V6", "是")
        .set("GZ02", "问题描述", "证据")
        .save();
    w.run(&["collect", "--campaign", "gz", "filled.xlsx"]).ok();
    w.run(&["report", "--campaign", "gz"]).ok();
    let by_type = w.csv("gz/report/csv/合格率_类型.csv");
    assert_eq!(
        first_column(&by_type),
        ["微信", "微博", "抖音", "今日头条", "其他"]
    );
    let by_owner = w.csv("gz/report/csv/合格率_开设主体.csv");
    let rows = first_column(&by_owner);
    assert_eq!(rows[0], "省级部门单位");
    assert_eq!(rows[1], "贵阳");
    assert_eq!(rows[rows.len() - 2], "市(州)合计");
    assert_eq!(rows.len(), 1 + 9 + 2, "{rows:?}");
    let provincial = &by_owner[1];
    // Three accounts: the rate carries the small-base mark, in the table and the draft.
    assert_eq!(provincial.last().unwrap(), "66.67%＊", "{provincial:?}");
    let md = w.read("gz/report/通报草稿.md");
    assert!(md.contains("省级部门单位政务新媒体合格率66.67%＊"), "{md}");
    // The draft's punctuation is full-width: 市(州) reads 市（州）.
    assert!(md.contains("市（州）政务新媒体合格率100%。"), "{md}");
    assert!(md.contains("注：带＊的比率所依据的账号不足5个"), "{md}");
    assert!(
        md.contains("按政务新媒体类型分，微信3个，微博1个，抖音2个，今日头条1个，其他类型1个。"),
        "{md}"
    );
}

/// Issue #14, case 6: inspectors see the registry's link columns, and accounts sharing name and
/// type in one workbook are flagged.
#[test]
fn workbooks_show_what_finds_an_account() {
    let w = Workdir::new();
    w.write(
        "reg.csv",
        "\
账号ID,名称,类型,开设主体,层级,所属地区,账号链接,微信号,粉丝数,备注
A1,江苏发布,微信,江苏省人民政府办公厅,省级,,https://mp.weixin.qq.com/a,jsfb,10,
A2,江苏发布,微信,江苏省交通运输厅,省级,,https://mp.weixin.qq.com/b,jsjt,20,
A3,南京发布,微博,南京市人民政府,市级,南京市,https://weibo.com/njfb,,30,新开
",
    );
    w.run(&["import", "reg.csv", "--campaign", "c", "--province", "江苏"])
        .ok();
    w.run(&["sample", "--campaign", "c", "--rate", "1", "--seed", "1"])
        .ok();
    w.run(&[
        "sheet",
        "--campaign",
        "c",
        "--inspectors",
        "1",
        "--show",
        "粉丝",
    ])
    .fails()
    .stderr_has("--show \"粉丝\" 不是台账中的列;可显示的列: 账号链接、微信号、粉丝数、备注");
    w.run(&["sheet", "--campaign", "c", "--inspectors", "1"])
        .ok();
    let table = sheet_rows(&w, "c/sheets/c_检查员01.xlsx");
    let (header, rows) = (&table[0], &table[1..]);
    let n = header.len();
    assert_eq!(header[n - 3..], ["账号链接", "微信号", "备注"]);
    let a1 = rows.iter().find(|r| r[0] == "A1").unwrap();
    assert_eq!(a1[n - 3], "https://mp.weixin.qq.com/a");
    assert!(a1[n - 1].contains("2 个同名同类型账号"), "{a1:?}");
    let a3 = rows.iter().find(|r| r[0] == "A3").unwrap();
    assert_eq!(a3[n - 1], "");
    w.run(&[
        "sheet",
        "--campaign",
        "c",
        "--inspectors",
        "1",
        "--show",
        "粉丝数,备注",
        "--force",
    ])
    .ok();
    // The registry's 备注 is marked as the registry's beside the workbook's own.
    let table = sheet_rows(&w, "c/sheets/c_检查员01.xlsx");
    let header = &table[0];
    let n = header.len();
    assert_eq!(header[n - 3..], ["粉丝数", "备注(台账)", "备注"]);
    let a3 = table.iter().find(|r| r[0] == "A3").unwrap();
    assert_eq!(a3[n - 2], "新开");
}

/// From an attack on the province work: a wrong province, another province's previous quarter,
/// a hand-edited province and an impossible title date are each refused or named.
#[test]
fn wrong_provinces_and_dates_are_refused() {
    let w = Workdir::new();
    w.write("js.csv", JIANGSU);
    w.run(&[
        "import",
        "js.csv",
        "--campaign",
        "wrong",
        "--province",
        "上海",
    ])
    .fails()
    .stderr_has("省份可能不对");
    assert!(
        !w.exists("wrong"),
        "a refused first import leaves no folder"
    );
    w.run(&[
        "import",
        "js.csv",
        "--campaign",
        "2020Q1",
        "--max-rejects",
        "20",
    ])
    .ok();
    import_guizhou(&w, &["--previous", "2020Q1"])
        .fails()
        .stderr_has("上期项目是江苏省的,本期台账是贵州省的");
    // A hand-edited province no longer matches the registry's regions.
    sample_all_one_sheet(&w, "2020Q1", &["--min-per-stratum", "1"]);
    let m = w.read("2020Q1/campaign.toml");
    w.write(
        "2020Q1/campaign.toml",
        &m.replace("province = \"江苏省\"", "province = \"上海市\""),
    );
    w.run(&["report", "--campaign", "2020Q1", "--allow-incomplete"])
        .fails()
        .stderr_has("不是上海市的")
        .stderr_has("可能被改动过");
    w.write("2020Q1/campaign.toml", &m);
    // An impossible 截至 date is named, not taken for none.
    w.write(
        "bad_date.csv",
        &JIANGSU.replace("截至2020年3月20日", "截至2020年2月30日"),
    );
    w.run(&[
        "import",
        "bad_date.csv",
        "--campaign",
        "d",
        "--max-rejects",
        "20",
    ])
    .ok()
    .stderr_has("标题行中的截至日期\"2020年2月30日\"不是有效日期");
}
