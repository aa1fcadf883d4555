//! Dependency order: topics before their subscriptions and destinations, configuration sets
//! before the destinations and identities that use them, and the reverse for deletes. Each
//! kind says what it references ([`crate::resources`]); the registry's order breaks ties.

use super::{Action, Change};
use crate::model::Address;
use crate::resources::rank;

pub use crate::resources::references;

/// Creates and updates in dependency order, then deletes in reverse: a valid sequential order.
pub fn sorted(mut changes: Vec<Change>) -> Vec<Change> {
    changes.sort_by(|a, b| {
        let key = |c: &Change| {
            let deleting = c.action == Action::Delete;
            let r = rank(c.kind);
            (deleting, if deleting { usize::MAX - r } else { r })
        };
        key(a).cmp(&key(b)).then_with(|| a.address.cmp(&b.address))
    });
    changes
}

/// For each change, the indices of the changes that must finish before it starts.
pub fn dependencies(changes: &[Change]) -> Vec<Vec<usize>> {
    let index_of = |address: &Address| changes.iter().position(|c| &c.address == address);
    changes
        .iter()
        .enumerate()
        .map(|(i, change)| {
            let mut deps = Vec::new();
            if change.action == Action::NoOp {
                return deps;
            }
            if change.action == Action::Delete {
                // Whatever used this resource lets go of it first.
                for (j, other) in changes.iter().enumerate() {
                    if j != i
                        && other.action != Action::NoOp
                        && other
                            .before
                            .as_ref()
                            .is_some_and(|b| references(b).contains(&change.address))
                    {
                        deps.push(j);
                    }
                }
            } else if let Some(after) = &change.after {
                for address in references(after) {
                    if let Some(j) = index_of(&address)
                        && changes[j].action != Action::NoOp
                        && changes[j].action != Action::Delete
                    {
                        deps.push(j);
                    }
                }
            }
            deps.sort_unstable();
            deps.dedup();
            deps
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ConfigurationSetState, EventDestinationState, TopicState};
    use crate::model::{EventType, Kind, State, Target};

    fn change(action: Action, state: State) -> Change {
        let (before, after) = match action {
            Action::Delete => (Some(state.clone()), None),
            _ => (None, Some(state.clone())),
        };
        Change {
            address: state.address(),
            kind: state.kind(),
            action,
            before,
            after,
            changed: Vec::new(),
            replace_reason: None,
            arn: None,
        }
    }

    fn topic(name: &str) -> State {
        State::SnsTopic(TopicState {
            name: name.into(),
            tags: Default::default(),
        })
    }

    fn set(name: &str) -> State {
        State::ConfigurationSet(ConfigurationSetState {
            name: name.into(),
            tls: "OPTIONAL".into(),
            sending_enabled: true,
            reputation_metrics: false,
            suppression: None,
            tracking: None,
            tags: Default::default(),
        })
    }

    fn destination(topic: &str) -> State {
        State::EventDestination(EventDestinationState {
            configuration_set: "tx".into(),
            name: "to-sns".into(),
            enabled: true,
            events: [EventType::Bounce].into(),
            target: Target::SnsTopic(topic.into()),
        })
    }

    #[test]
    fn creates_follow_dependencies_and_deletes_reverse_them() {
        let changes = sorted(vec![
            change(Action::Create, destination("events")),
            change(Action::Delete, topic("old")),
            change(Action::Create, set("tx")),
            change(Action::Delete, set("old-set")),
            change(Action::Create, topic("events")),
        ]);
        let order: Vec<&str> = changes.iter().map(|c| c.address.as_str()).collect();
        assert_eq!(
            order,
            [
                "sns_topic.events",
                "configuration_set.tx",
                "event_destination.tx.to-sns",
                "configuration_set.old-set",
                "sns_topic.old",
            ]
        );
        let deps = dependencies(&changes);
        assert_eq!(
            deps[2],
            vec![0, 1],
            "the destination waits for its topic and set"
        );
        assert!(deps[0].is_empty() && deps[1].is_empty());
    }

    #[test]
    fn a_topic_named_by_arn_is_still_waited_for() {
        let changes = sorted(vec![
            change(
                Action::Create,
                destination("arn:aws:sns:eu-west-1:123456789012:events"),
            ),
            change(Action::Create, topic("events")),
            change(Action::Create, set("tx")),
        ]);
        let deps = dependencies(&changes);
        let destination = changes
            .iter()
            .position(|c| c.kind == Kind::EventDestination)
            .unwrap();
        assert_eq!(deps[destination].len(), 2);
    }

    #[test]
    fn a_deleted_topic_waits_for_the_destination_that_used_it() {
        let changes = sorted(vec![
            change(Action::Delete, topic("events")),
            change(Action::Delete, destination("events")),
        ]);
        assert_eq!(changes[0].kind, Kind::EventDestination);
        assert_eq!(dependencies(&changes)[1], vec![0]);
    }

    #[test]
    fn no_ops_wait_for_nothing_and_hold_nothing_up() {
        let changes = sorted(vec![
            change(Action::NoOp, topic("events")),
            change(Action::Create, destination("events")),
            change(Action::Create, set("tx")),
        ]);
        let deps = dependencies(&changes);
        assert!(deps[0].is_empty());
        assert_eq!(deps[2], vec![1], "only the set: the topic exists already");
    }
}
