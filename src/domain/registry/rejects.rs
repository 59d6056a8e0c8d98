//! The rows an import refused, grouped for the user: by reason, with a count and a few
//! examples; and for a value no list knows (a level, type, status, owner kind or region), by
//! value, with its count, the closest known names and the profile line that would map it.

use super::{Field, Reject, RejectReason};
use crate::domain::profile::{Profile, RegionError};
use crate::domain::text::{closest, toml_string};
use crate::domain::vocab::{Aliases, Term};
use std::collections::BTreeMap;

/// The most rejected rows kept with their cells (in memory and in rejects.csv); every one past
/// that is still counted, by reason, and the total is stated. A hostile registry of ten million
/// junk rows costs a counter, not ten million rows.
pub const MAX_KEPT_REJECTS: usize = 10_000;

/// The most distinct unknown values (a level, type, status, owner kind or region no list knows)
/// counted by value. Every row is still counted by reason; a value first seen past this is
/// counted there only, so the values listed always say how many rows they cover.
pub const MAX_COUNTED_VALUES: usize = 10_000;

/// Rejected rows: all counted, by reason; the first [`MAX_KEPT_REJECTS`] kept; the rows of
/// each unknown value counted (up to [`MAX_COUNTED_VALUES`] values), so the summary's counts
/// and profile lines are true for the whole file, not for the rows kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rejects {
    /// The rows kept, by row once finished.
    kept: Vec<Reject>,
    /// Every rejected row, by reason.
    by_reason: BTreeMap<RejectReason, usize>,
    /// Rows by unknown value, for the reasons about one value.
    values: BTreeMap<(RejectReason, String), usize>,
}

impl Rejects {
    /// Count a reject (and its value, for a reason about one); keep it while fewer than
    /// [`MAX_KEPT_REJECTS`] are kept.
    pub fn push(&mut self, r: Reject) {
        *self.by_reason.entry(r.reason).or_default() += 1;
        if r.reason.unknown_field().is_some() {
            let key = (r.reason, r.value.clone());
            let room = self.values.len() < MAX_COUNTED_VALUES;
            match self.values.get_mut(&key) {
                Some(n) => *n += 1,
                None if room => {
                    self.values.insert(key, 1);
                }
                None => {}
            }
        }
        if self.kept.len() < MAX_KEPT_REJECTS {
            self.kept.push(r);
        }
    }

    /// Every rejected row, kept or not.
    pub fn len(&self) -> usize {
        self.by_reason.values().sum()
    }

    /// No row was rejected.
    pub fn is_empty(&self) -> bool {
        self.by_reason.is_empty()
    }

    /// The kept rows.
    pub fn iter(&self) -> std::slice::Iter<'_, Reject> {
        self.kept.iter()
    }

    /// The kept rows, as a slice.
    pub fn kept(&self) -> &[Reject] {
        &self.kept
    }

    /// Rejected rows not kept (counted only).
    pub fn omitted(&self) -> usize {
        self.len() - self.kept.len()
    }

    /// How many rows each reason rejected (all of them, kept or not).
    pub fn by_reason(&self) -> &BTreeMap<RejectReason, usize> {
        &self.by_reason
    }

    /// Rejected rows of one reason (all of them).
    pub fn count(&self, reason: RejectReason) -> usize {
        self.by_reason.get(&reason).copied().unwrap_or(0)
    }

    /// The unknown values of one reason with their rows, as counted.
    fn values_of(&self, reason: RejectReason) -> impl Iterator<Item = (&str, usize)> {
        self.values
            .range((reason, String::new())..)
            .take_while(move |((r, _), _)| *r == reason)
            .map(|((_, v), n)| (v.as_str(), *n))
    }

    /// Order the kept rows by row (rows are refused in two passes: as read, then as placed).
    pub(super) fn sort(&mut self) {
        self.kept.sort_by_key(|r| r.row);
    }
}

impl<'a> IntoIterator for &'a Rejects {
    type Item = &'a Reject;
    type IntoIter = std::slice::Iter<'a, Reject>;
    fn into_iter(self) -> Self::IntoIter {
        self.kept.iter()
    }
}

impl FromIterator<Reject> for Rejects {
    fn from_iter<I: IntoIterator<Item = Reject>>(iter: I) -> Self {
        let mut r = Rejects::default();
        for x in iter {
            r.push(x);
        }
        r
    }
}

/// The rejects of one reason.
#[derive(Debug)]
pub struct RejectGroup<'a> {
    /// Why.
    pub reason: RejectReason,
    /// How many rows.
    pub rows: usize,
    /// The first few rows, in row order.
    pub examples: Vec<&'a Reject>,
    /// For a reason about one value no list knows: each such value, most rows first.
    pub values: Vec<UnknownValue>,
}

/// A value no list knows, how often it occurs, and how to map it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownValue {
    /// The field it is a value of.
    pub field: Field,
    /// The value as written.
    pub value: String,
    /// Rows holding it.
    pub rows: usize,
    /// The closest known spellings or names, each with what it means: "市州(市级)".
    pub closest: Vec<String>,
    /// The profile line that would map it, e.g. `[levels.aliases] "市州直属" = "市级"`.
    pub profile_line: String,
}

impl UnknownValue {
    /// One line for the user: the value, its count, the closest names and the profile line.
    pub fn hint(&self) -> String {
        let near = if self.closest.is_empty() {
            String::new()
        } else {
            format!(";最接近: {}", self.closest.join("、"))
        };
        format!(
            "{} \"{}\" {} 行{near};如需映射,在画像文件(--profile)中写 {}",
            self.field.label(),
            self.value,
            self.rows,
            self.profile_line
        )
    }
}

/// The rejects by reason (most rows first, then the reason's order), each with its count over
/// the whole file, up to `examples` of its kept rows and its unknown values. Identical copies
/// of imported rows are no rejection and are left out.
pub fn group_rejects<'a>(
    rejects: &'a Rejects,
    profile: &Profile,
    examples: usize,
) -> Vec<RejectGroup<'a>> {
    let mut groups: Vec<RejectGroup> = rejects
        .by_reason()
        .iter()
        .filter(|(reason, _)| reason.is_rejection())
        .map(|(&reason, &rows)| RejectGroup {
            reason,
            rows,
            values: reason
                .unknown_field()
                .map(|f| unknown_values(f, rejects.values_of(reason), profile))
                .unwrap_or_default(),
            examples: rejects
                .iter()
                .filter(|r| r.reason == reason)
                .take(examples)
                .collect(),
        })
        .collect();
    groups.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.reason.cmp(&b.reason)));
    groups
}

/// The distinct values of one field's rejects, most rows first, each with its hint.
fn unknown_values<'v>(
    field: Field,
    counts: impl Iterator<Item = (&'v str, usize)>,
    profile: &Profile,
) -> Vec<UnknownValue> {
    let mut values: Vec<UnknownValue> = counts
        .map(|(value, n)| {
            let (closest, target) = closest_values(field, value, profile);
            UnknownValue {
                field,
                value: value.to_string(),
                rows: n,
                closest,
                profile_line: profile_line(field, value, &target, profile),
            }
        })
        .collect();
    values.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.value.cmp(&b.value)));
    values
}

/// The closest known names of a value of `field` that no list knows ("市州(市级)"), and what
/// the first of them means (the target a profile line would give it), if any.
pub fn closest_values(
    field: Field,
    value: &str,
    profile: &Profile,
) -> (Vec<String>, Option<String>) {
    let sp = &profile.spellings;
    match field {
        Field::Level => closest_terms(value, &sp.levels),
        Field::Status => closest_terms(value, &sp.statuses),
        Field::OwnerKind => closest_terms(value, &sp.owner_kinds),
        Field::Type => {
            let known = profile.types.spellings();
            near(value, &known)
        }
        Field::Region if profile.scope.unit().is_some() => closest_in_scope(value, profile),
        Field::Region => match profile.resolve(value, "") {
            Err(RegionError::Unknown { closest, .. }) => {
                let target = closest.iter().find_map(|c| profile.resolve(c, "").ok());
                let target = target.and_then(|r| r.prefecture);
                (closest, target)
            }
            _ => (Vec::new(), None),
        },
        _ => (Vec::new(), None),
    }
}

/// In a city's or county's campaign an unknown 地区 is one of its own places, or a zone (经开区,
/// 新区) it reports on its own: the closest names are the scope's counties and zones, never
/// another city's districts. No target is offered: which of the two it is, the office knows.
fn closest_in_scope(value: &str, profile: &Profile) -> (Vec<String>, Option<String>) {
    let Some(unit) = profile.scope.unit() else {
        return (Vec::new(), None);
    };
    let counties = profile.province.counties(&unit.prefecture_division.name);
    let known: Vec<(&str, &str)> = counties
        .iter()
        .map(|d| (d.name.as_str(), d.name.as_str()))
        .chain(
            profile
                .zones
                .iter()
                .map(|z| (z.name.as_str(), z.name.as_str())),
        )
        .collect();
    (near(value, &known).0, None)
}

/// The closest spellings of a closed vocabulary (the profile's and the built-in ones) to a
/// spelling no list knows, each with what it means ("市州(市级)"), and what the first means.
pub fn closest_terms<T: Term>(value: &str, aliases: &Aliases<T>) -> (Vec<String>, Option<String>) {
    let known: Vec<(&str, &str)> = aliases
        .known()
        .into_iter()
        .map(|(s, v)| (s, v.label()))
        .collect();
    near(value, &known)
}

/// Up to three of `known` (spelling, meaning) closest to `value`, as "spelling(meaning)" (or
/// the meaning alone when the spelling is it), and the first one's meaning.
fn near(value: &str, known: &[(&str, &str)]) -> (Vec<String>, Option<String>) {
    let names = closest(value, known.iter().map(|(s, _)| *s), 3);
    let meaning = |s: &str| known.iter().find(|(k, _)| *k == s).map(|(_, v)| *v);
    let shown = names
        .iter()
        .map(|s| match meaning(s) {
            Some(m) if m != *s => format!("{s}({m})"),
            _ => s.to_string(),
        })
        .collect();
    (
        shown,
        names.first().and_then(|s| meaning(s)).map(String::from),
    )
}

/// The profile line that maps `value` of `field` to `target` (or to a placeholder naming the
/// choices when there is no suggestion).
fn profile_line(field: Field, value: &str, target: &Option<String>, profile: &Profile) -> String {
    let (table, choices) = match field {
        Field::Level => ("levels.aliases", crate::domain::vocab::Level::labels()),
        Field::Status => ("statuses.aliases", crate::domain::vocab::Status::labels()),
        Field::OwnerKind => (
            "owner_kinds.aliases",
            crate::domain::vocab::OwnerKind::labels(),
        ),
        Field::Type => ("types.aliases", profile.types.order().join("/")),
        _ => (
            "regions.aliases",
            format!("本省的{}", profile.prefecture_label),
        ),
    };
    // An unlisted platform is reported as 其他 by every scheme's convention.
    let target = match (target, field) {
        (Some(t), _) => t.clone(),
        (None, Field::Type) => crate::domain::profile::OTHER.to_string(),
        (None, _) => "?".to_string(),
    };
    let mut line = format!(
        "[{table}] {} = {}",
        toml_string(value),
        toml_string(&target)
    );
    if target == "?" && field == Field::Region && profile.scope.unit().is_some() {
        // In a scope the aliases name prefectures, which is no help: the place is a zone of
        // the scope's own (经开区), or the data must name its county.
        line = format!(
            "[zones] {} = [{}](作为单列的功能区);若它属于某个县(市、区),请在台账中写明",
            toml_string(value),
            toml_string(value)
        );
    } else if target == "?" {
        line.push_str(&format!("(? 处填 {choices} 之一)"));
    }
    if field == Field::Type && profile.types.is_builtin() {
        line.push_str("(并在 [types] 中写 order)");
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::province;

    fn reject(row: u32, reason: RejectReason, value: &str) -> Reject {
        Reject {
            row,
            reason,
            detail: format!("第 {row} 行"),
            value: value.to_string(),
            cells: Vec::new(),
        }
    }

    /// Past the rows kept, rejects are still counted by reason and their values by value: the
    /// summary's numbers are the file's, not the kept rows'.
    #[test]
    fn rejects_past_the_cap_are_counted_not_kept() {
        let profile = Profile::builtin(province("四川").unwrap());
        let n = MAX_KEPT_REJECTS + 5;
        let rejects: Rejects = (0..n)
            .map(|i| reject(i as u32 + 2, RejectReason::UnknownLevel, "市州直属"))
            .chain([reject(1, RejectReason::TotalRow, "")])
            .collect();
        assert_eq!(rejects.len(), n + 1);
        assert_eq!(rejects.kept().len(), MAX_KEPT_REJECTS);
        assert_eq!(rejects.omitted(), 6);
        assert_eq!(rejects.count(RejectReason::TotalRow), 1);
        let groups = group_rejects(&rejects, &profile, 2);
        assert_eq!(groups[0].rows, n);
        assert_eq!(groups[0].values[0].rows, n);
        // The 合计 row came after the cap: counted, with no example to show.
        assert_eq!((groups[1].rows, groups[1].examples.len()), (1, 0));
    }

    #[test]
    fn rejects_are_grouped_with_the_line_that_maps_them() {
        let profile = Profile::builtin(province("四川").unwrap());
        let rejects: Rejects = [
            reject(3, RejectReason::UnknownLevel, "市州直属"),
            reject(4, RejectReason::UnknownLevel, "市州直属"),
            reject(5, RejectReason::MissingValue, ""),
            reject(6, RejectReason::UnknownLevel, "乡村级"),
            reject(7, RejectReason::DuplicateRow, "S1"),
            reject(8, RejectReason::UnknownRegion, "成都高新技术产业开发区"),
        ]
        .into_iter()
        .collect();
        let groups = group_rejects(&rejects, &profile, 2);
        assert_eq!(groups.len(), 3);
        assert_eq!(
            (groups[0].reason, groups[0].rows),
            (RejectReason::UnknownLevel, 3)
        );
        assert_eq!(groups[0].examples.len(), 2);
        let v = &groups[0].values[0];
        assert_eq!((v.value.as_str(), v.rows), ("市州直属", 2));
        assert_eq!(v.closest[0], "市州(市级)");
        assert_eq!(v.profile_line, "[levels.aliases] \"市州直属\" = \"市级\"");
        assert!(
            v.hint()
                .starts_with("层级 \"市州直属\" 2 行;最接近: 市州(市级)"),
            "{}",
            v.hint()
        );
        let region = groups
            .iter()
            .find(|g| g.reason == RejectReason::UnknownRegion)
            .unwrap();
        assert!(
            region.values[0]
                .profile_line
                .starts_with("[regions.aliases] \"成都高新技术产业开发区\" = "),
            "{:?}",
            region.values[0]
        );
    }
}
