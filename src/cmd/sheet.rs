//! `audit sheet --campaign DIR [--inspectors N | --assign FILE] [--deadline DATE] [--catalog FILE]
//! [--show COL,…] [--monitor FILE [--monitor-at DATE]]`

use crate::cli::SheetArgs;
use crate::domain::profile::Profile;
use crate::ops::issue::{issue, Assignment, IssueRequest, MonitorInput, MonitorNotes};
use crate::store::{self, Access, Campaign, MonitorEntry};
use anyhow::{anyhow, Result};

/// The request `audit sheet`'s arguments make: the catalog and the assignment (read through the
/// campaign's profile) read from their files; the monitoring export is read by the op, under
/// the campaign's profile.
pub fn request(args: &SheetArgs, profile: &Profile) -> Result<IssueRequest> {
    let assignment = match &args.assign {
        Some(p) => Assignment::Mapping {
            source: p.display().to_string(),
            map: crate::formats::assign_file::read(p, profile)?,
        },
        None => Assignment::Balanced {
            inspectors: args.inspectors.unwrap_or(1),
        },
    };
    let today = chrono::Local::now().date_naive();
    let monitor = match &args.monitor {
        None => None,
        Some(path) => {
            let at = args.monitor_at.map(|d| monitor_at(d, today)).transpose()?;
            Some(MonitorInput {
                path: path.clone(),
                at,
                any_date: args.monitor_any_date,
            })
        }
    };
    Ok(IssueRequest {
        assignment,
        deadline: args.deadline,
        catalog: crate::formats::catalog_file::load(args.catalog.as_deref())?,
        show: args.show.clone(),
        monitor,
        force: args.force,
        new_secret: args.new_secret,
    })
}

/// `--monitor-at`: a date, not after today.
fn monitor_at(d: chrono::NaiveDate, today: chrono::NaiveDate) -> Result<chrono::NaiveDate> {
    if d > today {
        return Err(anyhow!(
            "--monitor-at {d} 晚于今天({today}),监测时间不会在将来"
        ));
    }
    Ok(d)
}

/// Run `audit sheet`.
pub fn run(args: &SheetArgs) -> Result<i32> {
    let mut camp = Campaign::open(&args.campaign, Access::Write)?;
    let profile = camp.profile()?;
    let outcome = issue(&mut camp, &request(args, &profile)?)?;
    println!("已生成 {} 份检查表:", outcome.issued.len());
    for e in outcome.issued.iter().map(|i| &i.entry) {
        println!(
            "  {}  {} 个账号  {}",
            e.inspector,
            e.accounts,
            camp.path(&e.file).display()
        );
    }
    if let Some(m) = camp
        .manifest
        .sheets
        .as_ref()
        .and_then(|s| s.monitor.as_ref())
    {
        print_monitor(&camp, m);
    }
    if let Some(notes) = &outcome.monitor {
        print_notes(notes);
    }
    println!(
        "指标目录已固定在 {}(本项目之后不能再悄悄更换)",
        camp.path(store::CATALOG).display()
    );
    Ok(0)
}

fn print_monitor(camp: &Campaign, m: &MonitorEntry) {
    println!(
        "监测数据 {}(列: {}): {} 行,匹配样本账号 {} 个,预填 {} 项(黄色单元格,依据见\"预填依据\"列,记录在 {})",
        m.source,
        m.columns,
        m.rows,
        m.matched,
        m.prefilled,
        camp.path(store::MONITOR_PREFILL).display()
    );
    if m.matched == 0 {
        eprintln!(
            "警告: 监测数据 {} 没有匹配到任何样本账号,检查表未预填;请确认它是本期样本所在地区的导出,且有 账号ID 列(或 名称 与 类型)",
            m.source
        );
    }
    if m.unmatched > 0 {
        println!(
            "  {} 行未匹配到样本账号,见 {}",
            m.unmatched,
            camp.path(store::MONITOR_UNMATCHED).display()
        );
    }
}

/// What the export left unused or unanswered, and dates taken on `--monitor-any-date`.
fn print_notes(n: &MonitorNotes) {
    if !n.unmatched.is_empty() {
        let kinds: Vec<String> = n
            .unmatched
            .iter()
            .map(|(kind, count)| format!("{kind} {count} 行"))
            .collect();
        println!("  未匹配原因: {}", kinds.join(","));
    }
    for m in &n.missing {
        eprintln!("警告: {}", m.describe());
    }
    let close: Vec<String> = n
        .unused
        .iter()
        .filter(|u| !u.closest.is_empty())
        .map(|u| u.describe())
        .collect();
    for c in &close {
        eprintln!("警告: 监测数据的列 {c} 未识别,未使用");
    }
    let other: Vec<&str> = n
        .unused
        .iter()
        .filter(|u| u.closest.is_empty())
        .map(|u| u.header.as_str())
        .collect();
    if !other.is_empty() {
        println!(
            "  未使用的列: {}(如其中有监测数据,在画像 [monitor.columns] 中写明它对应的列名)",
            other.join("、")
        );
    }
    if let Some(w) = &n.outside_window {
        eprintln!("警告: 按 --monitor-any-date 仍然预填,但{w}");
    }
    if n.unchecked_dates {
        println!("  项目没有记录季度(import --period),未检查监测时间是否在本期");
    }
}
