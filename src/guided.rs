//! A guided start for a double click: when audit.exe starts without arguments in a console
//! Windows made for it (Explorer), it shows a short menu instead of flashing its usage and
//! closing. Each step asks for the few inputs it needs (a path may be dragged into the window;
//! quotes are stripped), prints the equivalent command line, runs it through the same dispatch as
//! the command line ([`crate::run`]) and waits for Enter before the window closes. A file dropped
//! onto audit.exe starts the import. In a terminal the program was started from, and on Linux,
//! nothing changes; `AUDIT_GUIDED=1` forces the menu (the tests drive it through stdin).

use std::ffi::OsString;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// The environment variable that forces the guided start.
pub const GUIDED_VAR: &str = "AUDIT_GUIDED";

/// How the program was started, when it should guide.
#[derive(Debug, PartialEq, Eq)]
pub enum Start {
    /// No arguments: the menu.
    Menu,
    /// A file dropped onto audit.exe: import it.
    Import(PathBuf),
}

/// Whether to guide, from the arguments (program name first).
pub fn wanted(args: &[OsString]) -> Option<Start> {
    let forced = std::env::var(GUIDED_VAR).is_ok_and(|v| v == "1");
    use std::io::IsTerminal;
    let double_click = crate::console::own_console() && std::io::stdin().is_terminal();
    if !forced && !double_click {
        return None;
    }
    match args {
        [_] => Some(Start::Menu),
        [_, file] if Path::new(file).is_file() => Some(Start::Import(PathBuf::from(file))),
        _ => None,
    }
}

const MENU: &str = "\
请选择要做的事(输入编号后按回车):
  1 试用演示
  2 新单位首次使用:从台账导出生成配置草稿
  3 导入台账
  4 抽样
  5 生成检查表
  6 收回检查表
  7 生成通报
  8 整改跟踪
  9 项目进度
  0 退出";

struct Session<R> {
    input: R,
    campaign: Option<String>,
}

impl<R: BufRead> Session<R> {
    /// One line of input; `None` at the end of the input.
    fn line(&mut self) -> Option<String> {
        let mut s = String::new();
        match self.input.read_line(&mut s) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(clean(&s)),
        }
    }

    /// Ask for a value, with a default shown in brackets.
    fn ask(&mut self, prompt: &str, default: Option<&str>) -> Option<String> {
        match default {
            Some(d) => print!("{prompt} [{d}]: "),
            None => print!("{prompt}: "),
        }
        let _ = std::io::stdout().flush();
        let v = self.line()?;
        if v.is_empty() {
            default.map(str::to_string)
        } else {
            Some(v)
        }
    }

    fn ask_campaign(&mut self) -> Option<String> {
        let last = self.campaign.clone();
        let c = self.ask(
            "项目目录(例如 D:\\检查抽查\\2020Q1,可把文件夹拖进窗口)",
            last.as_deref(),
        )?;
        self.campaign = Some(c.clone());
        Some(c)
    }

    /// The command line for a menu choice; `None` to leave the menu.
    fn step(&mut self, choice: &str) -> Option<Option<Vec<String>>> {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<String>>();
        let args = match choice {
            "1" => {
                let out = self.ask("演示输出目录", Some("audit-demo"))?;
                s(&["demo", "--out", &out])
            }
            "2" => {
                let file = self.ask("台账导出文件(可把文件拖进窗口)", None)?;
                let beside = Path::new(&file).with_file_name("profile.toml");
                let out = self.ask("配置草稿保存为", Some(&beside.display().to_string()))?;
                s(&["profile", "init", &file, "--out", &out])
            }
            "3" => {
                let file = self.ask("台账文件(可把文件拖进窗口)", None)?;
                let c = self.ask_campaign()?;
                let profile = self.ask("配置文件 profile.toml(没有就直接回车)", Some(""))?;
                let mut a = s(&["import", &file, "--campaign", &c]);
                if !profile.is_empty() {
                    a.extend(s(&["--profile", &profile]));
                }
                a
            }
            "4" => {
                let c = self.ask_campaign()?;
                let n = self.ask("抽样数量", Some("219"))?;
                s(&["sample", "--campaign", &c, "--size", &n])
            }
            "5" => {
                let c = self.ask_campaign()?;
                let k = self.ask("检查员人数", Some("4"))?;
                let mut a = s(&["sheet", "--campaign", &c, "--inspectors", &k]);
                let d = self.ask("交回期限 YYYY-MM-DD(可留空)", Some(""))?;
                if !d.is_empty() {
                    a.extend(s(&["--deadline", &d]));
                }
                a
            }
            "6" => {
                let c = self.ask_campaign()?;
                let from = self.ask("交回的检查表所在文件夹(可拖入)", None)?;
                let pattern = if Path::new(&from).is_dir() {
                    Path::new(&from).join("*.xlsx").display().to_string()
                } else {
                    from
                };
                s(&["collect", "--campaign", &c, &pattern])
            }
            "7" => {
                let c = self.ask_campaign()?;
                let mut a = s(&["report", "--campaign", &c]);
                if Path::new(&c).join(crate::store::REPORT_DIR).is_dir() {
                    let r = self.ask("已有通报,是否用新结果替换(y/n)", Some("n"))?;
                    if r.eq_ignore_ascii_case("y") {
                        a.push("--force".into());
                    }
                }
                a
            }
            "8" => {
                let c = self.ask_campaign()?;
                s(&["rectify", "status", "--campaign", &c])
            }
            "9" => {
                let c = self.ask_campaign()?;
                s(&["status", "--campaign", &c])
            }
            "0" | "q" | "Q" => return None,
            _ => {
                println!("请输入 0 到 9 的编号。");
                return Some(None);
            }
        };
        Some(Some(args))
    }
}

/// Strip the line end, spaces and the quotes Explorer puts around a dragged path.
fn clean(s: &str) -> String {
    let t = s.trim();
    let t = t
        .strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(t);
    t.trim().to_string()
}

/// The command line as a user would type it.
fn command_line(args: &[String]) -> String {
    let mut line = crate::domain::shell::program().to_string();
    for a in args {
        line.push(' ');
        if a.starts_with("--") || !a.contains([' ', '&', '(', ')', ';']) {
            line.push_str(a);
        } else {
            line.push_str(&format!("\"{a}\""));
        }
    }
    line
}

fn run_step(args: Vec<String>) -> i32 {
    println!("\n等效命令: {}\n", command_line(&args));
    let mut full = vec!["audit".to_string()];
    full.extend(args);
    let code = crate::run(full);
    println!(
        "\n{}",
        if code == 0 {
            "完成。"
        } else {
            "未完成,请看上面的提示。"
        }
    );
    code
}

fn pause<R: BufRead>(input: &mut R) {
    print!("按回车键继续……");
    let _ = std::io::stdout().flush();
    let mut s = String::new();
    let _ = input.read_line(&mut s);
}

/// Run the guided start; returns the exit code.
pub fn run(start: Start) -> i32 {
    let stdin = std::io::stdin();
    let mut session = Session {
        input: stdin.lock(),
        campaign: None,
    };
    println!(
        "audit {} —— 政务新媒体季度检查抽查工具\n",
        env!("CARGO_PKG_VERSION")
    );
    if let Start::Import(file) = start {
        let file = file.display().to_string();
        let Some(c) = session.ask_campaign() else {
            return 0;
        };
        let code = run_step(vec!["import".into(), file, "--campaign".into(), c]);
        pause(&mut session.input);
        return code;
    }
    let mut last = 0;
    loop {
        println!("{MENU}");
        print!("> ");
        let _ = std::io::stdout().flush();
        let Some(choice) = session.line() else {
            return last;
        };
        match session.step(&choice) {
            None => return last,
            Some(None) => continue,
            Some(Some(args)) => {
                last = run_step(args);
                pause(&mut session.input);
                println!();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dragged_paths_lose_their_quotes_and_commands_are_quoted() {
        assert_eq!(
            clean("\"D:\\交回 文件\\a.xlsx\"\r\n"),
            "D:\\交回 文件\\a.xlsx"
        );
        assert_eq!(clean("  8 \n"), "8");
        let line = command_line(&["status".into(), "--campaign".into(), "D:\\检查 抽查".into()]);
        assert!(
            line.ends_with("status --campaign \"D:\\检查 抽查\""),
            "{line}"
        );
    }
}
