//! Making a campaign's report: its data and the compared campaigns' read through the store,
//! the tables and draft built, the files written into the campaign's report/ (one commit) or a
//! folder outside it. `audit report` and the demo both call [`make`].

use crate::domain::report::contents::{build, Built};
use crate::domain::report::figures::CampaignData;
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
    /// 主送 and 署名.
    pub parties: NoticeParties,
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
    let verify_status = match crate::ops::verify::verify(camp) {
        Ok(v) if v.ok() => "通过".to_string(),
        Ok(v) => format!("未通过({} 处不一致)", v.problems.len()),
        Err(e) => format!("无法核验: {e}"),
    };
    let as_of = camp
        .manifest
        .registry
        .as_ref()
        .and_then(|r| r.as_of.or_else(|| imported_on(&r.imported_at)));
    let rectify = req.rectify_by;
    let built = build(
        &cur,
        &previous,
        unchecked > 0,
        &verify_status,
        as_of,
        rectify,
    );
    let created = camp.manifest.created.clone();
    let fill =
        |dir: &Path| -> Result<()> { Ok(write_report(dir, &built, &cur, &created, &req.parties)?) };
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
    })
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
