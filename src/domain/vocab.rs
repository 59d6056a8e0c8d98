//! The closed vocabularies of a registry, as types: administrative level, operating status and
//! owner kind, each with its Chinese label and the notice's order. Registry spellings map to
//! them in `registry::normalize`; account types are data (the profile's type scheme), not an
//! enum, because provinces report different platforms.

/// Administrative level of the account's owner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// 省级: provincial departments and the provincial government.
    Province,
    /// 市级: prefecture-level cities and their departments.
    City,
    /// 县级: counties, districts, townships.
    #[default]
    County,
}

impl Level {
    /// Every level, in the notice's order.
    pub const ALL: [Level; 3] = [Level::Province, Level::City, Level::County];

    /// The label the registry and the report use.
    pub fn label(self) -> &'static str {
        match self {
            Level::Province => "省级",
            Level::City => "市级",
            Level::County => "县级",
        }
    }

    /// The level a label names (exactly, as written by `label`).
    pub fn parse(label: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.label() == label)
    }
}

/// Operating status of an account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// 正常: in operation; only these accounts form the sampling frame.
    #[default]
    Active,
    /// 停更: no longer updated.
    Stopped,
    /// 关停: shut down.
    Closed,
    /// 注销: deregistered.
    Deregistered,
}

impl Status {
    /// Every status, in the notice's order.
    pub const ALL: [Status; 4] = [
        Status::Active,
        Status::Stopped,
        Status::Closed,
        Status::Deregistered,
    ];

    /// The label the registry and the report use.
    pub fn label(self) -> &'static str {
        match self {
            Status::Active => "正常",
            Status::Stopped => "停更",
            Status::Closed => "关停",
            Status::Deregistered => "注销",
        }
    }

    /// The status a label names.
    pub fn parse(label: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.label() == label)
    }
}

/// Who the account speaks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OwnerKind {
    /// 政府: the account represents a government itself (take-all in the reference design).
    Government,
    /// 部门: a department (the default when a registry has no such column).
    #[default]
    Department,
    /// 其他单位: another unit (public institutions …).
    Other,
}

impl OwnerKind {
    /// Every owner kind, in the notice's order.
    pub const ALL: [OwnerKind; 3] = [
        OwnerKind::Government,
        OwnerKind::Department,
        OwnerKind::Other,
    ];

    /// The label the registry and the report use.
    pub fn label(self) -> &'static str {
        match self {
            OwnerKind::Government => "政府",
            OwnerKind::Department => "部门",
            OwnerKind::Other => "其他单位",
        }
    }

    /// The owner kind a label names.
    pub fn parse(label: &str) -> Option<OwnerKind> {
        OwnerKind::ALL.into_iter().find(|k| k.label() == label)
    }
}

/// The notice's two owner groups: provincial departments, and prefectures with everything below
/// them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OwnerGroup {
    /// 省级部门单位.
    Provincial,
    /// 设区市 (or the profile's label: 市(州) …), a city counting its counties.
    Prefecture,
}

impl OwnerGroup {
    /// The label where no province profile is at hand (campaign files): 省级部门单位 / 设区市.
    pub fn default_label(self) -> &'static str {
        match self {
            OwnerGroup::Provincial => "省级部门单位",
            OwnerGroup::Prefecture => "设区市",
        }
    }

    /// The group of a level.
    pub fn of(level: Level) -> OwnerGroup {
        match level {
            Level::Province => OwnerGroup::Provincial,
            Level::City | Level::County => OwnerGroup::Prefecture,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for l in Level::ALL {
            assert_eq!(Level::parse(l.label()), Some(l));
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.label()), Some(s));
        }
        for k in OwnerKind::ALL {
            assert_eq!(OwnerKind::parse(k.label()), Some(k));
        }
        assert_eq!(Level::parse("省"), None);
        assert_eq!(OwnerGroup::of(Level::County), OwnerGroup::Prefecture);
    }
}
