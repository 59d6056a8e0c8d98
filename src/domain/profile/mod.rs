//! Province profiles as data: the administrative divisions of every province (vendored from the
//! National Bureau of Statistics' 统计用区划代码 2023, with the names of the 2015–2022 editions
//! that 2023 no longer has, see data/divisions/README.md), the
//! resolution of a registry row's 所属地区 to the prefecture it is counted under, and the
//! per-province settings of a campaign (group label, rate decimals, account types, local region
//! names, the export's own headers and spellings) read from a small TOML file, and a campaign's
//! scope (the province, one city or one county) with the words its notice speaks in.
//!
//! Everything here is pure: the division data is compiled in and parsed at first use.
//!
//! ```
//! use audit::domain::profile::{province, Profile};
//!
//! let jiangsu = province("江苏").unwrap();
//! let profile = Profile::builtin(jiangsu);
//! let region = profile.resolve("昆山市", "昆山市人民政府").unwrap();
//! assert_eq!(region.prefecture.as_deref(), Some("苏州"));
//! assert_eq!(profile.types.classify("微信公众号"), "微信");
//! assert_eq!(profile.share(197, 219), "90%");
//! ```
#![warn(missing_docs)]

mod aliases;
mod config;
mod divisions;
mod names;
mod rate;
mod resolve;
mod scope;
mod spellings;
mod types;
mod words;
mod zones;

pub use aliases::AliasTable;
pub use config::{default_prefecture_label, Issuer, Profile, ProfileError};
pub use divisions::{province, provinces, Division, FormerName, Province};
pub(crate) use names::{edit_distance, shared_chars};
pub use rate::{RateStyle, Rounding, Shown, SMALL_BASE_MARK};
pub use resolve::{infer_province, InferError, Region, RegionAliases, RegionError};
pub use scope::{county_label, town_in, unit_kind, Children, Scope, ScopeError, ScopeUnit};
pub use spellings::ExportSpellings;
pub use types::{platform, TypeScheme, OTHER};
pub use words::{AnnexName, MakeupPart, ScopeWords};
pub use zones::Zone;
