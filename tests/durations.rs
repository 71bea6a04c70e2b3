//! Extreme durations, from the caller and from the server, never panic: `Duration::MAX`
//! means "as long as possible", and a server's absurd number is capped or refused. A token
//! endpoint's odd answers too: an `expires_in` of any shape is tolerated (clamped, with a
//! warning), and a token a header cannot carry is the endpoint's fault, named.
//! Regression: a token endpoint's `expires_in` of 9223372036854775807 (or 1e19) panicked
//! on `Instant` overflow; `max_wait(Duration::MAX)` and `poll_interval(Duration::MAX)`
//! panicked.

mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use auditkit::{
    Client, Error, Jitter, RateLimit, RetryPolicy, Vendor, qualtrics, qualtrics::Logins,
    testkit::VirtualTimer,
};
use common::{energycap_builder, log_json};
use serde_json::{Value, json};
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

/// A Qualtrics token endpoint answering `token` and `expires_in`, counting its calls, in
/// front of an empty audit log.
async fn token_server(token: &str, expires_in: Value) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    let body = json!({"access_token": token, "token_type": "Bearer", "expires_in": expires_in});
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(move |_: &wiremock::Request| {
            counter.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(200).set_body_json(body.clone())
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/API/v3/logs"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(common::qualtrics_page(json!([]), None)),
        )
        .mount(&server)
        .await;
    (server, issued)
}

fn oauth_client(server: &MockServer) -> Client {
    Client::builder()
        .qualtrics(
            qualtrics::Config::new(
                "iad1",
                qualtrics::Credentials::client_credentials("id", "secret"),
            )
            .base_url(format!("{}/API/v3", server.uri())),
        )
        .timer(Arc::new(VirtualTimer::new()))
        .build()
        .unwrap()
}

/// Regression (issue "hardening" point 10): `"expires_in": "3600"` was a decode error on
/// every call, and so were 7200.5 and 1e300; 0 and -5 asked for a token on every call.
/// Earlier: 9223372036854775807 (or 1e19) panicked on `Instant` overflow.
#[tokio::test]
async fn an_expires_in_of_any_shape_is_tolerated_and_the_token_kept() -> Result<(), Error> {
    let odd = [json!("3600"), json!(" 60 "), json!(7200.5), json!(1e300), json!("x")];
    let absurd =
        [json!(9_223_372_036_854_775_807_u64), json!(u64::MAX), json!(1e19), json!(-5), json!(0)];
    for expires_in in odd.into_iter().chain(absurd) {
        let (server, issued) = token_server("t-1", expires_in.clone()).await;
        let client = oauth_client(&server);

        client.qualtrics().list_events::<Logins>().send().await?;
        client.qualtrics().list_events::<Logins>().send().await?;

        assert_eq!(issued.load(Ordering::SeqCst), 1, "{expires_in}: one token for both calls");
    }
    Ok(())
}

/// Regression (issue "hardening" point 10): a token holding a line break was reported as
/// the client's configuration being wrong; it is the token endpoint's answer.
#[tokio::test]
async fn a_token_a_header_cannot_carry_is_an_error_naming_the_token_endpoint() {
    let (server, _) = token_server("line\nbreak", json!(3600)).await;

    let error = oauth_client(&server).qualtrics().list_events::<Logins>().send().await.unwrap_err();

    assert!(matches!(error, Error::Decode(_)), "not a configuration error: {error:?}");
    let text = error.to_string();
    assert!(text.contains(&format!("{}/oauth2/token", server.uri())), "{text}");
    assert!(text.contains("oauth_token") && text.contains("access_token"), "{text}");
    assert!(!text.contains("line\nbreak") && !format!("{error:?}").contains("break"), "{text}");
}
