//! Golden files: a fixed registry fixture → its sample, compared byte for byte with the CSV
//! checked in under fixtures/golden/ (see its README), so a change shows as a diff.

mod common;
use common::Workdir;
use std::path::Path;

/// The first lines where two CSV texts differ, for a readable failure.
fn first_differences(want: &str, got: &str) -> String {
    let mut out = Vec::new();
    for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
        if w != g {
            out.push(format!("line {}:\n  want {w}\n  got  {g}", i + 1));
        }
        if out.len() == 5 {
            break;
        }
    }
    let (nw, ng) = (want.lines().count(), got.lines().count());
    if nw != ng {
        out.push(format!("line counts: want {nw}, got {ng}"));
    }
    out.join("\n")
}

#[test]
fn the_fixed_registry_gives_the_golden_sample() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/golden");
    let w = Workdir::new();
    let registry = golden.join("registry.csv");
    w.run(&[
        "import",
        registry.to_str().unwrap(),
        "--campaign",
        "c",
        "--as-of",
        "2020-03-20",
    ])
    .ok();
    w.run(&[
        "sample",
        "--campaign",
        "c",
        "--size",
        "120",
        "--take-all",
        "owner_kind=政府",
        "--seed",
        "20200320",
    ])
    .ok();
    let got = w.bytes("c/sample.csv");
    let path = golden.join("sample.csv");
    if std::env::var_os("AUDIT_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read(&path).unwrap();
    assert!(
        want == got,
        "the sample differs from fixtures/golden/sample.csv (a deliberate change: \
         AUDIT_BLESS=1 cargo test --test golden, then review the diff)\n{}",
        first_differences(
            &String::from_utf8_lossy(&want),
            &String::from_utf8_lossy(&got)
        )
    );
}
