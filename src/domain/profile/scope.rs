//! A campaign's scope: the whole province, one prefecture-level unit (a city office checking its
//! own accounts) or one county-level unit. The scope decides which accounts belong to the
//! campaign, what the groups below it are (prefectures, county-level units, or 乡镇/街道) and the
//! words its notice speaks in (全省/全市/全县, 省级/市级/县级). All of it is data derived from the
//! division data and the profile, so the report never asks which kind of office it is for.

use super::divisions::{Division, Province};
use super::names::{edit_distance, normalise, shared_chars, stem, usable_stem};
use crate::domain::vocab::Level;

/// What the groups directly below a scope are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Children {
    /// A province's prefecture-level units (设区市, 市(州) …): the account's 地区.
    Prefectures,
    /// A prefecture's county-level units (区, 县, 县级市) and the profile's zones.
    Counties,
    /// A county's (or a prefecture without counties') 乡镇 and 街道, found in the registry, and the
    /// profile's zones.
    Towns,
}

/// One prefecture- or county-level unit a campaign is scoped to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeUnit {
    /// Index of its prefecture-level unit in [`Province::prefectures`].
    pub prefecture: usize,
    /// Index of the county-level unit under that prefecture, for a county scope.
    pub county: Option<usize>,
    /// The unit itself (无锡市, 宜兴市).
    pub division: Division,
    /// Its prefecture-level unit (the unit itself for a prefecture scope): every account of the
    /// scope has this short name as its 地区.
    pub prefecture_division: Division,
    /// What its groups are.
    pub children: Children,
    /// The level of its own departments (市级 for a city, 县级 for a county or a municipality's
    /// district): accounts above it are outside the scope.
    pub own_level: Level,
}

impl ScopeUnit {
    /// The kind of unit as a notice says it: 市, 州, 盟, 地区, 区, 县, 旗. Speaks in 全市, 我市, 市级.
    pub fn kind(&self) -> &'static str {
        unit_kind(&self.division.name)
    }

    /// Names an account of this scope may be prefixed with in its region or owner ("无锡市",
    /// "无锡", "宜兴市", "宜兴"), longest first, for finding a zone or a town after them.
    pub fn prefixes(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for d in [&self.prefecture_division, &self.division] {
            for form in [d.name.as_str(), d.short.as_str(), stem(&d.name)] {
                if usable_stem(form) && !out.iter().any(|o| o == form) {
                    out.push(form.to_string());
                }
            }
        }
        out.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        out
    }
}

/// Which part of the province a campaign covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// The whole province (the default): groups are its prefecture-level units.
    #[default]
    Province,
    /// One prefecture- or county-level unit.
    Unit(ScopeUnit),
}

/// Why a `scope` could not be taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScopeError {
    /// No prefecture- or county-level unit of the province has that name.
    Unknown {
        /// Up to three official names that look most alike.
        closest: Vec<String>,
    },
    /// Several county-level units have that name ("鼓楼区"): the prefecture must be named too.
    Ambiguous {
        /// Each one with its prefecture, "南京市鼓楼区".
        candidates: Vec<String>,
    },
}

impl Scope {
    /// The unit `name` names in `province`: a prefecture-level unit ("无锡", "无锡市"), a
    /// county-level unit ("宜兴", "宜兴市", "无锡市宜兴市"), or the province itself.
    pub fn parse(province: &Province, name: &str) -> Result<Scope, ScopeError> {
        let key = normalise(name);
        if key == province.name || key == province.short {
            return Ok(Scope::Province);
        }
        // "江苏省无锡市" is 无锡.
        let key = [province.name.as_str(), province.short.as_str()]
            .iter()
            .find_map(|p| key.strip_prefix(p).filter(|r| !r.is_empty()))
            .map_or(key.clone(), str::to_string);
        if let Some(d) = province.prefecture(&key) {
            let p = province
                .prefectures
                .iter()
                .position(|x| x.code == d.code)
                .unwrap_or_default();
            return Ok(Scope::Unit(unit(province, p, None)));
        }
        let mut found: Vec<(usize, usize)> = Vec::new();
        for place in province.locate(&key) {
            let Some(c) = place.county else { continue };
            let d = province.division(place);
            let named = key.ends_with(d.name.as_str())
                || (usable_stem(stem(&d.name)) && key.ends_with(stem(&d.name)));
            if named && place.former.is_none() && !found.contains(&(place.prefecture, c)) {
                found.push((place.prefecture, c));
            }
        }
        match found[..] {
            [(p, c)] => Ok(Scope::Unit(unit(province, p, Some(c)))),
            [] => Err(ScopeError::Unknown {
                closest: closest_units(province, &key),
            }),
            _ => Err(ScopeError::Ambiguous {
                candidates: found
                    .iter()
                    .map(|&(p, c)| {
                        let d = province.division(super::divisions::Place {
                            prefecture: p,
                            county: Some(c),
                            exact: true,
                            former: None,
                        });
                        format!("{}{}", province.prefectures[p].name, d.name)
                    })
                    .collect(),
            }),
        }
    }

    /// The unit, when the scope is not the whole province.
    pub fn unit(&self) -> Option<&ScopeUnit> {
        match self {
            Scope::Province => None,
            Scope::Unit(u) => Some(u),
        }
    }

    /// What the groups below the scope are.
    pub fn children(&self) -> Children {
        self.unit().map_or(Children::Prefectures, |u| u.children)
    }

    /// The level of the scope's own departments (省级 for a province).
    pub fn own_level(&self) -> Level {
        self.unit().map_or(Level::Province, |u| u.own_level)
    }

    /// The scope's official name: "江苏省", "无锡市", "宜兴市".
    pub fn name<'a>(&'a self, province: &'a Province) -> &'a str {
        self.unit()
            .map_or(province.name.as_str(), |u| u.division.name.as_str())
    }

    /// The index of the prefecture-level unit the scope lies in, when it is not the province.
    pub fn prefecture_index(&self) -> Option<usize> {
        self.unit().map(|u| u.prefecture)
    }
}

/// The scope unit at prefecture `p` (and county `c`), with its children and own level.
fn unit(province: &Province, p: usize, c: Option<usize>) -> ScopeUnit {
    let prefecture_division = province.prefectures[p].clone();
    let counties = province.counties(&prefecture_division.name);
    let (division, children, own_level) = match c {
        Some(c) => (counties[c].clone(), Children::Towns, Level::County),
        None if counties.is_empty() => {
            // A municipality's district or a prefecture without counties (东莞): its towns.
            let level = if province.is_municipality() {
                Level::County
            } else {
                Level::City
            };
            (prefecture_division.clone(), Children::Towns, level)
        }
        None => (prefecture_division.clone(), Children::Counties, Level::City),
    };
    ScopeUnit {
        prefecture: p,
        county: c,
        division,
        prefecture_division,
        children,
        own_level,
    }
}

/// Up to three prefecture- or county-level names of the province closest to `key`.
fn closest_units(province: &Province, key: &str) -> Vec<String> {
    let mut scored: Vec<(usize, usize, String)> = province
        .places()
        .filter(|(p, _)| p.former.is_none())
        .map(|(_, d)| {
            let edits = edit_distance(key, &d.name).min(edit_distance(key, stem(&d.name)));
            (
                edits,
                usize::MAX - shared_chars(key, &d.name),
                d.name.clone(),
            )
        })
        .collect();
    scored.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, _, name) in scored {
        if !out.contains(&name) {
            out.push(name);
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

/// The kind of a prefecture- or county-level unit, from its official name, as a notice speaks of
/// it: 自治州 → 州, 盟 → 盟, 地区 → 地区, …区 → 区, …县 → 县, …旗 → 旗, otherwise 市.
pub fn unit_kind(name: &str) -> &'static str {
    if name.ends_with("自治州") {
        "州"
    } else if name.ends_with('盟') {
        "盟"
    } else if name.ends_with("地区") {
        "地区"
    } else if name.ends_with('区') {
        "区"
    } else if name.ends_with('县') {
        "县"
    } else if name.ends_with('旗') {
        "旗"
    } else {
        "市"
    }
}

/// The default label of a prefecture's county-level units, from the kinds it has: "区" when all
/// are districts, "市(县)区" for districts and county-level cities (as Jiangsu's cities write
/// it), "县(区)", "县(市)", and "县(市、区)" when it has all three. Functional zones the data
/// lists (南通经济技术开发区) do not count.
pub fn county_label(counties: &[Division]) -> &'static str {
    let has = |kind: &str| counties.iter().any(|d| unit_kind(&d.name) == kind);
    let qu = counties
        .iter()
        .any(|d| d.name.ends_with('区') && !d.name.contains("开发区") && !d.name.contains("园区"));
    let xian = has("县") || has("旗");
    let shi = has("市");
    match (qu, xian, shi) {
        (true, false, false) => "区",
        (false, true, false) => "县",
        (false, false, true) => "市",
        (true, false, true) => "市(县)区",
        (true, true, false) => "县(区)",
        (false, true, true) => "县(市)",
        _ => "县(市、区)",
    }
}

/// A 乡镇 or 街道 named at the start of `text` once the scope's own names are taken off
/// ("宜兴市丁蜀镇人民政府" → "丁蜀镇", "宜城街道办事处" → "宜城街道"); None when the text names none.
/// A name is two to six characters before 街道, 镇 or 乡, none of them a character an office's
/// name has (局, 委, 办 …), so "宜兴市农业农村局(乡村振兴局)", "城乡建设局" and "乡镇企业局" name
/// no town.
pub fn town_in(text: &str, prefixes: &[String]) -> Option<String> {
    let text = normalise(text);
    let mut rest = text.as_str();
    for p in prefixes {
        if let Some(r) = rest.strip_prefix(p.as_str()) {
            rest = r;
        }
    }
    const NOT_IN_A_TOWN_NAME: &str = "省市县区局委办院所部厅会司站队处室中心()（）·、,，";
    let chars: Vec<char> = rest.chars().collect();
    for i in 2..chars.len().min(7) {
        let suffix = match chars[i] {
            '街' if chars.get(i + 1) == Some(&'道') => "街道",
            '镇' => "镇",
            '乡' => "乡",
            _ => continue,
        };
        let name: String = chars[..i].iter().collect();
        if name.chars().any(|x| NOT_IN_A_TOWN_NAME.contains(x)) {
            return None;
        }
        return Some(format!("{name}{suffix}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::divisions::province;
    use super::*;

    fn js() -> &'static Province {
        province("江苏").unwrap()
    }

    #[test]
    fn a_prefecture_a_county_and_the_province() {
        let Scope::Unit(wuxi) = Scope::parse(js(), "无锡").unwrap() else {
            panic!()
        };
        assert_eq!(wuxi.division.name, "无锡市");
        assert_eq!(wuxi.children, Children::Counties);
        assert_eq!(wuxi.own_level, Level::City);
        assert_eq!(wuxi.kind(), "市");
        assert_eq!(
            Scope::parse(js(), "无锡市").unwrap(),
            Scope::Unit(wuxi.clone())
        );
        assert_eq!(
            Scope::parse(js(), "江苏省无锡市").unwrap(),
            Scope::Unit(wuxi)
        );
        for name in ["宜兴", "宜兴市", "无锡市宜兴市"] {
            let Scope::Unit(yx) = Scope::parse(js(), name).unwrap() else {
                panic!("{name}")
            };
            assert_eq!(yx.division.name, "宜兴市", "{name}");
            assert_eq!(yx.prefecture_division.short, "无锡");
            assert_eq!(yx.children, Children::Towns);
            assert_eq!(yx.own_level, Level::County);
        }
        assert_eq!(Scope::parse(js(), "江苏省").unwrap(), Scope::Province);
        let Scope::Unit(gl) = Scope::parse(js(), "徐州市鼓楼区").unwrap() else {
            panic!()
        };
        assert_eq!(gl.prefecture_division.short, "徐州");
        assert_eq!(gl.kind(), "区");
    }

    #[test]
    fn an_unknown_or_shared_name_is_refused() {
        assert_eq!(
            Scope::parse(js(), "鼓楼区"),
            Err(ScopeError::Ambiguous {
                candidates: vec!["南京市鼓楼区".into(), "徐州市鼓楼区".into()]
            })
        );
        let Err(ScopeError::Unknown { closest }) = Scope::parse(js(), "无希") else {
            panic!()
        };
        assert!(closest.contains(&"无锡市".to_string()), "{closest:?}");
        assert!(Scope::parse(js(), "苏州高新区").is_err());
    }

    #[test]
    fn municipal_districts_group_by_town() {
        let sh = province("上海").unwrap();
        let Scope::Unit(pd) = Scope::parse(sh, "浦东新区").unwrap() else {
            panic!()
        };
        assert_eq!(pd.children, Children::Towns);
        assert_eq!(pd.own_level, Level::County);
        assert_eq!(pd.kind(), "区");
    }

    #[test]
    fn county_labels() {
        assert_eq!(county_label(js().counties("无锡")), "市(县)区");
        assert_eq!(county_label(js().counties("南京")), "区");
        assert_eq!(county_label(js().counties("徐州")), "县(市、区)");
        assert_eq!(county_label(js().counties("南通")), "县(市、区)");
        assert_eq!(county_label(js().counties("常州")), "市(县)区");
    }

    #[test]
    fn towns_in_owner_names() {
        let p = vec!["宜兴市".to_string(), "宜兴".to_string()];
        assert_eq!(
            town_in("宜兴市丁蜀镇人民政府", &p).as_deref(),
            Some("丁蜀镇")
        );
        assert_eq!(town_in("宜城街道办事处", &p).as_deref(), Some("宜城街道"));
        assert_eq!(town_in("新街街道", &p).as_deref(), Some("新街街道"));
        assert_eq!(town_in("宜兴市 张渚镇", &p).as_deref(), Some("张渚镇"));
        assert_eq!(town_in("宜兴市农业农村局(乡村振兴局)", &p), None);
        assert_eq!(town_in("宜兴市教育局", &p), None);
        assert_eq!(town_in("宜兴发布", &p), None);
        assert_eq!(town_in("宜兴市城乡建设局", &p), None);
        assert_eq!(town_in("乡镇企业局", &p), None);
        assert_eq!(town_in("镇湖街道", &p).as_deref(), Some("镇湖街道"));
        assert_eq!(town_in("宜兴市人民政府", &p), None);
    }
}
