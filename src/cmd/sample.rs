//! `audit sample --campaign DIR (--size N | --rate R) [options]`

use crate::campaign::records::PreviousResult;
use crate::campaign::{self, Access, Campaign};
use crate::cli::{AllocationArg, SampleArgs};
use crate::io::read::read_all;
use crate::io::write::csv_bytes;
use crate::registry::{normalize, Column, Field, Registry};
use crate::sampling::{self, AllocationSpec, Design, Drawn, Spec};
use anyhow::{anyhow, bail, Context, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// Read a list of ids from a CSV/xlsx with an id column (账号ID / 编号 / id …).
pub fn read_id_list(path: &Path) -> Result<Vec<String>> {
    let (rows, _) = read_all(path, None).map_err(|e| anyhow!(e))?;
    for (n, cells) in rows.iter().take(20) {
        if let Some(col) = cells
            .iter()
            .position(|c| Field::from_header(c) == Some(Field::Id))
        {
            return Ok(rows
                .iter()
                .filter(|(m, _)| m > n)
                .filter_map(|(_, r)| r.get(col))
                .map(|s| crate::text::clean_id(s))
                .filter(|s| !s.is_empty())
                .collect());
        }
    }
    bail!(
        "{}: 找不到账号ID列(表头应为 账号ID、编号、备案编号 或 id)",
        path.display()
    )
}

/// Results of an earlier campaign (checked against `cur`), one per checked account.
pub fn previous_results(cur: &Campaign, dir: &Path) -> Result<Vec<PreviousResult>> {
    let prev = campaign::records::open_previous(cur, &[dir.to_path_buf()])?;
    Ok(prev[0].previous_results()?)
}

/// Canonicalise a stratum value typed by a person (a quota file), by column.
fn canonical_value(reg: &Registry, col: &Column, v: &str) -> String {
    let v = crate::text::clean(v);
    match col {
        Column::Field(Field::Level) => normalize::level(&v).map(str::to_string).unwrap_or(v),
        Column::Field(Field::Type) => normalize::account_type(&v).map(str::to_string).unwrap_or(v),
        Column::Field(Field::Region) => normalize::region(&v, ""),
        Column::Field(Field::Status) => normalize::status(&v).map(str::to_string).unwrap_or(v),
        Column::Field(Field::OwnerKind) => {
            normalize::owner_kind(&v).map(str::to_string).unwrap_or(v)
        }
        _ => {
            let _ = reg;
            v
        }
    }
}

/// Read a quota file: the strata columns and `n`, one row per stratum, values canonicalised.
pub fn read_quota(
    path: &Path,
    reg: &Registry,
    strata: &[String],
) -> Result<BTreeMap<Vec<String>, u64>> {
    let file = path.display().to_string();
    let (rows, _) = read_all(path, None).map_err(|e| anyhow!(e))?;
    let Some((hrow, header)) = rows.first() else {
        bail!("{file}: 配额文件为空");
    };
    let cols: Vec<(Column, usize)> = strata
        .iter()
        .map(|s| {
            let col = reg
                .column(s)
                .ok_or_else(|| anyhow!("分层列 \"{s}\" 不在台账中"))?;
            let label = reg.column_label(&col);
            let pos = header
                .iter()
                .position(|h| {
                    reg.column(h).as_ref() == Some(&col)
                        || crate::text::match_key(h) == crate::text::match_key(&label)
                })
                .ok_or_else(|| {
                    anyhow!(
                        "{file}: 第 {hrow} 行表头缺少分层列 \"{s}\";找到: {}",
                        header.join(", ")
                    )
                })?;
            Ok((col, pos))
        })
        .collect::<Result<_>>()?;
    let ncol = header
        .iter()
        .position(|h| {
            matches!(
                crate::text::match_key(h).as_str(),
                "n" | "样本数" | "样本量" | "配额"
            )
        })
        .ok_or_else(|| {
            anyhow!(
                "{file}: 第 {hrow} 行表头缺少 n 列(样本数);找到: {}",
                header.join(", ")
            )
        })?;
    let mut out = BTreeMap::new();
    for (row, cells) in rows.iter().skip(1) {
        let key: Vec<String> = cols
            .iter()
            .map(|(c, i)| canonical_value(reg, c, cells.get(*i).map(String::as_str).unwrap_or("")))
            .collect();
        let raw = cells
            .get(ncol)
            .map(|s| crate::text::clean(s))
            .unwrap_or_default();
        let n: u64 = raw
            .parse()
            .map_err(|_| anyhow!("{file}: 第 {row} 行 n 列的值 \"{raw}\" 不是非负整数"))?;
        if out.insert(key.clone(), n).is_some() {
            bail!("{file}: 第 {row} 行分层 \"{}\" 重复", key.join("/"));
        }
    }
    Ok(out)
}

/// The allocation as a plain-text table for the terminal.
pub fn allocation_table(d: &Drawn) -> String {
    let header: Vec<String> = [
        "分层",
        "N_h",
        "必查",
        "随机n_h",
        "合计",
        "抽样比",
        "整层抽取",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut rows: Vec<Vec<String>> = d
        .strata
        .iter()
        .map(|s| {
            vec![
                s.key.join("/"),
                s.population.to_string(),
                s.certainty.to_string(),
                s.random.to_string(),
                s.total.to_string(),
                crate::text::percent(s.total, s.population),
                if s.taken_whole || s.total == s.population {
                    "是".into()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    let c: u64 = d.strata.iter().map(|s| s.certainty).sum();
    let r: u64 = d.strata.iter().map(|s| s.random).sum();
    rows.push(vec![
        "合计".into(),
        d.frame_size.to_string(),
        c.to_string(),
        r.to_string(),
        (c + r).to_string(),
        crate::text::percent(c + r, d.frame_size),
        String::new(),
    ]);
    crate::text::render_table(&header, &rows)
}

/// Run `audit sample`.
pub fn run(args: &SampleArgs) -> Result<i32> {
    // A dry run changes nothing: it shares the campaign with other readers.
    let access = if args.dry_run {
        Access::Read
    } else {
        Access::Write
    };
    let mut camp = Campaign::open(&args.campaign, access)?;
    let reg = camp.registry()?;
    let sample_path = camp.path(campaign::SAMPLE);
    if !args.dry_run && camp.manifest.sample.is_some() && !args.force {
        bail!(
            "{} 已存在(样本);如确需重新抽样,请加 --force(已收回的答案将不再计入)",
            sample_path.display()
        );
    }
    let IdLists {
        exclude,
        recheck,
        reasons,
    } = id_lists(args, &camp, &reg)?;
    let allocation = allocation_spec(args, &camp, &reg)?;
    let (seed, seed_source) = match args.seed {
        Some(s) => (s, "given"),
        None => {
            use rand_chacha::rand_core::{RngCore, SeedableRng};
            (rand_chacha::ChaCha20Rng::from_os_rng().next_u64(), "os")
        }
    };
    let spec = Spec {
        strata: args.strata.clone(),
        allocation,
        size: args.size,
        rate: args.rate,
        min_per_stratum: args.min_per_stratum,
        take_all: args.take_all.clone(),
        recheck,
        exclude,
        seed,
        region_order: camp.profile()?.prefecture_order(),
    };
    // A selection that selects nothing is usually the user's slip and often the cause of an
    // allocation error too: name it first.
    let empty = sampling::empty_selections(&reg, &spec);
    let drawn = match sampling::draw(&reg, &spec) {
        Err(e) if !empty.is_empty() => bail!("{};{e}", empty.join(";")),
        other => other.map_err(|e| anyhow!(e))?,
    };
    if !empty.is_empty() && !args.allow_empty {
        bail!("{};如确实如此,请加 --allow-empty", empty.join(";"));
    }
    for e in &empty {
        eprintln!("警告: {e}");
    }

    if drawn.size == 0 {
        bail!("样本量为 0:没有抽到任何账号,请检查 --size、--rate 或配额");
    }

    print_draw(&drawn, seed, seed_source);
    if let Some(plan) = &reasons {
        super::rectify::recheck::print_plan(plan, &reg);
    }
    print!("{}", allocation_table(&drawn));
    if args.dry_run {
        println!("(--dry-run: 未写入任何文件)");
        return Ok(0);
    }

    let draw = (&spec, &drawn, reasons.as_ref());
    let accounts = commit_sample(&mut camp, args, &reg, draw, (seed, seed_source))?;
    println!("样本: {}({accounts} 个账号)", sample_path.display());
    Ok(0)
}

/// The id lists a sample is drawn with.
struct IdLists {
    exclude: Vec<String>,
    recheck: Vec<String>,
    /// Why each re-check is taken, when `--recheck DIR` has a rectification record.
    reasons: Option<crate::rectify::RecheckPlan>,
}

/// The exclusion list and the re-check list (an earlier campaign's unqualified accounts, with
/// their rectification record when it has one, or a file of ids).
fn id_lists(args: &SampleArgs, camp: &Campaign, reg: &Registry) -> Result<IdLists> {
    let exclude = match &args.exclude {
        Some(p) => read_id_list(p)?,
        None => Vec::new(),
    };
    let (recheck, reasons) = match &args.recheck {
        Some(p) if p.is_dir() => super::rectify::recheck::from_campaign(camp, p, reg)?,
        Some(p) => (read_id_list(p)?, None),
        None => (Vec::new(), None),
    };
    Ok(IdLists {
        exclude,
        recheck,
        reasons,
    })
}

/// The allocation the options ask for: a quota file, Neyman from the previous quarter, or
/// proportional / equal.
fn allocation_spec(args: &SampleArgs, camp: &Campaign, reg: &Registry) -> Result<AllocationSpec> {
    let allocation_arg = if args.quota.is_some() {
        AllocationArg::Quota
    } else {
        args.allocation
    };
    Ok(match allocation_arg {
        AllocationArg::Proportional => AllocationSpec::Proportional,
        AllocationArg::Equal => AllocationSpec::Equal,
        AllocationArg::Quota => {
            let q = args
                .quota
                .as_ref()
                .ok_or_else(|| anyhow!("--allocation quota 需要 --quota FILE"))?;
            AllocationSpec::Quota(read_quota(q, reg, &args.strata)?)
        }
        AllocationArg::Neyman => {
            let prev = args.previous.as_ref().ok_or_else(|| {
                anyhow!("--allocation neyman 需要 --previous DIR(上期项目,用其不合格率)")
            })?;
            let results = previous_results(camp, prev)?;
            sampling::neyman_from(reg, &args.strata, &results)
                .map_err(|e| anyhow!("{}: {e}", prev.display()))?
        }
    })
}

/// What the draw found, for the user: the frame, the certainty units, and anything left out.
fn print_draw(drawn: &Drawn, seed: u64, seed_source: &str) {
    println!(
        "抽样框: {} 个状态正常的账号{};必查 {} 个;样本量 {};种子 {seed}{}",
        drawn.frame_size,
        if drawn.excluded_found > 0 {
            format!("(已排除 {} 个)", drawn.excluded_found)
        } else {
            String::new()
        },
        drawn.certainty,
        drawn.size,
        if seed_source == "os" {
            "(随机生成,已记录)"
        } else {
            ""
        }
    );
    if !drawn.excluded_unknown.is_empty() {
        eprintln!(
            "警告: 排除名单中 {} 个账号ID不在台账中: {}",
            drawn.excluded_unknown.len(),
            preview(&drawn.excluded_unknown)
        );
    }
    if !drawn.recheck_outside_frame.is_empty() {
        eprintln!(
            "提示: 回头看名单中 {} 个账号不在本期抽样框中(已关停、注销、停更或被排除): {}",
            drawn.recheck_outside_frame.len(),
            preview(&drawn.recheck_outside_frame)
        );
    }
    let unsampled = drawn.unsampled_strata();
    if !unsampled.is_empty() {
        let accounts: u64 = unsampled.iter().map(|s| s.random_frame()).sum();
        let names: Vec<String> = unsampled.iter().map(|s| s.key.join("/")).collect();
        eprintln!(
            "警告: {} 层没有随机样本({}),加权估计将不覆盖这些层的 {accounts} 个账号;如需覆盖,请增大 --size 或 --min-per-stratum,或调整配额",
            unsampled.len(),
            preview(&names)
        );
    }
}

/// Write sample.csv, the id lists, the quota file and the design into the campaign in one
/// commit; the number of sampled accounts.
fn commit_sample(
    camp: &mut Campaign,
    args: &SampleArgs,
    reg: &Registry,
    (spec, drawn, reasons): (&Spec, &Drawn, Option<&crate::rectify::RecheckPlan>),
    (seed, seed_source): (u64, &str),
) -> Result<usize> {
    let (header, rows) = sampling::sample_table(reg, drawn);
    let bytes = csv_bytes(&header, &rows)?;
    let mut txn = camp.begin()?;
    let mut design = Design {
        algorithm: sampling::ALGORITHM.into(),
        seed,
        seed_source: seed_source.into(),
        strata_columns: args.strata.clone(),
        allocation: spec.allocation.name().into(),
        requested_size: drawn.size,
        min_per_stratum: args.min_per_stratum,
        take_all: args.take_all.clone(),
        recheck_source: args.recheck.as_ref().map(|p| p.display().to_string()),
        exclude_source: args.exclude.as_ref().map(|p| p.display().to_string()),
        previous: args.previous.as_ref().map(|p| p.display().to_string()),
        registry_sha256: camp
            .manifest
            .registry
            .as_ref()
            .map(|r| r.sha256.clone())
            .unwrap_or_default(),
        sample_file: campaign::SAMPLE.into(),
        sample_sha256: campaign::sha256_hex(&bytes),
        frame_size: drawn.frame_size,
        excluded: drawn.excluded_found,
        certainty: drawn.certainty,
        drawn_at: campaign::now(),
        strata: drawn.strata.clone(),
        ..Default::default()
    };
    design.recheck_ids_file = match reasons {
        // With the previous campaign's rectification record, each re-check carries its reason.
        Some(plan) if !plan.rechecks.is_empty() => {
            let f = format!("{}/recheck_ids.csv", campaign::DESIGN_DIR);
            let header = ["账号ID".to_string(), "回头看原因".to_string()];
            let rows = super::rectify::recheck::reason_rows(plan);
            txn.put(&f, &csv_bytes(&header, &rows)?)?;
            Some(f)
        }
        _ => stage_ids(&mut txn, "recheck_ids.csv", &spec.recheck)?,
    };
    design.exclude_ids_file = stage_ids(&mut txn, "exclude_ids.csv", &spec.exclude)?;
    if let Some(q) = &args.quota {
        let f = format!(
            "{}/quota{}",
            campaign::DESIGN_DIR,
            q.extension()
                .map(|e| format!(".{}", e.to_string_lossy()))
                .unwrap_or_default()
        );
        let bytes = std::fs::read(q).with_context(|| format!("无法读取 {}", q.display()))?;
        txn.put(&f, &bytes)?;
        design.quota_file = Some(f);
    }
    txn.put(campaign::SAMPLE, &bytes)?;
    let resampled = camp.manifest.sheets.is_some();
    camp.manifest.sample = Some(design);
    camp.commit(txn)?;
    if resampled {
        eprintln!("警告: 已重新抽样,之前生成的检查表和按旧样本收回的答案已过期(答案保留在 inbox/ 与 answers.csv,但不再计入结果);请重新运行 audit sheet --force");
    }
    Ok(rows.len())
}

/// Stage an id list under design/ and return its name, or `None` for an empty list.
fn stage_ids(txn: &mut campaign::Txn, name: &str, ids: &[String]) -> Result<Option<String>> {
    if ids.is_empty() {
        return Ok(None);
    }
    let f = format!("{}/{name}", campaign::DESIGN_DIR);
    let rows: Vec<Vec<String>> = ids.iter().map(|i| vec![i.clone()]).collect();
    txn.put(&f, &csv_bytes(&["账号ID".to_string()], &rows)?)?;
    Ok(Some(f))
}

fn preview(ids: &[String]) -> String {
    let mut s = ids.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
    if ids.len() > 10 {
        s.push_str(", ……");
    }
    s
}
