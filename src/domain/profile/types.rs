//! Account types as a province reports them: the reported types in order, and the registry
//! spellings that map to each.

use std::collections::BTreeMap;

use super::config::ProfileError;
use super::names::fold_key;

/// The catch-all type: every platform a scheme does not list is reported under it, so
/// [`TypeScheme::classify`] never fails. A scheme's order must contain it.
pub const OTHER: &str = "其他";

/// The reported account types of a province, in the order its tables list them, and the registry
/// spellings of each ("微信公众号" → "微信"). Exports spell types many ways; a notice reports a
/// few.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeScheme {
    order: Vec<String>,
    /// Folded spelling → reported type (an entry of `order`); the order's own names included.
    spellings: BTreeMap<String, String>,
}

impl TypeScheme {
    /// A scheme from its reported types in order and (spelling, type) aliases. Refused: an empty
    /// order, an empty or repeated type, an order without "其他", an alias to a type not in the
    /// order, and a spelling mapped to two types (spellings compare without blanks, width or
    /// ASCII case).
    pub fn new<I, S>(order: Vec<String>, aliases: I) -> Result<TypeScheme, ProfileError>
    where
        I: IntoIterator<Item = (S, S)>,
        S: AsRef<str>,
    {
        let order: Vec<String> = order.iter().map(|t| t.trim().to_string()).collect();
        if order.is_empty() {
            return Err(ProfileError::EmptyOrder);
        }
        let mut spellings: BTreeMap<String, String> = BTreeMap::new();
        for reported in &order {
            let key = fold_key(reported);
            if key.is_empty() {
                return Err(ProfileError::EmptyType);
            }
            if spellings.insert(key, reported.clone()).is_some() {
                return Err(ProfileError::DuplicateType {
                    name: reported.clone(),
                });
            }
        }
        if !order.iter().any(|t| t == OTHER) {
            return Err(ProfileError::MissingOther);
        }
        for (spelling, target) in aliases {
            let (spelling, target) = (spelling.as_ref(), target.as_ref().trim());
            let reported = order.iter().find(|t| *t == target).ok_or_else(|| {
                ProfileError::TypeAliasTarget {
                    alias: spelling.to_string(),
                    target: target.to_string(),
                }
            })?;
            add_spelling(&mut spellings, spelling, reported)?;
        }
        Ok(TypeScheme { order, spellings })
    }

    /// The default scheme, the one Jiangsu's 2020 notices use: 微信, 微博, 移动客户端, 其他; the
    /// spellings of each come from the built-in platform list ([`platform`]).
    pub fn jiangsu_2020() -> TypeScheme {
        let none: [(&str, &str); 0] = [];
        let order = ["微信", "微博", "移动客户端", OTHER]
            .map(String::from)
            .to_vec();
        TypeScheme::new(order, none).unwrap_or_else(|e| unreachable!("built-in scheme: {e}"))
    }

    /// Whether this is the built-in scheme ([`TypeScheme::jiangsu_2020`]): under it a spelling
    /// no list knows is refused at import; under a profile's own `[types]` it is reported as 其他.
    pub fn is_builtin(&self) -> bool {
        *self == TypeScheme::jiangsu_2020()
    }

    /// The reported types in table order.
    pub fn order(&self) -> &[String] {
        &self.order
    }

    /// The reported type of a registry spelling: a type or alias the profile lists (compared
    /// without blanks, width or ASCII case), else the built-in platform it names ([`platform`]):
    /// that platform when the order lists it, else 其他. None when no list knows the spelling.
    pub fn lookup(&self, raw: &str) -> Option<&str> {
        if let Some(t) = self.spellings.get(&fold_key(raw)) {
            return Some(t);
        }
        let p = fold_key(platform(raw)?);
        Some(
            self.order
                .iter()
                .find(|t| fold_key(t) == p)
                .map(String::as_str)
                .unwrap_or(OTHER),
        )
    }

    /// The reported type of a registry spelling ([`TypeScheme::lookup`]), 其他 when no list knows
    /// it. Callers keep the original platform string beside it.
    pub fn classify(&self, raw: &str) -> &str {
        self.lookup(raw).unwrap_or(OTHER)
    }

    /// Whether the spelling is reported under a type the scheme means for it: listed by the
    /// profile, or a built-in platform the order lists (or 其他 itself). A spelling this is false
    /// for is reported as 其他 only because nothing lists it, and import names it.
    pub fn knows(&self, raw: &str) -> bool {
        self.spellings.contains_key(&fold_key(raw))
            || platform(raw).is_some_and(|p| p == OTHER || self.lookup(raw) != Some(OTHER))
    }

    /// A spelling neither the profile nor the built-in list holds, reported under a type only
    /// because it contains a platform's name ("快手政务号" → 快手, "新浪微博号" → 微博), with that
    /// type; import lists these so a wrong guess is seen. None for 其他.
    pub fn by_name(&self, raw: &str) -> Option<&str> {
        if self.spellings.contains_key(&fold_key(raw)) {
            return None;
        }
        let (_, by_word) = platform_match(raw)?;
        let t = self.lookup(raw)?;
        (by_word && t != OTHER).then_some(t)
    }

    /// Every spelling the scheme knows, as (spelling, reported type): the order and the
    /// profile's aliases, then the built-in platform spellings; for the closest-name hints.
    pub fn spellings(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = self
            .spellings
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        for (_, list) in PLATFORMS {
            out.extend(list.iter().map(|s| (*s, self.classify(s))));
        }
        out
    }

    /// Position of a reported type in the order, for sorting table rows; a type not in the order
    /// sorts after all of them.
    pub fn rank(&self, reported: &str) -> usize {
        let key = fold_key(reported);
        self.order
            .iter()
            .position(|t| fold_key(t) == key)
            .unwrap_or(self.order.len())
    }
}

/// The platform a type spelling names by the built-in list ("微信公众号" → 微信, "头条号" → 今日头条,
/// "抖音短视频" → 抖音), None when it knows none. The one list of type spellings: the default
/// scheme, a profile's scheme, quota files and monitoring exports all classify through it.
pub fn platform(raw: &str) -> Option<&'static str> {
    platform_match(raw).map(|(p, _)| p)
}

/// The platform a spelling names, and whether only by a word it contains (not by the list).
fn platform_match(raw: &str) -> Option<(&'static str, bool)> {
    let k = fold_key(raw);
    if k.is_empty() {
        return None;
    }
    PLATFORMS
        .iter()
        .find(|(_, spellings)| spellings.iter().any(|s| fold_key(s) == k))
        .map(|(p, _)| (*p, false))
        .or_else(|| by_keyword(&k).map(|p| (p, true)))
}

/// Each platform with its spellings; the first list holding a spelling wins. The first three
/// are the default scheme's types; every other platform is reported under 其他 unless a
/// profile's order lists it.
const PLATFORMS: &[(&str, &[&str])] = &[
    (
        "微信",
        &[
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
        ],
    ),
    (
        "微博",
        &[
            "微博",
            "新浪微博",
            "腾讯微博",
            "政务微博",
            "weibo",
            "sinaweibo",
            "新浪",
        ],
    ),
    (
        "移动客户端",
        &[
            "移动客户端",
            "客户端",
            "app",
            "手机app",
            "移动app",
            "政务app",
            "手机客户端",
            "政务客户端",
            "移动应用",
            "移动端",
            "移动客户端(app)",
            "客户端(app)",
        ],
    ),
    ("抖音", &["抖音", "抖音号", "douyin"]),
    ("今日头条", &["今日头条", "头条", "头条号", "toutiao"]),
    ("快手", &["快手", "快手号", "kuaishou"]),
    ("小程序", &["小程序", "微信小程序", "支付宝小程序"]),
    ("视频号", &["视频号", "微信视频号"]),
    ("百家号", &["百家号"]),
    ("哔哩哔哩", &["哔哩哔哩", "b站", "bilibili"]),
    ("人民号", &["人民号"]),
    ("网易号", &["网易号"]),
    ("企鹅号", &["企鹅号"]),
    ("一点号", &["一点号"]),
    ("澎湃号", &["澎湃号"]),
    ("搜狐号", &["搜狐号"]),
    ("新华号", &["新华号"]),
    ("学习强国", &["强国号", "学习强国"]),
    ("西瓜视频", &["西瓜视频"]),
    ("小红书", &["小红书"]),
    ("知乎", &["知乎"]),
    ("大鱼号", &["大鱼号"]),
    (OTHER, &["其他", "其它", "other", "others", "政务号"]),
];

/// Spellings the list does not hold ("抖音短视频", "新浪微博账号", "微信公众平台账号"), by the
/// platform word they contain; the smaller platforms first, so 微信小程序 and 微信视频号 are not 微信.
fn by_keyword(k: &str) -> Option<&'static str> {
    const WORDS: &[(&str, &str)] = &[
        ("抖音", "抖音"),
        ("douyin", "抖音"),
        ("头条", "今日头条"),
        ("toutiao", "今日头条"),
        ("快手", "快手"),
        ("kuaishou", "快手"),
        ("视频号", "视频号"),
        ("小程序", "小程序"),
        ("百家号", "百家号"),
        ("小红书", "小红书"),
        ("哔哩", "哔哩哔哩"),
        ("bilibili", "哔哩哔哩"),
        ("西瓜", "西瓜视频"),
        ("微博", "微博"),
        ("weibo", "微博"),
        ("微信", "微信"),
        ("公众号", "微信"),
        ("wechat", "微信"),
        ("客户端", "移动客户端"),
        ("app", "移动客户端"),
    ];
    WORDS.iter().find(|(w, _)| k.contains(w)).map(|(_, p)| *p)
}

/// Map a spelling to a reported type; the same spelling twice must agree.
fn add_spelling(
    spellings: &mut BTreeMap<String, String>,
    spelling: &str,
    reported: &str,
) -> Result<(), ProfileError> {
    let key = fold_key(spelling);
    if key.is_empty() {
        return Err(ProfileError::EmptyType);
    }
    match spellings.get(&key) {
        Some(existing) if existing != reported => Err(ProfileError::TypeAliasConflict {
            alias: spelling.to_string(),
            first: existing.clone(),
            second: reported.to_string(),
        }),
        Some(_) => Ok(()),
        None => {
            spellings.insert(key, reported.to_string());
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jiangsu_scheme_classifies_common_spellings() {
        let s = TypeScheme::jiangsu_2020();
        assert_eq!(s.order(), ["微信", "微博", "移动客户端", "其他"]);
        for (raw, reported) in [
            ("微信公众号", "微信"),
            (" 微信 ", "微信"),
            ("WeChat", "微信"),
            ("新浪微博", "微博"),
            ("ＡＰＰ", "移动客户端"),
            ("App", "移动客户端"),
            ("政务app", "移动客户端"),
            ("抖音", "其他"),
            ("微信小程序", "其他"),
            ("", "其他"),
        ] {
            assert_eq!(s.classify(raw), reported, "{raw}");
        }
        assert_eq!(s.rank("微博"), 1);
        assert_eq!(s.rank("其他"), 3);
        assert_eq!(s.rank("抖音"), 4);
        assert!(s.knows("App") && !s.knows("传真"));
        assert_eq!(s.lookup("传真"), None);
    }

    /// The built-in list: the registry spellings of the default types, and the platforms the
    /// default scheme reports as 其他.
    #[test]
    fn builtin_platforms() {
        let s = TypeScheme::jiangsu_2020();
        for raw in [
            "微信公众号",
            "微信服务号",
            "公众号",
            "WeChat",
            " 微信 ",
            "微信公众平台账号",
        ] {
            assert_eq!(s.lookup(raw), Some("微信"), "{raw}");
        }
        for raw in ["新浪微博", "Weibo", "新浪微博账号"] {
            assert_eq!(s.lookup(raw), Some("微博"), "{raw}");
        }
        for raw in ["APP", "App", "客户端", "政务APP"] {
            assert_eq!(s.lookup(raw), Some("移动客户端"), "{raw}");
        }
        for raw in [
            "抖音",
            "今日头条",
            "头条号",
            "快手",
            "小程序",
            "百家号",
            "抖音短视频",
            "微信视频号",
        ] {
            assert_eq!(s.lookup(raw), Some(OTHER), "{raw}");
        }
        assert_eq!(s.lookup("传真"), None);
        assert_eq!(platform("抖音短视频"), Some("抖音"));
        assert_eq!(platform("微信小程序"), Some("小程序"));
    }

    /// A profile that lists platforms gets their built-in spellings too: 头条号 is 今日头条 and
    /// 微信服务号 is 微信 without an alias; a platform the order lacks is 其他, and said so.
    #[test]
    fn a_platform_scheme_uses_the_builtin_spellings() {
        let order = ["微信", "微博", "抖音", "今日头条", OTHER]
            .map(String::from)
            .to_vec();
        let s = TypeScheme::new(order, [("政务抖音号", "抖音")]).unwrap();
        assert!(!s.is_builtin());
        assert_eq!(s.classify("头条号"), "今日头条");
        assert_eq!(s.classify("抖音短视频"), "抖音");
        assert_eq!(s.classify("政务抖音号"), "抖音");
        assert_eq!(s.classify("微信服务号"), "微信");
        assert_eq!(s.classify("快手"), OTHER);
        assert_eq!(s.classify("APP"), OTHER);
        assert!(s.knows("头条号") && s.knows("其它"));
        assert!(!s.knows("快手") && !s.knows("传真"));
    }

    #[test]
    fn a_spelling_that_names_a_reported_platform_is_reported_under_it() {
        let order = ["微信", "微博", "抖音", "快手", "视频号", "其他"]
            .map(String::from)
            .to_vec();
        let s = TypeScheme::new(order, [("微信公众号", "微信")]).unwrap();
        assert_eq!(s.classify("快手"), "快手");
        assert_eq!(s.classify("快手号"), "快手");
        assert_eq!(s.classify("微信视频号"), "视频号");
        assert_eq!(s.classify("抖音短视频"), "抖音");
        assert_eq!(s.classify("今日头条"), "其他");
        assert_eq!(s.classify("微信小程序"), "其他", "not a WeChat account");
        // By the word it contains, as under the built-in scheme; import lists the guess.
        assert_eq!(s.classify("新浪微博号"), "微博");
        assert_eq!(s.by_name("新浪微博号"), Some("微博"));
        assert_eq!(s.by_name("快手政务号"), Some("快手"));
        // Spellings the built-in list holds are no guess.
        assert_eq!(s.by_name("快手号"), None);
        assert_eq!(s.by_name("快手"), None);
        assert_eq!(s.by_name("今日头条"), None);
    }

    #[test]
    fn bad_schemes_are_refused() {
        let order = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let none: [(&str, &str); 0] = [];
        assert_eq!(TypeScheme::new(vec![], none), Err(ProfileError::EmptyOrder));
        assert_eq!(
            TypeScheme::new(order(&["微信", "微博"]), none),
            Err(ProfileError::MissingOther)
        );
        assert!(matches!(
            TypeScheme::new(order(&["微信", "微信", "其他"]), none),
            Err(ProfileError::DuplicateType { .. })
        ));
        assert!(matches!(
            TypeScheme::new(order(&["微信", "其他"]), [("新浪微博", "微博")]),
            Err(ProfileError::TypeAliasTarget { .. })
        ));
        assert!(matches!(
            TypeScheme::new(order(&["微信", "微博", "其他"]), [("微博", "微信")]),
            Err(ProfileError::TypeAliasConflict { .. })
        ));
    }
}
