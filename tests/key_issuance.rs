//! Access keys exactly once: a lost CreateAccessKey answer, two applies at once, a kill between
//! the two bookkeeping calls, and a client clock ahead of IAM's, over real HTTP (moto behind
//! the fault-injecting forwarder of `util::forward`), with the real binary.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sesform::smtp::password::smtp_password;

use crate::credentials::{Fixture, LARAVEL};
use crate::util::Run;
use crate::util::aws::block_on;
use crate::util::forward::{Call, Forwarder, Verdict};

const PENDING: &str = "sesform:access-key-pending";
const RECORDED: &str = "sesform:access-key";

impl Fixture {
    /// `sesform ARGS` with IAM calls going through `forwarder`.
    fn command_via(&self, forwarder: &Forwarder, args: &[&str]) -> Command {
        let mut cmd = self.dir.sesform();
        self.aws
            .configure(&mut cmd)
            .env("AWS_ENDPOINT_URL_IAM", forwarder.endpoint_url())
            .args(args);
        cmd
    }

    fn spawn(mut cmd: Command) -> Child {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start sesform")
    }

    /// Starts `apply` with IAM behind a forwarder that holds one call; kills the run (SIGKILL)
    /// once that call is held.
    fn apply_killed_at(&self, rule: impl FnMut(&Call) -> Verdict + Send + 'static) {
        let forwarder = Forwarder::start(&self.aws.moto.endpoint_url(), rule);
        let mut child = Fixture::spawn(self.command_via(&forwarder, &["apply", "--auto-approve"]));
        forwarder.wait_held(Duration::from_secs(60));
        child.kill().expect("kill sesform");
        let _ = child.wait();
    }

    /// The credentials file is in place and its password is the key's.
    fn assert_credentials_of(&self, key: &str) {
        let env = self.dotenv("secrets/.env.ses");
        assert_eq!(env["MAIL_USERNAME"], key);
        assert_eq!(
            env["MAIL_PASSWORD"],
            smtp_password(&self.aws.moto.secret_of(key), "eu-west-1")
        );
    }

    /// Removes the lock a killed run left (what `force-unlock` does; tested on its own).
    fn clear_lock(&self) {
        let _ = block_on(
            self.aws
                .ssm()
                .delete_parameter()
                .name("/sesform/lock/test/eu-west-1")
                .send(),
        );
    }

    /// The stack's lock parameter, if set.
    fn lock_value(&self) -> Option<String> {
        block_on(
            self.aws
                .ssm()
                .get_parameter()
                .name("/sesform/lock/test/eu-west-1")
                .send(),
        )
        .ok()
        .and_then(|out| out.parameter()?.value().map(str::to_string))
    }
}

/// Loses the answer of the first `action` call (the upstream acts on it).
fn lose_first_answer(action: &'static str) -> impl FnMut(&Call) -> Verdict + Send + 'static {
    let mut lost = false;
    move |call| {
        if call.action == action && !lost {
            lost = true;
            Verdict::AnswerLost
        } else {
            Verdict::Forward
        }
    }
}

#[test]
fn a_lost_create_access_key_answer_leaves_exactly_one_key() {
    let f = Fixture::new(LARAVEL);
    let forwarder = Forwarder::start(
        &f.aws.moto.endpoint_url(),
        lose_first_answer("CreateAccessKey"),
    );
    let run = Run::of(&mut f.command_via(&forwarder, &["apply", "--auto-approve"]));
    assert_eq!(run.code, 0, "{run:?}");
    let creates = forwarder
        .calls()
        .iter()
        .filter(|a| *a == "CreateAccessKey")
        .count();
    assert_eq!(
        creates,
        2,
        "one lost, one answered: {:?}",
        forwarder.calls()
    );
    let keys = f.keys("mailer");
    assert_eq!(keys.len(), 1, "the lost attempt's key is gone: {run:?}");
    f.assert_credentials_of(&keys[0]);
    let tags = f.tags("mailer");
    assert_eq!(tags[RECORDED], keys[0]);
    assert!(!tags.contains_key(PENDING), "{tags:?}");
    let plan = f.run(&["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{plan:?}");
    assert!(!plan.stdout.contains("Warnings"), "{plan:?}");
}

#[test]
fn a_lost_attempts_key_seen_late_by_iam_is_deleted_too() {
    // IAM is eventually consistent: the listing right after the lost answer misses the key.
    let f = Fixture::new(LARAVEL);
    let mut lose = lose_first_answer("CreateAccessKey");
    let mut lost = false;
    let mut stale_listed = false;
    let forwarder = Forwarder::start(&f.aws.moto.endpoint_url(), move |call| {
        if lost && !stale_listed && call.action == "ListAccessKeys" {
            stale_listed = true;
            return Verdict::Answer(
                r#"<ListAccessKeysResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListAccessKeysResult><UserName>mailer</UserName><AccessKeyMetadata/><IsTruncated>false</IsTruncated></ListAccessKeysResult><ResponseMetadata><RequestId>stale</RequestId></ResponseMetadata></ListAccessKeysResponse>"#,
            );
        }
        let verdict = lose(call);
        lost |= matches!(verdict, Verdict::AnswerLost);
        verdict
    });
    let run = Run::of(&mut f.command_via(&forwarder, &["apply", "--auto-approve"]));
    assert_eq!(run.code, 0, "{run:?}");
    let keys = f.keys("mailer");
    assert_eq!(keys.len(), 1, "{:?}", forwarder.calls());
    f.assert_credentials_of(&keys[0]);
    assert_eq!(f.run(&["plan", "--detailed-exitcode"]).code, 0);
}

/// LARAVEL with a second SMTP user.
fn two_users() -> String {
    format!(
        "{LARAVEL}  billing:\n    allow_from: [\"billing@example.com\"]\n    credentials: {{dotenv: secrets/.env.billing, preset: laravel}}\n"
    )
}

#[test]
fn two_applies_at_once_issue_one_key_per_user() {
    let f = Fixture::new(&two_users());
    let start = || {
        let mut cmd = f.dir.sesform();
        f.aws.configure(&mut cmd).args(["apply", "--auto-approve"]);
        Fixture::spawn(cmd)
    };
    let (a, b) = (start(), start());
    let runs: Vec<Run> = [a, b]
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            Run {
                code: out.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&out.stdout).into(),
                stderr: String::from_utf8_lossy(&out.stderr).into(),
            }
        })
        .collect();
    for run in &runs {
        assert_eq!(run.code, 0, "{run:?}");
    }
    for (user, file) in [("mailer", ".env.ses"), ("billing", ".env.billing")] {
        let keys = f.keys(user);
        assert_eq!(keys.len(), 1, "{user}: {runs:?}");
        let env = f.dotenv(&format!("secrets/{file}"));
        assert_eq!(env["MAIL_USERNAME"], keys[0], "{user}");
    }
    assert_eq!(f.lock_value(), None, "both released the lock");
    assert_eq!(f.run(&["plan", "--detailed-exitcode"]).code, 0);
}

#[test]
fn a_held_lock_is_refused_with_its_owner_and_removed_by_force_unlock() {
    let f = Fixture::new(LARAVEL);
    // A run killed mid-way leaves its lock; a second run is refused at once with --lock-timeout 0.
    f.apply_killed_at(|call| match call.action.as_str() {
        "CreateAccessKey" => Verdict::Hold,
        _ => Verdict::Forward,
    });
    let run = f.run(&["apply", "--auto-approve", "--lock-timeout", "0"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("stack test in eu-west-1 is locked by another sesform run"),
        "{run:?}"
    );
    assert!(run.stderr.contains("(apply, pid "), "{run:?}");
    assert!(run.stderr.contains("lease until 20"), "{run:?}");
    let id = run.stderr_word_after("sesform force-unlock ");
    assert!(
        f.keys("mailer").is_empty(),
        "the refused run changed nothing"
    );
    let run = f.run(&["force-unlock", "not-the-id", "--force"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("nothing removed"), "{run:?}");
    let run = f.run(&["force-unlock", &id]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("pass --force"), "{run:?}");
    let run = f.run(&["force-unlock", &id, "--force"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!("Removed the lock {id}")),
        "{run:?}"
    );
    assert_eq!(f.lock_value(), None);

    let apply = f.run(&["apply", "--auto-approve", "--lock-timeout", "0"]);
    assert_eq!(apply.code, 0, "{apply:?}");
    let keys = f.keys("mailer");
    assert_eq!(keys.len(), 1, "{apply:?}");
    f.assert_credentials_of(&keys[0]);
}

#[test]
fn an_interrupted_apply_releases_its_lock() {
    let f = Fixture::new(LARAVEL);
    let forwarder = Forwarder::start(&f.aws.moto.endpoint_url(), |call| {
        match call.action.as_str() {
            "CreateAccessKey" => Verdict::Hold,
            _ => Verdict::Forward,
        }
    });
    let child = Fixture::spawn(f.command_via(&forwarder, &["apply", "--auto-approve"]));
    forwarder.wait_held(Duration::from_secs(60));
    assert!(f.lock_value().is_some(), "held while applying");
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("interrupted: apply stopped where it was"),
        "{stderr}"
    );
    assert_eq!(f.lock_value(), None, "released on the way out");
    // And the next run finishes the job.
    let apply = f.run(&["apply", "--auto-approve", "--lock-timeout", "0"]);
    assert_eq!(apply.code, 0, "{apply:?}");
    assert_eq!(f.keys("mailer").len(), 1);
}

#[test]
fn a_stale_lock_is_taken_over_and_said_so() {
    let f = Fixture::new(LARAVEL);
    let stale = serde_json::json!({
        "id": "0123456789abcdef", "owner": "ci@gone", "pid": 1, "operation": "apply",
        "created": 1_000_000_000, "expires": 1_000_000_600,
    });
    block_on(
        f.aws
            .ssm()
            .put_parameter()
            .name("/sesform/lock/test/eu-west-1")
            .value(stale.to_string())
            .r#type(aws_sdk_ssm::types::ParameterType::String)
            .send(),
    )
    .unwrap();
    let run = f.run(&["apply", "--auto-approve", "--lock-timeout", "0"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("taking over the lock 0123456789abcdef held by ci@gone"),
        "{run:?}"
    );
    assert_eq!(f.lock_value(), None);
}

#[test]
fn a_lost_lock_answer_is_not_mistaken_for_another_run() {
    let f = Fixture::new(LARAVEL);
    let forwarder = Forwarder::start(
        &f.aws.moto.endpoint_url(),
        lose_first_answer("PutParameter"),
    );
    let mut cmd = f.dir.sesform();
    f.aws
        .configure(&mut cmd)
        .env("AWS_ENDPOINT_URL_SSM", forwarder.endpoint_url())
        .args(["apply", "--auto-approve", "--lock-timeout", "0"]);
    let run = Run::of(&mut cmd);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        forwarder
            .calls()
            .starts_with(&["PutParameter".into(), "PutParameter".into()]),
        "the SDK retried the lost PutParameter: {:?}",
        forwarder.calls()
    );
    assert_eq!(f.keys("mailer").len(), 1);
    assert_eq!(f.lock_value(), None, "released");
}

/// Holds the call after the first of the two final bookkeeping calls of an issue (recording the
/// key, and removing the pending marker), whichever comes first.
fn second_bookkeeping_call() -> impl FnMut(&Call) -> Verdict + Send + 'static {
    let mut first_done = false;
    move |call| {
        if first_done {
            return Verdict::Hold;
        }
        let records = call.action == "TagUser" && call.tag_value(RECORDED).is_some();
        let unmarks = call.action == "UntagUser" && call.mentions(PENDING);
        first_done = records || unmarks;
        Verdict::Forward
    }
}

#[test]
fn a_kill_between_the_bookkeeping_calls_needs_no_new_key() {
    let f = Fixture::new(LARAVEL);
    f.apply_killed_at(second_bookkeeping_call());
    let keys = f.keys("mailer");
    assert_eq!(keys.len(), 1);
    let key = keys[0].clone();
    f.assert_credentials_of(&key);
    let plan = f.run(&["plan", "--detailed-exitcode"]);
    assert!(!plan.stdout.contains("never saw"), "{plan:?}");
    assert!(!plan.stdout.contains("Warnings"), "{plan:?}");
    assert_eq!(plan.code, 0, "nothing left to do: {plan:?}");
    let tags = f.tags("mailer");
    assert_eq!(tags.get(RECORDED), Some(&key), "recorded first: {tags:?}");
    f.clear_lock();
    let apply = f.run(&["apply", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{apply:?}");
    assert_eq!(
        f.keys("mailer"),
        std::slice::from_ref(&key),
        "no second key: {apply:?}"
    );
    f.assert_credentials_of(&key);
    // A rotation later replaces the marker left behind, and ends with no marker at all.
    let run = f.rotate(&["--confirm-old-key-unused"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!f.tags("mailer").contains_key(PENDING));
    assert_eq!(f.keys("mailer").len(), 1);
}

#[test]
fn a_kill_after_an_older_sesform_dropped_the_marker_first_is_recovered() {
    // What older sesform left when killed between its two bookkeeping calls: the marker gone,
    // the key not recorded, its credentials written.
    let f = Fixture::new(LARAVEL);
    assert_eq!(f.run(&["apply", "--auto-approve"]).code, 0);
    let key = f.keys("mailer").remove(0);
    block_on(
        f.aws
            .iam()
            .untag_user()
            .user_name("mailer")
            .tag_keys(RECORDED)
            .send(),
    )
    .unwrap();
    let plan = f.run(&["plan"]);
    assert!(!plan.stdout.contains("never saw"), "{plan:?}");
    assert!(
        plan.stdout
            .contains("~ access_key = \"interrupted\" -> \"active\""),
        "{plan:?}"
    );
    let apply = f.run(&["apply", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{apply:?}");
    assert_eq!(
        f.keys("mailer"),
        std::slice::from_ref(&key),
        "no second key: {apply:?}"
    );
    assert_eq!(f.tags("mailer")[RECORDED], key);
    assert_eq!(f.run(&["plan", "--detailed-exitcode"]).code, 0);

    // The same in a rotation: the old key still recorded, the new one only in the file.
    let run = f.rotate(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let new = f.dotenv("secrets/.env.ses")["MAIL_USERNAME"].clone();
    f.tag("mailer", RECORDED, &key);
    let plan = f.run(&["plan"]);
    assert!(
        plan.stdout.contains(&format!(
            "stopped after writing access key {new} to the credentials file"
        )),
        "{plan:?}"
    );
    assert!(!plan.stdout.contains("are no longer in"), "{plan:?}");
    let run = f.rotate(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains(&format!("had written access key {new}")),
        "{run:?}"
    );
    assert_eq!(f.tags("mailer")[RECORDED], new);
    assert_eq!(f.keys("mailer").len(), 2, "no third key");
}

#[test]
fn an_interrupted_runs_key_is_found_with_the_client_clock_ahead() {
    let f = Fixture::new(LARAVEL);
    // Killed right after CreateAccessKey: the call that adds the key id to the marker is held.
    let mut marked = 0;
    f.apply_killed_at(move |call| {
        if call.action == "TagUser" && call.tag_value(PENDING).is_some() {
            marked += 1;
            if marked == 2 {
                return Verdict::Hold;
            }
        }
        Verdict::Forward
    });
    let lost = f.keys("mailer");
    assert_eq!(lost.len(), 1);
    // As if the client's clock were 30 s ahead of IAM's: the marker's start time is later than
    // the key's CreateDate.
    let marker = f.tags("mailer")[PENDING].clone();
    let (since, rest) = marker.split_once(' ').unwrap_or((&marker, ""));
    let ahead = since.parse::<u64>().unwrap() + 30;
    f.tag("mailer", PENDING, format!("{ahead} {rest}").trim());
    f.clear_lock();

    let plan = f.run(&["plan"]);
    assert!(
        plan.stdout
            .contains("an earlier run stopped while creating an access key"),
        "{plan:?}"
    );
    assert!(!plan.stdout.contains("did not create"), "{plan:?}");
    let apply = f.run(&["apply", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{apply:?}");
    let keys = f.keys("mailer");
    assert_eq!(keys.len(), 1, "the orphan is deleted: {apply:?}");
    assert_ne!(keys[0], lost[0]);
    f.assert_credentials_of(&keys[0]);
    assert_eq!(f.run(&["plan", "--detailed-exitcode"]).code, 0);
}
