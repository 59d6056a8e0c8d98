//! The report as data: every table, the annex, the draft's paragraphs and the summary line,
//! computed from plain values; the writers (`formats::report_files`, a layer above) render them.

use super::draft::{self, DraftInput, FollowUp};
use super::figures::{self, CampaignData};
use super::makeup;
use super::parts;
use super::table::{Cell, Table};
use crate::domain::registry;

/// The opening of 抽样说明 (see [`Built::sampling_intro`]).
fn sampling_intro(cur: &CampaignData) -> String {
    if cur.is_census() {
        return "本次为全覆盖检查:全部状态正常的账号都已列入样本,各项合格率即为检查结果本身,不需要也不作加权推算。本说明记录样本的构成。".into();
    }
    format!(
        "本说明记录样本如何抽取,以及按抽样设计加权推算的全部备案账号合格率。通报正文使用已检查账号的合格率(合格数/检查数);加权估计回答\"{}备案账号中合格的比例大约是多少\",附 95% 置信区间。",
        cur.words().whole
    )
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
    /// Number of groups below the scope (prefectures, a city's districts and zones): the rows of
    /// the owner-group chart in report.xlsx.
    pub cities: usize,
    /// The label of the groups below the scope (设区市, 市(州), 市(县)区 …).
    pub city_label: String,
    /// The one-line summary printed to the terminal.
    pub summary: String,
    /// The opening of 抽样说明: what the weighted estimate answers, or for a census that there
    /// is none to make.
    pub sampling_intro: String,
}

/// What a report is made with, beside the campaigns themselves.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Some sampled accounts are unchecked: every output says 【未完成】.
    pub incomplete: bool,
    /// The result of `audit verify`, as the design table prints it.
    pub verify_status: String,
    /// 截至 date of the registry (printed 2020年3月20日); None when the campaign has none.
    pub as_of: Option<chrono::NaiveDate>,
    /// Rectification deadline (printed 4月10日); None leaves a marked blank.
    pub rectify_by: Option<chrono::NaiveDate>,
    /// The final notice: no 草稿 mark anywhere.
    pub final_notice: bool,
    /// The previous quarter's rectification round, when it was tracked.
    pub follow_up: Option<FollowUp>,
}

/// Compute every table and the draft (pure).
pub fn build(cur: &CampaignData, previous: &[CampaignData], opts: &Options) -> Built {
    let incomplete = opts.incomplete;
    let banners = banners(cur, incomplete);
    let style = cur.profile.rates;
    let diff = previous
        .first()
        .map(|p| registry::diff(&p.registry, &cur.registry));
    let mut tables = registry_tables(cur, previous.first(), diff.as_ref());
    tables.push(parts::check_rate(cur));
    tables.extend(figures::sample_design(cur, &opts.verify_status));
    tables.extend(pass_tables(cur));
    tables.push(figures::quarter_on_quarter(cur, previous));
    let offenders = figures::repeat_offender_list(cur, previous);
    let max_streak = offenders.iter().map(|f| f.streak).max().unwrap_or(0);
    let repeat_count = offenders.len();
    tables.push(figures::repeat_offenders(cur, previous, &offenders));
    if let Some(f) = &opts.follow_up {
        tables.push(f.table());
    }
    // A census has nothing to estimate: its rates are the registry's.
    let est = (!cur.is_census()).then(|| figures::estimate_groups(cur));
    let overall_est = est
        .as_ref()
        .and_then(|e| e.overall())
        .filter(|e| e.method != crate::domain::stats::IntervalMethod::NoRandomSample)
        .map(|e| (e.rate, e.lower, e.upper));
    tables.extend(est.as_ref().map(figures::estimates));
    let mut annex = figures::annex(cur);
    for t in tables.iter_mut().chain(std::iter::once(&mut annex)) {
        t.set_style(style);
    }
    let paras = draft::draft(&DraftInput {
        current: cur,
        previous,
        diff: diff.as_ref(),
        as_of: opts.as_of,
        rectify_by: opts.rectify_by,
        incomplete,
        repeat_offenders: repeat_count,
        max_streak,
        final_notice: opts.final_notice,
        follow_up: opts.follow_up.as_ref(),
    });
    let mut summary = summary_line(cur, overall_est);
    summary.push_str(&format!(
        ";单项否决 {} 个;连续不合格 {} 个",
        annex.rows.len(),
        repeat_count
    ));
    if incomplete {
        summary.push_str("(未完成)");
    }
    let cities = cur.groups.below().len();
    Built {
        tables,
        annex,
        paras,
        banners,
        cities,
        city_label: cur.words().divisions,
        summary,
        sampling_intro: sampling_intro(cur),
    }
}

/// The banners every table carries: an unfinished check, simulated answers.
fn banners(cur: &CampaignData, incomplete: bool) -> Vec<String> {
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
    banners
}

/// The registry's make-up (开设情况), the export's rows not counted in it (when any), and its
/// change against the previous quarter's when there is one.
fn registry_tables(
    cur: &CampaignData,
    previous: Option<&CampaignData>,
    diff: Option<&registry::RegistryDiff>,
) -> Vec<Table> {
    let types = cur.profile.types.order();
    let style = cur.profile.rates;
    let own = cur.profile.scope.own_level();
    let mut tables = makeup::makeup(&cur.registry, types, own, &style);
    tables.extend(makeup::not_counted(&cur.not_counted));
    if let (Some(p), Some(d)) = (previous, diff) {
        tables.extend(makeup::change(
            (&p.registry, &cur.registry),
            d,
            types,
            own,
            &style,
        ));
    }
    tables
}

/// The pass-rate tables, in report.xlsx order: overall, by owner group (with the prefectures at
/// 100%), by owner kind, by part of the design, by level, type and level × type, then the
/// problems and the pre-fill check.
fn pass_tables(cur: &CampaignData) -> Vec<Table> {
    let mut by_owner = figures::pass_by_owner_group(cur);
    by_owner.notes.extend(parts::prefecture_note(cur));
    let mut tables = vec![
        figures::pass_overall(cur),
        by_owner,
        parts::pass_by_owner_kind(cur),
        parts::parts_table(cur, &parts::design_parts(cur)),
        figures::pass_by_level(cur),
        figures::pass_by_type(cur),
        figures::pass_by_level_type(cur),
        figures::problems(cur),
    ];
    tables.extend(figures::prefill_check(cur));
    tables
}

/// The console's summary: sample, checked, qualified, the overall rate and the weighted
/// estimate (rate, lower, upper) when there is one, all printed by the profile's rule.
fn summary_line(cur: &CampaignData, estimate: Option<(f64, f64, f64)>) -> String {
    let pct = |p: f64| Cell::Pct(p).display_with(&cur.profile.rates);
    let all = cur.tally(|_| true);
    let mut summary = format!(
        "{}: 样本 {} 个,已检查 {} 个,合格 {} 个,总体合格率 {}",
        cur.name,
        cur.sample.len(),
        all.checked,
        all.qualified,
        cur.pct(all.qualified, all.checked)
    );
    if let Some((r, l, u)) = estimate {
        summary.push_str(&format!(
            ";加权估计 {}(95% 区间 {}–{})",
            pct(r),
            pct(l),
            pct(u)
        ));
    }
    summary
}
