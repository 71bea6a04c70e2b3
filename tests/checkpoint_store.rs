//! The file store: checkpoints survive a restart, a torn write leaves the previous one
//! readable, and a damaged file is an error that says what to do, never a silent restart.

use std::path::PathBuf;

use auditkit::{
    Error,
    collect::{Checkpoint, CheckpointStore, FileStore},
};

/// A directory of its own for each test, removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("auditkit-store-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn checkpoint(source: &str, hwm: &str, key_hash: &str) -> Checkpoint {
    serde_json::from_value(serde_json::json!({
        "source": source,
        "high_water_mark": hwm,
        "seen": { hwm: [key_hash] },
        "annotations": { "output_bytes": 1234 }
    }))
    .unwrap()
}

#[tokio::test]
async fn a_checkpoint_round_trips_through_the_file_store_across_processes() {
    let scratch = Scratch::new();
    let path = scratch.path("checkpoints.json");
    let logins =
        checkpoint("qualtrics/logins", "2026-11-22T10:00:00Z", "0123456789abcdef0123456789abcdef");
    let security = checkpoint(
        "everbridge/security",
        "2026-11-22T09:00:00Z",
        "ffffffffffffffffffffffffffffffff",
    );
    let store = FileStore::new(&path);
    store.save(&logins).await.unwrap();
    store.save(&security).await.unwrap();

    let reopened = FileStore::new(&path);
    assert_eq!(reopened.load("qualtrics/logins").await.unwrap(), Some(logins));
    assert_eq!(reopened.load("everbridge/security").await.unwrap(), Some(security));
    assert_eq!(reopened.load("reporter/reports").await.unwrap(), None);
    let sources: Vec<_> =
        reopened.checkpoints().await.unwrap().iter().map(|c| c.source().to_owned()).collect();
    assert_eq!(sources, ["everbridge/security", "qualtrics/logins"]);
    assert!(!path.with_file_name("checkpoints.json.tmp").exists(), "no temporary file left");
}

#[tokio::test]
async fn a_torn_write_leaves_the_previous_checkpoint_readable() {
    let scratch = Scratch::new();
    let path = scratch.path("checkpoints.json");
    let before =
        checkpoint("qualtrics/logins", "2026-11-22T10:00:00Z", "0123456789abcdef0123456789abcdef");
    FileStore::new(&path).save(&before).await.unwrap();
    // A crash in the middle of the next save leaves half a temporary file beside it.
    let after =
        checkpoint("qualtrics/logins", "2026-11-22T11:00:00Z", "0123456789abcdef0123456789abcdee");
    let full = serde_json::to_vec(&after).unwrap();
    std::fs::write(path.with_file_name("checkpoints.json.tmp"), &full[..full.len() / 2]).unwrap();

    let reopened = FileStore::new(&path);
    assert_eq!(reopened.load("qualtrics/logins").await.unwrap(), Some(before));
    reopened.save(&after).await.unwrap();
    assert_eq!(FileStore::new(&path).load("qualtrics/logins").await.unwrap(), Some(after));
}

#[tokio::test]
async fn a_damaged_file_is_an_error_naming_the_file_and_the_way_out() {
    let scratch = Scratch::new();
    let path = scratch.path("checkpoints.json");
    std::fs::write(&path, br#"{"format":1,"checkpoints":{"qualtrics/logins":{"sour"#).unwrap();
    let error = FileStore::new(&path).load("qualtrics/logins").await.unwrap_err();
    let Error::Checkpoint(detail) = &error else { panic!("{error:?}") };
    assert_eq!(detail.path(), Some(path.as_path()));
    let text = error.to_string();
    assert!(text.contains("checkpoints.json") && text.contains("backup"), "{text}");
}

#[tokio::test]
async fn a_file_from_a_newer_auditkit_is_refused_not_overwritten() {
    let scratch = Scratch::new();
    let path = scratch.path("checkpoints.json");
    std::fs::write(&path, br#"{"format":99,"checkpoints":{}}"#).unwrap();
    let store = FileStore::new(&path);
    let error = store.save(&checkpoint("a/b", "2026-11-22T10:00:00Z", "00")).await.unwrap_err();
    assert!(error.to_string().contains("upgrade auditkit"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), br#"{"format":99,"checkpoints":{}}"#);
}

#[tokio::test]
async fn a_save_that_cannot_be_written_is_an_error_and_the_store_keeps_the_old_one() {
    let scratch = Scratch::new();
    let path = scratch.path("missing-directory").join("checkpoints.json");
    let store = FileStore::new(&path);
    let error = store.save(&checkpoint("a/b", "2026-11-22T10:00:00Z", "00")).await.unwrap_err();
    assert!(matches!(error, Error::Checkpoint(_)), "{error:?}");
    assert!(error.to_string().contains("missing-directory"), "{error}");
    assert_eq!(store.load("a/b").await.unwrap(), None);
}

mod leases {
    //! Leases and fenced commits of the stores in memory and in a file, on a virtual clock;
    //! and a leased collector.

    use std::{sync::Arc, time::Duration};

    use auditkit::{
        CheckpointErrorKind, Error, Timer, Vendor,
        collect::{
            Acquired, Checkpoint, Collected, Collector, FileStore, Lease, LeasedStore, Listed,
            ListedStream, MemoryStore, Settings, Source, Window,
        },
        testkit::VirtualTimer,
    };
    use chrono::{TimeZone, Utc};
    use futures::{StreamExt, TryStreamExt, future::BoxFuture, stream};

    const LEASE: Duration = Duration::from_secs(30);

    fn kind(result: Result<impl std::fmt::Debug, Error>) -> CheckpointErrorKind {
        match result {
            Err(Error::Checkpoint(error)) => error.kind(),
            other => panic!("expected a checkpoint error, got {other:?}"),
        }
    }

    async fn granted(store: &impl LeasedStore, holder: &str) -> Lease {
        match store.acquire("test/a", holder, LEASE).await.unwrap() {
            Acquired::Granted(lease) => lease,
            held => panic!("{holder} expected the lease, got {held:?}"),
        }
    }

    fn marked(hwm: &str) -> Checkpoint {
        serde_json::from_value(serde_json::json!({ "source": "test/a", "high_water_mark": hwm }))
            .unwrap()
    }

    /// The lease rules every leased store keeps, on `timer`'s clock.
    async fn leases_expire_renew_fence_and_release(store: impl LeasedStore, timer: &VirtualTimer) {
        let a = granted(&store, "a").await;
        match store.acquire("test/a", "b", LEASE).await.unwrap() {
            Acquired::Held { holder, until } => {
                assert_eq!(holder, "a");
                assert_eq!(until, a.expires_at());
            }
            granted => panic!("b must wait: {granted:?}"),
        }
        store.commit(&marked("2026-12-01T00:00:00Z"), a.token()).await.unwrap();

        // Renewed twice, a holds past its first expiry.
        timer.sleep(Duration::from_secs(20)).await;
        let a = store.renew(&a, LEASE).await.unwrap();
        timer.sleep(Duration::from_secs(20)).await;
        assert!(matches!(
            store.acquire("test/a", "b", LEASE).await.unwrap(),
            Acquired::Held { .. }
        ));

        // Not renewed, it expires: b takes it with a larger token, and a is fenced.
        timer.sleep(Duration::from_secs(31)).await;
        let b = granted(&store, "b").await;
        assert!(b.token() > a.token(), "{b:?} after {a:?}");
        assert_eq!(
            kind(store.commit(&marked("2026-12-02T00:00:00Z"), a.token()).await),
            CheckpointErrorKind::Fenced
        );
        assert_eq!(kind(store.renew(&a, LEASE).await), CheckpointErrorKind::Fenced);
        assert_eq!(
            store.load("test/a").await.unwrap(),
            Some(marked("2026-12-01T00:00:00Z")),
            "the stale commit did not land"
        );
        store.release(&a).await.unwrap();
        store.commit(&marked("2026-12-03T00:00:00Z"), b.token()).await.unwrap();

        // Released, it is free at once; the tokens still grow.
        store.release(&b).await.unwrap();
        assert_eq!(
            kind(store.commit(&marked("2026-12-04T00:00:00Z"), b.token()).await),
            CheckpointErrorKind::Fenced
        );
        let c = granted(&store, "c").await;
        assert!(c.token() > b.token());
        // A holder asking again gets a new token: its old one is fenced.
        let c2 = granted(&store, "c").await;
        assert!(c2.token() > c.token());
        assert_eq!(
            kind(store.commit(&marked("2026-12-05T00:00:00Z"), c.token()).await),
            CheckpointErrorKind::Fenced
        );
        assert_eq!(store.load("test/a").await.unwrap(), Some(marked("2026-12-03T00:00:00Z")));
    }

    fn virtual_timer() -> Arc<VirtualTimer> {
        Arc::new(VirtualTimer::starting_at(Utc.with_ymd_and_hms(2026, 12, 6, 2, 0, 0).unwrap()))
    }

    #[tokio::test]
    async fn the_memory_store_leases_expire_renew_fence_and_release() {
        let timer = virtual_timer();
        leases_expire_renew_fence_and_release(MemoryStore::with_timer(timer.clone()), &timer).await;
    }

    #[tokio::test]
    async fn the_file_store_leases_expire_renew_fence_and_release() {
        let scratch = super::Scratch::new();
        let timer = virtual_timer();
        let path = scratch.path("checkpoints.json");
        leases_expire_renew_fence_and_release(FileStore::new(&path).timer(timer.clone()), &timer)
            .await;
        // The leases live in the file: another store over it sees them.
        let other = FileStore::new(&path).timer(timer.clone());
        assert!(matches!(
            other.acquire("test/a", "d", LEASE).await.unwrap(),
            Acquired::Held { holder, .. } if holder == "c"
        ));
    }

    #[tokio::test]
    async fn file_stores_over_one_file_grant_a_lease_to_exactly_one_of_many_at_once() {
        let scratch = super::Scratch::new();
        let path = scratch.path("checkpoints.json");
        let acquiring = (0..8).map(|n| {
            let store = FileStore::new(&path);
            async move { store.acquire("test/a", &format!("replica-{n}"), LEASE).await.unwrap() }
        });
        let acquired = futures::future::join_all(acquiring).await;
        let granted = acquired.iter().filter(|a| matches!(a, Acquired::Granted(_))).count();
        assert_eq!(granted, 1, "{acquired:?}");
    }

    /// The real clock, for the collector's renewals.
    #[derive(Debug)]
    struct RealTimer;

    impl Timer for RealTimer {
        fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
            Box::pin(tokio::time::sleep(duration))
        }
        fn now(&self) -> tokio::time::Instant {
            tokio::time::Instant::now()
        }
    }

    /// Three events an hour ago, one window each of ten minutes.
    #[derive(Debug)]
    struct Three;

    impl Source for Three {
        type Event = ();
        fn id(&self) -> String {
            "test/a".into()
        }
        fn vendor(&self) -> Vendor {
            Vendor::Qualtrics
        }
        fn settings(&self) -> Settings {
            Settings::default()
                .lag(Duration::from_secs(60))
                .overlap(Duration::from_secs(60))
                .step(Some(Duration::from_secs(600)))
                .lookback(Duration::from_secs(3600))
        }
        fn timer(&self) -> Arc<dyn Timer> {
            Arc::new(RealTimer)
        }
        fn list(&self, window: &Window) -> ListedStream<()> {
            let now = RealTimer.wall_clock();
            let events: Vec<_> = (1..=3)
                .map(|n| (format!("event-{n}"), now - chrono::TimeDelta::minutes(50 - 10 * n)))
                .filter(|(_, time)| window.contains(*time))
                .map(|(key, time)| Ok(Listed::Event(Collected::new(key, time, ()))))
                .collect();
            stream::iter(events).boxed()
        }
    }

    #[tokio::test]
    async fn a_leased_collector_holds_its_source_alone_and_stops_when_its_lease_moves() {
        let store = MemoryStore::new();
        let lease = Duration::from_millis(300);
        let first = Collector::new(Three).leased_store(store.clone(), "first", lease);
        let second = Collector::new(Three).leased_store(store.clone(), "second", lease);

        let mut running = first.run();
        let batch = running.try_next().await.unwrap().unwrap();
        batch.commit().await.unwrap();
        // Held (and renewed) past its lease time while the first run lives.
        tokio::time::sleep(lease * 2).await;
        let refused = second.run().try_next().await;
        assert_eq!(kind(refused), CheckpointErrorKind::LeaseHeld);

        // A newer lease (as when a paused replica's lease moved): the first run's commits
        // are refused and the run stops, without moving the checkpoint.
        let before = store.get("test/a");
        let Acquired::Granted(newer) = store.acquire("test/a", "first", lease).await.unwrap()
        else {
            panic!("the same holder gets its lease again");
        };
        let pending = running.try_next().await;
        match pending {
            Ok(Some(batch)) => assert_eq!(kind(batch.commit().await), CheckpointErrorKind::Fenced),
            other => assert_eq!(kind(other), CheckpointErrorKind::Fenced),
        }
        assert_eq!(store.get("test/a"), before);
        tokio::time::sleep(lease / 2).await;
        let next = running.try_next().await;
        assert_eq!(kind(next), CheckpointErrorKind::Fenced, "the renewer saw the newer lease");
        drop(running);
        store.release(&newer).await.unwrap();

        // Released, the second collector runs, from the first one's checkpoint.
        let mut keys = Vec::new();
        let mut batches = second.run();
        while let Some(batch) = batches.try_next().await.unwrap() {
            keys.extend(batch.events().iter().map(|event| event.key.clone()));
            batch.commit().await.unwrap();
        }
        assert!(!keys.contains(&"event-1".to_owned()), "{keys:?}");
        assert!(keys.contains(&"event-3".to_owned()), "{keys:?}");
        drop(batches);
        // `run()` released its lease when it ended.
        assert!(matches!(
            store.acquire("test/a", "third", lease).await.unwrap(),
            Acquired::Granted(_)
        ));
    }

    #[tokio::test]
    async fn a_zero_lease_or_an_empty_holder_is_refused() {
        let zero = Collector::new(Three).leased_store(MemoryStore::new(), "a", Duration::ZERO);
        assert!(matches!(zero.run().try_next().await, Err(Error::InvalidInput(_))));
        let nameless = Collector::new(Three).leased_store(MemoryStore::new(), "", LEASE);
        assert!(matches!(nameless.run().try_next().await, Err(Error::InvalidInput(_))));
    }
}
