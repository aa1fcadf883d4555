//! SMTP replies (RFC 5321 §4.2): a three-digit code, then `-` on every line but the last of a
//! multi-line reply and a space (or nothing) on the last. Parsing is line-based so that it can
//! be tested without sockets and shared by the client and the server's tests.

use std::fmt;

/// One complete reply: its code and the text of each line (without code and separator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub lines: Vec<String>,
}

impl Reply {
    pub fn new(code: u16, text: &str) -> Reply {
        Reply {
            code,
            lines: vec![text.to_string()],
        }
    }

    /// 2xx and 3xx: the command was accepted (3xx asks for more input).
    pub fn is_positive(&self) -> bool {
        (200..400).contains(&self.code)
    }

    /// The first line of text, the part worth showing in a one-line summary.
    pub fn first_line(&self) -> &str {
        self.lines.first().map(String::as_str).unwrap_or("")
    }

    /// EHLO keywords (every line after the greeting line), upper-cased, with their parameters:
    /// `AUTH PLAIN LOGIN` -> `("AUTH", ["PLAIN", "LOGIN"])`.
    pub fn ehlo_extensions(&self) -> Vec<(String, Vec<String>)> {
        self.lines
            .iter()
            .skip(1)
            .filter_map(|line| {
                let mut words = line.split_whitespace();
                let keyword = words.next()?.to_ascii_uppercase();
                Some((keyword, words.map(str::to_string).collect()))
            })
            .collect()
    }

    /// Whether an EHLO reply advertises `keyword`.
    pub fn has_extension(&self, keyword: &str) -> bool {
        self.ehlo_extensions()
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(keyword))
    }

    /// The SASL mechanisms an EHLO reply advertises, upper-cased.
    pub fn auth_mechanisms(&self) -> Vec<String> {
        self.ehlo_extensions()
            .into_iter()
            .filter(|(k, _)| k == "AUTH")
            .flat_map(|(_, params)| params)
            .map(|m| m.to_ascii_uppercase())
            .collect()
    }

    /// The reply as sent on the wire, CRLF-terminated lines.
    pub fn to_wire(&self) -> String {
        let mut out = String::new();
        let last = self.lines.len().saturating_sub(1);
        for (i, line) in self.lines.iter().enumerate() {
            let sep = if i == last { ' ' } else { '-' };
            out.push_str(&format!("{}{sep}{line}\r\n", self.code));
        }
        if self.lines.is_empty() {
            out.push_str(&format!("{}\r\n", self.code));
        }
        out
    }
}

impl fmt::Display for Reply {
    /// Lines joined with ` / `, for one-line summaries.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        for (i, line) in self.lines.iter().enumerate() {
            let sep = if i == 0 { " " } else { " / " };
            write!(f, "{sep}{line}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    #[error("malformed reply line (expected a three-digit code): {0:?}")]
    Malformed(String),
    #[error("reply code changed within a multi-line reply: {first} then {then}")]
    CodeChanged { first: u16, then: u16 },
}

/// Accumulates lines until a reply is complete.
#[derive(Debug, Default)]
pub struct ReplyParser {
    pending: Option<Reply>,
}

impl ReplyParser {
    pub fn new() -> ReplyParser {
        ReplyParser::default()
    }

    /// Feeds one line (with or without its CRLF). Returns the reply once its last line arrived.
    pub fn feed(&mut self, line: &str) -> Result<Option<Reply>, ReplyError> {
        let line = line.trim_end_matches(['\r', '\n']);
        let bytes = line.as_bytes();
        let code_ok = bytes.len() >= 3
            && bytes[..3].iter().all(u8::is_ascii_digit)
            && (b'2'..=b'5').contains(&bytes[0]);
        if !code_ok {
            return Err(ReplyError::Malformed(truncate(line)));
        }
        let code: u16 = line[..3].parse().expect("three ASCII digits");
        let (last, text) = match bytes.get(3) {
            None => (true, ""),
            Some(b' ') => (true, &line[4..]),
            Some(b'-') => (false, &line[4..]),
            Some(_) => return Err(ReplyError::Malformed(truncate(line))),
        };
        let reply = self.pending.get_or_insert_with(|| Reply {
            code,
            lines: Vec::new(),
        });
        if reply.code != code {
            let first = reply.code;
            self.pending = None;
            return Err(ReplyError::CodeChanged { first, then: code });
        }
        reply.lines.push(text.to_string());
        Ok(if last { self.pending.take() } else { None })
    }
}

/// Error messages quote at most the start of a bad line: it came from the network.
fn truncate(line: &str) -> String {
    line.chars().take(80).collect()
}

/// Parses a whole text of replies (tests and fixtures).
pub fn parse_all(text: &str) -> Result<Vec<Reply>, ReplyError> {
    let mut parser = ReplyParser::new();
    let mut replies = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(reply) = parser.feed(line)? {
            replies.push(reply);
        }
    }
    Ok(replies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line() {
        let replies =
            parse_all("220 email-smtp.amazonaws.com ESMTP SimpleEmailService\r\n").unwrap();
        assert_eq!(
            replies,
            vec![Reply::new(
                220,
                "email-smtp.amazonaws.com ESMTP SimpleEmailService"
            )]
        );
    }

    #[test]
    fn multi_line_ehlo() {
        let text = "250-email-smtp.amazonaws.com\r\n250-8BITMIME\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250 Ok\r\n";
        let mut parser = ReplyParser::new();
        let mut lines = text.split_inclusive("\r\n");
        for _ in 0..4 {
            assert_eq!(parser.feed(lines.next().unwrap()).unwrap(), None);
        }
        let reply = parser.feed(lines.next().unwrap()).unwrap().unwrap();
        assert_eq!(reply.code, 250);
        assert_eq!(reply.lines.len(), 5);
        assert!(reply.has_extension("starttls"));
        assert!(!reply.has_extension("SMTPUTF8"));
        assert_eq!(reply.auth_mechanisms(), vec!["PLAIN", "LOGIN"]);
        assert_eq!(reply.to_wire(), text);
    }

    #[test]
    fn bare_code_and_lf_only() {
        assert_eq!(parse_all("250\n").unwrap(), vec![Reply::new(250, "")]);
    }

    #[test]
    fn consecutive_replies() {
        let replies =
            parse_all("250-a\r\n250 b\r\n535 Authentication Credentials Invalid\r\n").unwrap();
        assert_eq!(replies.len(), 2);
        assert_eq!(replies[0].lines, vec!["a", "b"]);
        assert_eq!(replies[1].code, 535);
        assert_eq!(
            replies[1].to_string(),
            "535 Authentication Credentials Invalid"
        );
    }

    #[test]
    fn malformed_lines_are_errors() {
        for bad in ["hello", "25", "2500 x", "250x", "650 x", "\u{16}\u{3}\u{3}"] {
            assert!(
                matches!(parse_all(bad), Err(ReplyError::Malformed(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn code_change_mid_reply_is_an_error() {
        assert_eq!(
            parse_all("250-a\r\n251 b\r\n"),
            Err(ReplyError::CodeChanged {
                first: 250,
                then: 251
            })
        );
    }

    #[test]
    fn display_joins_lines() {
        let reply = parse_all("250-one\r\n250 two\r\n").unwrap().remove(0);
        assert_eq!(reply.to_string(), "250 one / two");
        assert!(reply.is_positive());
        assert!(!Reply::new(451, "x").is_positive());
    }
}
