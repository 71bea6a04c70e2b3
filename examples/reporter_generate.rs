//! Check that Lerian Reporter is ready, upload a template, generate a report from it with
//! filters checked against the data sources, wait for it with a progress line, and save
//! the file.
//!
//! ```sh
//! cargo run --example reporter_generate       # against the built-in sandbox: no account
//! ```
//!
//! Against a real deployment, set the variables `Client::from_env()` reads and the template
//! to use (edit the filters below to fields of your datasources; without a template id the
//! example uploads one):
//!
//! ```sh
//! AUDITKIT_REPORTER_BASE_URL=https://reporter.example.com/manager \
//! AUDITKIT_REPORTER_TOKEN=… \
//! AUDITKIT_REPORTER_TEMPLATE_ID=0196159b-4f26-7300-b3d9-f4f68a7c85f3 \
//! cargo run --example reporter_generate
//! ```
//!
//! Optional: `AUDITKIT_REPORTER_IDEMPOTENCY_KEY` (run again with the same key and the
//! report is not made twice: the server replays the first one) and
//! `AUDITKIT_REPORTER_OUTPUT_DIR` (default: the system's temporary directory).

use std::{path::PathBuf, time::Duration};

use auditkit::{
    Client, Error, IdempotencyKey,
    reporter::{Filter, OutputFormat, RateTier, Report, TemplateFile},
    testkit::Sandbox,
};
use chrono::{Datelike, Utc};
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The sandbox lives as long as `_sandbox`; a real deployment needs none.
    let (client, template_id, _sandbox) = match std::env::var("AUDITKIT_REPORTER_BASE_URL") {
        Ok(url) => {
            println!("Lerian Reporter at {url}");
            (Client::from_env()?, std::env::var("AUDITKIT_REPORTER_TEMPLATE_ID").ok(), None)
        }
        Err(_) => {
            let sandbox = Sandbox::start().await?;
            println!("Lerian Reporter sandbox at {}", sandbox.reporter_url());
            (sandbox.client(), None, Some(sandbox))
        }
    };

    let version = client.reporter().version().send().await?;
    let readiness = client.reporter().health().send().await?;
    println!("Reporter {} is {}", version.version, readiness.status);
    for (dependency, why) in readiness.down() {
        eprintln!("  {dependency} is down: {}", why.unwrap_or("no reason given"));
    }

    let template_id = match template_id {
        Some(id) => id,
        None => {
            let file = TemplateFile::bytes(
                "active_accounts.tpl",
                "account_id,status\n{% for a in midaz_onboarding.account %}{{ a.id }},{{ a.status }}\n{% endfor %}\n",
            );
            let upload =
                client.reporter().create_template(file, OutputFormat::Csv, "Active accounts");
            let template = upload.send().await?.value;
            println!("uploaded template {}", template.id);
            template.id
        }
    };

    // Active accounts created this month.
    let today = Utc::now().date_naive();
    let month_start = today.with_day(1).unwrap_or(today);
    let mut generate = client
        .reporter()
        .generate_report(&template_id)
        .filter(Filter::field("midaz_onboarding", "account", "status").eq(["active"]))
        .filter(
            Filter::field("midaz_onboarding", "account", "created_at").between(month_start, today),
        )
        // Refuse a misspelled table or field before the request spends its key.
        .check_names();
    if let Ok(key) = std::env::var("AUDITKIT_REPORTER_IDEMPOTENCY_KEY") {
        generate = generate.idempotency_key(IdempotencyKey::new(key)?);
    }
    let created = generate.send().await?;
    println!(
        "report {} ({}) with idempotency key {}",
        created.value.id,
        if created.replayed { "asked for earlier: replayed" } else { "new" },
        created.key
    );

    let report = wait_with_progress(&client, &created.value.id).await?;

    let download = client.reporter().download_report(&report.id).send().await?;
    let name = download.filename().map_or_else(|| format!("{}.bin", report.id), str::to_owned);
    let directory = std::env::var_os("AUDITKIT_REPORTER_OUTPUT_DIR")
        .map_or_else(std::env::temp_dir, PathBuf::from);
    let path = directory.join(name);
    let content_type = download.content_type().unwrap_or("unknown type").to_owned();
    let written = download.write_to_path(&path).await?;
    println!("saved {written} bytes of {content_type} to {}", path.display());
    if let Some(reads) = client.reporter().rate_limit(RateTier::Reads) {
        println!("{} of {} reads left in Reporter's window", reads.remaining(), reads.limit());
    }
    Ok(())
}

/// Polls the report until it is finished, printing one line per poll.
async fn wait_with_progress(
    client: &Client,
    id: &str,
) -> Result<Report, Box<dyn std::error::Error>> {
    let started = std::time::Instant::now();
    let mut polls = client
        .reporter()
        .wait_for_report(id)
        .poll_interval(Duration::from_millis(500))
        .max_wait(Duration::from_secs(600))
        .statuses();
    let mut last = None;
    loop {
        match polls.try_next().await {
            Ok(Some(report)) => {
                let status = report.status.as_ref().map_or("(no status)", |s| s.as_str());
                println!("  {:>8.1?}  {status}", started.elapsed());
                last = Some(report);
            }
            Ok(None) => break,
            Err(Error::JobFailed(failed)) => {
                let report = failed.status::<Report>().map_or("?", |r| r.id.as_str());
                eprintln!(
                    "  report {report} failed: {}",
                    failed.message().unwrap_or("no reason given")
                );
                return Err(Error::JobFailed(failed).into());
            }
            Err(other) => return Err(other.into()),
        }
    }
    // The stream ends after the finished report; an empty one would be a bug.
    Ok(last.ok_or("the wait ended without a status")?)
}
