use super::*;
use crate::domain::indicators::Catalog;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(code: &str, fills: &[Prefill]) -> Option<(u32, String)> {
    fills
        .iter()
        .find(|p| p.code == code)
        .map(|p| (p.value, p.evidence.clone()))
}

#[test]
fn no_update_boundary_is_fourteen_days() {
    let cat = Catalog::builtin();
    let obs = |last: &str| Observation {
        row: 2,
        last_post: Some(d(last)),
        monitored_at: Some(d("2020-03-22")),
        ..Observation::default()
    };
    let thirteen = prefills(&cat, "a", &obs("2020-03-09"), None).unwrap();
    assert_eq!(
        at("V6", &thirteen),
        Some((0, "最后更新 2020-03-09,距监测时间 2020-03-22 13 天".into()))
    );
    let fourteen = prefills(&cat, "a", &obs("2020-03-08"), None).unwrap();
    assert_eq!(at("V6", &fourteen).unwrap().0, 1);
    let later = prefills(&cat, "a", &obs("2020-03-25"), None).unwrap();
    assert_eq!(at("V6", &later).unwrap().0, 0);
    assert!(at("V8", &thirteen).is_none(), "no evidence, no pre-fill");
}

#[test]
fn monitoring_time_from_row_or_default_or_error() {
    let cat = Catalog::builtin();
    let obs = Observation {
        row: 7,
        last_post: Some(d("2020-02-28")),
        ..Observation::default()
    };
    assert_eq!(
        prefills(&cat, "a", &obs, None).unwrap_err(),
        MissingTime { row: 7 }
    );
    let f = prefills(&cat, "a", &obs, Some(d("2020-03-22"))).unwrap();
    assert_eq!(
        at("V6", &f),
        Some((1, "最后更新 2020-02-28,距监测时间 2020-03-22 23 天".into()))
    );
    // Interaction and unanswered need no time.
    let obs = Observation {
        row: 8,
        interaction: Some(Interaction::Broken),
        ..Observation::default()
    };
    assert_eq!(
        at("V7", &prefills(&cat, "a", &obs, None).unwrap()),
        Some((1, "互动功能异常".into()))
    );
}

#[test]
fn unanswered_boundary_is_zero() {
    let cat = Catalog::builtin();
    let obs = |n: Option<u32>, m: Option<u32>| Observation {
        unanswered: n,
        messages: m,
        ..Observation::default()
    };
    let f = |o: Observation| at("V8", &prefills(&cat, "a", &o, None).unwrap());
    assert_eq!(
        f(obs(Some(0), Some(12))),
        Some((0, "超期未回复留言 0 条(收到留言 12 条)".into()))
    );
    assert_eq!(
        f(obs(Some(1), None)),
        Some((1, "超期未回复留言 1 条".into()))
    );
    assert_eq!(
        f(obs(None, Some(0))),
        Some((0, "监测期内没有收到留言".into()))
    );
    assert_eq!(f(obs(None, Some(5))), None);
}

fn account(id: &str, name: &str, t: &str, owner: &str, place: (&str, &str)) -> Account {
    Account {
        id: id.into(),
        name: name.into(),
        account_type: t.into(),
        owner: owner.into(),
        region: place.0.into(),
        county: place.1.into(),
        ..Account::default()
    }
}

const TOWN: &str = "民主乡人民政府";

/// Township governments of one name in three counties of two prefectures, and 金堂发布.
fn township_registry() -> Vec<Account> {
    let town = TOWN;
    vec![
        account(
            "T1",
            town,
            "微信",
            "金堂县民主乡人民政府",
            ("成都", "金堂县"),
        ),
        account(
            "T2",
            town,
            "微信",
            "大邑县民主乡人民政府",
            ("成都", "大邑县"),
        ),
        account(
            "T3",
            town,
            "微信",
            "三台县民主乡人民政府",
            ("绵阳", "三台县"),
        ),
        account(
            "U1",
            "金堂发布",
            "微信",
            "金堂县人民政府",
            ("成都", "金堂县"),
        ),
    ]
}

/// Matched accounts with their rows, and unmatched rows with their reasons.
type Township = (Vec<(String, u32)>, Vec<(u32, UnmatchedReason)>);

/// Monitoring rows without ids matched against [`township_registry`] (T1 and U1 sampled): the
/// accounts matched with their rows, and each unmatched row with its reason.
fn township_matching() -> Township {
    let (town, registry) = (TOWN, township_registry());
    let sample: HashSet<&str> = ["T1", "U1"].into_iter().collect();
    let profile = Profile::builtin(crate::domain::profile::province("四川").unwrap());
    let row = |row: u32, id: &str, name: &str, owner: &str, region: &str| Observation {
        row,
        id: id.into(),
        name: name.into(),
        account_type: if name.is_empty() {
            ""
        } else {
            "微信公众号"
        }
        .into(),
        owner: owner.into(),
        region: region.into(),
        ..Observation::default()
    };
    let rows = vec![
        row(2, "", town, "", ""),
        row(3, "", "金堂发布", "", ""),
        row(4, "", town, "金堂县民主乡人民政府", ""),
        row(5, "", town, "", "大邑县"),
        row(6, "", town, "", "成都市"),
        row(7, "T3", "", "", ""),
        row(8, "ZZ", "", "", ""),
        row(9, "", town, "", "火星区"),
        row(10, "", town, "", "成都市金堂县"),
        row(11, "", "", "", ""),
        row(12, "", "不存在", "", ""),
    ];
    let m = match_rows(&registry, &sample, rows, &profile);
    let mut got: Vec<(String, u32)> = m.matched.iter().map(|(k, v)| (k.clone(), v.row)).collect();
    got.sort();
    let reasons = m
        .unmatched
        .iter()
        .map(|u| (u.observation.row, u.reason.clone()))
        .collect();
    (got, reasons)
}

/// A row without an id is one account's evidence only where the whole registry has one account
/// with its keys.
#[test]
fn a_row_without_id_matches_only_an_account_unique_in_the_registry() {
    let (got, reasons) = township_matching();
    let got: Vec<(&str, u32)> = got.iter().map(|(k, r)| (k.as_str(), *r)).collect();
    assert_eq!(got, vec![("T1", 4), ("U1", 3)]);
    let both = NameKeys {
        owner: false,
        region: false,
    };
    let by_region = NameKeys {
        owner: false,
        region: true,
    };
    assert_eq!(
        reasons[0],
        (
            2,
            UnmatchedReason::AmbiguousName {
                count: 3,
                keys: both
            }
        )
    );
    assert_eq!(
        reasons[1],
        (
            5,
            UnmatchedReason::OtherAccount {
                id: "T2".into(),
                keys: by_region
            }
        )
    );
    assert_eq!(
        reasons[2],
        (
            6,
            UnmatchedReason::AmbiguousName {
                count: 2,
                keys: by_region
            }
        )
    );
    assert_eq!(reasons[3], (7, UnmatchedReason::NotSampled));
    assert_eq!(reasons[4], (8, UnmatchedReason::NotInRegistry));
    assert!(
        matches!(reasons[5], (9, UnmatchedReason::BadRegion { .. })),
        "{reasons:?}"
    );
    assert_eq!(
        reasons[6],
        (10, UnmatchedReason::Duplicate { first_row: 4 })
    );
    assert_eq!(reasons[7], (11, UnmatchedReason::NoKey));
    assert_eq!(reasons[8], (12, UnmatchedReason::NoSuchName { keys: both }));
    assert_eq!(reasons.len(), 9);
}

/// What an unmatched township row tells the user: the keys it lacks, the account it names.
#[test]
fn an_unmatched_row_says_what_it_lacks() {
    let (_, reasons) = township_matching();
    assert_eq!(
        reasons[0].1.label(),
        "同名账号 3 个(名称、类型都相同),无法确定是哪一个;请在监测数据中给出账号ID(或在该行填上 开设主体、所属地区)"
    );
    assert_eq!(
        reasons[1].1.label(),
        "名称、类型、所属地区对应台账中的账号 T2,它不在本期样本中"
    );
    // The region was given on that row; the hint asks only for what it lacks.
    assert!(
        reasons[2]
            .1
            .label()
            .ends_with("给出账号ID(或在该行填上 开设主体)"),
        "{}",
        reasons[2].1.label()
    );
}

/// The export's types are classified as import classifies the registry's: under the built-in
/// scheme by import's own tables (微信公众平台 is 微信 there), under a profile by its scheme.
#[test]
fn types_are_classified_as_import_does() {
    let registry = vec![account(
        "U1",
        "金堂发布",
        "微信",
        "金堂县人民政府",
        ("成都", "金堂县"),
    )];
    let sample: HashSet<&str> = ["U1"].into_iter().collect();
    let profile = Profile::builtin(crate::domain::profile::province("四川").unwrap());
    let rows = vec![Observation {
        row: 2,
        name: "金堂发布".into(),
        account_type: "微信公众平台".into(),
        ..Observation::default()
    }];
    let m = match_rows(&registry, &sample, rows, &profile);
    assert_eq!(m.matched.len(), 1, "{:?}", m.unmatched);
}

#[test]
fn cells_are_read_leniently_but_not_guessed() {
    use cells::{count, date, interaction};
    for t in [
        "2020-02-28",
        "2020/2/28 10:30",
        "2020年2月28日",
        "2020.2.28",
        "2020-02-28T08:00:00",
        "43889",
        "２０２０－０２－２８",
    ] {
        assert_eq!(date(t), Ok(Some(d("2020-02-28"))), "{t}");
    }
    assert_eq!(date(" "), Ok(None));
    for bad in ["上周", "2020-02-30", "12", "2020-02-28 下午"] {
        assert!(date(bad).is_err(), "{bad}");
    }
    assert_eq!(count("12条"), Ok(Some(12)));
    assert_eq!(count("3.0"), Ok(Some(3)));
    assert!(count("-1").is_err() && count("很多").is_err() && count("1.5").is_err());
    assert_eq!(interaction("异常"), Ok(Some(Interaction::Broken)));
    assert_eq!(interaction(" 正常 "), Ok(Some(Interaction::Normal)));
    assert!(interaction("还行").is_err());
}

#[test]
fn checks_round_trip_and_tally() {
    let checks = vec![
        PrefillCheck {
            code: "V6".into(),
            prefilled: 1,
            answered: 1,
        },
        PrefillCheck {
            code: "V8".into(),
            prefilled: 0,
            answered: 1,
        },
    ];
    let text = checks_text(&checks);
    assert_eq!(text, "V6:是→是;V8:否→是");
    assert_eq!(parse_checks(&text), Some(checks.clone()));
    assert_eq!(parse_checks(""), Some(vec![]));
    assert_eq!(parse_checks("V6:也许→是"), None);
    let other = vec![PrefillCheck {
        code: "V6".into(),
        prefilled: 1,
        answered: 0,
    }];
    let cat = Catalog::builtin();
    let t = tally(&cat, [checks.as_slice(), other.as_slice()].into_iter());
    let codes: Vec<&str> = t.iter().map(|(i, _)| i.code.as_str()).collect();
    assert_eq!(codes, vec!["V6", "V8"]);
    assert_eq!(
        t[0].1,
        PrefillTally {
            prefilled: 2,
            prefilled_yes: 2,
            kept: 1,
            yes_to_no: 1,
            no_to_yes: 0
        }
    );
    assert_eq!(t[1].1.changed(), 1);
}

/// 抖音 and 今日头条 are both 其他 by the built-in types: one unit's two accounts of one name on
/// them are told apart by the platform the export and the registry each name.
#[test]
fn one_type_of_several_platforms_is_matched_by_its_platform() {
    let on = |id: &str, platform: &str| Account {
        platform: platform.into(),
        ..account(id, "四川水利", "其他", "四川省水利厅", ("省本级", ""))
    };
    let registry = vec![on("D1", "抖音号"), on("T1", "今日头条")];
    let sample: HashSet<&str> = ["D1", "T1"].into_iter().collect();
    let profile = Profile::builtin(crate::domain::profile::province("四川").unwrap());
    let row = |row: u32, t: &str| Observation {
        row,
        name: "四川水利".into(),
        account_type: t.into(),
        ..Observation::default()
    };
    let m = match_rows(
        &registry,
        &sample,
        vec![row(2, "抖音"), row(3, "头条号")],
        &profile,
    );
    let mut got: Vec<(&str, u32)> = m.matched.iter().map(|(k, v)| (k.as_str(), v.row)).collect();
    got.sort();
    assert_eq!(got, vec![("D1", 2), ("T1", 3)], "{:?}", m.unmatched);
}
