//! An event log for one test, wired as sesform's `event_log` wires it in AWS: the SESv2
//! emulator publishes a configuration set's events to moto's EventBridge (default bus), a rule
//! matching `source: aws.ses` sends them to a CloudWatch Logs group, and `sesform events` /
//! `sesform why` read that group. Senders and sets are arranged with the SDK, behind
//! sesform's back; mail goes in with SESv2 SendEmail or over SMTP.

use std::time::{Duration, Instant};

use aws_sdk_sesv2::types::{
    Body, Destination, EmailContent, EventBridgeDestination, EventDestinationDefinition, EventType,
    Message, SuppressionListReason,
};
use sesform::emulator::AccountPatch;

use super::aws::{AwsEnv, REGION, block_on};
use super::moto::Moto;
use super::{Run, TestDir};

/// The default stack's log group (`events::log_group_name`).
pub const LOG_GROUP: &str = "/aws/events/sesform/default";
/// The sender's domain, verified.
pub const DOMAIN: &str = "example.com";
pub const FROM: &str = "app@example.com";
/// A configuration set whose every event goes to the event log.
pub const SET: &str = "tx";

pub struct EventLog {
    pub aws: AwsEnv,
    pub dir: TestDir,
}

impl EventLog {
    /// Emulators, the log group, the EventBridge rule and target; a verified `example.com`
    /// out of the sandbox, suppressing BOUNCE and COMPLAINT; the set `tx` publishing every
    /// event to the default bus.
    pub fn start() -> EventLog {
        let log = EventLog::emulators();
        log.create_log_plumbing(LOG_GROUP);
        log.verified_identity(DOMAIN);
        block_on(
            log.aws
                .ses()
                .put_account_suppression_attributes()
                .suppressed_reasons(SuppressionListReason::Bounce)
                .suppressed_reasons(SuppressionListReason::Complaint)
                .send(),
        )
        .expect("PutAccountSuppressionAttributes");
        log.set_with_log_destination(SET);
        log
    }

    /// The emulators alone, the SESv2 one publishing to moto's EventBridge, the account out of
    /// the sandbox: for a test whose spec's `event_log` builds the rest with `sesform apply`.
    pub fn emulators() -> EventLog {
        let aws = AwsEnv::with_moto(Moto::start_for_event_log());
        let control = aws.control();
        control.set_event_endpoints(None, Some(aws.moto.endpoint_url()));
        control.set_account(REGION, AccountPatch::production());
        EventLog {
            aws,
            dir: TestDir::new(),
        }
    }

    /// The log group, a rule on the default bus matching `source: aws.ses`, and its target.
    pub fn create_log_plumbing(&self, group: &str) {
        let logs = self.aws.logs();
        block_on(logs.create_log_group().log_group_name(group).send()).expect("CreateLogGroup");
        let arn = format!("arn:aws:logs:{REGION}:123456789012:log-group:{group}");
        let events = self.aws.eventbridge();
        let rule = format!("sesform-events-{}", group.rsplit('/').next().unwrap_or("x"));
        block_on(
            events
                .put_rule()
                .name(&rule)
                .event_pattern(r#"{"source":["aws.ses"]}"#)
                .send(),
        )
        .expect("PutRule");
        let target = aws_sdk_eventbridge::types::Target::builder()
            .id("log")
            .arn(arn)
            .build()
            .expect("a target");
        block_on(events.put_targets().rule(&rule).targets(target).send()).expect("PutTargets");
    }

    pub fn verified_identity(&self, name: &str) {
        block_on(
            self.aws
                .ses()
                .create_email_identity()
                .email_identity(name)
                .send(),
        )
        .expect("CreateEmailIdentity");
        self.aws
            .control()
            .verify_identity(REGION, name)
            .expect("verify");
    }

    /// A set with an EventBridge destination on the default bus for every event type.
    pub fn set_with_log_destination(&self, set: &str) {
        self.bare_set(set);
        let definition = EventDestinationDefinition::builder()
            .enabled(true)
            .set_matching_event_types(Some(vec![
                EventType::Send,
                EventType::Delivery,
                EventType::Bounce,
                EventType::Complaint,
                EventType::Reject,
                EventType::DeliveryDelay,
                EventType::RenderingFailure,
            ]))
            .event_bridge_destination(
                EventBridgeDestination::builder()
                    .event_bus_arn(format!(
                        "arn:aws:events:{REGION}:123456789012:event-bus/default"
                    ))
                    .build()
                    .expect("a bus"),
            )
            .build();
        block_on(
            self.aws
                .ses()
                .create_configuration_set_event_destination()
                .configuration_set_name(set)
                .event_destination_name("sesform-event-log")
                .event_destination(definition)
                .send(),
        )
        .expect("CreateConfigurationSetEventDestination");
    }

    /// A set without event destinations.
    pub fn bare_set(&self, set: &str) {
        block_on(
            self.aws
                .ses()
                .create_configuration_set()
                .configuration_set_name(set)
                .send(),
        )
        .expect("CreateConfigurationSet");
    }

    /// SESv2 SendEmail (Simple content) with a set; the message id.
    pub fn send(&self, to: &str, set: Option<&str>) -> String {
        self.try_send(to, set).expect("SendEmail")
    }

    pub fn try_send(&self, to: &str, set: Option<&str>) -> Result<String, String> {
        let text = |data: &str| aws_sdk_sesv2::types::Content::builder().data(data).build();
        let message = Message::builder()
            .subject(text("Your order").expect("subject"))
            .body(Body::builder().text(text("Hello").expect("body")).build())
            .build();
        self.send_content(to, set, EmailContent::builder().simple(message).build())
    }

    /// SESv2 SendEmail from `FROM` to `to` with `content`; the message id or the service error.
    fn send_content(
        &self,
        to: &str,
        set: Option<&str>,
        content: EmailContent,
    ) -> Result<String, String> {
        block_on(
            self.aws
                .ses()
                .send_email()
                .from_email_address(FROM)
                .destination(Destination::builder().to_addresses(to).build())
                .content(content)
                .set_configuration_set_name(set.map(str::to_string))
                .send(),
        )
        .map(|out| out.message_id().unwrap_or_default().to_string())
        .map_err(|e| format!("{:?}", e.into_service_error()))
    }

    /// A stored template, as `CreateEmailTemplate` makes it.
    pub fn template(&self, name: &str, subject: &str, text: &str) {
        let content = aws_sdk_sesv2::types::EmailTemplateContent::builder()
            .subject(subject)
            .text(text)
            .build();
        block_on(
            self.aws
                .ses()
                .create_email_template()
                .template_name(name)
                .template_content(content)
                .send(),
        )
        .expect("CreateEmailTemplate");
    }

    /// SESv2 SendEmail with Template content (the stored `template` and `data`); the message id.
    pub fn send_template(&self, to: &str, set: &str, template: &str, data: &str) -> String {
        let template = aws_sdk_sesv2::types::Template::builder()
            .template_name(template)
            .template_data(data)
            .build();
        self.send_content(
            to,
            Some(set),
            EmailContent::builder().template(template).build(),
        )
        .expect("SendEmail with a template")
    }

    /// The same message over SMTP, through the emulator's SMTP side (one send path with the
    /// API), with the set in the `X-SES-CONFIGURATION-SET` header; the message id from the
    /// `250 Ok <id>` reply.
    pub fn send_smtp(&self, to: &str, set: &str) -> String {
        use sesform::smtp::client::{AuthMechanism, Connection};
        use sesform::smtp::server::{ServerConfig, ServerTls, SesSmtpServer};
        let sink = self.aws.control().smtp_sink(REGION);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let server = SesSmtpServer::start_with(
                ServerConfig::new(ServerTls::StartTls).with_credentials("AKIASMTPUSER", "password"),
                Some(sink),
                None,
            )
            .await
            .expect("SMTP server");
            let mut conn = Connection::connect("127.0.0.1", server.port(), Duration::from_secs(5))
                .await
                .expect("connect");
            assert_eq!(conn.read_reply().await.expect("greeting").code, 220);
            assert_eq!(conn.command("EHLO test").await.expect("ehlo").code, 250);
            assert_eq!(conn.command("STARTTLS").await.expect("starttls").code, 220);
            let roots = sesform::smtp::client::pem_certificates(server.ca_pem().as_bytes())
                .expect("the CA");
            let tls = sesform::smtp::client::tls_config(&roots, false).expect("TLS config");
            let mut conn = conn.start_tls(tls, "localhost").await.expect("TLS");
            assert_eq!(conn.command("EHLO test").await.expect("ehlo").code, 250);
            let reply = conn
                .auth(
                    AuthMechanism::Plain,
                    "AKIASMTPUSER",
                    &sesform::smtp::Secret::new("password"),
                )
                .await
                .expect("auth");
            assert_eq!(reply.code, 235, "{reply:?}");
            let data = format!(
                "From: {FROM}\r\nTo: {to}\r\nSubject: Over SMTP\r\nX-SES-CONFIGURATION-SET: {set}\r\n\r\nHello.\r\n"
            );
            let reply = conn.send_message(FROM, &[to], &data).await.expect("send");
            assert_eq!(reply.code, 250, "{reply:?}");
            let _ = conn.command("QUIT").await;
            let id = reply
                .lines
                .join(" ")
                .split_whitespace()
                .last()
                .unwrap_or_default()
                .to_string();
            // The sink publishes on this runtime: keep it until every event is out.
            let control = self.aws.control();
            let deadline = Instant::now() + Duration::from_secs(10);
            while !control.messages().iter().any(|m| {
                m.message_id.as_deref() == Some(id.as_str())
                    && m.events.iter().all(|e| !e.published.is_empty())
            }) {
                assert!(Instant::now() < deadline, "events of {id} not published");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            server.stop().await;
            id
        })
    }

    /// Waits until the log group holds at least `count` events (EventBridge delivery happens
    /// after SendEmail answers).
    pub fn wait_logged(&self, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let pages: Vec<_> = block_on(
                self.aws
                    .logs()
                    .filter_log_events()
                    .log_group_name(LOG_GROUP)
                    .into_paginator()
                    .send()
                    .collect::<Vec<_>>(),
            );
            let have: usize = pages
                .into_iter()
                .map(|page| page.expect("FilterLogEvents").events().len())
                .sum();
            if have >= count {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{have} of {count} events logged after 15 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `sesform ARGS` against the emulators, in the test's directory.
    pub fn sesform(&self, args: &[&str]) -> Run {
        let mut cmd = self.dir.sesform();
        self.aws
            .configure(&mut cmd)
            .env("AWS_REGION", REGION)
            .args(args);
        Run::of(&mut cmd)
    }
}
