//! ## What it does
//! Checks where SES transports connect: the region in the SMTP host (or the `ses+smtp` /
//! API `region`) must be an SES region and match the spec's `region` (or, without a spec,
//! `AWS_DEFAULT_REGION`; in Laravel only for the mailers it sends through by default, since
//! the skeleton's `ses` mailer is there in every app); the port must be one SES listens on, with the matching TLS mode
//! (465 and 2465: TLS from the start; 25, 587 and 2587: STARTTLS); port 25 is throttled on
//! EC2; certificate verification and STARTTLS must not be turned off.
//!
//! ## Why is this bad?
//! SMTP credentials and verified identities belong to one region: sending through another
//! fails with `535 Authentication Credentials Invalid` or `554 Message rejected: Email address
//! is not verified`. A TLS mode that does not match the port hangs until a timeout (TLS
//! handshake against a plain-text greeting, or the reverse). SES refuses to authenticate a
//! connection that is not encrypted. EC2 throttles outbound port 25 by default. Turning off
//! `verify_peer` lets anyone on the network path read the credentials.
//!
//! How the TLS mode is chosen depends on the library: Swift Mailer (Laravel 6-8) uses
//! `encryption` (`ssl`: TLS, `tls`: STARTTLS, anything else: plain text); Symfony Mailer uses
//! TLS when the scheme is `smtps`, the port is 465, or no port is given (it then connects
//! to 465), STARTTLS otherwise; Laravel 9.0 turned
//! `encryption => tls` into TLS on every port; `ses+smtp` always uses TLS.
//!
//! ## Example
//! ```dotenv
//! MAIL_HOST=email-smtp.us-east-1.amazonaws.com   # the spec manages SES in eu-west-1
//! MAIL_PORT=2465
//! MAIL_ENCRYPTION=tls
//! ```
//!
//! ## Use instead
//! ```dotenv
//! MAIL_HOST=email-smtp.eu-west-1.amazonaws.com
//! MAIL_PORT=587
//! MAIL_ENCRYPTION=tls
//! ```
//!
//! ## References
//! - Amazon SES guide, "Connecting to an Amazon SES SMTP endpoint" (ports and TLS)
//! - AWS General Reference, "Amazon Simple Email Service endpoints and quotas"
//! - Amazon EC2: port 25 throttling

use super::Ctx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::app::{Engine, Framework, Kind, SesHost, Tls, Transport};
use crate::lint::value::Node;
use crate::spec::names::SES_REGIONS;

pub const NAME: &str = "smtp-endpoint";

const STARTTLS_PORTS: &[u16] = &[25, 587, 2587];
const TLS_PORTS: &[u16] = &[465, 2465];

pub fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for t in &ctx.app.transports {
        if t.is_ses_smtp() {
            smtp(ctx, t, out);
        } else if t.kind == Kind::SesApi
            && let Some(node) = &t.region
            && let Some(region) = node.text()
        {
            region_checks(ctx, t, node, &region, out);
        }
    }
}

/// Whether the transport's region must match the spec's (or AWS_DEFAULT_REGION). Laravel's
/// skeleton defines an `ses` mailer in every app, used or not, whose region is
/// AWS_DEFAULT_REGION (often set for S3): only the mailers the app sends through by default
/// are held to it. Symfony transports are all written on purpose.
fn region_must_match(ctx: &Ctx, t: &Transport) -> bool {
    t.default || ctx.app.framework != Framework::Laravel
}

fn smtp(ctx: &Ctx, t: &Transport, out: &mut Vec<Diagnostic>) {
    let Some(e) = &t.endpoint else { return };
    let host_node = e.host_setting().unwrap_or(&t.decl);
    if let Some(host) = SesHost::parse(&e.host) {
        region_checks(ctx, t, host_node, &host.region, out);
    }
    let port_node = e.port_node.as_ref();
    let port_at = port_node.unwrap_or(&t.decl);
    if let Some(written) = port_node.and_then(Node::int)
        && !(0..=i64::from(u16::MAX)).contains(&written)
    {
        out.push(
            ctx.at(
                NAME,
                Severity::Error,
                port_at,
                format!("port {written} is not a TCP port (at most 65535): the connection fails"),
                "invalid port",
            )
            .with_help("use 587 or 2587 (STARTTLS), or 465 or 2465 (TLS from the start)"),
        );
        return;
    }
    let port = e.port;
    if !STARTTLS_PORTS.contains(&port) && !TLS_PORTS.contains(&port) {
        out.push(
            ctx.at(
                NAME,
                Severity::Error,
                port_at,
                format!("SES SMTP does not listen on port {port}"),
                "not an SES port",
            )
            .with_help("use 587 or 2587 (STARTTLS), or 465 or 2465 (TLS from the start)"),
        );
        return;
    }
    match e.tls {
        Tls::Implicit if STARTTLS_PORTS.contains(&port) => out.push(mismatch(
            ctx,
            t,
            port_node,
            format!(
                "TLS from the start on port {port}, where SES expects STARTTLS ({}): the TLS \
                 handshake times out",
                e.tls_reason
            ),
            format!(
                "use port 465 (or 2465) with TLS, or {}",
                starttls_fix(ctx, t)
            ),
        )),
        Tls::StartTls | Tls::None if TLS_PORTS.contains(&port) => out.push(mismatch(
            ctx,
            t,
            port_node,
            format!(
                "{} on port {port}, where SES expects TLS from the start ({}): the connection \
                 hangs",
                if e.tls == Tls::StartTls {
                    "STARTTLS"
                } else {
                    "plain text"
                },
                e.tls_reason
            ),
            format!("use port 587 with STARTTLS, or {}", implicit_fix(ctx, t)),
        )),
        Tls::None => out.push(
            ctx.at(
                NAME,
                Severity::Error,
                e.tls_node.as_ref().unwrap_or(port_at),
                format!(
                    "the connection is not encrypted ({}): SES refuses to authenticate (530 Must \
                     issue a STARTTLS command first)",
                    e.tls_reason
                ),
                "no encryption",
            )
            .with_help(starttls_fix(ctx, t)),
        ),
        _ => {}
    }
    if port == 25 {
        out.push(
            ctx.at(
                NAME,
                Severity::Warning,
                port_at,
                "port 25 is throttled by default on EC2 (and blocked by many networks)",
                "port 25",
            )
            .with_help("use 587 (STARTTLS) or 465 (TLS) instead"),
        );
    }
    let verify = t
        .option("verify_peer")
        .filter(|n| n.boolean() == Some(false))
        .or_else(|| {
            // `stream` is Swift Mailer's; Laravel 9+ ignores it (framework-version says so).
            t.option("stream")
                .filter(|_| t.engine == Engine::SwiftMailer)
                .and_then(|s| s.path("ssl.verify_peer"))
                .filter(|n| n.boolean() == Some(false))
        });
    if let Some(node) = verify {
        out.push(
            ctx.at(
                NAME,
                Severity::Warning,
                node,
                "certificate verification is off: anyone on the network path can read the SMTP \
                 credentials",
                "verify_peer off",
            )
            .with_help("remove verify_peer; SES endpoints have valid public certificates"),
        );
    }
}

fn mismatch(
    ctx: &Ctx,
    t: &Transport,
    port_node: Option<&Node>,
    message: String,
    help: String,
) -> Diagnostic {
    let e = t.endpoint.as_ref().expect("checked");
    let primary = e.tls_node.as_ref().or(port_node).unwrap_or(&t.decl);
    let label = if e.tls_node.is_none() {
        format!("port {}", e.port)
    } else {
        "TLS mode".to_string()
    };
    let mut d = ctx.at(NAME, Severity::Error, primary, message, label);
    if let Some(port) = port_node
        && port.at != primary.at
    {
        d = d.with_related(ctx.label(&port.at, format!("port {}", e.port)));
    }
    d.with_help(help)
}

fn starttls_fix(ctx: &Ctx, t: &Transport) -> String {
    use crate::lint::app::{Engine, Framework};
    match (ctx.app.framework, t.engine, t.kind) {
        (_, _, Kind::SesSmtp) => "ses+smtp always uses TLS: drop the port (465 is used)".into(),
        (Framework::Laravel, Engine::SwiftMailer, _) => {
            "set MAIL_ENCRYPTION=tls (STARTTLS) for ports 587 and 2587".into()
        }
        (Framework::Laravel, _, _) if !ctx.app.at_least(9, 1, 0) => {
            "upgrade to Laravel 9.1+ (9.0 turns encryption `tls` into TLS from the start on \
             every port), or remove `encryption`"
                .into()
        }
        (Framework::Laravel, _, _) => {
            "leave the scheme unset (not `smtps`): Symfony Mailer sends STARTTLS by itself".into()
        }
        (Framework::Symfony, _, _) => {
            "use the `smtp://` scheme: Symfony Mailer sends STARTTLS by itself (keep auto_tls on)"
                .into()
        }
    }
}

fn implicit_fix(ctx: &Ctx, t: &Transport) -> String {
    use crate::lint::app::{Engine, Framework};
    match (ctx.app.framework, t.engine) {
        (Framework::Laravel, Engine::SwiftMailer) => {
            "set MAIL_ENCRYPTION=ssl for ports 465 and 2465".into()
        }
        (Framework::Laravel, _) => "set the mailer's scheme to `smtps` (MAIL_SCHEME=smtps)".into(),
        (Framework::Symfony, _) => "use the `smtps://` scheme".into(),
    }
}

fn region_checks(ctx: &Ctx, t: &Transport, node: &Node, region: &str, out: &mut Vec<Diagnostic>) {
    if !looks_like_region(region) {
        out.push(
            ctx.at(
                NAME,
                Severity::Error,
                node,
                format!("`{region}` is not an AWS region"),
                "not a region",
            )
            .with_help("use a region code such as eu-west-1 (not an availability zone or a name)"),
        );
        return;
    }
    if !SES_REGIONS.contains(&region) {
        out.push(
            ctx.at(
                NAME,
                Severity::Warning,
                node,
                format!("SES has no endpoint in `{region}` (as far as sesform knows)"),
                "no SES here",
            )
            .with_help(format!("SES regions: {}", SES_REGIONS.join(", "))),
        );
        return;
    }
    if !region_must_match(ctx, t) {
        return;
    }
    if let Some(spec) = ctx.spec {
        if spec.region != region {
            out.push(
                ctx.at(
                    NAME,
                    Severity::Error,
                    node,
                    format!(
                        "sends through SES in {region}, but the spec sets up SES in {}: SMTP \
                         credentials and verified identities are per region",
                        spec.region
                    ),
                    format!("not {}", spec.region),
                )
                .with_help(format!("use the {} endpoint", spec.region)),
            );
        }
    } else if let Some(default) = ctx.app.env.get("AWS_DEFAULT_REGION")
        && let Some(value) = default.value.as_ref().map(|v| v.as_str().to_string())
        && looks_like_region(&value)
        && value != region
    {
        let mut d = ctx
            .at(
                NAME,
                Severity::Warning,
                node,
                format!(
                    "sends through SES in {region}, but AWS_DEFAULT_REGION is {value}: \
                     identities verified (and SMTP passwords derived) for {value} do not work in \
                     {region}"
                ),
                format!("not {value}"),
            )
            .with_help("send through the region where your identities are verified");
        if let Some(origin) = default.value_origin() {
            d = d.with_related(ctx.label(&origin, "AWS_DEFAULT_REGION"));
        }
        out.push(d);
    }
}

/// `eu-west-1`, `us-gov-west-1`, `ap-southeast-5`.
fn looks_like_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts.len() <= 4
        && parts[0].len() == 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.bytes().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::looks_like_region;
    use crate::lint::testing::{load, lock, messages};

    #[test]
    fn an_invalid_port_is_reported_as_written() {
        let mail = "<?php return ['default' => 'smtp', 'mailers' => ['smtp' => ['transport' => 'smtp', 'host' => 'email-smtp.eu-west-1.amazonaws.com', 'port' => 70000]]];";
        let lock = lock(&[("laravel/framework", "v10.48.4")]);
        let app = load(&[("config/mail.php", mail), ("composer.lock", &lock)]);
        let found = messages(super::check, &app);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("port 70000 is not a TCP port"),
            "{found:?}"
        );
    }

    #[test]
    fn region_shapes() {
        assert!(looks_like_region("eu-west-1"));
        assert!(looks_like_region("us-gov-west-1"));
        assert!(!looks_like_region("eu-west-1a"));
        assert!(!looks_like_region("ireland"));
        assert!(!looks_like_region("eu-west"));
    }
}
