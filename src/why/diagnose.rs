//! Facts -> steps and a verdict, without I/O. The steps are always the same five, in order
//! (account, sender, configuration set, suppression list, event history); the verdict takes
//! the newest event about the recipient when there is one, else the first thing that would
//! stop the mail, else "no record".

use super::facts::{Facts, IdentityFacts, SetSource};
use super::{Diagnosis, Outcome, Question, Status, Step, Verdict};
use crate::aws::rfc3339;
use crate::events::{EventKind, EventRecord};
use crate::model::{EventBus, EventType, SandboxStatus, Target};

/// The event types a destination must publish for `why` to see a message's fate.
const FATE: [&str; 4] = ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT"];

/// Whether a destination publishes an event that tells a message's fate.
fn publishes_fate(d: &crate::model::EventDestinationState) -> bool {
    FATE.iter().any(|e| d.events.contains(&EventType::from(*e)))
}

/// The spec snippet that makes a set publish its events to the event log.
fn destination_snippet(set: &str) -> String {
    format!(
        "log the set's events: add it to the spec's event log, then `sesform apply`:\n\
         event_log:\n  retention_days: 30\n  configuration_sets: [{set}]   # or `all`"
    )
}

fn step(check: &'static str, status: Status, summary: impl Into<String>) -> Step {
    Step {
        check,
        status,
        summary: summary.into(),
        evidence: Vec::new(),
        next: None,
    }
}

pub fn diagnose(question: Question, facts: &Facts) -> Diagnosis {
    let timeline = facts.history.clone().unwrap_or_default();
    let steps = vec![
        account_step(&question, facts),
        sender_step(&question, facts),
        set_step(&question, facts),
        suppression_step(&question, facts),
        history_step(&question, facts),
    ];
    let verdict = verdict(&question, facts, &steps);
    Diagnosis {
        question,
        steps,
        timeline,
        verdict,
    }
}

fn account_step(q: &Question, facts: &Facts) -> Step {
    let account = &facts.account;
    let mut evidence = vec![format!(
        "sending enabled: {}",
        account.state.sending_enabled.unwrap_or(true)
    )];
    let enforcement = account.enforcement_status.as_deref().unwrap_or("HEALTHY");
    evidence.push(format!("enforcement status: {enforcement}"));
    let sandboxed = account.sandbox != SandboxStatus::Granted;
    evidence.push(format!(
        "production access: {}",
        if sandboxed { "no (sandbox)" } else { "yes" }
    ));
    evidence.push(format!(
        "sent in the last 24 h: {} of {}",
        account.sent_last_24_hours, account.max_24_hour_send
    ));
    let mut s = if account.state.sending_enabled == Some(false) {
        let mut s = step(
            "account",
            Status::Problem,
            "sending is paused for the account",
        );
        s.next = Some(format!(
            "find out why (enforcement, or someone paused it), then: aws sesv2 put-account-sending-attributes --sending-enabled --region {}",
            q.region
        ));
        s
    } else if enforcement == "SHUTDOWN" {
        step(
            "account",
            Status::Problem,
            "the account is shut down for sending (enforcement status SHUTDOWN)",
        )
    } else if sandboxed && let Some(None) = &facts.recipient_identity {
        let mut s = step(
            "account",
            Status::Problem,
            format!(
                "in the sandbox, and {} is not a verified identity in {}",
                q.recipient, q.region
            ),
        );
        s.next = Some(
            "verify the recipient (or its domain) in this region, or request production access (`account.production_access` in the spec)"
                .into(),
        );
        s
    } else if account.max_24_hour_send > 0.0
        && account.sent_last_24_hours >= account.max_24_hour_send
    {
        step(
            "account",
            Status::Problem,
            "the 24-hour sending quota is used up",
        )
    } else if enforcement == "PROBATION" {
        step(
            "account",
            Status::Warning,
            "on probation (enforcement status PROBATION): sending works, but fix bounce and complaint rates",
        )
    } else if sandboxed {
        step(
            "account",
            Status::Ok,
            format!("in the sandbox; {} is verified", q.recipient),
        )
    } else {
        step("account", Status::Ok, "sending enabled, out of the sandbox")
    };
    s.evidence = evidence;
    s
}

/// In the sandbox: whether a verified identity covers the recipient.
fn recipient_verified(facts: &Facts) -> bool {
    match &facts.recipient_identity {
        None => true,
        Some(identity) => identity
            .as_ref()
            .is_some_and(|i| i.status.verified_for_sending),
    }
}

fn describe_identity(identity: &IdentityFacts) -> Vec<String> {
    let status = &identity.status;
    let mut lines = vec![format!(
        "identity {}: verification {}, verified for sending: {}",
        identity.name, status.verification_status, status.verified_for_sending
    )];
    if let Some(dkim) = &status.dkim_status {
        lines.push(format!("DKIM: {dkim}"));
    }
    lines.push(format!(
        "custom MAIL FROM: {}",
        status.mail_from_status.as_deref().unwrap_or("none")
    ));
    if let Some(set) = &identity.default_set {
        lines.push(format!("default configuration set: {set}"));
    }
    lines
}

fn sender_step(q: &Question, facts: &Facts) -> Step {
    let Some(sender) = &facts.sender else {
        let mut s = step(
            "sender",
            Status::Skipped,
            "no sender known: pass --from ADDRESS to check its identity",
        );
        s.next = Some("sesform why RECIPIENT --from SENDER".into());
        return s;
    };
    match &facts.sender_identity {
        Some(Some(identity)) if identity.status.verified_for_sending => {
            let mut s = step(
                "sender",
                Status::Ok,
                format!(
                    "{sender} is covered by the verified identity {}",
                    identity.name
                ),
            );
            s.evidence = describe_identity(identity);
            s
        }
        Some(Some(identity)) => {
            let mut s = step(
                "sender",
                Status::Problem,
                format!(
                    "{sender}: the identity {} is not verified for sending ({})",
                    identity.name, identity.status.verification_status
                ),
            );
            s.evidence = describe_identity(identity);
            s.next = Some(format!(
                "publish the identity's DNS records (`sesform dns`) and wait for verification of {}",
                identity.name
            ));
            s
        }
        _ => {
            let mut s = step(
                "sender",
                Status::Problem,
                format!("no identity in {} covers {sender}", q.region),
            );
            s.next = Some(format!(
                "add the address or its domain to `identities` in the spec and apply, in {}",
                q.region
            ));
            s
        }
    }
}

fn set_step(_q: &Question, facts: &Facts) -> Step {
    let Some(set) = &facts.set else {
        let mut s = step(
            "configuration_set",
            Status::Warning,
            "no configuration set known: mail sent without one publishes no events",
        );
        s.next = Some(
            "pass --set NAME, or give the sending identity a default set (`configuration_set` on the identity in the spec) with an event destination"
                .into(),
        );
        return s;
    };
    let source = match set.source {
        SetSource::Flag => "--set",
        SetSource::Events => "the recipient's events",
        SetSource::IdentityDefault => "the sender identity's default",
        SetSource::Spec => "the spec's client",
    };
    let Some(state) = &set.state else {
        let mut s = step(
            "configuration_set",
            Status::Problem,
            format!("the configuration set {} does not exist", set.name),
        );
        s.evidence.push(format!("set named by {source}"));
        s.next = Some(format!(
            "create it (`configuration_sets: {{{}: {{}}}}` in the spec) or send with an existing set",
            set.name
        ));
        return s;
    };
    let mut evidence = vec![format!("set named by {source}")];
    for d in &set.destinations {
        let target = match &d.target {
            Target::SnsTopic(topic) => format!("SNS topic {topic}"),
            Target::EventBridge(EventBus::Default { .. }) => "EventBridge default bus".to_string(),
            Target::EventBridge(EventBus::Arn(bus)) => format!("EventBridge bus {bus}"),
            Target::CloudWatch(_) => "CloudWatch metrics".to_string(),
            Target::Firehose {
                delivery_stream_arn,
                ..
            } => format!("Firehose {delivery_stream_arn}"),
        };
        let events: Vec<&str> = d.events.iter().map(EventType::as_str).collect();
        evidence.push(format!(
            "destination {}{}: {} -> {target}",
            d.name,
            if d.enabled { "" } else { " (disabled)" },
            events.join(", ")
        ));
    }
    if !state.sending_enabled {
        let mut s = step(
            "configuration_set",
            Status::Problem,
            format!("sending is paused for the configuration set {}", set.name),
        );
        s.evidence = evidence;
        return s;
    }
    let logged = set.destinations.iter().any(|d| {
        d.enabled
            && matches!(&d.target, Target::EventBridge(bus) if bus.is_default())
            && publishes_fate(d)
    });
    let publishing = set
        .destinations
        .iter()
        .any(|d| d.enabled && publishes_fate(d));
    let mut s = if logged {
        step(
            "configuration_set",
            Status::Ok,
            format!(
                "{}: sending enabled; publishes to EventBridge (the event log)",
                set.name
            ),
        )
    } else if publishing {
        step(
            "configuration_set",
            Status::Warning,
            format!(
                "{}: publishes its events, but not to EventBridge, so not to the event log; look at its destinations",
                set.name
            ),
        )
    } else {
        let mut s = step(
            "configuration_set",
            Status::Warning,
            format!("{} publishes no events", set.name),
        );
        s.next = Some(destination_snippet(&set.name));
        s
    };
    s.evidence = evidence;
    s
}

fn suppression_step(q: &Question, facts: &Facts) -> Step {
    let Some(entry) = &facts.suppressed else {
        return step(
            "suppression",
            Status::Ok,
            format!(
                "{} is not on the account-level suppression list",
                q.recipient
            ),
        );
    };
    let mut s = step(
        "suppression",
        Status::Problem,
        format!(
            "{} is on the account-level suppression list: {} since {}",
            q.recipient,
            entry.reason,
            rfc3339(entry.last_update_time)
        ),
    );
    if let Some(id) = &entry.message_id {
        s.evidence.push(format!("caused by message {id}"));
    }
    if let Some(id) = &entry.feedback_id {
        s.evidence.push(format!("feedback id {id}"));
    }
    s.next = Some(format!(
        "once the cause is fixed (the mailbox exists again, or the recipient asked for mail): aws sesv2 delete-suppressed-destination --email-address {} --region {}",
        q.recipient, q.region
    ));
    s
}

fn history_step(q: &Question, facts: &Facts) -> Step {
    match &facts.history {
        None => {
            let mut s = step(
                "history",
                Status::Skipped,
                format!("no event log: {} does not exist", q.log_group),
            );
            s.next =
                Some("add `event_log` to the spec and apply it, or pass --log-group".to_string());
            s
        }
        Some(events) if events.is_empty() => step(
            "history",
            Status::Skipped,
            format!(
                "no event about {} in the last {} in {}",
                q.recipient, q.since, q.log_group
            ),
        ),
        Some(events) => {
            let mut s = step(
                "history",
                Status::Ok,
                format!(
                    "{} event(s) about {}, newest first",
                    events.len(),
                    q.recipient
                ),
            );
            s.evidence = events
                .iter()
                .map(|e| {
                    let mut line = format!("{}  {}  {}", e.time, e.kind.event_type(), e.message_id);
                    let summary = e.summary();
                    if !summary.is_empty() {
                        line.push_str("  ");
                        line.push_str(&summary);
                    }
                    line
                })
                .collect();
            s
        }
    }
}

/// The date of an RFC 3339 time: `2026-12-05`.
fn day(time: &str) -> &str {
    time.get(..10).unwrap_or(time)
}

/// The diagnostic code without its `smtp; ` prefix.
fn code(record: &EventRecord) -> Option<String> {
    record
        .bounce
        .as_ref()
        .and_then(|b| b.diagnostic_code.as_deref())
        .map(|c| c.trim_start_matches("smtp;").trim().to_string())
}

/// What put the address on the suppression list, from its history: the bounce or complaint of
/// the message the list names, else the newest hard bounce or complaint.
fn cause<'a>(facts: &Facts, timeline: &'a [EventRecord]) -> Option<&'a EventRecord> {
    let is_cause = |e: &&EventRecord| match e.kind {
        EventKind::Bounce => e.bounce.as_ref().is_some_and(|b| {
            b.bounce_type == "Permanent" && b.subtype != "OnAccountSuppressionList"
        }),
        EventKind::Complaint => true,
        _ => false,
    };
    let named = facts
        .suppressed
        .as_ref()
        .and_then(|s| s.message_id.as_deref());
    timeline
        .iter()
        .filter(is_cause)
        .find(|e| named.is_none_or(|id| e.message_id == id))
        .or_else(|| timeline.iter().find(is_cause))
}

fn suppressed_sentence(facts: &Facts, timeline: &[EventRecord]) -> String {
    let entry = facts.suppressed.as_ref();
    match cause(facts, timeline) {
        Some(e) if e.kind == EventKind::Complaint => format!(
            "Suppressed: complaint on {} ({}).",
            day(&e.time),
            e.complaint
                .as_ref()
                .and_then(|c| c.feedback_type.clone())
                .map_or("no feedback type".into(), |t| format!("feedback type {t}"))
        ),
        Some(e) => format!(
            "Suppressed: hard bounce on {} ({}).",
            day(&e.time),
            code(e).unwrap_or_else(|| e.summary())
        ),
        None => {
            let (reason, since) = entry.map_or(("BOUNCE".into(), String::new()), |s| {
                (s.reason.clone(), rfc3339(s.last_update_time))
            });
            let what = if reason == "COMPLAINT" {
                "complaint"
            } else {
                "hard bounce"
            };
            format!("Suppressed: {what} on {}.", day(&since))
        }
    }
}

fn verdict(q: &Question, facts: &Facts, steps: &[Step]) -> Verdict {
    let timeline = facts.history.as_deref().unwrap_or_default();
    let not = |sentence: String| Verdict {
        outcome: Outcome::NotDelivered,
        sentence,
    };
    if let Some(newest) = timeline.first() {
        return match newest.kind {
            EventKind::Delivery | EventKind::Open | EventKind::Click | EventKind::Subscription => {
                let delivered = timeline
                    .iter()
                    .find(|e| e.kind == EventKind::Delivery)
                    .unwrap_or(newest);
                let mut sentence =
                    format!("Delivered to the recipient's server at {}", delivered.time);
                if let Some(response) = delivered
                    .delivery
                    .as_ref()
                    .and_then(|d| d.smtp_response.as_ref())
                {
                    sentence.push_str(&format!(" ({response})"));
                }
                sentence.push('.');
                Verdict {
                    outcome: Outcome::Delivered,
                    sentence,
                }
            }
            EventKind::Bounce if facts.suppressed.is_some() => {
                not(suppressed_sentence(facts, timeline))
            }
            EventKind::Bounce => {
                let b = newest.bounce.as_ref();
                let hard = b.is_some_and(|b| b.bounce_type == "Permanent");
                not(format!(
                    "{} on {}: {}{}.",
                    if hard { "Hard bounce" } else { "Bounced" },
                    newest.time,
                    b.map_or(String::new(), |b| format!(
                        "{}/{}",
                        b.bounce_type, b.subtype
                    )),
                    code(newest).map_or(String::new(), |c| format!(" ({c})"))
                ))
            }
            EventKind::Complaint => {
                let mut sentence = format!(
                    "Delivered, then the recipient complained on {} ({})",
                    newest.time,
                    newest.summary()
                );
                if facts.suppressed.is_some() {
                    sentence.push_str("; the address is now on the suppression list");
                }
                sentence.push('.');
                not(sentence)
            }
            EventKind::Reject => not(format!(
                "Rejected by SES on {}: {}.",
                newest.time,
                newest.reject_reason.as_deref().unwrap_or("no reason given")
            )),
            EventKind::DeliveryDelay => not(format!(
                "Delayed since {}: {}; SES retries until the message expires.",
                newest.time,
                newest.summary()
            )),
            EventKind::RenderingFailure => not(format!(
                "Not sent: the template failed to render on {} ({}).",
                newest.time,
                newest.summary()
            )),
            EventKind::Send => Verdict {
                outcome: Outcome::NoRecord,
                sentence: format!(
                    "Sent on {}; no delivery, bounce or complaint recorded yet.",
                    newest.time
                ),
            },
        };
    }
    // No event: the first step that stops mail decides.
    if let Some(blocking) = steps.iter().find(|s| s.status == Status::Problem) {
        let sentence = match blocking.check {
            "account" if !recipient_verified(facts) => format!(
                "Not sent: the account is in the sandbox and {} is not verified.",
                q.recipient
            ),
            "suppression" => suppressed_sentence(facts, timeline),
            _ => format!("Not sent: {}.", blocking.summary),
        };
        return not(sentence);
    }
    let sentence = match (&facts.set, &facts.history) {
        (Some(set), _) if steps[2].next.is_some() => format!(
            "No record: the set `{}` publishes no events; add it to the spec's `event_log` and apply.",
            set.name
        ),
        (None, _) => format!(
            "No record: no event about {} and no configuration set known; send with a set that publishes events.",
            q.recipient
        ),
        (_, None) => format!("No record: there is no event log ({}).", q.log_group),
        _ => format!(
            "No record: no event about {} in the last {}.",
            q.recipient, q.since
        ),
    };
    Verdict {
        outcome: Outcome::NoRecord,
        sentence,
    }
}
