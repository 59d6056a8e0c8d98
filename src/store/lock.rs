//! The campaign lock: an OS advisory lock on `DIR/.audit.lock`, held for a command's whole run.
//!
//! The OS releases it when the process ends, however it ends, so there is never a stale lock to
//! remove by hand. std's `File::lock` family is `flock` on Unix and `LockFileEx` on Windows.
//!
//! A writer records its process id in a separate small file, `DIR/.audit.lock-holder`, never in
//! the lock file itself: on Windows `LockFileEx` also blocks reads of the locked range, so a
//! second command could not read a pid kept there.

use super::StoreError;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

/// The lock file's name inside the campaign folder.
pub const LOCK_FILE: &str = ".audit.lock";
/// The process id of the last writer to take the lock (read only while the lock is held).
pub const HOLDER_FILE: &str = ".audit.lock-holder";

/// Shared for commands that only read, exclusive for commands that change the campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockMode {
    /// Readers (status, verify, a report's `--previous`): many at once, no writer meanwhile.
    Shared,
    /// Writers (import, sample, sheet, collect, report): one at a time.
    Exclusive,
}

/// A held lock; dropping it (or the process ending) releases it.
#[derive(Debug)]
pub struct CampaignLock {
    /// The locked file; `None` for a reader on a campaign it may not write (a read-only share,
    /// a colleague with read rights only), where no lock can be created.
    _file: Option<File>,
    dir: std::path::PathBuf,
    /// The mode held.
    pub mode: LockMode,
}

impl CampaignLock {
    /// Take the lock on the campaign folder `dir` (which must exist). With `wait`, block until
    /// the other command ends; otherwise fail at once, naming the holder's process id if known.
    pub fn acquire(dir: &Path, mode: LockMode, wait: bool) -> Result<CampaignLock, StoreError> {
        let path = dir.join(LOCK_FILE);
        let io = |e: std::io::Error| StoreError::io(&path, e);
        if is_link(&path) {
            // Opening it would create or lock whatever it points at.
            return Err(io(std::io::Error::other(
                "锁文件是一个链接(不是 audit 创建的文件),为免改动它指向的文件,不会使用;请删除这个链接后重试",
            )));
        }
        let file = match mode {
            LockMode::Exclusive => OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io)?,
            LockMode::Shared => match open_for_reading(&path).map_err(io)? {
                Some(f) => f,
                None => {
                    return Ok(CampaignLock {
                        _file: None,
                        dir: dir.to_path_buf(),
                        mode,
                    })
                }
            },
        };
        let attempt = match (mode, wait) {
            (LockMode::Shared, true) => file.lock_shared().map_err(TryLockError::Error),
            (LockMode::Exclusive, true) => file.lock().map_err(TryLockError::Error),
            (LockMode::Shared, false) => file.try_lock_shared(),
            (LockMode::Exclusive, false) => file.try_lock(),
        };
        match attempt {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                // Only writers record their pid: when readers hold the campaign (a shared lock
                // would still be granted), the pid in the file is an old writer's.
                let readers = mode == LockMode::Exclusive && shared_free(&path);
                return Err(StoreError::Busy {
                    dir: dir.to_path_buf(),
                    pid: if readers { None } else { holder_pid(dir) },
                });
            }
            // A file system that cannot lock (some network shares) still lets a reader read.
            Err(TryLockError::Error(_)) if mode == LockMode::Shared => {
                return Ok(CampaignLock {
                    _file: None,
                    dir: dir.to_path_buf(),
                    mode,
                })
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        if mode == LockMode::Exclusive && !is_link(&dir.join(HOLDER_FILE)) {
            // Best effort: lets a second command name who holds the campaign.
            let _ = std::fs::write(dir.join(HOLDER_FILE), std::process::id().to_string());
        }
        Ok(CampaignLock {
            _file: Some(file),
            dir: dir.to_path_buf(),
            mode,
        })
    }

    /// Delete the lock file and the holder file (a refused first import taking its new folder
    /// away again); the lock itself is released when `self` is dropped.
    pub fn remove_files(&self) {
        let _ = std::fs::remove_file(self.dir.join(HOLDER_FILE));
        let _ = std::fs::remove_file(self.dir.join(LOCK_FILE));
    }
}

/// Whether `path` is a symbolic link (never followed: the tool writes only its own files).
fn is_link(path: &Path) -> bool {
    path.symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
}

/// The lock file opened for a reader: read-only when it exists; created when it does not and
/// the folder may be written; `None` when the folder or the file may not be written or read
/// (a read-only share, read rights only): the reader then goes without a lock.
fn open_for_reading(path: &Path) -> std::io::Result<Option<File>> {
    match File::open(path) {
        Ok(f) => return Ok(Some(f)),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => return Ok(None),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        Err(_) => {}
    }
    match OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
    {
        Ok(f) => Ok(Some(f)),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Whether a shared lock could be taken now (so the holders are readers).
fn shared_free(path: &Path) -> bool {
    std::fs::File::open(path).is_ok_and(|f| f.try_lock_shared().is_ok())
}

/// The process id the current holder wrote, if it can be read.
fn holder_pid(dir: &Path) -> Option<u32> {
    std::fs::read_to_string(dir.join(HOLDER_FILE))
        .ok()?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_exclusive_lock_is_refused_with_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let held = CampaignLock::acquire(dir.path(), LockMode::Exclusive, false).unwrap();
        let err = CampaignLock::acquire(dir.path(), LockMode::Exclusive, false).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("正被另一个 audit 命令使用"), "{msg}");
        assert!(msg.contains(&std::process::id().to_string()), "{msg}");
        assert!(CampaignLock::acquire(dir.path(), LockMode::Shared, false).is_err());
        drop(held);
        let a = CampaignLock::acquire(dir.path(), LockMode::Shared, false).unwrap();
        let b = CampaignLock::acquire(dir.path(), LockMode::Shared, false).unwrap();
        let err = CampaignLock::acquire(dir.path(), LockMode::Exclusive, false).unwrap_err();
        // Readers hold it: the pid left by the earlier writer is not named.
        assert!(
            !err.to_string().contains(&std::process::id().to_string()),
            "{err}"
        );
        drop((a, b));
        CampaignLock::acquire(dir.path(), LockMode::Exclusive, false).unwrap();
    }
}
