//! `sesform local`: started from a spec as CI would run it, answering SMTP as SES does, with
//! the same send path and events as the SESv2 API. Real PHP and Python clients are in
//! `local_clients`.

use std::time::Duration;

use sesform::smtp::Secret;
use sesform::smtp::client::{self, AuthMechanism, Connection};
use sesform::smtp::password::smtp_password;

use crate::util::TestDir;
use crate::util::local::{LocalSes, http};

pub const SPEC: &str = r#"version: 1
region: eu-west-1
identities:
  example.com:
    configuration_set: transactional
configuration_sets:
  transactional:
    event_destinations:
      to-sns:
        events: [SEND, DELIVERY, BOUNCE, COMPLAINT]
        sns_topic: ses-events
      to-bus:
        events: [BOUNCE]
        eventbridge: {}
sns_topics:
  ses-events: {}
smtp_users:
  app:
    allow_from: ["*@example.com"]
    credentials:
      dotenv: app.env
      preset: laravel
"#;

/// Access key and secret the tests log in with (SESFORM_LOCAL_IAM_KEYS).
pub const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

pub fn iam_env() -> String {
    format!("{KEY_ID}:{SECRET}")
}

/// `sesform local` from [`SPEC`], logging in with the test key, plus `extra` options.
pub fn start(dir: &TestDir, extra: &[&str]) -> LocalSes {
    dir.write("sesform.yaml", SPEC);
    let iam = iam_env();
    let mut args = vec!["--spec", "sesform.yaml"];
    args.extend_from_slice(extra);
    LocalSes::start_env(dir, &args, &[("SESFORM_LOCAL_IAM_KEYS", &iam)])
}

/// Sends a small message from `from` to `to` on a logged-in connection: the final reply.
async fn send_one(conn: &mut Connection, from: &str, to: &str) -> sesform::smtp::reply::Reply {
    conn.send_message(from, &[to], &mail(from, to, ""))
        .await
        .expect("send")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Connected, STARTTLS done, EHLO'd; not logged in.
async fn tls_session(local: &LocalSes) -> Connection {
    let pem = std::fs::read(&local.ca).expect("CA written");
    let roots = client::pem_certificates(&pem).expect("ca");
    let config = client::tls_config(&roots, false).expect("tls config");
    let mut conn = Connection::connect("127.0.0.1", local.smtp_port, Duration::from_secs(5))
        .await
        .expect("connect");
    assert_eq!(conn.read_reply().await.expect("greeting").code, 220);
    assert_eq!(conn.command("EHLO test").await.expect("ehlo").code, 250);
    assert_eq!(conn.command("STARTTLS").await.expect("starttls").code, 220);
    let mut conn = conn.start_tls(config, "localhost").await.expect("tls");
    assert_eq!(conn.command("EHLO test").await.expect("ehlo").code, 250);
    conn
}

async fn logged_in(local: &LocalSes) -> Connection {
    let mut conn = tls_session(local).await;
    let password = Secret::new(smtp_password(SECRET, "eu-west-1"));
    let reply = conn
        .auth(AuthMechanism::Plain, KEY_ID, &password)
        .await
        .expect("auth");
    assert_eq!(reply.code, 235, "{reply:?}");
    conn
}

fn mail(from: &str, to: &str, extra: &str) -> String {
    format!("From: {from}\r\nTo: {to}\r\nSubject: test {to}\r\n{extra}\r\nHello.\r\n")
}

fn text(reply: &sesform::smtp::reply::Reply) -> String {
    format!("{} {}", reply.code, reply.lines.join(" "))
}

#[test]
fn starts_from_a_spec_writes_credentials_and_stops_on_sigterm() {
    let dir = TestDir::new();
    dir.write("sesform.yaml", SPEC);
    let local = LocalSes::start(&dir, &["--spec", "sesform.yaml"]);
    let env = dir.read("app.env");
    assert!(env.contains("MAIL_HOST=\"127.0.0.1\""), "{env}");
    assert!(
        env.contains(&format!("MAIL_PORT=\"{}\"", local.smtp_port)),
        "{env}"
    );
    assert!(env.contains("MAIL_USERNAME=\"AKIA"), "{env}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("app.env"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(
        std::fs::read_to_string(&local.ca)
            .unwrap()
            .contains("BEGIN CERTIFICATE")
    );
    // The SESv2 side holds the spec: the identity, verified, with its default set.
    let (status, body) = http(&local.api, "GET", "/v2/email/identities/example.com", "");
    assert_eq!(status, 200, "{body}");
    let identity: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(identity["VerificationStatus"], "SUCCESS");
    assert_eq!(identity["ConfigurationSetName"], "transactional");
    let (status, body) = http(
        &local.api,
        "GET",
        "/v2/email/configuration-sets/transactional/event-destinations",
        "",
    );
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("arn:aws:sns:eu-west-1:123456789012:ses-events"),
        "{body}"
    );

    // The written credentials work over SMTP; the password never shows on standard error.
    let password = env
        .lines()
        .find_map(|l| l.strip_prefix("MAIL_PASSWORD=\""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap()
        .to_string();
    let user = env
        .lines()
        .find_map(|l| l.strip_prefix("MAIL_USERNAME=\""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap()
        .to_string();
    runtime().block_on(async {
        // The implicit-TLS port: TLS from the first byte, then SES's greeting.
        let pem = std::fs::read(&local.ca).unwrap();
        let roots = client::pem_certificates(&pem).unwrap();
        let config = client::tls_config(&roots, false).unwrap();
        let conn = Connection::connect("127.0.0.1", local.smtps_port, Duration::from_secs(5))
            .await
            .unwrap();
        let mut conn = conn.start_tls(config, "localhost").await.unwrap();
        assert_eq!(conn.read_reply().await.unwrap().code, 220);

        let mut conn = tls_session(&local).await;
        let reply = conn
            .auth(AuthMechanism::Login, &user, &Secret::new(password.clone()))
            .await
            .unwrap();
        assert_eq!(reply.code, 235, "{reply:?}");
        let reply = send_one(&mut conn, "app@example.com", "ops@example.com").await;
        assert_eq!(reply.code, 250, "{reply:?}");
        // The user's policy allows `*@example.com` only, as apply's IAM policy does.
        let reply = send_one(&mut conn, "boss@example.org", "ops@example.com").await;
        assert_eq!(
            text(&reply),
            "554 Access denied: User `arn:aws:iam::123456789012:user/sesform/app' is not \
             authorized to perform `ses:SendRawEmail' on resource \
             `arn:aws:ses:eu-west-1:123456789012:identity/example.org'"
        );
    });
    let (code, stderr) = local.stop();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("stopped:"), "{stderr}");
    assert!(!stderr.contains(&password), "{stderr}");
}

#[test]
fn smtp_answers_as_ses() {
    let dir = TestDir::new();
    let local = start(
        &dir,
        &[
            "--max-messages",
            "3",
            "--idle-timeout",
            "2",
            "--max-message-bytes",
            "4096",
        ],
    );
    runtime().block_on(async {
        // No AUTH or MAIL before TLS.
        let mut plain = Connection::connect("127.0.0.1", local.smtp_port, Duration::from_secs(5))
            .await
            .unwrap();
        plain.read_reply().await.unwrap();
        plain.command("EHLO test").await.unwrap();
        let reply = plain.command("AUTH LOGIN").await.unwrap();
        assert_eq!(text(&reply), "530 Must issue a STARTTLS command first");
        let reply = plain.command("MAIL FROM:<app@example.com>").await.unwrap();
        assert_eq!(reply.code, 530);

        // The raw IAM secret is not the SMTP password.
        let mut conn = tls_session(&local).await;
        let reply = conn
            .auth(AuthMechanism::Plain, KEY_ID, &Secret::new(SECRET))
            .await
            .unwrap();
        assert_eq!(text(&reply), "535 Authentication Credentials Invalid");

        let mut conn = logged_in(&local).await;
        let to = "success@simulator.amazonses.com";
        let reply = conn
            .send_message("nobody@other.org", &[to], &mail("nobody@other.org", to, ""))
            .await
            .unwrap();
        assert_eq!(
            text(&reply),
            "554 Message rejected: Email address is not verified. The following identities \
             failed the check in region EU-WEST-1: nobody@other.org"
        );
        let reply = conn
            .send_message(
                "app@example.com",
                &[to],
                &mail("app@example.com", to, "X-SES-CONFIGURATION-SET: nope\r\n"),
            )
            .await
            .unwrap();
        assert_eq!(
            text(&reply),
            "554 Configuration Set does not exist: Configuration set <nope> does not exist."
        );
        let big = "x".repeat(5000);
        let reply = conn
            .send_message(
                "app@example.com",
                &[to],
                &mail("app@example.com", to, &format!("X-Big: {big}\r\n")),
            )
            .await
            .unwrap();
        assert_eq!(reply.code, 552, "{reply:?}");
        // Three accepted messages, then the session cap.
        for simulator in ["success", "bounce", "complaint"] {
            let to = format!("{simulator}@simulator.amazonses.com");
            let reply = conn
                .send_message("app@example.com", &[&to], &mail("app@example.com", &to, ""))
                .await
                .unwrap();
            assert_eq!(reply.code, 250, "{reply:?}");
        }
        let reply = conn.command("MAIL FROM:<app@example.com>").await.unwrap();
        assert_eq!(
            text(&reply),
            "421 Connection closed by server. Maximum message count per session reached."
        );
        assert!(conn.read_reply().await.is_err(), "closed after 421");

        // Idle past the timeout: 451 and a close (the read waits for it).
        let mut idle = logged_in(&local).await;
        let reply = idle.read_reply().await.unwrap();
        assert_eq!(
            text(&reply),
            "451 4.4.2 Timeout waiting for data from client."
        );
        assert!(idle.read_reply().await.is_err(), "closed after 451");
    });

    // What happened, as recorded: events per the simulator and the set's destinations.
    let messages = local.messages();
    let accepted: Vec<_> = messages
        .iter()
        .filter(|m| m["status"] == "accepted")
        .collect();
    assert_eq!(accepted.len(), 3, "{messages:#?}");
    let types = |m: &serde_json::Value| -> Vec<String> {
        m["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(types(accepted[0]), ["Send", "Delivery"]);
    assert_eq!(types(accepted[1]), ["Send", "Bounce"]);
    assert_eq!(types(accepted[2]), ["Send", "Delivery", "Complaint"]);
    let bounce = &accepted[1]["events"][1];
    assert_eq!(bounce["event"]["bounce"]["bounceType"], "Permanent");
    assert_eq!(
        bounce["destinations"],
        serde_json::json!(["transactional/to-bus", "transactional/to-sns"])
    );
    assert_eq!(accepted[1]["configuration_set"], "transactional");
    assert_eq!(accepted[1]["user"], KEY_ID);
    assert!(
        accepted[1]["transcript"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l == "AUTH 235"),
        "{:?}",
        accepted[1]["transcript"]
    );
    let rejected: Vec<_> = messages
        .iter()
        .filter(|m| m["status"] == "rejected")
        .collect();
    assert_eq!(rejected.len(), 2, "{messages:#?}");
    // DELETE clears the record.
    let (status, _) = http(&local.api, "DELETE", "/_local/messages", "");
    assert_eq!(status, 200);
    assert!(local.messages().is_empty());
}

#[test]
fn sandbox_recipients_quota_and_suppression() {
    let dir = TestDir::new();
    let local = start(&dir, &["--sandbox", "on", "--max-24-hour-send", "3"]);
    let from = "app@example.com";
    runtime().block_on(async {
        let mut conn = logged_in(&local).await;
        let reply = send_one(&mut conn, from, "someone@gmail.com").await;
        assert_eq!(
            text(&reply),
            "554 Message rejected: Email address is not verified. The following identities \
             failed the check in region EU-WEST-1: someone@gmail.com"
        );
        // Verified recipients are fine in the sandbox, at 1 a second: two at once are not.
        let two = ["ops@example.com", "team@example.com"];
        let both = mail(from, &two.join(", "), "");
        let reply = conn.send_message(from, &two, &both).await.unwrap();
        assert_eq!(
            text(&reply),
            "454 Throttling failure: Maximum sending rate exceeded."
        );
        let reply = send_one(&mut conn, from, "ops@example.com").await;
        assert_eq!(reply.code, 250, "{reply:?}");
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let reply = send_one(&mut conn, from, "ops@example.com").await;
        assert_eq!(reply.code, 250, "{reply:?}");
        // 2 sent, 3 a day: two more recipients are over the quota.
        let reply = conn.send_message(from, &two, &both).await.unwrap();
        assert_eq!(
            text(&reply),
            "454 Throttling failure: Daily message quota exceeded."
        );
        // The simulator works in the sandbox and does not count against the quota.
        let reply = send_one(&mut conn, from, "suppressionlist@simulator.amazonses.com").await;
        assert_eq!(reply.code, 250, "{reply:?}");
    });
    let messages = local.messages();
    let last = messages.last().unwrap();
    assert_eq!(
        last["events"][1]["event"]["bounce"]["bounceSubType"],
        "Suppressed"
    );
}

#[test]
fn send_email_over_the_api_takes_the_same_path() {
    let dir = TestDir::new();
    dir.write("sesform.yaml", SPEC);
    let local = LocalSes::start(&dir, &["--spec", "sesform.yaml"]);
    // The account-level suppression list: a listed address bounces, OnAccountSuppressionList.
    let put = |path: &str, body: &str| {
        let (status, answer) = http(&local.api, "PUT", path, body);
        assert_eq!(status, 200, "{answer}");
    };
    put(
        "/v2/email/account/suppression",
        r#"{"SuppressedReasons": ["BOUNCE"]}"#,
    );
    put(
        "/v2/email/suppression/addresses",
        r#"{"EmailAddress": "gone@example.org", "Reason": "BOUNCE"}"#,
    );
    let (status, body) = local.send_email("app@example.com", "gone@example.org", "Hi");
    assert_eq!(status, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    let message_id = answer["MessageId"].as_str().unwrap();
    let (status, body) = local.send_email("app@other.org", "a@example.org", "Hi");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("MessageRejected"), "{body}");
    let messages = local.messages();
    assert_eq!(messages[0]["channel"], "api");
    assert_eq!(messages[0]["message_id"], message_id);
    let bounce = &messages[0]["events"][1]["event"];
    assert_eq!(
        bounce["bounce"]["bounceSubType"],
        "OnAccountSuppressionList"
    );
    assert_eq!(bounce["mail"]["commonHeaders"]["subject"], "Hi");
    assert_eq!(
        bounce["mail"]["tags"]["ses:configuration-set"],
        serde_json::json!(["transactional"])
    );
}

/// With `--sns-endpoint` and `--events-endpoint` (moto_server here), the configuration set's
/// destinations get the events: SNS `Publish` of the event JSON to the topic, EventBridge
/// `PutEvents` with `source: aws.ses` on the default bus.
#[test]
fn events_are_published_to_sns_and_eventbridge() {
    let dir = TestDir::new();
    let recording = dir.join("moto-recording.jsonl");
    let moto = crate::util::moto::Moto::start_with(&[
        ("MOTO_ENABLE_RECORDING", "true"),
        ("MOTO_RECORDER_FILEPATH", recording.to_str().unwrap()),
    ]);
    // The spec's topic is created in moto at start.
    dir.write("sesform.yaml", SPEC);
    let iam = iam_env();
    let url = moto.endpoint_url();
    let local = LocalSes::start_env(
        &dir,
        &[
            "--spec",
            "sesform.yaml",
            "--sns-endpoint",
            &url,
            "--events-endpoint",
            &url,
        ],
        &[("SESFORM_LOCAL_IAM_KEYS", &iam)],
    );
    let to = "bounce@simulator.amazonses.com";
    runtime().block_on(async {
        let mut conn = logged_in(&local).await;
        let reply = conn
            .send_message("app@example.com", &[to], &mail("app@example.com", to, ""))
            .await
            .unwrap();
        assert_eq!(reply.code, 250, "{reply:?}");
    });
    let message_id = local.messages()[0]["message_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut publishes = 0;
    let mut put_events = 0;
    for _ in 0..100 {
        let bodies = recorded_bodies(&recording);
        let lines: Vec<&String> = bodies.iter().filter(|l| l.contains(&message_id)).collect();
        publishes = lines
            .iter()
            .filter(|l| l.contains("Action=Publish"))
            .count();
        put_events = lines
            .iter()
            .filter(|l| l.contains("AWSEvents.PutEvents"))
            .count();
        if publishes == 2 && put_events == 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // SNS selects Send and Bounce (Delivery does not happen for bounce@), EventBridge Bounce.
    let bodies = recorded_bodies(&recording);
    assert_eq!((publishes, put_events), (2, 1), "{bodies:#?}");
    let put = bodies
        .iter()
        .find(|b| b.starts_with("AWSEvents.PutEvents"))
        .unwrap();
    let put: serde_json::Value = serde_json::from_str(put.split_once('\n').unwrap().1).unwrap();
    let entry = &put["Entries"][0];
    assert_eq!(entry["Source"], "aws.ses");
    assert_eq!(entry["DetailType"], "Email Bounced");
    assert_eq!(
        entry["EventBusName"],
        "arn:aws:events:eu-west-1:123456789012:event-bus/default"
    );
    let detail: serde_json::Value =
        serde_json::from_str(entry["Detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["bounce"]["bounceType"], "Permanent");
    assert_eq!(detail["mail"]["messageId"], message_id.as_str());
    // The record says what each endpoint answered.
    let mut published = Vec::new();
    for _ in 0..50 {
        published = local.messages()[0]["events"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|e| e["published"].as_array().unwrap().clone())
            .collect();
        if published.len() == 3 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(published.len(), 3, "{published:#?}");
    assert!(
        published.iter().all(|p| p["status"] == 200),
        "{published:#?}"
    );
}

/// Each request moto recorded, as `TARGET\nBODY` (TARGET `form` for query-protocol calls),
/// the body decoded.
fn recorded_bodies(recording: &std::path::Path) -> Vec<String> {
    use base64::Engine;
    let text = std::fs::read_to_string(recording).unwrap_or_default();
    text.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .map(|request| {
            let body = request["body"].as_str().unwrap_or_default();
            let body = if request["body_encoded"] == true {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(body)
                    .unwrap_or_default();
                String::from_utf8_lossy(&bytes).into_owned()
            } else {
                body.to_string()
            };
            let target = request["headers"]["X-Amz-Target"]
                .as_str()
                .unwrap_or("form");
            // Query-protocol bodies are form-encoded: decode them so ids read as they are.
            let body = if target == "form" {
                form_urlencoded::parse(body.as_bytes())
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("&")
            } else {
                body
            };
            format!("{target}\n{body}")
        })
        .collect()
}

/// Without a spec, `--verified all` accepts every sender; `smtp serve` is `local` with one
/// SMTP endpoint, no spec and the same replies.
#[test]
fn without_a_spec_and_as_smtp_serve() {
    let dir = TestDir::new();
    let local = LocalSes::start(&dir, &["--user", "tester:BTestPasswordTestPassword"]);
    let login = |port: u16, ca: String| async move {
        let pem = std::fs::read(ca).unwrap();
        let roots = client::pem_certificates(&pem).unwrap();
        let config = client::tls_config(&roots, false).unwrap();
        let mut conn = Connection::connect("127.0.0.1", port, Duration::from_secs(5))
            .await
            .unwrap();
        conn.read_reply().await.unwrap();
        conn.command("EHLO test").await.unwrap();
        assert_eq!(conn.command("STARTTLS").await.unwrap().code, 220);
        let mut conn = conn.start_tls(config, "localhost").await.unwrap();
        conn.command("EHLO test").await.unwrap();
        let password = Secret::new("BTestPasswordTestPassword");
        let reply = conn
            .auth(AuthMechanism::Plain, "tester", &password)
            .await
            .unwrap();
        assert_eq!(reply.code, 235, "{reply:?}");
        conn
    };
    runtime().block_on(async {
        let mut conn = login(local.smtp_port, local.ca.clone()).await;
        let reply = send_one(&mut conn, "anyone@anywhere.test", "someone@else.test").await;
        assert_eq!(reply.code, 250, "{reply:?}");
    });
    assert_eq!(local.messages().len(), 1);

    let mut serve = dir
        .sesform()
        .args(["smtp", "serve", "--port", "0", "--ca-out", "serve-ca.pem"])
        .args([
            "--user",
            "tester:BTestPasswordTestPassword",
            "--max-messages",
            "1",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(serve.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let port: u16 = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("smtp=127.0.0.1:"))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(!line.contains("smtps="), "one endpoint: {line}");
    runtime().block_on(async {
        let mut conn = login(port, dir.join("serve-ca.pem").display().to_string()).await;
        let reply = send_one(&mut conn, "anyone@anywhere.test", "someone@else.test").await;
        assert_eq!(reply.code, 250, "{reply:?}");
        let reply = conn
            .command("MAIL FROM:<anyone@anywhere.test>")
            .await
            .unwrap();
        assert_eq!(reply.code, 421, "{reply:?}");
    });
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &serve.id().to_string()])
        .status();
    assert!(serve.wait().unwrap().success());
}

/// It cannot start: a bad option value, another region than the spec's, a port in use. Each
/// exits 1 with the reason, before printing a readiness line.
#[test]
fn refuses_to_start_with_exit_1() {
    let dir = TestDir::new();
    dir.write("sesform.yaml", SPEC);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    for (args, reason) in [
        (vec!["--idle-timeout", "0"], "--idle-timeout"),
        (
            vec!["--spec", "sesform.yaml", "--region", "us-west-2"],
            "a spec manages one region",
        ),
        (
            vec!["--smtp-port", port.as_str()],
            "starting SMTP (STARTTLS)",
        ),
        (
            vec!["--sns-endpoint", "https://sns.amazonaws.com"],
            "http://",
        ),
    ] {
        let run = crate::util::Run::of(
            dir.sesform()
                .args(["local", "--api-port", "0", "--smtps-port", "0"])
                .args(&args),
        );
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
        assert!(run.stderr.contains(reason), "{args:?}: {run:?}");
        assert!(run.stdout.is_empty(), "{args:?}: {run:?}");
    }
}

/// `--verified none` leaves the spec's identities pending, so SES refuses their mail; a list
/// names the ones that start verified.
#[test]
fn verified_none_and_a_list() {
    for (verified, code) in [("none", 554), ("example.com", 250)] {
        let dir = TestDir::new();
        let local = start(&dir, &["--verified", verified]);
        let (status, body) = http(&local.api, "GET", "/v2/email/identities/example.com", "");
        assert_eq!(status, 200, "{body}");
        let expected = if code == 250 { "SUCCESS" } else { "PENDING" };
        assert!(body.contains(expected), "{verified}: {body}");
        runtime().block_on(async {
            let mut conn = logged_in(&local).await;
            let to = "success@simulator.amazonses.com";
            let reply = send_one(&mut conn, "app@example.com", to).await;
            assert_eq!(reply.code, code, "{verified}: {reply:?}");
        });
    }
}
