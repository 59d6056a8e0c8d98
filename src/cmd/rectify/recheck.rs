//! `sample --recheck PREV` with PREV's rectification record: which of PREV's unqualified
//! accounts are re-checked and why (see [`crate::rectify::recheck_plan`]).

use crate::campaign::records::open_previous;
use crate::campaign::Campaign;
use crate::rectify::{recheck_plan, RecheckPlan, RecheckReason};
use crate::registry::Registry;
use anyhow::Result;
use std::collections::HashSet;
use std::path::Path;

/// PREV's unqualified accounts to re-check, and the plan with reasons when PREV has a
/// rectification record (without one, every unqualified account, as before).
pub fn from_campaign(
    cur: &Campaign,
    dir: &Path,
    reg: &Registry,
) -> Result<(Vec<String>, Option<RecheckPlan>)> {
    let prev = open_previous(cur, &[dir.to_path_buf()])?;
    let prev = &prev[0];
    let unqualified: Vec<String> = prev
        .previous_results()?
        .into_iter()
        .filter(|r| !r.qualified)
        .map(|r| r.id)
        .collect();
    let Some(record) = prev.rectify_rows_if_any()? else {
        return Ok((unqualified, None));
    };
    let active: HashSet<&str> = reg.active().map(|a| a.id.as_str()).collect();
    let plan = recheck_plan(&unqualified, &record, &|id| active.contains(id));
    let ids = plan.rechecks.iter().map(|(id, _)| id.clone()).collect();
    Ok((ids, Some(plan)))
}

/// The re-check list's rows with their reason (回头看原因), for design/recheck_ids.csv.
pub fn reason_rows(plan: &RecheckPlan) -> Vec<Vec<String>> {
    plan.rechecks
        .iter()
        .map(|(id, r)| vec![id.clone(), r.label().to_string()])
        .collect()
}

/// What the plan decided, for the user: counts by reason, the accounts reported shut but still
/// running (named, they go into the next notice), and those confirmed gone.
pub fn print_plan(plan: &RecheckPlan, reg: &Registry) {
    let counts: Vec<String> = RecheckReason::ALL
        .iter()
        .map(|r| (r, plan.rechecks.iter().filter(|(_, x)| x == r).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| format!("{} {n} 个", r.label()))
        .collect();
    println!(
        "回头看(按上期整改记录): {} 个 — {}",
        plan.rechecks.len(),
        if counts.is_empty() {
            "无".to_string()
        } else {
            counts.join(",")
        }
    );
    let by_id = reg.by_id();
    for (id, _) in plan
        .rechecks
        .iter()
        .filter(|(_, r)| *r == RecheckReason::ClosedButActive)
    {
        let name = by_id.get(id.as_str()).map_or("", |a| a.name.as_str());
        println!(
            "  {}: {id} {name} 在本期台账中仍为正常状态",
            RecheckReason::ClosedButActive.label()
        );
    }
    if !plan.confirmed_gone.is_empty() {
        println!(
            "报已关停/注销、本期台账中确已不在运行的 {} 个账号不再回头看",
            plan.confirmed_gone.len()
        );
    }
}
