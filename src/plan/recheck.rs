//! A saved plan is a file anyone can edit. Before `apply --plan` runs one, sesform plans again
//! from the spec and the live state it read anyway and requires the same changes: ownership
//! and every other rule comes from that fresh plan, never from the file.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Action, Change, Plan};
use crate::live::Live;
use crate::model::Address;

/// Why a saved plan may not run, one line per resource; empty when it matches `fresh`.
pub fn differences(saved: &Plan, fresh: &Plan, live: &Live) -> Vec<String> {
    let mut problems = Vec::new();
    if !fresh.errors.is_empty() {
        problems.push(format!(
            "planning again from the spec finds errors the saved plan does not show ({}); run `sesform plan` to see them",
            fresh
                .errors
                .iter()
                .map(|e| e.address.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let by_address = |plan: &Plan| -> BTreeMap<Address, Value> {
        plan.changes
            .iter()
            .map(|c| (c.address.clone(), comparable(c)))
            .collect()
    };
    let (saved_changes, fresh_changes) = (by_address(saved), by_address(fresh));
    for change in &saved.changes {
        let address = &change.address;
        match fresh_changes.get(address) {
            Some(expected) if *expected == saved_changes[address] => {}
            Some(_) => problems.push(format!(
                "{address}: the saved plan's change differs from what the spec and live state call for"
            )),
            None if change.action == Action::NoOp => {}
            None if live.unmanaged.contains(address) || !live.resources.contains_key(address) => {
                problems.push(format!(
                    "{address}: the saved plan would {} it, but it is neither in the spec nor owned by stack `{}`",
                    change.action.as_str(),
                    fresh.stack
                ))
            }
            None => problems.push(format!(
                "{address}: the saved plan would {} it, but the spec and live state call for no change",
                change.action.as_str()
            )),
        }
    }
    for change in &fresh.changes {
        if change.action != Action::NoOp && !saved_changes.contains_key(&change.address) {
            problems.push(format!(
                "{}: the spec and live state call for a change the saved plan leaves out",
                change.address
            ));
        }
    }
    problems
}

/// A change as compared: everything but the ARN, which the live read fills in either way.
fn comparable(change: &Change) -> Value {
    let mut value = serde_json::to_value(change).unwrap_or(Value::Null);
    if let Some(object) = value.as_object_mut() {
        object.remove("arn");
    }
    value
}
