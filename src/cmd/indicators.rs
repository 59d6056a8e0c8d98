//! `audit indicators [--write FILE] [--catalog FILE]`

use crate::cli::IndicatorsArgs;
use crate::domain::indicators::Kind;
use crate::store::output::{guard_overwrite, write_atomic};
use anyhow::Result;

/// Run `audit indicators`.
pub fn run(args: &IndicatorsArgs) -> Result<i32> {
    let (cat, text) = crate::formats::catalog_file::load(args.catalog.as_deref())?;
    if let Some(out) = &args.write {
        guard_overwrite(out, args.force, "指标目录")?;
        write_atomic(out, text.as_bytes())?;
        println!("已写出指标目录: {}(编辑后用 --catalog 使用)", out.display());
        return Ok(0);
    }
    println!("{}", cat.name);
    println!(
        "判定规则: 任一单项否决指标为\"是\",或 100 − 扣分 < {} 分,即为不合格。\n",
        cat.pass_mark
    );
    let header: Vec<String> = ["代码", "类别", "指标", "类型", "扣分规则", "说明"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let rows: Vec<Vec<String>> = cat
        .indicators
        .iter()
        .map(|i| {
            vec![
                i.code.clone(),
                i.head.clone(),
                i.name.clone(),
                match i.kind {
                    Kind::Veto => "单项否决".into(),
                    Kind::Deduct => "扣分".into(),
                },
                match i.kind {
                    Kind::Veto => String::new(),
                    Kind::Deduct => format!(
                        "每次 {} 分,最多 {} 次",
                        i.points.unwrap_or(0),
                        i.max.unwrap_or(0)
                    ),
                },
                i.description.clone(),
            ]
        })
        .collect();
    print!("{}", crate::domain::text::render_table(&header, &rows));
    Ok(0)
}
