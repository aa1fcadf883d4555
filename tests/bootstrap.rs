//! init, status, production access, --wait-verified, export and adopt over the emulators.

use sesform::emulator::{AccountPatch, ReviewStatus};

use crate::util::aws::{AwsEnv, REGION, block_on};
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
    assert!(
        run.all()
            .contains("answer the case in the AWS Support Center"),
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
        // A user made by the console's "Create SMTP credentials".
        let iam = f.aws.iam();
        iam.create_user()
            .user_name("ses-smtp-user.2026")
            .send()
            .await
            .unwrap();
        iam.put_user_policy()
            .user_name("ses-smtp-user.2026")
            .policy_name("AmazonSesSendingAccess")
            .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:SendRawEmail","Resource":"*"}]}"#)
            .send()
            .await
            .unwrap();
        ses.create_email_identity()
            .email_identity("theirs.example.net")
            .tags(
                Tag::builder()
                    .key("managed-by")
                    .value("sesform")
                    .build()
                    .unwrap(),
            )
            .tags(
                Tag::builder()
                    .key("sesform:stack")
                    .value("other")
                    .build()
                    .unwrap(),
            )
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
    assert!(
        spec.contains("# Not exported: smtp_user.ses-smtp-user.2026: sends through SES with its own inline policy AmazonSesSendingAccess"),
        "{spec}"
    );
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
    let identity = block_on(
        f.aws
            .ses()
            .get_email_identity()
            .email_identity("example.com")
            .send(),
    )
    .unwrap();
    assert!(
        identity
            .tags()
            .iter()
            .any(|t| t.key() == "sesform:stack" && t.value() == "adopted")
    );
    let run = f.run(&["plan", "--detailed-exitcode"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        !run.stdout.contains("sesform adopt"),
        "all adopted now: {run:?}"
    );
}
