//! Edge modules: everything that touches spreadsheet and CSV files.
pub mod read;
pub mod sheet;
pub mod write;
