//! The rectification workbook (整改反馈表): one per responsible unit, listing its annex
//! accounts with their problems and the columns the unit fills in (整改措施, 整改结果, 完成日期,
//! 佐证材料), with a signed hidden sheet of the rectification kind ([`MetaKind::Rectification`]).
//! Written by [`build`], read back by [`read_returned`].

use super::meta::{Meta, MetaKind};
use crate::domain::answers::{parse_date, DateRange, Problem};
use crate::domain::cell::Cell;
use crate::domain::rectify::{Outcome, RectifyRow, Reply};
use crate::domain::signature::Secret;
use crate::formats::read::read_typed;
use crate::formats::workbook::read::Bounds;
use rust_xlsxwriter::XlsxError;

/// Building a workbook fails only inside the xlsx writer.
type Result<T, E = XlsxError> = std::result::Result<T, E>;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, ExcelDateTime, Format, FormatBorder, Workbook,
};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The sheet the unit fills in, one row per account.
pub const SHEET_RECTIFY: &str = "整改反馈表";
/// The locked identity columns, in order; checked when the workbook comes back.
pub const ID_COLUMNS: [&str; 5] = ["账号ID", "名称", "类型", "开设主体", "存在问题"];
/// 整改措施: what the unit did.
pub const COL_MEASURES: &str = "整改措施";
/// 整改结果: 已整改 / 已关停 / 已注销 / 整改中.
pub const COL_OUTCOME: &str = "整改结果";
/// 完成日期 (or the planned date for 整改中).
pub const COL_COMPLETED: &str = "完成日期";
/// 佐证材料: links, screenshots, document numbers.
pub const COL_EVIDENCE: &str = "佐证材料";
/// The columns the unit fills in, after the identity columns.
pub const FILL_COLUMNS: [&str; 4] = [COL_MEASURES, COL_OUTCOME, COL_COMPLETED, COL_EVIDENCE];

/// The refusal of a workbook whose hidden sheet does not match its signature.
/// Why a returned 整改反馈表 is refused as a whole.
#[derive(Debug, thiserror::Error)]
pub enum RectifyRefusal {
    /// It is an inspection workbook.
    #[error("这是检查表(检查人 {0}),不是整改反馈表;检查表请用 audit collect 收回")]
    Inspection(String),
    /// Another campaign's workbook, or its hidden sheet was edited.
    #[error("这份整改反馈表不是本项目 \"{ours}\" 生成的(隐藏信息中的项目为 \"{theirs}\",项目ID 不符),或其隐藏校验信息被改动,不能收回")]
    OtherCampaign {
        /// This campaign's name.
        ours: String,
        /// The name in the workbook.
        theirs: String,
    },
    /// The signature does not match.
    #[error("整改反馈表的隐藏校验信息被改动,不能收回")]
    Tampered,
    /// Made from an earlier sample.
    #[error("这份整改反馈表是按旧样本生成的(样本指纹不一致),已过期")]
    OldSample,
    /// A column is missing.
    #[error("工作表 {SHEET_RECTIFY} 缺少列 \"{0}\"")]
    MissingColumn(String),
    /// A column is there twice.
    #[error("工作表 {SHEET_RECTIFY} 中 \"{name}\" 有两列({} 与 {});请删去多余的一列", column_letter(*first), column_letter(*second))]
    TwoColumns {
        /// The header.
        name: String,
        /// The first column (0-based).
        first: usize,
        /// The second.
        second: usize,
    },
}

/// Everything one unit's workbook is made from.
pub struct RectifySpec<'a> {
    /// The signed hidden sheet (kind rectification; `inspector` is the unit).
    pub meta: &'a Meta,
    /// The campaign as texts name it ("2020年第一季度").
    pub campaign_title: &'a str,
    /// The reporting deadline.
    pub deadline: chrono::NaiveDate,
    /// The unit's accounts, in the order of `meta.ids`.
    pub rows: Vec<&'a RectifyRow>,
    /// The campaign is a demo: 说明 says its findings are simulated.
    pub simulated: bool,
    /// The campaign's creation time, stamped into the workbook (same inputs, same bytes).
    pub created: &'a str,
}

/// The identity cells written for a record row, to compare with what comes back.
pub fn identity_cells(r: &RectifyRow) -> [String; 5] {
    [
        r.id.clone(),
        r.name.clone(),
        r.account_type.clone(),
        r.owner.clone(),
        r.problems.clone(),
    ]
}

/// The workbook's bytes: 说明, 整改反馈表 and the hidden, signed _audit sheet.
pub fn build(spec: &RectifySpec<'_>) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    crate::formats::write::stamp(
        &mut wb,
        &format!("整改反馈表 {} {}", spec.meta.campaign, spec.meta.inspector),
        spec.created,
    )?;
    write_help(&mut wb, spec)?;
    write_main(&mut wb, spec)?;
    super::write_meta(&mut wb, spec.meta)?;
    wb.save_to_buffer()
}

/// 说明: the unit, the deadline, how to fill in.
fn write_help(wb: &mut Workbook, spec: &RectifySpec<'_>) -> Result<()> {
    let ws = wb.add_worksheet();
    ws.set_name(super::SHEET_HELP)?;
    ws.set_column_width(0, 16)?;
    ws.set_column_width(1, 90)?;
    // One page wide when printed: the title and the instructions must not break mid-line.
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.write_string_with_format(
        0,
        0,
        format!("政务新媒体检查抽查 整改情况反馈表({})", spec.campaign_title),
        &Format::new().set_bold().set_font_size(16),
    )?;
    let facts: Vec<(String, String)> = vec![
        ("项目".into(), spec.meta.campaign.clone()),
        ("责任单位".into(), spec.meta.inspector.clone()),
        ("应整改账号数".into(), spec.rows.len().to_string()),
        ("报送截止日期".into(), spec.deadline.to_string()),
    ];
    let how = [
        "1. \"整改反馈表\"中每行是本单位在通报附件中被列出的一个账号及其存在的问题;灰色的账号信息已锁定,请勿改动。",
        "2. 每个账号填写 整改措施(做了什么)、整改结果(下拉选择 已整改/已关停/已注销/整改中)、完成日期,佐证材料填写链接、截图编号或文号。",
        "3. 已整改、已关停、已注销的账号必须填写完成日期;整改中的账号可填写预计完成日期。",
        "4. 报已关停、已注销的账号,下季度将与新的备案台账核对:仍在运行的会被回头看并通报。",
        "5. 不要删除、插入或调换行,不要修改文件中隐藏的工作表;填好后保存为 .xlsx,在截止日期前报送。",
    ];
    super::Intro {
        facts: &facts,
        simulated: spec.simulated,
        how: &how,
        width: 2,
        line_height: 30.0,
    }
    .write(ws)?;
    ws.set_active(true);
    Ok(())
}

/// 整改反馈表: locked identity columns, then the columns to fill, validated.
fn write_main(wb: &mut Workbook, spec: &RectifySpec<'_>) -> Result<()> {
    let hf = crate::formats::write::header_format();
    let locked = Format::new()
        .set_background_color(0xF2F2F2)
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let input = Format::new()
        .set_unlocked()
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let input_date = Format::new()
        .set_unlocked()
        .set_border(FormatBorder::Thin)
        .set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_RECTIFY)?;
    let headers: Vec<String> = ID_COLUMNS
        .iter()
        .chain(FILL_COLUMNS.iter())
        .map(|s| s.to_string())
        .collect();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &hf)?;
    }
    ws.set_row_height(0, 30)?;
    let first_fill = ID_COLUMNS.len() as u16;
    let mut id_rows = Vec::with_capacity(spec.rows.len());
    for (i, row) in spec.rows.iter().enumerate() {
        let r = i as u32 + 1;
        let cells = identity_cells(row);
        for (c, v) in cells.iter().enumerate() {
            // Always text: nothing from the data is ever written as a formula.
            ws.write_string_with_format(r, c as u16, v, &locked)?;
        }
        id_rows.push(cells.to_vec());
        ws.write_blank(r, first_fill, &input)?;
        ws.write_blank(r, first_fill + 1, &input)?;
        ws.write_blank(r, first_fill + 2, &input_date)?;
        ws.write_blank(r, first_fill + 3, &input)?;
    }
    let last = spec.rows.len() as u32;
    if last > 0 {
        let labels = Outcome::ALL.map(Outcome::label);
        let outcome = DataValidation::new()
            .allow_list_strings(&labels)?
            .set_error_title("请选择整改结果")?
            .set_error_message(format!("整改结果只能是 {} 之一。", Outcome::labels()))?;
        ws.add_data_validation(1, first_fill + 1, last, first_fill + 1, &outcome)?;
        let date = DataValidation::new()
            .allow_date(DataValidationRule::Between(
                ExcelDateTime::from_ymd(2000, 1, 1)?,
                ExcelDateTime::from_ymd(2100, 12, 31)?,
            ))
            .set_error_title("请填写日期")?
            .set_error_message("完成日期应为日期,例如 2020-04-08。")?;
        ws.add_data_validation(1, first_fill + 2, last, first_fill + 2, &date)?;
        ws.autofilter(0, 0, last, first_fill + 3)?;
    }
    crate::formats::write::autofit(ws, &headers[..first_fill as usize], &id_rows)?;
    for (j, w) in [40.0, 12.0, 13.0, 30.0].iter().enumerate() {
        ws.set_column_width(first_fill + j as u16, *w)?;
    }
    super::finish_main(ws)
}

/// What a returned rectification workbook must match.
pub struct RectifyExpected<'a> {
    /// The campaign's name.
    pub campaign: &'a str,
    /// The campaign's id.
    pub campaign_id: &'a str,
    /// The campaign's signing key.
    pub secret: &'a Secret,
    /// The sample the rectification list was made from.
    pub sample_sha256: &'a str,
    /// The record's rows by account id.
    pub record: &'a HashMap<&'a str, &'a RectifyRow>,
    /// Completion dates accepted for finished outcomes (a 整改中 date may be later).
    pub dates: DateRange,
    /// The most account ids a workbook of this campaign can list (its sampling frame): an
    /// inspector workbook given by mistake is still named as one, a longer list is refused.
    pub max_ids: usize,
}

/// A returned rectification workbook that passed the workbook-level checks.
pub struct RectifyReturned {
    /// Its verified hidden sheet.
    pub meta: Meta,
    /// SHA-256 of the file: the version.
    pub sha256: String,
    /// The file's bytes, to keep in the inbox.
    pub bytes: Vec<u8>,
    /// Replies taken, by account id, in row order.
    pub replies: Vec<(String, Reply)>,
    /// Rows refused, with the reason.
    pub problems: Vec<Problem>,
}

/// Read one returned rectification workbook. `Err` refuses the whole file with one problem.
pub fn read_returned(path: &Path, exp: &RectifyExpected<'_>) -> Result<RectifyReturned, Problem> {
    let whole = |message: String| Problem::whole(path, message);
    let ids = exp.max_ids.max(exp.record.len());
    // A rectification workbook has no pre-fills; an inspector workbook given by mistake may,
    // at most a few per account, and is then named for what it is.
    let bounds = Bounds {
        ids,
        prefills: ids.saturating_mul(32),
    };
    let super::read::SignedFile { book, sha256, meta } =
        super::read::signed_file(path, "整改反馈表", &bounds)?;
    check_meta(&meta, exp).map_err(|e| whole(e.to_string()))?;
    let sheet = read_typed(&book, SHEET_RECTIFY, &bounds.caps(), meta.ids.len() + 1001)
        .map_err(|e| whole(e.to_string()))?;
    let Some((_, header)) = sheet.rows.first() else {
        return Err(whole(format!("工作表 {SHEET_RECTIFY} 为空")));
    };
    let layout = locate(header).map_err(|e| whole(e.to_string()))?;
    let headers: Vec<String> = header
        .iter()
        .map(|c| crate::domain::text::clean(&c.text()))
        .collect();
    let mut reader = Rows {
        headers,
        display: path.display().to_string(),
        unit: meta.inspector.clone(),
        mine: meta.ids.iter().map(String::as_str).collect(),
        uncached: &sheet.uncached,
        seen: HashMap::new(),
        replies: Vec::new(),
        problems: Vec::new(),
    };
    for (row, cells) in sheet.rows.iter().skip(1) {
        reader.row(*row, cells, &layout, exp);
    }
    for id in &meta.ids {
        if !reader.seen.contains_key(id.as_str()) {
            reader.problem(None, Some(id), None, "该账号的行被删除了".into());
        }
    }
    let (replies, problems) = (reader.replies, reader.problems);
    Ok(RectifyReturned {
        meta,
        sha256,
        bytes: book.bytes,
        replies,
        problems,
    })
}

fn check_meta(meta: &Meta, exp: &RectifyExpected<'_>) -> Result<(), RectifyRefusal> {
    if meta.kind != MetaKind::Rectification {
        return Err(RectifyRefusal::Inspection(meta.inspector.clone()));
    }
    if meta.campaign_id != exp.campaign_id {
        return Err(RectifyRefusal::OtherCampaign {
            ours: exp.campaign.to_string(),
            theirs: meta.campaign.clone(),
        });
    }
    if !meta.verify(exp.secret) {
        return Err(RectifyRefusal::Tampered);
    }
    if meta.sample_sha256 != exp.sample_sha256 {
        return Err(RectifyRefusal::OldSample);
    }
    Ok(())
}

/// Column positions of 整改反馈表 by header name.
struct Layout {
    identity: Vec<usize>,
    fill: Vec<usize>,
}

fn locate(header: &[Cell]) -> Result<Layout, RectifyRefusal> {
    let header: Vec<String> = header
        .iter()
        .map(|d| crate::domain::text::clean(&d.text()))
        .collect();
    let col = |name: &str| -> Result<usize, RectifyRefusal> {
        let found: Vec<usize> = (0..header.len()).filter(|&c| header[c] == name).collect();
        match found.as_slice() {
            [c] => Ok(*c),
            [] => Err(RectifyRefusal::MissingColumn(name.to_string())),
            [a, b, ..] => Err(RectifyRefusal::TwoColumns {
                name: name.to_string(),
                first: *a,
                second: *b,
            }),
        }
    };
    Ok(Layout {
        identity: ID_COLUMNS
            .iter()
            .map(|n| col(n))
            .collect::<Result<_, _>>()?,
        fill: FILL_COLUMNS
            .iter()
            .map(|n| col(n))
            .collect::<Result<_, _>>()?,
    })
}

/// "A", "B" … "AA" for a 0-based column.
pub fn column_letter(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Row-by-row state of one workbook.
struct Rows<'a> {
    display: String,
    unit: String,
    mine: HashSet<&'a str>,
    uncached: &'a HashSet<(u32, usize)>,
    /// The header row, cleaned, to name a cell.
    headers: Vec<String>,
    seen: HashMap<String, u32>,
    replies: Vec<(String, Reply)>,
    problems: Vec<Problem>,
}

impl Rows<'_> {
    fn problem(&mut self, row: Option<u32>, id: Option<&str>, column: Option<String>, msg: String) {
        self.problems.push(Problem {
            source: self.display.clone(),
            row,
            id: id.map(str::to_string),
            column,
            message: msg,
        });
    }

    /// "整改反馈表!G5 整改结果": where a cell is, for the user.
    fn cell_name(row: u32, col: usize, header: &str) -> String {
        format!("{SHEET_RECTIFY}!{}{row} {header}", column_letter(col))
    }

    fn row(&mut self, row: u32, cells: &[Cell], layout: &Layout, exp: &RectifyExpected<'_>) {
        let cell = |c: usize| cells.get(c).cloned().unwrap_or(Cell::Empty);
        let text = |c: usize| crate::domain::text::clean(&cell(c).text());
        let id_col = layout.identity[0];
        let id = crate::domain::text::clean_id(&text(id_col));
        if id.is_empty() {
            if cells.iter().any(|c| !c.text().trim().is_empty()) {
                let at = Self::cell_name(row, id_col, "账号ID");
                self.problem(Some(row), None, Some(at), "账号ID为空".into());
            }
            return;
        }
        if let Some(prev) = self.seen.insert(id.clone(), row) {
            self.problem(Some(row), Some(&id), None, format!("与第 {prev} 行重复"));
            return;
        }
        let Some(expected) = exp.record.get(id.as_str()) else {
            let at = Self::cell_name(row, id_col, "账号ID");
            let msg = "未知账号ID:不在本项目的整改名单中".to_string();
            self.problem(Some(row), Some(&id), Some(at), msg);
            return;
        };
        if !self.mine.contains(id.as_str()) {
            let at = Self::cell_name(row, id_col, "账号ID");
            let msg = format!("该账号不属于这份整改反馈表(责任单位 {})", self.unit);
            self.problem(Some(row), Some(&id), Some(at), msg);
            return;
        }
        if let Some(msg) = altered(row, &identity_cells(expected), layout, &text) {
            self.problem(Some(row), Some(&id), None, msg);
            return;
        }
        if let Some((c, n)) = super::over_long_cell(cells) {
            let at = super::cell_place(SHEET_RECTIFY, row, c, &self.headers);
            self.problem(Some(row), Some(&id), Some(at), super::over_long_message(n));
            return;
        }
        if let Some(j) =
            (0..FILL_COLUMNS.len()).find(|&j| self.uncached.contains(&(row, layout.fill[j])))
        {
            let at = Self::cell_name(row, layout.fill[j], FILL_COLUMNS[j]);
            let msg = "公式未计算,请在 Excel 中打开并保存后再交回".to_string();
            self.problem(Some(row), Some(&id), Some(at), msg);
            return;
        }
        let fill: Vec<Cell> = layout.fill.iter().map(|c| cell(*c)).collect();
        match read_reply(&fill, &exp.dates) {
            Ok(None) => {}
            Ok(Some(reply)) => self.replies.push((id, reply)),
            Err((j, msg)) => {
                let at = Self::cell_name(row, layout.fill[j], FILL_COLUMNS[j]);
                self.problem(Some(row), Some(&id), Some(at), msg);
            }
        }
    }
}

/// "账号信息被改动: …" naming every identity cell that differs from the record, if any.
fn altered(
    row: u32,
    want: &[String; 5],
    layout: &Layout,
    text: &dyn Fn(usize) -> String,
) -> Option<String> {
    let changed: Vec<String> = (1..ID_COLUMNS.len())
        .filter(|&j| text(layout.identity[j]) != crate::domain::text::clean(&want[j]))
        .map(|j| {
            let c = layout.identity[j];
            format!(
                "{}(应为 \"{}\",现为 \"{}\")",
                Rows::cell_name(row, c, ID_COLUMNS[j]),
                want[j],
                text(c)
            )
        })
        .collect();
    (!changed.is_empty()).then(|| format!("账号信息被改动: {}", changed.join(";")))
}

/// Validate the four cells a unit fills in (in [`FILL_COLUMNS`] order). `Ok(None)` for a row
/// not reported yet (all blank); `Err((column index, message))` names the first bad cell.
pub fn read_reply(cells: &[Cell], dates: &DateRange) -> Result<Option<Reply>, (usize, String)> {
    let get = |j: usize| cells.get(j).cloned().unwrap_or(Cell::Empty);
    let text = |j: usize| crate::domain::text::clean(&get(j).text());
    let (measures, outcome_text, evidence) = (text(0), text(1), text(3));
    let date = parse_date(&get(2)).map_err(|e| (2, e.to_string()))?;
    if measures.is_empty() && outcome_text.is_empty() && evidence.is_empty() && date.is_none() {
        return Ok(None);
    }
    if outcome_text.is_empty() {
        return Err((1, "已填写其他内容但未选择整改结果(半填行)".into()));
    }
    let outcome = Outcome::parse(&outcome_text).ok_or_else(|| {
        (
            1,
            format!(
                "\"{outcome_text}\" 不是整改结果(应为 {} 之一)",
                Outcome::labels()
            ),
        )
    })?;
    if measures.is_empty() {
        return Err((
            0,
            format!("整改结果为 {} 时须填写整改措施", outcome.label()),
        ));
    }
    match date {
        None if outcome.is_done() => Err((
            2,
            format!("整改结果为 {} 时须填写完成日期", outcome.label()),
        )),
        Some(d) if d < dates.earliest => Err((
            2,
            format!("完成日期 {d} 早于本期检查抽查开始({})", dates.earliest),
        )),
        Some(d) if outcome.is_done() && d > dates.latest => Err((
            2,
            format!(
                "完成日期 {d} 晚于今天({}),已完成的整改不能在将来",
                dates.latest
            ),
        )),
        _ => Ok(Some(Reply {
            measures,
            outcome,
            completed: date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            evidence,
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn range() -> DateRange {
        DateRange {
            earliest: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            latest: NaiveDate::from_ymd_opt(2020, 4, 12).unwrap(),
        }
    }

    fn s(v: &str) -> Cell {
        Cell::Text(v.into())
    }

    #[test]
    fn replies_are_validated_cell_by_cell() {
        let r = range();
        assert_eq!(read_reply(&[], &r), Ok(None));
        let ok = read_reply(
            &[s("已恢复更新"), s("已整改"), s("2020年4月8日"), s("截图1")],
            &r,
        )
        .unwrap()
        .unwrap();
        assert_eq!(ok.outcome, Outcome::Rectified);
        assert_eq!(ok.completed, "2020-04-08");
        let err = |cells: &[Cell]| read_reply(cells, &r).unwrap_err();
        assert_eq!(err(&[s("x"), s(""), Cell::Empty, Cell::Empty]).0, 1);
        let (col, msg) = err(&[s("x"), s("差不多了"), Cell::Empty, Cell::Empty]);
        assert_eq!(col, 1);
        assert!(msg.contains("已整改、已关停、已注销、整改中"), "{msg}");
        assert_eq!(
            err(&[s(""), s("已关停"), s("2020-04-01"), Cell::Empty]).0,
            0
        );
        assert!(err(&[s("x"), s("已注销"), Cell::Empty, Cell::Empty])
            .1
            .contains("须填写完成日期"));
        assert!(err(&[s("x"), s("已整改"), s("2020-05-01"), Cell::Empty])
            .1
            .contains("晚于今天"));
        assert!(err(&[s("x"), s("已整改"), s("下周"), Cell::Empty])
            .1
            .contains("不是日期"));
        // 整改中: no date needed, and a planned date may be later.
        let later = read_reply(
            &[s("正在迁移"), s("整改中"), s("2020-06-30"), Cell::Empty],
            &r,
        );
        assert_eq!(later.unwrap().unwrap().completed, "2020-06-30");
        assert!(read_reply(&[s("正在迁移"), s("整改中")], &r)
            .unwrap()
            .is_some());
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(8), "I");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
