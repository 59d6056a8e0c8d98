//! The vendored administrative divisions (统计用区划代码 2023, see data/divisions/README.md),
//! parsed once at first use, with the names of the 2015–2022 editions that 2023 no longer has
//! (data/divisions/history.csv), each tied to the current unit it belongs to.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use super::names::{autonomous_kind, normalise, stem, usable_stem};

/// code,name,parent_code,level rows, sorted by code; derived by scripts/derive_divisions.
const DIVISIONS_CSV: &str = include_str!("../../../data/divisions/divisions.csv");

/// code,name,years,level,prefecture,now rows: names of older editions that 2023 lacks; derived
/// by scripts/derive_division_history. Found from the crate root, wherever this file sits.
const HISTORY_CSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/divisions/history.csv"
));

/// Codes of the four municipalities (直辖市), whose prefecture-level units are their districts.
const MUNICIPALITIES: [&str; 4] = ["11", "12", "31", "50"];

/// One administrative division: a prefecture-level or county-level unit. Tables and messages need
/// both the official name and the short name a notice prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Division {
    /// Statistical division code (统计用区划代码): 4 digits for a prefecture, 6 for a county-level
    /// unit (and for a municipality's district, which stands at prefecture level here).
    pub code: String,
    /// Official full name, e.g. "南京市", "黔东南苗族侗族自治州".
    pub name: String,
    /// Short name as a notice writes it: the name without its generic suffix ("南京"); for an
    /// autonomous unit the ethnic names are dropped and the kind kept ("黔东南州"); a name whose
    /// stem would be one character stays whole ("沛县").
    pub short: String,
}

impl Division {
    fn new(code: &str, name: &str) -> Division {
        let stem = stem(name);
        let short = match autonomous_kind(name) {
            Some(kind) if usable_stem(stem) => format!("{stem}{kind}"),
            _ if usable_stem(stem) => stem.to_string(),
            _ => name.to_string(),
        };
        Division {
            code: code.to_string(),
            name: name.to_string(),
            short,
        }
    }
}

/// A division name of an older edition (2015–2022) that the current data no longer has, e.g.
/// 港闸区 (merged into 崇川区 in 2020), 郫县 (郫都区 since 2016), 莱芜市 (part of 济南 since 2019).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormerName {
    /// The official name in the older edition ("港闸区").
    pub name: String,
    /// The editions (统计用区划代码 years) it appears in, e.g. "2015-2020".
    pub years: String,
    /// Whether it was a county-level unit; else prefecture-level (a prefecture, a municipality's
    /// district, a unit the province administered directly).
    pub county_level: bool,
    /// Official name of the current unit that took it over ("崇川区", "山南市"); None when it was
    /// split or merged into a larger unit (邯郸县, 莱芜市).
    pub now: Option<String>,
}

/// Where a lookup key points inside one province: a prefecture, or a county under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    /// Index into [`Province::prefectures`].
    pub prefecture: usize,
    /// Index into that prefecture's counties, None for the prefecture itself.
    pub county: Option<usize>,
    /// Whether the key is the official full name (not a stem or short form).
    pub exact: bool,
    /// For a name of an older edition, the index of its [`FormerName`] in the province; the
    /// place is then the current unit that took it over (county None when none did).
    pub former: Option<usize>,
}

/// One province-level unit with its prefecture-level units in official code order: the order a
/// notice lists its cities in, and the groups registry rows are counted under.
#[derive(Clone)]
pub struct Province {
    /// Two-digit code, e.g. "32".
    pub code: String,
    /// Official full name, e.g. "江苏省", "广西壮族自治区".
    pub name: String,
    /// Short name, e.g. "江苏", "广西", "内蒙古".
    pub short: String,
    /// Prefecture-level units in code order. For a municipality these are its districts (and
    /// Chongqing's counties); units a province administers directly (济源, 仙桃, 海南's 市县)
    /// are prefecture-level here too.
    pub prefectures: Vec<Division>,
    /// County-level units of each prefecture, parallel to `prefectures`, in code order.
    counties: Vec<Vec<Division>>,
    /// Lookup keys (full names, stems, short forms) to places.
    index: HashMap<String, Vec<Place>>,
    /// Names of older editions, with the current place each belongs to (`former` set).
    former: Vec<(FormerName, Place)>,
    /// Lookup keys of the older names, as `index`.
    former_index: HashMap<String, Vec<Place>>,
}

impl fmt::Debug for Province {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Province")
            .field("code", &self.code)
            .field("name", &self.name)
            .field("prefectures", &self.prefectures.len())
            .finish()
    }
}

impl PartialEq for Province {
    fn eq(&self, other: &Province) -> bool {
        self.code == other.code
    }
}

impl Eq for Province {}

impl Province {
    fn new(code: &str, name: &str) -> Province {
        Province {
            code: code.to_string(),
            name: name.to_string(),
            short: province_short(name).to_string(),
            prefectures: Vec::new(),
            counties: Vec::new(),
            index: HashMap::new(),
            former: Vec::new(),
            former_index: HashMap::new(),
        }
    }

    /// Whether this is one of the four municipalities (直辖市), whose prefecture-level units are
    /// districts: labels and the provincial markers differ there.
    pub fn is_municipality(&self) -> bool {
        MUNICIPALITIES.contains(&self.code.as_str())
    }

    /// The prefecture-level unit named `name` (full name, short name or stem, e.g. "南京市",
    /// "南京", "黔东南州"), so callers can check a profile's alias targets.
    pub fn prefecture(&self, name: &str) -> Option<&Division> {
        let key = normalise(name);
        self.lookup(&key)
            .iter()
            .find(|p| p.county.is_none())
            .map(|p| &self.prefectures[p.prefecture])
    }

    /// The county-level units under the prefecture named `prefecture` (any form
    /// [`Province::prefecture`] accepts), in code order; empty when there is no such prefecture
    /// or it has none (东莞, or a municipality's district).
    pub fn counties(&self, prefecture: &str) -> &[Division] {
        let Some(found) = self.prefecture(prefecture) else {
            return &[];
        };
        let index = self.prefectures.iter().position(|d| d.code == found.code);
        index.map(|i| self.counties[i].as_slice()).unwrap_or(&[])
    }

    /// Places whose key is exactly `key` (already normalised).
    pub(crate) fn lookup(&self, key: &str) -> &[Place] {
        self.index.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Places whose key is exactly `key` (already normalised) among the names of older editions.
    pub(crate) fn lookup_former(&self, key: &str) -> &[Place] {
        self.former_index.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The names of older editions with the current place of each, in code order.
    pub(crate) fn former(&self) -> impl Iterator<Item = &(FormerName, Place)> {
        self.former.iter()
    }

    /// The older name a place stands for, when it does.
    pub(crate) fn former_name(&self, place: Place) -> Option<&FormerName> {
        place.former.map(|i| &self.former[i].0)
    }

    /// Whether a place stands at prefecture level: a current prefecture, or an older
    /// prefecture-level name (a county-level one whose successor is unknown has no county but is
    /// still county-level).
    pub(crate) fn is_prefecture_place(&self, place: Place) -> bool {
        place.county.is_none() && self.former_name(place).is_none_or(|f| !f.county_level)
    }

    /// The division at a place.
    pub(crate) fn division(&self, place: Place) -> &Division {
        match place.county {
            Some(c) => &self.counties[place.prefecture][c],
            None => &self.prefectures[place.prefecture],
        }
    }

    /// Every prefecture (and county under it) with its index, in code order.
    pub(crate) fn places(&self) -> impl Iterator<Item = (Place, &Division)> {
        self.prefectures
            .iter()
            .enumerate()
            .flat_map(move |(p, pref)| {
                let own = Place {
                    prefecture: p,
                    county: None,
                    exact: true,
                    former: None,
                };
                let counties = self.counties[p].iter().enumerate().map(move |(c, d)| {
                    let place = Place {
                        prefecture: p,
                        county: Some(c),
                        exact: true,
                        former: None,
                    };
                    (place, d)
                });
                std::iter::once((own, pref)).chain(counties)
            })
    }

    fn build_index(&mut self) {
        let current = self.places().map(|(place, d)| (place, d.name.as_str()));
        self.index = index_of(current);
        let former = self
            .former
            .iter()
            .map(|(f, place)| (*place, f.name.as_str()));
        self.former_index = index_of(former);
    }

    /// Add a name of an older edition (a history.csv row); rows naming no current prefecture of
    /// this province are skipped.
    fn add_former(&mut self, fields: [&str; 6]) {
        let [_, name, years, level, prefecture, now] = fields;
        let Some(p) = self.prefectures.iter().position(|d| d.code == prefecture) else {
            return;
        };
        let (county, now) = if now.is_empty() {
            (None, None)
        } else if now == prefecture {
            (None, Some(self.prefectures[p].name.clone()))
        } else {
            match self.counties[p].iter().position(|d| d.code == now) {
                Some(c) => (Some(c), Some(self.counties[p][c].name.clone())),
                None => (None, None),
            }
        };
        let place = Place {
            prefecture: p,
            county,
            exact: true,
            former: Some(self.former.len()),
        };
        let former = FormerName {
            name: name.to_string(),
            years: years.to_string(),
            county_level: level == "county",
            now,
        };
        self.former.push((former, place));
    }
}

/// The lookup index of named places: every key of each name (see [`keys`]) to its places.
fn index_of<'a>(named: impl Iterator<Item = (Place, &'a str)>) -> HashMap<String, Vec<Place>> {
    let mut index: HashMap<String, Vec<Place>> = HashMap::new();
    for (place, name) in named {
        for (key, exact) in keys(name) {
            let entry = index.entry(key).or_default();
            let place = Place { exact, ..place };
            if !entry.contains(&place) {
                entry.push(place);
            }
        }
    }
    index
}

/// Lookup keys of a division name: the full name (exact), the stem when usable, and for an
/// autonomous unit the stem with its kind ("黔东南州", "长阳县").
fn keys(name: &str) -> Vec<(String, bool)> {
    let mut keys = vec![(name.to_string(), true)];
    let stem = stem(name);
    if usable_stem(stem) && stem != name {
        keys.push((stem.to_string(), false));
        if let Some(kind) = autonomous_kind(name) {
            keys.push((format!("{stem}{kind}"), false));
        }
    }
    keys
}

/// The short name of a province-level unit: 江苏省 → 江苏, 北京市 → 北京, 广西壮族自治区 → 广西.
fn province_short(name: &str) -> &str {
    if let Some(rest) = name.strip_suffix("自治区") {
        return ["壮族", "回族", "维吾尔"]
            .iter()
            .find_map(|e| rest.strip_suffix(e))
            .unwrap_or(rest);
    }
    name.strip_suffix('省')
        .or_else(|| name.strip_suffix('市'))
        .unwrap_or(name)
}

/// All 31 province-level units of the mainland, in code order.
pub fn provinces() -> &'static [Province] {
    static PROVINCES: OnceLock<Vec<Province>> = OnceLock::new();
    PROVINCES.get_or_init(|| parse(DIVISIONS_CSV, HISTORY_CSV))
}

/// The province-level unit named `name`: the full name ("江苏省", "广西壮族自治区"), the short
/// name ("江苏", "广西", "内蒙古"), or the short name with 省 or 自治区 ("广西自治区"); not with
/// 市, which would take 吉林市 for 吉林省.
/// Blanks and full-width letters are ignored. None when no province matches.
pub fn province(name: &str) -> Option<&'static Province> {
    let key = normalise(name);
    provinces().iter().find(|p| {
        key == p.name
            || key == p.short
            || key
                .strip_prefix(p.short.as_str())
                .is_some_and(|rest| matches!(rest, "省" | "自治区"))
    })
}

/// Parse the vendored CSVs. The data is a compile-time constant checked by the tests, so a
/// malformed row (there is none) is skipped rather than reported.
pub(super) fn parse(csv: &str, history: &str) -> Vec<Province> {
    let mut provinces: Vec<Province> = Vec::new();
    // Prefecture code -> (province index, prefecture index).
    let mut prefecture_at: HashMap<&str, (usize, usize)> = HashMap::new();
    for line in csv.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let [code, name, parent, level] = fields[..] else {
            continue;
        };
        match level {
            "province" => provinces.push(Province::new(code, name)),
            "prefecture" => {
                let Some(p) = provinces.iter().position(|p| p.code == parent) else {
                    continue;
                };
                prefecture_at.insert(code, (p, provinces[p].prefectures.len()));
                provinces[p].prefectures.push(Division::new(code, name));
                provinces[p].counties.push(Vec::new());
            }
            "county" => {
                if let Some(&(p, f)) = prefecture_at.get(parent) {
                    provinces[p].counties[f].push(Division::new(code, name));
                }
            }
            _ => {}
        }
    }
    for line in history.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let Ok(fields) = <[&str; 6]>::try_from(fields) else {
            continue;
        };
        if let Some(p) = provinces
            .iter_mut()
            .find(|p| fields[0].starts_with(&p.code))
        {
            p.add_former(fields);
        }
    }
    for province in &mut provinces {
        province.build_index();
    }
    provinces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shorts(p: &Province) -> Vec<&str> {
        p.prefectures.iter().map(|d| d.short.as_str()).collect()
    }

    #[test]
    fn counts_match_the_derived_file() {
        let all = provinces();
        assert_eq!(all.len(), 31);
        let prefectures: usize = all.iter().map(|p| p.prefectures.len()).sum();
        let counties: usize = all.iter().flat_map(|p| &p.counties).map(Vec::len).sum();
        assert_eq!((prefectures, counties), (451, 2860));
        assert!(all.windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn jiangsu_prefectures_in_code_order() {
        let js = province("江苏").unwrap();
        assert_eq!(js.name, "江苏省");
        assert_eq!(
            shorts(js),
            "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁"
                .split(' ')
                .collect::<Vec<_>>()
        );
        assert_eq!(js.prefectures[0].name, "南京市");
        assert_eq!(js.prefectures[0].code, "3201");
        assert!(js.counties("苏州").iter().any(|d| d.name == "苏州工业园区"));
        assert!(js.counties("火星").is_empty());
    }

    #[test]
    fn zhejiang_prefectures_in_code_order() {
        let zj = province("浙江省").unwrap();
        assert_eq!(
            shorts(zj),
            "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水"
                .split(' ')
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn guizhou_has_autonomous_prefectures() {
        let gz = province("贵州").unwrap();
        assert_eq!(gz.prefectures.len(), 9);
        let names: Vec<&str> = gz.prefectures.iter().map(|d| d.name.as_str()).collect();
        assert!(names.contains(&"黔东南苗族侗族自治州"));
        assert_eq!(
            shorts(gz),
            [
                "贵阳",
                "六盘水",
                "遵义",
                "安顺",
                "毕节",
                "铜仁",
                "黔西南州",
                "黔东南州",
                "黔南州"
            ]
        );
        assert_eq!(gz.prefecture("黔东南").unwrap().short, "黔东南州");
    }

    #[test]
    fn province_names_in_every_form() {
        for (input, code) in [
            ("江苏", "32"),
            ("江苏省", "32"),
            ("广西壮族自治区", "45"),
            ("广西", "45"),
            ("广西自治区", "45"),
            ("内蒙古", "15"),
            ("新疆", "65"),
            ("宁夏", "64"),
            ("西藏自治区", "54"),
            (" 上海市 ", "31"),
            ("重庆", "50"),
        ] {
            assert_eq!(
                province(input).map(|p| p.code.as_str()),
                Some(code),
                "{input}"
            );
        }
        assert!(province("江").is_none());
        assert!(province("火星").is_none());
    }

    #[test]
    fn municipalities_group_by_district() {
        let sh = province("上海").unwrap();
        assert!(sh.is_municipality());
        assert_eq!(sh.prefectures.len(), 16);
        assert_eq!(sh.prefectures[0].name, "黄浦区");
        assert!(sh.prefecture("浦东新区").is_some());
        let cq = province("重庆").unwrap();
        assert!(cq.prefectures.iter().any(|d| d.short == "忠县"));
        let hb = province("湖北").unwrap();
        assert_eq!(hb.prefectures.last().unwrap().name, "神农架林区");
    }

    #[test]
    fn every_older_name_belongs_to_a_current_unit() {
        let rows = HISTORY_CSV.lines().count() - 1;
        let attached: usize = provinces().iter().map(|p| p.former.len()).sum();
        assert_eq!(attached, rows);
        let js = province("江苏").unwrap();
        let (gangzha, place) = js.former().find(|(f, _)| f.name == "港闸区").unwrap();
        assert_eq!(gangzha.years, "2015-2020");
        assert!(gangzha.county_level);
        assert_eq!(gangzha.now.as_deref(), Some("崇川区"));
        assert_eq!(js.division(*place).name, "崇川区");
        assert_eq!(js.prefectures[place.prefecture].short, "南通");
        let sd = province("山东").unwrap();
        let (laiwu, place) = sd.former().find(|(f, _)| f.name == "莱芜市").unwrap();
        assert!(!laiwu.county_level);
        assert_eq!(laiwu.now, None);
        assert_eq!(sd.division(*place).name, "济南市");
        // A current name never gets a row: it always resolves by the current data.
        for p in provinces() {
            for (f, _) in p.former() {
                assert!(p.lookup(&f.name).iter().all(|pl| !pl.exact), "{}", f.name);
            }
        }
    }

    #[test]
    fn short_names_are_unique_within_each_province() {
        for p in provinces() {
            let mut seen = std::collections::HashSet::new();
            for d in &p.prefectures {
                assert!(seen.insert(&d.short), "{} {}", p.name, d.short);
            }
        }
    }
}
