//! The returned copies kept in `inbox/` and `rectify/inbox/` are the campaign's evidence of what
//! inspectors and units sent. Each is checked against the SHA-256 recorded when it was taken, so
//! a copy changed, replaced, removed or slipped in afterwards is named (`audit verify`, `status`).

use super::rectify_record::RECTIFY_INBOX_DIR;
use super::{sha256_file, Campaign, StoreError, INBOX_DIR};
use std::collections::HashSet;

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
    /// Check every kept copy against the manifest: each file's SHA-256 is one taken, and every
    /// latest copy recorded is there.
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
        for dir in [INBOX_DIR, RECTIFY_INBOX_DIR] {
            self.check_kept(dir, &known, &mut check)?;
        }
        for (file, sha) in expected {
            if !self.path(file).is_file() {
                check.problems.push(format!(
                    "{file}: 缺失(收回时记录的 SHA-256 为 {}…)",
                    &sha[..12.min(sha.len())]
                ));
            }
        }
        Ok(check)
    }

    /// The files of one kept-copies folder, each hashed and looked up.
    fn check_kept(
        &self,
        dir: &str,
        known: &HashSet<&str>,
        check: &mut InboxCheck,
    ) -> Result<(), StoreError> {
        let path = self.path(dir);
        if !path.is_dir() {
            return Ok(());
        }
        let mut names: Vec<String> = std::fs::read_dir(&path)
            .map_err(|e| StoreError::io(&path, e))?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        for name in names {
            let rel = format!("{dir}/{name}");
            if left_by_another_program(&name) {
                check.others.push(rel);
                continue;
            }
            let sha = sha256_file(&self.path(&rel))?;
            let prefix = name.split('-').next().unwrap_or("");
            if known.contains(sha.as_str()) {
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
        }
        Ok(())
    }
}
