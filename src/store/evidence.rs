//! The returned copies kept in `inbox/` and `rectify/inbox/` are the campaign's evidence of what
//! inspectors and units sent. Each is checked against the SHA-256 recorded when it was taken, so
//! a copy changed, replaced, removed or slipped in afterwards is named (`audit verify`, `status`).

use super::rectify_record::RECTIFY_INBOX_DIR;
use super::{sha256_file, Campaign, StoreError, INBOX_DIR};
use std::collections::{HashMap, HashSet};

/// What a check of the kept copies found.
#[derive(Debug, Default)]
pub struct InboxCheck {
    /// Copies missing, changed or never recorded, one line each naming the file.
    pub problems: Vec<String>,
    /// Files other programs leave in a folder (Excel's `~$` owner files, Thumbs.db,
    /// desktop.ini): named, not held against the campaign.
    pub others: Vec<String>,
    /// Copies whose content is what was taken.
    pub intact: usize,
}

/// Names a program other than audit leaves beside files it shows or opens.
fn left_by_another_program(name: &str) -> bool {
    name.starts_with("~$")
        || name.eq_ignore_ascii_case("thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
        || name == ".DS_Store"
}

impl Campaign {
    /// Check every kept copy against the manifest: each file's SHA-256 is one taken and the one
    /// its name carries (copies cannot be swapped), every latest copy recorded is there with
    /// the content recorded for it, and nothing else is there but files other programs leave.
    pub fn check_inbox(&self) -> Result<InboxCheck, StoreError> {
        let mut known: HashSet<&str> = HashSet::new();
        let mut expected: Vec<(&str, &str)> = Vec::new();
        if let Some(c) = &self.manifest.collect {
            known.extend(c.seen.iter().map(String::as_str));
            for r in &c.received {
                known.insert(&r.sha256);
                expected.push((&r.inbox_file, &r.sha256));
            }
        }
        if let Some(r) = &self.manifest.rectify {
            known.extend(r.seen.iter().map(String::as_str));
            for got in &r.received {
                known.insert(&got.sha256);
                expected.push((&got.inbox_file, &got.sha256));
            }
        }
        let mut check = InboxCheck::default();
        let mut hashes: HashMap<String, String> = HashMap::new();
        for dir in [INBOX_DIR, RECTIFY_INBOX_DIR] {
            self.check_kept(dir, &known, &mut check, &mut hashes)?;
        }
        for (file, sha) in expected {
            match hashes.get(file) {
                Some(got) if got == sha => {}
                // Named already: not a file, or not a copy taken.
                Some(_) if check.problems.iter().any(|p| p.starts_with(file)) => {}
                Some(_) => check.problems.push(format!(
                    "{file}: 内容与收回时记录的不同(应为 SHA-256 {}…),保存的原件被替换",
                    &sha[..12.min(sha.len())]
                )),
                None => check.problems.push(format!(
                    "{file}: 缺失(收回时记录的 SHA-256 为 {}…)",
                    &sha[..12.min(sha.len())]
                )),
            }
        }
        Ok(check)
    }

    /// The entries of one kept-copies folder, each looked at without following links, hashed
    /// and looked up; `hashes` gets each regular file's SHA-256 by its campaign-relative path.
    fn check_kept(
        &self,
        dir: &str,
        known: &HashSet<&str>,
        check: &mut InboxCheck,
        hashes: &mut HashMap<String, String>,
    ) -> Result<(), StoreError> {
        let path = self.path(dir);
        if !path.is_dir() {
            return Ok(());
        }
        let mut entries: Vec<(String, std::fs::FileType)> = std::fs::read_dir(&path)
            .map_err(|e| StoreError::io(&path, e))?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                Some((
                    e.file_name().to_string_lossy().to_string(),
                    e.file_type().ok()?,
                ))
            })
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, kind) in entries {
            let rel = format!("{dir}/{name}");
            if left_by_another_program(&name) {
                check.others.push(rel);
                continue;
            }
            if !kind.is_file() {
                let what = if kind.is_symlink() {
                    "是指向别处的链接"
                } else if kind.is_dir() {
                    "是文件夹"
                } else {
                    "不是普通文件"
                };
                check.problems.push(format!("{rel}: {what},不是收回的原件"));
                continue;
            }
            let sha = sha256_file(&self.path(&rel))?;
            let prefix = name.split('-').next().unwrap_or("");
            if known.contains(sha.as_str()) && sha.starts_with(prefix) && prefix.len() == 12 {
                check.intact += 1;
            } else if prefix.len() == 12 && known.iter().any(|k| k.starts_with(prefix)) {
                check.problems.push(format!(
                    "{rel}: 内容与收回时不同(SHA-256 不一致),保存的原件被改动或替换"
                ));
            } else {
                check.problems.push(format!(
                    "{rel}: 不是 audit 收回的文件(项目记录中没有它的 SHA-256)"
                ));
            }
            hashes.insert(rel, sha);
        }
        Ok(())
    }
}
