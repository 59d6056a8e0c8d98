//! `audit verify --campaign DIR`: re-derive the sample from the registry and the recorded design.

use crate::ops::verify::verify;
use crate::store::{self, Access, Campaign};
use anyhow::Result;
use std::path::Path;

/// Run `audit verify`.
pub fn run(dir: &Path) -> Result<i32> {
    let camp = Campaign::open(dir, Access::Read)?;
    let v = verify(&camp)?;
    let Some(design) = camp.manifest.sample.as_ref() else {
        return Ok(1);
    };
    if v.ok() {
        println!(
            "核验通过: {} 与台账 + 设计(种子 {},{} 分配,算法 {})重新抽样的结果逐字节一致",
            camp.path(store::SAMPLE).display(),
            design.seed,
            design.allocation,
            design.algorithm
        );
        Ok(0)
    } else {
        eprintln!("核验未通过,发现 {} 处不一致:", v.problems.len());
        for p in &v.problems {
            eprintln!("  {p}");
        }
        Ok(1)
    }
}
