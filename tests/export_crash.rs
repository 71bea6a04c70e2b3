//! The `export` example killed again and again, at random points and right between writing
//! a batch and committing it, then resumed: the union of its output is the seeded set,
//! exactly, for Qualtrics and for Everbridge.
//!
//! This test has its own `main` (`harness = false`): the test binary runs the example's
//! code in child processes of itself (`AUDITKIT_EXPORT_CHILD` set), which it can kill.

#[allow(dead_code, unreachable_pub)]
#[path = "../examples/export.rs"]
mod export;

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
    process::{Command, ExitCode, Stdio},
    time::Duration,
};

use auditkit::{everbridge::ReportType, testkit::Sandbox};
use chrono::{Duration as TimeDelta, Utc};
use clap::Parser;
use serde_json::{Value, json};

const CHILD: &str = "AUDITKIT_EXPORT_CHILD";
const INTERRUPTED_RUNS: usize = 12;

fn main() -> ExitCode {
    if std::env::var_os(CHILD).is_some() {
        let args = std::env::args().skip_while(|arg| arg != "--").skip(1);
        return export::run(export::Args::parse_from(std::iter::once("export".to_owned()).chain(args)));
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(killed_and_resumed_exports_write_every_event_exactly_once());
    println!("test export_crash ... ok");
    ExitCode::SUCCESS
}

/// A small deterministic generator, so a failure can be replayed from the printed seed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

async fn killed_and_resumed_exports_write_every_event_exactly_once() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let now = Utc::now();
    let (from, to) = (now - TimeDelta::days(4), now - TimeDelta::hours(12));
    let mut expected: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (activity, count) in [("logins", 300), ("session_terminations", 150), ("password_resets", 60)] {
        let ids = sandbox.qualtrics().seed_events(activity, count, from + TimeDelta::hours(1), to);
        expected.insert(format!("qualtrics/{activity}"), ids.into_iter().collect());
    }
    // Everbridge entries have no id: the test knows them by entityId, plus two identical
    // rows that must stay two.
    let ids = sandbox.everbridge().seed_entries(ReportType::Security, 400, from + TimeDelta::hours(1), to);
    let mut everbridge: Vec<String> = ids.iter().map(i64::to_string).collect();
    let twin_time = (to - TimeDelta::hours(2)).format("%Y-%m-%dT%H:%M:%S").to_string();
    for _ in 0..2 {
        sandbox.everbridge().add_entry(
            ReportType::Security,
            json!({ "eventTime": twin_time, "entityId": 0, "operationType": "Update", "userName": "twin" }),
        );
        everbridge.push("0".into());
    }

    let dir = std::env::temp_dir().join(format!("auditkit-export-crash-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let output = dir.join("events.jsonl");
    let seed = 0x5eed_u64 ^ u64::from(now.timestamp_subsec_nanos());
    println!("export_crash: seed {seed:#x}, output {}", output.display());
    let mut random = Lcg(seed);

    let mut interrupted = 0;
    for run in 0..INTERRUPTED_RUNS {
        let mut command = export_command(&sandbox, &output, from, to);
        if run % 2 == 0 {
            // Right after a batch is on disk, before its commit.
            command.arg("--abort-after-write").arg((1 + random.below(4)).to_string());
            let status = command.status().expect("spawn export");
            interrupted += usize::from(!status.success());
        } else {
            let mut child = command.spawn().expect("spawn export");
            tokio::time::sleep(Duration::from_millis(20 + random.below(200))).await;
            interrupted += usize::from(child.try_wait().expect("wait").is_none());
            let _ = child.kill();
            let _ = child.wait();
        }
    }
    let last = export_command(&sandbox, &output, from, to).status().expect("spawn export");
    assert!(last.success(), "the final run fails: {last}");
    println!("export_crash: {interrupted} of {INTERRUPTED_RUNS} runs were interrupted mid-export");
    assert!(interrupted >= INTERRUPTED_RUNS / 2, "too few runs were interrupted: {interrupted}");

    let written = read_lines(&output);
    let mut keys = BTreeSet::new();
    let mut got: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut everbridge_got = Vec::new();
    for line in &written {
        let source = line["source"].as_str().expect("source").to_owned();
        let key = line["key"].as_str().expect("key").to_owned();
        assert!(keys.insert((source.clone(), key.clone())), "written twice: {source} {key}");
        if source.starts_with("qualtrics/") {
            got.entry(source).or_default().insert(line["event"]["id"].as_str().expect("id").to_owned());
        } else {
            assert_eq!(source, "everbridge/security", "{line}");
            everbridge_got.push(line["event"]["entityId"].to_string());
        }
    }
    assert_eq!(got, expected, "Qualtrics events lost or invented");
    everbridge.sort();
    everbridge_got.sort();
    assert_eq!(everbridge_got, everbridge, "Everbridge entries lost or invented");
    let _ = std::fs::remove_dir_all(&dir);
}

fn export_command(sandbox: &Sandbox, output: &Path, from: chrono::DateTime<Utc>, to: chrono::DateTime<Utc>) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("test binary"));
    command
        .env_clear()
        .env(CHILD, "1")
        .env("AUDITKIT_QUALTRICS_BASE_URL", sandbox.qualtrics_url().as_str())
        .env("AUDITKIT_QUALTRICS_API_TOKEN", sandbox.qualtrics_api_token())
        .env("AUDITKIT_EVERBRIDGE_BASE_URL", sandbox.everbridge_url().as_str())
        .env("AUDITKIT_EVERBRIDGE_USERNAME", sandbox.everbridge_username())
        .env("AUDITKIT_EVERBRIDGE_PASSWORD", sandbox.everbridge_password())
        .args(["--", "--vendor", "qualtrics", "--vendor", "everbridge", "--quiet", "--batch-size", "40"])
        .arg("--from")
        .arg(from.to_rfc3339())
        .arg("--to")
        .arg(to.to_rfc3339())
        .arg("--output")
        .arg(output)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn read_lines(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("output");
    text.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))).collect()
}
