//! The inspector workbook: 说明, 检查表 and a signed hidden _audit sheet ([`meta`]); its
//! layout is written here and read back by [`read`].

pub mod copies;
pub mod meta;
pub mod read;
pub mod rectify;

pub use meta::Meta;

use crate::domain::answers::Fill;
use crate::domain::indicators::{indicator_headers, Catalog, Kind};
use crate::domain::monitor::Prefill;
use crate::domain::registry::Account;
use rust_xlsxwriter::XlsxError;

/// Building a workbook fails only inside the xlsx writer.
type Result<T, E = XlsxError> = std::result::Result<T, E>;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, ExcelDateTime, Format, FormatAlign, FormatBorder,
    ProtectionOptions, Workbook,
};
use std::collections::HashMap;

/// The sheet inspectors fill in, one row per account.
pub const SHEET_MAIN: &str = "检查表";
/// The sheet that explains how to fill in and defines every indicator.
pub const SHEET_HELP: &str = "说明";
/// The hidden, signed sheet: what the workbook belongs to (see [`meta`]).
pub const SHEET_META: &str = "_audit";
/// The hidden, signed sheet of pre-filled answers (only in a workbook made with `--monitor`).
pub const SHEET_PREFILL: &str = "_audit_prefill";
/// The evidence of pre-filled answers (only in a workbook made with `--monitor`).
pub const COL_EVIDENCE: &str = "预填依据";
/// The locked identity columns of 检查表, in order; checked when the workbook comes back.
pub const ID_COLUMNS: [&str; 7] = ["账号ID", "名称", "类型", "开设主体", "层级", "地区", "平台"];
/// The evidence column, required when a problem is marked.
pub const COL_DESCRIPTION: &str = "问题描述";
/// The inspector who checked the row.
pub const COL_CHECKER: &str = "检查人";
/// The inspection date.
pub const COL_DATE: &str = "检查日期";

/// Everything one workbook is made from.
pub struct SheetSpec<'a> {
    /// The signed hidden-sheet contents (campaign, inspector, fingerprints, account ids).
    pub meta: &'a Meta,
    /// The return deadline shown in 说明.
    pub deadline: Option<chrono::NaiveDate>,
    /// The indicators.
    pub catalog: &'a Catalog,
    /// The accounts, in the order of `meta.ids`.
    pub accounts: Vec<&'a Account>,
    /// Pre-filled answers by account id (the demo's simulated inspectors).
    pub fills: Option<&'a HashMap<String, Fill>>,
    /// The campaign is a demo: 说明 says the answers are simulated.
    pub simulated: bool,
    /// The campaign's creation time, stamped into the workbook (same inputs, same bytes).
    pub created: &'a str,
    /// Registry columns shown after the answer columns to help find an account (账号链接,
    /// 微信号 …): each header with its index into `Account::extra`.
    pub finding: Vec<(String, usize)>,
}

/// The first cell of a returned row longer than Excel's limit (32,767 characters): (0-based
/// column, its length). Such a text could be taken but never written back into a workbook or a
/// report, so it is refused at the door, naming the cell.
pub(crate) fn over_long_cell(cells: &[crate::domain::cell::Cell]) -> Option<(usize, usize)> {
    let limit = crate::domain::registry::MAX_CELL_CHARS;
    cells.iter().enumerate().find_map(|(c, v)| match v {
        crate::domain::cell::Cell::Text(t) if t.len() > limit => {
            let n = t.chars().count();
            (n > limit).then_some((c, n))
        }
        _ => None,
    })
}

/// "检查表!V2 问题描述": where a returned cell is, for the user.
pub(crate) fn cell_place(sheet: &str, row: u32, col: usize, headers: &[String]) -> String {
    let header = headers.get(col).map(String::as_str).unwrap_or("");
    format!("{sheet}!{}{row} {header}", rectify::column_letter(col))
        .trim_end()
        .to_string()
}

/// The message for an over-long cell. The reader keeps a cell's text to one character past the
/// limit, so a cell of exactly that many may have been longer: then no count is claimed.
pub(crate) fn over_long_message(chars: usize) -> String {
    let max = crate::domain::registry::MAX_CELL_CHARS;
    let size = match chars {
        n if n > max + 1 => format!("单元格有 {n} 个字符,超过 Excel 单元格上限 {max} 个"),
        _ => format!("单元格超过 Excel 单元格上限 {max} 个字符"),
    };
    format!("{size},无法写回检查表和报告;请删减后重新交回")
}

/// The header of the last column: notes for the inspector (accounts sharing name and type).
pub const COL_NOTE: &str = "备注";

/// Default finding columns: registry columns whose header names a link, a URL, a WeChat id or an
/// account handle.
pub fn default_finding_columns(extra_headers: &[String]) -> Vec<(String, usize)> {
    extra_headers
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            let k = h.to_lowercase();
            ["链接", "网址", "url", "微信号", "账号"]
                .iter()
                .any(|w| k.contains(w))
        })
        .map(|(i, h)| (h.clone(), i))
        .collect()
}

/// For each account, a note when another account of the same workbook has the same name, type
/// and platform ("江苏发布" ×8): the inspector must tell them apart by owner or link. Two 其他
/// accounts on different platforms (快手, 抖音) differ in the 平台 column and get no note.
pub fn duplicate_notes(accounts: &[&Account]) -> Vec<String> {
    let mut count: HashMap<(&str, &str, &str), usize> = HashMap::new();
    for a in accounts {
        *count.entry(duplicate_key(a)).or_default() += 1;
    }
    accounts
        .iter()
        .map(|a| match count[&duplicate_key(a)] {
            1 => String::new(),
            n if a.county.is_empty() => {
                format!("本表有 {n} 个同名同类型账号,请按开设主体和链接核对")
            }
            // Township accounts (城关镇人民政府) repeat across counties: say which one.
            n => format!(
                "本表有 {n} 个同名同类型账号,本账号属 {} {},请按开设主体、所属县(市、区)和链接核对",
                a.region, a.county
            ),
        })
        .collect()
}

/// What makes two accounts look alike in a workbook: name, type and platform.
fn duplicate_key(a: &Account) -> (&str, &str, &str) {
    (
        a.name.as_str(),
        a.account_type.as_str(),
        a.platform.as_str(),
    )
}

fn identity(a: &Account) -> [String; 7] {
    // A city's or county's inspectors see the group (江阴市, 经开区, 丁蜀镇), not the one city.
    let region = if !a.group.is_empty() {
        a.group.to_string()
    } else if a.level == crate::domain::vocab::Level::Province {
        "省本级".to_string()
    } else {
        a.region.to_string()
    };
    [
        a.id.clone(),
        a.name.clone(),
        a.account_type.to_string(),
        a.owner.to_string(),
        a.level.label().to_string(),
        region,
        a.platform.to_string(),
    ]
}

/// The identity cells we wrote for an account, to compare with what comes back.
pub fn identity_cells(a: &Account) -> [String; 7] {
    identity(a)
}

/// The workbook's bytes: 说明, 检查表 and the hidden, signed _audit sheet.
pub fn build(spec: &SheetSpec<'_>) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    crate::formats::write::stamp(
        &mut wb,
        &format!("检查表 {} {}", spec.meta.campaign, spec.meta.inspector),
        spec.created,
    )?;
    write_help(&mut wb, spec)?;
    write_main(&mut wb, spec)?;
    write_meta(&mut wb, spec.meta)?;
    wb.save_to_buffer()
}

/// 说明: the campaign, the deadline, how to fill in, every indicator's definition.
fn write_help(wb: &mut Workbook, spec: &SheetSpec<'_>) -> Result<()> {
    let cat = spec.catalog;
    let hf = crate::formats::write::header_format();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_HELP)?;
    for (c, w) in [10.0, 40.0, 26.0, 26.0, 64.0].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    let title = Format::new().set_bold().set_font_size(16);
    ws.write_string_with_format(
        0,
        0,
        format!("政务新媒体检查抽查 检查表({})", spec.meta.campaign),
        &title,
    )?;
    let facts: Vec<(String, String)> = vec![
        ("项目".into(), spec.meta.campaign.to_string()),
        ("检查人".into(), spec.meta.inspector.to_string()),
        ("账号数".into(), spec.accounts.len().to_string()),
        (
            "截止日期".into(),
            spec.deadline
                .map_or_else(|| "(未设定)".to_string(), |d| d.to_string()),
        ),
    ];
    let pass = format!(
        "3. 扣分指标(D 开头)填写发现的次数(0 表示没有问题),得分 = 100 − Σ次数×每次扣分,低于 {} 分为不合格。",
        cat.pass_mark
    );
    let mut how = vec![
        "1. 在\"检查表\"工作表中逐个检查账号,每行一个账号;白色单元格可填写,灰色的账号信息已锁定,请勿改动。",
        "2. 单项否决指标(V 开头)从下拉框选择 是/否:\"是\"表示发现该问题。任一项为\"是\"即判定为不合格。",
        &pass,
        "4. 凡是标记了问题(否决项为\"是\"或扣分次数大于 0),必须在\"问题描述\"中写明证据(截图编号、链接、时间等)。",
        "5. 每行的所有指标都要填写,并填写检查日期;尚未检查的行保持全部空白。",
        "6. 不要删除、插入或调换行,不要修改文件中隐藏的工作表;填好后保存为 .xlsx 发回。",
    ];
    if !spec.meta.prefills.is_empty() {
        how.push("7. 黄色单元格是根据监测数据预填的答案,依据见\"预填依据\"列。请逐项核实:相符的保留,不符的直接改正;保留预填的\"是\"时问题描述可不填,以预填依据为证据。");
    }
    let intro = Intro {
        facts: &facts,
        simulated: spec.simulated,
        how: &how,
        width: 5,
        line_height: 20.0,
    };
    let mut r = intro.write(ws)?;
    r += 1;
    ws.write_string_with_format(r, 0, "指标说明", &bold)?;
    r += 1;
    for (c, h) in ["代码", "指标", "类型", "类别", "说明"].iter().enumerate() {
        ws.write_string_with_format(r, c as u16, *h, &hf)?;
    }
    r += 1;
    for i in &cat.indicators {
        ws.write_string_with_format(r, 0, &i.code, &wrap)?;
        ws.write_string_with_format(r, 1, &i.name, &wrap)?;
        let kind = match i.kind {
            Kind::Veto => "单项否决(是/否)".to_string(),
            Kind::Deduct => format!(
                "扣分:每次 {} 分,最多 {} 次",
                i.points.unwrap_or(0),
                i.max.unwrap_or(0)
            ),
        };
        ws.write_string_with_format(r, 2, kind, &wrap)?;
        ws.write_string_with_format(r, 3, &i.head, &wrap)?;
        ws.write_string_with_format(r, 4, &i.description, &wrap)?;
        ws.set_row_height(r, 30)?;
        r += 1;
    }
    ws.set_active(true);
    Ok(())
}

/// The cell formats of 检查表.
struct MainFormats {
    header: Format,
    locked: Format,
    input: Format,
    input_text: Format,
    input_date: Format,
    /// An answer pre-filled from monitoring data: the inspector confirms or changes it.
    prefilled: Format,
    /// The pre-fill's evidence: locked, wrapped.
    evidence: Format,
}

impl MainFormats {
    fn new() -> MainFormats {
        let input = Format::new()
            .set_unlocked()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Center);
        MainFormats {
            header: crate::formats::write::header_format(),
            locked: Format::new()
                .set_background_color(0xF2F2F2)
                .set_border(FormatBorder::Thin),
            prefilled: input.clone().set_background_color(PREFILL_COLOR),
            input,
            input_text: Format::new()
                .set_unlocked()
                .set_border(FormatBorder::Thin)
                .set_text_wrap(),
            input_date: Format::new()
                .set_unlocked()
                .set_border(FormatBorder::Thin)
                .set_num_format("yyyy-mm-dd"),
            evidence: Format::new()
                .set_background_color(PREFILL_COLOR)
                .set_border(FormatBorder::Thin)
                .set_text_wrap(),
        }
    }
}

/// The fill colour of pre-filled answers and their evidence (a light yellow that prints grey).
pub const PREFILL_COLOR: u32 = 0xFFF2CC;

/// Where each part of 检查表 starts.
struct MainColumns {
    first_indicator: u16,
    description: u16,
    /// 预填依据, when the workbook has pre-filled answers.
    evidence: Option<u16>,
    first_finding: u16,
    note: u16,
}

impl MainColumns {
    fn new(spec: &SheetSpec<'_>) -> MainColumns {
        let first_indicator = ID_COLUMNS.len() as u16;
        let description = first_indicator + spec.catalog.indicators.len() as u16;
        let evidence = (!spec.meta.prefills.is_empty()).then_some(description + 3);
        let first_finding = description + 3 + u16::from(evidence.is_some());
        MainColumns {
            first_indicator,
            description,
            evidence,
            first_finding,
            note: first_finding + spec.finding.len() as u16,
        }
    }
}

fn main_headers(spec: &SheetSpec<'_>, cols: &MainColumns) -> Vec<String> {
    let mut headers: Vec<String> = ID_COLUMNS.iter().map(|s| s.to_string()).collect();
    headers.extend(indicator_headers(spec.catalog));
    headers.extend([COL_DESCRIPTION, COL_CHECKER, COL_DATE].map(String::from));
    if cols.evidence.is_some() {
        headers.push(COL_EVIDENCE.to_string());
    }
    // A registry column shown under one of our own headers (its 备注 beside ours) is marked as
    // the registry's: two columns of one name would leave the inspector guessing.
    let shown: Vec<String> = spec
        .finding
        .iter()
        .map(|(h, _)| match headers.contains(h) || h == COL_NOTE {
            true => format!("{h}(台账)"),
            false => h.clone(),
        })
        .collect();
    headers.extend(shown);
    headers.push(COL_NOTE.to_string());
    headers
}

/// The top of a 说明 sheet: the workbook's facts, the demo warning when simulated, and the
/// numbered instructions, each merged across `width` columns. Shared by the inspector and the
/// rectification workbook.
pub(crate) struct Intro<'a> {
    /// (label, value) rows from row 3 on.
    pub facts: &'a [(String, String)],
    /// The campaign is a demo: say its answers are simulated.
    pub simulated: bool,
    /// The numbered instructions under 填写方法.
    pub how: &'a [&'a str],
    /// Columns each instruction is merged across.
    pub width: u16,
    /// Row height of an instruction.
    pub line_height: f64,
}

impl Intro<'_> {
    /// Write from row 3 on; returns the next free row.
    pub(crate) fn write(&self, ws: &mut rust_xlsxwriter::Worksheet) -> Result<u32> {
        let bold = Format::new().set_bold();
        let line = Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter);
        let mut r = 2;
        for (k, v) in self.facts {
            ws.write_string_with_format(r, 0, k, &bold)?;
            ws.write_string(r, 1, v)?;
            r += 1;
        }
        if self.simulated {
            let red = Format::new().set_bold().set_font_color(0xC00000);
            ws.write_string_with_format(
                r,
                0,
                "注意:本工作簿由 audit demo 生成,检查结果为模拟数据,不是真实检查结论。",
                &red,
            )?;
            r += 1;
        }
        r += 1;
        ws.write_string_with_format(r, 0, "填写方法", &bold)?;
        r += 1;
        for l in self.how {
            ws.merge_range(r, 0, r, self.width - 1, l, &line)?;
            ws.set_row_height(r, self.line_height)?;
            r += 1;
        }
        Ok(r)
    }
}

/// 检查表: locked identity columns, validated answer cells (pre-filled ones coloured, with
/// their evidence), the finding columns and 备注.
fn write_main(wb: &mut Workbook, spec: &SheetSpec<'_>) -> Result<()> {
    let fmt = MainFormats::new();
    let cols = MainColumns::new(spec);
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_MAIN)?;
    let headers = main_headers(spec, &cols);
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &fmt.header)?;
    }
    ws.set_row_height(0, 54)?;
    let notes = duplicate_notes(&spec.accounts);
    let prefills = prefills_by_account(&spec.meta.prefills);
    let mut id_rows: Vec<Vec<String>> = Vec::new();
    for (i, a) in spec.accounts.iter().enumerate() {
        let r = i as u32 + 1;
        let cells = identity(a);
        for (c, v) in cells.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, v, &fmt.locked)?;
        }
        id_rows.push(cells.to_vec());
        // Finding columns and the note: locked, after the answers, never read back.
        for (j, (_, x)) in spec.finding.iter().enumerate() {
            let v = a.extra.get(*x).map(String::as_str).unwrap_or("");
            ws.write_string_with_format(r, cols.first_finding + j as u16, v, &fmt.locked)?;
        }
        ws.write_string_with_format(r, cols.note, &notes[i], &fmt.locked)?;
        let pre = prefills
            .get(a.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let fill = spec.fills.and_then(|f| f.get(&a.id));
        write_answers(ws, spec, &cols, &fmt, r, fill, pre)?;
    }
    add_validations(ws, spec.catalog, &cols, spec.accounts.len() as u32)?;
    crate::formats::write::autofit(ws, &headers[..cols.first_indicator as usize], &id_rows)?;
    set_main_widths(ws, spec, &cols)?;
    finish_main(ws)
}

/// Pre-fills grouped by account.
fn prefills_by_account(prefills: &[Prefill]) -> HashMap<&str, Vec<&Prefill>> {
    let mut by: HashMap<&str, Vec<&Prefill>> = HashMap::new();
    for p in prefills {
        by.entry(p.id.as_str()).or_default().push(p);
    }
    by
}

/// One row's answer cells: blank for the inspector, pre-filled from monitoring data (coloured),
/// or filled by the demo's simulated inspector.
fn write_answers(
    ws: &mut rust_xlsxwriter::Worksheet,
    spec: &SheetSpec<'_>,
    cols: &MainColumns,
    fmt: &MainFormats,
    r: u32,
    fill: Option<&Fill>,
    pre: &[&Prefill],
) -> Result<()> {
    for (j, ind) in spec.catalog.indicators.iter().enumerate() {
        let c = cols.first_indicator + j as u16;
        let prefilled = pre.iter().find(|p| p.code == ind.code);
        let format = if prefilled.is_some() {
            &fmt.prefilled
        } else {
            &fmt.input
        };
        let value = fill
            .map(|f| f.values.get(j).copied().unwrap_or(0))
            .or(prefilled.map(|p| p.value));
        match (value, ind.kind) {
            (None, _) => ws.write_blank(r, c, format)?,
            (Some(v), Kind::Veto) => {
                ws.write_string_with_format(r, c, if v > 0 { "是" } else { "否" }, format)?
            }
            (Some(v), Kind::Deduct) => ws.write_number_with_format(r, c, v as f64, format)?,
        };
    }
    if let Some(c) = cols.evidence {
        let text: Vec<String> = pre
            .iter()
            .map(|p| format!("{}:{}", p.code, p.evidence))
            .collect();
        let format = if text.is_empty() {
            &fmt.locked
        } else {
            &fmt.evidence
        };
        ws.write_string_with_format(r, c, text.join("\n"), format)?;
        if text.len() > 1 {
            // One line per pre-filled item; spreadsheet programs do not grow the row themselves.
            ws.set_row_height(r, 15.0 * text.len() as f64)?;
        }
    }
    let d = cols.description;
    match fill {
        Some(f) => {
            ws.write_string_with_format(r, d, &f.description, &fmt.input_text)?;
            // A fill that names nobody is signed by the workbook's own inspector.
            let checker = if f.checker.is_empty() {
                &spec.meta.inspector
            } else {
                &f.checker
            };
            ws.write_string_with_format(r, d + 1, checker, &fmt.input_text)?;
            let date = ExcelDateTime::from_ymd(
                chrono::Datelike::year(&f.date) as u16,
                chrono::Datelike::month(&f.date) as u8,
                chrono::Datelike::day(&f.date) as u8,
            )?;
            ws.write_datetime_with_format(r, d + 2, &date, &fmt.input_date)?;
        }
        None => {
            ws.write_blank(r, d, &fmt.input_text)?;
            ws.write_string_with_format(r, d + 1, &spec.meta.inspector, &fmt.input_text)?;
            ws.write_blank(r, d + 2, &fmt.input_date)?;
        }
    }
    Ok(())
}

/// Dropdowns for veto items, whole-number limits for deductions, a date for 检查日期.
fn add_validations(
    ws: &mut rust_xlsxwriter::Worksheet,
    cat: &Catalog,
    cols: &MainColumns,
    last: u32,
) -> Result<()> {
    if last == 0 {
        return Ok(());
    }
    for (j, ind) in cat.indicators.iter().enumerate() {
        let c = cols.first_indicator + j as u16;
        let dv = match ind.kind {
            Kind::Veto => DataValidation::new()
                .allow_list_strings(&["是", "否"])?
                .set_error_title("请选择 是 或 否")?
                .set_error_message("单项否决指标只能填写 是 或 否(是 = 发现问题)。")?,
            Kind::Deduct => DataValidation::new()
                .allow_whole_number(DataValidationRule::Between(0, ind.max.unwrap_or(0) as i32))
                .set_error_title("请填写整数")?
                .set_error_message(format!(
                    "请填写 0 到 {} 的整数(发现问题的次数)。",
                    ind.max.unwrap_or(0)
                ))?,
        };
        ws.add_data_validation(1, c, last, c, &dv)?;
    }
    let date_col = cols.description + 2;
    let dv = DataValidation::new()
        .allow_date(DataValidationRule::Between(
            ExcelDateTime::from_ymd(2000, 1, 1)?,
            ExcelDateTime::from_ymd(2100, 12, 31)?,
        ))
        .set_error_title("请填写日期")?
        .set_error_message("检查日期应为日期,例如 2020-03-25。")?;
    ws.add_data_validation(1, date_col, last, date_col, &dv)?;
    ws.autofilter(0, 0, last, date_col)?;
    Ok(())
}

fn set_main_widths(
    ws: &mut rust_xlsxwriter::Worksheet,
    spec: &SheetSpec<'_>,
    cols: &MainColumns,
) -> Result<()> {
    for j in 0..spec.catalog.indicators.len() as u16 {
        ws.set_column_width(cols.first_indicator + j, 11)?;
    }
    ws.set_column_width(cols.description, 40)?;
    ws.set_column_width(cols.description + 1, 12)?;
    ws.set_column_width(cols.description + 2, 13)?;
    if let Some(c) = cols.evidence {
        ws.set_column_width(c, 44)?;
    }
    for j in 0..spec.finding.len() as u16 {
        ws.set_column_width(cols.first_finding + j, 24)?;
    }
    ws.set_column_width(cols.note, 30)?;
    Ok(())
}

/// Freeze, print set-up and protection: identity cells locked, answer cells open (the inspector
/// and the rectification workbook alike).
pub(crate) fn finish_main(ws: &mut rust_xlsxwriter::Worksheet) -> Result<()> {
    ws.set_freeze_panes(1, 2)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_repeat_rows(0, 0)?;
    ws.set_print_fit_to_pages(1, 0);
    let opts = ProtectionOptions {
        select_locked_cells: true,
        select_unlocked_cells: true,
        format_columns: true,
        format_rows: true,
        sort: true,
        use_autofilter: true,
        ..ProtectionOptions::default()
    };
    ws.protect_with_options(&opts);
    Ok(())
}

/// _audit (hidden): what the workbook belongs to, signed (inspector and rectification
/// workbooks alike).
pub(crate) fn write_meta(wb: &mut Workbook, meta: &Meta) -> Result<()> {
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_META)?;
    let fields = meta.fields();
    for (r, (k, v)) in fields.iter().enumerate() {
        ws.write_string(r as u32, 0, *k)?;
        ws.write_string(r as u32, 1, *v)?;
    }
    ws.write_string(fields.len() as u32, 0, meta::META_IDS)?;
    for (i, id) in meta.ids.iter().enumerate() {
        ws.write_string((fields.len() + 1 + i) as u32, 0, id)?;
    }
    ws.set_hidden(true);
    if !meta.prefills.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name(SHEET_PREFILL)?;
        for (r, row) in meta::prefill_rows(&meta.prefills).iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, v)?;
            }
        }
        ws.set_hidden(true);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(name: &str, platform: &str) -> Account {
        Account {
            id: format!("{name}{platform}"),
            name: name.into(),
            account_type: "其他".into(),
            owner: "南京市公安局".into(),
            level: crate::domain::vocab::Level::City,
            region: "南京".into(),
            owner_kind: crate::domain::vocab::OwnerKind::Department,
            status: crate::domain::vocab::Status::Active,
            platform: platform.into(),
            raw: Default::default(),
            county: Default::default(),
            group: Default::default(),
            extra: Vec::new(),
        }
    }

    #[test]
    fn accounts_told_apart_by_platform_get_no_note() {
        let (a, b, c) = (
            account("南京公安", "快手"),
            account("南京公安", "抖音"),
            account("南京公安", "抖音"),
        );
        let notes = duplicate_notes(&[&a, &b, &c]);
        assert_eq!(notes[0], "");
        assert!(
            notes[1].starts_with("本表有 2 个同名同类型账号"),
            "{notes:?}"
        );
        assert_eq!(notes[1], notes[2]);
    }
}
