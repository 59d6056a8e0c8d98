//! The columns of a monitoring export and the values of their cells, as text. Exports come from
//! several platforms and services, so headers are matched by alias and values are read leniently
//! (a date with or without time, in any common spelling; "12条"), but never guessed: a value that
//! is none of these is an error naming what was expected.

use super::Interaction;
use chrono::NaiveDate;

/// A cell that holds none of the values its column accepts (the caller names the cell).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadValue;

/// A column of a monitoring export the pre-fill reads (besides the account's id, name, type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    /// 最近更新时间 / 最后发布时间.
    LastPost,
    /// 留言数.
    Messages,
    /// 未回复数 / 超期未回复数.
    Unanswered,
    /// 互动功能 (正常/异常).
    Interaction,
    /// 监测时间.
    MonitoredAt,
}

impl Column {
    /// Every column, in the order the README lists them.
    pub const ALL: [Column; 5] = [
        Column::LastPost,
        Column::Messages,
        Column::Unanswered,
        Column::Interaction,
        Column::MonitoredAt,
    ];

    /// The headers accepted for the column (compared without blanks, width or case): the one
    /// list of the built-in spellings, vendors' included. A profile's `[monitor.columns]` adds
    /// an office's own.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::LastPost => &[
                "最近更新时间",
                "最后更新时间",
                "最后发布时间",
                "最近发布时间",
                "最新发布时间",
                "最新更新时间",
                "最后更新",
                "最近更新",
                "最后更新日期",
                "最近更新日期",
                "最后发文时间",
                "最近发文时间",
                "最新发文时间",
                "最后发文日期",
                "最近1次更新时间",
                "最近一次更新时间",
                "最后一次更新时间",
                "最近1次发布时间",
                "最近一次发布时间",
                "最后一次发布时间",
                "最近1次发文时间",
                "最近一次发文时间",
            ],
            Column::Messages => &[
                "留言数",
                "留言总数",
                "收到留言数",
                "网民留言数",
                "留言数量",
                "留言量",
                "收到留言",
            ],
            Column::Unanswered => &[
                "未回复数",
                "超期未回复数",
                "超时未回复数",
                "逾期未回复数",
                "未回复留言数",
                "超期未回复留言数",
                "逾期未回复留言数",
                "超期未回复",
                "逾期未回复",
                "超时未回复",
                "超期未回复留言",
                "逾期未回复留言",
                "未回复",
            ],
            Column::Interaction => &["互动功能", "互动功能状态", "互动状态", "互动功能是否正常"],
            Column::MonitoredAt => &[
                "监测时间",
                "监测日期",
                "监测时间点",
                "采集时间",
                "数据采集时间",
                "监测截止时间",
                "监测截止日期",
            ],
        }
    }

    /// The column's name in messages.
    pub fn label(self) -> &'static str {
        self.aliases()[0]
    }

    /// The column a header names, if any.
    pub fn from_header(header: &str) -> Option<Column> {
        let k = crate::domain::text::match_key(header);
        Column::ALL.into_iter().find(|c| {
            c.aliases()
                .iter()
                .any(|a| crate::domain::text::match_key(a) == k)
        })
    }

    /// What a cell of the column must hold, for error messages.
    pub fn expected(self) -> &'static str {
        match self {
            Column::LastPost | Column::MonitoredAt => "日期,例如 2020-03-20 或 2020/3/20 10:30",
            Column::Messages | Column::Unanswered => "0 到 1000000 之间的整数",
            Column::Interaction => "正常 或 异常",
        }
    }
}

/// A date, with or without a time of day: 2020-03-20, 2020/3/20 10:30, 2020年3月20日,
/// 2020.3.20, 2020-03-20T10:30:00, or an Excel day number. `Ok(None)` for a blank cell.
pub fn date(text: &str) -> Result<Option<NaiveDate>, BadValue> {
    use crate::domain::dates;
    let t = crate::domain::text::clean(&crate::domain::text::fold_width(text));
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(serial) = t.parse::<f64>() {
        if dates::PLAUSIBLE_SERIALS.contains(&serial) {
            return dates::excel_serial_date(serial).map(Some).ok_or(BadValue);
        }
        return Err(BadValue);
    }
    match dates::parse_date_text(&t) {
        Some(d) if dates::is_plausible(d) => Ok(Some(d)),
        _ => Err(BadValue),
    }
}

/// The largest count taken: more messages than this for one account is a misread column.
pub const MAX_COUNT: u32 = 1_000_000;

/// A count: digits, optionally followed by 条 or 次, up to [`MAX_COUNT`]. `Ok(None)` for a
/// blank cell.
pub fn count(text: &str) -> Result<Option<u32>, BadValue> {
    match any_count(text)? {
        Some(n) if n > MAX_COUNT => Err(BadValue),
        n => Ok(n),
    }
}

fn any_count(text: &str) -> Result<Option<u32>, BadValue> {
    let t = crate::domain::text::clean(&crate::domain::text::fold_width(text));
    if t.is_empty() {
        return Ok(None);
    }
    let digits = t.trim_end_matches(['条', '次']).trim();
    if let Ok(n) = digits.parse::<u32>() {
        return Ok(Some(n));
    }
    // A spreadsheet number such as "3.0" is still a whole count.
    match digits.parse::<f64>() {
        Ok(f) if f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&f) => Ok(Some(f as u32)),
        _ => Err(BadValue),
    }
}

/// The interaction function's state: 正常 (also 可用, 是, 有, 开通) or 异常 (also 不正常,
/// 关闭, 无, 未开通, 不可用, 否). `Ok(None)` for a blank cell.
pub fn interaction(text: &str) -> Result<Option<Interaction>, BadValue> {
    let k = crate::domain::text::match_key(text);
    if k.is_empty() {
        return Ok(None);
    }
    const NORMAL: [&str; 6] = ["正常", "可用", "是", "有", "开通", "已开通"];
    const BROKEN: [&str; 9] = [
        "异常",
        "不正常",
        "关闭",
        "已关闭",
        "无",
        "未开通",
        "不可用",
        "否",
        "无法使用",
    ];
    if NORMAL.contains(&k.as_str()) {
        Ok(Some(Interaction::Normal))
    } else if BROKEN.contains(&k.as_str()) {
        Ok(Some(Interaction::Broken))
    } else {
        Err(BadValue)
    }
}
