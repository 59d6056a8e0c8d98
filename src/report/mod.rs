//! Report tables (pure) and their writers.
pub mod build;
pub mod draft;
pub mod gongwen;
pub mod make;
pub mod makeup;
pub mod table;
pub mod tables;
pub mod write;
