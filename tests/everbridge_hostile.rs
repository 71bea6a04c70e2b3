//! Everbridge servers that misbehave on purpose: scrolls that repeat themselves or end
//! short, HTTP-200 failures of every spelling, odd `eventTime`s, ranges older than the
//! vendor keeps. Each test fails without the fix it pins (issue "hardening", points 6–9).

mod common;

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicUsize, Ordering},
};

use auditkit::{
    Client, Error,
    everbridge::{Config, Credentials, ListAuditLog, Region, ReportType},
    testkit::VirtualTimer,
};
use chrono::{DateTime, TimeZone, Utc};
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers::method};

use common::logs::{text, warnings};

fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

/// Answers the n-th request with the n-th body, the last one again after that, and keeps
/// every query it was sent.
struct Script {
    bodies: Vec<Value>,
    calls: AtomicUsize,
    queries: Arc<Mutex<Vec<String>>>,
}

impl Respond for Script {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        self.queries.lock().unwrap().push(request.url.query().unwrap_or_default().to_owned());
        let body = &self.bodies[call.min(self.bodies.len() - 1)];
        ResponseTemplate::new(200).set_body_json(body)
    }
}

/// A server answering the script, and the queries it was sent.
async fn scripted(bodies: Vec<Value>) -> (MockServer, Arc<Mutex<Vec<String>>>) {
    let server = MockServer::start().await;
    let queries = Arc::new(Mutex::new(Vec::new()));
    let script = Script { bodies, calls: AtomicUsize::new(0), queries: queries.clone() };
    Mock::given(method("GET")).respond_with(script).mount(&server).await;
    (server, queries)
}

fn client_with(server: &MockServer, config: Config, today: DateTime<Utc>) -> Client {
    Client::builder()
        .everbridge(config.base_url(format!("{}/rest", server.uri())))
        .timer(Arc::new(VirtualTimer::starting_at(today)))
        .build()
        .unwrap()
}

fn basic() -> Config {
    Config::new(Region::Us, Credentials::basic("api-user", "api-password"))
}

/// May 2026, read by a client whose today is 2026-05-20.
fn may(server: &MockServer) -> ListAuditLog {
    client_with(server, basic(), utc(2026, 5, 20)).everbridge().list_audit_log(
        ReportType::Security,
        utc(2026, 5, 1),
        utc(2026, 6, 1),
    )
}

fn entries(ids: std::ops::Range<i64>) -> Vec<Value> {
    ids.map(|id| json!({"entityId": id, "eventTime": "2026-05-03T10:00:00"})).collect()
}

/// Reads every entry until the first error: the entity ids, and the error.
async fn read(log: ListAuditLog) -> (Vec<i64>, Option<Error>) {
    let mut items = log.items();
    let mut ids = Vec::new();
    while let Some(item) = items.next().await {
        match item {
            Ok(entry) => ids.push(entry.entity_id.unwrap_or(-1)),
            Err(error) => return (ids, Some(error)),
        }
    }
    (ids, None)
}

#[tokio::test]
async fn a_scroll_answering_the_same_batch_again_is_an_error_not_600_entries() {
    // No `start` to tell positions: the answer itself comes back, byte for byte.
    let same = json!({"data": entries(0..3), "scrollId": "same", "totalCount": 3});
    let (server, queries) = scripted(vec![same]).await;

    let (ids, error) = read(may(&server)).await;

    assert_eq!(ids, [0, 1, 2], "the batch once");
    let error = error.expect("an error, not 200 rounds");
    let Error::Pagination(repeat) = &error else { panic!("{error:?}") };
    assert!(!repeat.is_cursor_expired(), "restarting would loop again: {error}");
    assert!(error.to_string().contains("same batch"), "{error}");
    assert_eq!(queries.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_scroll_whose_start_goes_back_is_an_error_even_when_the_bytes_differ() {
    let batch = |n: i64| json!({"data": entries(0..3), "scrollId": "s", "start": 0, "totalCount": 9, "n": n});
    let (server, _) = scripted(vec![batch(1), batch(2), batch(3)]).await;

    let (ids, error) = read(may(&server)).await;

    assert_eq!(ids, [0, 1, 2]);
    let error = error.expect("an error");
    assert!(error.to_string().contains("entry 0 of the month again"), "{error}");
}

#[tokio::test]
async fn a_scroll_that_ends_short_of_its_total_count_warns_or_fails_when_strict() {
    let bodies = vec![
        json!({"data": entries(0..2), "scrollId": "s", "start": 0, "totalCount": 5}),
        json!({"data": [], "scrollId": "s", "start": 2, "totalCount": 5}),
    ];
    let (server, _) = scripted(bodies.clone()).await;
    let (ids, error) = read(may(&server)).await;
    assert_eq!((ids, error.map(|e| e.to_string())), (vec![0, 1], None), "a warning only");

    let (server, _) = scripted(bodies).await;
    let (ids, error) = read(may(&server).strict(true)).await;
    assert_eq!(ids, [0, 1]);
    let error = error.expect("strict: an error");
    assert!(matches!(error, Error::Pagination(_)), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("after 2 entries") && text.contains("holds 5"), "{text}");
}

#[tokio::test]
async fn every_http_200_failure_mid_scroll_is_an_error_naming_it_not_the_end_of_the_month() {
    let first = json!({"data": entries(0..100), "scrollId": "s", "start": 0, "totalCount": 250});
    for (shape, says) in [
        (json!({"success": "false", "message": "Try later"}), "Try later"),
        (json!({"success": "no"}), "\"no\""),
        (json!({"status": 500, "message": "Internal"}), "Internal"),
        (json!({"status": "503", "message": "Busy"}), "Busy"),
        (json!({"error": "search_phase_execution_exception", "data": []}), "search_phase"),
        (json!({"errors": [{"code": "E-7"}], "data": {"data": []}}), "E-7"),
        (json!({"currentPageNo": 0, "totalCount": 250}), "without `data`"),
    ] {
        let (server, _) = scripted(vec![first.clone(), shape.clone()]).await;

        let (ids, error) = read(may(&server)).await;

        assert_eq!(ids.len(), 100, "{shape}");
        let error = error.unwrap_or_else(|| panic!("{shape}: the month ended quietly"));
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200), "{shape}: {error:?}");
        assert!(error.to_string().contains(says), "{shape}: {error}");
    }
}

/// A sandbox whose today is 2026-07-15 holding only `count` Security entries over
/// `[from, to)`, and a client of it on the same day.
async fn sandbox_holding(
    count: usize,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> (auditkit::testkit::Sandbox, Client, Vec<i64>) {
    let today = Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).unwrap();
    let sandbox =
        auditkit::testkit::Sandbox::builder().everbridge_today(today).start().await.unwrap();
    sandbox.everbridge().clear_entries();
    let ids = sandbox.everbridge().seed_entries(ReportType::Security, count, from, to);
    let client =
        sandbox.client_builder().timer(Arc::new(VirtualTimer::starting_at(today))).build().unwrap();
    (sandbox, client, ids)
}

#[tokio::test]
async fn a_collector_whose_checkpoint_is_older_than_six_months_moves_on_to_what_is_served() {
    use auditkit::collect::Collector;
    let (_sandbox, client, seeded) = sandbox_holding(120, utc(2026, 1, 20), utc(2026, 1, 25)).await;
    // Ten months back: the first windows are beyond Everbridge's reach.
    let collector = Collector::new(client.everbridge().audit_log_source(ReportType::Security))
        .start_at(utc(2025, 9, 15))
        .until(utc(2026, 2, 1))
        .step(std::time::Duration::from_secs(30 * 24 * 3600));

    let mut delivered = Vec::new();
    let mut batches = collector.run();
    while let Some(batch) = batches.try_next().await.expect("no refusal of the old windows") {
        delivered.extend(batch.events().iter().filter_map(|event| event.event.entity_id));
        batch.commit().await.unwrap();
    }

    assert_eq!(delivered, seeded, "every entry Everbridge still serves, once");
}

#[tokio::test]
async fn a_short_scroll_s_warning_gives_both_counts() {
    let (logged, _guard) = warnings();
    let bodies = vec![
        json!({"data": entries(0..2), "scrollId": "s", "start": 0, "totalCount": 5}),
        json!({"data": [], "scrollId": "s", "start": 2, "totalCount": 5}),
    ];
    let (server, _) = scripted(bodies).await;
    read(may(&server)).await;
    let logged = text(&logged);
    assert!(logged.contains("delivered=2") && logged.contains("total=5"), "{logged}");
}

#[tokio::test]
async fn event_times_in_epoch_millis_us_format_or_empty_decode_and_unreadable_text_is_kept() {
    let batch = json!({"data": [
        {"entityId": 1, "eventTime": 1_777_802_400_000_i64},
        {"entityId": 2, "eventTime": "05/03/2026 10:00:00"},
        {"entityId": 3, "eventTime": ""},
        {"entityId": 4, "eventTime": "1777802400000"},
        {"entityId": 5, "eventTime": "the day before"},
    ], "scrollId": "s", "start": 0, "totalCount": 5});
    let end = json!({"data": [], "scrollId": "s", "start": 5, "totalCount": 5});
    let (server, _) = scripted(vec![batch, end]).await;

    let read: Vec<_> = may(&server).items().try_collect().await.expect("every entry decodes");

    let at = Some(utc(2026, 5, 3) + chrono::TimeDelta::hours(10));
    let times: Vec<_> = read.iter().map(|entry| entry.event_time).collect();
    assert_eq!(times, [at, at, None, at, None]);
    assert_eq!(read[4].other["eventTime"], "the day before", "the text as sent");
    assert!(read[2].other.is_empty(), "empty is no time, nothing to keep");
}

#[tokio::test]
async fn with_an_account_offset_the_range_is_sent_and_split_in_the_account_s_zone() {
    let batch = json!({"data": [{"entityId": 1, "eventTime": "2026-05-31T23:30:00"}],
        "scrollId": "s", "start": 0, "totalCount": 1});
    let end = json!({"data": [], "scrollId": "s", "start": 1, "totalCount": 1});
    let (server, queries) = scripted(vec![batch, end]).await;
    let pacific = chrono::FixedOffset::west_opt(7 * 3600).unwrap();
    let client = client_with(&server, basic().event_time_offset(pacific), utc(2026, 6, 20));
    // May in the account's zone: 07:00 UTC to 07:00 UTC.
    let (from, to) = (utc(2026, 5, 1) + chrono::TimeDelta::hours(7), utc(2026, 6, 1));
    let to = to + chrono::TimeDelta::hours(7);

    let read: Vec<_> = client
        .everbridge()
        .list_audit_log(ReportType::Security, from, to)
        .items()
        .try_collect()
        .await
        .unwrap();

    let queries = queries.lock().unwrap().clone();
    assert_eq!(queries.len(), 2, "one month, one scroll: {queries:?}");
    assert!(
        queries[0].contains("from=2026-05-01T00%3A00%3A00&to=2026-05-31T23%3A59%3A59"),
        "{}",
        queries[0]
    );
    let at = read[0].event_time.unwrap();
    assert!(at >= from && at < to, "{at} is inside the range asked for");
}

#[tokio::test]
async fn an_entry_the_collector_drops_as_outside_its_window_is_counted_at_warn() {
    use auditkit::collect::Collector;
    let (logged, _guard) = warnings();
    let batch = json!({"data": [
        {"entityId": 1, "eventTime": "2026-05-10T12:00:00"},
        {"entityId": 2, "eventTime": "2026-05-15T12:00:00"},
    ], "scrollId": "s", "start": 0, "totalCount": 2});
    let end = json!({"data": [], "scrollId": "s", "start": 2, "totalCount": 2});
    let (server, _) = scripted(vec![batch, end]).await;
    let client = client_with(&server, basic(), utc(2026, 5, 20));
    let collector = Collector::new(client.everbridge().audit_log_source(ReportType::Security))
        .start_at(utc(2026, 5, 10))
        .until(utc(2026, 5, 11));

    let mut delivered = Vec::new();
    let mut batches = collector.run();
    while let Some(batch) = batches.try_next().await.unwrap() {
        delivered.extend(batch.events().iter().filter_map(|event| event.event.entity_id));
        batch.commit().await.unwrap();
    }

    assert_eq!(delivered, [1]);
    let logged = text(&logged);
    assert!(logged.contains("outside=1") && logged.contains("WARN"), "{logged}");
}

#[tokio::test]
async fn a_page_of_more_entries_than_the_cap_is_cut_with_a_warning_and_the_scroll_goes_on() {
    let (logged, _guard) = warnings();
    let bodies = vec![
        json!({"data": entries(0..1_300), "scrollId": "s", "start": 0, "totalCount": 1_302}),
        json!({"data": entries(1_300..1_302), "scrollId": "s", "start": 1_300, "totalCount": 1_302}),
        json!({"data": [], "scrollId": "s", "start": 1_302, "totalCount": 1_302}),
    ];
    let (server, _) = scripted(bodies).await;

    let (ids, error) = read(may(&server)).await;

    assert!(error.is_none(), "{error:?}");
    let kept: Vec<i64> = (0..1_000).chain(1_300..1_302).collect();
    assert_eq!(ids, kept, "the first 1,000 of the big page, then the next page");
    let logged = text(&logged);
    assert!(logged.contains("cut=300"), "{logged}");
}

/// A sandbox whose today is `today`, holding 300 Security entries from January 20 to
/// February 20, 2026 (the same ones whatever the day), and a client of it on that day.
async fn january_and_february(
    today: DateTime<Utc>,
) -> (auditkit::testkit::Sandbox, Client, Vec<i64>) {
    let sandbox =
        auditkit::testkit::Sandbox::builder().everbridge_today(today).start().await.unwrap();
    sandbox.everbridge().clear_entries();
    let ids = sandbox.everbridge().seed_entries(
        ReportType::Security,
        300,
        utc(2026, 1, 20),
        utc(2026, 2, 20),
    );
    let client =
        sandbox.client_builder().timer(Arc::new(VirtualTimer::starting_at(today))).build().unwrap();
    (sandbox, client, ids)
}

#[tokio::test]
async fn a_listing_resumed_after_its_start_fell_past_six_months_carries_on() {
    let range = (utc(2026, 1, 10), utc(2026, 3, 1));
    let log = |client: &Client| {
        client.everbridge().list_audit_log(ReportType::Security, range.0, range.1)
    };
    // July 5: January 10 is within reach. Read into February, save, stop.
    let (_first, client, seeded) = january_and_february(utc(2026, 7, 5)).await;
    let mut pages = log(&client).pages();
    let mut first_run = Vec::new();
    let saved = loop {
        let page = pages.try_next().await.unwrap().unwrap();
        first_run.extend(page.items().iter().filter_map(|entry| entry.entity_id));
        let continuation = page.continuation().unwrap().clone();
        if continuation.window() == 1 && !page.items().is_empty() {
            break continuation;
        }
    };
    drop(pages);

    // July 15: January 10 is more than 6 months back. The listing resumes all the same.
    let (_second, client, again) = january_and_february(utc(2026, 7, 15)).await;
    assert_eq!(again, seeded);
    let second_run: Vec<i64> = log(&client)
        .resume(saved)
        .items()
        .map_ok(|entry| entry.entity_id.unwrap_or(-1))
        .try_collect()
        .await
        .expect("resumed, not refused as older than 6 months");

    assert_eq!([first_run, second_run].concat(), seeded, "nothing lost, nothing repeated");
}
