//! The notice as an official document (公文) .docx, laid out per GB/T 9704-2012 《党政机关公文格式》.
//!
//! Hand-written WordprocessingML, kept to this one module. docx-rs was considered: it has a
//! document grid, `eastAsia` run fonts, a PAGE field and `cantSplit`, but (in the versions
//! checked) no `tblHeader` (a TODO in its row properties), a fixed font table with no way to add
//! fonts or `w:altName`, and a page-number helper that wraps the field in a content control and a
//! right-aligned frame. The parts below are a few hundred lines of string building that tests
//! read back.
//!
//! Layout (GB/T 9704-2012 clause in brackets):
//! - A4, top margin 37 mm, left 28 mm, text block 156 × 225 mm (5.2.1); 22 lines of 28
//!   characters (5.2.3) through a `linesAndChars` document grid and exact line spacing.
//! - Title 2号 方正小标宋简体, centred (7.3.1); 主送机关 flush left one blank line under it
//!   (7.3.2); body 3号 仿宋_GB2312 with a two-character first-line indent; 一、 headings 黑体 and
//!   （一） headings 楷体_GB2312, indented like the body (7.3.3).
//! - 附件说明 one blank line under the body, two characters in, a long name wrapping under its
//!   first character (7.3.4).
//! - 发文机关署名 centred over the 成文日期, which sits four characters from the right, as for a
//!   sealed notice (7.3.5.1); one blank line above the 署名, which keeps with the paragraph
//!   before it so that it never stands alone on a page.
//! - Page numbers "— 1 —" in 4号 宋体, 7 mm under the text block; odd pages right, even pages
//!   left, one character in (7.5), through `w:evenAndOddHeaders` and two footers.
//! - The annex on a new page: "附件" 3号 黑体 top left, its title centred on the third line
//!   (7.3.7), then a bordered table whose header row repeats on every page and whose rows never
//!   split. The table is set in 五号 (10.5 pt) 仿宋_GB2312 on 14-pt lines, header in 黑体: a
//!   six-column name list with long unit names wraps in any size, and 五号 puts 35 characters on
//!   a line of the text block, so a list of 60 accounts takes four pages, not eight. Columns are
//!   sized to their content (see `column_widths`).
//! - The 版头 (7.2) and 版记 (7.4) when the issuer gives them: the red 发文机关标志 35 mm under
//!   the top of the text block, the 发文字号 two lines under it over a red rule; 抄送 and the
//!   印发 line between a thick, a thin and a thick rule, floated to the foot of the last page.
//!
//! Fonts: each style names its Chinese font in `w:eastAsia` (Latin text and digits in Times New
//! Roman); word/fontTable.xml gives each Chinese font an `w:altName` that Windows, WPS and most
//! Linux CJK setups have (仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, 黑体 → SimHei, 方正小标宋简体 →
//! 宋体), and LibreOffice substitutes from its own table where neither is installed.
//!
//! 28 characters a line come from the characters themselves, not from Word's character grid:
//! the grid is `lines` only (22 lines of fixed pitch) and every run is condensed by 0.25 pt, so a
//! 16 pt character takes 15.75 pt and 28 of them (441 pt) fill the 442.2 pt line. A
//! `linesAndChars` grid with a negative `charSpace` did the same in Word and WPS, but LibreOffice
//! (7.4 seen) laid it out with 13–28 characters a line; the condensed text is the same in all
//! three.

use crate::domain::text::{display_width, xml_allowed};
use std::io::Write;

/// One block of the notice body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A first-level heading, "一、总体情况", in 黑体.
    Heading1(String),
    /// A second-level heading, "（一）…", in 楷体_GB2312.
    Heading2(String),
    /// A third-level heading, "1.…", in 仿宋_GB2312 (GB/T 9704 7.3.3).
    Heading3(String),
    /// A fourth-level heading, "（1）…", in 仿宋_GB2312.
    Heading4(String),
    /// A body paragraph in 仿宋_GB2312, first line indented two characters.
    Body(String),
    /// A red bold paragraph, for a draft's warnings.
    Warning(String),
}

/// The annex table: a header row and data rows, every row as wide as the header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnnexTable {
    /// Column headers.
    pub headers: Vec<String>,
    /// Data rows, one cell per header.
    pub rows: Vec<Vec<String>>,
}

/// The 版头 (GB/T 9704 7.2): the issuing authority's mark in red and the 发文字号 over a red
/// rule as wide as the text block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
    /// 发文机关标志, e.g. "江苏省人民政府办公厅文件": red 小标宋, centred, 35 mm under the top of
    /// the text block, as large as 初号 while it fits one line.
    pub mark: String,
    /// 发文字号, e.g. "苏政办函〔2020〕12号": centred two lines under the mark; empty for none.
    pub number: String,
}

/// The 版记 (GB/T 9704 7.4): 抄送 and the 印发 line between rules, at the foot of the last page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// 抄送机关, e.g. "省委办公厅，省人大常委会办公厅。"; empty for no 抄送 row.
    pub cc: String,
    /// 印发机关, e.g. "江苏省人民政府办公厅", one character in from the left.
    pub printed_by: String,
    /// 印发日期 with "印发", e.g. "2020年4月1日印发", one character in from the right.
    pub printed_on: String,
}

/// A notice (通报) to render: every element GB/T 9704 places, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notice {
    /// 版头; without one the document starts at the title.
    pub head: Option<Head>,
    /// 标题, 2号 方正小标宋简体, centred; `\n` forces a line break.
    pub title: String,
    /// 主送机关, e.g. "各设区市人民政府，省各有关部门："; flush left under the title.
    pub to: String,
    /// The body.
    pub body: Vec<Block>,
    /// 附件说明, e.g. "附件：2020年第一季度…名单"; after the body with one blank line.
    pub attachment: Option<String>,
    /// 发文机关署名, right side, centred over the date.
    pub issuer: String,
    /// 成文日期, e.g. "2020年3月31日", four characters from the right.
    pub date: String,
    /// The annex: its title and its table, on a new page.
    pub annex: Option<(String, AnnexTable)>,
    /// 版记, after everything else.
    pub record: Option<Record>,
}

/// What can stop a notice from being written.
#[derive(Debug, thiserror::Error)]
pub enum GongwenError {
    /// The annex table has no columns.
    #[error("附件表格没有列")]
    NoColumns,
    /// More columns than the text block can hold at two characters each.
    #[error("附件表格有 {columns} 列,版心宽度最多容纳 {max} 列")]
    TooManyColumns {
        /// Columns in the table.
        columns: usize,
        /// Columns that fit.
        max: usize,
    },
    /// A data row's cell count differs from the header's.
    #[error("附件表格第 {row} 行有 {cells} 个单元格,表头有 {columns} 列")]
    RaggedRow {
        /// The data row, from 1.
        row: usize,
        /// Its cells.
        cells: usize,
        /// Header columns.
        columns: usize,
    },
    /// The zip container could not be written.
    #[error("写入 .docx 失败: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// Writing into the in-memory container failed.
    #[error("写入 .docx 失败: {0}")]
    Io(#[from] std::io::Error),
}

// ---- Page geometry, in twips (1/20 pt; 1 mm = 1440 / 25.4 = 56.69 twips) ----

/// A4 width, 210 mm.
const PAGE_W: u32 = 11906;
/// A4 height, 297 mm.
const PAGE_H: u32 = 16838;
/// Top margin 37 mm = 2097.6 twips.
const MARGIN_TOP: u32 = 2098;
/// Left margin 28 mm = 1587.4 twips, taken as 1588 so that the text block is 8844 exactly.
const MARGIN_LEFT: u32 = 1588;
/// Text block width 156 mm = 8844.1 twips.
const TEXT_W: u32 = 8844;
/// Text block height 225 mm = 12755.9 twips.
const TEXT_H: u32 = 12756;
/// Right margin: 11906 − 1588 − 8844 = 1474 twips = 26.0 mm.
const MARGIN_RIGHT: u32 = PAGE_W - MARGIN_LEFT - TEXT_W;
/// Bottom margin: 16838 − 2098 − 12756 = 1984 twips = 35.0 mm.
const MARGIN_BOTTOM: u32 = PAGE_H - MARGIN_TOP - TEXT_H;
/// Lines per page.
const LINES: u32 = 22;
/// Characters per line.
const CHARS: i64 = 28;
/// Line pitch: 12756 / 22 = 579.8, rounded down so that 22 lines (12738) fit the block; 580
/// would need 12760 and leave 21.
const LINE_PITCH: u32 = TEXT_H / LINES;
/// Body size in half-points: 3号 = 16 pt.
const BODY_SZ: u32 = 32;
/// Grid character pitch, as `w:charSpace`: the difference between the wanted pitch and the
/// Normal style's font size, in 1/4096 pt. Wanted: 8844 / 28 = 315.86 twips = 15.793 pt; Normal
/// is 16 pt; (15.793 − 16) × 4096 = −848.46, rounded down to −849 so that 28 characters
/// (28 × 315.85 = 8843.9 twips) fit. Integer form: (8844 × 4096 − 28 × 20 × 16 × 4096) / 560.
#[cfg(test)]
const CHAR_SPACE: i64 =
    (TEXT_W as i64 * 4096 - CHARS * 20 * (BODY_SZ as i64 / 2) * 4096).div_euclid(CHARS * 20);
/// Character spacing of every run, in twentieths of a point: −0.25 pt, so a 3号 character
/// takes 315 twips and 28 of them (8820) fit the 8844-twip line while 29 (9135) do not. This is
/// `CHAR_SPACE` (−849/4096 pt) rounded to what run spacing can express.
const CONDENSE: i64 = (TEXT_W as i64).div_euclid(CHARS) - (BODY_SZ as i64 / 2) * 20;
/// Title size: 2号 = 22 pt.
const TITLE_SZ: u32 = 44;
/// Table size: 五号 = 10.5 pt, as annex name lists are commonly set.
const TABLE_SZ: u32 = 21;
/// Table line height (exact): 14 pt, a third over the characters.
const TABLE_LINE: u32 = 280;
/// Page-number size: 4号 = 14 pt.
const PAGE_NUM_SZ: u32 = 28;
/// Footer line height (exact): 16 pt.
const FOOTER_LINE: u32 = 320;
/// Footer distance from the page's bottom edge: the number's line starts 7 mm (397 twips)
/// under the text block (GB/T 9704 7.5): 1984 − 397 − 320 = 1267 twips.
const FOOTER_DIST: u32 = MARGIN_BOTTOM - 397 - FOOTER_LINE;
/// One body character, for indents: 16 pt.
const BODY_CHAR: u32 = BODY_SZ * 10;
/// Cell margin, left and right: 0.15 cm (Word's default is 0.19 cm), written out so LibreOffice
/// agrees; a little narrower than the default so the name columns get the width.
const CELL_MARGIN: u32 = 85;
/// Twips per display unit in the table (half a 10.5-pt character: 5.25 pt).
const TABLE_UNIT: u32 = TABLE_SZ * 10 / 2;
/// The narrowest column: two characters and the cell margins.
const MIN_COL: u32 = 4 * TABLE_UNIT + 2 * CELL_MARGIN;
/// 发文机关标志 at most 初号 (42 pt), in half-points.
const MARK_SZ: u32 = 84;
/// 版记 text: 4号 (14 pt), in half-points.
const RECORD_SZ: u32 = 28;
/// 版记 rules, in eighths of a point: thick 0.35 mm (1 pt), thin 0.25 mm (0.75 pt).
const RULE_THICK: u32 = 8;
const RULE_THIN: u32 = 6;
/// The red rule of the 版头: 1 pt, 4 mm (11 pt) under the 发文字号.
const RED_RULE: u32 = 8;
const RED_RULE_SPACE: u32 = 11;
/// A 1-pt paragraph after a table (Word wants one), so that it never adds a page.
const TINY_PARA: &str = "<w:p><w:pPr><w:pStyle w:val=\"TableText\"/><w:spacing w:line=\"20\" w:lineRule=\"exact\"/><w:rPr><w:sz w:val=\"2\"/><w:szCs w:val=\"2\"/></w:rPr></w:pPr></w:p>";

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// Chinese fonts: name, `w:altName`, family, pitch.
const FONTS: [(&str, &str, &str, &str); 5] = [
    ("仿宋_GB2312", "仿宋", "modern", "fixed"),
    ("楷体_GB2312", "楷体", "modern", "fixed"),
    ("黑体", "SimHei", "modern", "fixed"),
    ("方正小标宋简体", "宋体", "roman", "variable"),
    ("宋体", "SimSun", "roman", "variable"),
];
const FANGSONG: &str = FONTS[0].0;
const KAITI: &str = FONTS[1].0;
const HEITI: &str = FONTS[2].0;
const XIAOBIAOSONG: &str = FONTS[3].0;
const SONGTI: &str = FONTS[4].0;

/// The notice as .docx bytes; the same notice always gives the same bytes.
///
/// Text is XML-escaped and characters XML 1.0 forbids are dropped; text never becomes a field
/// code. Punctuation is written as given: run [`crate::domain::text::fullwidth_punct`] first.
pub fn notice_docx(n: &Notice) -> Result<Vec<u8>, GongwenError> {
    let document = document_xml(n)?;
    let core = core_xml(&n.title);
    let parts: [(&str, &str); 11] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("docProps/core.xml", &core),
        ("word/document.xml", &document),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", &styles_xml()),
        ("word/settings.xml", &settings_xml()),
        ("word/fontTable.xml", &font_table_xml()),
        ("word/footer1.xml", &footer_xml(true)),
        ("word/footer2.xml", &footer_xml(false)),
        ("docProps/app.xml", APP),
    ];
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, data) in parts {
        z.start_file(name, opts)?;
        z.write_all(data.as_bytes())?;
    }
    z.finish()?;
    Ok(buf.into_inner())
}

/// Text for an XML element or attribute: escaped, characters XML 1.0 forbids dropped.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| xml_allowed(*c)) {
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

/// One run of text: `\n` becomes a line break, `\t` a tab, `\r` is dropped; empty text, no run.
fn run(text: &str) -> String {
    let text: String = text.chars().filter(|&c| c != '\r').collect();
    if text.is_empty() {
        return String::new();
    }
    let mut out = String::from("<w:r>");
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                out.push_str(&format!("<w:t xml:space=\"preserve\">{}</w:t>", esc(piece)));
            }
        }
    }
    out.push_str("</w:r>");
    out
}

/// A paragraph in a named style; `ppr` is extra paragraph properties in schema order
/// (spacing, ind, jc).
fn para(style: &str, ppr: &str, text: &str) -> String {
    format!(
        "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{ppr}</w:pPr>{}</w:p>",
        run(text)
    )
}

fn document_xml(n: &Notice) -> Result<String, GongwenError> {
    let mut body = n.head.as_ref().map(head_xml).unwrap_or_default();
    // Under a 版头 the title sits two lines under the red rule (GB/T 9704 7.3.1).
    let title_ppr = if n.head.is_some() {
        format!("<w:spacing w:before=\"{}\"/>", 2 * LINE_PITCH)
    } else {
        String::new()
    };
    body.push_str(&para("Title", &title_ppr, &n.title));
    let mut paras: Vec<(&str, &str)> = Vec::new();
    if !n.to.is_empty() {
        paras.push(("Addressee", &n.to));
    }
    paras.extend(n.body.iter().map(|b| match b {
        Block::Heading1(t) => ("Heading1", t.as_str()),
        Block::Heading2(t) => ("Heading2", t.as_str()),
        Block::Heading3(t) => ("Heading3", t.as_str()),
        Block::Heading4(t) => ("Heading4", t.as_str()),
        Block::Body(t) => ("Body", t.as_str()),
        Block::Warning(t) => ("Warning", t.as_str()),
    }));
    if let Some(a) = &n.attachment {
        paras.push(("Attachment", a));
    }
    // 署名 and 日期 never stand alone on a page: the paragraph before them keeps with them.
    let signed = !(n.issuer.is_empty() && n.date.is_empty());
    let last = paras.len().saturating_sub(1);
    for (i, (style, text)) in paras.into_iter().enumerate() {
        let keep = if signed && i == last {
            "<w:keepNext/>"
        } else {
            ""
        };
        body.push_str(&para(style, keep, text));
    }
    body.push_str(&signature_xml(&n.issuer, &n.date));
    if let Some((title, table)) = &n.annex {
        body.push_str(&annex_xml(title, table)?);
    }
    if let Some(r) = &n.record {
        body.push_str(&record_xml(r));
    }
    Ok(format!(
        "{XML_DECL}<w:document xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:body>{body}{}</w:body></w:document>",
        section_xml()
    ))
}

/// 署名 and 成文日期 (GB/T 9704 7.3.5.1): the date four characters from the right, the issuer
/// centred over it (an issuer longer than the date reaches further right, never past the edge).
fn signature_xml(issuer: &str, date: &str) -> String {
    // Widths in half characters (CJK = 2); right indents in hundredths of a character.
    let (iw, dw) = (display_width(issuer) as i64, display_width(date) as i64);
    let date_chars: i64 = if date.is_empty() { 0 } else { 400 };
    let issuer_chars = if date.is_empty() {
        400
    } else {
        (date_chars + (dw - iw) * 25).max(0)
    };
    let ind = |chars: i64| {
        format!(
            "<w:ind w:right=\"{}\" w:rightChars=\"{chars}\"/>",
            chars * BODY_CHAR as i64 / 100
        )
    };
    let mut out = String::new();
    if !issuer.is_empty() {
        let keep = if date.is_empty() { "" } else { "<w:keepNext/>" };
        let spacing = format!("{keep}<w:spacing w:before=\"{LINE_PITCH}\"/>");
        out.push_str(&para("Signature", &(spacing + &ind(issuer_chars)), issuer));
    }
    if !date.is_empty() {
        let spacing = if issuer.is_empty() {
            format!("<w:spacing w:before=\"{LINE_PITCH}\"/>")
        } else {
            String::new()
        };
        out.push_str(&para("Signature", &(spacing + &ind(date_chars)), date));
    }
    out
}

/// 发文机关标志 size in half-points: 初号 (42 pt) when the mark fits one line at that size, else
/// the largest whole size at which it does (GB/T 9704 leaves the size to the issuer, no wider
/// than the text block).
fn mark_size(mark: &str) -> u32 {
    let chars = (display_width(mark) as u32).div_ceil(2).max(1);
    // A character of s half-points is 10·s twips wide; s·10·chars must fit TEXT_W.
    (TEXT_W / (10 * chars)).min(MARK_SZ)
}

/// The 版头: the mark 35 mm under the top of the text block, the 发文字号 two lines under it, and
/// the red rule 4 mm under the number (a bottom border of the number's paragraph).
fn head_xml(h: &Head) -> String {
    let sz = mark_size(&h.mark);
    let mark = format!(
        "<w:p><w:pPr><w:pStyle w:val=\"IssuerMark\"/><w:rPr><w:sz w:val=\"{sz}\"/><w:szCs w:val=\"{sz}\"/></w:rPr></w:pPr>{}</w:p>",
        run(&h.mark).replacen(
            "<w:r>",
            &format!("<w:r><w:rPr><w:sz w:val=\"{sz}\"/><w:szCs w:val=\"{sz}\"/></w:rPr>"),
            1
        )
    );
    let number = para("DocNumber", "", &h.number);
    format!("{mark}{number}")
}

/// The 版记: a one-column table as wide as the text block, floated to the foot of the last
/// page; a thick rule above 抄送, a thin one between the rows, a thick one under the 印发 line.
/// It is placed from the page's left edge at the left margin, not centred in the margins: the
/// same place in Word, and LibreOffice floats a table as wide as the text block only when it is
/// positioned against the page (against the margins it left it in the flow, under the annex).
fn record_xml(r: &Record) -> String {
    let mut s = String::from("<w:tbl><w:tblPr>");
    s.push_str(&format!("<w:tblpPr w:leftFromText=\"0\" w:rightFromText=\"0\" w:vertAnchor=\"margin\" w:horzAnchor=\"page\" w:tblpX=\"{MARGIN_LEFT}\" w:tblpYSpec=\"bottom\"/>"));
    s.push_str(&format!(
        "<w:tblW w:w=\"{TEXT_W}\" w:type=\"dxa\"/><w:tblBorders>"
    ));
    for (side, sz) in [
        ("top", RULE_THICK),
        ("bottom", RULE_THICK),
        ("insideH", RULE_THIN),
    ] {
        s.push_str(&format!(
            "<w:{side} w:val=\"single\" w:sz=\"{sz}\" w:space=\"0\" w:color=\"000000\"/>"
        ));
    }
    s.push_str(&format!(
        "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid><w:gridCol w:w=\"{TEXT_W}\"/></w:tblGrid>"
    ));
    let cell = |p: String| {
        format!(
            "<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w=\"{TEXT_W}\" w:type=\"dxa\"/></w:tcPr>{p}</w:tc></w:tr>"
        )
    };
    if !r.cc.is_empty() {
        s.push_str(&cell(para("RecordCc", "", &format!("抄送：{}", r.cc))));
    }
    let line = format!("{}\t{}", r.printed_by, r.printed_on);
    s.push_str(&cell(para("RecordPrinted", "", &line)));
    s.push_str("</w:tbl>");
    // Word wants a paragraph after a table; 1 pt high, so it never adds a page.
    s.push_str(TINY_PARA);
    s
}

fn section_xml() -> String {
    format!(
        concat!(
            "<w:sectPr>",
            "<w:footerReference w:type=\"default\" r:id=\"rId4\"/>",
            "<w:footerReference w:type=\"even\" r:id=\"rId5\"/>",
            "<w:pgSz w:w=\"{pw}\" w:h=\"{ph}\"/>",
            "<w:pgMar w:top=\"{t}\" w:right=\"{r}\" w:bottom=\"{b}\" w:left=\"{l}\" ",
            "w:header=\"851\" w:footer=\"{f}\" w:gutter=\"0\"/>",
            "<w:pgNumType w:start=\"1\"/>",
            "<w:cols w:space=\"425\"/>",
            "<w:docGrid w:type=\"lines\" w:linePitch=\"{lp}\"/>",
            "</w:sectPr>"
        ),
        pw = PAGE_W,
        ph = PAGE_H,
        t = MARGIN_TOP,
        r = MARGIN_RIGHT,
        b = MARGIN_BOTTOM,
        l = MARGIN_LEFT,
        f = FOOTER_DIST,
        lp = LINE_PITCH,
    )
}

/// "附件" on a new page, the annex title on the third line, then the table.
fn annex_xml(title: &str, t: &AnnexTable) -> Result<String, GongwenError> {
    let widths = column_widths(t)?;
    let mut s = para("AnnexLabel", "", "附件");
    s.push_str(&para("AnnexTitle", "", title));
    s.push_str(&table_xml(t, &widths));
    // Word wants a paragraph after a table; this one is 1 pt high so it never adds a page.
    s.push_str(TINY_PARA);
    Ok(s)
}

/// Display width (CJK = 2) of the widest line of each column, header included.
fn content_units(t: &AnnexTable) -> Vec<u32> {
    let widest = |s: &str| s.split('\n').map(display_width).max().unwrap_or(0) as u32;
    let mut units: Vec<u32> = t.headers.iter().map(|h| widest(h)).collect();
    for row in &t.rows {
        for (u, cell) in units.iter_mut().zip(row) {
            *u = (*u).max(widest(cell));
        }
    }
    units
}

/// Column widths in twips, sized to the content: every column starts as wide as its header
/// (so no heading breaks inside a word) and its widest short cell; then each further character
/// of width goes to the column where it saves the most printed lines over the whole table, so
/// long names and owners get the room and 序号 stays narrow; width no column can use is shared
/// in proportion to the content. The table always spans the text block. When even the headers
/// do not fit, narrow columns keep their width and the wide ones share the rest equally.
fn column_widths(t: &AnnexTable) -> Result<Vec<u32>, GongwenError> {
    let columns = t.headers.len();
    if columns == 0 {
        return Err(GongwenError::NoColumns);
    }
    if columns as u32 * MIN_COL > TEXT_W {
        let max = (TEXT_W / MIN_COL) as usize;
        return Err(GongwenError::TooManyColumns { columns, max });
    }
    if let Some((i, r)) = t.rows.iter().enumerate().find(|(_, r)| r.len() != columns) {
        let cells = r.len();
        return Err(GongwenError::RaggedRow {
            row: i + 1,
            cells,
            columns,
        });
    }
    // Text width available, in half characters of the table's size.
    let room = (TEXT_W - columns as u32 * 2 * CELL_MARGIN) / TABLE_UNIT;
    let start: Vec<u32> = (0..columns).map(|c| start_units(t, c)).collect();
    if start.iter().sum::<u32>() > room {
        let need: Vec<u32> = content_units(t)
            .iter()
            .map(|&u| (u.min(TEXT_W / TABLE_UNIT) + 1) * TABLE_UNIT + 2 * CELL_MARGIN)
            .map(|w| w.max(MIN_COL))
            .collect();
        return Ok(fit_widths(&need, TEXT_W));
    }
    let lines = Lines::new(t, room);
    let mut units = lines.fewest_lines_per_row(&start, room);
    lines.widen(&mut units, room);
    lines.rebalance(&mut units, &start);
    let need: Vec<u32> = units
        .iter()
        .map(|&u| u * TABLE_UNIT + 2 * CELL_MARGIN)
        .collect();
    Ok(fit_widths(&need, TEXT_W))
}

/// Lines each cell (header included) takes at each width up to the room, so that the search
/// for widths can count a whole table's printed lines cheaply.
struct Lines {
    /// `at[c][r][w]`: lines of column c, row r (0 = header) at w half characters.
    at: Vec<Vec<Vec<u32>>>,
}

impl Lines {
    fn new(t: &AnnexTable, room: u32) -> Lines {
        let rows: Vec<&Vec<String>> = std::iter::once(&t.headers).chain(&t.rows).collect();
        let at = (0..t.headers.len())
            .map(|c| {
                rows.iter()
                    .map(|r| (0..=room).map(|w| cell_lines(&r[c], w.max(2))).collect())
                    .collect()
            })
            .collect();
        Lines { at }
    }

    /// Printed lines of the table: each row as tall as its tallest cell.
    fn total(&self, units: &[u32]) -> u32 {
        (0..self.at[0].len())
            .map(|r| {
                (0..units.len())
                    .map(|c| self.at[c][r][units[c] as usize])
                    .max()
                    .unwrap_or(1)
            })
            .sum()
    }

    /// The narrowest widths (from `start`) at which no row takes more than k lines, for the
    /// smallest k that fits the room.
    fn fewest_lines_per_row(&self, start: &[u32], room: u32) -> Vec<u32> {
        for k in 1..=8 {
            let units: Vec<u32> = (0..start.len())
                .map(|c| {
                    let fits = |w: u32| self.at[c].iter().all(|l| l[w as usize] <= k);
                    (start[c]..=room).find(|&w| fits(w)).unwrap_or(room)
                })
                .collect();
            if units.iter().sum::<u32>() <= room {
                return units;
            }
        }
        start.to_vec()
    }

    /// Give the spare width, a character at a time or a few at once, to the column where it
    /// saves the most lines per character, while any saves a line.
    fn widen(&self, units: &mut [u32], room: u32) {
        loop {
            let spare = room - units.iter().sum::<u32>();
            let now = self.total(units);
            let mut best: Option<(u32, u32, usize, u32)> = None; // (saved, chars, column, add)
            for c in 0..units.len() {
                for chars in 1..=(spare / 2).min(12) {
                    let mut wider = units.to_vec();
                    wider[c] += 2 * chars;
                    let saved = now.saturating_sub(self.total(&wider));
                    // Compare saved/chars without division: a·d > b·c.
                    let better = best.is_none_or(|(s, ch, _, _)| saved * ch > s * chars);
                    if saved > 0 && better {
                        best = Some((saved, chars, c, 2 * chars));
                    }
                }
            }
            let Some((_, _, c, add)) = best else { return };
            units[c] += add;
        }
    }

    /// Move width between columns while that saves lines (never below a column's start).
    fn rebalance(&self, units: &mut [u32], start: &[u32]) {
        for _ in 0..200 {
            let now = self.total(units);
            let mut moved = false;
            'search: for from in 0..units.len() {
                for to in (0..units.len()).filter(|&to| to != from) {
                    for chars in 1..=4 {
                        let step = 2 * chars;
                        if units[from] < start[from] + step {
                            break;
                        }
                        let mut next = units.to_vec();
                        next[from] -= step;
                        next[to] += step;
                        if self.total(&next) < now {
                            units.copy_from_slice(&next);
                            moved = true;
                            break 'search;
                        }
                    }
                }
            }
            if !moved {
                return;
            }
        }
    }
}

/// A column's starting width in half characters: its header on one line, and its cells when
/// they are short (up to five characters: 序号, 类型 such as 移动客户端, a city), at least two
/// characters.
fn start_units(t: &AnnexTable, c: usize) -> u32 {
    let short = t
        .rows
        .iter()
        .map(|r| print_units(&r[c]))
        .filter(|&u| u <= 10)
        .max()
        .unwrap_or(0);
    print_units(&t.headers[c]).max(short).max(4)
}

/// Width in half characters as a CJK font sets the text: ideographs, full-width punctuation
/// and the curly quotes of Chinese text take two, digits and Latin letters one.
fn char_units(c: char) -> u32 {
    if matches!(c, '“' | '”' | '‘' | '’' | '—' | '…') {
        2
    } else {
        display_width(c.encode_utf8(&mut [0; 4])) as u32
    }
}

/// The widest line of a cell, in half characters.
fn print_units(text: &str) -> u32 {
    text.split('\n')
        .map(|l| l.chars().map(char_units).sum())
        .max()
        .unwrap_or(0)
}

/// Lines a cell takes at `width` half characters, filling each line character by character.
fn cell_lines(text: &str, width: u32) -> u32 {
    let mut lines = 0;
    for line in text.split('\n') {
        let (mut n, mut used) = (1, 0);
        for c in line.chars().map(char_units) {
            if used + c > width && used > 0 {
                n += 1;
                used = 0;
            }
            used += c;
        }
        lines += n;
    }
    lines
}

/// Widths that add up to `total` (see [`column_widths`]); ties go to the leftmost column.
fn fit_widths(need: &[u32], total: u32) -> Vec<u32> {
    let sum: u64 = need.iter().map(|&n| n as u64).sum();
    let mut w: Vec<u32>;
    if sum <= total as u64 {
        w = need
            .iter()
            .map(|&n| (n as u64 * total as u64 / sum) as u32)
            .collect();
    } else {
        let mut order: Vec<usize> = (0..need.len()).collect();
        order.sort_by_key(|&i| (need[i], i));
        let (mut left, mut k) = (total, need.len() as u32);
        w = vec![0; need.len()];
        for &i in &order {
            let share = left / k;
            w[i] = need[i].min(share);
            left -= w[i];
            k -= 1;
        }
    }
    let short = total - w.iter().sum::<u32>();
    for i in 0..short as usize {
        let n = w.len();
        w[i % n] += 1;
    }
    w
}

fn table_xml(t: &AnnexTable, widths: &[u32]) -> String {
    let units = content_units(t);
    let mut s = String::from("<w:tbl><w:tblPr>");
    s.push_str(&format!(
        "<w:tblW w:w=\"{TEXT_W}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>"
    ));
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        s.push_str(&format!(
            "<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
        ));
    }
    s.push_str(&format!(
        "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"{CELL_MARGIN}\" w:type=\"dxa\"/><w:right w:w=\"{CELL_MARGIN}\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>"
    ));
    for w in widths {
        s.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    s.push_str("</w:tblGrid>");
    s.push_str(&row_xml(&t.headers, widths, |_| "TableHeader", true));
    // Columns wider than four characters are set flush left, the rest centred.
    let style = |c: usize| {
        if units[c] > 8 {
            "TableTextWide"
        } else {
            "TableText"
        }
    };
    for r in &t.rows {
        s.push_str(&row_xml(r, widths, style, false));
    }
    s.push_str("</w:tbl>");
    s
}

/// One table row: never split across pages; the header row repeats on every page.
fn row_xml(
    cells: &[String],
    widths: &[u32],
    style: impl Fn(usize) -> &'static str,
    header: bool,
) -> String {
    let mut s = String::from("<w:tr><w:trPr><w:cantSplit/>");
    if header {
        s.push_str("<w:tblHeader/>");
    }
    s.push_str("</w:trPr>");
    for (c, (text, w)) in cells.iter().zip(widths).enumerate() {
        s.push_str(&format!(
            "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>{}</w:tc>",
            para(style(c), "", text)
        ));
    }
    s.push_str("</w:tr>");
    s
}

/// A footer with "— PAGE —": odd pages right-aligned, even pages left-aligned (each one
/// character in, per its style).
fn footer_xml(odd: bool) -> String {
    let style = if odd { "FooterOdd" } else { "FooterEven" };
    let field = concat!(
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>",
        "<w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>",
        "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>",
        "<w:r><w:t>1</w:t></w:r>",
        "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
    );
    format!(
        "{XML_DECL}<w:ftr xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{}{field}{}</w:p></w:ftr>",
        run("— "),
        run(" —")
    )
}

/// Run properties: fonts (Chinese in `eastAsia`, Latin and digits in `latin`), size, extras
/// (`<w:b/>`, `<w:color/>`) in schema order between fonts and size.
fn rpr(east_asia: &str, latin: &str, sz: u32, extra: &str) -> String {
    format!(
        concat!(
            "<w:rPr><w:rFonts w:ascii=\"{l}\" w:hAnsi=\"{l}\" w:eastAsia=\"{ea}\" w:cs=\"{l}\" w:hint=\"eastAsia\"/>",
            "{x}<w:sz w:val=\"{sz}\"/><w:szCs w:val=\"{sz}\"/></w:rPr>"
        ),
        l = latin,
        ea = east_asia,
        x = extra,
        sz = sz,
    )
}

/// A paragraph style; `parent` "" for none; `ppr` in schema order.
fn style(id: &str, name: &str, parent: &str, ppr: &str, rpr: &str) -> String {
    let based = if parent.is_empty() {
        String::new()
    } else {
        format!("<w:basedOn w:val=\"{parent}\"/>")
    };
    let default = if id == "Normal" {
        " w:default=\"1\""
    } else {
        ""
    };
    format!(
        "<w:style w:type=\"paragraph\"{default} w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>{based}<w:qFormat/><w:pPr>{ppr}</w:pPr>{rpr}</w:style>"
    )
}

/// `w:spacing`: space before and after, and an exact line height; 0 leaves one out.
fn spacing(before: u32, after: u32, line: u32) -> String {
    let mut s = String::from("<w:spacing");
    if before > 0 {
        s.push_str(&format!(" w:before=\"{before}\""));
    }
    if after > 0 {
        s.push_str(&format!(" w:after=\"{after}\""));
    }
    if line > 0 {
        s.push_str(&format!(" w:line=\"{line}\" w:lineRule=\"exact\""));
    }
    s.push_str("/>");
    s
}

fn jc(v: &str) -> String {
    format!("<w:jc w:val=\"{v}\"/>")
}

/// Off the document grid: for text not in 3号 (a 22-pt title on a 16-pt character grid would
/// take two grid cells a character).
const NO_GRID: &str = "<w:snapToGrid w:val=\"0\"/>";
const TNR: &str = "Times New Roman";

/// The 版头 (mark and 发文字号) and the 版记 (抄送 and 印发 rows).
fn head_record_styles() -> [String; 4] {
    let red = "<w:color w:val=\"FF0000\"/>";
    // 35 mm (1984 twips) under the top of the text block; single line height, as the mark is
    // larger than the grid's line.
    let mark = format!(
        "{NO_GRID}<w:spacing w:before=\"1984\" w:line=\"240\" w:lineRule=\"auto\"/>{}",
        jc("center")
    );
    let number = format!(
        "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"{RED_RULE}\" w:space=\"{RED_RULE_SPACE}\" w:color=\"FF0000\"/></w:pBdr><w:spacing w:before=\"{}\"/>{}",
        2 * LINE_PITCH,
        jc("center")
    );
    let one = RECORD_SZ * 10;
    let record_line =
        "<w:spacing w:before=\"60\" w:after=\"60\" w:line=\"400\" w:lineRule=\"exact\"/>";
    // "抄送：" then names; a wrapped line starts under the first name (hanging three characters).
    let cc = format!(
        "{NO_GRID}{record_line}<w:ind w:left=\"{}\" w:right=\"{one}\" w:hanging=\"{}\"/>{}",
        4 * one,
        3 * one,
        jc("left")
    );
    let printed = format!(
        "{NO_GRID}<w:tabs><w:tab w:val=\"right\" w:pos=\"{}\"/></w:tabs>{record_line}<w:ind w:left=\"{one}\" w:right=\"{one}\"/>{}",
        TEXT_W - one,
        jc("left")
    );
    let small = rpr(FANGSONG, TNR, RECORD_SZ, "");
    [
        style(
            "IssuerMark",
            "发文机关标志",
            "Normal",
            &mark,
            &rpr(XIAOBIAOSONG, TNR, MARK_SZ, red),
        ),
        style(
            "DocNumber",
            "发文字号",
            "Normal",
            &number,
            &rpr(FANGSONG, TNR, BODY_SZ, ""),
        ),
        style("RecordCc", "抄送", "Normal", &cc, &small),
        style(
            "RecordPrinted",
            "印发机关和日期",
            "Normal",
            &printed,
            &small,
        ),
    ]
}

/// Title, addressee, body and headings.
fn text_styles() -> [String; 9] {
    let body = rpr(FANGSONG, TNR, BODY_SZ, "");
    let title = format!(
        "{NO_GRID}{}{}<w:outlineLvl w:val=\"0\"/>",
        spacing(0, LINE_PITCH, LINE_PITCH),
        jc("center")
    );
    let normal = format!("{}{}", spacing(0, 0, LINE_PITCH), jc("both"));
    let indent = format!(
        "<w:ind w:firstLineChars=\"200\" w:firstLine=\"{}\"/>",
        2 * BODY_CHAR
    );
    let heading = |level: u32| format!("<w:keepNext/><w:outlineLvl w:val=\"{level}\"/>");
    let red = "<w:b/><w:bCs/><w:color w:val=\"FF0000\"/>";
    [
        style("Normal", "Normal", "", &normal, &body),
        style(
            "Title",
            "Title",
            "Normal",
            &title,
            &rpr(XIAOBIAOSONG, TNR, TITLE_SZ, ""),
        ),
        style("Addressee", "主送机关", "Normal", "", &body),
        style("Body", "Body Text", "Normal", &indent, &body),
        style(
            "Heading1",
            "heading 1",
            "Body",
            &heading(1),
            &rpr(HEITI, TNR, BODY_SZ, ""),
        ),
        style(
            "Heading2",
            "heading 2",
            "Body",
            &heading(2),
            &rpr(KAITI, TNR, BODY_SZ, ""),
        ),
        style(
            "Heading3",
            "heading 3",
            "Body",
            &heading(3),
            &rpr(FANGSONG, TNR, BODY_SZ, ""),
        ),
        style(
            "Heading4",
            "heading 4",
            "Body",
            &heading(4),
            &rpr(FANGSONG, TNR, BODY_SZ, ""),
        ),
        style(
            "Warning",
            "提示",
            "Body",
            "",
            &rpr(FANGSONG, TNR, BODY_SZ, red),
        ),
    ]
}

/// 附件说明, 署名 and 日期, and the annex's label and title.
fn closing_styles() -> [String; 4] {
    let body = rpr(FANGSONG, TNR, BODY_SZ, "");
    // "附件：" two characters in; a wrapped name lines up under its first character.
    let attachment = format!(
        "{}<w:ind w:leftChars=\"500\" w:left=\"{}\" w:hangingChars=\"300\" w:hanging=\"{}\"/>",
        spacing(LINE_PITCH, 0, 0),
        5 * BODY_CHAR,
        3 * BODY_CHAR
    );
    // Third line of the page: one blank line under "附件".
    let annex_title = format!(
        "<w:keepNext/>{NO_GRID}{}{}",
        spacing(LINE_PITCH, LINE_PITCH, LINE_PITCH),
        jc("center")
    );
    let label = "<w:keepNext/><w:pageBreakBefore/>";
    [
        style("Attachment", "附件说明", "Normal", &attachment, &body),
        style("Signature", "署名日期", "Normal", &jc("right"), &body),
        style(
            "AnnexLabel",
            "附件标识",
            "Normal",
            label,
            &rpr(HEITI, TNR, BODY_SZ, ""),
        ),
        style(
            "AnnexTitle",
            "附件标题",
            "Title",
            &annex_title,
            &rpr(XIAOBIAOSONG, TNR, TITLE_SZ, ""),
        ),
    ]
}

/// Table cells and the page-number footers.
fn table_footer_styles() -> [String; 5] {
    let cell = format!("{NO_GRID}{}{}", spacing(0, 0, TABLE_LINE), jc("center"));
    let small = rpr(FANGSONG, TNR, TABLE_SZ, "");
    let one_char = PAGE_NUM_SZ * 10;
    let odd = format!(
        "{NO_GRID}{}<w:ind w:right=\"{one_char}\"/>{}",
        spacing(0, 0, FOOTER_LINE),
        jc("right")
    );
    let even = format!("<w:ind w:left=\"{one_char}\" w:right=\"0\"/>{}", jc("left"));
    // 4号 half-width 宋体 digits (GB/T 9704 7.5): Latin slots in 宋体 too.
    let page_num = rpr(SONGTI, SONGTI, PAGE_NUM_SZ, "");
    [
        style("TableText", "表格文字", "Normal", &cell, &small),
        style(
            "TableTextWide",
            "表格文字居左",
            "TableText",
            &jc("left"),
            &small,
        ),
        style(
            "TableHeader",
            "表头",
            "TableText",
            "<w:keepNext/>",
            &rpr(HEITI, TNR, TABLE_SZ, ""),
        ),
        style("FooterOdd", "footer", "Normal", &odd, &page_num),
        style("FooterEven", "footer even", "FooterOdd", &even, &page_num),
    ]
}

fn styles_xml() -> String {
    let condense = format!("<w:spacing w:val=\"{CONDENSE}\"/>");
    let defaults = rpr(FANGSONG, TNR, BODY_SZ, &condense).replace(
        "</w:rPr>",
        "<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr>",
    );
    // No widow control and no automatic CJK/Latin spacing: both would move text off the grid.
    let ppr = format!(
        "<w:widowControl w:val=\"0\"/><w:autoSpaceDE w:val=\"0\"/><w:autoSpaceDN w:val=\"0\"/>{}{}",
        spacing(0, 0, LINE_PITCH),
        jc("both")
    );
    format!(
        "{XML_DECL}<w:styles xmlns:w=\"{W_NS}\"><w:docDefaults><w:rPrDefault>{defaults}</w:rPrDefault><w:pPrDefault><w:pPr>{ppr}</w:pPr></w:pPrDefault></w:docDefaults>{}{}{}{}</w:styles>",
        text_styles().concat(),
        head_record_styles().concat(),
        closing_styles().concat(),
        table_footer_styles().concat(),
    )
}

fn settings_xml() -> String {
    format!(
        concat!(
            "{XML_DECL}<w:settings xmlns:w=\"{W_NS}\"><w:zoom w:percent=\"100\"/>",
            "<w:defaultTabStop w:val=\"{tab}\"/><w:evenAndOddHeaders/>",
            "<w:characterSpacingControl w:val=\"doNotCompress\"/><w:compat>",
            "<w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/>",
            "</w:compat><w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:settings>"
        ),
        XML_DECL = XML_DECL,
        W_NS = W_NS,
        tab = 2 * BODY_CHAR,
    )
}

fn font_table_xml() -> String {
    let mut s = format!("{XML_DECL}<w:fonts xmlns:w=\"{W_NS}\">");
    s.push_str("<w:font w:name=\"Times New Roman\"><w:panose1 w:val=\"02020603050405020304\"/><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font>");
    for (name, alt, family, pitch) in FONTS {
        s.push_str(&format!(
            "<w:font w:name=\"{name}\"><w:altName w:val=\"{alt}\"/><w:charset w:val=\"86\"/><w:family w:val=\"{family}\"/><w:pitch w:val=\"{pitch}\"/></w:font>"
        ));
    }
    s.push_str("</w:fonts>");
    s
}

fn core_xml(title: &str) -> String {
    format!(
        concat!(
            "{XML_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" ",
            "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{t}</dc:title><dc:creator>audit</dc:creator>",
            "<dc:language>zh-CN</dc:language></cp:coreProperties>"
        ),
        XML_DECL = XML_DECL,
        t = esc(&title.replace('\n', "")),
    )
}

const CONTENT_TYPES: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">",
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>",
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>",
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>",
    "<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>",
    "<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>",
    "<Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>",
    "<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>",
    "<Override PartName=\"/word/footer2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>",
    "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>",
    "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>",
    "</Types>"
);

const ROOT_RELS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>",
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>",
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>",
    "</Relationships>"
);

/// rId4 and rId5 are the footers that the section names.
const DOCUMENT_RELS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>",
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>",
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/>",
    "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>",
    "<Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer2.xml\"/>",
    "</Relationships>"
);

const APP: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">",
    "<Application>audit</Application></Properties>"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::fullwidth_punct;
    use std::io::Read;

    fn part(bytes: &[u8], name: &str) -> String {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    fn names(bytes: &[u8]) -> Vec<String> {
        let z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        z.file_names().map(str::to_string).collect()
    }

    /// The value of `name` on the first `<tag` element in `xml`.
    fn attr(xml: &str, tag: &str, name: &str) -> String {
        let start = xml
            .match_indices(&format!("<{tag}"))
            .map(|(i, _)| i)
            .find(|&i| matches!(xml.as_bytes()[i + tag.len() + 1], b' ' | b'/' | b'>'))
            .unwrap_or_else(|| panic!("no <{tag}>"));
        let el = &xml[start..start + xml[start..].find('>').unwrap()];
        let key = format!(" {name}=\"");
        let v = &el[el
            .find(&key)
            .unwrap_or_else(|| panic!("{tag} lacks {name}: {el}"))
            + key.len()..];
        v[..v.find('"').unwrap()].to_string()
    }

    /// The `<w:style>` element whose id is `id`.
    fn style_el<'a>(styles: &'a str, id: &str) -> &'a str {
        let i = styles
            .find(&format!("w:styleId=\"{id}\""))
            .unwrap_or_else(|| panic!("no style {id}"));
        let from = styles[..i].rfind("<w:style ").unwrap();
        &styles[from..i + styles[i..].find("</w:style>").unwrap()]
    }

    /// Every part parses as XML, with only characters XML 1.0 allows and known entities.
    fn assert_well_formed(bytes: &[u8]) {
        use quick_xml::events::Event;
        for name in names(bytes) {
            let xml = part(bytes, &name);
            assert!(xml.chars().all(xml_allowed), "{name}: forbidden character");
            let mut r = quick_xml::Reader::from_str(&xml);
            loop {
                match r.read_event() {
                    Ok(Event::Eof) => break,
                    Ok(Event::GeneralRef(e)) => {
                        let n = e.decode().unwrap();
                        assert!(
                            matches!(&*n, "amp" | "lt" | "gt" | "quot" | "apos"),
                            "{name}: &{n};"
                        );
                    }
                    Ok(Event::Start(e) | Event::Empty(e)) => {
                        for a in e.attributes() {
                            a.unwrap().decode_and_unescape_value(r.decoder()).unwrap();
                        }
                    }
                    Ok(_) => {}
                    Err(e) => panic!("{name}: {e} at {}", r.buffer_position()),
                }
            }
        }
    }

    /// The text of every `<w:t>`, unescaped.
    fn texts(xml: &str) -> Vec<String> {
        xml.match_indices("<w:t")
            .map(|(i, _)| &xml[i + 4..])
            .filter(|s| s.starts_with(' ') || s.starts_with('>'))
            .map(|s| {
                let body = &s[s.find('>').unwrap() + 1..s.find("</w:t>").unwrap()];
                quick_xml::escape::unescape(body).unwrap().into_owned()
            })
            .collect()
    }

    fn annex(rows: usize) -> AnnexTable {
        let headers = ["序号", "地区/部门", "名称", "类型", "开设主体", "存在问题"];
        AnnexTable {
            headers: headers.iter().map(|s| s.to_string()).collect(),
            rows: (1..=rows)
                .map(|i| {
                    vec![
                        i.to_string(),
                        "连云港市".into(),
                        format!("连云港市海州区某某街道办事处政务服务{i}号"),
                        "微信".into(),
                        "连云港市海州区人民政府某某街道办事处".into(),
                        "未在规定时限内做出有效回复".into(),
                    ]
                })
                .collect(),
        }
    }

    /// A short notice in the seed's words, punctuation made full-width as callers do.
    fn sample() -> Notice {
        let f = |s: &str| fullwidth_punct(s);
        Notice {
            head: None,
            record: None,
            title: f("省政府办公厅关于2020年第一季度全省政务新媒体检查抽查情况的通报"),
            to: f("各设区市人民政府,省各有关部门和单位:"),
            body: vec![
                Block::Body(f("根据《国务院办公厅关于推进政务新媒体健康有序发展的意见》(国办发〔2018〕123号)要求,现将检查抽查情况通报如下.")),
                Block::Heading1(f("一、总体情况")),
                Block::Heading2(f("(一)抽查情况")),
                Block::Body(f("本次共选取219个政务新媒体进行检查抽查,全省政务新媒体总体合格率为90%.结合整治\"指尖上的形式主义\"部署要求,对\"僵尸\"\"睡眠\"账号予以关停.")),
                Block::Warning(f("草稿:数据未经核对,请勿外发!")),
            ],
            attachment: Some(f("附件:2020年第一季度检查抽查存在\"单项否决\"问题的政务新媒体名单")),
            issuer: "江苏省人民政府办公厅".into(),
            date: "2020年4月1日".into(),
            annex: Some((f("2020年第一季度检查抽查存在\"单项否决\"问题的政务新媒体名单"), annex(3))),
        }
    }

    #[test]
    fn geometry_arithmetic() {
        let twips = |tenth_mm: u32| (tenth_mm as f64 / 254.0 * 1440.0).round() as u32;
        assert_eq!((PAGE_W, PAGE_H), (twips(2100), twips(2970)));
        assert_eq!(MARGIN_TOP, twips(370));
        assert_eq!(TEXT_W, twips(1560));
        assert_eq!(TEXT_H, twips(2250));
        assert_eq!(MARGIN_RIGHT, twips(260));
        assert_eq!(MARGIN_BOTTOM, twips(350));
        assert_eq!(MARGIN_LEFT.abs_diff(twips(280)), 1);
        assert_eq!(LINE_PITCH, 579);
        const { assert!(LINES * LINE_PITCH <= TEXT_H && LINES * (LINE_PITCH + 1) > TEXT_H) };
        assert_eq!(CHAR_SPACE, -849);
        // Pitch in 1/4096 pt: 28 of them fit 156 mm, and 28 of the next one up would not.
        let pitch = (BODY_SZ as i64 / 2) * 4096 + CHAR_SPACE;
        assert!(CHARS * pitch * 20 <= TEXT_W as i64 * 4096);
        assert!(CHARS * (pitch + 1) * 20 > TEXT_W as i64 * 4096);
        assert_eq!(CONDENSE, -5);
        let condensed = (BODY_SZ as i64 / 2) * 20 + CONDENSE;
        assert!(CHARS * condensed <= TEXT_W as i64 && (CHARS + 1) * condensed > TEXT_W as i64);
        assert_eq!(FOOTER_DIST, 1267);
    }

    #[test]
    fn page_size_margins_and_grid() {
        let doc = part(&notice_docx(&sample()).unwrap(), "word/document.xml");
        assert_eq!(attr(&doc, "w:pgSz", "w:w"), "11906");
        assert_eq!(attr(&doc, "w:pgSz", "w:h"), "16838");
        for (side, v) in [
            ("top", "2098"),
            ("left", "1588"),
            ("right", "1474"),
            ("bottom", "1984"),
        ] {
            assert_eq!(attr(&doc, "w:pgMar", &format!("w:{side}")), v, "{side}");
        }
        assert_eq!(attr(&doc, "w:docGrid", "w:type"), "lines");
        assert_eq!(attr(&doc, "w:docGrid", "w:linePitch"), "579");
        let styles = part(&notice_docx(&sample()).unwrap(), "word/styles.xml");
        let normal = style_el(&styles, "Normal");
        assert!(normal.contains("w:default=\"1\""));
        assert_eq!(attr(normal, "w:spacing", "w:line"), "579");
        assert_eq!(attr(normal, "w:spacing", "w:lineRule"), "exact");
        assert_eq!(
            attr(normal, "w:sz", "w:val"),
            "32",
            "charSpace is relative to Normal's size"
        );
    }

    #[test]
    fn fonts_and_sizes_per_style() {
        let bytes = notice_docx(&sample()).unwrap();
        let styles = part(&bytes, "word/styles.xml");
        for (id, font, sz) in [
            ("Title", "方正小标宋简体", "44"),
            ("Body", "仿宋_GB2312", "32"),
            ("Addressee", "仿宋_GB2312", "32"),
            ("Heading1", "黑体", "32"),
            ("Heading2", "楷体_GB2312", "32"),
            ("Warning", "仿宋_GB2312", "32"),
            ("Attachment", "仿宋_GB2312", "32"),
            ("Signature", "仿宋_GB2312", "32"),
            ("AnnexLabel", "黑体", "32"),
            ("AnnexTitle", "方正小标宋简体", "44"),
            ("TableText", "仿宋_GB2312", "21"),
            ("TableHeader", "黑体", "21"),
            ("FooterOdd", "宋体", "28"),
            ("FooterEven", "宋体", "28"),
        ] {
            let s = style_el(&styles, id);
            assert_eq!(attr(s, "w:rFonts", "w:eastAsia"), font, "{id}");
            assert_eq!(attr(s, "w:sz", "w:val"), sz, "{id}");
            let latin = if id.starts_with("Footer") {
                "宋体"
            } else {
                "Times New Roman"
            };
            assert_eq!(attr(s, "w:rFonts", "w:ascii"), latin, "{id}");
            assert_eq!(attr(s, "w:rFonts", "w:hAnsi"), latin, "{id}");
        }
        assert_eq!(attr(style_el(&styles, "Title"), "w:jc", "w:val"), "center");
        assert_eq!(
            attr(style_el(&styles, "Body"), "w:ind", "w:firstLineChars"),
            "200"
        );
        for h in ["Heading1", "Heading2", "Warning"] {
            // Indented like the body, from which they inherit.
            assert!(
                style_el(&styles, h).contains("<w:basedOn w:val=\"Body\"/>"),
                "{h}"
            );
        }
        let warning = style_el(&styles, "Warning");
        assert!(warning.contains("<w:b/>") && warning.contains("w:color w:val=\"FF0000\""));
    }

    #[test]
    fn every_run_gets_its_fonts_from_a_style_and_the_font_table_has_fallbacks() {
        let bytes = notice_docx(&sample()).unwrap();
        let styles = part(&bytes, "word/styles.xml");
        // Every style sets eastAsia; every paragraph names a defined style; runs carry no
        // formatting of their own, so each run's fonts come from its paragraph's style.
        let all: Vec<&str> = styles.split("<w:style ").skip(1).collect();
        assert_eq!(all.len(), 22);
        for s in all {
            assert!(!attr(s, "w:rFonts", "w:eastAsia").is_empty(), "{s}");
        }
        for name in ["word/document.xml", "word/footer1.xml", "word/footer2.xml"] {
            let xml = part(&bytes, name);
            assert_eq!(
                xml.matches("<w:p>").count(),
                xml.matches("<w:pStyle ").count(),
                "{name}"
            );
            for id in xml
                .split("<w:pStyle w:val=\"")
                .skip(1)
                .map(|s| &s[..s.find('"').unwrap()])
            {
                style_el(&styles, id);
            }
            // Runs carry no fonts of their own (the 版头's mark sets only its size).
            assert!(!xml.contains("<w:r><w:rPr><w:rFonts"), "{name}");
        }
        let fonts = part(&bytes, "word/fontTable.xml");
        for (name, alt) in [
            ("仿宋_GB2312", "仿宋"),
            ("黑体", "SimHei"),
            ("楷体_GB2312", "楷体"),
            ("方正小标宋简体", "宋体"),
            ("宋体", "SimSun"),
        ] {
            let el = format!("<w:font w:name=\"{name}\"><w:altName w:val=\"{alt}\"/>");
            assert!(fonts.contains(&el), "{el}");
        }
    }

    #[test]
    fn footers_carry_a_page_field_odd_right_even_left() {
        let bytes = notice_docx(&sample()).unwrap();
        for (name, style, jc) in [
            ("word/footer1.xml", "FooterOdd", "right"),
            ("word/footer2.xml", "FooterEven", "left"),
        ] {
            let f = part(&bytes, name);
            assert!(
                f.contains(&format!("<w:pStyle w:val=\"{style}\"/>")),
                "{name}"
            );
            let field = f
                .find("<w:fldChar w:fldCharType=\"begin\"/>")
                .expect("field begin");
            let instr = f
                .find("<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>")
                .expect("PAGE");
            let end = f
                .find("<w:fldChar w:fldCharType=\"end\"/>")
                .expect("field end");
            assert!(field < instr && instr < end);
            assert_eq!(texts(&f), ["— ", "1", " —"]);
            let styles = part(&bytes, "word/styles.xml");
            assert_eq!(attr(style_el(&styles, style), "w:jc", "w:val"), jc);
        }
        assert!(part(&bytes, "word/settings.xml").contains("<w:evenAndOddHeaders/>"));
        let doc = part(&bytes, "word/document.xml");
        assert!(doc.contains("<w:footerReference w:type=\"default\" r:id=\"rId4\"/>"));
        assert!(doc.contains("<w:footerReference w:type=\"even\" r:id=\"rId5\"/>"));
        let rels = part(&bytes, "word/_rels/document.xml.rels");
        assert!(rels.contains("Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\""));
        assert!(rels.contains("Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer2.xml\""));
    }

    #[test]
    fn every_part_is_there_and_declared() {
        let bytes = notice_docx(&sample()).unwrap();
        let names = names(&bytes);
        assert_eq!(names[0], "[Content_Types].xml");
        let types = part(&bytes, "[Content_Types].xml");
        for p in [
            "word/document.xml",
            "word/styles.xml",
            "word/settings.xml",
            "word/fontTable.xml",
            "word/footer1.xml",
            "word/footer2.xml",
            "docProps/core.xml",
        ] {
            assert!(names.iter().any(|n| n == p), "{p}");
            assert!(types.contains(&format!("PartName=\"/{p}\"")), "{p}");
        }
        assert!(names.iter().any(|n| n == "_rels/.rels"));
        assert!(names.iter().any(|n| n == "word/_rels/document.xml.rels"));
        assert_well_formed(&bytes);
    }

    #[test]
    fn annex_header_repeats_and_rows_never_split() {
        let doc = part(&notice_docx(&sample()).unwrap(), "word/document.xml");
        let rows: Vec<&str> = doc.split("<w:tr>").skip(1).collect();
        assert_eq!(rows.len(), 4);
        assert!(rows.iter().all(|r| r.starts_with("<w:trPr><w:cantSplit/>")));
        assert!(rows[0].contains("<w:tblHeader/>"));
        assert!(rows[1..].iter().all(|r| !r.contains("<w:tblHeader/>")));
        assert_eq!(doc.matches("<w:tblHeader/>").count(), 1);
        assert!(doc.contains("<w:tblLayout w:type=\"fixed\"/>"));
        assert!(doc.contains("<w:insideH w:val=\"single\""));
    }

    fn grid(doc: &str) -> Vec<u32> {
        doc.split("<w:gridCol w:w=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
            .collect()
    }

    #[test]
    fn columns_are_sized_to_their_content() {
        let doc = part(&notice_docx(&sample()).unwrap(), "word/document.xml");
        let w = grid(&doc);
        assert_eq!(w.len(), 6);
        assert!(w.iter().sum::<u32>() <= TEXT_W);
        // 序号 and 类型 are narrow, 名称 and 开设主体 wide.
        assert!(w[0] < w[2] && w[3] < w[2] && w[3] < w[4], "{w:?}");
        assert!(w.iter().all(|&x| x >= MIN_COL), "{w:?}");
        // Every cell is as wide as its column.
        for (i, x) in w.iter().enumerate() {
            assert!(
                doc.contains(&format!("<w:tcW w:w=\"{x}\" w:type=\"dxa\"/>")),
                "column {i}"
            );
        }
    }

    #[test]
    fn narrow_columns_keep_their_width_and_wide_ones_share_the_rest() {
        let need = [816, 1176, 6000, 816, 5000, 3000];
        let w = fit_widths(&need, TEXT_W);
        assert_eq!(w.iter().sum::<u32>(), TEXT_W);
        assert_eq!((w[0], w[1], w[3]), (816, 1176, 816), "{w:?}");
        assert!(
            w[2].abs_diff(w[4]) <= 1 && w[4].abs_diff(w[5]) <= 1,
            "{w:?}"
        );
        let w = fit_widths(&[1000, 2000], TEXT_W);
        assert_eq!(w, [2948, 5896]);
    }

    #[test]
    fn annex_starts_on_a_new_page() {
        let bytes = notice_docx(&sample()).unwrap();
        let styles = part(&bytes, "word/styles.xml");
        assert!(style_el(&styles, "AnnexLabel").contains("<w:pageBreakBefore/>"));
        let doc = part(&bytes, "word/document.xml");
        let label = doc.find("<w:pStyle w:val=\"AnnexLabel\"/></w:pPr><w:r><w:t xml:space=\"preserve\">附件</w:t>").unwrap();
        let date = doc.find("2020年4月1日").unwrap();
        let title = doc.find("<w:pStyle w:val=\"AnnexTitle\"/>").unwrap();
        let table = doc.find("<w:tbl>").unwrap();
        assert!(date < label && label < title && title < table);
        let mut n = sample();
        n.annex = None;
        let doc = part(&notice_docx(&n).unwrap(), "word/document.xml");
        assert!(!doc.contains("AnnexLabel") && !doc.contains("<w:tbl>"));
    }

    #[test]
    fn issuer_is_centred_over_the_date_four_characters_in() {
        let doc = part(&notice_docx(&sample()).unwrap(), "word/document.xml");
        let sig: Vec<&str> = doc
            .split("<w:pStyle w:val=\"Signature\"/>")
            .skip(1)
            .collect();
        assert_eq!(sig.len(), 2);
        // 10 characters over 6: (6 − 10) / 2 = −2 from the date's 4.
        assert_eq!(attr(sig[0], "w:ind", "w:rightChars"), "200");
        assert_eq!(attr(sig[0], "w:spacing", "w:before"), "579");
        assert_eq!(attr(sig[1], "w:ind", "w:rightChars"), "400");
        assert_eq!(attr(sig[1], "w:ind", "w:right"), "1280");
        // Never alone on a page: the 附件说明 and the 署名 keep with what follows.
        assert!(sig[0].starts_with("<w:keepNext/>"));
        assert!(doc.contains("<w:pStyle w:val=\"Attachment\"/><w:keepNext/>"));
        assert_eq!(doc.matches("<w:keepNext/>").count(), 2);
    }

    #[test]
    fn same_notice_same_bytes() {
        let a = notice_docx(&sample()).unwrap();
        assert_eq!(a, notice_docx(&sample()).unwrap());
        let mut n = sample();
        n.date = "2020年4月2日".into();
        assert_ne!(a, notice_docx(&n).unwrap());
    }

    #[test]
    fn hostile_text_stays_text() {
        let evil = "甲\u{1}\u{b}乙\u{FFFE}<w:fldSimple w:instr=\"PAGE\"/>&amp;]]>{ PAGE }\t\r\n\"'";
        let long = "很长的单位名称".repeat(300);
        let mut n = sample();
        n.title = evil.into();
        n.to = evil.into();
        n.body.push(Block::Body(evil.into()));
        n.body.push(Block::Heading1(long.clone()));
        n.issuer = evil.into();
        let mut t = annex(2);
        t.headers[2] = evil.into();
        t.rows[0][2] = long.clone();
        t.rows[1][4] = evil.into();
        n.annex = Some((evil.into(), t));
        let bytes = notice_docx(&n).unwrap();
        assert_well_formed(&bytes);
        let doc = part(&bytes, "word/document.xml");
        assert!(!doc.contains("fldSimple") || doc.contains("&lt;w:fldSimple"));
        assert!(!doc.contains("instrText") && !doc.contains("<w:fldChar"));
        let clean = "甲乙<w:fldSimple w:instr=\"PAGE\"/>&amp;]]>{ PAGE }";
        assert!(texts(&doc).iter().filter(|t| t.starts_with(clean)).count() >= 5);
        assert!(texts(&doc).contains(&long));
        let w = grid(&doc);
        assert_eq!(w.iter().sum::<u32>(), TEXT_W, "{w:?}");
        assert!(part(&bytes, "docProps/core.xml").contains("<dc:title>甲乙&lt;w:fldSimple"));
    }

    #[test]
    fn malformed_annex_is_refused() {
        let mut n = sample();
        let mut t = annex(2);
        t.rows[1].pop();
        n.annex = Some(("名单".into(), t));
        assert!(matches!(
            notice_docx(&n),
            Err(GongwenError::RaggedRow {
                row: 2,
                cells: 5,
                columns: 6
            })
        ));
        n.annex = Some(("名单".into(), AnnexTable::default()));
        assert!(matches!(notice_docx(&n), Err(GongwenError::NoColumns)));
        let wide = AnnexTable {
            headers: vec!["列".into(); 15],
            rows: vec![],
        };
        n.annex = Some(("名单".into(), wide));
        assert!(matches!(
            notice_docx(&n),
            Err(GongwenError::TooManyColumns {
                columns: 15,
                max: 14
            })
        ));
    }

    #[test]
    fn no_half_width_punctuation_next_to_chinese() {
        let doc = part(&notice_docx(&sample()).unwrap(), "word/document.xml");
        let cjk = |c: char| {
            ('\u{4E00}'..='\u{9FFF}').contains(&c) || "“”（）《》〔〕、，。：；".contains(c)
        };
        for t in texts(&doc) {
            let c: Vec<char> = t.chars().collect();
            for (i, &p) in c.iter().enumerate() {
                if ",:;()?!\".".contains(p) {
                    let near = [i.checked_sub(1), Some(i + 1)]
                        .into_iter()
                        .flatten()
                        .filter_map(|j| c.get(j))
                        .any(|&x| cjk(x));
                    assert!(!near, "{p:?} next to Chinese in {t}");
                }
            }
        }
        assert!(doc.contains("整治“指尖上的形式主义”部署"));
        assert!(doc.contains("（国办发〔2018〕123号）"));
    }
}
