//! vlucas/phpdotenv, as Laravel loads it: v5 (Laravel 8+; `Dotenv\Parser\{Lines, EntryParser,
//! Lexer}` and `Dotenv\Loader\Resolver`), v4 (Laravel 7; `Dotenv\Loader\Parser`) and v3
//! (Laravel 6; `Dotenv\Parser` and `Loader::resolveNestedVariables`).
//!
//! What surprises people: in an unquoted value `#` always starts a comment (`pa#ss` is `pa`);
//! only `${NAME}` is interpolated (not `$NAME`), and an undefined one is left as is; an
//! unquoted value with a space is an error. From v4 single quotes are literal; in v3 they
//! escape `\'` and `\\`, interpolate `${NAME}` too, and a double-quoted value knows only the
//! `\"` and `\\` escapes. An unclosed quote is an error from v5 only.

use std::collections::HashMap;
use std::ops::Range;

use super::{DotenvError, Entry, Normalized, Quirk, Scope, TraceBuilder, too_large};
use crate::formats::span::FileId;
use crate::formats::traced::Traced;

/// The phpdotenv major version that reads the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Version {
    V3,
    V4,
    #[default]
    V5,
}

impl Version {
    /// From composer.lock: `vlucas/phpdotenv` itself, else what the Laravel major requires
    /// (6: ^3.3, 7: ^4.0, 8 and later: ^5.2); v5 when neither is known.
    pub fn for_app(phpdotenv: Option<u32>, laravel: Option<u32>) -> Version {
        match phpdotenv.or(match laravel {
            Some(6) => Some(3),
            Some(7) => Some(4),
            _ => None,
        }) {
            Some(..=3) => Version::V3,
            Some(4) => Version::V4,
            _ => Version::V5,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Version::V3 => "phpdotenv v3",
            Version::V4 => "phpdotenv v4",
            Version::V5 => "phpdotenv v5",
        }
    }

    fn message(self, f: &Failure) -> String {
        match self {
            Version::V5 => format!(
                "Failed to parse dotenv file. Encountered {} at [{}].",
                f.cause, f.subject
            ),
            _ => format!(
                "Failed to parse dotenv file due to {}. Failed at [{}].",
                f.cause, f.subject
            ),
        }
    }
}

/// Why an entry does not parse: phpdotenv's cause, the line it quotes, and where.
struct Failure {
    cause: String,
    subject: String,
    at: usize,
}

fn fail<T>(cause: &str, subject: &str, at: usize) -> ParseResult<T> {
    Err(Failure {
        cause: cause.to_string(),
        subject: subject.to_string(),
        at,
    })
}

/// Parses a whole file with v5. `scope` resolves `${NAME}` for names the file has not set yet.
pub fn parse(text: &str, file: FileId, scope: &Scope) -> Result<Vec<Entry>, DotenvError> {
    parse_as(Version::V5, text, file, scope)
}

/// Parses a whole file as `version` reads it.
pub fn parse_as(
    version: Version,
    text: &str,
    file: FileId,
    scope: &Scope,
) -> Result<Vec<Entry>, DotenvError> {
    let norm = Normalized::new(text);
    let builder = TraceBuilder { norm: &norm, file };
    let mut values: HashMap<String, Traced> = HashMap::new();
    let mut entries = Vec::new();
    for range in logical_lines(&norm.text) {
        let line = &norm.text[range.clone()];
        let trimmed = line.trim_start();
        if trimmed.trim_end().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let entry =
            parse_entry(version, &builder, range, scope, &values).map_err(|f| DotenvError {
                message: version.message(&f),
                cause: f.cause.clone(),
                offset: norm.offset(f.at),
            })?;
        if let Some(entry) = entry {
            match &entry.value {
                Some(value) => values.insert(entry.name.clone(), value.clone()),
                None => values.remove(&entry.name),
            };
            entries.push(entry);
        }
    }
    Ok(entries)
}

/// Lines, with a `NAME="...` value that spans lines joined into one (`Lines::process`).
fn logical_lines(text: &str) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices('\n') {
        lines.push(start..i);
        start = i + 1;
    }
    lines.push(start..text.len());

    let mut out = Vec::new();
    let mut pending: Option<usize> = None;
    for range in lines {
        let line = &text[range.clone()];
        let started = looks_like_multiline_start(line);
        if started {
            pending = Some(range.start);
        }
        if let Some(begin) = pending {
            if looks_like_multiline_stop(line, started) {
                out.push(begin..range.end);
                pending = None;
            }
        } else {
            out.push(range);
        }
    }
    // An unterminated multi-line value swallows the rest of the file, as in phpdotenv.
    out
}

fn looks_like_multiline_start(line: &str) -> bool {
    line.contains("=\"") && !looks_like_multiline_stop(line, true)
}

fn looks_like_multiline_stop(line: &str, started: bool) -> bool {
    if line == "\"" {
        return true;
    }
    let stripped = line.replace("\\\\", "");
    let bytes = stripped.as_bytes();
    let quotes = (1..bytes.len())
        .filter(|&i| bytes[i] == b'"' && bytes[i - 1] != b'\\')
        .count();
    if started { quotes > 1 } else { quotes >= 1 }
}

type ParseResult<T> = Result<T, Failure>;

fn parse_entry(
    version: Version,
    b: &TraceBuilder,
    range: Range<usize>,
    scope: &Scope,
    values: &HashMap<String, Traced>,
) -> ParseResult<Option<Entry>> {
    let text = &b.norm.text;
    let line = &text[range.clone()];
    let first_line = line.lines().next().unwrap_or_default();
    let (name_range, value_range) = match line.find('=') {
        Some(eq) => (
            trim_range(text, range.start..range.start + eq),
            Some(trim_range(text, range.start + eq + 1..range.end)),
        ),
        None => (trim_range(text, range.clone()), None),
    };
    if name_range.is_empty() {
        return fail("an unexpected equals", first_line, range.start);
    }
    let entry_start = name_range.start;
    let mut name_range = name_range;
    let raw = &text[name_range.clone()];
    if raw.len() > 8 && raw.starts_with("export") && raw[6..].starts_with(char::is_whitespace) {
        let rest = &raw[6..];
        let skipped = rest.len() - rest.trim_start().len();
        name_range.start += 6 + skipped;
    }
    let raw = &text[name_range.clone()];
    if raw.len() >= 3
        && ((raw.starts_with('"') && raw.ends_with('"'))
            || (raw.starts_with('\'') && raw.ends_with('\'')))
    {
        name_range = name_range.start + 1..name_range.end - 1;
    }
    let name = &text[name_range.clone()];
    if name.is_empty()
        || !name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
    {
        return fail("an invalid name", name, name_range.start);
    }
    let Some(value_range) = value_range else {
        // `NAME` alone: phpdotenv defines the name with no value; Laravel's env() sees null.
        return Ok(None);
    };
    let (value, quirks) = parse_value(
        version,
        b,
        value_range.clone(),
        range.start,
        scope,
        values,
        name,
    )?;
    scope.budget.set_oversized(name, value.is_none());
    let end = value_range.end.max(name_range.end);
    Ok(Some(Entry {
        name: name.to_string(),
        span: b.origin(entry_start..end),
        name_span: b.origin(name_range),
        raw_value: b.origin(value_range),
        value,
        quirks,
    }))
}

/// PHP `trim`: spaces, tabs, newlines, NUL and vertical tabs on both ends.
fn trim_range(text: &str, range: Range<usize>) -> Range<usize> {
    let is_trim = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\0' | '\x0B');
    let s = &text[range.clone()];
    let start = range.start + (s.len() - s.trim_start_matches(is_trim).len());
    let end = range.start + s.trim_end_matches(is_trim).len();
    start..end.max(start)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Initial,
    Unquoted,
    SingleQuoted,
    DoubleQuoted,
    Escape,
    /// v3: after `\` in single quotes.
    SingleEscape,
    Whitespace,
    Comment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Newlines,
    Space,
    Backslash,
    Single,
    Double,
    Hash,
    Dollar,
    Other,
}

/// `Dotenv\Parser\Lexer`: newline runs, whitespace runs, `\`, `'`, `"`, `#`, `$`, other runs.
fn lex(text: &str, range: Range<usize>) -> Vec<(Token, Range<usize>)> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = range.start;
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\x0B' | b'\x0C');
    while i < range.end {
        let c = bytes[i];
        let start = i;
        let kind = match c {
            b'\n' | b'\r' => {
                while i < range.end && matches!(bytes[i], b'\n' | b'\r') {
                    i += 1;
                }
                Token::Newlines
            }
            c if is_space(c) => {
                while i < range.end && is_space(bytes[i]) {
                    i += 1;
                }
                Token::Space
            }
            b'\\' | b'\'' | b'"' | b'#' | b'$' => {
                i += 1;
                match c {
                    b'\\' => Token::Backslash,
                    b'\'' => Token::Single,
                    b'"' => Token::Double,
                    b'#' => Token::Hash,
                    _ => Token::Dollar,
                }
            }
            _ => {
                while i < range.end
                    && !matches!(bytes[i], b'\\' | b'\'' | b'"' | b'#' | b'$' | b'\n' | b'\r')
                    && !is_space(bytes[i])
                {
                    i += 1;
                }
                Token::Other
            }
        };
        tokens.push((kind, start..i));
    }
    tokens
}

/// `EntryParser::parseValue` and `Resolver::resolve` (and their v3 and v4 forerunners). The
/// value is `None` when expansion made it too large (see [`super::MAX_EXPANDED_VALUE`]).
fn parse_value(
    version: Version,
    b: &TraceBuilder,
    range: Range<usize>,
    line_start: usize,
    scope: &Scope,
    values: &HashMap<String, Traced>,
    name: &str,
) -> ParseResult<(Option<Traced>, Vec<Quirk>)> {
    let text = &b.norm.text;
    let subject = text[line_start..range.end]
        .lines()
        .next()
        .unwrap_or_default();
    let mut quirks = Vec::new();
    if range.is_empty() {
        return Ok((Some(Traced::new()), quirks));
    }
    let mut out = Traced::new();
    let mut vars = Vec::new();
    let mut state = State::Initial;
    let mut escape_start = 0;
    for (token, r) in lex(text, range.clone()) {
        let t = &text[r.clone()];
        let is_space = matches!(token, Token::Space | Token::Newlines);
        state = match (state, token) {
            (State::Initial, Token::Single) => State::SingleQuoted,
            (State::Initial, Token::Double) => State::DoubleQuoted,
            (State::Initial | State::Unquoted, Token::Hash) => {
                // `NAME=#x` (no space before `#`) or `NAME=pa#ss`: a comment anyway.
                let glued = state == State::Unquoted || !text[..r.start].ends_with([' ', '\t']);
                let dropped = text[r.start..range.end].to_string();
                if glued && dropped.len() > 1 {
                    quirks.push(Quirk::CutByHash {
                        at: b.origin(r.start..range.end),
                        dropped,
                    });
                }
                State::Comment
            }
            (State::Initial | State::Unquoted, Token::Dollar) => {
                if version != Version::V3 {
                    vars.push(out.len());
                }
                out.append(&b.exact(r));
                State::Unquoted
            }
            (State::Unquoted, _) if is_space => State::Whitespace,
            (State::Initial | State::Unquoted, _) => {
                out.append(&b.exact(r));
                State::Unquoted
            }
            (State::SingleQuoted, Token::Single) => State::Whitespace,
            (State::SingleQuoted, Token::Backslash) if version == Version::V3 => {
                escape_start = r.start;
                State::SingleEscape
            }
            (State::SingleEscape, Token::Single | Token::Backslash) => {
                out.append(&b.derived(t, escape_start..r.end));
                State::SingleQuoted
            }
            (State::SingleEscape, _) => {
                return fail("an unexpected escape sequence", subject, escape_start);
            }
            (State::SingleQuoted, _) => {
                out.append(&b.exact(r));
                State::SingleQuoted
            }
            (State::DoubleQuoted, Token::Double) => State::Whitespace,
            (State::DoubleQuoted, Token::Backslash) => {
                escape_start = r.start;
                State::Escape
            }
            (State::DoubleQuoted, Token::Dollar) => {
                if version != Version::V3 {
                    vars.push(out.len());
                }
                out.append(&b.exact(r));
                State::DoubleQuoted
            }
            (State::DoubleQuoted, _) => {
                out.append(&b.exact(r));
                State::DoubleQuoted
            }
            (State::Escape, Token::Double | Token::Backslash) => {
                out.append(&b.derived(t, escape_start..r.end));
                State::DoubleQuoted
            }
            (State::Escape, Token::Dollar) if version != Version::V3 => {
                out.append(&b.derived(t, escape_start..r.end));
                State::DoubleQuoted
            }
            (State::Escape, _) if version == Version::V3 => {
                return fail("an unexpected escape sequence", subject, escape_start);
            }
            (State::Escape, _) => {
                let escaped = match t.as_bytes().first() {
                    Some(b'f') => "\x0C",
                    Some(b'n') => "\n",
                    Some(b'r') => "\r",
                    Some(b't') => "\t",
                    Some(b'v') => "\x0B",
                    _ => return fail("an unexpected escape sequence", subject, escape_start),
                };
                out.append(&b.derived(escaped, escape_start..r.start + 1));
                if t.len() > 1 {
                    out.append(&b.exact(r.start + 1..r.end));
                }
                State::DoubleQuoted
            }
            (State::Whitespace, Token::Hash) => State::Comment,
            (State::Whitespace, _) if is_space => State::Whitespace,
            (State::Whitespace, _) => {
                return fail("unexpected whitespace", subject, r.start);
            }
            (State::Comment, _) => State::Comment,
        };
    }
    // v3 and v4 end an unclosed quote silently with the line.
    if version == Version::V5
        && matches!(
            state,
            State::SingleQuoted | State::DoubleQuoted | State::Escape
        )
    {
        return fail("a missing closing quote", subject, range.start);
    }
    if version == Version::V3 {
        // `resolveNestedVariables`: one left-to-right pass of `\$\{[a-zA-Z0-9_.]+\}` over the
        // whole value, quoted or not.
        vars = braced_references(out.as_str());
    }
    let resolved = resolve(out, &vars, scope, values, name, &mut quirks);
    Ok((resolved, quirks))
}

/// Where each `${NAME}` starts, left to right, not overlapping.
fn braced_references(value: &str) -> Vec<usize> {
    let bytes = value.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(at) = value[i..].find("${").map(|p| p + i) {
        let len = bytes[at + 2..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'.')
            .count();
        if len > 0 && bytes.get(at + 2 + len) == Some(&b'}') {
            found.push(at);
            i = at + 3 + len;
        } else {
            i = at + 1;
        }
    }
    found
}

/// Replaces `${NAME}` at each recorded `$`, from the last to the first, like
/// `Resolver::resolve`. Undefined names stay as written. A reference is matched against the
/// text after it as already resolved (a replacement may close a `${` before it, as in PHP),
/// which is kept as pieces in reverse order so no step copies the whole value: linear time.
/// `None` when the value grows too large (a [`Quirk::TooLarge`] says where).
fn resolve(
    value: Traced,
    vars: &[usize],
    scope: &Scope,
    values: &HashMap<String, Traced>,
    name: &str,
    quirks: &mut Vec<Quirk>,
) -> Option<Traced> {
    let text = value.as_str();
    // `value[..end]` is unchanged; `tail` (last piece first) is what follows, resolved.
    let mut end = text.len();
    let mut tail: Vec<Traced> = Vec::new();
    let mut tail_len = 0;
    for &at in vars.iter().rev() {
        if at >= end {
            continue;
        }
        // The text from `at` on: the unchanged part, then the resolved tail.
        let mut ahead = text.as_bytes()[at..end]
            .iter()
            .chain(tail.iter().rev().flat_map(|t| t.as_str().as_bytes()));
        if ahead.next() != Some(&b'$') || ahead.next() != Some(&b'{') {
            continue;
        }
        let mut var = String::new();
        let closed = loop {
            match ahead.next() {
                Some(&c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' => {
                    var.push(c as char)
                }
                Some(b'}') => break true,
                _ => break false,
            }
        };
        if var.is_empty() || !closed {
            continue;
        }
        // The reference, and how much of it is in the tail.
        let ref_len = var.len() + 3;
        let own = (end - at).min(ref_len);
        let mut reference = value.slice(at..at + own);
        let mut from_tail = ref_len - own;
        while from_tail > 0 {
            let Some(first) = tail.pop() else { break };
            let take = from_tail.min(first.len());
            reference.append(&first.slice(0..take));
            if take < first.len() {
                tail.push(first.slice(take..first.len()));
            }
            tail_len -= take;
            from_tail -= take;
        }
        let suffix = value.slice(at + own..end);
        let replacement = match scope.process.get(&var) {
            Some(v) => match reference.origin() {
                Some(origin) => Some(Traced::derived(v.clone(), origin)),
                None => Some(Traced::detached(v.clone())),
            },
            None => values
                .get(&var)
                .or_else(|| scope.earlier.get(&var))
                .cloned(),
        };
        let Some(replacement) = replacement else {
            if scope.budget.is_oversized(&var) {
                // Too large to expand itself: this value is unknown too (no new finding).
                return None;
            }
            if let Some(origin) = reference.origin() {
                quirks.push(Quirk::UndefinedVariable {
                    at: origin,
                    name: var,
                });
            }
            // Left as written: back into the tail, in one piece with what follows it.
            let mut kept = reference;
            kept.append(&suffix);
            tail_len += kept.len();
            tail.push(kept);
            end = at;
            continue;
        };
        let grown = at + replacement.len() + suffix.len() + tail_len;
        if let Err(why) = scope.budget.spend(replacement.len(), grown) {
            let origin = reference.origin().or_else(|| value.origin());
            if let Some(origin) = origin {
                quirks.push(too_large(origin, name, why));
            }
            return None;
        }
        if let Some(origin) = reference.origin() {
            quirks.push(Quirk::Expanded {
                at: origin,
                name: var,
            });
        }
        tail_len += suffix.len() + replacement.len();
        tail.push(suffix);
        tail.push(replacement);
        end = at;
    }
    let mut out = value.slice(0..end);
    for piece in tail.iter().rev() {
        out.append(piece);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_with(text: &str, process: &[(&str, &str)]) -> Result<Vec<Entry>, DotenvError> {
        super::super::parse_in_process(parse, text, process)
    }

    fn values(text: &str) -> Vec<(String, String)> {
        parse_with(text, &[])
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.value.unwrap().as_str().to_string()))
            .collect()
    }

    fn value(text: &str) -> String {
        values(text).pop().unwrap().1
    }

    #[test]
    fn expansion_stops_at_the_value_cap_with_a_located_quirk() {
        let mut text = crate::lint::adversarial::doubling_lines(22);
        text.push_str("B=\"${A22}-ok\"\nC=small\n");
        for version in [Version::V3, Version::V4, Version::V5] {
            let entries = parse_as(
                version,
                &text,
                0,
                &Scope {
                    process: &HashMap::new(),
                    earlier: &HashMap::new(),
                    budget: &Default::default(),
                },
            )
            .unwrap();
            assert_eq!(entries[12].value.as_ref().unwrap().len(), 64 * 1024);
            assert!(entries[13..=23].iter().all(|e| e.value.is_none()));
            let (at, message) = super::super::the_too_large_quirk(&entries);
            assert!(
                message.starts_with("A13: the value grows past 64 KiB"),
                "{message}"
            );
            // The first reference replaced (from the end, as phpdotenv does) is the second.
            assert_eq!(&text[at.span.clone()], "${A12}");
            assert_eq!(entries[24].value.as_ref().unwrap().as_str(), "small");
        }
    }

    #[test]
    fn a_replacement_can_close_an_earlier_reference_as_in_php() {
        // Replaced from the last to the first: `${B}` becomes `}`, which closes `${A`.
        assert_eq!(value("A=x\nB=}\nC=\"${A${B}\""), "x");
        assert_eq!(value("A=x\nC=\"${A}${A}-${A}\""), "xx-x");
        assert_eq!(value("C=\"${NOPE}-${NOPE\""), "${NOPE}-${NOPE");
    }

    #[test]
    fn quoting() {
        assert_eq!(value("A=plain"), "plain");
        assert_eq!(value("A='single $x \\n #no'"), "single $x \\n #no");
        assert_eq!(value("A=\"dq \\\"x\\\" \\n\""), "dq \"x\" \n");
        assert_eq!(value("A=\"a\" # comment"), "a");
        assert_eq!(value("A="), "");
        assert_eq!(value("A=  spaced  "), "spaced");
    }

    #[test]
    fn hash_in_an_unquoted_value_always_starts_a_comment() {
        let entries = parse_with("MAIL_PASSWORD=pa#ss\n", &[]).unwrap();
        assert_eq!(entries[0].value.as_ref().unwrap().as_str(), "pa");
        assert!(matches!(
            &entries[0].quirks[..],
            [Quirk::CutByHash { dropped, .. }] if dropped == "#ss"
        ));
        // A comment after whitespace is not a quirk.
        let entries = parse_with("A=b # note\n", &[]).unwrap();
        assert!(entries[0].quirks.is_empty());
        assert_eq!(value("A='pa#ss'"), "pa#ss");
    }

    #[test]
    fn export_comments_and_blank_lines() {
        assert_eq!(
            values("# c\n\nexport  A=1\n  B=2 # two\n'C'=3\n"),
            vec![
                ("A".into(), "1".into()),
                ("B".into(), "2".into()),
                ("C".into(), "3".into())
            ]
        );
    }

    #[test]
    fn only_braced_variables_interpolate() {
        // Quotes inside an unquoted value are plain text.
        assert_eq!(value("A=x\nB=${A}-'${A}'"), "x-'x'");
        let entries = parse_with("A=x\nB=${A}-$A\nC=\"${A}\"\nD=${NOPE}\n", &[]).unwrap();
        let v: Vec<&str> = entries
            .iter()
            .map(|e| e.value.as_ref().unwrap().as_str())
            .collect();
        assert_eq!(v, vec!["x", "x-$A", "x", "${NOPE}"]);
        assert!(matches!(
            &entries[3].quirks[..],
            [Quirk::UndefinedVariable { name, .. }] if name == "NOPE"
        ));
    }

    #[test]
    fn process_environment_wins_in_interpolation() {
        let entries = parse_with("A=file\nB=${A}\n", &[("A", "process")]).unwrap();
        assert_eq!(entries[1].value.as_ref().unwrap().as_str(), "process");
    }

    #[test]
    fn errors_name_the_problem() {
        let err = parse_with("A=1\nB=foo bar\n", &[]).unwrap_err();
        assert_eq!(
            err.message,
            "Failed to parse dotenv file. Encountered unexpected whitespace at [B=foo bar]."
        );
        assert_eq!(err.offset, 10);
        let err = parse_with("A=\"open\n", &[]);
        // An unterminated multi-line value swallows the rest of the file.
        assert!(err.unwrap().is_empty());
        let err = parse_with("A='open\n", &[]).unwrap_err();
        assert!(err.message.contains("missing closing quote"), "{err:?}");
        let err = parse_with("B-C=1\n", &[]).unwrap_err();
        assert!(err.message.contains("invalid name"), "{err:?}");
        let err = parse_with("A=\"\\q\"\n", &[]).unwrap_err();
        assert!(err.message.contains("unexpected escape"), "{err:?}");
    }

    fn value_as(version: Version, text: &str) -> Result<String, String> {
        let (process, earlier) = (HashMap::new(), HashMap::new());
        let scope = Scope {
            process: &process,
            earlier: &earlier,
            budget: &Default::default(),
        };
        parse_as(version, text, 0, &scope)
            .map(|e| {
                e.last()
                    .unwrap()
                    .value
                    .as_ref()
                    .unwrap()
                    .as_str()
                    .to_string()
            })
            .map_err(|e| e.message)
    }

    #[test]
    fn laravel_6_reads_v3_and_laravel_7_reads_v4() {
        use Version::*;
        // v3: single quotes escape `\'` and `\\` and interpolate; double quotes know `\"` and
        // `\\` only; `$` is never escaped.
        assert_eq!(value_as(V3, r"A='it\'s \\ ok'"), Ok(r"it's \ ok".into()));
        assert_eq!(value_as(V3, "A=x\nB='${A}y'"), Ok("xy".into()));
        assert_eq!(value_as(V3, "A=x\nB=\"${A}\\\\\""), Ok("x\\".into()));
        let err = value_as(V3, r#"A="a\nb""#).unwrap_err();
        assert_eq!(
            err,
            r#"Failed to parse dotenv file due to an unexpected escape sequence. Failed at [A="a\nb"]."#
        );
        assert!(value_as(V3, r"A='a\qb'").is_err());
        assert!(value_as(V3, r#"A="\$x""#).is_err());
        // Not nested: one pass, left to right.
        assert_eq!(value_as(V3, "B=b\nAb=no\nC=${A${B}}"), Ok("${Ab}".into()));
        assert_eq!(value_as(V5, "B=b\nAb=yes\nC=${A${B}}"), Ok("yes".into()));
        // v4 and v5: single quotes are literal, `\$` and `\n` escape in double quotes.
        for v in [V4, V5] {
            assert_eq!(value_as(v, r"A='a\b'"), Ok(r"a\b".into()));
            assert_eq!(value_as(v, "A=x\nB='${A}'"), Ok("${A}".into()));
            assert_eq!(value_as(v, r#"A="\$x\n""#), Ok("$x\n".into()));
        }
        // An unclosed quote: taken up to the end of the line before v5, an error in v5.
        assert_eq!(value_as(V3, "A='open"), Ok("open".into()));
        assert_eq!(value_as(V4, "A='open"), Ok("open".into()));
        assert!(value_as(V5, "A='open").is_err());
        // `#` ends an unquoted value in all three.
        for v in [V3, V4, V5] {
            assert_eq!(value_as(v, "A=pa#ss"), Ok("pa".into()));
        }
        assert!(
            value_as(V4, "A=a b")
                .unwrap_err()
                .contains("due to unexpected whitespace")
        );
    }

    #[test]
    fn the_version_comes_from_the_lock() {
        assert_eq!(Version::for_app(None, Some(6)), Version::V3);
        assert_eq!(Version::for_app(None, Some(7)), Version::V4);
        assert_eq!(Version::for_app(None, Some(8)), Version::V5);
        assert_eq!(Version::for_app(None, None), Version::V5);
        // vlucas/phpdotenv in composer.lock wins over what the framework requires.
        assert_eq!(Version::for_app(Some(5), Some(6)), Version::V5);
        assert_eq!(Version::for_app(Some(3), Some(12)), Version::V3);
    }

    #[test]
    fn multiline_values_and_positions() {
        let text = "A=\"line1\nline2\"\nB=after\n";
        let entries = parse_with(text, &[]).unwrap();
        assert_eq!(entries[0].value.as_ref().unwrap().as_str(), "line1\nline2");
        assert_eq!(entries[1].name, "B");
        let b = &entries[1];
        assert_eq!(&text[b.raw_value.span.clone()], "after");
        let v = b.value.as_ref().unwrap();
        assert_eq!(&text[v.origin().unwrap().span], "after");
    }

    #[test]
    fn crlf_files_keep_byte_offsets() {
        let text = "A=1\r\nMAIL_PASSWORD=secret\r\n";
        let entries = parse_with(text, &[]).unwrap();
        let v = entries[1].value.as_ref().unwrap();
        assert_eq!(&text[v.origin().unwrap().span], "secret");
    }
}
