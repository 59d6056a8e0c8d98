//! `audit rectify sheets|collect|status`: rectification tracking after the notice (整改跟踪).
//! The grouping, validation and counting live in [`crate::rectify`]; the files in
//! [`crate::campaign::rectify`]; the workbook in [`crate::workbook::rectify`].

pub mod collect;
pub mod sheets;
pub mod status;

use crate::campaign::{self, Campaign};
use crate::cli::{RectifyArgs, RectifyCommand};
use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;

/// Run `audit rectify …`.
pub fn run(args: &RectifyArgs) -> Result<i32> {
    match &args.command {
        RectifyCommand::Sheets(a) => sheets::run(a),
        RectifyCommand::Collect(a) => collect::run(a),
        RectifyCommand::Status(a) => status::run(a),
    }
}

/// A date given on the command line, YYYY-MM-DD.
pub fn parse_day(flag: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| anyhow!("{flag} \"{text}\" 不是 YYYY-MM-DD 格式的日期"))
}

/// Refuse to replace `rel` unless the tool wrote it with exactly these bytes (`known`, its
/// recorded SHA-256) or it does not exist: nothing of the user's is overwritten.
pub fn refuse_foreign(camp: &Campaign, rel: &str, known: Option<&str>) -> Result<()> {
    let path = camp.path(rel);
    if !path.exists() {
        return Ok(());
    }
    match known {
        Some(sha) if campaign::sha256_file(&path)? == sha => Ok(()),
        Some(_) => bail!(
            "{} 在生成后被改动过(可能已在其中填写或编辑),为免丢失不会覆盖或删除;请先把它移走",
            path.display()
        ),
        None => bail!(
            "{} 不是 audit 生成的文件,不会覆盖;请先把它移走",
            path.display()
        ),
    }
}
