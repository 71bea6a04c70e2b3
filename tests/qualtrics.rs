//! Qualtrics against wiremock: wire format, errors, paging guards, OAuth.

mod common;

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use auditkit::{
    Client, Error, SortOrder,
    qualtrics::{self, Event, LoginDescriptor, Logins},
};
use common::{QUALTRICS_TOKEN, fixture, qualtrics_client, qualtrics_page};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use wiremock::{
    Mock, MockServer, Request, ResponseTemplate,
    matchers::{header, method, path, query_param, query_param_is_missing},
};

fn login(id: &str) -> serde_json::Value {
    json!({"id": id, "timestamp": "2026-11-01T10:00:00.000Z", "datacenter": "ST3", "source": "s", "descriptor": {"userId": "UR_1"}})
}

/// A server answering every request with one last page: `e-1`, then `middle`, then `e-3`.
async fn one_page_around(middle: serde_json::Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    let page = qualtrics_page(json!([login("e-1"), middle, login("e-3")]), None);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;
    let (client, _) = qualtrics_client(&server);
    (server, client)
}

/// Regression: `"descriptor": null` failed its whole page, and resuming fetched the same
/// page again, forever.
#[tokio::test]
async fn a_null_descriptor_decodes_as_the_default_and_the_listing_goes_on() {
    let mut blank = login("e-2");
    blank["descriptor"] = serde_json::Value::Null;
    let (_server, client) = one_page_around(blank).await;

    let events: Vec<_> =
        client.qualtrics().list_events::<Logins>().items().try_collect().await.unwrap();

    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["e-1", "e-2", "e-3"]);
    assert_eq!(events[1].descriptor, LoginDescriptor::default());
    assert_eq!(events[0].descriptor.user_id.as_deref(), Some("UR_1"));
}

/// Regression: one timestamp in an unexpected spelling failed its page, and resuming fetched
/// the same page again, forever (also in `list_events_raw`). Now the event keeps the text.
#[tokio::test]
async fn an_event_with_an_unreadable_timestamp_is_listed_with_the_text_kept_raw_or_typed() {
    let mut odd = login("e-2");
    odd["timestamp"] = json!("16/09/2020 03:55");
    let (_server, client) = one_page_around(odd).await;

    let raw: Vec<_> =
        client.qualtrics().list_events_raw("logins").items().try_collect().await.unwrap();
    let ids: Vec<&str> = raw.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["e-1", "e-2", "e-3"]);
    assert_eq!(raw[1].timestamp, None);
    assert_eq!(raw[1].timestamp_unreadable, Some(json!("16/09/2020 03:55")));
    assert_eq!(raw[1].descriptor["userId"], "UR_1");
    assert!(raw[0].timestamp.is_some() && raw[0].timestamp_unreadable.is_none());
    // An archive of the raw events keeps the vendor's text under `timestamp`.
    let archived = serde_json::to_value(&raw[1]).unwrap();
    assert_eq!(archived["timestamp"], "16/09/2020 03:55");
    assert!(archived.get("timestamp_unreadable").is_none(), "{archived}");

    let typed: Vec<_> =
        client.qualtrics().list_events::<Logins>().items().try_collect().await.unwrap();
    assert_eq!(typed.len(), 3);
    assert_eq!(typed[1].timestamp_unreadable, Some(json!("16/09/2020 03:55")));
    assert_eq!(typed[1].descriptor.user_id.as_deref(), Some("UR_1"));
}

#[tokio::test]
async fn an_undecodable_event_fails_by_default_or_is_skipped_and_reported_on_request() {
    let server = MockServer::start().await;
    let mut odd = login("e-2");
    odd["descriptor"]["isSuccessful"] = json!("yes");
    let first = qualtrics_page(json!([login("e-1"), odd]), Some("t2".into()));
    Mock::given(method("GET"))
        .and(query_param("skipToken", "t2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(qualtrics_page(json!([login("e-3")]), None)),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param_is_missing("skipToken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .mount(&server)
        .await;
    let (client, _) = qualtrics_client(&server);

    let error = client.qualtrics().list_events::<Logins>().items().try_collect::<Vec<_>>().await;
    let Err(Error::Decode(decode)) = &error else { panic!("{error:?}") };
    assert_eq!(decode.path(), "[1].descriptor.isSuccessful");

    let set_aside = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = Arc::clone(&set_aside);
    let events: Vec<_> = client
        .qualtrics()
        .list_events::<Logins>()
        .skip_undecodable(move |item| {
            sink.lock().unwrap().push((item.raw_json().to_owned(), item.error().to_string()));
        })
        .items()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["e-1", "e-3"], "the listing went on past the bad event and its page");
    let set_aside = set_aside.lock().unwrap().clone();
    assert_eq!(set_aside.len(), 1);
    assert!(
        set_aside[0].0.contains("\"e-2\"") && set_aside[0].0.contains("\"yes\""),
        "{set_aside:?}"
    );
    assert!(set_aside[0].1.contains("[1].descriptor.isSuccessful"), "{set_aside:?}");

    // The raw listing does not read the descriptor, so it has nothing to fail on.
    let raw: Vec<_> =
        client.qualtrics().list_events_raw("logins").items().try_collect().await.unwrap();
    assert_eq!(raw.len(), 3);
    assert_eq!(raw[1].descriptor["isSuccessful"], "yes");
}

#[tokio::test]
async fn the_seed_example_decodes_into_login_events_with_every_field() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/API/v3/logs"))
        .and(query_param("activityType", "logins"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("qualtrics/list_events_logins.json"), "application/json"),
        )
        .mount(&server)
        .await;
    let (client, _) = qualtrics_client(&server);

    let page = client.qualtrics().list_events::<Logins>().send().await.unwrap();

    assert!(page.continuation().is_none(), "nextPage null is the last page");
    let event: &Event<Logins> = &page.items()[0];
    assert_eq!(event.id, "0ce7eda1-f815-4320-8fa7-fe0e3fd49412");
    assert_eq!(event.timestamp.unwrap().to_rfc3339(), "2020-11-13T19:13:40.793+00:00");
    assert_eq!(event.datacenter.as_deref(), Some("ST3"));
    assert_eq!(event.source.as_deref(), Some("login5-app.g1-iad.qops.net"));
    let d = &event.descriptor;
    assert_eq!(d.user_id.as_deref(), Some("UR_cVcNH0elQesua8J"));
    assert_eq!(d.username.as_deref(), Some("example@gmail.com"));
    assert_eq!(d.brand_id.as_deref(), Some("apidocs"));
    assert_eq!(d.session_id, None);
    assert_eq!(d.is_successful, Some(true));
    assert_eq!(d.failure_reason, None);
    assert_eq!(d.is_proxy_login, Some(false));
    assert_eq!(d.proxy_details, None);
    assert_eq!(d.product.as_deref(), Some("ControlPanel"));
    assert_eq!(
        d.url.as_deref(),
        Some(
            "https://apidocs.st3.qualtrics.com/login?path=%2FControlPanel%2F&product=ControlPanel"
        )
    );
    assert_eq!(d.ip_address.as_deref(), Some("165.225.38.31"));
    let location = d.location.as_ref().unwrap();
    assert_eq!(location.country_code.as_deref(), Some("US"));
    assert_eq!(location.region.as_deref(), Some("NJ"));
    assert_eq!(location.city.as_deref(), Some("Hoboken"));
    assert_eq!(location.postal_code.as_deref(), Some("07030"));
    assert_eq!(location.latitude, Some(40.742401123046875));
    assert_eq!(location.longitude, Some(-74.03250122070312));
    assert_eq!(
        (location.dma_code, location.area_code, location.metro_code),
        (Some(501), Some(201), Some(501))
    );
    let authentication = d.authentication.as_ref().unwrap();
    assert_eq!(authentication.method.as_deref(), Some("BASIC"));
    assert_eq!(
        (authentication.method_version.as_deref(), authentication.second_factor.as_ref()),
        (None, None)
    );
    let platform = d.platform.as_ref().unwrap();
    assert_eq!(platform.user_agent.as_deref(), Some("Chrome"));
    assert_eq!(platform.user_agent_version.as_deref(), Some("86.0.4240.198"));
    assert_eq!(platform.operating_system.as_deref(), Some("OS X"));
    assert_eq!(platform.operating_system_version.as_deref(), Some("10.15.6"));
    assert_eq!(platform.device_family.as_deref(), Some("Chrome"));
    assert!(d.other.is_empty(), "every seed field is typed: {:?}", d.other);
}

#[tokio::test]
async fn every_query_parameter_reaches_the_server_with_the_api_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(qualtrics_page(json!([]), None)))
        .mount(&server)
        .await;
    let (client, _) = qualtrics_client(&server);
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z").unwrap().to_utc();

    client
        .qualtrics()
        .list_events_raw("brands")
        .organization_id("org")
        .user_id("UR_1")
        .directory_id("POOL_1")
        .group_id("GR_1")
        .contact_id("CID_1")
        .page_size(1000)
        .order(SortOrder::Desc)
        .start_date(start)
        .end_date(start + chrono::Duration::days(3))
        .send()
        .await
        .unwrap();

    let request = &server.received_requests().await.unwrap()[0];
    let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    let expected = [
        ("activityType", "brands"),
        ("organizationId", "org"),
        ("userId", "UR_1"),
        ("directoryId", "POOL_1"),
        ("groupId", "GR_1"),
        ("contactId", "CID_1"),
        ("pageSize", "1000"),
        ("order", "dsc"),
        ("startDate", "2026-11-01T00:00:00.000Z"),
        ("endDate", "2026-11-04T00:00:00.000Z"),
    ];
    assert_eq!(query, expected.map(|(k, v)| (k.to_owned(), v.to_owned())));
    assert_eq!(request.headers.get("x-api-token").unwrap(), QUALTRICS_TOKEN);
}

#[tokio::test]
async fn a_qualtrics_error_body_feeds_code_message_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"meta": {"httpStatus": "400 - Bad Request", "error": {"errorMessage": "Invalid skipToken", "errorCode": "QVAL_5"}, "requestId": "b1e7"}})))
        .mount(&server)
        .await;
    let (client, _) = qualtrics_client(&server);

    let error = client.qualtrics().list_events::<Logins>().send().await.unwrap_err();

    assert_eq!(error.code(), Some("QVAL_5"));
    assert_eq!(error.request_id(), Some("b1e7"));
    let text = error.to_string();
    for part in ["Qualtrics", "list_events", "400", "QVAL_5", "Invalid skipToken", "b1e7"] {
        assert!(text.contains(part), "{part:?} missing from {text:?}");
    }
}

#[tokio::test]
async fn rate_limiting_is_retried_by_the_shared_policy() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "2"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(qualtrics_page(json!([login("a")]), None)),
        )
        .mount(&server)
        .await;
    let (client, timer) = qualtrics_client(&server);

    let page = client.qualtrics().list_events::<Logins>().send().await.unwrap();

    assert_eq!(page.len(), 1);
    assert_eq!(timer.sleeps(), [std::time::Duration::from_secs(2)]);
}

#[tokio::test]
async fn no_request_is_made_before_the_stream_is_polled() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(qualtrics_page(json!([login("a")]), None)),
        )
        .mount(&server)
        .await;
    let (client, _) = qualtrics_client(&server);

    let items = client.qualtrics().list_events::<Logins>().items();
    let pages = client.qualtrics().list_events::<Logins>().pages();
    tokio::task::yield_now().await;
    assert!(server.received_requests().await.unwrap().is_empty());

    let all: Vec<_> = items.try_collect().await.unwrap();
    assert_eq!(all.len(), 1);
    drop(pages);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_repeated_token_is_an_error_not_a_loop() {
    let server = MockServer::start().await;
    let again = format!("{}/API/v3/logs?activityType=logins&skipToken=same", server.uri());
    Mock::given(method("GET"))
        .and(query_param_is_missing("skipToken"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(qualtrics_page(json!([login("a")]), Some(again.clone()))),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("skipToken", "same"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(qualtrics_page(json!([login("b")]), Some(again))),
        )
        .mount(&server)
        .await;
    let (client, _) = qualtrics_client(&server);

    let results: Vec<_> = client.qualtrics().list_events::<Logins>().items().collect().await;

    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(results[0].as_ref().unwrap().id, "a");
    assert!(matches!(results[1], Err(Error::Pagination(_))), "{results:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_next_page_on_a_foreign_origin_is_refused_and_that_server_gets_nothing() {
    let foreign = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(qualtrics_page(json!([]), None)))
        .mount(&foreign)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(qualtrics_page(
            json!([login("a")]),
            Some(format!(
                "{}/API/v3/logs?activityType=logins&skipToken=secret-token",
                foreign.uri()
            )),
        )))
        .mount(&server)
        .await;
    let (client, _) = qualtrics_client(&server);

    let results: Vec<_> = client.qualtrics().list_events::<Logins>().items().collect().await;

    let error = results.last().unwrap().as_ref().unwrap_err();
    assert!(matches!(error, Error::Pagination(_)), "{error:?}");
    assert!(error.to_string().contains(&foreign.uri()), "{error}");
    assert!(foreign.received_requests().await.unwrap().is_empty());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let server = MockServer::start().await;
    let (client, _) = qualtrics_client(&server);
    let now = chrono::Utc::now();

    let cases = [
        client.qualtrics().list_events_raw("  ").send().await.unwrap_err(),
        client.qualtrics().list_events::<Logins>().page_size(0).send().await.unwrap_err(),
        client.qualtrics().list_events::<Logins>().user_id("").send().await.unwrap_err(),
        client
            .qualtrics()
            .list_events::<Logins>()
            .start_date(now)
            .end_date(now)
            .send()
            .await
            .unwrap_err(),
        client
            .qualtrics()
            .list_events::<Logins>()
            .max_pages(0)
            .items()
            .next()
            .await
            .unwrap()
            .unwrap_err(),
        // Regression: no upper bound client-side.
        client.qualtrics().list_events::<Logins>().page_size(1001).send().await.unwrap_err(),
        // Regression: sent as `+262142-…`.
        client
            .qualtrics()
            .list_events::<Logins>()
            .end_date(chrono::DateTime::<chrono::Utc>::MAX_UTC)
            .send()
            .await
            .unwrap_err(),
    ];

    for error in &cases {
        assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    }
    assert!(cases[2].to_string().contains("user_id"), "{}", cases[2]);
    assert!(cases[5].to_string().contains("1 to 1000"), "{}", cases[5]);
    assert!(cases[6].to_string().contains("end_date"), "{}", cases[6]);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn activity_types_list_names_and_filters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/API/v3/logs/activitytypes"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"result": {"elements": [
            {"name": "logins", "additionalFilters": ["organizationId", "userId"]},
            {"name": "brands"}
        ]}})))
        .mount(&server)
        .await;
    let (client, _) = qualtrics_client(&server);

    let kinds = client.qualtrics().list_activity_types().send().await.unwrap();

    assert_eq!(kinds.len(), 2);
    assert_eq!(kinds[0].name, "logins");
    assert_eq!(kinds[0].additional_filters, ["organizationId", "userId"]);
    assert!(kinds[1].additional_filters.is_empty());
}

/// A token endpoint that counts its calls and hands out `token-N` valid `expires_in` seconds.
async fn token_server(expires_in: u64) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .and(header("authorization", "Basic Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQ="))
        .respond_with(move |request: &Request| {
            let form = String::from_utf8_lossy(&request.body).into_owned();
            assert!(form.contains("grant_type=client_credentials") && form.contains("scope=read%3Aactivity_logs"), "{form}");
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            // A slow endpoint makes concurrent callers overlap on the first token.
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": format!("token-{n}"), "token_type": "Bearer", "expires_in": expires_in, "scope": "read:activity_logs"}))
                .set_delay(std::time::Duration::from_millis(100))
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/API/v3/logs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(qualtrics_page(json!([]), None)))
        .mount(&server)
        .await;
    (server, issued)
}

fn oauth_client(server: &MockServer) -> Client {
    Client::builder()
        .qualtrics(
            qualtrics::Config::new(
                "iad1",
                qualtrics::Credentials::client_credentials("client-id", "client-secret"),
            )
            .base_url(format!("{}/API/v3", server.uri())),
        )
        .build()
        .unwrap()
}

/// Regression: a 401 with a cached token never renewed it, so a revoked token failed every
/// call until its own expiry.
#[tokio::test]
async fn a_refused_oauth_token_is_renewed_once_and_the_call_retried() {
    let server = MockServer::start().await;
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(move |_: &Request| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": format!("token-{n}"), "expires_in": 3600}))
        })
        .mount(&server)
        .await;
    // The first token was revoked on the server's side.
    let revoked =
        json!({"meta": {"error": {"errorCode": "AUTH_6.1", "errorMessage": "token revoked"}}});
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(revoked))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/API/v3/logs"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(qualtrics_page(json!([login("e-1")]), None)),
        )
        .mount(&server)
        .await;
    let client = oauth_client(&server);

    let page = client.qualtrics().list_events::<Logins>().send().await.unwrap();

    assert_eq!(page.len(), 1);
    assert_eq!(issued.load(Ordering::SeqCst), 2, "one renewal");
    let api_calls = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .count();
    assert_eq!(api_calls, 2, "one retry");
}

#[tokio::test]
async fn a_credential_that_stays_refused_is_renewed_only_once() {
    let server = MockServer::start().await;
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(move |_: &Request| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": format!("token-{n}"), "expires_in": 3600}))
        })
        .mount(&server)
        .await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(401)).mount(&server).await;
    let client = oauth_client(&server);

    let error = client.qualtrics().list_events::<Logins>().send().await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(issued.load(Ordering::SeqCst), 2);
}

/// Regression: a token endpoint's redirect to another origin was followed and the foreign
/// token then used on the API.
#[tokio::test]
async fn a_token_endpoint_redirect_to_another_origin_is_refused() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/oauth2/token", elsewhere.uri())),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "foreign", "expires_in": 3600})),
        )
        .mount(&elsewhere)
        .await;
    let client = oauth_client(&server);

    let error = client.qualtrics().list_events::<Logins>().send().await.unwrap_err();

    assert!(error.to_string().contains("another origin"), "{error}");
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
    let api = server.received_requests().await.unwrap();
    assert!(api.iter().all(|r| r.method.as_str() == "POST"), "the API was never called");
}

#[tokio::test]
async fn oauth_asks_for_one_token_for_many_concurrent_calls() {
    let (server, issued) = token_server(3600).await;
    let client = oauth_client(&server);

    let calls = (0..16).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.qualtrics().list_events::<Logins>().send().await })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }

    assert_eq!(issued.load(Ordering::SeqCst), 1);
    let api_calls: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == "/API/v3/logs")
        .collect();
    assert_eq!(api_calls.len(), 16);
    assert!(api_calls.iter().all(|r| r.headers.get("authorization").unwrap() == "Bearer token-1"));
    assert!(api_calls.iter().all(|r| r.headers.get("x-api-token").is_none()));
}

#[tokio::test]
async fn an_expired_oauth_token_is_replaced_before_use() {
    let (server, issued) = token_server(1).await;
    let client = oauth_client(&server);

    client.qualtrics().list_events::<Logins>().send().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    client.qualtrics().list_events::<Logins>().send().await.unwrap();

    assert_eq!(issued.load(Ordering::SeqCst), 2);
    let api_calls: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == "/API/v3/logs")
        .collect();
    assert_eq!(api_calls[1].headers.get("authorization").unwrap(), "Bearer token-2");
}

#[tokio::test]
async fn a_failing_token_endpoint_is_an_error_naming_the_token_operation() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"error": "invalid_client", "error_description": "Client authentication failed"}),
        ))
        .mount(&server)
        .await;
    let client = oauth_client(&server);

    let error = client.qualtrics().list_events::<Logins>().send().await.unwrap_err();

    let text = error.to_string();
    assert!(
        text.contains("Qualtrics oauth_token")
            && text.contains("401")
            && text.contains("Client authentication failed"),
        "{text}"
    );
    assert!(
        server.received_requests().await.unwrap().iter().all(|r| r.url.path() == "/oauth2/token")
    );
}

/// Long listings against the sandbox: order, completeness, resume, faults mid-stream.
mod sandbox {
    use std::{collections::HashSet, sync::Arc, time::Duration};

    use auditkit::{
        Client, Error, RetryPolicy, SortOrder,
        pagination::Continuation,
        qualtrics::{ListEvents, Logins},
        testkit::{Fault, Sandbox, VirtualTimer},
    };
    use chrono::{DateTime, TimeZone, Utc};
    use futures::{StreamExt, TryStreamExt};

    const LOGS_PATH: &str = "/qualtrics/API/v3/logs";
    const SEEDED: usize = 10_000;

    fn window() -> (DateTime<Utc>, DateTime<Utc>) {
        (
            Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2025, 1, 6, 0, 0, 0).unwrap(),
        )
    }

    /// A sandbox with 10,000 logins in a window of their own, and their ids in time order.
    async fn seeded() -> (Sandbox, Vec<String>) {
        let sandbox = Sandbox::start().await.unwrap();
        let (from, to) = window();
        let ids = sandbox.qualtrics().seed_events("logins", SEEDED, from, to);
        assert_eq!(ids.len(), SEEDED);
        (sandbox, ids)
    }

    fn client(sandbox: &Sandbox) -> Client {
        sandbox.client_builder().timer(Arc::new(VirtualTimer::new())).build().unwrap()
    }

    fn logins(client: &Client, page_size: u32) -> ListEvents<Logins> {
        let (from, to) = window();
        client
            .qualtrics()
            .list_events::<Logins>()
            .start_date(from)
            .end_date(to)
            .order(SortOrder::Asc)
            .page_size(page_size)
    }

    /// A client that authenticates to the sandbox with OAuth client credentials.
    fn oauth_client(sandbox: &Sandbox) -> Client {
        Client::builder()
            .qualtrics(
                auditkit::qualtrics::Config::new(
                    "sandbox",
                    auditkit::qualtrics::Credentials::client_credentials(
                        sandbox.qualtrics_client_id(),
                        sandbox.qualtrics_client_secret(),
                    ),
                )
                .base_url(sandbox.qualtrics_url()),
            )
            .build()
            .unwrap()
    }

    /// The ids of every event of a listing, in the order streamed.
    async fn ids(listing: ListEvents<Logins>) -> Vec<String> {
        listing.items().map_ok(|event| event.id).try_collect().await.unwrap()
    }

    fn assert_exactly(streamed: &[String], seeded: &[String]) {
        assert_eq!(streamed.len(), seeded.len(), "count");
        let unique: HashSet<&String> = streamed.iter().collect();
        assert_eq!(unique.len(), streamed.len(), "duplicates");
        assert!(streamed == seeded, "not the seeded set in order");
    }

    #[tokio::test]
    async fn ten_thousand_events_stream_exactly_once_in_order() {
        let (sandbox, seeded) = seeded().await;

        let streamed: Vec<String> = ids(logins(&client(&sandbox), 250)).await;

        assert_exactly(&streamed, &seeded);
        assert_eq!(sandbox.requests().len(), SEEDED / 250, "one request per page");
    }

    #[tokio::test]
    async fn prefetch_streams_the_same_events() {
        let (sandbox, seeded) = seeded().await;

        let streamed: Vec<String> = ids(logins(&client(&sandbox), 250).prefetch(true)).await;

        assert_exactly(&streamed, &seeded);
        assert_eq!(sandbox.requests().len(), SEEDED / 250, "prefetch never fetches past the end");
    }

    #[tokio::test]
    async fn resuming_in_a_new_client_after_page_k_completes_the_set_exactly() {
        let (sandbox, seeded) = seeded().await;
        let mut first_run = Vec::new();
        let mut saved = String::new();
        let mut pages = logins(&client(&sandbox), 400).pages();
        for _ in 0..7 {
            let page = pages.try_next().await.unwrap().unwrap();
            first_run.extend(page.items().iter().map(|event| event.id.clone()));
            saved = serde_json::to_string(page.continuation().unwrap()).unwrap();
        }
        drop(pages); // the export "crashes" here

        let continuation: Continuation = serde_json::from_str(&saved).unwrap();
        let second_run: Vec<String> =
            ids(logins(&client(&sandbox), 400).resume(continuation)).await;

        assert_eq!(first_run.len(), 7 * 400);
        assert_exactly(&[first_run, second_run].concat(), &seeded);
    }

    /// The identity is the request's minus its paging parameters: the page size is one, so
    /// a continuation resumes with another page size (the token holds the position).
    #[tokio::test]
    async fn a_continuation_resumes_with_another_page_size_and_completes_the_set() {
        let (sandbox, seeded) = seeded().await;
        let mut pages = logins(&client(&sandbox), 400).pages();
        let first = pages.try_next().await.unwrap().unwrap();
        let continuation = first.continuation().unwrap().clone();
        drop(pages);

        let rest = ids(logins(&client(&sandbox), 1000).resume(continuation)).await;
        let first: Vec<String> = first.items().iter().map(|event| event.id.clone()).collect();
        assert_exactly(&[first, rest].concat(), &seeded);
    }

    /// Regression: a Logins checkpoint resumed a SessionCreations listing and lost half of
    /// its events.
    #[tokio::test]
    async fn a_continuation_from_another_listing_is_refused_before_any_request() {
        let (sandbox, _) = seeded().await;
        let page = logins(&client(&sandbox), 400).send().await.unwrap();
        let continuation = page.continuation().unwrap().clone();
        assert!(continuation.listing().is_some_and(|l| l.starts_with("qualtrics.list_events:")));
        sandbox.clear_requests();

        let (from, to) = window();
        let other = client(&sandbox)
            .qualtrics()
            .list_events::<auditkit::qualtrics::SessionCreations>()
            .start_date(from)
            .end_date(to)
            .page_size(400)
            .resume(continuation.clone())
            .send()
            .await
            .unwrap_err();
        assert!(matches!(&other, Error::InvalidInput(_)), "{other:?}");
        assert!(other.to_string().contains("another listing"), "{other}");
        let narrower =
            logins(&client(&sandbox), 400).user_id("UR_x").resume(continuation).send().await;
        assert!(matches!(narrower, Err(Error::InvalidInput(_))), "{narrower:?}");
        assert!(sandbox.requests().is_empty());
    }

    #[tokio::test]
    async fn a_continuation_saved_before_listings_were_marked_still_resumes() {
        let (sandbox, seeded) = seeded().await;
        let mut pages = logins(&client(&sandbox), 400).pages();
        let first = pages.try_next().await.unwrap().unwrap();
        let mut saved = serde_json::to_value(first.continuation().unwrap()).unwrap();
        saved.as_object_mut().unwrap().remove("listing");
        let old: Continuation = serde_json::from_value(saved).unwrap();

        let rest = ids(logins(&client(&sandbox), 400).resume(old)).await;
        let first: Vec<String> = first.items().iter().map(|event| event.id.clone()).collect();
        assert_exactly(&[first, rest].concat(), &seeded);
    }

    #[tokio::test]
    async fn a_503_mid_stream_loses_and_repeats_nothing() {
        let (sandbox, seeded) = seeded().await;
        sandbox.inject(Fault::status(503).path(LOGS_PATH).after(5).times(2));

        let streamed: Vec<String> = ids(logins(&client(&sandbox), 500)).await;

        assert_exactly(&streamed, &seeded);
        assert_eq!(sandbox.requests().len(), SEEDED / 500 + 2, "two retries of page 6");
    }

    #[tokio::test]
    async fn an_outage_longer_than_the_retries_resumes_from_the_last_page_without_loss() {
        let (sandbox, seeded) = seeded().await;
        sandbox.inject(Fault::status(503).path(LOGS_PATH).after(3).times(4));
        let client = sandbox
            .client_builder()
            .timer(Arc::new(VirtualTimer::new()))
            .retry(RetryPolicy::default().max_attempts(2))
            .build()
            .unwrap();

        let mut streamed = Vec::new();
        let mut checkpoint = None;
        let mut pages = logins(&client, 1000).pages();
        let error = loop {
            match pages.next().await {
                Some(Ok(page)) => {
                    streamed.extend(page.items().iter().map(|event| event.id.clone()));
                    checkpoint = page.continuation().cloned();
                }
                Some(Err(error)) => break error,
                None => panic!("the outage should have surfaced"),
            }
        };
        assert!(matches!(error, Error::Api(_)) && error.is_retryable(), "{error:?}");
        // Still down for two more requests: resuming now fails again, then succeeds.
        let checkpoint = checkpoint.unwrap();
        let again = logins(&client, 1000).resume(checkpoint.clone()).send().await.unwrap_err();
        assert_eq!(again.status().map(|s| s.as_u16()), Some(503));
        let rest: Vec<String> = ids(logins(&client, 1000).resume(checkpoint)).await;

        assert_exactly(&[streamed, rest].concat(), &seeded);
    }

    #[tokio::test]
    async fn a_sandbox_token_that_expires_is_replaced() {
        let sandbox = Sandbox::builder()
            .qualtrics_token_lifetime(Duration::from_secs(1))
            .start()
            .await
            .unwrap();
        let client = oauth_client(&sandbox);

        client.qualtrics().list_activity_types().send().await.unwrap();
        tokio::time::sleep(Duration::from_millis(1100)).await;
        client.qualtrics().list_activity_types().send().await.unwrap();

        assert_eq!(sandbox.qualtrics().tokens_issued(), 2);
    }
}

/// The SDK against the sandbox's defaults: the client side and the simulator agree on the
/// wire for every seeded activity type, both auth schemes and both `nextPage` forms.
mod sandbox_wire {
    use auditkit::{
        SortOrder,
        qualtrics::{self, Logins, PasswordResets, SessionCreations, SessionTerminations},
        testkit::{Fault, NextPageMode, Sandbox},
    };
    use chrono::{TimeDelta, Utc};
    use futures::TryStreamExt;

    /// Every event of a listing over the sandbox's whole seed (three weeks; the default
    /// window is only one).
    async fn whole_seed<A: qualtrics::ActivityType>(
        listing: qualtrics::ListEvents<A>,
    ) -> Vec<qualtrics::Event<A>> {
        let now = Utc::now();
        listing
            .start_date(now - TimeDelta::days(21))
            .end_date(now)
            .items()
            .try_collect()
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn the_sdk_streams_ten_thousand_events_in_ten_requests_either_way() {
        let sandbox = Sandbox::start().await.unwrap();
        let qualtrics = sandbox.qualtrics();
        qualtrics.clear_events();
        let to = Utc::now();
        let from = to - TimeDelta::days(5);
        let seeded = qualtrics.seed_events("logins", 10_000, from, to);
        let list = || {
            sandbox
                .client()
                .qualtrics()
                .list_events::<Logins>()
                .start_date(from)
                .end_date(to)
                .page_size(1000)
        };

        for mode in [NextPageMode::FullUrl, NextPageMode::BareToken] {
            qualtrics.set_next_page(mode);
            sandbox.clear_requests();
            let events: Vec<_> = list().items().try_collect().await.unwrap();
            let ids: Vec<String> = events.into_iter().map(|event| event.id).collect();
            assert_eq!(ids, seeded, "{mode:?}");
            assert_eq!(sandbox.requests().len(), 10, "{mode:?}");
        }

        let newest = list().order(SortOrder::Desc).send().await.unwrap();
        let newest: Vec<&str> = newest.items().iter().map(|event| event.id.as_str()).collect();
        let expected: Vec<&str> = seeded.iter().rev().take(1000).map(String::as_str).collect();
        assert_eq!(newest, expected);
    }

    #[tokio::test]
    async fn the_sdk_decodes_every_seeded_event_into_its_typed_descriptor() {
        let sandbox = Sandbox::start().await.unwrap();
        let service = sandbox.client().qualtrics();
        let logins: Vec<_> = whole_seed(service.list_events::<Logins>()).await;
        assert_eq!(logins.len(), sandbox.qualtrics().events("logins").len());
        assert!(logins.iter().any(|event| event.descriptor.is_successful == Some(false)));
        assert!(logins.iter().all(|event| event.descriptor.location.is_some()));
        let created: Vec<_> = whole_seed(service.list_events::<SessionCreations>()).await;
        assert!(created.iter().all(|event| event.descriptor.termination_timestamp.is_none()));
        let ended: Vec<_> = whole_seed(service.list_events::<SessionTerminations>()).await;
        assert!(!ended.is_empty());
        assert!(
            ended.iter().all(|event| event.descriptor.termination_timestamp == event.timestamp)
        );
        let resets: Vec<_> = whole_seed(service.list_events::<PasswordResets>()).await;
        assert!(resets.iter().all(|event| event.descriptor.validation_rules.is_some()));
        let brands: Vec<_> = whole_seed(service.list_events_raw("brands")).await;
        assert_eq!(brands.len(), 3);
        let kinds = service.list_activity_types().send().await.unwrap();
        assert!(kinds.iter().any(|kind| kind.name == "password_resets"));
    }

    #[tokio::test]
    async fn the_sdk_with_oauth_asks_for_one_token_and_reuses_it() {
        let sandbox = Sandbox::start().await.unwrap();
        let credentials = qualtrics::Credentials::client_credentials(
            sandbox.qualtrics_client_id(),
            sandbox.qualtrics_client_secret(),
        );
        let config =
            qualtrics::Config::new("sandbox", credentials).base_url(sandbox.qualtrics_url());
        let client = auditkit::Client::builder().qualtrics(config).build().unwrap();
        let events = whole_seed(client.qualtrics().list_events::<Logins>().page_size(3)).await;
        assert_eq!(events.len(), sandbox.qualtrics().events("logins").len());
        assert_eq!(sandbox.qualtrics().tokens_issued(), 1);

        let requests = sandbox.requests();
        let token_request = &requests[0];
        assert_eq!(token_request.path, "/qualtrics/oauth2/token");
        assert!(token_request.header("authorization").unwrap().starts_with("Basic "));
        let pages = &requests[1..];
        assert_eq!(pages.len(), events.len().div_ceil(3));
        assert!(
            pages
                .iter()
                .all(|request| request.header("authorization") == Some("Bearer sbx-token-1"))
        );
    }

    #[tokio::test]
    async fn the_sdk_with_a_bad_api_token_gets_a_401_with_the_request_id() {
        let sandbox = Sandbox::start().await.unwrap();
        let config = qualtrics::Config::new("sandbox", qualtrics::Credentials::api_token("wrong"))
            .base_url(sandbox.qualtrics_url());
        let client = auditkit::Client::builder().qualtrics(config).build().unwrap();
        let error = client.qualtrics().list_events::<Logins>().send().await.unwrap_err();
        assert_eq!(error.status().map(|status| status.as_u16()), Some(401));
        assert!(error.code().is_some_and(|code| code.starts_with("AUTH_")), "{error:?}");
        assert!(error.request_id().is_some(), "{error:?}");
    }

    #[tokio::test]
    async fn injected_faults_apply_to_qualtrics_paths() {
        let sandbox = Sandbox::start().await.unwrap();
        sandbox.inject(Fault::status(503).path("/qualtrics/API/v3/logs").times(2));
        let page = sandbox.client().qualtrics().list_events::<Logins>().send().await.unwrap();
        assert!(!page.items().is_empty());
        assert_eq!(sandbox.requests().len(), 3);
    }
}

/// A start without an end: the listing reads up to the client's now, never the server's
/// silent 7 days after the start, and a continuation saved in one process resumes in
/// another whose now is later.
mod open_end {
    use std::sync::Arc;

    use auditkit::{
        Client, Error,
        qualtrics::{self, Logins},
        testkit::VirtualTimer,
    };
    use chrono::{DateTime, TimeZone, Utc};
    use futures::TryStreamExt;
    use wiremock::{
        Mock, MockServer, ResponseTemplate,
        matchers::{method, path, query_param, query_param_is_missing},
    };

    use super::{QUALTRICS_TOKEN, login, qualtrics_page};

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    /// A client whose clock reads `now`, as a process started then would.
    fn client_at(server: &MockServer, now: DateTime<Utc>) -> Client {
        let config =
            qualtrics::Config::new("iad1", qualtrics::Credentials::api_token(QUALTRICS_TOKEN))
                .base_url(format!("{}/API/v3", server.uri()));
        let timer = Arc::new(VirtualTimer::starting_at(now));
        Client::builder().qualtrics(config).timer(timer).build().unwrap()
    }

    #[tokio::test]
    async fn a_start_alone_reads_up_to_now_and_a_continuation_resumes_under_a_later_now() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/API/v3/logs"))
            .and(query_param("startDate", "2026-11-01T00:00:00.000Z"))
            .and(query_param("endDate", "2026-11-20T10:00:00.000Z"))
            .and(query_param_is_missing("skipToken"))
            .respond_with(ResponseTemplate::new(200).set_body_json(qualtrics_page(
                serde_json::json!([login("e-1")]),
                Some("t-2".into()),
            )))
            .expect(1)
            .mount(&server)
            .await;
        // The resumed process: its own now, the saved token.
        Mock::given(method("GET"))
            .and(path("/API/v3/logs"))
            .and(query_param("startDate", "2026-11-01T00:00:00.000Z"))
            .and(query_param("endDate", "2026-11-22T08:00:00.000Z"))
            .and(query_param("skipToken", "t-2"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(qualtrics_page(serde_json::json!([login("e-2")]), None)),
            )
            .expect(1)
            .mount(&server)
            .await;

        let first = client_at(&server, at(20, 10))
            .qualtrics()
            .list_events::<Logins>()
            .start_date(at(1, 0))
            .send()
            .await
            .unwrap();
        let saved = serde_json::to_string(first.continuation().unwrap()).unwrap();

        let rest: Vec<_> = client_at(&server, at(22, 8))
            .qualtrics()
            .list_events::<Logins>()
            .start_date(at(1, 0))
            .resume(serde_json::from_str(&saved).unwrap())
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(rest.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["e-2"]);

        // The same start with an explicit end is another listing.
        let explicit = client_at(&server, at(22, 8))
            .qualtrics()
            .list_events::<Logins>()
            .start_date(at(1, 0))
            .end_date(at(22, 8))
            .resume(serde_json::from_str(&saved).unwrap())
            .send()
            .await;
        assert!(matches!(explicit, Err(Error::InvalidInput(_))), "{explicit:?}");
    }

    #[tokio::test]
    async fn an_end_alone_sends_no_start_and_a_start_after_now_is_refused_before_any_request() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/API/v3/logs"))
            .and(query_param_is_missing("startDate"))
            .and(query_param("endDate", "2026-11-10T00:00:00.000Z"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(qualtrics_page(serde_json::json!([]), None)),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = client_at(&server, at(20, 10));
        let page =
            client.qualtrics().list_events::<Logins>().end_date(at(10, 0)).send().await.unwrap();
        assert!(page.is_empty());

        let error = client
            .qualtrics()
            .list_events::<Logins>()
            .start_date(at(21, 0))
            .send()
            .await
            .unwrap_err();
        assert!(matches!(&error, Error::InvalidInput(_)), "{error:?}");
        assert!(error.to_string().contains("not before now"), "{error}");
    }
}

/// Regression: a 4 MiB page of 268,832 events when 100 were asked decoded to 430 MiB. A page
/// holding more than its `pageSize` is refused, and the events past it are never built.
#[tokio::test]
async fn a_page_with_more_events_than_its_page_size_is_refused() {
    let server = MockServer::start().await;
    let events: Vec<_> = (0..101).map(|n| login(&format!("e-{n}"))).collect();
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(qualtrics_page(json!(events), None)))
        .mount(&server)
        .await;
    let (client, _) = qualtrics_client(&server);

    let listing = client.qualtrics().list_events::<Logins>().page_size(100);
    let error = listing.send().await.unwrap_err();
    assert!(matches!(error, Error::Pagination(_)), "{error:?}");
    assert!(error.to_string().contains("101 items on one page when 100 were asked"), "{error}");

    let page = client.qualtrics().list_events::<Logins>().page_size(101).send().await.unwrap();
    assert_eq!(page.len(), 101);
    // Without a page size, Qualtrics' largest page is the bound.
    assert_eq!(client.qualtrics().list_events::<Logins>().send().await.unwrap().len(), 101);
}
