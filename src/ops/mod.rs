//! Use cases, one module each: a typed request in, a typed outcome out. The only layer that
//! combines the store (the campaign folder), formats (files) and the domain core. Commands in
//! `cmd` parse flags, call one operation and print.

pub mod collect;
pub mod demo_data;
pub mod demo_folder;
pub mod draw;
pub mod import;
pub mod issue;
pub mod profile_init;
pub mod rectify_collect;
pub mod rectify_issue;
pub mod rectify_status;
pub mod report;
pub mod report_data;
pub mod verify;
