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
