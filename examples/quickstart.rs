//! A tour of auditkit against the built-in sandbox: no account, no network.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! To run the same calls against the real APIs, build the client with
//! `auditkit::Client::from_env()` (or `Client::builder()`) instead of `sandbox.client()`.

use std::time::Duration;

use auditkit::{
    Client, Error,
    collect::{Collector, MemoryStore},
    energycap::{self, DistributionStatus},
    everbridge, qualtrics, reporter,
    testkit::{Fault, ReporterSandbox, Sandbox},
};
use chrono::{Datelike, TimeZone, Utc};
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().energycap_polls_to_complete(3).start().await?;
    println!(
        "auditkit quickstart: a sandbox of the vendor APIs is listening on {}\n",
        sandbox.url()
    );
    let client = sandbox.client();

    energycap_tour(&client).await?;
    qualtrics_tour(&client).await?;
    reporter_tour(&client).await?;
    everbridge_tour(&sandbox, &client).await?;
    collect_tour(&sandbox, &client).await?;
    resilience_tour(&sandbox, &client).await?;
    errors_tour(&sandbox).await?;

    println!("\nDone: {} requests reached the sandbox.", sandbox.requests().len());
    Ok(())
}

async fn energycap_tour(client: &Client) -> Result<(), Error> {
    println!("== EnergyCAP: report distribution logs");
    let logs =
        client.energycap().list_report_distribution_logs().include_in_progress(true).send().await?;
    println!("{} logs (in-progress runs included):", logs.len());
    for log in &logs {
        let distribution = log.report_distribution.as_ref();
        println!(
            "  log {:>4}  {:<24} {:<22} began {}",
            log.report_distribution_log_id,
            distribution.and_then(|d| d.report_distribution_name.as_deref()).unwrap_or("?"),
            log.status.as_ref().map_or("?", DistributionStatus::as_str),
            log.begin_date.map_or_else(|| "?".to_owned(), |d| d.to_rfc3339()),
        );
    }

    if let Some(with_errors) =
        logs.iter().find(|log| log.status == Some(DistributionStatus::SomeReportsNotSent))
    {
        let detail = client
            .energycap()
            .get_report_distribution_log(with_errors.report_distribution_log_id)
            .send()
            .await?;
        println!(
            "detail of log {}: errors = {:?}",
            detail.log.report_distribution_log_id, detail.errors
        );
    }

    // The id to run, found by EnergyCAP's own filter syntax.
    let monthly = client
        .energycap()
        .list_report_distributions()
        .filter("reportDistributionName contains 'Monthly'")
        .send()
        .await?;
    let id = monthly.first().and_then(|d| d.report_distribution_id).unwrap_or(1);
    println!("\nRunning distribution {id} (found by name) and waiting for it:");
    let run = client.energycap().run_report_distribution(id).send().await?;
    println!("  started log {} ({:?})", run.report_distribution_log_id, run.status);
    let mut polls = client
        .energycap()
        .wait_for_distribution(run.report_distribution_log_id)
        .poll_interval(Duration::from_millis(100))
        .max_wait(Duration::from_secs(30))
        .statuses();
    while let Some(detail) = polls.try_next().await? {
        println!("  poll: {:?}", detail.log.status);
    }
    Ok(())
}

async fn qualtrics_tour(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    println!("\n== Qualtrics: audit events by activity type");
    let kinds = client.qualtrics().list_activity_types().send().await?;
    let names: Vec<&str> = kinds.iter().map(|kind| kind.name.as_str()).collect();
    println!("activity types: {}", names.join(", "));

    let (start, end) = (Utc::now() - chrono::Duration::days(30), Utc::now());
    println!("\nLogins of the last 30 days, 5 per page, streamed page by page:");
    let mut pages = client
        .qualtrics()
        .list_events::<qualtrics::Logins>()
        .start_date(start)
        .end_date(end)
        .page_size(5)
        .max_pages(2)
        .pages();
    let mut checkpoint = None;
    while let Some(page) = pages.try_next().await? {
        println!("  page {} ({} events):", page.number(), page.len());
        for event in page.items() {
            let login = &event.descriptor;
            println!(
                "    {} {:<28} {:<10} from {}",
                event.timestamp.map_or_else(|| "?".to_owned(), |t| t.to_rfc3339()),
                login.username.as_deref().unwrap_or("?"),
                if login.is_successful == Some(true) { "ok" } else { "FAILED" },
                login.location.as_ref().and_then(|l| l.city.as_deref()).unwrap_or("?"),
            );
        }
        checkpoint = page.continuation().cloned();
    }
    if let Some(checkpoint) = checkpoint {
        let saved = serde_json::to_string(&checkpoint)?;
        println!("  stopped after max_pages(2); checkpoint to resume from: {saved}");
        let rest: Vec<_> = client
            .qualtrics()
            .list_events::<qualtrics::Logins>()
            .start_date(start)
            .end_date(end)
            .page_size(5)
            .resume(serde_json::from_str(&saved)?)
            .items()
            .try_collect()
            .await?;
        println!("  resumed from the checkpoint: {} more logins", rest.len());
    }

    let resets: Vec<_> = client
        .qualtrics()
        .list_events::<qualtrics::PasswordResets>()
        .start_date(start)
        .end_date(end)
        .items()
        .try_collect()
        .await?;
    let first_reason = resets.first().and_then(|event| event.descriptor.reason.as_deref());
    println!(
        "\n{} password resets; the first's reason: {}",
        resets.len(),
        first_reason.unwrap_or("?")
    );
    let brands: Vec<_> = client
        .qualtrics()
        .list_events_raw("brands")
        .start_date(start)
        .end_date(end)
        .items()
        .try_collect()
        .await?;
    println!(
        "{} `brands` events, descriptors as JSON: {}",
        brands.len(),
        brands.first().map_or_else(String::new, |e| e.descriptor.to_string())
    );

    // Qualtrics' path for large pulls: an export per event name, waited for (polls 2 s
    // apart: the endpoint allows 30 a minute), its file read as it streams.
    let q = client.qualtrics();
    println!(
        "
Bulk audit exports, exportable: {}",
        q.list_audit_event_names().send().await?.join(", ")
    );
    let export = q.create_audit_export("logins", start, end).send_and_wait().await?;
    let exported: Vec<qualtrics::Event<qualtrics::Logins>> =
        q.download_audit_export(&export).events().try_collect().await?;
    println!(
        "  export {} is {}: {} logins read from its file, one at a time \
         (`export_source` collects through exports the same way)",
        export.id.as_deref().unwrap_or("?"),
        export.status.as_deref().unwrap_or("?"),
        exported.len()
    );
    Ok(())
}

async fn reporter_tour(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    println!("\n== Lerian Reporter: templates, generate, replay, wait, download");
    let templates: Vec<reporter::Template> =
        client.reporter().list_templates().items().try_collect().await?;
    let described: Vec<&str> =
        templates.iter().filter_map(|template| template.description.as_deref()).collect();
    println!("  {} templates: {}", templates.len(), described.join(", "));
    let key = auditkit::IdempotencyKey::new("quickstart-balances")?;
    let generate = || {
        client
            .reporter()
            .generate_report(ReporterSandbox::CSV_TEMPLATE)
            .filter(
                reporter::Filter::field("midaz_onboarding", "account", "id").is_in(["A-1", "A-2"]),
            )
            .idempotency_key(key.clone())
    };
    let created = generate().send().await?;
    println!("  report {} is {:?} (key {})", created.value.id, created.value.status, created.key);
    let again = generate().send().await?;
    println!("  the same key again: report {}, replayed = {}", again.value.id, again.replayed);

    let mut polls = client
        .reporter()
        .wait_for_report(&created.value.id)
        .poll_interval(Duration::from_millis(100))
        .statuses();
    let mut finished = None;
    while let Some(report) = polls.try_next().await? {
        println!("  poll: {:?}", report.status);
        finished = Some(report);
    }
    let Some(report) = finished else { return Ok(()) };

    let download = client.reporter().download_report(&report.id).send().await?;
    let name = download.filename().unwrap_or("report.csv").to_owned();
    let path = std::env::temp_dir().join(&name);
    let written = download.write_to_path(&path).await?;
    println!("  downloaded {name}: {written} bytes saved to {}", path.display());
    Ok(())
}

async fn everbridge_tour(
    sandbox: &Sandbox,
    client: &Client,
) -> Result<(), Box<dyn std::error::Error>> {
    println!("\n== Everbridge: the audit log, any range, month by month");
    // Everbridge serves the past 6 months, one calendar month per request: the SDK splits
    // the range and scrolls each month. The sandbox's fourth month back is empty.
    let to = Utc::now();
    let from = to - chrono::Duration::days(150);
    let entries: Vec<everbridge::AuditLogEntry> = client
        .everbridge()
        .list_audit_log(everbridge::ReportType::Security, from, to)
        .items()
        .try_collect()
        .await?;
    println!("{} Security entries in the last 150 days; the latest:", entries.len());
    if let Some(entry) = entries.last() {
        println!(
            "  {} {:<16} {:<8} {} from {}",
            entry.event_time.map_or_else(|| "?".to_owned(), |t| t.to_rfc3339()),
            entry.user_name.as_deref().unwrap_or("?"),
            entry.operation_type.as_deref().unwrap_or("?"),
            entry.entity_info.as_deref().unwrap_or("?"),
            entry.ip_address.as_deref().unwrap_or("?"),
        );
    }

    let month_start =
        Utc.with_ymd_and_hms(to.year(), to.month(), 1, 0, 0, 0).single().unwrap_or(to);
    let page = client
        .everbridge()
        .list_audit_log(everbridge::ReportType::Contact, month_start, to)
        .page_query(1)
        .send()
        .await?;
    println!(
        "pageQuery page 1 of this month's Contact log: {} of {:?} entries",
        page.data.len(),
        page.total_count
    );

    sandbox.everbridge().set_logging_policy(false);
    if let Err(error) = client
        .everbridge()
        .list_audit_log(everbridge::ReportType::Security, from, to)
        .items()
        .try_next()
        .await
    {
        println!(
            "an account without the logging policy: {:?}",
            everbridge::BusinessErrorKind::of(&error)
        );
        println!("  {error}");
    }
    sandbox.everbridge().set_logging_policy(true);

    // A service account (the client-credentials grant), paced to the organisation's rate
    // tier; the gateway timing out on whole months makes the SDK read them in halves.
    let service = everbridge::Credentials::client_credentials(
        sandbox.everbridge_service_client_id(),
        sandbox.everbridge_service_client_secret(),
    );
    let config = everbridge::Config::new(everbridge::Region::Us, service)
        .base_url(sandbox.everbridge_url())
        .rate_tier(everbridge::RateTier::bronze());
    // Two attempts before a month is split, to keep the tour short (the default is four).
    let retry = auditkit::RetryPolicy::default().max_attempts(2);
    let service_client = Client::builder().everbridge(config).retry(retry).build()?;
    sandbox.everbridge().set_gateway_timeout_over(Some(Duration::from_secs(20 * 86_400)));
    let read = service_client
        .everbridge()
        .list_audit_log(everbridge::ReportType::Security, from, to)
        .items()
        .try_collect::<Vec<_>>()
        .await?;
    sandbox.everbridge().set_gateway_timeout_over(None);
    println!(
        "a service account read the same {} entries; month queries timed out {} times at the \
         gateway, and the months were read in halves; {:?} requests left in today's quota",
        read.len(),
        sandbox.everbridge().gateway_timeouts(),
        service_client.everbridge().daily_quota().map(|quota| quota.left()),
    );
    Ok(())
}

async fn collect_tour(sandbox: &Sandbox, client: &Client) -> Result<(), Error> {
    println!("\n== Collect: what is new since the last run, each event once");
    let collector = Collector::new(client.qualtrics().event_source::<qualtrics::Logins>())
        .store(MemoryStore::new())
        .start_at(Utc::now() - chrono::Duration::days(30));
    for run in 1..=2 {
        if run == 2 {
            // One login arrives late: its time is an hour ago, a window already collected.
            let an_hour_ago = Utc::now() - chrono::Duration::hours(1);
            sandbox.qualtrics().add_event(
                "logins",
                serde_json::json!({ "timestamp": an_hour_ago.to_rfc3339(), "descriptor": { "username": "late@example.com" } }),
            );
        }
        let (mut events, mut batches) = (0, collector.run());
        while let Some(batch) = batches.try_next().await? {
            events += batch.events().len();
            batch.commit().await?; // after the sink has the batch
        }
        println!("  run {run}: {events} new login{}", if events == 1 { "" } else { "s" });
    }
    println!("  (the second run re-read the last hour and delivered only the late login)");
    Ok(())
}

async fn resilience_tour(sandbox: &Sandbox, client: &Client) -> Result<(), Error> {
    println!("\n== Retries: the sandbox answers 503 twice, then 429 with Retry-After: 1");
    sandbox.inject(Fault::status(503).times(2));
    sandbox.inject(Fault::status(429).retry_after("1"));
    let before = sandbox.requests().len();
    let started = std::time::Instant::now();
    let logs = client.energycap().list_report_distribution_logs().send().await?;
    println!(
        "  got {} logs after {} requests in {:.1?} (backoff, then the server's Retry-After)",
        logs.len(),
        sandbox.requests().len() - before,
        started.elapsed()
    );
    Ok(())
}

async fn errors_tour(sandbox: &Sandbox) -> Result<(), Error> {
    println!("\n== Errors say who, what, and what to do next");
    let wrong_key = Client::builder()
        .energycap(
            energycap::Config::new(
                energycap::Host::UsEast,
                energycap::Credentials::api_key("not-the-key"),
            )
            .base_url(sandbox.energycap_url()),
        )
        .build()?;
    if let Err(error) = wrong_key.energycap().list_report_distribution_logs().send().await {
        println!("  {error}");
    }
    let insecure = Client::builder()
        .energycap(
            energycap::Config::new(energycap::Host::UsEast, energycap::Credentials::api_key("key"))
                .base_url("http://energycap.example.com"),
        )
        .build();
    if let Err(error) = insecure {
        println!("  {error}");
    }
    let unconfigured = Client::builder().build()?;
    if let Err(error) = unconfigured.qualtrics().list_activity_types().send().await {
        println!("  {error}");
    }
    if let Err(error) =
        sandbox.client().qualtrics().list_events_raw("logins").page_size(0).send().await
    {
        println!("  {error}");
    }
    Ok(())
}
