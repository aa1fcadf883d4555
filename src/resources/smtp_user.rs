//! SMTP users: IAM users with sesform's least-privilege send policy, whose access key becomes
//! SMTP credentials. A key is managed only when the spec asks for credentials, and one whose
//! secret sesform never saw is reported, never silently replaced.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::{KindDef, Remark, Step, managed_tags, user_tags};
use crate::aws::AwsResult;
use crate::live::Live;
use crate::model::*;
use crate::resources::Context;
use crate::spec::{self, Spec};

pub const DEF: KindDef = KindDef {
    kind: Kind::SmtpUser,
    title: "SMTP users",
    desired,
    references: super::no_references,
    // Only the spec knows where credentials go.
    ignored_in_diff: &["credentials"],
    prepare,
    reconcile,
    apply: |step, ctx| Box::pin(apply(step, ctx)),
    export,
};

fn desired(spec: &Spec, out: &mut Vec<State>) {
    for (name, user) in &spec.smtp_users {
        out.push(State::SmtpUser(SmtpUserState {
            name: name.clone(),
            path: user.path.clone().unwrap_or_else(|| SMTP_USER_PATH.into()),
            policy: Some(smtp_policy(user, &spec.region)),
            tags: managed_tags(&user.tags, super::stack(spec), user.prevent_destroy),
            access_key: user.credentials.as_ref().map(|_| KEY_ACTIVE.to_string()),
            credentials: user.credentials.as_ref().map(credentials_target),
        }));
    }
}

/// The variable names a preset writes, by role.
fn preset_vars(preset: spec::CredentialsPreset) -> BTreeMap<String, String> {
    let vars: &[(&str, &str)] = match preset {
        spec::CredentialsPreset::Laravel => &[
            ("username", "MAIL_USERNAME"),
            ("password", "MAIL_PASSWORD"),
            ("host", "MAIL_HOST"),
            ("port", "MAIL_PORT"),
        ],
        spec::CredentialsPreset::Symfony => &[("dsn", "MAILER_DSN")],
    };
    vars.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn credentials_target(c: &spec::Credentials) -> CredentialsTarget {
    let preset = c.preset.unwrap_or(spec::CredentialsPreset::Laravel);
    let mut vars = preset_vars(preset);
    for (role, name) in &c.keys {
        vars.insert(super::wire(role), name.clone());
    }
    CredentialsTarget {
        dotenv: c.dotenv.clone(),
        stdout: c.stdout,
        preset: super::wire(&preset),
        vars,
        smtp_password: Sensitive,
    }
}

/// The inverse of [`credentials_target`]: names that differ from the preset's are overrides.
fn credentials_spec(t: &CredentialsTarget) -> spec::Credentials {
    let preset: spec::CredentialsPreset =
        super::enum_from(&t.preset).unwrap_or(spec::CredentialsPreset::Laravel);
    let defaults = preset_vars(preset);
    spec::Credentials {
        dotenv: t.dotenv.clone(),
        preset: (preset != spec::CredentialsPreset::Laravel).then_some(preset),
        keys: t
            .vars
            .iter()
            .filter(|(role, name)| defaults.get(*role) != Some(*name))
            .filter_map(|(role, name)| Some((super::enum_from(role)?, name.clone())))
            .collect(),
        stdout: t.stdout,
    }
}

/// The least-privilege inline policy of an SMTP user: send only, only as the allowed From
/// addresses, only in the spec's region.
pub fn smtp_policy(user: &spec::SmtpUser, region: &str) -> String {
    let mut actions = vec!["ses:SendRawEmail"];
    if user.allow_send_email {
        actions.push("ses:SendEmail");
    }
    let mut condition = json!({ "StringEquals": { "aws:RequestedRegion": region } });
    if !user.allow_from.iter().any(|p| p == "*") {
        condition["StringLike"] = json!({ "ses:FromAddress": user.allow_from });
    }
    canonical_json(&json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "SesformSmtpSend",
            "Effect": "Allow",
            "Action": actions,
            "Resource": "*",
            "Condition": condition,
        }]
    }))
}

/// What a policy document lets its holder send: as which From addresses (`*` for any), and
/// whether through SendEmail too. `None` when it allows no sending.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sending {
    pub allow_from: BTreeSet<String>,
    pub send_email: bool,
}

pub fn sending(document: &str) -> Option<Sending> {
    let document: Value = serde_json::from_str(document).ok()?;
    let mut out: Option<Sending> = None;
    for statement in statements(&document) {
        let actions = strings(&statement["Action"]);
        if statement["Effect"] != "Allow"
            || !actions
                .iter()
                .any(|a| a == "ses:SendRawEmail" || a == "ses:*")
        {
            continue;
        }
        let sending = out.get_or_insert_with(Sending::default);
        sending.send_email |= actions.iter().any(|a| a == "ses:SendEmail" || a == "ses:*");
        let from = strings(&statement["Condition"]["StringLike"]["ses:FromAddress"]);
        if from.is_empty() {
            sending.allow_from.insert("*".to_string());
        } else {
            sending.allow_from.extend(from);
        }
    }
    out
}

fn statements(document: &Value) -> Vec<Value> {
    match &document["Statement"] {
        Value::Array(items) => items.clone(),
        Value::Object(_) => vec![document["Statement"].clone()],
        _ => Vec::new(),
    }
}

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// A user sesform's policy does not let send is no SMTP user: left out, silently.
fn export(state: &State, spec: &mut Spec, _skipped: &mut Vec<String>) {
    let State::SmtpUser(user) = state else {
        return;
    };
    let Some(sending) = user.policy.as_deref().and_then(sending) else {
        return;
    };
    spec.smtp_users.insert(
        user.name.clone(),
        spec::SmtpUser {
            path: (user.path != SMTP_USER_PATH).then(|| user.path.clone()),
            allow_from: sending.allow_from.into_iter().collect(),
            allow_send_email: sending.send_email,
            credentials: user.credentials.as_ref().map(credentials_spec),
            tags: user_tags(&user.tags),
            prevent_destroy: user.tags.contains_key(PREVENT_DESTROY_TAG),
        },
    );
}

fn prepare(desired: &mut State, _: &Live) -> Vec<Remark> {
    match desired {
        State::SmtpUser(SmtpUserState {
            credentials: None, ..
        }) => vec![Remark::Note("has no `credentials`: sesform creates no access key for it, so it has no SMTP credentials; add `credentials:` (a dotenv file) to get them".into())],
        _ => Vec::new(),
    }
}

/// An access key is compared only when the spec asks for credentials; one whose secret
/// sesform never saw is reported and left alone.
fn reconcile(current: &mut State, desired: &mut State, _: &Live) -> Vec<Remark> {
    let (State::SmtpUser(live), State::SmtpUser(want)) = (current, desired) else {
        return Vec::new();
    };
    let user = &want.name;
    match (want.access_key.as_deref(), live.access_key.as_deref()) {
        (None, _) => {
            live.access_key = None;
            Vec::new()
        }
        (Some(_), Some(KEY_UNRECORDED)) => {
            live.access_key = want.access_key.clone();
            vec![Remark::Warning(format!(
                "has an access key whose secret sesform never saw (created elsewhere), so no SMTP credentials can be written; run `sesform smtp rotate {user}` to create a new key, write the credentials, and retire the old one"
            ))]
        }
        (Some(_), Some(KEY_INTERRUPTED)) => vec![Remark::Note("an earlier run stopped while creating an access key; apply keeps the key that run created if its credentials were written, otherwise deletes it (its secret is nowhere) and creates a new one; keys created elsewhere are kept".into())],
        _ => Vec::new(),
    }
}

async fn apply(step: &Step<'_>, ctx: &Context<'_>) -> AwsResult<()> {
    let iam = &ctx.clients.iam;
    match (step.before, step.after, step.action) {
        (_, Some(State::SmtpUser(after)), Action::Create) => {
            iam.create_user(&after.name, &after.path, &after.tags)
                .await
                .or_else(super::already_exists)?;
            if let Some(policy) = &after.policy {
                iam.put_user_policy(&after.name, SMTP_POLICY_NAME, policy)
                    .await?;
            }
            if after.access_key.as_deref() == Some(KEY_ACTIVE) {
                ctx.issue_key(after).await?;
            }
            Ok(())
        }
        (Some(State::SmtpUser(before)), Some(State::SmtpUser(after)), _) => {
            update(before, after, ctx).await
        }
        (Some(State::SmtpUser(before)), None, Action::Delete) => {
            iam.delete_user(&before.name, SMTP_POLICY_NAME).await
        }
        _ => Err(step.mismatch()),
    }
}

async fn update(before: &SmtpUserState, after: &SmtpUserState, ctx: &Context<'_>) -> AwsResult<()> {
    let iam = &ctx.clients.iam;
    if before.path != after.path {
        iam.set_path(&after.name, &after.path).await?;
        iam.retag(&after.name, &before.tags, &after.tags).await?;
        // Re-assert every tag after a move: IAM keeps them, but some IAM emulators
        // (moto 5) drop them, and TagUser with the same tags is a no-op.
        iam.retag(&after.name, &Tags::new(), &after.tags).await?;
    } else if before.tags != after.tags {
        iam.retag(&after.name, &before.tags, &after.tags).await?;
    }
    if before.policy != after.policy {
        match &after.policy {
            Some(policy) => {
                iam.put_user_policy(&after.name, SMTP_POLICY_NAME, policy)
                    .await?
            }
            None => {
                iam.delete_user_policy(&after.name, SMTP_POLICY_NAME)
                    .await?
            }
        }
    }
    if after.access_key.as_deref() == Some(KEY_ACTIVE) && before.access_key != after.access_key {
        let adopted = before.access_key.as_deref() == Some(KEY_INTERRUPTED)
            && ctx.recover_interrupted_key(after).await?;
        if !adopted {
            ctx.issue_key(after).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_is_the_inverse_of_desired() {
        super::super::tests::round_trip(
            "version: 1
region: eu-west-1
smtp_users:
  app:
    path: /apps/
    allow_from: ['*@example.com', noreply@example.org]
    allow_send_email: true
    credentials:
      dotenv: .env.mail
      preset: symfony
      keys: {dsn: SES_DSN}
    tags: {team: mail}
    prevent_destroy: true
  laravel:
    allow_from: ['*']
    credentials:
      dotenv: .env
      keys: {password: SES_PASSWORD}
  stdout:
    allow_from: [a@example.com]
    credentials: {stdout: true}
",
            "version: 1
region: eu-west-1
smtp_users:
  app:
    path: /sesform/
    allow_from: ['*']
    allow_send_email: false
    credentials:
      dotenv: .env
      preset: laravel
      keys: {username: MAIL_USERNAME}
",
        );
    }

    #[test]
    fn policy_is_least_privilege() {
        let user = spec::SmtpUser {
            allow_from: vec!["*@example.com".into()],
            ..Default::default()
        };
        let policy: Value = serde_json::from_str(&smtp_policy(&user, "eu-west-1")).unwrap();
        let statement = &policy["Statement"][0];
        assert_eq!(statement["Action"], json!(["ses:SendRawEmail"]));
        assert_eq!(
            statement["Condition"]["StringLike"]["ses:FromAddress"],
            json!(["*@example.com"])
        );
        assert_eq!(
            statement["Condition"]["StringEquals"]["aws:RequestedRegion"],
            "eu-west-1"
        );
    }
}
