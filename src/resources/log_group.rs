//! The CloudWatch Logs log group of the event log (`event_log`), with its retention.

use super::{KindDef, Step, managed_tags, nothing_to_prepare, nothing_to_reconcile, user_tags};
use crate::aws::AwsResult;
use crate::model::*;
use crate::resources::Context;
use crate::spec::Spec;

pub const DEF: KindDef = KindDef {
    kind: Kind::LogGroup,
    title: "Event log: CloudWatch Logs log group",
    desired,
    references: super::no_references,
    ignored_in_diff: &[],
    prepare: nothing_to_prepare,
    reconcile: nothing_to_reconcile,
    apply: |step, ctx| Box::pin(apply(step, ctx)),
    export,
};

fn desired(spec: &Spec, out: &mut Vec<State>) {
    let Some(log) = &spec.event_log else {
        return;
    };
    out.push(State::LogGroup(LogGroupState {
        name: super::event_log_group(spec),
        retention_days: Some(log.retention_days()),
        tags: managed_tags(&log.tags, super::stack(spec), log.prevent_destroy),
    }));
}

/// The log's name (when not the stack's default), retention, tags and `prevent_destroy`.
fn export(state: &State, spec: &mut Spec, skipped: &mut Vec<String>) {
    let State::LogGroup(group) = state else {
        return;
    };
    let stack = super::stack(spec).to_string();
    let log = spec.event_log.get_or_insert_with(Default::default);
    if group.name != event_log::default_log_group(&stack) {
        log.log_group = Some(group.name.clone());
    }
    match group.retention_days {
        Some(days) if days != crate::spec::EventLog::DEFAULT_RETENTION_DAYS => {
            log.retention_days = Some(days);
        }
        Some(_) => {}
        None => skipped.push(format!(
            "log_group.{}: events never expire; the spec sets a retention (default 30 days)",
            group.name
        )),
    }
    log.tags = user_tags(&group.tags);
    log.prevent_destroy = group.tags.contains_key(PREVENT_DESTROY_TAG);
}

async fn apply(step: &Step<'_>, ctx: &Context<'_>) -> AwsResult<()> {
    let logs = &ctx.clients.logs;
    match (step.before, step.after, step.action) {
        (_, Some(State::LogGroup(after)), Action::Create) => {
            logs.create_log_group(&after.name, &after.tags)
                .await
                .or_else(super::already_exists)?;
            retention(ctx, after).await
        }
        (Some(State::LogGroup(before)), Some(State::LogGroup(after)), _) => {
            if before.retention_days != after.retention_days {
                retention(ctx, after).await?;
            }
            if before.tags != after.tags {
                let arn = group_arn(ctx, &after.name).await?;
                logs.retag(&arn, &before.tags, &after.tags).await?;
            }
            Ok(())
        }
        (Some(State::LogGroup(before)), None, Action::Delete) => {
            logs.delete_log_group(&before.name).await
        }
        _ => Err(step.mismatch()),
    }
}

async fn retention(ctx: &Context<'_>, group: &LogGroupState) -> AwsResult<()> {
    match group.retention_days {
        Some(days) => {
            let days = i32::try_from(days).unwrap_or(i32::MAX);
            ctx.clients.logs.put_retention(&group.name, days).await
        }
        None => ctx.clients.logs.delete_retention(&group.name).await,
    }
}

/// The group's ARN as tagging and EventBridge targets write it (no `:*`).
pub(super) async fn group_arn(ctx: &Context<'_>, name: &str) -> AwsResult<String> {
    Ok(arn(
        "logs",
        ctx.region,
        &ctx.account_id().await?,
        &format!("log-group:{name}"),
    ))
}

#[cfg(test)]
mod tests {
    /// The whole event log (group, policy, rule and the sets' destinations) round-trips.
    #[test]
    fn export_is_the_inverse_of_desired() {
        super::super::tests::round_trip(
            "version: 1
region: eu-west-1
stack: mail
configuration_sets:
  marketing: {}
  tx: {}
event_log:
  retention_days: 90
  configuration_sets: [tx]
  events: [SEND, BOUNCE]
  log_group: /mail/ses-events
  tags: {team: mail}
  prevent_destroy: true
",
            "version: 1
region: eu-west-1
configuration_sets:
  tx: {}
event_log:
  retention_days: 30
  configuration_sets: all
  events: [SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION]
  log_group: /aws/events/sesform/default
",
        );
    }
}
