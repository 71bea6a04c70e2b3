//! What a commit costs with 1,000 and with 1,000,000 keys kept in the overlap: a follow run
//! that lists 100 new events, hands them out as one batch, and commits it to a `FileStore`.
//! The target is a cost in proportion to the batch, flat in the keys kept. Besides
//! criterion's wall time it prints `COMMIT CPU` lines: the CPU per commit, steadier than
//! the wall time on a busy disk.
//!
//! And what a run's load costs when 100 sources share the file (10,000 keys each): one
//! source's checkpoint, against every source's (`FileStore::checkpoints`), as a `LOAD`
//! line.
//!
//! ```sh
//! cargo bench --bench commit --features testkit
//! ```

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use auditkit::{
    Timer, Vendor,
    collect::{
        Checkpoint, CheckpointStore, Collected, Collector, FileStore, Listed, ListedStream,
        Settings, Source, Window,
    },
    testkit::VirtualTimer,
};
use chrono::{DateTime, TimeDelta, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use futures::{StreamExt, stream};

const NEW_PER_RUN: usize = 100;

/// Lists `NEW_PER_RUN` new events at the end of each window (the keys kept in the overlap
/// are in the checkpoint, not listed again: the bench measures the commit, not the listing).
struct Fresh {
    timer: Arc<VirtualTimer>,
    next: std::sync::atomic::AtomicU64,
}

impl Source for Fresh {
    type Event = u64;

    fn id(&self) -> String {
        "bench/fresh".into()
    }

    fn vendor(&self) -> Vendor {
        Vendor::Qualtrics
    }

    fn settings(&self) -> Settings {
        Settings::default()
            .lag(Duration::from_secs(60))
            .overlap(Duration::from_secs(6 * 3600))
            .step(None)
            .lookback(Duration::from_secs(3600))
    }

    fn timer(&self) -> Arc<dyn Timer> {
        self.timer.clone()
    }

    fn list(&self, window: &Window) -> ListedStream<u64> {
        let at = window.fallback_time();
        let first = self.next.fetch_add(NEW_PER_RUN as u64, std::sync::atomic::Ordering::Relaxed);
        let events: Vec<_> = (first..first + NEW_PER_RUN as u64)
            .map(|n| Ok(Listed::Event(Collected::new(format!("fresh-{n}"), at, n))))
            .collect();
        stream::iter(events).boxed()
    }
}

/// A checkpoint of `bench/fresh` with `keys` delivered keys spread over the last five
/// hours before `hwm`.
fn checkpoint_with(keys: usize, hwm: DateTime<Utc>) -> Checkpoint {
    checkpoint_of("bench/fresh", keys, hwm)
}

/// [`checkpoint_with`] for `source`.
fn checkpoint_of(source: &str, keys: usize, hwm: DateTime<Utc>) -> Checkpoint {
    let mut seen = serde_json::Map::new();
    let per_instant = 10;
    for instant in 0..keys.div_ceil(per_instant) {
        let time = hwm
            - TimeDelta::milliseconds(
                1 + (instant as i64 * 5 * 3_600_000) / (keys as i64 / 10).max(1),
            );
        let hashes: Vec<String> = (0..per_instant)
            .map(|i| {
                format!("{:032x}", (instant * per_instant + i) as u128 * 0x9e37_79b9_7f4a_7c15 + 1)
            })
            .collect();
        seen.insert(time.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true), hashes.into());
    }
    serde_json::from_value(serde_json::json!({
        "source": source,
        "high_water_mark": hwm,
        "seen": seen,
    }))
    .expect("a checkpoint")
}

fn commit_cost(c: &mut Criterion) {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let mut group = c.benchmark_group("commit");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    for keys in [1_000, 1_000_000] {
        let dir =
            std::env::temp_dir().join(format!("auditkit-bench-commit-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("scratch");
        let timer = Arc::new(VirtualTimer::new());
        let store = FileStore::new(dir.join("checkpoints.json"));
        let hwm = timer.wall_clock() - TimeDelta::seconds(120);
        runtime.block_on(store.save(&checkpoint_with(keys, hwm))).expect("seeded");
        let source = Fresh { timer: Arc::clone(&timer), next: Default::default() };
        let collector =
            Collector::new(source).store(store).max_keys(2_000_000).batch_size(NEW_PER_RUN);
        let mut batches = collector.follow(Duration::from_secs(1));
        // The first batch loads the checkpoint: not a commit's cost.
        runtime.block_on(async {
            let batch = batches.next().await.expect("a batch").expect("listed");
            batch.commit().await.expect("committed");
        });
        let (mut cpu, mut commits) = (Duration::ZERO, 0u64);
        group.bench_function(format!("{keys} keys kept, {NEW_PER_RUN} new"), |b| {
            b.iter_custom(|iterations| {
                runtime.block_on(async {
                    let (started, cpu_before) = (Instant::now(), process_cpu());
                    for _ in 0..iterations {
                        let batch = batches.next().await.expect("a batch").expect("listed");
                        batch.commit().await.expect("committed");
                    }
                    cpu += process_cpu().saturating_sub(cpu_before);
                    commits += iterations;
                    started.elapsed()
                })
            })
        });
        // The wall time is mostly two fdatasyncs, which a busy disk makes noisy: the CPU a
        // commit costs (this process's threads, the store's included) is steadier.
        if cpu > Duration::ZERO {
            println!(
                "COMMIT CPU {keys} keys kept, {NEW_PER_RUN} new: {:.1} µs per commit ({commits} commits)",
                cpu.as_secs_f64() * 1e6 / commits as f64
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    group.finish();
}

/// One source's load, and every source's, from a file 100 sources share.
fn load_cost(c: &mut Criterion) {
    const SOURCES: usize = 100;
    const KEYS: usize = 10_000;
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let dir = std::env::temp_dir().join(format!("auditkit-bench-load-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("scratch");
    let path = dir.join("checkpoints.json");
    let store = FileStore::new(&path);
    let hwm = Utc::now();
    runtime.block_on(async {
        for n in 0..SOURCES {
            let checkpoint = checkpoint_of(&format!("bench/source-{n}"), KEYS, hwm);
            store.save(&checkpoint).await.expect("seeded");
        }
    });
    let mut group = c.benchmark_group("load");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    let mut mean = |name: &str, load: &dyn Fn()| {
        let (mut spent, mut loads) = (Duration::ZERO, 0u32);
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let started = Instant::now();
                for _ in 0..iterations {
                    load();
                }
                spent += started.elapsed();
                loads += u32::try_from(iterations).unwrap_or(u32::MAX);
                started.elapsed()
            })
        });
        spent / loads.max(1)
    };
    let one = mean("one source of 100", &|| {
        let found = runtime.block_on(store.load("bench/source-42")).expect("loaded");
        assert!(found.is_some());
    });
    let every = mean("every source of 100", &|| {
        let all = runtime.block_on(store.checkpoints()).expect("loaded");
        assert_eq!(all.len(), SOURCES);
    });
    group.finish();
    let size = std::fs::metadata(&path).map_or(0, |m| m.len())
        + std::fs::metadata(dir.join("checkpoints.json.journal")).map_or(0, |m| m.len());
    println!(
        "LOAD one source of {SOURCES} ({KEYS} keys each, {:.1} MB of file and journal): {:.1} ms; \
         every source: {:.1} ms; ratio {:.2}",
        size as f64 / 1e6,
        one.as_secs_f64() * 1e3,
        every.as_secs_f64() * 1e3,
        one.as_secs_f64() / every.as_secs_f64().max(1e-9)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The CPU time of this process so far (zero where `getrusage` is not at hand).
fn process_cpu() -> Duration {
    #[cfg(unix)]
    {
        // SAFETY: a zeroed rusage is a valid value for getrusage to fill in.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `usage` outlives the call.
        unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
        let time = |t: libc::timeval| {
            Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
        };
        time(usage.ru_utime) + time(usage.ru_stime)
    }
    #[cfg(not(unix))]
    Duration::ZERO
}

criterion_group!(benches, commit_cost, load_cost);
criterion_main!(benches);
