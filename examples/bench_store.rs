//! What the campaign store (lock, journal, signatures) costs: `collect` of 100 workbooks × 100
//! rows and `report` on a 200,000-account registry, this build against a baseline binary of an
//! earlier version, in the same run, alternating, medians of 3.
//!
//! ```sh
//! git worktree add /tmp/base 33d224b && (cd /tmp/base && cargo build --release --target-dir /tmp/base-target)
//! cargo build --release
//! AUDIT_BASELINE=/tmp/base-target/release/audit cargo run --release --example bench_store
//! ```
//!
//! The workbooks are filled as a person would by the tests' helper (tests/common/xlsx_edit.rs).

// The tests' workbook editor; the bench uses only part of it.
#[allow(dead_code)]
#[path = "../tests/common/xlsx_edit.rs"]
mod xlsx_edit;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const ACCOUNTS: u64 = 200_000;
const INSPECTORS: usize = 100;
const PER_WORKBOOK: u64 = 100;

fn run(bin: &Path, dir: &Path, args: &[&str]) -> f64 {
    let t = Instant::now();
    let out = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    let secs = t.elapsed().as_secs_f64();
    if !out.status.success() {
        panic!(
            "{} {args:?} failed:\n{}",
            bin.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    secs
}

/// A campaign with every workbook filled (all pass), ready to collect; returns the filled files.
fn prepare(bin: &Path, dir: &Path, registry: &Path) -> Vec<String> {
    std::fs::create_dir_all(dir).expect("mkdir");
    let reg = registry.display().to_string();
    run(bin, dir, &["import", &reg, "--campaign", "c"]);
    let n = (INSPECTORS as u64 * PER_WORKBOOK).to_string();
    run(
        bin,
        dir,
        &["sample", "--campaign", "c", "--size", &n, "--seed", "1"],
    );
    let k = INSPECTORS.to_string();
    run(bin, dir, &["sheet", "--campaign", "c", "--inspectors", &k]);
    let mut files = Vec::new();
    let mut sheets: Vec<PathBuf> = std::fs::read_dir(dir.join("c/sheets"))
        .expect("sheets")
        .map(|e| e.expect("entry").path())
        .collect();
    sheets.sort();
    std::fs::create_dir_all(dir.join("back")).expect("mkdir");
    for (i, s) in sheets.iter().enumerate() {
        let to = format!("back/r{i:03}.xlsx");
        xlsx_edit::Fill::inspector(s, &dir.join(&to))
            .all_pass("2020-03-25")
            .save();
        files.push(to);
    }
    files
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let baseline = PathBuf::from(
        std::env::var("AUDIT_BASELINE").expect("set AUDIT_BASELINE to an earlier audit binary"),
    );
    let current = std::env::var("AUDIT_CURRENT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/audit"));
    let scratch = tempfile::tempdir().expect("temp dir");
    let registry = scratch.path().join("reg.csv");
    run(
        &current,
        scratch.path(),
        &[
            "demo-data",
            "--accounts",
            &ACCOUNTS.to_string(),
            "--seed",
            "5",
            "--out",
            "reg.csv",
        ],
    );
    let bins = [("baseline", baseline), ("current", current)];
    let mut prepared = Vec::new();
    for (name, bin) in &bins {
        let dir = scratch.path().join(name);
        let files = prepare(bin, &dir, &registry);
        prepared.push((dir, files));
    }
    let mut collect = [Vec::new(), Vec::new()];
    let mut report = [Vec::new(), Vec::new()];
    for round in 0..3 {
        for (i, (_, bin)) in bins.iter().enumerate() {
            let (dir, files) = &prepared[i];
            // Start every round from the same state: nothing collected yet.
            let fresh = dir.join(format!("run{round}"));
            copy_dir(&dir.join("c"), &fresh.join("c"));
            let mut args = vec!["collect", "--campaign", "c"];
            let abs: Vec<String> = files
                .iter()
                .map(|f| dir.join(f).display().to_string())
                .collect();
            args.extend(abs.iter().map(String::as_str));
            collect[i].push(run(bin, &fresh, &args));
            report[i].push(run(bin, &fresh, &["report", "--campaign", "c"]));
        }
    }
    let (cb, cc) = (median(collect[0].clone()), median(collect[1].clone()));
    let (rb, rc) = (median(report[0].clone()), median(report[1].clone()));
    println!("collect {INSPECTORS} workbooks × {PER_WORKBOOK} rows: baseline {cb:.2} s, current {cc:.2} s, ratio {:.3}", cc / cb);
    println!(
        "report on {ACCOUNTS} accounts: baseline {rb:.2} s, current {rc:.2} s, ratio {:.3}",
        rc / rb
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let p = e.expect("entry").path();
        let t = to.join(p.file_name().expect("name"));
        if p.is_dir() {
            copy_dir(&p, &t);
        } else {
            std::fs::copy(&p, &t).expect("copy");
        }
    }
}
