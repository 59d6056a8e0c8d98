//! What commands share for the console (not a command): the progress spinner and the import's
//! console, which `audit import` and `audit demo` both print through.

use crate::ops::import::{self, ImportOutcome, Notice, SummaryLine};

pub use super::progress;

/// The console while an import runs: a spinner counting rows, notices to stderr.
pub(crate) struct Console {
    spinner: indicatif::ProgressBar,
}

impl Console {
    /// A console with no spinner yet: it appears when the file is read, so that a quick refusal
    /// leaves no spinner line above the error.
    pub(crate) fn new() -> Console {
        Console {
            spinner: indicatif::ProgressBar::hidden(),
        }
    }
}

impl import::Observer for Console {
    fn read_started(&mut self) {
        // Shown only on a terminal.
        self.spinner = progress("读取台账");
    }

    fn rows_read(&self, rows: u64) {
        self.spinner.set_message(format!("已读取 {rows} 行"));
        self.spinner.tick();
    }

    fn read_done(&self) {
        self.spinner.finish_and_clear();
    }

    fn notice(&mut self, notice: &Notice) {
        eprintln!("{notice}");
    }
}

/// Print an import's summary, each line to stdout or stderr as it says.
pub(crate) fn print_summary(outcome: &ImportOutcome) {
    for line in outcome.summary() {
        match line {
            SummaryLine::Out(text) => println!("{text}"),
            SummaryLine::Err(text) => eprintln!("{text}"),
        }
    }
}

/// Name the Excel owner files (`~$…`) left out of a collect, so a user who gave them (a shell
/// expanding `交回/*.xlsx` includes them) sees why they were not read.
pub(crate) fn print_owner_files(files: &[std::path::PathBuf]) {
    if files.is_empty() {
        return;
    }
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    println!(
        "跳过 Excel/WPS 打开工作簿时生成的临时文件 {} 个(不是检查表): {}",
        files.len(),
        names.join(", ")
    );
}
