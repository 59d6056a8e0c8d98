//! One simulated quarter of `audit demo`: import, sample, a generated monitoring export, the
//! workbooks pre-filled from it, simulated inspectors, collect and report, each through the
//! library's operations, with a banner per step.

use super::outside::{write_monitoring, write_returned};
use crate::domain::demo_data::simulate;
use crate::domain::indicators::Catalog;
use crate::ops::issue::{issue, Assignment, IssueRequest, MonitorInput};
use crate::store::{self, Access, Campaign};
use anyhow::{bail, Result};
use std::path::Path;

/// A step's banner.
pub fn step(title: &str) {
    println!("\n======== {title} ========");
}

/// One simulated quarter.
pub struct Round<'a> {
    pub name: &'a str,
    pub registry_file: &'a Path,
    pub previous: Option<&'a Path>,
    pub seed: u64,
    /// Base chance (per 10,000) that an account fails a veto item.
    pub fail: u64,
    pub date: chrono::NaiveDate,
    pub deadline: chrono::NaiveDate,
}

/// Run one quarter into `out/NAME`.
pub fn campaign_round(out: &Path, round: &Round<'_>) -> Result<()> {
    let dir = out.join(round.name);
    import_step(&dir, round)?;
    sample_step(&dir, round)?;
    let mut camp = Campaign::open(&dir, Access::Write)?;
    let (sample, _) = camp.sample()?;
    let cat = Catalog::builtin();
    let again: Vec<String> = match round.previous {
        Some(p) => crate::ops::draw::previous_results(&camp, p)?
            .into_iter()
            .filter(|r| !r.qualified)
            .map(|r| r.id)
            .collect(),
        None => Vec::new(),
    };
    let fills = simulate::answers(
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
        deadline: Some(round.deadline),
        catalog: (
            cat.clone(),
            crate::domain::indicators::DEFAULT_CATALOG.to_string(),
        ),
        show: None,
        monitor: Some(MonitorInput {
            path: monitor,
            at: None,
            any_date: false,
        }),
        force: false,
        new_secret: false,
    };
    let issued = issue(&mut camp, &request)?.issued;
    println!(
        "  已生成 {} 份检查表: {}",
        issued.len(),
        camp.path(store::SHEETS_DIR).display()
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
    let imported = crate::ops::import::import(
        &crate::ops::import::ImportRequest {
            previous: round.previous.map(Path::to_path_buf),
            ..crate::ops::import::ImportRequest::new(round.registry_file, dir)
        },
        &mut crate::cmd::console::Console::new(),
    )?;
    crate::cmd::console::print_summary(&imported);
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
    let outcome = crate::ops::draw::draw(
        &mut camp,
        &crate::ops::draw::DrawRequest {
            strata: vec!["level".into(), "type".into()],
            allocation: crate::ops::draw::Allocation::Proportional,
            size: Some(219),
            rate: None,
            min_per_stratum: 2,
            min_per_region: None,
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
    println!("  样本: {}", camp.path(store::SAMPLE).display());
    Ok(())
}

fn collect_step(
    camp: &mut Campaign,
    round: &Round<'_>,
    files: &[std::path::PathBuf],
) -> Result<()> {
    step(&format!("{}: 收回检查表", round.name));
    let collected = crate::ops::collect::collect(camp, files, &[])?;
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
    let pre = crate::domain::monitor::PrefillTally::total(
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
    let made = crate::ops::report::make(
        &mut camp,
        &crate::ops::report::ReportRequest {
            previous: round.previous.map(Path::to_path_buf).into_iter().collect(),
            out: None,
            allow_incomplete: false,
            rectify_by: Some(by),
            parties: crate::formats::report_files::NoticeParties {
                to: Some("各设区市人民政府,省各有关部门".into()),
                ..Default::default()
            },
            final_notice: None,
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
