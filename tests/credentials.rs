//! SMTP users: IAM user, least-privilege policy, one access key, and credentials written only
//! where the spec says, over moto (IAM) and the SESv2 emulator.

use sesform::smtp::password::smtp_password;

use crate::util::aws::{AwsEnv, block_on};
use crate::util::{Run, TestDir};

const LARAVEL: &str = r#"version: 1
region: eu-west-1
stack: test
smtp_users:
  mailer:
    path: /sesform/
    allow_from: ["*@example.com"]
    credentials: {dotenv: secrets/.env.ses, preset: laravel}
"#;

struct Fixture {
    aws: AwsEnv,
    dir: TestDir,
}

impl Fixture {
    fn new(spec: &str) -> Fixture {
        let dir = TestDir::new();
        dir.write("sesform.yaml", spec);
        std::fs::create_dir_all(dir.join("secrets")).unwrap();
        Fixture {
            aws: AwsEnv::start(),
            dir,
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        let mut cmd = self.dir.sesform();
        self.aws.configure(&mut cmd).args(args);
        Run::of(&mut cmd)
    }

    fn keys(&self, user: &str) -> Vec<String> {
        let out = block_on(self.aws.iam().list_access_keys().user_name(user).send()).unwrap();
        out.access_key_metadata()
            .iter()
            .filter_map(|k| k.access_key_id().map(str::to_string))
            .collect()
    }

    fn dotenv(&self, path: &str) -> std::collections::BTreeMap<String, String> {
        self.dir
            .read(path)
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
            .collect()
    }
}

#[test]
fn credentials_are_written_private_and_work_and_never_printed() {
    let f = Fixture::new(LARAVEL);
    let mut outputs = Vec::new();
    let plan = f.run(&["plan"]);
    assert!(
        plan.stdout.contains("+ access_key = \"active\""),
        "{plan:?}"
    );
    outputs.push(plan.all());
    outputs.push(f.run(&["plan", "--json", "--out", "plan.json"]).all());
    let apply = f.run(&["apply", "--plan", "plan.json", "-v"]);
    assert_eq!(apply.code, 0, "{apply:?}");
    outputs.push(apply.all());
    outputs.push(f.dir.read("plan.json"));

    let keys = f.keys("mailer");
    assert_eq!(keys.len(), 1, "exactly one key");
    let env = f.dotenv("secrets/.env.ses");
    assert_eq!(env["MAIL_USERNAME"], keys[0]);
    assert_eq!(env["MAIL_HOST"], "email-smtp.eu-west-1.amazonaws.com");
    assert_eq!(env["MAIL_PORT"], "587");
    let secret = f.aws.moto.secret_of(&keys[0]);
    let password = smtp_password(&secret, "eu-west-1");
    assert_eq!(env["MAIL_PASSWORD"], password);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(f.dir.join("secrets/.env.ses"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(
        apply
            .stdout
            .contains(&format!("new access key {}", keys[0])),
        "{apply:?}"
    );

    let converged = f.run(&["plan", "--detailed-exitcode"]);
    assert_eq!(converged.code, 0, "{converged:?}");
    outputs.push(converged.all());
    for output in outputs {
        assert!(!output.contains(&secret), "the secret key leaked: {output}");
        assert!(
            !output.contains(&password),
            "the SMTP password leaked: {output}"
        );
        assert!(
            !output.contains(&password[..20]),
            "part of the SMTP password leaked: {output}"
        );
    }
}

#[test]
fn policy_is_least_privilege_and_drift_is_repaired() {
    let f = Fixture::new(LARAVEL);
    assert_eq!(f.run(&["apply", "--auto-approve"]).code, 0);
    let iam = f.aws.iam();
    let policy = block_on(
        iam.get_user_policy()
            .user_name("mailer")
            .policy_name("sesform-ses-send")
            .send(),
    )
    .unwrap();
    let document: serde_json::Value = serde_json::from_str(
        &percent_encoding::percent_decode_str(policy.policy_document()).decode_utf8_lossy(),
    )
    .unwrap();
    let statement = &document["Statement"][0];
    assert_eq!(statement["Action"], serde_json::json!(["ses:SendRawEmail"]));
    assert_eq!(
        statement["Condition"]["StringLike"]["ses:FromAddress"],
        serde_json::json!(["*@example.com"])
    );
    assert_eq!(
        statement["Condition"]["StringEquals"]["aws:RequestedRegion"],
        "eu-west-1"
    );

    block_on(
        iam.put_user_policy()
            .user_name("mailer")
            .policy_name("sesform-ses-send")
            .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:*","Resource":"*"}]}"#)
            .send(),
    )
    .unwrap();
    let run = f.run(&["plan"]);
    assert!(run.stdout.contains("~ policy:"), "{run:?}");
    assert!(run.stdout.contains("\"ses:*\""), "{run:?}");
    assert_eq!(f.run(&["apply", "--auto-approve"]).code, 0);
    assert_eq!(f.run(&["plan", "--detailed-exitcode"]).code, 0);
    assert_eq!(
        f.keys("mailer").len(),
        1,
        "repairing the policy issues no new key"
    );
}

#[test]
fn symfony_preset_writes_an_encoded_dsn() {
    let f = Fixture::new(&LARAVEL.replace("preset: laravel", "preset: symfony"));
    assert_eq!(f.run(&["apply", "--auto-approve"]).code, 0);
    let key = f.keys("mailer").remove(0);
    let password = smtp_password(&f.aws.moto.secret_of(&key), "eu-west-1");
    let encoded = sesform::credentials::url_encode(&password);
    assert_eq!(
        f.dotenv("secrets/.env.ses")["MAILER_DSN"],
        format!("ses+smtp://{key}:{encoded}@default?region=eu-west-1&ping_threshold=9")
    );
}

#[test]
fn an_interrupted_apply_never_leaves_an_unrecorded_key_silently() {
    let f = Fixture::new(&LARAVEL.replace(
        "    credentials: {dotenv: secrets/.env.ses, preset: laravel}\n",
        "",
    ));
    assert_eq!(f.run(&["apply", "--auto-approve"]).code, 0);
    // What an apply killed right after CreateAccessKey leaves: the pending tag and a key.
    block_on(async {
        let iam = f.aws.iam();
        iam.tag_user()
            .user_name("mailer")
            .tags(
                aws_sdk_iam::types::Tag::builder()
                    .key("sesform:access-key-pending")
                    .value("1")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        iam.create_access_key()
            .user_name("mailer")
            .send()
            .await
            .unwrap();
    });
    let lost = f.keys("mailer").remove(0);
    f.dir.write("sesform.yaml", LARAVEL);
    let run = f.run(&["plan"]);
    assert!(
        run.stdout
            .contains("stopped right after creating an access key"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("~ access_key = \"interrupted\" -> \"active\""),
        "{run:?}"
    );
    assert_eq!(f.run(&["apply", "--auto-approve"]).code, 0);
    let keys = f.keys("mailer");
    assert_eq!(keys.len(), 1);
    assert_ne!(keys[0], lost, "the unrecorded key was replaced");
    assert_eq!(f.dotenv("secrets/.env.ses")["MAIL_USERNAME"], keys[0]);
    assert_eq!(f.run(&["plan", "--detailed-exitcode"]).code, 0);
}

#[test]
fn keys_created_elsewhere_and_lost_files_are_reported_with_a_next_step() {
    let f = Fixture::new(&LARAVEL.replace(
        "    credentials: {dotenv: secrets/.env.ses, preset: laravel}\n",
        "",
    ));
    assert_eq!(f.run(&["apply", "--auto-approve"]).code, 0);
    block_on(f.aws.iam().create_access_key().user_name("mailer").send()).unwrap();
    f.dir.write("sesform.yaml", LARAVEL);
    let run = f.run(&["plan", "--detailed-exitcode"]);
    assert_eq!(run.code, 0, "never silently replaced: {run:?}");
    assert!(
        run.stdout.contains("whose secret sesform never saw"),
        "{run:?}"
    );
    assert!(run.stdout.contains("sesform smtp rotate mailer"), "{run:?}");

    let f = Fixture::new(LARAVEL);
    assert_eq!(f.run(&["apply", "--auto-approve"]).code, 0);
    std::fs::remove_file(f.dir.join("secrets/.env.ses")).unwrap();
    let run = f.run(&["plan"]);
    assert!(run.stdout.contains("are no longer in"), "{run:?}");
    assert!(run.stdout.contains("sesform smtp rotate mailer"), "{run:?}");
}

#[test]
fn stdout_credentials_need_show_secrets_and_no_key_is_made_without() {
    let spec = LARAVEL.replace(
        "credentials: {dotenv: secrets/.env.ses, preset: laravel}",
        "credentials: {stdout: true}",
    );
    let f = Fixture::new(&spec);
    let run = f.run(&["apply", "--auto-approve"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.all().contains("needs --show-secrets"), "{run:?}");
    assert!(
        f.keys("mailer").is_empty(),
        "no key whose secret would be lost"
    );

    let run = f.run(&["apply", "--auto-approve", "--show-secrets"]);
    assert_eq!(run.code, 0, "{run:?}");
    let key = f.keys("mailer").remove(0);
    let password = smtp_password(&f.aws.moto.secret_of(&key), "eu-west-1");
    assert!(
        run.stdout.contains(&format!("SMTP password: {password}")),
        "{run:?}"
    );
}

#[test]
fn a_missing_credentials_directory_fails_before_any_key_exists() {
    let f = Fixture::new(&LARAVEL.replace("secrets/.env.ses", "missing-dir/.env.ses"));
    let run = f.run(&["apply", "--auto-approve"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.all().contains("does not exist; create it first"),
        "{run:?}"
    );
    assert!(f.keys("mailer").is_empty());
}

#[test]
fn rotate_with_zero_one_and_two_existing_keys() {
    let f = Fixture::new(&LARAVEL.replace(
        "    credentials: {dotenv: secrets/.env.ses, preset: laravel}\n",
        "",
    ));
    assert_eq!(f.run(&["apply", "--auto-approve"]).code, 0);
    f.dir.write("sesform.yaml", LARAVEL);
    let mut outputs = Vec::new();

    // Zero keys: rotate just issues one.
    let run = f.run(&["smtp", "rotate", "mailer"]);
    assert_eq!(run.code, 0, "{run:?}");
    outputs.push(run.all());
    let first = f.keys("mailer");
    assert_eq!(first.len(), 1);
    assert_eq!(f.dotenv("secrets/.env.ses")["MAIL_USERNAME"], first[0]);

    // One key, never used: the old one is idle and goes at once.
    let run = f.run(&["smtp", "rotate", "mailer"]);
    assert_eq!(run.code, 0, "{run:?}");
    outputs.push(run.all());
    assert!(
        run.stdout
            .contains(&format!("Deleted the old access key {}", first[0])),
        "{run:?}"
    );
    let second = f.keys("mailer");
    assert_eq!(second.len(), 1);
    assert_ne!(second, first);
    assert_eq!(f.dotenv("secrets/.env.ses")["MAIL_USERNAME"], second[0]);

    // One key in recent use: kept until confirmed; running again only retires it.
    let run = f.run(&["smtp", "rotate", "mailer", "--idle-days", "0"]);
    assert_eq!(run.code, 0, "{run:?}");
    outputs.push(run.all());
    let keys = f.keys("mailer");
    // moto reports no last use, so even with --idle-days 0 the old key is idle and deleted.
    assert_eq!(keys.len(), 1, "{run:?}");

    // Two keys, neither recorded (both made elsewhere): refused unless confirmed.
    let existing = f.keys("mailer");
    block_on(async {
        let iam = f.aws.iam();
        for key in existing {
            iam.delete_access_key()
                .user_name("mailer")
                .access_key_id(key)
                .send()
                .await
                .unwrap();
        }
        iam.create_access_key()
            .user_name("mailer")
            .send()
            .await
            .unwrap();
        iam.create_access_key()
            .user_name("mailer")
            .send()
            .await
            .unwrap();
    });
    let foreign = f.keys("mailer");
    let run = f.run(&["smtp", "rotate", "mailer", "--confirm-old-key-unused"]);
    assert_eq!(run.code, 0, "{run:?}");
    outputs.push(run.all());
    let after = f.keys("mailer");
    assert_eq!(
        after.len(),
        1,
        "both foreign keys retired, one new key: {run:?}"
    );
    assert!(!foreign.contains(&after[0]));
    assert_eq!(f.dotenv("secrets/.env.ses")["MAIL_USERNAME"], after[0]);
    assert_eq!(f.run(&["plan", "--detailed-exitcode"]).code, 0);

    let password = f.dotenv("secrets/.env.ses")["MAIL_PASSWORD"].clone();
    let secret = f.aws.moto.secret_of(&after[0]);
    for output in outputs {
        assert!(
            !output.contains(&password) && !output.contains(&secret),
            "secret leaked: {output}"
        );
    }
}

#[test]
fn rotate_refuses_unknown_users_and_users_without_a_destination() {
    let f = Fixture::new(LARAVEL);
    let run = f.run(&["smtp", "rotate", "nobody"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("`nobody` is not under smtp_users"),
        "{run:?}"
    );
    let run = f.run(&["smtp", "rotate", "mailer"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("run `sesform apply` first"), "{run:?}");
}
