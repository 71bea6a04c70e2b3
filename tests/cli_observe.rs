//! What `auditkit` shows while it runs: the Prometheus endpoint scraped mid-run, the
//! progress line when stderr is not a terminal, and a server clock that disagrees with the
//! local one (the collector follows the server's, and counts what it cannot deduplicate).

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use auditkit::collect::CheckpointStore;
use auditkit::testkit::{Fault, Sandbox, VirtualTimer};
use chrono::{DateTime, TimeDelta, Utc};

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("auditkit-observe-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A child process killed if the test fails before stopping it.
struct Running(Option<Child>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Its stderr, read by a thread into the returned buffer.
fn read_stderr(mut child: Child) -> (Running, Arc<Mutex<Vec<String>>>) {
    let stderr = Arc::new(Mutex::new(Vec::new()));
    let lines = Arc::clone(&stderr);
    let pipe = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            lines.lock().unwrap().push(line);
        }
    });
    (Running(Some(child)), stderr)
}

/// `auditkit collect` of the sandbox's Qualtrics logins into `output`.
fn collect(sandbox: &Sandbox, output: &Path, args: &[&str]) -> (Running, Arc<Mutex<Vec<String>>>) {
    let child = Command::new(env!("CARGO_BIN_EXE_auditkit"))
        .env_clear()
        .env("AUDITKIT_QUALTRICS_BASE_URL", sandbox.qualtrics_url().as_str())
        .env("AUDITKIT_QUALTRICS_API_TOKEN", sandbox.qualtrics_api_token())
        .args(["collect", "--vendor", "qualtrics", "--batch-size", "100"])
        .arg("--output")
        .arg(output)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    read_stderr(child)
}

/// Waits (up to 60 s) until `ready` holds, checking every 100 ms.
async fn until(what: &str, mut ready: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(started.elapsed() < Duration::from_secs(60), "gave up waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// SIGTERM, then the exit status and everything it wrote on stderr.
async fn stop(mut running: Running, stderr: &Arc<Mutex<Vec<String>>>) -> String {
    let mut child = running.0.take().unwrap();
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap()).await.unwrap();
    // The reader thread ends with the pipe; give it a moment to take the last lines.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let text = stderr.lock().unwrap().join("\n");
    assert!(status.success(), "{status}: {text}");
    text
}

fn line_count(path: &Path) -> usize {
    std::fs::read_to_string(path).map(|text| text.lines().count()).unwrap_or(0)
}

fn free_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

async fn scrape(address: &str) -> Option<String> {
    let response = reqwest::get(format!("http://{address}/metrics")).await.ok()?;
    response.text().await.ok()
}

/// The value of the series `series` (name and labels, as written).
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_metrics_endpoint_shows_events_undecodable_requests_retries_429s_lag_and_last_run() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.qualtrics().clear_events();
    let now = Utc::now();
    sandbox.qualtrics().seed_events(
        "logins",
        120,
        now - TimeDelta::days(2),
        now - TimeDelta::hours(2),
    );
    let odd = (now - TimeDelta::hours(3)).to_rfc3339();
    sandbox.qualtrics().add_event(
        "logins",
        serde_json::json!({ "id": "odd-1", "timestamp": odd, "descriptor": 42 }),
    );
    // Two 429s, each retried after its Retry-After of 0 seconds (GETs: not the clock
    // probe, a HEAD, which is never retried).
    sandbox.inject(Fault::status(429).retry_after("0").method("GET").times(2));
    let dir = scratch();
    let output = dir.join("events.jsonl");
    let address = free_address();
    let started = Utc::now();
    let (child, stderr) =
        collect(&sandbox, &output, &["--metrics", &address, "--interval", "1h", "--lag", "1m"]);

    let logins = "{source=\"qualtrics/logins\"}";
    let qualtrics = "{tenant=\"default\",vendor=\"qualtrics\"}";
    // Scraped while it runs (collect waits an hour for its next run): once the first run
    // has committed the 120 events, every figure is final.
    let waiting = Instant::now();
    let text = loop {
        assert!(waiting.elapsed() < Duration::from_secs(60), "no scrape showed the 120 events");
        if let Some(text) = scrape(&address).await
            && value(&text, &format!("auditkit_events_total{logins}")) == Some(120.0)
            && value(&text, &format!("auditkit_undecodable_total{logins}")) == Some(1.0)
        {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let lines = line_count(&output) as f64;
    let events: f64 = text
        .lines()
        .filter(|line| line.starts_with("auditkit_events_total{"))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    let undecodable = value(&text, &format!("auditkit_undecodable_total{logins}")).unwrap();
    assert_eq!(events + undecodable, lines, "the events counted are the lines written:\n{text}");
    let requests = sandbox.requests().len() as f64;
    assert_eq!(
        value(&text, &format!("auditkit_requests_total{qualtrics}")),
        Some(requests),
        "{text}"
    );
    assert_eq!(value(&text, &format!("auditkit_retries_total{qualtrics}")), Some(2.0), "{text}");
    assert_eq!(
        value(&text, &format!("auditkit_rate_limited_total{qualtrics}")),
        Some(2.0),
        "{text}"
    );
    // The high-water mark is now minus the lag (a minute) as of the run's start.
    let lag = value(&text, &format!("auditkit_source_lag_seconds{logins}")).unwrap();
    let since_start = (Utc::now() - started).num_seconds() as f64;
    assert!((59.0..=61.0 + since_start).contains(&lag), "lag {lag}: {text}");
    let last = value(&text, &format!("auditkit_source_last_success_timestamp_seconds{logins}"));
    let last = last.expect("a last success");
    assert!(
        (started.timestamp() as f64 - 1.0..=Utc::now().timestamp() as f64 + 1.0).contains(&last),
        "last success {last}"
    );
    assert!(text.contains("# TYPE auditkit_events_total counter"), "{text}");
    assert_eq!(value(&text, &format!("auditkit_source_failing{logins}")), Some(0.0));
    let not_found = reqwest::get(format!("http://{address}/other")).await.unwrap();
    assert_eq!(not_found.status(), 404);
    stop(child, &stderr).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_failing_from_the_start_shows_its_lag_from_its_checkpoint() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.qualtrics().clear_events();
    let now = Utc::now();
    sandbox.qualtrics().seed_events(
        "logins",
        50,
        now - TimeDelta::days(2),
        now - TimeDelta::hours(2),
    );
    let dir = scratch();
    let output = dir.join("events.jsonl");
    // A first process commits up to now minus an hour's lag, then stops.
    let (child, stderr) = collect(&sandbox, &output, &["--interval", "1h", "--lag", "1h"]);
    until("the first run's 50 events", || line_count(&output) == 50).await;
    let store = auditkit::collect::FileStore::new(dir.join("events.jsonl.checkpoint.json"));
    let waiting = Instant::now();
    while store
        .load("qualtrics/logins")
        .await
        .ok()
        .flatten()
        .and_then(|c| c.high_water_mark())
        .is_none()
    {
        assert!(waiting.elapsed() < Duration::from_secs(60), "the first run never committed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop(child, &stderr).await;

    // The next one is refused by the vendor (401) from its first request on, for each of
    // the four Qualtrics sources.
    sandbox.inject(Fault::status(401).method("GET").times(u32::MAX));
    let address = free_address();
    let (child, stderr) = collect(&sandbox, &output, &["--metrics", &address, "--interval", "1h"]);
    let logins = "{source=\"qualtrics/logins\"}";
    let waiting = Instant::now();
    let text = loop {
        assert!(
            waiting.elapsed() < Duration::from_secs(60),
            "no scrape showed the failure: {}",
            stderr.lock().unwrap().join("\n")
        );
        if let Some(text) = scrape(&address).await
            && value(&text, &format!("auditkit_source_failing{logins}")) == Some(1.0)
        {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let lag = value(&text, &format!("auditkit_source_lag_seconds{logins}"));
    let lag = lag.unwrap_or_else(|| panic!("no lag for a failing source:\n{text}"));
    let since_start = (Utc::now() - now).num_seconds() as f64;
    assert!((3599.0..=3601.0 + since_start).contains(&lag), "lag {lag}: {text}");
    assert_eq!(value(&text, &format!("auditkit_events_total{logins}")), Some(0.0), "{text}");
    drop((child, stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_terminal_progress_is_a_line_per_source_every_interval() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.qualtrics().clear_events();
    let now = Utc::now();
    sandbox.qualtrics().seed_events(
        "logins",
        1200,
        now - TimeDelta::days(3),
        now - TimeDelta::hours(3),
    );
    let dir = scratch();
    let output = dir.join("events.jsonl");
    // Two hours behind now: a backfill, by the progress line's measure.
    let (child, stderr) = collect(
        &sandbox,
        &output,
        &["--interval", "1h", "--lag", "2h", "--progress-interval", "1s"],
    );
    let hwm = (now - TimeDelta::hours(2)).format("%Y-%m-%d").to_string();
    let wanted = format!("qualtrics/logins: backfill at {hwm}");
    until("a progress line with the 1,200 events", || {
        let lines = stderr.lock().unwrap();
        lines.iter().any(|line| line.contains(&wanted) && line.ends_with(", 1,200 events"))
    })
    .await;
    let text = stop(child, &stderr).await;
    assert!(text.contains("events/s"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh sandbox on `clock` (the system's when `None`) with the same Qualtrics logins as
/// any other made by this function: 50 a day to 3 hours before `server_now`, and 3 in the
/// 90 minutes before it.
async fn same_logins(clock: Option<Arc<VirtualTimer>>, server_now: DateTime<Utc>) -> Sandbox {
    let builder = Sandbox::builder();
    let builder = match clock {
        Some(clock) => builder.timer(clock),
        None => builder,
    };
    let sandbox = builder.start().await.unwrap();
    sandbox.qualtrics().clear_events();
    let logins = sandbox.qualtrics();
    logins.seed_events(
        "logins",
        50,
        server_now - TimeDelta::days(1),
        server_now - TimeDelta::hours(3),
    );
    logins.seed_events(
        "logins",
        3,
        server_now - TimeDelta::minutes(90),
        server_now - TimeDelta::minutes(10),
    );
    sandbox
}

fn export(sandbox: &Sandbox, output: &Path, from: DateTime<Utc>) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_auditkit"))
        .env_clear()
        .env("AUDITKIT_QUALTRICS_BASE_URL", sandbox.qualtrics_url().as_str())
        .env("AUDITKIT_QUALTRICS_API_TOKEN", sandbox.qualtrics_api_token())
        .args(["export", "--vendor", "qualtrics", "--lag", "1m", "--overlap", "2h"])
        .arg("--from")
        .arg(from.to_rfc3339())
        .arg("--output")
        .arg(output)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_clock_ahead_of_the_servers_is_warned_about_and_the_servers_time_is_used() {
    // The vendor's clock is two days behind this machine's: to the command, its own clock
    // is two days ahead.
    let server_now = Utc::now() - TimeDelta::days(2);
    let from = server_now - TimeDelta::days(2);
    let dir = scratch();
    let output = dir.join("events.jsonl");
    // A first export by the local clock (its server agreeing) moves the checkpoint two
    // days past the vendor's now.
    let agreeing = same_logins(None, server_now).await;
    let first = tokio::task::spawn_blocking({
        let output = output.clone();
        move || export(&agreeing, &output, from)
    });
    assert!(first.await.unwrap().status.success());
    assert_eq!(line_count(&output), 53);

    let sandbox =
        same_logins(Some(Arc::new(VirtualTimer::starting_at(server_now))), server_now).await;
    // A new event by the server's clock: hidden for two days if the local clock ruled.
    let new = sandbox.qualtrics().add_event(
        "logins",
        serde_json::json!({ "timestamp": (server_now - TimeDelta::minutes(30)).to_rfc3339() }),
    );
    let ran = tokio::task::spawn_blocking({
        let output = output.clone();
        move || export(&sandbox, &output, from)
    });
    let ran = ran.await.unwrap();
    let text = String::from_utf8_lossy(&ran.stderr).into_owned();
    assert!(ran.status.success(), "{text}");
    assert!(std::fs::read_to_string(&output).unwrap().contains(&new), "{text}");
    // Two days, and the second or so the answers took.
    let warned = ["the local clock is 2d ahead", "the local clock is 2d 1s ahead"];
    assert!(warned.iter().any(|warning| text.contains(warning)), "{text}");
    assert_eq!(
        text.matches("ahead of the server's").count(),
        1,
        "one warning for the tenant and vendor, not one per stream: {text}"
    );
    // The export lists the overlap before the server's now again: the 3 delivered before
    // and the new one are all older than the keys kept (two days ahead), so none can be
    // told from a new event: each is delivered, and counted.
    assert!(
        text.contains("4 possibly delivered twice after a clock rewind (same keys as before)"),
        "{text}"
    );
    assert_eq!(line_count(&output), 57, "53, the 3 again, and the new one");
    // The checkpoint follows the server's clock again.
    let store = auditkit::collect::FileStore::new(dir.join("events.jsonl.checkpoint.json"));
    let checkpoint = store.load("qualtrics/logins").await.unwrap().unwrap();
    let mark = checkpoint.high_water_mark().unwrap();
    let expected = server_now - TimeDelta::minutes(1);
    assert!((mark - expected).num_seconds().abs() <= 5, "{mark} vs {expected}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_config_names_the_metrics_address_and_a_bad_one_is_refused() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.qualtrics().clear_events();
    let now = Utc::now();
    sandbox.qualtrics().seed_events(
        "logins",
        10,
        now - TimeDelta::days(1),
        now - TimeDelta::hours(2),
    );
    let dir = scratch();
    let address = free_address();
    let write = |metrics: &str| {
        let path = dir.join("auditkit.toml");
        let text = format!(
            "metrics = \"{metrics}\"\n\n[[source]]\ntenant = \"acme\"\nvendor = \"qualtrics\"\n\
             streams = [\"logins\"]\n\
             credentials = {{ base_url = \"{}\", api_token = {{ env = \"TOKEN\" }} }}\n\
             sink = {{ file = \"events.jsonl\" }}\n",
            sandbox.qualtrics_url()
        );
        std::fs::write(&path, text).unwrap();
        path
    };
    let config = write(&address);
    let child = Command::new(env!("CARGO_BIN_EXE_auditkit"))
        .env_clear()
        .env("TOKEN", sandbox.qualtrics_api_token())
        .args(["collect", "-q", "--config"])
        .arg(&config)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (child, stderr) = read_stderr(child);
    let series = "auditkit_events_total{source=\"acme/qualtrics/logins\"}";
    let waiting = Instant::now();
    loop {
        assert!(waiting.elapsed() < Duration::from_secs(60), "no scrape showed the 10 events");
        if let Some(text) = scrape(&address).await
            && value(&text, series) == Some(10.0)
        {
            assert!(text.contains("auditkit_requests_total{tenant=\"acme\",vendor=\"qualtrics\"}"));
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop(child, &stderr).await;

    let config = write("nine");
    let mut command = Command::new(env!("CARGO_BIN_EXE_auditkit"));
    command.env_clear().env("TOKEN", "t").args(["collect", "-q", "--config"]).arg(&config);
    let ran = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    let message = String::from_utf8_lossy(&ran.stderr);
    assert_eq!(ran.status.code(), Some(2), "{message}");
    assert!(
        message.contains(&config.display().to_string()) && message.contains("`metrics`"),
        "{message}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
