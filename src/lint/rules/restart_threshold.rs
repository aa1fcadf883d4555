//! ## What it does
//! Checks how many messages an SMTP transport to Amazon SES sends over one connection
//! before reconnecting (`restart_threshold`): it must not exceed the per-session cap, 100
//! by default or the client's `restart_threshold` in the spec. Also reports transport options
//! that `ses+smtp` silently ignores (`restart_threshold`, `max_per_second`, `verify_peer`, ...).
//!
//! ## Why is this bad?
//! SES ends long SMTP sessions with `421 Connection closed by server. Maximum message count
//! per session reached.`, and AWS recommends reconnecting after a fixed number of messages.
//! Symfony Mailer (Symfony, Laravel 9+) keeps one connection and restarts it every
//! `restart_threshold` messages, 100 by default; a larger value risks the 421 in bulk sends.
//! `restart_threshold=0` does not disable restarts, despite what Symfony's docblock says: the
//! transport restarts once its message count reaches the threshold, so 0 reconnects after
//! every message (safe, but slow). Laravel 6 to 8 (Swift Mailer) reconnect after every
//! message and are not checked.
//!
//! The `ses+smtp` bridge reads only `region` and `ping_threshold`: any other option in its DSN
//! does nothing, and its restart threshold is always the default 100.
//!
//! ## Example
//! ```dotenv
//! MAILER_DSN=smtp://AKIA...:BPass...@email-smtp.eu-west-1.amazonaws.com:465?restart_threshold=1000
//! MAILER_DSN=ses+smtp://AKIA...:BPass...@default?region=eu-west-1&max_per_second=10
//! ```
//!
//! ## Use instead
//! ```dotenv
//! MAILER_DSN=smtp://AKIA...:BPass...@email-smtp.eu-west-1.amazonaws.com:465?restart_threshold=100&ping_threshold=9
//! ```
//!
//! ## References
//! - Amazon SES blog, "SMTP best practices": reconnect after a fixed number of messages
//! - Symfony Mailer `SmtpTransport::checkRestartThreshold`, `EsmtpTransportFactory`,
//!   Amazon bridge `SesTransportFactory`

use super::Ctx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::app::{Engine, Kind};

pub const NAME: &str = "restart-threshold";

/// Options of `smtp://` that the `ses+smtp` factory never reads.
const IGNORED_BY_SES_SMTP: &[&str] = &[
    "restart_threshold",
    "restart_threshold_sleep",
    "max_per_second",
    "local_domain",
    "verify_peer",
    "peer_fingerprint",
    "auto_tls",
    "require_tls",
    "source_ip",
];

const DEFAULT_RESTART: i64 = 100;

pub fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let max = i64::from(ctx.max_restart_threshold());
    for t in &ctx.app.transports {
        if !t.is_ses_smtp() || t.engine != Engine::SymfonyMailer {
            continue;
        }
        if t.kind == Kind::SesSmtp {
            for (name, node) in &t.options {
                if IGNORED_BY_SES_SMTP.contains(&name.as_str()) {
                    out.push(
                        ctx.at(
                            NAME,
                            Severity::Warning,
                            node,
                            format!("`{}` ignores the `{name}` option", t.scheme),
                            "ignored",
                        )
                        .with_help(format!(
                            "the ses+smtp bridge reads only `region` and `ping_threshold`; to use \
                             `{name}`, send with smtp://USER:PASS@email-smtp.REGION.amazonaws.com:465?{name}=..."
                        )),
                    );
                }
            }
            if DEFAULT_RESTART > max {
                out.push(
                    ctx.at_transport(
                        NAME,
                        Severity::Warning,
                        t,
                        format!(
                            "`{}` restarts its connection every {DEFAULT_RESTART} messages, more \
                             than the {max} this client allows per session",
                            t.scheme
                        ),
                        "cannot be changed for ses+smtp",
                    )
                    .with_help(format!(
                        "use smtp://USER:PASS@email-smtp.REGION.amazonaws.com:465?restart_threshold={max}&ping_threshold=9"
                    )),
                );
            }
            continue;
        }
        match t.option("restart_threshold") {
            Some(node) => {
                let Some(value) = node.int() else { continue };
                if value <= 0 {
                    out.push(
                        ctx.at(
                            NAME,
                            Severity::Info,
                            node,
                            format!(
                                "restart_threshold={value} does not disable restarts: Symfony \
                                 Mailer restarts when the message count reaches the threshold, so \
                                 this reconnects after every message"
                            ),
                            "reconnects after every message",
                        )
                        .with_help(format!(
                            "to reuse connections, set restart_threshold between 1 and {max}"
                        )),
                    );
                } else if value > max {
                    out.push(
                        ctx.at(
                            NAME,
                            Severity::Warning,
                            node,
                            format!(
                                "restart_threshold is {value} messages per connection, above the \
                                 {max} allowed: SES ends long sessions with 421 Maximum message \
                                 count per session reached"
                            ),
                            format!("at most {max}"),
                        )
                        .with_help(format!("set restart_threshold to {max} or less")),
                    );
                }
            }
            None if DEFAULT_RESTART > max => out.push(
                ctx.at_transport(
                    NAME,
                    Severity::Warning,
                    t,
                    format!(
                        "`{}` restarts every {DEFAULT_RESTART} messages by default, more than the \
                         {max} this client allows per session",
                        t.name
                    ),
                    "no restart_threshold",
                )
                .with_help(format!("set restart_threshold to {max}"))
                .with_fix(ctx.add_option_fix(
                    t,
                    "restart_threshold",
                    ctx.max_restart_threshold(),
                )),
            ),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::symfony_dsn;

    fn symfony(dsn: &str, packages: &[(&str, &str)]) -> Vec<String> {
        symfony_dsn(super::check, dsn, packages)
    }

    const SMTP: &str = "smtp://AKIAIOSFODNN7EXAMPLE:BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2@email-smtp.eu-west-1.amazonaws.com:587?ping_threshold=9";

    #[test]
    fn zero_and_too_high() {
        let found = symfony(&format!("{SMTP}&restart_threshold=0"), &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("restart_threshold=0 does not disable restarts"),
            "{found:?}"
        );
        let found = symfony(&format!("{SMTP}&restart_threshold=500"), &[]);
        assert!(
            found[0].starts_with("restart_threshold is 500 messages"),
            "{found:?}"
        );
        assert!(symfony(&format!("{SMTP}&restart_threshold=50"), &[]).is_empty());
        // The default of 100 is within the default cap.
        assert!(symfony(SMTP, &[]).is_empty());
    }

    #[test]
    fn options_ses_smtp_ignores() {
        let found = symfony(
            "ses+smtp://AKIAIOSFODNN7EXAMPLE:BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2@default?region=eu-west-1&ping_threshold=9&restart_threshold=50&max_per_second=5",
            &[],
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].contains("`ses+smtp` ignores the `restart_threshold` option"),
            "{found:?}"
        );
        assert!(
            found[1].contains("`ses+smtp` ignores the `max_per_second` option"),
            "{found:?}"
        );
    }
}
