//! How the program and paths are written in the messages that suggest a command to run.
//!
//! On Windows the program is run as `.\audit.exe` from its folder (it is not on PATH), and a
//! path with a space must be quoted for cmd.exe and PowerShell alike; paths are shown with the
//! system's separator (`D:\检查抽查\2020Q1\sheets\…`, not `…\2020Q1\sheets/…`).

use std::path::{Path, PathBuf};

/// The program as a user types it in a suggested command.
pub fn program() -> &'static str {
    if cfg!(windows) {
        r".\audit.exe"
    } else {
        "audit"
    }
}

/// A path as an argument in a suggested command: double-quoted when it has a space or a
/// character a shell would take for its own (both cmd.exe and PowerShell accept the quotes).
pub fn arg(p: &Path) -> String {
    let s = native(p).display().to_string();
    if s.is_empty() || s.contains([' ', '&', '(', ')', ';', '\'', '$', '`', ',', '{', '}']) {
        format!("\"{s}\"")
    } else {
        s
    }
}

/// `p` with the system's separator (on Windows `/` becomes `\`; elsewhere `p` as it is).
pub fn native(p: &Path) -> PathBuf {
    if cfg!(windows) {
        let s = p.to_string_lossy();
        if s.contains('/') {
            return PathBuf::from(s.replace('/', "\\"));
        }
    }
    p.to_path_buf()
}

/// `rel` (a path inside a campaign, with `/`, as the manifest records it) under `dir`, one
/// component at a time, so that it shows with the system's separator.
pub fn join_rel(dir: &Path, rel: &str) -> PathBuf {
    rel.split('/')
        .filter(|c| !c.is_empty())
        .fold(dir.to_path_buf(), |p, c| p.join(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_joining() {
        assert_eq!(arg(Path::new("2020Q1")), "2020Q1");
        assert!(arg(Path::new("检查 抽查")).starts_with('"'));
        let j = join_rel(Path::new("c"), "sheets/x.xlsx");
        assert_eq!(j, Path::new("c").join("sheets").join("x.xlsx"));
        assert!(!cfg!(windows) || !j.to_string_lossy().contains('/'));
    }
}
