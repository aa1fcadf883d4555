//! Regions, call counters, reset, the HTTP control API, the wire format of errors and the
//! background (sync) mode.

use std::io::{Read, Write};
use std::time::Duration;

use aws_sdk_sesv2::types::VerificationStatus;
use sesform::emulator::{Emulator, Fault};

use super::support::{REGION, client, expect_error, parse_raw, raw_http};

#[tokio::test]
async fn regions_are_isolated() {
    let emulator = Emulator::start().await.unwrap();
    let us = client(&emulator.endpoint_url(), REGION).await;
    let eu = client(&emulator.endpoint_url(), "eu-west-1").await;
    us.create_email_identity()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    eu.create_configuration_set()
        .configuration_set_name("eu-only")
        .send()
        .await
        .unwrap();

    expect_error(
        eu.get_email_identity()
            .email_identity("example.com")
            .send()
            .await,
        "NotFoundException",
        404,
    );
    eu.create_email_identity()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    emulator
        .control()
        .verify_identity("eu-west-1", "example.com")
        .unwrap();
    let status = |out: aws_sdk_sesv2::operation::get_email_identity::GetEmailIdentityOutput| {
        out.verification_status().cloned()
    };
    assert_eq!(
        status(
            us.get_email_identity()
                .email_identity("example.com")
                .send()
                .await
                .unwrap()
        ),
        Some(VerificationStatus::Pending)
    );
    assert_eq!(
        status(
            eu.get_email_identity()
                .email_identity("example.com")
                .send()
                .await
                .unwrap()
        ),
        Some(VerificationStatus::Success)
    );
    assert!(
        us.list_configuration_sets()
            .send()
            .await
            .unwrap()
            .configuration_sets()
            .is_empty()
    );

    emulator
        .control()
        .set_account("eu-west-1", sesform::emulator::AccountPatch::production());
    assert!(
        !us.get_account()
            .send()
            .await
            .unwrap()
            .production_access_enabled()
    );
    assert!(
        eu.get_account()
            .send()
            .await
            .unwrap()
            .production_access_enabled()
    );

    let regions: Vec<String> = emulator
        .control()
        .calls()
        .into_iter()
        .filter(|call| call.operation == "GetAccount")
        .map(|call| call.region)
        .collect();
    assert_eq!(regions, ["us-east-1", "eu-west-1"]);
}

#[tokio::test]
async fn call_counters_and_reset() {
    let emulator = Emulator::start().await.unwrap();
    let control = emulator.control();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    ses.create_email_identity()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    for _ in 0..2 {
        ses.get_email_identity()
            .email_identity("example.com")
            .send()
            .await
            .unwrap();
    }
    let _ = ses
        .get_email_identity()
        .email_identity("missing.example.com")
        .send()
        .await;
    assert_eq!(control.call_count("CreateEmailIdentity"), 1);
    assert_eq!(control.call_count("GetEmailIdentity"), 3);
    assert_eq!(control.call_count("DeleteEmailIdentity"), 0);
    let counts = control.call_counts();
    assert_eq!(counts.len(), 2, "{counts:?}");
    let calls = control.calls();
    assert_eq!(calls.last().unwrap().status, Some(404));
    assert_eq!(
        calls.last().unwrap().path,
        "/v2/email/identities/missing.example.com"
    );
    assert!(calls.windows(2).all(|w| w[0].seq < w[1].seq));

    control.clear_calls();
    assert!(control.calls().is_empty());

    control.inject(Fault::throttle().times(5)).unwrap();
    control.reset();
    assert!(control.pending_faults().is_empty());
    expect_error(
        ses.get_email_identity()
            .email_identity("example.com")
            .send()
            .await,
        "NotFoundException",
        404,
    );
    assert_eq!(control.call_counts().len(), 1);
}

#[tokio::test]
async fn errors_carry_the_type_in_header_and_body() {
    let emulator = Emulator::start().await.unwrap();
    let url = emulator.endpoint_url();
    let response = raw_http(&url, "GET", "/v2/email/identities/missing.example.com", "").await;
    assert_eq!(response.status, 404);
    assert_eq!(
        response.header("x-amzn-ErrorType"),
        Some("NotFoundException")
    );
    assert!(response.header("x-amzn-RequestId").is_some());
    let body = response.json();
    assert_eq!(body["__type"], "NotFoundException");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("missing.example.com")
    );

    let response = raw_http(&url, "GET", "/v2/email/contact-lists", "").await;
    assert_eq!(response.status, 404);
    assert_eq!(response.json()["__type"], "UnknownOperationException");
    let response = raw_http(&url, "PATCH", "/v2/email/account", "").await;
    assert_eq!(response.status, 405);

    let response = raw_http(&url, "POST", "/v2/email/identities", "{not json").await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.header("x-amzn-ErrorType"),
        Some("BadRequestException")
    );

    let unknown: Vec<_> = emulator
        .control()
        .calls()
        .into_iter()
        .map(|call| (call.operation, call.status))
        .collect();
    assert_eq!(unknown[1], ("Unknown".to_owned(), Some(404)));
}

/// Older SDKs list with GET and query parameters; the answers are the same.
#[tokio::test]
async fn legacy_get_list_routes() {
    let emulator = Emulator::start().await.unwrap();
    let url = emulator.endpoint_url();
    let ses = client(&url, REGION).await;
    for name in ["a.example.com", "b.example.com"] {
        ses.create_email_identity()
            .email_identity(name)
            .send()
            .await
            .unwrap();
    }
    let first = raw_http(&url, "GET", "/v2/email/identities?PageSize=1", "")
        .await
        .json();
    assert_eq!(first["EmailIdentities"][0]["IdentityName"], "a.example.com");
    let token = first["NextToken"].as_str().expect("a next page");
    let second = raw_http(
        &url,
        "GET",
        &format!("/v2/email/identities?PageSize=1&NextToken={token}"),
        "",
    )
    .await
    .json();
    assert_eq!(
        second["EmailIdentities"][0]["IdentityName"],
        "b.example.com"
    );
    assert!(second.get("NextToken").is_none());
    let sets = raw_http(&url, "GET", "/v2/email/configuration-sets", "").await;
    assert_eq!(sets.json(), serde_json::json!({ "ConfigurationSets": [] }));
    assert_eq!(emulator.control().call_count("ListEmailIdentities"), 2);
}

#[tokio::test]
async fn http_control_api() {
    let emulator = Emulator::start().await.unwrap();
    let url = emulator.endpoint_url();
    let ses = client(&url, REGION).await;

    let health = raw_http(&url, "GET", "/_emulator/health", "").await;
    assert_eq!(
        (health.status, health.json()["status"].clone()),
        (200, "ok".into())
    );

    ses.create_email_identity()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    let verified = raw_http(&url, "POST", "/_emulator/identities/example.com/verify", "").await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    let got = ses
        .get_email_identity()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    assert!(got.verified_for_sending_status());
    let temp = raw_http(
        &url,
        "PUT",
        "/_emulator/identities/example.com/verification",
        r#"{"status": "TEMPORARY_FAILURE"}"#,
    )
    .await;
    assert_eq!(temp.status, 200, "{}", temp.body);
    let got = ses
        .get_email_identity()
        .email_identity("example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.verification_status(),
        Some(&VerificationStatus::TemporaryFailure)
    );
    let missing = raw_http(
        &url,
        "POST",
        "/_emulator/identities/nope.example.com/fail",
        "",
    )
    .await;
    assert_eq!(missing.status, 404);

    let account = raw_http(
        &url,
        "POST",
        "/_emulator/account?region=eu-west-1",
        r#"{"production_access_enabled": true, "max_send_rate": 14, "review": {"status": "GRANTED", "case_id": "77"}}"#,
    )
    .await;
    assert_eq!(account.status, 200, "{}", account.body);
    assert_eq!(account.json()["Details"]["ReviewDetails"]["CaseId"], "77");
    let eu = client(&url, "eu-west-1").await;
    let got = eu.get_account().send().await.unwrap();
    assert!(got.production_access_enabled());
    assert_eq!(got.send_quota().unwrap().max_send_rate(), 14.0);
    let typo = raw_http(&url, "POST", "/_emulator/account", r#"{"prod": true}"#).await;
    assert_eq!(typo.status, 400);
    let snapshot = raw_http(&url, "GET", "/_emulator/account", "").await;
    assert_eq!(snapshot.json()["ProductionAccessEnabled"], false);

    let fault = raw_http(
        &url,
        "POST",
        "/_emulator/faults",
        r#"{"kind": "throttle", "operation": "GetAccount", "times": 1}"#,
    )
    .await;
    assert_eq!(fault.status, 200, "{}", fault.body);
    assert_eq!(fault.json()["pending"].as_array().unwrap().len(), 1);
    let bad = raw_http(
        &url,
        "POST",
        "/_emulator/faults",
        r#"{"kind": "server_error", "status": 404}"#,
    )
    .await;
    assert_eq!(bad.status, 400);
    ses.get_account().send().await.unwrap();
    let pending = raw_http(&url, "GET", "/_emulator/faults", "").await;
    assert_eq!(pending.json()["pending"], serde_json::json!([]));
    raw_http(
        &url,
        "POST",
        "/_emulator/faults",
        r#"{"kind": "drop_connection"}"#,
    )
    .await;
    assert_eq!(
        raw_http(&url, "DELETE", "/_emulator/faults", "")
            .await
            .status,
        200
    );
    assert!(emulator.control().pending_faults().is_empty());

    let calls = raw_http(&url, "GET", "/_emulator/calls", "").await.json();
    assert_eq!(calls["counts"]["GetAccount"], 3, "{calls}");
    assert_eq!(calls["counts"]["CreateEmailIdentity"], 1);
    assert_eq!(calls["calls"][0]["operation"], "CreateEmailIdentity");
    assert_eq!(
        raw_http(&url, "DELETE", "/_emulator/calls", "")
            .await
            .status,
        200
    );
    assert!(emulator.control().calls().is_empty());

    assert_eq!(
        raw_http(&url, "POST", "/_emulator/reset", "").await.status,
        200
    );
    expect_error(
        ses.get_email_identity()
            .email_identity("example.com")
            .send()
            .await,
        "NotFoundException",
        404,
    );
    let unknown = raw_http(&url, "GET", "/_emulator/nothing", "").await;
    assert_eq!(unknown.status, 404);
    assert!(
        unknown.json()["error"]
            .as_str()
            .unwrap()
            .contains("/_emulator/nothing")
    );
}

/// Sync code (no runtime of its own) drives a background emulator over plain sockets.
#[test]
fn background_emulator_serves_sync_code_and_stops_on_drop() {
    let emulator = Emulator::start_background().unwrap();
    let addr = emulator.local_addr();
    assert!(addr.ip().is_loopback());
    assert_eq!(emulator.endpoint_url(), format!("http://{addr}"));

    let get = |path: &str| {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).unwrap();
        parse_raw(&raw)
    };
    assert_eq!(get("/_emulator/health").status, 200);
    let account = get("/v2/email/account");
    assert_eq!(account.status, 200);
    assert_eq!(account.json()["SendQuota"]["Max24HourSend"], 200.0);
    assert_eq!(emulator.control().call_count("GetAccount"), 1);

    drop(emulator);
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "the port is closed once the handle is dropped"
    );
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.local_addr();
    emulator.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
