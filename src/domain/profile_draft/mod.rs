//! `audit profile init`: a commented profile draft written from an office's own registry
//! export. One pass over the export gathers the rows above the header, the header, and each
//! column's values with their counts ([`ExportScan`]); [`registry_sections`] turns that into
//! TOML sections — the province found, every header with the field it maps to, every level,
//! type, status and owner-kind spelling with its count and mapping, unresolved regions with
//! suggestions — and [`render`] writes them. Whatever the draft cannot tell is a line whose
//! value is `"?"`, which the profile parser refuses until the user fills it in.
//!
//! A monitoring export (`--monitor FILE`) adds its own section, `[monitor.columns]`, by
//! [`monitor_section`]; the caller appends it after the registry's and [`render`] writes all
//! sections in order. That section carries TOML text made elsewhere as one [`Line::Raw`] under
//! `table: None` (what `monitor::headers::draft_section` returns starts with its own
//! `[monitor.columns]` header); placed after the registry's sections, it stays valid TOML.

mod monitor;
mod sections;

use crate::domain::text::{clean, toml_string};
use crate::domain::vocab::{ColumnAliases, Field};
use std::collections::BTreeMap;

pub use monitor::{monitor_section, MonitorFacts};
pub use sections::{registry_sections, DraftFacts};

/// Rows looked at for the header.
pub const HEADER_SCAN_ROWS: usize = 50;

/// Distinct values counted per column; a column with more (names, ids, links) is a column of
/// free text, and only its filled cells are counted.
pub const DISTINCT_CAP: usize = 2_000;

/// The longest value counted as a spelling: a level, type, status or place is a few words;
/// a longer cell is free text, counted as filled only.
pub const SPELLING_CHARS: usize = 64;

/// The most bytes of distinct values one scan keeps over all its columns (a sheet of 512
/// columns of long shared strings would otherwise hold gigabytes; attack finding).
pub const DISTINCT_BYTES: usize = 16 << 20;

/// One column's values: each distinct value with its rows, up to [`DISTINCT_CAP`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValueCounts {
    /// Distinct cleaned values → rows.
    pub counts: BTreeMap<String, u64>,
    /// Rows whose cell is not blank.
    pub filled: u64,
    /// More distinct values than were kept.
    pub overflow: bool,
}

/// What one pass over an export gathers for the draft.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportScan {
    /// The rows above the header (titles, notes).
    pub title_rows: Vec<Vec<String>>,
    /// The header's 1-based row.
    pub header_row: u32,
    /// The header's cells, cleaned.
    pub headers: Vec<String>,
    /// Each column's values, by header position.
    pub columns: Vec<ValueCounts>,
    /// Data rows with at least one cell filled.
    pub rows: u64,
    /// Bytes of the distinct values kept, against [`DISTINCT_BYTES`].
    pub kept_bytes: usize,
}

impl ExportScan {
    /// A scan whose header is row `header_row` of `rows` (the first rows of the file); the rows
    /// after it are counted as data.
    pub fn new(rows: &[(u32, Vec<String>)], at: usize) -> ExportScan {
        let (header_row, cells) = &rows[at];
        let cells = header_cells(rows, at).unwrap_or_else(|| cells.clone());
        let headers: Vec<String> = cells.iter().map(|c| clean(c)).collect();
        let mut scan = ExportScan {
            title_rows: rows[..at].iter().map(|(_, c)| c.clone()).collect(),
            header_row: *header_row,
            columns: vec![ValueCounts::default(); headers.len()],
            headers,
            rows: 0,
            kept_bytes: 0,
        };
        for (_, cells) in &rows[at + 1..] {
            scan.push(cells);
        }
        scan
    }

    /// Count one data row (blank rows and notes under the table are skipped; cells beyond the
    /// header are ignored).
    pub fn push(&mut self, cells: &[String]) {
        if crate::domain::registry::shape::note_row(cells).is_some() {
            return;
        }
        let cleaned: Vec<String> = cells.iter().map(|c| clean(c)).collect();
        if cleaned.iter().all(String::is_empty) {
            return;
        }
        self.rows += 1;
        for (col, v) in self.columns.iter_mut().zip(cleaned) {
            if v.is_empty() {
                continue;
            }
            col.filled += 1;
            if let Some(n) = col.counts.get_mut(&v) {
                *n += 1;
            } else if col.counts.len() < DISTINCT_CAP
                && v.chars().count() <= SPELLING_CHARS
                && self.kept_bytes + v.len() <= DISTINCT_BYTES
            {
                self.kept_bytes += v.len();
                col.counts.insert(v, 1);
            } else {
                col.overflow = true;
            }
        }
    }
}

/// Which of the first rows is the header: the first that names every required field by the
/// built-in headers, else the one naming the most fields (at least two; the earliest of equals).
pub fn pick_header(rows: &[(u32, Vec<String>)]) -> Option<usize> {
    let none = ColumnAliases::default();
    let cells = |i: usize| header_cells(rows, i).unwrap_or_else(|| rows[i].1.clone());
    let first_full = (0..rows.len()).position(|i| {
        crate::domain::registry::HeaderMap::detect(rows[i].0, &cells(i), &none).is_ok()
    });
    first_full.or_else(|| {
        (0..rows.len())
            .map(|i| {
                let named = crate::domain::registry::HeaderMap::fields_named(&cells(i), &none);
                (named, std::cmp::Reverse(i))
            })
            .max()
            .filter(|(named, _)| *named >= 2)
            .map(|(_, std::cmp::Reverse(i))| i)
    })
}

/// Row `at` completed from the row directly above it, when that is the upper row of a two-row
/// header (as the import reads it).
fn header_cells(rows: &[(u32, Vec<String>)], at: usize) -> Option<Vec<String>> {
    let above = at.checked_sub(1).map(|i| &rows[i]);
    crate::domain::registry::shape::header_with_row_above(above, rows[at].0, &rows[at].1)
}

/// One line of a draft section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// `"key" = "value"  # note` (a bare key when `bare`).
    Set {
        /// The key as written in the export (quoted on output unless `bare`).
        key: String,
        /// Whether the key is a plain TOML key (`province`).
        bare: bool,
        /// The value.
        value: String,
        /// A comment after it, if not empty.
        note: String,
    },
    /// `"key" = "?"  # ? note`: something the user must decide.
    Ask {
        /// The key.
        key: String,
        /// Whether the key is a plain TOML key.
        bare: bool,
        /// What to decide, with the suggestions.
        note: String,
    },
    /// A TOML line written as it is (`order = [...]`), with a comment after it if not empty.
    Raw {
        /// The TOML text.
        toml: String,
        /// The comment.
        note: String,
    },
    /// `# text`.
    Comment(String),
}

/// A table of the draft (None: the top-level keys, which must come first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    /// The TOML table, e.g. "levels.aliases"; None for top-level keys.
    pub table: Option<String>,
    /// Comments above the table header.
    pub about: Vec<String>,
    /// The lines under it.
    pub lines: Vec<Line>,
    /// Write the table header commented out (`# [types]`): a block the user may switch on.
    pub commented: bool,
}

/// The draft's text: each section's comments, its table header and its lines, in order.
pub fn render(sections: &[Section]) -> String {
    let mut out = String::new();
    for s in sections {
        if !out.is_empty() {
            out.push('\n');
        }
        for a in &s.about {
            out.push_str(&format!("# {}\n", one_line(a)));
        }
        let hash = if s.commented { "# " } else { "" };
        if let Some(t) = &s.table {
            out.push_str(&format!("{hash}[{t}]\n"));
        }
        // Inside a commented-out block every line gets one more "# ", so removing the first
        // "# " of each line switches the block on and leaves its comments comments.
        for l in &s.lines {
            out.push_str(hash);
            out.push_str(&render_line(l));
            out.push('\n');
        }
    }
    out
}

/// Text from the export as it may stand in a comment: a line break (or any control
/// character) in a cell would end the comment and make the rest of the cell live TOML, so each
/// is shown as ⏎ or a space.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => '⏎',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

fn render_line(l: &Line) -> String {
    let key = |k: &str, bare: bool| if bare { k.to_string() } else { toml_string(k) };
    let with_note = |text: String, note: &str| {
        if note.is_empty() {
            text
        } else {
            format!("{text}  # {}", one_line(note))
        }
    };
    match l {
        Line::Set {
            key: k,
            bare,
            value,
            note,
        } => with_note(format!("{} = {}", key(k, *bare), toml_string(value)), note),
        Line::Ask { key: k, bare, note } => {
            with_note(format!("{} = \"?\"", key(k, *bare)), &format!("? {note}"))
        }
        // Raw lines are TOML the draft built itself, quoting what came from the export.
        Line::Raw { toml, note } => with_note(toml.clone(), note),
        Line::Comment(c) => format!("# {}", one_line(c)),
    }
}

/// The 1-based lines of a rendered draft still to fill in (their value is `"?"`).
pub fn unfilled_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            !l.trim_start().starts_with('#')
                && l.split_once('=')
                    .is_some_and(|(_, v)| v.trim_start().starts_with("\"?\""))
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// The label of a field with its key, for comments: 层级(level).
fn field_name(f: Field) -> String {
    format!("{}({})", f.label(), f.key())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(v: &[&[&str]]) -> Vec<(u32, Vec<String>)> {
        v.iter()
            .enumerate()
            .map(|(i, r)| (i as u32 + 1, r.iter().map(|c| c.to_string()).collect()))
            .collect()
    }

    #[test]
    fn the_header_is_found_among_title_rows_even_with_unknown_columns() {
        let r = rows(&[
            &["四川省政务新媒体备案台账"],
            &[
                "序号",
                "账号名称",
                "账号类型",
                "开设主体",
                "层级归属",
                "所属市(州)",
            ],
            &[
                "1",
                "四川发布",
                "微信公众号",
                "四川省人民政府办公厅",
                "省级",
                "",
            ],
        ]);
        assert_eq!(pick_header(&r), Some(1));
        let scan = ExportScan::new(&r, 1);
        assert_eq!(scan.title_rows.len(), 1);
        assert_eq!((scan.header_row, scan.rows), (2, 1));
        assert_eq!(scan.columns[4].counts.get("省级"), Some(&1));
        assert_eq!(pick_header(&rows(&[&["台账"], &["x", "y"]])), None);
    }

    #[test]
    fn rendering_quotes_keys_and_marks_what_to_fill() {
        let s = vec![
            Section {
                table: None,
                about: vec!["草稿".into()],
                lines: vec![Line::Set {
                    key: "province".into(),
                    bare: true,
                    value: "四川".into(),
                    note: "依据: 标题行".into(),
                }],
                commented: false,
            },
            Section {
                table: Some("levels.aliases".into()),
                about: Vec::new(),
                lines: vec![Line::Ask {
                    key: "市\"州\"直属".into(),
                    bare: false,
                    note: "12 行".into(),
                }],
                commented: false,
            },
        ];
        let text = render(&s);
        assert_eq!(
            text,
            "# 草稿\nprovince = \"四川\"  # 依据: 标题行\n\n[levels.aliases]\n\"市\\\"州\\\"直属\" = \"?\"  # ? 12 行\n"
        );
        assert_eq!(unfilled_lines(&text), [5]);
    }
}
