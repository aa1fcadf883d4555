//! GetAccount, PutAccount* and the production access review state machine.

use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::types::{ContactLanguage, MailType, ReviewStatus, SuppressionListReason};
use sesform::emulator::{
    AccountPatch, Emulator, EnforcementStatus, ReviewPatch, ReviewStatus as Review,
};

use super::support::{REGION, client, expect_error};

async fn request_production_access(ses: &Client) -> Result<(), String> {
    ses.put_account_details()
        .mail_type(MailType::Transactional)
        .website_url("https://example.com")
        .contact_language(ContactLanguage::En)
        .use_case_description("Password resets and receipts.")
        .additional_contact_email_addresses("ops@example.com")
        .production_access_enabled(true)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| {
            use aws_sdk_sesv2::error::ProvideErrorMetadata;
            e.code().unwrap_or("no code").to_owned()
        })
}

async fn review(ses: &Client) -> (ReviewStatus, String) {
    let account = ses.get_account().send().await.unwrap();
    let review = account.details().unwrap().review_details().unwrap();
    (
        review.status().unwrap().clone(),
        review.case_id().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn new_account_is_a_healthy_sandbox() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    let account = ses.get_account().send().await.unwrap();
    assert!(!account.production_access_enabled());
    assert!(account.sending_enabled());
    assert_eq!(account.enforcement_status(), Some("HEALTHY"));
    assert!(!account.dedicated_ip_auto_warmup_enabled());
    let quota = account.send_quota().unwrap();
    assert_eq!(quota.max24_hour_send(), 200.0);
    assert_eq!(quota.max_send_rate(), 1.0);
    assert_eq!(quota.sent_last24_hours(), 0.0);
    assert!(
        account
            .suppression_attributes()
            .unwrap()
            .suppressed_reasons()
            .is_empty()
    );
    assert!(account.details().is_none());
}

#[tokio::test]
async fn put_sending_and_suppression_attributes() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    ses.put_account_sending_attributes()
        .sending_enabled(false)
        .send()
        .await
        .unwrap();
    ses.put_account_suppression_attributes()
        .suppressed_reasons(SuppressionListReason::Bounce)
        .suppressed_reasons(SuppressionListReason::Complaint)
        .send()
        .await
        .unwrap();
    let account = ses.get_account().send().await.unwrap();
    assert!(!account.sending_enabled());
    assert_eq!(
        account
            .suppression_attributes()
            .unwrap()
            .suppressed_reasons(),
        [
            SuppressionListReason::Bounce,
            SuppressionListReason::Complaint
        ]
    );
    ses.put_account_sending_attributes()
        .sending_enabled(true)
        .send()
        .await
        .unwrap();
    assert!(ses.get_account().send().await.unwrap().sending_enabled());
}

#[tokio::test]
async fn control_knobs_show_in_get_account() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    emulator.control().set_account(
        REGION,
        AccountPatch {
            enforcement_status: Some(EnforcementStatus::Probation),
            sent_last_24_hours: Some(12.0),
            ..AccountPatch::production()
        },
    );
    let account = ses.get_account().send().await.unwrap();
    assert!(account.production_access_enabled());
    assert_eq!(account.enforcement_status(), Some("PROBATION"));
    let quota = account.send_quota().unwrap();
    assert_eq!(quota.max24_hour_send(), 50_000.0);
    assert_eq!(quota.max_send_rate(), 14.0);
    assert_eq!(quota.sent_last24_hours(), 12.0);

    emulator
        .control()
        .set_account(REGION, AccountPatch::sandbox());
    let account = ses.get_account().send().await.unwrap();
    assert!(!account.production_access_enabled());
    assert_eq!(account.send_quota().unwrap().max24_hour_send(), 200.0);
}

#[tokio::test]
async fn put_account_details_follows_the_review_state_machine() {
    let emulator = Emulator::start().await.unwrap();
    let control = emulator.control();
    let ses = client(&emulator.endpoint_url(), REGION).await;

    request_production_access(&ses).await.unwrap();
    let account = ses.get_account().send().await.unwrap();
    let details = account.details().unwrap();
    assert_eq!(details.mail_type(), Some(&MailType::Transactional));
    assert_eq!(details.website_url(), Some("https://example.com"));
    assert_eq!(details.contact_language(), Some(&ContactLanguage::En));
    assert_eq!(
        details.use_case_description(),
        Some("Password resets and receipts.")
    );
    assert_eq!(
        details.additional_contact_email_addresses(),
        ["ops@example.com"]
    );
    let (status, first_case) = review(&ses).await;
    assert_eq!(status, ReviewStatus::Pending);
    assert!(!first_case.is_empty());
    assert!(
        !account.production_access_enabled(),
        "a request is not a grant"
    );

    assert_eq!(
        request_production_access(&ses).await,
        Err("ConflictException".to_owned()),
        "review pending"
    );
    expect_error(
        ses.put_account_details()
            .mail_type(MailType::Marketing)
            .website_url("https://example.com")
            .send()
            .await,
        "ConflictException",
        409,
    );

    for refused in [Review::Denied, Review::Failed] {
        control.set_account(REGION, AccountPatch::review(refused));
        assert_eq!(
            request_production_access(&ses).await,
            Err("ConflictException".to_owned()),
            "{refused:?}"
        );
    }

    control.set_account(
        REGION,
        AccountPatch {
            review: Some(ReviewPatch {
                status: Some(Review::Granted),
                case_id: Some("555".into()),
            }),
            ..AccountPatch::production()
        },
    );
    assert_eq!(
        review(&ses).await,
        (ReviewStatus::Granted, "555".to_owned())
    );
    request_production_access(&ses).await.unwrap();
    let (status, second_case) = review(&ses).await;
    assert_eq!(status, ReviewStatus::Pending);
    assert_ne!(second_case, "555", "a new review gets a new case");

    control.set_account(
        REGION,
        AccountPatch {
            review: Some(ReviewPatch {
                status: None,
                case_id: None,
            }),
            ..AccountPatch::default()
        },
    );
    request_production_access(&ses).await.unwrap();
    assert_eq!(review(&ses).await.0, ReviewStatus::Pending);
}

#[tokio::test]
async fn put_account_details_validates_required_fields() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    expect_error(
        ses.put_account_details()
            .website_url("https://example.com")
            .send()
            .await,
        "BadRequestException",
        400,
    );
    expect_error(
        ses.put_account_details()
            .mail_type(MailType::Marketing)
            .send()
            .await,
        "BadRequestException",
        400,
    );
    expect_error(
        ses.put_account_details()
            .mail_type(MailType::Marketing)
            .website_url("example.com")
            .send()
            .await,
        "BadRequestException",
        400,
    );
    let account = ses.get_account().send().await.unwrap();
    assert!(
        account.details().is_none(),
        "rejected requests open no review"
    );
}
