//! The report's tables, computed from plain values (no I/O).

use super::table::{Cell, Table};
use crate::indicators::{Catalog, Kind, Verdict};
use crate::registry::normalize::{region_rank, JIANGSU_CITIES, LEVELS, PROVINCE_REGION};
use crate::registry::{Account, Registry, OWNER_GROUP_CITY, OWNER_GROUP_PROVINCE};
use crate::sampling::Design;
use crate::stats::{estimate, Obs, StratumFrame};
use std::collections::HashMap;

/// The notice prints types in this order.
pub const TYPE_ORDER: [&str; 4] = ["微博", "微信", "移动客户端", "其他"];

/// One checked account.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub values: Vec<u32>,
    pub verdict: Verdict,
}

/// Everything the report needs from one campaign.
#[derive(Clone, Debug)]
pub struct CampaignData {
    pub name: String,
    pub registry: Registry,
    /// Sampled accounts, in sample order.
    pub sample: Vec<Account>,
    /// Stratum key (joined with "/") and whether the account was a certainty unit, per sampled account.
    pub strata: Vec<(String, bool)>,
    pub design: Design,
    pub catalog: Catalog,
    pub outcomes: HashMap<String, Outcome>,
    pub simulated: bool,
}

/// Counts for a group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub checked: u64,
    pub qualified: u64,
}

impl Tally {
    pub fn unqualified(&self) -> u64 {
        self.checked - self.qualified
    }

    pub fn rate(&self) -> Option<f64> {
        (self.checked > 0).then(|| self.qualified as f64 / self.checked as f64)
    }

    pub fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Int(self.checked as i64),
            Cell::Int(self.qualified as i64),
            Cell::Int(self.unqualified() as i64),
            if self.checked == 0 {
                Cell::text("—")
            } else {
                Cell::Rate {
                    num: self.qualified,
                    den: self.checked,
                }
            },
        ]
    }
}

pub const RATE_HEADERS: [&str; 4] = ["检查数", "合格", "不合格", "合格率"];

impl CampaignData {
    pub fn checked(&self) -> impl Iterator<Item = (&Account, &Outcome)> {
        self.sample
            .iter()
            .filter_map(|a| self.outcomes.get(&a.id).map(|o| (a, o)))
    }

    pub fn tally<F: Fn(&Account) -> bool>(&self, pred: F) -> Tally {
        let mut t = Tally::default();
        for (a, o) in self.checked() {
            if pred(a) {
                t.checked += 1;
                t.qualified += u64::from(o.verdict.qualified);
            }
        }
        t
    }

    pub fn unchecked(&self) -> Vec<&Account> {
        self.sample
            .iter()
            .filter(|a| !self.outcomes.contains_key(&a.id))
            .collect()
    }

    /// Regions of 设区市 in the province's order: the 13 cities, then any other region seen.
    pub fn cities(&self) -> Vec<String> {
        let mut v: Vec<String> = JIANGSU_CITIES.iter().map(|s| s.to_string()).collect();
        let mut extra: Vec<String> = self
            .registry
            .accounts
            .iter()
            .chain(&self.sample)
            .filter(|a| a.level != "省级" && !a.region.is_empty() && a.region != PROVINCE_REGION)
            .map(|a| a.region.clone())
            .filter(|r| !JIANGSU_CITIES.contains(&r.as_str()))
            .collect();
        extra.sort_by_key(|r| region_rank(r));
        extra.dedup();
        v.extend(extra);
        v
    }
}

fn rate_table(name: &str, title: &str, key: &str, rows: Vec<(String, Tally)>) -> Table {
    let mut headers = vec![key];
    headers.extend(RATE_HEADERS);
    let mut t = Table::new(name, title, &headers);
    for (k, tally) in rows {
        let mut r = vec![Cell::Text(k)];
        r.extend(tally.cells());
        t.rows.push(r);
    }
    t
}

pub fn pass_overall(c: &CampaignData) -> Table {
    rate_table(
        "合格率_总体",
        "总体合格率",
        "范围",
        vec![("全省".into(), c.tally(|_| true))],
    )
}

pub fn pass_by_owner_group(c: &CampaignData) -> Table {
    let mut rows = vec![(
        OWNER_GROUP_PROVINCE.to_string(),
        c.tally(|a| a.owner_group() == OWNER_GROUP_PROVINCE),
    )];
    for city in c.cities() {
        rows.push((
            format!("  {city}"),
            c.tally(|a| a.owner_group() == OWNER_GROUP_CITY && a.region == city),
        ));
    }
    rows.push((
        format!("{OWNER_GROUP_CITY}合计"),
        c.tally(|a| a.owner_group() == OWNER_GROUP_CITY),
    ));
    rows.push(("全省".into(), c.tally(|_| true)));
    let mut t = rate_table(
        "合格率_开设主体",
        "合格率:按开设主体(设区市含本级及所辖县(市、区)、乡镇(街道))",
        "开设主体",
        rows,
    );
    t.notes.push("\"—\" 表示该组没有被检查的账号。".into());
    t
}

pub fn pass_by_level(c: &CampaignData) -> Table {
    let rows = LEVELS
        .iter()
        .map(|l| (l.to_string(), c.tally(|a| a.level == *l)))
        .collect();
    rate_table("合格率_层级", "合格率:按层级", "层级", rows)
}

pub fn pass_by_type(c: &CampaignData) -> Table {
    let rows = TYPE_ORDER
        .iter()
        .map(|t| (t.to_string(), c.tally(|a| a.account_type == *t)))
        .collect();
    rate_table("合格率_类型", "合格率:按政务新媒体类型", "类型", rows)
}

pub fn pass_by_level_type(c: &CampaignData) -> Table {
    let mut t = Table::new(
        "合格率_层级类型",
        "合格率:层级 × 类型",
        &["层级", "类型", "检查数", "合格", "不合格", "合格率"],
    );
    for l in LEVELS {
        for ty in TYPE_ORDER {
            let mut r = vec![Cell::text(l), Cell::text(ty)];
            r.extend(c.tally(|a| a.level == l && a.account_type == ty).cells());
            t.rows.push(r);
        }
    }
    t
}

/// Accounts with problem `j` (veto hit, or a deduction count above 0) among those checked.
pub fn problem_count<F: Fn(&Account) -> bool>(c: &CampaignData, j: usize, pred: F) -> (u64, u64) {
    let mut hit = 0;
    let mut n = 0;
    for (a, o) in c.checked() {
        if pred(a) {
            n += 1;
            hit += u64::from(o.values.get(j).copied().unwrap_or(0) > 0);
        }
    }
    (hit, n)
}

pub fn problems(c: &CampaignData) -> Table {
    let mut t = Table::new(
        "问题统计",
        "问题统计:各指标存在问题的账号数及占检查数的比例",
        &[
            "代码",
            "指标",
            "类别",
            "类型",
            "省级部门单位",
            "占省级检查数",
            "设区市",
            "占设区市检查数",
            "全省",
            "占全省检查数",
        ],
    );
    for (j, ind) in c.catalog.indicators.iter().enumerate() {
        let p = problem_count(c, j, |a| a.owner_group() == OWNER_GROUP_PROVINCE);
        let s = problem_count(c, j, |a| a.owner_group() == OWNER_GROUP_CITY);
        let all = problem_count(c, j, |_| true);
        let share = |(h, n): (u64, u64)| {
            if n == 0 {
                Cell::text("—")
            } else {
                Cell::Rate { num: h, den: n }
            }
        };
        t.rows.push(vec![
            Cell::text(ind.code.clone()),
            Cell::text(ind.name.clone()),
            Cell::text(ind.head.clone()),
            Cell::text(if ind.kind == Kind::Veto {
                "单项否决"
            } else {
                "扣分"
            }),
            Cell::Int(p.0 as i64),
            share(p),
            Cell::Int(s.0 as i64),
            share(s),
            Cell::Int(all.0 as i64),
            share(all),
        ]);
    }
    t
}

/// Groups compared quarter on quarter.
/// A named group of accounts.
pub type Group = (String, Box<dyn Fn(&Account) -> bool>);

pub fn qoq_groups() -> Vec<Group> {
    let mut g: Vec<Group> = vec![
        ("全省".into(), Box::new(|_| true)),
        (
            OWNER_GROUP_PROVINCE.into(),
            Box::new(|a: &Account| a.owner_group() == OWNER_GROUP_PROVINCE),
        ),
        (
            OWNER_GROUP_CITY.into(),
            Box::new(|a: &Account| a.owner_group() == OWNER_GROUP_CITY),
        ),
    ];
    for t in TYPE_ORDER {
        g.push((t.into(), Box::new(move |a: &Account| a.account_type == t)));
    }
    g
}

pub fn quarter_on_quarter(c: &CampaignData, previous: &[CampaignData]) -> Table {
    let mut headers: Vec<String> = vec!["范围".into(), format!("本期({})", c.name)];
    for p in previous {
        headers.push(p.name.clone());
        headers.push(format!("比{}变化(百分点)", p.name));
    }
    let mut t = Table {
        name: "环比".into(),
        title: "合格率环比(本期与各期比较)".into(),
        headers,
        rows: Vec::new(),
        notes: vec![
            "--previous 按时间由近到远给出,第一个为上季度。变化 = 本期合格率 − 该期合格率。".into(),
        ],
    };
    for (label, pred) in qoq_groups() {
        let now = c.tally(&pred);
        let mut r = vec![Cell::Text(label), rate_cell(now)];
        for p in previous {
            let then = p.tally(&pred);
            r.push(rate_cell(then));
            r.push(match (now.rate(), then.rate()) {
                (Some(a), Some(b)) => Cell::Points(a - b),
                _ => Cell::text("—"),
            });
        }
        t.rows.push(r);
    }
    t
}

fn rate_cell(t: Tally) -> Cell {
    if t.checked == 0 {
        Cell::text("—")
    } else {
        Cell::Rate {
            num: t.qualified,
            den: t.checked,
        }
    }
}

fn veto_names(cat: &Catalog, v: &Verdict) -> String {
    let names: Vec<String> = v
        .veto_hits
        .iter()
        .filter_map(|c| cat.get(c))
        .map(|i| i.name.clone())
        .collect();
    if names.is_empty() && !v.qualified {
        format!("得分{}分,低于合格线", v.score)
    } else {
        names.join(";")
    }
}

/// Accounts unqualified now and in the k−1 campaigns right before (k ≥ 2).
pub fn repeat_offenders(c: &CampaignData, previous: &[CampaignData]) -> Table {
    let mut headers: Vec<String> = ["账号ID", "名称", "开设主体", "类型", "连续不合格次数"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    headers.push(format!("{} 问题", c.name));
    for p in previous {
        headers.push(format!("{} 问题", p.name));
    }
    let mut t = Table {
        name: "连续不合格".into(),
        title: "连续多次检查不合格的政务新媒体".into(),
        headers,
        rows: Vec::new(),
        notes: Vec::new(),
    };
    let mut found: Vec<(usize, Vec<Cell>)> = Vec::new();
    for (a, o) in c.checked() {
        if o.verdict.qualified {
            continue;
        }
        let mut streak = 1;
        let mut cols = vec![Cell::text(veto_names(&c.catalog, &o.verdict))];
        let mut broken = false;
        for p in previous {
            match p.outcomes.get(&a.id) {
                Some(po) if !broken && !po.verdict.qualified => {
                    streak += 1;
                    cols.push(Cell::text(veto_names(&p.catalog, &po.verdict)));
                }
                Some(po) => {
                    broken = true;
                    cols.push(Cell::text(if po.verdict.qualified {
                        "合格".to_string()
                    } else {
                        veto_names(&p.catalog, &po.verdict)
                    }));
                }
                None => {
                    broken = true;
                    cols.push(Cell::text("未抽查"));
                }
            }
        }
        if streak >= 2 {
            let mut r = vec![
                Cell::text(a.id.clone()),
                Cell::text(a.name.clone()),
                Cell::text(a.owner.clone()),
                Cell::text(a.account_type.clone()),
                Cell::Int(streak as i64),
            ];
            r.extend(cols);
            found.push((streak, r));
        }
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    t.rows = found.into_iter().map(|(_, r)| r).collect();
    if previous.is_empty() {
        t.notes
            .push("未提供 --previous,无法判断连续不合格。".into());
    }
    t
}

/// The stratum frames and observations for the weighted estimator.
fn design_obs(c: &CampaignData) -> (Vec<StratumFrame>, HashMap<String, usize>) {
    let frames = c
        .design
        .strata
        .iter()
        .map(|s| StratumFrame {
            random_population: s.population.saturating_sub(s.certainty),
        })
        .collect();
    let index = c
        .design
        .strata
        .iter()
        .enumerate()
        .map(|(i, s)| (s.key.join("/"), i))
        .collect();
    (frames, index)
}

pub fn estimates(c: &CampaignData) -> Table {
    let mut t = Table::new(
        "加权估计",
        "抽样框(全部状态正常的账号)合格率的设计加权估计(分层抽样,有限总体校正,95%置信区间)",
        &[
            "范围",
            "检查数",
            "样本合格率(未加权)",
            "加权估计合格率",
            "95%置信区间下限",
            "95%置信区间上限",
            "标准误",
            "推算账号数",
        ],
    );
    let (frames, index) = design_obs(c);
    let mut groups = qoq_groups();
    for l in LEVELS {
        groups.push((l.to_string(), Box::new(move |a: &Account| a.level == l)));
    }
    for (label, pred) in groups {
        let obs: Vec<Obs> = c
            .sample
            .iter()
            .zip(&c.strata)
            .filter_map(|(a, (key, certain))| {
                let o = c.outcomes.get(&a.id)?;
                Some(Obs {
                    stratum: *index.get(key)?,
                    certainty: *certain,
                    in_domain: pred(a),
                    qualified: o.verdict.qualified,
                })
            })
            .collect();
        let raw = c.tally(&pred);
        match estimate(&frames, &obs) {
            Some(e) => t.rows.push(vec![
                Cell::Text(label),
                Cell::Int(e.n as i64),
                Cell::Rate {
                    num: raw.qualified,
                    den: raw.checked,
                },
                Cell::Pct(e.rate),
                Cell::Pct(e.lower),
                Cell::Pct(e.upper),
                Cell::Num(e.std_err * 100.0, 2),
                Cell::Num(e.population, 0),
            ]),
            None => t.rows.push(vec![
                Cell::Text(label),
                Cell::Int(0),
                Cell::text("—"),
                Cell::text("—"),
                Cell::text("—"),
                Cell::text("—"),
                Cell::text("—"),
                Cell::text("—"),
            ]),
        }
    }
    t.notes.push("加权估计: 每个随机入样账号的权重为 (N_h − 必查数)/该层已检查的随机样本数,必查(含回头看)账号权重为 1;方差按分层无放回抽样线性化并作有限总体校正。".into());
    t.notes.push("置信区间: Korn–Graubard 法(以设计效应调整有效样本量后的 Clopper–Pearson 区间),始终在 0–100% 之内,合格率为 0% 或 100% 时同样有效;某组全部账号都已检查时区间即为该值。标准误以百分点计。".into());
    t
}

pub fn sample_design(c: &CampaignData, verify_status: &str) -> Vec<Table> {
    let mut s = Table::new("样本设计", "抽样设计", &["项目", "内容"]);
    let d = &c.design;
    let rows = [
        ("抽样框(状态正常的账号)", d.frame_size.to_string()),
        (
            "样本量",
            d.strata.iter().map(|s| s.total).sum::<u64>().to_string(),
        ),
        ("必查(含回头看)", d.certainty.to_string()),
        ("分层变量", d.strata_columns.join("、")),
        ("分配方法", d.allocation.clone()),
        ("每层最少", d.min_per_stratum.to_string()),
        ("必查条件", d.take_all.join(";")),
        ("回头看来源", d.recheck_source.clone().unwrap_or_default()),
        ("随机种子", d.seed.to_string()),
        ("抽样算法", d.algorithm.clone()),
        ("台账 SHA-256", d.registry_sha256.clone()),
        ("audit verify 核验", verify_status.to_string()),
    ];
    for (k, v) in rows {
        s.rows.push(vec![Cell::text(k), Cell::text(v)]);
    }
    let mut t = Table::new(
        "样本分层",
        "样本:各层账号数与样本量",
        &[
            "分层",
            "层内账号数N_h",
            "必查",
            "随机抽取n_h",
            "样本合计",
            "随机样本权重",
            "已检查",
        ],
    );
    for st in &d.strata {
        let key = st.key.join("/");
        let checked = c
            .sample
            .iter()
            .zip(&c.strata)
            .filter(|(a, (k, _))| *k == key && c.outcomes.contains_key(&a.id))
            .count();
        t.rows.push(vec![
            Cell::Text(key),
            Cell::Int(st.population as i64),
            Cell::Int(st.certainty as i64),
            Cell::Int(st.random as i64),
            Cell::Int(st.total as i64),
            if st.random > 0 {
                Cell::Num(st.random_weight(), 2)
            } else {
                Cell::text("—")
            },
            Cell::Int(checked as i64),
        ]);
    }
    vec![s, t]
}

/// The annex: accounts with single-veto problems. Provincial departments first, then cities in the
/// province's order; within each, the sample's order (stratum, then id).
pub fn annex(c: &CampaignData) -> Table {
    let mut t = Table::new(
        "附件_单项否决名单",
        "存在\"单项否决\"问题政务新媒体名单",
        &["序号", "地区/部门", "名称", "类型", "开设主体", "存在问题"],
    );
    let mut list: Vec<(&Account, &Outcome)> = c
        .checked()
        .filter(|(_, o)| !o.verdict.veto_hits.is_empty())
        .collect();
    list.sort_by_key(|(a, _)| {
        if a.level == "省级" {
            (0, String::new())
        } else {
            region_rank(&a.region)
        }
    });
    for (i, (a, o)) in list.iter().enumerate() {
        t.rows.push(vec![
            Cell::Int(i as i64 + 1),
            Cell::text(a.region_or_department()),
            Cell::text(a.name.clone()),
            Cell::text(a.account_type.clone()),
            Cell::text(a.owner.clone()),
            Cell::text(veto_names(&c.catalog, &o.verdict)),
        ]);
    }
    t
}
