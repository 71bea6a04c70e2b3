//! Logs through `tracing` on stderr, as text or JSON; -v and -q set the level, RUST_LOG
//! overrides them. The SDK's own retries and warnings show through it.

use tracing_subscriber::{EnvFilter, fmt};

use super::args::{Cli, LogFormat};

/// Installs the subscriber for the whole process.
pub(crate) fn init(cli: &Cli) {
    let level = match (cli.verbose, cli.quiet) {
        (0, 0) => "info",
        (1, 0) => "debug",
        (_, 0) => "trace",
        (_, 1) => "warn",
        _ => "error",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let builder = fmt()
        .with_env_filter(filter)
        .with_writer(|| super::progress_display::LogWriter)
        .with_target(false);
    let _ = match cli.log_format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
