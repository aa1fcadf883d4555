//! The event log's EventBridge rule: on the default bus (the only one SES publishes to), it
//! matches `source: aws.ses` and the logged configuration sets, and targets the log group.

use super::{KindDef, Remark, Step, managed_tags, nothing_to_prepare};
use crate::aws::AwsResult;
use crate::aws::eventbridge::RuleSpec;
use crate::live::Live;
use crate::model::*;
use crate::resources::Context;
use crate::spec::{self, Spec};

pub const DEF: KindDef = KindDef {
    kind: Kind::EventRule,
    title: "Event log: EventBridge rule",
    desired,
    references,
    ignored_in_diff: &[],
    prepare: nothing_to_prepare,
    reconcile,
    apply: |step, ctx| Box::pin(apply(step, ctx)),
    export,
};

const DESCRIPTION: &str = "SES events of a sesform stack, to its event log";

fn desired(spec: &Spec, out: &mut Vec<State>) {
    let Some(log) = &spec.event_log else {
        return;
    };
    let stack = super::stack(spec);
    out.push(State::EventRule(EventRuleState {
        name: event_log::rule_name(stack),
        event_pattern: event_log::rule_pattern(log.set_names(spec)),
        enabled: true,
        log_group: super::event_log_group(spec),
        tags: managed_tags(&log.tags, stack, false),
    }));
}

/// Its target group, and the policy that lets it write there, come first.
fn references(state: &State) -> Vec<Address> {
    match state {
        State::EventRule(r) if !r.log_group.starts_with("arn:") => {
            vec![Address::log_group(&r.log_group)]
        }
        _ => Vec::new(),
    }
}

/// A target in this account and region is named, as the spec names it.
fn reconcile(live: &mut State, _desired: &mut State, facts: &Live) -> Vec<Remark> {
    if let State::EventRule(rule) = live
        && let Some(name) = own_log_group(&rule.log_group, &facts.account_id)
    {
        rule.log_group = name;
    }
    Vec::new()
}

/// `arn:P:logs:R:ACCOUNT:log-group:NAME` of `account` -> NAME.
fn own_log_group(target: &str, account: &str) -> Option<String> {
    let parts: Vec<&str> = target.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "logs", _, a, _] if *a == account => {
            event_log::log_group_of(target).map(str::to_string)
        }
        _ => None,
    }
}

/// The logged sets: `all` when they are every set of the spec (exported before the rule).
fn export(state: &State, spec: &mut Spec, skipped: &mut Vec<String>) {
    let State::EventRule(rule) = state else {
        return;
    };
    let Some(sets) = event_log::pattern_sets(&rule.event_pattern) else {
        skipped.push(format!(
            "event_rule.{}: its pattern is not the one sesform writes",
            rule.name
        ));
        return;
    };
    let all: Vec<&String> = spec.configuration_sets.keys().collect();
    let selection = if sets.iter().collect::<Vec<_>>() == all {
        None
    } else {
        Some(spec::SetSelection::Named(sets))
    };
    spec.event_log
        .get_or_insert_with(Default::default)
        .configuration_sets = selection;
}

async fn apply(step: &Step<'_>, ctx: &Context<'_>) -> AwsResult<()> {
    let events = &ctx.clients.events;
    match (step.before, step.after, step.action) {
        (_, Some(State::EventRule(after)), Action::Create) => {
            events
                .put_rule(&rule_spec(after), Some(&after.tags))
                .await?;
            put_target(ctx, after).await
        }
        // Only what changed: PutRule for the pattern or state, PutTargets for the group.
        (Some(State::EventRule(before)), Some(State::EventRule(after)), _) => {
            if (&before.event_pattern, before.enabled) != (&after.event_pattern, after.enabled) {
                events.put_rule(&rule_spec(after), None).await?;
            }
            if before.tags != after.tags {
                let arn = rule_arn(ctx, &after.name).await?;
                events.retag(&arn, &before.tags, &after.tags).await?;
            }
            if before.log_group != after.log_group {
                put_target(ctx, after).await?;
            }
            Ok(())
        }
        (Some(State::EventRule(before)), None, Action::Delete) => {
            events
                .delete_rule(&before.name, &[event_log::TARGET_ID.to_string()])
                .await
        }
        _ => Err(step.mismatch()),
    }
}

fn rule_spec(rule: &EventRuleState) -> RuleSpec<'_> {
    RuleSpec {
        name: &rule.name,
        pattern: &rule.event_pattern,
        enabled: rule.enabled,
        description: DESCRIPTION,
    }
}

/// The rule's one target: its log group, by ARN.
async fn put_target(ctx: &Context<'_>, rule: &EventRuleState) -> AwsResult<()> {
    let target = if rule.log_group.starts_with("arn:") {
        rule.log_group.clone()
    } else {
        super::log_group::group_arn(ctx, &rule.log_group).await?
    };
    ctx.clients
        .events
        .put_target(&rule.name, event_log::TARGET_ID, &target)
        .await
}

/// The rule's ARN on the default bus, as the resource policy's condition names it.
pub(super) async fn rule_arn(ctx: &Context<'_>, name: &str) -> AwsResult<String> {
    Ok(arn(
        "events",
        ctx.region,
        &ctx.account_id().await?,
        &format!("rule/{name}"),
    ))
}
