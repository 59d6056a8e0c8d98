//! Where each account sits in the province: its 所属地区 (with the owner's name, for a district
//! name two cities share) resolves through the campaign's province profile to a prefecture-level
//! unit and, where the row names one, a county-level unit. Rows of another province and unknown
//! or ambiguous names are refused with a reason a filer can act on. Pure.

use super::normalize::PROVINCE_REGION;
use super::{Account, RawTexts, Reject, RejectReason};
use crate::domain::profile::{Profile, Region, RegionError};
use std::collections::HashMap;

/// Resolutions already made, by region text: most registries repeat a few hundred names.
#[derive(Default)]
pub struct RegionCache {
    by_text: HashMap<String, Result<Region, RegionError>>,
}

impl RegionCache {
    /// Resolve `region` for an account owned by `owner`. A name that needs the owner (two cities
    /// share it) is resolved again with it and never cached.
    fn resolve(
        &mut self,
        profile: &Profile,
        region: &str,
        owner: &str,
    ) -> Result<Region, RegionError> {
        let checked = |r: Result<Region, RegionError>| {
            r.and_then(|r| refuse_two_cities(profile, region, &r).map(|()| r))
        };
        let plain = match self.by_text.get(region) {
            Some(r) => r.clone(),
            None => {
                let r = checked(profile.resolve(region, ""));
                if self.by_text.len() < 10_000 {
                    self.by_text.insert(region.to_string(), r.clone());
                }
                r
            }
        };
        match plain {
            Err(RegionError::Ambiguous { .. }) => checked(profile.resolve(region, owner)),
            other => other,
        }
    }
}

/// Set the account's prefecture (`region`, short name, or 省本级) and county from its raw
/// 所属地区. Provincial accounts are 省本级 whatever the column says.
pub fn place(
    a: &mut Account,
    profile: &Profile,
    cache: &mut RegionCache,
) -> Result<(), RegionError> {
    if a.level == crate::domain::vocab::Level::Province {
        a.region = PROVINCE_REGION.to_string();
        a.county.clear();
        return Ok(());
    }
    let r = cache.resolve(profile, &a.raw.region, &a.owner)?;
    // A name of an older edition keeps it beside the current one: 港闸区（今崇川区）.
    a.county = r.county_label().unwrap_or_default();
    a.region = r.prefecture.unwrap_or_else(|| PROVINCE_REGION.to_string());
    Ok(())
}

/// A region that names a second prefecture after the one it resolved to ("南京;无锡",
/// "南京市玄武区无锡市") is ambiguous, not the first one.
fn refuse_two_cities(profile: &Profile, raw: &str, r: &Region) -> Result<(), RegionError> {
    let Some(found) = &r.prefecture else {
        return Ok(());
    };
    let inside_county = |name: &str| r.county.as_deref().is_some_and(|c| c.contains(name));
    let others: Vec<String> = profile
        .province
        .prefectures
        .iter()
        .filter(|d| &d.short != found && raw.contains(d.short.as_str()) && !inside_county(&d.short))
        .map(|d| d.short.clone())
        .collect();
    if others.is_empty() {
        return Ok(());
    }
    let mut candidates = vec![found.clone()];
    candidates.extend(others);
    Err(RegionError::Ambiguous {
        name: raw.trim().to_string(),
        candidates,
    })
}

/// The reject for a region that did not resolve.
pub fn reject(row: u32, a: &Account, e: &RegionError) -> Reject {
    let reason = match e {
        RegionError::Foreign { .. } => RejectReason::ForeignRegion,
        RegionError::Ambiguous { .. } => RejectReason::AmbiguousRegion,
        RegionError::Unknown { .. } => RejectReason::UnknownRegion,
    };
    // What the filer wrote, not our normalisation: the raw texts in the canonical order.
    let RawTexts {
        account_type: ty,
        level,
        region,
        owner_kind: kind,
        status,
    } = &a.raw;
    let mut cells = vec![
        a.id.clone(),
        a.name.clone(),
        ty.clone(),
        a.owner.clone(),
        level.clone(),
        region.clone(),
        kind.clone(),
        status.clone(),
    ];
    cells.extend(a.extra.iter().cloned());
    Reject {
        row,
        reason,
        detail: e.to_string(),
        cells,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::province;

    fn account(level: &str, region: &str, owner: &str) -> Account {
        Account {
            level: crate::domain::vocab::Level::parse(level).unwrap(),
            owner: owner.into(),
            raw: RawTexts {
                region: region.into(),
                ..RawTexts::default()
            },
            ..Account::default()
        }
    }

    /// Issue #14, case 1: counties, "XX市XX区", a functional zone, a shared district settled by
    /// the owner, another province's city.
    #[test]
    fn regions_resolve_to_the_prefecture_and_county() {
        let p = Profile::builtin(province("江苏").unwrap());
        let mut cache = RegionCache::default();
        for (region, owner, city, county) in [
            ("昆山市", "昆山市人民政府", "苏州", "昆山市"),
            ("江阴", "江阴市教育局", "无锡", "江阴市"),
            ("南京市玄武区", "玄武区人民政府", "南京", "玄武区"),
            ("苏州工业园区", "苏州工业园区管委会", "苏州", "苏州工业园区"),
            ("鼓楼区", "徐州市鼓楼区人民政府", "徐州", "鼓楼区"),
            ("南京市", "南京市公安局", "南京", ""),
        ] {
            let mut a = account("县级", region, owner);
            place(&mut a, &p, &mut cache).unwrap();
            assert_eq!(
                (a.region.as_str(), a.county.as_str()),
                (city, county),
                "{region}"
            );
        }
        let mut a = account("县级", "鼓楼区", "某某局");
        let e = place(&mut a, &p, &mut cache).unwrap_err();
        assert_eq!(reject(9, &a, &e).reason, RejectReason::AmbiguousRegion);
        let mut a = account("市级", "上海市", "上海市某局");
        let e = place(&mut a, &p, &mut cache).unwrap_err();
        assert_eq!(reject(9, &a, &e).reason, RejectReason::ForeignRegion);
        assert!(e.to_string().contains("不属于江苏省"), "{e}");
        for two in ["南京;无锡", "南京市玄武区无锡市"] {
            let mut a = account("县级", two, "某局");
            let e = place(&mut a, &p, &mut cache).unwrap_err();
            assert!(matches!(e, RegionError::Ambiguous { .. }), "{two}: {e}");
        }
        let mut a = account("省级", "南京市", "江苏省公安厅");
        place(&mut a, &p, &mut cache).unwrap();
        assert_eq!(a.region, PROVINCE_REGION);
    }
}
