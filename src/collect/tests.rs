//! The collector against a source in memory whose events appear when the virtual clock
//! reaches their publication time.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, TimeZone, Utc};
use futures::{StreamExt, TryStreamExt, stream};

use super::*;
use crate::{Error, Timer, Vendor, timer::VirtualTimer};

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
}

fn minutes(n: i64) -> chrono::TimeDelta {
    chrono::TimeDelta::minutes(n)
}

#[derive(Debug, Clone)]
struct Published {
    key: String,
    time: DateTime<Utc>,
    published: DateTime<Utc>,
    subject: Option<(String, bool)>,
    /// The vendor lists it by `time` but does not say it: the source gives the window's
    /// fallback time.
    timeless: bool,
}

/// Events appear at their publication time; `fail_next` makes the next listing fail after
/// its first event.
#[derive(Debug, Clone)]
struct FakeSource {
    timer: Arc<VirtualTimer>,
    events: Arc<Mutex<Vec<Published>>>,
    windows: Arc<Mutex<Vec<Window>>>,
    fail_next: Arc<Mutex<bool>>,
}

impl FakeSource {
    fn new() -> Self {
        Self {
            timer: Arc::new(VirtualTimer::starting_at(start())),
            events: Arc::default(),
            windows: Arc::default(),
            fail_next: Arc::default(),
        }
    }

    fn publish(&self, key: &str, time: DateTime<Utc>, delay: chrono::TimeDelta) {
        self.events.lock().unwrap().push(Published {
            key: key.into(),
            time,
            published: time + delay,
            subject: None,
            timeless: false,
        });
    }

    fn state(&self, subject: &str, status: &str, time: DateTime<Utc>, settled: bool) {
        let mut events = self.events.lock().unwrap();
        events.retain(|e| e.subject.as_ref().is_none_or(|(id, _)| id != subject));
        events.push(Published {
            key: format!("{subject}:{status}"),
            time,
            published: self.timer.wall_clock(),
            subject: Some((subject.into(), settled)),
            timeless: false,
        });
    }

    async fn advance(&self, by: Duration) {
        self.timer.sleep(by).await;
    }
}

impl Source for FakeSource {
    type Event = String;

    fn id(&self) -> String {
        "fake/events".into()
    }

    fn vendor(&self) -> Vendor {
        Vendor::Qualtrics
    }

    fn settings(&self) -> Settings {
        Settings::default().lag(5 * MINUTE).overlap(HOUR).step(Some(HOUR)).lookback(HOUR)
    }

    fn timer(&self) -> Arc<dyn Timer> {
        self.timer.clone()
    }

    fn list(&self, window: &Window) -> ListedStream<String> {
        self.windows.lock().unwrap().push(window.clone());
        let now = self.timer.wall_clock();
        let listed: Vec<Result<Listed<String>, Error>> = self
            .events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e.published <= now)
            .filter(|e| {
                window.contains(e.time)
                    || e.subject.as_ref().is_some_and(|(id, _)| window.recheck.contains(id))
            })
            .map(|e| {
                let time = if e.timeless { window.fallback_time() } else { e.time };
                let mut event = Collected::new(&e.key, time, e.key.clone());
                if let Some((id, settled)) = &e.subject {
                    event = event.subject(id, *settled);
                }
                Ok(Listed::Event(event))
            })
            .collect();
        let fail = std::mem::take(&mut *self.fail_next.lock().unwrap());
        if fail && !listed.is_empty() {
            let first = listed.into_iter().take(1);
            let error = Error::pagination(
                crate::Operation::new(Vendor::Qualtrics, "list_events"),
                "the connection dropped",
            );
            return stream::iter(first.chain([Err(error)])).boxed();
        }
        stream::iter(listed).boxed()
    }
}

/// Runs once, committing every batch; the keys delivered.
async fn run_and_commit(collector: &Collector<FakeSource>) -> Vec<String> {
    let mut keys = Vec::new();
    let mut batches = collector.run();
    while let Some(batch) = batches.try_next().await.unwrap() {
        keys.extend(batch.events().iter().map(|e| e.key.clone()));
        batch.commit().await.unwrap();
    }
    keys
}

#[tokio::test]
async fn late_events_within_lag_and_overlap_are_delivered_exactly_once() {
    let source = FakeSource::new();
    let collector = Collector::new(source.clone()).start_at(start());
    // One event a minute for 3 hours; every 7th published 20 minutes late (beyond the
    // 5-minute lag, within lag + overlap), every 3rd 4 minutes late.
    let mut expected = Vec::new();
    for minute in 0..180 {
        let delay = match minute {
            m if m % 7 == 0 => minutes(20),
            m if m % 3 == 0 => minutes(4),
            _ => minutes(0),
        };
        let key = format!("e{minute}");
        source.publish(&key, start() + minutes(minute), delay);
        expected.push(key);
    }
    let mut delivered = Vec::new();
    // A run every 10 minutes until well after the last publication.
    for _ in 0..24 {
        source.advance(10 * MINUTE).await;
        delivered.extend(run_and_commit(&collector).await);
    }
    let mut sorted = delivered.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), delivered.len(), "duplicates in {delivered:?}");
    expected.sort();
    assert_eq!(sorted, expected);
}

#[tokio::test]
async fn the_last_event_s_time_is_not_the_cursor_a_late_event_before_it_is_not_missed() {
    let source = FakeSource::new();
    let collector = Collector::new(source.clone()).start_at(start());
    source.publish("early", start() + minutes(10), minutes(0));
    source.publish("late", start() + minutes(5), minutes(30));
    source.advance(20 * MINUTE).await;
    assert_eq!(run_and_commit(&collector).await, ["early"]);
    source.advance(40 * MINUTE).await;
    assert_eq!(run_and_commit(&collector).await, ["late"]);
}

#[tokio::test]
async fn a_batch_not_committed_comes_again_with_the_same_keys_and_a_committed_one_never() {
    let source = FakeSource::new();
    let store = MemoryStore::new();
    for minute in 0..30 {
        source.publish(&format!("e{minute}"), start() + minutes(minute), minutes(0));
    }
    source.advance(HOUR).await;
    let collector =
        Collector::new(source.clone()).store(store.clone()).start_at(start()).batch_size(10);

    // The sink got the first two batches, the process died before the second commit.
    let mut batches = collector.run();
    let first = batches.try_next().await.unwrap().unwrap();
    let first_keys: Vec<_> = first.events().iter().map(|e| e.key.clone()).collect();
    first.commit().await.unwrap();
    let second = batches.try_next().await.unwrap().unwrap();
    let second_keys: Vec<_> = second.events().iter().map(|e| e.key.clone()).collect();
    drop((second, batches));

    let restarted = Collector::new(source.clone()).store(store.clone()).start_at(start());
    let again = run_and_commit(&restarted).await;
    assert!(again.iter().all(|key| !first_keys.contains(key)), "{again:?}");
    assert_eq!(&again[..10], &second_keys[..], "the uncommitted batch, with the same keys");
    assert_eq!(first_keys.len() + again.len(), 30);
    assert!(run_and_commit(&restarted).await.is_empty());
}

#[tokio::test]
async fn a_failed_listing_loses_nothing_the_next_follow_cycle_delivers_the_rest() {
    let source = FakeSource::new();
    for minute in 0..20 {
        source.publish(&format!("e{minute}"), start() + minutes(minute), minutes(0));
    }
    source.advance(HOUR).await;
    *source.fail_next.lock().unwrap() = true;
    let collector = Collector::new(source.clone()).start_at(start()).batch_size(100);
    let mut follow = collector.follow(10 * MINUTE);
    let failed = follow.next().await.unwrap();
    assert!(matches!(failed, Err(Error::Pagination(_))), "{failed:?}");
    let batch = follow.next().await.unwrap().unwrap();
    assert_eq!(batch.events().len(), 20, "the event listed before the failure comes too");
}

#[tokio::test]
async fn each_state_of_a_subject_is_delivered_once_and_rechecks_end_with_the_final_one() {
    let source = FakeSource::new();
    let collector = Collector::new(source.clone()).start_at(start());
    source.advance(10 * MINUTE).await;
    source.state("run-1", "InProgress", start() + minutes(1), false);
    source.advance(10 * MINUTE).await;
    assert_eq!(run_and_commit(&collector).await, ["run-1:InProgress"]);
    // Hours later, far outside the overlap: still in progress, then complete.
    source.advance(5 * HOUR).await;
    assert!(run_and_commit(&collector).await.is_empty());
    source.state("run-1", "Complete", start() + minutes(1), true);
    source.advance(10 * MINUTE).await;
    assert_eq!(run_and_commit(&collector).await, ["run-1:Complete"]);
    source.advance(10 * MINUTE).await;
    assert!(run_and_commit(&collector).await.is_empty());
    let last = source.windows.lock().unwrap().last().cloned().unwrap();
    assert!(last.recheck.is_empty(), "no recheck after the final state: {last:?}");
}

#[tokio::test]
async fn a_run_with_nothing_new_still_moves_the_checkpoint() {
    let source = FakeSource::new();
    let store = MemoryStore::new();
    let collector = Collector::new(source.clone()).store(store.clone()).start_at(start());
    source.advance(3 * HOUR).await;
    let batches: Vec<_> = collector.run().try_collect().await.unwrap();
    assert_eq!(batches.len(), 1);
    assert!(batches[0].is_empty());
    let expected = start() + chrono::TimeDelta::hours(3) - minutes(5);
    assert_eq!(batches[0].checkpoint().high_water_mark(), Some(expected));
    for batch in batches {
        batch.commit().await.unwrap();
    }
    assert_eq!(store.get("fake/events").unwrap().high_water_mark(), Some(expected));
}

#[tokio::test]
async fn windows_follow_the_step_from_the_overlap_to_now_minus_the_lag() {
    let source = FakeSource::new();
    let collector = Collector::new(source.clone()).start_at(start());
    source.advance(150 * MINUTE).await;
    run_and_commit(&collector).await;
    source.advance(30 * MINUTE).await;
    run_and_commit(&collector).await;
    let ranges: Vec<_> = source.windows.lock().unwrap().iter().map(|w| w.range.clone()).collect();
    let at = |m| start() + minutes(m);
    assert_eq!(
        ranges,
        [at(0)..at(60), at(60)..at(120), at(120)..at(145), at(85)..at(145), at(145)..at(175)]
    );
}

#[tokio::test]
async fn beyond_max_keys_the_overlap_shrinks_and_nothing_is_delivered_twice() {
    let source = FakeSource::new();
    for minute in 0..50 {
        source.publish(&format!("e{minute}"), start() + minutes(minute), minutes(0));
    }
    source.advance(HOUR).await;
    let collector = Collector::new(source.clone()).start_at(start()).max_keys(10);
    assert_eq!(run_and_commit(&collector).await.len(), 50);
    source.advance(10 * MINUTE).await;
    assert!(run_and_commit(&collector).await.is_empty());
    let first_window_of_second_run = source.windows.lock().unwrap()[1].range.start;
    assert!(first_window_of_second_run > start() + minutes(39), "{first_window_of_second_run}");
}

#[tokio::test]
async fn bad_settings_are_refused_before_any_listing() {
    let source = FakeSource::new();
    for collector in [
        Collector::new(source.clone()).batch_size(0),
        Collector::new(source.clone()).max_keys(0),
        Collector::new(source.clone()).step(Duration::ZERO),
    ] {
        let error = collector.run().try_next().await.unwrap_err();
        assert!(matches!(error, Error::InvalidInput(_)), "{error}");
    }
    assert!(source.windows.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_checkpoint_saved_by_another_source_is_refused() {
    #[derive(Debug)]
    struct Confused;
    impl CheckpointStore for Confused {
        fn load<'a>(
            &'a self,
            _: &'a str,
        ) -> futures::future::BoxFuture<'a, Result<Option<Checkpoint>, Error>> {
            Box::pin(async { Ok(Some(Checkpoint::new("other/source".into()))) })
        }
        fn save<'a>(
            &'a self,
            _: &'a Checkpoint,
        ) -> futures::future::BoxFuture<'a, Result<(), Error>> {
            Box::pin(async { Ok(()) })
        }
    }
    let source = FakeSource::new();
    let error = Collector::new(source.clone()).store(Confused).run().try_next().await.unwrap_err();
    assert!(error.to_string().contains("other/source"), "{error}");
    assert!(source.windows.lock().unwrap().is_empty());
}

#[tokio::test]
async fn annotations_are_saved_with_the_checkpoint_and_come_back_on_the_next_run() {
    let source = FakeSource::new();
    let store = MemoryStore::new();
    source.publish("a", start() + minutes(1), minutes(0));
    source.advance(HOUR).await;
    let collector = Collector::new(source.clone()).store(store.clone()).start_at(start());
    let mut batch = collector.run().try_next().await.unwrap().unwrap();
    batch.annotate("output_bytes", 42);
    batch.commit().await.unwrap();
    assert_eq!(store.get("fake/events").unwrap().annotation("output_bytes"), Some(&42.into()));
    // A later batch, not annotated, keeps the value.
    source.advance(HOUR).await;
    let batch = collector.run().try_next().await.unwrap().unwrap();
    batch.commit().await.unwrap();
    assert_eq!(store.get("fake/events").unwrap().annotation("output_bytes"), Some(&42.into()));
}

#[test]
fn batch_streams_and_commits_are_send_and_static() {
    fn send_static<T: Send + 'static>(_: &T) {}
    let collector = Collector::new(FakeSource::new());
    send_static(&collector.run());
    send_static(&collector.follow(MINUTE));
    fn commit(batch: Batch<String>) {
        send_static(&batch.commit());
    }
    let _ = commit;
}

#[tokio::test]
async fn an_event_without_a_time_of_its_own_is_delivered_once_while_the_overlap_lists_it_again() {
    let source = FakeSource::new();
    source.events.lock().unwrap().push(Published {
        key: "timeless".into(),
        time: start() + minutes(50),
        published: start() + minutes(50),
        subject: None,
        timeless: true,
    });
    let collector = Collector::new(source.clone()).start_at(start());
    source.advance(HOUR).await;
    let mut delivered = Vec::new();
    for _ in 0..12 {
        delivered.extend(run_and_commit(&collector).await);
        source.advance(10 * MINUTE).await;
    }
    assert_eq!(delivered, ["timeless"]);
}

#[tokio::test]
async fn mapped_batches_of_two_sources_merge_into_one_stream_and_each_commits_its_own_checkpoint() {
    #[derive(Debug, PartialEq)]
    enum Merged {
        Text(String),
        Length(usize),
    }
    let source = FakeSource::new();
    source.publish("e1", start() + minutes(1), minutes(0));
    source.state("run-7", "In Progress", start() + minutes(2), false);
    source.advance(HOUR).await;
    let (texts, lengths) = (MemoryStore::new(), MemoryStore::new());
    let collector =
        |store: &MemoryStore| Collector::new(source.clone()).store(store.clone()).start_at(start());

    let merged = stream::select(
        collector(&texts).run().map_ok(|batch| batch.map(Merged::Text)),
        collector(&lengths).run().map_ok(|batch| batch.map(|event| Merged::Length(event.len()))),
    );
    let batches: Vec<Batch<Merged>> = merged.try_collect().await.unwrap();
    let mut delivered = Vec::new();
    for batch in batches {
        delivered.extend(batch.events().iter().map(|e| {
            (e.key.clone(), e.time, e.subject.as_ref().map(|s| s.settled), format!("{:?}", e.event))
        }));
        batch.commit().await.unwrap();
    }
    delivered.sort();
    let running = Some(false);
    assert_eq!(
        delivered,
        [
            ("e1".to_owned(), start() + minutes(1), None, "Length(2)".to_owned()),
            ("e1".to_owned(), start() + minutes(1), None, r#"Text("e1")"#.to_owned()),
            ("run-7:In Progress".into(), start() + minutes(2), running, "Length(17)".into()),
            (
                "run-7:In Progress".into(),
                start() + minutes(2),
                running,
                r#"Text("run-7:In Progress")"#.into()
            ),
        ]
    );
    // Each mapped batch's commit moved its own collector's checkpoint.
    for store in [&texts, &lengths] {
        assert!(run_and_commit(&collector(store)).await.is_empty());
        let saved = store.get("fake/events").unwrap();
        assert_eq!(saved.pending_subjects().collect::<Vec<_>>(), ["run-7"]);
    }
}
