//! `auditkit` as users run it, against the sandbox in this process: exit codes, what it
//! refuses, the file output's rules, locks, SIGTERM, stdout and the checkpoints command.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    time::Duration,
};

use auditkit::testkit::Sandbox;
use chrono::{TimeDelta, Utc};
use serde_json::Value;

/// A directory of its own for each test, removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("auditkit-cli-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A sandbox with only `logins` events: `count` of them over the last three days.
async fn sandbox(count: usize) -> Sandbox {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.qualtrics().clear_events();
    sandbox.everbridge().clear_entries();
    seed(&sandbox, count);
    sandbox
}

fn seed(sandbox: &Sandbox, count: usize) -> Vec<String> {
    let now = Utc::now();
    sandbox.qualtrics().seed_events(
        "logins",
        count,
        now - TimeDelta::days(3),
        now - TimeDelta::hours(2),
    )
}

/// Events that appear after a run: after its high-water mark, within the overlap.
fn seed_recent(sandbox: &Sandbox, count: usize) -> Vec<String> {
    let now = Utc::now();
    sandbox.qualtrics().seed_events(
        "logins",
        count,
        now - TimeDelta::minutes(40),
        now - TimeDelta::minutes(10),
    )
}

/// `auditkit` with no environment but Qualtrics on `sandbox` (when given).
fn auditkit(sandbox: Option<&Sandbox>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_auditkit"));
    command.env_clear().stdin(Stdio::null());
    if let Some(sandbox) = sandbox {
        command
            .env("AUDITKIT_QUALTRICS_BASE_URL", sandbox.qualtrics_url().as_str())
            .env("AUDITKIT_QUALTRICS_API_TOKEN", sandbox.qualtrics_api_token());
    }
    command
}

/// Runs `command` off the runtime's threads (the sandbox serves on them).
async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

fn export(sandbox: &Sandbox, output: &Path) -> Command {
    let mut command = auditkit(Some(sandbox));
    let from = (Utc::now() - TimeDelta::days(4)).to_rfc3339();
    command.args(["export", "-q", "--from", &from, "-o"]).arg(output);
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn via_exports_reads_qualtrics_through_bulk_exports_into_checkpoints_of_their_own() {
    let sandbox = sandbox(0).await;
    let now = Utc::now();
    let seeded = sandbox.qualtrics().seed_events(
        "logins",
        30,
        now - TimeDelta::hours(20),
        now - TimeDelta::hours(2),
    );
    let dir = Scratch::new();
    let output = dir.0.join("out.jsonl");
    let mut command = auditkit(Some(&sandbox));
    let (from, to) =
        ((now - TimeDelta::hours(22)).to_rfc3339(), (now - TimeDelta::hours(1)).to_rfc3339());
    command.args(["export", "-q", "--vendor", "qualtrics", "--via", "exports"]);
    command.args(["--from", &from, "--to", &to, "-o"]).arg(&output);
    let ran = run(command).await;
    assert!(ran.status.success(), "{}", stderr(&ran));

    let written = lines(&output);
    let mut keys: Vec<&str> = written.iter().filter_map(|line| line["key"].as_str()).collect();
    keys.sort_unstable();
    let mut expected: Vec<&str> = seeded.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert!(written.iter().all(|line| line["source"] == "qualtrics/exports/logins"), "{written:?}");
    let exports = sandbox.requests().iter().filter(|r| r.method == "POST").count();
    assert_eq!(exports, 4, "one export for each of the four streams' one window");

    let mut wrong = auditkit(Some(&sandbox));
    wrong
        .env("AUDITKIT_EVERBRIDGE_BASE_URL", sandbox.everbridge_url().as_str())
        .env("AUDITKIT_EVERBRIDGE_USERNAME", sandbox.everbridge_username())
        .env("AUDITKIT_EVERBRIDGE_PASSWORD", sandbox.everbridge_password());
    wrong.args(["export", "--vendor", "everbridge", "--via", "exports", "-o"]).arg(&output);
    let refused = run(wrong).await;
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("no Qualtrics stream"), "{}", stderr(&refused));
}

#[test]
fn help_lists_the_environment_variables_and_the_exit_codes() {
    let output = auditkit(None).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for text in [
        "collect",
        "export",
        "checkpoints",
        "sandbox",
        "AUDITKIT_QUALTRICS_API_TOKEN",
        "Exit codes",
        "3  partial",
        "4  busy",
    ] {
        assert!(help.contains(text), "{text} missing from --help:\n{help}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_credentials_it_refuses_naming_the_variables_and_writes_nothing() {
    let scratch = Scratch::new();
    let output = scratch.path("events.jsonl");
    let ran = run({
        let mut command = auditkit(None);
        command.args(["export", "-q", "-o"]).arg(&output);
        command
    })
    .await;
    assert_eq!(ran.status.code(), Some(2), "{}", stderr(&ran));
    assert!(stderr(&ran).contains("AUDITKIT_QUALTRICS_DATACENTER"), "{}", stderr(&ran));
    assert!(stderr(&ran).contains("--sandbox"), "{}", stderr(&ran));
    assert!(!output.exists(), "nothing is written without credentials");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_file_is_appended_to_and_never_cut() {
    let sandbox = sandbox(120).await;
    let scratch = Scratch::new();
    let output = scratch.path("events.jsonl");
    std::fs::write(&output, "{\"theirs\":1}\n{\"theirs\":2}\n").unwrap();
    let ran = run(export(&sandbox, &output)).await;
    assert!(ran.status.success(), "{}", stderr(&ran));
    let written = lines(&output);
    assert_eq!(written.len(), 122, "their two lines, then the events");
    assert_eq!(written[0]["theirs"], 1);
    assert_eq!(written[1]["theirs"], 2);
    for line in &written[2..] {
        for field in ["tenant", "vendor", "source", "key"] {
            assert!(line[field].is_string(), "{field} missing: {line}");
        }
    }
    // Again, with new events: appended after the committed length, nothing cut.
    seed_recent(&sandbox, 30);
    let ran = run(export(&sandbox, &output)).await;
    assert!(ran.status.success(), "{}", stderr(&ran));
    let written = lines(&output);
    assert_eq!(written.len(), 152);
    assert_eq!(written[0]["theirs"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dash_writes_the_lines_to_stdout_not_to_a_file_named_dash() {
    let sandbox = sandbox(40).await;
    let scratch = Scratch::new();
    let mut command = export(&sandbox, Path::new("-"));
    command.current_dir(&scratch.0).arg("--checkpoint").arg(scratch.path("cp.json"));
    let ran = run(command).await;
    assert!(ran.status.success(), "{}", stderr(&ran));
    let text = String::from_utf8(ran.stdout.clone()).unwrap();
    assert_eq!(text.lines().count(), 40, "{text}");
    let keys: std::collections::BTreeSet<_> = text
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["key"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(keys.len(), 40);
    assert!(!scratch.path("-").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_process_on_the_same_output_is_refused() {
    let sandbox = sandbox(10).await;
    let scratch = Scratch::new();
    let output = scratch.path("events.jsonl");
    // The lock another auditkit would hold.
    let held = std::fs::File::create(scratch.path("events.jsonl.lock")).unwrap();
    assert!(fs4::fs_std::FileExt::try_lock_exclusive(&held).unwrap());
    let ran = run(export(&sandbox, &output)).await;
    assert_eq!(ran.status.code(), Some(4), "{}", stderr(&ran));
    assert!(stderr(&ran).contains("another auditkit"), "{}", stderr(&ran));
    assert!(!output.exists() || std::fs::read(&output).unwrap().is_empty());
    drop(held);
    let ran = run(export(&sandbox, &output)).await;
    assert!(ran.status.success(), "{}", stderr(&ran));
    assert_eq!(lines(&output).len(), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_gzip_or_format_against_an_existing_output_is_refused() {
    let sandbox = sandbox(10).await;
    let scratch = Scratch::new();
    let output = scratch.path("events.jsonl");
    assert!(run(export(&sandbox, &output)).await.status.success());
    let before = std::fs::read(&output).unwrap();
    for extra in [&["--gzip"][..], &["--format", "ocsf"][..]] {
        let mut command = export(&sandbox, &output);
        command.args(extra);
        let ran = run(command).await;
        assert_eq!(ran.status.code(), Some(2), "{extra:?}: {}", stderr(&ran));
        assert!(stderr(&ran).contains("refused"), "{}", stderr(&ran));
    }
    assert_eq!(std::fs::read(&output).unwrap(), before, "the output is untouched");
    // A plain file no checkpoint describes is not turned into gzip either.
    let theirs = scratch.path("theirs.jsonl");
    std::fs::write(&theirs, "{}\n").unwrap();
    let mut command = export(&sandbox, &theirs);
    command.arg("--gzip");
    assert_eq!(run(command).await.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_rotated_away_is_continued_in_a_new_one_from_the_checkpoint() {
    let sandbox = sandbox(50).await;
    let scratch = Scratch::new();
    let output = scratch.path("events.jsonl");
    assert!(run(export(&sandbox, &output)).await.status.success());
    // logrotate's default: rename, then a new empty file (or none) at the path.
    std::fs::rename(&output, scratch.path("events.jsonl.1")).unwrap();
    let new = seed_recent(&sandbox, 20);
    let ran = run(export(&sandbox, &output)).await;
    assert!(ran.status.success(), "{}", stderr(&ran));
    let mut got: Vec<String> = lines(&output)
        .iter()
        .map(|line| line["event"]["id"].as_str().unwrap().to_owned())
        .collect();
    got.sort();
    let mut new = new;
    new.sort();
    assert_eq!(got, new, "only the new events, once");
    assert_eq!(lines(&scratch.path("events.jsonl.1")).len(), 50, "the rotated file is untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_by_size_splits_the_output_and_loses_nothing() {
    let sandbox = sandbox(200).await;
    let scratch = Scratch::new();
    let output = scratch.path("events.jsonl");
    let mut command = export(&sandbox, &output);
    command.args(["--rotate-size", "8KB", "--batch-size", "20"]);
    let ran = run(command).await;
    assert!(ran.status.success(), "{}", stderr(&ran));
    let mut keys = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&scratch.0).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("events.") && name.ends_with(".jsonl") {
            files += 1;
            keys.extend(lines(&path).iter().map(|line| line["key"].as_str().unwrap().to_owned()));
        }
    }
    assert!(files > 3, "{files} files");
    let unique: std::collections::BTreeSet<_> = keys.iter().collect();
    assert_eq!((keys.len(), unique.len()), (200, 200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_batch_commits_prints_a_summary_and_exits_0() {
    let sandbox = sandbox(300).await;
    let scratch = Scratch::new();
    let output = scratch.path("events.jsonl");
    let mut command = auditkit(Some(&sandbox));
    let from = (Utc::now() - TimeDelta::days(4)).to_rfc3339();
    command
        .args(["collect", "--interval", "1s", "--batch-size", "10", "--from", &from, "-o"])
        .arg(&output)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let child = command.spawn().unwrap();
    let pid = child.id();
    let output_path = output.clone();
    let ran = tokio::task::spawn_blocking(move || {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while std::fs::metadata(&output_path).map_or(0, |m| m.len()) == 0 {
            assert!(std::time::Instant::now() < deadline, "nothing written");
            std::thread::sleep(Duration::from_millis(20));
        }
        let killed = Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
        assert!(killed.success());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(ran.status.code(), Some(0), "{}", stderr(&ran));
    assert!(stderr(&ran).contains("events ("), "no summary: {}", stderr(&ran));
    // What is in the file is what the checkpoint committed: a next run appends the rest.
    let store = auditkit::collect::FileStore::new(scratch.path("events.jsonl.checkpoint.json"));
    let committed = store
        .checkpoints()
        .await
        .unwrap()
        .iter()
        .filter_map(|checkpoint| checkpoint.annotation("output_bytes")?.as_u64())
        .max();
    let length = std::fs::metadata(&output).unwrap().len();
    assert_eq!(committed, Some(length), "the file holds exactly what was committed");
    assert!(run(export(&sandbox, &output)).await.status.success());
    assert_eq!(lines(&output).len(), 300);
}

/// A commit that fails in `collect` (the checkpoint's journal cannot be written for a while)
/// leaves a batch written but not committed; the next round lists it again, and the file
/// must not hold it twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_commit_in_collect_does_not_write_the_batch_twice() {
    let sandbox = sandbox(3000).await;
    let scratch = Scratch::new();
    let output = scratch.path("events.jsonl");
    let journal = scratch.path("events.jsonl.checkpoint.json.journal");
    let mut command = auditkit(Some(&sandbox));
    let from = (Utc::now() - TimeDelta::days(4)).to_rfc3339();
    command
        .args(["collect", "--interval", "1s", "--batch-size", "5", "--from", &from, "-o"])
        .arg(&output)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let child = command.spawn().unwrap();
    let pid = child.id();
    let output_path = output.clone();
    let ran = tokio::task::spawn_blocking(move || {
        let wait_for = |what: &str, done: &dyn Fn() -> bool| {
            let deadline = std::time::Instant::now() + Duration::from_secs(60);
            while !done() {
                assert!(std::time::Instant::now() < deadline, "{what}");
                std::thread::sleep(Duration::from_millis(5));
            }
        };
        let length = || std::fs::metadata(&output_path).map_or(0, |m| m.len());
        wait_for("nothing committed", &|| length() > 0 && journal.exists());
        // The store's journal made immutable: it still reads, but no commit can append to
        // it (nor the next rounds' first saves) until it is writable again.
        let chattr = |flag: &str| {
            let status = Command::new("chattr").arg(flag).arg(&journal).status();
            assert!(
                status.is_ok_and(|status| status.success()),
                "chattr {flag} failed: this test needs chattr (e2fsprogs), root and ext4"
            );
        };
        chattr("+i");
        // Rounds of 1 s: each lists, writes a batch and fails to commit it.
        std::thread::sleep(Duration::from_secs(3));
        chattr("-i");
        wait_for("not every event collected", &|| {
            std::fs::read_to_string(&output_path).map_or(0, |text| text.lines().count()) >= 3000
        });
        std::thread::sleep(Duration::from_millis(1500));
        let killed = Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
        assert!(killed.success());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(ran.status.code(), Some(0), "{}", stderr(&ran));
    assert!(
        stderr(&ran).contains("journal"),
        "the failed commit was not reported: {}",
        stderr(&ran)
    );
    let keys: Vec<String> =
        lines(&output).iter().map(|line| line["key"].as_str().unwrap().to_owned()).collect();
    let unique: std::collections::BTreeSet<_> = keys.iter().collect();
    assert_eq!((keys.len(), unique.len()), (3000, 3000), "every event once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkpoints_lists_shows_and_resets_only_with_yes() {
    let sandbox = sandbox(15).await;
    let scratch = Scratch::new();
    let output = scratch.path("events.jsonl");
    assert!(run(export(&sandbox, &output)).await.status.success());
    let checkpoint = scratch.path("events.jsonl.checkpoint.json");
    let checkpoints = |args: &[&str]| {
        let mut command = auditkit(None);
        command.arg("checkpoints").args(args).arg("--checkpoint").arg(&checkpoint);
        command
    };
    let listed = run(checkpoints(&["list"])).await;
    assert!(String::from_utf8_lossy(&listed.stdout).contains("qualtrics/logins"));
    let shown = run(checkpoints(&["show", "qualtrics/logins"])).await;
    let shown: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert!(shown["annotations"]["output_bytes"].as_u64().unwrap() > 0);
    assert_eq!(run(checkpoints(&["reset", "qualtrics/logins"])).await.status.code(), Some(2));
    assert!(run(checkpoints(&["reset", "qualtrics/logins", "--yes"])).await.status.success());
    let listed = run(checkpoints(&["list"])).await;
    assert!(!String::from_utf8_lossy(&listed.stdout).contains("qualtrics/logins"));
    assert_eq!(run(checkpoints(&["show", "nope/none"])).await.status.code(), Some(2));
}

/// `auditkit sandbox` prints the variables of all four vendors, keeps publishing new events
/// at `--publish-rate` so a client pointed at it sees the count grow, and stops on SIGTERM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_command_publishes_new_events_until_sigterm() {
    use std::io::{BufRead, BufReader};

    let mut command = auditkit(None);
    command
        .args(["sandbox", "--events", "0", "--publish-rate", "200"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (variables, stdout) = tokio::task::spawn_blocking(move || {
        let mut reader = BufReader::new(stdout);
        let mut variables = Vec::new();
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 0 && !line.contains("runs until") {
            if let Some((name, value)) =
                line.trim().strip_prefix("export ").and_then(|l| l.split_once('='))
            {
                variables.push((name.to_owned(), value.to_owned()));
            }
            line.clear();
        }
        (variables, reader)
    })
    .await
    .unwrap();
    for vendor in ["QUALTRICS", "EVERBRIDGE", "ENERGYCAP", "REPORTER"] {
        let name = format!("AUDITKIT_{vendor}_BASE_URL");
        assert!(variables.iter().any(|(key, _)| *key == name), "{name} missing: {variables:?}");
    }
    let value = |name: &str| variables.iter().find(|(key, _)| key == name).unwrap().1.clone();
    let client = auditkit::Client::builder()
        .qualtrics(
            auditkit::qualtrics::Config::new(
                "iad1",
                auditkit::qualtrics::Credentials::api_token(value("AUDITKIT_QUALTRICS_API_TOKEN")),
            )
            .base_url(value("AUDITKIT_QUALTRICS_BASE_URL")),
        )
        .build()
        .unwrap();
    let count = || async {
        let listing = client.qualtrics().list_events::<auditkit::qualtrics::Logins>();
        let since = Utc::now() - TimeDelta::minutes(5);
        let events: Vec<_> =
            futures::TryStreamExt::try_collect(listing.start_date(since).items()).await.unwrap();
        events.len()
    };
    let first = count().await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while count().await <= first {
        assert!(std::time::Instant::now() < deadline, "no new event published");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = tokio::task::spawn_blocking(move || {
        drop(stdout);
        child.wait().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(status.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_refuses_a_file_written_without_it_and_a_key_it_cannot_read() {
    let sandbox = sandbox(10).await;
    let scratch = Scratch::new();
    let output = scratch.path("events.jsonl");
    assert!(run(export(&sandbox, &output)).await.status.success());
    let before = std::fs::read(&output).unwrap();
    let mut command = export(&sandbox, &output);
    command.arg("--archive");
    let ran = run(command).await;
    assert_eq!(ran.status.code(), Some(2), "{}", stderr(&ran));
    assert!(stderr(&ran).contains("written with no --archive"), "{}", stderr(&ran));
    assert_eq!(std::fs::read(&output).unwrap(), before, "the output is untouched");
    // A file no checkpoint describes cannot start a chain in its middle.
    let theirs = scratch.path("theirs.jsonl");
    std::fs::write(&theirs, "{}\n").unwrap();
    let mut command = export(&sandbox, &theirs);
    command.arg("--archive");
    let ran = run(command).await;
    assert_eq!(ran.status.code(), Some(2), "{}", stderr(&ran));
    assert!(stderr(&ran).contains("new output file"), "{}", stderr(&ran));
    // Keys: a file that is not a key, and a variable that is not one.
    std::fs::write(scratch.path("key.pem"), "not a key").unwrap();
    let mut command = export(&sandbox, &scratch.path("new.jsonl"));
    command.arg("--archive").arg("--archive-key").arg(scratch.path("key.pem"));
    let ran = run(command).await;
    assert_eq!(ran.status.code(), Some(2), "{}", stderr(&ran));
    assert!(stderr(&ran).contains("--archive-key"), "{}", stderr(&ran));
    let mut command = export(&sandbox, &scratch.path("new.jsonl"));
    command.arg("--archive").env("AUDITKIT_ARCHIVE_KEY", "bm90IGEga2V5");
    let ran = run(command).await;
    assert_eq!(ran.status.code(), Some(2), "{}", stderr(&ran));
    assert!(stderr(&ran).contains("AUDITKIT_ARCHIVE_KEY"), "{}", stderr(&ran));
    assert!(!scratch.path("new.jsonl").exists(), "nothing ran");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_chains_across_runs_and_verify_exits_5_at_the_changed_line() {
    let sandbox = sandbox(30).await;
    let scratch = Scratch::new();
    let output = scratch.path("events.jsonl");
    let archive = |sandbox: &Sandbox| {
        let mut command = export(sandbox, &output);
        command.args(["--archive", "--batch-size", "7"]);
        command
    };
    assert!(run(archive(&sandbox)).await.status.success());
    seed_recent(&sandbox, 5);
    let ran = run(archive(&sandbox)).await;
    assert!(ran.status.success(), "{}", stderr(&ran));
    let written = lines(&output);
    assert_eq!(written.len(), 35);
    let seqs: Vec<u64> =
        written.iter().map(|line| line["auditkit_chain"]["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=35).collect::<Vec<_>>(), "one chain across both runs");
    let verify = |args: &[&str]| {
        let mut command = auditkit(None);
        command.arg("verify").args(args).arg(&output);
        command
    };
    let ran = run(verify(&[])).await;
    assert!(ran.status.success(), "{}", stderr(&ran));
    assert!(String::from_utf8_lossy(&ran.stdout).contains("verified: 35 lines in 1 files"));

    let text = std::fs::read_to_string(&output).unwrap();
    let changed = text.replacen("\"tenant\":\"default\"", "\"tenant\":\"defaulT\"", 1);
    std::fs::write(&output, changed).unwrap();
    let ran = run(verify(&["-q"])).await;
    assert_eq!(ran.status.code(), Some(5), "{}", stderr(&ran));
    assert!(stderr(&ran).contains("events.jsonl line 1: edited"), "{}", stderr(&ran));
    let ran = run(verify(&["--public-key", "/nonexistent.pem"])).await;
    assert_eq!(ran.status.code(), Some(2), "{}", stderr(&ran));
}
