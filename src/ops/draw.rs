//! Drawing a campaign's sample through the store: the id lists and the allocation read, the
//! sampler run on the registry, and sample.csv, the id lists, the quota file and the design
//! committed together. `audit sample` and the demo both call [`draw`].

use crate::domain::csv_text::csv_bytes;
use crate::domain::profile::Profile;
use crate::domain::rectify::RecheckPlan;
use crate::domain::registry::{canonical_value, GroupColumn, Registry};
use crate::domain::sampling::{self, AllocationSpec, Design, Drawn, SampleError, Spec};
use crate::formats::id_list::IdListError;
use crate::formats::quota_file::QuotaFileError;
use crate::store::{Campaign, StoreError, Txn};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// How the random draws are allocated, as asked.
#[derive(Clone, Debug, PartialEq)]
pub enum Allocation {
    /// Proportional to the strata's sizes.
    Proportional,
    /// The same in every stratum.
    Equal,
    /// From a quota file.
    Quota(PathBuf),
    /// Neyman, with the fail rates of this earlier campaign.
    Neyman(PathBuf),
}

/// Everything `audit sample` asks for.
#[derive(Clone, Debug)]
pub struct DrawRequest {
    /// Stratification columns.
    pub strata: Vec<String>,
    /// The allocation.
    pub allocation: Allocation,
    /// Total sample size.
    pub size: Option<u64>,
    /// Sampling rate, when no size is given.
    pub rate: Option<f64>,
    /// Minimum random draws per stratum.
    pub min_per_stratum: u64,
    /// `--min-per-region`: minimum sampled accounts per region (certainty units counted).
    pub min_per_region: Option<u64>,
    /// `--take-all` rules.
    pub take_all: Vec<String>,
    /// `--recheck`: an earlier campaign (its unqualified accounts) or a file of ids.
    pub recheck: Option<PathBuf>,
    /// `--exclude`: a file of ids.
    pub exclude: Option<PathBuf>,
    /// `--previous`, recorded in the design.
    pub previous: Option<PathBuf>,
    /// The seed; none draws one from the operating system (and records it).
    pub seed: Option<u64>,
    /// Draw and report, write nothing.
    pub dry_run: bool,
    /// Accept `--take-all`/`--exclude` selections that select nothing.
    pub allow_empty: bool,
    /// Replace an earlier sample.
    pub force: bool,
}

/// Where the seed came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeedSource {
    /// `--seed`.
    Given,
    /// Drawn from the operating system.
    Os,
}

impl SeedSource {
    /// The design's `seed_source`.
    pub fn key(self) -> &'static str {
        match self {
            SeedSource::Given => "given",
            SeedSource::Os => "os",
        }
    }
}

/// A sample drawn.
pub struct DrawOutcome {
    /// The draw: frame, strata, units.
    pub drawn: Drawn,
    /// The seed used.
    pub seed: u64,
    /// Where it came from.
    pub seed_source: SeedSource,
    /// The re-check plan, when `--recheck` named a campaign with a rectification record.
    pub recheck_plan: Option<RecheckPlan>,
    /// That record is older than the earlier campaign's answers (as `rectify status` warns).
    pub recheck_stale: Option<String>,
    /// Selections that selected nothing (accepted with `--allow-empty`).
    pub empty_selections: Vec<String>,
    /// Accounts written to sample.csv; none for a dry run.
    pub written: Option<usize>,
    /// An earlier sample was replaced while workbooks were out: they are stale now.
    pub resampled: bool,
    /// The registry the sample was drawn from (for naming accounts).
    pub registry: Registry,
    /// Ids of the --exclude and --recheck lists not in the registry beyond the first
    /// [`crate::formats::id_list::MAX_UNKNOWN_IDS`] of each: counted, not listed.
    pub unknown_ids_omitted: usize,
}

/// Why no sample was drawn. Nothing is written then.
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    /// The store refused or a campaign file could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A sample exists and `--force` was not given.
    #[error("{0} 已存在(样本);如确需重新抽样,请加 --force(已收回的答案将不再计入)")]
    AlreadySampled(String),
    /// An id list could not be read.
    #[error(transparent)]
    IdList(#[from] IdListError),
    /// The quota file could not be read.
    #[error(transparent)]
    Quota(#[from] QuotaFileError),
    /// Neyman allocation on the earlier campaign's results failed.
    #[error("{campaign}: {error}")]
    Neyman {
        /// The earlier campaign.
        campaign: String,
        /// Why.
        error: SampleError,
    },
    /// The sampler refused, with the selections that selected nothing named first (they are
    /// usually the cause).
    #[error("{}{error}", empty.iter().map(|e| format!("{e};")).collect::<String>())]
    Sample {
        /// Selections that selected nothing.
        empty: Vec<String>,
        /// The sampler's error.
        error: SampleError,
    },
    /// Selections selected nothing and `--allow-empty` was not given.
    #[error("{};如确实如此,请加 --allow-empty", .0.join(";"))]
    Empty(Vec<String>),
    /// Nothing was drawn.
    #[error("样本量为 0:没有抽到任何账号,请检查 --size、--rate 或配额")]
    Nothing,
    /// A CSV could not be built.
    #[error("无法生成 CSV: {0}")]
    Csv(#[from] csv::Error),
}

/// Draw the sample of `camp` as `req` asks and, unless it is a dry run, commit it.
pub fn draw(camp: &mut Campaign, req: &DrawRequest) -> Result<DrawOutcome, DrawError> {
    let reg = camp.registry()?;
    if !req.dry_run && camp.manifest.sample.is_some() && !req.force {
        let path = camp.path(crate::store::SAMPLE).display().to_string();
        return Err(DrawError::AlreadySampled(path));
    }
    let profile = camp.profile()?;
    let columns = &profile.spellings.columns;
    let known: std::collections::HashSet<&str> =
        reg.accounts.iter().map(|a| a.id.as_str()).collect();
    let in_registry = |id: &str| known.contains(id);
    let mut unknown_ids_omitted = 0;
    let mut list = |p: &std::path::Path| -> Result<Vec<String>, DrawError> {
        let read = crate::formats::id_list::read(p, columns, &in_registry)?;
        unknown_ids_omitted += read.unknown_omitted;
        Ok(read.ids)
    };
    let exclude = match &req.exclude {
        Some(p) => list(p)?,
        None => Vec::new(),
    };
    let (recheck, recheck_plan, recheck_stale) = match &req.recheck {
        Some(p) if p.is_dir() => recheck_from_campaign(camp, p, &reg)?,
        Some(p) => (list(p)?, None, None),
        None => (Vec::new(), None, None),
    };
    drop(known);
    let req = &through_profile(req, &reg, &profile);
    let (seed, seed_source) = match req.seed {
        Some(s) => (s, SeedSource::Given),
        None => {
            use rand_chacha::rand_core::{RngCore, SeedableRng};
            (
                rand_chacha::ChaCha20Rng::from_os_rng().next_u64(),
                SeedSource::Os,
            )
        }
    };
    let spec = Spec {
        strata: req.strata.clone(),
        allocation: allocation_spec(camp, req, &reg, &profile)?,
        size: req.size,
        rate: req.rate,
        min_per_stratum: req.min_per_stratum,
        min_per_region: req.min_per_region,
        take_all: req.take_all.clone(),
        recheck,
        exclude,
        seed,
        region_order: profile.prefecture_order(),
        type_order: profile.types.order().to_vec(),
        group_order: crate::domain::groups::ReportingGroups::new(&profile, reg.accounts.iter())
            .key_order(),
    };
    let (drawn, empty_selections) = run_sampler(&reg, &spec, req.allow_empty)?;
    let mut outcome = DrawOutcome {
        drawn,
        seed,
        seed_source,
        recheck_plan,
        recheck_stale,
        empty_selections,
        written: None,
        resampled: false,
        registry: reg,
        unknown_ids_omitted,
    };
    if !req.dry_run {
        outcome.resampled = camp.manifest.sheets.is_some();
        outcome.written = Some(commit(camp, req, &spec, &outcome)?);
    }
    Ok(outcome)
}

/// The request with what the user typed read through the campaign's profile: a `--strata`
/// name that is one of the export's own headers (`[columns]`) becomes its field's key, and a
/// `--take-all` value its canonical value (`level=市(州)级` → `level=市级`). The design records
/// these, so `verify` redraws without the profile.
fn through_profile(req: &DrawRequest, reg: &Registry, profile: &Profile) -> DrawRequest {
    let strata = req
        .strata
        .iter()
        .map(
            |s| match (reg.column(s), profile.spellings.columns.listed(s)) {
                (None, Some(f)) => f.key().to_string(),
                _ => s.clone(),
            },
        )
        .collect();
    let canon = |c: &GroupColumn, v: &str| canonical_value(profile, c, v);
    let take_all = req
        .take_all
        .iter()
        .map(|t| sampling::TakeAll::canonical(t, reg, &canon))
        .collect();
    DrawRequest {
        strata,
        take_all,
        ..req.clone()
    }
}

/// The sampler on the registry; a selection that selects nothing is usually the user's slip
/// and often the cause of an allocation error too, so it is named first.
fn run_sampler(
    reg: &Registry,
    spec: &Spec,
    allow_empty: bool,
) -> Result<(Drawn, Vec<String>), DrawError> {
    let empty = sampling::empty_selections(reg, spec);
    let drawn = sampling::draw(reg, spec).map_err(|error| DrawError::Sample {
        empty: empty.clone(),
        error,
    })?;
    if !empty.is_empty() && !allow_empty {
        return Err(DrawError::Empty(empty));
    }
    if drawn.size == 0 {
        return Err(DrawError::Nothing);
    }
    Ok((drawn, empty))
}

/// The allocation: a quota file, Neyman from an earlier campaign, or proportional / equal.
fn allocation_spec(
    camp: &Campaign,
    req: &DrawRequest,
    reg: &Registry,
    profile: &Profile,
) -> Result<AllocationSpec, DrawError> {
    Ok(match &req.allocation {
        Allocation::Proportional => AllocationSpec::Proportional,
        Allocation::Equal => AllocationSpec::Equal,
        Allocation::Quota(q) => AllocationSpec::Quota(crate::formats::quota_file::read(
            q,
            reg,
            &req.strata,
            profile,
        )?),
        Allocation::Neyman(prev) => {
            let results = previous_results(camp, prev)?;
            sampling::neyman_from(reg, &req.strata, &results).map_err(|error| {
                DrawError::Neyman {
                    campaign: prev.display().to_string(),
                    error,
                }
            })?
        }
    })
}

/// Results of an earlier campaign (checked against `cur`), one per checked account.
pub fn previous_results(
    cur: &Campaign,
    dir: &Path,
) -> Result<Vec<sampling::PreviousResult>, StoreError> {
    let prev = crate::store::records::open_previous(cur, &[dir.to_path_buf()])?;
    prev[0].previous_results()
}

/// The earlier campaign's unqualified accounts to re-check, with the plan and its reasons when
/// that campaign has a rectification record (without one, every unqualified account).
pub fn recheck_from_campaign(
    cur: &Campaign,
    dir: &Path,
    reg: &Registry,
) -> Result<RecheckFrom, StoreError> {
    let prev = crate::store::records::open_previous(cur, &[dir.to_path_buf()])?;
    let prev = &prev[0];
    let unqualified: Vec<String> = prev
        .previous_results()?
        .into_iter()
        .filter(|r| !r.qualified)
        .map(|r| r.id)
        .collect();
    let Some(record) = prev.rectify_rows_if_any()? else {
        return Ok((unqualified, None, None));
    };
    // Best effort, as rectify status: a record the earlier answers moved past is named.
    let stale = crate::ops::rectify_issue::stale_record(prev, &record)
        .ok()
        .flatten();
    let active: HashSet<&str> = reg.active().map(|a| a.id.as_str()).collect();
    let plan =
        crate::domain::rectify::recheck_plan(&unqualified, &record, &|id| active.contains(id));
    let ids = plan.rechecks.iter().map(|(id, _)| id.clone()).collect();
    Ok((ids, Some(plan), stale))
}

/// A new sample leaves no result standing: results.csv and conflicts.csv, which listed the old
/// sample's accounts, are written again empty (the answers stay in answers.csv, set aside, as
/// `status` and `report` count them).
fn clear_old_results(camp: &Campaign, txn: &mut Txn, new_sha: &str) -> Result<(), DrawError> {
    let results = crate::store::RESULTS;
    if camp.manifest.sample_sha256() == new_sha || !camp.path(results).exists() {
        return Ok(());
    }
    let Ok(cat) = camp.catalog() else {
        return Ok(());
    };
    let none = Registry::default();
    let (rh, _) = crate::domain::answers::tables::results_table(
        &cat,
        &none,
        &[],
        &std::collections::BTreeMap::new(),
    );
    txn.put(results, &csv_bytes(&rh, &[])?)?;
    let (ch, _) = crate::domain::answers::tables::conflicts_table(&cat, &none, &[]);
    txn.put(crate::store::CONFLICTS, &csv_bytes(&ch, &[])?)?;
    Ok(())
}

/// The re-check ids an earlier campaign gives, its rectification plan when it has a record, and
/// a warning when that record is stale.
pub type RecheckFrom = (Vec<String>, Option<RecheckPlan>, Option<String>);

/// Write sample.csv, the id lists, the quota file and the design in one commit; the number of
/// sampled accounts.
fn commit(
    camp: &mut Campaign,
    req: &DrawRequest,
    spec: &Spec,
    outcome: &DrawOutcome,
) -> Result<usize, DrawError> {
    let drawn = &outcome.drawn;
    let (header, rows) = sampling::sample_table(&outcome.registry, drawn);
    let bytes = csv_bytes(&header, &rows)?;
    let mut txn = camp.begin()?;
    let mut design = Design {
        algorithm: sampling::ALGORITHM.into(),
        seed: outcome.seed,
        seed_source: outcome.seed_source.key().into(),
        strata_columns: req.strata.clone(),
        allocation: spec.allocation.name().into(),
        requested_size: drawn.size,
        min_per_stratum: req.min_per_stratum,
        min_per_region: req.min_per_region,
        take_all: req.take_all.clone(),
        // Only the name: the analyst's own folders (D:\Users\…) stay out of the report.
        recheck_source: req.recheck.as_deref().map(source_name),
        exclude_source: req.exclude.as_deref().map(source_name),
        previous: req.previous.as_deref().map(source_name),
        registry_sha256: camp
            .manifest
            .registry
            .as_ref()
            .map(|r| r.sha256.clone())
            .unwrap_or_default(),
        sample_file: crate::store::SAMPLE.into(),
        sample_sha256: crate::domain::digest::sha256_hex(&bytes),
        frame_size: drawn.frame_size,
        excluded: drawn.excluded_found,
        certainty: drawn.certainty,
        drawn_at: crate::store::now(),
        strata: drawn.strata.clone(),
        type_order: spec.type_order.clone(),
        ..Default::default()
    };
    design.recheck_ids_file = match &outcome.recheck_plan {
        // With the earlier campaign's rectification record, each re-check carries its reason.
        Some(plan) if !plan.rechecks.is_empty() => {
            let f = format!("{}/recheck_ids.csv", crate::store::DESIGN_DIR);
            let header = ["账号ID".to_string(), "回头看原因".to_string()];
            txn.put(
                &f,
                &csv_bytes(&header, &crate::domain::rectify::reason_rows(plan))?,
            )?;
            Some(f)
        }
        _ => stage_ids(&mut txn, "recheck_ids.csv", &spec.recheck)?,
    };
    design.exclude_ids_file = stage_ids(&mut txn, "exclude_ids.csv", &spec.exclude)?;
    if let Allocation::Quota(q) = &req.allocation {
        design.quota_file = Some(stage_quota(&mut txn, q)?);
    }
    txn.put(crate::store::SAMPLE, &bytes)?;
    clear_old_results(camp, &mut txn, &design.sample_sha256)?;
    camp.manifest.sample = Some(design);
    camp.commit(txn)?;
    Ok(rows.len())
}

/// Keep the quota file with the design, under its own extension.
fn stage_quota(txn: &mut Txn, q: &Path) -> Result<String, DrawError> {
    let ext = q
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let f = format!("{}/quota{ext}", crate::store::DESIGN_DIR);
    let bytes = std::fs::read(q).map_err(|e| StoreError::io(q, e))?;
    txn.put(&f, &bytes)?;
    Ok(f)
}

/// Stage an id list under design/ and return its name, or `None` for an empty list.
fn stage_ids(txn: &mut Txn, name: &str, ids: &[String]) -> Result<Option<String>, DrawError> {
    if ids.is_empty() {
        return Ok(None);
    }
    let f = format!("{}/{name}", crate::store::DESIGN_DIR);
    let rows: Vec<Vec<String>> = ids.iter().map(|i| vec![i.clone()]).collect();
    txn.put(&f, &csv_bytes(&["账号ID".to_string()], &rows)?)?;
    Ok(Some(f))
}

/// A campaign folder's or list file's name, as the design records where a list came from.
fn source_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| p.display().to_string())
}
