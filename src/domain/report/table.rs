//! Tables as plain data: what every writer (terminal, CSV, xlsx, Markdown) renders.

use crate::domain::text::{percent, percent_f};

/// One table cell, typed so each writer formats it (numbers in xlsx, text elsewhere).
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Plain text.
    Text(String),
    /// A whole number (a count).
    Int(i64),
    /// A rate as num/den, printed "85.5%" and stored in xlsx as a number with a % format.
    Rate {
        /// Numerator, e.g. qualified accounts.
        num: u64,
        /// Denominator, e.g. checked accounts; 0 prints "—".
        den: u64,
    },
    /// A proportion 0..1 (estimates, interval bounds).
    Pct(f64),
    /// Percentage points (a difference of two rates), e.g. 0.082 → "8.2".
    Points(f64),
    /// The change between two rates in percentage points, computed from their exact counts and
    /// rounded once (see [`crate::domain::profile::format_change`]): "+0.3", "-5", "0".
    Change {
        /// (qualified, checked) now.
        now: (u64, u64),
        /// (qualified, checked) in the earlier campaign.
        before: (u64, u64),
    },
    /// A plain number with fixed decimals.
    Num(f64, usize),
    /// An empty cell.
    Empty,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// The cell as text, rates with one decimal.
    pub fn display(&self) -> String {
        self.display_with(1)
    }

    /// The cell as text, rates, shares and points with `decimals` decimals (trailing zeros
    /// dropped), as the province profile asks.
    pub fn display_with(&self, decimals: u8) -> String {
        use crate::domain::profile::{format_rate, format_share};
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Rate { num, den } if decimals == 1 => percent(*num, *den),
            Cell::Rate { den: 0, .. } => "—".to_string(),
            Cell::Rate { num, den } => format!("{}%", format_share(*num, *den, decimals)),
            Cell::Pct(p) if decimals == 1 => percent_f(*p),
            Cell::Pct(p) => format!("{}%", format_rate(*p, decimals)),
            Cell::Points(p) => {
                let s = if decimals == 1 {
                    crate::domain::text::points(*p)
                } else if *p < 0.0 {
                    format!("-{}", format_rate(-*p, decimals))
                } else {
                    format_rate(*p, decimals)
                };
                let s = if s == "-0" { "0".to_string() } else { s };
                if *p > 0.0 && s != "0" {
                    format!("+{s}")
                } else {
                    s
                }
            }
            Cell::Change { now, before } => {
                match crate::domain::profile::format_change(*now, *before, decimals).as_str() {
                    "-" => "—".to_string(),
                    s => s.to_string(),
                }
            }
            Cell::Num(f, d) => format!("{f:.*}", d),
            Cell::Empty => String::new(),
        }
    }

    /// Numeric value for spreadsheets (rates as fractions), if any.
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Int(i) => Some(*i as f64),
            Cell::Rate { num, den } if *den > 0 => Some(*num as f64 / *den as f64),
            Cell::Pct(p) => Some(*p),
            Cell::Points(p) => Some(*p * 100.0),
            Cell::Change { now, before } => crate::domain::profile::change_points(*now, *before),
            Cell::Num(f, _) => Some(*f),
            _ => None,
        }
    }
}

/// A report table: title, headers, typed rows and notes.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Short name: the xlsx sheet name and the CSV file stem.
    pub name: String,
    /// The title printed above the table.
    pub title: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Data rows, one cell per header.
    pub rows: Vec<Vec<Cell>>,
    /// Notes printed under the table (注: …).
    pub notes: Vec<String>,
    /// Decimals of rates, shares and points (the province profile's `rate_decimals`).
    pub decimals: u8,
}

impl Table {
    /// An empty table with one-decimal rates.
    pub fn new(name: &str, title: &str, headers: &[&str]) -> Table {
        Table {
            name: name.to_string(),
            title: title.to_string(),
            headers: headers.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
            decimals: 1,
        }
    }

    /// The rows as text, with the table's decimals.
    pub fn display_rows(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| r.iter().map(|c| c.display_with(self.decimals)).collect())
            .collect()
    }

    /// Plain-text rendering for the terminal.
    pub fn render(&self) -> String {
        let mut s = format!("{}\n", self.title);
        s.push_str(&crate::domain::text::render_table(
            &self.headers,
            &self.display_rows(),
        ));
        for n in &self.notes {
            s.push_str(&format!("注: {n}\n"));
        }
        s
    }

    /// Markdown rendering.
    pub fn markdown(&self) -> String {
        let esc = |s: &str| crate::domain::text::markdown_inline(s);
        let mut s = format!(
            "### {}\n\n| {} |\n|{}|\n",
            self.title,
            self.headers
                .iter()
                .map(|h| esc(h))
                .collect::<Vec<_>>()
                .join(" | "),
            vec!["---"; self.headers.len()].join("|")
        );
        for r in self.display_rows() {
            s.push_str(&format!(
                "| {} |\n",
                r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
            ));
        }
        for n in &self.notes {
            s.push_str(&format!("\n注: {n}\n"));
        }
        s.push('\n');
        s
    }
}

/// A count-and-share table over a key.
pub fn count_share(name: &str, title: &str, key_label: &str, counts: &[(String, u64)]) -> Table {
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let mut t = Table::new(name, title, &[key_label, "数量", "占比"]);
    for (k, n) in counts {
        t.rows.push(vec![
            Cell::text(k.clone()),
            Cell::Int(*n as i64),
            Cell::Rate {
                num: *n,
                den: total,
            },
        ]);
    }
    t.rows.push(vec![
        Cell::text("合计"),
        Cell::Int(total as i64),
        Cell::Rate {
            num: total,
            den: total,
        },
    ]);
    t
}
