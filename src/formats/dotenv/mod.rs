//! `.env` files in the two dialects PHP apps use: vlucas/phpdotenv (Laravel; v3, v4 and v5
//! differ) and symfony/dotenv (Symfony). They differ in ways that silently change values (`#`
//! and `$` handling, quoting), so each is parsed exactly as its library does, with positions.
//!
//! [`phpdotenv`] and [`symfony`] give every entry with its spans, interpolation quirks and
//! provenance: `lint` reads an app's env files with them. [`read`] gives one file's values
//! without positions, and errors that name the line and the variable but never a value: `sesform
//! smtp check --env-file` reads an app's `.env` with it. Expansion is capped by a [`Budget`]
//! either way, and every parser runs in linear time (see `lint::adversarial`).

pub mod phpdotenv;
mod read;
pub mod symfony;

pub use read::{Dialect, ReadError, Values, read};

use std::collections::HashMap;
use std::ops::Range;

use crate::formats::span::{FileId, Origin};
use crate::formats::traced::Traced;

/// One `NAME=value` assignment.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    /// The whole assignment, from the name (or `export`) to the end of the value.
    pub span: Origin,
    pub name_span: Origin,
    /// The raw value as written (after `=`), for code frames.
    pub raw_value: Origin,
    /// The value the library produces; `None` when it runs a command (`$(...)`), which
    /// sesform does not execute.
    pub value: Option<Traced>,
    pub quirks: Vec<Quirk>,
}

/// Something the dialect did to the value that its author probably did not intend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Quirk {
    /// A `#` that is not preceded by whitespace started a comment and dropped the rest.
    CutByHash { at: Origin, dropped: String },
    /// `$NAME` / `${NAME}` was replaced, by an empty string (symfony/dotenv) or left as is
    /// (phpdotenv), because NAME is not defined.
    UndefinedVariable { at: Origin, name: String },
    /// `$NAME` / `${NAME}` (at `at`) was replaced by the value of the defined variable NAME.
    Expanded { at: Origin, name: String },
    /// `$(command)` runs a shell command when the file is loaded.
    Command { at: Origin },
    /// Expanding `$NAME` / `${NAME}` (at `at`) would grow the value past
    /// [`MAX_EXPANDED_VALUE`], or the app's env files past [`MAX_EXPANSION`] in total:
    /// sesform stops, and the value is unknown (`None`), as for a command.
    TooLarge { at: Origin, message: String },
}

/// A syntax error, as the library reports it, with the byte offset it stopped at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvError {
    /// The library's message; phpdotenv's quotes the line, value and all.
    pub message: String,
    /// What is wrong, without quoting the file (for messages that must not show a value).
    pub cause: String,
    pub offset: usize,
}

/// Values visible to interpolation besides the file's own: the process environment and the
/// variables loaded from earlier files, and the expansion budget of the app.
pub struct Scope<'a> {
    pub process: &'a HashMap<String, String>,
    pub earlier: &'a HashMap<String, Traced>,
    pub budget: &'a Budget,
}

/// The most bytes one value may hold after `${NAME}` expansion. `A1="${A0}${A0}"`,
/// `A2="${A1}${A1}"`, ... doubles a value per line: 24 such lines of a 457-byte file would
/// take gigabytes. No mail setting comes close.
pub const MAX_EXPANDED_VALUE: usize = 64 * 1024;

/// The most bytes expansion may copy in all the env files of one app together (a file of
/// many lines each expanding a large value stays bounded too).
pub const MAX_EXPANSION: usize = 1024 * 1024;

/// What expansion has copied so far in one app's env files, and the names whose values were
/// too large to expand (referring to one makes a value unknown too, without a new finding).
#[derive(Debug, Default)]
pub struct Budget {
    copied: std::cell::Cell<usize>,
    oversized: std::cell::RefCell<std::collections::HashSet<String>>,
}

impl Budget {
    /// Accounts for expanding a reference into `bytes` bytes of a value that would then be
    /// `value_len` bytes long; the reason when that is over a limit.
    pub fn spend(&self, bytes: usize, value_len: usize) -> Result<(), String> {
        if value_len > MAX_EXPANDED_VALUE {
            return Err(format!(
                "the value grows past {} KiB after expansion",
                MAX_EXPANDED_VALUE / 1024
            ));
        }
        let copied = self.copied.get().saturating_add(bytes);
        if copied > MAX_EXPANSION {
            return Err(format!(
                "expansion in this app's env files copies more than {} KiB in total",
                MAX_EXPANSION / 1024
            ));
        }
        self.copied.set(copied);
        Ok(())
    }

    /// Records whether the latest definition of `name` was too large to expand.
    pub fn set_oversized(&self, name: &str, oversized: bool) {
        let mut names = self.oversized.borrow_mut();
        if oversized {
            names.insert(name.to_string());
        } else {
            names.remove(name);
        }
    }

    pub fn is_oversized(&self, name: &str) -> bool {
        self.oversized.borrow().contains(name)
    }
}

/// The [`Quirk::TooLarge`] of a value that expansion made too large.
pub(crate) fn too_large(at: Origin, name: &str, why: String) -> Quirk {
    Quirk::TooLarge {
        at,
        message: too_large_message(name, &why),
    }
}

/// What an `expansion-limit` finding says about `name`'s value.
pub(crate) fn too_large_message(name: &str, why: &str) -> String {
    format!("{name}: {why}; sesform stops expanding it and checks nothing that reads it")
}

/// Text with `\r\n` and `\r` turned into `\n` (both libraries do this first), and a map back
/// to byte offsets in the original.
pub(crate) struct Normalized {
    pub text: String,
    /// `map[i]` is the original offset of normalized byte `i`; `None` when identical.
    map: Option<Vec<usize>>,
    original_len: usize,
}

impl Normalized {
    pub fn new(original: &str) -> Normalized {
        if !original.contains('\r') {
            return Normalized {
                text: original.to_string(),
                map: None,
                original_len: original.len(),
            };
        }
        let mut text = String::with_capacity(original.len());
        let mut map = Vec::with_capacity(original.len() + 1);
        let bytes = original.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\r' {
                text.push('\n');
                map.push(i);
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
            } else {
                let ch = original[i..].chars().next().expect("in bounds");
                for k in 0..ch.len_utf8() {
                    map.push(i + k);
                }
                text.push(ch);
                i += ch.len_utf8();
            }
        }
        Normalized {
            text,
            map: Some(map),
            original_len: original.len(),
        }
    }

    pub fn offset(&self, normalized: usize) -> usize {
        match &self.map {
            None => normalized,
            Some(map) => map.get(normalized).copied().unwrap_or(self.original_len),
        }
    }

    pub fn origin(&self, file: FileId, range: Range<usize>) -> Origin {
        Origin::new(file, self.offset(range.start)..self.offset(range.end))
    }
}

/// Builds a [`Traced`] for text read from a normalized file.
pub(crate) struct TraceBuilder<'a> {
    pub norm: &'a Normalized,
    pub file: FileId,
}

impl TraceBuilder<'_> {
    /// `text[range]`, copied verbatim.
    pub fn exact(&self, range: Range<usize>) -> Traced {
        let origin = self.norm.origin(self.file, range.clone());
        let text = &self.norm.text[range];
        if origin.span.len() == text.len() {
            Traced::exact(text, origin)
        } else {
            // A `\r\n` inside the range: same text, different length; keep it whole.
            Traced::derived(text, origin)
        }
    }

    pub fn derived(&self, text: &str, range: Range<usize>) -> Traced {
        Traced::derived(text, self.norm.origin(self.file, range))
    }

    pub fn origin(&self, range: Range<usize>) -> Origin {
        self.norm.origin(self.file, range)
    }
}

/// Replaces every occurrence of `from` with `to` (PHP `str_replace`), keeping provenance.
pub(crate) fn replace_all(traced: &Traced, from: &str, to: &str) -> Traced {
    let text = traced.as_str();
    if !text.contains(from) {
        return traced.clone();
    }
    let mut out = Traced::new();
    let mut last = 0;
    for (at, _) in text.match_indices(from) {
        out.append(&traced.slice(last..at));
        let replaced = traced.slice(at..at + from.len());
        match replaced.origin() {
            Some(origin) => out.push_derived(to, origin),
            None => out.push_str_detached(to),
        }
        last = at + from.len();
    }
    out.append(&traced.slice(last..text.len()));
    out
}

/// The one [`Quirk::TooLarge`] of `entries` (where, and the message); panics unless there is
/// exactly one.
#[cfg(test)]
pub(crate) fn the_too_large_quirk(entries: &[Entry]) -> (&Origin, &str) {
    let found: Vec<(&Origin, &str)> = entries
        .iter()
        .flat_map(|e| &e.quirks)
        .filter_map(|q| match q {
            Quirk::TooLarge { at, message } => Some((at, message.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found[0]
}

/// `parse(text)` with only `process` around it (the parsers' tests).
#[cfg(test)]
pub(crate) fn parse_in_process(
    parse: fn(&str, FileId, &Scope) -> Result<Vec<Entry>, DotenvError>,
    text: &str,
    process: &[(&str, &str)],
) -> Result<Vec<Entry>, DotenvError> {
    let process: HashMap<String, String> = process
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let earlier = HashMap::new();
    let scope = Scope {
        process: &process,
        earlier: &earlier,
        budget: &Default::default(),
    };
    parse(text, 0, &scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_line_endings_with_offsets() {
        let n = Normalized::new("A=1\r\nB=2\rC=3");
        assert_eq!(n.text, "A=1\nB=2\nC=3");
        assert_eq!(n.offset(4), 5);
        assert_eq!(n.offset(8), 9);
        assert_eq!(n.offset(n.text.len()), 12);
    }

    #[test]
    fn replace_all_keeps_provenance() {
        let t = Traced::exact(r"a\\b", Origin::new(0, 10..14));
        let r = replace_all(&t, r"\\", r"\");
        assert_eq!(r.as_str(), r"a\b");
        assert_eq!(r.origin_of(2..3), Some(Origin::new(0, 13..14)));
        assert_eq!(r.origin_of(1..2), Some(Origin::new(0, 11..13)));
    }
}
