//! A dotenv reader covering what Laravel (phpdotenv) and Symfony (symfony/dotenv) files use:
//! `KEY=value`, `export KEY=value`, `#` comments, single quotes (literal), double quotes (escapes,
//! may span lines), and `$VAR`, `${VAR}`, `${VAR:-default}` from earlier keys or the process
//! environment. An unquoted `#` starts a comment only after whitespace (Symfony's rule; SES
//! passwords never contain `#`).
//!
//! Errors name the line and the key, never a value: the file holds secrets.

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct DotenvError {
    pub line: usize,
    pub message: String,
}

/// The variables of a dotenv text, later definitions overriding earlier ones.
#[derive(Debug, Default, Clone)]
pub struct Dotenv {
    values: HashMap<String, String>,
}

impl Dotenv {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
    values: HashMap<String, String>,
    /// Falls back to this when a referenced variable is not in the file (the real environment).
    env: &'a dyn Fn(&str) -> Option<String>,
}

pub fn parse(text: &str) -> Result<Dotenv, DotenvError> {
    parse_with_env(text, &|name| std::env::var(name).ok())
}

/// [`parse`] with an explicit environment for interpolation (tests).
pub fn parse_with_env(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Dotenv, DotenvError> {
    let mut p = Parser {
        text: text.as_bytes(),
        pos: 0,
        line: 1,
        values: HashMap::new(),
        env,
    };
    p.run()?;
    Ok(Dotenv { values: p.values })
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.pos += 1;
        if c == b'\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn error(&self, message: impl Into<String>) -> DotenvError {
        DotenvError {
            line: self.line,
            message: message.into(),
        }
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r')) {
            self.bump();
        }
    }

    fn skip_line(&mut self) {
        while let Some(c) = self.bump() {
            if c == b'\n' {
                break;
            }
        }
    }

    fn run(&mut self) -> Result<(), DotenvError> {
        loop {
            self.skip_blanks();
            match self.peek() {
                None => return Ok(()),
                Some(b'\n') => {
                    self.bump();
                }
                Some(b'#') => self.skip_line(),
                Some(_) => self.assignment()?,
            }
        }
    }

    fn name(&mut self) -> String {
        let start = self.pos;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
        {
            self.bump();
        }
        String::from_utf8_lossy(&self.text[start..self.pos]).into_owned()
    }

    fn assignment(&mut self) -> Result<(), DotenvError> {
        let mut key = self.name();
        if key == "export" && matches!(self.peek(), Some(b' ' | b'\t')) {
            self.skip_blanks();
            key = self.name();
        }
        if key.is_empty() || key.as_bytes()[0].is_ascii_digit() {
            return Err(self.error("expected a variable name"));
        }
        self.skip_blanks();
        if self.peek() != Some(b'=') {
            return Err(self.error(format!("expected `=` after {key}")));
        }
        self.bump();
        self.skip_blanks();
        let value = match self.peek() {
            Some(b'\'') => self.single_quoted(&key)?,
            Some(b'"') => self.double_quoted(&key)?,
            _ => self.unquoted(),
        };
        self.skip_blanks();
        match self.peek() {
            None | Some(b'\n') | Some(b'#') => {}
            Some(_) => return Err(self.error(format!("unexpected text after the value of {key}"))),
        }
        self.skip_line();
        self.values.insert(key, value);
        Ok(())
    }

    fn single_quoted(&mut self, key: &str) -> Result<String, DotenvError> {
        let line = self.line;
        self.bump();
        let start = self.pos;
        loop {
            match self.bump() {
                Some(b'\'') => {
                    return Ok(
                        String::from_utf8_lossy(&self.text[start..self.pos - 1]).into_owned()
                    );
                }
                Some(_) => {}
                None => {
                    return Err(DotenvError {
                        line,
                        message: format!("unterminated single quote in the value of {key}"),
                    });
                }
            }
        }
    }

    fn double_quoted(&mut self, key: &str) -> Result<String, DotenvError> {
        let line = self.line;
        self.bump();
        let mut raw = Vec::new();
        loop {
            match self.bump() {
                Some(b'"') => break,
                Some(b'\\') => match self.bump() {
                    Some(b'n') => raw.push(b'\n'),
                    Some(b'r') => raw.push(b'\r'),
                    Some(b't') => raw.push(b'\t'),
                    Some(b'"') => raw.push(b'"'),
                    Some(b'\\') => raw.push(b'\\'),
                    // `\$` keeps a literal dollar: mark it so interpolation skips it.
                    Some(b'$') => raw.extend_from_slice(b"\x00$"),
                    Some(c) => raw.extend_from_slice(&[b'\\', c]),
                    None => break,
                },
                Some(c) => raw.push(c),
                None => {
                    return Err(DotenvError {
                        line,
                        message: format!("unterminated double quote in the value of {key}"),
                    });
                }
            }
        }
        let raw = String::from_utf8_lossy(&raw).into_owned();
        Ok(self.interpolate(&raw))
    }

    fn unquoted(&mut self) -> String {
        let start = self.pos;
        let mut end = self.pos;
        while let Some(c) = self.peek() {
            if c == b'\n' {
                break;
            }
            let after_blank = self.pos > start && matches!(self.text[self.pos - 1], b' ' | b'\t');
            if c == b'#' && (after_blank || self.pos == start) {
                break;
            }
            self.bump();
            if !matches!(c, b' ' | b'\t' | b'\r') {
                end = self.pos;
            }
        }
        let raw = String::from_utf8_lossy(&self.text[start..end]).into_owned();
        self.interpolate(&raw)
    }

    fn lookup(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned().or_else(|| (self.env)(name))
    }

    /// Expands `$VAR`, `${VAR}` and `${VAR:-default}`; unknown variables become empty, as in
    /// both frameworks. `\0$` (from `\$`) stays a literal `$`.
    fn interpolate(&self, raw: &str) -> String {
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '\0' if raw[i + 1..].starts_with('$') => {
                    out.push('$');
                    chars.next();
                }
                '$' if raw[i + 1..].starts_with('{') => {
                    let Some(close) = raw[i..].find('}') else {
                        out.push_str(&raw[i..]);
                        break;
                    };
                    let inner = &raw[i + 2..i + close];
                    let (name, default) = match inner.split_once(":-") {
                        Some((name, default)) => (name, Some(default)),
                        None => (inner, None),
                    };
                    let value = self.lookup(name).filter(|v| !v.is_empty());
                    out.push_str(&value.or(default.map(str::to_string)).unwrap_or_default());
                    while chars.peek().is_some_and(|&(j, _)| j <= i + close) {
                        chars.next();
                    }
                }
                '$' if raw[i + 1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') => {
                    let rest = &raw[i + 1..];
                    let len = rest
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(rest.len());
                    out.push_str(&self.lookup(&rest[..len]).unwrap_or_default());
                    while chars.peek().is_some_and(|&(j, _)| j <= i + len) {
                        chars.next();
                    }
                }
                c => out.push(c),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_plain(text: &str) -> Dotenv {
        parse_with_env(text, &|name| {
            (name == "FROM_ENV").then(|| "env-value".to_string())
        })
        .unwrap()
    }

    #[test]
    fn basic_forms() {
        let env = parse_plain(
            "# comment\n\nA=1\nexport B=two\nC = spaced \nD='single $A # not a comment'\n\
             E=\"double $A \\\"q\\\" \\$A\"\nF=value # comment\nG=pass#word\nH=\nI=#comment\n",
        );
        assert_eq!(env.get("A"), Some("1"));
        assert_eq!(env.get("B"), Some("two"));
        assert_eq!(env.get("C"), Some("spaced"));
        assert_eq!(env.get("D"), Some("single $A # not a comment"));
        assert_eq!(env.get("E"), Some("double 1 \"q\" $A"));
        assert_eq!(env.get("F"), Some("value"));
        assert_eq!(env.get("G"), Some("pass#word"));
        assert_eq!(env.get("H"), Some(""));
        assert_eq!(env.get("I"), Some(""));
        assert_eq!(env.get("J"), None);
    }

    #[test]
    fn interpolation() {
        let env = parse_plain(
            "USER=AKIA\nPASS=se/cr+et\nDSN=ses+smtp://${USER}:${PASS}@default\nX=$USER-x\n\
             Y=${MISSING:-fallback}\nZ=${FROM_ENV}\nW=${MISSING}end\n",
        );
        assert_eq!(env.get("DSN"), Some("ses+smtp://AKIA:se/cr+et@default"));
        assert_eq!(env.get("X"), Some("AKIA-x"));
        assert_eq!(env.get("Y"), Some("fallback"));
        assert_eq!(env.get("Z"), Some("env-value"));
        assert_eq!(env.get("W"), Some("end"));
    }

    #[test]
    fn later_definitions_win_and_multiline_quotes() {
        let env = parse_plain("A=1\nKEY=\"line1\nline2\"\nA=2\r\nB=3\r\n");
        assert_eq!(env.get("A"), Some("2"));
        assert_eq!(env.get("KEY"), Some("line1\nline2"));
        assert_eq!(env.get("B"), Some("3"));
    }

    #[test]
    fn errors_name_the_line_not_the_value() {
        let err = parse_with_env("A=1\nMAIL_PASSWORD='secret\n", &|_| None).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("MAIL_PASSWORD"));
        assert!(!err.to_string().contains("secret\n"));
        let err = parse_with_env("A=1\n\nnot a line\n", &|_| None).unwrap_err();
        assert_eq!(err.line, 3);
        let err = parse_with_env("A='x' trailing\n", &|_| None).unwrap_err();
        assert!(!err.to_string().contains("trailing"));
    }
}
