//! `audit demo [--out DIR] [--force]`: two whole quarters on built-in generated data, with
//! simulated answers, every output labelled as such.

mod outside;
mod round;

use crate::cli::DemoArgs;
use crate::domain::demo_data::{generate, next_quarter};
use crate::ops::demo_folder;
use crate::store;
use anyhow::{bail, Result};
use round::{campaign_round, step, Round};

const PREV: &str = "2019Q4";
const CUR: &str = "2020Q1";
const QUARTERS: [&str; 2] = [PREV, CUR];

/// Run `audit demo`.
pub fn run(args: &DemoArgs) -> Result<i32> {
    let out = &args.out;
    demo_folder::clear(out, &QUARTERS, args.force)?;
    if out.exists() && !crate::store::output::is_own_or_empty(out) {
        bail!(
            "{} 已存在,且不是 audit demo 的输出目录(没有 {} 标记);为免混入你的文件,请用 --out 指定一个新的或空的目录",
            out.display(),
            crate::store::output::MARKER
        );
    }
    std::fs::create_dir_all(out)?;
    demo_folder::seal(out, &QUARTERS)?;
    println!("audit 演示:用内置生成的江苏式台账跑完两个季度的检查抽查。检查结果为模拟数据,所有输出均已标明。");
    step("生成演示台账(上季度 6381 个左右在用账号;本季度减少到约 6030 个)");
    let prev = generate(6650, 2019);
    let active_prev = prev.iter().filter(|a| a.status == "正常").count() as u64;
    let added = 60;
    let closed = (active_prev + added).saturating_sub(6030);
    let cur = next_quarter(&prev, 2020, closed, added);
    let prev_file = out.join("台账_2019Q4.xlsx");
    let cur_file = out.join("台账_2020Q1.xlsx");
    crate::ops::demo_data::write_registry(
        &prev_file,
        "2019年第四季度江苏省政务新媒体备案台账(演示数据,截至2019年12月20日)",
        &prev,
    )?;
    crate::ops::demo_data::write_registry(
        &cur_file,
        "2020年第一季度江苏省政务新媒体备案台账(演示数据,截至2020年3月20日)",
        &cur,
    )?;
    println!("  {}\n  {}", prev_file.display(), cur_file.display());
    demo_folder::seal(out, &QUARTERS)?;
    let d = |m: u32, day: u32| {
        chrono::NaiveDate::from_ymd_opt(if m >= 10 { 2019 } else { 2020 }, m, day)
            .expect("valid date")
    };
    campaign_round(
        out,
        &Round {
            name: PREV,
            registry_file: &prev_file,
            previous: None,
            seed: 20191220,
            fail: 1400,
            date: d(12, 20),
            deadline: d(12, 27),
        },
    )?;
    demo_folder::seal(out, &QUARTERS)?;
    let prev_dir = out.join(PREV);
    campaign_round(
        out,
        &Round {
            name: CUR,
            registry_file: &cur_file,
            previous: Some(&prev_dir),
            seed: 20200320,
            fail: 400,
            date: d(3, 20),
            deadline: d(3, 27),
        },
    )?;
    demo_folder::seal(out, &QUARTERS)?;
    println!(
        "\n演示完成。本季度报告: {}",
        out.join(CUR).join(store::REPORT_DIR).display()
    );
    println!("  打开 report.xlsx 查看各表与图表,通报草稿.docx 为通报初稿,annex.xlsx 为附件名单。");
    Ok(0)
}
