//! `audit report --campaign DIR [--previous DIR ...] [--out DIR] [--allow-incomplete]
//! [--rectify-by DATE] [--to TEXT] [--issuer TEXT] [--force]`

use crate::cli::ReportArgs;
use crate::formats::report_files::NoticeParties;
use crate::ops::report::{make, Made, ReportRequest};
use crate::store::{Access, Campaign};
use anyhow::Result;

/// Run `audit report`.
pub fn run(args: &ReportArgs) -> Result<i32> {
    let mut camp = Campaign::open(&args.campaign, Access::Write)?;
    let made = make(
        &mut camp,
        &ReportRequest {
            previous: args.previous.clone(),
            out: args.out.clone(),
            allow_incomplete: args.allow_incomplete,
            rectify_by: args.rectify_by,
            parties: NoticeParties {
                to: args.to.clone(),
                issuer: args.issuer.clone(),
            },
            force: args.force,
        },
    )?;
    print_summary(&made);
    if made.unchecked > 0 {
        eprintln!("警告: 报告未完成,{} 个样本账号尚未检查", made.unchecked);
    }
    Ok(0)
}

fn print_summary(made: &Made) {
    let built = &made.built;
    println!("{}", built.summary);
    for name in ["合格率_开设主体", "合格率_类型"] {
        if let Some(t) = built.tables.iter().find(|t| t.name == name) {
            println!("\n{}", t.render());
        }
    }
    if made.compared {
        if let Some(t) = built.tables.iter().find(|t| t.name == "环比") {
            println!("{}", t.render());
        }
    }
    println!("报告: {}", made.out.display());
    println!("  report.xlsx(各表与图表)、annex.xlsx(附件名单)、通报草稿.md / 通报草稿.docx、抽样说明.md(内部使用)、csv/(各表 CSV)");
}
