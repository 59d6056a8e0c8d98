//! `audit rectify status --campaign DIR [--as-of DATE]`: per unit, what was to be rectified and
//! what was reported; written as rectify/整改情况.xlsx (and .csv) with a drafted paragraph.

use crate::cli::RectifyStatusArgs;
use crate::domain::rectify::status::{detail_table, past_deadline};
use crate::domain::rectify::{draft_paragraph, status_table, unit_status};
use crate::store::rectify_record::{self as record, OutputFile};
use crate::store::{self, Access, Campaign};
use anyhow::Result;

/// Stage an output, refusing to replace a file there that the tool did not write as it is.
fn stage_output(
    camp: &Campaign,
    txn: &mut store::Txn,
    outputs: &mut Vec<OutputFile>,
    file: &str,
    bytes: &[u8],
) -> Result<()> {
    let known = outputs
        .iter()
        .find(|o| o.file == file)
        .map(|o| o.sha256.clone());
    camp.check_own(file, known.as_deref())?;
    txn.put(file, bytes)?;
    outputs.retain(|o| o.file != file);
    outputs.push(OutputFile {
        file: file.to_string(),
        sha256: crate::domain::digest::sha256_hex(bytes),
    });
    Ok(())
}

/// Run `audit rectify status`.
pub fn run(args: &RectifyStatusArgs) -> Result<i32> {
    let today = chrono::Local::now().date_naive();
    let as_of = args.as_of.unwrap_or(today);
    if as_of > today {
        anyhow::bail!("--as-of {as_of} 晚于今天({today}),整改情况只能统计到今天");
    }
    let mut camp = Campaign::open(&args.campaign, Access::Write)?;
    let mut entry = camp.rectify_entry()?.clone();
    let deadline = entry.deadline;
    let record = camp.rectify_rows()?;
    if let Some(warning) = crate::ops::rectify_issue::stale_record(&camp, &record)? {
        eprintln!("警告: {warning}");
    }
    let (rows, ahead) = crate::domain::rectify::status::as_of_view(record, as_of, today);
    for line in &ahead {
        eprintln!("警告: {line}");
    }
    let statuses = unit_status(&rows, deadline, as_of);
    let table = status_table(&statuses);
    let paragraph = draft_paragraph(&statuses, deadline, as_of);
    let banners: Vec<String> = if camp.manifest.simulated {
        vec!["【演示:模拟数据】检查结果为模拟数据,不是真实检查结论。".into()]
    } else {
        Vec::new()
    };
    let xlsx = crate::formats::report_files::rectify_status_xlsx(
        &paragraph,
        &table,
        &detail_table(&rows, deadline, as_of),
        &banners,
        &camp.manifest.created,
    )?;
    let csv = crate::formats::report_files::csv(&table)?;
    let mut txn = camp.begin()?;
    let mut outputs = std::mem::take(&mut entry.outputs);
    stage_output(
        &camp,
        &mut txn,
        &mut outputs,
        record::RECTIFY_STATUS_XLSX,
        &xlsx,
    )?;
    stage_output(
        &camp,
        &mut txn,
        &mut outputs,
        record::RECTIFY_STATUS_CSV,
        &csv,
    )?;
    entry.outputs = outputs;
    camp.manifest.rectify = Some(entry);
    camp.commit(txn)?;
    for b in &banners {
        println!("{b}");
    }
    let late = if past_deadline(deadline, as_of) {
        "已过报送截止日期"
    } else {
        "未到报送截止日期"
    };
    println!("截至 {as_of}(报送截止 {deadline},{late})");
    print!("{}", table.render());
    println!();
    println!("{paragraph}");
    println!();
    println!(
        "整改情况: {}",
        camp.path(record::RECTIFY_STATUS_XLSX).display()
    );
    Ok(0)
}
