//! Backfills the Everbridge audit log into a JSON-lines file, month by month, and picks up
//! where it stopped when run again.
//!
//! ```sh
//! cargo run --example everbridge_backfill               # against the built-in sandbox
//! cargo run --example everbridge_backfill -- ./backfill # choose the output folder
//! ```
//!
//! With `AUDITKIT_EVERBRIDGE_USERNAME` and `AUDITKIT_EVERBRIDGE_PASSWORD` (plus
//! `AUDITKIT_EVERBRIDGE_CLIENT_ID` and `AUDITKIT_EVERBRIDGE_CLIENT_SECRET` for OAuth), or
//! `AUDITKIT_EVERBRIDGE_TOKEN`, it reads a real account instead (see
//! `ClientBuilder::from_env`).
//!
//! The range is the last five calendar months up to now: the SDK splits it into months and
//! scrolls each. After every page the example appends the entries to
//! `security.jsonl`, then writes the checkpoint: the page's continuation and the file's
//! length. A crash between the two leaves extra lines, which the next run cuts off before
//! resuming, so the file ends up with every entry exactly once. A scroll that expired
//! while the process was down (Everbridge drops one after 3 minutes) is restarted by the
//! SDK without loss.

use std::{
    fs::{self, OpenOptions},
    io::Write,
    path::{Path, PathBuf},
};

use auditkit::{
    Client, Error,
    everbridge::ReportType,
    pagination::{Continuation, Page},
    testkit::Sandbox,
};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};

/// What the next run needs: where the listing goes on, and how long the output was then.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Checkpoint {
    /// `None` once the backfill is complete.
    continuation: Option<Continuation>,
    file_len: u64,
    done: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("auditkit-everbridge-backfill"));
    // A real account when its variables are set, else the sandbox (kept alive to the end).
    let (client, _sandbox, name) = match Client::from_env() {
        Ok(client) if client.everbridge().is_configured() => (client, None, "account"),
        _ => {
            let sandbox = Sandbox::start().await?;
            (sandbox.client(), Some(sandbox), "sandbox")
        }
    };
    let folder = folder.join(name);
    fs::create_dir_all(&folder)?;
    let (output, checkpoint_path) = (folder.join("security.jsonl"), folder.join("checkpoint.json"));

    let to = Utc::now();
    let from = month_start(to, 5).ok_or("the range start is out of range")?;
    println!("Everbridge ({name}): Security audit log {from} to {to} into {}", output.display());

    let mut checkpoint = load(&checkpoint_path)?;
    if checkpoint.done {
        println!("already complete; delete {} to start over", checkpoint_path.display());
        return Ok(());
    }
    truncate(&output, checkpoint.file_len)?;
    loop {
        let mut log =
            client.everbridge().list_audit_log(ReportType::Security, from, to).prefetch(true);
        if let Some(continuation) = checkpoint.continuation.clone() {
            println!("resuming at {}", serde_json::to_string(&continuation)?);
            log = log.resume(continuation);
        }
        let mut pages = log.pages();
        let outcome = loop {
            match pages.try_next().await {
                Ok(Some(page)) => checkpoint = store(&page, &output, &checkpoint_path)?,
                Ok(None) => break Ok(()),
                Err(error) => break Err(error),
            }
        };
        match outcome {
            Ok(()) => break,
            // The scroll expired on the server: its continuation restarts the month and
            // skips what the file already has.
            Err(Error::Pagination(expired)) if expired.continuation().is_some() => {
                println!("the scroll expired: {expired}");
                checkpoint.continuation = expired.continuation().cloned();
                save(&checkpoint_path, &checkpoint)?;
            }
            Err(error) => return Err(error.into()),
        }
    }
    let lines = fs::read_to_string(&output)?.lines().count();
    println!("done: {lines} entries in {}", output.display());
    Ok(())
}

/// Appends the page's entries, then records the checkpoint after them.
fn store(
    page: &Page<auditkit::everbridge::AuditLogEntry>,
    output: &Path,
    checkpoint_path: &Path,
) -> Result<Checkpoint, Box<dyn std::error::Error>> {
    let mut file = OpenOptions::new().create(true).append(true).open(output)?;
    for entry in page.items() {
        writeln!(file, "{}", serde_json::to_string(entry)?)?;
    }
    file.sync_data()?;
    let checkpoint = Checkpoint {
        continuation: page.continuation().cloned(),
        file_len: file.metadata()?.len(),
        done: page.continuation().is_none(),
    };
    if !page.is_empty() {
        println!("  +{} entries ({} bytes so far)", page.len(), checkpoint.file_len);
    }
    save(checkpoint_path, &checkpoint)?;
    Ok(checkpoint)
}

fn load(path: &Path) -> Result<Checkpoint, Box<dyn std::error::Error>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(serde_json::from_str(&text)?),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Checkpoint::default()),
        Err(error) => Err(error.into()),
    }
}

/// Writes the checkpoint through a temporary file, so a crash never leaves half of one.
fn save(path: &Path, checkpoint: &Checkpoint) -> std::io::Result<()> {
    let temporary = path.with_extension("tmp");
    fs::write(&temporary, serde_json::to_vec_pretty(checkpoint)?)?;
    fs::rename(temporary, path)
}

/// Cuts off lines written after the last checkpoint.
fn truncate(output: &Path, len: u64) -> std::io::Result<()> {
    match OpenOptions::new().write(true).open(output) {
        Ok(file) => file.set_len(len),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
    }
}

/// Midnight UTC on the first day of the month `months` before `at`'s.
fn month_start(at: DateTime<Utc>, months: u32) -> Option<DateTime<Utc>> {
    let first = NaiveDate::from_ymd_opt(at.year(), at.month(), 1)?;
    Some(first.checked_sub_months(Months::new(months))?.and_hms_opt(0, 0, 0)?.and_utc())
}
