//! ## What it does
//! (Online.) Reports apps that send through SES in a region where the account is still in
//! the SES sandbox (`ProductionAccessEnabled` is false).
//!
//! ## Why is this bad?
//! In the sandbox, SES delivers only to verified addresses, at most 200 messages in 24 hours
//! and 1 per second. Everything works in testing, then real customers never get their mail:
//! `554 Message rejected: Email address is not verified`. The sandbox is per region.
//!
//! ## Example
//! An app sending through `email-smtp.eu-west-1.amazonaws.com` while the account has no
//! production access in eu-west-1.
//!
//! ## Use instead
//! Request production access (SES console, or the spec's `account.production_access` with
//! `sesform apply`), or send through a region that has it.
//!
//! ## References
//! - Amazon SES guide, "Request production access (Moving out of the Amazon SES sandbox)"

use super::Ctx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::online::LiveFacts;

pub const NAME: &str = "sandbox";

pub fn check(ctx: &Ctx, facts: &LiveFacts, out: &mut Vec<Diagnostic>) {
    let Some(t) = ctx.app.transports.iter().find(|t| t.default && t.is_ses()) else {
        return;
    };
    // The sandbox is per region: the one this transport sends through.
    let Some(facts) = facts.for_transport(ctx.app, t) else {
        return;
    };
    if facts.production_access_enabled {
        return;
    }
    out.push(
        ctx.at_transport(
            NAME,
            Severity::Warning,
            t,
            format!(
                "the SES account is in the sandbox in {}: mail reaches only verified addresses, \
                 at most 200 per 24 hours and 1 per second",
                facts.region
            ),
            "sends through the sandbox",
        )
        .with_help(
            "request production access (spec `account.production_access`, then `sesform apply`)",
        ),
    );
}

#[cfg(test)]
mod tests {
    use crate::lint::online::{LiveFacts, RegionFacts};
    use crate::lint::testing::{app_with_smtp, ctx_for};

    fn region(name: &str, production: bool) -> RegionFacts {
        RegionFacts {
            region: name.into(),
            production_access_enabled: production,
            ..RegionFacts::default()
        }
    }

    #[test]
    fn sandbox_is_reported_once_for_ses_apps() {
        let app = app_with_smtp("email-smtp.eu-west-1.amazonaws.com", "AKIAIOSFODNN7EXAMPLE");
        let mut out = Vec::new();
        let facts = LiveFacts::single(region("eu-west-1", false));
        super::check(&ctx_for(&app, None), &facts, &mut out);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("sandbox in eu-west-1"));
        let facts = LiveFacts::single(region("eu-west-1", true));
        let mut out = Vec::new();
        super::check(&ctx_for(&app, None), &facts, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn the_region_the_app_sends_through_counts() {
        // Production access in the default region, sandbox where the app sends.
        let app = app_with_smtp("email-smtp.us-east-1.amazonaws.com", "AKIAIOSFODNN7EXAMPLE");
        let mut facts = LiveFacts::single(region("eu-west-1", true));
        facts
            .regions
            .insert("us-east-1".into(), region("us-east-1", false));
        let mut out = Vec::new();
        super::check(&ctx_for(&app, None), &facts, &mut out);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("sandbox in us-east-1"));
    }
}
