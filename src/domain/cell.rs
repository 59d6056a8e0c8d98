//! A spreadsheet cell as the domain sees it: the value a reader found, with no tie to the
//! spreadsheet library that read it (the formats layer converts its cells into these).

/// One cell's value.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Cell {
    /// Nothing in the cell.
    #[default]
    Empty,
    /// TRUE / FALSE.
    Bool(bool),
    /// A whole number stored as such.
    Int(i64),
    /// A number.
    Float(f64),
    /// Text (also an ISO date or duration written as text by the file).
    Text(String),
    /// A date-formatted number: an Excel serial day, with a time of day when `with_time`.
    DateTime {
        /// The Excel serial day number (fraction = time of day).
        serial: f64,
        /// Whether the cell's format shows a time.
        with_time: bool,
    },
    /// An error value (#N/A, #REF! …): read as blank text.
    Error,
}

impl Cell {
    /// The text a spreadsheet shows for the cell (dates as 2020-03-25, integers without ".0").
    pub fn text(&self) -> String {
        match self {
            Cell::Int(i) => i.to_string(),
            Cell::Float(f) => float_text(*f),
            Cell::Text(s) => s.clone(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::DateTime { serial, with_time } => excel_date_text(*serial, *with_time),
            Cell::Error | Cell::Empty => String::new(),
        }
    }

    /// Whether the cell shows nothing once cleaned (spaces and invisible characters).
    pub fn is_blank(&self) -> bool {
        crate::domain::text::clean(&self.text()).is_empty()
    }
}

/// Text of a float as a spreadsheet shows it: integers without ".0".
pub fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e17 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// The text of an Excel serial shown as a date ("2020-03-25", or "2020-03-25 10:30:00" when the
/// format shows a time); a number outside Excel's date range as the number.
pub fn excel_date_text(serial: f64, with_time: bool) -> String {
    let Some(date) = crate::domain::dates::excel_serial_date(serial) else {
        return float_text(serial);
    };
    let secs = ((serial - serial.floor()) * 86400.0).round() as i64;
    if !with_time || secs == 0 {
        date.format("%Y-%m-%d").to_string()
    } else {
        let t = date.and_time(chrono::NaiveTime::MIN) + chrono::Duration::seconds(secs);
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_as_a_spreadsheet_shows_it() {
        assert_eq!(Cell::Float(3.0).text(), "3");
        assert_eq!(Cell::Float(2.5).text(), "2.5");
        assert_eq!(Cell::Int(-4).text(), "-4");
        let d = Cell::DateTime {
            serial: 43915.4375,
            with_time: true,
        };
        assert_eq!(d.text(), "2020-03-25 10:30:00");
        let d = Cell::DateTime {
            serial: 43915.0,
            with_time: false,
        };
        assert_eq!(d.text(), "2020-03-25");
        assert!(Cell::Text(" \u{200b}".into()).is_blank());
        assert!(!Cell::Bool(false).is_blank());
    }
}
