//! The import summary's lines on the export's layout: merged cells filled, headers taken from
//! the upper row of a two-row header, notes under the table skipped, cells that read otherwise
//! than Excel shows them. Each is said, so that a value copied or a row left out is never silent.

use super::summary::SummaryLine;
use crate::formats::registry_file::{Imported, Shape};

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
        let more = match (s.note_rows as usize).saturating_sub(s.notes.len().min(NOTES_SHOWN)) {
            0 => String::new(),
            n => format!(" 等,另有 {n} 行"),
        };
        lines.push(SummaryLine::Out(format!(
            "跳过表格下方的说明行 {} 行(不是账号,不计入拒收): {}{more}",
            s.note_rows,
            shown.join("、")
        )));
    }
    lines.extend(cell_lines(s));
    lines
}

/// Cells read as something other than what the user sees in Excel: a formula saved without its
/// result (read as empty), a number Excel has already cut to 15 digits (outside the id column,
/// whose such cells are rejected rows).
pub(super) fn cell_lines(s: &Shape) -> Vec<SummaryLine> {
    let mut lines = Vec::new();
    if let Some((row, col)) = &s.uncached.first {
        lines.push(SummaryLine::Err(format!(
            "提示: {} 个单元格是没有计算结果的公式,按空白读取(如第 {row} 行 {col}):保存台账的程序没有计算公式;请在 Excel 或 WPS 中打开台账、保存后重新导入(加 --force)",
            s.uncached.count
        )));
    }
    if let Some((row, col)) = &s.lossy.first {
        lines.push(SummaryLine::Err(format!(
            "提示: {} 个单元格是超过 15 位的数字,Excel 只保留 15 位有效数字,其后已变成 0(如第 {row} 行 {col});如这些是编码、证件号或电话,请在导出中把该列设为文本后重新导出",
            s.lossy.count
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
