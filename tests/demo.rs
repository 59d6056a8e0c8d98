mod common;
use common::Workdir;

#[test]
fn demo_runs_a_whole_campaign_and_labels_it_simulated() {
    let w = Workdir::new();
    let r = w.run(&["demo", "--out", "d"]);
    r.ok()
        .stdout_has("演示完成。本季度报告: d/2020Q1/report")
        .stdout_has("模拟");
    for f in [
        "report.xlsx",
        "annex.xlsx",
        "通报草稿.md",
        "通报草稿.docx",
        "csv/环比.csv",
    ] {
        assert!(w.exists(&format!("d/2020Q1/report/{f}")), "{f}");
    }
    let md = w.read("d/2020Q1/report/通报草稿.md");
    assert!(md.contains("【演示】"), "draft says it is simulated");
    assert!(md.contains("比上季度"), "quarter on quarter");
    assert!(w
        .read("d/2020Q1/campaign.toml")
        .contains("simulated = true"));
    // Both campaigns verify, and the demo refuses to overwrite itself without --force.
    w.run(&["verify", "--campaign", "d/2020Q1"]).ok();
    w.run(&["status", "--campaign", "d/2020Q1"])
        .ok()
        .stdout_has("已检查: 219 / 219")
        .stdout_has("【演示:模拟数据】");
    w.run(&["demo", "--out", "d"])
        .fails()
        .stderr_has("中已有演示项目;加 --force 重新生成");
}

#[test]
fn demo_data_is_deterministic() {
    let w = Workdir::new();
    w.run(&[
        "demo-data",
        "--accounts",
        "300",
        "--seed",
        "4",
        "--out",
        "a.csv",
    ])
    .ok();
    w.run(&[
        "demo-data",
        "--accounts",
        "300",
        "--seed",
        "4",
        "--out",
        "b.csv",
    ])
    .ok();
    assert_eq!(w.bytes("a.csv"), w.bytes("b.csv"));
    w.run(&[
        "demo-data",
        "--accounts",
        "300",
        "--seed",
        "4",
        "--out",
        "a.csv",
    ])
    .fails()
    .stderr_has("a.csv 已存在");
    w.run(&["demo-data", "--accounts", "3", "--out", "a.txt"])
        .fails()
        .stderr_has("输出文件应为 .xlsx 或 .csv");
}

#[test]
fn indicators_print_write_and_reject_a_bad_catalog() {
    let w = Workdir::new();
    w.run(&["indicators"])
        .ok()
        .stdout_has("V8")
        .stdout_has("未在规定时限内对留言做出有效回复")
        .stdout_has("100 − 扣分 < 60");
    w.run(&["indicators", "--write", "cat.toml"]).ok();
    let text = w.read("cat.toml");
    assert_eq!(text.lines().filter(|l| *l == "kind = \"veto\"").count(), 8);
    w.run(&["indicators", "--catalog", "cat.toml"]).ok();
    std::fs::write(
        w.path("bad.toml"),
        text.replacen(
            "kind = \"deduct\"\npoints = 10",
            "kind = \"deduct\"\npoints = \"ten\"",
            1,
        ),
    )
    .unwrap();
    w.run(&["indicators", "--catalog", "bad.toml"]).fails().stderr_has("bad.toml 第 72 行 (points = \"ten\"): 指标目录格式错误: invalid type: string \"ten\", expected u32");
    std::fs::write(
        w.path("dup.toml"),
        text.replacen("code = \"V2\"", "code = \"V1\"", 1),
    )
    .unwrap();
    w.run(&["indicators", "--catalog", "dup.toml"])
        .fails()
        .stderr_has("dup.toml 第 18 行: 字段 code \"V1\" 重复");
    // A campaign keeps the catalog it was given at sheet time.
    let custom = text.replace("pass_mark = 60", "pass_mark = 80");
    std::fs::write(w.path("strict.toml"), &custom).unwrap();
    common::campaign(&w, 200, 20, 1);
    w.run(&[
        "sheet",
        "--campaign",
        "c",
        "--catalog",
        "strict.toml",
        "--force",
    ])
    .ok();
    assert_eq!(w.read("c/catalog.toml"), custom);
}
