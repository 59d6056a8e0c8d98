//! Test harness: a scratch directory and the real `audit` binary (in the spirit of xsv's
//! tests/workdir.rs).
#![allow(dead_code)]

pub mod sichuan;
pub mod xlsx_edit;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use xlsx_edit::Fill;

pub struct Workdir {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn fails(&self) -> &Self {
        assert_ne!(
            self.code, 0,
            "expected failure\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "panic: {}", self.stderr);
        self
    }

    pub fn stderr_has(&self, s: &str) -> &Self {
        assert!(
            self.stderr.contains(s),
            "stderr lacks {s:?}:\n{}",
            self.stderr
        );
        self
    }

    pub fn stdout_has(&self, s: &str) -> &Self {
        assert!(
            self.stdout.contains(s),
            "stdout lacks {s:?}:\n{}",
            self.stdout
        );
        self
    }
}

pub fn fixture(name: &str) -> PathBuf {
    absolute(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name),
    )
}

/// The audit binary, as an absolute path. Under Wine the paths cargo gives are Unix paths
/// ("/work/…"), which Windows resolves against the current drive: made absolute here (while the
/// test's own current folder is on the drive Wine maps to "/") they work from any folder.
pub fn audit_bin() -> PathBuf {
    absolute(&assert_cmd::cargo::cargo_bin("audit"))
}

/// A path as the program prints it: with `\` on Windows.
pub fn native(p: &str) -> String {
    if cfg!(windows) {
        p.replace('/', "\\")
    } else {
        p.to_string()
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    pub fn copy_fixture(&self, name: &str) -> PathBuf {
        let to = self.path(name);
        std::fs::copy(fixture(name), &to).expect("copy fixture");
        to
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let start = || {
            assert_cmd::Command::new(audit_bin())
                .env("AUDIT_OUTPUT_ENCODING", "utf-8")
                .args(args)
                .current_dir(self.dir.path())
                .output()
        };
        // Under Wine on a loaded machine, starting a process now and then fails ("Internal
        // error", 1359) before the program runs at all; that is tried again, the program's own
        // failures never are.
        let out: Output = start()
            .or_else(|_| {
                std::thread::sleep(std::time::Duration::from_millis(500));
                start()
            })
            .expect("run audit");
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked"),
            "audit panicked:\n{}",
            run.stderr
        );
        run
    }

    /// Write `text` to `name` in the scratch dir (a registry, a profile, an edited file).
    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).unwrap_or_else(|e| panic!("write {name}: {e}"));
    }

    /// The audit binary, to run in the scratch dir as a child the test manages itself (races,
    /// waits, injected faults).
    pub fn command(&self) -> Command {
        let mut c = Command::new(audit_bin());
        // The tests read UTF-8, whatever the console's code page (see src/console.rs).
        c.current_dir(self.dir.path())
            .env("AUDIT_OUTPUT_ENCODING", "utf-8");
        c
    }

    pub fn read(&self, p: &str) -> String {
        let bytes = std::fs::read(self.path(p)).unwrap_or_else(|e| panic!("read {p}: {e}"));
        String::from_utf8(bytes)
            .expect("utf-8")
            .trim_start_matches('\u{feff}')
            .to_string()
    }

    pub fn bytes(&self, p: &str) -> Vec<u8> {
        std::fs::read(self.path(p)).unwrap_or_else(|e| panic!("read {p}: {e}"))
    }

    pub fn exists(&self, p: &str) -> bool {
        self.path(p).exists()
    }

    /// CSV rows (header first) of a file the tool wrote.
    pub fn csv(&self, p: &str) -> Vec<Vec<String>> {
        let text = self.read(p);
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        r.records()
            .map(|x| x.expect("csv").iter().map(|s| s.to_string()).collect())
            .collect()
    }

    /// A copy of the inspector workbook `src` to fill in as an inspector would, saved as `dst`
    /// (both in the scratch dir, or absolute).
    pub fn fill(&self, src: &str, dst: &str) -> Fill {
        Fill::inspector(&self.path(src), &self.path(dst))
    }

    /// A copy of the rectification workbook `src` to fill in as a unit would, saved as `dst`.
    pub fn fill_rectify(&self, src: &str, dst: &str) -> Fill {
        Fill::rectify(&self.path(src), &self.path(dst))
    }

    /// Convert with LibreOffice headless (`soffice --convert-to FMT`), into `outdir`.
    pub fn soffice(&self, file: &str, fmt: &str, outdir: &str) {
        std::fs::create_dir_all(self.path(outdir)).expect("mkdir");
        let profile = self.path("lo-profile");
        let out = Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.display()
            ))
            .args(["--headless", "--convert-to", fmt, "--outdir", outdir, file])
            .current_dir(self.dir.path())
            .output()
            .expect("LibreOffice (soffice) is needed for this #[ignore]d test");
        assert!(
            out.status.success(),
            "soffice failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The date `days` from today (negative: before), as YYYY-MM-DD: a date "in the future" that
/// stays in the future whenever the tests run.
pub fn days_from_today(days: i64) -> String {
    (chrono::Local::now().date_naive() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// A demo registry of `accounts` accounts at `out` (.xlsx or .csv), with `--seed` when given.
pub fn demo_data(w: &Workdir, accounts: u64, seed: Option<u64>, out: &str) {
    let accounts = accounts.to_string();
    let seed = seed.map(|s| s.to_string());
    let mut args = vec!["demo-data", "--accounts", &accounts];
    if let Some(s) = &seed {
        args.extend(["--seed", s]);
    }
    args.extend(["--out", out]);
    w.run(&args).ok();
}

/// Run `sample` on `campaign` for `size` accounts with `seed` and one random unit per stratum
/// (enough for small test campaigns), plus `extra` arguments; the caller checks the outcome.
pub fn sample(w: &Workdir, campaign: &str, size: u64, seed: u64, extra: &[&str]) -> Run {
    let (size, seed) = (size.to_string(), seed.to_string());
    let mut args = vec![
        "sample",
        "--campaign",
        campaign,
        "--size",
        &size,
        "--min-per-stratum",
        "1",
        "--seed",
        &seed,
    ];
    args.extend_from_slice(extra);
    w.run(&args)
}

/// Build a campaign: demo registry of `n` accounts, imported, sampled (seed 7, at least one per
/// stratum), sheets for `k`.
pub fn campaign(w: &Workdir, n: u64, size: u64, k: usize) {
    demo_data(w, n, Some(3), "reg.xlsx");
    w.run(&["import", "reg.xlsx", "--campaign", "c"]).ok();
    sample(w, "c", size, 7, &[]).ok();
    w.run(&[
        "sheet",
        "--campaign",
        "c",
        "--inspectors",
        &k.to_string(),
        "--deadline",
        "2020-03-31",
    ])
    .ok();
}

/// Sample every account of `campaign` (`--rate 1`, seed 1, plus `extra`) and make one workbook.
pub fn sample_all_one_sheet(w: &Workdir, campaign: &str, extra: &[&str]) {
    let mut args = vec!["sample", "--campaign", campaign, "--rate", "1"];
    args.extend_from_slice(extra);
    w.run(&args).ok();
    w.run(&["sheet", "--campaign", campaign, "--inspectors", "1"])
        .ok();
}

/// Every row of a workbook's 检查表 as text, the header first.
pub fn sheet_rows(w: &Workdir, sheet: &str) -> Vec<Vec<String>> {
    use calamine::{open_workbook_auto, Reader};
    let mut wb = open_workbook_auto(w.path(sheet)).unwrap();
    let r = wb.worksheet_range("检查表").unwrap();
    r.rows()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// The account ids of a workbook's 检查表, in row order.
pub fn ids_of(w: &Workdir, sheet: &str) -> Vec<String> {
    sheet_rows(w, sheet)
        .into_iter()
        .skip(1)
        .map(|row| row[0].clone())
        .collect()
}

/// Jiangsu's 13 prefecture-level cities in the province's own order, as the tests expect them
/// (written out here, not taken from the crate, so a change of order there is seen).
pub const JIANGSU_CITIES: [&str; 13] = [
    "南京",
    "无锡",
    "徐州",
    "常州",
    "苏州",
    "南通",
    "连云港",
    "淮安",
    "盐城",
    "扬州",
    "镇江",
    "泰州",
    "宿迁",
];

/// Copy a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let t = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &t);
        } else {
            std::fs::copy(&p, &t).unwrap();
        }
    }
}

/// Run `args` (`{C}` stands for the campaign) with a fault after every possible step
/// (`AUDIT_FAULT_AFTER=k`), from a fresh copy of `base` each time. After each fault the campaign
/// must read back whole (`status` works, no staging left, `check` passes) and `rerun_args` must
/// complete. Returns the number of steps faulted.
pub fn fault_sweep(
    w: &Workdir,
    base: &str,
    args: &[&str],
    rerun_args: &[&str],
    check: &dyn Fn(&Path),
) -> u64 {
    for k in 1..200u64 {
        let dir = w.path(&format!("f{k}"));
        let _ = std::fs::remove_dir_all(&dir);
        if w.path(base).exists() {
            copy_dir(&w.path(base), &dir);
        }
        let run = |fault: Option<u64>| {
            let mut c = w.command();
            let args = if fault.is_some() { args } else { rerun_args };
            c.args(
                args.iter()
                    .map(|a| a.replace("{C}", &dir.display().to_string())),
            );
            if let Some(k) = fault {
                c.env("AUDIT_FAULT_AFTER", k.to_string());
            }
            c.output().unwrap()
        };
        let out = run(Some(k));
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(!stderr.contains("panicked"), "{stderr}");
        if out.status.code() == Some(0) {
            return k - 1; // every step before k was tried
        }
        assert_eq!(out.status.code(), Some(86), "{args:?} k={k}: {stderr}");
        if dir.join("campaign.toml").exists() {
            let st = w
                .command()
                .args(["status", "--campaign"])
                .arg(&dir)
                .output()
                .unwrap();
            assert!(
                st.status.success(),
                "{args:?} k={k}: status after the fault: {}",
                String::from_utf8_lossy(&st.stderr)
            );
            for leftover in [".audit-staging", ".audit-journal", ".audit-trash"] {
                assert!(!dir.join(leftover).exists(), "k={k}: {leftover} left");
            }
            check(&dir);
        }
        let again = run(None);
        assert!(
            again.status.success(),
            "{args:?} k={k}: rerun: {}",
            String::from_utf8_lossy(&again.stderr)
        );
        check(&dir);
    }
    panic!("{args:?} never completed");
}

/// Every file under `dir` with its bytes (relative paths), the lock files aside.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if p.is_dir() {
                walk(root, &p, out);
            } else if !name.starts_with(".audit.lock") {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Run `args` (`{C}` stands for the campaign) with an I/O error — a full disk — at every
/// possible step (`AUDIT_FAULT_FAIL_AFTER=k`), from a fresh copy of `base` each time. Before the
/// commit point the command fails naming the disk and leaves the campaign exactly as it was
/// (no half-written journal); after it the change stands: exit 0, a note saying so, and the
/// next command finishes it (`check` then holds). Returns the number of steps failed.
pub fn full_disk_sweep(w: &Workdir, base: &str, args: &[&str], check: &dyn Fn(&Path)) -> u64 {
    let before = tree(&w.path(base));
    for k in 1..200u64 {
        let dir = w.path(&format!("disk{k}"));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&w.path(base), &dir);
        let out = w
            .command()
            .args(
                args.iter()
                    .map(|a| a.replace("{C}", &dir.display().to_string())),
            )
            .env("AUDIT_FAULT_FAIL_AFTER", k.to_string())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(!stderr.contains("panicked"), "{stderr}");
        if !stderr.contains("故障注入") {
            assert!(out.status.success(), "{args:?} k={k}: {stderr}");
            return k - 1;
        }
        if out.status.success() {
            assert!(stderr.contains("更改已经保存"), "{args:?} k={k}: {stderr}");
            let st = w
                .command()
                .args(["status", "--campaign"])
                .arg(&dir)
                .output()
                .unwrap();
            assert!(st.status.success(), "{args:?} k={k}: status after");
            check(&dir);
        } else {
            assert!(stderr.contains("磁盘空间不足"), "{args:?} k={k}: {stderr}");
            assert!(
                tree(&dir) == before,
                "{args:?} k={k}: a failed command changed the campaign"
            );
        }
        for left in [
            ".audit-staging",
            ".audit-journal",
            ".audit-journal.tmp",
            ".audit-trash",
        ] {
            assert!(!dir.join(left).exists(), "{args:?} k={k}: {left} left");
        }
    }
    panic!("{args:?} never completed");
}

/// The text of a .docx's body (word/document.xml with its tags taken out).
pub fn docx_text(w: &Workdir, p: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(w.bytes(p))).expect("a zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut z.by_name("word/document.xml").expect("document.xml"),
        &mut xml,
    )
    .expect("utf-8");
    let mut text = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}
