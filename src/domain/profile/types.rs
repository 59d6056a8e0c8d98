//! Account types as a province reports them: the reported types in order, and the registry
//! spellings that map to each.

use std::collections::BTreeMap;

use super::config::ProfileError;
use super::names::fold_key;

/// The catch-all type: every platform a scheme does not list is reported under it, so
/// [`TypeScheme::classify`] never fails. A scheme's order must contain it.
pub const OTHER: &str = "其他";

/// Platforms with a name of their own, which a registry may spell with a suffix ("快手号",
/// "抖音短视频", "微信视频号"): a scheme that reports one of them finds it in such spellings.
const PLATFORM_WORDS: [&str; 13] = [
    "抖音",
    "头条",
    "快手",
    "视频号",
    "小程序",
    "百家号",
    "小红书",
    "哔哩",
    "bilibili",
    "douyin",
    "kuaishou",
    "toutiao",
    "西瓜",
];

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

    /// The default scheme, the one Jiangsu's 2020 notices use: 微信, 微博, 移动客户端, 其他, with
    /// the common registry spellings of the first three.
    pub fn jiangsu_2020() -> TypeScheme {
        const ALIASES: [(&str, &str); 16] = [
            ("微信公众号", "微信"),
            ("微信服务号", "微信"),
            ("微信订阅号", "微信"),
            ("公众号", "微信"),
            ("服务号", "微信"),
            ("订阅号", "微信"),
            ("wechat", "微信"),
            ("新浪微博", "微博"),
            ("weibo", "微博"),
            ("客户端", "移动客户端"),
            ("app", "移动客户端"),
            ("APP", "移动客户端"),
            ("政务APP", "移动客户端"),
            ("政务客户端", "移动客户端"),
            ("手机客户端", "移动客户端"),
            ("移动端", "移动客户端"),
        ];
        let order = ["微信", "微博", "移动客户端", OTHER]
            .map(String::from)
            .to_vec();
        TypeScheme::new(order, ALIASES).unwrap_or_else(|e| unreachable!("built-in scheme: {e}"))
    }

    /// The reported types in table order.
    pub fn order(&self) -> &[String] {
        &self.order
    }

    /// The reported type of a registry spelling: a listed type or alias (compared without
    /// blanks, width or ASCII case); else the reported type whose name the spelling contains
    /// (the longest such name: "快手号" → 快手, "微信视频号" → 视频号 when the scheme reports
    /// 视频号); else "其他". Callers keep the original platform string beside it.
    pub fn classify(&self, raw: &str) -> &str {
        let key = fold_key(raw);
        if let Some(t) = self.spellings.get(&key) {
            return t;
        }
        self.contained(&key).unwrap_or(OTHER)
    }

    /// The listed platform type whose name a spelling (not itself listed) contains, longest name
    /// first. Only types named after a platform of their own (抖音, 快手, 视频号 …) are found
    /// this way, never 微信 or 微博: "微信小程序" is not a WeChat account.
    fn contained(&self, key: &str) -> Option<&str> {
        self.order
            .iter()
            .filter(|t| {
                let name = fold_key(t);
                PLATFORM_WORDS.iter().any(|w| name.contains(w)) && key.contains(&name)
            })
            .max_by_key(|t| fold_key(t).chars().count())
            .map(String::as_str)
    }

    /// A spelling the scheme does not list that was reported under a type because it contains
    /// that type's name, with the type: import names these so a wrong guess can be corrected.
    pub fn by_name(&self, raw: &str) -> Option<&str> {
        let key = fold_key(raw);
        if self.spellings.contains_key(&key) {
            return None;
        }
        self.contained(&key)
    }

    /// Whether the scheme lists this spelling (as a type or an alias); an unlisted one is 其他.
    pub fn knows(&self, raw: &str) -> bool {
        self.spellings.contains_key(&fold_key(raw))
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

    /// The aliases as (folded spelling, reported type), the order's own names excluded.
    pub fn aliases(&self) -> impl Iterator<Item = (&str, &str)> {
        self.spellings
            .iter()
            .filter(|(k, _)| !self.order.iter().any(|t| fold_key(t) == **k))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
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
        assert!(s.aliases().any(|(k, v)| k == "app" && v == "移动客户端"));
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
        assert_eq!(s.classify("新浪微博号"), "其他", "carriers need an alias");
        assert_eq!(s.by_name("快手号"), Some("快手"));
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
