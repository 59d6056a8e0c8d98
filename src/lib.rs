//! audit: quarterly spot-check campaigns for government new-media accounts (政务新媒体).
//!
//! Layers point one way (see ARCHITECTURE.md): `cmd` (one thin module per subcommand) → `ops`
//! (one module per use case) → `store` (the campaign folder) and `formats` (files) → `domain`
//! (the pure core, no I/O).

#![warn(missing_docs)]

pub mod cli;
mod cmd;
pub mod console;
pub mod domain;
pub mod formats;
pub mod guided;
pub mod ops;
pub mod store;

/// Parse arguments, run the command, and turn any error into one clear line and an exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match cmd::usage::parse(args) {
        cmd::usage::Parsed::Run(c) => *c,
        cmd::usage::Parsed::Exit(code) => return code,
    };
    store::set_wait(cli.wait);
    match cmd::dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误: {}", error_text(&e));
            1
        }
    }
}

/// An error and its causes on one line, each said once: a cause whose words the message
/// already includes (an I/O error printed after its file's name) is not repeated.
pub fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

#[cfg(test)]
mod error_text_tests {
    #[test]
    fn an_os_error_is_said_once() {
        let io = std::io::Error::other("Access denied. (os error 5)");
        let e = anyhow::Error::from(store::StoreError::Io {
            path: "a.csv".into(),
            source: io,
        })
        .context("无法收回");
        assert_eq!(
            super::error_text(&e),
            "无法收回: a.csv: Access denied. (os error 5)"
        );
    }
    use super::store;
}
