//! audit: quarterly spot-check campaigns for government new-media accounts (政务新媒体).
//!
//! Layers point one way (see ARCHITECTURE.md): `cmd` (one thin module per subcommand) → `ops`
//! (one module per use case) → `store` (the campaign folder) and `formats` (files) → `domain`
//! (the pure core, no I/O).

#![warn(missing_docs)]

pub mod cli;
mod cmd;
pub mod domain;
pub mod formats;
pub mod ops;
pub mod store;

use clap::Parser;

/// Parse arguments, run the command, and turn any error into one clear line and an exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
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
