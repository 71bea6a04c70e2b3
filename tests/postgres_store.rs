//! `PostgresStore` against a real PostgreSQL server: leases expire and renew by the
//! server's clock, stale commits are refused, replicas acquiring at once get one lease, a
//! killed connection is reopened, and a commit whose answer was lost is read back.
//!
//! The server: `AUDITKIT_TEST_POSTGRES`, default `postgres://postgres@127.0.0.1:5432/test`.
//! Each test works in a schema of its own (dropped at its end), so they run in parallel.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use auditkit::{
    CheckpointErrorKind, Error, Timer, Vendor,
    collect::{
        Acquired, Checkpoint, CheckpointStore, Collected, Collector, Lease, LeasedStore, Listed,
        ListedStream, PostgresStore, Settings, Source, Window,
    },
};
use futures::{StreamExt, TryStreamExt, future::BoxFuture, stream};
use tokio_postgres::NoTls;

fn url() -> String {
    std::env::var("AUDITKIT_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A schema of the test's own, and a connection of its own to watch and kill the store's.
struct Db {
    schema: String,
    admin: tokio_postgres::Client,
}

impl Db {
    async fn new() -> Self {
        let (admin, connection) = match tokio_postgres::connect(&url(), NoTls).await {
            Ok(connected) => connected,
            Err(error) => panic!(
                "no PostgreSQL answers at {} ({error}). These tests need one: start it \
                 (`sudo service postgresql start`, or `docker run -d -p 5432:5432 -e \
                 POSTGRES_HOST_AUTH_METHOD=trust postgres:16` then `createdb -h 127.0.0.1 -U \
                 postgres test`), or point AUDITKIT_TEST_POSTGRES at one. To run the other \
                 tests without PostgreSQL, leave the `postgres` feature out: `cargo test \
                 --features cli,testkit,ocsf`.",
                url()
            ),
        };
        tokio::spawn(connection);
        let schema = format!("auditkit_test_{}", uuid::Uuid::new_v4().simple());
        Self { schema, admin }
    }

    /// A store in the test's schema, its connections named `name` (to find and kill them).
    fn store(&self, name: &str) -> PostgresStore {
        let separator = if url().contains('?') { '&' } else { '?' };
        let url = format!("{}{separator}application_name={}_{name}", url(), self.schema);
        PostgresStore::new(&url).unwrap().tenant("acme").schema(&self.schema).unwrap()
    }

    /// Terminates the backends of the stores named `name`; how many.
    async fn kill(&self, name: &str, only_updating: bool) -> i64 {
        let filter = if only_updating { "and query ilike 'update%'" } else { "" };
        let statement = format!(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity \
             where application_name = $1 {filter}"
        );
        let name = format!("{}_{name}", self.schema);
        self.admin.query_one(&statement, &[&name]).await.unwrap().get(0)
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        let statement = format!("drop schema if exists \"{}\" cascade", self.schema);
        // Dropped even when the test panicked: on a runtime of its own, the test's may be gone.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(async {
                if let Ok((client, connection)) = tokio_postgres::connect(&url(), NoTls).await {
                    tokio::spawn(connection);
                    let _ = client.batch_execute(&statement).await;
                }
            });
            Ok::<(), std::io::Error>(())
        })
        .join();
    }
}

fn kind(result: Result<impl std::fmt::Debug, Error>) -> CheckpointErrorKind {
    match result {
        Err(Error::Checkpoint(error)) => error.kind(),
        other => panic!("expected a checkpoint error, got {other:?}"),
    }
}

async fn granted(store: &PostgresStore, holder: &str, lease: Duration) -> Lease {
    match store.acquire("test/a", holder, lease).await.unwrap() {
        Acquired::Granted(lease) => lease,
        held => panic!("{holder} expected the lease, got {held:?}"),
    }
}

fn marked(hwm: &str) -> Checkpoint {
    serde_json::from_value(serde_json::json!({ "source": "test/a", "high_water_mark": hwm }))
        .unwrap()
}

#[tokio::test]
async fn leases_expire_and_renew_by_the_server_clock_and_stale_commits_are_refused() {
    let db = Db::new().await;
    let (a_store, b_store) = (db.store("a"), db.store("b"));
    let lease = Duration::from_millis(600);
    let a = granted(&a_store, "a", lease).await;
    assert!(matches!(
        b_store.acquire("test/a", "b", lease).await.unwrap(),
        Acquired::Held { holder, until } if holder == "a" && until == a.expires_at()
    ));
    a_store.commit(&marked("2026-12-01T00:00:00Z"), a.token()).await.unwrap();

    // Renewed, a holds past its first expiry.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let a = a_store.renew(&a, lease).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(matches!(b_store.acquire("test/a", "b", lease).await.unwrap(), Acquired::Held { .. }));

    // Not renewed, it expires: b takes it with a larger token; a is fenced.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let b = granted(&b_store, "b", lease).await;
    assert!(b.token() > a.token(), "{b:?} after {a:?}");
    let stale = a_store.commit(&marked("2026-12-02T00:00:00Z"), a.token()).await;
    assert_eq!(kind(stale), CheckpointErrorKind::Fenced);
    assert_eq!(kind(a_store.renew(&a, lease).await), CheckpointErrorKind::Fenced);
    assert_eq!(b_store.load("test/a").await.unwrap(), Some(marked("2026-12-01T00:00:00Z")));

    // a's release after it lost the lease does not free b's.
    a_store.release(&a).await.unwrap();
    assert!(matches!(a_store.acquire("test/a", "a", lease).await.unwrap(), Acquired::Held { .. }));
    b_store.commit(&marked("2026-12-03T00:00:00Z"), b.token()).await.unwrap();
    b_store.release(&b).await.unwrap();
    let refused = b_store.commit(&marked("2026-12-04T00:00:00Z"), b.token()).await;
    assert_eq!(kind(refused), CheckpointErrorKind::Fenced, "released, b commits no more");
    let c = granted(&a_store, "c", lease).await;
    assert!(c.token() > b.token());
    assert_eq!(a_store.load("test/a").await.unwrap(), Some(marked("2026-12-03T00:00:00Z")));
    // Another tenant's row is its own.
    let other = db.store("a").tenant("other");
    assert_eq!(other.load("test/a").await.unwrap(), None);
    assert!(matches!(other.acquire("test/a", "z", lease).await.unwrap(), Acquired::Granted(_)));

    // A stopping replica releases all its leases at once; its commits are refused then.
    let mut leases = Vec::new();
    for source in ["test/d", "test/e"] {
        match a_store.acquire(source, "d", lease).await.unwrap() {
            Acquired::Granted(lease) => leases.push(lease),
            held => panic!("{held:?}"),
        }
    }
    assert_eq!(a_store.release_all("d").await.unwrap(), 2);
    let d: Checkpoint = serde_json::from_value(serde_json::json!({ "source": "test/d" })).unwrap();
    let refused = a_store.commit(&d, leases[0].token()).await;
    assert_eq!(kind(refused), CheckpointErrorKind::Fenced);
    let taken = b_store.acquire("test/e", "b", lease).await.unwrap();
    assert!(matches!(taken, Acquired::Granted(l) if l.token() > leases[1].token()));
}

#[tokio::test]
async fn of_replicas_starting_at_the_same_instant_exactly_one_gets_the_lease() {
    let db = Db::new().await;
    // Eight replicas, eight connections, none created the table yet: they race on that too.
    let replicas = 8;
    let barrier = Arc::new(tokio::sync::Barrier::new(replicas));
    let tasks: Vec<_> = (0..replicas)
        .map(|n| {
            let (store, barrier) = (db.store(&format!("r{n}")), Arc::clone(&barrier));
            tokio::spawn(async move {
                store.init().await.unwrap();
                barrier.wait().await;
                store.acquire("test/a", &format!("replica-{n}"), Duration::from_secs(30)).await
            })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        if let Acquired::Granted(lease) = task.await.unwrap().unwrap() {
            winners.push(lease);
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    assert_eq!(winners[0].token().get(), 1);
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

/// An event every ten minutes over the past six hours, one window per ten minutes.
#[derive(Debug)]
struct EveryTenMinutes;

impl Source for EveryTenMinutes {
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
            .lookback(Duration::from_secs(6 * 3600))
    }
    fn timer(&self) -> Arc<dyn Timer> {
        Arc::new(RealTimer)
    }
    fn list(&self, window: &Window) -> ListedStream<()> {
        let start = window.range.start.timestamp() / 600 * 600;
        let events: Vec<_> = (0..2)
            .filter_map(|n| chrono::DateTime::from_timestamp(start + 600 * n + 300, 0))
            .filter(|time| window.contains(*time))
            .map(|time| Ok(Listed::Event(Collected::new(time.to_rfc3339(), time, ()))))
            .collect();
        stream::iter(events).boxed()
    }
}

#[tokio::test]
async fn a_connection_killed_in_the_middle_of_a_run_is_reopened_and_the_run_goes_on() {
    let db = Db::new().await;
    let store = db.store("runner");
    let collector = Collector::new(EveryTenMinutes).leased_store(
        store.clone(),
        "runner",
        Duration::from_secs(2),
    );
    let mut batches = collector.run();
    let (mut events, mut killed) = (Vec::new(), 0);
    while let Some(batch) = batches.try_next().await.unwrap() {
        events.extend(batch.events().iter().map(|event| event.key.clone()));
        batch.commit().await.unwrap();
        if events.len() == 6 || events.len() == 20 {
            killed += db.kill("runner", false).await;
        }
    }
    drop(batches);
    assert!(killed >= 2, "the store's connection was killed {killed} times");
    let count = events.len();
    events.dedup();
    assert_eq!(events.len(), count, "nothing twice");
    assert!(count >= 35, "six hours of events: {count}");
    let saved = store.load("test/a").await.unwrap().unwrap();
    assert!(saved.high_water_mark().is_some());
    // The run released its lease when it ended.
    assert!(matches!(
        store.acquire("test/a", "next", Duration::from_secs(1)).await.unwrap(),
        Acquired::Granted(_)
    ));
}

#[tokio::test]
async fn a_commit_whose_answer_is_lost_is_read_back_before_anything_else() {
    let db = Db::new().await;
    let store = db.store("victim");
    let lease = granted(&store, "victim", Duration::from_secs(30)).await;
    // The first checkpoint update sleeps (a sequence is not rolled back): time to kill it.
    let table = format!("\"{}\".auditkit_checkpoints", db.schema);
    let schema = &db.schema;
    db.admin
        .batch_execute(&format!(
            "create sequence \"{schema}\".slow;
             create function \"{schema}\".slow() returns trigger language plpgsql as $$
             begin
                 if nextval('\"{schema}\".slow') = 1 then perform pg_sleep(5); end if;
                 return new;
             end $$;
             create trigger slow before update of checkpoint on {table}
             for each row execute function \"{schema}\".slow();"
        ))
        .await
        .unwrap();
    let started = Instant::now();
    let committing = {
        let store = store.clone();
        let token = lease.token();
        tokio::spawn(async move { store.commit(&marked("2026-12-06T00:00:00Z"), token).await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(db.kill("victim", true).await, 1, "the commit was in flight");
    committing.await.unwrap().unwrap();
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
    let row = db
        .admin
        .query_one(&format!("select version, checkpoint::text from {table}"), &[])
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 1, "the killed commit did not land; the one sent again did");
    let saved: Checkpoint = serde_json::from_str(&row.get::<_, String>(1)).unwrap();
    assert_eq!(saved, marked("2026-12-06T00:00:00Z"));
}

#[tokio::test]
async fn a_server_that_does_not_answer_is_an_error_that_says_so() {
    let store = PostgresStore::new("postgres://postgres@127.0.0.1:1/test").unwrap().attempts(2);
    let error = store.load("test/a").await.unwrap_err().to_string();
    assert!(error.contains("is PostgreSQL running"), "{error}");
    let remote = PostgresStore::new("postgres://postgres@db.example.com/test").unwrap_err();
    assert!(remote.to_string().contains("without_tls"), "{remote}");
}

/// Not a check: the figures of the report (run with `--nocapture`).
#[tokio::test]
async fn acquire_and_commit_latency() {
    let db = Db::new().await;
    let store = db.store("timed");
    store.init().await.unwrap();
    let rounds = 50;
    let (mut acquire, mut commit) = (Vec::new(), Vec::new());
    for n in 0..rounds {
        let started = Instant::now();
        let lease = granted(&store, "timed", Duration::from_secs(30)).await;
        acquire.push(started.elapsed());
        let started = Instant::now();
        store
            .commit(&marked(&format!("2026-12-06T00:{:02}:00Z", n % 60)), lease.token())
            .await
            .unwrap();
        commit.push(started.elapsed());
    }
    acquire.sort();
    commit.sort();
    eprintln!(
        "PostgresStore over {rounds} rounds: acquire median {:?} p95 {:?}; commit median {:?} p95 {:?}",
        acquire[rounds / 2],
        acquire[rounds * 95 / 100],
        commit[rounds / 2],
        commit[rounds * 95 / 100]
    );
}

/// Reads `batches` until its first batch, which it commits: when it came. Errors before it
/// must be "held by another".
async fn first_batch(batches: &mut auditkit::collect::Batches<()>) -> Instant {
    loop {
        match batches.next().await {
            Some(Ok(batch)) => {
                let came = Instant::now();
                batch.commit().await.unwrap();
                return came;
            }
            Some(Err(error)) => {
                assert_eq!(kind(Err::<(), _>(error)), CheckpointErrorKind::LeaseHeld);
            }
            None => panic!("the stream ended"),
        }
    }
}

#[tokio::test]
async fn a_dead_replicas_source_is_taken_over_within_a_lease_time_and_an_interval() {
    let db = Db::new().await;
    let (lease, interval) = (Duration::from_millis(1000), Duration::from_millis(200));
    // A replica that took the lease and died: it never renews.
    let dead_store = db.store("dead");
    let started = Instant::now();
    let dead = granted(&dead_store, "dead", lease).await;
    let mut batches =
        Collector::new(EveryTenMinutes).leased_store(db.store("b"), "b", lease).follow(interval);
    let took = first_batch(&mut batches).await.duration_since(started);
    eprintln!("handover from a dead holder: {took:?} (lease {lease:?}, interval {interval:?})");
    assert!(took >= lease - Duration::from_millis(100), "not before the expiry: {took:?}");
    assert!(took <= lease + interval + Duration::from_millis(400), "{took:?}");
    // Woken up, the dead one cannot commit.
    let stale = dead_store.commit(&marked("2026-12-06T00:00:00Z"), dead.token()).await;
    assert_eq!(kind(stale), CheckpointErrorKind::Fenced);

    // Stopped (the stream dropped), b releases at once: c takes over within an interval.
    let mut c =
        Collector::new(EveryTenMinutes).leased_store(db.store("c"), "c", lease).follow(interval);
    let waiting = tokio::spawn(async move { first_batch(&mut c).await });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stopped = Instant::now();
    drop(batches);
    let handover = waiting.await.unwrap().duration_since(stopped);
    eprintln!("handover from a stopped holder: {handover:?} (interval {interval:?})");
    assert!(handover <= interval + Duration::from_millis(400), "{handover:?}");
}
