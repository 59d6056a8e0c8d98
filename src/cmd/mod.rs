//! One thin module per subcommand: read inputs, call the core, write outputs.

pub mod collect;
pub mod console;
pub mod demo;
pub mod demo_data;
pub mod import;
pub mod indicators;
pub mod profile;
pub mod rectify;
pub mod report;
pub mod sample;
pub mod sheet;
pub mod status;
pub mod usage;
pub mod verify;

use crate::cli::Command;
use anyhow::Result;

/// Run a command; the returned value is the process exit code.
pub fn dispatch(cmd: Command) -> Result<i32> {
    match cmd {
        Command::Profile(a) => profile::run(&a),
        Command::Import(a) => import::run(&a),
        Command::Sample(a) => sample::run(&a),
        Command::Verify(a) => verify::run(&a.campaign),
        Command::Indicators(a) => indicators::run(&a),
        Command::Sheet(a) => sheet::run(&a),
        Command::Collect(a) => collect::run(&a),
        Command::Report(a) => report::run(&a),
        Command::Status(a) => status::run(&a.campaign),
        Command::Rectify(a) => rectify::run(&a),
        Command::Demo(a) => demo::run(&a),
        Command::DemoData(a) => demo_data::run(&a),
    }
}

/// A progress spinner on stderr when it is a terminal; hidden otherwise.
pub fn progress(msg: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message(msg.to_string());
        pb
    } else {
        indicatif::ProgressBar::hidden()
    }
}
