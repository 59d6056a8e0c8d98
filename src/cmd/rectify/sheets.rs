//! `audit rectify sheets --campaign DIR --deadline DATE`: one workbook per responsible unit.

use crate::cli::RectifySheetsArgs;
use crate::ops::rectify_issue::{issue_rectify, RectifyRequest};
use crate::store::{Access, Campaign};
use anyhow::Result;

/// Run `audit rectify sheets`.
pub fn run(args: &RectifySheetsArgs) -> Result<i32> {
    let mut camp = Campaign::open(&args.campaign, Access::Write)?;
    let request = RectifyRequest {
        deadline: args.deadline,
        allow_incomplete: args.allow_incomplete,
        force: args.force,
        new_secret: args.new_secret,
    };
    let issued = issue_rectify(&mut camp, &request)?;
    if issued.workbooks.is_empty() {
        println!("本期通报附件名单为空(没有存在单项否决问题的账号),无需整改,未生成整改反馈表。");
        return Ok(0);
    }
    println!(
        "已为 {} 个责任单位生成整改反馈表(应整改账号 {} 个,报送截止 {}):",
        issued.workbooks.len(),
        issued.accounts,
        args.deadline
    );
    for w in &issued.workbooks {
        println!(
            "  {}  {} 个账号  {}",
            w.unit,
            w.accounts,
            camp.path(&w.file).display()
        );
    }
    Ok(0)
}
