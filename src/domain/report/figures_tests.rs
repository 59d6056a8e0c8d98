//! Unit tests of the report's figures on a registry small enough to count by hand: two
//! provincial departments, two accounts each in 南京 and 无锡, one closed account; the census
//! checks the six active ones, and one provincial and one 无锡 account fail a veto item.

use super::*;
use crate::domain::indicators::{verdict, Answer};
use crate::domain::profile::RateStyle;
use crate::domain::registry::{HeaderMap, RegistryBuilder, OWNER_GROUP_PROVINCE};
use crate::domain::sampling::SampleMark;

const HEADER: [&str; 8] = [
    "账号ID",
    "名称",
    "类型",
    "开设主体",
    "层级",
    "地区",
    "主体类别",
    "状态",
];

const ROWS: [[&str; 8]; 7] = [
    [
        "P1",
        "江苏公安",
        "微信",
        "江苏省公安厅",
        "省级",
        "",
        "部门",
        "正常",
    ],
    [
        "P2",
        "江苏教育",
        "微博",
        "江苏省教育厅",
        "省级",
        "",
        "部门",
        "正常",
    ],
    [
        "N1",
        "南京发布",
        "微信",
        "南京市人民政府",
        "市级",
        "南京市",
        "政府",
        "正常",
    ],
    [
        "N2",
        "南京公安",
        "微博",
        "南京市公安局",
        "市级",
        "南京市",
        "部门",
        "正常",
    ],
    [
        "W1",
        "无锡教育",
        "微信",
        "无锡市教育局",
        "市级",
        "无锡市",
        "部门",
        "正常",
    ],
    [
        "W2",
        "江阴发布",
        "微信",
        "江阴市人民政府",
        "县级",
        "无锡市",
        "政府",
        "正常",
    ],
    [
        "W3",
        "无锡旧号",
        "微信",
        "无锡市文化局",
        "市级",
        "无锡市",
        "部门",
        "关停",
    ],
];

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

fn registry(profile: &Profile) -> Registry {
    let none = crate::domain::vocab::ColumnAliases::default();
    let header = HeaderMap::detect(1, &strings(&HEADER), &none).expect("header");
    let mut b = RegistryBuilder::new(header);
    for (i, r) in ROWS.iter().enumerate() {
        b.push(i as u32 + 2, &strings(r), &[]);
    }
    let done = b.finish(profile);
    assert!(done.rejects.is_empty(), "{:?}", done.rejects);
    done.registry
}

/// A census of the active accounts; the ids in `failing` hit the first veto item.
fn campaign(name: &str, failing: &[&str]) -> CampaignData {
    let profile = Profile::parse("province = \"江苏\"").expect("profile");
    let registry = registry(&profile);
    let catalog = Catalog::builtin();
    let veto = catalog
        .indicators
        .iter()
        .position(|i| i.kind == Kind::Veto)
        .expect("a veto item");
    let sample: Vec<Account> = registry
        .accounts
        .iter()
        .filter(|a| a.is_active())
        .cloned()
        .collect();
    let outcomes = sample
        .iter()
        .map(|a| {
            let mut values = vec![0; catalog.indicators.len()];
            if failing.contains(&a.id.as_str()) {
                values[veto] = 1;
            }
            let v = verdict(
                &catalog,
                &Answer {
                    values: values.clone(),
                },
            );
            let outcome = CheckResult {
                values,
                verdict: v,
                prefill: Vec::new(),
            };
            (a.id.clone(), outcome)
        })
        .collect();
    let marks = sample
        .iter()
        .map(|_| SampleMark {
            stratum: "全部".into(),
            key: vec!["全部".into()],
            reason: Reason::Random,
        })
        .collect();
    let groups = crate::domain::groups::ReportingGroups::new(&profile, registry.accounts.iter());
    CampaignData {
        groups,
        name: name.into(),
        period: None,
        registry,
        sample,
        marks,
        excluded: HashSet::new(),
        profile,
        design: Design::default(),
        catalog,
        outcomes,
        simulated: false,
        not_counted: Default::default(),
    }
}

/// The displayed row whose first cell is `key`.
fn row(t: &Table, key: &str) -> Vec<String> {
    t.display_rows()
        .into_iter()
        .find(|r| r[0] == key)
        .unwrap_or_else(|| panic!("no row {key} in {}: {:?}", t.name, t.display_rows()))
}

#[test]
fn overall_rate_counts_the_census() {
    let c = campaign("2020Q1", &["P2", "W1"]);
    let t = pass_overall(&c);
    assert_eq!(row(&t, "全省")[1..4], ["6", "4", "2"]);
    assert_eq!(row(&t, "全省")[4], "66.7%");
    assert_eq!(
        c.tally(|_| true),
        Tally {
            checked: 6,
            qualified: 4
        }
    );
}

#[test]
fn owner_groups_are_the_departments_each_city_and_the_totals() {
    let c = campaign("2020Q1", &["P2", "W1"]);
    let t = pass_by_owner_group(&c);
    // Rates of fewer than 5 accounts carry the small-base mark (the built-in rate_mark_below).
    assert_eq!(row(&t, OWNER_GROUP_PROVINCE)[1..], ["2", "1", "1", "50%＊"]);
    assert_eq!(row(&t, "南京")[1..], ["2", "2", "0", "100%＊"]);
    assert_eq!(row(&t, "无锡")[1..], ["2", "1", "1", "50%＊"]);
    // The province's 13 prefectures are all listed, in official order; unsampled ones show "—".
    let keys: Vec<String> = t.display_rows().into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(keys[1..3], ["南京", "无锡"]);
    assert_eq!(keys.len(), 1 + 13 + 2);
    assert_eq!(row(&t, "苏州")[1], "0");
    assert_eq!(row(&t, "苏州")[4], "—");
    let total = c.words().divisions_total;
    assert_eq!(row(&t, &total)[1..], ["4", "3", "1", "75%＊"]);
    assert_eq!(row(&t, "全省")[1..], ["6", "4", "2", "66.7%"]);
}

#[test]
fn problems_count_accounts_per_item_and_group() {
    let c = campaign("2020Q1", &["P2", "W1"]);
    let t = problems(&c);
    let first_veto = c
        .catalog
        .indicators
        .iter()
        .find(|i| i.kind == Kind::Veto)
        .unwrap();
    let r = row(&t, &first_veto.code);
    assert_eq!(r[3], "单项否决");
    assert_eq!(r[4..], ["1", "50%＊", "1", "25%＊", "2", "33.3%"]);
    // An item nobody failed counts 0 everywhere.
    let other = &c.catalog.indicators.last().unwrap().code;
    assert_eq!(row(&t, other)[8], "0");
}

#[test]
fn the_annex_lists_departments_first_then_cities_in_order() {
    let c = campaign("2020Q1", &["W1", "P2"]);
    let t = annex(&c);
    let names: Vec<String> = t.display_rows().into_iter().map(|r| r[2].clone()).collect();
    assert_eq!(names, ["江苏教育", "无锡教育"]);
    assert_eq!(t.display_rows()[0][0], "1");
    assert!(!t.display_rows()[1][5].is_empty(), "the problem is named");
    // An account reported as 其他 shows the platform it is on.
    let mut c = campaign("2020Q1", &["W1"]);
    let w1 = c.sample.iter_mut().find(|a| a.id == "W1").unwrap();
    w1.account_type = "其他".into();
    w1.platform = "抖音号".into();
    assert_eq!(annex(&c).display_rows()[0][3], "抖音");
}

#[test]
fn quarter_on_quarter_changes_in_points() {
    let now = campaign("2020Q1", &["P2", "W1"]);
    let before = campaign("2019Q4", &[]);
    let t = quarter_on_quarter(&now, std::slice::from_ref(&before));
    let r = row(&t, "全省");
    assert_eq!(r[1], "66.7%");
    assert_eq!(r[2], "100%");
    assert_eq!(r[3], "-33.3");
    // No re-checks in either quarter: no like-with-like columns.
    assert_eq!(t.headers.len(), 4);
}

#[test]
fn rechecks_add_the_rate_without_them() {
    let mut c = campaign("2020Q1", &["P2", "W1"]);
    c.marks[1].reason = Reason::Recheck; // P2, a failure, re-checked from last quarter
    let t = pass_overall(&c);
    assert_eq!(t.headers.last().unwrap(), RATE_WITHOUT_RECHECKS);
    // Without the re-check: 5 checked, 4 qualified.
    assert_eq!(row(&t, "全省").last().unwrap(), "80%");
    assert_eq!(c.rechecks_checked(), 1);
}

fn estimate_row(n: u64, random_n: u64, method: IntervalMethod, capped: bool) -> EstimateRow {
    EstimateRow {
        label: "移动客户端".into(),
        raw: Tally {
            checked: n,
            qualified: n - 1,
        },
        frame: 174,
        estimate: Some(Estimate {
            n,
            qualified: n - 1,
            random_n,
            population: 6.0,
            rate: 5.0 / 6.0,
            std_err: 0.0,
            lower: 0.0,
            upper: 1.0,
            df: None,
            lonely_strata: 0,
            capped,
            method,
        }),
    }
}

/// Issue #23: a group checked only through certainty units prints no estimate, no
/// interval and no estimated size, says why, and counts its other accounts as uncovered.
#[test]
fn a_certainty_only_group_prints_no_interval() {
    let r = estimate_row(6, 0, IntervalMethod::NoRandomSample, false);
    let cells: Vec<String> = estimate_cells(&r)
        .iter()
        .map(|c| c.display_with(&RateStyle::default()))
        .collect();
    assert_eq!(
        cells,
        [
            "移动客户端",
            "6",
            "0",
            "83.3%",
            "—",
            "—",
            "—",
            "—",
            "—",
            "—",
            "174",
            NO_RANDOM_SAMPLE
        ]
    );
    let est = Estimates {
        rows: vec![r],
        uncovered: Uncovered::default(),
        frame: 6030,
        unplaced: 0,
    };
    let t = estimates(&est);
    assert!(
        t.notes
            .iter()
            .any(|n| n.starts_with("移动客户端: 无随机样本，不作推算")
                && n.contains("其余 168 个")),
        "{:?}",
        t.notes
    );
}

/// The labels say what was computed: the cap on the effective sample size, the fallback on
/// the random units, and no standard error where every random unit passed.
#[test]
fn labels_and_standard_errors_say_what_was_computed() {
    let label = |m, capped| {
        estimate_cells(&estimate_row(20, 12, m, capped))[11].display_with(&RateStyle::default())
    };
    assert_eq!(
        label(IntervalMethod::KornGraubard, true),
        "Korn–Graubard(有效样本量取随机样本数)"
    );
    assert_eq!(label(IntervalMethod::KornGraubard, false), "Korn–Graubard");
    assert_eq!(
        label(IntervalMethod::ClopperPearson, false),
        "Clopper–Pearson(按随机样本数)"
    );
    let se = estimate_cells(&estimate_row(20, 12, IntervalMethod::ClopperPearson, false))[7]
        .display_with(&RateStyle::default());
    assert_eq!(se, "—");
}

/// Issue #20, case 9: the check rate counts checked accounts against the accounts in operation
/// (the closed 无锡 account is not one).
#[test]
fn check_rate_is_checked_over_accounts_in_operation() {
    let c = campaign("2020Q1", &[]);
    let t = super::super::parts::check_rate(&c);
    assert_eq!(row(&t, "全省")[1..], ["6", "6", "6", "100%"]);
    assert_eq!(row(&t, "无锡")[1..], ["2", "2", "2", "100%＊"]);
    assert_eq!(row(&t, "苏州")[1..], ["0", "0", "0", "—"]);
    let s = super::super::parts::check_rate_sentence(&c).unwrap();
    assert_eq!(
        s,
        "共检查政务新媒体6个,检查率为100%(全省状态正常的政务新媒体6个)。"
    );
}

/// The parts of a design that takes government accounts in full, re-checks one account and
/// samples the rest: each part with its own counts and rate, and the draft's sentence.
#[test]
fn each_part_of_the_design_has_its_rate() {
    use super::super::parts::{design_parts, parts_sentence, parts_table};
    let mut c = campaign("2020Q1", &["P2", "W2"]);
    c.design.take_all = vec!["owner_kind=政府".into()];
    c.design.frame_size = 6;
    c.design.certainty = 3;
    for (a, m) in c.sample.iter().zip(&mut c.marks) {
        m.reason = match a.id.as_str() {
            "N1" | "W2" => Reason::TakeAll,
            "P2" => Reason::Recheck,
            _ => Reason::Random,
        };
    }
    let parts = design_parts(&c);
    let labels: Vec<&str> = parts.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["全覆盖(主体类别=政府)", "回头看", "随机抽查"]);
    let t = parts_table(&c, &parts);
    assert_eq!(
        row(&t, "全覆盖(主体类别=政府)")[1..],
        ["2", "2", "2", "1", "1", "50%＊"]
    );
    assert_eq!(row(&t, "回头看")[1..], ["1", "1", "1", "0", "1", "0%＊"]);
    assert_eq!(
        row(&t, "随机抽查")[1..],
        ["3", "3", "3", "3", "0", "100%＊"]
    );
    assert_eq!(row(&t, "全省")[1..], ["6", "6", "6", "4", "2", "66.7%"]);
    assert_eq!(
        parts_sentence(&c, &parts).unwrap(),
        "从检查方式看,全覆盖检查了代表主体为政府的政务新媒体2个,合格率为50%＊;回头看上期不合格的其他政务新媒体1个,合格率为0%＊;抽查其他政务新媒体3个,合格率为100%＊。"
    );
    // A design of one part has no such sentence.
    let plain = campaign("2020Q1", &[]);
    assert_eq!(parts_sentence(&plain, &design_parts(&plain)), None);
}

#[test]
fn owner_kinds_and_prefectures_at_100_percent() {
    use super::super::parts::{owner_kind_sentence, pass_by_owner_kind, prefecture_sentence};
    let c = campaign("2020Q1", &["P2", "W2"]);
    let t = pass_by_owner_kind(&c);
    assert_eq!(row(&t, "政府")[1..], ["2", "1", "1", "50%＊"]);
    assert_eq!(row(&t, "部门")[1..], ["4", "3", "1", "75%＊"]);
    assert_eq!(row(&t, "其他单位")[1..], ["0", "0", "0", "—"]);
    assert_eq!(
        owner_kind_sentence(&c).unwrap(),
        "从主体类别看,代表主体为政府的政务新媒体合格率50%＊,部门政务新媒体合格率75%＊。"
    );
    let s = prefecture_sentence(&c).unwrap();
    assert!(
        s.starts_with("南京市1个设区市合格率为100%(其中南京市检查数不足5个)。"),
        "{s}"
    );
    assert!(s.contains("徐州市、常州市、苏州市"), "{s}");
    // Prefectures the registry has no account of were not "not checked": nothing was there.
    assert!(s.ends_with("台账中没有纳入检查范围的账号。"), "{s}");
    assert!(!s.contains("本次没有账号被检查"), "{s}");
    // Wuxi has accounts in the frame; none of them checked yet is said so, apart.
    let mut open = campaign("2020Q1", &[]);
    open.outcomes.retain(|id, _| !id.starts_with('W'));
    let s = prefecture_sentence(&open).unwrap();
    assert!(s.contains("无锡市本次没有账号被检查。"), "{s}");
    assert!(!s.contains("无锡市、") && !s.contains("、无锡市"), "{s}");
}

#[test]
fn the_lead_says_the_strata_were_crossed_with_the_region() {
    use super::super::draft::{lead, DraftInput, Para};
    let mut c = campaign("2020Q1", &[]);
    c.design.strata_columns = vec!["level".into(), "type".into()];
    fn input(c: &CampaignData) -> DraftInput<'_> {
        DraftInput {
            current: c,
            previous: &[],
            diff: None,
            as_of: None,
            rectify_by: None,
            incomplete: false,
            repeat_offenders: 0,
            max_streak: 0,
            final_notice: false,
            follow_up: None,
        }
    }
    let Para::Body(plain) = lead(&input(&c)) else {
        panic!("the lead is a body paragraph")
    };
    assert!(plain.contains("按层级、类型分层随机抽取账号"), "{plain}");
    // --min-per-region crossed the strata with the region: the notice says so.
    c.design.min_per_region = Some(2);
    let Para::Body(crossed) = lead(&input(&c)) else {
        panic!("the lead is a body paragraph")
    };
    assert!(
        crossed.contains("按层级、类型、地区分层随机抽取账号,每个地区至少抽取2个(含必查)"),
        "{crossed}"
    );
}

#[test]
fn checked_accounts_outside_the_recorded_strata_are_named_not_dropped() {
    // The fixture's marks say "全部", a stratum its (empty) design does not have.
    let c = campaign("2020Q1", &[]);
    let est = estimate_groups(&c);
    assert_eq!(est.unplaced, 6);
    let t = estimates(&est);
    assert!(
        t.notes
            .iter()
            .any(|n| n.starts_with("注意: 6 个已检查账号的分层在记录的抽样设计中找不到")),
        "{:?}",
        t.notes
    );
}
