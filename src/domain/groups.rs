//! The groups a campaign reports by, following its scope: the scope's own departments (the top
//! group: 省级部门单位, 市级部门单位 …), then each unit below it in official code order
//! (prefectures for a province, county-level units for a city, 乡镇/街道 for a county), then the
//! profile's functional zones, then any other place the registry names. Every table, chart, the
//! annex order, the problem section, the rectification units, the inspectors' assignment and the
//! `group` stratum use this one definition.

use crate::domain::profile::{Children, Profile};
use crate::domain::registry::normalize::PROVINCE_REGION;
use crate::domain::registry::{Account, Level};
use std::collections::HashMap;

/// One group below the scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupName {
    /// The name a table prints: "南京" (a prefecture's short name), "江阴市", "经开区", "丁蜀镇".
    pub label: String,
    /// The name the annex and the rectification units use: "南京市", "江阴市", "经开区".
    pub name: String,
}

/// Which group an account is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupOf {
    /// The scope's own departments.
    Top,
    /// A group below the scope, by its index in [`ReportingGroups::below`].
    Below(usize),
    /// None of them (a province's account below the provincial level with no prefecture).
    Outside,
}

/// The groups of one campaign, in report order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportingGroups {
    children: Children,
    top: String,
    below: Vec<GroupName>,
    /// Each label's first position in `below`: [`ReportingGroups::of`] runs for every account of
    /// a 200,000-account registry, too often to compare its place with each group's label.
    index: HashMap<String, usize>,
}

impl ReportingGroups {
    /// The groups of a campaign under `profile` whose accounts are `accounts` (its registry,
    /// and its sample when that holds accounts the registry lacks): the units the division data
    /// lists and the profile's zones in order, then other places the accounts name (towns of a
    /// county in the order they first appear; a province's unresolved regions by name).
    pub fn new<'a>(profile: &Profile, accounts: impl Iterator<Item = &'a Account>) -> Self {
        let mut places = Places::new(profile);
        accounts.for_each(|a| places.add(a));
        Self::with_places(profile, places)
    }

    /// As [`ReportingGroups::new`], from the places gathered account by account (a command
    /// that reads the registry a part at a time and does not keep it).
    pub fn with_places(profile: &Profile, places: Places) -> Self {
        let Places {
            children,
            top,
            mut seen,
            ..
        } = places;
        let mut below = official(profile);
        let zones = zones(profile);
        if children == Children::Prefectures {
            seen.sort();
        }
        let seen = seen.into_iter().map(|s| GroupName {
            label: s.clone(),
            name: s,
        });
        match children {
            // A county's towns come from its registry, before the zones.
            Children::Towns => below.extend(seen.chain(zones)),
            _ => below.extend(zones.into_iter().chain(seen)),
        }
        let mut index = HashMap::with_capacity(below.len());
        for (i, g) in below.iter().enumerate() {
            index.entry(g.label.clone()).or_insert(i);
        }
        ReportingGroups {
            children,
            top,
            below,
            index,
        }
    }

    /// The top group's label: 省级部门单位, 市级部门单位, or the profile's.
    pub fn top(&self) -> &str {
        &self.top
    }

    /// The groups below the scope, in report order.
    pub fn below(&self) -> &[GroupName] {
        &self.below
    }

    /// The group an account is in. A province's account is in the top group by its level (省级)
    /// and below it by its 地区; a city's or county's by the group import gave it.
    pub fn of(&self, a: &Account) -> GroupOf {
        if self.children == Children::Prefectures && a.level == Level::Province {
            return GroupOf::Top;
        }
        if self.children != Children::Prefectures && a.group == self.top {
            return GroupOf::Top;
        }
        match place_of(self.children, &self.top, a).and_then(|p| self.index.get(p).copied()) {
            Some(i) => GroupOf::Below(i),
            None => GroupOf::Outside,
        }
    }

    /// Sort key of an account's place: the top group, then the groups below in order, then any
    /// other by name (a province's 省本级 rows first, as provincial ones).
    pub fn rank(&self, a: &Account) -> (usize, String) {
        match self.of(a) {
            GroupOf::Top => (0, String::new()),
            GroupOf::Below(i) => (1 + i, String::new()),
            GroupOf::Outside if a.region == PROVINCE_REGION => (0, String::new()),
            GroupOf::Outside => (usize::MAX, self.key(a).to_string()),
        }
    }

    /// An account's 地区/部门 in the annex and its responsible unit for rectification: the owner
    /// for the scope's own departments, else the group's full name (南京市, 江阴市, 经开区).
    pub fn unit_name(&self, a: &Account) -> String {
        match self.of(a) {
            GroupOf::Top => a.owner.to_string(),
            GroupOf::Below(i) => self.below[i].name.clone(),
            GroupOf::Outside => self.key(a).to_string(),
        }
    }

    /// The label of an account's group: the top label, a group below, or the place it names.
    pub fn label_of<'a>(&'a self, a: &'a Account) -> &'a str {
        match self.of(a) {
            GroupOf::Top => &self.top,
            GroupOf::Below(i) => &self.below[i].label,
            GroupOf::Outside => self.key(a),
        }
    }

    /// What keeps a group's accounts together when workbooks are assigned, and the `地区` an
    /// `--assign` file names: a province's 地区 (省本级 or a prefecture), a city's or county's
    /// group label.
    pub fn key<'a>(&self, a: &'a Account) -> &'a str {
        match self.children {
            Children::Prefectures => &a.region,
            _ => &a.group,
        }
    }

    /// The keys of [`ReportingGroups::key`] in report order (a province's prefectures; a city's
    /// top group, then the groups below).
    pub fn key_order(&self) -> Vec<String> {
        let below = self.below.iter().map(|g| g.label.clone());
        match self.children {
            Children::Prefectures => below.collect(),
            _ => std::iter::once(self.top.clone()).chain(below).collect(),
        }
    }
}

/// The places below the scope that accounts name beyond the division data's units and the
/// profile's zones, gathered one account at a time, in the order they first appear.
pub struct Places {
    children: Children,
    top: String,
    /// Every label known so far (the official units, the zones, the places seen): each
    /// account is looked up once, not compared with each label.
    known: std::collections::HashSet<String>,
    seen: Vec<String>,
}

impl Places {
    /// None gathered yet, under `profile`.
    pub fn new(profile: &Profile) -> Self {
        let known = official(profile)
            .into_iter()
            .chain(zones(profile))
            .map(|g| g.label)
            .collect();
        Places {
            children: profile.scope.children(),
            top: profile.top_label(),
            known,
            seen: Vec::new(),
        }
    }

    /// Note the place `a` names, if it is a new one.
    pub fn add(&mut self, a: &Account) {
        if let Some(place) = place_of(self.children, &self.top, a) {
            if !self.known.contains(place) {
                self.known.insert(place.to_string());
                self.seen.push(place.to_string());
            }
        }
    }
}

/// The profile's functional zones, as groups.
fn zones(profile: &Profile) -> Vec<GroupName> {
    profile
        .zones
        .iter()
        .map(|z| GroupName {
            label: z.name.clone(),
            name: z.name.clone(),
        })
        .collect()
}

/// The groups below the scope the division data lists: a province's prefectures, a city's
/// county-level units, in code order; none for a county (its towns come from its registry).
fn official(profile: &Profile) -> Vec<GroupName> {
    let named = |label: &str, name: &str| GroupName {
        label: label.to_string(),
        name: name.to_string(),
    };
    match profile.scope.unit() {
        None => profile
            .province
            .prefectures
            .iter()
            .map(|d| named(&d.short, &d.name))
            .collect(),
        Some(u) if u.children == Children::Counties => profile
            .province
            .counties(&u.division.name)
            .iter()
            .map(|d| named(&d.name, &d.name))
            .collect(),
        Some(_) => Vec::new(),
    }
}

/// The place below the scope an account names: a province's prefecture (its 地区, unless
/// provincial), a city's or county's group (unless the top one).
fn place_of<'a>(children: Children, top: &str, a: &'a Account) -> Option<&'a str> {
    match children {
        Children::Prefectures => {
            (a.level != Level::Province && !a.region.is_empty() && a.region != PROVINCE_REGION)
                .then_some(a.region.as_str())
        }
        _ => (!a.group.is_empty() && a.group != top).then_some(a.group.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(level: Level, region: &str, group: &str) -> Account {
        Account {
            level,
            region: region.into(),
            group: group.into(),
            owner: "某单位".into(),
            ..Account::default()
        }
    }

    #[test]
    fn a_province_by_its_prefectures() {
        let p = Profile::parse("province = \"江苏\"").unwrap();
        let accounts = [
            account(Level::Province, "省本级", ""),
            account(Level::County, "无锡", ""),
            account(Level::City, "火星", ""),
        ];
        let g = ReportingGroups::new(&p, accounts.iter());
        assert_eq!(g.top(), "省级部门单位");
        assert_eq!(g.below().len(), 14);
        assert_eq!(g.below()[1].label, "无锡");
        assert_eq!(g.below()[13].label, "火星");
        assert_eq!(g.of(&accounts[0]), GroupOf::Top);
        assert_eq!(g.of(&accounts[1]), GroupOf::Below(1));
        assert_eq!(g.unit_name(&accounts[1]), "无锡市");
        assert_eq!(g.unit_name(&accounts[0]), "某单位");
        assert_eq!(g.key(&accounts[1]), "无锡");
        assert_eq!(g.key_order()[0], "南京");
    }

    #[test]
    fn a_city_by_its_districts_then_its_zone() {
        let p = Profile::parse(
            "province = \"江苏\"\nscope = \"无锡\"\n[zones]\n\"经开区\" = [\"无锡经济开发区\"]\n",
        )
        .unwrap();
        let accounts = [
            account(Level::City, "无锡", "市级部门单位"),
            account(Level::County, "无锡", "经开区"),
            account(Level::County, "无锡", "江阴市"),
        ];
        let g = ReportingGroups::new(&p, accounts.iter());
        let labels: Vec<&str> = g.below().iter().map(|x| x.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "锡山区",
                "惠山区",
                "滨湖区",
                "梁溪区",
                "新吴区",
                "江阴市",
                "宜兴市",
                "经开区"
            ]
        );
        assert_eq!(g.of(&accounts[0]), GroupOf::Top);
        assert_eq!(g.of(&accounts[1]), GroupOf::Below(7));
        assert_eq!(g.rank(&accounts[2]), (6, String::new()));
        assert_eq!(g.key_order()[0], "市级部门单位");
        assert_eq!(g.key(&accounts[2]), "江阴市");
    }

    #[test]
    fn a_county_by_the_towns_its_registry_names() {
        let p = Profile::parse("province = \"江苏\"\nscope = \"宜兴\"\n").unwrap();
        let accounts = [
            account(Level::County, "无锡", "丁蜀镇"),
            account(Level::County, "无锡", "县级部门单位"),
            account(Level::County, "无锡", "市级部门单位"),
            account(Level::County, "无锡", "宜城街道"),
            account(Level::County, "无锡", "丁蜀镇"),
        ];
        let g = ReportingGroups::new(&p, accounts.iter());
        assert_eq!(g.top(), "市级部门单位");
        let labels: Vec<&str> = g.below().iter().map(|x| x.label.as_str()).collect();
        assert_eq!(labels, ["丁蜀镇", "县级部门单位", "宜城街道"]);
        assert_eq!(g.of(&accounts[2]), GroupOf::Top);
    }
}
