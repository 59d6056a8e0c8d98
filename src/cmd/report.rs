//! `audit report --campaign DIR [--previous DIR ...] [--out DIR] [--allow-incomplete]`

use crate::campaign::{self, Access, Campaign};
use crate::cli::ReportArgs;
use crate::registry;
use crate::report::draft::{self, DraftInput};
use crate::report::table::{Cell, Table};
use crate::report::tables::{self, CampaignData, Outcome};
use crate::report::{makeup, write};
use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Load what the report needs from an open campaign. Accounts in conflict count as unchecked.
pub fn load(camp: &Campaign) -> Result<(CampaignData, usize)> {
    let registry = camp.registry()?;
    let (sample, info) = camp.sample()?;
    let design = camp
        .manifest
        .sample
        .clone()
        .ok_or_else(|| anyhow::anyhow!("{}: 尚未抽样", camp.dir.display()))?;
    let catalog = camp.catalog()?;
    let merged = camp.merged(&catalog)?;
    let outcomes: HashMap<String, Outcome> = merged
        .results
        .into_iter()
        .map(|(id, r)| {
            let outcome = Outcome {
                values: r.answer.values,
                verdict: r.verdict,
                prefill: r.answer.prefill,
            };
            (id, outcome)
        })
        .collect();
    let marks = info
        .into_iter()
        .map(|i| tables::SampleMark {
            stratum: i.stratum,
            reason: i.reason,
        })
        .collect();
    let excluded = camp
        .id_list(&design.exclude_ids_file)?
        .into_iter()
        .collect();
    let profile = camp.profile()?;
    check_regions(camp, &registry, &profile)?;
    let data = CampaignData {
        name: camp.manifest.name.clone(),
        period: camp.manifest.period.clone(),
        registry,
        sample: sample.accounts,
        marks,
        excluded,
        profile,
        design,
        catalog,
        outcomes,
        simulated: camp.manifest.simulated,
    };
    Ok((data, merged.conflicts.len()))
}

/// The registry's regions must be the province's: a hand-edited `province` (or a swapped
/// profile) would otherwise print another province's empty city table.
fn check_regions(
    camp: &Campaign,
    registry: &registry::Registry,
    profile: &crate::profile::Profile,
) -> Result<()> {
    if camp.manifest.province.is_none() {
        return Ok(()); // imported before regions were resolved
    }
    let mut stray: Vec<&str> = registry
        .accounts
        .iter()
        .map(|a| a.region.as_str())
        .filter(|r| {
            *r != registry::normalize::PROVINCE_REGION && profile.province.prefecture(r).is_none()
        })
        .collect();
    stray.sort_unstable();
    stray.dedup();
    if !stray.is_empty() {
        bail!(
            "{}: 台账中的地区 {} 不是{}的{};campaign.toml 的 province 或 profile.toml 可能被改动过,请重新导入台账",
            camp.dir.display(),
            stray.iter().take(5).copied().collect::<Vec<_>>().join("、"),
            profile.province.name,
            profile.prefecture_label
        );
    }
    Ok(())
}

/// Where the report goes: the campaign's own report/ folder, or a folder outside the campaign.
/// A folder inside the campaign's files (or the campaign itself, or a folder holding it) is
/// refused, so the report can never replace the record.
fn target(camp: &Campaign, out: Option<&Path>) -> Result<Option<PathBuf>> {
    let Some(out) = out else {
        return Ok(None);
    };
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Resolve what exists (symlinks, ..), keep the rest as given.
        match (
            p.parent().and_then(|d| d.canonicalize().ok()),
            p.file_name(),
        ) {
            (Some(d), Some(n)) => d.join(n),
            _ => p,
        }
    };
    let (out_abs, dir_abs) = (
        abs(out),
        camp.dir.canonicalize().unwrap_or_else(|_| abs(&camp.dir)),
    );
    if out_abs == dir_abs.join(campaign::REPORT_DIR) {
        return Ok(None);
    }
    if out_abs.starts_with(&dir_abs) || dir_abs.starts_with(&out_abs) {
        bail!(
            "--out {}: 位于项目目录 {} 之内或包含它;报告只能写到项目的 report/ 或项目之外的目录",
            out.display(),
            camp.dir.display()
        );
    }
    // Nor inside any other campaign: its report/ is that campaign's record.
    if let Some(other) = out_abs
        .ancestors()
        .find(|a| a.join(campaign::MANIFEST).is_file())
    {
        bail!(
            "--out {}: 位于另一个检查抽查项目 {} 之内;请写到项目之外的目录",
            out.display(),
            other.display()
        );
    }
    Ok(Some(out.to_path_buf()))
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

/// Everything `audit report` computes before writing: tables, annex, draft and summary.
pub struct Built {
    /// The report's tables, in report.xlsx order (annex apart).
    pub tables: Vec<Table>,
    /// 附件: the accounts with 单项否决 problems.
    pub annex: Table,
    /// The notice draft's paragraphs.
    pub paras: Vec<draft::Para>,
    /// Warnings shown above every table (【未完成】, 【演示】).
    pub banners: Vec<String>,
    /// Number of prefecture-level units: the rows of the owner-group chart in report.xlsx.
    pub cities: usize,
    /// The profile's name for prefecture-level units (设区市, 市(州) …).
    pub city_label: String,
    /// The one-line summary printed to the terminal.
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
    let types = cur.profile.types.order();
    let mut tables = makeup::makeup(&cur.registry, types);
    let diff = previous
        .first()
        .map(|p| registry::diff(&p.registry, &cur.registry));
    if let (Some(p), Some(d)) = (previous.first(), &diff) {
        tables.extend(makeup::change(&p.registry, &cur.registry, d, types));
    }
    tables.extend(tables::sample_design(cur, verify_status));
    let by_owner = tables::pass_by_owner_group(cur);
    tables.push(tables::pass_overall(cur));
    tables.push(by_owner);
    tables.push(tables::pass_by_level(cur));
    tables.push(tables::pass_by_type(cur));
    tables.push(tables::pass_by_level_type(cur));
    tables.push(tables::problems(cur));
    tables.extend(tables::prefill_check(cur));
    tables.push(tables::quarter_on_quarter(cur, previous));
    let offenders = tables::repeat_offender_list(cur, previous);
    let max_streak = offenders.iter().map(|f| f.streak).max().unwrap_or(0);
    let repeat_count = offenders.len();
    tables.push(tables::repeat_offenders(cur, previous, &offenders));
    let est = tables::estimate_groups(cur);
    let overall_est = est.overall().map(|e| (e.rate, e.lower, e.upper));
    tables.push(tables::estimates(&est));
    let mut annex = tables::annex(cur);
    for t in tables.iter_mut().chain(std::iter::once(&mut annex)) {
        t.decimals = cur.profile.rate_decimals;
    }
    let paras = draft::draft(&DraftInput {
        current: cur,
        previous,
        diff: diff.as_ref(),
        as_of,
        rectify_by,
        incomplete,
        repeat_offenders: repeat_count,
        max_streak,
    });
    let pct = |p: f64| Cell::Pct(p).display_with(cur.profile.rate_decimals);
    let all = cur.tally(|_| true);
    let mut summary = format!(
        "{}: 样本 {} 个,已检查 {} 个,合格 {} 个,总体合格率 {}",
        cur.name,
        cur.sample.len(),
        all.checked,
        all.qualified,
        cur.pct(all.qualified, all.checked)
    );
    if let Some((r, l, u)) = overall_est {
        summary.push_str(&format!(
            ";加权估计 {}(95% 区间 {}–{})",
            pct(r),
            pct(l),
            pct(u)
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
        city_label: cur.city_label().to_string(),
        summary,
    }
}

/// Write every report file into `dir` (a fresh folder that is swapped in afterwards).
fn write_files(
    dir: &Path,
    built: &Built,
    cur: &CampaignData,
    created: &str,
    parties: &write::NoticeParties,
) -> Result<()> {
    let put = |name: &str, bytes: &[u8]| -> Result<()> {
        let path = dir.join(name);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).with_context(|| format!("无法创建 {}", p.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("无法写入 {}", path.display()))
    };
    let annex_heading = format!(
        "{}检查抽查存在\"单项否决\"问题政务新媒体名单",
        cur.display_name()
    );
    put(
        "report.xlsx",
        &write::report_xlsx(
            &built.tables,
            &built.annex,
            &built.banners,
            (built.cities, &built.city_label),
            created,
        )?,
    )?;
    put(
        "annex.xlsx",
        &write::annex_xlsx(&built.annex, &annex_heading, &built.banners, created)?,
    )?;
    let md = write::markdown(&draft::markdown(&built.paras), &built.tables, &built.annex);
    let design: Vec<&Table> = built
        .tables
        .iter()
        .filter(|t| ["样本设计", "样本分层", "加权估计"].contains(&t.name.as_str()))
        .collect();
    put(
        "抽样说明.md",
        write::sampling_note(&cur.display_name(), &design, &built.banners).as_bytes(),
    )?;
    put("通报草稿.md", md.as_bytes())?;
    put(
        "通报草稿.docx",
        &write::docx(&built.paras, &built.annex, &annex_heading, parties)?,
    )?;
    for t in built.tables.iter().chain(std::iter::once(&built.annex)) {
        put(&format!("csv/{}.csv", t.name), &write::csv(t)?)?;
    }
    Ok(())
}

/// Put the report in the campaign's report/ folder, in one commit with nothing else.
fn commit_into_campaign(
    camp: &mut Campaign,
    force: bool,
    fill: impl FnOnce(&Path) -> Result<()>,
) -> Result<PathBuf> {
    let out = camp.path(campaign::REPORT_DIR);
    crate::io::output::guard_output_dir(&out, force)?;
    let mut txn = camp.begin()?;
    let staged = txn.staged_path(campaign::REPORT_DIR);
    std::fs::create_dir_all(&staged).with_context(|| format!("无法创建 {}", staged.display()))?;
    fill(&staged)?;
    crate::io::output::seal(&staged)?;
    txn.put_dir(campaign::REPORT_DIR, |_| Ok(()))?;
    camp.commit(txn)?;
    Ok(out)
}

fn refuse_incomplete(cur: &CampaignData, conflicts: usize) -> Result<()> {
    let unchecked = cur.unchecked();
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
    )
}

fn rectify_by(arg: Option<&str>) -> Result<Option<String>> {
    let Some(d) = arg else {
        return Ok(None);
    };
    let date = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .map_err(|_| anyhow::anyhow!("--rectify-by \"{d}\" 不是 YYYY-MM-DD 格式的日期"))?;
    Ok(Some(format!(
        "{}月{}日",
        chrono::Datelike::month(&date),
        chrono::Datelike::day(&date)
    )))
}

/// Run `audit report`.
pub fn run(args: &ReportArgs) -> Result<i32> {
    let mut camp = Campaign::open(&args.campaign, Access::Write)?;
    let external = target(&camp, args.out.as_deref())?;
    let previous_camps = campaign::records::open_previous(&camp, &args.previous)?;
    // The notice would quote the simulated figures as last quarter's.
    if let Some(p) = previous_camps.iter().find(|p| p.manifest.simulated) {
        if !camp.manifest.simulated {
            bail!(
                "--previous {}: 是演示项目(检查结果为模拟数据),不能与真实项目比较",
                p.dir.display()
            );
        }
    }
    let (cur, conflicts) = load(&camp)?;
    let mut previous = Vec::new();
    for p in &previous_camps {
        let mut data = load(p)
            .with_context(|| format!("无法读取上期项目 {}", p.dir.display()))?
            .0;
        // Types compare like with like when the scheme changed between the quarters.
        if data.profile.types != cur.profile.types {
            data.registry.reclassify_types(&cur.profile.types);
            for a in &mut data.sample {
                a.account_type = crate::registry::classify_type(&cur.profile.types, &a.raw[0]);
            }
        }
        previous.push(data);
    }
    let incomplete = !cur.unchecked().is_empty();
    if incomplete && !args.allow_incomplete {
        refuse_incomplete(&cur, conflicts)?;
    }
    let verify_status = match campaign::verify::verify(&camp) {
        Ok(v) if v.ok() => "通过".to_string(),
        Ok(v) => format!("未通过({} 处不一致)", v.problems.len()),
        Err(e) => format!("无法核验: {e}"),
    };
    let as_of = camp
        .manifest
        .registry
        .as_ref()
        .map(|r| chinese_date(r.as_of.as_deref().unwrap_or(&r.imported_at)))
        .unwrap_or_default();
    let built = build(
        &cur,
        &previous,
        incomplete,
        &verify_status,
        as_of,
        rectify_by(args.rectify_by.as_deref())?,
    );
    let created = camp.manifest.created.clone();
    let parties = write::NoticeParties {
        to: args.to.clone(),
        issuer: args.issuer.clone(),
    };
    let fill = |dir: &Path| write_files(dir, &built, &cur, &created, &parties);
    let out = match external {
        Some(out) => {
            crate::io::output::replace_output_dir(&out, args.force, fill)?;
            out
        }
        None => commit_into_campaign(&mut camp, args.force, fill)?,
    };
    let unchecked = cur.unchecked();
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
    println!("  report.xlsx(各表与图表)、annex.xlsx(附件名单)、通报草稿.md / 通报草稿.docx、抽样说明.md(内部使用)、csv/(各表 CSV)");
    if incomplete {
        eprintln!("警告: 报告未完成,{} 个样本账号尚未检查", unchecked.len());
    }
    Ok(0)
}
