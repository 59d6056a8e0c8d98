//! Texts that many accounts share: a registry repeats a few hundred spellings of type, level,
//! region, owner kind and status a million times, and each account holding its own copy cost an
//! allocation per field per row (about 200 MB of a million-row import). An [`Interner`] keeps one
//! copy of each spelling; accounts hold a counted reference to it.

use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A text shared by the accounts that spell a field alike: read as a `&str`, cloned by count.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedText(Arc<str>);

impl Default for SharedText {
    /// The empty text: one copy for the whole process, so an empty field allocates nothing.
    fn default() -> Self {
        static EMPTY: std::sync::OnceLock<SharedText> = std::sync::OnceLock::new();
        EMPTY.get_or_init(|| SharedText(Arc::from(""))).clone()
    }
}

impl SharedText {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for SharedText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for SharedText {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for SharedText {
    fn from(s: &str) -> Self {
        SharedText(Arc::from(s))
    }
}

impl From<String> for SharedText {
    fn from(s: String) -> Self {
        SharedText(Arc::from(s))
    }
}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl From<SharedText> for String {
    fn from(s: SharedText) -> Self {
        s.0.to_string()
    }
}

impl PartialEq<String> for SharedText {
    fn eq(&self, other: &String) -> bool {
        &*self.0 == other.as_str()
    }
}

impl PartialEq<SharedText> for String {
    fn eq(&self, other: &SharedText) -> bool {
        self.as_str() == &*other.0
    }
}

impl PartialEq<SharedText> for str {
    fn eq(&self, other: &SharedText) -> bool {
        self == &*other.0
    }
}

impl PartialEq<SharedText> for &str {
    fn eq(&self, other: &SharedText) -> bool {
        *self == &*other.0
    }
}

/// Distinct spellings kept before new ones are no longer shared: a column of unique values (a
/// hostile or odd file) must not grow the table without bound; it then costs what a `String`
/// would.
const MAX_INTERNED: usize = 100_000;

/// One copy of each text seen (up to `MAX_INTERNED`); an empty text costs nothing.
#[derive(Default)]
pub struct Interner(HashSet<SharedText>);

impl Interner {
    /// The shared copy of `s`, made the first time it is seen.
    pub fn get(&mut self, s: &str) -> SharedText {
        if s.is_empty() {
            return SharedText::default();
        }
        if let Some(t) = self.0.get(s) {
            return t.clone();
        }
        let t = SharedText::from(s);
        if self.0.len() < MAX_INTERNED {
            self.0.insert(t.clone());
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spelling_is_kept_once_and_reads_as_text() {
        let mut i = Interner::default();
        let a = i.get("微信公众号");
        let b = i.get("微信公众号");
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "微信公众号");
        assert_eq!(a.as_str(), "微信公众号");
        assert_eq!(format!("{a}/{a:?}"), "微信公众号/\"微信公众号\"");
        assert!(Arc::ptr_eq(&i.get("").0, &SharedText::default().0));
        assert_eq!(i.0.len(), 1);
    }
}
