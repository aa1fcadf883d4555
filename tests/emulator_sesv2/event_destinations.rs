//! Configuration set event destinations.

use std::collections::BTreeSet;

use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::types::{
    CloudWatchDestination, CloudWatchDimensionConfiguration, DimensionValueSource,
    EventBridgeDestination, EventDestinationDefinition, EventType, KinesisFirehoseDestination,
    PinpointDestination, SnsDestination,
};
use sesform::emulator::Emulator;

use super::support::{REGION, client, expect_error};

const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:ses-events";

fn sns_definition(types: &[EventType]) -> EventDestinationDefinition {
    EventDestinationDefinition::builder()
        .enabled(true)
        .set_matching_event_types(Some(types.to_vec()))
        .sns_destination(SnsDestination::builder().topic_arn(TOPIC).build().unwrap())
        .build()
}

async fn set_with_one_destination(ses: &Client, set: &str) {
    ses.create_configuration_set()
        .configuration_set_name(set)
        .send()
        .await
        .unwrap();
    ses.create_configuration_set_event_destination()
        .configuration_set_name(set)
        .event_destination_name("sns")
        .event_destination(sns_definition(&[EventType::Bounce, EventType::Complaint]))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn create_get_update_delete() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    set_with_one_destination(&ses, "main").await;
    let sent = [
        EventType::Bounce,
        EventType::Complaint,
        EventType::Delivery,
        EventType::Send,
    ];
    ses.create_configuration_set_event_destination()
        .configuration_set_name("main")
        .event_destination_name("all-sns")
        .event_destination(sns_definition(&sent))
        .send()
        .await
        .unwrap();

    let got = ses
        .get_configuration_set_event_destinations()
        .configuration_set_name("main")
        .send()
        .await
        .unwrap();
    let destinations = got.event_destinations();
    assert_eq!(destinations.len(), 2);
    let all = destinations.iter().find(|d| d.name() == "all-sns").unwrap();
    assert!(all.enabled());
    assert_eq!(all.sns_destination().unwrap().topic_arn(), TOPIC);
    let received = all.matching_event_types();
    assert_ne!(received, sent, "order differs from the request on purpose");
    assert_eq!(
        received.iter().collect::<BTreeSet<_>>(),
        sent.iter().collect::<BTreeSet<_>>()
    );

    let cloud_watch = CloudWatchDestination::builder()
        .dimension_configurations(
            CloudWatchDimensionConfiguration::builder()
                .dimension_name("campaign")
                .dimension_value_source(DimensionValueSource::MessageTag)
                .default_dimension_value("none")
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    ses.update_configuration_set_event_destination()
        .configuration_set_name("main")
        .event_destination_name("all-sns")
        .event_destination(
            EventDestinationDefinition::builder()
                .matching_event_types(EventType::Open)
                .cloud_watch_destination(cloud_watch)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let got = ses
        .get_configuration_set_event_destinations()
        .configuration_set_name("main")
        .send()
        .await
        .unwrap();
    let updated = got
        .event_destinations()
        .iter()
        .find(|d| d.name() == "all-sns")
        .unwrap();
    assert!(!updated.enabled(), "Update replaces the whole definition");
    assert!(updated.sns_destination().is_none());
    let dimension = &updated
        .cloud_watch_destination()
        .unwrap()
        .dimension_configurations()[0];
    assert_eq!(dimension.dimension_name(), "campaign");
    assert_eq!(
        dimension.dimension_value_source(),
        &DimensionValueSource::MessageTag
    );
    assert_eq!(updated.matching_event_types(), [EventType::Open]);

    ses.delete_configuration_set_event_destination()
        .configuration_set_name("main")
        .event_destination_name("all-sns")
        .send()
        .await
        .unwrap();
    let left = ses
        .get_configuration_set_event_destinations()
        .configuration_set_name("main")
        .send()
        .await
        .unwrap();
    assert_eq!(left.event_destinations().len(), 1);
    assert_eq!(left.event_destinations()[0].name(), "sns");
    expect_error(
        ses.delete_configuration_set_event_destination()
            .configuration_set_name("main")
            .event_destination_name("all-sns")
            .send()
            .await,
        "NotFoundException",
        404,
    );
}

#[tokio::test]
async fn every_target_kind_is_accepted_alone() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    ses.create_configuration_set()
        .configuration_set_name("targets")
        .send()
        .await
        .unwrap();
    let base = || EventDestinationDefinition::builder().matching_event_types(EventType::Send);
    let definitions = [
        base().event_bridge_destination(
            EventBridgeDestination::builder()
                .event_bus_arn("arn:aws:events:us-east-1:123456789012:event-bus/default")
                .build()
                .unwrap(),
        ),
        base().kinesis_firehose_destination(
            KinesisFirehoseDestination::builder()
                .iam_role_arn("arn:aws:iam::123456789012:role/ses-firehose")
                .delivery_stream_arn("arn:aws:firehose:us-east-1:123456789012:deliverystream/ses")
                .build()
                .unwrap(),
        ),
        base().pinpoint_destination(
            PinpointDestination::builder()
                .application_arn("arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc")
                .build(),
        ),
    ];
    for (i, definition) in definitions.into_iter().enumerate() {
        ses.create_configuration_set_event_destination()
            .configuration_set_name("targets")
            .event_destination_name(format!("target-{i}"))
            .event_destination(definition.build())
            .send()
            .await
            .unwrap();
    }
    let got = ses
        .get_configuration_set_event_destinations()
        .configuration_set_name("targets")
        .send()
        .await
        .unwrap();
    let destinations = got.event_destinations();
    assert!(destinations[0].event_bridge_destination().is_some());
    assert_eq!(
        destinations[1]
            .kinesis_firehose_destination()
            .unwrap()
            .iam_role_arn(),
        "arn:aws:iam::123456789012:role/ses-firehose"
    );
    assert!(destinations[2].pinpoint_destination().is_some());
}

#[tokio::test]
async fn event_destination_errors() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    set_with_one_destination(&ses, "main").await;

    let no_target = EventDestinationDefinition::builder()
        .matching_event_types(EventType::Send)
        .build();
    let two_targets = EventDestinationDefinition::builder()
        .matching_event_types(EventType::Send)
        .sns_destination(SnsDestination::builder().topic_arn(TOPIC).build().unwrap())
        .event_bridge_destination(
            EventBridgeDestination::builder()
                .event_bus_arn("arn:aws:events:us-east-1:123456789012:event-bus/default")
                .build()
                .unwrap(),
        )
        .build();
    for definition in [no_target, two_targets, sns_definition(&[])] {
        expect_error(
            ses.create_configuration_set_event_destination()
                .configuration_set_name("main")
                .event_destination_name("bad")
                .event_destination(definition)
                .send()
                .await,
            "BadRequestException",
            400,
        );
    }
    expect_error(
        ses.create_configuration_set_event_destination()
            .configuration_set_name("main")
            .event_destination_name("sns")
            .event_destination(sns_definition(&[EventType::Send]))
            .send()
            .await,
        "AlreadyExistsException",
        400,
    );
    expect_error(
        ses.create_configuration_set_event_destination()
            .configuration_set_name("missing")
            .event_destination_name("sns")
            .event_destination(sns_definition(&[EventType::Send]))
            .send()
            .await,
        "NotFoundException",
        404,
    );
    expect_error(
        ses.update_configuration_set_event_destination()
            .configuration_set_name("main")
            .event_destination_name("missing")
            .event_destination(sns_definition(&[EventType::Send]))
            .send()
            .await,
        "NotFoundException",
        404,
    );

    for i in 1..10 {
        ses.create_configuration_set_event_destination()
            .configuration_set_name("main")
            .event_destination_name(format!("extra-{i}"))
            .event_destination(sns_definition(&[EventType::Send]))
            .send()
            .await
            .unwrap();
    }
    expect_error(
        ses.create_configuration_set_event_destination()
            .configuration_set_name("main")
            .event_destination_name("eleventh")
            .event_destination(sns_definition(&[EventType::Send]))
            .send()
            .await,
        "LimitExceededException",
        400,
    );
}

#[tokio::test]
async fn deleting_a_set_deletes_its_destinations() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    set_with_one_destination(&ses, "main").await;
    ses.delete_configuration_set()
        .configuration_set_name("main")
        .send()
        .await
        .unwrap();
    expect_error(
        ses.get_configuration_set_event_destinations()
            .configuration_set_name("main")
            .send()
            .await,
        "NotFoundException",
        404,
    );
    ses.create_configuration_set()
        .configuration_set_name("main")
        .send()
        .await
        .unwrap();
    let got = ses
        .get_configuration_set_event_destinations()
        .configuration_set_name("main")
        .send()
        .await
        .unwrap();
    assert!(got.event_destinations().is_empty());
}
