//! An alias section of a profile: spellings an office's files use, each mapped to the name the
//! README documents (`"推送末次时刻" = "最近发布时间"`). The profile only keeps the table; what the
//! names mean is for the reader of that kind of file to check (`monitor::headers` for
//! `[monitor.columns]`), so the profile needs to know nothing of the files it configures.

use std::collections::BTreeMap;

use super::config::ProfileError;

/// Spelling → documented name, compared without blanks, width or case.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AliasTable {
    /// Folded spelling → (spelling as written, target as written, trimmed).
    entries: BTreeMap<String, (String, String)>,
}

impl AliasTable {
    /// The table of a section (named in errors): a blank spelling or target is refused, and so
    /// is one spelling given twice with different targets (two spellings that fold alike).
    pub fn new(section: &'static str, raw: BTreeMap<String, String>) -> Result<Self, ProfileError> {
        let mut entries: BTreeMap<String, (String, String)> = BTreeMap::new();
        for (spelling, target) in raw {
            let key = crate::domain::text::match_key(&spelling);
            let target = target.trim().to_string();
            if key.is_empty() || target.is_empty() {
                return Err(ProfileError::EmptyAlias { section });
            }
            if let Some((first, other)) = entries.get(&key).filter(|(_, t)| *t != target) {
                return Err(ProfileError::AliasConflict {
                    section,
                    first: first.clone(),
                    second: spelling,
                    targets: format!("“{other}”和“{target}”"),
                });
            }
            entries.insert(key, (spelling, target));
        }
        Ok(AliasTable { entries })
    }

    /// The target of a spelling, if the table maps it.
    pub fn get(&self, spelling: &str) -> Option<&str> {
        self.entries
            .get(&crate::domain::text::match_key(spelling))
            .map(|(_, t)| t.as_str())
    }

    /// (spelling, target) as written, in folded-spelling order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.values().map(|(s, t)| (s.as_str(), t.as_str()))
    }

    /// Whether the table maps nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn spellings_fold_and_blanks_or_conflicts_are_refused() {
        let t = AliasTable::new(
            "[monitor.columns]",
            raw(&[("推送 末次时刻", " 最近发布时间 ")]),
        )
        .unwrap();
        assert_eq!(t.get("推送末次时刻"), Some("最近发布时间"));
        assert_eq!(
            t.iter().collect::<Vec<_>>(),
            [("推送 末次时刻", "最近发布时间")]
        );
        assert_eq!(
            AliasTable::new("[monitor.columns]", raw(&[(" ", "留言数")])),
            Err(ProfileError::EmptyAlias {
                section: "[monitor.columns]"
            })
        );
        let e = AliasTable::new(
            "[monitor.columns]",
            raw(&[("ＡＢ", "留言数"), ("ab", "未回复数")]),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "[monitor.columns] “ab”与“ＡＢ”是同一写法,却分别指向“未回复数”和“留言数”"
        );
    }
}
