//! ## What it does
//! (Online.) Checks the access key an SES SMTP transport logs in with: it must exist in the
//! account, be active, belong to a user allowed to call `ses:SendRawEmail` (by an inline
//! policy, an attached managed policy, or a policy of one of its groups; wildcards such as
//! `ses:Send*`, `ses:*` and `*` count), and be the client's `smtp_user` from the spec when one
//! is named, or else one of the spec's `smtp_users`.
//!
//! It reads only what it needs: GetAccessKeyLastUsed on the key gives its user, then only that
//! user's keys, policies and groups are read (never a listing of every IAM user).
//!
//! ## Why is this bad?
//! A deleted or deactivated key, or a user without `ses:SendRawEmail`, fails every message
//! with `535 Authentication Credentials Invalid` or `554 Access denied`; keys are often
//! rotated in IAM while an old `.env` keeps the previous one. A key of another user than the
//! spec's `smtp_user` (or of a user outside the spec's `smtp_users`) sends with permissions
//! the spec does not manage, and is not rotated by `sesform smtp rotate`.
//!
//! ## Example
//! `MAIL_USERNAME=AKIA...` of a key that was deleted during a rotation.
//!
//! ## Use instead
//! The access key id of an active key of the client's `smtp_user`, with its derived password.
//!
//! ## References
//! - Amazon SES guide, "Obtaining Amazon SES SMTP credentials" (the IAM policy SMTP needs)

use super::{Ctx, is_access_key_id};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::online::LiveFacts;

pub const NAME: &str = "smtp-user";

pub fn check(ctx: &Ctx, facts: &LiveFacts, out: &mut Vec<Diagnostic>) {
    for t in &ctx.app.transports {
        if !t.is_ses_smtp() {
            continue;
        }
        let Some(node) = &t.username else { continue };
        let Some(key) = node.str().filter(|k| is_access_key_id(k)) else {
            continue;
        };
        let Some(facts_key) = facts.access_keys.get(key) else {
            out.push(
                ctx.at(
                    NAME,
                    Severity::Error,
                    node,
                    "this access key does not exist in the account (deleted, or from another \
                     account): SES answers 535 Authentication Credentials Invalid",
                    "unknown access key",
                )
                .with_help("create SMTP credentials for the client's smtp_user and use them here"),
            );
            continue;
        };
        if !facts_key.active {
            out.push(
                ctx.at(
                    NAME,
                    Severity::Error,
                    node,
                    format!("this access key of `{}` is inactive", facts_key.user_name),
                    "inactive key",
                )
                .with_help("activate it, or use the user's active key"),
            );
        }
        if !facts_key.user_allows_send_raw_email {
            out.push(
                ctx.at(
                    NAME,
                    Severity::Error,
                    node,
                    format!(
                        "IAM user `{}` may not call ses:SendRawEmail, which SMTP sending needs",
                        facts_key.user_name
                    ),
                    "no ses:SendRawEmail",
                )
                .with_help("attach a policy allowing ses:SendRawEmail (sesform smtp_users do)"),
            );
        }
        let user = &facts_key.user_name;
        let named = ctx.client().and_then(|c| c.smtp_user.as_ref());
        if named.is_none()
            && let Some(spec) = ctx.spec
            && !spec.smtp_users.is_empty()
            && !spec.smtp_users.contains_key(user)
        {
            let managed: Vec<&str> = spec.smtp_users.keys().map(String::as_str).collect();
            out.push(
                ctx.at(
                    NAME,
                    Severity::Warning,
                    node,
                    format!(
                        "this key belongs to `{user}`, which is not one of the spec's smtp_users \
                         ({})",
                        managed.join(", ")
                    ),
                    "unmanaged user",
                )
                .with_help(
                    "use SMTP credentials of a user in `smtp_users` (and name it as the client's \
                     smtp_user), or add this user to the spec",
                ),
            );
        }
        if let Some(expected) = named
            && expected != user
        {
            out.push(
                ctx.at(
                    NAME,
                    Severity::Warning,
                    node,
                    format!(
                        "this key belongs to `{}`, but the spec says this client sends as `{expected}`",
                        facts_key.user_name
                    ),
                    "another user's key",
                )
                .with_help(format!("use SMTP credentials of `{expected}`")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::online::{AccessKeyFacts, LiveFacts};
    use crate::lint::testing::{app_with_smtp, ctx_for, with_client};

    const KEY: &str = "AKIAIOSFODNN7EXAMPLE";

    fn facts(active: bool, allowed: bool, user: &str) -> LiveFacts {
        LiveFacts {
            access_keys: [(
                KEY.to_string(),
                AccessKeyFacts {
                    user_name: user.into(),
                    active,
                    user_allows_send_raw_email: allowed,
                },
            )]
            .into(),
            ..LiveFacts::default()
        }
    }

    fn run(app: &crate::lint::app::App, facts: &LiveFacts) -> Vec<String> {
        run_with(app, None, facts)
    }

    fn run_with(
        app: &crate::lint::app::App,
        spec: Option<&crate::spec::Spec>,
        facts: &LiveFacts,
    ) -> Vec<String> {
        let mut out = Vec::new();
        super::check(&ctx_for(app, spec), facts, &mut out);
        out.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn users_outside_the_specs_smtp_users() {
        let spec: crate::spec::Spec = serde_yaml::from_str(
            "version: 1\nregion: eu-west-1\nsmtp_users:\n  app-mailer: {allow_from: [\"*\"]}\n  shop-mailer: {allow_from: [\"*\"]}\n",
        )
        .unwrap();
        let app = app_with_smtp("email-smtp.eu-west-1.amazonaws.com", KEY);
        let found = run_with(&app, Some(&spec), &facts(true, true, "someone"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains(
                "`someone`, which is not one of the spec's smtp_users (app-mailer, shop-mailer)"
            ),
            "{found:?}"
        );
        assert!(run_with(&app, Some(&spec), &facts(true, true, "shop-mailer")).is_empty());
        // A client that names its user gets the more precise finding only.
        let app = with_client(app, |c| c.smtp_user = Some("app-mailer".into()));
        let found = run_with(&app, Some(&spec), &facts(true, true, "someone"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("spec says"), "{found:?}");
    }

    #[test]
    fn keys_are_checked_against_the_account() {
        let app = app_with_smtp("email-smtp.eu-west-1.amazonaws.com", KEY);
        assert!(run(&app, &facts(true, true, "mailer")).is_empty());
        assert!(run(&app, &LiveFacts::default())[0].contains("does not exist"));
        assert!(run(&app, &facts(false, true, "mailer"))[0].contains("inactive"));
        assert!(run(&app, &facts(true, false, "mailer"))[0].contains("ses:SendRawEmail"));
        let app = with_client(app, |c| c.smtp_user = Some("shop-smtp".into()));
        assert!(run(&app, &facts(true, true, "mailer"))[0].contains("spec says"));
        assert!(run(&app, &facts(true, true, "shop-smtp")).is_empty());
    }

    #[test]
    fn non_ses_transports_are_not_checked() {
        let app = app_with_smtp("smtp.mailgun.org", KEY);
        assert!(run(&app, &LiveFacts::default()).is_empty());
    }
}
