//! plan / apply / dns / destroy over real HTTP: the SESv2 emulator and moto_server.

use sesform::emulator::{Fault, FaultKind, Shape};

use crate::util::aws::{AwsEnv, block_on, stack_tags};
use crate::util::{Run, TestDir};

const SPEC: &str = r#"version: 1
region: eu-west-1
stack: test
identities:
  example.com:
    mail_from: {domain: mail.example.com}
    configuration_set: tx
  noreply@example.com: {}
configuration_sets:
  tx:
    tls: REQUIRE
    event_destinations:
      to-sns:
        events: [BOUNCE, COMPLAINT, DELIVERY]
        sns_topic: events
sns_topics:
  events:
    subscriptions:
      - {protocol: https, endpoint: "https://hooks.example.com/ses"}
smtp_users:
  mailer:
    path: /sesform/
    allow_from: ["*@example.com"]
"#;

struct Fixture {
    aws: AwsEnv,
    dir: TestDir,
}

impl Fixture {
    fn new(spec: &str) -> Fixture {
        let dir = TestDir::new();
        dir.write("sesform.yaml", spec);
        Fixture {
            aws: AwsEnv::start(),
            dir,
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_with(&[], args)
    }

    fn run_with(&self, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = self.dir.sesform();
        self.aws
            .configure(&mut cmd)
            .envs(env.iter().copied())
            .args(args);
        Run::of(&mut cmd)
    }

    fn spec(&self, spec: &str) {
        self.dir.write("sesform.yaml", spec);
    }

    fn apply(&self) -> Run {
        let run = self.run(&["apply", "--auto-approve"]);
        assert_eq!(run.code, 0, "{run:?}");
        assert!(run.stdout.contains("Apply complete!"), "{run:?}");
        run
    }

    fn assert_converged(&self) {
        let run = self.run(&["plan", "--detailed-exitcode"]);
        assert_eq!(run.code, 0, "expected no changes: {run:?}");
        assert!(run.stdout.contains("No changes."), "{run:?}");
    }

    fn plan_json(&self, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["plan", "--json"];
        args.extend_from_slice(extra);
        let run = self.run(&args);
        assert!(run.code == 0 || run.code == 1, "{run:?}");
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"))
    }
}

fn actions(plan: &serde_json::Value) -> Vec<(String, String)> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"] != "no-op")
        .map(|c| {
            (
                c["address"].as_str().unwrap().to_string(),
                c["action"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn create_then_converge() {
    let f = Fixture::new(SPEC);
    let run = f.run(&["plan", "--detailed-exitcode"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout
            .contains("Plan: 7 to create, 0 to update, 0 to delete."),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("smtp_user.mailer: has no `credentials`: sesform creates no access key"),
        "{run:?}"
    );
    for address in [
        "identity.example.com",
        "identity.noreply@example.com",
        "configuration_set.tx",
        "event_destination.tx.to-sns",
        "sns_topic.events",
        "sns_subscription.events.https:https://hooks.example.com/ses",
        "smtp_user.mailer",
    ] {
        assert!(
            run.stdout.contains(&format!("# {address} will be created")),
            "{address}: {run:?}"
        );
    }
    let run = f.apply();
    // DNS records are shown after apply, with the DKIM host SES reports.
    assert!(run.stdout.contains("._domainkey.example.com"), "{run:?}");
    assert!(
        run.stdout
            .contains("10 feedback-smtp.eu-west-1.amazonses.com"),
        "{run:?}"
    );
    f.assert_converged();

    // What apply created is tagged as this stack's.
    let identity = f.aws.identity("example.com");
    let tags: Vec<(&str, &str)> = identity
        .tags()
        .iter()
        .map(|t| (t.key(), t.value()))
        .collect();
    assert!(tags.contains(&("managed-by", "sesform")), "{tags:?}");
    assert!(tags.contains(&("sesform:stack", "test")), "{tags:?}");
    assert_eq!(identity.configuration_set_name(), Some("tx"));
}

#[test]
fn every_attribute_updates_in_place_and_converges() {
    let f = Fixture::new(SPEC);
    f.apply();
    let edits: &[(&str, &str, &str, &str)] = &[
        (
            "tls: REQUIRE",
            "tls: OPTIONAL",
            "configuration_set.tx",
            "tls",
        ),
        (
            "    tls: OPTIONAL\n",
            "    tls: OPTIONAL\n    reputation_metrics: true\n",
            "configuration_set.tx",
            "reputation_metrics",
        ),
        (
            "    reputation_metrics: true\n",
            "    reputation_metrics: true\n    sending_enabled: false\n",
            "configuration_set.tx",
            "sending_enabled",
        ),
        (
            "    sending_enabled: false\n",
            "    sending_enabled: false\n    suppression: [BOUNCE]\n",
            "configuration_set.tx",
            "suppression",
        ),
        (
            "    suppression: [BOUNCE]\n",
            "    suppression: [BOUNCE]\n    tracking: {custom_redirect_domain: click.example.com}\n",
            "configuration_set.tx",
            "tracking",
        ),
        (
            "    suppression: [BOUNCE]\n",
            "    suppression: [BOUNCE]\n    tags: {team: mail}\n",
            "configuration_set.tx",
            "tags",
        ),
        (
            "events: [BOUNCE, COMPLAINT, DELIVERY]",
            "events: [BOUNCE, COMPLAINT]",
            "event_destination.tx.to-sns",
            "events",
        ),
        (
            "        sns_topic: events\n",
            "        sns_topic: events\n        enabled: false\n",
            "event_destination.tx.to-sns",
            "enabled",
        ),
        (
            "mail_from: {domain: mail.example.com}",
            "mail_from: {domain: bounce.example.com, on_mx_failure: REJECT_MESSAGE}",
            "identity.example.com",
            "mail_from.domain",
        ),
        (
            "    configuration_set: tx\n  noreply",
            "    configuration_set: tx\n    feedback_forwarding: false\n  noreply",
            "identity.example.com",
            "feedback_forwarding",
        ),
        (
            "    feedback_forwarding: false\n",
            "    feedback_forwarding: false\n    dkim: {easy: {key_length: RSA_1024_BIT}}\n",
            "identity.example.com",
            "dkim.key_length",
        ),
        (
            "    feedback_forwarding: false\n",
            "    feedback_forwarding: false\n    tags: {owner: ops}\n",
            "identity.example.com",
            "tags",
        ),
        (
            "  noreply@example.com: {}",
            "  noreply@example.com: {configuration_set: tx}",
            "identity.noreply@example.com",
            "configuration_set",
        ),
        (
            "\"https://hooks.example.com/ses\"}",
            "\"https://hooks.example.com/ses\", raw_message_delivery: true}",
            "sns_subscription.events.https:https://hooks.example.com/ses",
            "raw_message_delivery",
        ),
        (
            "  events:\n    subscriptions",
            "  events:\n    tags: {team: mail}\n    subscriptions",
            "sns_topic.events",
            "tags",
        ),
        (
            "allow_from: [\"*@example.com\"]",
            "allow_from: [\"noreply@example.com\"]",
            "smtp_user.mailer",
            "policy",
        ),
        (
            "    path: /sesform/\n",
            "    path: /sesform/mail/\n",
            "smtp_user.mailer",
            "path",
        ),
        (
            "    path: /sesform/mail/\n",
            "    path: /sesform/mail/\n    tags: {team: mail}\n",
            "smtp_user.mailer",
            "tags",
        ),
        (
            "    dkim: {easy: {key_length: RSA_1024_BIT}}\n",
            "    dkim: {enabled: false, easy: {key_length: RSA_1024_BIT}}\n",
            "identity.example.com",
            "dkim.signing_enabled",
        ),
        (
            "    dkim: {enabled: false, easy: {key_length: RSA_1024_BIT}}\n",
            "    dkim: {byodkim: {selector: s1, private_key: {file: dkim.pem}}}\n",
            "identity.example.com",
            "dkim.origin",
        ),
        (
            "on_mx_failure: REJECT_MESSAGE}",
            "on_mx_failure: USE_DEFAULT_VALUE}",
            "identity.example.com",
            "mail_from.on_mx_failure",
        ),
        (
            "    mail_from: {domain: bounce.example.com, on_mx_failure: USE_DEFAULT_VALUE}\n",
            "",
            "identity.example.com",
            "mail_from",
        ),
        (
            "    configuration_set: tx\n    feedback_forwarding",
            "    feedback_forwarding",
            "identity.example.com",
            "configuration_set",
        ),
        (
            "tracking: {custom_redirect_domain: click.example.com}",
            "tracking: {custom_redirect_domain: click.example.com, https_policy: REQUIRE}",
            "configuration_set.tx",
            "tracking.https_policy",
        ),
        (
            "    tracking: {custom_redirect_domain: click.example.com, https_policy: REQUIRE}\n",
            "",
            "configuration_set.tx",
            "tracking",
        ),
        (
            "suppression: [BOUNCE]",
            "suppression: [BOUNCE, COMPLAINT]",
            "configuration_set.tx",
            "suppression",
        ),
        (
            "suppression: [BOUNCE, COMPLAINT]",
            "suppression: []",
            "configuration_set.tx",
            "suppression",
        ),
        (
            "        sns_topic: events\n",
            "        cloudwatch: {dimensions: [{name: campaign, source: MESSAGE_TAG, default_value: none}]}\n",
            "event_destination.tx.to-sns",
            "target.cloud_watch",
        ),
        (
            "default_value: none}]}",
            "default_value: other}]}",
            "event_destination.tx.to-sns",
            "target.cloud_watch",
        ),
        (
            "        cloudwatch: {dimensions: [{name: campaign, source: MESSAGE_TAG, default_value: other}]}\n",
            "        eventbridge: {}\n",
            "event_destination.tx.to-sns",
            "target.event_bridge",
        ),
        (
            "        eventbridge: {}\n",
            "        firehose: {delivery_stream_arn: \"arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses\", iam_role_arn: \"arn:aws:iam::123456789012:role/ses-firehose\"}\n",
            "event_destination.tx.to-sns",
            "target.firehose",
        ),
        (
            "        firehose: {delivery_stream_arn: \"arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses\", iam_role_arn: \"arn:aws:iam::123456789012:role/ses-firehose\"}\n",
            "        sns_topic: events\n",
            "event_destination.tx.to-sns",
            "target.sns_topic",
        ),
        (
            ", raw_message_delivery: true}",
            "}",
            "sns_subscription.events.https:https://hooks.example.com/ses",
            "raw_message_delivery",
        ),
    ];
    f.dir.write(
        "dkim.pem",
        "-----BEGIN PRIVATE KEY-----\nTUlJRXZBSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NCS1l3Z2dTaUFnRUFBb0lCQVFD\n-----END PRIVATE KEY-----\n",
    );
    let mut spec = SPEC.to_string();
    for (from, to, address, field) in edits {
        assert!(
            spec.contains(from),
            "edit `{from}` does not apply to:\n{spec}"
        );
        spec = spec.replacen(from, to, 1);
        f.spec(&spec);
        let plan = f.plan_json(&[]);
        let change = plan["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["address"] == *address)
            .unwrap_or_else(|| panic!("{address} not in plan"));
        assert_eq!(
            change["action"], "update",
            "{address} after `{to}`: {change}"
        );
        assert!(
            change["changed"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == field),
            "{address}: expected `{field}` changed: {change}"
        );
        assert_eq!(actions(&plan).len(), 1, "only {address} changes: {plan}");
        f.apply();
        f.assert_converged();
    }
}

#[test]
fn drift_is_planned_back_to_the_spec() {
    let f = Fixture::new(SPEC);
    f.apply();
    let ses = f.aws.ses();
    block_on(async {
        ses.put_configuration_set_delivery_options()
            .configuration_set_name("tx")
            .tls_policy(aws_sdk_sesv2::types::TlsPolicy::Optional)
            .send()
            .await
            .unwrap();
        ses.put_email_identity_feedback_attributes()
            .email_identity("example.com")
            .email_forwarding_enabled(false)
            .send()
            .await
            .unwrap();
    });
    let run = f.run(&["plan"]);
    assert!(
        run.stdout.contains("~ tls = \"OPTIONAL\" -> \"REQUIRE\""),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("~ feedback_forwarding = false -> true"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("Plan: 0 to create, 2 to update, 0 to delete."),
        "{run:?}"
    );
    f.apply();
    f.assert_converged();
}

#[test]
fn event_types_compare_as_a_set() {
    // The emulator returns MatchingEventTypes in another order than sent.
    let f = Fixture::new(&SPEC.replace(
        "events: [BOUNCE, COMPLAINT, DELIVERY]",
        "events: [send, DELIVERY, bounce, renderingFailure, COMPLAINT]",
    ));
    f.apply();
    f.assert_converged();
}

#[test]
fn prune_deletes_only_with_the_flag_and_respects_prevent_destroy() {
    let f = Fixture::new(&SPEC.replace("  noreply@example.com: {}", "  noreply@example.com: {}\n  old.example.com: {}\n  kept.example.com: {prevent_destroy: true}"));
    f.apply();
    f.spec(SPEC);
    let plan = f.plan_json(&[]);
    assert!(actions(&plan).is_empty(), "{plan}");
    let warnings = plan["warnings"].to_string();
    assert!(
        warnings.contains("identity.old.example.com") && warnings.contains("--prune"),
        "{plan}"
    );

    // prevent_destroy travels with the resource (as a tag) and blocks --prune.
    let run = f.run(&["plan", "--prune"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(
            "identity.kept.example.com: would be deleted by --prune, but prevent_destroy is set"
        ),
        "{run:?}"
    );
    let run = f.run(&["apply", "--prune", "--auto-approve"]);
    assert_eq!(run.code, 1, "{run:?}");

    // Back in the spec without the flag, the tag goes, and then --prune may delete it.
    f.spec(&SPEC.replace(
        "  noreply@example.com: {}",
        "  noreply@example.com: {}\n  kept.example.com: {}",
    ));
    f.apply();
    f.spec(SPEC);
    let plan = f.plan_json(&["--prune"]);
    assert_eq!(
        actions(&plan),
        vec![
            (
                "identity.kept.example.com".to_string(),
                "delete".to_string()
            ),
            ("identity.old.example.com".to_string(), "delete".to_string())
        ]
    );
    let run = f.run(&["apply", "--prune", "--auto-approve"]);
    assert_eq!(run.code, 0, "{run:?}");
    let missing = block_on(
        f.aws
            .ses()
            .get_email_identity()
            .email_identity("old.example.com")
            .send(),
    );
    assert!(missing.is_err());
    f.assert_converged();
}

#[test]
fn unmanaged_resources_are_listed_and_never_touched() {
    let f = Fixture::new(SPEC);
    block_on(async {
        f.aws
            .ses()
            .create_email_identity()
            .email_identity("other.example.org")
            .send()
            .await
            .unwrap();
        f.aws
            .sns()
            .create_topic()
            .name("someone-elses")
            .send()
            .await
            .unwrap();
    });
    f.apply();
    let run = f.run(&["plan", "--prune"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("Unmanaged resources (2), left alone:"),
        "{run:?}"
    );
    assert!(run.stdout.contains("identity.other.example.org"), "{run:?}");
    assert!(run.stdout.contains("sns_topic.someone-elses"), "{run:?}");
    assert!(run.stdout.contains("No changes."), "{run:?}");
}

#[test]
fn resources_created_elsewhere_need_adopt() {
    let f = Fixture::new(SPEC);
    block_on(
        f.aws
            .ses()
            .create_configuration_set()
            .configuration_set_name("tx")
            .send(),
    )
    .unwrap();
    let run = f.run(&["plan"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(
            "configuration_set.tx: already exists, created outside sesform; run with --adopt"
        ),
        "{run:?}"
    );
    let run = f.run(&["apply", "--auto-approve"]);
    assert_eq!(run.code, 1, "{run:?}");

    let run = f.run(&["apply", "--adopt", "--auto-approve"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("# configuration_set.tx will be updated in place"),
        "{run:?}"
    );
    f.assert_converged();
}

#[test]
fn saved_plans_are_refused_when_stale_or_the_spec_changed() {
    let f = Fixture::new(SPEC);
    let run = f.run(&["plan", "--out", "plan.json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let saved: serde_json::Value = serde_json::from_str(&f.dir.read("plan.json")).unwrap();
    assert_eq!(saved["format_version"], "2");
    assert!(
        saved["live_fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );

    // Live state changes under the plan.
    block_on(
        f.aws
            .ses()
            .create_email_identity()
            .email_identity("late.example.net")
            .send(),
    )
    .unwrap();
    let run = f.run(&["apply", "--plan", "plan.json"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("stale plan"), "{run:?}");

    // A fresh plan applies; then a spec edit invalidates the next saved plan.
    assert_eq!(f.run(&["plan", "--out", "plan.json"]).code, 0);
    f.spec(&SPEC.replace("tls: REQUIRE", "tls: OPTIONAL"));
    let run = f.run(&["apply", "--plan", "plan.json"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("or it changed since"), "{run:?}");

    // A spec named next to --plan must be the one the plan was made from.
    f.spec(SPEC);
    f.dir
        .write("other.yaml", SPEC.replace("tls: REQUIRE", "tls: OPTIONAL"));
    let run = f.run(&["apply", "--plan", "plan.json", "other.yaml"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("changed since"), "{run:?}");
    // The message names the spec that was given, not only the plan's.
    assert!(run.stderr.contains("other.yaml is not the one"), "{run:?}");

    // From another working directory, the saved plan still finds its spec.
    f.dir.write("ci/.keep", "");
    let mut cmd = f.dir.sesform();
    f.aws
        .configure(&mut cmd)
        .current_dir(f.dir.join("ci"))
        .args(["apply", "--plan", "../plan.json"]);
    let run = Run::of(&mut cmd);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("Apply complete!"), "{run:?}");
    f.assert_converged();
}

/// The lines of one section (`Done`, `Failed`, `Not started`) of apply's failure report.
fn report_section(stderr: &str, label: &str) -> Vec<String> {
    let Some((_, rest)) = stderr.split_once(&format!("{label}:\n")) else {
        return Vec::new();
    };
    rest.lines()
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.trim().to_string())
        .collect()
}

#[test]
fn partial_failure_reports_and_a_rerun_converges() {
    let f = Fixture::new(SPEC);
    // The address identity (no dependencies) fails at once, while creating the configuration
    // set is still in flight: that finishes, and what needs the set never starts.
    let control = f.aws.control();
    control
        .inject(
            Fault::delay(std::time::Duration::from_millis(1500))
                .only("CreateConfigurationSet")
                .times(1),
        )
        .unwrap();
    control
        .inject(
            Fault::error(400, "BadRequestException")
                .only("CreateEmailIdentity")
                .times(10),
        )
        .unwrap();
    let run = f.run(&["apply", "--auto-approve", "--parallelism", "8"]);
    assert_eq!(run.code, 1, "{run:?}");
    let failed = report_section(&run.stderr, "Failed");
    assert_eq!(failed.len(), 1, "{run:?}");
    assert!(
        failed[0].starts_with("identity.noreply@example.com (create): "),
        "{run:?}"
    );
    let done = report_section(&run.stderr, "Done");
    assert!(
        done.iter()
            .any(|l| l.starts_with("configuration_set.tx (create)")),
        "in flight at the failure, so finished: {run:?}"
    );
    let not_started = report_section(&run.stderr, "Not started");
    for address in ["event_destination.tx.to-sns", "identity.example.com"] {
        assert!(
            not_started
                .iter()
                .any(|l| l == &format!("{address} (create)")),
            "{address} needs the set, so it is not scheduled after the failure: {run:?}"
        );
    }
    assert_eq!(control.call_count("CreateEmailIdentity"), 1, "{run:?}");

    control.clear_faults();
    let plan = f.plan_json(&[]);
    let pending = actions(&plan);
    assert!(pending.iter().all(|(_, a)| a == "create"), "{plan}");
    assert!(
        !pending.iter().any(|(a, _)| a == "configuration_set.tx"),
        "{plan}"
    );
    f.apply();
    f.assert_converged();
    // Nothing was created twice.
    let ses = f.aws.ses();
    let (identities, sets, destinations, topics, subs, users) = block_on(async {
        (
            ses.list_email_identities().send().await.unwrap(),
            ses.list_configuration_sets().send().await.unwrap(),
            ses.get_configuration_set_event_destinations()
                .configuration_set_name("tx")
                .send()
                .await
                .unwrap(),
            f.aws.sns().list_topics().send().await.unwrap(),
            f.aws.sns().list_subscriptions().send().await.unwrap(),
            f.aws.iam().list_users().send().await.unwrap(),
        )
    });
    assert_eq!(identities.email_identities().len(), 2);
    assert_eq!(sets.configuration_sets().len(), 1);
    assert_eq!(destinations.event_destinations().len(), 1);
    assert_eq!(topics.topics().len(), 1);
    assert_eq!(subs.subscriptions().len(), 1);
    assert_eq!(users.users().len(), 1);
}

#[test]
fn throttling_is_retried() {
    let f = Fixture::new(SPEC);
    f.aws
        .control()
        .inject(
            Fault::new(FaultKind::Throttle)
                .only("ListEmailIdentities")
                .times(2),
        )
        .unwrap();
    let run = f.run(&["plan"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(f.aws.control().call_count("ListEmailIdentities"), 3);
}

#[test]
fn throttled_writes_are_retried_and_max_attempts_is_honoured() {
    let f = Fixture::new(SPEC);
    let control = f.aws.control();
    control
        .inject(
            Fault::new(FaultKind::Throttle)
                .only("CreateConfigurationSet")
                .times(2),
        )
        .unwrap();
    let run = f.run(&["apply", "--auto-approve", "--retry-mode", "adaptive"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(control.call_count("CreateConfigurationSet"), 3);

    // With one attempt, a throttled call is not retried and apply reports it.
    control
        .inject(
            Fault::new(FaultKind::Throttle)
                .only("PutConfigurationSetDeliveryOptions")
                .times(1),
        )
        .unwrap();
    f.spec(&SPEC.replace("tls: REQUIRE", "tls: OPTIONAL"));
    let run = f.run(&["apply", "--auto-approve", "--max-attempts", "1"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("configuration_set.tx (update)"),
        "{run:?}"
    );
    assert_eq!(control.call_count("PutConfigurationSetDeliveryOptions"), 1);
    f.apply();
    f.assert_converged();
}

#[test]
fn plan_reads_with_the_minimum_number_of_calls() {
    let f = Fixture::new(SPEC);
    f.apply();
    f.aws.control().clear_calls();
    f.assert_converged();
    // One list per kind, one Get per identity (tags included), one destinations call per set.
    let counts = f.aws.control().call_counts();
    let expected: std::collections::BTreeMap<String, usize> = [
        ("ListEmailIdentities", 1),
        ("GetEmailIdentity", 2),
        ("ListConfigurationSets", 1),
        ("GetConfigurationSet", 1),
        ("GetConfigurationSetEventDestinations", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(counts, expected);

    // SNS and IAM, as sesform counts them (`-v`): one list, then one call per topic,
    // subscription and user detail.
    let run = f.run(&["plan", "-v"]);
    assert_eq!(run.code, 0, "{run:?}");
    for (operation, count) in [
        ("sns:ListTopics", 1),
        ("sns:ListTagsForResource", 1),
        ("sns:ListSubscriptionsByTopic", 1),
        ("sns:GetSubscriptionAttributes", 1),
        ("iam:ListUsers", 1),
        ("iam:GetUser", 1),
        ("iam:GetUserPolicy", 1),
        ("iam:ListAccessKeys", 1),
    ] {
        let line = run
            .stderr
            .lines()
            .find(|l| l.split_whitespace().next() == Some(operation))
            .unwrap_or_else(|| panic!("{operation} not counted: {run:?}"));
        assert_eq!(
            line.split_whitespace().nth(1),
            Some(count.to_string().as_str()),
            "{operation}: {run:?}"
        );
    }
    let total_sns_iam = run
        .stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("sns:") || l.trim_start().starts_with("iam:"))
        .count();
    assert_eq!(total_sns_iam, 8, "no other SNS or IAM calls: {run:?}");
}

#[test]
fn json_plan_format() {
    let f = Fixture::new(SPEC);
    let plan = f.plan_json(&[]);
    assert_eq!(plan["format_version"], "2");
    assert_eq!(plan["account_id"], "123456789012");
    assert_eq!(plan["region"], "eu-west-1");
    assert_eq!(plan["stack"], "test");
    assert_eq!(plan["summary"]["create"], 7);
    let change = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "configuration_set.tx")
        .unwrap();
    assert_eq!(change["kind"], "configuration_set");
    assert_eq!(change["after"]["tls"], "REQUIRE");
    assert!(change.get("before").is_none());
}

#[test]
fn apply_refuses_to_prompt_without_a_terminal() {
    let f = Fixture::new(SPEC);
    let run = f.run(&["apply"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("pass --auto-approve"), "{run:?}");
    let plan = f.plan_json(&[]);
    assert_eq!(plan["summary"]["create"], 7, "nothing was applied");
}

/// `sesform ARGS` on a pseudo-terminal (util-linux `script`), with `input` typed at it.
fn on_terminal(f: &Fixture, args: &str, input: &str) -> Run {
    use std::io::Write;
    let mut cmd = std::process::Command::new("script");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", f.dir.path())
        .env("AWS_CONFIG_FILE", f.dir.join(".aws-config-none"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            f.dir.join(".aws-credentials-none"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true");
    f.aws.configure(&mut cmd);
    cmd.current_dir(f.dir.path())
        .args([
            "-qec",
            &format!("{} {args}", env!("CARGO_BIN_EXE_sesform")),
            "/dev/null",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd
        .spawn()
        .expect("util-linux `script` runs the terminal tests (apt install bsdutils)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn apply_asks_on_a_terminal_and_only_yes_applies() {
    let f = Fixture::new(SPEC);
    let run = on_terminal(&f, "apply", "no\n");
    assert!(
        run.stdout.contains("Only 'yes' will be accepted"),
        "{run:?}"
    );
    assert_ne!(run.code, 0, "{run:?}");
    assert_eq!(f.plan_json(&[])["summary"]["create"], 7, "nothing applied");

    let run = on_terminal(&f, "apply", "yes\n");
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("Apply complete!"), "{run:?}");
    f.assert_converged();
}

#[test]
fn dns_formats_use_the_signing_host_ses_reports() {
    let f = Fixture::new(SPEC);
    f.apply();
    f.aws
        .control()
        .verify_identity("eu-west-1", "example.com")
        .unwrap();
    let table = f.run(&["dns"]);
    assert_eq!(table.code, 0, "{table:?}");
    assert!(table.stdout.contains("SUCCESS"), "{table:?}");
    let bind = f.run(&["dns", "--format", "bind"]);
    assert!(
        bind.stdout
            .contains("._domainkey.example.com. 1800 IN CNAME "),
        "{bind:?}"
    );
    assert!(
        bind.stdout
            .contains("mail.example.com. 1800 IN MX 10 feedback-smtp.eu-west-1.amazonses.com."),
        "{bind:?}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&f.run(&["dns", "--format", "json"]).stdout).unwrap();
    let dkim: Vec<&serde_json::Value> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["purpose"] == "DKIM")
        .collect();
    assert_eq!(dkim.len(), 3);
    let host = dkim[0]["value"].as_str().unwrap();
    assert!(host.ends_with(".dkim.amazonses.com"), "{host}");
    let batch: serde_json::Value =
        serde_json::from_str(&f.run(&["dns", "--format", "route53"]).stdout).unwrap();
    assert_eq!(batch["Changes"][0]["Action"], "UPSERT");
}

#[test]
fn destroy_removes_what_the_stack_owns() {
    let f = Fixture::new(SPEC);
    f.apply();
    block_on(
        f.aws
            .ses()
            .create_email_identity()
            .email_identity("other.example.org")
            .send(),
    )
    .unwrap();
    let run = f.run(&["destroy"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("so destroy cannot ask"), "{run:?}");
    assert!(!run.stderr.contains("--plan"), "{run:?}");
    let run = f.run(&["destroy", "--auto-approve"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("Destroy complete!"), "{run:?}");
    let identities = block_on(f.aws.ses().list_email_identities().send()).unwrap();
    let names: Vec<&str> = identities
        .email_identities()
        .iter()
        .filter_map(|i| i.identity_name())
        .collect();
    assert_eq!(names, vec!["other.example.org"]);
    let plan = f.plan_json(&[]);
    assert_eq!(plan["summary"]["create"], 7);
}

#[test]
fn smtp_users_on_the_default_path_are_pruned_and_destroyed() {
    let two_users = SPEC.replace(
        "  mailer:\n    path: /sesform/\n    allow_from: [\"*@example.com\"]\n",
        "  mailer:\n    allow_from: [\"*@example.com\"]\n  reports:\n    allow_from: [\"reports@example.com\"]\n",
    );
    assert_ne!(two_users, SPEC);
    let f = Fixture::new(&two_users);
    f.apply();
    f.assert_converged();
    let user = block_on(f.aws.iam().get_user().user_name("reports").send()).unwrap();
    assert_eq!(user.user().unwrap().path(), "/sesform/");

    f.spec(&two_users.replace(
        "  reports:\n    allow_from: [\"reports@example.com\"]\n",
        "",
    ));
    let plan = f.plan_json(&[]);
    assert!(
        plan["warnings"].to_string().contains("smtp_user.reports"),
        "{plan}"
    );
    let plan = f.plan_json(&["--prune"]);
    assert_eq!(
        actions(&plan),
        vec![("smtp_user.reports".to_string(), "delete".to_string())]
    );
    let run = f.run(&["apply", "--prune", "--auto-approve"]);
    assert_eq!(run.code, 0, "{run:?}");

    let run = f.run(&["destroy", "--auto-approve"]);
    assert_eq!(run.code, 0, "{run:?}");
    let users = block_on(f.aws.iam().list_users().send()).unwrap();
    assert!(users.users().is_empty(), "{:?}", users.users());
}

#[test]
fn a_domain_created_with_dkim_off_converges() {
    let f = Fixture::new(&SPEC.replace(
        "    configuration_set: tx\n  noreply",
        "    configuration_set: tx\n    dkim: {enabled: false}\n  noreply",
    ));
    f.apply();
    f.assert_converged();
    let identity = f.aws.identity("example.com");
    assert!(!identity.dkim_attributes().unwrap().signing_enabled());
}

#[test]
fn a_sets_suppression_left_out_of_the_spec_is_left_alone() {
    let with = SPEC.replace(
        "    tls: REQUIRE\n",
        "    tls: REQUIRE\n    suppression: [BOUNCE]\n",
    );
    let f = Fixture::new(&with);
    f.apply();
    f.spec(SPEC);
    f.assert_converged();
    let set = block_on(
        f.aws
            .ses()
            .get_configuration_set()
            .configuration_set_name("tx")
            .send(),
    )
    .unwrap();
    assert_eq!(
        set.suppression_options().unwrap().suppressed_reasons(),
        &[aws_sdk_sesv2::types::SuppressionListReason::Bounce]
    );
    // Said explicitly, it is managed again.
    f.spec(&SPEC.replace(
        "    tls: REQUIRE\n",
        "    tls: REQUIRE\n    suppression: []\n",
    ));
    let plan = f.plan_json(&[]);
    assert_eq!(
        actions(&plan),
        vec![("configuration_set.tx".to_string(), "update".to_string())]
    );
    f.apply();
    f.assert_converged();
}

#[test]
fn topics_given_by_arn_keep_their_account() {
    // moto's account is 123456789012: the first ARN is this spec's own topic, the second
    // another account's.
    let spec = SPEC.replace(
        "        sns_topic: events\n",
        "        sns_topic: \"arn:aws:sns:eu-west-1:123456789012:events\"\n      to-partner:\n        events: [SEND]\n        sns_topic: \"arn:aws:sns:eu-west-1:999999999999:theirs\"\n",
    );
    let f = Fixture::new(&spec);
    let plan = f.plan_json(&[]);
    let order: Vec<String> = actions(&plan).into_iter().map(|(a, _)| a).collect();
    let position = |address: &str| order.iter().position(|a| a == address).unwrap();
    assert!(position("sns_topic.events") < position("event_destination.tx.to-sns"));
    f.apply();
    f.assert_converged();
    let destinations = block_on(
        f.aws
            .ses()
            .get_configuration_set_event_destinations()
            .configuration_set_name("tx")
            .send(),
    )
    .unwrap();
    let arns: std::collections::BTreeMap<&str, &str> = destinations
        .event_destinations()
        .iter()
        .map(|d| (d.name(), d.sns_destination().unwrap().topic_arn()))
        .collect();
    assert_eq!(arns["to-sns"], "arn:aws:sns:eu-west-1:123456789012:events");
    assert_eq!(
        arns["to-partner"],
        "arn:aws:sns:eu-west-1:999999999999:theirs"
    );

    // The same topic by name is no change.
    f.spec(&spec.replace("\"arn:aws:sns:eu-west-1:123456789012:events\"", "events"));
    f.assert_converged();
}

#[test]
fn account_settings_update_and_converge() {
    let f = Fixture::new(SPEC);
    f.apply();
    let edits = [
        ("account: {sending_enabled: false}\n", "sending_enabled"),
        (
            "account: {sending_enabled: false, suppression: [BOUNCE]}\n",
            "suppression",
        ),
        (
            "account: {sending_enabled: false, suppression: []}\n",
            "suppression",
        ),
    ];
    for (account, field) in edits {
        f.spec(&SPEC.replace("stack: test\n", &format!("stack: test\n{account}")));
        let plan = f.plan_json(&[]);
        let change = plan["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["address"] == "account")
            .unwrap_or_else(|| panic!("no account change: {plan}"));
        assert_eq!(change["action"], "update", "{change}");
        assert!(
            change["changed"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == field),
            "{field}: {change}"
        );
        f.apply();
        f.assert_converged();
    }
    let account = f.aws.control().account("eu-west-1");
    assert!(!account.sending_enabled);
}

#[test]
fn drift_in_sns_destinations_and_tags_is_planned_back() {
    let spec = SPEC.replace(
        "  events:\n    subscriptions",
        "  events:\n    tags: {team: mail}\n    subscriptions",
    );
    let f = Fixture::new(&spec);
    f.apply();
    let arn = "arn:aws:sns:eu-west-1:123456789012:events";
    block_on(async {
        let ses = f.aws.ses();
        ses.update_configuration_set_event_destination()
            .configuration_set_name("tx")
            .event_destination_name("to-sns")
            .event_destination(
                aws_sdk_sesv2::types::EventDestinationDefinition::builder()
                    .enabled(true)
                    .matching_event_types(aws_sdk_sesv2::types::EventType::Send)
                    .sns_destination(
                        aws_sdk_sesv2::types::SnsDestination::builder()
                            .topic_arn(arn)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let sns = f.aws.sns();
        sns.untag_resource()
            .resource_arn(arn)
            .tag_keys("team")
            .send()
            .await
            .unwrap();
        let subs = sns.list_subscriptions().send().await.unwrap();
        sns.set_subscription_attributes()
            .subscription_arn(subs.subscriptions()[0].subscription_arn().unwrap())
            .attribute_name("RawMessageDelivery")
            .attribute_value("true")
            .send()
            .await
            .unwrap();
        ses.tag_resource()
            .resource_arn("arn:aws:ses:eu-west-1:123456789012:identity/example.com")
            .tags(
                aws_sdk_sesv2::types::Tag::builder()
                    .key("added")
                    .value("by-hand")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    });
    // A sesform tag removed by hand is drift too, not a loss of ownership.
    block_on(
        f.aws
            .ses()
            .untag_resource()
            .resource_arn("arn:aws:ses:eu-west-1:123456789012:configuration-set/tx")
            .tag_keys("managed-by")
            .send(),
    )
    .unwrap();
    let plan = f.plan_json(&[]);
    let mut pending = actions(&plan);
    pending.sort();
    assert_eq!(
        pending,
        vec![
            ("configuration_set.tx".to_string(), "update".to_string()),
            (
                "event_destination.tx.to-sns".to_string(),
                "update".to_string()
            ),
            ("identity.example.com".to_string(), "update".to_string()),
            (
                "sns_subscription.events.https:https://hooks.example.com/ses".to_string(),
                "update".to_string()
            ),
            ("sns_topic.events".to_string(), "update".to_string()),
        ],
        "{plan}"
    );
    f.apply();
    f.assert_converged();
}

#[test]
fn prune_covers_every_kind_and_prevent_destroy_guards_each() {
    let spec = SPEC.replace(
        "sns_topics:\n",
        "  old-set:\n    event_destinations:\n      gone:\n        events: [SEND]\n        sns_topic: old-topic\nsns_topics:\n  old-topic: {}\n  kept-topic: {prevent_destroy: true}\n",
    ).replace(
        "      - {protocol: https, endpoint: \"https://hooks.example.com/ses\"}\n",
        "      - {protocol: https, endpoint: \"https://hooks.example.com/ses\"}\n      - {protocol: https, endpoint: \"https://hooks.example.com/old\"}\n",
    ).replace(
        "        sns_topic: events\n",
        "        sns_topic: events\n      old-destination:\n        events: [SEND]\n        sns_topic: events\n",
    );
    let f = Fixture::new(&spec);
    f.apply();
    f.spec(SPEC);
    let run = f.run(&["plan", "--prune"]);
    assert_eq!(run.code, 1, "prevent_destroy blocks: {run:?}");
    assert!(
        run.stdout.contains(
            "sns_topic.kept-topic: would be deleted by --prune, but prevent_destroy is set"
        ),
        "{run:?}"
    );
    // Allowed again in the spec without the flag; then everything else goes.
    f.spec(&SPEC.replace("sns_topics:\n", "sns_topics:\n  kept-topic: {}\n"));
    let plan = f.plan_json(&["--prune"]);
    let mut pending = actions(&plan);
    pending.sort();
    assert_eq!(
        pending,
        vec![
            (
                "configuration_set.old-set".to_string(),
                "delete".to_string()
            ),
            (
                "event_destination.tx.old-destination".to_string(),
                "delete".to_string()
            ),
            (
                "sns_subscription.events.https:https://hooks.example.com/old".to_string(),
                "delete".to_string()
            ),
            ("sns_topic.kept-topic".to_string(), "update".to_string()),
            ("sns_topic.old-topic".to_string(), "delete".to_string()),
        ],
        "the set's own destination goes with it: {plan}"
    );
    let run = f.run(&["apply", "--prune", "--auto-approve"]);
    assert_eq!(run.code, 0, "{run:?}");
    f.assert_converged();
    let (sets, topics, subs) = block_on(async {
        (
            f.aws.ses().list_configuration_sets().send().await.unwrap(),
            f.aws.sns().list_topics().send().await.unwrap(),
            f.aws.sns().list_subscriptions().send().await.unwrap(),
        )
    });
    assert_eq!(sets.configuration_sets(), &["tx".to_string()]);
    assert_eq!(topics.topics().len(), 2);
    assert_eq!(subs.subscriptions().len(), 1);
}

#[test]
fn another_stacks_resources_of_the_same_name_lend_no_children() {
    let f = Fixture::new(SPEC);
    f.apply();
    f.spec(&SPEC.replace("stack: test", "stack: other"));
    let plan = f.plan_json(&["--prune"]);
    let errors = plan["errors"].to_string();
    for address in ["configuration_set.tx", "sns_topic.events"] {
        assert!(
            errors.contains(address) && errors.contains("belongs to the sesform stack `test`"),
            "{address}: {plan}"
        );
    }
    // Their destination and subscription belong to stack `test`: nothing to prune or add.
    assert!(actions(&plan).is_empty(), "{plan}");
    assert!(
        !plan["warnings"]
            .to_string()
            .contains("sns_subscription.events"),
        "{plan}"
    );
}

/// Email-address identities with no MAIL FROM, next to a domain without one: AWS reports
/// "no custom MAIL FROM" on each of them in several shapes.
const ADDRESSES_SPEC: &str = r#"version: 1
region: eu-west-1
stack: test
identities:
  example.org: {}
  noreply@example.org: {}
  alerts@example.net:
    configuration_set: tx
configuration_sets:
  tx: {}
"#;

/// A real BYODKIM key for specs/full.yaml's `marketing.example.com`.
const DKIM_PRIVATE_KEY: &str = include_str!("fixtures/dkim/private.pem");

fn full_spec() -> String {
    let examples = crate::util::repo_file("examples/laravel-11");
    std::fs::read_to_string(crate::util::repo_file("specs/full.yaml"))
        .expect("read specs/full.yaml")
        .replace("../examples/laravel-11", examples.to_str().unwrap())
}

/// Applies `spec` on emulators answering in `shape`, then checks the converge contract: plan
/// shows "No changes." and a second apply writes nothing to SESv2.
fn converges_under(shape: Shape, spec: &str, env: &[(&str, &str)]) -> Fixture {
    let f = Fixture::new(spec);
    f.aws.control().set_shape(shape);
    let run = f.run_with(env, &["apply", "--auto-approve"]);
    assert_eq!(run.code, 0, "{shape:?}: {run:?}");
    let run = f.run_with(env, &["plan", "--detailed-exitcode"]);
    assert_eq!(run.code, 0, "{shape:?}: expected no changes: {run:?}");
    assert!(run.stdout.contains("No changes."), "{shape:?}: {run:?}");
    f.aws.control().clear_calls();
    let run = f.run_with(env, &["apply", "--auto-approve"]);
    assert_eq!(run.code, 0, "{shape:?}: {run:?}");
    let writes: Vec<String> = f
        .aws
        .control()
        .calls()
        .into_iter()
        .map(|call| call.operation)
        .filter(|op| !op.starts_with("Get") && !op.starts_with("List"))
        .collect();
    assert!(
        writes.is_empty(),
        "{shape:?}: a no-op apply wrote {writes:?}"
    );
    f
}

#[test]
fn the_full_spec_converges_under_every_response_shape() {
    let spec = full_spec();
    for shape in [Shape::Sparse, Shape::Aws, Shape::Dense] {
        converges_under(
            shape,
            &spec,
            &[("MARKETING_DKIM_PRIVATE_KEY", DKIM_PRIVATE_KEY)],
        );
    }
}

#[test]
fn dns_gives_the_byodkim_public_key_derived_from_the_private_key() {
    let key = [("MARKETING_DKIM_PRIVATE_KEY", DKIM_PRIVATE_KEY)];
    let f = converges_under(Shape::Aws, &full_spec(), &key);
    let run = f.run_with(&key, &["dns", "--format", "bind"]);
    assert_eq!(run.code, 0, "{run:?}");
    let public: String = include_str!("fixtures/dkim/public.pem")
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let line = run
        .stdout
        .lines()
        .find(|line| line.starts_with("sesform1._domainkey.marketing.example.com."))
        .unwrap_or_else(|| panic!("no BYODKIM record: {run:?}"));
    assert!(line.contains("TXT"), "{line}");
    // The key, split into DNS character-strings of at most 255 characters.
    let strings: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
    assert!(strings.len() > 1, "{line}");
    assert!(strings.iter().all(|s| s.len() <= 255), "{line}");
    assert_eq!(strings.concat(), format!("v=DKIM1; k=rsa; p={public}"));
    assert!(!run.stdout.contains('<'), "{run:?}");

    // Without the key: no made-up record, and a warning that says why and what to do.
    let run = f.run(&["dns", "--format", "bind"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stdout.contains("sesform1._domainkey"), "{run:?}");
    assert!(
        run.stderr
            .contains("identity.marketing.example.com: the BYODKIM TXT record is left out"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("MARKETING_DKIM_PRIVATE_KEY is not set"),
        "{run:?}"
    );
}

#[test]
fn addresses_without_mail_from_converge_and_export_under_every_response_shape() {
    for shape in [Shape::Sparse, Shape::Aws, Shape::Dense] {
        let f = converges_under(shape, ADDRESSES_SPEC, &[]);
        // The export is a valid spec: no `mail_from` under an address, none where AWS said
        // "no custom MAIL FROM" in any spelling, and planning it shows no changes.
        let run = f.run(&[
            "export",
            "--region",
            "eu-west-1",
            "--stack",
            "test",
            "-o",
            "exported.yaml",
        ]);
        assert_eq!(run.code, 0, "{shape:?}: {run:?}");
        let exported = f.dir.read("exported.yaml");
        assert!(!exported.contains("mail_from"), "{shape:?}: {exported}");
        let run = f.run(&["validate", "exported.yaml"]);
        assert_eq!(run.code, 0, "{shape:?}: {run:?}\n{exported}");
        let run = f.run(&["plan", "--detailed-exitcode", "exported.yaml"]);
        assert_eq!(run.code, 0, "{shape:?}: {run:?}\n{exported}");
        // status and dns speak of no MAIL FROM where there is none.
        let run = f.run(&["status", "--json"]);
        assert_eq!(run.code, 0, "{shape:?}: {run:?}");
        let status: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        for identity in status["identities"].as_array().unwrap() {
            let mail_from = identity["status"].get("mail_from_status");
            assert_eq!(
                mail_from,
                Some(&serde_json::Value::Null),
                "{shape:?}: {identity}"
            );
        }
        let run = f.run(&["dns", "--format", "json"]);
        assert_eq!(run.code, 0, "{shape:?}: {run:?}");
        assert!(!run.stdout.contains("feedback-smtp"), "{shape:?}: {run:?}");
    }
}

#[test]
fn govcloud_arns_carry_their_partition() {
    // The emulator refuses ARNs of another partition, as AWS does: the tags of an identity
    // and a set, and the SNS topic of an event destination, must be `arn:aws-us-gov:...`.
    let spec = SPEC.replace("region: eu-west-1", "region: us-gov-west-1");
    let f = converges_under(Shape::Aws, &spec, &[]);
    f.spec(
        &spec
            .replace(
                "    tls: REQUIRE\n",
                "    tls: REQUIRE\n    tags: {team: mail}\n",
            )
            .replace(
                "    configuration_set: tx\n  noreply",
                "    configuration_set: tx\n    tags: {team: mail}\n  noreply",
            ),
    );
    let run = f.run(&["apply", "--auto-approve"]);
    assert_eq!(run.code, 0, "{run:?}");
    f.assert_converged();
}

#[test]
fn export_without_stack_keeps_the_default_stacks_resources() {
    let f = converges_under(
        Shape::Aws,
        &ADDRESSES_SPEC.replace("stack: test\n", ""),
        &[],
    );
    // A custom MAIL FROM on an address (possible through the API) has no place in a spec.
    block_on(
        f.aws
            .ses()
            .put_email_identity_mail_from_attributes()
            .email_identity("noreply@example.org")
            .mail_from_domain("bounce.example.org")
            .send(),
    )
    .unwrap();
    let run = f.run(&["export", "--region", "eu-west-1", "-o", "exported.yaml"]);
    assert_eq!(run.code, 0, "{run:?}");
    let exported = f.dir.read("exported.yaml");
    for name in [
        "example.org:",
        "noreply@example.org:",
        "alerts@example.net:",
        "tx:",
    ] {
        assert!(exported.contains(name), "{name}: {exported}");
    }
    assert!(!exported.contains("another sesform stack"), "{exported}");
    assert!(
        exported.contains("# Not exported: identity.noreply@example.org.mail_from"),
        "{exported}"
    );
    let run = f.run(&["validate", "exported.yaml"]);
    assert_eq!(run.code, 0, "{run:?}\n{exported}");
}

#[test]
fn destroy_blocked_by_prevent_destroy_says_how_to_unblock_it() {
    let spec = SPEC.replace(
        "    configuration_set: tx\n  noreply",
        "    configuration_set: tx\n    prevent_destroy: true\n  noreply",
    );
    let f = Fixture::new(&spec);
    f.apply();
    let run = f.run(&["destroy", "--auto-approve"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(
            "identity.example.com: destroy would delete it, but prevent_destroy is set; set `prevent_destroy: false` in the spec and apply"
        ),
        "{run:?}"
    );
    // It is still in the spec: no talk of --prune or of putting it back.
    assert!(!run.stdout.contains("--prune"), "{run:?}");
    assert!(!run.stdout.contains("put it back"), "{run:?}");
}

#[test]
fn another_stacks_resource_is_not_offered_to_adopt() {
    let f = Fixture::new(SPEC);
    f.apply();
    f.spec(&SPEC.replace("stack: test", "stack: other"));
    let run = f.run(&["plan"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("identity.example.com: belongs to the sesform stack `test` (--adopt never takes another stack's resources)"),
        "{run:?}"
    );
    assert!(!run.stdout.contains("run with --adopt"), "{run:?}");
}

#[test]
fn quiet_apply_prints_neither_the_plan_nor_the_dns_table() {
    let f = Fixture::new(SPEC);
    let run = f.run(&["-q", "apply", "--auto-approve"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stdout.contains("will be created"), "{run:?}");
    assert!(!run.stdout.contains("_domainkey"), "{run:?}");
    assert!(
        !run.stdout.contains("identity.example.com: created"),
        "{run:?}"
    );
    f.assert_converged();
}

/// The account a plan was made for is in its header and in the saved plan; apply refuses a
/// plan made for another account, and a format 1 plan (which does not say).
#[test]
fn saved_plans_are_refused_for_another_account() {
    let f = Fixture::new(SPEC);
    let run = f.run(&["plan", "--out", "plan.json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(
            "sesform will perform the following actions in account 123456789012, eu-west-1 (stack test):"
        ),
        "{run:?}"
    );
    let text = f.dir.read("plan.json");
    let mut saved: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(saved["account_id"], "123456789012");

    saved["account_id"] = "210987654321".into();
    f.dir.write("other.json", saved.to_string());
    let run = f.run(&["apply", "--plan", "other.json"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(
            "this plan was made for AWS account 210987654321, but the credentials in use are for account 123456789012; nothing was changed"
        ),
        "{run:?}"
    );

    saved["format_version"] = "1".into();
    f.dir.write("old.json", saved.to_string());
    let run = f.run(&["apply", "--plan", "old.json"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("made by an older sesform"), "{run:?}");
    assert_eq!(f.plan_json(&[])["summary"]["create"], 7, "nothing applied");

    let run = f.run(&["apply", "--plan", "plan.json"]);
    assert_eq!(run.code, 0, "{run:?}");
    f.assert_converged();
}

#[test]
fn one_resource_is_counted_as_one() {
    let f = Fixture::new("version: 1\nregion: eu-west-1\nidentities:\n  example.com: {}\n");
    f.apply();
    let run = f.run(&["plan"]);
    assert!(
        run.stdout
            .contains("Account 123456789012 in eu-west-1 matches the spec (1 resource checked)."),
        "{run:?}"
    );
}

/// A saved plan edited by hand, digests kept, is checked against a fresh plan of the same
/// spec and live state: it can delete nothing the spec and the stack do not own.
#[test]
fn an_edited_saved_plan_cannot_touch_what_the_stack_does_not_own() {
    let f = Fixture::new(SPEC);
    f.apply();
    // One identity made outside sesform, one of another stack.
    let ses = f.aws.ses();
    block_on(
        ses.create_email_identity()
            .email_identity("untagged.example.net")
            .send(),
    )
    .unwrap();
    block_on(
        ses.create_email_identity()
            .email_identity("theirs.example.net")
            .set_tags(Some(stack_tags("other")))
            .send(),
    )
    .unwrap();
    assert_eq!(f.run(&["plan", "--out", "plan.json"]).code, 0);
    let mut saved: serde_json::Value = serde_json::from_str(&f.dir.read("plan.json")).unwrap();
    let template = saved["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "identity.noreply@example.com")
        .unwrap()
        .clone();
    for name in ["untagged.example.net", "theirs.example.net"] {
        let mut delete = template.clone();
        delete["address"] = format!("identity.{name}").into();
        delete["action"] = "delete".into();
        delete["before"]["name"] = name.into();
        delete["before"]["identity_type"] = "DOMAIN".into();
        delete.as_object_mut().unwrap().remove("after");
        saved["changes"].as_array_mut().unwrap().push(delete);
    }
    saved["summary"]["delete"] = 2.into();
    f.dir.write("plan.json", saved.to_string());

    let run = f.run(&["apply", "--plan", "plan.json"]);
    assert_eq!(run.code, 1, "{run:?}");
    for name in ["untagged.example.net", "theirs.example.net"] {
        assert!(
            run.stderr.contains(&format!(
                "identity.{name}: the saved plan would delete it, but it is neither in the spec nor owned by stack `test`"
            )),
            "{name}: {run:?}"
        );
        assert!(
            f.aws.identity(name).identity_type().is_some(),
            "{name} was deleted"
        );
    }
    // An edited change to a resource the stack does own is refused too.
    assert_eq!(f.run(&["plan", "--out", "plan.json"]).code, 0);
    let edited = f
        .dir
        .read("plan.json")
        .replace("\"REQUIRE\"", "\"OPTIONAL\"");
    f.dir.write("plan.json", edited);
    let run = f.run(&["apply", "--plan", "plan.json"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("configuration_set.tx"), "{run:?}");
    f.assert_converged();
}

/// `plan --target` reads and plans only the targeted resources and what they need, says it is
/// partial, and a saved partial plan applies only those.
#[test]
fn targeted_plans_read_only_what_they_need_and_apply_only_that() {
    let f = Fixture::new(SPEC);
    let plan = f.plan_json(&["--target", "identity.noreply@example.com"]);
    assert_eq!(plan["partial"], true);
    assert_eq!(
        plan["targets"],
        serde_json::json!(["identity.noreply@example.com"])
    );
    assert_eq!(
        actions(&plan),
        vec![("identity.noreply@example.com".into(), "create".into())]
    );

    // An identity needs its configuration set (not the set's destinations: they come only
    // when the set itself is targeted).
    f.aws.control().clear_calls();
    let run = f.run(&[
        "plan",
        "--target",
        "identity.example.com",
        "--out",
        "p.json",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(
            "Partial plan (--target): only identity.example.com and what it needs were read and planned"
        ),
        "{run:?}"
    );
    let counts = f.aws.control().call_counts();
    assert!(!counts.contains_key("ListEmailIdentities"), "{counts:?}");
    assert!(!counts.contains_key("ListConfigurationSets"), "{counts:?}");
    assert_eq!(counts.get("GetEmailIdentity"), Some(&1), "{counts:?}");
    let saved: serde_json::Value = serde_json::from_str(&f.dir.read("p.json")).unwrap();
    let mut planned: Vec<String> = actions(&saved).into_iter().map(|(a, _)| a).collect();
    planned.sort();
    assert_eq!(planned, ["configuration_set.tx", "identity.example.com"]);

    let run = f.run(&["apply", "--plan", "p.json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let rest = f.plan_json(&[]);
    assert_eq!(rest["partial"], false);
    let mut left: Vec<String> = actions(&rest)
        .into_iter()
        .filter(|(_, action)| action != "no-op")
        .map(|(address, _)| address)
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "event_destination.tx.to-sns",
            "identity.noreply@example.com",
            "smtp_user.mailer",
            "sns_subscription.events.https:https://hooks.example.com/ses",
            "sns_topic.events"
        ]
    );

    // A configuration set takes its destinations, and a destination needs its topic.
    let plan = f.plan_json(&["--target", "configuration_set.tx"]);
    let mut planned: Vec<String> = actions(&plan).into_iter().map(|(a, _)| a).collect();
    planned.sort();
    assert_eq!(
        planned,
        ["event_destination.tx.to-sns", "sns_topic.events"],
        "{plan}"
    );
    // A converged target reads one identity.
    f.apply();
    f.aws.control().clear_calls();
    let run = f.run(&["plan", "--target", "identity.noreply@example.com", "-v"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("No changes."), "{run:?}");
    let expected: std::collections::BTreeMap<String, usize> =
        [("GetEmailIdentity".to_string(), 1)].into_iter().collect();
    assert_eq!(f.aws.control().call_counts(), expected);
    assert!(
        !run.stderr.contains("iam:") && !run.stderr.contains("sns:"),
        "no IAM or SNS call: {run:?}"
    );

    let run = f.run(&["plan", "--target", "identity.exampel.com"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(
            "--target identity.exampel.com: no such resource in the spec; did you mean `identity.example.com`?"
        ),
        "{run:?}"
    );
}
