//! Tables as plain data: what every writer (terminal, CSV, xlsx, Markdown) renders.

use crate::domain::profile::{RateStyle, Shown};

/// One table cell, typed so each writer formats it (numbers in xlsx, text elsewhere).
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Plain text.
    Text(String),
    /// A whole number (a count).
    Int(i64),
    /// A rate as num/den, printed "85.5%" by the table's [`RateStyle`] (marked when it rests on
    /// few accounts) and stored in xlsx as the printed number with a % format.
    Rate {
        /// Numerator, e.g. qualified accounts.
        num: u64,
        /// Denominator, e.g. checked accounts; 0 prints "—".
        den: u64,
    },
    /// A signed share, e.g. the registry's net change over last quarter's count: −351/6381 →
    /// "-5.5%".
    Change {
        /// Numerator, signed.
        num: i64,
        /// Denominator; 0 prints "—".
        den: u64,
    },
    /// A proportion 0..1 given as a float (estimates, interval bounds).
    Pct(f64),
    /// The change in percentage points between two rates, each (num, den), computed from the
    /// counts: "+8.2", "-14.3", "0".
    Points {
        /// The rate now, (num, den).
        now: (u64, u64),
        /// The rate compared with, (num, den).
        before: (u64, u64),
    },
    /// A plain number with fixed decimals.
    Num(f64, usize),
    /// An empty cell.
    Empty,
}

/// A rate, share or change cell as the style prints it: the number, and whether it rests on too
/// few accounts (a rate only).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Printed {
    /// The printed number.
    pub shown: Shown,
    /// A percentage (with %), or points (with a sign).
    pub points: bool,
    /// Marked as resting on few accounts.
    pub marked: bool,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A rate, share or change cell as `style` prints it; none for other cells and for rates of
    /// nothing ("—").
    pub fn printed(&self, style: &RateStyle) -> Option<Printed> {
        let (shown, points, marked) = match self {
            Cell::Rate { num, den } => (style.fraction(*num, *den)?, false, style.is_small(*den)),
            Cell::Change { num, den } => (
                style.signed_fraction(*num, *den)?,
                false,
                style.is_small(*den),
            ),
            Cell::Pct(p) => (style.float(*p)?, false, false),
            Cell::Points { now, before } => (style.change(*now, *before)?, true, false),
            _ => return None,
        };
        Some(Printed {
            shown,
            points,
            marked,
        })
    }

    /// The cell as text, rates, shares and points printed by `style` (the profile's).
    pub fn display_with(&self, style: &RateStyle) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Num(f, d) => format!("{f:.*}", d),
            Cell::Empty => String::new(),
            _ => match self.printed(style) {
                None => "—".to_string(),
                Some(p) if p.points => p.shown.signed(),
                Some(p) if p.marked => {
                    format!(
                        "{}{}",
                        p.shown.percent(),
                        crate::domain::profile::SMALL_BASE_MARK
                    )
                }
                Some(p) => p.shown.percent(),
            },
        }
    }

    /// Numeric value for spreadsheets, if any: counts as they are, rates, shares and points as
    /// printed (99.9% is 0.999, 8.2 points is 8.2), so a cell shows exactly the text the draft
    /// prints.
    pub fn number(&self, style: &RateStyle) -> Option<f64> {
        match self {
            Cell::Int(i) => Some(*i as f64),
            Cell::Num(f, _) => Some(*f),
            _ => {
                let p = self.printed(style)?;
                Some(if p.points {
                    p.shown.value()
                } else {
                    p.shown.fraction()
                })
            }
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
    /// How its rates, shares and points print (the province profile's).
    pub style: RateStyle,
}

impl Table {
    /// An empty table with the notices' usual rate style (see [`RateStyle::default`]).
    pub fn new(name: &str, title: &str, headers: &[&str]) -> Table {
        Table {
            name: name.to_string(),
            title: title.to_string(),
            headers: headers.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
            style: RateStyle::default(),
        }
    }

    /// The rows as text, rates printed by the table's style.
    pub fn display_rows(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| r.iter().map(|c| c.display_with(&self.style)).collect())
            .collect()
    }

    /// Whether any rate of the table is marked as resting on few accounts.
    pub fn has_marks(&self) -> bool {
        self.rows
            .iter()
            .flatten()
            .any(|c| c.printed(&self.style).is_some_and(|p| p.marked))
    }

    /// Print rates by `style`, adding the note that explains the small-base mark when a rate
    /// carries it.
    pub fn set_style(&mut self, style: RateStyle) {
        self.style = style;
        let note = style.mark_note();
        if self.has_marks() && !self.notes.contains(&note) {
            self.notes.push(note);
        }
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
