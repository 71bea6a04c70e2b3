//! Qualtrics bulk audit exports against wiremock: exact paths and bodies, both event-name
//! shapes, the statuses, the paced wait, and the file read as events.

mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use auditkit::{
    Client, Error,
    qualtrics::{AuditExport, Logins},
};
use chrono::{TimeZone, Utc};
use common::{QUALTRICS_TOKEN, qualtrics_client};
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_json, header, method, path},
};

async fn names_answering(body: Value) -> Vec<String> {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/API/v3/audit-events"))
        .and(header("x-api-token", QUALTRICS_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = qualtrics_client(&server);
    client.qualtrics().list_audit_event_names().send().await.unwrap()
}

#[tokio::test]
async fn event_names_read_both_answer_shapes_with_names_as_strings_or_objects() {
    let result = json!({"result": {"elements": [{"name": "logins"}, "password_resets"]},
                        "meta": {"httpStatus": "200 - OK"}});
    assert_eq!(names_answering(result).await, ["logins", "password_resets"]);
    let events = json!({"events": ["users", {"name": "brands", "description": "x"}]});
    assert_eq!(names_answering(events).await, ["users", "brands"]);
}

#[tokio::test]
async fn a_datacenter_without_the_bulk_api_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/API/v3/audit-events"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"meta": {
            "httpStatus": "404 - Not Found", "error": {"errorMessage": "Not Found", "errorCode": "RP_0.1"}}})))
        .mount(&server)
        .await;
    let (client, _) = qualtrics_client(&server);
    let error = client.qualtrics().list_audit_event_names().send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{error:?}");
    assert!(error.to_string().contains("no bulk audit export API"), "{error}");
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!(api.message(), Some("Not Found"), "the vendor's own words are kept");
}

/// Answers `GET /audit-exports/{id}` with each of `statuses` in turn (the last one again
/// after that), counting the polls.
async fn statuses(
    server: &MockServer,
    id: &str,
    statuses: &[&str],
    file: Option<&str>,
) -> Arc<AtomicUsize> {
    let polls = Arc::new(AtomicUsize::new(0));
    let (counter, statuses): (_, Vec<String>) =
        (polls.clone(), statuses.iter().map(|s| s.to_string()).collect());
    let (id_owned, file) = (id.to_owned(), file.map(str::to_owned));
    Mock::given(method("GET"))
        .and(path(format!("/API/v3/audit-exports/{id}")))
        .respond_with(move |_: &wiremock::Request| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let status = &statuses[n.min(statuses.len() - 1)];
            let mut result = json!({"id": id_owned, "status": status});
            if let Some(file) = &file {
                result["fileId"] = json!(file);
            }
            ResponseTemplate::new(200).set_body_json(json!({"result": result}))
        })
        .mount(server)
        .await;
    polls
}

fn ndjson(count: usize) -> String {
    (0..count)
        .map(|n| format!("{{\"id\":\"e-{n}\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"descriptor\":{{\"userId\":\"UR_{n}\"}}}}\n"))
        .collect()
}

async fn file(server: &MockServer, file_path: &str, body: String) {
    Mock::given(method("GET"))
        .and(path(file_path))
        .and(header("x-api-token", QUALTRICS_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/x-ndjson"))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn an_export_is_created_with_its_exact_body_waited_for_in_paced_polls_and_read_as_events() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/API/v3/audit-exports"))
        .and(header("x-api-token", QUALTRICS_TOKEN))
        .and(body_json(json!({"eventName": "logins", "startDate": "2026-11-01T00:00:00.000Z",
                              "endDate": "2026-11-02T00:00:00.000Z"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"result": {"id": "AE_1"}})))
        .expect(1)
        .mount(&server)
        .await;
    let polls = statuses(&server, "AE_1", &["queued", "running", "Complete"], Some("F_1")).await;
    // Twenty thousand lines: the body arrives in many chunks, lines split across them.
    file(&server, "/API/v3/audit-exports/AE_1/files/F_1", ndjson(20_000)).await;
    let (client, timer) = qualtrics_client(&server);
    let q = client.qualtrics();

    let (start, end) = (
        Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap(),
    );
    let export = q.create_audit_export("logins", start, end).send_and_wait().await.unwrap();
    assert_eq!((export.status.as_deref(), export.file()), (Some("Complete"), Some("F_1")));
    assert_eq!(polls.load(Ordering::SeqCst), 3);
    assert!(timer.elapsed() >= Duration::from_secs(4), "two pauses of 2 s: {:?}", timer.sleeps());

    let mut events =
        q.download_audit_export(&export).events::<auditkit::qualtrics::Event<Logins>>();
    let mut count = 0;
    while let Some(event) = events.try_next().await.unwrap() {
        assert_eq!(event.id, format!("e-{count}"));
        assert_eq!(event.descriptor.user_id, Some(format!("UR_{count}")));
        count += 1;
    }
    assert_eq!(count, 20_000);
}

#[tokio::test]
async fn failed_cancelled_and_error_end_the_wait_as_a_failed_job() {
    for status in ["failed", "cancelled", "error"] {
        let server = MockServer::start().await;
        statuses(&server, "AE_9", &["running", status], None).await;
        let (client, _) = qualtrics_client(&server);
        let error = client.qualtrics().wait_for_audit_export("AE_9").await.unwrap_err();
        let Error::JobFailed(failed) = &error else { panic!("{status}: {error:?}") };
        let export = failed.status::<AuditExport>().unwrap();
        assert_eq!(export.status.as_deref(), Some(status));
    }
}

#[tokio::test]
async fn polls_stay_two_seconds_apart_whatever_the_poll_interval() {
    let server = MockServer::start().await;
    let polls =
        statuses(&server, "AE_2", &["running", "running", "running", "complete"], None).await;
    let (client, timer) = qualtrics_client(&server);
    let export = client
        .qualtrics()
        .wait_for_audit_export("AE_2")
        .poll_interval(Duration::from_millis(100))
        .await
        .unwrap();
    assert_eq!(export.file(), Some("AE_2"), "no fileId: the export's own id");
    assert_eq!(polls.load(Ordering::SeqCst), 4);
    let waited = timer.elapsed();
    assert!(waited >= Duration::from_secs(6) && waited < Duration::from_secs(7), "{waited:?}");
}

async fn export_file(body: String) -> (MockServer, Client, AuditExport) {
    let server = MockServer::start().await;
    statuses(&server, "AE_3", &["completed"], None).await;
    // No fileId: the file is named by the export's id.
    file(&server, "/API/v3/audit-exports/AE_3/files/AE_3", body).await;
    let (client, _) = qualtrics_client(&server);
    let export = client.qualtrics().get_audit_export("AE_3").send().await.unwrap();
    (server, client, export)
}

#[tokio::test]
async fn a_json_array_file_is_read_element_by_element() {
    let body = json!([{"id": "e-1", "n": [1, 2]}, {"id": "e-2", "s": "a,]b"}]).to_string();
    let (_server, client, export) = export_file(body).await;
    let events: Vec<Value> =
        client.qualtrics().download_audit_export(&export).events().try_collect().await.unwrap();
    assert_eq!(events, [json!({"id": "e-1", "n": [1, 2]}), json!({"id": "e-2", "s": "a,]b"})]);
}

#[tokio::test]
async fn a_line_over_the_cap_ends_the_stream_and_a_bad_line_does_not() {
    let long = format!("{{\"id\":\"{}\"}}", "x".repeat(200));
    let body =
        format!("{{\"id\":\"e-1\"}}\n[1,2]\n{{\"id\":\"e-2\"}}\n{long}\n{{\"id\":\"e-3\"}}\n");
    let (_server, client, export) = export_file(body).await;
    let items: Vec<Result<serde_json::Map<String, Value>, Error>> = client
        .qualtrics()
        .download_audit_export(&export)
        .max_record_size(100)
        .events()
        .collect()
        .await;
    assert_eq!(items.len(), 4, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap()["id"], "e-1");
    assert!(matches!(&items[1], Err(Error::Decode(_))), "{:?}", items[1]);
    assert_eq!(items[2].as_ref().unwrap()["id"], "e-2");
    let Err(too_long) = &items[3] else { panic!("{:?}", items[3]) };
    assert!(too_long.to_string().contains("longer than 100 bytes"), "{too_long}");
}

/// A completed export whose file is `bytes`, served as `application/zip`.
#[cfg(feature = "zip")]
async fn zip_export(bytes: Vec<u8>) -> (MockServer, Client, AuditExport) {
    let server = MockServer::start().await;
    statuses(&server, "AE_4", &["complete"], None).await;
    Mock::given(method("GET"))
        .and(path("/API/v3/audit-exports/AE_4/files/AE_4"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(bytes, "application/zip"))
        .mount(&server)
        .await;
    let (client, _) = qualtrics_client(&server);
    let export = client.qualtrics().get_audit_export("AE_4").send().await.unwrap();
    (server, client, export)
}

#[cfg(feature = "zip")]
#[tokio::test]
async fn a_zip_file_is_read_as_its_entries_events_and_a_damaged_one_ends_with_its_error() {
    let fixture = |name: &str| std::fs::read(format!("tests/fixtures/qualtrics/exports/{name}"));
    // Written to a pipe by Python: data descriptors, one entry zip64, NDJSON and an array.
    let (_server, client, export) = zip_export(fixture("streamed.zip").unwrap()).await;
    let events: Vec<auditkit::qualtrics::Event<Logins>> =
        client.qualtrics().download_audit_export(&export).events().try_collect().await.unwrap();
    let ids: Vec<&str> = events.iter().map(|event| event.id.as_str()).collect();
    assert_eq!(ids, ["e-1", "e-2", "e-3", "e-4", "e-5", "e-6", "e-7"]);

    // The last entry's CRC no longer matches its data.
    let mut damaged = fixture("deflated.zip").unwrap();
    let last = damaged.windows(4).rposition(|w| w == b"PK\x03\x04").unwrap();
    damaged[last + 14] ^= 0xff;
    let (_server, client, export) = zip_export(damaged).await;
    let items: Vec<Result<Value, Error>> =
        client.qualtrics().download_audit_export(&export).events().collect().await;
    let error = items.last().unwrap().as_ref().unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("audit/logins-3.ndjson is damaged"), "{text}");
    assert!(text.contains("download_audit_export"), "{text}");
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let server = MockServer::start().await;
    let (client, _) = qualtrics_client(&server);
    let q = client.qualtrics();
    let at = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    for result in [
        q.create_audit_export(" ", at, at + chrono::Duration::days(1)).send().await,
        q.create_audit_export("logins", at, at).send().await,
        q.get_audit_export("").send().await,
    ] {
        assert!(matches!(result, Err(Error::InvalidInput(_))), "{result:?}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// The sandbox serves the bulk API end to end: the event names, an export of a window, its
/// polls until complete, and its NDJSON file, read by the SDK as the window's events.
#[tokio::test]
async fn the_sandbox_exports_a_window_of_events_that_the_sdk_waits_for_and_reads() {
    let sandbox = auditkit::testkit::Sandbox::start().await.unwrap();
    let q = sandbox.qualtrics();
    q.clear_events();
    let start = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let end = Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap();
    let ids = q.seed_events("logins", 40, start, end);
    q.seed_events("logins", 5, end, end + chrono::Duration::hours(1));
    let client = sandbox
        .client_builder()
        .timer(Arc::new(auditkit::testkit::VirtualTimer::new()))
        .build()
        .unwrap();

    let names = client.qualtrics().list_audit_event_names().send().await.unwrap();
    assert!(names.iter().any(|name| name == "logins"), "{names:?}");
    let export =
        client.qualtrics().create_audit_export("logins", start, end).send_and_wait().await.unwrap();
    assert_eq!(export.status.as_deref(), Some("complete"));
    let events: Vec<auditkit::qualtrics::Event<Logins>> =
        client.qualtrics().download_audit_export(&export).events().try_collect().await.unwrap();
    assert_eq!(events.into_iter().map(|event| event.id).collect::<Vec<_>>(), ids);
}

#[tokio::test]
async fn an_export_source_reads_each_window_through_one_export_and_delivers_each_event_once() {
    use auditkit::collect::{Collector, MemoryStore, Source};

    let timer = Arc::new(auditkit::testkit::VirtualTimer::new());
    let sandbox = auditkit::testkit::Sandbox::builder().timer(timer.clone()).start().await.unwrap();
    let q = sandbox.qualtrics();
    q.clear_events();
    let now = sandbox.now();
    let from = now - chrono::Duration::days(3);
    let mut seeded = q.seed_events("logins", 90, from, now - chrono::Duration::hours(1));
    let odd = (now - chrono::Duration::hours(2)).to_rfc3339();
    q.add_event("logins", json!({ "id": "odd-1", "timestamp": odd, "descriptor": 42 }));
    let source = sandbox.client().qualtrics().export_source::<Logins>();
    assert_eq!(source.id(), "qualtrics/exports/logins");
    let store = MemoryStore::new();
    let collector = Collector::new(source).store(store.clone()).start_at(from);

    let (mut delivered, mut undecodable) = (Vec::new(), Vec::new());
    let mut batches = collector.run();
    while let Some(mut batch) = batches.try_next().await.unwrap() {
        delivered.extend(batch.take_events().into_iter().map(|event| event.key));
        undecodable.extend(batch.take_undecodable().into_iter().map(|rejected| rejected.key));
        batch.commit().await.unwrap();
    }
    drop(batches);
    delivered.sort();
    seeded.sort();
    assert_eq!(delivered, seeded);
    assert_eq!(undecodable.len(), 1, "the event whose descriptor is 42");
    // One export per window (1-day steps over 3 days), each polled until complete.
    let exports = |sandbox: &auditkit::testkit::Sandbox| {
        sandbox
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/audit-exports"))
            .count()
    };
    let first = exports(&sandbox);
    assert!((3..=4).contains(&first), "{first} exports");

    // Published late, inside the hour the next run reads again through another export:
    // delivered then, and nothing twice.
    q.seed_events(
        "logins",
        5,
        now - chrono::Duration::minutes(50),
        now - chrono::Duration::minutes(40),
    );
    let again: Vec<String> = Collector::new(sandbox.client().qualtrics().export_source::<Logins>())
        .store(store)
        .run()
        .map_ok(|mut batch| batch.take_events().into_iter().map(|e| e.key).collect::<Vec<_>>())
        .try_concat()
        .await
        .unwrap();
    assert_eq!(again.len(), 5, "only the new events: {again:?}");
    assert!(exports(&sandbox) > first);
}
