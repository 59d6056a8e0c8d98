//! `audit sheet --monitor` with an office's export as it comes (#20): rows without 账号ID for
//! township accounts whose names repeat across counties, a vendor's column names, a profile's
//! `[monitor.columns]`, and an export from another quarter.

mod common;
use common::Workdir;

/// A Sichuan registry: 民主乡人民政府 (微信) in three counties of two prefectures, two 城关镇
/// accounts, and accounts whose names are unique. T2 and T3 are excluded from the sample.
const REGISTRY: &str = "\
账号ID,名称,类型,开设主体,层级,所属地区
T1,民主乡人民政府,微信公众号,金堂县民主乡人民政府,县级,成都市金堂县
T2,民主乡人民政府,微信,大邑县民主乡人民政府,县级,成都市大邑县
T3,民主乡人民政府,微信,三台县民主乡人民政府,县级,绵阳市三台县
C1,城关镇人民政府,微博,金堂县城关镇人民政府,县级,成都市金堂县
C2,城关镇人民政府,微博,三台县城关镇人民政府,县级,绵阳市三台县
U1,金堂发布,微信,金堂县人民政府,县级,成都市金堂县
U2,大邑发布,新浪微博,大邑县人民政府,县级,成都市大邑县
D1,三台发布,抖音短视频,三台县人民政府,县级,绵阳市三台县
";

/// Import the registry into `dir` (quarter 2020Q1), with `profile` when given, and sample every
/// account but T2 and T3.
fn township_campaign(w: &Workdir, dir: &str, profile: Option<&str>) {
    w.write("reg.csv", REGISTRY);
    w.write("exclude.csv", "账号ID\nT2\nT3\n");
    let mut import = vec!["import", "reg.csv", "--campaign", dir, "--period", "2020Q1"];
    match profile {
        Some(p) => import.extend(["--profile", p]),
        None => import.extend(["--province", "四川"]),
    }
    w.run(&import).ok();
    w.run(&[
        "sample",
        "--campaign",
        dir,
        "--rate",
        "1",
        "--exclude",
        "exclude.csv",
        "--seed",
        "1",
    ])
    .ok();
    let ids: Vec<String> = w.csv(&format!("{dir}/sample.csv"))[1..]
        .iter()
        .map(|r| r[0].clone())
        .collect();
    assert!(ids.contains(&"T1".to_string()) && !ids.contains(&"T2".to_string()));
}

/// `sheet --force --monitor FILE` plus `extra`.
fn sheet(w: &Workdir, dir: &str, file: &str, extra: &[&str]) -> common::Run {
    let mut args = vec!["sheet", "--campaign", dir, "--force", "--monitor", file];
    args.extend_from_slice(extra);
    w.run(&args)
}

/// (账号ID, code, value, evidence) of every pre-fill.
fn prefills(w: &Workdir, dir: &str) -> Vec<(String, String, String, String)> {
    w.csv(&format!("{dir}/monitor_prefill.csv"))[1..]
        .iter()
        .map(|r| {
            let code = r[1].split(' ').next().unwrap().to_string();
            (r[0].clone(), code, r[2].clone(), r[3].clone())
        })
        .collect()
}

/// (row, reason) of every unmatched row.
fn unmatched(w: &Workdir, dir: &str) -> Vec<(String, String)> {
    w.csv(&format!("{dir}/monitor_unmatched.csv"))[1..]
        .iter()
        .map(|r| (r[0].clone(), r[4].clone()))
        .collect()
}

#[test]
fn a_row_without_id_never_prefills_another_accounts_evidence() {
    let w = Workdir::new();
    township_campaign(&w, "c", None);
    // No id, no owner, no region. Row 2 is T2's (not sampled, stale for 57 days), row 3 is
    // T1's (updated 2 days before): neither can be told from the other township accounts of
    // that name, so neither pre-fills T1. (Until #20 row 2 pre-filled T1 with V6=是 "57 天",
    // and T1's own row was dropped as a second row for the same account.)
    w.write(
        "mon.csv",
        "\
账号名称,平台类型,最近更新时间,超期未回复数,监测时间
民主乡人民政府,微信,2020-01-25,3,2020-03-22
民主乡人民政府,微信公众号,2020-03-20,0,2020-03-22
金堂发布,微信公众号,2020-03-20,0,2020-03-22
大邑发布,新浪微博,2020-02-01,1,2020-03-22
城关镇人民政府,微博,2020-01-01,0,2020-03-22
",
    );
    sheet(&w, "c", "mon.csv", &[])
        .ok()
        .stdout_has("匹配样本账号 2 个,预填 4 项")
        .stdout_has("3 行未匹配到样本账号")
        .stdout_has("同名账号无法区分 3 行");
    let pre = prefills(&w, "c");
    assert!(
        pre.iter().all(|p| p.0 == "U1" || p.0 == "U2"),
        "only the unique names are pre-filled: {pre:?}"
    );
    let got: Vec<(&str, &str, &str)> = pre
        .iter()
        .map(|p| (p.0.as_str(), p.1.as_str(), p.2.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("U1", "V6", "否"),
            ("U1", "V8", "否"),
            ("U2", "V6", "是"),
            ("U2", "V8", "是")
        ]
    );
    let un = unmatched(&w, "c");
    assert_eq!(un.len(), 3);
    assert_eq!(un[0].0, "2");
    assert_eq!(
        un[0].1,
        "同名账号 3 个(名称、类型都相同),无法确定是哪一个;请在监测数据中给出账号ID(或在该行填上 开设主体、所属地区)"
    );
    assert_eq!(un[1].0, "3", "T1's own row is not dropped as a duplicate");
    assert!(un[2].1.starts_with("同名账号 2 个"), "{un:?}");
    let rows = common::sheet_rows(&w, "c/sheets/c_检查员01.xlsx");
    let col = rows[0].iter().position(|h| h.starts_with("V6")).unwrap();
    let t1 = rows.iter().find(|r| r[0] == "T1").unwrap();
    assert_eq!(t1[col], "", "T1 is left to the inspector");

    // 开设主体 settles it: T1's row is T1's, T2's row is T2's (outside the sample). The vendor's
    // own column names (最后发文时间, 超期未回复) are built in.
    w.write(
        "owner.csv",
        "\
账号名称,平台类型,开设主体,最后发文时间,超期未回复,监测时间
民主乡人民政府,微信,大邑县民主乡人民政府,2020-01-25,3,2020-03-22
民主乡人民政府,微信公众号,金堂县民主乡人民政府,2020-03-20,0,2020-03-22
城关镇人民政府,微博,三台县城关镇人民政府,2020-01-01,0,2020-03-22
",
    );
    sheet(&w, "c", "owner.csv", &[])
        .ok()
        .stdout_has("匹配样本账号 2 个,预填 4 项");
    let pre = prefills(&w, "c");
    let t1: Vec<&(String, String, String, String)> = pre.iter().filter(|p| p.0 == "T1").collect();
    assert_eq!(t1[0].1, "V6");
    assert_eq!(t1[0].2, "否");
    assert_eq!(t1[0].3, "最后更新 2020-03-20,距监测时间 2020-03-22 2 天");
    assert!(pre
        .iter()
        .any(|p| p.0 == "C2" && p.1 == "V6" && p.2 == "是"));
    assert_eq!(
        unmatched(&w, "c"),
        [(
            "2".to_string(),
            "名称、类型、开设主体对应台账中的账号 T2,它不在本期样本中".to_string()
        )]
    );

    // 所属地区 narrows too: a county settles it, a prefecture with two such towns does not.
    w.write(
        "region.csv",
        "\
名称,类型,所属地区,最近1次更新时间,逾期未回复,监测时间
民主乡人民政府,微信,成都市,2020-01-25,3,2020-03-22
民主乡人民政府,微信,成都市金堂县,2020-03-20,0,2020-03-22
",
    );
    sheet(&w, "c", "region.csv", &[])
        .ok()
        .stdout_has("匹配样本账号 1 个,预填 2 项");
    assert!(prefills(&w, "c").iter().all(|p| p.0 == "T1" && p.2 == "否"));
    assert!(unmatched(&w, "c")[0]
        .1
        .starts_with("同名账号 2 个(名称、类型、所属地区都相同)"));
}

#[test]
fn vendor_columns_prefill_or_are_named_and_a_profile_maps_them() {
    let w = Workdir::new();
    township_campaign(&w, "c", None);
    // The vendors' spellings are built in.
    w.write(
        "vendor.csv",
        "账号ID,最近1次更新时间,逾期未回复,监测时间\nU1,2020-03-01,2,2020-03-22\n",
    );
    sheet(&w, "c", "vendor.csv", &[])
        .ok()
        .stdout_has("预填 2 项");
    let pre = prefills(&w, "c");
    assert_eq!(
        (pre[0].1.as_str(), pre[0].2.as_str(), pre[1].1.as_str()),
        ("V6", "是", "V8")
    );
    assert_eq!(pre[1].3, "超期未回复留言 2 条");
    // An office's own spellings: named, with the closest names, the profile line that would
    // map them, and the rules left without evidence.
    w.write(
        "own.csv",
        "账号ID,最后发文日,超时未复,推送末次时刻,序号,监测时间\nU1,2020-03-01,2,2020-03-01,1,2020-03-22\n",
    );
    sheet(&w, "c", "own.csv", &[])
        .ok()
        .stdout_has("预填 0 项")
        .stderr_has("V6(监测时间点前2周内无更新)不会预填: 监测数据没有“最近更新时间”列")
        .stderr_has("V8(")
        .stderr_has("没有“未回复数”列")
        .stderr_has("“最后发文日”(最接近: 最后发文日期")
        .stderr_has("在画像中加 [monitor.columns] \"最后发文日\" = \"最近更新时间\"")
        .stderr_has("在画像中加 [monitor.columns] \"超时未复\" = \"未回复数\"")
        .stdout_has("未使用的列: 推送末次时刻、序号");
    // An export whose columns all go unrecognised names them too.
    w.write("none.csv", "账号ID,最后发文日,超时未复\nU1,2020-03-01,2\n");
    sheet(&w, "c", "none.csv", &[])
        .fails()
        .stderr_has("前 30 行中找不到监测数据的表头")
        .stderr_has("第 1 行像是表头,未识别的列: “最后发文日”(最接近: 最后发文日期");

    // A profile maps the office's own headers, and its types apply to the export's rows.
    w.write(
        "profile.toml",
        "\
province = \"四川\"
[types]
order = [\"微信\", \"微博\", \"抖音\", \"其他\"]
[types.aliases]
\"微信公众号\" = \"微信\"
\"新浪微博\" = \"微博\"
\"抖音短视频\" = \"抖音\"
[monitor.columns]
\"推送末次时刻\" = \"最近发布时间\"
\"超时未复\" = \"超期未回复数\"
",
    );
    // A line that maps to nothing the pre-fill reads is refused at import, by name.
    w.write(
        "bad.toml",
        "province = \"四川\"\n[monitor.columns]\n\"推送末次时刻\" = \"推送时间\"\n",
    );
    w.run(&["import", "reg.csv", "--campaign", "b", "--profile", "bad.toml"])
        .fails()
        .stderr_has("bad.toml: [monitor.columns] “推送末次时刻”指向“推送时间”,但“推送时间”不是监测数据的列;可用: 账号ID、名称、类型、平台、开设主体、地区、最近更新时间");
    assert!(!w.exists("b"));
    township_campaign(&w, "p", Some("profile.toml"));
    w.write(
        "mapped.csv",
        "名称,类型,推送末次时刻,超时未复,监测时间\n三台发布,抖音短视频,2020-03-01,0,2020-03-22\n",
    );
    sheet(&w, "p", "mapped.csv", &[])
        .ok()
        .stdout_has("匹配样本账号 1 个,预填 2 项");
    let pre = prefills(&w, "p");
    assert_eq!(
        pre[0].0, "D1",
        "抖音短视频 is 抖音 under the profile, as import has it"
    );
    assert_eq!(pre[0].3, "最后更新 2020-03-01,距监测时间 2020-03-22 21 天");
    assert_eq!((pre[1].1.as_str(), pre[1].2.as_str()), ("V8", "否"));
}

#[test]
fn an_export_from_another_quarter_is_refused_unless_taken_by_name() {
    let w = Workdir::new();
    township_campaign(&w, "c", None);
    let manifest = w.read("c/campaign.toml");
    w.write(
        "old.csv",
        "账号ID,最近更新时间,监测时间\nU1,2017-03-20,2017-03-22\nU2,2020-03-20,2020-03-22\n",
    );
    sheet(&w, "c", "old.csv", &[])
        .fails()
        .stderr_has("old.csv: 监测数据可能不是本期的: 2 行中 1 行的监测时间(2017-03-22,第一处: 第 2 行 2017-03-22)不在本期 2020Q1 的监测时段 2019-12-01 至 2020-05-01(季度前后各 31 天)内")
        .stderr_has("--monitor-any-date");
    // A monitoring time given on the command line is checked the same way.
    w.write("untimed.csv", "账号ID,最近更新时间\nU1,2020-03-20\n");
    sheet(&w, "c", "untimed.csv", &["--monitor-at", "2021-03-22"])
        .fails()
        .stderr_has("1 行中 1 行的监测时间(2021-03-22");
    // So is an export in which nothing was posted since long before the quarter.
    w.write(
        "posts.csv",
        "账号ID,最近更新时间\nU1,2017-03-20\nU2,2017-01-02\n",
    );
    sheet(&w, "c", "posts.csv", &["--monitor-at", "2020-03-22"])
        .fails()
        .stderr_has("所有账号的最近更新时间都早于 2019-12-01(最晚的是 2017-03-20)");
    assert_eq!(
        w.read("c/campaign.toml"),
        manifest,
        "a refusal changes nothing"
    );
    // Taken by name: the pre-fills are made, the console and the manifest say what was taken.
    sheet(&w, "c", "old.csv", &["--monitor-any-date"])
        .ok()
        .stdout_has("匹配样本账号 2 个")
        .stderr_has("警告: 按 --monitor-any-date 仍然预填,但2 行中 1 行的监测时间(2017-03-22");
    assert!(w
        .read("c/campaign.toml")
        .contains("outside_window = \"2 行中 1 行的监测时间(2017-03-22"));
    // An export of the quarter passes.
    w.write(
        "now.csv",
        "账号ID,最近更新时间,监测时间\nU1,2020-03-20,2020-03-22\n",
    );
    sheet(&w, "c", "now.csv", &[]).ok().stdout_has("预填 1 项");
    assert!(!w.read("c/campaign.toml").contains("outside_window"));
}

/// The README's table of monitoring columns is the code's list (`Column::aliases`), spelling for
/// spelling, so the documentation cannot drift from the one definition.
#[test]
fn the_readme_lists_the_built_in_spellings() {
    use audit::domain::monitor::cells::Column;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for c in Column::ALL {
        let line = readme
            .lines()
            .find(|l| l.starts_with(&format!("| {} | ", c.label())))
            .unwrap_or_else(|| panic!("README has no row for {}", c.label()));
        let listed: Vec<&str> = line.split(" | ").nth(1).unwrap().split(", ").collect();
        assert_eq!(listed, c.aliases()[1..], "README row of {}", c.label());
    }
}

/// `audit profile init FILE --monitor EXPORT` drafts `[monitor.columns]` from the vendor's
/// header: the built-in spellings understood, the vendor's own a commented line each with the
/// closest names, the rules left without evidence named. As drafted the profile imports and the
/// unknown column pre-fills nothing; with its line filled in, it pre-fills V8.
#[test]
fn profile_init_drafts_the_monitoring_columns() {
    let w = Workdir::new();
    w.write("reg.csv", REGISTRY);
    w.write(
        "own.csv",
        "序号,账号ID,最后发文时间,超时未复,监测时间\n1,U1,2020-03-01,2,2020-03-22\n",
    );
    w.run(&[
        "profile", "init", "reg.csv", "--monitor", "own.csv", "--out", "p.toml",
    ])
    .ok()
    .stdout_has("省份: 四川省")
    .stdout_has("监测数据 own.csv(表头在第 1 行)识别的列: 账号ID ← \"账号ID\",最近更新时间 ← \"最后发文时间\",监测时间 ← \"监测时间\"")
    .stdout_has("监测数据中有 2 列未识别: “序号”、“超时未复”(最接近:")
    .stderr_has("V8(")
    .stderr_has("没有“未回复数”列");
    let draft = w.read("p.toml");
    for line in [
        "# 监测数据 own.csv 第 1 行表头的每一列",
        "\n[monitor.columns]",
        "# \"账号ID\": 账号ID",
        "# \"最后发文时间\": 最近更新时间",
        "# \"超时未复\" = \"\"   # ? 未识别;最接近:",
    ] {
        assert!(draft.contains(line), "{line}:\n{draft}");
    }
    // As drafted: a valid profile; the vendor's 超时未复 means nothing yet.
    township_campaign(&w, "a", Some("p.toml"));
    sheet(&w, "a", "own.csv", &[])
        .ok()
        .stdout_has("预填 1 项")
        .stderr_has("没有“未回复数”列");
    // The user uncomments the line and names the column.
    let filled = draft.replace("# \"超时未复\" = \"\"", "\"超时未复\" = \"未回复数\"");
    assert_ne!(filled, draft);
    w.write("p.toml", &filled);
    township_campaign(&w, "b", Some("p.toml"));
    sheet(&w, "b", "own.csv", &[]).ok().stdout_has("预填 2 项");
    let pre = prefills(&w, "b");
    assert_eq!(pre[1].1, "V8");
    assert_eq!(pre[1].3, "超期未回复留言 2 条");
    // The draft never replaces the export it reads; an export with no header is named.
    w.run(&[
        "profile",
        "init",
        "reg.csv",
        "--monitor",
        "own.csv",
        "--out",
        "own.csv",
        "--force",
    ])
    .fails()
    .stderr_has("--out 不能是监测数据文件本身");
    w.write("notes.csv", "说明\n这是一份说明\n");
    w.run(&[
        "profile",
        "init",
        "reg.csv",
        "--monitor",
        "notes.csv",
        "--out",
        "q.toml",
    ])
    .fails()
    .stderr_has("notes.csv: 前 30 行中找不到监测数据的表头");
    assert!(!w.exists("q.toml"));
    assert_eq!(w.read("own.csv").lines().count(), 2);
}
