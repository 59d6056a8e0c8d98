//! Files and folders the tool writes outside a campaign: written whole (temp file + rename),
//! and an output folder is replaced only when it is the tool's own and untouched: its marker
//! file lists every file the tool wrote there with its SHA-256, and `--force` refuses a folder
//! holding anything else (a document someone saved there, a draft edited in place). So `--force`
//! can never delete a user's work.

use crate::store::StoreError;
use std::path::{Path, PathBuf};

/// Why an output file or folder was not written; a refusal names the path and what to do.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A file or folder could not be read, written, created or replaced.
    #[error("无法{doing} {}", path.display())]
    Io {
        /// What was being done: 读取, 写入, 创建, 创建目录, 替换.
        doing: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Hashing or renaming through the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An output file exists and `--force` was not given.
    #[error("{} 已存在({what});如确需覆盖,请加 --force", path.display())]
    FileExists {
        /// The file.
        path: PathBuf,
        /// What the file is, e.g. 指标目录.
        what: String,
    },
    /// The output folder is a symbolic link: replacing the folder would replace the link.
    #[error("{} 是一个链接(指向 {});不会替换这个链接,请直接给出它指向的目录", .link.display(), .target.display())]
    Link {
        /// The link given.
        link: PathBuf,
        /// Where it points.
        target: PathBuf,
    },
    /// The output folder is a link that leads nowhere.
    #[error("{} 是一个无法解析的链接(指向不存在的位置,或循环指向自身);请换一个输出目录", .0.display())]
    BrokenLink(PathBuf),
    /// The output folder is a file.
    #[error("{} 已存在且不是目录;不会覆盖,请换一个输出目录", .0.display())]
    NotADirectory(PathBuf),
    /// The output folder is someone else's.
    #[error("{} 已存在,且不是 audit 生成的输出目录(没有 {MARKER} 标记);不会覆盖或删除其中的文件,请换一个输出目录", .0.display())]
    NotOurs(PathBuf),
    /// The output folder is ours and `--force` was not given.
    #[error("{} 已存在;如需用新结果替换它请加 --force", .0.display())]
    OursWithoutForce(PathBuf),
    /// The output folder holds files the tool did not write, or that changed since.
    #[error("{} 中有不是 audit 写的、或写出后被改动过的文件: {}{};为免丢失不会替换,请先把它们移走或另存", dir.display(), shown.join(", "), if *more { " ……" } else { "" })]
    ForeignFiles {
        /// The folder.
        dir: PathBuf,
        /// The first ten such files.
        shown: Vec<String>,
        /// There are more than ten.
        more: bool,
    },
}

impl OutputError {
    fn io(doing: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> OutputError {
        let path = path.to_path_buf();
        move |source| OutputError::Io {
            doing,
            path,
            source,
        }
    }
}

type Result<T, E = OutputError> = std::result::Result<T, E>;

/// The marker file in every output folder the tool writes (report folders, the demo folder):
/// one line per file written, "SHA256  relative/path".
pub const MARKER: &str = ".audit-output";

/// Every file under `dir` (relative paths with "/"), leaving out the marker and whole campaign
/// folders (they have their own rules, see `campaign`).
pub fn files_under(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(OutputError::io("读取", &d))?;
        for e in entries {
            let p = e.map_err(OutputError::io("读取", &d))?.path();
            if p.is_dir() {
                if !p.join(crate::store::MANIFEST).is_file() {
                    stack.push(p);
                }
            } else if p != dir.join(MARKER) {
                let rel = p.strip_prefix(dir).unwrap_or(&p);
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().to_string())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Record every file now under `dir` (outside campaigns) in its marker.
pub fn seal(dir: &Path) -> Result<()> {
    seal_files(dir, &files_under(dir)?)
}

/// Record just these files (relative to `dir`) in its marker: what the tool wrote there.
pub fn seal_files(dir: &Path, files: &[String]) -> Result<()> {
    let mut text = String::new();
    for rel in files {
        let sha = crate::store::sha256_file(&dir.join(rel))?;
        text.push_str(&format!("{sha}  {rel}\n"));
    }
    let marker = dir.join(MARKER);
    std::fs::write(&marker, text).map_err(OutputError::io("写入", &marker))
}

/// Files under `dir` that the tool did not write there, or that changed since: everything, if
/// the folder has no marker.
pub fn foreign_files(dir: &Path) -> Result<Vec<String>> {
    let listed: std::collections::HashMap<String, String> =
        match std::fs::read_to_string(dir.join(MARKER)) {
            Ok(text) => text
                .lines()
                .filter_map(|l| l.split_once("  "))
                .map(|(sha, rel)| (rel.to_string(), sha.to_string()))
                .collect(),
            Err(_) => Default::default(),
        };
    let mut foreign = Vec::new();
    for rel in files_under(dir)? {
        let ours = match listed.get(&rel) {
            Some(sha) => crate::store::sha256_file(&dir.join(&rel))? == *sha,
            None => false,
        };
        if !ours {
            foreign.push(rel);
        }
    }
    Ok(foreign)
}

/// Produce `path` through a temp file in the same folder and a rename, so a reader never sees
/// half a file and a failure leaves the old one intact. `fill` writes the temp file.
pub fn write_atomic_file<F, E>(path: &Path, fill: F) -> Result<(), E>
where
    F: FnOnce(&Path) -> Result<(), E>,
    E: From<OutputError>,
{
    let dir = parent_of(path);
    // A file open in Excel is found before anything is written.
    crate::store::in_use::check_free([path.to_path_buf()]).map_err(OutputError::from)?;
    std::fs::create_dir_all(&dir).map_err(OutputError::io("创建目录", &dir))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = fill(&tmp).and_then(|()| {
        crate::store::rename_replacing(&tmp, path).map_err(|e| OutputError::from(e).into())
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Write bytes to `path` atomically (see [`write_atomic_file`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_file(path, |tmp| {
        std::fs::write(tmp, bytes).map_err(OutputError::io("写入", tmp))
    })
}

/// Refuse to replace an existing output file unless `force`.
pub fn guard_overwrite(path: &Path, force: bool, what: &str) -> Result<()> {
    if path.exists() && !force {
        return Err(OutputError::FileExists {
            path: path.to_path_buf(),
            what: what.to_string(),
        });
    }
    Ok(())
}

fn parent_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// Whether `dir` is a folder the tool wrote (it has the marker) or an empty folder.
pub fn is_own_or_empty(dir: &Path) -> bool {
    dir.is_dir()
        && (dir.join(MARKER).is_file()
            || std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none()))
}

/// Refuse to touch `out` unless it is missing, or (with `force`) the tool's own or empty.
pub fn guard_output_dir(out: &Path, force: bool) -> Result<()> {
    if out.symlink_metadata().is_ok() && std::fs::metadata(out).is_err() {
        return Err(OutputError::BrokenLink(out.to_path_buf()));
    }
    if out
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        // Replacing the folder would replace the user's link with a folder of ours.
        return Err(OutputError::Link {
            link: out.to_path_buf(),
            target: std::fs::read_link(out).unwrap_or_default(),
        });
    }
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        return Err(OutputError::NotADirectory(out.to_path_buf()));
    }
    if !is_own_or_empty(out) {
        return Err(OutputError::NotOurs(out.to_path_buf()));
    }
    if !force && out.join(MARKER).is_file() {
        return Err(OutputError::OursWithoutForce(out.to_path_buf()));
    }
    let foreign = foreign_files(out)?;
    if !foreign.is_empty() {
        return Err(OutputError::ForeignFiles {
            dir: out.to_path_buf(),
            more: foreign.len() > 10,
            shown: foreign.into_iter().take(10).collect(),
        });
    }
    Ok(())
}

/// Build a new output folder with `fill` beside `out`, then swap it in (the old one, ours,
/// goes away). Leftovers of a killed earlier run (ours, by marker) are removed first.
pub fn replace_output_dir<F, E>(out: &Path, force: bool, fill: F) -> Result<(), E>
where
    F: FnOnce(&Path) -> Result<(), E>,
    E: From<OutputError>,
{
    guard_output_dir(out, force)?;
    // The old folder is renamed aside: a file in it open in Excel is found before anything
    // is written.
    crate::store::in_use::check_free([out.to_path_buf()]).map_err(OutputError::from)?;
    let parent = parent_of(out);
    std::fs::create_dir_all(&parent).map_err(OutputError::io("创建", &parent))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    remove_own_leftovers(&parent, &name);
    let tmp = parent.join(format!(".{name}.audit-new-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(OutputError::io("创建", &tmp))?;
    if let Err(e) = fill(&tmp).and_then(|()| seal(&tmp).map_err(E::from)) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let old = parent.join(format!(".{name}.audit-old-{}", std::process::id()));
    if out.exists() {
        if let Err(e) = std::fs::rename(out, &old) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(OutputError::from(StoreError::io(out, e)).into());
        }
    }
    if let Err(e) = std::fs::rename(&tmp, out) {
        if old.exists() {
            let _ = std::fs::rename(&old, out);
        }
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(OutputError::from(StoreError::io(out, e)).into());
    }
    if old.exists() {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

/// Remove `.NAME.audit-new-*` / `.NAME.audit-old-*` folders a killed run left, if they are ours.
fn remove_own_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.audit-new-"), format!(".{name}.audit-old-")];
    for e in entries.filter_map(|e| e.ok()) {
        let n = e.file_name().to_string_lossy().to_string();
        let p = e.path();
        if prefixes.iter().any(|x| n.starts_with(x)) && p.join(MARKER).is_file() {
            let _ = std::fs::remove_dir_all(&p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fill that writes `text` to `name` in the new folder.
    fn put(name: &'static str, text: &'static str) -> impl FnOnce(&Path) -> Result<()> {
        move |p| std::fs::write(p.join(name), text).map_err(OutputError::io("写入", p))
    }

    /// A fill that writes nothing.
    fn nothing(_: &Path) -> Result<()> {
        Ok(())
    }

    #[test]
    fn a_users_folder_is_never_replaced() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("docs");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("mine.docx"), "x").unwrap();
        let err = replace_output_dir(&out, true, nothing).unwrap_err();
        assert!(
            err.to_string().contains("不是 audit 生成的输出目录"),
            "{err}"
        );
        assert!(out.join("mine.docx").exists());
        let file = d.path().join("f.txt");
        std::fs::write(&file, "x").unwrap();
        assert!(replace_output_dir(&file, true, nothing).is_err());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    }

    #[test]
    fn a_file_added_or_edited_in_an_own_folder_stops_the_replacement() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("r");
        replace_output_dir(&out, false, put("草稿.md", "1")).unwrap();
        std::fs::write(out.join("修改稿.docx"), "mine").unwrap();
        let err = replace_output_dir(&out, true, nothing)
            .unwrap_err()
            .to_string();
        assert!(err.contains("修改稿.docx"), "{err}");
        std::fs::remove_file(out.join("修改稿.docx")).unwrap();
        std::fs::write(out.join("草稿.md"), "edited").unwrap();
        let err = replace_output_dir(&out, true, nothing)
            .unwrap_err()
            .to_string();
        assert!(err.contains("草稿.md"), "{err}");
        assert_eq!(
            std::fs::read_to_string(out.join("草稿.md")).unwrap(),
            "edited"
        );
    }

    #[test]
    fn own_folder_is_replaced_only_with_force() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("r");
        replace_output_dir(&out, false, put("a", "1")).unwrap();
        assert!(replace_output_dir(&out, false, nothing).is_err());
        replace_output_dir(&out, true, put("b", "2")).unwrap();
        assert!(out.join("b").exists() && !out.join("a").exists());
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }
}
