//! Vocabulary: how the many spellings in registry exports map to canonical values.

use crate::domain::text::match_key;

/// Canonical account types of the default scheme, in the order strata sort.
pub const TYPES: [&str; 4] = ["微信", "微博", "移动客户端", "其他"];
/// Canonical levels, 省级 first, in the order strata sort.
pub const LEVELS: [&str; 3] = ["省级", "市级", "县级"];
/// Canonical statuses; only 正常 accounts enter the sampling frame.
pub const STATUSES: [&str; 4] = ["正常", "停更", "关停", "注销"];
/// Canonical owner kinds; 政府 marks accounts that represent a government itself.
pub const OWNER_KINDS: [&str; 3] = ["政府", "部门", "其他单位"];

/// Platform type → 微信 / 微博 / 移动客户端 / 其他. `None` when the spelling is unknown.
pub fn account_type(raw: &str) -> Option<&'static str> {
    let k = match_key(raw);
    SPELLINGS
        .iter()
        .find(|(_, spellings)| spellings.contains(&k.as_str()))
        .map(|(canonical, _)| *canonical)
        .or_else(|| by_keyword(&k))
}

/// Each canonical type with the spellings (as [`match_key`] folds them) that mean it; the first
/// list holding a spelling wins.
const SPELLINGS: [(&str, &[&str]); 4] = [
    ("微信", WECHAT),
    ("微博", WEIBO),
    ("移动客户端", CLIENT),
    ("其他", OTHER),
];

const WECHAT: &[&str] = &[
    "微信",
    "微信公众号",
    "微信服务号",
    "微信订阅号",
    "公众号",
    "服务号",
    "订阅号",
    "微信号",
    "微信公众平台",
    "wechat",
    "weixin",
    "wechat公众号",
];
const WEIBO: &[&str] = &[
    "微博",
    "新浪微博",
    "腾讯微博",
    "政务微博",
    "weibo",
    "sinaweibo",
    "新浪",
];
const CLIENT: &[&str] = &[
    "移动客户端",
    "客户端",
    "app",
    "手机app",
    "移动app",
    "手机客户端",
    "移动应用",
    "移动端",
    "移动客户端(app)",
    "客户端(app)",
];
const OTHER: &[&str] = &[
    "其他",
    "其它",
    "抖音",
    "今日头条",
    "头条",
    "头条号",
    "快手",
    "小程序",
    "微信小程序",
    "支付宝小程序",
    "百家号",
    "视频号",
    "微信视频号",
    "哔哩哔哩",
    "b站",
    "bilibili",
    "人民号",
    "网易号",
    "企鹅号",
    "一点号",
    "澎湃号",
    "搜狐号",
    "新华号",
    "强国号",
    "学习强国",
    "西瓜视频",
    "小红书",
    "知乎",
    "大鱼号",
    "douyin",
    "toutiao",
    "kuaishou",
    "other",
    "others",
    "政务号",
    "抖音号",
    "快手号",
];

/// Spellings the lists do not hold ("抖音短视频", "新浪微博账号", "微信公众平台账号"), by the
/// platform word they contain; other platforms first, so 微信小程序 and 微信视频号 are 其他.
fn by_keyword(k: &str) -> Option<&'static str> {
    if crate::domain::profile::PLATFORM_WORDS
        .iter()
        .any(|w| k.contains(w))
    {
        Some("其他")
    } else if k.contains("微博") || k.contains("weibo") {
        Some("微博")
    } else if k.contains("微信") || k.contains("公众号") || k.contains("wechat") {
        Some("微信")
    } else if k.contains("客户端") || k.contains("app") {
        Some("移动客户端")
    } else {
        None
    }
}

/// Administrative level → 省级 / 市级 / 县级.
pub fn level(raw: &str) -> Option<&'static str> {
    let k = match_key(raw);
    const PROVINCE: &[&str] = &[
        "省级",
        "省",
        "省直",
        "省本级",
        "省级部门",
        "provincial",
        "province",
    ];
    const CITY: &[&str] = &[
        "市级",
        "市",
        "设区市",
        "地级市",
        "市本级",
        "设区市级",
        "city",
        "municipal",
        "prefecture",
    ];
    const COUNTY: &[&str] = &[
        "县级",
        "县",
        "区",
        "县级市",
        "县(市、区)",
        "县(市,区)",
        "县市区",
        "县(市区)",
        "乡镇",
        "街道",
        "乡镇(街道)",
        "乡镇街道",
        "乡镇级",
        "乡",
        "镇",
        "county",
        "township",
        "district",
    ];
    if PROVINCE.contains(&k.as_str()) {
        Some("省级")
    } else if CITY.contains(&k.as_str()) {
        Some("市级")
    } else if COUNTY.contains(&k.as_str()) {
        Some("县级")
    } else {
        None
    }
}

/// Operating status → 正常 / 停更 / 关停 / 注销.
pub fn status(raw: &str) -> Option<&'static str> {
    let k = match_key(raw);
    const ACTIVE: &[&str] = &[
        "正常",
        "运行",
        "运行中",
        "正常运行",
        "在用",
        "开通",
        "已开通",
        "active",
        "normal",
    ];
    const STOPPED: &[&str] = &[
        "停更",
        "停止更新",
        "暂停更新",
        "已停更",
        "停更中",
        "stopped",
    ];
    const CLOSED: &[&str] = &["关停", "已关停", "关闭", "已关闭", "closed"];
    const GONE: &[&str] = &["注销", "已注销", "deregistered", "cancelled"];
    if ACTIVE.contains(&k.as_str()) {
        Some("正常")
    } else if STOPPED.contains(&k.as_str()) {
        Some("停更")
    } else if CLOSED.contains(&k.as_str()) {
        Some("关停")
    } else if GONE.contains(&k.as_str()) {
        Some("注销")
    } else {
        None
    }
}

/// Owner kind → 政府 (represents a government itself) / 部门 / 其他单位.
pub fn owner_kind(raw: &str) -> Option<&'static str> {
    let k = match_key(raw);
    const GOV: &[&str] = &[
        "政府",
        "人民政府",
        "代表政府",
        "代表主体为政府",
        "政府门户",
        "政府账号",
        "government",
    ];
    const DEPT: &[&str] = &["部门", "政府部门", "部门单位", "department"];
    const OTHER: &[&str] = &[
        "其他单位",
        "其他",
        "其它",
        "事业单位",
        "其他单位(事业单位)",
        "other",
        "unit",
    ];
    if GOV.contains(&k.as_str()) {
        Some("政府")
    } else if DEPT.contains(&k.as_str()) {
        Some("部门")
    } else if OTHER.contains(&k.as_str()) {
        Some("其他单位")
    } else {
        None
    }
}

/// The 13 prefecture-level cities of Jiangsu, in the province's own order. Regions not in this
/// list sort after it, by name.
pub const JIANGSU_CITIES: [&str; 13] = [
    "南京",
    "无锡",
    "徐州",
    "常州",
    "苏州",
    "南通",
    "连云港",
    "淮安",
    "盐城",
    "扬州",
    "镇江",
    "泰州",
    "宿迁",
];

/// The region a provincial account is filed under.
pub const PROVINCE_REGION: &str = "省本级";

/// Region → "省本级" or the city name without a trailing 市 ("南京市" → "南京").
pub fn region(raw: &str, level: &str) -> String {
    let k = crate::domain::text::clean(&crate::domain::text::fold_width(raw));
    if k.is_empty() {
        return if level == "省级" {
            PROVINCE_REGION.into()
        } else {
            String::new()
        };
    }
    if matches!(k.as_str(), "省本级" | "省级" | "省直" | "省" | "省级部门") {
        return PROVINCE_REGION.into();
    }
    match k.strip_suffix('市') {
        Some(stem) if stem.chars().count() >= 2 => stem.to_string(),
        _ => k,
    }
}

/// Sort key for regions: 省本级 first, then the province's prefectures in `order` (short names,
/// official code order), then others by name. An empty `order` means Jiangsu's.
pub fn region_rank_in(order: &[String], region: &str) -> (usize, String) {
    if region == PROVINCE_REGION {
        return (0, String::new());
    }
    let at = if order.is_empty() {
        JIANGSU_CITIES.iter().position(|c| *c == region)
    } else {
        order.iter().position(|c| c == region)
    };
    match at {
        Some(i) => (1 + i, String::new()),
        None => (usize::MAX, region.to_string()),
    }
}

/// [`region_rank_in`] with Jiangsu's order.
pub fn region_rank(region: &str) -> (usize, String) {
    region_rank_in(&[], region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_variants() {
        for s in ["微信公众号", "微信服务号", "公众号", "WeChat", " 微信 "] {
            assert_eq!(account_type(s), Some("微信"), "{s}");
        }
        for s in ["新浪微博", "Weibo"] {
            assert_eq!(account_type(s), Some("微博"));
        }
        assert_eq!(account_type("新浪微博账号"), Some("微博"));
        assert_eq!(account_type("微信公众平台账号"), Some("微信"));
        assert_eq!(account_type("政务APP"), Some("移动客户端"));
        assert_eq!(account_type("传真"), None);
        for s in ["APP", "App", "客户端"] {
            assert_eq!(account_type(s), Some("移动客户端"));
        }
        for s in [
            "抖音",
            "今日头条",
            "头条号",
            "快手",
            "小程序",
            "百家号",
            "抖音短视频",
            "微信视频号",
        ] {
            assert_eq!(account_type(s), Some("其他"));
        }
        assert_eq!(account_type("传真"), None);
    }

    #[test]
    fn levels_and_regions() {
        assert_eq!(level("设区市"), Some("市级"));
        assert_eq!(level("县（市、区）"), Some("县级"));
        assert_eq!(level("乡镇(街道)"), Some("县级"));
        assert_eq!(region("南京市", "市级"), "南京");
        assert_eq!(region("", "省级"), "省本级");
        assert!(region_rank("南京") < region_rank("宿迁"));
        assert!(region_rank("宿迁") < region_rank("其他市"));
    }
}
