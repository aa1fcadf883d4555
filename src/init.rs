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

/// Characters RFC 3986 never allows in a URL.
const NOT_IN_URLS: &str = "\"<>\\^`{|} ";

/// Checks what the newcomer passed, every problem at once, before anything is written.
pub fn check(o: &InitOptions) -> Result<(), Vec<String>> {
    use crate::spec::names;
    let mut problems = Vec::new();
    if !names::is_ses_region(&o.region) {
        problems.push(format!(
            "--region `{}` is not a region where SES is available",
            o.region
        ));
    }
    if let Err(why) = names::check_domain(&o.domain) {
        problems.push(format!("--domain `{}` {why}", o.domain));
    }
    if let Some(from) = &o.from {
        match names::check_email(from) {
            Err(why) => problems.push(format!("--from `{from}` {why}")),
            Ok(()) => {
                let at = from
                    .rsplit_once('@')
                    .map_or("", |(_, d)| d)
                    .to_ascii_lowercase();
                let domain = o.domain.to_ascii_lowercase();
                if at != domain && !at.ends_with(&format!(".{domain}")) {
                    problems.push(format!(
                        "--from `{from}` is not an address of --domain {} (or a subdomain): SES would refuse to send as it, since only {} is verified",
                        o.domain, o.domain
                    ));
                }
            }
        }
    }
    if let Some(url) = &o.events_webhook {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        match rest {
            None => problems.push(format!(
                "--events-webhook `{url}` must be an https:// (or http://) URL: SNS delivers only to those"
            )),
            Some(rest) if rest.split(['/', '?', '#']).next().is_none_or(str::is_empty) => {
                problems.push(format!("--events-webhook `{url}` has no host"))
            }
            Some(_) => {
                if let Some(c) = url
                    .chars()
                    .find(|c| c.is_control() || NOT_IN_URLS.contains(*c))
                {
                    problems.push(format!(
                        "--events-webhook `{url}` contains `{}`, which a URL cannot (percent-encode it)",
                        c.escape_default()
                    ));
                }
            }
        }
    }
    if let Some(user) = &o.smtp_user
        && let Err(why) = names::check_iam_user_name(user)
    {
        problems.push(format!("--smtp-user `{user}` {why}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Checks the options, renders the spec and runs the spec validator on the text: what `init`
/// writes always validates.
pub fn generate(o: &InitOptions) -> Result<String, Vec<String>> {
    check(o)?;
    let text = render(o);
    let source = crate::source::SourceFile::new("sesform.yaml", text.clone());
    match crate::spec::parse(source, ".".into()) {
        Ok(_) => Ok(text),
        Err(crate::spec::SpecError::Invalid { diagnostics, .. }) => Err(diagnostics
            .iter()
            .map(|d| format!("the generated spec does not validate: {}", d.message))
            .collect()),
        Err(e) => Err(vec![format!("the generated spec does not validate: {e}")]),
    }
}

/// A YAML double-quoted scalar (JSON string syntax is a subset of it).
fn quoted(value: &str) -> String {
    serde_json::to_string(value).expect("a string serializes")
}

/// The spec text, for options [`check`] accepts; [`generate`] checks and validates it.
pub fn render(o: &InitOptions) -> String {
    let domain = &o.domain;
    let from = o
        .from
        .clone()
        .unwrap_or_else(|| format!("noreply@{domain}"));
    let allow_from = match &o.from {
        Some(from) => quoted(from),
        None => quoted(&format!("*@{domain}")),
    };
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
                "      - {{protocol: {protocol}, endpoint: {}, raw_message_delivery: true}}",
                quoted(url)
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
# Every SES event of the sets above, kept in CloudWatch Logs for `sesform events tail` and
# `sesform why ADDRESS` ("why didn't it arrive?"). See docs/events.md for what it costs.
event_log:
  retention_days: 30

smtp_users:
  # An IAM user that may only send (ses:SendRawEmail), only as {allow}, only in {region}.
  # apply creates one access key and writes the SMTP username and password (derived for this
  # region) to the file below with mode 0600. Never commit it.
  {user}:
    path: /sesform/
    allow_from: [{allow_from}]
    credentials:
      dotenv: .env.ses
      preset: {preset}

clients:
  # The app that sends as {from}; `sesform lint` checks its mail config against this.
  app:
    path: .
"#,
        region = o.region,
        allow = if o.from.is_some() {
            from.clone()
        } else {
            format!("@{domain}")
        },
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

    fn options() -> InitOptions {
        InitOptions {
            domain: "example.com".into(),
            region: "eu-west-1".into(),
            from: None,
            events_webhook: None,
            smtp_user: None,
            framework: None,
        }
    }

    #[test]
    fn bad_flags_are_refused_before_anything_is_rendered() {
        for (change, expected) in [
            (
                InitOptions {
                    events_webhook: Some("https://h/a\"b".into()),
                    ..options()
                },
                "contains `\\\"`",
            ),
            (
                InitOptions {
                    events_webhook: Some("ftp://h/x".into()),
                    ..options()
                },
                "must be an https://",
            ),
            (
                InitOptions {
                    events_webhook: Some("https:///x".into()),
                    ..options()
                },
                "has no host",
            ),
            (
                InitOptions {
                    smtp_user: Some("bad name!".into()),
                    ..options()
                },
                "--smtp-user `bad name!` may contain only",
            ),
            (
                InitOptions {
                    from: Some("hello@other.org".into()),
                    ..options()
                },
                "is not an address of --domain example.com",
            ),
            (
                InitOptions {
                    from: Some("not-an-address".into()),
                    ..options()
                },
                "no `@`",
            ),
        ] {
            let problems = generate(&change).unwrap_err();
            assert!(
                problems.iter().any(|p| p.contains(expected)),
                "{expected}: {problems:?}"
            );
        }
    }

    #[test]
    fn from_limits_the_smtp_user_and_odd_urls_are_quoted() {
        let text = generate(&InitOptions {
            from: Some("shop@mail.example.com".into()),
            events_webhook: Some("https://hooks.example.com/ses?a=1&b=#x".into()),
            ..options()
        })
        .unwrap();
        assert!(
            text.contains("allow_from: [\"shop@mail.example.com\"]"),
            "{text}"
        );
        assert!(
            text.contains("endpoint: \"https://hooks.example.com/ses?a=1&b=#x\""),
            "{text}"
        );
        let loaded = crate::spec::parse(SourceFile::new("s.yaml", text), ".".into()).unwrap();
        assert_eq!(
            loaded.spec.smtp_users["app-mailer"].allow_from,
            ["shop@mail.example.com"]
        );
    }
}
