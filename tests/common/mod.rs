//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

pub mod crash;
pub mod logs;

use std::{sync::Arc, time::Duration};

use auditkit::{Client, ClientBuilder, RetryPolicy, energycap, testkit::VirtualTimer};
use serde_json::json;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::method};

pub const ENERGYCAP_KEY: &str = "test-energycap-key-7f3a";

/// A client builder for a wiremock server standing in for EnergyCAP, with a virtual
/// timer so retry waits are recorded instead of slept.
pub fn energycap_builder(server: &MockServer) -> (ClientBuilder, Arc<VirtualTimer>) {
    let timer = Arc::new(VirtualTimer::new());
    let builder = Client::builder()
        .energycap(
            energycap::Config::new(
                energycap::Host::UsEast,
                energycap::Credentials::api_key(ENERGYCAP_KEY),
            )
            .base_url(server.uri()),
        )
        .retry(RetryPolicy::default().max_attempts(4))
        .timeout(Duration::from_secs(5))
        .timer(timer.clone());
    (builder, timer)
}

pub fn energycap_client(server: &MockServer) -> (Client, Arc<VirtualTimer>) {
    let (builder, timer) = energycap_builder(server);
    (builder.build().expect("a valid test client"), timer)
}

pub fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR")))
        .expect("fixture exists")
}

pub const QUALTRICS_TOKEN: &str = "test-qualtrics-token-91c2";

/// A client for a wiremock server standing in for Qualtrics' `/API/v3`, with a virtual timer.
pub fn qualtrics_client(server: &MockServer) -> (Client, Arc<VirtualTimer>) {
    let timer = Arc::new(VirtualTimer::new());
    let client = Client::builder()
        .qualtrics(
            auditkit::qualtrics::Config::new(
                "iad1",
                auditkit::qualtrics::Credentials::api_token(QUALTRICS_TOKEN),
            )
            .base_url(format!("{}/API/v3", server.uri())),
        )
        .timer(timer.clone())
        .build()
        .expect("a valid test client");
    (client, timer)
}

/// A Qualtrics list answer.
pub fn qualtrics_page(elements: serde_json::Value, next_page: Option<String>) -> serde_json::Value {
    serde_json::json!({
        "result": {"elements": elements, "nextPage": next_page},
        "meta": {"httpStatus": "200 - OK", "requestId": "req-1"}
    })
}

/// The path of EnergyCAP's log list on a wiremock server.
pub const LOGS_PATH: &str = "/api/v202106/reportdistribution/log";

/// Answers GET requests with `failure` `times` times, then with `success`.
pub async fn fail_then_succeed(
    server: &MockServer,
    times: u64,
    failure: ResponseTemplate,
    success: serde_json::Value,
) {
    Mock::given(method("GET")).respond_with(failure).up_to_n_times(times).mount(server).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(success))
        .mount(server)
        .await;
}

pub fn log_json(id: i32, status: &str) -> serde_json::Value {
    json!({
        "beginDate": "2026-03-30T08:00:00",
        "endDate": null,
        "numberOfRecipients": 3,
        "reportDistribution": {
            "createdByUser": {"fullName": "Ada Lovelace", "userCode": "ada", "userId": 12},
            "reportCode": "BL-01",
            "reportDistributionId": 42,
            "reportDistributionName": "Monthly bills"
        },
        "reportDistributionLogId": id,
        "status": status
    })
}
