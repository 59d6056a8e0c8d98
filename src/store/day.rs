//! Dates in the manifest: written as `YYYY-MM-DD` text, read with the same parser the command
//! line used before dates were typed, so a manifest written by any earlier version still loads.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serializer};

use crate::domain::dates::{parse_iso_day, ISO_DAY as FORMAT};

fn parse<E: serde::de::Error>(text: &str) -> Result<NaiveDate, E> {
    parse_iso_day(text).ok_or_else(|| E::custom(format!("\"{text}\" 不是 YYYY-MM-DD 格式的日期")))
}

/// `#[serde(with = "day")]` for a `NaiveDate` field.
pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&d.format(FORMAT))
}

/// `#[serde(with = "day")]` for a `NaiveDate` field.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    parse(&String::deserialize(d)?)
}

/// `#[serde(with = "day::optional")]` for an `Option<NaiveDate>` field.
pub mod optional {
    use super::*;

    /// Writes `Some(d)` as `YYYY-MM-DD`; `None` as nothing (a TOML field cannot be null).
    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&d.format(FORMAT).to_string()),
            None => s.serialize_none(),
        }
    }

    /// Reads an optional `YYYY-MM-DD`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| parse(&t))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Entry {
        #[serde(with = "super")]
        deadline: NaiveDate,
        #[serde(default, with = "super::optional")]
        as_of: Option<NaiveDate>,
    }

    #[test]
    fn same_text_as_before() {
        let e = Entry {
            deadline: NaiveDate::from_ymd_opt(2020, 4, 10).unwrap(),
            as_of: NaiveDate::from_ymd_opt(2020, 3, 20),
        };
        let text = toml::to_string(&e).unwrap();
        assert_eq!(text, "deadline = \"2020-04-10\"\nas_of = \"2020-03-20\"\n");
        assert_eq!(toml::from_str::<Entry>(&text).unwrap(), e);
        // What an earlier version accepted from the command line and stored as given.
        let old: Entry = toml::from_str("deadline = \"2020-4-10\"\n").unwrap();
        assert_eq!((old.deadline, old.as_of), (e.deadline, None));
        assert!(toml::from_str::<Entry>("deadline = \"4月10日\"\n").is_err());
    }
}
