//! `sesform init`: a commented starter spec for a new account, readable top to bottom.

use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InitFramework {
    Laravel,
    Symfony,
}

/// What the newcomer told `init`.
#[derive(Debug, Clone)]
pub struct InitOptions {
    pub domain: String,
    pub region: String,
    pub from: Option<String>,
    pub events_webhook: Option<String>,
    pub smtp_user: Option<String>,
    pub framework: Option<InitFramework>,
}

/// The spec text. It validates for any domain and region that `validate` accepts.
pub fn render(o: &InitOptions) -> String {
    let domain = &o.domain;
    let from = o
        .from
        .clone()
        .unwrap_or_else(|| format!("noreply@{domain}"));
    let user = o.smtp_user.clone().unwrap_or_else(|| "app-mailer".into());
    let stack = domain.replace('.', "-");
    let mut s = String::new();
    let _ = write!(
        s,
        r#"# yaml-language-server: $schema=./sesform.schema.json
# (editor completion: `sesform schema > sesform.schema.json`)
# sesform spec for {domain}, made by `sesform init`.
# Read it top to bottom, then: `sesform validate`, `sesform plan`, `sesform apply`.
# Every key is documented in specs/README.md of the sesform repository.
version: 1
# The region whose SES this file manages. Sandbox state, quotas and identities are per region.
region: {region}
# Everything sesform creates is tagged with this stack name; other resources are left alone.
stack: {stack}

account:
  # Addresses that bounce or complain are suppressed, protecting your sending reputation.
  suppression: [BOUNCE, COMPLAINT]
  # New accounts are in the SES sandbox: they can only send to verified addresses, 200 a day.
  # apply sends this request once while the account is sandboxed. Describe your mail honestly:
  # AWS reviews it by hand, and `sesform status` shows the review's state.
  production_access:
    mail_type: TRANSACTIONAL
    website_url: https://{domain}
    use_case: >-
      Transactional mail (account confirmations, password resets, receipts) for users of
      {domain}, who sign up on the website. Bounces and complaints are published to SNS and
      suppressed automatically.
    contact_language: EN

identities:
  # The domain: verified through DKIM. After apply, publish the DNS records it prints
  # (`sesform dns` prints them again, also as a BIND or Route 53 change batch).
  {domain}:
    dkim:
      easy: {{key_length: RSA_2048_BIT}}
    # Bounces come back to this subdomain (MX + SPF records), which aligns SPF for DMARC.
    mail_from:
      domain: mail.{domain}
    # Mail that names no configuration set still gets TLS and event publishing.
    configuration_set: transactional

configuration_sets:
  transactional:
    # Never deliver over plain text.
    tls: REQUIRE
    reputation_metrics: true
    suppression: [BOUNCE, COMPLAINT]
    event_destinations:
      # Every delivery event goes to SNS, so "why did this mail never arrive?" has an answer.
      delivery-events:
        events: [SEND, DELIVERY, BOUNCE, COMPLAINT, REJECT, RENDERING_FAILURE, DELIVERY_DELAY]
        sns_topic: ses-events

sns_topics:
  ses-events:
    subscriptions:
"#,
        region = o.region,
    );
    match &o.events_webhook {
        Some(url) => {
            let protocol = if url.starts_with("http://") {
                "http"
            } else {
                "https"
            };
            let _ = writeln!(
                s,
                "      # Your webhook receives every event (confirm the subscription when SNS asks)."
            );
            let _ = writeln!(
                s,
                "      - {{protocol: {protocol}, endpoint: \"{url}\", raw_message_delivery: true}}"
            );
        }
        None => {
            let _ = writeln!(
                s,
                "      # Confirm the subscription from the mail SNS sends; or use `--events-webhook URL`."
            );
            let _ = writeln!(
                s,
                "      - {{protocol: email, endpoint: \"postmaster@{domain}\"}}"
            );
        }
    }
    let preset = match o.framework {
        Some(InitFramework::Symfony) => "symfony",
        _ => "laravel",
    };
    let _ = write!(
        s,
        r#"
smtp_users:
  # An IAM user that may only send (ses:SendRawEmail), only as @{domain}, only in {region}.
  # apply creates one access key and writes the SMTP username and password (derived for this
  # region) to the file below with mode 0600. Never commit it.
  {user}:
    path: /sesform/
    allow_from: ["*@{domain}"]
    credentials:
      dotenv: .env.ses
      preset: {preset}

clients:
  # The app that sends as {from}; `sesform lint` checks its mail config against this.
  app:
    path: .
"#,
        region = o.region,
    );
    match o.framework {
        Some(InitFramework::Laravel) => {
            let _ = writeln!(s, "    framework: laravel");
        }
        Some(InitFramework::Symfony) => {
            let _ = writeln!(s, "    framework: symfony");
        }
        None => {
            let _ = writeln!(s, "    framework: auto");
        }
    }
    let _ = write!(
        s,
        r#"    smtp_user: {user}
    configuration_set: transactional
    # SES drops SMTP connections idle for ~10 s: Symfony Mailer (Symfony, Laravel 9+) must ping
    # before that. Set `ping_threshold=9` in the DSN (Symfony) or `'ping_threshold' => 9` in the
    # smtp mailer of config/mail.php (Laravel).
    ping_threshold: 9
    # SES ends sessions after a few hundred messages (421); reconnect well before.
    restart_threshold: 100
"#
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn every_variant_validates() {
        for (webhook, framework) in [
            (None, None),
            (
                Some("https://hooks.example.com/ses".to_string()),
                Some(InitFramework::Laravel),
            ),
            (None, Some(InitFramework::Symfony)),
        ] {
            let text = render(&InitOptions {
                domain: "example.com".into(),
                region: "eu-west-1".into(),
                from: None,
                events_webhook: webhook,
                smtp_user: Some("shop-mailer".into()),
                framework,
            });
            let loaded =
                crate::spec::parse(SourceFile::new("sesform.yaml", text.clone()), ".".into());
            assert!(
                loaded.is_ok(),
                "{text}\n{:?}",
                loaded.err().map(|e| match e {
                    crate::spec::SpecError::Invalid { diagnostics, .. } =>
                        format!("{diagnostics:#?}"),
                    other => other.to_string(),
                })
            );
        }
    }
}
