//! ## What it does
//! (Online.) Checks the app's client-side rate limit (`max_per_second`) against the
//! account's SES sending rate (`MaxSendRate`) in the region. Not on `ses+smtp`, which ignores
//! `max_per_second` (`restart-threshold` reports that).
//!
//! ## Why is this bad?
//! Above the account's rate, SES answers `454 Throttling failure: Maximum sending rate
//! exceeded` and the messages must be retried; a queue worker without retries loses them.
//! `max_per_second` exists so the app stays under the rate it is allowed.
//!
//! ## Example
//! `smtp://...@email-smtp.eu-west-1.amazonaws.com:465?max_per_second=50` with a MaxSendRate of
//! 14.
//!
//! ## Use instead
//! `max_per_second=14` (or lower), or ask AWS for a higher sending quota.
//!
//! ## References
//! - Amazon SES guide, "Managing your Amazon SES sending limits"
//! - Symfony Mailer `max_per_second` (6.2+)

use super::Ctx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::app::Kind;
use crate::lint::online::LiveFacts;

pub const NAME: &str = "send-rate";

pub fn check(ctx: &Ctx, facts: &LiveFacts, out: &mut Vec<Diagnostic>) {
    for t in &ctx.app.transports {
        // `ses+smtp` ignores max_per_second (restart-threshold says so): it sets no rate.
        if !t.is_ses() || t.kind == Kind::SesSmtp {
            continue;
        }
        // The quota is per region: the one this transport sends through.
        let Some(facts) = facts.for_transport(ctx.app, t) else {
            continue;
        };
        if facts.max_send_rate <= 0.0 {
            continue;
        }
        let Some(node) = t.option("max_per_second") else {
            continue;
        };
        let Some(rate) = node.text().and_then(|t| t.trim().parse::<f64>().ok()) else {
            continue;
        };
        if rate > facts.max_send_rate {
            out.push(
                ctx.at(
                    NAME,
                    Severity::Warning,
                    node,
                    format!(
                        "max_per_second is {rate}, above the account's SES sending rate of {} per \
                         second in {}: SES answers 454 Throttling failure",
                        facts.max_send_rate, facts.region
                    ),
                    format!("at most {}", facts.max_send_rate),
                )
                .with_help(format!(
                    "set max_per_second to {} or less, or request a higher sending quota",
                    facts.max_send_rate
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::online::{LiveFacts, RegionFacts};
    use crate::lint::testing::{app_with_smtp, ctx_for, with_option};

    #[test]
    fn rates_above_the_quota_are_reported() {
        let app = with_option(
            app_with_smtp("email-smtp.eu-west-1.amazonaws.com", "AKIAIOSFODNN7EXAMPLE"),
            "max_per_second",
            "50",
        );
        let region = RegionFacts {
            region: "eu-west-1".into(),
            max_send_rate: 14.0,
            ..RegionFacts::default()
        };
        let facts = LiveFacts::single(region.clone());
        let mut out = Vec::new();
        super::check(&ctx_for(&app, None), &facts, &mut out);
        assert_eq!(out.len(), 1);
        let facts = LiveFacts::single(RegionFacts {
            max_send_rate: 100.0,
            ..region
        });
        let mut out = Vec::new();
        super::check(&ctx_for(&app, None), &facts, &mut out);
        assert!(out.is_empty());
        // `ses+smtp` ignores the option, so it sets no rate to compare.
        let mut ses_smtp = with_option(
            app_with_smtp("email-smtp.eu-west-1.amazonaws.com", "AKIAIOSFODNN7EXAMPLE"),
            "max_per_second",
            "50",
        );
        ses_smtp.transports[0].kind = crate::lint::app::Kind::SesSmtp;
        let mut out = Vec::new();
        super::check(&ctx_for(&ses_smtp, None), &facts_14(), &mut out);
        assert!(out.is_empty(), "{out:?}");
    }

    fn facts_14() -> LiveFacts {
        LiveFacts::single(RegionFacts {
            region: "eu-west-1".into(),
            max_send_rate: 14.0,
            ..RegionFacts::default()
        })
    }
}
