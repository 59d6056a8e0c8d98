//! Writers: tables and the draft to xlsx, CSV, Markdown and docx bytes.

use super::draft::Para;
use super::table::{Cell, Table};
use anyhow::Result;
use rust_xlsxwriter::{Chart, ChartType, Format, FormatBorder, Workbook, Worksheet};
use std::io::Write;

pub fn csv(t: &Table) -> Result<Vec<u8>> {
    crate::io::write::csv_bytes(&t.headers, &t.display_rows())
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

/// Write a table onto a worksheet from `row`; returns (header row, first data row, last data row).
fn put_table(
    ws: &mut Worksheet,
    t: &Table,
    banners: &[String],
    row0: u32,
) -> Result<(u32, u32, u32)> {
    let title = Format::new().set_bold().set_font_size(13);
    let red = Format::new().set_bold().set_font_color(0xC00000);
    let hf = crate::io::write::header_format();
    let border = Format::new().set_border(FormatBorder::Thin);
    let pct = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0.0%");
    let num0 = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0");
    let num1 = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("+0.0;-0.0;0");
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
                Cell::Rate { .. } | Cell::Pct(_) => {
                    ws.write_number_with_format(r, c, cell.number().unwrap_or(0.0), &pct)?
                }
                Cell::Points(_) => {
                    ws.write_number_with_format(r, c, cell.number().unwrap_or(0.0), &num1)?
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
    crate::io::write::autofit(ws, &t.headers, &t.display_rows())?;
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
    cities: usize,
    created: &str,
) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    crate::io::write::stamp(&mut wb, "政务新媒体检查抽查报告", created)?;
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
                "各设区市政务新媒体合格率",
                first + 1,
                first + cities as u32,
                4,
                7,
            )?;
        }
        if std::ptr::eq(t, annex) {
            printable(ws, header_row)?;
        }
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
    crate::io::write::stamp(&mut wb, heading, created)?;
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

/// Text for an XML element: escaped, and characters XML 1.0 forbids dropped (a control
/// character in an account name would otherwise make the .docx unreadable).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| crate::text::xml_allowed(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn run(text: &str, bold: bool, size_half_points: u32, color: Option<&str>) -> String {
    format!(
        "<w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"宋体\"/>{}{}<w:sz w:val=\"{size_half_points}\"/><w:szCs w:val=\"{size_half_points}\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
        if bold { "<w:b/>" } else { "" },
        color.map(|c| format!("<w:color w:val=\"{c}\"/>")).unwrap_or_default(),
        esc(text)
    )
}

fn para_xml(p: &Para) -> String {
    match p {
        Para::Title(t) => format!("<w:p><w:pPr><w:jc w:val=\"center\"/><w:spacing w:after=\"240\"/></w:pPr>{}</w:p>", run(t, true, 36, None)),
        Para::Heading(t) => format!("<w:p><w:pPr><w:spacing w:before=\"120\" w:after=\"120\"/></w:pPr>{}</w:p>", run(t, true, 30, None)),
        Para::Body(t) => format!("<w:p><w:pPr><w:ind w:firstLine=\"640\"/><w:spacing w:line=\"360\" w:lineRule=\"auto\"/></w:pPr>{}</w:p>", run(t, false, 30, None)),
        Para::Warning(t) => format!("<w:p>{}</w:p>", run(t, true, 28, Some("C00000"))),
    }
}

fn table_xml(t: &Table) -> String {
    let mut s = String::from("<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblBorders>");
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        s.push_str(&format!(
            "<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
        ));
    }
    s.push_str("</w:tblBorders></w:tblPr><w:tblGrid>");
    for _ in &t.headers {
        s.push_str("<w:gridCol/>");
    }
    s.push_str("</w:tblGrid>");
    let row = |cells: Vec<String>, bold: bool| {
        let mut r = String::from("<w:tr>");
        if bold {
            r = String::from("<w:tr><w:trPr><w:tblHeader/></w:trPr>");
        }
        for c in cells {
            r.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"0\" w:type=\"auto\"/></w:tcPr><w:p>{}</w:p></w:tc>",
                run(&c, bold, 21, None)
            ));
        }
        r.push_str("</w:tr>");
        r
    };
    s.push_str(&row(t.headers.clone(), true));
    for r in t.display_rows() {
        s.push_str(&row(r, false));
    }
    s.push_str("</w:tbl>");
    s
}

/// A minimal, valid .docx (WordprocessingML): the draft paragraphs, then the annex table.
pub fn docx(paras: &[Para], annex: &Table, annex_heading: &str) -> Result<Vec<u8>> {
    let mut body = String::new();
    for p in paras {
        body.push_str(&para_xml(p));
    }
    body.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
    body.push_str(&para_xml(&Para::Heading("附件".into())));
    body.push_str(&para_xml(&Para::Title(annex_heading.to_string())));
    body.push_str(&table_xml(annex));
    body.push_str("<w:p/>");
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" w:header=\"720\" w:footer=\"720\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    );
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        for (name, data) in [
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", rels),
            ("word/document.xml", document.as_str()),
        ] {
            z.start_file(name, opts)?;
            z.write_all(data.as_bytes())?;
        }
        z.finish()?;
    }
    Ok(buf.into_inner())
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
        let bytes = docx(&[Para::Body("正文\u{1}".into())], &hostile_annex(), "附件").unwrap();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        assert!(xml.chars().all(crate::text::xml_allowed));
        assert!(xml.contains("甲乙") && xml.contains("正文"));
    }

    #[test]
    fn a_newline_or_bar_in_a_name_keeps_the_markdown_table_whole() {
        let md = hostile_annex().markdown();
        let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
        assert_eq!(rows.len(), 4, "{md}");
        assert!(rows[3].contains("换 行\\|名称"), "{md}");
    }
}
