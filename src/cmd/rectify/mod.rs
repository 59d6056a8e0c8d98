//! `audit rectify sheets|collect|status`: rectification tracking after the notice (整改跟踪).
//! The grouping, validation and counting live in [`crate::domain::rectify`]; the files in
//! [`crate::store::rectify_record`]; the workbook in [`crate::formats::workbook::rectify`].

pub mod collect;
pub mod sheets;
pub mod status;

use crate::cli::{RectifyArgs, RectifyCommand};
use anyhow::Result;

/// Run `audit rectify …`.
pub fn run(args: &RectifyArgs) -> Result<i32> {
    match &args.command {
        RectifyCommand::Sheets(a) => sheets::run(a),
        RectifyCommand::Collect(a) => collect::run(a),
        RectifyCommand::Status(a) => status::run(a),
    }
}
