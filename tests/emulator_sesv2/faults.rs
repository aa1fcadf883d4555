//! Fault injection, seen through the SDK's retry behaviour.

use std::time::{Duration, Instant};

use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::config::timeout::TimeoutConfig;
use aws_sdk_sesv2::error::SdkError;
use sesform::emulator::{Control, Emulator, Fault};

use super::support::{REGION, client, expect_error};

fn statuses(control: &Control, operation: &str) -> Vec<Option<u16>> {
    control
        .calls()
        .into_iter()
        .filter(|call| call.operation == operation)
        .map(|call| call.status)
        .collect()
}

#[tokio::test]
async fn throttling_is_retried_until_success() {
    let emulator = Emulator::start().await.unwrap();
    let control = emulator.control();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    control
        .inject(Fault::throttle().only("GetAccount").times(2))
        .unwrap();
    ses.list_configuration_sets().send().await.unwrap();
    assert_eq!(statuses(&control, "ListConfigurationSets"), [Some(200)]);
    ses.get_account().send().await.unwrap();
    assert_eq!(
        statuses(&control, "GetAccount"),
        [Some(429), Some(429), Some(200)]
    );
    assert!(control.pending_faults().is_empty());
}

#[tokio::test]
async fn throttling_beyond_the_retry_budget_surfaces() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    emulator
        .control()
        .inject(Fault::throttle().times(3))
        .unwrap();
    expect_error(
        ses.get_account().send().await,
        "TooManyRequestsException",
        429,
    );
    assert_eq!(emulator.control().call_count("GetAccount"), 3);
}

#[tokio::test]
async fn server_errors_are_retried() {
    let emulator = Emulator::start().await.unwrap();
    let control = emulator.control();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    control.inject(Fault::server_error(500)).unwrap();
    control.inject(Fault::server_error(503)).unwrap();
    ses.get_account().send().await.unwrap();
    assert_eq!(
        statuses(&control, "GetAccount"),
        [Some(500), Some(503), Some(200)]
    );
}

#[tokio::test]
async fn any_modelled_error_can_be_injected() {
    let emulator = Emulator::start().await.unwrap();
    let control = emulator.control();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    control
        .inject(
            Fault::error(500, "ConcurrentModificationException")
                .only("CreateConfigurationSet")
                .times(3),
        )
        .unwrap();
    expect_error(
        ses.create_configuration_set()
            .configuration_set_name("main")
            .send()
            .await,
        "ConcurrentModificationException",
        500,
    );
    expect_error(
        ses.get_configuration_set()
            .configuration_set_name("main")
            .send()
            .await,
        "NotFoundException",
        404,
    );
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let emulator = Emulator::start().await.unwrap();
    let control = emulator.control();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    control
        .inject(Fault::drop_connection().only("GetAccount"))
        .unwrap();
    ses.get_account().send().await.unwrap();
    assert_eq!(statuses(&control, "GetAccount"), [None, Some(200)]);
}

#[tokio::test]
async fn dropped_connections_beyond_the_retry_budget_are_dispatch_failures() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    emulator
        .control()
        .inject(Fault::drop_connection().times(3))
        .unwrap();
    let error = ses.get_account().send().await.unwrap_err();
    assert!(
        matches!(error, SdkError::DispatchFailure(_)),
        "unexpected error: {error:?}"
    );
    assert_eq!(emulator.control().call_count("GetAccount"), 3);
}

#[tokio::test]
async fn a_delay_postpones_the_answer() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    emulator
        .control()
        .inject(Fault::delay(Duration::from_millis(300)).only("GetAccount"))
        .unwrap();
    let started = Instant::now();
    ses.get_account().send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(emulator.control().call_count("GetAccount"), 1);
}

#[tokio::test]
async fn a_delay_past_the_attempt_timeout_is_retried() {
    let emulator = Emulator::start().await.unwrap();
    let base = client(&emulator.endpoint_url(), REGION).await;
    let config = base
        .config()
        .to_builder()
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(Duration::from_millis(200))
                .build(),
        )
        .build();
    let ses = Client::from_conf(config);
    emulator
        .control()
        .inject(Fault::delay(Duration::from_secs(5)))
        .unwrap();
    let started = Instant::now();
    ses.get_account().send().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(emulator.control().call_count("GetAccount"), 2);
}
