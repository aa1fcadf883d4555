//! Feedback while sesform works: the request log (`--debug`), the adaptive API rate
//! (`--api-rate sesv2=auto`), machine output (`--format`) and progress.

use sesform::emulator::RateLimit;
use sesform::smtp::password::smtp_password;

use crate::credentials::{Fixture, LARAVEL};
use crate::util::aws::block_on;

/// `--debug` logs every AWS request (service, operation, resource, status, latency, attempt)
/// and never a secret: not the issued key's secret, not the SMTP password written, not the
/// caller's secret key, not a signature.
#[test]
fn debug_logs_every_request_without_secrets() {
    let f = Fixture::new(&format!("{LARAVEL}identities:\n  example.com: {{}}\n"));
    let run = f.run(&["apply", "--auto-approve", "--debug"]);
    assert_eq!(run.code, 0, "{run:?}");
    let logged = |service: &str, operation: &str, resource: &str| {
        run.stderr.lines().any(|line| {
            line.contains(&format!("service=\"{service}\""))
                && line.contains(&format!("operation=\"{operation}\""))
                && line.contains(&format!("resource={resource} "))
                && line.contains("status=200")
                && line.contains("latency_ms=")
                && line.contains("attempt=1")
        })
    };
    for (service, operation, resource) in [
        ("sesv2", "GetEmailIdentity", "identities/example.com"),
        ("sesv2", "CreateEmailIdentity", "identities/example.com"),
        ("iam", "CreateUser", "mailer"),
        ("iam", "CreateAccessKey", "mailer"),
        ("sts", "GetCallerIdentity", ""),
    ] {
        assert!(
            logged(service, operation, resource),
            "{service} {operation} {resource} not logged: {run:?}"
        );
    }

    let env = f.dotenv("secrets/.env.ses");
    let secret = f.aws.moto.secret_of(&env["MAIL_USERNAME"]);
    let password = smtp_password(&secret, "eu-west-1");
    assert_eq!(env["MAIL_PASSWORD"], password);
    for leak in [
        secret.as_str(),
        password.as_str(),
        &password[..20],
        "test-secret",
        "Signature=",
        "AWS4-HMAC-SHA256",
    ] {
        assert!(!run.all().contains(leak), "`{leak}` leaked: {run:?}");
    }

    // A throttled attempt and its retry are both logged.
    f.aws
        .control()
        .inject(sesform::emulator::Fault::throttle().only("GetEmailIdentity"))
        .unwrap();
    let run = f.run(&["plan", "--debug"]);
    assert_eq!(run.code, 0, "{run:?}");
    let get_identity: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("operation=\"GetEmailIdentity\""))
        .collect();
    assert!(
        get_identity
            .iter()
            .any(|l| l.contains("status=429") && l.contains("throttled=true")),
        "{run:?}"
    );
    assert!(
        get_identity.iter().any(|l| l.contains("status=200")
            && l.contains("attempt=2")
            && l.contains("retry=true")),
        "{run:?}"
    );

    // SESFORM_LOG=debug is the same; without either, nothing is logged.
    let mut cmd = f.dir.sesform();
    f.aws
        .configure(&mut cmd)
        .env("SESFORM_LOG", "debug")
        .arg("plan");
    let run = crate::util::Run::of(&mut cmd);
    assert!(run.stderr.contains("operation=\"GetUser\""), "{run:?}");
    let run = f.run(&["plan"]);
    assert!(!run.stderr.contains("operation="), "{run:?}");
}

/// `--api-rate sesv2=auto` against an account limited to 5 requests a second (the emulator's
/// token bucket): it climbs from SES's documented 1/s towards the limit, backs off on the
/// 429s, and ends with a rate well above the fixed one and few throttles. Counts and rates
/// only, with generous bounds; speed itself is measured by scripts/bench-plan.
#[test]
fn auto_api_rate_settles_near_the_account_limit() {
    let f = Fixture::new(
        "version: 1\nregion: eu-west-1\nstack: test\nidentities:\n  example.com: {}\n",
    );
    let identities = 80;
    for i in 0..identities {
        block_on(
            f.aws
                .ses()
                .create_email_identity()
                .email_identity(format!("d{i}.example.org"))
                .send(),
        )
        .unwrap();
    }
    let control = f.aws.control();
    control
        .set_rate_limit(Some(RateLimit {
            per_second: 5.0,
            burst: None,
        }))
        .unwrap();
    let run = f.run(&["plan", "-v", "--api-rate", "sesv2=auto"]);
    assert_eq!(run.code, 0, "{run:?}");
    let stats = control.rate_limit().unwrap();
    assert!(
        stats.allowed >= identities + 2,
        "every identity read: {stats:?}"
    );
    let achieved = stats.allowed as f64 / stats.allowed_span_secs;
    eprintln!("auto rate against a 5/s bucket: {achieved:.2} requests/s, {stats:?}");
    assert!(
        (2.0..=6.0).contains(&achieved),
        "achieved {achieved:.2} requests/s against a limit of 5: {stats:?} {run:?}"
    );
    assert!(
        stats.throttled * 5 <= stats.allowed,
        "few throttles (at most 1 in 5 calls): {stats:?} {run:?}"
    );
    assert!(
        run.stderr.contains("sesv2 pacing: ") && run.stderr.contains("(auto)"),
        "{run:?}"
    );
}

/// Without a terminal, a slow read and a slow apply print a plain line now and then (every
/// SESFORM_PROGRESS_INTERVAL seconds): counts per kind, and the pacing wait; `-q` prints none.
#[test]
fn progress_lines_without_a_terminal_and_none_with_quiet() {
    let spec = "version: 1\nregion: eu-west-1\nstack: test\nidentities:\n  a.example.com: {}\n  b.example.com: {}\n  c.example.com: {}\n  d.example.com: {}\n";
    let f = Fixture::new(spec);
    let run_paced = |args: &[&str]| {
        let mut cmd = f.dir.sesform();
        f.aws
            .configure(&mut cmd)
            .env("SESFORM_PROGRESS_INTERVAL", "0.3")
            .args(args)
            .args(["--api-rate", "sesv2=3"]);
        crate::util::Run::of(&mut cmd)
    };
    let run = run_paced(&["apply", "--auto-approve"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("Reading live state (")
                && l.contains("sesv2 paced at 3.0 requests/s")),
        "{run:?}"
    );
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("Applying (") && l.contains("/4 done")),
        "{run:?}"
    );
    let run = run_paced(&["plan"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("identities ") && run.stderr.contains("Read live state in "),
        "{run:?}"
    );
    let run = run_paced(&["plan", "-q"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("live state"), "{run:?}");
}

/// `--format json` on every command with machine output: `plan` (`--json` is its alias),
/// `status`, and `apply` / `destroy`, which print one document of what was done, with the
/// issued key's ID and file but never its secret.
#[test]
fn format_json_everywhere_and_apply_says_what_was_done() {
    let f = Fixture::new(&format!("{LARAVEL}identities:\n  example.com: {{}}\n"));
    let json = |args: &[&str]| -> serde_json::Value {
        let run = f.run(args);
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"))
    };
    let mut by_flag = json(&["plan", "--format", "json"]);
    let mut by_alias = json(&["plan", "--json"]);
    for plan in [&mut by_flag, &mut by_alias] {
        plan.as_object_mut().unwrap().remove("live_fingerprint");
    }
    assert_eq!(by_flag, by_alias);
    let run = f.run(&["plan", "--json", "--format", "human"]);
    assert_eq!(run.code, 1, "conflicting flags are a usage error: {run:?}");

    let run = f.run(&[
        "apply",
        "--auto-approve",
        "--format",
        "json",
        "--show-secrets",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("never holds a secret"), "{run:?}");

    let run = f.run(&["apply", "--auto-approve", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let result: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    assert_eq!(result["format_version"], "1");
    assert_eq!(result["command"], "apply");
    assert_eq!(result["status"], "applied");
    assert_eq!(result["account_id"], "123456789012");
    assert_eq!(result["region"], "eu-west-1");
    assert_eq!(result["summary"]["created"], 2, "{result}");
    assert_eq!(result["summary"]["failed"], 0);
    let changes = result["changes"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c["address"] == "identity.example.com"
                && c["action"] == "create"
                && c["outcome"] == "done"
                && c["seconds"].is_number()),
        "{result}"
    );
    let env = f.dotenv("secrets/.env.ses");
    let key = &env["MAIL_USERNAME"];
    assert_eq!(result["issued_keys"][0]["user"], "mailer");
    assert_eq!(result["issued_keys"][0]["access_key_id"], key.as_str());
    assert!(
        result["issued_keys"][0]["credentials_written_to"]
            .as_str()
            .unwrap()
            .ends_with(".env.ses"),
        "{result}"
    );
    let secret = f.aws.moto.secret_of(key);
    for leak in [secret.as_str(), env["MAIL_PASSWORD"].as_str()] {
        assert!(!run.all().contains(leak), "secret leaked: {run:?}");
    }
    // Progress went to standard error, so standard output is the document alone.
    assert!(
        run.stderr.contains("identity.example.com: created"),
        "{run:?}"
    );

    let result = json(&["apply", "--auto-approve", "--format", "json"]);
    assert_eq!(result["status"], "no-changes");
    assert_eq!(result["changes"], serde_json::json!([]));

    let status = json(&["status", "--format", "json"]);
    assert_eq!(status, json(&["status", "--json"]));

    let result = json(&["destroy", "--auto-approve", "--format", "json"]);
    assert_eq!(result["command"], "destroy");
    assert_eq!(result["status"], "applied");
    assert_eq!(result["summary"]["deleted"], 2, "{result}");
}

/// A failed apply's JSON result says what was done, what failed (in the service's words) and
/// what never started, and exits 1.
#[test]
fn format_json_reports_a_failed_apply() {
    let f = Fixture::new(
        "version: 1\nregion: eu-west-1\nstack: test\nidentities:\n  example.com: {}\n",
    );
    f.aws
        .control()
        .inject(
            sesform::emulator::Fault::error(400, "BadRequestException").only("CreateEmailIdentity"),
        )
        .unwrap();
    let run = f.run(&["apply", "--auto-approve", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let result: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    assert_eq!(result["status"], "failed");
    assert_eq!(result["summary"]["failed"], 1);
    let change = &result["changes"][0];
    assert_eq!(change["address"], "identity.example.com");
    assert_eq!(change["outcome"], "failed");
    assert!(
        change["error"]
            .as_str()
            .unwrap()
            .contains("BadRequestException"),
        "{result}"
    );
    assert!(
        run.stderr.contains("stopped at the first failure"),
        "{run:?}"
    );
}
