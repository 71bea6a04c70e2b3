//! The HTTP sink against a mock server: Elasticsearch `_bulk` with `_id` = the event key
//! (a batch sent again overwrites), retries with backoff, and Splunk HEC's token and events.

use std::process::{Command, Output, Stdio};

use auditkit::testkit::Sandbox;
use chrono::{TimeDelta, Utc};
use serde_json::Value;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

async fn export(sandbox: &Sandbox, url: &str, preset: &str, dir: &std::path::Path) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_auditkit"));
    command
        .env_clear()
        .stdin(Stdio::null())
        .env("AUDITKIT_QUALTRICS_BASE_URL", sandbox.qualtrics_url().as_str())
        .env("AUDITKIT_QUALTRICS_API_TOKEN", sandbox.qualtrics_api_token())
        .env("AUDITKIT_SINK_TOKEN", "hec-token-1")
        .args(["export", "-q", "--batch-size", "20", "--http", url, "--http-preset", preset])
        .arg("--checkpoint")
        .arg(dir.join("checkpoints.json"));
    tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap()
}

async fn seeded(count: usize) -> (Sandbox, Vec<String>) {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.qualtrics().clear_events();
    let now = Utc::now();
    let ids = sandbox.qualtrics().seed_events(
        "logins",
        count,
        now - TimeDelta::days(3),
        now - TimeDelta::hours(1),
    );
    (sandbox, ids)
}

fn scratch() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("auditkit-http-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn elasticsearch_bulk_gets_every_event_with_its_key_as_id_after_a_retry() {
    let (sandbox, mut ids) = seeded(50).await;
    let server = MockServer::start().await;
    // The first request fails: the batch is sent again, not lost, not committed twice.
    Mock::given(matchers::method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(matchers::method("POST"))
        .and(matchers::path("/audit/_bulk"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({ "errors": false, "items": [] })),
        )
        .mount(&server)
        .await;
    let dir = scratch();
    let ran = export(&sandbox, &format!("{}/audit/_bulk", server.uri()), "elastic", &dir).await;
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    let requests = server.received_requests().await.unwrap();
    // Batches end at 20 events and at each day's window; the first was sent twice.
    let mut got = Vec::new();
    for request in &requests[1..] {
        assert_eq!(request.headers.get("content-type").unwrap(), "application/x-ndjson");
        let text = String::from_utf8(request.body.clone()).unwrap();
        let lines: Vec<Value> =
            text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
        for pair in lines.chunks(2) {
            let id = pair[0]["index"]["_id"].as_str().unwrap();
            assert_eq!(pair[1]["key"], id, "the document's key is its _id");
            got.push(id.to_owned());
        }
    }
    got.sort();
    ids.sort();
    assert_eq!(got, ids);
    // Nothing new: nothing sent.
    let ran = export(&sandbox, &format!("{}/audit/_bulk", server.uri()), "elastic", &dir).await;
    assert!(ran.status.success());
    assert_eq!(server.received_requests().await.unwrap().len(), requests.len());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_item_errors_are_a_failure_and_nothing_is_committed() {
    let (sandbox, _) = seeded(5).await;
    let server = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "errors": true,
            "items": [{ "index": { "error": { "type": "mapper_parsing_exception" } } }]
        })))
        .mount(&server)
        .await;
    let dir = scratch();
    let url = format!("{}/audit/_bulk", server.uri());
    let mut command = Command::new(env!("CARGO_BIN_EXE_auditkit"));
    command
        .env_clear()
        .env("AUDITKIT_QUALTRICS_BASE_URL", sandbox.qualtrics_url().as_str())
        .env("AUDITKIT_QUALTRICS_API_TOKEN", sandbox.qualtrics_api_token())
        .args(["export", "-q", "--http", &url, "--http-preset", "elastic", "--http-attempts", "1"])
        .arg("--checkpoint")
        .arg(dir.join("checkpoints.json"));
    let ran = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    assert_eq!(ran.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&ran.stderr).contains("mapper_parsing_exception"));
    let checkpoints = sources_in(dir.join("checkpoints.json")).await;
    assert!(!checkpoints.contains("qualtrics/logins"), "{checkpoints}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Regression: a `_bulk` answer of 200 whose body was not JSON was read as "no errors", so
/// the batch was committed though nothing confirmed it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_answer_that_is_not_json_is_a_failure_and_nothing_is_committed() {
    let (sandbox, _) = seeded(5).await;
    let server = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>gateway</html>"))
        .mount(&server)
        .await;
    let dir = scratch();
    let url = format!("{}/audit/_bulk", server.uri());
    let mut command = Command::new(env!("CARGO_BIN_EXE_auditkit"));
    command
        .env_clear()
        .env("AUDITKIT_QUALTRICS_BASE_URL", sandbox.qualtrics_url().as_str())
        .env("AUDITKIT_QUALTRICS_API_TOKEN", sandbox.qualtrics_api_token())
        .args(["export", "-q", "--http", &url, "--http-preset", "elastic", "--http-attempts", "1"])
        .arg("--checkpoint")
        .arg(dir.join("checkpoints.json"));
    let ran = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    assert_eq!(ran.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&ran.stderr).contains("not JSON"));
    let checkpoints = sources_in(dir.join("checkpoints.json")).await;
    assert!(!checkpoints.contains("qualtrics/logins"), "{checkpoints}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn splunk_hec_gets_the_token_and_one_event_per_line() {
    let (sandbox, ids) = seeded(15).await;
    let server = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .and(matchers::header("authorization", "Splunk hec-token-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({ "text": "Success", "code": 0 })),
        )
        .mount(&server)
        .await;
    let dir = scratch();
    let ran =
        export(&sandbox, &format!("{}/services/collector/event", server.uri()), "splunk", &dir)
            .await;
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    let mut events: Vec<Value> = Vec::new();
    for request in server.received_requests().await.unwrap() {
        assert_eq!(request.headers.get("authorization").unwrap(), "Splunk hec-token-1");
        let text = String::from_utf8(request.body.clone()).unwrap();
        events.extend(text.lines().map(|line| serde_json::from_str::<Value>(line).unwrap()));
    }
    assert_eq!(events.len(), ids.len());
    for event in &events {
        assert_eq!(event["fields"]["key"], event["event"]["key"]);
        assert_eq!(event["sourcetype"], "auditkit:qualtrics");
        assert!(event["time"].as_f64().unwrap() > 1.7e9);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The sources with a checkpoint in the store at `path`, joined by spaces.
async fn sources_in(path: std::path::PathBuf) -> String {
    let checkpoints = auditkit::collect::FileStore::new(path).checkpoints().await.unwrap();
    checkpoints.iter().map(|checkpoint| checkpoint.source()).collect::<Vec<_>>().join(" ")
}

/// Answers the first POST with `first`, the others with 200; records when each arrived.
struct FirstRefused {
    first: ResponseTemplate,
    arrivals: std::sync::Arc<std::sync::Mutex<Vec<std::time::Instant>>>,
}

impl wiremock::Respond for FirstRefused {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let mut arrivals = self.arrivals.lock().unwrap();
        arrivals.push(std::time::Instant::now());
        if arrivals.len() == 1 { self.first.clone() } else { ResponseTemplate::new(200) }
    }
}

/// Exports 5 events (one batch) to a server that refuses the first POST with `first`;
/// returns the wait between the first two POSTs and stderr.
async fn refused_once(first: ResponseTemplate, extra: &[&str]) -> (std::time::Duration, String) {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.qualtrics().clear_events();
    let now = Utc::now();
    sandbox.qualtrics().seed_events(
        "logins",
        5,
        now - TimeDelta::hours(3),
        now - TimeDelta::hours(2),
    );
    let server = MockServer::start().await;
    let arrivals = std::sync::Arc::default();
    let responder = FirstRefused { first, arrivals: std::sync::Arc::clone(&arrivals) };
    Mock::given(matchers::method("POST")).respond_with(responder).mount(&server).await;
    let dir = scratch();
    let url = format!("{}/ingest", server.uri());
    let mut command = Command::new(env!("CARGO_BIN_EXE_auditkit"));
    command
        .env_clear()
        .env("AUDITKIT_QUALTRICS_BASE_URL", sandbox.qualtrics_url().as_str())
        .env("AUDITKIT_QUALTRICS_API_TOKEN", sandbox.qualtrics_api_token())
        .args(["export", "-q", "--vendor", "qualtrics", "--http", &url, "--lookback", "4h"])
        .args(extra)
        .arg("--checkpoint")
        .arg(dir.join("checkpoints.json"));
    let ran = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    let stderr = String::from_utf8_lossy(&ran.stderr).into_owned();
    assert!(ran.status.success(), "{stderr}");
    let arrivals = arrivals.lock().unwrap().clone();
    assert!(arrivals.len() >= 2, "{arrivals:?}");
    let _ = std::fs::remove_dir_all(&dir);
    (arrivals[1] - arrivals[0], stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_retry_after_in_seconds_is_waited_for_not_the_backoff() {
    // The backoff alone would try again after 250 ms.
    let first = ResponseTemplate::new(429).insert_header("retry-after", "2");
    let (waited, stderr) = refused_once(first, &[]).await;
    assert!(waited >= std::time::Duration::from_millis(1900), "waited {waited:?}: {stderr}");
    assert!(stderr.contains("retrying in 2s as its Retry-After asks"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_with_a_retry_after_date_an_hour_away_waits_the_cap_with_a_warning() {
    let in_an_hour = (Utc::now() + TimeDelta::hours(1)).format("%a, %d %b %Y %H:%M:%S GMT");
    let first = ResponseTemplate::new(503).insert_header("retry-after", in_an_hour.to_string());
    let (waited, stderr) = refused_once(first, &["--http-max-retry-after", "1s"]).await;
    assert!(waited >= std::time::Duration::from_millis(950), "waited {waited:?}: {stderr}");
    assert!(
        stderr.contains("its Retry-After asks for longer than 1s (max_retry_after)"),
        "{stderr}"
    );
}
