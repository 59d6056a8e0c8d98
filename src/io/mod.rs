//! Edge modules: everything that touches spreadsheet and CSV files.
pub mod demo_registry;
pub mod guard;
pub mod output;
pub mod read;
pub mod registry_file;

pub mod write;
