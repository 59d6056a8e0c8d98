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

/// Invisible format characters (Unicode Cf and the like): bidi controls (U+202A–U+202E,
/// U+2066–U+2069, U+200E/U+200F, U+061C), zero-width characters (U+200B–U+200D, U+2060–U+2064,
/// U+FEFF), the soft hyphen, interlinear annotations and tags. In a name they make one text
/// look like another ("\u{202E}布发京南" shows as 南京发布) and two ids that look the same differ.
pub fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// Text from outside as the tool keeps it: format characters ([`is_format_char`]) removed and
/// the rest in Unicode NFC, so that one spelling is one text (an id typed as NFD and as NFC is
/// one id). Returns the first character removed, for the message that says so. ASCII, and text
/// already clean, is left as it is without allocating.
pub fn tidy_outside(s: &mut String) -> Option<char> {
    use unicode_normalization::UnicodeNormalization;
    // A Chinese registry's text is ASCII, CJK ideographs and full-width forms: each character is
    // its own NFC and none is a format character, so one look at each settles it (the two full
    // checks below cost 4% of a million-row import).
    if s.chars().all(plainly_nfc) {
        return None;
    }
    let removed = s.chars().find(|c| is_format_char(*c));
    let nfc =
        unicode_normalization::is_nfc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes;
    if removed.is_none() && nfc {
        return None;
    }
    *s = s.chars().filter(|c| !is_format_char(*c)).nfc().collect();
    removed
}

/// A character that is in NFC whatever stands around it (canonical combining class 0, NFC quick
/// check Yes) and is no format character: ASCII, the CJK unified ideographs, the ideographic
/// space and full stops, the full-width forms of ASCII.
fn plainly_nfc(c: char) -> bool {
    c.is_ascii()
        || matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3000}'..='\u{3002}' | '\u{FF01}'..='\u{FF5E}')
}

/// The most bytes (UTF-8) of a file name stem built from data: with a prefix, a suffix and an
/// extension it stays well under the 255 bytes Linux allows and the 255 UTF-16 units of Windows.
pub const MAX_STEM_BYTES: usize = 120;

/// A file name stem built from data (an inspector, a unit, a returned file's name), legal on
/// Windows and Linux: the characters Windows forbids (`/ \ : * ? " < > |`) and control
/// characters become "_", format characters are dropped, trailing dots and spaces go, a name
/// Windows reserves (CON, NUL, COM1 …) gets a "_"; one longer than [`MAX_STEM_BYTES`] is cut on
/// a character boundary and ends in "~" and 8 hex digits of its SHA-256, so two long names that
/// share their beginning stay two names.
pub fn safe_file_stem(s: &str) -> String {
    let mut out: String = s
        .chars()
        .filter(|c| !is_format_char(*c))
        .map(|c| {
            let forbidden = matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|');
            if forbidden || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    if out.len() > MAX_STEM_BYTES {
        let hash = crate::domain::digest::sha256_hex(s.as_bytes());
        let mut cut = MAX_STEM_BYTES - 9;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('~');
        out.push_str(&hash[..8]);
    }
    while out.ends_with(['.', ' ']) {
        out.pop();
    }
    let base = out.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(base.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (base.len() == 4
            && (base.starts_with("COM") || base.starts_with("LPT"))
            && base.as_bytes()[3].is_ascii_digit());
    if reserved || out.is_empty() {
        out.push('_');
    }
    out
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

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// How many characters of `a` occur in `b` (a tie-breaker for the closest names).
pub fn shared_chars(a: &str, b: &str) -> usize {
    a.chars().filter(|c| b.contains(*c)).count()
}

/// Up to `k` of `candidates` most like `s`, for "the closest known names" of a spelling or
/// header nothing knows: fewest edits, then most shared characters, then list order. A
/// candidate is offered only when at least half of its characters occur in `s`.
pub fn closest<'a>(s: &str, candidates: impl Iterator<Item = &'a str>, k: usize) -> Vec<&'a str> {
    let mut scored: Vec<(usize, usize, usize, &str)> = candidates
        .enumerate()
        .filter(|(_, c)| shared_chars(c, s) * 2 >= c.chars().count().max(1))
        .map(|(i, c)| (edit_distance(s, c), usize::MAX - shared_chars(c, s), i, c))
        .collect();
    scored.sort_unstable();
    let mut out: Vec<&str> = Vec::new();
    for (_, _, _, c) in scored {
        if !out.contains(&c) {
            out.push(c);
        }
        if out.len() == k {
            break;
        }
    }
    out
}

/// `s` as a TOML basic string, quotes included: what a profile line needs for a header or
/// spelling (`"行政级别"`), whatever characters it holds.
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
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
/// assert_eq!(audit::domain::text::markdown_inline("a|b\nc\u{b}"), "a\\|b c");
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

/// Display width in terminal/Excel columns: CJK and full-width characters count 2 (Unicode's
/// East Asian Width, from unicode-width); a control character counts 1, as it always did here.
pub fn display_width(s: &str) -> usize {
    use unicode_width::UnicodeWidthChar;
    s.chars().map(|c| c.width().unwrap_or(1)).sum()
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

/// The candidate nearest to `wanted` when it is close enough to be a typo of it: at most a
/// third of its characters (and at least one) differ, compared without ASCII case; ties go to
/// the first candidate.
///
/// ```
/// use audit::domain::text::nearest;
/// let names = ["2019Q4".to_string(), "2020Q1".to_string()];
/// assert_eq!(nearest("2020Q2", &names), Some("2020Q1"));
/// assert_eq!(nearest("2020q1", &names), Some("2020Q1"));
/// assert_eq!(nearest("新项目", &names), None);
/// ```
pub fn nearest<'a>(wanted: &str, candidates: &'a [String]) -> Option<&'a str> {
    let key = wanted.to_lowercase();
    let limit = (key.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (edit_distance(&key, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.as_str())
}

/// A quarter in words: "2020Q1" → "2020年第一季度". Anything else is returned as given.
///
/// ```
/// assert_eq!(audit::domain::text::period_words("2020Q1"), "2020年第一季度");
/// assert_eq!(audit::domain::text::period_words("2019Q4"), "2019年第四季度");
/// assert_eq!(audit::domain::text::period_words("春季"), "春季");
/// ```
pub fn period_words(period: &str) -> String {
    let q = match period.as_bytes() {
        [_, _, _, _, b'Q', q] => *q,
        _ => return period.to_string(),
    };
    let word = match q {
        b'1' => "一",
        b'2' => "二",
        b'3' => "三",
        b'4' => "四",
        _ => return period.to_string(),
    };
    format!("{}年第{word}季度", &period[..4])
}

/// Chinese text's half-width punctuation made full-width, the way a notice prints it.
///
/// - `,` `:` `;` `?` `!` become `，：；？！` when the character before or after is CJK (an
///   ideograph, kana, CJK or full-width punctuation, or the curly quotes, `…` and `—` that
///   Chinese text uses); `,` and `:` between two ASCII digits stay (`1,234`, `10:30`).
/// - `(` `)` become `（）` when the pair encloses a CJK character; unmatched brackets stay.
/// - Straight double quotes pair up in order (1st opens, 2nd closes, …); a pair whose quoted
///   text holds a CJK character becomes `“…”`; an odd last quote stays.
/// - `.` becomes `。` at the end of a sentence (followed by the end, a blank or a CJK
///   character, not part of `..`) whose text since the previous sentence end holds CJK: so
///   `91.3%.` ends as `91.3%。` while `91.3`, `v1.2` and English sentences keep their dots.
/// - URLs (`http://`, `https://`, `ftp://`, `www.` up to a blank or non-ASCII character, less
///   trailing punctuation) and ASCII-only spans are never touched.
///
/// ```
/// use audit::domain::text::fullwidth_punct;
/// assert_eq!(
///     fullwidth_punct("全省共抽查(含回头看)1,234个,合格率为91.3%."),
///     "全省共抽查（含回头看）1,234个，合格率为91.3%。"
/// );
/// assert_eq!(fullwidth_punct(r#"整治"指尖上的形式主义":截至10:30"#), "整治“指尖上的形式主义”：截至10:30");
/// assert_eq!(fullwidth_punct("Hello, world (v1.2)."), "Hello, world (v1.2).");
/// assert_eq!(fullwidth_punct("详见https://www.gov.cn/a?b=1,2."), "详见https://www.gov.cn/a?b=1,2。");
/// ```
pub fn fullwidth_punct(s: &str) -> String {
    let orig: Vec<char> = s.chars().collect();
    let url = url_mask(&orig);
    let mut c = orig.clone();
    pair_brackets(&mut c, &orig, &url);
    pair_quotes(&mut c, &orig, &url);
    for i in 0..c.len() {
        if url[i] {
            continue;
        }
        let prev = i.checked_sub(1).map(|j| c[j]);
        let next = c.get(i + 1).copied();
        c[i] = match c[i] {
            ch @ (',' | ':' | ';' | '?' | '!') => punct_mark(ch, prev, next),
            '.' if sentence_end(&c, i) => '。',
            ch => ch,
        };
    }
    c.into_iter().collect()
}

/// Characters of Chinese (CJK) text, for [`fullwidth_punct`].
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF        // radicals
        | 0x3000..=0x30FF      // CJK symbols and punctuation, kana
        | 0x3100..=0x9FFF      // bopomofo … CJK extension A, unified ideographs
        | 0xF900..=0xFAFF      // compatibility ideographs
        | 0xFE30..=0xFE4F      // CJK compatibility forms
        | 0xFF00..=0xFFEF      // full-width forms
        | 0x20000..=0x3FFFF)   // extensions B and on
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—')
}

fn punct_mark(ch: char, prev: Option<char>, next: Option<char>) -> char {
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    if matches!(ch, ',' | ':') && digit(prev) && digit(next) {
        return ch;
    }
    if !(prev.is_some_and(is_cjk) || next.is_some_and(is_cjk)) {
        return ch;
    }
    match ch {
        ',' => '，',
        ':' => '：',
        ';' => '；',
        '?' => '？',
        _ => '！',
    }
}

/// Whether the `.` at `i` ends a Chinese sentence.
fn sentence_end(c: &[char], i: usize) -> bool {
    let next = c.get(i + 1).copied();
    if !next.is_none_or(|n| n.is_whitespace() || is_cjk(n)) {
        return false;
    }
    let Some(prev) = i.checked_sub(1).map(|j| c[j]) else {
        return false;
    };
    if prev == '.' || prev.is_whitespace() {
        return false;
    }
    // Back to the previous sentence end: a full stop, or `.!?` followed by a blank.
    let mut j = i;
    while j > 0 {
        j -= 1;
        let ends = matches!(c[j], '。' | '！' | '？' | '\n')
            || (matches!(c[j], '.' | '!' | '?') && c.get(j + 1).is_some_and(|n| n.is_whitespace()));
        if ends {
            return false;
        }
        if is_cjk(c[j]) {
            return true;
        }
    }
    false
}

/// Which characters belong to a URL, so that no punctuation inside one is changed.
fn url_mask(c: &[char]) -> Vec<bool> {
    let mut mask = vec![false; c.len()];
    let starts_at = |i: usize| {
        ["http://", "https://", "ftp://", "www."].iter().any(|p| {
            let p: Vec<char> = p.chars().collect();
            c.len() >= i + p.len()
                && c[i..i + p.len()]
                    .iter()
                    .zip(&p)
                    .all(|(a, b)| a.to_ascii_lowercase() == *b)
        })
    };
    let mut i = 0;
    while i < c.len() {
        if (i == 0 || !c[i - 1].is_ascii_alphanumeric()) && starts_at(i) {
            let mut end = i;
            while end < c.len() && c[end].is_ascii_graphic() {
                end += 1;
            }
            while end > i && matches!(c[end - 1], '.' | ',' | ';' | ':' | '!' | '?' | ')' | '"') {
                end -= 1;
            }
            mask[i..end].iter_mut().for_each(|m| *m = true);
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    mask
}

/// `(` `)` pairs that enclose CJK text become `（` `）`.
fn pair_brackets(c: &mut [char], orig: &[char], url: &[bool]) {
    let mut open = Vec::new();
    for i in 0..orig.len() {
        if url[i] {
            continue;
        }
        match orig[i] {
            '(' => open.push(i),
            ')' => {
                if let Some(o) = open.pop() {
                    if orig[o + 1..i].iter().any(|&x| is_cjk(x)) {
                        c[o] = '（';
                        c[i] = '）';
                    }
                }
            }
            _ => {}
        }
    }
}

/// Straight double quotes, paired in order, become `“` `”` around CJK text.
fn pair_quotes(c: &mut [char], orig: &[char], url: &[bool]) {
    let quotes: Vec<usize> = (0..orig.len())
        .filter(|&i| orig[i] == '"' && !url[i])
        .collect();
    for pair in quotes.chunks_exact(2) {
        let (o, e) = (pair[0], pair[1]);
        if orig[o + 1..e].iter().any(|&x| is_cjk(x)) {
            c[o] = '“';
            c[e] = '”';
        }
    }
}

#[cfg(test)]
mod outside_tests {
    use super::*;

    #[test]
    fn format_characters_go_and_text_is_nfc() {
        // Issue #22, case 7: a right-to-left override makes 布发京南 show as 南京发布.
        let mut s = "\u{202E}布发京南\u{202C}".to_string();
        assert_eq!(tidy_outside(&mut s), Some('\u{202E}'));
        assert_eq!(s, "布发京南");
        let mut id = "JS\u{200B}001".to_string();
        assert_eq!(tidy_outside(&mut id), Some('\u{200B}'));
        assert_eq!(id, "JS001");
        // "é" as e + combining acute (NFD) becomes the one character (NFC); nothing is said.
        let mut nfd = "Caf\u{65}\u{301}号".to_string();
        assert_eq!(tidy_outside(&mut nfd), None);
        assert_eq!(nfd, "Caf\u{e9}号");
        let mut plain = "南京发布".to_string();
        assert_eq!(tidy_outside(&mut plain), None);
    }

    /// The short cut in `tidy_outside` says what the full checks would: every character it lets
    /// through is NFC on its own, combines with nothing and is no format character.
    #[test]
    fn plainly_nfc_characters_need_no_normalising() {
        use unicode_normalization::{char::canonical_combining_class, is_nfc_quick, IsNormalized};
        let plain: Vec<char> = (0u32..0x11_0000)
            .filter_map(char::from_u32)
            .filter(|c| plainly_nfc(*c))
            .collect();
        assert!(plain.len() > 20_000);
        for c in plain {
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert!(!is_format_char(c), "{c:?}");
        }
        // Text that leaves the short cut is still checked in full.
        let mut mixed = "南京\u{200B}发布".to_string();
        assert_eq!(tidy_outside(&mut mixed), Some('\u{200B}'));
    }

    #[test]
    fn file_names_from_data_are_short_unique_and_legal_on_windows() {
        assert_eq!(safe_file_stem("王/五: 检查?"), "王_五_ 检查_");
        assert_eq!(safe_file_stem("南京\u{202E}xslx.docx"), "南京xslx.docx");
        assert_eq!(safe_file_stem("a. "), "a");
        assert_eq!(safe_file_stem("CON"), "CON_");
        assert_eq!(safe_file_stem("com1.xlsx"), "com1.xlsx_");
        // Issue #22, case 12: an 80-character 开设主体 broke rectify sheets.
        let a = format!("{}甲", "很长的单位名称".repeat(12));
        let b = format!("{}乙", "很长的单位名称".repeat(12));
        let (sa, sb) = (safe_file_stem(&a), safe_file_stem(&b));
        assert!(sa.len() <= MAX_STEM_BYTES && sb.len() <= MAX_STEM_BYTES);
        assert_ne!(sa, sb);
        assert!(sa.starts_with("很长的单位名称") && sa.contains('~'));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        assert_eq!(fold_width("ＡＢ１２３"), "AB123");
        assert_eq!(clean("\u{3000} 名称\u{00A0}"), "名称");
        assert_eq!(match_key(" Owner Kind "), "ownerkind");
        assert_eq!(match_key("县（市、区）"), "县(市、区)");
        assert_eq!(display_width("南京a"), 5);
        // What our text holds keeps the width the hand-made table gave it: CJK ideographs
        // (and extension B), kana, hangul, CJK and full-width punctuation 2; ASCII, Latin-1,
        // curly quotes, dashes and the middle dot 1.
        let wide = [
            "中", "國", "〇", "、", "。", "《", "》", "【", "】", "「", "」", "あ", "ア", "한",
        ];
        let wide2 = [
            "，", "：", "；", "（", "）", "！", "？", "％", "＋", "Ａ", "０", "￥", "𠀀", "豈",
        ];
        for c in wide.iter().chain(&wide2) {
            assert_eq!(display_width(c), 2, "{c}");
        }
        for c in [
            "a", "Z", "0", " ", "-", "é", "“", "”", "‘", "’", "—", "…", "·", "\t",
        ] {
            assert_eq!(display_width(c), 1, "{c:?}");
        }
    }

    #[test]
    fn fullwidth_punct_converts_chinese_punctuation() {
        let f = fullwidth_punct;
        assert_eq!(
            f("全省共抽查(含回头看)1,234个,合格率为91.3%."),
            "全省共抽查（含回头看）1,234个，合格率为91.3%。"
        );
        assert_eq!(f("县(市、区)政府"), "县（市、区）政府");
        assert_eq!(f("一是;二是:三是?什么!"), "一是；二是：三是？什么！");
        assert_eq!(f("真的吗?!"), "真的吗？！");
        assert_eq!(f("使用Excel.然后"), "使用Excel。然后");
        assert_eq!(
            f("整治\"指尖上的形式主义\"和\"僵尸\"账号"),
            "整治“指尖上的形式主义”和“僵尸”账号"
        );
        assert_eq!(f("“日审核、月提醒”,是"), "“日审核、月提醒”，是");
        assert_eq!(f("(一)总体情况"), "（一）总体情况");
        assert_eq!(f("抽查(含(回头看))"), "抽查（含（回头看））");
    }

    #[test]
    fn fullwidth_punct_leaves_numbers_ascii_and_urls() {
        let f = fullwidth_punct;
        for s in [
            "1,234",
            "10:30",
            "91.3%",
            "Hello, world: (a) ok? yes! \"quoted\".",
            "v1.2.3",
            "e.g. this",
            "https://www.gov.cn/a?b=1,2&c=(x)",
            "{\"a\":\"b\"}",
            "",
        ] {
            assert_eq!(f(s), s, "{s}");
        }
        assert_eq!(f("时间:10:30,共1,234个"), "时间：10:30，共1,234个");
        assert_eq!(
            f("详见https://www.gov.cn/a?b=1,2."),
            "详见https://www.gov.cn/a?b=1,2。"
        );
        assert_eq!(f("网址:www.gov.cn,请"), "网址：www.gov.cn，请");
        assert_eq!(
            f("中文。This is English. 中文"),
            "中文。This is English. 中文"
        );
        assert_eq!(f("全省(N=219)共"), "全省(N=219)共");
        assert_eq!(f("等等..."), "等等...");
        assert_eq!(f("第3.5条"), "第3.5条");
        assert_eq!(f("他说\"你好"), "他说\"你好");
        assert_eq!(f("抽查(含回头看"), "抽查(含回头看");
    }

    #[test]
    fn fullwidth_punct_is_idempotent() {
        let s = "全省共抽查(含回头看)1,234个,合格率为91.3%.其中\"僵尸\"账号:3个;详见www.gov.cn.";
        let once = fullwidth_punct(s);
        assert_eq!(fullwidth_punct(&once), once);
        assert_eq!(
            once,
            "全省共抽查（含回头看）1,234个，合格率为91.3%。其中“僵尸”账号：3个；详见www.gov.cn。"
        );
    }
}
