//! Everbridge servers that misbehave on purpose: scrolls that repeat themselves or end
//! short, HTTP-200 failures of every spelling, odd `eventTime`s, ranges older than the
//! vendor keeps. Each test fails without the fix it pins (issue "hardening", points 6–9).

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
