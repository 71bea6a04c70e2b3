//! The command line, and how a failure becomes an exit code.

use auditkit::Error;
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Parser, ValueEnum};
use std::{path::PathBuf, process::ExitCode};

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
    pub(crate) vendors: Vec<VendorArg>,
    /// Start of the range (RFC 3339 or YYYY-MM-DD), for the first run; later runs resume
    /// from the checkpoint. Default: each vendor's lookback.
    #[arg(long, value_parser = parse_time)]
    pub(crate) from: Option<DateTime<Utc>>,
    /// End of the range, exclusive (default: now minus each vendor's lag).
    #[arg(long, value_parser = parse_time)]
    pub(crate) to: Option<DateTime<Utc>>,
    /// Keep collecting, every --interval, until Ctrl-C.
    #[arg(long)]
    pub(crate) follow: bool,
    /// Seconds between collections with --follow.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) interval: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Raw)]
    pub(crate) format: Format,
    /// Compress the output with gzip (one gzip member per batch).
    #[arg(long)]
    pub(crate) gzip: bool,
    /// Output file (appended to; default auditkit-export.jsonl, .jsonl.gz with --gzip).
    #[arg(short, long)]
    pub(crate) output: Option<PathBuf>,
    /// Checkpoint file (default: the output's path with .checkpoint.json).
    #[arg(long)]
    pub(crate) checkpoint: Option<PathBuf>,
    /// Events per batch: each batch is written, flushed and committed on its own.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) batch_size: u64,
    /// No progress display and no summary.
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// For crash tests: abort right after writing this many batches, before committing.
    #[arg(long, hide = true)]
    pub(crate) abort_after_write: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum VendorArg {
    Qualtrics,
    Everbridge,
    Energycap,
    Reporter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
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
pub(crate) enum Failure {
    Vendor(Error),
    Usage(String),
    Output(String),
}

impl Failure {
    pub(crate) fn exit_code(&self) -> ExitCode {
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
