//! `sesform lint --online`: the four online rules against the SESv2 emulator and moto (IAM), on
//! scenarios built here and on the per-rule fixtures, whose `live.yaml` describes the account.

use sesform::emulator::{AccountPatch, VerificationStatus};

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
            allow(&iam, name, "ses:SendRawEmail").await;
        }
        create_key(&iam, name).await
    })
}

/// An inline policy on `user` allowing `action` on everything.
async fn allow(iam: &aws_sdk_iam::Client, user: &str, action: &str) {
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": action, "Resource": "*"}]});
    iam.put_user_policy()
        .user_name(user)
        .policy_name("send")
        .policy_document(policy.to_string())
        .send()
        .await
        .unwrap();
}

/// A new access key of `user`: its ID.
async fn create_key(iam: &aws_sdk_iam::Client, user: &str) -> String {
    let key = iam
        .create_access_key()
        .user_name(user)
        .send()
        .await
        .unwrap();
    key.access_key().unwrap().access_key_id().to_string()
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
    let (run, found) = findings_by_app(aws, dir, "sandbox,smtp-user,sender-identity,send-rate");
    (run, found.into_iter().map(|(rule, _, _)| rule).collect())
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

const SEND_RAW: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:SendRawEmail","Resource":"*"}]}"#;

/// A Symfony app at `path` that logs in to SES SMTP in `region` with `key`.
fn app_at(dir: &TestDir, path: &str, key: &str, region: &str) {
    dir.write(&format!("{path}/config/packages/mailer.yaml"), MAILER_YAML);
    dir.write(&format!("{path}/composer.lock"), COMPOSER_LOCK);
    dir.write(
        &format!("{path}/.env"),
        format!(
            "MAILER_DSN=smtp://{key}:BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2@email-smtp.{region}.amazonaws.com:587?ping_threshold=9\n"
        ),
    );
}

/// (rule, app directory, message) of each finding.
fn findings_by_app(
    aws: &AwsEnv,
    dir: &TestDir,
    select: &str,
) -> (Run, Vec<(String, String, String)>) {
    let mut cmd = dir.sesform();
    aws.configure(&mut cmd)
        .args(["lint", "--online", "--format", "json", "--select", select]);
    let run = Run::of(&mut cmd);
    let json: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    let found = json["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("{run:?}"))
        .iter()
        .map(|f| {
            let file = f["location"]["file"].as_str().unwrap_or_default();
            (
                f["code"].as_str().unwrap().to_string(),
                file.split('/').next().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (run, found)
}

#[test]
fn smtp_user_reads_the_keys_user_and_every_kind_of_policy() {
    let aws = AwsEnv::start();
    let dir = TestDir::new();
    let iam = aws.iam();
    let inactive = user_with_key(&aws, "app-mailer", true);
    let outsider = user_with_key(&aws, "someone-else", true);
    // Allowed through a group's inline policy.
    let grouped = user_with_key(&aws, "group-mailer", false);
    // Through a customer-managed policy, a group's managed policy, `ses:Send*`.
    let managed = user_with_key(&aws, "managed-mailer", false);
    let group_managed = user_with_key(&aws, "admin-mailer", false);
    let wildcard = user_with_key(&aws, "wild-mailer", false);
    // A user whose policies allow something else only.
    let denied = user_with_key(&aws, "no-send", false);
    block_on(async {
        iam.update_access_key()
            .user_name("app-mailer")
            .access_key_id(&inactive)
            .status(aws_sdk_iam::types::StatusType::Inactive)
            .send()
            .await
            .unwrap();
        iam.create_group()
            .group_name("senders")
            .send()
            .await
            .unwrap();
        iam.put_group_policy()
            .group_name("senders")
            .policy_name("send")
            .policy_document(SEND_RAW)
            .send()
            .await
            .unwrap();
        iam.add_user_to_group()
            .group_name("senders")
            .user_name("group-mailer")
            .send()
            .await
            .unwrap();
        let policy = iam
            .create_policy()
            .policy_name("ses-send")
            .policy_document(SEND_RAW)
            .send()
            .await
            .unwrap();
        iam.attach_user_policy()
            .user_name("managed-mailer")
            .policy_arn(policy.policy().unwrap().arn().unwrap())
            .send()
            .await
            .unwrap();
        // A group whose attached managed policy allows `ses:*`.
        let all_ses = iam
            .create_policy()
            .policy_name("ses-all")
            .policy_document(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ses:*","Resource":"*"}}"#)
            .send()
            .await
            .unwrap();
        iam.create_group()
            .group_name("ses-admins")
            .send()
            .await
            .unwrap();
        iam.attach_group_policy()
            .group_name("ses-admins")
            .policy_arn(all_ses.policy().unwrap().arn().unwrap())
            .send()
            .await
            .unwrap();
        iam.add_user_to_group()
            .group_name("ses-admins")
            .user_name("admin-mailer")
            .send()
            .await
            .unwrap();
        iam.put_user_policy()
            .user_name("wild-mailer")
            .policy_name("send")
            .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ses:Send*"],"Resource":"*"}]}"#)
            .send()
            .await
            .unwrap();
        iam.put_user_policy()
            .user_name("no-send")
            .policy_name("read")
            .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:Get*","Resource":"*"}]}"#)
            .send()
            .await
            .unwrap();
    });
    let apps = [
        ("unknown", "AKIAZZZZZZZZZZZZZZZZ".to_string()),
        ("inactive", inactive),
        ("outsider", outsider),
        ("grouped", grouped),
        ("managed", managed),
        ("groupmanaged", group_managed),
        ("wildcard", wildcard),
        ("denied", denied),
    ];
    let mut spec = String::from("version: 1\nregion: eu-west-1\nsmtp_users:\n");
    for user in [
        "app-mailer",
        "group-mailer",
        "managed-mailer",
        "admin-mailer",
        "wild-mailer",
        "no-send",
    ] {
        spec.push_str(&format!("  {user}:\n    allow_from: [\"*@example.com\"]\n"));
    }
    spec.push_str("clients:\n");
    for (path, key) in &apps {
        app_at(&dir, path, key, "eu-west-1");
        spec.push_str(&format!("  {path}: {{path: {path}, framework: symfony}}\n"));
    }
    dir.write("sesform.yaml", &spec);
    let (run, found) = findings_by_app(&aws, &dir, "smtp-user");
    assert_eq!(run.code, 1, "{run:?}");
    let of = |app: &str| -> Vec<&str> {
        found
            .iter()
            .filter(|(_, a, _)| a == app)
            .map(|(_, _, m)| m.as_str())
            .collect()
    };
    let one = |app: &str, expected: &str| {
        let messages = of(app);
        assert_eq!(messages.len(), 1, "{app}: {found:?}");
        assert!(messages[0].contains(expected), "{app}: {found:?}");
    };
    one("unknown", "this access key does not exist in the account");
    one("inactive", "this access key of `app-mailer` is inactive");
    one(
        "outsider",
        "`someone-else`, which is not one of the spec's smtp_users",
    );
    one("denied", "IAM user `no-send` may not call ses:SendRawEmail");
    for app in ["grouped", "managed", "groupmanaged", "wildcard"] {
        assert!(of(app).is_empty(), "{app}: {found:?}");
    }
}

#[test]
fn each_app_is_checked_in_the_region_it_sends_through() {
    let aws = AwsEnv::start();
    let dir = TestDir::new();
    let key = user_with_key(&aws, "app-mailer", true);
    // Production access in the spec's region only; the Frankfurt app sends through a sandbox.
    let control = aws.control();
    control.set_account(REGION, AccountPatch::production());
    control.set_account("eu-central-1", AccountPatch::sandbox());
    app_at(&dir, "ireland", &key, "eu-west-1");
    app_at(&dir, "frankfurt", &key, "eu-central-1");
    dir.write(
        "sesform.yaml",
        "version: 1\nregion: eu-west-1\nclients:\n  ireland: {path: ireland, framework: symfony}\n  frankfurt: {path: frankfurt, framework: symfony}\n",
    );
    control.clear_calls();
    let (run, found) = findings_by_app(&aws, &dir, "sandbox,smtp-user");
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "sandbox");
    assert_eq!(found[0].1, "frankfurt");
    assert!(found[0].2.contains("sandbox in eu-central-1"), "{found:?}");
    // One GetAccount per region the apps send through.
    let mut regions: Vec<String> = control
        .calls()
        .into_iter()
        .filter(|c| c.operation == "GetAccount")
        .map(|c| c.region)
        .collect();
    regions.sort();
    assert_eq!(regions, vec!["eu-central-1", "eu-west-1"]);
}

// ----- per-rule fixtures: tests/fixtures/lint/<rule>/{trigger,clean,near-miss} -----

/// What a case's `live.yaml` puts in the live account before the app is linted.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Live {
    /// GetAccount per region.
    #[serde(default)]
    accounts: std::collections::BTreeMap<String, AccountPatch>,
    /// Identities in eu-west-1 and their verification status.
    #[serde(default)]
    identities: std::collections::BTreeMap<String, VerificationStatus>,
    #[serde(default)]
    users: std::collections::BTreeMap<String, LiveUser>,
    /// The user whose last key the app logs in with (as `$SES_SMTP_USERNAME`).
    login: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LiveUser {
    /// The action an inline policy allows on `*`.
    allow: Option<String>,
    /// Access keys in creation order, `Active` or `Inactive`.
    keys: Vec<String>,
}

/// Sets up `live` on fresh emulators; returns them and the app's SMTP username.
fn arrange(live: &Live) -> (AwsEnv, String) {
    let aws = AwsEnv::start();
    let control = aws.control();
    for (region, patch) in &live.accounts {
        control.set_account(region, patch.clone());
    }
    let mut login = None;
    block_on(async {
        for (name, status) in &live.identities {
            let ses = aws.ses();
            ses.create_email_identity()
                .email_identity(name)
                .send()
                .await
                .unwrap();
            control.set_identity_status(REGION, name, *status).unwrap();
        }
        let iam = aws.iam();
        for (name, user) in &live.users {
            iam.create_user().user_name(name).send().await.unwrap();
            if let Some(action) = &user.allow {
                allow(&iam, name, action).await;
            }
            for status in &user.keys {
                let id = create_key(&iam, name).await;
                iam.update_access_key()
                    .user_name(name)
                    .access_key_id(&id)
                    .status(status.as_str().into())
                    .send()
                    .await
                    .unwrap();
                if *name == live.login {
                    login = Some(id);
                }
            }
        }
    });
    let login = login.unwrap_or_else(|| panic!("live.yaml: no key of `{}`", live.login));
    (aws, login)
}

/// Lints one online-rule case against the live account its `live.yaml` describes; returns the
/// exit code and (file, line, column, message) of each finding.
fn online_case(rule: &str, case: &str) -> (i32, Vec<(String, u64, u64, String)>) {
    let fixtures = crate::util::repo_file("tests/fixtures/lint");
    let live = fixtures.join(rule).join(case).join("live.yaml");
    let text = std::fs::read_to_string(&live).unwrap();
    let live: Live = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{live:?}: {e}"));
    let (aws, login) = arrange(&live);
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_sesform"));
    cmd.current_dir(&fixtures)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SES_SMTP_USERNAME", &login);
    aws.configure(&mut cmd).args([
        "lint",
        "--online",
        "--format",
        "json",
        "--select",
        rule,
        "--spec",
        &format!("{rule}/sesform.yaml"),
        &format!("{rule}/{case}"),
    ]);
    let run = Run::of(&mut cmd);
    let json: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    assert!(run.code == 0 || run.code == 1, "{rule}/{case}: {run:?}");
    let found = json["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("{run:?}"))
        .iter()
        .map(|f| {
            assert_eq!(f["code"], rule, "{rule}/{case}: {run:?}");
            (
                f["location"]["file"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
                f["location"]["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (run.code, found)
}

/// The trigger case reports exactly one finding, at `place` with `message` in it; the clean
/// and near-miss cases report nothing.
fn online_rule_case(rule: &str, place: (&str, u64, u64), message: &str) {
    let (code, found) = online_case(rule, "trigger");
    assert_eq!(found.len(), 1, "{rule}/trigger: {found:?}");
    let (file, line, column, text) = &found[0];
    assert_eq!(
        (file.as_str(), *line, *column),
        place,
        "{rule}/trigger: {text}"
    );
    assert!(text.contains(message), "{rule}/trigger: {text}");
    assert_eq!(code, 1, "{rule}/trigger");
    for case in ["clean", "near-miss"] {
        let (code, found) = online_case(rule, case);
        assert!(found.is_empty(), "{rule}/{case}: {found:?}");
        assert_eq!(code, 0, "{rule}/{case}");
    }
}

#[test]
fn sandbox_fixtures() {
    online_rule_case(
        "sandbox",
        ("sandbox/trigger/.env.prod.local", 3, 12),
        "sandbox in eu-west-1",
    );
}

#[test]
fn smtp_user_fixtures() {
    online_rule_case(
        "smtp-user",
        ("smtp-user/trigger/.env.prod.local", 3, 19),
        "is inactive",
    );
}

#[test]
fn sender_identity_fixtures() {
    online_rule_case(
        "sender-identity",
        ("sender-identity/trigger/config/packages/mailer.yaml", 5, 22),
        "`shop@example.com` is not a verified identity in eu-west-1",
    );
}

#[test]
fn send_rate_fixtures() {
    online_rule_case(
        "send-rate",
        ("send-rate/trigger/.env.prod.local", 3, 156),
        "max_per_second is 20, above the account's SES sending rate of 14 per second",
    );
}
