//! Reading an indicator catalog file (`--catalog`), or the built-in one.

use crate::domain::indicators::{Catalog, CatalogError, DEFAULT_CATALOG};
use std::path::Path;

/// Why a catalog file could not be used; the message names the file (and line, when parsing).
#[derive(Debug, thiserror::Error)]
pub enum CatalogFileError {
    /// The file could not be read.
    #[error("无法读取指标目录 {file}: {source}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not UTF-8 (saved as GBK by Notepad or Excel, say).
    #[error("{file}: 指标目录应为 UTF-8 编码的 TOML(这个文件可能是 GBK 编码);请在记事本中“另存为”并选择 UTF-8 编码后重试")]
    NotUtf8 {
        /// The file.
        file: String,
    },
    /// The file is not a valid catalog.
    #[error(transparent)]
    Invalid(#[from] CatalogError),
}

/// The catalog at `path` (the built-in one when none), with its text, which is what a campaign
/// keeps and fingerprints.
pub fn load(path: Option<&Path>) -> Result<(Catalog, String), CatalogFileError> {
    let Some(p) = path else {
        return Ok((Catalog::builtin(), DEFAULT_CATALOG.to_string()));
    };
    let file = p.display().to_string();
    let bytes = std::fs::read(p).map_err(|source| CatalogFileError::Read {
        file: file.clone(),
        source,
    })?;
    let text =
        String::from_utf8(bytes).map_err(|_| CatalogFileError::NotUtf8 { file: file.clone() })?;
    // Notepad may save UTF-8 with a BOM; TOML has no use for it.
    let mut text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    // Names and descriptions reach every workbook and the notice: no bidi or zero-width
    // characters, one Unicode spelling.
    crate::domain::text::tidy_outside(&mut text);
    let cat = Catalog::parse(&text, &file)?;
    Ok((cat, text))
}
