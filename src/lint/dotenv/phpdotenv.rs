//! vlucas/phpdotenv v5, as Laravel loads it (`Dotenv\Parser\{Lines, EntryParser, Lexer}` and
//! `Dotenv\Loader\Resolver`).
//!
//! What surprises people: in an unquoted value `#` always starts a comment (`pa#ss` is `pa`);
//! only `${NAME}` is interpolated (not `$NAME`), and an undefined one is left as is; single
//! quotes are literal; an unquoted value with a space is an error.

use std::collections::HashMap;
use std::ops::Range;

use super::{DotenvError, Entry, Normalized, Quirk, Scope, TraceBuilder};
use crate::lint::files::FileId;
use crate::lint::traced::Traced;

/// Parses a whole file. `scope` resolves `${NAME}` for names the file has not set yet.
pub fn parse(text: &str, file: FileId, scope: &Scope) -> Result<Vec<Entry>, DotenvError> {
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
            parse_entry(&builder, range, scope, &values).map_err(|(message, at)| DotenvError {
                message: format!("Failed to parse dotenv file. Encountered {message}."),
                offset: norm.offset(at),
            })?;
        if let Some(entry) = entry {
            if let Some(value) = &entry.value {
                values.insert(entry.name.clone(), value.clone());
            }
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

type ParseResult<T> = Result<T, (String, usize)>;

fn parse_entry(
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
        return Err((
            format!("an unexpected equals at [{first_line}]"),
            range.start,
        ));
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
        return Err((format!("an invalid name at [{name}]"), name_range.start));
    }
    let Some(value_range) = value_range else {
        // `NAME` alone: phpdotenv defines the name with no value; Laravel's env() sees null.
        return Ok(None);
    };
    let (value, quirks) = parse_value(b, value_range.clone(), range.start, scope, values)?;
    let end = value_range.end.max(name_range.end);
    Ok(Some(Entry {
        name: name.to_string(),
        span: b.origin(entry_start..end),
        name_span: b.origin(name_range),
        raw_value: b.origin(value_range),
        value: Some(value),
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

/// `EntryParser::parseValue` and `Resolver::resolve`.
fn parse_value(
    b: &TraceBuilder,
    range: Range<usize>,
    line_start: usize,
    scope: &Scope,
    values: &HashMap<String, Traced>,
) -> ParseResult<(Traced, Vec<Quirk>)> {
    let text = &b.norm.text;
    let subject = text[line_start..range.end]
        .lines()
        .next()
        .unwrap_or_default();
    let mut quirks = Vec::new();
    if range.is_empty() {
        return Ok((Traced::new(), quirks));
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
                vars.push(out.len());
                out.append(&b.exact(r));
                State::Unquoted
            }
            (State::Unquoted, _) if is_space => State::Whitespace,
            (State::Initial | State::Unquoted, _) => {
                out.append(&b.exact(r));
                State::Unquoted
            }
            (State::SingleQuoted, Token::Single) => State::Whitespace,
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
                vars.push(out.len());
                out.append(&b.exact(r));
                State::DoubleQuoted
            }
            (State::DoubleQuoted, _) => {
                out.append(&b.exact(r));
                State::DoubleQuoted
            }
            (State::Escape, Token::Double | Token::Backslash | Token::Dollar) => {
                out.append(&b.derived(t, escape_start..r.end));
                State::DoubleQuoted
            }
            (State::Escape, _) => {
                let escaped = match t.as_bytes().first() {
                    Some(b'f') => "\x0C",
                    Some(b'n') => "\n",
                    Some(b'r') => "\r",
                    Some(b't') => "\t",
                    Some(b'v') => "\x0B",
                    _ => {
                        return Err((
                            format!("an unexpected escape sequence at [{subject}]"),
                            escape_start,
                        ));
                    }
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
                return Err((format!("unexpected whitespace at [{subject}]"), r.start));
            }
            (State::Comment, _) => State::Comment,
        };
    }
    if matches!(
        state,
        State::SingleQuoted | State::DoubleQuoted | State::Escape
    ) {
        return Err((
            format!("a missing closing quote at [{subject}]"),
            range.start,
        ));
    }
    let resolved = resolve(out, &vars, scope, values, &mut quirks);
    Ok((resolved, quirks))
}

/// Replaces `${NAME}` at each recorded `$`, from the last to the first, like
/// `Resolver::resolve`. Undefined names stay as written.
fn resolve(
    mut value: Traced,
    vars: &[usize],
    scope: &Scope,
    values: &HashMap<String, Traced>,
    quirks: &mut Vec<Quirk>,
) -> Traced {
    for &at in vars.iter().rev() {
        let rest = &value.as_str()[at..];
        let Some(inner) = rest.strip_prefix("${") else {
            continue;
        };
        let len = inner
            .bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
            .count();
        if len == 0 || inner.as_bytes().get(len) != Some(&b'}') {
            continue;
        }
        let name = inner[..len].to_string();
        let end = at + 2 + len + 1;
        let reference = value.slice(at..end);
        let replacement = match scope.process.get(&name) {
            Some(v) => match reference.origin() {
                Some(origin) => Some(Traced::derived(v.clone(), origin)),
                None => Some(Traced::detached(v.clone())),
            },
            None => values
                .get(&name)
                .or_else(|| scope.earlier.get(&name))
                .cloned(),
        };
        match replacement {
            Some(replacement) => {
                if let Some(origin) = reference.origin() {
                    quirks.push(Quirk::Expanded { at: origin, name });
                }
                let mut next = value.slice(0..at);
                next.append(&replacement);
                next.append(&value.slice(end..value.len()));
                value = next;
            }
            None => {
                if let Some(origin) = reference.origin() {
                    quirks.push(Quirk::UndefinedVariable { at: origin, name });
                }
            }
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_with(text: &str, process: &[(&str, &str)]) -> Result<Vec<Entry>, DotenvError> {
        let process: HashMap<String, String> = process
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let earlier = HashMap::new();
        parse(
            text,
            0,
            &Scope {
                process: &process,
                earlier: &earlier,
            },
        )
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
