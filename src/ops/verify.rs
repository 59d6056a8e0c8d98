//! Re-deriving the sample from the registry and the recorded design (`audit verify`).

use crate::domain::sampling::{self, AllocationSpec, Spec};
use crate::store::evidence::InboxCheck;
use crate::store::{Campaign, StoreError};
use std::collections::{BTreeMap, HashMap};

/// Outcome of a verification, for `status` and `report`.
pub struct Verification {
    /// Every difference found, for people.
    pub problems: Vec<String>,
}

impl Verification {
    /// No difference.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Re-draw the sample from the registry and the recorded design, and compare with sample.csv.
pub fn verify(camp: &Campaign) -> Result<Verification, StoreError> {
    let design = camp.manifest.sample.as_ref().ok_or_else(|| {
        StoreError::Missing(format!(
            "{}: 尚未抽样;请先运行 {} sample --campaign {}",
            camp.dir.display(),
            crate::domain::shell::program(),
            crate::domain::shell::arg(&camp.dir)
        ))
    })?;
    if design.algorithm != sampling::ALGORITHM {
        return Err(StoreError::Missing(format!(
            "样本由抽样算法 {} 生成,本版本为 {};请用生成它的版本核验",
            design.algorithm,
            sampling::ALGORITHM
        )));
    }
    verify_design(camp, design, &camp.registry()?)
}

/// The sample re-derived ([`verify`]) and the kept copies checked ([`Campaign::check_inbox`]):
/// what `audit verify` reports.
pub struct FullCheck {
    /// The sample against the registry and the design.
    pub sample: Verification,
    /// The returned copies kept in inbox/ and rectify/inbox/.
    pub inbox: InboxCheck,
}

/// Verify the sample and the kept copies.
pub fn verify_campaign(camp: &Campaign) -> Result<FullCheck, StoreError> {
    Ok(FullCheck {
        sample: verify(camp)?,
        inbox: camp.check_inbox()?,
    })
}

/// [`verify`] with the registry already read (the report has it): a 1M-row registry is never
/// held twice.
pub fn verify_with(
    camp: &Campaign,
    reg: &crate::domain::registry::Registry,
) -> Result<Verification, StoreError> {
    match camp.manifest.sample.as_ref() {
        Some(design) if design.algorithm == sampling::ALGORITHM => verify_design(camp, design, reg),
        _ => verify(camp), // the same refusals, in the same words
    }
}

/// Redraw the sample from `reg` and the recorded design and compare it with sample.csv.
fn verify_design(
    camp: &Campaign,
    design: &sampling::Design,
    reg: &crate::domain::registry::Registry,
) -> Result<Verification, StoreError> {
    let mut problems = Vec::new();
    let reg_sha = crate::store::sha256_file(&camp.path(crate::store::REGISTRY))?;
    if reg_sha != design.registry_sha256 {
        problems.push("台账 registry.csv 在抽样后被修改(SHA-256 不一致)".to_string());
    }
    let spec = recorded_spec(camp, design, reg)?;
    let drawn = sampling::draw(reg, &spec)
        .map_err(|e| StoreError::Missing(format!("按记录的设计重新抽样失败: {e}")))?;
    if drawn.strata != design.strata {
        problems.push("按台账和记录的设计重新计算的各层样本量与清单记录不一致".to_string());
    }
    let (header, rows) = sampling::sample_table(reg, &drawn);
    let path = camp.path(crate::store::SAMPLE);
    if !path.exists() {
        problems.push(format!("{} 不存在", path.display()));
        return Ok(Verification { problems });
    }
    let (fheader, frows) = crate::store::records::read_csv(&path)?;
    if fheader != header {
        problems.push(format!("{}: 表头与重新抽样的结果不同", path.display()));
    }
    compare_rows(&header, &rows, &frows, &mut problems);
    let bytes = std::fs::read(&path).map_err(|e| StoreError::io(&path, e))?;
    if problems.is_empty() && crate::domain::digest::sha256_hex(&bytes) != design.sample_sha256 {
        problems.push(format!(
            "{}: 内容相同但字节与记录的 SHA-256 不同(可能被另存过)",
            path.display()
        ));
    }
    Ok(Verification { problems })
}

/// The sampling spec the manifest records: the same allocation, strata, take-all rules, lists
/// and seed the sample was drawn with.
fn recorded_spec(
    camp: &Campaign,
    design: &sampling::Design,
    reg: &crate::domain::registry::Registry,
) -> Result<Spec, StoreError> {
    let ids = |f: &Option<String>| camp.id_list(f);
    let profile = camp.profile()?;
    let allocation = match design.allocation.as_str() {
        "proportional" => AllocationSpec::Proportional,
        "equal" => AllocationSpec::Equal,
        "neyman" => AllocationSpec::Neyman {
            fail_rates: design
                .strata
                .iter()
                .filter_map(|s| Some((s.key.clone(), s.fail_rate?)))
                .collect::<HashMap<_, _>>(),
            overall: 0.5,
        },
        "quota" => AllocationSpec::Quota(
            design
                .strata
                .iter()
                .map(|s| (s.key.clone(), s.total))
                .collect::<BTreeMap<_, _>>(),
        ),
        other => {
            return Err(StoreError::Missing(format!(
                "清单中的分配方法 \"{other}\" 无法识别"
            )))
        }
    };
    Ok(Spec {
        strata: design.strata_columns.clone(),
        size: if design.allocation == "quota" {
            None
        } else {
            Some(design.requested_size)
        },
        allocation,
        rate: None,
        min_per_stratum: design.min_per_stratum,
        min_per_region: design.min_per_region,
        take_all: design.take_all.clone(),
        recheck: ids(&design.recheck_ids_file)?,
        exclude: ids(&design.exclude_ids_file)?,
        seed: design.seed,
        region_order: profile.prefecture_order(),
        type_order: design.type_order.clone(),
        group_order: crate::domain::groups::ReportingGroups::new(&profile, reg.accounts.iter())
            .key_order(),
    })
}

/// Compare sample.csv's rows (`file_rows`, data from line 2) with the re-drawn ones, by account
/// id: duplicated, added, changed and deleted rows each become a problem naming the line.
fn compare_rows(
    header: &[String],
    derived_rows: &[Vec<String>],
    file_rows: &[Vec<String>],
    problems: &mut Vec<String>,
) {
    let derived: BTreeMap<&str, &Vec<String>> =
        derived_rows.iter().map(|r| (r[0].as_str(), r)).collect();
    let mut seen = HashMap::new();
    for (i, r) in file_rows.iter().enumerate() {
        let line = i + 2;
        let id = r.first().map(String::as_str).unwrap_or("");
        if let Some(prev) = seen.insert(id.to_string(), line) {
            problems.push(format!("第 {line} 行: 账号 {id} 与第 {prev} 行重复"));
            continue;
        }
        match derived.get(id) {
            None => problems.push(format!(
                "第 {line} 行: 账号 {id} 是手工添加的(重新抽样中没有它)"
            )),
            Some(d) => {
                for (c, h) in header.iter().enumerate() {
                    let got = r.get(c).map(String::as_str).unwrap_or("");
                    if got != d[c] {
                        problems.push(format!(
                            "第 {line} 行: 账号 {id} 的 \"{h}\" 被改动(应为 \"{}\",现为 \"{got}\")",
                            d[c]
                        ));
                    }
                }
            }
        }
    }
    for (id, _) in derived.iter().filter(|(id, _)| !seen.contains_key(**id)) {
        problems.push(format!("账号 {id} 应在样本中,但已被删除"));
    }
}
