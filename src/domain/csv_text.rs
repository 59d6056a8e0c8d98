//! CSV text as the tool writes it for Excel: UTF-8 with BOM, CRLF, and no cell that a
//! spreadsheet would take for a formula. The one definition of that rule, used by every writer
//! (store records and report files alike) and undone when the tool reads its own files back.

/// Whether a cell would be read as a formula by Excel or LibreOffice when the CSV is opened
/// (OWASP's rule: it begins with = + - @, a tab or a carriage return), or is one of our own
/// guarded cells (a `'` before such a start), which must be guarded again to round-trip.
/// A plain number ("-3.2") is never a formula and is left alone.
fn needs_guard(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => {
            // A number, or a percentage ("-5.3%"), is data Excel reads as such, never a formula.
            let number = s.strip_suffix('%').unwrap_or(s);
            !number.parse::<f64>().is_ok_and(f64::is_finite)
        }
        Some(b'\'') => needs_guard(&s[1..]),
        _ => false,
    }
}

/// A cell as written to a CSV: a leading `'` keeps a formula-like text as text.
///
/// ```
/// use audit::domain::csv_text::{guard_cell, unguard_cell};
/// assert_eq!(guard_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
/// assert_eq!(guard_cell("-3.2"), "-3.2");
/// assert_eq!(guard_cell("-5.3%"), "-5.3%");
/// assert_eq!(guard_cell("-5%%"), "'-5%%");
/// assert_eq!(unguard_cell(guard_cell("'=1").into_owned()), "'=1");
/// ```
pub fn guard_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if needs_guard(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Undo [`guard_cell`] exactly, for the CSV files the tool reads back.
pub fn unguard_cell(s: String) -> String {
    match unguarded(&s).len() == s.len() {
        true => s,
        false => s[1..].to_string(),
    }
}

/// [`unguard_cell`] on a borrowed cell: the guard is a leading `'`, so the text is a slice.
pub fn unguarded(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => s,
    }
}

/// Write one record, every cell guarded; no allocation for the ordinary cell.
fn write_guarded<'a, W: std::io::Write>(
    w: &mut csv::Writer<W>,
    cells: impl Iterator<Item = &'a str>,
) -> csv::Result<()> {
    for c in cells {
        w.write_field(guard_cell(c).as_bytes())?;
    }
    w.write_record(None::<&[u8]>)
}

/// CSV bytes, UTF-8 with BOM so that Excel on a Chinese Windows opens it correctly, CRLF line
/// ends, and every formula-like cell guarded ([`guard_cell`]).
pub fn csv_bytes(header: &[String], rows: &[Vec<String>]) -> csv::Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        write_guarded(&mut w, header.iter().map(String::as_str))?;
        for r in rows {
            write_guarded(&mut w, r.iter().map(String::as_str))?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// Write the canonical registry as CSV (UTF-8 with BOM), streamed from the accounts.
pub fn write_registry_csv(
    out: &mut dyn std::io::Write,
    reg: &crate::domain::registry::Registry,
) -> csv::Result<()> {
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    write_guarded(&mut w, reg.canonical_header().iter().map(String::as_str))?;
    let groups = reg.has_groups();
    for a in &reg.accounts {
        write_guarded(
            &mut w,
            crate::domain::registry::Registry::canonical_fields(a, groups),
        )?;
    }
    w.flush()?;
    Ok(())
}

/// The canonical registry as CSV bytes.
pub fn registry_csv_bytes(reg: &crate::domain::registry::Registry) -> csv::Result<Vec<u8>> {
    let mut out = Vec::new();
    write_registry_csv(&mut out, reg)?;
    Ok(out)
}

/// A CSV file this tool wrote, read back: its header and rows, guards undone.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlainCsv {
    /// The header cells.
    pub header: Vec<String>,
    /// The data rows (rows may be shorter or longer than the header).
    pub rows: Vec<Vec<String>>,
}

/// A CSV this tool wrote that cannot be read back.
#[derive(Debug, thiserror::Error)]
pub enum PlainCsvError {
    /// The header row is missing or malformed.
    #[error("无法读取表头: {0}")]
    Header(csv::Error),
    /// A data row is malformed (line numbers count the header as line 1).
    #[error("第 {line} 行格式错误: {source}")]
    Row {
        /// The line number in the file.
        line: usize,
        /// What the CSV reader said.
        source: csv::Error,
    },
}

/// Parse CSV bytes this tool wrote (UTF-8, optional BOM): header and rows, guards undone.
pub fn parse_plain_csv(bytes: &[u8]) -> Result<PlainCsv, PlainCsvError> {
    let (header, rows) = plain_csv_rows(bytes)?;
    let rows = rows.collect::<Result<_, _>>()?;
    Ok(PlainCsv { header, rows })
}

/// The rows of CSV bytes this tool wrote, one at a time, guards undone: a caller that moves
/// each row's cells into its own records (a 200,000-account registry) never holds every row
/// as cells beside them.
pub struct PlainRows<'a> {
    reader: csv::Reader<&'a [u8]>,
    /// One record read into again and again: a row costs its cells' strings, nothing more.
    record: csv::StringRecord,
    line: usize,
    /// The rows left: the line breaks outside quoted cells after the header (exact for a file
    /// this tool wrote; a blank line in a hand-edited one makes it larger, never smaller).
    left: usize,
}

impl PlainRows<'_> {
    /// Read the next row and hand its cells, guards undone, to `f` without copying them (a
    /// reader that keeps a few of a row's texts allocates only those); None after the last row.
    pub fn next_with<T>(
        &mut self,
        f: impl FnOnce(usize, &[&str]) -> T,
    ) -> Option<Result<T, PlainCsvError>> {
        self.line += 1;
        self.left = self.left.saturating_sub(1);
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let cells: Vec<&str> = self.record.iter().map(unguarded).collect();
                Some(Ok(f(self.line, &cells)))
            }
            Err(source) => Some(Err(PlainCsvError::Row {
                line: self.line,
                source,
            })),
        }
    }
}

impl Iterator for PlainRows<'_> {
    type Item = Result<Vec<String>, PlainCsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_with(|_, cells| cells.iter().map(|s| s.to_string()).collect())
    }

    /// The rows left, counted before reading them, so that a registry built from the rows is
    /// allocated once at its size instead of doubling (and briefly holding two copies).
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, None)
    }
}

/// The line breaks outside quoted cells (a doubled quote inside a cell toggles twice): how
/// many records a file this tool wrote holds, each ending in a line break.
fn record_ends(body: &[u8]) -> usize {
    let mut quoted = false;
    let mut ends = 0;
    for b in body {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => ends += 1,
            _ => {}
        }
    }
    ends
}

/// The header of CSV bytes this tool wrote (UTF-8, optional BOM), guards undone, and its rows
/// to read one at a time (line numbers count the header as line 1).
pub fn plain_csv_rows(bytes: &[u8]) -> Result<(Vec<String>, PlainRows<'_>), PlainCsvError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(body);
    let header: Vec<String> = rdr
        .headers()
        .map_err(PlainCsvError::Header)?
        .iter()
        .map(|s| unguard_cell(s.to_string()))
        .collect();
    let left = record_ends(body).saturating_sub(1);
    let rows = PlainRows {
        reader: rdr,
        record: csv::StringRecord::new(),
        line: 1,
        left,
    };
    Ok((header, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_one_at_a_time_know_how_many_are_left() {
        let bytes = "\u{feff}账号ID,名称\r\nA1,\"两行\r\n的名称\"\r\nA2,'=1+1\r\n".as_bytes();
        let (header, mut rows) = plain_csv_rows(bytes).expect("header");
        assert_eq!(header, ["账号ID", "名称"]);
        assert_eq!(rows.size_hint(), (2, None));
        let first = rows.next().expect("row").expect("cells");
        assert_eq!(first, ["A1", "两行\r\n的名称"]);
        assert_eq!(rows.size_hint(), (1, None));
        assert_eq!(rows.next().expect("row").expect("cells"), ["A2", "=1+1"]);
        assert!(rows.next().is_none());
        assert_eq!(parse_plain_csv(bytes).expect("csv").rows.len(), 2);
    }

    #[test]
    fn a_malformed_row_is_named_by_its_line() {
        let bytes = b"a,b\n1,2\n\xff,3\n";
        let err = parse_plain_csv(bytes).map(|_| ()).unwrap_err();
        assert!(matches!(err, PlainCsvError::Row { line: 3, .. }), "{err}");
    }
}
