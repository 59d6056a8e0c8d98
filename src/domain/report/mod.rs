//! The report as typed data: the generic [`table::Table`], the campaign's figures
//! ([`figures`]), the registry make-up ([`makeup`]), the notice draft's paragraphs ([`draft`]) and
//! the whole report's contents ([`contents`]). Writers live in `formats`.

pub mod contents;
pub mod draft;
pub mod figures;
pub mod follow_up;
pub mod makeup;
pub mod parts;
pub mod table;
