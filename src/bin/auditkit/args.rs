//! The command line: subcommands, their options, and the help's environment and exit codes.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};

use super::durations::{parse_duration, parse_positive_duration};

const AFTER_HELP: &str = "\
Environment:
  AUDITKIT_QUALTRICS_DATACENTER or _BASE_URL, AUDITKIT_QUALTRICS_API_TOKEN
      (or _CLIENT_ID and _CLIENT_SECRET)
  AUDITKIT_EVERBRIDGE_USERNAME and _PASSWORD (with _CLIENT_ID and _CLIENT_SECRET: OAuth),
      or AUDITKIT_EVERBRIDGE_TOKEN; AUDITKIT_EVERBRIDGE_REGION, _BASE_URL
  AUDITKIT_ENERGYCAP_API_KEY, AUDITKIT_ENERGYCAP_HOST, _BASE_URL
  AUDITKIT_REPORTER_BASE_URL, AUDITKIT_REPORTER_TOKEN, AUDITKIT_REPORTER_ORGANIZATION_ID
      The credentials without --config (one tenant). With --config, each source names
      its own variables or files.
  AUDITKIT_SINK_TOKEN   the token of --http (Splunk HEC token, or an Authorization value)
  AUDITKIT_STORE        --store: postgres://… shared by replicas (AUDITKIT_REPLICA: --replica)
  AUDITKIT_SOURCES_AT_ONCE  --sources-at-once: how many sources list at a time (4)
  AUDITKIT_ARCHIVE_KEY  the Ed25519 private key that signs --archive manifests (PEM, or
                        the 32-byte seed in base64), if --archive-key is not given
  RUST_LOG              overrides -v/-q (a tracing filter, e.g. auditkit=debug)

Exit codes:
  0  done (collect: stopped by SIGTERM or Ctrl-C after committing the batch in hand)
  1  failed: a vendor, the network, a sink, the output or the checkpoint; run it again,
     it resumes from the last commit
  2  bad arguments or config, or missing credentials: nothing ran
  3  partial: some sources failed, the others were exported and committed
  4  busy: another auditkit holds the output or a source (an OS file lock)
  5  verify: the archive does not verify (the first line that does not is printed)";

/// Collects audit events from EnergyCAP, Lerian Reporter, Qualtrics and Everbridge into
/// JSON Lines files, stdout or HTTP, resumably and exactly once per file.
#[derive(Debug, Parser)]
#[command(name = "auditkit", version, after_help = AFTER_HELP)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// Logs as text or as JSON lines (on stderr).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub(crate) log_format: LogFormat,
    /// More logs (-v debug, -vv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    /// Fewer logs (-q warnings only, -qq errors only), no progress and no summary.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) quiet: u8,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Collects continuously: every --interval, what is new since the last commit.
    #[command(after_help = AFTER_HELP)]
    Collect(Run),
    /// Exports a range once (default: from the checkpoint or the lookback, to now minus
    /// the lag), then exits.
    #[command(after_help = AFTER_HELP)]
    Export(Run),
    /// Lists, shows or resets checkpoints.
    Checkpoints(Checkpoints),
    /// Serves a sandbox of the four APIs seeded with sample events, and prints the
    /// AUDITKIT_* variables that point at it; runs until SIGTERM or Ctrl-C.
    Sandbox(SandboxArgs),
    /// Verifies --archive files: every line's hash and its place in the chain, across the
    /// files in the order given, and each closed file's manifest and signature. Prints the
    /// first line that does not verify, with its number and the reason.
    #[command(after_help = VERIFY_HELP)]
    Verify(VerifyArgs),
}

const VERIFY_HELP: &str = "\
Give the files in chain order: a directory stands for its *.jsonl and *.jsonl.gz files
sorted by name, and rotated files' names sort by time, before the file being written.

Reasons: edited, deleted, inserted, reordered, truncated, gap (lines missing between two
files, e.g. a file dropped), swapped (files out of order), forged manifest.

Exit codes:
  0  everything verifies
  1  a file cannot be read
  2  bad arguments, or a public key that cannot be read
  5  does not verify: the first finding is printed (file, line, reason)";

/// What `verify` checks.
#[derive(Debug, Clone, ClapArgs)]
pub(crate) struct VerifyArgs {
    /// Archive files or directories, in chain order.
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// The public key manifests must be signed with (PEM, as `openssl pkey -pubout`
    /// writes it, or 32 bytes in base64); repeat for keys used over time. With it, every
    /// closed file needs a signed manifest.
    #[arg(long)]
    pub(crate) public_key: Vec<PathBuf>,
}

/// What `collect` and `export` read and where they write.
#[derive(Debug, Clone, ClapArgs)]
pub(crate) struct Run {
    /// A TOML config of many sources (tenants × vendors × streams): see the README. The
    /// source options below then do not apply.
    #[arg(short, long)]
    pub(crate) config: Option<PathBuf>,
    /// Vendor to collect (repeat for several; default: every vendor configured by the
    /// AUDITKIT_* variables).
    #[arg(long = "vendor", value_enum)]
    pub(crate) vendors: Vec<VendorArg>,
    /// The tenant written on every line.
    #[arg(long, default_value = "default")]
    pub(crate) tenant: String,
    /// Use a built-in sandbox seeded with sample events instead of real accounts.
    #[arg(long)]
    pub(crate) sandbox: bool,
    /// Start of the range (RFC 3339 or YYYY-MM-DD) for a source without a checkpoint.
    #[arg(long, value_parser = parse_time)]
    pub(crate) from: Option<DateTime<Utc>>,
    /// End of the range, exclusive (default: now minus each source's lag).
    #[arg(long, value_parser = parse_time)]
    pub(crate) to: Option<DateTime<Utc>>,
    /// How far back a source without a checkpoint starts (e.g. 7d; default: the vendor's).
    #[arg(long, value_parser = parse_duration)]
    pub(crate) lookback: Option<std::time::Duration>,
    /// How far behind now a run reads (e.g. 5m; default: the vendor's).
    #[arg(long, value_parser = parse_duration)]
    pub(crate) lag: Option<std::time::Duration>,
    /// How much a run reads again before the last high-water mark (default: the vendor's).
    #[arg(long, value_parser = parse_duration)]
    pub(crate) overlap: Option<std::time::Duration>,
    /// collect: the time between runs.
    #[arg(long, default_value = "60s", value_parser = parse_positive_duration)]
    pub(crate) interval: std::time::Duration,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Raw)]
    pub(crate) format: Format,
    /// How Qualtrics streams are read: its listing (`/logs`), or bulk audit exports, one a
    /// window (Qualtrics' path for large pulls; each export takes seconds to minutes).
    #[arg(long, value_enum, default_value_t = Via::Listing)]
    pub(crate) via: Via,
    /// Compress the output file with gzip (one gzip member per batch).
    #[arg(long)]
    pub(crate) gzip: bool,
    /// Output file, appended to; `-` for stdout (at least once: deduplicate on `key`).
    /// Default auditkit-export.jsonl (.jsonl.gz with --gzip).
    #[arg(short, long)]
    pub(crate) output: Option<PathBuf>,
    /// Start a new output file when it reaches this size (e.g. 100MB).
    #[arg(long, value_parser = parse_size)]
    pub(crate) rotate_size: Option<u64>,
    /// Start a new output file when it is this old (e.g. 1d).
    #[arg(long, value_parser = parse_duration)]
    pub(crate) rotate_every: Option<std::time::Duration>,
    /// A tamper-evident archive: every line hash-chained to the one before, across
    /// batches, restarts and files, and a manifest beside each rotated file. Check it with
    /// `auditkit verify`.
    #[arg(long, conflicts_with = "http")]
    pub(crate) archive: bool,
    /// The Ed25519 private key (PEM file, `openssl genpkey -algorithm ed25519`) that
    /// signs the manifests of --archive (default: AUDITKIT_ARCHIVE_KEY, if set).
    #[arg(long, requires = "archive")]
    pub(crate) archive_key: Option<PathBuf>,
    /// Deliver by HTTP POST to this URL instead of a file (batched NDJSON, with retries).
    #[arg(long, conflicts_with_all = ["output", "gzip"])]
    pub(crate) http: Option<url::Url>,
    /// The body --http sends: plain NDJSON, Splunk HEC events, or an
    /// Elasticsearch/OpenSearch `_bulk` request with `_id` = the event key.
    #[arg(long, value_enum, default_value_t = HttpPreset::Ndjson)]
    pub(crate) http_preset: HttpPreset,
    /// Attempts per batch with --http (connection errors, 408, 429 and 5xx are retried,
    /// with a backoff from 250ms doubling up to 30s).
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) http_attempts: u32,
    /// The longest wait --http gives a 429 or 503's Retry-After (seconds or a date); a
    /// longer one is cut to it, with a warning.
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    pub(crate) http_max_retry_after: std::time::Duration,
    /// Checkpoint file (default: the output's path with .checkpoint.json;
    /// auditkit.checkpoint.json for stdout and HTTP).
    #[arg(long)]
    pub(crate) checkpoint: Option<PathBuf>,
    /// Events per batch: each batch is written, flushed and committed on its own.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) batch_size: u64,
    /// Serve Prometheus metrics at http://ADDR/metrics (e.g. 127.0.0.1:9464): events,
    /// undecodable items, requests, retries, 429s, and per source its lag and last success.
    #[arg(long, value_name = "ADDR")]
    pub(crate) metrics: Option<std::net::SocketAddr>,
    /// How often progress shows: a line per source in the logs when stderr is not a
    /// terminal (default 30s), the display's refresh on a terminal (default 1s).
    #[arg(long, value_parser = parse_positive_duration)]
    pub(crate) progress_interval: Option<std::time::Duration>,
    /// How many sources list at the same time; the others wait for their turn. Memory
    /// grows with this, not with the number of sources configured. Default: the config's
    /// `sources_at_once`, else 4.
    #[arg(long, env = "AUDITKIT_SOURCES_AT_ONCE", value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) sources_at_once: Option<u16>,
    /// For crash tests: abort right after writing this many batches, before committing.
    #[arg(long, hide = true)]
    pub(crate) abort_after_write: Option<u64>,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// With --store: this replica's name, its lease holder (default: the host name). Give
    /// each replica its own, the same across its restarts; `{replica}` in an output path
    /// is replaced by it.
    #[arg(long, env = "AUDITKIT_REPLICA")]
    pub(crate) replica: Option<String>,
    /// With --store: how long a replica's lease on a source lasts unless renewed (every
    /// third of it); a dead replica's sources are taken over after it.
    #[arg(long, default_value = "30s", value_parser = parse_positive_duration)]
    pub(crate) lease: std::time::Duration,
}

/// Where checkpoints live when not in a file: PostgreSQL, shared by replicas.
#[derive(Debug, Clone, Default, ClapArgs)]
pub(crate) struct StoreArgs {
    /// Keep checkpoints and leases in PostgreSQL (postgres://user@host:port/database) and
    /// share the sources with the other replicas given the same store and config;
    /// overrides the config's `store`. A URL with a password is better given in
    /// AUDITKIT_STORE than on the command line.
    #[arg(long = "store", env = "AUDITKIT_STORE", global = true, hide_env_values = true)]
    pub(crate) url: Option<String>,
    /// The schema of the store's table (default: the config's `store_schema`, or public).
    #[arg(long, global = true)]
    pub(crate) store_schema: Option<String>,
    /// Speak plain text to a PostgreSQL server that is not on this machine (a private
    /// network, or a TLS tunnel).
    #[arg(long, global = true)]
    pub(crate) store_without_tls: bool,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct Checkpoints {
    #[command(subcommand)]
    pub(crate) action: CheckpointAction,
    /// The checkpoint file (default: auditkit-export.jsonl.checkpoint.json, or each
    /// checkpoint file of --config).
    #[arg(long, global = true)]
    pub(crate) checkpoint: Option<PathBuf>,
    /// The config whose checkpoint files (or store) to read.
    #[arg(short, long, global = true)]
    pub(crate) config: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// With --store and without --config: the tenant of the one-tenant command line.
    #[arg(long, global = true, default_value = "default")]
    pub(crate) tenant: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CheckpointAction {
    /// Creates the table of --store (and its schema) unless they exist: a deployment step
    /// before the replicas start (they create it too otherwise).
    Init,
    /// One line per source: its high-water mark, keys kept and committed output length.
    List,
    /// A source's checkpoint as JSON.
    Show {
        /// The source's id, as `list` prints it (e.g. qualtrics/logins).
        source: String,
    },
    /// Forgets a source's checkpoint: its next run starts from the lookback (or --from)
    /// and delivers again what it delivered before.
    Reset {
        source: String,
        /// Required: resetting re-delivers events.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, ClapArgs)]
pub(crate) struct SandboxArgs {
    /// Events seeded per stream, over the last three days.
    #[arg(long, default_value_t = 200)]
    pub(crate) events: usize,
    /// New events published per second while it runs, across every stream, so that
    /// `collect` keeps finding new data (0: none).
    #[arg(long, default_value_t = 1.0, env = "AUDITKIT_SANDBOX_PUBLISH_RATE")]
    pub(crate) publish_rate: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum VendorArg {
    Qualtrics,
    Everbridge,
    Energycap,
    Reporter,
}

impl VendorArg {
    /// The library's name for it.
    pub(crate) fn vendor(self) -> auditkit::Vendor {
        match self {
            VendorArg::Qualtrics => auditkit::Vendor::Qualtrics,
            VendorArg::Everbridge => auditkit::Vendor::Everbridge,
            VendorArg::Energycap => auditkit::Vendor::EnergyCap,
            VendorArg::Reporter => auditkit::Vendor::Reporter,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            VendorArg::Qualtrics => "qualtrics",
            VendorArg::Everbridge => "everbridge",
            VendorArg::Energycap => "energycap",
            VendorArg::Reporter => "reporter",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Format {
    /// One line per event: tenant, vendor, source, key, time and the vendor's event.
    Raw,
    /// One OCSF event per line (Qualtrics logins, logoffs and password resets; Everbridge).
    Ocsf,
}

/// How a Qualtrics stream is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Via {
    /// `GET /logs`, page by page.
    #[default]
    Listing,
    /// Bulk audit exports, one a window (its checkpoint id: `qualtrics/exports/<stream>`).
    Exports,
}

impl Format {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::Raw => "raw",
            Format::Ocsf => "ocsf",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum HttpPreset {
    /// The lines as they are, `Content-Type: application/x-ndjson`.
    Ndjson,
    /// Splunk HTTP Event Collector (`Authorization: Splunk <token>`).
    Splunk,
    /// Elasticsearch or OpenSearch `_bulk` (`index` actions, `_id` = the event key).
    Elastic,
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

/// `1048576`, `64KB`, `100MB`, `1GB` (powers of 1024).
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let upper = text.trim().to_ascii_uppercase();
    let (digits, unit) =
        upper.split_at(upper.find(|c: char| !c.is_ascii_digit()).unwrap_or(upper.len()));
    let scale: u64 = match unit.trim() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return Err(format!("`{text}` is not a size (e.g. 100MB)")),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{text}` is not a positive size (e.g. 100MB)"))
}
