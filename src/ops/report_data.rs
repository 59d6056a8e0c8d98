//! What `audit report` (and `rectify sheets`) read from a campaign: its registry, sample,
//! design, catalog, profile and results as one [`CampaignData`], and the same for the campaigns
//! it is compared with.

use crate::domain::registry;
use crate::domain::report::figures::{CampaignData, CheckResult};
use crate::store::{Campaign, StoreError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What the report needs from an open campaign. Accounts in conflict count as unchecked.
pub fn report_data(camp: &Campaign) -> Result<(CampaignData, usize), StoreError> {
    let registry = camp.registry()?;
    let (sample, info) = camp.sample()?;
    let design = camp
        .manifest
        .sample
        .clone()
        .ok_or_else(|| StoreError::Missing(format!("{}: 尚未抽样", camp.dir.display())))?;
    let catalog = camp.catalog()?;
    let merged = camp.merged(&catalog)?;
    let outcomes: HashMap<String, CheckResult> = merged
        .results
        .into_iter()
        .map(|(id, r)| {
            let outcome = CheckResult {
                values: r.answer.values,
                verdict: r.verdict,
                prefill: r.answer.prefill,
            };
            (id, outcome)
        })
        .collect();
    let marks = info;
    let excluded = camp
        .id_list(&design.exclude_ids_file)?
        .into_iter()
        .collect();
    let profile = camp.profile()?;
    check_regions(camp, &registry, &profile)?;
    let groups = crate::domain::groups::ReportingGroups::new(
        &profile,
        registry.accounts.iter().chain(&sample.accounts),
    );
    let data = CampaignData {
        groups,
        name: camp.manifest.name.clone(),
        period: camp.manifest.period.clone(),
        registry,
        sample: sample.accounts,
        marks,
        excluded,
        profile,
        design,
        catalog,
        outcomes,
        simulated: camp.manifest.simulated,
        not_counted: camp
            .manifest
            .registry
            .as_ref()
            .map(|r| {
                registry::NotCounted::new(&r.rejected_by_reason, r.rejected, r.duplicates_merged)
            })
            .unwrap_or_default(),
    };
    Ok((data, merged.conflicts.len()))
}

/// The registry's regions must be the province's: a hand-edited `province` (or a swapped
/// profile) would otherwise print another province's empty city table.
fn check_regions(
    camp: &Campaign,
    registry: &registry::Registry,
    profile: &crate::domain::profile::Profile,
) -> Result<(), StoreError> {
    if camp.manifest.province.is_none() {
        return Ok(()); // imported before regions were resolved
    }
    let mut stray: Vec<&str> = registry
        .accounts
        .iter()
        .map(|a| a.region.as_str())
        .filter(|r| {
            *r != registry::normalize::PROVINCE_REGION && profile.province.prefecture(r).is_none()
        })
        .collect();
    stray.sort_unstable();
    stray.dedup();
    if !stray.is_empty() {
        return Err(StoreError::Refused(format!(
            "{}: 台账中的地区 {} 不是{}的{};campaign.toml 的 province 或 profile.toml 可能被改动过,请重新导入台账",
            camp.dir.display(),
            stray.iter().take(5).copied().collect::<Vec<_>>().join("、"),
            profile.province.name,
            profile.prefecture_label
        )));
    }
    Ok(())
}

/// The `--previous` campaigns' data, most recent first; each one's types reclassified under the
/// current scheme when the scheme changed between the quarters, so they compare like with like.
pub fn previous_data(
    previous: &[Campaign],
    current: &CampaignData,
) -> Result<Vec<CampaignData>, StoreError> {
    let mut out = Vec::new();
    for p in previous {
        let mut data = report_data(p)
            .map_err(|e| StoreError::Missing(format!("无法读取上期项目 {}: {e}", p.dir.display())))?
            .0;
        if data.profile.types != current.profile.types {
            data.registry.reclassify_types(&current.profile.types);
            for a in &mut data.sample {
                a.account_type =
                    registry::classify_type(&current.profile.types, &a.raw.account_type);
            }
        }
        out.push(data);
    }
    Ok(out)
}

impl Campaign {
    /// Where the report goes: the campaign's own report/ folder, or a folder outside the campaign.
    /// A folder inside the campaign's files (or the campaign itself, or a folder holding it) is
    /// refused, so the report can never replace the record.
    pub fn report_target(&self, out: Option<&Path>) -> Result<Option<PathBuf>, StoreError> {
        let Some(out) = out else {
            return Ok(None);
        };
        let abs = |p: &Path| -> PathBuf {
            let p = if p.is_absolute() {
                p.to_path_buf()
            } else {
                std::env::current_dir().unwrap_or_default().join(p)
            };
            // Resolve what exists (symlinks, ..), keep the rest as given.
            match (
                p.parent().and_then(|d| d.canonicalize().ok()),
                p.file_name(),
            ) {
                (Some(d), Some(n)) => d.join(n),
                _ => p,
            }
        };
        let (out_abs, dir_abs) = (
            abs(out),
            self.dir.canonicalize().unwrap_or_else(|_| abs(&self.dir)),
        );
        if out_abs == dir_abs.join(crate::store::REPORT_DIR) {
            return Ok(None);
        }
        if out_abs.starts_with(&dir_abs) || dir_abs.starts_with(&out_abs) {
            return Err(StoreError::Refused(format!(
                "--out {}: 位于项目目录 {} 之内或包含它;报告只能写到项目的 report/ 或项目之外的目录",
                out.display(),
                self.dir.display()
            )));
        }
        // Nor inside any other campaign: its report/ is that campaign's record.
        if let Some(other) = out_abs
            .ancestors()
            .find(|a| a.join(crate::store::MANIFEST).is_file())
        {
            return Err(StoreError::Refused(format!(
                "--out {}: 位于另一个检查抽查项目 {} 之内;请写到项目之外的目录",
                out.display(),
                other.display()
            )));
        }
        Ok(Some(out.to_path_buf()))
    }

    /// Put the report in the campaign's report/ folder, in one commit with nothing else.
    pub fn commit_report<E>(
        &mut self,
        force: bool,
        fill: impl FnOnce(&Path) -> Result<(), E>,
    ) -> Result<PathBuf, E>
    where
        E: From<StoreError> + From<crate::store::output::OutputError>,
    {
        let out = self.path(crate::store::REPORT_DIR);
        crate::store::output::guard_output_dir(&out, force)?;
        let mut txn = self.begin()?;
        let staged = txn.staged_path(crate::store::REPORT_DIR);
        std::fs::create_dir_all(&staged).map_err(|e| StoreError::io(&staged, e))?;
        fill(&staged)?;
        crate::store::output::seal(&staged)?;
        txn.put_dir(crate::store::REPORT_DIR, |_| Ok(()))?;
        self.commit(txn)?;
        Ok(out)
    }
}
