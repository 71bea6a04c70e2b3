//! Everbridge's audit log through the SDK: against wiremock for the wire details (the
//! seed's example, business errors, OAuth), against the sandbox for long listings.

mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use auditkit::{
    Client, Error, Timer,
    everbridge::{AuditLogEntry, BusinessErrorKind, Config, Credentials, Region, ReportType},
    testkit::VirtualTimer,
};
use chrono::{DateTime, FixedOffset, TimeDelta, TimeZone, Utc};
use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, Request, ResponseTemplate,
    matchers::{body_string_contains, method, path},
};

use common::fixture;

const AUDIT_LOG: &str = "/rest/reports/auditLog";

fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

/// A client for a wiremock server standing in for `…/rest`, whose clock reads `today`.
fn wiremock_client(server: &MockServer, config: Config, today: DateTime<Utc>) -> Client {
    Client::builder()
        .everbridge(config.base_url(format!("{}/rest", server.uri())))
        .timer(Arc::new(VirtualTimer::starting_at(today)))
        .build()
        .unwrap()
}

fn basic() -> Config {
    Config::new(Region::Us, Credentials::basic("api-user", "api-password"))
}

/// A server that answers every audit log request with `body`.
async fn answering(body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(AUDIT_LOG))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn the_seed_example_decodes_bare_and_wrapped() {
    let bare: Value = serde_json::from_str(&fixture("everbridge/audit_log_page.json")).unwrap();
    let wrapped = json!({ "data": bare.clone(), "success": true, "type": "Security" });
    let mut pages = Vec::new();
    for body in [bare, wrapped] {
        let server = answering(body).await;
        let client = wiremock_client(&server, basic(), utc(2020, 9, 20));
        let log = client.everbridge().list_audit_log(
            ReportType::Security,
            utc(2020, 9, 1),
            utc(2020, 9, 17),
        );
        pages.push(log.page_query(1).send().await.unwrap());
    }
    assert_eq!(pages[0], pages[1]);
    let page = &pages[0];
    assert_eq!((page.current_page_no, page.scroll_id.as_deref()), (Some(0), Some("string")));
    let entry: &AuditLogEntry = &page.data[0];
    assert_eq!(entry.account_id, Some(295_910_361_792_516));
    assert_eq!(entry.organization_id, Some(295_910_361_792_520));
    assert_eq!(entry.user_id, Some(295_910_361_792_522));
    assert_eq!(entry.entity_id, Some(0));
    assert_eq!(entry.event_time, Some(Utc.with_ymd_and_hms(2020, 9, 16, 3, 55, 47).unwrap()));
    assert_eq!(entry.operation_type.as_deref(), Some("Update"));
    assert_eq!(entry.r#type.as_deref(), Some("audit-logs"));
    assert_eq!(entry.ip_address.as_deref(), Some("3.209.162.21"));
    assert!(entry.other.is_empty(), "every field of the example is modelled: {:?}", entry.other);
}

#[tokio::test]
async fn ids_past_a_float_unknown_fields_and_the_account_offset_survive_decoding() {
    let server = answering(json!({"data": [{
        "accountId": 9_007_199_254_740_993_i64, "eventTime": "2026-05-03T10:00:00",
        "riskScore": 7, "tags": ["a"]
    }], "scrollId": "s"}))
    .await;
    let pacific = FixedOffset::west_opt(7 * 3600).unwrap();
    let client = wiremock_client(&server, basic().event_time_offset(pacific), utc(2026, 5, 20));
    // May in the account's zone (with an offset, the range is the account's months).
    let (from, to) = (utc(2026, 5, 1) + TimeDelta::hours(7), utc(2026, 6, 1) + TimeDelta::hours(7));
    let log_of_may = || client.everbridge().list_audit_log(ReportType::Security, from, to);
    let page = log_of_may().page_query(1).send().await.unwrap();
    let entry = &page.data[0];
    assert_eq!(entry.account_id, Some(9_007_199_254_740_993));
    assert_eq!(entry.event_time, Some(Utc.with_ymd_and_hms(2026, 5, 3, 17, 0, 0).unwrap()));
    assert_eq!(entry.other["riskScore"], 7);
    assert_eq!(entry.other["tags"], json!(["a"]));
    // The listing (scroll) reads the time in the account's offset too.
    let scrolled = log_of_may().send().await.unwrap();
    assert_eq!(scrolled.items()[0].event_time, entry.event_time);
}

#[tokio::test]
async fn dates_go_out_as_whole_seconds_or_as_dates_with_the_switch() {
    let server = answering(json!({"data": []})).await;
    for (config, expected) in [
        (basic(), "from=2026-05-01T00%3A00%3A00&to=2026-05-31T23%3A59%3A59"),
        (basic().date_only(true), "from=2026-05-01&to=2026-05-31"),
    ] {
        let client = wiremock_client(&server, config, utc(2026, 6, 10));
        let log = client.everbridge().list_audit_log(
            ReportType::Contact,
            utc(2026, 5, 1),
            utc(2026, 6, 1),
        );
        log.page_query(3).send().await.unwrap();
        let requests = server.received_requests().await.unwrap();
        let query = requests.last().unwrap().url.query().unwrap().to_owned();
        assert_eq!(query, format!("reportType=Contact&{expected}&queryType=pageQuery&pageNo=3"),);
    }
}

#[tokio::test]
async fn each_business_message_maps_to_its_kind_and_keeps_the_message() {
    let cases = [
        (
            "Page number is too large, from * size must be less than or equal to: [10000]. The pagination API of pageQuery type only returns a subset of records, you can set queryType to scroll to get all records in batch.",
            BusinessErrorKind::PageTooLarge,
        ),
        (
            "The current account does not enable 'Event Logging, Reporting & Alerting Policy'.",
            BusinessErrorKind::LoggingPolicyNotEnabled,
        ),
        (
            "The date range must be within a single calendar month.",
            BusinessErrorKind::RangeNotInOneMonth,
        ),
        (
            "The date range must be within the past 6 months.",
            BusinessErrorKind::RangeOlderThanSixMonths,
        ),
        ("The page number should be greater than 1.", BusinessErrorKind::PageNumberTooSmall),
        ("Something Everbridge added later.", BusinessErrorKind::Other),
    ];
    for (message, kind) in cases {
        let server =
            answering(json!({"success": false, "type": "business", "message": message})).await;
        let client = wiremock_client(&server, basic(), utc(2026, 6, 10));
        let log = client.everbridge().list_audit_log(
            ReportType::Security,
            utc(2026, 5, 1),
            utc(2026, 6, 1),
        );
        let error = log.page_query(1).send().await.unwrap_err();

        assert_eq!(BusinessErrorKind::of(&error), Some(kind), "{message}");
        assert_eq!(error.code(), Some(kind.code()));
        let Error::Api(api) = &error else { panic!("{error:?}") };
        assert_eq!((api.status().as_u16(), api.message()), (200, Some(message)));
        assert!(error.to_string().contains("Everbridge audit_log"), "{error}");
        assert!(!error.is_retryable());
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "a business error is not retried"
        );
    }
}

#[tokio::test]
async fn message_and_status_bodies_become_api_errors_with_the_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"message": "Bad credentials", "status": 401})),
        )
        .mount(&server)
        .await;
    let client = wiremock_client(&server, basic(), utc(2026, 6, 10));
    let log =
        client.everbridge().list_audit_log(ReportType::Security, utc(2026, 5, 1), utc(2026, 6, 1));
    let error = log.page_query(1).send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(BusinessErrorKind::of(&error), None);
    assert!(error.to_string().contains("Bad credentials"), "{error}");
}

/// A token endpoint that counts its calls and hands out `id-N` (and `access-N`) living
/// `expires_in` seconds, and an audit log that answers an empty page.
async fn token_server(expires_in: u64) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    Mock::given(method("POST"))
        .and(path("/authorization/v1/tokens"))
        .and(body_string_contains("grant_type=password"))
        .and(body_string_contains("scope=openid+user-profile+role"))
        .and(body_string_contains("client_id=client-id&client_secret=client-secret&username=api-user&password=api-password"))
        .respond_with(move |_: &Request| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            // A slow endpoint makes concurrent callers overlap on the first token.
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": format!("access-{n}"), "id_token": format!("id-{n}"),
                                      "token_type": "Bearer", "expires_in": expires_in}))
                .set_delay(Duration::from_millis(100))
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(AUDIT_LOG))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(&server)
        .await;
    (server, issued)
}

fn oauth_client(server: &MockServer, timer: Arc<VirtualTimer>) -> Client {
    let credentials =
        Credentials::password_grant("client-id", "client-secret", "api-user", "api-password");
    Client::builder()
        .everbridge(Config::new(Region::Us, credentials).base_url(format!("{}/rest", server.uri())))
        .timer(timer)
        .build()
        .unwrap()
}

async fn audit_log_authorizations(server: &MockServer) -> Vec<String> {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .filter(|r| r.url.path() == AUDIT_LOG)
        .map(|r| r.headers.get("authorization").unwrap().to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_password_grant_asks_once_under_concurrency_and_sends_the_id_token() {
    let (server, issued) = token_server(8 * 3600).await;
    let client = oauth_client(&server, Arc::new(VirtualTimer::new()));
    let (from, to) = (Utc::now() - chrono::Duration::hours(2), Utc::now());

    let calls = (0..16).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .everbridge()
                .list_audit_log(ReportType::Security, from, to)
                .page_query(1)
                .send()
                .await
        })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }

    assert_eq!(issued.load(Ordering::SeqCst), 1);
    let sent = audit_log_authorizations(&server).await;
    assert_eq!(sent.len(), 16);
    assert!(sent.iter().all(|header| header == "Bearer id-1"), "{sent:?}");
}

#[tokio::test]
async fn the_id_token_is_replaced_before_its_eight_hours_end() {
    let (server, issued) = token_server(8 * 3600).await;
    let timer = Arc::new(VirtualTimer::new());
    let client = oauth_client(&server, timer.clone());
    let read = || {
        let (from, to) = (timer.wall_clock() - chrono::Duration::hours(2), timer.wall_clock());
        client.everbridge().list_audit_log(ReportType::Security, from, to).page_query(1).send()
    };

    read().await.unwrap();
    timer.sleep(Duration::from_secs(7 * 3600 + 58 * 60)).await;
    read().await.unwrap();
    timer.sleep(Duration::from_secs(60)).await;
    read().await.unwrap();

    assert_eq!(issued.load(Ordering::SeqCst), 2);
    assert_eq!(
        audit_log_authorizations(&server).await,
        ["Bearer id-1", "Bearer id-1", "Bearer id-2"]
    );
}

#[tokio::test]
async fn a_token_answer_without_id_token_is_an_error_that_names_the_scope() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "a", "expires_in": 60})),
        )
        .mount(&server)
        .await;
    let client = oauth_client(&server, Arc::new(VirtualTimer::new()));
    let (from, to) = (Utc::now() - chrono::Duration::hours(2), Utc::now());
    let error = client
        .everbridge()
        .list_audit_log(ReportType::Security, from, to)
        .page_query(1)
        .send()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("Everbridge oauth_token")
            && error.to_string().contains("openid"),
        "{error}"
    );
    assert!(
        server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .all(|r| r.url.path() == "/authorization/v1/tokens")
    );
}

#[test]
fn credentials_and_configs_never_print_their_secrets() {
    let printed = format!(
        "{:?} {:?}",
        Config::new(
            Region::Eu,
            Credentials::password_grant("id", "s3cr3t-client", "u", "s3cr3t-pass")
        ),
        Credentials::bearer("s3cr3t-token")
    );
    assert!(!printed.contains("s3cr3t"), "{printed}");
    assert_eq!(Region::Eu.url(), "https://api.everbridge.eu/rest");
}

/// Long listings against the sandbox: three months of 25,000 entries read every way, with
/// faults, resumes and an expiring scroll; validation; the sandbox's business errors.
mod sandbox {
    use std::{collections::HashSet, sync::Arc, time::Duration};

    use auditkit::{
        Client, Error,
        everbridge::{BusinessErrorKind, Config, Credentials, ListAuditLog, Region, ReportType},
        pagination::{Continuation, Cursor},
        testkit::{Fault, Sandbox, VirtualTimer},
    };
    use chrono::{DateTime, TimeZone, Utc};
    use futures::{StreamExt, TryStreamExt};

    use super::utc;

    const AUDIT_LOG_PATH: &str = "/everbridge/rest/reports/auditLog";
    const SEEDED: usize = 25_000;

    fn today() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).unwrap()
    }

    /// March, April and May 2026: three calendar-month windows.
    fn three_months() -> (DateTime<Utc>, DateTime<Utc>) {
        (utc(2026, 3, 1), utc(2026, 6, 1))
    }

    /// A sandbox whose today is [`today`], holding only `count` Security entries spread
    /// over `[from, to)`, and their entity ids in the order the API lists them.
    async fn seeded(count: usize, from: DateTime<Utc>, to: DateTime<Utc>) -> (Sandbox, Vec<i64>) {
        let sandbox = Sandbox::builder().everbridge_today(today()).start().await.unwrap();
        sandbox.everbridge().clear_entries();
        let ids = sandbox.everbridge().seed_entries(ReportType::Security, count, from, to);
        assert_eq!(ids.len(), count);
        (sandbox, ids)
    }

    async fn three_months_seeded() -> (Sandbox, Vec<i64>) {
        let (from, to) = three_months();
        seeded(SEEDED, from, to).await
    }

    /// A client of the sandbox whose clock reads [`today`] and whose waits are instant.
    fn client(sandbox: &Sandbox) -> Client {
        sandbox
            .client_builder()
            .timer(Arc::new(VirtualTimer::starting_at(today())))
            .build()
            .unwrap()
    }

    fn security(client: &Client, from: DateTime<Utc>, to: DateTime<Utc>) -> ListAuditLog {
        client.everbridge().list_audit_log(ReportType::Security, from, to)
    }

    fn three_month_log(client: &Client) -> ListAuditLog {
        let (from, to) = three_months();
        security(client, from, to)
    }

    async fn ids(log: ListAuditLog) -> Vec<i64> {
        log.items().map_ok(|entry| entry.entity_id.unwrap()).try_collect().await.unwrap()
    }

    fn assert_exactly(streamed: &[i64], seeded: &[i64]) {
        assert_eq!(streamed.len(), seeded.len(), "count");
        let unique: HashSet<&i64> = streamed.iter().collect();
        assert_eq!(unique.len(), streamed.len(), "duplicates");
        assert!(streamed == seeded, "not the seeded set in order");
    }

    #[tokio::test]
    async fn items_over_three_months_yield_exactly_the_seeded_entries_in_order() {
        let (sandbox, seeded) = three_months_seeded().await;

        let streamed = ids(three_month_log(&client(&sandbox))).await;

        assert_exactly(&streamed, &seeded);
        let requests = sandbox.requests();
        let opened = requests
            .iter()
            .filter(|r| !r.query.as_deref().unwrap_or("").contains("scrollId"))
            .count();
        assert_eq!(opened, 3, "one scroll per month");
        assert!(
            requests.iter().all(|r| r
                .query
                .as_deref()
                .unwrap_or("")
                .contains("queryType=scroll&pageNo=0"))
        );
        assert_eq!(
            sandbox.everbridge().open_scrolls(),
            3,
            "each ended by an empty batch, not dropped"
        );
    }

    #[tokio::test]
    async fn wrapped_answers_stream_the_same_entries() {
        let (sandbox, seeded) = three_months_seeded().await;
        sandbox.everbridge().set_wrapped(true);

        assert_exactly(&ids(three_month_log(&client(&sandbox))).await, &seeded);
    }

    #[tokio::test]
    async fn prefetch_streams_the_same_entries() {
        let (sandbox, seeded) = three_months_seeded().await;

        assert_exactly(&ids(three_month_log(&client(&sandbox)).prefetch(true)).await, &seeded);
    }

    #[tokio::test]
    async fn prefetch_streams_the_same_entries_from_wrapped_answers() {
        let (sandbox, seeded) = three_months_seeded().await;
        sandbox.everbridge().set_wrapped(true);

        assert_exactly(&ids(three_month_log(&client(&sandbox)).prefetch(true)).await, &seeded);
    }

    #[tokio::test]
    async fn three_months_read_at_once_yield_the_same_entries_in_order() {
        let (sandbox, seeded) = three_months_seeded().await;

        assert_exactly(&ids(three_month_log(&client(&sandbox)).concurrency(3)).await, &seeded);
        assert_eq!(sandbox.everbridge().open_scrolls(), 3, "one scroll per month, each to its end");
    }

    #[tokio::test]
    async fn an_entry_that_does_not_decode_is_set_aside_when_asked_and_fails_the_page_otherwise() {
        let (sandbox, seeded) = seeded(250, utc(2026, 5, 1), utc(2026, 6, 1)).await;
        sandbox.everbridge().add_entry(
            ReportType::Security,
            serde_json::json!({"eventTime": "2026-05-20T10:00:00", "accountId": "not a number"}),
        );
        let client = client(&sandbox);
        let may = || security(&client, utc(2026, 5, 1), utc(2026, 6, 1));

        let error = may().items().try_collect::<Vec<_>>().await.unwrap_err();
        let Error::Decode(decode) = &error else { panic!("{error:?}") };
        assert!(decode.path().ends_with("accountId"), "{error}");

        let set_aside = Arc::new(std::sync::Mutex::new(Vec::new()));
        let keep = set_aside.clone();
        let read = ids(may().skip_undecodable(move |item| {
            keep.lock().unwrap().push(item.raw_json().to_owned());
        }))
        .await;
        assert_exactly(&read, &seeded);
        let set_aside = set_aside.lock().unwrap();
        assert_eq!(set_aside.len(), 1);
        assert!(set_aside[0].contains("not a number"), "{set_aside:?}");
    }

    #[tokio::test]
    async fn a_continuation_resumes_only_the_listing_it_came_from() {
        let (sandbox, _) = seeded(250, utc(2026, 5, 1), utc(2026, 6, 1)).await;
        let client = client(&sandbox);
        let (from, to) = (utc(2026, 5, 1), utc(2026, 6, 1));
        let first =
            security(&client, from, to).page_query_pages().try_next().await.unwrap().unwrap();
        let from_pages = first.continuation().unwrap().clone();
        sandbox.clear_requests();
        let elsewhere = security(&client, utc(2026, 6, 1), utc(2026, 7, 1));
        for (log, resumed) in [(security(&client, from, to), "items"), (elsewhere, "another range")]
        {
            let error = log.resume(from_pages.clone()).items().try_next().await.unwrap_err();
            assert!(matches!(error, Error::InvalidInput(_)), "{resumed}: {error}");
        }
        assert!(sandbox.requests().is_empty());
    }

    #[tokio::test]
    async fn a_503_burst_mid_stream_loses_and_repeats_nothing() {
        let (sandbox, seeded) = three_months_seeded().await;
        sandbox.inject(Fault::status(503).path(AUDIT_LOG_PATH).after(120).times(3));

        let streamed = ids(three_month_log(&client(&sandbox))).await;

        assert_exactly(&streamed, &seeded);
        assert_eq!(sandbox.pending_faults(), 0, "the burst happened");
    }

    /// Reads `.pages()` until a few pages into `window`, "crashes", and resumes in a
    /// new client from the last continuation saved.
    async fn resume_from_a_continuation_saved_in(window: u32) {
        let (sandbox, seeded) = three_months_seeded().await;
        let mut first_run = Vec::new();
        let mut saved = String::new();
        let mut pages = three_month_log(&client(&sandbox)).pages();
        let mut pages_in_window = 0;
        while pages_in_window < 5 {
            let page = pages.try_next().await.unwrap().unwrap();
            first_run.extend(page.items().iter().map(|entry| entry.entity_id.unwrap()));
            let continuation = page.continuation().unwrap();
            pages_in_window += u32::from(continuation.window() == window);
            saved = serde_json::to_string(continuation).unwrap();
        }
        drop(pages); // the export "crashes" here

        let continuation: Continuation = serde_json::from_str(&saved).unwrap();
        assert_eq!(continuation.window(), window);
        assert!(matches!(continuation.cursor(), Some(Cursor::Scroll(_))), "{saved}");
        let second_run = ids(three_month_log(&client(&sandbox)).resume(continuation)).await;

        assert_exactly(&[first_run, second_run].concat(), &seeded);
    }

    #[tokio::test]
    async fn a_continuation_saved_in_the_first_month_resumes_in_a_new_client_without_loss() {
        resume_from_a_continuation_saved_in(0).await;
    }

    #[tokio::test]
    async fn a_continuation_saved_in_the_second_month_resumes_in_a_new_client_without_loss() {
        resume_from_a_continuation_saved_in(1).await;
    }

    #[tokio::test]
    async fn a_continuation_saved_in_the_third_month_resumes_in_a_new_client_without_loss() {
        resume_from_a_continuation_saved_in(2).await;
    }

    #[tokio::test]
    async fn a_scroll_that_expires_mid_window_resumes_from_the_errors_continuation() {
        let (sandbox, seeded) = three_months_seeded().await;
        let mut items = three_month_log(&client(&sandbox)).items();
        let mut first_run = Vec::new();
        // Into the second month, mid-way through a page.
        while first_run.len() < 9_050 {
            first_run.push(items.try_next().await.unwrap().unwrap().entity_id.unwrap());
        }
        assert_eq!(sandbox.everbridge().expire_scrolls(), 2);

        let error = loop {
            match items.next().await.unwrap() {
                Ok(entry) => first_run.push(entry.entity_id.unwrap()),
                Err(error) => break error,
            }
        };
        assert!(error.is_retryable(), "{error}");
        let Error::Pagination(expired) = &error else { panic!("{error:?}") };
        assert!(expired.is_cursor_expired(), "{error}");
        assert!(error.to_string().contains("scroll"), "{error}");
        let continuation = expired.continuation().unwrap().clone();
        assert_eq!(continuation.window(), 1);
        assert_eq!(continuation.cursor(), None, "the window restarts");
        assert!(items.next().await.is_none(), "the stream ends after the error");

        let second_run = ids(three_month_log(&client(&sandbox)).resume(continuation)).await;
        assert_exactly(&[first_run, second_run].concat(), &seeded);
    }

    #[tokio::test]
    async fn a_scroll_answer_lost_on_the_way_is_noticed_and_resumed_without_loss() {
        let (sandbox, seeded) = three_months_seeded().await;
        // The simulator moves the scroll on, then the answer is cut off; the retry gets
        // the batch after the lost one.
        sandbox.inject(Fault::cut_body().path(AUDIT_LOG_PATH).after(100).times(1));
        let mut items = three_month_log(&client(&sandbox)).items();
        let mut first_run = Vec::new();
        let error = loop {
            match items.next().await.unwrap() {
                Ok(entry) => first_run.push(entry.entity_id.unwrap()),
                Err(error) => break error,
            }
        };
        let Error::Pagination(jumped) = &error else { panic!("{error:?}") };
        assert!(jumped.is_cursor_expired() && error.to_string().contains("jumped"), "{error}");
        assert_eq!(first_run, seeded[..first_run.len()], "nothing skipped before the error");

        let continuation = jumped.continuation().unwrap().clone();
        let second_run = ids(three_month_log(&client(&sandbox)).resume(continuation)).await;
        assert_exactly(&[first_run, second_run].concat(), &seeded);
    }

    #[tokio::test]
    async fn a_scroll_idle_too_long_on_the_sandbox_clock_expires_too() {
        let sandbox = Sandbox::builder()
            .everbridge_today(today())
            .everbridge_scroll_idle(Duration::from_millis(50))
            .start()
            .await
            .unwrap();
        let mut pages = security(&client(&sandbox), utc(2026, 6, 1), utc(2026, 7, 1)).pages();
        let first = pages.try_next().await.unwrap().unwrap();
        assert_eq!(first.len(), 30);
        tokio::time::sleep(Duration::from_millis(80)).await;
        let error = pages.try_next().await.unwrap_err();
        assert!(matches!(&error, Error::Pagination(e) if e.is_cursor_expired()), "{error}");
    }

    #[tokio::test]
    async fn pages_on_a_month_of_12000_entries_end_with_the_cap_error_after_page_100() {
        let (sandbox, seeded) = seeded(12_000, utc(2026, 5, 1), utc(2026, 6, 1)).await;
        let mut pages =
            security(&client(&sandbox), utc(2026, 5, 1), utc(2026, 6, 1)).page_query_pages();
        let mut read = Vec::new();
        let error = loop {
            match pages.next().await.unwrap() {
                Ok(page) => read.extend(page.items().iter().map(|e| e.entity_id.unwrap())),
                Err(error) => break error,
            }
        };
        assert_eq!(read, seeded[..10_000], "the first 10,000, in order");
        assert_eq!(sandbox.requests().len(), 100, "no request for page 101");
        let Error::Pagination(cap) = &error else { panic!("{error:?}") };
        assert!(
            cap.message().contains(".pages()") && cap.message().contains(".items()"),
            "{error}"
        );
        assert!(pages.next().await.is_none());
        assert!(
            sandbox.requests().iter().all(|r| r
                .query
                .as_deref()
                .unwrap_or("")
                .contains("queryType=pageQuery"))
        );
    }

    #[tokio::test]
    async fn pages_of_a_small_month_end_at_total_page_count() {
        let (sandbox, seeded) = seeded(250, utc(2026, 5, 1), utc(2026, 6, 1)).await;
        let pages: Vec<_> = security(&client(&sandbox), utc(2026, 5, 1), utc(2026, 6, 1))
            .page_query_pages()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(pages.iter().map(|p| p.len()).collect::<Vec<_>>(), [100, 100, 50]);
        let read: Vec<i64> =
            pages.iter().flat_map(|p| p.items()).map(|e| e.entity_id.unwrap()).collect();
        assert_eq!(read, seeded);
        assert_eq!(sandbox.requests().len(), 3);
    }

    #[tokio::test]
    async fn scroll_opens_with_page_zero_and_passes_the_scroll_id_back() {
        let (sandbox, seeded) = seeded(250, utc(2026, 5, 1), utc(2026, 6, 1)).await;
        let pages: Vec<_> = security(&client(&sandbox), utc(2026, 5, 1), utc(2026, 6, 1))
            .pages()
            .try_collect()
            .await
            .unwrap();
        let read: Vec<i64> =
            pages.iter().flat_map(|p| p.items()).map(|e| e.entity_id.unwrap()).collect();
        assert_eq!(read, seeded);
        let queries: Vec<String> =
            sandbox.requests().iter().map(|r| r.query.clone().unwrap_or_default()).collect();
        assert_eq!(queries.len(), 4, "three batches and the empty end: {queries:#?}");
        assert!(queries[0].ends_with("queryType=scroll&pageNo=0"), "{}", queries[0]);
        assert!(
            queries[1..]
                .iter()
                .all(|q| q.ends_with("queryType=scroll&pageNo=0&scrollId=sbx-scroll-1"))
        );
    }

    #[tokio::test]
    async fn an_empty_month_in_the_range_is_fine() {
        // The default seed leaves the fourth of its seven months (April 2026) empty.
        let sandbox = Sandbox::builder().everbridge_today(today()).start().await.unwrap();
        let client = client(&sandbox);
        let count = |from, to| {
            let log = security(&client, from, to);
            async move { log.items().try_collect::<Vec<_>>().await.unwrap().len() }
        };
        assert_eq!(count(utc(2026, 4, 1), utc(2026, 5, 1)).await, 0);
        assert_eq!(count(utc(2026, 3, 1), utc(2026, 6, 1)).await, 60);
        assert_eq!(count(utc(2026, 2, 1), today()).await, 150);
    }

    #[tokio::test]
    async fn each_validation_failure_is_refused_before_any_request() {
        let sandbox = Sandbox::builder().everbridge_today(today()).start().await.unwrap();
        let client = client(&sandbox);
        let may = (utc(2026, 5, 1), utc(2026, 6, 1));
        let april_to_june = (utc(2026, 4, 20), utc(2026, 6, 2));
        let too_old = (utc(2026, 1, 10), utc(2026, 1, 20));
        let reversed = (utc(2026, 5, 9), utc(2026, 5, 2));
        let log = |(from, to): (DateTime<Utc>, DateTime<Utc>)| security(&client, from, to);
        let first_page =
            |log: ListAuditLog| async move { log.page_query_pages().try_next().await.map(|_| ()) };
        let items = |log: ListAuditLog| async move { log.items().try_next().await.map(|_| ()) };
        let page = |log: ListAuditLog, n| async move { log.page_query(n).send().await.map(|_| ()) };
        let date_only = Client::builder()
            .everbridge(
                Config::new(
                    Region::Us,
                    Credentials::basic(
                        sandbox.everbridge_username(),
                        sandbox.everbridge_password(),
                    ),
                )
                .base_url(sandbox.everbridge_url())
                .date_only(true),
            )
            .timer(Arc::new(VirtualTimer::starting_at(today())))
            .build()
            .unwrap();
        let cases: Vec<(&str, Result<(), Error>)> = vec![
            ("not before", items(log(reversed)).await),
            ("not before", page(log(reversed), 1).await),
            (".items()", first_page(log(april_to_june)).await),
            (".items()", page(log(april_to_june), 1).await),
            ("past 6 months", items(log(too_old)).await),
            ("past 6 months", page(log(too_old), 1).await),
            ("numbered 1 to 100", page(log(may), 0).await),
            ("numbered 1 to 100", page(log(may), 101).await),
            (
                "midnight",
                items(date_only.everbridge().list_audit_log(
                    ReportType::Security,
                    utc(2026, 5, 1),
                    today(),
                ))
                .await,
            ),
            ("max_pages", items(log(may).max_pages(0)).await),
        ];
        for (says, result) in cases {
            let error = result.unwrap_err();
            assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
            assert!(error.to_string().contains(says), "{says}: {error}");
        }
        assert!(sandbox.requests().is_empty(), "{:?}", sandbox.requests());

        let unconfigured = Client::builder().build().unwrap();
        let error =
            page(unconfigured.everbridge().list_audit_log(ReportType::Security, may.0, may.1), 1)
                .await;
        assert!(matches!(error, Err(Error::NotConfigured(_))));
    }

    #[tokio::test]
    async fn nothing_is_requested_before_a_stream_is_polled() {
        let sandbox = Sandbox::builder().everbridge_today(today()).start().await.unwrap();
        let client = client(&sandbox);
        let (from, to) = (utc(2026, 5, 1), utc(2026, 6, 1));
        let streams =
            (security(&client, from, to).items(), security(&client, from, to).page_query_pages());
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(sandbox.requests().is_empty());
        drop(streams);
    }

    #[tokio::test]
    async fn the_sandboxs_business_errors_reach_the_caller_with_their_kind() {
        let sandbox = Sandbox::builder().everbridge_today(today()).start().await.unwrap();
        let (from, to) = (utc(2026, 5, 1), utc(2026, 6, 1));
        sandbox.everbridge().set_logging_policy(false);
        let error = security(&client(&sandbox), from, to).items().try_next().await.unwrap_err();
        assert_eq!(BusinessErrorKind::of(&error), Some(BusinessErrorKind::LoggingPolicyNotEnabled));
        sandbox.everbridge().set_logging_policy(true);

        // The client's clock is a month behind the server's: it lets through a range the
        // server finds too old.
        let behind = sandbox
            .client_builder()
            .timer(Arc::new(VirtualTimer::starting_at(utc(2026, 6, 10))))
            .build()
            .unwrap();
        let error = security(&behind, utc(2026, 1, 12), utc(2026, 1, 20))
            .page_query(1)
            .send()
            .await
            .unwrap_err();
        assert_eq!(BusinessErrorKind::of(&error), Some(BusinessErrorKind::RangeOlderThanSixMonths));
        assert_eq!(error.code(), Some("range_older_than_six_months"));
    }

    #[tokio::test]
    async fn bearer_and_oauth_credentials_read_the_sandbox_too() {
        let sandbox = Sandbox::builder()
            .everbridge_today(today())
            .everbridge_token_lifetime(Duration::from_secs(1))
            .start()
            .await
            .unwrap();
        let (from, to) = (utc(2026, 5, 1), utc(2026, 6, 1));
        let with = |credentials| {
            Client::builder()
                .everbridge(Config::new(Region::Us, credentials).base_url(sandbox.everbridge_url()))
                .timer(Arc::new(VirtualTimer::starting_at(today())))
                .build()
                .unwrap()
        };
        let bearer = with(Credentials::bearer(sandbox.everbridge_token()));
        assert_eq!(
            security(&bearer, from, to).items().try_collect::<Vec<_>>().await.unwrap().len(),
            30
        );

        let oauth = with(Credentials::password_grant(
            sandbox.everbridge_client_id(),
            sandbox.everbridge_client_secret(),
            sandbox.everbridge_username(),
            sandbox.everbridge_password(),
        ));
        security(&oauth, from, to).page_query(1).send().await.unwrap();
        assert_eq!(sandbox.everbridge().tokens_issued(), 1);
        let sent = sandbox.requests().last().unwrap().header("authorization").unwrap().to_owned();
        assert_eq!(sent, "Bearer sbx-id-1", "the id_token, not the access_token");

        let wrong = with(Credentials::basic("someone", "else"));
        let error = security(&wrong, from, to).page_query(1).send().await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    }

    #[test]
    fn the_service_and_the_streams_are_send_static_and_unpin() {
        fn assert_handle<T: Send + Sync + Clone + 'static>(_: &T) {}
        assert_handle(&Client::builder().build().unwrap().everbridge());
        fn assert_stream<T: Send + Unpin + 'static>(_: &T) {}
        let client = Client::builder().build().unwrap();
        let log = || {
            client.everbridge().list_audit_log(
                ReportType::Contact,
                utc(2026, 5, 1),
                utc(2026, 6, 1),
            )
        };
        assert_stream(&log().items());
        assert_stream(&log().pages());
        assert_stream(&log().page_query_pages());
        assert_stream(&log().pages());
        fn assert_send<T: Send + 'static>(_: T) {}
        assert_send(log().page_query(1).send());
    }
}
