//! The command line in Chinese: clap's help headings, its own flags' help and its usage errors
//! are English, and our users read Chinese. The help is laid out with Chinese headings (用法,
//! 参数, 选项, 命令) on every command, and every usage error is rendered here from clap's
//! error kind and context instead of clap's English formatter.

use crate::cli::Cli;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};

/// The help layout of every command: about, 用法, then the argument groups, then examples.
const TEMPLATE: &str = "{before-help}{about-with-newline}\n用法: {usage}\n\n{all-args}{after-help}";

/// What parsing the command line came to: the commands to run, or text already printed and
/// the exit code (0 for `--help` and `--version`, 2 for a usage error).
pub enum Parsed {
    /// Run this.
    Run(Box<Cli>),
    /// Exit with this code.
    Exit(i32),
}

/// Parse the arguments with Chinese help and Chinese usage errors.
pub fn parse<I, T>(args: I) -> Parsed
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let matches = command().try_get_matches_from(args);
    match matches.and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => Parsed::Run(Box::new(cli)),
        Err(e) => Parsed::Exit(report(&e)),
    }
}

/// The `audit` command with Chinese headings and flags, on every subcommand.
pub fn command() -> Command {
    localize(Cli::command().version(env!("CARGO_PKG_VERSION")), true)
}

fn localize(cmd: Command, top: bool) -> Command {
    let mut cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .mut_args(|a| {
            let heading = if a.is_positional() {
                "参数"
            } else {
                "选项"
            };
            a.help_heading(heading)
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助")
                .help_heading("选项"),
        );
    if top {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本")
                .help_heading("选项"),
        );
    }
    cmd.mut_subcommands(|s| localize(s, false))
}

/// Print help, the version or a usage error; the exit code.
fn report(e: &clap::Error) -> i32 {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let text = chinese_tokens(&e.render().to_string());
            println!("{}", text.trim_end());
            0
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprint!("{}", chinese_tokens(&e.render().to_string()));
            2
        }
        _ => {
            eprintln!("{}", message(e));
            2
        }
    }
}

/// The words clap writes into help and usage lines itself, in Chinese.
fn chinese_tokens(text: &str) -> String {
    text.replace("[OPTIONS]", "[选项]")
        .replace("[default: ", "[默认: ")
        .replace("[possible values: ", "[可选值: ")
        .replace("[aliases: ", "[别名: ")
        .replace("Usage: ", "用法: ")
}

/// A context value as text.
fn text(e: &clap::Error, kind: ContextKind) -> Option<String> {
    Some(match e.get(kind)? {
        ContextValue::String(s) => s.clone(),
        ContextValue::Strings(v) => v.join("、"),
        ContextValue::StyledStr(s) => s.to_string(),
        ContextValue::StyledStrs(v) => v
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join("、"),
        ContextValue::Number(n) => n.to_string(),
        ContextValue::Bool(b) => b.to_string(),
        _ => return None,
    })
}

/// A usage error in Chinese: what is wrong, a suggestion where clap has one, the usage line and
/// where to read more.
pub fn message(e: &clap::Error) -> String {
    let arg = text(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = text(e, ContextKind::InvalidValue).unwrap_or_default();
    let mut s = match e.kind() {
        ErrorKind::UnknownArgument => format!("错误: 未知的选项或参数 '{arg}'"),
        ErrorKind::InvalidSubcommand => format!(
            "错误: 未知的命令 '{}'",
            text(e, ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::InvalidValue if value.is_empty() => format!("错误: 选项 '{arg}' 缺少值"),
        ErrorKind::InvalidValue => format!("错误: 选项 '{arg}' 的值 '{value}' 无效"),
        ErrorKind::ValueValidation => match std::error::Error::source(e) {
            // A date flag's refusal already names the flag and the value.
            Some(x) if x.downcast_ref::<crate::cli::BadDay>().is_some() => format!("错误: {x}"),
            why => {
                let why = why.map(|x| format!(": {x}")).unwrap_or_default();
                format!("错误: 选项 '{arg}' 的值 '{value}' 无效{why}")
            }
        },
        ErrorKind::MissingRequiredArgument => format!("错误: 缺少必需的选项或参数: {arg}"),
        ErrorKind::MissingSubcommand => "错误: 缺少命令".to_string(),
        ErrorKind::ArgumentConflict => format!(
            "错误: 选项 '{arg}' 不能与 '{}' 同时使用",
            text(e, ContextKind::PriorArg).unwrap_or_default()
        ),
        ErrorKind::NoEquals => format!("错误: 选项 '{arg}' 的值要用 = 连接"),
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("错误: 选项 '{arg}' 的值的个数不对")
        }
        ErrorKind::InvalidUtf8 => "错误: 参数中有不是 UTF-8 的字符".to_string(),
        _ => "错误: 命令行有误".to_string(),
    };
    if let Some(v) = text(e, ContextKind::ValidValue) {
        s.push_str(&format!("\n  可选值: {v}"));
    }
    for kind in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        if let Some(v) = text(e, kind) {
            s.push_str(&format!("\n  提示: 是不是 '{v}'?"));
        }
    }
    if let Some(usage) = text(e, ContextKind::Usage) {
        s.push_str(&format!("\n\n{}", chinese_tokens(usage.trim())));
    }
    s.push_str("\n\n查看全部选项: audit --help;某个命令的选项: audit 命令 --help");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(args: &[&str]) -> String {
        match command().try_get_matches_from(args) {
            Ok(_) => panic!("{args:?} parsed"),
            Err(e) => message(&e),
        }
    }

    #[test]
    fn usage_errors_are_in_chinese() {
        let m = error(&["audit", "report", "--campaing", "x"]);
        assert!(m.starts_with("错误: 未知的选项或参数 '--campaing'"), "{m}");
        assert!(m.contains("是不是 '--campaign'"), "{m}");
        assert!(m.contains("用法: audit report"), "{m}");
        assert!(!m.contains("error:") && !m.contains("Usage"), "{m}");
        let m = error(&["audit", "reprot"]);
        assert!(m.starts_with("错误: 未知的命令 'reprot'"), "{m}");
        assert!(m.contains("是不是 'report'"), "{m}");
        let m = error(&["audit", "sample", "--campaign", "c", "--size", "-3"]);
        assert!(m.contains("样本量应为正整数"), "{m}");
        let m = error(&["audit", "sample", "--campaign", "c", "--allocation", "x"]);
        assert!(m.contains("可选值: proportional"), "{m}");
        let m = error(&["audit", "report"]);
        assert!(
            m.starts_with("错误: 缺少必需的选项或参数: --campaign"),
            "{m}"
        );
        let m = error(&["audit", "report", "--campaign", "c", "--final", "--draft"]);
        assert!(m.contains("不能与"), "{m}");
    }

    #[test]
    fn help_headings_are_in_chinese() {
        let help = chinese_tokens(&command().render_help().to_string());
        for h in ["用法: audit", "命令:", "选项:", "显示帮助", "显示版本"] {
            assert!(help.contains(h), "{h}: {help}");
        }
        for english in ["Usage", "Commands:", "Options:", "Print help", "[OPTIONS]"] {
            assert!(!help.contains(english), "{english}: {help}");
        }
        let mut cmd = command();
        let sub = cmd.find_subcommand_mut("import").expect("import");
        let help = chinese_tokens(&sub.render_help().to_string());
        assert!(help.contains("参数:") && help.contains("选项:"), "{help}");
        assert!(!help.contains("Arguments:"), "{help}");
    }
}
