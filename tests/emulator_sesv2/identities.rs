//! Email identities: create/get/list/delete and every Put*Attributes operation.

use aws_sdk_sesv2::operation::create_email_identity::CreateEmailIdentityError;
use aws_sdk_sesv2::types::{
    BehaviorOnMxFailure, DkimSigningAttributes, DkimSigningAttributesOrigin, DkimSigningKeyLength,
    DkimStatus, IdentityFilterKey, IdentityType, MailFromDomainStatus, Tag, VerificationStatus,
};
use sesform::emulator::Emulator;

use super::support::{REGION, client, expect_error};

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build().unwrap()
}

#[tokio::test]
async fn domain_identity_round_trips_every_attribute() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    ses.create_configuration_set()
        .configuration_set_name("default-set")
        .send()
        .await
        .unwrap();

    let created = ses
        .create_email_identity()
        .email_identity("example.com")
        .tags(tag("env", "prod"))
        .configuration_set_name("default-set")
        .send()
        .await
        .unwrap();
    assert_eq!(created.identity_type(), Some(&IdentityType::Domain));
    assert!(!created.verified_for_sending_status());
    let tokens = created.dkim_attributes().unwrap().tokens().to_vec();
    assert_eq!(tokens.len(), 3);
    assert!(tokens.iter().all(|t| t.len() == 32), "{tokens:?}");

    let got = ses
        .get_email_identity()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(got.identity_type(), Some(&IdentityType::Domain));
    assert!(got.feedback_forwarding_status());
    assert!(!got.verified_for_sending_status());
    assert_eq!(
        got.verification_status(),
        Some(&VerificationStatus::Pending)
    );
    let dkim = got.dkim_attributes().unwrap();
    assert!(dkim.signing_enabled());
    assert_eq!(dkim.status(), Some(&DkimStatus::Pending));
    assert_eq!(dkim.tokens(), tokens.as_slice());
    assert_eq!(
        dkim.signing_attributes_origin(),
        Some(&DkimSigningAttributesOrigin::AwsSes)
    );
    assert_eq!(
        dkim.next_signing_key_length(),
        Some(&DkimSigningKeyLength::Rsa2048Bit)
    );
    assert_eq!(
        dkim.current_signing_key_length(),
        Some(&DkimSigningKeyLength::Rsa2048Bit)
    );
    assert_eq!(dkim.signing_hosted_zone(), Some("dkim.amazonses.com"));
    assert!(dkim.last_key_generation_timestamp().is_some());
    assert_eq!(got.tags(), [tag("env", "prod")]);
    assert_eq!(got.configuration_set_name(), Some("default-set"));
    assert!(got.policies().is_some_and(|p| p.is_empty()));
    // No custom MAIL FROM, in the `aws` shape: an empty domain, as AWS answers.
    let mail_from = got.mail_from_attributes().unwrap();
    assert_eq!(mail_from.mail_from_domain(), "");
    assert_eq!(
        mail_from.behavior_on_mx_failure(),
        &BehaviorOnMxFailure::UseDefaultValue
    );

    ses.put_email_identity_dkim_attributes()
        .email_identity("example.com")
        .signing_enabled(false)
        .send()
        .await
        .unwrap();
    ses.put_email_identity_mail_from_attributes()
        .email_identity("example.com")
        .mail_from_domain("bounce.example.com")
        .behavior_on_mx_failure(BehaviorOnMxFailure::RejectMessage)
        .send()
        .await
        .unwrap();
    ses.put_email_identity_feedback_attributes()
        .email_identity("example.com")
        .email_forwarding_enabled(false)
        .send()
        .await
        .unwrap();
    ses.put_email_identity_configuration_set_attributes()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();

    let got = ses
        .get_email_identity()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    assert!(!got.dkim_attributes().unwrap().signing_enabled());
    assert!(!got.feedback_forwarding_status());
    assert_eq!(got.configuration_set_name(), None);
    let mail_from = got.mail_from_attributes().unwrap();
    assert_eq!(mail_from.mail_from_domain(), "bounce.example.com");
    assert_eq!(
        mail_from.mail_from_domain_status(),
        &MailFromDomainStatus::Pending
    );
    assert_eq!(
        mail_from.behavior_on_mx_failure(),
        &BehaviorOnMxFailure::RejectMessage
    );

    emulator
        .control()
        .verify_identity(REGION, "example.com")
        .unwrap();
    let got = ses
        .get_email_identity()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    assert!(got.verified_for_sending_status());
    assert_eq!(
        got.verification_status(),
        Some(&VerificationStatus::Success)
    );
    assert_eq!(
        got.dkim_attributes().unwrap().status(),
        Some(&DkimStatus::Success)
    );
    assert_eq!(
        got.mail_from_attributes()
            .unwrap()
            .mail_from_domain_status(),
        &MailFromDomainStatus::Success
    );

    ses.put_email_identity_mail_from_attributes()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    ses.put_email_identity_configuration_set_attributes()
        .email_identity("example.com")
        .configuration_set_name("default-set")
        .send()
        .await
        .unwrap();
    let got = ses
        .get_email_identity()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    // Custom MAIL FROM removed: back to the empty domain.
    assert_eq!(got.mail_from_attributes().unwrap().mail_from_domain(), "");
    assert_eq!(got.configuration_set_name(), Some("default-set"));

    ses.delete_email_identity()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    expect_error(
        ses.get_email_identity()
            .email_identity("example.com")
            .send()
            .await,
        "NotFoundException",
        404,
    );
    expect_error(
        ses.delete_email_identity()
            .email_identity("example.com")
            .send()
            .await,
        "NotFoundException",
        404,
    );
}

#[tokio::test]
async fn email_addresses_and_byodkim() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;

    let created = ses
        .create_email_identity()
        .email_identity("ops+alerts@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(created.identity_type(), Some(&IdentityType::EmailAddress));
    let dkim = created.dkim_attributes().unwrap();
    assert!(dkim.tokens().is_empty());
    assert_eq!(dkim.status(), Some(&DkimStatus::NotStarted));
    let got = ses
        .get_email_identity()
        .email_identity("ops+alerts@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(got.identity_type(), Some(&IdentityType::EmailAddress));
    assert_eq!(
        got.verification_status(),
        Some(&VerificationStatus::Pending)
    );
    expect_error(
        ses.put_email_identity_dkim_signing_attributes()
            .email_identity("ops+alerts@example.com")
            .signing_attributes_origin(DkimSigningAttributesOrigin::AwsSes)
            .send()
            .await,
        "BadRequestException",
        400,
    );
    emulator
        .control()
        .fail_identity(REGION, "ops+alerts@example.com")
        .unwrap();
    let got = ses
        .get_email_identity()
        .email_identity("ops+alerts@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(got.verification_status(), Some(&VerificationStatus::Failed));
    assert!(!got.verified_for_sending_status());

    let byodkim = DkimSigningAttributes::builder()
        .domain_signing_selector("sel1")
        .domain_signing_private_key("TUlJQm9nSUJBQUtCZ1FD")
        .build();
    let created = ses
        .create_email_identity()
        .email_identity("byo.example.org")
        .dkim_signing_attributes(byodkim)
        .send()
        .await
        .unwrap();
    let dkim = created.dkim_attributes().unwrap();
    assert_eq!(dkim.tokens(), ["sel1"]);
    assert_eq!(
        dkim.signing_attributes_origin(),
        Some(&DkimSigningAttributesOrigin::External)
    );

    let easy = ses
        .put_email_identity_dkim_signing_attributes()
        .email_identity("byo.example.org")
        .signing_attributes_origin(DkimSigningAttributesOrigin::AwsSes)
        .send()
        .await
        .unwrap();
    assert_eq!(easy.dkim_status(), Some(&DkimStatus::Pending));
    assert_eq!(easy.dkim_tokens().len(), 3);
    assert_eq!(easy.signing_hosted_zone(), Some("dkim.amazonses.com"));

    let rotated = ses
        .put_email_identity_dkim_signing_attributes()
        .email_identity("byo.example.org")
        .signing_attributes_origin(DkimSigningAttributesOrigin::AwsSes)
        .signing_attributes(
            DkimSigningAttributes::builder()
                .next_signing_key_length(DkimSigningKeyLength::Rsa1024Bit)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.dkim_tokens(), easy.dkim_tokens(), "same CNAMEs");
    let dkim = ses
        .get_email_identity()
        .email_identity("byo.example.org")
        .send()
        .await
        .unwrap()
        .dkim_attributes()
        .cloned()
        .unwrap();
    assert_eq!(
        dkim.next_signing_key_length(),
        Some(&DkimSigningKeyLength::Rsa1024Bit)
    );
    assert_eq!(
        dkim.signing_attributes_origin(),
        Some(&DkimSigningAttributesOrigin::AwsSes)
    );

    expect_error(
        ses.put_email_identity_dkim_signing_attributes()
            .email_identity("byo.example.org")
            .signing_attributes_origin(DkimSigningAttributesOrigin::External)
            .send()
            .await,
        "BadRequestException",
        400,
    );
}

#[tokio::test]
async fn identity_errors_match_the_service() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;

    for invalid in [
        "not a domain",
        "localhost",
        "a@b@example.com",
        "@example.com",
    ] {
        expect_error(
            ses.create_email_identity()
                .email_identity(invalid)
                .send()
                .await,
            "BadRequestException",
            400,
        );
    }
    ses.create_email_identity()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    let duplicate = ses
        .create_email_identity()
        .email_identity("example.com")
        .send()
        .await;
    assert!(matches!(
        duplicate.as_ref().map_err(|e| e.as_service_error()),
        Err(Some(CreateEmailIdentityError::AlreadyExistsException(_)))
    ));
    expect_error(duplicate, "AlreadyExistsException", 400);
    expect_error(
        ses.create_email_identity()
            .email_identity("other.example.com")
            .configuration_set_name("missing")
            .send()
            .await,
        "NotFoundException",
        404,
    );
    expect_error(
        ses.create_email_identity()
            .email_identity("me@example.com")
            .dkim_signing_attributes(
                DkimSigningAttributes::builder()
                    .next_signing_key_length(DkimSigningKeyLength::Rsa1024Bit)
                    .build(),
            )
            .send()
            .await,
        "BadRequestException",
        400,
    );
    expect_error(
        ses.put_email_identity_dkim_attributes()
            .email_identity("missing.example.com")
            .signing_enabled(true)
            .send()
            .await,
        "NotFoundException",
        404,
    );
    expect_error(
        ses.put_email_identity_mail_from_attributes()
            .email_identity("example.com")
            .mail_from_domain("bounce.elsewhere.com")
            .send()
            .await,
        "BadRequestException",
        400,
    );
    expect_error(
        ses.put_email_identity_configuration_set_attributes()
            .email_identity("example.com")
            .configuration_set_name("missing")
            .send()
            .await,
        "NotFoundException",
        404,
    );
    expect_error(
        ses.put_email_identity_feedback_attributes()
            .email_identity("missing@example.com")
            .send()
            .await,
        "NotFoundException",
        404,
    );
}

#[tokio::test]
async fn list_email_identities_pages_and_filters() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    let mut names: Vec<String> = (0..5).map(|i| format!("d{i}.example.com")).collect();
    names.extend([
        "alerts@example.com".to_owned(),
        "ops@example.com".to_owned(),
    ]);
    for name in &names {
        ses.create_email_identity()
            .email_identity(name)
            .send()
            .await
            .unwrap();
    }
    names.sort();

    let mut listed = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let page = ses
            .list_email_identities()
            .page_size(3)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        pages += 1;
        assert!(page.email_identities().len() <= 3);
        listed.extend(
            page.email_identities()
                .iter()
                .map(|info| info.identity_name().unwrap().to_owned()),
        );
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(listed, names);

    let pages: Vec<_> = ses
        .list_email_identities()
        .page_size(2)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    assert_eq!(pages.len(), 4);
    assert_eq!(
        pages
            .iter()
            .map(|page| page.email_identities().len())
            .sum::<usize>(),
        7
    );

    emulator
        .control()
        .verify_identity(REGION, "d3.example.com")
        .unwrap();
    let verified = ses
        .list_email_identities()
        .filter(IdentityFilterKey::VerificationStatus, "SUCCESS")
        .send()
        .await
        .unwrap();
    let [info] = verified.email_identities() else {
        panic!("one verified identity: {verified:?}");
    };
    assert_eq!(info.identity_name(), Some("d3.example.com"));
    assert!(info.sending_enabled());
    assert_eq!(info.identity_type(), Some(&IdentityType::Domain));
    assert_eq!(
        info.verification_status(),
        Some(&VerificationStatus::Success)
    );
    let addresses = ses
        .list_email_identities()
        .filter(IdentityFilterKey::IdentityType, "EMAIL_ADDRESS")
        .send()
        .await
        .unwrap();
    assert_eq!(addresses.email_identities().len(), 2);
    let named = ses
        .list_email_identities()
        .filter(IdentityFilterKey::IdentityNameContains, "D1")
        .send()
        .await
        .unwrap();
    assert_eq!(named.email_identities().len(), 1);

    expect_error(
        ses.list_email_identities().page_size(1001).send().await,
        "BadRequestException",
        400,
    );
    expect_error(
        ses.list_email_identities()
            .next_token("not*a*token")
            .send()
            .await,
        "BadRequestException",
        400,
    );
}
