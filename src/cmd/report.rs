//! `audit report --campaign DIR [--previous DIR ...] [--out DIR] [--allow-incomplete]`

use crate::campaign::{self, write_atomic, Campaign};
use crate::cli::ReportArgs;
use crate::registry;
use crate::report::draft::{self, DraftInput};
use crate::report::table::{Cell, Table};
use crate::report::tables::{self, CampaignData, Outcome};
use crate::report::{makeup, write};
use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Load what the report needs from a campaign folder. Accounts in conflict count as unchecked.
pub fn load(dir: &Path) -> Result<(CampaignData, usize)> {
    let camp = Campaign::open(dir)?;
    let registry = camp.registry()?;
    let (sample, info) = camp.sample()?;
    let design = camp.manifest.sample.clone().expect("sample() checked it");
    let catalog = camp.catalog()?;
    let answers = super::collect::load_answers(&camp, &catalog)?;
    let prefer = camp
        .manifest
        .collect
        .as_ref()
        .map(|c| c.preferences())
        .unwrap_or_default();
    let (results, conflicts) = crate::answers::merge(&catalog, &answers, &prefer);
    let outcomes: HashMap<String, Outcome> = results
        .into_iter()
        .map(|(id, r)| {
            (
                id,
                Outcome {
                    values: r.answer.values,
                    verdict: r.verdict,
                },
            )
        })
        .collect();
    let strata = info
        .iter()
        .map(|i| {
            (
                i.stratum.clone(),
                i.reason != crate::sampling::Reason::Random.label(),
            )
        })
        .collect();
    Ok((
        CampaignData {
            name: camp.manifest.name.clone(),
            registry,
            sample: sample.accounts,
            strata,
            design,
            catalog,
            outcomes,
            simulated: camp.manifest.simulated,
        },
        conflicts.len(),
    ))
}

fn chinese_date(s: &str) -> String {
    let d = s
        .get(..10)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    match d {
        Some(d) => format!(
            "{}年{}月{}日",
            chrono::Datelike::year(&d),
            chrono::Datelike::month(&d),
            chrono::Datelike::day(&d)
        ),
        None => s.to_string(),
    }
}

pub struct Built {
    pub tables: Vec<Table>,
    pub annex: Table,
    pub paras: Vec<draft::Para>,
    pub banners: Vec<String>,
    pub cities: usize,
    pub summary: String,
}

/// Compute every table and the draft (pure apart from the verify status passed in).
pub fn build(
    cur: &CampaignData,
    previous: &[CampaignData],
    incomplete: bool,
    verify_status: &str,
    as_of: String,
    rectify_by: Option<String>,
) -> Built {
    let mut banners = Vec::new();
    if incomplete {
        banners.push(format!(
            "【未完成】{} 个样本账号尚未检查,本表只反映已检查的账号。",
            cur.unchecked().len()
        ));
    }
    if cur.simulated {
        banners.push("【演示】检查结果为 audit demo 模拟生成,不是真实检查结论。".into());
    }
    let mut tables = makeup::makeup(&cur.registry);
    let diff = previous
        .first()
        .map(|p| registry::diff(&p.registry, &cur.registry));
    if let (Some(p), Some(d)) = (previous.first(), &diff) {
        tables.extend(makeup::change(&p.registry, &cur.registry, d));
    }
    tables.extend(tables::sample_design(cur, verify_status));
    let by_owner = tables::pass_by_owner_group(cur);
    tables.push(tables::pass_overall(cur));
    tables.push(by_owner);
    tables.push(tables::pass_by_level(cur));
    tables.push(tables::pass_by_type(cur));
    tables.push(tables::pass_by_level_type(cur));
    tables.push(tables::problems(cur));
    tables.push(tables::quarter_on_quarter(cur, previous));
    let repeat = tables::repeat_offenders(cur, previous);
    let max_streak = repeat
        .rows
        .iter()
        .filter_map(|r| match r.get(4) {
            Some(Cell::Int(k)) => Some(*k as usize),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let repeat_count = repeat.rows.len();
    tables.push(repeat);
    let est = tables::estimates(cur);
    let overall_est = est
        .rows
        .first()
        .and_then(|r| match (r.get(3), r.get(4), r.get(5)) {
            (Some(Cell::Pct(a)), Some(Cell::Pct(b)), Some(Cell::Pct(c))) => Some((*a, *b, *c)),
            _ => None,
        });
    tables.push(est);
    let annex = tables::annex(cur);
    let paras = draft::draft(&DraftInput {
        current: cur,
        previous,
        diff: diff.as_ref(),
        as_of,
        rectify_by,
        incomplete,
        estimate: overall_est,
        repeat_offenders: repeat_count,
        max_streak,
    });
    let all = cur.tally(|_| true);
    let mut summary = format!(
        "{}: 样本 {} 个,已检查 {} 个,合格 {} 个,总体合格率 {}",
        cur.name,
        cur.sample.len(),
        all.checked,
        all.qualified,
        crate::text::percent(all.qualified, all.checked)
    );
    if let Some((r, l, u)) = overall_est {
        summary.push_str(&format!(
            ";加权估计 {}(95% 区间 {}–{})",
            crate::text::percent_f(r),
            crate::text::percent_f(l),
            crate::text::percent_f(u)
        ));
    }
    summary.push_str(&format!(
        ";单项否决 {} 个;连续不合格 {} 个",
        annex.rows.len(),
        repeat_count
    ));
    if incomplete {
        summary.push_str("(未完成)");
    }
    let cities = cur.cities().len();
    Built {
        tables,
        annex,
        paras,
        banners,
        cities,
        summary,
    }
}

pub fn run(args: &ReportArgs) -> Result<i32> {
    let camp = Campaign::open(&args.campaign)?;
    let (cur, conflicts) = load(&args.campaign)?;
    let mut previous = Vec::new();
    for p in &args.previous {
        previous.push(
            load(p)
                .with_context(|| format!("无法读取上期项目 {}", p.display()))?
                .0,
        );
    }
    let unchecked = cur.unchecked();
    let incomplete = !unchecked.is_empty();
    if incomplete && !args.allow_incomplete {
        let ids: Vec<String> = unchecked
            .iter()
            .take(20)
            .map(|a| format!("{} {}", a.id, a.name))
            .collect();
        bail!(
            "还有 {} 个样本账号未检查{}:{}{};收齐后再出报告,或加 --allow-incomplete 出一份标明\"未完成\"的报告",
            unchecked.len(),
            if conflicts > 0 { format!("(其中 {conflicts} 个答案冲突)") } else { String::new() },
            ids.join("、"),
            if unchecked.len() > 20 { "……" } else { "" }
        );
    }
    let verify_status = match super::verify::verify(&camp) {
        Ok(v) if v.ok() => "通过".to_string(),
        Ok(v) => format!("未通过({} 处不一致)", v.problems.len()),
        Err(e) => format!("无法核验: {e}"),
    };
    let as_of = camp
        .manifest
        .registry
        .as_ref()
        .map(|r| chinese_date(&r.imported_at))
        .unwrap_or_default();
    let rectify_by = match &args.rectify_by {
        None => None,
        Some(d) => {
            let date = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| anyhow::anyhow!("--rectify-by \"{d}\" 不是 YYYY-MM-DD 格式的日期"))?;
            Some(format!(
                "{}月{}日",
                chrono::Datelike::month(&date),
                chrono::Datelike::day(&date)
            ))
        }
    };
    let built = build(
        &cur,
        &previous,
        incomplete,
        &verify_status,
        as_of,
        rectify_by,
    );

    let out: PathBuf = args
        .out
        .clone()
        .unwrap_or_else(|| camp.path(campaign::REPORT_DIR));
    if out.exists() && !args.force {
        bail!("{} 已存在;如需覆盖旧报告请加 --force", out.display());
    }
    // Build everything in a temp folder beside the target, then swap it in.
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let tmp = parent.join(format!(".report.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| -> Result<()> {
        let annex_heading = format!("{}检查抽查存在\"单项否决\"问题政务新媒体名单", cur.name);
        write_atomic(
            &tmp.join("report.xlsx"),
            &write::report_xlsx(
                &built.tables,
                &built.annex,
                &built.banners,
                built.cities,
                &camp.manifest.created,
            )?,
        )?;
        write_atomic(
            &tmp.join("annex.xlsx"),
            &write::annex_xlsx(
                &built.annex,
                &annex_heading,
                &built.banners,
                &camp.manifest.created,
            )?,
        )?;
        let md = write::markdown(&draft::markdown(&built.paras), &built.tables, &built.annex);
        write_atomic(&tmp.join("通报草稿.md"), md.as_bytes())?;
        write_atomic(
            &tmp.join("通报草稿.docx"),
            &write::docx(&built.paras, &built.annex, &annex_heading)?,
        )?;
        for t in built.tables.iter().chain(std::iter::once(&built.annex)) {
            write_atomic(
                &tmp.join("csv").join(format!("{}.csv", t.name)),
                &write::csv(t)?,
            )?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    // Swap: the old report is moved aside first, so a failure never leaves neither.
    let old = parent.join(format!(".report.old-{}", std::process::id()));
    if out.exists() {
        std::fs::rename(&out, &old).with_context(|| format!("无法替换 {}", out.display()))?;
    }
    if let Err(e) = std::fs::rename(&tmp, &out) {
        if old.exists() {
            let _ = std::fs::rename(&old, &out);
        }
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e).with_context(|| format!("无法写入 {}", out.display()));
    }
    if old.exists() {
        let _ = std::fs::remove_dir_all(&old);
    }

    println!("{}", built.summary);
    for name in ["合格率_开设主体", "合格率_类型"] {
        if let Some(t) = built.tables.iter().find(|t| t.name == name) {
            println!("\n{}", t.render());
        }
    }
    if !previous.is_empty() {
        if let Some(t) = built.tables.iter().find(|t| t.name == "环比") {
            println!("{}", t.render());
        }
    }
    println!("报告: {}", out.display());
    println!("  report.xlsx(各表与图表)、annex.xlsx(附件名单)、通报草稿.md / 通报草稿.docx、csv/(各表 CSV)");
    if incomplete {
        eprintln!("警告: 报告未完成,{} 个样本账号尚未检查", unchecked.len());
    }
    Ok(0)
}
