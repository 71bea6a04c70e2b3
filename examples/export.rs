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

use std::{
    fs::{File, OpenOptions},
    io::{self, IsTerminal, Seek, SeekFrom, Write},
    path::{Path, PathBuf},
    process::ExitCode,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use auditkit::{
    Client, Error,
    collect::{Batch, Collected, Collector, FileStore, Source},
    everbridge::ReportType,
    qualtrics::{Logins, PasswordResets, SessionCreations, SessionTerminations},
    testkit::Sandbox,
};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Parser, ValueEnum};
use futures::{
    StreamExt,
    future::BoxFuture,
    stream::{self, BoxStream},
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use tracing_subscriber::layer::SubscriberExt;

const EXIT_CODES: &str = "\
Exit codes:
  0  done (with --follow: stopped by Ctrl-C after the last batch was committed)
  1  a vendor or the network failed: run the same command again, it resumes
  2  bad arguments, or input the vendor's rules refuse
  3  the output or the checkpoint could not be read or written

Credentials: the AUDITKIT_* variables of auditkit's `Client::from_env`. Without any, the
events come from a built-in sandbox seeded with sample data.";

/// Exports audit events from the configured vendors to JSON Lines, resumably.
#[derive(Debug, Parser)]
#[command(name = "export", version, after_help = EXIT_CODES)]
pub(crate) struct Args {
    /// Vendor to export (repeat for several; default: every configured vendor).
    #[arg(short, long = "vendor", value_enum)]
    vendors: Vec<VendorArg>,
    /// Start of the range (RFC 3339 or YYYY-MM-DD), for the first run; later runs resume
    /// from the checkpoint. Default: each vendor's lookback.
    #[arg(long, value_parser = parse_time)]
    from: Option<DateTime<Utc>>,
    /// End of the range, exclusive (default: now minus each vendor's lag).
    #[arg(long, value_parser = parse_time)]
    to: Option<DateTime<Utc>>,
    /// Keep collecting, every --interval, until Ctrl-C.
    #[arg(long)]
    follow: bool,
    /// Seconds between collections with --follow.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    interval: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Raw)]
    format: Format,
    /// Compress the output with gzip (one gzip member per batch).
    #[arg(long)]
    gzip: bool,
    /// Output file (appended to; default auditkit-export.jsonl, .jsonl.gz with --gzip).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Checkpoint file (default: the output's path with .checkpoint.json).
    #[arg(long)]
    checkpoint: Option<PathBuf>,
    /// Events per batch: each batch is written, flushed and committed on its own.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..))]
    batch_size: u64,
    /// No progress display and no summary.
    #[arg(short, long)]
    quiet: bool,
    /// For crash tests: abort right after writing this many batches, before committing.
    #[arg(long, hide = true)]
    abort_after_write: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum VendorArg {
    Qualtrics,
    Everbridge,
    Energycap,
    Reporter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One line per event: source, key, time and the vendor's event.
    Raw,
    /// One OCSF event per line (Qualtrics logins, logoffs and password resets; Everbridge).
    Ocsf,
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|at| at.and_utc())
        .ok_or_else(|| format!("`{text}` is not RFC 3339 (2026-11-22T10:00:00Z) or YYYY-MM-DD"))
}

/// Why the export stopped, and its exit code.
#[derive(Debug)]
enum Failure {
    Vendor(Error),
    Usage(String),
    Output(String),
}

impl Failure {
    fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Failure::Vendor(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Output(_) => 3,
        })
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        match error {
            Error::Checkpoint(_) => Failure::Output(error.to_string()),
            Error::InvalidInput(_) | Error::Config(_) | Error::NotConfigured(_) => {
                Failure::Usage(error.to_string())
            }
            other => Failure::Vendor(other),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Vendor(error) => write!(f, "{error}"),
            Failure::Usage(message) | Failure::Output(message) => f.write_str(message),
        }
    }
}

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
                streams.push(batches(args, store, q.event_source::<Logins>(), ocsf::login));
                streams.push(batches(
                    args,
                    store,
                    q.event_source::<SessionTerminations>(),
                    ocsf::logoff,
                ));
                streams.push(batches(
                    args,
                    store,
                    q.event_source::<PasswordResets>(),
                    ocsf::password_reset,
                ));
                if !ocsf {
                    streams.push(batches(
                        args,
                        store,
                        q.event_source::<SessionCreations>(),
                        ocsf::none,
                    ));
                }
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

/// A batch as JSON Lines, with its commit.
struct Prepared {
    source: String,
    lines: Vec<u8>,
    events: usize,
    undecodable: usize,
    commit: Box<dyn FnOnce(u64) -> BoxFuture<'static, Result<(), Error>> + Send>,
}

#[derive(Serialize)]
struct RawLine<'a, E> {
    source: &'a str,
    key: &'a str,
    time: DateTime<Utc>,
    event: &'a E,
}

#[derive(Serialize)]
struct UndecodableLine<'a> {
    source: &'a str,
    key: &'a str,
    undecodable: &'a str,
    error: String,
}

impl Prepared {
    fn new<E: Serialize + Send + 'static>(
        source: &str,
        mut batch: Batch<E>,
        format: Format,
        to_ocsf: fn(&E) -> Option<serde_json::Result<serde_json::Value>>,
    ) -> Self {
        let mut lines = Vec::new();
        for Collected { key, time, event, .. } in batch.events() {
            let line = match (format, to_ocsf(event)) {
                (Format::Ocsf, Some(ocsf)) => ocsf.map(|mut ocsf| {
                    // The collector's key: what a SIEM deduplicates on.
                    ocsf["metadata"]["uid"] = key.as_str().into();
                    ocsf
                }),
                // A source without a mapping is written raw: nothing is dropped.
                _ => serde_json::to_value(RawLine { source, key, time: *time, event }),
            };
            push_line(&mut lines, source, key, line);
        }
        for rejected in batch.undecodable() {
            let line = UndecodableLine {
                source,
                key: &rejected.key,
                undecodable: rejected.item.raw_json(),
                error: rejected.item.error().to_string(),
            };
            push_line(&mut lines, source, &rejected.key, serde_json::to_value(line));
        }
        let (events, undecodable) = (batch.events().len(), batch.undecodable().len());
        Self {
            source: source.to_owned(),
            lines,
            events,
            undecodable,
            commit: Box::new(move |length| {
                Box::pin(async move {
                    batch.annotate("output_bytes", length);
                    batch.commit().await
                })
            }),
        }
    }
}

/// Appends one JSON line; an event that cannot be written as JSON still leaves a line
/// with its source, key and the reason.
fn push_line(
    lines: &mut Vec<u8>,
    source: &str,
    key: &str,
    line: serde_json::Result<serde_json::Value>,
) {
    let line = line.unwrap_or_else(|error| {
        serde_json::json!({ "source": source, "key": key, "unserializable": error.to_string() })
    });
    // Writing a `Value` into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *lines, &line);
    lines.push(b'\n');
}

/// The output file, cut back to its committed length when opened.
struct Output {
    file: File,
    gzip: bool,
    length: u64,
}

impl Output {
    async fn open(path: &Path, gzip: bool, store: &FileStore) -> Result<Self, Failure> {
        let committed = store
            .checkpoints()
            .await?
            .iter()
            .filter_map(|checkpoint| checkpoint.annotation("output_bytes")?.as_u64())
            .max()
            .unwrap_or(0);
        let io =
            |error: io::Error| Failure::Output(format!("cannot open {}: {error}", path.display()));
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(path)
            .map_err(io)?;
        let length = file.metadata().map_err(io)?.len();
        if length < committed {
            return Err(Failure::Output(format!(
                "{} has {length} bytes but its checkpoint {} recorded {committed} committed: \
                 the output was cut or replaced. Restore it, or remove the checkpoint to export \
                 again from the start",
                path.display(),
                store.path().display()
            )));
        }
        if length > committed {
            file.set_len(committed).map_err(io)?;
            file.sync_all().map_err(io)?;
            eprintln!(
                "export: dropped the {} bytes a previous run wrote after its last commit; they \
                 are exported again",
                length - committed
            );
        }
        file.seek(SeekFrom::End(0)).map_err(io)?;
        Ok(Self { file, gzip, length: committed })
    }

    /// Appends `lines` (one gzip member with --gzip), flushed to disk; the new length.
    fn append(&mut self, lines: &[u8]) -> io::Result<u64> {
        if lines.is_empty() {
            return Ok(self.length);
        }
        let bytes = if self.gzip {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(lines)?;
            encoder.finish()?
        } else {
            lines.to_vec()
        };
        self.file.write_all(&bytes)?;
        self.file.sync_data()?;
        self.length = self.length.saturating_add(bytes.len() as u64);
        Ok(self.length)
    }
}

/// Events, pages and rate on stderr, only when it is a terminal.
struct Progress {
    bar: ProgressBar,
    quiet: bool,
    started: Instant,
    events: u64,
    undecodable: u64,
    batches: u64,
    requests: Arc<AtomicU64>,
}

impl Progress {
    fn new(quiet: bool) -> Self {
        let bar = if quiet || !io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        };
        let requests = Arc::new(AtomicU64::new(0));
        Self {
            bar,
            quiet,
            started: Instant::now(),
            events: 0,
            undecodable: 0,
            batches: 0,
            requests,
        }
    }

    /// Counts the pages fetched: each is one `auditkit.request` span of the SDK's tracing.
    fn count_requests(&self) {
        if self.bar.is_hidden() {
            return;
        }
        let counter = RequestCounter(Arc::clone(&self.requests));
        let _ =
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(counter));
    }

    fn batch(&mut self, source: &str, events: usize, undecodable: usize) {
        self.events = self.events.saturating_add(events as u64);
        self.undecodable = self.undecodable.saturating_add(undecodable as u64);
        self.batches = self.batches.saturating_add(1);
        let rate = self.events as f64 / self.started.elapsed().as_secs_f64().max(0.001);
        self.bar.set_message(format!(
            "{} events, {} pages, {rate:.0} events/s (last: {source})",
            self.events,
            self.requests.load(Ordering::Relaxed)
        ));
    }

    fn println(&self, line: &str) {
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.println(line);
        }
    }

    fn finish(&self, output: &Path) {
        self.bar.finish_and_clear();
        if !self.quiet {
            eprintln!(
                "export: {} events ({} undecodable, kept as such) in {} batches to {}",
                self.events,
                self.undecodable,
                self.batches,
                output.display()
            );
        }
    }
}

/// Counts the SDK's requests from the spans it opens for them.
struct RequestCounter(Arc<AtomicU64>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for RequestCounter {
    fn on_new_span(
        &self,
        attributes: &tracing::span::Attributes<'_>,
        _: &tracing::span::Id,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if attributes.metadata().name() == "auditkit.request" {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The OCSF mapping of each source's events, as JSON (`None`: the source has none).
mod ocsf {
    use auditkit::{
        everbridge,
        ocsf::{self, ToOcsf},
        qualtrics,
    };
    use serde::Serialize;

    type Line = Option<serde_json::Result<serde_json::Value>>;

    fn json(event: impl Serialize) -> Line {
        Some(serde_json::to_value(event))
    }

    pub(crate) fn none<E>(_: &E) -> Line {
        None
    }

    pub(crate) fn login(event: &qualtrics::Event<qualtrics::LoginDescriptor>) -> Line {
        json(event.to_ocsf())
    }

    pub(crate) fn logoff(event: &qualtrics::Event<qualtrics::SessionDescriptor>) -> Line {
        json(ocsf::qualtrics::logoff(event))
    }

    pub(crate) fn password_reset(
        event: &qualtrics::Event<qualtrics::PasswordResetDescriptor>,
    ) -> Line {
        json(event.to_ocsf())
    }

    pub(crate) fn audit_log_entry(entry: &everbridge::AuditLogEntry) -> Line {
        json(entry.to_ocsf())
    }
}
