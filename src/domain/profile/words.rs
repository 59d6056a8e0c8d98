//! The words a notice speaks in, by scope: a provincial notice says 全省, 我省, 省级部门单位 and
//! 设区市; a city's says 全市, 我市, 市级部门单位 and 各市(县)区; a county's 全县 and 各乡镇(街道).
//! Computed once from the profile, so the draft and the tables never ask which office they are
//! written for.

use super::config::Profile;
use super::scope::{county_label, Children, Scope};
use crate::domain::vocab::Level;

/// How the annex writes an account's name: as registered, or with its platform after it in
/// brackets ("无锡刑警(微信)"), as some cities' notices do (`annex_name` in a profile).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AnnexName {
    /// 名称 as registered (the default).
    #[default]
    Name,
    /// 名称(平台): the platform, or the type when the registry gives no platform.
    NameWithPlatform,
}

impl AnnexName {
    /// The setting a profile's `annex_name` value names: "名称" or "名称(平台)" (brackets of
    /// either width).
    pub fn parse(value: &str) -> Option<AnnexName> {
        let v: String = value
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '（' => '(',
                '）' => ')',
                c => c,
            })
            .collect();
        match v.as_str() {
            "名称" => Some(AnnexName::Name),
            "名称(平台)" => Some(AnnexName::NameWithPlatform),
            _ => None,
        }
    }

    /// The annex's 名称 cell for an account named `name` on `platform` (its type when the
    /// registry gives no platform).
    pub fn cell(self, name: &str, platform: &str) -> String {
        match self {
            AnnexName::Name => name.to_string(),
            AnnexName::NameWithPlatform if platform.is_empty() => name.to_string(),
            AnnexName::NameWithPlatform => format!("{name}({platform})"),
        }
    }
}

/// Which accounts one part of the registry's make-up sentence counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MakeupPart {
    /// Accounts of one level (the province's notice: 省级, 设区市, 县(市、区)).
    Level(Level),
    /// The scope's own departments (the top group).
    Top,
    /// Every account below the scope's own level (the groups below it).
    Below,
}

/// How the notice and the tables name the scope and its groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeWords {
    /// The whole scope: 全省, 全市, 全县, 全区.
    pub whole: String,
    /// The scope speaking of itself: 我省, 我市.
    pub our: String,
    /// The level of its own departments: 省级, 市级, 县级.
    pub level: String,
    /// Its own departments in the closing sentence: 省各有关部门, 市各有关部门.
    pub departments: String,
    /// The group of its own departments: 省级部门单位, 市级部门单位, or the profile's label.
    pub top_group: String,
    /// The groups below it together: 设区市 (the profile's label), 市(县)区, 乡镇(街道).
    pub divisions: String,
    /// The 合计 row of the groups below it: 设区市合计, 各市(县)区合计.
    pub divisions_total: String,
    /// What one group below it holds, for the owner-group table's title; None when nothing
    /// needs saying (towns).
    pub group_note: Option<String>,
    /// The governments whose own accounts are taken whole: "省、市、县(市、区)", "市、市(县)区".
    pub governments: String,
    /// The parts of the registry's make-up sentence, each with the phrase before its count.
    pub makeup: Vec<(String, MakeupPart)>,
    /// Whether the draft names every group's rate (a city names each district; a province its
    /// two owner groups).
    pub name_each_group: bool,
    /// Where the units send their rectification, in the closing sentence: the province's
    /// filing system (全省政务新媒体备案检查系统); a city or county says no 全省.
    pub submit_to: String,
    /// 主送 when the writer gives none: None leaves the 【】 placeholder.
    pub addressee: Option<String>,
    /// 署名 when the writer gives none: None leaves the 【】 placeholder.
    pub issuer: Option<String>,
}

impl Profile {
    /// The label of the scope's own departments' group: `top_group_label`, else 省级部门单位 /
    /// 市级部门单位 / 县级部门单位 (区级, 州级 … by the unit's kind).
    pub fn top_label(&self) -> String {
        if let Some(l) = &self.top_group_label {
            return l.clone();
        }
        match self.scope.unit() {
            None => "省级部门单位".into(),
            Some(u) => format!("{}级部门单位", u.kind()),
        }
    }

    /// The label of the groups below the scope: the province's `prefecture_label`; for a
    /// prefecture `division_label`, else one from the kinds of its county-level units
    /// ([`county_label`]); for a county 乡镇(街道).
    pub fn division_label(&self) -> String {
        match self.scope.children() {
            Children::Prefectures => self.prefecture_label.clone(),
            Children::Counties => self.division_label.clone().unwrap_or_else(|| {
                let u = self.scope.unit().expect("a scope with counties is a unit");
                county_label(self.province.counties(&u.division.name)).to_string()
            }),
            Children::Towns => self
                .division_label
                .clone()
                .unwrap_or_else(|| "乡镇(街道)".into()),
        }
    }

    /// The words of this profile's scope (see [`ScopeWords`]).
    pub fn words(&self) -> ScopeWords {
        let top = self.top_label();
        let divisions = self.division_label();
        let Scope::Unit(u) = &self.scope else {
            return self.province_words(top, divisions);
        };
        let kind = u.kind();
        let below = match u.children {
            Children::Towns => format!("各{divisions}"),
            _ => format!("各{divisions}政府及其部门、所属乡镇(街道)"),
        };
        let (governments, addressee, note) = match u.children {
            Children::Towns => (
                format!("{kind}、乡镇(街道)"),
                format!("各{divisions}，{kind}各委办局"),
                None,
            ),
            _ => (
                format!("{kind}、{divisions}"),
                format!("各{divisions}人民政府，{kind}各委办局"),
                Some(format!("{divisions}含本级及所属乡镇(街道)")),
            ),
        };
        ScopeWords {
            whole: format!("全{kind}"),
            our: format!("我{kind}"),
            level: format!("{kind}级"),
            departments: format!("{kind}各有关部门"),
            divisions_total: format!("各{divisions}合计"),
            group_note: note,
            governments,
            makeup: vec![(top.clone(), MakeupPart::Top), (below, MakeupPart::Below)],
            name_each_group: true,
            submit_to: "政务新媒体备案检查系统".into(),
            addressee: Some(addressee),
            issuer: Some(format!("{}人民政府办公室", u.division.name)),
            top_group: top,
            divisions,
        }
    }

    /// The words of a province-wide notice, as the province's own notices print them.
    fn province_words(&self, top: String, divisions: String) -> ScopeWords {
        ScopeWords {
            whole: "全省".into(),
            our: "我省".into(),
            level: "省级".into(),
            departments: "省各有关部门".into(),
            divisions_total: format!("{divisions}合计"),
            group_note: Some(format!("{divisions}含本级及所辖县(市、区)、乡镇(街道)")),
            governments: "省、市、县(市、区)".into(),
            makeup: vec![
                (
                    "省级部门单位及其内设机构、双重管理单位及其内设机构".into(),
                    MakeupPart::Level(Level::Province),
                ),
                (
                    format!("{divisions}政府及其部门"),
                    MakeupPart::Level(Level::City),
                ),
                (
                    "县(市、区)政府及其部门、所属乡镇(街道)".into(),
                    MakeupPart::Level(Level::County),
                ),
            ],
            name_each_group: false,
            submit_to: "全省政务新媒体备案检查系统".into(),
            addressee: None,
            issuer: None,
            top_group: top,
            divisions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_city_speaks_as_the_city() {
        let p = Profile::parse("province = \"江苏\"\nscope = \"无锡\"\n").unwrap();
        let w = p.words();
        assert_eq!(w.whole, "全市");
        assert_eq!(w.top_group, "市级部门单位");
        assert_eq!(w.divisions, "市(县)区");
        assert_eq!(w.divisions_total, "各市(县)区合计");
        assert_eq!(
            w.addressee.as_deref(),
            Some("各市(县)区人民政府，市各委办局")
        );
        assert_eq!(w.issuer.as_deref(), Some("无锡市人民政府办公室"));
        let p = Profile::parse(
            "province = \"江苏\"\nscope = \"宜兴市\"\ntop_group_label = \"市级部门和单位\"\n",
        )
        .unwrap();
        let w = p.words();
        assert_eq!((w.whole.as_str(), w.level.as_str()), ("全市", "市级"));
        assert_eq!(w.top_group, "市级部门和单位");
        assert_eq!(w.divisions, "乡镇(街道)");
        assert_eq!(w.divisions_total, "各乡镇(街道)合计");
    }

    #[test]
    fn a_province_speaks_as_before() {
        let p = Profile::parse("province = \"贵州\"\n").unwrap();
        let w = p.words();
        assert_eq!(w.whole, "全省");
        assert_eq!(w.top_group, "省级部门单位");
        assert_eq!(w.divisions, "市(州)");
        assert_eq!(w.divisions_total, "市(州)合计");
        assert_eq!(w.addressee, None);
    }
}
