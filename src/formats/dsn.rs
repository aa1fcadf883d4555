//! Mailer DSNs and URLs, parsed the way PHP does.
//!
//! Symfony's `Dsn::fromString` and Laravel's `ConfigurationUrlParser` both call PHP's
//! `parse_url` and then `rawurldecode` the user and password, so what matters is what
//! `parse_url` makes of unencoded characters: the authority ends at the first `/`, `?` or `#`;
//! the user ends at the first `:`; the host starts after the LAST `@`. `+` is left as is by
//! `rawurldecode`, but `%2B` becomes `+`.

use std::ops::Range;

use super::url::urldecode;

/// The parts `parse_url` finds, as byte ranges of the input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlParts {
    pub scheme: Option<Range<usize>>,
    pub user: Option<Range<usize>>,
    pub pass: Option<Range<usize>>,
    pub host: Option<Range<usize>>,
    pub port: Option<(u16, Range<usize>)>,
    pub path: Option<Range<usize>>,
    pub query: Option<Range<usize>>,
    pub fragment: Option<Range<usize>>,
}

/// PHP's `parse_url` for `scheme://...` strings; `None` where PHP returns `false`.
pub fn parse_url(s: &str) -> Option<UrlParts> {
    let bytes = s.as_bytes();
    let mut parts = UrlParts::default();
    let scheme_len = bytes
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
        .count();
    let mut rest;
    if scheme_len > 0 && bytes.get(scheme_len) == Some(&b':') {
        parts.scheme = Some(0..scheme_len);
        rest = scheme_len + 1;
        if !s[rest..].starts_with("//") {
            // `scheme:path`: no authority, so no host.
            split_tail(s, rest, &mut parts);
            return Some(parts);
        }
        rest += 2;
    } else if !s.starts_with("//") {
        split_tail(s, 0, &mut parts);
        return Some(parts);
    } else {
        rest = 2;
    }
    let end = s[rest..]
        .find(['/', '?', '#'])
        .map_or(s.len(), |i| rest + i);
    let mut host_start = rest;
    if let Some(at) = s[rest..end].rfind('@') {
        let at = rest + at;
        match s[rest..at].find(':') {
            Some(colon) => {
                parts.user = Some(rest..rest + colon);
                parts.pass = Some(rest + colon + 1..at);
            }
            None => parts.user = Some(rest..at),
        }
        host_start = at + 1;
    }
    let authority = &s[host_start..end];
    let mut host_end = end;
    let ipv6 = authority.starts_with('[') && authority.ends_with(']');
    if !ipv6 && let Some(colon) = authority.rfind(':') {
        let colon = host_start + colon;
        let port_text = &s[colon + 1..end];
        if port_text.len() > 5 {
            return None;
        }
        if !port_text.is_empty() {
            let digits: String = port_text.chars().take_while(char::is_ascii_digit).collect();
            let port: u32 = digits.parse().ok()?;
            if port > 65535 {
                return None;
            }
            parts.port = Some((port as u16, colon + 1..end));
        }
        host_end = colon;
    }
    if host_end <= host_start {
        return None;
    }
    parts.host = Some(host_start..host_end);
    split_tail(s, end, &mut parts);
    Some(parts)
}

/// Path, query and fragment from `from` on.
fn split_tail(s: &str, from: usize, parts: &mut UrlParts) {
    let fragment = s[from..].find('#').map(|i| from + i);
    let body_end = fragment.unwrap_or(s.len());
    let query = s[from..body_end].find('?').map(|i| from + i);
    let path_end = query.unwrap_or(body_end);
    if path_end > from {
        parts.path = Some(from..path_end);
    }
    if let Some(q) = query {
        parts.query = Some(q + 1..body_end);
    }
    if let Some(f) = fragment {
        parts.fragment = Some(f + 1..s.len());
    }
}

/// One `name=value` of a query string, as `parse_str` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParam {
    pub name: String,
    pub value: String,
    /// The raw `name=value` pair.
    pub span: Range<usize>,
    /// The raw value.
    pub value_span: Range<usize>,
}

/// PHP `parse_str` for flat parameters (`a=1&b=2`); later duplicates win. Array syntax
/// (`a[]=1`) keeps its brackets in the name, which no mailer option uses.
pub fn parse_query(s: &str, offset: usize) -> Vec<QueryParam> {
    let mut out: Vec<QueryParam> = Vec::new();
    let mut start = 0;
    for pair in s.split('&') {
        let span = offset + start..offset + start + pair.len();
        start += pair.len() + 1;
        if pair.is_empty() {
            continue;
        }
        let (raw_name, raw_value, value_start) = match pair.find('=') {
            Some(eq) => (&pair[..eq], &pair[eq + 1..], span.start + eq + 1),
            None => (pair, "", span.end),
        };
        // parse_str turns spaces and dots in names into underscores.
        let name: String = urldecode(raw_name)
            .trim_start()
            .chars()
            .map(|c| if c == ' ' || c == '.' { '_' } else { c })
            .collect();
        if name.is_empty() {
            continue;
        }
        out.retain(|p| p.name != name);
        out.push(QueryParam {
            name,
            value: urldecode(raw_value),
            span: span.clone(),
            value_span: value_start..span.end,
        });
    }
    out
}

/// A parsed Symfony mailer DSN (`Symfony\Component\Mailer\Transport\Dsn::fromString`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dsn {
    pub scheme: Range<usize>,
    pub host: Range<usize>,
    /// Raw (still encoded) user and password; `None` when absent or empty.
    pub user: Option<Range<usize>>,
    pub password: Option<Range<usize>>,
    pub port: Option<(u16, Range<usize>)>,
    pub options: Vec<QueryParam>,
    pub fragment: Option<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DsnError {
    /// `parse_url` failed: "The mailer DSN is invalid."
    Invalid,
    NoScheme,
    NoHost,
}

impl DsnError {
    /// Symfony's own message.
    pub fn message(&self) -> &'static str {
        match self {
            DsnError::Invalid => "The mailer DSN is invalid.",
            DsnError::NoScheme => "The mailer DSN must contain a scheme.",
            DsnError::NoHost => "The mailer DSN must contain a host (use \"default\" by default).",
        }
    }
}

pub fn parse_symfony(s: &str) -> Result<Dsn, DsnError> {
    let parts = parse_url(s).ok_or(DsnError::Invalid)?;
    let scheme = parts.scheme.ok_or(DsnError::NoScheme)?;
    let host = parts.host.ok_or(DsnError::NoHost)?;
    let nonempty = |r: Option<Range<usize>>| r.filter(|r| !r.is_empty());
    let options = parts
        .query
        .map(|q| parse_query(&s[q.clone()], q.start))
        .unwrap_or_default();
    Ok(Dsn {
        scheme,
        host,
        user: nonempty(parts.user),
        password: nonempty(parts.pass),
        port: parts.port,
        options,
        fragment: parts.fragment,
    })
}

/// A DSN string as `Transport::fromString` splits it: `failover(a b)`, `roundrobin(a b)`, or
/// one DSN. Each DSN ends at the first space or `)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composite {
    /// `failover` or `roundrobin` wrappers seen, outermost first.
    pub wrappers: Vec<String>,
    /// Each transport DSN's range.
    pub dsns: Vec<Range<usize>>,
    /// Text after the last DSN that Symfony rejects ("has some garbage at the end").
    pub garbage: Option<Range<usize>>,
}

pub fn split_composite(s: &str) -> Composite {
    let mut out = Composite {
        wrappers: Vec::new(),
        dsns: Vec::new(),
        garbage: None,
    };
    let end = split_at(s, 0, 0, &mut out);
    if end < s.len() {
        out.garbage = Some(end..s.len());
    }
    out
}

/// Wrappers nested deeper than this are not unwrapped (the rest reads as one DSN): each
/// level recurses and scans the text after it, and no mailer nests more than a few.
const MAX_WRAPPERS: usize = 32;

fn split_at(s: &str, mut offset: usize, depth: usize, out: &mut Composite) -> usize {
    for keyword in ["failover(", "roundrobin("] {
        if depth < MAX_WRAPPERS
            && s[offset..].starts_with(keyword)
            && balanced(&s[offset + keyword.len() - 1..])
        {
            out.wrappers.push(keyword.trim_end_matches('(').to_string());
            offset += keyword.len();
            loop {
                offset = split_at(s, offset, depth + 1, out);
                if offset >= s.len() {
                    return s.len();
                }
                offset += 1;
                if s.as_bytes()[offset - 1] == b')' {
                    return offset;
                }
            }
        }
    }
    let len = s[offset..].find([' ', ')']).unwrap_or(s.len() - offset);
    out.dsns.push(offset..offset + len);
    offset + len
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Where a person meant the credentials to be: between `://` and the `@` before the host.
/// Unlike `parse_url`, this ignores `/`, `?` and `#` inside them, so their effect can be
/// explained. `None` when the DSN has no `@` after `://`.
pub fn intended_userinfo(s: &str) -> Option<Range<usize>> {
    let start = s.find("://")? + 3;
    // The host part never contains `@`, `/` or `?` before its own `@`; take the last `@`
    // followed by something host-like.
    let at = s[start..]
        .rmatch_indices('@')
        .map(|(i, _)| start + i)
        .filter(|&i| !has_query_param(&s[start..i]))
        .find(|&i| {
            let rest = &s[i + 1..];
            let host: String = rest
                .chars()
                .take_while(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':')
                })
                .collect();
            !host.is_empty()
                && rest[host.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| matches!(c, '/' | '?' | '#' | ' ' | ')'))
        })?;
    Some(start..at)
}

/// Whether `s` contains `?name=` or `&name=`: the `@` after it is in the query.
fn has_query_param(s: &str) -> bool {
    s.match_indices(['?', '&']).any(|(i, _)| {
        let name: String = s[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        !name.is_empty() && s[i + 1 + name.len()..].starts_with('=')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::url::rawurldecode;

    fn part(s: &str, r: &Option<Range<usize>>) -> Option<String> {
        r.clone().map(|r| s[r].to_string())
    }

    #[test]
    fn parse_url_like_php() {
        let s = "ses+smtp://AKIA:p@ss:w@default:465?region=eu-west-1&ping_threshold=9#frag";
        let p = parse_url(s).unwrap();
        assert_eq!(part(s, &p.scheme).as_deref(), Some("ses+smtp"));
        assert_eq!(part(s, &p.user).as_deref(), Some("AKIA"));
        // The host starts after the LAST `@`; the password keeps `:` and `@`.
        assert_eq!(part(s, &p.pass).as_deref(), Some("p@ss:w"));
        assert_eq!(part(s, &p.host).as_deref(), Some("default"));
        assert_eq!(p.port.as_ref().map(|p| p.0), Some(465));
        assert_eq!(
            part(s, &p.query).as_deref(),
            Some("region=eu-west-1&ping_threshold=9")
        );
        assert_eq!(part(s, &p.fragment).as_deref(), Some("frag"));
    }

    #[test]
    fn slash_and_hash_in_passwords_break_parsing() {
        // `/` ends the authority: the "host" is `AKIA` and the "port" is not a number.
        assert_eq!(
            parse_url("smtp://AKIA:ab/cd@email-smtp.eu-west-1.amazonaws.com"),
            None
        );
        assert_eq!(
            parse_symfony("smtp://AKIA:ab/cd@host").unwrap_err(),
            DsnError::Invalid
        );
        // `#` starts the fragment: the password is lost, and the user becomes the host.
        let s = "smtp://AKIA:12#cd@host:587";
        let p = parse_url(s).unwrap();
        assert_eq!(part(s, &p.host).as_deref(), Some("AKIA"));
        assert_eq!(p.port.map(|p| p.0), Some(12));
        assert_eq!(p.pass, None);
        assert_eq!(parse_url("smtp://"), None);
        assert_eq!(parse_symfony("null").unwrap_err(), DsnError::NoScheme);
        assert_eq!(parse_symfony("smtp:foo").unwrap_err(), DsnError::NoHost);
    }

    #[test]
    fn query_like_parse_str() {
        let q = parse_query(
            "region=eu-west-1&ping.threshold=9&x=a+b&region=us-east-1",
            10,
        );
        let names: Vec<&str> = q.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["ping_threshold", "x", "region"]);
        assert_eq!(q[1].value, "a b");
        assert_eq!(q[2].value, "us-east-1");
        assert_eq!(q[0].value_span, 42..43);
    }

    #[test]
    fn composite_dsns() {
        let s = "failover(ses+smtp://a:b@default smtp://c:d@host:587)";
        let c = split_composite(s);
        assert_eq!(c.wrappers, vec!["failover"]);
        let dsns: Vec<&str> = c.dsns.iter().map(|r| &s[r.clone()]).collect();
        assert_eq!(dsns, vec!["ses+smtp://a:b@default", "smtp://c:d@host:587"]);
        assert_eq!(c.garbage, None);
        let s = "smtp://u:pa ss@host";
        let c = split_composite(s);
        assert_eq!(&s[c.dsns[0].clone()], "smtp://u:pa");
        assert_eq!(c.garbage, Some(11..s.len()));
    }

    #[test]
    fn symfony_decodes_user_and_password_with_rawurldecode() {
        let s = "ses+smtp://AKIA%2Bx:BKVmjjMDFk%2Fqqw8+rest%40%3A@default?region=eu-west-1&ping_threshold=9";
        let d = parse_symfony(s).unwrap();
        assert_eq!(rawurldecode(&s[d.user.clone().unwrap()]), "AKIA+x");
        // `+` stays `+`: rawurldecode, unlike urldecode, does not turn it into a space.
        assert_eq!(
            rawurldecode(&s[d.password.clone().unwrap()]),
            "BKVmjjMDFk/qqw8+rest@:"
        );
        assert_eq!(&s[d.host.clone()], "default");
        let names: Vec<&str> = d.options.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, vec!["region", "ping_threshold"]);
        // An empty user or password is absent, as in Symfony.
        let d = parse_symfony("smtp://:@host").unwrap();
        assert_eq!((d.user, d.password), (None, None));
    }

    #[test]
    fn intended_credentials() {
        let s = "ses+smtp://AKIA:ab/c#d@default?region=eu-west-1";
        assert_eq!(&s[intended_userinfo(s).unwrap()], "AKIA:ab/c#d");
        assert_eq!(intended_userinfo("smtp://host:25"), None);
        let s = "smtp://u:p@host?from=x@y.z";
        assert_eq!(&s[intended_userinfo(s).unwrap()], "u:p");
    }
}
