//! `auditkit --config`: many tenants and sinks from one TOML file; every problem named by
//! file, key and reason before anything runs; a failing sink stops only its own sources.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
};

use auditkit::testkit::Sandbox;
use chrono::{TimeDelta, Utc};
use serde_json::Value;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("auditkit-config-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn config(&self, text: &str) -> PathBuf {
        let path = self.path("auditkit.toml");
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn run(config: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_auditkit"));
    command.env_clear().stdin(Stdio::null()).args(["export", "-q", "--config"]).arg(config);
    for (name, value) in env {
        command.env(name, value);
    }
    tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `config`, expects exit 2 and a message naming the file, `key` and `reason`.
async fn refused(config: &str, key: &str, reason: &str) {
    let scratch = Scratch::new();
    std::fs::write(scratch.path("token.txt"), "a-token\n").unwrap();
    let path = scratch.config(config);
    let ran = run(&path, &[]).await;
    let message = stderr(&ran);
    assert_eq!(ran.status.code(), Some(2), "{message}");
    for part in [&path.display().to_string(), key, reason] {
        assert!(message.contains(part), "`{part}` missing from: {message}");
    }
    assert!(!scratch.path("out.jsonl").exists(), "nothing ran");
}

const SOURCE: &str = r#"
[[source]]
tenant = "acme"
vendor = "qualtrics"
credentials = { base_url = "http://127.0.0.1:1", api_token = { env = "ACME_QUALTRICS_TOKEN" } }
sink = { file = "out.jsonl" }
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_key_is_refused_with_the_file_the_key_and_the_reason() {
    refused(&format!("{SOURCE}colour = \"red\"\n"), "source[0]", "unknown field `colour`").await;
    refused("[defaults]\nintervall = \"1m\"\n", "defaults", "unknown field `intervall`").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_credential_variable_is_named() {
    refused(SOURCE, "source[0].credentials.api_token", "ACME_QUALTRICS_TOKEN is not set").await;
    let inline = SOURCE.replace(r#"{ env = "ACME_QUALTRICS_TOKEN" }"#, r#""secret-inline""#);
    refused(&inline, "source[0].credentials.api_token", "").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_is_not_postgresql_or_a_bad_schema_is_refused() {
    refused(&format!("store = \"mysql://db/audit\"\n{SOURCE}"), "`store`", "PostgreSQL URL").await;
    let schema = "store = \"postgres://postgres@127.0.0.1/test\"\nstore_schema = \"Audit-Kit\"\n";
    refused(&format!("{schema}{SOURCE}"), "`store_schema`", "lowercase letters").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_at_once_of_0_is_refused_and_the_flag_wins_over_the_config() {
    refused(&format!("sources_at_once = 0\n{SOURCE}"), "`sources_at_once`", "at least 1").await;

    let scratch = Scratch::new();
    let path = scratch.config(&format!("sources_at_once = 3\n{SOURCE}"));
    let said = |output: &Output| {
        let text = stderr(output);
        let line = text.lines().find(|line| line.contains("listing at a time"));
        let line = line.unwrap_or_else(|| panic!("no line on sources at a time: {text}"));
        let at_most = line.split("at most ").nth(1).unwrap_or_default();
        at_most.split(' ').next().unwrap_or_default().to_owned()
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_auditkit"));
    command.env_clear().env("ACME_QUALTRICS_TOKEN", "t").args(["export", "--config"]).arg(&path);
    let from_config = command.output().unwrap();
    assert_eq!(said(&from_config), "3");
    let from_flag = command.arg("--sources-at-once").arg("2").output().unwrap();
    assert_eq!(said(&from_flag), "2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_qualtrics_is_read_through_exports() {
    let everbridge = SOURCE.replace("vendor = \"qualtrics\"", "vendor = \"everbridge\"");
    refused(&format!("{everbridge}via = \"exports\"\n"), "source[0].via", "only Qualtrics").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_duration_is_refused() {
    refused(
        &format!("{SOURCE}lag = \"5 minutes\"\n"),
        "source[0].lag",
        "`5 minutes` is not a duration",
    )
    .await;
    refused(&format!("{SOURCE}interval = \"0s\"\n"), "source[0].interval", "above 0").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sources_with_one_output_are_refused() {
    let two = format!("{SOURCE}{}", SOURCE.replace("acme", "globex"));
    let two = two.replace(r#"{ env = "ACME_QUALTRICS_TOKEN" }"#, r#"{ file = "token.txt" }"#);
    refused(&two, "source[1].sink.file", "also the output of source[0]").await;
}

fn config_of(sandbox: &Sandbox, globex_sink: &str) -> String {
    let url = sandbox.qualtrics_url();
    format!(
        r#"
[defaults]
checkpoint = "checkpoints.json"
batch_size = 25
lookback = "4d"

[[source]]
tenant = "acme"
vendor = "qualtrics"
streams = ["logins"]
credentials = {{ base_url = "{url}", api_token = {{ env = "ACME_TOKEN" }} }}
sink = {{ file = "acme.jsonl" }}

[[source]]
tenant = "globex"
vendor = "qualtrics"
streams = ["logins", "password_resets"]
credentials = {{ base_url = "{url}", api_token = {{ file = "globex.token" }} }}
sink = {{ {globex_sink} }}
"#
    )
}

async fn seeded() -> Sandbox {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.qualtrics().clear_events();
    sandbox.everbridge().clear_entries();
    let now = Utc::now();
    sandbox.qualtrics().seed_events(
        "logins",
        60,
        now - TimeDelta::days(3),
        now - TimeDelta::hours(1),
    );
    sandbox.qualtrics().seed_events(
        "password_resets",
        15,
        now - TimeDelta::days(3),
        now - TimeDelta::hours(1),
    );
    sandbox
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenants_from_one_config_write_their_own_lines_and_checkpoints() {
    let sandbox = seeded().await;
    let scratch = Scratch::new();
    std::fs::write(scratch.path("globex.token"), format!("{}\n", sandbox.qualtrics_api_token()))
        .unwrap();
    let config = scratch.config(&config_of(&sandbox, r#"file = "globex.jsonl.gz", gzip = true"#));
    let ran = run(&config, &[("ACME_TOKEN", sandbox.qualtrics_api_token())]).await;
    assert!(ran.status.success(), "{}", stderr(&ran));
    let acme = lines(&scratch.path("acme.jsonl"));
    assert_eq!(acme.len(), 60);
    for line in &acme {
        assert_eq!(
            (line["tenant"].as_str(), line["vendor"].as_str()),
            (Some("acme"), Some("qualtrics"))
        );
        assert_eq!(line["source"], "qualtrics/logins");
        assert!(line["key"].is_string());
    }
    let mut text = String::new();
    let file = std::fs::File::open(scratch.path("globex.jsonl.gz")).unwrap();
    std::io::Read::read_to_string(&mut flate2::read::MultiGzDecoder::new(file), &mut text).unwrap();
    assert_eq!(text.lines().count(), 75);
    assert!(text.lines().all(|line| line.contains("\"tenant\":\"globex\"")));
    let checkpoints = sources_in(scratch.path("checkpoints.json")).await;
    for id in
        ["acme/qualtrics/logins", "globex/qualtrics/logins", "globex/qualtrics/password_resets"]
    {
        assert!(checkpoints.contains(id), "{id} missing: {checkpoints}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_sink_stops_its_own_sources_checkpoints_only() {
    let sandbox = seeded().await;
    let server = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let scratch = Scratch::new();
    std::fs::write(scratch.path("globex.token"), sandbox.qualtrics_api_token()).unwrap();
    let sink = format!(r#"http = "{}/ingest", attempts = 2, backoff = "10ms""#, server.uri());
    let config = scratch.config(&config_of(&sandbox, &sink));
    let ran = run(&config, &[("ACME_TOKEN", sandbox.qualtrics_api_token())]).await;
    assert_eq!(ran.status.code(), Some(3), "partial: {}", stderr(&ran));
    assert!(stderr(&ran).contains("500"), "{}", stderr(&ran));
    assert_eq!(lines(&scratch.path("acme.jsonl")).len(), 60, "the file's source is not stopped");
    let checkpoints = sources_in(scratch.path("checkpoints.json")).await;
    assert!(checkpoints.contains("acme/qualtrics/logins"));
    assert!(
        !checkpoints.contains("globex/"),
        "a batch the sink refused is not committed: {checkpoints}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2, "two attempts, then stop");
}

/// The sources with a checkpoint in the store at `path`, joined by spaces.
async fn sources_in(path: std::path::PathBuf) -> String {
    let checkpoints = auditkit::collect::FileStore::new(path).checkpoints().await.unwrap();
    checkpoints.iter().map(|checkpoint| checkpoint.source()).collect::<Vec<_>>().join(" ")
}

/// An Everbridge source read by a service account (client id and secret alone), on the
/// Silver tier, from one config; and the keys a service account cannot take, refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_everbridge_service_account_source_reads_the_sandbox() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.everbridge().clear_entries();
    let now = Utc::now();
    let seeded = sandbox.everbridge().seed_entries(
        auditkit::everbridge::ReportType::Security,
        30,
        now - TimeDelta::days(2),
        now - TimeDelta::hours(1),
    );
    let scratch = Scratch::new();
    let url = sandbox.everbridge_url();
    let id = sandbox.everbridge_service_client_id();
    let config = |extra: &str| {
        format!(
            r#"
[defaults]
checkpoint = "checkpoints.json"
lookback = "4d"

[[source]]
tenant = "acme"
vendor = "everbridge"
streams = ["security"]
credentials = {{ base_url = "{url}", client_id = "{id}", client_secret = {{ env = "EB_SECRET" }}, rate_tier = "silver"{extra} }}
sink = {{ file = "acme.jsonl" }}
"#
        )
    };
    let secret = ("EB_SECRET", sandbox.everbridge_service_client_secret());
    let ran = run(&scratch.config(&config("")), &[secret]).await;
    assert!(ran.status.success(), "{}", stderr(&ran));
    assert_eq!(lines(&scratch.path("acme.jsonl")).len(), seeded.len());
    assert_eq!(sandbox.everbridge().tokens_issued(), 1, "one token for the run");

    let role = run(&scratch.config(&config(r#", role_id = "42""#)), &[secret]).await;
    assert_eq!(role.status.code(), Some(2), "{}", stderr(&role));
    assert!(stderr(&role).contains("role_id"), "{}", stderr(&role));
    let tin = run(&scratch.config(&config("").replace("silver", "tin")), &[secret]).await;
    assert_eq!(tin.status.code(), Some(2), "{}", stderr(&tin));
    assert!(stderr(&tin).contains("rate_tier"), "{}", stderr(&tin));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_needs_a_file_sink_and_a_key_needs_an_archive() {
    // Credentials are read first: from the file `refused` writes.
    let source = SOURCE.replace(r#"{ env = "ACME_QUALTRICS_TOKEN" }"#, r#"{ file = "token.txt" }"#);
    let http = source.replace(
        r#"{ file = "out.jsonl" }"#,
        r#"{ http = "http://127.0.0.1:1/", archive = true }"#,
    );
    refused(&http, "source[0].sink.archive", "an archive is a file").await;
    let key = source.replace(
        r#"{ file = "out.jsonl" }"#,
        r#"{ file = "out.jsonl", archive_key = { file = "token.txt" } }"#,
    );
    refused(&key, "source[0].sink.archive_key", "add `archive = true`").await;
    let bad = source.replace(
        r#"{ file = "out.jsonl" }"#,
        r#"{ file = "out.jsonl", archive = true, archive_key = { file = "token.txt" } }"#,
    );
    refused(&bad, "source[0].sink.archive_key", "Ed25519").await;
}
