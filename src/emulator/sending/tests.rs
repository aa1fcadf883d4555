use super::*;
use crate::emulator::model::{
    ConfigurationSet, DkimAttributes, EventDestination, EventDestinationDefinition, Identity,
    IdentityType, SnsDestination, VerificationStatus,
};

fn region() -> RegionState {
    let mut region = RegionState::default();
    let mut identity = Identity::new(
        "example.com".into(),
        IdentityType::Domain,
        DkimAttributes::not_started(),
        Default::default(),
    );
    identity.set_verification(VerificationStatus::Success);
    identity.configuration_set_name = Some("main".into());
    region.identities.insert("example.com".into(), identity);
    let mut set = ConfigurationSet {
        name: "main".into(),
        delivery: Default::default(),
        reputation: Default::default(),
        sending: Default::default(),
        suppression: None,
        tracking: None,
        passthrough: Default::default(),
        tags: Default::default(),
        event_destinations: Default::default(),
    };
    set.event_destinations.insert(
        "sns".into(),
        EventDestination {
            name: "sns".into(),
            definition: EventDestinationDefinition {
                enabled: true,
                matching_event_types: vec![EventType::Bounce, EventType::Delivery],
                kinesis_firehose_destination: None,
                cloud_watch_destination: None,
                sns_destination: Some(SnsDestination {
                    topic_arn: "arn:aws:sns:eu-west-1:123456789012:t".into(),
                }),
                event_bridge_destination: None,
                pinpoint_destination: None,
            },
        },
    );
    region.configuration_sets.insert("main".into(), set);
    region.account.production_access_enabled = true;
    region.account.send_quota.max_send_rate = 100.0;
    region.account.send_quota.max24_hour_send = 1000.0;
    region
}

/// Sends a small message from `a@example.com` to `x@y.z` in eu-west-1.
fn try_send(region: &mut RegionState, extra: &str) -> Result<Accepted, Rejection> {
    send(
        "eu-west-1",
        region,
        request("a@example.com", &["x@y.z"], extra),
    )
}

fn request(from: &str, to: &[&str], extra: &str) -> SendRequest {
    SendRequest {
        channel: Channel::Smtp,
        user: Some("AKIAEXAMPLE".into()),
        source: from.into(),
        destinations: to.iter().map(|s| s.to_string()).collect(),
        data: format!("From: {from}\r\nSubject: t\r\n{extra}\r\nbody\r\n").into_bytes(),
        configuration_set: None,
        transcript: vec![],
        tags: None,
        rendering_failure: None,
    }
}

#[test]
fn simulator_bounce_publishes_to_the_default_set() {
    let mut region = region();
    let accepted = send(
        "eu-west-1",
        &mut region,
        request("app@example.com", &["bounce@simulator.amazonses.com"], ""),
    )
    .unwrap();
    let kinds: Vec<_> = accepted
        .publications
        .iter()
        .map(|p| p.detail_type)
        .collect();
    assert_eq!(kinds, vec!["Email Bounced"], "Send is not selected");
    let record = &region.outbox.records[0];
    assert_eq!(types_of(&record.events), vec!["Send", "Bounce"]);
    assert_eq!(record.configuration_set.as_deref(), Some("main"));
    assert_eq!(
        region.account.send_quota.sent_last24_hours, 0.0,
        "simulator is free"
    );
}

#[test]
fn unverified_sender_and_sandbox_recipient_are_rejected() {
    let mut region = region();
    let rejection = send(
        "eu-west-1",
        &mut region,
        request("a@other.org", &["x@y.z"], ""),
    )
    .unwrap_err();
    assert_eq!(
        rejection.smtp().1,
        "Message rejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: a@other.org"
    );
    region.account.production_access_enabled = false;
    let rejection = send(
        "eu-west-1",
        &mut region,
        request(
            "a@example.com",
            &["x@y.z", "success@simulator.amazonses.com"],
            "",
        ),
    )
    .unwrap_err();
    assert!(rejection.smtp().1.ends_with(": x@y.z"), "{rejection:?}");
    assert_eq!(region.outbox.records.len(), 2);
    assert_eq!(region.outbox.records[1].status, "rejected");
}

#[test]
fn unknown_header_set_quota_and_rate() {
    let mut region = region();
    let rejection = try_send(&mut region, "X-SES-CONFIGURATION-SET: nope\r\n").unwrap_err();
    assert_eq!(
        rejection,
        Rejection::ConfigurationSetDoesNotExist("nope".into())
    );
    region.account.send_quota.max_send_rate = 2.0;
    assert!(try_send(&mut region, "").is_ok());
    assert!(try_send(&mut region, "").is_ok());
    let rejection = try_send(&mut region, "").unwrap_err();
    let rate = "Throttling failure: Maximum sending rate exceeded.";
    assert_eq!(rejection.smtp(), (454, rate.into()));
    region.account.send_quota.max_send_rate = 100.0;
    region.account.send_quota.sent_last24_hours = 1000.0;
    let rejection = try_send(&mut region, "").unwrap_err();
    let daily = "Throttling failure: Daily message quota exceeded.";
    assert_eq!(rejection.smtp(), (454, daily.into()));
}

#[test]
fn account_suppression_list_bounces() {
    let mut region = region();
    region.account.suppression_attributes.suppressed_reasons = vec![SuppressionListReason::Bounce];
    region.outbox.suppressed.insert(
        "gone@y.z".into(),
        SuppressedDestination {
            email_address: "gone@y.z".into(),
            reason: SuppressionListReason::Bounce,
            last_update_time: 0.0,
            attributes: None,
        },
    );
    send(
        "eu-west-1",
        &mut region,
        request("a@example.com", &["gone@y.z"], ""),
    )
    .unwrap();
    let event = &region.outbox.records[0].events[1].event;
    assert_eq!(event["bounce"]["bounceSubType"], "OnAccountSuppressionList");
    assert_eq!(
        region.account.send_quota.sent_last24_hours, 1.0,
        "counts as a send"
    );
}

/// A hard bounce or complaint of a real address lists it, for the reasons the account (or
/// the set, when it overrides them) suppresses; simulator addresses never are.
#[test]
fn hard_bounces_and_complaints_list_real_addresses_only() {
    let mut region = region();
    region.account.suppression_attributes.suppressed_reasons = vec![SuppressionListReason::Bounce];
    region
        .outbox
        .recipients
        .insert("gone@y.z".into(), RecipientOutcome::Bounce);
    region
        .outbox
        .recipients
        .insert("angry@y.z".into(), RecipientOutcome::Complaint);
    let recipients = ["gone@y.z", "angry@y.z", "bounce@simulator.amazonses.com"];
    let accepted = send(
        "eu-west-1",
        &mut region,
        request("a@example.com", &recipients, ""),
    )
    .unwrap();
    let listed: Vec<&String> = region.outbox.suppressed.keys().collect();
    assert_eq!(
        listed,
        ["gone@y.z"],
        "COMPLAINT is not suppressed; the simulator never is"
    );
    let entry = &region.outbox.suppressed["gone@y.z"];
    assert_eq!(
        entry.attributes.as_ref().unwrap().message_id,
        accepted.message_id
    );
    let events = types_of(&region.outbox.records[0].events);
    assert_eq!(events, ["Send", "Delivery", "Bounce", "Complaint"]);
    // The set's own reasons override the account's.
    region
        .configuration_sets
        .get_mut("main")
        .unwrap()
        .suppression = Some(crate::emulator::model::SuppressionOptions {
        suppressed_reasons: vec![SuppressionListReason::Complaint],
        suppression_scope: None,
        validation_options: None,
    });
    send(
        "eu-west-1",
        &mut region,
        request("a@example.com", &["angry@y.z"], ""),
    )
    .unwrap();
    assert!(region.outbox.suppressed.contains_key("angry@y.z"));
}

#[test]
fn times_are_rfc3339_with_millis() {
    let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_796_461_200_123);
    assert_eq!(rfc3339_millis(t), "2026-12-05T09:00:00.123Z");
}

#[test]
fn the_smtp_users_policy_limits_the_from_address() {
    let mut region = region();
    region.outbox.senders.insert(
        "AKIAEXAMPLE".into(),
        SenderPolicy {
            user_arn: "arn:aws:iam::123456789012:user/sesform/app".into(),
            allow_from: vec!["*@example.com".into()],
        },
    );
    assert!(try_send(&mut region, "").is_ok());
    let mut other = request("a@example.com", &["x@y.z"], "");
    other.data = b"From: Boss <boss@example.org>\r\n\r\nx\r\n".to_vec();
    let rejection = send("eu-west-1", &mut region, other).unwrap_err();
    assert_eq!(
        rejection.smtp().1,
        "Access denied: User `arn:aws:iam::123456789012:user/sesform/app' is not authorized to \
         perform `ses:SendRawEmail' on resource `arn:aws:ses:eu-west-1:123456789012:identity/example.org'"
    );
    assert!(string_like(
        "no-reply@*.example.com",
        "no-reply@eu.example.com"
    ));
    assert!(string_like("a?c@x", "abc@x"));
    assert!(!string_like("*@example.com", "a@example.org"));
}

#[test]
fn api_tags_replace_header_tags() {
    let mut region = region();
    send(
        "eu-west-1",
        &mut region,
        request(
            "a@example.com",
            &["x@y.z"],
            "X-SES-MESSAGE-TAGS: from-header=1\r\n",
        ),
    )
    .unwrap();
    let mut api = request(
        "a@example.com",
        &["x@y.z"],
        "X-SES-MESSAGE-TAGS: from-header=1\r\n",
    );
    api.tags = Some(vec![("campaign".into(), "welcome".into())]);
    send("eu-west-1", &mut region, api).unwrap();
    let tags = |i: usize| region.outbox.records[i].events[0].event["mail"]["tags"].clone();
    assert_eq!(tags(0)["from-header"], serde_json::json!(["1"]));
    assert_eq!(tags(1)["campaign"], serde_json::json!(["welcome"]));
    assert!(tags(1).get("from-header").is_none());
}

#[test]
fn reject_and_delay_knobs() {
    let mut region = region();
    region
        .outbox
        .recipients
        .insert("virus@y.z".into(), RecipientOutcome::Reject);
    region
        .outbox
        .recipients
        .insert("slow@y.z".into(), RecipientOutcome::Delay);
    // A rejected message is delivered to no one, not even its other recipients.
    send(
        "eu-west-1",
        &mut region,
        request("a@example.com", &["x@y.z", "Virus@y.z"], ""),
    )
    .unwrap();
    assert_eq!(
        types_of(&region.outbox.records[0].events),
        ["Send", "Reject"]
    );
    send(
        "eu-west-1",
        &mut region,
        request("a@example.com", &["x@y.z", "slow@y.z"], ""),
    )
    .unwrap();
    let events = &region.outbox.records[1].events;
    assert_eq!(types_of(events), ["Send", "Delivery", "DeliveryDelay"]);
    assert_eq!(events[1].event["delivery"]["recipients"], json!(["x@y.z"]));
    let delay = &events[2].event["deliveryDelay"];
    assert_eq!(delay["delayedRecipients"][0]["emailAddress"], "slow@y.z");
    assert!(
        delay["expirationTime"].as_str() > delay["timestamp"].as_str(),
        "{delay}"
    );
    assert!(region.outbox.suppressed.is_empty(), "neither is suppressed");
}

#[test]
fn a_failed_render_is_sent_then_fails_without_delivery() {
    let mut region = region();
    let mut failing = request("a@example.com", &["x@y.z"], "");
    failing.rendering_failure = Some(RenderingFailure {
        template_name: Some("welcome".into()),
        error_message: "Attribute 'name' is not present in the rendering data.".into(),
    });
    let accepted = send("eu-west-1", &mut region, failing).unwrap();
    assert!(!accepted.message_id.is_empty());
    let record = &region.outbox.records[0];
    assert_eq!(record.status, "accepted");
    assert_eq!(types_of(&record.events), ["Send", "Rendering Failure"]);
    assert_eq!(record.events[1].event["failure"]["templateName"], "welcome");
}
