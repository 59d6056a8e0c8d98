//! How an office's registry export spells its headers and values, as a profile adds to the
//! built-in lists: `[columns]`, `[levels.aliases]`, `[statuses.aliases]`, `[owner_kinds.aliases]`.

use crate::domain::vocab::{Aliases, ColumnAliases, Field, Level, OwnerKind, Status};

/// The profile's own spellings of an export's headers, levels, statuses and owner kinds; each
/// lookup falls back on the built-in list, so an empty table is the built-in behaviour.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportSpellings {
    /// `[columns]`: the export's header → the field it holds.
    pub columns: ColumnAliases,
    /// `[levels.aliases]`: a spelling → 省级/市级/县级.
    pub levels: Aliases<Level>,
    /// `[statuses.aliases]`: a spelling → 正常/停更/关停/注销.
    pub statuses: Aliases<Status>,
    /// `[owner_kinds.aliases]`: a spelling → 政府/部门/其他单位.
    pub owner_kinds: Aliases<OwnerKind>,
}

impl ExportSpellings {
    /// The field a header names (the profile's `[columns]`, else the built-in list).
    pub fn field(&self, header: &str) -> Option<Field> {
        self.columns.resolve(header)
    }

    /// The level a spelling names.
    pub fn level(&self, raw: &str) -> Option<Level> {
        self.levels.resolve(raw)
    }

    /// The status a spelling names.
    pub fn status(&self, raw: &str) -> Option<Status> {
        self.statuses.resolve(raw)
    }

    /// The owner kind a spelling names.
    pub fn owner_kind(&self, raw: &str) -> Option<OwnerKind> {
        self.owner_kinds.resolve(raw)
    }
}
