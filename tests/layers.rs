//! The layers of ARCHITECTURE.md hold: `cmd → ops → {store, formats} → domain`, the domain does
//! no I/O and uses no spreadsheet library, and no two modules of one layer depend on each other
//! in a cycle. Read from the source, so a misplaced `use` fails here with the file and line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every .rs file under a folder, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Each `crate::NAME` (and `crate::domain::NAME`) reference: (line number, NAME).
fn references<'a>(text: &'a str, prefix: &'a str) -> impl Iterator<Item = (usize, String)> + 'a {
    text.lines().enumerate().flat_map(move |(i, line)| {
        let code = line.split("//").next().unwrap_or("");
        code.match_indices(prefix)
            .filter(|(at, _)| {
                let before = code[..*at].chars().next_back();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            })
            .map(|(at, _)| {
                let rest = &code[at + prefix.len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                (i + 1, name)
            })
            .collect::<Vec<_>>()
    })
}

fn layer_of(file: &Path, src: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

#[test]
fn layers_point_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("domain", &["domain"][..]),
        ("store", &["store", "domain"][..]),
        ("formats", &["formats", "domain"][..]),
        ("ops", &["ops", "store", "formats", "domain"][..]),
        (
            "cmd",
            &["cmd", "cli", "ops", "store", "formats", "domain"][..],
        ),
        ("cli", &["cli", "domain"][..]),
        // The process's entry: the console's encoding and the double-click menu, beside cmd.
        ("console", &["console", "domain"][..]),
        (
            "guided",
            &["guided", "run", "console", "cli", "store", "domain"][..],
        ),
    ]);
    let mut wrong = Vec::new();
    for file in rust_files(&src) {
        let layer = layer_of(&file, &src);
        let Some(ok) = allowed.get(layer.as_str()) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, target) in references(&text, "crate::") {
            if !ok.contains(&target.as_str()) {
                wrong.push(format!(
                    "{}:{line}: {layer} uses crate::{target}",
                    file.display()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "layer rule broken:\n{}", wrong.join("\n"));
}

#[test]
fn the_domain_does_no_io_and_knows_no_file_format() {
    let domain = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain");
    let banned = [
        "std::fs",
        "calamine",
        "rust_xlsxwriter",
        "zip::",
        "quick_xml",
        "anyhow",
        "File::open",
        "std::env",
        "println!",
    ];
    let mut wrong = Vec::new();
    for file in rust_files(&domain) {
        let text = std::fs::read_to_string(&file).unwrap();
        // Unit tests beside the code may use temporary files; the code itself may not.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (i, line) in code.lines().enumerate() {
            let line = line.split("//").next().unwrap_or("");
            for b in banned.iter().filter(|b| line.contains(*b)) {
                wrong.push(format!("{}:{}: {b}", file.display(), i + 1));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "I/O or a file format in the domain:\n{}",
        wrong.join("\n")
    );
}

/// Depth-first search for a cycle in a module graph; returns one cycle's path if any.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        path.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let at = path.iter().position(|p| p == m).unwrap();
                    let mut cycle = path[at..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, g, state, path) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(n, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn no_cycle_among_the_modules_of_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for layer in ["domain", "store", "formats", "ops"] {
        let dir = src.join(layer);
        let prefix = format!("crate::{layer}::");
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in rust_files(&dir) {
            let module = layer_of(&file, &dir);
            let text = std::fs::read_to_string(&file).unwrap();
            for (_, target) in references(&text, &prefix) {
                if target != module && !target.is_empty() {
                    graph.entry(module.clone()).or_default().insert(target);
                }
            }
        }
        if let Some(c) = find_cycle(&graph) {
            panic!("a cycle among {layer}'s modules: {}", c.join(" → "));
        }
    }
}

#[test]
fn no_command_calls_another() {
    let cmd = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cmd");
    let mut wrong = Vec::new();
    for file in rust_files(&cmd) {
        let me = layer_of(&file, &cmd);
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, target) in references(&text, "crate::cmd::") {
            // `console` is shared printing, not a command.
            if target != me && target != "console" {
                wrong.push(format!(
                    "{}:{line}: cmd::{me} uses cmd::{target}",
                    file.display()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn anyhow_only_in_the_commands() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for layer in ["domain", "store", "formats", "ops"] {
        for file in rust_files(&src.join(layer)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (i, line) in text.lines().enumerate() {
                if line.split("//").next().unwrap_or("").contains("anyhow") {
                    wrong.push(format!("{}:{}", file.display(), i + 1));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "anyhow outside cmd (errors are typed values):\n{}",
        wrong.join("\n")
    );
}
