//! Extreme durations, from the caller and from the server, never panic: `Duration::MAX`
//! means "as long as possible", and a server's absurd number is capped or refused.
//! Regression: a token endpoint's `expires_in` of 9223372036854775807 (or 1e19) panicked
//! on `Instant` overflow; `max_wait(Duration::MAX)` and `poll_interval(Duration::MAX)`
//! panicked.

mod common;

use std::{sync::Arc, time::Duration};

use auditkit::{Client, Jitter, RateLimit, RetryPolicy, Vendor, qualtrics, testkit::VirtualTimer};
use common::{energycap_builder, log_json};
use serde_json::json;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

#[tokio::test]
async fn every_duration_setter_takes_its_extremes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([log_json(1, "Complete")])))
        .mount(&server)
        .await;
    let (builder, timer) = energycap_builder(&server);
    let policy = RetryPolicy::default()
        .max_attempts(u32::MAX)
        .max_elapsed(Duration::MAX)
        .initial_backoff(Duration::MAX)
        .max_backoff(Duration::MAX)
        .retry_after_cap(Duration::MAX);
    let client = builder
        .retry(policy)
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .jitter(Jitter::fixed(1.0))
        .rate_limit(Vendor::EnergyCap, RateLimit::per_second(f64::MAX).burst(u32::MAX))
        .max_answer_size(usize::MAX)
        .max_in_flight(usize::MAX)
        .build()
        .unwrap();

    let logs = client.energycap().list_report_distribution_logs().send().await.unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(timer.sleeps().len(), 2, "two retries, each waiting as long as allowed");

    let done = client
        .energycap()
        .wait_for_distribution(1)
        .max_wait(Duration::MAX)
        .poll_interval(Duration::MAX)
        .await;
    assert!(done.is_err(), "the mock has no detail route: an error, not a panic");

    for tiny in [Duration::ZERO, Duration::from_nanos(1)] {
        let (builder, _) = energycap_builder(&server);
        let policy =
            RetryPolicy::default().initial_backoff(tiny).max_backoff(tiny).max_elapsed(tiny);
        assert!(builder.retry(policy).build().is_ok());
    }
}

#[tokio::test]
async fn a_servers_absurd_retry_after_is_capped() {
    for retry_after in
        ["18446744073709551615", "99999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"]
    {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", retry_after))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
            .mount(&server)
            .await;
        let (builder, timer) = energycap_builder(&server);
        let client = builder
            .retry(
                RetryPolicy::default()
                    .retry_after_cap(Duration::from_secs(30))
                    .max_elapsed(Duration::MAX),
            )
            .build()
            .unwrap();
        client.energycap().list_report_distribution_logs().send().await.unwrap();
        assert!(
            timer.sleeps().iter().all(|s| *s <= Duration::from_secs(30)),
            "{retry_after}: {:?}",
            timer.sleeps()
        );
    }
}

#[tokio::test]
async fn a_token_endpoints_absurd_lifetime_neither_panics_nor_sticks() {
    for expires_in in
        [json!(9_223_372_036_854_775_807_u64), json!(u64::MAX), json!(1e19), json!(-5), json!(0)]
    {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/oauth2/token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": "t", "expires_in": expires_in})),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/API/v3/logs"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(common::qualtrics_page(json!([]), None)),
            )
            .mount(&server)
            .await;
        let timer = Arc::new(VirtualTimer::new());
        let client = Client::builder()
            .qualtrics(
                qualtrics::Config::new(
                    "iad1",
                    qualtrics::Credentials::client_credentials("id", "secret"),
                )
                .base_url(format!("{}/API/v3", server.uri())),
            )
            .timer(timer)
            .build()
            .unwrap();
        // A lifetime the SDK can read works; one it cannot is a clear error. Never a panic.
        for _ in 0..2 {
            let outcome = client.qualtrics().list_events::<qualtrics::Logins>().send().await;
            if let Err(error) = outcome {
                assert!(error.to_string().contains("oauth_token"), "{expires_in}: {error}");
            }
        }
    }
}
