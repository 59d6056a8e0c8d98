//! A streaming XML tokenizer for the large parts of an .xlsx (a sheet, the shared strings): tags,
//! end tags and text, straight from the inflated bytes with no copy per token, and no token
//! longer than a bound (a hostile 1 GB text node is refused at 4 MB, not buffered).
//!
//! It reads what quick-xml reads in those parts, as calamine sets it (end names unchecked,
//! empty elements reported as a start with `empty` set, comments, processing instructions,
//! CDATA and DOCTYPE skipped — calamine ignores them there), and is strict where quick-xml is
//! (an unclosed tag, comment or quote, an unquoted or repeated attribute, text that is not
//! UTF-8, an unknown entity). Issue #25: quick-xml's general reader was a third of a
//! million-row import.

use memchr::{memchr, memchr3};
use std::borrow::Cow;
use std::io::Read;

/// How much is inflated at a time.
const CHUNK: usize = 256 << 10;

/// One token of the part.
#[derive(Debug, PartialEq)]
pub(super) enum Tok<'a> {
    /// `<name attrs>`; a self-closing `<name attrs/>` comes as this and then an `End`, as
    /// quick-xml reports it for calamine (`expand_empty_elements`).
    Start {
        /// The qualified name.
        name: &'a [u8],
        /// The raw attribute text, read by [`attributes`].
        attrs: &'a [u8],
    },
    /// `</name>`.
    End(&'a [u8]),
    /// Raw text between tags (entities unresolved; see [`push_text`]).
    Text(&'a [u8]),
    /// The end of the part.
    Eof,
}

/// The local part of a qualified name (after the first `:`), as quick-xml takes it.
pub(super) fn local(name: &[u8]) -> &[u8] {
    match memchr(b':', name) {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// Whether two names are the same. Names are a few bytes: compared in line, not through a
/// `memcmp` call for every token (which was 7% of a million-row import).
#[inline]
pub(super) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Whether the local part of `name` is `want`.
#[inline]
pub(super) fn is(name: &[u8], want: &[u8]) -> bool {
    same(local(name), want)
}

/// A part's bytes, tokenized as they are inflated.
pub(super) struct Scan<R> {
    src: R,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    max_token: usize,
    /// The name of a self-closing element just reported, whose `End` comes next.
    pending_end: Option<Vec<u8>>,
    /// A buffer for that name, kept between elements.
    spare: Vec<u8>,
    /// How much to inflate at a time ([`CHUNK`]; small in tests, so tokens straddle refills).
    chunk: usize,
}

impl<R: Read> Scan<R> {
    /// Tokenize `src`, refusing any token longer than `max_token` bytes.
    pub(super) fn new(src: R, max_token: usize) -> Self {
        Scan {
            src,
            buf: Vec::with_capacity(CHUNK),
            pos: 0,
            eof: false,
            max_token,
            pending_end: None,
            spare: Vec::new(),
            chunk: CHUNK,
        }
    }

    /// Inflate more, keeping the unread bytes; false at the end of the part.
    fn refill(&mut self) -> Result<bool, String> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let have = self.buf.len();
        if have > self.max_token {
            return Err(format!(
                "有一段超过 {} MB 的单元格内容或标记(Excel 单元格最多 32767 个字符),可能是损坏或恶意构造的文件",
                self.max_token >> 20
            ));
        }
        self.buf.resize(have + self.chunk, 0);
        let n = loop {
            match self.src.read(&mut self.buf[have..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(have);
                    return Err(format!("读取失败(解压或文字编码): {e}"));
                }
            }
        };
        self.buf.truncate(have + n);
        self.eof = n == 0;
        Ok(n > 0)
    }

    /// Whether `n` unread bytes are at hand (inflating more if needed).
    fn ensure(&mut self, n: usize) -> Result<bool, String> {
        while self.buf.len() - self.pos < n {
            if !self.refill()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The offset (from the read position) of `pat` at or after `from`, inflating as needed;
    /// None when the part ends first.
    fn find(&mut self, from: usize, pat: &[u8]) -> Result<Option<usize>, String> {
        let mut searched = from;
        loop {
            let hay = &self.buf[self.pos + searched..];
            let hit = match pat.len() {
                1 => memchr(pat[0], hay),
                _ => memchr::memmem::find(hay, pat),
            };
            if let Some(i) = hit {
                return Ok(Some(searched + i));
            }
            searched = (self.buf.len() - self.pos)
                .saturating_sub(pat.len() - 1)
                .max(from);
            if !self.refill()? {
                return Ok(None);
            }
        }
    }

    /// The next token.
    pub(super) fn next(&mut self) -> Result<Tok<'_>, String> {
        if let Some(name) = self.pending_end.take() {
            self.spare = name;
            return Ok(Tok::End(&self.spare));
        }
        loop {
            if !self.ensure(1)? {
                return Ok(Tok::Eof);
            }
            if self.buf[self.pos] != b'<' {
                let len = match self.find(0, b"<")? {
                    Some(i) => i,
                    None => self.buf.len() - self.pos,
                };
                let start = self.pos;
                self.pos += len;
                return Ok(Tok::Text(&self.buf[start..start + len]));
            }
            if !self.ensure(2)? {
                return Err("以不完整的标记结束".into());
            }
            match self.buf[self.pos + 1] {
                b'/' => return self.end_tag(),
                b'?' => self.skip_past(2, b"?>", "处理指令")?,
                b'!' => self.skip_declaration()?,
                _ => return self.start_tag(),
            }
        }
    }

    /// Move past the next `pat` at or after `from`; what it closes must be closed.
    fn skip_past(&mut self, from: usize, pat: &[u8], what: &str) -> Result<(), String> {
        let at = self
            .find(from, pat)?
            .ok_or_else(|| format!("{what}没有结束"))?;
        self.pos += at + pat.len();
        Ok(())
    }

    /// A comment, CDATA section or DOCTYPE, skipped; any other `<!` is malformed.
    fn skip_declaration(&mut self) -> Result<(), String> {
        self.ensure(9)?;
        let head = &self.buf[self.pos..];
        if head.starts_with(b"<!--") {
            return self.skip_past(4, b"-->", "注释");
        }
        if head.starts_with(b"<![CDATA[") {
            return self.skip_past(9, b"]]>", "CDATA 段");
        }
        if !(head.len() >= 9 && head[2..9].eq_ignore_ascii_case(b"DOCTYPE")) {
            return Err("有无法识别的 <! 标记".into());
        }
        // A DOCTYPE's internal subset may hold markup: its `<` and `>` balance (as quick-xml
        // reads it).
        let mut depth = 1usize;
        let mut i = 2;
        loop {
            if !self.ensure(i + 1)? {
                return Err("<!DOCTYPE> 没有结束".into());
            }
            match self.buf[self.pos + i] {
                b'<' => depth += 1,
                b'>' if depth == 1 => break,
                b'>' => depth -= 1,
                _ => {}
            }
            i += 1;
        }
        self.pos += i + 1;
        Ok(())
    }

    /// `</name>`.
    fn end_tag(&mut self) -> Result<Tok<'_>, String> {
        let gt = self.find(2, b">")?.ok_or("结束标记没有 >")?;
        let start = self.pos + 2;
        self.pos += gt + 1;
        let name = trim_end(&self.buf[start..self.pos - 1]);
        Ok(Tok::End(name))
    }

    /// `<name attrs>` or `<name attrs/>`: the `>` is the first outside quotes.
    fn start_tag(&mut self) -> Result<Tok<'_>, String> {
        let mut i = 1;
        let gt = loop {
            let hay = &self.buf[self.pos + i..];
            match memchr3(b'>', b'"', b'\'', hay) {
                Some(j) if hay[j] == b'>' => break i + j,
                Some(j) => {
                    let quote = [hay[j]];
                    let close = self
                        .find(i + j + 1, &quote)?
                        .ok_or("属性值的引号没有结束")?;
                    i = close + 1;
                }
                None => {
                    i = self.buf.len() - self.pos;
                    if !self.refill()? {
                        return Err("标记没有 >".into());
                    }
                }
            }
        };
        let (start, len) = (self.pos + 1, gt - 1);
        self.pos += gt + 1;
        let empty = self.buf[start..start + len].last() == Some(&b'/');
        let len = len - usize::from(empty);
        let end = self.buf[start..start + len]
            .iter()
            .position(|&b| is_space(b))
            .unwrap_or(len);
        if end == 0 {
            return Err("标记没有名称".into());
        }
        if empty {
            let mut name = std::mem::take(&mut self.spare);
            name.clear();
            name.extend_from_slice(&self.buf[start..start + end]);
            self.pending_end = Some(name);
        }
        let tag = &self.buf[start..start + len];
        Ok(Tok::Start {
            name: &tag[..end],
            attrs: &tag[end..],
        })
    }

    /// Skip to the end tag named `closing` of an element just started, past nested elements of
    /// the same name (quick-xml's `read_to_end`).
    pub(super) fn skip_to_end(&mut self, closing: &[u8]) -> Result<(), String> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Tok::Start { name, .. } if same(name, closing) => depth += 1,
                Tok::End(name) if same(name, closing) => match depth {
                    0 => return Ok(()),
                    _ => depth -= 1,
                },
                Tok::Text(t) => check_references(t)?,
                Tok::Eof => return Err("元素没有结束标记:内容不完整".into()),
                _ => {}
            }
        }
    }
}

/// The attributes of a tag, in order, each as raw name and raw value; Err on a malformed one
/// (no `=`, no quotes) as quick-xml refuses it.
pub(super) fn attributes(mut s: &[u8]) -> impl Iterator<Item = Result<(&[u8], &[u8]), String>> {
    std::iter::from_fn(move || {
        s = trim_start(s);
        if s.is_empty() {
            return None;
        }
        let bad = || Err(format!("属性 {} 写法有误", shown(s)));
        let Some(eq) = memchr(b'=', s) else {
            s = &[];
            return Some(bad());
        };
        let name = trim_end(&s[..eq]);
        let rest = trim_start(&s[eq + 1..]);
        let quote = match rest.first() {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                let out = bad();
                s = &[];
                return Some(out);
            }
        };
        let Some(close) = memchr(quote, &rest[1..]) else {
            let out = bad();
            s = &[];
            return Some(out);
        };
        if name.is_empty() || name.iter().any(|&b| is_space(b)) {
            let out = bad();
            s = &[];
            return Some(out);
        }
        let value = &rest[1..1 + close];
        s = &rest[close + 2..];
        Some(Ok((name, value)))
    })
}

/// The encoding a part's first bytes give: a byte-order mark, else the XML declaration's
/// `encoding` (some export tools write `encoding="GBK"`), else UTF-8; and how many bytes of
/// mark to skip. calamine's quick-xml decodes such parts; so do we.
pub(super) fn part_encoding(head: &[u8]) -> (&'static encoding_rs::Encoding, usize) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(head) {
        return (enc, bom);
    }
    let declared = head
        .strip_prefix(b"<?xml")
        .and_then(|rest| rest.get(..memchr::memmem::find(rest, b"?>")?))
        .and_then(|decl| {
            let at = memchr::memmem::find(decl, b"encoding")?;
            let rest = trim_start(&decl[at + 8..]).strip_prefix(b"=")?;
            let rest = trim_start(rest);
            let quote = *rest.first()?;
            let value = &rest[1..];
            encoding_rs::Encoding::for_label(&value[..memchr(quote, value)?])
        });
    (declared.unwrap_or(encoding_rs::UTF_8), 0)
}

/// A part's text as UTF-8, decoded as it is read when it is in another encoding
/// ([`part_encoding`]).
pub(super) fn utf8_part<'r, R: Read + 'r>(mut src: R) -> Result<Box<dyn Read + 'r>, String> {
    let mut head = vec![0u8; 512];
    let mut n = 0;
    while n < head.len() {
        match src.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("读取失败: {e}")),
        }
    }
    head.truncate(n);
    let (encoding, bom) = part_encoding(&head);
    let mut start = std::io::Cursor::new(head);
    start.set_position(bom as u64);
    let whole = start.chain(src);
    if encoding == encoding_rs::UTF_8 {
        return Ok(Box::new(whole));
    }
    Ok(Box::new(super::read::DecodingReader::new(whole, encoding)))
}

/// XML's white space (space, tab, CR, LF; not form feed, which Rust's ASCII white space has).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| is_space(b)).count();
    &s[n..]
}

fn trim_end(s: &[u8]) -> &[u8] {
    let n = s.iter().rev().take_while(|&&b| is_space(b)).count();
    &s[..s.len() - n]
}

/// Text from a file as a message shows it: at most 40 characters, control characters escaped
/// (a file's bytes never reach the terminal raw).
pub(super) fn shown(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::new();
    for c in text.chars().take(40) {
        match c.is_control() || crate::domain::text::is_format_char(c) {
            true => out.extend(c.escape_default()),
            false => out.push(c),
        }
    }
    if text.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

/// Every `&` in text begins a reference closed by `;` (quick-xml refuses a text where one does
/// not, wherever it is): for the text a reader passes over; the text it reads is checked by
/// [`push_text`] as it is decoded.
pub(super) fn check_references(text: &[u8]) -> Result<(), String> {
    let mut rest = text;
    while let Some(i) = memchr(b'&', rest) {
        let semi = memchr(b';', &rest[i..]).ok_or("实体引用没有以 ; 结束")?;
        if memchr(b'&', &rest[i + 1..i + semi]).is_some() {
            return Err("实体引用没有以 ; 结束".into());
        }
        rest = &rest[i + semi + 1..];
    }
    Ok(())
}

/// Append raw element text to `out`: entity and character references resolved (the five XML
/// entities and numeric ones; any other is refused), line ends read as XML 1.0 reads them and,
/// in string text (`excel_escapes`), Excel's `_x00HH_` escapes — each applied to the text
/// between references, as calamine applies them to quick-xml's text events.
pub(super) fn push_text(raw: &[u8], out: &mut String, excel_escapes: bool) -> Result<(), String> {
    let mut rest = raw;
    while !rest.is_empty() {
        let plain = memchr(b'&', rest).unwrap_or(rest.len());
        if plain > 0 {
            let s = std::str::from_utf8(&rest[..plain]).map_err(|_| "文字不是 UTF-8 编码")?;
            let s = xml10_line_ends(s);
            match excel_escapes {
                true => out.push_str(&unescape_excel(&s)),
                false => out.push_str(&s),
            }
            rest = &rest[plain..];
            continue;
        }
        let semi = memchr(b';', rest).ok_or("实体引用没有以 ; 结束")?;
        entity(&rest[1..semi], out)?;
        rest = &rest[semi + 1..];
    }
    Ok(())
}

/// `\r\n` and a lone `\r` read as `\n` (XML 1.0's end-of-line handling, as quick-xml's
/// `xml10_content`).
fn xml10_line_ends(s: &str) -> Cow<'_, str> {
    if !s.contains('\r') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
}

/// An entity or character reference's name (between `&` and `;`), resolved into `out`.
fn entity(name: &[u8], out: &mut String) -> Result<(), String> {
    let name = std::str::from_utf8(name).map_err(|_| "实体引用不是 UTF-8 编码")?;
    if let Some(s) = quick_xml::escape::resolve_xml_entity(name) {
        out.push_str(s);
        return Ok(());
    }
    let reference = quick_xml::events::BytesRef::new(name);
    match reference.resolve_char_ref() {
        Ok(Some(c)) => {
            out.push(c);
            Ok(())
        }
        _ => Err(format!("无法识别的实体 &{};", shown(name.as_bytes()))),
    }
}

/// Excel's escapes in string text, `_x00HH_` for a control character such as a carriage return
/// (calamine's `unescape_xml`, rule for rule: two hex digits after `_x00`).
pub(super) fn unescape_excel(text: &str) -> Cow<'_, str> {
    if !text.contains("_x00") {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if i + 7 <= bytes.len() && bytes[i..].starts_with(b"_x00") && bytes[i + 6] == b'_' {
            let hex = std::str::from_utf8(&bytes[i + 4..i + 6]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v as char);
                i += 7;
                continue;
            }
        }
        let Some(ch) = text[i..].chars().next() else {
            break;
        };
        out.push(ch);
        i += ch.len_utf8();
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every token of `xml`, read through a tiny buffer so tokens straddle refills.
    fn tokens(xml: &str) -> Result<Vec<String>, String> {
        let mut scan = Scan::new(xml.as_bytes(), 1 << 20);
        scan.chunk = 3;
        let mut out = Vec::new();
        loop {
            let t = scan.next()?;
            out.push(match t {
                Tok::Start { name, attrs } => format!(
                    "<{}|{}",
                    String::from_utf8_lossy(name),
                    String::from_utf8_lossy(attrs).trim()
                ),
                Tok::End(n) => format!("/{}", String::from_utf8_lossy(n)),
                Tok::Text(t) => format!("'{}", String::from_utf8_lossy(t)),
                Tok::Eof => return Ok(out),
            });
        }
    }

    #[test]
    fn tags_text_and_skipped_markup() {
        let got = tokens(
            "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><x:c r=\"A1\" t='s>'>\
             <!-- a > b --><v>1&amp;2</v><![CDATA[<c>]]><f/></x:c >",
        )
        .unwrap();
        let want = "<x:c|r=\"A1\" t='s>',<v|,'1&amp;2,/v,<f|,/f,/x:c";
        assert_eq!(got.join(","), want);
        assert_eq!(local(b"x:c"), b"c");
    }

    #[test]
    fn unclosed_markup_is_refused() {
        for bad in [
            "<c r=\"A1>",
            "<!-- x",
            "<c",
            "<![CDATA[x",
            "< >",
            "<!-->",
            "<!FOO>",
            "<![cdata[x]]>",
        ] {
            assert!(tokens(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_token_past_the_bound_is_refused() {
        let long = format!("<v>{}</v>", "x".repeat(CHUNK * 3));
        let mut scan = Scan::new(long.as_bytes(), CHUNK);
        assert!(matches!(scan.next(), Ok(Tok::Start { .. })));
        assert!(scan.next().unwrap_err().contains("MB"));
    }

    #[test]
    fn attributes_read_and_malformed_ones_refused() {
        let got: Vec<_> = attributes(b" r=\"A1\"  s = '3' t=\"\"")
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(got, [(&b"r"[..], &b"A1"[..]), (b"s", b"3"), (b"t", b"")]);
        for bad in [" r=A1", " r", " r=\"A1", " =\"x\""] {
            assert!(attributes(bad.as_bytes()).any(|a| a.is_err()), "{bad}");
        }
    }

    #[test]
    fn a_part_in_another_encoding_is_read_as_utf8() {
        let (gbk, _, _) =
            encoding_rs::GBK.encode("<?xml version=\"1.0\" encoding='GBK'?><t>政务</t>");
        let mut text = String::new();
        utf8_part(&gbk[..])
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert!(text.ends_with("<t>政务</t>"), "{text}");
        assert_eq!(
            part_encoding(b"<?xml version=\"1.0\"?><a/>").0,
            encoding_rs::UTF_8
        );
        assert_eq!(part_encoding(b"\xEF\xBB\xBF<a/>"), (encoding_rs::UTF_8, 3));
        assert_eq!(part_encoding(b"\xFF\xFE<\0").0, encoding_rs::UTF_16LE);
    }

    #[test]
    fn text_is_decoded_as_calamine_decodes_it() {
        let mut out = String::new();
        push_text(b"a&lt;b&#x4E2D;\r\nc_x000D_", &mut out, true).unwrap();
        assert_eq!(out, "a<b中\nc\r");
        out.clear();
        push_text(b"_x000D_", &mut out, false).unwrap();
        assert_eq!(out, "_x000D_");
        assert!(push_text(b"&nbsp;", &mut out, true).is_err());
        assert!(push_text(b"a & b", &mut out, true).is_err());
        assert!(check_references(b"a &amp b").is_err());
        assert!(check_references(b"a &amp; b").is_ok());
        assert!(push_text(b"\xff", &mut out, true).is_err());
        assert_eq!(unescape_excel("_x005F_x000D_"), "_x000D_");
        assert_eq!(unescape_excel("_x00ZZ_ 中"), "_x00ZZ_ 中");
    }
}
