//! Real clients against `sesform local`, installed from Debian packages by
//! `scripts/install-test-clients` (which `scripts/test` runs): Symfony Mailer 5.4 under PHP
//! (the transport under Laravel 9+ and Symfony), Python's smtplib, and headless Chromium for
//! the page. A missing client fails the test with the command that installs it: never a
//! silent skip.

use std::path::Path;
use std::process::Command;

use crate::local::{KEY_ID, SECRET};
use crate::util::local::{LocalSes, http};
use crate::util::{Run, TestDir, repo_file};

const SYMFONY_AUTOLOAD: &str = "/usr/share/php/Symfony/Component/Mailer/autoload.php";

fn require(program: &str, what: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "{what} is not installed ({program} not on PATH): run ./scripts/install-test-clients \
         (scripts/test does)"
    );
}

fn require_symfony_mailer() {
    require("php", "php-cli");
    assert!(
        Path::new(SYMFONY_AUTOLOAD).exists(),
        "php-symfony-mailer is not installed ({SYMFONY_AUTOLOAD} missing): run \
         ./scripts/install-test-clients (scripts/test does)"
    );
}

/// The SES SMTP password of the test key, percent-encoded for a DSN.
fn dsn_password() -> String {
    sesform::credentials::url_encode(&sesform::smtp::password::smtp_password(SECRET, "eu-west-1"))
}

/// Runs the PHP worker script with MAILER_DSN pointing at local SES plus `options`.
fn php(local: &LocalSes, options: &str, env: &[(&str, &str)]) -> Run {
    let dsn = format!(
        "smtp://{KEY_ID}:{}@127.0.0.1:{}{options}",
        dsn_password(),
        local.smtp_port
    );
    Run::of(
        Command::new("php")
            .arg(repo_file("tests/fixtures/local/symfony_mailer.php"))
            .env("MAILER_DSN", dsn)
            .env("CA_FILE", &local.ca)
            .envs(env.iter().copied()),
    )
}

/// Local SES from the test spec, with a send rate that bulk sends stay under.
fn start(dir: &TestDir, extra: &[&str]) -> LocalSes {
    let mut args = vec!["--max-send-rate", "1000"];
    args.extend_from_slice(extra);
    crate::local::start(dir, &args)
}

#[test]
fn symfony_mailer_idle_connection_gets_451_and_ping_threshold_fixes_it() {
    require_symfony_mailer();
    let dir = TestDir::new();
    let local = start(&dir, &["--idle-timeout", "2"]);
    // Two seconds of margin past the timeout: a loaded machine does not change the outcome.
    let idle = [("MODE", "idle"), ("SLEEP", "4")];

    let run = php(&local, "", &idle);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("sent 1"), "{run:?}");
    assert!(
        run.stdout.contains(
            "TransportException: Expected response code \"250\" but got code \"451\", with \
             message \"451 4.4.2 Timeout waiting for data from client.\""
        ),
        "{run:?}"
    );

    let run = php(&local, "?ping_threshold=1", &idle);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("sent 2"), "{run:?}");
    let accepted = local
        .messages()
        .iter()
        .filter(|m| m["status"] == "accepted")
        .count();
    assert_eq!(accepted, 3, "1 before the 451, then 2 with ping_threshold");
}

#[test]
fn symfony_mailer_session_cap_gets_421_and_restart_threshold_fixes_it() {
    require_symfony_mailer();
    let dir = TestDir::new();
    let local = start(&dir, &["--max-messages", "20"]);
    let bulk = [("MODE", "bulk"), ("COUNT", "30")];

    let run = php(&local, "", &bulk);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("sent 20\n"), "{run:?}");
    assert!(
        run.stdout.contains(
            "got code \"421\", with message \"421 Connection closed by server. Maximum message \
             count per session reached.\""
        ),
        "{run:?}"
    );
    http(&local.api, "DELETE", "/_local/messages", "");

    let run = php(&local, "?restart_threshold=10", &bulk);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("sent 30\n"), "{run:?}");
    assert_eq!(local.messages().len(), 30);
}

/// The same app, linted: its SES DSN without the two settings gets the two findings that the
/// failures above demonstrate, and the DSN with them is clean.
#[test]
fn lint_reports_what_symfony_mailer_ran_into() {
    let dir = TestDir::new();
    dir.write(
        "sesform.yaml",
        "version: 1\nregion: eu-west-1\nidentities:\n  example.com: {}\nclients:\n  app:\n    \
         path: app\n    framework: symfony\n    restart_threshold: 20\n",
    );
    dir.write(
        "app/config/packages/mailer.yaml",
        "framework:\n    mailer:\n        dsn: '%env(MAILER_DSN)%'\n",
    );
    dir.write(
        "app/composer.lock",
        r#"{"packages": [{"name": "symfony/framework-bundle", "version": "v5.4.40"},
            {"name": "symfony/mailer", "version": "v5.4.23"}], "packages-dev": []}"#,
    );
    let dsn = format!(
        "MAILER_DSN=smtp://{KEY_ID}:{}@email-smtp.eu-west-1.amazonaws.com:587",
        dsn_password()
    );
    dir.write("app/.env", format!("{dsn}\n"));
    let lint = || {
        Run::of(dir.sesform().args([
            "lint",
            "--spec",
            "sesform.yaml",
            "--select",
            "ping-threshold,restart-threshold",
            "--format",
            "json",
            "app",
        ]))
    };
    let run = lint();
    assert_eq!(run.code, 1, "{run:?}");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let mut rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    rules.sort();
    assert_eq!(rules, ["ping-threshold", "restart-threshold"], "{run:?}");
    dir.write(
        "app/.env",
        format!("{dsn}?ping_threshold=1&restart_threshold=10\n"),
    );
    let run = lint();
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn python_smtplib_logs_in_with_the_derived_password_not_the_secret() {
    require("python3", "python3");
    let dir = TestDir::new();
    let local = start(&dir, &[]);
    let run = Run::of(
        Command::new("python3")
            .arg(repo_file("tests/fixtures/local/smtplib_client.py"))
            .env("SMTP_PORT", local.smtp_port.to_string())
            .env("CA_FILE", &local.ca)
            .env("KEY_ID", KEY_ID)
            .env("SECRET", SECRET)
            .env("REGION", "eu-west-1"),
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "derived: 235\nsent\nraw secret: 535 Authentication Credentials Invalid\n"
    );
    let messages = local.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["subject"], "from smtplib");
}

#[test]
fn the_page_lists_messages_and_their_events_in_chromium() {
    let chromium = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| {
            Command::new("sh")
                .args(["-c", &format!("command -v {c}")])
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .unwrap_or_else(|| {
            panic!(
                "chromium is not installed: run ./scripts/install-test-clients (scripts/test does)"
            )
        });
    let dir = TestDir::new();
    let local = start(&dir, &[]);
    for (to, subject) in [
        ("success@simulator.amazonses.com", "First <mail> & more"),
        ("bounce@simulator.amazonses.com", "Second mail"),
    ] {
        let (status, answer) = local.send_email("app@example.com", to, subject);
        assert_eq!(status, 200, "{answer}");
    }
    let profile = TestDir::new();
    let run = Run::of(Command::new(chromium).args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        &format!("--user-data-dir={}", profile.path().display()),
        "--dump-dom",
        &format!("{}/", local.api),
    ]));
    assert_eq!(run.code, 0, "{run:?}");
    let dom = run.stdout;
    assert!(
        dom.contains("<title>sesform local: 2 messages</title>"),
        "{dom}"
    );
    assert!(dom.contains("First &lt;mail&gt; &amp; more"), "{dom}");
    assert!(dom.contains("Second mail"), "{dom}");
    assert!(dom.contains("bounce@simulator.amazonses.com"), "{dom}");
    assert_eq!(
        dom.matches("class=\"message accepted\"").count(),
        2,
        "{dom}"
    );
    assert!(
        dom.contains("Bounce <small>→ transactional/to-bus, transactional/to-sns</small>"),
        "{dom}"
    );
}
