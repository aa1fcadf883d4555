//! Each command makes only the calls docs/iam.md's policy for it allows, as the emulators see
//! them: the SESv2 emulator's call log and moto's request recorder, not sesform's own count.

use std::collections::BTreeSet;
use std::path::PathBuf;

use base64::Engine as _;
use sesform::aws::permissions;

use crate::util::aws::{AwsEnv, REGION};
use crate::util::{Run, TestDir};

const SPEC: &str = r#"version: 1
region: eu-west-1
stack: perms
identities:
  example.com:
    mail_from: {domain: mail.example.com}
    configuration_set: tx
  noreply@example.com: {}
configuration_sets:
  tx:
    tls: REQUIRE
    tags: {team: mail}
    event_destinations:
      to-sns:
        events: [BOUNCE, COMPLAINT]
        sns_topic: events
sns_topics:
  events:
    subscriptions:
      - {protocol: https, endpoint: "https://hooks.example.com/ses", raw_message_delivery: true}
event_log:
  retention_days: 7
  tags: {team: mail}
smtp_users:
  mailer:
    allow_from: ["*@example.com"]
    credentials: {dotenv: .env.ses, preset: symfony}
clients:
  store:
    path: store
    framework: symfony
    smtp_user: mailer
"#;

struct Recorded {
    aws: AwsEnv,
    dir: TestDir,
    recording: PathBuf,
}

impl Recorded {
    fn new() -> Recorded {
        let dir = TestDir::new();
        let recording = dir.join("moto-recording.jsonl");
        std::fs::write(&recording, "").unwrap();
        dir.write("sesform.yaml", SPEC);
        dir.write(
            "store/config/packages/mailer.yaml",
            "framework:\n    mailer:\n        dsn: '%env(MAILER_DSN)%'\n",
        );
        dir.write(
            "store/composer.lock",
            r#"{"packages": [{"name": "symfony/mailer", "version": "v7.2.3"}], "packages-dev": []}"#,
        );
        Recorded {
            aws: AwsEnv::start_recording(&recording),
            dir,
            recording,
        }
    }

    /// Runs sesform and returns the IAM actions of every request the emulators got meanwhile.
    fn actions_of(&self, args: &[&str]) -> (Run, BTreeSet<String>) {
        self.aws.control().clear_calls();
        std::fs::write(&self.recording, "").unwrap();
        let mut cmd = self.dir.sesform();
        self.aws.configure(&mut cmd).args(args);
        let run = Run::of(&mut cmd);
        let mut actions: BTreeSet<String> = self
            .aws
            .control()
            .calls()
            .into_iter()
            .map(|call| format!("ses:{}", call.operation))
            .collect();
        let recorded = std::fs::read_to_string(&self.recording).unwrap();
        for line in recorded.lines().filter(|l| !l.trim().is_empty()) {
            if let Some(action) = moto_action(line) {
                actions.insert(action);
            }
        }
        (run, actions)
    }
}

/// `service:Action` of one recorded moto request (query protocol: `Action=` in the form body;
/// the service from the SigV4 credential scope). STS is left out: it needs no permission.
fn moto_action(line: &str) -> Option<String> {
    let entry: serde_json::Value = serde_json::from_str(line).unwrap();
    if entry["url"].as_str().unwrap_or("").contains("/moto-api/") {
        return None;
    }
    let body = entry["body"].as_str().unwrap_or("");
    let body = if entry["body_encoded"] == true {
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap()
    } else {
        body.as_bytes().to_vec()
    };
    let headers = &entry["headers"];
    // Query protocol (IAM, SNS): `Action=` in the form body; JSON protocol (SSM): the target.
    let target = headers["X-Amz-Target"]
        .as_str()
        .or(headers["x-amz-target"].as_str());
    let action = match target {
        Some(target) => target.rsplit('.').next().unwrap().to_string(),
        None => form_urlencoded::parse(&body)
            .find(|(key, _)| key == "Action")
            .map(|(_, value)| value.into_owned())
            .unwrap_or_else(|| panic!("a moto request without an Action: {line}")),
    };
    let authorization = headers["Authorization"]
        .as_str()
        .or(headers["authorization"].as_str())
        .unwrap_or_else(|| panic!("an unsigned request: {line}"));
    let service = authorization
        .split("Credential=")
        .nth(1)
        .and_then(|credential| credential.split('/').nth(3))
        .unwrap_or_else(|| panic!("no credential scope: {line}"));
    (service != "sts").then(|| format!("{service}:{action}"))
}

#[test]
fn every_call_of_each_command_is_in_its_documented_policy() {
    let r = Recorded::new();
    // apply, destroy and smtp rotate: the apply policy.
    let (run, applied) = r.actions_of(&["apply", "--auto-approve"]);
    assert_eq!(run.code, 0, "{run:?}");
    for action in &applied {
        assert!(
            permissions::is_known(action),
            "apply called {action}, which docs/iam.md's apply policy does not allow"
        );
    }
    // The recording sees the writes, so this test cannot pass on an empty log.
    for expected in [
        "ses:CreateEmailIdentity",
        "sns:CreateTopic",
        "iam:CreateAccessKey",
        "ssm:PutParameter",
        "events:PutRule",
        "logs:CreateLogGroup",
        "logs:PutResourcePolicy",
    ] {
        assert!(
            applied.contains(expected),
            "{expected} not seen: {applied:?}"
        );
    }
    let dotenv = r.dir.read(".env.ses");
    let dsn_user = dotenv
        .split("ses+smtp://")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .unwrap_or_else(|| panic!("no MAILER_DSN in {}", dotenv.len()));
    r.dir.write(
        "store/.env",
        format!("APP_ENV=prod\nMAILER_DSN=ses+smtp://{dsn_user}:secret@default?region={REGION}\n"),
    );

    // The read-only commands: only reads.
    for args in [
        &["plan"][..],
        &["status"],
        &["dns"],
        &["--region", REGION, "export", "--stack", "perms"],
        &["lint", "--online", "store"],
    ] {
        let (run, actions) = r.actions_of(args);
        assert!(
            run.code == 0 || (args[0] == "lint" && run.code == 1),
            "{args:?}: {run:?}"
        );
        assert!(!actions.is_empty(), "{args:?}: no call recorded");
        for action in &actions {
            assert!(
                permissions::is_read(action),
                "{args:?} called {action}, which docs/iam.md's read-only policy does not allow"
            );
        }
    }

    // events tail and why: the events policy (reads, the suppression list, the event log).
    for args in [
        &["events", "tail", "--since", "1d"][..],
        &["why", "user@example.com", "--from", "noreply@example.com"],
    ] {
        let (run, actions) = r.actions_of(args);
        // why's exit code is its verdict (here: the sender is not verified, 1).
        assert!(
            run.code == 0 || (args[0] == "why" && run.code == 1),
            "{args:?}: {run:?}"
        );
        assert!(
            actions.contains("logs:FilterLogEvents"),
            "{args:?}: {actions:?}"
        );
        for action in &actions {
            assert!(
                permissions::is_events(action),
                "{args:?} called {action}, which docs/iam.md's events policy does not allow"
            );
        }
    }

    for args in [
        &["smtp", "rotate", "mailer", "--confirm-old-key-unused"][..],
        &["destroy", "--auto-approve"],
    ] {
        let (run, actions) = r.actions_of(args);
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        for action in &actions {
            assert!(
                permissions::is_known(action),
                "{args:?} called {action}, which docs/iam.md's apply policy does not allow"
            );
        }
    }
}
