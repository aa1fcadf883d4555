//! The spec's `event_log`, end to end: `sesform apply` builds the log (the sets' EventBridge
//! destinations, the rule on moto's default bus, the log group and its resource policy), mail
//! sent through the SESv2 emulator lands in it, and `events tail` and `why` read it back; then
//! the log converges, updates in place, exports, and is pruned.

use crate::util::aws::{REGION, block_on};
use crate::util::events::{EventLog, LOG_GROUP};
use sesform::emulator::AccountPatch;
use sesform::emulator::sending::RecipientOutcome;

const SPEC: &str = "version: 1
region: eu-west-1
account:
  suppression: [BOUNCE, COMPLAINT]
identities:
  example.com: {}
configuration_sets:
  tx:
    event_destinations:
      to-sns: {events: [BOUNCE, COMPLAINT], sns_topic: events}
  quiet: {}
sns_topics:
  events: {}
event_log:
  retention_days: 14
  configuration_sets: [tx]
  tags: {team: mail}
";

const SUCCESS: &str = "success@simulator.amazonses.com";
const BOUNCE: &str = "bounce@simulator.amazonses.com";
const COMPLAINT: &str = "complaint@simulator.amazonses.com";
const RULE: &str = "sesform-default-event-log";

fn verdict(run: &crate::util::Run) -> String {
    run.stdout
        .lines()
        .find_map(|l| l.strip_prefix("Verdict: "))
        .unwrap_or_else(|| panic!("no verdict: {run:?}"))
        .to_string()
}

fn apply(log: &EventLog) {
    let run = log.sesform(&["apply", "--auto-approve"]);
    assert_eq!(run.code, 0, "{run:?}");
}

fn assert_converged(log: &EventLog) {
    let run = log.sesform(&["plan", "--detailed-exitcode"]);
    assert_eq!(run.code, 0, "expected no changes: {run:?}");
    assert!(run.stdout.contains("No changes."), "{run:?}");
}

#[test]
fn apply_builds_the_log_and_events_and_why_read_it() {
    let log = EventLog::emulators();
    log.dir.write("sesform.yaml", SPEC);

    let run = log.sesform(&["plan"]);
    assert_eq!(run.code, 0, "{run:?}");
    for address in [
        "+ log_group./aws/events/sesform/default",
        "+ log_policy.sesform-default-event-log",
        "+ event_rule.sesform-default-event-log",
        "+ event_destination.tx.sesform-event-log",
        "+ event_destination.tx.to-sns",
    ] {
        assert!(run.stdout.contains(address), "{address}: {run:?}");
    }
    assert!(
        !run.stdout.contains("event_destination.quiet."),
        "quiet is not logged: {run:?}"
    );
    apply(&log);
    assert_converged(&log);

    // What AWS holds: the rule matches SES events of `tx` and targets the group, which keeps
    // 14 days and lets only that rule write.
    let events = log.aws.eventbridge();
    let rule = block_on(events.describe_rule().name(RULE).send()).expect("DescribeRule");
    let pattern: serde_json::Value = serde_json::from_str(rule.event_pattern().unwrap()).unwrap();
    assert_eq!(
        pattern,
        serde_json::json!({"source": ["aws.ses"], "detail": {"mail": {"tags": {"ses:configuration-set": ["tx"]}}}})
    );
    let targets = block_on(events.list_targets_by_rule().rule(RULE).send()).expect("targets");
    assert_eq!(
        targets.targets()[0].arn(),
        format!("arn:aws:logs:{REGION}:123456789012:log-group:{LOG_GROUP}")
    );
    let logs = log.aws.logs();
    let groups = block_on(
        logs.describe_log_groups()
            .log_group_name_prefix(LOG_GROUP)
            .send(),
    )
    .expect("DescribeLogGroups");
    assert_eq!(groups.log_groups()[0].retention_in_days(), Some(14));
    let arn = format!("arn:aws:logs:{REGION}:123456789012:log-group:{LOG_GROUP}");
    let tags = block_on(logs.list_tags_for_resource().resource_arn(&arn).send()).expect("tags");
    let tags = tags.tags().unwrap();
    assert_eq!(tags.get("team").map(String::as_str), Some("mail"));
    assert_eq!(
        tags.get("sesform:stack").map(String::as_str),
        Some("default")
    );
    let policies = block_on(logs.describe_resource_policies().send()).expect("policies");
    let policy = policies.resource_policies()[0].policy_document().unwrap();
    assert!(policy.contains(&format!("{arn}:*")), "{policy}");
    assert!(
        policy.contains(&format!("arn:aws:events:{REGION}:123456789012:rule/{RULE}")),
        "{policy}"
    );

    // Mail through the sets the spec made: each event reaches the log.
    log.aws
        .control()
        .verify_identity(REGION, "example.com")
        .expect("verify");
    let gone = "gone@example.org";
    log.aws
        .control()
        .set_recipient_outcome(REGION, gone, Some(RecipientOutcome::Bounce));
    log.send(SUCCESS, Some("tx"));
    log.send(BOUNCE, Some("tx"));
    log.send(COMPLAINT, Some("tx"));
    log.send(gone, Some("tx"));
    log.send("ooto@simulator.amazonses.com", Some("quiet"));
    // Send+Delivery, Send+Bounce, Send+Delivery+Complaint, Send+Bounce; nothing from quiet.
    log.wait_logged(9);
    log.send(gone, Some("tx"));
    log.wait_logged(11);

    let run = log.sesform(&["events", "tail", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let count = |kind: &str| lines.iter().filter(|l| l["type"] == kind).count();
    assert_eq!(
        (
            count("Send"),
            count("Delivery"),
            count("Bounce"),
            count("Complaint")
        ),
        (5, 2, 3, 1),
        "{run:?}"
    );
    assert!(
        lines.iter().all(|l| l["configuration_set"] == "tx"),
        "{run:?}"
    );
    let run = log.sesform(&["events", "tail", "--type", "bounce"]);
    assert!(run.stdout.contains("OnAccountSuppressionList"), "{run:?}");

    let run = log.sesform(&["why", SUCCESS]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        verdict(&run).starts_with("Delivered to the recipient's server at "),
        "{run:?}"
    );
    let run = log.sesform(&["why", BOUNCE]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(verdict(&run).starts_with("Hard bounce on "), "{run:?}");
    let run = log.sesform(&["why", COMPLAINT]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        verdict(&run).starts_with("Delivered, then the recipient complained on "),
        "{run:?}"
    );
    let run = log.sesform(&["why", gone]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        verdict(&run).starts_with("Suppressed: hard bounce on "),
        "{run:?}"
    );
    assert!(
        run.stdout.contains(&format!(
            "aws sesv2 delete-suppressed-destination --email-address {gone} --region {REGION}"
        )),
        "{run:?}"
    );
    // A set the log leaves out: no record, and the spec change that adds it.
    let run = log.sesform(&[
        "why",
        "ooto@simulator.amazonses.com",
        "--set",
        "quiet",
        "--from",
        "app@example.com",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        verdict(&run),
        "No record: the set `quiet` publishes no events; add it to the spec's `event_log` and apply."
    );
    // Back in the sandbox, an unverified recipient is refused before anything is sent.
    log.aws
        .control()
        .set_account(REGION, AccountPatch::sandbox());
    assert!(log.try_send("someone@example.net", Some("tx")).is_err());
    let run = log.sesform(&["why", "someone@example.net", "--from", "app@example.com"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        verdict(&run),
        "Not sent: the account is in the sandbox and someone@example.net is not verified."
    );
}

#[test]
fn the_log_updates_in_place_exports_and_is_pruned() {
    let log = EventLog::emulators();
    log.dir.write("sesform.yaml", SPEC);
    apply(&log);
    // A targeted plan reads the log's resources too.
    for target in [
        "log_group./aws/events/sesform/default",
        "log_policy.sesform-default-event-log",
        "event_rule.sesform-default-event-log",
    ] {
        let run = log.sesform(&["plan", "--detailed-exitcode", "--target", target]);
        assert_eq!(run.code, 0, "{target}: {run:?}");
    }

    // Every set, a longer retention, no user tags: the group and rule update in place, and
    // `quiet` gets its destination.
    let edited = SPEC
        .replace("retention_days: 14", "retention_days: 30")
        .replace("configuration_sets: [tx]", "configuration_sets: all")
        .replace("  tags: {team: mail}\n", "");
    log.dir.write("sesform.yaml", &edited);
    let run = log.sesform(&["plan"]);
    for line in [
        "~ log_group./aws/events/sesform/default",
        "~ retention_days = 14 -> 30",
        "~ event_rule.sesform-default-event-log",
        "+ event_destination.quiet.sesform-event-log",
    ] {
        assert!(run.stdout.contains(line), "{line}: {run:?}");
    }
    apply(&log);
    assert_converged(&log);
    let logs = log.aws.logs();
    let groups = block_on(
        logs.describe_log_groups()
            .log_group_name_prefix(LOG_GROUP)
            .send(),
    )
    .expect("DescribeLogGroups");
    assert_eq!(groups.log_groups()[0].retention_in_days(), Some(30));

    // Export gives the section back, defaults left out.
    let run = log.sesform(&["export", "--region", REGION]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("\nevent_log: {}\n"),
        "every default: {run:?}"
    );
    assert!(!run.stdout.contains("sesform-event-log"), "{run:?}");
    assert!(
        !run.stdout.contains("retention_days"),
        "30 is the default: {run:?}"
    );

    // Without the section, --prune removes all of it.
    let without = edited.split("event_log:").next().unwrap().to_string();
    log.dir.write("sesform.yaml", &without);
    let run = log.sesform(&["apply", "--auto-approve", "--prune"]);
    assert_eq!(run.code, 0, "{run:?}");
    for address in [
        "log_group./aws/events/sesform/default",
        "log_policy.sesform-default-event-log",
        "event_rule.sesform-default-event-log",
        "event_destination.tx.sesform-event-log",
        "event_destination.quiet.sesform-event-log",
    ] {
        assert!(
            run.stdout.contains(&format!("- {address}")),
            "{address}: {run:?}"
        );
    }
    assert!(block_on(log.aws.eventbridge().describe_rule().name(RULE).send()).is_err());
    let groups = block_on(
        logs.describe_log_groups()
            .log_group_name_prefix(LOG_GROUP)
            .send(),
    )
    .expect("DescribeLogGroups");
    assert!(groups.log_groups().is_empty());
    let policies = block_on(logs.describe_resource_policies().send()).expect("policies");
    assert!(policies.resource_policies().is_empty());
    let run = log.sesform(&["plan", "--detailed-exitcode", "--prune"]);
    assert_eq!(run.code, 0, "{run:?}");
}
