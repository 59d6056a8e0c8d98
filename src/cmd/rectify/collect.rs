//! `audit rectify collect --campaign DIR FILE...`: take the units' replies into the record.

use crate::cli::RectifyCollectArgs;
use crate::ops::rectify_collect::collect_replies;
use crate::store::rectify_record as store;
use crate::store::{Access, Campaign};
use anyhow::{bail, Result};

/// Run `audit rectify collect`.
pub fn run(args: &RectifyCollectArgs) -> Result<i32> {
    if args.files.is_empty() {
        bail!("请给出要收回的整改反馈表文件,例如 audit rectify collect --campaign DIR 整改反馈/*.xlsx");
    }
    let mut camp = Campaign::open(&args.campaign, Access::Write)?;
    let named = crate::formats::read::expand_named_files(&args.files);
    crate::cmd::console::print_owner_files(&named.owner_files);
    let collected = collect_replies(&mut camp, &named.files, &args.prefer)?;
    let deadline = camp.rectify_entry()?.deadline;
    for t in &collected.taken {
        // By when the unit saved its reply, unless that time cannot be believed; the note says
        // which time decided.
        let late = crate::domain::rectify::status::lateness(t.saved, t.collected, deadline);
        println!("{}{}", t.line, late.note(deadline));
    }
    let (already, problems, rows) = (&collected.already, &collected.problems, &collected.rows);
    if !already.is_empty() {
        println!(
            "已收回过、未改动的文件 {} 份,跳过: {}",
            already.len(),
            already.join(", ")
        );
    }
    let reported = rows.iter().filter(|r| r.outcome.is_some()).count();
    println!("已报送 {reported} / {} 个应整改账号", rows.len());
    println!("整改记录: {}", camp.path(store::RECTIFY_RECORD).display());
    if problems.is_empty() {
        return Ok(0);
    }
    eprintln!(
        "发现 {} 个问题(有问题的行未收录,请更正后重新报送该文件):",
        problems.len()
    );
    for p in problems {
        eprintln!("  {p}");
    }
    Ok(1)
}
