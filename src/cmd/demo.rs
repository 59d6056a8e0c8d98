//! `audit demo [--out DIR]`: a whole campaign on built-in generated data, with simulated answers.

use crate::campaign::{self, Access, Campaign};
use crate::cli::DemoArgs;
use crate::demo_data::{below, demo_rng};
use crate::demo_data::{generate, next_quarter};
use crate::indicators::{Catalog, Kind};
use crate::workbook::issue::{issue, Assignment, IssueRequest, Issued, MonitorInput};
use crate::workbook::{build, Fill, SheetSpec};
use anyhow::{bail, Result};
use chrono::Datelike;
use std::collections::HashMap;
use std::path::Path;

const PREV: &str = "2019Q4";
const CUR: &str = "2020Q1";

/// Simulated inspector answers: deterministic per account; `fail_per_10000` sets the level,
/// and accounts failed last time (`again`) fail more often.
fn simulate(
    cat: &Catalog,
    accounts: &[crate::registry::Account],
    seed: u64,
    fail_per_10000: u64,
    again: &[String],
    date: chrono::NaiveDate,
) -> HashMap<String, Fill> {
    let mut out = HashMap::new();
    let code_idx = |c: &str| cat.indicators.iter().position(|i| i.code == c);
    for a in accounts {
        let mut rng = demo_rng(seed, std::slice::from_ref(&a.id));
        let mut values = vec![0u32; cat.indicators.len()];
        let mut p = fail_per_10000;
        if a.account_type == "移动客户端" {
            p *= 3;
        }
        if a.level == crate::vocab::Level::Province {
            p = p * 3 / 2;
        }
        if again.contains(&a.id) {
            p = 3000;
        }
        let mut notes = Vec::new();
        if below(&mut rng, 10_000) < p {
            let pick = below(&mut rng, 100);
            let code = if pick < 60 {
                "V8"
            } else if pick < 85 {
                "V6"
            } else if pick < 97 {
                "V7"
            } else {
                "V1"
            };
            if let Some(j) = code_idx(code) {
                values[j] = 1;
                notes.push(format!("【模拟】{}", cat.indicators[j].name));
            }
        }
        for (j, ind) in cat.indicators.iter().enumerate() {
            if ind.kind == Kind::Deduct && below(&mut rng, 100) < 4 {
                values[j] = 1;
                notes.push(format!("【模拟】{}", ind.name));
            }
        }
        out.insert(
            a.id.clone(),
            Fill {
                values,
                description: notes.join(";"),
                checker: "模拟检查员".into(),
                date,
            },
        );
    }
    out
}

fn step(title: &str) {
    println!("\n======== {title} ========");
}

/// One simulated quarter.
struct Round<'a> {
    name: &'a str,
    registry_file: &'a Path,
    previous: Option<&'a Path>,
    seed: u64,
    /// Base chance (per 10,000) that an account fails a veto item.
    fail: u64,
    date: chrono::NaiveDate,
    deadline: &'a str,
}

fn campaign_round(out: &Path, round: &Round<'_>) -> Result<()> {
    let dir = out.join(round.name);
    import_step(&dir, round)?;
    sample_step(&dir, round)?;
    let mut camp = Campaign::open(&dir, Access::Write)?;
    let (sample, _) = camp.sample()?;
    let cat = Catalog::builtin();
    let again: Vec<String> = match round.previous {
        Some(p) => crate::campaign::draw::previous_results(&camp, p)?
            .into_iter()
            .filter(|r| !r.qualified)
            .map(|r| r.id)
            .collect(),
        None => Vec::new(),
    };
    let fills = simulate(
        &cat,
        &sample.accounts,
        round.seed,
        round.fail,
        &again,
        round.date,
    );
    let monitor = write_monitoring(out, round, &cat, &sample.accounts, &fills)?;
    step(&format!("{}: 生成检查表(按监测数据预填)", round.name));
    let request = IssueRequest {
        assignment: Assignment::Balanced { inspectors: 4 },
        deadline: Some(round.deadline.into()),
        catalog: (cat.clone(), crate::indicators::DEFAULT_CATALOG.to_string()),
        show: None,
        monitor: Some(MonitorInput {
            source: monitor.display().to_string(),
            sha256: campaign::sha256_file(&monitor)?,
            file: crate::io::monitor_file::read(&monitor, chrono::Local::now().date_naive())?,
            at: None,
        }),
        force: false,
    };
    let issued = issue(&mut camp, &request)?;
    println!(
        "  已生成 {} 份检查表: {}",
        issued.len(),
        camp.path(campaign::SHEETS_DIR).display()
    );
    if let Some(m) = camp
        .manifest
        .sheets
        .as_ref()
        .and_then(|s| s.monitor.as_ref())
    {
        println!(
            "  监测数据预填 {} 项(匹配样本账号 {} 个,未匹配 {} 行)",
            m.prefilled, m.matched, m.unmatched
        );
    }
    step(&format!(
        "{}: 模拟检查员核实预填、填写并交回(模拟数据)",
        round.name
    ));
    let files = write_returned(out, round, &camp, &issued, &fills)?;
    collect_step(&mut camp, round, &files)?;
    drop(camp);
    report_step(&dir, round)
}

fn import_step(dir: &Path, round: &Round<'_>) -> Result<()> {
    step(&format!("{}: 导入台账", round.name));
    let imported = crate::campaign::import::import(
        &crate::campaign::import::ImportRequest {
            previous: round.previous.map(Path::to_path_buf),
            ..crate::campaign::import::ImportRequest::new(round.registry_file, dir)
        },
        &mut super::import::Console::new(),
    )?;
    super::import::print_summary(&imported);
    let mut camp = Campaign::open(dir, Access::Write)?;
    camp.manifest.simulated = true;
    let txn = camp.begin()?;
    camp.commit(txn)?;
    Ok(())
}

fn sample_step(dir: &Path, round: &Round<'_>) -> Result<()> {
    step(&format!(
        "{}: 分层抽样(政府账号必查{})",
        round.name,
        if round.previous.is_some() {
            ",上期不合格账号回头看"
        } else {
            ""
        }
    ));
    let mut camp = Campaign::open(dir, Access::Write)?;
    let outcome = crate::campaign::draw::draw(
        &mut camp,
        &crate::campaign::draw::DrawRequest {
            strata: vec!["level".into(), "type".into()],
            allocation: crate::campaign::draw::Allocation::Proportional,
            size: Some(219),
            rate: None,
            min_per_stratum: 2,
            take_all: vec!["owner_kind=政府".into()],
            recheck: round.previous.map(Path::to_path_buf),
            exclude: None,
            previous: None,
            seed: Some(round.seed),
            dry_run: false,
            allow_empty: false,
            force: false,
        },
    )?;
    let d = &outcome.drawn;
    println!(
        "  抽样框 {} 个状态正常的账号;{} 层;必查 {} 个(含回头看);样本量 {};种子 {}",
        d.frame_size,
        d.strata.len(),
        d.certainty,
        d.size,
        outcome.seed
    );
    println!("  样本: {}", camp.path(campaign::SAMPLE).display());
    Ok(())
}

/// The monitoring platform's export for the sampled accounts (plus a few accounts outside the
/// sample, as a real export has), two days before the check.
fn write_monitoring(
    out: &Path,
    round: &Round<'_>,
    cat: &Catalog,
    sample: &[crate::registry::Account],
    fills: &HashMap<String, Fill>,
) -> Result<std::path::PathBuf> {
    let at = round.date - chrono::Duration::days(2);
    let with_truth: Vec<(&crate::registry::Account, &[u32])> = sample
        .iter()
        .filter_map(|a| Some((a, fills.get(&a.id)?.values.as_slice())))
        .collect();
    let mut rows = crate::demo_data::monitor::rows(cat, &with_truth, at, round.seed);
    rows.push(vec![
        "JS9999999".into(),
        "已注销的示例账号".into(),
        "微信".into(),
        "2019-06-30 10:00".into(),
        String::new(),
        String::new(),
        "异常".into(),
        format!("{at} 09:00"),
    ]);
    let header: Vec<String> = crate::demo_data::monitor::HEADER.map(String::from).to_vec();
    let title = format!("政务新媒体监测数据导出(演示数据,监测时间 {at})");
    let bytes = crate::io::write::table_xlsx(
        &title,
        "监测数据",
        &header,
        &rows,
        "2020-01-01T00:00:00+00:00",
    )?;
    let path = out.join(format!("{}_监测数据.xlsx", round.name));
    crate::io::output::write_atomic(&path, &bytes)?;
    println!("  监测数据(模拟): {}", path.display());
    Ok(path)
}

/// The workbooks as the simulated inspectors return them: every row filled, pre-fills kept
/// where the inspector agrees and changed where the monitoring data was wrong.
fn write_returned(
    out: &Path,
    round: &Round<'_>,
    camp: &Campaign,
    issued: &[Issued],
    fills: &HashMap<String, Fill>,
) -> Result<Vec<std::path::PathBuf>> {
    let (sample, _) = camp.sample()?;
    let cat = camp.catalog()?;
    let by_id = sample.by_id();
    let returned = out.join(format!("{}_模拟交回", round.name));
    let mut files = Vec::new();
    for wb in issued {
        let bytes = build(&SheetSpec {
            meta: &wb.meta,
            deadline: Some(round.deadline),
            catalog: &cat,
            accounts: wb
                .meta
                .ids
                .iter()
                .filter_map(|id| by_id.get(id.as_str()).copied())
                .collect(),
            fills: Some(fills),
            simulated: true,
            created: &camp.manifest.created,
            finding: crate::workbook::default_finding_columns(&sample.extra_headers),
        })?;
        let file = wb.entry.file.rsplit('/').next().unwrap_or(&wb.entry.file);
        let path = returned.join(file);
        crate::io::output::write_atomic(&path, &bytes)?;
        files.push(path);
    }
    println!("  模拟交回 {} 份: {}", files.len(), returned.display());
    Ok(files)
}

fn collect_step(
    camp: &mut Campaign,
    round: &Round<'_>,
    files: &[std::path::PathBuf],
) -> Result<()> {
    step(&format!("{}: 收回检查表", round.name));
    let collected = crate::workbook::collect::collect(camp, files, &[])?;
    if let Some(p) = collected.problems.first() {
        bail!("模拟检查表收回时出现问题: {p}");
    }
    println!(
        "  收回 {} 份,已检查 {} / {} 个样本账号;冲突 {} 个",
        files.len(),
        collected.merged.results.len(),
        collected.sample_size,
        collected.merged.conflicts.len()
    );
    let pre = crate::monitor::PrefillTally::total(
        collected
            .merged
            .results
            .values()
            .flat_map(|r| r.answer.prefill.iter()),
    );
    println!(
        "  监测预填核实: 保留 {} 项,改动 {} 项",
        pre.kept,
        pre.changed()
    );
    Ok(())
}

fn report_step(dir: &Path, round: &Round<'_>) -> Result<()> {
    step(&format!("{}: 生成报告", round.name));
    let mut camp = Campaign::open(dir, Access::Write)?;
    // The notice asks for rectification reports three weeks after the check (3月20日 → 4月10日).
    let by = round.date + chrono::Duration::days(21);
    let made = crate::report::make::make(
        &mut camp,
        &crate::report::make::ReportRequest {
            previous: round.previous.map(Path::to_path_buf).into_iter().collect(),
            out: None,
            allow_incomplete: false,
            rectify_by: Some(format!("{}月{}日", by.month(), by.day())),
            parties: crate::report::write::NoticeParties {
                to: Some("各设区市人民政府,省各有关部门".into()),
                issuer: None,
            },
            force: false,
        },
    )?;
    println!("{}", made.built.summary);
    for t in made
        .built
        .tables
        .iter()
        .filter(|t| t.name == "合格率_开设主体" || t.name == "环比")
    {
        println!("\n{}", t.render());
    }
    println!("报告: {}", made.out.display());
    Ok(())
}

/// Whether a file under the demo folder is one the demo writes (a registry or a returned
/// workbook); campaigns are judged by their manifest instead.
fn is_demo_file(rel: &str) -> bool {
    [PREV, CUR].iter().any(|q| {
        rel == format!("台账_{q}.xlsx")
            || rel == format!("{q}_监测数据.xlsx")
            || rel.starts_with(&format!("{q}_模拟交回/"))
    })
}

/// Record the demo's own files in the folder's marker.
fn seal_demo(out: &Path) -> Result<()> {
    let files: Vec<String> = crate::io::output::files_under(out)?
        .into_iter()
        .filter(|f| is_demo_file(f))
        .collect();
    crate::io::output::seal_files(out, &files)
}

/// With `--force`, clear the demo's earlier outputs: a campaign only when its manifest says it
/// is simulated, a file only when the marker lists it unchanged; anything else is refused, by
/// name, and nothing is deleted.
fn clear_previous_demo(out: &Path, force: bool) -> Result<()> {
    let campaigns = [out.join(PREV), out.join(CUR)];
    for c in campaigns.iter().filter(|c| c.exists()) {
        let simulated = Campaign::open(c, Access::Read).map(|camp| camp.manifest.simulated);
        if !matches!(simulated, Ok(true)) {
            bail!("{} 不是 audit demo 生成的演示项目(清单未标明模拟数据),不会覆盖或删除;请用 --out 指定其他目录", c.display());
        }
    }
    let files: Vec<String> = if out.is_dir() {
        crate::io::output::files_under(out)?
            .into_iter()
            .filter(|f| is_demo_file(f))
            .collect()
    } else {
        Vec::new()
    };
    if files.is_empty() && !campaigns.iter().any(|c| c.exists()) {
        return Ok(());
    }
    if !force {
        bail!(
            "{} 中已有演示项目;加 --force 重新生成,或用 --out 指定其他目录",
            out.display()
        );
    }
    let foreign = crate::io::output::foreign_files(out)?;
    if let Some(f) = files.iter().find(|f| foreign.contains(f)) {
        bail!(
            "{} 不是 audit demo 写的、或写出后被改动过,不会删除;请用 --out 指定其他目录",
            out.join(f).display()
        );
    }
    for c in campaigns.iter().filter(|c| c.exists()) {
        std::fs::remove_dir_all(c).map_err(|e| anyhow::anyhow!("无法删除 {}: {e}", c.display()))?;
    }
    for f in &files {
        let p = out.join(f);
        std::fs::remove_file(&p).map_err(|e| anyhow::anyhow!("无法删除 {}: {e}", p.display()))?;
        if let Some(parent) = p.parent().filter(|d| *d != out) {
            let _ = std::fs::remove_dir(parent); // only when empty
        }
    }
    Ok(())
}

/// Run `audit demo`.
pub fn run(args: &DemoArgs) -> Result<i32> {
    let out = &args.out;
    clear_previous_demo(out, args.force)?;
    if out.exists() && !crate::io::output::is_own_or_empty(out) {
        bail!(
            "{} 已存在,且不是 audit demo 的输出目录(没有 {} 标记);为免混入你的文件,请用 --out 指定一个新的或空的目录",
            out.display(),
            crate::io::output::MARKER
        );
    }
    std::fs::create_dir_all(out)?;
    seal_demo(out)?;
    println!("audit 演示:用内置生成的江苏式台账跑完两个季度的检查抽查。检查结果为模拟数据,所有输出均已标明。");
    step("生成演示台账(上季度 6381 个左右在用账号;本季度减少到约 6030 个)");
    let prev = generate(6650, 2019);
    let active_prev = prev.iter().filter(|a| a.status == "正常").count() as u64;
    let added = 60;
    let closed = (active_prev + added).saturating_sub(6030);
    let cur = next_quarter(&prev, 2020, closed, added);
    let prev_file = out.join("台账_2019Q4.xlsx");
    let cur_file = out.join("台账_2020Q1.xlsx");
    super::demo_data::write_registry(
        &prev_file,
        "2019年第四季度江苏省政务新媒体备案台账(演示数据,截至2019年12月20日)",
        &prev,
    )?;
    super::demo_data::write_registry(
        &cur_file,
        "2020年第一季度江苏省政务新媒体备案台账(演示数据,截至2020年3月20日)",
        &cur,
    )?;
    println!("  {}\n  {}", prev_file.display(), cur_file.display());
    seal_demo(out)?;
    let d = |m: u32, day: u32| {
        chrono::NaiveDate::from_ymd_opt(if m >= 10 { 2019 } else { 2020 }, m, day)
            .expect("valid date")
    };
    campaign_round(
        out,
        &Round {
            name: PREV,
            registry_file: &prev_file,
            previous: None,
            seed: 20191220,
            fail: 1400,
            date: d(12, 20),
            deadline: "2019-12-27",
        },
    )?;
    seal_demo(out)?;
    let prev_dir = out.join(PREV);
    campaign_round(
        out,
        &Round {
            name: CUR,
            registry_file: &cur_file,
            previous: Some(&prev_dir),
            seed: 20200320,
            fail: 400,
            date: d(3, 20),
            deadline: "2020-03-27",
        },
    )?;
    seal_demo(out)?;
    println!(
        "\n演示完成。本季度报告: {}",
        out.join(CUR).join(campaign::REPORT_DIR).display()
    );
    println!("  打开 report.xlsx 查看各表与图表,通报草稿.docx 为通报初稿,annex.xlsx 为附件名单。");
    Ok(0)
}
