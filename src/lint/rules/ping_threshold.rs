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
//! `ses+smtp` reads `ping_threshold` only from symfony/amazon-mailer 5.4, `smtp` from
//! symfony/mailer 5.2: on older versions the setting does nothing, so it is not accepted as a
//! fix and the rule says to upgrade.
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
        let support = Support::of(ctx, t);
        match t.option("ping_threshold") {
            Some(node) if !support.supported => out.push(
                ctx.at(
                    NAME,
                    Severity::Warning,
                    node,
                    format!(
                        "`{}` ignores ping_threshold before {} {} (installed{}): idle connections \
                         are reused for up to 100 s",
                        t.scheme, support.package, support.since, support.installed
                    ),
                    "ignored by this version",
                )
                .with_help(support.upgrade(ctx)),
            ),
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
            None if !support.supported => out.push(
                ctx.at_transport(
                    NAME,
                    Severity::Warning,
                    t,
                    format!(
                        "`{}` sends through SES SMTP with {}{}, which does not read \
                         ping_threshold: idle connections are reused and SES closes them after \
                         about 10 s (451 Timeout waiting for data from client)",
                        t.name, support.package, support.installed
                    ),
                    "no ping_threshold support",
                )
                .with_help(format!(
                    "{}, then add ping_threshold={max}",
                    support.upgrade(ctx)
                )),
            ),
            None => out.push(missing(ctx, t, max)),
        }
    }
}

/// Whether the installed Symfony Mailer package reads `ping_threshold` for this transport:
/// `smtp` from symfony/mailer 5.2, `ses+smtp` from symfony/amazon-mailer 5.4.
struct Support {
    supported: bool,
    package: &'static str,
    since: &'static str,
    /// " 5.1.11", or empty when composer.lock does not say.
    installed: String,
}

impl Support {
    fn of(ctx: &Ctx, t: &Transport) -> Support {
        let app = ctx.app;
        let shown = |p: Option<&crate::lint::composer::Package>| {
            p.map_or_else(String::new, |p| format!(" {}", p.version))
        };
        if t.kind == Kind::SesSmtp {
            Support {
                supported: app.amazon_mailer_at_least(5, 4, 0),
                package: "symfony/amazon-mailer",
                since: "5.4",
                installed: shown(app.amazon_mailer_version.as_ref()),
            }
        } else {
            Support {
                supported: app.mailer_at_least(5, 2, 0),
                package: "symfony/mailer",
                since: "5.2",
                installed: shown(app.mailer_version.as_ref()),
            }
        }
    }

    /// The fix: setting ping_threshold does nothing until the package is upgraded.
    fn upgrade(&self, ctx: &Ctx) -> String {
        let mut help = format!("upgrade {} to {} or later", self.package, self.since);
        if self.package == "symfony/amazon-mailer" && ctx.app.mailer_at_least(5, 2, 0) {
            help.push_str(
                ", or use smtp://USER:PASS@email-smtp.REGION.amazonaws.com:465?ping_threshold=9",
            );
        }
        help
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
        .with_help(help)
        .with_fix(ctx.add_option_fix(t, "ping_threshold", max));
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

#[cfg(test)]
mod tests {
    use crate::lint::testing::{load, lock, messages, symfony_dsn};

    fn symfony(dsn: &str, packages: &[(&str, &str)]) -> Vec<String> {
        symfony_dsn(super::check, dsn, packages)
    }

    const SES: &str = "ses+smtp://AKIAIOSFODNN7EXAMPLE:BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2@default?region=eu-west-1";
    const SMTP: &str = "smtp://AKIAIOSFODNN7EXAMPLE:BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2@email-smtp.eu-west-1.amazonaws.com:587";

    fn bridge(version: &str) -> Vec<(&'static str, &str)> {
        vec![
            ("symfony/framework-bundle", "v6.4.0"),
            ("symfony/mailer", "v6.4.0"),
            ("symfony/amazon-mailer", version),
        ]
    }

    #[test]
    fn missing_too_high_and_fine() {
        let found = symfony(SES, &bridge("v6.4.0"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("without ping_threshold"), "{found:?}");
        let found = symfony(&format!("{SES}&ping_threshold=10"), &bridge("v6.4.0"));
        assert!(found[0].starts_with("ping_threshold is 10 s"), "{found:?}");
        assert!(symfony(&format!("{SES}&ping_threshold=9"), &bridge("v6.4.0")).is_empty());
        // Not SES: not checked.
        assert!(symfony("smtp://u:p@smtp.mailgun.org:587", &[]).is_empty());
    }

    #[test]
    fn not_accepted_where_the_installed_version_ignores_it() {
        // ses+smtp reads ping_threshold from symfony/amazon-mailer 5.4.
        let found = symfony(&format!("{SES}&ping_threshold=9"), &bridge("v5.3.0"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains(
                "ignores ping_threshold before symfony/amazon-mailer 5.4 (installed 5.3.0)"
            ),
            "{found:?}"
        );
        let found = symfony(SES, &bridge("v5.3.0"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("which does not read ping_threshold"),
            "{found:?}"
        );
        assert!(symfony(&format!("{SES}&ping_threshold=9"), &bridge("v5.4.0")).is_empty());
        // smtp reads it from symfony/mailer 5.2.
        let old = [
            ("symfony/framework-bundle", "v5.1.0"),
            ("symfony/mailer", "v5.1.11"),
        ];
        let found = symfony(&format!("{SMTP}?ping_threshold=9"), &old);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("before symfony/mailer 5.2 (installed 5.1.11)"),
            "{found:?}"
        );
        let found = symfony(SMTP, &old);
        assert!(
            found[0].contains("symfony/mailer 5.1.11, which does not read"),
            "{found:?}"
        );
        let new = [
            ("symfony/framework-bundle", "v5.2.0"),
            ("symfony/mailer", "v5.2.0"),
        ];
        assert!(symfony(&format!("{SMTP}?ping_threshold=9"), &new).is_empty());
    }

    #[test]
    fn laravel_6_to_8_reconnect_for_every_message() {
        let mail = "<?php return ['default' => 'smtp', 'mailers' => ['smtp' => ['transport' => 'smtp', 'host' => 'email-smtp.eu-west-1.amazonaws.com', 'port' => 587]]];";
        let app = |v: &str| {
            let lock = lock(&[("laravel/framework", v)]);
            load(&[("config/mail.php", mail), ("composer.lock", &lock)])
        };
        assert!(messages(super::check, &app("v8.83.27")).is_empty());
        assert_eq!(messages(super::check, &app("v9.52.0")).len(), 1);
    }
}
