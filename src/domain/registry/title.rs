//! What a registry export says about itself in the rows above its header: the province
//! ("江苏省政务新媒体备案台账") and the date it counts to ("截至2020年3月20日"). Pure.

use crate::domain::profile::{provinces, Province};
use chrono::NaiveDate;

/// Facts read from the title rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TitleFacts {
    /// The one province whose full name the title rows contain.
    pub province: Option<&'static Province>,
    /// The date after 截至/截止.
    pub as_of: Option<NaiveDate>,
    /// The text after 截至/截止 when it is no valid date ("2020年2月30日"), to say so.
    pub unreadable_as_of: Option<String>,
}

/// Read the title rows above the header.
pub fn title_facts(rows: &[Vec<String>]) -> TitleFacts {
    let text: String = rows
        .iter()
        .flatten()
        .map(|c| crate::domain::text::clean(&crate::domain::text::fold_width(c)))
        .collect();
    let named: Vec<&'static Province> = provinces()
        .iter()
        .filter(|p| text.contains(p.name.as_str()))
        .collect();
    let as_of = as_of_date(&text);
    let unreadable_as_of = match as_of {
        Some(_) => None,
        None => ["截至", "截止"].iter().find_map(|k| {
            let rest = &text[text.find(k)? + k.len()..];
            let date_like = |c: &char| c.is_ascii_digit() || "年月日-./ :：".contains(*c);
            Some(
                rest.chars()
                    .take_while(date_like)
                    .take(16)
                    .collect::<String>(),
            )
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
        }),
    };
    TitleFacts {
        province: (named.len() == 1).then(|| named[0]),
        as_of,
        unreadable_as_of,
    }
}

/// "截至2020年3月20日" (or 截止, or 2020-03-20 / 2020.3.20 after it) → the date.
///
/// ```
/// use audit::domain::registry::title::as_of_date;
/// let d = as_of_date("江苏省政务新媒体备案台账(截至2020年3月20日)").unwrap();
/// assert_eq!(d.to_string(), "2020-03-20");
/// assert!(as_of_date("备案台账").is_none());
/// ```
pub fn as_of_date(text: &str) -> Option<NaiveDate> {
    let at = ["截至", "截止"].iter().filter_map(|k| text.find(k)).min()?;
    // Up to three characters (":", "到", a space) between the word and the year.
    let rest: Vec<char> = text[at + "截至".len()..].chars().collect();
    let start = rest.iter().take(4).position(char::is_ascii_digit)?;
    let mut parts: Vec<u32> = Vec::new();
    let mut cur = String::new();
    for &c in &rest[start..] {
        if c.is_ascii_digit() && cur.len() < 4 {
            cur.push(c);
            continue;
        }
        parts.push(cur.parse().ok()?);
        cur.clear();
        if parts.len() == 3 || !matches!(c, '年' | '月' | '-' | '.' | '/') {
            break;
        }
    }
    if !cur.is_empty() {
        parts.push(cur.parse().ok()?);
    }
    match parts[..] {
        [y, m, d, ..] => NaiveDate::from_ymd_opt(y as i32, m, d),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(s: &str) -> Vec<String> {
        vec![s.to_string(), String::new()]
    }

    #[test]
    fn province_and_date_from_the_title() {
        let f = title_facts(&[row("江苏省政务新媒体备案台账"), row("截至2020年3月20日")]);
        assert_eq!(f.province.map(|p| p.short.as_str()), Some("江苏"));
        assert_eq!(f.as_of, NaiveDate::from_ymd_opt(2020, 3, 20));
        assert_eq!(
            as_of_date("截止 2020-03-20"),
            NaiveDate::from_ymd_opt(2020, 3, 20)
        );
        assert_eq!(
            as_of_date("截至:2021.12.1 统计"),
            NaiveDate::from_ymd_opt(2021, 12, 1)
        );
        assert_eq!(as_of_date("截至2020年13月40日"), None);
        assert_eq!(title_facts(&[row("政务新媒体台账")]), TitleFacts::default());
        // Full-width digits are read; an impossible date is reported, not taken for none.
        let f = title_facts(&[row("截至２０２０年３月２０日")]);
        assert_eq!(f.as_of, NaiveDate::from_ymd_opt(2020, 3, 20));
        let f = title_facts(&[row("截至2020年2月30日")]);
        assert_eq!(
            (f.as_of, f.unreadable_as_of.as_deref()),
            (None, Some("2020年2月30日"))
        );
    }
}
