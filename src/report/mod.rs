//! Report tables (pure) and their writers.
pub mod makeup;
pub mod table;
