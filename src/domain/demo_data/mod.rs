//! A deterministic generator of realistic registries (Jiangsu-like) for tests, benchmarks and the
//! demo. Pure: it returns rows; the `demo-data` command writes them.
//!
//! Shares follow the reference notice: levels 375/1446/4209 and types 3886/1486/167/491 of 6,030,
//! a few percent non-active, a sprinkle of accounts that represent a government itself (政府).

pub mod monitor;
pub mod simulate;

use crate::domain::registry::normalize::JIANGSU_CITIES;
use rand_chacha::ChaCha20Rng;

/// The demo's own seeded generator. Its domain label is the one the demo used when it borrowed
/// the sampler's generator, kept so the demo data stays byte for byte what it was; the sampler
/// may change its own label without touching it.
pub fn demo_rng(seed: u64, key: &[String]) -> ChaCha20Rng {
    crate::domain::rng::keyed(b"audit-sample-v1\0", seed, key)
}

pub use crate::domain::rng::below;

/// Header row of the generated registry, in the column order of `DemoAccount::row`.
pub const HEADER: [&str; 11] = [
    "序号",
    "账号ID",
    "名称",
    "类型",
    "开设主体",
    "层级",
    "地区",
    "主体类别",
    "状态",
    "开设时间",
    "粉丝数",
];

/// One generated registry row, in the raw spellings real exports use.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoAccount {
    /// 账号ID, e.g. JS0000001.
    pub id: String,
    /// 名称, built from the owner and the type.
    pub name: String,
    /// 类型 as an export might spell it (公众号, 新浪微博, APP, 抖音 …).
    pub type_raw: String,
    /// 开设主体.
    pub owner: String,
    /// 层级 in one of its spellings: 省级, 设区市, 县(市、区), 乡镇(街道) …
    pub level_raw: String,
    /// 地区, e.g. 南京市; empty for provincial accounts.
    pub region: String,
    /// 主体类别: 政府, 部门 or 其他单位.
    pub owner_kind: String,
    /// 状态: mostly 正常, a few percent 停更/关停/注销.
    pub status: String,
    /// 开设时间, YYYY-MM-DD.
    pub opened: String,
    /// 粉丝数.
    pub followers: u64,
}

impl DemoAccount {
    /// The account as a registry row under `HEADER`, with `serial` as its 序号.
    pub fn row(&self, serial: u64) -> Vec<String> {
        vec![
            serial.to_string(),
            self.id.clone(),
            self.name.clone(),
            self.type_raw.clone(),
            self.owner.clone(),
            self.level_raw.clone(),
            self.region.clone(),
            self.owner_kind.clone(),
            self.status.clone(),
            self.opened.clone(),
            self.followers.to_string(),
        ]
    }
}

const COUNTIES: [&[&str]; 13] = [
    &[
        "玄武区",
        "秦淮区",
        "建邺区",
        "鼓楼区",
        "浦口区",
        "栖霞区",
        "雨花台区",
        "江宁区",
        "六合区",
        "溧水区",
        "高淳区",
    ],
    &[
        "梁溪区",
        "锡山区",
        "惠山区",
        "滨湖区",
        "新吴区",
        "江阴市",
        "宜兴市",
    ],
    &[
        "鼓楼区",
        "云龙区",
        "贾汪区",
        "泉山区",
        "铜山区",
        "丰县",
        "沛县",
        "睢宁县",
        "新沂市",
        "邳州市",
    ],
    &["天宁区", "钟楼区", "新北区", "武进区", "金坛区", "溧阳市"],
    &[
        "姑苏区",
        "虎丘区",
        "吴中区",
        "相城区",
        "吴江区",
        "常熟市",
        "张家港市",
        "昆山市",
        "太仓市",
    ],
    &[
        "崇川区",
        "通州区",
        "海门区",
        "如东县",
        "启东市",
        "如皋市",
        "海安市",
    ],
    &["连云区", "海州区", "赣榆区", "东海县", "灌云县", "灌南县"],
    &[
        "清江浦区",
        "淮安区",
        "淮阴区",
        "洪泽区",
        "涟水县",
        "盱眙县",
        "金湖县",
    ],
    &[
        "亭湖区",
        "盐都区",
        "大丰区",
        "响水县",
        "滨海县",
        "阜宁县",
        "射阳县",
        "建湖县",
        "东台市",
    ],
    &["广陵区", "邗江区", "江都区", "宝应县", "仪征市", "高邮市"],
    &["京口区", "润州区", "丹徒区", "丹阳市", "扬中市", "句容市"],
    &["海陵区", "高港区", "姜堰区", "兴化市", "靖江市", "泰兴市"],
    &["宿城区", "宿豫区", "沭阳县", "泗阳县", "泗洪县"],
];

const CITY_DEPTS: [(&str, &str); 24] = [
    ("公安局", "公安"),
    ("教育局", "教育"),
    ("卫生健康委员会", "卫健"),
    ("市场监督管理局", "市场监管"),
    ("生态环境局", "环境"),
    ("交通运输局", "交通"),
    ("人力资源和社会保障局", "人社"),
    ("民政局", "民政"),
    ("文化广电和旅游局", "文旅"),
    ("应急管理局", "应急"),
    ("住房和城乡建设局", "住建"),
    ("农业农村局", "农业农村"),
    ("水务局", "水务"),
    ("商务局", "商务"),
    ("司法局", "司法"),
    ("统计局", "统计"),
    ("医疗保障局", "医保"),
    ("自然资源和规划局", "自然资源"),
    ("城市管理局", "城管"),
    ("财政局", "财政"),
    ("科学技术局", "科技"),
    ("退役军人事务局", "退役军人"),
    ("信访局", "信访"),
    ("行政审批局", "政务服务"),
];

const PROV_DEPTS: [(&str, &str); 20] = [
    ("江苏省公安厅", "江苏公安"),
    ("江苏省教育厅", "江苏教育"),
    ("江苏省卫生健康委员会", "健康江苏"),
    ("江苏省市场监督管理局", "江苏市场监管"),
    ("江苏省生态环境厅", "江苏环境"),
    ("江苏省交通运输厅", "江苏交通"),
    ("江苏省人力资源和社会保障厅", "江苏人社"),
    ("江苏省民政厅", "江苏民政"),
    ("江苏省文化和旅游厅", "江苏文旅"),
    ("江苏省应急管理厅", "江苏应急"),
    ("江苏省住房和城乡建设厅", "江苏住建"),
    ("江苏省农业农村厅", "江苏农业农村"),
    ("江苏省水利厅", "江苏水利"),
    ("江苏省商务厅", "江苏商务"),
    ("江苏省司法厅", "江苏司法行政在线"),
    ("江苏省统计局", "江苏统计"),
    ("江苏省地方志办公室", "方志江苏"),
    ("江苏省气象局", "江苏气象"),
    ("江苏省工业和信息化厅", "江苏工信"),
    ("江苏省信访局", "江苏信访"),
];

const UNITS: [&str; 8] = [
    "图书馆",
    "档案馆",
    "博物馆",
    "疾病预防控制中心",
    "人民医院",
    "融媒体中心",
    "公共资源交易中心",
    "政务服务中心",
];
const TOWNS: [&str; 12] = [
    "城关镇",
    "新港街道",
    "东湖街道",
    "北新镇",
    "南山镇",
    "西城街道",
    "龙潭街道",
    "青山镇",
    "白马镇",
    "石桥镇",
    "湖滨街道",
    "清水镇",
];

fn one_of<'a, T>(rng: &mut ChaCha20Rng, items: &'a [T]) -> &'a T {
    &items[below(rng, items.len() as u64) as usize]
}

fn chance(rng: &mut ChaCha20Rng, per_10000: u64) -> bool {
    below(rng, 10_000) < per_10000
}

fn type_raw(rng: &mut ChaCha20Rng) -> (&'static str, &'static str) {
    // 3886 / 1486 / 167 / 491 of 6030.
    let x = below(rng, 6030);
    if x < 3886 {
        (
            "微信",
            *one_of(rng, &["微信", "微信公众号", "微信服务号", "公众号", "微信"]),
        )
    } else if x < 3886 + 1486 {
        ("微博", *one_of(rng, &["微博", "新浪微博", "微博"]))
    } else if x < 3886 + 1486 + 167 {
        ("移动客户端", *one_of(rng, &["移动客户端", "APP", "客户端"]))
    } else {
        (
            "其他",
            *one_of(
                rng,
                &["抖音", "今日头条", "头条号", "快手", "小程序", "百家号"],
            ),
        )
    }
}

fn suffix(kind: &str) -> &'static str {
    match kind {
        "微博" => "微博",
        "移动客户端" => "APP",
        "其他" => "号",
        _ => "",
    }
}

/// Generate `n` accounts for seed `seed`. The same (n, seed) always gives the same accounts.
pub fn generate(n: u64, seed: u64) -> Vec<DemoAccount> {
    let mut rng = demo_rng(seed, &["demo-data".to_string()]);
    (0..n).map(|i| account(&mut rng, i + 1, "JS")).collect()
}

fn account(rng: &mut ChaCha20Rng, serial: u64, prefix: &str) -> DemoAccount {
    // Every draw from `rng` below happens in the order it always has: the demo registry for a
    // seed must not change.
    let (kind, raw) = type_raw(rng);
    let lv = below(rng, 6030);
    let ci = below(rng, 13) as usize;
    let Owner {
        owner,
        mut name,
        level_raw,
        region,
        owner_kind,
    } = if lv < 375 {
        provincial(rng, kind)
    } else if lv < 375 + 1446 {
        municipal(rng, kind, JIANGSU_CITIES[ci])
    } else {
        county_level(rng, kind, ci)
    };
    if kind == "微信" && chance(rng, 800) {
        name = format!("{name}服务号");
    }
    let status = status(rng);
    let year = 2013 + below(rng, 7);
    let month = 1 + below(rng, 12);
    let day = 1 + below(rng, 28);
    DemoAccount {
        id: format!("{prefix}{serial:07}"),
        name,
        type_raw: raw.to_string(),
        owner,
        level_raw,
        region,
        owner_kind: owner_kind.to_string(),
        status: status.to_string(),
        opened: format!("{year}-{month:02}-{day:02}"),
        followers: below(rng, 200_000),
    }
}

/// Who opened a demo account and what it is called, by level.
struct Owner {
    /// 开设主体.
    owner: String,
    /// The account's name (before any 服务号 suffix).
    name: String,
    /// 层级 as a real export spells it.
    level_raw: String,
    /// 所属地区: the city, or empty for provincial accounts.
    region: String,
    /// 主体类别: 政府, 部门 or 其他单位.
    owner_kind: &'static str,
}

/// A provincial department's account (now and then one of its offices', or 江苏发布).
fn provincial(rng: &mut ChaCha20Rng, kind: &str) -> Owner {
    let (d, short) = one_of(rng, &PROV_DEPTS);
    let mut o = Owner {
        owner: d.to_string(),
        name: format!("{short}{}", suffix(kind)),
        level_raw: "省级".to_string(),
        region: String::new(),
        owner_kind: "部门",
    };
    if chance(rng, 1200) {
        o.owner = format!("{d}{}", one_of(rng, &["办公室", "宣传处", "直属机关党委"]));
    }
    if chance(rng, 300) {
        o.owner = "江苏省人民政府办公厅".into();
        o.name = format!("江苏发布{}", suffix(kind));
        o.owner_kind = "政府";
    }
    o
}

/// A city department's account, or the city government's, or a city unit's.
fn municipal(rng: &mut ChaCha20Rng, kind: &str, city: &str) -> Owner {
    let (d, short) = one_of(rng, &CITY_DEPTS);
    let mut o = Owner {
        owner: format!("{city}市{d}"),
        name: format!("{city}{short}{}", suffix(kind)),
        level_raw: one_of(rng, &["设区市", "市级"]).to_string(),
        region: format!("{city}市"),
        owner_kind: "部门",
    };
    let r = below(rng, 10_000);
    if r < 250 {
        o.owner = format!("{city}市人民政府");
        o.name = format!("{city}发布{}", suffix(kind));
        o.owner_kind = "政府";
    } else if r < 1050 {
        let u = one_of(rng, &UNITS);
        o.owner = format!("{city}市{u}");
        o.name = format!("{city}{u}{}", suffix(kind));
        o.owner_kind = "其他单位";
    }
    o
}

/// An account of a county of city `ci`: a town's (乡镇/街道) or a county department's,
/// government's or unit's.
fn county_level(rng: &mut ChaCha20Rng, kind: &str, ci: usize) -> Owner {
    let city = JIANGSU_CITIES[ci];
    let county = one_of(rng, COUNTIES[ci]);
    let stem = county.trim_end_matches(['区', '县', '市']);
    // A one-character stem ("沛") reads wrong in a name; keep the full county name then.
    let stem = if stem.chars().count() < 2 {
        *county
    } else {
        stem
    };
    let region = format!("{city}市");
    if chance(rng, 3500) {
        let town = one_of(rng, &TOWNS);
        let mut o = Owner {
            owner: format!("{county}{town}"),
            name: format!("{stem}{town}{}", suffix(kind)),
            level_raw: "乡镇(街道)".to_string(),
            region,
            owner_kind: "部门",
        };
        if chance(rng, 150) {
            o.owner = format!(
                "{county}{}人民政府",
                town.trim_end_matches("街道").trim_end_matches('镇')
            );
            o.owner_kind = "政府";
        }
        return o;
    }
    let (d, short) = one_of(rng, &CITY_DEPTS);
    let mut o = Owner {
        owner: format!("{county}{d}"),
        name: format!("{stem}{short}{}", suffix(kind)),
        level_raw: one_of(rng, &["县(市、区)", "县级", "县（市、区）"]).to_string(),
        region,
        owner_kind: "部门",
    };
    let r = below(rng, 10_000);
    if r < 180 {
        o.owner = format!("{county}人民政府");
        o.name = format!("{stem}发布{}", suffix(kind));
        o.owner_kind = "政府";
    } else if r < 980 {
        let u = one_of(rng, &UNITS);
        o.owner = format!("{county}{u}");
        o.name = format!("{stem}{u}{}", suffix(kind));
        o.owner_kind = "其他单位";
    }
    o
}

/// 状态: mostly 正常, a few 停更, 关停 or 注销.
fn status(rng: &mut ChaCha20Rng) -> &'static str {
    let s = below(rng, 10_000);
    if s < 9600 {
        "正常"
    } else if s < 9800 {
        "停更"
    } else if s < 9950 {
        "关停"
    } else {
        "注销"
    }
}

/// A later quarter of the same registry: `closed` of the active accounts are shut or deregistered
/// or dropped, `added` new ones appear, and a few change type or owner. Deterministic.
pub fn next_quarter(prev: &[DemoAccount], seed: u64, closed: u64, added: u64) -> Vec<DemoAccount> {
    let mut rng = demo_rng(seed, &["demo-next".to_string()]);
    let mut out: Vec<DemoAccount> = prev.to_vec();
    let active: Vec<usize> = (0..out.len())
        .filter(|i| out[*i].status == "正常")
        .collect();
    let picks = crate::domain::sampling::draw_positions(
        seed,
        &["demo-close".to_string()],
        active.len(),
        closed as usize,
    );
    let mut drop = std::collections::HashSet::new();
    for p in picks {
        let i = active[p];
        match below(&mut rng, 3) {
            0 => out[i].status = "关停".into(),
            1 => out[i].status = "注销".into(),
            _ => {
                drop.insert(i);
            }
        }
    }
    let mut out: Vec<DemoAccount> = out
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !drop.contains(i))
        .map(|(_, a)| a)
        .collect();
    for a in out.iter_mut() {
        if a.status == "正常" && chance(&mut rng, 20) {
            a.owner = format!("{}(机构改革后)", a.owner);
        }
    }
    let base = prev.len() as u64;
    for k in 0..added {
        let mut a = account(&mut rng, base + k + 1, "JS");
        a.status = "正常".into();
        out.push(a);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_shaped_like_the_notice() {
        let a = generate(6030, 1);
        assert_eq!(a, generate(6030, 1));
        assert_ne!(a, generate(6030, 2));
        let prov = a.iter().filter(|x| x.level_raw == "省级").count() as f64 / 6030.0;
        assert!((prov - 375.0 / 6030.0).abs() < 0.015, "{prov}");
        let wechat = a
            .iter()
            .filter(|x| crate::domain::profile::platform(&x.type_raw) == Some("微信"))
            .count() as f64
            / 6030.0;
        assert!((wechat - 3886.0 / 6030.0).abs() < 0.03, "{wechat}");
        assert!(a.iter().any(|x| x.owner_kind == "政府"));
        assert!(a.iter().any(|x| x.status != "正常"));
    }
}
