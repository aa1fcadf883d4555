//! ## What it does
//! (Online.) Checks that the app's sender address (Laravel `mail.from.address`, Symfony
//! `envelope.sender` or `From` header) is verified in the region the app sends through:
//! the address itself, its domain, or a parent domain.
//!
//! ## Why is this bad?
//! SES rejects mail from unverified identities with `554 Message rejected: Email address is
//! not verified`, in and out of the sandbox. Identities are per region: a domain verified in
//! us-east-1 does not let an app send through eu-west-1.
//!
//! ## Example
//! `MAIL_FROM_ADDRESS=hello@example.com` with only `example.org` verified.
//!
//! ## Use instead
//! Verify the domain (spec `identities`, then `sesform apply`), or send from a verified one.
//!
//! ## References
//! - Amazon SES guide, "Verified identities" (subdomains inherit a parent domain's verification)

use super::Ctx;
use super::config_set_header::extract_address;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::online::LiveFacts;

pub const NAME: &str = "sender-identity";

pub fn check(ctx: &Ctx, facts: &LiveFacts, out: &mut Vec<Diagnostic>) {
    let Some(t) = ctx.app.transports.iter().find(|t| t.default && t.is_ses()) else {
        return;
    };
    // Identities are per region: the one this transport sends through.
    let Some(facts) = facts.for_transport(ctx.app, t) else {
        return;
    };
    let Some(node) = &ctx.app.from else { return };
    let Some(address) = node.text().and_then(|t| extract_address(&t)) else {
        return;
    };
    if facts.is_verified_sender(&address) {
        return;
    }
    out.push(
        ctx.at(
            NAME,
            Severity::Error,
            node,
            format!(
                "`{address}` is not a verified identity in {} (nor is its domain): SES rejects the \
                 mail with 554 Email address is not verified",
                facts.region
            ),
            "not verified",
        )
        .with_help(
            "verify the domain in this region (spec `identities`), or send from a verified one",
        ),
    );
}

#[cfg(test)]
mod tests {
    use crate::lint::online::{LiveFacts, RegionFacts};
    use crate::lint::testing::{app_with_smtp, ctx_for, with_from};

    #[test]
    fn unverified_senders_are_reported() {
        let app = with_from(
            app_with_smtp("email-smtp.eu-west-1.amazonaws.com", "AKIAIOSFODNN7EXAMPLE"),
            "Shop <noreply@shop.example.com>",
        );
        let mut facts = LiveFacts::single(RegionFacts {
            region: "eu-west-1".into(),
            ..RegionFacts::default()
        });
        let mut out = Vec::new();
        super::check(&ctx_for(&app, None), &facts, &mut out);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("noreply@shop.example.com"));
        facts
            .regions
            .get_mut("eu-west-1")
            .unwrap()
            .verified_identities
            .insert("example.com".into());
        let mut out = Vec::new();
        super::check(&ctx_for(&app, None), &facts, &mut out);
        assert!(out.is_empty());
    }
}
