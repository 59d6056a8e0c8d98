//! The official-document .docx through LibreOffice: it opens, converts to PDF, and the 60-row
//! annex runs onto further pages. Set GONGWEN_KEEP=DIR to keep the .docx and .pdf for a look
//! (`pdftoppm -png -r 60 DIR/notice.pdf DIR/page`).

mod common;

use audit::domain::text::fullwidth_punct;
use audit::formats::gongwen::{notice_docx, AnnexTable, Block, Notice};
use common::Workdir;
use std::process::Command;

/// Paragraphs from the 2020 Q1 Jiangsu notice (shared/seed), half-width punctuation as the seed
/// has it; `fullwidth_punct` makes it print-ready, as the report writer does.
const BODY: &[(u8, &str)] = &[
    (0, "根据《国务院办公厅关于推进政务新媒体健康有序发展的意见》(国办发〔2018〕123号)、《省政府办公厅关于推进政务新媒体健康有序发展的实施意见》(苏政办发〔2019〕56号)要求,现将2019年全省政务新媒体监管工作和2020年第一季度检查抽查情况通报如下."),
    (1, "一、2020年第一季度全省政务新媒体检查抽查情况"),
    (2, "(一)总体情况"),
    (0, "截至2020年3月20日,全省政府系统共开设政务新媒体6030个(含部分事业单位开设的政务新媒体).按开设主体分,省级部门单位及其内设机构、双重管理单位及其内设机构开设政务新媒体375个,设区市政府及其部门开设政务新媒体1446个,县(市、区)政府及其部门、所属乡镇(街道)开设政务新媒体4209个.按政务新媒体类型分,微信3886个,微博1486个,移动客户端167个,其他类型491个."),
    (0, "本次共选取219个政务新媒体进行检查抽查,包括代表主体为省、市、县(市、区)政府的政务新媒体和省级部门单位开设的政务新媒体,以及其他单位主体开设的政务新媒体.此次检查抽查中,全省政务新媒体总体合格率为90%.从开设主体看,省级部门单位政务新媒体合格率85.5%;设区市政务新媒体合格率92.3%.从政务新媒体类型看,微博合格率85.5%,微信合格率95.5%,移动客户端合格率64.3%,其他类型政务新媒体合格率75%."),
    (2, "(二)检查抽查发现的问题"),
    (0, "一是互动回应问题解决不理想.根据检查抽查结果,省级部门10个政务新媒体,未在规定时限内做出有效回复,占省级检查抽查总数13.2%.设区市中,11个政务新媒体未在规定时限内做出有效回复,占设区市检查抽查总数7.7%."),
    (0, "二是部分政务新媒体备案工作不到位.部分单位政务新媒体虽已在省备案系统进行备案,但在对应第三方平台搜索不到相关信息.有的政务新媒体已发停更公告,但在备案系统中未及时更新."),
    (1, "二、下一步工作要求"),
    (0, "(一)继续做好政务新媒体清理整合工作.对本地区本部门开设运营的政务新媒体再梳理、再评估,对确属无力维护、反复出现问题的政务新媒体下决心关停.加大对功能、内容相近政务新媒体整合力度."),
    (0, "(二)严格政务新媒体规范管理.结合省委省政府整治\"指尖上的形式主义\"部署要求,认真落实信息发布审核制度,严把政治关、法律关、政策关、保密关、文字关,及时发现纠正错漏信息,避免引发负面舆情."),
    (0, "各设区市、省各有关部门请将政务新媒体第一季度抽查情况和对本次通报的政务新媒体整改情况,于4月10日前提交至全省政务新媒体备案检查系统."),
    (3, "草稿:本稿由 audit report 生成,数据请与 report.xlsx 核对后再印发."),
];

/// Provincial departments and their accounts, as real annexes list them.
const DEPARTMENTS: [(&str, &str); 8] = [
    ("江苏省人力资源和社会保障厅", "江苏人社"),
    ("江苏省住房和城乡建设厅", "江苏住建"),
    ("江苏省市场监督管理局", "江苏市场监管"),
    ("江苏省农业农村厅", "江苏农业农村"),
    ("江苏省卫生健康委员会", "健康江苏"),
    ("江苏省文化和旅游厅", "江苏文旅"),
    ("江苏省生态环境厅", "江苏生态环境"),
    ("江苏省交通运输厅", "江苏交通"),
];

/// County-level owners and their accounts: the long names of towns, streets and bureaus.
const LOCAL: [(&str, &str, &str); 8] = [
    (
        "连云港市",
        "海州区新浦街道",
        "连云港市海州区人民政府新浦街道办事处",
    ),
    ("徐州市", "铜山区市场监管", "徐州市铜山区市场监督管理局"),
    (
        "盐城市",
        "大丰区人社服务",
        "盐城市大丰区人力资源和社会保障局",
    ),
    ("南通市", "如皋发布", "如皋市人民政府办公室"),
    ("苏州市", "吴江区震泽镇", "苏州市吴江区震泽镇人民政府"),
    ("淮安市", "涟水县政务服务", "涟水县政务服务管理办公室"),
    ("宿迁市", "泗洪县卫生健康", "泗洪县卫生健康委员会"),
    ("无锡市", "江阴市司法局", "江阴市司法局"),
];

const PROBLEMS: [&str; 5] = [
    "监测时间点前2周内无更新",
    "未在规定时限内对留言做出有效回复",
    "未提供有效互动功能",
    "监测时间点前2周内无更新;未在规定时限内对留言做出有效回复",
    "发布内容存在严重表述错误",
];

/// An annex of `rows` realistic rows: provincial departments first, then cities, the problems
/// joined with ";" as the report joins them (made full-width by the writer).
fn annex(rows: usize) -> AnnexTable {
    let kinds = ["微信", "微博", "移动客户端", "抖音"];
    AnnexTable {
        headers: ["序号", "地区/部门", "名称", "类型", "开设主体", "存在问题"]
            .map(String::from)
            .to_vec(),
        rows: (0..rows)
            .map(|i| {
                let (place, name, owner) = if i < rows / 5 {
                    let (d, n) = DEPARTMENTS[i % DEPARTMENTS.len()];
                    (d.to_string(), n.to_string(), d.to_string())
                } else {
                    let (c, n, o) = LOCAL[i % LOCAL.len()];
                    (c.to_string(), n.to_string(), o.to_string())
                };
                vec![
                    (i + 1).to_string(),
                    place,
                    name,
                    kinds[i % kinds.len()].to_string(),
                    owner,
                    fullwidth_punct(PROBLEMS[i % PROBLEMS.len()]),
                ]
            })
            .collect(),
    }
}

fn notice() -> Notice {
    let f = fullwidth_punct;
    let annex_title = "2020年第一季度检查抽查存在\"单项否决\"问题的政务新媒体名单";
    Notice {
        head: None,
        record: None,
        title: f("省政府办公厅关于2019年全省政务媒体监管工作和2020年第一季度检查抽查情况的通报"),
        to: f("各设区市人民政府,省各有关部门和单位:"),
        body: BODY
            .iter()
            .map(|&(kind, text)| {
                let t = f(text);
                match kind {
                    1 => Block::Heading1(t),
                    2 => Block::Heading2(t),
                    3 => Block::Warning(t),
                    _ => Block::Body(t),
                }
            })
            .collect(),
        attachment: Some(f(&format!("附件:{annex_title}"))),
        issuer: "江苏省人民政府办公厅".into(),
        date: "2020年4月1日".into(),
        annex: Some((f(annex_title), annex(60))),
    }
}

/// Pages in a PDF: `pdfinfo` where poppler-utils is installed, else the page objects.
fn pdf_pages(pdf: &std::path::Path) -> usize {
    if let Ok(out) = Command::new("pdfinfo").arg(pdf).output() {
        if out.status.success() {
            let info = String::from_utf8_lossy(&out.stdout);
            let line = info
                .lines()
                .find(|l| l.starts_with("Pages:"))
                .expect("Pages:");
            return line["Pages:".len()..].trim().parse().expect("page count");
        }
    }
    let bytes = std::fs::read(pdf).expect("read pdf");
    let text = String::from_utf8_lossy(&bytes);
    text.match_indices("/Type")
        .map(|(i, _)| text[i + 5..].trim_start())
        .filter(|rest| rest.starts_with("/Page") && !rest.starts_with("/Pages"))
        .count()
}

/// The text of a PDF (`pdftotext -layout`; pages separated by form feeds).
fn pdf_text(pdf: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed for this #[ignore]d test");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// No `;():,` written half-width next to a Chinese character.
fn assert_no_half_width_punct(line: &str, at: &str) {
    let c: Vec<char> = line.chars().collect();
    let cjk = |x: char| ('\u{4E00}'..='\u{9FFF}').contains(&x);
    for (i, &p) in c.iter().enumerate() {
        if ";():,".contains(p) {
            let near = [i.checked_sub(1), Some(i + 1)]
                .into_iter()
                .flatten()
                .filter_map(|j| c.get(j))
                .any(|&x| cjk(x));
            assert!(!near, "{at}: half-width {p:?} next to Chinese in {line:?}");
        }
    }
}

/// The annex's data rows on each page: the row numbers printed in the first column (words
/// that are a number from 1 to `rows`, start within 40 pt of the left margin and stand inside
/// the text block, above the page number), from `pdftotext -bbox`.
fn rows_per_page(pdf: &std::path::Path, rows: usize) -> Vec<usize> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed for this #[ignore]d test");
    let html = String::from_utf8_lossy(&out.stdout);
    // 28 mm left margin = 79.4 pt.
    let first_column = 79.0..120.0;
    html.split("<page ")
        .skip(1)
        .map(|page| {
            page.split("<word ")
                .skip(1)
                .filter(|w| {
                    let at = |key: &str| {
                        w.split(&format!("{key}=\""))
                            .nth(1)
                            .and_then(|v| v.split('"').next())
                            .and_then(|v| v.parse::<f64>().ok())
                    };
                    let text = w.split('>').nth(1).and_then(|t| t.split('<').next());
                    // The text block ends 262 mm (742.7 pt) from the top of the page.
                    at("xMin").is_some_and(|x| first_column.contains(&x))
                        && at("yMin").is_some_and(|y| y < 742.0)
                        && text
                            .and_then(|t| t.parse::<usize>().ok())
                            .is_some_and(|n| (1..=rows).contains(&n))
                })
                .count()
        })
        .collect()
}

#[test]
#[ignore = "needs LibreOffice (soffice) and poppler-utils (pdftotext); CI runs --include-ignored"]
fn an_annex_of_60_realistic_rows_takes_at_most_four_pages() {
    let w = Workdir::new();
    let n = Notice {
        title: "关于2020年第一季度政务新媒体检查抽查情况的通报".into(),
        annex: Some((
            "2020年第一季度检查抽查\n存在“单项否决”问题政务新媒体名单".into(),
            annex(60),
        )),
        ..Notice::default()
    };
    std::fs::write(w.path("annex.docx"), notice_docx(&n).expect("docx")).expect("write");
    w.soffice("annex.docx", "pdf", "pdf");
    let pdf = w.path("pdf/annex.pdf");
    if let Ok(dir) = std::env::var("GONGWEN_KEEP") {
        std::fs::copy(&pdf, format!("{dir}/annex.pdf")).expect("keep pdf");
    }
    // Page 1 holds the title; the annex starts on page 2.
    let annex_pages = pdf_pages(&pdf) - 1;
    let text = pdf_text(&pdf);
    let per_page = rows_per_page(&pdf, 60);
    assert_eq!(per_page.iter().sum::<usize>(), 60, "{per_page:?}\n{text}");
    assert!(annex_pages <= 4, "{annex_pages} annex pages: {per_page:?}");
    // Every full page (all but the last) holds at least 15 rows.
    let full = &per_page[1..per_page.len() - 1];
    assert!(full.iter().all(|&r| r >= 15), "{per_page:?}");
    for line in text.lines() {
        assert_no_half_width_punct(line, "annex");
    }
}

#[test]
fn the_sample_notice_is_valid_and_deterministic() {
    let a = notice_docx(&notice()).expect("docx");
    assert_eq!(a, notice_docx(&notice()).expect("docx"));
    assert!(a.starts_with(b"PK"));
}

#[test]
#[ignore = "needs LibreOffice (soffice); CI runs --include-ignored"]
fn libreoffice_converts_the_notice_to_a_multi_page_pdf() {
    let w = Workdir::new();
    std::fs::write(w.path("notice.docx"), notice_docx(&notice()).expect("docx")).expect("write");
    w.soffice("notice.docx", "pdf", "pdf");
    let pdf = w.path("pdf/notice.pdf");
    assert!(pdf.exists(), "LibreOffice wrote no PDF");
    let pages = pdf_pages(&pdf);
    // The body fills at least a page; the 60-row annex starts on a new page and runs over.
    assert!(pages >= 3, "{pages} pages");
    let text = pdf_text(&pdf);
    for (i, page) in text.split('\u{c}').enumerate() {
        for line in page.lines() {
            assert_no_half_width_punct(line, &format!("page {}", i + 1));
        }
    }
    if let Ok(dir) = std::env::var("GONGWEN_KEEP") {
        std::fs::copy(w.path("notice.docx"), format!("{dir}/notice.docx")).expect("keep docx");
        std::fs::copy(&pdf, format!("{dir}/notice.pdf")).expect("keep pdf");
    }
}
