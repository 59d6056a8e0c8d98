//! A generated monitoring export (监测数据) for the demo: what a monitoring platform would say
//! about each sampled account, agreeing with the simulated inspectors most of the time and
//! missing now and then, so that the demo shows pre-fills kept and changed. Pure: rows only.

use super::{below, demo_rng};
use crate::domain::indicators::{Catalog, MonitorRule};
use crate::domain::registry::Account;
use chrono::NaiveDate;

/// The export's header, in the spellings a monitoring platform uses (aliases of the reader's).
pub const HEADER: [&str; 8] = [
    "账号ID",
    "账号名称",
    "账号类型",
    "最后发布时间",
    "留言数",
    "超期未回复数",
    "互动功能",
    "监测时间",
];

/// In how many of 1,000 observations the monitoring platform is wrong about an item.
const MISSED_PER_1000: u64 = 40;

/// One row per account: the monitoring platform's view of what `truth` (one value per indicator
/// of `cat`, the simulated inspector's answer) says, at `at`, with a few items seen wrongly.
pub fn rows(
    cat: &Catalog,
    accounts: &[(&Account, &[u32])],
    at: NaiveDate,
    seed: u64,
) -> Vec<Vec<String>> {
    accounts
        .iter()
        .map(|(a, truth)| row(cat, a, truth, at, seed))
        .collect()
}

fn row(cat: &Catalog, a: &Account, truth: &[u32], at: NaiveDate, seed: u64) -> Vec<String> {
    let mut rng = demo_rng(seed, &[a.id.clone(), "monitor".into()]);
    let mut cells = vec![
        a.id.clone(),
        a.name.clone(),
        a.platform.to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        format!("{at} 09:00"),
    ];
    for (ind, v) in cat.indicators.iter().zip(truth) {
        let Some(rule) = ind.monitor else { continue };
        let seen = (*v > 0) != (below(&mut rng, 1000) < MISSED_PER_1000);
        match rule {
            MonitorRule::NoUpdate { days } => {
                let gap = if seen {
                    u64::from(days) + below(&mut rng, 30)
                } else {
                    below(&mut rng, u64::from(days))
                };
                let last = at - chrono::Duration::days(gap as i64);
                cells[3] = format!(
                    "{} {:02}:{:02}",
                    last,
                    8 + below(&mut rng, 10),
                    below(&mut rng, 60)
                );
            }
            MonitorRule::Unanswered { .. } => {
                // Some platforms do not count messages for every account type.
                if below(&mut rng, 100) < 8 {
                    continue;
                }
                let unanswered = if seen { 1 + below(&mut rng, 4) } else { 0 };
                cells[4] = (unanswered + below(&mut rng, 20)).to_string();
                cells[5] = unanswered.to_string();
            }
            MonitorRule::Interaction => {
                cells[6] = if seen { "异常" } else { "正常" }.to_string();
            }
        }
    }
    cells
}
