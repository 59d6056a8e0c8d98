//! A registry export as Sichuan's filing platform writes one: the platform's own column names
//! (行政级别, 所属市(州), 主体性质, 运行状态 …), its level spellings (市(州)级, 县(市、区)级,
//! 区县级, 乡镇(街道)级), statuses (正常运行, 已停更 …), owner kinds (代表政府 …), all 21 市(州)
//! by their official names (三个自治州 among them, 凉山 sometimes as 凉山州), a title row above
//! the header. Written as the office's system writes it: .xlsx with a merged title row, or a GBK
//! CSV. Deterministic for a seed.

use std::path::Path;

/// The platform's header, in its order.
pub const HEADER: [&str; 12] = [
    "序号",
    "账号名称",
    "账号类型",
    "开设主体",
    "行政级别",
    "所属市(州)",
    "所属县(市、区)",
    "主体性质",
    "运行状态",
    "备案编号",
    "账号地址",
    "备案时间",
];

/// Column positions in [`HEADER`].
pub const NAME: usize = 1;
pub const TYPE: usize = 2;
pub const LEVEL: usize = 4;
pub const REGION: usize = 5;
pub const KIND: usize = 7;
pub const STATUS: usize = 8;
pub const ID: usize = 9;

/// The title row above the header.
pub const TITLE: &str = "四川省政务新媒体备案台账(截至2023年6月30日)";

/// An export: header and rows (serial numbers included).
#[derive(Clone, Debug)]
pub struct Export {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One of `items` by their weights.
    fn pick<'a>(&mut self, items: &[(&'a str, u32)]) -> &'a str {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut at = (self.next() % u64::from(total)) as u32;
        for (item, w) in items {
            if at < *w {
                return item;
            }
            at -= w;
        }
        items[0].0
    }
}

const LEVELS: [(&str, u32); 5] = [
    ("省级", 6),
    ("市(州)级", 24),
    ("县(市、区)级", 40),
    ("区县级", 10),
    ("乡镇(街道)级", 20),
];

const TYPES: [(&str, u32); 9] = [
    ("微信公众号", 40),
    ("微信服务号", 8),
    ("新浪微博", 18),
    ("抖音", 12),
    ("今日头条", 6),
    ("头条号", 3),
    ("政务APP", 4),
    ("快手", 4),
    ("微信视频号", 5),
];

const KINDS: [(&str, u32); 3] = [("代表政府", 15), ("部门", 70), ("事业单位", 15)];

const STATUSES: [(&str, u32); 4] = [
    ("正常运行", 90),
    ("已停更", 5),
    ("已关停", 3),
    ("已注销", 2),
];

const DEPARTMENTS: [&str; 8] = [
    "人民政府办公室",
    "公安局",
    "教育局",
    "卫生健康委员会",
    "市场监督管理局",
    "生态环境局",
    "文化广电旅游局",
    "应急管理局",
];

/// `rows` accounts of Sichuan, all 21 市(州) present (the first 21 rows are one per 市(州)).
pub fn export(rows: usize, seed: u64) -> Export {
    let sichuan = audit::domain::profile::province("四川").expect("四川 in the divisions");
    let prefectures: Vec<&audit::domain::profile::Division> = sichuan.prefectures.iter().collect();
    assert_eq!(prefectures.len(), 21);
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut out = Vec::with_capacity(rows);
    for i in 0..rows {
        let level = if i < 21 {
            "市(州)级"
        } else {
            rng.pick(&LEVELS)
        };
        let p = prefectures[if i < 21 { i } else { rng.below(21) }];
        let counties = sichuan.counties(&p.name);
        let county = if level == "省级" || level == "市(州)级" || counties.is_empty() {
            String::new()
        } else {
            counties[rng.below(counties.len())].name.clone()
        };
        let dept = DEPARTMENTS[rng.below(DEPARTMENTS.len())];
        let (region, owner) = match level {
            "省级" => (
                if rng.below(2) == 0 { "省本级" } else { "" }.to_string(),
                format!("四川省{dept}"),
            ),
            "市(州)级" => (p.name.clone(), format!("{}{dept}", p.name)),
            "乡镇(街道)级" => (
                p.name.clone(),
                format!("{county}第{}镇人民政府", rng.below(30) + 1),
            ),
            _ => (p.name.clone(), format!("{county}{dept}")),
        };
        // The platform sometimes writes 凉山 by the name notices use.
        let region = if region == "凉山彝族自治州" && rng.below(3) == 0 {
            "凉山州".to_string()
        } else {
            region
        };
        let kind = if level == "乡镇(街道)级" {
            "代表政府"
        } else {
            rng.pick(&KINDS)
        };
        let kind = if level == "省级" { "部门" } else { kind };
        let ty = rng.pick(&TYPES);
        out.push(vec![
            (i + 1).to_string(),
            format!("{}{}", owner.trim_end_matches("人民政府办公室"), suffix(ty)),
            ty.to_string(),
            owner,
            level.to_string(),
            region,
            county,
            kind.to_string(),
            rng.pick(&STATUSES).to_string(),
            format!("SC{:06}", 100_000 + i * 7),
            format!("https://example.invalid/a/{}", 100_000 + i * 7),
            format!("2021-{:02}-{:02}", rng.below(12) + 1, rng.below(28) + 1),
        ]);
    }
    Export {
        header: HEADER.iter().map(|h| h.to_string()).collect(),
        rows: out,
    }
}

/// An account name's ending by platform.
fn suffix(ty: &str) -> &'static str {
    match ty {
        "新浪微博" => "微博",
        "抖音" | "快手" | "微信视频号" => "政务短视频",
        "今日头条" | "头条号" => "头条号",
        "政务APP" => "客户端",
        _ => "发布",
    }
}

/// Write the export as the platform's xlsx: the title merged over the header's width in row 1,
/// the header in row 2, every cell as text.
pub fn write_xlsx(e: &Export, path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("备案台账").unwrap();
    let width = e.header.len() as u16;
    ws.merge_range(0, 0, 0, width - 1, TITLE, &rust_xlsxwriter::Format::new())
        .unwrap();
    for (c, h) in e.header.iter().enumerate() {
        ws.write_string(1, c as u16, h).unwrap();
    }
    for (r, row) in e.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 2, c as u16, v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

/// Write the export as a GBK CSV (Excel on a Chinese Windows), the title as its first line.
pub fn write_gbk_csv(e: &Export, path: &Path) {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record([TITLE]).unwrap();
    w.write_record(&e.header).unwrap();
    for r in &e.rows {
        w.write_record(r).unwrap();
    }
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let (bytes, _, lossy) = encoding_rs::GBK.encode(&text);
    assert!(!lossy, "every character has a GBK code");
    std::fs::write(path, bytes).unwrap();
}

/// The export with the README's own headers and level spellings (层级: 市级/县级, 地区), so a test
/// of something else reads it the same on a build that lacks the platform's spellings.
pub fn with_readme_spellings(e: &Export) -> Export {
    let mut e = e.clone();
    e.header[LEVEL] = "层级".into();
    e.header[REGION] = "所属地区".into();
    for r in &mut e.rows {
        let level = match r[LEVEL].as_str() {
            "市(州)级" => "市级",
            "县(市、区)级" | "区县级" | "乡镇(街道)级" => "县级",
            other => other,
        };
        r[LEVEL] = level.to_string();
    }
    e
}
