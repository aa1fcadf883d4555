//! SMTP users: IAM user, least-privilege policy, one access key, and credentials written only
//! where the spec says, over moto (IAM) and the SESv2 emulator.

use sesform::smtp::password::smtp_password;

use crate::util::aws::{AwsEnv, block_on};
use crate::util::{Run, TestDir};

pub(crate) const LARAVEL: &str = r#"version: 1
region: eu-west-1
stack: test
smtp_users:
  mailer:
    path: /sesform/
    allow_from: ["*@example.com"]
    credentials: {dotenv: secrets/.env.ses, preset: laravel}
"#;

pub(crate) struct Fixture {
    pub aws: AwsEnv,
    pub dir: TestDir,
}

impl Fixture {
    pub(crate) fn new(spec: &str) -> Fixture {
        let dir = TestDir::new();
        dir.write("sesform.yaml", spec);
        std::fs::create_dir_all(dir.join("secrets")).unwrap();
        Fixture {
            aws: AwsEnv::start(),
            dir,
        }
    }

    pub(crate) fn run(&self, args: &[&str]) -> Run {
        let mut cmd = self.dir.sesform();
        self.aws.configure(&mut cmd).args(args);
        Run::of(&mut cmd)
    }

    pub(crate) fn keys(&self, user: &str) -> Vec<String> {
        let out = block_on(self.aws.iam().list_access_keys().user_name(user).send()).unwrap();
        out.access_key_metadata()
            .iter()
            .filter_map(|k| k.access_key_id().map(str::to_string))
            .collect()
    }

    pub(crate) fn tags(&self, user: &str) -> std::collections::BTreeMap<String, String> {
        let out = block_on(self.aws.iam().list_user_tags().user_name(user).send()).unwrap();
        out.tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect()
    }

    pub(crate) fn tag(&self, user: &str, key: &str, value: &str) {
        let tag = aws_sdk_iam::types::Tag::builder()
            .key(key)
            .value(value)
            .build()
            .unwrap();
        block_on(self.aws.iam().tag_user().user_name(user).tags(tag).send()).unwrap();
    }

    /// Creates a key behind sesform's back; returns its id and secret.
    pub(crate) fn create_key(&self, user: &str) -> (String, String) {
        let out = block_on(self.aws.iam().create_access_key().user_name(user).send()).unwrap();
        let key = out.access_key().unwrap();
        (
            key.access_key_id().to_string(),
            key.secret_access_key().to_string(),
        )
    }

    pub(crate) fn delete_keys(&self, user: &str) {
        for key in self.keys(user) {
            block_on(
                self.aws
                    .iam()
                    .delete_access_key()
                    .user_name(user)
                    .access_key_id(key)
                    .send(),
            )
            .unwrap();
        }
    }

    /// `smtp rotate`, checked to leak neither the secret nor the SMTP password it wrote.
    pub(crate) fn rotate(&self, args: &[&str]) -> Run {
        let mut all = vec!["smtp", "rotate", "mailer"];
        all.extend_from_slice(args);
        let run = self.run(&all);
        let env = self.dotenv("secrets/.env.ses");
        let key = &env["MAIL_USERNAME"];
        let secret = self.aws.moto.secret_of(key);
        let password = &env["MAIL_PASSWORD"];
        assert_eq!(*password, smtp_password(&secret, "eu-west-1"));
        for leak in [&secret, password, &password[..20].to_string()] {
            assert!(!run.all().contains(leak.as_str()), "secret leaked: {run:?}");
        }
        run
    }

    pub(crate) fn dotenv(&self, path: &str) -> std::collections::BTreeMap<String, String> {
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
    let document = f.aws.user_policy("mailer", "sesform-ses-send");
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

pub(crate) fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Waits until the clock has moved on a whole second, so CreateDates differ from `now()`.
fn next_second() {
    let start = now();
    while now() == start {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn an_interrupted_apply_never_leaves_an_unrecorded_key_silently() {
    let f = Fixture::new(&LARAVEL.replace(
        "    credentials: {dotenv: secrets/.env.ses, preset: laravel}\n",
        "",
    ));
    assert_eq!(f.run(&["apply", "--auto-approve"]).code, 0);
    // A key an app uses, made elsewhere before sesform ever issued one.
    let (elsewhere, _) = f.create_key("mailer");
    next_second();
    // What an apply killed right after CreateAccessKey leaves: the pending tag (with the start
    // time only) and a key.
    f.tag("mailer", "sesform:access-key-pending", &now().to_string());
    let (lost, _) = f.create_key("mailer");
    f.dir.write("sesform.yaml", LARAVEL);
    let run = f.run(&["plan"]);
    assert!(
        run.stdout
            .contains("an earlier run stopped while creating an access key"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("~ access_key = \"interrupted\" -> \"active\""),
        "{run:?}"
    );
    assert!(
        run.stdout.contains(&format!(
            "has access key {elsewhere} that sesform did not create"
        )),
        "the other key is reported: {run:?}"
    );
    assert!(!run.stdout.contains(&format!("key {lost} that")), "{run:?}");
    let apply = f.run(&["apply", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{apply:?}");
    let keys = f.keys("mailer");
    assert_eq!(keys.len(), 2, "{apply:?}");
    assert!(keys.contains(&elsewhere), "the key made elsewhere is kept");
    assert!(
        !keys.contains(&lost),
        "the interrupted run's key is deleted"
    );
    let new = f.dotenv("secrets/.env.ses")["MAIL_USERNAME"].clone();
    assert!(keys.contains(&new) && new != elsewhere);
    let tags = f.tags("mailer");
    assert_eq!(tags["sesform:access-key"], new);
    assert!(!tags.contains_key("sesform:access-key-pending"));
    let run = f.run(&["plan", "--detailed-exitcode"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "has access key {elsewhere} besides the recorded {new}"
        )),
        "still reported after the apply: {run:?}"
    );
}

#[test]
fn an_apply_stopped_after_writing_the_file_keeps_that_key() {
    let f = Fixture::new(LARAVEL);
    f.run(&["apply", "--auto-approve"]);
    // The run wrote the credentials of its key but stopped before recording it.
    let written = f.keys("mailer").remove(0);
    block_on(
        f.aws
            .iam()
            .untag_user()
            .user_name("mailer")
            .tag_keys("sesform:access-key")
            .send(),
    )
    .unwrap();
    f.tag(
        "mailer",
        "sesform:access-key-pending",
        &format!("{} {written}", now()),
    );
    let apply = f.run(&["apply", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{apply:?}");
    assert_eq!(
        f.keys("mailer"),
        std::slice::from_ref(&written),
        "no key replaced"
    );
    assert_eq!(f.tags("mailer")["sesform:access-key"], written);
    assert_eq!(f.dotenv("secrets/.env.ses")["MAIL_USERNAME"], written);
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
    let in_file = || f.dotenv("secrets/.env.ses")["MAIL_USERNAME"].clone();

    // Zero keys: rotate just issues one.
    let run = f.rotate(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let first = f.keys("mailer");
    assert_eq!(first.len(), 1);
    assert_eq!(in_file(), first[0]);

    // One key, never used but created just now: not idle, so kept until confirmed.
    let run = f.rotate(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "Kept the old access key {}: it was created 0 minutes ago",
            first[0]
        )),
        "{run:?}"
    );
    let second = in_file();
    assert_ne!(second, first[0]);
    assert_eq!(f.keys("mailer").len(), 2);

    // Two keys, one recorded: running again issues nothing and still keeps the old key...
    let run = f.rotate(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "access key {second} from an earlier rotation is recorded"
        )),
        "{run:?}"
    );
    assert!(run.stdout.contains("Kept the old access key"), "{run:?}");
    assert_eq!(f.keys("mailer").len(), 2);
    assert_eq!(in_file(), second);
    // ...until confirmed.
    let run = f.rotate(&["--confirm-old-key-unused"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains(&format!("Deleted the old access key {}", first[0])),
        "{run:?}"
    );
    assert_eq!(f.keys("mailer"), std::slice::from_ref(&second));

    // One key in recent use: kept, with when IAM saw it used.
    f.aws.use_access_key(&second);
    let run = f.rotate(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "Kept the old access key {second}: IAM saw it used 0 minutes ago"
        )),
        "{run:?}"
    );
    let third = in_file();
    assert_ne!(third, second);

    // An old key never used and created longer ago than --idle-days: idle, deleted at once.
    f.delete_keys("mailer");
    assert_eq!(f.rotate(&[]).code, 0);
    let old = in_file();
    next_second();
    let run = f.rotate(&["--idle-days", "0"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains(&format!("Deleted the old access key {old}")),
        "{run:?}"
    );
    assert_eq!(f.keys("mailer").len(), 1);

    // Two keys, neither recorded, both in use: refused unless confirmed, nothing deleted.
    f.delete_keys("mailer");
    let (a, _) = f.create_key("mailer");
    let (b, _) = f.create_key("mailer");
    f.aws.use_access_key(&a);
    f.aws.use_access_key(&b);
    let before_refusal = f.dir.read("secrets/.env.ses");
    let run = f.run(&["smtp", "rotate", "mailer"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("already has two access keys"),
        "{run:?}"
    );
    assert!(run.stderr.contains("--confirm-old-key-unused"), "{run:?}");
    assert_eq!(f.keys("mailer").len(), 2);
    assert_eq!(f.dir.read("secrets/.env.ses"), before_refusal);
    let named = run.stderr_word_after("to delete ");
    let other = if named == a { b.clone() } else { a.clone() };
    assert!([&a, &b].contains(&&named), "{run:?}");
    // The confirmation covers the key it named; the other one is still in use, so it stays.
    let run = f.rotate(&["--confirm-old-key-unused"]);
    assert_eq!(run.code, 0, "{run:?}");
    let mut after = f.keys("mailer");
    after.sort();
    let mut expected = vec![in_file(), other.clone()];
    expected.sort();
    assert_eq!(after, expected, "only {named} is deleted: {run:?}");
    assert!(
        run.stdout
            .contains(&format!("Kept the old access key {other}")),
        "{run:?}"
    );
}

#[test]
fn rotate_checks_the_destination_before_deleting_any_key() {
    let f = Fixture::new(LARAVEL);
    f.run(&["apply", "--auto-approve"]);
    f.delete_keys("mailer");
    f.create_key("mailer");
    f.create_key("mailer");
    let keys = f.keys("mailer");
    f.dir.write(
        "sesform.yaml",
        LARAVEL.replace("secrets/.env.ses", "gone/.env.ses"),
    );
    let run = f.run(&["smtp", "rotate", "mailer", "--confirm-old-key-unused"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("does not exist; create it first"),
        "{run:?}"
    );
    assert_eq!(f.keys("mailer"), keys, "no key deleted");
}

/// A rotation killed after CreateAccessKey: the recorded key K1, the pending tag, and K2.
fn crashed_rotation(f: &Fixture, written: bool) -> (String, String) {
    assert_eq!(f.run(&["apply", "--auto-approve"]).code, 0);
    let old = f.keys("mailer").remove(0);
    f.tag("mailer", "sesform:access-key-pending", &now().to_string());
    let (new, secret) = f.create_key("mailer");
    f.tag(
        "mailer",
        "sesform:access-key-pending",
        &format!("{} {new}", now()),
    );
    if written {
        let password = smtp_password(&secret, "eu-west-1");
        let text = f.dir.read("secrets/.env.ses").replace(&old, &new).replace(
            &smtp_password(&f.aws.moto.secret_of(&old), "eu-west-1"),
            &password,
        );
        f.dir.write("secrets/.env.ses", text);
    }
    (old, new)
}

#[test]
fn a_crashed_rotation_keeps_the_key_the_file_holds() {
    let f = Fixture::new(LARAVEL);
    let (old, new) = crashed_rotation(&f, true);
    let plan = f.run(&["plan", "--detailed-exitcode"]);
    assert!(
        plan.stdout.contains(&format!(
            "stopped after writing access key {new} to the credentials file"
        )),
        "never silent: {plan:?}"
    );
    assert!(
        plan.stdout.contains("sesform smtp rotate mailer"),
        "{plan:?}"
    );
    assert!(
        !plan.stdout.contains("are no longer in"),
        "one warning, with the right next step: {plan:?}"
    );

    let run = f.rotate(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains(&format!("had written access key {new}")),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains(&format!("Kept the old access key {old}")),
        "{run:?}"
    );
    assert_eq!(f.dotenv("secrets/.env.ses")["MAIL_USERNAME"], new);
    let tags = f.tags("mailer");
    assert_eq!(tags["sesform:access-key"], new);
    assert!(!tags.contains_key("sesform:access-key-pending"));
    let mut keys = f.keys("mailer");
    keys.sort();
    let mut both = vec![old.clone(), new.clone()];
    both.sort();
    assert_eq!(keys, both, "the key in the file survives");
    assert_eq!(f.rotate(&["--confirm-old-key-unused"]).code, 0);
    assert_eq!(f.keys("mailer"), [new]);
}

#[test]
fn a_crashed_rotation_before_the_write_deletes_only_its_own_key() {
    let f = Fixture::new(LARAVEL);
    let (old, lost) = crashed_rotation(&f, false);
    let plan = f.run(&["plan"]);
    assert!(
        plan.stdout
            .contains(&format!("stopped right after creating access key {lost}")),
        "{plan:?}"
    );
    let run = f.rotate(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!("deleted access key {lost}")),
        "{run:?}"
    );
    let new = f.dotenv("secrets/.env.ses")["MAIL_USERNAME"].clone();
    let keys = f.keys("mailer");
    assert!(keys.contains(&old) && keys.contains(&new) && !keys.contains(&lost));
    assert_eq!(f.tags("mailer")["sesform:access-key"], new);
}

#[test]
fn send_email_any_sender_and_custom_variable_names_end_to_end() {
    let f = Fixture::new(&LARAVEL.replace(
        r#"    allow_from: ["*@example.com"]
    credentials: {dotenv: secrets/.env.ses, preset: laravel}"#,
        r#"    allow_from: ["*"]
    allow_send_email: true
    credentials:
      dotenv: secrets/.env.ses
      preset: laravel
      keys: {username: SES_USER, password: SES_PASS, host: SES_HOST, port: SES_PORT}"#,
    ));
    let apply = f.run(&["apply", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{apply:?}");
    let document = f.aws.user_policy("mailer", "sesform-ses-send");
    let statement = &document["Statement"][0];
    assert_eq!(
        statement["Action"],
        serde_json::json!(["ses:SendRawEmail", "ses:SendEmail"])
    );
    assert_eq!(
        statement["Condition"],
        serde_json::json!({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}),
        "no FromAddress condition for `*`"
    );
    let key = f.keys("mailer").remove(0);
    let env = f.dotenv("secrets/.env.ses");
    assert_eq!(
        env.keys().collect::<Vec<_>>(),
        ["SES_HOST", "SES_PASS", "SES_PORT", "SES_USER"]
    );
    assert_eq!(env["SES_USER"], key);
    assert_eq!(
        env["SES_PASS"],
        smtp_password(&f.aws.moto.secret_of(&key), "eu-west-1")
    );
    assert_eq!(env["SES_HOST"], "email-smtp.eu-west-1.amazonaws.com");
    assert_eq!(env["SES_PORT"], "587");
    assert_eq!(f.run(&["plan", "--detailed-exitcode"]).code, 0);
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
