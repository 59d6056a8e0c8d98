//! Edge modules: everything that touches spreadsheet and CSV files.
pub mod assign_file;
pub mod catalog_file;
pub mod demo_folder;
pub mod demo_registry;
pub mod guard;
pub mod id_list;
pub mod monitor_file;
pub mod output;
pub mod quota_file;
pub mod read;
pub mod registry_file;

pub mod write;
