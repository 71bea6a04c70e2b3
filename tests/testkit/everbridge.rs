//! The Everbridge simulator, driven over HTTP with plain reqwest. The SDK against it is in
//! `tests/everbridge.rs`.

use std::time::Duration;

use auditkit::{everbridge::ReportType, testkit::Sandbox};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;

use crate::http::{client, json};

const USER: &str = "sandbox-everbridge-user";
const PASSWORD: &str = "sandbox-everbridge-password";

fn today() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).unwrap()
}

async fn sandbox() -> Sandbox {
    Sandbox::builder().everbridge_today(today()).start().await.unwrap()
}

/// GET `reports/auditLog?{query}` with HTTP Basic.
async fn audit_log(sandbox: &Sandbox, query: &str) -> reqwest::Response {
    audit_log_with(&client(), sandbox, query).await
}

async fn audit_log_with(
    http: &reqwest::Client,
    sandbox: &Sandbox,
    query: &str,
) -> reqwest::Response {
    let url = sandbox.everbridge_url().join(&format!("reports/auditLog?{query}")).unwrap();
    http.get(url).basic_auth(USER, Some(PASSWORD)).send().await.unwrap()
}

async fn ok(sandbox: &Sandbox, query: &str) -> Value {
    ok_with(&client(), sandbox, query).await
}

async fn ok_with(http: &reqwest::Client, sandbox: &Sandbox, query: &str) -> Value {
    let response = audit_log_with(http, sandbox, query).await;
    assert_eq!(response.status(), 200, "{query}");
    json(response).await
}

fn entity_ids(page: &Value) -> Vec<i64> {
    page["data"].as_array().unwrap().iter().map(|e| e["entityId"].as_i64().unwrap()).collect()
}

/// A sandbox holding only `count` Security entries in May 2026, and their ids in order.
async fn may_only(count: usize) -> (Sandbox, Vec<i64>) {
    let sandbox = sandbox().await;
    sandbox.everbridge().clear_entries();
    let (from, to) = (
        Utc.with_ymd_and_hms(2026, 5, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap(),
    );
    let seeded = sandbox.everbridge().seed_entries(ReportType::Security, count, from, to);
    (sandbox, seeded)
}

const MAY: &str = "reportType=Security&from=2026-05-01T00:00:00&to=2026-05-31T23:59:59";

/// Opens a scroll over `range` and follows it to the empty batch; every id and the requests.
async fn drain_scroll(sandbox: &Sandbox, range: &str) -> (Vec<i64>, usize) {
    let http = client();
    let mut page = ok_with(&http, sandbox, &format!("{range}&queryType=scroll&pageNo=0")).await;
    let (mut all, mut requests) = (entity_ids(&page), 1);
    while !page["data"].as_array().unwrap().is_empty() {
        let id = page["scrollId"].as_str().unwrap().to_owned();
        let query = format!("{range}&queryType=scroll&pageNo=0&scrollId={id}");
        page = ok_with(&http, sandbox, &query).await;
        all.extend(entity_ids(&page));
        requests += 1;
    }
    (all, requests)
}

#[tokio::test]
async fn the_api_url_and_credentials_are_fixed() {
    let sandbox = sandbox().await;
    assert_eq!(sandbox.everbridge_url().as_str(), format!("{}everbridge/rest/", sandbox.url()));
    assert_eq!(sandbox.everbridge_username(), USER);
    assert_eq!(sandbox.everbridge_password(), PASSWORD);
    assert_eq!(sandbox.everbridge_token(), "sandbox-everbridge-token");
    assert_eq!(sandbox.everbridge_client_id(), "sandbox-everbridge-client");
    assert_eq!(sandbox.everbridge_client_secret(), "sandbox-everbridge-secret");
    assert!(format!("{:?}", sandbox.everbridge()).contains("EverbridgeSandbox"));
}

#[tokio::test]
async fn the_seed_spans_seven_months_with_one_empty_in_the_published_shape() {
    let sandbox = sandbox().await;
    let mut per_month = Vec::new();
    for (from, to) in [
        ("2026-01-15T12:00:00", "2026-01-31T23:59:59"),
        ("2026-02-01", "2026-02-28"),
        ("2026-03-01", "2026-03-31"),
        ("2026-04-01", "2026-04-30"),
        ("2026-05-01", "2026-05-31"),
        ("2026-06-01", "2026-06-30"),
        ("2026-07-01", "2026-07-15"),
    ] {
        let page = ok(&sandbox, &format!("reportType=Security&from={from}&to={to}&pageNo=1")).await;
        per_month.push(page["totalCount"].as_u64().unwrap());
    }
    assert_eq!(per_month[1..], [30, 30, 0, 30, 30, 30], "{per_month:?}");
    assert!(per_month[0] > 0 && per_month[0] < 30, "only the part within 6 months: {per_month:?}");
    let page = ok(&sandbox, &format!("{MAY}&pageNo=1")).await;
    assert_eq!(page["currentPageNo"], 1);
    assert_eq!(page["pageSize"], 100);
    let entry = &page["data"][0];
    for field in [
        "accountId",
        "accountName",
        "activityType",
        "entityId",
        "entityInfo",
        "eventResult",
        "eventTime",
        "eventType",
        "ipAddress",
        "operationType",
        "organizationId",
        "organizationName",
        "source",
        "type",
        "userId",
        "userName",
    ] {
        assert!(entry.get(field).is_some(), "{field} in {entry}");
    }
    assert_eq!(entry["eventTime"].as_str().unwrap().len(), "2020-09-16T03:55:47".len());
    assert_eq!(sandbox.everbridge().entries(ReportType::Contact).len(), 60);
}

#[tokio::test]
async fn page_query_pages_hold_100_up_to_the_10000_cap() {
    let (sandbox, seeded) = may_only(12_000).await;

    let first = ok(&sandbox, &format!("{MAY}&queryType=pageQuery&pageNo=1")).await;
    assert_eq!(
        (first["totalCount"].as_u64(), first["totalPageCount"].as_u64()),
        (Some(12_000), Some(120))
    );
    assert_eq!(entity_ids(&first), seeded[..100]);
    let last = ok(&sandbox, &format!("{MAY}&pageNo=100")).await;
    assert_eq!(
        (last["start"].as_u64(), entity_ids(&last)),
        (Some(9_900), seeded[9_900..10_000].to_vec())
    );
    for (page, message) in [("101", "Page number is too large"), ("0", "greater than 1")] {
        let refused = ok(&sandbox, &format!("{MAY}&pageNo={page}")).await;
        assert_eq!(
            (refused["success"].as_bool(), refused["type"].as_str()),
            (Some(false), Some("business"))
        );
        assert!(refused["message"].as_str().unwrap().contains(message), "{refused}");
    }
}

#[tokio::test]
async fn a_scroll_reads_every_entry_once_and_ends_with_an_empty_batch() {
    let (sandbox, seeded) = may_only(25_000).await;
    let everbridge = sandbox.everbridge();

    let (read, requests) = drain_scroll(&sandbox, MAY).await;

    assert_eq!(read, seeded);
    assert_eq!(requests, 251);
    assert_eq!(everbridge.open_scrolls(), 1);
    assert_eq!(everbridge.expire_scrolls(), 1);
}

#[tokio::test]
async fn an_expired_or_unknown_scroll_id_is_a_business_error() {
    let sandbox = Sandbox::builder()
        .everbridge_today(today())
        .everbridge_scroll_idle(Duration::from_millis(50))
        .start()
        .await
        .unwrap();
    let page = ok(&sandbox, &format!("{MAY}&queryType=scroll&pageNo=0")).await;
    let id = page["scrollId"].as_str().unwrap().to_owned();
    assert_eq!(sandbox.everbridge().open_scrolls(), 1);
    tokio::time::sleep(Duration::from_millis(80)).await;
    for scroll_id in [id.as_str(), "never-issued"] {
        let refused =
            ok(&sandbox, &format!("{MAY}&queryType=scroll&pageNo=0&scrollId={scroll_id}")).await;
        assert_eq!(refused["success"], false);
        assert!(refused["message"].as_str().unwrap().contains("scroll id"), "{refused}");
    }
    assert_eq!(sandbox.everbridge().open_scrolls(), 0);
}

#[tokio::test]
async fn range_rules_and_the_logging_policy_are_business_errors() {
    let sandbox = sandbox().await;
    for (query, message) in [
        (
            "reportType=Security&from=2026-05-20T00:00:00&to=2026-06-02T00:00:00&pageNo=1",
            "single calendar month",
        ),
        ("reportType=Security&from=2026-01-10&to=2026-01-20&pageNo=1", "past 6 months"),
    ] {
        let refused = ok(&sandbox, query).await;
        assert!(refused["message"].as_str().unwrap().contains(message), "{query}: {refused}");
    }
    sandbox.everbridge().set_logging_policy(false);
    let refused = ok(&sandbox, &format!("{MAY}&pageNo=1")).await;
    assert!(
        refused["message"].as_str().unwrap().contains("Event Logging, Reporting & Alerting Policy")
    );
    for query in [
        "reportType=Audit&from=2026-05-01&to=2026-05-02&pageNo=1",
        "reportType=Security&from=yesterday&to=2026-05-02",
    ] {
        sandbox.everbridge().set_logging_policy(true);
        let response = audit_log(&sandbox, query).await;
        assert_eq!(response.status(), 400, "{query}");
        let body = json(response).await;
        assert_eq!(body["status"], 400);
        assert!(body["message"].is_string());
    }
}

#[tokio::test]
async fn answers_can_be_wrapped() {
    let sandbox = sandbox().await;
    let bare = ok(&sandbox, &format!("{MAY}&pageNo=1")).await;
    sandbox.everbridge().set_wrapped(true);
    let wrapped = ok(&sandbox, &format!("{MAY}&pageNo=1")).await;
    assert_eq!(
        (wrapped["success"].as_bool(), wrapped["type"].as_str()),
        (Some(true), Some("Security"))
    );
    assert_eq!(wrapped["data"], bare);
}

#[tokio::test]
async fn the_three_auth_schemes_and_the_token_endpoint() {
    let sandbox = Sandbox::builder()
        .everbridge_today(today())
        .everbridge_token_lifetime(Duration::from_millis(1500))
        .start()
        .await
        .unwrap();
    let url = sandbox.everbridge_url().join(&format!("reports/auditLog?{MAY}&pageNo=1")).unwrap();
    let token_url = sandbox.url().join("everbridge/authorization/v1/tokens").unwrap();
    let grant = |client_secret: &str, scope: &str| {
        format!(
            "grant_type=password&client_id=sandbox-everbridge-client&client_secret={client_secret}&username={USER}&password={PASSWORD}&scope={scope}"
        )
    };
    let http = client();
    let post = |body: String| {
        http.post(token_url.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let refused = post(grant("wrong", "openid")).await.unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(json(refused).await["error"], "invalid_client");
    assert_eq!(post(grant("sandbox-everbridge-secret", "role")).await.unwrap().status(), 400);
    let token =
        json(post(grant("sandbox-everbridge-secret", "openid+user-profile+role")).await.unwrap())
            .await;
    assert_eq!(token["expires_in"], 1);
    let (id_token, access_token) =
        (token["id_token"].as_str().unwrap(), token["access_token"].as_str().unwrap());

    let get = |request: reqwest::RequestBuilder| async move {
        request.send().await.unwrap().status().as_u16()
    };
    assert_eq!(get(http.get(url.clone()).basic_auth(USER, Some(PASSWORD))).await, 200);
    assert_eq!(get(http.get(url.clone()).bearer_auth("sandbox-everbridge-token")).await, 200);
    assert_eq!(get(http.get(url.clone()).bearer_auth(id_token)).await, 200);
    assert_eq!(get(http.get(url.clone()).bearer_auth(access_token)).await, 401);
    assert_eq!(get(http.get(url.clone()).basic_auth(USER, Some("nope"))).await, 401);
    assert_eq!(get(http.get(url.clone())).await, 401);
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_eq!(get(http.get(url.clone()).bearer_auth(id_token)).await, 401, "expired");
    assert_eq!(sandbox.everbridge().tokens_issued(), 1);
}

#[tokio::test]
async fn shared_faults_apply_to_everbridge_paths() {
    let sandbox = sandbox().await;
    sandbox.inject(
        auditkit::testkit::Fault::status(503).path("/everbridge/rest/reports/auditLog").times(1),
    );
    assert_eq!(audit_log(&sandbox, &format!("{MAY}&pageNo=1")).await.status(), 503);
    assert_eq!(audit_log(&sandbox, &format!("{MAY}&pageNo=1")).await.status(), 200);
}
