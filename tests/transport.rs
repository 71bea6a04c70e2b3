//! The transport, written once for every vendor: retries and `Retry-After`, timeouts,
//! redirects that never carry credentials elsewhere, and secrets kept out of every output.
//! EnergyCAP on a wiremock server is the vehicle; nothing here is specific to it.

mod common;

use std::time::Duration;

use auditkit::{Client, Error, RetryPolicy, energycap};
use common::{
    ENERGYCAP_KEY, LOGS_PATH, energycap_builder, energycap_client, fail_then_succeed, log_json,
};
use serde_json::json;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{header, method, path},
};

#[tokio::test]
async fn two_503s_then_200_succeeds_after_three_requests() {
    let server = MockServer::start().await;
    fail_then_succeed(&server, 2, ResponseTemplate::new(503), json!([log_json(1, "Complete")]))
        .await;
    let (client, timer) = energycap_client(&server);

    let logs = client.energycap().list_report_distribution_logs().send().await.unwrap();

    assert_eq!(logs.len(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    let sleeps = timer.sleeps();
    assert_eq!(sleeps.len(), 2, "one backoff before each retry");
    assert!(
        sleeps[0] <= Duration::from_millis(250) && sleeps[1] <= Duration::from_millis(500),
        "{sleeps:?}"
    );
}

#[tokio::test]
async fn persistent_503_gives_up_at_the_attempt_limit_with_the_count_in_the_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let (builder, _) = energycap_builder(&server);
    let client = builder.retry(RetryPolicy::default().max_attempts(3)).build().unwrap();

    let error = client.energycap().list_report_distribution_logs().send().await.unwrap_err();

    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert!(error.is_retryable());
    assert!(error.to_string().contains("after 3 attempts"), "{error}");
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured_exactly() {
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        1,
        ResponseTemplate::new(429).insert_header("Retry-After", "7"),
        json!([]),
    )
    .await;
    let (client, timer) = energycap_client(&server);

    client.energycap().list_report_distribution_logs().send().await.unwrap();

    assert_eq!(timer.sleeps(), [Duration::from_secs(7)]);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = MockServer::start().await;
    let in_a_while = chrono::Utc::now() + chrono::Duration::seconds(30);
    fail_then_succeed(
        &server,
        1,
        ResponseTemplate::new(503)
            .insert_header("Retry-After", in_a_while.to_rfc2822().replace("+0000", "GMT")),
        json!([]),
    )
    .await;
    let (client, timer) = energycap_client(&server);

    client.energycap().list_report_distribution_logs().send().await.unwrap();

    let waited = timer.sleeps()[0];
    assert!(waited > Duration::from_secs(25) && waited <= Duration::from_secs(30), "{waited:?}");
}

#[tokio::test]
async fn an_absurd_retry_after_is_capped() {
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        1,
        ResponseTemplate::new(429).insert_header("Retry-After", "86400"),
        json!([]),
    )
    .await;
    let (builder, timer) = energycap_builder(&server);
    let client = builder
        .retry(RetryPolicy::default().retry_after_cap(Duration::from_secs(15)))
        .build()
        .unwrap();

    client.energycap().list_report_distribution_logs().send().await.unwrap();

    assert_eq!(timer.sleeps(), [Duration::from_secs(15)]);
}

#[tokio::test]
async fn a_retry_after_beyond_the_elapsed_budget_stops_retrying_and_reports_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "50"))
        .mount(&server)
        .await;
    let (builder, timer) = energycap_builder(&server);
    let client =
        builder.retry(RetryPolicy::default().max_elapsed(Duration::from_secs(20))).build().unwrap();

    let error = client.energycap().list_report_distribution_logs().send().await.unwrap_err();

    assert!(timer.sleeps().is_empty());
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!(api.retry_after(), Some(Duration::from_secs(50)));
    assert!(error.to_string().contains("rate limit"), "{error}");
}

#[tokio::test]
async fn a_redirect_to_another_origin_does_not_carry_the_api_key() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LOGS_PATH))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/moved/log", elsewhere.uri())),
        )
        .mount(&server)
        .await;
    let (client, _) = energycap_client(&server);

    client.energycap().list_report_distribution_logs().send().await.unwrap();

    let received = elsewhere.received_requests().await.unwrap();
    assert_eq!(received.len(), 1, "the redirect was followed");
    assert_eq!(received[0].url.path(), "/moved/log");
    assert!(received[0].headers.get("eci-apikey").is_none(), "the key leaked to another origin");
    assert!(received[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn a_redirect_within_the_same_origin_keeps_the_api_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LOGS_PATH))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("Location", "/api/v202106/reportdistribution/log2"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v202106/reportdistribution/log2"))
        .and(header("eci-apikey", ENERGYCAP_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([log_json(1, "Complete")])))
        .mount(&server)
        .await;
    let (client, _) = energycap_client(&server);

    assert_eq!(client.energycap().list_report_distribution_logs().send().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_redirect_to_plain_http_elsewhere_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(301).insert_header("Location", "http://attacker.example/steal"),
        )
        .mount(&server)
        .await;
    let (client, _) = energycap_client(&server);

    let error = client.energycap().list_report_distribution_logs().send().await.unwrap_err();

    let Error::Transport(transport) = &error else { panic!("{error:?}") };
    assert_eq!(transport.kind(), auditkit::TransportErrorKind::Redirect);
    assert!(error.to_string().contains("allow_insecure_http"), "{error}");
}

#[tokio::test]
async fn debug_output_of_client_config_and_errors_never_contains_the_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "denied"})))
        .mount(&server)
        .await;
    let config = energycap::Config::new(
        energycap::Host::UsEast,
        energycap::Credentials::api_key(ENERGYCAP_KEY),
    )
    .base_url(server.uri());
    let (builder, _) = energycap_builder(&server);
    let client = builder.build().unwrap();
    let error = client.energycap().list_report_distribution_logs().send().await.unwrap_err();
    let empty_key = Client::builder()
        .energycap(energycap::Config::new(
            energycap::Host::UsEast,
            energycap::Credentials::api_key(" "),
        ))
        .build()
        .unwrap_err();

    for text in [
        format!("{config:?}"),
        format!("{client:?}"),
        format!("{:?}", client.energycap()),
        format!("{error:?}"),
        format!("{error}"),
        format!("{empty_key:?}"),
    ] {
        assert!(!text.contains(ENERGYCAP_KEY), "the key leaked: {text}");
    }
}

#[tokio::test]
async fn a_request_timeout_is_retried_and_then_reported_as_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([]))
                .set_delay(Duration::from_millis(400)),
        )
        .mount(&server)
        .await;
    let (builder, _) = energycap_builder(&server);
    let client = builder
        .timeout(Duration::from_millis(100))
        .retry(RetryPolicy::default().max_attempts(2))
        .build()
        .unwrap();

    let error = client.energycap().list_report_distribution_logs().send().await.unwrap_err();

    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_vendors_rate_limit_spaces_its_requests_and_no_other_vendors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([log_json(1, "Complete")])))
        .mount(&server)
        .await;
    let (builder, timer) = energycap_builder(&server);
    let limited = auditkit::RateLimit::per_second(10.0).burst(1);
    let client = builder.rate_limit(auditkit::Vendor::EnergyCap, limited).build().unwrap();
    for _ in 0..3 {
        client.energycap().list_report_distribution_logs().send().await.unwrap();
    }
    assert_eq!(timer.sleeps(), [Duration::from_millis(100); 2]);

    let (builder, timer) = energycap_builder(&server);
    let client = builder.rate_limit(auditkit::Vendor::Qualtrics, limited).build().unwrap();
    for _ in 0..3 {
        client.energycap().list_report_distribution_logs().send().await.unwrap();
    }
    assert!(timer.sleeps().is_empty(), "EnergyCAP is not limited");
}
