//! The import summary's lines on the export's layout: merged cells filled, headers taken from
//! the upper row of a two-row header, notes under the table skipped. Each is said, so that a
//! value copied or a row left out is never silent.

use super::summary::SummaryLine;
use crate::formats::registry_file::Imported;

/// Notes shown by row before the rest are counted.
const NOTES_SHOWN: usize = 3;

/// The lines for what the import made of the layout (none for a plain table).
pub(super) fn shape_lines(imp: &Imported) -> Vec<SummaryLine> {
    let s = &imp.shape;
    let mut lines = Vec::new();
    if !s.from_row_above.is_empty() {
        let names: Vec<String> = s
            .from_row_above
            .iter()
            .map(|(c, h)| format!("第 {} 列 \"{h}\"", c + 1))
            .collect();
        lines.push(SummaryLine::Out(format!(
            "两行表头: 第 {} 行中为空的表头取自上一行(合并单元格或上一行的表头): {}",
            imp.header_row,
            names.join("、")
        )));
    }
    if s.merged_in_data > 0 {
        lines.push(SummaryLine::Out(format!(
            "合并单元格: 数据区内 {} 个纵向合并区域的值已填入区域内的每一行(如开设主体合并了同一单位的几行)",
            s.merged_in_data
        )));
    }
    if !s.notes.is_empty() {
        let shown: Vec<String> = s
            .notes
            .iter()
            .take(NOTES_SHOWN)
            .map(|(row, text)| format!("第 {row} 行 \"{}\"", cut(text)))
            .collect();
        let more = match s.notes.len().saturating_sub(NOTES_SHOWN) {
            0 => String::new(),
            n => format!(" 等,另有 {n} 行"),
        };
        lines.push(SummaryLine::Out(format!(
            "跳过表格下方的说明行 {} 行(不是账号,不计入拒收): {}{more}",
            s.notes.len(),
            shown.join("、")
        )));
    }
    lines
}

/// A note cut for the console.
fn cut(text: &str) -> String {
    const MAX: usize = 24;
    if text.chars().count() <= MAX {
        return text.to_string();
    }
    let head: String = text.chars().take(MAX).collect();
    format!("{head}…")
}
