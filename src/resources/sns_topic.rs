//! SNS topics that receive SES events, by name in the spec's account.

use super::{KindDef, Step, managed_tags, nothing_to_prepare, nothing_to_reconcile, user_tags};
use crate::aws::AwsResult;
use crate::model::*;
use crate::resources::Context;
use crate::spec::{self, Spec};

pub const DEF: KindDef = KindDef {
    kind: Kind::SnsTopic,
    title: "SNS topics",
    desired,
    references: super::no_references,
    ignored_in_diff: &[],
    prepare: nothing_to_prepare,
    reconcile: nothing_to_reconcile,
    apply: |step, ctx| Box::pin(apply(step, ctx)),
    export,
};

fn desired(spec: &Spec, out: &mut Vec<State>) {
    for (name, topic) in &spec.sns_topics {
        out.push(State::SnsTopic(TopicState {
            name: name.clone(),
            tags: managed_tags(&topic.tags, super::stack(spec), topic.prevent_destroy),
        }));
    }
}

/// The topic without subscriptions: they are a kind of their own, exported after it.
fn export(state: &State, spec: &mut Spec, _skipped: &mut Vec<String>) {
    let State::SnsTopic(topic) = state else {
        return;
    };
    spec.sns_topics.insert(
        topic.name.clone(),
        spec::SnsTopic {
            subscriptions: Vec::new(),
            tags: user_tags(&topic.tags),
            prevent_destroy: topic.tags.contains_key(PREVENT_DESTROY_TAG),
        },
    );
}

async fn apply(step: &Step<'_>, ctx: &Context<'_>) -> AwsResult<()> {
    let sns = &ctx.clients.sns;
    match (step.before, step.after, step.action) {
        (_, Some(State::SnsTopic(after)), Action::Create) => {
            let arn = sns.create_topic(&after.name, &after.tags).await?;
            ctx.created_topic(&after.name, arn).await;
            Ok(())
        }
        (Some(State::SnsTopic(before)), Some(State::SnsTopic(after)), _) => {
            let arn = ctx.topic_arn(&after.name).await?;
            sns.retag(&arn, &before.tags, &after.tags).await
        }
        (Some(State::SnsTopic(before)), None, Action::Delete) => {
            let arn = match step.arn {
                Some(arn) => arn.to_string(),
                None => ctx.topic_arn(&before.name).await?,
            };
            sns.delete_topic(&arn).await
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
stack: mail
sns_topics:
  events:
    tags: {team: mail}
    prevent_destroy: true
",
            "version: 1
region: eu-west-1
sns_topics:
  events:
    subscriptions: []
    tags: {}
    prevent_destroy: false
",
        );
    }
}
