//! `audit import FILE --campaign DIR`

use crate::campaign::{self, Campaign, RegistryEntry};
use crate::cli::ImportArgs;
use crate::io::read::CsvEncoding;
use crate::io::registry_file::{self, Imported};
use crate::io::write::csv_bytes;
use crate::profile::Profile;
use crate::registry::RegistryDiff;
use crate::registry::{self, Registry};
use crate::report::makeup;
use anyhow::{anyhow, bail, Context, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// A profile named on the command line.
pub struct GivenProfile {
    /// The profile.
    pub profile: Profile,
    /// "--profile" or "--province".
    pub from: &'static str,
    /// The --profile file's bytes, kept in the campaign.
    pub text: Option<Vec<u8>>,
}

/// The profile named on the command line: --profile FILE (its text kept for the campaign), or
/// the built-in one of --province. Both given must agree.
pub fn given_profile(args: &ImportArgs) -> Result<Option<GivenProfile>> {
    let named = match &args.province {
        Some(n) => Some(
            crate::profile::province(n)
                .ok_or_else(|| anyhow!("--province \"{n}\" 不是已知的省份;可写 江苏 或 江苏省"))?,
        ),
        None => None,
    };
    let Some(path) = &args.profile else {
        return Ok(named.map(|p| GivenProfile {
            profile: Profile::builtin(p),
            from: "--province",
            text: None,
        }));
    };
    let bytes =
        std::fs::read(path).with_context(|| format!("无法读取画像文件 {}", path.display()))?;
    let text = String::from_utf8(bytes.clone())
        .map_err(|_| anyhow!("{}: 画像文件应为 UTF-8 编码的 TOML", path.display()))?;
    let profile = Profile::parse(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    if let Some(p) = named {
        if p.code != profile.province.code {
            bail!(
                "--province {} 与画像文件 {} 的 province = {} 不一致",
                p.name,
                path.display(),
                profile.province.name
            );
        }
    }
    Ok(Some(GivenProfile {
        profile,
        from: "--profile",
        text: Some(bytes),
    }))
}

/// A reject's detail as printed on the console: a 10,000-character cell is cut, the file keeps it.
fn short(detail: &str) -> String {
    const MAX: usize = 200;
    if detail.chars().count() <= MAX {
        detail.to_string()
    } else {
        format!("{}……", detail.chars().take(MAX).collect::<String>())
    }
}

/// Spellings a profile's own type scheme does not list, each with its count: they were filed
/// under 其他, which the user may not have meant (微信服务号 under a scheme that lists only
/// 微信公众号).
fn unlisted_types(imp: &Imported) -> Vec<(String, usize)> {
    let scheme = &imp.profile.types;
    if *scheme == crate::profile::TypeScheme::jiangsu_2020() {
        return Vec::new();
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for a in imp
        .registry
        .accounts
        .iter()
        .filter(|a| !scheme.knows(&a.raw[0]))
    {
        *counts.entry(a.raw[0].as_str()).or_default() += 1;
    }
    let mut v: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(k, n)| (k.to_string(), n))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

/// An as-of date far from the campaign's quarter is most likely a typo: say so.
fn warn_implausible_as_of(as_of: chrono::NaiveDate, period: Option<&str>) {
    use chrono::Datelike;
    let far = match period.and_then(|p| p.get(..4)?.parse::<i32>().ok()) {
        Some(year) => (as_of.year() - year).abs() > 1,
        None => as_of.year() < 2000 || as_of > chrono::Local::now().date_naive(),
    };
    if far {
        eprintln!(
            "警告: 统计截止日期 {as_of} 与本期 {} 相距很远,请核对(可用 --as-of 指定)",
            period.unwrap_or("(未知期次)")
        );
    }
}

/// Most rows of another province mean the province is wrong, not the rows.
fn refuse_wrong_province(args: &ImportArgs, imp: &Imported) -> Result<()> {
    let foreign = imp
        .rejects
        .iter()
        .filter(|r| r.reason == registry::RejectReason::ForeignRegion)
        .count();
    if foreign > imp.registry.accounts.len() {
        bail!(
            "{}: {} 行的所属地区不属于{}(只导入 {} 个账号);省份可能不对,请用 --province 或 --profile 指定正确的省份",
            args.file.display(),
            foreign,
            imp.profile.province.name,
            imp.registry.accounts.len()
        );
    }
    Ok(())
}

/// The registry_changes.csv rows: added, gone, type and owner changes.
fn changes_table(prev: &Registry, cur: &Registry, d: &RegistryDiff) -> Vec<Vec<String>> {
    let (now, old) = (cur.by_id(), prev.by_id());
    let name_of = |id: &str| {
        now.get(id)
            .or(old.get(id))
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let row = |id: &str, what: &str, a: &str, b: &str| {
        vec![id.to_string(), name_of(id), what.into(), a.into(), b.into()]
    };
    let mut rows = Vec::new();
    for id in &d.added {
        rows.push(row(id, "新增", "", ""));
    }
    for id in &d.gone {
        let status = now.get(id.as_str()).map(|a| a.status.label());
        rows.push(row(id, "减少", "正常", status.unwrap_or("已移出台账")));
    }
    for (id, a, b) in &d.type_changed {
        rows.push(row(id, "类型变更", a, b));
    }
    for (id, a, b) in &d.owner_changed {
        rows.push(row(id, "开设主体变更", a, b));
    }
    rows
}

/// The rejects.csv bytes.
fn rejects_bytes(file: &str, imp: &Imported) -> Result<Vec<u8>> {
    let header: Vec<String> = ["源文件", "工作表", "行号", "原因", "说明", "原始内容"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let rows: Vec<Vec<String>> = imp
        .rejects
        .iter()
        .map(|r| {
            vec![
                file.to_string(),
                imp.sheet.clone().unwrap_or_default(),
                r.row.to_string(),
                r.reason.label().to_string(),
                r.detail.clone(),
                r.cells.join(" | "),
            ]
        })
        .collect();
    csv_bytes(&header, &rows)
}

/// Refuse an input file that is one of the campaign's own files: import never writes over it.
fn refuse_own_file(input: &Path, dir: &Path) -> Result<()> {
    let (Ok(input), Ok(dir)) = (input.canonicalize(), dir.canonicalize()) else {
        return Ok(());
    };
    if input.starts_with(&dir) {
        bail!(
            "{}: 输入文件在项目目录 {} 之内,导入会覆盖项目文件;请把台账放在项目目录之外",
            input.display(),
            dir.display()
        );
    }
    Ok(())
}

fn parse_period(p: &str) -> Result<String> {
    campaign::period_from_name(p)
        .ok_or_else(|| anyhow!("--period \"{p}\" 应为 年份+季度,例如 2020Q1"))
}

/// Run `audit import`.
pub fn run(args: &ImportArgs) -> Result<i32> {
    let encoding = match &args.encoding {
        None => None,
        Some(s) => Some(
            CsvEncoding::parse(s)
                .ok_or_else(|| anyhow!("--encoding \"{s}\" 无法识别;可用 utf-8、gbk、gb18030"))?,
        ),
    };
    let period = args.period.as_deref().map(parse_period).transpose()?;
    refuse_own_file(&args.file, &args.campaign)?;
    if args.campaign.join(campaign::MANIFEST).is_file() {
        // Refuse early, before a long read; checked again under the lock below.
        refuse_reimport(
            &Campaign::open(&args.campaign, campaign::Access::Read)?,
            args,
        )?;
    }
    let as_of = args
        .as_of
        .as_deref()
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| anyhow!("--as-of \"{d}\" 应为 YYYY-MM-DD,例如 2020-03-20"))
        })
        .transpose()?;
    let given = given_profile(args)?;
    let kept_profile = given.as_ref().and_then(|g| g.text.clone());
    let known = match given {
        Some(g) => Some((g.profile, g.from)),
        None => earlier_profile(args)?,
    };
    // The registry is read before the campaign folder is created, so a bad file leaves nothing.
    let pb = super::progress("读取台账");
    let imp = registry_file::read(&args.file, args.sheet.as_deref(), encoding, known, &|n| {
        pb.set_message(format!("已读取 {n} 行"));
        pb.tick();
    })?;
    pb.finish_and_clear();
    if imp.registry.accounts.is_empty() {
        for r in imp.rejects.iter().take(10) {
            eprintln!(
                "  {} 第 {} 行: {}",
                args.file.display(),
                r.row,
                short(&r.detail)
            );
        }
        bail!(
            "{}: 没有可导入的账号,全部 {} 行都被拒收;未写入任何内容",
            args.file.display(),
            imp.rejects.len()
        );
    }
    let file = args.file.display().to_string();
    if args.strict && !imp.rejects.is_empty() {
        for r in &imp.rejects {
            eprintln!("  {file} 第 {} 行: {}", r.row, short(&r.detail));
        }
        bail!(
            "{file}: {} 行被拒收,--strict 模式下不导入任何内容",
            imp.rejects.len()
        );
    }
    let dates = match (as_of, imp.title_as_of) {
        (Some(d), _) => (d, "--as-of"),
        (None, Some(d)) => (d, "台账标题行"),
        (None, None) => {
            match &imp.title_as_of_text {
                Some(t) => eprintln!("警告: 台账标题行中的截至日期\"{t}\"不是有效日期,统计截止日期按导入当天记;请加 --as-of YYYY-MM-DD"),
                None => eprintln!("提示: 台账标题行中没有\"截至X年X月X日\",统计截止日期按导入当天记;如需指定请加 --as-of YYYY-MM-DD"),
            }
            (chrono::Local::now().date_naive(), "导入日期")
        }
    };
    let folder_period = args
        .campaign
        .file_name()
        .and_then(|n| campaign::period_from_name(&n.to_string_lossy()));
    warn_implausible_as_of(dates.0, period.as_deref().or(folder_period.as_deref()));
    refuse_wrong_province(args, &imp)?;
    let mut camp = Campaign::open_or_create(&args.campaign, period.clone())?;
    let result = commit_import(
        &mut camp,
        args,
        &imp,
        period,
        dates,
        kept_profile.as_deref(),
    );
    if result.is_err() {
        // A refusal leaves nothing: a folder this run created goes again.
        camp.abandon_if_created();
    }
    result
}

/// The province of a re-import or of the previous quarter, when neither --province nor
/// --profile is given: a campaign keeps its province.
fn earlier_profile(args: &ImportArgs) -> Result<Option<(Profile, &'static str)>> {
    for (dir, from) in [
        (Some(&args.campaign), "本项目"),
        (args.previous.as_ref(), "上期项目"),
    ] {
        let Some(dir) = dir else { continue };
        if !dir.join(campaign::MANIFEST).is_file() {
            continue;
        }
        // A campaign read on the side is never waited for (two commands could hold each
        // other's); our own is checked again under the write lock.
        let camp = Campaign::open_no_wait(dir, campaign::Access::Read)?;
        if camp.manifest.province.is_some() {
            return Ok(Some((camp.profile()?, from)));
        }
    }
    Ok(None)
}

/// A campaign that has a registry takes another only with --force.
fn refuse_reimport(camp: &Campaign, args: &ImportArgs) -> Result<()> {
    if camp.manifest.registry.is_some() && !args.force {
        bail!(
            "{} 已导入台账;如需重新导入请加 --force(之后请重新抽样)",
            args.campaign.display()
        );
    }
    Ok(())
}

/// Write the imported registry into the campaign (created if new) in one commit.
fn commit_import(
    camp: &mut Campaign,
    args: &ImportArgs,
    imp: &Imported,
    period: Option<String>,
    (as_of, as_of_from): (chrono::NaiveDate, &str),
    profile_text: Option<&[u8]>,
) -> Result<i32> {
    let file = args.file.display().to_string();
    refuse_reimport(camp, args)?;
    if period.is_some() {
        camp.manifest.period = period;
    }
    // Imported data is real data, whatever the folder held before (the demo marks its own).
    camp.manifest.simulated = false;
    let previous = match &args.previous {
        Some(p) => {
            let prev = campaign::records::open_previous(camp, std::slice::from_ref(p))?;
            let mut reg = prev[0]
                .registry()
                .with_context(|| format!("无法读取上期项目 {}", p.display()))?;
            let prev_profile = prev[0].profile()?;
            if prev_profile.province.code != imp.profile.province.code {
                bail!(
                    "--previous {}: 上期项目是{}的,本期台账是{}的;上期项目应是同一省份的上一期",
                    p.display(),
                    prev_profile.province.name,
                    imp.profile.province.name
                );
            }
            // Compare like with like when the type scheme changed between the quarters.
            if prev_profile.types != imp.profile.types {
                reg.reclassify_types(&imp.profile.types);
            }
            Some(reg)
        }
        None => None,
    };
    let diff = previous.as_ref().map(|p| registry::diff(p, &imp.registry));
    let mut txn = camp.begin()?;
    if let (Some(prev), Some(d)) = (&previous, &diff) {
        let header: Vec<String> = ["账号ID", "名称", "变化", "原值", "新值"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let rows = changes_table(prev, &imp.registry, d);
        txn.put(campaign::CHANGES, &csv_bytes(&header, &rows)?)?;
    }
    let registry_sha256 = txn.put_with(campaign::REGISTRY, |w| {
        crate::io::write::write_registry_csv(w, &imp.registry).map_err(std::io::Error::other)
    })?;
    txn.put(campaign::REJECTS, &rejects_bytes(&file, imp)?)?;
    camp.manifest.province = Some(imp.profile.province.name.clone());
    if let Some(text) = profile_text {
        txn.put(campaign::PROFILE, text)?;
        camp.manifest.profile_sha256 = Some(campaign::sha256_hex(text));
    } else if camp.manifest.profile_sha256.is_some() && args.province.is_some() {
        // --province alone replaces an earlier --profile.
        txn.remove(campaign::PROFILE);
        camp.manifest.profile_sha256 = None;
    }
    camp.secret_or_create(&mut txn)?;
    let stale_sample = camp.manifest.sample.is_some();
    camp.manifest.registry = Some(RegistryEntry {
        source_file: args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        source_sha256: campaign::sha256_file(&args.file)?,
        sheet: imp.sheet.clone(),
        encoding: imp.encoding.map(|e| e.to_string()),
        header_row: imp.header_row,
        rows_read: imp.rows_read,
        imported: imp.registry.accounts.len() as u64,
        rejected: imp.rejects.len() as u64,
        blank_rows: imp.blank_rows,
        active: imp.registry.active().count() as u64,
        file: campaign::REGISTRY.into(),
        sha256: registry_sha256,
        imported_at: campaign::now(),
        as_of: Some(as_of.format("%Y-%m-%d").to_string()),
        as_of_from: Some(as_of_from.to_string()),
        previous: args.previous.as_ref().map(|p| p.display().to_string()),
    });
    camp.commit(txn)?;
    print_summary(
        args,
        camp,
        imp,
        previous.as_ref(),
        diff.as_ref(),
        stale_sample,
    );
    Ok(0)
}

fn print_summary(
    args: &ImportArgs,
    camp: &Campaign,
    imp: &Imported,
    previous: Option<&Registry>,
    diff: Option<&RegistryDiff>,
    stale_sample: bool,
) {
    let file = args.file.display().to_string();
    println!(
        "已导入 {file}{}:读取 {} 行(表头在第 {} 行),导入 {} 个账号,拒收 {} 行,跳过空行 {} 行",
        imp.sheet
            .as_ref()
            .map(|s| format!(" 工作表 \"{s}\""))
            .unwrap_or_default(),
        imp.rows_read,
        imp.header_row,
        imp.registry.accounts.len(),
        imp.rejects.len(),
        imp.blank_rows
    );
    println!("账号ID 取自列 \"{}\"", imp.id_column);
    let unlisted = unlisted_types(imp);
    if !unlisted.is_empty() {
        let shown: Vec<String> = unlisted
            .iter()
            .take(10)
            .map(|(t, n)| format!("{} {n} 个", short(t)))
            .collect();
        eprintln!(
            "提示: 这些类型写法不在画像的 [types] 中,已归入 其他: {};如有误请在 [types.aliases] 中列出后重新导入",
            shown.join("、")
        );
    }
    println!(
        "省份: {}(依据: {});{}",
        imp.profile.province.name,
        imp.province_from,
        camp.manifest
            .registry
            .as_ref()
            .and_then(|r| Some(format!(
                "统计截止: {}(依据: {})",
                r.as_of.as_deref()?,
                r.as_of_from.as_deref()?
            )))
            .unwrap_or_default()
    );
    if let Some(e) = imp.encoding {
        println!("CSV 编码: {e}");
    }
    if imp.cells_beyond_limit > 0 {
        eprintln!(
            "警告: 忽略了 {} 个位于第 {} 列之后的单元格(远离表格的零散单元格)",
            imp.cells_beyond_limit,
            crate::io::read::MAX_COLUMNS
        );
    }
    println!();
    let types = imp.profile.types.order();
    let decimals = imp.profile.rate_decimals;
    for mut t in makeup::makeup(&imp.registry, types) {
        t.decimals = decimals;
        println!("{}", t.render());
    }
    if let (Some(prev), Some(d)) = (previous, diff) {
        for mut t in makeup::change(prev, &imp.registry, d, types) {
            t.decimals = decimals;
            println!("{}", t.render());
        }
        let shown: Vec<String> = d
            .type_changed
            .iter()
            .map(|(id, a, b)| format!("  {id}: 类型 {a} → {b}"))
            .chain(
                d.owner_changed
                    .iter()
                    .map(|(id, a, b)| format!("  {id}: 开设主体 {a} → {b}")),
            )
            .collect();
        if !shown.is_empty() {
            println!(
                "类型或开设主体有变化的账号({} 个,全部列在 {}):",
                shown.len(),
                campaign::CHANGES
            );
            for l in shown.iter().take(20) {
                println!("{l}");
            }
            if shown.len() > 20 {
                println!("  ……");
            }
        }
    }
    println!("台账: {}", camp.path(campaign::REGISTRY).display());
    if stale_sample {
        eprintln!("警告: 本项目已有样本,台账已更新,请用 audit sample --force 重新抽样(audit verify 会报告不一致)");
    }
    if !imp.rejects.is_empty() {
        let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &imp.rejects {
            *by_reason.entry(r.reason.label()).or_default() += 1;
        }
        let parts: Vec<String> = by_reason
            .iter()
            .map(|(k, v)| format!("{k} {v} 行"))
            .collect();
        eprintln!(
            "警告: {} 行被拒收({}),明细见 {}",
            imp.rejects.len(),
            parts.join(","),
            camp.path(campaign::REJECTS).display()
        );
        for r in imp.rejects.iter().take(10) {
            eprintln!("  {file} 第 {} 行: {}", r.row, short(&r.detail));
        }
    }
}
