//! What Windows users meet: files open in Excel, Chinese and spaced paths, pipes, Excel's owner
//! files, the console's code page. CI runs these on Linux and, cross-compiled, under Wine; the
//! tests of a held file need Windows sharing rules and run only there.

mod common;
use common::Workdir;
#[cfg(windows)]
use std::path::Path;
use std::process::Stdio;

const C: &str = "检查 抽查/2020Q1";

/// A quarter in a folder with Chinese characters and a space, two workbooks issued.
fn quarter(w: &Workdir) {
    common::demo_data(w, 200, Some(3), "台账 2020Q1.xlsx");
    w.run(&["import", "台账 2020Q1.xlsx", "--campaign", C]).ok();
    common::sample(w, C, 12, 7, &[]).ok();
    w.run(&[
        "sheet",
        "--campaign",
        C,
        "--inspectors",
        "2",
        "--deadline",
        "2020-03-31",
    ])
    .ok();
}

fn sheet_name(n: u32) -> String {
    format!("{C}/sheets/2020Q1_检查员0{n}.xlsx")
}

#[test]
fn a_quarter_in_chinese_and_spaced_folders_and_excel_owner_files() {
    let w = Workdir::new();
    quarter(&w);
    std::fs::create_dir_all(w.path("交回 文件")).unwrap();
    // Returned copies (saved again by the inspectors: not the blank originals byte for byte).
    for n in [1, 2] {
        w.fill(&sheet_name(n), &format!("交回 文件/检查员0{n}.xlsx"))
            .save();
    }
    // What Excel leaves beside a workbook it has open: not a workbook, and not collected.
    w.write("交回 文件/~$检查员01.xlsx", "\u{6}owner");
    let r = w.run(&["collect", "--campaign", C, "交回 文件/*.xlsx"]);
    r.ok()
        .stdout_has("跳过 Excel/WPS 打开工作簿时生成的临时文件 1 个");
    assert!(!r.stderr.contains("~$"), "{}", r.stderr);
    // A shell expands the pattern itself, owner file included; and a folder may be given.
    for args in [
        vec!["交回 文件/~$检查员01.xlsx", "交回 文件/检查员01.xlsx"],
        vec!["交回 文件"],
    ] {
        let mut all = vec!["collect", "--campaign", C];
        all.extend(args);
        let r = w.run(&all);
        r.ok().stdout_has("临时文件 1 个");
        assert!(!r.stderr.contains("~$"), "{}", r.stderr);
    }
    w.run(&["status", "--campaign", C])
        .ok()
        .stdout_has("检查员02");
    w.run(&["report", "--campaign", C, "--allow-incomplete"])
        .ok();
    assert!(w.exists(&format!("{C}/report/report.xlsx")));
}

/// `audit status | more`, then q: the reader goes away; the program ends quietly.
#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    let w = Workdir::new();
    quarter(&w);
    let mut child = w
        .command()
        .args(["status", "--campaign", C])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    if cfg!(windows) {
        assert_eq!(out.status.code(), Some(0), "{stderr}");
    } else {
        // Linux: SIGPIPE ends it, as it ends any command-line tool.
        assert!(
            out.status.code().is_none() || out.status.success(),
            "{stderr}"
        );
    }
}

/// Output into a pipe follows the console's code page, or AUDIT_OUTPUT_ENCODING.
#[cfg(windows)]
#[test]
fn piped_output_can_be_gbk_for_findstr_and_more() {
    let w = Workdir::new();
    quarter(&w);
    let out = w
        .command()
        .env("AUDIT_OUTPUT_ENCODING", "gbk")
        .args(["status", "--campaign", C])
        .output()
        .unwrap();
    assert!(out.status.success());
    let (text, _, bad) = encoding_rs::GBK.decode(&out.stdout);
    assert!(!bad && text.contains("检查员01"), "{text}");
    assert!(std::str::from_utf8(&out.stdout).is_err(), "still UTF-8");
}

/// A file held open the way Excel holds one: by tests/helpers/hold_open.c when CI built it
/// (AUDIT_TEST_HOLD_OPEN), else by this process with the same access and sharing.
#[cfg(windows)]
enum Holder {
    Program(std::process::Child),
    File(#[allow(dead_code)] std::fs::File),
}

#[cfg(windows)]
impl Holder {
    fn hold(path: &Path) -> Holder {
        use std::io::BufRead;
        if let Some(exe) = std::env::var_os("AUDIT_TEST_HOLD_OPEN") {
            let mut child = std::process::Command::new(std::path::absolute(exe).unwrap())
                .arg(std::path::absolute(path).unwrap())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("hold_open.exe");
            let mut line = String::new();
            std::io::BufReader::new(child.stdout.take().unwrap())
                .read_line(&mut line)
                .unwrap();
            assert_eq!(
                line.trim(),
                "held",
                "hold_open could not open {}",
                path.display()
            );
            return Holder::Program(child);
        }
        use std::os::windows::fs::OpenOptionsExt;
        const FILE_SHARE_READ: u32 = 1;
        Holder::File(
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .share_mode(FILE_SHARE_READ)
                .open(path)
                .unwrap(),
        )
    }

    fn release(self) {
        if let Holder::Program(mut child) = self {
            drop(child.stdin.take());
            child.wait().unwrap();
        }
    }
}

/// Run `args` with `held` open as in Excel: refused by name, nothing changed, nothing left
/// behind, `status` works meanwhile; after the file is closed the same command succeeds.
#[cfg(windows)]
fn refused_while_held(w: &Workdir, held: &str, args: &[&str], watch: &[&str]) {
    let before: Vec<_> = watch.iter().map(|d| common::tree(&w.path(d))).collect();
    let holder = Holder::hold(&w.path(held));
    let r = w.run(args);
    r.fails().stderr_has("文件被其他程序占用");
    let name = Path::new(held).file_name().unwrap().to_string_lossy();
    r.stderr_has(&name);
    assert!(!r.stderr.contains("os error"), "{}", r.stderr);
    let after: Vec<_> = watch.iter().map(|d| common::tree(&w.path(d))).collect();
    assert!(
        before == after,
        "{args:?} changed files while {held} was held"
    );
    for d in watch {
        let parent = w.path(d).parent().unwrap().to_path_buf();
        for e in std::fs::read_dir(&parent).unwrap() {
            let n = e.unwrap().file_name().to_string_lossy().to_string();
            assert!(
                !n.contains(".audit-old-") && !n.contains(".audit-new-"),
                "{n}"
            );
        }
        for left in [".audit-staging", ".audit-journal", ".audit-trash"] {
            assert!(!w.path(d).join(left).exists(), "{left} left in {d}");
        }
    }
    w.run(&["status", "--campaign", C]).ok();
    holder.release();
    w.run(args).ok();
}

#[cfg(windows)]
#[test]
fn a_file_open_in_excel_stops_a_command_before_it_changes_anything() {
    let w = Workdir::new();
    quarter(&w);
    // sheet --force, a workbook open.
    let sheet = [
        "sheet",
        "--campaign",
        C,
        "--inspectors",
        "2",
        "--deadline",
        "2020-03-31",
        "--force",
    ];
    refused_while_held(&w, &sheet_name(1), &sheet, &[C]);
    // collect, answers.csv open (the copies as inspectors return them, not the blanks).
    std::fs::create_dir_all(w.path("交回")).unwrap();
    for n in [1, 2] {
        w.fill(&sheet_name(n), &format!("交回/检查员0{n}.xlsx"))
            .save();
    }
    w.run(&["collect", "--campaign", C, "交回/检查员01.xlsx"])
        .ok();
    let second = "交回/检查员02.xlsx".to_string();
    refused_while_held(
        &w,
        &format!("{C}/answers.csv"),
        &["collect", "--campaign", C, &second],
        &[C],
    );
    // report --force, report.xlsx open; and the same with --out.
    let report = ["report", "--campaign", C, "--allow-incomplete"];
    w.run(&report).ok();
    let mut forced = report.to_vec();
    forced.push("--force");
    refused_while_held(&w, &format!("{C}/report/report.xlsx"), &forced, &[C]);
    let mut out = report.to_vec();
    out.extend(["--out", "通报 输出"]);
    w.run(&out).ok();
    out.push("--force");
    refused_while_held(&w, "通报 输出/report.xlsx", &out, &[C, "通报 输出"]);
}

/// The guided start (a double click), driven through stdin: the menu, the equivalent command,
/// the command's own output, the pause, and the way out.
#[test]
fn the_guided_start_runs_a_step_from_the_menu() {
    use std::io::Write;
    let w = Workdir::new();
    quarter(&w);
    let mut child = w
        .command()
        .env("AUDIT_GUIDED", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A new office's first step (the profile draft, beside the export), the progress, a number
    // the menu does not have, and out.
    let input = format!("2\n台账 2020Q1.xlsx\n\n\n9\n\"{C}\"\n\nx\n0\n");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    for s in [
        "1 试用演示",
        "2 新单位首次使用",
        "9 项目进度",
        "等效命令:",
        "profile init",
        "status --campaign",
        "检查员02",
        "按回车键继续",
        "请输入 0 到 9",
    ] {
        assert!(stdout.contains(s), "{s:?} missing:\n{stdout}");
    }
    assert!(w.read("profile.toml").contains("[columns]"), "the draft");
    // Without it, no arguments is still the usage (a terminal, or Linux).
    w.run(&[]).fails();
}
