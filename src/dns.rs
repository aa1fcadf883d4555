//! The DNS records a domain identity needs: Easy DKIM CNAMEs (signing host as SES names it),
//! the MAIL FROM MX and SPF records, and a DMARC policy recommendation.

use serde::Serialize;

use crate::aws::sesv2::IdentityStatus;
use crate::model::IdentityState;

/// SES's DKIM signing host when GetEmailIdentity does not name one.
pub const DEFAULT_DKIM_HOST: &str = "dkim.amazonses.com";
pub const TTL: u32 = 1800;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DnsRecord {
    pub identity: String,
    /// What the record is for: `DKIM`, `MAIL FROM MX`, `MAIL FROM SPF`, `DMARC`.
    pub purpose: String,
    pub name: String,
    #[serde(rename = "type")]
    pub record_type: String,
    pub value: String,
    pub ttl: u32,
    /// SES's verification status for what this record proves, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `false` for records SES does not check but senders should publish (DMARC).
    pub required: bool,
}

/// Records for one domain identity; none for email addresses.
pub fn records(identity: &IdentityState, status: &IdentityStatus, region: &str) -> Vec<DnsRecord> {
    if identity.identity_type != "DOMAIN" {
        return Vec::new();
    }
    let domain = &identity.name;
    let record = |purpose: &str,
                  name: String,
                  record_type: &str,
                  value: String,
                  status: Option<String>,
                  required: bool| DnsRecord {
        identity: domain.clone(),
        purpose: purpose.into(),
        name,
        record_type: record_type.into(),
        value,
        ttl: TTL,
        status,
        required,
    };
    let mut out = Vec::new();
    let host = status
        .signing_hosted_zone
        .as_deref()
        .unwrap_or(DEFAULT_DKIM_HOST);
    for token in &status.dkim_tokens {
        out.push(record(
            "DKIM",
            format!("{token}._domainkey.{domain}"),
            "CNAME",
            format!("{token}.{host}"),
            status.dkim_status.clone(),
            true,
        ));
    }
    if let Some(selector) = identity
        .dkim
        .as_ref()
        .filter(|d| d.origin == "EXTERNAL")
        .and_then(|d| d.selector.as_ref())
    {
        out.push(record(
            "DKIM (BYODKIM)",
            format!("{selector}._domainkey.{domain}"),
            "TXT",
            "\"v=DKIM1; k=rsa; p=<the public key of your BYODKIM private key>\"".into(),
            status.dkim_status.clone(),
            true,
        ));
    }
    if let Some(mail_from) = &identity.mail_from {
        out.push(record(
            "MAIL FROM MX",
            mail_from.domain.clone(),
            "MX",
            format!("10 feedback-smtp.{region}.amazonses.com"),
            status.mail_from_status.clone(),
            true,
        ));
        out.push(record(
            "MAIL FROM SPF",
            mail_from.domain.clone(),
            "TXT",
            "\"v=spf1 include:amazonses.com ~all\"".into(),
            status.mail_from_status.clone(),
            true,
        ));
    }
    out.push(record(
        "DMARC",
        format!("_dmarc.{domain}"),
        "TXT",
        "\"v=DMARC1; p=none;\"".into(),
        None,
        false,
    ));
    out
}
