//! `export`: audit events to JSON Lines, for a range or continuously, resumable after a
//! crash with nothing lost and nothing written twice.
//!
//! ```sh
//! # Against the built-in sandbox (no account needed):
//! cargo run --example export -- --output events.jsonl
//! # Real accounts: set the AUDITKIT_* variables of `Client::from_env`, then
//! cargo run --example export -- --vendor qualtrics --from 2026-11-01 --to 2026-11-22 -o nov.jsonl
//! cargo run --example export -- --vendor everbridge --format ocsf --gzip --follow -o ocsf.jsonl.gz
//! cargo run --example export -- --help
//! ```
//!
//! How it stays exact: each batch is appended to the output and flushed to disk, then its
//! collector checkpoint is committed with the output's length at that point. A run that
//! starts after a crash cuts the output back to the last committed length and resumes from
//! the checkpoint, so the batch the crash caught is written once, again. With `--gzip`
//! each batch is one gzip member, so the cut always falls between members.
//!
//! One concept per file: the command line and exit codes (`args`), a batch as JSON Lines
//! (`lines`), the output file (`output`), the progress display (`progress`); here, the
//! client, the sources and the loop that writes then commits.

mod args;
mod lines;
mod output;
mod progress;

use std::{path::PathBuf, process::ExitCode, time::Duration};

use auditkit::{
    Client, Error,
    collect::{Collector, FileStore, Source},
    everbridge::ReportType,
    qualtrics::{Logins, PasswordResets, SessionCreations, SessionTerminations},
    testkit::Sandbox,
};
use chrono::Utc;
use clap::Parser;
use futures::{
    StreamExt,
    stream::{self, BoxStream},
};
use serde::Serialize;

pub(crate) use args::Args;
use args::{Failure, Format, VendorArg};
use lines::{Prepared, ocsf};
use output::Output;
use progress::Progress;

fn main() -> ExitCode {
    run(Args::parse())
}

/// The whole tool, for `main` and for the crash tests, which run it in a child process.
pub(crate) fn run(args: Args) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("export: cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(export(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("export: {failure}");
            failure.exit_code()
        }
    }
}

async fn export(args: Args) -> Result<(), Failure> {
    let (client, _sandbox) = client(args.quiet).await?;
    let output_path = args.output.clone().unwrap_or_else(|| {
        PathBuf::from(if args.gzip { "auditkit-export.jsonl.gz" } else { "auditkit-export.jsonl" })
    });
    let checkpoint_path = args.checkpoint.clone().unwrap_or_else(|| {
        let mut name = output_path.file_name().unwrap_or_default().to_os_string();
        name.push(".checkpoint.json");
        output_path.with_file_name(name)
    });
    let store = FileStore::new(&checkpoint_path);
    let mut output = Output::open(&output_path, args.gzip, &store).await?;
    let batches = sources(&client, &args, &store)?;
    let mut progress = Progress::new(args.quiet);
    progress.count_requests();

    let mut written: u64 = 0;
    let mut batches = stream::select_all(batches);
    loop {
        let next = tokio::select! {
            next = batches.next() => next,
            _ = tokio::signal::ctrl_c(), if args.follow => None,
        };
        let Some(next) = next else { break };
        let prepared = match next {
            Ok(prepared) => prepared,
            // Following, a failed collection is retried at the next interval: say so and go on.
            Err(error) if args.follow && !matches!(error, Error::Checkpoint(_)) => {
                progress.println(&format!("export: will try again: {error}"));
                continue;
            }
            Err(error) => return Err(error.into()),
        };
        let length = output.append(&prepared.lines).map_err(|error| {
            Failure::Output(format!("cannot write {}: {error}", output_path.display()))
        })?;
        written = written.saturating_add(1);
        if args.abort_after_write == Some(written) {
            std::process::abort();
        }
        (prepared.commit)(length).await?;
        progress.batch(&prepared.source, prepared.events, prepared.undecodable);
    }
    progress.finish(&output_path);
    Ok(())
}

/// The client from `AUDITKIT_*` variables, or one on a seeded sandbox when none is set.
async fn client(quiet: bool) -> Result<(Client, Option<Sandbox>), Failure> {
    if std::env::vars().any(|(name, _)| name.starts_with("AUDITKIT_")) {
        return Ok((Client::from_env()?, None));
    }
    let sandbox = Sandbox::start()
        .await
        .map_err(|error| Failure::Output(format!("cannot start the sandbox: {error}")))?;
    let now = Utc::now();
    let days_ago = |days| now - chrono::Duration::days(days);
    for activity in ["logins", "session_terminations", "password_resets"] {
        sandbox.qualtrics().seed_events(activity, 200, days_ago(3), days_ago(1));
    }
    sandbox.everbridge().seed_entries(ReportType::Security, 300, days_ago(3), days_ago(1));
    if !quiet {
        eprintln!("export: no AUDITKIT_* credentials set: exporting from the built-in sandbox");
    }
    Ok((sandbox.client(), Some(sandbox)))
}

/// One stream of prepared batches per source of the selected vendors.
fn sources(
    client: &Client,
    args: &Args,
    store: &FileStore,
) -> Result<Vec<BoxStream<'static, Result<Prepared, Error>>>, Failure> {
    let configured = [
        (VendorArg::Qualtrics, client.qualtrics().is_configured()),
        (VendorArg::Everbridge, client.everbridge().is_configured()),
        (VendorArg::Energycap, client.energycap().is_configured()),
        (VendorArg::Reporter, client.reporter().is_configured()),
    ];
    let vendors: Vec<VendorArg> = if args.vendors.is_empty() {
        configured.iter().filter(|(_, on)| *on).map(|(vendor, _)| *vendor).collect()
    } else {
        args.vendors.clone()
    };
    let ocsf = args.format == Format::Ocsf;
    let mut streams = Vec::new();
    for vendor in vendors {
        match vendor {
            VendorArg::Qualtrics => {
                let q = client.qualtrics();
                streams.push(batches(args, store, q.event_source::<Logins>(), ocsf::qualtrics));
                let created = q.event_source::<SessionCreations>();
                streams.push(batches(args, store, created, ocsf::qualtrics));
                let ended = q.event_source::<SessionTerminations>();
                streams.push(batches(args, store, ended, ocsf::qualtrics));
                let resets = q.event_source::<PasswordResets>();
                streams.push(batches(args, store, resets, ocsf::qualtrics));
            }
            VendorArg::Everbridge => {
                for report_type in [ReportType::Security, ReportType::Contact] {
                    let source = client.everbridge().audit_log_source(report_type);
                    streams.push(batches(args, store, source, ocsf::audit_log_entry));
                }
            }
            VendorArg::Energycap | VendorArg::Reporter if ocsf => {
                return Err(Failure::Usage(format!(
                    "--format ocsf maps Qualtrics and Everbridge events only; export {vendor:?} \
                     with --format raw"
                )));
            }
            VendorArg::Energycap => {
                let source = client.energycap().distribution_log_source();
                streams.push(batches(args, store, source, ocsf::none));
            }
            VendorArg::Reporter => {
                let source = client.reporter().report_source();
                streams.push(batches(args, store, source, ocsf::none));
            }
        }
    }
    if streams.is_empty() {
        return Err(Failure::Usage("no vendor selected or configured: see --help".into()));
    }
    Ok(streams)
}

/// A source's batches, each turned into its JSON Lines and a way to commit it.
fn batches<S>(
    args: &Args,
    store: &FileStore,
    source: S,
    to_ocsf: fn(&S::Event) -> Option<serde_json::Result<serde_json::Value>>,
) -> BoxStream<'static, Result<Prepared, Error>>
where
    S: Source,
    S::Event: Serialize,
{
    let id = source.id();
    let mut collector = Collector::new(source)
        .store(store.clone())
        .batch_size(usize::try_from(args.batch_size).unwrap_or(usize::MAX));
    if let Some(from) = args.from {
        collector = collector.start_at(from);
    }
    if let Some(to) = args.to {
        collector = collector.until(to);
    }
    let format = args.format;
    let batches = if args.follow {
        collector.follow(Duration::from_secs(args.interval))
    } else {
        collector.run()
    };
    batches.map(move |batch| batch.map(|batch| Prepared::new(&id, batch, format, to_ocsf))).boxed()
}
