//! `audit import FILE --campaign DIR`: parse the options, import through
//! [`crate::ops::import`], print the summary.

use super::console::{print_summary, Console};
use crate::cli::ImportArgs;
use crate::formats::read::CsvEncoding;
use crate::ops::import::{self, ImportRequest};
use anyhow::{anyhow, Result};

/// The typed request for the command line's options; a malformed value is refused here with
/// the option's name.
fn request(args: &ImportArgs) -> Result<ImportRequest> {
    let encoding = match &args.encoding {
        None => None,
        Some(s) => Some(
            CsvEncoding::parse(s)
                .ok_or_else(|| anyhow!("--encoding \"{s}\" 无法识别;可用 utf-8、gbk、gb18030"))?,
        ),
    };
    let period = match &args.period {
        None => None,
        Some(p) => Some(
            crate::store::period_from_name(p)
                .ok_or_else(|| anyhow!("--period \"{p}\" 应为 年份+季度,例如 2020Q1"))?,
        ),
    };
    Ok(ImportRequest {
        file: args.file.clone(),
        campaign: args.campaign.clone(),
        sheet: args.sheet.clone(),
        previous: args.previous.clone(),
        strict: args.strict,
        force: args.force,
        encoding,
        period,
        province: args.province.clone(),
        profile: args.profile.clone(),
        scope: args.scope.clone(),
        as_of: args.as_of,
        max_rejects: args.max_rejects,
    })
}

/// Run `audit import`.
pub fn run(args: &ImportArgs) -> Result<i32> {
    let req = request(args)?;
    let outcome = import::import(&req, &mut Console::new())?;
    print_summary(&outcome);
    Ok(0)
}
