//! The Qualtrics simulator, driven over HTTP with plain reqwest. The SDK against it is in
//! `tests/qualtrics.rs`.

use std::time::Duration;

use auditkit::testkit::{NextPageMode, Sandbox};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;
use url::Url;

use crate::http::{client, json};

/// GET `path` (relative to the Qualtrics API URL) with the sandbox's API token.
async fn get(sandbox: &Sandbox, path: &str) -> reqwest::Response {
    let url = sandbox.qualtrics_url().join(path).expect("a relative path joins");
    get_url(sandbox, url).await
}

/// GET an absolute URL (a `nextPage`) with the sandbox's API token.
async fn get_url(sandbox: &Sandbox, url: Url) -> reqwest::Response {
    client()
        .get(url)
        .header("X-API-TOKEN", sandbox.qualtrics_api_token())
        .send()
        .await
        .expect("the sandbox answers")
}

/// POST the client-credentials form to the token endpoint with HTTP Basic `id:secret`.
async fn token(sandbox: &Sandbox, id: &str, secret: &str) -> reqwest::Response {
    client()
        .post(sandbox.url().join("qualtrics/oauth2/token").expect("joins"))
        .basic_auth(id, Some(secret))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&scope=read%3Aactivity_logs")
        .send()
        .await
        .expect("the sandbox answers")
}

fn ids(page: &Value) -> Vec<String> {
    page["result"]["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .map(|event| event["id"].as_str().expect("an id").to_owned())
        .collect()
}

fn timestamp(event: &Value) -> DateTime<Utc> {
    let text = event["timestamp"].as_str().expect("a timestamp");
    DateTime::parse_from_rfc3339(text).expect("RFC 3339").to_utc()
}

/// An RFC 3339 query value.
fn param(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Follows `nextPage` URLs from `first` to the end; returns every id and the page count.
async fn drain_urls(sandbox: &Sandbox, first: &str) -> (Vec<String>, usize) {
    let mut page = json(get(sandbox, first).await).await;
    let (mut all, mut pages) = (ids(&page), 1);
    while let Some(next) = page["result"]["nextPage"].as_str() {
        let next = Url::parse(next).expect("nextPage is an absolute URL");
        assert_eq!(next.origin(), sandbox.url().origin());
        let response = get_url(sandbox, next).await;
        assert_eq!(response.status(), 200);
        page = json(response).await;
        all.extend(ids(&page));
        pages += 1;
    }
    (all, pages)
}

#[tokio::test]
async fn the_api_url_and_credentials_are_fixed() {
    let sandbox = Sandbox::start().await.unwrap();
    assert_eq!(sandbox.qualtrics_url().as_str(), format!("{}qualtrics/API/v3/", sandbox.url()));
    assert_eq!(sandbox.qualtrics_api_token(), "sandbox-qualtrics-token");
    assert_eq!(sandbox.qualtrics_client_id(), "sandbox-qualtrics-client");
    assert_eq!(sandbox.qualtrics_client_secret(), "sandbox-qualtrics-secret");
    assert!(format!("{:?}", sandbox.qualtrics()).contains("QualtricsSandbox"));
}

#[tokio::test]
async fn seeded_logins_of_the_last_week_list_oldest_first() {
    let sandbox = Sandbox::start().await.unwrap();
    let response = get(&sandbox, "logs?activityType=logins").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json; charset=utf-8");
    let page = json(response).await;
    assert_eq!(page["meta"]["httpStatus"], "200 - OK");
    assert!(page["meta"]["requestId"].is_string());
    assert_eq!(page["result"]["nextPage"], Value::Null);

    let events = page["result"]["elements"].as_array().unwrap();
    let all = sandbox.qualtrics().events("logins");
    assert!(!events.is_empty() && events.len() < all.len(), "{} of {}", events.len(), all.len());
    let week_ago = Utc::now() - TimeDelta::days(7);
    assert!(events.iter().all(|event| timestamp(event) >= week_ago));
    assert!(events.windows(2).all(|pair| timestamp(&pair[0]) <= timestamp(&pair[1])));
    let event = &events[0];
    for key in ["id", "timestamp", "datacenter", "source", "descriptor"] {
        assert!(event.get(key).is_some(), "{key} in {event}");
    }
    assert!(event["timestamp"].as_str().unwrap().ends_with('Z'));
    assert!(event["descriptor"]["location"]["postalCode"].is_string());
    assert!(all.iter().any(|event| event["descriptor"]["isSuccessful"] == false));
}

#[tokio::test]
async fn api_requests_without_valid_credentials_are_qualtrics_401s() {
    let sandbox = Sandbox::start().await.unwrap();
    let url = sandbox.qualtrics_url().join("logs?activityType=logins").unwrap();
    for request in [
        client().get(url.clone()),
        client().get(url.clone()).header("X-API-TOKEN", "not-the-token"),
        client().get(url.clone()).bearer_auth("sbx-token-1"),
    ] {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        let body = json(response).await;
        assert_eq!(body["meta"]["httpStatus"], "401 - Unauthorized");
        assert!(body["meta"]["error"]["errorCode"].as_str().unwrap().starts_with("AUTH_"));
        assert!(body["meta"]["error"]["errorMessage"].is_string());
        assert!(body["meta"]["requestId"].is_string());
    }
}

#[tokio::test]
async fn oauth_tokens_work_until_their_lifetime_ends() {
    let sandbox =
        Sandbox::builder().qualtrics_token_lifetime(Duration::from_secs(1)).start().await.unwrap();
    let id = sandbox.qualtrics_client_id().to_owned();
    let response = token(&sandbox, &id, "wrong-secret").await;
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("www-authenticate"));
    assert_eq!(json(response).await["error"], "invalid_client");
    assert_eq!(sandbox.qualtrics().tokens_issued(), 0);

    let response = token(&sandbox, &id, sandbox.qualtrics_client_secret()).await;
    assert_eq!(response.status(), 200);
    let answer = json(response).await;
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["expires_in"], 1);
    assert_eq!(answer["scope"], "read:activity_logs");
    let access_token = answer["access_token"].as_str().unwrap().to_owned();
    assert_eq!(access_token, "sbx-token-1");
    assert_eq!(sandbox.qualtrics().tokens_issued(), 1);

    let url = sandbox.qualtrics_url().join("logs/activitytypes").unwrap();
    let live = client().get(url.clone()).bearer_auth(&access_token).send().await.unwrap();
    assert_eq!(live.status(), 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let expired = client().get(url).bearer_auth(&access_token).send().await.unwrap();
    assert_eq!(expired.status(), 401);
    let message = json(expired).await["meta"]["error"]["errorMessage"].as_str().unwrap().to_owned();
    assert!(message.contains("expired"), "{message}");
}

#[tokio::test]
async fn activity_types_list_every_seeded_type() {
    let sandbox = Sandbox::start().await.unwrap();
    let body = json(get(&sandbox, "logs/activitytypes").await).await;
    let names: Vec<&str> = body["result"]["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|kind| kind["name"].as_str().unwrap())
        .collect();
    for name in ["logins", "session_creations", "session_terminations", "password_resets", "brands"]
    {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let logins =
        body["result"]["elements"].as_array().unwrap().iter().find(|k| k["name"] == "logins");
    assert_eq!(
        logins.unwrap()["additionalFilters"],
        serde_json::json!(["organizationId", "userId"])
    );
}

#[tokio::test]
async fn bad_queries_are_qualtrics_400s() {
    let sandbox = Sandbox::start().await.unwrap();
    for (query, code) in [
        ("logs", "QVAL_1"),
        ("logs?activityType=logins&pageSize=0", "QVAL_1"),
        ("logs?activityType=logins&pageSize=1001", "QVAL_1"),
        ("logs?activityType=logins&order=desc", "QVAL_1"),
        ("logs?activityType=logins&startDate=last%20week", "QVAL_1"),
        ("logs?activityType=logins&skipToken=", "QVAL_5"),
        ("logs?activityType=logins&skipToken=not-a-token", "QVAL_5"),
    ] {
        let response = get(&sandbox, query).await;
        assert_eq!(response.status(), 400, "{query}");
        let body = json(response).await;
        assert_eq!(body["meta"]["httpStatus"], "400 - Bad Request");
        assert_eq!(body["meta"]["error"]["errorCode"], code, "{query}");
    }
}

#[tokio::test]
async fn ten_thousand_events_page_through_full_urls_without_loss_or_repeats() {
    let sandbox = Sandbox::start().await.unwrap();
    let qualtrics = sandbox.qualtrics();
    qualtrics.clear_events();
    let to = Utc::now() - TimeDelta::hours(1);
    let from = to - TimeDelta::days(3);
    let seeded = qualtrics.seed_events("logins", 10_000, from, to);
    assert_eq!(seeded.len(), 10_000);

    let window = format!("startDate={}&endDate={}", param(from), param(to));
    let first = format!("logs?activityType=logins&{window}&pageSize=1000");
    let (asc, pages) = drain_urls(&sandbox, &first).await;
    assert_eq!(pages, 10);
    assert_eq!(asc, seeded);

    let newest = json(get(&sandbox, &format!("{first}&order=dsc")).await).await;
    let expected: Vec<String> = seeded.iter().rev().take(1000).cloned().collect();
    assert_eq!(ids(&newest), expected);
}

#[tokio::test]
async fn bare_tokens_page_with_skip_token() {
    let sandbox =
        Sandbox::builder().qualtrics_next_page(NextPageMode::BareToken).start().await.unwrap();
    let qualtrics = sandbox.qualtrics();
    let to = Utc::now();
    let from = to - TimeDelta::hours(2);
    let seeded = qualtrics.seed_events("password_resets", 25, from, to);
    let first = format!("logs?activityType=password_resets&startDate={}&pageSize=10", param(from));
    let mut page = json(get(&sandbox, &first).await).await;
    let mut all = ids(&page);
    while let Some(token) = page["result"]["nextPage"].as_str() {
        assert!(!token.contains("://"), "a bare token, not a URL: {token}");
        let mut url = sandbox.qualtrics_url().join(&first).unwrap();
        url.query_pairs_mut().append_pair("skipToken", token);
        page = json(get_url(&sandbox, url).await).await;
        all.extend(ids(&page));
    }
    assert_eq!(all, seeded);

    qualtrics.set_next_page(NextPageMode::FullUrl);
    let page = json(get(&sandbox, &first).await).await;
    assert!(page["result"]["nextPage"].as_str().unwrap().starts_with(sandbox.url().as_str()));
}

#[tokio::test]
async fn filters_narrow_the_listing_to_a_brand_and_a_user() {
    let sandbox = Sandbox::start().await.unwrap();
    let all = sandbox.qualtrics().events("logins");
    let first = &all[all.len() - 1]["descriptor"];
    let (brand, user) = (first["brandId"].as_str().unwrap(), first["userId"].as_str().unwrap());
    let (start, end) = (param(Utc::now() - TimeDelta::days(21)), param(Utc::now()));
    let query =
        format!("logs?activityType=logins&startDate={start}&endDate={end}&organizationId={brand}");
    let by_brand = json(get(&sandbox, &query).await).await;
    let events = by_brand["result"]["elements"].as_array().unwrap();
    assert!(!events.is_empty());
    assert!(events.iter().all(|event| event["descriptor"]["brandId"] == brand));
    let by_user = json(get(&sandbox, &format!("{query}&userId={user}")).await).await;
    let events = by_user["result"]["elements"].as_array().unwrap();
    assert!(!events.is_empty());
    assert!(events.iter().all(|event| event["descriptor"]["userId"] == user));
}
