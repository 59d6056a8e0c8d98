//! `audit profile init`: read an office's own registry export (and, with `--monitor`, the
//! header of its monitoring export) and write a commented profile draft (see
//! `domain::profile_draft`), for the user to finish and import with `--profile`. Nothing is
//! written but the draft, and an existing file is replaced only when asked.

use crate::domain::monitor::headers::ColumnAliases;
use crate::domain::profile_draft::{
    monitor_section, pick_header, registry_sections, render, unfilled_lines, DraftFacts,
    ExportScan, MonitorFacts, HEADER_SCAN_ROWS,
};
use crate::formats::merged::for_each_row_filled;
use crate::formats::monitor_file::MonitorFileError;
use crate::formats::read::{CsvEncoding, ReadError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `audit profile init` asks for.
#[derive(Clone, Debug)]
pub struct ProfileInitRequest {
    /// The registry export.
    pub file: PathBuf,
    /// The sheet to read (default: the first visible one).
    pub sheet: Option<String>,
    /// The CSV encoding (default: detected).
    pub encoding: Option<CsvEncoding>,
    /// A monitoring export whose header drafts `[monitor.columns]` (`--monitor`).
    pub monitor: Option<PathBuf>,
    /// Where to write the draft.
    pub out: PathBuf,
    /// Replace an existing file at `out`.
    pub force: bool,
}

/// A draft written.
#[derive(Clone, Debug)]
pub struct ProfileInitOutcome {
    /// Where it was written.
    pub out: PathBuf,
    /// What the draft found.
    pub facts: DraftFacts,
    /// The 1-based lines of the draft still to fill in (value "?").
    pub unfilled: Vec<usize>,
    /// Data rows read.
    pub rows: u64,
    /// The header's row.
    pub header_row: u32,
    /// What the monitoring export's header says, when one was given.
    pub monitor: Option<MonitorFacts>,
}

/// Why no draft was written.
#[derive(Debug, thiserror::Error)]
pub enum ProfileInitError {
    /// The export could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// No row looks like a header.
    #[error(
        "{file}: 前 {scanned} 行中没有像表头的行(至少要有两个能识别的列名,如 账号名称、开设主体)"
    )]
    NoHeader {
        /// The export.
        file: String,
        /// Rows looked at.
        scanned: usize,
    },
    /// The draft would replace a file.
    #[error("{}: 文件已存在;换一个 --out,或加 --force 覆盖", .0.display())]
    Exists(PathBuf),
    /// The draft would replace the export itself.
    #[error("{}: --out 不能是台账文件本身", .0.display())]
    OwnFile(PathBuf),
    /// The draft would replace the monitoring export.
    #[error("{}: --out 不能是监测数据文件本身", .0.display())]
    OwnMonitorFile(PathBuf),
    /// The monitoring export could not be read, or has no header.
    #[error(transparent)]
    Monitor(#[from] MonitorFileError),
    /// The draft could not be written.
    #[error("无法写入 {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Read the export and write the profile draft.
pub fn profile_init(req: &ProfileInitRequest) -> Result<ProfileInitOutcome, ProfileInitError> {
    if same_file(&req.file, &req.out) {
        return Err(ProfileInitError::OwnFile(req.out.clone()));
    }
    if req.monitor.as_ref().is_some_and(|m| same_file(m, &req.out)) {
        return Err(ProfileInitError::OwnMonitorFile(req.out.clone()));
    }
    if req.out.exists() && !req.force {
        return Err(ProfileInitError::Exists(req.out.clone()));
    }
    let scan = scan(req)?;
    let (mut sections, facts) = registry_sections(&scan, &file_name(&req.file));
    // The monitoring export's section goes last: it opens its own [monitor.columns] table.
    let monitor = match &req.monitor {
        Some(path) => {
            let (row, headers) =
                crate::formats::monitor_file::header(path, &ColumnAliases::default())?;
            let (section, facts) = monitor_section(&file_name(path), row, &headers);
            sections.push(section);
            Some(facts)
        }
        None => None,
    };
    let text = render(&sections);
    write(&req.out, &text, req.force)?;
    Ok(ProfileInitOutcome {
        out: req.out.clone(),
        facts,
        unfilled: unfilled_lines(&text),
        rows: scan.rows,
        header_row: scan.header_row,
        monitor,
    })
}

/// A file's name as the draft's comments give it.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string())
}

/// One pass over the export: the first rows are kept until the header can be chosen, every
/// later row is counted as it arrives.
fn scan(req: &ProfileInitRequest) -> Result<ExportScan, ProfileInitError> {
    let mut first: Vec<(u32, Vec<String>)> = Vec::new();
    let mut scan: Option<ExportScan> = None;
    let mut failed = false;
    for_each_row_filled(&req.file, req.sheet.as_deref(), req.encoding, |r| {
        if let Some(s) = scan.as_mut() {
            s.push(r.cells);
            return Ok(true);
        }
        first.push((r.number, r.cells.to_vec()));
        if first.len() == HEADER_SCAN_ROWS {
            match pick_header(&first) {
                Some(at) => scan = Some(ExportScan::new(&first, at)),
                None => failed = true,
            }
        }
        Ok(!failed)
    })?;
    if let Some(s) = scan {
        return Ok(s);
    }
    match pick_header(&first) {
        Some(at) if !failed => Ok(ExportScan::new(&first, at)),
        _ => Err(ProfileInitError::NoHeader {
            file: req.file.display().to_string(),
            scanned: first.len(),
        }),
    }
}

/// Whether two paths name one file (the second may not exist yet).
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Write the draft: a new file, or (with `force`) over the old one.
fn write(path: &Path, text: &str, force: bool) -> Result<(), ProfileInitError> {
    let err = |source| ProfileInitError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .create_new(!force)
        .truncate(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => ProfileInitError::Exists(path.to_path_buf()),
            _ => err(e),
        })?;
    f.write_all(text.as_bytes()).map_err(err)
}
