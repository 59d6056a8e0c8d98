//! `audit sample --campaign DIR (--size N | --rate R) [--strata …] [--allocation …] [--quota FILE]
//! [--take-all …] [--recheck PREV|FILE] [--exclude FILE] [--seed S] [--dry-run] [--force]`

use crate::cli::{AllocationArg, SampleArgs};
use crate::domain::sampling::Drawn;
use crate::ops::draw::{draw, Allocation, DrawOutcome, DrawRequest, SeedSource};
use crate::store::{self, Access, Campaign};
use anyhow::{anyhow, Result};

/// The request `audit sample`'s arguments make.
fn request(args: &SampleArgs) -> Result<DrawRequest> {
    let allocation = match (&args.quota, args.allocation) {
        (Some(q), _) => Allocation::Quota(q.clone()),
        (None, AllocationArg::Quota) => {
            return Err(anyhow!("--allocation quota 需要 --quota FILE"))
        }
        (None, AllocationArg::Proportional) => Allocation::Proportional,
        (None, AllocationArg::Equal) => Allocation::Equal,
        (None, AllocationArg::Neyman) => {
            Allocation::Neyman(args.previous.clone().ok_or_else(|| {
                anyhow!("--allocation neyman 需要 --previous DIR(上期项目,用其不合格率)")
            })?)
        }
    };
    Ok(DrawRequest {
        strata: args.strata.clone(),
        allocation,
        size: args.size,
        rate: args.rate,
        min_per_stratum: args.min_per_stratum,
        min_per_region: args.min_per_region,
        take_all: args.take_all.clone(),
        recheck: args.recheck.clone(),
        exclude: args.exclude.clone(),
        previous: args.previous.clone(),
        seed: args.seed,
        dry_run: args.dry_run,
        allow_empty: args.allow_empty,
        force: args.force,
    })
}

/// Run `audit sample`.
pub fn run(args: &SampleArgs) -> Result<i32> {
    // A dry run changes nothing: it shares the campaign with other readers.
    let access = if args.dry_run {
        Access::Read
    } else {
        Access::Write
    };
    let mut camp = Campaign::open(&args.campaign, access)?;
    let request = request(args)?;
    let outcome = draw(&mut camp, &request)?;
    print_outcome(&outcome, &camp.profile()?.rates);
    match outcome.written {
        None => println!("(--dry-run: 未写入任何文件)"),
        Some(n) => {
            if outcome.resampled {
                eprintln!("警告: 已重新抽样,之前生成的检查表和按旧样本收回的答案已过期(答案保留在 inbox/ 与 answers.csv,但不再计入结果);请重新运行 audit sheet --force");
            }
            println!("样本: {}({n} 个账号)", camp.path(store::SAMPLE).display());
        }
    }
    Ok(0)
}

fn print_outcome(o: &DrawOutcome, style: &crate::domain::profile::RateStyle) {
    for e in &o.empty_selections {
        eprintln!("警告: {e}");
    }
    print_draw(&o.drawn, o.seed, o.seed_source);
    if o.unknown_ids_omitted > 0 {
        eprintln!(
            "警告: 名单中另有 {} 个账号ID不在台账中(只列出前 {} 个)",
            o.unknown_ids_omitted,
            crate::formats::id_list::MAX_UNKNOWN_IDS
        );
    }
    if let Some(warning) = &o.recheck_stale {
        eprintln!("警告: --recheck 项目的{warning}");
    }
    if let Some(plan) = &o.recheck_plan {
        for line in plan.summary(&o.registry) {
            println!("{line}");
        }
    }
    print!("{}", o.drawn.allocation_table(style));
}

/// What the draw found, for the user: the frame, the certainty units, and anything left out.
fn print_draw(drawn: &Drawn, seed: u64, seed_source: SeedSource) {
    println!(
        "抽样框: {} 个状态正常的账号{};必查 {} 个;样本量 {};种子 {seed}{}",
        drawn.frame_size,
        if drawn.excluded_found > 0 {
            format!("(已排除 {} 个)", drawn.excluded_found)
        } else {
            String::new()
        },
        drawn.certainty,
        drawn.size,
        if seed_source == SeedSource::Os {
            "(随机生成,已记录)"
        } else {
            ""
        }
    );
    if !drawn.excluded_unknown.is_empty() {
        eprintln!(
            "警告: 排除名单中 {} 个账号ID不在台账中: {}",
            drawn.excluded_unknown.len(),
            preview(&drawn.excluded_unknown)
        );
    }
    if !drawn.recheck_outside_frame.is_empty() {
        eprintln!(
            "提示: 回头看名单中 {} 个账号不在本期抽样框中(已关停、注销、停更或被排除): {}",
            drawn.recheck_outside_frame.len(),
            preview(&drawn.recheck_outside_frame)
        );
    }
    let unsampled = drawn.unsampled_strata();
    if !unsampled.is_empty() {
        let accounts: u64 = unsampled.iter().map(|s| s.random_frame()).sum();
        let names: Vec<String> = unsampled.iter().map(|s| s.key.join("/")).collect();
        eprintln!(
            "警告: {} 层没有随机样本({}),加权估计将不覆盖这些层的 {accounts} 个账号;如需覆盖,请增大 --size 或 --min-per-stratum,或调整配额",
            unsampled.len(),
            preview(&names)
        );
    }
}

/// What the plan decided, for the user: counts by reason, the accounts reported shut but still
/// running (named, they go into the next notice), and those confirmed gone.
fn preview(ids: &[String]) -> String {
    let mut s = ids.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
    if ids.len() > 10 {
        s.push_str(", ……");
    }
    s
}
