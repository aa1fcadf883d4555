//! `sesform lint --online`: the four online rules against the SESv2 emulator and moto (IAM).

use sesform::emulator::AccountPatch;

use crate::util::aws::{AwsEnv, REGION, block_on};
use crate::util::{Run, TestDir};

const SPEC: &str = r#"version: 1
region: eu-west-1
smtp_users:
  app-mailer:
    allow_from: ["*@example.com"]
clients:
  store:
    path: store
    framework: symfony
"#;

const MAILER_YAML: &str = r#"framework:
    mailer:
        dsn: '%env(MAILER_DSN)%'
        envelope:
            sender: 'shop@example.com'
"#;

const COMPOSER_LOCK: &str = r#"{"packages": [{"name": "symfony/mailer", "version": "v7.2.3"}, {"name": "symfony/framework-bundle", "version": "v7.2.4"}], "packages-dev": []}"#;

/// Creates an IAM user with an access key; `sends` adds an inline policy allowing SendRawEmail.
fn user_with_key(aws: &AwsEnv, name: &str, sends: bool) -> String {
    block_on(async {
        let iam = aws.iam();
        iam.create_user().user_name(name).send().await.unwrap();
        if sends {
            iam.put_user_policy()
                .user_name(name)
                .policy_name("send")
                .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:SendRawEmail","Resource":"*"}]}"#)
                .send()
                .await
                .unwrap();
        }
        let key = iam
            .create_access_key()
            .user_name(name)
            .send()
            .await
            .unwrap();
        key.access_key().unwrap().access_key_id().to_string()
    })
}

fn app(dir: &TestDir, key: &str, max_per_second: u32) {
    dir.write("sesform.yaml", SPEC);
    dir.write("store/config/packages/mailer.yaml", MAILER_YAML);
    dir.write("store/composer.lock", COMPOSER_LOCK);
    dir.write(
        "store/.env",
        format!(
            "APP_ENV=prod\nMAILER_DSN=smtp://{key}:BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2@email-smtp.eu-west-1.amazonaws.com:587?ping_threshold=9&max_per_second={max_per_second}\n"
        ),
    );
}

fn lint_online(aws: &AwsEnv, dir: &TestDir) -> (Run, Vec<String>) {
    let mut cmd = dir.sesform();
    aws.configure(&mut cmd).args([
        "lint",
        "--online",
        "--format",
        "json",
        "--select",
        "sandbox,smtp-user,sender-identity,send-rate",
    ]);
    let run = Run::of(&mut cmd);
    let json: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    let findings = json["findings"]
        .as_array()
        .or_else(|| json["diagnostics"].as_array())
        .unwrap_or_else(|| panic!("no findings list: {json}"));
    let rules = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect();
    (run, rules)
}

#[test]
fn online_rules_read_the_live_account() {
    let aws = AwsEnv::start();
    let dir = TestDir::new();
    let outsider = user_with_key(&aws, "someone-else", false);
    app(&dir, &outsider, 20);

    // Sandboxed, sender not verified, a key of a user outside the spec that may not send,
    // and a rate above the account's 1 message per second.
    let (run, rules) = lint_online(&aws, &dir);
    assert_eq!(run.code, 1, "{run:?}");
    for rule in ["sandbox", "smtp-user", "sender-identity", "send-rate"] {
        assert!(rules.iter().any(|r| r == rule), "expected {rule}: {run:?}");
    }

    // Fixed: production access, verified domain, the spec's user, a rate within the quota.
    let key = user_with_key(&aws, "app-mailer", true);
    app(&dir, &key, 10);
    let control = aws.control();
    control.set_account(REGION, AccountPatch::production());
    block_on(
        aws.ses()
            .create_email_identity()
            .email_identity("example.com")
            .send(),
    )
    .unwrap();
    control.verify_identity(REGION, "example.com").unwrap();
    control.clear_calls();
    let (run, rules) = lint_online(&aws, &dir);
    assert!(rules.is_empty(), "{run:?}");
    assert_eq!(run.code, 0, "{run:?}");

    // Only read-only calls were made to SES.
    assert!(!control.calls().is_empty());
    for call in control.calls() {
        assert!(
            call.operation.starts_with("Get") || call.operation.starts_with("List"),
            "lint --online called {}",
            call.operation
        );
    }
}
