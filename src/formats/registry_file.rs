//! Reading a registry export (备案台账) from a spreadsheet or CSV: the header found among title
//! rows, every row checked, regions resolved through the province profile. The edge between the
//! file readers and the pure `registry` core; `audit import`, the benchmarks and the fuzzer use it.

use super::merged::{for_each_row_filled, Filled};
use super::read::{CsvEncoding, ReadError};
use crate::domain::profile::{ExportSpellings, InferError, Profile, TypeScheme};
use crate::domain::registry::title::{title_facts, TitleFacts};
use crate::domain::registry::{
    closest_headers, Field, Finished, HeaderMap, Registry, RegistryBuilder, Rejects,
};
use crate::domain::vocab::Level;
use std::path::Path;

/// Why a registry file could not be read; each message names the file (and sheet).
#[derive(Debug, thiserror::Error)]
pub enum RegistryFileError {
    /// The spreadsheet or CSV reader refused the file.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// No row at all.
    #[error("{place}: {what}为空,没有任何数据")]
    Empty {
        /// The file and sheet.
        place: String,
        /// 工作表 or 文件.
        what: &'static str,
    },
    /// No row among the first ones names every required column.
    #[error("{place}: 前 {scanned} 行中找不到表头,缺少必需的列: {missing};最接近表头的第 {closest_row} 行为: {found}{hints}")]
    NoHeader {
        /// The file and sheet.
        place: String,
        /// Rows looked at.
        scanned: usize,
        /// The required columns the closest row lacks.
        missing: String,
        /// The row that came closest.
        closest_row: u32,
        /// That row's cells.
        found: String,
        /// For each missing column, the headers of that row it may be and the profile line that
        /// would map it (each on its own line), or how to write one.
        hints: String,
    },
    /// A header and nothing under it.
    #[error("{place}: 第 {header_row} 行表头下没有账号数据")]
    NoData {
        /// The file and sheet.
        place: String,
        /// The header's row.
        header_row: u32,
    },
    /// The profile's `town_column` is not a column of the file.
    #[error("{place}: 配置文件的 town_column = \"{column}\" 不是台账的列;台账的列为: {found}")]
    NoTownColumn {
        /// The file and sheet.
        place: String,
        /// The column the profile names.
        column: String,
        /// The headers the file has.
        found: String,
    },
    /// The province could not be told from the file.
    #[error("{file}: {error},例如 --province 江苏")]
    Province {
        /// The file.
        file: String,
        /// Why.
        error: InferError,
    },
}

/// Rows scanned for the header before giving up.
const HEADER_SCAN_ROWS: usize = 50;

/// A registry file as read and checked, before anything is written.
pub struct Imported {
    /// The accounts taken.
    pub registry: Registry,
    /// The rows refused, with the reason.
    pub rejects: Rejects,
    /// Identical copies of imported rows (an account exported twice), imported once.
    pub merged: Rejects,
    /// The row the header was found in.
    pub header_row: u32,
    /// Data rows read.
    pub rows_read: u64,
    /// Blank rows skipped.
    pub blank_rows: u64,
    /// The sheet read (workbooks).
    pub sheet: Option<String>,
    /// The encoding used (CSV).
    pub encoding: Option<CsvEncoding>,
    /// Cells dropped beyond the column limit.
    pub cells_beyond_limit: u64,
    /// Cells whose invisible format characters were removed, and the first (row, column,
    /// character).
    pub format_cells: (u64, Option<(u32, usize, char)>),
    /// The header of the column the account ids came from.
    pub id_column: String,
    /// The fields the header names, each with its header as written, in column order.
    pub columns: Vec<(Field, String)>,
    /// The province profile the regions were resolved with.
    pub profile: Profile,
    /// How the province was found (for the summary), e.g. "--province", "标题行".
    pub province_from: &'static str,
    /// The 截至 date the title rows give.
    pub title_as_of: Option<chrono::NaiveDate>,
    /// The text after 截至 in the title rows when it is no valid date.
    pub title_as_of_text: Option<String>,
    /// The export's shape around its table: merged cells filled, a two-row header, notes.
    pub shape: Shape,
}

/// What the import made of the export's layout, each said in the summary (nothing silent).
#[derive(Clone, Debug, Default)]
pub struct Shape {
    /// Merged ranges inside the data (below the header) whose value was filled into each of
    /// their rows.
    pub merged_in_data: usize,
    /// Headers taken from the row above the header row (a two-row header), with their column.
    pub from_row_above: Vec<(usize, String)>,
    /// Rows under the table that are notes (填报说明, 备注, 制表人 …), skipped: all counted.
    pub note_rows: u64,
    /// The first [`NOTES_KEPT`] of them, (row, the note's beginning), to name them.
    pub notes: Vec<(u32, String)>,
    /// Cells holding a formula saved without its result (read as empty).
    pub uncached: CellTally,
    /// Cells outside the id column holding a number of more than 15 digits (Excel has already
    /// replaced the rest with zeros; the id column's are rejected rows).
    pub lossy: CellTally,
}

/// Cells of one kind in the data rows: how many, and the first (1-based row, its column's
/// header) to name.
#[derive(Clone, Debug, Default)]
pub struct CellTally {
    /// How many.
    pub count: u64,
    /// The first: its row and its column's header (or 第 N 列).
    pub first: Option<(u32, String)>,
}

impl CellTally {
    /// Count the cells of row `row` in `cols`, naming the first by `header`.
    fn note(&mut self, row: u32, cols: &[usize], header: &crate::domain::registry::HeaderMap) {
        if let Some(&c) = cols.first() {
            self.first.get_or_insert_with(|| {
                let name = header.headers.get(c).filter(|h| !h.is_empty());
                (
                    row,
                    name.cloned().unwrap_or_else(|| format!("第 {} 列", c + 1)),
                )
            });
        }
        self.count += cols.len() as u64;
    }
}

/// A row's cells as a message lists them: each at most 40 characters, control characters
/// escaped (a header row of a hostile file must not write escape codes to the terminal).
fn shown_cells(cells: &[String]) -> String {
    let shown: Vec<String> = cells
        .iter()
        .map(|c| super::xml_scan::shown(c.as_bytes()))
        .collect();
    shown.join(", ")
}

/// Notes kept to be named; the others are counted only (a file of a million note rows is kept
/// in bounded memory).
pub const NOTES_KEPT: usize = 10;

/// The province of a registry given no --province or --profile: the one its title rows name,
/// else the one most of its regions belong to; otherwise a clear request for --province.
fn choose_province(
    file: &str,
    title: &TitleFacts,
    builder: &RegistryBuilder,
) -> Result<(Profile, &'static str), RegistryFileError> {
    if let Some(p) = title.province {
        return Ok((Profile::builtin(p), "台账标题行"));
    }
    let regions = builder.raw_regions();
    match crate::domain::profile::infer_province(&regions) {
        Ok(p) => Ok((Profile::builtin(p), "所属地区推断")),
        // No region to place (all rows provincial or refused): the province only names things.
        Err(crate::domain::profile::InferError::NothingResolvable) if regions.is_empty() => {
            let js =
                crate::domain::profile::province("江苏").expect("vendored divisions hold Jiangsu");
            Ok((Profile::builtin(js), "默认(台账中没有地区)"))
        }
        Err(error) => Err(RegistryFileError::Province {
            file: file.to_string(),
            error,
        }),
    }
}

/// Read and validate a registry file (no campaign involved): find the header, check every row,
/// resolve regions through `given` (a profile and where it came from) or the province the file
/// itself names. `progress` is told the rows read so far, now and then.
pub fn read(
    path: &Path,
    sheet: Option<&str>,
    encoding: Option<CsvEncoding>,
    given: Option<(Profile, &'static str)>,
    progress: &dyn Fn(u64),
) -> Result<Imported, RegistryFileError> {
    let file = path.display().to_string();
    let reading = reading_rules(given.as_ref().map(|(p, _)| p));
    let scan = scan_rows(path, sheet, encoding, &reading, progress)?;
    let place = format!(
        "{file}{}",
        scan.info
            .sheet
            .as_ref()
            .map(|s| format!(" 工作表 \"{s}\""))
            .unwrap_or_default()
    );
    if !scan.any_row {
        let what = if scan.info.sheet.is_some() {
            "工作表"
        } else {
            "文件"
        };
        return Err(RegistryFileError::Empty { place, what });
    }
    let Some(builder) = scan.builder else {
        return Err(no_header(place, &scan.before_header, &reading.1));
    };
    let header_row = builder.header().row;
    let id_column = id_column(builder.header());
    let columns = named_columns(builder.header());
    // Every row below the header up to the last one read: accounts, refused rows, blank rows
    // (those the reader skips too) and notes, so that the four add up to it.
    let rows_read = builder.rows_read + scan.shape.note_rows + scan.gaps;
    let blank_rows = builder.blank_rows + scan.gaps;
    let shape = with_merges(scan.shape, &scan.filled, builder.header());
    let title_rows: Vec<Vec<String>> = scan.before_header.into_iter().map(|(_, c)| c).collect();
    let title = title_facts(&title_rows);
    let (profile, province_from) = match given {
        Some(g) => g,
        None => choose_province(&file, &title, &builder)?,
    };
    if let Some(column) = &profile.town_column {
        if builder.extra_column(column).is_none() {
            return Err(RegistryFileError::NoTownColumn {
                place,
                column: column.clone(),
                found: shown_cells(&builder.header().headers),
            });
        }
    }
    let Finished {
        registry,
        rejects,
        merged,
    } = builder.finish(&profile);
    if registry.accounts.is_empty() && rejects.is_empty() {
        return Err(RegistryFileError::NoData { place, header_row });
    }
    Ok(Imported {
        registry,
        rejects,
        merged,
        header_row,
        rows_read,
        blank_rows,
        sheet: scan.info.sheet,
        encoding: scan.info.encoding,
        cells_beyond_limit: scan.info.cells_beyond_limit,
        format_cells: (scan.info.format_cells, scan.info.first_format),
        id_column,
        columns,
        profile,
        province_from,
        title_as_of: title.as_of,
        title_as_of_text: title.unreadable_as_of,
        shape,
    })
}

/// The type scheme, spellings and own level rows are read with as they arrive: a profile's, or
/// without one the built-in ones.
fn reading_rules(profile: Option<&Profile>) -> (TypeScheme, ExportSpellings, Level) {
    match profile {
        Some(p) => (p.types.clone(), p.spellings.clone(), p.scope.own_level()),
        None => (
            TypeScheme::jiangsu_2020(),
            ExportSpellings::default(),
            Level::Province,
        ),
    }
}

/// The export's shape with what its merged cells did: the ranges filled inside the data, and
/// the header cells a range from the row above covers (a two-row header's columns merged down).
fn with_merges(
    mut shape: Shape,
    filled: &super::merged::Filled,
    header: &crate::domain::registry::HeaderMap,
) -> Shape {
    let header_row = header.row;
    shape.merged_in_data = filled.below(header_row);
    for s in filled.spans.iter() {
        if s.first_row < header_row && s.last_row >= header_row {
            for c in s.first_col..=s.last_col {
                if let Some(h) = header.headers.get(c).filter(|h| !h.is_empty()) {
                    shape.from_row_above.push((c, h.clone()));
                }
            }
        }
    }
    shape.from_row_above.sort();
    shape.from_row_above.dedup();
    shape
}

/// What one pass over the file found.
struct Scan {
    /// The reader's facts (sheet, encoding, cells dropped).
    info: super::read::ReadInfo,
    /// Whether the file had any row at all.
    any_row: bool,
    /// The rows under the header, checked; None when no header was found.
    builder: Option<RegistryBuilder>,
    /// The rows above the header (title rows), or every row scanned when none was found.
    before_header: Vec<(u32, Vec<String>)>,
    /// Rows under the header with no cell at all (a reader does not report them).
    gaps: u64,
    /// The merged ranges filled.
    filled: Filled,
    /// The header taken from above, and the notes under the table.
    shape: Shape,
}

/// One pass over the file: rows are kept until one is the header (at most
/// [`HEADER_SCAN_ROWS`]), every later row goes to the builder as it arrives, so a million rows
/// are never held as text.
fn scan_rows(
    path: &Path,
    sheet: Option<&str>,
    encoding: Option<CsvEncoding>,
    (types, spellings, own_level): &(TypeScheme, ExportSpellings, Level),
    progress: &dyn Fn(u64),
) -> Result<Scan, RegistryFileError> {
    let mut before_header: Vec<(u32, Vec<String>)> = Vec::new();
    let mut builder: Option<RegistryBuilder> = None;
    let mut any_row = false;
    let (mut last, mut gaps, mut shape) = (0u32, 0u64, Shape::default());
    let (info, filled) = for_each_row_filled(path, sheet, encoding, |r| {
        any_row = true;
        if let Some(b) = builder.as_mut() {
            gaps += u64::from(r.number.saturating_sub(last + 1));
            last = r.number;
            if let Some(note) = crate::domain::registry::shape::note_row(r.cells) {
                shape.note_rows += 1;
                if shape.notes.len() < NOTES_KEPT {
                    shape.notes.push((r.number, note));
                }
                return Ok(true);
            }
            b.push(r.number, r.cells, r.lossy);
            let header = b.header();
            shape.uncached.note(r.number, r.uncached, header);
            let id = header.column(crate::domain::registry::Field::Id);
            let lossy: Vec<usize> = r.lossy.iter().copied().filter(|&c| Some(c) != id).collect();
            shape.lossy.note(r.number, &lossy, header);
            if b.rows_read % 20_000 == 0 {
                progress(b.rows_read);
            }
            return Ok(true);
        }
        match detect_header(before_header.last(), r.number, r.cells, &spellings.columns) {
            Some((h, taken)) => {
                shape.from_row_above = taken;
                last = r.number;
                let b = RegistryBuilder::new(h)
                    .with_types(types.clone())
                    .with_spellings(spellings.clone())
                    .with_own_level(*own_level);
                builder = Some(b);
                Ok(true)
            }
            None => {
                before_header.push((r.number, r.cells.to_vec()));
                Ok(before_header.len() < HEADER_SCAN_ROWS)
            }
        }
    })?;
    Ok(Scan {
        info,
        any_row,
        builder,
        before_header,
        gaps,
        filled,
        shape,
    })
}

/// Row `number` as the header, completed from the row directly above it when that is the upper
/// row of a two-row header ([`header_with_row_above`]); with the headers so taken.
///
/// [`header_with_row_above`]: crate::domain::registry::shape::header_with_row_above
fn detect_header(
    above: Option<&(u32, Vec<String>)>,
    number: u32,
    cells: &[String],
    columns: &crate::domain::vocab::ColumnAliases,
) -> Option<(HeaderMap, Vec<(usize, String)>)> {
    use crate::domain::registry::shape::header_with_row_above;
    if let Some(two) = header_with_row_above(above, number, cells) {
        if let Ok(h) = HeaderMap::detect(number, &two, columns) {
            let taken = two
                .iter()
                .enumerate()
                .filter(|(c, t)| !t.is_empty() && cells.get(*c).is_none_or(|o| o.trim().is_empty()))
                .map(|(c, t)| (c, t.clone()))
                .collect();
            return Some((h, taken));
        }
    }
    HeaderMap::detect(number, cells, columns)
        .ok()
        .map(|h| (h, Vec::new()))
}

/// The fields the header names with their headers, in column order, for the summary.
fn named_columns(header: &HeaderMap) -> Vec<(Field, String)> {
    let mut v: Vec<(usize, Field)> = header.fields.iter().map(|(f, i)| (*i, *f)).collect();
    v.sort_unstable();
    v.into_iter()
        .map(|(i, f)| (f, header.headers.get(i).cloned().unwrap_or_default()))
        .collect()
}

/// The header of the column the account ids come from, for the summary.
fn id_column(header: &HeaderMap) -> String {
    header
        .column(Field::Id)
        .and_then(|c| header.headers.get(c).cloned())
        .unwrap_or_default()
}

/// No row scanned is the header: name the row that came closest, what it lacks and what it has,
/// and for each missing column the headers of that row it may be, with the profile line that
/// would map them.
fn no_header(
    place: String,
    scanned: &[(u32, Vec<String>)],
    spellings: &ExportSpellings,
) -> RegistryFileError {
    let best = scanned
        .iter()
        .max_by_key(|(row, cells)| {
            (
                HeaderMap::fields_named(cells, &spellings.columns),
                std::cmp::Reverse(*row),
            )
        })
        .cloned()
        .unwrap_or_default();
    let missing = HeaderMap::detect(best.0, &best.1, &spellings.columns)
        .err()
        .unwrap_or_default();
    let found: Vec<String> = best
        .1
        .iter()
        .map(|c| crate::domain::text::clean(c))
        .filter(|c| !c.is_empty())
        .collect();
    let unnamed: Vec<&String> = found
        .iter()
        .filter(|h| spellings.field(h).is_none())
        .collect();
    let mut hints = String::new();
    for f in &missing {
        let alike: Vec<&&String> = unnamed
            .iter()
            .filter(|h| closest_headers(h, &[*f]).contains(f))
            .collect();
        let line = match alike.first() {
            Some(h) => format!(
                "\n  {}: 表头“{h}”可能就是,如是请在画像文件(--profile)中写 [columns] \"{h}\" = \"{}\"",
                f.label(),
                f.label()
            ),
            None => format!(
                "\n  {}: 如台账用别的表头,请在画像文件(--profile)中写 [columns] \"表头\" = \"{}\"",
                f.label(),
                f.label()
            ),
        };
        hints.push_str(&line);
    }
    if !missing.is_empty() {
        hints.push_str(&format!(
            "\n  也可先运行 {} profile init 台账文件,生成列出每个表头的画像草稿",
            crate::domain::shell::program()
        ));
    }
    let missing: Vec<String> = missing
        .iter()
        .map(|f| format!("{}({})", f.label(), f.key()))
        .collect();
    RegistryFileError::NoHeader {
        place,
        scanned: scanned.len(),
        missing: missing.join("、"),
        closest_row: best.0,
        found: shown_cells(&found),
        hints,
    }
}
