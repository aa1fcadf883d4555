//! Event destinations of a configuration set: which events go to an SNS topic, CloudWatch,
//! EventBridge or Firehose. A topic of the spec's account is named; another account's keeps its
//! ARN (see [`Target::own_topic`]).

use super::{KindDef, Remark, Step, enum_from, nothing_to_reconcile, typed};
use crate::aws::{AwsResult, ErrorKind};
use crate::live::Live;
use crate::model::*;
use crate::resources::Context;
use crate::spec::{self, Spec};

pub const DEF: KindDef = KindDef {
    kind: Kind::EventDestination,
    title: "Event destinations",
    desired,
    references,
    ignored_in_diff: &[],
    prepare,
    reconcile: nothing_to_reconcile,
    apply: |step, ctx| Box::pin(apply(step, ctx)),
    export,
};

fn desired(spec: &Spec, out: &mut Vec<State>) {
    event_log_destinations(spec, out);
    for (set, config) in &spec.configuration_sets {
        for (name, dest) in &config.event_destinations {
            if let Some(target) = target(spec, dest) {
                out.push(State::EventDestination(EventDestinationState {
                    configuration_set: set.to_string(),
                    name: name.to_string(),
                    enabled: dest.enabled.unwrap_or(true),
                    events: dest
                        .events
                        .iter()
                        .map(|e| EventType::from(e.as_str()))
                        .collect(),
                    target,
                }));
            }
        }
    }
}

/// The event log's destination on each set it logs: every recorded event type to the default
/// bus, where the log's rule picks them up.
fn event_log_destinations(spec: &Spec, out: &mut Vec<State>) {
    let Some(log) = &spec.event_log else {
        return;
    };
    for set in log.set_names(spec) {
        out.push(State::EventDestination(EventDestinationState {
            configuration_set: set.to_string(),
            name: event_log::DESTINATION_NAME.to_string(),
            enabled: true,
            events: log
                .event_types()
                .iter()
                .map(|e| EventType::from(e.as_str()))
                .collect(),
            target: Target::EventBridge(EventBus::Default {
                region: spec.region.clone(),
            }),
        }));
    }
}

/// The destination's one target (validation guarantees exactly one).
fn target(spec: &Spec, dest: &spec::EventDestination) -> Option<Target> {
    if let Some(topic) = &dest.sns_topic {
        // An ARN stays an ARN: only the live account can tell whether it is one of its own
        // topics (see `Target::own_topic`), and another account's topic must keep its account.
        return Some(Target::SnsTopic(topic.clone()));
    }
    if let Some(cw) = &dest.cloudwatch {
        let mut dims: Vec<Dimension> = cw
            .dimensions
            .iter()
            .map(|d| Dimension {
                name: d.name.clone(),
                source: typed(&d.source),
                default_value: d.default_value.clone(),
            })
            .collect();
        dims.sort();
        return Some(Target::CloudWatch(dims));
    }
    if let Some(eb) = &dest.eventbridge {
        return Some(Target::EventBridge(match &eb.event_bus_arn {
            Some(arn) => EventBus::from_arn(arn),
            // The account id is not known offline.
            None => EventBus::Default {
                region: spec.region.clone(),
            },
        }));
    }
    dest.firehose.as_ref().map(|fh| Target::Firehose {
        delivery_stream_arn: fh.delivery_stream_arn.clone(),
        iam_role_arn: fh.iam_role_arn.clone(),
    })
}

fn references(state: &State) -> Vec<Address> {
    let State::EventDestination(d) = state else {
        return Vec::new();
    };
    let mut refs = vec![Address::configuration_set(&d.configuration_set)];
    if let Target::SnsTopic(topic) = &d.target {
        // By ARN, it may still be a topic of this spec that is yet to be created.
        refs.push(Address::sns_topic(topic_name(topic)));
    }
    refs
}

/// Names the topic when the spec gives the ARN of one of the account's own, as live state does.
fn prepare(desired: &mut State, live: &Live) -> Vec<Remark> {
    if let State::EventDestination(EventDestinationState {
        target: Target::SnsTopic(topic),
        ..
    }) = desired
    {
        *topic = Target::own_topic(topic, &live.own_topics);
    }
    Vec::new()
}

/// Into its set's entry (exported before it); a target sesform does not manage is left out.
fn export(state: &State, spec: &mut Spec, skipped: &mut Vec<String>) {
    let State::EventDestination(d) = state else {
        return;
    };
    if d.name == event_log::DESTINATION_NAME
        && matches!(&d.target, Target::EventBridge(bus) if bus.is_default())
    {
        // The event log's: its event types are the log's (the rule exports the sets).
        let mut events: Vec<spec::EventType> = d
            .events
            .iter()
            .filter_map(|e| spec::EventType::parse(e.as_str()))
            .collect();
        // In the spec's order (SEND, REJECT, BOUNCE, ...), as people write them.
        events.sort();
        let every = events.len() == spec::EventType::ALL.len();
        spec.event_log.get_or_insert_with(Default::default).events = (!every).then_some(events);
        return;
    }
    let Some(out) = destination_spec(d) else {
        skipped.push(format!(
            "event_destination.{}.{}: its target is not one sesform manages",
            d.configuration_set, d.name
        ));
        return;
    };
    if let Some(set) = spec.configuration_sets.get_mut(&d.configuration_set) {
        set.event_destinations.insert(d.name.clone(), out);
    }
}

fn destination_spec(d: &EventDestinationState) -> Option<spec::EventDestination> {
    let mut out = spec::EventDestination {
        enabled: (!d.enabled).then_some(false),
        events: d
            .events
            .iter()
            .filter_map(|e| spec::EventType::parse(e.as_str()))
            .collect(),
        ..Default::default()
    };
    match &d.target {
        Target::SnsTopic(topic) => out.sns_topic = Some(topic.clone()),
        Target::CloudWatch(dims) => {
            out.cloudwatch = Some(spec::CloudWatch {
                dimensions: dims
                    .iter()
                    .filter_map(|dim| {
                        Some(spec::CloudWatchDimension {
                            name: dim.name.clone(),
                            source: enum_from(dim.source.as_str())?,
                            default_value: dim.default_value.clone(),
                        })
                    })
                    .collect(),
            })
        }
        Target::EventBridge(bus) => {
            out.eventbridge = Some(spec::EventBridge {
                event_bus_arn: match bus {
                    EventBus::Default { .. } => None,
                    EventBus::Arn(arn) => Some(arn.clone()),
                },
            })
        }
        Target::Firehose {
            delivery_stream_arn,
            iam_role_arn,
        } => {
            // How the live side reports a target sesform does not manage (Pinpoint).
            if delivery_stream_arn.starts_with('(') {
                return None;
            }
            out.firehose = Some(spec::Firehose {
                delivery_stream_arn: delivery_stream_arn.clone(),
                iam_role_arn: iam_role_arn.clone(),
            })
        }
    }
    Some(out)
}

async fn apply(step: &Step<'_>, ctx: &Context<'_>) -> AwsResult<()> {
    let ses = &ctx.clients.ses;
    let after = match (step.before, step.after, step.action) {
        (_, Some(State::EventDestination(after)), _) => after,
        (Some(State::EventDestination(before)), None, Action::Delete) => {
            return ses
                .delete_event_destination(&before.configuration_set, &before.name)
                .await;
        }
        _ => return Err(step.mismatch()),
    };
    let topic_arn = match &after.target {
        Target::SnsTopic(arn) if arn.starts_with("arn:") => Some(arn.clone()),
        Target::SnsTopic(name) => Some(ctx.topic_arn(name).await?),
        _ => None,
    };
    let default_bus = matches!(&after.target, Target::EventBridge(bus) if bus.is_default());
    let account = ctx.account_id_if(default_bus).await?;
    let create = step.action == Action::Create;
    let topic_arn = topic_arn.as_deref();
    match ses
        .put_event_destination(after, create, topic_arn, &account)
        .await
    {
        // Created by an interrupted earlier run: update it instead.
        Err(e) if create && e.kind == ErrorKind::AlreadyExists => {
            ses.put_event_destination(after, false, topic_arn, &account)
                .await
        }
        other => other,
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
    event_destinations:
      to-bus:
        events: [BOUNCE, COMPLAINT]
        eventbridge: {}
      to-cw:
        enabled: false
        events: [CLICK, OPEN]
        cloudwatch:
          dimensions:
            - name: campaign
              source: MESSAGE_TAG
              default_value: none
      to-firehose:
        events: [DELIVERY]
        firehose:
          delivery_stream_arn: arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses
          iam_role_arn: arn:aws:iam::123456789012:role/ses-firehose
      to-other-bus:
        events: [SEND]
        eventbridge:
          event_bus_arn: arn:aws:events:eu-west-1:123456789012:event-bus/mail
      to-sns:
        events: [BOUNCE, DELIVERY_DELAY, REJECT, RENDERING_FAILURE, SUBSCRIPTION]
        sns_topic: events
",
            "version: 1
region: eu-west-1
configuration_sets:
  tx:
    event_destinations:
      to-sns:
        enabled: true
        events: [bounce, complaint]
        sns_topic: arn:aws:sns:eu-west-1:999999999999:events
",
        );
    }
}
