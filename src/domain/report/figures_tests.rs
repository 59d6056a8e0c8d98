//! Unit tests of the report's figures on a registry small enough to count by hand: two
//! provincial departments, two accounts each in 南京 and 无锡, one closed account; the census
//! checks the six active ones, and one provincial and one 无锡 account fail a veto item.

use super::*;
use crate::domain::indicators::{verdict, Answer};
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
    let header = HeaderMap::detect(1, &strings(&HEADER)).expect("header");
    let mut b = RegistryBuilder::new(header);
    for (i, r) in ROWS.iter().enumerate() {
        b.push(i as u32 + 2, &strings(r), &[]);
    }
    b.place(profile);
    let (reg, rejects) = b.finish();
    assert!(rejects.is_empty(), "{rejects:?}");
    reg
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
            let outcome = Outcome {
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
    assert_eq!(row(&t, OWNER_GROUP_PROVINCE)[1..], ["2", "1", "1", "50%"]);
    assert_eq!(row(&t, "南京")[1..], ["2", "2", "0", "100%"]);
    assert_eq!(row(&t, "无锡")[1..], ["2", "1", "1", "50%"]);
    // The province's 13 prefectures are all listed, in official order; unsampled ones show "—".
    let keys: Vec<String> = t.display_rows().into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(keys[1..3], ["南京", "无锡"]);
    assert_eq!(keys.len(), 1 + 13 + 2);
    assert_eq!(row(&t, "苏州")[1], "0");
    assert_eq!(row(&t, "苏州")[4], "—");
    let total = c.words().divisions_total;
    assert_eq!(row(&t, &total)[1..], ["4", "3", "1", "75%"]);
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
    assert_eq!(r[4..], ["1", "50%", "1", "25%", "2", "33.3%"]);
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
