//! `audit rectify status --campaign DIR [--as-of DATE]`: per unit, what was to be rectified and
//! what was reported; written as rectify/整改情况.xlsx (and .csv) with a drafted paragraph.

use crate::cli::RectifyStatusArgs;
use crate::store::{Access, Campaign};
use anyhow::Result;

/// Run `audit rectify status`.
pub fn run(args: &RectifyStatusArgs) -> Result<i32> {
    let today = chrono::Local::now().date_naive();
    let mut camp = Campaign::open(&args.campaign, Access::Write)?;
    let made = crate::ops::rectify_status::status(&mut camp, args.as_of, today)?;
    for line in &made.warnings {
        eprintln!("警告: {line}");
    }
    for b in &made.banners {
        println!("{b}");
    }
    let late = if made.past_deadline {
        "已过报送截止日期"
    } else {
        "未到报送截止日期"
    };
    println!("截至 {}(报送截止 {},{late})", made.as_of, made.deadline);
    if made.later > 0 {
        println!(
            "另有 {} 个账号的整改情况在 {} 之后保存,本次按未报送计",
            made.later, made.as_of
        );
    }
    print!("{}", made.table.render());
    println!();
    println!("{}", made.paragraph);
    println!();
    println!("整改情况: {}", made.xlsx.display());
    Ok(0)
}
