//! `audit status --campaign DIR`: where the campaign stands.

use crate::store::{self, Access, Campaign, SheetsEntry};
use anyhow::Result;
use std::path::Path;

/// The registry and sample lines; false when a step is missing (its line says what to run).
fn print_registry_and_sample(dir: &Path, camp: &Campaign) -> Result<bool> {
    let m = &camp.manifest;
    let demo = if m.simulated {
        " 【演示:模拟数据】"
    } else {
        ""
    };
    println!("项目: {}(创建于 {}){demo}", m.name, m.created);
    let Some(r) = &m.registry else {
        println!(
            "台账: 未导入 → audit import FILE --campaign {}",
            dir.display()
        );
        return Ok(false);
    };
    println!(
        "台账: {} 个账号(状态正常 {} 个),来自 {},拒收 {} 行",
        r.imported, r.active, r.source_file, r.rejected
    );
    let Some(d) = &m.sample else {
        println!(
            "样本: 未抽样 → audit sample --campaign {} --size N",
            dir.display()
        );
        return Ok(false);
    };
    let verify = match crate::ops::verify::verify(camp) {
        Ok(v) if v.ok() => "核验通过".to_string(),
        Ok(v) => format!(
            "核验未通过({} 处不一致,运行 audit verify 查看)",
            v.problems.len()
        ),
        Err(e) => format!("无法核验: {e}"),
    };
    let n: u64 = d.strata.iter().map(|s| s.total).sum();
    println!(
        "样本: {n} 个(必查 {}),种子 {},{}",
        d.certainty, d.seed, verify
    );
    Ok(true)
}

/// Run `audit status`.
pub fn run(dir: &Path) -> Result<i32> {
    let camp = Campaign::open(dir, Access::Read)?;
    if !print_registry_and_sample(dir, &camp)? {
        return Ok(0);
    }
    let Some(sheets) = &camp.manifest.sheets else {
        println!(
            "检查表: 未生成 → audit sheet --campaign {} --inspectors N",
            dir.display()
        );
        return Ok(0);
    };
    let complete = print_collection(&camp, sheets)?;
    let inbox = camp.check_inbox()?;
    if !inbox.problems.is_empty() {
        println!(
            "收回的原件: {} 处问题(被改动、缺失或不是收回的文件),运行 audit verify 查看",
            inbox.problems.len()
        );
    }
    let report = camp.path(store::REPORT_DIR);
    let reported = report.join(store::output::MARKER).exists();
    if complete && reported {
        // Done: a deadline passed long ago is no news once every workbook is in.
        println!("进度: 全部样本账号已检查,报告已生成,本期检查抽查已完成");
    } else if complete {
        println!(
            "进度: 全部样本账号已检查 → audit report --campaign {}",
            dir.display()
        );
    } else {
        print_deadline(sheets.deadline);
    }
    if report.exists() {
        println!("报告: {}", report.display());
    }
    if let Some(r) = &camp.manifest.rectify {
        let rows = camp.rectify_rows()?;
        let reported = rows.iter().filter(|x| x.outcome.is_some()).count();
        println!(
            "整改: {} 个责任单位,已报送 {reported} / {} 个应整改账号,报送截止 {}(详见 audit rectify status)",
            r.workbooks.len(),
            rows.len(),
            r.deadline
        );
    }
    Ok(0)
}

/// The workbooks sent and received, accounts checked (in all and per workbook), answers set
/// aside and conflicts; true when every sampled account is checked and none is in conflict.
fn print_collection(camp: &Campaign, s: &SheetsEntry) -> Result<bool> {
    let m = &camp.manifest;
    println!("检查表: 已发出 {} 份", s.workbooks.len());
    let received = m
        .collect
        .as_ref()
        .map(|c| c.received.clone())
        .unwrap_or_default();
    println!("已收回: {} 份", received.len());
    let sample_size: u64 = m
        .sample
        .iter()
        .flat_map(|d| d.strata.iter())
        .map(|s| s.total)
        .sum();
    let cat = camp.catalog()?;
    let merged = camp.merged(&cat)?;
    println!("已检查: {} / {sample_size}", merged.results.len());
    if s.sample_sha256
        != m.sample
            .as_ref()
            .map(|d| d.sample_sha256.clone())
            .unwrap_or_default()
    {
        println!("注意: 检查表是按旧样本生成的,请运行 audit sheet --force 重新生成");
    }
    for (w, got) in camp.checked_per_workbook(&merged) {
        let back = received.iter().any(|r| r.workbook == w.id);
        let note = if back { "" } else { "(未收回)" };
        println!("  {}: {got} / {}{note}", w.inspector, w.accounts);
    }
    if merged.set_aside > 0 {
        println!(
            "按旧样本收回的答案: {} 条,已搁置(保留在 inbox/,不计入结果)",
            merged.set_aside
        );
    }
    let where_ = if merged.conflicts.is_empty() {
        String::new()
    } else {
        format!("(见 {})", camp.path(store::CONFLICTS).display())
    };
    println!("冲突: {} 个{where_}", merged.conflicts.len());
    Ok(merged.results.len() as u64 >= sample_size && merged.conflicts.is_empty())
}

/// Days left to the deadline, or days overdue.
fn print_deadline(deadline: Option<chrono::NaiveDate>) {
    let Some(deadline) = deadline else {
        return;
    };
    let days = (deadline - chrono::Local::now().date_naive()).num_days();
    if days >= 0 {
        println!("截止日期: {deadline},还有 {days} 天");
    } else {
        println!("截止日期: {deadline},已逾期 {} 天", -days);
    }
}
