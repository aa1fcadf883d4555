//! Subscriptions to the spec's SNS topics. SNS hides a subscription pending confirmation (no
//! ARN, no attributes), so such a one can neither differ nor be deleted.

use serde_json::Value;

use super::{KindDef, Remark, Step, nothing_to_prepare};
use crate::aws::AwsResult;
use crate::live::Live;
use crate::model::*;
use crate::resources::Context;
use crate::spec::{self, Spec};

pub const DEF: KindDef = KindDef {
    kind: Kind::SnsSubscription,
    title: "SNS subscriptions",
    desired,
    references,
    ignored_in_diff: &[],
    prepare: nothing_to_prepare,
    reconcile,
    apply: |step, ctx| Box::pin(apply(step, ctx)),
    export,
};

fn desired(spec: &Spec, out: &mut Vec<State>) {
    for (name, topic) in &spec.sns_topics {
        for sub in &topic.subscriptions {
            out.push(State::SnsSubscription(SubscriptionState {
                topic: name.clone(),
                protocol: sub.protocol.as_str().to_string(),
                endpoint: sub.endpoint.clone(),
                raw_message_delivery: sub.raw_message_delivery.unwrap_or(false),
            }));
        }
    }
}

fn references(state: &State) -> Vec<Address> {
    match state {
        State::SnsSubscription(s) => vec![Address::sns_topic(&s.topic)],
        _ => Vec::new(),
    }
}

/// A pending subscription's attributes are unknown: they cannot differ until it is confirmed.
fn reconcile(current: &mut State, desired: &mut State, live: &Live) -> Vec<Remark> {
    let address = current.address();
    if let (State::SnsSubscription(have), State::SnsSubscription(want)) = (current, desired)
        && !live.subscription_arns.contains_key(&address)
    {
        have.raw_message_delivery = want.raw_message_delivery;
        return vec![Remark::Note(
            "subscription is pending confirmation by its endpoint".into(),
        )];
    }
    Vec::new()
}

/// Into its topic's entry (exported before it). A protocol the spec does not know, or an
/// endpoint that holds a secret, is left out.
fn export(state: &State, spec: &mut Spec, skipped: &mut Vec<String>) {
    let State::SnsSubscription(sub) = state else {
        return;
    };
    let name = &sub.topic;
    let Ok(protocol) =
        serde_json::from_value::<spec::SubscriptionProtocol>(Value::from(sub.protocol.clone()))
    else {
        skipped.push(format!(
            "sns_subscription.{name}.{}:{}: unknown protocol",
            sub.protocol, sub.endpoint
        ));
        return;
    };
    if crate::secret::find_secret(&sub.endpoint).is_some() {
        // A spec never holds a secret (a webhook password in the URL, a token).
        skipped.push(format!(
            "sns_subscription.{name}.{}: its endpoint holds a secret, which a spec never does; keep it out of sesform or move the secret out of the URL",
            sub.protocol
        ));
        return;
    }
    if let Some(topic) = spec.sns_topics.get_mut(name) {
        topic.subscriptions.push(spec::Subscription {
            protocol,
            endpoint: sub.endpoint.clone(),
            raw_message_delivery: sub.raw_message_delivery.then_some(true),
        });
    }
}

async fn apply(step: &Step<'_>, ctx: &Context<'_>) -> AwsResult<()> {
    let sns = &ctx.clients.sns;
    match (step.before, step.after, step.action) {
        (_, Some(State::SnsSubscription(after)), Action::Create) => {
            let topic = ctx.topic_arn(&after.topic).await?;
            sns.subscribe(
                &topic,
                &after.protocol,
                &after.endpoint,
                after.raw_message_delivery,
            )
            .await
        }
        // Without an ARN the subscription is pending: nothing can be set or deleted yet.
        (Some(State::SnsSubscription(_)), Some(State::SnsSubscription(after)), _) => {
            match step.arn {
                Some(arn) => {
                    sns.set_raw_message_delivery(arn, after.raw_message_delivery)
                        .await
                }
                None => Ok(()),
            }
        }
        (Some(State::SnsSubscription(_)), None, Action::Delete) => match step.arn {
            Some(arn) => sns.unsubscribe(arn).await,
            None => Ok(()),
        },
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
sns_topics:
  events:
    subscriptions:
      - protocol: email-json
        endpoint: ops@example.com
      - protocol: https
        endpoint: https://hooks.example.com/ses
        raw_message_delivery: true
",
            "version: 1
region: eu-west-1
sns_topics:
  events:
    subscriptions:
      - protocol: sqs
        endpoint: arn:aws:sqs:eu-west-1:123456789012:events
        raw_message_delivery: false
",
        );
    }
}
