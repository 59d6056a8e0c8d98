//! Assigning sampled accounts to inspectors: balanced by count, a region's accounts kept together.

use crate::domain::registry::normalize::region_rank_in;
use std::collections::HashMap;

/// An account to assign: (id, region).
pub struct Item<'a> {
    /// The account id.
    pub id: &'a str,
    /// Its region, which keeps a city's accounts with one inspector.
    pub region: &'a str,
}

/// Split `items` over `k` inspectors named 检查员01…: accounts ordered by region (the province's
/// order) then id, cut into k consecutive runs whose sizes differ by at most one. A region is
/// split only where it does not fit, so each inspector gets whole regions wherever possible.
pub fn balanced(items: &[Item<'_>], k: usize, regions: &[String]) -> Vec<(String, Vec<String>)> {
    let k = k.max(1);
    let mut order: Vec<&Item> = items.iter().collect();
    order.sort_by(|a, b| {
        region_rank_in(regions, a.region)
            .cmp(&region_rank_in(regions, b.region))
            .then(a.id.cmp(b.id))
    });
    let n = order.len();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..k {
        let size = n / k + usize::from(i < n % k);
        let ids = order[start..start + size]
            .iter()
            .map(|x| x.id.to_string())
            .collect();
        out.push((format!("检查员{:02}", i + 1), ids));
        start += size;
    }
    out
}

/// Assign by a mapping of id → inspector or region → inspector (id wins). Unassigned ids are an
/// error listing them.
pub fn by_mapping(
    items: &[Item<'_>],
    by_id: &HashMap<String, String>,
    by_region: &HashMap<String, String>,
) -> Result<Vec<(String, Vec<String>)>, Vec<String>> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    let mut missing = Vec::new();
    for it in items {
        let who = by_id.get(it.id).or_else(|| by_region.get(it.region));
        match who {
            Some(w) => match groups.iter_mut().find(|(n, _)| n == w) {
                Some(g) => g.1.push(it.id.to_string()),
                None => groups.push((w.clone(), vec![it.id.to_string()])),
            },
            None => missing.push(it.id.to_string()),
        }
    }
    if !missing.is_empty() {
        return Err(missing);
    }
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_keeps_regions_together() {
        let data = [
            ("a1", "南京"),
            ("a2", "南京"),
            ("b1", "无锡"),
            ("b2", "无锡"),
            ("p1", "省本级"),
            ("p2", "省本级"),
        ];
        let items: Vec<Item> = data
            .iter()
            .map(|(i, r)| Item { id: i, region: r })
            .collect();
        let g = balanced(&items, 3, &[]);
        assert_eq!(g[0].1, vec!["p1", "p2"]);
        assert_eq!(g[1].1, vec!["a1", "a2"]);
        assert_eq!(g[2].1, vec!["b1", "b2"]);
        let g = balanced(&items, 4, &[]);
        let sizes: Vec<usize> = g.iter().map(|x| x.1.len()).collect();
        assert_eq!(sizes, vec![2, 2, 1, 1]);
    }
}
