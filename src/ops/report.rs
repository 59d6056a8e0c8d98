//! Making a campaign's report: its data and the compared campaigns' read through the store,
//! the tables and draft built, the files written into the campaign's report/ (one commit) or a
//! folder outside it. `audit report` and the demo both call [`make`].

use crate::domain::report::contents::{build, Built, Options};
use crate::domain::report::figures::CampaignData;
use crate::domain::report::follow_up::FollowUp;
use crate::formats::report_files::{write_report, NoticeParties, ReportFileError};
use crate::ops::report_data::{previous_data, report_data};
use crate::store::output::OutputError;
use crate::store::{self, Campaign, StoreError};
use std::path::{Path, PathBuf};

/// Why no report was made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The campaign (or a compared one) could not be read or committed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The output folder was refused or could not be replaced.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A report file could not be built or written.
    #[error(transparent)]
    Files(#[from] ReportFileError),
    /// The sample no longer re-derives from the campaign's registry (re-imported under it, or
    /// edited): no basis for a notice.
    #[error("{0}")]
    Redrawn(String),
    /// `--final` while sampled accounts are unchecked.
    #[error("还有 {0} 个样本账号未检查,不能生成正式通报(--final);收齐后再出正式通报,或去掉 --final 出一份草稿")]
    NotFinal(usize),
    /// A real campaign compared with a demo's.
    #[error("--previous {}: 是演示项目(检查结果为模拟数据),不能与真实项目比较", .0.display())]
    DemoPrevious(PathBuf),
    /// Sampled accounts are unchecked and `--allow-incomplete` was not given.
    #[error("还有 {} 个样本账号未检查{}:{}{};收齐后再出报告,或加 --allow-incomplete 出一份标明\"未完成\"的报告", unchecked.len(), if *conflicts > 0 { format!("(其中 {conflicts} 个答案冲突)") } else { String::new() }, unchecked.iter().take(20).cloned().collect::<Vec<_>>().join("、"), if unchecked.len() > 20 { "……" } else { "" })]
    Incomplete {
        /// "ID 名称" of every unchecked account.
        unchecked: Vec<String>,
        /// How many of them are in conflict.
        conflicts: usize,
    },
}

type Result<T, E = ReportError> = std::result::Result<T, E>;

/// What `audit report` asks for.
pub struct ReportRequest {
    /// Campaigns to compare with, most recent first.
    pub previous: Vec<PathBuf>,
    /// A folder outside the campaign to write to, instead of its report/.
    pub out: Option<PathBuf>,
    /// Report while sampled accounts are unchecked, marked 【未完成】.
    pub allow_incomplete: bool,
    /// The date units report their rectification by (the draft prints it as 4月10日).
    pub rectify_by: Option<chrono::NaiveDate>,
    /// 主送, 署名, 版头 and 版记 as given on the command line; the profile's `[issuer]` fills
    /// what is not given.
    pub parties: NoticeParties,
    /// `--final` (Some(true)) or `--draft` (Some(false)); None takes the profile's
    /// `[issuer] final`, else a draft.
    pub final_notice: Option<bool>,
    /// Replace an earlier report (only the tool's own, unchanged files).
    pub force: bool,
}

/// A report made.
pub struct Made {
    /// Its tables, annex, draft and summary.
    pub built: Built,
    /// Where it was written.
    pub out: PathBuf,
    /// Sampled accounts not checked yet (the report says 【未完成】 when any).
    pub unchecked: usize,
    /// Whether earlier campaigns were compared.
    pub compared: bool,
    /// Whether the notice is the final one (no 草稿 mark).
    pub final_notice: bool,
}

/// Make the report of `camp`.
pub fn make(camp: &mut Campaign, req: &ReportRequest) -> Result<Made> {
    let external = camp.report_target(req.out.as_deref())?;
    let previous_camps = open_previous(camp, &req.previous)?;
    let (cur, conflicts) = report_data(camp)?;
    let previous = previous_data(&previous_camps, &cur)?;
    let unchecked = cur.unchecked().len();
    if unchecked > 0 && !req.allow_incomplete {
        refuse_incomplete(&cur, conflicts)?;
    }
    let verify_status = sample_basis(camp, &cur)?;
    if unchecked > 0 && req.final_notice == Some(true) {
        return Err(ReportError::NotFinal(unchecked));
    }
    // The profile may make the final notice the default; an incomplete report is never final.
    let final_notice =
        req.final_notice.unwrap_or(cur.profile.issuer.final_notice) && unchecked == 0;
    let parties = parties(&req.parties, &cur.profile);
    let follow_up = match previous_camps.first() {
        Some(p) => follow_up(p, &cur)?,
        None => None,
    };
    let as_of = camp
        .manifest
        .registry
        .as_ref()
        .and_then(|r| r.as_of.or_else(|| imported_on(&r.imported_at)));
    let opts = Options {
        incomplete: unchecked > 0,
        verify_status,
        as_of,
        rectify_by: req.rectify_by,
        final_notice,
        follow_up,
    };
    let built = build(&cur, &previous, &opts);
    let created = camp.manifest.created.clone();
    let fill = |dir: &Path| -> Result<()> {
        Ok(write_report(
            dir,
            &built,
            &cur,
            &created,
            &parties,
            final_notice,
        )?)
    };
    let out = match external {
        Some(out) => {
            crate::store::output::replace_output_dir(&out, req.force, fill)?;
            out
        }
        None => camp.commit_report(req.force, fill)?,
    };
    Ok(Made {
        built,
        out,
        unchecked,
        compared: !previous.is_empty(),
        final_notice,
    })
}

/// Whether the sample still rests on the registry it was drawn from: refused when the registry
/// was re-imported under it or the sample no longer re-derives from it (a notice needs the
/// sample it describes); otherwise 核验 as the design table prints it.
fn sample_basis(camp: &Campaign, cur: &CampaignData) -> Result<String> {
    let drawn_from = camp
        .manifest
        .sample
        .as_ref()
        .map(|d| d.registry_sha256.as_str());
    let registry = camp.manifest.registry.as_ref().map(|r| r.sha256.as_str());
    if drawn_from.is_some_and(|d| !d.is_empty() && Some(d) != registry) {
        return Err(ReportError::Redrawn(format!(
            "{}: 台账在抽样后被重新导入(registry.csv 与抽样时的 SHA-256 不一致),样本已不能由现在的台账核验,不能据此出报告;请重新抽样(audit sample --force),或恢复原台账",
            camp.dir.display()
        )));
    }
    let status = match crate::ops::verify::verify_with(camp, &cur.registry) {
        Ok(v) if v.ok() => "通过".to_string(),
        // A sample that no longer re-derives from the registry (a registry re-imported with
        // --force under it, a sample.csv edited) is no basis for a notice.
        Ok(v) => {
            return Err(ReportError::Redrawn(format!(
                "{}: 样本核验未通过({} 处不一致,第一处: {});台账或样本在抽样后被改动,不能据此出报告。请运行 audit verify 查看,必要时重新抽样(audit sample --force)",
                camp.dir.display(),
                v.problems.len(),
                v.problems.first().map(String::as_str).unwrap_or("")
            )))
        }
        Err(e) => format!("无法核验: {e}"),
    };
    Ok(status)
}

/// The command line's parties over the profile's `[issuer]`, over the scope's usual 主送 and
/// 署名 (a city's "各市(县)区人民政府，市各委办局"; none for a province, whose draft keeps 【】).
fn parties(given: &NoticeParties, profile: &crate::domain::profile::Profile) -> NoticeParties {
    let (issuer, words) = (&profile.issuer, profile.words());
    let or = |a: &Option<String>, b: &Option<String>| a.clone().or_else(|| b.clone());
    NoticeParties {
        to: or(&given.to, &issuer.to).or(words.addressee),
        issuer: or(&given.issuer, &issuer.name).or(words.issuer),
        mark: or(&given.mark, &issuer.mark),
        doc_number: or(&given.doc_number, &issuer.doc_number),
        cc: or(&given.cc, &issuer.cc),
        printed_by: or(&given.printed_by, &issuer.printed_by),
        printed_on: given.printed_on,
    }
}

/// The previous quarter's rectification round, when it was tracked with `audit rectify`: what
/// the units reported, against this quarter's registry.
fn follow_up(prev: &Campaign, cur: &CampaignData) -> Result<Option<FollowUp>> {
    let Some(rows) = prev.rectify_rows_if_any()? else {
        return Ok(None);
    };
    let entry = prev.rectify_entry()?;
    let deadline = entry.deadline;
    // Every reply in the record counts; an unreported account is overdue once the deadline
    // has passed, which it has by the next quarter's report.
    let statuses = crate::domain::rectify::unit_status(&rows, deadline, deadline);
    let by_id = cur.registry.by_id();
    let active = |id: &str| by_id.get(id).is_some_and(|a| a.is_active());
    let quarter = match &prev.manifest.period {
        Some(p) => crate::domain::text::period_words(p),
        None => prev.manifest.name.clone(),
    };
    Ok(Some(crate::domain::rectify::status::follow_up(
        quarter, &rows, &statuses, &active,
    )))
}

/// The `--previous` campaigns, opened and checked against `camp`: a real campaign is never
/// compared with a demo's (the notice would quote the simulated figures as last quarter's).
fn open_previous(camp: &Campaign, dirs: &[PathBuf]) -> Result<Vec<Campaign>> {
    let previous = store::records::open_previous(camp, dirs)?;
    if let Some(p) = previous.iter().find(|p| p.manifest.simulated) {
        if !camp.manifest.simulated {
            return Err(ReportError::DemoPrevious(p.dir.clone()));
        }
    }
    Ok(previous)
}

fn refuse_incomplete(cur: &CampaignData, conflicts: usize) -> Result<()> {
    Err(ReportError::Incomplete {
        unchecked: cur
            .unchecked()
            .iter()
            .map(|a| format!("{} {}", a.id, a.name))
            .collect(),
        conflicts,
    })
}

/// The day of an import timestamp ("2020-03-20T10:00:00+08:00"): the 截至 date of a registry
/// imported before the manifest recorded `as_of`.
fn imported_on(imported_at: &str) -> Option<chrono::NaiveDate> {
    crate::domain::dates::parse_iso_day(imported_at.get(..10)?)
}
