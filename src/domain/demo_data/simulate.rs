//! Simulated inspector answers for the demo: deterministic per account, from the demo's own
//! generator, so the demo's results do not move when the sampler changes.

use super::{below, demo_rng};
use crate::domain::answers::Fill;
use crate::domain::indicators::{Catalog, Kind};
use std::collections::HashMap;

/// Simulated inspector answers: deterministic per account; `fail_per_10000` sets the level,
/// and accounts failed last time (`again`) fail more often.
pub fn answers(
    cat: &Catalog,
    accounts: &[crate::domain::registry::Account],
    seed: u64,
    fail_per_10000: u64,
    again: &[String],
    date: chrono::NaiveDate,
) -> HashMap<String, Fill> {
    let mut out = HashMap::new();
    let code_idx = |c: &str| cat.indicators.iter().position(|i| i.code == c);
    for a in accounts {
        let mut rng = demo_rng(seed, std::slice::from_ref(&a.id));
        let mut values = vec![0u32; cat.indicators.len()];
        let mut p = fail_per_10000;
        if a.account_type == "移动客户端" {
            p *= 3;
        }
        if a.level == crate::domain::vocab::Level::Province {
            p = p * 3 / 2;
        }
        if again.contains(&a.id) {
            p = 3000;
        }
        let mut notes = Vec::new();
        if below(&mut rng, 10_000) < p {
            let pick = below(&mut rng, 100);
            let code = if pick < 60 {
                "V8"
            } else if pick < 85 {
                "V6"
            } else if pick < 97 {
                "V7"
            } else {
                "V1"
            };
            if let Some(j) = code_idx(code) {
                values[j] = 1;
                notes.push(format!("【模拟】{}", cat.indicators[j].name));
            }
        }
        for (j, ind) in cat.indicators.iter().enumerate() {
            if ind.kind == Kind::Deduct && below(&mut rng, 100) < 4 {
                values[j] = 1;
                notes.push(format!("【模拟】{}", ind.name));
            }
        }
        out.insert(
            a.id.clone(),
            Fill {
                values,
                description: notes.join(";"),
                // The workbook's own inspector signs the row (see formats::workbook).
                checker: String::new(),
                date,
            },
        );
    }
    out
}
