//! Importing a registry export into a campaign (`audit import`): read and check the file, choose
//! the province, compare with the previous quarter, and write registry.csv, rejects.csv and
//! registry_changes.csv in one commit.
//!
//! It lives in the store, not in the pure `registry` core, because it reads a file and writes the
//! campaign; the checks themselves are `registry`'s. The command, the demo and the benchmark all
//! call [`import`] with a typed [`ImportRequest`] (no clap types), so they import the same way.

mod shape;
mod summary;

pub use summary::{Notice, SummaryLine};

use crate::domain::csv_text::csv_bytes;
use crate::domain::profile::{Profile, ProfileError};
use crate::domain::registry::{self, Registry, RegistryDiff};
use crate::formats::read::CsvEncoding;
use crate::formats::registry_file::{self, Imported, RegistryFileError};
use crate::store::{Access, Campaign, RegistryEntry, StoreError};
use std::path::{Path, PathBuf};

/// What to import and how: the command line of `audit import`, already parsed into values.
#[derive(Clone, Debug, Default)]
pub struct ImportRequest {
    /// The registry export (.xlsx .xlsm .xlsb .xls .ods or .csv).
    pub file: PathBuf,
    /// The campaign folder, created when new.
    pub campaign: PathBuf,
    /// The sheet to read (default: the first).
    pub sheet: Option<String>,
    /// The previous quarter's campaign, for registry_changes.csv.
    pub previous: Option<PathBuf>,
    /// Refuse the whole file when any row is rejected.
    pub strict: bool,
    /// Replace a registry the campaign already has.
    pub force: bool,
    /// The CSV encoding (default: detected).
    pub encoding: Option<CsvEncoding>,
    /// The period, e.g. 2020Q1 (default: the folder's name when it has that form).
    pub period: Option<String>,
    /// A province named on the command line (`--province`).
    pub province: Option<String>,
    /// A province profile file (`--profile`), kept in the campaign.
    pub profile: Option<PathBuf>,
    /// A city or county of the province the campaign covers (`--scope`), instead of all of it.
    pub scope: Option<String>,
    /// The registry's as-of date (`--as-of`); default the title rows' 截至 date, else today.
    pub as_of: Option<chrono::NaiveDate>,
    /// The share of data rows, in percent, that may be rejected before the whole file is
    /// refused as misread (`--max-rejects`); None means [`DEFAULT_MAX_REJECTS`].
    pub max_rejects: Option<f64>,
}

/// The percentage of rejected rows above which an import is refused: a registry read with the
/// wrong column or spellings would otherwise become a campaign drawn from a fraction of it.
pub const DEFAULT_MAX_REJECTS: f64 = 5.0;

impl ImportRequest {
    /// A plain import of `file` into `campaign`, every option at its default.
    pub fn new(file: &Path, campaign: &Path) -> ImportRequest {
        ImportRequest {
            file: file.to_path_buf(),
            campaign: campaign.to_path_buf(),
            ..ImportRequest::default()
        }
    }
}

/// Why an import was refused; nothing is written then. Each message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// `--province` names no province we know.
    #[error("--province \"{0}\" 不是已知的省份;可写 江苏 或 江苏省")]
    UnknownProvince(String),
    /// The `--profile` file cannot be read.
    #[error("无法读取配置文件 {}", path.display())]
    ProfileUnreadable {
        /// The profile file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The `--profile` file is not UTF-8.
    #[error("{}: 配置文件应为 UTF-8 编码的 TOML", path.display())]
    ProfileNotUtf8 {
        /// The profile file.
        path: PathBuf,
    },
    /// The `--profile` file is not a valid profile.
    #[error("{}: {error}", path.display())]
    ProfileInvalid {
        /// The profile file.
        path: PathBuf,
        /// What is wrong with it (named `error`, not `source`: the message already says it).
        /// Boxed: it is large, and would make every import result as large.
        error: Box<ProfileError>,
    },
    /// The `--profile` file's `[monitor.columns]` maps a header to nothing the monitoring
    /// pre-fill reads: refused now rather than at `sheet --monitor`, when the profile is fixed.
    #[error("{}: {error}", path.display())]
    ProfileMonitorColumns {
        /// The profile file.
        path: PathBuf,
        /// What is wrong with it.
        error: crate::domain::monitor::headers::ColumnAliasError,
    },
    /// `--province` and the `--profile` file name different provinces.
    #[error("--province {given} 与配置文件 {} 的 province = {in_profile} 不一致", path.display())]
    ProvinceMismatch {
        /// The province `--province` names.
        given: String,
        /// The profile file.
        path: PathBuf,
        /// The province the profile names.
        in_profile: String,
    },
    /// The input file is inside the campaign folder, which the import would write over.
    #[error("{}: 输入文件在项目目录 {} 之内,导入会覆盖项目文件;请把台账放在项目目录之外", input.display(), dir.display())]
    OwnFile {
        /// The input file, canonical.
        input: PathBuf,
        /// The campaign folder, canonical.
        dir: PathBuf,
    },
    /// `--scope` names no unit of the province, or one several share.
    #[error("--scope: {0}")]
    Scope(Box<ProfileError>),
    /// `--scope` without a province names a unit of no province, or of several.
    #[error("--scope \"{name}\" {detail};请同时用 --province 指定省份")]
    ScopeProvince {
        /// The value given.
        name: String,
        /// What was found.
        detail: String,
    },
    /// `--scope` and the profile (or the campaign) name different scopes.
    #[error("--scope {given} 与{source_of}的检查范围 {other} 不一致")]
    ScopeMismatch {
        /// The scope `--scope` names.
        given: String,
        /// Where the other scope is from: "配置文件 X", "本项目".
        source_of: String,
        /// The other scope.
        other: String,
    },
    /// The previous campaign covers another scope.
    #[error("--previous {}: 上期项目的检查范围是{previous},本期是{current};上期项目应是同一范围的上一期", path.display())]
    PreviousScope {
        /// The previous campaign folder.
        path: PathBuf,
        /// Its scope.
        previous: String,
        /// This campaign's scope.
        current: String,
    },
    /// Most rows lie outside the scope: the scope is wrong, not the rows.
    #[error("{}: {outside} 行不属于{scope}(只导入 {imported} 个账号);检查范围可能不对,请检查 --scope 或配置文件的 scope", file.display())]
    WrongScope {
        /// The registry file.
        file: PathBuf,
        /// Rows outside the scope.
        outside: usize,
        /// The scope used.
        scope: String,
        /// Accounts taken.
        imported: usize,
    },
    /// The campaign already has a registry and `--force` was not given.
    #[error("{} 已导入台账;如需重新导入请加 --force(之后请重新抽样)", dir.display())]
    AlreadyImported {
        /// The campaign folder.
        dir: PathBuf,
    },
    /// Every row was rejected.
    #[error("{}: 没有可导入的账号,全部 {rejected} 行都被拒收;未写入任何内容", file.display())]
    NothingImported {
        /// The registry file.
        file: PathBuf,
        /// Rows rejected.
        rejected: usize,
    },
    /// More rows were rejected than `--max-rejects` allows: the file was most likely misread.
    #[error("{}: 数据行 {total} 行(不含空行、合计行{notes_note}{outside_note})中 {rejected} 行被拒收(占 {share}%),超过上限 {limit}%(--max-rejects);台账很可能没有被正确识别,未写入任何内容。\n{details}\n请按上面的提示修正台账或画像文件(--profile)后重新导入;如这些行确实应拒收,可加 --max-rejects {suggest}", file.display(), share = share_text(*.rejected, *.total), notes_note = notes_note(*.notes), outside_note = outside_note(*.outside))]
    TooManyRejects {
        /// The registry file.
        file: PathBuf,
        /// Rows rejected.
        rejected: usize,
        /// Data rows (blank ones not counted).
        total: u64,
        /// Rows outside a scoped campaign, left out of both counts.
        outside: usize,
        /// Notes under the table, left out of both counts.
        notes: u64,
        /// The limit, in percent (printed as f64 prints: 5, 12.5).
        limit: f64,
        /// The reasons by count with examples and the lines that would map unknown values.
        details: String,
        /// A limit that would let this file through.
        suggest: u64,
    },
    /// `--strict` and some rows were rejected.
    #[error("{}: {rejected} 行被拒收,--strict 模式下不导入任何内容", file.display())]
    Strict {
        /// The registry file.
        file: PathBuf,
        /// Rows rejected.
        rejected: usize,
    },
    /// Most rows belong to another province: the province is wrong, not the rows.
    #[error("{}: {foreign} 行的所属地区不属于{province}(只导入 {imported} 个账号);省份可能不对,请用 --province 或 --profile 指定正确的省份", file.display())]
    WrongProvince {
        /// The registry file.
        file: PathBuf,
        /// Rows whose region lies outside the province.
        foreign: usize,
        /// The province used.
        province: String,
        /// Accounts taken.
        imported: usize,
    },
    /// The previous campaign's registry cannot be read.
    #[error("无法读取上期项目 {}", path.display())]
    PreviousRegistry {
        /// The previous campaign folder.
        path: PathBuf,
        /// Why.
        source: StoreError,
    },
    /// The previous campaign is another province's.
    #[error("--previous {}: 上期项目是{previous}的,本期台账是{current}的;上期项目应是同一省份的上一期", path.display())]
    PreviousProvince {
        /// The previous campaign folder.
        path: PathBuf,
        /// Its province.
        previous: String,
        /// This registry's province.
        current: String,
    },
    /// The registry file could not be read.
    #[error(transparent)]
    Read(#[from] RegistryFileError),
    /// The campaign folder could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A CSV could not be written.
    #[error("无法生成 CSV: {0}")]
    Write(csv::Error),
}

/// What an import reports while it runs. The command shows a spinner and prints the notices; a
/// benchmark ignores both (the unit type `()` does nothing).
pub trait Observer {
    /// The file is about to be read (after the quick checks that may refuse at once).
    fn read_started(&mut self) {}
    /// Rows read so far, told now and then while the file is read.
    fn rows_read(&self, _rows: u64) {}
    /// The file has been read; nothing more to count.
    fn read_done(&self) {}
    /// A warning or hint for the user, told when it arises (also before a refusal).
    fn notice(&mut self, _notice: &Notice) {}
}

impl Observer for () {}

/// A finished import: what was read and written, for the summary.
pub struct ImportOutcome {
    /// The registry file imported (as given).
    pub file: PathBuf,
    /// The registry as read and checked.
    pub imported: Imported,
    /// The previous quarter's registry, when `--previous` was given.
    pub previous: Option<Registry>,
    /// How the registry changed against the previous one.
    pub diff: Option<RegistryDiff>,
    /// The campaign had a sample, now drawn from a registry that was replaced.
    pub stale_sample: bool,
    /// The as-of date recorded in the manifest.
    pub as_of: chrono::NaiveDate,
    /// Where the as-of date came from ("--as-of", "台账标题行", "导入日期").
    pub as_of_from: &'static str,
    /// The campaign's registry.csv.
    pub registry_path: PathBuf,
    /// The campaign's rejects.csv.
    pub rejects_path: PathBuf,
    /// The campaign's period (2020Q1) as recorded; None when neither `--period` nor the
    /// folder's name gave one (the summary then asks for it).
    pub period: Option<String>,
    /// The campaign's folder name, for that request.
    pub campaign_name: String,
}

/// Import a registry file into a campaign (created if new), all or nothing: on any refusal the
/// campaign is as it was, and a folder this call created is removed again.
pub fn import(
    req: &ImportRequest,
    observer: &mut dyn Observer,
) -> Result<ImportOutcome, ImportError> {
    refuse_own_file(&req.file, &req.campaign)?;
    if req.campaign.join(crate::store::MANIFEST).is_file() {
        // Refuse early, before a long read; checked again under the lock when committing.
        refuse_reimport(&Campaign::open(&req.campaign, Access::Read)?, req)?;
    }
    let given = match given_profile(req)? {
        Some(g) => Some(g),
        None => earlier_profile(req)?,
    };
    let given = scoped(req, given)?;
    let kept_profile = given.as_ref().and_then(|g| g.text.clone());
    let known = given.map(|g| (g.profile, g.from));
    // The registry is read before the campaign folder is created, so a bad file leaves nothing.
    let imp = read_registry(req, known, observer)?;
    let as_of = as_of_date(req, &imp, observer);
    refuse_wrong_province(req, &imp)?;
    refuse_wrong_scope(req, &imp)?;
    refuse_suspect(req, &imp)?;
    let mut camp = Campaign::open_or_create(&req.campaign, req.period.clone())?;
    match commit_import(&mut camp, req, &imp, as_of, kept_profile.as_deref()) {
        Ok(written) => Ok(ImportOutcome {
            file: req.file.clone(),
            imported: imp,
            previous: written.previous,
            diff: written.diff,
            stale_sample: written.stale_sample,
            as_of: as_of.0,
            as_of_from: as_of.1,
            registry_path: camp.path(crate::store::REGISTRY),
            rejects_path: camp.path(crate::store::REJECTS),
            period: camp.manifest.period.clone(),
            campaign_name: camp.manifest.name.clone(),
        }),
        Err(e) => {
            // A refusal leaves nothing: a folder this run created goes again.
            camp.abandon_if_created();
            Err(e)
        }
    }
}

/// A profile named on the command line.
struct GivenProfile {
    /// The profile.
    profile: Profile,
    /// "--profile" or "--province".
    from: &'static str,
    /// The --profile file's bytes, kept in the campaign.
    text: Option<Vec<u8>>,
}

/// The profile named in the request: --profile FILE (its text kept for the campaign), or the
/// built-in one of --province. Both given must agree.
fn given_profile(req: &ImportRequest) -> Result<Option<GivenProfile>, ImportError> {
    let named = match &req.province {
        Some(n) => Some(
            crate::domain::profile::province(n)
                .ok_or_else(|| ImportError::UnknownProvince(n.clone()))?,
        ),
        None => None,
    };
    let Some(path) = &req.profile else {
        return Ok(named.map(|p| GivenProfile {
            profile: Profile::builtin(p),
            from: "--province",
            text: None,
        }));
    };
    let bytes = std::fs::read(path).map_err(|source| ImportError::ProfileUnreadable {
        path: path.clone(),
        source,
    })?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ImportError::ProfileNotUtf8 { path: path.clone() })?;
    let profile = Profile::parse(text).map_err(|error| ImportError::ProfileInvalid {
        path: path.clone(),
        error: Box::new(error),
    })?;
    crate::domain::monitor::headers::ColumnAliases::new(&profile.monitor_columns).map_err(
        |error| ImportError::ProfileMonitorColumns {
            path: path.clone(),
            error,
        },
    )?;
    if let Some(p) = named {
        if p.code != profile.province.code {
            return Err(ImportError::ProvinceMismatch {
                given: p.name.to_string(),
                path: path.clone(),
                in_profile: profile.province.name.to_string(),
            });
        }
    }
    Ok(Some(GivenProfile {
        profile,
        from: "--profile",
        text: Some(bytes),
    }))
}

/// The profile of a re-import or of the previous quarter, when neither --province nor
/// --profile is given: a campaign keeps its province, its profile file and its scope.
fn earlier_profile(req: &ImportRequest) -> Result<Option<GivenProfile>, ImportError> {
    for (dir, from) in [
        (Some(&req.campaign), "本项目"),
        (req.previous.as_ref(), "上期项目"),
    ] {
        let Some(dir) = dir else { continue };
        if !dir.join(crate::store::MANIFEST).is_file() {
            continue;
        }
        // A campaign read on the side is never waited for (two commands could hold each
        // other's); our own is checked again under the write lock.
        let camp = Campaign::open_no_wait(dir, Access::Read)?;
        if camp.manifest.province.is_some() {
            return Ok(Some(GivenProfile {
                profile: camp.profile()?,
                from,
                text: camp.profile_text()?,
            }));
        }
    }
    Ok(None)
}

/// Read and check the registry file, then refuse it when nothing (or, with --strict, not
/// everything) can be imported; the rows refused are told to the observer first.
fn read_registry(
    req: &ImportRequest,
    known: Option<(Profile, &'static str)>,
    observer: &mut dyn Observer,
) -> Result<Imported, ImportError> {
    observer.read_started();
    let progress = |n: u64| observer.rows_read(n);
    let read = registry_file::read(
        &req.file,
        req.sheet.as_deref(),
        req.encoding,
        known,
        &progress,
    );
    observer.read_done();
    let imp = read?;
    let file = req.file.display().to_string();
    let tell_rejects = |observer: &mut dyn Observer, limit: usize| {
        for r in imp.rejects.iter().take(limit) {
            observer.notice(&Notice::RejectedRow {
                file: file.clone(),
                row: r.row,
                detail: r.detail.clone(),
            });
        }
    };
    if imp.registry.accounts.is_empty() {
        tell_rejects(observer, 10);
        return Err(ImportError::NothingImported {
            file: req.file.clone(),
            rejected: imp.rejects.len(),
        });
    }
    if req.strict && !imp.rejects.is_empty() {
        tell_rejects(observer, usize::MAX);
        return Err(ImportError::Strict {
            file: req.file.clone(),
            rejected: imp.rejects.len(),
        });
    }
    Ok(imp)
}

/// The registry's as-of date and where it came from: --as-of, the title rows, else today (with
/// a hint). A date far from the campaign's quarter is most likely a typo: a notice says so.
fn as_of_date(
    req: &ImportRequest,
    imp: &Imported,
    observer: &mut dyn Observer,
) -> (chrono::NaiveDate, &'static str) {
    let dates = match (req.as_of, imp.title_as_of) {
        (Some(d), _) => (d, "--as-of"),
        (None, Some(d)) => (d, "台账标题行"),
        (None, None) => {
            observer.notice(&match &imp.title_as_of_text {
                Some(t) => Notice::AsOfUnreadable(t.clone()),
                None => Notice::AsOfMissing,
            });
            (chrono::Local::now().date_naive(), "导入日期")
        }
    };
    let folder_period = req
        .campaign
        .file_name()
        .and_then(|n| crate::store::period_from_name(&n.to_string_lossy()));
    let period = req.period.clone().or(folder_period);
    if implausible_as_of(dates.0, period.as_deref()) {
        observer.notice(&Notice::AsOfFar {
            as_of: dates.0,
            period,
        });
    }
    dates
}

/// More than a year from the period's year (or, with no period, before 2000 or in the future).
fn implausible_as_of(as_of: chrono::NaiveDate, period: Option<&str>) -> bool {
    use chrono::Datelike;
    match period.and_then(|p| p.get(..4)?.parse::<i32>().ok()) {
        Some(year) => (as_of.year() - year).abs() > 1,
        None => as_of.year() < 2000 || as_of > chrono::Local::now().date_naive(),
    }
}

/// The profile with `--scope` applied: on the profile given or kept, else on the province that
/// has a unit of that name. A profile (or campaign) scoped elsewhere is refused.
fn scoped(
    req: &ImportRequest,
    given: Option<GivenProfile>,
) -> Result<Option<GivenProfile>, ImportError> {
    let Some(name) = &req.scope else {
        return Ok(given);
    };
    let mut g = match given {
        Some(g) => g,
        None => GivenProfile {
            profile: Profile::builtin(province_of_scope(name)?),
            from: "--scope",
            text: None,
        },
    };
    let before = g.profile.scope.clone();
    g.profile
        .set_scope(name)
        .map_err(|e| ImportError::Scope(Box::new(e)))?;
    if before.unit().is_some() && before != g.profile.scope {
        let source_of = match (&req.profile, g.from) {
            (Some(p), "--profile") => format!("配置文件 {}", p.display()),
            (_, from) => from.to_string(),
        };
        return Err(ImportError::ScopeMismatch {
            given: g.profile.scope.name(g.profile.province).to_string(),
            source_of,
            other: before.name(g.profile.province).to_string(),
        });
    }
    Ok(Some(g))
}

/// The one province with a prefecture- or county-level unit named `name`.
fn province_of_scope(name: &str) -> Result<&'static crate::domain::profile::Province, ImportError> {
    use crate::domain::profile::{provinces, Scope};
    let found: Vec<_> = provinces()
        .iter()
        .filter(|p| matches!(Scope::parse(p, name), Ok(Scope::Unit(_))))
        .collect();
    match found[..] {
        [one] => Ok(one),
        [] => Err(ImportError::ScopeProvince {
            name: name.to_string(),
            detail: "不是任何省份的市或县(市、区)".into(),
        }),
        _ => Err(ImportError::ScopeProvince {
            name: name.to_string(),
            detail: format!(
                "在{}都有",
                found
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        }),
    }
}

/// Most rows outside a city's or county's scope mean the scope is wrong, not the rows.
fn refuse_wrong_scope(req: &ImportRequest, imp: &Imported) -> Result<(), ImportError> {
    let outside = imp
        .rejects
        .iter()
        .filter(|r| r.reason == registry::RejectReason::OutsideScope)
        .count();
    if outside > imp.registry.accounts.len() {
        return Err(ImportError::WrongScope {
            file: req.file.clone(),
            outside,
            scope: imp.profile.scope.name(imp.profile.province).to_string(),
            imported: imp.registry.accounts.len(),
        });
    }
    Ok(())
}

/// Most rows of another province mean the province is wrong, not the rows.
fn refuse_wrong_province(req: &ImportRequest, imp: &Imported) -> Result<(), ImportError> {
    let foreign = imp.rejects.count(registry::RejectReason::ForeignRegion);
    if foreign > imp.registry.accounts.len() {
        return Err(ImportError::WrongProvince {
            file: req.file.clone(),
            foreign,
            province: imp.profile.province.name.to_string(),
            imported: imp.registry.accounts.len(),
        });
    }
    Ok(())
}

/// "、不属于检查范围的 N 行" for the refusal's count of data rows, when there are such rows.
/// The share of rows rejected, printed as rates are (domain::profile::rate), cut at two
/// decimals: never rounded up.
fn share_text(rejected: usize, total: u64) -> String {
    let style = crate::domain::profile::RateStyle {
        decimals: 2,
        rounding: crate::domain::profile::Rounding::Truncate,
        keep_zeros: false,
        mark_below: 0,
    };
    style
        .percent(rejected as u64, total)
        .trim_end_matches('%')
        .to_string()
}

fn notes_note(notes: u64) -> String {
    match notes {
        0 => String::new(),
        n => format!("、表格下方说明 {n} 行"),
    }
}

fn outside_note(outside: usize) -> String {
    match outside {
        0 => String::new(),
        n => format!("、不属于检查范围的 {n} 行"),
    }
}

/// More rejected rows than `--max-rejects` allows (5% by default) mean the file was misread
/// (an unknown column, the office's own spellings): refused, with the reasons by count, a few
/// examples each and the profile lines that would map what was not understood. A 合计 row is
/// no account, and a row of another city or county in a scoped campaign is an account the tool
/// placed and knows is not this campaign's (`refuse_wrong_scope` refuses when they are most):
/// neither counts either way.
fn refuse_suspect(req: &ImportRequest, imp: &Imported) -> Result<(), ImportError> {
    let limit = req.max_rejects.unwrap_or(DEFAULT_MAX_REJECTS);
    let understood = imp.rejects.count(registry::RejectReason::TotalRow)
        + imp.rejects.count(registry::RejectReason::OutsideScope);
    let rejected = imp.rejects.len() - understood;
    let total = imp
        .rows_read
        .saturating_sub(imp.blank_rows)
        .saturating_sub(imp.shape.note_rows)
        .saturating_sub(understood as u64);
    if total == 0 || (rejected as f64) * 100.0 <= limit * total as f64 {
        return Ok(());
    }
    let share = rejected as f64 * 100.0 / total as f64;
    Err(ImportError::TooManyRejects {
        file: req.file.clone(),
        rejected,
        total,
        outside: imp.rejects.count(registry::RejectReason::OutsideScope),
        notes: imp.shape.note_rows,
        limit,
        details: suspect_details(req, imp, total),
        suggest: share.ceil() as u64,
    })
}

/// The reasons by count with examples, and when a required column is empty in many rows of a
/// file without merged cells, the likely cause: a sheet whose merged cells (开设主体 over a
/// unit's rows) were saved as CSV or unmerged keeps the value in the first row only. Raising
/// `--max-rejects` would then drop those accounts; the original workbook imports them.
fn suspect_details(req: &ImportRequest, imp: &Imported, total: u64) -> String {
    let mut lines = summary::reject_report(imp, &req.file.display().to_string(), 3);
    // A formula saved without its result reads as empty: often the very values found missing.
    lines.extend(shape::cell_lines(&imp.shape).into_iter().map(|l| match l {
        summary::SummaryLine::Out(t) | summary::SummaryLine::Err(t) => format!("  {t}"),
    }));
    let missing = imp.rejects.count(registry::RejectReason::MissingValue) as u64;
    let first = imp
        .rejects
        .kept()
        .iter()
        .find(|r| r.reason == registry::RejectReason::MissingValue);
    if let Some(r) = first.filter(|_| missing * 5 >= total && imp.shape.merged_in_data == 0) {
        let what = r.detail.trim_start_matches("缺少 ");
        lines.push(format!(
            "  提示: {missing} 行缺少必填值(如 {what})。如果原表中这一列是合并单元格(一个单位的几行合并成一格),另存为 CSV 或取消合并后只有每组第一行有值:请直接导入原来的 .xlsx(合并单元格的值会填入区域内的每一行),或先在原表中把这一列填满;不要为此提高 --max-rejects,那会把这些账号全部丢掉"
        ));
    }
    lines.join("\n")
}

/// Refuse an input file that is one of the campaign's own files: import never writes over it.
fn refuse_own_file(input: &Path, dir: &Path) -> Result<(), ImportError> {
    let (Ok(input), Ok(dir)) = (input.canonicalize(), dir.canonicalize()) else {
        return Ok(());
    };
    if input.starts_with(&dir) {
        return Err(ImportError::OwnFile { input, dir });
    }
    Ok(())
}

/// A campaign that has a registry takes another only with --force.
fn refuse_reimport(camp: &Campaign, req: &ImportRequest) -> Result<(), ImportError> {
    if camp.manifest.registry.is_some() && !req.force {
        return Err(ImportError::AlreadyImported {
            dir: req.campaign.clone(),
        });
    }
    Ok(())
}

/// The previous quarter's registry, classified with this quarter's type scheme; refused when
/// it is another province's.
fn previous_registry(
    camp: &Campaign,
    path: &Path,
    imp: &Imported,
) -> Result<Registry, ImportError> {
    let prev =
        crate::store::records::open_previous(camp, std::slice::from_ref(&path.to_path_buf()))?;
    let mut reg = prev[0]
        .registry()
        .map_err(|source| ImportError::PreviousRegistry {
            path: path.to_path_buf(),
            source,
        })?;
    let prev_profile = prev[0].profile()?;
    if prev_profile.province.code != imp.profile.province.code {
        return Err(ImportError::PreviousProvince {
            path: path.to_path_buf(),
            previous: prev_profile.province.name.to_string(),
            current: imp.profile.province.name.to_string(),
        });
    }
    if prev_profile.scope != imp.profile.scope {
        return Err(ImportError::PreviousScope {
            path: path.to_path_buf(),
            previous: prev_profile.scope.name(prev_profile.province).to_string(),
            current: imp.profile.scope.name(imp.profile.province).to_string(),
        });
    }
    // Compare like with like when the type scheme changed between the quarters.
    if prev_profile.types != imp.profile.types {
        reg.reclassify_types(&imp.profile.types);
    }
    Ok(reg)
}

/// What [`commit_import`] leaves for the summary.
struct Written {
    previous: Option<Registry>,
    diff: Option<RegistryDiff>,
    stale_sample: bool,
}

/// Write the imported registry into the campaign (created if new) in one commit.
fn commit_import(
    camp: &mut Campaign,
    req: &ImportRequest,
    imp: &Imported,
    (as_of, as_of_from): (chrono::NaiveDate, &str),
    profile_text: Option<&[u8]>,
) -> Result<Written, ImportError> {
    refuse_reimport(camp, req)?;
    if req.period.is_some() {
        camp.manifest.period = req.period.clone();
    }
    // Imported data is real data, whatever the folder held before (the demo marks its own).
    camp.manifest.simulated = false;
    let previous = match &req.previous {
        Some(p) => Some(previous_registry(camp, p, imp)?),
        None => None,
    };
    let diff = previous.as_ref().map(|p| registry::diff(p, &imp.registry));
    let mut txn = camp.begin()?;
    if let (Some(prev), Some(d)) = (&previous, &diff) {
        let rows = changes_table(prev, &imp.registry, d);
        txn.put(crate::store::CHANGES, &csv_table(CHANGES_HEADER, &rows)?)?;
    }
    let registry_sha256 = txn.put_with(crate::store::REGISTRY, |w| {
        crate::domain::csv_text::write_registry_csv(w, &imp.registry).map_err(std::io::Error::other)
    })?;
    let file = req.file.display().to_string();
    txn.put(
        crate::store::REJECTS,
        &csv_table(REJECTS_HEADER, &rejects_rows(&file, imp))?,
    )?;
    camp.manifest.province = Some(imp.profile.province.name.clone());
    camp.manifest.scope = imp.profile.scope.unit().map(|u| u.division.name.clone());
    if let Some(text) = profile_text {
        txn.put(crate::store::PROFILE, text)?;
        camp.manifest.profile_sha256 = Some(crate::domain::digest::sha256_hex(text));
    } else if camp.manifest.profile_sha256.is_some() && req.province.is_some() {
        // --province alone replaces an earlier --profile.
        txn.remove(crate::store::PROFILE);
        camp.manifest.profile_sha256 = None;
    }
    camp.secret_or_create(&mut txn, false)?;
    let stale_sample = camp.manifest.sample.is_some();
    let mut entry = registry_entry(req, imp, registry_sha256)?;
    entry.as_of = Some(as_of);
    entry.as_of_from = Some(as_of_from.to_string());
    camp.manifest.registry = Some(entry);
    camp.commit(txn)?;
    Ok(Written {
        previous,
        diff,
        stale_sample,
    })
}

/// The manifest's record of this import (the as-of date is filled in by the caller).
fn registry_entry(
    req: &ImportRequest,
    imp: &Imported,
    sha256: String,
) -> Result<RegistryEntry, ImportError> {
    Ok(RegistryEntry {
        source_file: req
            .file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        source_sha256: crate::store::sha256_file(&req.file)?,
        sheet: imp.sheet.clone(),
        encoding: imp.encoding.map(|e| e.to_string()),
        header_row: imp.header_row,
        rows_read: imp.rows_read,
        imported: imp.registry.accounts.len() as u64,
        rejected: imp.rejects.len() as u64,
        rejected_by_reason: rejected_by_reason(imp),
        duplicates_merged: imp.merged.len() as u64,
        blank_rows: imp.blank_rows,
        active: imp.registry.active().count() as u64,
        file: crate::store::REGISTRY.into(),
        sha256,
        imported_at: crate::store::now(),
        as_of: None,
        as_of_from: None,
        previous: req.previous.as_ref().map(|p| p.display().to_string()),
    })
}

/// registry_changes.csv's header.
const CHANGES_HEADER: &[&str] = &["账号ID", "名称", "变化", "原值", "新值"];

/// rejects.csv's header.
const REJECTS_HEADER: &[&str] = &["源文件", "工作表", "行号", "原因", "说明", "原始内容"];

/// A CSV file's bytes (see [`csv_bytes`]), the header given as static labels.
fn csv_table(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, ImportError> {
    let header: Vec<String> = header.iter().map(|s| s.to_string()).collect();
    csv_bytes(&header, rows).map_err(ImportError::Write)
}

/// The registry_changes.csv rows: added, gone, type and owner changes.
fn changes_table(prev: &Registry, cur: &Registry, d: &RegistryDiff) -> Vec<Vec<String>> {
    let (now, old) = (cur.by_id(), prev.by_id());
    let name_of = |id: &str| {
        now.get(id)
            .or(old.get(id))
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let row = |id: &str, what: &str, a: &str, b: &str| {
        vec![id.to_string(), name_of(id), what.into(), a.into(), b.into()]
    };
    let mut rows = Vec::new();
    for id in &d.added {
        rows.push(row(id, "新增", "", ""));
    }
    for id in &d.gone {
        let status = now.get(id.as_str()).map(|a| a.status.label());
        rows.push(row(id, "减少", "正常", status.unwrap_or("已移出台账")));
    }
    for (id, a, b) in &d.type_changed {
        rows.push(row(id, "类型变更", a, b));
    }
    for (id, a, b) in &d.owner_changed {
        rows.push(row(id, "开设主体变更", a, b));
    }
    rows
}

/// Rows rejected by reason label, for the manifest (the report's make-up and draft say them):
/// every row, also those past the ones kept.
fn rejected_by_reason(imp: &Imported) -> std::collections::BTreeMap<String, u64> {
    imp.rejects
        .by_reason()
        .iter()
        .map(|(reason, n)| (reason.label().to_string(), *n as u64))
        .collect()
}

/// The rejects.csv rows, by row: every row not imported (the rejected ones and the identical
/// copies merged into an earlier row) with source file, sheet, row, reason, explanation, cells.
/// Rows past [`registry::MAX_KEPT_REJECTS`] of either kind are counted in a last row, not
/// listed.
fn rejects_rows(file: &str, imp: &Imported) -> Vec<Vec<String>> {
    let sheet = imp.sheet.clone().unwrap_or_default();
    let mut all: Vec<&registry::Reject> = imp.rejects.iter().chain(&imp.merged).collect();
    all.sort_by_key(|r| r.row);
    let mut rows: Vec<Vec<String>> = all
        .into_iter()
        .map(|r| {
            vec![
                file.to_string(),
                sheet.clone(),
                r.row.to_string(),
                r.reason.label().to_string(),
                r.detail.clone(),
                r.cells.join(" | "),
            ]
        })
        .collect();
    for (list, what) in [(&imp.rejects, "被拒收"), (&imp.merged, "重复行(已合并)")] {
        let omitted = list.omitted();
        if omitted > 0 {
            rows.push(vec![
                file.to_string(),
                sheet.clone(),
                String::new(),
                "未列出".to_string(),
                format!(
                    "共 {} 行{what},以上只列出前 {} 行,其余 {omitted} 行只计数",
                    list.len(),
                    list.len() - omitted
                ),
                String::new(),
            ]);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keeps the notices, to check what the user would have been told.
    #[derive(Default)]
    struct Recorder(Vec<Notice>);

    impl Observer for Recorder {
        fn notice(&mut self, notice: &Notice) {
            self.0.push(notice.clone());
        }
    }

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name)
    }

    /// The library API alone (no clap types) imports, tells the missing 截至 date, refuses a
    /// second import without --force and takes it with.
    #[test]
    fn imports_through_the_typed_request() {
        let tmp = tempfile::tempdir().unwrap();
        // A folder not named for a quarter: today is then a plausible as-of date.
        let (file, dir) = (fixture("current.csv"), tmp.path().join("c"));
        let mut told = Recorder::default();
        let outcome = import(&ImportRequest::new(&file, &dir), &mut told).unwrap();
        assert!(!outcome.imported.registry.accounts.is_empty());
        assert!(outcome.registry_path.is_file() && outcome.rejects_path.is_file());
        assert_eq!(outcome.as_of_from, "导入日期");
        assert_eq!(told.0, [Notice::AsOfMissing]);
        let first = outcome.summary().into_iter().next();
        assert!(
            matches!(&first, Some(SummaryLine::Out(l)) if l.starts_with("已导入 ")),
            "{first:?}"
        );
        let again = import(&ImportRequest::new(&file, &dir), &mut ()).err();
        assert!(
            matches!(again, Some(ImportError::AlreadyImported { .. })),
            "{again:?}"
        );
        let forced = ImportRequest {
            force: true,
            as_of: chrono::NaiveDate::from_ymd_opt(2020, 3, 20),
            ..ImportRequest::new(&file, &dir)
        };
        let outcome = import(&forced, &mut ()).unwrap();
        assert_eq!(
            (outcome.as_of.to_string().as_str(), outcome.as_of_from),
            ("2020-03-20", "--as-of")
        );
    }

    /// A refused first import leaves no folder, and the refusal is typed.
    #[test]
    fn a_refused_first_import_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("c");
        let req = ImportRequest {
            province: Some("火星".into()),
            ..ImportRequest::new(&fixture("current.csv"), &dir)
        };
        let err = import(&req, &mut ()).err();
        assert!(
            matches!(&err, Some(ImportError::UnknownProvince(p)) if p == "火星"),
            "{err:?}"
        );
        assert!(!dir.exists());
    }
}
