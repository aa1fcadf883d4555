//! Secrets: a value that cannot be printed by accident ([`Secret`]: `Debug` and `Display` show
//! `(sensitive)`, and the only way to the text is the explicit [`Secret::expose`]), and how a
//! secret written in text is recognised ([`find_secret`], [`is_secret_key_name`]) and shown
//! ([`mask`], [`masked`]). The spec's checks, lint and the CLI's messages all ask here.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself; call only where it is written to its destination.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(sensitive)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(sensitive)")
    }
}

/// What [`find_secret`] calls a URL's password.
pub const URL_PASSWORD: &str = "is a URL with a password";

/// A secret inside a string: what it looks like, where it is, how much of it may be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundSecret {
    pub kind: &'static str,
    pub range: std::ops::Range<usize>,
    pub keep: usize,
}

/// What kind of secret a string looks like, if any (`"looks like an AWS secret access key"`).
pub fn secret_kind(s: &str) -> Option<&'static str> {
    find_secret(s).map(|f| f.kind)
}

/// Finds a secret in `s`: the whole (trimmed) string shaped like a private key, AWS secret key
/// or SES SMTP password; a GitHub or Slack token anywhere in it; or the password of a URL.
pub fn find_secret(s: &str) -> Option<FoundSecret> {
    let trimmed = s.trim();
    let whole = |kind| {
        let start = s.len() - s.trim_start().len();
        Some(FoundSecret {
            kind,
            range: start..start + trimmed.len(),
            keep: 4,
        })
    };
    if trimmed.contains("-----BEGIN") && trimmed.contains("PRIVATE KEY") {
        return whole("looks like a PEM private key");
    }
    let base64ish = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '+')
    };
    let mixed = |s: &str| {
        s.chars().any(|c| c.is_ascii_lowercase())
            && s.chars().any(|c| c.is_ascii_uppercase())
            && s.chars().any(|c| c.is_ascii_digit())
    };
    if trimmed.len() == 44 && trimmed.starts_with('B') && base64ish(trimmed) && mixed(trimmed) {
        return whole("looks like an SES SMTP password");
    }
    if trimmed.len() == 40 && base64ish(trimmed) && mixed(trimmed) {
        return whole("looks like an AWS secret access key");
    }
    if let Some((range, kind)) = find_token(s) {
        return Some(FoundSecret {
            kind,
            range,
            keep: 4,
        });
    }
    url_password(s).map(|range| FoundSecret {
        kind: URL_PASSWORD,
        range,
        keep: 0,
    })
}

/// A GitHub or Slack token anywhere in `s`, by its documented prefix and length.
fn find_token(s: &str) -> Option<(std::ops::Range<usize>, &'static str)> {
    let token_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut start = 0;
    for word in s.split(|c: char| !token_char(c)) {
        let range = start..start + word.len();
        start += word.len() + 1;
        let alnum_after = |prefix: &str, min: usize| {
            word.strip_prefix(prefix).is_some_and(|rest| {
                rest.len() >= min && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        };
        // ghp_ (classic), gho_/ghu_/ghs_/ghr_ (OAuth, app, refresh): 36 characters after the prefix.
        if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
            .iter()
            .any(|p| alnum_after(p, 36))
        {
            return Some((range, "looks like a GitHub token"));
        }
        if alnum_after("github_pat_", 40) {
            return Some((range, "looks like a GitHub token"));
        }
        // Slack: xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, then dash-separated digits and letters.
        if let Some(rest) = word.strip_prefix("xox")
            && let Some(rest) = rest
                .strip_prefix(|c: char| "abprs".contains(c))
                .and_then(|r| r.strip_prefix('-'))
            && rest.len() >= 20
            && rest.contains('-')
            && rest.chars().any(|c| c.is_ascii_digit())
        {
            return Some((range, "looks like a Slack token"));
        }
    }
    None
}

/// The password in the userinfo of a URL in `s` (`https://user:PASSWORD@host/`), if any.
fn url_password(s: &str) -> Option<std::ops::Range<usize>> {
    let mut from = 0;
    while let Some(i) = s[from..].find("://") {
        let authority_start = from + i + 3;
        let scheme_ok = s[..from + i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        let authority_end = s[authority_start..]
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .map_or(s.len(), |j| authority_start + j);
        // A password with an unencoded `/` (a broken DSN, exactly what lint reports) ends the
        // authority early; its `@` still comes before any query, fragment or space.
        let loose_end = s[authority_start..]
            .find(|c: char| matches!(c, '?' | '#') || c.is_whitespace())
            .map_or(s.len(), |j| authority_start + j);
        let strict = &s[authority_start..authority_end];
        let candidates: &[&str] = if strict.contains('@') {
            &[strict]
        } else {
            &[strict, &s[authority_start..loose_end]]
        };
        for authority in candidates {
            if scheme_ok
                && let Some(at) = authority.rfind('@')
                && let Some(colon) = authority[..at].find(':')
                && colon + 1 < at
                && !authority[..colon].contains('/')
            {
                return Some(authority_start + colon + 1..authority_start + at);
            }
        }
        from = authority_start;
    }
    None
}

/// Whether a key's name says its value is a secret (`password`, `api_key`, `SecretToken`...).
pub fn is_secret_key_name(key: &str) -> bool {
    let key: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    key == "pwd"
        || key == "pass"
        || [
            "password",
            "passwd",
            "secret",
            "token",
            "apikey",
            "privatekey",
        ]
        .iter()
        .any(|word| key.contains(word))
}

/// How a secret is shown: at most its first `keep` characters, then `…(redacted)`.
pub fn mask(secret: &str, keep: usize) -> String {
    let shown: String = secret.chars().take(keep).collect();
    format!("{shown}…(redacted)")
}

/// `s` with the secret [`find_secret`] finds in it masked, for a message that quotes it.
pub fn masked(s: &str) -> String {
    match find_secret(s) {
        Some(found) => format!(
            "{}{}{}",
            &s[..found.range.start],
            mask(&s[found.range.clone()], found.keep),
            &s[found.range.end..]
        ),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_recognised() {
        assert_eq!(
            secret_kind("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            Some("looks like an AWS secret access key")
        );
        assert_eq!(
            secret_kind("BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2"),
            Some("looks like an SES SMTP password")
        );
        assert_eq!(
            secret_kind("-----BEGIN RSA PRIVATE KEY-----\nabc"),
            Some("looks like a PEM private key")
        );
        assert_eq!(
            secret_kind("https://hooks.example.com/ses/events/endpoint"),
            None
        );
        assert_eq!(secret_kind("transactional"), None);
    }

    #[test]
    fn a_url_password_with_an_unencoded_slash_is_found_whole() {
        let dsn = "smtp://AKIAIOSFODNN7EXAMPLE:BKVmjjMDFk/qqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF@email-smtp.eu-west-1.amazonaws.com:587?ping_threshold=9";
        let range = url_password(dsn).unwrap();
        assert_eq!(&dsn[range], "BKVmjjMDFk/qqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF");
        let encoded = "smtp://user:p%2Fss@host:587";
        assert_eq!(&encoded[url_password(encoded).unwrap()], "p%2Fss");
        assert_eq!(url_password("https://hooks.example.com/ses?x=a:b@c"), None);
    }

    #[test]
    fn masked_keeps_what_is_not_secret() {
        assert_eq!(
            masked("https://u:hunter2@example.com/x"),
            "https://u:…(redacted)@example.com/x"
        );
        assert_eq!(masked("https://example.com/x"), "https://example.com/x");
    }

    #[test]
    fn never_formats_its_value() {
        let s = super::Secret::new("wJalrXUtnFEMI/K7MDENG");
        assert_eq!(format!("{s} {s:?}"), "(sensitive) (sensitive)");
        assert_eq!(s.expose(), "wJalrXUtnFEMI/K7MDENG");
    }
}
