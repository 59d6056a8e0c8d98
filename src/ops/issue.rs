//! Issuing a campaign's inspector workbooks: who checks which accounts, each workbook's signed
//! hidden sheet and pre-fills, and committing the workbooks, the catalog and the pre-fill record
//! together through the store. `audit sheet` and the demo both call [`issue`].

use crate::domain::assignment::{self, Item};
use crate::domain::csv_text::csv_bytes;
use crate::domain::indicators::Catalog;
use crate::domain::monitor::headers::{MissingEvidence, Unused};
use crate::domain::monitor::window::Window;
use crate::domain::monitor::{MissingTime, Plan, Prefill};
use crate::domain::registry::{Field, Registry};
use crate::formats::assign_file::AssignMap;
use crate::formats::monitor_file::{MonitorFile, MonitorFileError};
use crate::formats::workbook::{build, Meta, SheetSpec};
use crate::store::{self, Campaign, MonitorEntry, SheetsEntry, StoreError, Txn, WorkbookEntry};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Who checks which accounts.
pub enum Assignment {
    /// `--inspectors N`: balanced by count, a region's accounts kept together.
    Balanced {
        /// How many inspectors.
        inspectors: usize,
    },
    /// `--assign FILE`: by account id, else by region.
    Mapping {
        /// The file, for messages.
        source: String,
        /// The mapping read from it.
        map: AssignMap,
    },
}

/// A monitoring export to pre-fill from (`--monitor`). It is read here, under the campaign's
/// profile, so its headers and types mean what the campaign's other files' do.
pub struct MonitorInput {
    /// The file.
    pub path: std::path::PathBuf,
    /// `--monitor-at`: the monitoring time of rows that give none.
    pub at: Option<NaiveDate>,
    /// `--monitor-any-date`: take an export whose dates lie outside the campaign's window
    /// (named in the outcome and the manifest) instead of refusing it.
    pub any_date: bool,
}

/// What `audit sheet` issued, and what it has to say about the monitoring export.
pub struct IssueOutcome {
    /// The workbooks, in inspector order.
    pub issued: Vec<Issued>,
    /// The monitoring export's findings, when pre-filling.
    pub monitor: Option<MonitorNotes>,
}

/// What a monitoring export left unused or unanswered: nothing about it is silent.
pub struct MonitorNotes {
    /// Header columns the pre-fill does not read, with the closest known names.
    pub unused: Vec<Unused>,
    /// Catalog rules whose evidence column the export lacks.
    pub missing: Vec<MissingEvidence>,
    /// Unmatched rows by kind of reason, most frequent first.
    pub unmatched: Vec<(&'static str, usize)>,
    /// The export's dates lie outside the window and `--monitor-any-date` took it anyway.
    pub outside_window: Option<String>,
    /// The campaign's quarter is unknown, so the export's dates were not checked.
    pub unchecked_dates: bool,
}

/// The export as read and matched.
struct Monitored {
    /// Rows of the export (the rows themselves went to the plan).
    rows: usize,
    source: String,
    sha256: String,
    file: MonitorFile,
    at: Option<NaiveDate>,
    plan: Plan,
    outside_window: Option<String>,
}

/// Everything `audit sheet` asks for.
pub struct IssueRequest {
    /// Who checks which accounts.
    pub assignment: Assignment,
    /// The return deadline shown in 说明.
    pub deadline: Option<NaiveDate>,
    /// The catalog, and its text as the campaign keeps it.
    pub catalog: (Catalog, String),
    /// `--show`: registry columns to show; none means the default finding columns.
    pub show: Option<Vec<String>>,
    /// The monitoring export, when pre-filling.
    pub monitor: Option<MonitorInput>,
    /// Replace workbooks issued before.
    pub force: bool,
    /// Make a new signing key although workbooks signed with the lost one are out.
    pub new_secret: bool,
}

/// A workbook issued: its manifest entry and its signed hidden sheet.
pub struct Issued {
    /// The manifest entry.
    pub entry: WorkbookEntry,
    /// The signed hidden sheet.
    pub meta: Meta,
}

/// Why the workbooks could not be issued. Nothing is written then.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// The store refused (lock, a missing step, a file it did not write …).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Workbooks exist and `--force` was not given.
    #[error("{dir} 已生成检查表({count} 份);如确需重新生成请加 --force(样本和指标目录不变时,已发出的检查表交回后仍会收录)")]
    AlreadyIssued {
        /// The campaign.
        dir: String,
        /// Workbooks issued.
        count: usize,
    },
    /// Answers were collected under the campaign's catalog.
    #[error("本项目已收回检查结果,不能再更换指标目录")]
    CatalogLocked,
    /// `--inspectors` out of range.
    #[error("--inspectors {inspectors} 应在 1 到样本量 {size} 之间")]
    Inspectors {
        /// As given.
        inspectors: usize,
        /// The sample size.
        size: usize,
    },
    /// `--assign` leaves accounts without an inspector.
    #[error("{source_file}: {count} 个样本账号没有分配检查人: {ids}")]
    Unassigned {
        /// The assignment file.
        source_file: String,
        /// How many.
        count: usize,
        /// The first ten.
        ids: String,
    },
    /// `--show` names an identity column.
    #[error("--show \"{0}\" 已是检查表的账号信息列,无需再显示")]
    ShowIdentity(String),
    /// `--show` names no registry column.
    #[error("--show \"{name}\" 不是台账中的列;可显示的列: {available}")]
    ShowUnknown {
        /// As given.
        name: String,
        /// The registry's other columns.
        available: String,
    },
    /// `--monitor` with a catalog that has no monitoring rule.
    #[error("--monitor: 指标目录中没有带监测预填规则(monitor)的指标,无法预填")]
    NoMonitorRule,
    /// The monitoring export could not be read.
    #[error(transparent)]
    MonitorFile(#[from] MonitorFileError),
    /// The campaign profile's `[monitor.columns]` maps a header to nothing the pre-fill reads.
    #[error("{}: {error}", store::PROFILE)]
    MonitorColumns {
        /// What is wrong with the section.
        #[from]
        error: crate::domain::monitor::headers::ColumnAliasError,
    },
    /// The monitoring export's dates lie outside the campaign's window.
    #[error("{source_file}: 监测数据可能不是本期的: {detail};请换用本期的导出,或确认无误后加 --monitor-any-date")]
    MonitorStale {
        /// The export.
        source_file: String,
        /// Which dates, and the window.
        detail: String,
    },
    /// A pre-fill needs a monitoring time.
    #[error("{source_file}: {error}")]
    MonitorTime {
        /// The export.
        source_file: String,
        /// The row.
        error: MissingTime,
    },
    /// A workbook in sheets/ changed since it was written.
    #[error("{} 在生成后被改动过(可能已在其中填写),为免丢失不会覆盖或删除;请先把它移出 {} 目录(填好的检查表用 audit collect 收回)", .0.display(), store::SHEETS_DIR)]
    Changed(std::path::PathBuf),
    /// A file in sheets/ the tool did not write.
    #[error("{} 不是 audit 生成的检查表,不会覆盖;请先把它移走", .0.display())]
    Foreign(std::path::PathBuf),
    /// A workbook could not be built.
    #[error(transparent)]
    Build(#[from] rust_xlsxwriter::XlsxError),
    /// A CSV could not be built.
    #[error("无法生成 CSV: {0}")]
    Csv(#[from] csv::Error),
}

/// Issue the workbooks of `camp` as `req` asks, and commit them with the catalog and the
/// pre-fill record; nothing changes when any step fails.
pub fn issue(camp: &mut Campaign, req: &IssueRequest) -> Result<IssueOutcome, IssueError> {
    let (sample, _) = camp.sample()?;
    let (catalog, catalog_text) = &req.catalog;
    let catalog_sha = crate::domain::digest::sha256_hex(catalog_text.as_bytes());
    check_reissue(camp, req, &catalog_sha)?;
    let profile = camp.profile()?;
    // A region's (a city's district's) accounts stay with one inspector, in report order.
    // The places the registry names, read a part at a time: the sheets never hold it.
    let mut places = crate::domain::groups::Places::new(&profile);
    camp.registry_in_parts(|part| part.iter().for_each(|a| places.add(a)))?;
    sample.accounts.iter().for_each(|a| places.add(a));
    let reporting = crate::domain::groups::ReportingGroups::with_places(&profile, places);
    let groups = assignment(&sample, &req.assignment, &reporting)?;
    let finding = finding_columns(&sample, req.show.as_deref())?;
    let monitored = match &req.monitor {
        Some(m) => Some(monitor_plan(camp, m, catalog, &sample, &profile)?),
        None => None,
    };
    let plan = monitored.as_ref().map(|m| &m.plan);
    let mut txn = camp.begin()?;
    let issued = make_workbooks(camp, &mut txn, req, &sample, &groups, finding, plan)?;
    let entries: Vec<WorkbookEntry> = issued.iter().map(|(i, _)| i.entry.clone()).collect();
    for old in old_workbooks(camp, &entries)? {
        txn.remove(&old);
    }
    for (i, bytes) in &issued {
        txn.put_copy(&i.entry.file, bytes)?;
    }
    txn.put(store::CATALOG, catalog_text.as_bytes())?;
    let monitor = stage_monitor(camp, &mut txn, catalog, monitored.as_ref())?;
    camp.manifest.sheets = Some(SheetsEntry {
        created: store::now(),
        deadline: req.deadline,
        catalog_file: store::CATALOG.into(),
        catalog_sha256: catalog_sha,
        sample_sha256: camp.manifest.sample_sha256().to_string(),
        workbooks: entries,
        monitor,
    });
    camp.commit(txn)?;
    Ok(IssueOutcome {
        issued: issued.into_iter().map(|(i, _)| i).collect(),
        monitor: monitored.map(|m| notes(camp, catalog, m)),
    })
}

/// What the console says about an export beyond its counts.
fn notes(camp: &Campaign, catalog: &Catalog, m: Monitored) -> MonitorNotes {
    let mut kinds = m.plan.unmatched_kinds.clone();
    // Stable: equal counts keep the order of their first row.
    kinds.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let unchecked_dates = camp
        .manifest
        .period
        .as_deref()
        .and_then(Window::for_period)
        .is_none();
    MonitorNotes {
        missing: crate::domain::monitor::headers::missing_evidence(catalog, &m.file.evidence),
        unused: m.file.unused,
        unmatched: kinds,
        outside_window: m.outside_window,
        unchecked_dates,
    }
}

/// Workbooks exist: only with `--force`, and not with another catalog once answers are in.
fn check_reissue(camp: &Campaign, req: &IssueRequest, catalog_sha: &str) -> Result<(), IssueError> {
    let Some(old) = &camp.manifest.sheets else {
        return Ok(());
    };
    if !req.force {
        return Err(IssueError::AlreadyIssued {
            dir: camp.dir.display().to_string(),
            count: old.workbooks.len(),
        });
    }
    let received = camp
        .manifest
        .collect
        .as_ref()
        .is_some_and(|c| !c.received.is_empty());
    if received && old.catalog_sha256 != catalog_sha {
        return Err(IssueError::CatalogLocked);
    }
    Ok(())
}

/// Each inspector's workbook: its signed hidden sheet, its entry and its bytes.
fn make_workbooks(
    camp: &mut Campaign,
    txn: &mut Txn,
    req: &IssueRequest,
    sample: &Registry,
    groups: &[(String, Vec<String>)],
    finding: Vec<(String, usize)>,
    plan: Option<&Plan>,
) -> Result<Vec<(Issued, Vec<u8>)>, IssueError> {
    let by_id = sample.by_id();
    let secret = camp.secret_or_create(txn, req.new_secret)?;
    let catalog_sha = crate::domain::digest::sha256_hex(req.catalog.1.as_bytes());
    let sample_sha = camp.manifest.sample_sha256().to_string();
    let inspectors: Vec<&str> = groups.iter().map(|(i, _)| i.as_str()).collect();
    let names = workbook_names(&camp.manifest.name, &inspectors);
    let mut out = Vec::new();
    for ((inspector, ids), name) in groups.iter().zip(&names) {
        let meta = Meta {
            kind: crate::formats::workbook::meta::MetaKind::Inspection,
            campaign: camp.manifest.name.clone(),
            campaign_id: camp.manifest.id.clone(),
            sample_sha256: sample_sha.clone(),
            catalog_sha256: catalog_sha.clone(),
            workbook_id: workbook_id(
                &secret,
                &camp.manifest.id,
                &sample_sha,
                &catalog_sha,
                inspector,
                ids,
            ),
            inspector: inspector.clone(),
            ids: ids.clone(),
            prefills: plan
                .map(|p| workbook_prefills(&p.prefills, ids))
                .unwrap_or_default(),
            signature: String::new(),
        }
        .signed(&secret);
        let bytes = build(&SheetSpec {
            meta: &meta,
            deadline: req.deadline,
            catalog: &req.catalog.0,
            accounts: ids
                .iter()
                .filter_map(|id| by_id.get(id.as_str()).copied())
                .collect(),
            fills: None,
            simulated: camp.manifest.simulated,
            created: &camp.manifest.created,
            finding: finding.clone(),
        })?;
        let entry = WorkbookEntry {
            id: meta.workbook_id.clone(),
            inspector: inspector.clone(),
            file: format!("{}/{name}", store::SHEETS_DIR),
            accounts: ids.len() as u64,
            sha256: crate::domain::digest::sha256_hex(&bytes),
        };
        out.push((Issued { entry, meta }, bytes));
    }
    Ok(out)
}

/// Group the sample's accounts by inspector.
fn assignment(
    sample: &Registry,
    how: &Assignment,
    reporting: &crate::domain::groups::ReportingGroups,
) -> Result<Vec<(String, Vec<String>)>, IssueError> {
    let items: Vec<Item> = sample
        .accounts
        .iter()
        .map(|a| Item {
            id: &a.id,
            region: reporting.key(a),
        })
        .collect();
    let region_order = reporting.key_order();
    match how {
        Assignment::Mapping { source, map } => {
            assignment::by_mapping(&items, &map.by_id, &map.by_region).map_err(|missing| {
                IssueError::Unassigned {
                    source_file: source.clone(),
                    count: missing.len(),
                    ids: missing
                        .iter()
                        .take(10)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            })
        }
        Assignment::Balanced { inspectors } => {
            let n = *inspectors;
            if n == 0 || n > items.len().max(1) {
                return Err(IssueError::Inspectors {
                    inspectors: n,
                    size: items.len(),
                });
            }
            Ok(assignment::balanced(&items, n, &region_order))
        }
    }
}

/// The registry columns `--show` names (each must exist), or the default ones.
fn finding_columns(
    sample: &Registry,
    show: Option<&[String]>,
) -> Result<Vec<(String, usize)>, IssueError> {
    let Some(names) = show else {
        return Ok(crate::formats::workbook::default_finding_columns(
            &sample.extra_headers,
        ));
    };
    let mut names: Vec<String> = names
        .iter()
        .map(|n| crate::domain::text::clean(n))
        .filter(|n| !n.is_empty())
        .collect();
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(crate::domain::text::match_key(n)));
    if let Some(n) = names.iter().find(|n| Field::from_header(n).is_some()) {
        return Err(IssueError::ShowIdentity(n.clone()));
    }
    let key = crate::domain::text::match_key;
    names
        .into_iter()
        .map(|n| {
            let found = sample.extra_headers.iter().position(|h| key(h) == key(&n));
            match found {
                Some(i) => Ok((sample.extra_headers[i].clone(), i)),
                None => Err(IssueError::ShowUnknown {
                    name: n,
                    available: if sample.extra_headers.is_empty() {
                        "(台账没有其他列)".to_string()
                    } else {
                        sample.extra_headers.join("、")
                    },
                }),
            }
        })
        .collect()
}

/// A file name for each inspector's workbook, legal on Windows and of bounded length (see
/// [`crate::domain::text::safe_file_stem`]); names that would still collide (also ignoring case,
/// as Windows does) get a numbered suffix.
pub fn workbook_names(campaign: &str, inspectors: &[&str]) -> Vec<String> {
    let mut used = std::collections::HashSet::new();
    inspectors
        .iter()
        .map(|inspector| {
            let safe = crate::domain::text::safe_file_stem(&format!("{campaign}_{inspector}"));
            let mut name = format!("{safe}.xlsx");
            let mut k = 2;
            while !used.insert(name.to_lowercase()) {
                name = format!("{safe}_{k}.xlsx");
                k += 1;
            }
            name
        })
        .collect()
}

/// A workbook's id: keyed by the campaign's secret over everything that makes it this
/// workbook, its account list included, so a re-assigned workbook is a different workbook.
fn workbook_id(
    secret: &crate::domain::signature::Secret,
    campaign_id: &str,
    sample_sha: &str,
    catalog_sha: &str,
    inspector: &str,
    ids: &[String],
) -> String {
    let text = format!(
        "workbook-id\n{campaign_id}\n{sample_sha}\n{catalog_sha}\n{inspector}\n{}",
        ids.join("\n")
    );
    secret.sign(text.as_bytes())[..16].to_string()
}

/// Refuse to regenerate over a workbook that is not exactly as the tool wrote it (an inspector
/// may have filled it in place), and list the old ones to remove.
fn old_workbooks(camp: &Campaign, keep: &[WorkbookEntry]) -> Result<Vec<String>, IssueError> {
    let issued: Vec<&WorkbookEntry> = camp
        .manifest
        .sheets
        .iter()
        .flat_map(|s| s.workbooks.iter())
        .collect();
    let mut remove = Vec::new();
    for w in &issued {
        let path = camp.path(&w.file);
        if !path.exists() {
            continue;
        }
        if w.sha256.is_empty() || store::sha256_file(&path)? != w.sha256 {
            return Err(IssueError::Changed(path));
        }
        if !keep.iter().any(|e| e.file == w.file) {
            remove.push(w.file.clone());
        }
    }
    for e in keep {
        let path = camp.path(&e.file);
        if path.exists() && !issued.iter().any(|w| w.file == e.file) {
            return Err(IssueError::Foreign(path));
        }
    }
    Ok(remove)
}

/// Read the export under the campaign's profile, check its dates against the campaign's
/// window, and apply the catalog's monitoring rules to the sample.
fn monitor_plan(
    camp: &Campaign,
    m: &MonitorInput,
    catalog: &Catalog,
    sample: &Registry,
    profile: &crate::domain::profile::Profile,
) -> Result<Monitored, IssueError> {
    if !catalog.indicators.iter().any(|i| i.monitor.is_some()) {
        return Err(IssueError::NoMonitorRule);
    }
    let source = m.path.display().to_string();
    let today = chrono::Local::now().date_naive();
    let aliases = crate::domain::monitor::headers::ColumnAliases::new(&profile.monitor_columns)?;
    let mut file = crate::formats::monitor_file::read(&m.path, today, &aliases)?;
    let window = camp.manifest.period.as_deref().and_then(Window::for_period);
    let outside_window = match window.map(|w| {
        (
            crate::domain::monitor::window::check(&w, &file.rows, m.at),
            w,
        )
    }) {
        Some((Err(stale), w)) if m.any_date => Some(stale.describe(&w)),
        Some((Err(stale), w)) => {
            return Err(IssueError::MonitorStale {
                source_file: source,
                detail: stale.describe(&w),
            })
        }
        _ => None,
    };
    let registry = camp.registry()?;
    let plan = crate::domain::monitor::plan(
        catalog,
        &registry.accounts,
        &sample.accounts,
        // Moved, not copied: an export of millions of rows is held once.
        std::mem::take(&mut file.rows),
        m.at,
        profile,
    )
    .map_err(|error| IssueError::MonitorTime {
        source_file: source.clone(),
        error,
    })?;
    Ok(Monitored {
        rows: plan.matched + plan.unmatched_total(),
        sha256: store::sha256_file(&m.path)?,
        source,
        file,
        at: m.at,
        plan,
        outside_window,
    })
}

/// The pre-fills of one workbook's accounts, in its row order.
fn workbook_prefills(all: &[Prefill], ids: &[String]) -> Vec<Prefill> {
    let mut by_id: HashMap<&str, Vec<&Prefill>> = HashMap::new();
    for p in all {
        by_id.entry(p.id.as_str()).or_default().push(p);
    }
    ids.iter()
        .flat_map(|id| by_id.remove(id.as_str()).unwrap_or_default())
        .cloned()
        .collect()
}

/// Stage monitor_prefill.csv and monitor_unmatched.csv (or remove the earlier run's when this
/// one has no export), replacing only files the tool wrote and nobody changed.
fn stage_monitor(
    camp: &Campaign,
    txn: &mut Txn,
    catalog: &Catalog,
    monitored: Option<&Monitored>,
) -> Result<Option<MonitorEntry>, IssueError> {
    let old = camp
        .manifest
        .sheets
        .as_ref()
        .and_then(|s| s.monitor.as_ref());
    let prefill_sha = old.map(|m| m.prefill_sha256.as_str());
    let unmatched_sha = old.map(|m| m.unmatched_sha256.as_str());
    let Some(m) = monitored else {
        for (rel, sha) in [
            (store::MONITOR_PREFILL, prefill_sha),
            (store::MONITOR_UNMATCHED, unmatched_sha),
        ] {
            camp.check_own(rel, sha)?;
            if camp.path(rel).exists() {
                txn.remove(rel);
            }
        }
        return Ok(None);
    };
    let plan = &m.plan;
    let (ph, pr) = crate::domain::monitor::prefill_table(catalog, &plan.prefills);
    let (uh, ur) = crate::domain::monitor::unmatched_table(plan);
    let prefill_bytes = csv_bytes(&ph, &pr)?;
    let unmatched_bytes = csv_bytes(&uh, &ur)?;
    Ok(Some(MonitorEntry {
        source: m.source.clone(),
        source_sha256: m.sha256.clone(),
        monitor_at: m.at,
        columns: m.file.columns.join("、"),
        rows: m.rows as u64,
        matched: plan.matched as u64,
        unmatched: plan.unmatched_total() as u64,
        prefilled: plan.prefills.len() as u64,
        prefill_sha256: camp.put_own(txn, store::MONITOR_PREFILL, &prefill_bytes, prefill_sha)?,
        unmatched_sha256: camp.put_own(
            txn,
            store::MONITOR_UNMATCHED,
            &unmatched_bytes,
            unmatched_sha,
        )?,
        outside_window: m.outside_window.clone().unwrap_or_default(),
    }))
}
