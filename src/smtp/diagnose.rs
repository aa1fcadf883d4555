//! Turning a failed `smtp check` into words: what the failure means on SES and what to do. Pure
//! functions of the failure and what is known about the target, so each case is unit-tested.
//! Nothing here ever sees the password itself, only its [`PasswordShape`].

use std::time::Duration;

use base64::Engine;

use super::check::{Failure, FailureKind, Step};
use super::client::{ClientError, TlsFailure};
use super::{Secret, TlsMode};

/// What a password looks like, the only thing about it that may be reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordShape {
    /// 40 characters of base64 alphabet: an IAM secret access key.
    IamSecret,
    /// 44 characters decoding to version byte 4 and an HMAC: a derived SMTP password.
    SmtpV4,
    Other,
}

impl PasswordShape {
    pub fn of(password: &Secret) -> PasswordShape {
        let p = password.expose();
        let base64_alphabet = |c: char| c.is_ascii_alphanumeric() || c == '+' || c == '/';
        if p.len() == 40 && p.chars().all(base64_alphabet) {
            return PasswordShape::IamSecret;
        }
        let decoded = base64::engine::general_purpose::STANDARD.decode(p);
        match decoded {
            Ok(bytes) if p.len() == 44 && bytes.len() == 33 && bytes[0] == 4 => {
                PasswordShape::SmtpV4
            }
            _ => PasswordShape::Other,
        }
    }
}

/// What is known about the target, for the explanation.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub host: &'a str,
    pub port: u16,
    pub mode: TlsMode,
    /// The endpoint's region (from the host name, or `--region`).
    pub region: Option<&'a str>,
    pub username: &'a str,
    pub password: PasswordShape,
}

/// A one-line verdict and the paragraphs that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub summary: String,
    pub hints: Vec<String>,
}

const STARTTLS_PORTS: &str = "25, 587 and 2587 use STARTTLS";
const IMPLICIT_PORTS: &str = "465 and 2465 use TLS from the first byte (smtps)";

pub fn explain(failure: &Failure, ctx: &Context<'_>) -> Explanation {
    match &failure.kind {
        FailureKind::Client(e) => client_error(failure.step, e, ctx),
        FailureKind::Reply(reply) => reply_error(failure.step, reply.code, ctx, failure),
        FailureKind::NoStartTls => Explanation {
            summary: format!("{}:{} does not offer STARTTLS", ctx.host, ctx.port),
            hints: vec![
                "SES offers STARTTLS on every plain-text port and refuses AUTH without it, so \
                 this is not SES, or something on the way strips STARTTLS. sesform never sends \
                 credentials unencrypted."
                    .into(),
            ],
        },
        FailureKind::NoAuthMechanism { advertised } => Explanation {
            summary: "the server offers neither AUTH PLAIN nor AUTH LOGIN".into(),
            hints: vec![format!(
                "Advertised: {}. SES offers PLAIN and LOGIN after TLS.",
                if advertised.is_empty() {
                    "nothing".to_string()
                } else {
                    advertised.join(", ")
                }
            )],
        },
    }
}

fn secs(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

fn client_error(step: Step, e: &ClientError, ctx: &Context<'_>) -> Explanation {
    let target = format!("{}:{}", ctx.host, ctx.port);
    match e {
        ClientError::Resolve { message, .. } => {
            let mut hints = vec![format!("DNS lookup failed: {message}.")];
            if super::region_of_host(ctx.host).is_none() {
                hints.push(
                    "SES SMTP endpoints are named email-smtp.REGION.amazonaws.com.".to_string(),
                );
            }
            Explanation {
                summary: format!("cannot resolve {}", ctx.host),
                hints,
            }
        }
        ClientError::Refused => Explanation {
            summary: format!("connection refused by {target}"),
            hints: vec![format!(
                "Nothing listens on port {}. SES listens on 25, 587, 2587 (STARTTLS) and 465, \
                 2465 (TLS): check MAIL_PORT or the port in the DSN.",
                ctx.port
            )],
        },
        ClientError::Timeout(wait) if step == Step::Connect => {
            let mut hints = vec![format!(
                "No answer within {}: a firewall, security group or network ACL probably drops \
                 outbound traffic to port {}.",
                secs(*wait),
                ctx.port
            )];
            if ctx.port == 25 {
                hints.push(
                    "EC2 and many hosting providers block or throttle port 25: use 587 or 2587 \
                     (STARTTLS) or 465 or 2465 (TLS)."
                        .into(),
                );
            }
            Explanation {
                summary: format!("timed out connecting to {target}"),
                hints,
            }
        }
        ClientError::Timeout(wait) if step == Step::Greeting && ctx.mode == TlsMode::StartTls => {
            Explanation {
                summary: format!(
                    "connected, but {target} sent no greeting within {}",
                    secs(*wait)
                ),
                hints: vec![format!(
                    "A server waiting for a TLS handshake stays silent: port {} probably expects \
                     TLS from the first byte. On SES, {IMPLICIT_PORTS} and {STARTTLS_PORTS}. Use \
                     `smtps://` (Symfony), MAIL_SCHEME=smtps (Laravel) or --tls implicit, or a \
                     STARTTLS port.",
                    ctx.port
                )],
            }
        }
        ClientError::Timeout(wait) if step == Step::TlsHandshake => Explanation {
            summary: format!(
                "TLS handshake with {target} timed out after {}",
                secs(*wait)
            ),
            hints: vec![format!(
                "The server did not answer the TLS handshake: port {} may expect STARTTLS. On \
                 SES, {STARTTLS_PORTS} and {IMPLICIT_PORTS}.",
                ctx.port
            )],
        },
        ClientError::Timeout(wait) => Explanation {
            summary: format!("no reply to {step} within {}", secs(*wait)),
            hints: vec![
                "The server stopped answering. Retry; if it persists, check the network path \
                 (a proxy or firewall that inspects SMTP can stall it)."
                    .into(),
            ],
        },
        ClientError::Tls(tls) => tls_failure(tls, ctx),
        ClientError::Closed if step == Step::TlsHandshake => tls_failure(&TlsFailure::Closed, ctx),
        ClientError::Closed => Explanation {
            summary: format!("{target} closed the connection during {step}"),
            hints: vec![match step {
                Step::Greeting => format!(
                    "Closing before the greeting is what a TLS-only port does to a plain-text \
                     client ({IMPLICIT_PORTS}), or a server refusing this client address."
                ),
                _ => "Retry; SES closes connections that are idle for about 10 s \
                      (451 4.4.2) and sessions that carried too many messages (421)."
                    .into(),
            }],
        },
        ClientError::Reply(e) if ctx.mode == TlsMode::StartTls && step == Step::Greeting => {
            Explanation {
                summary: format!("{target} did not answer in SMTP ({e})"),
                hints: vec![format!(
                    "Binary data before the greeting usually means TLS: port {} may expect TLS \
                     from the first byte ({IMPLICIT_PORTS}).",
                    ctx.port
                )],
            }
        }
        ClientError::Reply(_) | ClientError::Protocol(_) | ClientError::Io(_) => Explanation {
            summary: format!("{step} failed: {e}"),
            hints: vec![],
        },
    }
}

fn tls_failure(tls: &TlsFailure, ctx: &Context<'_>) -> Explanation {
    let target = format!("{}:{}", ctx.host, ctx.port);
    let ses_name = ctx
        .region
        .map(super::ses_host)
        .unwrap_or_else(|| "email-smtp.REGION.amazonaws.com".into());
    let hint = match tls {
        TlsFailure::NotTls | TlsFailure::Closed if ctx.mode == TlsMode::Implicit => format!(
            "The server did not answer in TLS: port {} probably expects STARTTLS. On SES, \
             {STARTTLS_PORTS} and {IMPLICIT_PORTS}. Use `smtp://` (Symfony), MAIL_SCHEME=smtp \
             (Laravel) or --tls starttls, or port 465.",
            ctx.port
        ),
        TlsFailure::NotTls | TlsFailure::Closed => {
            "The server accepted STARTTLS but did not complete a TLS handshake.".into()
        }
        TlsFailure::Untrusted(_) => "The certificate does not chain to a trusted CA. Real SES \
             certificates chain to Amazon's public CAs that the system store trusts: a \
             TLS-inspecting proxy may be in the way. For a private CA or the local test server, \
             pass its certificate with --ca-file."
            .into(),
        TlsFailure::NameMismatch => format!(
            "Connect by the SES host name ({ses_name}), not an IP address, a CNAME or a VPC \
             endpoint's own DNS name that the certificate does not cover."
        ),
        TlsFailure::Expired => "Check the system clock; otherwise the server's certificate is \
             out of date (not the case for SES)."
            .into(),
        TlsFailure::Alert(_) | TlsFailure::Other(_) => {
            "The TLS versions or ciphers may not match: SES needs TLS 1.2 or later.".into()
        }
    };
    Explanation {
        summary: format!("TLS with {target} failed: {tls}"),
        hints: vec![hint],
    }
}

fn reply_error(step: Step, code: u16, ctx: &Context<'_>, failure: &Failure) -> Explanation {
    let region = ctx
        .region
        .map(str::to_string)
        .unwrap_or_else(|| "the endpoint's region".into());
    let reply = failure.to_string();
    match code {
        535 => {
            let mut hints = vec![format!(
                "This is usually (1) an IAM secret access key used as the password instead of \
                 the derived SMTP password (`sesform smtp password`), (2) a password derived for \
                 another region than {region}, (3) a deleted or inactive access key."
            )];
            match ctx.password {
                PasswordShape::IamSecret => hints.push(format!(
                    "The password is 40 characters long, the shape of an IAM secret access key, \
                     not of an SMTP password (44 characters starting with `B`). Derive the SMTP \
                     password: `printf %s \"$SECRET_ACCESS_KEY\" | sesform smtp password \
                     --region {}`.",
                    ctx.region.unwrap_or("REGION")
                )),
                PasswordShape::SmtpV4 => hints.push(format!(
                    "The password has the shape of a derived SMTP password, so check that it was \
                     derived for {region} and that access key {} is active (IAM console or \
                     `aws iam list-access-keys`).",
                    ctx.username
                )),
                PasswordShape::Other => hints.push(
                    "The password has neither the shape of an SMTP password (44 characters \
                     starting with `B`) nor of an IAM secret key (40 characters): it may have \
                     been truncated, or mangled by quoting or URL-decoding (`+` and `/` must be \
                     written %2B and %2F in a DSN)."
                        .into(),
                ),
            }
            if let Some(hint) = username_hint(ctx.username) {
                hints.push(hint);
            }
            Explanation {
                summary: "credentials rejected (535)".into(),
                hints,
            }
        }
        454 => Explanation {
            summary: format!("SES throttled the connection or failed temporarily: {reply}"),
            hints: vec![
                "454 means a sending rate or daily quota was exceeded (`aws sesv2 get-account` \
                 shows SendQuota), too many authentications or connections at once, or a \
                 temporary SES problem. Retry with backoff (5 s, 10 s, 30 s, ...)."
                    .into(),
            ],
        },
        530 => Explanation {
            summary: format!("the server requires something first: {reply}"),
            hints: vec![
                "SES answers `530 Must issue a STARTTLS command first` to AUTH or MAIL on an \
                 unencrypted connection."
                    .into(),
            ],
        },
        421 => Explanation {
            summary: format!("the server closed the session: {reply}"),
            hints: vec![
                "421 is temporary: the service is unavailable, or the session reached its \
                 message cap. Retry with a new connection."
                    .into(),
            ],
        },
        451 => Explanation {
            summary: format!("the server timed out the session: {reply}"),
            hints: vec![
                "SES closes a connection idle for about 10 s with `451 4.4.2 Timeout waiting \
                 for data from client`. Mailers that keep connections open must ping (NOOP) or \
                 reconnect before that: Symfony `ping_threshold` below 10."
                    .into(),
            ],
        },
        554 => Explanation {
            summary: format!("rejected: {reply}"),
            hints: vec![
                "554 from SES: `Access denied` (the IAM user lacks ses:SendRawEmail) or a \
                 rejected message or sender."
                    .into(),
            ],
        },
        _ => Explanation {
            summary: format!("{step} was refused: {reply}"),
            hints: vec![],
        },
    }
}

/// SMTP user names are access key ids: `AKIA` + 16 characters. Temporary keys (`ASIA`) do not
/// work over SMTP.
fn username_hint(username: &str) -> Option<String> {
    let key_shaped = username.len() == 20
        && username
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if key_shaped && username.starts_with("ASIA") {
        Some(format!(
            "User name {username} is a temporary (STS) access key id; SMTP needs a long-term \
             key (AKIA...) of an IAM user."
        ))
    } else if !key_shaped {
        Some(format!(
            "User name {username:?} is not an access key id (AKIA followed by 16 characters): \
             the SMTP user name is the access key id, not the IAM user name."
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smtp::reply::Reply;

    fn ctx(password: PasswordShape) -> Context<'static> {
        Context {
            host: "email-smtp.eu-west-1.amazonaws.com",
            port: 587,
            mode: TlsMode::StartTls,
            region: Some("eu-west-1"),
            username: "AKIAIOSFODNN7EXAMPLE",
            password,
        }
    }

    fn failure(step: Step, kind: FailureKind) -> Failure {
        Failure {
            step,
            elapsed: Duration::ZERO,
            kind,
        }
    }

    fn text(e: &Explanation) -> String {
        format!("{}\n{}", e.summary, e.hints.join("\n"))
    }

    #[test]
    fn password_shapes() {
        assert_eq!(
            PasswordShape::of(&Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")),
            PasswordShape::IamSecret
        );
        let derived = crate::smtp::password::smtp_password("some+secret+key", "eu-west-1");
        assert_eq!(
            PasswordShape::of(&Secret::new(derived)),
            PasswordShape::SmtpV4
        );
        assert_eq!(
            PasswordShape::of(&Secret::new("short")),
            PasswordShape::Other
        );
        assert_eq!(
            PasswordShape::of(&Secret::new("wJalrXUtnFEMI K7MDENG/bPxRfiCYEXAMPLEKEY")),
            PasswordShape::Other
        );
    }

    #[test]
    fn rejected_credentials() {
        let f = failure(
            Step::Auth(None),
            FailureKind::Reply(Reply::new(535, "Authentication Credentials Invalid")),
        );
        let e = explain(&f, &ctx(PasswordShape::IamSecret));
        let t = text(&e);
        assert!(t.contains("credentials rejected"), "{t}");
        assert!(t.contains("another region than eu-west-1"), "{t}");
        assert!(t.contains("shape of an IAM secret access key"), "{t}");
        assert!(t.contains("--region eu-west-1"), "{t}");
        let t = text(&explain(&f, &ctx(PasswordShape::SmtpV4)));
        assert!(t.contains("AKIAIOSFODNN7EXAMPLE is active"), "{t}");
        assert!(!t.contains("shape of an IAM secret"), "{t}");
    }

    #[test]
    fn user_names() {
        assert_eq!(username_hint("AKIAIOSFODNN7EXAMPLE"), None);
        assert!(
            username_hint("ASIAIOSFODNN7EXAMPLE")
                .unwrap()
                .contains("temporary")
        );
        assert!(
            username_hint("ses-smtp-user")
                .unwrap()
                .contains("not an access key id")
        );
    }

    #[test]
    fn throttling() {
        let f = failure(
            Step::Auth(None),
            FailureKind::Reply(Reply::new(
                454,
                "Throttling failure: Maximum sending rate exceeded.",
            )),
        );
        let t = text(&explain(&f, &ctx(PasswordShape::SmtpV4)));
        assert!(t.contains("throttled") && t.contains("daily quota"), "{t}");
    }

    #[test]
    fn connection_problems() {
        let mut c = ctx(PasswordShape::SmtpV4);
        let refused = failure(Step::Connect, FailureKind::Client(ClientError::Refused));
        assert!(text(&explain(&refused, &c)).contains("connection refused"));
        c.port = 25;
        let timeout = failure(
            Step::Connect,
            FailureKind::Client(ClientError::Timeout(Duration::from_secs(3))),
        );
        let t = text(&explain(&timeout, &c));
        assert!(
            t.contains("timed out connecting") && t.contains("port 25"),
            "{t}"
        );
    }

    #[test]
    fn wrong_tls_mode_both_ways() {
        let mut c = ctx(PasswordShape::SmtpV4);
        c.port = 465;
        let silent = failure(
            Step::Greeting,
            FailureKind::Client(ClientError::Timeout(Duration::from_secs(1))),
        );
        let t = text(&explain(&silent, &c));
        assert!(t.contains("expects TLS from the first byte"), "{t}");
        c.mode = TlsMode::Implicit;
        c.port = 587;
        let plain = failure(
            Step::TlsHandshake,
            FailureKind::Client(ClientError::Tls(TlsFailure::NotTls)),
        );
        let t = text(&explain(&plain, &c));
        assert!(t.contains("probably expects STARTTLS"), "{t}");
    }

    #[test]
    fn certificate_problems() {
        let c = ctx(PasswordShape::SmtpV4);
        let untrusted = failure(
            Step::TlsHandshake,
            FailureKind::Client(ClientError::Tls(TlsFailure::Untrusted("x".into()))),
        );
        assert!(text(&explain(&untrusted, &c)).contains("--ca-file"));
        let name = failure(
            Step::TlsHandshake,
            FailureKind::Client(ClientError::Tls(TlsFailure::NameMismatch)),
        );
        assert!(text(&explain(&name, &c)).contains("email-smtp.eu-west-1.amazonaws.com"));
    }
}
