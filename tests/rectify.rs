//! `audit rectify sheets|collect|status` and `sample --recheck` with a rectification record,
//! on the demo's two quarters (2019Q4 has results and an annex; 2020Q1's registry is the next
//! quarter's).

mod common;
use common::xlsx_edit::date;
use common::{days_from_today, Workdir};
use std::io::{Read, Write};

const PREV: &str = "d/2019Q4";
const NANJING: &str = "d/2019Q4/rectify/sheets/2019Q4_整改_南京市.xlsx";

/// The demo, and rectification workbooks for its first quarter with a deadline long past.
fn demo_with_sheets(w: &Workdir) {
    w.run(&["demo", "--out", "d"]).ok();
    w.run(&[
        "rectify",
        "sheets",
        "--campaign",
        PREV,
        "--deadline",
        "2020-01-20",
    ])
    .ok()
    .stdout_has("个责任单位生成整改反馈表")
    .stdout_has("南京市");
}

/// Rows of a sheet as text.
fn sheet_rows(w: &Workdir, file: &str, sheet: &str) -> Vec<Vec<String>> {
    use calamine::{open_workbook_auto, Reader};
    let mut wb = open_workbook_auto(w.path(file)).unwrap();
    let r = wb.worksheet_range(sheet).unwrap();
    r.rows()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// Copy an xlsx, replacing `from` by `to` in every part (a hand edit without Excel).
fn edit_xlsx(w: &Workdir, src: &str, dst: &str, from: &str, to: &str) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(w.path(src)).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(w.path(dst)).unwrap());
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut hit = false;
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let bytes = if text.contains(from) {
            hit = true;
            text.replace(from, to).into_bytes()
        } else {
            bytes
        };
        zout.start_file(f.name().to_string(), opts).unwrap();
        zout.write_all(&bytes).unwrap();
    }
    zout.finish().unwrap();
    assert!(hit, "{from} not found in {src}");
}

#[test]
fn nothing_reported_after_the_deadline_is_all_overdue() {
    let w = Workdir::new();
    demo_with_sheets(&w);
    let record = w.csv("d/2019Q4/rectify/整改记录.csv");
    assert_eq!(
        record[0][..10],
        [
            "责任单位",
            "账号ID",
            "名称",
            "类型",
            "开设主体",
            "存在问题",
            "整改措施",
            "整改结果",
            "完成日期",
            "佐证材料"
        ]
    );
    // The record lists exactly the report's annex, provincial departments first.
    let annex = w.csv("d/2019Q4/report/csv/附件_单项否决名单.csv");
    assert_eq!(record.len(), annex.len());
    let listed = record.len() - 1;
    assert!(record[1][0].starts_with("江苏省"), "{:?}", record[1]);
    let run = w.run(&[
        "rectify",
        "status",
        "--campaign",
        PREV,
        "--as-of",
        "2020-01-25",
    ]);
    run.ok()
        .stdout_has("已过报送截止日期")
        .stdout_has(&format!("应整改政务新媒体{listed}个，已报送整改情况0个"))
        .stdout_has("逾期未报送整改情况的单位：");
    let csv = w.csv("d/2019Q4/rectify/整改情况.csv");
    let total = csv.last().unwrap();
    assert_eq!(total[1], "合计");
    assert_eq!(total[2], listed.to_string());
    assert_eq!(total[9], listed.to_string(), "every account overdue");
    let xlsx = sheet_rows(&w, "d/2019Q4/rectify/整改情况.xlsx", "整改情况");
    assert!(xlsx[1][0].starts_with("截至2020年1月25日"), "{:?}", xlsx[1]);
    // Before the deadline nothing is overdue yet.
    w.run(&[
        "rectify",
        "status",
        "--campaign",
        PREV,
        "--as-of",
        "2020-01-20",
    ])
    .ok()
    .stdout_has("未到报送截止日期")
    .stdout_has("报送截止日期为1月20日");
    let csv = w.csv("d/2019Q4/rectify/整改情况.csv");
    assert_eq!(csv.last().unwrap()[9], "0");
    // An output edited after it was written is never replaced.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(w.path("d/2019Q4/rectify/整改情况.csv"))
        .unwrap();
    f.write_all("备注,我的笔记\n".as_bytes()).unwrap();
    w.run(&["rectify", "status", "--campaign", PREV])
        .fails()
        .stderr_has("整改情况.csv 在生成后被改动过");
    let next_year = days_from_today(365);
    w.run(&[
        "rectify",
        "status",
        "--campaign",
        PREV,
        "--as-of",
        &next_year,
    ])
    .fails()
    .stderr_has(&format!("--as-of {next_year} 晚于今天"));
    // The record itself edited by hand is refused, not counted.
    let mut record = w.read("d/2019Q4/rectify/整改记录.csv");
    record = record.replacen(",,,,", ",手工,已注销,2020-01-05,", 1);
    std::fs::write(w.path("d/2019Q4/rectify/整改记录.csv"), record).unwrap();
    w.run(&["rectify", "status", "--campaign", PREV])
        .fails()
        .stderr_has("整改记录.csv: 文件已损坏或被改动: 写入后被改动过");
}

#[test]
fn sheets_are_protected_validated_and_regenerated_only_when_untouched() {
    let w = Workdir::new();
    demo_with_sheets(&w);
    use calamine::{open_workbook_auto, Reader, SheetVisible};
    let wb = open_workbook_auto(w.path(NANJING)).unwrap();
    assert_eq!(wb.sheet_names(), ["说明", "整改反馈表", "_audit"]);
    let hidden = wb.sheets_metadata().iter().find(|s| s.name == "_audit");
    assert_eq!(hidden.unwrap().visible, SheetVisible::Hidden);
    let rows = sheet_rows(&w, NANJING, "整改反馈表");
    assert_eq!(
        rows[0],
        [
            "账号ID",
            "名称",
            "类型",
            "开设主体",
            "存在问题",
            "整改措施",
            "整改结果",
            "完成日期",
            "佐证材料"
        ]
    );
    let meta = sheet_rows(&w, NANJING, "_audit");
    assert_eq!(meta[0], ["表类型", "整改反馈表"]);
    assert!(meta.iter().any(|r| r[0] == "责任单位" && r[1] == "南京市"));
    // The dropdown and the date rule are in the sheet's XML.
    let mut z = zip::ZipArchive::new(std::fs::File::open(w.path(NANJING)).unwrap()).unwrap();
    let mut xml = String::new();
    z.by_name("xl/worksheets/sheet2.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains("\"已整改,已关停,已注销,整改中\""), "{xml}");
    assert!(xml.contains("type=\"date\"") && xml.contains("<sheetProtection"));
    // Close the workbook before it is replaced: Windows refuses to replace a file held open.
    drop((wb, z));
    // Again without --force: refused; with it, the same bytes.
    let args = [
        "rectify",
        "sheets",
        "--campaign",
        PREV,
        "--deadline",
        "2020-01-20",
    ];
    w.run(&args).fails().stderr_has("已生成整改反馈表");
    let before = w.bytes(NANJING);
    let mut forced = args.to_vec();
    forced.push("--force");
    w.run(&forced).ok();
    assert_eq!(w.bytes(NANJING), before);
    // A workbook changed in place is not replaced.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(w.path(NANJING))
        .unwrap();
    f.write_all(b"x").unwrap();
    w.run(&forced).fails().stderr_has("在生成后被改动过");
}

#[test]
fn the_wrong_kind_and_a_forged_hidden_sheet_are_refused() {
    let w = Workdir::new();
    demo_with_sheets(&w);
    // An inspector workbook is not a rectification workbook, and the other way round.
    w.run(&[
        "rectify",
        "collect",
        "--campaign",
        PREV,
        "d/2019Q4/sheets/2019Q4_检查员01.xlsx",
    ])
    .fails()
    .stderr_has("这是检查表(检查人 检查员01),不是整改反馈表");
    std::fs::copy(w.path(NANJING), w.path("南京.xlsx")).unwrap();
    w.run(&["collect", "--campaign", PREV, "南京.xlsx"])
        .fails()
        .stderr_has("这是整改反馈表(责任单位 南京市),不是检查表");
    // Another unit's name in the hidden sheet: the signature no longer holds.
    edit_xlsx(&w, NANJING, "伪造.xlsx", "<t>南京市</t>", "<t>苏州市</t>");
    w.run(&["rectify", "collect", "--campaign", PREV, "伪造.xlsx"])
        .fails()
        .stderr_has("整改反馈表的隐藏校验信息被改动,不能收回");
    // Hostile files: a clear refusal each, never a crash.
    std::fs::write(w.path("乱码.xlsx"), b"PK\x03\x04 not really a zip").unwrap();
    let bytes = w.bytes(NANJING);
    std::fs::write(w.path("截断.xlsx"), &bytes[..bytes.len() / 2]).unwrap();
    std::fs::write(w.path("表.csv"), "账号ID,整改结果\nJS1,已整改\n").unwrap();
    let run = w.run(&[
        "rectify",
        "collect",
        "--campaign",
        PREV,
        "乱码.xlsx",
        "截断.xlsx",
        "表.csv",
        "无此文件.xlsx",
    ]);
    run.fails()
        .stderr_has("发现 4 个问题")
        .stderr_has("表.csv: 不是 audit 生成的整改反馈表")
        .stderr_has("无此文件.xlsx: 文件不存在");
    // Nothing was taken.
    w.run(&[
        "rectify",
        "status",
        "--campaign",
        PREV,
        "--as-of",
        "2020-01-25",
    ])
    .ok()
    .stdout_has("已报送整改情况0个");
}

#[test]
fn rectification_needs_a_complete_annex_and_its_sheets_first() {
    let w = Workdir::new();
    common::campaign(&w, 300, 20, 1);
    w.run(&["rectify", "status", "--campaign", "c"])
        .fails()
        .stderr_has("尚未生成整改反馈表;请先运行")
        .stderr_has("rectify sheets --campaign");
    let args = [
        "rectify",
        "sheets",
        "--campaign",
        "c",
        "--deadline",
        "2020-04-10",
    ];
    w.run(&args)
        .fails()
        .stderr_has("还有 20 个样本账号未检查、0 个冲突");
    let mut more = args.to_vec();
    more.push("--allow-incomplete");
    w.run(&more).ok().stdout_has("附件名单为空");
    w.run(&[
        "rectify",
        "sheets",
        "--campaign",
        "c",
        "--deadline",
        "4月10日",
    ])
    .fails()
    .stderr_has("不是 YYYY-MM-DD 格式的日期");
    assert!(!w.exists("c/rectify"));
}

/// A whole round: sheets → filled by the units → collect → status with one unit
/// late and one account reported 已关停 while still in the next registry → the next quarter's
/// re-check list with its reasons.
#[test]
fn a_full_rectification_round_feeds_the_next_quarters_recheck() {
    let w = Workdir::new();
    demo_with_sheets(&w);
    let record = w.csv("d/2019Q4/rectify/整改记录.csv");
    let next = w.csv("d/2020Q1/registry.csv");
    let status_col = next[0].iter().position(|h| h == "状态").unwrap();
    let active = |id: &str| next.iter().any(|r| r[0] == id && r[status_col] == "正常");
    let of_unit = |u: &str| -> Vec<String> {
        record
            .iter()
            .filter(|r| r[0] == u)
            .map(|r| r[1].clone())
            .collect()
    };
    // 南京市: all 已整改 but one 已关停 that is still active next quarter.
    let nanjing = of_unit("南京市");
    let still_running = nanjing.iter().find(|id| active(id)).unwrap().clone();
    std::fs::create_dir_all(w.path("回")).unwrap();
    w.fill_rectify(NANJING, "回/南京.xlsx")
        .all("已整改", date("2020-01-10"))
        .set(&still_running, "整改结果", "已关停")
        .set(&still_running, "佐证材料", "@截图1")
        .save();
    // 无锡市: 整改中 with a planned date as text, and one bad value.
    let wuxi = of_unit("无锡市");
    w.fill_rectify(
        "d/2019Q4/rectify/sheets/2019Q4_整改_无锡市.xlsx",
        "回/无锡.xlsx",
    )
    .all("整改中", "2020年6月30日")
    .set(&wuxi[0], "整改结果", "差不多了")
    .save();
    let run = w.run(&[
        "rectify",
        "collect",
        "--campaign",
        PREV,
        "回/南京.xlsx",
        "回/无锡.xlsx",
    ]);
    run.fails()
        .stderr_has(&format!(
            "回/无锡.xlsx 第 2 行 账号 {} [整改反馈表!G2 整改结果]",
            wuxi[0]
        ))
        .stderr_has("\"差不多了\" 不是整改结果(应为 已整改、已关停、已注销、整改中 之一)");
    let changzhou = of_unit("常州市");
    let rows_cz = sheet_rows(
        &w,
        "d/2019Q4/rectify/sheets/2019Q4_整改_常州市.xlsx",
        "整改反馈表",
    );
    w.fill_rectify(
        "d/2019Q4/rectify/sheets/2019Q4_整改_常州市.xlsx",
        "回/常州.xlsx",
    )
    .set(&changzhou[0], "名称", "改过的名字")
    .save();
    w.run(&["rectify", "collect", "--campaign", PREV, "回/常州.xlsx"])
        .fails()
        .stderr_has(&format!(
            "回/常州.xlsx 第 2 行 账号 {}: 账号信息被改动: 整改反馈表!B2 名称(应为 \"{}\",现为 \"改过的名字\")",
            changzhou[0], rows_cz[1][1]
        ));
    let taken = nanjing.len() + wuxi.len() - 1;
    run.stdout_has(&format!("已报送 {taken} / {}", record.len() - 1));
    // The same copies again: skipped.
    w.run(&["rectify", "collect", "--campaign", PREV, "回/南京.xlsx"])
        .ok()
        .stdout_has("已收回过、未改动的文件 1 份");
    w.run(&["status", "--campaign", PREV])
        .ok()
        .stdout_has(&format!(
            "已报送 {taken} / {} 个应整改账号",
            record.len() - 1
        ));
    let rec = w.csv("d/2019Q4/rectify/整改记录.csv");
    let row = rec.iter().find(|r| r[1] == still_running).unwrap();
    assert_eq!(row[7], "已关停");
    assert_eq!(row[9], "'@截图1", "guarded in the CSV");
    // Today is long past the deadline; a status as of a day before the replies were collected
    // would count them as not yet reported.
    // As of yesterday none of today's copies counts yet, and the status says how many it left.
    let yesterday = days_from_today(-1);
    w.run(&[
        "rectify",
        "status",
        "--campaign",
        PREV,
        "--as-of",
        &yesterday,
    ])
    .ok()
    .stdout_has(&format!(
        "另有 {taken} 个账号的整改情况在 {yesterday} 之后保存,本次按未报送计"
    ));
    let late = w.run(&["rectify", "status", "--campaign", PREV]);
    late.ok().stdout_has("逾期未报送整改情况的单位：");
    let csv = w.csv("d/2019Q4/rectify/整改情况.csv");
    let unit = |u: &str| csv.iter().find(|r| r[1] == u).unwrap().clone();
    assert_eq!(csv[0][4], "其中逾期报送");
    assert_eq!(unit("南京市")[6], "1", "one 已关停/注销");
    assert_eq!(unit("南京市")[9], "0");
    // Saved today, long after the deadline: 逾期报送, kept in the record.
    assert_eq!(unit("南京市")[4], nanjing.len().to_string());
    assert_eq!(
        row[rec[0].iter().position(|h| h == "逾期报送").unwrap()],
        "是"
    );
    assert_eq!(unit("无锡市")[7], (wuxi.len() - 1).to_string(), "整改中");
    assert_eq!(unit("无锡市")[9], "1", "the refused row is still overdue");
    let other = csv[1..csv.len() - 1]
        .iter()
        .find(|r| r[1] != "南京市" && r[1] != "无锡市")
        .unwrap();
    assert_eq!(other[9], other[2], "a unit that never replied is overdue");
    late.stdout_has("逾期报送整改情况的单位：南京市");
    let overdue = late
        .stdout
        .split("逾期未报送整改情况的单位：")
        .nth(1)
        .unwrap();
    let overdue = overdue.split("请于").next().unwrap();
    assert!(
        !overdue.contains("南京市（"),
        "南京 reported in full: {overdue}"
    );

    // Next quarter: the re-check list follows the record.
    w.run(&[
        "import",
        "d/台账_2020Q1.xlsx",
        "--campaign",
        "n",
        "--period",
        "2020Q1",
    ])
    .ok();
    let s = w.run(&[
        "sample",
        "--campaign",
        "n",
        "--size",
        "219",
        "--recheck",
        PREV,
        "--seed",
        "5",
    ]);
    s.ok()
        .stdout_has("回头看(按上期整改记录)")
        .stdout_has(&format!("报已关停但仍在运行: {still_running}"));
    let reasons = w.csv("n/design/recheck_ids.csv");
    assert_eq!(reasons[0], ["账号ID", "回头看原因"]);
    let reason = |id: &str| {
        reasons
            .iter()
            .find(|r| r[0] == id)
            .map(|r| r[1].clone())
            .unwrap_or_default()
    };
    assert_eq!(reason(&still_running), "报已关停但仍在运行");
    for id in nanjing.iter().filter(|id| **id != still_running) {
        assert_eq!(reason(id), "已报整改", "{id}");
    }
    assert_eq!(reason(&wuxi[0]), "未报送整改情况");
    assert_eq!(reason(&wuxi[1]), "整改中");
    let sample = w.csv("n/sample.csv");
    let row = sample.iter().find(|r| r[0] == still_running).unwrap();
    assert_eq!(row.last().unwrap(), "回头看");
    w.run(&["verify", "--campaign", "n"]).ok();

    // The round reaches the next notice: a paragraph and a table row for the account reported
    // shut but still running, and for the units that reported late or not at all.
    // (The demo's own next quarter, on the same registry: a demo is compared only with demos.)
    w.run(&[
        "report",
        "--campaign",
        "d/2020Q1",
        "--previous",
        PREV,
        "--out",
        "next",
    ])
    .ok();
    let md = w.read("next/通报草稿.md");
    let name = &record.iter().find(|r| r[1] == still_running).unwrap()[2];
    assert!(md.contains("整改落实问题"), "{md}");
    assert!(
        md.contains("1.报已关停、注销但仍在运行。2019年第四季度通报的政务新媒体中，1个报送整改结果为已关停或已注销")
            && md.contains(&format!("南京市“{name}”")),
        "{md}"
    );
    assert!(
        md.contains("南京市（") && md.contains("逾期报送整改情况"),
        "{md}"
    );
    let t = w.csv("next/csv/上期整改.csv");
    let item = |k: &str| t.iter().find(|r| r[0] == k).unwrap().clone();
    assert_eq!(item("报已关停、注销但仍在运行")[1], "1");
    assert_eq!(item("其中逾期报送")[1], taken.to_string());
    assert_eq!(item("应整改")[1], (record.len() - 1).to_string());
}

/// What the manifest says about rectification matches the files: the record is there and
/// every workbook and output has the recorded SHA-256.
fn rectify_files_match(dir: &std::path::Path) {
    let text = std::fs::read_to_string(dir.join("campaign.toml")).unwrap();
    let m: toml::Value = toml::from_str(&text).unwrap();
    let Some(r) = m.get("rectify") else {
        assert!(!dir.join("rectify/整改记录.csv").exists());
        return;
    };
    assert!(dir.join(r["record_file"].as_str().unwrap()).is_file());
    let sha = |p: &std::path::Path| {
        use sha2::Digest;
        audit::domain::digest::hex(&sha2::Sha256::digest(std::fs::read(p).unwrap()))
    };
    for key in ["workbooks", "outputs"] {
        for f in r.get(key).and_then(|v| v.as_array()).into_iter().flatten() {
            let p = dir.join(f["file"].as_str().unwrap());
            assert_eq!(sha(&p), f["sha256"].as_str().unwrap(), "{}", p.display());
        }
    }
}

/// Kill `rectify sheets`, `rectify collect` and `rectify status` after each durable step: the
/// campaign reads back whole (old or new state) and a rerun completes.
#[test]
fn a_kill_at_any_step_of_rectify_leaves_the_old_state_or_the_new() {
    let w = Workdir::new();
    w.run(&["demo", "--out", "d"]).ok();
    let reply = w.path("南京回.xlsx").display().to_string();
    let sweeps: [(&[&str], &[&str]); 3] = [
        (
            &["rectify", "sheets", "--deadline", "2020-01-20"],
            &["--force"],
        ),
        (&["rectify", "collect", &reply], &[]),
        (&["rectify", "status", "--as-of", "2020-01-25"], &[]),
    ];
    for (args, rerun_extra) in sweeps {
        if args[1] == "collect" {
            w.fill_rectify(NANJING, "南京回.xlsx")
                .all("已整改", date("2020-01-10"))
                .save();
        }
        sweep(&w, args, rerun_extra);
        // The next sweep starts from the state this one made.
        let mut all = args.to_vec();
        all.extend(["--campaign", PREV]);
        w.run(&all).ok();
    }
}

fn sweep(w: &Workdir, args: &[&str], rerun_extra: &[&str]) {
    let args: Vec<&str> = args.iter().copied().chain(["--campaign", "{C}"]).collect();
    let rerun: Vec<&str> = args.iter().chain(rerun_extra).copied().collect();
    let steps = common::fault_sweep(w, PREV, &args, &rerun, &|d| rectify_files_match(d));
    assert!(steps > 2, "{args:?}: only {steps} steps");
}

#[test]
fn copies_are_taken_by_when_they_were_saved() {
    let w = Workdir::new();
    demo_with_sheets(&w);
    let fill = |dst: &str, outcome: &str, saved: u64| {
        w.fill_rectify(NANJING, dst)
            .all(outcome, date("2020-01-10"))
            .save_at(std::time::UNIX_EPOCH + std::time::Duration::from_secs(saved));
    };
    let collect = |file: &str| w.run(&["rectify", "collect", "--campaign", PREV, file]);
    fill("new.xlsx", "已整改", 1_700_000_000);
    fill("old.xlsx", "整改中", 1_600_000_000);
    collect("new.xlsx").ok();
    // An older copy in a later run is not applied over the newer one.
    collect("old.xlsx")
        .fails()
        .stderr_has("old.xlsx: 比已收回的同一整改反馈表 new.xlsx 保存得更早,未采用");
    let record = w.csv("d/2019Q4/rectify/整改记录.csv");
    let nanjing: Vec<&Vec<String>> = record.iter().filter(|r| r[0] == "南京市").collect();
    assert!(nanjing.iter().all(|r| r[7] == "已整改"), "{nanjing:?}");
    // Two new copies saved at the same moment cannot be ordered: neither is taken. (A past
    // moment: a save time in the future is set aside on its own, issue #22.)
    fill("a.xlsx", "整改中", 1_750_000_000);
    fill("b.xlsx", "已注销", 1_750_000_000);
    w.run(&["rectify", "collect", "--campaign", PREV, "a.xlsx", "b.xlsx"])
        .fails()
        .stderr_has("a.xlsx: 同一整改反馈表有几份副本的保存时间相同,无法判断哪份较新,均未采用")
        .stderr_has("b.xlsx: 同一整改反馈表有几份副本的保存时间相同");
    let record = w.csv("d/2019Q4/rectify/整改记录.csv");
    assert!(record
        .iter()
        .filter(|r| r[0] == "南京市")
        .all(|r| r[7] == "已整改"));
    // An answer corrected after the rectification workbooks were made: the annex gains an
    // account the record lacks, and status says the record is out of date.
    let results = w.csv("d/2019Q4/results.csv");
    let passed = results
        .iter()
        .find(|r| r.contains(&"合格".to_string()))
        .unwrap()[0]
        .clone();
    let book = std::fs::read_dir(w.path("d/2019Q4_模拟交回"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| common::ids_of(&w, p.to_str().unwrap()).contains(&passed))
        .unwrap();
    let book = book.to_str().unwrap().to_string();
    w.fill(&book, "fix.xlsx")
        .set(&passed, "V1", "是")
        .set(&passed, "问题描述", "复核发现表述错误")
        .save();
    w.run(&["collect", "--campaign", PREV, "fix.xlsx"]).ok();
    w.run(&["rectify", "status", "--campaign", PREV])
        .ok()
        .stderr_has("通报附件名单新增 1 个、移出 0 个账号,整改记录已过时");
}
