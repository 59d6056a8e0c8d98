//! Writers: tables and the draft to xlsx, CSV, Markdown and docx bytes.

use super::gongwen::{self, AnnexTable, Block, Head, Notice, Record};
use crate::domain::dates::chinese_date;
use crate::domain::profile::SMALL_BASE_MARK;
use crate::domain::report::draft::Para;
use crate::domain::report::table::{Cell, Printed, Table};
use rust_xlsxwriter::{
    Chart, ChartFont, ChartType, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};
use std::path::PathBuf;

/// Why a report file could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum ReportFileError {
    /// The xlsx writer failed.
    #[error(transparent)]
    Xlsx(#[from] XlsxError),
    /// A CSV could not be built.
    #[error(transparent)]
    Csv(#[from] csv::Error),
    /// The .docx could not be built.
    #[error(transparent)]
    Docx(#[from] gongwen::GongwenError),
    /// A folder for the report could not be created.
    #[error("无法创建 {}", path.display())]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A report file could not be written.
    #[error("无法写入 {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

type Result<T, E = ReportFileError> = std::result::Result<T, E>;

/// A table as CSV bytes, cells as displayed.
pub fn csv(t: &Table) -> Result<Vec<u8>> {
    Ok(crate::domain::csv_text::csv_bytes(
        &t.headers,
        &t.display_rows(),
    )?)
}

fn sheet_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '_'
            } else {
                c
            }
        })
        .take(31)
        .collect();
    s
}

/// The document's fonts (GB/T 9704), so a table pasted into the notice needs no reformatting:
/// 仿宋_GB2312 for cells and notes, 黑体 for titles and headers.
const BODY_FONT: &str = "仿宋_GB2312";
const HEAD_FONT: &str = "黑体";

/// Text as the notice prints it: half-width punctuation next to Chinese made full-width.
fn print_text(s: &str) -> String {
    crate::domain::text::fullwidth_punct(s)
}

/// The number format under which Excel shows a rate cell exactly as the draft prints it: the
/// cell holds the printed number (99.9% is 0.999) and the format shows the decimals the text
/// shows, the small-base mark, and a sign on points ("+8.2").
fn printed_format(p: &Printed) -> Format {
    let places = usize::from(p.shown.places());
    let digits = if places == 0 {
        "0".to_string()
    } else {
        format!("0.{}", "0".repeat(places))
    };
    let code = if p.points {
        format!("+{digits};-{digits};0")
    } else if p.marked {
        format!("{digits}%\"{SMALL_BASE_MARK}\"")
    } else {
        format!("{digits}%")
    };
    Format::new()
        .set_font_name(BODY_FONT)
        .set_border(FormatBorder::Thin)
        .set_num_format(code)
}

/// Write a table onto a worksheet from `row`; returns (header row, first data row, last data row).
/// Titles, headers and notes are written with full-width punctuation and the document's fonts;
/// `print_cells` does the same for text cells (the annex, which is printed as it is).
fn put_table(
    ws: &mut Worksheet,
    t: &Table,
    banners: &[String],
    row0: u32,
) -> Result<(u32, u32, u32)> {
    let print_cells = t.name.starts_with("附件");
    let body = || Format::new().set_font_name(BODY_FONT);
    let title = Format::new().set_font_name(HEAD_FONT).set_font_size(14);
    let red = body().set_bold().set_font_color(0xC00000);
    let hf = crate::formats::write::header_format().set_font_name(HEAD_FONT);
    let border = body().set_border(FormatBorder::Thin);
    let num0 = body().set_border(FormatBorder::Thin).set_num_format("0");
    let num2 = body().set_border(FormatBorder::Thin).set_num_format("0.00");
    let mut r = row0;
    ws.write_string_with_format(r, 0, print_text(&t.title), &title)?;
    r += 1;
    for b in banners {
        ws.write_string_with_format(r, 0, print_text(b), &red)?;
        r += 1;
    }
    let header_row = r;
    for (c, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(r, c as u16, print_text(h), &hf)?;
    }
    r += 1;
    let first = r;
    for row in &t.rows {
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) if print_cells => {
                    ws.write_string_with_format(r, c, print_text(s), &border)?
                }
                Cell::Text(s) => ws.write_string_with_format(r, c, s, &border)?,
                Cell::Int(i) => ws.write_number_with_format(r, c, *i as f64, &num0)?,
                Cell::Rate { .. } | Cell::Change { .. } | Cell::Pct(_) | Cell::Points { .. } => {
                    match cell.printed(&t.style) {
                        Some(p) => ws.write_number_with_format(
                            r,
                            c,
                            cell.number(&t.style).unwrap_or(0.0),
                            &printed_format(&p),
                        )?,
                        None => ws.write_string_with_format(r, c, "—", &border)?,
                    }
                }
                Cell::Num(f, d) => {
                    ws.write_number_with_format(r, c, *f, if *d == 0 { &num0 } else { &num2 })?
                }
                Cell::Empty => ws.write_blank(r, c, &border)?,
            };
        }
        r += 1;
    }
    let last = r.saturating_sub(1).max(first);
    for n in &t.notes {
        r += 1;
        ws.write_string_with_format(r, 0, print_text(&format!("注: {n}")), &body())?;
    }
    crate::formats::write::autofit(ws, &t.headers, &t.display_rows())?;
    Ok((header_row, first, last))
}

/// A chart of the pass rate of each row from `first` to `last`: columns for a few categories,
/// horizontal bars for a long list (the 市(州) of a province), so that every label shows; in
/// both, every category is labelled and the order is the table's.
fn add_bar_chart(
    ws: &mut Worksheet,
    sheet: &str,
    title: &str,
    (first, last): (u32, u32),
    rate_col: u16,
    at_col: u16,
) -> Result<()> {
    let n = last + 1 - first;
    let long = n > 8;
    let mut chart = Chart::new(if long {
        ChartType::Bar
    } else {
        ChartType::Column
    });
    let font = ChartFont::new().set_name(BODY_FONT).clone();
    chart
        .add_series()
        .set_categories((sheet, first, 0, last, 0))
        .set_values((sheet, first, rate_col, last, rate_col))
        .set_name("合格率");
    chart
        .title()
        .set_name(&print_text(title))
        .set_font(ChartFont::new().set_name(HEAD_FONT).set_size(12));
    chart.legend().set_hidden();
    // Bar charts put the categories on the y axis (rust_xlsxwriter's y_axis), columns on x.
    let (category, value) = if long {
        (chart.y_axis(), ChartAxisPick::X)
    } else {
        (chart.x_axis(), ChartAxisPick::Y)
    };
    category.set_label_interval(1).set_font(&font);
    if long {
        // Top to bottom in the table's order.
        category.set_reverse();
    }
    let value_axis = match value {
        ChartAxisPick::X => chart.x_axis(),
        ChartAxisPick::Y => chart.y_axis(),
    };
    value_axis
        .set_num_format("0%")
        .set_min(0.0)
        .set_max(1.0)
        .set_font(&font);
    if long {
        chart.set_height(80 + 22 * n);
    }
    ws.insert_chart(1, at_col, &chart)?;
    Ok(())
}

/// Which axis holds the values.
enum ChartAxisPick {
    X,
    Y,
}

fn printable(ws: &mut Worksheet, header_row: u32) -> Result<()> {
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// report.xlsx: one sheet per table, charts on the type and owner-group sheets, a printable annex.
pub fn report_xlsx(
    tables: &[Table],
    annex: &Table,
    banners: &[String],
    (cities, city_label): (usize, &str),
    created: &str,
) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    crate::formats::write::stamp(&mut wb, "政务新媒体检查抽查报告", created)?;
    for t in tables.iter().chain(std::iter::once(annex)) {
        let name = sheet_name(&t.name);
        let ws = wb.add_worksheet();
        ws.set_name(&name)?;
        let (header_row, first, last) = put_table(ws, t, banners, 0)?;
        let at = t.headers.len() as u16 + 1;
        if t.name == "合格率_类型" && !t.rows.is_empty() {
            add_bar_chart(ws, &name, "各类型政务新媒体合格率", (first, last), 4, at)?;
        }
        if t.name == "合格率_开设主体" && cities > 0 {
            // Rows: 省级, then the cities, then totals.
            add_bar_chart(
                ws,
                &name,
                &format!("各{city_label}政务新媒体合格率"),
                (first + 1, first + cities as u32),
                4,
                at,
            )?;
        }
        // Every sheet prints on A4 landscape, as wide as one page: the office prints tables
        // for the meeting, not only the annex.
        printable(ws, header_row)?;
        ws.set_freeze_panes(header_row + 1, 0)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// annex.xlsx: the annex alone, as the notice's attachment.
pub fn annex_xlsx(
    annex: &Table,
    heading: &str,
    banners: &[String],
    created: &str,
) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    crate::formats::write::stamp(&mut wb, heading, created)?;
    let ws = wb.add_worksheet();
    ws.set_name("附件")?;
    let f = Format::new().set_font_name(HEAD_FONT).set_font_size(12);
    ws.write_string_with_format(0, 0, "附件", &f)?;
    let mut t = annex.clone();
    t.title = heading.to_string();
    let (header_row, _, _) = put_table(ws, &t, banners, 1)?;
    printable(ws, header_row)?;
    Ok(wb.save_to_buffer()?)
}

/// 整改情况.xlsx: the drafted paragraph and the per-unit table on the first sheet, every
/// account's reply on the second, both printable.
pub fn rectify_status_xlsx(
    paragraph: &str,
    status: &Table,
    detail: &Table,
    banners: &[String],
    created: &str,
) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    crate::formats::write::stamp(&mut wb, "政务新媒体整改情况", created)?;
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(&status.name))?;
    let bold = Format::new().set_bold().set_font_size(12);
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    ws.write_string_with_format(0, 0, "通报段落(草稿)", &bold)?;
    let last_col = status.headers.len().saturating_sub(1).max(1) as u16;
    ws.merge_range(1, 0, 1, last_col, paragraph, &wrap)?;
    ws.set_row_height(1, 96)?;
    let (header_row, _, _) = put_table(ws, status, banners, 3)?;
    printable(ws, header_row)?;
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(&detail.name))?;
    let (header_row, _, _) = put_table(ws, detail, banners, 0)?;
    printable(ws, header_row)?;
    ws.set_freeze_panes(header_row + 1, 0)?;
    Ok(wb.save_to_buffer()?)
}

/// The Markdown report: the draft, then every table under 附表 and the annex under 附件.
pub fn markdown(paras_md: &str, tables: &[Table], annex: &Table) -> String {
    let mut s = paras_md.to_string();
    s.push_str("---\n\n## 附表\n\n");
    for t in tables {
        s.push_str(&t.markdown());
    }
    s.push_str("## 附件\n\n");
    s.push_str(&annex.markdown());
    s
}

/// 抽样说明: the sample design and the design-weighted estimates, for the office's own use; the
/// notice itself reports only the raw rates, as the published notices do.
pub fn sampling_note(
    (period, check, intro): (&str, &str, &str),
    tables: &[&Table],
    banners: &[String],
) -> String {
    let mut s = format!("# {period}{check}抽样说明(内部使用)\n\n");
    for b in banners {
        s.push_str(&format!(
            "> **{}**\n\n",
            crate::domain::text::markdown_inline(b)
        ));
    }
    s.push_str(intro);
    s.push_str("\n\n");
    for t in tables {
        s.push_str(&t.markdown());
        s.push('\n');
    }
    s
}

/// Width of title text in half characters as a Chinese font sets it: CJK characters and the
/// curly quotes, dashes and ellipsis of Chinese text are full width, digits and Latin half.
fn print_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if matches!(c, '“' | '”' | '‘' | '’' | '—' | '…') {
                2
            } else {
                crate::domain::text::display_width(c.encode_utf8(&mut [0; 4]))
            }
        })
        .sum()
}

/// Where a notice title may break: before these words, so that no line ends inside a word
/// ("问 / 题") and each line keeps its meaning (GB/T 9704 7.3.1: 回行时要做到词意完整).
const TITLE_BREAKS: [&str; 8] = [
    "政务新媒体",
    "检查抽查",
    "存在",
    "情况",
    "名单",
    "的通报",
    "工作",
    "问题",
];

/// A line of 2号 (22 pt, condensed 0.25 pt) holds 20 characters of the 156 mm text block.
const TITLE_LINE: usize = 40;

/// A title too long for one line of 2号 breaks before one of [`TITLE_BREAKS`], choosing the
/// break whose lines both fit and are most nearly equal; a title that fits stays whole, and
/// one that fits no two lines is broken again in its longer part.
fn break_title(title: &str) -> String {
    if print_width(title) <= TITLE_LINE {
        return title.to_string();
    }
    let mut best: Option<(usize, usize)> = None;
    for at in title.char_indices().map(|(i, _)| i).filter(|&i| i > 0) {
        if !TITLE_BREAKS.iter().any(|w| title[at..].starts_with(w)) {
            continue;
        }
        let (a, b) = (print_width(&title[..at]), print_width(&title[at..]));
        let score = a.abs_diff(b) + if a.max(b) > TITLE_LINE { 1000 } else { 0 };
        // Ties go to the later break: a longer first line, as titles are usually set.
        if best.is_none_or(|(s, _)| score <= s) {
            best = Some((score, at));
        }
    }
    match best {
        None => title.to_string(),
        Some((score, at)) if score >= 1000 => {
            // Neither part fits alone: break the longer part once more.
            let (a, b) = (&title[..at], &title[at..]);
            if print_width(a) >= print_width(b) {
                format!("{}\n{b}", break_title(a))
            } else {
                format!("{a}\n{}", break_title(b))
            }
        }
        Some((_, at)) => format!("{}\n{}", &title[..at], &title[at..]),
    }
}

/// Who the notice is from and to, and its 版头 and 版记: `report --to`, `--issuer`,
/// `--doc-number`, `--cc`, `--printed-by`, `--printed-on`, or the profile's `[issuer]`; 【】
/// placeholders for the writer where a part is laid out but not given.
#[derive(Clone, Debug, Default)]
pub struct NoticeParties {
    /// 主送机关, e.g. "各设区市人民政府，省各有关部门".
    pub to: Option<String>,
    /// 发文机关署名, e.g. "江苏省人民政府办公厅".
    pub issuer: Option<String>,
    /// 发文机关标志 for the 版头, e.g. "江苏省人民政府办公厅文件".
    pub mark: Option<String>,
    /// 发文字号, e.g. "苏政办函〔2020〕12号".
    pub doc_number: Option<String>,
    /// 抄送机关, e.g. "省委办公厅，省人大常委会办公厅".
    pub cc: Option<String>,
    /// 印发机关, e.g. "江苏省人民政府办公厅".
    pub printed_by: Option<String>,
    /// 印发日期 (printed 2020年4月1日).
    pub printed_on: Option<chrono::NaiveDate>,
}

impl NoticeParties {
    /// The 版头, when a mark or a 发文字号 is given: the mark defaults to the issuer's name.
    fn head(&self) -> Option<Head> {
        if self.mark.is_none() && self.doc_number.is_none() {
            return None;
        }
        let f = |t: &str| crate::domain::text::fullwidth_punct(t);
        Some(Head {
            mark: f(self
                .mark
                .as_deref()
                .or(self.issuer.as_deref())
                .unwrap_or("【发文机关标志】")),
            number: f(self.doc_number.as_deref().unwrap_or("【发文字号】")),
        })
    }

    /// The 版记, when 抄送 or 印发机关 is given: 印发机关 defaults to the issuer, the date to a
    /// placeholder; the 抄送 list ends with "。" as the standard asks.
    fn record(&self) -> Option<Record> {
        if self.cc.is_none() && self.printed_by.is_none() {
            return None;
        }
        let f = |t: &str| crate::domain::text::fullwidth_punct(t);
        let cc = self
            .cc
            .as_deref()
            .map(|c| {
                format!(
                    "{}。",
                    f(c.trim_end_matches(['.', '。', ',', '，', ';', '；']))
                )
            })
            .unwrap_or_default();
        Some(Record {
            cc,
            printed_by: f(self
                .printed_by
                .as_deref()
                .or(self.issuer.as_deref())
                .unwrap_or("【印发机关】")),
            printed_on: format!(
                "{}印发",
                self.printed_on
                    .map_or_else(|| "【 年 月 日】".to_string(), chinese_date)
            ),
        })
    }
}

fn block(p: &Para) -> Block {
    let text = |t: &str| crate::domain::text::fullwidth_punct(t);
    match p {
        Para::Heading1(t) | Para::Title(t) => Block::Heading1(text(t)),
        Para::Heading2(t) => Block::Heading2(text(t)),
        Para::Body(t) => Block::Body(text(t)),
        Para::Warning(t) => Block::Warning(text(t)),
        Para::Attachment(t) => Block::Body(text(t)),
    }
}

/// The draft notice as an official document (GB/T 9704-2012, see `gongwen`): 版头 when given,
/// title, 主送机关, the draft's paragraphs in full-width punctuation, 附件说明, 署名 and 成文日期,
/// the annex, then 版记 when given.
pub fn docx(
    paras: &[Para],
    annex: &Table,
    annex_heading: &str,
    parties: &NoticeParties,
) -> Result<Vec<u8>> {
    let title = paras
        .iter()
        .find_map(|p| match p {
            Para::Title(t) => Some(break_title(&crate::domain::text::fullwidth_punct(t))),
            _ => None,
        })
        .unwrap_or_default();
    let to = parties.to.as_deref().unwrap_or("【主送机关】");
    let notice = Notice {
        head: parties.head(),
        title,
        to: format!(
            "{}：",
            crate::domain::text::fullwidth_punct(to.trim_end_matches([':', '：']))
        ),
        body: paras
            .iter()
            .filter(|p| !matches!(p, Para::Title(_) | Para::Attachment(_)))
            .map(block)
            .collect(),
        // 附件说明 once, in its place after the body (GB/T 9704 7.3.4).
        attachment: paras.iter().find_map(|p| match p {
            Para::Attachment(t) => Some(crate::domain::text::fullwidth_punct(t)),
            _ => None,
        }),
        issuer: parties
            .issuer
            .clone()
            .unwrap_or_else(|| "【发文机关署名】".into()),
        date: "【成文日期 年 月 日】".into(),
        annex: Some((
            break_title(&crate::domain::text::fullwidth_punct(annex_heading)),
            annex_table(annex),
        )),
        record: parties.record(),
    };
    Ok(gongwen::notice_docx(&notice)?)
}

/// The annex as the document prints it: every cell's punctuation full-width where it stands
/// next to Chinese text.
fn annex_table(annex: &Table) -> AnnexTable {
    let f = |t: &str| crate::domain::text::fullwidth_punct(t);
    AnnexTable {
        headers: annex.headers.iter().map(|h| f(h)).collect(),
        rows: annex
            .display_rows()
            .iter()
            .map(|r| r.iter().map(|c| f(c)).collect())
            .collect(),
    }
}

/// The notice's file name without extension: 通报草稿, or 通报 for the final notice.
pub fn notice_stem(final_notice: bool) -> &'static str {
    if final_notice {
        "通报"
    } else {
        "通报草稿"
    }
}

/// Write every report file into `dir` (a fresh folder that is swapped in afterwards): report.xlsx,
/// annex.xlsx, the draft as Markdown and .docx, 抽样说明.md and one CSV per table.
pub fn write_report(
    dir: &std::path::Path,
    built: &crate::domain::report::contents::Built,
    cur: &crate::domain::report::figures::CampaignData,
    created: &str,
    parties: &NoticeParties,
    final_notice: bool,
) -> Result<()> {
    let stem = notice_stem(final_notice);
    let put = |name: &str, bytes: &[u8]| -> Result<()> {
        let path = dir.join(name);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(|source| ReportFileError::CreateDir {
                path: p.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, bytes).map_err(|source| ReportFileError::Write { path, source })
    };
    let annex_heading = crate::domain::report::draft::annex_title(cur);
    put(
        "report.xlsx",
        &report_xlsx(
            &built.tables,
            &built.annex,
            &built.banners,
            (built.cities, &built.city_label),
            created,
        )?,
    )?;
    put(
        "annex.xlsx",
        &annex_xlsx(&built.annex, &annex_heading, &built.banners, created)?,
    )?;
    let md = markdown(
        &crate::domain::report::draft::markdown(&built.paras),
        &built.tables,
        &built.annex,
    );
    let design: Vec<&Table> = built
        .tables
        .iter()
        .filter(|t| ["样本设计", "样本分层", "加权估计"].contains(&t.name.as_str()))
        .collect();
    put(
        "抽样说明.md",
        sampling_note(
            (
                &cur.display_name(),
                crate::domain::report::draft::check_word(cur),
                &built.sampling_intro,
            ),
            &design,
            &built.banners,
        )
        .as_bytes(),
    )?;
    put(&format!("{stem}.md"), md.as_bytes())?;
    put(
        &format!("{stem}.docx"),
        &docx(&built.paras, &built.annex, &annex_heading, parties)?,
    )?;
    for t in built.tables.iter().chain(std::iter::once(&built.annex)) {
        put(&format!("csv/{}.csv", t.name), &csv(t)?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hostile_annex() -> Table {
        let mut t = Table::new("附件", "附件", &["序号", "名称"]);
        t.rows
            .push(vec![Cell::Int(1), Cell::Text("甲\u{b}乙\u{1}".into())]);
        t.rows
            .push(vec![Cell::Int(2), Cell::Text("换\n行|名称".into())]);
        t
    }

    #[test]
    fn control_characters_never_reach_the_docx() {
        // Issue #9, case 6: LibreOffice refused a .docx with \x0b in a name.
        let paras = [Para::Title("标题".into()), Para::Body("正文\u{1}".into())];
        let bytes = docx(&paras, &hostile_annex(), "附件", &NoticeParties::default()).unwrap();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        assert!(xml.chars().all(crate::domain::text::xml_allowed));
        assert!(xml.contains("甲乙") && xml.contains("正文"));
    }

    #[test]
    fn a_long_title_breaks_between_words_into_lines_that_fit() {
        assert_eq!(
            break_title("关于2020年第一季度政务新媒体检查抽查情况的通报（草稿）"),
            "关于2020年第一季度政务新媒体\n检查抽查情况的通报（草稿）"
        );
        assert_eq!(
            break_title("关于2020年第一季度政务新媒体检查抽查情况的通报"),
            "关于2020年第一季度政务新媒体\n检查抽查情况的通报"
        );
        // The annex title: never "问\n题", and both lines within 20 characters.
        let annex = break_title("2020年第一季度检查抽查存在“单项否决”问题政务新媒体名单");
        assert_eq!(
            annex,
            "2020年第一季度检查抽查\n存在“单项否决”问题政务新媒体名单"
        );
        for line in annex.lines() {
            assert!(print_width(line) <= TITLE_LINE, "{line}");
        }
        assert_eq!(break_title("关于检查抽查的通报"), "关于检查抽查的通报");
        let long = break_title(
            "关于2019年全省政务新媒体监管工作和2020年第一季度全省政务新媒体检查抽查情况的通报",
        );
        assert!(long.lines().count() >= 2, "{long}");
        for line in long.lines() {
            assert!(print_width(line) <= TITLE_LINE, "{long}");
        }
    }

    #[test]
    fn a_newline_or_bar_in_a_name_keeps_the_markdown_table_whole() {
        let md = hostile_annex().markdown();
        let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
        assert_eq!(rows.len(), 4, "{md}");
        assert!(rows[3].contains("换 行\\|名称"), "{md}");
    }
}
