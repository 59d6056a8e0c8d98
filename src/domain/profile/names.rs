//! Name handling for divisions: input normalisation, stems and similarity. Local to `profile` so
//! the module stays self-contained.

/// Fold full-width ASCII and the ideographic space, then drop every blank: registry cells come
/// with stray spaces ("南京市 玄武区") and full-width letters.
pub(crate) fn normalise(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{FEFF}' | '\u{200B}'))
        .collect()
}

/// Like [`normalise`], and ASCII lower-cased: the key for type spellings ("APP", "ａｐｐ").
pub(crate) fn fold_key(s: &str) -> String {
    normalise(s).to_ascii_lowercase()
}

/// Ethnic group names as they appear inside autonomous-area names (without 族), longest first
/// where one ends another (土家 before 土).
const ETHNIC: &[&str] = &[
    "柯尔克孜",
    "乌孜别克",
    "维吾尔",
    "哈萨克",
    "达斡尔",
    "塔吉克",
    "俄罗斯",
    "鄂温克",
    "鄂伦春",
    "塔塔尔",
    "蒙古",
    "朝鲜",
    "布依",
    "土家",
    "哈尼",
    "傈僳",
    "高山",
    "拉祜",
    "东乡",
    "纳西",
    "景颇",
    "仫佬",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "德昂",
    "保安",
    "裕固",
    "独龙",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
    "回",
    "藏",
    "苗",
    "彝",
    "壮",
    "满",
    "侗",
    "瑶",
    "白",
    "傣",
    "黎",
    "佤",
    "畲",
    "水",
    "土",
    "羌",
    "怒",
    "京",
    "各",
];

/// Generic suffixes removed to get a stem, longest first.
const SUFFIXES: &[&str] = &[
    "自治县",
    "自治旗",
    "自治州",
    "新区",
    "林区",
    "特区",
    "地区",
    "市",
    "区",
    "县",
    "旗",
    "盟",
];

/// The kind of an autonomous unit, from its official name: 自治州 → "州", 自治县 → "县",
/// 自治旗 → "旗"; None for other names.
pub(crate) fn autonomous_kind(name: &str) -> Option<&'static str> {
    ["州", "县", "旗"]
        .into_iter()
        .find(|k| name.ends_with(&format!("自治{k}")))
}

/// The stem of a division name: the generic suffix removed (海门区 → 海门, 江阴市 → 江阴), and for
/// an autonomous unit the ethnic names too (黔东南苗族侗族自治州 → 黔东南). Returns the name itself
/// when nothing is removed. Callers decide whether a short stem is usable.
pub(crate) fn stem(name: &str) -> &str {
    let Some(suffix) = SUFFIXES.iter().find(|s| name.ends_with(**s)) else {
        return name;
    };
    let mut rest = &name[..name.len() - suffix.len()];
    if suffix.starts_with("自治") {
        while let Some(stripped) = strip_ethnic(rest) {
            rest = stripped;
        }
    }
    if rest.is_empty() {
        name
    } else {
        rest
    }
}

fn strip_ethnic(s: &str) -> Option<&str> {
    let body = s.strip_suffix('族')?;
    ETHNIC
        .iter()
        .find_map(|e| body.strip_suffix(e))
        .filter(|r| !r.is_empty())
}

/// Whether a stem is long enough to match on its own: one character (沛, 忠) is not, so "沛" never
/// matches 沛县 loosely.
pub(crate) fn usable_stem(stem: &str) -> bool {
    stem.chars().count() >= 2
}

/// The name similarity measures, shared with the closest-name hints of headers and spellings.
pub(crate) use crate::domain::text::{edit_distance, shared_chars};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert_eq!(stem("海门区"), "海门");
        assert_eq!(stem("江阴市"), "江阴");
        assert_eq!(stem("黔东南苗族侗族自治州"), "黔东南");
        assert_eq!(stem("恩施土家族苗族自治州"), "恩施");
        assert_eq!(stem("长阳土家族自治县"), "长阳");
        assert_eq!(stem("积石山保安族东乡族撒拉族自治县"), "积石山");
        assert_eq!(stem("浦东新区"), "浦东");
        assert_eq!(stem("阿克苏地区"), "阿克苏");
        assert_eq!(stem("沛县"), "沛");
        assert!(!usable_stem(stem("沛县")));
        assert_eq!(stem("区"), "区");
    }

    #[test]
    fn normalising() {
        assert_eq!(normalise(" 南京市\u{3000}玄武区 "), "南京市玄武区");
        assert_eq!(fold_key("ＡＰＰ"), "app");
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("火星市", "南京市"), 2);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("昆山", "昆山市"), 1);
        assert_eq!(shared_chars("苏州园区", "苏州工业园区"), 4);
    }
}
