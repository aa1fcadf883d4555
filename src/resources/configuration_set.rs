//! Configuration sets: delivery options, reputation metrics, suppression and tracking. Their
//! event destinations are a kind of their own.

use super::account::{reasons, spec_reasons};
use super::{KindDef, Remark, Step, enum_from, managed_tags, nothing_to_prepare, typed, user_tags};
use crate::aws::AwsResult;
use crate::live::Live;
use crate::model::*;
use crate::resources::Context;
use crate::spec::{self, Spec};

pub const DEF: KindDef = KindDef {
    kind: Kind::ConfigurationSet,
    title: "Configuration sets",
    desired,
    references: super::no_references,
    ignored_in_diff: &[],
    prepare: nothing_to_prepare,
    reconcile,
    apply: |step, ctx| Box::pin(apply(step, ctx)),
    export,
};

fn desired(spec: &Spec, out: &mut Vec<State>) {
    for (name, set) in &spec.configuration_sets {
        out.push(State::ConfigurationSet(ConfigurationSetState {
            name: name.to_string(),
            tls: typed(&set.tls.unwrap_or(spec::TlsPolicy::Optional)),
            sending_enabled: set.sending_enabled.unwrap_or(true),
            reputation_metrics: set.reputation_metrics.unwrap_or(false),
            suppression: set.suppression.as_deref().map(reasons),
            tracking: set.tracking.as_ref().map(|t| TrackingState {
                custom_redirect_domain: t.custom_redirect_domain.clone(),
                https_policy: typed(&t.https_policy.unwrap_or(spec::HttpsPolicy::Optional)),
            }),
            tags: managed_tags(&set.tags, super::stack(spec), set.prevent_destroy),
        }));
    }
}

/// Once set, a configuration set's suppression options can be changed, not removed: a spec
/// that leaves them out leaves them as they are.
fn reconcile(current: &mut State, desired: &mut State, _: &Live) -> Vec<Remark> {
    if let (State::ConfigurationSet(have), State::ConfigurationSet(want)) = (current, desired)
        && want.suppression.is_none()
    {
        want.suppression = have.suppression.clone();
    }
    Vec::new()
}

/// The set without its destinations (exported after it); defaults are left out.
fn export(state: &State, spec: &mut Spec, _skipped: &mut Vec<String>) {
    let State::ConfigurationSet(c) = state else {
        return;
    };
    spec.configuration_sets.insert(
        c.name.clone(),
        spec::ConfigurationSet {
            tls: (c.tls == TlsPolicy::Require).then_some(spec::TlsPolicy::Require),
            sending_enabled: (!c.sending_enabled).then_some(false),
            reputation_metrics: c.reputation_metrics.then_some(true),
            suppression: c.suppression.as_ref().map(spec_reasons),
            tracking: c.tracking.as_ref().map(|t| spec::Tracking {
                custom_redirect_domain: t.custom_redirect_domain.clone(),
                https_policy: enum_from(t.https_policy.as_str())
                    .filter(|p| *p != spec::HttpsPolicy::Optional),
            }),
            tags: user_tags(&c.tags),
            event_destinations: Default::default(),
            prevent_destroy: c.tags.contains_key(PREVENT_DESTROY_TAG),
        },
    );
}

async fn apply(step: &Step<'_>, ctx: &Context<'_>) -> AwsResult<()> {
    let ses = &ctx.clients.ses;
    match (step.before, step.after, step.action) {
        (_, Some(State::ConfigurationSet(after)), Action::Create) => ses
            .create_configuration_set(after)
            .await
            .or_else(super::already_exists),
        (Some(State::ConfigurationSet(before)), Some(State::ConfigurationSet(after)), _) => {
            let account = ctx.account_id_if(before.tags != after.tags).await?;
            ses.update_configuration_set(before, after, &account).await
        }
        (Some(State::ConfigurationSet(before)), None, Action::Delete) => {
            ses.delete_configuration_set(&before.name).await
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
  tx:
    tls: REQUIRE
    sending_enabled: false
    reputation_metrics: true
    suppression: [COMPLAINT]
    tracking:
      custom_redirect_domain: click.example.com
      https_policy: REQUIRE_OPEN_ONLY
    tags: {team: mail}
    prevent_destroy: true
",
            "version: 1
region: eu-west-1
configuration_sets:
  tx:
    tls: OPTIONAL
    sending_enabled: true
    reputation_metrics: false
    suppression: []
    tracking:
      custom_redirect_domain: click.example.com
      https_policy: OPTIONAL
",
        );
    }
}
