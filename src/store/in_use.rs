//! Files held open by another program (Excel, WPS, a cmd window sitting in a folder).
//!
//! Windows refuses to replace, delete or rename a file another program holds open without
//! sharing it for deletion, which is how Excel holds a workbook or a CSV it has open. The error is
//! ERROR_SHARING_VIOLATION (32), ERROR_LOCK_VIOLATION (33) or, for a rename over an open file
//! and under Wine, ERROR_ACCESS_DENIED (5). So that a command never stops half way, every file it
//! will replace or delete, and every folder it will rename with everything in it, is opened first
//! the way the rename will need it (delete access); a held file is found before anything changes.
//! On Unix nothing holds a file that way and the check does nothing.

use super::StoreError;
use std::path::{Path, PathBuf};

/// Whether an I/O error on an existing file means that another program holds it open.
pub fn is_in_use(e: &std::io::Error) -> bool {
    cfg!(windows) && is_in_use_code(e.raw_os_error())
}

/// ERROR_ACCESS_DENIED (5), ERROR_SHARING_VIOLATION (32), ERROR_LOCK_VIOLATION (33) and
/// ERROR_USER_MAPPED_FILE (1224). (On Unix the same numbers mean other things, hence the
/// `cfg!(windows)` in [`is_in_use`]; callers also check that the file exists, since access
/// denied on a missing one is a permissions problem.)
pub fn is_in_use_code(code: Option<i32>) -> bool {
    matches!(code, Some(5) | Some(32) | Some(33) | Some(1224))
}

/// Refuse, naming the first held file, if any of `paths` (files or folders; missing ones are
/// skipped) could not be replaced, deleted or renamed now. Folders are checked with everything
/// in them.
pub fn check_free<I>(paths: I) -> Result<(), StoreError>
where
    I: IntoIterator<Item = PathBuf>,
{
    for p in paths {
        check_tree(&p)?;
    }
    Ok(())
}

fn check_tree(path: &Path) -> Result<(), StoreError> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    if meta.is_dir() {
        let entries = std::fs::read_dir(path).map_err(|e| StoreError::io(path, e))?;
        let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        children.sort();
        for c in children {
            check_tree(&c)?;
        }
    }
    probe(path).map_err(|e| {
        if is_in_use(&e) {
            StoreError::FileInUse {
                path: path.to_path_buf(),
            }
        } else {
            StoreError::io(path, e)
        }
    })
}

/// Open `path` for deletion, sharing everything (so only a holder that refuses deletion is in
/// the way), and close it again.
#[cfg(windows)]
fn probe(path: &Path) -> std::io::Result<()> {
    use std::os::windows::fs::OpenOptionsExt;
    const DELETE: u32 = 0x0001_0000;
    const FILE_SHARE_READ_WRITE_DELETE: u32 = 0x1 | 0x2 | 0x4;
    // Needed to open a folder; harmless for a file.
    const FILE_FLAG_BACKUP_SEMANTICS: u32 = 0x0200_0000;
    std::fs::OpenOptions::new()
        .access_mode(DELETE)
        .share_mode(FILE_SHARE_READ_WRITE_DELETE)
        .custom_flags(FILE_FLAG_BACKUP_SEMANTICS)
        .open(path)
        .map(drop)
}

#[cfg(not(windows))]
fn probe(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_that_mean_a_file_is_held() {
        for c in [5, 32, 33, 1224] {
            assert!(is_in_use_code(Some(c)));
        }
        assert!(!is_in_use_code(Some(2)) && !is_in_use_code(None));
        // On Linux a code 32 (EPIPE) is not a sharing violation.
        let e = std::io::Error::from_raw_os_error(32);
        assert_eq!(is_in_use(&e), cfg!(windows));
    }

    #[test]
    fn free_files_and_folders_pass() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("r/csv")).unwrap();
        std::fs::write(d.path().join("r/csv/a.csv"), "x").unwrap();
        std::fs::write(d.path().join("b.csv"), "x").unwrap();
        check_free([
            d.path().join("r"),
            d.path().join("b.csv"),
            d.path().join("none"),
        ])
        .unwrap();
    }

    #[cfg(windows)]
    #[test]
    fn a_file_held_as_excel_holds_it_is_found_in_its_folder() {
        use std::os::windows::fs::OpenOptionsExt;
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("r")).unwrap();
        let f = d.path().join("r/report.xlsx");
        std::fs::write(&f, "x").unwrap();
        let held = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .share_mode(0x1)
            .open(&f)
            .unwrap();
        let err = check_free([d.path().join("r")]).unwrap_err();
        assert!(
            matches!(&err, StoreError::FileInUse { path } if path == &f),
            "{err}"
        );
        drop(held);
        check_free([d.path().join("r")]).unwrap();
    }
}
