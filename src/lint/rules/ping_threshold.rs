//! ## What it does
//! Checks that SMTP transports to Amazon SES that keep their connection open (Symfony
//! Mailer: every Symfony app, and Laravel 9 and later) set `ping_threshold` below the idle
//! time SES tolerates: at most 9 seconds, or the client's `ping_threshold` in the spec.
//!
//! ## Why is this bad?
//! SES closes an SMTP connection that has been idle for about 10 seconds. Symfony Mailer
//! reuses its connection and only checks it (with `NOOP`) when it has been idle for longer
//! than `ping_threshold`, 100 seconds by default. A worker that sends a message, waits 10 to
//! 100 seconds and sends another fails with `451 4.4.2 Timeout waiting for data from client`,
//! then `Unable to write bytes on the wire`. This is why queue workers start failing after
//! an upgrade to Laravel 9: Laravel 6 to 8 (Swift Mailer) reconnected for every message, and
//! are not checked.
//!
//! `ses+smtp` reads `ping_threshold` only from symfony/amazon-mailer 5.4; `smtp` from 5.2.
//!
//! ## Example
//! ```dotenv
//! MAILER_DSN=ses+smtp://AKIA...:BPass...@default?region=eu-west-1
//! ```
//! ```php
//! // config/mail.php (Laravel 9+)
//! 'smtp' => ['transport' => 'smtp', 'host' => env('MAIL_HOST'), /* ... */],
//! ```
//!
//! ## Use instead
//! ```dotenv
//! MAILER_DSN=ses+smtp://AKIA...:BPass...@default?region=eu-west-1&ping_threshold=9
//! ```
//! ```php
//! 'smtp' => ['transport' => 'smtp', /* ... */ 'ping_threshold' => env('MAIL_PING_THRESHOLD', 9)],
//! ```
//!
//! ## References
//! - Symfony docs, Mailer, Amazon SES: "add `ping_threshold` lower than 10"
//! - symfony/symfony#36301, #39044: 451 Timeout waiting for data from client
//! - Amazon SES SMTP troubleshooting: idle connections are closed after about 10 seconds

use super::Ctx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::app::{Engine, Framework, Kind, Transport};

pub const NAME: &str = "ping-threshold";

pub fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let max = ctx.max_ping_threshold();
    for t in &ctx.app.transports {
        if !t.is_ses_smtp() || t.engine != Engine::SymfonyMailer {
            continue;
        }
        match t.option("ping_threshold") {
            Some(node) if t.kind == Kind::SesSmtp && !ctx.app.amazon_mailer_at_least(5, 4, 0) => {
                let version = ctx
                    .app
                    .amazon_mailer_version
                    .as_ref()
                    .map_or_else(String::new, |p| format!(" {}", p.version));
                out.push(
                    ctx.at(
                        NAME,
                        Severity::Warning,
                        node,
                        format!(
                            "`ses+smtp` ignores ping_threshold before symfony/amazon-mailer 5.4 \
                             (installed{version}): idle connections are reused for up to 100 s"
                        ),
                        "ignored by this version",
                    )
                    .with_help(
                        "upgrade symfony/amazon-mailer to 5.4 or later, or use \
                         smtp://USER:PASS@email-smtp.REGION.amazonaws.com:465?ping_threshold=9",
                    ),
                );
            }
            Some(node) => {
                let Some(value) = node.int() else { continue };
                if value > i64::from(max) {
                    out.push(
                        ctx.at(
                            NAME,
                            Severity::Warning,
                            node,
                            format!(
                                "ping_threshold is {value} s, but SES drops SMTP connections idle \
                                 for about 10 s{}",
                                client_limit(ctx, max)
                            ),
                            format!("at most {max}"),
                        )
                        .with_help(format!("set ping_threshold to {max} or less")),
                    );
                }
            }
            None => out.push(missing(ctx, t, max)),
        }
    }
}

fn client_limit(ctx: &Ctx, max: u32) -> String {
    match &ctx.app.client {
        Some(c) if c.client.ping_threshold.is_some() => {
            format!(" (client `{}` allows at most {max})", c.name)
        }
        _ => String::new(),
    }
}

fn missing(ctx: &Ctx, t: &Transport, max: u32) -> Diagnostic {
    let message = format!(
        "`{}` sends through SES SMTP without ping_threshold: Symfony Mailer reuses connections \
         idle for up to 100 s, SES closes them after about 10 s (451 Timeout waiting for data \
         from client)",
        t.name
    );
    let help = match (ctx.app.framework, &t.dsn) {
        (Framework::Symfony, _) => format!(
            "add `ping_threshold={max}` to the DSN's query string, e.g. \
             {}://USER:PASS@{}?{}ping_threshold={max}",
            t.scheme,
            if t.kind == Kind::SesSmtp {
                "default"
            } else {
                "email-smtp.REGION.amazonaws.com:465"
            },
            if t.kind == Kind::SesSmtp {
                "region=REGION&"
            } else {
                ""
            },
        ),
        (Framework::Laravel, Some(_)) => {
            format!("add `ping_threshold={max}` to the MAIL_URL query string")
        }
        (Framework::Laravel, None) => format!(
            "add `'ping_threshold' => env('MAIL_PING_THRESHOLD', {max}),` to the `{}` mailer in \
             config/mail.php; Laravel passes mailer keys to Symfony Mailer as DSN options",
            t.name
        ),
    };
    let d = ctx
        .at_transport(NAME, Severity::Warning, t, message, "no ping_threshold")
        .with_help(help);
    let d = if ctx.app.framework == Framework::Laravel {
        d.with_note(format!(
            "{}: Laravel 9+ sends with Symfony Mailer, which keeps connections open",
            ctx.app.describe_version()
        ))
    } else {
        d
    };
    ctx.version_note(d)
}
