//! symfony/dotenv (`Symfony\Component\Dotenv\Dotenv::parse`), as Symfony apps load `.env` files.
//!
//! What surprises people: `#` starts a comment only after whitespace (`pa#ss` is kept whole);
//! `$NAME`, `${NAME}` and `${NAME:-default}` are interpolated in unquoted and double-quoted
//! values, and an undefined name becomes an empty string (`pa$word` is `pa`); `$(command)` runs
//! a shell command; single quotes are literal; a value with a space must be quoted.

use std::collections::HashMap;
use std::ops::Range;

use super::{DotenvError, Entry, Normalized, Quirk, Scope, TraceBuilder, replace_all, too_large};
use crate::formats::span::{FileId, Origin};
use crate::formats::traced::Traced;

pub fn parse(text: &str, file: FileId, scope: &Scope) -> Result<Vec<Entry>, DotenvError> {
    let norm = Normalized::new(text);
    let mut lexer = Lexer {
        b: TraceBuilder { norm: &norm, file },
        data: norm.text.as_bytes(),
        cursor: 0,
        scope,
        values: HashMap::new(),
        oversized: false,
    };
    let mut entries = Vec::new();
    lexer.skip_empty_lines();
    while lexer.cursor < lexer.data.len() {
        let start = lexer.cursor;
        let (name, name_range) = lexer.lex_varname().map_err(|e| lexer.error(e))?;
        let value_start = lexer.cursor;
        let (value, quirks, value_end) = lexer.lex_value(&name).map_err(|e| lexer.error(e))?;
        if let Some(value) = &value {
            lexer.values.insert(name.clone(), value.clone());
        } else {
            lexer.values.remove(&name);
        }
        scope.budget.set_oversized(&name, lexer.oversized);
        entries.push(Entry {
            name,
            span: lexer.b.origin(start..value_end),
            name_span: lexer.b.origin(name_range),
            raw_value: lexer.b.origin(value_start..value_end),
            value,
            quirks,
        });
    }
    Ok(entries)
}

struct LexError {
    message: String,
    at: Option<usize>,
}

impl LexError {
    fn new(message: impl Into<String>) -> Self {
        LexError {
            message: message.into(),
            at: None,
        }
    }
}

struct Lexer<'a> {
    b: TraceBuilder<'a>,
    data: &'a [u8],
    cursor: usize,
    scope: &'a Scope<'a>,
    /// Values set so far in this file.
    values: HashMap<String, Traced>,
    /// Whether the value being read grew too large to expand (it is then unknown).
    oversized: bool,
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic()
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl Lexer<'_> {
    fn text(&self) -> &str {
        &self.b.norm.text
    }

    fn peek(&self, at: usize) -> Option<u8> {
        self.data.get(at).copied()
    }

    fn error(&self, e: LexError) -> DotenvError {
        DotenvError {
            cause: e.message.clone(),
            message: e.message,
            offset: self
                .b
                .norm
                .offset(e.at.unwrap_or(self.cursor).min(self.data.len())),
        }
    }

    /// `(?:\s*+(?:#[^\n]*+)?+)++`
    fn skip_empty_lines(&mut self) {
        loop {
            let before = self.cursor;
            while self
                .peek(self.cursor)
                .is_some_and(|c| c.is_ascii_whitespace() || c == b'\x0B')
            {
                self.cursor += 1;
            }
            if self.peek(self.cursor) == Some(b'#') {
                while self.peek(self.cursor).is_some_and(|c| c != b'\n') {
                    self.cursor += 1;
                }
            }
            if self.cursor == before {
                return;
            }
        }
    }

    /// Length of `_?[A-Z][A-Z0-9_]*` (case-insensitive) at `at`.
    fn name_len(&self, at: usize) -> usize {
        let mut i = at;
        if self.peek(i) == Some(b'_') {
            i += 1;
        }
        if !self.peek(i).is_some_and(is_name_start) {
            return 0;
        }
        while self.peek(i).is_some_and(is_name_char) {
            i += 1;
        }
        i - at
    }

    fn lex_varname(&mut self) -> Result<(String, Range<usize>), LexError> {
        let mut at = self.cursor;
        let mut exported = false;
        if self.data[at..].starts_with(b"export") {
            let mut i = at + 6;
            while matches!(self.peek(i), Some(b' ' | b'\t')) {
                i += 1;
            }
            if i > at + 6 {
                at = i;
                exported = true;
            }
        }
        let len = self.name_len(at);
        if len == 0 {
            return Err(LexError::new("Invalid character in variable name"));
        }
        let name_range = at..at + len;
        self.cursor = name_range.end;
        match self.peek(self.cursor) {
            None | Some(b'\n' | b'#') => Err(LexError::new(if exported {
                "Unable to unset an environment variable"
            } else {
                "Missing = in the environment variable declaration"
            })),
            Some(b' ' | b'\t') => Err(LexError::new(
                "Whitespace characters are not supported after the variable name",
            )),
            Some(b'=') => {
                self.cursor += 1;
                Ok((self.text()[name_range.clone()].to_string(), name_range))
            }
            Some(_) => Err(LexError::new(
                "Missing = in the environment variable declaration",
            )),
        }
    }

    /// Returns the value (`None` when it runs a command), its quirks and where it ends.
    fn lex_value(&mut self, name: &str) -> Result<(Option<Traced>, Vec<Quirk>, usize), LexError> {
        let mut quirks = Vec::new();
        self.oversized = false;
        // `[ \t]*+(?:#.*)?$`: nothing but an optional comment.
        let line_end = self.data[self.cursor..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(self.data.len(), |i| self.cursor + i);
        let rest = self.text()[self.cursor..line_end].trim_start_matches([' ', '\t']);
        if rest.is_empty() || rest.starts_with('#') {
            let end = self.cursor;
            self.cursor = line_end;
            self.skip_empty_lines();
            return Ok((Some(Traced::new()), quirks, end));
        }
        if matches!(self.peek(self.cursor), Some(b' ' | b'\t')) {
            return Err(LexError::new(
                "Whitespace are not supported before the value",
            ));
        }
        let mut value = Traced::new();
        let mut opaque = false;
        loop {
            match self.peek(self.cursor) {
                Some(b'\'') => {
                    let open = self.cursor;
                    let Some(len) = self.data[open + 1..].iter().position(|&c| c == b'\'') else {
                        self.cursor = self.data.len();
                        return Err(LexError::new("Missing quote to end the value"));
                    };
                    value.append(&self.b.exact(open + 1..open + 1 + len));
                    self.cursor = open + len + 2;
                }
                Some(b'"') => {
                    let open = self.cursor;
                    self.cursor += 1;
                    if self.cursor == self.data.len() {
                        return Err(LexError::new("Missing quote to end the value"));
                    }
                    while self.data[self.cursor] != b'"'
                        || (self.data[self.cursor - 1] == b'\\'
                            && self.data[self.cursor - 2] != b'\\')
                    {
                        self.cursor += 1;
                        if self.cursor == self.data.len() {
                            return Err(LexError::new("Missing quote to end the value"));
                        }
                    }
                    let raw = self.b.exact(open + 1..self.cursor);
                    self.cursor += 1;
                    let raw = replace_all(&raw, "\\\"", "\"");
                    let raw = replace_all(&raw, "\\r", "\r");
                    let raw = replace_all(&raw, "\\n", "\n");
                    let (resolved, runs_command) =
                        self.resolve(&raw, name, value.len(), &mut quirks)?;
                    opaque |= runs_command;
                    value.append(&replace_all(&resolved, "\\\\", "\\"));
                }
                _ => {
                    let start = self.cursor;
                    let mut raw = Traced::new();
                    let mut prev = self.data[self.cursor - 1];
                    while let Some(c) = self.peek(self.cursor) {
                        if matches!(c, b'\n' | b'"' | b'\'')
                            || (matches!(prev, b' ' | b'\t') && c == b'#')
                        {
                            break;
                        }
                        if c == b'\\' && matches!(self.peek(self.cursor + 1), Some(b'"' | b'\'')) {
                            let q = self.data[self.cursor + 1] as char;
                            raw.append(
                                &self.b.derived(&q.to_string(), self.cursor..self.cursor + 2),
                            );
                            prev = q as u8;
                            self.cursor += 2;
                            continue;
                        }
                        let from = self.cursor;
                        if c == b'$' && self.peek(self.cursor + 1) == Some(b'(') {
                            self.cursor += 1;
                            self.lex_nested_expression()?;
                        }
                        let ch_len = self.text()[from..].chars().next().map_or(1, char::len_utf8);
                        let to = (self.cursor + 1).max(from + ch_len);
                        raw.append(&self.b.exact(from..to));
                        prev = self.data[to - 1];
                        self.cursor = to;
                    }
                    let trimmed = raw
                        .as_str()
                        .trim_end_matches([' ', '\t', '\n', '\r', '\0', '\x0B'])
                        .len();
                    let raw = raw.slice(0..trimmed);
                    let (resolved, runs_command) =
                        self.resolve(&raw, name, value.len(), &mut quirks)?;
                    opaque |= runs_command;
                    let resolved = replace_all(&resolved, "\\\\", "\\");
                    if !runs_command
                        && resolved == raw
                        && raw.as_str().contains(|c: char| c.is_whitespace())
                    {
                        return Err(LexError {
                            message: "A value containing spaces must be surrounded by quotes"
                                .into(),
                            at: Some(start),
                        });
                    }
                    value.append(&resolved);
                    if self.peek(self.cursor) == Some(b'#') {
                        // `pa #ss` is `pa` and a comment; a "comment" without spaces that
                        // reads like URL or secret text is more likely the rest of the value
                        // (`...ORx #lVa...@host:587`) than a note (`#prod`).
                        let hash = self.cursor;
                        let end = self.data[hash..]
                            .iter()
                            .position(|&c| c == b'\n')
                            .map_or(self.data.len(), |i| hash + i);
                        let dropped = self.text()[hash..end].trim_end_matches('\r');
                        if dropped.len() > 1
                            && !dropped.contains([' ', '\t'])
                            && looks_like_value(&dropped[1..])
                        {
                            quirks.push(Quirk::CutByHash {
                                at: self.b.origin(hash..hash + dropped.len()),
                                dropped: dropped.to_string(),
                            });
                        }
                        break;
                    }
                }
            }
            if self.cursor >= self.data.len() || self.data[self.cursor] == b'\n' {
                break;
            }
        }
        let end = self.value_end();
        self.skip_empty_lines();
        Ok(((!opaque && !self.oversized).then_some(value), quirks, end))
    }

    /// The end of the value just read, without a trailing comment or spaces.
    fn value_end(&self) -> usize {
        let text = self.text();
        let mut end = self.cursor.min(text.len());
        if self.peek(self.cursor) == Some(b'#') {
            end = self.cursor;
        }
        let before = &text[..end];
        before.trim_end_matches([' ', '\t']).len()
    }

    /// Moves to the `)` that closes the `(` at the cursor (`lexNestedExpression`, which
    /// recurses; counted here, so deep nesting cannot overflow the stack).
    fn lex_nested_expression(&mut self) -> Result<(), LexError> {
        self.cursor += 1;
        let mut depth = 0usize;
        loop {
            match self.peek(self.cursor) {
                None | Some(b'\n') => return Err(LexError::new("Missing closing parenthesis.")),
                Some(b')') if depth == 0 => return Ok(()),
                Some(b')') => depth -= 1,
                Some(b'(') => depth += 1,
                Some(_) => {}
            }
            self.cursor += 1;
        }
    }

    /// `resolveCommands` then `resolveVariables`. Returns whether a command would run.
    fn resolve(
        &mut self,
        raw: &Traced,
        name: &str,
        before: usize,
        quirks: &mut Vec<Quirk>,
    ) -> Result<(Traced, bool), LexError> {
        let mut runs_command = false;
        let text = raw.as_str();
        let bytes = text.as_bytes();
        // Commands: `$(...)` with balanced parentheses, unless escaped with a backslash.
        let mut i = 0;
        let mut out = Traced::new();
        let mut last = 0;
        while let Some(found) = text[i..].find("$(") {
            let at = i + found;
            let mut depth = 0;
            let mut end = None;
            for (k, &c) in bytes.iter().enumerate().skip(at + 1) {
                match c {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(k + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let Some(end) = end else { break };
            if at > 0 && bytes[at - 1] == b'\\' {
                out.append(&raw.slice(last..at - 1));
                out.append(&raw.slice(at..end));
            } else {
                out.append(&raw.slice(last..end));
                runs_command = true;
                if let Some(origin) = raw.origin_of(at..end) {
                    quirks.push(Quirk::Command { at: origin });
                }
            }
            last = end;
            i = end;
        }
        out.append(&raw.slice(last..raw.len()));
        let resolved = self.resolve_variables(&out, name, before, quirks)?;
        Ok((resolved, runs_command))
    }

    /// `before`: the length of the value read so far (earlier quoted or unquoted parts).
    fn resolve_variables(
        &mut self,
        value: &Traced,
        name: &str,
        before: usize,
        quirks: &mut Vec<Quirk>,
    ) -> Result<Traced, LexError> {
        if self.oversized {
            return Ok(value.clone());
        }
        let text = value.as_str().to_string();
        let bytes = text.as_bytes();
        let mut out = Traced::new();
        let mut last = 0;
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] != b'$' {
                i += 1;
                continue;
            }
            let dollar = i;
            let mut start = dollar;
            while start > last && bytes[start - 1] == b'\\' {
                start -= 1;
            }
            // `(?<!\\)`: a backslash run that began before `last` cannot start a match.
            if start == last && start > 0 && bytes[start - 1] == b'\\' {
                i += 1;
                continue;
            }
            if bytes.get(dollar + 1) == Some(&b'(') {
                i += 1;
                continue;
            }
            let mut k = dollar + 1;
            let opening = bytes.get(k) == Some(&b'{');
            if opening {
                k += 1;
            }
            let name_len = {
                let mut j = k;
                if bytes.get(j) == Some(&b'_') {
                    j += 1;
                }
                if bytes.get(j).is_some_and(|c| is_name_start(*c)) {
                    while bytes.get(j).is_some_and(|c| is_name_char(*c)) {
                        j += 1;
                    }
                    j - k
                } else {
                    0
                }
            };
            let var = (name_len > 0).then(|| text[k..k + name_len].to_string());
            k += name_len;
            let mut default = None;
            if bytes.get(k) == Some(&b':') && matches!(bytes.get(k + 1), Some(b'-' | b'=')) {
                let d_start = k;
                k += 2;
                while bytes.get(k).is_some_and(|&c| c != b'}') {
                    k += 1;
                }
                default = Some(d_start..k);
            }
            let closing = bytes.get(k) == Some(&b'}');
            if closing {
                k += 1;
            }
            let end = k;
            let backslashes = dollar - start;
            out.append(&value.slice(last..start));
            if backslashes % 2 == 1 {
                out.append(&value.slice(start + 1..end));
            } else if let Some(var) = var {
                if opening && !closing {
                    return Err(LexError::new("Unclosed braces on variable expansion"));
                }
                let reference = value.slice(dollar..end);
                let origin = reference.origin();
                let mut resolved = self.lookup(&var, origin.as_ref());
                if resolved.is_none() && self.scope.budget.is_oversized(&var) {
                    // Too large to expand itself: this value is unknown too (no new finding).
                    self.oversized = true;
                    return Ok(out);
                }
                if let Some(r) = &resolved {
                    let grown = before + out.len() + r.len() + (value.len() - end);
                    if let Err(why) = self.scope.budget.spend(r.len(), grown) {
                        self.oversized = true;
                        let at = origin.clone().unwrap_or_else(|| self.b.origin(0..0));
                        quirks.push(too_large(at, name, why));
                        return Ok(out);
                    }
                }
                let is_empty = resolved.as_ref().is_none_or(Traced::is_empty);
                if !is_empty && let Some(origin) = &origin {
                    quirks.push(Quirk::Expanded {
                        at: origin.clone(),
                        name: var.clone(),
                    });
                }
                if is_empty && let Some(d) = &default {
                    let d_text = &text[d.clone()];
                    if let Some(bad) = d_text.chars().find(|c| "'\"{$".contains(*c)) {
                        return Err(LexError::new(format!(
                            "Unsupported character \"{bad}\" found in the default value of variable \"${var}\"."
                        )));
                    }
                    let default_value = value.slice(d.start + 2..d.end);
                    if d_text.as_bytes()[1] == b'=' {
                        self.values.insert(var.clone(), default_value.clone());
                    }
                    resolved = Some(default_value);
                }
                if resolved.is_none()
                    && let Some(origin) = &origin
                {
                    quirks.push(Quirk::UndefinedVariable {
                        at: origin.clone(),
                        name: var.clone(),
                    });
                }
                out.append(&value.slice(start..dollar));
                if let Some(resolved) = resolved {
                    out.append(&resolved);
                }
                if !opening && closing {
                    out.append(&value.slice(end - 1..end));
                }
            } else {
                out.append(&value.slice(start..end));
            }
            last = end;
            i = end.max(dollar + 1);
        }
        out.append(&value.slice(last..value.len()));
        Ok(out)
    }

    /// `resolveVariables` lookup order: this file's value when an earlier file set it too,
    /// then the process environment, then earlier files, then this file.
    fn lookup(&self, name: &str, at: Option<&Origin>) -> Option<Traced> {
        let own = self.values.get(name);
        let earlier = self.scope.earlier.get(name);
        if let (Some(own), Some(_)) = (own, earlier) {
            return Some(own.clone());
        }
        if let Some(v) = self.scope.process.get(name) {
            return Some(match at {
                Some(origin) => Traced::derived(v.clone(), origin.clone()),
                None => Traced::detached(v.clone()),
            });
        }
        earlier.or(own).cloned()
    }
}

/// Text that reads like the rest of a value rather than a one-word comment: URL punctuation,
/// or letters and digits mixed like a key or password.
fn looks_like_value(text: &str) -> bool {
    text.contains(['@', ':', '/', '=', '&', '%', '+', '?'])
        || (text.len() >= 8
            && text.bytes().any(|c| c.is_ascii_digit())
            && text.bytes().any(|c| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in(text: &str, process: &[(&str, &str)]) -> Result<Vec<Entry>, DotenvError> {
        super::super::parse_in_process(parse, text, process)
    }

    fn values(text: &str) -> Vec<(String, Option<String>)> {
        parse_in(text, &[])
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.value.map(|v| v.as_str().to_string())))
            .collect()
    }

    fn value(text: &str) -> String {
        values(text).pop().unwrap().1.unwrap()
    }

    #[test]
    fn hash_starts_a_comment_only_after_whitespace() {
        assert_eq!(value("A=pa#ss"), "pa#ss");
        assert_eq!(value("A=pass # comment"), "pass");
        assert_eq!(value("A='pa #ss'"), "pa #ss");
        // After a closing quote, `#` is not preceded by whitespace: it is text.
        assert_eq!(value("A=\"x\"#c"), "x#c");
        let entries = parse_in("A=smtp://u:p #ss@host:587\nB=x # a comment\n", &[]).unwrap();
        assert!(
            matches!(&entries[0].quirks[..], [Quirk::CutByHash { dropped, .. }] if dropped == "#ss@host:587"),
            "{:?}",
            entries[0].quirks
        );
        assert!(entries[1].quirks.is_empty(), "{:?}", entries[1].quirks);
        // A one-word note is a comment; letters and digits mixed read like a cut secret.
        let entries = parse_in("A=smtp://u:p@h:587 #prod\nB=ab #Xy7kQ2pLm9\n", &[]).unwrap();
        assert!(entries[0].quirks.is_empty(), "{:?}", entries[0].quirks);
        assert_eq!(entries[1].quirks.len(), 1, "{:?}", entries[1].quirks);
    }

    #[test]
    fn quoting_and_concatenation() {
        assert_eq!(value("A='$HOME \\n'"), "$HOME \\n");
        assert_eq!(value("A=\"a\\\"b\\nc\""), "a\"b\nc");
        assert_eq!(value("A=abc\"def\"'g h'"), "abcdefg h");
        assert_eq!(value("A=it\\'s"), "it's");
        assert_eq!(value("A="), "");
        assert_eq!(value("A=   # only a comment"), "");
        assert_eq!(value("A='multi\nline'"), "multi\nline");
        assert_eq!(value("export A=1"), "1");
    }

    #[test]
    fn variables_expand_and_undefined_ones_vanish() {
        let entries = parse_in(
            "A=x\nB=$A-${A}-\\$A\nC=pa$word\nD=${NOPE:-fallback}\nE=${F:=set}-$F\n",
            &[],
        )
        .unwrap();
        let v: Vec<String> = entries
            .iter()
            .map(|e| e.value.as_ref().unwrap().as_str().to_string())
            .collect();
        assert_eq!(v, vec!["x", "x-x-$A", "pa", "fallback", "set-set"]);
        assert!(matches!(
            &entries[2].quirks[..],
            [Quirk::UndefinedVariable { name, .. }] if name == "word"
        ));
        assert_eq!(value("A='$B'"), "$B");
    }

    #[test]
    fn process_environment_and_earlier_files() {
        let process: HashMap<String, String> = [("A".to_string(), "proc".to_string())].into();
        let earlier: HashMap<String, Traced> =
            [("B".to_string(), Traced::detached("early"))].into();
        let entries = parse(
            "A=file\nX=$A\nY=$B\nB=mine\nZ=$B\n",
            0,
            &Scope {
                process: &process,
                earlier: &earlier,
                budget: &Default::default(),
            },
        )
        .unwrap();
        let v: Vec<&str> = entries
            .iter()
            .map(|e| e.value.as_ref().unwrap().as_str())
            .collect();
        assert_eq!(v, vec!["file", "proc", "early", "mine", "mine"]);
    }

    #[test]
    fn commands_are_not_run() {
        let entries = parse_in("A=$(cat /run/secret)\n", &[]).unwrap();
        assert!(entries[0].value.is_none());
        assert!(matches!(&entries[0].quirks[..], [Quirk::Command { .. }]));
    }

    #[test]
    fn errors() {
        let err = |t: &str| parse_in(t, &[]).unwrap_err().message;
        assert_eq!(
            err("A=foo bar"),
            "A value containing spaces must be surrounded by quotes"
        );
        assert_eq!(
            err("A ="),
            "Whitespace characters are not supported after the variable name"
        );
        assert_eq!(err("A= b"), "Whitespace are not supported before the value");
        assert_eq!(err("A='x"), "Missing quote to end the value");
        assert_eq!(err("1A=x"), "Invalid character in variable name");
        assert_eq!(
            err("A"),
            "Missing = in the environment variable declaration"
        );
        assert_eq!(err("A=${B"), "Unclosed braces on variable expansion");
        let e = parse_in("A=1\nB=x y\n", &[]).unwrap_err();
        assert_eq!(e.offset, 6);
    }

    #[test]
    fn expansion_stops_at_the_value_cap_with_a_located_quirk() {
        let mut text = crate::lint::adversarial::doubling_lines(24);
        text.push_str("B=$A24-ok\nC=small\n");
        let entries = parse_in(&text, &[]).unwrap();
        // 16 bytes doubled 12 times is 64 KiB: A12 is the last value that fits.
        assert_eq!(entries[12].value.as_ref().unwrap().len(), 64 * 1024);
        assert!(entries[13].value.is_none());
        // One finding, where it grew too large; the values built on it are unknown too.
        let (at, message) = super::super::the_too_large_quirk(&entries);
        assert!(
            message.starts_with("A13: the value grows past 64 KiB"),
            "{message}"
        );
        assert_eq!(&text[at.span.clone()], "${A12}");
        assert!(entries[24].value.is_none() && entries[25].value.is_none());
        assert_eq!(entries[26].value.as_ref().unwrap().as_str(), "small");
    }

    #[test]
    fn expansion_stops_at_the_total_budget() {
        // Each line copies 60 KiB: under the value cap, over the total after 17 lines.
        let mut text = format!("A={}\n", "x".repeat(60 * 1024));
        for i in 0..40 {
            text.push_str(&format!("B{i}=$A\n"));
        }
        let entries = parse_in(&text, &[]).unwrap();
        let known = entries.iter().filter(|e| e.value.is_some()).count();
        assert_eq!(known, 1 + 17);
        let message = entries
            .iter()
            .flat_map(|e| &e.quirks)
            .find_map(|q| match q {
                Quirk::TooLarge { message, .. } => Some(message.clone()),
                _ => None,
            })
            .unwrap();
        assert!(message.contains("more than 1024 KiB in total"), "{message}");
    }

    #[test]
    fn deeply_nested_commands_do_not_overflow_the_stack() {
        let text = format!("A={}{}\n", "$(".repeat(200_000), ")".repeat(200_000));
        let entries = parse_in(&text, &[]).unwrap();
        assert!(entries[0].value.is_none());
    }

    #[test]
    fn positions_point_into_the_file() {
        let text = "# c\nMAILER_DSN=ses+smtp://AKIA:pass@default # prod\n";
        let entries = parse_in(text, &[]).unwrap();
        let e = &entries[0];
        assert_eq!(
            &text[e.raw_value.span.clone()],
            "ses+smtp://AKIA:pass@default"
        );
        let v = e.value.as_ref().unwrap();
        assert_eq!(&text[v.origin_of(11..15).unwrap().span], "AKIA");
    }
}
