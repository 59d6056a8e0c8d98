//! Issuing rectification workbooks (整改反馈表): the report's annex grouped by responsible
//! unit, one signed workbook per unit, committed with the rectification record. `audit rectify
//! sheets` calls [`issue_rectify`].

use crate::domain::rectify::{annex_listed, carry_replies, group_by_unit, units, RectifyRow};
use crate::domain::report::figures::CampaignData;
use crate::formats::workbook::meta::{Meta, MetaKind};
use crate::formats::workbook::rectify::{build, RectifySpec};
use crate::store::rectify_record::{self as record, RectifyEntry, RectifyWorkbook};
use crate::store::{self, Campaign, Secret, StoreError};
use chrono::NaiveDate;
use std::path::PathBuf;

/// Why no rectification workbooks were issued.
#[derive(Debug, thiserror::Error)]
pub enum RectifyIssueError {
    /// The campaign could not be read or committed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A workbook could not be built.
    #[error(transparent)]
    Build(#[from] rust_xlsxwriter::XlsxError),
    /// The annex may still change and `--allow-incomplete` was not given.
    #[error("还有 {unchecked} 个样本账号未检查、{conflicts} 个冲突,通报附件名单尚不完整;请先收回全部检查表(audit collect),或加 --allow-incomplete")]
    Incomplete {
        /// Sampled accounts not checked.
        unchecked: usize,
        /// Accounts in conflict.
        conflicts: usize,
    },
    /// Workbooks were issued before and `--force` was not given.
    #[error("{} 已生成整改反馈表({count} 份);如确需重新生成请加 --force(已收回的整改情况会保留)", dir.display())]
    Issued {
        /// The campaign folder.
        dir: PathBuf,
        /// Workbooks issued before.
        count: usize,
    },
}

type Result<T, E = RectifyIssueError> = std::result::Result<T, E>;

/// When the annex no longer matches the rectification record (answers changed after `rectify
/// sheets`), a warning naming how many accounts came in or went out; none when they match.
pub fn stale_record(camp: &Campaign, rows: &[RectifyRow]) -> Result<Option<String>, StoreError> {
    let (data, _) = crate::ops::report_data::report_data(camp)?;
    let annex: std::collections::HashSet<String> =
        annex_listed(&data).into_iter().map(|l| l.id).collect();
    let record: std::collections::HashSet<String> = rows.iter().map(|r| r.id.clone()).collect();
    let added = annex.difference(&record).count();
    let gone = record.difference(&annex).count();
    Ok((added + gone > 0).then(|| {
        format!(
            "整改反馈表生成后检查结果有变化:通报附件名单新增 {added} 个、移出 {gone} 个账号,整改记录已过时;请运行 audit rectify sheets --force 更新(已收回的整改情况会保留)"
        )
    }))
}

/// What `audit rectify sheets` asks for.
pub struct RectifyRequest {
    /// The date the units report by.
    pub deadline: NaiveDate,
    /// Issue while sampled accounts are unchecked or in conflict.
    pub allow_incomplete: bool,
    /// Replace workbooks issued before (replies collected are kept).
    pub force: bool,
    /// Make a new signing key although workbooks signed with the lost one are out.
    pub new_secret: bool,
}

/// The workbooks issued; none when the annex is empty (nothing to rectify).
pub struct RectifyIssued {
    /// One workbook per responsible unit.
    pub workbooks: Vec<RectifyWorkbook>,
    /// Accounts to rectify.
    pub accounts: usize,
}

/// Issue one rectification workbook per responsible unit of the annex and commit them with
/// the record.
pub fn issue_rectify(camp: &mut Campaign, req: &RectifyRequest) -> Result<RectifyIssued> {
    let (data, conflicts) = crate::ops::report_data::report_data(camp)?;
    check_complete(&data, conflicts, req.allow_incomplete)?;
    let old = camp.manifest.rectify.clone();
    if let (Some(o), false) = (&old, req.force) {
        return Err(RectifyIssueError::Issued {
            dir: camp.dir.clone(),
            count: o.workbooks.len(),
        });
    }
    let listed = annex_listed(&data);
    if listed.is_empty() {
        return Ok(RectifyIssued {
            workbooks: Vec::new(),
            accounts: 0,
        });
    }
    let mut rows = group_by_unit(&listed);
    if old.is_some() {
        carry_replies(&mut rows, &camp.rectify_rows()?);
    } else {
        camp.check_own(record::RECTIFY_RECORD, None)?;
    }
    let deadline = req.deadline;
    let mut txn = camp.begin()?;
    let secret = camp.secret_or_create(&mut txn, req.new_secret)?;
    let issued = issue(camp, &secret, &rows, &data.display_name(), deadline)?;
    let old_books = old.as_ref().map(|o| o.workbooks.as_slice()).unwrap_or(&[]);
    stage_workbooks(camp, &mut txn, old_books, &issued)?;
    let record_sha256 = Some(record::stage_record(&mut txn, &rows)?);
    camp.manifest.rectify = Some(RectifyEntry {
        created: store::now(),
        deadline,
        sample_sha256: camp.manifest.sample_sha256().to_string(),
        record_file: record::RECTIFY_RECORD.into(),
        workbooks: issued.iter().map(|(w, _)| w.clone()).collect(),
        record_sha256,
        ..old.unwrap_or_default()
    });
    camp.commit(txn)?;
    Ok(RectifyIssued {
        workbooks: issued.into_iter().map(|(w, _)| w).collect(),
        accounts: rows.len(),
    })
}

/// A unit's workbook id, keyed by the campaign's secret over what makes it this workbook.
fn workbook_id(secret: &Secret, camp: &Campaign, unit: &str, ids: &[&str]) -> String {
    let text = format!(
        "rectify-workbook-id\n{}\n{}\n{unit}\n{}",
        camp.manifest.id,
        camp.manifest.sample_sha256(),
        ids.join("\n")
    );
    secret.sign(text.as_bytes())[..16].to_string()
}

/// Refuse while the annex may still change: unchecked sampled accounts or open conflicts.
fn check_complete(c: &CampaignData, conflicts: usize, allow: bool) -> Result<()> {
    let unchecked = c.unchecked().len();
    if (unchecked > 0 || conflicts > 0) && !allow {
        return Err(RectifyIssueError::Incomplete {
            unchecked,
            conflicts,
        });
    }
    Ok(())
}

/// A workbook made for a unit, with its bytes.
type Issued = (RectifyWorkbook, Vec<u8>);

/// One signed workbook per unit of the record.
fn issue(
    camp: &Campaign,
    secret: &Secret,
    rows: &[RectifyRow],
    title: &str,
    deadline: NaiveDate,
) -> Result<Vec<Issued>> {
    let groups = units(rows);
    let labels: Vec<String> = groups.iter().map(|(u, _)| format!("整改_{u}")).collect();
    let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    let names = crate::ops::issue::workbook_names(&camp.manifest.name, &label_refs);
    let catalog_sha = camp
        .manifest
        .sheets
        .as_ref()
        .map(|s| s.catalog_sha256.clone())
        .unwrap_or_default();
    let mut issued = Vec::new();
    for ((unit, list), name) in groups.iter().zip(&names) {
        let ids: Vec<&str> = list.iter().map(|r| r.id.as_str()).collect();
        let meta = Meta {
            kind: MetaKind::Rectification,
            campaign: camp.manifest.name.clone(),
            campaign_id: camp.manifest.id.clone(),
            sample_sha256: camp.manifest.sample_sha256().to_string(),
            catalog_sha256: catalog_sha.clone(),
            workbook_id: workbook_id(secret, camp, unit, &ids),
            inspector: unit.to_string(),
            ids: ids.iter().map(|s| s.to_string()).collect(),
            prefills: Vec::new(),
            signature: String::new(),
        }
        .signed(secret);
        let bytes = build(&RectifySpec {
            meta: &meta,
            campaign_title: title,
            deadline,
            rows: list.clone(),
            simulated: camp.manifest.simulated,
            created: &camp.manifest.created,
        })?;
        let entry = RectifyWorkbook {
            id: meta.workbook_id.clone(),
            unit: unit.to_string(),
            file: format!("{}/{name}", record::RECTIFY_SHEETS_DIR),
            accounts: ids.len() as u64,
            sha256: crate::domain::digest::sha256_hex(&bytes),
        };
        issued.push((entry, bytes));
    }
    Ok(issued)
}

/// Stage the new workbooks and remove old ones no longer issued, refusing to replace any file
/// that is not exactly as the tool wrote it.
fn stage_workbooks(
    camp: &Campaign,
    txn: &mut store::Txn,
    old_books: &[RectifyWorkbook],
    issued: &[Issued],
) -> Result<()> {
    for w in old_books {
        camp.check_own(&w.file, Some(&w.sha256))?;
        if !issued.iter().any(|(n, _)| n.file == w.file) {
            txn.remove(&w.file);
        }
    }
    for (w, bytes) in issued {
        if !old_books.iter().any(|o| o.file == w.file) {
            camp.check_own(&w.file, None)?;
        }
        txn.put_copy(&w.file, bytes)?;
    }
    Ok(())
}
