//! `auditkit export` killed again and again, at random points and right between writing
//! a batch and committing it, then resumed: the union of its output is the seeded set,
//! exactly, for Qualtrics and for Everbridge.
//!
//! This test has its own `main` (`harness = false`): it runs the `auditkit` binary in child
//! processes, which it can kill.

mod common;

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
    process::{Command, ExitCode, Stdio},
    time::Duration,
};

use auditkit::{everbridge::ReportType, testkit::Sandbox};
use chrono::{Duration as TimeDelta, Utc};
use serde_json::Value;

use common::crash::{Lcg, seed};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Output {
    Plain,
    Gzip,
}

fn main() -> ExitCode {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(killed_and_resumed_exports_write_every_event_exactly_once(Output::Plain, 12));
    println!("test killed_and_resumed_exports_write_every_event_exactly_once ... ok");
    runtime.block_on(killed_and_resumed_exports_write_every_event_exactly_once(Output::Gzip, 6));
    println!("test killed_and_resumed_gzip_exports_write_every_event_exactly_once ... ok");
    runtime.block_on(an_ocsf_export_writes_one_ocsf_event_per_event_and_bad_arguments_exit_2());
    println!("test an_ocsf_export_writes_one_ocsf_event_per_event_and_bad_arguments_exit_2 ... ok");
    ExitCode::SUCCESS
}

async fn killed_and_resumed_exports_write_every_event_exactly_once(kind: Output, runs: usize) {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let now = Utc::now();
    let (from, to) = (now - TimeDelta::days(4), now - TimeDelta::hours(12));
    // Only what the test seeds: the sandbox's sample data goes.
    let seeded = seed(
        &sandbox,
        from,
        to,
        &[("logins", 300), ("session_terminations", 150), ("password_resets", 60)],
        400,
    );
    let (expected, mut everbridge) = (seeded.qualtrics, seeded.everbridge);

    let dir = std::env::temp_dir().join(format!("auditkit-export-crash-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let output = dir.join(if kind == Output::Gzip { "events.jsonl.gz" } else { "events.jsonl" });
    // AUDITKIT_EXPORT_CRASH_SEED=<printed seed> replays a run's kill points.
    let mut random = Lcg::from_env("AUDITKIT_EXPORT_CRASH_SEED");
    println!("export_crash: {kind:?}, seed {:#x}, output {}", random.0, output.display());

    let mut interrupted = 0;
    for run in 0..runs {
        let mut command = export_command(&sandbox, &output, from, to, kind);
        if run % 2 == 0 {
            // Right after a batch is on disk, before its commit.
            command.arg("--abort-after-write").arg((1 + random.below(4)).to_string());
            let status = command.status().expect("spawn export");
            interrupted += usize::from(!status.success());
        } else {
            let mut child = command.spawn().expect("spawn export");
            tokio::time::sleep(Duration::from_millis(5 + random.below(60))).await;
            interrupted += usize::from(child.try_wait().expect("wait").is_none());
            let _ = child.kill();
            let _ = child.wait();
        }
    }
    let last = export_command(&sandbox, &output, from, to, kind).status().expect("spawn export");
    assert!(last.success(), "the final run fails: {last}");
    println!("export_crash: {interrupted} of {runs} runs were interrupted mid-export");
    assert!(interrupted >= runs / 2, "too few runs were interrupted: {interrupted}");

    let written = read_lines(&output, kind);
    let mut keys = BTreeSet::new();
    let mut got: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut everbridge_got = Vec::new();
    for line in &written {
        let source = line["source"].as_str().expect("source").to_owned();
        let key = line["key"].as_str().expect("key").to_owned();
        assert!(keys.insert((source.clone(), key.clone())), "written twice: {source} {key}");
        if source.starts_with("qualtrics/") {
            got.entry(source)
                .or_default()
                .insert(line["event"]["id"].as_str().expect("id").to_owned());
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

fn export_command(
    sandbox: &Sandbox,
    output: &Path,
    from: chrono::DateTime<Utc>,
    to: chrono::DateTime<Utc>,
    kind: Output,
) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_auditkit"));
    command
        .env_clear()
        .env("AUDITKIT_QUALTRICS_BASE_URL", sandbox.qualtrics_url().as_str())
        .env("AUDITKIT_QUALTRICS_API_TOKEN", sandbox.qualtrics_api_token())
        .env("AUDITKIT_EVERBRIDGE_BASE_URL", sandbox.everbridge_url().as_str())
        .env("AUDITKIT_EVERBRIDGE_USERNAME", sandbox.everbridge_username())
        .env("AUDITKIT_EVERBRIDGE_PASSWORD", sandbox.everbridge_password())
        .args([
            "export",
            "--vendor",
            "qualtrics",
            "--vendor",
            "everbridge",
            "--quiet",
            "--batch-size",
            "40",
        ])
        .arg("--from")
        .arg(from.to_rfc3339())
        .arg("--to")
        .arg(to.to_rfc3339())
        .arg("--output")
        .arg(output)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if kind == Output::Gzip {
        command.arg("--gzip");
    }
    command
}

fn read_lines(path: &Path, kind: Output) -> Vec<Value> {
    common::crash::read_lines(path, kind == Output::Gzip)
}

async fn an_ocsf_export_writes_one_ocsf_event_per_event_and_bad_arguments_exit_2() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    sandbox.qualtrics().clear_events();
    sandbox.everbridge().clear_entries();
    let now = Utc::now();
    let (from, to) = (now - TimeDelta::days(2), now - TimeDelta::hours(12));
    sandbox.qualtrics().seed_events("logins", 30, from, to);
    sandbox.qualtrics().seed_events("session_terminations", 20, from, to);
    sandbox.qualtrics().seed_events("session_creations", 5, from, to);
    sandbox.qualtrics().seed_events("password_resets", 10, from, to);
    sandbox.everbridge().seed_entries(ReportType::Contact, 40, from, to);
    let dir = std::env::temp_dir().join(format!("auditkit-export-ocsf-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let output = dir.join("ocsf.jsonl");

    let mut command = export_command(&sandbox, &output, from, to, Output::Plain);
    let status = command.args(["--format", "ocsf"]).status().expect("spawn export");
    assert!(status.success(), "{status}");
    let lines = read_lines(&output, Output::Plain);
    let mut classes = BTreeMap::new();
    let mut uids = BTreeSet::new();
    for line in &lines {
        *classes.entry(line["class_uid"].as_u64().expect("class_uid")).or_insert(0) += 1;
        assert_eq!(line["metadata"]["version"], "1.8.0", "{line}");
        assert!(uids.insert(line["metadata"]["uid"].as_str().expect("uid").to_owned()), "{line}");
    }
    // Logins, session creations and logoffs are Authentication (session creations were
    // dropped before each activity type had its own mapping), resets Account Change,
    // Everbridge Entity Management.
    assert_eq!(classes, BTreeMap::from([(3001, 10), (3002, 55), (3004, 40)]));

    let mut command = export_command(&sandbox, &dir.join("other.jsonl"), from, to, Output::Plain);
    let status =
        command.args(["--format", "ocsf", "--vendor", "energycap"]).status().expect("spawn");
    assert_eq!(status.code(), Some(2), "OCSF has no EnergyCAP mapping: a usage error");
    let status = export_command(&sandbox, &output, from, to, Output::Plain)
        .arg("--batch-size")
        .arg("0")
        .status()
        .expect("spawn");
    assert_eq!(status.code(), Some(2), "a batch size of 0 is refused by the command line");
    let _ = std::fs::remove_dir_all(&dir);
}
