//! The CloudWatch Logs resource policy that lets the event log's EventBridge rule write to its
//! log group. Untagged (CloudWatch Logs cannot tag resource policies): it belongs to the stack by
//! its name, `sesform-<stack>-event-log`, and follows its log group.

use super::{KindDef, Step, nothing_to_prepare, nothing_to_reconcile};
use crate::aws::AwsResult;
use crate::model::*;
use crate::resources::Context;
use crate::spec::Spec;

pub const DEF: KindDef = KindDef {
    kind: Kind::LogPolicy,
    title: "Event log: CloudWatch Logs resource policy",
    desired,
    references,
    ignored_in_diff: &[],
    prepare: nothing_to_prepare,
    reconcile: nothing_to_reconcile,
    apply: |step, ctx| Box::pin(apply(step, ctx)),
    export: |_, _, _| {},
};

fn desired(spec: &Spec, out: &mut Vec<State>) {
    if spec.event_log.is_none() {
        return;
    }
    let stack = super::stack(spec);
    out.push(State::LogPolicy(LogPolicyState {
        name: event_log::policy_name(stack),
        log_group: super::event_log_group(spec),
        rule: event_log::rule_name(stack),
        standard_document: true,
    }));
}

/// The group it opens must exist first (the rule may come after: the condition only names it).
fn references(state: &State) -> Vec<Address> {
    match state {
        State::LogPolicy(p) => vec![Address::log_group(&p.log_group)],
        _ => Vec::new(),
    }
}

async fn apply(step: &Step<'_>, ctx: &Context<'_>) -> AwsResult<()> {
    let logs = &ctx.clients.logs;
    match (step.after, step.action) {
        (Some(State::LogPolicy(after)), Action::Create | Action::Update) => {
            let group = super::log_group::group_arn(ctx, &after.log_group).await?;
            let rule = super::event_rule::rule_arn(ctx, &after.rule).await?;
            logs.put_resource_policy(&after.name, &event_log::policy_document(&group, &rule))
                .await
        }
        (None, Action::Delete) => match step.before {
            Some(State::LogPolicy(before)) => logs.delete_resource_policy(&before.name).await,
            _ => Err(step.mismatch()),
        },
        _ => Err(step.mismatch()),
    }
}
