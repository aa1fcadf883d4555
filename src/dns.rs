//! The DNS records a domain identity needs: Easy DKIM CNAMEs (signing host as SES names it),
//! the MAIL FROM MX and SPF records, and a DMARC policy recommendation.

use serde::Serialize;

use crate::aws::sesv2::IdentityStatus;
use crate::model::{DkimOrigin, IdentityState, IdentityType};

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

/// Records for one domain identity; none for email addresses. `byodkim_public_key` is the
/// `p=` value derived from a BYODKIM identity's private key; without it the selector's TXT
/// record is left out (a placeholder would not be a valid record).
pub fn records(
    identity: &IdentityState,
    status: &IdentityStatus,
    region: &str,
    byodkim_public_key: Option<&str>,
) -> Vec<DnsRecord> {
    if identity.identity_type != IdentityType::Domain {
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
        .filter(|d| d.origin == DkimOrigin::External)
        .and_then(|d| d.selector.as_ref())
        && let Some(public_key) = byodkim_public_key
    {
        out.push(record(
            "DKIM (BYODKIM)",
            format!("{selector}._domainkey.{domain}"),
            "TXT",
            crate::dkim::txt_value(&format!("v=DKIM1; k=rsa; p={public_key}")),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DkimState, MailFromState};

    fn domain(origin: &str, mail_from: bool) -> IdentityState {
        IdentityState {
            name: "example.com".into(),
            identity_type: "DOMAIN".into(),
            dkim: Some(DkimState {
                signing_enabled: true,
                origin: origin.into(),
                key_length: None,
                selector: (origin == "EXTERNAL").then(|| "sel1".into()),
                private_key_from: None,
            }),
            mail_from: mail_from.then(|| MailFromState {
                domain: "mail.example.com".into(),
                on_mx_failure: "USE_DEFAULT_VALUE".into(),
            }),
            configuration_set: None,
            feedback_forwarding: true,
            tags: Default::default(),
        }
    }

    fn status(host: Option<&str>) -> IdentityStatus {
        IdentityStatus {
            verification_status: "PENDING".into(),
            verified_for_sending: false,
            dkim_status: Some("PENDING".into()),
            dkim_tokens: vec!["tok1".into(), "tok2".into(), "tok3".into()],
            signing_hosted_zone: host.map(str::to_string),
            mail_from_status: Some("PENDING".into()),
        }
    }

    #[test]
    fn easy_dkim_uses_the_signing_host_ses_names() {
        let out = records(
            &domain("AWS_SES", true),
            &status(Some("dkim.eu-west-3.example.aws")),
            "eu-west-3",
            None,
        );
        let rows: Vec<(&str, &str, &str, &str, bool)> = out
            .iter()
            .map(|r| {
                (
                    r.purpose.as_str(),
                    r.record_type.as_str(),
                    r.name.as_str(),
                    r.value.as_str(),
                    r.required,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "DKIM",
                    "CNAME",
                    "tok1._domainkey.example.com",
                    "tok1.dkim.eu-west-3.example.aws",
                    true
                ),
                (
                    "DKIM",
                    "CNAME",
                    "tok2._domainkey.example.com",
                    "tok2.dkim.eu-west-3.example.aws",
                    true
                ),
                (
                    "DKIM",
                    "CNAME",
                    "tok3._domainkey.example.com",
                    "tok3.dkim.eu-west-3.example.aws",
                    true
                ),
                (
                    "MAIL FROM MX",
                    "MX",
                    "mail.example.com",
                    "10 feedback-smtp.eu-west-3.amazonses.com",
                    true
                ),
                (
                    "MAIL FROM SPF",
                    "TXT",
                    "mail.example.com",
                    "\"v=spf1 include:amazonses.com ~all\"",
                    true
                ),
                (
                    "DMARC",
                    "TXT",
                    "_dmarc.example.com",
                    "\"v=DMARC1; p=none;\"",
                    false
                ),
            ]
        );
        assert!(
            out.iter()
                .all(|r| r.ttl == TTL && r.identity == "example.com")
        );
        assert_eq!(out[0].status.as_deref(), Some("PENDING"));
    }

    #[test]
    fn fallback_host_byodkim_and_addresses() {
        let out = records(&domain("AWS_SES", false), &status(None), "eu-west-1", None);
        assert_eq!(out[0].value, format!("tok1.{DEFAULT_DKIM_HOST}"));
        assert!(out.iter().all(|r| !r.purpose.starts_with("MAIL FROM")));

        let mut byo = status(None);
        byo.dkim_tokens.clear();
        let out = records(
            &domain("EXTERNAL", false),
            &byo,
            "eu-west-1",
            Some("MIIBIj"),
        );
        assert_eq!(out[0].purpose, "DKIM (BYODKIM)");
        assert_eq!(out[0].name, "sel1._domainkey.example.com");
        assert_eq!(out[0].record_type, "TXT");
        assert_eq!(out[0].value, "\"v=DKIM1; k=rsa; p=MIIBIj\"");
        // Without the key there is no record to give, rather than a placeholder.
        let out = records(&domain("EXTERNAL", false), &byo, "eu-west-1", None);
        assert!(out.iter().all(|r| r.purpose != "DKIM (BYODKIM)"));

        let address = IdentityState {
            name: "a@example.com".into(),
            identity_type: "EMAIL_ADDRESS".into(),
            dkim: None,
            ..domain("AWS_SES", false)
        };
        assert!(records(&address, &status(None), "eu-west-1", None).is_empty());
    }
}
