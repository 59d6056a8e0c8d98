//! audit: quarterly spot-check campaigns for government new-media accounts (政务新媒体).
//!
//! The domain core (`registry`, `sampling`, `indicators`, `answers`, `stats`, `report`) does no
//! file I/O; `io` and `campaign` are the edges; `cmd` holds one thin module per subcommand.

#![warn(missing_docs)]

pub mod cli;
mod cmd;
pub mod domain;
pub mod formats;
pub mod ops;
pub mod store;

/// Parse arguments, run the command, and turn any error into one clear line and an exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match cmd::usage::parse(args) {
        cmd::usage::Parsed::Run(c) => c,
        cmd::usage::Parsed::Exit(code) => return code,
    };
    store::set_wait(cli.wait);
    match cmd::dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误: {e:#}");
            1
        }
    }
}
