//! `audit status --campaign DIR`: where the campaign stands.

use crate::campaign::{self, Campaign};
use anyhow::Result;
use std::path::Path;

pub fn run(dir: &Path) -> Result<i32> {
    let camp = Campaign::open(dir)?;
    let m = &camp.manifest;
    println!(
        "项目: {}(创建于 {}){}",
        m.name,
        m.created,
        if m.simulated {
            " 【演示:模拟数据】"
        } else {
            ""
        }
    );
    match &m.registry {
        Some(r) => println!(
            "台账: {} 个账号(状态正常 {} 个),来自 {},拒收 {} 行",
            r.imported, r.active, r.source_file, r.rejected
        ),
        None => {
            println!(
                "台账: 未导入 → audit import FILE --campaign {}",
                dir.display()
            );
            return Ok(0);
        }
    }
    let Some(d) = &m.sample else {
        println!(
            "样本: 未抽样 → audit sample --campaign {} --size N",
            dir.display()
        );
        return Ok(0);
    };
    let verify = match super::verify::verify(&camp) {
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
    let Some(s) = &m.sheets else {
        println!(
            "检查表: 未生成 → audit sheet --campaign {} --inspectors N",
            dir.display()
        );
        return Ok(0);
    };
    println!("检查表: 已发出 {} 份", s.workbooks.len());
    let received = m
        .collect
        .as_ref()
        .map(|c| c.received.clone())
        .unwrap_or_default();
    println!("已收回: {} 份", received.len());
    let (sample, _) = camp.sample()?;
    let cat = camp.catalog()?;
    let answers = super::collect::load_answers(&camp, &cat)?;
    let prefer = m
        .collect
        .as_ref()
        .map(|c| c.preferences())
        .unwrap_or_default();
    let (results, conflicts) = crate::answers::merge(&cat, &answers, &prefer);
    println!("已检查: {} / {}", results.len(), sample.accounts.len());
    for w in &s.workbooks {
        let got = answers
            .iter()
            .filter(|a| a.workbook_inspector == w.inspector)
            .map(|a| &a.id)
            .collect::<std::collections::HashSet<_>>()
            .len();
        let back = received.iter().any(|r| r.inspector == w.inspector);
        println!(
            "  {}: {} / {}{}",
            w.inspector,
            got,
            w.accounts,
            if back { "" } else { "(未收回)" }
        );
    }
    println!(
        "冲突: {} 个{}",
        conflicts.len(),
        if conflicts.is_empty() {
            String::new()
        } else {
            format!("(见 {})", camp.path(campaign::CONFLICTS).display())
        }
    );
    if let Some(deadline) = s
        .deadline
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    {
        let today = chrono::Local::now().date_naive();
        let days = (deadline - today).num_days();
        if days >= 0 {
            println!("截止日期: {deadline},还有 {days} 天");
        } else {
            println!("截止日期: {deadline},已逾期 {} 天", -days);
        }
    }
    let report = camp.path(campaign::REPORT_DIR);
    if report.exists() {
        println!("报告: {}", report.display());
    }
    Ok(0)
}
