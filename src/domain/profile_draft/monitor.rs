//! The `[monitor.columns]` part of a profile draft (`audit profile init --monitor FILE`): every
//! header of an office's monitoring export with what it means, a line to fill in for each one no
//! list knows, and the pre-fill rules its columns leave without evidence.

use super::{Line, Section};
use crate::domain::indicators::Catalog;
use crate::domain::monitor::headers::{
    draft_section, missing_evidence, unused, ColumnAliases, Meaning, MissingEvidence, Unused,
};

/// What the draft found in the monitoring export's header, for the command to say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonitorFacts {
    /// The export's file name, as the draft names it.
    pub source: String,
    /// The header's 1-based row.
    pub header_row: u32,
    /// Each header understood, with the README's name for it, in column order.
    pub understood: Vec<(String, &'static str)>,
    /// The headers no list knows, with the closest known names.
    pub unknown: Vec<Unused>,
    /// The built-in catalog's pre-fill rules whose evidence column the header lacks.
    pub missing: Vec<MissingEvidence>,
}

/// The draft's section for a monitoring export's header (row `header_row` of `source`): the
/// text of [`draft_section`] (every line a comment, so the draft parses as written; a header
/// not understood is a line to uncomment and fill in), under a note saying how. No profile
/// mapping exists yet, so the headers are read by the built-in names alone.
pub fn monitor_section(
    source: &str,
    header_row: u32,
    headers: &[String],
) -> (Section, MonitorFacts) {
    let aliases = ColumnAliases::default();
    let understood: Vec<(String, &'static str)> = headers
        .iter()
        .filter_map(|h| aliases.meaning(h).map(|m| (h.clone(), m.label())))
        .collect();
    let evidence: Vec<_> = headers
        .iter()
        .filter_map(|h| match aliases.meaning(h) {
            Some(Meaning::Evidence(c)) => Some(c),
            _ => None,
        })
        .collect();
    let facts = MonitorFacts {
        source: source.to_string(),
        header_row,
        understood,
        unknown: unused(headers, &aliases),
        missing: missing_evidence(&Catalog::builtin(), &evidence),
    };
    let mut about = vec![format!(
        "监测数据 {source} 第 {header_row} 行表头的每一列(audit sheet --monitor 读取):已识别的列只作注释;"
    )];
    about.push(
        "未识别的列若是监测数据,去掉行首的 \"# \" 并在 \"\" 中填 README 中的列名(如 \"最近更新时间\"),否则不用管"
            .to_string(),
    );
    for m in &facts.missing {
        about.push(m.describe());
    }
    let section = Section {
        table: None,
        about,
        lines: vec![Line::Raw {
            toml: draft_section(headers, &aliases).trim_end().to_string(),
            note: String::new(),
        }],
        commented: false,
    };
    (section, facts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile_draft::{render, unfilled_lines};

    /// A vendor's export: its built-in spellings are understood, its own ones are lines to
    /// fill in, and the rules they leave without evidence are named; as drafted the section
    /// parses and maps nothing, filled in it maps the vendor's header.
    #[test]
    fn a_vendor_header_becomes_a_section_to_fill_in() {
        let headers: Vec<String> = ["序号", "账号ID", "最后发文时间", "超时未复", "监测时间"]
            .map(String::from)
            .to_vec();
        let (section, facts) = monitor_section("监测.xlsx", 2, &headers);
        assert_eq!(
            facts.understood,
            [
                ("账号ID".to_string(), "账号ID"),
                ("最后发文时间".to_string(), "最近更新时间"),
                ("监测时间".to_string(), "监测时间"),
            ]
        );
        let unknown: Vec<&str> = facts.unknown.iter().map(|u| u.header.as_str()).collect();
        assert_eq!(unknown, ["序号", "超时未复"]);
        let codes: Vec<&str> = facts.missing.iter().map(|m| m.code.as_str()).collect();
        assert_eq!(codes, ["V7", "V8"]);
        let text = format!("province = \"四川\"\n\n{}", render(&[section]));
        assert!(text.contains("# 监测数据 监测.xlsx 第 2 行表头"), "{text}");
        assert!(text.contains("\n[monitor.columns]"), "{text}");
        assert!(
            text.contains("# \"超时未复\" = \"\"   # ? 未识别;最接近:"),
            "{text}"
        );
        assert!(unfilled_lines(&text).is_empty());
        let p = crate::domain::profile::Profile::parse(&text).unwrap();
        assert!(p.monitor_columns.is_empty());
        let filled = text.replace("# \"超时未复\" = \"\"", "\"超时未复\" = \"未回复数\"");
        let p = crate::domain::profile::Profile::parse(&filled).unwrap();
        assert_eq!(p.monitor_columns.iter().count(), 1);
    }
}
