//! The notice draft (通报草稿): the whole notice in its own phrasing with our numbers, in the
//! levels GB/T 9704 gives a notice: the 导语, then 一、总体情况, 二、检查抽查发现的问题 and
//! 三、下一步工作要求, each with （一）… beneath and run-in 1. items under those. Pure text.

use super::figures::{problem_count, CampaignData, Tally};
pub use super::follow_up::FollowUp;
use crate::domain::dates::{chinese_date, chinese_month_day};
use crate::domain::indicators::Kind;
use crate::domain::profile::{MakeupPart, RateStyle};
use crate::domain::registry::Account;
use crate::domain::registry::RegistryDiff;
use chrono::NaiveDate;

/// One paragraph of the notice draft, by its role in the layout.
#[derive(Clone, Debug, PartialEq)]
pub enum Para {
    /// The notice's title (with "（草稿）" unless the notice is final).
    Title(String),
    /// A first-level heading, "一、总体情况" (黑体 in the .docx).
    Heading1(String),
    /// A second-level heading, "（一）开设情况" (楷体 in the .docx).
    Heading2(String),
    /// A body paragraph; the 导语 and run-in "1.…" items are body paragraphs too.
    Body(String),
    /// A 【未完成】 or 【演示】 warning that must not reach a real notice.
    Warning(String),
    /// 附件说明, "附件:…名单": placed after the body, before 署名, in the .docx.
    Attachment(String),
}

/// What the draft is written from: this campaign, earlier ones and the registry facts.
pub struct DraftInput<'a> {
    /// The campaign reported on.
    pub current: &'a CampaignData,
    /// Earlier campaigns, most recent first (环比 and 连续不合格).
    pub previous: &'a [CampaignData],
    /// The registry's change against the previous quarter, if there is one.
    pub diff: Option<&'a RegistryDiff>,
    /// 截至 date of the registry (printed 2020年3月20日); None when the campaign has no registry.
    pub as_of: Option<NaiveDate>,
    /// Rectification deadline (printed 4月10日); None leaves a marked blank.
    pub rectify_by: Option<NaiveDate>,
    /// Some sampled accounts are not yet checked; the draft warns that its numbers are partial.
    pub incomplete: bool,
    /// Accounts unqualified now and in the campaign(s) right before (连续不合格).
    pub repeat_offenders: usize,
    /// The longest run of consecutive unqualified campaigns among them.
    pub max_streak: usize,
    /// The final notice: no 草稿 mark anywhere.
    pub final_notice: bool,
    /// The previous quarter's rectification round, when it was tracked with `audit rectify`.
    pub follow_up: Option<&'a FollowUp>,
}

const ORDINALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// "（一）", "（二）" … for the `k`-th second-level heading (from 0).
fn second_level(k: usize) -> String {
    format!("({})", ORDINALS.get(k).copied().unwrap_or("十"))
}

fn rate(c: &CampaignData, t: Tally) -> Option<String> {
    (t.checked > 0).then(|| c.pct(t.qualified, t.checked))
}

/// What the campaign did, as the notice names it: 检查抽查 for a sample, 全覆盖检查 for a census
/// (every account in operation checked).
pub fn check_word(c: &CampaignData) -> &'static str {
    if c.is_census() {
        "全覆盖检查"
    } else {
        "检查抽查"
    }
}

/// The accounts a share is of ("占省级检查抽查总数", "占市级检查总数"): 检查抽查 for a sample,
/// 检查 for a census.
fn checked_word(c: &CampaignData) -> &'static str {
    if c.is_census() {
        "检查"
    } else {
        "检查抽查"
    }
}

/// What a group none of whose accounts was checked is said to be: 本次未抽查 (a sample), 本次未检查
/// (a census still being checked).
fn not_checked(c: &CampaignData) -> &'static str {
    if c.is_census() {
        "本次未检查"
    } else {
        "本次未抽查"
    }
}

/// The annex's title: "2020年第一季度检查抽查存在"单项否决"问题政务新媒体名单".
pub fn annex_title(c: &CampaignData) -> String {
    format!(
        "{}{}存在\"单项否决\"问题政务新媒体名单",
        c.display_name(),
        check_word(c)
    )
}

/// "比上季度提升8.2个百分点" / "下降…" / "与上季度持平", the change computed from the counts of
/// both quarters and rounded once by `style` (持平 only when the two rates are exactly equal).
pub fn change_phrase(now: Tally, before: Tally, style: &RateStyle) -> String {
    let change = style.change(
        (now.qualified, now.checked),
        (before.qualified, before.checked),
    );
    match change {
        None => String::new(),
        Some(p) if p.is_zero() => "与上季度持平".to_string(),
        Some(p) if p.is_negative() => {
            format!("比上季度下降{}个百分点", p.number().trim_start_matches('-'))
        }
        Some(p) => format!("比上季度提升{}个百分点", p.number()),
    }
}

/// The draft's paragraphs: title, warnings, 导语, then the three first-level sections and the
/// 附件说明.
pub fn draft(input: &DraftInput<'_>) -> Vec<Para> {
    let c = input.current;
    let w = c.words();
    let check = check_word(c);
    let mark = if input.final_notice { "" } else { "(草稿)" };
    let mut out = vec![Para::Title(format!(
        "关于{}政务新媒体{check}情况的通报{mark}",
        c.display_name()
    ))];
    if input.incomplete {
        out.push(Para::Warning(
            "【未完成】仍有样本账号未检查,以下数字只反映已检查的账号,不可作为正式通报。".into(),
        ));
    }
    if c.simulated {
        out.push(Para::Warning(
            "【演示】本通报由 audit demo 生成,检查结果为模拟数据,不是真实检查结论。".into(),
        ));
    }
    out.push(lead(input));
    out.push(Para::Heading1("一、总体情况".into()));
    out.extend(overview(input));
    out.push(Para::Heading1(format!("二、{check}发现的问题")));
    out.extend(problem_section(input));
    out.extend(mark_note(c, &out));
    out.push(Para::Heading1("三、下一步工作要求".into()));
    out.push(Para::Body(
        "【由起草人填写:针对上述问题,按(一)(二)……分条提出清理整合、整改落实、监管机制等方面的工作要求。】".into(),
    ));
    out.push(Para::Body(format!(
        "各{}、{}请将政务新媒体{check}情况和对本次通报的政务新媒体整改情况,于{}前提交至{}。",
        w.divisions,
        w.departments,
        input
            .rectify_by
            .map_or_else(|| "【 月 日】".into(), chinese_month_day),
        w.submit_to
    )));
    out.push(Para::Attachment(format!("附件:{}", annex_title(c))));
    out
}

/// The 导语: why and how the check was done. The basis documents are the writer's to name (a
/// 【】 placeholder); how the sample was drawn comes from the recorded design.
pub(super) fn lead(input: &DraftInput<'_>) -> Para {
    let c = input.current;
    let d = &c.design;
    let mut by: Vec<&str> = d
        .strata_columns
        .iter()
        .map(|k| match k.as_str() {
            "level" => "层级",
            "type" => "类型",
            "region" | "group" => "地区",
            "owner_kind" => "主体类别",
            other => other,
        })
        .collect();
    // --min-per-region crosses the strata with the region (sampling::effective_strata).
    if d.min_per_region.is_some() && !by.contains(&"地区") {
        by.push("地区");
    }
    let mut how = if c.is_census() {
        format!("对{}状态正常的政务新媒体逐一检查", c.words().whole)
    } else {
        format!("按{}分层随机抽取账号", by.join("、"))
    };
    if let (false, Some(m)) = (c.is_census(), d.min_per_region) {
        how.push_str(&format!(",每个地区至少抽取{m}个(含必查)"));
    }
    if c.is_census() {
        // Every account was checked: no part was taken whole beside the others.
    } else if d.take_all.iter().any(|t| t.contains("政府")) {
        how.push_str(",对代表主体为政府的政务新媒体全部检查");
    } else if d.certainty > c.rechecks_checked() {
        how.push_str(",对部分账号全部检查");
    }
    if d.recheck_source.is_some() {
        how.push_str(",并对上季度不合格的政务新媒体回头看");
    }
    let all = c.tally(|_| true);
    let check = check_word(c);
    Para::Body(format!(
        "为推动政务新媒体健康有序发展,根据【依据文件名称及文号,如《国务院办公厅关于推进政务新媒体健康有序发展的意见》(国办发〔2018〕123号)】要求,{}对{}政务新媒体开展了{check}。本次{check}{how},共检查政务新媒体{}个。现将有关情况通报如下:",
        c.display_name(),
        c.words().whole,
        all.checked
    ))
}

/// 一、总体情况: （一）开设情况 (the registry and its change), （二）检查抽查情况 (the sample, the
/// pass rates and their change).
fn overview(input: &DraftInput<'_>) -> Vec<Para> {
    let c = input.current;
    let mut out = vec![Para::Heading2(format!("{}开设情况", second_level(0)))];
    out.push(holdings(input));
    out.extend(not_counted(c));
    out.extend(net_change(input));
    out.push(Para::Heading2(format!(
        "{}{}情况",
        second_level(1),
        check_word(c)
    )));
    let all = c.tally(|_| true);
    let mut s = sample_sentence(input, all);
    s.extend(super::parts::check_rate_sentence(c));
    s.push_str(&rates_sentence(c, all));
    s.extend(super::parts::owner_kind_sentence(c));
    s.extend(super::parts::prefecture_sentence(c));
    out.push(Para::Body(s));
    let parts = super::parts::design_parts(c);
    out.extend(super::parts::parts_sentence(c, &parts).map(Para::Body));
    out.extend(rate_trend(input, all));
    out
}

/// The note explaining the small-base mark, when a paragraph so far carries it.
fn mark_note(c: &CampaignData, so_far: &[Para]) -> Option<Para> {
    let marked = so_far.iter().any(|p| match p {
        Para::Body(t) => t.contains(crate::domain::profile::SMALL_BASE_MARK),
        _ => false,
    });
    marked.then(|| Para::Body(format!("注:{}", c.profile.rates.mark_note())))
}

/// Which accounts a count takes (the counts of one table are made in one pass).
type Pred<'p> = Box<dyn Fn(&crate::domain::registry::Account) -> bool + 'p>;

/// How many accounts the scope holds, by owner (the province's levels; a city's own departments
/// and its districts) and by type.
fn holdings(input: &DraftInput<'_>) -> Para {
    let c = input.current;
    let w = c.words();
    // Every count from one pass over the accounts in operation.
    let types = c.profile.types.order();
    let mut preds: Vec<Pred<'_>> = w
        .makeup
        .iter()
        .map(|(_, part)| -> Pred<'_> {
            match *part {
                MakeupPart::Level(l) => Box::new(move |a| a.level == l),
                MakeupPart::Top => Box::new(|a| c.is_top(a)),
                MakeupPart::Below => Box::new(|a| !c.is_top(a)),
            }
        })
        .collect();
    preds.extend(
        types
            .iter()
            .map(|t| -> Pred<'_> { Box::new(move |a| &a.account_type == t) }),
    );
    let (mut counts, mut active) = (vec![0usize; preds.len()], 0);
    for a in c.registry.active() {
        active += 1;
        for (n, p) in counts.iter_mut().zip(&preds) {
            *n += usize::from(p(a));
        }
    }
    let (owner_counts, type_counts) = counts.split_at(w.makeup.len());
    let owners: Vec<String> = w
        .makeup
        .iter()
        .zip(owner_counts)
        .map(|((phrase, _), n)| format!("{phrase}开设政务新媒体{n}个"))
        .collect();
    Para::Body(format!(
        "截至{},{}政府系统共开设政务新媒体{}个(含部分事业单位开设的政务新媒体)。按开设主体分,{}。按政务新媒体类型分,{}。",
        input.as_of.map(chinese_date).unwrap_or_default(),
        w.whole,
        active,
        owners.join(","),
        types
            .iter()
            .zip(type_counts)
            .map(|(t, n)| {
                if t == crate::domain::profile::OTHER {
                    format!("其他类型{n}个")
                } else {
                    format!("{t}{n}个")
                }
            })
            .collect::<Vec<_>>()
            .join(","),
    ))
}

/// A warning for the drafter when rows of the registry export are not in the total above: how
/// many and why, so the number is checked before it is published.
fn not_counted(c: &CampaignData) -> Option<Para> {
    let nc = &c.not_counted;
    if nc.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = Vec::new();
    if !nc.rejected.is_empty() {
        let reasons: Vec<String> = nc
            .rejected
            .iter()
            .map(|(r, n)| format!("{r}{n}行"))
            .collect();
        parts.push(format!(
            "有{}行被拒收、未计入上述总数({})",
            nc.rejected_rows(),
            reasons.join("、")
        ));
    }
    if nc.merged > 0 {
        parts.push(format!(
            "有{}行与同一账号的另一行完全相同,已按一个账号计",
            nc.merged
        ));
    }
    Some(Para::Warning(format!(
        "【台账】备案台账导出文件中{},明细见 rejects.csv;请核实后再定稿。",
        parts.join(";另")
    )))
}

/// The quarter's net change in accounts, when there is a registry diff and it is not zero.
fn net_change(input: &DraftInput<'_>) -> Option<Para> {
    let d = input.diff?;
    let net = d.net();
    if net == 0 {
        return None;
    }
    let whole = input.current.words().whole;
    Some(Para::Body(format!(
        "本季度,{whole}政务新媒体数量{}{}个,占{whole}政务新媒体总量的{}。",
        if net < 0 { "减少" } else { "增加" },
        net.unsigned_abs(),
        input.current.pct(net.unsigned_abs(), d.previous_active)
    )))
}

/// How many accounts were sampled (certainty and re-check units named), or for a census that
/// every account in operation was checked, and, while the campaign is incomplete, how many have
/// been checked so far.
fn sample_sentence(input: &DraftInput<'_>, all: Tally) -> String {
    let c = input.current;
    let w = c.words();
    let n_sampled = c.sample.len();
    let mut s = if c.is_census() {
        format!(
            "本次对{}正常运行的{n_sampled}个政务新媒体开展了全覆盖检查",
            w.whole
        )
    } else {
        let mut s = format!("本次共选取{n_sampled}个政务新媒体进行检查抽查");
        if c.design.take_all.iter().any(|t| t.contains("政府")) {
            s.push_str(&format!(
                ",包括代表主体为{}政府的政务新媒体和{}开设的政务新媒体,以及其他单位主体开设的政务新媒体",
                w.governments, w.top_group
            ));
        }
        s.push_str(&design_parts(c, n_sampled as u64));
        s
    };
    s.push('。');
    if input.incomplete {
        s.push_str(&format!("截至目前已完成检查{}个。", all.checked));
    }
    s
}

/// "(其中必查N个,分层随机抽取M个,已检查的账号中回头看(上期不合格)账号K个)", when the sample
/// has certainty units.
fn design_parts(c: &CampaignData, n_sampled: u64) -> String {
    let certainty = c.design.certainty;
    if certainty == 0 {
        return String::new();
    }
    let rechecks = c.rechecks_checked();
    let of_which = if rechecks > 0 {
        format!(",已检查的账号中回头看(上期不合格)账号{rechecks}个")
    } else {
        String::new()
    };
    format!(
        "(其中必查{certainty}个,分层随机抽取{}个{of_which})",
        n_sampled - certainty
    )
}

/// The pass rates: overall, by owner group and by account type.
fn rates_sentence(c: &CampaignData, all: Tally) -> String {
    let w = c.words();
    let fmt_rate = |t: Tally, label: &str| match rate(c, t) {
        Some(r) => format!("{label}合格率{r}"),
        None => format!("{label}{}", not_checked(c)),
    };
    let owners = if w.name_each_group {
        each_group(c)
    } else {
        format!(
            "{};{}",
            fmt_rate(
                c.tally(|a| c.is_top(a)),
                &format!("{}政务新媒体", w.top_group)
            ),
            fmt_rate(
                c.tally(|a| !c.is_top(a)),
                &format!("{}政务新媒体", w.divisions)
            ),
        )
    };
    let mut s = format!(
        "此次{}中,{}政务新媒体总体合格率为{}。从开设主体看,{owners}。从政务新媒体类型看,",
        check_word(c),
        w.whole,
        rate(c, all).unwrap_or_else(|| "—".into()),
    );
    // A type no account in operation has is left out: there was nothing to check.
    let rate_types = c.rate_types();
    use crate::domain::registry::Account;
    let of_type: Vec<_> = rate_types
        .iter()
        .map(|t| move |a: &Account| &a.account_type == t)
        .collect();
    let preds: Vec<&dyn Fn(&Account) -> bool> = of_type
        .iter()
        .map(|p| p as &dyn Fn(&Account) -> bool)
        .collect();
    let held = c.frame_counts(&preds);
    let types: Vec<String> = rate_types
        .iter()
        .zip(held)
        .filter(|(_, n)| *n > 0)
        .map(|(t, _)| {
            let label = if t == crate::domain::profile::OTHER {
                "其他类型政务新媒体".to_string()
            } else {
                t.to_string()
            };
            fmt_rate(c.tally(|a| &a.account_type == t), &label)
        })
        .collect();
    s.push_str(&types.join(","));
    s.push('。');
    s
}

/// Every group's rate as a city's notice gives them: the groups below the scope at 100% named
/// together (as `parts::prefecture_results` finds them), then the others from the highest rate
/// down, then the scope's own departments; groups with accounts in operation but none checked
/// last ("…本次未抽查").
fn each_group(c: &CampaignData) -> String {
    let w = c.words();
    let below = c.groups.below();
    let results = super::parts::prefecture_results(c);
    let tallies: Vec<(usize, Tally)> = c.below_tallies().into_iter().enumerate().collect();
    let mut others: Vec<&(usize, Tally)> = tallies
        .iter()
        .filter(|(_, t)| t.checked > 0 && t.qualified < t.checked)
        .collect();
    // Highest rate first, compared exactly (q1/n1 > q2/n2); ties keep the official order.
    others.sort_by(|(i, a), (j, b)| {
        (b.qualified * a.checked)
            .cmp(&(a.qualified * b.checked))
            .then(i.cmp(j))
    });
    let mut parts: Vec<String> = Vec::new();
    if !results.full.is_empty() {
        let mut s = format!(
            "{}合格率为{}",
            results.full.join("、"),
            c.profile.rates.percent(1, 1)
        );
        let below_mark = c.profile.rates.mark_below;
        if results.full_small.len() == results.full.len() && results.full.len() > 1 {
            s.push_str(&format!("(检查数均不足{below_mark}个)"));
        } else if !results.full_small.is_empty() {
            s.push_str(&format!(
                "(其中{}检查数不足{below_mark}个)",
                results.full_small.join("、")
            ));
        }
        parts.push(s);
    }
    for (i, t) in others {
        parts.push(format!(
            "{}合格率为{}",
            below[*i].label,
            c.pct(t.qualified, t.checked)
        ));
    }
    if let Some(r) = rate(c, c.tally(|a| c.is_top(a))) {
        parts.push(format!("{}合格率为{r}", w.top_group));
    }
    let frames = tallies
        .iter()
        .any(|(_, t)| t.checked == 0)
        .then(|| c.below_frames());
    let unchecked: Vec<&str> = tallies
        .iter()
        .filter(|(i, t)| t.checked == 0 && frames.as_ref().is_some_and(|f| f[*i] > 0))
        .map(|(i, _)| below[*i].label.as_str())
        .collect();
    if !unchecked.is_empty() {
        parts.push(format!("{}{}", unchecked.join("、"), not_checked(c)));
    }
    parts.join(",")
}

/// The overall rate against last quarter's, when both have one. Re-checks (回头看) are last
/// quarter's failures and fail far more often, so when either quarter has them the change is
/// the like-with-like one (both rates without re-checks), and the sentence says so; the
/// quarter-on-quarter table keeps both.
fn rate_trend(input: &DraftInput<'_>, all: Tally) -> Option<Para> {
    let c = input.current;
    let p = input.previous.first()?;
    let before = p.tally(|_| true);
    all.rate()?;
    before.rate()?;
    let d = &c.profile.rates;
    let now_re = c.rechecks_checked() > 0;
    let then_re = p.rechecks_checked() > 0;
    if !now_re && !then_re {
        return Some(Para::Body(format!(
            "本季度{}政务新媒体总体合格率为{},{}(上季度为{})。",
            c.words().whole,
            rate(c, all).unwrap_or_default(),
            change_phrase(all, before, d),
            c.pct(before.qualified, before.checked)
        )));
    }
    let (a, b) = (
        c.tally_without_rechecks(|_| true),
        p.tally_without_rechecks(|_| true),
    );
    let which = match (now_re, then_re) {
        (true, true) => "本季度和上季度",
        (true, false) => "本季度",
        _ => "上季度",
    };
    let mut s = format!(
        "本季度{}政务新媒体总体合格率为{}(上季度为{})。因{which}检查含回头看(上期不合格)账号,按同口径(不含回头看账号)比较,",
        c.words().whole,
        rate(c, all).unwrap_or_default(),
        c.pct(before.qualified, before.checked),
    );
    if a.checked == 0 || b.checked == 0 {
        s.push_str("两个季度没有可比的账号,不作比较。");
    } else {
        s.push_str(&format!(
            "本季度合格率为{},{}(上季度为{})。",
            c.pct(a.qualified, a.checked),
            change_phrase(a, b, d),
            c.pct(b.qualified, b.checked)
        ));
    }
    Some(Para::Body(s))
}

/// Indicators grouped by their 问题 heading (catalog order), veto groups first, then by how
/// many accounts each group caught.
struct ProblemGroup<'a> {
    head: &'a str,
    indicators: Vec<usize>,
    veto: bool,
    hits: u64,
}

fn problem_groups(c: &CampaignData) -> Vec<ProblemGroup<'_>> {
    let mut groups: Vec<ProblemGroup<'_>> = Vec::new();
    for (j, ind) in c.catalog.indicators.iter().enumerate() {
        let head = ind.head.trim_end_matches("问题");
        let at = match groups.iter().position(|g| g.head == head) {
            Some(at) => at,
            None => {
                groups.push(ProblemGroup {
                    head,
                    indicators: Vec::new(),
                    veto: false,
                    hits: 0,
                });
                groups.len() - 1
            }
        };
        groups[at].indicators.push(j);
        groups[at].veto |= ind.kind == Kind::Veto;
    }
    for g in &mut groups {
        g.hits = group_count(c, &g.indicators, |_| true).0;
    }
    groups.retain(|g| g.hits > 0);
    // Stable: equal counts keep the catalog's order.
    groups.sort_by(|a, b| b.veto.cmp(&a.veto).then(b.hits.cmp(&a.hits)));
    groups
}

/// Accounts for which `pred` holds with a problem under any of `indicators`, and those checked.
fn group_count<F: Fn(&Account) -> bool>(
    c: &CampaignData,
    indicators: &[usize],
    pred: F,
) -> (u64, u64) {
    let (mut hit, mut n) = (0, 0);
    for (_, o) in c.checked().filter(|(a, _)| pred(a)) {
        n += 1;
        hit += u64::from(
            indicators
                .iter()
                .any(|j| o.values.get(*j).copied().unwrap_or(0) > 0),
        );
    }
    (hit, n)
}

/// What the accounts of a veto group were found to do: the one indicator's name ("未在规定时限内
/// 做出有效回复"), or, when several caught accounts, each with its own count — the group's count
/// is of accounts caught by any, so a list alone would read as if each had done all of them
/// ("存在未提供有效互动功能(9个)、未在规定时限内对留言做出有效回复(26个)问题").
fn hit_phrase<F: Fn(&Account) -> bool>(c: &CampaignData, g: &ProblemGroup<'_>, pred: F) -> String {
    let hits: Vec<(&str, u64)> = g
        .indicators
        .iter()
        .map(|j| {
            (
                c.catalog.indicators[*j].name.as_str(),
                problem_count(c, *j, &pred).0,
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    match hits.as_slice() {
        [(name, _)] => name.to_string(),
        _ => {
            let each: Vec<String> = hits.iter().map(|(n, k)| format!("{n}({k}个)")).collect();
            format!("存在{}问题", each.join("、"))
        }
    }
}

/// The names of a group's indicators that caught an account for which `pred` holds, joined:
/// "未在规定时限内做出有效回复、…".
fn hit_names<F: Fn(&Account) -> bool>(c: &CampaignData, g: &ProblemGroup<'_>, pred: F) -> String {
    let names: Vec<&str> = g
        .indicators
        .iter()
        .filter(|j| problem_count(c, **j, &pred).0 > 0)
        .map(|j| c.catalog.indicators[*j].name.as_str())
        .collect();
    names.join("、")
}

/// 二、检查抽查发现的问题: （一）单项否决问题, one run-in item "1.…" per veto group with
/// findings (counts and shares by owner group), the annex and repeat offenders; （二）规范管理问题
/// for all deduction findings; （三）整改落实问题 for last quarter's rectification round. Only the
/// parts with findings are written, numbered in order.
fn problem_section(input: &DraftInput<'_>) -> Vec<Para> {
    let c = input.current;
    let groups = problem_groups(c);
    let follow_up = input.follow_up.filter(|f| f.has_findings());
    let check = check_word(c);
    if groups.is_empty() && follow_up.is_none() {
        return vec![Para::Body(format!("本次{check}未发现指标所列问题。"))];
    }
    let outstanding = groups.iter().any(|g| g.veto && g.hits >= 2);
    let mut out = vec![Para::Body(format!(
        "在本次{check}中,发现{}政务新媒体存在以下{}问题:",
        c.words().our,
        if outstanding { "突出" } else { "" }
    ))];
    let mut k = 0;
    let veto: Vec<&ProblemGroup<'_>> = groups.iter().filter(|g| g.veto).collect();
    if !veto.is_empty() {
        out.push(Para::Heading2(format!("{}单项否决问题", second_level(k))));
        k += 1;
        for (i, g) in veto.iter().enumerate() {
            out.push(veto_item(c, g, i + 1));
        }
        out.extend(annex_and_repeats(input));
    }
    if let Some(p) = deduction_item(c, &groups) {
        out.push(Para::Heading2(format!("{}规范管理问题", second_level(k))));
        k += 1;
        out.push(p);
    }
    if let Some(f) = follow_up {
        out.push(Para::Heading2(format!("{}整改落实问题", second_level(k))));
        out.extend(follow_up_paras(f));
    }
    out
}

/// How many accounts the annex names, and the accounts unqualified in consecutive checks.
fn annex_and_repeats(input: &DraftInput<'_>) -> Vec<Para> {
    let c = input.current;
    let mut out = Vec::new();
    let vetoed = c
        .checked()
        .filter(|(_, o)| !o.verdict.veto_hits.is_empty())
        .count();
    if vetoed > 0 {
        out.push(Para::Body(format!(
            "本次{}共发现{vetoed}个政务新媒体存在\"单项否决\"问题,名单见附件。",
            check_word(c)
        )));
    }
    if input.repeat_offenders > 0 {
        out.push(Para::Body(format!(
            "部分单位不合格政务新媒体反复出现,{}个政务新媒体连续2次以上为不合格政务新媒体(最多连续{}次)。",
            input.repeat_offenders, input.max_streak
        )));
    }
    out
}

/// Last quarter's rectification round: accounts reported shut but still running, units that
/// reported late and units that did not report.
fn follow_up_paras(f: &FollowUp) -> Vec<Para> {
    let units = |list: &[(String, u64)]| {
        list.iter()
            .map(|(u, n)| format!("{u}({n}个)"))
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut out = Vec::new();
    let mut item = 1;
    if !f.closed_but_active.is_empty() {
        let names: Vec<String> = f
            .closed_but_active
            .iter()
            .map(|(u, n)| format!("{u}\"{n}\""))
            .collect();
        out.push(Para::Body(format!(
            "{item}.报已关停、注销但仍在运行。{}通报的政务新媒体中,{}个报送整改结果为已关停或已注销,但在本季度备案台账中仍为正常运行状态:{}。",
            f.quarter,
            f.closed_but_active.len(),
            names.join("、")
        )));
        item += 1;
    }
    if !f.late_units.is_empty() || !f.unreported_units.is_empty() {
        let mut s = format!("{item}.整改情况报送不及时。");
        if !f.late_units.is_empty() {
            s.push_str(&format!(
                "{}通报后,{}逾期报送整改情况。",
                f.quarter,
                units(&f.late_units)
            ));
        }
        if !f.unreported_units.is_empty() {
            s.push_str(&format!("{}未报送整改情况。", units(&f.unreported_units)));
        }
        out.push(Para::Body(s));
    }
    out
}

/// One veto group's run-in item: how many accounts it caught among the scope's own departments
/// and among the groups below it, with the indicators that caught them and their share.
fn veto_item(c: &CampaignData, g: &ProblemGroup<'_>, item: usize) -> Para {
    let w = c.words();
    let (check, total) = (check_word(c), checked_word(c));
    let (level, city) = (&w.level, &w.divisions);
    let (ph, pn) = group_count(c, &g.indicators, |a| c.is_top(a));
    let (ch, cn) = group_count(c, &g.indicators, |a| !c.is_top(a));
    let mut s = format!("{item}.{}问题。根据{check}结果,", g.head);
    if ph > 0 {
        let names = hit_phrase(c, g, |a| c.is_top(a));
        s.push_str(&format!(
            "{level}部门{ph}个政务新媒体{names},占{level}{total}总数{}。",
            c.pct(ph, pn)
        ));
    }
    if ch > 0 {
        let names = hit_phrase(c, g, |a| !c.is_top(a));
        s.push_str(&format!(
            "{city}中,{ch}个政务新媒体{names},占{city}{total}总数{}。",
            c.pct(ch, cn)
        ));
    }
    Para::Body(s)
}

/// The one paragraph for all deduction groups with hits, quoting the indicators that caught any.
fn deduction_item(c: &CampaignData, groups: &[ProblemGroup<'_>]) -> Option<Para> {
    let deductions: Vec<&ProblemGroup<'_>> = groups.iter().filter(|g| !g.veto).collect();
    if deductions.is_empty() {
        return None;
    }
    let all: Vec<usize> = deductions
        .iter()
        .flat_map(|g| g.indicators.clone())
        .collect();
    let quoted: Vec<String> = deductions
        .iter()
        .flat_map(|g| {
            hit_names(c, g, |_| true)
                .split('、')
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
        })
        .collect();
    let (n, checked) = group_count(c, &all, |_| true);
    Some(Para::Body(format!(
        "对照规范指标,{}等问题仍有发生,共涉及{n}个政务新媒体,占{}总数{}。",
        quoted.join(""),
        checked_word(c),
        c.pct(n, checked)
    )))
}

/// A paragraph's text on one line ("|" is harmless outside tables, so only lines are joined).
fn markdown_text(t: &str) -> String {
    crate::domain::text::markdown_inline(t).replace("\\|", "|")
}

/// The draft as Markdown, in the same full-width punctuation as the .docx it mirrors.
pub fn markdown(paras: &[Para]) -> String {
    let mut s = String::new();
    let text = |t: &str| markdown_text(&crate::domain::text::fullwidth_punct(t));
    for p in paras {
        match p {
            Para::Title(t) => s.push_str(&format!("# {}\n\n", text(t))),
            Para::Heading1(t) => s.push_str(&format!("## {}\n\n", text(t))),
            Para::Heading2(t) => s.push_str(&format!("### {}\n\n", text(t))),
            Para::Body(t) | Para::Attachment(t) => s.push_str(&format!("{}\n\n", text(t))),
            Para::Warning(t) => s.push_str(&format!("> **{}**\n\n", text(t))),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(qualified: u64, checked: u64) -> Tally {
        Tally { checked, qualified }
    }

    #[test]
    fn change_phrases_come_from_exact_counts() {
        let s = RateStyle::default();
        assert_eq!(
            change_phrase(t(90, 100), t(818, 1000), &s),
            "比上季度提升8.2个百分点"
        );
        assert_eq!(
            change_phrase(t(80, 100), t(85, 100), &s),
            "比上季度下降5个百分点"
        );
        assert_eq!(change_phrase(t(80, 100), t(8, 10), &s), "与上季度持平");
        // Rates that differ are never 持平, however close.
        assert_eq!(
            change_phrase(t(2943, 2944), t(1, 1), &s),
            "比上季度下降0.1个百分点"
        );
        // 71.5% against 71.25%: exactly 0.25 points, which rounds half up to 0.3; the float
        // difference of the two rates is just below 0.0025 and would give 0.2.
        assert_eq!(
            change_phrase(t(143, 200), t(171, 240), &s),
            "比上季度提升0.3个百分点"
        );
        assert_eq!(
            change_phrase(t(171, 240), t(143, 200), &s),
            "比上季度下降0.3个百分点"
        );
    }
}
