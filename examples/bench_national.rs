//! Benchmark: a national-scale campaign, step by step, each step's seconds and peak memory.
//!
//!   cargo run --release --example bench_national [-- ACCOUNTS [SAMPLE [INSPECTORS]]]
//!
//! A 200,000-account demo registry (.xlsx, seed 5) → import → a sample of 10,000 stratified by
//! level × type × region → 100 inspector workbooks → filled with the demo's simulated answers →
//! collect → report. Every step runs in a child process (this program again, with the step's
//! name), through the same entry as the `audit` command (`audit::run`) except the filling,
//! which does what `audit demo`'s simulated inspectors do; so each peak (VmHWM) is the step's own.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// CPU seconds (user + system) this process has used, from /proc/self/stat (Linux, 100 ticks a
/// second); on a shared machine it varies less than the wall clock.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<u64> = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    f.iter().sum::<u64>() as f64 / 100.0
}

/// This process's peak resident memory in KiB (Linux; 0 elsewhere).
fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse()
                    .unwrap_or(0)
            })
        })
        .unwrap_or(0)
}

/// The inspectors' answers, as `audit demo` simulates them, written into copies of the issued
/// workbooks under `back/`.
fn fill(dir: &Path) {
    use audit::store::{Access, Campaign};
    let camp = Campaign::open(&dir.join("c"), Access::Read).expect("campaign");
    let (sample, _) = camp.sample().expect("sample");
    let cat = camp.catalog().expect("catalog");
    let date = chrono::NaiveDate::from_ymd_opt(2020, 3, 20).expect("date");
    let fills =
        audit::domain::demo_data::simulate::answers(&cat, &sample.accounts, 5, 300, &[], date);
    let by_id = sample.by_id();
    let back = dir.join("back");
    std::fs::create_dir_all(&back).expect("mkdir");
    let mut sheets: Vec<PathBuf> = std::fs::read_dir(dir.join("c/sheets"))
        .expect("sheets")
        .map(|e| e.expect("entry").path())
        .collect();
    sheets.sort();
    for s in &sheets {
        let book = audit::formats::read::Book::read(s, 1 << 30).expect("read");
        let bounds = audit::formats::workbook::read::Bounds {
            ids: sample.accounts.len(),
            prefills: sample.accounts.len() * cat.indicators.len(),
        };
        let meta =
            audit::formats::workbook::read::read_meta(&book, "检查表", &bounds).expect("meta");
        let bytes = audit::formats::workbook::build(&audit::formats::workbook::SheetSpec {
            meta: &meta,
            deadline: chrono::NaiveDate::from_ymd_opt(2020, 3, 31),
            catalog: &cat,
            accounts: meta
                .ids
                .iter()
                .filter_map(|id| by_id.get(id.as_str()).copied())
                .collect(),
            fills: Some(&fills),
            simulated: true,
            created: &camp.manifest.created,
            finding: audit::formats::workbook::default_finding_columns(&sample.extra_headers),
        })
        .expect("build");
        std::fs::write(back.join(s.file_name().expect("name")), bytes).expect("write");
    }
}

/// The command line of a step (run in `dir`), or None for the filling.
fn step_args(
    step: &str,
    dir: &Path,
    accounts: u64,
    sample: u64,
    inspectors: u64,
) -> Option<Vec<String>> {
    let s = |v: &[&str]| Some(v.iter().map(|x| x.to_string()).collect());
    match step {
        "demo-data" => s(&[
            "demo-data",
            "--accounts",
            &accounts.to_string(),
            "--seed",
            "5",
            "--out",
            "reg.xlsx",
        ]),
        "import" => s(&[
            "import",
            "reg.xlsx",
            "--campaign",
            "c",
            "--as-of",
            "2020-03-01",
        ]),
        "sample" => s(&[
            "sample",
            "--campaign",
            "c",
            "--size",
            &sample.to_string(),
            "--strata",
            "level,type,region",
            "--seed",
            "1",
        ]),
        "sheet" => s(&[
            "sheet",
            "--campaign",
            "c",
            "--inspectors",
            &inspectors.to_string(),
        ]),
        "fill" => None,
        "collect" => {
            let mut v: Vec<String> = ["collect", "--campaign", "c"]
                .iter()
                .map(|x| x.to_string())
                .collect();
            let mut files: Vec<String> = std::fs::read_dir(dir.join("back"))
                .expect("back")
                .map(|e| e.expect("entry").path().display().to_string())
                .collect();
            files.sort();
            v.extend(files);
            Some(v)
        }
        "report" => s(&["report", "--campaign", "c"]),
        _ => unreachable!("{step}"),
    }
}

fn child(step: &str, dir: &Path, accounts: u64, sample: u64, inspectors: u64) {
    std::env::set_current_dir(dir).expect("cd");
    let t = Instant::now();
    match step_args(step, dir, accounts, sample, inspectors) {
        Some(args) => {
            let code = audit::run(std::iter::once("audit".to_string()).chain(args));
            assert_eq!(code, 0, "{step} failed");
        }
        None => fill(dir),
    }
    println!(
        "RESULT {:.3} {} {:.2}",
        t.elapsed().as_secs_f64(),
        peak_kb(),
        cpu_secs()
    );
}

fn measure(step: &str, dir: &Path, sizes: [u64; 3]) -> (f64, u64, f64) {
    let mut args = vec![
        "--child".to_string(),
        step.to_string(),
        dir.display().to_string(),
    ];
    args.extend(sizes.iter().map(u64::to_string));
    let out = Command::new(std::env::current_exe().expect("exe"))
        .args(&args)
        .output()
        .expect("child");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("RESULT"))
        .unwrap_or_else(|| {
            panic!(
                "{step} failed:\n{text}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let v: Vec<&str> = line.split_whitespace().collect();
    (
        v[1].parse().expect("secs"),
        v[2].parse().expect("kb"),
        v[3].parse().expect("cpu"),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let number =
        |i: usize, default: u64| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(default);
    if args.get(1).map(String::as_str) == Some("--child") {
        let sizes = [number(4, 0), number(5, 0), number(6, 0)];
        child(&args[2], Path::new(&args[3]), sizes[0], sizes[1], sizes[2]);
        return;
    }
    let sizes = [number(1, 200_000), number(2, 10_000), number(3, 100)];
    let scratch = tempfile::tempdir().expect("temp dir");
    let dir = scratch.path();
    let (secs, _, _) = measure("demo-data", dir, sizes);
    println!(
        "national chain: {} accounts (demo registry made in {secs:.1} s), sample {}, {} workbooks",
        sizes[0], sizes[1], sizes[2]
    );
    let (mut total, mut total_cpu) = (0.0, 0.0);
    let mut worst = 0u64;
    for step in ["import", "sample", "sheet", "fill", "collect", "report"] {
        let (secs, kb, cpu) = measure(step, dir, sizes);
        if step != "fill" {
            total += secs;
            total_cpu += cpu;
        }
        worst = worst.max(kb);
        let note = if step == "fill" {
            "  (simulated inspectors, not a command)"
        } else {
            ""
        };
        println!(
            "{step:<8} {secs:>6.2} s wall {cpu:>6.2} s cpu  peak {:>5.0} MB{note}",
            kb as f64 / 1024.0
        );
    }
    println!(
        "commands {total:.2} s wall, {total_cpu:.2} s cpu (the filling not counted), largest peak {:.0} MB (targets: <= 4 s, every step <= 300 MB)",
        worst as f64 / 1024.0
    );
}
