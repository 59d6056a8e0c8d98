//! `audit verify --campaign DIR`: re-derive the sample from the registry and the recorded design,
//! and check the returned copies kept in inbox/ against what was recorded when they were taken.

use crate::ops::verify::verify_campaign;
use crate::store::{self, Access, Campaign};
use anyhow::Result;
use std::path::Path;

/// Run `audit verify`.
pub fn run(dir: &Path) -> Result<i32> {
    let camp = Campaign::open(dir, Access::Read)?;
    let check = verify_campaign(&camp)?;
    let Some(design) = camp.manifest.sample.as_ref() else {
        return Ok(1);
    };
    let (v, inbox) = (&check.sample, &check.inbox);
    if v.ok() {
        println!(
            "核验通过: {} 与台账 + 设计(种子 {},{} 分配,算法 {})重新抽样的结果逐字节一致",
            camp.path(store::SAMPLE).display(),
            design.seed,
            design.allocation,
            design.algorithm
        );
    } else {
        eprintln!("核验未通过,发现 {} 处不一致:", v.problems.len());
        for p in &v.problems {
            eprintln!("  {p}");
        }
    }
    if inbox.intact > 0 {
        println!(
            "收回的原件: {} 份,与收回时记录的 SHA-256 一致",
            inbox.intact
        );
    }
    if !inbox.others.is_empty() {
        println!(
            "原件目录中其他程序留下的文件(不影响核验): {}",
            inbox.others.join(", ")
        );
    }
    if !inbox.problems.is_empty() {
        eprintln!("收回的原件有 {} 处问题:", inbox.problems.len());
        for p in &inbox.problems {
            eprintln!("  {p}");
        }
    }
    Ok(if v.ok() && inbox.problems.is_empty() {
        0
    } else {
        1
    })
}
