//! Where each account sits in the province: its 所属地区 (with the owner's name, for a district
//! name two cities share) resolves through the campaign's province profile to a prefecture-level
//! unit and, where the row names one, a county-level unit. Rows of another province and unknown
//! or ambiguous names are refused with a reason a filer can act on. Pure.

use super::normalize::PROVINCE_REGION;
use super::{Account, Interner, RawTexts, Reject, RejectReason, SharedText};
use crate::domain::profile::{town_in, Children, Profile, Region, RegionError, ScopeUnit};
use std::collections::HashMap;

/// Resolutions already made, by region text: most registries repeat a few hundred names.
#[derive(Default)]
pub struct RegionCache {
    by_text: HashMap<String, Result<Region, RegionError>>,
    /// The placed names (prefecture, county, group): one copy each, shared by their accounts.
    names: Interner,
}

impl RegionCache {
    /// The shared copy of a placed name.
    fn name(&mut self, s: &str) -> SharedText {
        self.names.get(s)
    }

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
                // Province-wide first: a name two cities share needs the owner, even in a
                // campaign scoped to one of them (the owner may name the other).
                let r = checked(
                    profile
                        .province
                        .resolve(region, "", &profile.region_aliases),
                );
                if self.by_text.len() < 10_000 {
                    self.by_text.insert(region.to_string(), r.clone());
                }
                r
            }
        };
        match plain {
            Err(RegionError::Ambiguous { .. }) => checked(profile.resolve(region, owner)),
            // Unknown anywhere: in a city's campaign the closest names offered are its own.
            Err(RegionError::Unknown { .. }) if profile.scope.unit().is_some() => {
                profile.resolve(region, owner)
            }
            other => other,
        }
    }
}

/// Set the account's prefecture (`region`, short name, or 省本级), county and, in a city or county
/// campaign, its reporting group from its raw 所属地区. Provincial accounts are 省本级 whatever
/// the column says. `town` is the extra column naming 乡镇/街道 (a profile's `town_column`).
///
/// When the export gives the county in a column of its own (the builder leaves its text in
/// `a.county`), 市(州) and 县(市、区) are read together ("成都市" + "郫县" → 成都, 郫县（今郫都区）),
/// and the joined text is kept as the raw 地区. A county the data does not know (a zone such as
/// 高新区) leaves the 市(州) alone to decide; a 县级 account's county is then kept as written.
pub fn place(
    a: &mut Account,
    profile: &Profile,
    cache: &mut RegionCache,
    town: Option<usize>,
) -> Result<(), RegionError> {
    let county = std::mem::take(&mut a.county);
    if county.is_empty() {
        return place_by_region(a, profile, cache, town);
    }
    let region = a.raw.region.clone();
    a.raw.region = cache.name(&joined_region(&region, &county));
    let joined = place_by_region(a, profile, cache, town);
    if joined.is_err() && !region.is_empty() {
        a.raw.region = region;
        a.county = SharedText::default();
        a.group = SharedText::default();
        place_by_region(a, profile, cache, town)?;
    } else {
        joined?;
    }
    if a.county.is_empty() && a.level > crate::domain::vocab::Level::City {
        a.county = county;
    }
    Ok(())
}

/// 市(州) and 县(市、区) as one 所属地区 text: the county alone when it already begins with the
/// prefecture ("成都市郫都区"), else the two joined ("成都市郫县").
fn joined_region(region: &str, county: &str) -> String {
    let stem = region.trim_end_matches(['市', '州', '盟', '区']);
    if region.is_empty() || (!stem.is_empty() && county.starts_with(stem)) {
        county.to_string()
    } else {
        format!("{region}{county}")
    }
}

/// [`place`] by the raw 所属地区 alone.
fn place_by_region(
    a: &mut Account,
    profile: &Profile,
    cache: &mut RegionCache,
    town: Option<usize>,
) -> Result<(), RegionError> {
    match profile.scope.unit() {
        None => place_in_province(a, profile, cache),
        Some(unit) => place_in_unit(a, profile, unit, cache, town),
    }
}

/// A province-wide campaign: the prefecture and county the region names.
fn place_in_province(
    a: &mut Account,
    profile: &Profile,
    cache: &mut RegionCache,
) -> Result<(), RegionError> {
    if a.level == crate::domain::vocab::Level::Province {
        a.region = cache.name(PROVINCE_REGION);
        a.county = SharedText::default();
        return Ok(());
    }
    let r = cache.resolve(profile, &a.raw.region, &a.owner)?;
    // A name of an older edition keeps it beside the current one: 港闸区（今崇川区）.
    a.county = cache.name(&r.county_label().unwrap_or_default());
    a.region = cache.name(r.prefecture.as_deref().unwrap_or(PROVINCE_REGION));
    Ok(())
}

/// A city or county campaign: the account must lie in the scope; its group is a zone the
/// profile names, the scope's own departments (its own level, or for a county no 乡镇/街道
/// named), or the county-level unit / 乡镇/街道 its region or owner names.
fn place_in_unit(
    a: &mut Account,
    profile: &Profile,
    unit: &ScopeUnit,
    cache: &mut RegionCache,
    town: Option<usize>,
) -> Result<(), RegionError> {
    let scope = unit.division.name.clone();
    if a.level < unit.own_level {
        return Err(RegionError::OutsideScope {
            what: format!("{}账号", a.level.label()),
            scope,
            actual: format!("为{}部门单位", a.level.label()),
        });
    }
    let prefixes = unit.prefixes();
    let raw = a.raw.region.clone();
    let mut zone = profile
        .zones
        .iter()
        .find(|z| z.named_by_region(&raw, &prefixes));
    let region = match zone.is_some() || is_own_marker(&raw, unit) {
        true => None,
        false => Some(cache.resolve(profile, &raw, &a.owner)?),
    };
    if let Some(r) = &region {
        check_in_scope(profile, &raw, r, unit)?;
    }
    let names_child = region.as_ref().is_some_and(|r| r.county.is_some());
    if zone.is_none() && !(names_child && unit.children == Children::Counties) {
        zone = profile
            .zones
            .iter()
            .find(|z| z.named_by_owner(&a.owner, &prefixes));
    }
    a.region = cache.name(&unit.prefecture_division.short);
    let placed = Placed {
        region,
        zone: zone.map(|z| z.name.clone()),
        prefixes,
        town,
    };
    let (county, group) = match unit.children {
        Children::Towns => place_in_towns(a, profile, unit, placed)?,
        _ => place_in_counties(a, profile, unit, placed)?,
    };
    a.county = cache.name(&county);
    a.group = cache.name(&group);
    Ok(())
}

/// What [`place_in_unit`] found before choosing the group.
struct Placed {
    /// The region resolved (None for a zone or the scope's own-level marker).
    region: Option<Region>,
    /// The zone the region or owner names.
    zone: Option<String>,
    /// The scope's names, taken off before looking for a town.
    prefixes: Vec<String>,
    /// The extra column naming 乡镇/街道, if the profile has one.
    town: Option<usize>,
}

/// A city's groups: a zone, its own departments (its own level), or the county-level unit the
/// region or the owner names. The account's county and group, in that order.
fn place_in_counties(
    a: &Account,
    profile: &Profile,
    unit: &ScopeUnit,
    p: Placed,
) -> Result<(String, String), RegionError> {
    let mut county = p
        .region
        .as_ref()
        .and_then(|r| r.county_label())
        .unwrap_or_default();
    let group = if let Some(z) = p.zone {
        county = z.clone();
        z
    } else if a.level <= unit.own_level {
        county.clear();
        profile.top_label()
    } else {
        let named = match p.region.and_then(|r| r.county) {
            Some(c) => Some(c),
            None => county_of_owner(profile, unit, &a.owner),
        };
        let Some(named) = named else {
            return Err(unplaced(a, profile, unit));
        };
        if county.is_empty() {
            county = named.clone();
        }
        named
    };
    Ok((county, group))
}

/// A county's groups: a zone, the 乡镇/街道 the town column, the region or the owner names, else
/// its own departments (a row whose level says 乡镇/街道 must name its town).
fn place_in_towns(
    a: &Account,
    profile: &Profile,
    unit: &ScopeUnit,
    p: Placed,
) -> Result<(String, String), RegionError> {
    let county = match unit.county {
        Some(_) => unit.division.name.clone(),
        None => String::new(),
    };
    let column = p
        .town
        .and_then(|i| a.extra.get(i))
        .map(|t| t.trim().to_string());
    let named = p.zone.or_else(|| {
        column
            .filter(|t| !t.is_empty())
            .or_else(|| town_in(&a.raw.region, &p.prefixes))
            .or_else(|| town_in(&a.owner, &p.prefixes))
    });
    let group = match named {
        Some(t) => t,
        None if is_town_level(&a.raw.level) => return Err(unplaced(a, profile, unit)),
        None => profile.top_label(),
    };
    Ok((county, group))
}

/// Whether a 所属地区 means the scope's own level: empty, 本级, or 市本级/市级/市直/市 (县…, by the
/// unit's kind).
fn is_own_marker(raw: &str, unit: &ScopeUnit) -> bool {
    let k = crate::domain::text::clean(&crate::domain::text::fold_width(raw));
    let kind = unit.kind();
    k.is_empty()
        || k == "本级"
        || ["本级", "级", "直", "", "级部门"]
            .iter()
            .any(|s| k == format!("{kind}{s}"))
}

/// A resolved region must lie in the scope: its prefecture, and for a county scope that county
/// (a region naming only the prefecture is taken as the county's own registry writes it).
fn check_in_scope(
    profile: &Profile,
    raw: &str,
    r: &Region,
    unit: &ScopeUnit,
) -> Result<(), RegionError> {
    let outside = |actual: String| RegionError::OutsideScope {
        what: format!("所属地区“{}”", raw.trim()),
        scope: unit.division.name.clone(),
        actual,
    };
    let Some(prefecture) = &r.prefecture else {
        return Err(outside("为省本级".into()));
    };
    if *prefecture != unit.prefecture_division.short {
        let name = profile
            .province
            .prefecture(prefecture)
            .map(|d| d.name.as_str());
        return Err(outside(format!("在{}", name.unwrap_or(prefecture))));
    }
    match (&unit.county, &r.county) {
        (Some(_), Some(c)) if *c != unit.division.name => Err(outside(format!("在{c}"))),
        _ => Ok(()),
    }
}

/// The county-level unit of the scope an owner's name begins with ("江阴市教育局" → 江阴市).
fn county_of_owner(profile: &Profile, unit: &ScopeUnit, owner: &str) -> Option<String> {
    let r = profile.resolve(owner, "").ok()?;
    (r.prefecture.as_deref() == Some(unit.prefecture_division.short.as_str()))
        .then_some(r.county)
        .flatten()
}

/// Whether a level as written names a 乡镇/街道 (乡镇, 街道, 乡镇(街道), 镇级 …).
fn is_town_level(level_raw: &str) -> bool {
    ["乡", "镇", "街道"].iter().any(|k| level_raw.contains(k))
}

/// The refusal of an account whose group its region and owner leave open.
fn unplaced(a: &Account, profile: &Profile, unit: &ScopeUnit) -> RegionError {
    let divisions = match unit.children {
        Children::Towns => "乡镇(街道)".to_string(),
        _ => "县(市、区)".to_string(),
    };
    let example = match unit.children {
        Children::Towns => format!("{}某某镇", unit.division.name),
        _ => {
            let first = profile.province.counties(&unit.division.name).first();
            format!(
                "{}{}",
                unit.division.name,
                first.map(|d| d.name.as_str()).unwrap_or("某某区")
            )
        }
    };
    RegionError::Unplaced {
        level: a.raw.level.to_string(),
        name: a.raw.region.to_string(),
        owner: a.owner.to_string(),
        divisions,
        example,
    }
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
        RegionError::OutsideScope { .. } => RejectReason::OutsideScope,
        RegionError::Unplaced { .. } => RejectReason::UnplacedInScope,
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
        ty.to_string(),
        a.owner.to_string(),
        level.to_string(),
        region.to_string(),
        kind.to_string(),
        status.to_string(),
    ];
    cells.extend(a.extra.iter().cloned());
    Reject {
        row,
        reason,
        detail: e.to_string(),
        value: region.to_string(),
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
            place(&mut a, &p, &mut cache, None).unwrap();
            assert_eq!(
                (a.region.as_str(), a.county.as_str()),
                (city, county),
                "{region}"
            );
        }
        let mut a = account("县级", "鼓楼区", "某某局");
        let e = place(&mut a, &p, &mut cache, None).unwrap_err();
        assert_eq!(reject(9, &a, &e).reason, RejectReason::AmbiguousRegion);
        let mut a = account("市级", "上海市", "上海市某局");
        let e = place(&mut a, &p, &mut cache, None).unwrap_err();
        assert_eq!(reject(9, &a, &e).reason, RejectReason::ForeignRegion);
        assert!(e.to_string().contains("不属于江苏省"), "{e}");
        for two in ["南京;无锡", "南京市玄武区无锡市"] {
            let mut a = account("县级", two, "某局");
            let e = place(&mut a, &p, &mut cache, None).unwrap_err();
            assert!(matches!(e, RegionError::Ambiguous { .. }), "{two}: {e}");
        }
        let mut a = account("省级", "南京市", "江苏省公安厅");
        place(&mut a, &p, &mut cache, None).unwrap();
        assert_eq!(a.region, PROVINCE_REGION);
    }

    fn placed(p: &Profile, level: &str, region: &str, owner: &str) -> Result<Account, RegionError> {
        use crate::domain::vocab::Term;
        let canonical = crate::domain::vocab::Level::spelled(level).unwrap();
        let mut a = account(canonical.label(), region, owner);
        a.raw.level = level.into();
        place(&mut a, p, &mut RegionCache::default(), None).map(|()| a)
    }

    /// Issue #21: a city's registry: its departments, its districts in any form, a zone the
    /// division data lacks, a district name shared with another city, accounts elsewhere.
    #[test]
    fn a_city_places_its_accounts_by_district() {
        let p = Profile::parse(
            "province = \"江苏\"\nscope = \"无锡\"\n[zones]\n\"经开区\" = [\"无锡经济开发区\"]\n",
        )
        .unwrap();
        for (level, region, owner, county, group) in [
            ("市级", "无锡市", "无锡市公安局", "", "市级部门单位"),
            ("市级", "", "无锡市教育局", "", "市级部门单位"),
            ("市级", "市本级", "无锡市教育局", "", "市级部门单位"),
            ("县级", "江阴", "江阴市教育局", "江阴市", "江阴市"),
            ("县级", "无锡市梁溪区", "梁溪区人民政府", "梁溪区", "梁溪区"),
            ("县级", "无锡市", "宜兴市公安局", "宜兴市", "宜兴市"),
            ("县级", "经开区", "无锡经济开发区管委会", "经开区", "经开区"),
            (
                "市级",
                "无锡经济开发区",
                "无锡经济开发区管委会",
                "经开区",
                "经开区",
            ),
            (
                "县级",
                "无锡市",
                "无锡经济开发区社会事业局",
                "经开区",
                "经开区",
            ),
            (
                "乡镇(街道)",
                "江阴市",
                "江阴市澄江街道办事处",
                "江阴市",
                "江阴市",
            ),
        ] {
            let a = placed(&p, level, region, owner).unwrap();
            assert_eq!(
                (a.region.as_str(), a.county.as_str(), a.group.as_str()),
                ("无锡", county, group),
                "{level} {region} {owner}"
            );
        }
        let e = placed(&p, "县级", "苏州市吴中区", "吴中区人民政府").unwrap_err();
        assert_eq!(
            e.to_string(),
            "所属地区“苏州市吴中区”不属于无锡市(在苏州市)"
        );
        let e = placed(&p, "省级", "", "江苏省公安厅").unwrap_err();
        assert_eq!(e.to_string(), "省级账号不属于无锡市(为省级部门单位)");
        let e = placed(&p, "县级", "无锡市", "无锡市某协会").unwrap_err();
        assert!(matches!(e, RegionError::Unplaced { .. }), "{e}");
        assert!(e.to_string().contains("无锡市锡山区"), "{e}");
        // 鼓楼区 is both 南京's and 徐州's: in a 南京 campaign it is 南京's.
        let nj = Profile::parse("province = \"江苏\"\nscope = \"南京\"\n").unwrap();
        let a = placed(&nj, "县级", "鼓楼区", "某局").unwrap();
        assert_eq!(a.group, "鼓楼区");
        let e = placed(&nj, "县级", "鼓楼区", "徐州市鼓楼区人民政府").unwrap_err();
        assert!(matches!(e, RegionError::OutsideScope { .. }), "{e}");
    }

    /// A county scope groups by the 乡镇/街道 its regions or owners name.
    #[test]
    fn a_county_places_its_accounts_by_town() {
        let p = Profile::parse("province = \"江苏\"\nscope = \"宜兴\"\n").unwrap();
        for (level, region, owner, group) in [
            ("县级", "宜兴市", "宜兴市教育局", "市级部门单位"),
            ("县级", "", "宜兴市公安局", "市级部门单位"),
            ("乡镇", "宜兴市丁蜀镇", "丁蜀镇人民政府", "丁蜀镇"),
            ("乡镇", "宜兴市", "宜兴市宜城街道办事处", "宜城街道"),
            ("县级", "无锡市", "宜兴市张渚镇人民政府", "张渚镇"),
        ] {
            let a = placed(&p, level, region, owner).unwrap();
            assert_eq!(a.county, "宜兴市", "{owner}");
            assert_eq!(a.group, group, "{level} {region} {owner}");
        }
        let e = placed(&p, "县级", "江阴市", "江阴市教育局").unwrap_err();
        assert!(e.to_string().contains("不属于宜兴市(在江阴市)"), "{e}");
        let e = placed(&p, "市级", "无锡市", "无锡市公安局").unwrap_err();
        assert!(e.to_string().contains("市级账号不属于宜兴市"), "{e}");
        let e = placed(&p, "乡镇", "宜兴市", "宜兴市某某合作社").unwrap_err();
        assert!(matches!(e, RegionError::Unplaced { .. }), "{e}");
    }
}
