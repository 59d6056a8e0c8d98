//! The tables collect writes: results.csv (one row per checked account) and conflicts.csv.

use super::{AccountResult, Conflict};
use crate::domain::indicators::Catalog;
use crate::domain::registry::{Account, Registry};
use crate::domain::sampling::SampleMark;
use std::collections::BTreeMap;

/// results.csv's columns before the indicators: the account and how it was sampled.
const ACCOUNT_COLUMNS: [&str; 10] = [
    "账号ID",
    "名称",
    "类型",
    "开设主体",
    "层级",
    "地区",
    "主体类别",
    "开设主体分组",
    "分层",
    "入样方式",
];

/// results.csv's columns after the indicators: the verdict and where the answer came from.
const VERDICT_COLUMNS: [&str; 9] = [
    "扣分",
    "得分",
    "单项否决问题",
    "结论",
    "检查人",
    "检查日期",
    "问题描述",
    "来源文件",
    "行号",
];

/// Results as table rows (results.csv).
pub fn results_table(
    cat: &Catalog,
    sample: &Registry,
    info: &[SampleMark],
    results: &BTreeMap<String, AccountResult>,
) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header: Vec<String> = ACCOUNT_COLUMNS.iter().map(|s| s.to_string()).collect();
    header.extend(crate::domain::indicators::indicator_headers(cat));
    header.extend(VERDICT_COLUMNS.iter().map(|s| s.to_string()));
    let rows = sample
        .accounts
        .iter()
        .zip(info)
        .filter_map(|(a, inf)| Some(result_row(cat, a, inf, results.get(&a.id)?)))
        .collect();
    (header, rows)
}

/// One checked account's results.csv row.
fn result_row(cat: &Catalog, a: &Account, inf: &SampleMark, r: &AccountResult) -> Vec<String> {
    let mut row = vec![
        a.id.clone(),
        a.name.clone(),
        a.account_type.to_string(),
        a.owner.to_string(),
        a.level.label().to_string(),
        a.region.to_string(),
        a.owner_kind.label().to_string(),
        // A city's or county's account is reported under its own group (江阴市, 经开区).
        if a.group.is_empty() {
            a.owner_group().default_label().to_string()
        } else {
            a.group.to_string()
        },
        inf.stratum.clone(),
        inf.reason.label().to_string(),
    ];
    row.extend(super::value_labels(cat, &r.answer.values));
    let vetoes: Vec<String> = r
        .verdict
        .veto_hits
        .iter()
        .filter_map(|c| cat.get(c))
        .map(|i| i.name.clone())
        .collect();
    row.extend([
        r.verdict.deduction.to_string(),
        r.verdict.score.to_string(),
        vetoes.join(";"),
        r.verdict.label().to_string(),
        r.answer.checker.clone(),
        r.answer.date.clone(),
        r.answer.description.clone(),
        r.answer.source.clone(),
        r.answer.row.to_string(),
    ]);
    row
}

/// Conflicts as table rows (conflicts.csv): one row per disagreeing answer.
pub fn conflicts_table(
    cat: &Catalog,
    sample: &Registry,
    conflicts: &[Conflict],
) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header: Vec<String> = ["账号ID", "名称", "检查表ID", "来源文件", "行号"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    header.extend(crate::domain::indicators::indicator_headers(cat));
    header.push("问题描述".into());
    let by_id = sample.by_id();
    let mut rows = Vec::new();
    for c in conflicts {
        let name = by_id
            .get(c.id.as_str())
            .map(|x| x.name.clone())
            .unwrap_or_default();
        for a in &c.answers {
            let mut r = vec![
                c.id.clone(),
                name.clone(),
                a.workbook.clone(),
                a.source.clone(),
                a.row.to_string(),
            ];
            r.extend(super::value_labels(cat, &a.values));
            r.push(a.description.clone());
            rows.push(r);
        }
    }
    (header, rows)
}
