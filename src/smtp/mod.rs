//! SES SMTP: deriving SMTP passwords from IAM secret keys, checking SMTP credentials against an
//! endpoint, and a local server that behaves like SES for tests.
//!
//! Credentials are carried as [`Secret`], whose `Debug` never shows the value, so a password
//! cannot leak through an error or a log line by accident.

pub mod check;
pub mod client;
pub mod diagnose;
pub mod io;
pub mod password;
pub mod reply;
pub mod server;
pub mod settings;

pub use crate::secret::Secret;

/// How a connection becomes encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain-text greeting, then `STARTTLS` (SES ports 25, 587, 2587).
    StartTls,
    /// TLS from the first byte, "SMTPS" (SES ports 465, 2465).
    Implicit,
}

impl TlsMode {
    /// The mode SES uses on `port`: implicit TLS on 465 and 2465, STARTTLS everywhere else.
    pub fn for_port(port: u16) -> TlsMode {
        match port {
            465 | 2465 => TlsMode::Implicit,
            _ => TlsMode::StartTls,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TlsMode::StartTls => "STARTTLS",
            TlsMode::Implicit => "implicit TLS",
        }
    }
}

/// The region in an SES SMTP host name: `email-smtp.eu-west-1.amazonaws.com` and
/// `email-smtp-fips.us-east-1.amazonaws.com` give the region, anything else `None`.
pub fn region_of_host(host: &str) -> Option<&str> {
    let host = host.trim_end_matches('.');
    let rest = host
        .strip_prefix("email-smtp.")
        .or_else(|| host.strip_prefix("email-smtp-fips."))?;
    let region = rest.strip_suffix(".amazonaws.com")?;
    (!region.is_empty() && !region.contains('.')).then_some(region)
}

/// The SES SMTP endpoint of a region.
pub fn ses_host(region: &str) -> String {
    format!("email-smtp.{region}.amazonaws.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_mode_by_port() {
        for port in [25, 587, 2587, 2525] {
            assert_eq!(TlsMode::for_port(port), TlsMode::StartTls);
        }
        for port in [465, 2465] {
            assert_eq!(TlsMode::for_port(port), TlsMode::Implicit);
        }
    }

    #[test]
    fn regions_of_ses_hosts() {
        assert_eq!(
            region_of_host("email-smtp.eu-west-1.amazonaws.com"),
            Some("eu-west-1")
        );
        assert_eq!(
            region_of_host("email-smtp-fips.us-east-1.amazonaws.com."),
            Some("us-east-1")
        );
        assert_eq!(region_of_host("smtp.example.com"), None);
        assert_eq!(region_of_host("email-smtp.amazonaws.com"), None);
        assert_eq!(ses_host("eu-west-1"), "email-smtp.eu-west-1.amazonaws.com");
    }
}
