//! diff(desired, live) -> Plan. Both sides are already normalized (see `crate::model`), so a
//! change is any field whose value differs.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Action, Change, Message, Plan, Summary, order};
use crate::live::{Live, owned_by};
use crate::model::*;
use crate::resources::{self, Remark};

/// What the user allowed this plan to do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOptions {
    /// Delete managed resources that are no longer in the spec.
    pub prune: bool,
    /// Take over resources that match the spec but were created elsewhere.
    pub adopt: bool,
    /// Submit the production access request again after a denial.
    pub resubmit: bool,
    /// Planning `destroy`: every resource of the stack goes, in the spec or not. Never in a
    /// saved plan (destroy saves none), so left out of the JSON when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub destroy: bool,
    /// A partial plan (`plan --target`): only the targeted resources and what they need were
    /// read; nothing else is listed, so nothing else is pruned or reported.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

pub struct DiffInput<'a> {
    pub desired: &'a [State],
    pub live: &'a Live,
    pub stack: &'a str,
    pub options: PlanOptions,
}

/// The plan body: changes in apply order, and what the user should know about.
pub struct Diff {
    pub changes: Vec<Change>,
    pub errors: Vec<Message>,
    pub warnings: Vec<Message>,
    pub notes: Vec<Message>,
}

pub fn diff(input: &DiffInput) -> Diff {
    let mut out = Diff {
        changes: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        notes: Vec::new(),
    };
    // Parents that exist unmanaged: their children may not change until they are adopted.
    let mut unadopted: BTreeSet<Address> = BTreeSet::new();
    for desired in input.desired {
        if let Some(change) = desired_change(input, desired, &mut unadopted, &mut out) {
            out.changes.push(change);
        }
    }
    let mut orphans: Vec<&Address> = input.live.orphans.iter().collect();
    orphans.sort();
    for address in orphans {
        if let Some(change) = orphan_change(input, address, &mut out) {
            out.changes.push(change);
        }
    }
    // A parent the plan refuses to touch (owned elsewhere) holds back its children too.
    let refused: BTreeSet<&Address> = out.errors.iter().map(|m| &m.address).collect();
    out.changes.retain(|c| {
        c.after
            .as_ref()
            .or(c.before.as_ref())
            .and_then(State::parent)
            .is_none_or(|p| !refused.contains(&p))
    });
    out.changes = order::sorted(out.changes);
    out
}

impl Diff {
    /// Files what a kind's hooks have to say about `address`.
    fn remarks(&mut self, address: &Address, remarks: Vec<Remark>) {
        for remark in remarks {
            let (list, message) = match remark {
                Remark::Note(m) => (&mut self.notes, m),
                Remark::Warning(m) => (&mut self.warnings, m),
            };
            list.push(Message {
                address: address.clone(),
                message,
            });
        }
    }

    fn error(&mut self, address: &Address, message: String) {
        self.errors.push(Message {
            address: address.clone(),
            message,
        });
    }
}

/// The change one desired resource calls for, if the plan may make it.
fn desired_change(
    input: &DiffInput,
    desired: &State,
    unadopted: &mut BTreeSet<Address>,
    out: &mut Diff,
) -> Option<Change> {
    let live = input.live;
    let kind = resources::def(desired.kind());
    let mut desired = desired.clone();
    let address = desired.address();
    let remarks = (kind.prepare)(&mut desired, live);
    out.remarks(&address, remarks);
    if let State::Account(account) = &desired {
        return Some(account_change(account, live, input.options, out));
    }
    let Some(current) = live.resources.get(&address) else {
        let arn = arn_of(live, &address);
        return Some(change(
            desired.kind(),
            Action::Create,
            None,
            Some(desired),
            arn,
        ));
    };
    if let Some(tags) = current.tags()
        && !owned_by(tags, input.stack)
    {
        if !unowned(input, current, &desired, out) {
            return None;
        }
        if !input.options.adopt {
            // What `export` wrote matches: nothing to change, but not managed yet.
            unadopted.insert(address.clone());
            let arn = arn_of(live, &address);
            let (before, after) = (Some(current.clone()), Some(desired));
            return Some(change(current.kind(), Action::NoOp, before, after, arn));
        }
    }
    let mut current = current.clone();
    let remarks = (kind.reconcile)(&mut current, &mut desired, live);
    out.remarks(&address, remarks);
    let changed = changed_fields(&current, &desired);
    if let Some(parent) = desired.parent().filter(|p| unadopted.contains(p))
        && !changed.is_empty()
    {
        out.error(&address, format!("differs from the spec, but belongs to {parent}, which sesform does not manage yet; run `sesform adopt` first"));
        return None;
    }
    let action = if changed.is_empty() {
        Action::NoOp
    } else {
        Action::Update
    };
    let arn = arn_of(live, &address);
    let mut c = change(desired.kind(), action, Some(current), Some(desired), arn);
    c.changed = changed;
    Some(c)
}

/// A desired resource that exists but is not this stack's: false when the plan may not go on
/// with it (another stack's; or made outside sesform, differing, without `--adopt`). True when
/// `--adopt` takes it over, or when it matches the spec as `export` wrote it (a no-op).
fn unowned(input: &DiffInput, current: &State, desired: &State, out: &mut Diff) -> bool {
    let address = desired.address();
    let Some(tags) = current.tags() else {
        return true;
    };
    let other_stack = tags.get(STACK_TAG).filter(|_| {
        tags.get(MANAGED_BY_TAG)
            .is_some_and(|v| v == MANAGED_BY_VALUE)
    });
    let owner = match other_stack {
        Some(other) => format!("by the sesform stack `{other}`"),
        None => "outside sesform".to_string(),
    };
    if let Some(other) = other_stack {
        // Adopting is for what was made outside sesform, never another stack's, so
        // `--adopt` is no way out here.
        let adopt_note = if input.options.adopt {
            ", so it is not adopted"
        } else {
            " (--adopt never takes another stack's resources)"
        };
        out.error(&address, format!(
            "belongs to the sesform stack `{other}`{adopt_note}; remove it from this spec, or, to move it here, remove it from stack `{other}`'s spec and set its `sesform:stack` tag to `{}`",
            input.stack
        ));
        return false;
    }
    if input.options.adopt {
        out.remarks(&address, vec![Remark::Note(format!("exists, created {owner}; apply adopts it (tags it as managed) without recreating it"))]);
        return true;
    }
    if !tags.contains_key(STACK_TAG) && same_apart_from_ownership(current, desired) {
        out.remarks(&address, vec![Remark::Note("matches the spec but was created outside sesform; `sesform adopt` tags it so sesform manages it".into())]);
        return true;
    }
    out.error(&address, format!(
        "already exists, created {owner}; run with --adopt to manage it from now on, or remove it from the spec"
    ));
    false
}

/// The change a resource of this stack that the spec no longer names calls for, if any.
fn orphan_change(input: &DiffInput, address: &Address, out: &mut Diff) -> Option<Change> {
    let live = input.live;
    let state = &live.resources[address];
    // A child goes with its parent when the parent is deleted too.
    if state.parent().is_some_and(|p| live.orphans.contains(&p)) {
        return None;
    }
    if let State::SnsSubscription(_) = state
        && !live.subscription_arns.contains_key(address)
    {
        out.remarks(address, vec![Remark::Warning("not in the spec, but pending confirmation: SNS cannot delete it; it expires after 3 days unconfirmed".into())]);
        return None;
    }
    if !input.options.prune {
        out.remarks(
            address,
            vec![Remark::Warning(
                "managed by this stack but no longer in the spec; run with --prune to delete it"
                    .into(),
            )],
        );
        return None;
    }
    if state.prevent_destroy() {
        let message = if input.options.destroy {
            "destroy would delete it, but prevent_destroy is set; set `prevent_destroy: false` in the spec and apply (or remove its `sesform:prevent-destroy` tag), then destroy again"
        } else {
            "would be deleted by --prune, but prevent_destroy is set; put it back in the spec, or remove the `sesform:prevent-destroy` tag to allow deletion"
        };
        out.error(address, message.into());
        return None;
    }
    let arn = arn_of(live, address);
    Some(change(
        state.kind(),
        Action::Delete,
        Some(state.clone()),
        None,
        arn,
    ))
}

/// Equal but for sesform's own tags: what an exported spec and an untouched account look like.
fn same_apart_from_ownership(live: &State, desired: &State) -> bool {
    fn strip(state: &State) -> State {
        let mut state = state.clone();
        let tags = match &mut state {
            State::SnsTopic(t) => &mut t.tags,
            State::ConfigurationSet(c) => &mut c.tags,
            State::Identity(i) => &mut i.tags,
            State::SmtpUser(u) => &mut u.tags,
            _ => return state,
        };
        tags.retain(|k, _| k != MANAGED_BY_TAG && !k.starts_with("sesform:"));
        state
    }
    changed_fields(&strip(live), &strip(desired)).is_empty()
}

fn change(
    kind: Kind,
    action: Action,
    before: Option<State>,
    after: Option<State>,
    arn: Option<String>,
) -> Change {
    let address = after
        .as_ref()
        .or(before.as_ref())
        .map(State::address)
        .expect("a change has a state");
    Change {
        address,
        kind,
        action,
        before,
        after,
        changed: Vec::new(),
        replace_reason: None,
        arn,
    }
}

fn arn_of(live: &Live, address: &Address) -> Option<String> {
    if let Some(arn) = live.subscription_arns.get(address) {
        return Some(arn.clone());
    }
    let name = address.as_str().strip_prefix("sns_topic.")?;
    live.topic_arns.get(name).cloned()
}

/// The account is a singleton that always exists: see [`resources::account::before`].
fn account_change(
    desired: &AccountState,
    live: &Live,
    options: PlanOptions,
    out: &mut Diff,
) -> Change {
    let address = Address::account();
    let after = State::Account(desired.clone());
    let Some((before, remarks)) = resources::account::before(desired, live, options.resubmit)
    else {
        return change(Kind::Account, Action::NoOp, None, Some(after), None);
    };
    out.remarks(&address, remarks);
    let before = State::Account(before);
    let changed = changed_fields(&before, &after);
    let action = if changed.is_empty() {
        Action::NoOp
    } else {
        Action::Update
    };
    let mut c = change(Kind::Account, action, Some(before), Some(after), None);
    c.changed = changed;
    c
}

/// Dotted paths of the fields that differ, e.g. `tls`, `dkim.key_length`.
pub fn changed_fields(before: &State, after: &State) -> Vec<String> {
    let kind = after.kind();
    let before = serde_json::to_value(before).expect("state serializes");
    let after = serde_json::to_value(after).expect("state serializes");
    let mut out = Vec::new();
    compare("", &before, &after, kind, &mut out);
    out
}

fn compare(path: &str, before: &Value, after: &Value, kind: Kind, out: &mut Vec<String>) {
    if resources::ignored_in_diff(kind, path) {
        return;
    }
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
            for key in keys {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                // Tags are compared as a whole map: one `tags` entry, not one per key.
                let (bv, av) = (
                    b.get(key).unwrap_or(&Value::Null),
                    a.get(key).unwrap_or(&Value::Null),
                );
                if key == "tags" {
                    if bv != av {
                        out.push(child);
                    }
                } else {
                    compare(&child, bv, av, kind, out);
                }
            }
        }
        (b, a) if b != a => out.push(path.to_string()),
        _ => {}
    }
}

/// Assembles a plan from a diff.
pub fn build(input: &DiffInput, region: &str, spec: super::SpecRef) -> Plan {
    let d = diff(input);
    let summary = Summary::of(&d.changes);
    Plan {
        format_version: super::FORMAT_VERSION.into(),
        sesform_version: env!("CARGO_PKG_VERSION").into(),
        region: region.into(),
        account_id: input.live.account_id.clone(),
        partial: input.options.partial,
        targets: Vec::new(),
        stack: input.stack.into(),
        spec,
        live_fingerprint: input.live.fingerprint(),
        options: input.options,
        changes: d.changes,
        errors: d.errors,
        warnings: d.warnings,
        notes: d.notes,
        unmanaged: input.live.unmanaged.iter().cloned().collect(),
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn managed() -> Tags {
        resources::managed_tags(&Tags::new(), "test", false)
    }

    fn set(suppression: Option<&[&str]>) -> State {
        State::ConfigurationSet(ConfigurationSetState {
            name: "tx".into(),
            tls: "REQUIRE".into(),
            sending_enabled: true,
            reputation_metrics: false,
            suppression: suppression
                .map(|s| s.iter().map(|r| SuppressionReason::from(*r)).collect()),
            tracking: None,
            tags: managed(),
        })
    }

    fn destination(topic: &str) -> State {
        State::EventDestination(EventDestinationState {
            configuration_set: "tx".into(),
            name: "to-sns".into(),
            enabled: true,
            events: [EventType::Bounce, EventType::Complaint].into(),
            target: Target::SnsTopic(topic.into()),
        })
    }

    fn live(states: &[State]) -> Live {
        let mut live = Live::default();
        for state in states {
            live.resources.insert(state.address(), state.clone());
        }
        live
    }

    fn run(desired: &[State], live: &Live, options: PlanOptions) -> Diff {
        diff(&DiffInput {
            desired,
            live,
            stack: "test",
            options,
        })
    }

    fn actions(d: &Diff) -> Vec<(&str, Action)> {
        d.changes
            .iter()
            .map(|c| (c.address.as_str(), c.action))
            .collect()
    }

    #[test]
    fn equal_states_are_no_ops_and_a_difference_names_its_field() {
        let l = live(&[set(None)]);
        let d = run(&[set(None)], &l, PlanOptions::default());
        assert_eq!(actions(&d), [("configuration_set.tx", Action::NoOp)]);

        let State::ConfigurationSet(mut want) = set(None) else {
            unreachable!()
        };
        want.tls = "OPTIONAL".into();
        let d = run(&[State::ConfigurationSet(want)], &l, PlanOptions::default());
        assert_eq!(actions(&d), [("configuration_set.tx", Action::Update)]);
        assert_eq!(d.changes[0].changed, ["tls"]);
    }

    #[test]
    fn a_suppression_left_out_is_not_managed() {
        let l = live(&[set(Some(&["BOUNCE"]))]);
        let d = run(&[set(None)], &l, PlanOptions::default());
        assert_eq!(actions(&d), [("configuration_set.tx", Action::NoOp)]);
        let d = run(&[set(Some(&[]))], &l, PlanOptions::default());
        assert_eq!(d.changes[0].changed, ["suppression"]);
    }

    #[test]
    fn an_own_topic_by_arn_equals_its_name_and_a_foreign_one_does_not() {
        let own = "arn:aws:sns:eu-west-1:123456789012:events";
        let mut l = live(&[set(None), destination("events")]);
        l.own_topics.insert(own.into(), "events".into());
        let d = run(&[set(None), destination(own)], &l, PlanOptions::default());
        assert!(
            d.changes.iter().all(|c| c.action == Action::NoOp),
            "{:?}",
            actions(&d)
        );

        let foreign = "arn:aws:sns:eu-west-1:999999999999:events";
        let d = run(
            &[set(None), destination(foreign)],
            &l,
            PlanOptions::default(),
        );
        let change = d
            .changes
            .iter()
            .find(|c| c.kind == Kind::EventDestination)
            .unwrap();
        assert_eq!(change.action, Action::Update);
        assert_eq!(change.changed, ["target.sns_topic"]);
    }

    #[test]
    fn orphans_are_deleted_only_with_prune_and_never_past_prevent_destroy() {
        let mut l = live(&[set(None)]);
        l.orphans.insert(Address::configuration_set("tx"));
        let d = run(&[], &l, PlanOptions::default());
        assert!(d.changes.is_empty());
        assert!(d.warnings[0].message.contains("--prune"));

        let prune = PlanOptions {
            prune: true,
            ..PlanOptions::default()
        };
        let d = run(&[], &l, prune);
        assert_eq!(actions(&d), [("configuration_set.tx", Action::Delete)]);

        let State::ConfigurationSet(mut guarded) = set(None) else {
            unreachable!()
        };
        guarded.tags = resources::managed_tags(&Tags::new(), "test", true);
        let mut l = live(&[State::ConfigurationSet(guarded)]);
        l.orphans.insert(Address::configuration_set("tx"));
        let d = run(&[], &l, prune);
        assert!(d.changes.is_empty());
        assert!(d.errors[0].message.contains("prevent_destroy"));
    }

    #[test]
    fn a_resource_of_another_stack_is_an_error_that_adopt_does_not_lift() {
        let State::ConfigurationSet(mut theirs) = set(None) else {
            unreachable!()
        };
        theirs.tags = resources::managed_tags(&Tags::new(), "other", false);
        let l = live(&[State::ConfigurationSet(theirs)]);
        let d = run(&[set(None)], &l, PlanOptions::default());
        assert!(d.changes.is_empty());
        assert!(
            d.errors[0]
                .message
                .contains("belongs to the sesform stack `other` (--adopt never takes"),
            "{:?}",
            d.errors
        );
        let adopt = PlanOptions {
            adopt: true,
            ..PlanOptions::default()
        };
        let d = run(&[set(None)], &l, adopt);
        assert!(d.changes.is_empty());
        assert!(d.errors[0].message.contains("so it is not adopted"));
    }
}
