//! Dependency order: topics before their subscriptions and destinations, configuration sets
//! before the destinations and identities that use them, and the reverse for deletes.

use super::{Action, Change};
use crate::model::{Address, Kind, State, Target};

/// What a resource needs to exist first.
pub fn references(state: &State) -> Vec<Address> {
    match state {
        State::SnsSubscription(s) => vec![Address::sns_topic(&s.topic)],
        State::EventDestination(d) => {
            let mut refs = vec![Address::configuration_set(&d.configuration_set)];
            if let Target::SnsTopic(topic) = &d.target {
                // By ARN, it may still be a topic of this spec that is yet to be created.
                refs.push(Address::sns_topic(crate::model::desired::topic_name(topic)));
            }
            refs
        }
        State::Identity(i) => i
            .configuration_set
            .iter()
            .map(|s| Address::configuration_set(s))
            .collect(),
        _ => Vec::new(),
    }
}

fn rank(kind: Kind) -> u8 {
    match kind {
        Kind::Account => 0,
        Kind::SnsTopic => 1,
        Kind::SnsSubscription => 2,
        Kind::ConfigurationSet => 3,
        Kind::EventDestination => 4,
        Kind::Identity => 5,
        Kind::SmtpUser => 6,
    }
}

/// Creates and updates in dependency order, then deletes in reverse: a valid sequential order.
pub fn sorted(mut changes: Vec<Change>) -> Vec<Change> {
    changes.sort_by(|a, b| {
        let key = |c: &Change| {
            let deleting = c.action == Action::Delete;
            let r = rank(c.kind);
            (deleting, if deleting { u8::MAX - r } else { r })
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
