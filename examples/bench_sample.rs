//! Benchmark: `audit sample` on a 1,000,000-account frame with level × type × region strata,
//! against merely reading the canonical registry CSV, as a ratio.
//!
//!   cargo run --release --example bench_sample [-- ACCOUNTS]

use audit::domain::registry::Registry;
use audit::domain::sampling::{self, AllocationSpec, Spec};
use std::time::Instant;

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let tmp = std::env::temp_dir().join(format!("audit-bench-sample-{n}"));
    std::fs::create_dir_all(&tmp).expect("tmp");
    let src = tmp.join("registry_export.csv");
    let canonical = tmp.join("registry.csv");
    if !canonical.exists() {
        let accounts = audit::domain::demo_data::generate(n, 2);
        audit::ops::demo_data::write_registry(&src, "基准", &accounts).expect("write");
        let imp =
            audit::formats::registry_file::read(&src, None, None, None, &|_| {}).expect("import");
        let rows: Vec<Vec<String>> = imp
            .registry
            .accounts
            .iter()
            .map(|a| Registry::canonical_row(a, false))
            .collect();
        let bytes = audit::domain::csv_text::csv_bytes(&imp.registry.canonical_header(), &rows)
            .expect("csv");
        std::fs::write(&canonical, bytes).expect("write");
    }
    let reps = 5;
    let mut read = Vec::new();
    let mut draw = Vec::new();
    let mut strata = 0;
    let mut size = 0;
    for rep in 0..reps {
        let t = Instant::now();
        let csv =
            audit::domain::csv_text::parse_plain_csv(&std::fs::read(&canonical).expect("read"))
                .expect("parse");
        let (header, rows) = (csv.header, csv.rows);
        let reg = Registry::from_canonical(&header, rows).expect("parse");
        read.push(t.elapsed().as_secs_f64());
        let spec = Spec {
            strata: vec!["level".into(), "type".into(), "region".into()],
            allocation: AllocationSpec::Proportional,
            size: Some(5000),
            rate: None,
            min_per_stratum: 1,
            min_per_region: None,
            take_all: Vec::new(),
            recheck: Vec::new(),
            exclude: Vec::new(),
            seed: 20200320 + rep,
            region_order: Vec::new(),
            type_order: Vec::new(),
            group_order: Vec::new(),
        };
        let t = Instant::now();
        let drawn = sampling::draw(&reg, &spec).expect("draw");
        let (h, r) = sampling::sample_table(&reg, &drawn);
        let bytes = audit::domain::csv_text::csv_bytes(&h, &r).expect("csv");
        draw.push(t.elapsed().as_secs_f64());
        strata = drawn.strata.len();
        size = bytes.len();
    }
    read.sort_by(f64::total_cmp);
    draw.sort_by(f64::total_cmp);
    let (r, d) = (read[reps as usize / 2], draw[reps as usize / 2]);
    println!("frame: {n} accounts, {strata} strata (level × type × region), n = 5000");
    println!("read canonical registry.csv: {r:.3} s");
    println!(
        "sample (strata, allocation, draw, sample.csv bytes of {} KB): {d:.3} s",
        size / 1024
    );
    println!(
        "ratio sample / read: {:.3} (median of {reps}; target < 1)",
        d / r
    );
}
