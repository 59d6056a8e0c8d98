//! The domain core: pure functions of plain values. No file I/O, no spreadsheet library, nothing
//! from the layers above (`store`, `formats`, `ops`, `cmd`). Named `domain` rather than `core` so
//! it never shadows the `core` crate.

pub mod answers;
pub mod assignment;
pub mod cell;
pub mod csv_text;
pub mod dates;
pub mod demo_data;
pub mod digest;
pub mod groups;
pub mod indicators;
pub mod monitor;
pub mod profile;
pub mod profile_draft;
pub mod rectify;
pub mod registry;
pub mod report;
pub mod rng;
pub mod sampling;
pub mod shell;
pub mod signature;
pub mod stats;
pub mod text;
pub mod vocab;
