//! `audit sheet --monitor`: pre-filling veto items from a monitoring export, and what collect and
//! report make of the pre-fills.

mod common;
use common::xlsx_edit::Value;
use common::{campaign, days_from_today, Workdir};

const WB1: &str = "c/sheets/c_检查员01.xlsx";

/// A sampled account: id, name, type.
struct Sampled {
    id: String,
    name: String,
    kind: String,
}

/// Sampled accounts in sample order; the third has a name and type no other account of the
/// registry has (a row without an id matches only such an account).
fn sampled(w: &Workdir) -> Vec<Sampled> {
    let registry = w.csv("c/registry.csv");
    let rcol = |h: &str| registry[0].iter().position(|x| x == h).unwrap();
    let (rname, rkind) = (rcol("名称"), rcol("类型"));
    let rows = w.csv("c/sample.csv");
    let col = |h: &str| rows[0].iter().position(|x| x == h).unwrap();
    let (id, name, kind) = (col("账号ID"), col("名称"), col("类型"));
    let all: Vec<Sampled> = rows[1..]
        .iter()
        .map(|r| Sampled {
            id: r[id].clone(),
            name: r[name].clone(),
            kind: r[kind].clone(),
        })
        .collect();
    let unique = |s: &Sampled| {
        registry[1..]
            .iter()
            .filter(|r| r[rname] == s.name && r[rkind] == s.kind)
            .count()
            == 1
    };
    let third = all.iter().skip(2).position(unique).unwrap() + 2;
    let mut out: Vec<Sampled> = all;
    out.swap(2, third);
    out
}

/// A monitoring export in GBK (as Excel on a Chinese Windows saves a CSV), with a title row and
/// the boundary cases: 13 and 14 days, 0 and 1 unanswered, a date as text, a row matched by name
/// and type, a row for no sampled account and a second row for the same account.
fn write_export(w: &Workdir, s: &[Sampled]) {
    let text = format!(
        "某监测平台数据导出,,,,,,,\r\n\
         账号ID,账号名称,类型,最近更新时间,留言数,超期未回复数,互动功能状态,监测日期\r\n\
         {a0},,,2020-03-09 18:30,5,0,正常,2020-03-22\r\n\
         {a1},,,2020年3月8日,2条,1,异常,\r\n\
         ,{n2},{t2},2020/3/20 10:30,,,,2020-03-22\r\n\
         NOPE-1,不在样本中,微信,2020-01-01,0,0,正常,2020-03-22\r\n\
         {a0},,,2020-01-01,9,9,异常,2020-03-22\r\n",
        a0 = s[0].id,
        a1 = s[1].id,
        n2 = s[2].name,
        t2 = s[2].kind,
    );
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    std::fs::write(w.path("mon.csv"), gbk).unwrap();
}

/// A campaign of one workbook, pre-filled from the boundary export.
fn prefilled_campaign() -> (Workdir, Vec<Sampled>) {
    let w = Workdir::new();
    campaign(&w, 300, 12, 1);
    let s = sampled(&w);
    write_export(&w, &s);
    w.run(&[
        "sheet",
        "--campaign",
        "c",
        "--force",
        "--monitor",
        "mon.csv",
        "--monitor-at",
        "2020-03-22",
    ])
    .ok()
    .stdout_has("匹配样本账号 3 个,预填 7 项")
    .stdout_has("2 行未匹配到样本账号");
    (w, s)
}

fn cells_of(w: &Workdir, file: &str, sheet: &str) -> Vec<Vec<String>> {
    use calamine::{open_workbook_auto, Reader};
    let mut wb = open_workbook_auto(w.path(file)).unwrap();
    let r = wb.worksheet_range(sheet).unwrap();
    r.rows()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[test]
fn prefills_follow_the_rules_at_each_boundary() {
    let (w, s) = prefilled_campaign();
    let pre = w.csv("c/monitor_prefill.csv");
    let got: Vec<(String, String, String)> = pre[1..]
        .iter()
        .map(|r| {
            (
                r[0].clone(),
                r[1].split(' ').next().unwrap().to_string(),
                r[2].clone(),
            )
        })
        .collect();
    let want = |id: &str, code: &str, v: &str| (id.to_string(), code.to_string(), v.to_string());
    let mut expected = vec![
        want(&s[0].id, "V6", "否"),
        want(&s[0].id, "V7", "否"),
        want(&s[0].id, "V8", "否"),
        want(&s[1].id, "V6", "是"),
        want(&s[1].id, "V7", "是"),
        want(&s[1].id, "V8", "是"),
        want(&s[2].id, "V6", "否"),
    ];
    let mut got_sorted = got.clone();
    got_sorted.sort();
    expected.sort();
    assert_eq!(got_sorted, expected);
    let evidence = |id: &str, code: &str| {
        pre.iter()
            .find(|r| r[0] == id && r[1].starts_with(code))
            .map(|r| r[3].clone())
            .unwrap()
    };
    assert_eq!(
        evidence(&s[0].id, "V6"),
        "最后更新 2020-03-09,距监测时间 2020-03-22 13 天"
    );
    assert_eq!(
        evidence(&s[1].id, "V6"),
        "最后更新 2020-03-08,距监测时间 2020-03-22 14 天",
        "a date given as text, the time from --monitor-at"
    );
    assert_eq!(
        evidence(&s[0].id, "V8"),
        "超期未回复留言 0 条(收到留言 5 条)"
    );
    assert_eq!(
        evidence(&s[1].id, "V8"),
        "超期未回复留言 1 条(收到留言 2 条)"
    );
    let unmatched = w.csv("c/monitor_unmatched.csv");
    assert_eq!(unmatched[0], ["行号", "账号ID", "名称", "类型", "原因"]);
    assert_eq!(unmatched[1][..2], ["6".to_string(), "NOPE-1".to_string()]);
    assert_eq!(unmatched[1][4], "账号ID不在台账中");
    assert_eq!(unmatched[2][4], "与第 3 行是同一个账号,已用第 3 行");
    // The workbook: pre-filled cells carry the answer, the evidence column says why.
    let rows = cells_of(&w, WB1, "检查表");
    let col = |h: &str| rows[0].iter().position(|x| x.starts_with(h)).unwrap();
    let row = |id: &str| rows.iter().find(|r| r[0] == id).unwrap();
    assert_eq!(row(&s[1].id)[col("V6")], "是");
    assert_eq!(
        row(&s[1].id)[col("V1")],
        "",
        "items without a rule stay blank"
    );
    assert_eq!(row(&s[2].id)[col("V7")], "", "no evidence, no pre-fill");
    assert!(row(&s[1].id)[col("预填依据")].contains("V7:互动功能异常"));
    let hidden = cells_of(&w, WB1, "_audit_prefill");
    assert_eq!(hidden.len(), 8, "header and seven pre-fills: {hidden:?}");
    // A workbook returned as issued answers nothing: pre-fills alone are not a check, and the
    // untouched original is named as blank.
    std::fs::copy(w.path(WB1), w.path("asis.xlsx")).unwrap();
    w.run(&["collect", "--campaign", "c", "asis.xlsx"])
        .fails()
        .stdout_has("已检查 0 / 12 个样本账号")
        .stderr_has("asis.xlsx: 是 audit sheet 生成的空白检查表");
    // answers.csv edited by hand (or saved from Excel) is refused, not taken as answers.
    let mut answers = w.read("c/answers.csv");
    answers.push_str("x,y,z,0,0,2,JS0000001\r\n");
    std::fs::write(w.path("c/answers.csv"), answers).unwrap();
    for cmd in [
        &["status", "--campaign", "c"][..],
        &["collect", "--campaign", "c", "asis.xlsx"],
    ] {
        w.run(cmd).fails().stderr_has(
            "answers.csv: 文件已损坏或被改动: 写入后被改动过(SHA-256 与清单记录不一致)",
        );
    }
    // Nor is a missing one taken as "nothing answered yet".
    std::fs::remove_file(w.path("c/answers.csv")).unwrap();
    w.run(&["status", "--campaign", "c"])
        .fails()
        .stderr_has("answers.csv: 文件已损坏或被改动: 文件缺失(清单记录它由 audit collect 写入)");
}

#[test]
fn bad_exports_are_named_and_change_nothing() {
    let w = Workdir::new();
    campaign(&w, 300, 12, 1);
    let s = sampled(&w);
    let manifest = w.read("c/campaign.toml");
    let sheet = |file: &str, extra: &[&str]| {
        let mut args = vec!["sheet", "--campaign", "c", "--force", "--monitor", file];
        args.extend_from_slice(extra);
        w.run(&args)
    };
    let head = "账号ID,最近更新时间,超期未回复数,监测时间\n";
    // A year from today: in the future whenever the tests run.
    let future = days_from_today(365);
    std::fs::write(
        w.path("bad.csv"),
        format!("{head}{},2020-03-01,很多,2020-03-22\n", s[0].id),
    )
    .unwrap();
    sheet("bad.csv", &[]).fails().stderr_has(
        "bad.csv 第 2 行 [超期未回复数]: \"很多\" 无法识别,应为 0 到 1000000 之间的整数",
    );
    std::fs::write(
        w.path("date.csv"),
        format!("{head}{},上周五,0,2020-03-22\n", s[0].id),
    )
    .unwrap();
    sheet("date.csv", &[])
        .fails()
        .stderr_has("第 2 行 [最近更新时间]: \"上周五\" 无法识别,应为 日期");
    std::fs::write(
        w.path("huge.csv"),
        format!("{head}{},2020-03-01,99999999999,2020-03-22\n", s[0].id),
    )
    .unwrap();
    sheet("huge.csv", &[]).fails().stderr_has(
        "huge.csv 第 2 行 [超期未回复数]: \"99999999999\" 无法识别,应为 0 到 1000000 之间的整数",
    );
    std::fs::write(
        w.path("swap.csv"),
        format!(
            "账号ID,留言数,超期未回复数,监测时间\n{},1,5,2020-03-22\n",
            s[0].id
        ),
    )
    .unwrap();
    sheet("swap.csv", &[])
        .fails()
        .stderr_has("swap.csv 第 2 行: 超期未回复数 5 大于留言数 1");
    // Every row at fault is named in one run, not one per run.
    std::fs::write(
        w.path("swaps.csv"),
        format!(
            "账号ID,留言数,超期未回复数,监测时间\n{},1,5,2020-03-22\n{},2,1,2020-03-22\n{},0,3,2020-03-22\n",
            s[0].id, s[1].id, s[2].id
        ),
    )
    .unwrap();
    sheet("swaps.csv", &[])
        .fails()
        .stderr_has("swaps.csv: 2 行监测数据有误,未预填任何内容")
        .stderr_has("swaps.csv 第 2 行: 超期未回复数 5 大于留言数 1")
        .stderr_has("swaps.csv 第 4 行: 超期未回复数 3 大于留言数 0");
    std::fs::write(
        w.path("future.csv"),
        format!("{head}{},{future},0,2020-03-22\n", s[0].id),
    )
    .unwrap();
    sheet("future.csv", &[]).fails().stderr_has(&format!(
        "future.csv 第 2 行 [最近更新时间]: {future} 晚于今天"
    ));
    std::fs::write(
        w.path("dup.csv"),
        format!(
            "账号ID,最后发布时间,最近更新时间,监测时间\n{},2020-03-06,2020-01-01,2020-03-22\n",
            s[0].id
        ),
    )
    .unwrap();
    sheet("dup.csv", &[]).fails().stderr_has(
        "dup.csv 第 1 行表头: 第 2 列 \"最后发布时间\" 与第 3 列 \"最近更新时间\" 都是最近更新时间,无法确定用哪一列",
    );
    std::fs::write(
        w.path("notype.csv"),
        "账号名称,最后发布时间,监测时间\n江苏发布,2020-03-01,2020-03-22\n",
    )
    .unwrap();
    sheet("notype.csv", &[])
        .fails()
        .stderr_has("需要 账号ID 列(或 名称 与 类型 两列)");
    std::fs::write(
        w.path("notime.csv"),
        format!("账号ID,最近更新时间\n{},2020-03-01\n", s[0].id),
    )
    .unwrap();
    sheet("notime.csv", &["--monitor-at", &future])
        .fails()
        .stderr_has(&format!("--monitor-at {future} 晚于今天"));
    sheet("notime.csv", &[])
        .fails()
        .stderr_has("notime.csv: 监测数据第 2 行没有监测时间")
        .stderr_has("--monitor-at");
    sheet("notime.csv", &["--monitor-at", "2020/3/22"])
        .fails()
        .stderr_has("--monitor-at \"2020/3/22\" 不是 YYYY-MM-DD 格式的日期");
    std::fs::write(w.path("nohead.csv"), "名称,类型\n江苏发布,微博\n").unwrap();
    sheet("nohead.csv", &[])
        .fails()
        .stderr_has("nohead.csv: 前 30 行中找不到监测数据的表头");
    sheet("missing.csv", &[]).fails().stderr_has("missing.csv");
    w.run(&[
        "sheet",
        "--campaign",
        "c",
        "--force",
        "--monitor-at",
        "2020-03-22",
    ])
    .fails();
    assert_eq!(
        w.read("c/campaign.toml"),
        manifest,
        "a refused run changes nothing"
    );
    assert!(!w.exists("c/monitor_prefill.csv"));
}

#[test]
fn only_the_tools_own_monitor_files_are_replaced() {
    let w = Workdir::new();
    campaign(&w, 300, 12, 1);
    let s = sampled(&w);
    write_export(&w, &s);
    let run = |extra: &[&str]| {
        let mut args = vec!["sheet", "--campaign", "c", "--force"];
        args.extend_from_slice(extra);
        w.run(&args)
    };
    let monitored = ["--monitor", "mon.csv", "--monitor-at", "2020-03-22"];
    // A file of the office's own where the tool would write: refused, kept.
    std::fs::write(w.path("c/monitor_unmatched.csv"), "我的笔记\n").unwrap();
    run(&monitored)
        .fails()
        .stderr_has("monitor_unmatched.csv 不是 audit 生成的文件,不会覆盖");
    assert_eq!(w.read("c/monitor_unmatched.csv"), "我的笔记\n");
    std::fs::remove_file(w.path("c/monitor_unmatched.csv")).unwrap();
    run(&monitored).ok();
    // Ours and unchanged: replaced, and removed by a run without an export.
    run(&monitored).ok();
    run(&[]).ok();
    assert!(!w.exists("c/monitor_prefill.csv") && !w.exists("c/monitor_unmatched.csv"));
    let rows = cells_of(&w, WB1, "检查表");
    assert!(!rows[0].iter().any(|h| h == "预填依据"));
    // Ours but edited since: kept.
    run(&monitored).ok();
    std::fs::write(w.path("c/monitor_prefill.csv"), "改过\n").unwrap();
    run(&[])
        .fails()
        .stderr_has("monitor_prefill.csv 在生成后被改动过");
    assert_eq!(w.read("c/monitor_prefill.csv"), "改过\n");
}

#[test]
fn kept_and_changed_prefills_are_counted_and_reported() {
    let (w, s) = prefilled_campaign();
    // s[1]: V6 pre-filled 是, the inspector finds a recent post (是→否); V7 and V8 kept as 是
    // with no description of the inspector's own. s[0]: V6 pre-filled 否, found stale (否→是).
    w.fill(WB1, "back.xlsx")
        .fill_blank("2020-03-25")
        .set(&s[1].id, "V6", "否")
        .set(&s[0].id, "V6", "是")
        .set(&s[0].id, "问题描述", "3月5日后无更新,监测漏记")
        .save();
    w.run(&["collect", "--campaign", "c", "back.xlsx"])
        .ok()
        .stdout_has("监测预填: 已核实 7 项,保留 5 项,改动 2 项(是→否 1,否→是 1)");
    let answers = w.csv("c/answers.csv");
    let col = |h: &str| answers[0].iter().position(|x| x == h).unwrap();
    let row = |id: &str| {
        answers
            .iter()
            .find(|r| r[col("账号ID")] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(row(&s[1].id)[col("监测预填")], "V6:是→否;V7:是→是;V8:是→是");
    assert_eq!(row(&s[0].id)[col("监测预填")], "V6:否→是;V7:否→否;V8:否→否");
    assert!(
        row(&s[1].id)[col("问题描述")].starts_with("监测数据预填 V7:互动功能异常"),
        "kept pre-fills stand as the evidence: {:?}",
        row(&s[1].id)[col("问题描述")]
    );
    w.run(&["report", "--campaign", "c"]).ok();
    let table = w.csv("c/report/csv/监测预填.csv");
    assert_eq!(
        table[0][..7],
        [
            "代码",
            "指标",
            "预填数",
            "预填为\"是\"",
            "保留",
            "是→否",
            "否→是"
        ]
    );
    assert_eq!(
        table[1][..7],
        ["V6", "监测时间点前2周内无更新", "3", "1", "1", "1", "1"]
    );
    assert_eq!(table[4][..7], ["合计", "", "7", "3", "5", "1", "1"]);
    // A problem of the inspector's own still needs its evidence, kept pre-fills or not.
    for (file, code, value) in [
        ("own.xlsx", "V1", Value::from("是")),
        ("deduct.xlsx", "D2", Value::from(1)),
    ] {
        w.fill(WB1, file)
            .fill_blank("2020-03-25")
            .set(&s[1].id, code, value)
            .save();
        w.run(&["collect", "--campaign", "c", file])
            .fails()
            .stderr_has(&format!(
                "账号 {} [问题描述]: 标记了问题但未填写问题描述(证据)",
                s[1].id
            ));
    }
    // A pre-fill changed in the hidden sheet breaks the signature.
    w.fill(WB1, "forged.xlsx")
        .fill_blank("2020-03-25")
        .sheet_cell("_audit_prefill", 2, 4, "改过的依据")
        .save();
    w.run(&["collect", "--campaign", "c", "forged.xlsx"])
        .fails()
        .stderr_has("检查表的隐藏校验信息被改动,不能收回");
}
