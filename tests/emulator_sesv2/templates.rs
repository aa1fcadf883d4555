//! Email templates (Create/Get/Update/Delete/ListEmailTemplates) and SendEmail with Template
//! content: rendered on success, a Rendering Failure event (and no delivery) when the data
//! lacks a variable or is not JSON, 404 for a template that does not exist.

use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::types::{Destination, EmailContent, EmailTemplateContent, Template};
use sesform::emulator::sending::types_of;
use sesform::emulator::{AccountPatch, Emulator};

use super::support::{REGION, client, expect_error};

const TO: &str = "success@simulator.amazonses.com";

fn content(subject: &str, text: &str, html: Option<&str>) -> EmailTemplateContent {
    EmailTemplateContent::builder()
        .subject(subject)
        .text(text)
        .set_html(html.map(str::to_owned))
        .build()
}

async fn create(ses: &Client, name: &str, content: EmailTemplateContent) {
    ses.create_email_template()
        .template_name(name)
        .template_content(content)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn template_crud_follows_the_api_reference() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    create(
        &ses,
        "welcome",
        content("Hi {{name}}", "Hello {{name}}", None),
    )
    .await;
    create(&ses, "receipt", content("Receipt", "Total {{total}}", None)).await;
    for (name, code) in [
        ("welcome", "AlreadyExistsException"),
        ("no spaces", "BadRequestException"),
    ] {
        let result = ses
            .create_email_template()
            .template_name(name)
            .template_content(content("x", "y", None))
            .send()
            .await;
        expect_error(result, code, 400);
    }

    let got = ses
        .get_email_template()
        .template_name("welcome")
        .send()
        .await
        .unwrap();
    assert_eq!(got.template_name(), "welcome");
    let stored = got.template_content().unwrap();
    assert_eq!(stored.subject(), Some("Hi {{name}}"));
    assert_eq!(stored.text(), Some("Hello {{name}}"));
    assert_eq!(stored.html(), None);

    ses.update_email_template()
        .template_name("welcome")
        .template_content(content(
            "Welcome {{name}}",
            "Hello {{name}}",
            Some("<p>{{name}}</p>"),
        ))
        .send()
        .await
        .unwrap();
    let got = ses
        .get_email_template()
        .template_name("welcome")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.template_content().unwrap().html(),
        Some("<p>{{name}}</p>")
    );

    // Paged by name, one at a time, with a creation time.
    let first = ses
        .list_email_templates()
        .page_size(1)
        .send()
        .await
        .unwrap();
    assert_eq!(first.templates_metadata().len(), 1);
    assert_eq!(
        first.templates_metadata()[0].template_name(),
        Some("receipt")
    );
    assert!(first.templates_metadata()[0].created_timestamp().is_some());
    let second = ses
        .list_email_templates()
        .page_size(1)
        .next_token(first.next_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        second.templates_metadata()[0].template_name(),
        Some("welcome")
    );
    assert_eq!(second.next_token(), None);
    expect_error(
        ses.list_email_templates().page_size(101).send().await,
        "BadRequestException",
        400,
    );

    ses.delete_email_template()
        .template_name("welcome")
        .send()
        .await
        .unwrap();
    expect_error(
        ses.get_email_template()
            .template_name("welcome")
            .send()
            .await,
        "NotFoundException",
        404,
    );
    expect_error(
        ses.delete_email_template()
            .template_name("welcome")
            .send()
            .await,
        "NotFoundException",
        404,
    );
    expect_error(
        ses.update_email_template()
            .template_name("welcome")
            .template_content(content("x", "y", None))
            .send()
            .await,
        "NotFoundException",
        404,
    );
}

/// A verified `example.com` and `welcome` ("Hi {{name}}" / text and HTML with `{{order.id}}`).
async fn sender(emulator: &Emulator) -> Client {
    let ses = client(&emulator.endpoint_url(), REGION).await;
    ses.create_email_identity()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    emulator
        .control()
        .verify_identity(REGION, "example.com")
        .unwrap();
    create(
        &ses,
        "welcome",
        content(
            "Hi {{name}}",
            "Order {{order.id}} is on its way.",
            Some("<p>Order {{order.id}}</p>"),
        ),
    )
    .await;
    ses
}

async fn send_template(ses: &Client, template: Template) -> Result<String, String> {
    ses.send_email()
        .from_email_address("app@example.com")
        .destination(Destination::builder().to_addresses(TO).build())
        .content(EmailContent::builder().template(template).build())
        .send()
        .await
        .map(|out| out.message_id().unwrap_or_default().to_owned())
        .map_err(|e| format!("{:?}", e.into_service_error()))
}

fn last_subject(emulator: &Emulator) -> Option<String> {
    emulator.control().messages().last()?.subject.clone()
}

fn by_name(name: &str, data: &str) -> Template {
    Template::builder()
        .template_name(name)
        .template_data(data)
        .build()
}

#[tokio::test]
async fn send_with_a_template_renders_it() {
    let emulator = Emulator::start().await.unwrap();
    let ses = sender(&emulator).await;
    let id = send_template(
        &ses,
        by_name("welcome", r#"{"name": "Ana", "order": {"id": "A-17"}}"#),
    )
    .await
    .unwrap();
    let messages = emulator.control().messages();
    let message = messages.last().unwrap();
    assert_eq!(message.message_id.as_deref(), Some(id.as_str()));
    assert_eq!(message.subject.as_deref(), Some("Hi Ana"));
    assert_eq!(types_of(&message.events), ["Send", "Delivery"]);
    let raw = String::from_utf8_lossy(&message.data);
    assert!(
        raw.contains("multipart/alternative")
            && raw.contains("Order A-17 is on its way.")
            && raw.contains("<p>Order A-17</p>"),
        "{raw}"
    );

    // By ARN, and inline content without a stored template.
    let arn = format!("arn:aws:ses:{REGION}:123456789012:template/welcome");
    let by_arn = Template::builder()
        .template_arn(arn)
        .template_data(r#"{"name": "Bo", "order": {"id": 9}}"#)
        .build();
    send_template(&ses, by_arn).await.unwrap();
    assert_eq!(last_subject(&emulator), Some("Hi Bo".to_owned()));
    let inline = Template::builder()
        .template_content(content("Inline {{x}}", "{{x}}", None))
        .template_data(r#"{"x": "yes"}"#)
        .build();
    send_template(&ses, inline).await.unwrap();
    assert_eq!(last_subject(&emulator), Some("Inline yes".to_owned()));
}

#[tokio::test]
async fn a_render_that_fails_is_accepted_then_a_rendering_failure() {
    let emulator = Emulator::start().await.unwrap();
    let ses = sender(&emulator).await;
    for (data, error) in [
        (
            r#"{"name": "Ana"}"#,
            "Attribute 'order.id' is not present in the rendering data.",
        ),
        ("{not json", "Template data is not valid JSON"),
    ] {
        let id = send_template(&ses, by_name("welcome", data)).await.unwrap();
        assert!(!id.is_empty(), "SES accepts the send");
        let messages = emulator.control().messages();
        let message = messages.last().unwrap();
        assert_eq!(message.message_id.as_deref(), Some(id.as_str()));
        assert_eq!(types_of(&message.events), ["Send", "Rendering Failure"]);
        let failure = &message.events[1].event;
        assert_eq!(failure["eventType"], "Rendering Failure");
        assert_eq!(failure["failure"]["templateName"], "welcome");
        let message_text = failure["failure"]["errorMessage"].as_str().unwrap();
        assert!(message_text.starts_with(error), "{failure}");
        assert!(failure["mail"].get("commonHeaders").is_none(), "{failure}");
    }
}

#[tokio::test]
async fn a_template_that_does_not_exist_is_404() {
    let emulator = Emulator::start().await.unwrap();
    let ses = sender(&emulator).await;
    let error = send_template(&ses, by_name("nope", "{}"))
        .await
        .unwrap_err();
    assert!(error.contains("NotFoundException"), "{error}");
    assert!(emulator.control().messages().is_empty(), "nothing was sent");
}

/// boto3 (from the repo's .venv, a client nobody here wrote) creates a template, reads it back
/// and sends with it: once rendered, once with data that lacks a variable.
#[test]
fn boto3_creates_and_sends_with_a_template() {
    let python = crate::util::repo_file(".venv/bin/python");
    assert!(
        python.exists(),
        "{} not found; run ./scripts/install-emulators (scripts/test does)",
        python.display()
    );
    let emulator = Emulator::start_background().unwrap();
    let control = emulator.control();
    control.set_open_sending(REGION, true);
    // Out of the sandbox: its rate (one a second) would throttle the second send.
    control.set_account(REGION, AccountPatch::production());
    const SCRIPT: &str = r#"
import json, sys
import boto3
ses = boto3.client("sesv2", endpoint_url=sys.argv[1], region_name=sys.argv[2],
                   aws_access_key_id="AKIDBOTO3TEST", aws_secret_access_key="boto3-test-secret")
ses.create_email_template(TemplateName="greeting", TemplateContent={
    "Subject": "Hello {{user.first}}", "Text": "Hi {{user.first}}", "Html": "<b>{{user.first}}</b>"})
got = ses.get_email_template(TemplateName="greeting")
listed = ses.list_email_templates(PageSize=10)
def send(data):
    return ses.send_email(
        FromEmailAddress="app@example.com",
        Destination={"ToAddresses": ["ana@example.org"]},
        Content={"Template": {"TemplateName": "greeting", "TemplateData": data}},
    )["MessageId"]
try:
    ses.get_email_template(TemplateName="missing")
    missing = None
except ses.exceptions.NotFoundException as e:
    missing = e.response["ResponseMetadata"]["HTTPStatusCode"]
print(json.dumps({
    "subject": got["TemplateContent"]["Subject"],
    "listed": [t["TemplateName"] for t in listed["TemplatesMetadata"]],
    "rendered": send(json.dumps({"user": {"first": "Ana"}})),
    "failed": send(json.dumps({"user": {}})),
    "missing": missing,
}))
"#;
    let output = std::process::Command::new(&python)
        .args(["-c", SCRIPT, &emulator.endpoint_url(), REGION])
        .env_remove("AWS_PROFILE")
        .output()
        .expect("run python");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let out: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(out["subject"], "Hello {{user.first}}");
    assert_eq!(out["listed"], serde_json::json!(["greeting"]));
    assert_eq!(out["missing"], 404);
    let messages = control.messages();
    let rendered = messages
        .iter()
        .find(|m| m.message_id.as_deref() == out["rendered"].as_str())
        .expect("the rendered message");
    assert_eq!(rendered.subject.as_deref(), Some("Hello Ana"));
    assert_eq!(types_of(&rendered.events), ["Send", "Delivery"]);
    let failed = messages
        .iter()
        .find(|m| m.message_id.as_deref() == out["failed"].as_str())
        .expect("the failed message");
    assert_eq!(types_of(&failed.events), ["Send", "Rendering Failure"]);
    assert_eq!(
        failed.events[1].event["failure"]["errorMessage"],
        "Attribute 'user.first' is not present in the rendering data."
    );
}
