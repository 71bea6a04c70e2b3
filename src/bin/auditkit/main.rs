//! `auditkit`: the command users deploy. `collect` runs continuously, `export` a range
//! once, `checkpoints` lists, shows and resets them, `sandbox` serves the simulator for
//! trials. Many sources from one TOML config, or one tenant from flags and `AUDITKIT_*`
//! variables; sinks: a file (exactly once), stdout or HTTP (at least once, stable keys).
//!
//! One concept per file: the command line (`args`), exit codes (`failure`), durations
//! (`durations`), the config file (`config`) and its credentials (`credentials`), a job
//! and its sources (`job`), a batch as lines (`lines`), the sinks (`sinks`), locks
//! (`lock`), the loop (`pipeline`), progress and logs (`progress`, `logging`), replicas
//! over PostgreSQL (`store`, `replicas`, `sharing`, `leased_job`), and the other subcommands
//! (`checkpoints`, `sandbox`, `verify`); here, dispatch and the one-tenant jobs.

mod args;
mod checkpoints;
mod config;
mod credentials;
mod durations;
mod failure;
mod job;
#[cfg(feature = "postgres")]
mod leased_job;
mod lines;
mod lock;
mod logging;
mod metrics;
mod pipeline;
mod progress;
mod progress_display;
#[cfg(feature = "postgres")]
mod replicas;
mod sandbox;
mod server_clock;
#[cfg(feature = "postgres")]
mod sharing;
mod sinks;
mod store;
mod verify;

use std::{
    io::IsTerminal,
    path::PathBuf,
    process::ExitCode,
    sync::{Arc, atomic::AtomicU64},
    time::Duration,
};

use auditkit::{Client, collect::Turns, testkit::Sandbox};
use clap::Parser;
use tokio::sync::watch;

use args::{Cli, Command, Format, Run, VendorArg, Via};
use failure::Failure;
use job::{Job, Mode, Stream};
use progress::{Progress, thousands};
use sinks::{ArchiveSpec, HttpSpec, SinkSpec};

/// How many sources list at once unless `--sources-at-once` or the config says.
const SOURCES_AT_ONCE: usize = 4;

/// The runtime's blocking threads at most (see `main`).
const BLOCKING_THREADS: usize = 4;

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(&cli);
    // Checkpoint saves run on blocking threads, all waiting on one file lock: with tokio's
    // default of up to 512, 100 sources grew 100 threads, each with stack and a share of
    // the allocator's arenas (peak RSS 547 against 425 MiB with 4). No blocking task waits
    // on another (the lock's holder only reads, writes and flushes), so a few never
    // deadlock: the others queue, and saves are serialized by the lock anyway.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(BLOCKING_THREADS)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("auditkit: cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("auditkit: {failure}");
            failure.exit_code()
        }
    }
}

async fn dispatch(cli: Cli) -> Result<(), Failure> {
    let quiet = cli.quiet > 0;
    match cli.command {
        Command::Collect(run) => collect(run, Mode::Follow, quiet).await,
        Command::Export(run) => collect(run, Mode::Once, quiet).await,
        Command::Checkpoints(args) => checkpoints::run(args).await,
        Command::Sandbox(args) => sandbox::serve(args, shutdown_signal()?).await,
        Command::Verify(args) => verify::run(&args, quiet),
    }
}

async fn collect(run: Run, mode: Mode, quiet: bool) -> Result<(), Failure> {
    let shutdown = shutdown_signal()?;
    let store = store::spec(&run.store, run.config.as_deref())?;
    let (mut jobs, _sandbox, metrics_address, sources_at_once) = match &run.config {
        Some(path) => {
            let jobs = config::load(path, run.from, run.to)?;
            let address = match run.metrics {
                Some(address) => Some(address),
                None => config::metrics_address(path)?,
            };
            let at_once = run.sources_at_once.or(config::top(path)?.sources_at_once);
            (jobs, None, address, at_once)
        }
        None => {
            let (jobs, sandbox) = one_tenant(&run).await?;
            (jobs, sandbox, run.metrics, run.sources_at_once)
        }
    };
    if store.is_some() && mode == Mode::Once {
        return Err(Failure::Usage(
            "--store shares sources between replicas of `collect`; `export` runs alone, with \
             checkpoint files"
                .into(),
        ));
    }
    // Memory grows with the sources listing at once, not with the sources configured.
    let turns = Turns::new(sources_at_once.map_or(SOURCES_AT_ONCE, usize::from));
    let sources: usize = jobs.iter().map(|job| job.streams.len()).sum();
    tracing::info!("{sources} sources, at most {} listing at a time", turns.at_once());
    for job in &mut jobs {
        job.turns = Some(turns.clone());
    }
    let replica = match &store {
        Some(_) => {
            let name = store::replica_name(run.replica.as_deref())?;
            store::per_replica(&mut jobs, &name);
            Some(name)
        }
        None => None,
    };
    let progress = Arc::new(Progress::default());
    let endpoint = match metrics_address {
        Some(address) => {
            let metrics = metrics::Metrics::new(Arc::clone(&progress), &jobs);
            Some(metrics::serve(address, metrics, shutdown.clone()).await?)
        }
        None => None,
    };
    let display = (!quiet).then(|| {
        let terminal = std::io::stderr().is_terminal();
        let every =
            run.progress_interval.unwrap_or(Duration::from_secs(if terminal { 1 } else { 30 }));
        progress_display::spawn(Arc::clone(&progress), terminal, every)
    });
    server_clock::probe(jobs.iter().flat_map(Job::clients_by_vendor)).await;
    let shared = Arc::new(pipeline::Shared {
        mode,
        shutdown,
        progress: Arc::clone(&progress),
        abort_after_write: run.abort_after_write,
        written: AtomicU64::new(0),
    });
    let outcome = match (store, replica) {
        #[cfg(feature = "postgres")]
        (Some(store), Some(name)) => {
            // Ids of a config carry their tenant; the command line's do not.
            let tenant = if run.config.is_some() { "default" } else { run.tenant.as_str() };
            let fleet = replicas::Fleet { store: store.open(tenant)?, name, lease: run.lease };
            replicas::run(jobs, shared, fleet).await
        }
        #[cfg(not(feature = "postgres"))]
        (Some(_), _) => Err(store::unavailable()),
        _ => pipeline::run(jobs, shared).await,
    };
    if let Some(display) = display {
        display.abort();
        progress_display::finish();
    }
    if let Some(endpoint) = endpoint {
        endpoint.abort();
    }
    if !quiet {
        for line in progress.lines() {
            eprintln!("auditkit: {line}");
        }
        let totals = progress.totals();
        let repeated = match totals.possibly_repeated {
            0 => String::new(),
            n => format!(
                "; {} possibly delivered twice after a clock rewind (same keys as before)",
                thousands(n)
            ),
        };
        eprintln!(
            "auditkit: {} events ({} undecodable, kept as such) in {} batches; {} sources failing{repeated}",
            thousands(totals.events),
            totals.undecodable,
            totals.batches,
            totals.failed,
        );
    }
    outcome
}

/// A receiver that turns true on SIGTERM or Ctrl-C (SIGINT).
fn shutdown_signal() -> Result<watch::Receiver<bool>, Failure> {
    let (sender, receiver) = watch::channel(false);
    #[cfg(unix)]
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .map_err(|error| Failure::Io(format!("cannot listen for SIGTERM: {error}")))?;
    tokio::spawn(async move {
        #[cfg(unix)]
        let terminated = terminate.recv();
        #[cfg(not(unix))]
        let terminated = std::future::pending::<Option<()>>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminated => {}
        }
        tracing::info!("stopping: finishing the batch in hand");
        let _ = sender.send(true);
    });
    Ok(receiver)
}

/// The one-tenant job of flags and `AUDITKIT_*` variables (or `--sandbox`).
async fn one_tenant(run: &Run) -> Result<(Vec<Job>, Option<Sandbox>), Failure> {
    let (client, sandbox) = if run.sandbox {
        let sandbox = sandbox::seeded(200).await?;
        tracing::warn!(
            "--sandbox: collecting the built-in sandbox's sample events, not a real account"
        );
        (sandbox.client(), Some(sandbox))
    } else {
        let client = Client::from_env().map_err(|error| {
            Failure::Usage(format!(
                "{error}. No credentials: set the AUDITKIT_* variables (see --help), give \
                 --config, or try it with --sandbox"
            ))
        })?;
        (client, None)
    };
    let configured = [
        (VendorArg::Qualtrics, client.qualtrics().is_configured()),
        (VendorArg::Everbridge, client.everbridge().is_configured()),
        (VendorArg::Energycap, client.energycap().is_configured()),
        (VendorArg::Reporter, client.reporter().is_configured()),
    ];
    let vendors: Vec<VendorArg> = if run.vendors.is_empty() {
        configured.iter().filter(|(_, on)| *on).map(|(vendor, _)| *vendor).collect()
    } else {
        for vendor in &run.vendors {
            if configured.iter().any(|(v, on)| v == vendor && !on) {
                return Err(Failure::Usage(format!(
                    "--vendor {} is not configured: set its AUDITKIT_{}_* variables (see --help)",
                    vendor.name(),
                    vendor.name().to_uppercase()
                )));
            }
        }
        run.vendors.clone()
    };
    let mut streams = Vec::new();
    for vendor in vendors {
        let all = Stream::all(vendor);
        if run.format == Format::Ocsf && !all.iter().any(|stream| stream.has_ocsf()) {
            return Err(Failure::Usage(format!(
                "--format ocsf maps Qualtrics and Everbridge events only; export {} with --format raw",
                vendor.name()
            )));
        }
        let ocsf = run.format == Format::Ocsf;
        streams.extend(
            all.iter().filter(|stream| !ocsf || stream.has_ocsf()).map(|stream| (vendor, *stream)),
        );
    }
    if streams.is_empty() {
        return Err(Failure::Usage("no vendor selected or configured: see --help".into()));
    }
    if run.via == Via::Exports && !streams.iter().any(|(vendor, _)| *vendor == VendorArg::Qualtrics)
    {
        return Err(Failure::Usage(
            "--via exports reads Qualtrics through bulk exports, and no Qualtrics stream is \
             selected: add --vendor qualtrics, or leave --via out"
                .into(),
        ));
    }
    let sink = sink_of(run)?;
    let checkpoint = run.checkpoint.clone().unwrap_or_else(|| default_checkpoint(&sink));
    let job = Job {
        name: "the command line".into(),
        tenant: run.tenant.clone(),
        tenant_in_ids: false,
        client,
        streams,
        lookback: run.lookback,
        lag: run.lag,
        overlap: run.overlap,
        interval: run.interval,
        from: run.from,
        to: run.to,
        format: run.format,
        batch_size: usize::try_from(run.batch_size).unwrap_or(usize::MAX),
        sink,
        checkpoint,
        via: run.via,
        turns: None,
    };
    Ok((vec![job], sandbox))
}

fn sink_of(run: &Run) -> Result<SinkSpec, Failure> {
    if let Some(url) = &run.http {
        let token = std::env::var("AUDITKIT_SINK_TOKEN").ok().filter(|token| !token.is_empty());
        return Ok(SinkSpec::Http(HttpSpec {
            url: url.clone(),
            preset: run.http_preset,
            token,
            attempts: run.http_attempts,
            backoff: Duration::from_millis(250),
            max_retry_after: run.http_max_retry_after,
        }));
    }
    let path = run.output.clone().unwrap_or_else(|| {
        PathBuf::from(if run.gzip { "auditkit-export.jsonl.gz" } else { "auditkit-export.jsonl" })
    });
    if path.as_os_str() == "-" {
        if run.gzip {
            return Err(Failure::Usage(
                "--gzip writes files only: pipe stdout through gzip".into(),
            ));
        }
        return Ok(SinkSpec::Stdout);
    }
    Ok(SinkSpec::File {
        path,
        gzip: run.gzip,
        rotate_size: run.rotate_size,
        rotate_every: run.rotate_every,
        archive: archive_of(run)?,
    })
}

/// `--archive`, with its key from --archive-key or AUDITKIT_ARCHIVE_KEY.
fn archive_of(run: &Run) -> Result<Option<ArchiveSpec>, Failure> {
    if !run.archive {
        return Ok(None);
    }
    let (text, from) = match &run.archive_key {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|error| {
                Failure::Usage(format!("cannot read --archive-key {}: {error}", path.display()))
            })?;
            (Some(text), format!("--archive-key {}", path.display()))
        }
        None => (
            std::env::var("AUDITKIT_ARCHIVE_KEY").ok().filter(|key| !key.trim().is_empty()),
            "AUDITKIT_ARCHIVE_KEY".to_owned(),
        ),
    };
    let signer = text
        .map(|text| auditkit::archive::Signer::from_text(&text))
        .transpose()
        .map_err(|error| Failure::Usage(format!("{from}: {error}")))?;
    Ok(Some(ArchiveSpec { signer: signer.map(std::sync::Arc::new) }))
}

/// The output's path with `.checkpoint.json`; `auditkit.checkpoint.json` for the others.
pub(crate) fn default_checkpoint(sink: &SinkSpec) -> PathBuf {
    match sink {
        SinkSpec::File { path, .. } => lock::beside(path, ".checkpoint.json"),
        SinkSpec::Stdout | SinkSpec::Http(_) => PathBuf::from("auditkit.checkpoint.json"),
    }
}
