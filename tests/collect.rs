//! The vendor sources under a collector, against the sandbox: late events, status changes,
//! restarts from the file store, undecodable items and the Everbridge month boundary.

use std::{collections::HashSet, sync::Arc, time::Duration};

use auditkit::{
    Client, Timer,
    collect::{
        Batch, Batches, Collected, Collector, FileStore, MemoryStore, Rejected, Source, Turns,
    },
    everbridge::{AuditLogEntry, ReportType},
    qualtrics::{Logins, PasswordResets},
    testkit::{LateEvents, ReporterSandbox, Sandbox, VirtualTimer},
};
use chrono::{DateTime, TimeDelta, Utc};
use futures::TryStreamExt;
use serde_json::json;

const MINUTE: Duration = Duration::from_secs(60);

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// A sandbox whose clock is `timer`, as is its client's.
async fn sandbox_on(timer: &Arc<VirtualTimer>, late: Option<LateEvents>) -> Sandbox {
    let mut builder = Sandbox::builder().timer(timer.clone());
    if let Some(late) = late {
        builder = builder.qualtrics_late_events(late).everbridge_late_events(late);
    }
    builder.start().await.unwrap()
}

/// Follows `collector` every 10 minutes until the clock passes `until`, committing every
/// batch, and returns every event delivered, in order.
async fn follow_until<S: Source>(
    collector: &Collector<S>,
    timer: &VirtualTimer,
    until: DateTime<Utc>,
) -> Vec<(String, S::Event)> {
    let mut batches = collector.follow(10 * MINUTE);
    let mut delivered = Vec::new();
    let mut cycles = 0;
    while timer.wall_clock() < until {
        let mut batch: Batch<S::Event> = batches.try_next().await.unwrap().unwrap();
        delivered.extend(batch.take_events().into_iter().map(|event| (event.key, event.event)));
        batch.commit().await.unwrap();
        cycles += 1;
        assert!(cycles < 500, "the follow loop does not reach {until}");
    }
    assert!(cycles > 20, "only {cycles} batches");
    delivered
}

/// A client with no vendor configured: enough to read a source's defaults.
fn unconfigured() -> Client {
    Client::builder().build().unwrap()
}

/// Reads a run to its end, committing every batch: the events and the undecodable items.
async fn drain<E>(mut batches: Batches<E>) -> (Vec<Collected<E>>, Vec<Rejected>) {
    let (mut events, mut undecodable) = (Vec::new(), Vec::new());
    while let Some(mut batch) = batches.try_next().await.unwrap() {
        events.extend(batch.take_events());
        undecodable.extend(batch.take_undecodable());
        batch.commit().await.unwrap();
    }
    (events, undecodable)
}

fn keys_of<E>(events: Vec<Collected<E>>) -> Vec<String> {
    events.into_iter().map(|event| event.key).collect()
}

fn assert_once(keys: &[String]) {
    let unique: HashSet<_> = keys.iter().collect();
    assert_eq!(unique.len(), keys.len(), "a key was delivered twice");
}

#[tokio::test]
async fn qualtrics_events_published_late_are_each_delivered_once_by_a_following_collector() {
    let timer = Arc::new(VirtualTimer::new());
    let settings = unconfigured().qualtrics().event_source::<Logins>().settings();
    // Late by up to the lag plus the overlap, less a minute: the collector's promise.
    let max_delay = settings.lag + settings.overlap - MINUTE;
    let late = LateEvents::new(0.6, max_delay);
    let sandbox = sandbox_on(&timer, Some(late)).await;
    let qualtrics = sandbox.qualtrics();
    qualtrics.clear_events();
    let start = sandbox.now();
    let seeded = qualtrics.seed_events("logins", 400, start, start + TimeDelta::hours(6));

    let collector = Collector::new(sandbox.client().qualtrics().event_source::<Logins>())
        .start_at(start - TimeDelta::hours(1));
    let until = start + TimeDelta::hours(8);
    let delivered = follow_until(&collector, &timer, until).await;

    let keys: Vec<String> = delivered.iter().map(|(key, _)| key.clone()).collect();
    assert_once(&keys);
    assert_eq!(keys.len(), seeded.len());
    assert_eq!(keys.iter().collect::<HashSet<_>>(), seeded.iter().collect::<HashSet<_>>());
    assert!(delivered.iter().all(|(key, event)| *key == event.id));
}

#[tokio::test]
async fn everbridge_entries_published_late_are_each_delivered_once_and_identical_twins_stay_two() {
    let timer = Arc::new(VirtualTimer::new());
    let settings = unconfigured().everbridge().audit_log_source(ReportType::Security).settings();
    let late = LateEvents::new(0.6, settings.lag + settings.overlap - MINUTE);
    let sandbox = sandbox_on(&timer, Some(late)).await;
    let everbridge = sandbox.everbridge();
    everbridge.clear_entries();
    let start = sandbox.now();
    let seeded =
        everbridge.seed_entries(ReportType::Security, 300, start, start + TimeDelta::hours(6));
    let twin_time = (start + TimeDelta::minutes(90)).format("%Y-%m-%dT%H:%M:%S").to_string();
    let twin = json!({ "eventTime": twin_time, "operationType": "Login", "userName": "twin" });
    everbridge.add_entry(ReportType::Security, twin.clone());
    everbridge.add_entry(ReportType::Security, twin);

    let source = sandbox.client().everbridge().audit_log_source(ReportType::Security);
    let collector = Collector::new(source).start_at(start - TimeDelta::hours(1));
    let delivered = follow_until(&collector, &timer, start + TimeDelta::hours(9)).await;

    let keys: Vec<String> = delivered.iter().map(|(key, _)| key.clone()).collect();
    assert_once(&keys);
    assert_eq!(keys.len(), seeded.len() + 2);
    let entity_ids: Vec<i64> = delivered.iter().filter_map(|(_, e)| e.entity_id).collect();
    assert_eq!(entity_ids.iter().collect::<HashSet<_>>(), seeded.iter().collect::<HashSet<_>>());
    assert_eq!(entity_ids.len(), seeded.len());
    let twins: Vec<&AuditLogEntry> = delivered
        .iter()
        .map(|(_, entry)| entry)
        .filter(|entry| entry.user_name.as_deref() == Some("twin"))
        .collect();
    assert_eq!(twins.len(), 2);
    assert_eq!(twins[0], twins[1]);
}

#[tokio::test]
async fn an_energycap_run_is_delivered_in_progress_then_complete_and_no_longer_rechecked() {
    let timer = Arc::new(VirtualTimer::new());
    let sandbox = sandbox_on(&timer, None).await;
    let energycap = sandbox.energycap();
    energycap.clear_logs();
    // Three days back: after the first run, only the recheck finds it.
    let begin = (sandbox.now() - TimeDelta::days(3)).format("%Y-%m-%dT%H:%M:%S").to_string();
    let id = energycap.add_log(json!({ "beginDate": begin, "status": "In Progress" }));
    let store = MemoryStore::new();
    let source = sandbox.client().energycap().distribution_log_source();
    let source_id = source.id();
    let collector = Collector::new(source).store(store.clone());
    let run = || async {
        let (events, _) = drain(collector.run()).await;
        timer.sleep(10 * MINUTE).await;
        keys_of(events)
    };

    assert_eq!(run().await, [format!("{id}:In Progress")]);
    let pending = |store: &MemoryStore| {
        store.get(&source_id).unwrap().pending_subjects().map(str::to_owned).collect::<Vec<_>>()
    };
    assert_eq!(pending(&store), [id.to_string()]);
    assert!(run().await.is_empty(), "an unchanged run was delivered again");
    energycap.edit_log(id, |log| log["status"] = json!("Complete"));
    assert_eq!(run().await, [format!("{id}:Complete")]);
    assert!(pending(&store).is_empty());
    energycap.edit_log(id, |log| log["numberOfRecipients"] = json!(9));
    assert!(run().await.is_empty());
}

#[tokio::test]
async fn a_reporter_report_is_delivered_processing_then_finished_once_each() {
    let timer = Arc::new(VirtualTimer::new());
    let sandbox = sandbox_on(&timer, None).await;
    let client = sandbox.client();
    let created =
        client.reporter().generate_report(ReporterSandbox::CSV_TEMPLATE).send().await.unwrap();
    let id = created.value.id;
    let store = MemoryStore::new();
    let collector = Collector::new(client.reporter().report_source()).store(store.clone());
    let mut keys = Vec::new();
    for _ in 0..6 {
        timer.sleep(2 * MINUTE).await;
        keys.extend(keys_of(drain(collector.run()).await.0));
    }
    assert_eq!(keys, [format!("{id}:Processing"), format!("{id}:Finished")]);
    let checkpoint = store.get("reporter/reports").unwrap();
    assert_eq!(checkpoint.pending_subjects().count(), 0);
}

#[tokio::test]
async fn a_restart_from_the_file_store_delivers_nothing_twice_and_loses_nothing() {
    let timer = Arc::new(VirtualTimer::new());
    let sandbox = sandbox_on(&timer, None).await;
    let qualtrics = sandbox.qualtrics();
    qualtrics.clear_events();
    let now = sandbox.now();
    let first_day = now - TimeDelta::days(3);
    let seeded = qualtrics.seed_events("logins", 500, first_day, now - TimeDelta::hours(1));
    let dir = std::env::temp_dir().join(format!("auditkit-collect-restart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("logins.checkpoint.json");
    let _ = std::fs::remove_file(&path);
    let collector = || {
        Collector::new(sandbox.client().qualtrics().event_source::<Logins>())
            .store(FileStore::new(&path))
            .start_at(first_day)
            .batch_size(60)
    };

    let mut committed = Vec::new();
    let mut first = collector().run();
    for _ in 0..3 {
        let mut batch = first.try_next().await.unwrap().unwrap();
        committed.extend(batch.take_events().into_iter().map(|event| event.key));
        batch.commit().await.unwrap();
    }
    // A crash between the sink and the commit: this batch is delivered again, same keys.
    let mut lost = first.try_next().await.unwrap().unwrap();
    let uncommitted: Vec<String> = lost.take_events().into_iter().map(|e| e.key).collect();
    assert!(!uncommitted.is_empty());
    drop(first);

    let again = keys_of(drain(collector().run()).await.0);
    assert!(uncommitted.iter().all(|key| again.contains(key)));
    committed.extend(again);
    assert_once(&committed);
    assert_eq!(committed.iter().collect::<HashSet<_>>(), seeded.iter().collect::<HashSet<_>>());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn an_undecodable_event_is_delivered_once_as_undecodable_and_the_collection_goes_on() {
    let timer = Arc::new(VirtualTimer::new());
    let sandbox = sandbox_on(&timer, None).await;
    let qualtrics = sandbox.qualtrics();
    qualtrics.clear_events();
    let now = sandbox.now();
    let seeded =
        qualtrics.seed_events("logins", 30, now - TimeDelta::hours(5), now - TimeDelta::hours(1));
    let odd_time = (now - TimeDelta::hours(3)).to_rfc3339();
    qualtrics
        .add_event("logins", json!({ "id": "odd-1", "timestamp": odd_time, "descriptor": 42 }));
    let collector = Collector::new(sandbox.client().qualtrics().event_source::<Logins>())
        .start_at(now - TimeDelta::hours(6));

    let (mut keys, mut undecodable) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let (events, rejected) = drain(collector.run()).await;
        keys.extend(keys_of(events));
        undecodable.extend(rejected);
        timer.sleep(10 * MINUTE).await;
    }
    assert_eq!(undecodable.len(), 1);
    assert!(undecodable[0].item.raw_json().contains("odd-1"));
    assert!(undecodable[0].key.starts_with("undecodable:"));
    assert_once(&keys);
    assert_eq!(keys.iter().collect::<HashSet<_>>(), seeded.iter().collect::<HashSet<_>>());
}

#[tokio::test]
async fn an_everbridge_collector_resumes_across_the_month_boundary() {
    let timer = Arc::new(VirtualTimer::starting_at(at("2026-11-01T03:00:00Z")));
    let sandbox = sandbox_on(&timer, None).await;
    let everbridge = sandbox.everbridge();
    everbridge.clear_entries();
    let seeded = everbridge.seed_entries(
        ReportType::Contact,
        120,
        at("2026-10-31T20:00:00Z"),
        at("2026-11-01T02:00:00Z"),
    );
    let dir = std::env::temp_dir().join(format!("auditkit-collect-month-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("contact.checkpoint.json");
    let _ = std::fs::remove_file(&path);
    let collector = || {
        Collector::new(sandbox.client().everbridge().audit_log_source(ReportType::Contact))
            .store(FileStore::new(&path))
            .start_at(at("2026-10-31T19:00:00Z"))
            .step(Duration::from_secs(45 * 60))
    };

    // Stopped at 23:30, before the window across midnight (23:30 to 00:15).
    let mut delivered: Vec<AuditLogEntry> = Vec::new();
    let mut first = collector().run();
    loop {
        let mut batch = first.try_next().await.unwrap().unwrap();
        delivered.extend(batch.take_events().into_iter().map(|event| event.event));
        let mark = batch.checkpoint().high_water_mark();
        batch.commit().await.unwrap();
        if mark == Some(at("2026-10-31T23:30:00Z")) {
            break;
        }
    }
    drop(first);
    sandbox.clear_requests();
    delivered.extend(drain(collector().run()).await.0.into_iter().map(|event| event.event));

    let ids: Vec<i64> = delivered.iter().filter_map(|entry| entry.entity_id).collect();
    assert_eq!(ids.len(), seeded.len());
    assert_eq!(ids.iter().collect::<HashSet<_>>(), seeded.iter().collect::<HashSet<_>>());
    // The restarted run reads again from 21:30 (the overlap), and its window across
    // midnight, 23:45 to 00:30, as two months.
    let queries: Vec<String> =
        sandbox.requests().iter().filter_map(|request| request.query.clone()).collect();
    let asked = |needle: &str| queries.iter().any(|query| query.contains(needle));
    assert!(asked("from=2026-10-31T21%3A30%3A00&to=2026-10-31T22%3A14%3A59"), "{queries:#?}");
    assert!(asked("from=2026-10-31T23%3A45%3A00&to=2026-10-31T23%3A59%3A59"), "{queries:#?}");
    assert!(asked("from=2026-11-01T00%3A00%3A00&to=2026-11-01T00%3A29%3A59"), "{queries:#?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_sandbox_lists_a_late_event_only_once_its_publication_time_has_passed() {
    let timer = Arc::new(VirtualTimer::new());
    let late = LateEvents::new(1.0, 10 * MINUTE);
    let sandbox = sandbox_on(&timer, Some(late)).await;
    let qualtrics = sandbox.qualtrics();
    qualtrics.clear_events();
    let now = sandbox.now();
    let (from, to) = (now - TimeDelta::minutes(5), now);
    qualtrics.seed_events("logins", 50, from, to);
    let list = || async {
        let client = sandbox.client();
        let events = client.qualtrics().list_events::<Logins>().start_date(from).end_date(to);
        events.page_size(1000).items().try_collect::<Vec<_>>().await.unwrap().len()
    };
    let listed_now = list().await;
    assert!(listed_now < 50, "{listed_now} of 50 listed before their publication");
    timer.sleep(5 * MINUTE).await;
    let later = list().await;
    assert!(later > listed_now && later < 50, "{later}");
    timer.sleep(6 * MINUTE).await;
    assert_eq!(list().await, 50);
}

#[tokio::test]
async fn a_report_that_cannot_be_read_again_does_not_stop_the_collection_and_is_read_next_run() {
    use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

    let server = MockServer::start().await;
    let created = Utc::now() - TimeDelta::hours(2);
    let report = |status: &str| json!({ "id": "r-1", "templateId": "t-1", "status": status, "createdAt": created.to_rfc3339() });
    let list = |items: serde_json::Value| {
        ResponseTemplate::new(200)
            .set_body_json(json!({ "items": items, "page": 1, "limit": 100, "total": 1 }))
    };
    let mount_lists = || async {
        Mock::given(matchers::path("/v1/reports"))
            .and(matchers::query_param("created_at", created.format("%Y-%m-%d").to_string()))
            .respond_with(list(json!([report("Processing")])))
            .mount(&server)
            .await;
        Mock::given(matchers::path("/v1/reports"))
            .respond_with(list(json!([])))
            .mount(&server)
            .await;
    };
    mount_lists().await;
    let client = Client::builder()
        .reporter(auditkit::reporter::Config::new(
            server.uri(),
            auditkit::reporter::Credentials::none(),
        ))
        .retry(auditkit::RetryPolicy::none())
        .build()
        .unwrap();
    let store = MemoryStore::new();
    let collector = Collector::new(client.reporter().report_source()).store(store.clone());
    assert_eq!(keys_of(drain(collector.run()).await.0), ["r-1:Processing"]);

    // Read again, the report's answer does not decode (an id that is not text): the run
    // still completes, and the report stays pending.
    Mock::given(matchers::path("/v1/reports/r-1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "id": 1, "status": "Finished" })),
        )
        .mount(&server)
        .await;
    let (events, _) = drain(collector.run()).await;
    assert!(events.is_empty());
    assert_eq!(
        store.get("reporter/reports").unwrap().pending_subjects().collect::<Vec<_>>(),
        ["r-1"]
    );

    server.reset().await;
    mount_lists().await;
    Mock::given(matchers::path("/v1/reports/r-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(report("Finished")))
        .mount(&server)
        .await;
    assert_eq!(keys_of(drain(collector.run()).await.0), ["r-1:Finished"]);
    assert_eq!(store.get("reporter/reports").unwrap().pending_subjects().count(), 0);
}

/// Reads `collector`'s run in a task of its own, noting `name` in `order` for each batch.
/// With `together`, its first batch waits for the other run's first batch (for at most 10
/// s): both runs list at the same time.
fn read_in_a_task<S: Source>(
    collector: Collector<S>,
    name: &'static str,
    order: Arc<std::sync::Mutex<Vec<&'static str>>>,
    together: Option<Arc<tokio::sync::Barrier>>,
) -> tokio::task::JoinHandle<usize> {
    tokio::spawn(async move {
        let mut batches = collector.run();
        let (mut events, mut together) = (0, together);
        while let Some(batch) = batches.try_next().await.unwrap() {
            events += batch.events().len();
            order.lock().unwrap().push(name);
            if let Some(together) = together.take() {
                let waited = tokio::time::timeout(Duration::from_secs(10), together.wait()).await;
                assert!(waited.is_ok(), "{name}: the other run did not list while this one did");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
            batch.commit().await.unwrap();
        }
        events
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collectors_sharing_turns_list_no_more_runs_at_once_than_the_turns() {
    let sandbox = Sandbox::start().await.unwrap();
    let qualtrics = sandbox.qualtrics();
    qualtrics.clear_events();
    let now = sandbox.now();
    let (from, to) = (now - TimeDelta::days(2), now - TimeDelta::hours(1));
    qualtrics.seed_events("logins", 120, from, to);
    qualtrics.seed_events("password_resets", 120, from, to);

    for at_once in [1, 2] {
        let turns = Turns::new(at_once);
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let together = (at_once == 2).then(|| Arc::new(tokio::sync::Barrier::new(2)));
        let client = sandbox.client();
        let logins = Collector::new(client.qualtrics().event_source::<Logins>())
            .start_at(from)
            .batch_size(20)
            .turns(turns.clone());
        let resets = Collector::new(client.qualtrics().event_source::<PasswordResets>())
            .start_at(from)
            .batch_size(20)
            .turns(turns.clone());
        let logins = read_in_a_task(logins, "logins", Arc::clone(&order), together.clone());
        let resets = read_in_a_task(resets, "resets", Arc::clone(&order), together);
        assert_eq!((logins.await.unwrap(), resets.await.unwrap()), (120, 120));

        let order = order.lock().unwrap();
        let switches = order.windows(2).filter(|pair| pair[0] != pair[1]).count();
        assert!(order.len() >= 12, "{order:?}");
        if at_once == 1 {
            // One run listed to its end, then the other.
            assert_eq!(switches, 1, "one turn: batches in the order {order:?}");
        }
        assert_eq!(
            format!("{turns:?}"),
            format!("Turns {{ at_once: {at_once}, free: {at_once} }}")
        );
    }
}

#[tokio::test]
async fn an_event_in_the_millisecond_a_window_ends_in_is_delivered_once() {
    let timer = Arc::new(VirtualTimer::new());
    let sandbox = sandbox_on(&timer, None).await;
    let qualtrics = sandbox.qualtrics();
    qualtrics.clear_events();
    // Windows of an hour from half a millisecond past a whole one: the first window ends
    // inside the millisecond of the event, which Qualtrics' whole-millisecond `endDate`
    // would leave out while the next window starts after it.
    let whole = chrono::DurationRound::duration_trunc(
        sandbox.now() - TimeDelta::hours(5),
        TimeDelta::milliseconds(1),
    )
    .unwrap();
    let start = whole + TimeDelta::microseconds(500);
    let boundary = start + TimeDelta::hours(1);
    let at = boundary - TimeDelta::microseconds(500);
    qualtrics.add_event("logins", json!({ "id": "edge", "timestamp": at.to_rfc3339() }));
    qualtrics.add_event(
        "logins",
        json!({ "id": "after", "timestamp": (boundary + TimeDelta::minutes(1)).to_rfc3339() }),
    );
    let collector = Collector::new(sandbox.client().qualtrics().event_source::<Logins>())
        .start_at(start)
        .until(start + TimeDelta::hours(2))
        .step(Duration::from_secs(3600))
        .overlap(Duration::ZERO);
    let keys = keys_of(drain(collector.run()).await.0);
    assert_eq!(keys, ["edge", "after"]);
}
