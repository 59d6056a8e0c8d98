//! `audit collect --campaign DIR FILE... [--prefer FILE]`

use crate::cli::CollectArgs;
use crate::ops::collect::{collect, Collected};
use crate::store::{self, Access, Campaign};
use anyhow::{bail, Result};

/// What this collect took and changed, then how far the campaign is.
fn print_progress(camp: &Campaign, c: &Collected, sample_size: usize) {
    for line in &c.preferred {
        println!("{line}");
    }
    for t in &c.taken {
        println!("采用 {t}");
    }
    if !c.changes.is_empty() {
        println!("改变了已收回的结论 {} 个:", c.changes.len());
        for change in &c.changes {
            println!("  {change}");
        }
    }
    if !c.checker_flags.is_empty() {
        println!(
            "注意: {} 行的检查人与检查表的检查人不符(已收录,answers.csv 的 检查人核对 列注明;请核实是否由他人代填或冒用):",
            c.checker_flags.len()
        );
        for line in c.checker_flags.iter().take(20) {
            println!("  {line}");
        }
        if c.checker_flags.len() > 20 {
            println!("  ……(其余 {} 行见 answers.csv)", c.checker_flags.len() - 20);
        }
    }
    if !c.already.is_empty() {
        println!(
            "已收回过、未改动的文件 {} 份,跳过(不会覆盖之后的更正): {}",
            c.already.len(),
            c.already.join(", ")
        );
    }
    print_counts(camp, c, sample_size);
}

/// How far the campaign is: accounts checked, monitoring pre-fills, answers kept or set aside,
/// per workbook, and the conflicts left.
fn print_counts(camp: &Campaign, c: &Collected, sample_size: usize) {
    let m = &c.merged;
    println!(
        "已检查 {} / {sample_size} 个样本账号;冲突 {} 个",
        m.results.len(),
        m.conflicts.len()
    );
    let pre = crate::domain::monitor::PrefillTally::total(
        m.results.values().flat_map(|r| r.answer.prefill.iter()),
    );
    if pre.prefilled > 0 {
        println!(
            "监测预填: 已核实 {} 项,保留 {} 项,改动 {} 项(是→否 {},否→是 {})",
            pre.prefilled,
            pre.kept,
            pre.changed(),
            pre.yes_to_no,
            pre.no_to_yes
        );
    }
    if c.kept_earlier > 0 {
        println!(
            "保留了 {} 个账号在较早交回版本中的答案(新交回的文件中这些行为空或有问题)",
            c.kept_earlier
        );
    }
    if m.set_aside > 0 {
        println!(
            "另有 {} 条按旧样本收回的答案未计入(样本已重新抽取)",
            m.set_aside
        );
    }
    for (w, got) in camp.checked_per_workbook(m) {
        println!("  {}: {got} / {}", w.inspector, w.accounts);
    }
    for conflict in &m.conflicts {
        let srcs: Vec<String> = conflict
            .answers
            .iter()
            .map(|a| format!("{} 第 {} 行", a.source, a.row))
            .collect();
        println!(
            "  冲突: 账号 {} 在 {} 中的答案不同;用 --prefer 文件名 指定以哪份为准",
            conflict.id,
            srcs.join(" 与 ")
        );
    }
    println!("结果: {}", camp.path(store::RESULTS).display());
}

/// Run `audit collect`.
pub fn run(args: &CollectArgs) -> Result<i32> {
    if args.files.is_empty() && args.prefer.is_empty() {
        bail!("请给出要收回的检查表文件,例如 audit collect --campaign DIR 返回/*.xlsx");
    }
    let mut camp = Campaign::open(&args.campaign, Access::Write)?;
    let named = crate::formats::read::expand_named_files(&args.files);
    crate::cmd::console::print_owner_files(&named.owner_files);
    let files = named.files;
    let collected = collect(&mut camp, &files, &args.prefer)?;
    print_progress(&camp, &collected, collected.sample_size);
    let missing = &collected.unchecked;
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(15).map(String::as_str).collect();
        let more = if missing.len() > 15 { ", ……" } else { "" };
        println!("尚未检查 {} 个: {}{more}", missing.len(), shown.join(", "));
    }
    if collected.problems.is_empty() {
        return Ok(0);
    }
    eprintln!(
        "发现 {} 个问题(有问题的行未收录,请更正后重新收回该文件):",
        collected.problems.len()
    );
    for p in &collected.problems {
        eprintln!("  {p}");
    }
    Ok(1)
}
