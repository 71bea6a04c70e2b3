//! `auditkit export` killed again and again, at random points and right between writing
//! a batch and committing it, then resumed: the union of its output is the seeded set,
//! exactly, for Qualtrics and for Everbridge. With `--archive` (gzip, rotated, signed),
//! the chain also verifies after every run (a killed run may leave only a cut last line
//! past its commit) and across every file at the end.
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

use auditkit::{
    archive::{Reason, Signer, Verifier},
    everbridge::ReportType,
    testkit::Sandbox,
};
use chrono::{Duration as TimeDelta, Utc};
use serde_json::{Value, json};

use common::crash::{Lcg, seed};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Output {
    Plain,
    Gzip,
    /// Gzip, `--archive` with a signing key, rotated every few batches.
    Archive,
}

/// The archive's signing key (RFC 8032 test key 1).
const ARCHIVE_KEY: &str = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";

fn main() -> ExitCode {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(killed_and_resumed_exports_write_every_event_exactly_once(Output::Plain, 12));
    println!("test killed_and_resumed_exports_write_every_event_exactly_once ... ok");
    runtime.block_on(killed_and_resumed_exports_write_every_event_exactly_once(Output::Gzip, 6));
    println!("test killed_and_resumed_gzip_exports_write_every_event_exactly_once ... ok");
    runtime.block_on(killed_and_resumed_exports_write_every_event_exactly_once(Output::Archive, 8));
    println!("test killed_and_resumed_archive_exports_are_exactly_once_and_verify ... ok");
    runtime.block_on(a_manifest_a_killed_run_did_not_write_after_rotating_is_written_next_run());
    println!(
        "test a_manifest_a_killed_run_did_not_write_after_rotating_is_written_next_run ... ok"
    );
    runtime.block_on(an_ocsf_export_writes_one_ocsf_event_per_event_and_bad_arguments_exit_2());
    println!("test an_ocsf_export_writes_one_ocsf_event_per_event_and_bad_arguments_exit_2 ... ok");
    ExitCode::SUCCESS
}

/// The rotated file whose manifest a killed run left to write, as the output's lock says.
fn manifest_pending(output: &Path) -> Option<std::path::PathBuf> {
    let mut lock = output.as_os_str().to_owned();
    lock.push(".lock");
    let text = std::fs::read_to_string(lock).ok()?;
    let state: Value = serde_json::Deserializer::from_str(&text).into_iter().next()?.ok()?;
    state["manifest_pending"].as_str().map(Into::into)
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
    let output = dir.join(if kind == Output::Plain { "events.jsonl" } else { "events.jsonl.gz" });
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
        if kind == Output::Archive {
            // Up to the last commit the chain verifies; past it, a kill may have cut the
            // last line of the file being written (the next run cuts it back).
            let report = archive_verifier(&dir).run().expect("verify");
            if let Some(finding) = &report.finding {
                // A kill between rotating and writing the manifest leaves the manifest
                // pending in the output's lock; the next run writes it (checked at the end).
                let pending = finding.reason == Reason::ForgedManifest
                    && manifest_pending(&output).as_deref() == Some(finding.path.as_path());
                assert!(
                    (finding.reason == Reason::Truncated && finding.path == output) || pending,
                    "run {run} leaves an archive that does not verify: {finding}"
                );
            }
        }
    }
    let last = export_command(&sandbox, &output, from, to, kind).status().expect("spawn export");
    assert!(last.success(), "the final run fails: {last}");
    println!("export_crash: {interrupted} of {runs} runs were interrupted mid-export");
    assert!(interrupted >= runs / 2, "too few runs were interrupted: {interrupted}");

    let written = if kind == Output::Archive {
        let report = archive_verifier(&dir).run().expect("verify");
        assert!(report.verified(), "the archive does not verify: {:?}", report.finding);
        assert!(report.files.len() > 2, "too few rotations: {report:?}");
        assert_eq!(report.files.iter().map(|f| f.lines).sum::<u64>(), 912);
        let public = dir.join("archive.pub.pem");
        std::fs::write(&public, Signer::from_text(ARCHIVE_KEY).unwrap().public_key().to_pem())
            .unwrap();
        let status = Command::new(env!("CARGO_BIN_EXE_auditkit"))
            .arg("verify")
            .arg(&dir)
            .arg("--public-key")
            .arg(&public)
            .stdout(Stdio::null())
            .status()
            .expect("spawn verify");
        assert!(status.success(), "auditkit verify: {status}");
        archive_files(&dir).iter().flat_map(|file| read_lines(file, Output::Gzip)).collect()
    } else {
        read_lines(&output, kind)
    };
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
    if kind != Output::Plain {
        command.arg("--gzip");
    }
    if kind == Output::Archive {
        command
            .args(["--archive", "--rotate-size", "12KB"])
            .env("AUDITKIT_ARCHIVE_KEY", ARCHIVE_KEY);
    }
    command
}

/// The archive's files in `dir`, in chain order (by name).
fn archive_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.to_string_lossy().ends_with(".jsonl.gz"))
        .collect();
    files.sort();
    files
}

fn archive_verifier(dir: &Path) -> Verifier {
    Verifier::new([dir]).public_key(Signer::from_text(ARCHIVE_KEY).unwrap().public_key())
}

fn read_lines(path: &Path, kind: Output) -> Vec<Value> {
    common::crash::read_lines(path, kind != Output::Plain)
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

    // With --archive the same events, the chain under `unmapped` (OCSF 1.8.0 has no
    // attribute of ours at the top level), the rest unchanged; and the file verifies.
    let archived = dir.join("ocsf-archive.jsonl");
    let mut command = export_command(&sandbox, &archived, from, to, Output::Plain);
    let status = command.args(["--format", "ocsf", "--archive"]).status().expect("spawn export");
    assert!(status.success(), "{status}");
    let by_uid = |lines: &[Value]| -> BTreeMap<String, Value> {
        lines
            .iter()
            .map(|l| (l["metadata"]["uid"].as_str().unwrap().to_owned(), l.clone()))
            .collect()
    };
    let (plain, chained) = (by_uid(&lines), by_uid(&read_lines(&archived, Output::Plain)));
    assert_eq!(plain.len(), chained.len());
    for (uid, mut line) in chained {
        assert!(line["unmapped"]["auditkit_chain"]["hash"].is_string(), "{line}");
        line["unmapped"].as_object_mut().unwrap().remove("auditkit_chain");
        assert_eq!(line, plain[&uid], "only unmapped.auditkit_chain is added");
    }
    let report = Verifier::new([&archived]).run().expect("verify");
    assert!(report.verified(), "{:?}", report.finding);

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

/// A run killed between rotating a file and writing its manifest leaves the rotated file
/// named in its lock; the next run writes the manifest.
async fn a_manifest_a_killed_run_did_not_write_after_rotating_is_written_next_run() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    sandbox.everbridge().clear_entries();
    sandbox.qualtrics().clear_events();
    let now = Utc::now();
    let (from, to) = (now - TimeDelta::days(2), now - TimeDelta::hours(12));
    sandbox.qualtrics().seed_events("logins", 200, from, to);
    let dir = std::env::temp_dir().join(format!("auditkit-pending-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let output = dir.join("events.jsonl.gz");
    let status =
        export_command(&sandbox, &output, from, to, Output::Archive).status().expect("spawn");
    assert!(status.success(), "{status}");
    let rotated = archive_files(&dir).into_iter().next().expect("a rotated file");
    assert_ne!(rotated, output);
    let manifest = auditkit::archive::manifest_path(&rotated);
    std::fs::remove_file(&manifest).unwrap();
    let report = archive_verifier(&dir).run().unwrap();
    assert_eq!(report.finding.map(|f| f.reason), Some(Reason::ForgedManifest));
    // What the lock holds between the rename and the manifest.
    let lock = dir.join("events.jsonl.gz.lock");
    let mut state: Value = serde_json::from_slice(&std::fs::read(&lock).unwrap()).unwrap();
    state["manifest_pending"] = json!(rotated);
    std::fs::write(&lock, state.to_string()).unwrap();
    let status =
        export_command(&sandbox, &output, from, to, Output::Archive).status().expect("spawn");
    assert!(status.success(), "{status}");
    assert!(manifest.exists(), "the manifest was not written again");
    let report = archive_verifier(&dir).run().unwrap();
    assert!(report.verified(), "{:?}", report.finding);
    let state: Value = serde_json::from_slice(&std::fs::read(&lock).unwrap()).unwrap();
    assert_eq!(state.get("manifest_pending"), None, "{state}");
    let _ = std::fs::remove_dir_all(&dir);
}
