//! init, status, production access, --wait-verified, export and adopt over the emulators.

use sesform::emulator::{AccountPatch, ReviewStatus};

use crate::util::aws::{AwsEnv, REGION, block_on, stack_tags};
use crate::util::{Run, TestDir};

struct Fixture {
    aws: AwsEnv,
    dir: TestDir,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            aws: AwsEnv::start(),
            dir: TestDir::new(),
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        let mut cmd = self.dir.sesform();
        self.aws
            .configure(&mut cmd)
            .env("SESFORM_POLL_INTERVAL", "0.1")
            .args(args);
        Run::of(&mut cmd)
    }
}

#[test]
fn init_validate_apply_status() {
    let f = Fixture::new();
    let run = f.run(&[
        "--region",
        REGION,
        "init",
        "--domain",
        "example.com",
        "--events-webhook",
        "https://hooks.example.com/ses",
        "--smtp-user",
        "shop-mailer",
        "--framework",
        "symfony",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let spec = f.dir.read("sesform.yaml");
    for expected in [
        "key_length: RSA_2048_BIT",
        "domain: mail.example.com",
        "tls: REQUIRE",
        "suppression: [BOUNCE, COMPLAINT]",
        "events: [SEND, DELIVERY, BOUNCE, COMPLAINT, REJECT, RENDERING_FAILURE, DELIVERY_DELAY]",
        "endpoint: \"https://hooks.example.com/ses\"",
        "allow_from: [\"*@example.com\"]",
        "production_access:",
        "ping_threshold: 9",
        "preset: symfony",
    ] {
        assert!(spec.contains(expected), "missing `{expected}` in:\n{spec}");
    }
    // Refuses to overwrite without --force.
    let again = f.run(&["--region", REGION, "init", "--domain", "example.com"]);
    assert_eq!(again.code, 1, "{again:?}");
    assert!(again.stderr.contains("--force"), "{again:?}");
    assert_eq!(f.dir.read("sesform.yaml"), spec);

    assert_eq!(f.run(&["validate"]).code, 0);
    let apply = f.run(&["apply", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{apply:?}");
    assert_eq!(f.run(&["plan", "--detailed-exitcode"]).code, 0);

    let status = f.run(&["status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(
        status.stdout.contains("production access review pending"),
        "{status:?}"
    );
    assert!(status.stdout.contains("200 messages / 24 h"), "{status:?}");
    assert!(
        status
            .stdout
            .contains("example.com: not verified: publish the DKIM records"),
        "{status:?}"
    );

    f.aws
        .control()
        .verify_identity(REGION, "example.com")
        .unwrap();
    f.aws
        .control()
        .set_account(REGION, AccountPatch::production());
    let status = f.run(&["status", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(json["account"]["sandbox"], "granted");
    assert_eq!(
        json["identities"][0]["status"]["verified_for_sending"],
        true
    );
}

const ACCESS: &str = r#"version: 1
region: eu-west-1
account:
  production_access:
    mail_type: TRANSACTIONAL
    website_url: https://example.com
    use_case: Receipts for customers.
"#;

#[test]
fn production_access_follows_the_review_state() {
    let f = Fixture::new();
    f.dir.write("sesform.yaml", ACCESS);
    let control = f.aws.control();

    // Sandboxed, nothing requested: apply submits the request.
    let run = f.run(&["plan"]);
    assert!(run.stdout.contains("in the SES sandbox"), "{run:?}");
    assert!(
        run.stdout.contains("# account will be updated in place"),
        "{run:?}"
    );
    assert_eq!(f.run(&["apply", "--auto-approve"]).code, 0);
    assert_eq!(control.call_count("PutAccountDetails"), 1);

    // Pending: never resubmitted.
    let run = f.run(&["plan", "--detailed-exitcode"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("review is pending (case "), "{run:?}");

    // Denied: a warning, and only --resubmit asks again.
    control.set_account(REGION, AccountPatch::review(ReviewStatus::Denied));
    let run = f.run(&["plan", "--detailed-exitcode"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("production access was denied"),
        "{run:?}"
    );
    assert!(run.stdout.contains("--resubmit"), "{run:?}");
    assert_eq!(f.run(&["apply", "--auto-approve"]).code, 0);
    assert_eq!(control.call_count("PutAccountDetails"), 1);
    let run = f.run(&["plan", "--resubmit", "--detailed-exitcode"]);
    assert_eq!(run.code, 2, "{run:?}");
    // AWS (and the emulator) refuse a new request after a denial; the error says what to do.
    let run = f.run(&["apply", "--resubmit", "--auto-approve"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(control.call_count("PutAccountDetails"), 2, "submitted");
    let case = case_id(&control);
    assert!(
        run.all().contains(&format!(
            "reply on the support case {case} in the AWS Support Center"
        )),
        "{run:?}"
    );

    // Granted: nothing to do.
    control.set_account(REGION, AccountPatch::production());
    let run = f.run(&["plan", "--detailed-exitcode"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("production access is granted"),
        "{run:?}"
    );
}

const IDENTITIES: &str = r#"version: 1
region: eu-west-1
identities:
  example.com: {}
  noreply@example.com: {}
"#;

#[test]
fn wait_verified_polls_until_verified_or_times_out() {
    let f = Fixture::new();
    f.dir.write("sesform.yaml", IDENTITIES);
    let run = f.run(&["apply", "--auto-approve", "--wait-verified=1s"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("waiting for 2 of 2 identities to verify"),
        "{run:?}"
    );
    assert!(run.stderr.contains("gave up after 1s: still not verified: example.com (PENDING), noreply@example.com (PENDING)"), "{run:?}");

    // Verified in the background while apply waits.
    let control = f.aws.control();
    let verifier = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(700));
        control.verify_identity(REGION, "example.com").unwrap();
        control
            .verify_identity(REGION, "noreply@example.com")
            .unwrap();
    });
    let run = f.run(&["apply", "--auto-approve", "--wait-verified=30s"]);
    verifier.join().unwrap();
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("All 2 identities verified"), "{run:?}");

    // FAILED is final: no waiting out the timeout.
    f.aws
        .control()
        .fail_identity(REGION, "example.com")
        .unwrap();
    let started = std::time::Instant::now();
    let run = f.run(&["apply", "--auto-approve", "--wait-verified=10m"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("verification failed for example.com"),
        "{run:?}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(120),
        "{run:?}"
    );
}

/// An IAM user with one inline policy, made behind sesform's back.
async fn user_with_policy(
    iam: &aws_sdk_iam::Client,
    name: &str,
    path: &str,
    policy: &str,
    document: &str,
) {
    iam.create_user()
        .user_name(name)
        .path(path)
        .send()
        .await
        .unwrap();
    iam.put_user_policy()
        .user_name(name)
        .policy_name(policy)
        .policy_document(document)
        .send()
        .await
        .unwrap();
}

/// The `sesform:stack` tag of an identity.
fn identity_stack(f: &Fixture, name: &str) -> Option<String> {
    let identity = block_on(f.aws.ses().get_email_identity().email_identity(name).send()).unwrap();
    identity
        .tags()
        .iter()
        .find(|t| t.key() == "sesform:stack")
        .map(|t| t.value().to_string())
}

/// The exported spec, parsed, after checking it names what it left out and why.
fn exported_with_notes(spec: &str, notes: &[&str]) -> serde_yaml::Value {
    for note in notes {
        assert!(
            spec.contains(&format!("# Not exported: {note}")),
            "{note}\n{spec}"
        );
    }
    serde_yaml::from_str(spec).unwrap()
}

/// The case id of the account's production access review in the emulator.
fn case_id(control: &sesform::emulator::Control) -> String {
    control
        .account(REGION)
        .details
        .and_then(|d| d.review_details)
        .map(|r| r.case_id)
        .expect("a case id")
}

#[test]
fn export_round_trips_and_adopt_takes_over() {
    let f = Fixture::new();
    // An account built by hand, with something of another stack in it.
    block_on(async {
        use aws_sdk_sesv2::types::*;
        let ses = f.aws.ses();
        ses.create_configuration_set()
            .configuration_set_name("tx")
            .delivery_options(
                DeliveryOptions::builder()
                    .tls_policy(TlsPolicy::Require)
                    .build(),
            )
            .tags(Tag::builder().key("team").value("mail").build().unwrap())
            .send()
            .await
            .unwrap();
        let sns = f.aws.sns();
        let topic = sns.create_topic().name("events").send().await.unwrap();
        let arn = topic.topic_arn().unwrap().to_string();
        sns.subscribe()
            .topic_arn(&arn)
            .protocol("https")
            .endpoint("https://hooks.example.com/ses")
            .return_subscription_arn(true)
            .send()
            .await
            .unwrap();
        ses.create_configuration_set_event_destination()
            .configuration_set_name("tx")
            .event_destination_name("to-sns")
            .event_destination(
                EventDestinationDefinition::builder()
                    .enabled(true)
                    .matching_event_types(EventType::Bounce)
                    .matching_event_types(EventType::Delivery)
                    .sns_destination(SnsDestination::builder().topic_arn(arn).build().unwrap())
                    .build(),
            )
            .send()
            .await
            .unwrap();
        ses.create_email_identity()
            .email_identity("example.com")
            .configuration_set_name("tx")
            .send()
            .await
            .unwrap();
        ses.put_email_identity_mail_from_attributes()
            .email_identity("example.com")
            .mail_from_domain("mail.example.com")
            .send()
            .await
            .unwrap();
        // Resources sesform has nothing to do with.
        sns.create_topic().name("unrelated").send().await.unwrap();
        let iam = f.aws.iam();
        user_with_policy(&iam, "deployer", "/", "s3", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#).await;
        // An SMTP user as sesform would make it, made by hand.
        user_with_policy(&iam, "mailer", "/sesform/", "sesform-ses-send", r#"{"Version":"2012-10-17","Statement":[{"Sid":"SesformSmtpSend","Effect":"Allow","Action":["ses:SendRawEmail"],"Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"},"StringLike":{"ses:FromAddress":["*@example.com"]}}}]}"#).await;
        // A user sending through an attached customer managed policy.
        let policy = iam
            .create_policy()
            .policy_name("ses-send")
            .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:SendRawEmail","Resource":"*"}]}"#)
            .send()
            .await
            .unwrap();
        iam.create_user().user_name("legacy").send().await.unwrap();
        iam.attach_user_policy()
            .user_name("legacy")
            .policy_arn(policy.policy().unwrap().arn().unwrap())
            .send()
            .await
            .unwrap();
        // A user made by the console's "Create SMTP credentials".
        user_with_policy(&iam, "ses-smtp-user.2026", "/", "AmazonSesSendingAccess", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:SendRawEmail","Resource":"*"}]}"#).await;
        ses.create_email_identity()
            .email_identity("theirs.example.net")
            .set_tags(Some(stack_tags("other")))
            .send()
            .await
            .unwrap();
    });

    let run = f.run(&[
        "--region",
        REGION,
        "export",
        "--stack",
        "adopted",
        "-o",
        "sesform.yaml",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let spec = f.dir.read("sesform.yaml");
    assert!(
        spec.contains(
            "# Not exported: identity.theirs.example.net: managed by another sesform stack"
        ),
        "{spec}"
    );
    assert!(spec.contains("mail.example.com"), "{spec}");
    let exported = exported_with_notes(
        &spec,
        &[
            "smtp_user.ses-smtp-user.2026: sends through SES with its own inline policy AmazonSesSendingAccess",
            "smtp_user.legacy: sends through SES with its own attached policy ses-send",
        ],
    );
    assert_eq!(
        exported["smtp_users"]["mailer"]["allow_from"],
        serde_yaml::from_str::<serde_yaml::Value>("['*@example.com']").unwrap(),
        "{spec}"
    );
    assert!(exported["smtp_users"]["deployer"].is_null(), "{spec}");
    assert!(exported["sns_topics"]["unrelated"].is_null(), "{spec}");
    assert_eq!(f.run(&["validate"]).code, 0, "{spec}");

    // The round trip: the exported spec plans with no changes.
    let run = f.run(&["plan", "--detailed-exitcode"]);
    assert_eq!(run.code, 0, "{run:?}\n{spec}");
    assert!(run.stdout.contains("No changes."), "{run:?}");
    assert!(run.stdout.contains("`sesform adopt` tags it"), "{run:?}");

    // adopt tags what matches, recreating nothing.
    let before = f.aws.control().call_count("CreateEmailIdentity");
    let run = f.run(&["adopt", "--auto-approve"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(f.aws.control().call_count("CreateEmailIdentity"), before);
    assert_eq!(
        identity_stack(&f, "example.com").as_deref(),
        Some("adopted")
    );
    let adopted = |tags: Vec<(String, String)>| {
        tags.contains(&("sesform:stack".to_string(), "adopted".to_string()))
            && tags.contains(&("managed-by".to_string(), "sesform".to_string()))
    };
    let set = block_on(
        f.aws
            .ses()
            .get_configuration_set()
            .configuration_set_name("tx")
            .send(),
    )
    .unwrap();
    let set_tags = set
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    assert!(adopted(set_tags), "{set:?}");
    let topics = block_on(f.aws.sns().list_topics().send()).unwrap();
    let events = topics
        .topics()
        .iter()
        .filter_map(|t| t.topic_arn())
        .find(|a| a.ends_with(":events"))
        .unwrap()
        .to_string();
    let topic_tags = block_on(
        f.aws
            .sns()
            .list_tags_for_resource()
            .resource_arn(&events)
            .send(),
    )
    .unwrap()
    .tags()
    .iter()
    .map(|t| (t.key().to_string(), t.value().to_string()))
    .collect();
    assert!(adopted(topic_tags));
    // The destination was kept as it was, not recreated.
    assert_eq!(
        f.aws
            .control()
            .call_count("CreateConfigurationSetEventDestination"),
        1
    );
    let destinations = block_on(
        f.aws
            .ses()
            .get_configuration_set_event_destinations()
            .configuration_set_name("tx")
            .send(),
    )
    .unwrap();
    assert_eq!(destinations.event_destinations().len(), 1);
    assert_eq!(destinations.event_destinations()[0].name(), "to-sns");
    let run = f.run(&["plan", "--detailed-exitcode"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        !run.stdout.contains("sesform adopt"),
        "all adopted now: {run:?}"
    );

    // Another stack's resource is never adopted.
    let mut with_theirs: serde_yaml::Value = serde_yaml::from_str(&spec).unwrap();
    with_theirs["identities"]["theirs.example.net"] = serde_yaml::from_str("{}").unwrap();
    f.dir
        .write("sesform.yaml", serde_yaml::to_string(&with_theirs).unwrap());
    let run = f.run(&["adopt", "--auto-approve"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.all()
            .contains("belongs to the sesform stack `other`, so it is not adopted"),
        "{run:?}"
    );
    assert_eq!(
        identity_stack(&f, "theirs.example.net").as_deref(),
        Some("other")
    );
}

#[test]
fn export_names_managed_policy_users_and_drops_references_to_sets_it_skips() {
    let f = Fixture {
        aws: AwsEnv::start_with_managed_policies(),
        dir: TestDir::new(),
    };
    block_on(async {
        // A user sending through the AWS managed AmazonSESFullAccess.
        let iam = f.aws.iam();
        iam.create_user().user_name("ops").send().await.unwrap();
        iam.attach_user_policy()
            .user_name("ops")
            .policy_arn("arn:aws:iam::aws:policy/AmazonSESFullAccess")
            .send()
            .await
            .unwrap();
        use aws_sdk_sesv2::types::Tag;
        let ses = f.aws.ses();
        let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build().unwrap();
        ses.create_configuration_set()
            .configuration_set_name("theirs-set")
            .tags(tag("managed-by", "sesform"))
            .tags(tag("sesform:stack", "other"))
            .send()
            .await
            .unwrap();
        ses.create_email_identity()
            .email_identity("news.example.com")
            .configuration_set_name("theirs-set")
            .send()
            .await
            .unwrap();
    });
    let run = f.run(&["--region", REGION, "export", "-o", "sesform.yaml"]);
    assert_eq!(run.code, 0, "{run:?}");
    let spec = f.dir.read("sesform.yaml");
    let exported = exported_with_notes(
        &spec,
        &[
            "configuration_set.theirs-set: managed by another sesform stack",
            "smtp_user.ops: sends through SES with its own attached policy AmazonSESFullAccess",
            "identity.news.example.com.configuration_set: `theirs-set` is not exported, so the reference is left out",
        ],
    );
    assert!(
        !exported["identities"]["news.example.com"].is_null(),
        "{spec}"
    );
    assert!(
        exported["identities"]["news.example.com"]["configuration_set"].is_null(),
        "{spec}"
    );
    let validate = f.run(&["validate"]);
    assert_eq!(validate.code, 0, "{validate:?}\n{spec}");
}

#[test]
fn init_refuses_bad_flags_and_writes_nothing() {
    let f = Fixture::new();
    for (flag, value, expected) in [
        (
            "--events-webhook",
            "https://h/a\"b",
            "a URL cannot (percent-encode it)",
        ),
        ("--events-webhook", "ftp://h/x", "must be an https://"),
        (
            "--smtp-user",
            "bad name!",
            "--smtp-user `bad name!` may contain only",
        ),
        (
            "--from",
            "hello@other.org",
            "--from `hello@other.org` is not an address of --domain example.com",
        ),
    ] {
        let run = f.run(&[
            "--region",
            REGION,
            "init",
            "--domain",
            "example.com",
            flag,
            value,
        ]);
        assert_eq!(run.code, 1, "{flag} {value}: {run:?}");
        assert!(run.stderr.contains(expected), "{flag} {value}: {run:?}");
        assert!(run.stderr.contains("Nothing was written."), "{run:?}");
        assert!(!f.dir.join("sesform.yaml").exists(), "{flag} {value}");
    }
}

/// init -> validate -> plan on the emulators for one set of flags; returns the spec.
fn init_plans_cleanly(f: &Fixture, flags: &[&str]) -> String {
    let mut args = vec!["--region", REGION, "init", "--domain", "example.com"];
    args.extend_from_slice(flags);
    let run = f.run(&args);
    assert_eq!(run.code, 0, "{run:?}");
    let spec = f.dir.read("sesform.yaml");
    let validate = f.run(&["validate"]);
    assert_eq!(validate.code, 0, "{validate:?}\n{spec}");
    let plan = f.run(&["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 2, "changes to make, no errors: {plan:?}\n{spec}");
    assert!(!plan.all().contains("error"), "{plan:?}");
    spec
}

#[test]
fn init_variants_validate_and_plan_and_force_overwrites() {
    let f = Fixture::new();
    // Defaults: an email subscription, the Laravel preset, any address of the domain.
    let spec = init_plans_cleanly(&f, &["--framework", "laravel"]);
    for expected in [
        "- {protocol: email, endpoint: \"postmaster@example.com\"}",
        "preset: laravel",
        "framework: laravel",
        "allow_from: [\"*@example.com\"]",
    ] {
        assert!(spec.contains(expected), "missing `{expected}` in:\n{spec}");
    }
    let plan = f.run(&["plan"]);
    assert!(
        plan.stdout
            .contains("+ sns_subscription.ses-events.email:postmaster@example.com"),
        "{plan:?}"
    );

    // --force overwrites, and --from limits the SMTP user to that address.
    let run = f.run(&[
        "--region",
        REGION,
        "init",
        "--domain",
        "example.com",
        "--from",
        "shop@example.com",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(f.dir.read("sesform.yaml"), spec, "not overwritten");
    let spec = init_plans_cleanly(&f, &["--from", "shop@example.com", "--force"]);
    assert!(
        spec.contains("allow_from: [\"shop@example.com\"]"),
        "{spec}"
    );
    assert!(spec.contains("sends as shop@example.com"), "{spec}");
    let apply = f.run(&["apply", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{apply:?}");
    let policy = f.aws.user_policy("app-mailer", "sesform-ses-send");
    assert_eq!(
        policy["Statement"][0]["Condition"]["StringLike"]["ses:FromAddress"],
        serde_json::json!(["shop@example.com"]),
        "{policy}"
    );
}

#[test]
fn dns_before_apply_says_the_identities_do_not_exist_yet() {
    let f = Fixture::new();
    f.dir.write("sesform.yaml", IDENTITIES);
    let run = f.run(&["dns"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(
            "example.com not created yet, so SES has no records for it: run `sesform apply` first"
        ),
        "{run:?}"
    );
    assert!(
        !run.all().contains("the spec has no domain identities"),
        "{run:?}"
    );
    f.dir.write(
        "sesform.yaml",
        "version: 1\nregion: eu-west-1\nidentities:\n  a@example.com: {}\n",
    );
    let run = f.run(&["dns"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("the spec has no domain identities"),
        "{run:?}"
    );
}

#[test]
fn dns_takes_the_signing_host_from_ses_and_route53_leaves_recommendations_out() {
    let f = Fixture::new();
    f.dir.write(
        "sesform.yaml",
        "version: 1\nregion: eu-west-1\nidentities:\n  example.com:\n    mail_from: {domain: mail.example.com}\n",
    );
    assert_eq!(f.run(&["apply", "--auto-approve"]).code, 0);
    f.aws
        .control()
        .set_signing_hosted_zone(REGION, "example.com", "dkim.eu-west-1.example.test")
        .unwrap();
    let tokens: Vec<String> = block_on(
        f.aws
            .ses()
            .get_email_identity()
            .email_identity("example.com")
            .send(),
    )
    .unwrap()
    .dkim_attributes()
    .unwrap()
    .tokens()
    .to_vec();
    assert_eq!(tokens.len(), 3);

    let run = f.run(&["dns", "--format", "route53"]);
    assert_eq!(run.code, 0, "{run:?}");
    let batch: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let sets: Vec<serde_json::Value> = batch["Changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c["Action"], "UPSERT");
            c["ResourceRecordSet"].clone()
        })
        .collect();
    let mut expected: Vec<serde_json::Value> = tokens
        .iter()
        .map(|t| {
            serde_json::json!({
                "Name": format!("{t}._domainkey.example.com."),
                "Type": "CNAME",
                "TTL": 1800,
                "ResourceRecords": [{"Value": format!("{t}.dkim.eu-west-1.example.test")}],
            })
        })
        .collect();
    expected.push(serde_json::json!({
        "Name": "mail.example.com.", "Type": "MX", "TTL": 1800,
        "ResourceRecords": [{"Value": "10 feedback-smtp.eu-west-1.amazonses.com"}],
    }));
    expected.push(serde_json::json!({
        "Name": "mail.example.com.", "Type": "TXT", "TTL": 1800,
        "ResourceRecords": [{"Value": "\"v=spf1 include:amazonses.com ~all\""}],
    }));
    assert_eq!(sets, expected, "{}", run.stdout);

    // The other formats still show the DMARC recommendation.
    let table = f.run(&["dns"]);
    assert!(
        table.stdout.contains("dkim.eu-west-1.example.test"),
        "{table:?}"
    );
    assert!(table.stdout.contains("_dmarc.example.com"), "{table:?}");
}

#[test]
fn wait_verified_takes_its_timeout_only_after_an_equals_sign() {
    let f = Fixture::new();
    f.dir.write("spec.yaml", IDENTITIES);
    let control = f.aws.control();
    let verifier = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(700));
        for identity in ["example.com", "noreply@example.com"] {
            while control.verify_identity(REGION, identity).is_err() {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
    });
    // The spec path after a bare --wait-verified is the spec, not a timeout.
    let run = f.run(&["apply", "--auto-approve", "--wait-verified", "spec.yaml"]);
    verifier.join().unwrap();
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("All 2 identities verified"), "{run:?}");
    let run = f.run(&[
        "apply",
        "--auto-approve",
        "--wait-verified=soon",
        "spec.yaml",
    ]);
    assert_eq!(run.code, 1, "a usage error: {run:?}");
}

#[test]
fn status_lists_what_is_not_applied_in_sandboxed_and_denied_accounts() {
    let f = Fixture::new();
    f.dir.write(
        "sesform.yaml",
        format!(
            "{ACCESS}identities:\n  example.com: {{}}\nsns_topics:\n  events:\n    subscriptions:\n      - {{protocol: https, endpoint: \"https://hooks.example.com/ses\"}}\n"
        ),
    );
    let status = f.run(&["status"]);
    assert_eq!(status.code, 0, "{status:?}");
    for expected in [
        "in the sandbox (verified recipients only)",
        "identity example.com does not exist yet: run `sesform apply`",
        "sns_topic.events is not created yet: run `sesform apply`",
        "is not created yet",
        "the account is in the sandbox",
    ] {
        assert!(status.stdout.contains(expected), "`{expected}`: {status:?}");
    }
    assert!(
        status.stdout.contains(
            "sns_subscription.events.https:https://hooks.example.com/ses is not created yet"
        ),
        "{status:?}"
    );

    assert_eq!(f.run(&["apply", "--auto-approve"]).code, 0);
    let control = f.aws.control();
    control.set_account(REGION, AccountPatch::review(ReviewStatus::Denied));
    let case = case_id(&control);
    let status = f.run(&["status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(
        status.stdout.contains("production access denied"),
        "{status:?}"
    );
    assert!(
        status.stdout.contains(&format!(
            "production access was denied: reply on the support case {case} in the AWS Support Center"
        )),
        "{status:?}"
    );
    assert!(!status.stdout.contains("not created yet"), "{status:?}");
}

#[test]
fn export_keeps_secrets_out_and_checks_its_flags_first() {
    let f = Fixture {
        aws: AwsEnv::start(),
        dir: TestDir::new(),
    };
    let secret_url = "https://hookuser:Sup3rS3cretTok@hooks.example.com/ses";
    block_on(async {
        let sns = f.aws.sns();
        let topic = sns.create_topic().name("hooks").send().await.unwrap();
        let arn = topic.topic_arn().unwrap().to_string();
        for endpoint in [secret_url, "https://hooks.example.com/plain"] {
            sns.subscribe()
                .topic_arn(&arn)
                .protocol("https")
                .endpoint(endpoint)
                .send()
                .await
                .unwrap();
        }
        use aws_sdk_sesv2::types::{EventDestinationDefinition, EventType, SnsDestination};
        let ses = f.aws.ses();
        ses.create_configuration_set()
            .configuration_set_name("tx")
            .send()
            .await
            .unwrap();
        ses.create_configuration_set_event_destination()
            .configuration_set_name("tx")
            .event_destination_name("to-sns")
            .event_destination(
                EventDestinationDefinition::builder()
                    .enabled(true)
                    .matching_event_types(EventType::Bounce)
                    .sns_destination(SnsDestination::builder().topic_arn(&arn).build().unwrap())
                    .build(),
            )
            .send()
            .await
            .unwrap();
    });
    let run = f.run(&["--region", REGION, "export", "--stack", "bad stack!"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("--stack `bad stack!`"), "{run:?}");

    let run = f.run(&["--region", REGION, "export"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stdout.contains("Sup3rS3cretTok"), "{run:?}");
    assert!(!run.stderr.contains("Sup3rS3cretTok"), "{run:?}");
    assert!(
        run.stdout.contains("its endpoint holds a secret"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("https://hooks.example.com/plain"),
        "the other subscription is exported: {run:?}"
    );

    f.dir.write("sesform.yaml", "# mine\n");
    let run = f.run(&["--region", REGION, "export", "-o", "sesform.yaml"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("pass --force"), "{run:?}");
    assert_eq!(f.dir.read("sesform.yaml"), "# mine\n");
    let run = f.run(&[
        "--region",
        REGION,
        "export",
        "-o",
        "sesform.yaml",
        "--force",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let validate = f.run(&["validate"]);
    assert_eq!(validate.code, 0, "{validate:?}");
    assert_eq!(f.run(&["plan", "--detailed-exitcode"]).code, 0);
}
