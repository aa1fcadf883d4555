//! ## What it does
//! Reports mail settings that the installed framework version (from `composer.lock`)
//! ignores or refuses: `encryption` on Laravel 11.35+, `scheme` before Laravel 10, Symfony
//! Mailer options (`ping_threshold`, `restart_threshold`, `verify_peer`, ...) on Laravel 6 to
//! 8, `stream` on Laravel 9+, `Tags`/`EmailTags` given to the wrong SES mailer, `ses-v2` before
//! Laravel 9.52, `MAIL_URL` before Laravel 10.10 or empty or `smtps://`, DSN options newer than
//! the installed symfony/mailer, `ses+smtp` hosts and ports the installed bridge ignores, and
//! Symfony 8.2's top-level `mailer:` key on older versions.
//!
//! ## Why is this bad?
//! A setting that does nothing looks like it does something: a team sets `MAIL_ENCRYPTION=ssl`
//! or `ping_threshold` and believes the problem is handled. Settings the framework refuses
//! (an empty `MAIL_URL` gives "Unsupported mail transport []") break all mail at the first
//! message, not at deploy time. Findings only appear when `composer.lock` says which version is
//! installed.
//!
//! ## Example
//! ```dotenv
//! # Laravel 11.40
//! MAIL_PORT=465
//! MAIL_ENCRYPTION=ssl
//! MAIL_URL=
//! ```
//!
//! ## Use instead
//! ```dotenv
//! MAIL_PORT=465
//! MAIL_SCHEME=smtps
//! # no MAIL_URL line, or a full smtp:// URL
//! ```
//!
//! ## References
//! - laravel/framework `MailManager::createSmtpTransport` (9.x to 12.x), `getConfig` (MAIL_URL,
//!   laravel/framework#46964), Laravel 11.35 release notes (`scheme`)
//! - symfony/mailer `EsmtpTransportFactory` options by version (ping_threshold 5.2,
//!   max_per_second 6.2, peer_fingerprint 6.4, auto_tls 7.1, require_tls and source_ip 7.3)
//! - symfony/amazon-mailer: custom `ses+smtp` host (6.1), port (8.1)

use super::Ctx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::app::{Framework, Kind, Transport};
use crate::lint::dsn;
use crate::lint::value::{EnvOutcome, Node};
use crate::lint::version::Version;

pub const NAME: &str = "framework-version";

/// Options Symfony Mailer reads and Swift Mailer (Laravel 6-8) does not.
const SYMFONY_MAILER_ONLY: &[&str] = &[
    "ping_threshold",
    "restart_threshold",
    "restart_threshold_sleep",
    "verify_peer",
    "max_per_second",
    "auto_tls",
    "require_tls",
    "peer_fingerprint",
];

/// DSN options of `smtp://` and the symfony/mailer version that added them.
const SMTP_OPTIONS_SINCE: &[(&str, Version)] = &[
    ("ping_threshold", Version::new(5, 2, 0)),
    ("max_per_second", Version::new(6, 2, 0)),
    ("peer_fingerprint", Version::new(6, 4, 0)),
    ("auto_tls", Version::new(7, 1, 0)),
    ("require_tls", Version::new(7, 3, 0)),
    ("source_ip", Version::new(7, 3, 0)),
];

pub fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    match ctx.app.framework {
        Framework::Laravel => laravel(ctx, out),
        Framework::Symfony => symfony(ctx, out),
    }
}

/// The known version, compared; `None` when composer.lock does not say.
fn known(version: Option<Version>, at_least: Version) -> Option<bool> {
    version.map(|v| v >= at_least)
}

/// Whether a setting was given on purpose: from an env var the user set, or a literal.
fn set_on_purpose(node: &Node) -> bool {
    !node.is_null()
        && node.text().is_some_and(|t| !t.is_empty())
        && !matches!(
            node.env.as_ref().map(|e| &e.outcome),
            Some(EnvOutcome::Default | EnvOutcome::Unset)
        )
}

fn laravel(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let version = ctx.app.version();
    let shown = version.map(|v| format!("Laravel {v}")).unwrap_or_default();
    for t in &ctx.app.transports {
        if let Some(url) = &t.dsn {
            mail_url(ctx, t, url, version, out);
        }
        if t.kind == Kind::Smtp {
            if known(version, Version::new(11, 35, 0)) == Some(true)
                && let Some(node) = t.option("encryption").filter(|n| set_on_purpose(n))
            {
                out.push(ignored(
                    ctx,
                    node,
                    format!(
                        "`encryption` is ignored since Laravel 11.35 ({shown}): the scheme decides, \
                         or port 465 means TLS"
                    ),
                    "use MAIL_SCHEME=smtps for TLS from the start, or nothing for STARTTLS, and \
                     remove `encryption`",
                ));
            }
            if known(version, Version::new(10, 0, 0)) == Some(false)
                && let Some(node) = t.option("scheme").filter(|n| set_on_purpose(n))
            {
                out.push(ignored(
                    ctx,
                    node,
                    format!("`scheme` is ignored before Laravel 10 ({shown})"),
                    "on Laravel 9, `encryption => 'tls'` with port 465 selects TLS from the start",
                ));
            }
            if known(version, Version::new(9, 0, 0)) == Some(false) {
                for (name, node) in &t.options {
                    if SYMFONY_MAILER_ONLY.contains(&name.as_str()) && !node.is_null() {
                        out.push(ignored(
                            ctx,
                            node,
                            format!(
                                "`{name}` is ignored by Swift Mailer ({shown}); it is a Symfony \
                                 Mailer option, read from Laravel 9"
                            ),
                            "remove it, or upgrade to Laravel 9+; Laravel 6-8 reconnect for every \
                             message anyway",
                        ));
                    }
                }
            }
            if known(version, Version::new(9, 0, 0)) == Some(true)
                && let Some(node) = t.option("stream").filter(|n| !n.is_null())
            {
                out.push(ignored(
                    ctx,
                    node,
                    format!("`stream` is ignored since Laravel 9 ({shown}): Symfony Mailer does not read it"),
                    "use the mailer key `verify_peer` instead of stream.ssl.verify_peer",
                ));
            }
        }
        if t.kind == Kind::SesApi {
            ses(ctx, t, version, &shown, out);
        }
    }
}

fn ses(ctx: &Ctx, t: &Transport, version: Option<Version>, shown: &str, out: &mut Vec<Diagnostic>) {
    if t.scheme == "ses-v2" && known(version, Version::new(9, 52, 0)) == Some(false) {
        out.push(
            ctx.at_transport(
                NAME,
                Severity::Error,
                t,
                format!(
                    "the `ses-v2` transport exists from Laravel 9.52 ({shown}): sending fails with \
                     \"Unsupported mail transport [ses-v2]\""
                ),
                "unknown transport",
            )
            .with_help("use `ses`, or upgrade Laravel"),
        );
    }
    let (wrong, right) = if t.scheme == "ses-v2" {
        ("Tags", "EmailTags")
    } else {
        ("EmailTags", "Tags")
    };
    if let Some(node) = t.ses_options.as_ref().and_then(|o| o.get(wrong)) {
        out.push(ignored(
            ctx,
            node,
            format!(
                "`{wrong}` is not read by the `{}` transport, which takes `{right}`",
                t.scheme
            ),
            &format!("rename it to `{right}`"),
        ));
    }
}

fn mail_url(
    ctx: &Ctx,
    t: &Transport,
    url: &Node,
    version: Option<Version>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(text) = url.str() else { return };
    let _ = version;
    if text.is_empty() {
        out.push(
            ctx.at(
                NAME,
                Severity::Error,
                url,
                "MAIL_URL is set but empty: Laravel still parses it and fails with \"Unsupported \
                 mail transport []\"",
                "empty",
            )
            .with_help("remove the MAIL_URL line, or write `'url' => env('MAIL_URL') ?: null` in config/mail.php"),
        );
        return;
    }
    let breaks_in_credentials =
        dsn::intended_userinfo(text).is_some_and(|r| text[r].contains(['/', '?', '#']));
    match dsn::parse_url(text) {
        None if !breaks_in_credentials => out.push(
            ctx.at(
                NAME,
                Severity::Error,
                url,
                "Laravel cannot parse this MAIL_URL: \"The database configuration URL is \
                 malformed.\"",
                "malformed URL",
            )
            .with_help("write it as smtp://USER:PASSWORD@HOST:PORT with the credentials URL-encoded"),
        ),
        Some(_) if t.scheme == "smtps" => out.push(
            ctx.at(
                NAME,
                Severity::Error,
                url,
                "Laravel has no `smtps` transport: a smtps:// MAIL_URL fails with \"Unsupported mail \
                 transport [smtps]\"",
                "smtps://",
            )
            .with_help("use smtp://...:465 (Symfony Mailer uses TLS on 465), or smtp://...?scheme=smtps"),
        ),
        _ => {}
    }
}

fn symfony(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let app = ctx.app;
    let mailer = app.mailer_version.as_ref().map(|p| p.version);
    for t in &app.transports {
        if t.kind == Kind::Smtp
            && let Some(installed) = mailer
        {
            for (name, since) in SMTP_OPTIONS_SINCE {
                if installed < *since
                    && let Some(node) = t.option(name)
                {
                    out.push(ignored(
                        ctx,
                        node,
                        format!(
                            "`{name}` is ignored by symfony/mailer {installed}; it is read from {since}"
                        ),
                        &format!("upgrade symfony/mailer to {since} or later"),
                    ));
                }
            }
        }
        if t.kind == Kind::SesSmtp {
            let bridge = app
                .amazon_mailer_version
                .as_ref()
                .map(|p| p.version)
                .or(mailer);
            let dsn_host = t
                .endpoint
                .as_ref()
                .and_then(|e| e.host_node.as_ref())
                .and_then(Node::str);
            if known(bridge, Version::new(8, 1, 0)) == Some(false)
                && let Some(dsn) = &t.dsn
                && let Some(text) = dsn.str()
                && let Ok(d) = dsn::parse_symfony(text)
                && let Some((port, range)) = d.port
            {
                out.push(ignored(
                    ctx,
                    &dsn.sub(range, crate::lint::value::Val::Int(i64::from(port))),
                    format!(
                        "`{}` ignores the port before symfony/amazon-mailer 8.1 and always connects \
                         to 465",
                        t.scheme
                    ),
                    "remove the port",
                ));
            }
            if known(bridge, Version::new(6, 1, 0)) == Some(false)
                && dsn_host.is_some_and(|h| h != "default")
            {
                let node = t
                    .endpoint
                    .as_ref()
                    .and_then(|e| e.host_node.as_ref())
                    .expect("host");
                out.push(ignored(
                    ctx,
                    node,
                    format!(
                        "`{}` ignores custom hosts before symfony/amazon-mailer 6.1 and connects to \
                         email-smtp.REGION.amazonaws.com",
                        t.scheme
                    ),
                    "use `default` and the `region` option, or upgrade",
                ));
            }
        }
    }
    if let Some(origin) = &app.top_level_mailer
        && known(app.version(), Version::new(8, 2, 0)) == Some(false)
    {
        out.push(
            Diagnostic::new(
                NAME,
                Severity::Error,
                format!(
                    "the top-level `mailer:` key needs Symfony 8.2 ({}): older versions fail with \
                     \"There is no extension able to load the configuration for \\\"mailer\\\"\"",
                    app.describe_version()
                ),
            )
            .at(ctx.label(origin, "Symfony 8.2+ only"))
            .with_help("put the settings under `framework: mailer:`"),
        );
    }
}

fn ignored(ctx: &Ctx, node: &Node, message: String, help: &str) -> Diagnostic {
    ctx.at(NAME, Severity::Warning, node, message, "ignored")
        .with_help(help.to_string())
}
