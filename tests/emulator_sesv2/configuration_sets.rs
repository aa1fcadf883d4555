//! Configuration sets and their option blocks.

use aws_sdk_sesv2::types::{
    ConfigurationSetFilterKey, DeliveryOptions, HttpsPolicy, ReputationOptions, SendingOptions,
    SuppressionListReason, SuppressionOptions, Tag, TlsPolicy, TrackingOptions,
};
use sesform::emulator::Emulator;

use super::support::{REGION, client, expect_error};

#[tokio::test]
async fn create_with_every_block_then_put_each_block() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    ses.create_configuration_set()
        .configuration_set_name("transactional")
        .delivery_options(
            DeliveryOptions::builder()
                .tls_policy(TlsPolicy::Require)
                .sending_pool_name("pool-1")
                .max_delivery_seconds(600)
                .build(),
        )
        .reputation_options(
            ReputationOptions::builder()
                .reputation_metrics_enabled(true)
                .build(),
        )
        .sending_options(SendingOptions::builder().sending_enabled(false).build())
        .suppression_options(
            SuppressionOptions::builder()
                .suppressed_reasons(SuppressionListReason::Bounce)
                .suppressed_reasons(SuppressionListReason::Complaint)
                .build(),
        )
        .tracking_options(
            TrackingOptions::builder()
                .custom_redirect_domain("track.example.com")
                .https_policy(HttpsPolicy::Require)
                .build()
                .unwrap(),
        )
        .tags(Tag::builder().key("team").value("mail").build().unwrap())
        .send()
        .await
        .unwrap();

    let got = ses
        .get_configuration_set()
        .configuration_set_name("transactional")
        .send()
        .await
        .unwrap();
    assert_eq!(got.configuration_set_name(), Some("transactional"));
    let delivery = got.delivery_options().unwrap();
    assert_eq!(delivery.tls_policy(), Some(&TlsPolicy::Require));
    assert_eq!(delivery.sending_pool_name(), Some("pool-1"));
    assert_eq!(delivery.max_delivery_seconds(), Some(600));
    assert!(
        got.reputation_options()
            .unwrap()
            .reputation_metrics_enabled()
    );
    assert!(!got.sending_options().unwrap().sending_enabled());
    assert_eq!(
        got.suppression_options().unwrap().suppressed_reasons(),
        [
            SuppressionListReason::Bounce,
            SuppressionListReason::Complaint
        ]
    );
    let tracking = got.tracking_options().unwrap();
    assert_eq!(tracking.custom_redirect_domain(), "track.example.com");
    assert_eq!(tracking.https_policy(), Some(&HttpsPolicy::Require));
    assert_eq!(got.tags().len(), 1);
    assert_eq!(got.tags()[0].key(), "team");

    let name = "transactional";
    ses.put_configuration_set_delivery_options()
        .configuration_set_name(name)
        .tls_policy(TlsPolicy::Optional)
        .send()
        .await
        .unwrap();
    ses.put_configuration_set_reputation_options()
        .configuration_set_name(name)
        .reputation_metrics_enabled(false)
        .send()
        .await
        .unwrap();
    ses.put_configuration_set_sending_options()
        .configuration_set_name(name)
        .sending_enabled(true)
        .send()
        .await
        .unwrap();
    ses.put_configuration_set_suppression_options()
        .configuration_set_name(name)
        .suppressed_reasons(SuppressionListReason::Complaint)
        .send()
        .await
        .unwrap();
    ses.put_configuration_set_tracking_options()
        .configuration_set_name(name)
        .custom_redirect_domain("click.example.com")
        .send()
        .await
        .unwrap();

    let got = ses
        .get_configuration_set()
        .configuration_set_name(name)
        .send()
        .await
        .unwrap();
    let delivery = got.delivery_options().unwrap();
    assert_eq!(delivery.tls_policy(), Some(&TlsPolicy::Optional));
    assert_eq!(delivery.sending_pool_name(), None, "Put replaces the block");
    assert!(
        !got.reputation_options()
            .unwrap()
            .reputation_metrics_enabled()
    );
    assert!(got.sending_options().unwrap().sending_enabled());
    assert_eq!(
        got.suppression_options().unwrap().suppressed_reasons(),
        [SuppressionListReason::Complaint]
    );
    let tracking = got.tracking_options().unwrap();
    assert_eq!(tracking.custom_redirect_domain(), "click.example.com");
    assert_eq!(tracking.https_policy(), None);

    ses.put_configuration_set_tracking_options()
        .configuration_set_name(name)
        .send()
        .await
        .unwrap();
    let got = ses
        .get_configuration_set()
        .configuration_set_name(name)
        .send()
        .await
        .unwrap();
    assert!(got.tracking_options().is_none());

    ses.delete_configuration_set()
        .configuration_set_name(name)
        .send()
        .await
        .unwrap();
    expect_error(
        ses.get_configuration_set()
            .configuration_set_name(name)
            .send()
            .await,
        "NotFoundException",
        404,
    );
}

#[tokio::test]
async fn defaults_of_a_bare_configuration_set() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    ses.create_configuration_set()
        .configuration_set_name("bare")
        .send()
        .await
        .unwrap();
    let got = ses
        .get_configuration_set()
        .configuration_set_name("bare")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.delivery_options().unwrap().tls_policy(),
        Some(&TlsPolicy::Optional)
    );
    assert!(
        !got.reputation_options()
            .unwrap()
            .reputation_metrics_enabled()
    );
    assert!(got.sending_options().unwrap().sending_enabled());
    assert!(got.suppression_options().is_none());
    assert!(got.tracking_options().is_none());
    assert!(got.tags().is_empty());
}

#[tokio::test]
async fn list_configuration_sets_pages_and_filters() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    let mut names: Vec<String> = (0..5).map(|i| format!("set-{i}")).collect();
    names.push("marketing".to_owned());
    for name in &names {
        ses.create_configuration_set()
            .configuration_set_name(name)
            .send()
            .await
            .unwrap();
    }
    names.sort();

    let first = ses
        .list_configuration_sets()
        .page_size(4)
        .send()
        .await
        .unwrap();
    assert_eq!(first.configuration_sets(), &names[..4]);
    let token = first.next_token().expect("a second page").to_owned();
    let second = ses
        .list_configuration_sets()
        .page_size(4)
        .next_token(token)
        .send()
        .await
        .unwrap();
    assert_eq!(second.configuration_sets(), &names[4..]);
    assert_eq!(second.next_token(), None);

    let all: Vec<String> = ses
        .list_configuration_sets()
        .page_size(1)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap()
        .iter()
        .flat_map(|page| page.configuration_sets().to_vec())
        .collect();
    assert_eq!(all, names);

    let filtered = ses
        .list_configuration_sets()
        .filter(
            ConfigurationSetFilterKey::ConfigurationSetNameContains,
            "MARK",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(filtered.configuration_sets(), ["marketing"]);
}

#[tokio::test]
async fn configuration_set_errors() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    for invalid in ["has space", "dot.ted", "", &"x".repeat(65)] {
        expect_error(
            ses.create_configuration_set()
                .configuration_set_name(invalid)
                .send()
                .await,
            "BadRequestException",
            400,
        );
    }
    ses.create_configuration_set()
        .configuration_set_name("x".repeat(64))
        .send()
        .await
        .unwrap();
    expect_error(
        ses.create_configuration_set()
            .configuration_set_name("x".repeat(64))
            .send()
            .await,
        "AlreadyExistsException",
        400,
    );
    expect_error(
        ses.create_configuration_set()
            .configuration_set_name("slow")
            .delivery_options(DeliveryOptions::builder().max_delivery_seconds(10).build())
            .send()
            .await,
        "BadRequestException",
        400,
    );
    expect_error(
        ses.put_configuration_set_sending_options()
            .configuration_set_name("missing")
            .sending_enabled(true)
            .send()
            .await,
        "NotFoundException",
        404,
    );
    expect_error(
        ses.delete_configuration_set()
            .configuration_set_name("missing")
            .send()
            .await,
        "NotFoundException",
        404,
    );
    expect_error(
        ses.put_configuration_set_tracking_options()
            .configuration_set_name("x".repeat(64))
            .custom_redirect_domain("not a domain")
            .send()
            .await,
        "BadRequestException",
        400,
    );
}
