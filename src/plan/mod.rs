//! The plan: a plain, serializable data model of what apply would do (like Terraform's
//! `plans.Plan`). `--json` prints it as is; the human view renders the same value.

use serde::{Deserialize, Serialize};

pub use crate::model::Action;
use crate::model::{Address, Kind, State};

mod diff;
pub mod order;
pub mod recheck;

pub use diff::{DiffInput, PlanOptions, build, changed_fields};

/// Version of the JSON plan format; bumped on incompatible changes. 2 added `account_id`,
/// which apply checks: a format 1 plan cannot say which account it was made for.
pub const FORMAT_VERSION: &str = "2";

/// One resource's change. `before` is the live state (absent for creates), `after` the desired
/// state (absent for deletes); `changed` names the fields that differ (`dkim.key_length`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub address: Address,
    pub kind: Kind,
    pub action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<State>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<State>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
    /// Why a resource must be replaced rather than updated in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_reason: Option<String>,
    /// The live resource's ARN, where later calls need it (topics, subscriptions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
}

/// Something the plan wants a person to see, tied to a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub address: Address,
    pub message: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub replace: usize,
    pub delete: usize,
    pub no_op: usize,
}

/// Which spec a plan was made from, to refuse a saved plan once the spec has changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecRef {
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format_version: String,
    pub sesform_version: String,
    pub region: String,
    /// The AWS account the plan was made for (STS GetCallerIdentity); apply refuses another.
    pub account_id: String,
    /// Made with `--target`: only `targets` and what they need were read and planned.
    pub partial: bool,
    /// The `--target` addresses of a partial plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    pub stack: String,
    pub spec: SpecRef,
    /// Digest of the live state the plan was made from (see `Live::fingerprint`).
    pub live_fingerprint: String,
    pub options: PlanOptions,
    /// Every resource in the spec or owned by the stack, no-ops included, in apply order.
    pub changes: Vec<Change>,
    /// Problems that make the plan impossible to apply (e.g. a resource owned elsewhere).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Message>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Message>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Message>,
    /// Existing resources sesform saw and leaves alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmanaged: Vec<Address>,
    pub summary: Summary,
}

impl Plan {
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| c.action != Action::NoOp)
    }

    pub fn pending(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.action != Action::NoOp)
    }
}

impl Summary {
    pub fn of(changes: &[Change]) -> Summary {
        let mut summary = Summary::default();
        for change in changes {
            match change.action {
                Action::Create => summary.create += 1,
                Action::Update => summary.update += 1,
                Action::Replace => summary.replace += 1,
                Action::Delete => summary.delete += 1,
                Action::NoOp => summary.no_op += 1,
            }
        }
        summary
    }
}
