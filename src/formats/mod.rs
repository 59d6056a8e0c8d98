//! File formats: readers (xlsx/xls/ods/csv with bounded memory) and writers (CSV, xlsx, docx,
//! Markdown), and the inspector and rectification workbook layouts with their signed hidden
//! sheets. Formats know no campaign folder: they take and return bytes, paths and domain values.

pub mod assign_file;
pub mod catalog_file;
pub mod demo_registry;
pub mod gongwen;
pub mod guard;
pub mod id_list;
pub mod merged;
pub mod monitor_file;
pub mod parts;
pub mod quota_file;
pub mod read;
pub mod registry_file;
pub mod report_files;
pub mod workbook;
pub mod write;
pub mod xlsx_rows;
mod xml_scan;
