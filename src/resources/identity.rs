//! Identities: domains (with DKIM and MAIL FROM) and email addresses.

use super::{
    KindDef, Step, enum_from, managed_tags, nothing_to_prepare, nothing_to_reconcile, user_tags,
};
use crate::aws::AwsResult;
use crate::model::*;
use crate::resources::Context;
use crate::spec::{self, Spec};

pub const DEF: KindDef = KindDef {
    kind: Kind::Identity,
    title: "Identities",
    desired,
    references,
    // Only the spec knows where the BYODKIM key is read from.
    ignored_in_diff: &["dkim.private_key_from"],
    prepare: nothing_to_prepare,
    reconcile: nothing_to_reconcile,
    apply: |step, ctx| Box::pin(apply(step, ctx)),
    export,
};

fn desired(spec: &Spec, out: &mut Vec<State>) {
    for (name, identity) in &spec.identities {
        out.push(State::Identity(state(name, identity, super::stack(spec))));
    }
}

fn state(name: &str, identity: &spec::Identity, stack: &str) -> IdentityState {
    let is_domain = !name.contains('@');
    IdentityState {
        name: name.to_string(),
        identity_type: if is_domain {
            IdentityType::Domain
        } else {
            IdentityType::EmailAddress
        },
        dkim: is_domain.then(|| dkim(identity.dkim.clone().unwrap_or_default())),
        mail_from: identity.mail_from.as_ref().map(|m| MailFromState {
            domain: m.domain.clone(),
            on_mx_failure: MxFailure::from(
                m.on_mx_failure
                    .unwrap_or(spec::MxFailure::UseDefaultValue)
                    .as_str(),
            ),
        }),
        configuration_set: identity.configuration_set.clone(),
        feedback_forwarding: identity.feedback_forwarding.unwrap_or(true),
        tags: managed_tags(&identity.tags, stack, identity.prevent_destroy),
    }
}

fn dkim(spec_dkim: spec::Dkim) -> DkimState {
    let signing_enabled = spec_dkim.enabled.unwrap_or(true);
    match &spec_dkim.byodkim {
        Some(byo) => DkimState {
            signing_enabled,
            origin: DkimOrigin::External,
            key_length: None,
            selector: Some(byo.selector.clone()),
            private_key_from: match (&byo.private_key.file, &byo.private_key.env) {
                (Some(file), _) => Some(format!("file:{file}")),
                (_, Some(env)) => Some(format!("env:{env}")),
                // Validation guarantees one secret source.
                _ => None,
            },
        },
        None => DkimState {
            signing_enabled,
            origin: DkimOrigin::AwsSes,
            key_length: Some(KeyLength::from(
                spec_dkim
                    .easy
                    .and_then(|e| e.key_length)
                    .unwrap_or(spec::DkimKeyLength::RSA_2048_BIT)
                    .as_str(),
            )),
            selector: None,
            private_key_from: None,
        },
    }
}

fn references(state: &State) -> Vec<Address> {
    match state {
        State::Identity(i) => i
            .configuration_set
            .iter()
            .map(|s| Address::configuration_set(s))
            .collect(),
        _ => Vec::new(),
    }
}

/// Defaults are left out. A BYODKIM key's source is the spec's (a live identity has none, so
/// an environment variable named after the domain stands in); a MAIL FROM domain on an email
/// address is left out: a spec sets MAIL FROM on the domain identity.
fn export(state: &State, spec: &mut Spec, skipped: &mut Vec<String>) {
    let State::Identity(i) = state else {
        return;
    };
    let mut mail_from = i.mail_from.as_ref();
    if i.identity_type == IdentityType::EmailAddress
        && let Some(m) = mail_from.take()
    {
        skipped.push(format!(
            "identity.{}.mail_from: a custom MAIL FROM domain (`{}`) on an email address; a spec sets MAIL FROM on the domain identity",
            i.name, m.domain
        ));
    }
    spec.identities.insert(
        i.name.clone(),
        spec::Identity {
            dkim: i.dkim.as_ref().and_then(|d| dkim_spec(&i.name, d)),
            mail_from: mail_from.map(|m| spec::MailFrom {
                domain: m.domain.clone(),
                on_mx_failure: enum_from(m.on_mx_failure.as_str())
                    .filter(|b| *b != spec::MxFailure::UseDefaultValue),
            }),
            configuration_set: i.configuration_set.clone(),
            feedback_forwarding: (!i.feedback_forwarding).then_some(false),
            tags: user_tags(&i.tags),
            prevent_destroy: i.tags.contains_key(PREVENT_DESTROY_TAG),
        },
    );
}

fn dkim_spec(name: &str, d: &DkimState) -> Option<spec::Dkim> {
    let enabled = (!d.signing_enabled).then_some(false);
    if d.origin == DkimOrigin::External {
        let private_key = match d.private_key_from.as_deref() {
            Some(source) if source.starts_with("file:") => spec::SecretSource {
                file: source.strip_prefix("file:").map(str::to_string),
                env: None,
            },
            source => spec::SecretSource {
                file: None,
                env: Some(
                    source
                        .and_then(|s| s.strip_prefix("env:"))
                        .map(str::to_string)
                        .unwrap_or_else(|| {
                            format!("DKIM_KEY_{}", name.to_uppercase().replace(['.', '-'], "_"))
                        }),
                ),
            },
        };
        return Some(spec::Dkim {
            enabled,
            easy: None,
            byodkim: Some(spec::Byodkim {
                selector: d.selector.clone().unwrap_or_default(),
                private_key,
            }),
        });
    }
    let key = d
        .key_length
        .as_ref()
        .filter(|k| **k != KeyLength::Rsa2048)
        .and_then(|k| enum_from(k.as_str()));
    (enabled.is_some() || key.is_some()).then(|| spec::Dkim {
        enabled,
        easy: key.map(|k| spec::EasyDkim {
            key_length: Some(k),
        }),
        byodkim: None,
    })
}

async fn apply(step: &Step<'_>, ctx: &Context<'_>) -> AwsResult<()> {
    let ses = &ctx.clients.ses;
    match (step.before, step.after, step.action) {
        (_, Some(State::Identity(after)), Action::Create) => {
            let key = ctx.private_key(after)?;
            ses.create_identity(after, key.as_deref())
                .await
                .or_else(super::already_exists)?;
            // What CreateEmailIdentity leaves at AWS defaults (DKIM signing on, no MAIL FROM,
            // feedback forwarding on) is set next.
            let created = IdentityState {
                mail_from: None,
                feedback_forwarding: true,
                dkim: after.dkim.clone().map(|dkim| DkimState {
                    signing_enabled: true,
                    ..dkim
                }),
                ..after.clone()
            };
            ses.update_identity(&created, after, key.as_deref(), "")
                .await
        }
        (Some(State::Identity(before)), Some(State::Identity(after)), _) => {
            let new_key = before.dkim.as_ref().map(|d| (&d.origin, &d.selector))
                != after.dkim.as_ref().map(|d| (&d.origin, &d.selector));
            let key = if new_key {
                ctx.private_key(after)?
            } else {
                None
            };
            let account = ctx.account_id_if(before.tags != after.tags).await?;
            ses.update_identity(before, after, key.as_deref(), &account)
                .await
        }
        (Some(State::Identity(before)), None, Action::Delete) => {
            ses.delete_identity(&before.name).await
        }
        _ => Err(step.mismatch()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn export_is_the_inverse_of_desired() {
        super::super::tests::round_trip(
            "version: 1
region: eu-west-1
configuration_sets:
  tx: {}
identities:
  byo.example.com:
    dkim:
      enabled: false
      byodkim:
        selector: s1
        private_key: {file: keys/byo.pem}
  env.example.com:
    dkim:
      byodkim:
        selector: s2
        private_key: {env: DKIM_KEY}
  example.com:
    dkim:
      enabled: false
      easy: {key_length: RSA_1024_BIT}
    mail_from:
      domain: mail.example.com
      on_mx_failure: REJECT_MESSAGE
    configuration_set: tx
    feedback_forwarding: false
    tags: {team: mail}
    prevent_destroy: true
  noreply@example.com: {}
",
            "version: 1
region: eu-west-1
identities:
  example.com:
    dkim:
      enabled: true
      easy: {key_length: RSA_2048_BIT}
    mail_from:
      domain: mail.example.com
      on_mx_failure: USE_DEFAULT_VALUE
    feedback_forwarding: true
",
        );
    }
}
