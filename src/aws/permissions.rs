//! Every AWS call sesform makes, with the IAM action it needs: the source of the least-privilege
//! policies in docs/iam.md and of `sesform iam-policy`. A unit test holds this list to the calls
//! in `aws/*` (every operation named in `send("...", ..)`), and an integration test holds the calls the emulators see
//! in each command to the policy documented for it, so neither can drift.

use serde_json::{Value, json};

/// Which policy a call belongs to: `Read` calls are what the read-only commands need; `Write`
/// calls (changes, and the lock that guards them) only apply-like commands make; `Diagnose`
/// calls (the suppression list, the event log) only `events` and `why` make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    Diagnose,
}

/// One API operation of one service, as the SDK calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    /// The IAM service prefix: `ses` (SESv2 uses the `ses:` actions), `sns`, `iam`, `ssm`.
    pub service: &'static str,
    pub operation: &'static str,
    pub access: Access,
}

impl Call {
    /// The IAM action: the service prefix and the operation name.
    pub fn action(&self) -> String {
        format!("{}:{}", self.service, self.operation)
    }
}

const fn read(service: &'static str, operation: &'static str) -> Call {
    Call {
        service,
        operation,
        access: Access::Read,
    }
}

const fn diagnose(service: &'static str, operation: &'static str) -> Call {
    Call {
        service,
        operation,
        access: Access::Diagnose,
    }
}

const fn write(service: &'static str, operation: &'static str) -> Call {
    Call {
        service,
        operation,
        access: Access::Write,
    }
}

/// Every call. STS GetCallerIdentity is left out: it needs no permission.
pub const CALLS: &[Call] = &[
    // SESv2
    read("ses", "GetAccount"),
    read("ses", "ListEmailIdentities"),
    read("ses", "GetEmailIdentity"),
    read("ses", "ListConfigurationSets"),
    read("ses", "GetConfigurationSet"),
    read("ses", "GetConfigurationSetEventDestinations"),
    write("ses", "CreateEmailIdentity"),
    write("ses", "DeleteEmailIdentity"),
    write("ses", "PutEmailIdentityDkimAttributes"),
    write("ses", "PutEmailIdentityDkimSigningAttributes"),
    write("ses", "PutEmailIdentityMailFromAttributes"),
    write("ses", "PutEmailIdentityFeedbackAttributes"),
    write("ses", "PutEmailIdentityConfigurationSetAttributes"),
    write("ses", "CreateConfigurationSet"),
    write("ses", "DeleteConfigurationSet"),
    write("ses", "PutConfigurationSetDeliveryOptions"),
    write("ses", "PutConfigurationSetReputationOptions"),
    write("ses", "PutConfigurationSetSendingOptions"),
    write("ses", "PutConfigurationSetSuppressionOptions"),
    write("ses", "PutConfigurationSetTrackingOptions"),
    write("ses", "CreateConfigurationSetEventDestination"),
    write("ses", "UpdateConfigurationSetEventDestination"),
    write("ses", "DeleteConfigurationSetEventDestination"),
    write("ses", "PutAccountDetails"),
    write("ses", "PutAccountSendingAttributes"),
    write("ses", "PutAccountSuppressionAttributes"),
    write("ses", "TagResource"),
    write("ses", "UntagResource"),
    diagnose("ses", "GetSuppressedDestination"),
    // SNS
    read("sns", "ListTopics"),
    read("sns", "ListTagsForResource"),
    read("sns", "ListSubscriptionsByTopic"),
    read("sns", "GetSubscriptionAttributes"),
    write("sns", "CreateTopic"),
    write("sns", "DeleteTopic"),
    write("sns", "TagResource"),
    write("sns", "UntagResource"),
    write("sns", "Subscribe"),
    write("sns", "Unsubscribe"),
    write("sns", "SetSubscriptionAttributes"),
    // IAM
    read("iam", "ListUsers"),
    read("iam", "GetUser"),
    read("iam", "GetUserPolicy"),
    read("iam", "ListUserPolicies"),
    read("iam", "ListAttachedUserPolicies"),
    read("iam", "ListGroupsForUser"),
    read("iam", "ListGroupPolicies"),
    read("iam", "GetGroupPolicy"),
    read("iam", "ListAttachedGroupPolicies"),
    read("iam", "GetPolicy"),
    read("iam", "GetPolicyVersion"),
    read("iam", "ListAccessKeys"),
    read("iam", "GetAccessKeyLastUsed"),
    write("iam", "CreateUser"),
    write("iam", "UpdateUser"),
    write("iam", "DeleteUser"),
    write("iam", "PutUserPolicy"),
    write("iam", "DeleteUserPolicy"),
    write("iam", "CreateAccessKey"),
    write("iam", "DeleteAccessKey"),
    write("iam", "TagUser"),
    write("iam", "UntagUser"),
    // SSM: the stack lock of apply, destroy and smtp rotate (`/sesform/lock/*`).
    write("ssm", "PutParameter"),
    write("ssm", "GetParameter"),
    write("ssm", "DeleteParameter"),
    // EventBridge: the event log's rule on the default bus.
    read("events", "DescribeRule"),
    read("events", "ListTargetsByRule"),
    read("events", "ListTagsForResource"),
    write("events", "PutRule"),
    write("events", "PutTargets"),
    write("events", "RemoveTargets"),
    write("events", "DeleteRule"),
    write("events", "TagResource"),
    write("events", "UntagResource"),
    // CloudWatch Logs: the event log's log group and resource policy; its events, which
    // `events tail` and `why` read.
    read("logs", "DescribeLogGroups"),
    read("logs", "ListTagsForResource"),
    read("logs", "DescribeResourcePolicies"),
    write("logs", "CreateLogGroup"),
    write("logs", "DeleteLogGroup"),
    write("logs", "PutRetentionPolicy"),
    write("logs", "DeleteRetentionPolicy"),
    write("logs", "TagResource"),
    write("logs", "UntagResource"),
    write("logs", "PutResourcePolicy"),
    write("logs", "DeleteResourcePolicy"),
    diagnose("logs", "FilterLogEvents"),
];

/// The reads `why` makes besides its own (`Diagnose`) calls: the account, identities and
/// configuration sets.
const WHY_READS: &[&str] = &[
    "ses:GetAccount",
    "ses:GetEmailIdentity",
    "ses:GetConfigurationSet",
    "ses:GetConfigurationSetEventDestinations",
];

/// The calls of one access level, or all of them.
fn actions(access: Option<Access>) -> Vec<String> {
    let mut actions: Vec<String> = CALLS
        .iter()
        .filter(|call| access.is_none_or(|a| call.access == a))
        .map(Call::action)
        .collect();
    actions.sort();
    actions.dedup();
    actions
}

/// The policy for `plan`, `status`, `dns`, `export` and `lint --online`: reads only.
pub fn read_only_policy() -> Value {
    policy("SesformReadOnly", actions(Some(Access::Read)))
}

/// The policy for `apply`, `destroy`, `adopt` and `smtp rotate`: every read and write.
pub fn apply_policy() -> Value {
    let mut all = actions(Some(Access::Read));
    all.extend(actions(Some(Access::Write)));
    all.sort();
    all.dedup();
    policy("SesformApply", all)
}

/// The policy for `events tail` and `why`: reads only, of the account, identities,
/// configuration sets, the suppression list and the event log.
pub fn events_policy() -> Value {
    let mut all = actions(Some(Access::Diagnose));
    all.extend(WHY_READS.iter().map(|a| a.to_string()));
    all.sort();
    policy("SesformEvents", all)
}

/// Whether the policy for `events tail` and `why` allows the action.
pub fn is_events(action: &str) -> bool {
    WHY_READS.contains(&action)
        || CALLS
            .iter()
            .any(|call| call.access == Access::Diagnose && call.action() == action)
}

/// Whether the policy for a read-only command allows the action.
pub fn is_read(action: &str) -> bool {
    CALLS
        .iter()
        .any(|call| call.access == Access::Read && call.action() == action)
}

/// Whether the apply policy allows the action.
pub fn is_known(action: &str) -> bool {
    CALLS
        .iter()
        .any(|call| call.access != Access::Diagnose && call.action() == action)
}

fn policy(sid: &str, actions: Vec<String>) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": sid,
            "Effect": "Allow",
            "Action": actions,
            "Resource": "*",
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation `aws/*` names (`send("Operation", ..)`) is in the list, and the list has
    /// nothing else.
    #[test]
    fn the_list_is_every_call_the_code_makes() {
        let sources = [
            ("ses", include_str!("sesv2.rs")),
            ("sns", include_str!("sns.rs")),
            ("iam", include_str!("iam.rs")),
            ("ssm", include_str!("ssm.rs")),
            ("logs", include_str!("logs.rs")),
            ("events", include_str!("eventbridge.rs")),
        ];
        let mut in_code = Vec::new();
        for (service, source) in sources {
            // `send("Op", ..)` and `page("Op", ..)` of `Meter`, `call("Op")`, and STS-style
            // `record(SERVICE, "Op")`; rustfmt may put the name on the next line.
            for marker in ["call(", "send(", "page(", "record(SERVICE,"] {
                for piece in source.split(marker).skip(1) {
                    let Some(literal) = piece.trim_start().strip_prefix('"') else {
                        continue;
                    };
                    let operation = literal.split('"').next().unwrap();
                    in_code.push(format!("{service}:{operation}"));
                }
            }
        }
        in_code.sort();
        in_code.dedup();
        let listed = actions(None);
        assert_eq!(in_code, listed);
    }

    #[test]
    fn docs_iam_md_holds_the_generated_policies() {
        let doc = include_str!("../../docs/iam.md");
        for policy in [read_only_policy(), apply_policy(), events_policy()] {
            let text = serde_json::to_string_pretty(&policy).unwrap();
            assert!(
                doc.contains(&text),
                "docs/iam.md is out of date; paste in `sesform iam-policy` output:\n{text}"
            );
        }
    }

    #[test]
    fn reads_are_a_subset_of_apply() {
        let read = read_only_policy()["Statement"][0]["Action"].clone();
        for action in read.as_array().unwrap() {
            assert!(is_known(action.as_str().unwrap()));
            assert!(is_read(action.as_str().unwrap()));
        }
        assert!(!is_read("ses:CreateEmailIdentity"));
    }

    #[test]
    fn the_events_policy_only_reads() {
        let events = events_policy()["Statement"][0]["Action"].clone();
        for action in events.as_array().unwrap() {
            let action = action.as_str().unwrap();
            assert!(is_events(action));
            assert!(is_read(action) || !is_known(action), "{action}");
            // Every listed read is a call sesform makes.
            assert!(CALLS.iter().any(|c| c.action() == action), "{action}");
        }
        assert!(is_events("logs:FilterLogEvents"));
        assert!(!is_events("ses:PutSuppressedDestination"));
    }
}
