//! Resolving a registry row's 所属地区 to a prefecture (and county) of one province, and guessing
//! the province of a whole registry.

use std::collections::{BTreeMap, HashMap};

use thiserror::Error;

use super::divisions::{provinces, FormerName, Place, Province};
use super::names::{edit_distance, normalise, shared_chars, stem, usable_stem};

/// The resolved region of one registry row: which prefecture-level unit the account is counted
/// under (the notice's 设区市 group), and the county-level unit when the row names one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Region {
    /// Short name of the prefecture-level unit ("苏州"); None for the province's own level
    /// (省本级).
    pub prefecture: Option<String>,
    /// Official name of the county-level unit ("昆山市") when the row names one; for a name of
    /// an older edition, the current unit that took it over ("崇川区" for 港闸区), when one did.
    pub county: Option<String>,
    /// When the row names a division by a name of an older edition (2015–2022) that the current
    /// data lacks: that name and what it is now. None for a current name.
    pub former: Option<FormerName>,
}

impl Region {
    /// Whether the row belongs to the province's own level (省本级), not to a prefecture.
    pub fn is_provincial(&self) -> bool {
        self.prefecture.is_none()
    }

    /// The older name the row used with the current one beside it: "港闸区（今崇川区）",
    /// "山南地区（今山南市）", or "莱芜市（今属济南）" when no single current unit took it over.
    /// None for a current name.
    pub fn former_label(&self) -> Option<String> {
        let f = self.former.as_ref()?;
        Some(match (&f.now, &self.prefecture) {
            (Some(now), _) => format!("{}（今{now}）", f.name),
            (None, Some(prefecture)) => format!("{}（今属{prefecture}）", f.name),
            (None, None) => f.name.clone(),
        })
    }

    /// The county-level unit as a table shows it: its official name ("昆山市"), or for a
    /// county-level name of an older edition that name with the current one
    /// ("港闸区（今崇川区）", "邯郸县（今属邯郸）"). None when the row names no county-level unit.
    pub fn county_label(&self) -> Option<String> {
        match &self.former {
            Some(f) if f.county_level => self.former_label(),
            _ => self.county.clone(),
        }
    }
}

/// Why a 所属地区 could not be resolved; each message tells the filer what to fix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RegionError {
    /// The name belongs to another province (a row filed in the wrong registry, or a typo).
    #[error("所属地区“{name}”不属于{expected}(在{province})")]
    Foreign {
        /// The region as written, trimmed.
        name: String,
        /// The province (or provinces, joined by 、) the name belongs to, e.g. "上海市".
        province: String,
        /// The province being resolved against, e.g. "江苏省".
        expected: String,
    },
    /// The name is a county-level unit in more than one prefecture (鼓楼区 in 南京 and 徐州) and
    /// the owner name does not settle it.
    #[error("“{name}”在{}都有,请在开设主体或所属地区写明是{}", candidates.join("、"), either(candidates))]
    Ambiguous {
        /// The region as written, trimmed.
        name: String,
        /// Short names of the prefectures that have it, in code order.
        candidates: Vec<String>,
    },
    /// The name is not a division of this province nor of any other.
    #[error("未知的地区“{name}”,最接近的是:{}", closest.join("、"))]
    Unknown {
        /// The region as written, trimmed.
        name: String,
        /// Up to three official names of this province that look most alike.
        closest: Vec<String>,
    },
    /// The account lies in the province but outside the campaign's scope (another city, or a
    /// level above the scope's own).
    #[error("{what}不属于{scope}({actual})")]
    OutsideScope {
        /// What is outside, as the user wrote it: "所属地区“苏州市”", "省级账号".
        what: String,
        /// The scope's official name, "无锡市".
        scope: String,
        /// Where it is instead: "在苏州市", "为省级部门".
        actual: String,
    },
    /// An account below the scope's own level whose group (county-level unit, 乡镇/街道) neither
    /// its 所属地区 nor its owner names.
    #[error("{level}账号的所属地区“{name}”和开设主体“{owner}”都没有写明所属{divisions},请在所属地区写明{divisions}(如“{example}”)")]
    Unplaced {
        /// The level as written.
        level: String,
        /// The region as written.
        name: String,
        /// The owner as written.
        owner: String,
        /// The label of the groups below the scope: 县(市、区), 乡镇(街道).
        divisions: String,
        /// A region that would do, e.g. "无锡市江阴市".
        example: String,
    },
}

/// "南京还是徐州", "南京、徐州还是福州".
fn either(candidates: &[String]) -> String {
    match candidates.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{}还是{last}", rest.join("、")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// Why the province of a registry could not be guessed from its regions.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InferError {
    /// No region names a division of exactly one province.
    #[error("无法从所属地区判断省份(没有可识别的地区名),请用 --province 指定")]
    NothingResolvable,
    /// No province holds a strict majority of the resolvable names.
    #[error("无法从所属地区判断省份({}),请用 --province 指定", counts.iter().map(|(p, n)| format!("{p} {n} 条")).collect::<Vec<_>>().join("、"))]
    NoMajority {
        /// Province names with the number of rows each resolved in, most first.
        counts: Vec<(String, usize)>,
    },
}

/// Local names the division data lacks (经开区, 高新区, an old name) mapped to the short name of a
/// prefecture, from a profile's `[regions.aliases]`. Consulted before the division data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionAliases {
    map: BTreeMap<String, String>,
}

impl RegionAliases {
    /// No aliases.
    pub fn new() -> RegionAliases {
        RegionAliases::default()
    }

    /// Map `local` (matched blank- and width-insensitively) to the prefecture `prefecture`.
    /// [`Province::resolve`] ignores an alias whose target is not a prefecture of the province;
    /// `Profile::parse` refuses such a profile.
    pub fn insert(&mut self, local: &str, prefecture: &str) {
        self.map.insert(normalise(local), prefecture.to_string());
    }

    /// The prefecture `local` is an alias of.
    pub fn get(&self, local: &str) -> Option<&str> {
        self.map.get(&normalise(local)).map(String::as_str)
    }

    /// Number of aliases.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are no aliases.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The aliases as (normalised local name, prefecture), sorted by local name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// Region values meaning the province's own level, in any province.
const PROVINCIAL: [&str; 5] = ["", "省本级", "省级", "省直", "省"];
/// The same for a municipality (市本级) and an autonomous region (区直).
const MUNICIPAL: [&str; 4] = ["市本级", "市级", "市直", "市"];
const AUTONOMOUS: [&str; 5] = ["自治区本级", "自治区级", "区本级", "区级", "区直"];

impl Province {
    /// Resolve one registry row's 所属地区 `region` to a prefecture (and county) of this
    /// province. `owner` is the account's 开设主体: a name shared by two prefectures is settled
    /// by the one the owner names. `aliases` are consulted first.
    ///
    /// Accepted: a prefecture ("南京市", "南京"), a county-level unit with or without its suffix
    /// ("昆山市", "江阴"), a renamed unit by its stem ("铜山县" is 铜山区),
    /// "南京市玄武区", the province's name before any of these ("江苏省南京市"), a functional zone
    /// in the data ("苏州工业园区"), and empty/"省本级"/"省级"/"省直"/"省" for the province's
    /// own level.
    ///
    /// A name of an older edition (2015–2022) resolves to the current prefecture it belongs to
    /// ("港闸区" → 南通, "郫县" → 成都, "莱芜市莱城区" → 济南), with [`Region::former`] set.
    /// Current names always win: an older name is tried only where no current name matches,
    /// though an older full name comes before a guess from the stem of the input ("海门市" is
    /// 2020's 海门市, now 海门区; "莱芜市" the former prefecture, not 济南's 莱芜区).
    pub fn resolve(
        &self,
        region: &str,
        owner: &str,
        aliases: &RegionAliases,
    ) -> Result<Region, RegionError> {
        self.resolve_within(region, owner, aliases, None)
    }

    /// [`Province::resolve`] for a campaign scoped to the prefecture at index `within`: a name
    /// several prefectures share is that prefecture's when it is one of them and the owner names
    /// no other (鼓楼区 is 南京's in a 南京 campaign).
    pub fn resolve_within(
        &self,
        region: &str,
        owner: &str,
        aliases: &RegionAliases,
        within: Option<usize>,
    ) -> Result<Region, RegionError> {
        let input = normalise(region);
        if self.is_provincial(&input) {
            return Ok(Region::default());
        }
        if let Some(target) = self.alias(&input, aliases) {
            return Ok(Region {
                prefecture: Some(target),
                ..Region::default()
            });
        }
        let places = self.locate(&input);
        if !places.is_empty() {
            return self.choose(&input, &places, owner, within);
        }
        if input == self.short {
            return Ok(Region::default());
        }
        let places = self.locate_former(&input);
        if !places.is_empty() {
            return self.choose(&input, &places, owner, within);
        }
        if let Some(province) = foreign(self, &input) {
            return Err(RegionError::Foreign {
                name: input,
                province,
                expected: self.name.clone(),
            });
        }
        let closest = self.closest(&input, within);
        Err(RegionError::Unknown {
            name: input,
            closest,
        })
    }

    /// Whether `s` (normalised) marks the province's own level.
    fn is_provincial(&self, s: &str) -> bool {
        let marker = |m: &str| {
            PROVINCIAL.contains(&m)
                || (self.is_municipality() && MUNICIPAL.contains(&m))
                || (self.name.ends_with("自治区") && AUTONOMOUS.contains(&m))
        };
        if marker(s) {
            return true;
        }
        if let Some(rest) = s.strip_prefix(self.name.as_str()) {
            if matches!(rest, "" | "本级" | "级" | "直") || marker(rest) {
                return true;
            }
        }
        s.strip_prefix(self.short.as_str())
            .is_some_and(|rest| !rest.is_empty() && marker(rest))
    }

    /// The prefecture short name an alias maps `s` to, with or without the province's name
    /// before it.
    fn alias(&self, s: &str, aliases: &RegionAliases) -> Option<String> {
        if aliases.is_empty() {
            return None;
        }
        let target = aliases
            .get(s)
            .or_else(|| self.strip_own_name(s).and_then(|rest| aliases.get(rest)))?;
        self.prefecture(target).map(|d| d.short.clone())
    }

    /// `s` without the province's full or short name before it, when something is left.
    fn strip_own_name<'a>(&self, s: &'a str) -> Option<&'a str> {
        [self.name.as_str(), self.short.as_str()]
            .into_iter()
            .find_map(|p| s.strip_prefix(p).filter(|rest| !rest.is_empty()))
    }

    /// The places `s` (normalised) may name: as a whole, else with the province's name removed.
    pub(crate) fn locate(&self, s: &str) -> Vec<Place> {
        let found = self.locate_whole(s);
        if !found.is_empty() {
            return found;
        }
        match self.strip_own_name(s) {
            Some(rest) => self.locate_whole(rest),
            None => Vec::new(),
        }
    }

    /// Best matches for `s`: the full name, then a stem or short form, then the full name of an
    /// older edition (莱芜市), then the stem of `s` (铜山县 → 铜山 → 铜山区), then compound forms.
    fn locate_whole(&self, s: &str) -> Vec<Place> {
        let hits = self.lookup(s);
        let exact: Vec<Place> = hits.iter().copied().filter(|p| p.exact).collect();
        if !exact.is_empty() {
            return self.prefer_prefectures(exact);
        }
        if !hits.is_empty() {
            return self.prefer_prefectures(hits.to_vec());
        }
        let former: Vec<Place> = self
            .lookup_former(s)
            .iter()
            .copied()
            .filter(|p| p.exact)
            .collect();
        if !former.is_empty() {
            return self.prefer_prefectures(former);
        }
        let s_stem = stem(s);
        if s_stem != s && usable_stem(s_stem) {
            let hits = self.lookup(s_stem);
            if !hits.is_empty() {
                return self.prefer_prefectures(hits.to_vec());
            }
        }
        self.locate_compound(s)
    }

    /// The places `s` (normalised) may name among the names of older editions, for when no
    /// current name matched: as a whole, else with the province's name removed.
    pub(crate) fn locate_former(&self, s: &str) -> Vec<Place> {
        let found = self.locate_former_whole(s);
        if !found.is_empty() {
            return found;
        }
        match self.strip_own_name(s) {
            Some(rest) => self.locate_former_whole(rest),
            None => Vec::new(),
        }
    }

    /// An older name in full or short form ("港闸区", "港闸"), by the stem of `s`, or an older
    /// prefecture-level name followed by a county ("莱芜市莱城区", "莱芜市钢城区").
    fn locate_former_whole(&self, s: &str) -> Vec<Place> {
        let hits = self.lookup_former(s);
        if !hits.is_empty() {
            return self.prefer_prefectures(hits.to_vec());
        }
        let s_stem = stem(s);
        if s_stem != s && usable_stem(s_stem) {
            let hits = self.lookup_former(s_stem);
            if !hits.is_empty() {
                return self.prefer_prefectures(hits.to_vec());
            }
        }
        let mut found: Vec<Place> = Vec::new();
        for (f, place) in self.former().filter(|(f, _)| !f.county_level) {
            let forms = [f.name.as_str(), stem(&f.name)];
            for form in forms.into_iter().filter(|f| usable_stem(f)) {
                let Some(rest) = s.strip_prefix(form).filter(|r| !r.is_empty()) else {
                    continue;
                };
                let mut here = self.county_in(place.prefecture, rest);
                if here.is_empty() {
                    here = self.former_in(place.prefecture, rest);
                }
                if here.is_empty() {
                    here.push(*place);
                }
                for p in here {
                    push_unique(&mut found, p);
                }
            }
        }
        found
    }

    /// County-level names of older editions under prefecture `prefecture` that `rest` names: by
    /// full name, short form or stem, or as the start of `rest`.
    fn former_in(&self, prefecture: usize, rest: &str) -> Vec<Place> {
        let in_prefecture = |places: &[Place]| -> Vec<Place> {
            places
                .iter()
                .copied()
                .filter(|p| p.prefecture == prefecture && !self.is_prefecture_place(*p))
                .collect()
        };
        let mut found = in_prefecture(self.lookup_former(rest));
        if found.is_empty() && usable_stem(stem(rest)) {
            found = in_prefecture(self.lookup_former(stem(rest)));
        }
        if found.is_empty() {
            let starts = self.former().filter(|(f, p)| {
                p.prefecture == prefecture && f.county_level && rest.starts_with(f.name.as_str())
            });
            found = starts.map(|(_, p)| *p).collect();
        }
        found
    }

    /// "南京市玄武区" (a prefecture, then a county of it), "昆山市花桥镇" (a county's full name
    /// first), or "苏州高新区" (a prefecture first, the rest unknown): in that order of
    /// preference.
    fn locate_compound(&self, s: &str) -> Vec<Place> {
        let prefixed = self.prefecture_prefixes(s);
        let mut found: Vec<Place> = Vec::new();
        for &(prefecture, rest) in &prefixed {
            for place in self.county_in(prefecture, rest) {
                push_unique(&mut found, place);
            }
        }
        if found.is_empty() {
            for (place, county) in self.places().filter(|(p, _)| p.county.is_some()) {
                if s.len() > county.name.len() && s.starts_with(county.name.as_str()) {
                    push_unique(&mut found, place);
                }
            }
        }
        if found.is_empty() {
            for &(prefecture, rest) in &prefixed {
                for place in self.former_in(prefecture, rest) {
                    push_unique(&mut found, place);
                }
            }
        }
        if found.is_empty() {
            for &(prefecture, _) in &prefixed {
                let place = Place {
                    prefecture,
                    county: None,
                    exact: false,
                    former: None,
                };
                push_unique(&mut found, place);
            }
        }
        found
    }

    /// (prefecture index, rest of `s`) for every prefecture whose full name or short form
    /// starts `s` with something left after it.
    fn prefecture_prefixes<'a>(&self, s: &'a str) -> Vec<(usize, &'a str)> {
        let mut out = Vec::new();
        for (i, d) in self.prefectures.iter().enumerate() {
            let forms = [d.name.as_str(), d.short.as_str(), stem(&d.name)];
            for form in forms.into_iter().filter(|f| usable_stem(f)) {
                if let Some(rest) = s.strip_prefix(form).filter(|r| !r.is_empty()) {
                    out.push((i, rest));
                }
            }
        }
        out
    }

    /// County places of prefecture `prefecture` that `rest` names: by full name, short form or
    /// stem, or as the start of `rest` ("玄武区梅园新村街道").
    fn county_in(&self, prefecture: usize, rest: &str) -> Vec<Place> {
        let in_prefecture = |places: &[Place]| -> Vec<Place> {
            places
                .iter()
                .copied()
                .filter(|p| p.prefecture == prefecture && p.county.is_some())
                .collect()
        };
        let mut found = in_prefecture(self.lookup(rest));
        if found.is_empty() && usable_stem(stem(rest)) {
            found = in_prefecture(self.lookup(stem(rest)));
        }
        if found.is_empty() {
            let starts = self.places().filter(|(p, d)| {
                p.prefecture == prefecture
                    && p.county.is_some()
                    && rest.starts_with(d.name.as_str())
            });
            found = starts.map(|(p, _)| p).collect();
        }
        found
    }

    /// One region from the places found: a single prefecture, the one the owner names, else the
    /// campaign's own (`within`) when it is among them.
    fn choose(
        &self,
        input: &str,
        places: &[Place],
        owner: &str,
        within: Option<usize>,
    ) -> Result<Region, RegionError> {
        let mut prefectures: Vec<usize> = places.iter().map(|p| p.prefecture).collect();
        prefectures.sort_unstable();
        prefectures.dedup();
        let chosen = if prefectures.len() == 1 {
            prefectures[0]
        } else {
            let owner = normalise(owner);
            let named: Vec<usize> = prefectures
                .iter()
                .copied()
                .filter(|&i| self.names_prefecture(&owner, i))
                .collect();
            match named[..] {
                [one] => one,
                [] if within.is_some_and(|w| prefectures.contains(&w)) => {
                    within.unwrap_or_default()
                }
                _ => {
                    return Err(RegionError::Ambiguous {
                        name: input.to_string(),
                        candidates: prefectures
                            .iter()
                            .map(|&i| self.prefectures[i].short.clone())
                            .collect(),
                    })
                }
            }
        };
        let mut here = places.iter().copied().filter(|p| p.prefecture == chosen);
        let place = here
            .clone()
            .find(|p| p.county.is_some())
            .or_else(|| here.next());
        let county = place.and_then(|p| p.county.map(|_| self.division(p).name.clone()));
        Ok(Region {
            prefecture: Some(self.prefectures[chosen].short.clone()),
            county,
            former: place.and_then(|p| self.former_name(p)).cloned(),
        })
    }

    /// Whether the owner name mentions prefecture `i` (its full name, short form or stem, or an
    /// older prefecture-level name now part of it: 莱芜市 for 济南).
    fn names_prefecture(&self, owner: &str, i: usize) -> bool {
        let named = |forms: &[&str]| {
            forms
                .iter()
                .any(|form| usable_stem(form) && owner.contains(form))
        };
        let d = &self.prefectures[i];
        named(&[d.name.as_str(), d.short.as_str(), stem(&d.name)])
            || self.former().any(|(f, p)| {
                p.prefecture == i && !f.county_level && named(&[f.name.as_str(), stem(&f.name)])
            })
    }

    /// Up to three official names of this province closest to `s`: fewest edits (to the name or
    /// its stem), then most shared characters, then prefectures before counties, then code order.
    fn closest(&self, s: &str, within: Option<usize>) -> Vec<String> {
        let mut scored: Vec<(usize, usize, bool, usize, &str)> = self
            .places()
            // A city's campaign suggests its own places, never another city's.
            .filter(|(place, _)| within.is_none_or(|i| place.prefecture == i))
            .enumerate()
            .map(|(order, (place, d))| {
                let edits = edit_distance(s, &d.name).min(edit_distance(s, stem(&d.name)));
                let shared = usize::MAX - shared_chars(s, &d.name);
                (
                    edits,
                    shared,
                    place.county.is_some(),
                    order,
                    d.name.as_str(),
                )
            })
            .collect();
        scored.sort_unstable();
        let mut out: Vec<String> = Vec::new();
        for (_, _, _, _, name) in scored {
            if !out.iter().any(|n| n == name) {
                out.push(name.to_string());
            }
            if out.len() == 3 {
                break;
            }
        }
        out
    }

    /// Whether `s` (normalised) names this province or one of its current divisions.
    fn claims(&self, s: &str) -> bool {
        s == self.name
            || s == self.short
            || s.starts_with(self.name.as_str())
            || self.locate(s).iter().any(|p| p.former.is_none())
    }

    /// Whether `s` (normalised) names a division of this province by a name of an older edition.
    fn claims_former(&self, s: &str) -> bool {
        self.locate(s).iter().any(|p| p.former.is_some()) || !self.locate_former(s).is_empty()
    }

    /// When only prefectures (not counties) are among the places, or both, keep the prefectures:
    /// "恩施" is the 自治州 before the county-level 恩施市, "东莞市" the prefecture.
    fn prefer_prefectures(&self, places: Vec<Place>) -> Vec<Place> {
        let mut out: Vec<Place> = Vec::new();
        let any_prefecture = places.iter().any(|p| self.is_prefecture_place(*p));
        for place in places {
            if !any_prefecture || self.is_prefecture_place(place) {
                push_unique(&mut out, place);
            }
        }
        out
    }
}

fn push_unique(places: &mut Vec<Place>, place: Place) {
    let same = |p: &Place| p.prefecture == place.prefecture && p.county == place.county;
    if !places.iter().any(same) {
        places.push(place);
    }
}

/// The other provinces that claim `s` by a current name, else by a name of an older edition,
/// joined by 、; None when none does.
fn foreign(own: &Province, s: &str) -> Option<String> {
    let others = || provinces().iter().filter(|p| p.code != own.code);
    let mut names: Vec<&str> = others()
        .filter(|p| p.claims(s))
        .map(|p| p.name.as_str())
        .collect();
    if names.is_empty() {
        names = others()
            .filter(|p| p.claims_former(s))
            .map(|p| p.name.as_str())
            .collect();
    }
    (!names.is_empty()).then(|| names.join("、"))
}

/// Guess the province of a registry from its 所属地区 values: each value that names a division of
/// exactly one province votes for it (empty and 省本级-like values are skipped; a name no
/// province has now counts by the older editions); the province with a strict majority of the
/// votes wins. Otherwise the caller asks for --province.
pub fn infer_province(regions: &[&str]) -> Result<&'static Province, InferError> {
    let all = provinces();
    let mut memo: HashMap<String, Option<usize>> = HashMap::new();
    let mut votes = vec![0usize; all.len()];
    for region in regions {
        let key = normalise(region);
        if PROVINCIAL.contains(&key.as_str()) {
            continue;
        }
        let vote = *memo.entry(key).or_insert_with_key(|key| {
            let mut claimed: Vec<usize> = (0..all.len()).filter(|&i| all[i].claims(key)).collect();
            if claimed.is_empty() {
                claimed = (0..all.len())
                    .filter(|&i| all[i].claims_former(key))
                    .collect();
            }
            match claimed[..] {
                [one] => Some(one),
                _ => None,
            }
        });
        if let Some(i) = vote {
            votes[i] += 1;
        }
    }
    let total: usize = votes.iter().sum();
    if total == 0 {
        return Err(InferError::NothingResolvable);
    }
    let mut counts: Vec<(usize, usize)> =
        votes.into_iter().enumerate().filter(|c| c.1 > 0).collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if counts[0].1 * 2 > total {
        return Ok(&all[counts[0].0]);
    }
    Err(InferError::NoMajority {
        counts: counts
            .into_iter()
            .map(|(i, n)| (all[i].name.clone(), n))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::divisions::province;
    use super::*;

    fn jiangsu() -> &'static Province {
        province("江苏").unwrap()
    }

    fn resolve(region: &str, owner: &str) -> Result<Region, RegionError> {
        jiangsu().resolve(region, owner, &RegionAliases::new())
    }

    fn at(prefecture: &str, county: Option<&str>) -> Result<Region, RegionError> {
        Ok(Region {
            prefecture: Some(prefecture.to_string()),
            county: county.map(String::from),
            former: None,
        })
    }

    #[test]
    fn prefectures_and_counties() {
        assert_eq!(resolve("南京市", ""), at("南京", None));
        assert_eq!(resolve("南京", ""), at("南京", None));
        assert_eq!(resolve(" 连云港 ", ""), at("连云港", None));
        assert_eq!(resolve("昆山市", ""), at("苏州", Some("昆山市")));
        assert_eq!(resolve("江阴", ""), at("无锡", Some("江阴市")));
        assert_eq!(resolve("玄武区", ""), at("南京", Some("玄武区")));
        assert_eq!(
            resolve("苏州工业园区", ""),
            at("苏州", Some("苏州工业园区"))
        );
        assert_eq!(resolve("沛县", ""), at("徐州", Some("沛县")));
    }

    #[test]
    fn compound_and_prefixed_names() {
        assert_eq!(resolve("南京市玄武区", ""), at("南京", Some("玄武区")));
        assert_eq!(resolve("南京玄武", ""), at("南京", Some("玄武区")));
        assert_eq!(resolve("徐州市鼓楼区", ""), at("徐州", Some("鼓楼区")));
        assert_eq!(resolve("江苏省南京市", ""), at("南京", None));
        assert_eq!(resolve("江苏南京", ""), at("南京", None));
        assert_eq!(
            resolve("江苏省苏州市昆山市", ""),
            at("苏州", Some("昆山市"))
        );
        assert_eq!(resolve("昆山市花桥镇", ""), at("苏州", Some("昆山市")));
        assert_eq!(
            resolve("南京市玄武区梅园新村街道", ""),
            at("南京", Some("玄武区"))
        );
        assert_eq!(resolve("苏州高新区", ""), at("苏州", None));
    }

    #[test]
    fn renamed_units_match_on_the_stem() {
        assert_eq!(resolve("海门", ""), at("南通", Some("海门区")));
        assert_eq!(resolve("铜山县", ""), at("徐州", Some("铜山区")));
        // A one-character stem never matches loosely: 沛 is 沛县 only when written in full.
        assert!(resolve("沛", "").is_err());
        assert!(resolve("沛市", "").is_err());
    }

    /// Resolve in `province`, returning (prefecture, county, former label).
    fn old(province: &str, region: &str) -> (String, Option<String>, Option<String>) {
        let p = super::super::divisions::province(province).unwrap();
        let r = p.resolve(region, "", &RegionAliases::new()).unwrap();
        let label = r.former_label();
        (r.prefecture.unwrap(), r.county, label)
    }

    fn was(
        prefecture: &str,
        county: Option<&str>,
        label: &str,
    ) -> (String, Option<String>, Option<String>) {
        (
            prefecture.to_string(),
            county.map(String::from),
            Some(label.to_string()),
        )
    }

    #[test]
    fn names_of_older_editions_resolve_to_the_current_prefecture() {
        let gangzha = was("南通", Some("崇川区"), "港闸区（今崇川区）");
        for region in [
            "港闸区",
            "港闸",
            "南通市港闸区",
            "江苏省南通市港闸区",
            "南通港闸区幸福街道",
        ] {
            assert_eq!(old("江苏", region), gangzha, "{region}");
        }
        assert_eq!(
            old("江苏", "海门市"),
            was("南通", Some("海门区"), "海门市（今海门区）")
        );
        assert_eq!(
            old("四川", "郫县"),
            was("成都", Some("郫都区"), "郫县（今郫都区）")
        );
        assert_eq!(old("四川", "成都市郫县"), old("四川", "郫县"));
        assert_eq!(
            old("四川", "会理县"),
            was("凉山州", Some("会理市"), "会理县（今会理市）")
        );
        assert_eq!(
            old("山东", "莱芜市"),
            was("济南", None, "莱芜市（今属济南）")
        );
        let laicheng = was("济南", Some("莱芜区"), "莱城区（今莱芜区）");
        assert_eq!(old("山东", "莱城区"), laicheng);
        assert_eq!(old("山东", "莱芜市莱城区"), laicheng);
        // An older prefecture, then a current county of the prefecture it went to.
        let r = province("山东").unwrap();
        let r = r
            .resolve("莱芜市钢城区", "", &RegionAliases::new())
            .unwrap();
        assert_eq!(r, at("济南", Some("钢城区")).unwrap());
        assert_eq!(
            old("上海", "闸北区"),
            was("静安", None, "闸北区（今静安区）")
        );
        assert_eq!(
            old("西藏", "山南地区"),
            was("山南", None, "山南地区（今山南市）")
        );
        // Split between several current units: only the prefecture is known.
        let r = province("河北").unwrap();
        let r = r.resolve("邯郸县", "", &RegionAliases::new()).unwrap();
        assert_eq!(
            (r.prefecture.as_deref(), r.county.as_deref()),
            (Some("邯郸"), None)
        );
        assert_eq!(r.county_label().as_deref(), Some("邯郸县（今属邯郸）"));
    }

    #[test]
    fn current_names_win_over_older_ones() {
        // Current names resolve as before, with no older name attached.
        for (region, prefecture, county) in [
            ("崇川区", "南通", Some("崇川区")),
            ("海门区", "南通", Some("海门区")),
            ("南通市", "南通", None),
            ("昆山市", "苏州", Some("昆山市")),
        ] {
            let r = resolve(region, "").unwrap();
            assert_eq!(r, at(prefecture, county).unwrap(), "{region}");
            assert_eq!(r.former_label(), None);
            assert_eq!(r.county_label().as_deref(), county);
        }
        let sc = province("四川").unwrap();
        let none = RegionAliases::new();
        assert_eq!(
            sc.resolve("郫都区", "", &none),
            Ok(Region {
                prefecture: Some("成都".into()),
                county: Some("郫都区".into()),
                former: None,
            })
        );
        // 莱芜 is 济南's current 莱芜区 by its stem, not the older 莱芜市.
        let sd = province("山东").unwrap();
        let r = sd.resolve("莱芜", "", &none).unwrap();
        assert_eq!((r.county.as_deref(), r.former), (Some("莱芜区"), None));
    }

    #[test]
    fn older_names_of_other_provinces_are_foreign() {
        match resolve("郫县", "") {
            Err(RegionError::Foreign { province, .. }) => assert_eq!(province, "四川省"),
            other => panic!("{other:?}"),
        }
        let regions = ["港闸区", "海门市", "南通市", "郫县", "崇川区"];
        assert_eq!(infer_province(&regions).unwrap().short, "江苏");
        assert_eq!(infer_province(&["莱芜市", "莱城区"]).unwrap().short, "山东");
    }

    /// Two older county names alike in two prefectures: refused as ambiguous unless the owner
    /// names one, as for current names; an owner naming an older prefecture names its successor.
    #[test]
    fn ambiguous_older_names_behave_like_current_ones() {
        let divisions = "code,name,parent_code,level\n\
            99,测试省,,province\n\
            9901,甲城市,99,prefecture\n\
            990101,甲一区,9901,county\n\
            9902,乙城市,99,prefecture\n\
            990201,乙一区,9902,county\n";
        let history = "code,name,years,level,prefecture,now\n\
            990102,旧城县,2015-2018,county,9901,990101\n\
            9903,丙山市,2015-2016,prefecture,9902,\n\
            990202,旧城县,2015,county,9902,990201\n";
        let all = super::super::divisions::parse(divisions, history);
        let p = &all[0];
        let none = RegionAliases::new();
        let err = p.resolve("旧城县", "某局", &none).unwrap_err();
        assert_eq!(
            err,
            RegionError::Ambiguous {
                name: "旧城县".into(),
                candidates: vec!["甲城".into(), "乙城".into()],
            }
        );
        assert!(matches!(
            p.resolve("旧城", "", &none),
            Err(RegionError::Ambiguous { .. })
        ));
        let r = p.resolve("旧城县", "乙城市教育局", &none).unwrap();
        assert_eq!(r.county_label().as_deref(), Some("旧城县（今乙一区）"));
        let r = p.resolve("旧城县", "丙山市教育局", &none).unwrap();
        assert_eq!(r.prefecture.as_deref(), Some("乙城"));
        assert_eq!(r.county.as_deref(), Some("乙一区"));
        let r = p.resolve("丙山", "", &none).unwrap();
        assert_eq!(r.former_label().as_deref(), Some("丙山市（今属乙城）"));
    }

    #[test]
    fn provincial_level() {
        for region in [
            "",
            "  ",
            "省本级",
            "省级",
            "省直",
            "省",
            "江苏省",
            "江苏",
            "江苏省本级",
        ] {
            assert_eq!(resolve(region, ""), Ok(Region::default()), "{region:?}");
        }
        assert!(Region::default().is_provincial());
        let sh = province("上海").unwrap();
        let none = RegionAliases::new();
        assert_eq!(sh.resolve("市本级", "", &none), Ok(Region::default()));
        assert_eq!(
            sh.resolve("浦东新区", "", &none)
                .unwrap()
                .prefecture
                .as_deref(),
            Some("浦东")
        );
        let gx = province("广西").unwrap();
        assert_eq!(gx.resolve("区直", "", &none), Ok(Region::default()));
        // In 吉林省 the bare short name is the city 吉林市, not the province.
        let jl = province("吉林").unwrap();
        assert_eq!(
            jl.resolve("吉林", "", &none).unwrap().prefecture.as_deref(),
            Some("吉林")
        );
        assert_eq!(jl.resolve("吉林省", "", &none), Ok(Region::default()));
    }

    #[test]
    fn shared_names_are_settled_by_the_owner() {
        assert_eq!(
            resolve("鼓楼区", "徐州市鼓楼区人民政府"),
            at("徐州", Some("鼓楼区"))
        );
        assert_eq!(
            resolve("鼓楼区", "南京市鼓楼区教育局"),
            at("南京", Some("鼓楼区"))
        );
        let err = resolve("鼓楼区", "某某局").unwrap_err();
        assert_eq!(
            err,
            RegionError::Ambiguous {
                name: "鼓楼区".into(),
                candidates: vec!["南京".into(), "徐州".into()],
            }
        );
        assert_eq!(
            err.to_string(),
            "“鼓楼区”在南京、徐州都有,请在开设主体或所属地区写明是南京还是徐州"
        );
    }

    #[test]
    fn other_provinces_are_foreign() {
        let err = resolve("上海市", "").unwrap_err();
        assert_eq!(
            err,
            RegionError::Foreign {
                name: "上海市".into(),
                province: "上海市".into(),
                expected: "江苏省".into(),
            }
        );
        assert!(err.to_string().starts_with("所属地区“上海市”不属于江苏省"));
        for (region, other) in [
            ("杭州市", "浙江省"),
            ("浙江省杭州市", "浙江省"),
            ("义乌", "浙江省"),
            ("浦东新区", "上海市"),
        ] {
            match resolve(region, "") {
                Err(RegionError::Foreign { province, .. }) => assert_eq!(province, other),
                other => panic!("{region}: {other:?}"),
            }
        }
    }

    #[test]
    fn unknown_names_list_the_closest() {
        let err = resolve("火星市", "").unwrap_err();
        let RegionError::Unknown { name, closest } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(name, "火星市");
        assert_eq!(closest.len(), 3);
        assert!(err
            .to_string()
            .starts_with("未知的地区“火星市”,最接近的是:"));
        match resolve("昆三市", "") {
            Err(RegionError::Unknown { closest, .. }) => assert_eq!(closest[0], "昆山市"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn aliases_come_first() {
        let mut aliases = RegionAliases::new();
        aliases.insert("经开区", "南京");
        aliases.insert("新城", "不存在");
        let js = jiangsu();
        assert_eq!(js.resolve("经开区", "", &aliases), at("南京", None));
        assert_eq!(js.resolve("江苏省 经开区", "", &aliases), at("南京", None));
        // An alias whose target is no prefecture is ignored.
        assert!(js.resolve("新城", "", &aliases).is_err());
        assert_eq!(aliases.len(), 2);
    }

    #[test]
    fn autonomous_prefectures() {
        let gz = province("贵州").unwrap();
        let none = RegionAliases::new();
        for region in ["黔东南州", "黔东南", "黔东南苗族侗族自治州", "凯里市"] {
            let got = gz.resolve(region, "", &none).unwrap();
            assert_eq!(got.prefecture.as_deref(), Some("黔东南州"), "{region}");
        }
        let hb = province("湖北").unwrap();
        assert_eq!(hb.resolve("恩施", "", &none).unwrap().county, None);
        let got = hb.resolve("恩施市", "", &none).unwrap();
        assert_eq!(got.prefecture.as_deref(), Some("恩施州"));
        assert_eq!(got.county.as_deref(), Some("恩施市"));
    }

    #[test]
    fn infer_from_a_registry() {
        let js = [
            "南京市",
            "昆山市",
            "省本级",
            "江阴",
            "鼓楼区",
            "苏州工业园区",
            "杭州市",
        ];
        assert_eq!(infer_province(&js).unwrap().short, "江苏");
        let zj = ["杭州市", "义乌市", "宁波", "西湖区", "省直", "温州市鹿城区"];
        assert_eq!(infer_province(&zj).unwrap().short, "浙江");
        assert_eq!(
            infer_province(&["", "省本级", "火星市", "鼓楼区"]),
            Err(InferError::NothingResolvable)
        );
        let err = infer_province(&["南京", "杭州"]).unwrap_err();
        assert!(matches!(err, InferError::NoMajority { .. }));
        assert!(err.to_string().contains("--province"));
    }

    #[test]
    fn either_reads_naturally() {
        let c = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(either(&c(&["南京", "徐州", "福州"])), "南京、徐州还是福州");
        assert_eq!(either(&c(&["南京"])), "南京");
    }
}
