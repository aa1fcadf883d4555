//! PHP's URL encoders and decoders, byte for byte: `rawurlencode` / `rawurldecode` (RFC 3986,
//! what mailer DSNs use for credentials) and `urlencode` / `urldecode` (forms and `parse_str`:
//! a space is `+`). Suggestions of an encoded password and Symfony's `%env(urlencode:...)%`
//! both go through here, so they agree with what PHP produces.

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// PHP `rawurldecode`: `%XX` sequences only; `+` stays `+`.
pub fn rawurldecode(s: &str) -> String {
    decode(s, false)
}

/// PHP `urldecode` (used by `parse_str`): also `+` to a space.
pub fn urldecode(s: &str) -> String {
    decode(s, true)
}

fn decode(s: &str, plus: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b'+' if plus => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether `s` contains a `%XX` sequence that `rawurldecode` would decode.
pub fn has_percent_escape(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(2))
        .any(|i| b[i] == b'%' && hex(b[i + 1]).is_some() && hex(b[i + 2]).is_some())
}

/// PHP `rawurlencode`: everything but ASCII letters, digits and `-._~` as `%XX`.
pub fn rawurlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// PHP `urlencode`: as [`rawurlencode`], but a space is `+` and `~` is encoded too.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') => {
                out.push(b as char)
            }
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_and_encoding_like_php() {
        assert_eq!(rawurldecode("a%2Fb+c%zz%"), "a/b+c%zz%");
        assert_eq!(urldecode("a%2Fb+c"), "a/b c");
        assert!(has_percent_escape("ab%2Fc"));
        assert!(!has_percent_escape("ab%zz"));
        assert_eq!(rawurlencode("a/b+c ~"), "a%2Fb%2Bc%20~");
        assert_eq!(urlencode("a/b+c ~"), "a%2Fb%2Bc+%7E");
        let all: String = (1u8..128).map(char::from).collect();
        assert_eq!(rawurldecode(&rawurlencode(&all)), all);
        assert_eq!(urldecode(&urlencode(&all)), all);
    }
}
