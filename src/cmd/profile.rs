//! `audit profile init FILE [--monitor FILE] [--out profile.toml]`: write a profile draft from an
//! office's own registry export (and its monitoring export's header) through
//! [`crate::ops::profile_init`], and say what is left to fill in.

use crate::cli::{ProfileArgs, ProfileCommand, ProfileInitArgs};
use crate::domain::profile_draft::MonitorFacts;
use crate::domain::shell;
use crate::formats::read::CsvEncoding;
use crate::ops::profile_init::{profile_init, ProfileInitRequest};
use anyhow::{anyhow, Result};

/// Run `audit profile …`.
pub fn run(args: &ProfileArgs) -> Result<i32> {
    match &args.command {
        ProfileCommand::Init(a) => init(a),
    }
}

fn init(args: &ProfileInitArgs) -> Result<i32> {
    let encoding = match &args.encoding {
        None => None,
        Some(s) => Some(
            CsvEncoding::parse(s)
                .ok_or_else(|| anyhow!("--encoding \"{s}\" 无法识别;可用 utf-8、gbk、gb18030"))?,
        ),
    };
    let outcome = profile_init(&ProfileInitRequest {
        file: args.file.clone(),
        sheet: args.sheet.clone(),
        encoding,
        monitor: args.monitor.clone(),
        out: args.out.clone(),
        force: args.force,
    })?;
    let f = &outcome.facts;
    println!(
        "已写出画像草稿 {}:读取 {} 行数据(表头在第 {} 行)",
        outcome.out.display(),
        outcome.rows,
        outcome.header_row
    );
    match &f.province {
        Some(p) => println!("省份: {p}(依据: {})", f.province_from),
        None => println!("省份: 未能判断,请在草稿中填写 province"),
    }
    let named: Vec<String> = f
        .columns
        .iter()
        .filter_map(|(h, field)| field.map(|x| format!("{} ← \"{h}\"", x.label())))
        .collect();
    println!("识别的列: {}", named.join(","));
    if !f.missing.is_empty() {
        let names: Vec<&str> = f.missing.iter().map(|x| x.label()).collect();
        eprintln!(
            "警告: 没有找到必需的列 {};请在草稿 [columns] 中把对应的表头映射过去",
            names.join("、")
        );
    }
    if let Some(m) = &outcome.monitor {
        monitor_lines(m);
    }
    if outcome.unfilled.is_empty() {
        println!("草稿中没有需要填写的 ? 行;请核对后导入:");
    } else {
        let lines: Vec<String> = outcome.unfilled.iter().map(|l| l.to_string()).collect();
        println!(
            "还有 {} 处值为 \"?\" 需要填写(第 {} 行);填好后导入:",
            outcome.unfilled.len(),
            lines.join("、")
        );
    }
    // The sheet read here is the sheet to import: without --sheet, import reads the first.
    let sheet = match &args.sheet {
        Some(s) => format!(" --sheet {}", shell::arg(std::path::Path::new(s))),
        None => String::new(),
    };
    println!(
        "  {} import {}{sheet} --campaign 项目目录 --profile {}",
        shell::program(),
        shell::arg(&args.file),
        shell::arg(&outcome.out)
    );
    Ok(0)
}

/// What the draft's `[monitor.columns]` says: the columns recognised, those to fill in, and the
/// pre-fill rules the export leaves without evidence.
fn monitor_lines(m: &MonitorFacts) {
    let named: Vec<String> = m
        .understood
        .iter()
        .map(|(h, label)| format!("{label} ← \"{h}\""))
        .collect();
    println!(
        "监测数据 {}(表头在第 {} 行)识别的列: {}",
        m.source,
        m.header_row,
        if named.is_empty() {
            "无".to_string()
        } else {
            named.join(",")
        }
    );
    if !m.unknown.is_empty() {
        let names: Vec<String> = m.unknown.iter().map(|u| u.describe()).collect();
        println!(
            "监测数据中有 {} 列未识别: {};草稿 [monitor.columns] 中为它们各留了一行注释,若是监测数据,去掉行首的 \"# \" 并填写列名",
            m.unknown.len(),
            names.join("、")
        );
    }
    for missing in &m.missing {
        eprintln!("提示: {}", missing.describe());
    }
}
