mod common;
use common::Workdir;

#[test]
fn demo_runs_a_whole_campaign_and_labels_it_simulated() {
    let w = Workdir::new();
    let r = w.run(&["demo", "--out", "d"]);
    r.ok()
        .stdout_has(&format!(
            "演示完成。本季度报告: {}",
            common::native("d/2020Q1/report")
        ))
        .stdout_has("模拟")
        .stdout_has(&common::native("监测数据(模拟): d/2020Q1_监测数据.xlsx"))
        .stdout_has("监测预填核实: 保留");
    // The generated monitoring export pre-filled the workbooks; some pre-fills were changed.
    let prefill = w.csv("d/2020Q1/report/csv/监测预填.csv");
    let total = prefill.last().unwrap();
    assert_eq!(total[0], "合计");
    let (n, kept): (u64, u64) = (total[2].parse().unwrap(), total[4].parse().unwrap());
    assert!(n > 400 && kept < n && kept > n * 8 / 10, "{total:?}");
    assert_eq!(w.csv("d/2020Q1/monitor_unmatched.csv").len(), 2);
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

    // Re-check (回头看): last quarter's unqualified accounts still active are all in this sample.
    let prev_failed: Vec<String> = w.csv("d/2019Q4/results.csv")[1..]
        .iter()
        .filter(|r| r.contains(&"不合格".to_string()))
        .map(|r| r[0].clone())
        .collect();
    assert!(!prev_failed.is_empty());
    let sample = w.csv("d/2020Q1/sample.csv");
    let reg = w.csv("d/2020Q1/registry.csv");
    let active = |id: &str| reg.iter().any(|r| r[0] == id && r[7] == "正常");
    for id in prev_failed.iter().filter(|id| active(id)) {
        let row = sample
            .iter()
            .find(|r| &r[0] == id)
            .unwrap_or_else(|| panic!("{id} not re-checked"));
        assert!(row.last().unwrap().contains("回头看"));
    }

    // The design-weighted estimate, by hand: Σ w·pass / Σ w over the checked sample.
    let results = w.csv("d/2020Q1/results.csv");
    let weight = sample[0].len() - 2;
    let (mut num, mut den) = (0.0, 0.0);
    for r in &sample[1..] {
        let w_i: f64 = r[weight].parse().unwrap();
        let pass = results
            .iter()
            .find(|x| x[0] == r[0])
            .unwrap()
            .contains(&"合格".to_string());
        den += w_i;
        if pass {
            num += w_i;
        }
    }
    let est = w.csv("d/2020Q1/report/csv/加权估计.csv");
    let row = est.iter().find(|r| r[0] == "全省").unwrap();
    let col = |name: &str| est[0].iter().position(|h| h == name).unwrap();
    let (raw, rate, lower, upper) = (
        col("样本合格率(未加权)"),
        col("加权估计合格率"),
        col("95%置信区间下限"),
        col("95%置信区间上限"),
    );
    let pct = |s: &str| s.trim_end_matches('%').parse::<f64>().unwrap() / 100.0;
    let reported = pct(&row[rate]);
    assert!(
        (num / den - reported).abs() < 0.0006,
        "hand {} vs reported {}",
        num / den,
        row[rate]
    );
    assert!(
        0.0 <= pct(&row[lower])
            && pct(&row[lower]) <= reported
            && reported <= pct(&row[upper])
            && pct(&row[upper]) <= 1.0
    );
    assert_ne!(
        row[raw], row[rate],
        "the raw and the weighted rate differ in this design"
    );

    // Issue #10, case 8: 2020Q1 re-checks last quarter's failures, so every rate table shows the
    // rate without them, the quarter-on-quarter table compares like with like, and the draft
    // says how many re-checks were among the checked accounts.
    let overall = w.csv("d/2020Q1/report/csv/合格率_总体.csv");
    assert_eq!(overall[0].last().unwrap(), "合格率(不含回头看)");
    let qoq = w.csv("d/2020Q1/report/csv/环比.csv");
    assert!(
        qoq[0]
            .iter()
            .any(|h| h == "比2019Q4变化(不含回头看,百分点)"),
        "{:?}",
        qoq[0]
    );
    assert!(
        md.contains("已检查的账号中回头看（上期不合格）账号"),
        "{md}"
    );
    // Issue #20, case 9: what real notices print beside the rates. The check rate (checked ÷
    // accounts in operation) in the draft and its table; each part of the design (government
    // accounts taken in full, re-checks, the random sample) with its own rate, its parts adding
    // up to the whole; rates by owner kind; the prefectures at 100%.
    let check = w.csv("d/2020Q1/report/csv/检查率.csv");
    let province = check.iter().find(|r| r[0] == "全省").unwrap();
    assert_eq!(province[1..], ["6030", "219", "219", "3.6%"]);
    assert!(
        md.contains("共检查政务新媒体219个，检查率为3.6%（全省状态正常的政务新媒体6030个）。"),
        "{md}"
    );
    let parts = w.csv("d/2020Q1/report/csv/合格率_检查方式.csv");
    assert_eq!(
        parts[1..].iter().map(|r| r[0].as_str()).collect::<Vec<_>>(),
        ["全覆盖(主体类别=政府)", "回头看", "随机抽查", "全省"]
    );
    let count = |r: &Vec<String>, i: usize| r[i].parse::<u64>().unwrap();
    let column = |name: &str| parts[0].iter().position(|h| h == name).unwrap();
    let (checked, qualified) = (column("检查数"), column("合格"));
    let sum = |i: usize| parts[1..4].iter().map(|r| count(r, i)).sum::<u64>();
    assert_eq!(sum(checked), 219);
    assert_eq!(sum(qualified), count(&parts[4], qualified));
    let in_full = &parts[1];
    let sentence = format!(
        "从检查方式看，全覆盖检查了代表主体为政府的政务新媒体{}个，合格率为{}；回头看上期不合格的其他政务新媒体{}个",
        in_full[checked],
        in_full.last().unwrap(),
        parts[2][checked]
    );
    assert!(md.contains(&sentence), "{sentence}\n{md}");
    let kinds = w.csv("d/2020Q1/report/csv/合格率_主体类别.csv");
    let government = kinds.iter().find(|r| r[0] == "政府").unwrap();
    assert_eq!(
        government[1], in_full[checked],
        "every government account is taken"
    );
    assert!(
        md.contains(&format!(
            "从主体类别看，代表主体为政府的政务新媒体合格率{}",
            government[4]
        )),
        "{md}"
    );
    let owners = w.csv("d/2020Q1/report/csv/合格率_开设主体.csv");
    let full: Vec<&str> = owners[2..15]
        .iter()
        .filter(|r| r[1] != "0" && r[1] == r[2])
        .map(|r| r[0].as_str())
        .collect();
    assert!(!full.is_empty());
    assert!(
        md.contains(&format!("{}个设区市合格率为100%", full.len())),
        "{full:?}\n{md}"
    );

    // The whole frame is covered and every interval says how it was obtained.
    assert!(row[col("推算账号数")].parse::<u64>().is_ok());
    assert!(!est[0].join("").contains("未覆盖"));

    // Neyman allocation from last quarter's fail rates.
    w.run(&["import", "d/台账_2020Q1.xlsx", "--campaign", "n"])
        .ok();
    w.run(&[
        "sample",
        "--campaign",
        "n",
        "--size",
        "300",
        "--allocation",
        "neyman",
        "--seed",
        "1",
    ])
    .fails()
    .stderr_has("--allocation neyman 需要 --previous DIR");
    w.run(&[
        "sample",
        "--campaign",
        "n",
        "--size",
        "300",
        "--allocation",
        "neyman",
        "--previous",
        "d/2019Q4",
        "--seed",
        "1",
    ])
    .ok();
    let m = w.read("n/campaign.toml");
    assert!(
        m.contains("allocation = \"neyman\"") && m.contains("fail_rate = "),
        "{m}"
    );
    w.run(&["verify", "--campaign", "n"]).ok();
    // A real campaign's notice never quotes a demo's simulated figures as last quarter's.
    w.run(&[
        "report",
        "--campaign",
        "n",
        "--previous",
        "d/2019Q4",
        "--allow-incomplete",
    ])
    .fails()
    .stderr_has("--previous d/2019Q4: 是演示项目(检查结果为模拟数据),不能与真实项目比较");
}

#[test]
fn demo_data_is_deterministic() {
    let w = Workdir::new();
    for out in ["a.csv", "b.csv", "a.xlsx", "b.xlsx"] {
        w.run(&[
            "demo-data",
            "--accounts",
            "300",
            "--seed",
            "4",
            "--out",
            out,
        ])
        .ok();
    }
    assert_eq!(w.bytes("a.csv"), w.bytes("b.csv"));
    assert_eq!(w.bytes("a.xlsx"), w.bytes("b.xlsx"));
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
    let bad = w.read("bad.toml");
    let line = bad.lines().position(|l| l == "points = \"ten\"").unwrap() + 1;
    w.run(&["indicators", "--catalog", "bad.toml"]).fails().stderr_has(&format!("bad.toml 第 {line} 行 (points = \"ten\"): 指标目录格式错误: invalid type: string \"ten\", expected u32"));
    std::fs::write(
        w.path("dup.toml"),
        text.replacen("code = \"V2\"", "code = \"V1\"", 1),
    )
    .unwrap();
    let dup = w.read("dup.toml");
    let line = dup.lines().filter(|l| *l == "code = \"V1\"").count();
    assert_eq!(line, 2);
    let second = dup
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "code = \"V1\"")
        .nth(1)
        .unwrap()
        .0
        + 1;
    w.run(&["indicators", "--catalog", "dup.toml"])
        .fails()
        .stderr_has(&format!("dup.toml 第 {second} 行: 字段 code \"V1\" 重复"));
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
