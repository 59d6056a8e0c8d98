//! What an import tells the user: notices while it runs, and the summary once it is committed.
//! The texts are made here, in the library, so that `audit import` and `audit demo` print the
//! same lines; the command only chooses stdout or stderr as each line says.

use super::ImportOutcome;
use crate::domain::registry::{closest_headers, group_rejects, Field};
use crate::domain::report::makeup;
use crate::formats::registry_file::Imported;
use std::collections::BTreeMap;
use std::fmt;

/// A warning or hint an import gives before it is done (printed to stderr by the command).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A row that was not imported, shown before a refusal.
    RejectedRow {
        /// The registry file, as given.
        file: String,
        /// The row's number in the file.
        row: u32,
        /// Why it was rejected (cut at 200 characters when printed).
        detail: String,
    },
    /// The title rows give a 截至 date that is no date; today is recorded instead.
    AsOfUnreadable(String),
    /// The title rows give no 截至 date; today is recorded.
    AsOfMissing,
    /// The as-of date is far from the campaign's quarter: most likely a typo.
    AsOfFar {
        /// The date recorded.
        as_of: chrono::NaiveDate,
        /// The campaign's period, when known.
        period: Option<String>,
    },
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::RejectedRow { file, row, detail } => {
                write!(f, "  {file} 第 {row} 行: {}", short(detail))
            }
            Notice::AsOfUnreadable(t) => write!(f, "警告: 台账标题行中的截至日期\"{t}\"不是有效日期,统计截止日期按导入当天记;请加 --as-of YYYY-MM-DD"),
            Notice::AsOfMissing => write!(f, "提示: 台账标题行中没有\"截至X年X月X日\",统计截止日期按导入当天记;如需指定请加 --as-of YYYY-MM-DD"),
            Notice::AsOfFar { as_of, period } => write!(
                f,
                "警告: 统计截止日期 {as_of} 与本期 {} 相距很远,请核对(可用 --as-of 指定)",
                period.as_deref().unwrap_or("(未知期次)")
            ),
        }
    }
}

/// One line of the summary, for stdout (the result) or stderr (warnings and hints).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SummaryLine {
    /// Printed to stdout.
    Out(String),
    /// Printed to stderr.
    Err(String),
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

impl ImportOutcome {
    /// The summary `audit import` prints after the commit, in order: what was read, the
    /// province and date, the registry's makeup, the change against last quarter, the rejects.
    pub fn summary(&self) -> Vec<SummaryLine> {
        let mut lines = self.read_lines();
        lines.extend(self.makeup_lines());
        lines.push(SummaryLine::Out(format!(
            "台账: {}",
            self.registry_path.display()
        )));
        if self.period.is_none() {
            lines.push(SummaryLine::Err(format!(
                "警告: 项目目录名“{}”不是期次(形如 2020Q1),本项目没有期次:通报将以目录名代替季度,检查日期也不按季度核对;请加 --period 2020Q1 重新导入(加 --force),或把项目目录命名为期次",
                self.campaign_name
            )));
        }
        if self.stale_sample {
            lines.push(SummaryLine::Err("警告: 本项目已有样本,台账已更新,请用 audit sample --force 重新抽样(audit verify 会报告不一致)".to_string()));
        }
        lines.extend(self.reject_lines());
        lines
    }

    /// What was read: rows, the id column, unlisted types, province, date, encoding.
    fn read_lines(&self) -> Vec<SummaryLine> {
        let imp = &self.imported;
        let mut lines = vec![
            SummaryLine::Out(format!(
                "已导入 {}{}:读取 {} 行(表头在第 {} 行),导入 {} 个账号,拒收 {} 行,跳过空行 {} 行{}",
                self.file.display(),
                imp.sheet
                    .as_ref()
                    .map(|s| format!(" 工作表 \"{s}\""))
                    .unwrap_or_default(),
                imp.rows_read,
                imp.header_row,
                imp.registry.accounts.len(),
                imp.rejects.len(),
                imp.blank_rows,
                match imp.shape.note_rows {
                    0 => String::new(),
                    n => format!(",表格下方说明 {n} 行"),
                }
            )),
            SummaryLine::Out(format!("账号ID 取自列 \"{}\"", imp.id_column)),
        ];
        lines.extend(column_lines(imp));
        lines.extend(defaulted_lines(imp));
        lines.extend(super::shape::shape_lines(imp));
        lines.extend(merged_lines(imp));
        lines.extend(type_lines(imp));
        lines.push(SummaryLine::Out(format!(
            "省份: {}(依据: {});统计截止: {}(依据: {})",
            imp.profile.province.name, imp.province_from, self.as_of, self.as_of_from
        )));
        if let Some(unit) = imp.profile.scope.unit() {
            let zones: String = imp
                .profile
                .zones
                .iter()
                .map(|z| format!("、{}", z.name))
                .collect();
            lines.push(SummaryLine::Out(format!(
                "检查范围: {}(只导入其所属账号,按{}、各{}{zones}分组)",
                unit.division.name,
                imp.profile.top_label(),
                imp.profile.division_label()
            )));
        }
        if let Some(e) = imp.encoding {
            lines.push(SummaryLine::Out(format!("CSV 编码: {e}")));
        }
        if let (n, Some((row, col, c))) = imp.format_cells {
            lines.push(SummaryLine::Err(format!(
                "警告: 从 {n} 个单元格中删去了不可见的格式字符(第一个在第 {row} 行第 {} 列: U+{:04X});这类字符(文字方向控制、零宽字符)会让名称或编号看起来与实际不同",
                col + 1,
                c as u32
            )));
        }
        if imp.cells_beyond_limit > 0 {
            lines.push(SummaryLine::Err(format!(
                "警告: 忽略了 {} 个位于第 {} 列之后的单元格(远离表格的零散单元格)",
                imp.cells_beyond_limit,
                crate::formats::read::MAX_COLUMNS
            )));
        }
        lines
    }

    /// The registry's makeup tables and, with a previous quarter, its change and the accounts
    /// whose type or owner changed (the first 20; registry_changes.csv has them all).
    fn makeup_lines(&self) -> Vec<SummaryLine> {
        let imp = &self.imported;
        let mut lines = vec![SummaryLine::Out(String::new())];
        let types = imp.profile.types.order();
        let style = imp.profile.rates;
        let own = imp.profile.scope.own_level();
        for t in makeup::makeup(&imp.registry, types, own, &style) {
            lines.push(SummaryLine::Out(t.render()));
        }
        let (Some(prev), Some(d)) = (&self.previous, &self.diff) else {
            return lines;
        };
        for t in makeup::change((prev, &imp.registry), d, types, own, &style) {
            lines.push(SummaryLine::Out(t.render()));
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
            lines.push(SummaryLine::Out(format!(
                "类型或开设主体有变化的账号({} 个,全部列在 {}):",
                shown.len(),
                crate::store::CHANGES
            )));
            lines.extend(shown.iter().take(20).cloned().map(SummaryLine::Out));
            if shown.len() > 20 {
                lines.push(SummaryLine::Out("  ……".to_string()));
            }
        }
        lines
    }

    /// The rejects by reason, where they are listed, the values no list knows with the
    /// profile lines that would map them, and a few examples of each reason.
    fn reject_lines(&self) -> Vec<SummaryLine> {
        let imp = &self.imported;
        if imp.rejects.is_empty() {
            return Vec::new();
        }
        let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
        for (reason, n) in imp.rejects.by_reason() {
            *by_reason.entry(reason.label()).or_default() += n;
        }
        let parts: Vec<String> = by_reason
            .iter()
            .map(|(k, v)| format!("{k} {v} 行"))
            .collect();
        let listed = match imp.rejects.omitted() {
            0 => String::new(),
            n => format!("(只列出前 {} 行,其余 {n} 行只计数)", imp.rejects.len() - n),
        };
        let mut lines = vec![SummaryLine::Err(format!(
            "警告: {} 行被拒收({}),未计入台账,明细见 {}{listed}",
            imp.rejects.len(),
            parts.join(","),
            self.rejects_path.display()
        ))];
        let file = self.file.display().to_string();
        lines.extend(
            reject_report(imp, &file, 3)
                .into_iter()
                .map(SummaryLine::Err),
        );
        lines
    }
}

/// The rejected rows by reason, most first: the count, each value no list knows with its count,
/// closest known names and the profile line that would map it (ten at most per reason), and up
/// to `examples` rows. Shared by the summary and the refusal of a suspect import.
pub fn reject_report(imp: &Imported, file: &str, examples: usize) -> Vec<String> {
    const VALUES: usize = 10;
    let mut lines = Vec::new();
    for g in group_rejects(&imp.rejects, &imp.profile, examples) {
        lines.push(format!("  {} {} 行:", g.reason.label(), g.rows));
        for v in g.values.iter().take(VALUES) {
            lines.push(format!("    {}", short(&v.hint())));
        }
        if g.values.len() > VALUES {
            lines.push(format!(
                "    ……另有 {} 种写法,见 rejects.csv",
                g.values.len() - VALUES
            ));
        }
        // Past registry::MAX_COUNTED_VALUES distinct values, rows are counted by reason only.
        let by_value: usize = g.values.iter().map(|v| v.rows).sum();
        if !g.values.is_empty() && by_value < g.rows {
            lines.push(format!(
                "    ……另有 {} 行的写法太多,未逐一计数",
                g.rows - by_value
            ));
        }
        for r in &g.examples {
            lines.push(format!(
                "    例: {file} 第 {} 行: {}",
                r.row,
                short(&r.detail)
            ));
        }
    }
    lines
}

/// Which column each field was taken from when the header is not the README's own, and the
/// columns kept as they are; a kept column that looks like a field the header lacks is named
/// with the profile line that would map it.
/// The type spellings filed by a guess (the platform name they contain) or under 其他 because a
/// profile's own scheme does not list them: the user may not have meant either.
fn type_lines(imp: &Imported) -> Vec<SummaryLine> {
    let mut lines = Vec::new();
    let guessed = guessed_types(imp);
    if !guessed.is_empty() {
        lines.push(SummaryLine::Err(format!(
            "提示: 这些类型写法不在内置写法或画像的 [types] 中,按其中的平台名归入: {};如有误请在画像的 [types.aliases] 中列出后重新导入",
            guessed.join("、")
        )));
    }
    let unlisted = unlisted_types(imp);
    if !unlisted.is_empty() {
        let shown: Vec<String> = unlisted
            .iter()
            .take(10)
            .map(|(t, n)| format!("{} {n} 个", short(t)))
            .collect();
        lines.push(SummaryLine::Err(format!(
            "提示: 这些类型写法不在画像的 [types] 中,已归入 其他: {};如有误请在 [types.aliases] 中列出后重新导入",
            shown.join("、")
        )));
    }
    lines
}

/// The accounts whose 账号状态 or 主体类别 was left empty and so read as 正常 / 部门: said, since
/// an empty status puts an account in the sampling frame.
fn defaulted_lines(imp: &Imported) -> Vec<SummaryLine> {
    let mut lines = Vec::new();
    for (field, default) in [(Field::Status, "正常"), (Field::OwnerKind, "部门")] {
        let empty = imp
            .registry
            .accounts
            .iter()
            .filter(|a| match field {
                Field::Status => a.raw.status.is_empty(),
                _ => a.raw.owner_kind.is_empty(),
            })
            .count();
        if empty == 0 {
            continue;
        }
        let has_column = imp.columns.iter().any(|(f, _)| *f == field);
        lines.push(SummaryLine::Err(match has_column {
            true => format!(
                "提示: {empty} 个账号的{}为空,按 {default} 计入;如有误,请在导出中补全后重新导入(加 --force)",
                field.label()
            ),
            false => format!(
                "提示: 台账没有{}列,{empty} 个账号都按 {default} 计入;如导出中有这一列,请在画像 [columns] 中映射后重新导入",
                field.label()
            ),
        }));
    }
    lines
}

fn column_lines(imp: &Imported) -> Vec<SummaryLine> {
    let mut lines = Vec::new();
    let renamed: Vec<String> = imp
        .columns
        .iter()
        .filter(|(f, h)| h != f.label() && *f != Field::Id)
        .map(|(f, h)| format!("{} ← \"{h}\"", f.label()))
        .collect();
    if !renamed.is_empty() {
        lines.push(SummaryLine::Out(format!("列: {}", renamed.join(","))));
    }
    let lacking: Vec<Field> = Field::READ
        .into_iter()
        .filter(|f| !imp.columns.iter().any(|(g, _)| g == f))
        .collect();
    let kept = &imp.registry.extra_headers;
    if !kept.is_empty() {
        let shown: Vec<String> = kept.iter().take(20).map(|h| short(h)).collect();
        lines.push(SummaryLine::Out(format!(
            "按原样保留的其他列 {} 个: {}{}",
            kept.len(),
            shown.join("、"),
            if kept.len() > 20 { "……" } else { "" }
        )));
    }
    for h in kept {
        if let Some(f) = closest_headers(h, &lacking).first() {
            lines.push(SummaryLine::Err(format!(
                "提示: 列“{}”没有识别为任何字段,按原样保留;它可能是 {}({});如是,请在画像文件(--profile)中写 [columns] {} = \"{}\" 后重新导入",
                short(h),
                f.label(),
                if f.required() { "必需" } else { "可选" },
                crate::domain::text::toml_string(h),
                f.label()
            )));
        }
    }
    lines
}

/// The accounts exported more than once with identical rows, imported once each.
fn merged_lines(imp: &Imported) -> Vec<SummaryLine> {
    if imp.merged.is_empty() {
        return Vec::new();
    }
    let mut ids: Vec<&str> = imp.merged.iter().map(|r| r.value.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let first = &imp.merged.kept()[0];
    // Past the rows kept, copies are counted only: the accounts named are a floor.
    let at_least = if imp.merged.omitted() > 0 {
        "至少 "
    } else {
        ""
    };
    vec![SummaryLine::Err(format!(
        "提示: {at_least}{} 个账号在台账中重复出现、各行内容完全相同(如第 {} 行: {}),各按 1 个账号导入;多出的 {} 行列在 rejects.csv",
        ids.len(),
        first.row,
        short(&first.detail),
        imp.merged.len()
    ))]
}

/// Spellings no list holds but reported under the type whose platform name they contain
/// ("快手政务号 → 快手 12 个"), so that a wrong guess is seen.
fn guessed_types(imp: &Imported) -> Vec<String> {
    let scheme = &imp.profile.types;
    type_spellings(imp)
        .into_iter()
        .filter_map(|(raw, n)| scheme.by_name(raw).map(|t| (raw, t, n)))
        .take(10)
        .map(|(raw, t, n)| format!("{} → {t} {n} 个", short(raw)))
        .collect()
}

/// Each type spelling of the imported accounts with its count, in spelling order: the
/// classification is asked once per spelling, not once per account.
fn type_spellings(imp: &Imported) -> BTreeMap<&str, usize> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &imp.registry.accounts {
        *counts.entry(a.raw.account_type.as_str()).or_default() += 1;
    }
    counts
}

/// Spellings a profile's own type scheme does not list, each with its count: they were filed
/// under 其他, which the user may not have meant (微信服务号 under a scheme that lists only
/// 微信公众号).
fn unlisted_types(imp: &Imported) -> Vec<(String, usize)> {
    let scheme = &imp.profile.types;
    if scheme.is_builtin() {
        return Vec::new();
    }
    let mut v: Vec<(String, usize)> = type_spellings(imp)
        .into_iter()
        .filter(|(raw, _)| !scheme.knows(raw) && scheme.by_name(raw).is_none())
        .map(|(k, n)| (k.to_string(), n))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}
