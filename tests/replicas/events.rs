//! The events: fed to the sandbox while the replicas run, and read back from their files.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
    sync::{Arc, Mutex},
    time::Duration,
};

use auditkit::testkit::QualtricsSandbox;
use chrono::{Duration as TimeDelta, Utc};
use serde_json::Value;

/// Feeds the sandbox's Qualtrics `streams` while the replicas run: what every tenant must
/// end up with.
pub struct Feed {
    pub expected: Arc<Mutex<BTreeMap<String, BTreeSet<String>>>>,
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Feed {
    pub fn start(
        qualtrics: QualtricsSandbox,
        streams: &[&'static str],
        initial: usize,
        per_tick: usize,
    ) -> Self {
        qualtrics.clear_events();
        let expected: Arc<Mutex<BTreeMap<String, BTreeSet<String>>>> = Arc::default();
        let now = Utc::now();
        for stream in streams {
            let ids = qualtrics.seed_events(
                stream,
                initial,
                now - TimeDelta::minutes(50),
                now - TimeDelta::minutes(1),
            );
            expected.lock().unwrap().entry(format!("qualtrics/{stream}")).or_default().extend(ids);
        }
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let streams = streams.to_vec();
        let shared = Arc::clone(&expected);
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = stopped.changed() => return,
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                }
                // Published half a second after their time, well within the lag.
                let now = Utc::now();
                for stream in &streams {
                    let ids = qualtrics.seed_events(
                        stream,
                        per_tick,
                        now - TimeDelta::milliseconds(900),
                        now - TimeDelta::milliseconds(500),
                    );
                    shared
                        .lock()
                        .unwrap()
                        .entry(format!("qualtrics/{stream}"))
                        .or_default()
                        .extend(ids);
                }
            }
        });
        Self { expected, stop, task }
    }

    pub async fn stop(self) -> BTreeMap<String, BTreeSet<String>> {
        let _ = self.stop.send(true);
        let _ = self.task.await;
        self.expected.lock().unwrap().clone()
    }
}

/// Every line of the `*.jsonl` files in `dir`, as (tenant, source, id), with how many times.
pub fn outputs(dir: &Path) -> BTreeMap<(String, String, String), usize> {
    let mut seen = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|ext| ext != "jsonl") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // A line being written has no newline yet.
        for line in text.split_inclusive('\n').filter(|line| line.ends_with('\n')) {
            let line: Value = serde_json::from_str(line).expect("a JSON line");
            let key = (
                line["tenant"].as_str().expect("tenant").to_owned(),
                line["source"].as_str().expect("source").to_owned(),
                line["event"]["id"].as_str().expect("id").to_owned(),
            );
            *seen.entry(key).or_default() += 1;
        }
    }
    seen
}

/// What every tenant must have.
pub fn wanted(
    expected: &BTreeMap<String, BTreeSet<String>>,
    tenants: usize,
) -> BTreeSet<(String, String, String)> {
    let mut all = BTreeSet::new();
    for tenant in 0..tenants {
        for (source, ids) in expected {
            for id in ids {
                all.insert((format!("t{tenant:02}"), source.clone(), id.clone()));
            }
        }
    }
    all
}

/// Waits until the outputs hold everything `wanted` (at most `within`).
pub async fn wait_for(dir: &Path, wanted: &BTreeSet<(String, String, String)>, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let got = outputs(dir);
        let missing = wanted.iter().filter(|key| !got.contains_key(*key)).count();
        if missing == 0 {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{missing} events still missing after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The outputs hold `wanted`, each exactly once, and nothing else.
pub fn check_exactly_once(dir: &Path, wanted: &BTreeSet<(String, String, String)>) -> usize {
    let got = outputs(dir);
    let twice: Vec<_> = got.iter().filter(|(_, n)| **n > 1).take(5).collect();
    assert!(
        twice.is_empty(),
        "written more than once: {twice:?} ({} in all)",
        got.values().filter(|n| **n > 1).count()
    );
    let missing: Vec<_> = wanted.iter().filter(|key| !got.contains_key(*key)).take(5).collect();
    assert!(missing.is_empty(), "lost: {missing:?}");
    let invented: Vec<_> = got.keys().filter(|key| !wanted.contains(*key)).take(5).collect();
    assert!(invented.is_empty(), "invented: {invented:?}");
    got.len()
}
