//! Writers: tables and the draft to xlsx, CSV, Markdown and docx bytes.

use super::gongwen::{self, AnnexTable, Block, Notice};
use crate::domain::profile::SMALL_BASE_MARK;
use crate::domain::report::draft::Para;
use crate::domain::report::table::{Cell, Printed, Table};
use anyhow::{Context, Result};
use rust_xlsxwriter::{Chart, ChartType, Format, FormatBorder, Workbook, Worksheet};

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
        .set_border(FormatBorder::Thin)
        .set_num_format(code)
}

/// Write a table onto a worksheet from `row`; returns (header row, first data row, last data row).
fn put_table(
    ws: &mut Worksheet,
    t: &Table,
    banners: &[String],
    row0: u32,
) -> Result<(u32, u32, u32)> {
    let title = Format::new().set_bold().set_font_size(13);
    let red = Format::new().set_bold().set_font_color(0xC00000);
    let hf = crate::formats::write::header_format();
    let border = Format::new().set_border(FormatBorder::Thin);
    let num0 = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0");
    let num2 = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0.00");
    let mut r = row0;
    ws.write_string_with_format(r, 0, &t.title, &title)?;
    r += 1;
    for b in banners {
        ws.write_string_with_format(r, 0, b, &red)?;
        r += 1;
    }
    let header_row = r;
    for (c, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(r, c as u16, h, &hf)?;
    }
    r += 1;
    let first = r;
    for row in &t.rows {
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
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
        ws.write_string(r, 0, format!("注: {n}"))?;
    }
    crate::formats::write::autofit(ws, &t.headers, &t.display_rows())?;
    Ok((header_row, first, last))
}

fn add_bar_chart(
    ws: &mut Worksheet,
    sheet: &str,
    title: &str,
    first: u32,
    last: u32,
    rate_col: u16,
    at_col: u16,
) -> Result<()> {
    let mut chart = Chart::new(ChartType::Column);
    chart
        .add_series()
        .set_categories((sheet, first, 0, last, 0))
        .set_values((sheet, first, rate_col, last, rate_col))
        .set_name("合格率");
    chart.title().set_name(title);
    chart
        .y_axis()
        .set_num_format("0%")
        .set_min(0.0)
        .set_max(1.0);
    chart.legend().set_hidden();
    ws.insert_chart(1, at_col, &chart)?;
    Ok(())
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
        if t.name == "合格率_类型" && !t.rows.is_empty() {
            add_bar_chart(ws, &name, "各类型政务新媒体合格率", first, last, 4, 7)?;
        }
        if t.name == "合格率_开设主体" && cities > 0 {
            // Rows: 省级, then the cities, then totals.
            add_bar_chart(
                ws,
                &name,
                &format!("各{city_label}政务新媒体合格率"),
                first + 1,
                first + cities as u32,
                4,
                7,
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
    let f = Format::new().set_bold().set_font_size(12);
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

/// A title too long for one line of 2号 (about 20 characters) breaks where the meaning does:
/// before "检查抽查" ("关于2020年第一季度政务新媒体" / "检查抽查情况的通报"), never inside a word.
fn break_title(title: &str) -> String {
    const LINE: usize = 20;
    match title.find("全覆盖检查").or_else(|| title.find("检查抽查")) {
        Some(at) if title.chars().count() > LINE && title[..at].chars().count() <= LINE => {
            format!("{}\n{}", &title[..at], &title[at..])
        }
        _ => title.to_string(),
    }
}

/// Who the notice is from and to: `report --issuer` and `--to`, with 【】 placeholders for the
/// writer where they were not given.
#[derive(Clone, Debug, Default)]
pub struct NoticeParties {
    /// 主送机关, e.g. "各设区市人民政府，省各有关部门".
    pub to: Option<String>,
    /// 发文机关署名, e.g. "江苏省人民政府办公厅".
    pub issuer: Option<String>,
}

fn block(p: &Para) -> Block {
    let text = |t: &str| crate::domain::text::fullwidth_punct(t);
    match p {
        // The draft's headings are "(一)…": second-level in GB/T 9704's scheme.
        Para::Heading(t) if t.starts_with('(') || t.starts_with('（') => Block::Heading2(text(t)),
        Para::Heading(t) | Para::Title(t) => Block::Heading1(text(t)),
        Para::Body(t) => Block::Body(text(t)),
        Para::Warning(t) => Block::Warning(text(t)),
        Para::Attachment(t) => Block::Body(text(t)),
    }
}

/// The draft notice as an official document (GB/T 9704-2012, see `gongwen`): title, 主送机关,
/// the draft's paragraphs in full-width punctuation, 附件说明, 署名 and 成文日期, then the annex.
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
            crate::domain::text::fullwidth_punct(annex_heading),
            AnnexTable {
                headers: annex.headers.clone(),
                rows: annex.display_rows(),
            },
        )),
    };
    Ok(gongwen::notice_docx(&notice)?)
}

/// Write every report file into `dir` (a fresh folder that is swapped in afterwards): report.xlsx,
/// annex.xlsx, the draft as Markdown and .docx, 抽样说明.md and one CSV per table.
pub fn write_report(
    dir: &std::path::Path,
    built: &crate::domain::report::contents::Built,
    cur: &crate::domain::report::figures::CampaignData,
    created: &str,
    parties: &NoticeParties,
) -> Result<()> {
    let put = |name: &str, bytes: &[u8]| -> Result<()> {
        let path = dir.join(name);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).with_context(|| format!("无法创建 {}", p.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("无法写入 {}", path.display()))
    };
    let annex_heading = crate::domain::report::draft::annex_title(cur);
    let words = cur.words();
    // 主送 and 署名: the writer's, else the scope's usual ones (a city's), else 【】 to fill in.
    let parties = NoticeParties {
        to: parties.to.clone().or(words.addressee),
        issuer: parties.issuer.clone().or(words.issuer),
    };
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
    put("通报草稿.md", md.as_bytes())?;
    put(
        "通报草稿.docx",
        &docx(&built.paras, &built.annex, &annex_heading, &parties)?,
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
    fn a_long_title_breaks_before_the_subject() {
        assert_eq!(
            break_title("关于2020年第一季度政务新媒体检查抽查情况的通报（草稿）"),
            "关于2020年第一季度政务新媒体\n检查抽查情况的通报（草稿）"
        );
        assert_eq!(break_title("关于检查抽查的通报"), "关于检查抽查的通报");
    }

    #[test]
    fn a_newline_or_bar_in_a_name_keeps_the_markdown_table_whole() {
        let md = hostile_annex().markdown();
        let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
        assert_eq!(rows.len(), 4, "{md}");
        assert!(rows[3].contains("换 行\\|名称"), "{md}");
    }
}
