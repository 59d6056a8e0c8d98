//! Typed reads of the campaign's files, and the schema of each file the tool reads back.
//! Columns are found by their header name, never by position.

use super::{Access, Campaign, StoreError, ANSWERS, CATALOG, SAMPLE};
use crate::domain::answers::{self, Merged, RowAnswer};
use crate::domain::indicators::Catalog;
use crate::domain::registry::{CanonicalReader, Registry};
use std::collections::HashMap;
use std::path::Path;

pub use crate::domain::sampling::SampleMark;

pub use crate::domain::sampling::PreviousResult;

/// The fixed columns of answers.csv before the indicators.
const ANSWER_LEAD: [&str; 7] = [
    "检查表ID",
    "检查表检查人",
    "来源文件",
    "文件SHA256",
    "样本指纹",
    "行号",
    "账号ID",
];
/// The fixed columns of answers.csv after the indicators.
const ANSWER_TAIL: [&str; 3] = ["问题描述", "检查人", "检查日期"];
/// The last column of answers.csv: pre-filled answers and what became of them ("V6:是→否").
/// Files written before pre-fill existed lack it; their answers had none.
const ANSWER_PREFILL: &str = "监测预填";
/// After it: whether the 检查人 cell names the workbook's own inspector (blank) or someone
/// else (see [`answers::checker_note`]). Written, never read back: it follows from the row.
const ANSWER_CHECKER_NOTE: &str = "检查人核对";

/// The header of answers.csv for a catalog.
pub fn answers_header(cat: &Catalog) -> Vec<String> {
    let mut h: Vec<String> = ANSWER_LEAD.iter().map(|s| s.to_string()).collect();
    h.extend(crate::domain::indicators::indicator_headers(cat));
    h.extend(ANSWER_TAIL.iter().map(|s| s.to_string()));
    h.push(ANSWER_PREFILL.to_string());
    h.push(ANSWER_CHECKER_NOTE.to_string());
    h
}

/// One answers.csv row.
pub fn answer_row(cat: &Catalog, a: &RowAnswer) -> Vec<String> {
    let mut r = vec![
        a.workbook.clone(),
        a.inspector.clone(),
        a.source.clone(),
        a.source_sha256.clone(),
        a.sample_sha256.clone(),
        a.row.to_string(),
        a.id.clone(),
    ];
    r.extend(answers::value_labels(cat, &a.values));
    r.extend([a.description.clone(), a.checker.clone(), a.date.clone()]);
    r.push(crate::domain::monitor::checks_text(&a.prefill));
    r.push(answers::checker_note(a).unwrap_or_default());
    r
}

/// Column positions by header name, with a clear error for a missing one.
struct Columns<'a> {
    path: &'a Path,
    index: HashMap<&'a str, usize>,
}

impl<'a> Columns<'a> {
    fn new(path: &'a Path, header: &'a [String]) -> Columns<'a> {
        let index = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.as_str(), i))
            .collect();
        Columns { path, index }
    }

    fn get(&self, name: &str) -> Result<usize, StoreError> {
        self.index
            .get(name)
            .copied()
            .ok_or_else(|| StoreError::Corrupt {
                path: self.path.to_path_buf(),
                detail: format!("缺少列 \"{name}\""),
            })
    }
}

/// Refuse a record file whose bytes are no longer those the tool wrote (`recorded`; none for
/// campaigns from before it was recorded): hand edits, or a save from Excel, would otherwise be
/// taken as the office's answers.
pub(crate) fn check_unchanged(
    path: &Path,
    recorded: Option<&String>,
    writer: &str,
) -> Result<(), StoreError> {
    let Some(sha) = recorded else {
        return Ok(());
    };
    let detail = if !path.exists() {
        format!("文件缺失(清单记录它由 {writer} 写入);请从备份恢复原文件")
    } else if &super::sha256_file(path)? != sha {
        format!(
            "写入后被改动过(SHA-256 与清单记录不一致);这个文件只能由 {writer} 写入,请从备份恢复原文件"
        )
    } else {
        return Ok(());
    };
    Err(StoreError::Corrupt {
        path: path.to_path_buf(),
        detail,
    })
}

/// A CSV the store wrote, header and rows; a file that does not parse is corrupt.
pub(crate) fn read_csv(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>), StoreError> {
    let bytes = std::fs::read(path).map_err(|e| StoreError::io(path, e))?;
    let csv =
        crate::domain::csv_text::parse_plain_csv(&bytes).map_err(|e| StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
    Ok((csv.header, csv.rows))
}

fn parse_answers(path: &Path, cat: &Catalog) -> Result<Vec<RowAnswer>, StoreError> {
    let (header, rows) = read_csv(path)?;
    let cols = Columns::new(path, &header);
    let lead: Vec<usize> = ANSWER_LEAD
        .iter()
        .map(|n| cols.get(n))
        .collect::<Result<_, _>>()?;
    let tail: Vec<usize> = ANSWER_TAIL
        .iter()
        .map(|n| cols.get(n))
        .collect::<Result<_, _>>()?;
    let inds: Vec<usize> = cat
        .indicators
        .iter()
        .map(|i| {
            cols.get(&crate::domain::indicators::indicator_header(
                &i.code, &i.name,
            ))
        })
        .collect::<Result<_, _>>()?;
    let prefill = cols.get(ANSWER_PREFILL).ok();
    let corrupt = |line: usize, detail: String| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: format!("第 {line} 行: {detail}"),
    };
    let mut out = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let cell = |c: usize| r.get(c).cloned().unwrap_or_default();
        let mut values = Vec::with_capacity(inds.len());
        for (ind, c) in cat.indicators.iter().zip(&inds) {
            let v = answers::value_from_label(ind.kind, &cell(*c))
                .ok_or_else(|| corrupt(i + 2, format!("值 \"{}\" 无法识别", cell(*c))))?;
            values.push(v);
        }
        out.push(RowAnswer {
            workbook: cell(lead[0]),
            inspector: cell(lead[1]),
            source: cell(lead[2]),
            source_sha256: cell(lead[3]),
            sample_sha256: cell(lead[4]),
            row: cell(lead[5])
                .parse()
                .map_err(|_| corrupt(i + 2, "行号".into()))?,
            id: cell(lead[6]),
            values,
            description: cell(tail[0]),
            checker: cell(tail[1]),
            date: cell(tail[2]),
            prefill: match prefill {
                None => Vec::new(),
                Some(c) => crate::domain::monitor::parse_checks(&cell(c))
                    .ok_or_else(|| corrupt(i + 2, format!("监测预填 \"{}\" 无法识别", cell(c))))?,
            },
        });
    }
    Ok(out)
}

impl Campaign {
    /// The imported registry.
    pub fn registry(&self) -> Result<Registry, StoreError> {
        let mut reg = None;
        self.read_registry(usize::MAX, |r| reg = Some(r))?;
        Ok(reg.unwrap_or_default())
    }

    /// The imported registry's accounts a part at a time, each part dropped before the next is
    /// read: for a command that looks at every account once and keeps none (the sheets need
    /// only the places the accounts name), so it never holds the registry.
    pub fn registry_in_parts(
        &self,
        mut visit: impl FnMut(&[crate::domain::registry::Account]),
    ) -> Result<(), StoreError> {
        self.read_registry(8192, |part| visit(&part.accounts))
    }

    /// Read registry.csv a row at a time, each row's texts taken from the CSV reader's buffer
    /// (issue #25: a row held as cells beside its account was the peak of every command
    /// reading a 200,000-account registry), and hand it over in parts of `part` accounts (the
    /// whole registry when `part` is `usize::MAX`).
    fn read_registry(
        &self,
        part: usize,
        mut visit: impl FnMut(Registry),
    ) -> Result<(), StoreError> {
        let (path, bytes) = self.registry_bytes()?;
        let corrupt = |detail: String| StoreError::Corrupt {
            path: path.clone(),
            detail,
        };
        let (header, mut rows) =
            crate::domain::csv_text::plain_csv_rows(&bytes).map_err(|e| corrupt(e.to_string()))?;
        let mut reader = CanonicalReader::new(&header).map_err(|e| corrupt(e.to_string()))?;
        reader.accounts.reserve(rows.size_hint().0.min(part));
        while let Some(read) = rows.next_with(|line, cells| reader.push(line, cells)) {
            read.map_err(|e| corrupt(e.to_string()))?
                .map_err(|e| corrupt(e.to_string()))?;
            if reader.accounts.len() >= part {
                let accounts = reader.take_part();
                visit(reader.part(accounts));
            }
        }
        let accounts = reader.take_part();
        if part == usize::MAX || !accounts.is_empty() {
            visit(reader.part(accounts));
        }
        Ok(())
    }

    /// Where the registry is and its bytes; refused before import.
    fn registry_bytes(&self) -> Result<(std::path::PathBuf, Vec<u8>), StoreError> {
        let entry = self.manifest.registry.as_ref().ok_or_else(|| {
            StoreError::Missing(format!(
                "{}: 尚未导入台账;请先运行 {} import 台账文件 --campaign {}",
                self.dir.display(),
                crate::domain::shell::program(),
                crate::domain::shell::arg(&self.dir)
            ))
        })?;
        let path = self.path(&entry.file);
        let bytes = std::fs::read(&path).map_err(|e| StoreError::io(&path, e))?;
        // Only import writes the registry: a copy edited by hand would be sampled, issued and
        // reported on as if it were the office's export.
        if crate::domain::digest::sha256_hex(&bytes) != entry.sha256 {
            return Err(StoreError::Corrupt {
                path,
                detail: format!(
                    "导入后被改动过(SHA-256 与清单记录不一致);台账只能由 import 写入:请恢复原文件,或把台账改好后用 {} import … --force 重新导入",
                    crate::domain::shell::program()
                ),
            });
        }
        Ok((path, bytes))
    }

    /// The ids of a list the design recorded (re-check or exclusion), in file order; none when
    /// the design recorded no such list.
    pub fn id_list(&self, file: &Option<String>) -> Result<Vec<String>, StoreError> {
        match file {
            None => Ok(Vec::new()),
            Some(f) => Ok(read_csv(&self.path(f))?
                .1
                .into_iter()
                .filter_map(|r| r.into_iter().next())
                .collect()),
        }
    }

    /// The sample: its accounts (as a registry) and each one's stratum and selection reason.
    pub fn sample(&self) -> Result<(Registry, Vec<SampleMark>), StoreError> {
        if self.manifest.sample.is_none() {
            return Err(StoreError::Missing(format!(
                "{}: 尚未抽样;请先运行 {} sample --campaign {}",
                self.dir.display(),
                crate::domain::shell::program(),
                crate::domain::shell::arg(&self.dir)
            )));
        }
        let path = self.path(SAMPLE);
        let (header, rows) = read_csv(&path)?;
        let corrupt = |detail: String| StoreError::Corrupt {
            path: path.clone(),
            detail,
        };
        let Some(k) = crate::domain::sampling::design_columns(&header) else {
            return Err(corrupt("不是 audit 生成的样本文件".into()));
        };
        let cut = header.len() - k;
        let cols = Columns::new(&path, &header);
        let (stratum, reason) = (cols.get("分层")?, cols.get("入样方式")?);
        let mut reg_rows = Vec::with_capacity(rows.len());
        let mut info = Vec::with_capacity(rows.len());
        for (i, mut r) in rows.into_iter().enumerate() {
            if r.len() != header.len() {
                return Err(corrupt(format!("第 {} 行列数不对", i + 2)));
            }
            let why = crate::domain::sampling::Reason::from_label(&r[reason]).ok_or_else(|| {
                corrupt(format!(
                    "第 {} 行入样方式 \"{}\" 无法识别",
                    i + 2,
                    r[reason]
                ))
            })?;
            info.push(SampleMark {
                stratum: std::mem::take(&mut r[stratum]),
                key: Vec::new(),
                reason: why,
            });
            // The design columns follow the registry's; the registry's cells move on as they are.
            r.truncate(cut);
            reg_rows.push(r);
        }
        let reg = Registry::from_canonical(&header[..cut], reg_rows)
            .map_err(|e| corrupt(e.to_string()))?;
        // The typed key, from the account's own values in the design's strata columns (with
        // the region added under --min-per-region, as the draw crossed them).
        if let Some(design) = &self.manifest.sample {
            let strata = crate::domain::sampling::crossed_strata(
                &reg,
                &design.strata_columns,
                design.min_per_region,
            );
            let columns: Vec<_> = strata.iter().filter_map(|s| reg.column(s)).collect();
            for (mark, a) in info.iter_mut().zip(&reg.accounts) {
                mark.key = columns
                    .iter()
                    .map(|c| reg.value(a, c).to_string())
                    .collect();
            }
        }
        Ok((reg, info))
    }

    /// The catalog fixed for this campaign at sheet time, refused if it was edited since.
    pub fn catalog(&self) -> Result<Catalog, StoreError> {
        let path = self.path(CATALOG);
        let Some(sheets) = &self.manifest.sheets else {
            return Err(StoreError::Missing(format!(
                "{}: 尚未生成检查表(缺少 {CATALOG});请先运行 {} sheet --campaign {}",
                self.dir.display(),
                crate::domain::shell::program(),
                crate::domain::shell::arg(&self.dir)
            )));
        };
        let bytes = std::fs::read(&path).map_err(|e| StoreError::io(&path, e))?;
        if crate::domain::digest::sha256_hex(&bytes) != sheets.catalog_sha256 {
            return Err(StoreError::CatalogChanged { path });
        }
        let text = String::from_utf8_lossy(&bytes);
        Catalog::parse(&text, &path.display().to_string()).map_err(|e| StoreError::Corrupt {
            path: path.clone(),
            detail: e.to_string(),
        })
    }

    /// The campaign's province profile: profile.toml (hash-checked) when import was given one,
    /// else the built-in profile of its province (Jiangsu for campaigns from before provinces),
    /// scoped to the city or county the manifest records.
    pub fn profile(&self) -> Result<crate::domain::profile::Profile, StoreError> {
        use crate::domain::profile::{province, Profile};
        let path = self.path(super::PROFILE);
        let mut profile = match self.profile_text()? {
            Some(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                Profile::parse(&text).map_err(|e| StoreError::Corrupt {
                    path: path.clone(),
                    detail: e.to_string(),
                })?
            }
            None => {
                let name = self.manifest.province.as_deref().unwrap_or("江苏省");
                let p = province(name).ok_or_else(|| StoreError::Corrupt {
                    path: self.path(super::MANIFEST),
                    detail: format!("province = \"{name}\" 不是已知的省份"),
                })?;
                Profile::builtin(p)
            }
        };
        if let Some(scope) = &self.manifest.scope {
            let corrupt = |detail: String| StoreError::Corrupt {
                path: self.path(super::MANIFEST),
                detail,
            };
            let before = profile.scope.clone();
            profile
                .set_scope(scope)
                .map_err(|e| corrupt(format!("scope = \"{scope}\": {e}")))?;
            if before.unit().is_some() && before != profile.scope {
                return Err(corrupt(format!(
                    "scope = \"{scope}\" 与 {} 的检查范围不一致;请重新导入台账",
                    super::PROFILE
                )));
            }
        }
        Ok(profile)
    }

    /// The bytes of profile.toml (hash-checked) when import was given a profile file; None for a
    /// campaign on its province's built-in profile.
    pub fn profile_text(&self) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(sha) = &self.manifest.profile_sha256 else {
            return Ok(None);
        };
        let path = self.path(super::PROFILE);
        let bytes = std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => StoreError::Corrupt {
                path: path.clone(),
                detail: "配置文件缺失(导入时用了 --profile);请用 import --profile 重新导入".into(),
            },
            _ => StoreError::io(&path, e),
        })?;
        if &crate::domain::digest::sha256_hex(&bytes) != sha {
            return Err(StoreError::Corrupt {
                path,
                detail: "导入后被改动过(SHA-256 不一致);请用 import --profile 重新导入".into(),
            });
        }
        Ok(Some(bytes))
    }

    /// Every answer row kept (the latest version of every workbook, of any sample).
    pub fn answers(&self, cat: &Catalog) -> Result<Vec<RowAnswer>, StoreError> {
        let path = self.path(ANSWERS);
        let recorded = self
            .manifest
            .collect
            .as_ref()
            .and_then(|c| c.answers_sha256.as_ref());
        check_unchanged(&path, recorded, "audit collect")?;
        if !path.exists() {
            return Ok(Vec::new());
        }
        parse_answers(&path, cat)
    }

    /// The current results: answers of the current sample merged, with conflicts and the
    /// number of rows set aside because they belong to an earlier sample.
    pub fn merged(&self, cat: &Catalog) -> Result<Merged, StoreError> {
        let answers = self.answers(cat)?;
        let sample_sha = self.manifest.sample_sha256();
        let resolved = self
            .manifest
            .collect
            .as_ref()
            .map(|c| c.resolved.clone())
            .unwrap_or_default();
        Ok(answers::merge(cat, &answers, &resolved, sample_sha))
    }

    /// Each current workbook with the number of its accounts checked (by workbook id, so a copy
    /// re-sent under another name is not counted twice); conflicting answers count too. For
    /// `status` and `collect`'s progress lines.
    pub fn checked_per_workbook(&self, m: &Merged) -> Vec<(&super::WorkbookEntry, usize)> {
        let Some(sheets) = &self.manifest.sheets else {
            return Vec::new();
        };
        let mut by_workbook: HashMap<&str, std::collections::HashSet<&str>> = HashMap::new();
        let answers = m.results.values().map(|r| &r.answer);
        for a in answers.chain(m.conflicts.iter().flat_map(|c| c.answers.iter())) {
            by_workbook.entry(&a.workbook).or_default().insert(&a.id);
        }
        sheets
            .workbooks
            .iter()
            .map(|w| {
                let checked = by_workbook.get(w.id.as_str()).map_or(0, |ids| ids.len());
                (w, checked)
            })
            .collect()
    }

    /// Results of this campaign as a previous one: (id, qualified) for every checked account.
    pub fn previous_results(&self) -> Result<Vec<PreviousResult>, StoreError> {
        let cat = self.catalog()?;
        let merged = self.merged(&cat)?;
        let (sample, info) = self.sample()?;
        let reasons: std::collections::HashMap<&str, crate::domain::sampling::Reason> = sample
            .accounts
            .iter()
            .zip(&info)
            .map(|(a, i)| (a.id.as_str(), i.reason))
            .collect();
        Ok(merged
            .results
            .into_iter()
            .map(|(id, r)| PreviousResult {
                random: reasons.get(id.as_str()) == Some(&crate::domain::sampling::Reason::Random),
                qualified: r.verdict.qualified,
                id,
            })
            .collect())
    }

    /// Refuse a `--previous` campaign that is this one, a copy of it, or not earlier.
    pub fn check_previous(&self, prev: &Campaign) -> Result<(), StoreError> {
        let refuse = |why: String| {
            Err(StoreError::Missing(format!(
                "--previous {}: {why}",
                prev.dir.display()
            )))
        };
        let same_dir = match (self.dir.canonicalize(), prev.dir.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same_dir || (!self.manifest.id.is_empty() && self.manifest.id == prev.manifest.id) {
            return refuse("就是本项目(或其副本),上期项目必须是另一个项目".into());
        }

        match (&prev.manifest.period, &self.manifest.period) {
            (Some(p), Some(c)) if p >= c => {
                return refuse(format!("期次 {p} 不早于本期 {c}"));
            }
            (Some(_), Some(_)) => {}
            _ => {
                if let (Some(p), Some(c)) = (drawn_at(prev), drawn_at(self)) {
                    if p > c {
                        return refuse("抽样时间晚于本期,上期项目应是更早的一期".into());
                    }
                }
            }
        }
        if let (Ok(pc), Ok(cc)) = (prev.catalog(), self.catalog()) {
            for i in &pc.indicators {
                if let Some(c) = cc.get(&i.code) {
                    if c.name != i.name {
                        return refuse(format!(
                            "指标 {} 在上期为 \"{}\",本期为 \"{}\",同一代码含义不同,无法比较",
                            i.code, i.name, c.name
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

fn drawn_at(c: &Campaign) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let d = c.manifest.sample.as_ref()?;
    chrono::DateTime::parse_from_rfc3339(&d.drawn_at).ok()
}

/// Open each `--previous` campaign for reading and check it against `cur` and the ones before
/// it (given from the most recent back).
pub fn open_previous(
    cur: &Campaign,
    dirs: &[std::path::PathBuf],
) -> Result<Vec<Campaign>, StoreError> {
    let mut out: Vec<Campaign> = Vec::new();
    for d in dirs {
        if let (Ok(a), Ok(b)) = (d.canonicalize(), cur.dir.canonicalize()) {
            if a == b {
                return Err(StoreError::Missing(format!(
                    "--previous {}: 就是本项目(或其副本),上期项目必须是另一个项目",
                    d.display()
                )));
            }
        }
        let prev = Campaign::open_no_wait(d, Access::Read)?;
        match out.last() {
            Some(later) => later.check_previous(&prev)?,
            None => cur.check_previous(&prev)?,
        }
        out.push(prev);
    }
    Ok(out)
}
