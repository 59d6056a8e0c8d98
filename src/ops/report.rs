//! Making a campaign's report: its data and the compared campaigns' read through the store,
//! the tables and draft built, the files written into the campaign's report/ (one commit) or a
//! folder outside it. `audit report` and the demo both call [`make`].

use crate::domain::report::contents::{build, chinese_date, Built};
use crate::domain::report::figures::CampaignData;
use crate::formats::report_files::{write_report, NoticeParties};
use crate::ops::report_data::{previous_data, report_data};
use crate::store::{self, Campaign};
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// What `audit report` asks for.
pub struct ReportRequest {
    /// Campaigns to compare with, most recent first.
    pub previous: Vec<PathBuf>,
    /// A folder outside the campaign to write to, instead of its report/.
    pub out: Option<PathBuf>,
    /// Report while sampled accounts are unchecked, marked 【未完成】.
    pub allow_incomplete: bool,
    /// The date units report their rectification by, as the draft prints it ("4月10日").
    pub rectify_by: Option<String>,
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
    let drawn_from = camp
        .manifest
        .sample
        .as_ref()
        .map(|d| d.registry_sha256.as_str());
    let registry = camp.manifest.registry.as_ref().map(|r| r.sha256.as_str());
    if drawn_from.is_some_and(|d| !d.is_empty() && Some(d) != registry) {
        anyhow::bail!(
            "{}: 台账在抽样后被重新导入(registry.csv 与抽样时的 SHA-256 不一致),样本已不能由现在的台账核验,不能据此出报告;请重新抽样(audit sample --force),或恢复原台账",
            camp.dir.display()
        );
    }
    let verify_status = match crate::ops::verify::verify(camp) {
        Ok(v) if v.ok() => "通过".to_string(),
        // A sample that no longer re-derives from the registry (a registry re-imported with
        // --force under it, a sample.csv edited) is no basis for a notice.
        Ok(v) => anyhow::bail!(
            "{}: 样本核验未通过({} 处不一致,第一处: {});台账或样本在抽样后被改动,不能据此出报告。请运行 audit verify 查看,必要时重新抽样(audit sample --force)",
            camp.dir.display(),
            v.problems.len(),
            v.problems.first().map(String::as_str).unwrap_or("")
        ),
        Err(e) => format!("无法核验: {e}"),
    };
    let as_of = camp
        .manifest
        .registry
        .as_ref()
        .map(|r| chinese_date(r.as_of.as_deref().unwrap_or(&r.imported_at)))
        .unwrap_or_default();
    let rectify = req.rectify_by.clone();
    let built = build(
        &cur,
        &previous,
        unchecked > 0,
        &verify_status,
        as_of,
        rectify,
    );
    let created = camp.manifest.created.clone();
    let fill = |dir: &Path| write_report(dir, &built, &cur, &created, &req.parties);
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
            bail!(
                "--previous {}: 是演示项目(检查结果为模拟数据),不能与真实项目比较",
                p.dir.display()
            );
        }
    }
    Ok(previous)
}

fn refuse_incomplete(cur: &CampaignData, conflicts: usize) -> Result<()> {
    let unchecked = cur.unchecked();
    let ids: Vec<String> = unchecked
        .iter()
        .take(20)
        .map(|a| format!("{} {}", a.id, a.name))
        .collect();
    bail!(
        "还有 {} 个样本账号未检查{}:{}{};收齐后再出报告,或加 --allow-incomplete 出一份标明\"未完成\"的报告",
        unchecked.len(),
        if conflicts > 0 { format!("(其中 {conflicts} 个答案冲突)") } else { String::new() },
        ids.join("、"),
        if unchecked.len() > 20 { "……" } else { "" }
    )
}
