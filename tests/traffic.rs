//! `Client::traffic`: requests, retries and 429s counted per vendor, and the vendor's clock
//! read from its `Date` header.

mod common;

use auditkit::{Timer, Vendor};
use chrono::{TimeDelta, Utc};
use wiremock::{MockServer, ResponseTemplate};

#[tokio::test]
async fn a_429_then_a_success_counts_two_requests_one_retry_one_429_and_the_server_clock() {
    let server = MockServer::start().await;
    let (client, timer) = common::energycap_client(&server);
    // The server's clock is an hour ahead of the client's (the virtual timer's).
    let server_now = timer.wall_clock() + TimeDelta::hours(1);
    let date = server_now.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    common::fail_then_succeed(
        &server,
        1,
        ResponseTemplate::new(429).insert_header("retry-after", "1").insert_header("date", &*date),
        serde_json::json!([common::log_json(1, "Complete")]),
    )
    .await;
    let before = client.traffic(Vendor::EnergyCap);
    assert_eq!((before.requests, before.retries, before.rate_limited), (0, 0, 0));
    client.energycap().list_report_distribution_logs().send().await.unwrap();
    let traffic = client.traffic(Vendor::EnergyCap);
    assert_eq!((traffic.requests, traffic.retries, traffic.rate_limited), (2, 1, 1));
    // The success came with the mock server's own `Date` (the real clock): the offset is the
    // latest answer's, the real clock minus the virtual one.
    let offset = traffic.server_clock_offset.expect("a Date header was read");
    let expected = Utc::now() - timer.wall_clock();
    assert!((offset - expected).num_seconds().abs() <= 2, "{offset} vs {expected}");
    assert_eq!(client.traffic(Vendor::Qualtrics).requests, 0, "counted per vendor");
}

#[tokio::test]
async fn the_offset_is_the_dates_minus_the_clients_clock() {
    let server = MockServer::start().await;
    let (client, timer) = common::energycap_client(&server);
    let server_now = timer.wall_clock() - TimeDelta::days(2);
    let date = server_now.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("date", &*date)
                .set_body_json(serde_json::json!([])),
        )
        .mount(&server)
        .await;
    client.energycap().list_report_distribution_logs().send().await.unwrap();
    let offset = client.traffic(Vendor::EnergyCap).server_clock_offset.unwrap();
    assert!((offset + TimeDelta::days(2)).num_seconds().abs() <= 1, "{offset}");
}

#[tokio::test]
async fn probing_the_server_clock_sends_one_head_without_credentials_and_reads_its_date() {
    let server = MockServer::start().await;
    let (client, timer) = common::energycap_client(&server);
    let server_now = timer.wall_clock() - TimeDelta::days(2);
    let date = server_now.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    // An answer of any status tells the time.
    wiremock::Mock::given(wiremock::matchers::method("HEAD"))
        .respond_with(ResponseTemplate::new(404).insert_header("date", &*date))
        .mount(&server)
        .await;
    let offset = client.probe_server_clock(Vendor::EnergyCap).await.unwrap().unwrap();
    assert!((offset + TimeDelta::days(2)).num_seconds().abs() <= 1, "{offset}");
    let traffic = client.traffic(Vendor::EnergyCap);
    assert_eq!((traffic.requests, traffic.server_clock_offset), (1, Some(offset)));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert!(!requests[0].headers.contains_key("eci-apikey"), "no credentials on a probe");
    assert!(matches!(
        client.probe_server_clock(Vendor::Qualtrics).await,
        Err(auditkit::Error::NotConfigured(Vendor::Qualtrics))
    ));
}
