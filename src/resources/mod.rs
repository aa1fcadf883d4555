//! One module per resource kind, each holding everything that kind does: `desired` (spec ->
//! state), its references (what must exist first), the diff specifics (fields that never count
//! as a change, how live and desired state are brought to comparable terms), the apply steps
//! (create, update, delete through [`crate::aws`]) and `export` (state -> spec, the inverse of
//! `desired`).
//!
//! [`KINDS`] is the registry: the one list of kinds, in dependency rank order, that `desired`,
//! `plan` (order, diff and its headings), `apply` and `export` dispatch through. A new kind is a
//! new module, a [`Kind`] and [`State`] variant, and one line here. A kind may expand from any
//! spec section (`log_group`, `log_policy` and `event_rule` all come from `event_log`) and call
//! any AWS service; ordering between kinds comes from [`KindDef::references`]. Reading is the
//! one part that is not per kind: `aws/<service>` turns SDK answers into model states (only
//! `aws` sees SDK types) and `live.rs` batches each service's reads under one concurrency limit,
//! so a kind of a new service also adds its calls there.

use futures::future::BoxFuture;

use crate::aws::{AwsError, AwsResult, ErrorKind};
use crate::live::Live;
use crate::model::{Action, Address, Kind, MANAGED_BY_TAG, MANAGED_BY_VALUE, PREVENT_DESTROY_TAG};
use crate::model::{STACK_TAG, State, Tags};
use crate::spec::Spec;

pub mod account;
pub mod configuration_set;
mod context;
pub mod event_destination;
pub mod event_rule;
pub mod identity;
pub mod log_group;
pub mod log_policy;
pub mod smtp_user;
pub mod sns_subscription;
pub mod sns_topic;

pub use context::Context;

/// What the rest of sesform knows about a kind; one per kind, in [`KINDS`].
pub struct KindDef {
    pub kind: Kind,
    /// The heading of the kind's changes in a plan (`SNS topics`).
    pub title: &'static str,
    /// Adds the kind's desired states from the spec.
    pub desired: fn(&Spec, &mut Vec<State>),
    /// What a state needs to exist first (and what must let go of it before it is deleted).
    pub references: fn(&State) -> Vec<Address>,
    /// Dotted field paths that never count as a change: what only one side can know.
    pub ignored_in_diff: &'static [&'static str],
    /// Brings a desired state to the live side's terms before it is looked up and compared
    /// (an own topic given by ARN becomes its name), with what the user should know.
    pub prepare: fn(&mut State, &Live) -> Vec<Remark>,
    /// Brings live (`current`) and desired state of an existing resource to comparable terms:
    /// what one side cannot know or manage takes the other side's value.
    pub reconcile: fn(&mut State, &mut State, &Live) -> Vec<Remark>,
    /// Carries out one change of this kind.
    pub apply: for<'a> fn(&'a Step<'a>, &'a Context<'a>) -> BoxFuture<'a, AwsResult<()>>,
    /// Writes a state into a spec, the inverse of `desired`; adds what it leaves out to the
    /// list, with why.
    pub export: fn(&State, &mut Spec, &mut Vec<String>),
}

/// Every kind, in the rank order creates and updates run (deletes run in reverse).
pub const KINDS: [&KindDef; 10] = [
    &account::DEF,
    &sns_topic::DEF,
    &sns_subscription::DEF,
    &configuration_set::DEF,
    &event_destination::DEF,
    &identity::DEF,
    &smtp_user::DEF,
    &log_group::DEF,
    &log_policy::DEF,
    &event_rule::DEF,
];

/// The definition of `kind`.
pub fn def(kind: Kind) -> &'static KindDef {
    KINDS
        .iter()
        .copied()
        .find(|d| d.kind == kind)
        .expect("every kind is in the registry")
}

/// Where a kind's creates go among the others: its place in [`KINDS`].
pub fn rank(kind: Kind) -> usize {
    KINDS.iter().position(|d| d.kind == kind).unwrap_or(0)
}

/// The desired resources of a spec, in a stable order (by address).
pub fn desired(spec: &Spec) -> Vec<State> {
    let mut out = Vec::new();
    for def in KINDS {
        (def.desired)(spec, &mut out);
    }
    out.sort_by_key(State::address);
    out
}

/// Writes states into a spec, parents first (a topic before its subscriptions, a set before
/// its destinations); adds what is left out to `skipped`, with why.
pub fn export<'a>(
    states: impl IntoIterator<Item = &'a State>,
    spec: &mut Spec,
    skipped: &mut Vec<String>,
) {
    let mut states: Vec<&State> = states.into_iter().collect();
    states.sort_by_key(|s| (rank(s.kind()), s.address()));
    for state in states {
        (def(state.kind()).export)(state, spec, skipped);
    }
}

/// What a state needs to exist first.
pub fn references(state: &State) -> Vec<Address> {
    (def(state.kind()).references)(state)
}

/// Whether a field never counts as a change for `kind`.
pub fn ignored_in_diff(kind: Kind, field: &str) -> bool {
    field == "kind" || def(kind).ignored_in_diff.contains(&field)
}

/// Something a plan tells the user about a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remark {
    Note(String),
    Warning(String),
}

/// One change as the apply steps see it.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    pub address: &'a Address,
    pub action: Action,
    pub before: Option<&'a State>,
    pub after: Option<&'a State>,
    /// The live resource's ARN, where the plan has it (topics, subscriptions).
    pub arn: Option<&'a str>,
}

impl Step<'_> {
    /// The error for a change whose states are not of the kind that runs it.
    pub fn mismatch(&self) -> AwsError {
        AwsError {
            kind: ErrorKind::Invalid,
            operation: "apply".into(),
            resource: self.address.to_string(),
            message: "the plan's change does not match its resource kind; make a new plan".into(),
        }
    }
}

/// Created by an interrupted earlier run; the attributes are set by what follows.
pub(crate) fn already_exists(e: AwsError) -> AwsResult<()> {
    if e.kind == ErrorKind::AlreadyExists {
        Ok(())
    } else {
        Err(e)
    }
}

fn no_references(_: &State) -> Vec<Address> {
    Vec::new()
}

fn nothing_to_prepare(_: &mut State, _: &Live) -> Vec<Remark> {
    Vec::new()
}

fn nothing_to_reconcile(_: &mut State, _: &mut State, _: &Live) -> Vec<Remark> {
    Vec::new()
}

/// The spec's tags plus sesform's own: `managed-by`, `sesform:stack`, and the
/// `prevent_destroy` marker.
pub fn managed_tags(tags: &Tags, stack: &str, prevent_destroy: bool) -> Tags {
    let mut out = tags.clone();
    out.insert(MANAGED_BY_TAG.into(), MANAGED_BY_VALUE.into());
    out.insert(STACK_TAG.into(), stack.into());
    if prevent_destroy {
        out.insert(PREVENT_DESTROY_TAG.into(), "true".into());
    }
    out
}

/// The user's own tags, without sesform's: the inverse of [`managed_tags`].
pub fn user_tags(tags: &Tags) -> Tags {
    tags.iter()
        .filter(|(k, _)| k.as_str() != MANAGED_BY_TAG && !k.starts_with("sesform:"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The stack a spec's resources are tagged with.
fn stack(spec: &Spec) -> &str {
    spec.stack.as_deref().unwrap_or(crate::model::DEFAULT_STACK)
}

/// The event log's log group: the spec's name for it, else the stack's default.
fn event_log_group(spec: &Spec) -> String {
    spec.event_log
        .as_ref()
        .and_then(|log| log.log_group.clone())
        .unwrap_or_else(|| crate::model::event_log::default_log_group(stack(spec)))
}

/// A spec with nothing in it yet, for `export` to fill.
pub fn empty_spec(region: &str, stack: Option<String>) -> Spec {
    Spec {
        version: 1,
        region: region.to_string(),
        stack,
        account: None,
        identities: Default::default(),
        configuration_sets: Default::default(),
        sns_topics: Default::default(),
        event_log: None,
        smtp_users: Default::default(),
        clients: Default::default(),
    }
}

/// A spec enum from its wire value (`REQUIRE`), if it is one the spec knows.
fn enum_from<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::from(text)).ok()
}

/// The model's value of a spec enum (the same wire value, `REQUIRE`).
fn typed<T: for<'a> From<&'a str>>(value: &impl serde::Serialize) -> T {
    T::from(wire(value).as_str())
}

/// A spec enum's wire value (`REQUIRE`).
fn wire<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_lists_every_kind_once() {
        let kinds: Vec<Kind> = KINDS.iter().map(|d| d.kind).collect();
        let mut unique = kinds.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), kinds.len());
        for kind in kinds {
            assert_eq!(def(kind).kind, kind);
        }
    }

    #[test]
    fn full_spec_resources_have_stable_addresses() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/full.yaml"))
            .unwrap();
        let spec: Spec = serde_yaml::from_str(&text).unwrap();
        let addresses: Vec<String> = desired(&spec).iter().map(|r| r.address().0).collect();
        assert!(addresses.contains(&"identity.example.com".to_string()));
        assert!(addresses.contains(&"event_destination.transactional.to-sns".to_string()));
        assert!(addresses.contains(
            &"sns_subscription.ses-events.https:https://hooks.example.com/ses".to_string()
        ));
        assert!(addresses.contains(&"smtp_user.app-mailer".to_string()));
        assert!(addresses.contains(&"account".to_string()));
        let mut sorted = addresses.clone();
        sorted.sort();
        assert_eq!(addresses, sorted);
    }

    /// spec -> desired -> export gives the spec back, for a spec that sets every field away
    /// from its default; one that writes the defaults out exports to the same desired state.
    pub(super) fn round_trip(full: &str, defaults: &str) {
        for text in [full, defaults] {
            let spec: Spec = serde_yaml::from_str(text).expect("test spec parses");
            let states = desired(&spec);
            let mut exported = Spec {
                clients: spec.clients.clone(),
                ..empty_spec(&spec.region, spec.stack.clone())
            };
            let mut skipped = Vec::new();
            export(&states, &mut exported, &mut skipped);
            assert!(skipped.is_empty(), "{skipped:?}");
            if text == full {
                assert_eq!(exported, spec, "export is the inverse of desired");
            } else {
                assert_eq!(
                    desired(&exported),
                    states,
                    "defaults export to the same state"
                );
            }
        }
    }
}
