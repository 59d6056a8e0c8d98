//! A coverage study of the 95% intervals: many simulated campaigns drawn from one demo-like
//! frame whose pass/fail status is known, each estimated as `audit report` does, counting how
//! often the interval holds the frame's true rate. Used by `examples/coverage.rs` (10,000
//! campaigns) and by a small deterministic test.
//!
//! The frame mirrors the demo: 3 levels × 4 types with the reference notice's shares (6,030
//! accounts), government-owned accounts (2%) taken with certainty, last quarter's failures
//! re-checked, and the rest drawn by the real allocation (`allocate::exact_optimal`, at least 2
//! per stratum) and the real draw (`sampling::draw_positions`). Stratum pass rates include a stratum at
//! 100% and a rare-failure stratum (99%).

use super::{estimate, wald, Obs, StratumFrame};
use crate::domain::sampling::{allocate, below, draw_positions, stratum_rng};

/// Levels of the simulated frame, in the notice's order.
const LEVELS: [&str; 3] = ["省级", "市级", "县级"];
/// Types of the simulated frame, in the notice's order.
const TYPES: [&str; 4] = ["微信", "微博", "移动客户端", "其他"];
/// Frame units per level × type (rows: levels; columns: types), as in the demo registry.
const SIZES: [[u64; 4]; 3] = [
    [256, 85, 9, 41],
    [942, 318, 37, 112],
    [2686, 1057, 128, 359],
];
/// True pass probability per level × type: 省级/移动客户端 always passes, 县级/微信 rarely fails.
const PASS: [[f64; 4]; 3] = [
    [0.85, 0.90, 1.00, 0.80],
    [0.92, 0.95, 0.80, 0.90],
    [0.99, 0.93, 0.75, 0.88],
];

/// One unit of the simulated frame.
#[derive(Clone, Debug)]
struct Unit {
    level: usize,
    kind: usize,
    certainty: bool,
    passes: bool,
}

/// The simulated frame: units grouped by stratum (level × type), certainty units flagged.
struct Frame {
    strata: Vec<Vec<Unit>>,
}

impl Frame {
    /// The frame, its pass/fail status drawn once from `seed`: 2% of units are government
    /// accounts (take-all) and 34 failed last quarter (re-checked, passing 70% of the time).
    fn new(seed: u64) -> Frame {
        let mut rng = stratum_rng(seed, &["frame".to_string()]);
        let mut strata = Vec::new();
        let mut rechecks = 0;
        for (l, row) in SIZES.iter().enumerate() {
            for (t, size) in row.iter().enumerate() {
                let units = (0..*size)
                    .map(|_| {
                        let take_all = below(&mut rng, 1000) < 20;
                        let recheck = !take_all && rechecks < 34 && below(&mut rng, 1000) < 6;
                        rechecks += usize::from(recheck);
                        let p = if recheck { 0.70 } else { PASS[l][t] };
                        let passes = (below(&mut rng, 1_000_000) as f64) < p * 1_000_000.0;
                        Unit {
                            level: l,
                            kind: t,
                            certainty: take_all || recheck,
                            passes,
                        }
                    })
                    .collect();
                strata.push(units);
            }
        }
        Frame { strata }
    }

    fn units(&self) -> impl Iterator<Item = &Unit> {
        self.strata.iter().flatten()
    }
}

/// A group the report estimates, as a predicate on a unit.
struct Group {
    label: String,
    member: Box<dyn Fn(&Unit) -> bool + Sync>,
}

fn groups() -> Vec<Group> {
    let mut g = vec![Group {
        label: "全省".into(),
        member: Box::new(|_| true),
    }];
    for (l, name) in LEVELS.iter().enumerate() {
        g.push(Group {
            label: name.to_string(),
            member: Box::new(move |u: &Unit| u.level == l),
        });
    }
    for (t, name) in TYPES.iter().enumerate() {
        g.push(Group {
            label: name.to_string(),
            member: Box::new(move |u: &Unit| u.kind == t),
        });
    }
    g
}

/// Coverage of one group's intervals over the simulated campaigns.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupCoverage {
    /// The group (全省, a level or a type).
    pub label: String,
    /// The frame's true pass rate in the group.
    pub true_rate: f64,
    /// Campaigns with an estimate for the group.
    pub runs: u64,
    /// Share of runs whose Korn–Graubard interval held the true rate.
    pub kg_coverage: f64,
    /// Mean width of the Korn–Graubard interval.
    pub kg_width: f64,
    /// Share of runs whose Wald interval held the true rate.
    pub wald_coverage: f64,
    /// Mean width of the Wald interval.
    pub wald_width: f64,
}

/// Running sums for one group.
#[derive(Clone, Default)]
struct Tally {
    runs: u64,
    kg_hits: u64,
    kg_width: f64,
    wald_hits: u64,
    wald_width: f64,
}

/// Simulate `campaigns` campaigns of `size` accounts (seeds `seed`, `seed + 1`, …) and report
/// the coverage of the 95% intervals for every group. The frame is fixed by `seed`.
pub fn study(campaigns: u64, size: u64, seed: u64) -> Vec<GroupCoverage> {
    let frame = Frame::new(seed);
    let groups = groups();
    let mut tallies = vec![Tally::default(); groups.len()];
    for c in 0..campaigns {
        one_campaign(&frame, &groups, size, seed.wrapping_add(c), &mut tallies);
    }
    groups
        .iter()
        .zip(tallies)
        .map(|(g, t)| summarise(&frame, g, &t))
        .collect()
}

fn summarise(frame: &Frame, g: &Group, t: &Tally) -> GroupCoverage {
    let members: Vec<&Unit> = frame.units().filter(|u| (g.member)(u)).collect();
    let pass = members.iter().filter(|u| u.passes).count();
    let runs = t.runs.max(1) as f64;
    GroupCoverage {
        label: g.label.clone(),
        true_rate: pass as f64 / members.len() as f64,
        runs: t.runs,
        kg_coverage: t.kg_hits as f64 / runs,
        kg_width: t.kg_width / runs,
        wald_coverage: t.wald_hits as f64 / runs,
        wald_width: t.wald_width / runs,
    }
}

/// Draw one campaign's sample, estimate every group, and count the intervals that cover.
fn one_campaign(frame: &Frame, groups: &[Group], size: u64, seed: u64, tallies: &mut [Tally]) {
    let random: Vec<Vec<usize>> = frame
        .strata
        .iter()
        .map(|s| (0..s.len()).filter(|i| !s[*i].certainty).collect())
        .collect();
    let available: Vec<u64> = random.iter().map(|r| r.len() as u64).collect();
    let certain: u64 = frame.units().filter(|u| u.certainty).count() as u64;
    let weights: Vec<f64> = available.iter().map(|a| *a as f64).collect();
    let Ok(sizes) = allocate::exact_optimal(&available, &weights, size - certain, 2) else {
        return;
    };
    let mut sample: Vec<(usize, &Unit)> = Vec::new();
    for (h, s) in frame.strata.iter().enumerate() {
        sample.extend(s.iter().filter(|u| u.certainty).map(|u| (h, u)));
        let key = vec![seed.to_string(), h.to_string()];
        for j in draw_positions(seed, &key, random[h].len(), sizes[h] as usize) {
            sample.push((h, &s[random[h][j]]));
        }
    }
    let strata: Vec<StratumFrame> = available
        .iter()
        .map(|a| StratumFrame {
            random_population: *a,
        })
        .collect();
    for (g, t) in groups.iter().zip(tallies.iter_mut()) {
        let obs: Vec<Obs> = sample
            .iter()
            .map(|(h, u)| Obs {
                stratum: *h,
                certainty: u.certainty,
                in_domain: (g.member)(u),
                qualified: u.passes,
            })
            .collect();
        let members: Vec<&Unit> = frame.units().filter(|u| (g.member)(u)).collect();
        let truth = members.iter().filter(|u| u.passes).count() as f64 / members.len() as f64;
        let Some(e) = estimate(&strata, &obs, members.len() as u64) else {
            continue;
        };
        if e.method == crate::domain::stats::IntervalMethod::NoRandomSample {
            continue;
        }
        let (wl, wu) = wald(&e);
        t.runs += 1;
        t.kg_hits += u64::from(e.lower <= truth + 1e-12 && truth <= e.upper + 1e-12);
        t.kg_width += e.upper - e.lower;
        t.wald_hits += u64::from(wl <= truth + 1e-12 && truth <= wu + 1e-12);
        t.wald_width += wu - wl;
    }
}

/// The study as a Markdown table, for the README.
pub fn markdown(rows: &[GroupCoverage], campaigns: u64) -> String {
    let mut s = String::from(
        "| 范围 | 真实合格率 | 估计次数 | Korn–Graubard 覆盖率 | 平均宽度 | Wald 覆盖率 | 平均宽度 |\n|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        s.push_str(&format!(
            "| {} | {:.1}% | {} | {:.1}% | {:.1} pp | {:.1}% | {:.1} pp |\n",
            r.label,
            r.true_rate * 100.0,
            r.runs,
            r.kg_coverage * 100.0,
            r.kg_width * 100.0,
            r.wald_coverage * 100.0,
            r.wald_width * 100.0
        ));
    }
    s.push_str(&format!("\n({campaigns} 次模拟抽样,95% 区间)\n"));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The small, deterministic version of examples/coverage.rs: 200 campaigns, fixed seed.
    /// Every group's Korn–Graubard interval must hold the true rate in at least 90% of them
    /// (the 10,000-campaign study in the README reaches ≥ 94.5%).
    #[test]
    fn intervals_cover_in_a_small_study() {
        let rows = study(200, 219, 2020);
        assert_eq!(rows.len(), 8);
        for r in &rows {
            assert_eq!(r.runs, 200, "{}", r.label);
            assert!(r.kg_coverage >= 0.90, "{}: {:.3}", r.label, r.kg_coverage);
            assert!(r.true_rate > 0.5 && r.true_rate < 1.0, "{}", r.label);
        }
        // The Wald interval is the one that fails here, which is why the report does not use it.
        assert!(rows.iter().any(|r| r.wald_coverage < 0.90));
    }
}
