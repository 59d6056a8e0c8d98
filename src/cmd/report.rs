//! `audit report --campaign DIR [--previous DIR ...] [--out DIR] [--allow-incomplete]
//! [--rectify-by DATE] [--to TEXT] [--issuer TEXT] [--final | --draft] [--doc-number TEXT]
//! [--mark TEXT] [--cc TEXT] [--printed-by TEXT] [--printed-on DATE] [--force]`

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
                mark: args.mark.clone(),
                doc_number: args.doc_number.clone(),
                cc: args.cc.clone(),
                printed_by: args.printed_by.clone(),
                printed_on: args.printed_on,
            },
            final_notice: match (args.final_notice, args.draft) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
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
    let stem = crate::formats::report_files::notice_stem(made.final_notice);
    let which = if made.final_notice {
        "正式通报"
    } else {
        "通报草稿"
    };
    println!("  report.xlsx(各表与图表)、annex.xlsx(附件名单)、{stem}.md / {stem}.docx({which})、抽样说明.md(内部使用)、csv/(各表 CSV)");
}
