//! Returned copies of signed workbooks, inspector or rectification alike: each given file read
//! (a copy taken before is skipped, a missing or refused file is a problem), then ordered by when
//! it was saved (see [`crate::domain::answers::order`]).

use crate::domain::answers::order::{order, SavedCopy};
use crate::domain::answers::Problem;
use std::path::{Path, PathBuf};

/// A copy that passed its checks and was not taken before.
pub struct NewCopy<W> {
    /// Nanoseconds since 1970 (0 when the file system does not say; `i64::MAX` past 2262).
    pub modified: i64,
    /// The user named it (`--prefer`): taken whatever its time, even if taken before.
    pub forced: bool,
    /// Its place among the files given.
    pub order: usize,
    /// The file.
    pub file: PathBuf,
    /// What was read from it.
    pub workbook: W,
}

/// What reading the given files found.
pub struct CopiesRead<W> {
    /// New copies, oldest saved first.
    pub fresh: Vec<NewCopy<W>>,
    /// Files that are a copy taken before.
    pub already: Vec<String>,
    /// Files refused, and their problems.
    pub problems: Vec<Problem>,
}

/// Read every file with `read`; `sha` gives a copy's SHA-256, and a copy in `seen` was taken
/// before: applying it again could undo a later correction (a glob lists old and new copies in
/// name order), and its problems were reported then — unless the user names it (`forced`).
pub fn read_copies<W>(
    files: &[PathBuf],
    seen: &[String],
    read: impl Fn(&Path) -> Result<W, Problem>,
    sha: impl Fn(&W) -> &str,
    forced: &dyn Fn(&Path) -> bool,
) -> CopiesRead<W> {
    let mut out = CopiesRead {
        fresh: Vec::new(),
        already: Vec::new(),
        problems: Vec::new(),
    };
    for (order, f) in files.iter().enumerate() {
        if !f.is_file() {
            out.problems.push(Problem::whole(f, "文件不存在".into()));
            continue;
        }
        let named = forced(f);
        match read(f) {
            Err(p) => out.problems.push(p),
            Ok(wb) if !named && seen.iter().any(|s| s == sha(&wb)) => {
                out.already.push(f.display().to_string())
            }
            Ok(workbook) => out.fresh.push(NewCopy {
                modified: modified(f),
                forced: named,
                order,
                file: f.clone(),
                workbook,
            }),
        }
    }
    // Of two new copies of one workbook, the one saved last wins, whatever their order here; a
    // named copy is applied last.
    out.fresh.sort_by_key(|f| (f.forced, f.modified, f.order));
    out
}

/// A file's modification time in nanoseconds since 1970, converted with checks: 0 when unknown
/// or before 1970, `i64::MAX` past 2262 (it then counts as in the future, never wraps).
fn modified(f: &Path) -> i64 {
    std::fs::metadata(f)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// Now, in nanoseconds since 1970, for [`in_order`].
pub fn now_nanos() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// Keep the copies that can be ordered; the others become problems worded for `what`
/// (检查表, 整改反馈表) and `send` (交回, 报送). `id` gives a copy's workbook id; `earlier` the
/// save time and file name of the copy of that workbook taken before; `now` the time of this run
/// ([`now_nanos`]).
pub fn in_order<W>(
    fresh: Vec<NewCopy<W>>,
    id: impl Fn(&W) -> &str,
    earlier: impl Fn(&str) -> Option<(i64, String)>,
    (what, send, now): (&str, &str, i64),
    problems: &mut Vec<Problem>,
) -> Vec<NewCopy<W>> {
    let ids: Vec<String> = fresh.iter().map(|f| id(&f.workbook).to_string()).collect();
    let saved: Vec<SavedCopy<'_>> = ids
        .iter()
        .zip(&fresh)
        .map(|(w, f)| SavedCopy {
            workbook: w,
            modified: f.modified,
            forced: f.forced,
        })
        .collect();
    let skips = order(&saved, earlier, now);
    let mut kept = Vec::new();
    for (f, skip) in fresh.into_iter().zip(skips) {
        match skip {
            None => kept.push(f),
            Some(skip) => problems.push(Problem::whole(&f.file, skip.message(what, send))),
        }
    }
    kept
}
