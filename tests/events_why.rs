//! `sesform events tail` and `sesform why` against the emulators: mail goes in through the
//! SESv2 emulator (SendEmail, and SMTP), its events go to moto's EventBridge and on to a
//! CloudWatch Logs group, and the real `sesform` binary reads them back.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sesform::emulator::AccountPatch;
use sesform::emulator::sending::RecipientOutcome;

use crate::util::aws::REGION;
use crate::util::events::{EventLog, SET};

const SUCCESS: &str = "success@simulator.amazonses.com";
const BOUNCE: &str = "bounce@simulator.amazonses.com";
const COMPLAINT: &str = "complaint@simulator.amazonses.com";

fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn types(lines: &[serde_json::Value]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l["type"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn tail_filters_by_type_recipient_message_and_set_pages_and_prints_json_lines() {
    let log = EventLog::start();
    log.set_with_log_destination("other");
    let delivered = log.send(SUCCESS, Some(SET));
    let bounced = log.send(BOUNCE, Some(SET));
    log.send(COMPLAINT, Some(SET));
    let over_smtp = log.send_smtp(SUCCESS, SET);
    log.send(SUCCESS, Some("other"));
    // Send+Delivery, Send+Bounce, Send+Delivery+Complaint, Send+Delivery (SMTP), Send+Delivery.
    log.wait_logged(11);

    let run = log.sesform(&["events", "tail", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let all = json_lines(&run.stdout);
    assert_eq!(all.len(), 11, "{run:?}");

    let run = log.sesform(&["events", "tail", "--type", "bounce", "--format", "json"]);
    let bounces = json_lines(&run.stdout);
    assert_eq!(types(&bounces), ["Bounce"], "{run:?}");
    assert_eq!(bounces[0]["message_id"], bounced.as_str());
    assert_eq!(bounces[0]["recipients"][0], BOUNCE);
    assert_eq!(bounces[0]["bounce"]["type"], "Permanent");
    assert_eq!(bounces[0]["bounce"]["subtype"], "General");
    assert_eq!(
        bounces[0]["bounce"]["diagnostic_code"],
        "smtp; 550 5.1.1 user unknown"
    );
    assert_eq!(bounces[0]["configuration_set"], SET);
    assert_eq!(bounces[0]["sender"], "app@example.com");

    let run = log.sesform(&[
        "events",
        "tail",
        "--type",
        "delivery,complaint",
        "--format",
        "json",
    ]);
    let mut kinds = types(&json_lines(&run.stdout));
    kinds.sort();
    assert_eq!(
        kinds,
        ["Complaint", "Delivery", "Delivery", "Delivery", "Delivery"]
    );

    let run = log.sesform(&[
        "events",
        "tail",
        "--recipient",
        COMPLAINT,
        "--format",
        "json",
    ]);
    let complaint = json_lines(&run.stdout);
    assert_eq!(
        types(&complaint),
        ["Send", "Delivery", "Complaint"],
        "{run:?}"
    );
    assert_eq!(complaint[2]["complaint"]["feedback_type"], "abuse");

    let run = log.sesform(&[
        "events",
        "tail",
        "--message-id",
        &delivered,
        "--format",
        "json",
    ]);
    assert_eq!(
        types(&json_lines(&run.stdout)),
        ["Send", "Delivery"],
        "{run:?}"
    );

    let run = log.sesform(&["events", "tail", "--set", "other", "--format", "json"]);
    let other = json_lines(&run.stdout);
    assert_eq!(types(&other), ["Send", "Delivery"], "{run:?}");
    assert!(other.iter().all(|l| l["configuration_set"] == "other"));

    // SMTP goes through the same send path: the same events, in the same shape.
    let run = log.sesform(&[
        "events",
        "tail",
        "--message-id",
        &over_smtp,
        "--format",
        "json",
    ]);
    let smtp = json_lines(&run.stdout);
    assert_eq!(types(&smtp), ["Send", "Delivery"], "{run:?}");
    assert_eq!(smtp[1]["recipients"][0], SUCCESS);
    assert_eq!(smtp[1]["subject"], "Over SMTP");

    // More events than one page: every page is read, nothing twice.
    let run = log.sesform(&[
        "events",
        "tail",
        "--page-size",
        "2",
        "--format",
        "json",
        "-v",
    ]);
    assert_eq!(json_lines(&run.stdout).len(), 11, "{run:?}");
    assert!(run.stderr.contains("Read 6 page(s)"), "{run:?}");

    // People: one line per event with the bounce's type and diagnostic code.
    let run = log.sesform(&["events", "tail", "--type", "bounce"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.lines().count(), 1, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "Bounce             {bounced}  app@example.com -> {BOUNCE}  Permanent/General (smtp; 550 5.1.1 user unknown)"
        )),
        "{run:?}"
    );

    // A missing log group says what to do.
    let run = log.sesform(&["events", "tail", "--stack", "nope"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("/aws/events/sesform/nope does not exist")
            && run.stderr.contains("event_log"),
        "{run:?}"
    );
}

/// `--follow` prints what arrives while it follows, and ends with exit 0 on SIGINT and on
/// SIGTERM.
#[test]
fn tail_follow_prints_new_events_and_ends_cleanly_on_sigint_and_sigterm() {
    let log = EventLog::start();
    for signal in ["-INT", "-TERM"] {
        let mut cmd = log.dir.sesform();
        log.aws
            .configure(&mut cmd)
            .env("AWS_REGION", REGION)
            .args([
                "events", "tail", "--follow", "--format", "json", "--type", "delivery",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start sesform");
        let stdout = child.stdout.take().unwrap();
        let (lines, received) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        std::thread::sleep(Duration::from_millis(1500));
        let id = log.send(SUCCESS, Some(SET));
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = false;
        while !seen && Instant::now() < deadline {
            if let Ok(line) = received.recv_timeout(Duration::from_millis(200)) {
                let event: serde_json::Value = serde_json::from_str(&line).unwrap();
                seen = event["message_id"] == id.as_str();
            }
        }
        assert!(
            seen,
            "{signal}: the delivery of {id} was not printed while following"
        );
        let status = std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{signal}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

fn why(log: &EventLog, args: &[&str]) -> (crate::util::Run, serde_json::Value) {
    let mut human_args = vec!["why"];
    human_args.extend_from_slice(args);
    let human = log.sesform(&human_args);
    human_args.extend(["--format", "json"]);
    let json = log.sesform(&human_args);
    assert_eq!(json.code, human.code, "{json:?}");
    let value = serde_json::from_str(&json.stdout).unwrap_or_else(|e| panic!("{e}: {json:?}"));
    (human, value)
}

fn verdict(run: &crate::util::Run) -> String {
    run.stdout
        .lines()
        .find_map(|l| l.strip_prefix("Verdict: "))
        .unwrap_or_else(|| panic!("no verdict: {run:?}"))
        .to_string()
}

#[test]
fn why_explains_each_verdict() {
    let log = EventLog::start();
    let gone = "gone@example.org";
    log.aws
        .control()
        .set_recipient_outcome(REGION, gone, Some(RecipientOutcome::Bounce));
    log.bare_set("quiet");
    log.send(SUCCESS, Some(SET));
    log.send(BOUNCE, Some(SET));
    log.send(COMPLAINT, Some(SET));
    let first = log.send(gone, Some(SET));
    log.send("success+quiet@simulator.amazonses.com", Some("quiet"));
    log.wait_logged(9);
    // The hard bounce listed the address; the next send is the suppressed bounce.
    log.send(gone, Some(SET));
    log.wait_logged(11);

    // Delivered.
    let (run, json) = why(&log, &[SUCCESS]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        verdict(&run).starts_with("Delivered to the recipient's server at "),
        "{run:?}"
    );
    assert_eq!(json["verdict"]["outcome"], "delivered");
    assert_eq!(
        json["steps"][1]["status"], "ok",
        "the sender from the events: {json}"
    );
    assert_eq!(json["steps"][2]["status"], "ok");
    assert_eq!(json["timeline"][0]["type"], "Delivery");

    // Hard bounce (the simulator's bounce@ is never suppressed).
    let (run, json) = why(&log, &[BOUNCE]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        verdict(&run).starts_with("Hard bounce on ")
            && verdict(&run).ends_with("Permanent/General (550 5.1.1 user unknown)."),
        "{run:?}"
    );
    assert_eq!(json["steps"][3]["status"], "ok", "{json}");

    // The knob's address: hard bounce, then suppressed, with the command that removes it.
    let (run, json) = why(&log, &[gone]);
    assert_eq!(run.code, 1, "{run:?}");
    let today = &json["timeline"][0]["time"].as_str().unwrap()[..10];
    assert_eq!(
        verdict(&run),
        format!("Suppressed: hard bounce on {today} (550 5.1.1 user unknown).")
    );
    assert_eq!(
        json["timeline"][0]["bounce"]["subtype"],
        "OnAccountSuppressionList"
    );
    assert_eq!(json["steps"][3]["status"], "problem");
    assert!(
        json["steps"][3]["evidence"][0]
            .as_str()
            .unwrap()
            .contains(&first),
        "the message that listed it: {json}"
    );
    assert!(
        run.stdout.contains(&format!(
            "aws sesv2 delete-suppressed-destination --email-address {gone} --region {REGION}"
        )),
        "{run:?}"
    );

    // Complaint.
    let (run, json) = why(&log, &[COMPLAINT]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        verdict(&run).starts_with("Delivered, then the recipient complained on "),
        "{run:?}"
    );
    assert_eq!(json["verdict"]["outcome"], "not_delivered");

    // A set without destinations: no record, and the snippet that adds one.
    let (run, json) = why(
        &log,
        &[
            "nobody@example.org",
            "--set",
            "quiet",
            "--from",
            "app@example.com",
        ],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        verdict(&run),
        "No record: the set `quiet` publishes no events; add it to the spec's `event_log` and apply."
    );
    let next = json["steps"][2]["next"].as_str().unwrap();
    assert!(
        next.contains("event_log:\n  retention_days: 30\n  configuration_sets: [quiet]"),
        "{next}"
    );

    // An unknown sender identity.
    let (run, _) = why(
        &log,
        &["nobody@example.org", "--from", "app@unknown.example"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        verdict(&run),
        format!("Not sent: no identity in {REGION} covers app@unknown.example.")
    );

    // The sandbox: SES refuses the send, and why says so.
    log.aws
        .control()
        .set_account(REGION, AccountPatch::sandbox());
    let refused = log.try_send("stranger@example.net", Some(SET)).unwrap_err();
    assert!(refused.contains("MessageRejected"), "{refused}");
    let (run, json) = why(&log, &["stranger@example.net", "--from", "app@example.com"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        verdict(&run),
        "Not sent: the account is in the sandbox and stranger@example.net is not verified."
    );
    assert_eq!(json["steps"][0]["status"], "problem");

    // No event log at all: nothing to decide on.
    log.aws
        .control()
        .set_account(REGION, AccountPatch::production());
    let (run, _) = why(
        &log,
        &[
            "nobody@example.org",
            "--from",
            "app@example.com",
            "--set",
            SET,
            "--log-group",
            "/none",
        ],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(verdict(&run), "No record: there is no event log (/none).");
    assert!(!run.all().contains("test-secret"));
}

/// Reject (a recipient knob: the content carries a virus), DeliveryDelay (a knob) and
/// Rendering Failure (a template whose data lacks a variable), from the emulator through
/// EventBridge and CloudWatch Logs to `events tail --type` and `why`.
#[test]
fn tail_and_why_cover_reject_delay_and_rendering_failure() {
    let log = EventLog::start();
    let (virus, slow, broken) = (
        "virus@example.org",
        "slow@example.org",
        "broken@example.org",
    );
    let control = log.aws.control();
    control.set_recipient_outcome(REGION, virus, Some(RecipientOutcome::Reject));
    control.set_recipient_outcome(REGION, slow, Some(RecipientOutcome::Delay));
    log.template("welcome", "Hi {{name}}", "Your order {{order.id}}");
    let rejected = log.send(virus, Some(SET));
    let delayed = log.send(slow, Some(SET));
    let failed = log.send_template(broken, SET, "welcome", r#"{"name": "Ana"}"#);
    // Send+Reject, Send+DeliveryDelay, Send+Rendering Failure.
    log.wait_logged(6);

    let tail = |kind: &str| {
        let run = log.sesform(&["events", "tail", "--type", kind, "--format", "json"]);
        assert_eq!(run.code, 0, "{run:?}");
        json_lines(&run.stdout)
    };
    let reject = tail("reject");
    assert_eq!(types(&reject), ["Reject"]);
    assert_eq!(reject[0]["message_id"], rejected.as_str());
    assert_eq!(reject[0]["reject_reason"], "Bad content");
    assert_eq!(reject[0]["recipients"], serde_json::json!([virus]));

    let delay = tail("delivery-delay");
    assert_eq!(types(&delay), ["DeliveryDelay"]);
    assert_eq!(delay[0]["message_id"], delayed.as_str());
    assert_eq!(delay[0]["recipients"], serde_json::json!([slow]));
    assert_eq!(delay[0]["delay"]["reason"], "TransientCommunicationFailure");
    assert_eq!(
        delay[0]["delay"]["diagnostic_code"],
        "smtp; 421 4.4.1 Unable to connect to remote host"
    );

    let failure = tail("rendering-failure");
    assert_eq!(types(&failure), ["Rendering Failure"]);
    assert_eq!(failure[0]["message_id"], failed.as_str());
    assert_eq!(failure[0]["recipients"], serde_json::json!([broken]));
    assert_eq!(failure[0]["rendering_failure"]["template"], "welcome");
    assert_eq!(
        failure[0]["rendering_failure"]["error"],
        "Attribute 'order.id' is not present in the rendering data."
    );

    // Nothing was delivered to any of them.
    let run = log.sesform(&["events", "tail", "--type", "delivery", "--format", "json"]);
    assert_eq!(json_lines(&run.stdout).len(), 0, "{run:?}");

    // why: each is a cause found, not delivered (exit 1).
    let (run, json) = why(&log, &[virus]);
    assert_eq!(run.code, 1, "{run:?}");
    let time = json["timeline"][0]["time"].as_str().unwrap().to_string();
    assert_eq!(
        verdict(&run),
        format!("Rejected by SES on {time}: Bad content.")
    );
    assert_eq!(json["verdict"]["outcome"], "not_delivered");
    assert_eq!(json["timeline"][0]["type"], "Reject");

    let (run, json) = why(&log, &[slow]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        verdict(&run).starts_with("Delayed since ")
            && verdict(&run).contains("TransientCommunicationFailure")
            && verdict(&run).ends_with("SES retries until the message expires."),
        "{run:?}"
    );
    assert_eq!(json["verdict"]["outcome"], "not_delivered");

    let (run, json) = why(&log, &[broken]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        verdict(&run).starts_with("Not sent: the template failed to render on ")
            && verdict(&run).contains("welcome")
            && verdict(&run).contains("Attribute 'order.id' is not present"),
        "{run:?}"
    );
    assert_eq!(json["verdict"]["outcome"], "not_delivered");
    assert_eq!(json["timeline"][0]["type"], "Rendering Failure");
}

/// 0, 1 and 2 are verdicts; a diagnosis that could not be made (an unreachable endpoint, a bad
/// flag) exits 3, so a script never reads an error as "not delivered".
#[test]
fn why_exits_3_when_it_cannot_diagnose() {
    let dir = crate::util::TestDir::new();
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let run = crate::util::Run::of(
        dir.sesform()
            .env("AWS_ACCESS_KEY_ID", "AKIATESTTESTTESTTEST")
            .env("AWS_SECRET_ACCESS_KEY", "test-secret")
            .env("AWS_ENDPOINT_URL", &closed)
            .args(["why", SUCCESS, "--region", REGION, "--max-attempts", "1"]),
    );
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("error:"), "{run:?}");
    let run = crate::util::Run::of(dir.sesform().args(["why", SUCCESS, "--since", "soon"]));
    assert_eq!(run.code, 3, "{run:?}");
}
