//! Functional zones (经开区, 高新区, 园区) that report as a group of their own in a city's or a
//! county's notice although the division data does not list them, with the names registries use
//! for each (`[zones]` in a profile).

use super::names::normalise;

/// One functional zone: the name its group is reported under and every name that means it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    /// The name tables and the draft print ("经开区").
    pub name: String,
    /// The names a registry may use for it, normalised, its own name first.
    names: Vec<String>,
}

impl Zone {
    /// A zone reported as `name`, also written as each of `aliases`.
    pub fn new(name: &str, aliases: &[String]) -> Zone {
        let mut names = vec![normalise(name)];
        for a in aliases {
            let a = normalise(a);
            if !a.is_empty() && !names.contains(&a) {
                names.push(a);
            }
        }
        Zone {
            name: name.trim().to_string(),
            names,
        }
    }

    /// Every name of the zone, normalised, its own name first.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Whether a 所属地区 names this zone: one of its names, alone or after the scope's names
    /// ("经开区", "无锡市经开区", "无锡经济开发区").
    pub fn named_by_region(&self, region: &str, prefixes: &[String]) -> bool {
        let region = normalise(region);
        let rest = strip_all(&region, prefixes);
        self.names.iter().any(|n| *n == region || n == rest)
    }

    /// Whether an owner's name begins with one of the zone's names, alone or after the scope's
    /// names ("无锡经济开发区管委会", "经开区社会事业局").
    pub fn named_by_owner(&self, owner: &str, prefixes: &[String]) -> bool {
        let owner = normalise(owner);
        let rest = strip_all(&owner, prefixes);
        self.names
            .iter()
            .any(|n| owner.starts_with(n.as_str()) || rest.starts_with(n.as_str()))
    }
}

/// `s` with each of `prefixes` taken off its start in turn (longest first, as given).
fn strip_all<'a>(s: &'a str, prefixes: &[String]) -> &'a str {
    let mut rest = s;
    for p in prefixes {
        if let Some(r) = rest.strip_prefix(p.as_str()) {
            rest = r;
        }
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zone_by_any_of_its_names() {
        let z = Zone::new("经开区", &["无锡经济开发区".into(), "经开区".into()]);
        let p = vec!["无锡市".to_string(), "无锡".to_string()];
        for region in ["经开区", "无锡市经开区", "无锡经济开发区", " 经开区 "] {
            assert!(z.named_by_region(region, &p), "{region}");
        }
        assert!(!z.named_by_region("新吴区", &p));
        assert!(z.named_by_owner("无锡经济开发区管理委员会", &p));
        assert!(z.named_by_owner("无锡市经开区社会事业局", &p));
        assert!(!z.named_by_owner("无锡市公安局", &p));
        assert_eq!(z.names(), ["经开区", "无锡经济开发区"]);
    }
}
