//! Registry make-up and change tables (used by `import` and `report`).

use super::table::{count_share, Cell, Table};
use crate::domain::profile::RateStyle;
use crate::domain::registry::normalize::STATUSES;
use crate::domain::registry::{Account, Level, NotCounted, Registry, RegistryDiff};

/// The levels a campaign's tables list: its own (省级 for a province, 市级 for a city) and those
/// below; a city's registry holds no 省级 account to count.
pub fn levels_from(own: Level) -> Vec<&'static str> {
    Level::ALL
        .into_iter()
        .filter(|l| *l >= own)
        .map(Level::label)
        .collect()
}

fn counts_in_order(
    accounts: &[&Account],
    order: &[&str],
    key: fn(&Account) -> &str,
) -> Vec<(String, u64)> {
    // The vocabularies have four values at most: a linear match beats hashing a million keys.
    let mut counts = vec![0u64; order.len()];
    for a in accounts {
        let k = key(a);
        if let Some(i) = order.iter().position(|o| *o == k) {
            counts[i] += 1;
        }
    }
    order.iter().map(|k| k.to_string()).zip(counts).collect()
}

/// The registry's make-up by level (from the scope's `own` level down), by reported type (in
/// `types` order, the profile's scheme) and by status; shares print by `style`.
pub fn makeup(reg: &Registry, types: &[String], own: Level, style: &RateStyle) -> Vec<Table> {
    let levels = levels_from(own);
    let types: Vec<&str> = types.iter().map(String::as_str).collect();
    let active: Vec<&Account> = reg.active().collect();
    let all: Vec<&Account> = reg.accounts.iter().collect();
    let mut tables = vec![
        count_share(
            "台账_层级",
            "台账构成(状态正常的账号):按层级",
            "层级",
            &counts_in_order(&active, &levels, |a| a.level.label()),
        ),
        count_share(
            "台账_类型",
            "台账构成(状态正常的账号):按类型",
            "类型",
            &counts_in_order(&active, &types, |a| &a.account_type),
        ),
        count_share(
            "台账_状态",
            "台账全部账号:按状态",
            "状态",
            &counts_in_order(&all, &STATUSES, |a| a.status.label()),
        ),
    ];
    for t in &mut tables {
        t.set_style(*style);
    }
    tables
}

/// The rows of the registry export not counted in the make-up, by reason, with the merged
/// copies of accounts exported twice; none when every row is counted.
pub fn not_counted(nc: &NotCounted) -> Option<Table> {
    if nc.is_empty() {
        return None;
    }
    let mut t = Table::new(
        "台账_未计入",
        "备案台账中未计入上述数字的行(明细见 rejects.csv)",
        &["原因", "行数"],
    );
    for (reason, n) in &nc.rejected {
        t.rows.push(vec![Cell::text(reason), Cell::Int(*n as i64)]);
    }
    if nc.merged > 0 {
        t.rows.push(vec![
            Cell::text("重复行(同一账号导出两次以上、内容完全相同,已按一个账号计)"),
            Cell::Int(nc.merged as i64),
        ]);
    }
    let total = nc.rejected_rows() + nc.merged;
    t.rows
        .push(vec![Cell::text("合计"), Cell::Int(total as i64)]);
    t.notes.push(format!(
        "台账构成只计入导入的账号;被拒收的 {} 行请核实后更正台账",
        nc.rejected_rows()
    ));
    Some(t)
}

/// The change against a previous registry: added and gone by level (from the scope's `own`
/// level down) and type, net and percent (printed by `style`).
pub fn change(
    (previous, current): (&Registry, &Registry),
    d: &RegistryDiff,
    types: &[String],
    own: Level,
    style: &RateStyle,
) -> Vec<Table> {
    let levels = levels_from(own);
    let types: Vec<&str> = types.iter().map(String::as_str).collect();
    let prev = previous.by_id();
    let cur = current.by_id();
    let sides = Sides {
        previous: previous.active().collect(),
        current: current.active().collect(),
        added: d
            .added
            .iter()
            .filter_map(|id| cur.get(id.as_str()).copied())
            .collect(),
        gone: d
            .gone
            .iter()
            .filter_map(|id| prev.get(id.as_str()).copied())
            .collect(),
    };
    let mut tables = vec![
        change_by(
            &sides,
            ["台账变化:按层级", "台账变化_层级", "层级"],
            &levels,
            |a| a.level.label(),
        ),
        change_by(
            &sides,
            ["台账变化:按类型", "台账变化_类型", "类型"],
            &types,
            |a| &a.account_type,
        ),
        change_summary(d, style),
    ];
    for t in &mut tables {
        t.set_style(*style);
    }
    tables
}

/// The accounts a change table counts: both registries' active ones, the added and the gone.
struct Sides<'a> {
    /// The previous registry's active accounts.
    previous: Vec<&'a Account>,
    /// The current registry's active accounts.
    current: Vec<&'a Account>,
    /// Accounts new in the current registry.
    added: Vec<&'a Account>,
    /// Accounts of the previous registry revoked, stopped or missing now.
    gone: Vec<&'a Account>,
}

/// One change table by a vocabulary (`order`, values of `key`), with a 合计 row;
/// `[title, name, label]` are the table's title, its sheet name and its first column's header.
fn change_by(
    sides: &Sides<'_>,
    [title, name, label]: [&str; 3],
    order: &[&str],
    key: fn(&Account) -> &str,
) -> Table {
    let a = counts_in_order(&sides.added, order, key);
    let g = counts_in_order(&sides.gone, order, key);
    let pa = counts_in_order(&sides.previous, order, key);
    let ca = counts_in_order(&sides.current, order, key);
    let mut t = Table::new(
        name,
        title,
        &[
            label,
            "上期",
            "新增",
            "减少(撤销或停用)",
            "本期",
            "净变化",
            "变化率",
        ],
    );
    let mut tot = [0u64; 4];
    for i in 0..order.len() {
        let (p, ad, go, c) = (pa[i].1, a[i].1, g[i].1, ca[i].1);
        tot[0] += p;
        tot[1] += ad;
        tot[2] += go;
        tot[3] += c;
        t.rows.push(change_row(order[i], p, ad, go, c));
    }
    t.rows
        .push(change_row("合计", tot[0], tot[1], tot[2], tot[3]));
    t
}

/// 台账变化汇总: the diff's counts, one row each, and the sentence the notice uses.
fn change_summary(d: &RegistryDiff, style: &RateStyle) -> Table {
    let mut s = Table::new("台账变化_汇总", "台账变化汇总", &["项目", "数量"]);
    let rows = [
        ("上期正常账号", d.previous_active as i64),
        ("本期正常账号", d.current_active as i64),
        ("新增", d.added.len() as i64),
        ("减少(撤销或停用)", d.gone.len() as i64),
        ("净变化", d.net()),
        ("类型变更", d.type_changed.len() as i64),
        ("开设主体变更", d.owner_changed.len() as i64),
    ];
    for (label, n) in rows {
        s.rows.push(vec![Cell::text(label), Cell::Int(n)]);
    }
    s.notes.push(change_sentence(d, style));
    s
}

fn change_row(label: &str, p: u64, a: u64, g: u64, c: u64) -> Vec<Cell> {
    let net = c as i64 - p as i64;
    vec![
        Cell::text(label),
        Cell::Int(p as i64),
        Cell::Int(a as i64),
        Cell::Int(g as i64),
        Cell::Int(c as i64),
        Cell::Int(net),
        if p == 0 {
            Cell::Empty
        } else {
            Cell::Change { num: net, den: p }
        },
    ]
}

/// "全省政务新媒体数量减少351个,占全省政务新媒体总量的5.5%", the share printed by `style`.
pub fn change_sentence(d: &RegistryDiff, style: &RateStyle) -> String {
    let net = d.net();
    let pct = style.percent(net.unsigned_abs(), d.previous_active);
    match net.cmp(&0) {
        std::cmp::Ordering::Less => format!("政务新媒体数量减少{}个,占上期总量的{pct}", -net),
        std::cmp::Ordering::Greater => format!("政务新媒体数量增加{net}个,占上期总量的{pct}"),
        std::cmp::Ordering::Equal => "政务新媒体数量与上期持平".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_change_sentence() {
        let d = RegistryDiff {
            previous_active: 6381,
            current_active: 6030,
            ..Default::default()
        };
        assert_eq!(
            change_sentence(&d, &RateStyle::default()),
            "政务新媒体数量减少351个,占上期总量的5.5%"
        );
    }
}
