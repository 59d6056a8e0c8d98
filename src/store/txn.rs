//! All-or-nothing updates of a campaign folder.
//!
//! A command stages every new file under `DIR/.audit-staging/`, then [`Txn::commit`] writes a
//! journal naming the moves (`DIR/.audit-journal`, written to a temp name and renamed: that
//! rename is the commit point), carries the moves out, and deletes the journal. [`recover`] runs
//! whenever a campaign is opened under the exclusive lock: a journal is rolled forward (every
//! step is idempotent), and staging left by an uncommitted run is thrown away. So after a crash
//! or kill at any point the next command sees the whole old state or the whole new one.
//!
//! Fault injection for the tests: with `AUDIT_FAULT_AFTER=k` in the environment the process
//! exits (code 86, nothing cleaned up, like a kill) at the k-th durable step of the store.

use super::StoreError;
use crate::domain::shell::join_rel;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Staged new files, mirroring their final place in the campaign.
pub const STAGING_DIR: &str = ".audit-staging";
/// Folders replaced by a commit wait here until the commit is done.
pub const TRASH_DIR: &str = ".audit-trash";
/// The committed list of moves.
pub const JOURNAL: &str = ".audit-journal";
/// The journal while it is written (not yet committed).
pub const JOURNAL_TMP: &str = ".audit-journal.tmp";
/// Exit code of an injected fault.
pub const FAULT_EXIT: i32 = 86;

static STEPS: AtomicU64 = AtomicU64::new(0);

/// One durable step done. With `AUDIT_FAULT_AFTER=k` the k-th step ends the process (a kill);
/// with `AUDIT_FAULT_FAIL_AFTER=k` the k-th step fails as a full disk would, so the tests can
/// see what an I/O error at each step leaves behind.
pub fn fault_point() -> std::io::Result<()> {
    let n = STEPS.fetch_add(1, Ordering::SeqCst) + 1;
    let at = |var: &str| std::env::var(var).ok().and_then(|v| v.parse::<u64>().ok()) == Some(n);
    if at("AUDIT_FAULT_AFTER") {
        eprintln!("audit: 故障注入: 第 {n} 步后中止");
        std::process::exit(FAULT_EXIT);
    }
    if at("AUDIT_FAULT_FAIL_AFTER") {
        return Err(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            format!("磁盘空间不足(故障注入: 第 {n} 步)"),
        ));
    }
    Ok(())
}

/// One move of a commit, in the order they are carried out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", content = "path", rename_all = "snake_case")]
pub enum Step {
    /// Move the staged file to its place, replacing the old one.
    Put(String),
    /// Move the staged folder to its place; an old folder goes to the trash first.
    PutDir(String),
    /// Delete a file the tool wrote earlier and no longer lists.
    Remove(String),
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Journal {
    steps: Vec<Step>,
}

/// A change being prepared. Nothing in the campaign changes until [`Txn::commit`].
#[derive(Debug)]
pub struct Txn {
    dir: PathBuf,
    steps: Vec<Step>,
    /// Past the commit point: the journal owns the staging folder now.
    committed: bool,
}

impl Drop for Txn {
    /// A change abandoned by an error leaves nothing behind (a kill is handled by [`recover`]).
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(self.dir.join(STAGING_DIR));
            // A journal half written (a full disk) is no commit; leave nothing of it.
            let _ = std::fs::remove_file(self.dir.join(JOURNAL_TMP));
        }
    }
}

impl Txn {
    /// Start a change of the campaign at `dir` (the caller holds the exclusive lock).
    pub fn begin(dir: &Path) -> Result<Txn, StoreError> {
        let staging = dir.join(STAGING_DIR);
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| StoreError::io(&staging, e))?;
        }
        std::fs::create_dir_all(&staging).map_err(|e| StoreError::io(&staging, e))?;
        Ok(Txn {
            dir: dir.to_path_buf(),
            steps: Vec::new(),
            committed: false,
        })
    }

    /// Where a staged copy of `rel` goes.
    pub fn staged_path(&self, rel: &str) -> PathBuf {
        self.dir.join(STAGING_DIR).join(rel)
    }

    /// Stage `bytes` as the new content of `rel` (a path relative to the campaign), flushed to
    /// disk before the commit. Not hashed: callers that record a checksum have the bytes already.
    pub fn put(&mut self, rel: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.stage(rel, bytes, true)
    }

    /// [`Txn::put`] without the flush, for copies whose original exists elsewhere and whose
    /// checksum the manifest records (returned workbooks in the inbox, generated workbooks):
    /// a kill cannot tear them (the commit comes after), only a power cut could, and that would
    /// be seen. It saves a disk flush per workbook, most of what a collect of 100 costs.
    pub fn put_copy(&mut self, rel: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.stage(rel, bytes, false)
    }

    fn stage(&mut self, rel: &str, bytes: &[u8], flush: bool) -> Result<(), StoreError> {
        let path = self.staged_path(rel);
        let write = || -> std::io::Result<()> {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let mut file = std::fs::File::create(&path)?;
            file.write_all(bytes)?;
            if flush {
                file.sync_all()?;
            }
            Ok(())
        };
        write().map_err(|e| StoreError::io(&path, e))?;
        self.record(Step::Put(rel.to_string()));
        fault_point().map_err(|e| StoreError::io(&path, e))?;
        Ok(())
    }

    /// Stage the new content of `rel`, streamed by `fill`; returns its SHA-256 (hex).
    pub fn put_with<F>(&mut self, rel: &str, fill: F) -> Result<String, StoreError>
    where
        F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
    {
        let path = self.staged_path(rel);
        let digest = write_hashed(&path, fill).map_err(|e| StoreError::io(&path, e))?;
        self.record(Step::Put(rel.to_string()));
        fault_point().map_err(|e| StoreError::io(&path, e))?;
        Ok(digest)
    }

    /// Stage a whole folder `rel`, filled by `fill` (given the staged folder's path); the
    /// folder replaces any old one at commit.
    pub fn put_dir<F>(&mut self, rel: &str, fill: F) -> Result<(), StoreError>
    where
        F: FnOnce(&Path) -> Result<(), StoreError>,
    {
        let path = self.staged_path(rel);
        std::fs::create_dir_all(&path).map_err(|e| StoreError::io(&path, e))?;
        fill(&path)?;
        self.record(Step::PutDir(rel.to_string()));
        fault_point().map_err(|e| StoreError::io(&path, e))?;
        Ok(())
    }

    /// Delete `rel` at commit (only for files the tool wrote).
    pub fn remove(&mut self, rel: &str) {
        self.record(Step::Remove(rel.to_string()));
    }

    fn record(&mut self, step: Step) {
        self.steps.retain(|s| s != &step);
        self.steps.push(step);
    }

    /// Commit: write the journal (the commit point), carry out the moves, clean up.
    ///
    /// Before the commit point every file the moves will replace or delete, and every folder
    /// they will rename, is checked (see [`super::in_use`]): a file open in Excel stops the
    /// command there, with nothing changed. Should one be opened in the moment after, the change
    /// stays committed, a warning says so, and the next command finishes it.
    pub fn commit(mut self) -> Result<(), StoreError> {
        let journal = Journal {
            steps: std::mem::take(&mut self.steps),
        };
        super::in_use::check_free(journal.steps.iter().map(|s| match s {
            Step::Put(rel) | Step::PutDir(rel) | Step::Remove(rel) => {
                crate::domain::shell::join_rel(&self.dir, rel)
            }
        }))?;
        let text = toml::to_string(&journal).map_err(|e| StoreError::Internal(e.to_string()))?;
        let tmp = self.dir.join(JOURNAL_TMP);
        write_hashed(&tmp, |w| w.write_all(text.as_bytes()))
            .and_then(|_| fault_point())
            .map_err(|e| StoreError::io(&tmp, e))?;
        let path = self.dir.join(JOURNAL);
        std::fs::rename(&tmp, &path).map_err(|e| StoreError::io(&path, e))?;
        self.committed = true;
        // Past the commit point the change is made whatever happens next: an error now (a full
        // disk, a file opened in the moment) leaves the journal, which the next command finishes.
        let finished = fault_point()
            .map_err(|e| StoreError::io(&path, e))
            .and_then(|()| roll_forward(&self.dir, &journal));
        match finished {
            Ok(()) => {}
            Err(e @ StoreError::FinishLater { .. }) => eprintln!("注意: {e}"),
            Err(e) => eprintln!(
                "注意: 更改已经保存,但收尾时出错({e});问题解决后再运行任一 audit 命令(例如 status)即可自动完成"
            ),
        }
        Ok(())
    }
}

/// Write a file, flushed to disk, hashing what is written.
fn write_hashed<F>(path: &Path, fill: F) -> std::io::Result<String>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    struct Hashing<W> {
        inner: W,
        hasher: Sha256,
    }
    impl<W: Write> Write for Hashing<W> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let n = self.inner.write(buf)?;
            self.hasher.update(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.inner.flush()
        }
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let file = std::fs::File::create(path)?;
    let mut w = Hashing {
        inner: std::io::BufWriter::with_capacity(1 << 20, file),
        hasher: Sha256::new(),
    };
    fill(&mut w)?;
    w.flush()?;
    let Hashing { inner, hasher } = w;
    let file = inner.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(crate::domain::digest::hex(&hasher.finalize()))
}

/// Carry out a committed journal; every step can be repeated after a crash. A file held open
/// by another program leaves the rest to the next command ([`StoreError::FinishLater`]).
fn roll_forward(dir: &Path, journal: &Journal) -> Result<(), StoreError> {
    roll_forward_steps(dir, journal).map_err(|e| match e {
        StoreError::FileInUse { path } => StoreError::FinishLater { path },
        e => e,
    })
}

fn roll_forward_steps(dir: &Path, journal: &Journal) -> Result<(), StoreError> {
    let staging = dir.join(STAGING_DIR);
    let trash = dir.join(TRASH_DIR);
    for step in &journal.steps {
        match step {
            Step::Put(rel) => move_into_place(&staging.join(rel), &join_rel(dir, rel))?,
            Step::PutDir(rel) => {
                let (from, to) = (staging.join(rel), join_rel(dir, rel));
                if from.exists() {
                    if to.exists() {
                        let aside = trash.join(rel);
                        if let Some(p) = aside.parent() {
                            std::fs::create_dir_all(p).map_err(|e| StoreError::io(p, e))?;
                        }
                        if aside.exists() {
                            std::fs::remove_dir_all(&aside)
                                .map_err(|e| StoreError::io(&aside, e))?;
                        }
                        std::fs::rename(&to, &aside).map_err(|e| StoreError::io(&to, e))?;
                        fault_point().map_err(|e| StoreError::io(&to, e))?;
                    }
                    move_into_place(&from, &to)?;
                }
            }
            Step::Remove(rel) => {
                let p = join_rel(dir, rel);
                if p.is_file() {
                    std::fs::remove_file(&p).map_err(|e| StoreError::io(&p, e))?;
                    fault_point().map_err(|e| StoreError::io(&p, e))?;
                }
            }
        }
    }
    let path = dir.join(JOURNAL);
    std::fs::remove_file(&path).map_err(|e| StoreError::io(&path, e))?;
    fault_point().map_err(|e| StoreError::io(&path, e))?;
    clean(dir)
}

fn move_into_place(from: &Path, to: &Path) -> Result<(), StoreError> {
    if !from.exists() {
        return Ok(()); // already moved before a crash
    }
    if let Some(p) = to.parent() {
        std::fs::create_dir_all(p).map_err(|e| StoreError::io(p, e))?;
    }
    super::rename_replacing(from, to)?;
    fault_point().map_err(|e| StoreError::io(to, e))?;
    Ok(())
}

/// Remove staging, trash and a half-written journal: what a run that did not commit left.
fn clean(dir: &Path) -> Result<(), StoreError> {
    for name in [STAGING_DIR, TRASH_DIR] {
        let p = dir.join(name);
        if p.exists() {
            std::fs::remove_dir_all(&p).map_err(|e| StoreError::io(&p, e))?;
        }
    }
    let tmp = dir.join(JOURNAL_TMP);
    if tmp.exists() {
        std::fs::remove_file(&tmp).map_err(|e| StoreError::io(&tmp, e))?;
    }
    Ok(())
}

/// Bring a campaign to a consistent state after a crash (under the exclusive lock): roll a
/// committed journal forward, or throw an uncommitted run's staging away.
pub fn recover(dir: &Path) -> Result<bool, StoreError> {
    let path = dir.join(JOURNAL);
    if path.exists() {
        let text = std::fs::read_to_string(&path).map_err(|e| StoreError::io(&path, e))?;
        let journal: Journal = toml::from_str(&text).map_err(|e| StoreError::Corrupt {
            path: path.clone(),
            detail: e.to_string(),
        })?;
        roll_forward(dir, &journal)?;
        return Ok(true);
    }
    let leftovers = [STAGING_DIR, TRASH_DIR, JOURNAL_TMP]
        .iter()
        .any(|n| dir.join(n).exists());
    clean(dir)?;
    Ok(leftovers)
}

/// Whether a campaign has leftovers that [`recover`] would deal with.
pub fn needs_recovery(dir: &Path) -> bool {
    [JOURNAL, STAGING_DIR, TRASH_DIR, JOURNAL_TMP]
        .iter()
        .any(|n| dir.join(n).exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_moves_everything_and_leaves_nothing_behind() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.csv"), "old").unwrap();
        std::fs::create_dir_all(d.path().join("report")).unwrap();
        std::fs::write(d.path().join("report/x"), "old").unwrap();
        std::fs::write(d.path().join("gone.xlsx"), "old").unwrap();
        let mut t = Txn::begin(d.path()).unwrap();
        t.put("a.csv", b"new").unwrap();
        t.put("sub/b.csv", b"b").unwrap();
        t.put_dir("report", |p| {
            std::fs::write(p.join("y"), "new").map_err(|e| StoreError::io(p, e))
        })
        .unwrap();
        t.remove("gone.xlsx");
        t.commit().unwrap();
        let read = |p: &str| std::fs::read_to_string(d.path().join(p)).unwrap();
        assert_eq!(read("a.csv"), "new");
        assert_eq!(read("sub/b.csv"), "b");
        assert_eq!(read("report/y"), "new");
        assert!(!d.path().join("report/x").exists());
        assert!(!d.path().join("gone.xlsx").exists());
        assert!(!needs_recovery(d.path()));
    }

    #[test]
    fn uncommitted_staging_is_thrown_away() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.csv"), "old").unwrap();
        let mut t = Txn::begin(d.path()).unwrap();
        t.put("a.csv", b"new").unwrap();
        std::mem::forget(t); // as if the process were killed here
        assert!(needs_recovery(d.path()));
        assert!(recover(d.path()).unwrap());
        assert_eq!(
            std::fs::read_to_string(d.path().join("a.csv")).unwrap(),
            "old"
        );
        assert!(!needs_recovery(d.path()));
    }

    #[test]
    fn a_committed_journal_is_rolled_forward_from_any_point() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.csv"), "old").unwrap();
        std::fs::create_dir_all(d.path().join(STAGING_DIR)).unwrap();
        // "a.csv" already moved before the crash, "b.csv" not yet.
        std::fs::write(d.path().join("a.csv"), "new").unwrap();
        std::fs::write(d.path().join(STAGING_DIR).join("b.csv"), "b").unwrap();
        let j = Journal {
            steps: vec![Step::Put("a.csv".into()), Step::Put("b.csv".into())],
        };
        std::fs::write(d.path().join(JOURNAL), toml::to_string(&j).unwrap()).unwrap();
        assert!(recover(d.path()).unwrap());
        assert_eq!(
            std::fs::read_to_string(d.path().join("a.csv")).unwrap(),
            "new"
        );
        assert_eq!(
            std::fs::read_to_string(d.path().join("b.csv")).unwrap(),
            "b"
        );
        assert!(!needs_recovery(d.path()));
    }
}
