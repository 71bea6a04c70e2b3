//! `auditkit collect` with two tenants, Qualtrics and Everbridge each, into the three sinks
//! (files, stdout, HTTP to a receiver in this test), killed again and again at random
//! points and right between writing a batch and committing it, then run until it has
//! caught up and stopped with SIGTERM: each file holds every seeded event exactly once,
//! stdout and HTTP every key at least once.
//!
//! Its own `main` (`harness = false`): it runs the `auditkit` binary in child processes,
//! which it kills.

mod common;

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
    process::{Child, Command, ExitCode, Stdio},
    time::{Duration, Instant},
};

use auditkit::testkit::Sandbox;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

use common::crash::{Lcg, read_lines, seed};

const RUNS: usize = 14;

fn main() -> ExitCode {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(killed_collects_of_two_tenants_into_three_sinks_lose_and_repeat_nothing());
    println!("test killed_collects_of_two_tenants_into_three_sinks_lose_and_repeat_nothing ... ok");
    ExitCode::SUCCESS
}

/// acme: Qualtrics to a file, Everbridge to stdout; globex: Qualtrics to HTTP, Everbridge
/// to a file. One checkpoint file for all.
fn config(dir: &Path, sandbox: &Sandbox, receiver: &str) -> PathBuf {
    let qualtrics = format!(
        "{{ base_url = \"{}\", api_token = {{ env = \"QUALTRICS_TOKEN\" }} }}",
        sandbox.qualtrics_url()
    );
    let everbridge = format!(
        "{{ base_url = \"{}\", username = \"{}\", password = {{ env = \"EVERBRIDGE_PASSWORD\" }} }}",
        sandbox.everbridge_url(),
        sandbox.everbridge_username()
    );
    let text = format!(
        r#"
[defaults]
checkpoint = "checkpoints.json"
batch_size = 30
interval = "1s"

[[source]]
tenant = "acme"
vendor = "qualtrics"
streams = ["logins", "session_terminations"]
credentials = {qualtrics}
sink = {{ file = "acme-qualtrics.jsonl" }}

[[source]]
tenant = "acme"
vendor = "everbridge"
streams = ["security"]
credentials = {everbridge}
sink = {{ stdout = true }}

[[source]]
tenant = "globex"
vendor = "qualtrics"
streams = ["logins", "session_terminations"]
credentials = {qualtrics}
sink = {{ http = "{receiver}", attempts = 3, backoff = "50ms" }}

[[source]]
tenant = "globex"
vendor = "everbridge"
streams = ["security"]
credentials = {everbridge}
sink = {{ file = "globex-everbridge.jsonl" }}
"#
    );
    let path = dir.join("auditkit.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// `auditkit collect` of the config, its stdout into `stdout` (a pipe of its own, as each
/// process has).
fn collect(
    sandbox: &Sandbox,
    config: &Path,
    stdout: &Path,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_auditkit"));
    command
        .env_clear()
        .env("QUALTRICS_TOKEN", sandbox.qualtrics_api_token())
        .env("EVERBRIDGE_PASSWORD", sandbox.everbridge_password())
        .args(["collect", "--quiet", "--config"])
        .arg(config)
        .arg("--from")
        .arg(from.to_rfc3339())
        .arg("--to")
        .arg(to.to_rfc3339())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(stdout).expect("stdout file"))
        .stderr(Stdio::null());
    command
}

/// The lines of every stdout file; a line cut by a kill (the last of a file) is skipped.
fn stdout_lines(dir: &Path) -> Vec<Value> {
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap().to_string_lossy().starts_with("stdout-") {
            let text = std::fs::read_to_string(&path).unwrap();
            lines.extend(text.lines().filter_map(|line| serde_json::from_str(line).ok()));
        }
    }
    lines
}

async fn http_lines(receiver: &MockServer) -> Vec<Value> {
    let mut lines = Vec::new();
    for request in receiver.received_requests().await.unwrap_or_default() {
        let text = String::from_utf8_lossy(&request.body).into_owned();
        lines.extend(text.lines().map(|line| serde_json::from_str::<Value>(line).unwrap()));
    }
    lines
}

/// `(source, id)` of Qualtrics lines and Everbridge entity ids, checking each line's tenant.
fn ids_of(lines: &[Value], tenant: &str) -> (BTreeMap<String, BTreeSet<String>>, Vec<String>) {
    let mut qualtrics: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut everbridge = Vec::new();
    for line in lines {
        assert_eq!(line["tenant"], tenant, "{line}");
        let source = line["source"].as_str().expect("source").to_owned();
        if source.starts_with("qualtrics/") {
            let id = line["event"]["id"].as_str().expect("id").to_owned();
            qualtrics.entry(source).or_default().insert(id);
        } else {
            assert_eq!(source, "everbridge/security", "{line}");
            everbridge.push(line["event"]["entityId"].to_string());
        }
    }
    everbridge.sort();
    (qualtrics, everbridge)
}

/// Every `(source, key)` once.
fn assert_unique(lines: &[Value], what: &str) {
    let mut keys = BTreeSet::new();
    for line in lines {
        let key = (line["source"].to_string(), line["key"].to_string());
        assert!(keys.insert(key.clone()), "{what}: written twice: {key:?}");
    }
}

fn file_lines(path: &Path) -> Vec<Value> {
    if path.exists() { read_lines(path, false) } else { Vec::new() }
}

async fn killed_collects_of_two_tenants_into_three_sinks_lose_and_repeat_nothing() {
    let started = Instant::now();
    let sandbox = Sandbox::start().await.expect("sandbox");
    let now = Utc::now();
    let (from, to) = (now - TimeDelta::days(3), now - TimeDelta::hours(12));
    let seeded = seed(&sandbox, from, to, &[("logins", 240), ("session_terminations", 120)], 200);
    let receiver = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let dir = std::env::temp_dir().join(format!("auditkit-collect-crash-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = config(&dir, &sandbox, &format!("{}/ingest", receiver.uri()));
    // AUDITKIT_COLLECT_CRASH_SEED=<printed seed> replays a run's kill points.
    let mut random = Lcg::from_env("AUDITKIT_COLLECT_CRASH_SEED");
    println!("collect_crash: seed {:#x}, in {}", random.0, dir.display());

    let mut interrupted = 0;
    for run in 0..RUNS {
        let stdout = dir.join(format!("stdout-{run:02}.jsonl"));
        let mut command = collect(&sandbox, &config, &stdout, from, to);
        if run % 2 == 0 {
            // Right after a batch is written, before its commit (any job's batch).
            command.arg("--abort-after-write").arg((1 + random.below(8)).to_string());
            let status = command.status().expect("spawn collect");
            interrupted += usize::from(!status.success());
        } else {
            let mut child = command.spawn().expect("spawn collect");
            tokio::time::sleep(Duration::from_millis(20 + random.below(300))).await;
            interrupted += usize::from(child.try_wait().expect("wait").is_none());
            let _ = child.kill();
            let _ = child.wait();
        }
    }
    println!(
        "collect_crash: {interrupted} of {RUNS} runs were interrupted; before the last run, \
         {} lines in acme's file, {} in globex's, {} on stdout, {} by HTTP",
        file_lines(&dir.join("acme-qualtrics.jsonl")).len(),
        file_lines(&dir.join("globex-everbridge.jsonl")).len(),
        stdout_lines(&dir).len(),
        http_lines(&receiver).await.len()
    );
    assert!(interrupted >= RUNS / 2, "too few runs were interrupted: {interrupted}");

    // The last run catches up, then is stopped as systemd would stop it.
    let acme_file = dir.join("acme-qualtrics.jsonl");
    let globex_file = dir.join("globex-everbridge.jsonl");
    let stdout = dir.join("stdout-last.jsonl");
    let child = collect(&sandbox, &config, &stdout, from, to).spawn().expect("spawn collect");
    let expected_qualtrics: usize = seeded.qualtrics.values().map(BTreeSet::len).sum();
    let caught_up = || async {
        file_lines(&acme_file).len() >= expected_qualtrics
            && file_lines(&globex_file).len() >= seeded.everbridge.len()
            && ids_of(&stdout_lines(&dir), "acme").1.len() >= seeded.everbridge.len()
            && ids_of(&http_lines(&receiver).await, "globex").0 == seeded.qualtrics
    };
    let waiting = Instant::now();
    let mut child = Some(child);
    while !caught_up().await {
        if waiting.elapsed() > Duration::from_secs(60) {
            if let Some(mut child) = child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
            panic!("the last run did not catch up");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    sigterm(child.take().expect("running")).await;

    // Files: exactly once.
    let acme = file_lines(&acme_file);
    assert_unique(&acme, "acme's Qualtrics file");
    assert_eq!(ids_of(&acme, "acme").0, seeded.qualtrics, "acme's Qualtrics file");
    let globex = file_lines(&globex_file);
    assert_unique(&globex, "globex's Everbridge file");
    assert_eq!(ids_of(&globex, "globex").1, seeded.everbridge, "globex's Everbridge file");
    // Stdout and HTTP: at least once, no key missing.
    let mut printed = ids_of(&stdout_lines(&dir), "acme").1;
    printed.dedup();
    let mut distinct = seeded.everbridge.clone();
    distinct.dedup();
    assert_eq!(printed, distinct, "acme's Everbridge on stdout");
    let keys: BTreeSet<String> = stdout_lines(&dir)
        .iter()
        .map(|line| line["key"].as_str().expect("key").to_owned())
        .collect();
    assert_eq!(keys.len(), seeded.everbridge.len(), "the twins have two keys on stdout");
    assert_eq!(ids_of(&http_lines(&receiver).await, "globex").0, seeded.qualtrics, "HTTP");
    println!("collect_crash: done in {:?}", started.elapsed());
    let _ = std::fs::remove_dir_all(&dir);
}

async fn sigterm(mut child: Child) {
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap()).await.unwrap();
    assert!(status.success(), "SIGTERM: {status}");
}
