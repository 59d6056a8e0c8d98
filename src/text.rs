//! Text normalisation shared by every reader: width folding, trimming, header keys.

/// Fold full-width ASCII variants (U+FF01..U+FF5E) and the ideographic space to ASCII.
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Characters treated as blank around a value: ASCII whitespace, U+3000, NBSP, BOM, zero-width.
pub fn is_blank_char(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{3000}' | '\u{00A0}' | '\u{FEFF}' | '\u{200B}')
}

/// Trim ASCII and full-width spaces and NBSP from both ends.
pub fn clean(s: &str) -> String {
    s.trim_matches(is_blank_char).to_string()
}

/// A key for case-, whitespace- and width-insensitive matching.
pub fn match_key(s: &str) -> String {
    fold_width(s)
        .chars()
        .filter(|c| !is_blank_char(*c))
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Normalise an id: trimmed, full-width digits and letters folded, inner blanks kept.
pub fn clean_id(s: &str) -> String {
    if s.is_ascii() {
        return s.trim().to_string();
    }
    clean(&fold_width(s))
}

/// Whether XML 1.0 allows the character in text (tab, newline, CR, and from U+0020 on, but
/// U+FFFE and U+FFFF): a registry cell may hold control characters that would make a .docx
/// unreadable.
pub fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Text for one line of Markdown (a table cell or a paragraph): newlines become spaces, `|` is
/// escaped, characters XML forbids are dropped.
///
/// ```
/// assert_eq!(audit::text::markdown_inline("a|b\nc\u{b}"), "a\\|b c");
/// ```
pub fn markdown_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\r' => {}
            '\n' => out.push(' '),
            '|' => out.push_str("\\|"),
            c if xml_allowed(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// Display width in terminal/Excel columns: CJK and full-width characters count 2.
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    let u = c as u32;
    if (0x1100..=0x115F).contains(&u)
        || (0x2E80..=0xA4CF).contains(&u)
        || (0xAC00..=0xD7A3).contains(&u)
        || (0xF900..=0xFAFF).contains(&u)
        || (0xFE30..=0xFE4F).contains(&u)
        || (0xFF00..=0xFF60).contains(&u)
        || (0xFFE0..=0xFFE6).contains(&u)
        || (0x20000..=0x3FFFD).contains(&u)
    {
        2
    } else {
        1
    }
}

/// Pad to a display width (for plain-text tables with CJK text).
pub fn pad(s: &str, width: usize) -> String {
    let w = display_width(s);
    let mut out = s.to_string();
    for _ in w..width {
        out.push(' ');
    }
    out
}

/// Render rows as an aligned plain-text table.
pub fn render_table(headers: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(display_width(c));
            }
        }
    }
    let mut out = String::new();
    let line = |cells: &[String], out: &mut String| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| pad(c, widths.get(i).copied().unwrap_or(0)))
            .collect();
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    line(headers, &mut out);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&rule, &mut out);
    for r in rows {
        line(r, &mut out);
    }
    out
}

/// Percentage with one decimal and a trailing ".0" dropped: 197/219 → "90%", 65/76 → "85.5%".
/// Rounded half up on exact integer arithmetic, so no float drift.
pub fn percent(num: u64, den: u64) -> String {
    if den == 0 {
        return "—".to_string();
    }
    let tenths = (num as u128 * 2000 + den as u128) / (den as u128 * 2);
    format_tenths(tenths as i128)
}

/// Format a value in tenths (e.g. 855 → "85.5%", 900 → "90%").
pub fn format_tenths(tenths: i128) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.abs();
    if t % 10 == 0 {
        format!("{sign}{}%", t / 10)
    } else {
        format!("{sign}{}.{}%", t / 10, t % 10)
    }
}

/// A float rate (0..1) printed the same way ("90%", "85.5%").
pub fn percent_f(rate: f64) -> String {
    let tenths = (rate * 1000.0 + if rate >= 0.0 { 0.5 } else { -0.5 }).trunc() as i128;
    format_tenths(tenths)
}

/// Percentage points with one decimal and ".0" dropped, without the % sign.
pub fn points(diff: f64) -> String {
    let s = percent_f(diff);
    s.trim_end_matches('%').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_rates() {
        assert_eq!(percent(197, 219), "90%");
        assert_eq!(percent(65, 76), "85.5%");
        assert_eq!(percent(351, 6381), "5.5%");
        assert_eq!(percent(0, 5), "0%");
        assert_eq!(percent(5, 5), "100%");
        assert_eq!(percent(1, 0), "—");
        assert_eq!(percent_f(0.855263), "85.5%");
        assert_eq!(points(0.082), "8.2");
        assert_eq!(points(-0.05), "-5");
    }

    #[test]
    fn folding() {
        assert_eq!(fold_width("ＡＢ１２３"), "AB123");
        assert_eq!(clean("\u{3000} 名称\u{00A0}"), "名称");
        assert_eq!(match_key(" Owner Kind "), "ownerkind");
        assert_eq!(match_key("县（市、区）"), "县(市、区)");
        assert_eq!(display_width("南京a"), 5);
    }
}
