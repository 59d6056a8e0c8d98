//! The shapes an office's export takes around its table: a header over two rows (group headers
//! above, the real ones below, some columns named only in the upper row) and notes under the
//! table (填报说明, 备注, 制表人 …). Pure: rows in, cells or a verdict out.

use crate::domain::text::{clean, is_blank_char, match_key};

/// The longest text of the upper header row taken as a column's name: longer text is a title
/// or a note, not a header.
const MAX_UPPER_HEADER_CHARS: usize = 20;

/// A header row completed from the row directly above it, for a two-row header: a column whose
/// header cell is empty takes the upper row's cell (账号状态, 备案编号, merged down over both rows
/// in the spreadsheet, or written only in the upper row of a CSV). `above` is (row, cells) of
/// the row before the header; it counts only when it is directly above and holds at least two
/// short cells (a title row holds one). None when nothing is taken.
pub fn header_with_row_above(
    above: Option<&(u32, Vec<String>)>,
    row: u32,
    cells: &[String],
) -> Option<Vec<String>> {
    let (above_row, upper) = above?;
    if *above_row + 1 != row {
        return None;
    }
    let upper: Vec<String> = upper.iter().map(|c| clean(c)).collect();
    let filled = upper.iter().filter(|c| !c.is_empty()).count();
    let short =
        |c: &String| c.chars().count() <= MAX_UPPER_HEADER_CHARS && !c.contains([':', '：']);
    if filled < 2 || !upper.iter().filter(|c| !c.is_empty()).all(short) {
        return None;
    }
    let mut out: Vec<String> = cells.to_vec();
    let mut taken = false;
    for (c, u) in upper.iter().enumerate() {
        if u.is_empty() {
            continue;
        }
        if out.len() <= c {
            out.resize(c + 1, String::new());
        }
        if clean(&out[c]).is_empty() {
            out[c] = u.clone();
            taken = true;
        }
    }
    taken.then_some(out)
}

/// How a note under the table begins: 填报说明, 备注, 制表人 … (compared by [`match_key`]).
const NOTE_STARTS: [&str; 17] = [
    "填报说明",
    "填表说明",
    "说明",
    "备注",
    "注:",
    "注1",
    "注：",
    "附注",
    "制表",
    "审核",
    "填报人",
    "填表人",
    "填报单位",
    "联系人",
    "联系电话",
    "数据来源",
    "单位负责人",
];

/// Whether a row under the header is a note, not an account: its only text is in the first two
/// columns, one cell, beginning as notes do (填报说明：…, 备注：…, 制表人：…). Returns the note
/// (cleaned) to name it.
pub fn note_row(cells: &[String]) -> Option<String> {
    // Called on every data row: nothing is allocated until the row has one text only.
    let blank = |c: &&String| c.trim_matches(is_blank_char).is_empty();
    let (col, text) = cells.iter().enumerate().find(|(_, c)| !blank(c))?;
    if col > 1 || cells[col + 1..].iter().any(|c| !blank(&c)) {
        return None;
    }
    let text = clean(text);
    let key = match_key(&text);
    NOTE_STARTS
        .iter()
        .any(|s| key.starts_with(&match_key(s)))
        .then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn the_upper_row_names_the_columns_the_lower_leaves_empty() {
        let upper = (
            3,
            s(&[
                "序号",
                "账号信息",
                "",
                "",
                "所属地区",
                "",
                "账号状态",
                "备案编号",
            ]),
        );
        let lower = s(&[
            "",
            "账号名称",
            "平台名称",
            "账号链接",
            "市(州)",
            "县(市、区)",
        ]);
        let h = header_with_row_above(Some(&upper), 4, &lower).unwrap();
        assert_eq!(
            h,
            s(&[
                "序号",
                "账号名称",
                "平台名称",
                "账号链接",
                "市(州)",
                "县(市、区)",
                "账号状态",
                "备案编号"
            ])
        );
        // Not directly above, or a title row: nothing taken.
        assert!(header_with_row_above(Some(&upper), 5, &lower).is_none());
        let title = (3, s(&["四川省政务新媒体备案台账"]));
        assert!(header_with_row_above(Some(&title), 4, &lower).is_none());
        let info = (
            3,
            s(&["截至2021年3月20日", "导出单位：四川省人民政府办公厅"]),
        );
        assert!(header_with_row_above(Some(&info), 4, &lower).is_none());
    }

    #[test]
    fn notes_under_the_table_are_told_from_accounts() {
        let note = note_row(&s(&["填报说明：1.账号状态分正常、停更、已注销"])).unwrap();
        assert!(note.starts_with("填报说明"));
        assert!(note_row(&s(&["", "制表人：张三"])).is_some());
        assert!(note_row(&s(&["注:数据截至3月"])).is_some());
        assert!(note_row(&s(&["备注", "某某"])).is_none());
        assert!(note_row(&s(&["1", "说明书小助手", "微信"])).is_none());
        assert!(note_row(&s(&["", "", "说明"])).is_none());
        assert!(note_row(&s(&["合计", "12个"])).is_none());
    }
}
