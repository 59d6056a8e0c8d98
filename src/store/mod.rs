//! The campaign store: the only code that reads or writes a campaign folder.
//!
//! A campaign is a folder with `campaign.toml` (the manifest) and the files it lists. Commands
//! open it through [`Campaign::open`] (taking the OS lock, see [`lock`]), read typed values from
//! it, and change it only through a [`Txn`] committed with [`Campaign::commit`], so every change
//! of several files lands whole or not at all (see [`txn`]). File names and the schemas of the
//! files read back live here ([`records`]).

pub mod day;
pub mod evidence;
pub mod in_use;
pub mod lock;
pub mod output;
pub mod records;
pub mod rectify_record;
pub mod txn;

pub use crate::domain::signature::Secret;
pub use lock::{CampaignLock, LockMode};
pub use records::SampleMark;
pub use txn::Txn;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The manifest.
pub const MANIFEST: &str = "campaign.toml";
/// The campaign's signing key (see [`Secret`]); never copied into a workbook.
pub const SECRET_FILE: &str = "secret.key";
/// The imported registry, canonical columns.
pub const REGISTRY: &str = "registry.csv";
/// Rows of the registry file that were not imported, with the reason.
pub const REJECTS: &str = "rejects.csv";
/// Accounts added, gone or changed since the previous registry.
pub const CHANGES: &str = "registry_changes.csv";
/// The drawn sample with its design columns.
pub const SAMPLE: &str = "sample.csv";
/// Copies of the id lists and quota a sample was drawn with.
pub const DESIGN_DIR: &str = "design";
/// The indicator catalog fixed at sheet time.
pub const CATALOG: &str = "catalog.toml";
/// The province profile given to import with --profile, kept for the campaign.
pub const PROFILE: &str = "profile.toml";
/// The inspector workbooks.
pub const SHEETS_DIR: &str = "sheets";
/// Every answer pre-filled from monitoring data, with its evidence (`sheet --monitor`).
pub const MONITOR_PREFILL: &str = "monitor_prefill.csv";
/// The rows of the monitoring export that matched no sampled account.
pub const MONITOR_UNMATCHED: &str = "monitor_unmatched.csv";
/// Every accepted returned workbook, by checksum.
pub const INBOX_DIR: &str = "inbox";
/// Every accepted answer row (all versions of all workbooks).
pub const ANSWERS: &str = "answers.csv";
/// One merged result per checked account.
pub const RESULTS: &str = "results.csv";
/// Accounts whose answers disagree.
pub const CONFLICTS: &str = "conflicts.csv";
/// The report folder inside the campaign.
pub const REPORT_DIR: &str = "report";

static WAIT: AtomicBool = AtomicBool::new(false);

/// Make every later lock request wait for the other command instead of failing (`--wait`).
pub fn set_wait(wait: bool) {
    WAIT.store(wait, Ordering::SeqCst);
}

/// What can go wrong with a campaign folder. Messages are for the user.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process holds the lock.
    #[error("项目 {} 正被另一个 audit 命令使用{},请稍后再试(或加 --wait 等待)", dir.display(), pid.map(|p| format!("(进程 {p})")).unwrap_or_default())]
    Busy {
        /// The campaign folder.
        dir: PathBuf,
        /// The holder's process id, where it could be read.
        pid: Option<u32>,
    },
    /// A file is open in another program (Windows refuses to replace it).
    #[error("{}: 文件被其他程序占用(可能在 Excel 中打开),请关闭后重试", path.display())]
    FileInUse {
        /// The file.
        path: PathBuf,
    },
    /// A committed change could not be finished because a file was opened meanwhile; the
    /// journal keeps it, and the next command finishes it.
    #[error("{}: 文件被其他程序占用(可能在 Excel 中打开)。更改已经保存,但还差这一步没有完成;关闭该文件后再运行任一 audit 命令(例如 status)即可自动完成", path.display())]
    FinishLater {
        /// The file.
        path: PathBuf,
    },
    /// Any other I/O failure, with the file.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// secret.key is gone while workbooks it signed are out (or its fingerprint is recorded).
    #[error("{}: 项目密钥缺失。已发出的 {workbooks} 份工作簿都由它签名,请从备份中恢复这个文件(restore it from your backup);重新生成密钥(--new-secret)会使这些工作簿全部无法核验、被当作伪造而拒收", path.display())]
    SecretMissing {
        /// Where the key belongs.
        path: PathBuf,
        /// Workbooks out that it signed.
        workbooks: usize,
    },
    /// A file the store wrote cannot be parsed.
    #[error("{}: 文件已损坏或被改动: {detail}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The folder has no manifest.
    #[error("{} 不是检查抽查项目目录(缺少 {MANIFEST}){hint}", dir.display())]
    NotCampaign {
        /// The folder.
        dir: PathBuf,
        /// What to do: the nearest existing campaign when the name looks misspelt, else how to
        /// start one.
        hint: String,
    },
    /// A new campaign would sit inside another campaign's folder (its sheets/, report/ …).
    #[error("{} 在项目 {} 的目录之内;项目目录不能嵌套,请把新项目放在其他项目之外(例如与它并列)", dir.display(), campaign.display())]
    InsideCampaign {
        /// The folder asked for.
        dir: PathBuf,
        /// The campaign that holds it.
        campaign: PathBuf,
    },
    /// A folder holding files that are not a campaign: never written into.
    #[error("{} 中已有其他文件,但不是 audit 项目(缺少 {MANIFEST});为免覆盖,不会写入。请换一个新的或空的目录", dir.display())]
    ForeignFolder {
        /// The folder.
        dir: PathBuf,
    },
    /// catalog.toml differs from the one the workbooks were made with.
    #[error("{}: 指标目录在生成检查表后被改动(SHA-256 与清单记录不一致),不能据此收回或出报告;请恢复原文件", path.display())]
    CatalogChanged {
        /// The catalog file.
        path: PathBuf,
    },
    /// A file where the tool would write one of its outputs, which the tool did not write: it
    /// is neither replaced nor removed.
    #[error("{} 不是 audit 生成的文件,不会覆盖;请先把它移走", path.display())]
    NotOurs {
        /// The file.
        path: PathBuf,
    },
    /// One of the tool's outputs changed since it was written (someone may have filled or
    /// edited it): it is neither replaced nor removed.
    #[error("{} 在生成后被改动过(可能已在其中填写或编辑),为免丢失不会覆盖或删除;请先把它移走", path.display())]
    ChangedSince {
        /// The file.
        path: PathBuf,
    },
    /// A step that needs an earlier one.
    #[error("{0}")]
    Missing(String),
    /// A request that would harm the record (a report written into the campaign's files, a
    /// registry whose regions are not the recorded province's).
    #[error("{0}")]
    Refused(String),
    /// A bug: a value the store made cannot be written.
    #[error("内部错误: {0}")]
    Internal(String),
}

impl StoreError {
    /// An I/O error on `path`; on an existing file, a sharing violation or access denied (what
    /// Windows gives for a file another program holds open) becomes [`StoreError::FileInUse`].
    pub fn io(path: &Path, source: std::io::Error) -> StoreError {
        if in_use::is_in_use(&source) && path.exists() {
            return StoreError::FileInUse {
                path: path.to_path_buf(),
            };
        }
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Rename `from` over `to`. std's rename replaces an existing file on Unix and Windows alike
/// (MoveFileExW with MOVEFILE_REPLACE_EXISTING); a file open in Excel gives a clear error.
pub fn rename_replacing(from: &Path, to: &Path) -> Result<(), StoreError> {
    std::fs::rename(from, to).map_err(|e| StoreError::io(to, e))
}

/// The local time now, as the manifest records times.
pub fn now() -> String {
    chrono::Local::now()
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// SHA-256 of a file, streamed, hex.
pub fn sha256_file(path: &Path) -> Result<String, StoreError> {
    let mut file = std::fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
    let mut h = Sha256::new();
    std::io::copy(&mut file, &mut h).map_err(|e| StoreError::io(path, e))?;
    Ok(crate::domain::digest::hex(&h.finalize()))
}

/// The manifest: what the campaign holds and how each part was made.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// The campaign's name (its folder's name when created).
    pub name: String,
    /// A random id, so that a copy of a folder under another name is still known as itself.
    #[serde(default)]
    pub id: String,
    /// The quarter, e.g. "2020Q1", when known (from `--period` or the folder's name).
    #[serde(default)]
    pub period: Option<String>,
    /// When the campaign was created.
    pub created: String,
    /// The tool version that last wrote the manifest.
    pub tool_version: String,
    /// The province, full name ("江苏省"); campaigns from before provinces existed are Jiangsu's.
    #[serde(default)]
    pub province: Option<String>,
    /// SHA-256 of profile.toml, when import was given --profile.
    #[serde(default)]
    pub profile_sha256: Option<String>,
    /// The city or county the campaign covers (official name, "无锡市"), from the profile's
    /// `scope` or `import --scope`; absent for a province-wide campaign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Set by `audit demo`: the inspection answers are simulated, and every output says so.
    #[serde(default)]
    pub simulated: bool,
    /// The signing key's fingerprint ([`Secret::fingerprint`]), recorded when the key is made
    /// (or first seen): a missing or replaced `secret.key` is then named as such.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_fingerprint: Option<String>,
    /// The imported registry.
    pub registry: Option<RegistryEntry>,
    /// The sample design.
    pub sample: Option<crate::domain::sampling::Design>,
    /// The workbooks issued.
    pub sheets: Option<SheetsEntry>,
    /// What came back.
    pub collect: Option<CollectEntry>,
    /// The rectification round after the notice (整改跟踪), once started.
    #[serde(default)]
    pub rectify: Option<rectify_record::RectifyEntry>,
}

impl Manifest {
    /// The current sample's fingerprint ("" before a sample is drawn).
    pub fn sample_sha256(&self) -> &str {
        self.sample
            .as_ref()
            .map(|d| d.sample_sha256.as_str())
            .unwrap_or_default()
    }
}

/// How the registry was imported.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RegistryEntry {
    /// The file name given to import.
    pub source_file: String,
    /// Its SHA-256.
    pub source_sha256: String,
    /// The sheet read, for workbooks.
    pub sheet: Option<String>,
    /// The encoding detected or given, for CSV.
    pub encoding: Option<String>,
    /// Row number of the header.
    pub header_row: u32,
    /// Data rows read.
    pub rows_read: u64,
    /// Accounts imported.
    pub imported: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Rows rejected by reason (the reason's label → rows), as listed in rejects.csv.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub rejected_by_reason: std::collections::BTreeMap<String, u64>,
    /// Identical copies of imported rows (an account exported twice), imported once and listed
    /// in rejects.csv.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub duplicates_merged: u64,
    /// Blank rows skipped.
    pub blank_rows: u64,
    /// Accounts with status 正常.
    pub active: u64,
    /// The registry file in the campaign.
    pub file: String,
    /// Its SHA-256.
    pub sha256: String,
    /// When.
    pub imported_at: String,
    /// The date the registry counts to (YYYY-MM-DD): --as-of, the title row's 截至, or the day
    /// of import.
    #[serde(default, with = "day::optional")]
    pub as_of: Option<chrono::NaiveDate>,
    /// Where `as_of` came from: "--as-of", "台账标题行" or "导入日期".
    #[serde(default)]
    pub as_of_from: Option<String>,
    /// The previous campaign compared with, if any.
    pub previous: Option<String>,
}

/// For `skip_serializing_if`: a zero count is not written, so a manifest without one reads the
/// same.
fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The current generation of workbooks.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SheetsEntry {
    /// When they were made.
    pub created: String,
    /// The return deadline.
    #[serde(default, with = "day::optional")]
    pub deadline: Option<chrono::NaiveDate>,
    /// The catalog file in the campaign.
    pub catalog_file: String,
    /// Its SHA-256: collect and report refuse a catalog that no longer matches.
    pub catalog_sha256: String,
    /// The sample they were made from.
    pub sample_sha256: String,
    /// One entry per workbook.
    pub workbooks: Vec<WorkbookEntry>,
    /// The monitoring export the workbooks were pre-filled from (`--monitor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitor: Option<MonitorEntry>,
}

/// A monitoring export used to pre-fill the workbooks, and the two files the pre-fill wrote.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct MonitorEntry {
    /// The export as given on the command line.
    pub source: String,
    /// Its SHA-256.
    pub source_sha256: String,
    /// `--monitor-at`, when given.
    #[serde(default, with = "day::optional")]
    pub monitor_at: Option<chrono::NaiveDate>,
    /// The monitoring columns the export had, "最近更新时间、未回复数".
    #[serde(default)]
    pub columns: String,
    /// Data rows read.
    pub rows: u64,
    /// Sampled accounts matched.
    pub matched: u64,
    /// Rows that matched none (listed in [`MONITOR_UNMATCHED`]).
    pub unmatched: u64,
    /// Answers pre-filled (listed in [`MONITOR_PREFILL`]).
    pub prefilled: u64,
    /// SHA-256 of [`MONITOR_PREFILL`] as written: a later run replaces it only if unchanged.
    pub prefill_sha256: String,
    /// SHA-256 of [`MONITOR_UNMATCHED`] as written.
    pub unmatched_sha256: String,
    /// The export's dates lay outside the campaign's window and `--monitor-any-date` took it:
    /// which dates, and the window. Empty (and absent from the manifest) otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub outside_window: String,
}

/// One issued workbook.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct WorkbookEntry {
    /// The signed workbook id: its identity, whatever the file is called when it comes back.
    #[serde(default)]
    pub id: String,
    /// The inspector it was made for.
    pub inspector: String,
    /// Its file in the campaign.
    pub file: String,
    /// Accounts in it.
    pub accounts: u64,
    /// SHA-256 of the bytes written: a workbook that differs (filled in place) is not replaced.
    #[serde(default)]
    pub sha256: String,
}

/// What came back.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CollectEntry {
    /// Conflicts resolved with `--prefer`, each for the versions it was made against.
    #[serde(default)]
    pub resolved: Vec<crate::domain::answers::Resolution>,
    /// The latest version received of each workbook.
    #[serde(default)]
    pub received: Vec<ReceivedEntry>,
    /// SHA-256 of every copy ever taken: the same copy sent again is skipped.
    #[serde(default)]
    pub seen: Vec<String>,
    /// SHA-256 of answers.csv as collect last wrote it: a file edited since (by hand, or opened
    /// and saved in Excel) is refused rather than taken as answers. Absent in older campaigns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers_sha256: Option<String>,
}

/// The latest version received of one workbook.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ReceivedEntry {
    /// The workbook id.
    #[serde(default)]
    pub workbook: String,
    /// The file name it came back under.
    pub source: String,
    /// The inspector it was made for.
    pub inspector: String,
    /// SHA-256 of the returned file (the version).
    pub sha256: String,
    /// Where its copy is kept.
    pub inbox_file: String,
    /// When.
    pub collected_at: String,
    /// Rows taken.
    pub rows_accepted: u64,
    /// Problems found in it.
    pub problems: u64,
    /// The file's modification time (nanoseconds since 1970): a copy saved earlier than the one
    /// taken is not applied over it.
    #[serde(default)]
    pub modified: Option<i64>,
}

/// How a command uses the campaign: readers share it, a writer has it alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// status, verify, and campaigns given as `--previous`.
    Read,
    /// Commands that change the campaign.
    Write,
}

/// An open campaign, locked for as long as the value lives.
#[derive(Debug)]
pub struct Campaign {
    /// The folder.
    pub dir: PathBuf,
    /// The manifest as read (changed in memory, written by [`Campaign::commit`]).
    pub manifest: Manifest,
    /// This command created the folder (an atomic mkdir), so a refused first import may take
    /// it away again; a racing command that found it made never may.
    created: bool,
    _lock: CampaignLock,
}

/// Create `dir` (and its parents) and say whether this call made it: `create_dir` is atomic,
/// so of two commands racing to make it exactly one is told it did.
fn create_dir_new(dir: &Path) -> Result<bool, StoreError> {
    if dir.is_dir() {
        return Ok(false);
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| StoreError::io(parent, e))?;
    }
    match std::fs::create_dir(dir) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(StoreError::io(dir, e)),
    }
}

/// The campaign folder that holds `dir` (one of its ancestors has a manifest), if any.
fn enclosing_campaign(dir: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(dir).ok()?;
    abs.ancestors()
        .skip(1)
        .find(|a| a.join(MANIFEST).is_file())
        .map(Path::to_path_buf)
}

/// The campaigns beside `dir` (folders of its parent with a manifest), by name.
fn sibling_campaigns(dir: &Path) -> Vec<String> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut names: Vec<String> = std::fs::read_dir(&parent)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join(MANIFEST).is_file())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

/// What to say after "DIR 不是检查抽查项目目录": for a folder that does not exist, the nearest
/// campaign beside it when the name looks misspelt (never an invitation to import into the
/// misspelt folder), else the campaigns there; how to start one otherwise.
fn not_campaign_hint(dir: &Path) -> String {
    let start = format!(
        ";如要新建项目,请先运行 {} import 台账文件 --campaign {}",
        crate::domain::shell::program(),
        crate::domain::shell::arg(dir)
    );
    if dir.exists() {
        return start;
    }
    let wanted = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let siblings = sibling_campaigns(dir);
    let with_parent = |name: &str| match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => crate::domain::shell::arg(&p.join(name)),
        _ => crate::domain::shell::arg(Path::new(name)),
    };
    if let Some(near) = crate::domain::text::nearest(&wanted, &siblings) {
        return format!(";该目录不存在,是不是 --campaign {}?", with_parent(near));
    }
    if siblings.is_empty() {
        return format!(";该目录不存在{start}");
    }
    let list: Vec<&str> = siblings.iter().take(10).map(String::as_str).collect();
    format!(
        ";该目录不存在。同一目录下的项目: {}{start}",
        list.join("、")
    )
}

impl Campaign {
    /// Undo a first import that was refused: when this command created the folder and nothing
    /// was committed, remove its staging, its lock and the folder, while still holding the
    /// lock. A folder someone else created, or one with a manifest, is left as it is.
    pub fn abandon_if_created(self) {
        if !self.created || self.dir.join(MANIFEST).exists() {
            return;
        }
        let Campaign { dir, _lock, .. } = self;
        let _ = std::fs::remove_dir_all(dir.join(txn::STAGING_DIR));
        _lock.remove_files();
        // Windows deletes an open file only when its last handle closes: close the lock first,
        // or the folder is not yet empty.
        drop(_lock);
        let _ = std::fs::remove_dir(&dir);
    }

    /// Open an existing campaign, locked for `access`, after finishing or discarding whatever
    /// a killed command left half done. Waits for another command only with `--wait`.
    pub fn open(dir: &Path, access: Access) -> Result<Campaign, StoreError> {
        Campaign::open_with(dir, access, WAIT.load(Ordering::SeqCst))
    }

    /// [`Campaign::open`], never waiting: for campaigns read on the side (`--previous`), so two
    /// commands that each hold their own campaign cannot wait for each other forever.
    pub fn open_no_wait(dir: &Path, access: Access) -> Result<Campaign, StoreError> {
        Campaign::open_with(dir, access, false)
    }

    fn open_with(dir: &Path, access: Access, wait: bool) -> Result<Campaign, StoreError> {
        finish_killed_first_import(dir, wait)?;
        if !dir.join(MANIFEST).is_file() {
            return Err(StoreError::NotCampaign {
                dir: dir.to_path_buf(),
                hint: not_campaign_hint(dir),
            });
        }
        let lock = lock_and_recover(dir, access, wait)?;
        let manifest = read_manifest(dir)?;
        Ok(Campaign {
            dir: dir.to_path_buf(),
            manifest,
            created: false,
            _lock: lock,
        })
    }

    /// Open a campaign for import: an existing one, or a new one in a missing or empty folder.
    /// A folder that holds other files is refused, so nothing of the user's is overwritten. The
    /// lock is taken before the manifest is looked for, so two first imports cannot both start
    /// a new campaign.
    pub fn open_or_create(dir: &Path, period: Option<String>) -> Result<Campaign, StoreError> {
        if dir.exists() && !dir.is_dir() {
            return Err(StoreError::ForeignFolder {
                dir: dir.to_path_buf(),
            });
        }
        let wait = WAIT.load(Ordering::SeqCst);
        finish_killed_first_import(dir, wait)?;
        if !dir.join(MANIFEST).is_file() {
            if let Some(campaign) = enclosing_campaign(dir) {
                return Err(StoreError::InsideCampaign {
                    dir: dir.to_path_buf(),
                    campaign,
                });
            }
        }
        if dir.is_dir() && !dir.join(MANIFEST).is_file() && has_foreign_files(dir)? {
            return Err(StoreError::ForeignFolder {
                dir: dir.to_path_buf(),
            });
        }
        let created = create_dir_new(dir)?;
        let lock = lock_and_recover(dir, Access::Write, wait)?;
        if dir.join(MANIFEST).is_file() {
            let manifest = read_manifest(dir)?;
            return Ok(Campaign {
                dir: dir.to_path_buf(),
                manifest,
                created: false,
                _lock: lock,
            });
        }
        let name = dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().to_string()))
            .unwrap_or_else(|| "campaign".into());
        let period = period.or_else(|| period_from_name(&name));
        Ok(Campaign {
            dir: dir.to_path_buf(),
            manifest: Manifest {
                name,
                id: Secret::generate().to_file_text()[..32].to_string(),
                period,
                created: now(),
                tool_version: env!("CARGO_PKG_VERSION").to_string(),
                ..Default::default()
            },
            created,
            _lock: lock,
        })
    }

    /// A path inside the campaign (for messages and reading; writes go through a [`Txn`]).
    pub fn path(&self, rel: &str) -> PathBuf {
        crate::domain::shell::join_rel(&self.dir, rel)
    }

    /// Refuse to replace or remove `rel` unless it is absent or exactly as the tool wrote it
    /// (`recorded`: the SHA-256 the manifest holds for it; none means the tool never wrote it).
    pub fn check_own(&self, rel: &str, recorded: Option<&str>) -> Result<(), StoreError> {
        let path = self.path(rel);
        if !path.exists() {
            return Ok(());
        }
        match recorded {
            Some(sha) if sha256_file(&path)? == sha => Ok(()),
            Some(_) => Err(StoreError::ChangedSince { path }),
            None => Err(StoreError::NotOurs { path }),
        }
    }

    /// Stage one of the tool's own outputs in place of `rel` (see [`Campaign::check_own`]);
    /// returns the SHA-256 of the bytes, for the manifest.
    pub fn put_own(
        &self,
        txn: &mut Txn,
        rel: &str,
        bytes: &[u8],
        recorded: Option<&str>,
    ) -> Result<String, StoreError> {
        self.check_own(rel, recorded)?;
        txn.put(rel, bytes)?;
        Ok(crate::domain::digest::sha256_hex(bytes))
    }

    /// Start a change.
    pub fn begin(&self) -> Result<Txn, StoreError> {
        Txn::begin(&self.dir)
    }

    /// Stage the manifest as it now stands in memory and commit every staged file with it.
    pub fn commit(&mut self, mut txn: Txn) -> Result<(), StoreError> {
        self.manifest.tool_version = env!("CARGO_PKG_VERSION").to_string();
        let text = toml::to_string_pretty(&self.manifest)
            .map_err(|e| StoreError::Internal(e.to_string()))?;
        txn.put(MANIFEST, text.as_bytes())?;
        txn.commit()
    }

    /// The campaign's signing key, created (and staged in `txn`) if it has none yet. While
    /// workbooks signed with a lost key are out, a new key is made only when `replace_lost` says
    /// so (`--new-secret`): it makes every one of them unverifiable.
    pub fn secret_or_create(
        &mut self,
        txn: &mut Txn,
        replace_lost: bool,
    ) -> Result<Secret, StoreError> {
        match self.secret() {
            Ok(Some(s)) => {
                self.manifest.secret_fingerprint = Some(s.fingerprint());
                return Ok(s);
            }
            Ok(None) => {}
            Err(StoreError::SecretMissing { .. }) if replace_lost => {}
            Err(e) => return Err(e),
        }
        let s = Secret::generate();
        txn.put(SECRET_FILE, s.to_file_text().as_bytes())?;
        restrict_to_owner(&txn.staged_path(SECRET_FILE))?;
        self.manifest.secret_fingerprint = Some(s.fingerprint());
        Ok(s)
    }

    /// Workbooks issued and signed with the campaign's key: inspector and rectification.
    fn signed_out(&self) -> usize {
        let sheets = self
            .manifest
            .sheets
            .as_ref()
            .map_or(0, |s| s.workbooks.len());
        let rectify = self
            .manifest
            .rectify
            .as_ref()
            .map_or(0, |r| r.workbooks.len());
        sheets + rectify
    }

    /// The campaign's signing key, if it has one. A key that went missing while workbooks it
    /// signed are out, or that is not the one recorded, is an error saying to restore it from
    /// the backup: a new key would make every genuine workbook look forged.
    pub fn secret(&self) -> Result<Option<Secret>, StoreError> {
        let path = self.path(SECRET_FILE);
        if !path.exists() {
            let signed = self.signed_out();
            if signed > 0 || self.manifest.secret_fingerprint.is_some() {
                return Err(StoreError::SecretMissing {
                    path,
                    workbooks: signed,
                });
            }
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path).map_err(|e| StoreError::io(&path, e))?;
        let s = Secret::from_file_text(&text).ok_or_else(|| StoreError::Corrupt {
            path: path.clone(),
            detail: "不是 64 位十六进制密钥;请从备份中恢复 secret.key".into(),
        })?;
        match &self.manifest.secret_fingerprint {
            Some(f) if *f != s.fingerprint() => Err(StoreError::Corrupt {
                path,
                detail: format!(
                    "与项目记录的密钥指纹 {f} 不一致(文件被替换?);已发出的检查表由原密钥签名,请从备份中恢复原来的 secret.key"
                ),
            }),
            _ => Ok(Some(s)),
        }
    }
}

/// Take the lock; if a killed command left a journal or staging behind, deal with it under the
/// exclusive lock first (a reader takes it briefly, then goes back to sharing).
fn lock_and_recover(dir: &Path, access: Access, wait: bool) -> Result<CampaignLock, StoreError> {
    if access == Access::Write {
        let lock = CampaignLock::acquire(dir, LockMode::Exclusive, wait)?;
        txn::recover(dir)?;
        return Ok(lock);
    }
    let lock = CampaignLock::acquire(dir, LockMode::Shared, wait)?;
    if !txn::needs_recovery(dir) {
        return Ok(lock);
    }
    drop(lock);
    let excl = CampaignLock::acquire(dir, LockMode::Exclusive, wait)?;
    txn::recover(dir)?;
    drop(excl);
    CampaignLock::acquire(dir, LockMode::Shared, wait)
}

/// A first import killed after its commit point leaves a journal but no manifest yet: finish
/// it (under the exclusive lock) before deciding whether the folder is a campaign.
fn finish_killed_first_import(dir: &Path, wait: bool) -> Result<(), StoreError> {
    if dir.is_dir() && !dir.join(MANIFEST).is_file() && txn::needs_recovery(dir) {
        drop(lock_and_recover(dir, Access::Write, wait)?);
    }
    Ok(())
}

/// Whether a folder without a manifest holds anything but what the store itself leaves.
fn has_foreign_files(dir: &Path) -> Result<bool, StoreError> {
    let entries = std::fs::read_dir(dir).map_err(|e| StoreError::io(dir, e))?;
    let ours = [
        lock::LOCK_FILE,
        lock::HOLDER_FILE,
        txn::STAGING_DIR,
        txn::JOURNAL,
        txn::JOURNAL_TMP,
        txn::TRASH_DIR,
    ];
    Ok(entries
        .filter_map(|e| e.ok())
        .any(|e| !ours.iter().any(|o| e.file_name() == *o)))
}

fn read_manifest(dir: &Path) -> Result<Manifest, StoreError> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|e| StoreError::io(&path, e))?;
    toml::from_str(&text).map_err(|e| StoreError::Corrupt {
        path,
        detail: e.to_string(),
    })
}

/// Where a returned file is kept in `dir` (inbox/ or rectify/inbox/): the first 12 hex digits of
/// its SHA-256, then its name made legal and short (see
/// [`crate::domain::text::safe_file_stem`]): a 248-byte name or one holding `: ?` is kept too.
pub fn inbox_name(dir: &str, sha256: &str, source: &str) -> String {
    let p = Path::new(source);
    let stem = p
        .file_stem()
        .map_or(source.to_string(), |s| s.to_string_lossy().to_string());
    let ext = p
        .extension()
        .map(|e| crate::domain::text::safe_file_stem(&e.to_string_lossy()))
        .filter(|e| e.len() <= 8)
        .map(|e| format!(".{e}"))
        .unwrap_or_default();
    let stem = crate::domain::text::safe_file_stem(&stem);
    format!("{dir}/{}-{stem}{ext}", &sha256[..12.min(sha256.len())])
}

/// "2020Q1" from a folder named like that.
pub fn period_from_name(name: &str) -> Option<String> {
    let b = name.as_bytes();
    let ok = b.len() == 6
        && b[..4].iter().all(u8::is_ascii_digit)
        && (b[4] == b'Q' || b[4] == b'q')
        && (b'1'..=b'4').contains(&b[5]);
    ok.then(|| format!("{}Q{}", &name[..4], &name[5..]))
}

#[cfg(unix)]
fn restrict_to_owner(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| StoreError::io(path, e))
}

/// On Windows the file inherits the campaign folder's ACL; see [`secret`].
#[cfg(not(unix))]
fn restrict_to_owner(_path: &Path) -> Result<(), StoreError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_open_in_excel_gets_a_clear_message() {
        let msg = StoreError::FileInUse {
            path: PathBuf::from("sheets/检查表.xlsx"),
        }
        .to_string();
        assert!(msg.contains("文件被其他程序占用(可能在 Excel 中打开),请关闭后重试"));
    }

    #[test]
    fn manifest_paths_use_forward_slashes_and_join_on_any_system() {
        // Files are recorded as "sheets/x.xlsx" and joined onto the folder; Windows accepts "/".
        let p = Path::new("C").join(format!("{SHEETS_DIR}/x.xlsx"));
        assert_eq!(p.file_name().unwrap(), "x.xlsx");
        assert_eq!(p.parent().unwrap().file_name().unwrap(), SHEETS_DIR);
    }

    #[test]
    fn periods_from_folder_names() {
        assert_eq!(period_from_name("2020Q1").as_deref(), Some("2020Q1"));
        assert_eq!(period_from_name("2019q4").as_deref(), Some("2019Q4"));
        assert_eq!(period_from_name("2020Q5"), None);
        assert_eq!(period_from_name("c"), None);
    }
}
