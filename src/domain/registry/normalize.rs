//! Canonical labels and regions: the labels tables are ordered by, and the region a row is
//! filed under before the province profile resolves it. The spellings of types, levels,
//! statuses and owner kinds are each listed once, in `vocab` and `profile::types`.

use crate::domain::vocab::{Level, Status};

/// Canonical levels, 省级 first, in the order strata sort.
pub const LEVELS: [&str; 3] = [
    Level::Province.label(),
    Level::City.label(),
    Level::County.label(),
];

/// Canonical statuses; only 正常 accounts enter the sampling frame.
pub const STATUSES: [&str; 4] = [
    Status::Active.label(),
    Status::Stopped.label(),
    Status::Closed.label(),
    Status::Deregistered.label(),
];

/// The 13 prefecture-level cities of Jiangsu, in the province's own order. Regions not in this
/// list sort after it, by name.
pub const JIANGSU_CITIES: [&str; 13] = [
    "南京",
    "无锡",
    "徐州",
    "常州",
    "苏州",
    "南通",
    "连云港",
    "淮安",
    "盐城",
    "扬州",
    "镇江",
    "泰州",
    "宿迁",
];

/// The region a provincial account is filed under.
pub const PROVINCE_REGION: &str = "省本级";

/// Region → "省本级" or the city name without a trailing 市 ("南京市" → "南京").
pub fn region(raw: &str, level: &str) -> String {
    let k = crate::domain::text::clean(&crate::domain::text::fold_width(raw));
    if k.is_empty() {
        return if level == "省级" {
            PROVINCE_REGION.into()
        } else {
            String::new()
        };
    }
    if matches!(k.as_str(), "省本级" | "省级" | "省直" | "省" | "省级部门") {
        return PROVINCE_REGION.into();
    }
    match k.strip_suffix('市') {
        Some(stem) if stem.chars().count() >= 2 => stem.to_string(),
        _ => k,
    }
}

/// Sort key for regions: 省本级 first, then the province's prefectures in `order` (short names,
/// official code order), then others by name. An empty `order` means Jiangsu's.
pub fn region_rank_in(order: &[String], region: &str) -> (usize, String) {
    if region == PROVINCE_REGION {
        return (0, String::new());
    }
    let at = if order.is_empty() {
        JIANGSU_CITIES.iter().position(|c| *c == region)
    } else {
        order.iter().position(|c| c == region)
    };
    match at {
        Some(i) => (1 + i, String::new()),
        None => (usize::MAX, region.to_string()),
    }
}

/// [`region_rank_in`] with Jiangsu's order.
pub fn region_rank(region: &str) -> (usize, String) {
    region_rank_in(&[], region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_regions() {
        assert_eq!(region("南京市", "市级"), "南京");
        assert_eq!(region("", "省级"), "省本级");
        assert!(region_rank("南京") < region_rank("宿迁"));
        assert!(region_rank("宿迁") < region_rank("其他市"));
    }
}
